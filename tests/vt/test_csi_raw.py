"""The CSI fast paths leave exactly what the general path leaves.

Two shortcuts take the sequences full-screen programs send most: ``Dispatcher.csi_raw`` (handlers of the raw
parameter text for CUP, EL, ED, the cursor moves, ICH/DCH/IL/DL/ECH/SU, SM/RM, DECSET/DECRST, DECSTBM and SGR,
which read parameters of up to three digits with one lookup) and ``Dispatcher.csi_runs`` (a run of CSIs and
the text between them, handed over by the parser in one call).  The general path they are held to is the
engine's own without them: a second terminal whose dispatcher offers neither, so every CSI goes through
``csi_dispatch``, the parameter parser and the catalogue handler.  Streams mix every shortcut's final byte
with parameter text of every shape (empty, zeros, leading zeros, long numbers, colons, too many parameters,
the DEC private marker), text, controls, REP and other sequences, from states that change what they do
(origin mode, margins, insert mode, autowrap off, a pending wrap, the alternate screen); the result must
also not depend on how the bytes are cut.
"""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal, dispatch
from app.vt.style import RGB_FLAG
from tests.vt.strict import full_state

COLS = 12
ROWS = 6


def _general(t: Terminal) -> Terminal:
    """*t* with the CSI shortcuts turned off: every CSI through ``csi_dispatch``."""
    t.dispatcher.csi_raw = {}
    t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]
    return t


_FINALS = [*"@ABCDEFGHJKLMPSTX`dfhlmr", "?h", "?l", "?J", "?K", "s", "u", "c", "n", "I", "Z", "g"]
_PARAM_PIECES = ["", "0", "1", "2", "3", "4", "5", "7", "12", "20", "25", "40", "99", "007", "999", "1000"]
_PARAMS = st.one_of(
    st.sampled_from(
        ["", "0", "1", "2", "3", "4", "6", "7", "25", "1048", "1049", "69", "99999", "65536", "1004", "9001", "2004"]
    ),
    # DEC modes of every kind ``Screen.dec_mode_action`` tells apart: never taken, recorded only, acted on.
    st.sampled_from(["9001", "8", "1004", "2004", "1", "66", "5", "9", "1000", "1003", "45", "95", "40", "3"]),
    st.lists(st.sampled_from(_PARAM_PIECES), min_size=1, max_size=4).map(";".join),
    st.text(alphabet="0123456789:;", max_size=8),
    st.sampled_from(["38;5;1", "1;31", "4:3", "38:2::1:2:3", "0;44", "1:2", "3:", ";;", "1;2;3;4"]),
)


@st.composite
def _csi(draw: st.DrawFn) -> str:
    final = draw(st.sampled_from(_FINALS))
    private = ""
    if len(final) == 2:
        private, final = final
    return f"\x1b[{private}{draw(_PARAMS)}{final}"


_TEXT = st.sampled_from(["", "", "a", "xyz", "hello world", "中文", "e\u0301", "😀", "0123456789abcdef"])
_OTHER = st.sampled_from(["\r\n", "\r", "\n", "\x08", "\t", "\x1b7", "\x1b8", "\x1bM", "\x1bD", "\x1b[2b", "\x1b[1 q"])
_SETUP = st.sampled_from(["", "\x1b[?6h", "\x1b[2;5r", "\x1b[?69h\x1b[3;9s", "\x1b[4h", "\x1b[?7l", "\x1b[?1049h"])


@st.composite
def _stream(draw: st.DrawFn) -> str:
    parts = [draw(_SETUP), draw(_SETUP), "abcdefghij\r\n中文字符\x1b[3;4H"]
    for _ in range(draw(st.integers(1, 40))):
        r = draw(st.integers(0, 9))
        if r < 7:
            parts.append(draw(_csi()))
            parts.append(draw(_TEXT))
        elif r < 9:
            parts.append(draw(_OTHER))
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


