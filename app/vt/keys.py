"""Encode user input (keys, typed text, pastes, focus, mouse) as the bytes an xterm would send.

The terminal view is the only producer of input, but the *meaning* of a key press depends on
modes the program set (DECCKM, DECKPAM, LNM, DECBKM, mouse tracking, bracketed paste). Keeping
the translation here, free of Qt, lets it be tested byte for byte and reused by headless tools;
the widget only maps Qt key codes to the names below and forwards the terminal's current modes.

Everything follows xterm's defaults (``ctlseqs``), because that is what ``TERM=xterm-256color``
programs expect:

* Modifiers are reported as xterm's parameter ``1 + shift·1 + alt·2 + ctrl·4 + meta·8``
  (hence the values of :class:`Mod`), e.g. Ctrl+Up → ``CSI 1;5 A``.
* Keys that have no modifier parameter (Enter, Tab, Backspace, Escape, the keypad, typed text)
  show Alt/Meta as an ``ESC`` prefix when :attr:`KeyModes.alt_sends_escape` is on; when it is
  off, Alt/Meta are ignored for them (xterm would set the eighth bit instead, which is
  meaningless in a UTF-8 session, so modern terminals do not).
* ``modifyOtherKeys`` / the kitty protocol are not implemented: Ctrl+Enter sends CR, Ctrl+Tab
  sends TAB, as in xterm's default configuration.
"""

from __future__ import annotations

import codecs
import enum
import re
from dataclasses import dataclass

__all__ = [
    "KEY_NAMES",
    "PASTE_END",
    "PASTE_START",
    "KeyModes",
    "Mod",
    "MouseAction",
    "MouseButton",
    "MouseTracking",
    "encode_focus",
    "encode_key",
    "encode_mouse",
    "encode_paste",
    "encode_text",
    "is_multiline_paste",
]

ESC = "\x1b"
CSI = ESC + "["
SS3 = ESC + "O"


class Mod(enum.IntFlag):
    """Keyboard modifiers; the values are xterm's modifier bits, so ``1 + mods`` is the CSI parameter."""

    NONE = 0
    SHIFT = 1
    ALT = 2
    CTRL = 4
    META = 8


# Only these bits take part in the xterm modifier parameter; anything else is ignored.
_MOD_MASK = Mod.SHIFT | Mod.ALT | Mod.CTRL | Mod.META


@dataclass(frozen=True)
class KeyModes:
    """The terminal modes that change what a key sends (set by the program, read by the view).

    app_cursor: DECCKM (``CSI ?1 h``): unmodified cursor keys and Home/End send SS3 instead of CSI.
    app_keypad: DECKPAM / DECNKM (``ESC =``, ``CSI ?66 h``): the keypad sends SS3 codes, not digits.
    newline_mode: LNM (``CSI 20 h``): Enter sends CR LF instead of CR.
    backarrow_sends_bs: DECBKM (``CSI ?67 h``): Backspace sends BS (0x08) instead of DEL (0x7f).
    alt_sends_escape: Alt/Meta prefix ESC to keys and text that have no modifier parameter.
    keyboard_locked: KAM (``CSI 2 h``): keys and typed text send nothing until the program unlocks it (or a
        DECSTR / RIS), as in xterm; pastes, focus and mouse reports are not keys and still go through.
    """

    app_cursor: bool = False
    app_keypad: bool = False
    newline_mode: bool = False
    backarrow_sends_bs: bool = False
    alt_sends_escape: bool = True
    keyboard_locked: bool = False


_DEFAULT_MODES = KeyModes()

# --- key tables -------------------------------------------------------------------------------

# Cursor keys and Home/End: CSI <final> normally, SS3 <final> in DECCKM, CSI 1;<m> <final> modified.
_CURSOR: dict[str, str] = {"Up": "A", "Down": "B", "Right": "C", "Left": "D", "Home": "H", "End": "F"}

