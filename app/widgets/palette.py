"""Colour themes for the terminal view: the xterm 256-colour palette (``app.vt.colours``) plus default colours.

The engine stores colours as ints (``-1`` default, ``0-255`` palette, ``RGB_FLAG | 0xRRGGBB``);
turning them into pixels is a presentation choice, so it lives here, next to the widget, and
the theme can change without touching a single cell. Colours are plain ``(r, g, b)`` tuples so
themes can be built, compared and stored (QSettings) without Qt; the view converts them once
per style id and caches the result. The view tells its terminal the theme's colours
(:attr:`Theme.colours`), which the engine reports to programs that ask (OSC 4/10/11/12).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.vt.colours import DEFAULT_COLOURS, RGB, XTERM_16, Colours, xterm_256
from app.vt.style import DEFAULT, RGB_FLAG

__all__ = ["DARK", "LIGHT", "RGB", "XTERM_16", "Theme", "xterm_256"]


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

    @property
    def colours(self) -> Colours:
        """The colours programs may ask the terminal about (OSC 4/10/11/12): the view hands them to the engine."""
        return Colours(self.foreground, self.background, self.cursor, self.palette)


DARK = Theme(
    name="dark",  # the app's default theme: its colours are the engine's headless answer (app.vt.colours)
    foreground=DEFAULT_COLOURS.foreground,
    background=DEFAULT_COLOURS.background,
    cursor=DEFAULT_COLOURS.cursor,
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
