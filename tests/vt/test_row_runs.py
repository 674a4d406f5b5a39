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
def _stream(draw: st.DrawFn) -> str:
    parts = ["abcdefghijklmnop\r\n中文字符中文字符\r\n\x1b[41mbackground\x1b[m"]
    for _ in range(draw(st.integers(1, 30))):
        r = draw(st.integers(0, 9))
        if r < 5:
            parts.append(draw(_row()))
        elif r < 8:
            parts.append(draw(st.sampled_from(_OTHER)))
        elif r < 9:
            # Lines scrolled in at the bottom of the region (a pane's tail): coloured, maybe wide.
            parts.append(f"\x1b[{draw(st.integers(1, ROWS))};1H")
            for _ in range(draw(st.integers(1, 4))):
                parts.append(f"\r\n\x1b[33m{draw(st.integers(0, 999)):>3} \x1b[0m{draw(st.sampled_from(_TEXTS))}")
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
