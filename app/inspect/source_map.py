"""Which bytes wrote which screen row: the link between the terminal and the Bytes panel.

The engine keeps decoder checkpoints (byte offset ↔ character index) but no per-cell record of
the bytes behind a cell; keeping one would cost memory on every printed character. So this map
is deliberately coarse and honest about it: **row granularity**. For every read chunk fed to a
terminal it records the chunk's byte range ``[start, end)`` against

- every row from the cursor's row before the chunk to the cursor's row after it (a chunk that
  prints lines and scrolls covers all the rows it passed over), and
- every row the chunk newly marked dirty (a program that moves the cursor, writes elsewhere and
  comes back), unless the chunk repainted everything (then only the cursor path is used).

One refinement makes plain line output (``go test -v``, ``cat``) exact per row: when the cursor
went down by exactly as many rows as the chunk holds line feeds, the chunk is cut after each LF
and row *i* of the path gets the *i*-th piece. A chunk with wrapped lines or cursor motion does
not pass that test and keeps the whole-chunk range for every row it touched.

Rows are numbered by *line number* (``screen.scrolled_off + y``), which stays with a row as it
scrolls into history; :meth:`SourceMap.view_row` converts to the view's absolute rows
(``len(history) + y``). A row rewritten by many chunks (a prompt typed into, a progress bar) maps to
the span from its first to its last writer. The tab refines a row's range to single cells on demand
(:mod:`app.inspect.cell_trace` replays the range and checks it gives the row); where it cannot, a
click selects the row's range and selected bytes light up every row they meet.

Pure Python (no Qt), so it is cheap to test and to rebuild for "decode as".
"""

from __future__ import annotations

import itertools
import operator

from app.vt import Terminal

__all__ = ["SourceMap"]


class SourceMap:
    """Row → byte range bookkeeping for one :class:`Terminal` (see the module docstring).

    Call :meth:`record` right after every chunk was fed (the session emits ``OutputReceived``
    after feeding), :meth:`sync` after anything else moved the cursor (a resize), and
    :meth:`clear` when the terminal was reset and the offsets start again.
    """

    def __init__(self, terminal: Terminal) -> None:
        self._term = terminal
        self._rows: dict[int, tuple[int, int]] = {}
        self._line = 0
        self._dirty_obj: set[int] | None = None
        self._dirty_seen: frozenset[int] = frozenset()
        self.sync()

    @property
    def terminal(self) -> Terminal:
        return self._term

    def clear(self) -> None:
        """Forget everything (the terminal was reset, the byte log cleared)."""
        self._rows.clear()
        self.sync()

    def sync(self) -> None:
        """Take the terminal's current state as the "before" of the next chunk."""
        screen = self._term.screen
        self._line = screen.scrolled_off + screen.y
        self._dirty_obj = screen.dirty
        self._dirty_seen = frozenset(screen.dirty)

    def record(self, start: int, data: bytes) -> None:
        """Attribute the bytes ``data`` (at offset ``start``), just fed, to the rows they touched."""
        end = start + len(data)
        screen = self._term.screen
        base = screen.scrolled_off
        line = base + screen.y
        lo, hi = min(self._line, line), max(self._line, line)
        pieces: dict[int, tuple[int, int]]
        if line > self._line and data.count(b"\n") == line - self._line:
            # Cut after each LF, in C: line i ends at start + the lengths of parts 0..i + its i+1 LFs.
            parts = data.split(b"\n")
            cuts = [start, *map(operator.add, itertools.accumulate(map(len, parts[:-1])), itertools.count(start + 1))]
            pieces = dict(zip(range(self._line, line), itertools.pairwise(cuts), strict=True))
            if cuts[-1] < end:
                pieces[line] = (cuts[-1], end)
        else:
            pieces = dict.fromkeys(range(lo, hi + 1), (start, end))
        if not screen.dirty_all:
            # The view takes the dirty set once per frame and leaves a fresh set object behind:
            # rows dirty before this chunk are only those of the same set object.
            seen = self._dirty_seen if screen.dirty is self._dirty_obj else frozenset()
            for y in screen.dirty - seen:
                pieces.setdefault(base + y, (start, end))
        rows = self._rows
        for n in pieces.keys() & rows.keys():  # rows written before: from their first writer to their last
            (a, b), old = pieces[n], rows[n]
            pieces[n] = (min(old[0], a), max(old[1], b))
        rows.update(pieces)
        self._line = line
        self._dirty_obj = screen.dirty
        self._dirty_seen = frozenset(screen.dirty)
        self._trim()

    def _trim(self) -> None:
        """Forget rows that left the scrollback (keeps memory bounded on endless output)."""
        first = self._first_line()
        if len(self._rows) > 2 * (len(self._term.screen.history) + self._term.rows) + 64:
            for n in [n for n in self._rows if n < first]:
                del self._rows[n]

    def _first_line(self) -> int:
        screen = self._term.screen
        return screen.scrolled_off - len(screen.history)

    # ------------------------------------------------------------------ lookups (view rows)

    def view_row(self, line: int) -> int:
        """The view's absolute row of line number ``line``."""
        return line - self._first_line()

    def range_of_row(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes that wrote view row ``abs_row`` as ``(start, end)``, or ``None`` if unknown."""
        return self._rows.get(abs_row + self._first_line())

    def rows_of_range(self, start: int, end: int) -> list[int]:
        """View rows written (at least partly) by bytes in ``[start, end)``, top to bottom."""
        first = self._first_line()
        last = self._term.screen.scrolled_off + self._term.rows
        return sorted(n - first for n, (a, b) in self._rows.items() if a < end and start < b and first <= n < last)
