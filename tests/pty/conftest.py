"""The backends the contract suite runs against, and the small helpers its tests share.

pytest-asyncio is not used: each test runs its coroutine with :func:`run` (``asyncio.run`` under a timeout).

To put another backend under the contract, add a :class:`Backend` to :data:`BACKENDS` (or call
:func:`register`) with a ``make(spec)`` that returns an unstarted :class:`~app.pty.base.Source` and its
honest capabilities. A replay backend, for instance, can record ``spec`` through a real pty first and return a
source replaying that recording (``processes=False``: there is nothing to kill or leave orphaned).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from app.pty.base import Chunk, Source, SpawnSpec
from app.pty.pipe import PipeSource

T = TypeVar("T")


@dataclass(frozen=True)
class Backend:
    """One way to run a child, and what it promises (tests for a promise it does not make are skipped)."""

    name: str
    make: Callable[[SpawnSpec], Source]
    #: The child has a terminal: a size it can read, SIGWINCH on resize, ONLCR on output.
    terminal: bool
    #: The child's output arrives byte for byte (ConPTY re-renders text, so it does not).
    exact: bool = True
    #: Death by a signal is reported as a negative status (POSIX).
    signals: bool = sys.platform != "win32"
    #: A real process tree stands behind the source (not a replay).
    processes: bool = True
    #: Input written reaches the child's stdin.
    input: bool = True


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> None:
    BACKENDS[backend.name] = backend


if sys.platform != "win32":
    from app.pty.posix_pty import PtySource

    register(Backend("pty", PtySource, terminal=True))
register(Backend("pipe", PipeSource, terminal=False))
# The thread-per-pipe path Windows uses, exercised everywhere.
register(Backend("pipe-threads", lambda spec: PipeSource(spec, threads=True), terminal=False))
if sys.platform == "win32":
    from app.pty.conpty import ConPtySource

    register(Backend("conpty", ConPtySource, terminal=True, exact=False, signals=False))


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


# Promises that split the backends into two groups get their own fixtures, so that a test about a
# terminal runs only where there is one, instead of being skipped elsewhere.
@pytest.fixture(params=sorted(name for name, b in BACKENDS.items() if b.terminal))
def terminal_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=sorted(name for name, b in BACKENDS.items() if not b.terminal))
def pipe_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


def run(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run one test coroutine on a fresh loop; a hang fails the test instead of the whole run."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


def py(code: str) -> list[str]:
    """argv running ``code`` in this Python (present on every machine the suite runs on)."""
    return [sys.executable, "-c", code]


def have(program: str) -> bool:
    return shutil.which(program) is not None


async def drain(source: Source) -> list[Chunk]:
    """Every chunk until the end of output."""
    chunks: list[Chunk] = []
    while (chunk := await source.read()) is not None:
        chunks.append(chunk)
    return chunks


async def read_until(source: Source, needle: bytes, seen: bytearray) -> None:
    """Read into ``seen`` until it contains ``needle``; fails if the output ends first."""
    while needle not in seen:
        chunk = await source.read()
        assert chunk is not None, f"output ended before {needle!r}; got {bytes(seen)!r}"
        seen += chunk.data


def text(chunks: list[Chunk], stream: str | None = None) -> str:
    """The output as text with terminal line ends made plain (the pty's ONLCR turns ``\\n`` into ``\\r\\n``)."""
    data = b"".join(c.data for c in chunks if stream is None or c.stream in (stream, "pty"))
    return data.replace(b"\r\n", b"\n").decode("utf-8", "replace")
