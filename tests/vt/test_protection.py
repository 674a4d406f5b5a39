"""Character protection: DECSCA (``CSI 1 " q``) cells survive the selective erases DECSED, DECSEL and
DECSERA; SPA/EPA (``ESC V`` / ``ESC W``) cells survive every erase.  In the spirit of esctest2's decsed,
decsel, decsera, ed/el/ech ``…Protection`` tests.

xterm is the specification (``charproc.c``: ``CASE_DECSCA``, ``CASE_SPA``; ``util.c``: ``do_erase_*`` and
``ClearInLine2``): DECSCA puts the screen in DEC protection mode, where only the selective erases look at
the flag; SPA puts it in ISO mode, where ED, EL and ECH do too (and DECSERA does not).
"""

from __future__ import annotations

import pytest

from app.vt import Terminal
from app.vt import modes as M
from app.vt.style import BOLD, PROTECTED, Style
from tests.vt.strict import strict_terminal

PROT, UNPROT = '\x1b[1"q', '\x1b[0"q'


def term(data: str = "", cols: int = 10, rows: int = 3) -> Terminal:
    return strict_terminal(data, cols, rows)


def row(t: Terminal, y: int = 0) -> str:
    return t.display[y]


# ------------------------------------------------------------------ DECSCA and the selective erases
@pytest.mark.parametrize(
    ("erase", "expected"),
    [
        ("\x1b[1;1H\x1b[?K", "  cd  g   "),  # DECSEL 0 from the first column
        ("\x1b[1;7H\x1b[?1K", "  cd  ghij"),  # DECSEL 1 to column 7
        ("\x1b[?2K", "  cd  g   "),  # DECSEL 2
        ("\x1b[1;1H\x1b[?J", "  cd  g   "),  # DECSED 0
        ("\x1b[3;10H\x1b[?1J", "  cd  g   "),  # DECSED 1
        ("\x1b[?2J", "  cd  g   "),  # DECSED 2
        ("\x1b[1;1;1;10${", "  cd  g   "),  # DECSERA
    ],
)
def test_selective_erases_leave_decsca_cells(erase: str, expected: str) -> None:
    t = term("ab" + PROT + "cd" + UNPROT + "ef" + PROT + "g" + UNPROT + "hij" + erase)
    assert row(t) == expected


@pytest.mark.parametrize("erase", ["\x1b[1;1H\x1b[K", "\x1b[2K", "\x1b[2J", "\x1b[1;1H\x1b[10X", "\x1b[1;1;1;10$z"])
def test_ordinary_erases_ignore_decsca(erase: str) -> None:
    t = term("ab" + PROT + "cd" + UNPROT + "ef" + erase)
    assert row(t).strip() == ""


def test_decsca_2_and_0_end_protection_and_sgr_0_does_not() -> None:
    t = term(PROT + "a\x1b[0m" + "b" + '\x1b[2"q' + "c" + PROT + "\x1b[1md" + UNPROT + "e\x1b[?2K")
    assert row(t) == "ab d      "
    assert t.style_at(0, 3) == Style(flags=BOLD | PROTECTED)  # the cell keeps both


def test_protected_cells_are_written_over_by_printing() -> None:
    t = term(PROT + "abc" + UNPROT + "\r" + "XY\x1b[?2K")
    assert row(t) == "  c       "  # X and Y were printed unprotected over a and b


def test_decsed_leaves_protected_cells_on_every_row() -> None:
    t = term(PROT + "a" + UNPROT + "b\r\n" + "c" + PROT + "d" + UNPROT + "\r\nef\x1b[?2J")
    assert t.display == ["a         ", " d        ", "          "]


def test_decsed_reports_and_decstr_reset_protection() -> None:
    t = term(PROT + '\x1bP$q"q\x1b\\')
    assert t.take_replies() == [b'\x1bP1$r1"q\x1b\\']
    t.feed(b'\x1b[!p\x1bP$q"q\x1b\\a\x1b[?2K')
    assert t.take_replies() == [b'\x1bP1$r0"q\x1b\\']
    assert row(t).strip() == ""  # after DECSTR, new text is not protected


def test_decsc_decrc_save_the_protection() -> None:
    t = term(PROT + "\x1b7" + UNPROT + "a\x1b8\x1b[1;3Hb\x1b[?2K")
    assert row(t) == "  b       "  # DECRC brought the protected pen back


# ------------------------------------------------------------------ SPA / EPA: every erase honours them
@pytest.mark.parametrize(
    "erase",
    [
        "\x1b[1;1H\x1b[K",
        "\x1b[2K",
        "\x1b[1;1H\x1b[J",
        "\x1b[2J",
        "\x1b[1;1H\x1b[5X",
        "\x1b[?2K",
        "\x1b[?2J",
    ],
)
def test_spa_cells_survive_every_erase(erase: str) -> None:
    t = term("a\x1bVbc\x1bWd" + erase)
    assert row(t) == " bc       "


def test_c1_spa_and_epa() -> None:
    t = term("a\u0096b\u0097c\x1b[2K")
    assert row(t) == " b        "


def test_decsera_does_not_honour_spa() -> None:
    t = term("a\x1bVb\x1bWc\x1b[1;1;1;3${")
    assert row(t).strip() == ""


def test_erasing_everything_when_nothing_is_protected_ends_iso_mode() -> None:
    """xterm: an ED 2 that finds nothing protected turns protection checking off (``do_erase_display``)."""
    t = term("\x1bV\x1bWab\x1b[2J")
    assert row(t).strip() == ""
    assert t.screen.protected_mode == M.PROTECT_OFF
    t = term("\x1bVab\x1bW\x1b[2J")
    assert row(t) == "ab        "
    assert t.screen.protected_mode == M.PROTECT_ISO


def test_one_protection_flag_two_modes() -> None:
    """SPA and DECSCA set the same cell flag; the mode decides which erases look at it (xterm)."""
    t = term("\x1bVab\x1bW" + UNPROT + "\x1b[1;1;1;2${")  # DECSCA 0 switched to DEC mode: DECSERA honours it
    assert row(t) == "ab        "
    t.feed(b"\x1b[2J")  # ED does not, in DEC mode
    assert row(t).strip() == ""


def test_ech_in_iso_mode_skips_protected_cells_inside_the_range() -> None:
    t = term("ab\x1bVcd\x1bWef\x1b[1;1H\x1b[6X")
    assert row(t) == "  cd      "
