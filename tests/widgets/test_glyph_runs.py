"""Rows drawn as prepared glyph runs (``app.widgets.glyph_runs``) against the drawText path they replace.

The drawText path (``TerminalView.glyph_runs = False``) is the reference: Qt shapes each run there.  Every
screen here is painted both ways and compared pixel by pixel; glyph rasterisation is the same font engine
either way, so the two may differ only in a few anti-aliased edge pixels, never by a glyph that moved,
went missing or took another colour.  Then the cache: a repaint prepares no row, a scroll prepares only the
new rows, and a row prepared once draws right at any height.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.vt import Terminal
from app.widgets.glyph_runs import RowGlyphCache
from app.widgets.qt import QtCore, QtGui
from app.widgets.terminal_view import TerminalView


class Screen:
    """A Terminal and its view sized to exactly cols×rows cells (offscreen)."""

    def __init__(self, qtbot: Any, cols: int, rows: int) -> None:
        self.term = Terminal(cols, rows, scrollback=200)
        self.view = TerminalView(self.term)
        qtbot.addWidget(self.view)
        self.view.set_cursor_blink(False)
        self.cw, self.ch = self.view.cell_size().width(), self.view.cell_size().height()
        self.view.resize(cols * self.cw + self.view.verticalScrollBar().sizeHint().width(), rows * self.ch)
        self.view.show()
        qtbot.waitExposed(self.view)

    def feed(self, text: str) -> None:
        self.term.feed(text.encode())
        self.view.refresh()
        self.view.flush_now()

    def image(self, glyph_runs: bool) -> QtGui.QImage:
        self.view.glyph_runs = glyph_runs
        return self.view.viewport().grab().toImage()  # grab() paints the whole viewport again


@pytest.fixture
def make(qtbot: Any) -> Callable[..., Screen]:
    def factory(cols: int = 60, rows: int = 10) -> Screen:
        return Screen(qtbot, cols, rows)

    return factory


def differing_cells(screen: Screen, a: QtGui.QImage, b: QtGui.QImage) -> dict[tuple[int, int], int]:
    """Pixels that differ, counted by cell ``(row, col)``."""
    assert a.size() == b.size()
    cells: dict[tuple[int, int], int] = {}
    for y in range(a.height()):
        for x in range(a.width()):
            if a.pixel(x, y) != b.pixel(x, y):
                key = (y // screen.ch, x // screen.cw)
                cells[key] = cells.get(key, 0) + 1
    return cells


def assert_same_as_drawtext(screen: Screen) -> QtGui.QImage:
    """The screen painted with glyph runs looks like the drawText path: at most a few edge pixels of a cell
    differ (anti-aliasing), and the ink is the same in every cell."""
    runs, text = screen.image(True), screen.image(False)
    cells = differing_cells(screen, runs, text)
    area = screen.cw * screen.ch
    assert all(count <= area // 8 for count in cells.values()), cells
    assert sum(cells.values()) <= runs.width() * runs.height() // 200, cells
    return runs


def ink(screen: Screen, img: QtGui.QImage, row: int, col: int, cells: int = 1) -> int:
    """Pixels in the cells that are not the cells' own background (taken at the cell's top-left corner)."""
    bg = img.pixel(col * screen.cw, row * screen.ch)
    return sum(
        1
        for y in range(row * screen.ch, (row + 1) * screen.ch)
        for x in range(col * screen.cw, (col + cells) * screen.cw)
        if img.pixel(x, y) != bg
    )


# ------------------------------------------------------------------------------ the same pixels as drawText


def test_ascii_in_every_font_variant_and_colour(make: Callable[..., Screen]) -> None:
    s = make()
    s.feed(
        "\x1b[?25lplain ascii, punctuation !@#$%^&*()_+{}|:<>?~\r\n"
        "\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[0m \x1b[3mitalic\x1b[0m \x1b[1;3mbold italic\x1b[0m\r\n"
        "\x1b[38;5;208m256 colour\x1b[0m \x1b[38;2;250;20;200mtrue colour\x1b[0m \x1b[48;2;10;80;200mon blue\x1b[0m\r\n"
        "\x1b[7mreverse\x1b[0m \x1b[2mdim\x1b[0m \x1b[8mconcealed\x1b[0m after\r\n"
        "\x1b[4munder\x1b[0m \x1b[4:3mcurly\x1b[0m \x1b[9mstrike\x1b[0m \x1b[53mover\x1b[0m \x1b[21mdouble\x1b[0m\r\n"
    )
    img = assert_same_as_drawtext(s)
    assert ink(s, img, 0, 0) > 5 and ink(s, img, 1, 4, 4) > 10  # text is there at all
    assert ink(s, img, 3, 12, 9) == 0  # concealed text draws nothing
    red = [
        c for c in (img.pixelColor(x, y) for y in range(s.ch, 2 * s.ch) for x in range(3 * s.cw)) if c.red() > 150
    ]
    assert len(red) > 10 and all(c.green() < 120 for c in red)  # "red" is drawn in red


def test_wide_cjk_runs_fullwidth_forms_and_mixed_scripts(make: Callable[..., Screen]) -> None:
    s = make()
    s.feed(
        "\x1b[?25l中文测试数据库边界 mixed 边界/全角_ＡＢＣ，「引号」…\r\n"
        "\x1b[1m你好，世界\x1b[0m \x1b[3m日志 italic\x1b[0m \x1b[1;31m失败 FAIL\x1b[0m\r\n"
        "box ─┼─│ café naïve Ελληνικά кириллица\r\n"
        "\x1b[42m背景色\x1b[0m end\r\n"
    )
    img = assert_same_as_drawtext(s)
    for col in range(0, 18, 2):  # every ideograph of the first run inks its own two cells
        assert ink(s, img, 0, col, 2) > 10
    assert ink(s, img, 0, 18) == 0  # the blank after the run stays blank


def test_combining_marks_and_characters_no_listed_font_has(make: Callable[..., Screen]) -> None:
    """Cells with marks and glyphs from Qt's own fallback (emoji) take the drawText way inside a glyph-run row."""
    s = make()
    s.feed("\x1b[?25le\u0301 a\u0308 plain 😀 ✓ 中\u0301文 after\r\n")
    img = assert_same_as_drawtext(s)
    row = s.term.row(s.term.history_size)
    assert row is not None and row.marks is not None and len(row.marks) == 3  # the engine kept the marks
    cells = s.term.row_cells(s.term.history_size)
    assert ink(s, img, 0, 0) > 5 and ink(s, img, 0, 2) > 5  # é and ä are drawn
    assert ink(s, img, 0, cells.index("😀"), 2) > 10
    wide = next(col for col, cell in enumerate(cells) if cell.startswith("中"))
    assert ink(s, img, 0, wide, 2) > 10 and ink(s, img, 0, wide + 2, 2) > 10  # 中 with its mark, then 文


