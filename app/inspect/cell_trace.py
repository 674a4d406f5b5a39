"""Which bytes wrote which *cell* of a row: the row's bytes replayed token by token on a scratch terminal.

The session keeps only a row-level map (which bytes wrote which row; see ``app.inspect.source_map``), since a
per-cell record on the hot path would cost memory and time on every printed character.  A user clicks one cell
at a time, though, so the cell-level answer is computed when asked: the row's byte range is fed again, one token
(one character, one sequence) at a time, to a fresh terminal of the same width and encoding, and every cell a
token changed — or printed over — is attributed to it.

The replay starts from a blank screen with the cursor at the top left; that is exactly the state a plain output
line starts from (after CR LF), but not, say, a row a full-screen program painted by cursor addressing.  So the
result is checked: a scratch row is used only if its text equals the real row's; otherwise the caller keeps the
row-level answer.  Wrong cells are never shown, only coarser ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vt import Terminal
from app.vt.annotate import annotate

__all__ = ["MAX_TRACE_BYTES", "RowTrace", "trace_row"]

#: Longer row ranges (a chunk that repainted a whole screen) are not traced: the answer stays row-level.
MAX_TRACE_BYTES = 64 * 1024
#: Scratch rows at most; a range with more line feeds is not a single row's output.
_MAX_ROWS = 256

Span = tuple[int, int]


@dataclass(frozen=True)
class RowTrace:
    """For each cell of one row, the byte range ``[start, end)`` that last wrote it (``None``: blank)."""

    writers: tuple[Span | None, ...]

    def span_of(self, col: int) -> Span | None:
        return self.writers[col] if 0 <= col < len(self.writers) else None

    def cells_of(self, start: int, end: int) -> list[int]:
        """Columns whose writer overlaps ``[start, end)``."""
        return [col for col, span in enumerate(self.writers) if span is not None and span[0] < end and start < span[1]]


def trace_row(data: bytes, start: int, *, cols: int, encoding: str, row_text: str) -> RowTrace | None:
    """Replay ``data`` (which begins at byte ``start`` of the session) and return the scratch row equal to
    ``row_text`` (a row as the screen stores it, wide characters followed by their placeholder), with the
    writer of every cell; ``None`` when no scratch row matches (the row was not written from a fresh line)."""
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
    for piece, offset, prints in _pieces(data, encoding):
        y0, x0, wrap = screen.y, screen.x, screen.pending_wrap and screen.autowrap
        span = (start + offset, start + offset + len(piece))
        term.feed(piece)
        for y, line in enumerate(screen.lines):
            if line.text != texts[y]:
                old = texts[y]
                row = writers[y]
                for x, (a, b) in enumerate(zip(old, line.text, strict=True)):
                    if a != b:
                        row[x] = span
                texts[y] = line.text
        if prints:
            # A character printed over an identical one changes nothing, yet it is that cell's writer.
            y, x = (y0 + 1, 0) if wrap else (y0, x0)
            if y < rows:
                writers[y][x] = span
                if x + 1 < cols and screen.lines[y].text[x + 1] == "\x00":
                    writers[y][x + 1] = span
    flushed = term.decoder.flush()
    if flushed:
        term.feed_text(flushed)
    for y, line in enumerate(screen.lines):
        if line.text == row_text:
            return RowTrace(tuple(writers[y]))
    return None


def _ignore(_reply: bytes) -> None:
    """Replies of the scratch terminal go nowhere: it is a replay, not a session."""


def _pieces(data: bytes, encoding: str) -> list[tuple[bytes, int, bool]]:
    """Tokens of ``data`` as (bytes, offset, prints a character), ASCII text split per byte (each
    character is its own writer)."""
    out: list[tuple[bytes, int, bool]] = []
    for tok in annotate(data, encoding):
        text = tok.kind == "text"
        if text and len(tok.data) > 1 and tok.data.isascii():
            out.extend((tok.data[i : i + 1], tok.offset + i, True) for i in range(len(tok.data)))
        else:
            out.append((tok.data, tok.offset, text or tok.kind == "invalid"))
    return out
