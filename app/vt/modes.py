"""Mode numbers for SM/RM (ANSI) and DECSET/DECRST (DEC private), with their names.

The names feed the annotator and DECRQM; the screen keys its behaviour on the constants.
"""

from __future__ import annotations

__all__ = ["ANSI_MODES", "DEC_MODES"]

# ANSI modes (CSI Pm h / l)
KAM = 2
IRM = 4
SRM = 12
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
DECTCEM = 25
REVERSE_WRAP = 45
ALT_SCREEN = 47
DECNKM = 66
DECBKM = 67
DECLRMM = 69
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
ALT_SCREEN_CLEAR = 1047
SAVE_CURSOR = 1048
ALT_SCREEN_SAVE_CURSOR = 1049
BRACKETED_PASTE = 2004
SYNCHRONIZED_OUTPUT = 2026
WIN32_INPUT = 9001

ALT_SCREEN_MODES = (ALT_SCREEN, ALT_SCREEN_CLEAR, ALT_SCREEN_SAVE_CURSOR)
MOUSE_TRACKING = (MOUSE_NORMAL, MOUSE_HILITE, MOUSE_BUTTON_EVENT, MOUSE_ANY_EVENT)

ANSI_MODES: dict[int, tuple[str, str, bool]] = {
    # number: (mnemonic, meaning, supported)
    KAM: ("KAM", "keyboard action (lock keyboard)", False),
    IRM: ("IRM", "insert mode", True),
    SRM: ("SRM", "send/receive (local echo off)", False),
    LNM: ("LNM", "new line mode: LF also returns, Enter sends CR LF", True),
}

DEC_MODES: dict[int, tuple[str, str, bool]] = {
    DECCKM: ("DECCKM", "application cursor keys", True),
    DECANM: ("DECANM", "ANSI/VT52 mode", False),
    DECCOLM: ("DECCOLM", "132-column mode", False),
    DECSCLM: ("DECSCLM", "smooth scroll", False),
    DECSCNM: ("DECSCNM", "reverse video screen", True),
    DECOM: ("DECOM", "origin mode: cursor addressing relative to the margins", True),
    DECAWM: ("DECAWM", "autowrap at the right margin", True),
    DECARM: ("DECARM", "keyboard autorepeat", False),
    MOUSE_X10: ("X10 mouse", "report mouse button presses", True),
    CURSOR_BLINK: ("att610", "blinking cursor", True),
    DECTCEM: ("DECTCEM", "cursor visible", True),
    REVERSE_WRAP: ("reverse-wrap", "backspace wraps to the previous line", False),
    ALT_SCREEN: ("alt-screen", "alternate screen buffer", True),
    DECNKM: ("DECNKM", "application keypad", True),
    DECBKM: ("DECBKM", "backarrow key sends BS", True),
    DECLRMM: ("DECLRMM", "left/right margin mode", False),
    MOUSE_NORMAL: ("mouse", "report mouse presses and releases", True),
    MOUSE_HILITE: ("hilite mouse", "highlight mouse tracking", False),
    MOUSE_BUTTON_EVENT: ("button-event mouse", "report mouse motion while a button is held", True),
    MOUSE_ANY_EVENT: ("any-event mouse", "report all mouse motion", True),
    FOCUS_EVENTS: ("focus events", "report focus in/out (CSI I / CSI O)", True),
    MOUSE_UTF8: ("UTF-8 mouse", "UTF-8 mouse coordinates", False),
    MOUSE_SGR: ("SGR mouse", "SGR mouse encoding", True),
    ALT_SCROLL: ("alternate scroll", "wheel sends cursor keys on the alternate screen", True),
    MOUSE_URXVT: ("urxvt mouse", "urxvt mouse encoding", False),
    MOUSE_SGR_PIXELS: ("SGR-pixels mouse", "SGR mouse encoding in pixels", False),
    ALT_SCREEN_CLEAR: ("alt-screen-clear", "alternate screen, cleared on leaving", True),
    SAVE_CURSOR: ("save-cursor", "save/restore the cursor as DECSC/DECRC", True),
    ALT_SCREEN_SAVE_CURSOR: ("alt-screen-1049", "save cursor and switch to a cleared alternate screen", True),
    BRACKETED_PASTE: ("bracketed paste", "pasted text is wrapped in CSI 200~ … CSI 201~", True),
    SYNCHRONIZED_OUTPUT: ("synchronized output", "hold repaints until the update ends", True),
    WIN32_INPUT: ("win32-input-mode", "ConPTY's win32 input records (plain VT input still works)", False),
}
