"""Make the README's pictures of the explainer: ``python resources/explain/screenshots.py [OUT_DIR]``.

Offscreen (no display needed): the window replays the ``gbk-bytes.cast`` sample, the GBK bytes of 你好 are
selected in the Bytes panel (so Explain tells their story) and a byte of them is hovered (the live inspector);
then Session ▸ Run side by side… runs a small program on a pty and through pipes. Writes ``explain.png`` and
``side-by-side.png``.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402

from app.record.cast import read_cast  # noqa: E402
from app.widgets.main_window import SAMPLES_DIR, MainWindow  # noqa: E402
from app.widgets.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from app.widgets.settings import AppSettings, open_settings  # noqa: E402

SIDE_BY_SIDE = (
    "python3 -c \"import sys; print('测试 加法 tty=' + str(sys.stdout.isatty())); "
    "print('\\x1b[32mok\\x1b[0m' if sys.stdout.isatty() else 'ok')\""
)


def main(out: Path) -> None:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(AppSettings(open_settings(str(Path(tmp) / "s.ini"))), loop=loop)
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        tab = window.open_recording(read_cast(SAMPLES_DIR / "gbk-bytes.cast"), speed=math.inf, title="gbk-bytes.cast")
        assert tab.task is not None
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 30))
        hit = window.hex_view.find_hex("c4 e3 ba c3 a3 ac ca c0 bd e7")
        assert hit is not None
        window.explain_bytes(hit, hit + 10)
        window.select_bytes(hit, hit + 10)
        rect = window.hex_view.byte_rect(hit)
        assert rect is not None
        move = QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove, QtCore.QPointF(rect.center()), QtCore.QPointF(rect.center()),
            QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        QtWidgets.QApplication.sendEvent(window.hex_view.viewport(), move)
        tab.view.set_cursor_blink(False)
        tab.view.flush_now()
        window.hex_view.flush_refresh()
        app.processEvents()
        window.grab().save(str(out / "explain.png"), "PNG")

        side = window.open_side_by_side(SIDE_BY_SIDE, cwd=tmp)
        side.resize(1300, 640)
        side.run()
        assert side.task is not None
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(side.task), 60))
        app.processEvents()
        side.grab().save(str(out / "side-by-side.png"), "PNG")
        loop.run_until_complete(window.aclose())
    print(f"wrote {out / 'explain.png'} and {out / 'side-by-side.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
