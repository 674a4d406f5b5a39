"""The replay bar driven for real: a Session pumping a ReplaySource on the qasync loop, the bar in front.

How the asyncio side runs: a :class:`qasync.QEventLoop` made with ``already_running=True``, so every
asyncio callback is a Qt event; whatever processes Qt events (``qtbot.waitUntil``, ``qtbot.wait``)
also steps the session's pump task, exactly as in the app, where the pump runs on the Qt loop.
Time is a :class:`ManualClock` injected into the source wherever timing matters (nothing here
waits on or measures the wall clock; ``waitUntil`` timeouts only bound a hang).

Recordings: the ``go-test-utf8`` sample, a real ``MOJI_FAIL=1 go test -v`` of the demo module and a
real Python child, both recorded here on a pty through a Session and a CastWriter.
"""

from __future__ import annotations

import asyncio
import io
import math
import os
import re
import shutil
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync

from app.pty import PtySource, SpawnSpec
from app.pty.replay import ReplaySource
from app.record.cast import CastHeader, CastWriter, MarkerEvent, OutputEvent, Recording, ResizeEvent, read_cast
from app.session import OutputReceived, ReplayReset, Session, SessionEvent, recording_header
from app.vt import Terminal
from app.widgets.qt import Qt, QtCore, QtWidgets
from app.widgets.replay_bar import (
    POLL_MS,
    SPEEDS,
    Failure,
    ReplayBar,
    chunk_times,
    find_failures,
    format_position,
    is_failure_label,
)
from app.widgets.terminal_view import TerminalView

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="records real children on a POSIX pty")

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "go-test-utf8.cast"
DEMO = ROOT / "resources" / "demo" / "gotest"
WAIT_MS = 20_000  # only bounds a hang


# --------------------------------------------------------------------------- time and loop


class ManualClock:
    """A clock that moves only when the test says so; the replay's sleeps end when it passes their end."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, delay: float) -> asyncio.Future[None]:
        """A future, not a coroutine: the end time is fixed when the replay asks, not when a task first runs."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        target = self.now + delay
        if target <= self.now + 1e-9:
            future.set_result(None)
        else:
            self._sleepers.append((target, future))
        return future

    def advance(self, seconds: float) -> None:
        self.now += seconds
        waiting: list[tuple[float, asyncio.Future[None]]] = []
        for target, future in self._sleepers:
            if future.done():
                continue
            if target <= self.now + 1e-9:
                future.set_result(None)
            else:
                waiting.append((target, future))
        self._sleepers = waiting


class QtLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's loop on the Qt loop that is already running (``already_running=True``), as the app uses it.

    Only the teardown differs: qasync's ``stop()`` calls ``QApplication.exit()``, which with no
    ``exec()`` running sets Qt's quit-now flag, and from then on every ``QEventLoop.exec()`` (pytest-qt's
    waits) returns at once: the next test would hang.  ``detach()`` just stops being the running loop.
    """

    def __init__(self, app: QtWidgets.QApplication) -> None:
        self._detached = False
        super().__init__(app, already_running=True)
        self._app = app

    def is_running(self) -> bool:
        return not self._detached and bool(super().is_running())

    def detach(self) -> None:
        self._detached = True
        asyncio._set_running_loop(None)
        self._app.aboutToQuit.disconnect(self._after_run_forever)


@pytest.fixture
def loop(qapp: QtWidgets.QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """asyncio on the Qt event loop; every task is finished before the loop closes."""
    ev = QtLoop(qapp)
    try:
        yield ev
    finally:
        pending = [task for task in asyncio.all_tasks(ev) if not task.done()]
        for task in pending:
            task.cancel()
        deadline = QtCore.QDeadlineTimer(WAIT_MS)
        while any(not task.done() for task in pending) and not deadline.hasExpired():
            qapp.processEvents()
        ev.detach()
        ev.close()
        assert all(task.done() for task in pending)


def run(qtbot: Any, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` as a task on the Qt loop and return its result (the Qt loop keeps running meanwhile)."""
    task = loop.create_task(coro)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


async def _turns(n: int = 20) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


# --------------------------------------------------------------------------- recordings


