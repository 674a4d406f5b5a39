"""Session: a real child on a real pty (or pipes) pumped into a ByteLog and a Terminal, recorded and replayed.

pytest-asyncio is not used: each test runs its coroutine with :func:`run` (``asyncio.run`` under a timeout, so a
hang fails the test instead of the run). Nothing here measures wall-clock time.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from app.pty import PipeSource, PtySource, SourceClosedError, SpawnSpec
from app.pty.profiles import plan_session
from app.pty.replay import ReplayInputError, ReplaySource
from app.record.cast import CastWriter, ExitEvent, InputEvent, MarkerEvent, ResizeEvent, read_cast
from app.session import (
    ErrorReported,
    Exited,
    OutputReceived,
    ReplayReset,
    Resized,
    Session,
    SessionEvent,
    SessionStateError,
    recording_header,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pty tests; ConPTY has its own suite")

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


def py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


class Watch:
    """Every event of a session, and a way to wait until the session reaches a state."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.events: list[SessionEvent] = []
        self._changed = asyncio.Event()
        self.unsubscribe = session.subscribe(self._on_event)

    def _on_event(self, event: SessionEvent) -> None:
        self.events.append(event)
        self._changed.set()

    async def until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            self._changed.clear()
            await self._changed.wait()

    def of(self, kind: type[T]) -> list[T]:
        return [e for e in self.events if isinstance(e, kind)]


def screen_text(session: Session) -> str:
    return "\n".join(row.rstrip() for row in [*session.terminal.history, *session.terminal.display])


def pty_session(argv: list[str], **kwargs: Any) -> Session:
    return Session(PtySource(SpawnSpec(argv)), **kwargs)


def recorded(session_source: PtySource | PipeSource, cols: int = 80, rows: int = 24) -> tuple[CastWriter, io.BytesIO]:
    buffer = io.BytesIO()
    return CastWriter(buffer, recording_header(session_source, cols=cols, rows=rows)), buffer


# ------------------------------------------------------------------ output, ByteLog, input


def test_output_on_screen_and_in_bytelog_with_chunk_boundaries() -> None:
    # The child waits for our input between its two writes, so they are two reads for certain.
    code = (
        "import sys\n"
        "sys.stdout.write('first 你好\\n'); sys.stdout.flush()\n"
        "line = sys.stdin.readline()\n"
        "sys.stdout.write('second:' + line.strip() + '\\n'); sys.stdout.flush()\n"
    )

    async def main() -> None:
        session = pty_session(py(code))
        watch = Watch(session)
        rates: list[float] = []
        session.subscribe(lambda e: rates.append(session.bytes_per_second) if isinstance(e, OutputReceived) else None)
        await session.start()
        await watch.until(lambda: "first 你好" in screen_text(session))
        session.write(b"go\r")
        status = await session.run()
        await session.close()

        assert status == 0 and session.exit_status == 0
        assert "second:go" in screen_text(session)
        log = session.bytelog
        data = log.slice(0)
        assert data.startswith("first 你好\r\n".encode())
        assert b"second:go\r\n" in data
        # Every OutputReceived is a chunk of the log, at its absolute offset, in order.
        outputs = watch.of(OutputReceived)
        assert [(e.offset, e.data) for e in outputs] == [(c.offset, c.data) for c in log]
        assert b"".join(e.data for e in outputs) == data
        # The boundary between the two writes is kept: "second" starts in a later chunk than "first".
        assert log.chunk_index_at(data.index(b"second")) > log.chunk_index_at(data.index(b"first"))
        assert all(rate > 0 for rate in rates)
        assert watch.of(Exited) == [Exited(0)]
        assert watch.events[-1] == Exited(0)

    run(main())


