"""What the engine answers when a program asks about the terminal: the text of each reply, built from the
screen's own state (xterm's formats, ``ctlseqs`` and its ``misc.c``/``charproc.c``).

Every reply leaves through ``Screen.reply`` (the terminal's one outbound hook); nothing here writes.  The
security posture (DESIGN §7): no reply echoes bytes of a request — numbers are parsed and written anew,
capability names come from the fixed table below — and nothing reports titles, window positions, pixels
or anything beyond the engine's own screen.
"""

from __future__ import annotations

import binascii
from typing import TYPE_CHECKING

from . import modes as M
from .colours import osc_rgb, parse_colour
from .style import PROTECTED, describe_sgr_params

if TYPE_CHECKING:
    from .screen import Screen

__all__ = [
    "TERM_NAME",
    "colour_requests",
    "cursor_report",
    "decdsr",
    "decrqm_ansi",
    "decrqm_dec",
    "decrqss",
    "xtgettcap",
]

ESC = "\x1b"
CSI = ESC + "["
DCS = ESC + "P"
ST = ESC + "\\"

#: The terminal type the engine emulates (what sessions set ``TERM`` to), reported for XTGETTCAP ``TN``.
TERM_NAME = "xterm-256color"

#: XTGETTCAP's fixed, harmless set (issue 16): the terminal's name, its colour count, and direct colour.
#: Both the termcap and the terminfo names are accepted, as in xterm.
_TCAP = {
    "TN": TERM_NAME,
    "name": TERM_NAME,
    "Co": "256",
    "colors": "256",
    "RGB": "8",  # 8 bits per channel: direct colour, as xterm reports it
}
#: More names than this in one request are not looked at (a DCS may be 256 KiB).
_MAX_TCAP_NAMES = 16
#: At most this many colours are reported for one OSC 4 (the palette has 256).
_MAX_COLOUR_REPLIES = 256


def cursor_report(screen: Screen, private: bool) -> str:
    """CPR (``CSI row ; col R``) or DECXCPR (``CSI ? row ; col ; 1 R``): 1-based, relative to the top and left
    margins in origin mode."""
    row = screen.y - screen.top if screen.origin else screen.y
    col = screen.x - screen.left if screen.origin else screen.x
    if private:
        return f"{CSI}?{row + 1};{col + 1};1R"
    return f"{CSI}{row + 1};{col + 1}R"


def decdsr(screen: Screen, what: int, pid: int) -> str | None:
    """DECDSR (``CSI ? Ps n``): xterm's answers for a terminal without printer, locator, macros or sessions."""
    if what == 6:
        return cursor_report(screen, True)
    answers = {
        15: f"{CSI}?13n",  # no printer
        25: f"{CSI}?20n",  # user-defined keys unlocked (there are none)
        26: f"{CSI}?27;1;0;0n",  # keyboard: North American, ready, LK201
        55: f"{CSI}?53n",  # no locator
        56: f"{CSI}?57;0n",  # locator type: none
        62: f"{CSI}0000*{{",  # DECMSR: no space for macros
        63: f"{DCS}{pid}!~0000{ST}",  # DECCKSR: checksum of the (empty) macro memory
        75: f"{CSI}?70n",  # data integrity: no errors
        85: f"{CSI}?83n",  # multiple sessions: not configured
    }
    return answers.get(what)


def decrqm_ansi(screen: Screen, mode: int) -> str:
    """DECRPM for an ANSI mode: ``CSI Ps ; Pm $ y``."""
    state = M.report_state(M.ANSI_MODES.get(mode), mode in screen.ansi_modes)
    return f"{CSI}{mode};{state}$y"


def decrqm_dec(screen: Screen, mode: int) -> str:
    """DECRPM for a DEC private mode: ``CSI ? Ps ; Pm $ y``."""
    if screen.vt_level < M.LEVEL_OF.get(mode, 1):
        return f"{CSI}?{mode};0$y"  # xterm: not a mode at this conformance level
    state = M.report_state(M.DEC_MODES.get(mode), screen.dec_mode_on(mode))
    return f"{CSI}?{mode};{state}$y"


