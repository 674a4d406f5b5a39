"""The line edits' clear buttons: made at a box's first focus or text, not with the window (start-up), and then
Qt's own button that empties the box."""

from __future__ import annotations

from typing import Any

from app.widgets.clear_button import clear_button_when_needed
from app.widgets.main_window import MainWindow
from app.widgets.qt import Qt, QtWidgets
from tests.widgets.conftest import run_until


def _boxes(window: MainWindow) -> dict[str, QtWidgets.QLineEdit]:
    tab = window.current_tab()
    assert tab is not None
    return {
        "Bytes' find box": window.bytes_panel.find_box,
        "the find bar": tab.find_bar.edit,
        "Explain's entry": window.explain_panel.entry,
    }


def _press_clear(edit: QtWidgets.QLineEdit) -> None:
    """Click the box's clear button (Qt's: the one tool button inside a line edit)."""
    (button,) = edit.findChildren(QtWidgets.QToolButton)
    button.click()


def test_a_box_gets_its_button_at_its_first_text_and_the_button_empties_it(qtbot: Any) -> None:
    edit = clear_button_when_needed(QtWidgets.QLineEdit())
    qtbot.addWidget(edit)
    assert not edit.isClearButtonEnabled()
    edit.setText("")  # no text: still nothing to clear
    assert not edit.isClearButtonEnabled()
    edit.show()
    qtbot.waitExposed(edit)
    qtbot.keyClicks(edit, "e4 bd")  # typed (QTest types ASCII only)
    assert edit.isClearButtonEnabled()
    (button,) = edit.findChildren(QtWidgets.QToolButton)
    qtbot.waitUntil(button.isVisible)  # shown, as the box holds text
    _press_clear(edit)
    assert edit.text() == ""
    edit.setText("again")  # the watcher is gone: the same button, still working
    _press_clear(edit)
    assert edit.text() == ""


def test_a_box_gets_its_button_at_its_first_focus(qtbot: Any) -> None:
    edit = clear_button_when_needed(QtWidgets.QLineEdit())
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    assert not edit.isClearButtonEnabled()
    edit.activateWindow()
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(edit.hasFocus)
    assert edit.isClearButtonEnabled()


def test_a_box_that_already_holds_text_gets_its_button_at_once(qtbot: Any) -> None:
    edit = QtWidgets.QLineEdit("e4 bd a0")
    qtbot.addWidget(edit)
    assert clear_button_when_needed(edit) is edit
    assert edit.isClearButtonEnabled()
    _press_clear(edit)
    assert edit.text() == ""


def test_the_window_makes_no_clear_button_before_a_box_is_used(window: MainWindow) -> None:
    tab = window.new_session(["sh", "-c", "sleep 30"])
    run_until(window, lambda: tab.session.source.pid is not None)
    boxes = _boxes(window)
    assert [name for name, edit in boxes.items() if edit.isClearButtonEnabled()] == []
    for name, edit in boxes.items():
        edit.setText("e4 bd a0")  # as a user's paste, or the app filling the box, would
        assert edit.isClearButtonEnabled(), name
        _press_clear(edit)
        assert edit.text() == "", name
