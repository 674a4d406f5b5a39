"""Starting the desktop app, and rendering it to a PNG (``python -m app screenshot``).

Why qasync: sessions are asyncio tasks (the pty is read with ``loop.add_reader``), and the
widgets live on the Qt loop; qasync makes them one loop, so session events arrive on the GUI
thread with no locks and no queues. The app runs until the main window says it is ``closed``,
which it does only after every session was closed — so no child process outlives the app.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.record.cast import Recording
    from app.widgets.qt import QtCore, QtWidgets

__all__ = ["DEMO_RECORDING", "ScreenshotError", "run_app", "take_screenshot"]

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


def run_app(argv: list[str]) -> int:
    """The desktop app: one session on the default profile; returns when the window was closed."""
    try:
        import qasync

        from app.widgets.idle_gc import IdleCollector
        from app.widgets.main_window import MainWindow
    except ImportError as exc:  # pragma: no cover - PySide6 and qasync are dependencies
        print(
            f"mojiscope: error: the desktop app needs PySide6 and qasync ({exc}); run: pip install -e .",
            file=sys.stderr,
        )
        return 2
    app = _application(argv)
    app.setQuitOnLastWindowClosed(False)  # the window quits once its sessions are closed, not before
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector: IdleCollector | None = None
    try:
        window = MainWindow(loop=loop)
        collector = IdleCollector(lambda: window.last_output)
        done: asyncio.Future[None] = loop.create_future()

        def on_closed() -> None:
            if not done.done():
                done.set_result(None)

        window.closed.connect(on_closed)
        window.show()
        window.new_session()
        loop.run_until_complete(done)
    finally:
        if collector is not None:
            collector.close()
        asyncio.set_event_loop(None)
        loop.close()
    return 0


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
    screen = tab.terminal.screen
    rows = [row.text for row in screen.history] + [line.text for line in screen.lines]
    for abs_row, text in enumerate(rows):
        if "\ufffd" in text:
            continue
        col = next((i for i, ch in enumerate(text) if not ch.isascii()), None)
        if col is not None:
            window.select_cell(abs_row, col)
            return