# F1-F4 are SS3 P..S whatever DECCKM says (VT100 PF1-PF4); modified they become CSI 1;<m> P..S.
_PF: dict[str, str] = {"F1": "P", "F2": "Q", "F3": "R", "F4": "S"}

# "Tilde" keys: CSI <n> ~, modified CSI <n>;<m> ~. The gaps (16, 22, 27, 30) are VT220 history.
_TILDE: dict[str, int] = {
    "Insert": 2, "Delete": 3, "PageUp": 5, "PageDown": 6,
    "F5": 15, "F6": 17, "F7": 18, "F8": 19, "F9": 20, "F10": 21, "F11": 23, "F12": 24,
    "F13": 25, "F14": 26, "F15": 28, "F16": 29, "F17": 31, "F18": 32, "F19": 33, "F20": 34,
}  # fmt: skip

# Keypad: (character in numeric mode, SS3 final in application mode). None = "behave like Enter".
_KEYPAD: dict[str, tuple[str | None, str]] = {
    **{f"KP_{d}": (str(d), chr(ord("p") + d)) for d in range(10)},
    "KP_Enter": (None, "M"),
    "KP_Add": ("+", "k"),
    "KP_Subtract": ("-", "m"),
    "KP_Multiply": ("*", "j"),
    "KP_Divide": ("/", "o"),
    "KP_Decimal": (".", "n"),
    "KP_Separator": (",", "l"),
    "KP_Equal": ("=", "X"),
}

_SIMPLE = ("Enter", "Tab", "Backspace", "Escape")

KEY_NAMES: frozenset[str] = frozenset((*_CURSOR, *_PF, *_TILDE, *_KEYPAD, *_SIMPLE))
"""Every name :func:`encode_key` accepts (the widget maps Qt key codes onto these)."""


def _modifier_param(mods: Mod) -> int:
    """xterm's modifier parameter: 1 + the modifier bits (so 1 means "none" and is omitted)."""
    return 1 + int(mods & _MOD_MASK)


def _alt_prefix(mods: Mod, modes: KeyModes) -> str:
    """ESC when Alt/Meta is held and the terminal is set to report it that way."""
    return ESC if modes.alt_sends_escape and mods & (Mod.ALT | Mod.META) else ""


def _enter(modes: KeyModes) -> str:
    return "\r\n" if modes.newline_mode else "\r"


def _simple_key(key: str, mods: Mod, modes: KeyModes) -> str:
    """Enter/Tab/Backspace/Escape: fixed C0 codes, Alt as an ESC prefix.

    Backspace sends DEL (BS under DECBKM); Ctrl inverts that choice, as xterm/VTE do, so that
    Ctrl+Backspace gives the "other" erase character (BS by default, which many shells and
    editors bind to "delete word"). Shift+Tab is the back-tab CBT ``CSI Z``.
    """
    if key == "Enter":
        body = _enter(modes)
    elif key == "Tab":
        body = CSI + "Z" if mods & Mod.SHIFT else "\t"
    elif key == "Backspace":
        wants_bs = modes.backarrow_sends_bs != bool(mods & Mod.CTRL)
        body = "\x08" if wants_bs else "\x7f"
    else:  # Escape
        body = ESC
    return _alt_prefix(mods, modes) + body


