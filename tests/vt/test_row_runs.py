"""A full-screen program's repaints leave what the same bytes leave fed one at a time.

vim, htop and less repaint a row as a cursor move and a few runs cut by colour changes (a line number, a CPU
column), often ended by EL, inside a scroll region they scroll with CR LF at its bottom, IL/DL, RI at its top and
SU/SD.  ``Dispatcher.csi_runs`` writes a row's runs at once (``Screen.write_runs``, with the EL after them), moves
the cursor for a CUP without a call, and CR LF at the bottom of a region, IL, DL and SD reuse the row that leaves
the region.  Fed a byte at a time, nothing of that is taken (no block forms): each run is a ``draw``, each CSI
goes through the state machine.  The streams mix those rows with what changes what they do: wide characters cut at
either end of a run, combining marks, runs reaching the edge, origin mode, autowrap off, insert mode, protection
(DECSCA, SPA) before an EL, backgrounds an EL fills with, DEC line drawing, the alternate screen, DECSC/DECRC.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state

COLS = 16
ROWS = 8

_SGRS = ["0", "", "1", "7", "31", "33", "41", "1;44", "38;5;200", "48;5;17", "0;7", "27"]
_TEXTS = [
    "a",
    "42 ",
    "hello",
    "  1234 root   ",
    "中文",
    "x中",
    "e\u0301",
    "😀!",
    "0123456789abcdef",
    "0123456789abcdefgh",
    "ｶﾀ",
]
_OTHER = [
    "\x1b[K",
    "\x1b[0K",
    "\x1b[1K",
    "\x1b[2K",
    "\r\n",
    "\x1bM",
    "\x1b7",
    "\x1b8",
    "\x1b[2L",
    "\x1b[L",
    "\x1b[3M",
    "\x1b[M",
    "\x1b[2S",
    "\x1b[T",
    "\x1b[3X",
    "\x1b[2P",
    "\x1b[2A",
    "\x1b[3C",
    "\x1b[?25l",
    "\x1b[?25h",
    "\x08",
    "\x1b[2b",  # REP: repeats the last printed character only if nothing came between
    "\x1bD",
    "\x1bE",
]
# Settings that make the fast paths step aside or act differently: origin mode, autowrap off, insert mode,
# protection (DEC and ISO), DEC line drawing, the alternate screen, a region.
_MODES = [
    "\x1b[?6h",
    "\x1b[?6l",
    "\x1b[?7l",
    "\x1b[?7h",
    "\x1b[4h",
    "\x1b[4l",
    '\x1b[1"q',
    '\x1b[0"q',
    "\x1bV",
    "\x1bW",
    "\x1b(0",
    "\x1b(B",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[2;6r",
    "\x1b[r",
]


@st.composite
def _row(draw: st.DrawFn) -> str:
    """A row repainted as a program does: a cursor move (CUP or HVP, numbers beyond the screen too), then runs each
    after an SGR (the first maybe without one), maybe an EL."""
    move = draw(
        st.sampled_from(["H", "f"]).flatmap(
            lambda final: st.tuples(st.integers(0, ROWS + 2), st.integers(0, COLS + 2)).map(
                lambda rc: f"\x1b[{rc[0]};{rc[1]}{final}"
            )
        )
    )
    parts = [move]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(_TEXTS)))
    for _ in range(draw(st.integers(0, 4))):
        parts.append(f"\x1b[{draw(st.sampled_from(_SGRS))}m")
        if draw(st.integers(0, 4)):
            parts.append(draw(st.sampled_from(_TEXTS)))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["\x1b[K", "\x1b[0K", "\x1b[2K"])))
    return "".join(parts)


@st.composite
def _edge_row(draw: st.DrawFn) -> str:
    """Runs that end on the last column (the cursor then waits there, a wrap pending) or one before it."""
    col = draw(st.integers(1, COLS - 2))
    width = COLS - col + 1 - draw(st.integers(0, 1))
    text = "abcdefghijklmnopqrstuvwxyz"[:width]
    cut = draw(st.integers(1, width - 1))
    first, second = draw(st.sampled_from(_SGRS)), draw(st.sampled_from(_SGRS))
    row = f"\x1b[{draw(st.integers(1, ROWS))};{col}H\x1b[{first}m{text[:cut]}\x1b[{second}m{text[cut:]}"
    return row + draw(st.sampled_from(["", "\x1b[K", "Z", "\x1b[1m"]))


@st.composite
def _stream(draw: st.DrawFn) -> str:
    parts = ["abcdefghijklmnop\r\n中文字符中文字符\r\n\x1b[41mbackground\x1b[m"]
    for _ in range(draw(st.integers(1, 30))):
        r = draw(st.integers(0, 9))
        if r < 4:
            parts.append(draw(_row()))
        elif r < 5:
            parts.append(draw(_edge_row()))
        elif r < 8:
            parts.append(draw(st.sampled_from(_OTHER)))
        elif r < 9:
            # Lines scrolled in at the bottom of the region (a pane's tail): coloured, maybe wide.
            # Sometimes in a background (the rows coming in take it) and after a row that wrapped.
            parts.append(f"\x1b[{draw(st.integers(1, ROWS))};1H")
            for _ in range(draw(st.integers(1, 4))):
                pen = draw(st.sampled_from(["0", "44", "0"]))
                text = draw(st.sampled_from(_TEXTS))
                parts.append(f"\r\n\x1b[33m{draw(st.integers(0, 999)):>3} \x1b[{pen}m{text}")
        else:
            parts.append(draw(st.sampled_from(_MODES)))
    return "".join(parts)


def _fed(data: bytes, step: int) -> Terminal:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    for i in range(0, len(data), step):
        t.feed(data[i : i + step])
    return t


@settings(max_examples=1000, deadline=None)
@given(_stream())
def test_repaints_equal_bytewise(text: str) -> None:
    data = text.encode()
    assert full_state(_fed(data, len(data))) == full_state(_fed(data, 1))


def test_a_row_of_coloured_runs_and_el_is_one_write() -> None:
    """htop's row: the runs after a CUP land in their colours, EL fills the rest in the pen's background, and the
    row's wrap flag is cleared; the same as fed a byte at a time."""
    data = b"\x1b[2;1Habcdefghijklmnopq\x1b[2;3H\x1b[1m 42 \x1b[31m99.5\x1b[0;44m ok\x1b[K\x1b[3;1H"
    whole = _fed(data, len(data))
    assert whole.display[1] == "ab 42 99.5 ok   "
    styles = whole.screen.lines[1].styles
    assert styles is not None and styles[2] == styles[3] and styles[6] != styles[3] and styles[-1] == styles[13]
    assert not whole.screen.lines[1].wrapped  # it wrapped before the EL
    assert full_state(whole) == full_state(_fed(data, 1))


