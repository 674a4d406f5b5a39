"""Runs printed with autowrap off past the edge (``Screen._draw_to_the_edge``: what fits printed, and of the rest,
which all lands in the last cell, only the end laid out) give exactly what the general path gives: the same bytes
fed whole with the cut and without it (``_PAST_THE_EDGE`` out of reach), and a byte at a time (runs of one
character, never cut); and ``Screen.draw`` of a run against ``draw`` of each of its characters.

The runs mix what decides what the last cell shows: ASCII, wide characters (dropped at the last cell, or split
across the edge), combining marks (joining the last cell, or cut from their base at the edge), emoji; from any
column, the cursor pending a wrap, insert mode, a coloured pen, character sets (line drawing, a single shift),
left/right margins, and rows with wide characters and marks under the edge already.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.bench import generate
from app.vt import Terminal
from app.vt import screen as screen_module
from app.vt.width import WIDE_PLACEHOLDER, cells, cells_of_lines
from tests.vt.strict import full_state

_CHARS = ["a", "b", " ", "|", "-", "中", "文", "修", "e\u0301", "\u0301", "😀", "é", "ß", "\u200b", "ｱ", "x"]
_WORDS = ["make", "中文", "修复", " | ", "e\u0301e\u0301", "😀😀", "./...", "\u0301", "TestParse", "abc中"]

_RUN = st.lists(st.one_of(st.sampled_from(_CHARS), st.sampled_from(_WORDS)), min_size=1, max_size=80).map("".join)
#: Runs without marks, after a run of anything: the cut's end taken after heads of every kind (marks in the head,
#: which then ends before the edge; wide characters, which the rest starts after).
_CLEAN = st.lists(st.sampled_from(["a", "中", "修复", " | ", "make", "ｱ", "é"]), min_size=1, max_size=40).map("".join)
_RUNS = st.one_of(_RUN, st.tuples(_RUN, _CLEAN).map("".join))
_BEFORE = st.sampled_from(
    [
        "",
        "\x1b[4h",  # insert mode
        "\x1b[7m",
        "\x1b[44m",
        "\x1b(0",  # line drawing in G0: the cut is not taken
        "\x1bN",  # a single shift of G2 for the first character
        "\x1b[?69h\x1b[3;12s",  # left/right margins: not taken
        "\x1b[?69h\x1b[3;12s\x1b[15G",  # beyond the right margin
        "中文中文中文中文中文中文中文中文中文中文中文\r",  # a row of wide characters under the edge
        "e\u0301" * 25 + "\r",  # marks under the edge
        "\x1b[5b",  # REP before
    ]
)


@contextmanager
def _without_the_cut() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(screen_module, "_PAST_THE_EDGE", 10**9)
        yield


def _fed(data: bytes, cols: int, bytewise: bool = False) -> Terminal:
    t = Terminal(cols=cols, rows=3, scrollback=20)
    t.raise_internal_errors = True
    if bytewise:
        for i in range(len(data)):
            t.feed(data[i : i + 1])
    else:
        t.feed(data)
    return t


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([1, 2, 5, 20, 40]), _BEFORE, st.integers(min_value=1, max_value=45), _RUNS, st.booleans())
@example(20, "", 1, "e\u0301" * 10 + "x" * 40, False)  # marks in the head: it ends before the edge, the rest all drawn
@example(20, "", 1, "中" * 10 + "a" * 10 + "\u0301" + "中" * 20, False)  # the rest starts after the head's characters
@example(20, "", 1, "中文 | make | 修复 | " * 6 + "ab中", False)  # the end after the last ASCII character
@example(20, "", 19, "中" * 40, False)  # no ASCII character near the end: the rest the general way
@example(20, "", 1, "a" * 19 + "中" + "b" * 30 + "\u0301", False)  # a wide character split at the edge, a mark last
@example(20, "", 5, "e\u0301" * 30 + "x\u0301\u0301", False)  # marks in the head, so it ends before the edge
@example(20, "\x1b[4h", 1, "修复 make " * 8, True)  # insert mode, then REP
@example(5, "\x1bN", 1, "`" + "中a" * 20, False)
def test_a_run_past_the_edge_equals_the_general_path(cols: int, before: str, col: int, run: str, rep: bool) -> None:
    after = "\x1b[3b" if rep else ""
    data = f"\x1b[?7l{before}\x1b[{col}G{run}{after}\x1b[?7h".encode()
    cut = full_state(_fed(data, cols))
    with _without_the_cut():
        assert full_state(_fed(data, cols)) == cut
    assert full_state(_fed(data, cols, bytewise=True)) == cut


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([3, 20, 40]), st.integers(min_value=0, max_value=39), _RUNS, st.booleans(), st.booleans())
def test_draw_of_a_run_equals_draw_of_each_character(cols: int, x: int, run: str, insert: bool, pending: bool) -> None:
    """``Screen.draw`` of a run (cut past the edge) against ``draw`` of its characters one by one."""

    def drawn(split: bool) -> tuple[object, ...]:
        t = Terminal(cols=cols, rows=3, scrollback=20)
        t.feed(b"\x1b[?7l" + (b"\x1b[4h" if insert else b"") + b"\x1b[44m")
        screen = t.screen
        screen.draw("中e\u0301" * cols)
        screen.x = min(x, cols - 1)
        screen.pending_wrap = pending and screen.x == cols - 1
        if split:
            for char in run:
                screen.draw(char)
        else:
            screen.draw(run)
        return (full_state(t), screen.last_char)

    assert drawn(False) == drawn(True)


def test_the_cut_is_taken_for_a_status_line() -> None:
    """The insert-mode kind's status line: the head laid out once and written, then only the end of the rest laid
    out (its last word); a rest with a mark before its last ASCII character, or none near its end, the general way."""
    heads: list[list[str]] = []
    laid: list[str] = []

    def cells_spy(text: str) -> str:
        laid.append(text)
        return cells(text)

    def heads_spy(texts: list[str]) -> list[str]:
        heads.append(texts)
        return cells_of_lines(texts)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(screen_module, "cells", cells_spy)
        patch.setattr(screen_module, "cells_of_lines", heads_spy)
        t = Terminal(cols=20, rows=3)
        t.screen.autowrap = False
        status = " | ".join(["中文", "make", "修复"] * 8) + " | 中文test修复"
        t.screen.draw(status)
        assert heads == [[status[:20]]]
        assert laid == ["t修复"]
        assert t.display[0].endswith(" t")  # "|" written over the last cell, then the "t" that shows
        assert not t.screen.pending_wrap  # the last wide character dropped
        for rest in ("中\u0301" + "中" * 30 + "a", "中" * 40):
            heads.clear()
            laid.clear()
            t.screen.pending_wrap = False
            t.screen.draw(rest)
            # The cursor on the last cell: a head of one wide character, which does not fit and starts the rest.
            assert heads == [[rest[:1]]]
            assert laid == [rest]


def test_the_insert_mode_kind_equals_the_general_path() -> None:
    """The bench's insert-mode kind (60 kB in 4 KiB reads, as the bench feeds it), with the cut and without."""
    data = generate("insert-mode", 60_000, seed=4)

    def fed() -> Terminal:
        t = Terminal(cols=120, rows=40, scrollback=200)
        t.raise_internal_errors = True
        for i in range(0, len(data), 4096):
            t.feed(data[i : i + 4096])
        return t

    cut = full_state(fed())
    with _without_the_cut():
        assert full_state(fed()) == cut


def test_no_character_the_cut_steps_over_is_zero_width() -> None:
    """Every character ``_NO_MARKS`` lets the cut step over lays out as one or two cells of itself, never as a mark
    (exhaustive: the class's ~53,000 code points), and a mark does not pass."""
    steps_over = screen_module._NO_MARKS
    for code in range(0x110000):
        char = chr(code)
        if steps_over(char) is None:
            continue
        laid = cells(char)
        assert laid in (char, char + WIDE_PLACEHOLDER), hex(code)
    for mark in ("\u0301", "\u200b", "\u302a", "\u3099", "\ufe0f", "\u200d"):
        assert steps_over(mark) is None
