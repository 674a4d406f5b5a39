"""Cell styles (graphic rendition) and the packed ints the cells store for them.

Every cell stores an integer style id rather than a style object: rows stay compact, runs of
text take their style with one list multiplication, and the view can cache paint attributes
per id.  The id is the style itself, packed (:func:`pack`); a style is immutable.

Colours are ints: ``DEFAULT`` (-1), 0–255 for the indexed palette, or ``RGB_FLAG | 0xRRGGBB``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "BLINK",
    "BOLD",
    "CONCEAL",
    "DEFAULT",
    "DIM",
    "ITALIC",
    "OVERLINE",
    "PROTECTED",
    "RAPID_BLINK",
    "REVERSE",
    "RGB_FLAG",
    "STRIKE",
    "UL_CURLY",
    "UL_DASHED",
    "UL_DOTTED",
    "UL_DOUBLE",
    "UL_NONE",
    "UL_SINGLE",
    "PackedStyles",
    "SgrOp",
    "Style",
    "apply_sgr",
    "compile_sgr",
    "describe_sgr_params",
    "pack",
    "rgb",
    "unpack",
]

DEFAULT = -1
RGB_FLAG = 1 << 24

BOLD = 1 << 0
DIM = 1 << 1
ITALIC = 1 << 2
BLINK = 1 << 3
RAPID_BLINK = 1 << 4
REVERSE = 1 << 5
CONCEAL = 1 << 6
STRIKE = 1 << 7
OVERLINE = 1 << 8
#: DECSCA/SPA: the cell is protected from selective erases.  Not rendition: no SGR sets or clears it
#: (SGR 0 keeps it, as in xterm), so it lives beside the SGR flags in ``flags``.
PROTECTED = 1 << 9

UL_NONE, UL_SINGLE, UL_DOUBLE, UL_CURLY, UL_DOTTED, UL_DASHED = range(6)


def rgb(r: int, g: int, b: int) -> int:
    """Encode a true colour."""
    return RGB_FLAG | ((r & 0xFF) << 16) | ((g & 0xFF) << 8) | (b & 0xFF)


class Style(NamedTuple):
    """One graphic rendition; ``link`` is a hyperlink id (0: none) from OSC 8."""

    fg: int = DEFAULT
    bg: int = DEFAULT
    flags: int = 0
    underline: int = UL_NONE
    ul_color: int = DEFAULT
    link: int = 0


PLAIN = Style()


# ---------------------------------------------------------------------------------------------
# Style ids: the style itself, packed into an int
# ---------------------------------------------------------------------------------------------
#
# Bits 0-8 SGR flags, 9 protection, 10-12 underline, then 25 bits each for fg, bg and underline
# colour, and the hyperlink id above them.  A colour ``c`` is stored as ``c + 1`` for DEFAULT and the palette
# (0..256) and as itself for a true colour (``RGB_FLAG | rgb``), so the plain style is 0.
#
# Ids used to be interned in a table.  Colour on every cell (lolcat, true-colour gradients)
# makes a new style per cell, so the table grew without end, needed compacting (renumbering
# every row of the scrollback), and each SGR cost a tuple, a hash and a dict insert.  A packed
# id needs none of that: an SGR is an AND and an OR on the pen (``compile_sgr``), ids never go
# stale, and what a cell shows is decoded only when it is painted.

_UL_SHIFT = 10
FG_SHIFT = 13
BG_SHIFT = FG_SHIFT + 25
UL_COLOR_SHIFT = BG_SHIFT + 25
LINK_SHIFT = UL_COLOR_SHIFT + 25
_COLOUR_BITS = (1 << 25) - 1
#: The SGR flags (bold … overline); ``PROTECTED`` is beside them.
FLAGS_FIELD = 0x1FF
UNDERLINE_FIELD = 0x7 << _UL_SHIFT
FG_FIELD = _COLOUR_BITS << FG_SHIFT
BG_FIELD = _COLOUR_BITS << BG_SHIFT
UL_COLOR_FIELD = _COLOUR_BITS << UL_COLOR_SHIFT
#: Every bit from the link up (an int mask with no top: ``sid & LINK_FIELD``).
LINK_FIELD = -1 << LINK_SHIFT
#: Set in a packed id whose fg or bg is a true colour.
TRUE_COLOUR_BITS = RGB_FLAG << FG_SHIFT | RGB_FLAG << BG_SHIFT

#: An SGR's effect on any pen: ``new_sid = sid & keep | put``.
SgrOp = tuple[int, int]


def pack_colour(colour: int) -> int:
    """A colour as stored in a packed id (DEFAULT is 0)."""
    return colour + 1 if colour < RGB_FLAG else colour


def _unpack_colour(value: int) -> int:
    return value - 1 if value < RGB_FLAG else value


def pack(style: Style) -> int:
    """The id of *style*: the style itself as an int (0 for the plain style).

    Fields must be in their ranges (colours DEFAULT, 0-255 or a true colour; flags within the
    nine SGR bits and ``PROTECTED``; underline 0-5; link >= 0), as every style the engine makes is.
    """
    fg, bg, flags, ul, ulc, link = style
    return (
        flags
        | ul << _UL_SHIFT
        | pack_colour(fg) << FG_SHIFT
        | pack_colour(bg) << BG_SHIFT
        | pack_colour(ulc) << UL_COLOR_SHIFT
        | link << LINK_SHIFT
    )


@lru_cache(maxsize=16384)
def unpack(sid: int) -> Style:
    """The :class:`Style` a packed id stands for (cached: views ask for the same few again and again)."""
    return Style(
        fg=_unpack_colour(sid >> FG_SHIFT & _COLOUR_BITS),
        bg=_unpack_colour(sid >> BG_SHIFT & _COLOUR_BITS),
        flags=sid & (FLAGS_FIELD | PROTECTED),
        underline=sid >> _UL_SHIFT & 0x7,
        ul_color=_unpack_colour(sid >> UL_COLOR_SHIFT & _COLOUR_BITS),
        link=sid >> LINK_SHIFT,
    )


class PackedStyles:
    """``styles[sid]`` is the :class:`Style` of id *sid* (see :func:`pack`); ids need no table."""

    __slots__ = ()

    def __getitem__(self, sid: int) -> Style:
        return unpack(sid)


_FLAG_ON = {1: BOLD, 2: DIM, 3: ITALIC, 5: BLINK, 6: RAPID_BLINK, 7: REVERSE, 8: CONCEAL, 9: STRIKE, 53: OVERLINE}
_FLAG_OFF = {
    22: BOLD | DIM,
    23: ITALIC,
    25: BLINK | RAPID_BLINK,
    27: REVERSE,
    28: CONCEAL,
    29: STRIKE,
    55: OVERLINE,
}


def _extended_colour(group: tuple[int, ...]) -> int | None:
    """Colour from a colon group such as ``38:5:n``, ``38:2::r:g:b`` or ``38:2:r:g:b``."""
    if len(group) >= 3 and group[1] == 5:
        return group[2] & 0xFF
    if len(group) >= 6 and group[1] == 2:
        return rgb(group[3], group[4], group[5])
    if len(group) == 5 and group[1] == 2:
        return rgb(group[2], group[3], group[4])
    return None


def apply_sgr(style: Style, params: Sequence[int], groups: Sequence[tuple[int, ...]] | None) -> Style:
    """Apply one SGR sequence to *style* (xterm semantics, including colon sub-parameters).

    *groups* is given only when some parameter had colon sub-parameters; then ``groups[i]`` is
    the whole colon group whose first value is ``params[i]``.
    """
    if not params:
        params = (0,)  # CSI m is SGR 0; the hyperlink (OSC 8) is not rendition and survives
    fg, bg, flags, ul, ulc, link = style
    i = 0
    n = len(params)
    while i < n:
        p = params[i]
        # Branches ordered by how often programs use them: reset, extended colours, basic colours.
        if p == 0:
            fg, bg, flags, ul, ulc = DEFAULT, DEFAULT, flags & PROTECTED, UL_NONE, DEFAULT
        elif p == 38 or p == 48 or p == 58:
            group = groups[i] if groups is not None else None
            if group is not None and len(group) > 1:
                colour = _extended_colour(group)
            else:
                # Semicolon form: 38;5;n or 38;2;r;g;b consumes the following parameters.
                colour = None
                if i + 2 < n and params[i + 1] == 5:
                    colour = params[i + 2] & 0xFF
                    i += 2
                elif i + 1 < n and params[i + 1] == 5:
                    i += 1
                elif i + 4 < n and params[i + 1] == 2:
                    r, g, b = params[i + 2], params[i + 3], params[i + 4]
                    colour = RGB_FLAG | (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF)
                    i += 4
                elif i + 1 < n and params[i + 1] == 2:
                    i = n  # truncated true colour: the rest is unusable
            if colour is not None:
                if p == 38:
                    fg = colour
                elif p == 48:
                    bg = colour
                else:
                    ulc = colour
        elif 30 <= p <= 37:
            fg = p - 30
        elif 40 <= p <= 47:
            bg = p - 40
        elif p == 39:
            fg = DEFAULT
        elif p == 49:
            bg = DEFAULT
        elif p in _FLAG_ON:
            flags |= _FLAG_ON[p]
        elif p in _FLAG_OFF:
            flags &= ~_FLAG_OFF[p]
        elif 90 <= p <= 97:
            fg = p - 90 + 8
        elif 100 <= p <= 107:
            bg = p - 100 + 8
        elif p == 4:
            group = groups[i] if groups is not None else None
            if group is not None and len(group) > 1:
                ul = group[1] if 0 <= group[1] <= UL_DASHED else UL_SINGLE
            else:
                ul = UL_SINGLE
        elif p == 21:
            ul = UL_DOUBLE
        elif p == 24:
            ul = UL_NONE
        elif p == 59:
            ulc = DEFAULT
        # Anything else (fonts 10-19, 26, 50-52, 60-65, ...) is ignored, as xterm does.
        i += 1
    return tuple.__new__(Style, (fg, bg, flags, ul, ulc, link))



def _colour_params(colour: int, base: int, bright_base: int, extended: int) -> list[str]:
    if colour == DEFAULT:
        return []
    if colour & RGB_FLAG:
        return [f"{extended}:2::{(colour >> 16) & 0xFF}:{(colour >> 8) & 0xFF}:{colour & 0xFF}"]
    if colour < 8 and base:
        return [str(base + colour)]
    if colour < 16 and bright_base:
        return [str(bright_base + colour - 8)]
    return [f"{extended}:5:{colour}"]


def describe_sgr_params(style: Style) -> str:
    """The SGR parameters that recreate *style* from plain (for DECRQSS replies)."""
    out = ["0"]
    for code, flag in _FLAG_ON.items():
        if style.flags & flag:
            out.append(str(code))
    if style.underline:
        out.append("4" if style.underline == UL_SINGLE else f"4:{style.underline}")
    out += _colour_params(style.fg, 30, 90, 38)
    out += _colour_params(style.bg, 40, 100, 48)
    out += _colour_params(style.ul_color, 0, 0, 58) if style.ul_color != DEFAULT else []
    return ";".join(out)


def compile_sgr(params: Sequence[int], groups: Sequence[tuple[int, ...]] | None) -> SgrOp:
    """The effect of an SGR sequence on any pen, as ``(keep, put)``: ``new_sid = sid & keep | put``.

    Every SGR parameter sets fields to constants (a reset sets them all), so its effect does not
    depend on the pen.  Rather than re-implement SGR, the effect is read off ``apply_sgr`` itself:
    every field is probed from two different starting styles; a field that ends the same from
    both was set.
    """
    a = Style(fg=1, bg=2, flags=0, underline=UL_NONE, ul_color=3)
    b = Style(fg=4, bg=5, flags=0x1FF, underline=UL_DOUBLE, ul_color=6)
    ra = apply_sgr(a, params, groups)
    rb = apply_sgr(b, params, groups)
    on = ra.flags & rb.flags
    off = ~(ra.flags | rb.flags) & FLAGS_FIELD
    keep = ~(on | off)
    put = on
    if ra.fg == rb.fg:
        keep &= ~FG_FIELD
        put |= pack_colour(ra.fg) << FG_SHIFT
    if ra.bg == rb.bg:
        keep &= ~BG_FIELD
        put |= pack_colour(ra.bg) << BG_SHIFT
    if ra.underline == rb.underline:
        keep &= ~UNDERLINE_FIELD
        put |= ra.underline << _UL_SHIFT
    if ra.ul_color == rb.ul_color:
        keep &= ~UL_COLOR_FIELD
        put |= pack_colour(ra.ul_color) << UL_COLOR_SHIFT
    return keep, put
