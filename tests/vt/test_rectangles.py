"""Rectangular areas (DECFRA, DECERA, DECSERA, DECCRA, DECCARA, DECRARA, DECSACE) and DECRQCRA's checksum,
in the spirit of esctest2's decfra/decera/deccra/decrectops tests.

xterm is the specification: ``screen.c``'s ``xtermParseRect`` (1-based, 0/missing = the edge, origin mode
relative to the margins, clamped to the screen, top > bottom is empty), ``ScrnFillRectangle``,
``ScrnCopyRectangle``, ``ScrnMarkRectangle``, ``ScrnWipeRectangle`` and ``xtermCheckRect``.
"""

from __future__ import annotations

import pytest

from app.vt import Terminal
from app.vt.style import BLINK, BOLD, CONCEAL, PROTECTED, REVERSE, UL_NONE, UL_SINGLE, Style, rgb
from tests.vt.strict import rows, strict_terminal


def term(data: str = "", cols: int = 10, rows: int = 5) -> Terminal:
    return strict_terminal(data, cols, rows)


def style(t: Terminal, y: int, x: int) -> Style:
    return t.style_at(y, x)


def checksum(t: Terminal, top: int, left: int, bottom: int, right: int, pid: int = 7) -> int:
    t.take_replies()
    t.feed(f"\x1b[{pid};1;{top};{left};{bottom};{right}*y".encode())
    (reply,) = t.take_replies()
    assert reply.startswith(f"\x1bP{pid}!~".encode()) and reply.endswith(b"\x1b\\")
    return int(reply[len(f"\x1bP{pid}!~") : -2], 16)


GRID = "abcdefghij\r\nklmnopqrst\r\nuvwxyzABCD\r\nEFGHIJKLMN\r\nOPQRSTUVWX"


# ------------------------------------------------------------------ DECFRA / DECERA
def test_decfra_fills_a_rectangle_and_leaves_the_cursor() -> None:
    t = term(GRID + "\x1b[1;1H\x1b[35;2;3;3;5$x")  # '#' into rows 2-3, columns 3-5
    assert rows(t) == ["abcdefghij", "kl###pqrst", "uv###zABCD", "EFGHIJKLMN", "OPQRSTUVWX"]
    assert t.cursor == (0, 0)


def test_decfra_defaults_are_the_whole_screen_and_the_pen_applies() -> None:
    t = term(GRID + "\x1b[1;31m\x1b[42$x")
    assert rows(t) == ["*" * 10] * 5
    assert style(t, 4, 9) == Style(fg=1, flags=BOLD)


@pytest.mark.parametrize(
    "params",
    [
        "35;3;3;2;5",  # top below bottom
        "35;2;6;3;5",  # left right of right
        "31;2;3;3;5",  # a control character
        "127;2;3;3;5",  # DEL
    ],
)
def test_decfra_ignores_invalid_requests(params: str) -> None:
    t = term(GRID + f"\x1b[{params}$x")
    assert rows(t) == GRID.split("\r\n")


def test_decfra_clamps_to_the_screen_and_takes_latin1_and_unicode() -> None:
    t = term(GRID + "\x1b[233;4;8;99;99$x")  # é into rows 4-5, columns 8-10 (clamped)
    assert rows(t)[3:] == ["EFGHIJKééé", "OPQRSTUééé"]
    t.feed("\x1b[{};1;1;1;2$x".format(ord("Ж")).encode())
    assert rows(t)[0] == "ЖЖcdefghij"
    t.feed("\x1b[{};1;1;1;2$x".format(ord("中")).encode())  # two cells wide: refused
    assert rows(t)[0] == "ЖЖcdefghij"


def test_decfra_in_origin_mode_is_relative_to_the_margins() -> None:
    t = term(GRID + "\x1b[2;4r\x1b[?69h\x1b[3;8s\x1b[?6h\x1b[43;1;1;1;2$x")
    assert rows(t)[1] == "kl++opqrst"


def test_decfra_keeps_cell_colours_when_the_pen_has_none() -> None:
    t = term("\x1b[44mab\x1b[0m\x1b[1m\x1b[61;1;1;1;2$x")
    assert rows(t)[0] == "==" and style(t, 0, 0) == Style(bg=4, flags=BOLD)
    t.feed(b"\x1b[0;32m\x1b[61;1;1;1;1$x")  # the pen has a colour: the cell takes the pen's colours
    assert style(t, 0, 0) == Style(fg=2)