def record_pty(
    path: Path,
    argv: list[str],
    *,
    cols: int,
    rows: int,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    mark_failures: bool = False,
) -> Recording:
    """Run ``argv`` on a real pty through a Session with a CastWriter, as the app records.

    ``mark_failures``: write a ``FAIL …`` marker when a ``--- FAIL:`` line arrives, as the Tests panel does.
    """

    async def main() -> None:
        source = PtySource(SpawnSpec(argv, env=env, cwd=str(cwd) if cwd else None, cols=cols, rows=rows))
        writer = CastWriter(path, recording_header(source, cols=cols, rows=rows, argv=argv, env=env))
        session = Session(source, cols=cols, rows=rows, recorder=writer)
        seen = bytearray()
        marked = 0

        def on_event(event: SessionEvent) -> None:
            nonlocal marked
            if not (mark_failures and isinstance(event, OutputReceived)):
                return
            seen.extend(event.data)
            fails = [line for line in bytes(seen).split(b"\n")[:-1] if b"--- FAIL:" in line]  # whole lines
            for line in fails[marked:]:
                session.mark("FAIL " + line.split(b"--- FAIL:")[1].split()[0].decode())
            marked = len(fails)

        session.subscribe(on_event)
        await asyncio.wait_for(session.run(), 300)
        await session.close()

    asyncio.run(main())
    return read_cast(path)


