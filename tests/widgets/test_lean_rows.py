"""The lean ways of painting a flood's rows, held to the general ones.

``RowGlyphCache`` prepares a run of the primary font's and the wide font's glyphs (no combining marks, no cell
placed one by one) the lean way: only the cells between the first and the last non-blank one are translated, the
wide pass only from the first wide cell to the last, ASCII glyph indexes are listed from bytes.  With
``cache.lean = False`` every run takes the general way (``_prepare_general``, the way all runs took before); both
must give the same glyph runs: the same font, glyph indexes and positions, the same cells left to drawText.

``TerminalView.paintEvent`` finds the rows an update touches from the region's bounds when it is one rectangle
(``_rows_in``) and sets the pen only when it changes: a region painted alone must look as in a full repaint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.widgets.glyph_runs import PreparedRow, RowGlyphCache
from app.widgets.qt import QtCore, QtGui
from app.widgets.terminal_view import TerminalView
from tests.widgets.test_glyph_runs import Screen as GlyphScreen

#: Cells a row is made of: blanks, ASCII, narrow characters outside ASCII (glyph indexes past 127, one with no
#: glyph in any listed family), wide ones (the CJK fallback; U+3000 is a wide blank), an emoji (Qt's own fallback).
NARROW = [" ", " ", " ", "a", "W", "_", "|", "0", "~", "é", "─", "ß", "Ω", "…", "\u0378", "\u00a0"]
WIDE = ["中", "文", "测", "试", "，", "Ａ", "\u3000", "😀"]
MARKS = ["\u0301", "\u0308"]


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, list[int] | None, dict[int, str] | None]:
    """A row as the engine gives it: text (a wide character then its ``\\x00``), style ids or ``None``, marks."""
    cells: list[str] = []
    width = draw(st.integers(1, 90))
    while len(cells) < width:
        if len(cells) + 1 < width and draw(st.integers(0, 3)) == 0:
            cells += [draw(st.sampled_from(WIDE)), "\x00"]
        else:
            cells.append(draw(st.sampled_from(NARROW)))
    text = "".join(cells)
    styles: list[int] | None = None
    if draw(st.booleans()):
        styles = []
        while len(styles) < len(text):
            styles += [draw(st.sampled_from([0, 1, 2, 3, 7, 8]))] * draw(st.integers(1, 12))
        styles = styles[: len(text)]
    marks: dict[int, str] | None = None
    if draw(st.integers(0, 4)) == 0:
        marks = {col: draw(st.sampled_from(MARKS)) for col in draw(st.sets(st.integers(0, len(text) - 1), max_size=3))}
        marks = marks or None
    return text, styles, marks


def variant_of(sid: int) -> int:
    return sid & 3  # bit 0 bold, bit 1 italic, as the view's variants


def drawn(row: PreparedRow) -> list[Any]:
    """What a prepared row draws: per run its cells, the glyph runs (font, indexes, positions) and the singles."""
    result = []
    for run in row.runs:
        glyph_runs = [
            (
                g.rawFont().familyName(),
                g.rawFont().styleName(),
                list(g.glyphIndexes()),
                [(p.x(), p.y()) for p in g.positions()],
            )
            for g in run.runs
            if g.glyphIndexes()  # the general way may keep a run with no glyph (all of it stripped): it draws nothing
        ]
        result.append((run.x0, run.x1, run.sid, glyph_runs, run.singles))
    return result


@pytest.fixture(scope="module")
def fonts(qapp: Any) -> tuple[list[QtGui.QFont], int]:
    view = TerminalView()
    return view._fonts, view.cell_size().width()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(rows(), min_size=1, max_size=6))
def test_a_row_prepared_the_lean_way_draws_what_the_general_way_draws(
    fonts: tuple[list[QtGui.QFont], int], batch: list[tuple[str, list[int] | None, dict[int, str] | None]]
) -> None:
    lean, general = RowGlyphCache(*fonts), RowGlyphCache(*fonts)
    general.lean = False
    for text, styles, marks in batch:
        assert drawn(lean.row(text, styles, marks, variant_of)) == drawn(general.row(text, styles, marks, variant_of))


def test_the_lean_way_is_taken_for_log_lines(fonts: tuple[list[QtGui.QFont], int]) -> None:
    """Not a vacuous comparison: plain and CJK log lines take the lean way, marks and emoji the general one."""
    cache = RowGlyphCache(*fonts)
    calls: list[str] = []
    general = cache._prepare_general
    cache._prepare_general = lambda *a: calls.append(a[1]) or general(*a)  # type: ignore[method-assign]
    for text in ("    add_test.go:83: got 971  ", "=== RUN   Test数\x00据\x00库\x00_边\x00界\x00   ", "   "):
        cache.row(text, None, None, variant_of)
    assert calls == []
    cache.row("e\u0301 plain", None, {0: "\u0301"}, variant_of)
    cache.row("😀\x00 smile", None, None, variant_of)
    assert calls == ["e\u0301 plain", "😀\x00 smile"]


# ------------------------------------------------------------------------------ the view: regions and pens


class Screen(GlyphScreen):
    """test_glyph_runs' screen (a Terminal and its view of exactly cols×rows cells), 40x12 unless told."""

    def __init__(self, qtbot: Any, cols: int = 40, rows: int = 12) -> None:
        super().__init__(qtbot, cols, rows)

    def render(self, region: QtGui.QRegion | None = None) -> QtGui.QImage:
        """The viewport painted into a fresh image: all of it, or only ``region`` (the rest stays magenta)."""
        vp = self.view.viewport()
        image = QtGui.QImage(vp.size(), QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QtGui.QColor(255, 0, 255))
        painter = QtGui.QPainter(image)
        if region is None:
            vp.render(painter, QtCore.QPoint(0, 0))
        else:
            vp.render(painter, region.boundingRect().topLeft(), region)  # the region's corner goes there
        painter.end()
        return image


