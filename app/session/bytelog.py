"""Every byte a session's source delivered, with its absolute offset, time and read-chunk boundaries.

Why a log and not just the screen: the Bytes panel shows the raw stream (hex, chunk boundaries),
the inspector maps a screen cell back to the bytes that wrote it, and "decode as" re-decodes the
same bytes with another code page.  All of them address bytes by *absolute* offset: byte 0 is the
first byte the source ever delivered, and offsets never shift, even after old chunks are dropped.

Memory is capped (DESIGN §7): a program can flood gigabytes, so once the log holds more than
``cap_bytes`` the oldest chunks are dropped *whole* (a chunk is the unit the source read, and the
boundaries are part of what we show) and :attr:`ByteLog.dropped_bytes` counts them for the UI.
The cap counts each chunk's bytes plus a fixed per-chunk overhead (:attr:`ByteLog.CHUNK_OVERHEAD`),
so a flood of one-byte reads is bounded too.  The newest chunk is always kept, even if it alone
is larger than the cap.

Appends are O(1) amortised (lists and typed arrays, dropped from the front by advancing a head
index and compacting now and then); lookups bisect the array of chunk start offsets.  Not
thread-safe: it lives on the session's event loop.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["ByteLog", "DroppedRangeError", "LoggedChunk"]

DEFAULT_CAP = 64 * 1024 * 1024


class DroppedRangeError(IndexError):
    """The bytes asked for were dropped to keep the log under its memory cap."""


@dataclass(frozen=True, slots=True)
class LoggedChunk:
    """One read as the log keeps it: ``index`` counts chunks since the log began (or was cleared)."""

    index: int
    offset: int
    data: bytes
    time: float
    stream: str

    @property
    def end(self) -> int:
        """Offset just past the chunk's last byte."""
        return self.offset + len(self.data)


