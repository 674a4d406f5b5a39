"""A one-line label that shows as much of its text as fits, ending in "…", with the whole text on hover.

Status lines carry things of any length (an environment overlay, a recording's path, a long message): a
plain label either widens the window or cuts the text at the edge with no sign that more was there. Here
``text()`` stays the whole text (for tests and copying), only the painting elides, and a right click copies
the whole text.
"""

from __future__ import annotations

from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets

__all__ = ["ElidedLabel"]


class ElidedLabel(QtWidgets.QLabel):
    """See the module docstring. The tooltip is set by the owner (or is the text itself when elided)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QtGui.QAction("Copy", self)
        copy.triggered.connect(lambda: QtGui.QGuiApplication.clipboard().setText(self.text()))
        self.addAction(copy)

    def shown_text(self) -> str:
        """What is painted now: the text, elided to the width it has."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        try:
            painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QtCore.QRectF(self.contentsRect()), int(align), self.shown_text())
        finally:
            painter.end()
