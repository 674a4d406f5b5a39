"""Find in the terminal, driven for real: Ctrl+Shift+F in the window, typing, Enter/Shift+Enter, painted matches."""

from __future__ import annotations

from typing import Any

from app.widgets.main_window import MainWindow
from app.widgets.palette import DARK
from app.widgets.qt import Qt
from app.widgets.session_tab import SessionTab
from tests.widgets.conftest import GO_TEST, play

KM = Qt.KeyboardModifier


def _type_and_search(qtbot: Any, tab: SessionTab, text: str) -> None:
    bar = tab.find_bar
    if text.isascii():
        qtbot.keyClicks(bar.edit, text)
    else:  # QTest types ASCII only; an IME would commit the text like this
        bar.edit.insert(text)
    qtbot.waitUntil(lambda: bar.count.text() not in ("", "no matches") or not bar._typing.isActive())
    qtbot.waitUntil(lambda: not bar._typing.isActive())


def test_ctrl_shift_f_opens_the_bar_and_finds_through_the_scrollback(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    view = tab.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_F, KM.ControlModifier | KM.ShiftModifier)  # through the window's shortcut
    bar = tab.find_bar
    qtbot.waitUntil(bar.isVisible)
    assert bar.edit.hasFocus()
    _type_and_search(qtbot, tab, "=== run")
    screen = "\n".join([*tab.terminal.history, *tab.terminal.display])
    expected = screen.count("=== RUN")
    assert expected > 3
    assert bar.count.text() == f"1 of {expected} matches"
    first = bar.result.matches[0]
    assert view.find_spans(first.start[0]) and view.find_spans(first.start[0])[0][2]  # the current one
    # Enter walks forward, Shift+Enter back, wrapping around.
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.count.text() == f"2 of {expected} matches"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, KM.ShiftModifier)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, KM.ShiftModifier)
    assert bar.count.text() == f"{expected} of {expected} matches"
    last = bar.result.matches[-1]
    top = view.top_row()
    assert top <= last.start[0] < top + tab.terminal.rows  # scrolled to it
    # Case matters when asked.
    bar.case.setChecked(True)
    assert bar.count.text() == "no matches"
    bar.case.setChecked(False)
    # Escape closes the bar and clears every lit match.
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert not any(view.find_spans(r) for r in range(tab.terminal.history_size + tab.terminal.rows))


def test_matches_are_painted_and_a_bad_regex_says_why(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    tab.find_bar.open()
    bar = tab.find_bar
    bar.regex.setChecked(True)
    _type_and_search(qtbot, tab, r"Test加法/子测试_\d")
    assert bar.result.matches and bar.result.error is None
    match = bar.result.matches[0]
    view = tab.view
    view.scroll_to_row(match.start[0])
    view.flush_now()
    image = view.viewport().grab().toImage()
    cell = view.cell_rect(match.start[0], match.start[1] + 1)  # inside the match, on a letter's cell
    colours = {
        (image.pixelColor(x, y).red(), image.pixelColor(x, y).green(), image.pixelColor(x, y).blue())
        for x in range(cell.left(), cell.right())
        for y in range(cell.top(), cell.bottom())
    }
    assert DARK.find_current in colours  # the current match's background shows behind the glyph
    bar.edit.setText("(unclosed")
    bar.search()
    assert bar.count.text().startswith("not a valid regular expression")
    assert not bar.result.matches


def test_the_count_follows_new_output(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    tab.find_bar.open()
    _type_and_search(qtbot, tab, "needle-xyz")
    assert tab.find_bar.count.text() == "no matches"
    tab.session.terminal.feed(b"\r\nneedle-xyz here\r\n")
    tab.find_bar.output_arrived()
    qtbot.waitUntil(lambda: tab.find_bar.count.text() == "1 of 1 match", timeout=3000)
    (match,) = tab.find_bar.result.matches
    row, col = match.start
    assert "".join(tab.terminal.row_cells(row)[col : match.end[1] + 1]) == "needle-xyz"
