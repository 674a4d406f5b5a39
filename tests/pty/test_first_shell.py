"""The window's first shell, started early (app.pty.first_shell): held to a shell the session starts itself.

A session that takes the early shell must get exactly the bytes it would have got from its own: the same size
from the shell's first instruction, the same IUTF8 flag, the same environment and folder.  A guess that differs in
anything (profile, UTF-8 switch, size) must not be taken, and the early shell must be gone (reaped) then.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import termios
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.pty import first_shell
from app.pty.posix_pty import PtySource
from app.pty.profiles import find_utf8_locale, plan_session
from app.session.factory import live_session

pytestmark = pytest.mark.skipif(sys.platform == "win32" or shutil.which("bash") is None, reason="a POSIX bash")

T = TypeVar("T")

#: The shell's rc file: what it saw at its start (size, IUTF8, locale, folder), then it ends.  No pid: the two runs
#: compared are two processes.
RC = (
    "sleep 0.1\n"  # a session that starts its own shell sets IUTF8 right after the exec: not before this
    'printf "size %s\\n" "$(stty size)"\n'
    'printf "flag %s\\n" "$(stty -a | grep -o -- "-\\?iutf8")"\n'
    'printf "env %s %s %s %s\\n" "$LANG" "$LC_ALL" "$TERM" "$PWD"\n'
    "exit 7\n"
)


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


#: The environment the app was launched with, as the tests set it (``launch_environment`` returns a copy).
LAUNCH_ENV: dict[str, str] = {}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / ".bashrc").write_text(RC)
    LAUNCH_ENV.clear()
    LAUNCH_ENV.update({k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "PYTHONUTF8", "TERM")})
    LAUNCH_ENV.update(HOME=str(tmp_path), SHELL="/bin/bash")
    monkeypatch.setattr(first_shell, "launch_environment", lambda: dict(LAUNCH_ENV))
    try:
        yield tmp_path
    finally:
        first_shell.discard()


def _session_output(home: Path, utf8: bool, cols: int, rows: int) -> tuple[bytes, int, int | None]:
    """Run the plan the window would make for bash on a session of ``cols`` x ``rows`` in ``home``: the bytes, the
    exit status and the pid of its shell."""
    env = first_shell.launch_environment()
    plan = plan_session("bash", (), utf8=utf8, base_env=env)
    session = live_session(plan, cwd=str(home), cols=cols, rows=rows)
    source = session.source
    assert isinstance(source, PtySource)

    async def go() -> int:
        try:
            return int(await session.run())
        finally:
            await session.close()

    status = run(go())
    return session.bytelog.slice(0), status, source.pid


def test_a_guess_is_stored_and_read_back_and_a_bad_one_is_no_guess(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "first-shell"
    assert first_shell.read_guess(path) is None
    guess = first_shell.Guess("bash", True, 100, 30)
    first_shell.remember(path, guess)
    assert first_shell.read_guess(path) == guess
    first_shell.remember(path, first_shell.Guess("zsh", False, 80, 24))
    assert first_shell.read_guess(path) == first_shell.Guess("zsh", False, 80, 24)
    assert sorted(p.name for p in path.parent.iterdir()) == ["first-shell"]  # no temporary file left
    for text in ("", "bash 1 100", "bash 2 100 30", "bash 1 0 30", "bash 1 100 x", "bash 1 70000 30", "\xff"):
        path.write_text(text)
        assert first_shell.read_guess(path) is None, text
    path.write_bytes(b"\xff\xfe")
    assert first_shell.read_guess(path) is None
    (tmp_path / "file").touch()
    first_shell.remember(tmp_path / "file" / "first-shell", guess)  # a folder that cannot be made: no error


def test_nothing_starts_without_a_guess_or_for_a_profile_that_is_not_a_posix_shell(home: Path) -> None:
    assert not first_shell.start(None, str(home))
    assert not first_shell.start(first_shell.Guess("cmd", True, 80, 24), str(home))
    assert not first_shell.start(first_shell.Guess("no-such-profile", True, 80, 24), str(home))
    assert not first_shell.waiting()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    guess_utf8=st.booleans(),
    utf8=st.booleans(),
    guess_size=st.sampled_from([(80, 24), (100, 30), (14, 39)]),
    size=st.sampled_from([(80, 24), (100, 30), (14, 39)]),
    utf8_already=st.booleans(),
)
@example(guess_utf8=True, utf8=False, guess_size=(80, 24), size=(80, 24), utf8_already=True)  # only the flag differs
@example(guess_utf8=True, utf8=True, guess_size=(100, 30), size=(100, 30), utf8_already=False)  # taken
def test_a_session_on_the_early_shell_gets_the_bytes_of_its_own_shell(
    home: Path, guess_utf8: bool, utf8: bool, guess_size: tuple[int, int], size: tuple[int, int], utf8_already: bool
) -> None:
    """Taken only when the guess is exactly what the session would start; the bytes are those of a shell the
    session started itself, whichever way it went.  ``utf8_already``: the app was launched with the variables the
    UTF-8 switch sets, so the switch changes only the pty's IUTF8 flag."""
    for key in ("LANG", "LC_ALL", "PYTHONUTF8"):
        LAUNCH_ENV.pop(key, None)
    locale = find_utf8_locale()
    if utf8_already and locale is not None:
        LAUNCH_ENV.update(LANG=locale, LC_ALL=locale, PYTHONUTF8="1")
    own, own_status, _pid = _session_output(home, utf8, *size)
    assert b"size %d %d" % (size[1], size[0]) in own  # the check sees what it claims to
    assert (b"flag iutf8" if utf8 else b"flag -iutf8") in own

    assert first_shell.start(first_shell.Guess("bash", guess_utf8, *guess_size), str(home))
    early = first_shell._early
    assert early is not None
    early_pid = early.launched.proc.pid
    got, status, pid = _session_output(home, utf8, *size)
    taken = (guess_utf8, guess_size) == (utf8, size)  # even with the same environment, not with another flag
    assert (pid == early_pid) is taken
    assert not first_shell.waiting()
    assert early.launched.proc.returncode is not None  # reaped, whether taken (and ended) or killed unseen
    assert (got, status) == (own, own_status)


