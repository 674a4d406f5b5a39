"""The Tests panel: a ``go test`` preset editor, Run / Rerun failed, and the package → test → subtest tree.

DESIGN §6.  The panel does not start anything itself: Run and Rerun failed emit :attr:`TestsPanel.run_requested`
with a :class:`~app.gotest.GoTestPreset` and the window starts the session (it owns sessions, the
terminal and the recorder), then hands the session's output back through :meth:`TestsPanel.feed`.  All parsing
is headless (:mod:`app.gotest`); this module turns the parsed run into rows.

Why the tree is refreshed on a timer and not on every read: a chatty run delivers thousands of reads a second,
and rebuilding rows for each one would take the event loop from the terminal.  :meth:`TestsPanel.feed` only
parses and schedules; :meth:`TestsPanel.refresh` (also callable directly, e.g. by tests) updates the rows that
changed, so expansion and selection survive a live run.

Why a refresh touches only what changed: a run of thousands of tests refreshed every tenth of a second cannot be
walked whole each time while a flood of output comes in (the walk and its sorting grew with the run).  The model
says which nodes changed since the panel last looked (:meth:`GoTestRun.take_changed`); each row knows its place
among its siblings (failures first, then run order: :class:`_Level`), so a new test is inserted where it belongs, a
test that fails moves to the failures, a package replaced by a second run gives its place to the new one, and the
counts line is kept from the rows' statuses.  :attr:`TestsPanel.incremental` off walks everything as before: the
simple way the tests hold the incremental one to.

Clicking a row emits :attr:`TestsPanel.line_selected` with the ``[start, end)`` stream offsets of the node's
target line — for a failed test its failure (the ``file_test.go:29:`` line it printed, else its ``--- FAIL``
line), for others their ``=== RUN`` line; a package's result line, or its first build error — which the
window maps to the terminal line and to the Bytes panel.
"""

from __future__ import annotations

import bisect
import collections
import math
import shlex
import time
from typing import TypeAlias

from app.gotest import Counts, GoTestPreset, GoTestRun, Marker, NamedPreset, OutputLine, PackageNode, Status, TestNode
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
#: While the run keeps changing, refreshes are at least this far apart (ms), counted from the end of the last one:
#: two a second still shows the tree filling, and each refresh costs more than its rows — Qt lays out and repaints
#: the whole visible tree after it (re-enabling updates repaints the widget), ~5-9 ms on this VM whatever changed,
#: twice the refresh's own time under a ``go test -v`` flood, all of it time the terminal's frames need (see
#: ``docs/vt-engine.md``, issue 15; four a second, 250 ms, was ~3 % of a flood with the panel in front for that
#: repaint alone).  A change after a quiet moment is still shown within :data:`REFRESH_MS`.
FLOOD_REFRESH_MS = 500
#: The longest the tree waits between refreshes while output keeps changing it (ms).
MAX_REFRESH_MS = 2000
#: How much more than it should a time difference may read on ``time.monotonic()`` (ms): a float near 10**5 s (a
#: day of uptime) holds it to ~1e-11 s, so a refresh due in exactly REFRESH_MS can read as 100.0000000001 ms.
_CLOCK_SLACK_MS = 0.5
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
_FAIL = Status.FAIL
#: The place of the package not named yet (a ``-v`` block still running): after every named one.
_LAST = 1 << 62
#: The key of the tree's root level in :attr:`TestsPanel._levels` (no node has id 0).
_ROOT = 0


