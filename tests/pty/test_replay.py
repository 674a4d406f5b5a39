"""ReplaySource: a recording as a source, on its own schedule, with pause, step, seek and speed.

Time is driven by hand (an injected clock and sleep), so nothing here waits on the wall clock.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.pty.base import Source, SourceClosedError
from app.pty.replay import PLAIN_ASCIINEMA_FIDELITY, ReplayChunk, ReplayInputError, ReplaySource
from app.record.cast import CastFormatError, CastHeader, CastWriter, Recording, mojiscope_metadata, read_cast
from app.vt import Terminal

T = TypeVar("T")

OUTPUTS: list[tuple[float, bytes, str]] = [
    (0.5, b"one\r\n", "pty"),
    (1.0, b"\xe4\xbd", "pty"),  # a character split across reads
    (1.5, b"\xa0\r\n", "pty"),
    (3.0, b"\x1b[31mred\x1b[0m \xff\r\n", "pty"),
    (3.0, b"err\r\n", "stderr"),
    (6.0, b"last\r\n", "pty"),
]


def run(coro: Coroutine[Any, Any, T]) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, 10)

    return asyncio.run(bounded())


class FakeTime:
    """A clock that only moves when the replay sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay
        await asyncio.sleep(0)


def record(path: Path, resize_at: float | None = None, status: int | None = 3) -> Recording:
    header = CastHeader(
        40, 10, timestamp=1, env={}, mojiscope=mojiscope_metadata(backend="pty", fidelity="exact bytes")
    )
    with CastWriter(path, header) as w:
        for t, data, stream in OUTPUTS:
            if resize_at is not None and resize_at <= t:
                w.resize(50, 12, resize_at)
                resize_at = None
            w.marker("half", 2.0) if t == 3.0 and stream == "pty" else None
            w.output(data, t, stream=stream)
        if status is not None:
            w.exit(status, 7.0)
    return read_cast(path)


Source_ = Recording | Path
Make = Callable[..., ReplaySource]


@pytest.fixture(params=["memory", "file"])
def rec(request: pytest.FixtureRequest, tmp_path: Path) -> Recording | Path:
    """The recording in memory, or its file (streamed, and summarised by a pass of its own): every test of the
    source's behaviour runs on both."""
    recording = record(tmp_path / "r.cast")
    return recording if request.param == "memory" else tmp_path / "r.cast"


@pytest.fixture
def make() -> Iterator[Callable[..., ReplaySource]]:
    """``make(rec, ...)``: a ReplaySource of ``rec`` (a file is scanned, as the window does); closed at the end."""
    made: list[ReplaySource] = []

    def build(recording: Recording | Path, *args: Any, **kwargs: Any) -> ReplaySource:
        src = ReplaySource(recording, *args, **kwargs)
        made.append(src)
        if isinstance(recording, Path):
            src.scan()
        return src

    yield build
    for src in made:
        src.kill()


def returncode(src: ReplaySource) -> int | None:
    """Read afresh (mypy would keep an earlier narrowing of the property)."""
    return src.returncode


async def drain(src: ReplaySource) -> list[ReplayChunk]:
    out = []
    while (chunk := await src.read()) is not None:
        out.append(chunk)
    return out


def test_it_is_a_source(rec: Source_, make: Make) -> None:
    src = make(rec)
    assert isinstance(src, Source)
    assert src.kind == "replay"
    assert src.fidelity == "exact bytes"
    assert src.pid is None
    assert src.returncode is None
    assert (src.duration, src.chunk_count, src.size) == (7.0, 6, (40, 10))
    src.resize(100, 100)  # nothing to tell
    with pytest.raises(ReplayInputError, match="a replay does not take input"):
        src.write(b"\x1b[?1;2c")
    assert issubclass(ReplayInputError, SourceClosedError)


