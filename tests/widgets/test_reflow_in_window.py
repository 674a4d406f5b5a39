"""Resizing the window re-wraps the terminal's lines (reflow), and a click still finds the bytes of a cell."""

from __future__ import annotations

import sys
from typing import Any

from app.session.factory import command_plan, live_session
from app.widgets.main_window import MainWindow
from app.widgets.qt import QtWidgets
from tests.vt.test_reflow import assert_well_formed, logical_lines
from tests.widgets.conftest import run_until

CHILD = (
    "import sys, time\n"
    "for i in range(8):\n"
    "    print(f'=== RUN   Test加法/子测试_{i} ' + 'long-output-' * 9, flush=True)\n"
    "time.sleep(60)\n"
)


def test_a_narrower_window_rewraps_and_clicks_still_find_their_bytes(qtbot: Any, window: MainWindow) -> None:
    tab = window.open_session(live_session(command_plan([sys.executable, "-c", CHILD])), title="child")
    term = tab.session.terminal
    run_until(window, lambda: b"_7 " in tab.session.bytelog.slice(0))
    before = logical_lines(term)
    wide_cols = term.cols
    window.resize(window.width() - 25 * tab.view.cell_size().width(), window.height())
    QtWidgets.QApplication.processEvents()
    run_until(window, lambda: term.cols < wide_cols - 15)
    assert_well_formed(term)
    assert logical_lines(term) == before  # every line's text kept, re-wrapped
    wrapped = [r for r in range(term.history_size + term.rows) if (row := term.row(r)) is not None and row.wrapped]
    assert wrapped
    row = wrapped[0] + 1  # the second row of a wrapped line: its cells came from the line's bytes
    col = next(c for c, ch in enumerate(term.row_cells(row)) if ch.strip())
    window.select_cell(row, col)
    run_until(window, lambda: tab.cell_job is None)  # answered in the click, or in slices after it
    found = window.hex_view.selection()
    assert found is not None, tab.status_text()
    start, end = found
    assert term.row_cells(row)[col].encode() in tab.session.bytelog.slice(start, end)


def test_view_reflow_on_resize_can_be_turned_off(qtbot: Any, window: MainWindow) -> None:
    window.reflow_action.setChecked(False)
    tab = window.open_session(live_session(command_plan([sys.executable, "-c", CHILD])), title="child")
    term = tab.session.terminal
    assert term.reflow is False and window.settings.reflow is False
    run_until(window, lambda: b"_7 " in tab.session.bytelog.slice(0))
    before = logical_lines(term)
    wide_cols = term.cols
    window.resize(window.width() - 25 * tab.view.cell_size().width(), window.height())
    QtWidgets.QApplication.processEvents()
    run_until(window, lambda: term.cols < wide_cols - 15)
    after = logical_lines(term)
    assert after != before  # rows cut, as xterm does: text lost at the right edge
    window.reflow_action.setChecked(True)
    assert term.reflow is True
