"""Starting the desktop app, and rendering it to a PNG (``python -m app screenshot``).

Why qasync: sessions are asyncio tasks (the pty is read with ``loop.add_reader``), and the
widgets live on the Qt loop; qasync makes them one loop, so session events arrive on the GUI
thread with no locks and no queues. The app runs until the main window says it is ``closed``,
which it does only after every session was closed — so no child process outlives the app.
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.record.cast import Recording
    from app.widgets.qt import QtCore, QtWidgets

__all__ = [
    "DEMO_RECORDING",
    "STARTUP_PROBE",
    "ScreenshotError",
    "display_problem",
    "run_app",
    "seconds_since_start",
    "take_screenshot",
    "warm_up_in_background",
]

#: With this variable set (``MOJISCOPE_STARTUP_PROBE=1 python -m app``), the app prints one line when its first
#: paint of a non-blank screen (the shell's prompt) is done, and closes itself::
#:
#:     mojiscope startup: first prompt painted 0.312 s after the process started (epoch 1733456789.123456; CPU 0.290 s)
#:
#: Why in the app: "the process exists" is easy to see from outside, "the prompt is on screen" is not.  The time
#: is from the process's start as the kernel recorded it (Linux, 10 ms resolution); the epoch lets a caller that
#: noted the time before starting the process measure exactly (``python -m app bench --startup`` does).
STARTUP_PROBE = "MOJISCOPE_STARTUP_PROBE"
_IMPORTED = time.time()

DEMO_RECORDING = Path(__file__).resolve().parents[1] / "resources" / "samples" / "go-test-utf8.cast"


class ScreenshotError(Exception):
    """The screenshot could not be made; the message is the whole one-line explanation."""


def _application(argv: list[str]) -> QtWidgets.QApplication:
    from app.widgets.qt import QtWidgets

    existing = QtWidgets.QApplication.instance()
    if isinstance(existing, QtWidgets.QApplication):
        return existing
    app = QtWidgets.QApplication([sys.argv[0], *argv])
    app.setOrganizationName("Mojiscope")
    app.setApplicationName("Mojiscope")
    return app


#: Windows' own fonts the window uses (UI, terminal, CJK fallbacks), by file name in %WINDIR%\Fonts.
WINDOWS_FONT_FILES = ("segoeui.ttf", "CascadiaMono.ttf", "consola.ttf", "consolab.ttf", "msyh.ttc", "simsun.ttc")


def windows_fonts_dir() -> Path:
    return Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts"


def load_fonts(folder: Path, names: tuple[str, ...] = WINDOWS_FONT_FILES) -> list[str]:
    """Register the fonts ``names`` found in ``folder`` with Qt; the families that came in.

    Qt's offscreen platform (the screenshot) on Windows knows no system fonts: it reads only
    ``PySide6/lib/fonts``, and there only ``*.ttf``/``*.otf``, so Microsoft YaHei and SimSun (``.ttc``) would
    never be found. Registered one by one, they are (a handful, not the hundreds in the folder: fast).
    """
    from app.widgets.qt import QtGui

    families: list[str] = []
    for name in names:
        path = folder / name
        if path.is_file():
            font_id = QtGui.QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families += QtGui.QFontDatabase.applicationFontFamilies(font_id)
    return families


#: What a user is told when Qt cannot open a window (printed after "mojiscope: error: ").
NO_DISPLAY = (
    "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); start it from a desktop "
    "session, or use the headless commands (mojiscope --help)"
)
NO_X_SERVER = "cannot connect to the display {display}; is an X server running there (check DISPLAY)?"
QT_PLUGIN_FAILED = (
    "Qt's {plugin} platform plugin could not start: a system library it needs is missing; install the packages "
    "the README lists (Debian/Ubuntu: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 …), or run with "
    "QT_DEBUG_PLUGINS=1 to see which"
)


def display_problem(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> str | None:
    """Why no window can be opened here, before Qt is asked (Qt aborts the process instead); ``None``: try.

    Windows and macOS always have their platform; elsewhere a window needs an X or Wayland display,
    unless a Qt platform was chosen explicitly (``QT_QPA_PLATFORM=offscreen``, ``vnc``…).
    """
    env = os.environ if env is None else env
    if platform in ("win32", "darwin") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def _qt_fatal_as_one_line() -> Callable[[], None]:
    """Until the application object exists, hold Qt's messages back and turn its abort on a platform plugin
    that cannot start (no X server there, a missing xcb library) into one line on stderr and exit status 2.

    Returns the function to call once the application exists: it prints what was held back and puts the
    previous message handler back.
    """
    from app.widgets.qt import QtCore

    held: list[str] = []

    def handler(kind: QtCore.QtMsgType, _context: QtCore.QMessageLogContext, message: str) -> None:
        if kind != QtCore.QtMsgType.QtFatalMsg:
            held.append(message)
            return
        display = next((m.rpartition(" ")[2] for m in held if m.startswith("could not connect to display")), None)
        plugin = os.environ.get("QT_QPA_PLATFORM") or "xcb"
        why = NO_X_SERVER.format(display=display) if display else QT_PLUGIN_FAILED.format(plugin=plugin)
        print(f"mojiscope: error: {why}", file=sys.stderr, flush=True)
        os._exit(2)

    previous = QtCore.qInstallMessageHandler(handler)

    def release() -> None:
        QtCore.qInstallMessageHandler(previous)
        for message in held:
            print(f"qt: {message}", file=sys.stderr)

    return release


def run_app(argv: list[str]) -> int:
    """The desktop app: one session on the default profile; returns when the window was closed."""
    problem = display_problem()
    if problem is not None:
        print(f"mojiscope: error: {problem}", file=sys.stderr)
        return 2
    # No cyclic collections until the first prompt is painted (see START_GC_LATEST_MS): importing PySide6 and the
    # app's modules and building the window make objects that nearly all live on, and CPython walked them again and
    # again to find next to no garbage (~85 young and ~11 middle collections between here and the first painted
    # prompt; more once the idle collector's small thresholds are set, below).  From then on CPython's automatic
    # collection stays off: the idle collector runs the collections on the UI thread (app.widgets.idle_gc says why).
    gc.disable()
    from app.widgets.quick_enums import quick_enums

    try:
        with quick_enums():  # PySide's ~220 enums before the first prompt made in fewer steps (quick_enums says how)
            return _run_app(argv)
    finally:
        gc.enable()


#: Cyclic garbage collection starts when the first prompt is painted (the idle collector's young collections, on the
#: UI thread), or this many ms after the window was made if nothing is painted by then (a shell slow to start).  It
#: was a fixed 300 ms: on a busy machine the prompt came later, and young collections ran in the middle of the start.
#: The collector's first quiet check (a second after start) then collects once and freezes what is alive.
START_GC_LATEST_MS = 3000


def _run_app(argv: list[str]) -> int:
    from app.widgets.code_cache import cache_dir, cached_dataclass_code, cached_regexes

    code = cache_dir()
    guess_file = code.parent / FIRST_SHELL_GUESS
    try:
        # The app's dataclasses' methods and the regular expressions compiled while loading, compiled once (code_cache).
        with cached_dataclass_code(code), cached_regexes(code):
            from app.pty import first_shell

            # The first session's shell starts now, on the other core, while Qt loads (app.pty.first_shell says how
            # it stays exactly the shell the window would start).
            first_shell.start(first_shell.read_guess(guess_file), os.path.expanduser("~"))
            import app.widgets.qt  # noqa: I001  # first: PySide6 is imported there, its code cached
            import qasync  # noqa: F401
            import app.widgets.idle_gc
            import app.widgets.main_window  # noqa: F401
    except ImportError as exc:  # pragma: no cover - PySide6 and qasync are dependencies
        _discard_first_shell()
        print(
            f"mojiscope: error: the desktop app needs PySide6 and qasync ({exc}); run: pip install -e .",
            file=sys.stderr,
        )
        return 2
    try:
        return _run_window(argv, guess_file)
    finally:
        _discard_first_shell()


#: The file, beside the code cache, that keeps what the window's first session started (app.pty.first_shell).
FIRST_SHELL_GUESS = "first-shell"


def _discard_first_shell() -> None:
    """Kill the early shell if no session took it (imported only if it was, so nothing is loaded for this)."""
    first_shell = sys.modules.get("app.pty.first_shell")
    if first_shell is not None:
        first_shell.discard()


def _run_window(argv: list[str], guess_file: Path) -> int:
    import qasync

    from app.pty import first_shell
    from app.widgets.idle_gc import IdleCollector
    from app.widgets.main_window import MainWindow
    from app.widgets.qt import QtCore

    release_messages = _qt_fatal_as_one_line()
    app = _application(argv)
    release_messages()
    app.setQuitOnLastWindowClosed(False)  # the window quits once its sessions are closed, not before
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector: IdleCollector | None = None
    warm_ups: list[threading.Thread] = []
    try:
        window = MainWindow(loop=loop)
        collector = IdleCollector(lambda: window.last_output, young_after_ms=START_GC_LATEST_MS)
        done: asyncio.Future[None] = loop.create_future()

        def on_closed() -> None:
            if not done.done():
                done.set_result(None)

        window.closed.connect(on_closed)
        window.show()
        tab = window.new_session()
        when_first_prompt_painted(tab, collector.start_young)
        plan = tab.session.plan
        if plan is not None and sys.platform != "win32":  # what the next start's early shell will be
            size = tab.session.terminal.cols, tab.session.terminal.rows
            first_shell.remember(guess_file, first_shell.Guess(plan.profile, plan.utf8, *size))
        if os.environ.get(STARTUP_PROBE, "") not in ("", "0"):
            _probe_first_prompt(window, tab)
        else:
            QtCore.QTimer.singleShot(WARM_UP_MS, lambda: warm_ups.append(warm_up_in_background()))
        loop.run_until_complete(done)
        if window.size_at_close is not None and sys.platform != "win32":
            # The next start's early shell gets the size the window had at its close, not the one it had here at the
            # start: a window resized during the run would otherwise make the next start's guess miss (its shell
            # killed unseen after running its rc files for nothing).  Profile and UTF-8 switch: the settings now,
            # which the next start's first session will use.
            next_plan = window.plan_new_session()
            guess = first_shell.Guess(next_plan.profile, next_plan.utf8, *window.size_at_close)
            first_shell.remember(guess_file, guess)
    finally:
        if collector is not None:
            collector.close()
        asyncio.set_event_loop(None)
        loop.close()
        for thread in warm_ups:  # not left importing while the interpreter shuts down (a window closed at once)
            thread.join(10)
    return 0


#: How long after the window opens :func:`warm_up_in_background` starts (ms): after the first prompt is painted
#: (~50 ms after the window shows), so its work does not compete with that.
WARM_UP_MS = 300


def warm_up_in_background() -> threading.Thread:
    """Load, on a background thread, what would otherwise be loaded on the GUI thread in the middle of a stream:
    the width tables the engine reads at its first character outside the common blocks :mod:`app.vt.width_runs`
    covers (wcwidth, ~35-40 ms: a stall at the first emoji of a flood), psutil, which the first session's end
    imports to gather its process family (~35 ms, with PySide's import hook reading each new module's source: a
    stall as a ``go test`` run ends), and the go test
    model (:mod:`app.gotest`, made at a tab's first parse: after a flood nobody watched, at its end).

    Why a thread: this is import work, which is safe on any thread, and the interpreter hands the GUI thread
    its turn every few milliseconds, where on the GUI thread the loop would stop for all of it.  A module the GUI
    thread asks for while the thread is still loading it waits for that import (no worse than loading it).
    """

    def load() -> None:
        from app.vt.width import load_wcwidth

        load_wcwidth()
        import psutil  # noqa: F401  # loaded for the session's end (app.pty._common)

        import app.gotest  # noqa: F401  # loaded for a tab's first go test parse (app.widgets.session_tab)

    thread = threading.Thread(target=load, name="mojiscope-warm-up", daemon=True)
    thread.start()
    return thread


def seconds_since_start(now: float | None = None) -> float:
    """Seconds from this process's start (as the kernel recorded it; elsewhere: the import of this module)."""
    now = time.time() if now is None else now
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])  # field 22, starttime: clock ticks after boot
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        started = time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        started = _IMPORTED
    return max(0.0, now - started)


