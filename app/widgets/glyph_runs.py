"""Terminal rows as prepared glyph runs: text shaped once per row content, drawn with ``drawGlyphRun``.

Why: ``QPainter.drawText`` shapes its string every time it is called (HarfBuzz, font fallback, the
letter-spaced layout), and a frame of a ``go test -v`` flood is ~40 rows of new text, cut by colour and
by CJK into some 150-300 calls: the shaping was most of the terminal's paint.  A terminal does not need
a shaper for a grid: every glyph goes to a known cell.  So each character is looked up once (glyph index
and advance, in the primary font or the first fallback family that has it) and a row becomes, per style
run, one :class:`QtGui.QGlyphRun` per font with the glyphs placed on their cells — a narrow glyph at its
cell's left edge, a wide one centred in its two cells, where the drawText path puts them.

Preparing a run costs a few C calls, not a Python step per character: the run's text is translated
(``str.translate``) into a string of the primary font's glyph indexes, ``map(ord, …)`` makes the list,
and the positions come from a run of the same cells prepared before (a copy of a ``QGlyphRun`` shares
them).  Only the characters the primary font does not draw on one cell (CJK, most often) are placed one
by one.  A prepared row depends only on its text, style ids and combining marks (colours are looked up
when it is drawn), so :class:`RowGlyphCache` keeps the rows of the last frames by content: a row that
scrolled, or a frame repainted for the cursor or a selection, costs no preparation at all.

What is not drawn this way, and goes back to the caller's drawText path (``singles``): a character no
listed family has (Qt's own system fallback finds one: emoji, rare symbols), one wider than its cells (the
caller squeezes it), and a cell with combining marks (which need a shaper).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from app.vt.width import char_width
from app.widgets.qt import QtCore, QtGui

__all__ = ["GlyphTable", "PreparedRow", "PreparedRun", "RowGlyphCache"]

#: A wide character's right half (the engine's placeholder): draws nothing.
_PH = "\x00"
#: In a translated run: a character the primary font does not draw on one cell, and one not looked up yet.
#: (Glyph indexes are below 0x10000, so these two can never be one.)
_OTHER = "\U0010ffff"
_UNKNOWN = "\U0010fffe"
#: Position runs kept for reuse (by first column and length); each holds up to a row's positions.
_TEMPLATES_KEPT = 4096


def _unknown() -> str:
    return _UNKNOWN


class _Glyph(NamedTuple):
    font: int  # index into the variant's raw fonts (0: the primary family)
    glyph: int  # glyph index in that font
    advance: float


class PreparedRun(NamedTuple):
    """Cells ``[x0, x1)`` of one style id: the glyph runs that draw its text, and the cells left to drawText."""

    x0: int
    x1: int
    sid: int
    runs: tuple[QtGui.QGlyphRun, ...]
    #: ``(col, cells, text)`` drawn one by one by the caller (no family has it, too wide, combining marks).
    singles: tuple[tuple[int, int, str], ...]


class PreparedRow(NamedTuple):
    runs: tuple[PreparedRun, ...]


class GlyphTable:
    """Characters → glyphs for one of the view's font variants (bold/italic) and its fallback families.

    The primary family is tried first, then the families listed after it in the font (the CJK fallbacks),
    in order — the order Qt's own font merging tries them.  Raw fonts of the fallbacks are made when a
    character first needs them.  :attr:`translation` maps a character to its glyph index in the primary
    font as a one-character string when that font draws it on one cell, else to ``_OTHER`` (learned by
    :meth:`learn` for what is ``_UNKNOWN``).
    """

    def __init__(self, font: QtGui.QFont, cell_width: int) -> None:
        self._font = QtGui.QFont(font)
        self._cw = cell_width
        families = font.families() or [font.family()]
        self._families = list(dict.fromkeys(families))
        primary = QtGui.QRawFont.fromFont(font)
        self.raw_fonts: list[QtGui.QRawFont | None] = [primary] + [None] * (len(self._families) - 1)
        self._glyphs: dict[str, _Glyph | None] = {}
        #: By code point (``str.translate`` looks code points up).
        self.translation: defaultdict[int, str] = defaultdict(_unknown)
        space = primary.glyphIndexesForString(" ") if primary.isValid() else []
        #: The primary font's space glyph as a translated character (blank cells and wide halves become it).
        self.space = chr(space[0]) if len(space) == 1 and space[0] else _OTHER
        self.translation[ord(" ")] = self.translation[ord(_PH)] = self.space
        self.learn("".join(chr(c) for c in range(0x21, 0x7F)))

    def _raw(self, slot: int) -> QtGui.QRawFont | None:
        raw = self.raw_fonts[slot]
        if raw is None:
            font = QtGui.QFont(self._font)
            font.setFamilies([self._families[slot]])
            raw = QtGui.QRawFont.fromFont(font)
            self.raw_fonts[slot] = raw
        return raw if raw.isValid() else None

    def glyph(self, char: str) -> _Glyph | None:
        """The glyph of one character, from the first family that has it; ``None``: none of them does."""
        found = self._glyphs.get(char, False)
        if found is not False:
            return found  # type: ignore[return-value]
        result: _Glyph | None = None
        for slot in range(len(self.raw_fonts)):
            raw = self._raw(slot)
            # The ucs4 overload: PySide's QChar one misreads characters outside Latin-1.
            if raw is None or not raw.supportsCharacter(ord(char)):
                continue
            indexes = raw.glyphIndexesForString(char)
            if len(indexes) == 1 and indexes[0]:
                advance = raw.advancesForGlyphIndexes(indexes)[0].x()
                result = _Glyph(slot, indexes[0], advance)
                break
        if len(self._glyphs) > 16384:
            self._glyphs.clear()
        self._glyphs[char] = result
        return result

    def learn(self, text: str) -> None:
        """Fill :attr:`translation` for the characters of ``text`` not looked up yet."""
        table = self.translation
        if len(table) > 16384:
            keep = {c: table[c] for c in (0x20, 0, *range(0x21, 0x7F))}
            table.clear()
            table.update(keep)
        for char in set(text):
            if table.get(ord(char), _UNKNOWN) != _UNKNOWN:
                continue
            glyph = self.glyph(char)
            narrow = char_width(char) == 1
            on_one_cell = glyph is not None and glyph.font == 0 and narrow and glyph.advance <= self._cw + 0.5
            table[ord(char)] = chr(glyph.glyph) if on_one_cell and glyph is not None else _OTHER


class RowGlyphCache:
    """Prepared rows by content (text, style ids, marks), for the fonts and cell width it was made with.

    ``variant_of(sid)`` gives the font variant (0-3: bit 0 bold, bit 1 italic) a style id is drawn in.
    Bounded: the oldest rows go first once ``keep`` are held.
    """

    def __init__(self, fonts: Sequence[QtGui.QFont], cell_width: int, keep: int = 512) -> None:
        self.tables = [GlyphTable(font, cell_width) for font in fonts]
        self._cw = cell_width
        self._keep = keep
        self._rows: dict[tuple[str, tuple[int, ...] | None, tuple[tuple[int, str], ...] | None], PreparedRow] = {}
        #: Glyph runs holding only positions (cells ``start …`` at their left edges), by (start, length).
        self._templates: dict[tuple[int, int], QtGui.QGlyphRun] = {}
        #: Rows prepared (cache misses), for tests and the bench.
        self.prepared = 0

    def __len__(self) -> int:
        return len(self._rows)

    def row(
        self,
        text: str,
        styles: Sequence[int] | None,
        marks: Mapping[int, str] | None,
        variant_of: Callable[[int], int],
    ) -> PreparedRow:
        key = (text, tuple(styles) if styles is not None else None, tuple(sorted(marks.items())) if marks else None)
        found = self._rows.get(key)
        if found is not None:
            return found
        prepared = self._prepare(text, key[1], marks, variant_of)
        if len(self._rows) >= self._keep:
            del self._rows[next(iter(self._rows))]
        self._rows[key] = prepared
        self.prepared += 1
        return prepared

    def _prepare(
        self,
        text: str,
        styles: tuple[int, ...] | None,
        marks: Mapping[int, str] | None,
        variant_of: Callable[[int], int],
    ) -> PreparedRow:
        n = len(text)
        if styles is None:
            return PreparedRow((self._prepare_run(text, 0, n, 0, variant_of(0), marks),))
        runs = []
        x = 0
        sid = styles[0] if n else 0
        for col in range(1, n):
            if styles[col] != sid:
                runs.append(self._prepare_run(text, x, col, sid, variant_of(sid), marks))
                x, sid = col, styles[col]
        if n:
            runs.append(self._prepare_run(text, x, n, sid, variant_of(sid), marks))
        return PreparedRow(tuple(runs))

    def _positions(self, start: int, length: int) -> QtGui.QGlyphRun:
        """A glyph run whose positions are cells ``start … start+length-1`` (copy it, then set its glyphs)."""
        key = (start, length)
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) >= _TEMPLATES_KEPT:
                self._templates.clear()
            cw = self._cw
            template = QtGui.QGlyphRun()
            template.setPositions([QtCore.QPointF((start + i) * cw, 0) for i in range(length)])
            template.setGlyphIndexes([0] * length)
            self._templates[key] = template
        return template

    def _prepare_run(
        self, text: str, x0: int, x1: int, sid: int, variant: int, marks: Mapping[int, str] | None
    ) -> PreparedRun:
        table = self.tables[variant]
        space = table.space
        glyphs = text[x0:x1].translate(table.translation)
        if _UNKNOWN in glyphs:
            table.learn(text[x0:x1])
            glyphs = text[x0:x1].translate(table.translation)
        singles: list[tuple[int, int, str]] = []
        others: dict[int, tuple[list[int], list[QtCore.QPointF]]] = {}
        if marks and any(x0 <= k < x1 for k in marks):
            cells = list(glyphs)
            for k in marks:
                if x0 <= k < x1:
                    cells[k - x0] = _OTHER
            glyphs = "".join(cells)
        if _OTHER in glyphs:
            i = glyphs.find(_OTHER)
            while i >= 0:
                self._place(table, text, x0 + i, marks, others, singles)
                i = glyphs.find(_OTHER, i + 1)
            glyphs = glyphs.replace(_OTHER, space)
        runs = []
        core = glyphs.strip(space)
        if core:
            start = x0 + len(glyphs) - len(glyphs.lstrip(space))
            run = QtGui.QGlyphRun(self._positions(start, len(core)))
            run.setRawFont(table.raw_fonts[0])  # type: ignore[arg-type]  # valid: it has the space glyph
            run.setGlyphIndexes(list(map(ord, core)))
            runs.append(run)
        for slot, (indexes, positions) in others.items():
            run = QtGui.QGlyphRun()
            run.setRawFont(table.raw_fonts[slot])  # type: ignore[arg-type]  # valid: glyph() found the glyph there
            run.setGlyphIndexes(indexes)
            run.setPositions(positions)
            runs.append(run)
        return PreparedRun(x0, x1, sid, tuple(runs), tuple(singles))

    def _place(
        self,
        table: GlyphTable,
        text: str,
        col: int,
        marks: Mapping[int, str] | None,
        others: dict[int, tuple[list[int], list[QtCore.QPointF]]],
        singles: list[tuple[int, int, str]],
    ) -> None:
        """One cell the primary font does not draw on one cell: a fallback family's glyph, or a single."""
        char = text[col]
        if char == " " or char == _PH:
            return  # blank (a mark on a blank is not drawn, as on the drawText path)
        cells = 2 if col + 1 < len(text) and text[col + 1] == _PH else 1
        mark = marks.get(col) if marks else None
        if mark:
            singles.append((col, cells, char + mark))
            return
        glyph = table.glyph(char)
        box = cells * self._cw
        if glyph is None or glyph.advance > box + 0.5:
            singles.append((col, cells, char))
            return
        dx = (box - glyph.advance) / 2 if cells > 1 else 0.0
        indexes, positions = others.setdefault(glyph.font, ([], []))
        indexes.append(glyph.glyph)
        positions.append(QtCore.QPointF(col * self._cw + dx, 0))
