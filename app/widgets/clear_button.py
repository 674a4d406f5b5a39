"""A line edit's clear button, made when it can first be needed instead of when the window is built (start-up).

Why: ``QLineEdit.setClearButtonEnabled(True)`` asks the style for its clear icon at once, and on a Linux
desktop (the xcb platform) Qt looks it up in the icon theme first: four names (``edit-clear-locationbar-rtl``,
``edit-clear-locationbar``, ``edit-clear``, ``edit``), each as ``.svg`` and ``.png``, in every folder of the theme
and the themes it inherits — ~29,000 ``access`` calls and ~70 ms on this machine with ``hicolor`` — before it
falls back to Qt's own icon.  The window has three such boxes (Bytes' find box, the find bar, Explain's entry),
and that lookup was half of building the window under xcb, all of it before the first prompt could be painted.

The button only shows while the box holds text, and text gets there by typing or pasting into the focused box,
or by the app setting it: so the button is made at the box's first focus or first non-empty text, whichever
comes first.  From then on it is Qt's own clear button, looked up once (Qt caches the icon).
"""

from __future__ import annotations

from app.widgets.qt import QtCore, QtWidgets

__all__ = ["clear_button_when_needed"]


class _MakeOnDemand(QtCore.QObject):
    """Watches one line edit until its clear button is made, then removes itself."""

    def __init__(self, edit: QtWidgets.QLineEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        edit.installEventFilter(self)
        edit.textChanged.connect(self._on_text)

    def _on_text(self, text: str) -> None:
        if text:
            self._make()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self._edit and event.type() == QtCore.QEvent.Type.FocusIn:
            self._make()
        return False

    def _make(self) -> None:
        edit = self._edit
        edit.removeEventFilter(self)
        edit.textChanged.disconnect(self._on_text)
        edit.setClearButtonEnabled(True)
        self.deleteLater()


def clear_button_when_needed(edit: QtWidgets.QLineEdit) -> QtWidgets.QLineEdit:
    """Give ``edit`` Qt's clear button at its first focus or first non-empty text (see the module); returns it.

    A box that already holds text gets it at once.
    """
    if edit.text() or edit.hasFocus():
        edit.setClearButtonEnabled(True)
    else:
        _MakeOnDemand(edit)
    return edit
