"""The bytes of a recording, annotated with the reads they arrived in: what ``inspect FILE.cast`` lists.

Why not annotate the file: a ``.cast`` is JSON text about the bytes, not the bytes; what a user inspects is
what the program wrote (the ``"o"`` events, their exact ``"b"`` bytes), where each read began and when.  A
character or sequence split across two reads is the classic bug this tool shows, so a token that spans a
read boundary says so.

Bounded memory: the reads stream in (see :class:`~app.record.cast.CastStream`) and are annotated a block at a
time (about :data:`BLOCK` bytes), each block cut just after a line feed — where, as the Bytes panel's windows
rely on too (:mod:`app.inspect.byte_view`), no character is half decoded and the parser is at rest in every
ASCII-compatible encoding.  Offsets are absolute (byte 0 is the first recorded output byte).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from app.vt.annotate import Token, annotate
from app.vt.decoder import normalize_encoding

__all__ = ["BLOCK", "Read", "ReadToken", "annotate_reads"]

#: Bytes annotated at a time (a block grows past this only until its next line feed, at most twice).
BLOCK = 1 << 20
#: Reads in one block at most (a recording of one-byte reads would otherwise hold a million headers).
MAX_READS = 16_384


@dataclass(frozen=True, slots=True)
class Read:
    """One read of output: its index among the reads, where its bytes start, how many, when, which stream."""

    index: int
    offset: int
    size: int
    time: float
    stream: str

    def describe(self) -> str:
        plural = "" if self.size == 1 else "s"
        where = f"{self.size} byte{plural} at offset {self.offset}"
        return f"read #{self.index} at {self.time:.6f} s: {where} ({self.stream})"


@dataclass(frozen=True, slots=True)
class ReadToken:
    """A token of the annotated stream, with the read holding its first byte and (if split) its last."""

    token: Token
    read: Read
    #: Index of the read holding the token's last byte; more than ``read.index`` when the token was split.
    last_read: int

    @property
    def split(self) -> bool:
        return self.last_read != self.read.index

    def as_dict(self) -> dict[str, object]:
        out = self.token.as_dict()
        out["read"] = self.read.index
        out["time"] = self.read.time
        if self.split:
            out["split_to_read"] = self.last_read
        return out


def annotate_reads(
    reads: Iterable[tuple[bytes, float, str]],
    encoding: str = "utf-8",
    start: int = 0,
    end: int | None = None,
) -> Iterator[Read | ReadToken]:
    """The reads (each ``(bytes, time, stream)``) as :class:`Read` headers and :class:`ReadToken` s, in order.

    A read's header comes just before its first token, or just after the token it begins inside of.  Only
    what overlaps bytes ``[start, end)`` is given.
    """
    canonical = normalize_encoding(encoding)
    unit = 2 if canonical.startswith("utf-16") else 4 if canonical.startswith("utf-32") else 1
    buffer = bytearray()
    base = 0  # offset of buffer[0]
    pending: deque[Read] = deque()  # reads whose header is not given yet, oldest first
    known: list[Read] = []  # reads overlapping the buffer, to find the read of an offset
    total = 0
    for index, (data, t, stream) in enumerate(reads):
        read = Read(index, total, len(data), t, stream)
        total += len(data)
        pending.append(read)
        known.append(read)
        buffer += data
        if len(buffer) >= BLOCK or len(known) >= MAX_READS:
            cut = _cut(buffer, unit, force=len(buffer) >= 2 * BLOCK or len(known) >= MAX_READS)
            if cut:
                yield from _emit(bytes(buffer[:cut]), base, canonical, pending, known, start, end)
                del buffer[:cut]
                base += cut
                known = [r for r in known if r.offset + r.size > base or r.offset >= base]
        if end is not None and base >= end:
            return
    yield from _emit(bytes(buffer), base, canonical, pending, known, start, end, final=True)


def _cut(buffer: bytearray, unit: int, *, force: bool) -> int:
    """Where to end a block: just after the last line feed (whole units for UTF-16/32); with none, all of it
    when ``force`` (the block is too big to wait for one), else 0 (keep reading)."""
    if unit > 1:
        return len(buffer) - len(buffer) % unit
    newline = buffer.rfind(b"\n")
    if newline >= 0:
        return newline + 1
    return len(buffer) if force else 0


def _emit(
    data: bytes,
    base: int,
    encoding: str,
    pending: deque[Read],
    known: list[Read],
    start: int,
    end: int | None,
    *,
    final: bool = False,
) -> Iterator[Read | ReadToken]:
    stop = base + len(data)

    def wanted(lo: int, hi: int) -> bool:
        return hi > start and (end is None or lo < end)

    starts = [read.offset for read in known]

    def read_at(offset: int) -> Read:
        """The read holding byte ``offset`` (an empty read holds none: the one before it is taken)."""
        i = max(bisect_right(starts, offset) - 1, 0)
        while i > 0 and known[i].size == 0:
            i -= 1
        return known[i]

    tokens = annotate(data, encoding) if data else []
    for tok in tokens:
        first = base + tok.offset
        last = first + max(len(tok.data), 1) - 1
        while pending and pending[0].offset <= first:
            read = pending.popleft()
            if wanted(read.offset, read.offset + max(read.size, 1)):
                yield read
        if wanted(first, first + len(tok.data)):
            owner = read_at(first)
            yield ReadToken(replace(tok, offset=first), owner, read_at(last).index)
        while pending and pending[0].offset <= last:
            read = pending.popleft()  # begins inside the token just given
            if wanted(read.offset, read.offset + max(read.size, 1)):
                yield read
    while pending and (final or pending[0].offset < stop):
        read = pending.popleft()
        if wanted(read.offset, read.offset + max(read.size, 1)):
            yield read
