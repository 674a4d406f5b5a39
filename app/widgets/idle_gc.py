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

Every collection runs on the UI thread.  CPython starts an automatic collection on whichever thread makes the
allocation that crosses a threshold: a probe thread reading /proc, a pipe or ConPTY reader thread.  A collection
there frees the cyclic garbage it finds, Qt objects included, and a QObject destroyed off its own thread is
undefined behaviour in Qt ("QObject::~QObject: Timers cannot be stopped from another thread", then a segfault
in the UI thread's event loop later, which the panels' tests met).  So automatic collection is off while the
collector runs, and the young collections CPython would have run are run by the UI thread each time its loop
wakes (:meth:`IdleCollector.young_step`, the event dispatcher's ``awake``; a few microseconds when there is
nothing to do), and at the collector's own check every second while the window is idle.

While output flows, the young collections are replaced by freezing (:data:`FLOOD_S`): ``gc.freeze()`` moves
every tracked object out of the collector's generations in one step, instead of walking each new object twice
(young, then middle) to find that nearly all of it lives on — a flood's new objects are history rows, their
styles and the go test model's nodes, which stay until they scroll out or the run is replaced.  Measured with
``bench --gui`` (10 MB of ``go test -v``, the Tests panel in front, five alternated pairs): the young walks took
0.2-0.7 s of each flood, and the window's CPU time over the engine's went from 2.1-3.9x (median 2.9x) to
1.9-2.7x (median 2.3x); peak memory on 20 MB whose packages are rerun again and again (each rerun's tree is
garbage: the worst case) 192 → 206 MB.  What becomes garbage meanwhile waits, frozen, for the next quiet moment:
the full collection there unfreezes everything, collects, and freezes what lives on.  Memory stays bounded: once
:data:`FROZEN_MAX` objects were frozen since the last full collection, one runs even while output flows (the
stall of one full walk, every million new objects).

The process-wide GC settings are restored by :meth:`IdleCollector.close`, so tests that build many windows
in one process are not affected by one that used it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from app.widgets.qt import QtCore

__all__ = ["IdleCollector", "due_generation"]

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
#: Seconds since the last output within which a due young collection freezes instead (see the module docstring).
FLOOD_S = 0.25
#: Objects frozen since the last full collection (net of those freed) after which a full collection is pending,
#: as CPython's automatic one would be after as many net new objects (its defaults: 700 x 10 x 10).
FROZEN_PENDING = 10 * 10 * 700
#: Objects frozen since the last full collection after which one runs even while output flows (memory bound).
FROZEN_MAX = 1_000_000


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, int, int]) -> int | None:
    """The generation CPython's automatic collection would collect now, or ``None`` (its rule, for whoever runs
    collections itself): once more than ``thresholds[0]`` objects were made than freed, the oldest generation
    whose count is over its threshold (a generation's count is the collections of the one below since its own).

    CPython also skips a full collection while less than a quarter of the long-lived objects are new; that
    count is not visible from Python, so a caller that passes a reachable third threshold collects a little more
    often than CPython would.
    """
    if counts[0] <= thresholds[0]:
        return None
    for generation in (2, 1):
        if counts[generation] > thresholds[generation]:
            return generation
    return 0


class IdleCollector(QtCore.QObject):
    """Takes over all collections (see the module docstring); ``last_activity`` returns a ``time.monotonic()``
    of the last output the window received.  Young collections start at :meth:`start_young` or ``young_after_ms``
    from now, whichever comes first (the app calls it once its first prompt is painted: everything made before it
    lives on; the time is the latest they start if no prompt ever comes)."""

    def __init__(
        self, last_activity: Callable[[], float], parent: QtCore.QObject | None = None, *, young_after_ms: int = 0
    ) -> None:
        super().__init__(parent)
        self._last_activity = last_activity
        self._saved = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._young = 0
        self._frozen = 0  # objects frozen since the last full collection, net of those freed (CPython's count)
        self.full_collections = 0
        self.young_collections = 0
        #: Due young collections that froze instead, output flowing (see the module docstring).
        self.young_freezes = 0
        gc.disable()  # no collection on another thread (module docstring); young_step runs them here
        gc.set_threshold(*YOUNG_THRESHOLDS, _NEVER)
        gc.callbacks.append(self._on_gc)
        self._young_on = young_after_ms <= 0
        if not self._young_on:
            QtCore.QTimer.singleShot(young_after_ms, self, self.start_young)
        self._dispatcher = QtCore.QAbstractEventDispatcher.instance()
        if self._dispatcher is not None:
            self._dispatcher.awake.connect(self.young_step)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self._closed = False
        self._settled = False
        # The start-up objects are frozen out of the walk at the first quiet check (a second after start), not now
        # nor at the loop's first turn: the full collection first (~20 ms) would delay the first prompt's paint
        # (the shell's prompt comes a few ms after it is started).

    def start_young(self) -> None:
        """From now on, run the young collections (see ``young_after_ms``)."""
        self._young_on = True

    def young_step(self) -> int | None:
        """Run the young collection CPython would have started by now, here, or freeze instead while output flows
        (see the module docstring); returns the generation collected, if one was."""
        if self._closed or not self._young_on:
            return None
        counts = gc.get_count()
        generation = due_generation(counts, (*YOUNG_THRESHOLDS, _NEVER))
        if generation is None:
            return None
        if time.monotonic() - self._last_activity() < FLOOD_S:
            self._frozen += counts[0]  # made and not freed since the last collection or freeze
            if self._frozen < FROZEN_MAX:
                gc.freeze()
                self.young_freezes += 1
                return None
            self._collect_all()
            return 2
        gc.collect(generation)
        self.young_collections += 1
        return generation

    def _settle(self) -> None:
        if not self._closed and not self._settled:
            self._settled = True
            self._walk_all()  # what output froze since start (garbage included) is walked with the start-up objects

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 1:
            self._young += 1

    @property
    def pending(self) -> bool:
        """CPython would have run a full collection by now (counting frozen objects as it would count new ones)."""
        return self._young >= FULL_AFTER or self._frozen >= FROZEN_PENDING

    def _collect_all(self) -> None:
        """The full collection, frozen objects included (garbage made while output flowed waited there); what
        lives on is frozen again."""
        self._young = 0
        self._walk_all()
        self.full_collections += 1

    def _walk_all(self) -> None:
        """Unfreeze, collect everything, freeze what lives on (the frozen count starts again)."""
        self._frozen = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def check(self) -> bool:
        """Run the pending full collection if the window is quiet; returns whether it ran."""
        self.young_step()  # an idle window's loop may not wake otherwise while threads make garbage
        if time.monotonic() - self._last_activity() < QUIET_S:
            return False
        if not self._settled:
            self._settle()
        if not self.pending:
            return False
        self._collect_all()
        return True

    def close(self) -> None:
        """Give the process its own GC settings back (and collect what waited)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        if self._dispatcher is not None:
            self._dispatcher.awake.disconnect(self.young_step)
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()