def encode_key(key: str, mods: Mod = Mod.NONE, modes: KeyModes = _DEFAULT_MODES) -> bytes:
    """Bytes for a non-text key (see :data:`KEY_NAMES`), as xterm sends them.

    Raises ``ValueError`` for an unknown name: that is a bug in the caller's key map, not user
    input, and silently sending nothing would hide it.

    Keypad keys: the widget should pass ``KP_*`` only for keys that produce digits/operators
    (NumLock on); with NumLock off they are navigation keys and map to "Home", "Up", etc.
    Modifiers other than Alt/Meta are not reported for keypad keys (xterm's default keypad has no
    modifier form), and in numeric keypad mode KP_Enter behaves exactly like Enter.
    """
    if modes.keyboard_locked:
        if key not in KEY_NAMES:
            raise ValueError(f"unknown key name {key!r}; expected one of: {', '.join(sorted(KEY_NAMES))}")
        return b""
    param = _modifier_param(mods)
    if key in _CURSOR:
        final = _CURSOR[key]
        if param > 1:
            return f"{CSI}1;{param}{final}".encode("ascii")
        return ((SS3 if modes.app_cursor else CSI) + final).encode("ascii")
    if key in _PF:
        final = _PF[key]
        return (f"{CSI}1;{param}{final}" if param > 1 else SS3 + final).encode("ascii")
    if key in _TILDE:
        code = _TILDE[key]
        return (f"{CSI}{code};{param}~" if param > 1 else f"{CSI}{code}~").encode("ascii")
    if key in _KEYPAD:
        char, app_final = _KEYPAD[key]
        if modes.app_keypad:
            return (_alt_prefix(mods, modes) + SS3 + app_final).encode("ascii")
        body = _enter(modes) if char is None else char
        return (_alt_prefix(mods, modes) + body).encode("ascii")
    if key in _SIMPLE:
        return _simple_key(key, mods, modes).encode("ascii")
    raise ValueError(f"unknown key name {key!r}; expected one of: {', '.join(sorted(KEY_NAMES))}")


# --- typed text ---------------------------------------------------------------------------------


def _build_ctrl_table() -> dict[str, str]:
    """Ctrl+<char> → C0, following Xlib's XLookupString rules that xterm relies on.

    ``@``..``~`` (so letters of either case, ``[ \\ ] ^ _`` and ``` ` { | } ~``) map to
    ``code & 0x1f``; Space and ``2`` → NUL; ``3``-``7`` → ESC, FS, GS, RS, US; ``8`` → DEL;
    ``/`` → US. ``?`` → DEL is the ASCII convention (``^?``) that most terminals add.
    """
    table = {chr(c): chr(c & 0x1F) for c in range(ord("@"), ord("~") + 1)}
    table.update({" ": "\x00", "2": "\x00", "8": "\x7f", "/": "\x1f", "?": "\x7f"})
    table.update({str(d): chr(0x1B + d - 3) for d in range(3, 8)})
    return table


_CTRL: dict[str, str] = _build_ctrl_table()


def encode_text(text: str, mods: Mod = Mod.NONE, modes: KeyModes = _DEFAULT_MODES, encoding: str = "utf-8") -> bytes:
    """Bytes for typed text (a key's character, or an IME commit) in the session encoding.

    With Ctrl, a single character that has a control form becomes that C0 code (Ctrl+C →
    ``\\x03``); other characters are sent unchanged, since xterm has nothing better to send
    without modifyOtherKeys. Multi-character text (IME) ignores Ctrl. Alt/Meta add one ``ESC``
    prefix (see :class:`KeyModes`). Shift is already reflected in the text and is ignored.
    Characters the session encoding cannot represent become ``?`` (the codec's replacement) —
    the program could not have received them anyway, and raising would lose the keystroke.
    An unknown encoding name raises ``LookupError`` (a configuration bug).
    """
    if not text or modes.keyboard_locked:
        return b""
    if mods & Mod.CTRL and len(text) == 1:
        text = _CTRL.get(text, text)
    return (_alt_prefix(mods, modes) + text).encode(encoding, errors="replace")


# --- paste --------------------------------------------------------------------------------------

PASTE_START = CSI + "200~"
PASTE_END = CSI + "201~"

# The paste markers in their 7-bit and 8-bit (C1 CSI) spellings, as text and as the bytes that reach the program.
_PASTE_MARKER = re.compile("(?:\x1b\\[|\x9b)20[01]~")
_PASTE_MARKER_BYTES = re.compile(b"(?:\x1b\\[|\x9b)20[01]~")
# Everything a paste may not carry: C0 except TAB and CR, DEL, and the C1 range U+0080-U+009F.
_PASTE_FORBIDDEN = re.compile("[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f-\x9f]")


