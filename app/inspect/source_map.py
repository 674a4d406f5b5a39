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

That cut is done lazily, and so is the whole-chunk range of a read that went down with wrapped lines (a window
narrower than the output: a 68-column terminal beside the Tests panel wraps 4 reads in 10 of ``go test -v``): such
a read is only noted (its offset, the line it began on, the line after its last row, the bytes themselves: the
session's log holds them anyway, and a note lasts no longer than the lines it wrote are kept) and put when a
question about rows is asked, or when the map forgets lines (only the one read that straddles the oldest line kept
is put then). Cutting and putting each read as it came cost ~6 % of the engine's time on ``go test -v`` output,
nearly all for lines that left the scrollback before anyone asked about them; the first question after a long
flood pays for the lines still kept (~8 ms for the 14,000 lines of 160 reads). The count of known lines (the trim's
measure) is kept exact across the notes, so the map forgets the same lines at the same moments as when it put every
read at once (``SourceMap.lazy = False``, the reference of the tests).

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

#: An unknown line's offsets: above every real offset (so ``min`` takes a real first writer over it).
_NONE = 1 << 62


class SourceMap:
    """Row → byte range bookkeeping for one :class:`Terminal` (see the module docstring).

    Call :meth:`record` right after every chunk was fed (the session emits ``OutputReceived``
    after feeding), :meth:`sync` after anything else moved the cursor (a resize), and
    :meth:`clear` when the terminal was reset and the offsets start again.
    """

    #: Note plain line output and cut it at its LFs only when asked (see the module docstring); ``False`` cuts
    #: every read as it comes (the reference the lazy form is tested against).
    lazy = True

    def __init__(self, terminal: Terminal) -> None:
        self._term = terminal
        # Line ``base + i`` → first and end offset of the bytes that wrote it, and of the last chunk that touched
        # it, as four flat lists of ints indexed from ``_base`` (``_NONE`` where the line is unknown). Line numbers
        # of a stream are a window that only moves down, so lists take a chunk's lines with slice assignments and
        # drop the lines that left the scrollback with one ``del`` (both in C); dicts keyed by line cost a Python
        # step per line for each, and their trim, every ~10,000 lines of a flood, was a ~10 ms burst on the GUI
        # thread. (No tuple per line: a container the garbage collector tracks made young collections walk every
        # new history row.)
        self._base = 0
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._last_starts: list[int] = []
        self._last_ends: list[int] = []
        self._known = 0  # lines with an entry, in the lists or under a pending note (the trim's measure of size)
        # Reads that went down, not put yet, oldest first: (line it began on, offset, bytes, line after its last piece,
        # whether it is cut at its LFs). Each begins on the line the one before ended on (any other write puts them
        # all first), so together they cover the lines ``_pending[0][0]`` to ``_top`` (exclusive) with no gap.
        self._pending: list[tuple[int, int, bytes, int, bool]] = []
        self._top = 0
        self._line = 0
        self._dirty_obj: set[int] | None = None
        self._dirty_seen: frozenset[int] = frozenset()
        self.sync()

    @property
    def terminal(self) -> Terminal:
        return self._term

    def clear(self) -> None:
        """Forget everything (the terminal was reset, the byte log cleared)."""
        self._pending = []
        self._set_spans({}, {}, {}, {})
        self.sync()

    def follow_reflow(self, reflow: tuple[int, list[tuple[int, int]]] | None) -> bool:
        """The terminal re-wrapped its rows on a resize (:meth:`Terminal.take_reflow`'s answer): each line's bytes
        go to every row its cells went to (one old row may now be several, several old rows one). Returns
        whether anything moved."""
        if reflow is None:
            return False
        first, row_map = reflow
        self._cut_pending()
        starts, ends = _moved(*self._spans(self._starts, self._ends), first, row_map)
        last_starts, last_ends = _moved(*self._spans(self._last_starts, self._last_ends), first, row_map)
        self._set_spans(starts, ends, last_starts, last_ends)
        return True

    def sync(self) -> None:
        """Take the terminal's current state as the "before" of the next chunk."""
        self._cut_pending()  # the next note may not begin where the last one ended
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
        before = self._line
        if line >= before:  # (output goes down: a path that begins where the last one ended, as notes do)
            if line > before and data.count(b"\n") == line - before:
                # Row i of the path gets the piece after the i-th LF; the cursor's line now has a piece if the chunk
                # does not end with its LF.
                exact, stop = True, line if data.endswith(b"\n") else line + 1
            else:  # wrapped lines (a window narrower than the output) or no LF: the whole chunk for every row
                exact, stop = False, line + 1
            path = range(before, stop)
            extra = [] if screen.dirty_all else self._dirty_lines(base, path)
            if self.lazy and not extra:
                self._note(before, start, data, stop, exact)
            else:
                self._cut_pending()
                self._cut(before, start, data, stop, exact, before)
        else:
            self._cut_pending()
            path = range(line, before + 1)
            self._put(line, [start] * len(path), [end] * len(path))
            extra = [] if screen.dirty_all else self._dirty_lines(base, path)
        for n in extra:
            self._put(n, [start], [end])
        self._line = line
        self._dirty_obj = screen.dirty
        self._dirty_seen = frozenset(screen.dirty)
        self._trim()

    def _dirty_lines(self, base: int, path: range) -> list[int]:
        """Lines off ``path`` that the chunk newly marked dirty."""
        screen = self._term.screen
        # The view takes the dirty set once per frame and leaves a fresh set object behind:
        # rows dirty before this chunk are only those of the same set object.
        seen = self._dirty_seen if screen.dirty is self._dirty_obj else frozenset()
        return [base + y for y in screen.dirty - seen if base + y not in path]

    def _note(self, before: int, start: int, data: bytes, stop: int, exact: bool) -> None:
        """Keep a read of lines ``before`` to ``stop`` (exclusive) to cut later, counting the lines it makes known:
        those past the ones pending notes cover that the lists do not know already."""
        pending = self._pending
        if not pending:
            self._top = before
        lo = self._top if self._top > before else before
        if stop > lo:
            new = stop - lo
            base, starts = self._base, self._starts
            i, j = lo - base, stop - base
            if i < len(starts) and j > 0:  # (the lists end before a flood's new lines: mostly an empty slice)
                old = starts[max(i, 0) : j]
                new -= len(old) - old.count(_NONE)
            self._known += new
            self._top = stop
        pending.append((before, start, data, stop, exact))

    def _cut_pending(self) -> None:
        """Cut the pending reads into the lists, oldest first (their lines are counted in ``_known`` already)."""
        pending = self._pending
        if pending:
            known = self._known
            self._pending = []
            for before, start, data, stop, exact in pending:
                self._cut(before, start, data, stop, exact, before)
            self._known = known

    def _cut(self, before: int, start: int, data: bytes, stop: int, exact: bool, first: int) -> None:
        """Put a read that went down from line ``before`` to ``stop`` (exclusive), from line ``first`` on: cut at its
        LFs if ``exact`` (plain lines), else the whole read for every line."""
        end = start + len(data)
        if not exact:
            n = stop - first
            self._put(first, [start] * n, [end] * n)
            return
        # Cut after each LF, in C: line i ends at start + the lengths of parts 0..i + its i+1 LFs.
        parts = data.split(b"\n")
        cuts = [start, *map(operator.add, itertools.accumulate(map(len, parts[:-1])), itertools.count(start + 1))]
        if cuts[-1] < end:
            cuts.append(end)  # the line the cursor is on now, begun by this chunk
        skip = first - before
        self._put(first, cuts[skip:-1], cuts[skip + 1 :])

    def _put(self, line: int, firsts: list[int], lasts: list[int]) -> None:
        """Lines ``line, line + 1, …`` were written by ``firsts[k]:lasts[k]``: that is their last write, and their
        whole range runs from their first writer to their last."""
        starts = self._starts
        if not starts:
            self._base = line
        i = line - self._base
        if i < 0:  # above every line known (the cursor went up past them): room in front
            for spans, unknown in self._lists():
                spans[:0] = [unknown] * -i
            self._base, i = line, 0
        j = i + len(firsts)
        if j > len(starts):
            more = j - len(starts)
            for spans, unknown in self._lists():
                spans += [unknown] * more
        old = starts[i:j]
        unknown = old.count(_NONE)
        self._known += unknown
        # Only lines written before need merging; they are mostly a prefix (the line the cursor was on), so the
        # new lines after it are assigned as they are. An unknown line's start (_NONE) is above every offset and
        # its end (-1) below, so min and max take the new one for any unknown line merged.
        p = old.index(_NONE) if unknown else len(old)
        if unknown < len(old) - p:  # known lines after the first unknown one too: merge them all
            p = len(old)
        if p:
            starts[i : i + p] = map(min, old[:p], firsts[:p])
            self._ends[i : i + p] = map(max, self._ends[i : i + p], lasts[:p])
        starts[i + p : j] = firsts[p:]
        self._ends[i + p : j] = lasts[p:]
        self._last_starts[i:j] = firsts
        self._last_ends[i:j] = lasts

    def _lists(self) -> tuple[tuple[list[int], int], ...]:
        """The four lists, each with what it holds for an unknown line."""
        return ((self._starts, _NONE), (self._ends, -1), (self._last_starts, _NONE), (self._last_ends, _NONE))

    def _trim(self) -> None:
        """Forget rows that left the scrollback (keeps memory bounded on endless output)."""
        if self._known > 2 * (len(self._term.screen.history) + self._term.rows) + 64:
            first = self._first_line()
            base, starts, pending = self._base, self._starts, self._pending
            drop = first - base
            below = 0  # known lines above the first line kept
            if drop > 0:
                head = starts[:drop]
                below = len(head) - head.count(_NONE)
            if pending and pending[0][0] < first:
                # Lines under the pending notes, above the first line kept, that the lists do not know.
                lo, hi = pending[0][0], min(self._top, first)
                old = starts[max(lo - base, 0) : max(hi - base, 0)]
                below += hi - lo - (len(old) - old.count(_NONE))
            self._known -= below
            if drop > 0:
                for spans, _unknown in self._lists():
                    del spans[:drop]
                self._base += drop
            if pending and pending[0][0] < first:
                # Notes wholly above the first line kept are forgotten uncut; the one that straddles it is cut now,
                # from that line on (a later cut would write its forgotten lines back).
                k = 0
                while k < len(pending) and pending[k][3] <= first:
                    k += 1
                if k < len(pending) and pending[k][0] < first:
                    before, start, data, stop, exact = pending[k]
                    known = self._known
                    self._cut(before, start, data, stop, exact, first)
                    self._known = known
                    k += 1
                del pending[:k]

    def _spans(self, starts: list[int], ends: list[int]) -> tuple[dict[int, int], dict[int, int]]:
        """Two of the lists as line → offset dicts of the known lines."""
        base = self._base
        known = [i for i, a in enumerate(starts) if a != _NONE]  # (pending reads are cut: see follow_reflow)
        return {base + i: starts[i] for i in known}, {base + i: ends[i] for i in known}

    def _set_spans(
        self, starts: dict[int, int], ends: dict[int, int], last_starts: dict[int, int], last_ends: dict[int, int]
    ) -> None:
        """Take line → offset dicts (the same lines in all four) as the lists."""
        base = min(starts, default=0)
        size = max(starts, default=base - 1) - base + 1
        self._base, self._known = base, len(starts)
        self._starts, self._ends = [_NONE] * size, [-1] * size
        self._last_starts, self._last_ends = [_NONE] * size, [_NONE] * size
        for n, a in starts.items():
            k = n - base
            self._starts[k], self._ends[k] = a, ends[n]
            self._last_starts[k], self._last_ends[k] = last_starts[n], last_ends[n]

    def first_line(self) -> int:
        """The line number of view row 0 (the oldest row of the scrollback)."""
        return self._first_line()

    def line_of(self, abs_row: int) -> int:
        """The line number of view row ``abs_row`` (it stays with the row as it scrolls)."""
        return abs_row + self._first_line()

    def last_write(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes of the last chunk that wrote view row ``abs_row`` (one read: bounded, unlike the row's
        whole range, which for a full-screen program spans the session)."""
        self._cut_pending()
        k = abs_row + self._first_line() - self._base
        if not 0 <= k < len(self._last_starts) or self._last_starts[k] == _NONE:
            return None
        return self._last_starts[k], self._last_ends[k]

    def _first_line(self) -> int:
        screen = self._term.screen
        return screen.scrolled_off - len(screen.history)

    # ------------------------------------------------------------------ lookups (view rows)

    def view_row(self, line: int) -> int:
        """The view's absolute row of line number ``line``."""
        return line - self._first_line()

    def range_of_row(self, abs_row: int) -> tuple[int, int] | None:
        """The bytes that wrote view row ``abs_row`` as ``(start, end)``, or ``None`` if unknown."""
        self._cut_pending()
        k = abs_row + self._first_line() - self._base
        if not 0 <= k < len(self._starts) or self._starts[k] == _NONE:
            return None
        return self._starts[k], self._ends[k]

    def lines(self) -> dict[int, tuple[int, int]]:
        """Every line number the map knows, with the ``(start, end)`` of the bytes that wrote it."""
        self._cut_pending()
        base, ends = self._base, self._ends
        return {base + i: (a, ends[i]) for i, a in enumerate(self._starts) if a != _NONE}

    def rows_of_range(self, start: int, end: int) -> list[int]:
        """View rows written (at least partly) by bytes in ``[start, end)``, top to bottom."""
        self._cut_pending()
        first = self._first_line()
        last = self._term.screen.scrolled_off + self._term.rows
        base, starts, ends = self._base, self._starts, self._ends
        lo, hi = max(first - base, 0), min(last - base, len(starts))
        # An unknown line's start (_NONE) is above every end, so it never passes a < end.
        return [base + k - first for k in range(lo, hi) if starts[k] < end and start < ends[k]]


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
