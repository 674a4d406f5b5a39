"""Which bytes wrote which *cell* of a row: bytes replayed token by token on a scratch terminal.

The session keeps only a row-level map (which bytes wrote which row; see ``app.inspect.source_map``), since a
per-cell record on the hot path would cost memory and time on every printed character.  A user clicks one cell
at a time, though, so the cell-level answer is computed when asked: bytes are fed again, one token (one
character, one sequence) at a time, to a terminal of the same width and encoding, and every cell a token
changed — or printed over — is attributed to it; except cells a token only moved sideways (ICH, DCH, a
character printed in insert mode, SL/SR: readline editing the middle of a line), which keep their writers
(:func:`carry_writers`).

One replacement policy: the bytes are decoded once, by the annotator (:func:`app.vt.annotate.char_spans`, the
decoder's policy: one U+FFFD per maximal ill-formed subpart, as Python and WHATWG), and each token's *text* is
fed.  Feeding each token's bytes instead made a character split across tokens land on the next one: after
``C4`` alone the decoder waits, and the U+FFFD it stands for came out with the bytes after it, so the cells of
``printf '\\xc4\\xe3\\xba\\xc3'`` were attributed one token late (``E3 BA``, ``C3``, the line feed).

:func:`trace_row` replays a row's bytes from a blank screen with the cursor at the top left; that is exactly
the state a plain output line starts from (after CR LF), but not, say, a row a full-screen program painted by
cursor addressing.  So the result is checked: a scratch row is used only if its text equals the real row's;
otherwise the caller asks elsewhere (:mod:`app.inspect.cell_map` replays the whole log).  Wrong cells are
never given.  The work is a generator (:func:`iter_trace_row`) so a caller on a UI thread can do it in slices.
"""

from __future__ import annotations

import re
from collections.abc import Generator, MutableSequence
from dataclasses import dataclass
from typing import TypeVar

from app.vt import Terminal
from app.vt.annotate import annotate, char_spans

__all__ = [
    "MAX_TRACE_BYTES",
    "Piece",
    "RowTrace",
    "carry_writers",
    "iter_trace_row",
    "moves_sideways",
    "pieces_of",
    "trace_row",
]

#: Longer row ranges (a chunk that repainted a whole screen) are not traced here: see app.inspect.cell_map.
MAX_TRACE_BYTES = 64 * 1024
#: Scratch rows at most; a range with more line feeds is not a single row's output.
_MAX_ROWS = 256
#: Tokens fed between two yields of a trace (a yield is where a UI may let a frame be painted: well under 1 ms).
STEP_TOKENS = 16

Span = tuple[int, int]
W = TypeVar("W")


@dataclass(frozen=True, slots=True)
class Piece:
    """A token to feed: its text, its bytes ``[start, end)`` (absolute) and whether it prints a character."""

    text: str
    start: int
    end: int
    prints: bool
    #: A run of printable ASCII characters, one byte and one cell each (``pieces_of(split_ascii=False)``).
    run: bool = False

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass(frozen=True)
class RowTrace:
    """For each cell of one row, the byte range ``[start, end)`` that last wrote it (``None``: blank)."""

    writers: tuple[Span | None, ...]

    def span_of(self, col: int) -> Span | None:
        return self.writers[col] if 0 <= col < len(self.writers) else None

    def cells_of(self, start: int, end: int) -> list[int]:
        """Columns whose writer overlaps ``[start, end)``."""
        return [col for col, span in enumerate(self.writers) if span is not None and span[0] < end and start < span[1]]


#: Sequences that move a row's cells right (ICH ``CSI Ps @``, SR ``CSI Ps SP A``, DECIC ``CSI Ps ' }``, DECBI at
#: the left margin ``ESC 6``) and left (DCH ``CSI Ps P``, SL ``CSI Ps SP @``, DECDC ``CSI Ps ' ~``, DECFI at the
#: right margin ``ESC 9``).
_MOVES_RIGHT = re.compile(r"(?:\x1b\[|\x9b)[0-9;]*(?:@| A|'\})|\x1b6")
_MOVES_LEFT = re.compile(r"(?:\x1b\[|\x9b)[0-9;]*(?:P| @|'~)|\x1b9")


def moves_sideways(piece: Piece, insert_mode: bool) -> int:
    """Which way ``piece`` may move cells: 1 right (an insert, or a character printed in insert mode —
    readline inserting in the middle of a command line does both), -1 left (a delete), 0 not sideways."""
    if piece.prints:
        return 1 if insert_mode else 0
    if _MOVES_RIGHT.fullmatch(piece.text):
        return 1
    return -1 if _MOVES_LEFT.fullmatch(piece.text) else 0


