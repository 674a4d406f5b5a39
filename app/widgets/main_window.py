"""The main window: sessions in tabs, the inspector dock (Bytes, Session, and panels added later), menus.

DESIGN §6. The window routes; it does not parse and it does not handle processes itself. Each tab
(:class:`SessionTab`) owns its session and its terminal view; the dock's panels are shared and
follow the *current* tab: the Bytes panel (:class:`HexView`) shows that tab's ByteLog in that
tab's "decode as" code page. Clicking a terminal cell selects the bytes that wrote it in the Bytes
panel; selecting bytes there lights up the cells they wrote (exact where the row can be replayed from
its bytes, else the row's; see :mod:`app.inspect.source_map` and :mod:`app.inspect.cell_trace`).

The other panels are built elsewhere and plugged in here with :meth:`MainWindow.add_panel`, and
follow the current tab too: Code page and Environment probe the current session's foreground
process (a replay has none, and they say so); Tests parses the current session's output (its whole
ByteLog when the tab becomes current, then every read), marks the recording where a test starts or
fails, starts ``go test`` runs in new tabs, and a click on a test selects its line's bytes in the
Bytes panel and scrolls the terminal to it. A replayed recording gets a :class:`ReplayBar` under
its terminal (:meth:`SessionTab.set_replay_bar`).

Start-up pays for the window, the Bytes panel and the first session only: Tests, Code page and
Environment are built when first shown or asked for (:meth:`MainWindow.add_lazy_panel`; their
modules are imported then too), and take the current tab's run and process at that moment.

Asyncio runs on the Qt loop (qasync): sessions are started as tasks on the ``loop`` given to the
window. Closing the window hangs up every child at once and closes every session before the
window really closes (``closed`` is emitted then), so no process outlives the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from app import launch_environment
from app.inspect.cell_map import CellAnswer
from app.inspect.links import Location, check_link, resolve_location
from app.inspect.samples import sample_descriptions
from app.pty import SourceError
from app.pty.base import is_replay
from app.pty.hosts import source_console_host
from app.pty.opener import EditorCommandError, default_editor_template, editor_argv, start_detached
from app.pty.probes import process_cwd
from app.pty.profiles import PROFILES, SessionPlan, default_profile, get_profile, plan_session
from app.session import ReplayReset, Session, SessionEvent
from app.session.export import export_range, record_running_session
from app.session.factory import RecordingOpenError, live_session, replay_session
from app.session.session import SessionStateError
from app.widgets.clear_button import clear_button_when_needed
from app.widgets.explain_panel import ExplainPanel
from app.widgets.hex_view import HexView
from app.widgets.palette import DARK, LIGHT, Theme
from app.widgets.plain_text import ask, plain_label, warn
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from app.widgets.session_tab import SLICE_S, SessionTab
from app.widgets.settings import DEFAULT_FONT_SIZE, AppSettings, open_settings
from app.widgets.terminal_view import default_font

if TYPE_CHECKING:  # built when first shown (start-up): their modules are imported then
    from app.gotest import GoTestPreset
    from app.pty.replay import ReplaySource  # a replay's modules load with the first replay (app.pty.base.is_replay)
    from app.record.cast import Recording
    from app.widgets.codepage_panel import CodePagePanel
    from app.widgets.env_panel import EnvPanel
    from app.widgets.side_by_side import SideBySide
    from app.widgets.tests_panel import TestsPanel

log = logging.getLogger(__name__)

__all__ = ["DECODE_AS", "DEMO_MODULE", "SAMPLES_DIR", "MainWindow", "samples"]

#: The "Decode as" menu: label and codec name (any name :func:`normalize_encoding` accepts).
DECODE_AS: tuple[tuple[str, str], ...] = (
    ("UTF-8", "utf-8"),
    ("GBK / cp936", "cp936"),
    ("GB18030", "gb18030"),
    ("cp437 (DOS US)", "cp437"),
    ("cp850 (DOS Latin-1)", "cp850"),
    ("cp1252 (Windows Latin-1)", "cp1252"),
    ("Shift-JIS", "shift_jis"),
    ("Big5", "big5"),
    ("EUC-KR", "euc_kr"),
    ("Latin-1 (ISO 8859-1)", "latin-1"),
)

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
SAMPLES_DIR = RESOURCES_DIR / "samples"
#: The Go demo module: the Tests panel's preset starts there (UTF-8 test names, GBK bytes…).
DEMO_MODULE = RESOURCES_DIR / "demo" / "gotest"

#: The window's size at its first start (no saved geometry), shrunk to the screen's free area when that is smaller.
DEFAULT_SIZE = (1280, 800)
#: When the window shows, docks beside the terminal that leave it less than this share of the window's width are
#: narrowed until it has :data:`TERMINAL_SHARE_AFTER_FIT`.  Why: docks keep their width in pixels, so a layout saved
#: on a larger screen (or the default size on a small one) left the terminal a sliver — 39 columns on a 1024x768
#: screen, 14 on an 800-pixel one — while a layout the user chose on this screen is left as it is.
MIN_TERMINAL_SHARE = 0.4
TERMINAL_SHARE_AFTER_FIT = 0.55


def samples(folder: Path = SAMPLES_DIR) -> list[Path]:
    """The sample recordings shipped with the app, by name."""
    return sorted(folder.glob("*.cast")) if folder.is_dir() else []


def _first_clause(note: str, limit: int = 60) -> str:
    """The start of a sample's description, for its menu entry (the whole line is its tooltip)."""
    head = note.split(":")[0] if note.startswith("-run") else note
    head = head.split(";")[0].split(" — ")[0]
    return head if len(head) <= limit else head[: limit - 1] + "…"


def _no_process() -> int | None:
    """The pid provider of a replay: there is no process behind it (the panels say so)."""
    return None


def _theme(name: str) -> Theme:
    return LIGHT if name == "light" else DARK


