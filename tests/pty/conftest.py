"""The backends the contract suite runs against, and the small helpers its tests share.

pytest-asyncio is not used: each test runs its coroutine with :func:`run` (``asyncio.run`` under a timeout).

To put another backend under the contract, add a :class:`Backend` to :data:`BACKENDS` (or call
:func:`register`) with a ``make(spec)`` that returns an unstarted :class:`~app.pty.base.Source` and its
honest capabilities. The ``replay`` backend is one: it records ``spec`` through a real pty first and returns a
:class:`~app.pty.replay.ReplaySource` of that recording (``processes=False``: there is nothing to kill or leave
orphaned; ``input=False``, ``resize=False``: nobody is listening any more).

A test about a promise takes the fixture of the backends that make it (``exact_backend``, ``input_backend``, …),
so a backend is never skipped: tests that cannot apply to it are simply not generated for it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import shutil
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, fields
from typing import Any, TypeVar, cast

import pytest

from app.pty.base import Chunk, Source, SourceClosedError, SpawnSpec
from app.pty.pipe import PipeSource
from app.pty.replay import ReplaySource
from app.record.cast import CastWriter, read_cast
from app.session.session import recording_header

T = TypeVar("T")


@dataclass(frozen=True)
class Backend:
    """One way to run a child, and what it promises (tests for a promise it does not make are not generated
    for it: see the capability fixtures below)."""

    name: str
    make: Callable[[SpawnSpec], Source]
    #: The child has a terminal: a size it can read, ONLCR on output (a replay's child had one when recorded).
    terminal: bool
    #: The child's output arrives byte for byte (ConPTY re-renders text, so it does not).
    exact: bool = True
    #: Death by a signal is reported as a negative status (POSIX).
    signals: bool = sys.platform != "win32"
    #: A real process tree stands behind the source (not a replay).
    processes: bool = True
    #: Input written reaches the child's stdin.
    input: bool = True
    #: resize() reaches the running child (a new size, SIGWINCH on POSIX); needs ``terminal``.
    resize: bool = True


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> None:
    BACKENDS[backend.name] = backend


# -- the replay backend ----------------------------------------------------------------------------------------

#: Seconds without output after which a child that is still running is hung up and the recording ends, as when
#: the user closes a session. Only children that never exit (``sleep 100``) reach it; a test child that is merely
#: slow between writes would show up as a failure (status -SIGHUP), never as a false pass.
REPLAY_QUIET = 1.5


async def _record(spec: SpawnSpec) -> bytes:
    """Run ``spec`` on a real pty and return the ``.cast`` the way ``record`` writes it: every read chunk with its
    time since the start, then the exit status (``"x"``).

    The pty and :class:`CastWriter` directly, not a Session: a Session would also feed a Terminal (slow on 10 MB of
    random bytes, and beside the point here) and answer the child's terminal queries, which would change what a
    cooked-mode child echoes; the live ``pty`` backend answers nothing either.
    """
    from app.pty.posix_pty import PtySource

    source = PtySource(spec)
    out = io.BytesIO()
    header = recording_header(source, cols=spec.cols, rows=spec.rows, argv=spec.argv, cwd=spec.cwd, env=spec.env)
    writer = CastWriter(out, header)
    loop = asyncio.get_running_loop()
    await source.start()
    t0 = loop.time()
    last = 0.0
    try:
        while True:
            reading = asyncio.ensure_future(source.read())
            done, _ = await asyncio.wait({reading}, timeout=REPLAY_QUIET)
            if not done:
                await source.close()  # hang up; the read then ends (the queue is aborted)
                await reading
                status = source.returncode
                assert status is not None, "a closed pty source knows its child's status"
                break
            chunk = reading.result()
            if chunk is None:
                status = await source.wait()
                break
            last = max(last, chunk.time - t0)
            writer.output(chunk.data, last)
        writer.exit(status, max(last, loop.time() - t0))
    finally:
        await source.close()
        writer.close()
    return out.getvalue()


def record_then_replay(spec: SpawnSpec) -> ReplaySource:
    """``make`` of the replay backend: record ``spec`` through a real pty, then replay that recording at speed 0.

    ``make`` is synchronous and is called inside the test's running loop, so the recording runs on its own loop in
    a worker thread (the pty source needs no main-thread signal handling). The recording goes through bytes and
    :func:`read_cast`, so what is replayed is what a ``.cast`` file holds, not objects kept in memory.
    """
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="record") as pool:
        cast = pool.submit(asyncio.run, _record(spec)).result()
    return ReplaySource(read_cast(io.BytesIO(cast)), speed=0)


if sys.platform != "win32":
    from app.pty.posix_pty import PtySource

    register(Backend("pty", PtySource, terminal=True))
    # The recorded status is replayed as recorded, a signal's (negative) status included, hence signals=True.
    register(
        Backend("replay", record_then_replay, terminal=True, exact=True, processes=False, input=False, resize=False)
    )
register(Backend("pipe", PipeSource, terminal=False))
# The thread-per-pipe path Windows uses, exercised everywhere.
register(Backend("pipe-threads", lambda spec: PipeSource(spec, threads=True), terminal=False))
if sys.platform == "win32":
    from app.pty._win32 import is_wine
    from app.pty.conpty import ConPtySource
    from app.pty.conpty_inbox import ConPtyInboxSource

    # conhost re-renders what the child writes (exact=False); the bytes of what it sends are kept exactly.
    # Wine 8's ResizePseudoConsole is a stub (E_NOTIMPL): there the size is fixed at start.
    inbox = Backend("conpty-inbox", ConPtyInboxSource, terminal=True, exact=False, signals=False, resize=not is_wine())
    register(inbox)
    if not is_wine():  # pywinpty's bundled OpenConsole needs \Device\ConDrv, which Wine refuses (DESIGN §9)
        answered = cast(Callable[[SpawnSpec], Source], lambda spec: AnsweringSource(ConPtySource(spec)))
        register(Backend("conpty", answered, terminal=True, exact=False, signals=False))


class AnsweringSource:
    """A ConPTY source with the terminal's part played: ConPTY asks DA1 (and may ask the cursor position) and holds
    the child until answered, which a Session's terminal does at once; the contract reads sources directly, so this
    answers as the terminal would and passes everything else through."""

    def __init__(self, source: Source) -> None:
        self._source = source

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)

    async def read(self) -> Chunk | None:
        chunk = await self._source.read()
        if chunk is not None:
            # A question read after the child exited goes unanswered, as a Session drops such a reply
            # (``Session.replies_dropped``): on a loaded machine the child's exit can come before its DA1 is read.
            with contextlib.suppress(SourceClosedError):
                if b"\x1b[c" in chunk.data:
                    self._source.write(b"\x1b[?62;22c")
                if b"\x1b[6n" in chunk.data:
                    self._source.write(b"\x1b[1;1R")
        return chunk


def fake_conpty(spec: SpawnSpec) -> Source:
    """pywinpty's ConPTY through the faithful fake, around a real child (tests/pty/fake_winpty.py)."""
    from app.pty.conpty import ConPtySource
    from tests.pty.fake_winpty import RealChildConPty

    return cast(Source, AnsweringSource(ConPtySource(spec, pty_factory=RealChildConPty().spawn)))


