"""Full garbage collections wait for a quiet window, and the process gets its GC settings back."""

from __future__ import annotations

import gc
import time
from typing import Any

from app.widgets.idle_gc import FULL_AFTER, QUIET_S, YOUNG_THRESHOLDS, IdleCollector
from app.widgets.qt import QtCore


def test_full_collections_wait_for_quiet_and_settings_come_back(qapp: Any) -> None:
    before = gc.get_threshold()
    last = [time.monotonic()]
    collector = IdleCollector(lambda: last[0])
    try:
        assert gc.get_freeze_count() == 0  # not while the window is being made…
        QtCore.QCoreApplication.processEvents()
        assert not collector.check()  # …nor at the loop's first turns, while the first prompt comes
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold()[:2] == YOUNG_THRESHOLDS and gc.get_threshold()[2] > 10**6
        last[0] = time.monotonic() - QUIET_S - 0.1
        assert not collector.check()  # the first quiet check: start-up objects go out of the walk, nothing pending
        assert gc.get_freeze_count() > 0 and not collector.pending
        last[0] = time.monotonic()
        for _ in range(FULL_AFTER):
            gc.collect(1)  # what a busy session's allocations trigger on their own
        assert collector.pending
        assert not collector.check()  # output just arrived: not now
        assert collector.full_collections == 0
        last[0] = time.monotonic() - QUIET_S - 0.1
        assert collector.check()
        assert collector.full_collections == 1 and not collector.pending
    finally:
        collector.close()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert collector._on_gc not in gc.callbacks
