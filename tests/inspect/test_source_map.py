"""SourceMap.record held to the simple per-LF loop it was written as, for any chunking of any output."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.inspect.source_map import SourceMap
from app.vt import Terminal


class LoopMap(SourceMap):
    """The reference: the cut after each LF found one by one, each row merged one by one, kept as tuples."""

    def __init__(self, terminal: Terminal) -> None:
        self._rows: dict[int, tuple[int, int]] = {}
        self._last_writes: dict[int, tuple[int, int]] = {}
        super().__init__(terminal)

    def last_write(self, abs_row: int) -> tuple[int, int] | None:
        return self._last_writes.get(abs_row + self._first_line())

    def lines(self) -> dict[int, tuple[int, int]]:
        return dict(self._rows)

    def range_of_row(self, abs_row: int) -> tuple[int, int] | None:
        return self._rows.get(abs_row + self._first_line())

    def _trim(self) -> None:
        first = self._first_line()
        if len(self._rows) > 2 * (len(self._term.screen.history) + self._term.rows) + 64:
            for n in [n for n in self._rows if n < first]:
                del self._rows[n]
                self._last_writes.pop(n, None)

    def record(self, start: int, data: bytes) -> None:
        end = start + len(data)
        screen = self._term.screen
        base = screen.scrolled_off
        line = base + screen.y
        lo, hi = min(self._line, line), max(self._line, line)
        pieces: dict[int, tuple[int, int]] = {}
        if line > self._line and data.count(b"\n") == line - self._line:
            cut, n = start, self._line
            pos = data.find(b"\n")
            while pos >= 0:
                pieces[n] = (cut, start + pos + 1)
                cut, n = start + pos + 1, n + 1
                pos = data.find(b"\n", pos + 1)
            if cut < end:
                pieces[n] = (cut, end)
        else:
            pieces = dict.fromkeys(range(lo, hi + 1), (start, end))
        if not screen.dirty_all:
            seen = self._dirty_seen if screen.dirty is self._dirty_obj else frozenset()
            for y in screen.dirty - seen:
                pieces.setdefault(base + y, (start, end))
        for n, (a, b) in pieces.items():
            old = self._rows.get(n)
            self._rows[n] = (a, b) if old is None else (min(old[0], a), max(old[1], b))
            self._last_writes[n] = (a, b)
        self._line = line
        self._dirty_obj = screen.dirty
        self._dirty_seen = frozenset(screen.dirty)
        self._trim()


PIECES = st.sampled_from(
    [b"ok\r\n", b"line of text\r\n", b"\r\n", b"wrap " * 5, b"\x1b[1;1H", b"\x1b[2A", b"\x1b[31mred\x1b[0m", b"\n"]
)


def _held_to_the_loop(
    chunks: list[bytes], take_dirty: bool, before: bytes = b"", cols: int = 12, rows: int = 5, scrollback: int = 20
) -> SourceMap:
    """Feed ``chunks`` to a SourceMap and the reference loop (after ``before``, fed ahead of both maps), checking
    after every chunk that they know the same lines, and at the end that they answer the same for every row."""
    fast_term, slow_term = (Terminal(cols=cols, rows=rows, scrollback=scrollback) for _ in range(2))
    fast_term.feed(before)
    slow_term.feed(before)
    fast, slow = SourceMap(fast_term), LoopMap(slow_term)
    offset = len(before)
    for index, data in enumerate(chunks):
        for term, smap in ((fast_term, fast), (slow_term, slow)):
            term.feed(data)
            smap.record(offset, data)
            if take_dirty and index % 3 == 0:
                term.take_dirty()  # as the view does once per frame
        offset += len(data)
        assert fast.lines() == slow.lines()
    rows_now = len(fast_term.history) + fast_term.rows
    assert [fast.range_of_row(r) for r in range(-2, rows_now + 2)] == [
        slow.range_of_row(r) for r in range(-2, rows_now + 2)
    ]
    assert [fast.last_write(r) for r in range(-2, rows_now + 2)] == [
        slow.last_write(r) for r in range(-2, rows_now + 2)
    ]
    for start, end in ((0, offset), (offset // 3, offset // 2), (offset - 1, offset)):
        assert fast.rows_of_range(start, end) == sorted(
            r for r in range(rows_now) if (got := slow.range_of_row(r)) is not None and got[0] < end and start < got[1]
        )
    return fast


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=12).map(b"".join), max_size=30), st.booleans())
def test_record_gives_the_rows_the_simple_loop_gives(chunks: list[bytes], take_dirty: bool) -> None:
    _held_to_the_loop(chunks, take_dirty)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(PIECES, max_size=12).map(b"".join), max_size=60),
    st.booleans(),
    st.lists(PIECES, max_size=8).map(b"".join),
)
def test_record_holds_to_the_loop_on_a_small_scrollback_and_a_screen_written_before(
    chunks: list[bytes], take_dirty: bool, before: bytes
) -> None:
    """A short scrollback makes the map forget lines often; a map made after output came starts below the top
    row, so a cursor going up reaches lines above every line it knows."""
    _held_to_the_loop(chunks, take_dirty, before, cols=8, rows=3, scrollback=2)


def test_an_endless_flood_keeps_the_map_bounded_and_exact() -> None:
    chunks = [b"".join(b"line %d of chunk %d\r\n" % (k, n) for k in range(7)) + b"part" for n in range(200)]
    smap = _held_to_the_loop(chunks, False, cols=40, rows=4, scrollback=10)
    known = smap.lines()
    assert len(known) <= 2 * (10 + 4) + 64 + 8  # forgotten as they leave the scrollback, not kept
    assert min(known) >= 0 and max(known) == smap.line_of(10 + 3)  # the cursor's row, the newest
    total = sum(map(len, chunks))
    assert smap.range_of_row(10 + 3) == (total - 4, total)  # "part", begun by the last chunk
    assert smap.range_of_row(10 + 2) == (total - 4 - len(b"line 6 of chunk 199\r\n"), total - 4)


def test_a_reflow_takes_each_line_s_bytes_to_the_rows_its_cells_went_to() -> None:
    term = Terminal(cols=10, rows=5, scrollback=20)
    smap = SourceMap(term)
    offset = 0
    for data in (b"a" * 15 + b"\r\n", b"bb\r\n"):
        term.feed(data)
        smap.record(offset, data)
        offset += len(data)
    # The cursor's row after the first chunk was on its path: "bb"'s row spans from it.
    assert [smap.range_of_row(r) for r in range(3)] == [(0, 17), (0, 17), (0, 21)]
    term.resize(20, 5)
    assert smap.follow_reflow(term.take_reflow()) is True
    assert term.row(0) is not None and term.row(0).text.rstrip() == "a" * 15  # the wrapped line is one row again
    assert [smap.range_of_row(r) for r in range(3)] == [(0, 17), (0, 21), None]
    assert smap.rows_of_range(17, 21) == [1]
    assert smap.follow_reflow(term.take_reflow()) is False  # taken once


# ---------------------------------------------------------------- the lazy cut held to cutting every read at once

LINES = st.sampled_from(
    [
        b"ok\r\n",
        b"=== RUN   TestX\r\n",
        b"--- PASS: TestX (0.00s)\r\n",
        b"\r\n",
        b"\n",
        b"part",
        b"wrap " * 5,
        b"\x1b[2A",
        b"\x1b[1;1H",
        b"\x1b[3J",  # the scrollback erased: the first line kept jumps down
        b"\x1b[2J",
        b"\x1b[31mred\x1b[0m\r\n",
        b"\x1b[A",  # up and back down without a LF: a row off the path written by a read of plain lines
        b"x",
        b"\x1b[B",
    ]
)


class EagerMap(SourceMap):
    lazy = False


def _answers(smap: SourceMap, term: Terminal, first: int = 0) -> list[object]:
    """Every question the map answers, the ``first``-th asked first (each must cut what is pending)."""
    rows_now = len(term.history) + term.rows
    questions = [
        lambda: smap.lines(),
        lambda: [smap.range_of_row(r) for r in range(-2, rows_now + 2)],
        lambda: [smap.last_write(r) for r in range(-2, rows_now + 2)],
        lambda: [smap.rows_of_range(a, a + n) for a in range(0, 400, 37) for n in (1, 50)],
    ]
    got = [questions[first]()] + [ask() for k, ask in enumerate(questions) if k != first]
    assert smap._known == len(smap.lines())  # the count kept across the notes is the lines the lists know once cut
    return got


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(LINES, min_size=1, max_size=14).map(b"".join),
            st.sampled_from(["", "", "", "", "ask", "dirty", "resize", "ask dirty", "taller", "shorter"]),
        ),
        max_size=40,
    ),
    st.sampled_from([(8, 3, 2), (12, 4, 5), (20, 5, 30)]),
)
def test_the_lazy_cut_answers_as_cutting_every_read(
    chunks: list[tuple[bytes, str]], size: tuple[int, int, int]
) -> None:
    """Reads noted and cut later (at a question, a trim that straddles a note, a resize, a read of another kind)
    give the rows, the lines known and the moments lines are forgotten that cutting each read at once gives."""
    cols, rows, scrollback = size
    lazy_term, eager_term = (Terminal(cols=cols, rows=rows, scrollback=scrollback) for _ in range(2))
    lazy, eager = SourceMap(lazy_term), EagerMap(eager_term)
    offset = 0
    for index, (data, what) in enumerate(chunks):
        for term, smap in ((lazy_term, lazy), (eager_term, eager)):
            term.feed(data)
            smap.record(offset, data)
            if "dirty" in what:
                term.take_dirty()
            if what == "resize":
                term.resize(cols + 3 if index % 2 else cols, rows)
                smap.follow_reflow(term.take_reflow())
                smap.sync()
            if what in ("taller", "shorter"):  # no reflow: the cursor's line moves, only sync is told
                term.resize(cols, rows + (what == "taller"))
                smap.sync()
        assert lazy._known == eager._known  # the same measure for the trim after every read
        offset += len(data)
        if "ask" in what:
            assert _answers(lazy, lazy_term, index % 4) == _answers(eager, eager_term, index % 4)
    assert _answers(lazy, lazy_term) == _answers(eager, eager_term)


def test_a_flood_is_cut_only_where_asked_and_at_the_straddling_read() -> None:
    """A flood of log lines past a short scrollback: reads wholly forgotten are never cut, the one across the first
    line kept is cut from that line on, and the rows answer as cutting every read does."""
    chunks = [b"".join(b"line %d of chunk %d\r\n" % (k, n) for k in range(7)) + b"part" for n in range(200)]
    lazy_term, eager_term = (Terminal(cols=40, rows=4, scrollback=10) for _ in range(2))
    lazy, eager = SourceMap(lazy_term), EagerMap(eager_term)
    cut: list[int] = []
    real_cut = lazy._cut

    def counted(before: int, start: int, data: bytes, stop: int, exact: bool, first: int) -> None:
        cut.append(first - before)
        real_cut(before, start, data, stop, exact, first)

    lazy._cut = counted  # type: ignore[method-assign]
    offset = 0
    for data in chunks:
        for term, smap in ((lazy_term, lazy), (eager_term, eager)):
            term.feed(data)
            smap.record(offset, data)
        offset += len(data)
    assert 0 < len(cut) < 20 and any(cut)  # a few straddling reads, cut from inside them
    assert len(lazy._pending) <= (2 * (10 + 4) + 64) // 7 + 1
    assert _answers(lazy, lazy_term) == _answers(eager, eager_term)
    assert len(cut) < 40  # the question cut what was pending, not the whole flood


def _lazy_and_eager(chunks: list[bytes], cols: int, rows: int, scrollback: int, take_dirty: set[int]) -> None:
    """Feed ``chunks`` to a lazy and an eager map (taking the dirty rows after the chunks numbered in
    ``take_dirty``), holding the measure for the trim equal after every chunk and the answers at the end."""
    lazy_term, eager_term = (Terminal(cols=cols, rows=rows, scrollback=scrollback) for _ in range(2))
    lazy, eager = SourceMap(lazy_term), EagerMap(eager_term)
    offset = 0
    for index, data in enumerate(chunks):
        for term, smap in ((lazy_term, lazy), (eager_term, eager)):
            term.feed(data)
            smap.record(offset, data)
            if index in take_dirty:
                term.take_dirty()
        offset += len(data)
        assert lazy._known == eager._known
    assert _answers(lazy, lazy_term) == _answers(eager, eager_term)


def test_a_read_of_lines_that_also_writes_a_row_above_them_cuts_the_notes_before_it() -> None:
    """Up a row, a character, back down, a line: LFs as many as the rows gone down, and a row off the path written
    (the row a pending note ended on): the note is cut before that row is put, or the row would be counted twice."""
    _lazy_and_eager([b"ok\r\nok", b"\x1b[Ax\x1b[Bok\r\n", b"more\r\n", b"\x1b[Ay\x1b[Bend\r\n"], 12, 8, 20, {0, 2})


def test_a_trim_after_the_scrollback_was_erased_keeps_the_line_a_note_ended_on() -> None:
    """ESC [ 3 J empties the scrollback: the next trim forgets up to the screen's top row, which is the last line of
    the note before (a read ending without its LF): that note straddles the first line kept and is cut, not dropped."""
    flood = [b"".join(b"line %d.%d\r\n" % (n, k) for k in range(9)) + b"part" for n in range(12)]
    _lazy_and_eager([*flood, b"a\r\nb\r\nc\r\n\x1b[3Jtail", b"\r\nlast\r\n"], 20, 4, 200, set())


def test_a_flood_of_wrapped_lines_is_noted_too() -> None:
    """A terminal narrower than the lines: reads go down by more rows than LFs, each row gets the whole read, and
    those reads are noted and put later as well (a trim straddling them included)."""
    chunks = [b"".join(b"line %d of chunk %d\r\n" % (k, n) for k in range(5)) + b"pa" for n in range(150)]
    _lazy_and_eager(chunks, 10, 4, 10, set())
    lazy = SourceMap(Terminal(cols=10, rows=4, scrollback=10))
    lazy.terminal.feed(chunks[0])
    lazy.record(0, chunks[0])
    assert len(lazy._pending) == 1 and lazy._pending[0][4] is False  # noted, as a read not cut at its LFs