@pytest.fixture
def screen(qtbot: Any) -> Callable[..., Screen]:
    return lambda **kw: Screen(qtbot, **kw)


def rows_painted(s: Screen, image: QtGui.QImage) -> set[int]:
    """The view rows with any pixel painted (not left magenta)."""
    magenta = QtGui.QColor(255, 0, 255).rgba()
    return {
        y // s.ch for y in range(image.height()) for x in range(0, image.width(), 3) if image.pixel(x, y) != magenta
    }


def same_in(s: Screen, a: QtGui.QImage, b: QtGui.QImage, region: QtGui.QRegion) -> bool:
    return all(
        a.pixel(x, y) == b.pixel(x, y)
        for y in range(a.height())
        for x in range(a.width())
        if region.contains(QtCore.QPoint(x, y))
    )


LINES = "".join(
    f"\x1b[3{n % 7 + 1}m--- PASS\x1b[0m: Test{n} 数据{n} \x1b[4;58:5:{n % 8}m_W|\x1b[0m \x1b[1mbold {n}\x1b[0m\r\n"
    for n in range(20)
)


@pytest.mark.parametrize(
    "rects",
    [
        [(0, 3, 40, 2)],  # one rectangle, two rows: taken from its bounds
        [(5, 0, 10, 1)],  # a piece of one row
        [(0, 2, 40, 1), (0, 7, 40, 3)],  # two rectangles: asked row by row
        [(12, 4, 3, 1), (30, 11, 2, 1)],  # two small pieces
    ],
)
def test_a_region_painted_alone_is_painted_as_in_a_full_repaint(
    screen: Callable[..., Screen], rects: list[tuple[int, int, int, int]]
) -> None:
    s = screen()
    s.feed("\x1b[?25l" + LINES)
    region = QtGui.QRegion()
    for col, row, cols, nrows in rects:  # each piece starts and ends inside a row, not on its edges
        region += QtCore.QRect(col * s.cw, row * s.ch + s.ch // 3, cols * s.cw, (nrows - 1) * s.ch + s.ch // 2)
    width = s.view.viewport().width()
    touched = {vr for vr in range(12) if region.intersects(QtCore.QRect(0, vr * s.ch, width, s.ch))}
    assert sorted(s.view._rows_in(region)) == sorted(touched)
    full, part = s.render(), s.render(region)
    assert same_in(s, full, part, region)
    assert rows_painted(s, part) == touched


def test_an_empty_region_or_one_outside_paints_no_row(screen: Callable[..., Screen]) -> None:
    s = screen()
    s.feed(LINES)
    width = s.view.viewport().width()
    assert list(s.view._rows_in(QtGui.QRegion())) == []
    assert list(s.view._rows_in(QtGui.QRegion(width, 0, 5, 5))) == []
    assert list(s.view._rows_in(QtGui.QRegion(0, 12 * s.ch + 1, 5, 5))) == []
    assert list(s.view._rows_in(QtGui.QRegion(0, -5, 5, 6))) == [0]


def test_rows_of_one_colour_after_decorations_keep_their_colour(screen: Callable[..., Screen]) -> None:
    """The pen is set only when a run's colour changes; decorations set their own pens, so the next run sets it
    again: every row here is drawn as the drawText path draws it."""
    s = screen()
    s.feed(
        "\x1b[?25l\x1b[31;4;58:2::0:255:0mred underlined in green\r\n"
        "\x1b[24mred again\r\n\x1b[9mred struck\r\n\x1b[29;53mred over\r\n\x1b[0mplain\r\n"
        "\x1b[32mgreen\x1b[0m plain \x1b[32mgreen\x1b[0m\r\n"
    )
    s.view.glyph_runs = False
    reference = s.render()
    s.view.glyph_runs = True
    image = s.render()
    differing = sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) != reference.pixel(x, y)
    )
    assert differing <= image.width() * image.height() // 200
    red = [image.pixelColor(x, y) for y in range(s.ch, 2 * s.ch) for x in range(9 * s.cw)]
    assert sum(1 for c in red if c.red() > 150 and c.green() < 100) > 10  # "red again" is red, not the green pen


