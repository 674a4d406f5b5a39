"""Column editing (SL/SR, DECIC/DECDC, DECBI/DECFI), reverse wraparound (modes 45 and 1045), XTSAVE /
XTRESTORE, REP's memory, DECCOLM without a resize, the curses fix (?41) and DECSCL's levels, in the spirit
of esctest2's sl/sr, decic/decdc, decbi/decfi, bs, xterm_save, rep and decscl tests.

xterm is the specification: ``util.c``'s ``xtermColScroll``/``xtermColIndex``/``xtermScrollLR``,
``cursor.c``'s ``CursorBack`` (xterm 383: 45 wraps only onto a row that wrapped into this one, 1045 onto any
row, bottom margin after top margin), ``charproc.c``'s ``savemodes``/``restoremodes`` and ``CASE_REP`` (the
last character is forgotten as soon as anything but a printable character is parsed).
"""

from __future__ import annotations

import pytest

from app.vt import Terminal
from tests.vt.strict import rows, strict_terminal

LRMM = "\x1b[?69h"


def term(data: str = "", cols: int = 10, rows: int = 4) -> Terminal:
    return strict_terminal(data, cols, rows)


GRID = "0123456789\r\nabcdefghij\r\nABCDEFGHIJ\r\nklmnopqrst"


# ------------------------------------------------------------------ SL / SR
def test_sl_and_sr_shift_every_row_and_leave_the_cursor() -> None:
    t = term(GRID + "\x1b[2;5H\x1b[2 @")
    assert rows(t) == ["23456789", "cdefghij", "CDEFGHIJ", "mnopqrst"]
    assert t.cursor == (1, 4)
    t = term(GRID + "\x1b[ A")
    assert rows(t) == [" 012345678", " abcdefghi", " ABCDEFGHI", " klmnopqrs"]


def test_sl_and_sr_stay_within_both_pairs_of_margins() -> None:
    t = term(GRID + "\x1b[2;3r" + LRMM + "\x1b[3;6s\x1b[2;4H\x1b[ @")
    assert rows(t) == ["0123456789", "abdef ghij", "ABDEF GHIJ", "klmnopqrst"]
    t = term(GRID + "\x1b[2;3r" + LRMM + "\x1b[3;6s\x1b[3;3H\x1b[9 A")
    assert rows(t) == ["0123456789", "ab    ghij", "AB    GHIJ", "klmnopqrst"]


def test_sl_and_sr_need_the_cursor_inside_the_margins() -> None:
    t = term(GRID + LRMM + "\x1b[3;6s\x1b[1;9H\x1b[ @")
    assert rows(t) == GRID.split("\r\n")
    t = term(GRID + "\x1b[2;3r\x1b[H\x1b[ A")  # above the scrolling region
    assert rows(t) == GRID.split("\r\n")


# ------------------------------------------------------------------ DECIC / DECDC
def test_decic_inserts_blank_columns_at_the_cursor() -> None:
    t = term(GRID + "\x1b[2;3H\x1b[2'}")
    assert rows(t) == ["01  234567", "ab  cdefgh", "AB  CDEFGH", "kl  mnopqr"]
    assert t.cursor == (1, 2)


def test_decdc_deletes_columns_at_the_cursor() -> None:
    t = term(GRID + "\x1b[2;3H\x1b[2'~")
    assert rows(t) == ["01456789", "abefghij", "ABEFGHIJ", "klopqrst"]


def test_decic_and_decdc_stay_in_the_scrolling_region() -> None:
    t = term(GRID + "\x1b[2;3r" + LRMM + "\x1b[3;8s\x1b[2;4H\x1b['}")
    assert rows(t) == ["0123456789", "abc defgij", "ABC DEFGIJ", "klmnopqrst"]
    t.feed(b"\x1b[2;4H\x1b[9'~")
    assert rows(t) == ["0123456789", "abc     ij", "ABC     IJ", "klmnopqrst"]


