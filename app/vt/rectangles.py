"""VT420 rectangular areas: fill, erase, selective erase, copy, change or reverse attributes, and the
checksum that reads a rectangle back (DECFRA, DECERA, DECSERA, DECCRA, DECCARA, DECRARA, DECRQCRA).

Rectangles are rare (editors, conformance suites) and their work is per cell, so they live here, apart
from the screen's hot paths; the screen's rows are edited through the same :class:`~app.vt.row.Line`
operations everything else uses.  Semantics are xterm's (``screen.c``: ``xtermParseRect``,
``ScrnFillRectangle``, ``ScrnCopyRectangle``, ``ScrnMarkRectangle``, ``ScrnWipeRectangle``,
``xtermCheckRect``):

* coordinates are 1-based, 0 or missing means the default (the screen's edges), in origin mode they are
  relative to the top and left margins; they are clamped to the screen, and a rectangle whose top is
  below its bottom (or left beyond right) does nothing;
* fill and erase give the cells the pen's attributes, and its colours when the pen has any (else the
  cells keep theirs); selective erase blanks unprotected cells and keeps every attribute;
* the checksum is DEC's: the negated 16-bit sum of each cell's character code plus its attribute bits
  (protected 4, invisible 8, underline 16, inverse 32, blink 64, bold 128), characters beyond Latin-1
  counting as ESC; XTCHECKSUM's extension bits change that as in xterm.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from .charsets import translation_table
from .row import BLANK
from .style import (
    BG_FIELD,
    BLINK,
    BOLD,
    CONCEAL,
    FG_FIELD,
    FLAGS_FIELD,
    PROTECTED,
    RAPID_BLINK,
    REVERSE,
    UL_SINGLE,
    UNDERLINE_FIELD,
)
from .width import WIDE_PLACEHOLDER

if TYPE_CHECKING:
    from .screen import Screen

__all__ = [
    "CHECKSUM_ATTRIBUTES",
    "CHECKSUM_NEGATE",
    "CHECKSUM_UNICODE",
    "Rect",
    "change_attributes",
    "checksum",
    "copy",
    "fill",
    "rect_of",
    "selective_erase",
]

PH = WIDE_PLACEHOLDER
_UL_ONE = UL_SINGLE * (UNDERLINE_FIELD & -UNDERLINE_FIELD)  # a single underline, packed

#: XTCHECKSUM bits (xterm's ``checksumExtension``): 1 do not negate, 2 leave out the attributes,
#: 16 sum whole code points (no Latin-1 masking; a wide character's right half does not count).
CHECKSUM_NEGATE = 1
CHECKSUM_ATTRIBUTES = 2
CHECKSUM_UNICODE = 16

@functools.cache
def _dec_graphics() -> dict[str, int]:
    """DEC special graphics back to the codes that drew them (the checksum counts what the program sent);
    xterm keeps each cell's character set for this, the engine reads the line-drawing characters back.
    Built on the first checksum, not at import: the table comes from pyte, whose import (with wcwidth's) is
    ~40-80 ms of the app's start-up."""
    return {v: k for k, v in (translation_table("0") or {}).items() if v != BLANK}


class Rect(NamedTuple):
    """A rectangle in 0-based screen rows and columns, inclusive."""

    top: int
    left: int
    bottom: int
    right: int


def rect_of(screen: Screen, params: Sequence[int]) -> Rect | None:
    """The rectangle ``Pt;Pl;Pb;Pr`` (1-based, 0 = the default edge; origin mode relative to the margins),
    clamped to the screen; ``None`` when empty (xterm's ``xtermParseRect`` and ``validRect``)."""

    def edge(i: int, default: int, shift: int, limit: int) -> int:
        value = params[i] if i < len(params) and params[i] > 0 else default
        if screen.origin:
            value += shift
        return min(max(value, 1), limit)

    rows, cols = screen.rows, screen.cols
    top = edge(0, 1, screen.top, rows)
    left = edge(1, 1, screen.left, cols)
    bottom = edge(2, rows, screen.top, rows)
    right = edge(3, cols, screen.left, cols)
    if top > bottom or left > right:
        return None
    return Rect(top - 1, left - 1, bottom - 1, right - 1)


def _unsplit(screen: Screen, rect: Rect) -> None:
    """Wide characters cut by the rectangle's sides lose both halves first (xterm does the same)."""
    for y in range(rect.top, rect.bottom + 1):
        line = screen.lines[y]
        line.unsplit(rect.left)
        line.unsplit(rect.right + 1)


def fill(screen: Screen, rect: Rect, char: str) -> None:
    """DECFRA (and DECERA with a blank): every cell gets *char* and the pen's attributes; the pen's colours
    too when it has any, else each cell keeps its own."""
    _unsplit(screen, rect)
    pen = screen.sid
    keep_colours = not pen & (FG_FIELD | BG_FIELD)
    cols = screen.cols
    width = rect.right - rect.left + 1
    for y in range(rect.top, rect.bottom + 1):
        line = screen.lines[y]
        if line.marks:
            line.drop_marks(rect.left, rect.right + 1)
        t = line.text
        line.text = t[: rect.left] + char * width + t[rect.right + 1 :]
        if keep_colours:
            if line.styles is None:
                if pen:
                    line.styles = [0] * cols
                    line.styles[rect.left : rect.right + 1] = [pen] * width
                continue
            styles = line.styles
            for x in range(rect.left, rect.right + 1):
                styles[x] = styles[x] & (FG_FIELD | BG_FIELD) | pen
        else:
            line.set_styles(rect.left, rect.right + 1, pen, cols)
    screen.dirty_all = True


def selective_erase(screen: Screen, rect: Rect, honour_protection: bool) -> None:
    """DECSERA: blank the characters of the cells (attributes and colours stay), leaving protected cells
    when *honour_protection* (xterm: only under DECSCA, not SPA)."""
    _unsplit(screen, rect)
    for y in range(rect.top, rect.bottom + 1):
        line = screen.lines[y]
        styles = line.styles
        chars = list(line.text)
        for x in range(rect.left, rect.right + 1):
            if honour_protection and styles is not None and styles[x] & PROTECTED:
                continue
            chars[x] = BLANK
            if line.marks and x in line.marks:
                line.drop_marks(x, x + 1)
        line.text = "".join(chars)
    screen.dirty_all = True


def copy(screen: Screen, src: Rect, top: int, left: int) -> None:
    """DECCRA: copy *src* (cells and attributes) so that its corner lands at 0-based (*top*, *left*); what
    falls off the screen is dropped; overlapping areas copy as if through a buffer."""
    _unsplit(screen, src)
    height = src.bottom - src.top + 1
    width = src.right - src.left + 1
    spans = [screen.lines[y].copy_span(src.left, src.right + 1) for y in range(src.top, src.bottom + 1)]
    cols = screen.cols
    width = min(width, cols - left)
    dst = Rect(top, left, min(top + height, screen.rows) - 1, left + width - 1)
    _unsplit(screen, dst)
    for k, y in enumerate(range(dst.top, dst.bottom + 1)):
        text, styles, marks = spans[k]
        text = text[:width]
        if text and text[-1] != PH and len(spans[k][0]) > width and spans[k][0][width] == PH:
            text = text[:-1] + BLANK  # the copy cuts a wide character at the screen's edge
        if styles is not None:
            styles = styles[:width]
        if marks:
            marks = {x: m for x, m in marks.items() if x < width} or None
        screen.lines[y].paste_span(left, text, styles, marks, cols)
    screen.dirty_all = True


#: DECCARA's settable attributes: SGR number → (flag bits to set, underline to set), and the numbers that clear.
_SET = {1: BOLD, 5: BLINK, 7: REVERSE, 8: CONCEAL}
_CLEAR = {22: BOLD, 25: BLINK | RAPID_BLINK, 27: REVERSE, 28: CONCEAL}
#: What DECCARA's 0 clears and DECRARA's 0 reverses: bold, blink, underline, inverse (xterm's SGR_MASK).
_SGR_MASK = BOLD | BLINK | REVERSE


def change_attributes(screen: Screen, rect: Rect, params: Sequence[int], reverse: bool) -> None:
    """DECCARA (*reverse* false: set or clear) and DECRARA (toggle) the attributes SGR 0, 1, 4, 5, 7, 8 (and
    22-28 to clear) name, on the rectangle (DECSACE 2) or on the stream of cells from its first corner to its
    last (DECSACE 0/1, the default).  Colours are not touched."""
    params = list(params) or [0]
    exact = screen.attr_extent == 2
    cols = screen.cols
    for y in range(rect.top, rect.bottom + 1):
        start = rect.left if exact or y == rect.top else 0
        end = rect.right if exact or y == rect.bottom else cols - 1
        line = screen.lines[y]
        if line.styles is None:
            line.styles = [0] * cols
        styles = line.styles
        for x in range(start, end + 1):
            sid = styles[x]
            for p in params:
                if reverse:
                    if p == 0:
                        sid ^= _SGR_MASK
                        sid ^= _UL_ONE if not sid & UNDERLINE_FIELD else sid & UNDERLINE_FIELD
                    elif p == 4:
                        sid ^= _UL_ONE if not sid & UNDERLINE_FIELD else sid & UNDERLINE_FIELD
                    elif p in _SET:
                        sid ^= _SET[p]
                elif p == 0:
                    sid &= ~(_SGR_MASK | RAPID_BLINK | UNDERLINE_FIELD)
                elif p == 4:
                    sid = sid & ~UNDERLINE_FIELD | _UL_ONE
                elif p == 24:
                    sid &= ~UNDERLINE_FIELD
                elif p in _SET:
                    sid |= _SET[p]
                elif p in _CLEAR:
                    sid &= ~_CLEAR[p]
            styles[x] = sid
        if not any(styles):
            line.styles = None
    screen.dirty_all = True


def _cell_code(ch: str, unicode: bool) -> int | None:
    """A cell's character as DECRQCRA counts it (``None``: the cell does not count)."""
    if ch == PH:
        return None if unicode else 0x1B  # xterm's hidden right half of a wide character
    if unicode:
        return ord(ch)
    code = _dec_graphics().get(ch)
    if code is not None:
        return code
    c = ord(ch)
    if c < 0x20 or c > 0xFF:
        return 0x1B  # beyond Latin-1: xterm counts ESC
    return 0 if c == 0x7F else c


def _attribute_bits(sid: int) -> int:
    bits = 0
    if sid & PROTECTED:
        bits += 0x04
    if sid & CONCEAL:
        bits += 0x08
    if sid & UNDERLINE_FIELD:
        bits += 0x10
    if sid & REVERSE:
        bits += 0x20
    if sid & (BLINK | RAPID_BLINK):
        bits += 0x40
    if sid & BOLD:
        bits += 0x80
    return bits


def checksum(screen: Screen, params: Sequence[int]) -> int:
    """DECRQCRA's checksum of the rectangle in ``Pi;Pg;Pt;Pl;Pb;Pr`` over the visible screen (the page is
    ignored: there is one); with fewer than three parameters xterm reads the rectangle from the first ones."""
    rect = rect_of(screen, params[2:] if len(params) > 2 else params)
    ext = screen.checksum_ext
    unicode = bool(ext & CHECKSUM_UNICODE)
    attributes = not ext & CHECKSUM_ATTRIBUTES
    total = 0
    if rect is not None:
        for y in range(rect.top, rect.bottom + 1):
            line = screen.lines[y]
            styles = line.styles
            text = line.text
            for x in range(rect.left, rect.right + 1):
                code = _cell_code(text[x], unicode)
                if code is None:
                    continue
                total += code
                if attributes and styles is not None and styles[x] & (FLAGS_FIELD | PROTECTED | UNDERLINE_FIELD):
                    total += _attribute_bits(styles[x])
    if not ext & CHECKSUM_NEGATE:
        total = -total
    return total & 0xFFFF
