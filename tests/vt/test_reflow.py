"""Reflow on resize: soft-wrapped lines of the main screen and the scrollback re-wrap to the new width, the
cursor stays on its character, the alternate screen is left alone, and ``reflow=False`` is xterm's cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import WIDE_TAIL, Terminal
from app.vt.reflow import RowCells, reflow


def logical_lines(t: Terminal) -> list[str]:
    """Every logical line (rows joined at soft wraps, the blank a wrapped wide character left dropped), as text,
    trailing blanks off, empty lines at the end dropped."""
    out: list[str] = []
    current = ""
    total = t.history_size + t.rows
    for r in range(total):
        row = t.row(r)
        assert row is not None
        text = row.text
        nxt = t.row(r + 1)
        if row.wrapped and nxt is not None and text.endswith(" ") and len(nxt.text) > 1 and nxt.text[1] == WIDE_TAIL:
            text = text[:-1]
        current += text.replace(WIDE_TAIL, "")
        if not row.wrapped:
            out.append(current.rstrip(" "))
            current = ""
    while out and not out[-1]:
        out.pop()
    return out


def assert_well_formed(t: Terminal) -> None:
    """Rows of the terminal's width; a wide character's right half always right after it, in the same row."""
    for r in range(t.history_size + t.rows):
        row = t.row(r)
        assert row is not None and len(row.text) == t.cols
        assert not row.text.startswith(WIDE_TAIL)
        assert all(row.text[i - 1] != WIDE_TAIL for i, ch in enumerate(row.text) if ch == WIDE_TAIL)
    y, x = t.cursor
    assert 0 <= y < t.rows and 0 <= x < t.cols


def char_at_cursor(t: Terminal) -> str:
    y, x = t.cursor
    cells = t.row_cells(t.history_size + y)
    return cells[x] if x < len(cells) else ""


def test_sixty_cells_at_forty_columns_become_one_row_at_eighty() -> None:
    t = Terminal(cols=40, rows=5)
    t.feed(b"a" * 60)
    assert t.display[:2] == ["a" * 40, "a" * 20 + " " * 20]
    t.resize(cols=80, rows=5)
    assert t.display[0] == "a" * 60 + " " * 20
    assert t.display[1].strip() == ""
    assert t.cursor == (0, 60)


def test_narrowing_pushes_rows_into_history_and_widening_brings_them_back() -> None:
    t = Terminal(cols=20, rows=4, scrollback=100)
    t.feed(b"0123456789ABCDEFGHIJ0123\r\nshort\r\n$ ")
    assert t.history_size == 0
    t.resize(cols=8, rows=4)
    assert logical_lines(t) == ["0123456789ABCDEFGHIJ0123", "short", "$"]
    assert t.history_size == 1 and t.display[-1].rstrip() == "$"  # 3 + 1 + 1 rows on a screen of 4
    assert t.cursor == (3, 2)  # after "$ ": the blank it stands on was kept
    t.resize(cols=30, rows=4)
    assert t.history_size == 0 and t.display[0].rstrip() == "0123456789ABCDEFGHIJ0123"
    assert t.cursor == (2, 2)


def test_wide_characters_never_straddle_the_new_margin() -> None:
    t = Terminal(cols=10, rows=4)
    t.feed("ab加法测试中文".encode())  # 2 + 12 cells
    t.resize(cols=5, rows=4)
    assert [t.row_cells(r) for r in range(3)] == [
        ["a", "b", "加", "", " "],  # 法 did not fit in the last column: a blank, then the next row
        ["法", "", "测", "", " "],
        ["试", "", "中", "", " "],
    ]
    assert logical_lines(t) == ["ab加法测试中文"]


def test_colours_and_links_stay_on_their_characters() -> None:
    t = Terminal(cols=10, rows=3)
    t.feed(b"plain \x1b[31mred-word\x1b[0m \x1b]8;;https://x.example/\x07link\x1b]8;;\x07")
    t.resize(cols=7, rows=3)
    text = "".join("".join(t.row_cells(r)) for r in range(3))
    assert text.startswith("plain red-word link")
    for r in range(3):
        row = t.row(r)
        assert row is not None
        for c, ch in enumerate(row.text):
            sid = row.styles[c] if row.styles is not None else 0
            if ch in "red-" and r > 0:
                assert t.style(sid).fg == 1, (r, c)
    found = [(r, c) for r in range(3) for c in range(7) if t.link_at(r, c)]
    assert "".join(t.row_cells(r)[c] for r, c in found) == "link"


def test_the_alternate_screen_is_not_reflowed_but_the_main_screen_under_it_is() -> None:
    t = Terminal(cols=10, rows=3)
    t.feed(b"0123456789abcde")  # main: two rows, soft-wrapped
    t.feed(b"\x1b[?1049h\x1b[HALTSCREEN1")  # a full-screen program
    t.resize(cols=20, rows=3)
    assert t.display[0] == "ALTSCREEN1" + " " * 10  # cut and padded, not re-wrapped
    t.feed(b"\x1b[?1049l")
    assert t.display[0].rstrip() == "0123456789abcde"  # the main screen was reflowed meanwhile
    assert t.cursor == (0, 15)


def test_reflow_off_is_xterms_cut() -> None:
    t = Terminal(cols=40, rows=5, reflow=False)
    t.feed(b"a" * 60)
    t.resize(cols=80, rows=5)
    assert t.display[0] == "a" * 40 + " " * 40
    assert t.take_reflow() is None


def test_take_reflow_says_where_rows_went() -> None:
    t = Terminal(cols=10, rows=4)
    t.feed(b"0123456789abcde\r\nx")
    first_before = t.scrolled_off - t.history_size
    t.resize(cols=5, rows=4)
    found = t.take_reflow()
    assert found is not None
    first, row_map = found
    assert first == first_before == 0
    # old row 0 "0123456789" -> new rows 0-1; old row 1 "abcde" -> row 2; old row 2 "x" -> row 3
    assert row_map[:3] == [(0, 1), (2, 2), (3, 3)]
    assert t.take_reflow() is None  # once


def test_pure_reflow_of_rows() -> None:
    rows = [RowCells("abcd", None, None, True), RowCells("ef  ", [0, 0, 0, 0], None, False)]
    result = reflow(rows, 3, [(1, 2, False)])
    assert [r.text for r in result.rows] == ["abc", "def"]
    assert [r.wrapped for r in result.rows] == [True, False]
    assert result.points == [(1, 2, True)]  # after "f": just past a full row, a wrap pending
    assert result.row_map == [(0, 1), (1, 1)]


WORDS = ["go", "test", "加法", "ok", "é", "-", "PASS", "子测试_1", "x"]


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.lists(st.sampled_from(WORDS), max_size=25), min_size=1, max_size=12),
    width=st.integers(4, 30),
    other=st.integers(2, 40),
    cursor_back=st.integers(0, 3),
)
def test_reflowing_to_any_width_and_back_keeps_every_line_and_the_cursor_character(
    lines: list[list[str]], width: int, other: int, cursor_back: int
) -> None:
    # Words without spaces between them: a real blank in the last column before a wide character that wrapped
    # cannot be told from the padding a wrap leaves (no terminal records the difference), see test above.
    t = Terminal(cols=width, rows=6, scrollback=1000)
    t.feed("\r\n".join("".join(words) for words in lines).encode())
    if t.cursor[1] > 0:
        t.feed(b"\x1b[%dD" % cursor_back)
    before = logical_lines(t)
    under = char_at_cursor(t)
    t.resize(cols=other, rows=6)
    assert_well_formed(t)
    assert logical_lines(t) == before
    if under not in ("", " "):
        assert char_at_cursor(t) == under
    t.resize(cols=width, rows=6)
    assert_well_formed(t)
    assert logical_lines(t) == before
    if under not in ("", " "):
        assert char_at_cursor(t) == under