def test_da1_is_answered_at_once() -> None:
    # A program asks "what are you?" and waits for the answer, as ConPTY does; ``read -d c`` takes the
    # reply up to its final "c" (the tty is in canonical mode, so a plain ``read`` would wait for a newline).
    script = "printf '\\033[c'; read -r -s -d c -t 5 reply; echo \"got:${reply#?}c\""

    async def main() -> None:
        source = PtySource(SpawnSpec(["bash", "-c", script]))
        writer, buffer = recorded(source)
        session = Session(source, recorder=writer)
        status = await session.run()
        await session.close()
        assert status == 0
        assert "got:[?62;" in screen_text(session)
        recording = read_cast(io.BytesIO(buffer.getvalue()))
        replies = [e for e in recording.events if isinstance(e, InputEvent)]
        assert replies and replies[0].data.startswith(b"\x1b[?62;") and replies[0].data.endswith(b"c")

    run(main())


def test_replies_to_a_program_that_never_reads_are_capped_and_counted() -> None:
    """A child floods DA1 queries (3 MB of ESC[c) in raw mode and never reads its input: we hold at most the
    cap of answers for it and count the rest (uncapped, 9 MB of answers were queued; 90 MB for 30 MB)."""
    from app.session.session import REPLY_BACKLOG_CAP

    queries = 1_000_000
    code = (
        "import sys, time, tty\n"
        "tty.setraw(0)\n"
        f"sys.stdout.buffer.write(b'\\x1b[c' * {queries}); sys.stdout.flush()\n"
        "sys.stdout.buffer.write(b'all asked'); sys.stdout.flush()\n"
        "time.sleep(60)\n"
    )

    async def main() -> None:
        source = PtySource(SpawnSpec(py(code)))
        session = Session(source)
        watch = Watch(session)
        await session.start()
        await watch.until(lambda: b"all asked" in session.bytelog.tail(9))
        reply = len(b"\x1b[?62;22c")
        assert 0 < source.input_pending <= REPLY_BACKLOG_CAP + 64
        answered = queries - session.replies_overflowed
        assert session.replies_overflowed > queries // 2
        assert session.reply_bytes_overflowed >= session.replies_overflowed * reply
        assert answered * reply >= REPLY_BACKLOG_CAP  # what the kernel took, and the cap's worth, were answered
        await session.close()

    run(main())


def test_resize_reaches_the_child_and_is_recorded() -> None:
    code = (
        "import os, sys\n"
        "def size():\n"
        "    s = os.get_terminal_size(0); print(f'size:{s.columns}x{s.lines}', flush=True)\n"
        "size(); sys.stdin.readline(); size()\n"
    )

    async def main() -> None:
        source = PtySource(SpawnSpec(py(code)))
        writer, buffer = recorded(source)
        session = Session(source, cols=90, rows=20, recorder=writer)
        watch = Watch(session)
        await session.start()
        await watch.until(lambda: "size:" in screen_text(session))
        assert "size:90x20" in screen_text(session)  # the session's size, not the spec's 80x24
        session.resize(100, 30)
        session.write(b"\r")
        assert await session.run() == 0
        await session.close()
        assert "size:100x30" in screen_text(session)
        assert (session.terminal.cols, session.terminal.rows) == (100, 30)
        assert Resized(100, 30) in watch.events
        events = read_cast(io.BytesIO(buffer.getvalue())).events
        assert [(e.cols, e.rows) for e in events if isinstance(e, ResizeEvent)] == [(100, 30)]

    run(main())


@pytest.mark.parametrize(("script", "expected"), [("exit 7", 7), ("kill -TERM $$", -15), ("true", 0)])
def test_exit_status(script: str, expected: int) -> None:
    async def main() -> None:
        source = PtySource(SpawnSpec(["sh", "-c", script]))
        writer, buffer = recorded(source)
        session = Session(source, recorder=writer)
        assert await session.run() == expected
        assert session.exit_status == expected
        assert not session.running
        with pytest.raises(SourceClosedError, match="exited"):
            session.write(b"late\r")  # a clear error, not a crash
        await session.close()
        assert read_cast(io.BytesIO(buffer.getvalue())).exit_status == expected

    run(main())


