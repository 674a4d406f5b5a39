"""The terminal's find bar (Ctrl+Shift+F): text or regex, case on/off, every match lit, next/previous, the count.

The search itself is :func:`app.inspect.terminal_find.find_in_terminal`; this widget only asks it and hands
the matches to the :class:`~app.widgets.terminal_view.TerminalView`, which paints them (all in one colour,
the current one in a stronger one) and scrolls to the current one.

The search runs as the user types, after a short pause, and again — at most twice a second — while output
keeps arriving, so the count stays true for a running program without searching on every read.
"""

from __future__ import annotations

from app.inspect.terminal_find import FindResult, find_in_terminal
from app.vt import Terminal
from app.widgets.clear_button import clear_button_when_needed
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from app.widgets.terminal_view import TerminalView

__all__ = ["FindBar"]

#: Pause after a keystroke before searching (ms): typing a word searches once, not per letter.
TYPING_PAUSE_MS = 150
#: Shortest gap between searches while output arrives (ms).
REFRESH_MS = 500


class FindBar(QtWidgets.QWidget):
    """Find in one tab's terminal view (see the module docstring). ``closed`` when Escape or × hid it."""

    closed = Signal()

    def __init__(self, view: TerminalView, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._view = view
        self._result = FindResult()
        self._current: int | None = None

        self.edit = QtWidgets.QLineEdit(self)
        self.edit.setPlaceholderText("Find in terminal (Enter: next, Shift+Enter: previous)")
        clear_button_when_needed(self.edit)
        self.edit.textChanged.connect(self._schedule)
        self.edit.installEventFilter(self)
        self.case = QtWidgets.QToolButton(self)
        self.case.setText("Aa")
        self.case.setToolTip("Match case")
        self.case.setCheckable(True)
        self.case.toggled.connect(self.search)
        self.regex = QtWidgets.QToolButton(self)
        self.regex.setText(".*")
        self.regex.setToolTip("Regular expression")
        self.regex.setCheckable(True)
        self.regex.toggled.connect(self.search)
        self.previous_button = QtWidgets.QToolButton(self)
        self.previous_button.setText("↑")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QtWidgets.QToolButton(self)
        self.next_button.setText("↓")
        self.next_button.setToolTip("Next match (Enter)")
        self.next_button.clicked.connect(self.next)
        self.count = QtWidgets.QLabel(self)
        self.count.setTextFormat(Qt.TextFormat.PlainText)  # says what is wrong with a pattern, quoting it
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setMinimumWidth(self.fontMetrics().horizontalAdvance("10,000+ matches  "))
        close = QtWidgets.QToolButton(self)
        close.setText("×")
        close.setToolTip("Close (Escape)")
        close.clicked.connect(self.close_bar)

        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        for widget in (self.case, self.regex, self.previous_button, self.next_button, self.count, close):
            layout.addWidget(widget)

        self._typing = QtCore.QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self._refresh = QtCore.QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._search_keeping_place)
        self.hide()

    # ------------------------------------------------------------------ public API

    @property
    def result(self) -> FindResult:
        return self._result

    @property
    def current(self) -> int | None:
        """Index of the current match in :attr:`result`, or ``None``."""
        return self._current

    def open(self) -> None:
        """Show the bar with the field focused and its text selected (a second Ctrl+Shift+F keeps it)."""
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        if self.edit.text():
            self.search()

    def close_bar(self) -> None:
        self.hide()
        self._typing.stop()
        self._refresh.stop()
        self._result = FindResult()
        self._current = None
        self._view.set_find_matches([], None)
        self._view.setFocus()
        self.closed.emit()

    def set_view(self, view: TerminalView) -> None:
        """Follow the view's terminal being replaced ("decode as"): search it instead."""
        self._view = view
        if self.isVisible():
            self.search()

    def output_arrived(self) -> None:
        """New output: search again soon (the matches move as the screen scrolls)."""
        if self.isVisible() and self.edit.text() and not self._refresh.isActive():
            self._refresh.start()

    def search(self) -> None:
        """Search now; the current match becomes the first one at or after the top of the view."""
        self._typing.stop()
        self._run(keep_place=False)

    def next(self) -> None:
        self._step(forward=True)

    def previous(self) -> None:
        self._step(forward=False)

    # ------------------------------------------------------------------ internals

    def _terminal(self) -> Terminal:
        return self._view.terminal

    def _schedule(self) -> None:
        self._typing.start()

    def _search_keeping_place(self) -> None:
        self._run(keep_place=True)

    def _run(self, *, keep_place: bool) -> None:
        old = self._result.matches[self._current] if self._current is not None and self._result.matches else None
        self._result = find_in_terminal(
            self._terminal(), self.edit.text(), regex=self.regex.isChecked(), case=self.case.isChecked()
        )
        matches = self._result.matches
        if not matches:
            self._current = None
        elif keep_place and old is not None:
            self._current = self._result.nearest((old.start[0], old.start[1] - 1))
        else:
            self._current = self._result.nearest((self._view.top_row(), -1))
        self._show(scroll=not keep_place)

    def _step(self, *, forward: bool) -> None:
        if self._typing.isActive() or not self._result.matches:
            self.search()
            if not self._result.matches:
                return
            if forward:
                return  # the search itself went to the first match below the top of the view
        matches = self._result.matches
        if self._current is None:
            self._current = 0
        else:
            self._current = (self._current + (1 if forward else -1)) % len(matches)
        self._show(scroll=True)

    def _show(self, *, scroll: bool) -> None:
        result = self._result
        text = result.count_text()
        if self._current is not None and result.matches:
            text = f"{self._current + 1:,} of {text}"
        self.count.setText(text)
        self.edit.setStyleSheet("" if result.matches or not self.edit.text() else "color: #c62828;")
        cols = self._terminal().cols
        self._view.set_find_matches([m.spans(cols) for m in result.matches], self._current)
        if scroll and self._current is not None:
            self._view.scroll_to_row(result.matches[self._current].start[0])

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.edit and event.type() == QtCore.QEvent.Type.KeyPress and isinstance(event, QtGui.QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._step(forward=not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