def test_decic_outside_the_region_does_nothing() -> None:
    t = term(GRID + "\x1b[2;3r\x1b[4;2H\x1b['}")
    assert rows(t) == GRID.split("\r\n")
    t = term(GRID + LRMM + "\x1b[3;6s\x1b[1;8H\x1b['~")
    assert rows(t) == GRID.split("\r\n")


# ------------------------------------------------------------------ DECBI / DECFI
def test_decbi_moves_left_and_scrolls_right_at_the_left_margin() -> None:
    t = term(GRID + "\x1b[1;3H\x1b6")
    assert t.cursor == (0, 1)
    assert rows(t)[0] == "0123456789"
    t.feed(b"\x1b[1;1H\x1b6")
    assert t.cursor == (0, 0)
    assert rows(t) == [" 012345678", " abcdefghi", " ABCDEFGHI", " klmnopqrs"]


def test_decfi_moves_right_and_scrolls_left_at_the_right_margin() -> None:
    t = term(GRID + LRMM + "\x1b[3;6s\x1b[1;6H\x1b9")
    assert t.cursor == (0, 5)
    assert rows(t) == ["01345 6789", "abdef ghij", "ABDEF GHIJ", "klnop qrst"]


def test_decfi_left_of_the_right_edge_outside_margins_just_moves() -> None:
    t = term(GRID + LRMM + "\x1b[3;6s\x1b[1;8H\x1b9")
    assert t.cursor == (0, 8)
    assert rows(t) == GRID.split("\r\n")


# ------------------------------------------------------------------ reverse wraparound
def test_without_reverse_wrap_bs_stops_at_the_left_edge() -> None:
    t = term("abcdefghijkl\x1b[2;1H\x08")
    assert t.cursor == (1, 0)


def test_mode_45_wraps_back_only_onto_a_row_that_wrapped() -> None:
    t = term("\x1b[?45habcdefghijkl\x08\x08\x08")
    assert t.cursor == (0, 9)  # "kl" is a continuation of row 1: back onto its last column
    t.feed(b"X\r\n\r\n\x08")
    assert t.cursor == (2, 0)  # row 2 did not wrap into row 3: stay


def test_mode_45_needs_autowrap() -> None:
    t = term("\x1b[?45h\x1b[?7labcdefghijkl\x1b[?7l\x1b[2;1H\x08")
    assert t.cursor == (1, 0)


def test_mode_1045_wraps_to_any_row_and_from_the_top_margin_to_the_bottom() -> None:
    t = term("\x1b[?1045h\x1b[3;1H\x08")
    assert t.cursor == (1, 9)
    t.feed(b"\x1b[2;3r\x1b[2;1H\x08")
    assert t.cursor == (2, 9)  # from the top margin to the bottom one


def test_reverse_wrap_from_a_pending_wrap_only_cancels_it() -> None:
    t = term("\x1b[?1045h\x1b[1;9Hab\x08X")
    assert rows(t)[0] == "        aX"


def test_reverse_wrap_within_left_right_margins() -> None:
    t = term("\x1b[?1045h" + LRMM + "\x1b[5;8s\x1b[3;5H\x08")
    assert t.cursor == (1, 7)
    t.feed(b"\x1b[3;1H\x08")  # left of the margin: wraps to the right margin too (xterm)
    assert t.cursor == (1, 7)


def test_cub_with_reverse_wrap_goes_back_several_rows() -> None:
    t = term("\x1b[?45h" + "x" * 25 + "\x1b[12D")
    assert t.cursor == (1, 3)


# ------------------------------------------------------------------ XTSAVE / XTRESTORE
def test_xtsave_and_xtrestore_a_mode() -> None:
    t = term("\x1b[?7l\x1b[?7s\x1b[?7h\x1b[?7r")
    assert not t.mode(7)
    t.feed(b"\x1b[?7h\x1b[?7s\x1b[?7l\x1b[?7r")
    assert t.mode(7)


