"""A recording played back as a :class:`~app.pty.base.Source`, with the controls of a replay bar.

Why a source: a session should not care whether bytes come from a live child or a ``.cast`` file,
so everything downstream (ByteLog, Terminal, Bytes panel, inspector) works on replays unchanged.
The only additions are the controls (pause, resume, step, seek, speed) and a few flags on the
chunks (:class:`ReplayChunk`) that tell the session when to rebuild its screen.

Streaming: a recording given as a file is read as a stream (:class:`~app.record.cast.CastStream`), one
event ahead of what was delivered, so a replay holds a few lines of the file whatever its size.  What
needs the whole file — its length, chunk count, markers and failures for the replay bar — comes from a
separate pass (:meth:`ReplaySource.scan`, or :meth:`ReplaySource.scan_in_slices` on a loop that must
stay responsive) that keeps only those facts (:class:`ReplaySummary`, bounded).  Until it has run,
the replay plays and seeks all the same; ``chunk_count`` is ``None`` and ``duration`` is what was read
so far.  A :class:`~app.record.cast.Recording` already in memory is summarised at once.

Timing: output is delivered on the recording's own schedule scaled by ``speed`` (``0`` or ``inf``:
as fast as the session reads).  The schedule is absolute, as asciinema's player does it: a session
that falls behind gets the late chunks at once and does not drift.  An item is due at the running
maximum of the times so far, so a time that goes backwards (asciicast v2 allows it) plays in file
order.  The clock and the sleep are injectable, so tests drive time by hand instead of waiting.

Seeking: a terminal cannot run backwards.  Seeking *forward* delivers the skipped chunks at once
(``catch_up=True``) and the screen stays consistent.  Seeking *backward* first delivers an empty
chunk with ``reset=True`` (reset the terminal to the recording's initial ``size`` and clear the
ByteLog), then reads the recording again from its start and delivers every chunk up to the target at
once (``catch_up=True``); a session that honours ``reset`` and feeds ``data`` always ends up with the
screen of that moment.  Resize events of the recording arrive in order as empty chunks with ``size``.

A malformed line deep in a file is found when the stream (or the scan) gets there: :meth:`read` raises
its :class:`~app.record.cast.CastFormatError` (the session reports it), having delivered everything before.

Chunk times of a replay are recording times (seconds since the recording started), not the
loop's monotonic clock.  Importing :mod:`app.record.cast` from here is allowed: both are headless.
"""

from __future__ import annotations

import asyncio
import codecs
import math
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field

from app.pty.base import Chunk, SourceClosedError
from app.record.cast import (
    CastFormatError,
    CastHeader,
    CastStream,
    Event,
    ExitEvent,
    MarkerEvent,
    OutputEvent,
    Recording,
    ResizeEvent,
)

__all__ = [
    "MAX_MARKERS",
    "Failure",
    "FailureScanner",
    "ReplayChunk",
    "ReplayInputError",
    "ReplaySource",
    "ReplaySummary",
    "Summarizer",
    "find_failures",
    "is_failure_label",
]

PLAIN_ASCIINEMA_FIDELITY = (
    "text from an asciinema recording: bytes that were not valid UTF-8 were already replaced by U+FFFD"
)

#: Markers (and failures) a summary keeps; a file with more is hostile or generated, and the bar shows the first.
MAX_MARKERS = 10_000
#: Distinct chunk times remembered for stepping back (a step back past them re-reads them from the file).
_STEP_BACK_TIMES = 1024
#: Longest failure label kept (the line is cut, not the scan).
_LABEL_BYTES = 512

_FAIL_LINE = b"--- FAIL:"
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


class ReplayInputError(SourceClosedError):
    """Bytes written to a replay: there is no program behind it (terminal replies must be dropped)."""


@dataclass(frozen=True)
class ReplayChunk(Chunk):
    """A chunk from a replay, with what the session needs to follow seeks and resizes."""

    #: Index of this output chunk among the recording's outputs; -1 for a control chunk.
    index: int = -1
    #: Reset the terminal (to ``size``) and clear the ByteLog before feeding: a backward seek.
    reset: bool = False
    #: Delivered at once because of a seek, not at its own time (a UI may skip animating it).
    catch_up: bool = False
    #: ``(cols, rows)`` to resize the terminal to before feeding ``data``.
    size: tuple[int, int] | None = None


