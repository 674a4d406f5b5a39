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

from hypothesis import example, given, settings
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
        '\x1b[1"q',
        "\x1bV",
    ]
)
_LINES = st.sampled_from(
    [
        "\x1b[1;32mme\x1b[0m:~$ go 测试",
        "ab中文cd",
        "e\u0301xyz",
        "abcdefghijkl",
        "abcdefghijklmnopq",
        "abcdefghi中x",
        "abcdefghij中\x08",
        "",
    ]
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
        "\x1b[0K",
        "\x1b[9D",
        "\x08ab",
        "\x1b[2D中x",
        "\x08\x1b[Pcd",
        "\x08e\u0301",
        "\x1b[3Dabcdefghi",
        "\x1b[99Dabcdefghijkl",
        "\rabcdefghijkl\x08\x1b[P",
        "\x08\x08e\u0301x",
        "\x08\x1b[K",
        "\x08\x1b[P" * 7,
        "\x1b[A",
        "word",
        "中",
        "\x1b[31m",
        "\x1b[m",
        "\r",
        "\r\n",
        "\x1b[2b",
        # bash 5's readline: the rest of the line redrawn and a BS per cell back over it (one CUB when that is the
        # same), a deleting backspace as BS and DCH 1 and the redraw, bracketed paste around the line, and reverse
        # wraparound turned on or off between the BSs.
        "x" + "yz" + "\x08" * 2,
        "\x08" * 7,
        "\x08" * 15,
        "\x08\x1b[1Pcd\x08\x08",
        "\x08\x08\x08\x1b[P",
        "\x1b[?2004h",
        "\x1b[?45h",
        "\x1b[?45l",
        "\x1b[?1045h\x08\x08\x08",
        "\x1b[?7;45h\x08\x08",
        # An editor inserting a word in insert mode (``CSI 4 h``, the word, ``CSI 4 l``) or with ICH of its width (or of
        # its characters, fewer cells than a wide word takes), moving back and forth with CUB and CUF, deleting with
        # DCH; readline's ICH 1 at the line's start with the rest of the line after it.
        "\x1b[4hgo \x1b[4l",
        "\x1b[4h修复 \x1b[4l",
        "\x1b[4h",
        "\x1b[4l",
        "\x1b[3@go ",
        "\x1b[3@修复 ",
        "\x1b[1@abc",
        "\x1b[2@",
        "\x1b[5C",
        "\x1b[99C",
        "\x1b[2Pab",
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


#: The keystrokes of ``_KEY`` that type a character (CSI text and run, count, character), as ``csi_runs`` keeps them
#: once it has seen them: only then does a block of corrections go to ``Screen.edit_row`` whole.
_TYPED = [("@k", 1, "k"), ("@u", 1, "u"), ("1@b", 1, "b"), ("@ ", 1, " "), ("2@中", 2, "中"), ("2@😀", 2, "😀")]


def _fed(data: bytes, cuts: list[int] | None = None, seen: bool = False) -> Terminal:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    t.raise_internal_errors = True
    if seen:  # a session that has typed these before
        for piece, count, char in _TYPED:
            assert t.dispatcher._typed(piece, count, char)
    if cuts is None:
        t.feed(data)
    else:
        points = sorted({c for c in cuts if 0 < c < len(data)})
        for a, b in zip([0, *points], [*points, len(data)], strict=True):
            t.feed(data[a:b])
    return t


@settings(max_examples=800, deadline=None)
@given(_keys(), st.lists(st.integers(0, 400), max_size=5), st.booleans())
def test_a_line_editors_keystrokes_leave_what_the_general_path_leaves(text: str, cuts: list[int], seen: bool) -> None:
    data = text.encode()
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    expected = full_state(general)
    assert full_state(_fed(data, seen=seen)) == expected
    assert full_state(_fed(data, cuts, seen=seen)) == expected
    assert full_state(_fed(data, list(range(len(data))), seen=seen)) == expected


@settings(max_examples=150, deadline=None)
@given(_keys())
def test_keystrokes_stay_exact_when_the_table_of_actions_starts_again(text: str) -> None:
    """The kept actions (typed characters among them) emptied every few pieces: still the general path's screen,
    and the piece a backspace deleting becomes is kept again each time."""
    data = text.encode()
    with mock.patch.object(dispatch, "_ACTIONS_KEPT", 2):
        fast = _fed(data)
        assert len(fast.dispatcher._actions) <= 2 + len(dispatch._ESC_PIECES)  # and the pieces it always holds
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

    def spy(block: str, escs: bool = False) -> bool:
        calls.append(block)
        return inner(block, escs)

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


#: Keys of ``Screen.edit_row`` (and a few that end its work): moves back of every size, typed characters, backspaces
#: deleting (more of them than the row is wide), EL, text after a move (reaching the edge, with a mark, wide).
_EDIT_KEY = st.sampled_from(
    [
        "\x08",
        "\x08\x08\x08",
        "\x1b[D",
        "\x1b[0D",
        "\x1b[4D",
        "\x1b[99D",
        "\x1b[@k",
        "\x1b[@u",
        "\x1b[1@b",
        "\x1b[2@中",
        "\x1b[2@😀",
        "\x08\x1b[P",
        "\x08\x1b[P" * 3,
        "\x08\x1b[P" * 13,
        "\x1b[K",
        "\x1b[0K",
        "\x08ab",
        "\x08中x",
        "\x1b[3Dabcdefghi",
        "\x1b[99Dabcdefghijkl",
        "\x1b[99Dabcdefghij中",
        "\x08e\u0301x",
        "\x08\x1b[Pcd",
        "\x1b[C",
        "\x1b[31m",
        "\x1b[2P",
        # Insert mode around a word (which may reach the edge, or be wide), ICH with the run after it (as wide as the
        # room, wider, narrower, none, at the edge), CUF, DCH with a run, insert mode left on.
        "\x1b[4hab \x1b[4l",
        "\x1b[4h中x\x1b[4l",
        "\x1b[4habcdefghijk\x1b[4l",
        "\x1b[4h",
        "\x1b[4l",
        "\x1b[4he\u0301x",
        "\x1b[3@ab ",
        "\x1b[1@abc",
        "\x1b[3@中x",
        "\x1b[5@ab",
        "\x1b[2@",
        "\x1b[99@ab",
        "\x1b[3@abcdefghij",
        "\x1b[1@e\u0301x",
        "\x1b[5C",
        "\x1b[99C",
        "\x1b[0C",
        "\x1b[1Pab",
        "\x1b[3P中",
        "\x1b[99P",
    ]
)
_ROW = st.sampled_from(
    [
        "abcdefghi中x",
        "abcdefghij中",
        "ab中文cd",
        "\x1b[1;32mme\x1b[0m:~$ go 测试",
        "abc",
        "中文中文中文",
        "\x1b[44mxy\x1b[m",
        "e\u0301xyz",
        "",
    ]
)
_EDIT_SETUP = st.sampled_from(
    [
        "",
        "",
        "\x1b[32m",
        "\x1b[44m",
        "\x1bV",
        "\x1b[?45h",
        "\x1b[?1045h",
        "\x1b[4h",
        "\x1b(0",
        "\x1b[?7l",
        "\x1b[?69h\x1b[2;9s",
    ]
)


@st.composite
def _corrections(draw: st.DrawFn) -> str:
    """A row (maybe one that wrapped into the next, maybe written to the edge with a wrap pending), the cursor put in
    it, then a block of corrections that starts with one of ``edit_row``'s keys."""
    parts = [draw(_EDIT_SETUP), "\x1b[3;1H", draw(_ROW)]
    where = draw(st.sampled_from(["column", "column", "pending", "wrapped", "continued"]))
    if where == "pending":
        parts.append("z" * 20)  # to the edge: a wrap pending (autowrap off: the last cell)
    elif where == "wrapped":
        parts.append("y" * 20 + "\x1b[A")  # the row wrapped into the next; back onto it
    elif where == "continued":
        parts.append("y" * 20)  # on the row the last one wrapped into (reverse wraparound goes back up from it)
    if where != "pending":
        # CR, CUF and a NUL (which does nothing): the keys then start a block of their own (a CSI just before them
        # would start it, and a block goes to ``edit_row`` only when its first piece is one of its keys).
        n = draw(st.integers(0, COLS))
        parts.append(f"\r\x1b[{n}C\x00" if n else "\r")
    parts.append("\x00")
    parts += draw(st.lists(_EDIT_KEY, min_size=1, max_size=30))
    parts.append(draw(st.sampled_from(["", "\x1b[2b", "x\x1b[3b"])))
    return "".join(parts)


@settings(max_examples=1500, deadline=None)
@given(_corrections(), st.booleans())
# Each case the random ones may take long to draw: a wide character pushed off the edge, the cursor on a wide
# character's right half, a wrap pending, a row with a mark, reverse wraparound from a row's start, EL in a coloured
# pen, backspaces deleting then a typed character, on a wrapped row.
@example("\x1b[3;1Habcdefghij中\r\x1b[C\x00\x08\x1b[@k", True)
@example("\x1b[3;1H中文中文中文\r\x1b[3C\x00\x08\x08\x1b[@k", True)
@example("\x1b[3;1Habcdefghijkl\x08\x08\x1b[P", False)
@example("\x1b[3;1Hxye\u0301z\r\x1b[C\x00\x08\x1b[@k", True)
@example("\x1b[?45h\x1b[3;1H" + "y" * 20 + "\r\x08\x08\x1b[P", False)
@example("\x1b[32m\x00\x1b[3;1Habcdef\x08\x1b[K", False)
@example("\x1b[3;1Habcdef\x08\x08\x1b[P\x1b[@k", True)
@example("\x1b[3;1Habcdef" + "y" * 20 + "\x1b[A\r\x1b[2C\x00\x08\x1b[K", False)
@example("\x1bV\x1b[3;1Habcdef\x08\x08\x1b[K", False)
@example("\x1b[3;1Habcdef\x08" + "\x08\x1b[P" * 13, False)
@example("\x1b[3;1Habcdef\x08\x08\x1b[@k\x1b[@u\x08abc", True)
@example("\x1b[3;1Habcdef\x08\x08\x1b[@k\x1b[@u\x1b[@k\x1b[@u\x1b[@k\x1b[@u\x08", True)
# Insert mode set in the block, then typed characters (ICH and the character: two openings each in insert mode) and a
# word with the ICH of its width.
@example("\x1b[3;1Habcdef\x08\x08\x1b[4h\x1b[@k\x1b[@u\x1b[4l", True)
@example("\x1b[3;1Habcdef\x08\x08\x1b[4h\x1b[3@ab \x1b[4l", False)
def test_corrections_on_the_row_at_once_leave_what_the_general_path_leaves(text: str, seen: bool) -> None:
    """``Screen.edit_row`` (the cursor in a local, each correction a few steps) against the engine with the CSI
    shortcuts off: every kind of row (wide characters at the edge, colours, a wrapped row), every column, a wrap
    pending, each mode that sends it the long way, fed whole and byte by byte."""
    data = text.encode()
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    expected = full_state(general)
    assert full_state(_fed(data, seen=seen)) == expected
    assert full_state(_fed(data, list(range(len(data))), seen=seen)) == expected


def test_a_line_editors_corrections_are_done_on_the_row_at_once() -> None:
    """Once its typed characters are known, a line editor's block of corrections is done whole by ``edit_row``."""
    t = _fed(b"", seen=True)
    done = _edit_row_spy(t)
    keys = "$ ab中cd\x08\x08\x08\x1b[@k\x1b[@u\x1b[2@中\x08\x08\x1b[P\x08\x1b[P\x1b[2Dxy\x1b[K".encode()
    t.feed(keys)
    assert done == [(9, 9)]  # three BS (one CUB 3), three typed, a BS, two deleting, CUB 2 and "xy", EL
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(keys)
    assert full_state(t) == full_state(general)
    assert t.display[0].rstrip() == "$ abxy"


def _edit_row_spy(t: Terminal) -> list[tuple[int, int]]:
    """Record ``(pieces done, pieces)`` of each ``Screen.edit_row`` call on *t*."""
    done: list[tuple[int, int]] = []
    inner = t.screen.edit_row

    def spy(pieces: list[str], *args: object) -> int:
        n = inner(pieces, *args)  # type: ignore[arg-type]
        done.append((n, len(pieces)))
        return n

    t.screen.edit_row = spy  # type: ignore[method-assign]
    return done


def test_an_editors_insertions_and_readlines_redraws_are_done_on_the_row_at_once() -> None:
    """Words inserted in insert mode (``CSI 4 h``, the word, ``CSI 4 l``) and with ICH and the word, CUB and CUF around
    them, DCH; readline's redraw of the rest of the line after a character typed (the character, the rest, BSs back),
    after a deleting backspace (BS, ``CSI 1 P``, the rest, BSs back) and at the line's start (``CSI 1 @``, the
    character and the rest): each block done whole by ``edit_row``, leaving the general path's screen."""
    cases = [
        # (the prompt and line, its corrections, pieces): after a coloured prompt (``sgr_runs``), as the bench's kinds
        # send them, or a BS (readline's), the block of corrections starts with its first CSI.
        (
            "\x1b[32m$\x1b[0m go test 修复 make",
            "\x1b[9D\x1b[4hkubectl \x1b[4l\x1b[9C\x1b[12D\x1b[3@修复 \x1b[12C\x1b[5D\x1b[2P\x1b[5C",
            10,
        ),
        ("$ git commit", "\x08\x08\x08Xmit\x08\x08\x08\x08\x08\x1b[1Pmit\x08\x08\x08", 4),
        ("$ make", "\x08\x08\x08\x08\x1b[1@amake\x08\x08\x08\x08", 3),
    ]
    for line, keys, pieces in cases:
        t = Terminal(cols=40, rows=4)
        done = _edit_row_spy(t)
        data = f"{line}{keys}".encode()
        t.feed(data)
        assert done == [(pieces, pieces)], keys
        general = _general(Terminal(cols=40, rows=4))
        general.feed(data)
        assert full_state(t) == full_state(general)
        assert not t.screen.insert


def test_more_backspaces_in_a_row_than_the_table_holds_are_one_cursor_back() -> None:
    """BSs in a row beyond ``_CUB_OF_BS`` (a redraw on a screen wider than 512 columns): CUB of as many, as the general
    path moves."""
    for back in (511, 512, 513, 600):
        t = Terminal(cols=700, rows=3)
        data = ("x" * 650 + "\x08" * back + "Yz" + "\x08\x08" + "\x08" * back).encode()
        t.feed(data)
        general = _general(Terminal(cols=700, rows=3))
        general.feed(data)
        assert full_state(t) == full_state(general), back
        assert t.screen.x == max(0, 650 - back + 2 - 2 - back)


#: DEC modes a coloured prompt may follow: bracketed paste (bash 5.1+ and zsh 5.1+ before every prompt), and modes
#: that change how the prompt prints (autowrap off, reverse wraparound, origin mode with a region, left/right margins,
#: the alternate screen, DECTCEM, a mode the screen ignores, several at once, 1048's cursor save).
_MODE = st.sampled_from(
    [
        "\x1b[?2004h",
        "\x1b[?2004l",
        "\x1b[?7l",
        "\x1b[?45h",
        "\x1b[?1045h",
        "\x1b[?69h\x1b[3;9s\x1b[?2004h",
        "\x1b[2;4r\x1b[?6h",
        "\x1b[?1049h",
        "\x1b[?25l",
        "\x1b[?9001h",
        "\x1b[?1004;2004h",
        "\x1b[?1048h",
        "\x1b[?5h",
    ]
)
#: Coloured prompts: plain, wide, combining, longer than the row, ending at its edge.
_PROMPT = st.sampled_from(
    [
        "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ ",
        "\x1b[1;32mme\x1b[0m:~$ go 测试",
        "\x1b[31mx\x1b[me\u0301 ",
        "\x1b[32mabcdefgh\x1b[0mijklmnop",
        "\x1b[32mab\x1b[0mcdefghij",
        "\x1b[44m中\x1b[49m文字",
    ]
)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(["", "\r\n", "abc", "\x1b[3;5H"]), max_size=2),
    _MODE,
    _PROMPT,
    st.lists(_KEY, max_size=12),
    st.lists(st.integers(0, 400), max_size=5),
)
def test_a_coloured_prompt_after_a_dec_mode_leaves_what_the_general_path_leaves(
    before: list[str], mode: str, prompt: str, keys: list[str], cuts: list[int]
) -> None:
    """A DEC mode then a coloured prompt (bash's ``CSI ? 2004 h`` before each prompt) goes as the mode alone, then the
    prompt through ``sgr_runs`` and the corrections after it through ``csi_runs``: the general path's screen, whole, a
    byte at a time and split anywhere, the second time too (a prompt seen before is found by its text)."""
    data = ("".join(before) + (mode + prompt + "".join(keys) + "\r\n") * 2).encode()
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    general.feed(data)
    expected = full_state(general)
    assert full_state(_fed(data)) == expected
    assert full_state(_fed(data, cuts)) == expected
    assert full_state(_fed(data, list(range(len(data))))) == expected


