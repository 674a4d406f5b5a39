"""The Tests panel: a ``go test`` preset editor, Run / Rerun failed, and the package → test → subtest tree.

DESIGN §6.  The panel does not start anything itself: Run and Rerun failed emit :attr:`TestsPanel.run_requested`
with a :class:`~app.gotest.GoTestPreset` and the window starts the session (it owns sessions, the
terminal and the recorder), then hands the session's output back through :meth:`TestsPanel.feed`.  All parsing
is headless (:mod:`app.gotest`); this module turns the parsed run into rows.

Why the tree is refreshed on a timer and not on every read: a chatty run delivers thousands of reads a second,
and rebuilding rows for each one would take the event loop from the terminal.  :meth:`TestsPanel.feed` only
parses and schedules; :meth:`TestsPanel.refresh` (also callable directly, e.g. by tests) updates the rows that
changed and reorders a level only when its order changed, so expansion and selection survive a live run.

Clicking a row emits :attr:`TestsPanel.line_selected` with the ``[start, end)`` stream offsets of the node's
target line — for a failed test its failure (the ``file_test.go:29:`` line it printed, else its ``--- FAIL``
line), for others their ``=== RUN`` line; a package's result line, or its first build error — which the
window maps to the terminal line and to the Bytes panel.
"""

from __future__ import annotations

import shlex
import time
from typing import TypeAlias

from app.gotest import GoTestPreset, GoTestRun, Marker, NamedPreset, OutputLine, PackageNode, Status, TestNode
from app.pty.profiles import PROFILES
from app.widgets.plain_text import plain_label, plain_tooltip
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal

__all__ = ["STATUS_COLOURS", "TestsPanel"]

Node: TypeAlias = PackageNode | TestNode

#: Colour of each status (text and icon); fixed, so screenshots and tests are stable on any desktop theme.
STATUS_COLOURS: dict[Status, str] = {
    Status.FAIL: "#c62828",
    Status.PASS: "#2e7d32",
    Status.SKIP: "#8d6e00",
    Status.RUN: "#1565c0",
    Status.PAUSED: "#6a1b9a",
}
#: Milliseconds between tree refreshes while output streams in (fast enough to look live).
REFRESH_MS = 100
#: The longest the tree waits between refreshes while output keeps changing it (ms).
MAX_REFRESH_MS = 2000
#: Output lines shown in a row's tooltip (the failure message is usually among the first).
TOOLTIP_LINES = 15

_COL_NAME, _COL_STATUS, _COL_TIME = range(3)
_KEY_ROLE = int(Qt.ItemDataRole.UserRole)
_TIME_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: A test row's status column (``Enum.value`` is a slow descriptor, read once per row of a big tree).
_STATUS_TEXT = {status: status.value.upper() for status in Status}
_BUILD_FAILED, _NO_TEST_FILES, _CACHED = "BUILD FAILED", "no test files", "ok (cached)"
#: Every text the status column shows (its header too), and the widest time (runs over 2.7 hours are elided).
_STATUS_WIDEST = (_BUILD_FAILED, _NO_TEST_FILES, _CACHED, "Status", *_STATUS_TEXT.values())
_TIME_WIDEST = ("9999.99s", "Time")


def _status_icon(colour: str, status: Status) -> QtGui.QIcon:
    """A disc in the status colour with a mark (✓ ✗ ▶ …) drawn as lines, so no font is needed for it."""
    size = 14
    pixmap = QtGui.QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QtGui.QColor(colour))
    painter.drawEllipse(QtCore.QRectF(0.5, 0.5, size - 1, size - 1))
    pen = QtGui.QPen(QtGui.QColor("#ffffff"), 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(QtGui.QColor("#ffffff"))
    if status is Status.PASS:
        painter.drawPolyline([QtCore.QPointF(3.5, 7.5), QtCore.QPointF(6, 10), QtCore.QPointF(10.5, 4.5)])
    elif status is Status.FAIL:
        painter.drawLine(QtCore.QPointF(4.5, 4.5), QtCore.QPointF(9.5, 9.5))
        painter.drawLine(QtCore.QPointF(9.5, 4.5), QtCore.QPointF(4.5, 9.5))
    elif status is Status.SKIP:
        painter.drawLine(QtCore.QPointF(4, 7), QtCore.QPointF(10, 7))
    elif status is Status.RUN:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon([QtCore.QPointF(5, 4), QtCore.QPointF(10.5, 7), QtCore.QPointF(5, 10)])
    else:  # paused
        painter.drawLine(QtCore.QPointF(5.5, 4.5), QtCore.QPointF(5.5, 9.5))
        painter.drawLine(QtCore.QPointF(8.5, 4.5), QtCore.QPointF(8.5, 9.5))
    painter.end()
    return QtGui.QIcon(pixmap)


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}s"


