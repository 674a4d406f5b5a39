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
        self._last: dict[int, tuple[int, int]] = {}  # line → the bytes of the last chunk that touched it
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
        self._last.clear()
        self.sync()

    def follow_reflow(self, reflow: tuple[int, list[tuple[int, int]]] | None) -> bool:
        """The terminal re-wrapped its rows on a resize (:meth:`Terminal.take_reflow`'s answer): each line's bytes
        go to every row its cells went to (one old row may now be several, several old rows one). Returns
        whether anything moved."""
        if reflow is None:
            return False
        first, row_map = reflow
        self._rows = _moved(self._rows, first, row_map)
        self._last = _moved(self._last, first, row_map)
        return True

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
        pieces: dict[int, tuple[int, int]] = {}
        if line > self._line and data.count(b"\n") == line - self._line:
            cut = start
            n = self._line
            pos = data.find(b"\n")
            while pos >= 0:
                pieces[n] = (cut, start + pos + 1)
                cut = start + pos + 1
                n += 1
                pos = data.find(b"\n", pos + 1)
            if cut < end:
                pieces[n] = (cut, end)
        else:
            pieces = dict.fromkeys(range(lo, hi + 1), (start, end))
        if not screen.dirty_all:
            # The view takes the dirty set once per frame and leaves a fresh set object behind:
            # rows dirty before this chunk are only those of the same set object.
            seen = self._dirty_seen if screen.dirty is self._dirty_obj else frozenset()
            for y in screen.dirty - seen:
                pieces.setdefault(base + y, (start, end))
        rows = self._rows
        last = self._last
        for n, (a, b) in pieces.items():
            old = rows.get(n)
            rows[n] = (a, b) if old is None else (min(old[0], a), max(old[1], b))
            last[n] = (a, b)
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
                self._last.pop(n, None)

    def first_line(self) -> int:
        """The line number of view row 0 (the oldest row of the scrollback)."""
        return self._first_line()

    def line_of(self, abs_row: int) -> int:
        """The line number of view row ``abs_row`` (it stays with the row as it scrolls)."""
        return abs_row + self._first_line()

    def last_write(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes of the last chunk that wrote view row ``abs_row`` (one read: bounded, unlike the row's
        whole range, which for a full-screen program spans the session)."""
        return self._last.get(abs_row + self._first_line())

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


def _moved(spans: dict[int, tuple[int, int]], first: int, row_map: list[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """``spans`` (line → bytes) after a reflow: each line's bytes go to every row its cells went to."""
    moved: dict[int, tuple[int, int]] = {}
    for line, span in spans.items():
        k = line - first
        if not 0 <= k < len(row_map):
            if line < first:
                moved[line] = span  # history the reflow did not see (dropped for space): unchanged
            continue
        lo, hi = row_map[k]
        for new in range(first + lo, first + hi + 1):
            old = moved.get(new)
            moved[new] = span if old is None else (min(old[0], span[0]), max(old[1], span[1]))
    return moved
