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
        # Line number → first and end offset of the bytes that wrote it, as two dicts of ints: a tuple per line
        # would be a container the garbage collector tracks, and a flood's ~80 new lines per read made the
        # young collections run several times a second, each walking every new history row.
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        # Line → the bytes of the last chunk that touched it (two int dicts, for the same reason).
        self._last_starts: dict[int, int] = {}
        self._last_ends: dict[int, int] = {}
        self._line = 0
        self._dirty_obj: set[int] | None = None
        self._dirty_seen: frozenset[int] = frozenset()
        self.sync()

    @property
    def terminal(self) -> Terminal:
        return self._term

    def clear(self) -> None:
        """Forget everything (the terminal was reset, the byte log cleared)."""
        for spans in (self._starts, self._ends, self._last_starts, self._last_ends):
            spans.clear()
        self.sync()

    def follow_reflow(self, reflow: tuple[int, list[tuple[int, int]]] | None) -> bool:
        """The terminal re-wrapped its rows on a resize (:meth:`Terminal.take_reflow`'s answer): each line's bytes
        go to every row its cells went to (one old row may now be several, several old rows one). Returns
        whether anything moved."""
        if reflow is None:
            return False
        first, row_map = reflow
        self._starts, self._ends = _moved(self._starts, self._ends, first, row_map)
        self._last_starts, self._last_ends = _moved(self._last_starts, self._last_ends, first, row_map)
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
        firsts: dict[int, int]
        lasts: dict[int, int]
        if line > self._line and data.count(b"\n") == line - self._line:
            # Cut after each LF, in C: line i ends at start + the lengths of parts 0..i + its i+1 LFs.
            parts = data.split(b"\n")
            cuts = [start, *map(operator.add, itertools.accumulate(map(len, parts[:-1])), itertools.count(start + 1))]
            if cuts[-1] < end:
                cuts.append(end)  # the line the cursor is on now, begun by this chunk
            lines = range(self._line, self._line + len(cuts) - 1)
            firsts, lasts = dict(zip(lines, cuts[:-1], strict=True)), dict(zip(lines, cuts[1:], strict=True))
        else:
            firsts, lasts = dict.fromkeys(range(lo, hi + 1), start), dict.fromkeys(range(lo, hi + 1), end)
        if not screen.dirty_all:
            # The view takes the dirty set once per frame and leaves a fresh set object behind:
            # rows dirty before this chunk are only those of the same set object.
            seen = self._dirty_seen if screen.dirty is self._dirty_obj else frozenset()
            for y in screen.dirty - seen:
                if base + y not in firsts:
                    firsts[base + y], lasts[base + y] = start, end
        self._last_starts.update(firsts)  # this chunk's own piece of each line, before merging with earlier ones
        self._last_ends.update(lasts)
        known_firsts, known_lasts = self._starts, self._ends
        for n in firsts.keys() & known_firsts.keys():  # rows written before: from their first writer to their last
            firsts[n] = min(firsts[n], known_firsts[n])
            lasts[n] = max(lasts[n], known_lasts[n])
        known_firsts.update(firsts)
        known_lasts.update(lasts)
        self._line = line
        self._dirty_obj = screen.dirty
        self._dirty_seen = frozenset(screen.dirty)
        self._trim()

    def _trim(self) -> None:
        """Forget rows that left the scrollback (keeps memory bounded on endless output)."""
        first = self._first_line()
        if len(self._starts) > 2 * (len(self._term.screen.history) + self._term.rows) + 64:
            for n in [n for n in self._starts if n < first]:
                del self._starts[n], self._ends[n]
                self._last_starts.pop(n, None)
                self._last_ends.pop(n, None)

    def first_line(self) -> int:
        """The line number of view row 0 (the oldest row of the scrollback)."""
        return self._first_line()

    def line_of(self, abs_row: int) -> int:
        """The line number of view row ``abs_row`` (it stays with the row as it scrolls)."""
        return abs_row + self._first_line()

    def last_write(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes of the last chunk that wrote view row ``abs_row`` (one read: bounded, unlike the row's
        whole range, which for a full-screen program spans the session)."""
        line = abs_row + self._first_line()
        first = self._last_starts.get(line)
        return None if first is None else (first, self._last_ends[line])

    def _first_line(self) -> int:
        screen = self._term.screen
        return screen.scrolled_off - len(screen.history)

    # ------------------------------------------------------------------ lookups (view rows)

    def view_row(self, line: int) -> int:
        """The view's absolute row of line number ``line``."""
        return line - self._first_line()

    def range_of_row(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes that wrote view row ``abs_row`` as ``(start, end)``, or ``None`` if unknown."""
        line = abs_row + self._first_line()
        first = self._starts.get(line)
        return None if first is None else (first, self._ends[line])

    def lines(self) -> dict[int, tuple[int, int]]:
        """Every line number the map knows, with the ``(start, end)`` of the bytes that wrote it."""
        return {n: (first, self._ends[n]) for n, first in self._starts.items()}

    def rows_of_range(self, start: int, end: int) -> list[int]:
        """View rows written (at least partly) by bytes in ``[start, end)``, top to bottom."""
        first = self._first_line()
        last = self._term.screen.scrolled_off + self._term.rows
        ends = self._ends
        return sorted(
            n - first for n, a in self._starts.items() if a < end and start < ends[n] and first <= n < last
        )


def _moved(
    starts: dict[int, int], ends: dict[int, int], first: int, row_map: list[tuple[int, int]]
) -> tuple[dict[int, int], dict[int, int]]:
    """Line → bytes (as first and end offsets) after a reflow: each line's bytes go to every row its cells went to."""
    new_starts: dict[int, int] = {}
    new_ends: dict[int, int] = {}
    for line, a in starts.items():
        b = ends[line]
        k = line - first
        if not 0 <= k < len(row_map):
            if line < first:  # history the reflow did not see (dropped for space): unchanged
                new_starts[line], new_ends[line] = a, b
            continue
        lo, hi = row_map[k]
        for new in range(first + lo, first + hi + 1):
            old = new_starts.get(new)
            new_starts[new], new_ends[new] = (a, b) if old is None else (min(old, a), max(new_ends[new], b))
    return new_starts, new_ends