def _tooltip(lines: list[OutputLine], dropped: int) -> str:
    shown = [line.text for line in lines[:TOOLTIP_LINES]]
    more = len(lines) - len(shown) + dropped
    if more > 0:
        shown.append(f"… {more} more lines")
    return "\n".join(shown)


class _PresetEditor(QtWidgets.QWidget):
    """Folder, packages, flags, extra environment, profile, UTF-8 and record: one :class:`GoTestPreset`."""

    def __init__(self, preset: GoTestPreset, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        form = QtWidgets.QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.folder = QtWidgets.QLineEdit()
        self.folder.setPlaceholderText("the module (or a package) to test")
        browse = QtWidgets.QToolButton()
        browse.setText("…")
        browse.setToolTip("Choose the folder")
        browse.clicked.connect(self._browse)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Folder", row)
        self.packages = QtWidgets.QLineEdit()
        self.packages.setPlaceholderText("./...")
        form.addRow("Packages", self.packages)
        self.flags = QtWidgets.QLineEdit()
        self.flags.setPlaceholderText("-v, -json, -count=1, -run …")
        form.addRow("Flags", self.flags)
        self.env = QtWidgets.QLineEdit()
        self.env.setPlaceholderText("KEY=VALUE … (added to the environment)")
        form.addRow("Env", self.env)
        self.profile = QtWidgets.QComboBox()
        for name, prof in PROFILES.items():
            self.profile.addItem(prof.title, name)
        self.utf8 = QtWidgets.QCheckBox("UTF-8")
        self.utf8.setToolTip("Pull the profile's UTF-8 levers (locale, chcp, PowerShell encodings, PYTHONUTF8)")
        self.record = QtWidgets.QCheckBox("Record")
        self.record.setToolTip("Write a recording (.cast) of the run, with a marker at each test and failure")
        options = QtWidgets.QHBoxLayout()
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(self.profile, 1)
        options.addWidget(self.utf8)
        options.addWidget(self.record)
        form.addRow("Profile", options)
        self.set_preset(preset)

    def set_preset(self, preset: GoTestPreset) -> None:
        self.folder.setText(preset.folder)
        self.packages.setText(shlex.join(preset.packages))
        self.flags.setText(shlex.join(preset.flags))
        self.env.setText(" ".join(shlex.quote(f"{k}={v}") for k, v in preset.env))
        index = self.profile.findData(preset.profile)
        self.profile.setCurrentIndex(max(index, 0))
        self.utf8.setChecked(preset.utf8)
        self.record.setChecked(preset.record)
        self._go = preset.go

    def preset(self) -> GoTestPreset:
        """The preset as edited; a :class:`ValueError` says which field is wrong and why."""
        folder = self.folder.text().strip()
        if not folder:
            raise ValueError("choose the folder to run go test in")
        try:
            packages = tuple(shlex.split(self.packages.text())) or ("./...",)
            flags = tuple(shlex.split(self.flags.text()))
            env_items = shlex.split(self.env.text())
        except ValueError as exc:  # an unclosed quote
            raise ValueError(f"cannot split the fields into words: {exc}") from None
        env: list[tuple[str, str]] = []
        for item in env_items:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ValueError(f"environment entries are KEY=VALUE, not {item!r}")
            env.append((key, value))
        return GoTestPreset(
            folder=folder,
            packages=packages,
            flags=flags,
            profile=str(self.profile.currentData()),
            utf8=self.utf8.isChecked(),
            record=self.record.isChecked(),
            env=tuple(env),
            go=self._go,
        )

    def _browse(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder to run go test in", self.folder.text())
        if folder:
            self.folder.setText(folder)


class TestsPanel(QtWidgets.QWidget):
    """Preset editor, Run / Rerun failed, counts and the tree of a ``go test`` run fed from a session.

    Signals: :attr:`line_selected` ``(start, end)`` stream offsets of a clicked row's first line;
    :attr:`run_requested` a :class:`GoTestPreset` to start (Run: the edited one; Rerun failed: narrowed with
    ``-run``); :attr:`marker_found` ``(label, offset)`` for the recording's ``"m"`` events (``RUN Test加法``,
    ``FAIL Test失败``), emitted as :meth:`feed` finds them.
    """

    __test__ = False  # not a pytest test class, whatever its name says

    line_selected = Signal(int, int)
    run_requested = Signal(object)
    marker_found = Signal(str, int)

    def __init__(
        self,
        preset: GoTestPreset | None = None,
        encoding: str = "utf-8",
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._encoding = encoding
        self._run = self._new_run()
        self._items: dict[int, QtWidgets.QTreeWidgetItem] = {}
        self._nodes: dict[int, Node] = {}
        self._shown: dict[int, tuple[object, ...]] = {}
        self._shown_generation = -1
        self._to_expand: list[QtWidgets.QTreeWidgetItem] = []
        self._icons = {status: _status_icon(colour, status) for status, colour in STATUS_COLOURS.items()}
        self._colours = {status: QtGui.QColor(colour) for status, colour in STATUS_COLOURS.items()}

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # Ready-made presets (the demo module's: green, with a failure…), each with what it shows.
        self.presets = QtWidgets.QComboBox()
        self.presets.setToolTip("Fill the fields below with a ready-made run")
        self.presets.activated.connect(self._preset_chosen)
        self.presets.hide()
        self.preset_note = QtWidgets.QLabel()
        self.preset_note.setTextFormat(Qt.TextFormat.PlainText)
        self.preset_note.setWordWrap(True)
        self.preset_note.hide()
        self._named: list[NamedPreset] = []
        layout.addWidget(self.presets)
        layout.addWidget(self.preset_note)
        self.editor = _PresetEditor(preset or GoTestPreset(folder=""))
        layout.addWidget(self.editor)

        buttons = QtWidgets.QHBoxLayout()
        self.run_button = QtWidgets.QPushButton("Run")
        self.run_button.setToolTip("Start go test with this preset")
        self.run_button.clicked.connect(self._on_run)
        self.rerun_button = QtWidgets.QPushButton("Rerun failed")
        self.rerun_button.setToolTip("Run only the tests that failed (go test -run '^(…)$')")
        self.rerun_button.setEnabled(False)
        self.rerun_button.clicked.connect(self._on_rerun)
        self.reuse_tab = QtWidgets.QCheckBox("Reuse tab")
        self.reuse_tab.setToolTip("Run in the tab of the previous run (it is closed first) instead of a new tab")
        self.reuse_tab.setChecked(True)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.rerun_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reuse_tab)
        layout.addLayout(buttons)

        self.error_label = plain_label()
        self.error_label.setStyleSheet(f"color: {STATUS_COLOURS[Status.FAIL]};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.counts_label = plain_label()
        font = self.counts_label.font()
        font.setBold(True)
        self.counts_label.setFont(font)
        layout.addWidget(self.counts_label)

        self.tree = QtWidgets.QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Test", "Status", "Time"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_COL_NAME, QtWidgets.QHeaderView.ResizeMode.Stretch)
        # Status and time get widths that fit their widest possible text, set once (the user may drag them):
        # ResizeToContents asked every row for its size hint on each change, ~4 % of the window's time while a
        # flood filled the tree (py-spy on `bench --gui --gui-tests front`).
        metrics = self.tree.fontMetrics()
        margin = 2 * (self.tree.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 8
        for column, texts in ((_COL_STATUS, _STATUS_WIDEST), (_COL_TIME, _TIME_WIDEST)):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, max(metrics.horizontalAdvance(text) for text in texts) + margin)
        self.tree.itemClicked.connect(self._on_item)
        # Tooltips (a test's output) are made when asked for, not per row: a run of 100,000 tests would
        # otherwise build 100,000 tooltips every time the tree is built.
        self.tree.viewport().installEventFilter(self)
        self.tree.itemActivated.connect(self._on_item)
        layout.addWidget(self.tree, 1)

        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ feeding

    @property
    def run(self) -> GoTestRun:
        """The parsed run the tree shows."""
        return self._run

    def feed(self, offset: int, data: bytes) -> None:
        """A read of the session's output at stream ``offset``: parsed now, shown at the next refresh."""
        self._run.feed(data, offset)
        self.notify()

    def set_presets(self, named: list[NamedPreset]) -> None:
        """Offer ``named`` presets in the chooser (its entries' tooltips say what each shows)."""
        self._named = list(named)
        self.presets.clear()
        self.presets.addItem("Presets…")
        for i, item in enumerate(self._named, 1):
            self.presets.addItem(item.title)
            self.presets.setItemData(i, item.description, Qt.ItemDataRole.ToolTipRole)
        self.presets.setVisible(bool(self._named))

    def choose_preset(self, title: str) -> GoTestPreset:
        """Put the named preset ``title`` into the editor (what choosing it in the chooser does)."""
        index = self.presets.findText(title)
        if index < 1:
            raise KeyError(title)
        self.presets.setCurrentIndex(index)
        self._preset_chosen(index)
        return self.editor.preset()

    def _preset_chosen(self, index: int) -> None:
        if 1 <= index <= len(self._named):
            named = self._named[index - 1]
            self.editor.set_preset(named.preset)
            self.preset_note.setText(named.description)
            self.preset_note.show()

    def show_run(self, run: GoTestRun) -> None:
        """Show a run parsed elsewhere (each session tab parses its own output as it arrives, so switching
        tabs rebuilds the tree from the model instead of re-reading the tab's bytes)."""
        self._timer.stop()
        self._run = run
        self._encoding = run.encoding
        self.tree.clear()
        self._items.clear()
        self._nodes.clear()
        self._shown.clear()
        self._to_expand.clear()
        self._shown_generation = -1
        self.refresh()

    def notify(self) -> None:
        """The shown run was fed elsewhere: refresh at the next tick if it changed — and only while the panel
        can be seen: a refresh walks the whole tree, which under a flood of test output is time the terminal's
        frames need; a hidden panel catches up when it is shown."""
        if not self._timer.isActive() and self.isVisible() and self._run.generation != self._shown_generation:
            self._timer.start()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._run.generation != self._shown_generation:
            self.refresh()

    def finish(self) -> None:
        """The session ended: take its last, unterminated line, and show the final state now."""
        self._run.finish()
        self.refresh()

    def clear(self, encoding: str | None = None) -> None:
        """Forget the run (a new one starts); ``encoding``: decode the next one's names and output with it."""
        if encoding is not None:
            self._encoding = encoding
        self.show_run(self._new_run())

    def _new_run(self) -> GoTestRun:
        return GoTestRun(self._encoding, on_marker=self._on_marker)

    def _on_marker(self, marker: Marker) -> None:
        self.marker_found.emit(marker.label, marker.offset)

    # ------------------------------------------------------------------ presets

    def preset(self) -> GoTestPreset:
        """The preset in the editor (:class:`ValueError` when a field is wrong)."""
        return self.editor.preset()

    def set_preset(self, preset: GoTestPreset) -> None:
        self.editor.set_preset(preset)

    def _on_run(self) -> None:
        try:
            preset = self.preset()
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self._show_error("")
        self.clear()
        self.run_requested.emit(preset)

    def _on_rerun(self) -> None:
        try:
            preset = self.preset().rerun_failed(self._run)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        if preset is None:
            self._show_error("nothing failed: there is nothing to rerun")
            return
        self._show_error("")
        self.clear()
        self.run_requested.emit(preset)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # ------------------------------------------------------------------ rows

    def counts_text(self) -> str:
        return self.counts_label.text()

    def item_for(self, name: str, package: str | None = None) -> QtWidgets.QTreeWidgetItem | None:
        """The row of test ``name`` (full name), or of package ``name`` when ``package`` is ``""``."""
        if package == "":
            node: Node | None = self._run.packages.get(name)
        else:
            node = self._run.find(name, package)
        return None if node is None else self._items.get(id(node))

    def tooltip_for(self, item: QtWidgets.QTreeWidgetItem | None) -> str:
        """What hovering a row shows: the first lines of the node's output, empty for no row or no output."""
        node = None if item is None else self.node_of(item)
        return "" if node is None else _tooltip(node.lines, node.lines_dropped)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if (
            watched is self.tree.viewport()
            and event.type() == QtCore.QEvent.Type.ToolTip
            and isinstance(event, QtGui.QHelpEvent)
        ):
            text = self.tooltip_for(self.tree.itemAt(event.pos()))
            if text:
                QtWidgets.QToolTip.showText(event.globalPos(), plain_tooltip(text), self.tree.viewport())
            else:
                QtWidgets.QToolTip.hideText()
                event.ignore()
            return True
        return super().eventFilter(watched, event)

    def node_of(self, item: QtWidgets.QTreeWidgetItem) -> Node | None:
        return self._nodes.get(item.data(_COL_NAME, _KEY_ROLE))

    def refresh(self) -> None:
        """Bring the rows and the counts up to date with the parsed run (now, not at the next tick)."""
        self._timer.stop()
        run = self._run
        if run.generation == self._shown_generation:
            return
        started = time.perf_counter()
        try:
            self._refresh(run)
        finally:
            # A big run makes each refresh slower: space them so the tree takes at most a fifth of the time.
            spent_ms = (time.perf_counter() - started) * 1000
            self._timer.setInterval(int(min(MAX_REFRESH_MS, max(REFRESH_MS, 5 * spent_ms))))

    def _refresh(self, run: GoTestRun) -> None:
        self._shown_generation = run.generation
        self.tree.setUpdatesEnabled(False)
        try:
            live: set[int] = set()
            packages = run.sorted_packages()
            for pkg in packages:
                item = self._row(pkg, live)
                self._sync_children(item, [self._test_rows(t, live) for t in pkg.sorted_tests()])
            self._sync_children(self.tree.invisibleRootItem(), [self._items[id(p)] for p in packages])
            # New packages and newly failed tests open, so a failure is visible without a click; only now,
            # with every row attached (expanding a row that is not in the tree does nothing).
            for item in self._to_expand:
                if item.treeWidget() is not None:
                    item.setExpanded(True)
            self._to_expand.clear()
            for key in [k for k in self._items if k not in live]:  # packages replaced by a later run
                del self._items[key], self._nodes[key], self._shown[key]
        finally:
            self.tree.setUpdatesEnabled(True)
        counts = run.counts()
        if counts.packages == 0:
            text = "No tests yet: Run, or run go test -v in the terminal"
            colour = "#555555"
        else:
            text = counts.summary()
            bad = counts.failed or counts.build_failed
            colour = STATUS_COLOURS[Status.FAIL if bad else Status.PASS if not counts.running else Status.RUN]
        self.counts_label.setText(text)
        self.counts_label.setStyleSheet(f"color: {colour};")
        self.rerun_button.setEnabled(bool(counts.failed or counts.build_failed))

    def _test_rows(self, test: TestNode, live: set[int]) -> QtWidgets.QTreeWidgetItem:
        item = self._row(test, live)
        self._sync_children(item, [self._test_rows(c, live) for c in test.sorted_children()])
        return item

    def _row(self, node: Node, live: set[int]) -> QtWidgets.QTreeWidgetItem:
        """The node's row, created or updated; only what changed since the last refresh is set."""
        key = id(node)
        live.add(key)
        item = self._items.get(key)
        if item is None:
            item = QtWidgets.QTreeWidgetItem()
            item.setData(_COL_NAME, _KEY_ROLE, key)
            item.setTextAlignment(_COL_TIME, _TIME_ALIGNMENT)
            self._items[key] = item
            self._nodes[key] = node
            if isinstance(node, PackageNode):
                self._to_expand.append(item)
        if isinstance(node, PackageNode):
            name, status_text = node.title, self._package_status(node)
        else:
            name, status_text = node.short_name, _STATUS_TEXT[node.status]
        state = (name, node.status, status_text, node.elapsed)
        if self._shown.get(key) == state:
            return item
        was_failed = key in self._shown and self._shown[key][1] is Status.FAIL
        self._shown[key] = state
        colour = self._colours[node.status]
        item.setText(_COL_NAME, name)
        item.setIcon(_COL_NAME, self._icons[node.status])
        item.setText(_COL_STATUS, status_text)
        item.setForeground(_COL_STATUS, colour)
        if node.status is Status.FAIL:
            item.setForeground(_COL_NAME, colour)
        else:
            item.setData(_COL_NAME, Qt.ItemDataRole.ForegroundRole, None)
        item.setText(_COL_TIME, _seconds(node.elapsed))
        if node.status is Status.FAIL and not was_failed:
            self._to_expand.append(item)
        return item

    @staticmethod
    def _package_status(pkg: PackageNode) -> str:
        if pkg.build_failed:
            return _BUILD_FAILED
        if pkg.no_test_files:
            return _NO_TEST_FILES
        if pkg.cached and pkg.status is Status.PASS:
            return _CACHED
        return {Status.PASS: "ok", Status.FAIL: "FAIL"}.get(pkg.status, pkg.status.value.upper())

    def _sync_children(self, parent: QtWidgets.QTreeWidgetItem, wanted: list[QtWidgets.QTreeWidgetItem]) -> None:
        """Make ``parent``'s children exactly ``wanted``, in that order, touching them only if they differ
        (taking rows out and back loses their expansion, so it is saved and restored)."""
        current = [parent.child(i) for i in range(parent.childCount())]
        if current != wanted:
            expanded = {id(item): item.isExpanded() for item in wanted if item.treeWidget() is not None}
            parent.takeChildren()
            parent.addChildren(wanted)
            for item in wanted:
                if expanded.get(id(item)):
                    item.setExpanded(True)

    # ------------------------------------------------------------------ clicks

    def _on_item(self, item: QtWidgets.QTreeWidgetItem, _column: int = 0) -> None:
        node = self.node_of(item)
        line = None if node is None else node.target_line
        if line is not None:
            self.line_selected.emit(line.start, line.end)
