"""PollDriver: probes run off the UI thread, their results are taken by the UI thread, and the probe
thread never calls into Qt (real threads, a real event loop, offscreen)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from app.inspect.probe_poller import PollResult
from app.pty.probes import probe_code_pages
from app.widgets.codepage_panel import CodePagePanel
from app.widgets.poll_driver import PollDriver
from app.widgets.qt import QtCore

UI_THREAD = threading.get_ident()


class Received:
    """What ``on_result`` was called with, and on which thread."""

    def __init__(self) -> None:
        self.values: list[object] = []
        self.threads: list[int] = []

    def __call__(self, result: PollResult[Any]) -> None:
        self.threads.append(threading.get_ident())
        self.values.append(result.value)


@pytest.fixture
def owner(qtbot: QtBot) -> Iterator[QtCore.QObject]:
    parent = QtCore.QObject()
    yield parent
    if shiboken6.isValid(parent):
        shiboken6.delete(parent)


def gated(gate: threading.Event, entered: threading.Event) -> Callable[[], Callable[[], int]]:
    """A task factory whose probes wait for ``gate`` and return the probe thread's id."""

    def make() -> Callable[[], int]:
        def task() -> int:
            entered.set()
            gate.wait(15)
            return threading.get_ident()

        return task

    return make


def qt_calls_on_probe_threads() -> tuple[list[str], Callable[[FrameType, str, Any], None]]:
    """A profile hook that records every C call into PySide6/shiboken6 made on a probe thread."""
    seen: list[str] = []

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event != "c_call" or threading.current_thread().name != "mojiscope-probe":
            return
        # Only strings are compared: a profile hook that raises would break the probe it watches (some C
        # functions, psutil's among them, have a module object as ``__module__``).
        owner = getattr(arg, "__self__", None)
        modules = [getattr(arg, "__module__", None), type(owner).__module__ if owner is not None else None]
        names = [m for m in modules if isinstance(m, str) and m.startswith(("PySide6", "shiboken6"))]
        if names:
            seen.append(f"{names[0]}.{getattr(arg, '__qualname__', '?')}")

    return seen, hook


def test_the_probe_thread_never_calls_into_qt(qtbot: QtBot) -> None:
    """Emitting a signal from a plain Python thread is what the panels' rare segfault was traced to."""
    seen, hook = qt_calls_on_probe_threads()
    threading.setprofile(hook)
    try:
        panel = CodePagePanel(lambda: os.getpid(), interval_ms=20)
        qtbot.addWidget(panel)
        reports: list[object] = []
        panel.report_changed.connect(reports.append)
        panel.show()
        qtbot.waitUntil(lambda: panel.driver.poller.started_count >= 3, timeout=15000)
        panel.hide()
        assert panel.driver.poller.wait_idle(15)
        qtbot.waitUntil(lambda: not panel.driver.collecting)
    finally:
        threading.setprofile(None)
    assert reports and panel.report is not None and panel.report.pid == os.getpid()
    assert seen == []


def test_the_hook_sees_a_signal_emitted_from_a_probe_thread(qtbot: QtBot) -> None:
    """The check above can fail: a probe thread that emits a Qt signal is seen."""
    seen, hook = qt_calls_on_probe_threads()

    class Carrier(QtCore.QObject):
        ping = QtCore.Signal(object)

    carrier = Carrier()
    threading.setprofile(hook)
    try:
        thread = threading.Thread(target=lambda: carrier.ping.emit(1), name="mojiscope-probe")
        thread.start()
        thread.join(15)
    finally:
        threading.setprofile(None)
    assert any(".emit" in call for call in seen), seen


def test_results_reach_on_result_on_the_ui_thread_then_collecting_stops(qtbot: QtBot, owner: QtCore.QObject) -> None:
    received = Received()
    gate, entered = threading.Event(), threading.Event()
    driver = PollDriver(owner, 60_000, gated(gate, entered), received)
    driver.refresh()
    assert driver.collecting  # the UI thread looks for the result while the probe is out
    assert entered.wait(15)
    qtbot.wait(60)
    assert received.values == []  # not before the probe ends
    gate.set()
    qtbot.waitUntil(lambda: len(received.values) == 1)
    assert received.threads == [UI_THREAD]
    probe_thread = received.values[0]
    assert isinstance(probe_thread, int) and probe_thread != UI_THREAD
    qtbot.waitUntil(lambda: not driver.collecting)  # idle: no timer left running


def test_a_refresh_while_a_probe_runs_is_kept_and_both_results_arrive(qtbot: QtBot, owner: QtCore.QObject) -> None:
    received = Received()
    gate, entered = threading.Event(), threading.Event()
    driver = PollDriver(owner, 60_000, gated(gate, entered), received)
    driver.refresh()
    assert entered.wait(15)
    driver.refresh()  # forced: runs as soon as the first ends
    gate.set()
    qtbot.waitUntil(lambda: len(received.values) == 2)
    assert driver.poller.started_count == 2
    assert received.threads == [UI_THREAD, UI_THREAD]
    qtbot.waitUntil(lambda: not driver.collecting)


def test_a_driver_destroyed_mid_probe_hands_on_nothing(qtbot: QtBot, owner: QtCore.QObject) -> None:
    received = Received()
    gate, entered = threading.Event(), threading.Event()
    driver = PollDriver(owner, 60_000, gated(gate, entered), received)
    poller = driver.poller
    driver.refresh()
    assert entered.wait(15)
    shiboken6.delete(owner)  # the panel (and its driver) go while the probe is out
    assert poller.closed
    gate.set()
    assert poller.wait_idle(15)
    qtbot.wait(60)
    assert received.values == []


def test_a_real_probe_of_this_process_through_the_panel(qtbot: QtBot) -> None:
    """The whole path with the real probe: the panel shows this process's facts."""
    panel = CodePagePanel(lambda: os.getpid(), probe=lambda pid, fd: probe_code_pages(pid, tty_fd=fd))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=15000)
    assert panel.report is not None and panel.report.pid == os.getpid()
