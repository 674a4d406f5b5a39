"""Make the README's screenshots of the terminal's own features (find, a location under the pointer, the
File menu's recording items), offscreen, from the bundled Go demo recording.

    python docs/make_screenshots.py [OUT_DIR]     # default: docs/

Popups (a menu, a tooltip) are windows of their own, so each is grabbed and drawn onto the window's image
where it would appear.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402

from app.app_main import DEMO_RECORDING  # noqa: E402
from app.session.factory import command_plan, live_session  # noqa: E402
from app.widgets.main_window import MainWindow  # noqa: E402
from app.widgets.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from app.widgets.settings import AppSettings, open_settings  # noqa: E402


def _settle(app: QtWidgets.QApplication, window: MainWindow) -> None:
    for _ in range(5):
        app.processEvents()
    tab = window.current_tab()
    if tab is not None:
        tab.view.flush_now()
    app.processEvents()


def _compose(window: MainWindow, popup: QtWidgets.QWidget | None) -> QtGui.QImage:
    image = window.grab().toImage()
    if popup is not None and popup.isVisible():
        painter = QtGui.QPainter(image)
        at = window.mapFromGlobal(popup.mapToGlobal(QtCore.QPoint(0, 0)))
        painter.drawImage(at, popup.grab().toImage())
        painter.end()
    return image


def _tooltip() -> QtWidgets.QWidget | None:
    tips = (w for w in QtWidgets.QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible())
    return next(tips, None)


def main(out_dir: Path) -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    assert isinstance(app, QtWidgets.QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(AppSettings(open_settings(str(Path(tmp) / "s.ini"))), loop=loop)
        window.resize(1280, 720)
        window.show()
        tab = window.open_recording(DEMO_RECORDING, speed=math.inf, title="go-test-utf8.cast")
        assert tab.task is not None
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 30))
        tab.view.set_cursor_blink(False)
        _settle(app, window)

        # Find: every "子测试" lit, the current one stronger, the count in the bar.
        window.open_find()
        tab.find_bar.edit.setText("子测试")
        tab.find_bar.search()
        tab.find_bar.next()
        _settle(app, window)
        _compose(window, None).save(str(out_dir / "find.png"))
        tab.find_bar.close_bar()

        # A location under the pointer: underlined, its target in a tooltip (Ctrl+click opens it).
        term = tab.terminal
        row = next(r for r in range(term.history_size + term.rows) if "_test.go:" in "".join(term.row_cells(r)))
        col = "".join(term.row_cells(row)).index("_test.go") - 3
        tab.view.scroll_to_row(row)
        _settle(app, window)
        point = tab.view.cell_rect(row, col).center()
        move = QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove,
            QtCore.QPointF(point),
            QtCore.QPointF(tab.view.viewport().mapToGlobal(point)),
            QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.KeyboardModifier.NoModifier,
        )
        QtWidgets.QApplication.sendEvent(tab.view.viewport(), move)
        _settle(app, window)
        _compose(window, _tooltip()).save(str(out_dir / "location.png"))

        # The File menu with Record this session / Export selected bytes, on a live program.
        child = (
            "import sys, time\n"
            "sys.stdout.write(open(sys.argv[1], encoding='utf-8').read()); sys.stdout.flush()\n"
            "time.sleep(30)\n"
        )
        text = Path(tmp) / "out.txt"
        text.write_text("\n".join("".join(term.row_cells(r)).rstrip() for r in range(12)) + "\n")
        live = window.open_session(
            live_session(command_plan([sys.executable, "-c", child, str(text)]), cwd=tmp), title="python (live)"
        )

        async def until_output() -> None:
            while live.session.bytelog.total_bytes < 100:
                await asyncio.sleep(0.05)

        loop.run_until_complete(asyncio.wait_for(until_output(), 30))
        live.view.set_cursor_blink(False)
        window.select_bytes(0, 64)
        file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
        assert isinstance(file_menu, QtWidgets.QMenu)
        file_menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
        _settle(app, window)
        _compose(window, file_menu).save(str(out_dir / "record-menu.png"))
        file_menu.hide()

        loop.run_until_complete(window.aclose())
    loop.close()
    for name in ("find.png", "location.png", "record-menu.png"):
        print(out_dir / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"))
