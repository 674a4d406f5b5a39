"""HexView, the Bytes panel, driven for real (offscreen): rows, colours, markers, hover, find, copy, scroll."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.inspect.byte_view import BLOCK, MAX_BACK, MAX_FWD
from app.session.bytelog import ByteLog
from app.widgets.hex_view import HexView, fonts_draw
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets

#: "ab", CSI 31 m, 你 split across reads, an invalid FF, a literal U+FFFD, CR LF, an OSC title,
#: ESC ( 0 and a character the stream has only begun.
MIXED = [b"ab\x1b[31m\xe4\xbd", b"\xa0\xff\xef\xbf\xbd\r\n\x1b]0;\xe4\xbd\xa0\x07\x1b(0\xe4\xbd"]


def log_of(*chunks: bytes) -> ByteLog:
    log = ByteLog()
    for i, data in enumerate(chunks):
        log.append(data, t=float(i))
    return log


MakeView = Callable[..., HexView]


@pytest.fixture
def make_view(qtbot: QtBot) -> MakeView:
    def make(log: ByteLog, encoding: str = "utf-8", size: tuple[int, int] = (820, 300)) -> HexView:
        view = HexView(log, encoding)
        view.model.set_control_pictures(False)  # the same glyphs whatever fonts the machine has
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        view.flush_refresh()
        return view

    return make


def pixel(view: HexView, point: QtCore.QPoint) -> QtGui.QColor:
    image = view.viewport().grab().toImage()
    return image.pixelColor(point)


def inside(rect: QtCore.QRect | None) -> QtCore.QPoint:
    """A point in a byte's cell that no glyph reaches: the top-left padding."""
    assert rect is not None
    return QtCore.QPoint(rect.left() + 2, rect.top() + 1)


def test_row_layout(make_view: MakeView) -> None:
    view = make_view(log_of(*MIXED))
    assert view.row_text(0) == "00000000  61 62 1B 5B 33 31 6D E4 BD A0 FF EF BF BD 0D 0A  ab·[31m你��··"
    assert view.row_text(1) == "00000010  1B 5D 30 3B E4 BD A0 07 1B 28 30 E4 BD           ·]0;你··(0�"
    first, second = view.byte_rect(0), view.byte_rect(1)
    assert first is not None and second is not None
    text0, text1 = view.decoded_rect(0), view.decoded_rect(1)
    assert text0 is not None and text1 is not None
    assert second.left() - first.left() == first.width() == 3 * (text1.left() - text0.left())
    assert view.byte_rect(16).top() == first.bottom() + 1
    assert view.byte_rect(29) is None  # past the end


def test_colours_by_kind(make_view: MakeView) -> None:
    view = make_view(log_of(*MIXED))
    theme = view.theme
    image = view.viewport().grab().toImage()

    def colour(offset: int) -> QtGui.QColor:
        return image.pixelColor(inside(view.byte_rect(offset)))

    assert colour(0) == theme.background  # ASCII: plain
    assert [colour(o) for o in range(2, 7)] == [theme.escape] * 5  # CSI 31 m
    assert [colour(o) for o in range(7, 10)] == [theme.multi_a] * 3  # 你, all three bytes
    assert colour(10) == theme.invalid
    assert [colour(o) for o in range(11, 14)] == [theme.replacement] * 3
    assert [colour(o) for o in (14, 15)] == [theme.control] * 2
    assert colour(16) == theme.escape  # OSC
    assert colour(27) == theme.incomplete
    # The decoded column carries the same colours.
    assert image.pixelColor(inside(view.decoded_rect(10))) == theme.invalid
    assert image.pixelColor(inside(view.decoded_rect(3))) == theme.escape


def test_chunk_boundary_marker(make_view: MakeView) -> None:
    view = make_view(log_of(b"abcdefghi", b"jklmnop"))  # the second read starts at offset 9
    image = view.viewport().grab().toImage()

    def marked(rect_of: Callable[[int], QtCore.QRect | None]) -> list[int]:
        """Bytes whose cell has the boundary colour on its left edge."""
        edges = [(o, rect_of(o)) for o in range(16)]
        boundary = view.theme.boundary
        return [o for o, r in edges if r is not None and image.pixelColor(r.left(), r.center().y()) == boundary]

    assert marked(view.byte_rect) == [9]
    assert marked(view.decoded_rect) == [9]
    rect = view.byte_rect(9)
    assert rect is not None
    assert image.pixelColor(rect.left() - 1, rect.top()) == view.theme.boundary  # 2 px, centred on the edge
    assert image.pixelColor(rect.left() + 1, rect.top()) == view.theme.background


