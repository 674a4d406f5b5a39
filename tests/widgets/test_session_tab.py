"""A tab under a flood: the go test model left for later is bounded by the ByteLog's own cap; what follows new output
is told once per turn of the loop, not per read."""

from __future__ import annotations

import asyncio
import itertools
import math
import sys
import time
from types import SimpleNamespace
from typing import Any

import pytest

from app.session import OutputReceived
from app.session.factory import command_plan, live_session
from app.widgets.main_window import MainWindow
from tests.widgets.conftest import GO_TEST, run_until

CAP = 64 * 1024
#: A child that writes 512 KiB of go test -v output in one go, then the run's end.
FLOOD = (
    "import sys\n"
    "out = sys.stdout\n"
    "for n in range(6000):\n"
    "    out.write(f'=== RUN   TestFlood{n}\\n    flood_test.go:9: line {n} of the flood ......\\n')\n"
    "out.write('--- PASS: TestLast (0.00s)\\nPASS\\n')\n"
)


def test_a_flood_nobody_watches_leaves_at_most_the_logs_cap_unparsed(window: MainWindow) -> None:
    window.show_panel("Bytes")  # the Tests panel is not shown: its model may lag behind the output
    session = live_session(command_plan([sys.executable, "-c", FLOOD]), backend="pty", bytelog_cap=CAP)
    tab = window.open_session(session, title="flood")
    assert tab.tests_live() is False
    tab._tests_timer.timeout.disconnect()  # no quiet moment: only the cap makes it parse during the flood
    pending: list[int] = []
    session.subscribe(lambda _event: pending.append(tab.tests_pending_bytes))
    run_until(window, lambda: session.exit_status is not None)
    assert session.bytelog.total_bytes > 6 * CAP and session.bytelog.dropped_bytes > 0
    assert max(pending) > CAP // 2  # it did lag behind…
    assert max(pending) <= CAP  # …but never by more than the log keeps
    run = tab.tests_run  # reading the model catches it up with every byte
    assert tab.tests_pending_bytes == 0
    assert run.find("TestFlood5999") is not None


def test_output_is_told_once_per_turn_of_the_loop_and_after_the_last_read(window: MainWindow) -> None:
    told: list[int] = []
    reads: list[int] = []
    tab = window.open_recording(GO_TEST, speed=math.inf)
    tab.session.subscribe(lambda event: reads.append(event.offset) if isinstance(event, OutputReceived) else None)
    tab.output.connect(lambda: told.append(tab.session.bytelog.total_bytes))
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    run_until(window, lambda: bool(told) and told[-1] == tab.session.bytelog.total_bytes)
    assert len(reads) > 1 and 1 <= len(told) < len(reads)  # reads taken in one turn are told as one
    assert told == sorted(told) and told[-1] == tab.session.bytelog.total_bytes  # the last read was told too
    tab.view.flush_now()
    assert "ok" in "".join(tab.terminal.row(r).text for r in range(tab.terminal.history_size + tab.terminal.rows))


def test_session_event_is_not_emitted_per_read_but_the_end_is(window: MainWindow) -> None:
    """Reads are told once per turn (``output``); ``session_event`` carries the other events (the exit here)."""
    events: list[object] = []
    tab = window.open_recording(GO_TEST, speed=math.inf)
    tab.session_event.connect(events.append)
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    run_until(window, lambda: any(type(e).__name__ == "Exited" for e in events) or tab.ended)
    assert tab.session.bytelog.total_bytes > 0
    assert not any(isinstance(e, OutputReceived) for e in events)


def test_a_hidden_tests_panel_shows_the_whole_run_when_brought_to_the_front(window: MainWindow) -> None:
    """Output that came while the Tests panel was not shown is parsed in quiet moments and shown when it is."""
    window.show_panel("Bytes")
    session = live_session(command_plan([sys.executable, "-c", FLOOD]), backend="pty")
    tab = window.open_session(session, title="flood")
    assert tab.tests_live() is False
    run_until(window, lambda: session.exit_status is not None and tab.tests_pending_bytes == 0)
    window.show_panel("Tests")
    panel = window.tests_panel
    run_until(window, lambda: panel.isVisible() and panel.tree.topLevelItemCount() > 0)
    assert tab.tests_so_far.find("TestFlood5999") is not None
    package = panel.tree.topLevelItem(0)
    names = {package.child(i).text(0) for i in range(package.childCount())}
    assert {"TestFlood0", "TestFlood5999", "TestLast"} <= names and len(names) == 6001


def test_a_hidden_bytes_panel_does_no_work_and_shows_the_tail_when_brought_to_the_front(window: MainWindow) -> None:
    window.show_panel("Tests")  # in front of the Bytes panel
    hex_view = window.hex_view
    assert not hex_view.isVisible()
    before = hex_view.refreshes
    session = live_session(command_plan([sys.executable, "-c", FLOOD]), backend="pty")
    window.open_session(session, title="flood")
    run_until(window, lambda: session.exit_status is not None)
    window.loop.run_until_complete(asyncio.sleep(0.7))  # longer than the panel's refresh interval under a flood
    assert hex_view.refreshes == before  # output came, the hidden panel did nothing
    window.show_panel("Bytes")
    run_until(window, hex_view.isVisible)
    assert hex_view.refreshes == before + 1
    assert hex_view.model.row_of(session.bytelog.total_bytes - 1) in hex_view.visible_rows()  # it follows the tail


