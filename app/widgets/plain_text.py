"""Text from outside shown as plain text, never as Qt rich text (DESIGN §7).

Why a module of its own: Qt guesses. A ``QLabel``, a ``QMessageBox`` and every tooltip render their text as
HTML when it merely *looks* like HTML (``Qt::mightBeRichText``), so a recording header, a window title, an
environment value, a test name or a file name holding ``<img src=… width=3000>`` once loaded a local image,
showed fake red text and grew the window from 600 to 3161 pixels.  Every place that shows such text goes
through here: labels are told their format (plain), message boxes too, and tooltips — which have no format
switch — get the text escaped into rich text that shows it literally.
"""

from __future__ import annotations

from app.widgets.qt import Qt, QtGui, QtWidgets

__all__ = ["ask", "plain_label", "plain_tooltip", "set_plain", "warn"]


def set_plain(label: QtWidgets.QLabel) -> QtWidgets.QLabel:
    """Show whatever ``label`` is given as plain text from now on; returns it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", parent: QtWidgets.QWidget | None = None) -> QtWidgets.QLabel:
    """A ``QLabel`` that shows its text literally."""
    return set_plain(QtWidgets.QLabel(text, parent))


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip shows it: unchanged where Qt would show it as plain text anyway, else escaped into
    rich text that shows every character (line breaks and runs of spaces kept)."""
    if not text or not QtGui.Qt.mightBeRichText(text):
        return text
    return QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


def warn(parent: QtWidgets.QWidget | None, text: str, title: str = "Mojiscope") -> None:
    """A modal warning whose text (a file name, an error naming a line of a file) is shown literally."""
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning, title, text, QtWidgets.QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def ask(
    parent: QtWidgets.QWidget | None,
    text: str,
    accept: str,
    *,
    remember: str = "Don't ask again",
    title: str = "Mojiscope",
) -> tuple[bool, bool]:
    """A modal question whose text is shown literally, with an ``accept`` button, Cancel (the default: Enter
    or Escape keep things as they are) and a "don't ask again" box; returns (accepted, don't ask again)."""
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Question, title, text, QtWidgets.QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    yes = box.addButton(accept, QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    check = QtWidgets.QCheckBox(remember, box)
    box.setCheckBox(check)
    box.exec()
    accepted = box.clickedButton() is yes
    return accepted, accepted and check.isChecked()
