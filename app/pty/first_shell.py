"""The window's first shell, started while the app is still loading (start-up, issue 15).

Why: from ``python -m app`` to a window the app spends ~0.3 s importing PySide6 and its own modules and building
the window, on one core; the shell's own start (its rc files, often 50-200 ms for a desktop's ``.bashrc`` with
completions) came only after that.  Started first, on the machine's other core, the shell has its prompt waiting
in the pty when the window shows.

How it stays exact: the shell is started from a guess — the profile, UTF-8 switch and terminal size the window's
first session had the last time (one line in the cache folder, written by :func:`remember`) — with the plan the
window itself would make (:func:`~app.pty.profiles.plan_session` on :func:`app.launch_environment`, in the home
folder), the pty sized and its IUTF8 flag set before the shell runs.  The first session takes it over
(:func:`take`) only if its plan and its spawn spec (argv, environment, folder, size) are exactly that; otherwise
the early shell is killed unseen and the session starts its own, as it always did.  So the shell sees the same
size from its first instruction (no SIGWINCH, no redrawn prompt) and the same bytes reach the screen; only
sooner.  Nothing of this runs on Windows (ConPTY sessions start as before), nor without a guess (the first start
after an install).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app import launch_environment
from app.pty.base import SpawnSpec
from app.pty.posix_pty import Launched, launch
from app.pty.profiles import PROFILES, SessionPlan, plan_session

__all__ = ["Guess", "discard", "read_guess", "remember", "start", "take"]

#: How long :func:`discard` waits for a killed shell to be reaped (seconds).
REAP_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Guess:
    """What the window's first session started last time: the profile's name, the UTF-8 switch, the size."""

    profile: str
    utf8: bool
    cols: int
    rows: int

    def line(self) -> str:
        return f"{self.profile} {int(self.utf8)} {self.cols} {self.rows}\n"


@dataclass(frozen=True)
class _Early:
    plan: SessionPlan
    spec: SpawnSpec
    launched: Launched


_early: _Early | None = None


def read_guess(path: Path) -> Guess | None:
    """The guess stored at ``path``; ``None`` if there is none or it does not parse (a start without it)."""
    try:
        fields = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    if len(fields) != 4 or fields[1] not in ("0", "1") or not (fields[2].isdigit() and fields[3].isdigit()):
        return None
    guess = Guess(fields[0], fields[1] == "1", int(fields[2]), int(fields[3]))
    if not (0 < guess.cols < 65536 and 0 < guess.rows < 65536):
        return None
    return guess


def remember(path: Path, guess: Guess) -> None:
    """Store ``guess`` for the next start (only if it changed; a folder that cannot be written is no error)."""
    line = guess.line()
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.read_text(encoding="utf-8") == line:
            return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(line, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def start(guess: Guess | None, home: str) -> bool:
    """Start the shell ``guess`` names on a pty of its size, in ``home``; whether one was started.

    Nothing is started on Windows, for a profile that is not a POSIX shell here, or when a shell is already
    waiting; a shell that cannot be started is left to the session, which reports it as it always did.
    """
    global _early
    if guess is None or sys.platform == "win32" or _early is not None:
        return False
    profile = PROFILES.get(guess.profile)
    if profile is None or profile.family != "posix" or not profile.available():
        return False
    try:
        plan = plan_session(profile, (), utf8=guess.utf8, base_env=launch_environment())
        spec = SpawnSpec(plan.argv, env=plan.env, cwd=home, cols=guess.cols, rows=guess.rows)
        launched = launch(spec, iutf8=plan.set_iutf8)
    except Exception:  # whatever it is, the session starts its own shell and reports it as always
        return False
    _early = _Early(plan, spec, launched)
    return True


def take(plan: SessionPlan, spec: SpawnSpec) -> Launched | None:
    """The early shell, if it was started for exactly ``plan`` and ``spec`` and still runs; otherwise ``None``
    (and the early shell, if any, is killed: only a session's first start asks, the first session's)."""
    global _early
    early, _early = _early, None
    if early is None:
        return None
    if early.plan == plan and early.spec == spec and early.launched.proc.poll() is None:
        return early.launched
    _kill(early.launched)
    return None


def discard() -> None:
    """Kill the early shell if no session took it (the app ends, or its window could not be made)."""
    global _early
    early, _early = _early, None
    if early is not None:
        _kill(early.launched)


def waiting() -> bool:
    """Whether an early shell waits to be taken (tests)."""
    return _early is not None


def _kill(launched: Launched) -> None:
    """End a shell nobody saw: SIGKILL to its process group (it leads its own session; no hang-up, so it writes
    no history), then reap it and close the pty."""
    proc = launched.proc
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(REAP_TIMEOUT_S)
    with contextlib.suppress(OSError):
        os.close(launched.master)
