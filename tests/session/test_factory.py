"""The session factory: one way to make a live (optionally recorded) or replayed session, real children only."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.pty import SourceUnavailableError
from app.pty.posix_pty import PtySource
from app.pty.profiles import plan_session
from app.record.cast import read_cast
from app.session.factory import RecordingOpenError, command_plan, default_backend, live_session, replay_session

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


async def _run_to_end(session: Any) -> int:
    try:
        return int(await session.run())
    finally:
        await session.close()


def test_the_default_backend_is_chosen_here_and_only_here() -> None:
    assert default_backend("linux") == "pty"
    assert default_backend("darwin") == "pty"
    assert default_backend("win32") == "conpty"


def test_a_live_session_on_a_real_pty_is_recorded_with_its_plan(tmp_path: Path) -> None:
    plan = plan_session("bash", ["sh", "-c", 'printf "加法 %s\\n" "$LC_ALL"; exit 3'], utf8=True)
    out = tmp_path / "run.cast"
    session = live_session(plan, cols=50, rows=7, record_to=[out], record_argv=["demo"])
    assert isinstance(session.source, PtySource)
    assert session.recorder is not None and session.recorder.path == out
    assert (session.terminal.cols, session.terminal.rows) == (50, 7)
    assert run(_run_to_end(session)) == 3
    assert "加法 " + plan.env["LC_ALL"] in "\n".join(session.terminal.display)
    recording = read_cast(out)
    assert recording.header.command == "demo"
    assert (recording.header.width, recording.header.height) == (50, 7)
    assert recording.header.mojiscope is not None and recording.header.mojiscope["profile"] == "bash"
    assert recording.output_bytes() == session.bytelog.slice(0)
    assert recording.exit_status == 3


def test_the_first_writable_recording_place_is_taken(tmp_path: Path) -> None:
    plan = command_plan([sys.executable, "-c", "print('hi')"])
    good = tmp_path / "ok.cast"
    session = live_session(plan, backend="pipe", record_to=[tmp_path / "no" / "such" / "x.cast", good])
    assert session.recorder is not None and session.recorder.path == good
    assert run(_run_to_end(session)) == 0
    assert read_cast(good).output_bytes().replace(b"\r", b"") == b"hi\n"


def test_no_writable_recording_place_names_each_and_starts_nothing(tmp_path: Path) -> None:
    plan = command_plan(["true"])
    with pytest.raises(RecordingOpenError) as caught:
        live_session(plan, record_to=[tmp_path / "a" / "1.cast", tmp_path / "b" / "2.cast"])
    assert "1.cast" in str(caught.value) and "2.cast" in str(caught.value)


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(SourceUnavailableError, match="no source backend 'telnet'"):
        live_session(command_plan(["true"]), backend="telnet")


def test_command_plan_changes_nothing_the_child_sees() -> None:
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "LANG": "C"}
    plan = command_plan(["env"], env)
    assert plan.argv == ("env",) and dict(plan.env) == env and not plan.overlay and not plan.flags


def test_a_replay_session_plays_the_recording_at_its_size(tmp_path: Path) -> None:
    out = tmp_path / "r.cast"
    live = live_session(command_plan(["printf", "a\\033[31mb"]), cols=30, rows=4, record_to=[out])
    run(_run_to_end(live))
    replay = replay_session(read_cast(out), speed=0)
    assert (replay.terminal.cols, replay.terminal.rows) == (30, 4)
    run(_run_to_end(replay))
    assert replay.terminal.display[0].rstrip() == "ab"
    assert replay.bytelog.slice(0) == live.bytelog.slice(0)
