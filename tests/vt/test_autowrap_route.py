"""DECAWM switched by its own screen methods (``Screen.autowrap_on``/``autowrap_off``, kept by the dispatcher for the
texts ``?7h`` and ``?7l``) leaves exactly what ``set_dec_mode`` leaves.

A status line is written with autowrap off and autowrap switched back on after it (the insert-mode kind's
``ESC 7 CSI ? 7 l CSI row;1H … CSI ? 7 h ESC 8``); the direct route skips the general chain's tests.  Held here to the
general path (every CSI through ``csi_dispatch``) and to a byte at a time, from every state the chain tells apart
or that autowrap interacts with: a pending wrap at the edge (which stays across the switch), conformance levels
(DECSCL), soft resets, XTSAVE/XTRESTORE of mode 7, DECRQM's read-back of it, reverse wraparound, margins, insert
mode and the alternate screen.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from tests.vt.strict import full_state

COLS = 10
ROWS = 5

_PIECES = st.sampled_from(
    [
        "\x1b[?7l",
        "\x1b[?7h",
        "\x1b[?7l",
        "\x1b[?7h",
        "\x1b[?7;25l",
        "\x1b[?25;7h",
        "\x1b[?07l",
        "\x1b[?007h",
        "abcdefghij",  # to the edge: a pending wrap
        "0123456789abcd",  # past it
        "中文字符五",
        "x",
        "\x1b7",
        "\x1b8",
        "\x1b[5;1H",
        "\x1b[1;9H",
        "\x1b[?7$p",  # DECRQM: the mode read back
        "\x1b[?7s",  # XTSAVE
        "\x1b[?7r",  # XTRESTORE
        '\x1b[61"p',  # DECSCL, levels 1 and 5 (a soft reset each)
        '\x1b[65"p',
        "\x1b[!p",  # DECSTR
        "\x1b[?45h",
        "\x1b[?45l",
        "\x08\x08",
        "\x1b[2;4r",
        "\x1b[4h",
        "\x1b[4l",
        "\x1b[?1049h",
        "\x1b[?1049l",
        "\r\n",
        "\x1b[7m",
        "\x1b[0m",
    ]
)


def _general(t: Terminal) -> Terminal:
    """*t* with the CSI shortcuts turned off: every CSI through ``csi_dispatch`` and ``set_dec_mode``."""
    t.dispatcher.csi_raw = {}
    t.dispatcher.csi_runs = None  # type: ignore[assignment,method-assign]
    return t


def _state(t: Terminal) -> tuple[object, ...]:
    """The screen, the pending wrap and the replies (DECRQM's read-back of mode 7)."""
    return (full_state(t), t.screen.pending_wrap, list(t.replies))


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=30))
@example(["abcdefghij", "\x1b[?7l", "\x1b[?7h", "x"])  # the pending wrap kept across the switch, then taken
@example(["\x1b7", "\x1b[?7l", "\x1b[5;1H", "\x1b[7m", "0123456789abcd", "\x1b[0m", "\x1b[?7h", "\x1b8", "x"])
@example(["\x1b[?7l", "\x1b[?7s", "\x1b[?7h", "\x1b[?7r", "0123456789abcd"])
@example(['\x1b[61"p', "\x1b[?7l", "0123456789abcd", "\x1b[?7h", "0123456789abcd"])
def test_autowrap_switched_by_its_own_route_is_what_set_dec_mode_makes_of_it(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    fast = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    general = _general(Terminal(cols=COLS, rows=ROWS, scrollback=10))
    bytewise = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    fast.feed(data)
    general.feed(data)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    expected = _state(general)
    assert _state(fast) == expected
    assert _state(bytewise) == expected


def test_the_status_line_frame_takes_the_direct_route() -> None:
    """The texts ``?7l`` and ``?7h`` are kept as the screen's own methods, not the general chain."""
    t = Terminal(cols=COLS, rows=ROWS, scrollback=10)
    t.feed(b"\x1b7\x1b[?7l\x1b[5;1H\x1b[7m0123456789abcd\x1b[0m\x1b[?7h\x1b8")
    kept = t.dispatcher._actions
    assert kept["?7l"] == t.screen.autowrap_off
    assert kept["?7h"] == t.screen.autowrap_on
    assert t.screen.autowrap and 7 in t.screen.dec_modes