@pytest.fixture(scope="module")
def failing_go(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """A real ``MOJI_FAIL=1 go test -v`` of the demo module, with a failure marker (module-wide: Go is slow)."""
    go = shutil.which("go")
    assert go is not None, "Go must be installed (CI: apt-get install golang-go)"
    tmp = tmp_path_factory.mktemp("gotest")
    env = {
        **os.environ,
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOCACHE": str(tmp / "gocache"),
        "GOPATH": str(tmp / "gopath"),
        "MOJI_FAIL": "1",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    env.pop("LC_ALL", None)
    rec = record_pty(
        tmp / "fail.cast",
        [go, "test", "-v", "-count=1", "./..."],
        cols=100,
        rows=30,
        env=env,
        cwd=DEMO,
        mark_failures=True,
    )
    assert rec.exit_status == 1
    return rec


PY_CHILD = r"""
import sys, time
w = sys.stdout.buffer
def put(b):
    w.write(b); w.flush(); time.sleep(0.03)
put(b"\x1b[2J\x1b[Hstart \xe4\xbd\xa0\xe5\xa5\xbd\r\n")
for i in range(14):
    put(b"line %d \x1b[3%dmcolour\x1b[0m\r\n" % (i, i % 8))
put(b"progress 10%\r")
put(b"progress 60%\r")
put(b"\x1b[Kprogress done \xe4\xbd")
put(b"\xa0 \xff end\r\n")
put(b"\x1b[1;1H\x1b[7mTOP\x1b[0m")
"""


@pytest.fixture(scope="module")
def python_child(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """A real Python child writing colours, CJK, a split character, CR progress and scrolling, in many reads."""
    path = tmp_path_factory.mktemp("py") / "py.cast"
    rec = record_pty(path, [sys.executable, "-c", PY_CHILD], cols=40, rows=8)
    assert len(rec.outputs) >= 8  # the child sleeps between writes, so they come as separate reads
    return rec


def synthetic(times: list[float], duration: float, markers: Sequence[tuple[float, str]] = ()) -> Recording:
    """Outputs ``"<t>\\r\\n"`` at the given times, for the timing tests (exact times, no child needed)."""
    buffer = io.BytesIO()
    writer = CastWriter(buffer, CastHeader(30, 5, timestamp=1, env={}))
    pending = sorted(markers)
    for t in times:
        while pending and pending[0][0] <= t:
            writer.marker(pending[0][1], pending[0][0])
            pending.pop(0)
        writer.output(f"{t:g}\r\n".encode(), t)
    for t, label in pending:
        writer.marker(label, t)
    writer.exit(0, duration)
    return read_cast(io.BytesIO(buffer.getvalue()))


# --------------------------------------------------------------------------- screens


Screen = tuple[list[str], list[str], tuple[int, int]]


def screen(terminal: Terminal) -> Screen:
    return terminal.history, terminal.display, terminal.cursor


def fed(recording: Recording, chunks: int | None = None) -> Screen:
    """The screen of feeding the first ``chunks`` output chunks (all: the live screen) to a fresh Terminal."""
    term = Terminal(recording.header.width, recording.header.height)
    outputs = 0
    for event in recording.events:
        if isinstance(event, ResizeEvent):
            term.resize(event.cols, event.rows)
        elif isinstance(event, OutputEvent):
            if chunks is not None and outputs >= chunks:
                break
            term.feed(event.data)
            outputs += 1
    return screen(term)


class Player:
    """A replay Session on the qasync loop with a ReplayBar on its source; paused before the first chunk."""

    def __init__(
        self,
        qtbot: Any,
        loop: asyncio.AbstractEventLoop,
        recording: Recording,
        *,
        speed: float = math.inf,
        clock: ManualClock | None = None,
        paused: bool = True,
    ) -> None:
        self.qtbot, self.loop, self.recording = qtbot, loop, recording
        kwargs: dict[str, Any] = {} if clock is None else {"clock": clock.clock, "sleep": clock.sleep}
        self.source = ReplaySource(recording, speed, hold_at_end=True, **kwargs)
        if paused:
            self.source.pause()
        self.session = Session(self.source)
        self.events: list[SessionEvent] = []
        self.session.subscribe(self.events.append)
        self.bar = ReplayBar()
        qtbot.addWidget(self.bar)
        self.bar.set_source(self.source)
        self.bar.resize(900, self.bar.sizeHint().height())
        self.bar.show()
        qtbot.waitExposed(self.bar)
        run(qtbot, loop, self.session.start())
        self.times = chunk_times(recording)
        self.data = [e.data for e in recording.outputs]

    def close(self) -> None:
        run(self.qtbot, self.loop, self.session.close())

    def shown(self) -> int:
        return self.source.next_index

    def wait_shown(self, n: int) -> None:
        """Wait until the source delivered ``n`` chunks and the session took exactly those in."""
        want = b"".join(self.data[:n])
        self.qtbot.waitUntil(
            lambda: self.shown() == n and self.session.bytelog.total_bytes == len(want), timeout=WAIT_MS
        )
        assert self.session.bytelog.slice(0) == want

    def count_at(self, t: float) -> int:
        """Chunks a seek to ``t`` shows: every chunk up to ``t``, ties included."""
        return bisect_right(self.times, t)

    def settle(self) -> None:
        """Let every runnable task run (the pump included) without moving the clock."""
        run(self.qtbot, self.loop, _turns())

    def labels(self) -> tuple[str, str]:
        return self.bar.position_label.text(), self.bar.chunk_label.text()

    def drag_to(self, t: float) -> None:
        """Drag the timeline's handle to ``t`` and let go (the bar seeks on release)."""
        slider = self.bar.timeline
        slider.setSliderDown(True)
        slider.setSliderPosition(round(t * 1000))
        slider.setSliderDown(False)


# --------------------------------------------------------------------------- tests: headless helpers


def test_failure_labels() -> None:
    assert is_failure_label("FAIL Test失败")
    assert is_failure_label("    --- FAIL: TestX (0.00s)")
    assert not is_failure_label("PASS TestX")
    assert not is_failure_label("a FAILURE somewhere")


def test_failures_scanned_from_output_when_no_failure_marker() -> None:
    buffer = io.BytesIO()
    writer = CastWriter(buffer, CastHeader(40, 5, timestamp=1, env={}))
    writer.output(b"=== RUN   TestA\r\n--- FA", 1.0)
    writer.output(b"IL: TestA (0.0", 2.0)  # the marker text itself split across reads
    writer.output(b"0s)\r\n=== RUN   TestB\r\n", 3.0)
    writer.marker("bookmark", 3.5)  # not a failure: the scan is still used
    writer.output(b"    \x1b[31m--- FAIL: TestB/\xe5\xad\x90 (0.00s)\x1b[0m\r\nFAIL\r\n", 4.0)
    writer.exit(1, 5.0)
    rec = read_cast(io.BytesIO(buffer.getvalue()))
    assert find_failures(rec) == [
        Failure(3.0, "--- FAIL: TestA (0.00s)", 2),
        Failure(4.0, "--- FAIL: TestB/子 (0.00s)", 3),
    ]


def test_failure_markers_win_over_the_scan() -> None:
    rec = synthetic([1.0, 2.0, 3.0], 4.0, [(2.5, "FAIL TestZ"), (0.5, "start"), (1.5, "x --- FAIL: TestY")])
    assert find_failures(rec) == [Failure(1.5, "x --- FAIL: TestY"), Failure(2.5, "FAIL TestZ")]


def test_position_format() -> None:
    assert format_position(12.34, 45.6) == "12.3 s / 45.6 s"


# --------------------------------------------------------------------------- tests: stepping


@pytest.fixture(params=["sample", "failing_go", "python_child"])
def any_recording(request: pytest.FixtureRequest) -> Recording:
    """Each recording in turn (asked for before ``loop``: recording runs its own asyncio loop)."""
    return read_cast(SAMPLE) if request.param == "sample" else request.getfixturevalue(request.param)


def test_stepping_chunk_by_chunk_to_the_end_gives_the_live_screen(
    any_recording: Recording, qtbot: Any, loop: asyncio.AbstractEventLoop
) -> None:
    recording = any_recording
    live = fed(recording)
    # At 1x on a clock that never moves, only the steps move the replay.
    player = Player(qtbot, loop, recording, speed=1.0, clock=ManualClock())
    count = len(player.data)
    duration = player.source.duration
    player.settle()
    assert player.shown() == 0 and player.session.bytelog.total_bytes == 0  # paused before the first chunk
    assert player.labels() == (format_position(0.0, duration), f"0 / {count}")
    assert not player.bar.back_button.isEnabled()
    for n in range(1, count + 1):
        # Alternate the three ways to step: the button, the Right key on the bar, the method.
        if n % 3 == 0:
            qtbot.mouseClick(player.bar.step_button, Qt.MouseButton.LeftButton)
        elif n % 3 == 1:
            qtbot.keyClick(player.bar, Qt.Key.Key_Right)
        else:
            player.bar.step_forward()
        player.wait_shown(n)
        qtbot.waitUntil(lambda n=n: player.labels()[1] == f"{n} / {count}", timeout=WAIT_MS)  # the poll timer
        assert player.labels()[0] == format_position(player.times[n - 1], duration)
        assert player.source.paused
    assert screen(player.session.terminal) == live
    assert not player.bar.step_button.isEnabled()
    player.bar.step_forward()  # at the end: nothing more to show, nothing breaks
    player.settle()
    assert screen(player.session.terminal) == live
    player.close()


def test_seeking_back_then_forward_gives_the_same_screens(
    qtbot: Any, loop: asyncio.AbstractEventLoop, python_child: Recording
) -> None:
    recording = python_child
    live = fed(recording)
    player = Player(qtbot, loop, recording, paused=False)  # instant: plays to the end at once
    count = len(player.data)
    player.wait_shown(count)
    qtbot.waitUntil(lambda: player.source.at_end, timeout=WAIT_MS)
    assert screen(player.session.terminal) == live

    # Back to the middle with the timeline: the screen is that of the first chunks only.
    player.bar.pause()
    middle = count // 2
    assert player.times[middle - 1] + 0.002 < player.times[middle]  # the child slept between writes
    player.drag_to((player.times[middle - 1] + player.times[middle]) / 2)  # the timeline counts milliseconds
    player.wait_shown(middle)
    assert any(isinstance(e, ReplayReset) for e in player.events)
    assert screen(player.session.terminal) == fed(recording, middle)
    assert player.source.paused  # a timeline seek keeps the play state

    # One step back, one step forward.
    player.bar.step_back()
    back = bisect_left(player.times, player.times[middle - 1])  # every chunk strictly before the last one shown
    player.wait_shown(back)
    assert screen(player.session.terminal) == fed(recording, back)
    qtbot.keyClick(player.bar.timeline, Qt.Key.Key_Right)  # the bar's key, even on the slider
    player.wait_shown(middle)
    assert screen(player.session.terminal) == fed(recording, middle)

    # Forward to the end again: the live screen again.
    player.drag_to(player.source.duration)
    player.wait_shown(count)
    assert screen(player.session.terminal) == live
    # And back to the start: nothing shown.
    player.bar.seek(0.0)
    player.wait_shown(0)
    assert screen(player.session.terminal) == fed(recording, 0)
    player.close()


# --------------------------------------------------------------------------- tests: time


def test_pause_holds_speed_changes_and_labels_follow(qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
    clock = ManualClock()
    recording = synthetic([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], 10.0)
    player = Player(qtbot, loop, recording, speed=1.0, clock=clock, paused=False)
    bar = player.bar
    assert bar.speed_box.currentText() == "1×"
    assert bar.play_button.text() == "Pause"

    clock.advance(1.0)
    player.wait_shown(1)
    qtbot.waitUntil(lambda: player.labels() == ("1.0 s / 10.0 s", "1 / 8"), timeout=WAIT_MS)

    # Space pauses: time passing changes nothing.
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    assert player.source.paused and bar.play_button.text() == "Play"
    clock.advance(5.0)
    player.settle()
    qtbot.wait(3 * POLL_MS)  # let the poll timer run a few times (no assertion on how long it took)
    assert player.shown() == 1 and player.source.position == 1.0
    assert player.labels() == ("1.0 s / 10.0 s", "1 / 8")

    # Space again resumes where it was, not 5 s later.
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    assert not player.source.paused
    player.settle()
    assert player.shown() == 1
    clock.advance(1.0)
    player.wait_shown(2)

    # 4x from the menu: half a second of clock is two seconds of recording.
    index = bar.speed_box.findText("4×")
    bar.speed_box.setCurrentIndex(index)
    bar.speed_box.activated.emit(index)  # what a user's choice emits
    assert player.source.speed == 4.0
    clock.advance(0.5)
    player.wait_shown(4)
    qtbot.waitUntil(lambda: player.labels() == ("4.0 s / 10.0 s", "4 / 8"), timeout=WAIT_MS)

    # 0.25x: two seconds of clock are half a second of recording, not yet the next chunk.
    bar.set_speed(0.25)
    assert bar.speed_box.currentText() == "0.25×"
    clock.advance(2.0)
    player.settle()
    assert player.shown() == 4
    qtbot.waitUntil(lambda: player.labels()[0] == "4.5 s / 10.0 s", timeout=WAIT_MS)
    clock.advance(2.0)
    player.wait_shown(5)

    # Instant: everything at once, then the end (the button offers to play again).
    bar.set_speed(math.inf)
    assert bar.speed_box.currentText() == SPEEDS[-1][0] == "instant"
    player.wait_shown(8)
    qtbot.waitUntil(lambda: player.source.at_end, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: player.labels() == ("10.0 s / 10.0 s", "8 / 8"), timeout=WAIT_MS)
    assert bar.play_button.text() == "Play"
    assert screen(player.session.terminal) == fed(recording)

    # Play at the end starts over (paused first so the restart can be watched chunk by chunk).
    bar.set_speed(1.0)
    bar.play()
    player.wait_shown(0)
    assert not player.source.paused and player.source.position == 0.0
    clock.advance(1.0)
    player.wait_shown(1)
    player.close()


# --------------------------------------------------------------------------- tests: markers and failures


FAIL_LINE = "--- FAIL: Test失败 ("


def _fail_chunk(recording: Recording) -> int:
    """Index of the output chunk where the ``--- FAIL:`` line ends."""
    total = b""
    for i, data in enumerate(e.data for e in recording.outputs):
        total += data
        at = total.find(b"--- FAIL:")
        if at >= 0 and total.find(b"\n", at) >= 0:
            return i
    raise AssertionError("no --- FAIL: line")


def _on_screen(terminal: Terminal, text: str) -> bool:
    return any(text in row for row in [*terminal.history, *terminal.display])


def test_next_failure_jumps_to_the_failure_marker_of_a_real_go_test(
    qtbot: Any, loop: asyncio.AbstractEventLoop, failing_go: Recording
) -> None:
    markers = [m for m in failing_go.events if isinstance(m, MarkerEvent)]
    assert [m.label for m in markers] == ["FAIL Test失败"]
    chunk = _fail_chunk(failing_go)
    player = Player(qtbot, loop, failing_go, paused=False)  # instant: at the end before the jump
    count = len(player.data)
    player.wait_shown(count)
    player.bar.pause()
    assert player.bar.failures == [Failure(markers[0].t, "FAIL Test失败")]

    jumps: list[tuple[float, str]] = []
    player.bar.jumped.connect(lambda t, label: jumps.append((t, label)))
    assert not player.bar.next_failure()  # nothing after the end
    assert player.bar.status_label.text() == "no later failure"

    player.bar.seek(0.0)
    player.wait_shown(0)
    qtbot.mouseClick(player.bar.next_failure_button, Qt.MouseButton.LeftButton)
    assert jumps == [(markers[0].t, "FAIL Test失败")]
    shown = player.count_at(markers[0].t)
    player.wait_shown(shown)
    assert shown > chunk  # the marker was written once the chunk with the line was in
    assert player.source.paused  # a jump stays on what it found
    assert _on_screen(player.session.terminal, FAIL_LINE)
    assert not _on_screen(player.session.terminal, "--- PASS: TestSplit")  # later output not shown yet
    assert screen(player.session.terminal) == fed(failing_go, shown)
    assert player.bar.status_label.text() == "FAIL Test失败"
    qtbot.waitUntil(lambda: player.labels()[1] == f"{shown} / {count}", timeout=WAIT_MS)

    # Markers: previous from here finds none before it; next from the start finds it again.
    assert not player.bar.previous_marker()
    player.bar.seek(0.0)
    player.wait_shown(0)
    assert player.bar.next_marker()
    player.wait_shown(shown)
    player.bar.step_forward()
    player.wait_shown(shown + 1)
    assert player.bar.previous_marker()
    player.wait_shown(shown)
    player.close()


def test_next_failure_finds_the_line_when_the_recording_has_no_markers(
    qtbot: Any, loop: asyncio.AbstractEventLoop, failing_go: Recording, tmp_path: Path
) -> None:
    unmarked = Recording(failing_go.header, [e for e in failing_go.events if not isinstance(e, MarkerEvent)])
    chunk = _fail_chunk(unmarked)
    player = Player(qtbot, loop, unmarked)
    # The duration is whatever this run took: 0.00s, or more on a loaded machine.
    assert [re.sub(r"\(\d+\.\d+s\)", "(T)", f.label) for f in player.bar.failures] == ["--- FAIL: Test失败 (T)"]
    assert player.bar.failures[0].chunk == chunk
    assert not player.bar.next_marker_button.isEnabled()  # no markers at all
    assert player.bar.next_failure()
    player.wait_shown(player.count_at(player.times[chunk]))
    assert player.shown() > chunk
    assert _on_screen(player.session.terminal, FAIL_LINE)
    assert screen(player.session.terminal) == fed(unmarked, player.shown())
    assert not player.bar.next_failure()  # only one failing test
    player.close()


def test_a_recording_without_failures(qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
    player = Player(qtbot, loop, read_cast(SAMPLE))
    assert player.bar.failures == []
    assert not player.bar.next_failure_button.isEnabled()
    assert not player.bar.next_failure()
    assert player.bar.status_label.text() == "no failures in this recording"
    player.close()


# --------------------------------------------------------------------------- tests: keys and wiring


def test_terminal_view_keys_drive_the_replay_not_the_program(qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
    clock = ManualClock()
    recording = synthetic([1.0, 2.0, 3.0], 4.0)
    player = Player(qtbot, loop, recording, speed=1.0, clock=clock)
    view = TerminalView(player.session.terminal)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    sent: list[bytes] = []
    view.send.connect(sent.append)
    player.bar.watch_keys(view)

    qtbot.keyClick(view, Qt.Key.Key_Right)
    player.wait_shown(1)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not player.source.paused
    clock.advance(1.0)
    player.wait_shown(2)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert player.source.paused
    qtbot.keyClick(view, Qt.Key.Key_Left)
    player.wait_shown(1)
    qtbot.keyClick(view, Qt.Key.Key_A)  # other keys still go to the view
    assert sent == [b"a"]

    player.bar.unwatch_keys(view)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert sent == [b"a", b"\x1b[C"]
    player.close()


def test_detached_bar_is_disabled_and_ignores_keys(qtbot: Any) -> None:
    bar = ReplayBar()
    qtbot.addWidget(bar)
    assert not bar.play_button.isEnabled() and not bar.timeline.isEnabled()
    assert bar.position_label.text() == "0.0 s / 0.0 s" and bar.chunk_label.text() == "0 / 0"
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    bar.play()
    bar.step_back()
    assert not bar.next_failure() and not bar.previous_marker()


def test_a_recording_of_years_scales_the_timeline_and_paints(qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Times up to the reader's limit (ten years) fit the slider (ints up to 2**31 - 1): the ticks get coarser,
    marker ticks are painted, and seeking to the last marker works (a time of 1e300 once raised OverflowError
    in every paint of the bar; such a time is now refused by the reader)."""
    years = 9 * 366 * 24 * 3600.0
    recording = synthetic([1.0, years - 10], years, [(years / 2, "half"), (years - 10, "FAIL late")])
    player = Player(qtbot, loop, recording)
    try:
        bar = player.bar
        assert bar.timeline.maximum() <= 2**31 - 1
        assert bar.timeline.maximum() == 2**31 - 1  # the whole range used
        bar.timeline.repaint()
        assert bar.next_failure()
        player.settle()
        assert player.shown() == 2
        bar.refresh()
        assert abs(bar.timeline.value() - bar.timeline.maximum()) <= 1
        assert bar.status_label.text() == "FAIL late"
        assert bar.position_label.text().endswith(f" s / {years:.1f} s")
    finally:
        player.close()