def test_rows_opened_by_il_sd_and_ri_and_left_by_dl_are_blank_in_the_pens_background() -> None:
    """IL, DL, SD and RI at the top margin, and CR LF at the bottom of a region, reuse the row that leaves the
    region: it comes back blank (no text, marks or wrap flag) in the pen's background, the other rows move."""
    rows = "\x1b[H" + "".join(f"{chr(0x60 + y) * (COLS - 1)}e\u0301" for y in range(1, ROWS + 1))  # each wraps on
    # rows 1..8 hold a..h (each wrapped into the next, with a mark); region 2..6; background 44 for what comes in
    cases = {
        "\x1b[3;1H\x1b[2L": ["a", "b", "", "", "c", "d", "g", "h"],
        "\x1b[3;1H\x1b[2M": ["a", "b", "e", "f", "", "", "g", "h"],
        "\x1b[2T": ["a", "", "", "b", "c", "d", "g", "h"],
        "\x1b[2;1H\x1bM": ["a", "", "b", "c", "d", "e", "g", "h"],
        "\x1b[6;1H\r\n": ["a", "c", "d", "e", "f", "", "g", "h"],
    }
    for ops, expected in cases.items():
        data = f"{rows}\x1b[2;6r\x1b[44m{ops}".encode()
        t = _fed(data, len(data))
        screen = t.screen
        got = [line.text.rstrip()[:1] for line in screen.lines]
        assert ops != "\x1b[3;1H\x1b[2L" or (screen.lines[1].wrapped and screen.lines[1].marks), "the setup"
        assert got == expected, ops
        for y, first in enumerate(expected):
            line = screen.lines[y]
            if not first:
                assert line.text == " " * COLS and line.marks is None and not line.wrapped, ops
                assert line.styles is not None and set(line.styles) == {screen.sid}, ops
        assert full_state(t) == full_state(_fed(data, 1)), ops


