"""Coloured rows in a full-screen program's screen (the alternate screen, a scroll region below the top of the main
one), which ``Dispatcher.sgr_runs`` writes with their pens kept by the SGRs' texts (``_row_pens``) instead of its
memo by text, leave exactly what the same bytes leave without the memos and fed a byte at a time (which never forms a
block).

The rows are vim's (a line number in colour, then code, wide characters in it), htop's and the pool of
``test_sgr_memo``; they start from pens left open by earlier rows, are scrolled in after CR LF at a region's bottom,
written after a CUP, at the edge, after a pending wrap, in insert mode, under a character set, with left and right
margins and autowrap off, followed by REP; the screens switch between the main and the alternate one and regions
come and go, so that the same row's pens are looked up from other pens and in both ways.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal, dispatch
from tests.vt.strict import full_state
from tests.vt.test_sgr_memo import _BLOCKS, COLS, ROWS, _check, _fed

_CODE = ["    if err != nil {", "// 处理请求并返回", "}", "x" * (COLS - 5), "y" * (COLS - 4), "e\u0301 mark"]

#: vim's rows: the line number in yellow, then the code in the default pen (the number makes each row new).
_VIM_ROWS = st.builds(lambda n, code: f"\x1b[33m{n:>4} \x1b[0m{code}", st.integers(1, 9999), st.sampled_from(_CODE))
_HTOP_ROWS = st.builds(
    lambda pid, cpu, red: f"{pid:>7} dev \x1b[{31 if red else 32}m{cpu:>5.1f}\x1b[0m 1:02 \x1b[1mhtop\x1b[0m",
    st.integers(1, 99999),
    st.floats(0, 100),
    st.booleans(),
)
_ROWS = st.one_of(_VIM_ROWS, _HTOP_ROWS, st.sampled_from(_BLOCKS))

#: Where the rows go: screens and regions, the cursor moved, modes that make a row take ``draw``'s long way.
_BETWEEN = st.sampled_from(
    [
        "",
        "\r\n",  # at a region's bottom: the region scrolls, the row lands on its fresh bottom row
        "\r\n\r\n",
        "\x1b[?1049h",
        "\x1b[?1049l",
        f"\x1b[2;{ROWS}r\x1b[{ROWS};1H",  # a region below the top, the cursor at its bottom
        "\x1b[2;3r\x1b[3;1H",
        "\x1b[1;3r\x1b[3;1H",  # a region from the top: the main screen's rows go to history (the memo by text)
        "\x1b[r",
        "\x1b[33m",  # a pen left open: the next row starts from it
        "\x1b[45m",  # a background: the rows CR LF opens take it
        "\x1b[0m",
        "\x1b[2b",  # REP of the row's last character
        "\x1b[99C",  # at the edge
        "\x1b[99Cz",  # a wrap pending
        "\x1b(0",  # DEC graphics
        "\x1b(B",
        "\x1b[4h",  # insert mode
        "\x1b[4l",
        "\x1b[?7l",  # autowrap off
        "\x1b[?7h",
        "\x1b[?69h\x1b[3;30s",  # left/right margins
        "\x1b[?69l",
        "\x1b[2;5H",
        "\x1b[K",
    ]
)


@settings(max_examples=800, deadline=None)
@given(
    st.sampled_from(["\x1b[?1049h", f"\x1b[2;{ROWS}r", "\x1b[?1049h\x1b[2;3r", ""]),
    st.lists(st.tuples(_BETWEEN, _ROWS), min_size=1, max_size=14),
)
@example("\x1b[?1049h", [("\r\n", "\x1b[33m  12 \x1b[0mcode"), ("\r\n", "\x1b[33m  13 \x1b[0mcode")])
@example("\x1b[?1049h", [("\r\n", "\x1b[33m  12 \x1b[0mcode"), ("\r\n", "\x1b[31m  13 \x1b[0mcode")])
@example("\x1b[?1049h", [("\x1b[33m", "\x1b[1mb\x1b[0mc"), ("\r\n", "\x1b[1mb\x1b[0mc"), ("\x1b[2b", _BLOCKS[0])])
@example(f"\x1b[2;{ROWS}r", [("\x1b[45m", "\x1b[33m  12 \x1b[0mcode"), ("\r\n", "\x1b[33m  13 \x1b[0mcode")])
@example("\x1b[?1049h", [("\x1b[1;39H", _BLOCKS[12]), ("\x1b[99Cz", _BLOCKS[2]), ("\x1b[4h", _BLOCKS[5])])
def test_rows_in_a_full_screen_program_are_the_general_paths(setup: str, steps: list[tuple[str, str]]) -> None:
    # A BEL before each row: after a CSI the row would be ``csi_runs``' block, not ``sgr_runs``'.
    _check(setup + "".join(f"{between}\x07{row}" for between, row in steps))


@pytest.mark.parametrize("setup", ["\x1b[?1049h", f"\x1b[2;{ROWS}r", "\x1b[?1049h\x1b[?69h\x1b[3;30s"])
@pytest.mark.parametrize("start", range(COLS - 12, COLS + 1))
def test_a_row_at_every_column_near_the_edge(setup: str, start: int) -> None:
    row = "\x1b[33m  12 \x1b[0m數據x"  # 11 cells: fits, reaches the edge or crosses it
    _check(setup + "".join(f"\x1b[{y};{start}H\x07{row}Z\x1b[{start}G\x07{row}\x1b[bZ" for y in (2, 3, 4)))


def test_a_region_tail_takes_the_row_path() -> None:
    """vim's rows scrolled in at a region's bottom of the alternate screen (the bench's cursor-scroll tail) go by
    their pens: one key for all of them (the same SGRs from the same pen), nothing in the memo by text, and the
    screen as the general way leaves it."""
    # Each row after a CUP to the bottom and CR LF (a block of whole lines would take rows followed by CR LF).
    rows = "".join(f"\x1b[{ROWS};1H\r\n\x1b[33m{k:>4} \x1b[0mcode {k}" for k in range(30))
    text = f"\x1b[?1049h\x1b[2;{ROWS}r" + rows
    t = _fed(text.encode(), memo=True)
    assert list(t.dispatcher._row_pens) == [(0, "33", "0")]
    assert not t.dispatcher._runs_memo
    assert [row.rstrip() for row in t.display[1:]] == ["  27 code 27", "  28 code 28", "  29 code 29"]
    assert full_state(t) == full_state(_fed(text.encode(), memo=False, bytewise=True))
    # On the main screen, from its top, the same rows go by the memo by text (a shell's prompt recurs).
    main = _fed(rows.encode(), memo=True)
    assert not main.dispatcher._row_pens
    assert main.dispatcher._runs_memo


def test_the_row_pens_are_bounded_and_start_again() -> None:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    # Rows whose colour changes are all different: each is a new key of ``_row_pens``.
    rows = "".join(
        f"\x07\x1b[38;5;{k % 256}m{k}\x1b[48;5;{k // 256}m ok\x1b[0m\r\n" for k in range(dispatch._MEMO_SIZE + 50)
    )
    data = ("\x1b[?1049h" + rows).encode()
    t.feed(data)
    memo = t.dispatcher._row_pens
    assert 50 <= len(memo) <= dispatch._MEMO_SIZE
    assert full_state(t) == full_state(_fed(data, memo=False, bytewise=True))