def is_multiline_paste(text: str) -> bool:
    """A paste that holds a line break: without bracketed paste each line runs as a command when it arrives,
    which is why terminals (Windows Terminal, VS Code) ask before sending one."""
    return "\n" in text or "\r" in text


def encode_paste(text: str, bracketed: bool, encoding: str = "utf-8") -> bytes:
    """Bytes for pasted text, sanitised so a clipboard cannot drive the program.

    Newlines (CR LF, LF) become CR, as if Enter were pressed; paste markers inside the text are
    removed (repeatedly, so ``ESC[20ESC[201~1~`` cannot reassemble one); then every control
    character except TAB and CR is dropped (ESC, other C0, DEL, C1). Without ESC or C1 CSI no
    escape sequence can survive, so a bracketed paste cannot end early and an unbracketed one
    cannot inject sequences. With ``bracketed`` (mode 2004) the text is wrapped in
    ``ESC[200~ … ESC[201~``. Sanitising is the same in both cases. A paste that is empty after
    sanitising sends nothing at all (not even the brackets): there is nothing to deliver.

    ``encoding`` is the *session's* (what the program reads), and the check is repeated on the bytes: a
    code page can turn a printable character into a C1 byte (cp437 writes ``¢`` as ``9B``, the 8-bit CSI),
    so ``¢201~`` would end a bracketed paste early. Characters whose bytes form a paste marker are dropped,
    whole, until none is left.
    """
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    while True:
        stripped = _PASTE_MARKER.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _PASTE_FORBIDDEN.sub("", text)
    if not text:
        return b""
    encoder = codecs.getincrementalencoder(encoding)(errors="replace")
    start = encoder.encode(PASTE_START) if bracketed else b""
    pieces = [encoder.encode(ch) for ch in text]
    pieces = _without_byte_markers(pieces)
    if not any(pieces):
        return b""
    end = (encoder.encode(PASTE_END) if bracketed else b"") + encoder.encode("", final=True)
    return start + b"".join(pieces) + end


def _without_byte_markers(pieces: list[bytes]) -> list[bytes]:
    """``pieces`` (one per character) without the characters whose bytes make up a paste marker, repeatedly.

    A marker counts where a character starts with it (``9B`` as a whole character, as cp437's ``¢``): inside
    a multibyte character (UTF-8's ``Û`` is ``C3 9B``) the byte is not a control to a program that decodes.
    """
    while True:
        joined = b"".join(pieces)
        starts: set[int] = set()
        pos = 0
        for piece in pieces:
            starts.add(pos)
            pos += len(piece)
        found = next((m for m in _PASTE_MARKER_BYTES.finditer(joined) if m.start() in starts), None)
        if found is None:
            return pieces
        kept: list[bytes] = []
        pos = 0
        for piece in pieces:
            end = pos + len(piece)
            if not (pos < found.end() and end > found.start()):
                kept.append(piece)
            pos = end
        pieces = kept


# --- focus --------------------------------------------------------------------------------------


def encode_focus(focused: bool) -> bytes:
    """Focus report for mode 1004: ``CSI I`` on focus in, ``CSI O`` on focus out.

    The caller sends it only when the program enabled mode 1004.
    """
    return b"\x1b[I" if focused else b"\x1b[O"


# --- mouse --------------------------------------------------------------------------------------


class MouseTracking(enum.Enum):
    """Which mouse events the program asked for; values are the DEC private mode numbers."""

    OFF = 0
    X10 = 9  # presses only, no modifiers
    NORMAL = 1000  # presses and releases (incl. wheel)
    BUTTON_EVENT = 1002  # ... plus motion while a button is held
    ANY_EVENT = 1003  # ... plus all motion


class MouseAction(enum.Enum):
    """What happened; a wheel step is a PRESS of a wheel button."""

    PRESS = "press"
    RELEASE = "release"
    MOTION = "motion"


