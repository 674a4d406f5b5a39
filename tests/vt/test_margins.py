"""Left/right margins (DECLRMM ``?69`` + DECSLRM ``CSI l;r s``), in the spirit of vttest's and esctest2's
margin tests.

xterm is the specification (``charproc.c``'s ``dotext``/``CASE_ANSI_SC``, ``cursor.c``'s ``CursorSet``,
``CursorForward``, ``CursorBack``, ``xtermIndex``, ``CarriageReturn``; ``util.c``'s ``InsertChar``,
``DeleteChar``, ``InsertLine``, ``DeleteLine``, ``xtermScroll``, ``RevScroll``).  Each case says which rule
it pins.  Coordinates in comments are 1-based like the sequences; ``t.cursor`` is 0-based (row, col).
"""

from __future__ import annotations

import pytest

from app.vt import Terminal
from tests.vt.strict import rows, strict_terminal

LRMM = "\x1b[?69h"


def term(data: str = "", cols: int = 10, rows: int = 5) -> Terminal:
    return strict_terminal(data, cols, rows)


def numbered(cols: int = 10, rows: int = 5) -> str:
    """Every row filled with its own digit (row 1 "1111111111"), cursor home."""
    return "\r\n".join(str(i + 1) * cols for i in range(rows)) + "\x1b[H"


# ------------------------------------------------------------------ setting the margins
def test_csi_s_saves_the_cursor_without_declrmm() -> None:
    t = term("\x1b[2;3H\x1b[s\x1b[H\x1b[u")
    assert t.cursor == (1, 2)  # SCOSC / SCORC


def test_csi_s_sets_the_margins_with_declrmm_and_homes() -> None:
    t = term("\x1b[3;4H" + LRMM + "\x1b[3;6s")
    s = t.screen
    assert (s.left, s.right) == (2, 5)
    assert t.cursor == (0, 0)  # DECSLRM homes the cursor (outside origin mode: the screen's corner)
    t.feed(b"\x1b[2;4H\x1b[s")  # no parameters in DECLRMM: the whole width, not SCOSC
    assert (s.left, s.right) == (0, 9)
    assert t.cursor == (0, 0)


@pytest.mark.parametrize(
    ("seq", "expected"),
    [
        ("\x1b[6;3s", (0, 9)),  # left >= right: ignored
        ("\x1b[4;4s", (0, 9)),  # one column: ignored
        ("\x1b[3;99s", (2, 9)),  # right past the edge: the edge
        ("\x1b[;5s", (0, 4)),  # left defaults to 1
        ("\x1b[3;0s", (2, 9)),  # right 0: the edge
    ],
)
def test_decslrm_parameters(seq: str, expected: tuple[int, int]) -> None:
    s = term(LRMM + seq).screen
    assert (s.left, s.right) == expected


