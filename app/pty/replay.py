"""A recording played back as a :class:`~app.pty.base.Source`, with the controls of a replay bar.

Why a source: a session should not care whether bytes come from a live child or a ``.cast`` file,
so everything downstream (ByteLog, Terminal, Bytes panel, inspector) works on replays unchanged.
The only additions are the controls (pause, resume, step, seek, speed) and a few flags on the
chunks (:class:`ReplayChunk`) that tell the session when to rebuild its screen.

Timing: output is delivered on the recording's own schedule scaled by ``speed`` (``0`` or ``inf``:
as fast as the session reads).  The schedule is absolute, as asciinema's player does it: a session
that falls behind gets the late chunks at once and does not drift.  The clock and the sleep are
injectable, so tests drive time by hand instead of waiting.

Seeking: a terminal cannot run backwards.  Seeking *forward* delivers the skipped chunks at once
(``catch_up=True``) and the screen stays consistent.  Seeking *backward* first delivers an empty
chunk with ``reset=True`` (reset the terminal to the recording's initial ``size`` and clear the
ByteLog), then every chunk from the start up to the target at once (``catch_up=True``); a session
that honours ``reset`` and feeds ``data`` always ends up with the screen of that moment.  Resize
events of the recording arrive in order as empty chunks with ``size`` set.

Chunk times of a replay are recording times (seconds since the recording started), not the
loop's monotonic clock.  Importing :mod:`app.record.cast` from here is allowed: both are headless.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from bisect import bisect_right
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.pty.base import Chunk, SourceClosedError
from app.record.cast import OutputEvent, Recording, ResizeEvent, read_cast

__all__ = ["ReplayChunk", "ReplayInputError", "ReplaySource"]

PLAIN_ASCIINEMA_FIDELITY = (
    "text from an asciinema recording: bytes that were not valid UTF-8 were already replaced by U+FFFD"
)


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


_Item = OutputEvent | ResizeEvent


class ReplaySource:
    """Plays a :class:`~app.record.cast.Recording` back as a stream of chunks.

    ``hold_at_end``: instead of ending the stream after the last chunk (``read`` returns ``None``,
    as the CLI wants), wait at the end for a seek back or :meth:`close` (as the GUI's replay bar
    wants).  ``clock`` (seconds, monotonic) and ``sleep`` are for tests.
    """

    kind = "replay"

    def __init__(
        self,
        recording: Recording | str | os.PathLike[str],
        speed: float = 1.0,
        *,
        hold_at_end: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if not isinstance(recording, Recording):
            recording = read_cast(recording)
        self.recording = recording
        self.fidelity: str = recording.header.fidelity or (
            "as recorded" if recording.exact_bytes else PLAIN_ASCIINEMA_FIDELITY
        )
        self.hold_at_end = hold_at_end
        self._clock = clock
        self._sleep = sleep
        self._speed = self._check_speed(speed)
        self._items: list[_Item] = []
        self._output_index: list[int] = []
        self._times: list[float] = []  # running maximum of the item times, for bisect
        latest = 0.0
        outputs = 0
        for event in recording.events:
            if isinstance(event, (OutputEvent, ResizeEvent)):
                latest = max(latest, event.t)
                self._items.append(event)
                self._times.append(latest)
                self._output_index.append(outputs if isinstance(event, OutputEvent) else -1)
                outputs += isinstance(event, OutputEvent)
        self.chunk_count = outputs
        self.duration: float = max(latest, recording.duration)
        self.size: tuple[int, int] = (recording.header.width, recording.header.height)
        self._status = recording.exit_status if recording.exit_status is not None else 0
        self._next = 0  # next item to deliver
        self._catch_up_to = 0  # items before this index are delivered at once
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

    # ------------------------------------------------------------------ Source protocol

    @property
    def pid(self) -> int | None:
        return None

    @property
    def returncode(self) -> int | None:
        """The recorded exit status (``"x"``, or 0 if none), once the replay reached its end or closed."""
        return self._status if (self._ended or self._closed) else None

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
            if self._next < len(self._items):
                due = self._times[self._next]
                if self._next < self._catch_up_to:
                    return self._deliver(catch_up=True)
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
            if self._steps > 0 or self.instant:
                self._steps = 0
            elif self._paused:
                await self._wait_for_change(None)
                continue
            else:
                delay = (self.duration - self._raw_position()) / self._speed
                if delay > 0:
                    await self._wait_for_change(delay)
                    continue
            self._anchor_pos, self._anchor_wall = self.duration, self._clock()
            self._ended = True
            self._done.set()
            if self.hold_at_end:
                await self._wait_for_change(None)
                continue
            self._finished = True
            return None

    def write(self, data: bytes) -> None:
        raise ReplayInputError("a replay does not take input: it plays back a recording, no program is listening")

    def resize(self, cols: int, rows: int) -> None:
        """Nothing to tell: the recording's own resizes arrive as chunks with ``size``."""

    async def wait(self) -> int:
        """The recorded exit status, once every chunk was delivered (or the replay was closed)."""
        await self._done.wait()
        return self._status

    def kill(self) -> None:
        """Stop the replay: ``read`` returns ``None`` from now on."""
        self._closed = True
        self._changed.set()
        self._done.set()

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
        """Index (among the outputs) of the next output chunk to deliver; ``chunk_count`` at the end."""
        for i in range(self._next, len(self._items)):
            if self._output_index[i] >= 0:
                return self._output_index[i]
        return self.chunk_count

    @property
    def at_end(self) -> bool:
        return self._ended

    @property
    def position(self) -> float:
        """Current recording time in seconds: never past the next chunk still to deliver."""
        pos = min(self._raw_position(), self.duration)
        if self._next >= self._catch_up_to and self._next < len(self._items):
            pos = min(pos, max(self._anchor_pos, self._times[self._next]))
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
        t = min(max(t, 0.0), self.duration)
        target = bisect_right(self._times, t)
        if target < self._next:
            # Chunks after t were fed already: the session rebuilds the screen from the start.
            self._pending_reset = ReplayChunk(
                b"", t, self.recording.header.default_stream, reset=True, catch_up=True, size=self.size
            )
            self._next = 0
        self._catch_up_to = target
        if t < self.duration:
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
        item = self._items[self._next]
        index = self._output_index[self._next]
        self._next += 1
        if isinstance(item, OutputEvent):
            return ReplayChunk(item.data, item.t, item.stream, index=index, catch_up=catch_up)
        stream = self.recording.header.default_stream
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