class ByteLog:
    """An append-only, memory-capped log of byte chunks addressed by absolute offset."""

    #: Approximate memory a retained chunk costs besides its bytes (bytes object header, list slot,
    #: offset, time and stream entries); counted against the cap.
    CHUNK_OVERHEAD = 64

    def __init__(self, cap_bytes: int = DEFAULT_CAP) -> None:
        if cap_bytes <= 0:
            raise ValueError(f"cap_bytes must be positive, got {cap_bytes}")
        self.cap_bytes = cap_bytes
        self._streams: list[str] = []
        self._stream_ids: dict[str, int] = {}
        self._reset()
        #: Bumped by :meth:`clear`, so a viewer holding offsets knows they now mean other bytes.
        self.epoch = 0

    def _reset(self) -> None:
        self._data: list[bytes] = []
        self._starts = array("q")
        self._times = array("d")
        self._stream_of = array("H")
        self._head = 0  # index of the oldest retained chunk in the arrays
        self._first_index = 0  # absolute chunk index of array slot 0
        self._total = 0
        self._dropped = 0
        self._dropped_chunks = 0
        self._retained = 0

    # ------------------------------------------------------------------ writing

    def append(self, data: bytes | bytearray | memoryview, t: float, stream: str = "pty") -> int:
        """Log one read chunk (kept as one chunk, even if empty); returns its absolute offset."""
        chunk = bytes(data)
        sid = self._stream_ids.get(stream)
        if sid is None:
            sid = self._stream_ids[stream] = len(self._streams)
            self._streams.append(stream)
        offset = self._total
        self._data.append(chunk)
        self._starts.append(offset)
        self._times.append(t)
        self._stream_of.append(sid)
        self._total += len(chunk)
        self._retained += len(chunk)
        if self.memory_cost > self.cap_bytes:
            self._drop_to_cap()
        return offset

    def clear(self) -> None:
        """Forget everything and start again at offset 0 (a replay seeking backwards re-feeds)."""
        self._reset()
        self.epoch += 1

    def _drop_to_cap(self) -> None:
        head, end = self._head, len(self._data)
        retained, cost_each, cap = self._retained, self.CHUNK_OVERHEAD, self.cap_bytes
        while end - head > 1 and retained + (end - head) * cost_each > cap:
            size = len(self._data[head])
            self._data[head] = b""  # release the bytes now; the slot goes at the next compaction
            retained -= size
            self._dropped += size
            self._dropped_chunks += 1
            head += 1
        self._head, self._retained = head, retained
        if head >= 1024 and head * 2 >= end:
            del self._data[:head]
            del self._starts[:head]
            del self._times[:head]
            del self._stream_of[:head]
            self._first_index += head
            self._head = 0

    # ------------------------------------------------------------------ sizes

    @property
    def total_bytes(self) -> int:
        """Every byte ever appended (the offset the next byte will get)."""
        return self._total

    @property
    def dropped_bytes(self) -> int:
        """Bytes dropped to stay under the cap; also the offset of the oldest byte still kept."""
        return self._dropped

    @property
    def dropped_chunks(self) -> int:
        return self._dropped_chunks

    @property
    def start_offset(self) -> int:
        """Offset of the oldest byte still kept."""
        return self._dropped

    @property
    def retained_bytes(self) -> int:
        return self._retained

    @property
    def total_chunks(self) -> int:
        """Chunks ever appended; absolute chunk indexes run from ``dropped_chunks`` to this."""
        return self._first_index + len(self._data)

    @property
    def memory_cost(self) -> int:
        """What counts against the cap: retained bytes plus the per-chunk overhead."""
        return self._retained + (len(self._data) - self._head) * self.CHUNK_OVERHEAD

    def __len__(self) -> int:
        """Number of chunks still kept."""
        return len(self._data) - self._head

    # ------------------------------------------------------------------ reading

    def _chunk(self, slot: int) -> LoggedChunk:
        return LoggedChunk(
            self._first_index + slot,
            self._starts[slot],
            self._data[slot],
            self._times[slot],
            self._streams[self._stream_of[slot]],
        )

    def __iter__(self) -> Iterator[LoggedChunk]:
        """The kept chunks, oldest first."""
        for slot in range(self._head, len(self._data)):
            yield self._chunk(slot)

    def chunk(self, index: int) -> LoggedChunk:
        """The chunk with absolute ``index`` (0 = the first chunk ever appended)."""
        if index < 0 or index >= self.total_chunks:
            raise IndexError(f"chunk {index} does not exist; the log has chunks 0–{self.total_chunks - 1}")
        slot = index - self._first_index
        if slot < self._head:
            raise DroppedRangeError(
                f"chunk {index} was dropped to keep the log under its {_size(self.cap_bytes)} cap; "
                f"the oldest chunk kept is {self._dropped_chunks}"
            )
        return self._chunk(slot)

    def _slot_at(self, offset: int) -> int:
        self._check_offset(offset)
        return bisect_right(self._starts, offset, self._head, len(self._data)) - 1

    def _check_offset(self, offset: int) -> None:
        if offset < 0 or offset >= self._total:
            raise IndexError(f"offset {offset} is outside the log (bytes 0–{self._total - 1})")
        if offset < self._dropped:
            raise DroppedRangeError(self._dropped_message(offset, offset + 1))

    def chunk_at(self, offset: int) -> LoggedChunk:
        """The chunk holding the byte at ``offset``."""
        return self._chunk(self._slot_at(offset))

    def chunk_index_at(self, offset: int) -> int:
        """Absolute index of the chunk holding the byte at ``offset``."""
        return self._first_index + self._slot_at(offset)

    def _range(self, start: int, end: int | None, clamp: bool) -> tuple[int, int]:
        if start < 0 or (end is not None and end < 0):
            raise ValueError(f"offsets must be >= 0, got {start}..{end}")
        end = self._total if end is None else min(end, self._total)
        if start < self._dropped and start < end:
            if not clamp:
                raise DroppedRangeError(self._dropped_message(start, end))
            start = self._dropped
        return start, max(start, end)

    def _slots(self, start: int, end: int) -> range:
        """Slots of the kept chunks overlapping ``[start, end)`` (and empty chunks starting in it)."""
        head, n = self._head, len(self._data)
        if start >= end:
            return range(0)
        first = bisect_left(self._starts, start, head, n)
        if first > head:
            previous_end = self._starts[first] if first < n else self._total
            if previous_end > start:
                first -= 1
        last = bisect_left(self._starts, end, head, n)
        return range(first, last)

    def chunks_in(self, start: int, end: int | None = None, *, clamp: bool = False) -> list[LoggedChunk]:
        """The chunks overlapping bytes ``[start, end)`` (``end`` past the log is clamped to it).

        Raises :class:`DroppedRangeError` if the range begins in dropped bytes, unless ``clamp``.
        """
        start, end = self._range(start, end, clamp)
        return [self._chunk(slot) for slot in self._slots(start, end)]

    def slice(self, start: int, end: int | None = None, *, clamp: bool = False) -> bytes:
        """Bytes ``[start, end)`` by absolute offset, across chunk boundaries.

        ``end`` past the log is clamped to it (like Python slicing); a range beginning in dropped
        bytes raises :class:`DroppedRangeError`, or with ``clamp`` starts at :attr:`start_offset`.
        """
        start, end = self._range(start, end, clamp)
        parts: list[bytes] = []
        for slot in self._slots(start, end):
            data, base = self._data[slot], self._starts[slot]
            lo, hi = max(start - base, 0), min(end - base, len(data))
            parts.append(data if lo == 0 and hi == len(data) else data[lo:hi])
        return b"".join(parts)

    def tail(self, n: int) -> bytes:
        """The last ``n`` kept bytes (fewer if fewer are kept): what a viewer following the tail shows.

        Costs only the chunks it touches; the first returned byte is at ``total_bytes - len(result)``.
        """
        if n <= 0:
            return b""
        parts: list[bytes] = []
        need = n
        slot = len(self._data) - 1
        while need > 0 and slot >= self._head:
            data = self._data[slot]
            if len(data) > need:
                data = data[len(data) - need :]
            parts.append(data)
            need -= len(data)
            slot -= 1
        parts.reverse()
        return b"".join(parts)

    def boundaries(self, start: int = 0, end: int | None = None) -> Iterator[int]:
        """Start offsets of the kept chunks that begin in ``[start, end)``: where the reads split."""
        end = self._total if end is None else end
        head, n = self._head, len(self._data)
        slot = bisect_left(self._starts, max(start, self._dropped), head, n)
        while slot < n and self._starts[slot] < end:
            yield self._starts[slot]
            slot += 1

    def _dropped_message(self, start: int, end: int) -> str:
        return (
            f"bytes {start}–{end - 1} are not kept: the oldest {_size(self._dropped)} were dropped to keep the log "
            f"under its {_size(self.cap_bytes)} cap; the oldest byte kept is at offset {self._dropped}"
        )


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
