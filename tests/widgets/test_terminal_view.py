"""The terminal widget driven for real (pytest-qt, offscreen): keys → bytes, pixels, selection, scrolling.

Pixel checks read the viewport through ``grab()``, which runs the widget's own ``paintEvent``;
the cursor is hidden (``?25l``) wherever it could land in a checked cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.vt import Terminal
from app.vt.colours import osc_rgb
from app.widgets import terminal_view
from app.widgets.palette import DARK, LIGHT
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from app.widgets.terminal_view import TerminalView

KM = Qt.KeyboardModifier
CTRL_SHIFT = KM.ControlModifier | KM.ShiftModifier
BG = QtGui.QColor(*DARK.background)
FG = QtGui.QColor(*DARK.foreground)


class Harness:
    """A Terminal, its view sized to exactly cols×rows cells, and everything the view sent."""

    def __init__(self, qtbot: Any, cols: int, rows: int, scrollback: int = 1000) -> None:
        self.term = Terminal(cols, rows, scrollback=scrollback)
        self.view = TerminalView(self.term)
        qtbot.addWidget(self.view)
        self.view.set_cursor_blink(False)
        self.cw, self.ch = self.view.cell_size().width(), self.view.cell_size().height()
        bar = self.view.verticalScrollBar().sizeHint().width()
        self.view.resize(cols * self.cw + bar, rows * self.ch)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.sent: list[bytes] = []
        self.view.send.connect(self.sent.append)

    def feed(self, data: str | bytes) -> None:
        self.term.feed(data.encode() if isinstance(data, str) else data)
        self.view.refresh()

    def image(self) -> QtGui.QImage:
        self.view.flush_now()
        return self.view.viewport().grab().toImage()

    def centre(self, row: int, col: int) -> QtCore.QPoint:
        """Viewport point at the middle of screen cell (row, col) (view at the bottom)."""
        return QtCore.QPoint(col * self.cw + self.cw // 2, row * self.ch + self.ch // 2)

    def cell_pixels(self, img: QtGui.QImage, row: int, col: int, cells: int = 1) -> Iterator[QtGui.QColor]:
        for y in range(row * self.ch, (row + 1) * self.ch):
            for x in range(col * self.cw, (col + cells) * self.cw):
                yield img.pixelColor(x, y)


@pytest.fixture
def make(qtbot: Any) -> Callable[..., Harness]:
    def factory(cols: int = 40, rows: int = 10, scrollback: int = 1000) -> Harness:
        return Harness(qtbot, cols, rows, scrollback)

    return factory


def _is_bg(c: QtGui.QColor) -> bool:
    return (c.red(), c.green(), c.blue()) == (BG.red(), BG.green(), BG.blue())


# ---------------------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("key", "mods", "expected"),
    [
        (Qt.Key.Key_Up, KM.NoModifier, b"\x1b[A"),
        (Qt.Key.Key_Down, KM.NoModifier, b"\x1b[B"),
        (Qt.Key.Key_Right, KM.NoModifier, b"\x1b[C"),
        (Qt.Key.Key_Left, KM.NoModifier, b"\x1b[D"),
        (Qt.Key.Key_Up, KM.ControlModifier, b"\x1b[1;5A"),
        (Qt.Key.Key_Home, KM.NoModifier, b"\x1b[H"),
        (Qt.Key.Key_End, KM.NoModifier, b"\x1b[F"),
        (Qt.Key.Key_PageUp, KM.NoModifier, b"\x1b[5~"),
        (Qt.Key.Key_PageDown, KM.NoModifier, b"\x1b[6~"),
        (Qt.Key.Key_Insert, KM.NoModifier, b"\x1b[2~"),
        (Qt.Key.Key_Delete, KM.NoModifier, b"\x1b[3~"),
        (Qt.Key.Key_F1, KM.NoModifier, b"\x1bOP"),
        (Qt.Key.Key_F5, KM.NoModifier, b"\x1b[15~"),
        (Qt.Key.Key_F12, KM.NoModifier, b"\x1b[24~"),
        (Qt.Key.Key_Return, KM.NoModifier, b"\r"),
        (Qt.Key.Key_Tab, KM.NoModifier, b"\t"),
        (Qt.Key.Key_Backtab, KM.ShiftModifier, b"\x1b[Z"),
        (Qt.Key.Key_Backspace, KM.NoModifier, b"\x7f"),
        (Qt.Key.Key_Escape, KM.NoModifier, b"\x1b"),
        (Qt.Key.Key_C, KM.ControlModifier, b"\x03"),
        (Qt.Key.Key_D, KM.ControlModifier, b"\x04"),
        (Qt.Key.Key_BracketLeft, KM.ControlModifier, b"\x1b"),
        (Qt.Key.Key_Space, KM.ControlModifier, b"\x00"),
        (Qt.Key.Key_X, KM.AltModifier, b"\x1bx"),
        (Qt.Key.Key_A, KM.NoModifier, b"a"),
    ],
)
def test_keys_send_xterm_bytes(
    make: Callable[..., Harness], qtbot: Any, key: Qt.Key, mods: Any, expected: bytes
) -> None:
    h = make()
    qtbot.keyClick(h.view, key, mods)
    assert h.sent == [expected]


def test_arrows_follow_application_cursor_mode(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    qtbot.keyClick(h.view, Qt.Key.Key_Up)
    h.feed(b"\x1b[?1h")
    qtbot.keyClick(h.view, Qt.Key.Key_Up)
    qtbot.keyClick(h.view, Qt.Key.Key_Left)
    qtbot.keyClick(h.view, Qt.Key.Key_Home)
    h.feed(b"\x1b[?1l")
    qtbot.keyClick(h.view, Qt.Key.Key_Up)
    assert h.sent == [b"\x1b[A", b"\x1bOA", b"\x1bOD", b"\x1bOH", b"\x1b[A"]


def test_keypad_in_application_keypad_mode(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    qtbot.keyClick(h.view, Qt.Key.Key_5, KM.KeypadModifier)
    h.feed(b"\x1b=")
    qtbot.keyClick(h.view, Qt.Key.Key_5, KM.KeypadModifier)
    assert h.sent == [b"5", b"\x1bOu"]


def test_typed_unicode_text_is_sent_in_the_session_encoding(make: Callable[..., Harness], qtbot: Any) -> None:
    """Text an input layout produces (no Qt key code for it) goes out as the event's text."""
    h = make()
    for text, encoding in (("é", "utf-8"), ("中", "cp936")):
        h.term.set_encoding(encoding)
        event = QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, 0, KM.NoModifier, text)
        QtWidgets.QApplication.sendEvent(h.view, event)
    assert h.sent == ["é".encode(), "中".encode("cp936")]


