"""The one way sessions are made: a live command on a backend (optionally recorded), or a replay.

The command line (``record``, ``replay``, ``render``), the window (new tabs, the Tests panel's runs,
recordings opened) and the benchmarks all come through here, so a session is wired the same way
everywhere and the choice of backend is made in exactly one place (:func:`default_backend`): a new
backend is one entry in :data:`app.pty.BACKENDS` and, if it should be the default somewhere, one line
here.

What is built is a :class:`~app.session.session.Session` with its source and recorder, not started
yet, so a caller can subscribe before the first byte can arrive (``await session.start()`` or
``session.run()`` runs it; the window's tab starts it on the Qt loop).

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.pty import SpawnSpec, spawn
from app.pty.profiles import SessionPlan, plan_session
from app.session.bytelog import DEFAULT_CAP
from app.session.session import Session, recording_header

if TYPE_CHECKING:  # loaded when a session is recorded or replayed, not for a live shell (start-up)
    from app.record.cast import CastStream, CastWriter, Recording

__all__ = [
    "RecordingOpenError",
    "command_plan",
    "default_backend",
    "live_session",
    "replay_session",
]


class RecordingOpenError(OSError):
    """None of the places a recording was asked for could be written; the message names each with its reason
    (``out.cast: Permission denied``)."""


def default_backend(platform: str = sys.platform) -> str:
    """The backend a live session runs on when none is asked for: ConPTY on Windows (what Windows Terminal
    and VS Code use, so the user sees what they see), a POSIX pty everywhere else."""
    return "conpty" if platform == "win32" else "pty"


def command_plan(argv: Sequence[str], env: Mapping[str, str] | None = None) -> SessionPlan:
    """A plan that runs ``argv`` as given, with ``env`` (default: ours) and no UTF-8 levers pulled: for
    benchmarks and tools that must not change what the child sees."""
    return plan_session("command", argv, utf8=False, base_env=env)


def live_session(
    plan: SessionPlan,
    *,
    backend: str | None = None,
    cwd: str | None = None,
    cols: int = 80,
    rows: int = 24,
    encoding: str = "utf-8",
    scrollback: int = 10_000,
    bytelog_cap: int = DEFAULT_CAP,
    record_to: Sequence[str | os.PathLike[str]] = (),
    record_argv: Sequence[str] | None = None,
    replies: bool = True,
) -> Session:
    """A session that will run ``plan`` on ``backend`` (default: :func:`default_backend`), not started yet.

    ``record_to``: where to write the recording, in order of preference (the first that can be created is
    used; :attr:`Session.recorder` has its path); none given, nothing is recorded. ``record_argv``: the
    command as the user asked for it, for the recording's ``command`` (default: the plan's argv).

    Raises :class:`~app.pty.SourceError` (the backend is missing here) and :class:`RecordingOpenError`
    (no recording place is writable; nothing was started).
    """
    source = spawn(SpawnSpec(plan.argv, env=plan.env, cwd=cwd, cols=cols, rows=rows), backend or default_backend())
    recorder: CastWriter | None = None
    if record_to:
        from app.record.cast import CastWriter
        header = recording_header(
            source, cols=cols, rows=rows, plan=plan, encoding=encoding, argv=record_argv, cwd=cwd or os.getcwd()
        )
        failures: list[str] = []
        for candidate in record_to:
            try:
                recorder = CastWriter(candidate, header)
            except OSError as exc:
                failures.append(f"{candidate}: {exc.strerror or exc}")
                continue
            break
        if recorder is None:
            raise RecordingOpenError("; ".join(failures))
    return Session(
        source,
        cols=cols,
        rows=rows,
        encoding=encoding,
        scrollback=scrollback,
        bytelog_cap=bytelog_cap,
        recorder=recorder,
        plan=plan,
        replies=replies,
        cwd=cwd or os.getcwd(),
    )


def replay_session(
    recording: Recording | CastStream | str | os.PathLike[str],
    *,
    speed: float = 1.0,
    hold_at_end: bool = False,
    encoding: str = "utf-8",
    cols: int | None = None,
    rows: int | None = None,
    scrollback: int = 10_000,
    bytelog_cap: int = DEFAULT_CAP,
) -> Session:
    """A session that plays ``recording`` at ``speed`` (0 or ``math.inf``: at once), at the recorded size
    unless ``cols``/``rows`` say otherwise; ``hold_at_end`` keeps it seekable after its end (the window's
    replay bar).

    A path is read as a stream (bounded memory whatever the file's size); its header is read here, so a
    file that is not a recording raises :class:`~app.record.cast.CastFormatError` (or ``OSError``) before
    anything starts.  ``bytelog_cap``: what the session keeps of the bytes for panels (a command that
    shows no panel keeps little).
    """
    from app.pty.replay import ReplaySource

    source = ReplaySource(recording, speed=speed, hold_at_end=hold_at_end)
    return Session(source, cols=cols, rows=rows, encoding=encoding, scrollback=scrollback, bytelog_cap=bytelog_cap)