def test_hover_explains_the_token(make_view: MakeView, qtbot: QtBot) -> None:
    view = make_view(log_of(*MIXED))
    assert view.tooltip_at(view.byte_rect(8).center()) == (
        "E4 BD A0 → U+4F60 你, UTF-8\noffset 8 (0x8) · read #0: 9 bytes at 0, pty · split across reads #0–#1"
    )
    assert view.tooltip_at(view.decoded_rect(3).center()).splitlines()[0] == "CSI 31 m — SGR: foreground red"
    assert view.tooltip_at(view.byte_rect(10).center()).splitlines()[0] == "FF: invalid bytes → U+FFFD (UTF-8)"
    assert view.tooltip_at(QtCore.QPoint(2, 2)) == ""  # the offset column
    # The real tooltip event shows the same text.
    pos = view.byte_rect(4).center()
    event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QtWidgets.QApplication.sendEvent(view.viewport(), event)
    assert QtWidgets.QToolTip.text().splitlines()[0] == "CSI 31 m — SGR: foreground red"
    QtWidgets.QToolTip.hideText()


def test_find_hex_and_text(make_view: MakeView, qtbot: QtBot) -> None:
    view = make_view(log_of(b"xx\xe4\xbd", b"\xa0yy \xc4\xe3 \xe4\xbd\xa0 z"))
    with qtbot.waitSignal(view.bytes_selected) as blocker:
        assert view.find_hex("e4 bd a0") == 2
    assert blocker.args == [2, 5]
    assert view.selection() == (2, 5)
    assert view.find_hex("e4 bd a0") == 11  # the next one
    assert view.find_hex("e4 bd a0", backwards=True) == 2
    assert view.find_text("你") == 11
    view.set_encoding("cp936")
    assert view.find_text("你") == 8  # C4 E3
    assert view.find_text("nothing here") is None
    with pytest.raises(ValueError, match="not a hex digit"):
        view.find_hex("zz")


def test_copy_as_hex_and_escaped(make_view: MakeView) -> None:
    view = make_view(log_of(*MIXED))
    clipboard = QtGui.QGuiApplication.clipboard()
    view.select_bytes(2, 10)
    assert view.copy_hex() == "1B 5B 33 31 6D E4 BD A0"
    assert clipboard.text() == "1B 5B 33 31 6D E4 BD A0"
    assert view.copy_escaped() == "\\x1b[31m\\xe4\\xbd\\xa0"
    assert clipboard.text() == "\\x1b[31m\\xe4\\xbd\\xa0"
    view.select_bytes(7, 10)
    view.setFocus()
    QtWidgets.QApplication.sendEvent(
        view, QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    )
    assert clipboard.text() == "E4 BD A0"
    menu = view.build_context_menu()
    escaped = next(a for a in menu.actions() if a.text().startswith("Copy as escaped"))
    escaped.trigger()
    assert clipboard.text() == "\\xe4\\xbd\\xa0"