def test_resetting_declrmm_clears_the_margins() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[?69l")
    assert (t.screen.left, t.screen.right) == (0, 9)
    t.feed(b"\x1b[?69h")
    assert (t.screen.left, t.screen.right) == (0, 9)  # they do not come back


def test_decstr_and_decaln_and_ris_clear_margins() -> None:
    for reset in ("\x1b[!p", "\x1b#8", "\x1bc"):
        t = term(LRMM + "\x1b[3;6s" + reset)
        assert (t.screen.left, t.screen.right) == (0, 9), repr(reset)
    assert not term(LRMM + "\x1b[!p").screen.lr_mode  # DECSTR also resets DECLRMM (xterm)


# ------------------------------------------------------------------ printing and wrapping
def test_text_wraps_at_the_right_margin_to_the_left_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;3Habcdefghij")
    assert rows(t)[:3] == ["  abcd", "  efgh", "  ij"]
    assert t.cursor == (2, 4)
    assert t.screen.lines[0].wrapped


def test_text_started_left_of_the_margin_wraps_at_the_right_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;1Habcdefghij")
    assert rows(t)[:2] == ["abcdef", "  ghij"]


def test_text_started_right_of_the_margin_runs_to_the_edge() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;8Habcde")
    assert rows(t)[:2] == ["       abc", "  de"]


def test_pending_wrap_at_the_right_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;3Habcd")
    assert t.cursor == (0, 5)
    assert t.screen.pending_wrap
    t.feed(b"\r")
    assert t.cursor == (0, 2)  # CR: to the left margin


def test_wrap_at_the_bottom_scrolls_only_between_the_margins() -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[5;3Habcdef")
    assert rows(t) == ["1122221111", "2233332222", "3344443333", "44abcd4444", "55ef  5555"]
    assert t.history == []  # a partial-width scroll never reaches history


def test_autowrap_off_overwrites_at_the_right_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[?7l\x1b[1;3Habcdefg")
    assert rows(t)[:2] == ["  abcg", ""]


def test_insert_mode_pushes_only_up_to_the_right_margin() -> None:
    t = term("0123456789" + LRMM + "\x1b[3;6s\x1b[4h\x1b[1;3HXY")
    assert rows(t)[0] == "01XY236789"


def test_insert_mode_outside_the_margins_overwrites() -> None:
    t = term("0123456789" + LRMM + "\x1b[3;6s\x1b[4h\x1b[1;8HXY")
    assert rows(t)[0] == "0123456XY9"


def test_rep_wraps_within_the_margins() -> None:
    t = term(LRMM + "\x1b[2;4s\x1b[1;2Ha\x1b[3b")
    assert rows(t)[:2] == [" aaa", " a"]  # esctest's REP_RespectsLeftRightMargins


# ------------------------------------------------------------------ cursor motion
def test_cuf_stops_at_the_right_margin_hpr_does_not() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;4H\x1b[9C")
    assert t.cursor == (0, 5)
    t.feed(b"\x1b[1;4H\x1b[9a")  # HPR is a cursor set: only the screen's edge stops it
    assert t.cursor == (0, 9)
    t.feed(b"\x1b[1;8H\x1b[9C")  # beyond the margin: the edge
    assert t.cursor == (0, 9)


def test_cub_and_bs_stop_at_the_left_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;5H\x1b[9D")
    assert t.cursor == (0, 2)
    t.feed(b"\x1b[1;3H\x08")
    assert t.cursor == (0, 2)
    t.feed(b"\x1b[1;2H\x08")  # left of the margin: on to the first column
    assert t.cursor == (0, 0)


def test_cr_left_of_the_margin_goes_to_the_first_column() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;2H\r")
    assert t.cursor == (0, 0)
    t.feed(b"\x1b[1;9H\r")
    assert t.cursor == (0, 2)


def test_tab_stops_at_the_right_margin() -> None:
    t = term(LRMM + "\x1b[3;6s\x1b[1;4H\t")
    assert t.cursor == (0, 5)
    t.feed(b"\x1b[1;8H\t")  # beyond the margin: xterm moves to the margin
    assert t.cursor == (0, 5)


def test_origin_mode_is_relative_to_both_margins() -> None:
    t = term(LRMM + "\x1b[2;4r\x1b[3;6s\x1b[?6h")
    assert t.cursor == (1, 2)  # DECOM homes to the margins' corner
    t.feed(b"\x1b[2;2H")
    assert t.cursor == (2, 3)
    t.feed(b"\x1b[9;9H")  # clamped to the margins
    assert t.cursor == (3, 5)
    t.feed(b"\x1b[2G")  # CHA is relative too
    assert t.cursor == (3, 3)
    t.feed(b"\x1b[6n")
    assert t.take_replies() == [b"\x1b[3;2R"]  # CPR reports relative to both margins
    t.feed(b"\x1b[1;1H\x1b[9a")  # HPR in origin mode: stops at the right margin
    assert t.cursor == (1, 5)


def test_decrc_in_origin_mode_is_kept_inside_the_margins() -> None:
    t = term("\x1b[1;1H\x1b7" + LRMM + "\x1b[2;4r\x1b[3;6s\x1b[?6h\x1b8")
    # DECRC restores origin mode off (it was off when saved) and the saved position
    assert t.cursor == (0, 0)
    t.feed(b"\x1b[?6h\x1b7\x1b[?6h\x1b8")
    assert t.cursor == (1, 2)


# ------------------------------------------------------------------ index and scrolling
@pytest.mark.parametrize("seq", ["\n", "\x1bD", "\x0b", "\x0c"])
def test_index_at_the_bottom_scrolls_between_the_margins(seq: str) -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[5;4H" + seq)
    assert rows(t) == ["1122221111", "2233332222", "3344443333", "4455554444", "55    5555"]
    assert t.cursor == (4, 3)


@pytest.mark.parametrize("seq", ["\n", "\x1bD", "\x1bE"])
def test_index_outside_the_margins_does_not_scroll(seq: str) -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[5;8H" + seq)
    assert rows(t) == ["1111111111", "2222222222", "3333333333", "4444444444", "5555555555"]
    assert t.cursor[0] == 4


def test_nel_indexes_before_returning() -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[5;4H\x1bE")
    assert rows(t)[4] == "55    5555"
    assert t.cursor == (4, 2)  # the index saw column 4 (inside), then CR went to the left margin


def test_ri_at_the_top_scrolls_down_between_the_margins() -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[1;4H\x1bM")
    assert rows(t) == ["11    1111", "2211112222", "3322223333", "4433334444", "5544445555"]


def test_su_and_sd_move_only_the_margins_columns() -> None:
    t = term(numbered() + LRMM + "\x1b[2;4r\x1b[3;6s\x1b[2S")
    assert rows(t) == ["1111111111", "2244442222", "33    3333", "44    4444", "5555555555"]
    t = term(numbered() + LRMM + "\x1b[2;4r\x1b[3;6s\x1b[T")
    assert rows(t) == ["1111111111", "22    2222", "3322223333", "4433334444", "5555555555"]


def test_su_with_margins_cuts_wide_characters_at_the_margins() -> None:
    t = term("ab你好cd\r\n" + LRMM + "\x1b[4;6s\x1b[S")
    # 你 (columns 3-4) straddles the left margin (column 4): both its halves are blanked first; 好 (5-6) lies
    # inside and scrolls away with the rest of the margins' columns
    assert rows(t)[0] == "ab    cd"


# ------------------------------------------------------------------ inserting and deleting
def test_ich_and_dch_stay_inside_the_margins() -> None:
    t = term("0123456789" + LRMM + "\x1b[3;6s\x1b[1;4H\x1b[2@")
    assert rows(t)[0] == "012  36789"  # "345" between the margins became "  3"; 6 stays beyond
    t = term("0123456789" + LRMM + "\x1b[3;6s\x1b[1;4H\x1b[2P")
    assert rows(t)[0] == "0125  6789"


def test_ich_and_dch_do_nothing_outside_the_margins() -> None:
    for seq in ("\x1b[2@", "\x1b[2P"):
        t = term("0123456789" + LRMM + "\x1b[3;6s\x1b[1;8H" + seq)
        assert rows(t)[0] == "0123456789"


def test_il_and_dl_move_only_the_margins_columns_and_go_to_the_left_margin() -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[2;5H\x1b[L")
    assert rows(t) == ["1111111111", "22    2222", "3322223333", "4433334444", "5544445555"]
    assert t.cursor == (1, 2)
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[2;5H\x1b[2M")
    assert rows(t) == ["1111111111", "2244442222", "3355553333", "44    4444", "55    5555"]


def test_il_and_dl_do_nothing_outside_the_margins() -> None:
    for seq in ("\x1b[L", "\x1b[M"):
        t = term(numbered() + LRMM + "\x1b[3;6s\x1b[2;8H" + seq)
        assert rows(t)[1:3] == ["2222222222", "3333333333"]
        assert t.cursor == (1, 7)


# ------------------------------------------------------------------ erasing ignores the margins
@pytest.mark.parametrize(
    ("seq", "row"),
    [
        ("\x1b[K", "012"),
        ("\x1b[1K", "    456789"),
        ("\x1b[2K", ""),
        ("\x1b[5X", "012     89"),
    ],
)
def test_erases_ignore_the_margins(seq: str, row: str) -> None:
    t = term("0123456789" + LRMM + "\x1b[5;6s\x1b[1;4H" + seq)
    assert rows(t)[0] == row


def test_ed_ignores_the_margins() -> None:
    t = term(numbered() + LRMM + "\x1b[3;6s\x1b[3;4H\x1b[J")
    assert rows(t) == ["1111111111", "2222222222", "333", "", ""]


# ------------------------------------------------------------------ reports
def test_decrqss_reports_the_margins() -> None:
    t = term(LRMM + "\x1b[3;6s\x1bP$qs\x1b\\")
    assert t.take_replies() == [b"\x1bP1$r3;6s\x1b\\"]


def test_declrmm_needs_conformance_level_4() -> None:
    t = term('\x1b[63;1"p' + LRMM + "\x1b[3;6s")
    assert not t.screen.lr_mode  # ignored at VT300 level, so CSI s saved the cursor
    t.feed(b"\x1b[?69$p")
    assert t.take_replies() == [b"\x1b[?69;0$y"]  # xterm: not a mode at all below level 4