# ------------------------------------------------------------------------------ runs drawn without a clip

#: Text for rows of adjacent runs: glyphs whose ink crosses their cell's edges (W, w, _, R, bold |, italic
#: capitals) often sit on a run's first or last cell.
EDGY = "WwR_|&#@MmAXZ{}()[]gjyQ中文，"


@st.composite
def edgy_screens(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        parts = []
        for _ in range(draw(st.integers(1, 6))):
            sgr = draw(st.sampled_from(["0", "1", "3", "1;3", "31", "1;32", "3;34", "7", "4", "9", "2"]))
            text = "".join(draw(st.lists(st.sampled_from(EDGY + " a"), min_size=1, max_size=8)))
            parts.append(f"\x1b[{sgr}m{text}")
        lines.append("".join(parts) + "\x1b[0m")
    return "\x1b[?25l" + "\r\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=edgy_screens())
def test_runs_drawn_without_a_clip_give_the_pixels_of_runs_drawn_clipped(
    screen: Callable[..., Screen], text: str
) -> None:
    """A run whose glyphs cannot reach past its cells is drawn without a clip (``PreparedRun.clip``); the general
    way clips every run.  The images must be the same to the pixel."""
    s = screen(cols=30, rows=6)
    s.feed(text)
    lean = s.render()
    assert isinstance(s.view._glyph_rows, RowGlyphCache) and s.view._glyph_rows.prepared > 0
    general = RowGlyphCache(s.view._fonts, s.cw, cell_height=s.ch, ascent=s.view._ascent)
    general.lean = False  # every run prepared the general way: clipped
    s.view._glyph_rows = general
    clipped = s.render()
    assert general.prepared > 0  # the rows were prepared again, not taken from the lean cache
    assert lean == clipped


def test_glyphs_not_noted_loose_keep_their_ink_in_their_cell(screen: Callable[..., Screen]) -> None:
    """What the loose sets rest on: each printable ASCII glyph of each font variant, and a few wide ones, drawn
    alone and unclipped in the middle of an image, inks only its own cell unless it was noted loose there."""
    s = screen(cols=10, rows=3)
    view = s.view
    cache = RowGlyphCache(view._fonts, s.cw, cell_height=s.ch, ascent=view._ascent)
    cw, ch, ascent = s.cw, s.ch, view._ascent
    checked = 0
    for table in cache.tables:
        table.learn("中文测试，界")
        candidates = [(c, False) for c in map(chr, range(0x21, 0x7F))] + [(c, True) for c in "中文测试，界"]
        for char, wide in candidates:
            glyph = (table.wide_translation if wide else table.translation)[ord(char)]
            slot = table.wide_font if wide else 0
            dx = (2 * cw - table.wide_advance) / 2 if wide else 0.0
            run = QtGui.QGlyphRun()
            run.setRawFont(table.raw_fonts[slot])
            run.setGlyphIndexes([ord(glyph)])
            run.setPositions([QtCore.QPointF(3 * cw + dx, ascent + ch)])
            image = QtGui.QImage(10 * cw, 3 * ch, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(QtGui.QColor(0, 0, 0))
            painter = QtGui.QPainter(image)
            painter.setPen(QtGui.QColor(255, 255, 255))
            painter.drawGlyphRun(QtCore.QPointF(0, 0), run)
            painter.end()
            cells = 2 if wide else 1
            inked = [
                (x, y) for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) != 0xFF000000
            ]
            left = any(x < 3 * cw for x, _ in inked)
            right = any(x >= (3 + cells) * cw for x, _ in inked)
            rows = any(not ch <= y < 2 * ch for _, y in inked)
            if wide:
                assert not (left or right or rows) or glyph in table.loose_wide, char
            else:
                assert not left or glyph in table.loose_left, char
                assert not right or glyph in table.loose_right, char
                assert not rows or glyph in table.loose_rows, char
            checked += 1
    assert checked == 4 * (94 + 6)
    assert cache.tables[0].loose_right  # this font has some (W, w, _ in DejaVu Sans Mono): the test can fail