def test_xtrestore_of_origin_mode_homes_and_unsaved_modes_are_left_alone() -> None:
    t = term("\x1b[2;3r\x1b[?6h\x1b[?6s\x1b[?6l\x1b[4;4H\x1b[?6;25r")
    assert t.mode(6)
    assert t.cursor == (1, 0)
    assert t.mode(25)


def test_xtrestore_of_the_alternate_screen() -> None:
    t = term("main\x1b[?1049s\x1b[?1049halt\x1b[?1049r")
    assert not t.alternate_screen
    assert rows(t)[0] == "main"


# ------------------------------------------------------------------ REP forgets the last character
@pytest.mark.parametrize(
    ("data", "first_row", "second_row"),
    [
        ("x\x1b[5b\n\x1b[3b<", "xxxxxx", "      <"),  # the example: LF intervenes
        ("x\x1b[2b\x1b[2b", "xxx", ""),  # REP itself intervenes
        ("x\x1b[1m\x1b[2b", "x", ""),  # an SGR intervenes
        ("x\x07\x1b[2b", "x", ""),  # BEL
        ("x\x1b]2;t\x07\x1b[2b", "x", ""),  # an OSC
        ("x\x1b7\x1b[2b", "x", ""),  # an ESC sequence
        ("x\x1b[\n2b", "x", " xx"),  # LF inside the sequence moves down, but xterm is still in the sequence
        ("ab\x1b[2b", "abbb", ""),
        ("e\u0301\x1b[2b", "e\u0301", ""),  # the last character was a combining mark: nothing to repeat
    ],
)
def test_rep_repeats_only_right_after_a_printed_character(data: str, first_row: str, second_row: str) -> None:
    t = term(data)
    assert rows(t)[:2] == [first_row, second_row]


# ------------------------------------------------------------------ DECCOLM, the curses fix, DECSCL
def test_deccolm_with_40_clears_resets_margins_and_homes_without_resizing() -> None:
    t = term("abc\x1b[2;3r\x1b[2;2H\x1b[?40h\x1b[?3h")
    assert rows(t) == ["", "", "", ""]
    assert (t.cols, t.rows) == (10, 4)
    assert t.cursor == (0, 0)
    assert (t.screen.top, t.screen.bottom) == (0, 3)


def test_deccolm_with_decncsm_keeps_the_screen() -> None:
    t = term("abc\x1b[?40h\x1b[?95h\x1b[?3h")
    assert rows(t)[0] == "abc"


def test_curses_fix_makes_a_tab_at_the_end_of_a_full_row_wrap() -> None:
    t = term("\x1b[?41h" + "x" * 10 + "\t1")
    assert rows(t)[:2] == ["x" * 10, "        1"]
    t = term("x" * 10 + "\t1")  # without it the tab does nothing and the wrap is still pending (xterm)
    assert rows(t)[:2] == ["x" * 10, "1"]


def test_decscl_does_a_soft_reset() -> None:
    t = term('\x1b[4h\x1b[?6h\x1b[64;1"p')
    assert not t.mode(4, private=False) and not t.mode(6)


def test_a_wrap_pending_with_autowrap_off_wraps_once_decawm_is_back() -> None:
    """xterm sets its wrap flag at the last column even with DECAWM off (it then only overwrites); setting
    DECAWM again before the next character makes that character wrap."""
    t = term("\x1b[?7l" + "abcdefghijklmn" + "\x1b[?7hZ")
    assert rows(t)[:2] == ["abcdefghin", "Z"]
    t = term("\x1b[?7labcdefghijklmnZ")
    assert rows(t)[:2] == ["abcdefghiZ", ""]
    t = term("\x1b[?7labcdefghij\u0301")  # the mark joins the last column's character, not the one before
    assert t.display[0] == "abcdefghij\u0301"