def when_first_prompt_painted(tab: object, callback: Callable[[], None]) -> None:
    """Call *callback* once, right after the first paint of *tab*'s terminal that shows something (the shell's first
    prompt, or whatever the session's program writes first)."""
    from app.widgets.qt import QtCore
    from app.widgets.session_tab import SessionTab

    assert isinstance(tab, SessionTab)
    term = tab.terminal
    viewport = tab.view.viewport()

    def shows_something() -> bool:
        rows = (term.row(term.history_size + y) for y in range(term.rows))
        return any(row is not None and row.text.strip(" \x00") for row in rows)

    class FirstPaint(QtCore.QObject):
        fired = False

        def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
            if not self.fired and event.type() == QtCore.QEvent.Type.Paint and shows_something():
                self.fired = True
                QtCore.QTimer.singleShot(0, done)  # right after this paint is done
            return False

    def done() -> None:
        viewport.removeEventFilter(watcher)  # no look at every later paint
        callback()

    watcher = FirstPaint(tab.view)
    viewport.installEventFilter(watcher)


def _probe_first_prompt(window: object, tab: object) -> None:
    """:data:`STARTUP_PROBE`: after the first paint of the terminal that shows something, print and close."""
    from app.widgets.main_window import MainWindow

    assert isinstance(window, MainWindow)

    def finish() -> None:
        epoch = time.time()
        print(
            f"mojiscope startup: first prompt painted {seconds_since_start(epoch):.3f} s after the process "
            f"started (epoch {epoch:.6f}; CPU {time.process_time():.3f} s)",
            file=sys.stderr,
            flush=True,
        )
        window.close()

    when_first_prompt_painted(tab, finish)