# --------------------------------------------------------------------------- failures and summaries


@dataclass(frozen=True, slots=True)
class Failure:
    """A place to jump to: the recording time and what failed (a marker's label or the output line)."""

    t: float
    label: str
    #: Index of the output chunk that holds the ``--- FAIL:`` line (scanned), or ``None`` (a marker).
    chunk: int | None = None


def is_failure_label(label: str) -> bool:
    """A marker for a failure: the Tests panel writes ``FAIL …``; a copied go line has ``--- FAIL``."""
    return label.startswith("FAIL") or "--- FAIL" in label


class FailureScanner:
    """Finds ``--- FAIL:`` lines in output chunks as they stream past, in bounded memory.

    It works on bytes, so it finds the ASCII ``--- FAIL:`` whatever the encoding of the rest of the line,
    and a line (or the marker itself) split across chunks is found too; a failure's time and chunk are
    those of the chunk holding the end of its line, so jumping there shows the whole line.
    """

    def __init__(self, limit: int = MAX_MARKERS) -> None:
        self.failures: list[Failure] = []
        self.dropped = 0
        self._limit = limit
        self._tail = b""  # the last bytes of the stream, in case the marker is split across chunks
        self._open: bytearray | None = None  # a failure line whose newline has not come yet (capped)

    def feed(self, data: bytes, t: float, index: int) -> None:
        start = 0
        if self._open is not None:
            newline = data.find(b"\n")
            if newline < 0:
                self._grow(data)
                return
            self._grow(data[: newline + 1])
            self._emit(t, index)
            start = newline + 1
            self._tail = b""
        buf = self._tail + data
        offset = len(self._tail)
        pos = buf.find(_FAIL_LINE, offset + start if start else 0)
        while pos >= 0:
            newline = buf.find(b"\n", pos + len(_FAIL_LINE))
            if newline < 0:
                self._open = bytearray()
                self._grow(buf[pos:])
                self._tail = b""
                return
            self._open = bytearray()
            self._grow(buf[pos : newline + 1])
            self._emit(t, index)
            pos = buf.find(_FAIL_LINE, newline + 1)
        self._tail = buf[-(len(_FAIL_LINE) - 1) :]

    def finish(self, t: float, index: int) -> None:
        """The stream ended: a failure line without its newline still counts."""
        if self._open is not None:
            self._emit(t, index)

    def _grow(self, data: bytes) -> None:
        assert self._open is not None
        room = _LABEL_BYTES - len(self._open)
        if room > 0:
            self._open += data[:room]

    def _emit(self, t: float, index: int) -> None:
        assert self._open is not None
        text = _CSI.sub("", codecs.decode(bytes(self._open), "utf-8", "replace")).replace("\r", "").strip()
        self._open = None
        if len(self.failures) < self._limit:
            self.failures.append(Failure(t, text, index))
        else:
            self.dropped += 1


@dataclass
class ReplaySummary:
    """What a replay bar needs from the whole recording, kept small whatever the file's size."""

    header: CastHeader
    #: Time of the last event (the recording's length).
    duration: float = 0.0
    chunk_count: int = 0
    exit_status: int | None = None
    #: The first :data:`MAX_MARKERS` markers, in file order; ``markers_dropped`` counts the rest.
    markers: list[MarkerEvent] = field(default_factory=list)
    markers_dropped: int = 0
    #: Failure markers if the recording has any, else the ``--- FAIL:`` lines of its output, by time.
    failures: list[Failure] = field(default_factory=list)
    #: The file ended in the middle of a line (the events before it are all there).
    truncated: bool = False
    #: Where the recording stopped being readable; everything before it replays.
    error: CastFormatError | None = None


