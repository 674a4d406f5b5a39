"""The Environment panel: the foreground process's environment against a base, as a tree.

DESIGN §4/§6.  "Works in one shell, mojibake in another" is very often one variable: a ``GOFLAGS``
someone exported, an ``LC_ALL`` a profile script set, a ``PATH`` that finds another ``go``.  So the
panel shows what the session's foreground process has that the base has not, and the other way
round, with two bases to choose from: the environment the session was *started* with (what
changed inside the session) and this app's own (what the session's setup changed at all).

Groups: added / removed / changed / key case only (Windows folds key case, Go's ``os.Getenv`` and
``exec.Cmd.Env`` do not); PATH-like values are expanded entry by entry (``+`` ``-`` ``=``, in
order).  Go and encoding variables are bold on a yellow background with a ★, and "only Go &
encoding" hides the rest.  Where psutil reads the environment a process *started* with (Linux,
macOS), the panel says so permanently, because that is the first thing a user would assume wrong.

The diff itself is :func:`app.pty.probes.diff_env` (the same as ``python -m app env``); the probe
runs off the UI thread through :class:`~app.widgets.poll_driver.PollDriver`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.inspect.probe_poller import EnvSnapshot, PollResult, compare_snapshot, take_env_snapshot
from app.inspect.probe_report import FLAGGED_LEGEND, our_start_env
from app.pty.probes import EnvChange, EnvDiff, env_snapshot, env_snapshot_note
from app.widgets.codepage_panel import PidProvider
from app.widgets.plain_text import plain_label, plain_tooltip
from app.widgets.poll_driver import PollDriver
from app.widgets.qt import Qt, QtGui, QtWidgets, Signal

__all__ = ["AGAINST_APP", "AGAINST_SESSION", "FLAGGED_ROLE", "KIND_ROLE", "EnvPanel", "EnvRow"]

AGAINST_SESSION = "session"
AGAINST_APP = "app"

#: Item data roles: the change kind, and whether the variable is a Go/encoding one.
KIND_ROLE = Qt.ItemDataRole.UserRole
FLAGGED_ROLE = Qt.ItemDataRole.UserRole + 1

_KIND_COLOURS = {
    "added": "#1a7f37",
    "removed": "#c62828",
    "changed": "#0b5cad",
    "case": "#7b1fa2",
    "+": "#1a7f37",
    "-": "#c62828",
    "=": "#808080",
}
_FLAG_BACKGROUND = "#fff3c4"
_FLAG_TEXT = "#5c3a00"


@dataclass(frozen=True)
class EnvRow:
    """One row of the tree as text, for tests and "copy": ``group`` is the top-level group's kind."""

    group: str
    key: str
    kind: str
    value: str
    flagged: bool
    depth: int


