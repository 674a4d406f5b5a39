"""ByteLog: every byte with its absolute offset, time and read-chunk boundaries, under a memory cap."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.session.bytelog import DEFAULT_CAP, ByteLog, DroppedRangeError, LoggedChunk


def filled(*chunks: bytes, cap: int = DEFAULT_CAP) -> ByteLog:
    log = ByteLog(cap_bytes=cap)
    for i, data in enumerate(chunks):
        log.append(data, t=i * 0.5, stream="stderr" if i % 3 == 2 else "pty")
    return log


def test_offsets_times_streams_and_boundaries() -> None:
    log = ByteLog()
    assert log.append(b"hello ", 1.0) == 0
    assert log.append(b"\xe4\xbd", 1.5, stream="stderr") == 6
    assert log.append(b"", 1.6) == 8  # an empty read is still a boundary
    assert log.append(b"\xa0!", 2.0) == 8
    assert (log.total_bytes, log.retained_bytes, log.dropped_bytes, log.total_chunks, len(log)) == (10, 10, 0, 4, 4)
    assert list(log) == [
        LoggedChunk(0, 0, b"hello ", 1.0, "pty"),
        LoggedChunk(1, 6, b"\xe4\xbd", 1.5, "stderr"),
        LoggedChunk(2, 8, b"", 1.6, "pty"),
        LoggedChunk(3, 8, b"\xa0!", 2.0, "pty"),
    ]
    assert list(log.boundaries()) == [0, 6, 8, 8]
    assert list(log.boundaries(1, 8)) == [6]
    assert log.chunk_at(0).index == 0
    assert log.chunk_at(5).index == 0
    assert log.chunk_at(6) == LoggedChunk(1, 6, b"\xe4\xbd", 1.5, "stderr")
    assert log.chunk_at(8).index == 3  # the byte at 8 is in the non-empty chunk
    assert log.chunk_index_at(9) == 3
    assert log.chunk(2).data == b""
    assert log.chunk_at(7).end == 8


def test_slice_and_chunks_in_across_boundaries() -> None:
    log = filled(b"abc", b"def", b"", b"ghij")
    assert log.slice(0) == b"abcdefghij"
    assert log.slice(2, 7) == b"cdefg"
    assert log.slice(3, 6) == b"def"
    assert log.slice(5, 5) == b""
    assert log.slice(8, 100) == b"ij"  # end past the log is clamped
    assert log.slice(50, 60) == b""
    assert [c.index for c in log.chunks_in(2, 7)] == [0, 1, 2, 3]
    assert [c.index for c in log.chunks_in(3, 6)] == [1]
    assert [c.index for c in log.chunks_in(6, 7)] == [2, 3]
    assert [c.index for c in log.chunks_in(4)] == [1, 2, 3]
    assert log.chunks_in(4, 4) == []


def test_bad_offsets_say_what_is_wrong() -> None:
    log = filled(b"abc")
    with pytest.raises(IndexError, match=r"offset 3 is outside the log \(bytes 0–2\)"):
        log.chunk_at(3)
    with pytest.raises(IndexError, match="outside"):
        log.chunk_at(-1)
    with pytest.raises(ValueError, match="must be >= 0"):
        log.slice(-1, 2)
    with pytest.raises(IndexError, match="chunk 5 does not exist"):
        log.chunk(5)
    with pytest.raises(IndexError, match="outside"):
        ByteLog().chunk_at(0)


def test_cap_drops_oldest_chunks_whole_and_offsets_stay_absolute() -> None:
    over = ByteLog.CHUNK_OVERHEAD
    log = ByteLog(cap_bytes=3 * (100 + over))
    for i in range(10):
        log.append(bytes([65 + i]) * 100, float(i))
    assert log.total_bytes == 1000
    assert (log.dropped_bytes, log.dropped_chunks, log.start_offset) == (700, 7, 700)
    assert log.retained_bytes == 300
    assert log.memory_cost <= log.cap_bytes
    assert [c.index for c in log] == [7, 8, 9]
    assert log.chunk_at(750) == LoggedChunk(7, 700, b"H" * 100, 7.0, "pty")
    assert log.chunk(9).offset == 900
    assert log.slice(690, 710, clamp=True) == b"H" * 10
    assert [c.index for c in log.chunks_in(0, 750, clamp=True)] == [7]
    assert list(log.boundaries()) == [700, 800, 900]
    with pytest.raises(DroppedRangeError) as info:
        log.slice(650, 710)
    assert str(info.value) == (
        "bytes 650–709 are not kept: the oldest 700 bytes were dropped to keep the log under its 492 bytes cap; "
        "the oldest byte kept is at offset 700"
    )
    with pytest.raises(DroppedRangeError, match="bytes 5–5 are not kept"):
        log.chunk_at(5)
    with pytest.raises(DroppedRangeError, match="chunk 3 was dropped"):
        log.chunk(3)
    assert isinstance(info.value, IndexError)


def test_the_newest_chunk_is_kept_even_if_larger_than_the_cap() -> None:
    log = ByteLog(cap_bytes=100)
    log.append(b"a" * 10, 0.0)
    log.append(b"b" * 500, 1.0)
    assert [c.data[:1] for c in log] == [b"b"]
    assert (log.dropped_bytes, log.retained_bytes) == (10, 500)
    log.append(b"c", 2.0)
    assert [c.data for c in log] == [b"c"]
    assert log.start_offset == 510


def test_tiny_chunks_are_bounded_by_the_per_chunk_overhead() -> None:
    log = ByteLog(cap_bytes=64 * 1024)
    for i in range(200_000):
        log.append(b"x", float(i))
    assert log.total_bytes == 200_000
    assert len(log) * (1 + ByteLog.CHUNK_OVERHEAD) <= log.cap_bytes
    assert len(log._data) <= 2 * len(log) + 1024  # compaction keeps dropped slots bounded
    assert log.slice(199_990) == b"x" * 10
    assert log.chunk_at(199_999).index == 199_999


def test_tail() -> None:
    log = filled(b"abc", b"de", b"", b"fghij", cap=ByteLog.CHUNK_OVERHEAD * 3 + 7)
    assert log.start_offset == 3
    assert log.tail(3) == b"hij"
    assert log.tail(6) == b"efghij"
    assert log.tail(100) == b"defghij"  # only what is kept
    assert log.tail(0) == b""
    assert log.total_bytes - len(log.tail(6)) == 4


def test_clear_starts_again_at_zero_and_bumps_the_epoch() -> None:
    log = filled(b"abc", b"def", cap=ByteLog.CHUNK_OVERHEAD + 3)
    assert log.dropped_bytes == 3
    log.clear()
    assert (log.total_bytes, log.dropped_bytes, log.total_chunks, len(log), log.epoch) == (0, 0, 0, 0, 1)
    log.append(b"xy", 9.0)
    assert log.chunk_at(0) == LoggedChunk(0, 0, b"xy", 9.0, "pty")


def test_bytearray_and_memoryview_are_copied() -> None:
    log = ByteLog()
    buf = bytearray(b"abc")
    log.append(buf, 0.0)
    log.append(memoryview(b"def"), 0.0)
    buf[0] = 0
    assert log.slice(0) == b"abcdef"


def test_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="cap_bytes"):
        ByteLog(cap_bytes=0)


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.binary(max_size=40), max_size=60),
    cap=st.integers(min_value=1, max_value=2000),
    ranges=st.lists(st.tuples(st.integers(0, 2500), st.integers(0, 2500)), max_size=10),
)
def test_matches_a_plain_bytes_model(chunks: list[bytes], cap: int, ranges: list[tuple[int, int]]) -> None:
    log = ByteLog(cap_bytes=cap)
    for i, data in enumerate(chunks):
        log.append(data, float(i))
    everything = b"".join(chunks)
    assert log.total_bytes == len(everything)
    assert log.dropped_bytes + log.retained_bytes == len(everything)
    kept = list(log)
    assert b"".join(c.data for c in kept) == everything[log.start_offset :]
    assert [c.data for c in kept] == chunks[len(chunks) - len(kept) :]
    assert log.memory_cost <= cap or len(kept) == 1
    for start, end in ranges:
        if start < log.start_offset and start < min(end, log.total_bytes):
            with pytest.raises(DroppedRangeError):
                log.slice(start, end)
            start = log.start_offset
        assert log.slice(start, end) == everything[start:end]
        got = log.chunks_in(start, end)
        assert all(c.offset < end and (c.end > start or (c.data == b"" and c.offset >= start)) for c in got)
        stop = min(end, log.total_bytes)
        if start < stop:
            base = got[0].offset
            assert b"".join(c.data for c in got)[start - base : stop - base] == everything[start:end]
        else:
            assert log.slice(start, end) == b""
    for offset in range(log.start_offset, log.total_bytes):
        chunk = log.chunk_at(offset)
        assert chunk.offset <= offset < chunk.end
    assert log.tail(17) == everything[log.start_offset :][-17:]


def test_a_100_mb_flood_stays_under_the_cap_in_memory() -> None:
    log = ByteLog()  # the default 64 MiB cap
    block = 64 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(100 * 1024 * 1024 // block):
            log.append(bytes([i % 256]) * block, i * 0.001)  # a fresh object per read, as a source gives
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert log.total_bytes == 100 * 1024 * 1024
    assert log.retained_bytes <= DEFAULT_CAP
    assert log.dropped_bytes == log.total_bytes - log.retained_bytes > 30 * 1024 * 1024
    assert current <= DEFAULT_CAP + 1024 * 1024  # the kept bytes plus bookkeeping: nothing leaks
    last = log.chunk_at(log.total_bytes - 1)
    assert last.data == bytes([(1599) % 256]) * block