def test_a_flood_the_tests_panel_shows_gives_the_model_a_slice_per_period_then_all_of_it(window: MainWindow) -> None:
    """The terminal first: while output keeps coming the model takes at most one short slice per live period
    (TESTS_LIVE_PACE_MS, two frames; it lags behind a flood), and once output stops it catches up with every byte."""
    from app.widgets import session_tab

    window.show_panel("Tests")
    session = live_session(command_plan([sys.executable, "-c", FLOOD]), backend="pty")
    tab = window.open_session(session, title="flood")
    assert tab.tests_live() is True
    live_slices: list[float] = []
    parse = tab._parse_tests_backlog

    def watched(budget_s: float | None, keep: int = 0) -> bool:
        if budget_s == session_tab.TESTS_LIVE_SLICE_S:
            live_slices.append(time.monotonic())
        return parse(budget_s, keep)

    tab._parse_tests_backlog = watched  # type: ignore[method-assign]
    run_until(window, lambda: session.exit_status is not None)
    run_until(window, lambda: tab.tests_pending_bytes == 0 and tab.tests_so_far.find("TestFlood5999") is not None)
    assert live_slices  # parsed while the output came…
    gaps = [b - a for a, b in itertools.pairwise(live_slices)]
    assert all(gap >= 0.9 * session_tab.TESTS_LIVE_PACE_MS / 1000 for gap in gaps), gaps  # …a slice per period
    assert tab.tests_so_far.find("TestLast") is not None


@pytest.mark.parametrize("live", [True, False], ids=["panel-shown", "panel-hidden"])
def test_a_late_timer_is_no_quiet_moment_the_model_catches_up_only_after_the_loop_ran_freely(
    window: MainWindow, monkeypatch: Any, live: bool
) -> None:
    """After a stall (a paint, a slice) the idle timer fires with the quiet time past TESTS_IDLE_MS while output may
    wait unread: no catch-up slice (TESTS_SLICE_S) then, which would lengthen that very stall, but a look
    TESTS_QUIET_CHECK_MS later; the catch-up comes when the loop came back on time and no output was told meanwhile.
    A catch-up slice after which the loop came back late (a paint between two slices) looks again first too."""
    from app.widgets import session_tab

    window.show_panel("Tests" if live else "Bytes")
    tab = window.open_recording(GO_TEST, speed=math.inf)
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    run_until(window, lambda: tab.tests_pending_bytes == 0)
    assert tab.tests_live() is live
    # The tab's clock is the test's: on a loaded machine more than a check period can pass between two lines here.
    now = [time.monotonic() + 10.0]
    monkeypatch.setattr(session_tab, "time", SimpleNamespace(monotonic=lambda: now[0], perf_counter=time.perf_counter))
    tab._tests_timer.stop()
    tab._tests_timer.timeout.disconnect()  # the test fires it
    budgets: list[float | None] = []
    parse = tab._parse_tests_backlog

    def watched(budget_s: float | None, keep: int = 0) -> bool:
        budgets.append(budget_s)
        return parse(budget_s, keep)

    monkeypatch.setattr(tab, "_parse_tests_backlog", watched)
    chunk = b"=== RUN   TestLate\n    late_test.go:9: a line\n" * 2000  # more than one slice parses
    tab._tests_last_output = now[0]  # output told…
    for n in range(40):
        tab._take_tests_output(chunk, 10**9 + n * len(chunk))
    now[0] += 0.2  # …then a 200 ms stall: the timer fires late
    tab._on_tests_idle()
    assert session_tab.TESTS_SLICE_S not in budgets  # no catch-up inside the stall
    assert budgets == ([session_tab.TESTS_LIVE_SLICE_S] if live else [])  # the panel still gets its live slice
    assert tab._tests_timer.isActive() and tab._tests_timer.interval() == session_tab.TESTS_QUIET_CHECK_MS
    # output was told meanwhile: still not quiet
    now[0] += 0.004
    tab._tests_last_output = now[0]
    now[0] += 0.006
    budgets.clear()
    tab._on_tests_idle()
    assert session_tab.TESTS_SLICE_S not in budgets
    # the loop came back late again (another stall), no output: not yet
    now[0] += 0.1
    tab._on_tests_idle()
    assert session_tab.TESTS_SLICE_S not in budgets
    assert tab._tests_timer.interval() == session_tab.TESTS_QUIET_CHECK_MS
    # the loop came back on time and nothing came: the catch-up
    now[0] += session_tab.TESTS_QUIET_CHECK_MS / 1000
    budgets.clear()
    tab._on_tests_idle()
    assert budgets == [session_tab.TESTS_SLICE_S]
    assert tab._tests_timer.isActive() and tab._tests_timer.interval() == 0  # more to parse: the next slice at once
    # the next slice comes right after: it goes on
    now[0] += 0.001
    tab._on_tests_idle()
    assert budgets == [session_tab.TESTS_SLICE_S] * 2
    # a paint between two slices (40 ms, or a live period if longer, so a live slice is due): look again first (the
    # panel, if shown, takes its live slice meanwhile)
    now[0] += max(0.04, session_tab.TESTS_LIVE_PACE_MS / 1000)
    budgets.clear()
    tab._on_tests_idle()
    assert budgets == ([session_tab.TESTS_LIVE_SLICE_S] if live else [])
    assert tab._tests_timer.interval() == session_tab.TESTS_QUIET_CHECK_MS
    now[0] += session_tab.TESTS_QUIET_CHECK_MS / 1000
    budgets.clear()
    while tab.tests_pending_bytes:  # then every byte, a catch-up slice each time the loop comes back on time
        tab._on_tests_idle()
        assert budgets[-1:] == [session_tab.TESTS_SLICE_S] and len(budgets) <= len(chunk) // 1000
        budgets.clear()
        now[0] += 0.001
    assert tab.tests_so_far.find("TestLate") is not None