if sys.platform != "win32":
    # Off Windows pywinpty is its fake; a resize there reaches the child as SIGWINCH, not as Windows does, so that
    # promise is checked at the boundary instead (test_conpty.py).
    register(Backend("conpty-fake", fake_conpty, terminal=True, exact=False, signals=False, resize=False))


_PROMISES = frozenset(f.name for f in fields(Backend) if f.type in ("bool", bool))


def making(*promises: str, lacking: tuple[str, ...] = ()) -> list[str]:
    """Names of the backends that make every one of ``promises`` and none of ``lacking``."""
    unknown = set(promises + lacking) - _PROMISES
    assert not unknown, f"no such promise: {sorted(unknown)}"
    return sorted(
        name
        for name, b in BACKENDS.items()
        if all(getattr(b, p) for p in promises) and not any(getattr(b, p) for p in lacking)
    )


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


# Each promise gets its own fixture, so that a test about a terminal (or input, or processes) runs only where the
# promise is made, instead of being skipped elsewhere.
@pytest.fixture(params=making("terminal", "resize"))
def terminal_backend(request: pytest.FixtureRequest) -> Backend:
    """A live child on a terminal: it sees its size change."""
    return BACKENDS[request.param]


@pytest.fixture(params=making("input", lacking=("terminal",)))
def pipe_backend(request: pytest.FixtureRequest) -> Backend:
    """A live child with no terminal, taking input."""
    return BACKENDS[request.param]


@pytest.fixture(params=making("exact"))
def exact_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=making("signals"))
def signal_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=making("input"))
def input_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=making("input", "exact"))
def exact_input_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=making(lacking=("input",)))
def inputless_backend(request: pytest.FixtureRequest) -> Backend:
    """A source nobody listens to (a replay): writing to it must be a clear error."""
    return BACKENDS[request.param]


@pytest.fixture(params=making("processes"))
def process_backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(params=making("processes", "signals"))
def signal_process_backend(request: pytest.FixtureRequest) -> Backend:
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


def text(chunks: list[Chunk], stream: str | None = None, backend: Backend | None = None, cols: int = 80) -> str:
    """The output as text with terminal line ends made plain (the pty's ONLCR turns ``\\n`` into ``\\r\\n``).

    From a backend that re-renders (a console host paints the screen: cursor moves for spaces, ``ESC[K``), the
    text is what a terminal ``cols`` wide shows: the bytes through the engine, scrollback and screen rows."""
    data = b"".join(c.data for c in chunks if stream is None or c.stream in (stream, "pty"))
    if backend is not None and not backend.exact:
        from app.vt import Terminal

        term = Terminal(cols=cols, rows=24, scrollback=100_000)
        term.feed(data)
        rows = [row.rstrip() for row in [*term.history, *term.display]]
        while rows and not rows[-1]:
            rows.pop()
        return "\n".join(rows) + "\n"
    return data.replace(b"\r\n", b"\n").decode("utf-8", "replace")


def enter(backend: Backend) -> bytes:
    """The Enter key for ``backend``: CR on a terminal (a pty maps it to LF; a console host needs it), LF on pipes."""
    return b"\r" if backend.terminal else b"\n"
