"""Cell styles (graphic rendition) and their interning.

Every cell stores a small integer style id rather than a style object: rows stay compact,
runs of text take their style with one list multiplication, and the view can cache paint
attributes per id.  A :class:`StyleTable` hands out the ids; a style is immutable.

Colours are ints: ``DEFAULT`` (-1), 0–255 for the indexed palette, or ``RGB_FLAG | 0xRRGGBB``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = [
    "BLINK",
    "BOLD",
    "CONCEAL",
    "DEFAULT",
    "DIM",
    "ITALIC",
    "OVERLINE",
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
    "SgrDelta",
    "Style",
    "StyleTable",
    "apply_sgr",
    "compile_sgr",
    "describe_sgr_params",
    "rgb",
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


class StyleTable:
    """Interns styles to small ints; id 0 is always the plain style."""

    def __init__(self) -> None:
        self.ids: dict[Style, int] = {PLAIN: 0}
        self.styles: list[Style] = [PLAIN]

    def intern(self, style: Style) -> int:
        sid = self.ids.get(style)
        if sid is None:
            sid = len(self.styles)
            self.ids[style] = sid
            self.styles.append(style)
        return sid

    def __getitem__(self, sid: int) -> Style:
        return self.styles[sid]

    def replace_all(self, styles: list[Style]) -> None:
        """Swap in a new set of styles, keeping the same list object (others hold a reference)."""
        self.styles[:] = styles
        self.ids.clear()
        self.ids.update((style, sid) for sid, style in enumerate(styles))

    def __len__(self) -> int:
        return len(self.styles)


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
            fg, bg, flags, ul, ulc = DEFAULT, DEFAULT, 0, UL_NONE, DEFAULT
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


class SgrDelta(NamedTuple):
    """What one SGR parameter string does to any style, computed once per distinct string.

    ``reset`` clears everything first; ``None`` fields are left as they were; flags become
    ``(flags & ~off) | on``.
    """

    reset: bool
    fg: int | None
    bg: int | None
    on: int
    off: int
    underline: int | None
    ul_color: int | None

    def apply(self, style: Style) -> Style:
        fg, bg, flags, ul, ulc, link = style
        if self.reset:
            fg, bg, flags, ul, ulc = DEFAULT, DEFAULT, 0, UL_NONE, DEFAULT
        if self.fg is not None:
            fg = self.fg
        if self.bg is not None:
            bg = self.bg
        if self.underline is not None:
            ul = self.underline
        if self.ul_color is not None:
            ulc = self.ul_color
        return tuple.__new__(Style, (fg, bg, (flags & ~self.off) | self.on, ul, ulc, link))


def compile_sgr(params: Sequence[int], groups: Sequence[tuple[int, ...]] | None) -> SgrDelta:
    """The :class:`SgrDelta` of an SGR sequence: ``apply_sgr`` run on two probe styles.

    Rather than re-implement SGR, the delta is read off ``apply_sgr`` itself: every field is
    probed from two different starting styles; a field that ends the same from both was set.
    """
    a = Style(fg=1, bg=2, flags=0, underline=UL_NONE, ul_color=3)
    b = Style(fg=4, bg=5, flags=0x1FF, underline=UL_DOUBLE, ul_color=6)
    ra = apply_sgr(a, params, groups)
    rb = apply_sgr(b, params, groups)
    # Every field is read off the probes, a reset included (it shows as all fields set), so the
    # delta never needs to know whether the string contained a 0.
    on = ra.flags & rb.flags
    off = ~(ra.flags | rb.flags) & 0x1FF
    return SgrDelta(
        reset=False,
        fg=ra.fg if ra.fg == rb.fg else None,
        bg=ra.bg if ra.bg == rb.bg else None,
        on=on,
        off=off,
        underline=ra.underline if ra.underline == rb.underline else None,
        ul_color=ra.ul_color if ra.ul_color == rb.ul_color else None,
    )