def take_screenshot(
    output: str | os.PathLike[str],
    *,
    recording: Recording | None = None,
    size: tuple[int, int] = (1280, 800),
    encoding: str = "utf-8",
    title: str | None = None,
) -> tuple[int, int]:
    """Render the main window offscreen after replaying ``recording`` (default: the Go demo) to its
    end, and save it as PNG. Returns the image size. Settings come from a throw-away file, so a
    screenshot looks the same on every machine and never changes the user's settings.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync

    from app.record.cast import CastFormatError, read_cast
    from app.widgets.main_window import MainWindow
    from app.widgets.qt import QtCore
    from app.widgets.settings import AppSettings, open_settings

    if recording is None:
        try:
            recording = read_cast(DEMO_RECORDING)
        except (OSError, CastFormatError) as exc:
            raise ScreenshotError(f"cannot read the demo recording {DEMO_RECORDING}: {exc}") from None
        title = title or DEMO_RECORDING.name
    app = _application([])
    previous_handler = QtCore.qInstallMessageHandler(_quiet_offscreen)
    if sys.platform == "win32" and app.platformName() == "offscreen":
        load_fonts(windows_fonts_dir())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with tempfile.TemporaryDirectory(prefix="mojiscope-shot-") as tmp:
            window = MainWindow(AppSettings(open_settings(str(Path(tmp) / "settings.ini"))), loop=loop)
            try:
                window.resize(*size)
                window.show()
                app.processEvents()
                tab = window.open_recording(recording, encoding=encoding, title=title, speed=math.inf)
                task = tab.task
                assert task is not None
                loop.run_until_complete(asyncio.wait_for(asyncio.shield(task), 30))
                _show_a_mapping(window)
                tab.view.set_cursor_blink(False)
                tab.view.flush_now()
                window.hex_view.flush_refresh()
                app.processEvents()
                image = window.grab().toImage()
                # PySide6's stubs type the format as bytes; the binding itself wants a str.
                if not image.save(os.fspath(output), "PNG"):  # type: ignore[call-overload]
                    raise ScreenshotError(f"cannot write {os.fspath(output)}; check the folder exists and is writable")
                return image.width(), image.height()
            finally:
                loop.run_until_complete(window.aclose())
                window.deleteLater()
    except TimeoutError:
        raise ScreenshotError("the replay did not finish within 30 s") from None
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        QtCore.qInstallMessageHandler(previous_handler)


def _quiet_offscreen(kind: QtCore.QtMsgType, _context: QtCore.QMessageLogContext, message: str) -> None:
    """Qt's messages to stderr, minus the offscreen platform's note that it cannot size windows by
    hints (harmless here), so that the command's output is its one line."""
    if "propagateSizeHints" in message:
        return
    print(f"qt: {message}", file=sys.stderr)


def _show_a_mapping(window: object) -> None:
    """Make the screenshot explain itself: click the first Chinese character on screen (a test name in the
    demo), so the Bytes panel selects its bytes and its two cells light up."""
    from app.widgets.main_window import MainWindow

    assert isinstance(window, MainWindow)
    tab = window.current_tab()
    if tab is None:
        return
    term = tab.terminal
    rows = [term.row(abs_row) for abs_row in range(term.history_size + term.rows)]
    for abs_row, text in enumerate(row.text if row is not None else "" for row in rows):
        if "\ufffd" in text:
            continue
        col = next((i for i, ch in enumerate(text) if not ch.isascii()), None)
        if col is not None:
            window.select_cell(abs_row, col)
            return
