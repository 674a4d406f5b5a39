"""A line editor's keystrokes taken in one call leave exactly what the general path leaves.

readline and zsh echo each keystroke in the middle of a line as a few bytes: BS or ``CSI n D`` back, ``CSI @`` and
the character (``CSI 2 @`` and a wide one), BS then ``CSI P`` for a backspace, ``CSI K`` after a recalled line.  The
parser hands a run of them (from a BS or after a CSI) to ``Dispatcher.csi_runs`` in one call, which takes BS as
CUB 1, a word typed a character at a time as one insertion (``Screen.insert_typed``) and backspaces in a row as one
CUB and one DCH (``Screen.backspace_delete``).  The reference is the engine without the CSI shortcuts (every
control routed, every CSI through ``csi_dispatch``), fed whole; the fast one is fed whole, a byte at a time and
split anywhere.  Streams cross the first column, reach the edge with a wrap pending, mix in DCH/ICH/CUB of other
counts, run in insert mode, with reverse wraparound (45, 1045), left/right margins, origin mode, autowrap off and
a character set, and end in REP (whose memory a BS or a DCH must clear).
"""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal, dispatch
from tests.vt.strict import full_state

COLS = 12
ROWS = 5

_SETUP = st.sampled_from(
    [
        "",
        "",
        "",
        "\x1b[32m",
        "\x1b[44m",
        "\x1b[4h",
        "\x1b[?7l",
        "\x1b(0",
        "\x1b[?45h",
        "\x1b[?1045h",
        "\x1b[?45h\x1b[?7l",
        "\x1b[?69h\x1b[3;9s",
        "\x1b[?6h\x1b[2;4r",
        "\x1b[1;31mX\x1b[m",
    ]
)
_LINES = st.sampled_from(
    ["\x1b[1;32mme\x1b[0m:~$ go 测试", "ab中文cd", "e\u0301xyz", "abcdefghijkl", "abcdefghijklmnopq", ""]
)
#: One keystroke's echo (or a line editor's move): typed characters (of their width, or not), backspaces, the cursor
#: back or forward, DCH and ICH of other counts, EL, a recalled word, a line end.
_KEY = st.sampled_from(
    [
        "\x1b[@k",
        "\x1b[@k",
        "\x1b[@u",
        "\x1b[1@b",
        "\x1b[@ ",
        "\x1b[2@中",
        "\x1b[2@😀",
        "\x1b[@\u0301",
        "\x1b[2@\u0301",
        "\x1b[2@k",
        "\x1b[@中",
        "\x1b[@ab",
        "\x08",
        "\x08",
        "\x08\x08\x08",
        "\x08\x1b[P",
        "\x08\x1b[P",
        "\x08\x1b[P\x08\x1b[P",
        "\x08\x1b[2P",
        "\x1b[P",
        "\x1b[3P",
        "\x1b[D",
        "\x1b[5D",
        "\x1b[3C",
        "\x1b[K",
        "word",
        "中",
        "\x1b[31m",
        "\x1b[m",
        "\r",
        "\r\n",
        "\x1b[2b",
    ]
)


@st.composite
def _keys(draw: st.DrawFn) -> str:
    parts = [draw(_SETUP), draw(_SETUP), draw(_LINES)]
    parts += draw(st.lists(_KEY, min_size=1, max_size=40))
    if draw(st.booleans()):
        # At the right edge with a wrap pending (and, with reverse wraparound, a row that wrapped), then back.
        parts.append("\r" + "z" * (COLS + draw(st.integers(0, 3))))
        parts += draw(st.lists(_KEY, min_size=1, max_size=12))
    parts.append(draw(st.sampled_from(["", "\x1b[2b", "x\x1b[3b"])))
    return "".join(parts)


def _general(t: Terminal) -> Terminal:
    """*t* with the CSI shortcuts turned off: every control routed, every CSI through ``csi_dispatch``."""
    t.dispatcher.csi_raw = {}
    t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]
    return t


