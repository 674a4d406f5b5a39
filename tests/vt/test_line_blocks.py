"""Blocks of plain lines (``print_lines`` and its bulk scroll at the bottom of a full screen) give
exactly what the same bytes give fed one at a time, which never forms a block."""

from __future__ import annotations

import random

import pytest

from app.vt import Terminal


def _state(t: Terminal) -> tuple[object, ...]:
    screen = t.screen
    history = [(row.text, row.styles, row.marks, row.wrapped) for row in screen.history]
    rows = [(line.text, line.styles, line.marks, line.wrapped) for line in screen.lines]
    return history, rows, t.cursor, screen.scrolled_off, screen.pending_wrap, screen.last_char


_WORDS = ["ok", "数据库", "=== RUN   Test边界", "e\u0301", "😀", "x" * 40, "", "\x1b[31mred\x1b[0m", "tab\there"]


def _stream(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        roll = rng.random()
        if roll < 0.02:
            out.append(f"\x1b[{rng.randint(1, 9)};{rng.randint(1, 30)}H")  # leave the bottom row
        elif roll < 0.03:
            out.append("\x1b[2;8r")  # a scroll region: not the whole screen
        elif roll < 0.04:
            out.append("\x1b[r")
        elif roll < 0.05:
            out.append("\x1b[44m")  # a coloured pen: erased rows take its background
        elif roll < 0.06:
            out.append("\x1b[0m")
        elif roll < 0.07:
            out.append("\x1b[?1049h" if rng.random() < 0.5 else "\x1b[?1049l")
        out.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 5))) + "\r\n")
    return "".join(out)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("scrollback", [0, 5, 200])
def test_line_blocks_equal_bytewise(seed: int, scrollback: int) -> None:
    data = _stream(random.Random(seed), 400).encode()
    whole = Terminal(cols=30, rows=10, scrollback=scrollback)
    whole.feed(data)
    bytewise = Terminal(cols=30, rows=10, scrollback=scrollback)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    assert _state(whole) == _state(bytewise)


def test_a_block_longer_than_the_screen_scrolls_in_order() -> None:
    t = Terminal(cols=20, rows=4, scrollback=100)
    t.feed(b"".join(b"line %d\r\n" % i for i in range(50)))
    assert [row.text.rstrip() for row in t.screen.history][-3:] == ["line 44", "line 45", "line 46"]
    assert [row.rstrip() for row in t.display] == ["line 47", "line 48", "line 49", ""]
    assert t.cursor == (3, 0)
    assert t.screen.scrolled_off == 47
