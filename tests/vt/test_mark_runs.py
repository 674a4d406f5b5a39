"""A run of text with combining marks (``Screen._draw_with_marks``) written at once: its bases in one write, then its
marks attached, gives what the same bytes give fed one at a time (each mark then arrives alone and takes the
general way: ``_combine`` on the cell the cursor just wrote).

The streams put runs with marks (after a base, several on one base, after a wide character, at the start of a run,
on a variation selector or a joiner) anywhere on rows that already hold wide characters, marks and colours, at and
near the edge, with a wrap pending, in insert mode, with left/right margins, a character set, autowrap off, and
REP after them.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state

COLS, ROWS = 12, 4

#: Runs of printable characters, with and without zero-width ones.
_RUNS = [
    "e\u0301",
    "cafe\u0301 ",
    "x\u0301\u0323y",  # two marks on one base
    "中\u0301文",  # a mark on a wide character
    "\u0301a",  # a run that starts with a mark: on the cell before it
    "\u0301",
    "n\u0303o\u0302\u0323",  # ends with marks: REP repeats nothing after it
    "\u2764\ufe0f ok",  # a variation selector
    "a\u200db",  # a joiner
    "\ufffd\u0368\ufffd\ufffd",  # mojibake: UTF-8 read of GBK bytes
    "abc",
    "中文",
    "\u0915\u094d\u0937",  # a Devanagari conjunct
    "w" * 11 + "\u0301",  # to the last cell and beyond
    "v" * 10 + "e\u0301z",
]

#: What comes between the runs: moves (onto half of a wide character, to the edge), colours, modes, REP.
_BETWEEN = [
    "",
    "",
    "\r\n",
    "\r",
    "\x1b[31m",
    "\x1b[44m",
    "\x1b[0m",
    "\x1b[2b",  # REP
    "\x1b[3D",
    "\x1b[1;2H",
    "\x1b[2;12H",
    "\x1b[11G",
    "\x1b[4h",  # insert mode
    "\x1b[4l",
    "\x1b[?7l",  # autowrap off
    "\x1b[?7h",
    "\x1b[?69h\x1b[3;9s",  # left/right margins
    "\x1b[?69l",
    "\x1b(0",  # DEC graphics
    "\x1b(B",
    "\x1b[2K",
]


def _fed(data: bytes, bytewise: bool) -> Terminal:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    if bytewise:
        for i in range(len(data)):
            t.feed(data[i : i + 1])
    else:
        t.feed(data)
    return t


def _check(stream: str) -> None:
    data = stream.encode()
    assert full_state(_fed(data, bytewise=False)) == full_state(_fed(data, bytewise=True))


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_BETWEEN), st.sampled_from(_RUNS)), min_size=1, max_size=14))
@example([("\x1b[1;1H", "中文"), ("\x1b[1;2H", "e\u0301")])  # on the right half of a wide character
@example([("", "中文x"), ("\x1b[1;4H", "\u0301a")])  # a leading mark on a wide character a base blanks
@example([("", "a\u0301b\u0302"), ("\x1b[1;1H", "xy")])  # a write drops the marks of the cells it covers
@example([("", "v" * 10 + "e\u0301")])  # the bases end on the last cell but one
@example([("", "v" * 10 + "e\u0301z")])  # ... and on the last cell
@example([("\x1b[4h", "ab"), ("\x1b[1;1H", "e\u0301")])  # insert mode
@example([("", "n\u0303"), ("\x1b[2b", "")])  # REP after a mark: nothing
@example([("", "no\u0303x"), ("\x1b[2b", "")])  # REP after a base
def test_runs_with_marks_equal_bytewise(pieces: list[tuple[str, str]]) -> None:
    _check("".join(between + run for between, run in pieces))


def test_a_run_with_marks_lands_on_its_cells() -> None:
    """The bases in their cells, each mark on the cell before it (a wide character's left half), the cursor after."""
    t = Terminal(cols=COLS, rows=ROWS)
    t.feed("ab中\u0301x\u0301\u0323y\x1b[32mz\u0302".encode())
    line = t.screen.lines[0]
    assert line.text.startswith("ab中\x00xyz")
    assert line.marks == {2: "\u0301", 4: "\u0301\u0323", 6: "\u0302"}
    assert t.cursor == (0, 7)
