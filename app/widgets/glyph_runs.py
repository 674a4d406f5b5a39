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

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from app.vt.width import char_width
from app.widgets.qt import QtCore, QtGui

__all__ = ["GlyphTable", "PreparedRow", "PreparedRun", "RowGlyphCache"]

#: A wide character's right half (the engine's placeholder): draws nothing.
_PH = "\x00"
#: In a translated run: a character placed one by one, one not looked up yet, and a wide character drawn by the
#: wide pass (see :class:`GlyphTable`).  Glyph indexes are below 0x10000, so none of these can be one.
_OTHER = "\U0010ffff"
_UNKNOWN = "\U0010fffe"
_WIDE = "\U0010fffd"
#: Position runs kept for reuse (by first column and length); each holds up to a row's positions.
_TEMPLATES_KEPT = 4096
#: Rows of cell positions kept (one per offset ``dx``: the narrow glyphs' and each wide font's), and how many
#: columns one holds at least.
_POINT_ROWS_KEPT = 16
_POINTS_AT_ONCE = 256


def _unknown() -> str:
    return _UNKNOWN


def _indexes(glyphs: str) -> list[int]:
    """A translated run's glyph indexes as the list ``setGlyphIndexes`` takes.

    Why the ASCII case: the primary font's glyphs for ASCII are numbered below 128 in the usual monospace fonts
    (DejaVu Sans Mono: 3-97), and ``list(bytes)`` makes such a list in one C loop of cached small ints, where
    ``map(ord, …)`` calls ``ord`` per glyph (``str.isascii`` is a flag of the string, so the test costs nothing).
    """
    return list(glyphs.encode("ascii")) if glyphs.isascii() else list(map(ord, glyphs))


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
    #: Whether the runs must be drawn clipped to the cells ``[x0, x1)`` of the row: a glyph's ink could reach past
    #: them (above or below the row, or past the run's first or last cell; ink crossing into a neighbour cell of
    #: the same run stays inside the clip anyway).  Not clipping spares Qt a clip region per run, ~8 % of a frame.
    clip: bool = True


class PreparedRow(NamedTuple):
    runs: tuple[PreparedRun, ...]


#: Makes a :class:`PreparedRun` or :class:`PreparedRow` from a tuple of its fields in C: calling the class goes
#: through the ``__new__`` a NamedTuple defines in Python, a frame per run of every new row of a flood.
_make = tuple.__new__


