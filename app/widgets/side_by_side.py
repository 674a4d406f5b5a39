"""One run, two views (Session ▸ Run side by side…): a command on a pty/ConPTY and through pipes, shown together.

Both screens and both byte streams, with the screen rows and the bytes that differ highlighted. The runs and the
comparison are :mod:`app.inspect.two_views`; this window starts them on the app's asyncio loop and lays them out.
Program output is shown as plain text.
"""

from __future__ import annotations

import asyncio
import os
import shlex
from pathlib import Path

from app import launch_environment
from app.inspect.two_views import TwoViews, View, run_two_views
from app.pty.profiles import SessionPlan
from app.session.factory import command_plan
from app.widgets.qt import QtCore, QtGui, QtWidgets, Signal

__all__ = ["SideBySide", "hex_lines"]

#: Bytes shown in each hex pane (a screenful of output is far less).
MAX_SHOWN = 16 * 1024
_DIFF = QtGui.QColor("#ffd0d0")
_DIFF_DARK = QtGui.QColor("#7a1f1f")


def hex_lines(data: bytes, width: int = 16) -> list[str]:
    """``offset  hex…  text`` lines, the text column with non-printables as ``.``."""
    lines = []
    for off in range(0, min(len(data), MAX_SHOWN), width):
        chunk = data[off : off + width]
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{off:06x}  {' '.join(f'{b:02x}' for b in chunk):<{width * 3}} {text}")
    if len(data) > MAX_SHOWN:
        lines.append(f"… {len(data) - MAX_SHOWN} more bytes")
    return lines