def test_decera_erases_with_the_pen_and_ignores_margins_and_protection() -> None:
    t = term(GRID + '\x1b[1"q\x1b[1;1Hab\x1b[0"q\x1b[?69h\x1b[4;5s\x1b[1;1;2;3$z')
    assert rows(t)[:3] == ["   defghij", "   nopqrst", "uvwxyzABCD"]


def test_fill_cuts_wide_characters_at_its_edges() -> None:
    t = term("a你好b\x1b[45;1;3;1;4$x")  # columns 3-4 hold 你's right half and 好's left half
    assert t.display[0] == "a -- b    "


# ------------------------------------------------------------------ DECSERA
def test_decsera_blanks_characters_keeps_attributes_and_decsca_cells() -> None:
    t = term('\x1b[1;31mab\x1b[1"qc\x1b[0"qd\x1b[0m\x1b[1;1;1;4${')
    assert t.display[0] == "  c       "
    assert style(t, 0, 0) == Style(fg=1, flags=BOLD)  # erased but its rendition stays (xterm)
    assert style(t, 0, 2).flags & PROTECTED


def test_decsera_does_not_honour_spa_protection() -> None:
    t = term("a\x1bVb\x1bWc\x1b[1;1;1;3${")
    assert t.display[0].rstrip() == ""  # only DECSCA protects from DECSERA (xterm)


# ------------------------------------------------------------------ DECCRA
def test_deccra_copies_text_and_attributes() -> None:
    t = term(GRID + "\x1b[1;1H\x1b[1mX\x1b[1;1;2;2;1;4;6;1$v")
    assert rows(t)[3:] == ["EFGHIXbLMN", "OPQRSklVWX"]
    assert style(t, 3, 5).flags & BOLD and not style(t, 3, 6).flags & BOLD


def test_deccra_overlapping_copies_as_if_through_a_buffer() -> None:
    t = term("abcdefghij\x1b[1;1;1;5;1;1;3;1$v")
    assert rows(t)[0] == "ababcdehij"


def test_deccra_clips_at_the_screen_edges() -> None:
    t = term(GRID + "\x1b[1;1;5;10;1;4;8;1$v")
    assert rows(t)[3] == "EFGHIJKabc"
    assert rows(t)[4] == "OPQRSTUklm"


def test_deccra_with_an_invalid_source_does_nothing() -> None:
    t = term(GRID + "\x1b[3;1;2;5;1;1;1;1$v")
    assert rows(t) == GRID.split("\r\n")


# ------------------------------------------------------------------ DECCARA / DECRARA / DECSACE
def test_deccara_sets_and_clears_attributes_in_a_stream_by_default() -> None:
    t = term(GRID + "\x1b[2;3;3;8;1;4$r")
    # stream: row 2 from column 3 to the end, row 3 from the start to column 8
    assert style(t, 1, 1) == Style()
    assert style(t, 1, 2) == Style(flags=BOLD, underline=UL_SINGLE)
    assert style(t, 1, 9).flags & BOLD and style(t, 2, 0).flags & BOLD and style(t, 2, 7).flags & BOLD
    assert style(t, 2, 8) == Style()
    t.feed(b"\x1b[2;1;3;10;24;22$r")
    assert style(t, 1, 2) == Style()
    t.feed(b"\x1b[2;8;3;2;1$r")  # a stream whose left is right of its right: empty, as in xterm
    assert style(t, 2, 0) == Style()


def test_deccara_in_rectangle_extent() -> None:
    t = term(GRID + "\x1b[2*x\x1b[2;8;3;9;7;5$r")
    assert style(t, 1, 7) == Style(flags=REVERSE | BLINK)
    assert style(t, 1, 9) == Style() and style(t, 2, 0) == Style()
    assert style(t, 2, 8) == Style(flags=REVERSE | BLINK)
    t.feed(b"\x1b[2;8;3;9;0$r")  # 0 clears bold, underline, blink and inverse
    assert style(t, 1, 7) == Style()