def test_the_early_shell_is_killed_and_reaped_when_nobody_takes_it(home: Path) -> None:
    assert first_shell.start(first_shell.Guess("bash", True, 80, 24), str(home))
    assert not first_shell.start(first_shell.Guess("bash", True, 80, 24), str(home))  # one at a time
    early = first_shell._early
    assert early is not None and early.launched.proc.poll() is None
    first_shell.discard()
    assert early.launched.proc.returncode is not None and not first_shell.waiting()
    with pytest.raises(OSError):
        os.fstat(early.launched.master)  # the pty is closed too


def test_the_early_shell_waiting_at_its_prompt_runs_commands_with_iutf8(home: Path) -> None:
    """The early shell is at its prompt long before the session takes it, and readline puts back the tty's flags
    it saw at the prompt when a line is entered: IUTF8 set only then (as a session sets it after its own shell's
    exec) would be gone for the command.  So the early shell's pty has it from the start."""
    (home / ".bashrc").write_text("PS1='ready$ '\n")
    assert first_shell.start(first_shell.Guess("bash", True, 80, 24), str(home))
    early = first_shell._early
    assert early is not None
    while termios.tcgetattr(early.launched.master)[3] & termios.ICANON:  # until readline waits at the prompt
        assert early.launched.proc.poll() is None
        time.sleep(0.01)
    plan = plan_session("bash", (), utf8=True, base_env=first_shell.launch_environment())
    session = live_session(plan, cwd=str(home), cols=80, rows=24)

    async def go() -> int:
        try:
            await session.start()
            session.write(b"stty -a | grep -o -- '-\\?iutf8'; exit 5\r")
            return int(await session.run())
        finally:
            await session.close()

    assert run(go()) == 5
    assert session.source.pid == early.launched.proc.pid
    assert b"\riutf8\r\n" in session.bytelog.slice(0)


def test_an_early_start_that_fails_in_any_way_leaves_the_start_to_the_session(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise termios.error(5, "Input/output error")  # not an OSError

    monkeypatch.setattr(first_shell, "launch", broken)
    assert not first_shell.start(first_shell.Guess("bash", True, 80, 24), str(home))
    assert not first_shell.waiting()