def decrqss(screen: Screen, setting: str) -> str:
    """DECRQSS: ``DCS 1 $ r <setting's parameters><setting> ST`` for a setting the engine keeps, else
    ``DCS 0 $ r ST`` (xterm's convention: 1 valid, 0 not)."""
    s = screen
    value: str | None
    if setting == "m":
        value = describe_sgr_params(s.style)
    elif setting == "r":
        value = f"{s.top + 1};{s.bottom + 1}"
    elif setting == "s":
        value = f"{s.left + 1};{s.right + 1}"
    elif setting == " q":
        value = str(s.cursor_shape or 1)
    elif setting == '"q':
        value = "1" if s.protected_mode == M.PROTECT_DEC and s.sid & PROTECTED else "0"
    elif setting == '"p':
        value = f"{60 + s.vt_level};1"  # replies are always 7-bit
    elif setting == "t" or setting == "*|":
        value = str(s.rows)  # DECSLPP / DECSNLS: lines per page / per screen
    elif setting == "$|":
        value = str(s.cols)  # DECSCPP: columns per page
    elif setting == "*x":
        value = str(s.attr_extent)
    elif setting == "$}" or setting == "$~":
        value = "0"  # DECSASD / DECSSDT: the main display is active, there is no status line
    else:
        value = None
    if value is None:
        return f"{DCS}0$r{ST}"
    return f"{DCS}1$r{value}{setting}{ST}"


def xtgettcap(data: str) -> str:
    """XTGETTCAP (``DCS + q <hex name>;… ST``): ``DCS 1 + r <hex name>=<hex value>;… ST`` for the names of the
    fixed set, in order, up to the first other name; ``DCS 0 + r ST`` when the first is not in the set (its
    name is not echoed back)."""
    found: list[str] = []
    for hex_name in data.split(";")[:_MAX_TCAP_NAMES]:
        try:
            name = binascii.unhexlify(hex_name).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            break
        value = _TCAP.get(name)
        if value is None:
            break
        found.append(f"{name.encode('ascii').hex().upper()}={value.encode('ascii').hex().upper()}")
    if not found:
        return f"{DCS}0+r{ST}"
    return f"{DCS}1+r{';'.join(found)}{ST}"


def colour_requests(screen: Screen, command: int, text: str, terminator: str) -> list[str]:
    """OSC 4 (``4;c;spec;c;spec…``) and OSC 10/11/12 (``10;spec;spec…`` sets or asks 10, then 11, then 12, as in
    xterm): a ``?`` asks for the colour, anything :func:`~app.vt.colours.parse_colour` reads sets it (the view
    paints with it), anything else leaves it.  Returns the replies, each ending as the request did (BEL or ST)."""
    out: list[str] = []
    parts = text.split(";")
    if command == 4:
        for i in range(0, len(parts) - 1, 2):
            index, spec = parts[i], parts[i + 1]
            if not index.isdigit() or len(index) > 3 or int(index) > 255:
                break  # xterm stops at the first bad pair (256 and up are its special colours: not kept here)
            n = int(index)
            if spec == "?":
                if len(out) < _MAX_COLOUR_REPLIES:
                    out.append(f"{ESC}]4;{n};{osc_rgb(screen.colours.palette[n])}{terminator}")
            elif (rgb := parse_colour(spec)) is not None:
                screen.set_palette_colour(n, rgb)
        return out
    for offset, spec in enumerate(parts[:3]):
        n = command + offset
        if n > 12:
            break  # 13-19 (mouse, Tek, highlight colours) are not kept
        if spec == "?":
            colours = screen.colours
            rgb = colours.foreground if n == 10 else colours.background if n == 11 else colours.cursor
            out.append(f"{ESC}]{n};{osc_rgb(rgb)}{terminator}")
        elif (rgb := parse_colour(spec)) is not None:
            screen.set_dynamic_colour(n, rgb)
    return out