class Summarizer:
    """Builds a :class:`ReplaySummary` from a stream of events, a slice at a time (see :meth:`step`)."""

    def __init__(self, header: CastHeader, events: Iterable[Event], *, stream: CastStream | None = None) -> None:
        self.summary = ReplaySummary(header)
        self._events: Iterator[Event] = iter(events)
        self._stream = stream
        self._scanner = FailureScanner()
        self._failure_markers: list[Failure] = []
        self._latest = 0.0  # running maximum of output/resize times: when a chunk is due
        self.done = False

    def step(self, deadline: float | None = None, clock: Callable[[], float] = time.monotonic) -> bool:
        """Read events until the end (``True``) or until ``clock()`` passes ``deadline`` (``False``)."""
        summary = self.summary
        count = 0
        try:
            for event in self._events:
                summary.duration = max(summary.duration, event.t)
                if isinstance(event, OutputEvent):
                    self._latest = max(self._latest, event.t)
                    self._scanner.feed(event.data, self._latest, summary.chunk_count)
                    summary.chunk_count += 1
                elif isinstance(event, ResizeEvent):
                    self._latest = max(self._latest, event.t)
                elif isinstance(event, MarkerEvent):
                    if len(summary.markers) < MAX_MARKERS:
                        summary.markers.append(event)
                        if is_failure_label(event.label):
                            self._failure_markers.append(Failure(event.t, event.label))
                    else:
                        summary.markers_dropped += 1
                elif isinstance(event, ExitEvent):
                    summary.exit_status = event.status
                count += 1
                if deadline is not None and count % 64 == 0 and clock() >= deadline:
                    return False
        except CastFormatError as exc:
            summary.error = exc
        self._finish()
        return True

    def _finish(self) -> None:
        summary = self.summary
        self._scanner.finish(self._latest, max(summary.chunk_count - 1, 0))
        if self._failure_markers:
            summary.failures = sorted(self._failure_markers, key=lambda f: f.t)
        else:
            summary.failures = self._scanner.failures
        if self._stream is not None:
            summary.truncated = self._stream.truncated
            self._stream.close()
        self.done = True

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def find_failures(recording: Recording | Iterable[Event]) -> list[Failure]:
    """Failure markers if the recording has any, else every ``--- FAIL:`` line of the output."""
    events: Iterable[Event] = recording.events if isinstance(recording, Recording) else recording
    summarizer = Summarizer(CastHeader(1, 1, timestamp=None, env={}), events)
    summarizer.step()
    return summarizer.summary.failures


# --------------------------------------------------------------------------- the source


_Item = OutputEvent | ResizeEvent