def _shorten(value: str | None, limit: int = 120) -> str:
    if value is None:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class EnvPanel(QtWidgets.QWidget):
    """The foreground process's environment diffed against the session's start or the app's own.

    ``pid_provider`` is asked at each refresh; ``session_env`` is the environment the session was
    started with (``SessionPlan.env``; ``None``: only the app's environment can be the base);
    ``app_env`` defaults to this process's environment *as it started* (what psutil shows of any
    process, so the two snapshots compare like with like).  ``windows`` picks the diff's rules
    (default: this platform); ``snapshot`` and ``interval_ms`` are for tests.
    """

    diff_changed = Signal(object)

    def __init__(
        self,
        pid_provider: PidProvider | None = None,
        *,
        session_env: Mapping[str, str] | None = None,
        app_env: Mapping[str, str] | None = None,
        snapshot: Callable[[int], Mapping[str, str]] = env_snapshot,
        windows: bool | None = None,
        interval_ms: int = 2000,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EnvPanel")
        self._pid_provider = pid_provider
        self._session_env = dict(session_env) if session_env is not None else None
        self._app_env = dict(app_env) if app_env is not None else our_start_env()
        self._snapshot_fn = snapshot
        self._windows = (sys.platform == "win32") if windows is None else windows
        self._platform_note = env_snapshot_note()
        self._snapshot: EnvSnapshot | None = None
        self._diff: EnvDiff | None = None
        self._shown: tuple[object, ...] | None = None
        self._collapsed: set[str] = set()
        self.driver = PollDriver(self, interval_ms, self._make_task, self._on_result)
        self._build()
        self._sync_against_choices()
        self._show_status("waiting for the first read (it runs while this panel is visible)", error=False)

    # -- public API -------------------------------------------------------------------------------

    @property
    def polling(self) -> bool:
        return self.driver.active

    @property
    def diff(self) -> EnvDiff | None:
        """The diff shown (``None``: nothing read yet, or the process could not be read)."""
        return self._diff

    @property
    def snapshot(self) -> EnvSnapshot | None:
        return self._snapshot

    @property
    def against(self) -> str:
        """:data:`AGAINST_SESSION` or :data:`AGAINST_APP`."""
        return str(self._against.currentData())

    def set_against(self, which: str) -> None:
        index = self._against.findData(which)
        if index < 0:
            raise ValueError(f"no base {which!r}; use {AGAINST_SESSION!r} or {AGAINST_APP!r}")
        self._against.setCurrentIndex(index)

    def only_flagged(self) -> bool:
        return self._only_flagged.isChecked()

    def set_only_flagged(self, on: bool) -> None:
        self._only_flagged.setChecked(on)

    def set_source(self, pid_provider: PidProvider | None, *, session_env: Mapping[str, str] | None = None) -> None:
        """Follow another session (its foreground process and start environment)."""
        self._pid_provider = pid_provider
        self._session_env = dict(session_env) if session_env is not None else None
        self._snapshot = None
        self._diff = None
        self._sync_against_choices()
        self._render()
        self._show_status("waiting for the first read", error=False)
        if self.isVisible():
            self.driver.refresh()

    def refresh(self) -> None:
        """Read the environment now (the Refresh button)."""
        self.driver.refresh()

    def title_text(self) -> str:
        return self._title.text()

    def note_text(self) -> str:
        return self._note.text() if not self._note.isHidden() else ""

    def status_text(self) -> str:
        return self._status.text()

    def summary_text(self) -> str:
        return self._summary.text()

    def rows(self) -> list[EnvRow]:
        """Every visible row of the tree, depth first."""
        out: list[EnvRow] = []

        def walk(item: QtWidgets.QTreeWidgetItem, group: str, depth: int) -> None:
            out.append(
                EnvRow(
                    group,
                    item.text(0),
                    str(item.data(0, KIND_ROLE) or ""),
                    item.text(2),
                    bool(item.data(0, FLAGGED_ROLE)),
                    depth,
                )
            )
            for child in self._children(item):
                walk(child, group, depth + 1)

        for top in self._top_items():
            walk(top, str(top.data(0, KIND_ROLE) or ""), 0)
        return out

    def _top_items(self) -> list[QtWidgets.QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _children(item: QtWidgets.QTreeWidgetItem) -> list[QtWidgets.QTreeWidgetItem]:
        kids = (item.child(i) for i in range(item.childCount()))
        return [kid for kid in kids if kid is not None]

    # -- Qt ---------------------------------------------------------------------------------------

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.driver.start()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        super().hideEvent(event)
        self.driver.stop()

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        head = QtWidgets.QHBoxLayout()
        self._title = plain_label("Environment")  # a process's name comes from outside
        bold = self._title.font()
        bold.setBold(True)
        self._title.setFont(bold)
        head.addWidget(self._title, 1)
        refresh = QtWidgets.QPushButton("Refresh")
        refresh.setToolTip("Read the environment now (it is also read every few seconds while visible)")
        refresh.clicked.connect(self.refresh)
        head.addWidget(refresh)
        layout.addLayout(head)

        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(QtWidgets.QLabel("Compare with:"))
        self._against = QtWidgets.QComboBox()
        self._against.addItem("the session's start environment", AGAINST_SESSION)
        self._against.addItem("this app's environment", AGAINST_APP)
        self._against.setToolTip(
            "Session start: what changed inside the session (an export, a profile script).\n"
            "This app: what the session's setup (UTF-8 switch, profile) and the shell changed."
        )
        self._against.currentIndexChanged.connect(self._base_changed)
        controls.addWidget(self._against, 1)
        layout.addLayout(controls)

        self._only_flagged = QtWidgets.QCheckBox("only Go && encoding")
        self._only_flagged.setToolTip(
            f"Show only the variables that decide what bytes a program writes: {FLAGGED_LEGEND}"
        )
        self._only_flagged.toggled.connect(lambda _on: self._render())
        layout.addWidget(self._only_flagged)

        self._note = plain_label()
        self._note.setWordWrap(True)
        self._note.setStyleSheet("QLabel { color: #555555; font-style: italic; }")
        layout.addWidget(self._note)

        self._summary = plain_label()
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)

        self._status = plain_label()
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._status)

        self.tree = QtWidgets.QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Variable", "Change", "Value"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnWidth(0, 170)
        layout.addWidget(self.tree, 1)
        self._show_note(None)

    def _sync_against_choices(self) -> None:
        """The session base needs a session environment; without one only the app's can be chosen."""
        model = self._against.model()
        item = model.item(0) if isinstance(model, QtGui.QStandardItemModel) else None
        have_session = self._session_env is not None
        if item is not None:
            item.setEnabled(have_session)
        if have_session:
            self._against.setCurrentIndex(0)
        else:
            self._against.setCurrentIndex(1)

    # -- polling ----------------------------------------------------------------------------------

    def _make_task(self) -> Callable[[], EnvSnapshot]:
        try:
            pid = self._pid_provider() if self._pid_provider is not None else None
        except Exception:
            pid = None
        snapshot = self._snapshot_fn

        def task() -> EnvSnapshot:
            return take_env_snapshot(pid, snapshot=snapshot)

        return task

    def _on_result(self, result: PollResult[Any]) -> None:
        snap = result.value
        if not isinstance(snap, EnvSnapshot):
            snap = EnvSnapshot(None, None, None, f"reading the environment failed: {result.error}")
        self._snapshot = snap
        self._recompute()

    def _base_changed(self, _index: int) -> None:
        self._recompute()

    def _base(self) -> Mapping[str, str]:
        if self.against == AGAINST_SESSION and self._session_env is not None:
            return self._session_env
        return self._app_env

    def _recompute(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        who = f"process {snap.pid}" + (f" ({snap.name})" if snap.name else "") if snap.pid is not None else "no process"
        self._title.setText(f"Environment of {who}")
        if snap.env is None:
            self._diff = None
            self._show_status(snap.error or "the environment could not be read", error=True)
            self._summary.setText("")
            self._render()
            return
        self._diff = compare_snapshot(snap, self._base(), windows=self._windows)
        self._show_status("", error=False)
        self._render()
        self.diff_changed.emit(self._diff)

    def _show_status(self, text: str, *, error: bool) -> None:
        self._status.setStyleSheet("QLabel { color: #b00020; }" if error else "")
        self._status.setText(text)
        self._status.setVisible(bool(text))

    def _show_note(self, diff: EnvDiff | None) -> None:
        """The snapshot note is shown from the start (not only once a diff exists): it explains what
        the panel *can* show, which matters most when a user wonders why an export is missing."""
        note = diff.note if diff is not None and diff.note else self._platform_note
        if note:
            self._note.setText("Note: " + note)
        self._note.setVisible(bool(note))

    # -- the tree -----------------------------------------------------------------------------------

    def _render(self) -> None:
        diff = self._diff
        only = self.only_flagged()
        key = (self.against, only, diff, self._windows)
        if key == self._shown:
            return  # an auto-refresh with nothing new: keep the user's expansion and scroll position
        self._shown = key
        self._show_note(diff)
        self._collapsed = self._collapsed_keys()
        scroll = self.tree.verticalScrollBar().value()
        self.tree.clear()
        if diff is None:
            return
        base_name = "session start" if self.against == AGAINST_SESSION and self._session_env is not None else "app"
        groups: list[tuple[str, str, tuple[EnvChange, ...]]] = [
            ("added", f"Added: only in the process ({len(diff.added)})", diff.added),
            ("removed", f"Removed: only in the {base_name} environment ({len(diff.removed)})", diff.removed),
            ("changed", f"Changed ({len(diff.changed)})", diff.changed),
        ]
        if diff.windows:
            groups.append(("case", f"Key case only ({len(diff.case_only)})", diff.case_only))
        for kind, title, changes in groups:
            shown = [c for c in changes if c.flagged or not only]
            if len(shown) != len(changes):
                title = title[: title.rindex("(")] + f"({len(shown)} of {len(changes)} shown)"
            top = QtWidgets.QTreeWidgetItem([title, "", ""])
            top.setData(0, KIND_ROLE, kind)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setForeground(0, QtGui.QBrush(QtGui.QColor(_KIND_COLOURS[kind])))
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)  # only once in the tree: before, Qt ignores it
            for change in shown:
                self._add_change(top, change)
            top.setExpanded(True)
        if not diff.windows:
            na = QtWidgets.QTreeWidgetItem(
                ["Key case only: not applicable here (keys are case-sensitive; Windows folds them)", "", ""]
            )
            na.setData(0, KIND_ROLE, "case")
            na.setForeground(0, QtGui.QBrush(QtGui.QColor("#808080")))
            self.tree.addTopLevelItem(na)
            na.setFirstColumnSpanned(True)
        self.tree.verticalScrollBar().setValue(scroll)
        flagged = sorted({c.key for c in diff.flagged})
        self._summary.setText(
            f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
            + (f", {len(diff.case_only)} key case only" if diff.windows else "")
            + f"; {diff.unchanged} unchanged.  ★ Go & encoding: {', '.join(flagged) or 'none differ'}"
        )

    def _collapsed_keys(self) -> set[str]:
        """Which PATH-like rows the user collapsed (they start expanded), to keep across a rebuild."""
        collapsed: set[str] = set()
        for top in self._top_items():
            for child in self._children(top):
                if child.childCount() and not child.isExpanded():
                    collapsed.add(child.text(0))
        return collapsed

    def _add_change(self, parent: QtWidgets.QTreeWidgetItem, change: EnvChange) -> None:
        key = ("★ " if change.flagged else "") + change.key
        if change.kind == "added":
            label, value = "added", _shorten(change.new)
        elif change.kind == "removed":
            label, value = "removed", "was " + _shorten(change.old)
        elif change.kind == "case":
            label = f"case: was {change.old_key}"
            value = (
                "same value" if change.old == change.new else f"{_shorten(change.old, 50)} → {_shorten(change.new, 50)}"
            )
        else:
            label, value = "changed", f"{_shorten(change.old, 50)} → {_shorten(change.new, 50)}"
        pd = change.path_diff
        if pd is not None:
            bits = [f"+{len(pd.added)}", f"-{len(pd.removed)}"] + (["order changed"] if pd.reordered else [])
            label += " (list)"
            value = ", ".join(bits) + ": " + ", ".join([f"+{e}" for e in pd.added] + [f"-{e}" for e in pd.removed])
        item = QtWidgets.QTreeWidgetItem([key, label, value])
        item.setData(0, KIND_ROLE, change.kind)
        item.setData(0, FLAGGED_ROLE, change.flagged)
        item.setToolTip(0, plain_tooltip(change.describe()))
        item.setToolTip(2, plain_tooltip(change.describe()))
        item.setForeground(1, QtGui.QBrush(QtGui.QColor(_KIND_COLOURS[change.kind])))
        if change.flagged:
            font = item.font(0)
            font.setBold(True)
            for col in range(3):
                item.setFont(col, font)
                item.setBackground(col, QtGui.QBrush(QtGui.QColor(_FLAG_BACKGROUND)))
            item.setForeground(0, QtGui.QBrush(QtGui.QColor(_FLAG_TEXT)))
            item.setForeground(2, QtGui.QBrush(QtGui.QColor(_FLAG_TEXT)))
        parent.addChild(item)
        if pd is not None:
            for op, entry in pd.entries:
                sub = QtWidgets.QTreeWidgetItem(
                    [op, "kept" if op == "=" else ("added" if op == "+" else "removed"), entry]
                )
                sub.setData(0, KIND_ROLE, op)
                sub.setData(0, FLAGGED_ROLE, False)
                brush = QtGui.QBrush(QtGui.QColor(_KIND_COLOURS[op]))
                for col in range(3):
                    sub.setForeground(col, brush)
                sub.setToolTip(2, plain_tooltip(entry))
                item.addChild(sub)
            item.setExpanded(key not in self._collapsed)
