"""Collections run on the UI thread only; full ones wait for a quiet window; the process gets its GC settings back."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.widgets import idle_gc
from app.widgets.idle_gc import FULL_AFTER, QUIET_S, YOUNG_THRESHOLDS, IdleCollector, due_generation
from app.widgets.qt import QtCore

UI_THREAD = threading.get_ident()


def test_full_collections_wait_for_quiet_and_settings_come_back(qapp: Any) -> None:
    before, enabled_before = gc.get_threshold(), gc.isenabled()
    last = [time.monotonic()]
    collector = IdleCollector(lambda: last[0])
    try:
        assert not gc.isenabled()  # CPython's automatic collection is off: the collector runs them
        QtCore.QCoreApplication.processEvents()
        assert not collector.check()  # not at the loop's first turns, while the first prompt comes
        assert collector.full_collections == 0
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
    assert gc.isenabled() == enabled_before
    assert gc.get_freeze_count() == 0
    assert collector._on_gc not in gc.callbacks


@pytest.fixture
def collections_by_thread() -> Iterator[list[tuple[int, int]]]:
    """(thread, generation) of every collection that starts while the test runs."""
    seen: list[tuple[int, int]] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append((threading.get_ident(), int(info["generation"])))

    gc.callbacks.append(on_gc)
    yield seen
    gc.callbacks.remove(on_gc)


def make_objects_on_a_thread(made: list[list[int]], objects: int = 20_000) -> int:
    """A worker thread makes ``objects`` tracked objects, kept in ``made``: what crosses a threshold (the count
    CPython compares with it is of objects made and not yet freed)."""
    thread = threading.Thread(target=lambda: made.extend([i] for i in range(objects)), name="worker")
    thread.start()
    thread.join(30)
    return thread.ident or 0


def a_qobject_in_a_cycle(destroyed_on: list[int]) -> None:
    """A QObject only a reference cycle keeps alive (its wrapper owns it): cyclic garbage once this returns."""
    obj = QtCore.QObject()
    obj.setProperty("cycle", True)
    obj.me = obj  # type: ignore[attr-defined]
    child = QtCore.QObject(obj)
    # Direct: run by the thread that destroys it (an automatic connection would queue it from another thread).
    direct = QtCore.Qt.ConnectionType.DirectConnection
    child.destroyed.connect(lambda: destroyed_on.append(threading.get_ident()), direct)


def test_collections_run_on_the_ui_thread_not_on_the_thread_that_made_the_garbage(
    qtbot: QtBot, collections_by_thread: list[tuple[int, int]]
) -> None:
    collector = IdleCollector(lambda: 0.0)  # no output for a long time: due young collections run
    destroyed_on: list[int] = []
    try:
        a_qobject_in_a_cycle(destroyed_on)
        made: list[list[int]] = []
        worker = make_objects_on_a_thread(made)
        assert not [c for c in collections_by_thread if c[0] == worker]  # nothing ran there
        assert destroyed_on == []
        qtbot.wait(20)  # the UI thread's loop wakes: the young collection runs here
        assert collector.young_collections >= 1
        assert {thread for thread, _ in collections_by_thread} == {UI_THREAD}
        assert all(generation in (0, 1) for _, generation in collections_by_thread)  # full ones wait for quiet
        assert destroyed_on == [UI_THREAD]
    finally:
        collector.close()


def test_without_the_collector_cpython_collects_on_the_worker_thread(
    qtbot: QtBot, collections_by_thread: list[tuple[int, int]]
) -> None:
    """What the collector prevents, shown happening (so the test above can fail)."""
    was_enabled = gc.isenabled()
    gc.enable()
    destroyed_on: list[int] = []
    try:
        gc.collect()  # the cycle below starts in the young generation
        a_qobject_in_a_cycle(destroyed_on)
        worker = make_objects_on_a_thread([])
    finally:
        if not was_enabled:
            gc.disable()
    assert any(thread == worker for thread, _ in collections_by_thread)
    assert destroyed_on == [worker]


def test_young_collections_wait_for_young_after_ms(qtbot: QtBot) -> None:
    """The app's start: nothing is collected until its first prompt is painted (young_after_ms)."""
    collector = IdleCollector(lambda: 0.0, young_after_ms=200)
    try:
        made: list[list[int]] = []
        make_objects_on_a_thread(made)
        assert collector.young_step() is None
        qtbot.waitUntil(lambda: collector.young_collections >= 1, timeout=5000)
    finally:
        collector.close()


