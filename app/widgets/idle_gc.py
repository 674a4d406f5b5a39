"""Full garbage collections at quiet moments, not in the middle of a flood.

Why: CPython's full (generation 2) collection walks every tracked object, and a session's heap grows with its
output (history rows, the Tests panel's tree, markers): under a flood of ``go test -v`` output such a walk took
70-130 ms at a time, every few seconds — stalls a user feels, and above the 100 ms the window is held to
(``bench --gui``).  The full ones move here: run when the window has had no output for :data:`QUIET_S`, and
only when CPython would have run one by now.  Objects alive at start-up (modules, Qt's bindings) are frozen out
of the walk for good.

The young collections stay automatic but smaller and more frequent (:data:`YOUNG_THRESHOLDS`): CPython starts
one when 700 more objects were made than freed, but a flood makes and frees history rows in step, so by the time
700 net objects accumulated the youngest generation held the many thousand rows made since the last one, and a
young collection took 10-20 ms (a middle one, which walks ten of those, more).  Collecting at a seventh of that
walks the same objects in all (each once per generation) in pieces of ~1 ms.

The process-wide GC settings are restored by :meth:`IdleCollector.close`, so tests that build many windows
in one process are not affected by one that used it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from app.widgets.qt import QtCore

__all__ = ["IdleCollector"]

#: Seconds without output before a pending full collection runs.
QUIET_S = 1.0
#: How often the collector looks (ms).
CHECK_MS = 1000
#: Thresholds of generations 0 and 1 while the collector runs (CPython's defaults are 700 and 10).
YOUNG_THRESHOLDS = (100, 4)
#: Generation-1 collections after which CPython, with its default thresholds, would have started a full one: it
#: does after 10 of its generation-1 collections, each 10 of 700 net new objects; with ours, a generation-1
#: collection comes every 100 * 4.
FULL_AFTER = 10 * 10 * 700 // (YOUNG_THRESHOLDS[0] * YOUNG_THRESHOLDS[1])
#: A generation-2 threshold no session reaches: automatic full collections are off while the collector runs.
_NEVER = 1 << 30


class IdleCollector(QtCore.QObject):
    """Takes over full collections (see the module docstring); ``last_activity`` returns a ``time.monotonic()``
    of the last output the window received."""

    def __init__(self, last_activity: Callable[[], float], parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._last_activity = last_activity
        self._saved = gc.get_threshold()
        self._young = 0
        self.full_collections = 0
        gc.set_threshold(*YOUNG_THRESHOLDS, _NEVER)
        gc.callbacks.append(self._on_gc)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self._closed = False
        self._settled = False
        # The start-up objects are frozen out of the walk at the first quiet check (a second after start), not now
        # nor at the loop's first turn: the full collection first (~20 ms) would delay the first prompt's paint
        # (the shell's prompt comes a few ms after it is started).

    def _settle(self) -> None:
        if not self._closed and not self._settled:
            self._settled = True
            gc.collect()
            gc.freeze()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 1:
            self._young += 1

    @property
    def pending(self) -> bool:
        """CPython would have run a full collection by now."""
        return self._young >= FULL_AFTER

    def check(self) -> bool:
        """Run the pending full collection if the window is quiet; returns whether it ran."""
        if time.monotonic() - self._last_activity() < QUIET_S:
            return False
        if not self._settled:
            self._settle()
        if not self.pending:
            return False
        self._young = 0
        gc.collect()
        self.full_collections += 1
        return True

    def close(self) -> None:
        """Give the process its own GC settings back (and collect what waited)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        gc.collect()