def test_write_before_start_and_after_close_are_clear_errors() -> None:
    async def main() -> None:
        session = pty_session(["sh", "-c", "exit 0"])
        with pytest.raises(SessionStateError, match="not started"):
            session.write(b"x")
        await session.run()
        await session.close()
        await session.close()  # idempotent
        with pytest.raises(SourceClosedError, match="closed"):
            session.write(b"x")
        with pytest.raises(SessionStateError):
            await session.start()

    run(main())


def test_iutf8_set_when_the_plan_asks() -> None:
    async def main() -> None:
        plan = plan_session("command", ["sh", "-c", "read x; stty -a"], utf8=True)
        assert plan.set_iutf8
        source = PtySource(SpawnSpec(plan.argv, env=plan.env))
        session = Session(source, plan=plan)
        watch = Watch(session)
        await session.start()
        assert source.iutf8() is True
        session.write(b"\r")
        await session.run()
        await session.close()
        flags = screen_text(session).replace("\n", " ").split()
        assert "iutf8" in flags and "-iutf8" not in flags
        assert not watch.of(ErrorReported)

    run(main())


def test_a_failing_subscriber_does_not_stop_the_pump() -> None:
    def broken(event: SessionEvent) -> None:
        raise RuntimeError("a broken panel")

    async def main() -> None:
        session = pty_session(["sh", "-c", "echo one; echo two"])
        session.subscribe(broken)
        watch = Watch(session)
        assert await session.run() == 0
        await session.close()
        assert b"one\r\ntwo\r\n" in session.bytelog.slice(0)
        assert watch.of(Exited) == [Exited(0)]

    run(main())


def test_unsubscribe_stops_events() -> None:
    async def main() -> None:
        session = pty_session(["sh", "-c", "echo one"])
        seen: list[SessionEvent] = []
        unsubscribe = session.subscribe(seen.append)
        unsubscribe()
        unsubscribe()  # twice is fine
        await session.run()
        await session.close()
        assert seen == []

    run(main())


# ------------------------------------------------------------------ recording and replay


LIVE_SCRIPT = (
    "printf '\\033[c'; read -r -s -d c -t 5 reply; "
    "printf '\\033[1;32mPASS\\033[0m 中文测试 café\\n'; "
    "printf 'split: \\344\\275'; sleep 0.05; printf '\\240 done\\n'; "
    "printf 'bad: \\377\\376 end\\n'; "
    "for i in $(seq 1 30); do echo line $i; done; "
    "printf '\\033[3;5Hover\\033[K'; exit 2"
)


def test_recording_is_written_readable_and_replays_to_the_same_screen(tmp_path: Path) -> None:
    path = tmp_path / "live.cast"

    async def live() -> Session:
        source = PtySource(SpawnSpec(["bash", "-c", LIVE_SCRIPT], cols=60, rows=12))
        writer = CastWriter(path, recording_header(source, cols=60, rows=12, argv=["bash", "-c", "…"]))
        session = Session(source, cols=60, rows=12, recorder=writer)
        status = await session.run()
        session.mark("after the run")
        await session.close()
        assert writer.closed
        assert status == 2
        return session

    session = run(live())
    recording = read_cast(path)
    assert not recording.truncated
    assert recording.header.mojiscope is not None and recording.header.mojiscope["backend"] == "pty"
    # Bytes and chunk boundaries survive: the recording's outputs are the ByteLog's chunks.
    assert [e.data for e in recording.outputs] == [c.data for c in session.bytelog]
    assert recording.output_bytes() == session.bytelog.slice(0)
    assert b"\xff\xfe" in recording.output_bytes()
    assert recording.exit_status == 2
    assert [m.label for m in recording.events if isinstance(m, MarkerEvent)] == ["after the run"]
    times = [e.t for e in recording.events]
    assert times == sorted(times)
    live_screen = (session.terminal.history, session.terminal.display, session.terminal.cursor)

    async def replay() -> Session:
        source = ReplaySource(recording, speed=0)
        replayed = Session(source)
        watch = Watch(replayed)
        assert (replayed.terminal.cols, replayed.terminal.rows) == (60, 12)  # the recording's size
        assert await replayed.run() == 2
        await replayed.close()
        assert replayed.replies_dropped >= 1  # the DA1 in the recording was not answered to anyone
        with pytest.raises(SourceClosedError):
            replayed.write(b"x")
        assert watch.of(Exited) == [Exited(2)]
        return replayed

    replayed = run(replay())
    assert (replayed.terminal.history, replayed.terminal.display, replayed.terminal.cursor) == live_screen
    assert "PASS 中文测试 café" in screen_text(replayed)
    assert "split: 你 done" in screen_text(replayed)
    assert [c.data for c in replayed.bytelog] == [c.data for c in session.bytelog]


