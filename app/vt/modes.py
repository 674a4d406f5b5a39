"""Mode numbers for SM/RM (ANSI) and DECSET/DECRST (DEC private), with their names and how far each is honoured.

The names feed the annotator, the generated docs and DECRQM; the screen keys its behaviour on the
constants.  Each mode says what the engine does with it (:class:`Mode`'s ``support``), and DECRQM
answers from that as xterm does (``CSI ? Ps ; Pm $ y``: 1 set, 2 reset, 3 permanently set,
4 permanently reset, 0 not recognised):

* ``ACTS``: set and reset change what the engine does; reported 1 or 2.
* ``RECORDED``: xterm keeps the flag and reports it, but it has no effect a screen can show
  (smooth scrolling, printer options) or its effect is outside the engine's reach; the engine
  records it and reports 1 or 2, as xterm does, and says so here.
* ``ALWAYS_RESET`` / ``ALWAYS_SET``: recognised, cannot change; reported 4 / 3.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ACTS", "ALWAYS_RESET", "ALWAYS_SET", "ANSI_MODES", "DEC_MODES", "RECORDED", "Mode", "report_state"]

ACTS = "yes"
RECORDED = "recorded"
ALWAYS_RESET = "permanently reset"
ALWAYS_SET = "permanently set"


class Mode(NamedTuple):
    mnemonic: str
    meaning: str
    support: str  # ACTS, RECORDED, ALWAYS_RESET or ALWAYS_SET

    @property
    def settable(self) -> bool:
        """Whether SM/DECSET records it (and DECRQM reports 1 or 2)."""
        return self.support == ACTS or self.support == RECORDED


def report_state(mode: Mode | None, on: bool) -> int:
    """DECRQM's Pm for a mode: 0 unknown, 1 set, 2 reset, 3 permanently set, 4 permanently reset."""
    if mode is None:
        return 0
    if mode.support == ALWAYS_RESET:
        return 4
    if mode.support == ALWAYS_SET:
        return 3
    return 1 if on else 2


# ANSI modes (CSI Pm h / l)
GATM = 1
KAM = 2
CRM = 3
IRM = 4
SRTM = 5
VEM = 7
HEM = 10
PUM = 11
SRM = 12
FEAM = 13
FETM = 14
MATM = 15
TTM = 16
SATM = 17
TSM = 18
EBM = 19
LNM = 20

# DEC private modes (CSI ? Pm h / l)
DECCKM = 1
DECANM = 2
DECCOLM = 3
DECSCLM = 4
DECSCNM = 5
DECOM = 6
DECAWM = 7
DECARM = 8
MOUSE_X10 = 9
CURSOR_BLINK = 12
DECPFF = 18
DECPEX = 19
DECTCEM = 25
ALLOW_DECCOLM = 40
CURSES_FIX = 41
DECNRCM = 42
REVERSE_WRAP = 45
ALT_SCREEN = 47
DECNKM = 66
DECBKM = 67
DECLRMM = 69
DECNCSM = 95
MOUSE_NORMAL = 1000
MOUSE_HILITE = 1001
MOUSE_BUTTON_EVENT = 1002
MOUSE_ANY_EVENT = 1003
FOCUS_EVENTS = 1004
MOUSE_UTF8 = 1005
MOUSE_SGR = 1006
ALT_SCROLL = 1007
MOUSE_URXVT = 1015
MOUSE_SGR_PIXELS = 1016
REVERSE_WRAP_EXTENDED = 1045
ALT_SCREEN_CLEAR = 1047
SAVE_CURSOR = 1048
ALT_SCREEN_SAVE_CURSOR = 1049
BRACKETED_PASTE = 2004
SYNCHRONIZED_OUTPUT = 2026
WIN32_INPUT = 9001

#: Which erases leave protected cells (``Screen.protected_mode``): none, the selective ones (DECSCA: DECSED,
#: DECSEL, DECSERA), or every erase (SPA: ED, EL, ECH too; xterm).
PROTECT_OFF, PROTECT_DEC, PROTECT_ISO = 0, 1, 2

ALT_SCREEN_MODES = (ALT_SCREEN, ALT_SCREEN_CLEAR, ALT_SCREEN_SAVE_CURSOR)
#: The DECSCL conformance level a DEC private mode needs before DECSET takes it (xterm's ``vtXX_level``).
LEVEL_OF = {DECLRMM: 4, DECNCSM: 5}
MOUSE_TRACKING = (MOUSE_NORMAL, MOUSE_HILITE, MOUSE_BUTTON_EVENT, MOUSE_ANY_EVENT)