def test_as_fast_as_possible_gives_every_chunk_exactly(rec: Source_, make: Make) -> None:
    for speed in (0, math.inf):
        fake = FakeTime()
        src = make(rec, speed=speed, clock=fake.clock, sleep=fake.sleep)

        async def go(src: ReplaySource = src) -> tuple[list[ReplayChunk], int]:
            await src.start()
            chunks = await drain(src)
            return chunks, await src.wait()

        chunks, status = run(go())
        assert [(c.time, c.data, c.stream) for c in chunks] == OUTPUTS
        assert [c.index for c in chunks] == list(range(6))
        assert not any(c.reset or c.catch_up or c.size for c in chunks)
        assert status == 3
        assert src.returncode == 3
        assert src.position == 7.0
        assert fake.sleeps == []


def test_real_time_schedule_scaled_by_speed(rec: Source_, make: Make) -> None:
    for speed in (1.0, 2.0, 0.5):
        fake = FakeTime()
        src = make(rec, speed=speed, clock=fake.clock, sleep=fake.sleep)
        positions: list[float] = []

        async def go(
            src: ReplaySource = src, fake: FakeTime = fake, positions: list[float] = positions, speed: float = speed
        ) -> list[ReplayChunk]:
            await src.start()
            out = []
            while (chunk := await src.read()) is not None:
                out.append(chunk)
                positions.append(src.position)
                assert fake.now - 100.0 == pytest.approx(chunk.time / speed)
            return out

        chunks = run(go())
        assert [c.data for c in chunks] == [d for _, d, _ in OUTPUTS]
        # Slept until each chunk's time, then until the recorded exit (7.0 s).
        assert fake.sleeps == pytest.approx([d / speed for d in (0.5, 0.5, 0.5, 1.5, 3.0, 1.0)])
        assert positions == pytest.approx([0.5, 1.0, 1.5, 3.0, 3.0, 6.0])
        assert src.returncode == 3