def test_replay_refuses_input_and_follows_a_backward_seek() -> None:
    buffer = io.BytesIO()
    writer = CastWriter(buffer, {"width": 20, "height": 4})
    writer.output(b"one\r\n", 0.1)
    writer.resize(30, 5, 0.15)
    writer.output(b"two\r\n", 0.2)
    writer.output(b"three\r\n", 0.3)
    writer.exit(0, 0.4)
    recording = read_cast(io.BytesIO(buffer.getvalue()))

    async def main() -> None:
        source = ReplaySource(recording, speed=0, hold_at_end=True)
        session = Session(source)
        watch = Watch(session)
        await session.start()
        with pytest.raises(ReplayInputError):
            session.write(b"x")
        await watch.until(lambda: session.bytelog.total_bytes == len(b"one\r\ntwo\r\nthree\r\n"))
        assert Resized(30, 5) in watch.events
        assert session.terminal.cols == 30
        source.pause()  # at speed 0 the replay would play on to the end at once after the seek
        source.seek(0.1)
        await watch.until(lambda: bool(watch.of(ReplayReset)) and session.bytelog.total_bytes == 5)
        assert watch.of(ReplayReset) == [ReplayReset((20, 4))]
        assert session.bytelog.slice(0) == b"one\r\n"
        assert session.terminal.cols == 20
        assert [row.rstrip() for row in session.terminal.display] == ["one", "", "", ""]
        await session.close()
        assert session.exit_status == 0

    run(main())


def test_pipe_source_streams_are_kept_apart() -> None:
    code = "import sys; sys.stdout.write('out\\n'); sys.stdout.flush(); sys.stderr.write('err\\n'); sys.stderr.flush()"

    async def main() -> None:
        source = PipeSource(SpawnSpec(py(code)))
        writer, buffer = recorded(source)
        session = Session(source, recorder=writer)
        assert await session.run() == 0
        await session.close()
        assert {c.stream for c in session.bytelog} == {"stdout", "stderr"}
        recording = read_cast(io.BytesIO(buffer.getvalue()))
        assert recording.header.default_stream == "stdout"
        assert {(e.stream, e.data) for e in recording.outputs} == {("stdout", b"out\n"), ("stderr", b"err\n")}

    run(main())


# ------------------------------------------------------------------ no orphans


def test_close_leaves_no_child_processes(tmp_path: Path) -> None:
    path = tmp_path / "closed.cast"

    async def main() -> list[psutil.Process]:
        source = PtySource(SpawnSpec(["sh", "-c", "sleep 60 & sleep 60 & echo ready; wait"]))
        session = Session(source, recorder=CastWriter(path, recording_header(source, cols=80, rows=24)))
        watch = Watch(session)
        await session.start()
        await watch.until(lambda: "ready" in screen_text(session))
        assert source.pid is not None
        leader = psutil.Process(source.pid)
        family = [leader, *leader.children(recursive=True)]
        assert len(family) >= 3
        await session.close()
        await session.close()
        assert session.exit_status is not None and session.exit_status < 0  # hung up
        assert watch.of(Exited) == [Exited(session.exit_status)]
        return family

    family = run(main())
    _, alive = psutil.wait_procs(family, timeout=10)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    recording = read_cast(path)
    assert recording.exit_status is not None and recording.exit_status < 0
    assert isinstance(recording.events[-1], ExitEvent)
