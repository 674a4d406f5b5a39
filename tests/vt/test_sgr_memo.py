"""Short blocks of SGR+text pairs that ``Dispatcher.sgr_runs`` lays out once and keeps (``_runs_memo``: a shell's
coloured prompt, a test runner's coloured words) leave exactly what the same bytes leave without the memo and fed a
byte at a time (which never forms a block).

The blocks come from a small pool, so most are seen again (the memo answers), and they start from pens left by
earlier blocks or by an SGR left open; their runs hold wide characters and combining marks (in the last run and
before it), reach the edge or cross it, follow a pending wrap, a character set, insert mode or margins, and are
followed by REP (which repeats the last run's last character) or by a line editor's corrections.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal, dispatch
from tests.vt.strict import full_state

COLS = 40
ROWS = 4

#: Runs of SGR+text pairs (each starts with an SGR and has text after it, as the parser's blocks do).
_BLOCKS = [
    "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ ",
    "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ make",
    "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ 修复 ps",
    "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[1;31m$ make",  # the same but for the last SGR
    "\x1b[32m--- PASS\x1b[0m: TestX",
    "\x1b[0mplain\x1b[mtext",  # every cell plain: a plain row keeps no styles list
    "\x1b[0mab\x1b[1;33mcd",  # a pen left open after the block
    "\x1b[31mFAIL\x1b[m",
    "\x1b[38;5;197m━━━━\x1b[0m\x1b[38;5;237m╺━━\x1b[0m",
    "\x1b[44mbg\x1b[49m open",
    "\x1b[1me\u0301\x1b[0mx",  # a combining mark before the last run: the general path
    "\x1b[1mab\x1b[0me\u0301",  # and in the last run
    "\x1b[7m中\x1b[27m文",
    "\x1b[38;2;1;2;3mt\x1b[48:2::4:5:6mc\x1b[mz",  # true colours (kept by the memo, not by ``_sgr_ops``)
    "\x1b[4mu\x1b[24m" * 5,  # more pairs than the memo takes
    "\x1b[35m" + "w" * 30 + "\x1b[m" + "中" * 3,  # wider than what is left of most rows
    # The memo's key is the pen, the first pair and the text up to the last run: blocks that differ only in the
    # first SGR, only in the first run, and blocks of as many pairs as it takes and of one more.
    "\x1b[1;33mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ make",
    "\x1b[1;32mdev@hosts\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ make",
    "\x1b[1mb\x1b[2mc" * 4,
    "\x1b[1mb\x1b[2mc" * 4 + "\x1b[3md",
]

_BETWEEN = st.sampled_from(
    [
        "",
        "\r\n",
        "\r",
        "\x1b[33m",  # a pen left open: the next block starts from it
        "\x1b[0m",
        "\x1b[2b",  # REP of the last run's last character
        "\x08\x08\x1b[P",  # a line editor's correction on the row
        "\x1b[3D\x1b[@k",
        "\x1b[99C",  # at the edge
        "\x1b[99Cz",  # a wrap pending
        "\x1b(0",  # DEC graphics: ``draw`` translates
        "\x1b(B",
        "\x1b[4h",  # insert mode
        "\x1b[4l",
        "\x1b[?7l",  # autowrap off
        "\x1b[?7h",
        "\x1b[?69h\x1b[3;30s",  # left/right margins
        "\x1b[?69l",
        "\x1b[1;5H",
        "\x1b[K",
    ]
)


def _fed(data: bytes, *, memo: bool, bytewise: bool = False) -> Terminal:
    saved = dispatch._MEMO_PAIRS
    dispatch._MEMO_PAIRS = saved if memo else 0
    try:
        t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
        if bytewise:
            for i in range(len(data)):
                t.feed(data[i : i + 1])
        else:
            t.feed(data)
    finally:
        dispatch._MEMO_PAIRS = saved
    return t


def _check(text: str) -> None:
    data = text.encode()
    expected = full_state(_fed(data, memo=False, bytewise=True))
    assert full_state(_fed(data, memo=False)) == expected
    assert full_state(_fed(data, memo=True)) == expected


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(_BETWEEN, st.sampled_from(_BLOCKS)), min_size=1, max_size=14))
@example([("", _BLOCKS[0]), ("\r\n", _BLOCKS[0]), ("\r\n", _BLOCKS[1]), ("\r\n", _BLOCKS[3]), ("", _BLOCKS[6])])
@example([("\x1b[33m", _BLOCKS[4]), ("\r", _BLOCKS[4]), ("\x1b[2b", _BLOCKS[4])])
@example([("", _BLOCKS[7]), ("\r\n", _BLOCKS[7]), ("\r\n", _BLOCKS[6]), ("\r\n", _BLOCKS[6])])
@example([("", _BLOCKS[10]), ("\r\n", _BLOCKS[10]), ("\r\n", _BLOCKS[11]), ("\r\n", _BLOCKS[11])])
@example([("", _BLOCKS[12]), ("\x1b[1;2H", _BLOCKS[12]), ("\x1b[1;39H", _BLOCKS[12])])
def test_kept_blocks_lay_out_as_the_general_path(steps: list[tuple[str, str]]) -> None:
    # A BEL before each block: after a CSI the block would be ``csi_runs``' (which has no memo), not ``sgr_runs``'.
    _check("".join(f"{between}\x07{block}" for between, block in steps))


@pytest.mark.parametrize("start", range(COLS - 32, COLS + 1))
def test_a_kept_block_at_every_column_near_the_edge(start: int) -> None:
    # The same prompt twice on every row (the memo keeps it the first time and lays it out from the second), started
    # at columns up to the edge, then a character printed (on the next row if the prompt left a wrap pending) and
    # REP.  A BEL before each: a block right after a CSI is ``csi_runs``', not ``sgr_runs``'.
    prompt = _BLOCKS[2]
    _check("".join(f"\x1b[{y};{start}H\x07{prompt}Z\x1b[{start}G\x07{prompt}\x1b[bZ" for y in (1, 2, 3)))
    # The cursor and its pending wrap as the prompt leaves them.
    _check(f"\x1b[{start}G\x07{prompt}\x1b[{start}G\x07{prompt}\x1b[{start}G\x07{prompt}")


def test_the_memo_is_bounded_and_starts_again() -> None:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    # Each line ends in a BS, so that it is not a whole line of text and SGRs (``print_lines``) but a block.
    blocks = "".join(f"\x1b[3{k % 8}m{k}\x1b[0m-\x08\r\n" for k in range(dispatch._MEMO_SIZE + 50))
    t.feed(blocks.encode())
    memo = t.dispatcher._runs_memo
    assert 50 <= len(memo) <= dispatch._MEMO_SIZE
    reference = _fed(blocks.encode(), memo=False, bytewise=True)
    assert full_state(t) == full_state(reference)


#: Pieces of whole log lines (``print_lines``), whose pens ``_pens_memo`` keeps: coloured words that recur, pens
#: left open into the next line, more SGRs than the memo takes, EL before the CR LF.
_LINE_PIECES = st.sampled_from(
    [
        "ok ",
        "日志 ",
        "\x1b[1mbold\x1b[0m ",
        "\x1b[32m--- PASS\x1b[0m: ",
        "\x1b[31mFAIL\x1b[m",
        "\x1b[33m",  # left open
        "\x1b[0m",
        "\x1b[44mbg\x1b[49m",
        "\x1b[38;2;9;8;7mtc\x1b[39m",
        "\x1b[4mu\x1b[24m" * 5,
        "\x1b[K",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(_LINE_PIECES, max_size=6).map("".join), min_size=1, max_size=12))
@example(["\x1b[1mbold\x1b[0m ok", "\x1b[33m", "\x1b[1mbold\x1b[0m ok", "\x1b[1mbold\x1b[0m ok"])
@example(["\x1b[33mx", "\x1b[1mbold ok", "\x1b[0m", "\x1b[1mbold ok", "\x1b[1mbold ok\x1b[K", "ok"])
def test_kept_pens_of_log_lines_are_the_general_paths(lines: list[str]) -> None:
    # After a CR LF the lines form blocks; the first line goes the general way.
    _check("start\r\n" + "".join(line + "\r\n" for line in lines))


def test_the_pens_memo_is_bounded_and_starts_again() -> None:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    # Whole log lines (``print_lines``) whose colour changes are all different: each is a new key of ``_pens_memo``.
    lines = "".join(
        f"\x1b[38;5;{k % 256}m{k}\x1b[48;5;{k // 256}m ok\x1b[0m\r\n" for k in range(dispatch._MEMO_SIZE + 50)
    )
    data = ("start\r\n" + lines).encode()
    t.feed(data)
    memo = t.dispatcher._pens_memo
    assert 50 <= len(memo) <= dispatch._MEMO_SIZE
    reference = _fed(data, memo=False, bytewise=True)
    assert full_state(t) == full_state(reference)