class _Pane(QtWidgets.QWidget):
    """One view: a title, the screen, the bytes."""

    def __init__(self, title: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QtWidgets.QLabel(title, self)
        self.title.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.screen_text = QtWidgets.QPlainTextEdit(self)
        self.screen_text.setReadOnly(True)
        self.screen_text.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
        self.screen_text.setFont(font)
        self.bytes_text = QtWidgets.QPlainTextEdit(self)
        self.bytes_text.setReadOnly(True)
        self.bytes_text.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
        self.bytes_text.setFont(font)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(QtWidgets.QLabel("Screen", self))
        layout.addWidget(self.screen_text, 3)
        layout.addWidget(QtWidgets.QLabel("Bytes", self))
        layout.addWidget(self.bytes_text, 2)

    def show_view(self, view: View, rows: tuple[int, ...], ranges: list[tuple[int, int]]) -> None:
        status = view.error or ("still running" if view.status is None else f"exit status {view.status}")
        self.title.setText(f"{view.backend}: {len(view.data)} bytes, {status}")
        self.screen_text.setPlainText("\n".join(view.rows))
        self.bytes_text.setPlainText("\n".join(hex_lines(view.data)))
        self.screen_text.setExtraSelections([self._line(self.screen_text, r) for r in rows])
        self.bytes_text.setExtraSelections([sel for a, b in ranges for sel in self._byte_range(a, b)])

    def _color(self) -> QtGui.QColor:
        dark = self.palette().color(QtGui.QPalette.ColorRole.Base).lightness() < 128
        return _DIFF_DARK if dark else _DIFF

    def _line(self, edit: QtWidgets.QPlainTextEdit, row: int) -> QtWidgets.QTextEdit.ExtraSelection:
        sel = QtWidgets.QTextEdit.ExtraSelection()
        sel.format.setBackground(self._color())
        sel.format.setProperty(QtGui.QTextFormat.Property.FullWidthSelection, True)
        block = edit.document().findBlockByNumber(row)
        sel.cursor = QtGui.QTextCursor(block)
        return sel

    def _byte_range(self, start: int, end: int) -> list[QtWidgets.QTextEdit.ExtraSelection]:
        """The hex digits of bytes ``[start, end)`` (a deleted range of length 0 marks the byte after it)."""
        end = max(end, start + 1)
        found = []
        doc = self.bytes_text.document()
        for off in range(start, min(end, MAX_SHOWN)):
            block = doc.findBlockByNumber(off // 16)
            if not block.isValid():
                break
            col = 8 + (off % 16) * 3
            cursor = QtGui.QTextCursor(block)
            cursor.setPosition(block.position() + col)
            cursor.setPosition(block.position() + col + 2, QtGui.QTextCursor.MoveMode.KeepAnchor)
            sel = QtWidgets.QTextEdit.ExtraSelection()
            sel.format.setBackground(self._color())
            sel.cursor = cursor
            found.append(sel)
        return found


class SideBySide(QtWidgets.QWidget):
    """The command, Run, the two panes and a summary. ``finished(TwoViews)`` after each comparison."""

    finished = Signal(object)

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        command: str = "",
        cwd: str | os.PathLike[str] | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("One run, two views — Mojiscope")
        self._loop = loop
        self._task: asyncio.Task[None] | None = None
        self.result: TwoViews | None = None
        self.command = QtWidgets.QLineEdit(command, self)
        self.command.setPlaceholderText("a command, e.g. go test -v ./...")
        self.command.returnPressed.connect(self.run)
        self.folder = QtWidgets.QLineEdit(str(cwd) if cwd else str(Path.home()), self)
        self.folder.setToolTip("The folder the command runs in")
        self.run_button = QtWidgets.QPushButton("Run both", self)
        self.run_button.clicked.connect(self.run)
        self.explain = QtWidgets.QLabel(
            "The same command runs twice: on a terminal (a pty here, ConPTY on Windows — what a terminal window "
            "receives) and through plain pipes (the exact bytes the program wrote — what PowerShell 5.1, | more or "
            "test2json decode). Red: rows and bytes that differ.",
            self,
        )
        self.explain.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.explain.setWordWrap(True)
        self.summary = QtWidgets.QLabel("", self)
        self.summary.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.terminal_pane = _Pane("terminal (pty / ConPTY)", self)
        self.pipe_pane = _Pane("pipes", self)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Command:", self))
        top.addWidget(self.command, 3)
        top.addWidget(QtWidgets.QLabel("in", self))
        top.addWidget(self.folder, 2)
        top.addWidget(self.run_button)
        panes = QtWidgets.QHBoxLayout()
        panes.addWidget(self.terminal_pane)
        panes.addWidget(self.pipe_pane)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.explain)
        layout.addLayout(panes, 1)
        layout.addWidget(self.summary)
        self.resize(1200, 720)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The running (or last) pair of runs."""
        return self._task

    def run(self) -> None:
        """Run the command on both backends (one after the other) and show the comparison."""
        if self._task is not None and not self._task.done():
            return
        try:
            argv = shlex.split(self.command.text(), posix=os.name != "nt")
        except ValueError as exc:
            self.summary.setText(f"cannot read the command: {exc}")
            return
        if not argv:
            self.summary.setText("type a command first")
            return
        folder = self.folder.text().strip() or None
        if folder is not None and not Path(folder).is_dir():
            self.summary.setText(f"no such folder: {folder}")
            return
        plan = command_plan(argv, env=launch_environment())
        self.run_button.setEnabled(False)
        self.summary.setText("running on the terminal, then through pipes…")
        self._task = self._loop.create_task(self._run(plan, folder))

    async def _run(self, plan: SessionPlan, folder: str | None) -> None:
        try:
            result = await run_two_views(plan, cwd=folder, cols=100, rows=30)
        finally:
            self.run_button.setEnabled(True)
        self.show_result(result)

    def show_result(self, result: TwoViews) -> None:
        self.result = result
        left = [(a0, a1) for _tag, a0, a1, _b0, _b1 in result.byte_changes]
        right = [(b0, b1) for _tag, _a0, _a1, b0, b1 in result.byte_changes]
        self.terminal_pane.show_view(result.terminal, result.differing_rows, left)
        self.pipe_pane.show_view(result.pipe, result.differing_rows, right)
        self.summary.setText(result.summary())
        self.finished.emit(result)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().closeEvent(event)
