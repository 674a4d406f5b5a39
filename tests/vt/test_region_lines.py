"""Lines landing at a scroll region's bottom (``Screen._land_lines``: a pane's tail, a pager, an editor scrolling its
text, a few lines at the bottom of the screen) give exactly what the same bytes give fed one at a time, which never
forms a block of lines.

The lines are laid out on fresh rows and the region moved once for them all, so the streams here put the cursor at a
region's bottom in every way it can be (regions from the top of the main screen, whose rows go to history, inside it
and on the alternate screen, one row high) and send the lines that must stop the batch: wrapping, combining marks,
tabs, EL before CR LF, a background left open (the row a CR LF opens takes it), a bottom row that is not blank.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state
from tests.vt.test_line_blocks import _fed_whole_and_bytewise

_COLS = 24
_ROWS = 8

_LINES = [
    "",
    "plain",
    "\x1b[33m1234 \x1b[0m    for i, row := range rows {",  # vim's line number and its code
    "\x1b[1mbold\x1b[0m and \x1b[31mred\x1b[0m",
    "\x1b[38;5;130m  58 \x1b[m_FLAG",
    "数据库 wide",
    "e\u0301 mark",  # a combining mark: not batched
    "tab\there",
    "\tlead",
    "x" * _COLS,  # the whole row
    "y" * (_COLS + 5),  # wraps: not batched
    "中" * 13,  # wraps at a wide character
    "\x1b[44mblue bg\x1b[49m",
    "\x1b[42mopen bg",  # the pen keeps a background: the row the CR LF opens takes it
    "\x1b[m",
    "\x1b[7mreverse",  # left open: the next lines print in it
    "\x1b[27m",
    "ends in EL\x1b[K",
    "z" * _COLS + "\x1b[K",  # EL after a line of the width erases its last cell (the cursor waits there)
    "\x1b[32mtab\tin colour\x1b[m",
]

#: Scroll regions, each with its bottom row (1-based).
_SETUPS = [
    ("\x1b[3;6r", 6),  # a region inside the main screen
    ("\x1b[1;6r", 6),  # from the top of the main screen: its rows go to history (the general way)
    ("\x1b[2;8r", 8),  # to the last row
    ("\x1b[r", 8),  # the whole screen
    ("\x1b[?1049h\x1b[2;7r", 7),  # the alternate screen
    ("\x1b[?1049h\x1b[r", 8),
    ("\x1b[4;4r", 4),  # one row high
    ("\x1b[1;1r", 1),
    ("\x1b[1;3r", 3),
    ("\x1b[2;4r", 4),  # a block longer than the region: lines pass its top
    ("\x1b[?1049h\x1b[5;8r", 8),
    ("\x1b[3;7r", 7),
]


def _stream(rng: random.Random, ops: int) -> str:
    out = ["".join(f"filler {k}\r\n" for k in range(_ROWS))]
    bottom = _ROWS
    for _ in range(ops):
        roll = rng.random()
        if roll < 0.15:
            setup, bottom = rng.choice(_SETUPS)
            out.append(setup)
        elif roll < 0.2:
            out.append("\x1b[r\x1b[?1049l" if rng.random() < 0.5 else "\x1b[m")
            bottom = _ROWS
        elif roll < 0.25:
            out.append(f"\x1b[{rng.randint(1, _ROWS)};{rng.randint(1, _COLS)}Hdirt")  # the bottom row not blank
        elif roll < 0.28:
            out.append("\x1b[4h" if rng.random() < 0.5 else "\x1b[4l")  # insert mode: the general way
        elif roll < 0.3:
            out.append("\x1b(0" if rng.random() < 0.5 else "\x1b(B")  # line drawing: the general way
        elif roll < 0.33:
            out.append("\x1b[45m")  # a pen with a background before the lines: the rows CR LF opens take it
        # The cursor to the region's bottom or the row above it (its CR LF then lands on the bottom row without a
        # scroll: the row as it is), now and then another row; then lines, each after a CR LF.
        roll = rng.random()
        row = bottom if roll < 0.6 else max(1, bottom - 1) if roll < 0.85 else rng.randint(1, _ROWS)
        out.append(f"\x1b[{row};1H")
        for _ in range(rng.randint(1, 9)):
            out.append("\r\n" + rng.choice(_LINES))
        if rng.random() < 0.5:
            out.append("\r\n")
    return "".join(out)


def _fed(data: bytes, scrollback: int, cols: int = _COLS) -> tuple[Terminal, Terminal]:
    """*data* fed at once and a byte at a time (which never forms a block), on this file's screen."""
    return _fed_whole_and_bytewise(data, cols, _ROWS, scrollback)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scrollback=st.sampled_from([0, 3, 100]))