class GlyphTable:
    """Characters → glyphs for one of the view's font variants (bold/italic) and its fallback families.

    The primary family is tried first, then the families listed after it in the font (the CJK fallbacks),
    in order — the order Qt's own font merging tries them.  Raw fonts of the fallbacks are made when a
    character first needs them.

    Two translations (by code point, for ``str.translate``), filled by :meth:`learn` for what is ``_UNKNOWN``:
    :attr:`translation` maps a character to its glyph index in the primary font, as a one-character string,
    when that font draws it on one cell; to ``_WIDE`` when it is a wide character of the *wide font* (the family
    of the first wide character met, CJK as a rule) with the *wide advance* that font gave it (ideographs and
    fullwidth forms share one); else to ``_OTHER``.  :attr:`wide_translation` maps those wide characters to
    their glyph index in the wide font and everything else to that font's space glyph, so a run's wide glyphs
    are one translate too, placed centred in their two cells.
    """

    def __init__(self, font: QtGui.QFont, cell_width: int, cell_height: int = 0, ascent: int = 0) -> None:
        self._font = QtGui.QFont(font)
        self._cw = cell_width
        #: The cell's height and the baseline's distance from its top; 0: not known, every glyph counts as loose.
        self._ch, self._ascent = cell_height, ascent
        #: Loose glyphs (translated characters), whose ink may leave their cell: the primary font's beyond the
        #: left edge, beyond the right edge, or above or below the row; the wide font's anywhere.  A run is drawn
        #: clipped to its cells only when such a glyph could reach past them (see :attr:`PreparedRun.clip`).
        self.loose_left: set[str] = set()
        self.loose_right: set[str] = set()
        self.loose_rows: set[str] = set()
        self.loose_wide: set[str] = set()
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
        #: The wide font (an index into :attr:`raw_fonts`) and advance, once a wide character was met.
        self.wide_font = -1
        self.wide_advance = 0.0
        self.wide_space = _OTHER
        self.wide_translation: defaultdict[int, str] = defaultdict(self.wide_space.__str__)
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
        """Fill the translations for the characters of ``text`` not looked up yet."""
        table = self.translation
        if len(table) > 16384:
            keep = {c: table[c] for c in (0x20, 0, *range(0x21, 0x7F))}
            table.clear()
            table.update(keep)
            self.wide_translation.clear()
            self.loose_wide.clear()
        cw = self._cw
        new = [char for char in set(text) if table.get(ord(char), _UNKNOWN) == _UNKNOWN]
        self._look_up(new)
        for char in new:
            glyph = self.glyph(char)
            width = 1 if " " <= char <= "~" else char_width(char)  # ASCII: no width table (start-up time)
            if glyph is None:
                table[ord(char)] = _OTHER
            elif width == 1 and glyph.font == 0 and glyph.advance <= cw + 0.5:
                table[ord(char)] = chr(glyph.glyph)
                self._note_ink(glyph, 0.0, cw, self.loose_left, self.loose_right, self.loose_rows)
            elif width == 2 and glyph.advance <= 2 * cw + 0.5 and self._is_wide_font(glyph):
                table[ord(char)] = _WIDE
                self.wide_translation[ord(char)] = chr(glyph.glyph)
                wide = self.loose_wide
                # Centred at a fraction of a pixel, Qt may draw the glyph shifted by that fraction: a pixel's margin.
                self._note_ink(glyph, (2 * cw - self.wide_advance) / 2, 2 * cw - 1, wide, wide, wide)
            else:
                table[ord(char)] = _OTHER

    def _note_ink(
        self, glyph: _Glyph, dx: float, right: float, left_set: set[str], right_set: set[str], rows_set: set[str]
    ) -> None:
        """Note ``glyph`` (drawn ``dx`` right of its cell's left edge) in the sets whose edge its ink crosses: the
        cell's left edge, ``right`` (pixels from it), the row's top or bottom (its bounding box, rounded outwards)."""
        raw = self.raw_fonts[glyph.font]
        box = raw.boundingRect(glyph.glyph) if raw is not None else None
        char = chr(glyph.glyph)
        if box is None or self._ch <= 0:
            for loose in (left_set, right_set, rows_set):
                loose.add(char)
            return
        if box.isEmpty():
            return  # no ink
        if math.floor(box.left() + dx) < 0:
            left_set.add(char)
        if math.ceil(box.right() + dx) > right:
            right_set.add(char)
        if math.floor(box.top()) < -self._ascent or math.ceil(box.bottom()) > self._ch - self._ascent:
            rows_set.add(char)

    def _look_up(self, chars: list[str]) -> None:
        """:meth:`glyph` for many characters at once: one cmap and one advances call per family, not per
        character (text that keeps bringing new ideographs would otherwise spend its frames here)."""
        glyphs = self._glyphs
        left = [c for c in chars if c not in glyphs and ord(c) < 0x10000]  # one UTF-16 unit: one glyph each
        if len(glyphs) + len(left) > 16384:
            glyphs.clear()
        for slot in range(len(self.raw_fonts)):
            raw = self._raw(slot) if left else None
            if raw is None:
                continue
            indexes = raw.glyphIndexesForString("".join(left))
            if len(indexes) != len(left):
                return  # not one glyph per character after all: glyph() looks them up one by one
            found = [(c, i) for c, i in zip(left, indexes, strict=True) if i]
            advances = raw.advancesForGlyphIndexes([i for _c, i in found]) if found else []
            for (char, index), advance in zip(found, advances, strict=True):
                glyphs[char] = _Glyph(slot, index, advance.x())
            left = [c for c in left if c not in glyphs]
        for char in left:
            glyphs[char] = None  # no listed family has it

    def _is_wide_font(self, glyph: _Glyph) -> bool:
        """The glyph is in the wide font with the wide advance (the first wide glyph met sets both)."""
        if self.wide_font < 0:
            raw = self.raw_fonts[glyph.font]
            space = raw.glyphIndexesForString(" ") if raw is not None else []
            if len(space) != 1 or not space[0]:
                return False  # no blank glyph to stand between its wide glyphs
            self.wide_font, self.wide_advance, self.wide_space = glyph.font, glyph.advance, chr(space[0])
            self.wide_translation.default_factory = self.wide_space.__str__
        return glyph.font == self.wide_font and glyph.advance == self.wide_advance