def test_copy_paste_chords_send_nothing_themselves(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    QtGui.QGuiApplication.clipboard().setText("")
    qtbot.keyClick(h.view, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.keyClick(h.view, Qt.Key.Key_V, CTRL_SHIFT)
    assert h.sent == []


# ---------------------------------------------------------------------------------------- paste & IME


def test_paste_is_plain_then_bracketed_after_mode_2004(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    QtGui.QGuiApplication.clipboard().setText("ls -l\nwho")
    qtbot.keyClick(h.view, Qt.Key.Key_V, CTRL_SHIFT)
    h.feed(b"\x1b[?2004h")
    qtbot.keyClick(h.view, Qt.Key.Key_V, CTRL_SHIFT)
    assert h.sent == [b"ls -l\rwho", b"\x1b[200~ls -l\rwho\x1b[201~"]


def test_paste_cannot_end_bracketed_paste_early(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed(b"\x1b[?2004h")
    QtGui.QGuiApplication.clipboard().setText("echo safe\x1b[201~; rm -rf ~\x1b[20\x1b[201~1~\x07\n")
    qtbot.keyClick(h.view, Qt.Key.Key_V, CTRL_SHIFT)
    assert h.sent == [b"\x1b[200~echo safe; rm -rf ~\r\x1b[201~"]
    assert h.sent[0].count(b"\x1b") == 2


def test_ime_commit_sends_utf8_and_preedit_sits_at_the_cursor(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed("ab")
    h.view.flush_now()
    pre = QtGui.QInputMethodEvent("zhong", [])
    QtWidgets.QApplication.sendEvent(h.view, pre)
    assert h.sent == []
    rect = h.view.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle)
    assert rect == QtCore.QRectF(2 * h.cw, 0, h.cw, h.ch)
    img = h.image()
    assert not all(_is_bg(c) for c in h.cell_pixels(img, 0, 2, 5))  # the preedit is painted
    commit = QtGui.QInputMethodEvent()
    commit.setCommitString("中文")
    QtWidgets.QApplication.sendEvent(h.view, commit)
    assert h.sent == ["中文".encode()]
    assert h.view.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


# ---------------------------------------------------------------------------------------- pixels


def test_background_colour_fills_the_cell(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l\x1b[41m  ")
    img = h.image()
    for c in h.cell_pixels(img, 0, 0, 2):
        assert c.red() > 150 and c.green() < 60 and c.blue() < 60
    assert all(_is_bg(c) for c in h.cell_pixels(img, 0, 2))


def test_foreground_colour_draws_the_glyph(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l\x1b[32mX")
    img = h.image()
    pixels = list(h.cell_pixels(img, 0, 0))
    green = [c for c in pixels if c.green() > 100 and c.red() < 60 and c.blue() < 60]
    assert len(green) > 5
    assert all(_is_bg(c) or c.red() < 60 for c in pixels)  # nothing but green ink on the background
    assert all(_is_bg(c) for c in h.cell_pixels(img, 0, 1, 3))


def test_true_colour_and_reverse(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l\x1b[48;2;10;200;30m \x1b[0m\x1b[7m \x1b[0m")
    img = h.image()
    assert {(c.red(), c.green(), c.blue()) for c in h.cell_pixels(img, 0, 0)} == {(10, 200, 30)}
    assert {(c.red(), c.green(), c.blue()) for c in h.cell_pixels(img, 0, 1)} == {DARK.foreground}


def test_reverse_video_mode_swaps_the_default_colours(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l")
    assert _is_bg(h.image().pixelColor(3, 3))
    h.feed(b"\x1b[?5h")
    c = h.image().pixelColor(3, 3)
    assert (c.red(), c.green(), c.blue()) == DARK.foreground


def test_programs_colours_are_painted_and_reported(make: Callable[..., Harness]) -> None:
    """OSC 4/11 set colours over the theme: the view paints them, OSC 111/104 give the theme's back, and the
    engine answers queries with what is painted (the view handed it the theme)."""
    h = make()
    h.feed(b"\x1b[?25l\x1b]11;#102030\x07\x1b]4;1;rgb:00/ff/00\x07\x1b[41m \x1b[0m")
    img = h.image()
    assert {(c.red(), c.green(), c.blue()) for c in h.cell_pixels(img, 0, 0)} == {(0, 255, 0)}
    c = img.pixelColor(5 * h.cw, h.ch // 2)
    assert (c.red(), c.green(), c.blue()) == (0x10, 0x20, 0x30)
    h.feed(b"\x1b]111\x07\x1b]104\x07")
    img = h.image()
    assert _is_bg(img.pixelColor(5 * h.cw, h.ch // 2))
    assert {(c.red(), c.green(), c.blue()) for c in h.cell_pixels(img, 0, 0)} == {DARK.palette[1]}


def test_the_view_tells_the_engine_its_theme(make: Callable[..., Harness]) -> None:
    h = make()
    h.term.feed(b"\x1b]11;?\x07")
    assert h.term.take_replies() == [f"\x1b]11;{osc_rgb(DARK.background)}\x07".encode()]
    h.view.set_theme(LIGHT)
    h.term.feed(b"\x1b]10;?\x07")
    assert h.term.take_replies() == [f"\x1b]10;{osc_rgb(LIGHT.foreground)}\x07".encode()]
    img = h.image()
    assert (img.pixelColor(3, 3).red(), img.pixelColor(3, 3).green()) == LIGHT.background[:2]


def test_a_locked_keyboard_sends_nothing(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed(b"\x1b[2h")  # KAM
    qtbot.keyClick(h.view, Qt.Key.Key_A)
    qtbot.keyClick(h.view, Qt.Key.Key_Up)
    h.feed(b"\x1b[2l")
    qtbot.keyClick(h.view, Qt.Key.Key_A)
    assert h.sent == [b"a"]


def test_wide_character_occupies_exactly_two_cells(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed("\x1b[?25l中文X".encode())
    img = h.image()
    ink_cols = {x for y in range(h.ch) for x in range(6 * h.cw) if not _is_bg(img.pixelColor(x, y))}
    first = {x for x in ink_cols if x < 2 * h.cw}
    assert first and max(first) >= h.cw  # 中 reaches into its second cell…
    second = {x for x in ink_cols if 2 * h.cw <= x < 4 * h.cw}
    assert second and min(second) < 3 * h.cw and max(second) >= 3 * h.cw  # …文 fills cells 2-3…
    assert any(4 * h.cw <= x < 5 * h.cw for x in ink_cols)  # …X is in cell 4…
    assert not any(x >= 5 * h.cw for x in ink_cols)  # …and nothing beyond


def test_wide_runs_drawn_at_once_land_where_glyph_by_glyph_does(make: Callable[..., Harness]) -> None:
    """Runs of CJK are drawn with one call (a spaced font); every glyph must still sit in its own two cells."""
    h = make()
    h.feed("\x1b[?25l中文测试数据库边界\r\n\x1b[1m你好，世界\x1b[0m ab 日志".encode())
    batched = h.image()
    h.view.batch_wide_runs = False
    glyph_by_glyph = h.image()  # grab() paints the whole viewport again
    differing = [
        (x, y)
        for y in range(2 * h.ch)
        for x in range(24 * h.cw)
        if batched.pixelColor(x, y) != glyph_by_glyph.pixelColor(x, y)
    ]
    assert any(not _is_bg(batched.pixelColor(x, y)) for y in range(h.ch) for x in range(18 * h.cw))
    assert len(differing) <= 2 * 24 * h.cw * h.ch // 100  # sub-pixel antialiasing may differ, glyphs may not move


def test_glyph_never_spills_outside_its_cells(make: Callable[..., Harness]) -> None:
    """A glyph wider than its cells (emoji in a text font, a proportional fallback) stays in them."""
    h = make()
    h.feed("\x1b[?25l\x1b[2C😀".encode())
    img = h.image()
    ink = {x for y in range(h.ch) for x in range(8 * h.cw) if not _is_bg(img.pixelColor(x, y))}
    assert ink and min(ink) >= 2 * h.cw and max(ink) < 4 * h.cw


def test_cursor_block_hidden_and_hollow(make: Callable[..., Harness]) -> None:
    h = make()
    cursor = QtGui.QColor(*DARK.cursor)
    h.view.clearFocus()
    img = h.image()
    assert not h.view.hasFocus()  # unfocused: a hollow block
    assert img.pixelColor(0, 0) == cursor and _is_bg(img.pixelColor(h.cw // 2, h.ch // 2))
    h.feed(b"\x1b[?25l")
    img = h.image()
    assert all(_is_bg(c) for c in h.cell_pixels(img, 0, 0))


# ---------------------------------------------------------------------------------------- frames


class _PaintSpy(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QtGui.QRegion] = []

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint and isinstance(event, QtGui.QPaintEvent):
            self.regions.append(QtGui.QRegion(event.region()))
        return False


def test_many_feeds_one_frame_dirty_rows_only(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=40, rows=10)
    h.feed(b"\x1b[4;1H")
    h.view.flush_now()
    qtbot.waitUntil(lambda: h.view.paint_count > 0)
    QtWidgets.QApplication.processEvents()
    spy = _PaintSpy()
    h.view.viewport().installEventFilter(spy)
    frames = h.view.frame_count
    for chunk in (b"one ", b"two ", b"\x1b[31mthree\x1b[0m ", b"four"):
        h.feed(chunk)  # each feed calls refresh()
        h.view.refresh()
    assert h.view.frame_count == frames  # nothing painted synchronously
    qtbot.waitUntil(lambda: h.view.frame_count > frames)
    qtbot.waitUntil(lambda: len(spy.regions) > 0)
    QtWidgets.QApplication.processEvents()
    assert h.view.frame_count == frames + 1
    assert len(spy.regions) == 1
    assert spy.regions[0] == QtGui.QRegion(QtCore.QRect(0, 3 * h.ch, h.view.viewport().width(), h.ch))


def test_a_new_true_colour_per_cell_paints_right_with_a_bounded_cache(
    make: Callable[..., Harness], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Style ids are the styles themselves, so the view's paint cache never goes stale, but colour on
    # every cell would grow it without end: it starts again when full, and painting stays right.
    monkeypatch.setattr(terminal_view, "_PAINTS_KEPT", 50)
    h = make(cols=10, rows=3)
    h.feed(b"\x1b[?25l")
    for frame in range(6):
        colours = [(frame * 40 + k, 255 - frame * 40 - k, (k * 7) % 256) for k in range(30)]
        h.feed(b"\x1b[H" + b"".join(b"\x1b[48;2;%d;%d;%dm " % c for c in colours))
        img = h.image()
        for k in (0, 13, 29):
            row, col = divmod(k, 10)
            assert {(c.red(), c.green(), c.blue()) for c in h.cell_pixels(img, row, col)} == {colours[k]}
        assert len(h.view._paints) <= 50


def test_a_screen_of_distinct_colours_is_kept_whole_in_the_paint_cache(make: Callable[..., Harness]) -> None:
    # 100x60 cells, each its own true colour: 6,000 styles on screen, fewer than the cache's one bound
    # (_PAINTS_KEPT, not patched here), so every one stays cached after a paint and a repaint builds none.
    h = make(cols=100, rows=60)
    cells = 100 * 60
    assert cells < terminal_view._PAINTS_KEPT
    h.feed(b"\x1b[?25l\x1b[H" + b"".join(b"\x1b[48;2;%d;%d;%dm " % (k % 256, k // 256, 7) for k in range(cells)))
    h.image()
    first = dict(h.view._paints)
    assert len(first) >= cells
    h.view.viewport().update()
    h.image()
    assert h.view._paints == first  # nothing evicted, nothing rebuilt


# ---------------------------------------------------------------------------------------- selection


def _drag(qtbot: Any, h: Harness, start: QtCore.QPoint, end: QtCore.QPoint) -> None:
    vp = h.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)


def test_drag_selection_copies_text(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed("hello world   \r\n中文abc  ".encode())
    _drag(qtbot, h, h.centre(0, 6), h.centre(1, 4))
    assert h.view.selection == ((0, 6), (1, 4))
    qtbot.keyClick(h.view, Qt.Key.Key_C, CTRL_SHIFT)
    assert QtGui.QGuiApplication.clipboard().text() == "world\n中文a"
    assert h.sent == []


def test_selection_takes_wide_characters_whole(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed("中文字".encode())
    _drag(qtbot, h, h.centre(0, 1), h.centre(0, 2))  # right half of 中 → left half of 文
    assert h.view.selection == ((0, 0), (0, 3))
    assert h.view.selection_text() == "中文"


def test_selection_joins_wrapped_rows_and_strips_trailing_blanks(make: Callable[..., Harness]) -> None:
    h = make(cols=10, rows=5)
    h.feed(b"0123456789abcde\r\nxy   \r\nz")
    h.view.select((0, 0), (3, 9))
    assert h.view.selection_text() == "0123456789abcde\nxy\nz"


def test_double_click_selects_a_word(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed("go test ./pkg/中文 -v".encode())
    qtbot.mouseDClick(h.view.viewport(), Qt.MouseButton.LeftButton, pos=h.centre(0, 10))
    assert h.view.selection_text() == "./pkg/中文"


def test_triple_click_selects_the_whole_wrapped_line(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=10, rows=5)
    h.feed(b"first\r\n0123456789abcde\r\nlast")
    vp = h.view.viewport()
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 2))  # on "abcde", the wrapped part
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 2))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 2))
    assert h.view.selection_text() == "0123456789abcde"
    assert h.sent == []


def test_dragging_past_the_top_scrolls_history_into_the_selection(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=20, rows=4)
    h.feed(b"".join(b"line %d\r\n" % i for i in range(12)) + b"end")
    h.view.flush_now()
    vp = h.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 3))
    qtbot.mouseMove(vp, QtCore.QPoint(h.cw * 3, -5))  # above the view, button held
    qtbot.waitUntil(lambda: h.view.scroll_offset >= 3, timeout=3000)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(h.cw * 3, -5))
    offset = h.view.scroll_offset
    assert not h.view._autoscroll_timer.isActive()
    top = len(h.term.screen.history) - offset
    assert h.view.selection is not None and h.view.selection[0] == (top, 0)
    assert h.view.selection_text().splitlines()[0] == f"line {top}"


def test_plain_click_reports_the_absolute_cell(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=20, rows=4)
    h.feed(b"a\r\nb\r\nc\r\nd\r\ne\r\n\xe4\xb8\xad")  # two rows scroll into history
    assert len(h.term.screen.history) == 2
    h.view.flush_now()
    with qtbot.waitSignal(h.view.cell_clicked) as blocker:
        qtbot.mouseClick(h.view.viewport(), Qt.MouseButton.LeftButton, pos=h.centre(3, 1))
    assert blocker.args == [5, 0]  # screen row 3 = absolute 2 + 3; right half → the character's cell
    assert h.view.selection is None


def test_highlight_overlay_is_painted(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l")
    h.view.set_highlight({(0, 3)})
    img = h.image()
    assert not any(_is_bg(c) for c in h.cell_pixels(img, 0, 3))
    assert all(_is_bg(c) for c in h.cell_pixels(img, 0, 4))
    h.view.set_highlight(set())
    assert all(_is_bg(c) for c in h.cell_pixels(h.image(), 0, 3))


def test_cell_at_and_cell_rect_agree(make: Callable[..., Harness]) -> None:
    h = make()
    for cell in [(0, 0), (2, 7), (9, 39)]:
        rect = h.view.cell_rect(*cell)
        assert rect.size() == h.view.cell_size()
        assert h.view.cell_at(rect.center()) == cell


# ---------------------------------------------------------------------------------------- mouse modes


def test_mouse_tracking_sends_reports_and_shift_selects(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed(b"\x1b[?1000h\x1b[?1006h")
    vp = h.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 5))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=h.centre(2, 5))
    assert h.sent == [b"\x1b[<0;6;3M", b"\x1b[<0;6;3m"]
    h.feed(b"some text")
    _drag_with_shift(qtbot, h)
    assert h.sent == [b"\x1b[<0;6;3M", b"\x1b[<0;6;3m"]
    assert h.view.selection_text() == "some"


def _drag_with_shift(qtbot: Any, h: Harness) -> None:
    vp = h.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, KM.ShiftModifier, h.centre(0, 0))
    qtbot.mouseMove(vp, h.centre(0, 3))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, KM.ShiftModifier, h.centre(0, 3))


def _wheel(h: Harness, notches: int) -> None:
    pos = QtCore.QPointF(h.centre(1, 1))
    event = QtGui.QWheelEvent(
        pos,
        QtCore.QPointF(h.view.viewport().mapToGlobal(pos)),
        QtCore.QPoint(0, 0),
        QtCore.QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        KM.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QtWidgets.QApplication.sendEvent(h.view.viewport(), event)


def test_wheel_sends_cursor_keys_on_alternate_screen_with_1007(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?1049h\x1b[?1007h")
    _wheel(h, 1)
    _wheel(h, -1)
    assert h.sent == [b"\x1b[A" * 3, b"\x1b[B" * 3]


def test_wheel_with_mouse_tracking_sends_wheel_reports(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?1000h\x1b[?1006h")
    _wheel(h, 1)
    assert h.sent == [b"\x1b[<64;2;2M"]


# ---------------------------------------------------------------------------------------- scrollback


def _rows_image(h: Harness, img: QtGui.QImage, row: int) -> QtGui.QImage:
    return img.copy(0, row * h.ch, h.term.cols * h.cw, h.ch)


def test_scrolling_up_shows_history_and_output_keeps_position(make: Callable[..., Harness]) -> None:
    h = make(cols=20, rows=5)
    h.feed(b"\x1b[?25l" + b"".join(b"line %02d\r\n" % i for i in range(20)) + b"prompt")
    h.view.flush_now()
    history = len(h.term.screen.history)
    assert history == 16
    bar = h.view.verticalScrollBar()
    assert (bar.maximum(), bar.value()) == (16, 16)
    _wheel(h, 2)  # two notches: six rows up
    assert h.view.scroll_offset == 6
    assert bar.value() == 10
    top = h.view.cell_at(QtCore.QPoint(1, 1))
    assert top == (10, 0)

    ref = Terminal(20, 5)
    ref.feed(b"\x1b[?25lline 10")
    ref_view = TerminalView(ref)
    ref_view.resize(h.view.size())
    ref_view.flush_now()
    ref_img = ref_view.viewport().grab().toImage()
    assert _rows_image(h, h.image(), 0) == _rows_image(h, ref_img, 0)  # history row 10 is painted at the top

    h.feed(b"\r\nmore\r\nmore\r\n")  # new output while reading history: the view stays put
    h.view.flush_now()
    assert h.view.scroll_offset == 9
    assert h.view.cell_at(QtCore.QPoint(1, 1)) == (10, 0)
    assert _rows_image(h, h.image(), 0) == _rows_image(h, ref_img, 0)

    h.view.scroll_by(-100)
    assert h.view.scroll_offset == 0
    h.feed(b"\r\nagain\r\n")  # at the bottom, output keeps the view at the bottom
    h.view.flush_now()
    assert h.view.scroll_offset == 0
    assert bar.value() == bar.maximum() == len(h.term.screen.history)


def test_typing_snaps_back_to_the_bottom(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=20, rows=5)
    h.feed(b"".join(b"%d\r\n" % i for i in range(30)))
    h.view.flush_now()
    h.view.scroll_by(5)
    assert h.view.scroll_offset == 5
    qtbot.keyClick(h.view, Qt.Key.Key_A)
    assert h.view.scroll_offset == 0


# ---------------------------------------------------------------------------------------- resize, focus, links


def test_resize_emits_the_new_grid(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make(cols=40, rows=10)
    assert h.view.grid_size() == (40, 10)
    bar = h.view.verticalScrollBar().sizeHint().width()
    with qtbot.waitSignal(h.view.size_changed) as blocker:
        h.view.resize(57 * h.cw + bar + h.cw // 2, 13 * h.ch + h.ch - 1)
    assert blocker.args == [57, 13]


def test_set_terminal_swaps_what_is_shown(make: Callable[..., Harness]) -> None:
    h = make()
    other = Terminal(40, 10)
    other.feed(b"\x1b[?25l\x1b[44m ")
    h.view.set_terminal(other)
    assert h.view.terminal is other
    c = h.image().pixelColor(2, 2)
    assert c.blue() > 200 and c.red() < 50


def test_focus_reports_only_in_mode_1004(make: Callable[..., Harness]) -> None:
    h = make()
    focus_in = QtGui.QFocusEvent(QtCore.QEvent.Type.FocusIn, Qt.FocusReason.OtherFocusReason)
    focus_out = QtGui.QFocusEvent(QtCore.QEvent.Type.FocusOut, Qt.FocusReason.OtherFocusReason)
    QtWidgets.QApplication.sendEvent(h.view, focus_in)
    QtWidgets.QApplication.sendEvent(h.view, focus_out)
    assert h.sent == []
    h.feed(b"\x1b[?1004h")
    QtWidgets.QApplication.sendEvent(h.view, focus_in)
    QtWidgets.QApplication.sendEvent(h.view, focus_out)
    assert h.sent == [b"\x1b[I", b"\x1b[O"]


def test_ctrl_click_on_a_link_emits_its_uri(make: Callable[..., Harness], qtbot: Any) -> None:
    h = make()
    h.feed(b"see \x1b]8;;https://example.com/doc?q=1\x1b\\the docs\x1b]8;;\x1b\\ now")
    links: list[str] = []
    clicks: list[tuple[int, int]] = []
    h.view.link_activated.connect(links.append)
    h.view.cell_clicked.connect(lambda r, c: clicks.append((r, c)))
    vp = h.view.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, KM.ControlModifier, h.centre(0, 6))
    assert links == ["https://example.com/doc?q=1"]
    assert clicks == []
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, KM.ControlModifier, h.centre(0, 1))  # not a link
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, KM.NoModifier, h.centre(0, 6))  # plain click
    assert links == ["https://example.com/doc?q=1"]
    assert clicks == [(0, 1), (0, 6)]
    assert h.sent == []


def test_blinking_text_blinks_and_the_timer_stops_when_it_is_gone(make: Callable[..., Harness]) -> None:
    h = make()
    h.feed(b"\x1b[?25l\x1b[5mB\x1b[0m steady")
    shown = h.image()
    assert any(not _is_bg(c) for c in h.cell_pixels(shown, 0, 0))
    assert h.view._text_blink_timer.isActive()
    h.view._toggle_text_blink()  # the "off" half of the period
    hidden = h.image()
    assert all(_is_bg(c) for c in h.cell_pixels(hidden, 0, 0))
    assert any(not _is_bg(c) for c in h.cell_pixels(hidden, 0, 2))  # text without blink stays
    h.feed(b"\x1b[2J")
    h.image()
    h.view._toggle_text_blink()  # back on; nothing blinks any more...
    h.image()
    h.view._toggle_text_blink()  # ...so the timer stops
    assert not h.view._text_blink_timer.isActive()