class _Level:
    """The children of one row (or of the root), as places: failures first, then the others, each group in run order
    (``seq``: the order the panel first saw them in, which is the order the run made them; for packages their
    :attr:`~app.gotest.PackageNode.order`).  ``failed`` and ``others`` hold the sorted places of the rows in
    ``item``'s children, in that order; ``tail`` rows are counted in ``others`` but not yet added to ``item``
    (appended in one call when the refresh ends: most new rows go last)."""

    __slots__ = ("failed", "item", "others", "tail")

    def __init__(self, item: QtWidgets.QTreeWidgetItem) -> None:
        self.item = item
        self.failed: list[int] = []
        self.others: list[int] = []
        self.tail: list[QtWidgets.QTreeWidgetItem] = []

    def flush(self) -> None:
        if self.tail:
            self.item.addChildren(self.tail)
            self.tail = []

    def insert(self, row: QtWidgets.QTreeWidgetItem, seq: int, failed: bool) -> bool:
        """Put ``row`` at its place; ``True`` when it went to the tail (attached at :meth:`flush`)."""
        if failed:  # before the tail's rows whatever the index: they are all later
            i = bisect.bisect_left(self.failed, seq)
            self.failed.insert(i, seq)
            self.item.insertChild(i, row)
            return False
        others = self.others
        if not others or seq > others[-1]:
            others.append(seq)
            self.tail.append(row)
            return True
        self.flush()
        i = bisect.bisect_left(others, seq)
        others.insert(i, seq)
        self.item.insertChild(len(self.failed) + i, row)
        return False

    def index(self, seq: int, failed: bool) -> int:
        """Where the row at place ``seq`` is among ``item``'s children (tail included)."""
        if failed:
            return bisect.bisect_left(self.failed, seq)
        return len(self.failed) + bisect.bisect_left(self.others, seq)

    def take(self, seq: int, failed: bool) -> QtWidgets.QTreeWidgetItem | None:
        self.flush()
        group = self.failed if failed else self.others
        i = bisect.bisect_left(group, seq)
        del group[i]
        return self.item.takeChild(i if failed else len(self.failed) + i)


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
        self._shown: dict[int, tuple[str, Status, str, float | None]] = {}
        self._shown_generation = -1
        self._to_expand: list[QtWidgets.QTreeWidgetItem] = []
        #: Refresh only the rows the model says changed (off: walk the whole tree each time, the simple way the tests
        #: hold the incremental one to).  Set it before a run is shown (:meth:`show_run`), not during one.
        self.incremental = True
        self._seq: dict[int, int] = {}  # a row's place among its siblings (see _Level)
        self._levels: dict[int, _Level] = {}  # the children of each row that has some, and the root's (_ROOT)
        self._slots: dict[int, int] = {}  # a package's place (its order, or _LAST) → the key of the row there
        self._members: dict[int, list[int]] = {}  # a package's key → the keys of its tests' rows
        self._tally: collections.Counter[Status] = collections.Counter()  # the test rows' statuses
        self._build_failed: set[int] = set()  # the package rows that did not build
        self._next_seq = 0
        self._tails: dict[int, _Level] = {}  # levels with rows waiting in their tail
        self._dropped: list[QtWidgets.QTreeWidgetItem] = []  # taken out during a refresh, alive till its end
        self._placed: set[int] = set()  # the test rows made or updated during this refresh
        self._look_at_all = True  # a run just shown: every node is new to the rows
        self._icons = {status: _status_icon(colour, status) for status, colour in STATUS_COLOURS.items()}
        self._colours = {status: QtGui.QColor(colour) for status, colour in STATUS_COLOURS.items()}
        self._counts_colour = ""
        #: A new test row is a copy of its status's (one call in C++ instead of six through the binding).
        self._protos: dict[Status, QtWidgets.QTreeWidgetItem] = {}
        for status, colour in self._colours.items():
            proto = self._protos[status] = QtWidgets.QTreeWidgetItem()
            proto.setTextAlignment(_COL_TIME, _TIME_ALIGNMENT)
            proto.setIcon(_COL_NAME, self._icons[status])
            proto.setText(_COL_STATUS, _STATUS_TEXT[status])
            proto.setForeground(_COL_STATUS, colour)
            if status is Status.FAIL:
                proto.setForeground(_COL_NAME, colour)

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
        # The rows' wrappers go while the rows still exist: the tree's destroyed signal comes before Qt deletes its
        # rows, and a wrapper that outlived its row (the panel's dicts are freed whenever Python frees the panel)
        # could be handed out for a later Qt object at the same address.
        kept = (self._items, self._levels, self._to_expand, self._tails, self._dropped)
        self.tree.destroyed.connect(lambda *_: [k.clear() for k in kept])
        layout.addWidget(self.tree, 1)

        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        #: Fires REFRESH_MS after the run last changed while a spaced refresh is further off (see notify).
        self._settle = QtCore.QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(REFRESH_MS)
        self._settle.timeout.connect(self.refresh)
        #: How far apart refreshes are at least (ms): REFRESH_MS, more when the tree is big (see refresh).
        self._spacing_ms = REFRESH_MS
        #: When the last refresh ended (time.monotonic()): the next waits FLOOD_REFRESH_MS from it.
        self._refreshed_at = -math.inf
        #: When the pending refresh (``_timer``) is due (time.monotonic()).
        self._due = -math.inf
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
        self._seq.clear()
        self._levels.clear()
        self._slots.clear()
        self._members.clear()
        self._tally.clear()
        self._build_failed.clear()
        self._shown_generation = -1
        run.take_changed()  # what changed before: every row is new now, made by looking at every node
        self._look_at_all = True
        self.refresh()

    def notify(self) -> None:
        """The shown run was fed elsewhere: refresh at the next tick if it changed — and only while the panel
        can be seen: a refresh makes rows for every test parsed since the last one, which under a flood of test output
        is time the terminal's frames need; a hidden panel catches up when it is shown."""
        if not self.isVisible() or self._run.generation == self._shown_generation:
            return
        now = time.monotonic()
        if not self._timer.isActive():
            since_ms = min((now - self._refreshed_at) * 1000, FLOOD_REFRESH_MS)  # never refreshed: inf
            wait_ms = max(self._spacing_ms, math.ceil(FLOOD_REFRESH_MS - since_ms))
            self._timer.start(wait_ms)
            self._due = now + wait_ms / 1000
        # The run may stop changing before that refresh is due (a flood ended, the model caught up): then its last
        # state shows REFRESH_MS after its last change, not up to FLOOD_REFRESH_MS later.  Restarted by every change,
        # so it does not fire while changes keep coming; not needed once the spaced refresh is as near.  (By our own
        # clock: a coarse QTimer's remainingTime() can exceed its interval.)
        if (self._due - now) * 1000 > REFRESH_MS + _CLOCK_SLACK_MS:
            self._settle.start()
        else:
            self._settle.stop()

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
        self._settle.stop()
        run = self._run
        if run.generation == self._shown_generation:
            return
        started = time.perf_counter()
        try:
            if self.incremental:
                self._refresh_changed(run)
            else:
                self._refresh(run)
        finally:
            # A big run makes each refresh slower: space them so the tree takes at most a fifth of the time.
            spent_ms = (time.perf_counter() - started) * 1000
            self._spacing_ms = int(min(MAX_REFRESH_MS, max(REFRESH_MS, 5 * spent_ms)))
            self._refreshed_at = time.monotonic()

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
        self._show_counts(run.counts())

    def _show_counts(self, counts: Counts) -> None:
        if counts.packages == 0:
            text = "No tests yet: Run, or run go test -v in the terminal"
            colour = "#555555"
        else:
            text = counts.summary()
            bad = counts.failed or counts.build_failed
            colour = STATUS_COLOURS[Status.FAIL if bad else Status.PASS if not counts.running else Status.RUN]
        self.counts_label.setText(text)
        if colour != self._counts_colour:  # a style sheet is parsed and the label polished again: only on a change
            self._counts_colour = colour
            self.counts_label.setStyleSheet(f"color: {colour};")
        self.rerun_button.setEnabled(bool(counts.failed or counts.build_failed))

    def shown_counts(self) -> Counts:
        """The counts of the rows the tree shows (what the counts line says), kept as rows change: equal to the
        run's :meth:`~app.gotest.GoTestRun.counts` after a refresh."""
        return Counts.of(self._tally, len(self._build_failed), len(self._slots))

    # ------------------------------------------------------------------ the incremental refresh

    def _refresh_changed(self, run: GoTestRun) -> None:
        """Touch the rows of the nodes the model says changed, each put at its place (see :class:`_Level`)."""
        self._shown_generation = run.generation
        changed = run.take_changed()
        self.tree.setUpdatesEnabled(False)
        try:
            if changed is None or self._look_at_all:  # a new run, or too much changed to be listed: every node
                self._look_at_all = False
                self._resync(run)
            else:
                for node in changed:
                    if isinstance(node, PackageNode):
                        self._place_package(run, node)
                pending = run.pending_package
                if pending is not None and id(pending) not in self._items:
                    self._place_package(run, pending)
                key = self._slots.get(_LAST)
                if key is not None and (pending is None or key != id(pending)):
                    # a block shown unnamed, then named and replaced by a later run before this refresh: the model
                    # no longer lists it among the changed (it has no row to come), and no row takes its place
                    self._drop_package(key)
                items, placed, listed = self._items, self._placed, run.listed
                for node in changed:
                    # not a package's (they are not tests), not one placed with its new package, not a dropped one's
                    if (
                        id(node) not in placed
                        and isinstance(node, TestNode)
                        and id(node.package) in items
                        and listed(node.package)
                    ):
                        self._place_test(node)
            for level in self._tails.values():
                level.flush()
            self._tails.clear()
            for item in self._to_expand:
                if item.treeWidget() is not None:
                    item.setExpanded(True)
        finally:
            self._to_expand.clear()
            self._dropped.clear()
            self._placed.clear()
            self.tree.setUpdatesEnabled(True)
        self._show_counts(self.shown_counts())

    def _resync(self, run: GoTestRun) -> None:
        """Every listed package and test through the same steps as changed ones; rows of the rest dropped."""
        listed = run.sorted_packages()
        keep = {id(pkg) for pkg in listed}
        for key in [k for k in self._slots.values() if k not in keep]:
            self._drop_package(key)
        for pkg in listed:
            self._place_package(run, pkg)
            for test in pkg.walk():
                self._place_test(test)

    def _put(self, level: _Level, item: QtWidgets.QTreeWidgetItem, seq: int, failed: bool) -> None:
        if level.insert(item, seq, failed):
            self._tails[id(level)] = level

    def _move(
        self, level: _Level, item: QtWidgets.QTreeWidgetItem, old: tuple[int, bool], new: tuple[int, bool]
    ) -> None:
        """Move ``item`` from place ``old`` to place ``new`` (``(seq, failed)``) in ``level``; when that does not
        change its index, only the places change.  A row taken out of the tree loses its own and its rows' expansion:
        the expanded ones open again when the refresh ends."""
        level.flush()
        at = level.index(*old)
        group = level.failed if old[1] else level.others
        del group[bisect.bisect_left(group, old[0])]
        group = level.failed if new[1] else level.others
        i = bisect.bisect_left(group, new[0])
        group.insert(i, new[0])
        to = i if new[1] else len(level.failed) + i
        if to == at:
            return
        stack: list[QtWidgets.QTreeWidgetItem | None] = [item]
        expanded: list[QtWidgets.QTreeWidgetItem] = []
        while stack:
            row = stack.pop()
            if row is not None and row.isExpanded():
                expanded.append(row)
            if row is not None:
                stack.extend(row.child(j) for j in range(row.childCount()))
        level.item.takeChild(at)
        level.item.insertChild(to, item)
        self._to_expand.extend(expanded)

    def _place_package(self, run: GoTestRun, pkg: PackageNode) -> None:
        key = id(pkg)
        if not run.listed(pkg):  # replaced by a later run of its name: its row, if any, goes when the new one comes
            return
        seq = pkg.order if pkg.order >= 0 else _LAST
        there = self._slots.get(seq)
        if there is not None and there != key:
            self._drop_package(there)
        root = self._levels.get(_ROOT)
        if root is None:
            root = self._levels[_ROOT] = _Level(self.tree.invisibleRootItem())
        old = self._shown.get(key)
        item = self._row(pkg)
        failed = pkg.status is _FAIL
        if pkg.build_failed:
            self._build_failed.add(key)
        else:
            self._build_failed.discard(key)
        if old is None:
            self._seq[key] = seq
            self._slots[seq] = key
            self._members[key] = []
            self._put(root, item, seq, failed)
            for test in pkg.walk():  # a package seen for the first time: all its tests are new rows
                self._place_test(test)
            return
        was = (self._seq[key], old[1] is _FAIL)
        if was != (seq, failed):
            if self._slots.get(was[0]) == key:
                del self._slots[was[0]]
            self._seq[key] = seq
            self._slots[seq] = key
            self._move(root, item, was, (seq, failed))

    def _drop_package(self, key: int) -> None:
        """Take a package's row out (replaced by a later run) and forget its rows."""
        seq = self._seq.pop(key)
        if self._slots.get(seq) == key:
            del self._slots[seq]
        failed = self._shown[key][1] is _FAIL
        row = self._levels[_ROOT].take(seq, failed)
        if row is not None:
            self._dropped.append(row)
        tally = self._tally
        for member in self._members.pop(key):
            tally[self._shown.pop(member)[1]] -= 1
            del self._items[member], self._nodes[member], self._seq[member]
            self._levels.pop(member, None)
        del self._items[key], self._nodes[key], self._shown[key]
        self._levels.pop(key, None)
        self._build_failed.discard(key)

    def _place_test(self, test: TestNode) -> None:
        key = id(test)
        placed = self._placed
        if key in placed:  # a new package's test, listed as changed too
            return
        placed.add(key)
        parent = test.parent
        items = self._items
        if parent is None:
            pkey = id(test.package)
        else:
            pkey = id(parent)
            if pkey not in items:
                self._place_test(parent)
        old = self._shown.get(key)
        status = test.status
        failed = status is _FAIL
        if old is None:  # a new row, as _row makes it, from its status's copy (the bulk of a flood's rows)
            name = test.name if parent is None else test.name[len(parent.name) + 1 :]
            elapsed = test.elapsed
            item = self._protos[status].clone()
            item.setText(_COL_NAME, name)
            if elapsed is not None:
                item.setText(_COL_TIME, _seconds(elapsed))
            item.setData(_COL_NAME, _KEY_ROLE, key)
            items[key] = item
            self._nodes[key] = test
            self._shown[key] = (name, status, _STATUS_TEXT[status], elapsed)
            if failed:
                self._to_expand.append(item)
            self._tally[status] += 1
            self._members[id(test.package)].append(key)
            seq = self._seq[key] = self._next_seq
            self._next_seq += 1
            level = self._levels.get(pkey)
            if level is None:
                level = self._levels[pkey] = _Level(items[pkey])
            self._put(level, item, seq, failed)
            return
        item = self._row(test)
        was = old[1]
        if was is not status:
            self._tally[was] -= 1
            self._tally[status] += 1
            if (was is _FAIL) is not failed:
                seq = self._seq[key]
                self._move(self._levels[pkey], item, (seq, not failed), (seq, failed))

    # ------------------------------------------------------------------ the simple refresh

    def _test_rows(self, test: TestNode, live: set[int]) -> QtWidgets.QTreeWidgetItem:
        item = self._row(test, live)
        self._sync_children(item, [self._test_rows(c, live) for c in test.sorted_children()])
        return item

    def _row(self, node: Node, live: set[int] | None = None) -> QtWidgets.QTreeWidgetItem:
        """The node's row, created or updated; only what changed since the last refresh is set."""
        key = id(node)
        if live is not None:
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