def test_a_late_reader_gets_late_chunks_at_once_without_drift(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        await src.start()
        fake.now += 3.2  # the session was busy
        assert src.position == 0.5  # never past a chunk not yet delivered
        for _ in range(5):
            await src.read()
        assert fake.sleeps == []
        assert src.position == pytest.approx(3.2)
        await src.read()
        assert fake.sleeps == pytest.approx([2.8])

    run(go())


def test_pause_step_resume(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        await src.start()
        assert (await src.read()).data == b"one\r\n"  # type: ignore[union-attr]
        src.pause()
        assert src.paused
        reader = asyncio.ensure_future(src.read())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not reader.done()  # paused: nothing comes, however long we wait
        before = fake.now
        src.step()
        chunk = await reader
        assert chunk is not None
        assert chunk.data == b"\xe4\xbd"
        assert fake.now == before  # delivered now, not at its time
        assert src.position == 1.0
        assert src.paused
        src.step()
        src.step()
        assert [(await src.read()).data for _ in range(2)] == [b"\xa0\r\n", OUTPUTS[3][1]]  # type: ignore[union-attr]
        assert src.position == 3.0
        assert src.next_index == 4
        src.resume()
        rest = await drain(src)
        assert [c.data for c in rest] == [b"err\r\n", b"last\r\n"]
        assert fake.sleeps[-2:] == pytest.approx([3.0, 1.0])  # from 3.0 to 6.0, then to the exit at 7.0

    run(go())


def test_step_while_playing_pauses(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        src.step()
        assert src.paused
        chunk = await src.read()
        assert chunk is not None and chunk.index == 0
        assert fake.sleeps == []

    run(go())


def test_seek_forward_catches_up_at_once(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        await src.start()
        first = await src.read()
        assert first is not None and first.index == 0
        src.seek(3.0)
        caught = [await src.read() for _ in range(4)]
        assert [(c.index, c.catch_up, c.reset) for c in caught if c] == [
            (1, True, False),
            (2, True, False),
            (3, True, False),
            (4, True, False),
        ]
        assert fake.sleeps == [0.5]  # only the wait for the first chunk
        assert src.position == 3.0
        last = await src.read()
        assert last is not None and (last.index, last.catch_up) == (5, False)
        assert fake.sleeps == pytest.approx([0.5, 3.0])  # to the first chunk, then 3.0 -> 6.0

    run(go())


def test_seek_backward_resets_and_refeeds_from_the_start(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, speed=0, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        await src.start()
        assert len([await src.read() for _ in range(5)]) == 5
        src.seek(1.2)
        reset = await src.read()
        assert reset == ReplayChunk(b"", 1.2, "pty", index=-1, reset=True, catch_up=True, size=(40, 10))
        again = [await src.read() for _ in range(2)]
        assert [(c.index, c.catch_up) for c in again if c] == [(0, True), (1, True)]
        assert src.position == 1.2
        rest = await drain(src)
        assert [(c.index, c.catch_up) for c in rest] == [(2, False), (3, False), (4, False), (5, False)]

    run(go())


def test_seek_is_clamped_and_refused_after_the_end(rec: Source_, make: Make) -> None:
    src = make(rec, speed=0)

    async def go() -> None:
        src.seek(-5)
        assert src.position == 0.0
        src.seek(1e9)
        chunks = await drain(src)
        assert all(c.catch_up for c in chunks) and len(chunks) == 6
        with pytest.raises(SourceClosedError, match="the replay has ended"):
            src.seek(1.0)
        with pytest.raises(ValueError, match="NaN"):
            make(rec).seek(math.nan)

    run(go())


def test_hold_at_end_waits_for_a_seek_back_or_close(rec: Source_, make: Make) -> None:
    src = make(rec, speed=0, hold_at_end=True)

    async def go() -> None:
        assert len([await src.read() for _ in range(6)]) == 6
        reader = asyncio.ensure_future(src.read())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not reader.done()
        assert src.at_end and src.returncode == 3
        assert await src.wait() == 3
        src.seek(0.6)
        reset = await reader
        assert reset is not None and reset.reset
        assert returncode(src) is None  # no longer at the end
        assert [c.index for c in [await src.read()] if c] == [0]
        src.pause()
        reader = asyncio.ensure_future(src.read())
        await asyncio.sleep(0)
        await src.close()
        assert await reader is None
        assert await src.read() is None
        assert src.returncode == 3

    run(go())


def test_speed_can_change_while_playing(rec: Source_, make: Make) -> None:
    fake = FakeTime()
    src = make(rec, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        await src.start()
        await src.read()  # t=0.5 after sleeping 0.5
        src.speed = 4
        await src.read()  # t=1.0: 0.5 recording seconds at 4x
        assert fake.sleeps == pytest.approx([0.5, 0.125])
        src.speed = 0
        assert [c.index for c in await drain(src)] == [2, 3, 4, 5]
        with pytest.raises(ValueError, match="speed"):
            src.speed = -1

    run(go())


def test_a_control_wakes_a_sleeping_read(rec: Source_, make: Make) -> None:
    """With the real asyncio sleep, a long wait is cut short by seek (no wall-clock assertion)."""
    src = make(rec, speed=1e-9)  # the first chunk would be due in 15 years

    async def go() -> None:
        reader = asyncio.ensure_future(src.read())
        await asyncio.sleep(0)
        src.seek(0.5)
        chunk = await reader
        assert chunk is not None and chunk.index == 0 and chunk.catch_up
        await src.close()

    run(go())


def test_resizes_arrive_in_order_as_size_chunks(tmp_path: Path) -> None:
    rec = record(tmp_path / "r.cast", resize_at=1.2)
    src = ReplaySource(rec, speed=0)
    chunks = run(drain(src))
    assert [(c.time, c.size, c.data) for c in chunks[1:4]] == [
        (1.0, None, b"\xe4\xbd"),
        (1.2, (50, 12), b""),
        (1.5, None, b"\xa0\r\n"),
    ]
    assert chunks[2].index == -1


def test_returncode_defaults_to_zero_and_plain_asciinema_fidelity(tmp_path: Path) -> None:
    path = tmp_path / "plain.cast"
    path.write_text('{"version": 2, "width": 20, "height": 5}\n[0.5, "o", "hi"]\n', "utf-8")
    src = ReplaySource(path, speed=0)  # a path works too
    assert src.fidelity == PLAIN_ASCIINEMA_FIDELITY
    chunks = run(drain(src))
    assert [(c.time, c.data) for c in chunks] == [(0.5, b"hi")]
    assert src.returncode == 0
    assert run(src.wait()) == 0


def test_seek_back_and_refeed_rebuilds_the_same_screen(tmp_path: Path) -> None:
    """A session that honours reset/size and feeds data gets the screen of the moment it sought to."""
    rec = record(tmp_path / "r.cast", resize_at=1.2)

    def screen_at(t: float) -> list[str]:
        term = Terminal(cols=40, rows=10)
        for e in rec.events:
            if e.t > t:
                break
            if hasattr(e, "cols"):
                term.resize(cols=e.cols, rows=e.rows)  # type: ignore[union-attr]
            elif hasattr(e, "stream"):
                term.feed(e.data)  # type: ignore[union-attr]
        return term.display

    src = ReplaySource(rec, speed=0)
    term = Terminal(cols=40, rows=10)

    def apply(chunk: ReplayChunk) -> None:
        if chunk.reset:
            term.reset()
        if chunk.size:
            term.resize(cols=chunk.size[0], rows=chunk.size[1])
        term.feed(chunk.data)

    async def go() -> None:
        for _ in range(7):  # 6 outputs and the resize
            apply(await src.read())  # type: ignore[arg-type]
        assert term.display == screen_at(6.0)
        src.seek(1.6)
        for _ in range(5):  # reset, 2 outputs, the resize, 1 output
            apply(await src.read())  # type: ignore[arg-type]
        assert term.display == screen_at(1.6)
        assert "one" in term.display[0] and "你" in term.display[1]

    run(go())


def test_a_file_is_streamed_and_seeks_back_by_reading_it_again(tmp_path: Path) -> None:
    """Without the summary pass (the command line's way): it plays, its length grows as it is read, and a
    backward seek reads the file again from the start; the pass then gives the count and length."""
    path = tmp_path / "r.cast"
    record(path)
    src = ReplaySource(path, speed=0, hold_at_end=True)
    try:
        assert src.recording is None and src.summary is None and src.chunk_count is None
        assert src.duration == 0.0

        async def go() -> None:
            first = [await src.read() for _ in range(4)]
            assert [c.index for c in first if c] == [0, 1, 2, 3]
            assert src.duration == 3.0  # read so far
            src.seek(1.2)
            reset = await src.read()
            assert reset is not None and reset.reset and reset.size == (40, 10)
            again = [await src.read() for _ in range(2)]
            assert [(c.index, c.catch_up) for c in again if c] == [(0, True), (1, True)]
            assert src.next_index == 2 and src.previous_chunk_time() == 0.5
            rest = [await src.read() for _ in range(4)]
            assert [c.index for c in rest if c] == [2, 3, 4, 5]
            reader = asyncio.ensure_future(src.read())
            for _ in range(10):
                await asyncio.sleep(0)
            assert src.at_end and src.returncode == 3 and src.duration == 7.0
            src.kill()
            assert await reader is None

        run(go())
        summary = src.scan()
        assert summary is not None and (summary.chunk_count, summary.duration, summary.exit_status) == (6, 7.0, 3)
        assert [m.label for m in summary.markers] == ["half"]
    finally:
        src.kill()


def test_a_malformed_line_ends_the_replay_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.cast"
    path.write_text('{"version": 2, "width": 20, "height": 5}\n[0.5, "o", "hi"]\n[0.6, "r", "99999x5"]\n', "utf-8")
    src = ReplaySource(path, speed=0, hold_at_end=True)

    async def go() -> None:
        chunk = await src.read()
        assert chunk is not None and chunk.data == b"hi"
        with pytest.raises(CastFormatError, match=r"line 3:.*limit of 10000"):
            await src.read()
        assert src.error is not None and src.error.line == 3
        assert await src.wait() == 0  # a window waiting for the end is not left hanging

    try:
        run(go())
        summary = src.scan()
        assert summary is not None and summary.error is not None and summary.chunk_count == 1
    finally:
        src.kill()