class _BytesPanel(QtWidgets.QWidget):
    """The HexView with a find box and a follow-tail switch (the view's own API does the work)."""

    def __init__(self, hex_view: HexView, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.hex_view = hex_view
        self.find_box = QtWidgets.QLineEdit(self)
        self.find_box.setPlaceholderText("find text, or hex like e4 bd a0 — Enter")
        clear_button_when_needed(self.find_box)
        self.find_box.returnPressed.connect(self._find)
        self.follow = QtWidgets.QCheckBox("Follow tail", self)
        self.follow.setChecked(hex_view.follow_tail())
        self.follow.toggled.connect(hex_view.set_follow_tail)
        hex_view.follow_tail_changed.connect(self.follow.setChecked)
        self.message = plain_label(parent=self)
        self.message.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        bar.addWidget(self.find_box, 1)
        bar.addWidget(self.follow)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(hex_view, 1)
        layout.addWidget(self.message)

    def _find(self) -> None:
        text = self.find_box.text().strip()
        if not text:
            return
        try:
            hit = self.hex_view.find_hex(text)
        except ValueError:
            hit = None
        if hit is None:
            try:
                hit = self.hex_view.find_text(text)
            except ValueError as exc:
                self.message.setText(str(exc))
                return
        self.message.setText("not found" if hit is None else f"found at offset {hit}")


class _PanelPage(QtWidgets.QScrollArea):
    """A dock page: asks for its panel's preferred size, and scrolls when it gets less than the panel's minimum."""

    def sizeHint(self) -> QtCore.QSize:
        widget = self.widget()
        return widget.sizeHint() if widget is not None else super().sizeHint()


class MainWindow(QtWidgets.QMainWindow):
    """Sessions in tabs, the inspector dock, menus; see the module docstring.

    ``settings``: where choices are kept (tests pass an INI file in a temporary folder).
    ``loop``: the asyncio loop sessions run on (qasync's); default: the current event loop.
    """

    #: The current tab changed (``None`` when there is no tab left): panels follow the current session.
    current_tab_changed = Signal(object)
    #: Every session was closed and the window is gone.
    closed = Signal()

    def __init__(
        self,
        settings: AppSettings | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else AppSettings(open_settings())
        self._loop = loop
        self._shutdown: asyncio.Task[None] | None = None
        #: Tabs closed whose sessions are still ending (a child hung up and reaped takes a moment).
        self._tabs_closing: set[asyncio.Task[None]] = set()
        self._finished = False
        #: The terminal size a new session would have had when the window began to close (``None``: no tab shown):
        #: what the next start's first session will get, as the window comes back at the geometry saved then.
        self.size_at_close: tuple[int, int] | None = None
        #: Whether :meth:`keep_terminal_room` ran (at the first show).
        self._room_kept = False
        self._quit_asked = False  # File > Quit: ask about running programs as a click on the window's X does
        self._panels: dict[str, QtWidgets.QWidget] = {}
        self._pages: dict[str, _PanelPage] = {}
        #: Panels not built yet, by name: built when first shown or asked for (:meth:`add_lazy_panel`).
        self._builders: dict[str, Callable[[], QtWidgets.QWidget]] = {}
        self._tests_panel: TestsPanel | None = None
        self._codepage_panel: CodePagePanel | None = None
        self._env_panel: EnvPanel | None = None
        #: What the Code page and Environment panels probe: set as tabs change, applied when they are built.
        self._process_source: Callable[[], None] = lambda: None
        #: ``time.monotonic()`` of the last output any session brought (quiet moments: see ``idle_gc``).
        self.last_output = 0.0
        self.setWindowTitle("Mojiscope")
        self.setObjectName("MojiscopeMainWindow")

        self.tabs = QtWidgets.QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._on_current_changed)
        self.tabs.tabCloseRequested.connect(self._on_close_requested)
        self.setCentralWidget(self.tabs)

        self.hex_view = HexView()
        self.hex_view.bytes_selected.connect(self._on_bytes_selected)
        self.bytes_panel = _BytesPanel(self.hex_view)
        self.session_info = QtWidgets.QPlainTextEdit()
        self.session_info.setReadOnly(True)
        self.session_info.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.panels = QtWidgets.QTabWidget()
        self.panels.setDocumentMode(True)
        self.panels.currentChanged.connect(self._build_current_panel)
        self.dock = QtWidgets.QDockWidget("Inspector", self)
        self.dock.setObjectName("inspectorDock")
        # Closable too: Qt disables the dock's View-menu toggle for a dock that cannot be closed.
        self.dock.setFeatures(
            QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.dock.setWidget(self.panels)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        #: The tab of the Tests panel's last run (replaced by the next run when "Reuse tab" is on).
        self._tests_tab: SessionTab | None = None
        # Only Bytes is in front at start: the others are built when first shown (start-up time).
        self.add_panel("Bytes", self.bytes_panel)
        self.add_lazy_panel("Tests", self._build_tests_panel)
        self.add_lazy_panel("Code page", self._build_codepage_panel)
        self.add_lazy_panel("Environment", self._build_env_panel)
        self.add_panel("Session", self.session_info)
        self._sample_notes: dict[int, str] = {}
        self._explain_dock()

        self._build_menus()
        self.apply_settings()

    def _explain_dock(self) -> None:
        """The Explain panel, in its own dock under the inspector, so Bytes and its explanation show together."""
        self.explain_panel = ExplainPanel()
        self.explain_dock = QtWidgets.QDockWidget("Explain", self)
        self.explain_dock.setObjectName("explainDock")
        self.explain_dock.setFeatures(self.dock.features())
        page = _PanelPage()
        page.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        page.setWidgetResizable(True)
        page.setWidget(self.explain_panel)
        self.explain_dock.setWidget(page)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.explain_dock)
        self.splitDockWidget(self.dock, self.explain_dock, Qt.Orientation.Vertical)
        self.hex_view.bytes_selected.connect(self.explain_bytes)
        self.hex_view.byte_hovered.connect(self._on_byte_hovered)
        self._explain_timer = QtCore.QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(150)
        self._explain_timer.timeout.connect(self.explain_selection)
        self.side_by_side: SideBySide | None = None

    # ------------------------------------------------------------------ public API

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_event_loop()
        return self._loop

    def add_panel(self, name: str, widget: QtWidgets.QWidget) -> None:
        """Add a tab to the inspector dock (Code page, Environment, Tests…); a second call with the
        same name replaces the panel. Panels follow the current session via :attr:`current_tab_changed`."""
        self._add_page(name, widget)

    def add_lazy_panel(self, name: str, build: Callable[[], QtWidgets.QWidget]) -> None:
        """:meth:`add_panel` for a panel made by ``build`` when it is first shown or asked for (:meth:`panel`):
        its tab is there at once, its cost (imports, widgets, probes) is not paid at start-up."""
        self._add_page(name, None)
        self._builders[name] = build

    def _add_page(self, name: str, widget: QtWidgets.QWidget | None) -> None:
        self._panels.pop(name, None)
        self._builders.pop(name, None)
        old = self._pages.pop(name, None)
        if old is not None:
            index = self.panels.indexOf(old)
            if index >= 0:
                self.panels.removeTab(index)
            old.takeWidget()
            old.deleteLater()
        # Each panel scrolls inside its page: a panel wider than the dock (the Tests panel's preset
        # editor) scrolls instead of widening the window past the size the user chose.
        page = _PanelPage()
        page.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        page.setWidgetResizable(True)
        if widget is not None:
            page.setWidget(widget)
            self._panels[name] = widget
        self._pages[name] = page
        self.panels.addTab(page, name)

    def panel(self, name: str) -> QtWidgets.QWidget | None:
        """The panel called ``name`` (built now if it was not yet)."""
        build = self._builders.pop(name, None)
        if build is not None:
            widget = build()
            self._pages[name].setWidget(widget)
            self._panels[name] = widget
        return self._panels.get(name)

    def panel_built(self, name: str) -> bool:
        """Whether the panel exists yet (a lazy one is built when first shown)."""
        return name in self._panels

    def _build_current_panel(self, _index: int) -> None:
        page = self.panels.currentWidget()
        for name, candidate in self._pages.items():
            if candidate is page and name in self._builders:
                self.panel(name)

    @property
    def tests_panel(self) -> TestsPanel:
        """The Tests panel (built now if it was not yet)."""
        self.panel("Tests")
        assert self._tests_panel is not None
        return self._tests_panel

    @property
    def codepage_panel(self) -> CodePagePanel:
        self.panel("Code page")
        assert self._codepage_panel is not None
        return self._codepage_panel

    @property
    def env_panel(self) -> EnvPanel:
        self.panel("Environment")
        assert self._env_panel is not None
        return self._env_panel

    def _build_tests_panel(self) -> QtWidgets.QWidget:
        from app.gotest import GoTestPreset, demo_presets
        from app.widgets.tests_panel import TestsPanel

        demo = GoTestPreset(folder=str(DEMO_MODULE) if DEMO_MODULE.is_dir() else "")
        stored = self.settings.tests_preset
        panel = TestsPanel(GoTestPreset.from_json(stored, demo) if stored is not None else demo)
        if DEMO_MODULE.is_dir():
            panel.set_presets(demo_presets(str(DEMO_MODULE)))
        panel.reuse_tab.setChecked(self.settings.tests_reuse_tab)
        panel.reuse_tab.toggled.connect(self._on_reuse_toggled)
        panel.line_selected.connect(self._on_test_line_selected)
        panel.run_requested.connect(self._on_run_requested)
        self._tests_panel = panel
        self._refeed_tests(self.current_tab())
        return panel

    def _build_codepage_panel(self) -> QtWidgets.QWidget:
        from app.widgets.codepage_panel import CodePagePanel

        self._codepage_panel = CodePagePanel()
        self._process_source()
        return self._codepage_panel

    def _build_env_panel(self) -> QtWidgets.QWidget:
        from app.widgets.env_panel import EnvPanel

        self._env_panel = EnvPanel()
        self._process_source()
        return self._env_panel

    def show_panel(self, name: str) -> None:
        """Bring the panel ``name`` to the front of the inspector dock."""
        page = self._pages.get(name)
        if page is not None:
            self.panels.setCurrentWidget(page)

    def current_tab(self) -> SessionTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, SessionTab) else None

    def session_tabs(self) -> list[SessionTab]:
        tabs = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [t for t in tabs if isinstance(t, SessionTab)]

    def profile_name(self) -> str:
        """The profile new sessions use: the stored one if it exists here, else the platform's default."""
        name = self.settings.profile
        if name is not None and name in PROFILES and PROFILES[name].available():
            return name
        return default_profile().name

    def plan_new_session(self, argv: Sequence[str] = ()) -> SessionPlan:
        """What the next session would start: the chosen profile, with or without UTF-8 enforcement."""
        profile = get_profile(self.profile_name())
        return plan_session(profile, argv, utf8=self.settings.utf8, base_env=launch_environment())

    def new_session(self, argv: Sequence[str] = ()) -> SessionTab:
        """Start a session on the chosen profile in a new tab (errors end up in its status line)."""
        plan = self.plan_new_session(argv)
        session = live_session(plan, cwd=os.path.expanduser("~"))
        tab = self._add_tab(session, title=plan.profile, profile=plan.profile)
        tab.restart = lambda: self.new_session(argv)
        return tab

    def open_session(self, session: Session, *, title: str, profile: str = "command") -> SessionTab:
        """Show an already built session (not yet started) in a new tab and start it (``bench --gui``)."""
        return self._add_tab(session, title=title, profile=profile)

    def run_preset(self, preset: GoTestPreset, *, reuse: bool = False) -> SessionTab:
        """Start ``go test`` as ``preset`` says in a new tab (the Tests panel's Run / Rerun failed); with
        ``reuse``, in place of the previous run's tab (closed first, its program ended).

        With ``record`` on, the run is written to a ``.cast`` next to the preset's folder (the bundled demo's
        go to the user's data folder instead, or to the temporary folder when neither is writable); the
        status line says where.
        """
        launch = preset.launch(launch_environment())
        cwd = launch.cwd or None
        candidates: list[Path] = []
        if launch.record:
            name = f"{Path(launch.cwd).name or 'go-test'}-{time.strftime('%Y%m%d-%H%M%S')}.cast"
            candidates = [folder / name for folder in self._recording_folders(launch.cwd)]
        try:
            session = live_session(launch.plan, cwd=cwd, record_to=candidates, record_argv=preset.command())
        except RecordingOpenError:
            session = live_session(launch.plan, cwd=cwd)
        recorder = session.recorder
        where = recorder.path if recorder is not None else None
        previous = self._tests_tab
        slot = self.tabs.indexOf(previous) if reuse and previous is not None else -1
        if slot >= 0:
            if previous is not None and self.confirm_close([previous], quitting=False):
                self._on_close_requested(slot, ask=False)
            else:
                slot = -1  # the previous run goes on in its tab; this one gets a tab of its own
        tab = self._add_tab(session, title="go test", profile=launch.plan.profile)
        if slot >= 0:
            self.tabs.tabBar().moveTab(self.tabs.indexOf(tab), slot)
            self.tabs.setCurrentWidget(tab)
        self._tests_tab = tab
        # A restart takes the window's UTF-8 switch: that is what the user just flipped to get one.
        tab.restart = lambda: self.run_preset(dataclasses.replace(preset, utf8=self.settings.utf8))
        if where is not None:
            tab.show_message(f"recording to {where}")
        elif launch.record:
            tab.show_message("could not write a recording (no writable folder)")
        return tab

    @staticmethod
    def _recording_folders(cwd: str) -> list[Path]:
        """Where a run's recording may go, in order: next to the module's folder (the user's own project), or
        — for the bundled demo, whose folder is inside Mojiscope's own files — the user's data folder; then
        the temporary folder."""
        folders = []
        if cwd:
            parent = Path(cwd).resolve().parent
            if parent.is_relative_to(RESOURCES_DIR):
                data = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppDataLocation)
                if data:
                    folder = Path(data) / "recordings"
                    with contextlib.suppress(OSError):
                        folder.mkdir(parents=True, exist_ok=True)
                    folders.append(folder)
            elif os.access(parent, os.W_OK):
                folders.append(parent)
        folders.append(Path(tempfile.gettempdir()))
        return folders

    def open_recording(
        self,
        recording: Recording | str | os.PathLike[str],
        encoding: str = "utf-8",
        title: str | None = None,
        *,
        speed: float = 1.0,
    ) -> SessionTab:
        """Replay a ``.cast`` in a new tab at ``speed`` (0 or ``math.inf``: instant), with a replay bar.

        The replay holds at its end so the bar can still seek; the tab's task finishes when the
        end is first reached. Raises ``OSError`` / :class:`CastFormatError` for a file that cannot be read.
        """
        from app.record.cast import Recording  # a recording's reader: loaded when one is opened, not at start-up

        name = "replay" if isinstance(recording, Recording) else Path(recording).name
        session = replay_session(recording, speed=speed, hold_at_end=True, encoding=encoding)
        return self._add_tab(session, title=title or name, profile="replay")

    def open_link(self, tab: SessionTab, uri: str) -> bool:
        """Open an OSC 8 link the user Ctrl+clicked: http(s) in the browser, a local file in the editor;
        anything else is refused and the status line says why. Returns whether something was opened."""
        verdict = check_link(uri)
        if not verdict.allowed:
            tab.show_message(verdict.text)
            return False
        if verdict.path is not None:
            return self._open_file(tab, verdict.path, 1, None, verdict.path)
        if not QtGui.QDesktopServices.openUrl(QtCore.QUrl(verdict.text)):
            tab.show_message(f"could not open {verdict.text} (no browser?)")
            return False
        tab.show_message(f"opened {verdict.text}")
        return True

    def open_location(self, tab: SessionTab, location: object) -> bool:
        """Open a source location the user Ctrl+clicked (``x_test.go:29:``) in the editor, found under the
        session's folders; the status line says what happened."""
        if not isinstance(location, Location):
            return False
        bases = self._location_bases(tab)
        path = resolve_location(location.path, bases)
        if path is None:
            where = bases[0] if bases else "the session's folder"
            tab.show_message(f"{location.label()}: no such file under {where}")
            return False
        return self._open_file(tab, path, location.line, location.col, location.label())

    def _location_bases(self, tab: SessionTab) -> list[str]:
        """Where relative locations are looked for: the foreground program's folder (the shell's after a cd),
        the folder the terminal reported (OSC 7), the folder the session started in."""
        bases: list[str] = []
        source = tab.session.source
        foreground = getattr(source, "foreground_pid", None)
        pid = foreground() if callable(foreground) else getattr(source, "pid", None)
        folder = process_cwd(pid) if isinstance(pid, int) and not tab.is_replay else None
        if folder is not None:
            bases.append(folder)
        reported = tab.terminal.cwd
        if reported.startswith("file://"):
            checked = check_link(reported)
            if checked.path:
                bases.append(checked.path)
        if tab.session.cwd:
            bases.append(tab.session.cwd)
        return [b for b in dict.fromkeys(bases) if os.path.isdir(b)]

    def _open_file(self, tab: SessionTab, path: str, line: int, col: int | None, label: str) -> bool:
        template = self.settings.editor_command or default_editor_template()
        if template is None:
            if QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(path)):
                tab.show_message(f"opened {path} with the system's opener (set an editor to go to line {line})")
                return True
            tab.show_message(f"could not open {path}: no editor set and no system opener")
            return False
        try:
            argv = editor_argv(template, path, line, col)
            start_detached(argv)
        except (EditorCommandError, OSError) as exc:
            tab.show_message(f"could not open {label}: {exc}")
            return False
        tab.show_message(f"opened {label} with {argv[0]}")
        return True

    def choose_editor(self) -> None:
        """Edit ▸ Editor for locations…: the command that opens ``file:line`` (empty: the default)."""
        current = self.settings.editor_command or ""
        default = default_editor_template() or "the system's opener"
        text, ok = QtWidgets.QInputDialog.getText(
            self,
            "Editor for locations",
            "Command that opens a location, with {file}, {line} and {col}\n"
            f"(empty: the default, {default}; e.g. code -g {{file}}:{{line}}:{{col}}, or vim +{{line}} {{file}}):",
            QtWidgets.QLineEdit.EchoMode.Normal,
            current,
        )
        if not ok:
            return
        try:
            self.settings.editor_command = text
        except EditorCommandError as exc:
            warn(self, str(exc))

    def record_current(self, path: str | os.PathLike[str]) -> bool:
        """Start recording the current tab into ``path`` (the output so far first); the status line says so."""
        tab = self.current_tab()
        if tab is None:
            return False
        try:
            writer = record_running_session(tab.session, path)
        except (RecordingOpenError, SessionStateError) as exc:
            tab.show_message(f"could not record: {exc}")
            return False
        tab.show_message(f"recording to {writer.path}")
        return True

    def stop_recording_current(self) -> str | None:
        """Stop the current tab's recording (the program goes on); returns the file it went to."""
        tab = self.current_tab()
        if tab is None:
            return None
        writer = tab.session.stop_recording()
        if writer is None:
            return None
        where = str(writer.path) if writer.path is not None else "the recording"
        tab.show_message(f"recording stopped: {where} ({writer.events_written} events)")
        return where

    def export_selection(self, path: str | os.PathLike[str]) -> int | None:
        """Write the bytes selected in the Bytes panel to ``path`` (.cast: as a recording, else raw)."""
        tab = self.current_tab()
        selected = self.hex_view.selection()
        if tab is None or selected is None:
            return None
        try:
            count = export_range(tab.session, selected[0], selected[1], path)
        except (OSError, ValueError) as exc:
            tab.show_message(f"could not export: {exc}")
            return None
        tab.show_message(f"exported {count} bytes ({selected[0]}–{selected[1] - 1}) to {path}")
        return count

    def _sync_file_menu(self) -> None:
        tab = self.current_tab()
        recording = tab is not None and tab.session.recording
        self.record_action.setText("Stop &recording" if recording else "&Record this session…")
        self.record_action.setEnabled(tab is not None and not tab.is_replay)
        self.export_action.setEnabled(tab is not None and self.hex_view.selection() is not None)

    def _record_clicked(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        if tab.session.recording:
            self.stop_recording_current()
            return
        suggested = str(Path.home() / f"{tab.title.split(' ')[0] or 'session'}-{time.strftime('%Y%m%d-%H%M%S')}.cast")
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Record this session", suggested, "Recordings (*.cast)")
        if path:
            self.record_current(path if path.endswith(".cast") else path + ".cast")

    def _export_clicked(self) -> None:
        if self.hex_view.selection() is None:
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export selected bytes", str(Path.home() / "bytes.bin"), "Raw bytes (*.bin);;Recording (*.cast)"
        )
        if path:
            self.export_selection(path)

    def open_find(self) -> None:
        """Show the current tab's find bar (Ctrl+Shift+F)."""
        tab = self.current_tab()
        if tab is not None:
            tab.find_bar.open()

    def decode_as(self, encoding: str) -> None:
        """Re-decode the current tab's bytes with ``encoding``; the Bytes panel follows."""
        tab = self.current_tab()
        if tab is None:
            return
        tab.decode_as(encoding)
        self.hex_view.set_encoding(tab.encoding)
        self._sync_decode_menu()

    def set_font_size(self, size: float) -> None:
        self.settings.font_size = size
        font = self._font()
        for tab in self.session_tabs():
            tab.view.set_font(font)

    def set_reflow(self, on: bool) -> None:
        """Reflow on resize, for every tab (the terminal and its "decode as" twin)."""
        self.settings.reflow = on
        for tab in self.session_tabs():
            tab.set_reflow(on)

    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        for tab in self.session_tabs():
            tab.view.set_theme(_theme(name))
        for action in self._theme_actions.actions():
            action.setChecked(action.data() == name)

    def set_utf8(self, on: bool) -> None:
        """The UTF-8 switch: applies to sessions started from now on, and to the current session where its
        shell allows (typed into it, shown in its status line); otherwise the status line offers a restart."""
        self.settings.utf8 = on
        if self.utf8_action.isChecked() != on:
            self.utf8_action.setChecked(on)
        tab = self.current_tab()
        if tab is not None:
            tab.switch_utf8(on)
            self._update_session_info()

    def restart_session(self) -> SessionTab | None:
        """Start the current tab's command again in a new tab, with the current settings (UTF-8, profile for a
        plain shell), and close the old one; a replay or a tab opened otherwise has nothing to restart."""
        tab = self.current_tab()
        if tab is None or tab.restart is None:
            return None
        new = tab.restart()
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self._on_close_requested(index, ask=False)  # the user asked for it to be started again
        return new

    def apply_settings(self) -> None:
        """Restore geometry and dock layout and set the switches from the settings."""
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            # The primary screen, where a new window opens (not self.screen(): tests/test_layering.py keeps .screen
            # reads for the engine's screen).
            display = QtGui.QGuiApplication.primaryScreen()
            free = display.availableGeometry().size() if display is not None else QtCore.QSize(*DEFAULT_SIZE)
            self.resize(min(DEFAULT_SIZE[0], free.width()), min(DEFAULT_SIZE[1], free.height()))
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        self.utf8_action.setChecked(self.settings.utf8)
        for action in self._theme_actions.actions():
            action.setChecked(action.data() == self.settings.theme)
        for action in self._profile_actions.actions():
            action.setChecked(action.data() == self.profile_name())

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self._room_kept:  # the first show only: later the layout is the user's
            self._room_kept = True
            self.keep_terminal_room()

    def keep_terminal_room(self) -> None:
        """Narrow the docks beside the terminal if they leave it less than :data:`MIN_TERMINAL_SHARE` of the
        window's width (see there); done when the window first shows, before its first session is sized."""
        layout, central = self.layout(), self.centralWidget()
        if layout is None or central is None:
            return
        width = self.width()
        if width <= 0 or central.width() >= MIN_TERMINAL_SHARE * width:
            return
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        docks = [
            dock
            for dock in (self.dock, self.explain_dock)
            if not dock.isHidden() and not dock.isFloating() and self.dockWidgetArea(dock) in sides
        ]
        if not docks:
            return
        areas = {self.dockWidgetArea(dock) for dock in docks}
        each = max(1, round(width * (1 - TERMINAL_SHARE_AFTER_FIT) / len(areas)))
        self.resizeDocks(docks, [each] * len(docks), Qt.Orientation.Horizontal)
        layout.activate()

    def save_settings(self) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()

    def select_cell(self, abs_row: int, col: int) -> tuple[int, int] | None:
        """What a click on a cell does: select the bytes that last wrote it in the Bytes panel and light every
        cell those bytes wrote (both halves of a wide character).

        A row of plain output is answered at once; a row a full-screen program painted needs the session's log
        replayed, which is done in slices between frames (:meth:`SessionTab.ask`) while the status line says
        so. A blank cell selects nothing: it says so. Returns the bytes when the answer came at once.
        """
        tab = self.current_tab()
        if tab is None:
            return None
        answers: list[CellAnswer] = []

        def show(answer: CellAnswer) -> None:
            answers.append(answer)
            self._show_cell_answer(tab, abs_row, col, answer)

        if not tab.ask(tab.cell_map.locate(abs_row, col), show):
            tab.show_message(f"row {abs_row}, column {col}: finding the bytes that wrote it (replaying the log)…")
        return answers[0].span if answers else None

    def _show_cell_answer(self, tab: SessionTab, abs_row: int, col: int, answer: CellAnswer) -> None:
        if answer.span is None:
            self.hex_view.select_bytes(0, 0)
            tab.view.set_highlight(())
            tab.show_message(answer.note)
            return
        start, end = answer.span
        self.hex_view.set_follow_tail(False)
        self.hex_view.select_bytes(start, end)
        if answer.exact:
            tab.show_message(answer.note)
        else:
            tab.show_message(f"{answer.note}: bytes {start}–{end - 1} ({end - start})")
        self._light(tab, start, end, scroll=False)

    def _light(self, tab: SessionTab, start: int, end: int, *, scroll: bool) -> None:
        """Light the cells bytes ``[start, end)`` wrote (answered in slices, like a click)."""

        def lit(cells: list[tuple[int, int]]) -> None:
            tab.view.set_highlight(cells)
            if scroll and cells:
                tab.view.scroll_to_row(cells[0][0])

        tab.ask(tab.cell_map.cells_of(start, end), lit)

    def explain_bytes(self, start: int, end: int) -> None:
        """Explain stream bytes ``[start, end)`` of the current tab, read with its code page (the Explain panel)."""
        tab = self.current_tab()
        if tab is None or end <= start:
            return
        data = tab.session.bytelog.slice(start, end, clamp=True)
        if data:
            self.explain_panel.explain_bytes(data, tab.encoding)

    def explain_selection(self) -> None:
        """Explain the current tab's selected cells: by their bytes where the window knows them, else as text."""
        tab = self.current_tab()
        if tab is None:
            return
        selection = tab.view.selection
        if selection is None:
            return
        (r0, c0), (r1, c1) = selection
        # Only what one slice of work can tell (a full-screen row needs the log replayed): else the text. Blank
        # cells at the ends were written by nothing: the bytes run from the first to the last written cell.
        first = next((span for c in range(c0, c0 + 8) if (span := self._quick_span(tab, r0, c)) is not None), None)
        last = next(
            (span for c in range(c1, max(-1, c1 - 64), -1) if (span := self._quick_span(tab, r1, c)) is not None), None
        )
        if first is not None and last is not None and first[0] < last[1]:
            self.explain_bytes(first[0], last[1])
            return
        text = tab.view.selection_text()
        if text.strip():
            self.explain_panel.explain_text(text)

    @staticmethod
    def _quick_span(tab: SessionTab, abs_row: int, col: int) -> tuple[int, int] | None:
        """The bytes of a cell if one slice of work finds them (:data:`app.widgets.session_tab.SLICE_S`)."""
        job = tab.cell_map.locate(abs_row, col)
        if not job.step(time.monotonic() + SLICE_S):
            job.cancel()
            return None
        return job.result.span

    def open_side_by_side(self, command: str | None = None, cwd: str | os.PathLike[str] | None = None) -> SideBySide:
        """Session ▸ Run side by side…: one command on a terminal and through pipes, both views shown."""
        if self.side_by_side is None:
            from app.widgets.side_by_side import SideBySide  # a second window on demand: not loaded at start-up

            default = "go test -v -count=1 ./..." if DEMO_MODULE.is_dir() else ""
            folder = cwd if cwd is not None else (DEMO_MODULE if DEMO_MODULE.is_dir() else None)
            self.side_by_side = SideBySide(self.loop, command if command is not None else default, folder)
            self.side_by_side.setWindowFlag(Qt.WindowType.Window, True)
            self.side_by_side.setParent(self, Qt.WindowType.Window)
        elif command is not None:
            self.side_by_side.command.setText(command)
        if cwd is not None:
            self.side_by_side.folder.setText(str(cwd))
        self.side_by_side.show()
        self.side_by_side.raise_()
        return self.side_by_side

    def _on_byte_hovered(self, offset: int) -> None:
        tab = self.current_tab()
        if tab is None or offset < 0:
            return
        from app.inspect.explain.inspector import MAX_RUN, run_around  # here: the explainer costs start-up time

        log = tab.session.bytelog
        lo = max(log.start_offset, offset - MAX_RUN)
        window = log.slice(lo, min(log.total_bytes, offset + MAX_RUN + 1), clamp=True)
        start, end = run_around(window, offset - lo)
        self.explain_panel.inspect(window[start:end], lo + start)

    def _on_terminal_selection(self, tab: SessionTab) -> None:
        if tab is self.current_tab() and tab.view.selection is not None:
            self._explain_timer.start()

    async def aclose(self) -> None:
        """Close every session (children hung up and reaped), save the settings, then close the window."""
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._close_all())
        await asyncio.shield(self._shutdown)

    # ------------------------------------------------------------------ tabs

    def _font(self) -> QtGui.QFont:
        return default_font(self.settings.font_size)

    def _add_tab(self, session: Session, *, title: str, profile: str) -> SessionTab:
        tab = SessionTab(session, title=title, profile=profile, theme=_theme(self.settings.theme), font=self._font())
        tab.view.set_cursor_blink(True)
        tab.set_reflow(self.settings.reflow)
        tab.output.connect(self._on_output)
        tab.title_changed.connect(lambda text, t=tab: self._set_tab_title(t, text))
        tab.view.cell_clicked.connect(lambda row, col, t=tab: self._on_cell_clicked(t, row, col))
        tab.view.confirm_paste = lambda text, t=tab: self.confirm_paste(t, text)
        tab.view.selection_changed.connect(lambda t=tab: self._on_terminal_selection(t))
        tab.view.link_activated.connect(lambda uri, t=tab: self.open_link(t, uri))
        tab.view.location_activated.connect(lambda location, t=tab: self.open_location(t, location))
        tab.display_changed.connect(lambda t=tab: self._on_display_changed(t))
        tab.session_event.connect(lambda event, t=tab: self._on_session_event(t, event))
        # The go test model is parsed as output comes only while the Tests panel shows it; else in quiet moments.
        tab.tests_live = functools.partial(self._tests_shown, tab)
        tab.tests_parsed.connect(lambda t=tab: self._notify_tests(t))
        tab.exited.connect(lambda _status, t=tab: self._on_tab_ended(t))
        source = session.source
        if is_replay(source):
            from app.widgets.replay_bar import ReplayBar  # only replays have one: not imported at start-up

            bar = ReplayBar(tab)
            bar.set_source(cast("ReplaySource", source))
            bar.watch_keys(tab.view)
            bar.jumped.connect(lambda _t, label, t=tab: t.show_message(f"at {label}"))
            tab.exited.connect(lambda _status, b=bar: b.refresh())  # at once, not at the next poll
            tab.set_replay_bar(bar)
        index = self.tabs.addTab(tab, title)
        self.tabs.setCurrentIndex(index)
        if self.isVisible():
            # Lay the new tab out now, so the session starts at the size of its view, not 80x24.
            QtWidgets.QApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest.value)
        tab.start(self.loop)
        tab.view.setFocus()
        return tab

    def _set_tab_title(self, tab: SessionTab, text: str) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, text)
        if tab is self.current_tab():
            self._update_session_info()

    def _on_current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.hex_view.set_bytelog(tab.session.bytelog)
            self.hex_view.set_encoding(tab.encoding)
        self._update_session_info()
        self._sync_decode_menu(checks=False)
        self._follow_process(tab)
        self._refeed_tests(tab)
        self.current_tab_changed.emit(tab)

    def _on_display_changed(self, tab: SessionTab) -> None:
        if tab is self.current_tab():
            self.hex_view.set_encoding(tab.encoding)
            self._update_session_info()
            self._refeed_tests(tab)  # test names decoded with the code page on view

    def _follow_process(self, tab: SessionTab | None) -> None:
        """Code page and Environment probe the current session's foreground process (none for a replay); a panel
        not built yet is given it when it is."""
        self._process_source = functools.partial(self._set_process_source, tab)
        self._process_source()

    def _set_process_source(self, tab: SessionTab | None) -> None:
        codepage, env = self._codepage_panel, self._env_panel
        if tab is None or tab.is_replay:
            if codepage is not None:
                codepage.set_source(_no_process)
            if env is not None:
                env.set_source(_no_process)
            return
        source = tab.session.source
        foreground = getattr(source, "foreground_pid", None)
        provider: Callable[[], int | None] = foreground if callable(foreground) else (lambda: source.pid)
        # Asked at every probe: a tab becomes current before its session has started and has a tty.
        has_tty = source.kind == "pty"
        tty_fd: Callable[[], int | None] | None = (lambda: getattr(source, "master_fd", None)) if has_tty else None
        plan = tab.session.plan
        if codepage is not None:
            codepage.set_source(provider, tty_fd=tty_fd, plan=plan)
        if env is not None:
            env.set_source(provider, session_env=plan.env if plan is not None else None)

    def _tests_shown(self, tab: SessionTab) -> bool:
        """The Tests panel shows ``tab``'s run now (so its output is parsed as it arrives)."""
        return tab is self.current_tab() and self._tests_panel is not None and self._tests_panel.isVisible()

    def _refeed_tests(self, tab: SessionTab | None) -> None:
        """The Tests panel shows the current tab's run, which the tab has parsed all along."""
        panel = self._tests_panel
        if panel is None:
            return  # given the current tab's run when it is built
        if tab is None:
            panel.clear()
        else:
            panel.show_run(tab.tests_so_far)  # a lagging model catches up in slices (tests_parsed)

    def _notify_tests(self, tab: SessionTab) -> None:
        """The current tab's run changed: the Tests panel (if built) shows it at its next tick."""
        if tab is self.current_tab() and self._tests_panel is not None:
            self._tests_panel.notify()

    def _on_session_event(self, tab: SessionTab, event: SessionEvent) -> None:
        if tab is not self.current_tab() or self._tests_panel is None:
            return
        if isinstance(event, ReplayReset):
            self._tests_panel.show_run(tab.tests_so_far)
        # The end of the run (an exit, or a replay at its end) comes as SessionTab.exited: _on_tab_ended.

    def _on_tab_ended(self, tab: SessionTab) -> None:
        self._notify_tests(tab)  # shown at its next tick, or when the panel is brought to the front

    def _on_reuse_toggled(self, on: bool) -> None:
        self.settings.tests_reuse_tab = on

    def _on_run_requested(self, preset: object) -> None:
        from app.gotest import GoTestPreset

        if not isinstance(preset, GoTestPreset):
            return
        with contextlib.suppress(ValueError):  # the fields as edited, not a rerun's narrowing
            self.settings.tests_preset = self.tests_panel.preset().to_json()
        try:
            self.run_preset(preset, reuse=self.tests_panel.reuse_tab.isChecked())
        except (SourceError, OSError, ValueError) as exc:
            self.tests_panel.error_label.setText(f"could not start go test: {exc}")
            self.tests_panel.error_label.setVisible(True)

    def select_bytes(self, start: int, end: int) -> None:
        """Select stream bytes ``[start, end)`` in the Bytes panel and light up (and show) the rows they wrote."""
        self.hex_view.set_follow_tail(False)
        self.hex_view.select_bytes(start, end)
        self._on_bytes_selected(start, end)

    def _on_test_line_selected(self, start: int, end: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self.select_bytes(start, end)
        tab.show_message(f"test line: bytes {start}–{end - 1} ({end - start})")

    def _on_output(self) -> None:
        """A tab took in output (told once per turn of the loop, however many reads)."""
        self.last_output = time.monotonic()
        if self.sender() is self.current_tab():
            self.hex_view.refresh()
            if self._tests_panel is not None:
                self._tests_panel.notify()

    def _on_close_requested(self, index: int, *, ask: bool = True) -> None:
        widget = self.tabs.widget(index)
        if not isinstance(widget, SessionTab):
            return
        if ask and not self.confirm_close([widget], quitting=False):
            return
        self.tabs.removeTab(index)
        widget.kill_now()

        async def close() -> None:
            try:
                await widget.close_session()
            finally:
                widget.deleteLater()

        # Kept until done: closing the window waits for these too (see _close_all).
        closing = self.loop.create_task(close())
        self._tabs_closing.add(closing)
        closing.add_done_callback(self._tabs_closing.discard)

    def _on_cell_clicked(self, tab: SessionTab, abs_row: int, col: int) -> None:
        if tab is self.current_tab():
            self.select_cell(abs_row, col)

    def _on_bytes_selected(self, start: int, end: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self._light(tab, start, end, scroll=True)

    def _update_session_info(self) -> None:
        tab = self.current_tab()
        if tab is None:
            self.session_info.setPlainText("No session. File ▸ New session, or File ▸ Samples.")
            return
        session = tab.session
        lines = [f"Tab: {tab.title}", f"Backend: {session.source.kind}", f"Fidelity: {session.source.fidelity}"]
        host = source_console_host(session.source)
        if host:
            lines.append(f"Console host: {host}")
        note = self._sample_notes.get(id(tab))
        if note:
            lines = ["What this sample shows:", f"  {note}", "", *lines]
        lines.append(f"Decoding: {tab.encoding}")
        if session.plan is not None:
            lines += ["", "Started with:", *("  " + line for line in session.plan.describe())]
        summary = tab.plan_summary()
        if session.plan is None and summary:
            lines += ["", "Recording:", *("  " + part for part in summary.split(" · "))]
        lines += [
            "",
            "Click a cell in the terminal: the bytes that wrote it are selected in Bytes (that character's",
            "bytes where its row can be replayed from them, else all the bytes that wrote its row).",
            "Select bytes in Bytes: the cells they wrote light up.",
        ]
        self.session_info.setPlainText("\n".join(lines))

    # ------------------------------------------------------------------ menus

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        new = file_menu.addAction("&New session")
        new.setShortcut(QtGui.QKeySequence("Ctrl+Shift+T"))
        new.triggered.connect(self._new_session_clicked)
        open_rec = file_menu.addAction("&Open recording…")
        open_rec.setShortcut(QtGui.QKeySequence("Ctrl+Shift+O"))
        open_rec.triggered.connect(self._open_recording_clicked)
        self.samples_menu = file_menu.addMenu("&Samples")
        self.samples_menu.setToolTipsVisible(True)
        notes = sample_descriptions(SAMPLES_DIR)
        for path in samples():
            note = notes.get(path.name, "")
            action = self.samples_menu.addAction(f"{path.name} — {_first_clause(note)}" if note else path.name)
            action.setToolTip(note)
            action.setStatusTip(note)
            action.setData(note)
            action.triggered.connect(lambda _checked=False, p=path: self._open_path(p))
        self.samples_menu.setEnabled(bool(self.samples_menu.actions()))
        file_menu.addSeparator()
        self.record_action = file_menu.addAction("&Record this session…")
        self.record_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+R"))
        self.record_action.setToolTip("Write the current tab to a .cast: the output so far, then all that follows")
        self.record_action.triggered.connect(self._record_clicked)
        self.export_action = file_menu.addAction("&Export selected bytes…")
        self.export_action.setToolTip("The bytes selected in Bytes, as raw bytes (.bin) or a recording (.cast)")
        self.export_action.triggered.connect(self._export_clicked)
        file_menu.aboutToShow.connect(self._sync_file_menu)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+Q"))
        quit_action.triggered.connect(self.quit)

        edit_menu = bar.addMenu("&Edit")
        self.find_action = edit_menu.addAction("&Find in terminal…")
        self.find_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+F"))
        self.find_action.setToolTip("Find text or a regular expression in the current tab, scrollback included")
        self.find_action.triggered.connect(self.open_find)
        edit_menu.addSeparator()
        self.confirm_paste_action = edit_menu.addAction("Ask before pasting several &lines")
        self.confirm_paste_action.setCheckable(True)
        self.confirm_paste_action.setChecked(self.settings.confirm_multiline_paste)
        self.confirm_paste_action.setToolTip("Into a program without bracketed paste, each line runs as it arrives")
        self.confirm_paste_action.toggled.connect(lambda on: setattr(self.settings, "confirm_multiline_paste", on))
        self.confirm_close_action = edit_menu.addAction("Ask before closing &running programs")
        self.confirm_close_action.setCheckable(True)
        self.confirm_close_action.setChecked(self.settings.confirm_close_running)
        self.confirm_close_action.setToolTip("Closing a tab or quitting ends the programs running there")
        self.confirm_close_action.toggled.connect(lambda on: setattr(self.settings, "confirm_close_running", on))
        edit_menu.addSeparator()
        editor = edit_menu.addAction("&Editor for locations…")
        editor.setToolTip("The command Ctrl+click on file.go:29: runs (default: VS Code's code -g when installed)")
        editor.triggered.connect(self.choose_editor)

        session_menu = bar.addMenu("&Session")
        self.utf8_action = session_menu.addAction("Enforce &UTF-8")
        self.utf8_action.setCheckable(True)
        self.utf8_action.setToolTip("New sessions start with UTF-8; the running shell is switched where it can be")
        self.utf8_action.toggled.connect(self.set_utf8)
        restart = session_menu.addAction("&Restart session")
        restart.setToolTip("Start the current tab's command again with the current settings")
        restart.triggered.connect(self.restart_session)
        profile_menu = session_menu.addMenu("&Profile for new sessions")
        self._profile_actions = QtGui.QActionGroup(self)
        for prof in PROFILES.values():
            if prof.family == "command" or not prof.available():
                continue
            action = profile_menu.addAction(prof.title)
            action.setCheckable(True)
            action.setData(prof.name)
            self._profile_actions.addAction(action)
        self._profile_actions.triggered.connect(self._profile_chosen)
        explain = session_menu.addAction("E&xplain selection")
        explain.setShortcut(QtGui.QKeySequence("Ctrl+Shift+E"))
        explain.setToolTip("Explain the selected cells or bytes: how the text became mojibake, and the original")
        explain.triggered.connect(self._explain_clicked)
        side = session_menu.addAction("Run side &by side…")
        side.setToolTip("Run one command on a terminal and through pipes, and compare what each shows")
        side.triggered.connect(lambda: self.open_side_by_side())
        self.decode_menu = session_menu.addMenu("&Decode as")
        self._decode_actions = QtGui.QActionGroup(self)
        for label, codec in DECODE_AS:
            action = self.decode_menu.addAction(label)
            action.setCheckable(True)
            action.setData(codec)
            self._decode_actions.addAction(action)
        self._decode_actions.triggered.connect(lambda action: self.decode_as(str(action.data())))
        self.decode_menu.aboutToShow.connect(self._sync_decode_menu)

        view_menu = bar.addMenu("&View")
        bigger = view_menu.addAction("&Larger font")
        bigger.setShortcut(QtGui.QKeySequence("Ctrl+="))
        bigger.triggered.connect(lambda: self.set_font_size(self.settings.font_size + 1))
        smaller = view_menu.addAction("&Smaller font")
        smaller.setShortcut(QtGui.QKeySequence("Ctrl+-"))
        smaller.triggered.connect(lambda: self.set_font_size(self.settings.font_size - 1))
        reset = view_menu.addAction("&Default font size")
        reset.setShortcut(QtGui.QKeySequence("Ctrl+0"))
        reset.triggered.connect(lambda: self.set_font_size(DEFAULT_FONT_SIZE))
        view_menu.addSeparator()
        self._theme_actions = QtGui.QActionGroup(self)
        for label, name in (("&Dark theme", "dark"), ("L&ight theme", "light")):
            action = view_menu.addAction(label)
            action.setCheckable(True)
            action.setData(name)
            self._theme_actions.addAction(action)
        self._theme_actions.triggered.connect(lambda action: self.set_theme(str(action.data())))
        view_menu.addSeparator()
        self.reflow_action = view_menu.addAction("&Reflow on resize")
        self.reflow_action.setCheckable(True)
        self.reflow_action.setToolTip("Re-wrap soft-wrapped lines when the width changes (off: cut them, as xterm)")
        self.reflow_action.setChecked(self.settings.reflow)
        self.reflow_action.toggled.connect(self.set_reflow)
        view_menu.addSeparator()
        inspector = self.dock.toggleViewAction()
        inspector.setShortcut(QtGui.QKeySequence("Ctrl+Shift+I"))
        inspector.setToolTip("Hide or show the Inspector (Bytes, Tests, Code page, Environment, Session)")
        view_menu.addAction(inspector)

    def _sync_decode_menu(self, *, checks: bool = True) -> None:
        """Enable the Decode as menu for a tab and tick its encoding.  ``checks=False`` (a tab switch) leaves the
        ticks to the menu's next showing: comparing the entries by codec imports every codec module listed
        (GBK, Shift JIS, Big5…: ~10 ms of start-up)."""
        tab = self.current_tab()
        self.decode_menu.setEnabled(tab is not None)
        if not checks:
            return
        current = tab.encoding if tab is not None else ""
        from app.vt.decoder import normalize_encoding

        for action in self._decode_actions.actions():
            action.setChecked(tab is not None and normalize_encoding(str(action.data())) == normalize_encoding(current))

    def _explain_clicked(self) -> None:
        selection = self.hex_view.selection()
        tab = self.current_tab()
        if tab is not None and tab.view.selection is not None:
            self.explain_selection()
        elif selection is not None:
            self.explain_bytes(*selection)
        self.explain_dock.show()

    def _profile_chosen(self, action: QtGui.QAction) -> None:
        self.settings.profile = str(action.data())

    def _new_session_clicked(self) -> None:
        try:
            self.new_session()
        except (SourceError, OSError, ValueError) as exc:
            warn(self, f"Could not start a session: {exc}")

    def _open_recording_clicked(self) -> None:
        start = str(SAMPLES_DIR) if SAMPLES_DIR.is_dir() else ""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open recording", start, "Recordings (*.cast)")
        if path:
            self._open_path(Path(path))

    def _open_path(self, path: Path) -> None:
        from app.record.cast import CastFormatError

        try:
            tab = self.open_recording(path)
        except (OSError, CastFormatError) as exc:
            warn(self, f"Could not open {path.name}: {exc}")
            return
        note = sample_descriptions(path.parent).get(path.name) if path.parent == SAMPLES_DIR else None
        if note:
            self._sample_notes[id(tab)] = note
            tab.show_message(note)
            self._update_session_info()

    # ------------------------------------------------------------------ closing

    async def _close_all(self) -> None:
        current = self.current_tab()
        if current is not None and current.view.isVisible():
            self.size_at_close = current.view.grid_size()
        tabs = self.session_tabs()
        for tab in tabs:
            tab.kill_now()
        ending = [tab.close_session() for tab in tabs]
        # Tabs closed just before: their sessions end with the window's, not after it (a task left pending is
        # destroyed at exit with its child unreaped).
        results = await asyncio.gather(*ending, *list(self._tabs_closing), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.warning("closing a session failed: %s", result)
        self.save_settings()
        self._finished = True
        self.close()

    def quit(self) -> None:
        """File > Quit: close the window, asking first if programs run in its tabs (see :meth:`confirm_close`)."""
        self._quit_asked = True
        self.close()

    def confirm_close(self, tabs: Sequence[SessionTab], *, quitting: bool) -> bool:
        """Whether to go on closing ``tabs`` (or quitting): asks the user when a program runs in one of them.

        "Runs" is what :meth:`SessionTab.running_program` finds: a program in the foreground, not a shell idle
        at its prompt and not a finished session or a replay; closing ends it (unsaved work in an editor
        included), so Windows Terminal and VS Code ask, and so does this (Edit > Ask before closing running
        programs turns it off, as does the dialog's box).
        """
        if not self.settings.confirm_close_running:
            return True
        running = [(tab, program) for tab in tabs if (program := tab.running_program()) is not None]
        if not running:
            return True
        names = "\n".join(f"  {program.describe()} in the tab “{tab.title}”" for tab, program in running)
        if quitting:
            text = f"Programs are still running:\n{names}\n\nQuitting Mojiscope ends them, with any unsaved work."
            accept = "Quit"
        else:
            text = f"A program is still running:\n{names}\n\nClosing the tab ends it, with any unsaved work."
            accept = "Close tab"
        accepted, never = ask(self, text, accept)
        if never:
            self.settings.confirm_close_running = False
            self.confirm_close_action.setChecked(False)
        return accepted

    def confirm_paste(self, tab: SessionTab, text: str) -> bool:
        """Whether to send a paste of several lines to a program that has not turned on bracketed paste: each
        line would run as it arrives, as if typed and entered (Windows Terminal asks too; so does this, unless
        Edit > Ask before pasting several lines, or the dialog's box, turned it off)."""
        if not self.settings.confirm_multiline_paste:
            return True
        lines = len(text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n"))
        preview = text if len(text) <= 400 else text[:399] + "…"
        message = (
            f"You are pasting {lines} line{'s' if lines != 1 else ''} into a program that has not turned on bracketed "
            "paste: every line break presses Enter, so each line may run as a command as soon as it arrives.\n\n"
            f"{preview}"
        )
        accepted, never = ask(self, message, "Paste")
        if never:
            self.settings.confirm_multiline_paste = False
            self.confirm_paste_action.setChecked(False)
        return accepted

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        """Sessions first: hang up every child now, close them on the loop, then really close."""
        if self._finished:
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if self._shutdown is not None:
            return
        if event.spontaneous() or self._quit_asked:
            self._quit_asked = False
            if not self.confirm_close(self.session_tabs(), quitting=True):
                return
        if self.loop.is_running():
            self._shutdown = self.loop.create_task(self._close_all())
        else:
            # No loop to wait on (the app is tearing down): end the children the blocking way.
            for tab in self.session_tabs():
                tab.kill_now()
            with contextlib.suppress(RuntimeError):
                self.loop.run_until_complete(self.aclose())
            if not self._finished:
                self._finished = True
                self.save_settings()
                self.close()
