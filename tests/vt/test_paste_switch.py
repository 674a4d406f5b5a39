"""Bracketed paste switched right after a CR LF or a block of lines (``Perform.paste_on`` and ``paste_off``, the
parser's ``_PASTE_SWITCH``) gives exactly what the same bytes give through the general path: fed whole, split
anywhere, a byte at a time (which never takes the switch: it needs the CR LF in the same read) and with the routes
taken away.

Shells send ``CSI ? 2004 h`` before each prompt and ``CR LF CSI ? 2004 l CR`` after each accepted line (bash 5.1+;
the CR moves nothing after a CR LF, so it is dropped with the switch, but never the CR of a CR LF after it).  The
streams mix the switches with what could make dropping that CR or reading the lines after it wrong: lines that
wrap, colours left open, LF alone, CR elsewhere, left/right margins, scroll regions, newline mode, origin mode,
autowrap off, a pending wrap, REP after the switch, and the alternate screen.
"""

from __future__ import annotations

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.bench import generate
from app.vt import Terminal
from tests.vt.strict import full_state

_PIECES = [
    "\x1b[?2004h",
    "\x1b[?2004l",
    "\x1b[?2004l\r",
    "\x1b[?2004h\r",
    "\r\n\x1b[?2004l\r",  # bash's accept
    "\x1b[?2004h\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/项目\x1b[0m$ ",  # a prompt
    "\r\n",
    "\r",
    "\n",
    "\r\r\n",
    "ok\r\n",
    "main_test.go:12: 你好\r\n",
    "x" * 23 + "\r\n",  # wraps on 20 columns
    "\x1b[32m--- PASS\x1b[0m: T\r\n",
    "\x1b[44mopen bg\r\n",  # a background left open: the next row is erased in it
    "\x1b[m",
    "tab\there\r\n",
    "make",
    "\x1b[b",  # REP: repeats nothing after a switch or a control
    "a\x1b[2b",
    "\x08\x08\x1b[P",
    "\x1b[K",
    "\x1b[5G",
    "\x1b[?69h\x1b[3;15s",  # left/right margins
    "\x1b[?69l",
    "\x1b[2;3r",  # a scroll region
    "\x1b[r",
    "\x1b[20h",  # newline mode: LF is CR LF
    "\x1b[20l",
    "\x1b[?6h",  # origin mode
    "\x1b[?6l",
    "\x1b[?7l",  # autowrap off
    "\x1b[?7h",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[?25l",
    "\x1b[?25h",
    "\x1b[?1004h",  # another mode that only records itself: not the switch
    "\x1b[?20041h",
    "\x1b[?200h",
]

_STREAM = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map("".join)


def _fed(data: bytes, cuts: list[int] | None = None, route: bool = True, cols: int = 20) -> Terminal:
    """A terminal fed *data* in the pieces *cuts* gives (whole without), with the switch's route or without it."""
    t = Terminal(cols=cols, rows=4, scrollback=50)
    t.raise_internal_errors = True
    if not route:
        del t.dispatcher.paste_on  # the parser's getattr finds none: the general path
        del t.dispatcher.paste_off
    start = 0
    for cut in [*(cuts or []), len(data)]:
        t.feed(data[start:cut])
        start = cut
    return t


def _bytewise(data: bytes, cols: int = 20) -> Terminal:
    return _fed(data, list(range(1, len(data))), cols=cols)


@settings(max_examples=400, deadline=None)
@given(_STREAM)
@example("x\r\n\x1b[?2004l\r\nmore\r\n")  # the CR of a CR LF after the switch is the line's own
@example("\x1b[?69h\x1b[3;15s\x1b[5Gab\r\n\x1b[?2004l\rcd\r\n")  # the CR after the switch, in margins
@example("ab\r\n\x1b[?2004l\r\x1b[?2004h\x1b[b")  # REP after both switches repeats nothing
@example("$ make\r\nok\r\n\x1b[?2004h$ ")  # the switch after a block of lines (after a CR LF), then a prompt
@example("$ make\r\n\x1b[?2004l\rok\r\n\x1b[?2004hx\r\nmore\r\n")  # both, and a line after the prompt
@example("ok\r\n\x1b[?2004l\r\x1b[?2004h\rx")  # a switch after a switch: the second through the loop
def test_the_switch_after_a_line_equals_the_general_path(text: str) -> None:
    data = text.encode()
    expected = full_state(_fed(data, route=False))
    assert full_state(_fed(data)) == expected
    assert full_state(_bytewise(data)) == expected
    for cols in (3, 120):
        assert full_state(_fed(data, cols=cols)) == full_state(_fed(data, route=False, cols=cols))


@settings(max_examples=200, deadline=None)
@given(_STREAM, st.lists(st.integers(min_value=1, max_value=400), max_size=6))
def test_the_switch_split_anywhere_equals_the_general_path(text: str, cuts: list[int]) -> None:
    data = text.encode()
    points = sorted({c for c in cuts if c < len(data)})
    assert full_state(_fed(data, points)) == full_state(_fed(data, route=False))


def test_a_shells_prompt_cycle_takes_the_switch_both_ways() -> None:
    """bash's accept after a line and the next prompt after the command's output (or straight after the accept,
    a command without output): switches straight to the screen, the lines between them one block, the prompt and
    the line through the loop."""
    t = _fed(b"")
    switches: list[bool] = []
    on, off = t.dispatcher.paste_on, t.dispatcher.paste_off

    def spy_on() -> None:
        switches.append(True)
        on()

    def spy_off() -> None:
        switches.append(False)
        off()

    t.dispatcher.paste_on = spy_on
    t.dispatcher.paste_off = spy_off
    cycle = "\x1b[?2004h\x1b[1;32mdev\x1b[0m$ make\r\n\x1b[?2004l\rok\r\nmain_test.go:1: 好\r\n"
    t.feed((cycle * 3).encode())
    assert switches == [False, True, False, True, False]  # the first prompt's switch is not after a line
    assert 2004 not in t.screen.dec_modes
    t.feed(b"\x1b[?2004h$ true\r\n\x1b[?2004l\r\x1b[?2004h$ ")  # a command without output: both at once
    assert switches[5:] == [False, True]
    assert 2004 in t.screen.dec_modes
    more = "\x1b[?2004h$ true\r\n\x1b[?2004l\r\x1b[?2004h$ "
    assert full_state(t) == full_state(_fed((cycle * 3 + more).encode(), route=False))


def test_the_routes_act_on_the_screen_s_modes_after_a_reset() -> None:
    """The routes are the mode set's own methods: RIS (``ESC c``) and DECSTR (``CSI ! p``) clear and fill that set,
    never replace it, so the routes still switch the screen's bracketed paste after them."""
    before = b"ab\r\n\x1bc\x1b[!pcd\r\nok\r\n"
    t = _fed(before + b"\x1b[?2004h$ ")
    assert 2004 in t.screen.dec_modes
    t.dispatcher.paste_off()
    assert 2004 not in t.screen.dec_modes
    t.feed(b"\x1bcx\r\nok\r\n\x1b[?2004h$ ")
    assert 2004 in t.screen.dec_modes
    data = before + b"\x1b[?2004h$ \r\n\x1b[?2004l\r\x1bcx\r\nok\r\n\x1b[?2004h$ "
    assert full_state(_fed(data)) == full_state(_fed(data, route=False))


def test_the_line_editor_kind_equals_the_general_path() -> None:
    """The bench's line-editor kind (60 kB, in 4 KiB reads as the bench feeds it) with the route and without."""
    data = generate("line-editor", 60_000, seed=3)
    chunks = list(range(4096, len(data), 4096))
    fast = _fed(data, chunks, cols=120)
    slow = _fed(data, chunks, route=False, cols=120)
    assert full_state(fast) == full_state(slow)
    rng = random.Random(5)
    cuts = sorted(rng.sample(range(1, len(data)), 200))
    assert full_state(_fed(data, cuts, cols=120)) == full_state(slow)