@settings(max_examples=800, deadline=None)
@given(_stream(), st.lists(st.integers(0, 400), max_size=6))
def test_the_csi_shortcuts_leave_what_the_general_path_leaves(text: str, cuts: list[int]) -> None:
    data = text.encode()
    fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    fast.raise_internal_errors = True
    fast.feed(data)
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.raise_internal_errors = True
    general.feed(data)
    expected = full_state(general)
    assert full_state(fast) == expected
    split = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    split.raise_internal_errors = True
    points = sorted({c for c in cuts if c < len(data)})
    for a, b in zip([0, *points], [*points, len(data)], strict=True):
        split.feed(data[a:b])
    assert full_state(split) == expected


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_FINALS), _PARAMS, st.integers(1, ROWS), st.integers(1, COLS))
def test_each_raw_handler_is_its_catalogue_handler(final: str, params: str, row: int, col: int) -> None:
    """One sequence at a time, from a cursor anywhere on a screen full of text: the handler alone."""
    private = ""
    if len(final) == 2:
        private, final = final
    prefix = "".join(f"\x1b[{y};1H{chr(0x40 + y) * COLS}" for y in range(1, ROWS + 1)) + f"\x1b[{row};{col}H"
    data = f"{prefix}\x1b[{private}{params}{final}Z".encode()
    fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    fast.feed(data)
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    assert full_state(fast) == full_state(general)


def _csi_runs_calls(t: Terminal) -> list[str]:
    """The blocks the parser hands to ``t``'s ``csi_runs`` from now on, in order (the call itself still runs)."""
    calls: list[str] = []
    inner = t.dispatcher.csi_runs

    def spy(block: str, escs: bool = False) -> bool:
        calls.append(block)
        return inner(block, escs)

    t.dispatcher.csi_runs = spy  # type: ignore[method-assign]
    return calls


def test_a_redraw_goes_through_csi_runs_in_one_call() -> None:
    """The parser hands a run of CSIs over at once (what the shortcut is for), and the screen is the one the
    sequences draw."""
    t = Terminal(cols=COLS, rows=ROWS)
    calls = _csi_runs_calls(t)
    t.feed(b"\x1b[2;3Hab\x1b[K\x1b[1;31mcd\x1b[0m\x1b[?25l\x1b[4;1Hxy\x1b[4hZ\x1b[4l")
    assert calls == ["\x1b[K\x1b[1;31mcd\x1b[0m\x1b[?25l\x1b[4;1Hxy\x1b[4hZ\x1b[4l"]
    assert t.display[1] == "  abcd" + " " * 6
    assert t.display[3] == "xyZ" + " " * 9
    assert t.screen.lines[1].styles is not None and t.screen.lines[1].styles[4] != 0
    assert not t.screen.cursor_visible


def test_a_line_editors_corrections_after_its_coloured_prompt_go_through_csi_runs_from_the_first() -> None:
    """After a coloured prompt and the echoed line (``sgr_runs``' block), the corrections that follow (BS or CUB,
    then typed characters, backspaces deleting) are handed over from their first byte; the screen and REP after
    them are what the same bytes make one at a time."""
    prompt = "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ make ps"
    lines = [
        (prompt + "\x08\x08\x1b[@k\x1b[@u\x1b[2b", "\x08\x08\x1b[@k\x1b[@u"),
        (prompt + "\x1b[5D\x08\x1b[P\x08\x1b[P\x1b[b", "\x1b[5D\x08\x1b[P\x08\x1b[P"),
        (prompt + "\x1b[4D\x1b[4hgo \x1b[4l\x1b[4Cx", "\x1b[4D\x1b[4hgo \x1b[4l\x1b[4Cx"),
        (prompt + "\x08\x1b[@z\x08\x1b[bq", "\x08\x1b[@z\x08"),
    ]
    for line, block in lines:
        data = ("\r\n" + line + "\r\n").encode()
        t = Terminal(cols=60, rows=3)  # the prompt and its line fit on a row
        calls = _csi_runs_calls(t)
        t.feed(data)
        assert calls[0] == block
        one_by_one = Terminal(cols=60, rows=3)
        for i in range(len(data)):
            one_by_one.feed(data[i : i + 1])
        assert full_state(t) == full_state(one_by_one)


