"""One running or replayed session: a source, its ByteLog, a Terminal and an optional recorder.

DESIGN §1: bytes flow source → ByteLog → Terminal, and the Terminal's replies (DA1, DSR/CPR, …)
flow back to the source through one hook.  The session is the one place that wires this up, so
the desktop app (on the Qt loop through qasync) and the CLI (on a plain asyncio loop) behave the
same: same replies, same recordings, same handling of replays that seek backwards.

Why replies are written at once, inside :meth:`Terminal.feed`, and not queued for later: ConPTY
asks ``ESC[c`` and blocks the child until it is answered, so any delay is a delay of the child.
A replay has no program behind it; replies to a replay are dropped (writing would be an error).

Events go to subscribers as small frozen dataclasses, synchronously from the pump, in the order
they happen; a UI turns them into signals.  A subscriber that raises is logged, never allowed to
stop the pump (one broken panel must not lose output for the others or the recording).

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from app.pty import first_shell
from app.pty.base import Chunk, Source, SourceClosedError, SourceError, is_replay
from app.pty.posix_pty import PtySource
from app.pty.profiles import SessionPlan
from app.session.bytelog import DEFAULT_CAP, ByteLog
from app.vt import Terminal

if TYPE_CHECKING:  # a live session loads neither the replay nor the recording modules (app.pty.base.is_replay)
    from app.pty.replay import ReplayChunk, ReplaySource
    from app.record.cast import CastHeader, CastWriter

__all__ = [
    "ErrorReported",
    "Exited",
    "OutputReceived",
    "ReplayReset",
    "Resized",
    "Session",
    "SessionEvent",
    "SessionStateError",
    "recording_header",
]

log = logging.getLogger(__name__)

#: Seconds over which :attr:`Session.bytes_per_second` averages (long enough to be steady on a
#: status line, short enough that a burst shows and a pause shows as zero).
RATE_WINDOW = 2.0
#: Seconds :meth:`Session.close` waits for the pump to see the end of a closed source before cancelling it.
CLOSE_TIMEOUT = 5.0
#: Replies (DA1, DSR/CPR, …) are not written while more than this many bytes of input wait for the program to
#: read them: a program that floods queries and never reads its input would otherwise make us hold all the
#: answers (30 MB of ``ESC[c`` once queued 90 MB of replies). Dropped replies are counted, as the ByteLog counts
#: dropped bytes. A program that reads its input gets every answer (the backlog is then about empty).
REPLY_BACKLOG_CAP = 64 * 1024
#: Longest the pump works through queued chunks (and what a pty has ready at once) before it lets the loop run
#: (seconds).  On the GUI thread a flood would otherwise keep the pump busy for as long as chunks come, and no
#: timer, repaint or key press would run until it stopped; ~10 ms (DESIGN §1) lets frames come ~30 times a second.
PUMP_SLICE = 0.01


class SessionStateError(SourceError):
    """Asked of a session in the wrong state (input before start, anything after close)."""


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class OutputReceived:
    """One read chunk, already in the ByteLog (at absolute ``offset``) and fed to the terminal."""

    offset: int
    data: bytes
    time: float
    stream: str
    #: The chunk was delivered at once by a replay's seek (a UI may skip animating it).
    catch_up: bool = False


@dataclass(frozen=True, slots=True)
class Exited:
    """The child exited (or the replay ended) with ``status``; every output chunk came before this."""

    status: int


@dataclass(frozen=True, slots=True)
class Resized:
    """The terminal is now ``cols`` x ``rows`` (asked by the user, or a replay's recorded resize)."""

    cols: int
    rows: int


@dataclass(frozen=True, slots=True)
class ReplayReset:
    """A replay sought backwards: terminal reset and ByteLog cleared (offsets start at 0 again)."""

    size: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class ErrorReported:
    """Something failed that the user should hear about (the pump stops if the source failed)."""

    message: str
    error: BaseException | None = None


SessionEvent: TypeAlias = OutputReceived | Exited | Resized | ReplayReset | ErrorReported
Subscriber: TypeAlias = Callable[[SessionEvent], None]


# --------------------------------------------------------------------------- header


def recording_header(
    source: Source,
    *,
    cols: int,
    rows: int,
    plan: SessionPlan | None = None,
    encoding: str = "utf-8",
    argv: Sequence[str] | None = None,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
) -> CastHeader:
    """The header of a recording of ``source``: asciinema's fields plus how the run was made.

    Kept next to the session so the app and the CLI write the same header.  ``argv`` is what the
    user asked to run (``command``); the plan, when given, adds the argv actually started, the env
    overlay, the startup commands and the tty flags (DESIGN §5: shown, never hidden).
    """
    from app.record.cast import CastHeader, asciinema_env, mojiscope_metadata  # when recording: not at start-up
    asked = list(argv) if argv is not None else (list(plan.argv) if plan is not None else [])
    child_env = env if env is not None else (plan.env if plan is not None else None)
    extra: dict[str, Any] = {}
    if plan is not None:
        extra = {
            "startup_commands": list(plan.startup_commands),
            "tty_flags": list(plan.flags),
            "notes": list(plan.notes),
            "plan": plan.to_json(),
        }
    meta = mojiscope_metadata(
        backend=source.kind,
        fidelity=source.fidelity,
        profile=plan.profile if plan is not None else None,
        argv=list(plan.argv) if plan is not None else asked,
        cwd=cwd if cwd is not None else os.getcwd(),
        encoding=encoding,
        utf8=plan.utf8 if plan is not None else None,
        env_overlay=dict(plan.overlay) if plan is not None else {},
        stream="stdout" if source.kind == "pipe" else "pty",
        **extra,
    )
    return CastHeader(
        width=cols,
        height=rows,
        command=shlex.join(asked) if asked else None,
        env=asciinema_env(child_env),
        mojiscope=meta,
    )


# --------------------------------------------------------------------------- session


class Session:
    """A source pumped into a ByteLog and a Terminal, optionally recorded, with events to subscribe to.

    Life: construct (subscribe before the first byte can arrive) → :meth:`start` → :meth:`run` (or let
    the pump task run on its own) → :meth:`close`.  ``cols``/``rows`` default to 80x24, or to the
    recording's size for a :class:`~app.pty.replay.ReplaySource`.  ``replies=False`` stops answering the
    program's terminal queries: for when a real terminal in front of us sees the same bytes and answers
    them itself (``record`` on an interactive terminal), so the child does not get two answers.
    """

    def __init__(
        self,
        source: Source,
        *,
        cols: int | None = None,
        rows: int | None = None,
        encoding: str = "utf-8",
        scrollback: int = 10_000,
        bytelog_cap: int = DEFAULT_CAP,
        recorder: CastWriter | None = None,
        plan: SessionPlan | None = None,
        replies: bool = True,
        cwd: str | None = None,
    ) -> None:
        replay = cast("ReplaySource", source) if is_replay(source) else None
        default = replay.size if replay is not None else (80, 24)
        cols = default[0] if cols is None else cols
        rows = default[1] if rows is None else rows
        self._source = source
        self._terminal = Terminal(cols=cols, rows=rows, scrollback=scrollback, encoding=encoding)
        self._bytelog = ByteLog(bytelog_cap)
        self._recorder = recorder
        self.plan = plan
        #: The folder the child was started in (``None`` for a replay, or when not known).
        self.cwd = cwd
        self._replay = replay is not None
        #: The class of a replay's control chunks (a live source sends plain chunks only); loaded with the replay.
        self._replay_chunk: type[ReplayChunk] | None = None
        if replay is not None:
            from app.pty.replay import ReplayChunk

            self._replay_chunk = ReplayChunk
        self._answer = replies and not self._replay
        self._terminal.on_reply = self._on_reply
        self._subscribers: list[Subscriber] = []
        self._pump: asyncio.Task[int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._t0 = 0.0
        self._last_t = 0.0
        self._exit_status: int | None = None
        self._started = False
        self._closed = False
        self._rate: collections.deque[tuple[float, int]] = collections.deque()
        #: Replies the terminal produced that were not sent (a replay, ``replies=False``, or the child gone).
        self.replies_dropped = 0
        #: Of those, the replies dropped because the program did not read its input (see
        #: :data:`REPLY_BACKLOG_CAP`), and their bytes: what a status line shows.
        self.replies_overflowed = 0
        self.reply_bytes_overflowed = 0
        #: The terminal's size over time, ``(seconds since start, cols, rows)``: a recording started later
        #: replays the output kept so far at the sizes it was written at (bounded: the oldest go first).
        self._sizes: collections.deque[tuple[float, int, int]] = collections.deque([(0.0, cols, rows)], maxlen=4096)

    # ------------------------------------------------------------------ state

    @property
    def terminal(self) -> Terminal:
        return self._terminal

    @property
    def bytelog(self) -> ByteLog:
        return self._bytelog

    @property
    def source(self) -> Source:
        return self._source

    @property
    def recorder(self) -> CastWriter | None:
        return self._recorder

    @property
    def exit_status(self) -> int | None:
        """The child's exit status once every byte of output was taken in (negative: the signal)."""
        return self._exit_status

    @property
    def running(self) -> bool:
        """Started, not closed, and the output has not ended yet."""
        return self._started and not self._closed and self._exit_status is None

    @property
    def bytes_per_second(self) -> float:
        """Bytes taken in over the last :data:`RATE_WINDOW` seconds, per second (0 when idle)."""
        if self._loop is None:
            return 0.0
        now = self._loop.time()
        self._trim_rate(now)
        if not self._rate:
            return 0.0
        span = min(RATE_WINDOW, max(now - self._t0, 1e-3))
        return sum(n for _, n in self._rate) / span

    # ------------------------------------------------------------------ events

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every event from now on; returns the function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, event: SessionEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("session subscriber %r failed on %r", callback, type(event).__name__)

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Start the source and the pump task; events may arrive from the next loop turn on."""
        if self._closed:
            raise SessionStateError("the session is closed; start a new session")
        if self._started:
            return
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time()
        if self.plan is not None and isinstance(self._source, PtySource):
            # The window's first shell may be running already, started while the app was loading; taken only if it
            # was started for exactly this plan, folder and size (app.pty.first_shell).
            launched = first_shell.take(self.plan, self._source.spec)
            if launched is not None:
                self._source.take_over(launched)
        await self._source.start()
        self._started = True
        if not self._replay:
            # The spec may have asked for another size; the terminal's is the one the child must see.
            with contextlib.suppress(SourceError, ValueError):
                self._source.resize(self._terminal.cols, self._terminal.rows)
        if self.plan is not None and self.plan.set_iutf8 and isinstance(self._source, PtySource):
            try:
                self._source.iutf8(True)
            except (OSError, SourceError) as exc:
                self._emit(ErrorReported(f"could not set IUTF8 on the pty: {exc}", exc))
        self._pump = self._loop.create_task(self._pump_output(), name="mojiscope-session-pump")

    async def run(self) -> int:
        """Start if needed, pump until the source's output ends, and return the exit status."""
        await self.start()
        assert self._pump is not None
        return await asyncio.shield(self._pump)

    async def close(self) -> None:
        """Stop pumping, end the child (no orphans), close the recorder. Safe to call twice.

        A child still running is hung up; its status, once known, is recorded as the ``"x"`` event,
        so the recording says how the run ended.
        """
        if self._closed:
            return
        self._closed = True
        try:
            # Closing the source ends its output (the child is hung up, a replay stops), so the pump
            # finishes on its own and records the exit status; cancel it only if it does not.
            await self._source.close()
            pump = self._pump
            if pump is not None:
                done, _ = await asyncio.wait({pump}, timeout=CLOSE_TIMEOUT)
                if not done:
                    pump.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await pump
                elif not pump.cancelled():
                    pump.exception()  # retrieved: it was reported as an ErrorReported event already
            if self._started and self._exit_status is None and not self._replay:
                status = self._source.returncode
                if status is not None:
                    self._finish(status)
        finally:
            if self._recorder is not None:
                self._recorder.close()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ input

    def write(self, data: bytes) -> None:
        """Send bytes to the child (keys, paste), recorded as ``"i"``.

        Raises :class:`~app.pty.base.SourceClosedError` once the child has exited or the session was
        closed, and :class:`~app.pty.replay.ReplayInputError` for a replay: a clear error, not a crash.
        """
        if self._closed:
            raise SourceClosedError("the session is closed; start a new session to send input")
        if not self._started:
            raise SessionStateError("the session is not started yet; await start() first")
        self._source.write(data)
        if data and self._recorder is not None:
            self._recorder.input(data, self._now())

    def resize(self, cols: int, rows: int) -> None:
        """Resize the terminal and tell the child (SIGWINCH on a pty); recorded as ``"r"``.

        After the child exited the screen still resizes (it stays on view); the source is not asked.
        """
        if self._closed:
            raise SessionStateError("the session is closed; start a new session")
        if (cols, rows) == (self._terminal.cols, self._terminal.rows):
            return
        self._terminal.resize(cols, rows)
        if not self._replay:
            with contextlib.suppress(SourceClosedError):
                self._source.resize(cols, rows)
        now = self._now()
        self._sizes.append((now, cols, rows))
        if self._recorder is not None and not self._recorder.closed:
            self._recorder.resize(cols, rows, now)
        self._emit(Resized(cols, rows))

    # ------------------------------------------------------------------ recording while running

    @property
    def recording(self) -> bool:
        """A recorder is attached and the run goes on (after the exit only bookmarks can still be added)."""
        return self._recorder is not None and not self._recorder.closed and self._exit_status is None

    def size_at_log_start(self) -> tuple[int, int]:
        """The terminal's size when the oldest output still in the ByteLog was written (a recording started
        now begins at that size)."""
        first = next(iter(self._bytelog), None)
        t = 0.0 if first is None else self._chunk_time(first.time)
        size = self._sizes[0][1:]
        for when, cols, rows in self._sizes:
            if when > t:
                break
            size = (cols, rows)
        return size

    def start_recording(self, writer: CastWriter) -> None:
        """Record from now on into ``writer`` — first the output the ByteLog still holds, at its original times
        and with the resizes in between, so the recording replays to the screen on view; then every event as it
        comes (after the program's end: its exit status, so the run is saved whole). ``writer``'s header should
        have :meth:`size_at_log_start`. Raises :class:`SessionStateError` when a recording is already being
        written or the session is closed."""
        if self._closed:
            raise SessionStateError("the session is closed; there is nothing left to record")
        if self.recording:
            raise SessionStateError("this session is already being recorded; stop that recording first")
        if self._recorder is not None:
            self._recorder.close()  # the run ended: that recording is whole
        sizes = list(self._sizes)
        first = next(iter(self._bytelog), None)
        start = 0.0 if first is None else self._chunk_time(first.time)
        pending = [entry for entry in sizes if entry[0] > start]
        for chunk in self._bytelog:
            t = self._chunk_time(chunk.time)
            while pending and pending[0][0] <= t:
                when, cols, rows = pending.pop(0)
                writer.resize(cols, rows, when)
            stream = None if chunk.stream == writer.default_stream else chunk.stream
            writer.output(chunk.data, max(t, 0.0), stream)
        for when, cols, rows in pending:
            writer.resize(cols, rows, when)
        self._recorder = writer
        self._last_t = max(self._last_t, self._now())
        if self._exit_status is not None:  # recorded after the end: the whole run, with how it ended
            writer.exit(self._exit_status, self._last_t)

    def stop_recording(self) -> CastWriter | None:
        """Close the recording being written (the program goes on) and return its writer, or ``None``."""
        writer, self._recorder = self._recorder, None
        if writer is not None and not writer.closed:
            writer.close()
        return writer

    def _chunk_time(self, t: float) -> float:
        return t if self._replay else t - self._t0

    def mark(self, label: str) -> None:
        """A bookmark in the recording (``"m"``): a test started or failed, or the user pressed "mark"."""
        if self._recorder is not None and not self._recorder.closed:
            self._recorder.marker(label, self._now())

    # ------------------------------------------------------------------ pump

    def _now(self) -> float:
        """Seconds since the start for the recording, never earlier than the last event written."""
        if self._replay:
            t = cast("ReplaySource", self._source).position
        elif self._loop is None:
            t = 0.0
        else:
            t = self._loop.time() - self._t0
        return self._stamp(t)

    def _stamp(self, t: float) -> float:
        # Chunks carry the time the OS read them; an input written after a chunk was read but before
        # it was pumped would otherwise go back in time. Recordings keep time monotonic.
        self._last_t = max(self._last_t, t, 0.0)
        return self._last_t

    def _on_reply(self, data: bytes) -> None:
        if not self._answer or self._closed:
            self.replies_dropped += 1
            return
        if getattr(self._source, "input_pending", 0) > REPLY_BACKLOG_CAP:
            self.replies_dropped += 1
            self.replies_overflowed += 1
            self.reply_bytes_overflowed += len(data)
            return
        try:
            self._source.write(data)
        except SourceClosedError:
            self.replies_dropped += 1  # output read after the child exited still asks; nobody listens
            return
        if self._recorder is not None and not self._recorder.closed:
            self._recorder.input(data, self._now())

    def _trim_rate(self, now: float) -> None:
        while self._rate and self._rate[0][0] < now - RATE_WINDOW:
            self._rate.popleft()

    async def _pump_output(self) -> int:
        assert self._loop is not None
        clock = self._loop.time
        # A source that can hand over what is ready without a turn of the loop (a pty: :meth:`PtySource.read_nowait`)
        # is read again at once after each chunk, within the slice.
        ready: Callable[[], Chunk | None] | None = getattr(self._source, "read_nowait", None)
        try:
            yield_at = clock() + PUMP_SLICE
            while (chunk := await self._source.read()) is not None:
                self._take(chunk)
                while ready is not None and clock() < yield_at and (chunk := ready()) is not None:
                    self._take(chunk)
                if clock() >= yield_at:
                    await asyncio.sleep(0)
                    yield_at = clock() + PUMP_SLICE
            flushed = self._terminal.decoder.flush()
            if flushed:
                self._terminal.feed_text(flushed)  # a character cut off at the very end shows as U+FFFD
            status = await self._source.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._emit(ErrorReported(f"the session's source failed: {exc}", exc))
            raise
        self._finish(status)
        return status

    def _take(self, chunk: Chunk) -> None:
        """One chunk: replay controls first, then log, record, feed, tell."""
        catch_up = False
        if self._replay_chunk is not None and isinstance(chunk, self._replay_chunk):
            catch_up = chunk.catch_up
            if chunk.reset:
                self._terminal.reset()
                self._bytelog.clear()
                if chunk.size is not None:
                    self._terminal.resize(*chunk.size)
                self._emit(ReplayReset(chunk.size))
            elif chunk.size is not None:
                self._terminal.resize(*chunk.size)
                self._emit(Resized(*chunk.size))
            if chunk.index < 0 and not chunk.data:
                return  # a control chunk, not a read
        offset = self._bytelog.append(chunk.data, chunk.time, chunk.stream)
        if self._recorder is not None and not self._recorder.closed:
            t = self._chunk_time(chunk.time)
            stream = None if chunk.stream == self._recorder.default_stream else chunk.stream
            self._recorder.output(chunk.data, self._stamp(t), stream)
        self._terminal.feed(chunk.data)
        assert self._loop is not None
        now = self._loop.time()
        self._rate.append((now, len(chunk.data)))
        self._trim_rate(now)
        self._emit(OutputReceived(offset, chunk.data, chunk.time, chunk.stream, catch_up))

    def _finish(self, status: int) -> None:
        if self._exit_status is not None:
            return
        self._exit_status = status
        if self._recorder is not None and not self._recorder.closed:
            self._recorder.exit(status, self._now())
        self._emit(Exited(status))
