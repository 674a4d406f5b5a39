"""Cell ↔ bytes for one terminal: the bytes that wrote a cell, the cells some bytes wrote — the tool's core promise.

What the window's clicks ask (a cell in the terminal, bytes in the Bytes panel) and what ``python -m app inspect
FILE --cell ROW,COL`` asks headless: the same model, the same answers.

Three ways to an answer, cheapest first:

1. The row map (:mod:`app.inspect.source_map`) says which bytes wrote a row.  A row of plain output (a
   ``go test -v`` line) is replayed alone from a fresh line (:func:`app.inspect.cell_trace.iter_trace_row`):
   exact, and small.
2. A row that does not replay alone — a full-screen program (vim, top, tmux) paints rows by cursor addressing,
   and such a row's bytes are spread over the whole session — is found by replaying the session's log from its
   first byte on a scratch terminal of the same size and code page, with the recorded resizes: chunk by chunk
   (fast) up to the last :data:`TRACK_WINDOW` bytes, then token by token, keeping for each cell of each line the
   token that last changed (or printed on) it.  The scratch line must end equal to the real one, or the answer
   is not given.  A cell written before the tracked window says so ("earlier") instead of naming bytes.
3. Where neither is possible (the log dropped its oldest bytes under its memory cap, too many resizes to
   repeat), the row's last write, said to be row-level.

A blank cell is blank: nothing wrote it since it was cleared (or the erase that cleared it, when that is what
the replay saw) — never the row's whole history, which for a full-screen program was the session's.

Bounded work: every answer is a :class:`Job`, a generator stepped in slices (:meth:`Job.step`), so the window
does a few milliseconds per frame and a new click cancels the old question; headless callers :meth:`Job.run`
it to the end.  Clicking a blank cell after vim, top or tmux traced 140-170 KB through the annotator on the UI
thread in one go (1.5 s to a minute); see the issue 12 report for the numbers after.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.inspect.cell_trace import Piece, RowTrace, carry_writers, iter_trace_row, moves_sideways, pieces_of
from app.inspect.source_map import SourceMap
from app.session.bytelog import DEFAULT_CAP, ByteLog
from app.vt import Terminal
from app.vt.row import BLANK, HistoryRow, Line
from app.vt.width import char_width

__all__ = ["EARLIER", "LOST", "TRACK_WINDOW", "CellAnswer", "CellMap", "Job", "cell_map_of"]

T = TypeVar("T")
Span = tuple[int, int]
Cell = tuple[int, int]

#: Bytes of the log replayed token by token (before them, chunk by chunk): a cell written earlier is "earlier".
TRACK_WINDOW = 256 * 1024
#: A row replayed alone only if its bytes are at most this many (a bigger range is a repainted screen).
LOCAL_TRACE_BYTES = 2 * 1024
#: Resizes remembered for a replay; past this the replay cannot repeat the session (answers become row-level).
MAX_SIZES = 4096
#: Rows a "which cells did these bytes write" question looks at, at most.
MAX_ROWS = 512
#: A block of the tracked window annotated at once (cut before a line feed or an ESC, where tokens begin):
#: small, so that annotating one is a few milliseconds of a slice.
_BLOCK = 512
#: Bytes fed at once before the tracked window (a few milliseconds of the engine).
_FAST_BLOCK = 4 * 1024
#: Writer of a cell that already held its text when the tracked window began.
EARLIER: Span = (-1, -1)
#: Writer of a cell whose writer a reflow could not carry over (the answer is the row's, said to be so).
LOST: Span = (-2, -2)

_Writers = list["Span | None"]


@dataclass(frozen=True)
class CellAnswer:
    """The bytes that wrote one cell, or why there are none.

    ``span``: the bytes ``[start, end)`` (``None``: none to show); ``exact``: cell-precise (``False``: the
    row's last write, all that can be said); ``note``: what to tell the user.
    """

    span: Span | None
    exact: bool
    note: str


class Job(Generic[T]):
    """A question answered in slices: :meth:`step` works until a deadline, :meth:`run` to the end."""

    def __init__(self, work: Generator[None, None, T]) -> None:
        self._work = work
        self.done = False
        self.cancelled = False
        self._result: T | None = None
        #: Units of work done (a token fed, a chunk fed, a block annotated): for tests and the bench.
        self.units = 0

    @property
    def result(self) -> T:
        if not self.done:
            raise RuntimeError("the job has not finished; step() or run() it")
        return self._result  # type: ignore[return-value]

    def step(self, deadline: float | None = None, *, units: int | None = None) -> bool:
        """Work until ``time.monotonic()`` passes ``deadline`` or ``units`` units are done; ``True`` when done."""
        if self.done or self.cancelled:
            return self.done
        count = 0
        try:
            while True:
                next(self._work)
                self.units += 1
                count += 1
                if units is not None and count >= units:
                    return False
                if deadline is not None and time.monotonic() >= deadline:
                    return False
        except StopIteration as stop:
            self._result = stop.value
            self.done = True
        return True

    def run(self) -> T:
        self.step()
        return self.result

    def cancel(self) -> None:
        self.cancelled = True
        self._work.close()


@dataclass
class _Entry:
    """A scratch line followed through the replay: its text as last seen and the writer of each cell."""

    line: Line  # kept, so that its id stays its own while it is followed
    text: str
    writers: _Writers


@dataclass
class _Replayed:
    """What a replay learnt: writers of lines on the scratch screen at the end, and of lines frozen on the way."""

    screen: dict[int, _Entry] = field(default_factory=dict)  # line number → entry
    frozen: dict[int, _Entry] = field(default_factory=dict)


class CellMap:
    """Cell ↔ bytes bookkeeping and questions for one :class:`Terminal` over its session's :class:`ByteLog`.

    Feed it what the terminal was fed: :meth:`record` after every chunk, :meth:`resized` after a resize,
    :meth:`clear` after a reset that cleared the log.  ``fed_from_start``: the terminal saw every byte of the
    log from offset 0 at its current size (a "decode as" terminal built from the log: so it is replayed).
    """

    def __init__(self, terminal: Terminal, log: ByteLog) -> None:
        self._term = terminal
        self._log = log
        self.source_map = SourceMap(terminal)
        self._scrollback = terminal.scrollback
        #: (offset, cols, rows, reflow): the sizes the terminal had from each offset on, and whether it re-wrapped.
        self._sizes: list[tuple[int, int, int, bool]] = [(0, terminal.cols, terminal.rows, terminal.reflow)]
        self._sizes_complete = True
        self._traces: OrderedDict[tuple[str, Span, str], RowTrace | None] = OrderedDict()
        #: The last replay's screen, with the state it was made in: any later question about the screen, asked
        #: before more output came, is answered from it at once.
        self._replayed: tuple[tuple[int, int, str, int], _Replayed] | None = None

    @property
    def terminal(self) -> Terminal:
        return self._term

    @property
    def log(self) -> ByteLog:
        return self._log

    # ------------------------------------------------------------------ bookkeeping

    def record(self, start: int, data: bytes) -> None:
        self.source_map.record(start, data)

    def follow_reflow(self, reflow: tuple[int, list[tuple[int, int]]] | None) -> bool:
        """The terminal re-wrapped its rows on a resize (:meth:`Terminal.take_reflow`'s answer; call it before
        :meth:`resized`): the row map follows the rows. Returns whether anything moved."""
        return self.source_map.follow_reflow(reflow)

    def resized(self) -> None:
        """The terminal was resized (before the next chunk): a replay resizes there too, re-wrapping as it did."""
        self.source_map.sync()
        size = (self._log.total_bytes, self._term.cols, self._term.rows, self._term.reflow)
        if self._sizes[-1][0] == size[0]:
            self._sizes[-1] = size
        elif len(self._sizes) < MAX_SIZES:
            self._sizes.append(size)
        else:
            self._sizes_complete = False

    def clear(self) -> None:
        """The terminal was reset and the log cleared (a replay sought backwards)."""
        self.source_map.clear()
        self._sizes = [(0, self._term.cols, self._term.rows, self._term.reflow)]
        self._sizes_complete = True
        self._traces.clear()
        self._replayed = None

    def sync(self) -> None:
        self.source_map.sync()

    # ------------------------------------------------------------------ questions

    def locate(self, abs_row: int, col: int) -> Job[CellAnswer]:
        """The bytes that wrote the cell at view row ``abs_row``, column ``col`` (see the module docstring)."""
        return Job(self._locate(abs_row, col))

    def cells_of(self, start: int, end: int) -> Job[list[Cell]]:
        """The cells on view whose last writer overlaps bytes ``[start, end)``, top to bottom."""
        return Job(self._cells_of(start, end))

    def bytes_of_cell(self, abs_row: int, col: int) -> CellAnswer:
        return self.locate(abs_row, col).run()

    # ------------------------------------------------------------------ answers

    def _row_text(self, abs_row: int) -> str | None:
        row = self._term.row(abs_row)
        return None if row is None else row.text

    def _locate(self, abs_row: int, col: int) -> Generator[None, None, CellAnswer]:
        text = self._row_text(abs_row)
        if text is None:
            return CellAnswer(None, True, f"row {abs_row} is not on the screen or in the scrollback")
        blank = _is_blank(text, col)
        found = self.source_map.range_of_row(abs_row)
        if found is None and not text.strip(" \x00"):
            return CellAnswer(None, True, f"row {abs_row} is blank: no output was written there")
        line = self.source_map.line_of(abs_row)
        cached = self._cached({line})
        if found is not None and cached is None:
            trace = yield from self._local_trace(abs_row, found, text)
            if trace is not None and (blank or self._prints(trace.span_of(col), text, col)):
                return _answer(abs_row, col, trace.span_of(col), blank)
        replayed = cached or (yield from self._replay({line}, keep=lambda n, _entry: n == line))
        if replayed is not None:
            entry = replayed.screen.get(line) or replayed.frozen.get(line)
            writer = entry.writers[col] if entry is not None and col < len(entry.writers) else None
            if entry is not None and entry.text == text and writer != LOST:
                return _answer(abs_row, col, writer, blank)
        if blank:
            return CellAnswer(None, False, f"row {abs_row}, column {col} is blank (what cleared it is not known)")
        last = self.source_map.last_write(abs_row)
        if last is None:
            return CellAnswer(None, False, self._why_unknown(abs_row))
        return CellAnswer(
            last, False, f"row {abs_row}: its last write (the row's cells cannot be told apart: {self._why_inexact()})"
        )

    def _cells_of(self, start: int, end: int) -> Generator[None, None, list[Cell]]:
        rows = self.source_map.rows_of_range(start, end)[-MAX_ROWS:]
        cells: list[Cell] = []
        pending: list[int] = []
        if self._cached(set()) is not None:
            rows = [r for r in rows if r < self._term.history_size]  # the screen's rows come from the replay
            pending.append(-1)
        for abs_row in rows:
            text = self._row_text(abs_row)
            found = self.source_map.range_of_row(abs_row)
            if text is None or found is None:
                continue
            trace = yield from self._local_trace(abs_row, found, text)
            if trace is not None:
                cells.extend((abs_row, col) for col in trace.cells_of(start, end))
            else:
                pending.append(abs_row)
        if not pending and cells:
            return sorted(cells)
        # Rows the row map could not explain, or none found at all (a chunk that repainted the whole screen is
        # not put on every row by the row map): the log replayed says which cells these bytes last wrote.

        def overlapping(_line: int, entry: _Entry) -> bool:
            return any(w is not None and w[0] < end and start < w[1] for w in entry.writers)

        replayed = self._cached(set()) or (yield from self._replay(set(), keep=overlapping))
        if replayed is not None:
            first = self.source_map.first_line()
            seen = {abs_row for abs_row, _ in cells}
            for lines in (replayed.frozen, replayed.screen):
                for line, entry in lines.items():
                    abs_row = line - first
                    if abs_row in seen or self._row_text(abs_row) != entry.text:
                        continue
                    cells.extend(
                        (abs_row, col)
                        for col, w in enumerate(entry.writers)
                        if w is not None and w[0] < end and start < w[1]
                    )
            return sorted(cells)
        # Row-level only: every written cell of each row those bytes last wrote.
        for abs_row in pending:
            last = self.source_map.last_write(abs_row)
            text = self._row_text(abs_row)
            if last is None or text is None or not (last[0] < end and start < last[1]):
                continue
            width = len(text.rstrip(" \x00")) or 1
            cells.extend((abs_row, col) for col in range(width))
        return sorted(cells)

    def _prints(self, span: Span | None, text: str, col: int) -> bool:
        """Whether ``span``'s bytes print the character at ``col`` of ``text``: a check on the row replayed
        alone, whose range comes from line feeds — a full-screen program that scrolls a region moves rows
        under it, and the scratch row that matches may then be an earlier row with the same text (tmux
        redrawing numbered lines). A doubtful answer goes to the log's replay instead."""
        if span is None or span in (LOST, EARLIER):
            return False
        ch = text[col - 1] if text[col : col + 1] == "\x00" and col > 0 else text[col : col + 1]
        try:
            printed = self._log.slice(*span).decode(self._term.encoding, "replace")
        except LookupError:
            return True
        return ch in printed

    def _why_unknown(self, abs_row: int) -> str:
        if self._log.dropped_bytes:
            return f"row {abs_row} was written before the oldest byte still kept (the log's memory cap)"
        return f"row {abs_row} has no bytes on record (it was drawn by a resize or a reset, not by output)"

    def _why_inexact(self) -> str:
        if self._log.dropped_bytes:
            return "the log's oldest bytes were dropped under its memory cap, so it cannot be replayed"
        if not self._sizes_complete:
            return "the terminal was resized too often to replay"
        return "its replay did not give the row the screen has"

    # ------------------------------------------------------------------ the row replayed alone

    def _local_trace(self, abs_row: int, found: Span, text: str) -> Generator[None, None, RowTrace | None]:
        log = self._log
        if found[1] - found[0] > LOCAL_TRACE_BYTES or found[0] < log.start_offset or found[1] > log.total_bytes:
            return None
        key = (text, found, self._term.encoding)
        if key in self._traces:
            self._traces.move_to_end(key)
            return self._traces[key]
        trace = yield from iter_trace_row(
            log.slice(*found), found[0], cols=self._term.cols, encoding=self._term.encoding, row_text=text
        )
        self._traces[key] = trace
        while len(self._traces) > 256:
            self._traces.popitem(last=False)
        return trace

    # ------------------------------------------------------------------ the log replayed

    def _state(self) -> tuple[int, int, str, int]:
        return (self._log.epoch, self._log.total_bytes, self._term.encoding, len(self._sizes))

    def _cached(self, lines: set[int]) -> _Replayed | None:
        """The last replay, if nothing was fed since and it has ``lines`` on its screen."""
        cached = self._replayed
        if cached is not None and cached[0] == self._state() and lines <= cached[1].screen.keys():
            return cached[1]
        return None

    def _replay(
        self, targets: set[int], *, keep: Callable[[int, _Entry], bool]
    ) -> Generator[None, None, _Replayed | None]:
        """Replay the whole log on a scratch terminal; ``None`` if it cannot be (see the module docstring).

        ``keep(line, entry)`` says which lines to keep when they scroll into history on the way.
        """
        log = self._log
        if log.dropped_bytes or not self._sizes_complete or log.total_bytes == 0:
            return None
        state = self._state()
        cached = self._cached(targets)
        if cached is not None:
            return cached
        total = log.total_bytes
        _, cols, rows, reflow = self._sizes[0]
        scratch = Terminal(
            cols=cols, rows=rows, scrollback=self._scrollback, encoding=self._term.encoding, reflow=reflow
        )
        scratch.on_reply = _ignore
        resizes = [s for s in self._sizes[1:] if s[0] <= total]
        unit = _unit(self._term.encoding)
        track_from = _token_start(log, max(0, total - TRACK_WINDOW), unit)
        pos = 0
        # Block by block up to the tracked window (the engine's output does not depend on how input is split).
        while pos < track_from:
            while resizes and resizes[0][0] <= pos:
                _, c, r, flow = resizes.pop(0)
                scratch.resize(c, r, reflow=flow)
            stop = min(track_from, resizes[0][0] if resizes else track_from, pos + _FAST_BLOCK)
            scratch.feed(log.slice(pos, stop))
            pos = stop
            yield None
        flushed = scratch.decoder.flush()  # a character cut at the window's edge: as the terminal shows it there
        if flushed:
            scratch.feed_text(flushed)
        # Token by token through the window.
        # A reflow renumbers rows: with one still to come, a row's number when it scrolls off is not its last.
        widths = [cols, *(s[1] for s in resizes)]
        renumbered = any(s[3] and s[1] != w for s, w in zip(resizes, widths, strict=False))
        tracker = _Tracker(scratch, (lambda _n, _entry: True) if renumbered else keep)
        pos = track_from
        while pos < total:
            while resizes and resizes[0][0] <= pos:
                _, c, r, flow = resizes.pop(0)
                tracker.resize(c, r, flow)
            stop = resizes[0][0] if resizes else total
            block_end = _block_end(log, pos, min(stop, total), unit)
            data = log.slice(pos, block_end)
            yield None
            for n, piece in enumerate(pieces_of(data, pos, self._term.encoding, split_ascii=False)):
                tracker.feed(piece)
                if n % 8 == 7:
                    yield None
            pos = block_end
        while resizes:
            _, c, r, flow = resizes.pop(0)
            tracker.resize(c, r, flow)
        replayed = tracker.finish(targets)
        self._replayed = (state, replayed)
        return replayed


class _Tracker:
    """Feeds pieces to a scratch terminal and keeps, per line, the piece that last changed each cell."""

    def __init__(self, term: Terminal, keep: Callable[[int, _Entry], bool]) -> None:
        self.term = term
        self.screen = term.screen
        self.keep = keep
        self.entries: dict[int, _Entry] = {}
        self.frozen: dict[int, _Entry] = {}
        self.fed = 0
        for line in [*self.screen.main_lines, *self.screen.alt_lines]:
            text = line.text
            self.entries[id(line)] = _Entry(line, text, [None if ch in (" ", "\x00") else EARLIER for ch in text])
        term.take_dirty()

    def _entry(self, line: Line, text: str) -> _Entry:
        entry = self.entries.get(id(line))
        if entry is None:
            # A line made during the window (scrolled in, inserted, a new screen): blank until written.
            entry = self.entries[id(line)] = _Entry(line, text, [None] * len(text))
        return entry

    def _update(self, line: Line, text: str, span: Span | None, sideways: int = 0, at: int | None = None) -> None:
        entry = self.entries.get(id(line))
        if entry is None:
            # A line this piece brought in (a scroll, an insert): it came blank, so what it shows now, this piece
            # wrote (a wide character that wrapped and scrolled lands on such a line).
            entry = self.entries[id(line)] = _Entry(line, BLANK * len(text), [None] * len(text))
        if sideways and span is not None:
            # ICH, DCH, insert mode, SL/SR: the moved cells keep their writers.
            carry_writers(entry.text, text, entry.writers, span, sideways, at)
            entry.text = text
            return
        _apply(entry, text, span)

    def feed(self, piece: Piece) -> None:
        screen = self.screen
        if piece.run:
            n = len(piece.text)
            if screen.pending_wrap or screen.insert or screen.x + n > screen.cols:
                for i, ch in enumerate(piece.text):  # wraps or shifts: one character at a time
                    self.feed(Piece(ch, piece.start + i, piece.start + i + 1, True))
                return
            # The run lands on the cursor's row, a cell per character, in order: each cell's writer is its byte.
            x0 = screen.x
            line = screen.lines[screen.y]
            target = self._entry(line, line.text)
            self.term.feed_text(piece.text)
            _apply(target, line.text, None)
            target.writers[x0 : x0 + n] = [(piece.start + i, piece.start + i + 1) for i in range(n)]
            all_dirty, dirty = self.term.take_dirty()
            if all_dirty or len(dirty) > 1:
                lines = screen.lines
                for y in range(len(lines)) if all_dirty else dirty:
                    if y < len(lines) and lines[y] is not line:
                        self._update(lines[y], lines[y].text, piece.span)
            self.fed += 1
            return
        main_before = screen.main_lines[:]
        scrolled = screen.scrolled_off
        y0, x0 = screen.y, screen.x
        wrap = screen.pending_wrap and screen.autowrap
        landing = screen.lines[y0] if not wrap else None
        sideways = moves_sideways(piece, screen.insert)
        self.term.feed_text(piece.text)
        span = piece.span
        frozen = screen.scrolled_off - scrolled
        if frozen > 0:
            self._freeze(main_before[:frozen], scrolled, span)
        all_dirty, dirty = self.term.take_dirty()
        lines = screen.lines
        for y in range(len(lines)) if all_dirty else dirty:
            if y < len(lines):
                line = lines[y]
                self._update(line, line.text, span, sideways, x0 if line is landing else None)
        if piece.prints:
            if landing is None:  # after a pending wrap: the first cell of the next row (scrolled in if need be)
                landing, x0 = screen.lines[screen.y], 0
            elif len(piece.text) == 1 and landing.text[x0 : x0 + 1] != piece.text and char_width(piece.text) == 2:
                # A wide character that did not fit before the edge wrapped (the rest of the row was blanked):
                # it ends where the cursor is now, on the row it wrapped to.
                landing = screen.lines[screen.y]
                x0 = screen.x - 1 if screen.pending_wrap else screen.x - 2
            entry = self.entries.get(id(landing))
            if entry is not None and x0 < len(entry.writers):
                entry.writers[x0] = span
                if x0 + 1 < len(entry.writers) and entry.text[x0 + 1 : x0 + 2] == "\x00":
                    entry.writers[x0 + 1] = span
        self.fed += 1
        if self.fed % 512 == 0:
            live = {id(line) for line in [*screen.main_lines, *screen.alt_lines]}
            for key in [key for key in self.entries if key not in live]:
                del self.entries[key]
            limit = 2 * (screen.scrollback + screen.rows) + 64
            if len(self.frozen) > limit:  # rows that left the scrollback cannot be asked about
                for key in sorted(self.frozen)[: len(self.frozen) - limit]:
                    del self.frozen[key]

    def _freeze(self, gone: list[Line], scrolled: int, span: Span | None) -> None:
        """``gone`` scrolled into the history: each keeps its entry, with the text the history row shows.

        The line's own text is not it: the screen reuses a scrolled-off line object for the blank row it brings
        in at the bottom, which this same piece may already have written (a wide character that wrapped and
        scrolled), so reading the line would credit those cells to the row that left."""
        history = self.screen.history
        texts = [row.text for row in list(history)[-len(gone) :]] if len(history) >= len(gone) else []
        for i, line in enumerate(gone):
            entry = self.entries.pop(id(line), None)
            if entry is None:
                continue
            text = texts[i] if i < len(texts) else line.text
            _apply(entry, text, span)
            if self.keep(scrolled + i, entry):
                self.frozen[scrolled + i] = entry

    def resize(self, cols: int, rows: int, reflow: bool = False) -> None:
        """A resize between pieces: lines are cut or padded, or re-wrapped (``reflow``), nothing is written."""
        screen = self.screen
        main_before = screen.main_lines[:]
        history_before = list(screen.history) if reflow and cols != screen.cols else []
        scrolled = screen.scrolled_off
        self.term.resize(cols, rows, reflow=reflow)
        moved = self.term.take_reflow()
        if moved is not None:
            self._follow_reflow(history_before, main_before, *moved)
        frozen = screen.scrolled_off - scrolled
        for i, line in enumerate(main_before[: max(frozen, 0)] if moved is None else []):
            entry = self.entries.pop(id(line), None)
            if entry is not None and self.keep(scrolled + i, entry):
                self.frozen[scrolled + i] = entry
        self.term.take_dirty()
        for line in [*screen.main_lines, *screen.alt_lines]:
            self._update(line, line.text, None)

    def _follow_reflow(
        self, history: list[HistoryRow], main: list[Line], first: int, row_map: list[tuple[int, int]]
    ) -> None:
        """The scratch screen re-wrapped ``history`` + ``main`` (old lines ``first``…) onto new rows: each
        logical line's writers go with its characters (reflow drops and adds only blanks, so its characters
        are laid out again in order); where they cannot be told, the cells' writer is :data:`LOST`."""
        screen = self.screen
        old: list[tuple[str, bool, _Writers | None]] = []
        for i, row in enumerate(history):
            entry = self.frozen.get(first + i)
            old.append((row.text, row.wrapped, entry.writers if entry is not None and entry.text == row.text else None))
        for line in main:
            entry = self.entries.pop(id(line), None)
            known = entry is not None and entry.text == line.text
            old.append((line.text, line.wrapped, entry.writers if entry is not None and known else None))
        for key in [key for key in self.frozen if key >= first]:
            del self.frozen[key]
        base = screen.scrolled_off
        history_first = base - len(screen.history)
        k = 0
        while k < len(old):
            k1 = k
            while old[k1][1] and k1 + 1 < len(old):
                k1 += 1
            group = old[k : k1 + 1]
            j0, j1 = row_map[k][0], max(row_map[i][1] for i in range(k, k1 + 1))
            k = k1 + 1
            new_rows: list[tuple[int, str, Line | None]] = []
            for j in range(j0, j1 + 1):
                number = first + j
                if number >= base and number - base < len(screen.main_lines):
                    line = screen.main_lines[number - base]
                    new_rows.append((number, line.text, line))
                elif history_first <= number < base:
                    new_rows.append((number, screen.history[number - history_first].text, None))
            text = "".join(t for _, t, _ in new_rows)
            known = all(w is not None for _, _, w in group)
            writers = (
                _realign("".join(t for t, _, _ in group), [c for _, _, w in group for c in w or ()], text)
                if known
                else None
            )
            if writers is None:
                writers = [None if ch in (BLANK, "\x00") else LOST for ch in text]
            at = 0
            for number, row_text, maybe_line in new_rows:
                entry = _Entry(maybe_line or Line(row_text), row_text, writers[at : at + len(row_text)])
                at += len(row_text)
                if maybe_line is not None:
                    self.entries[id(maybe_line)] = entry
                elif self.keep(number, entry):
                    self.frozen[number] = entry

    def finish(self, _targets: set[int]) -> _Replayed:
        screen = self.screen
        base = screen.scrolled_off
        out = _Replayed(frozen=self.frozen)
        for y, line in enumerate(screen.lines):
            entry = self.entries.get(id(line))
            if entry is None:
                entry = self._entry(line, line.text)
            out.screen[base + y] = entry  # every line on screen: one replay answers any cell of it
        return out


def _apply(entry: _Entry, text: str, span: Span | None) -> None:
    """``entry``'s line now reads ``text``: the cells that changed were written by ``span`` (``None``: by no
    bytes, a resize)."""
    old = entry.text
    if old == text:
        return
    writers = entry.writers
    if len(writers) != len(text):
        del writers[len(text) :]
        writers.extend([None] * (len(text) - len(writers)))
    if span is not None:
        for x, (a, b) in enumerate(zip(old, text, strict=False)):
            if a != b:
                writers[x] = span
        for x in range(len(old), len(text)):
            if text[x] not in (" ", "\x00"):
                writers[x] = span
    entry.text = text


def _realign(old: str, writers: _Writers, new: str) -> _Writers | None:
    """The writers of ``new``'s cells, ``old``'s characters re-wrapped (blanks dropped or added, nothing else):
    each character keeps its writer; ``None`` if ``new`` is not ``old`` re-wrapped."""
    out: _Writers = []
    p, n = 0, len(old)
    for ch in new:
        if ch == BLANK:
            if p < n and old[p] == BLANK:
                out.append(writers[p])
                p += 1
            else:
                out.append(None)  # a blank the reflow added (a wide character moved to the next row)
            continue
        while p < n and old[p] != ch:
            if old[p] != BLANK:
                return None
            p += 1  # a blank the reflow dropped
        if p == n:
            return None
        out.append(writers[p])
        p += 1
    return out


def _answer(abs_row: int, col: int, writer: Span | None, blank: bool) -> CellAnswer:
    if writer is None:
        return CellAnswer(None, True, f"row {abs_row}, column {col} is blank: nothing wrote it since it was cleared")
    if writer == EARLIER:
        return CellAnswer(
            None,
            True,
            f"row {abs_row}, column {col} was written more than {TRACK_WINDOW // 1024} KiB of output ago "
            "(only the last part of the log is replayed byte by byte)",
        )
    where = f"bytes {writer[0]}–{writer[1] - 1} ({writer[1] - writer[0]})"
    if blank:
        return CellAnswer(writer, True, f"row {abs_row}, column {col} is blank, last written by {where}")
    return CellAnswer(writer, True, f"row {abs_row}, column {col}: {where}")


def _is_blank(text: str, col: int) -> bool:
    if not 0 <= col < len(text):
        return True
    ch = text[col]
    return ch == BLANK or (ch == "\x00" and (col == 0 or text[col - 1] == BLANK))


def _unit(encoding: str) -> int:
    return 2 if encoding.startswith("utf-16") else 4 if encoding.startswith("utf-32") else 1


def _token_start(log: ByteLog, offset: int, unit: int = 1) -> int:
    """An offset at or before ``offset`` where a token begins: just before a line feed or an ESC (in every
    ASCII-compatible encoding those bytes are never inside a character), else ``offset`` itself; for UTF-16
    and UTF-32, a whole code unit."""
    if offset <= 0:
        return 0
    if unit > 1:
        return offset - offset % unit
    back = log.slice(max(0, offset - 4096), offset)
    cut = max(back.rfind(b"\n"), back.rfind(b"\x1b"))
    return offset - len(back) + cut if cut >= 0 else offset


def _block_end(log: ByteLog, start: int, stop: int, unit: int = 1) -> int:
    """Where the block from ``start`` ends: at ``stop``, or just before the last line feed or ESC within
    :data:`_BLOCK` bytes (so no token is cut), or at :data:`_BLOCK` bytes if there is none."""
    if stop - start <= _BLOCK:
        return stop
    if unit > 1:
        return start + _BLOCK - _BLOCK % unit
    data = log.slice(start, start + _BLOCK)
    cut = max(data.rfind(b"\n"), data.rfind(b"\x1b"))
    return start + cut if cut > 0 else start + _BLOCK


def _ignore(_reply: bytes) -> None:
    """Replies of the scratch terminal go nowhere."""


def cell_map_of(
    items: Iterable[tuple[bytes, float] | tuple[int, int]],
    *,
    cols: int,
    rows: int,
    encoding: str = "utf-8",
    scrollback: int = 10_000,
    log_cap: int = DEFAULT_CAP,
) -> CellMap:
    """A terminal, its byte log and their cell map, built from reads ``(bytes, time)`` and resizes
    ``(cols, rows)`` the way a session builds them: what ``inspect --cell`` asks, headless."""
    term = Terminal(cols=cols, rows=rows, scrollback=scrollback, encoding=encoding)
    term.on_reply = _ignore
    log = ByteLog(log_cap)
    cells = CellMap(term, log)
    for item in items:
        if isinstance(item[0], bytes):
            data, t = item
            offset = log.append(data, float(t))
            term.feed(data)
            cells.record(offset, data)
        else:
            term.resize(int(item[0]), int(item[1]))
            cells.follow_reflow(term.take_reflow())
            cells.resized()
    flushed = term.decoder.flush()  # the end of the stream: a character cut off shows as U+FFFD, as render shows it
    if flushed:
        term.feed_text(flushed)
    return cells
