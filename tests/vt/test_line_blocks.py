"""Blocks of log lines (``print_lines`` and its bulk scroll at the bottom of a full screen) give
exactly what the same bytes give fed one at a time, which never forms a block.

A block may hold HTs and SGRs as well as printable text, so the streams here mix in tabs (with the
default stops and with others), colours that change mid-line or stay open across lines, background
colours (erased rows take them), wrapping, combining marks, and everything that sends a line back to
the general path.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state


def _state(t: Terminal) -> tuple[object, ...]:
    screen = t.screen
    table = screen.styles

    def styles(ids: object) -> object:
        # Compared as styles, decoded from the ids.
        return None if ids is None else [table[sid] for sid in ids]  # type: ignore[attr-defined]

    history = [(row.text, styles(row.styles), row.marks, row.wrapped) for row in screen.history]
    rows = [(line.text, styles(line.styles), line.marks, line.wrapped) for line in screen.lines]
    return (
        history,
        rows,
        t.cursor,
        screen.scrolled_off,
        screen.pending_wrap,
        screen.last_char if t.parser.after_print else "",  # what a REP now would repeat
        screen.style,
        table[screen.sid],
        screen.cursor_visible,
        screen.dec_modes,
    )


def _fed_whole_and_bytewise(data: bytes, cols: int, rows: int, scrollback: int) -> tuple[Terminal, Terminal]:
    """Two terminals fed *data*: at once, and a byte at a time (which never forms a block)."""
    whole = Terminal(cols=cols, rows=rows, scrollback=scrollback)
    whole.feed(data)
    bytewise = Terminal(cols=cols, rows=rows, scrollback=scrollback)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    return whole, bytewise


_WORDS = [
    "ok",
    "数据库",
    "=== RUN   Test边界",
    "e\u0301",
    "😀",
    "x" * 40,
    "",
    "\x1b[31mred\x1b[0m",
    "tab\there",
    "\tlead",
    "数据\t库",
    "end\t",
    "\x1b[1;32m--- PASS\x1b[m:",
    "\x1b[38;5;208morange",  # left open: the next lines print in it
    "\x1b[38:2::10:20:30mtrue\x1b[39m",
    "\x1b[7m\trev\x1b[27m",
    "\x1b[44mblue bg\x1b[49m",
    "\x1b[42m",  # a background left open at the end of a line: the next row is erased in it
    "\x1b[m",
    "\x1b[0;1m\x1b[31m\x1b[4mstacked\x1b[0m",
    "a\x1b[32mb\x1b[33mc\x1b[34md\x1b[0m",
    "\x1b[?25lhidden\x1b[?25h",  # the cursor hidden and shown again in a line
    "\x1b[?25l",
    # Longer than the width (30): wide characters across the edge at either parity, tabs before the
    # edge and at it, a row of exactly the width.
    "中文字符串" * 5,
    "a" + "数据" * 12,
    "\tlong " + "y" * 30,
    "z" * 26 + "\tafter the edge",
    "w" * 30,
]


def _stream(rng: random.Random, lines: int, erase: float = 0.0) -> str:
    """Log lines with the sequences that change how a block may land between them; *erase* of them end in EL before
    their CR LF, as ConPTY ends the lines it repaints."""
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
        elif roll < 0.075:
            out.append(f"\x1b[{rng.randint(1, 29)}G\x1bH\r")  # a tab stop of its own: the stops are not the default
        elif roll < 0.08:
            out.append("\x1b[3g\x1bc" if rng.random() < 0.3 else "\x1b[3g")  # no stops; sometimes a full reset
        elif roll < 0.085:
            out.append("\x1b(0" if rng.random() < 0.5 else "\x1b(B")  # line drawing: charsets apply
        elif roll < 0.09:
            out.append("\x1b[4h" if rng.random() < 0.5 else "\x1b[4l")  # insert mode
        elif roll < 0.095:
            out.append("\x1b[?7l" if rng.random() < 0.5 else "\x1b[?7h")  # autowrap off / on
        elif roll < 0.1:
            out.append("\x1b[32m" * rng.randint(1, 3))
        elif roll < 0.11:
            out.append("\x1b[2b")  # REP: the last character the previous lines printed, again
        elif roll < 0.16:
            out.append("\x1b[?25h\x1b[?25l" if rng.random() < 0.5 else "\x1b[?25h")  # a ConPTY repaint's ends
        elif roll < 0.2:
            # bash 5.1+ after an accepted line (bracketed paste off, then CR), and forms a block does not take
            out.append(rng.choice(["\x1b[?2004l\r", "\x1b[?2004h\r", "\x1b[?2004l\r\x1b[?2004h\r", "\x1b[?2004l"]))
        end = "\x1b[K\r\n" if erase and rng.random() < erase else "\r\n"
        out.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 5))) + end)
    return "".join(out)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("scrollback", [0, 5, 200])
def test_line_blocks_equal_bytewise(seed: int, scrollback: int) -> None:
    data = _stream(random.Random(seed), 400).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, cols=30, rows=10, scrollback=scrollback)
    assert _state(whole) == _state(bytewise)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("scrollback", [0, 200])
def test_line_blocks_with_erase_in_line_before_cr_lf_equal_bytewise(seed: int, scrollback: int) -> None:
    """EL between a line and its CR LF stays in the block where it erases nothing (a line shorter than the width on
    a fresh row, a pen without background); lines of the width or longer, with a HT, in a background colour or not at
    a fresh bottom erase the general way."""
    data = _stream(random.Random(seed), 400, erase=0.5).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, cols=30, rows=10, scrollback=scrollback)
    assert _state(whole) == _state(bytewise)


def _watched_blocks() -> tuple[Terminal, list[str]]:
    """A 20x4 terminal whose dispatcher notes each block of lines the fast path hands it (and still prints it)."""
    t = Terminal(cols=20, rows=4, scrollback=100)
    calls: list[str] = []
    inner = t.dispatcher.print_lines

    def spy(block: str) -> None:
        calls.append(block)
        inner(block)

    t.dispatcher.print_lines = spy  # type: ignore[method-assign]
    return t, calls


def test_conpty_repaints_at_the_bottom_go_in_one_block() -> None:
    """ConPTY's repaints at the bottom of the screen (``?25l``, lines ended by EL or CR LF, ``?25h``): the lines of
    one repaint after another in one block, the cursor shown or hidden as the last of them says, and the screen what
    the bytes give fed one at a time."""
    t, calls = _watched_blocks()
    frames = b"".join(
        b"\x1b[?25l=== RUN   T%d\x1b[K\r\n\x1b[32m--- PASS\x1b[0m: T%d\r\n\x1b[?25h" % (i, i) for i in range(6)
    )
    data = b"start\r\n" + frames + b"\x1b[?25lend\r\n"
    t.feed(data)
    block = frames.decode() + "\x1b[?25lend\r\n"
    # The block, then (from within) its lines without DECTCEM.
    assert calls == [block, block.replace("\x1b[?25l", "").replace("\x1b[?25h", "")]
    assert [t.display[y].rstrip() for y in range(4)] == ["=== RUN   T5", "--- PASS: T5", "end", ""]
    assert not t.screen.cursor_visible
    _whole, bytewise = _fed_whole_and_bytewise(data, cols=20, rows=4, scrollback=100)
    assert _state(t) == _state(bytewise)
    t.feed(b"\x1b[?25hmore\r\n")
    assert t.screen.cursor_visible


def test_a_shells_accepted_line_and_the_output_after_it_go_in_one_block() -> None:
    """bash 5.1+ ends an accepted line ``CR LF CSI ? 2004 l CR`` (bracketed paste off) and the command's output
    follows: the mode switched straight after that CR LF (``Perform.paste_off``), the CR dropped, the output one
    block, and the screen what the bytes give fed one at a time; bracketed paste on again before the next prompt,
    switched straight after the block, and no block takes the prompt."""
    t, calls = _watched_blocks()
    output = "main_test.go:12: 你好\r\nok\tdone\r\n"
    data = f"\x1b[?2004h$ make\r\n\x1b[?2004l\r{output}\x1b[?2004h$ ".encode()
    t.feed(data)
    assert calls == [output]
    assert 2004 in t.screen.dec_modes
    _whole, bytewise = _fed_whole_and_bytewise(data, cols=20, rows=4, scrollback=100)
    assert _state(t) == _state(bytewise)
    more = b"x\r\n\x1b[?2004l\r\x1b[?2004h$ "  # a command without output: no line for a block after the CR
    t.feed(more)
    assert calls[1:] == []
    assert 2004 in t.screen.dec_modes
    _whole, bytewise = _fed_whole_and_bytewise(data + more, cols=20, rows=4, scrollback=100)
    assert _state(t) == _state(bytewise)
    t.feed(b"\r\n\x1b[?2004l\r\r\n")  # an empty line after the CR: a block
    assert calls[1:] == ["\r\n"]
    assert 2004 not in t.screen.dec_modes
    # The CR of a CR LF is not taken as the one after the mode: the line is a block.
    t.feed(b"\x1b[?2004h\r\n\x1b[?2004l\r\n")
    assert calls[2:] == ["\r\n"]
    assert 2004 not in t.screen.dec_modes


@pytest.mark.parametrize(
    "tail",
    [
        "\x1b[?2004l\r\n",  # the CR is the CR LF's: not taken as the one after the mode
        "\x1b[?2004lx\r\n",  # the mode without the CR
        "x\x1b[?2004l\rab\r\n",  # in the middle of a line, where the CR moves the cursor
        "\x1b[?2004h\r\r\n\x1b[?2004l\rabc\r\n",
        "\x1b[?25l\x1b[?2004l\rab\x1b[?25h\r\n",
        # Switched on, off and on again (or off, on, off) between lines: a block each time, the last one counts.
        "\x1b[?2004h\rab\r\n\x1b[?2004l\rcd\r\n\x1b[?2004h\ref\r\n",
        "\x1b[?2004l\rab\r\n\x1b[?2004h\rcd\r\n\x1b[?2004l\ref\r\n",
    ],
)
def test_bracketed_paste_in_a_block_only_at_a_lines_start_then_cr(tail: str) -> None:
    data = f"one\r\ntwo\r\n{tail}three\r\n".encode()
    for cols in (20, 3):
        whole, bytewise = _fed_whole_and_bytewise(data, cols=cols, rows=4, scrollback=10)
        assert _state(whole) == _state(bytewise)


def test_lines_after_a_cr_cr_lf_line_go_in_a_block_from_the_next_cr_lf_line() -> None:
    """A legacy program's lines end in CR CR LF, which no block takes, so none is tried after such a line; a line
    ending in CR LF after it is followed by a block as ever, and the screen is what the bytes give one at a time."""
    t, calls = _watched_blocks()
    data = b"start\r\nold\r\r\nold too\r\r\nnew\r\n" + b"".join(b"line %d\r\n" % i for i in range(5))
    t.feed(data)
    assert calls == ["".join(f"line {i}\r\n" for i in range(5))]
    _whole, bytewise = _fed_whole_and_bytewise(data, cols=20, rows=4, scrollback=100)
    assert _state(t) == _state(bytewise)


def test_lines_ending_in_erase_in_line_go_in_one_block() -> None:
    """ConPTY's repainted lines (text, EL, CR LF) at the bottom of a full screen: one block, and EL after a line of
    the width erases its last cell (the cursor waits there) as it does fed a byte at a time."""
    t, calls = _watched_blocks()
    lines = b"".join(b"line %d\x1b[K\r\n" % i for i in range(10))
    lines += b"\x1b[32mok\x1b[m\x1b[K\r\n" + b"w" * 20 + b"\x1b[K\r\n"
    t.feed(b"start\r\n" + lines)
    assert len(calls) == 1
    assert [row.rstrip() for row in t.display] == ["line 9", "ok", "w" * 19, ""]


@pytest.mark.parametrize(
    "line",
    [
        "w" * 30,  # the width: EL erases the last cell
        "v" * 60,  # twice the width
        "\x1b[32m" + "g" * 30 + "\x1b[m",  # coloured, the width
        "\x1b[32m" + "中" * 15 + "\x1b[m",  # coloured, wide characters: 15 characters, 30 cells
        "中" * 15,
        "a" + "中" * 15,  # the last wide character moves to the next row
        "\t\t\txxxxxx",  # HTs to the width
        "\t\t\t\tfour",  # HTs past the width
        "\x1b[44mbg",  # a background left open: EL paints the rest of the row
        "short",
    ],
)
def test_erase_in_line_after_lines_that_reach_the_edge_equals_bytewise(line: str) -> None:
    """EL before CR LF after a line that fills its last row (the cursor waits on the last cell, which EL erases), has
    HTs or leaves a background open: in a block of such lines, the same screen as fed a byte at a time."""
    block = "".join(f"{k} {line}\x1b[K\r\n" if k % 2 else f"{line}\x1b[K\r\n" for k in range(8))
    data = ("x\r\n" * 12 + block + "\x1b[m" + block.replace("\x1b[K", "")).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, cols=30, rows=10, scrollback=100)
    assert _state(whole) == _state(bytewise)


def test_a_block_longer_than_the_screen_scrolls_in_order() -> None:
    t = Terminal(cols=20, rows=4, scrollback=100)
    t.feed(b"".join(b"line %d\r\n" % i for i in range(50)))
    assert [row.text.rstrip() for row in t.screen.history][-3:] == ["line 44", "line 45", "line 46"]
    assert [row.rstrip() for row in t.display] == ["line 47", "line 48", "line 49", ""]
    assert t.cursor == (3, 0)
    assert t.screen.scrolled_off == 47


def test_a_block_of_coloured_and_tabbed_lines_lays_out_as_the_terminal_does() -> None:
    t = Terminal(cols=30, rows=3, scrollback=10)
    t.feed(b"x\r\n" * 5 + b"\x1b[32mPASS\x1b[0m:\tok\r\na\tb\r\n\x1b[1m\tbold\r\n")
    history = [row.text.rstrip() for row in t.screen.history]
    assert history[-1] == "PASS:   ok"
    assert [row.rstrip() for row in t.display] == ["a       b", "        bold", ""]
    row = t.screen.lines[0]
    assert row.styles is None  # the cells a tab passes are not painted
    bold = t.screen.lines[1]
    assert bold.styles is not None
    assert {t.screen.styles[s].flags for s in bold.styles[8:12]} == {1}  # BOLD
    assert set(bold.styles[:8]) == {0}  # passed over by the tab: still plain
    assert t.screen.style.flags == 1  # the pen stays bold after the block


@pytest.mark.parametrize("seed", range(3))
def test_line_blocks_of_true_colour_on_every_cell_equal_bytewise(seed: int) -> None:
    """A new style per cell, with backgrounds opened and closed (erased rows take them) and tabs."""
    rng = random.Random(seed)
    lines = []
    for _ in range(300):
        cells = "".join(
            f"\x1b[38;2;{rng.randint(0, 255)};{rng.randint(0, 255)};{rng.randint(0, 255)}m"
            + (f"\x1b[48;5;{rng.randint(0, 255)}m" if rng.random() < 0.1 else "")
            + rng.choice("ab字\t")
            for _ in range(rng.randint(0, 12))
        )
        lines.append(cells + ("\x1b[49m" if rng.random() < 0.5 else "") + "\r\n")
    data = "".join(lines).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, cols=30, rows=8, scrollback=50)
    assert _state(whole) == _state(bytewise)
    assert len({sid for row in whole.screen.history for sid in row.styles or ()}) > 100  # really one per cell


_AT_3_AND_16 = ["ab c", "   x            y", "red             plain", "数 据", "end", ""]
_DEFAULT = ["ab      c", "        x       y", "red     plain", "数      据", "end", ""]


@pytest.mark.parametrize(
    ("stops", "expected"),
    [
        (b"\x1b[4G\x1bH\x1b[9G\x1b[0g\r", _AT_3_AND_16),  # a stop at column 3 and none at 8
        (b"\x1b[3g", None),  # no stops at all: a tab goes to the last column (and lines wrap)
        (b"\x1b[3g\x1bc", _DEFAULT),  # cleared, then a full reset brings the default stops back
    ],
)
def test_blocks_with_tabs_follow_the_tab_stops_in_force(stops: bytes, expected: list[str] | None) -> None:
    lines = [b"ab\tc", b"\tx\ty", b"\x1b[31mred\x1b[0m\tplain", b"\xe6\x95\xb0\t\xe6\x8d\xae", b"end\t"]
    data = b"filler\r\n" * 12 + stops + b"".join(line + b"\r\n" for line in lines * 4)
    whole, bytewise = _fed_whole_and_bytewise(data, cols=24, rows=6, scrollback=50)
    assert _state(whole) == _state(bytewise)
    if expected is not None:
        assert [row.rstrip() for row in whole.display] == expected
    else:
        assert "red" + " " * 20 + "p" in [row.rstrip() for row in whole.display]  # the tab went to the last column


def test_rep_after_a_block_repeats_nothing() -> None:
    """Every line of a block ends in CR LF, a control: xterm's REP then has no last character (it forgets it
    once anything but a printed character comes), fed whole or byte by byte alike."""
    data = b"one\r\n" * 4 + b"two\r\nabc\tx\t\r\n\x1b[31mred\x1b[0m\r\n\x1b[3b"
    whole, bytewise = _fed_whole_and_bytewise(data, cols=20, rows=3, scrollback=10)
    assert whole.display[-1].rstrip() == bytewise.display[-1].rstrip() == ""
    whole.feed(b"z\x1b[2b\r\nlast\t\r\n\tmore\r\n\x1b[2b")
    assert [row.rstrip() for row in whole.display] == ["last", "        more", ""]
    assert whole.history[-1].rstrip() == "zzz"


#: Words of the lines below: wide characters that land across the edge (12 columns) at either parity, colours
#: (a background too) opened and closed, the C1 controls NEL and CSI as UTF-8 output of U+0085 and U+009B sends
#: them, U+FFFD, marks and tabs that send a line back to the general path.
_C1_WORDS = [
    "ok",
    "x" * 7,
    "数据库",
    "a数据b",
    "😀",
    "\ufffd\ufffd",
    "e\u0301",
    "tab\there",
    "\x1b[1mbold\x1b[0m",
    "\x1b[31m红色",
    "\x1b[m",
    "\x1b[44mbg\x1b[49m",
    "\x85",
    "\x85\x85",
    "\x9b32mC1-CSI\x9b0m",
    "\x9b1m",
    "\x9b1;4m数",
]


@st.composite
def _c1_lines(draw: st.DrawFn) -> str:
    """Settings that change where a line lands or what NEL does (left/right margins, a scroll region, newline
    mode, autowrap off, a pen), then lines of the words above, each ending in CR LF or CR CR LF."""
    parts = [draw(st.sampled_from(["", "", "\x1b[?69h\x1b[3;10s", "\x1b[?69h\x1b[1;12s", "\x1b[2;4r"]))]
    parts.append(draw(st.sampled_from(["", "", "\x1b[20h", "\x1b[?7l", "\x1b[33m", "\x1b[5;1H"])))
    for _ in range(draw(st.integers(1, 14))):
        words = draw(st.lists(st.sampled_from(_C1_WORDS), max_size=8))
        parts.append(" ".join(words) + draw(st.sampled_from(["\r\n", "\r\n", "\r\r\n", "\r\r\r\n"])))
    parts.append(draw(st.sampled_from(["", "tail", "\x1b[2b"])))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(_c1_lines(), st.integers(0, 10_000))
@example("\x1b[m \x1b[m ok\r\r\n", 0)  # plain SGRs between runs on a plain row: no styles list, as draw leaves it
def test_blocks_with_c1_controls_and_wrapping_coloured_lines_equal_bytewise(text: str, cut: int) -> None:
    """Lines with NEL and C1 CSI SGRs (some ending in CR CR LF), and coloured lines longer than the width (laid out
    in one step as the rows autowrap makes) land as the same bytes fed one at a time, and split anywhere."""
    data = ("filler\r\n" * 6 + text).encode()
    whole, bytewise = _fed_whole_and_bytewise(data, cols=12, rows=5, scrollback=20)
    assert full_state(whole) == full_state(bytewise)
    split = Terminal(cols=12, rows=5, scrollback=20)
    at = cut % (len(data) + 1)
    split.feed(data[:at])
    split.feed(data[at:])
    assert full_state(split) == full_state(whole)


def test_nel_and_c1_csi_in_a_block_are_cr_lf_and_esc_bracket() -> None:
    t = Terminal(cols=12, rows=3, scrollback=10)
    t.feed(("x\r\n" * 3 + "one\x85two \x9b1mbold\x9b0m\r\r\nthree\r\n").encode())
    assert [row.text.rstrip() for row in t.screen.history][-1] == "one"
    assert [row.rstrip() for row in t.display] == ["two bold", "three", ""]
    styles = t.screen.lines[0].styles
    assert styles is not None and {t.screen.styles[s].flags for s in styles[4:8]} == {1}  # BOLD
    assert set(styles[:4]) == set(styles[8:]) == {0}


def test_a_block_with_nel_beyond_the_right_margin_is_what_its_events_do() -> None:
    """The parser hands blocks over only after a CR LF, where NEL and CR LF agree even with left/right margins;
    ``print_lines`` holds to its events wherever it is called: beyond the right margin at the bottom, NEL's index
    does not scroll (it looks at the column before its CR), where CR LF's would."""
    prefix = b"filler\r\n" * 6 + b"\x1b[?69h\x1b[3;10s\x1b[5;12H"
    block = "a\x85b\x9b1mc\r\n"
    direct = Terminal(cols=12, rows=5, scrollback=20)
    direct.feed(prefix)
    direct.dispatcher.print_lines(block)
    traced = Terminal(cols=12, rows=5, scrollback=20)
    traced.feed(prefix)
    traced.parser.feed_traced(block)
    assert full_state(direct) == full_state(traced)
    as_crlf = Terminal(cols=12, rows=5, scrollback=20)
    as_crlf.feed(prefix)
    as_crlf.parser.feed_traced(block.replace("\x85", "\r\n"))
    assert full_state(as_crlf) != full_state(traced)  # here NEL is not CR LF
