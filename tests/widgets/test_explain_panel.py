"""The Explain panel in the real window: selected bytes and cells explained, the hover inspector, the shell matrix."""

from __future__ import annotations

from typing import Any

from app.inspect.explain import Explanation
from app.widgets.explain_panel import ExplainPanel
from app.widgets.main_window import MainWindow
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from tests.widgets.conftest import GBK, GO_TEST, play
from tests.widgets.test_main_window import row_of

GBK_HELLO = bytes.fromhex("c4 e3 ba c3 a3 ac ca c0 bd e7")  # 你好，世界 in GBK


def test_selecting_gbk_bytes_explains_them(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GBK)
    hit = window.hex_view.find_bytes(GBK_HELLO)
    assert hit is not None
    with qtbot.waitSignal(window.explain_panel.explained) as signal:
        window.hex_view.bytes_selected.emit(hit, hit + len(GBK_HELLO))
    found = signal.args[0]
    assert isinstance(found, Explanation)
    panel = window.explain_panel
    assert panel.headline.text().startswith("GBK (cp936) bytes read as UTF-8: ")
    assert panel.headline.text().endswith(" → 你好，世界")
    assert panel.original.toPlainText() == "你好，世界"
    assert panel.steps.rowCount() == 1
    assert panel.steps.item(0, 1).text() == "GBK (cp936)"
    assert panel.steps.item(0, 3).text() == "C4 E3 BA C3 A3 AC CA C0 BD E7"
    assert tab.encoding == "utf-8"


def test_selecting_cells_explains_the_bytes_behind_them(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GBK)
    row = row_of(tab.terminal, "GBK: ")
    tab.view.select((row, 5), (row, 14))
    qtbot.waitUntil(lambda: window.explain_panel.explanation is not None, timeout=3000)
    found = window.explain_panel.explanation
    assert found is not None and found.original is not None
    # From the first cell's bytes on (where the cell map starts inside 你, the explainer says it was cut).
    assert found.original.rstrip() in ("你好，世界", "\ufffd好，世界")
    assert found.chain == [["GBK (cp936)", "UTF-8"]]


def test_cells_of_utf8_text_read_as_gbk_explain_as_utf8(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST, encoding="gbk")  # Decode as GBK: the UTF-8 test names turn into mojibake
    row = row_of(tab.terminal, "=== RUN   Test")
    tab.view.select((row, 0), (row, 40))
    qtbot.waitUntil(lambda: window.explain_panel.explanation is not None, timeout=3000)
    found = window.explain_panel.explanation
    assert found is not None and found.found
    assert found.chain == [["UTF-8", "GBK (cp936)"]]
    assert found.original is not None and "Test加法" in found.original


def test_hovering_a_byte_shows_its_run_in_the_common_code_pages(qtbot: Any, window: MainWindow) -> None:
    play(window, GBK)
    hit = window.hex_view.find_bytes(GBK_HELLO)
    assert hit is not None
    rect = window.hex_view.byte_rect(hit + 2)
    assert rect is not None
    qtbot.mouseMove(window.hex_view.viewport(), rect.center())
    qtbot.waitUntil(lambda: window.explain_panel.inspector.rowCount() > 0, timeout=3000)
    rows = {page: (text, bold) for page, text, bold in window.explain_panel.inspector_rows()}
    assert "你好，世界" in rows["GBK (cp936)"][0] and rows["GBK (cp936)"][1]
    assert rows["UTF-8"] == ("(cannot decode these bytes)", False)
    assert rows["cp437 (DOS US)"][0].startswith("─π║├")
    assert not rows["cp437 (DOS US)"][1]
    assert "offset" in window.explain_panel.inspector_title.text()
    # Another byte of the same run: nothing to redo; off the bytes: the inspector keeps the last run.
    before = window.explain_panel.inspector_rows()
    qtbot.mouseMove(window.hex_view.viewport(), QtCore.QPoint(2, window.hex_view.viewport().height() - 2))
    assert window.explain_panel.inspector_rows() == before


def test_the_shell_matrix_predicts_each_place_with_its_rule(qtbot: Any) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.explain_bytes("你好".encode(), "gbk")
    rows = panel.matrix_rows()
    assert len(rows) == 6
    assert all(place.endswith("(predicted)") and rule for place, _shown, rule in rows)
    shown = {place.removesuffix(" (predicted)"): text for place, text, _rule in rows}
    assert shown["cmd, console at code page 936"] == "浣犲ソ"
    assert shown["cmd after chcp 65001"] == "你好"
    assert shown["A Unicode console writer (Go's os.Stdout on a console)"] == "你好"
    # Another system code page: the console rows follow it.
    panel.system_cp.setCurrentIndex(panel.system_cp.findData(437))
    shown = {place: text for place, text, _rule in panel.matrix_rows()}
    assert shown["cmd, console at code page 437 (predicted)"] == "Σ╜áσÑ╜"
    assert "console's code page 437" in panel.matrix_rows()[2][2]


def test_text_from_outside_is_plain_text(qtbot: Any) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.explain_text("<b>浣犲ソ</b>")
    assert panel.headline.textFormat() == Qt.TextFormat.PlainText
    assert "<b>" in panel.headline.text()
    tip = panel.matrix.item(0, 1).toolTip()
    assert "&lt;b&gt;" in tip  # escaped, so Qt shows the angle brackets instead of bold
    doc = QtGui.QTextDocument()
    doc.setHtml(tip)
    assert "<b>" in doc.toPlainText()


def test_the_entry_explains_pasted_text_and_hex(qtbot: Any) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.entry.setText("鍔犳硶")
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)
    assert panel.original.toPlainText() == "加法"
    panel.entry.setText("C4 E3 BA C3")
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)
    assert panel.original.toPlainText() == "你好"
    panel.entry.setText("plain text")
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)
    assert panel.headline.text() == "no mojibake found"
    assert panel.original.toPlainText() == ""
    assert isinstance(panel.below, QtWidgets.QTabWidget)
