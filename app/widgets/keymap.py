"""Qt key events → the key names and modifiers of :mod:`app.vt.keys`.

The bytes a key sends are decided headless, in ``app.vt.keys`` (tested byte for byte); this
module only translates Qt's vocabulary (key codes, modifier flags, the event's text) into that
one, so the widget stays a thin adapter and the translation can be tested without a window.
"""

from __future__ import annotations

import sys

from app.vt.keys import KeyModes, Mod, encode_key, encode_text
from app.widgets.qt import Qt

__all__ = ["KEYPAD_MAP", "KEY_MAP", "encode_key_event", "qt_mods"]

K = Qt.Key

#: Keys that are not text, by their ``app.vt.keys`` name.
KEY_MAP: dict[Qt.Key, str] = {
    K.Key_Up: "Up", K.Key_Down: "Down", K.Key_Left: "Left", K.Key_Right: "Right",
    K.Key_Home: "Home", K.Key_End: "End", K.Key_PageUp: "PageUp", K.Key_PageDown: "PageDown",
    K.Key_Insert: "Insert", K.Key_Delete: "Delete",
    K.Key_Return: "Enter", K.Key_Enter: "Enter", K.Key_Tab: "Tab", K.Key_Backtab: "Tab",
    K.Key_Backspace: "Backspace", K.Key_Escape: "Escape",
    **{getattr(K, f"Key_F{n}"): f"F{n}" for n in range(1, 21)},
}  # fmt: skip

#: Keypad keys with NumLock on (Qt adds ``KeypadModifier``); they differ from the main keys only
#: in application keypad mode (DECKPAM), where they send SS3 codes.
KEYPAD_MAP: dict[Qt.Key, str] = {
    **{getattr(K, f"Key_{d}"): f"KP_{d}" for d in range(10)},
    K.Key_Enter: "KP_Enter", K.Key_Plus: "KP_Add", K.Key_Minus: "KP_Subtract",
    K.Key_Asterisk: "KP_Multiply", K.Key_Slash: "KP_Divide", K.Key_Period: "KP_Decimal",
    K.Key_Comma: "KP_Separator", K.Key_Equal: "KP_Equal",
}  # fmt: skip

_MAC = sys.platform == "darwin"


def qt_mods(modifiers: Qt.KeyboardModifier) -> Mod:
    """Qt's modifier flags as xterm modifier bits.

    On macOS Qt reports the Command key as Control and the Control key as Meta; the terminal
    wants the physical Control key, so the two are swapped back there. Elsewhere Meta is the
    Super/Windows key, which terminals leave to the desktop.
    """
    km = Qt.KeyboardModifier
    mods = Mod.NONE
    if modifiers & km.ShiftModifier:
        mods |= Mod.SHIFT
    if modifiers & km.AltModifier:
        mods |= Mod.ALT
    ctrl_flag = km.MetaModifier if _MAC else km.ControlModifier
    if modifiers & ctrl_flag:
        mods |= Mod.CTRL
    return mods


def _ctrl_char(key: int) -> str | None:
    """The character a Ctrl chord is about, from the key code (Qt's text for chords varies by platform)."""
    if K.Key_A.value <= key <= K.Key_Z.value:
        return chr(key).lower()
    if 0x20 <= key < 0x7F:
        return chr(key)
    return None


def encode_key_event(
    key: int, modifiers: Qt.KeyboardModifier, text: str, modes: KeyModes, encoding: str = "utf-8"
) -> bytes:
    """The bytes a key press sends, or ``b""`` when the key sends nothing (a lone modifier…).

    *key*, *modifiers* and *text* are the ``QKeyEvent``'s; *modes* are the terminal's current
    key modes. Named keys go through :func:`encode_key`; Ctrl chords are taken from the key code
    (``text`` is already a C0 on X11 but empty or plain elsewhere); everything else is the event's
    text, with Alt as an ESC prefix.
    """
    mods = qt_mods(modifiers)
    keypad = bool(modifiers & Qt.KeyboardModifier.KeypadModifier)
    try:
        qkey = K(key)
    except ValueError:
        qkey = None
    if qkey is not None:
        if keypad and modes.app_keypad and qkey in KEYPAD_MAP:
            return encode_key(KEYPAD_MAP[qkey], mods, modes)
        name = KEY_MAP.get(qkey)
        if name is not None:
            if qkey is K.Key_Backtab:
                mods |= Mod.SHIFT
            return encode_key(name, mods, modes)
    if mods & Mod.CTRL:
        char = _ctrl_char(key)
        if char is not None:
            return encode_text(char, mods, modes, encoding)
    if text and mods & Mod.ALT and len(text) == 1 and ord(text) < 0x20:
        # Some platforms already turned Alt+Ctrl chords into C0; keep the ESC prefix.
        return encode_text(text, mods & ~Mod.CTRL, modes, encoding)
    if not text and mods & Mod.ALT:
        char = _ctrl_char(key)
        if char is not None:
            text = char.upper() if mods & Mod.SHIFT else char
    if not text or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text):
        # Non-printable text without a known key (e.g. from a dead key): nothing to send.
        return b""
    return encode_text(text, mods & ~Mod.CTRL, modes, encoding)