def big_log(size: int = 1 << 20) -> ByteLog:
    line = "=== RUN   TestÜber/你好 \x1b[32mok\x1b[0m\r\n".encode()
    data = (line * (size // len(line) + 1))[:size]
    log = ByteLog()
    for at in range(0, size, 4096):
        log.append(data[at : at + 4096], t=at / 1e6)
    return log


def test_go_to_offset_scrolls_and_selects(make_view: MakeView, qtbot: QtBot) -> None:
    log = big_log(200_000)
    view = make_view(log)
    assert view.follow_tail()
    with qtbot.waitSignal(view.bytes_selected) as blocker:
        assert view.go_to_offset(100_005)
    assert blocker.args == [100_005, 100_006]
    assert not view.follow_tail()
    assert 100_005 // 16 in view.visible_rows()
    assert view.byte_rect(100_005) is not None
    assert view.go_to_offset(200_000) is False
    assert view.go_to_offset(0)
    assert view.first_visible_row() == 0


def test_follow_tail_and_coalesced_refresh(make_view: MakeView, qtbot: QtBot) -> None:
    log = big_log(8192)
    view = make_view(log, size=(820, 200))
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0
    before = view.refreshes
    for i in range(50):
        log.append(b"more bytes %d\r\n" % i, t=1.0)
        view.refresh()
    qtbot.waitUntil(lambda: view.refreshes == before + 1)
    assert bar.value() == bar.maximum() == view.model.row_count - bar.pageStep()
    assert view.model.row_of(log.total_bytes - 1) in view.visible_rows()
    # Scrolling up by hand stops following; the next bytes leave the view where it is.
    with qtbot.waitSignal(view.follow_tail_changed) as blocker:
        bar.setValue(3)
    assert blocker.args == [False]
    log.append(b"x" * 100, t=2.0)
    view.flush_refresh()
    assert bar.value() == 3
    view.set_follow_tail(True)
    assert view.follow_tail() and bar.value() == bar.maximum()


def test_select_bytes_is_silent_and_drag_selection_emits(make_view: MakeView, qtbot: QtBot) -> None:
    view = make_view(log_of(*MIXED))
    with qtbot.assertNotEmitted(view.bytes_selected):
        view.select_bytes(7, 10)
    assert view.selection() == (7, 10)
    assert view.selected_bytes() == b"\xe4\xbd\xa0"
    viewport = view.viewport()
    start, end = view.byte_rect(3).center(), view.byte_rect(17).center()
    with qtbot.waitSignal(view.bytes_selected) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        move = QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove,
            QtCore.QPointF(end),
            QtCore.QPointF(viewport.mapToGlobal(end)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QtWidgets.QApplication.sendEvent(viewport, move)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert blocker.args == [3, 18]
    # Dragging backwards selects the same way; double-click takes the whole token.
    with qtbot.waitSignal(view.bytes_selected) as blocker:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=view.byte_rect(4).center())
    assert blocker.args == [2, 7]


def test_decode_as_changes_column_and_colours(make_view: MakeView) -> None:
    view = make_view(log_of("你好 gbk".encode("gbk")))
    assert view.row_text(0) == "00000000  C4 E3 BA C3 20 67 62 6B                          ��� gbk"  # as the terminal
    image = view.viewport().grab().toImage()
    assert image.pixelColor(inside(view.byte_rect(0))) == view.theme.invalid
    view.set_encoding("cp936")
    assert view.encoding() == "cp936"
    assert view.row_text(0) == "00000000  C4 E3 BA C3 20 67 62 6B                          你好 gbk"
    image = view.viewport().grab().toImage()
    assert [image.pixelColor(inside(view.byte_rect(o))) for o in range(4)] == [view.theme.multi_a] * 2 + [
        view.theme.multi_b
    ] * 2
    assert view.tooltip_at(view.byte_rect(1).center()).splitlines()[0] == "C4 E3 → U+4F60 你, cp936"


def test_a_megabyte_log_paints_with_bounded_annotation(make_view: MakeView) -> None:
    log = big_log(1 << 20)
    view = make_view(log, size=(820, 400))
    stats = view.model.stats
    rows = len(view.visible_rows())
    visible_bytes = rows * 16
    bound = 2 * BLOCK + MAX_BACK + MAX_FWD  # the visible range widened to blocks, plus the resync margins
    assert visible_bytes < BLOCK
    view.viewport().grab()
    assert stats.annotate_calls == 1 and stats.annotated_bytes <= bound  # painted at the tail
    view.go_to_offset(500_000)
    view.viewport().grab()
    assert stats.annotate_calls == 2 and stats.annotated_bytes <= 2 * bound
    # Scrolling a row repaints from the cached window.
    for _ in range(5):
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 1)
        view.viewport().grab()
    assert stats.annotate_calls <= 3 and stats.annotated_bytes <= 3 * bound
    assert log.total_bytes == 1 << 20


def test_dropped_bytes_line(make_view: MakeView) -> None:
    log = ByteLog(cap_bytes=300)
    for _ in range(12):
        log.append(b"0123456789abcdef0123456789abcdef!", t=0.0)
    view = make_view(log)
    view.set_follow_tail(False)
    view.verticalScrollBar().setValue(0)
    assert view.row_text(0) == f"… {log.dropped_bytes:,} bytes dropped"
    assert view.byte_at(QtCore.QPoint(view.byte_rect(log.start_offset).center())) == log.start_offset


def test_many_paints_survive(make_view: MakeView) -> None:
    view = make_view(big_log(1 << 16), size=(820, 600))
    for row in range(40):  # ~100,000 void Qt calls: far more than None's natural reference count
        view.verticalScrollBar().setValue(row)
        view.viewport().grab()
    assert view.first_visible_row() == 39


def test_void_qt_calls_do_not_leak_none(make_view: MakeView) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None per void call (pinned away in
    pyproject.toml); this fails loudly if such a binding comes back, before it aborts the app."""
    view = make_view(big_log(1 << 10), size=(200, 100))
    gc.disable()  # nothing else may free objects that hold None while we count
    try:
        before = sys.getrefcount(None)
        for _ in range(10_000):
            view.viewport().update()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert abs(after - before) < 100


def test_the_fonts_are_asked_for_control_pictures_only_when_bytes_are_first_painted(qtbot: QtBot) -> None:
    """Scanning the installed fonts costs start-up time: an empty panel at start does not; its first bytes do."""
    log = ByteLog()
    view = HexView(log)
    qtbot.addWidget(view)
    view.resize(600, 200)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().grab()  # an empty panel painted
    assert view.model.control_pictures is None
    log.append(b"\x1b[31mred\r\n", t=0.0)
    view.flush_refresh()
    view.viewport().grab()
    assert view.model.control_pictures is not None
    assert view.row_text(0).endswith(("␛[31mred␍␊", "·[31mred··"))  # pictures or dots, as the fonts allow


def test_the_control_pictures_question_is_answered_by_qts_font_fallback_as_each_family_would(qtbot: QtBot) -> None:
    """``fonts_draw`` asks Qt's fallback (one layout), not every installed family; it gives the per-family answer."""
    assert fonts_draw("AB") and fonts_draw("─│")  # the terminal's own characters: some font has them
    assert not fonts_draw("\U0010fffd") and not fonts_draw("A\U0010fffd")  # a private-use code point nobody draws
    by_family = any(
        QtGui.QFontMetrics(QtGui.QFont(family)).inFontUcs4(0x241B)
        and QtGui.QFontMetrics(QtGui.QFont(family)).inFontUcs4(0x240A)
        for family in QtGui.QFontDatabase.families()
    )
    assert fonts_draw("\u241b\u240a") == by_family