class RowGlyphCache:
    """Prepared rows by content (text, style ids, marks), for the fonts and cell width it was made with.

    ``variant_of(sid)`` gives the font variant (0-3: bit 0 bold, bit 1 italic) a style id is drawn in.
    Bounded: the oldest rows go first once ``keep`` are held.
    """

    def __init__(
        self, fonts: Sequence[QtGui.QFont], cell_width: int, keep: int = 512, cell_height: int = 0, ascent: int = 0
    ) -> None:
        self.tables = [GlyphTable(font, cell_width, cell_height, ascent) for font in fonts]
        self._cw = cell_width
        self._keep = keep
        self._rows: dict[tuple[str, tuple[int, ...] | None, tuple[tuple[int, str], ...] | None], PreparedRow] = {}
        #: Glyph runs holding only positions (cells ``start …``, ``dx`` right of their left edges), by
        #: (start, length, dx).
        self._templates: dict[tuple[int, int, float], QtGui.QGlyphRun] = {}
        #: The positions of a row's cells from column 0, by ``dx``: a template's positions are a slice of them.
        self._points: dict[float, list[QtCore.QPointF]] = {}
        #: A row's runs of one style id, ``(x0, x1, sid)``, by the row's style ids (rows repeat their colouring).
        self._spans: dict[tuple[int, ...], tuple[tuple[int, int, int], ...]] = {}
        #: Rows prepared (cache misses), for tests and the bench.
        self.prepared = 0
        #: Runs of the primary and the wide font's glyphs (no marks, no cell placed one by one) take the lean way
        #: of :meth:`_prepare_run`; off, every run takes :meth:`_prepare_general`, the reference the lean way is held
        #: to by ``tests/widgets/test_lean_rows.py``.
        self.lean = True

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
        if styles is None:
            return _make(PreparedRow, (((self._prepare_run(text, 0, len(text), 0, variant_of(0), marks),),)))
        spans = self._spans.get(styles)
        if spans is None:
            spans = self._spans_of(styles)
        return _make(
            PreparedRow,
            ((tuple([self._prepare_run(text, x0, x1, sid, variant_of(sid), marks) for x0, x1, sid in spans]),)),
        )

    def _spans_of(self, styles: tuple[int, ...]) -> tuple[tuple[int, int, int], ...]:
        """Cut a row's style ids into runs of one id (kept: rows of a log repeat a few colourings)."""
        spans = []
        x = 0
        sid = styles[0] if styles else 0
        for col in range(1, len(styles)):
            if styles[col] != sid:
                spans.append((x, col, sid))
                x, sid = col, styles[col]
        if styles:
            spans.append((x, len(styles), sid))
        if len(self._spans) >= 1024:
            self._spans.clear()
        self._spans[styles] = found = tuple(spans)
        return found

    def _positions(self, start: int, length: int, dx: float = 0.0) -> QtGui.QGlyphRun:
        """A glyph run whose positions are cells ``start … start+length-1`` plus ``dx`` (copy it, then set its
        glyphs)."""
        key = (start, length, dx)
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) >= _TEMPLATES_KEPT:
                self._templates.clear()
            # A slice of a row's points, not new ones: making a QPointF is a Python object and a C++ one each, and
            # under a flood a new (start, length) came with most new rows of the first frames (~0.1 ms each).
            points = self._points.get(dx)
            if points is None or len(points) < start + length:
                if len(self._points) >= _POINT_ROWS_KEPT:
                    self._points.clear()
                cw = self._cw
                points = [QtCore.QPointF(i * cw + dx, 0) for i in range(max(start + length, _POINTS_AT_ONCE))]
                self._points[dx] = points
            template = QtGui.QGlyphRun()
            template.setPositions(points[start : start + length])
            template.setGlyphIndexes([0] * length)
            self._templates[key] = template
        return template

    def _run(self, raw: QtGui.QRawFont, glyphs: str, blank: str, x0: int, dx: float = 0.0) -> QtGui.QGlyphRun | None:
        """The glyph run of a translated run (``glyphs``, its first cell ``x0``) without its leading and trailing
        ``blank`` glyphs, which draw nothing; ``None`` when nothing is left."""
        core = glyphs.strip(blank)
        if not core:
            return None
        start = x0 + glyphs.find(core[0]) if glyphs[0] == blank else x0
        run = QtGui.QGlyphRun(self._positions(start, len(core), dx))
        run.setRawFont(raw)
        run.setGlyphIndexes(_indexes(core))
        return run

    def _prepare_run(
        self, text: str, x0: int, x1: int, sid: int, variant: int, marks: Mapping[int, str] | None
    ) -> PreparedRun:
        table = self.tables[variant]
        part = text[x0:x1]
        if not self.lean:
            return self._prepare_reference(table, text, x0, x1, sid, marks)
        # Only the cells between the first and the last non-blank one are translated: ``str.translate`` costs
        # ~300 instructions a character once a row holds anything but ASCII (it looks each one up in the table),
        # and a log line leaves half its row blank.
        body = part.strip(" ")
        if not body:
            return _make(PreparedRun, (x0, x1, sid, (), (), False))
        lead = part.find(body[0])
        glyphs = body.translate(table.translation)
        if _UNKNOWN in glyphs:
            table.learn(body)
            glyphs = body.translate(table.translation)
        marked = [k - x0 for k in marks if x0 <= k < x1] if marks else None
        if marked or _OTHER in glyphs:
            return self._prepare_general(table, text, part.translate(table.translation), x0, x1, sid, marks, marked)
        # The common case (the primary font's glyphs and the wide font's, no marks): no per-cell work at all.
        space = table.space
        # Clipped only if a glyph's ink could leave the run's cells: out of the row, or past its first or last cell
        # (a glyph on it; a wide one is looked at below).
        clip = (
            (lead == 0 and glyphs[0] in table.loose_left)
            or (lead + len(body) == len(part) and glyphs[-1] in table.loose_right)
            or bool(table.loose_rows and not table.loose_rows.isdisjoint(glyphs))
        )
        first_wide = glyphs.find(_WIDE)
        if first_wide < 0:
            run = self._run(table.raw_fonts[0], glyphs, space, x0 + lead)  # type: ignore[arg-type]  # has the space
            return _make(PreparedRun, (x0, x1, sid, (run,) if run is not None else (), (), clip))
        narrow = self._run(table.raw_fonts[0], glyphs.replace(_WIDE, space), space, x0 + lead)  # type: ignore[arg-type]
        # The wide pass: the wide font's glyphs, centred in their two cells, from the first wide cell to the last.
        wide_glyphs = body[first_wide : glyphs.rfind(_WIDE) + 1].translate(table.wide_translation)
        clip = clip or bool(table.loose_wide and not table.loose_wide.isdisjoint(wide_glyphs))
        wide = self._run(
            table.raw_fonts[table.wide_font],  # type: ignore[arg-type]  # valid: it has the glyphs
            wide_glyphs,
            table.wide_space,
            x0 + lead + first_wide,
            (2 * self._cw - table.wide_advance) / 2,
        )
        if narrow is None or wide is None:
            runs = (narrow,) if narrow is not None else (wide,) if wide is not None else ()
            return _make(PreparedRun, (x0, x1, sid, runs, (), clip))
        return _make(PreparedRun, (x0, x1, sid, (narrow, wide), (), clip))

    def _prepare_reference(
        self, table: GlyphTable, text: str, x0: int, x1: int, sid: int, marks: Mapping[int, str] | None
    ) -> PreparedRun:
        """:meth:`_prepare_run` without its lean way: the whole run translated and prepared by the general way."""
        glyphs = text[x0:x1].translate(table.translation)
        if _UNKNOWN in glyphs:
            table.learn(text[x0:x1])
            glyphs = text[x0:x1].translate(table.translation)
        marked = [k - x0 for k in marks if x0 <= k < x1] if marks else None
        return self._prepare_general(table, text, glyphs, x0, x1, sid, marks, marked)

    def _prepare_general(
        self,
        table: GlyphTable,
        text: str,
        glyphs: str,
        x0: int,
        x1: int,
        sid: int,
        marks: Mapping[int, str] | None,
        marked: list[int] | None,
    ) -> PreparedRun:
        """:meth:`_prepare_run` for a run with cells placed one by one: combining marks, characters the primary
        font does not draw on one cell (fallback families, drawText singles)."""
        space = table.space
        singles: list[tuple[int, int, str]] = []
        others: dict[int, tuple[list[int], list[QtCore.QPointF]]] = {}
        if marked:  # cells with combining marks are drawn one by one (_place), with their marks
            edited = list(glyphs)
            for k in marked:
                edited[k] = _OTHER
            glyphs = "".join(edited)
        if _OTHER in glyphs:
            i = glyphs.find(_OTHER)
            while i >= 0:
                self._place(table, text, x0 + i, marks, others, singles)
                i = glyphs.find(_OTHER, i + 1)
            glyphs = glyphs.replace(_OTHER, space)
        runs = []
        wide = _WIDE in glyphs
        narrow = glyphs.replace(_WIDE, space) if wide else glyphs
        run = self._run(table.raw_fonts[0], narrow, space, x0)  # type: ignore[arg-type]  # has the space glyph
        if run is not None:
            runs.append(run)
        if wide:  # the wide pass: wide glyphs centred in their two cells, blanks elsewhere
            cells = text[x0:x1].translate(table.wide_translation)
            wide_space = table.wide_space
            if marked:  # a wide cell with marks went to _place, and is drawn there
                blanked = list(cells)
                for k in marked:
                    blanked[k] = wide_space
                cells = "".join(blanked)
            run = self._run(
                table.raw_fonts[table.wide_font],  # type: ignore[arg-type]  # valid: it has the glyphs
                cells,
                wide_space,
                x0,
                (2 * self._cw - table.wide_advance) / 2,
            )
            if run is not None:
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