ANSI_MODES: dict[int, Mode] = {
    GATM: Mode("GATM", "guarded area transfer", ALWAYS_RESET),
    KAM: Mode("KAM", "keyboard action: typed keys are ignored while set", ACTS),
    CRM: Mode("CRM", "show control characters", ALWAYS_RESET),
    IRM: Mode("IRM", "insert mode", ACTS),
    SRTM: Mode("SRTM", "status report transfer", ALWAYS_RESET),
    VEM: Mode("VEM", "vertical editing", ALWAYS_RESET),
    HEM: Mode("HEM", "horizontal editing", ALWAYS_RESET),
    PUM: Mode("PUM", "positioning unit", ALWAYS_RESET),
    SRM: Mode("SRM", "send/receive: reset asks for local echo, which the engine does not do", RECORDED),
    FEAM: Mode("FEAM", "format effector action", ALWAYS_RESET),
    FETM: Mode("FETM", "format effector transfer", ALWAYS_RESET),
    MATM: Mode("MATM", "multiple area transfer", ALWAYS_RESET),
    TTM: Mode("TTM", "transfer termination", ALWAYS_RESET),
    SATM: Mode("SATM", "selected area transfer", ALWAYS_RESET),
    TSM: Mode("TSM", "tabulation stop", ALWAYS_RESET),
    EBM: Mode("EBM", "editing boundary", ALWAYS_RESET),
    LNM: Mode("LNM", "new line mode: LF also returns, Enter sends CR LF", ACTS),
}

DEC_MODES: dict[int, Mode] = {
    DECCKM: Mode("DECCKM", "application cursor keys", ACTS),
    DECANM: Mode("DECANM", "ANSI mode (VT52 mode is not offered)", ALWAYS_SET),
    DECCOLM: Mode("DECCOLM", "132 columns: with ?40, clears the screen and homes (the window is never resized)", ACTS),
    DECSCLM: Mode("DECSCLM", "smooth scroll (a display speed preference: scrolling is always immediate)", RECORDED),
    DECSCNM: Mode("DECSCNM", "reverse video screen", ACTS),
    DECOM: Mode("DECOM", "origin mode: cursor addressing relative to the margins", ACTS),
    DECAWM: Mode("DECAWM", "autowrap at the right margin", ACTS),
    DECARM: Mode("DECARM", "keyboard autorepeat (the desktop's setting)", ALWAYS_RESET),
    MOUSE_X10: Mode("X10 mouse", "report mouse button presses", ACTS),
    CURSOR_BLINK: Mode("att610", "blinking cursor", ACTS),
    DECPFF: Mode("DECPFF", "print form feed (there is no printer)", RECORDED),
    DECPEX: Mode("DECPEX", "print extent (there is no printer)", RECORDED),
    DECTCEM: Mode("DECTCEM", "cursor visible", ACTS),
    ALLOW_DECCOLM: Mode("allow-80-132", "DECCOLM is honoured", ACTS),
    CURSES_FIX: Mode("curses fix", "a tab after the last column of a row goes on to the next row", ACTS),
    35: Mode("font-shift", "rxvt's font-size shift keys (the window's zoom keys are used)", RECORDED),
    DECNRCM: Mode("DECNRCM", "national replacement character sets (text is decoded by the session)", RECORDED),
    REVERSE_WRAP: Mode("reverse-wrap", "backspace wraps to the end of a wrapped previous row (with DECAWM)", ACTS),
    ALT_SCREEN: Mode("alt-screen", "alternate screen buffer", ACTS),
    DECNKM: Mode("DECNKM", "application keypad", ACTS),
    DECBKM: Mode("DECBKM", "backarrow key sends BS", ACTS),
    DECLRMM: Mode("DECLRMM", "left/right margin mode (DECSLRM sets the margins; CSI s is DECSLRM, not SCOSC)", ACTS),
    DECNCSM: Mode("DECNCSM", "DECCOLM does not clear the screen", ACTS),
    MOUSE_NORMAL: Mode("mouse", "report mouse presses and releases", ACTS),
    MOUSE_HILITE: Mode("hilite mouse", "highlight mouse tracking", ALWAYS_RESET),
    MOUSE_BUTTON_EVENT: Mode("button-event mouse", "report mouse motion while a button is held", ACTS),
    MOUSE_ANY_EVENT: Mode("any-event mouse", "report all mouse motion", ACTS),
    FOCUS_EVENTS: Mode("focus events", "report focus in/out (CSI I / CSI O)", ACTS),
    MOUSE_UTF8: Mode("UTF-8 mouse", "UTF-8 mouse coordinates", ALWAYS_RESET),
    MOUSE_SGR: Mode("SGR mouse", "SGR mouse encoding", ACTS),
    ALT_SCROLL: Mode("alternate scroll", "wheel sends cursor keys on the alternate screen", ACTS),
    MOUSE_URXVT: Mode("urxvt mouse", "urxvt mouse encoding", ALWAYS_RESET),
    MOUSE_SGR_PIXELS: Mode("SGR-pixels mouse", "SGR mouse in pixels (never reported)", ALWAYS_RESET),
    REVERSE_WRAP_EXTENDED: Mode(
        "reverse-wrap-extended", "backspace wraps to the previous row, top to bottom of the margins (with DECAWM)", ACTS
    ),
    ALT_SCREEN_CLEAR: Mode("alt-screen-clear", "alternate screen, cleared on leaving", ACTS),
    SAVE_CURSOR: Mode("save-cursor", "save/restore the cursor as DECSC/DECRC", ACTS),
    ALT_SCREEN_SAVE_CURSOR: Mode("alt-screen-1049", "save cursor and switch to a cleared alternate screen", ACTS),
    BRACKETED_PASTE: Mode("bracketed paste", "pasted text is wrapped in CSI 200~ … CSI 201~", ACTS),
    SYNCHRONIZED_OUTPUT: Mode("synchronized output", "hold repaints until the update ends", ACTS),
    WIN32_INPUT: Mode("win32-input-mode", "ConPTY's win32 input records (plain VT input still works)", ALWAYS_RESET),
}

