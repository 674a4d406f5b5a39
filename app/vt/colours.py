"""The colours a program may ask about or change: the 256-colour palette and the default foreground,
background and cursor colours, as whoever paints the screen uses them.

Programs ask (OSC 4 / 10 / 11 / 12 with ``?``) to choose a light or dark theme (vim, neovim, delta, bat)
or to pick readable colours.  The answer must be what the user sees, so the engine does not decide the
colours: whoever owns the theme tells the :class:`~app.vt.terminal.Terminal` (the terminal view does, from
its palette); without a view the engine answers with the app's default theme, defined here so the view's
default theme and the headless answer cannot drift apart (``app/widgets/palette.py`` builds on it).
Programs may also set colours (base16 shells, pywal, conformance suites), as in xterm: the screen keeps
what they set over the theme (``Screen.colours``), the view paints with it, and queries report it.  No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_COLOURS", "RGB", "XTERM_16", "Colours", "osc_rgb", "parse_colour", "xterm_256"]

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
class Colours:
    """What OSC 10/11/12 and OSC 4 report: default foreground, background, cursor, and the 256 palette colours."""

    foreground: RGB
    background: RGB
    cursor: RGB
    palette: tuple[RGB, ...] = field(default_factory=xterm_256)


#: The app's default theme (dark): the headless answer, and the colours ``palette.DARK`` is built from.
DEFAULT_COLOURS = Colours(foreground=(220, 220, 220), background=(24, 24, 28), cursor=(230, 230, 120))


def osc_rgb(colour: RGB) -> str:
    """A colour as xterm reports it: ``rgb:rrrr/gggg/bbbb``, 16 bits per channel (8-bit value × 0x101)."""
    r, g, b = colour
    return f"rgb:{r * 0x101:04x}/{g * 0x101:04x}/{b * 0x101:04x}"


def parse_colour(spec: str) -> RGB | None:
    """A colour as a program may set it (X11's forms, as xterm reads them): ``rgb:h/h/h`` (1-4 hex digits per
    channel, scaled), ``#rgb`` … ``#rrrrggggbbbb`` (the digits are the high bits) and ``rgbi:f/f/f``
    (intensities 0-1); ``None`` for anything else (colour names and the CIE spaces need X's database)."""
    spec = spec.strip()
    channels: list[int] = []
    try:
        if spec[:4].lower() == "rgb:":
            parts = spec[4:].split("/")
            if len(parts) != 3 or not all(1 <= len(p) <= 4 for p in parts):
                return None
            channels = [int(p, 16) * 0xFFFF // (16 ** len(p) - 1) for p in parts]
        elif spec.startswith("#"):
            digits = spec[1:]
            n = len(digits) // 3
            if len(digits) not in (3, 6, 9, 12):
                return None
            channels = [int(digits[i * n : (i + 1) * n], 16) << (16 - 4 * n) for i in range(3)]
        elif spec[:5].lower() == "rgbi:":
            parts = spec[5:].split("/")
            values = [float(p) for p in parts]
            if len(values) != 3 or not all(0.0 <= v <= 1.0 for v in values):
                return None
            channels = [round(v * 0xFFFF) for v in values]
        else:
            return None
    except ValueError:
        return None
    r, g, b = (c >> 8 for c in channels)  # an 8-bit-per-channel display keeps the high byte
    return r, g, b