class MouseButton(enum.IntEnum):
    """Buttons with their xterm button codes (before modifier and motion bits are added)."""

    LEFT = 0
    MIDDLE = 1
    RIGHT = 2
    NONE = 3  # motion with no button held (1003); also the legacy "some button released" code
    WHEEL_UP = 64
    WHEEL_DOWN = 65
    WHEEL_LEFT = 66
    WHEEL_RIGHT = 67
    BACK = 128  # button 8
    FORWARD = 129  # button 9


_WHEEL = frozenset({MouseButton.WHEEL_UP, MouseButton.WHEEL_DOWN, MouseButton.WHEEL_LEFT,
                    MouseButton.WHEEL_RIGHT})  # fmt: skip
_MOTION_BIT = 32
# Legacy encoding: one byte per value, offset 32, 1-based, so 0-based 222 → 0xFF is the last cell.
_LEGACY_LIMIT = 255 - 32


def _mouse_mod_bits(mods: Mod) -> int:
    """xterm mouse modifier bits: Shift 4, Meta (Alt or Meta key) 8, Ctrl 16."""
    bits = 4 if mods & Mod.SHIFT else 0
    if mods & (Mod.ALT | Mod.META):
        bits |= 8
    if mods & Mod.CTRL:
        bits |= 16
    return bits


def _reported(tracking: MouseTracking, action: MouseAction, button: MouseButton) -> bool:
    """Whether the tracking mode the program chose reports this event at all."""
    if tracking is MouseTracking.OFF:
        return False
    if button in _WHEEL:  # wheels have no release and no drag
        return action is MouseAction.PRESS
    if action is MouseAction.PRESS:
        return button is not MouseButton.NONE
    if action is MouseAction.RELEASE:
        return tracking is not MouseTracking.X10
    if tracking is MouseTracking.ANY_EVENT:
        return True
    return tracking is MouseTracking.BUTTON_EVENT and button is not MouseButton.NONE


def _legacy_coord(value: int) -> str:
    """One coordinate byte in the default encoding, clamped the way xterm does it.

    xterm clamps positions to 223 (0-based) and sends that one as NUL, its "past the end"
    marker: a click beyond column/row 223 is reported as "off the encodable edge" rather than
    at a wrong cell or not at all. Programs that need big screens use SGR (1006).
    """
    value = min(value, _LEGACY_LIMIT)
    return "\x00" if value == _LEGACY_LIMIT else chr(32 + value + 1)


def encode_mouse(
    action: MouseAction,
    button: MouseButton,
    col: int,
    row: int,
    mods: Mod = Mod.NONE,
    *,
    tracking: MouseTracking,
    sgr: bool = False,
) -> bytes:
    """Bytes for a mouse event at 0-based cell (col, row), or ``b""`` if the mode does not report it.

    Default encoding: ``CSI M Cb Cx Cy`` with each value + 32 and 1-based coordinates; a release
    is button code 3 (which button is lost). SGR (1006): ``CSI < Cb ; Cx ; Cy M`` for press and
    motion, final ``m`` for release with the real button, decimal coordinates without limit.
    Motion adds 32 to Cb; modifiers add Shift 4, Meta/Alt 8, Ctrl 16 (X10 mode reports none).
    Negative coordinates (a drag outside the view) are clamped to 0, as xterm reports drags at
    the edge. The default encoding yields bytes ≥ 0x80 for positions beyond 94; that is the
    protocol, not a bug — write them to the pty as they are.
    """
    if not _reported(tracking, action, button):
        return b""
    col, row = max(col, 0), max(row, 0)
    release = action is MouseAction.RELEASE
    # The legacy encoding cannot say which button was released: it always reports code 3.
    code = int(MouseButton.NONE if release and not sgr else button)
    if tracking is not MouseTracking.X10:
        code += _mouse_mod_bits(mods)
    if action is MouseAction.MOTION:
        code += _MOTION_BIT
    if sgr:
        return f"{CSI}<{code};{col + 1};{row + 1}{'m' if release else 'M'}".encode("ascii")
    seq = CSI + "M" + chr(32 + code) + _legacy_coord(col) + _legacy_coord(row)
    return seq.encode("latin-1")
