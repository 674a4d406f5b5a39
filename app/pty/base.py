"""The one protocol every source of bytes follows: a pty, ConPTY, plain pipes or a replay.

A session does not care where bytes come from; it starts a :class:`Source`, awaits chunks
from :meth:`Source.read` until it returns ``b""`` (end of output), and then awaits the exit
status.  Every byte the child wrote before exiting is delivered before ``read`` reports the end,
so no output is lost at exit.  No Qt here: sources run on any asyncio loop (qasync in the app).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = [
    "Chunk",
    "Source",
    "SourceClosedError",
    "SourceError",
    "SourceUnavailableError",
    "SpawnSpec",
    "is_replay",
]


def is_replay(source: object) -> bool:
    """Whether ``source`` is a :class:`~app.pty.replay.ReplaySource`, without loading that module (start-up: a live
    shell needs neither it nor the recording reader it imports; no replay exists before the module is loaded)."""
    replay = sys.modules.get("app.pty.replay")
    return replay is not None and isinstance(source, replay.ReplaySource)


class SourceError(Exception):
    """A source could not do what was asked; the message says what and how to mend it."""


class SourceUnavailableError(SourceError):
    """This kind of source does not exist here (e.g. ConPTY on Linux)."""


class SourceClosedError(SourceError):
    """Writing to (or resizing) a child that has exited or a source that was closed."""


@dataclass(frozen=True)
class SpawnSpec:
    """What to run: ``env`` is the child's whole environment (``None``: inherit this process's)."""

    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: str | None = None
    cols: int = 80
    rows: int = 24
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """One read: the bytes, when they arrived (seconds on the loop's monotonic clock), and
    which stream they came from (``"stdout"``/``"stderr"`` for pipes, ``"pty"`` otherwise)."""

    data: bytes
    time: float
    stream: str = "pty"


@runtime_checkable
class Source(Protocol):
    """A running (or replayed) child as a stream of chunks."""

    #: "pty", "conpty", "conpty-inbox", "pipe" or "replay".
    kind: str
    #: What the bytes are worth, said honestly, e.g. "exact bytes" or "UTF-8 re-encoded from text
    #: reads (ConPTY): a character split across reads arrives as U+FFFD".
    fidelity: str

    @property
    def pid(self) -> int | None: ...

    @property
    def returncode(self) -> int | None:
        """Exit status once known; negative is the signal that ended it (as ``subprocess``)."""

    async def start(self) -> None: ...

    async def read(self) -> Chunk | None:
        """The next chunk, or ``None`` once all output has been delivered."""

    def write(self, data: bytes) -> None:
        """Send bytes to the child; raises :class:`SourceClosedError` after it exited."""

    def resize(self, cols: int, rows: int) -> None: ...

    async def wait(self) -> int:
        """The exit status, reported only after every byte of output was read."""

    def kill(self) -> None:
        """End the child and its process group now (no orphans)."""

    async def close(self) -> None:
        """Kill if still running and release everything; safe to call twice."""
