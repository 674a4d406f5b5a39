"""A Windows console's lines between ConPTY's repaints leave what the same bytes leave fed one at a time.

Two shortcuts of the parser are held here to the general path.  A coloured line that does not start after a CR LF
(after a repaint, a mode switch, a legacy program's CR CR LF) ends in its reset and CR LF (``CSI m`` or ``CSI 0 m``),
which the parser takes after the line's last run at once (the reset, the CR LF, the lines after it) instead of a
block of one SGR and a token for the CR LF.  And after a line ending in CR CR LF (a legacy program's text through a
second text-mode layer), ConPTY's repaints are looked for as after any line end.  Fed a byte at a time neither forms;
with ``csi_runs``, ``repaints``, ``print_lines`` and ``sgr_runs`` turned off, every event goes its own way.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state
from tests.vt.test_row_runs import _MODES, COLS, ROWS, _fed

_TEXTS = ["", "a", "ok PASS", "中文", "x中", "e\u0301", "caf\ufffd\ufffd na?ve", "0123456789abcdef"]
_TEXTS.append("0123456789abcdefgh")  # wraps
_SGRS = ["31", "32", "1;33", "0", "", "44", "7", "38;5;200"]
_RESETS = ["\x1b[m", "\x1b[0m", "\x1b[00m", "\x1b[0;1m", "\x1b[1m", ""]
_ENDS = ["\r\n", "\r\n", "\r\r\n", "\r", "\n", "\x1b[K\r\n", ""]
_BETWEEN = [
    "\x1b[?9001h\x1b[?1004h",
    "\x1b[?9001l\x1b[?1004l",
    "\x1b[?25h",
    "\x1b[?25l",
    "\x07",
    "\x00",
    "\x1a",
    "\x08 \x08",
    "\x1b[2b",  # REP: repeats the last printed character only if nothing came between
    "\x1b[1;3\r\n",
    "\x1b]0;title\x07",
    "\x1b7",
    "\x1b8",
]


@st.composite
def _repaint(draw: st.DrawFn) -> str:
    row = draw(st.integers(0, ROWS + 1))
    text = draw(st.sampled_from(_TEXTS))
    erase = "\x1b[K" if draw(st.booleans()) else ""
    return f"\x1b[?25l\x1b[{row};1H{text}{erase}\x1b[?25h"


@st.composite
def _console(draw: st.DrawFn) -> str:
    """Repaints, coloured lines ending in a reset and a line end of any kind, legacy lines ending in CR CR LF, what a
    console's programs send between, and the modes that make the fast paths step aside."""
    parts = ["abcdefghijklmnop\r\n中文字符中文字符\r\n"]
    for _ in range(draw(st.integers(1, 25))):
        r = draw(st.integers(0, 9))
        if r < 3:
            parts.append(draw(_repaint()))
        elif r < 6:
            sgr = draw(st.sampled_from(_SGRS))
            text = draw(st.sampled_from(_TEXTS))
            more = f"\x1b[{draw(st.sampled_from(_SGRS))}m{draw(st.sampled_from(_TEXTS))}" if draw(st.booleans()) else ""
            parts.append(f"\x1b[{sgr}m{text}{more}{draw(st.sampled_from(_RESETS))}{draw(st.sampled_from(_ENDS))}")
        elif r < 8:
            parts.append(f"{draw(st.sampled_from(_TEXTS))}\r\r\n")
        elif r < 9:
            parts.append(draw(st.sampled_from(_BETWEEN)))
        else:
            parts.append(draw(st.sampled_from(_MODES)))
    return "".join(parts)


def _general(data: bytes) -> Terminal:
    """*data* fed whole with the parser's block shortcuts turned off: each event its own way."""
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]
    t.dispatcher.repaints = None  # type: ignore[assignment,method-assign]
    t.dispatcher.print_lines = None  # type: ignore[assignment,method-assign]
    t.dispatcher.sgr_runs = None  # type: ignore[assignment,method-assign]
    t.feed(data)
    return t