def test_start_young_starts_young_collections_before_young_after_ms(qtbot: QtBot) -> None:
    """The app calls start_young at its first painted prompt: from then on, not at young_after_ms, they run."""
    collector = IdleCollector(lambda: 0.0, young_after_ms=60_000)
    try:
        made: list[list[int]] = []
        make_objects_on_a_thread(made)
        assert collector.young_step() is None  # due, but not started
        assert collector.young_collections == 0
        collector.start_young()
        assert collector.young_step() is not None
        assert collector.young_collections == 1
    finally:
        collector.close()


def test_while_output_flows_young_collections_freeze_and_the_quiet_check_collects_what_waited(
    qtbot: QtBot, collections_by_thread: list[tuple[int, int]]
) -> None:
    last = [time.monotonic() - QUIET_S - 0.1]
    collector = IdleCollector(lambda: last[0])
    destroyed_on: list[int] = []
    try:
        assert not collector.check()  # a second after start: the start-up objects frozen, nothing pending
        collections_by_thread.clear()
        a_qobject_in_a_cycle(destroyed_on)
        frozen_before = gc.get_freeze_count()
        made: list[list[int]] = []
        make_objects_on_a_thread(made, objects=idle_gc.FROZEN_PENDING + 1)  # what a flood makes: objects that live on
        last[0] = time.monotonic()
        assert collector.young_step() is None  # due, but output flows: frozen, not walked
        assert collector.young_freezes == 1
        assert collections_by_thread == []  # no collection ran
        assert gc.get_freeze_count() >= frozen_before + len(made)
        assert gc.get_count()[0] == 0
        assert destroyed_on == []  # the garbage made meanwhile waits, frozen
        assert collector.pending  # as many new objects as CPython runs a full collection after
        assert not collector.check()  # not while output flows
        last[0] = time.monotonic() - QUIET_S - 0.1
        assert collector.check()  # the next quiet moment: the pending full collection
        assert destroyed_on == [UI_THREAD]
        assert {generation for _, generation in collections_by_thread} == {2}
        assert not collector.pending
        assert gc.get_freeze_count() >= len(made)  # what lives on is frozen again
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0


def test_frozen_objects_are_bounded_while_output_never_stops(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle_gc, "FROZEN_MAX", 30_000)
    collector = IdleCollector(time.monotonic)  # output all the time: never a quiet moment
    destroyed_on: list[int] = []
    try:
        a_qobject_in_a_cycle(destroyed_on)
        made: list[list[int]] = []
        make_objects_on_a_thread(made, objects=20_000)
        assert collector.young_step() is None
        assert collector.young_freezes == 1 and destroyed_on == []
        make_objects_on_a_thread(made, objects=20_000)  # past the bound
        assert collector.young_step() == 2  # a full collection, output flowing or not
        assert collector.full_collections == 1
        assert destroyed_on == [UI_THREAD]
        make_objects_on_a_thread(made, objects=20_000)
        assert collector.young_step() is None  # counted again from that collection
        assert collector.young_freezes == 2
    finally:
        collector.close()


@pytest.mark.parametrize(
    ("counts", "thresholds", "expected"),
    [
        ((700, 0, 0), (700, 10, 10), None),  # CPython collects once the count is *over* the threshold
        ((701, 0, 0), (700, 10, 10), 0),
        ((701, 11, 0), (700, 10, 10), 1),
        ((701, 10, 0), (700, 10, 10), 0),
        ((701, 11, 11), (700, 10, 10), 2),
        ((701, 3, 11), (700, 10, 10), 2),  # the oldest generation over its threshold wins
        ((101, 5, 10**9), (100, 4, 1 << 30), 1),
        ((5, 50, 50), (100, 4, 1 << 30), None),
    ],
)
def test_due_generation_is_cpythons_rule(
    counts: tuple[int, int, int], thresholds: tuple[int, int, int], expected: int | None
) -> None:
    assert due_generation(counts, thresholds) == expected


def test_the_suite_collects_between_tests_on_the_main_thread() -> None:
    """tests/conftest.py: once Qt is loaded (it is here), CPython's automatic collection is off for the suite."""
    assert not gc.isenabled()


