"""The Explain panel: the story of a selection's mojibake, the live byte inspector and the shell matrix.

DESIGN §6 "Explain". Select cells in the terminal or bytes in the Bytes panel and the window hands the bytes (or,
where no bytes are known, the text) to :meth:`ExplainPanel.explain_bytes` / :meth:`ExplainPanel.explain_text`; the
panel shows the headline ("UTF-8 bytes read as GBK (cp936): 浣犲ソ → 你好"), the original, each step with the bytes
that travelled, what was lost, and the shell matrix for those bytes. Hovering a byte in the Bytes panel fills the
inspector: the run around it in every code page, the plausible reading in bold. Everything is computed by
:mod:`app.inspect.explain`; this module only lays it out, as plain text (what it shows comes from outside).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.inspect.explain.shell_matrix import OEM_CODE_PAGES, Prediction, predict
from app.widgets.clear_button import clear_button_when_needed
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal

if TYPE_CHECKING:  # the explainer itself is imported when first used: it costs start-up time (ftfy, tables)
    from app.inspect.explain import Explanation
    from app.inspect.explain.inspector import Reading

__all__ = ["ExplainPanel"]


def _plain_label(parent: QtWidgets.QWidget, text: str = "") -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(parent: QtWidgets.QWidget, headers: list[str]) -> QtWidgets.QTableWidget:
    table = QtWidgets.QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _item(text: str, *, bold: bool = False, tip: str = "") -> QtWidgets.QTableWidgetItem:
    item = QtWidgets.QTableWidgetItem(text)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    if tip:
        item.setToolTip(_safe(tip))
    return item


def _text(item: QtWidgets.QTableWidgetItem | None) -> str:
    return "" if item is None else item.text()


def _safe(text: str) -> str:
    """Text for a tooltip, which Qt takes for rich text when it looks like markup: escaped into a paragraph, so it
    is shown exactly as it is, never interpreted."""
    return str(QtGui.Qt.convertFromPlainText(text))


class ExplainPanel(QtWidgets.QWidget):
    """See the module docstring. ``explained(Explanation)`` is emitted after each explanation (tests, status)."""

    explained = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation: Explanation | None = None
        self._matrix_bytes = b""
        self._hover_run = b""

        self.entry = QtWidgets.QLineEdit(self)
        self.entry.setPlaceholderText("paste garbled text (浣犲ソ, Ã©tÃ©, ├⌐) or hex (E4 BD A0) — Enter")
        clear_button_when_needed(self.entry)
        self.entry.returnPressed.connect(self._explain_entry)

        self.headline = _plain_label(self, "Select cells in the terminal or bytes in Bytes to explain them.")
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.original = QtWidgets.QPlainTextEdit(self)
        self.original.setReadOnly(True)
        self.original.setPlaceholderText("the original text")
        self.original.setMaximumHeight(48)
        self.steps = _table(self, ["step", "written as", "read as", "bytes"])
        self.steps.setMaximumHeight(84)
        self.details = _plain_label(self)

        self.inspector_title = _plain_label(self, "Hover a byte in Bytes: its run in the common code pages.")
        self.inspector = _table(self, ["code page", "reads"])

        self.matrix_title = _plain_label(self, "Shell matrix (predicted, not observed) for the selected bytes")
        self.system_cp = QtWidgets.QComboBox(self)
        for cp, language in OEM_CODE_PAGES.items():
            self.system_cp.addItem(f"system code page {cp} ({language})", cp)
        self.system_cp.currentIndexChanged.connect(lambda _i: self._fill_matrix())
        self.matrix = _table(self, ["where", "shows", "rule"])
        self.matrix.setColumnWidth(0, 190)
        self.matrix.setColumnWidth(1, 170)
        # Rows fit their wrapped text again whenever the panel is shown or resized (the columns' widths change).
        self._fit = QtCore.QTimer(self)
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self._fit_rows)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.entry)
        layout.addWidget(self.headline)
        layout.addWidget(self.original)
        layout.addWidget(self.steps)
        layout.addWidget(self.details)
        # The inspector and the matrix share the space below the story; hovering a byte brings the inspector up.
        self.below = QtWidgets.QTabWidget(self)
        self.below.setDocumentMode(True)
        inspector_page = QtWidgets.QWidget(self.below)
        box = QtWidgets.QVBoxLayout(inspector_page)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.inspector_title)
        box.addWidget(self.inspector, 1)
        matrix_page = QtWidgets.QWidget(self.below)
        box = QtWidgets.QVBoxLayout(matrix_page)
        box.setContentsMargins(0, 4, 0, 0)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.matrix_title, 1)
        row.addWidget(self.system_cp)
        box.addLayout(row)
        box.addWidget(self.matrix, 1)
        self.below.addTab(matrix_page, "Shell matrix")
        self.below.addTab(inspector_page, "Inspector (hover a byte)")
        layout.addWidget(self.below, 1)

    # ------------------------------------------------------------------ explaining

    def explain_bytes(self, data: bytes, read_as: str) -> Explanation:
        """Explain bytes the terminal read as ``read_as`` (its code page); the matrix shows them too."""
        from app.inspect.explain import Explanation, explain_bytes

        try:
            found = explain_bytes(data, read_as)
        except LookupError:
            found = explain_bytes(data, "utf-8")
            found = Explanation(found.seen, found.original, found.steps, found.confidence, found.lost,
                                found.segments, (*found.notes, f"{read_as} is not explained here: read as UTF-8"),
                                found.data)  # fmt: skip
        self._show(found, matrix_bytes=data, matrix_note="for the selected bytes")
        return found

    def explain_text(self, text: str) -> Explanation:
        """Explain text with no bytes behind it; the matrix shows what a program writing the original as UTF-8
        (Go does) would look like."""
        from app.inspect.explain import explain_text

        found = explain_text(text)
        original = found.original if found.found and found.original is not None else text
        self._show(found, matrix_bytes=original.encode("utf-8", "replace"),
                   matrix_note="for the original written as UTF-8 (as Go writes)")  # fmt: skip
        return found

    def _explain_entry(self) -> None:
        text = self.entry.text()
        if not text.strip():
            return
        try:
            data = bytes.fromhex(text)
        except ValueError:
            self.explain_text(text)
        else:
            self.explain_bytes(data, "utf-8")

    def _show(self, found: Explanation, *, matrix_bytes: bytes, matrix_note: str) -> None:
        from app.inspect.explain import hex_bytes

        self.explanation = found
        self.headline.setText(found.headline())
        self.original.setPlainText(found.original or "" if found.found else "")
        self.steps.setRowCount(len(found.steps))
        for i, step in enumerate(found.steps):
            self.steps.setItem(i, 0, _item(str(i + 1)))
            self.steps.setItem(i, 1, _item(step.written_as.label))
            self.steps.setItem(i, 2, _item(step.read_as.label))
            self.steps.setItem(i, 3, _item(hex_bytes(step.data), tip=hex_bytes(step.data, 512)))
        self.steps.resizeColumnsToContents()
        # Only what there is to see: no empty original or step table for clean text.
        self.original.setVisible(found.found)
        self.steps.setVisible(bool(found.steps))
        lines = [f"confidence: {found.confidence:.0%}"] if found.found else []
        lines += [f"lost: {note}" for note in found.lost]
        lines += [f"note: {note}" for note in found.notes]
        self.details.setText("\n".join(lines))
        self._matrix_bytes = matrix_bytes
        self.matrix_title.setText(f"Shell matrix (predicted, not observed) {matrix_note}")
        self._fill_matrix()
        self.below.setCurrentIndex(0)
        self.explained.emit(found)

    def _fill_matrix(self) -> None:
        data = self._matrix_bytes[:4096]
        if not data:
            self.matrix.setRowCount(0)
            return
        cells: list[Prediction] = predict(data, int(self.system_cp.currentData()))
        self.matrix.setRowCount(len(cells))
        for i, cell in enumerate(cells):
            self.matrix.setItem(i, 0, _item(cell.place + (" (predicted)" if cell.predicted else "")))
            shown = cell.shown if len(cell.shown) <= 200 else cell.shown[:199] + "…"
            self.matrix.setItem(i, 1, _item(shown, tip=cell.shown[:2000]))
            self.matrix.setItem(i, 2, _item(cell.rule, tip=cell.rule))
        self._fit.start()

    def matrix_rows(self) -> list[tuple[str, str, str]]:
        """What the matrix shows, row by row (place, shown, rule)."""
        rows = []
        for r in range(self.matrix.rowCount()):
            place, shown, rule = (_text(self.matrix.item(r, c)) for c in range(3))
            rows.append((place, shown, rule))
        return rows

    # ------------------------------------------------------------------ the live inspector

    def inspect(self, run: bytes, offset: int | None = None) -> list[Reading]:
        """Show ``run`` (the bytes around the hovered one) in every code page."""
        if run == self._hover_run:
            return []
        self._hover_run = run
        if not run:
            self.inspector.setRowCount(0)
            self.inspector_title.setText("Hover a byte in Bytes: its run in the common code pages.")
            return []
        from app.inspect.explain import hex_bytes
        from app.inspect.explain.inspector import inspect_run

        readings = inspect_run(run)
        self.below.setCurrentIndex(1)
        where = f" at offset {offset}" if offset is not None else ""
        self.inspector_title.setText(f"{hex_bytes(run)}{where} in the common code pages (bold: reads as text)")
        self.inspector.setRowCount(len(readings))
        for i, reading in enumerate(readings):
            self.inspector.setItem(i, 0, _item(reading.code_page.label, bold=reading.best))
            text = reading.text if reading.text is not None else "(cannot decode these bytes)"
            item = _item(text, bold=reading.best)
            if reading.text is None:
                item.setForeground(QtGui.QBrush(self.palette().color(QtGui.QPalette.ColorRole.PlaceholderText)))
            self.inspector.setItem(i, 1, item)
        return readings

    def inspector_rows(self) -> list[tuple[str, str, bool]]:
        """What the inspector shows (code page, reading, bold)."""
        rows = []
        for r in range(self.inspector.rowCount()):
            reading = self.inspector.item(r, 1)
            bold = reading is not None and reading.font().bold()
            rows.append((_text(self.inspector.item(r, 0)), _text(reading), bold))
        return rows

    def _fit_rows(self) -> None:
        self.matrix.resizeRowsToContents()
        self.inspector.resizeRowsToContents()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self._fit.start()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit.start()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(420, 640)