def carry_writers(
    old: str, new: str, writers: MutableSequence[W], written: W, direction: int, at: int | None = None
) -> None:
    """A row read ``old`` and now reads ``new`` after a piece that moves cells sideways (``direction`` from
    :func:`moves_sideways`): the cells that moved keep their writers, the others that changed were written by
    ``written``.

    The move is found from the texts: from ``at`` (the cursor's column before the piece: where ICH, DCH and
    insert mode move from; text alone cannot tell which of two equal blanks moved) or else from the first cell
    that differs, to the last one, ``new`` must be ``old`` shifted some columns that way (the gap at the start
    for an insert, at the end for a delete); the smallest shift that fits is taken.  When none fits (the piece
    also overwrote cells), every changed cell is the piece's.
    """
    if len(old) != len(new) or len(writers) != len(new):
        return
    diff = [x for x, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if not diff:
        return
    end = diff[-1] + 1
    for first in (at, diff[0]) if at is not None and at < diff[0] else (diff[0],):
        moved = writers[first:end]
        for by in range(1, end - first):
            if direction > 0 and new[first + by : end] == old[first : end - by]:
                writers[first + by : end] = moved[: end - first - by]
                for x in range(first, first + by):
                    writers[x] = written
                return
            if direction < 0 and new[first : end - by] == old[first + by : end]:
                writers[first : end - by] = moved[by:]
                for x in range(end - by, end):
                    writers[x] = written
                return
    for x in diff:
        writers[x] = written


def pieces_of(data: bytes, start: int, encoding: str, *, split_ascii: bool = True) -> list[Piece]:
    """The tokens of ``data`` (which begins at byte ``start`` of the stream), decoded once, as pieces to feed;
    ASCII text is split per character (each character is its own writer), or kept as runs (``run``) for a
    caller that attributes a run's cells itself."""
    text, starts = char_spans(data, encoding)
    out: list[Piece] = []
    first = 0
    for tok in annotate(data, encoding):
        # Tokens come in order: walk the character starts along with them (no search per token).
        while starts[first] < tok.offset:
            first += 1
        last, stop = first, tok.offset + len(tok.data)
        while starts[last] < stop:
            last += 1
        chars = text[first:last]
        kind = tok.kind
        if kind == "text" and len(tok.data) > 1 and tok.data.isascii() and len(chars) == len(tok.data):
            base = start + tok.offset
            if split_ascii:
                out.extend(Piece(ch, base + i, base + i + 1, True) for i, ch in enumerate(chars))
            else:
                out.append(Piece(chars, base, base + len(chars), True, run=True))
            continue
        prints = kind in ("text", "invalid") or (kind == "incomplete" and not chars.startswith(("\x1b", "\x9b")))
        out.append(Piece(chars, start + tok.offset, start + tok.offset + len(tok.data), prints))
    return out


def iter_trace_row(
    data: bytes, start: int, *, cols: int, encoding: str, row_text: str
) -> Generator[None, None, RowTrace | None]:
    """:func:`trace_row` as a generator: yields every :data:`STEP_TOKENS` tokens, returns the trace."""
    if not data or len(data) > MAX_TRACE_BYTES or cols < 1:
        return None
    # Room for every row the bytes can write (line feeds, and lines wrapping at this width): a scratch screen
    # that scrolled would move rows under their writers.
    rows = min(data.count(b"\n") + 2 + len(data) // cols, _MAX_ROWS)
    term = Terminal(cols=cols, rows=rows, scrollback=0, encoding=encoding)
    term.on_reply = _ignore
    screen = term.screen
    writers: list[list[Span | None]] = [[None] * cols for _ in range(rows)]
    texts = [line.text for line in screen.lines]
    yield None
    for n, piece in enumerate(pieces_of(data, start, encoding)):
        y0, x0, wrap = screen.y, screen.x, screen.pending_wrap and screen.autowrap
        sideways = moves_sideways(piece, screen.insert)
        term.feed_text(piece.text)
        if screen.scrolled_off:
            return None  # more lines than the scratch screen: not one row's output
        span = piece.span
        for y, line in enumerate(screen.lines):
            if line.text != texts[y]:
                old = texts[y]
                row = writers[y]
                if sideways:
                    carry_writers(old, line.text, row, span, sideways, x0 if y == y0 else None)
                else:
                    for x, (a, b) in enumerate(zip(old, line.text, strict=True)):
                        if a != b:
                            row[x] = span
                texts[y] = line.text
        if piece.prints:
            # A character printed over an identical one changes nothing, yet it is that cell's writer.
            y, x = (y0 + 1, 0) if wrap else (y0, x0)
            if y < rows:
                writers[y][x] = span
                if x + 1 < cols and screen.lines[y].text[x + 1] == "\x00":
                    writers[y][x + 1] = span
        if n % STEP_TOKENS == STEP_TOKENS - 1:
            yield None
    for y, line in enumerate(screen.lines):
        if line.text == row_text:
            return RowTrace(tuple(writers[y]))
    return None


def trace_row(data: bytes, start: int, *, cols: int, encoding: str, row_text: str) -> RowTrace | None:
    """Replay ``data`` (which begins at byte ``start`` of the session) and return the scratch row equal to
    ``row_text`` (a row as the screen stores it, wide characters followed by their placeholder), with the
    writer of every cell; ``None`` when no scratch row matches (the row was not written from a fresh line)."""
    steps = iter_trace_row(data, start, cols=cols, encoding=encoding, row_text=row_text)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        result: RowTrace | None = done.value
        return result


def _ignore(_reply: bytes) -> None:
    """Replies of the scratch terminal go nowhere: it is a replay, not a session."""
