"""A printable run drawn at once leaves exactly what its characters drawn one at a time leave.

``Screen._put_cells`` prints what fits on a row in one ``write`` (after one ``insert_blanks`` in insert
mode) and, with autowrap off, writes only the last of the characters that pile up in the edge's last
cell.  The general path it is held to is a terminal's own, a character at a time: :func:`_one_by_one`
(the engine's printer before it took runs, kept here as the reference) put in its place in a second
terminal fed the same bytes, in every state that changes how a character lands — insert mode,
autowrap, left/right margins and the cursor on either side of them, origin mode, a pending wrap, wide
characters cut at any edge, combining marks, styles, protection and REP.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from app.vt.screen import Screen
from app.vt.width import WIDE_PLACEHOLDER as PH
from tests.vt.strict import full_state

COLS = 12
ROWS = 5


#: What the screen holds before the run: text of every kind at places chosen by the draw.
_FILL = ["abcdefghijklmno", "中文字符", "ab中c文", "e\u0301x\u0308", "😀y", "\x1b[1;31mred\x1b[0m", "\x1b[44m  \x1b[m"]
#: The runs: what is drawn at once, then one character at a time.
_RUN_CHARS = st.sampled_from([*"abcXYZ 0123", "中", "文", "😀", "\u0301", "\u0308", "ｶ", "é"])


@st.composite
def _prefix(draw: st.DrawFn) -> str:
    """Rows filled with text of every kind, then each setting that changes how a character lands drawn on or
    off (so that every combination is likely), then the cursor somewhere, maybe with a wrap pending."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        parts.append(f"\x1b[{draw(st.integers(1, ROWS))};{draw(st.integers(1, COLS))}H")
        parts.append(draw(st.sampled_from(_FILL)))
    if draw(st.booleans()):
        left = draw(st.integers(1, COLS))
        right = draw(st.integers(1, COLS))
        parts.append(f"\x1b[?69h\x1b[{left};{right}s")
    parts.append(draw(st.sampled_from(["", "\x1b[2;4r"])))
    parts.append(draw(st.sampled_from(["", "\x1b[?6h"])))
    parts.append(draw(st.sampled_from(["", "\x1b[4h"])))
    parts.append(draw(st.sampled_from(["", "\x1b[?7l"])))
    parts.append(draw(st.sampled_from(["", "\x1b[1\"q", "\x1b[32m", "\x1b[43;1m", "\x1b[?45h"])))
    parts.append(f"\x1b[{draw(st.integers(1, ROWS))};{draw(st.integers(1, COLS + 1))}H")
    parts.append(draw(st.sampled_from(["", "", "\x1b[99C", "\x1b[99Cz", "\x1b[99C中", "\x1b[2b"])))
    return "".join(parts)


def _one_by_one(self: Screen, cells: str) -> None:
    """``Screen._put_cells`` a character at a time: each one opens its cells in insert mode, is written, and
    wraps or not on its own (the printer as it was before it took runs)."""
    n = len(cells)
    if not n:
        return
    self.last_run = cells
    cols = self.cols
    sid = self.sid
    i = 0
    while i < n:
        if self.pending_wrap:
            self.pending_wrap = False
            if self.autowrap:
                self.lines[self.y].wrapped = True
                self._index()
                self.x = self.left
        x = self.x
        edge = (self.right + 1 if x <= self.right else cols) if self._lr else cols
        line = self.lines[self.y]
        self.dirty.add(self.y)
        w = 2 if i + 1 < n and cells[i + 1] == PH else 1
        if x + w > edge:
            if self.autowrap and x > self.left:
                line.erase(x, edge, sid, cols)
                self.x = edge - 1
                self.pending_wrap = True
            else:
                i += w
            continue
        if self.insert and self.left <= x <= self.right:
            line.insert_blanks(x, w, sid, cols, self.right + 1)
        line.write(x, cells[i : i + w], sid, cols)
        i += w
        x += w
        if x >= edge:
            self.x = edge - 1
            self.pending_wrap = True
        else:
            self.x = x


def _feed_both(prefix: str, run: str, after: str) -> tuple[Terminal, Terminal]:
    """The same bytes fed to a terminal as it is and to one printing a character at a time."""
    data = (prefix + run + after).encode()
    whole = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    whole.feed(data)
    each = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    each.screen._put_cells = _one_by_one.__get__(each.screen)  # type: ignore[method-assign]
    each.feed(data)
    return whole, each


@settings(max_examples=600, deadline=None)
@given(_prefix(), st.lists(_RUN_CHARS, min_size=1, max_size=40).map("".join), st.sampled_from(["", "Q", "\x1b[3b"]))
def test_a_run_lands_as_its_characters_one_at_a_time(prefix: str, run: str, after: str) -> None:
    whole, each = _feed_both(prefix, run, after)
    assert full_state(whole) == full_state(each)


def test_insert_mode_opens_the_whole_run_at_once() -> None:
    t = Terminal(cols=10, rows=2)
    t.feed(b"abcdefgh\x1b[1;3H\x1b[4hXYZ")
    assert t.display[0] == "abXYZcdefg"
    assert t.cursor == (0, 5)


def test_insert_mode_wraps_within_the_margins() -> None:
    t = Terminal(cols=10, rows=3)
    t.feed(b"0123456789\x1b[?69h\x1b[3;7s\x1b[1;5H\x1b[4hABCDEFG")
    # From column 5 (1-based) the margin row shifts right and loses what passes column 7; the run wraps to
    # the left margin of the next row, where it opens cells too.
    assert t.display[0] == "0123ABC789"
    assert t.display[1] == "  DEFG    "
    assert t.cursor == (1, 6)


def test_autowrap_off_keeps_the_last_character_in_the_last_cell() -> None:
    t = Terminal(cols=8, rows=2)
    t.feed("\x1b[?7labcdefghij中k文".encode())
    assert t.display[0] == "abcdefgk"  # the wide ones beyond the edge are dropped, k took the last cell
    assert t.cursor == (0, 7)
    assert not t.screen.pending_wrap  # the last character was dropped: nothing is pending
    t.feed(b"\x1b[?7hZ")
    assert t.display == ["abcdefgZ", " " * 8]  # nothing was pending: Z goes over the last cell...
    t2 = Terminal(cols=8, rows=2)
    t2.feed(b"\x1b[?7labcdefghij\x1b[?7hZ")
    assert t2.display == ["abcdefgj", "Z       "]  # ...while after a single-width last character the wrap is pending


_EDGE_RUNS = ["ab中cd", "a中b", "中中中", "x😀yz文", "abc", "中", "ab中\u0301c", "ｶﾀ中"]


@pytest.mark.parametrize("modes", ["\x1b[4h", "\x1b[4h\x1b[?7l", "\x1b[?7l", ""])
@pytest.mark.parametrize("margins", ["", "\x1b[?69h\x1b[4;9s", "\x1b[?69h\x1b[2;3s"])
def test_every_start_column_near_every_edge(modes: str, margins: str) -> None:
    """Exhaustively, the corners a random stream seldom reaches: every start column (left of the left margin,
    on it, before the right margin, beyond it) with wide characters at every offset, over a row of text."""
    for col in range(1, COLS + 1):
        for run in _EDGE_RUNS:
            for shift in range(3):
                prefix = f"0123456789ab中\x1b[?7h{margins}{modes}\x1b[1;{col}H" + "z" * shift
                whole, each = _feed_both(prefix, run * 2, "")
                assert full_state(whole) == full_state(each), (modes, margins, col, run, shift)


@pytest.mark.parametrize("times", [1, 3])  # once: ``write_runs``; again from the same pen: the kept block
def test_coloured_runs_from_a_wide_characters_right_half_blank_it_and_drop_its_marks(times: int) -> None:
    """Runs with their colours written at once (``Screen.write_runs``, then ``write_laid``) from the right
    half of a wide character that holds a combining mark to the left half of the next: both characters go, both
    halves, and the mark with them, as when the characters are printed one at a time (fed a character at a time,
    the parser never hands over a block).  A NUL after the cursor's move, so that the colours are not taken with it
    (``csi_runs``)."""
    data = "".join("\x1b[1;1H中\u0301文\x1b[1;2H\x00\x1b[31ma\x1b[32mb\x1b[m" for _ in range(times))
    whole = Terminal(cols=COLS, rows=ROWS)
    whole.raise_internal_errors = True
    whole.feed(data.encode())
    one = Terminal(cols=COLS, rows=ROWS)
    one.raise_internal_errors = True
    for ch in data:
        one.feed(ch.encode())
    assert full_state(whole) == full_state(one)
    assert whole.screen.lines[0].marks is None