class ReplaySource:
    """Plays a recording back as a stream of chunks.

    ``recording``: a path (read as a stream; see the module docstring), a :class:`CastStream` (a pipe:
    it cannot be read again, so it cannot seek backwards), or a :class:`Recording` in memory.
    ``hold_at_end``: instead of ending the stream after the last chunk (``read`` returns ``None``,
    as the CLI wants), wait at the end for a seek back or :meth:`close` (as the GUI's replay bar
    wants).  ``clock`` (seconds, monotonic) and ``sleep`` are for tests.
    """

    kind = "replay"

    def __init__(
        self,
        recording: Recording | CastStream | str | os.PathLike[str],
        speed: float = 1.0,
        *,
        hold_at_end: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.path: str | os.PathLike[str] | None = None
        self._stream: CastStream | None = None
        self._recording: Recording | None = None
        if isinstance(recording, Recording):
            self._recording = recording
            self.header: CastHeader = recording.header
        else:
            if not isinstance(recording, CastStream):
                self.path = recording
                recording = CastStream(recording)
            self._stream = recording
            self.header = recording.header
        self.fidelity: str = self.header.fidelity or (
            "as recorded" if self.header.mojiscope is not None else PLAIN_ASCIINEMA_FIDELITY
        )
        self.size: tuple[int, int] = (self.header.width, self.header.height)
        self.hold_at_end = hold_at_end
        self._clock = clock
        self._sleep = sleep
        self._speed = self._check_speed(speed)
        self._summary: ReplaySummary | None = None
        self._summarizer: Summarizer | None = None
        if self._recording is not None:
            summarizer = Summarizer(self.header, self._recording.events)
            summarizer.step()
            self._summary = summarizer.summary
            self._summary.truncated = self._recording.truncated
        #: The first malformed line met while playing (everything before it was delivered).
        self.error: CastFormatError | None = None
        self._events: Iterator[Event] = self._open_events()
        self._reset_stream_state()
        self._pending_reset: ReplayChunk | None = None
        self._steps = 0
        self._paused = False
        self._started = False
        self._closed = False
        self._finished = False  # read() returned None
        self._ended = False  # reached the end (status known)
        self._anchor_pos = 0.0  # recording time at _anchor_wall
        self._anchor_wall = 0.0
        self._changed = asyncio.Event()
        self._done = asyncio.Event()

    # ------------------------------------------------------------------ the stream of items

    def _open_events(self) -> Iterator[Event]:
        if self._recording is not None:
            return iter(self._recording.events)
        assert self._stream is not None
        return self._stream.events()

    def _reset_stream_state(self) -> None:
        self._peeked: tuple[_Item, float] | None = None
        self._exhausted = False
        self._latest = 0.0  # running maximum of output/resize times: when the next item is due
        self._last_due = -math.inf  # due time of the last item delivered
        self._seen_end = 0.0  # latest time of any event read so far
        self._seen_status: int | None = None
        self._delivered = 0  # output chunks delivered
        self._catch_up_to: float | None = None  # items due at or before this are delivered at once
        self._due_times: deque[float] = deque(maxlen=_STEP_BACK_TIMES)  # distinct times of delivered outputs

    def _restart(self) -> None:
        """Read the recording again from its first event (a backward seek)."""
        if self._stream is not None:
            if not self._stream.seekable:
                raise SourceClosedError("this recording is read from a pipe: it cannot be replayed backwards")
            self._stream.rewind()
        self._events = self._open_events()
        self._reset_stream_state()

    def _peek(self) -> tuple[_Item, float] | None:
        """The next output or resize and when it is due, reading past other events; ``None`` at the end."""
        if self._peeked is not None or self._exhausted:
            return self._peeked
        try:
            for event in self._events:
                self._seen_end = max(self._seen_end, event.t)
                if isinstance(event, (OutputEvent, ResizeEvent)):
                    self._latest = max(self._latest, event.t)
                    self._peeked = (event, self._latest)
                    return self._peeked
                if isinstance(event, ExitEvent):
                    self._seen_status = event.status
        except CastFormatError as exc:
            # Nothing can be read past this line: the replay ends here (a waiting window tab is told so).
            self.error = exc
            self._exhausted = self._ended = True
            self._done.set()
            raise
        self._exhausted = True
        return None

    # ------------------------------------------------------------------ what the whole recording holds

    @property
    def summary(self) -> ReplaySummary | None:
        """Length, chunk count, markers and failures, once :meth:`scan` has read the whole recording."""
        return self._summary

    @property
    def recording(self) -> Recording | None:
        """The recording when it was given in memory (``None`` for a file, which is streamed)."""
        return self._recording

    def scan(self) -> ReplaySummary | None:
        """Read the whole recording once (on its own file handle) for :attr:`summary`; ``None`` for a pipe."""
        summarizer = self._make_summarizer()
        if summarizer is not None:
            summarizer.step()
            self._take_summary(summarizer)
        return self._summary

    async def scan_in_slices(self, slice_seconds: float = 0.01) -> ReplaySummary | None:
        """:meth:`scan` in slices of ``slice_seconds``, letting the loop run in between (the window's way)."""
        summarizer = self._make_summarizer()
        if summarizer is None:
            return self._summary
        try:
            while not summarizer.step(time.monotonic() + slice_seconds):
                await asyncio.sleep(0)
        finally:
            summarizer.close()
        self._take_summary(summarizer)
        return self._summary

    def _make_summarizer(self) -> Summarizer | None:
        if self._summary is not None or self.path is None:
            return None
        stream = CastStream(self.path)
        return Summarizer(stream.header, stream.events(), stream=stream)

    def _take_summary(self, summarizer: Summarizer) -> None:
        if summarizer.done:
            self._summary = summarizer.summary
            self._changed.set()

    @property
    def duration(self) -> float:
        """The recording's length: known once summarised, else the latest time read so far."""
        if self._summary is not None:
            return self._summary.duration
        return max(self._seen_end, self._latest)

    @property
    def chunk_count(self) -> int | None:
        """Output chunks in the recording (``None`` until summarised)."""
        return self._summary.chunk_count if self._summary is not None else None

    @property
    def truncated(self) -> bool:
        """The file ended in the middle of a line (known once it was read to its end)."""
        if self._stream is not None and self._stream.truncated:
            return True
        return self._summary is not None and self._summary.truncated

    # ------------------------------------------------------------------ Source protocol

    @property
    def pid(self) -> int | None:
        return None

    @property
    def returncode(self) -> int | None:
        """The recorded exit status (``"x"``, or 0 if none), once the replay reached its end or closed."""
        if not (self._ended or self._closed):
            return None
        if self._seen_status is not None:
            return self._seen_status
        if self._summary is not None and self._summary.exit_status is not None:
            return self._summary.exit_status
        return 0

    async def start(self) -> None:
        if not self._started:
            self._started = True
            self._anchor_wall = self._clock()

    async def read(self) -> ReplayChunk | None:
        """The next chunk when its time comes, or ``None`` at the end (see ``hold_at_end``) or after close."""
        await self.start()
        while True:
            if self._closed or self._finished:
                return None
            if self._pending_reset is not None:
                chunk, self._pending_reset = self._pending_reset, None
                return chunk
            upcoming = self._peek()
            if upcoming is not None:
                due = upcoming[1]
                if self._catch_up_to is not None and due <= self._catch_up_to:
                    return self._deliver(catch_up=True)
                self._catch_up_to = None
                if self._steps > 0:
                    self._steps -= 1
                    self._anchor_pos = due
                    return self._deliver()
                if self._paused:
                    await self._wait_for_change(None)
                    continue
                if self.instant:
                    self._anchor_pos = due
                    return self._deliver()
                delay = (due - self._raw_position()) / self._speed
                if delay <= 0:
                    return self._deliver()
                await self._wait_for_change(delay)
                continue
            # Every chunk delivered: play on to the end of the recording (its exit time), then end.
            self._catch_up_to = None
            duration = self.duration
            if self._steps > 0 or self.instant:
                self._steps = 0
            elif self._paused:
                await self._wait_for_change(None)
                continue
            else:
                delay = (duration - self._raw_position()) / self._speed
                if delay > 0:
                    await self._wait_for_change(delay)
                    continue
            self._anchor_pos, self._anchor_wall = duration, self._clock()
            self._ended = True
            self._done.set()
            if self.hold_at_end:
                await self._wait_for_change(None)
                continue
            self._finished = True
            if self._stream is not None and self.path is not None:
                self._stream.close()  # nothing more will be read (a held replay keeps it for seeking back)
            return None

    def write(self, data: bytes) -> None:
        raise ReplayInputError("a replay does not take input: it plays back a recording, no program is listening")

    def resize(self, cols: int, rows: int) -> None:
        """Nothing to tell: the recording's own resizes arrive as chunks with ``size``."""

    async def wait(self) -> int:
        """The recorded exit status, once every chunk was delivered (or the replay was closed)."""
        await self._done.wait()
        status = self.returncode
        return status if status is not None else 0

    def kill(self) -> None:
        """Stop the replay: ``read`` returns ``None`` from now on (and a file opened here is closed)."""
        self._closed = True
        self._changed.set()
        self._done.set()
        if self._stream is not None and self.path is not None:
            self._stream.close()

    async def close(self) -> None:
        self.kill()

    # ------------------------------------------------------------------ replay bar

    @property
    def instant(self) -> bool:
        """Speed 0 or infinity: every chunk as soon as it is read."""
        return self._speed == 0 or math.isinf(self._speed)

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        value = self._check_speed(value)
        self._anchor_pos, self._anchor_wall = self.position, self._clock()
        self._speed = value
        self._changed.set()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def next_index(self) -> int:
        """Index (among the outputs) of the next output chunk to deliver: the chunks delivered so far."""
        return self._delivered

    @property
    def has_next(self) -> bool:
        """Whether an output or resize is still to be delivered (reads ahead one event)."""
        try:
            return self._peek() is not None
        except CastFormatError:
            return False

    @property
    def next_due(self) -> float | None:
        """When the next output or resize is due (``None`` at the end)."""
        try:
            upcoming = self._peek()
        except CastFormatError:
            return None
        return upcoming[1] if upcoming is not None else None

    def previous_chunk_time(self) -> float:
        """The latest time before the last output chunk shown: seeking there steps one chunk back (0 at the start).

        Chunks that share a time can only be stepped back over together.
        """
        if not self._due_times:
            return 0.0
        last = self._due_times[-1]
        earlier = [t for t in self._due_times if t < last]
        return earlier[-1] if earlier else 0.0

    @property
    def at_end(self) -> bool:
        return self._ended

    @property
    def position(self) -> float:
        """Current recording time in seconds: never past the next chunk still to deliver."""
        pos = min(self._raw_position(), self.duration)
        if self._catch_up_to is None:
            due = self.next_due
            if due is not None:
                pos = min(pos, max(self._anchor_pos, due))
        return pos

    def pause(self) -> None:
        if not self._paused:
            self._anchor_pos, self._anchor_wall = self.position, self._clock()
            self._paused = True
            self._changed.set()

    def resume(self) -> None:
        if self._paused:
            self._anchor_wall = self._clock()
            self._paused = False
            self._changed.set()

    def step(self) -> None:
        """Deliver the next chunk now, and stay paused (pauses first if playing)."""
        self.pause()
        self._steps += 1
        self._changed.set()

    def seek(self, t: float) -> None:
        """Jump to recording time ``t`` (clamped to ``0..duration``); see the module doc for the chunks.

        Paused or not stays as it was.  Raises :class:`SourceClosedError` after the replay ended
        (``read`` returned ``None``) or was closed: use ``hold_at_end`` to keep it seekable.
        """
        if self._closed or self._finished:
            raise SourceClosedError("the replay has ended; open the recording again to replay it")
        if math.isnan(t):
            raise ValueError("cannot seek to NaN")
        t = max(t, 0.0)
        if self._summary is not None or self._exhausted:
            t = min(t, self.duration)
        if t < self._last_due:
            # Chunks after t were fed already: the session rebuilds the screen from the start.
            self._restart()
            self._pending_reset = ReplayChunk(
                b"", t, self.header.default_stream, reset=True, catch_up=True, size=self.size
            )
        self._catch_up_to = t
        if t < self.duration or not self._exhausted:
            self._ended = False
            self._done.clear()
        self._steps = 0
        self._anchor_pos, self._anchor_wall = t, self._clock()
        self._changed.set()

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _check_speed(value: float) -> float:
        value = float(value)
        if math.isnan(value) or value < 0:
            raise ValueError(f"speed must be >= 0 (0 or inf: as fast as possible), got {value!r}")
        return value

    def _raw_position(self) -> float:
        if self._paused or not self._started or self.instant:
            return self._anchor_pos
        return self._anchor_pos + (self._clock() - self._anchor_wall) * self._speed

    def _deliver(self, *, catch_up: bool = False) -> ReplayChunk:
        assert self._peeked is not None
        item, due = self._peeked
        self._peeked = None
        self._last_due = due
        if isinstance(item, OutputEvent):
            index = self._delivered
            self._delivered += 1
            if not self._due_times or self._due_times[-1] != due:
                self._due_times.append(due)
            return ReplayChunk(item.data, item.t, item.stream, index=index, catch_up=catch_up)
        stream = self.header.default_stream
        return ReplayChunk(b"", item.t, stream, catch_up=catch_up, size=(item.cols, item.rows))

    async def _wait_for_change(self, timeout: float | None) -> None:
        """Sleep until a control is used (pause, seek, close…) or ``timeout`` seconds passed."""
        self._changed.clear()
        if timeout is None:
            await self._changed.wait()
            return
        sleeper = asyncio.ensure_future(self._sleep(timeout))
        waiter = asyncio.ensure_future(self._changed.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waiter):
                if not task.done():
                    task.cancel()
            await asyncio.gather(sleeper, waiter, return_exceptions=True)