@settings(max_examples=150, deadline=None)
@given(_stream())
def test_csi_runs_stays_exact_when_its_table_of_actions_starts_again(text: str) -> None:
    """``csi_runs`` keeps what each CSI text does in a bounded table (``_actions``); with a bound of two, the
    table is emptied every few sequences and refilled, and the screen is still the general path's."""
    data = text.encode()
    with mock.patch.object(dispatch, "_ACTIONS_KEPT", 2):
        fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
        fast.raise_internal_errors = True
        fast.feed(data)
        # Bounded: two kept texts beyond the pieces the table always holds (a backspace deleting and the ESC
        # sequences a block may hold, ``_ESC_PIECES``), which it starts again with.
        assert len(fast.dispatcher._actions) <= 2 + len(dispatch._ESC_PIECES)
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    assert full_state(fast) == full_state(general)


def test_a_repaint_starting_with_a_dec_mode_goes_through_csi_runs_from_it() -> None:
    """ConPTY's repaint of a line in colour (``?25l``, CUP, SGR, text, EL, ``?25h``): one ``csi_runs`` call from its
    first CSI, whose action is kept like the others'; a CSI of another marker (``>``) first takes the general way, the
    rest a block.  (A line's repaint without colour goes to ``Dispatcher.repaints``: tests/vt/test_repaints.py.)"""
    t = Terminal(cols=COLS, rows=ROWS)
    calls = _csi_runs_calls(t)
    repaint = "\x1b[?25l\x1b[2;1H\x1b[1mab\x1b[K\x1b[?25h"
    t.feed(f"xyz{repaint}\x1b[>0q\x1b[3;1Hcd".encode())
    assert calls == [repaint, "\x1b[3;1Hcd"]
    assert "?25l" in t.dispatcher._actions
    assert t.display[1].rstrip() == "ab" and t.display[2].rstrip() == "cd"
    assert t.screen.cursor_visible


def test_csi_runs_keeps_actions_but_not_one_off_true_colours() -> None:
    """A CSI's action is built once per text and kept; a true colour (a one-off in colourful output) is not kept,
    as ``_sgr_ops`` does not keep it, and still colours the text."""
    t = Terminal(cols=COLS, rows=ROWS)
    t.feed(b"\x1b[2;3Hab\x1b[5D\x1b[38;2;1;2;3mcd\x1b[4hZ\x1b[4l\x1b[31mef\x1b[5D")
    kept = t.dispatcher._actions
    # Kept from the start: DEL (what BS then DCH becomes) and the pieces the ESC sequences of a block become.
    assert set(kept) == {"5D", "4h", "4l", "31m", "\x7f", *(piece[2:] for piece in dispatch._ESC_PIECES.values())}
    assert t.display[1] == "cdZef" + " " * 7
    styles = t.screen.lines[1].styles
    assert styles is not None and t.screen.styles[styles[0]].fg == RGB_FLAG | 0x010203


#: Words a line editor inserts, with their widths in cells: wide characters, a combining mark, an emoji.
_WORDS = ["x", "git ", "中文", "a中", "e\u0301", "😀 ", "-run ", "测试 ok "]
_EDITOR_SETUP = st.sampled_from(
    ["", "", "\x1b[32m", "\x1b[44m", "\x1b[4h", "\x1b[?7l", "\x1b(0", "\x1b[?69h\x1b[3;9s", "\x1b[1;31mX\x1b[m"]
)


