"""Colour themes for the terminal view: the xterm 256-colour palette plus default colours.

The engine stores colours as ints (``-1`` default, ``0-255`` palette, ``RGB_FLAG | 0xRRGGBB``);
turning them into pixels is a presentation choice, so it lives here, next to the widget, and
the theme can change without touching a single cell. Colours are plain ``(r, g, b)`` tuples so
themes can be built, compared and stored (QSettings) without Qt; the view converts them once
per style id and caches the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.vt.style import DEFAULT, RGB_FLAG

__all__ = ["DARK", "LIGHT", "RGB", "Theme", "xterm_256"]

RGB = tuple[int, int, int]

#: xterm's own 16 colours (XTerm-col.ad), the reference every program is tested against.
XTERM_16: tuple[RGB, ...] = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
)  # fmt: skip

_CUBE_LEVELS = (0, 95, 135, 175, 215, 255)


def xterm_256(base16: tuple[RGB, ...] = XTERM_16) -> tuple[RGB, ...]:
    """The 256-colour palette: *base16*, the 6×6×6 colour cube, then 24 greys (xterm's 256colres.pl).

    Only the first 16 entries are themable in practice; programs that use 16-255 expect these
    exact values (they pick colours from the cube by number).
    """
    if len(base16) != 16:
        raise ValueError(f"a theme needs exactly 16 base colours, got {len(base16)}")
    cube = [(_CUBE_LEVELS[r], _CUBE_LEVELS[g], _CUBE_LEVELS[b]) for r in range(6) for g in range(6) for b in range(6)]
    greys = [(v, v, v) for v in (8 + 10 * i for i in range(24))]
    return (*base16, *cube, *greys)


@dataclass(frozen=True)
class Theme:
    """Everything the view needs to colour a screen.

    ``bold_is_bright``: bold text in colours 0-7 is drawn with 8-15, as xterm does by default
    (``boldColors``); many programs rely on it to make bold visible.
    """

    name: str
    foreground: RGB
    background: RGB
    cursor: RGB
    selection: RGB
    highlight: RGB
    palette: tuple[RGB, ...] = field(default_factory=xterm_256)
    bold_is_bright: bool = True
    #: Find matches behind the text (drawn translucent), and the current one (opaque).
    find_match: RGB = (200, 170, 40)
    find_current: RGB = (255, 140, 0)

    def resolve(self, colour: int, default: RGB) -> RGB:
        """The RGB of an engine colour; *default* stands for ``DEFAULT`` (-1)."""
        if colour == DEFAULT:
            return default
        if colour & RGB_FLAG:
            return ((colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF)
        return self.palette[colour & 0xFF]


DARK = Theme(
    name="dark",
    foreground=(220, 220, 220),
    background=(24, 24, 28),
    cursor=(230, 230, 120),
    selection=(70, 110, 180),
    highlight=(255, 170, 0),
)

LIGHT = Theme(
    name="light",
    foreground=(30, 30, 30),
    background=(250, 250, 248),
    cursor=(40, 40, 40),
    selection=(170, 200, 245),
    highlight=(255, 150, 0),
)