def test_deccara_keeps_colours_and_decrara_toggles() -> None:
    t = term("\x1b[31;1ma\x1b[0mb\x1b[2*x\x1b[1;1;1;2;1;4;8$t")
    assert style(t, 0, 0) == Style(fg=1, flags=CONCEAL, underline=UL_SINGLE)
    assert style(t, 0, 1) == Style(flags=BOLD | CONCEAL, underline=UL_SINGLE)
    t.feed(b"\x1b[1;1;1;2;0$t")  # 0 reverses bold, underline, blink, inverse
    assert style(t, 0, 0) == Style(fg=1, flags=BOLD | BLINK | REVERSE | CONCEAL, underline=UL_NONE)


def test_decsace_is_reported() -> None:
    t = term("\x1b[2*x\x1bP$q*x\x1b\\")
    assert t.take_replies() == [b"\x1bP1$r2*x\x1b\\"]


# ------------------------------------------------------------------ DECRQCRA
def test_decrqcra_is_decs_negated_sum() -> None:
    t = term("AB")
    assert checksum(t, 1, 1, 1, 2) == -(0x41 + 0x42) & 0xFFFF
    assert checksum(t, 1, 1, 1, 3) == -(0x41 + 0x42 + 0x20) & 0xFFFF  # a blank counts as a space


def test_decrqcra_counts_attributes_as_xterm() -> None:
    t = term('\x1b[1mA\x1b[0;4mB\x1b[0;7mC\x1b[0;5mD\x1b[0;8mE\x1b[0m\x1b[1"qF\x1b[0"q\x1b[31mG')
    expected = [0x41 + 0x80, 0x42 + 0x10, 0x43 + 0x20, 0x44 + 0x40, 0x45 + 0x08, 0x46 + 0x04, 0x47]
    for x, value in enumerate(expected, start=1):
        assert checksum(t, 1, x, 1, x) == -value & 0xFFFF, x  # colours do not count


def test_decrqcra_characters_beyond_latin1_count_as_esc() -> None:
    t = term("é你\x1b(0q\x1b(B")
    # é is Latin-1; 你 is two cells, each counted as ESC; a line drawn with DEC graphics counts as its letter
    assert checksum(t, 1, 1, 1, 1) == -0xE9 & 0xFFFF
    assert checksum(t, 1, 2, 1, 3) == -(0x1B * 2) & 0xFFFF
    assert checksum(t, 1, 4, 1, 4) == -ord("q") & 0xFFFF


def test_decrqcra_with_xtchecksum_extensions() -> None:
    t = term("\x1b[1mA你")
    t.feed(b"\x1b[19#y")  # positive, no attributes, whole code points
    assert checksum(t, 1, 1, 1, 3) == (0x41 + ord("你")) & 0xFFFF
    t.feed(b"\x1b[!p")  # DECSTR: back to DEC's checksum
    assert checksum(t, 1, 1, 1, 1) == -(0x41 + 0x80) & 0xFFFF


def test_decrqcra_page_and_id_and_origin_mode() -> None:
    t = term(GRID + "\x1b[2;4r\x1b[?6h")
    t.take_replies()
    t.feed(b"\x1b[42;9;1;1;1;1*y")  # origin mode: row 1 is the top margin's row (2)
    assert t.take_replies() == [f"\x1bP42!~{-ord('k') & 0xFFFF:04X}\x1b\\".encode()]


def test_decrqcra_of_an_empty_rectangle_is_zero() -> None:
    t = term(GRID)
    assert checksum(t, 3, 1, 2, 5) == 0


def test_decrqcra_short_forms_read_the_rectangle_as_xterm() -> None:
    """With two parameters or fewer xterm reads Pt;Pl from the first ones (its ``xtermCheckRect``)."""
    t = term(GRID)
    t.take_replies()
    t.feed(b"\x1b[2;3*y")  # rows 2-5, columns 3-10; the id is still the first parameter
    total = sum(ord(c) for row in GRID.split("\r\n")[1:] for c in row[2:])
    assert t.take_replies() == [f"\x1bP2!~{-total & 0xFFFF:04X}\x1b\\".encode()]


def test_rectangles_need_conformance_level_4() -> None:
    t = term(GRID + '\x1b[63;1"p\x1b[35;1;1;1;1$x\x1b[1;1;1;1;1;1*y')
    assert rows(t)[0] == "abcdefghij"
    assert t.take_replies() == []


def test_true_colour_pen_fill_is_kept_exactly() -> None:
    t = term("\x1b[38;2;1;2;3m\x1b[65;1;1;1;1$x")
    assert style(t, 0, 0) == Style(fg=rgb(1, 2, 3))