@settings(max_examples=800, deadline=None)
@given(_console(), st.integers(2, 48))
@example("\x1b[?25l\x1b[2;1Hab\x1b[?25h\x1b[31mred\x1b[m\r\nnext\r\n\x1b[3b", 5)
@example("\x1b[?25l\x1b[2;1Hab\x1b[?25h\x1b[1;33mred\x1b[0m\r\n\x1b[44m\x1b[?25l\x1b[3;1Hcd\x1b[?25h", 7)
@example("caf\ufffd\r\r\n\x1b[?25l\x1b[2;1Hab\x1b[K\x1b[?25h\x1b[?25l\x1b[3;1Hcd\x1b[?25h", 3)
def test_console_lines_equal_the_general_path(text: str, step: int) -> None:
    data = text.encode()
    whole = full_state(_fed(data, len(data)))
    assert whole == full_state(_general(data))
    assert whole == full_state(_fed(data, 1))
    assert whole == full_state(_fed(data, step))


def _calls(data: bytes) -> tuple[Terminal, list[str], list[str]]:
    """*data* fed whole; the blocks handed to ``csi_runs`` and to ``repaints``, in order."""
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    runs: list[str] = []
    repaints: list[str] = []
    inner_runs, inner_repaints = t.dispatcher.csi_runs, t.dispatcher.repaints

    def spy_runs(block: str, escs: bool = False) -> bool:
        runs.append(block)
        return inner_runs(block, escs)

    def spy_repaints(block: str) -> None:
        repaints.append(block)
        inner_repaints(block)

    t.dispatcher.csi_runs = spy_runs  # type: ignore[method-assign]
    t.dispatcher.repaints = spy_repaints  # type: ignore[method-assign]
    t.feed(data)
    return t, runs, repaints


def test_a_coloured_line_after_a_repaint_ends_without_a_block() -> None:
    """The reset and CR LF after a coloured line's run: no ``csi_runs`` block, the line in its colour, the pen reset
    (``CSI m``, ``CSI 0 m``), the lines after it taken as after any line end."""
    repaint = "\x1b[?25l\x1b[2;1Hab\x1b[K\x1b[?25h"
    for reset in ("\x1b[m", "\x1b[0m"):
        data = f"{repaint}\x1b[31mred{reset}\r\nnext\r\nmore\r\n".encode()
        t, runs, repaints = _calls(data)
        assert runs == [] and repaints == [repaint], reset
        assert [row.rstrip() for row in t.display[1:4]] == ["abred", "next", "more"]
        assert t.screen.sid == 0 and t.cursor == (4, 0)
        assert full_state(t) == full_state(_general(data)) == full_state(_fed(data, 1))


def test_a_reset_with_more_after_it_or_another_sgr_goes_the_general_way() -> None:
    """Only ``CSI m`` / ``CSI 0 m`` directly before CR LF: a bold, a reset with more parameters and a reset before a
    lone CR go as before (a block from the SGR); a reset with text after it goes to ``sgr_runs`` as before."""
    for tail in ("\x1b[1m\r\n", "\x1b[m\r", "\x1b[0;1m\r\n", "\x1b[mx\r\n"):
        data = f"\x1b[?25l\x1b[2;1Hab\x1b[?25h\x1b[31mred{tail}z".encode()
        t, runs, _repaints = _calls(data)
        if "x" not in tail:
            assert runs and runs[0].startswith(tail[: tail.index("m") + 1]), tail
        assert full_state(t) == full_state(_general(data)) == full_state(_fed(data, 1)), tail


def test_repaints_after_a_cr_cr_lf_line_go_in_one_call() -> None:
    """ConPTY's next frame after a legacy program's line (CR CR LF): its repaints in one ``repaints`` call, found
    after the line end (no ``csi_runs`` block, no token for the ``?25l``)."""
    frame = "\x1b[?25l\x1b[2;1Hab\x1b[K\x1b[?25h\x1b[?25l\x1b[3;1H中文\x1b[?25h"
    data = f"caf\ufffd na?ve\r\r\n{frame}".encode()
    t, runs, repaints = _calls(data)
    assert repaints == [frame] and runs == []
    assert full_state(t) == full_state(_general(data)) == full_state(_fed(data, 1))
