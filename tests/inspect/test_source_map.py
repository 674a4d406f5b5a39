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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=12).map(b"".join), max_size=30), st.booleans())
def test_record_gives_the_rows_the_simple_loop_gives(chunks: list[bytes], take_dirty: bool) -> None:
    fast_term, slow_term = Terminal(cols=12, rows=5, scrollback=20), Terminal(cols=12, rows=5, scrollback=20)
    fast, slow = SourceMap(fast_term), LoopMap(slow_term)
    offset = 0
    for index, data in enumerate(chunks):
        for term, smap in ((fast_term, fast), (slow_term, slow)):
            term.feed(data)
            smap.record(offset, data)
            if take_dirty and index % 3 == 0:
                term.take_dirty()  # as the view does once per frame
        offset += len(data)
        assert fast.lines() == slow.lines()
    rows = len(fast_term.history) + fast_term.rows
    assert [fast.range_of_row(r) for r in range(rows)] == [slow.range_of_row(r) for r in range(rows)]
    assert [fast.last_write(r) for r in range(rows)] == [slow.last_write(r) for r in range(rows)]


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
