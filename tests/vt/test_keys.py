"""Byte-exact tests for app.vt.keys against xterm's documented input sequences (ctlseqs)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.vt.keys import (
    KEY_NAMES,
    PASTE_END,
    PASTE_START,
    KeyModes,
    Mod,
    MouseAction,
    MouseButton,
    MouseTracking,
    encode_focus,
    encode_key,
    encode_mouse,
    encode_paste,
    encode_text,
    is_multiline_paste,
)

APP_CURSOR = KeyModes(app_cursor=True)
APP_KEYPAD = KeyModes(app_keypad=True)
LNM = KeyModes(newline_mode=True)
DECBKM = KeyModes(backarrow_sends_bs=True)
NO_ALT_ESC = KeyModes(alt_sends_escape=False)

# --- cursor keys ------------------------------------------------------------------------------

CURSOR = {"Up": "A", "Down": "B", "Right": "C", "Left": "D", "Home": "H", "End": "F"}


@pytest.mark.parametrize(("key", "final"), CURSOR.items())
def test_cursor_keys_normal_mode_send_csi(key: str, final: str) -> None:
    assert encode_key(key) == b"\x1b[" + final.encode()


@pytest.mark.parametrize(("key", "final"), CURSOR.items())
def test_cursor_keys_application_mode_send_ss3(key: str, final: str) -> None:
    assert encode_key(key, modes=APP_CURSOR) == b"\x1bO" + final.encode()


@pytest.mark.parametrize(
    ("mods", "param"),
    [
        (Mod.SHIFT, 2),
        (Mod.ALT, 3),
        (Mod.SHIFT | Mod.ALT, 4),
        (Mod.CTRL, 5),
        (Mod.CTRL | Mod.SHIFT, 6),
        (Mod.CTRL | Mod.ALT, 7),
        (Mod.CTRL | Mod.ALT | Mod.SHIFT, 8),
        (Mod.META, 9),
        (Mod.META | Mod.CTRL | Mod.ALT | Mod.SHIFT, 16),
    ],
)
def test_modified_cursor_keys_carry_xterm_modifier_param(mods: Mod, param: int) -> None:
    assert encode_key("Up", mods) == f"\x1b[1;{param}A".encode()


def test_modified_cursor_keys_use_csi_even_in_application_mode() -> None:
    assert encode_key("Left", Mod.CTRL, APP_CURSOR) == b"\x1b[1;5D"
    assert encode_key("End", Mod.SHIFT, APP_CURSOR) == b"\x1b[1;2F"


def test_alt_on_csi_keys_is_a_parameter_not_an_esc_prefix() -> None:
    assert encode_key("Right", Mod.ALT) == b"\x1b[1;3C"
    assert encode_key("Right", Mod.ALT, NO_ALT_ESC) == b"\x1b[1;3C"


# --- editing and function keys -----------------------------------------------------------------

TILDE = {
    "Insert": 2, "Delete": 3, "PageUp": 5, "PageDown": 6,
    "F5": 15, "F6": 17, "F7": 18, "F8": 19, "F9": 20, "F10": 21, "F11": 23, "F12": 24,
    "F13": 25, "F14": 26, "F15": 28, "F16": 29, "F17": 31, "F18": 32, "F19": 33, "F20": 34,
}  # fmt: skip


@pytest.mark.parametrize(("key", "code"), TILDE.items())
def test_tilde_keys(key: str, code: int) -> None:
    assert encode_key(key) == f"\x1b[{code}~".encode()
    assert encode_key(key, modes=APP_CURSOR) == f"\x1b[{code}~".encode()
    assert encode_key(key, Mod.CTRL) == f"\x1b[{code};5~".encode()


def test_delete_examples_from_the_brief() -> None:
    assert encode_key("Delete") == b"\x1b[3~"
    assert encode_key("Delete", Mod.CTRL) == b"\x1b[3;5~"
    assert encode_key("PageUp", Mod.SHIFT) == b"\x1b[5;2~"


@pytest.mark.parametrize(("key", "final"), [("F1", "P"), ("F2", "Q"), ("F3", "R"), ("F4", "S")])
def test_f1_to_f4(key: str, final: str) -> None:
    assert encode_key(key) == b"\x1bO" + final.encode()
    assert encode_key(key, modes=APP_CURSOR) == b"\x1bO" + final.encode()
    assert encode_key(key, Mod.SHIFT) == b"\x1b[1;2" + final.encode()
    assert encode_key(key, Mod.CTRL | Mod.ALT) == b"\x1b[1;7" + final.encode()


# --- Enter, Tab, Backspace, Escape --------------------------------------------------------------


def test_enter() -> None:
    assert encode_key("Enter") == b"\r"
    assert encode_key("Enter", modes=LNM) == b"\r\n"
    assert encode_key("Enter", Mod.ALT) == b"\x1b\r"
    assert encode_key("Enter", Mod.CTRL) == b"\r"
    assert encode_key("Enter", Mod.ALT, NO_ALT_ESC) == b"\r"


def test_tab_and_backtab() -> None:
    assert encode_key("Tab") == b"\t"
    assert encode_key("Tab", Mod.SHIFT) == b"\x1b[Z"
    assert encode_key("Tab", Mod.CTRL) == b"\t"
    assert encode_key("Tab", Mod.ALT) == b"\x1b\t"


def test_backspace() -> None:
    assert encode_key("Backspace") == b"\x7f"
    assert encode_key("Backspace", Mod.CTRL) == b"\x08"
    assert encode_key("Backspace", Mod.ALT) == b"\x1b\x7f"
    assert encode_key("Backspace", Mod.ALT | Mod.CTRL) == b"\x1b\x08"
    assert encode_key("Backspace", modes=DECBKM) == b"\x08"
    assert encode_key("Backspace", Mod.CTRL, DECBKM) == b"\x7f"


def test_escape() -> None:
    assert encode_key("Escape") == b"\x1b"
    assert encode_key("Escape", Mod.ALT) == b"\x1b\x1b"
    assert encode_key("Escape", Mod.META) == b"\x1b\x1b"


# --- keypad -------------------------------------------------------------------------------------

KEYPAD = {
    **{f"KP_{d}": (str(d), "pqrstuvwxy"[d]) for d in range(10)},
    "KP_Add": ("+", "k"),
    "KP_Subtract": ("-", "m"),
    "KP_Multiply": ("*", "j"),
    "KP_Divide": ("/", "o"),
    "KP_Decimal": (".", "n"),
    "KP_Separator": (",", "l"),
    "KP_Equal": ("=", "X"),
}


@pytest.mark.parametrize(("key", "chars"), KEYPAD.items())
def test_keypad(key: str, chars: tuple[str, str]) -> None:
    numeric, app = chars
    assert encode_key(key) == numeric.encode()
    assert encode_key(key, modes=APP_KEYPAD) == b"\x1bO" + app.encode()
    assert encode_key(key, Mod.ALT) == b"\x1b" + numeric.encode()


def test_keypad_enter() -> None:
    assert encode_key("KP_Enter") == b"\r"
    assert encode_key("KP_Enter", modes=LNM) == b"\r\n"
    assert encode_key("KP_Enter", modes=APP_KEYPAD) == b"\x1bOM"
    assert encode_key("KP_Enter", modes=KeyModes(app_keypad=True, newline_mode=True)) == b"\x1bOM"


def test_keypad_mode_does_not_affect_cursor_keys_and_vice_versa() -> None:
    assert encode_key("Up", modes=APP_KEYPAD) == b"\x1b[A"
    assert encode_key("KP_1", modes=APP_CURSOR) == b"1"


def test_unknown_key_name_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unknown key name 'F21'"):
        encode_key("F21")


def test_every_key_name_encodes_to_nonempty_bytes() -> None:
    for key in KEY_NAMES:
        for mods in (Mod.NONE, Mod.SHIFT, Mod.CTRL, Mod.ALT):
            assert encode_key(key, mods), key


# --- typed text ---------------------------------------------------------------------------------


def test_plain_text() -> None:
    assert encode_text("a") == b"a"
    assert encode_text("") == b""
    assert encode_text("A", Mod.SHIFT) == b"A"
    assert encode_text("你好") == "你好".encode()


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("c", b"\x03"),
        ("C", b"\x03"),
        ("a", b"\x01"),
        ("z", b"\x1a"),
        ("@", b"\x00"),
        (" ", b"\x00"),
        ("2", b"\x00"),
        ("[", b"\x1b"),
        ("3", b"\x1b"),
        ("\\", b"\x1c"),
        ("]", b"\x1d"),
        ("^", b"\x1e"),
        ("~", b"\x1e"),
        ("_", b"\x1f"),
        ("/", b"\x1f"),
        ("?", b"\x7f"),
        ("8", b"\x7f"),
    ],
)
def test_ctrl_characters(char: str, expected: bytes) -> None:
    assert encode_text(char, Mod.CTRL) == expected


def test_ctrl_with_no_control_form_sends_the_character() -> None:
    assert encode_text("1", Mod.CTRL) == b"1"
    assert encode_text("é", Mod.CTRL) == "é".encode()
    assert encode_text("ab", Mod.CTRL) == b"ab"


def test_alt_prefixes_escape() -> None:
    assert encode_text("x", Mod.ALT) == b"\x1bx"
    assert encode_text("x", Mod.META) == b"\x1bx"
    assert encode_text("c", Mod.CTRL | Mod.ALT) == b"\x1b\x03"
    assert encode_text("é", Mod.ALT) == b"\x1b\xc3\xa9"
    assert encode_text("x", Mod.ALT, NO_ALT_ESC) == b"x"


def test_session_encoding_and_unencodable_characters() -> None:
    assert encode_text("你", encoding="cp936") == b"\xc4\xe3"
    assert encode_text("é", encoding="cp437") == b"\x82"
    assert encode_text("你", encoding="cp437") == b"?"
    assert encode_text("a你b", encoding="latin-1") == b"a?b"
    assert encode_text("\ud800") == b"?"  # lone surrogate cannot be UTF-8


def test_unknown_encoding_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        encode_text("a", encoding="no-such-codec")


# --- paste --------------------------------------------------------------------------------------


def test_paste_cannot_end_bracketed_paste_early() -> None:
    out = encode_paste("\x1b[201~rm -rf /\n", bracketed=True)
    assert out == b"\x1b[200~rm -rf /\r\x1b[201~"


def test_paste_newlines_become_cr() -> None:
    assert encode_paste("a\nb\r\nc\rd", bracketed=False) == b"a\rb\rc\rd"
    assert encode_paste("a\nb", bracketed=True) == b"\x1b[200~a\rb\x1b[201~"


def test_paste_drops_control_characters_but_keeps_tab() -> None:
    text = "a\tb\x00c\x03d\x07e\x08f\x1bg\x7fh\x85i\x9bj\x9fk\x0bl\x0cm"
    assert encode_paste(text, bracketed=False) == b"a\tbcdefghijklm"


def test_paste_strips_start_markers_and_c1_csi_markers() -> None:
    assert encode_paste("a\x1b[200~b\x9b201~c\x9b200~d", bracketed=True) == b"\x1b[200~abcd\x1b[201~"


def test_paste_markers_cannot_reassemble_after_stripping() -> None:
    out = encode_paste("x\x1b[20\x1b[201~1~y", bracketed=True)
    assert out == b"\x1b[200~xy\x1b[201~"
    inner = out[len(PASTE_START) : -len(PASTE_END)]
    assert b"\x1b" not in inner


def test_paste_leaves_no_escape_sequence_introducer_in_any_input() -> None:
    hostile = "".join(chr(c) for c in range(0x00, 0xA0)) + "\x1b[201~\x9b201~\x1b]52;c;x\x07"
    out = encode_paste(hostile, bracketed=True)
    inner = out[len(PASTE_START) : -len(PASTE_END)]
    assert re.fullmatch(rb"[\t\r\x20-\x7e]*", inner)
    assert out.count(b"\x1b") == 2


def test_paste_encoding_and_empty() -> None:
    assert encode_paste("你", bracketed=False, encoding="cp936") == b"\xc4\xe3"
    assert encode_paste("你", bracketed=False, encoding="latin-1") == b"?"
    assert encode_paste("", bracketed=True) == b""
    assert encode_paste("\x1b\x00", bracketed=True) == b""


# --- focus --------------------------------------------------------------------------------------


def test_focus() -> None:
    assert encode_focus(True) == b"\x1b[I"
    assert encode_focus(False) == b"\x1b[O"


# --- mouse --------------------------------------------------------------------------------------

P, R, M = MouseAction.PRESS, MouseAction.RELEASE, MouseAction.MOTION
NORMAL, BTN, ANY = MouseTracking.NORMAL, MouseTracking.BUTTON_EVENT, MouseTracking.ANY_EVENT


def legacy(cb: int, col: int, row: int) -> bytes:
    return b"\x1b[M" + bytes([32 + cb, 33 + col, 33 + row])


def test_mouse_off_reports_nothing() -> None:
    assert encode_mouse(P, MouseButton.LEFT, 0, 0, tracking=MouseTracking.OFF) == b""
    assert encode_mouse(P, MouseButton.LEFT, 0, 0, tracking=MouseTracking.OFF, sgr=True) == b""


def test_mouse_legacy_press_and_release() -> None:
    assert encode_mouse(P, MouseButton.LEFT, 0, 0, tracking=NORMAL) == b"\x1b[M !!"
    assert encode_mouse(P, MouseButton.MIDDLE, 4, 9, tracking=NORMAL) == legacy(1, 4, 9)
    assert encode_mouse(P, MouseButton.RIGHT, 4, 9, tracking=NORMAL) == legacy(2, 4, 9)
    assert encode_mouse(R, MouseButton.RIGHT, 4, 9, tracking=NORMAL) == legacy(3, 4, 9)
    assert encode_mouse(R, MouseButton.BACK, 4, 9, tracking=NORMAL) == legacy(3, 4, 9)
    assert encode_mouse(P, MouseButton.BACK, 4, 9, tracking=NORMAL) == legacy(128, 4, 9)


def test_mouse_legacy_modifiers() -> None:
    assert encode_mouse(P, MouseButton.LEFT, 1, 2, Mod.SHIFT, tracking=NORMAL) == legacy(4, 1, 2)
    assert encode_mouse(P, MouseButton.LEFT, 1, 2, Mod.ALT, tracking=NORMAL) == legacy(8, 1, 2)
    assert encode_mouse(P, MouseButton.LEFT, 1, 2, Mod.CTRL, tracking=NORMAL) == legacy(16, 1, 2)
    all_mods = Mod.SHIFT | Mod.META | Mod.CTRL
    assert encode_mouse(R, MouseButton.LEFT, 1, 2, all_mods, tracking=NORMAL) == legacy(3 + 28, 1, 2)


def test_mouse_wheel() -> None:
    assert encode_mouse(P, MouseButton.WHEEL_UP, 0, 0, tracking=NORMAL) == legacy(64, 0, 0)
    assert encode_mouse(P, MouseButton.WHEEL_DOWN, 0, 0, tracking=NORMAL) == legacy(65, 0, 0)
    assert encode_mouse(P, MouseButton.WHEEL_LEFT, 0, 0, tracking=NORMAL) == legacy(66, 0, 0)
    assert encode_mouse(P, MouseButton.WHEEL_RIGHT, 0, 0, tracking=NORMAL) == legacy(67, 0, 0)
    assert encode_mouse(P, MouseButton.WHEEL_UP, 2, 3, Mod.CTRL, tracking=ANY, sgr=True) == b"\x1b[<80;3;4M"
    assert encode_mouse(R, MouseButton.WHEEL_UP, 0, 0, tracking=NORMAL) == b""
    assert encode_mouse(R, MouseButton.WHEEL_UP, 0, 0, tracking=ANY, sgr=True) == b""


def test_mouse_sgr_press_release_motion() -> None:
    assert encode_mouse(P, MouseButton.LEFT, 0, 0, tracking=NORMAL, sgr=True) == b"\x1b[<0;1;1M"
    assert encode_mouse(R, MouseButton.LEFT, 0, 0, tracking=NORMAL, sgr=True) == b"\x1b[<0;1;1m"
    assert encode_mouse(R, MouseButton.RIGHT, 9, 4, Mod.SHIFT, tracking=NORMAL, sgr=True) == b"\x1b[<6;10;5m"
    assert encode_mouse(M, MouseButton.LEFT, 9, 4, tracking=BTN, sgr=True) == b"\x1b[<32;10;5M"
    assert encode_mouse(M, MouseButton.NONE, 9, 4, tracking=ANY, sgr=True) == b"\x1b[<35;10;5M"


def test_mouse_sgr_has_no_coordinate_limit() -> None:
    assert encode_mouse(P, MouseButton.LEFT, 299, 1000, tracking=NORMAL, sgr=True) == b"\x1b[<0;300;1001M"


def test_mouse_x10_reports_presses_only_without_modifiers() -> None:
    x10 = MouseTracking.X10
    assert encode_mouse(P, MouseButton.LEFT, 3, 4, Mod.CTRL | Mod.SHIFT, tracking=x10) == legacy(0, 3, 4)
    assert encode_mouse(R, MouseButton.LEFT, 3, 4, tracking=x10) == b""
    assert encode_mouse(M, MouseButton.LEFT, 3, 4, tracking=x10) == b""


@pytest.mark.parametrize(
    ("tracking", "drag", "hover"),
    [(MouseTracking.X10, False, False), (NORMAL, False, False), (BTN, True, False), (ANY, True, True)],
)
def test_mouse_motion_by_tracking_mode(tracking: MouseTracking, drag: bool, hover: bool) -> None:
    dragged = encode_mouse(M, MouseButton.LEFT, 5, 6, tracking=tracking)
    hovered = encode_mouse(M, MouseButton.NONE, 5, 6, tracking=tracking)
    assert dragged == (legacy(32, 5, 6) if drag else b"")
    assert hovered == (legacy(35, 5, 6) if hover else b"")


def test_mouse_press_without_button_is_not_an_event() -> None:
    assert encode_mouse(P, MouseButton.NONE, 0, 0, tracking=ANY) == b""


def test_mouse_legacy_coordinates_beyond_223_use_xterm_past_end_marker() -> None:
    # 0-based 222 is the last encodable cell (byte 0xFF); from 223 on xterm sends NUL.
    assert encode_mouse(P, MouseButton.LEFT, 222, 0, tracking=NORMAL) == b"\x1b[M \xff!"
    assert encode_mouse(P, MouseButton.LEFT, 223, 0, tracking=NORMAL) == b"\x1b[M \x00!"
    assert encode_mouse(P, MouseButton.LEFT, 500, 300, tracking=NORMAL) == b"\x1b[M \x00\x00"
    assert encode_mouse(P, MouseButton.LEFT, 94, 95, tracking=NORMAL) == b"\x1b[M \x7f\x80"


def test_mouse_negative_coordinates_clamp_to_zero() -> None:
    assert encode_mouse(M, MouseButton.LEFT, -5, -1, tracking=BTN) == legacy(32, 0, 0)
    assert encode_mouse(M, MouseButton.LEFT, -5, -1, tracking=BTN, sgr=True) == b"\x1b[<32;1;1M"


def test_tracking_values_are_dec_private_mode_numbers() -> None:
    assert [t.value for t in MouseTracking] == [0, 9, 1000, 1002, 1003]


def test_a_locked_keyboard_sends_nothing() -> None:
    """KAM (CSI 2 h): xterm ignores keys and typed text until the program unlocks the keyboard."""
    locked = KeyModes(keyboard_locked=True)
    assert encode_key("Up", Mod.NONE, locked) == b""
    assert encode_key("Enter", Mod.CTRL, locked) == b""
    assert encode_text("a", Mod.NONE, locked) == b""
    assert encode_text("a", Mod.NONE, KeyModes()) == b"a"
    with pytest.raises(ValueError):
        encode_key("NoSuchKey", Mod.NONE, locked)  # a caller's bug stays loud even while locked


# ------------------------------------------------------------------ paste markers in the session's bytes


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        # cp437 writes ¢ as 9B (the 8-bit CSI), cp1252 writes › as 9B: "¢201~" would end the bracket early.
        ("a¢201~b", "cp437", b"ab"),
        ("a\u203a200~b", "cp1252", b"ab"),
        ("¢20¢201~1~", "cp437", b""),  # removing one cannot make another
        ("¢~", "cp437", b"\x9b~"),  # a lone 9B that starts no marker stays
        # Inside a UTF-8 character the byte is no control to a program that decodes: Û is C3 9B.
        ("Û201~", "utf-8", "Û201~".encode()),
        ("é¢201~", "utf-8", "é¢201~".encode()),
    ],
)
def test_a_paste_marker_made_by_the_encoding_is_removed(text: str, encoding: str, expected: bytes) -> None:
    bracketed = encode_paste(text, bracketed=True, encoding=encoding)
    if expected:
        assert bracketed == b"\x1b[200~" + expected + b"\x1b[201~"
    else:
        assert bracketed == b""
    assert encode_paste(text, bracketed=False, encoding=encoding) == expected


@given(
    st.text(alphabet=st.sampled_from("¢›Û201~[\x1b\x9b a\n"), max_size=30),
    st.sampled_from(["cp437", "cp1252", "utf-8", "cp850"]),
)
def test_no_paste_ever_carries_an_end_marker_at_a_character_start(text: str, encoding: str) -> None:
    body = encode_paste(text, bracketed=True, encoding=encoding)
    inner = body[len(b"\x1b[200~") : -len(b"\x1b[201~")] if body else b""
    assert b"\x1b[201~" not in inner and b"\x1b" not in inner
    if encoding != "utf-8":  # single-byte code pages: every byte starts a character
        assert b"\x9b201~" not in inner and b"\x9b200~" not in inner


def test_multiline_paste_is_any_line_break() -> None:
    assert is_multiline_paste("a\nb") and is_multiline_paste("a\r") and is_multiline_paste("cmd\n")
    assert not is_multiline_paste("one line")
