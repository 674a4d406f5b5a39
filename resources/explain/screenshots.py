"""Make the README's pictures of the explainer: ``python resources/explain/screenshots.py [OUT_DIR]``.

Offscreen (no display needed): the window replays the ``gbk-bytes.cast`` sample, the GBK bytes of 你好 are
selected in the Bytes panel (so Explain tells their story) and a byte of them is hovered (the live inspector);
the Explain dock alone shows the shell matrix for the UTF-8 line ``日志：你好，世界``; then Session ▸ Run side by
side… runs a small program on a pty and through pipes. Writes ``explain.png``, ``shell-matrix.png`` and
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
from app.widgets.explain_panel import ExplainPanel  # noqa: E402
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

        # The shell matrix for UTF-8 test output (what go test writes): select the UTF-8 sample's Chinese line.
        utf8 = window.open_recording(read_cast(SAMPLES_DIR / "go-test-utf8.cast"), speed=math.inf, title="utf8")
        assert utf8.task is not None
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(utf8.task), 30))
        window.hex_view.flush_refresh()
        line = "日志：你好，世界".encode()
        hit = window.hex_view.find_bytes(line)
        assert hit is not None
        window.explain_bytes(hit, hit + len(line))
        # The same panel on its own, larger than the dock, so the matrix's rules can be read.
        panel = ExplainPanel()
        panel.resize(1000, 620)
        panel.explain_bytes(line, "utf-8")
        panel.show()
        app.processEvents()
        app.processEvents()
        panel.grab().save(str(out / "shell-matrix.png"), "PNG")
        panel.close()

        side = window.open_side_by_side(SIDE_BY_SIDE, cwd=tmp)
        side.resize(1300, 640)
        side.run()
        assert side.task is not None
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(side.task), 60))
        app.processEvents()
        side.grab().save(str(out / "side-by-side.png"), "PNG")
        loop.run_until_complete(window.aclose())
    print(f"wrote explain.png, shell-matrix.png and side-by-side.png in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
