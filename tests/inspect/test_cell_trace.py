"""Cell-level bytes of a row, by replaying the row's bytes: exact where the row starts a fresh line, refused
(``None``, the caller keeps the row-level answer) where the replay does not give the row the screen has."""

from __future__ import annotations

from app.inspect.cell_trace import trace_row
from app.vt import Terminal


def _row(data: bytes, cols: int = 20, encoding: str = "utf-8", row: int = 0) -> str:
    term = Terminal(cols=cols, rows=5, encoding=encoding)
    term.feed(data)
    return term.screen.lines[row].text


def _writers(data: bytes, start: int = 100, cols: int = 20, encoding: str = "utf-8") -> list[bytes | None]:
    trace = trace_row(data, start, cols=cols, encoding=encoding, row_text=_row(data, cols, encoding))
    assert trace is not None
    return [None if span is None else data[span[0] - start : span[1] - start] for span in trace.writers]


def test_each_character_is_written_by_its_own_bytes() -> None:
    data = "ok 你好 é\r\n".encode()
    writers = _writers(data)
    ni, hao = "你".encode(), "好".encode()
    assert writers[:9] == [b"o", b"k", b" ", ni, ni, hao, hao, b" ", "é".encode()]
    assert writers[9:] == [None] * 11  # never written: blank


def test_sequences_are_not_writers_the_characters_they_colour_are() -> None:
    data = b"\x1b[31mred\x1b[0m \x1b[1mB\x1b[0m\r\n"
    assert _writers(data)[:5] == [b"r", b"e", b"d", b" ", b"B"]


def test_overprinting_gives_the_last_writer_even_when_nothing_changed() -> None:
    data = b"abc\bX\rA\r\n"  # backspace then X over c; CR then A over a (same cell, a new writer)
    writers = _writers(data)
    assert writers[:3] == [b"A", b"b", b"X"]
    same = b"abc\rabc\r\n"
    trace = trace_row(same, 0, cols=20, encoding="utf-8", row_text=_row(same))
    assert trace is not None and trace.writers[:3] == ((4, 5), (5, 6), (6, 7))  # the second "abc"


def test_tabs_erase_and_cursor_motion_inside_the_line() -> None:
    data = b"a\tb\x1b[3Dz\x1b[K\r\n"  # a, tab to 8, b at 8, back 3 to col 6: z, erase the rest (b)
    writers = _writers(data)
    assert writers[0] == b"a" and writers[6] == b"z"
    assert writers[8] == b"\x1b[K"  # erased: its last writer is the erase


def test_other_code_pages() -> None:
    data = "中文\r\n".encode("gbk")
    writers = _writers(data, encoding="gbk")
    assert writers[:4] == ["中".encode("gbk")] * 2 + ["文".encode("gbk")] * 2


def test_cells_of_a_byte_range() -> None:
    data = "TestA数据\r\n".encode()
    trace = trace_row(data, 1000, cols=20, encoding="utf-8", row_text=_row(data))
    assert trace is not None
    assert trace.cells_of(1005, 1006) == [5, 6]  # one byte of 数: both of its cells
    assert trace.cells_of(1000, 1002) == [0, 1]
    assert trace.cells_of(1011, 1013) == []  # the CR LF wrote no cell


def test_a_row_whose_replay_differs_is_refused() -> None:
    # The prompt "$ " came before the range; replayed alone, "ls" lands at column 0 and no scratch row equals
    # the real one: no cell-level answer rather than a wrong one.
    prompt_row = "$ " + "ls".ljust(18)
    assert trace_row(b"ls\r\n", 0, cols=20, encoding="utf-8", row_text=prompt_row) is None
    assert trace_row(b"", 0, cols=20, encoding="utf-8", row_text=" " * 20) is None


def test_cursor_addressing_is_fine_when_the_replayed_row_matches() -> None:
    data = b"\x1b[4;5Hhello"
    term = Terminal(cols=20, rows=5)
    term.feed(data)
    trace = trace_row(data, 0, cols=20, encoding="utf-8", row_text=term.screen.lines[3].text)
    assert trace is not None and trace.span_of(4) == (6, 7)  # the "h", after the 6 bytes of CUP