def test_selection_find_matches_hover_highlight_and_cursor(make: Callable[..., Screen], qtbot: Any) -> None:
    s = make()
    s.feed("see encode_test.go:29: 中文 text\r\n\x1b[32m--- PASS\x1b[0m: Test加法 (0.00s)\r\n中 under cursor")
    s.feed("\x1b[3;1H")  # the cursor on 中 (a block over a wide character)
    s.view.setFocus()
    s.view.select((0, 4), (1, 6))
    s.view.set_find_matches([[(1, 4, 8)], [(0, 23, 27)]], 0)
    s.view.set_highlight([(0, 23), (0, 24)])
    qtbot.mouseMove(s.view.viewport(), QtCore.QPoint(8 * s.cw + 2, s.ch // 2))  # over the location: underlined
    assert s.view.hover_target is not None
    img = assert_same_as_drawtext(s)
    cursor = QtGui.QColor(*s.view.theme.cursor)
    assert img.pixelColor(1, 2 * s.ch + 1) == cursor and img.pixelColor(2 * s.cw - 2, 2 * s.ch + 1) == cursor


def test_reverse_video_and_blinking_text(make: Callable[..., Screen]) -> None:
    s = make()
    s.feed("\x1b[?25l\x1b[?5hreverse screen \x1b[5mblinking\x1b[0m 中文")
    img_on = assert_same_as_drawtext(s)
    s.view._toggle_text_blink()  # the "off" half of the period
    img_off = assert_same_as_drawtext(s)
    assert ink(s, img_on, 0, 15, 8) > 10 and ink(s, img_off, 0, 15, 8) == 0


def test_a_scrolled_back_view_draws_history_rows_right(make: Callable[..., Screen]) -> None:
    s = make(cols=40, rows=6)
    s.feed("".join(f"\x1b[3{n % 8}mline {n} 行{n}\x1b[0m\r\n" for n in range(30)))
    s.view.scroll_by(10)
    assert_same_as_drawtext(s)


# ------------------------------------------------------------------------------ the cache


def test_a_repaint_prepares_nothing_and_a_scroll_only_the_new_rows(make: Callable[..., Screen]) -> None:
    s = make(cols=40, rows=8)
    s.feed("".join(f"row {n} 中\x1b[1mbold\x1b[0m\r\n" for n in range(7)))
    s.image(True)
    cache = s.view._glyph_rows
    assert isinstance(cache, RowGlyphCache)
    prepared = cache.prepared
    s.image(True)
    assert cache.prepared == prepared  # the same rows again: nothing prepared
    s.feed("row 7 new\r\n")
    s.image(True)
    assert cache.prepared - prepared <= 2  # the new text (and the blank row under it), not the rows that moved


def test_the_cache_is_bounded_and_starts_again_for_a_new_font(make: Callable[..., Screen], qtbot: Any) -> None:
    s = make(cols=30, rows=4)
    cache = RowGlyphCache(s.view._fonts, s.cw, keep=5)
    for n in range(20):
        cache.row(f"row {n}", None, None, lambda _sid: 0)
    assert len(cache) == 5
    s.image(True)
    first = s.view._glyph_rows
    font = QtGui.QFont(s.view.font())
    font.setPointSizeF(font.pointSizeF() + 3)
    s.view.set_font(font)
    s.feed("bigger")
    s.image(True)
    assert s.view._glyph_rows is not first
    assert_same_as_drawtext(s)


def test_a_prepared_row_places_glyphs_on_their_cells(make: Callable[..., Screen]) -> None:
    """The runs' positions: ASCII at each cell's left edge, a wide glyph centred in its two cells."""
    s = make()
    cache = RowGlyphCache(s.view._fonts, s.cw)
    row = cache.row("ab 中\x00c", None, None, lambda _sid: 0)
    (run,) = row.runs
    assert run.singles == ()
    ascii_run, wide_run = run.runs  # the primary font's glyphs, then the CJK fallback's
    assert [p.x() for p in ascii_run.positions()] == [col * s.cw for col in range(6)]  # blanks draw nothing
    (wide,) = wide_run.positions()
    advance = wide_run.rawFont().advancesForGlyphIndexes(wide_run.glyphIndexes())[0].x()
    assert wide.x() == pytest.approx(3 * s.cw + (2 * s.cw - advance) / 2)  # centred in cells 3-4


def test_runs_anywhere_in_a_row_longer_than_the_positions_made_at_once_sit_on_their_cells(
    make: Callable[..., Screen],
) -> None:
    """Templates are slices of one row of positions per offset: a run starting late, one past the columns made at
    first (300 > 256), and a wide run beside them each get their own cells."""
    s = make()
    cache = RowGlyphCache(s.view._fonts, s.cw)
    rows = [("   abc", 3, 3), ("x" * 300, 0, 300), (" " * 250 + "tail", 250, 4), ("ab 中\x00c", 0, 6)]
    for text, first, length in rows:
        (run,) = cache.row(text, None, None, lambda _sid: 0).runs
        assert [p.x() for p in run.runs[0].positions()] == [(first + i) * s.cw for i in range(length)]
    wide_run = cache.row("ab 中\x00c", None, None, lambda _sid: 0).runs[0].runs[1]
    (wide,) = wide_run.positions()
    advance = wide_run.rawFont().advancesForGlyphIndexes(wide_run.glyphIndexes())[0].x()
    assert wide.x() == pytest.approx(3 * s.cw + (2 * s.cw - advance) / 2)
