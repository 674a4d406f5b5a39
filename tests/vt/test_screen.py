"""Screen behaviour through the public ``Terminal``, in the spirit of vttest and libvterm's t/*.test.

xterm is the specification.  Where a case rests on a detail of xterm's behaviour that is easy to get
wrong, the comment next to it says which behaviour is asserted (from xterm's ctlseqs and its
charproc.c/cursor.c/util.c as remembered; "not fully sure" marks the ones to double-check).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from app.vt.style import BOLD, DEFAULT, ITALIC, REVERSE, UL_CURLY, UL_DOUBLE, UL_NONE, UL_SINGLE, Style, rgb
from app.vt.width import WIDE_PLACEHOLDER
from tests.vt.strict import full_state, strict_terminal


def term(data: bytes | str = b"", cols: int = 10, rows: int = 5, **kw: object) -> Terminal:
    t = Terminal(cols=cols, rows=rows, **kw)  # type: ignore[arg-type]
    if data:
        t.feed(data.encode() if isinstance(data, str) else data)
    return t


def rows(t: Terminal) -> list[str]:
    """The visible rows with trailing blanks removed."""
    return [r.rstrip() for r in t.display]


def hist(t: Terminal) -> list[str]:
    return [r.rstrip() for r in t.history]


def cells(t: Terminal, y: int) -> list[str]:
    """The cells of visible row *y* (a wide char's right half is ``WIDE_PLACEHOLDER``)."""
    line = t.screen.lines[y]
    if hasattr(line, "cells"):  # the string-row model marks a right half with ""
        return [c or WIDE_PLACEHOLDER for c in line.cells()]
    return list(line.chars)


def style_at(t: Terminal, y: int, x: int) -> Style:
    s = t.screen
    line = s.lines[y]
    sid = line.style_at(x) if hasattr(line, "style_at") else line.styles[x]
    return s.styles[sid]


NUMBERED = "1\r\n2\r\n3\r\n4\r\n5"  # rows 1..5 on a 5-row screen, cursor at (4, 1)


# ------------------------------------------------------------------ printing and autowrap
def test_plain_text_and_cursor() -> None:
    t = term("hello")
    assert t.display[0] == "hello     "
    assert rows(t) == ["hello", "", "", "", ""]
    assert t.cursor == (0, 5)


def test_pending_wrap_keeps_cursor_on_last_column() -> None:
    t = term("abcdefghij")
    assert t.cursor == (0, 9)
    assert rows(t) == ["abcdefghij", "", "", "", ""]
    t.feed(b"k")
    assert rows(t) == ["abcdefghij", "k", "", "", ""]
    assert t.cursor == (1, 1)
    assert t.screen.lines[0].wrapped is True


def test_pending_wrap_across_two_feeds() -> None:
    t = term("abcdefghij")
    t.feed(b"klm")
    assert rows(t)[:2] == ["abcdefghij", "klm"]
    assert t.cursor == (1, 3)


def test_cr_clears_pending_wrap() -> None:
    t = term("abcdefghij\rX")
    assert rows(t)[:2] == ["Xbcdefghij", ""]
    assert t.cursor == (0, 1)


def test_bs_clears_pending_wrap() -> None:
    # xterm: the cursor is on column 10 with the wrap flag set; BS moves it to column 9.
    t = term("abcdefghij\bX")
    assert rows(t)[:2] == ["abcdefghXj", ""]
    assert t.cursor == (0, 9)
    t.feed(b"Y")  # lands on the last column and sets the wrap flag again; no new row yet
    assert rows(t)[:2] == ["abcdefghXY", ""]
    assert t.cursor == (0, 9)


def test_cub_clears_pending_wrap() -> None:
    t = term("abcdefghij\x1b[DX")
    assert rows(t)[:2] == ["abcdefghXj", ""]


def test_lf_clears_pending_wrap() -> None:
    # xterm: LF (xtermIndex → CursorDown) resets the wrap flag; the column stays 10.
    t = term("abcdefghij\nX")
    assert rows(t)[:2] == ["abcdefghij", "         X"]
    assert t.cursor == (1, 9)


def test_cup_clears_pending_wrap() -> None:
    t = term("abcdefghij\x1b[1;10HX")
    assert rows(t)[:2] == ["abcdefghiX", ""]
    assert t.cursor == (0, 9)


def test_wrap_on_last_row_scrolls() -> None:
    t = term("abcdefghijklmnopqrstu", rows=2)
    assert hist(t) == ["abcdefghij"]
    assert rows(t) == ["klmnopqrst", "u"]
    assert t.cursor == (1, 1)


def test_decawm_off_overwrites_last_column() -> None:
    t = term("\x1b[?7labcdefghijklm")
    assert rows(t) == ["abcdefghim", "", "", "", ""]
    assert t.cursor == (0, 9)
    assert not t.mode(7)
    assert "?7" not in t.modes
    t.feed(b"\x1b[?7h\rabcdefghijk")
    assert t.mode(7)
    assert rows(t)[:2] == ["abcdefghij", "k"]


# ------------------------------------------------------------------ wide and combining characters
def test_cjk_takes_two_cells() -> None:
    t = term("中文x")
    assert t.display[0] == "中文x     "
    assert cells(t, 0)[:5] == ["中", WIDE_PLACEHOLDER, "文", WIDE_PLACEHOLDER, "x"]
    assert t.cursor == (0, 5)


def test_wide_char_at_last_column_wraps_leaving_it_blank() -> None:
    t = term("abcdefghi中")
    assert t.display[0] == "abcdefghi "
    assert rows(t)[:2] == ["abcdefghi", "中"]
    assert t.cursor == (1, 2)
    assert t.screen.lines[0].wrapped is True


def test_wide_char_filling_the_last_two_columns_sets_pending_wrap() -> None:
    t = term("abcdefgh中")
    assert rows(t)[0] == "abcdefgh中"
    assert t.cursor == (0, 9)
    t.feed(b"x")
    assert rows(t)[:2] == ["abcdefgh中", "x"]


def test_overwriting_right_half_of_wide_char_erases_it() -> None:
    t = term("中\x1b[1;2Hx")
    assert t.display[0] == " x        "
    assert cells(t, 0)[:2] == [" ", "x"]


def test_overwriting_left_half_of_wide_char_erases_it() -> None:
    t = term("中\rx")
    assert t.display[0] == "x         "
    assert cells(t, 0)[:2] == ["x", " "]


def test_combining_mark_joins_previous_cell() -> None:
    t = term("e\u0301x")
    assert cells(t, 0)[:2] == ["e\u0301", "x"]
    assert rows(t)[0] == "e\u0301x"
    assert t.cursor == (0, 2)


def test_combining_mark_in_a_later_feed() -> None:
    t = term("e")
    t.feed("\u0301".encode())
    assert cells(t, 0)[0] == "e\u0301"
    assert t.cursor == (0, 1)


def test_combining_mark_on_wide_char_and_on_pending_wrap() -> None:
    t = term("中\u0301")
    assert cells(t, 0)[:2] == ["中\u0301", WIDE_PLACEHOLDER]
    t = term("abcdefghij\u0301")
    assert cells(t, 0)[9] == "j\u0301"
    assert t.cursor == (0, 9)


# ------------------------------------------------------------------ tabs
def test_default_tab_stops() -> None:
    t = term("\t", cols=20)
    assert t.cursor == (0, 8)
    t.feed(b"\tX")
    assert t.display[0] == " " * 16 + "X   "
    t.feed(b"\t\t")  # no stop after 16: HT goes to the last column and stays there
    assert t.cursor == (0, 19)


def test_hts_sets_a_stop() -> None:
    t = term("\x1b[4G\x1bH\r\tX", cols=20)
    assert rows(t)[0] == "   X"
    assert t.cursor == (0, 4)


def test_hts_c1() -> None:
    t = term("\x1b[4G\u0088\r\t", cols=20)
    assert t.cursor == (0, 3)


def test_tbc_clears_one_stop_and_all() -> None:
    t = term("\x1b[9G\x1b[g\r\t", cols=20)
    assert t.cursor == (0, 16)
    t = term("\x1b[0g\r\t", cols=20)  # at column 1 there is no stop: nothing changes
    assert t.cursor == (0, 8)
    t = term("\x1b[3g\r\t", cols=20)
    assert t.cursor == (0, 19)


def test_cht() -> None:
    t = term("\x1b[I", cols=20)
    assert t.cursor == (0, 8)
    t = term("\x1b[2I", cols=20)
    assert t.cursor == (0, 16)
    t = term("\x1b[0I", cols=20)
    assert t.cursor == (0, 8)
    t = term("\x1b[9I", cols=20)
    assert t.cursor == (0, 19)


def test_cbt() -> None:
    t = term("\x1b[20G\x1b[Z", cols=20)
    assert t.cursor == (0, 16)
    t = term("\x1b[20G\x1b[2Z", cols=20)
    assert t.cursor == (0, 8)
    t = term("\x1b[9G\x1b[Z", cols=20)
    assert t.cursor == (0, 0)
    t = term("\x1b[Z", cols=20)
    assert t.cursor == (0, 0)


# ------------------------------------------------------------------ cursor motion
@pytest.mark.parametrize(
    ("seq", "expected"),
    [
        ("\x1b[4;5H\x1b[2A", (1, 4)),
        ("\x1b[4;5H\x1b[A", (2, 4)),
        ("\x1b[4;5H\x1b[0A", (2, 4)),
        ("\x1b[4;5H\x1b[9A", (0, 4)),
        ("\x1b[2B", (2, 0)),
        ("\x1b[B", (1, 0)),
        ("\x1b[0B", (1, 0)),
        ("\x1b[9B", (4, 0)),
        ("\x1b[3C", (0, 3)),
        ("\x1b[C", (0, 1)),
        ("\x1b[0C", (0, 1)),
        ("\x1b[99C", (0, 9)),
        ("\x1b[1;8H\x1b[3D", (0, 4)),
        ("\x1b[1;8H\x1b[D", (0, 6)),
        ("\x1b[1;8H\x1b[0D", (0, 6)),
        ("\x1b[1;8H\x1b[99D", (0, 0)),
        ("\x1b[3;4H", (2, 3)),
        ("\x1b[3;4H\x1b[H", (0, 0)),
        ("\x1b[3;4H\x1b[0;0H", (0, 0)),
        ("\x1b[99;99H", (4, 9)),
        ("\x1b[;5H", (0, 4)),
        ("\x1b[3H", (2, 0)),
        ("\x1b[3;4f", (2, 3)),
        ("\x1b[f", (0, 0)),
        ("\x1b[2;2H\x1b[5G", (1, 4)),
        ("\x1b[2;2H\x1b[0G", (1, 0)),
        ("\x1b[2;2H\x1b[G", (1, 0)),
        ("\x1b[2;2H\x1b[99G", (1, 9)),
        ("\x1b[2;2H\x1b[5`", (1, 4)),
        ("\x1b[2;2H\x1b[99`", (1, 9)),
        ("\x1b[1;3H\x1b[4d", (3, 2)),
        ("\x1b[1;3H\x1b[d", (0, 2)),
        ("\x1b[1;3H\x1b[99d", (4, 2)),
        ("\x1b[1;3H\x1b[2e", (2, 2)),
        ("\x1b[1;3H\x1b[e", (1, 2)),
        ("\x1b[1;3H\x1b[99e", (4, 2)),
        ("\x1b[1;3H\x1b[2a", (0, 4)),
        ("\x1b[1;3H\x1b[a", (0, 3)),
        ("\x1b[1;3H\x1b[99a", (0, 9)),
        ("\x1b[1;5H\x1b[2E", (2, 0)),
        ("\x1b[1;5H\x1b[E", (1, 0)),
        ("\x1b[1;5H\x1b[99E", (4, 0)),
        ("\x1b[4;5H\x1b[2F", (1, 0)),
        ("\x1b[4;5H\x1b[F", (2, 0)),
        ("\x1b[4;5H\x1b[99F", (0, 0)),
        ("\x1b[65535;65535H", (4, 9)),
        ("\x1b[99999999999999999999;99999999999999999999H", (4, 9)),
    ],
)
def test_cursor_motion(seq: str, expected: tuple[int, int]) -> None:
    assert term(seq).cursor == expected


def test_cursor_motion_does_not_print() -> None:
    t = term("\x1b[3;4H\x1b[A\x1b[2C\x1b[E\x1b[5G\x1b[2d")
    assert rows(t) == ["", "", "", "", ""]


def test_cuu_cud_stop_at_margins() -> None:
    assert term("\x1b[2;4r\x1b[3;1H\x1b[9A").cursor == (1, 0)
    assert term("\x1b[2;4r\x1b[2;1H\x1b[9B").cursor == (3, 0)
    # Outside the region the screen edges limit the motion.
    assert term("\x1b[2;4r\x1b[5;1H\x1b[B").cursor == (4, 0)
    assert term("\x1b[3;4r\x1b[1;1H\x1b[A").cursor == (0, 0)
    assert term("\x1b[3;4r\x1b[2;1H\x1b[A").cursor == (0, 0)


# ------------------------------------------------------------------ origin mode
def test_origin_mode_addresses_relative_to_margins() -> None:
    t = term("\x1b[2;4r\x1b[?6h")
    assert t.mode(6)
    assert t.cursor == (1, 0)  # DECSET 6 homes the cursor to the top margin
    t.feed(b"\x1b[1;1H")
    assert t.cursor == (1, 0)
    t.feed(b"\x1b[2;3H")
    assert t.cursor == (2, 2)
    t.feed(b"\x1b[9;1H")  # clamped to the bottom margin
    assert t.cursor == (3, 0)
    t.feed(b"\x1b[2d")
    assert t.cursor == (2, 0)
    t.feed(b"\x1b[9A")
    assert t.cursor == (1, 0)
    t.feed(b"X")
    assert rows(t)[1] == "X"
    t.feed(b"\x1b[?6l")
    assert not t.mode(6)
    assert t.cursor == (0, 0)  # DECRST 6 homes to the screen's origin


def test_cpr_is_origin_relative() -> None:
    t = term("\x1b[2;4r\x1b[?6h\x1b[2;3H\x1b[6n")
    assert t.take_replies() == [b"\x1b[2;3R"]
    t.feed(b"\x1b[?6l\x1b[3;3H\x1b[6n")
    assert t.take_replies() == [b"\x1b[3;3R"]


# ------------------------------------------------------------------ scroll regions
def test_decstbm_homes_cursor() -> None:
    assert term("\x1b[3;4H\x1b[2;4r").cursor == (0, 0)


@pytest.mark.parametrize("bad", ["\x1b[4;2r", "\x1b[3;3r"])
def test_invalid_decstbm_is_ignored(bad: str) -> None:
    # xterm sets the margins (and homes the cursor) only when top < bottom.
    t = term(NUMBERED)
    t.feed(bad.encode())
    assert t.cursor == (4, 1)
    t.feed(b"\n")
    assert hist(t) == ["1"]
    assert rows(t) == ["2", "3", "4", "5", ""]


def test_decstbm_bottom_beyond_screen_is_clamped() -> None:
    t = term(NUMBERED + "\x1b[2;99r\x1b[5;1H\n")
    assert rows(t) == ["1", "3", "4", "5", ""]
    assert hist(t) == []


def test_lf_scrolls_inside_region_only() -> None:
    t = term(NUMBERED + "\x1b[2;4r\x1b[4;1H\n")
    assert rows(t) == ["1", "3", "4", "", "5"]
    assert t.cursor == (3, 0)
    assert hist(t) == []  # a region that does not start at the top feeds no scrollback


def test_ind_and_c1_ind_scroll_inside_region() -> None:
    for seq in ("\x1bD", "\u0084"):
        t = term(NUMBERED + "\x1b[2;4r\x1b[4;3H" + seq)
        assert rows(t) == ["1", "3", "4", "", "5"]
        assert t.cursor == (3, 2)


def test_nel_scrolls_and_returns() -> None:
    for seq in ("\x1bE", "\u0085"):
        t = term(NUMBERED + "\x1b[2;4r\x1b[4;3H" + seq)
        assert rows(t) == ["1", "3", "4", "", "5"]
        assert t.cursor == (3, 0)


def test_ri_at_top_margin_scrolls_down() -> None:
    for seq in ("\x1bM", "\u008d"):
        t = term(NUMBERED + "\x1b[2;4r\x1b[2;1H" + seq)
        assert rows(t) == ["1", "", "2", "3", "5"]
        assert t.cursor == (1, 0)


def test_ri_at_screen_top_outside_region_does_nothing() -> None:
    t = term(NUMBERED + "\x1b[2;4r\x1b[1;1H\x1bM")
    assert rows(t) == ["1", "2", "3", "4", "5"]
    assert t.cursor == (0, 0)


def test_ri_at_top_of_screen_scrolls_screen() -> None:
    t = term(NUMBERED + "\x1b[H\x1bM")
    assert rows(t) == ["", "1", "2", "3", "4"]


def test_lf_below_region_at_last_row_does_not_scroll() -> None:
    t = term(NUMBERED + "\x1b[2;4r\x1b[5;1H\n")
    assert rows(t) == ["1", "2", "3", "4", "5"]
    assert t.cursor == (4, 0)


def test_full_screen_scroll_feeds_history() -> None:
    t = term("a\r\nb\r\nc\r\nd", rows=3)
    assert hist(t) == ["a"]
    assert rows(t) == ["b", "c", "d"]


# ------------------------------------------------------------------ editing
def test_il() -> None:
    t = term(NUMBERED + "\x1b[2;3H\x1b[L")
    assert rows(t) == ["1", "", "2", "3", "4"]
    # DEC STD 070 / xterm: IL and DL leave the cursor at the left margin.
    assert t.cursor == (1, 0)


def test_il_inside_region_and_outside() -> None:
    t = term(NUMBERED + "\x1b[2;4r\x1b[3;1H\x1b[2L")
    assert rows(t) == ["1", "2", "", "", "5"]
    t = term(NUMBERED + "\x1b[2;4r\x1b[5;1H\x1b[L")
    assert rows(t) == ["1", "2", "3", "4", "5"]
    t = term(NUMBERED + "\x1b[2;3H\x1b[99L")
    assert rows(t) == ["1", "", "", "", ""]


def test_dl() -> None:
    t = term(NUMBERED + "\x1b[2;1H\x1b[2M")
    assert rows(t) == ["1", "4", "5", "", ""]
    t = term(NUMBERED + "\x1b[2;4r\x1b[2;1H\x1b[M")
    assert rows(t) == ["1", "3", "4", "", "5"]
    t = term(NUMBERED + "\x1b[2;1H\x1b[0M")
    assert rows(t) == ["1", "3", "4", "5", ""]


def test_ich() -> None:
    t = term("abcdef\x1b[1;3H\x1b[2@")
    assert rows(t)[0] == "ab  cdef"
    assert t.cursor == (0, 2)
    t = term("abcdefghij\x1b[1;3H\x1b[3@")
    assert rows(t)[0] == "ab   cdefg"
    t = term("abcdef\x1b[1;3H\x1b[@")
    assert rows(t)[0] == "ab cdef"


def test_dch() -> None:
    t = term("abcdef\x1b[1;2H\x1b[2P")
    assert rows(t)[0] == "adef"
    assert t.cursor == (0, 1)
    t = term("abcdef\x1b[1;2H\x1b[P")
    assert rows(t)[0] == "acdef"
    t = term("abcdef\x1b[1;2H\x1b[99P")
    assert rows(t)[0] == "a"


def test_ech() -> None:
    t = term("abcdef\x1b[1;2H\x1b[2X")
    assert rows(t)[0] == "a  def"
    assert t.cursor == (0, 1)
    t = term("abcdef\x1b[1;2H\x1b[0X")
    assert rows(t)[0] == "a cdef"
    t = term("abcdef\x1b[1;2H\x1b[99X")
    assert rows(t)[0] == "a"


def test_rep() -> None:
    t = term("ab\x1b[3b")
    assert rows(t)[0] == "abbbb"
    assert t.cursor == (0, 5)
    t = term("中\x1b[2b")
    assert rows(t)[0] == "中中中"
    t = term("x\x1b[12b")  # REP wraps like ordinary printing
    assert rows(t)[:2] == ["xxxxxxxxxx", "xxx"]


def test_su_sd() -> None:
    t = term(NUMBERED + "\x1b[2S")
    assert rows(t) == ["3", "4", "5", "", ""]
    assert t.cursor == (4, 1)
    t = term(NUMBERED + "\x1b[2T")
    assert rows(t) == ["", "", "1", "2", "3"]
    assert t.cursor == (4, 1)
    t = term(NUMBERED + "\x1b[2;4r\x1b[S")
    assert rows(t) == ["1", "3", "4", "", "5"]
    t = term(NUMBERED + "\x1b[2;4r\x1b[T")
    assert rows(t) == ["1", "", "2", "3", "5"]


ABC = "abcde\r\nfghij\r\nklmno\x1b[2;3H"


@pytest.mark.parametrize(
    ("seq", "expected"),
    [
        ("\x1b[J", ["abcde", "fg", ""]),
        ("\x1b[0J", ["abcde", "fg", ""]),
        ("\x1b[1J", ["", "   ij", "klmno"]),
        ("\x1b[2J", ["", "", ""]),
        ("\x1b[K", ["abcde", "fg", "klmno"]),
        ("\x1b[0K", ["abcde", "fg", "klmno"]),
        ("\x1b[1K", ["abcde", "   ij", "klmno"]),
        ("\x1b[2K", ["abcde", "", "klmno"]),
    ],
)
def test_ed_el(seq: str, expected: list[str]) -> None:
    t = term(ABC + seq, cols=5, rows=3)
    assert rows(t) == expected
    assert t.cursor == (1, 2)


def test_ed3_clears_only_scrollback() -> None:
    t = term("a\r\nb\r\nc", rows=2)
    assert hist(t) == ["a"]
    t.feed(b"\x1b[3J")
    assert hist(t) == []
    assert rows(t) == ["b", "c"]


def test_el_splitting_a_wide_char_erases_all_of_it() -> None:
    t = term("中文\x1b[1;2H\x1b[K")
    assert rows(t)[0] == ""
    assert WIDE_PLACEHOLDER not in cells(t, 0)


def test_erase_uses_background_colour() -> None:
    # xterm's BCE: erased cells take the current background (and nothing else).
    t = term("\x1b[1;44m\x1b[2J")
    assert style_at(t, 2, 3) == Style(bg=4)


# ------------------------------------------------------------------ modes
def test_irm_insert_mode() -> None:
    t = term("abcdef\x1b[1;3H\x1b[4hXY")
    assert t.mode(4, private=False)
    assert "4" in t.modes
    assert rows(t)[0] == "abXYcdef"
    assert t.cursor == (0, 4)
    t.feed(b"\x1b[4lZ")
    assert not t.mode(4, private=False)
    assert rows(t)[0] == "abXYZdef"


def test_irm_pushes_text_off_the_line() -> None:
    t = term("abcdefghij\x1b[1;1H\x1b[4hX")
    assert rows(t)[:2] == ["Xabcdefghi", ""]


def test_lnm() -> None:
    t = term("\x1b[20hab\ncd")
    assert t.mode(20, private=False)
    assert rows(t)[:2] == ["ab", "cd"]
    assert t.cursor == (1, 2)
    t = term("ab\ncd")
    assert rows(t)[:2] == ["ab", "  cd"]


def test_decsc_decrc_restore_position() -> None:
    t = term("\x1b[3;4H\x1b7\x1b[H\x1b8")
    assert t.cursor == (2, 3)


def test_decsc_decrc_restore_rendition() -> None:
    t = term("\x1b[2;2H\x1b[1;31m\x1b7\x1b[0m\x1b[H\x1b8X")
    assert rows(t)[1] == " X"
    assert style_at(t, 1, 1) == Style(fg=1, flags=BOLD)


def test_save_cursor_mode_1048() -> None:
    t = term("\x1b[3;4H\x1b[?1048h\x1b[H\x1b[?1048l")
    assert t.cursor == (2, 3)


def test_decrc_without_save_goes_home() -> None:
    t = term("\x1b[3;4H\x1b[1m\x1b8X")
    assert t.cursor == (0, 1)
    assert style_at(t, 0, 0) == Style()


def test_alternate_screen_47_keeps_contents() -> None:
    t = term("main\x1b[?47h")
    assert t.alternate_screen
    assert t.mode(47)
    assert rows(t) == ["", "", "", "", ""]
    assert t.cursor == (0, 4)  # 47 neither moves nor saves the cursor
    t.feed(b"alt\x1b[?47l")
    assert not t.alternate_screen
    assert rows(t)[0] == "main"
    assert t.cursor == (0, 7)
    t.feed(b"\x1b[?47h")  # the alternate buffer kept what was written to it
    assert rows(t)[0] == "    alt"


def test_alternate_screen_1047_clears_on_leaving() -> None:
    t = term("main\x1b[?1047hX\x1b[?1047l")
    assert rows(t)[0] == "main"
    t.feed(b"\x1b[?1047h")
    assert rows(t) == ["", "", "", "", ""]


def test_alternate_screen_1049_saves_cursor_and_clears() -> None:
    t = term("main\x1b[2;3H\x1b[?1049h")
    assert t.alternate_screen
    assert rows(t) == ["", "", "", "", ""]
    assert t.cursor == (1, 2)
    t.feed(b"alt\x1b[H\x1b[?1049l")
    assert not t.alternate_screen
    assert rows(t) == ["main", "", "", "", ""]
    assert t.cursor == (1, 2)
    t.feed(b"\x1b[?1049h")
    assert rows(t) == ["", "", "", "", ""]


def test_alternate_screen_feeds_no_history() -> None:
    t = term("\x1b[?1049ha\r\nb\r\nc\r\nd", rows=2)
    assert hist(t) == []
    assert rows(t) == ["c", "d"]


def test_decaln() -> None:
    t = term("\x1b[2;4r\x1b[3;3H\x1b#8")
    assert t.display == ["E" * 10] * 5
    assert t.cursor == (0, 0)
    t.feed(b"\x1b[5;1H\n")  # margins reset: the whole screen scrolls
    assert t.history == ["E" * 10]


# ------------------------------------------------------------------ character sets
def test_dec_special_graphics() -> None:
    t = term("\x1b(0lqkx\r\nmqj\x1b(Bq")
    assert rows(t)[:2] == ["┌─┐│", "└─┘q"]


def test_shift_out_in_with_g1() -> None:
    t = term("\x1b)0q\x0eq\x0fq")
    assert rows(t)[0] == "q─q"


def test_decsc_saves_charsets() -> None:
    t = term("\x1b(0\x1b7\x1b(B\x1b8q")
    assert rows(t)[0] == "─"


# ------------------------------------------------------------------ scrollback and size
def test_scrollback_is_bounded() -> None:
    t = term("\r\n".join("12345678"), cols=5, rows=2, scrollback=3)
    assert rows(t) == ["7", "8"]
    assert hist(t) == ["4", "5", "6"]


def test_scrollback_zero_keeps_nothing() -> None:
    t = term("\r\n".join("12345678"), cols=5, rows=2, scrollback=0)
    assert rows(t) == ["7", "8"]
    assert hist(t) == []


def test_history_rows_have_the_text_form() -> None:
    t = term("中a\r\nb\r\nc", cols=5, rows=2)
    assert t.history == ["中a  "]


def test_resize_shrink_rows_keeps_cursor_row_visible() -> None:
    t = term(NUMBERED)
    t.resize(cols=10, rows=3)
    assert rows(t) == ["3", "4", "5"]
    assert hist(t) == ["1", "2"]
    assert t.cursor == (2, 1)


def test_resize_shrink_rows_with_cursor_at_top_drops_bottom_rows() -> None:
    t = term("ab")
    t.resize(cols=10, rows=3)
    assert rows(t) == ["ab", "", ""]
    assert hist(t) == []
    assert t.cursor == (0, 2)


def test_resize_grow() -> None:
    t = term("ab", rows=3)
    t.resize(cols=12, rows=5)
    assert t.display == ["ab" + " " * 10] + [" " * 12] * 4
    assert t.cursor == (0, 2)
    t.feed(b"\x1b[99;99H")
    assert t.cursor == (4, 11)


def test_resize_without_reflow_truncates_and_clamps_cursor() -> None:
    t = term("abcdefghij")
    t.resize(cols=5, rows=5, reflow=False)  # xterm's way
    assert t.display[0] == "abcde"
    assert t.cursor == (0, 4)
    t.resize(cols=8, rows=5, reflow=False)
    assert t.display[0] == "abcde   "


def test_resize_without_reflow_cutting_a_wide_char() -> None:
    t = term("abc中")
    t.resize(cols=4, rows=5, reflow=False)
    assert t.display[0] == "abc "
    assert WIDE_PLACEHOLDER not in cells(t, 0)


def test_resize_rejects_non_positive_sizes() -> None:
    t = term()
    with pytest.raises(ValueError, match="positive"):
        t.resize(cols=0, rows=5)


# ------------------------------------------------------------------ resets
def test_ris() -> None:
    t = term("a\r\nb\r\nc\x1b[1m\x1b[?6h\x1b[4h\x1b(0", rows=2)
    assert hist(t) == ["a"]
    t.feed(b"\x1bcq")
    assert rows(t) == ["q", ""]
    assert hist(t) == []
    assert t.cursor == (0, 1)
    assert style_at(t, 0, 0) == Style()
    assert t.modes == frozenset({"?7", "?25", "12"})  # SRM is set from the start, as in xterm (no local echo)


def test_reset_method() -> None:
    t = term("ab\x1b[1m\x1b[2;3r\x1b[")  # ends inside a CSI
    t.reset()
    t.feed(b"xy")
    assert rows(t)[0] == "xy"
    assert style_at(t, 0, 0) == Style()
    assert t.cursor == (0, 2)


def test_decstr_soft_reset() -> None:
    t = term("ab\x1b[1m\x1b[4h\x1b[?7l\x1b[?25l\x1b[3;4H\x1b[!p")
    assert rows(t)[0] == "ab"  # the text stays
    assert t.mode(7)
    assert t.cursor_visible
    assert not t.mode(4, private=False)
    # DECSTR does not move the cursor (DEC STD 070; xterm's soft reset homes it only on RIS —
    # fairly but not fully sure).
    assert t.cursor == (2, 3)
    t.feed(b"X")
    assert rows(t)[2] == "   X"
    assert style_at(t, 2, 3) == Style()


# ------------------------------------------------------------------ SGR
@pytest.mark.parametrize(
    ("sgr", "expected"),
    [
        ("1", Style(flags=BOLD)),
        ("1;3", Style(flags=BOLD | ITALIC)),
        ("1;22", Style()),
        ("7", Style(flags=REVERSE)),
        ("31;42", Style(fg=1, bg=2)),
        ("91;102", Style(fg=9, bg=10)),
        ("31;39", Style()),
        ("38;5;196", Style(fg=196)),
        ("48;5;21", Style(bg=21)),
        ("38:5:100", Style(fg=100)),
        ("38;2;10;20;30", Style(fg=rgb(10, 20, 30))),
        ("38:2::10:20:30", Style(fg=rgb(10, 20, 30))),
        ("48:2::255:0:128", Style(bg=rgb(255, 0, 128))),
        ("1;38;2;1;2;3;4", Style(fg=rgb(1, 2, 3), flags=BOLD, underline=UL_SINGLE)),
        ("4", Style(underline=UL_SINGLE)),
        ("4:3", Style(underline=UL_CURLY)),
        ("4:0", Style(underline=UL_NONE)),
        ("21", Style(underline=UL_DOUBLE)),
        ("4;24", Style()),
        ("58:2::1:2:3", Style(ul_color=rgb(1, 2, 3))),
        ("1;0;3", Style(flags=ITALIC)),
        ("1;31;", Style()),  # a trailing empty parameter is 0: reset
        ("", Style()),
        ("0", Style()),
    ],
)
def test_sgr(sgr: str, expected: Style) -> None:
    t = term(f"\x1b[{sgr}mX")
    assert style_at(t, 0, 0) == expected
    assert style_at(t, 0, 1) == Style()  # untouched cells stay plain


def test_sgr_is_cumulative_and_applies_to_later_text() -> None:
    t = term("a\x1b[1mb\x1b[38;5;2mc\x1b[md")
    assert [style_at(t, 0, x) for x in range(4)] == [Style(), Style(flags=BOLD), Style(fg=2, flags=BOLD), Style()]
    assert style_at(t, 0, 2).fg != DEFAULT


# ------------------------------------------------------------------ OSC
def test_osc_titles() -> None:
    t = term("\x1b]0;hello\x07")
    assert (t.title, t.icon_name) == ("hello", "hello")
    t.feed(b"\x1b]2;t2\x1b\\")
    assert (t.title, t.icon_name) == ("t2", "hello")
    t.feed(b"\x1b]1;icon\x07")
    assert (t.title, t.icon_name) == ("t2", "icon")
    t.feed("\u009d2;c1\u009c".encode())
    assert t.title == "c1"
    t.feed("\x1b]2;你好\x07".encode())
    assert t.title == "你好"
    assert rows(t) == ["", "", "", "", ""]


def test_osc_8_hyperlink() -> None:
    t = term("\x1b]8;;http://x.test/\x07link\x1b]8;;\x07plain")
    link = style_at(t, 0, 0).link
    assert link != 0
    assert t.screen.links[link] == "http://x.test/"
    assert style_at(t, 0, 3).link == link
    assert style_at(t, 0, 4).link == 0
    assert rows(t)[0] == "linkplain"


def test_osc_7_cwd() -> None:
    t = term("\x1b]7;file://host/tmp\x1b\\")
    assert t.cwd == "file://host/tmp"


# ------------------------------------------------------------------ replies
@pytest.mark.parametrize(
    ("seq", "reply"),
    [
        ("\x1b[c", b"\x1b[?62;22c"),
        ("\x1b[0c", b"\x1b[?62;22c"),
        ("\x1bZ", b"\x1b[?62;22c"),
        ("\x1b[>c", b"\x1b[>1;10;0c"),
        ("\x1b[>0c", b"\x1b[>1;10;0c"),
        ("\x1b[5n", b"\x1b[0n"),
        ("\x1b[6n", b"\x1b[1;1R"),
        ("\x1b[3;4H\x1b[6n", b"\x1b[3;4R"),
        ("abcdefghij\x1b[6n", b"\x1b[1;10R"),  # pending wrap: still on the last column
        ("\x1b[3;4H\x1b[?6n", b"\x1b[?3;4;1R"),
        ("\x1b[4$p", b"\x1b[4;2$y"),
        ("\x1b[4h\x1b[4$p", b"\x1b[4;1$y"),
        ("\x1b[20$p", b"\x1b[20;2$y"),
        ("\x1b[99$p", b"\x1b[99;0$y"),
        ("\x1b[?7$p", b"\x1b[?7;1$y"),
        ("\x1b[?7l\x1b[?7$p", b"\x1b[?7;2$y"),
        ("\x1b[?25$p", b"\x1b[?25;1$y"),
        ("\x1b[?1$p", b"\x1b[?1;2$y"),
        ("\x1b[?2004h\x1b[?2004$p", b"\x1b[?2004;1$y"),
        ("\x1b[?1049h\x1b[?1049$p", b"\x1b[?1049;1$y"),
        ("\x1b[?9999$p", b"\x1b[?9999;0$y"),
    ],
)
def test_replies(seq: str, reply: bytes) -> None:
    t = term(seq)
    assert t.take_replies() == [reply]
    assert t.take_replies() == []


@pytest.mark.parametrize(
    "seq",
    [
        "\x1b[21t",  # report window title: a classic injection vector, never answered
        "\x1b[20t",  # report icon label
        "\x1b[14t",  # report window size in pixels
        "\x1b[13t",  # report window position
        "\x1b[19t",  # report the display's size in characters
        "\x1b[11t",  # report iconified or not
        "\x1b[8;50;100t",  # resize (no reply, and no resize either)
        "\x1b[3;10;10t",  # move
        "\x1b[2t",  # iconify
        "\x1b]4;300;?\x07",  # a colour beyond the palette
        "\x1b]52;c;?\x07",  # clipboard read
        "\x1b]52;c;?\x1b\\",
        "\x1b]52;c;aGVsbG8=\x07",  # clipboard write (off by default)
        "\x05",  # ENQ: no answerback
        "\x1b[1c",  # DA1 with a non-zero parameter is not a request
    ],
)
def test_hostile_requests_get_no_reply(seq: str) -> None:
    t = term("\x1b]2;$(rm -rf ~)\x07" + seq)
    assert t.take_replies() == []
    assert rows(t) == ["", "", "", "", ""]


def test_on_reply_hook_receives_replies() -> None:
    t = term()
    got: list[bytes] = []
    t.on_reply = got.append
    t.feed(b"\x1b[c\x1b[6n")
    assert got == [b"\x1b[?62;22c", b"\x1b[1;1R"]
    assert t.take_replies() == []


# ------------------------------------------------------------------ dirty rows, modes, encoding
def test_take_dirty() -> None:
    t = term()
    assert t.take_dirty()[0] is True
    assert t.take_dirty() == (False, set())
    t.feed(b"x")
    assert t.take_dirty() == (False, {0})
    t.feed(b"\x1b[3;1Hy\x1b[5;1Hz")
    assert t.take_dirty() == (False, {2, 4})
    t.feed(b"\n")  # scrolling repaints everything
    assert t.take_dirty()[0] is True


def test_modes_default_and_changes() -> None:
    t = term()
    assert t.modes == frozenset({"?7", "?25", "12"})
    t.feed(b"\x1b[?2004h\x1b[?1h\x1b[4h\x1b[?25l\x1b[?9999h\x1b[99h\x1b[?1005h")
    # unknown modes, and known ones that cannot change (UTF-8 mouse), are not recorded
    assert t.modes == frozenset({"?7", "?2004", "?1", "4", "12"})
    assert not t.cursor_visible
    assert t.mode(2004)
    assert not t.mode(2004, private=False)


def test_set_encoding() -> None:
    t = term()
    t.feed("中".encode())
    t.set_encoding("cp936")
    t.feed("文".encode("gbk"))
    assert rows(t)[0] == "中文"
    assert t.encoding == "gbk"


def test_utf8_invalid_bytes_become_replacement() -> None:
    t = term(b"a\xffb")
    assert rows(t)[0] == "a\ufffdb"


def test_characters_seen_for_the_first_time_are_laid_out_like_known_ones() -> None:
    from app.vt import width

    width.cell_map.clear()  # nothing known: every character below is seen for the first time
    width._learner.clear()
    assert width.cells("a你e\u0301😀") == "a你\x00e\x01\u0301😀\x00"
    assert width.UNSEEN not in width.cell_map.values()
    width.cell_map.clear()
    width._learner.clear()
    t = Terminal(cols=10, rows=2)
    t.feed("数据é\r\n".encode())
    assert not t.screen.history and t.display[0].rstrip() == "数据é"
    assert t.screen.lines[0].text.startswith("数\x00据\x00é")


def test_the_link_table_is_capped_by_size_not_only_by_count() -> None:
    """8,192 OSC 8 links of 60 kB each once held 491 MB; the table keeps at most MAX_LINK_BYTES of URIs, the
    text of a link past the cap is still printed (without its link), and a link already known still works."""
    from app.vt.screen import MAX_LINK_BYTES

    t = Terminal(cols=80, rows=5)
    first = "https://example.com/first"
    t.feed(f"\x1b]8;;{first}\x1b\\A\x1b]8;;\x1b\\".encode())
    big = "https://example.com/" + "x" * 60_000
    for i in range(200):
        t.feed(f"\x1b]8;;{big}{i}\x1b\\B\x1b]8;;\x1b\\".encode())
    links = t.screen.links
    assert sum(len(uri) for uri in links) <= MAX_LINK_BYTES
    assert 10 < len(links) < 20
    assert t.display[0].startswith("A" + "B" * 79)
    t.feed(f"\r\n\x1b]8;;{first}\x1b\\C\x1b]8;;\x1b\\".encode())
    assert t.display[3].startswith("C")  # A and 200 Bs took three rows
    assert links[t.style_at(3, 0).link] == first
    assert links[t.style_at(0, 1).link] == big + "0"
    assert t.style_at(2, 40).link == 0  # past the cap: no link


_MODES = [1, 3, 5, 6, 7, 12, 25, 40, 45, 47, 69, 1000, 1004, 1045, 1047, 1048, 1049, 2004, 9001, 99]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_MODES), min_size=1, max_size=8), st.booleans(), st.sampled_from(["", "ab"])
        ),
        max_size=6,
    )
)
def test_several_dec_modes_in_one_sequence_are_each_in_turn(changes: list[tuple[list[int], bool, str]]) -> None:
    """``CSI ? a ; b ; c h`` (a program's start, ConPTY's ``?1004;9001h``, a Windows console's 34-mode DECSET) does
    what ``CSI ? a h``, ``CSI ? b h`` and ``CSI ? c h`` do, 1048 (save or restore the cursor) included; each change
    followed by a move and some text, so the cursor and screen modes show."""
    together = separate = "\x1b[2;3H"
    for modes, on, text in changes:
        final = "h" if on else "l"
        together += f"\x1b[?{';'.join(map(str, modes))}{final}\x1b[4;5H{text}"
        # One sequence per mode; 1048 as DECSC/DECRC (ESC 7, ESC 8), which it is, so that it is not the path tested.
        separate += "".join(
            ("\x1b7" if on else "\x1b8") if mode == 1048 else f"\x1b[?{mode}{final}" for mode in modes
        ) + f"\x1b[4;5H{text}"
    assert full_state(strict_terminal(together, cols=12, rows=6)) == full_state(
        strict_terminal(separate, cols=12, rows=6)
    )