def test_each_replacement_character_is_written_by_its_own_ill_formed_bytes() -> None:
    """C4 | E3 BA | C3: three U+FFFD, one per maximal ill-formed subpart (the decoder's policy). Feeding each
    token's bytes made the decoder hold C4 and give its U+FFFD with the next token: every cell one token late."""
    data = b"\xc4\xe3\xba\xc3\r\n"
    assert _writers(data)[:4] == [b"\xc4", b"\xe3\xba", b"\xc3", None]
    cut = b"invalid: \xff\xfe|\x80|\xe4\xbd|end\r\n"
    writers = _writers(cut, cols=30)
    assert writers[9:16] == [b"\xff", b"\xfe", b"|", b"\x80", b"|", b"\xe4\xbd", b"|"]
    gbk = "中".encode("gbk") + b"\xff" + "文".encode("gbk") + b"\r\n"
    assert _writers(gbk, encoding="gbk")[:5] == [
        b"\xd6\xd0",
        b"\xd6\xd0",
        b"\xff",
        b"\xce\xc4",
        b"\xce\xc4",
    ]


def test_a_line_that_wraps_over_many_rows_keeps_its_writers() -> None:
    # One line of 40 different characters at 10 columns: 4 rows from a single line feed. A scratch screen with
    # room only for the line feeds would scroll and credit the rows' cells to the wrong bytes.
    text = "".join(chr(ord("A") + i) for i in range(26)) + "abcdefghijklmn"
    data = text.encode() + b"\r\n"
    trace = trace_row(data, 500, cols=10, encoding="utf-8", row_text=text[30:40])
    assert trace is not None
    assert [trace.span_of(col) for col in (0, 9)] == [(530, 531), (539, 540)]


def test_cells_moved_sideways_keep_their_writers() -> None:
    """readline inserting and deleting in the middle of a line: the moved characters keep their own bytes."""
    inserted = b"hello world\r\x1b[5C\x1b[4h!\x1b[4l\r\n"  # insert mode: "hello! world"
    assert _writers(inserted)[:12] == [b"h", b"e", b"l", b"l", b"o", b"!", b" ", b"w", b"o", b"r", b"l", b"d"]
    opened = b"hello world\r\x1b[5C\x1b[2@\r\n"  # ICH 2: "hello   world", the gap written by the ICH
    assert _writers(opened)[:13] == [b"h", b"e", b"l", b"l", b"o", b"\x1b[2@", b"\x1b[2@", b" ", b"w", b"o", b"r",
                                     b"l", b"d"]
    deleted = b"hello world\r\x1b[1P\r\n"  # DCH 1: "ello world", the blank at the end written by the DCH
    assert _writers(deleted)[:11] == [b"e", b"l", b"l", b"o", b" ", b"w", b"o", b"r", b"l", b"d", b"\x1b[1P"]


def test_a_line_editors_keystrokes_taken_at_once_are_traced_to_their_own_bytes() -> None:
    """The engine takes a line editor's corrections in one step (BSs, a word typed as ICH and a character each,
    BS then DCH in a row: ``Dispatcher.csi_runs``); the trace replays them token by token, gets the same row (else
    it would refuse it) and credits each cell to its own bytes."""
    data = b"$ make ps\x08\x08\x08\x08\x1b[@x\x1b[@y\x08\x08\x08\x1b[P\x08\x1b[P\r\n"  # "$ mxye ps"
    assert _row(data).rstrip() == "$ mxye ps"
    writers = _writers(data)
    assert writers[:10] == [b"$", b" ", b"m", b"x", b"y", b"e", b" ", b"p", b"s", b"\x1b[P"]
    recalled = "$ make ps\x08\x08\x08\x1b[@k\x1b[@u\x1b[2@中\x08\x08\x08\x1b[P\x08\x1b[P\x08\x08new\x1b[K\r\n".encode()
    assert _row(recalled).rstrip() == "$ manew"
    assert _writers(recalled)[:7] == [b"$", b" ", b"m", b"a", b"n", b"e", b"w"]