def _fed(data: bytes, cuts: list[int] | None = None) -> Terminal:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    t.raise_internal_errors = True
    if cuts is None:
        t.feed(data)
    else:
        points = sorted({c for c in cuts if 0 < c < len(data)})
        for a, b in zip([0, *points], [*points, len(data)], strict=True):
            t.feed(data[a:b])
    return t


@settings(max_examples=600, deadline=None)
@given(_keys(), st.lists(st.integers(0, 400), max_size=5))
def test_a_line_editors_keystrokes_leave_what_the_general_path_leaves(text: str, cuts: list[int]) -> None:
    data = text.encode()
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    expected = full_state(general)
    assert full_state(_fed(data)) == expected
    assert full_state(_fed(data, cuts)) == expected
    assert full_state(_fed(data, list(range(len(data))))) == expected


@settings(max_examples=150, deadline=None)
@given(_keys())
def test_keystrokes_stay_exact_when_the_table_of_actions_starts_again(text: str) -> None:
    """The kept actions (typed characters among them) emptied every few pieces: still the general path's screen,
    and the piece a backspace deleting becomes is kept again each time."""
    data = text.encode()
    with mock.patch.object(dispatch, "_ACTIONS_KEPT", 2):
        fast = _fed(data)
        assert len(fast.dispatcher._actions) <= 2
        assert "\x7f" in fast.dispatcher._actions
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    assert full_state(fast) == full_state(general)


def test_a_line_editors_corrections_go_through_csi_runs_in_one_call() -> None:
    """From the first BS to the line's end, one call (what the shortcut is for); the word typed a character at a
    time is inserted at once and the backspaces in a row are one step, and the screen is the one the keys make."""
    t = Terminal(cols=40, rows=4)
    calls: list[str] = []
    inner = t.dispatcher.csi_runs
    typed: list[str] = []
    deleted: list[int] = []
    insert_typed = t.screen.insert_typed
    backspace_delete = t.screen.backspace_delete

    def spy(block: str) -> bool:
        calls.append(block)
        return inner(block)

    def spy_typed(text: str) -> None:
        typed.append(text)
        insert_typed(text)

    def spy_deleted(count: int) -> None:
        deleted.append(count)
        backspace_delete(count)

    t.dispatcher.csi_runs = spy  # type: ignore[method-assign]
    t.screen.insert_typed = spy_typed  # type: ignore[method-assign]
    t.screen.backspace_delete = spy_deleted  # type: ignore[method-assign]
    keys = "\x08\x08\x08\x1b[@k\x1b[@u\x1b[2@中\x08\x08\x08\x1b[P\x08\x1b[P\x08\x08new\x1b[K"
    t.feed(f"$ make ps{keys}\r\n".encode())
    assert calls == [keys]
    assert typed == ["ku中"]
    assert deleted == [2]
    assert t.display[0].rstrip() == "$ manew"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["", "\x1b[?69h\x1b[4;9s", "\x1b[?45h", "\x1b[?1045h", "\x1b[?45h\x1b[?7l", "\x1b[?7l"]),
    st.integers(1, COLS + 2),
    st.integers(1, ROWS),
    st.booleans(),
)
def test_backspace_is_cursor_back_of_one(setup: str, col: int, row: int, wrapped: bool) -> None:
    """``Screen.backspace`` (BS, and the kept action of CUB 1) inlines ``cursor_back(1)``: from every column, inside
    and outside left/right margins, with a wrap pending (*col* past the edge) and with reverse wraparound."""
    text = f"{setup}\x1b[{row};1H" + ("w" * COLS if wrapped else "") + f"\x1b[{row};1H" + "z" * (col - 1)
    ours = _fed(text.encode())
    ref = _fed(text.encode())
    ours.screen.backspace()
    ref.screen.cursor_back(1)
    assert full_state(ours) == full_state(ref)