def test_lines_at_a_regions_bottom_equal_bytewise(seed: int, scrollback: int) -> None:
    data = _stream(random.Random(seed), 60).encode()
    whole, bytewise = _fed(data, scrollback)
    assert full_state(whole) == full_state(bytewise)
    assert whole.screen.scrolled_off == bytewise.screen.scrolled_off


def test_a_pane_tail_lands_its_lines_at_once() -> None:
    """The bench's cursor-scroll tail (CR LF and a vim row, at a region's bottom) takes the batch, and the region's
    rows are the lines, in order, with the region's other rows and the rows outside it as they were."""
    landed: list[int] = []
    t = Terminal(cols=40, rows=8, scrollback=100)
    inner = t.screen._land_lines

    def spy(*args: object) -> int:
        n = inner(*args)  # type: ignore[arg-type]
        landed.append(n)
        return n

    t.screen._land_lines = spy  # type: ignore[method-assign]
    rows = "".join(f"\r\n\x1b[33m{k:>4} \x1b[0mcode {k}" for k in range(5))
    data = "".join(f"row {k}\r\n" for k in range(7)) + "row 7\x1b[2;6r\x1b[6;1H" + rows + "\r\n"
    t.feed(data.encode())
    assert landed and max(landed) >= 4
    assert [row.rstrip() for row in t.display] == [
        "row 0",
        "   1 code 1",
        "   2 code 2",
        "   3 code 3",
        "   4 code 4",
        "",
        "row 6",
        "row 7",
    ]
    line = t.screen.lines[1]
    assert line.styles is not None and t.screen.styles[line.styles[0]].fg == 3  # the number in its colour (yellow)
    assert t.screen.styles[line.styles[5]].fg == -1  # the code in the default colour
    _whole, bytewise = _fed(data.encode(), 100, cols=40)
    assert full_state(t) == full_state(bytewise)


@pytest.mark.parametrize(
    "data",
    [
        # A row blanked by EL 1 keeps its wrap flag; lines printed from it at a region's bottom go the general way,
        # which leaves the flag on the row as it scrolls up (the batch's rows are new lines, unwrapped).
        "\x1b[6;1H"
        + "w" * (_COLS + 1)
        + f"\x1b[6;{_COLS}H\x1b[1K\x1b[2;6r\x1b[5;1H\r\n\x1b[33m  12 \x1b[mcode\r\nmore\r\n",
        # A pen with a background from before the lines, the first of them on a fresh row: the row its CR LF opens
        # takes the background.
        "\x1b[2;6r\x1b[45m\x1b[5;1H\r\nplain\r\nnext\r\n",
        "\x1b[?1049h\x1b[2;6r\x1b[45m\x1b[5;1H\r\n\x1b[1mbold\r\nnext\r\n",
        # Lines without colour changes in a pen left open (reverse video, bold): their cells take it.
        "\x1b[2;6r\x1b[6;1H\r\n\x1b[7mrev\r\nplain\r\nmore\r\n",
        "\x1b[2;6r\x1b[1m\x1b[6;1H\r\nbold\r\n数据\r\n",
    ],
)
def test_lines_from_rows_the_batch_leaves_alone_equal_bytewise(data: str) -> None:
    whole, bytewise = _fed(data.encode(), 100)
    assert full_state(whole) == full_state(bytewise)