@st.composite
def _editor_stream(draw: st.DrawFn) -> str:
    """A line editor at work: a prompt line (colours, wide characters, a mark), then corrections — back into the
    line, then insert mode around a word, or ICH of the word's width (or not quite) and the word, or DCH — and
    forward again; sometimes at the edge, with a pending wrap, a line already holding marks."""
    parts = [draw(_EDITOR_SETUP), draw(_EDITOR_SETUP)]
    parts.append(draw(st.sampled_from(["\x1b[1;32mme\x1b[0m:~$ go 测试", "ab中文cd", "e\u0301xyz", "abcdefghijkl"])))
    for _ in range(draw(st.integers(1, 8))):
        back = draw(st.integers(0, COLS))
        word = draw(st.sampled_from(_WORDS))
        width = sum(2 if "\u4e00" <= c <= "\u9fff" or c == "😀" else 0 if c == "\u0301" else 1 for c in word)
        how = draw(st.integers(0, 3))
        parts.append(f"\x1b[{back}D")
        if how == 0:
            parts.append(f"\x1b[4h{word}\x1b[4l")
        elif how == 1:
            count = width + draw(st.sampled_from([0, 0, 0, -1, 1]))
            parts.append(f"\x1b[{count}@{word}")
        elif how == 2:
            parts.append(f"\x1b[{draw(st.integers(0, 4))}P")
        else:
            parts.append(f"\x1b[{COLS}C{word}")  # at the edge: the word wraps or piles up in the last cell
        parts.append(f"\x1b[{back}C")
    parts.append(draw(st.sampled_from(["", "\r\n", "\x1b[2b"])))
    return "".join(parts)


@settings(max_examples=500, deadline=None)
@given(_editor_stream(), st.lists(st.integers(0, 300), max_size=4))
def test_a_line_editors_insertions_leave_what_the_general_path_leaves(text: str, cuts: list[int]) -> None:
    """ICH with the word it opens room for (one screen step, ``Screen.insert_text``), insert mode around a word
    (``Screen._insert_run``) and the argument-free mode actions (``4h``, ``4l``, ``?25h``, ``?25l``) against the
    general path, fed whole, a byte at a time and split anywhere."""
    data = (text + "\x1b[?25l\x1b[?25h\x1b[?25l").encode()
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    expected = full_state(general)
    fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    fast.raise_internal_errors = True
    fast.feed(data)
    assert full_state(fast) == expected
    bytewise = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    assert full_state(bytewise) == expected
    split = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    points = sorted({c for c in cuts if c < len(data)})
    for a, b in zip([0, *points], [*points, len(data)], strict=True):
        split.feed(data[a:b])
    assert full_state(split) == expected


def test_dec_modes_of_every_kind_in_a_run_of_csis_are_what_the_general_path_makes_of_them() -> None:
    """DECSET/DECRST kept per text (``Screen.dec_mode_action``): modes never taken (win32-input-mode), modes only
    recorded (focus events, bracketed paste) and modes acted on (mouse tracking, which excludes the other tracking
    modes; reverse video; origin mode; autowrap) switched in runs of CSIs, in every order, twice over (the second
    time from the kept actions), against the general path."""
    modes = ["9001", "1004", "2004", "1", "1000", "1002", "1003", "9", "5", "6", "7", "45", "25", "2026", "1049"]
    runs = []
    for i, a in enumerate(modes):
        for b in modes[i:]:
            runs.append(f"\x1b[?{a}h\x1b[?{b}hx\x1b[?{a}l\x1b[?{b}h\x1b[?{a}h")
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    for run in runs * 2:
        general.feed(run.encode())
        fast.feed(run.encode())
        assert full_state(fast) == full_state(general), run
        assert fast.screen.take_dirty() == general.screen.take_dirty(), run  # reverse video repaints everything
    kept = fast.dispatcher._actions
    assert kept["?9001h"] is kept["?9001l"]  # nothing to do either way: one shared no-op