def test_esc_routes_do_what_esc_dispatch_does() -> None:
    """The parser's direct routes to DECSC, DECRC, RI, IND and NEL (``Dispatcher.esc_routes``) leave what
    ``esc_dispatch`` leaves, in and out of a region, at its margins, in origin mode, with a background pen."""
    setups = ["", "\x1b[2;6r", "\x1b[2;6r\x1b[?6h", "\x1b[44m\x1b[2;6r", "\x1b[?1049h\x1b[3;5r", "\x1b[?69h\x1b[3;9s"]
    moves = ["\x1b[2;1H", "\x1b[6;3H", "\x1b[1;16H", "\x1b[8;1H", "\x1b[4;4Habc"]
    finals = ["7", "8", "M", "D", "E"]
    assert set(finals) == set(Terminal(COLS, ROWS).dispatcher.esc_routes)
    for setup in setups:
        for move in moves:
            for final in finals:
                text = f"{setup}abcdefghijklmnopq\r\nrow two\x1b7\x1b[1m{move}\x1b{final}x\x1b{final}"
                routed = _fed(text.encode(), len(text.encode()))
                t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
                t.raise_internal_errors = True
                t.dispatcher.esc_routes = {}
                t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]  # blocks route them too
                t.feed(text.encode())
                assert full_state(routed) == full_state(t), repr(text)
                assert full_state(routed) == full_state(_fed(text.encode(), 1)), repr(text)


# ESC sequences inside a redraw (``csi_runs``' blocks take them as pieces): a status line saved and restored around
# (DECSC, DECRC), vim and less scrolling back with RI at a region's top, IND and NEL; and ESC sequences a block does
# not take, beside them (DECALN, DECKPAM, a designation, RIS is left out: it resets the test's own settings).
_ESCS = ["\x1b7", "\x1b8", "\x1bM", "\x1bD", "\x1bE"]
_NOT_IN_BLOCKS = ["\x1b#8", "\x1b=", "\x1b>", "\x1b(0", "\x1b(B", "\x1bH", "\x1b6", "\x1b9"]


@st.composite
def _escs_stream(draw: st.DrawFn) -> str:
    """Rows, ESC sequences between and inside them (before, after and between an SGR and its run), the other
    pieces and modes of ``_stream``: most ESC sequences then fall inside a block, some start one after a run."""
    parts = [draw(st.sampled_from(["", "\x1b[2;6r", "\x1b[?1049h\x1b[3;7r", "\x1b[?6h\x1b[2;6r", "\x1b[44m"]))]
    for _ in range(draw(st.integers(1, 25))):
        r = draw(st.integers(0, 9))
        if r < 3:
            parts.append(draw(_row()))
        elif r < 6:
            parts.append(draw(st.sampled_from(_ESCS)) * draw(st.integers(1, 3)))
            if draw(st.booleans()):
                parts.append(draw(st.sampled_from(_TEXTS)))
        elif r < 7:
            parts.append(draw(st.sampled_from(_NOT_IN_BLOCKS)))
        elif r < 8:
            parts.append(draw(st.sampled_from(_OTHER)))
        elif r < 9:
            parts.append(f"\x1b[{draw(st.sampled_from(_SGRS))}m{draw(st.sampled_from(_TEXTS))}")
        else:
            parts.append(draw(st.sampled_from(_MODES)))
    return "".join(parts)


def _general(data: bytes) -> Terminal:
    """*data* fed whole without ``csi_runs`` (nor the routes), each ESC sequence through ``esc_dispatch``."""
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]
    t.dispatcher.esc_routes = {}
    t.feed(data)
    return t


@settings(max_examples=600, deadline=None)
@given(_escs_stream(), st.integers(1, 64))
def test_esc_sequences_in_redraws_equal_the_general_path(text: str, step: int) -> None:
    """Blocks holding DECSC, DECRC, RI, IND and NEL leave what the general path leaves (no blocks, no routes), and
    what the same bytes leave fed a byte at a time and in reads of *step* bytes (blocks cut anywhere)."""
    data = text.encode()
    whole = full_state(_fed(data, len(data)))
    assert whole == full_state(_general(data))
    assert whole == full_state(_fed(data, 1))
    assert whole == full_state(_fed(data, step))


def _blocks(data: bytes) -> list[tuple[str, bool]]:
    """The blocks (and their *escs*) the parser hands ``csi_runs`` for *data* fed whole."""
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    calls: list[tuple[str, bool]] = []
    inner = t.dispatcher.csi_runs

    def spy(block: str, escs: bool = False) -> bool:
        calls.append((block, escs))
        return inner(block, escs)

    t.dispatcher.csi_runs = spy  # type: ignore[method-assign]
    t.feed(data)
    return calls


