"""The screen read back through DECRQCRA after every operation agrees with the engine's own display, fed
whole and split at every byte.

Why: DECRQCRA is how conformance suites (esctest2, vttest) see a terminal's screen, so it must report
exactly what the terminal shows; and reading the screen back after each step of a random stream checks the
operations (margins, rectangles, protection, column editing…) against the display from a second angle.

How: a stream of operations is generated (``streams.py``'s ``readback``, ``margins`` and ``rectangles``
families, which mix in everything these features interact with).  A first terminal runs the operations one
by one; after each, the expected checksum of every cell (and of every whole row) is computed here from that
terminal's *display* — its read API (``row_cells`` and ``style_at``), not the screen's storage the checksum
code reads — in two ways: DEC's checksum (negated, with the attribute bits) and xterm's extension 19 (whole
code points, positive, no attributes).  The operations, each followed by the DECRQCRA requests for the whole
screen, are then fed to a second terminal in one piece and to a third byte by byte; the replies of both must
be exactly the expected ones, in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.vt import Terminal
from app.vt.style import BLINK, BOLD, CONCEAL, PROTECTED, RAPID_BLINK, REVERSE

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import streams  # noqa: E402

COLS, ROWS = 8, 3
#: XTCHECKSUM 19: positive (1), no attributes (2), whole code points (16).
UNICODE = 19


def _dec_code(cell: str) -> int:
    """A cell's character as DEC's checksum counts it: Latin-1 as is, anything else (and a wide character's
    right half, ``""``) as ESC.  The streams draw no DEC line graphics, whose letters would count instead."""
    if not cell:
        return 0x1B
    c = ord(cell[0])
    return c if 0x20 <= c < 0x7F or 0xA0 <= c <= 0xFF else 0x1B


def _attribute_bits(t: Terminal, y: int, x: int) -> int:
    style = t.style_at(y, x)
    flags = style.flags
    return (
        (4 if flags & PROTECTED else 0)
        + (8 if flags & CONCEAL else 0)
        + (0x10 if style.underline else 0)
        + (0x20 if flags & REVERSE else 0)
        + (0x40 if flags & (BLINK | RAPID_BLINK) else 0)
        + (0x80 if flags & BOLD else 0)
    )


def _cell_value(t: Terminal, cells: list[list[str]], y: int, x: int, mode: str) -> int:
    cell = cells[y][x]
    if mode == "dec":
        return _dec_code(cell) + _attribute_bits(t, y, x)
    return ord(cell[0]) if cell else 0


def expected_checksums(t: Terminal) -> list[int]:
    """What DECRQCRA must answer to ``requests``: for each cell and each whole row as asked, in DEC's checksum
    and then with XTCHECKSUM 19.  In origin mode the coordinates asked are relative to the top and left
    margins (clamped to the screen), as xterm reads them; that is the one fact taken from the screen itself."""
    base = t.history_size
    cells = [t.row_cells(base + y) for y in range(t.rows)]
    screen = t.screen
    dy, dx = (screen.top, screen.left) if t.mode(6) else (0, 0)

    def row(y: int) -> int:
        return min(y + dy, t.rows) - 1

    def col(x: int) -> int:
        return min(x + dx, t.cols) - 1

    out: list[int] = []
    for mode in ("dec", "unicode"):
        for y in range(1, t.rows + 1):
            for x in range(1, t.cols + 1):
                out.append(_cell_value(t, cells, row(y), col(x), mode))
            out.append(sum(_cell_value(t, cells, row(y), c, mode) for c in range(col(1), col(t.cols) + 1)))
    return [-v & 0xFFFF for v in out[: len(out) // 2]] + [v & 0xFFFF for v in out[len(out) // 2 :]]


def requests(cols: int, rows: int) -> bytes:
    """DECRQCRA for every cell and every whole row, in DEC's checksum and then with XTCHECKSUM 19.  The
    checksum mode is set explicitly each time: an operation (DECSTR) may have reset it."""
    out = []
    for ext in (0, UNICODE):
        out.append(f"\x1b[{ext}#y")
        for y in range(1, rows + 1):
            out += [f"\x1b[{x};1;{y};{x};{y};{x}*y" for x in range(1, cols + 1)]
            out.append(f"\x1b[0;1;{y};1;{y};{cols}*y")
    return "".join(out).encode()


def checksums_of(replies: list[bytes]) -> list[int]:
    out = []
    for reply in replies:
        assert reply.startswith(b"\x1bP") and reply.endswith(b"\x1b\\") and b"!~" in reply, reply
        out.append(int(reply[:-2].split(b"!~")[1], 16))
    return out


def _terminal(replies: list[bytes] | None = None) -> Terminal:
    t = Terminal(cols=COLS, rows=ROWS, scrollback=20)
    t.raise_internal_errors = True
    if replies is not None:
        t.on_reply = replies.append  # the hook, not the queue (which keeps only the newest 1024)
    return t


STREAMS = [
    streams.generate(family, seed, COLS, ROWS, n_tokens=24)
    for family in ("readback", "margins", "rectangles")
    for seed in range(6 if family == "readback" else 3)
]


@pytest.mark.parametrize("stream", STREAMS, ids=[s.label() for s in STREAMS])
def test_decrqcra_reads_back_the_display_after_every_operation(stream: streams.Stream) -> None:
    stepwise = _terminal()
    expected: list[int] = []
    data = b""
    asks = requests(COLS, ROWS)
    for token in stream.tokens:
        stepwise.feed(token.data)
        stepwise.take_replies()  # operations may ask something themselves (DSR…): not part of this check
        expected += expected_checksums(stepwise)
        data += token.data + asks

    whole_replies: list[bytes] = []
    whole = _terminal(whole_replies)
    whole.feed(data)
    got = checksums_of([r for r in whole_replies if b"!~" in r])
    assert got == expected, f"{stream.label()}: {stream.describe(600)}"

    bytewise_replies: list[bytes] = []
    bytewise = _terminal(bytewise_replies)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    assert checksums_of([r for r in bytewise_replies if b"!~" in r]) == expected
    assert bytewise.display == whole.display == stepwise.display


def test_the_expectations_can_fail() -> None:
    """The check is not vacuous: a cell changed behind the engine's back changes the reply."""
    t = _terminal()
    t.feed(b"ab")
    before = expected_checksums(t)
    t.feed(b"\x1b[1;1H\x1b[1mZ")
    assert expected_checksums(t) != before
    t.feed(requests(COLS, ROWS))
    assert checksums_of(t.take_replies()) == expected_checksums(t)
