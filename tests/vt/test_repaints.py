"""ConPTY's repaints of lines (``Dispatcher.repaints``) leave what the same bytes leave fed one at a time.

A Windows console's renderer (and Wine's conhost, around every write) repaints a line as ``CSI ? 25 l``, a CUP, the
line's text, EL where the row held longer text, and ``CSI ? 25 h``.  The parser hands such repaints, one or more in a
row, to ``repaints`` in one call, after a CR LF or at the ``CSI ? 25 l`` token; the screen moves the cursor and writes
the row at once (``Screen.repaint_line``).  Fed a byte at a time none of that forms (each CSI goes through the state
machine, each run is a ``draw``).  The streams mix repaints with what makes the fast write step aside or act
differently: CUPs beyond the screen or without numbers, text reaching the edge, wide characters cut at either end,
combining marks, an empty line, backgrounds the EL fills with, origin mode in a region, autowrap off, insert mode,
protection, DEC line drawing, a pending wrap, and what may follow a CR LF (lines, other DEC modes, bash's accept).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.bench import generate
from app.vt import Terminal
from tests.vt.strict import full_state

# What makes the fast paths step aside, and the feeder in steps, as for the rows csi_runs writes (same screen size).
from tests.vt.test_row_runs import _MODES, COLS, ROWS, _fed

_TEXTS = [
    "",
    "a",
    "ok PASS",
    "中文",
    "x中",
    "e\u0301",
    "😀!",
    "0123456789abcde",  # to the column before the edge from column 1
    "0123456789abcdef",  # to the edge
    "0123456789abcdefgh",  # wraps
    "ｶﾀ",
    "C:\\Users\\dev>",
]
# Beyond the screen, without numbers, at odd columns (the right half of a wide character), at and past the edge.
_CUPS = [
    "H",
    "1H",
    ";H",
    "3;1H",
    "4;5H",
    "2;2H",
    "3;4H",
    "2;6H",
    "0;0H",
    "9;1H",
    "99999;3H",
    "2;15H",
    "2;16H",
    "5;17H",
    "8;1H",
    "1;2;3H",
]
_OTHER = [
    "\r\n",
    "\r\r\n",
    "\x1b[K",
    "\x1b[?25l",
    "\x1b[?25l\x00",  # the cursor left hidden before a repaint (a NUL keeps it out of the repaint's block)
    "\x1b[?25h",
    "\x1b[?9001h\x1b[?1004h",
    "\x1b[?9001l\x1b[?1004l",
    "\x1b[?2004l\r",
    "\x1b[?2004h",
    "\x1b[31m",
    "\x1b[44m",
    "\x1b[0m",
    "\x1b[m",
    "\x1b[1;1H",
    "\x1b[8;10H",
    "plain text",
    "\x1b[8;1H0123456789abcdef\x00",  # a wrap pending (a NUL keeps the next repaint out of this CUP's block)
    "中文字符中文字符",
    "\x08",
    "\x1b[?1004h",
]


@st.composite
def _repaint(draw: st.DrawFn) -> str:
    """One repaint of a line as ConPTY sends it, the EL sometimes left out (the new text covers the old)."""
    cup = draw(st.sampled_from(_CUPS))
    text = draw(st.sampled_from(_TEXTS))
    erase = "\x1b[K" if draw(st.integers(0, 3)) else ""
    return f"\x1b[?25l\x1b[{cup}{text}{erase}\x1b[?25h"


@st.composite
def _stream(draw: st.DrawFn) -> str:
    parts = ["abcdefghijklmnop\r\n中文字符中文字符\r\n\x1b[41mbackground\x1b[m\r\n"]
    for _ in range(draw(st.integers(1, 30))):
        r = draw(st.integers(0, 9))
        if r < 5:
            for _ in range(draw(st.integers(1, 3))):
                parts.append(draw(_repaint()))
        elif r < 6:
            # A frame that is not one line's repaint: the shape the fast path must leave to the general one.
            parts.append(f"\x1b[?25l\x1b[{draw(st.sampled_from(_CUPS))}{draw(st.sampled_from(_TEXTS))}\r\nok\x1b[?25h")
        elif r < 9:
            parts.append(draw(st.sampled_from(_OTHER)))
        else:
            parts.append(draw(st.sampled_from(_MODES)))
            # A NUL (which does nothing) keeps the mode out of the repaint's block, as a program's text would.
            parts.append(draw(st.sampled_from(["", "\x00"])))
    return "".join(parts)


def _state(t: Terminal) -> tuple[object, ...]:
    return full_state(t)


def _dirty_after(data: bytes, step: int) -> list[int]:
    """The rows marked for the window to paint again by *data* fed after a screen of lines (the cursor's row before
    a repaint and the rows written: the window repaints the cursor where it was and where it is)."""
    t = _fed(b"".join(b"line %d\r\n" % i for i in range(ROWS * 2)) + b"\x1b[3;4H", 1)
    t.screen.dirty.clear()
    for i in range(0, len(data), step):
        t.feed(data[i : i + step])
    return sorted(t.screen.dirty)


@settings(max_examples=1000, deadline=None)
@given(_stream())
def test_repaints_equal_bytewise(text: str) -> None:
    data = text.encode()
    assert _state(_fed(data, len(data))) == _state(_fed(data, 1))


@settings(max_examples=300, deadline=None)
@given(_stream(), st.integers(2, 40))
def test_repaints_split_anywhere_equal_bytewise(text: str, step: int) -> None:
    data = text.encode()
    assert _state(_fed(data, step)) == _state(_fed(data, 1))


def _watched(data: bytes) -> tuple[Terminal, list[str]]:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    blocks: list[str] = []
    real = t.dispatcher.repaints

    def spy(block: str) -> None:
        blocks.append(block)
        real(block)

    t.dispatcher.repaints = spy  # type: ignore[method-assign]
    t.feed(data)
    return t, blocks


def test_repaints_in_a_row_go_in_one_call_after_a_line_or_another_sequence() -> None:
    one = "\x1b[?25l\x1b[2;1Hfirst\x1b[K\x1b[?25h"
    two = "\x1b[?25l\x1b[3;1H中文 ok\x1b[K\x1b[?25h\x1b[?25l\x1b[4;3Hcovered\x1b[?25h"
    t, blocks = _watched(f"a line\r\n{one}{two}\x1b[31mred\x1b[m\r\n{two}".encode())
    assert blocks == [one + two, two]
    assert [r.rstrip() for r in t.display[1:4]] == ["first", "中文 ok", "  coveredred"]  # no EL after "covered"
    assert t.screen.cursor_visible and t.cursor == (3, 9)


def test_what_is_not_a_line_repaint_goes_the_general_way() -> None:
    # A frame of several lines (CR LF inside), a CUP of another final, colour inside: not this path.
    for frame in (
        "\x1b[?25l\x1b[2;1Hone\r\ntwo\x1b[?25h",
        "\x1b[?25l\x1b[2;1fone\x1b[K\x1b[?25h",
        "\x1b[?25l\x1b[2;1H\x1b[32mone\x1b[K\x1b[?25h",
    ):
        _t, blocks = _watched(f"x\r\n{frame}{frame}".encode())
        assert blocks == [], frame


def test_a_repaint_that_reaches_the_edge_or_has_marks_is_written_the_general_way() -> None:
    for text in ("0123456789abcdef", "0123456789abcdefgh", "e\u0301x", ""):
        data = f"\x1b[?25l\x1b[5;1H{text}\x1b[K\x1b[?25h\x1b[?25l\x1b[6;2Hnext\x1b[K\x1b[?25h".encode()
        t, blocks = _watched(data)
        assert len(blocks) == 1
        assert _state(t) == _state(_fed(data, 1)), text
        assert _dirty_after(data, len(data)) == _dirty_after(data, 1), text


@settings(max_examples=300, deadline=None)
@given(st.lists(_repaint(), min_size=1, max_size=6), st.sampled_from([*_MODES, ""]))
def test_repaints_mark_the_rows_the_general_way_marks(repaints: list[str], mode: str) -> None:
    data = (mode + "".join(repaints)).encode()
    assert _dirty_after(data, len(data)) == _dirty_after(data, 1)


def test_the_windows_console_kind_equals_bytewise() -> None:
    data = generate("windows-console", 60_000, seed=3)
    whole = Terminal(cols=120, rows=40, scrollback=500)
    whole.feed(data)
    bytewise = Terminal(cols=120, rows=40, scrollback=500)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    assert full_state(whole) == full_state(bytewise)


def test_a_repaint_after_other_sequences_or_a_chunks_start_inside_one_goes_in_one_call() -> None:
    """A block of CSIs (``csi_runs``) that starts at a DEC mode or at EL stops before a repaint: after a program's
    modes, or where a chunk of the stream began inside an earlier repaint (its EL and ``CSI ? 25 h``), the repaints
    that follow still go in one call.  (A block that starts at another CSI takes them along: the look before each
    CSI cost full-screen programs 1.5 %.)"""
    repaint = "\x1b[?25l\x1b[2;1Hfirst\x1b[K\x1b[?25h\x1b[?25l\x1b[3;1Hsecond\x1b[K\x1b[?25h"
    for before in ("\x1b[?9001h\x1b[?1004h", "ok\x1b[K\x1b[?25h", "\x1b[K\x1b[?25h", "\x1b[?25h"):
        t, blocks = _watched(f"{before}{repaint}".encode())
        assert blocks == [repaint], before
        assert full_state(t) == full_state(_fed(f"{before}{repaint}".encode(), 1)), before


@pytest.mark.parametrize(
    "before",
    [
        "\x1b[2;6r\x1b[?6h\x00",  # origin mode in a region: the CUP is relative to it and kept inside it
        "\x1b[2;6r\x1b[?6h\x00\x1b[?25l\x1b[9;20Hfar\x1b[?25h",
        "\x1b[4h\x00",  # insert mode: a repaint without EL pushes the row's text right
        "\x1b[8;1H0123456789abcdef\x00",  # a wrap pending before the repaint: its CUP cancels it
        "\x1b(0\x00",  # DEC line drawing
        "\x1b[1\"q\x00",  # protection: its EL spares protected cells
    ],
)
def test_repaints_after_what_changes_them_equal_bytewise(before: str) -> None:
    rows = "abcdefghijklmnop\r\nqrstuvwxyzabcdef\r\n中文字符中文字符\r\n"
    repaints = "\x1b[?25l\x1b[3;2Hxy\x1b[?25h\x1b[?25l\x1b[1;3Hlqk\x1b[K\x1b[?25h"
    data = f"{rows}{before}{repaints}".encode()
    t, blocks = _watched(data)
    assert blocks and blocks[-1].endswith(repaints)
    assert _state(t) == _state(_fed(data, 1))
