"""Find in the terminal: through history and screen, across soft wraps, wide characters mapped to their cells."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.inspect.terminal_find import FindMatch, find_in_terminal
from app.vt import Terminal


def term(data: bytes, cols: int = 20, rows: int = 3, scrollback: int = 100) -> Terminal:
    t = Terminal(cols=cols, rows=rows, scrollback=scrollback)
    t.feed(data)
    return t


def test_finds_in_history_and_screen_in_reading_order() -> None:
    t = term(b"alpha ok\r\nbeta\r\ngamma ok\r\ndelta\r\nOK epsilon")
    result = find_in_terminal(t, "ok")
    assert [m.start for m in result.matches] == [(0, 6), (2, 6), (4, 0)]  # rows 0-1 are history
    assert [m.end for m in result.matches] == [(0, 7), (2, 7), (4, 1)]
    assert result.count_text() == "3 matches"
    assert find_in_terminal(t, "ok", case=True).count_text() == "2 matches"


def test_a_word_broken_by_the_right_margin_is_found_across_the_wrap() -> None:
    t = term(b"0123456789goroutine", cols=14, rows=3)
    (match,) = find_in_terminal(t, "goroutine").matches
    assert (match.start, match.end) == ((0, 10), (1, 4))
    assert match.spans(14) == [(0, 10, 14), (1, 0, 5)]


def test_a_hard_line_end_is_not_a_wrap() -> None:
    t = term(b"abc\r\ndef", cols=10)
    assert find_in_terminal(t, "cd").matches == ()
    assert find_in_terminal(t, "c$", regex=True).matches == (FindMatch((0, 2), (0, 2)),)


def test_wide_characters_map_to_their_first_cell() -> None:
    t = term("--- FAIL: Test失败 (0.00s)".encode(), cols=40)
    (match,) = find_in_terminal(t, "失败 (").matches
    assert match.start == (0, 14) and match.end == (0, 19)  # 失 at 14-15, 败 at 16-17, space 18, ( 19
    (wide_end,) = find_in_terminal(t, "Test失败").matches
    assert wide_end.start == (0, 10) and wide_end.end == (0, 17)  # both halves of 败 are in the match


def test_regex_errors_are_readable_and_limits_are_kept() -> None:
    t = term(b"aaaaaaaaaa", cols=10, rows=1)
    bad = find_in_terminal(t, "(unclosed", regex=True)
    assert bad.matches == () and bad.error is not None and bad.count_text().startswith("not a valid regular expression")
    capped = find_in_terminal(t, "a", limit=4)
    assert len(capped.matches) == 4 and capped.truncated and capped.count_text() == "4+ matches"
    assert find_in_terminal(t, "").matches == ()
    assert find_in_terminal(t, "^", regex=True).matches == ()  # zero width: nothing to show


def test_next_and_previous_wrap_around() -> None:
    t = term(b"x.x.x", cols=10, rows=1)
    result = find_in_terminal(t, "x")
    assert result.nearest((0, 0)) == 1 and result.nearest((0, 4)) == 0
    assert result.nearest((0, 2), forward=False) == 0 and result.nearest((0, 0), forward=False) == 2


@settings(max_examples=150, deadline=None)
@given(
    # Spaces only inside words: a blank before a wide character that wrapped is taken for padding (see find).
    words=st.lists(st.sampled_from(["go", "test", "加法", "ok t", "é", "-"]), min_size=1, max_size=40),
    cols=st.integers(4, 12),
    needle=st.sampled_from(["go", "test", "加法", "ok t", "o"]),
)
def test_every_match_covers_exactly_the_needle(words: list[str], cols: int, needle: str) -> None:
    """Hold the mapping to the text: each match's cells, read back, spell the needle, and the count is
    the number of occurrences in the text as written (no hard line ends are involved)."""
    text = "".join(words)
    t = term(text.encode(), cols=cols, rows=40, scrollback=0)
    result = find_in_terminal(t, needle, case=True)
    assert len(result.matches) == len(re.findall(re.escape(needle), text))
    for match in result.matches:
        got = ""
        for abs_row, c0, c1 in match.spans(cols):
            cells = t.row_cells(abs_row)[c0:c1]
            below = t.row_cells(abs_row + 1)
            if c1 == cols and cells and cells[-1] == " " and len(below) > 1 and below[1] == "":
                cells = cells[:-1]  # the blank a wide character left when it wrapped: lit, but not text
            got += "".join(cells)
        assert got == needle


def test_the_blank_a_wrapped_wide_character_leaves_behind_is_not_text() -> None:
    t = term("go加法".encode(), cols=5, rows=2)  # 法 does not fit in the last column: it wraps, col 4 stays blank
    (match,) = find_in_terminal(t, "加法").matches
    assert (match.start, match.end) == ((0, 2), (1, 1))