def test_a_coloured_prompt_after_bracketed_paste_goes_through_sgr_runs() -> None:
    """bash 5.2's prompt (``CSI ? 2004 h``, the coloured prompt, the typed line, readline's corrections): the mode
    alone, the prompt and the line in one ``sgr_runs`` call (seen again, found by its text), the corrections in one
    ``csi_runs`` call; a DEC mode before a full-screen program's redraw (CUP first) still starts its block."""
    t = Terminal(cols=60, rows=4)
    sgr: list[str] = []
    csi: list[str] = []
    inner_sgr, inner_csi = t.dispatcher.sgr_runs, t.dispatcher.csi_runs

    def spy_sgr(params: str, run: str, rest: str) -> None:
        sgr.append(f"\x1b[{params}m{run}{rest}")
        inner_sgr(params, run, rest)

    def spy_csi(block: str, escs: bool = False) -> bool:
        csi.append(block)
        return inner_csi(block, escs)

    t.dispatcher.sgr_runs = spy_sgr  # type: ignore[method-assign]
    t.dispatcher.csi_runs = spy_csi  # type: ignore[method-assign]
    prompt = "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ make ps"
    keys = "\x08\x08xps\x08\x08"  # readline: x typed before "ps", echoed with the rest, BSs back over it
    line = f"\x1b[?2004h{prompt}{keys}\r\n\x1b[?2004l\r"
    t.feed(line.encode() * 2)
    assert sgr == [prompt] * 2
    assert csi == [keys] * 2
    assert t.display[1].rstrip() == "dev@host:~/src/项目$ make xps"
    assert 2004 not in t.screen.dec_modes
    general = _general(Terminal(cols=60, rows=4))
    general.feed(line.encode() * 2)
    assert full_state(t) == full_state(general)
    redraw = "\x1b[?25l\x1b[1;1H\x1b[32mab\x1b[0mcd\x1b[?25h"
    t.feed(redraw.encode())
    assert csi[2:] == [redraw]
