"""Sources of bytes: POSIX pty, ConPTY (pywinpty, and the system's own through kernel32), pipes and replays."""

from __future__ import annotations

import importlib

from app.pty.base import Chunk, Source, SourceClosedError, SourceError, SourceUnavailableError, SpawnSpec
from app.pty.pipe import PipeSource
from app.pty.posix_pty import PtySource, tty_iutf8

__all__ = [
    "BACKENDS",
    "Chunk",
    "PipeSource",
    "PtySource",
    "Source",
    "SourceClosedError",
    "SourceError",
    "SourceUnavailableError",
    "SpawnSpec",
    "spawn",
    "tty_iutf8",
]

#: The backends :func:`spawn` knows (a replay is opened from a recording, not spawned).
BACKENDS = ("pty", "pipe", "conpty", "conpty-inbox")


def spawn(spec: SpawnSpec, backend: str = "pty") -> Source:
    """Make the source for ``spec`` on ``backend``; ``await source.start()`` runs the child.

    Construction and start are apart so a caller can wire up handlers before the first byte can arrive.
    ConPTY is imported only when asked for: its module pulls in pywinpty, which exists on Windows only. Both
    ConPTY backends raise :class:`SourceUnavailableError` off Windows.
    Raises :class:`SourceUnavailableError` for a backend this machine does not have.
    """
    if backend == "pty":
        return PtySource(spec)
    if backend == "pipe":
        return PipeSource(spec)
    if backend == "conpty":
        try:
            module = importlib.import_module("app.pty.conpty")
        except ModuleNotFoundError as exc:
            if exc.name != "app.pty.conpty":
                raise SourceUnavailableError(f"ConPTY is available on Windows only ({exc.name} is missing)") from exc
            raise SourceUnavailableError("the ConPTY backend (app.pty.conpty) is not part of this build") from exc
        source: Source = module.ConPtySource(spec)
        return source
    if backend == "conpty-inbox":
        from app.pty.conpty_inbox import ConPtyInboxSource

        return ConPtyInboxSource(spec)
    raise SourceUnavailableError(f"no source backend {backend!r}; choose one of {', '.join(BACKENDS)}")
