"""Blocks of lines holding ``ESC ( B`` (G0 designated ASCII, which ncurses programs such as top and htop send before
every ``CSI m``) give exactly what the same bytes give fed one at a time, which never forms a block.

The block leaves ``ESC ( B`` out where G0 is ASCII already (it changes nothing there) and reports the block's events
one by one where it is not, so the streams here change G0 and G1 and shift between them (line drawing in G0 or G1,
SO and SI, a single shift, the UK set whose ``#`` is a pound sign) before and between such lines, on the main screen
and in regions, with colours, EL before the CR LF and wide characters.
"""

from __future__ import annotations

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state
from tests.vt.test_line_blocks import _fed_whole_and_bytewise

_COLS = 30
_ROWS = 6

#: top's rows and pieces of them: sgr0 as ncurses sends it (``ESC ( B ESC [ m``), colours, EL before the CR LF.
_LINES = [
    "\x1b(B\x1b[m   21 root      20   0 S   0.0 cpuhp/0  \x1b(B\x1b[m\x1b[39;49m\x1b[K",
    "\x1b(B\x1b[m\x1b[1m  1 top\x1b(B\x1b[m",
    "\x1b[7m  PID USER\x1b(B\x1b[m",
    "lqqk # x \x1b(B lqqk #",  # line-drawing letters and a pound sign, before and after G0 is ASCII again
    "\x1b(B",
    "plain",
    "数据 \x1b(B\x1b[33m宽\x1b[m",
    "\x1b(Bq" * 4,
    "",
]

#: What comes between the lines: the character sets changed, shifted and reset, the cursor moved, regions.
_BETWEEN = [
    "",
    "\x1b(0",  # line drawing in G0: a block's ESC ( B changes it back
    "\x1b(A",  # the UK set in G0
    "\x1b)0\x0e",  # line drawing in G1, shifted in: G0 is ASCII but not in GL
    "\x1b)B\x0e",
    "\x0f",  # back to G0
    "\x1bN",  # a single shift of G2 for the next character
    "\x1b*0\x1bn",  # line drawing in G2, locked in GL
    "\x1b(B\x0f",
    "\x1b[2;5r\x1b[5;1H",  # a region below the top, the cursor at its bottom
    "\x1b[r",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[3;4H",
    "\x1b[45m",
]


def _stream(rng: random.Random, ops: int) -> str:
    out = []
    for _ in range(ops):
        out.append(rng.choice(_BETWEEN))
        out.append("\r\n" + "".join(rng.choice(_LINES) + "\r\n" for _ in range(rng.randint(1, 6))))
        if rng.random() < 0.3:
            out.append(rng.choice(_LINES))  # a line not ended: the next stream piece follows it
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scrollback=st.sampled_from([0, 50]))
@example(seed=1, scrollback=50)
def test_lines_with_g0_designated_ascii_equal_bytewise(seed: int, scrollback: int) -> None:
    data = _stream(random.Random(seed), 40).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, _COLS, _ROWS, scrollback)
    assert full_state(whole) == full_state(bytewise)


def test_each_charset_state_before_a_block() -> None:
    """Every setting of ``_BETWEEN`` right before a block of top's lines with line-drawing letters in them."""
    for between in _BETWEEN:
        data = ("start\r\n" + between + "\r\n" + "".join(line + "\r\n" for line in _LINES)).encode()
        whole, bytewise = _fed_whole_and_bytewise(data, _COLS, _ROWS, 50)
        assert full_state(whole) == full_state(bytewise), between
    # Line drawing in G0 while G1 (ASCII) is shifted in: the block's ``ESC ( B`` changes G0, which shows once SI
    # shifts it back in.
    data = ("\x1b(0\x1b)B\x0e\r\n" + _LINES[0] + "\r\n" + "\x0f\r\nlqqk\r\n").encode()
    whole, bytewise = _fed_whole_and_bytewise(data, _COLS, _ROWS, 50)
    assert full_state(whole) == full_state(bytewise)


def test_top_rows_go_as_a_block() -> None:
    """top's rows (sgr0 as ``ESC ( B ESC [ m``, EL before each CR LF) are one block of lines, not a sequence a time."""
    blocks: list[str] = []
    t = Terminal(cols=_COLS, rows=_ROWS, scrollback=50)
    inner = t.dispatcher.print_lines

    def spy(block: str) -> None:
        blocks.append(block)
        inner(block)

    t.dispatcher.print_lines = spy  # type: ignore[method-assign]
    data = ("top\r\n" + "".join(_LINES[0] + "\r\n" for _ in range(4))).encode()
    t.feed(data)
    assert len(blocks) == 1 and blocks[0].count("\r\n") == 4
    assert full_state(t) == full_state(_fed_whole_and_bytewise(data, _COLS, _ROWS, 50)[1])