# Modes xterm recognises and reports as permanently reset: DEC terminal features with no counterpart here.
for _number, _name, _meaning in (
    (10, "DECEDM", "edit mode"),
    (11, "DECLTM", "line transmit"),
    (13, "DECSCFDM", "space compression field delimiter"),
    (14, "DECTEM", "transmission execution"),
    (16, "DECEKEM", "edit key execution"),
    (34, "DECRLM", "cursor right to left"),
    (36, "DECHEM", "Hebrew encoding"),
    (53, "DEC131TM", "VT131 transmit"),
    (57, "DECNAKB", "Greek/N-A keyboard mapping"),
    (58, "DECIPEM", "IBM ProPrinter emulation"),
    (59, "DECKKDM", "Kanji/Katakana display"),
    (60, "DECHCCM", "horizontal cursor coupling"),
    (61, "DECVCCM", "vertical cursor coupling"),
    (64, "DECPCCM", "page cursor coupling"),
    (68, "DECKBUM", "keyboard usage"),
    (73, "DECXRLM", "transmit rate limiting"),
    (81, "DECKPM", "key position"),
    (96, "DECRLCM", "right-to-left copy"),
    (97, "DECCRTSM", "CRT save"),
    (98, "DECARSM", "auto resize"),
    (99, "DECMCM", "modem control"),
    (100, "DECAAM", "auto answerback"),
    (101, "DECCANSM", "conceal answerback message"),
    (102, "DECNULM", "ignore NUL"),
    (103, "DECHDPXM", "half duplex"),
    (104, "DECESKM", "secondary keyboard language"),
    (106, "DECOSCNM", "overscan"),
    (108, "DECNUMLK", "Num Lock"),
    (109, "DECCAPSLK", "Caps Lock"),
    (110, "DECKLHIM", "keyboard LEDs host indicator"),
    (111, "DECFWM", "framed windows"),
    (112, "DECRPL", "review previous lines"),
    (113, "DECHWUM", "host wake-up"),
    (114, "DECATCUM", "alternate text colour underline"),
    (115, "DECATCBM", "alternate text colour blink"),
    (116, "DECBBSM", "bold and blink style"),
    (117, "DECECM", "erase colour"),
):
    DEC_MODES[_number] = Mode(_name, _meaning, ALWAYS_RESET)
