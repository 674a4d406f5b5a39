"""The Terminal's read API: what views read instead of the screen's storage."""

from __future__ import annotations

from app.vt import WIDE_TAIL, Terminal
from app.vt.modes import BRACKETED_PASTE, DECCKM, IRM
from app.vt.style import BOLD


def test_rows_are_numbered_history_first_then_screen() -> None:
    t = Terminal(cols=6, rows=2, scrollback=10)
    t.feed(b"one\r\ntwo\r\nthree\r\nfour")
    assert t.history_size == 2 and t.scrolled_off == 2
    texts = [t.row(r).text.rstrip() for r in range(t.history_size + t.rows)]  # type: ignore[union-attr]
    assert texts == ["one", "two", "three", "four"]
    assert t.row(-1) is None and t.row(4) is None
    assert t.row_cells(4) == []


def test_a_wide_character_is_one_cell_and_its_tail() -> None:
    t = Terminal(cols=6, rows=1)
    t.feed("加a\u0301".encode())
    row = t.row(0)
    assert row is not None
    assert row.text[:3] == "加" + WIDE_TAIL + "a"
    assert t.row_cells(0)[:3] == ["加", "", "a\u0301"]
    assert row.marks == {2: "\u0301"}


def test_styles_links_and_wrapping_read_back() -> None:
    t = Terminal(cols=4, rows=2)
    t.feed(b"\x1b[1;31mab\x1b[0m\x1b]8;;https://example.com/x\x07cd\x1b]8;;\x07e")
    first, second = t.row(0), t.row(1)
    assert first is not None and second is not None
    assert first.wrapped and not second.wrapped
    assert first.styles is not None
    style = t.style(first.styles[0])
    assert style.flags & BOLD and style.fg == 1
    assert t.style(first.styles[2]).fg != 1
    assert t.link_at(0, 2) == "https://example.com/x" and t.link_at(0, 3) == "https://example.com/x"
    assert t.link_at(0, 1) is None and t.link_at(1, 0) is None and t.link_at(9, 0) is None


def test_cursor_shape_visibility_modes_and_scrollback() -> None:
    t = Terminal(cols=10, rows=3, scrollback=123)
    assert t.scrollback == 123
    assert (t.cursor_shape, t.cursor_visible) == (0, True)
    t.feed(b"\x1b[5 q\x1b[?25l\x1b[?1h\x1b[?2004h\x1b[4h")
    assert (t.cursor_shape, t.cursor_visible) == (5, False)
    assert t.mode(DECCKM) and t.mode(BRACKETED_PASTE) and t.mode(IRM, private=False)
    assert not t.mode(IRM)  # ?4 is another mode (DECSCLM)
