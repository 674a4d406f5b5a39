"""Poll while visible: a timer on the UI thread that runs a probe off it and takes the result back.

Shared by the Code page and Environment panels.  A probe (psutil, /proc, kernel32) may block for a
while, so it runs on :class:`~app.inspect.probe_poller.ProbePoller`'s thread; what comes back is
taken by the UI thread itself.

Why no signal from the probe thread: emitting a Qt signal from a plain Python thread (a queued connection
into the UI thread) crosses Qt's threads from Python, and PySide6 6.8+ has crash reports for exactly that
(PYSIDE-3124).  So the probe thread touches no Qt object at all: it appends its result to a deque (atomic in
CPython), and a short timer on the UI thread, running only while a probe is out or a result waits, hands it
on.  The cost is at most :data:`COLLECT_MS` of latency on a result that took a probe.  (The rare segfault the
panels' tests met had a second cause, found with this change: CPython's cyclic collection running on the
probe thread and destroying Qt objects there; :mod:`app.widgets.idle_gc` keeps collections on the UI thread.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from app.inspect.probe_poller import PollResult, ProbePoller
from app.widgets.qt import QtCore

__all__ = ["COLLECT_MS", "PollDriver"]

#: How often the UI thread looks for a finished probe's result while one is out (milliseconds).
COLLECT_MS = 15


class PollDriver(QtCore.QObject):
    """Poll while visible: a timer that runs a probe off the UI thread and hands results back.

    The owner calls :meth:`start` from ``showEvent`` and :meth:`stop` from ``hideEvent`` — a hidden
    panel (a background tab, a collapsed dock) costs nothing.  ``make_task`` runs on the UI thread
    at each tick (it may ask the session for its foreground pid) and returns the callable that runs
    on the probe thread; ``on_result`` is called on the UI thread with each :class:`PollResult`.
    """

    def __init__(
        self,
        parent: QtCore.QObject,
        interval_ms: int,
        make_task: Callable[[], Callable[[], Any]],
        on_result: Callable[[PollResult[Any]], None],
    ) -> None:
        super().__init__(parent)
        self._make_task = make_task
        self._on_result = on_result
        # Filled by the probe thread, emptied by the UI thread; the only thing the two share.
        self._results: deque[PollResult[Any]] = deque()
        poller: ProbePoller[Any] = ProbePoller(self._results.append)
        self.poller = poller
        # As the driver dies no result is taken any more, and a forced probe waiting to run is dropped.
        self.destroyed.connect(lambda: poller.close())  # captures no self
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(max(1, interval_ms))
        self._timer.timeout.connect(self._tick)
        self._collector = QtCore.QTimer(self)
        self._collector.setInterval(COLLECT_MS)
        self._collector.timeout.connect(self._collect)

    @property
    def active(self) -> bool:
        """Whether the timer runs (the panel is visible)."""
        return self._timer.isActive()

    @property
    def collecting(self) -> bool:
        """Whether the UI thread is waiting for a probe's result (the collect timer runs)."""
        return self._collector.isActive()

    def interval(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        """Start polling, with a probe at once (a panel just shown must not show stale facts for a second)."""
        if not self._timer.isActive():
            self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        """Probe now, or right after the probe that is running (never dropped)."""
        self.poller.poke(self._make_task(), force=True)
        self._await_result()

    def close(self) -> None:
        self._timer.stop()
        self._collector.stop()
        self.poller.close()

    def _tick(self) -> None:
        if not self.poller.busy:  # a slow probe: skip the tick rather than queue
            self.poller.poke(self._make_task())
            self._await_result()

    def _await_result(self) -> None:
        if not self.poller.closed and not self._collector.isActive():
            self._collector.start()

    def _collect(self) -> None:
        # Read "busy" first: once it is false, every result was appended before, and the loop takes it.
        busy = self.poller.busy
        while self._results and not self.poller.closed:
            self._on_result(self._results.popleft())
        if not busy or self.poller.closed:
            self._collector.stop()
