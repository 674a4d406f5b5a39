"""Recording a running session from the middle, and exporting a stretch of bytes: real children, real files."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.record.cast import read_cast
from app.session import OutputReceived, Session, SessionEvent, SessionStateError
from app.session.export import export_range, record_running_session
from app.session.factory import RecordingOpenError, command_plan, live_session, replay_session
from app.vt import Terminal

T = TypeVar("T")

# A child that prints, waits for a line on stdin, prints again and exits: the test records from the middle.
CHILD = (
    "import sys\n"
    "sys.stdout.write('before \\u52a0\\u6cd5 \\x1b[31mred\\x1b[0m\\n'); sys.stdout.flush()\n"
    "sys.stdin.readline()\n"
    "sys.stdout.write('after\\n'); sys.stdout.flush()\n"
)


async def _to_end(session: Session) -> int:
    try:
        return await session.run()
    finally:
        await session.close()


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


async def _until_output(session: Session, needle: bytes) -> None:
    seen = asyncio.Event()

    def watch(event: SessionEvent) -> None:
        if isinstance(event, OutputReceived) and needle in session.bytelog.slice(session.bytelog.start_offset):
            seen.set()

    unsubscribe = session.subscribe(watch)
    try:
        if needle not in session.bytelog.slice(session.bytelog.start_offset):
            await seen.wait()
    finally:
        unsubscribe()


def test_recording_started_midway_replays_to_the_same_screen(tmp_path: Path) -> None:
    out = tmp_path / "mid.cast"

    async def scenario() -> Session:
        session = live_session(command_plan([sys.executable, "-c", CHILD]), cols=40, rows=6)
        await session.start()
        await _until_output(session, b"red")
        session.resize(50, 7)  # a resize before the recording starts: kept, at its time
        writer = record_running_session(session, out)
        assert session.recording and writer.path == out
        with pytest.raises(SessionStateError, match="already being recorded"):
            record_running_session(session, tmp_path / "second.cast")
        session.write(b"go on\n")
        await session.run()
        await session.close()
        return session

    session = run(scenario())
    recording = read_cast(out)
    assert (recording.header.width, recording.header.height) == (40, 6)  # the size the first bytes were written at
    assert recording.header.mojiscope is not None and recording.header.mojiscope["started_from_window"] is True
    assert recording.output_bytes() == session.bytelog.slice(0)  # every byte, the early ones included
    assert recording.exit_status == 0
    replayed = replay_session(recording, speed=0)
    run(_to_end(replayed))
    assert replayed.terminal.display == session.terminal.display
    assert (replayed.terminal.cols, replayed.terminal.rows) == (50, 7)


def test_stopping_a_recording_leaves_the_program_running(tmp_path: Path) -> None:
    out = tmp_path / "stop.cast"

    async def scenario() -> tuple[int, bytes]:
        session = live_session(command_plan([sys.executable, "-c", CHILD]), cols=40, rows=6)
        await session.start()
        await _until_output(session, b"red")
        record_running_session(session, out)
        writer = session.stop_recording()
        assert writer is not None and writer.closed and not session.recording
        session.write(b"x\n")
        status = await session.run()
        await session.close()
        return status, session.bytelog.slice(0)

    status, everything = run(scenario())
    assert status == 0 and b"after" in everything
    recording = read_cast(out)
    assert b"before" in recording.output_bytes() and b"after" not in recording.output_bytes()


def test_a_recording_that_cannot_be_written_or_a_replay_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        session = live_session(command_plan([sys.executable, "-c", "print('x')"]))
        await session.start()
        with pytest.raises(RecordingOpenError, match="no/such"):
            record_running_session(session, tmp_path / "no" / "such" / "x.cast")
        await session.run()
        await session.close()
        with pytest.raises(SessionStateError, match="closed"):
            record_running_session(session, tmp_path / "late.cast")

    run(scenario())
    source = tmp_path / "src.cast"
    live = live_session(command_plan(["printf", "abc"]), record_to=[source])
    run(_to_end(live))
    replay = replay_session(read_cast(source), speed=0)
    with pytest.raises(SessionStateError, match="replay"):
        record_running_session(replay, tmp_path / "again.cast")


def test_exporting_a_range_as_bytes_and_as_a_recording(tmp_path: Path) -> None:
    # The pty makes the LF a CR LF.
    session = live_session(command_plan(["printf", "one \\344\\275\\240 two\\nthree"]), cols=20, rows=3)
    run(_to_end(session))
    everything = session.bytelog.slice(0)
    start, end = everything.index(b"\xe4"), everything.index(b"three")
    assert export_range(session, start, end, tmp_path / "part.bin") == end - start
    assert (tmp_path / "part.bin").read_bytes() == "你 two\r\n".encode()
    assert export_range(session, start, end, tmp_path / "part.cast") == end - start
    recording = read_cast(tmp_path / "part.cast")
    assert recording.output_bytes() == "你 two\r\n".encode()
    assert recording.header.mojiscope is not None and recording.header.mojiscope["exported_range"] == [start, end]
    with pytest.raises(ValueError, match="not in the log"):
        export_range(session, 0, len(everything) + 5, tmp_path / "x.bin")
    term = Terminal(cols=20, rows=3)
    term.feed(recording.output_bytes())
    assert term.display[0].rstrip() == "你 two"