def test_a_redraw_with_a_saved_status_line_and_a_scroll_back_is_one_block() -> None:
    """htop's status line saved and restored around (``ESC 7``, ``ESC 8``) and vim's scroll back (RI at the region's
    top, the row after it): one ``csi_runs`` call, told it holds ESC sequences; a block without any is told not."""
    frame = (
        "\x1b[?25l\x1b[2;6r\x1b[3;1Hab\x1b7\x1b[8;1H\x1b[7mstatus\x1b[0m\x1b8\x1b[2;1H\x1bM\x1bM\x1b[33m 12 \x1b[0mx"
    )
    assert _blocks(frame.encode()) == [(frame, True)]
    plain = "\x1b[3;1Hab\x1b[K\x1b[4;1Hcd"  # the first CSI and its run are a token's
    assert _blocks(plain.encode()) == [(plain[8:], False)]
    # After a coloured run the block starts at the ESC sequence itself.
    after = "\x1b[31mred\x1b[0mx\x1b7\x1b[2;2Hq\x1b8"
    assert _blocks(after.encode()) == [("\x1b7\x1b[2;2Hq\x1b8", True)]
    assert full_state(_fed(after.encode(), len(after))) == full_state(_general(after.encode()))


def test_rep_after_an_esc_sequence_at_a_blocks_end_repeats_nothing() -> None:
    """REP repeats the last printed character only if nothing came between: an ESC sequence ending a block (with
    no run after it) is something, one with a run after it is not the last thing."""
    texts = ["\x1b[2;1Hab\x1b7\x1b[3b", "\x1b[2;1Hab\x1bMcd\x1b[3b", "\x1b[2;1Hab\x1b8\x1b[3b", "\x1b[2;1H\x1bD\x1b[3b"]
    for text in texts:
        data = text.encode()
        whole = _fed(data, len(data))
        assert full_state(whole) == full_state(_general(data)), repr(text)
        assert full_state(whole) == full_state(_fed(data, 1)), repr(text)


def test_a_prompt_after_a_restored_cursor_is_left_to_sgr_runs() -> None:
    """DECRC before an SGR ends the block (a status line written with autowrap off and restored from, then a shell's
    coloured prompt, which ``sgr_runs`` finds by its text); before anything else it is a piece of the block."""
    status = "\x1b7\x1b[?7l\x1b[8;1H\x1b[7mstatus\x1b[0m\x1b[?7h"
    prompt = "\x1b[1;32mdev\x1b[0m:~$ "
    assert _blocks(f"ab\r\n{status}\x1b8{prompt}".encode()) == [(status[2:], False)]
    assert _blocks(f"ab\r\n{status}\x1b8\x1b[2;1Hx".encode()) == [(f"{status[2:]}\x1b8\x1b[2;1Hx", True)]
    data = f"ab\r\n{status}\x1b8{prompt}".encode()
    assert full_state(_fed(data, len(data))) == full_state(_general(data)) == full_state(_fed(data, 1))


def test_a_block_starts_at_an_esc_sequence_a_csi_follows() -> None:
    """After DECSC, IND, NEL and RI followed by a CSI, the block from that CSI is looked for at once (a status line
    saved around, a token and a trip round the loop less), the whole CSI with its run in it; not after DECRC (before a
    prompt's SGR, which ``sgr_runs`` takes), nor before something that is not a CSI."""
    for esc in ("\x1b7", "\x1bD", "\x1bE", "\x1bM"):
        block = "\x1b[2;2Hq\x1b[K"
        data = f"ab\r\n{esc}{block}".encode()
        assert _blocks(data) == [(block, False)], repr(esc)
        assert _blocks(f"{esc}\x1b[2;2Hq".encode()) == [("\x1b[2;2Hq", False)], repr(esc)  # one CSI: a block too
        assert full_state(_fed(data, len(data))) == full_state(_general(data)) == full_state(_fed(data, 1))
    assert _blocks(b"ab\r\n\x1b8\x1b[2;2Hq\x1b[K") == [("\x1b[K", False)]  # the CUP a token, its run drawn
    assert _blocks(b"ab\r\n\x1b7xy\x1b[2;2Hq") == []  # a run after it: the token, then a CSI token
