"""Cell ↔ bytes (app.inspect.cell_map): exact for plain output and for full-screen programs, in bounded slices.

The full-screen recordings are real (vim, top, tmux recorded with ``python -m app record``); the session is
rebuilt from them as the window builds it (each read appended to a ByteLog and fed to a Terminal).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.inspect.cell_map import CellMap
from app.record.cast import OutputEvent, ResizeEvent, read_cast
from app.session.bytelog import ByteLog
from app.vt import Terminal

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def session_of(path: Path, *, part: float = 1.0) -> tuple[Terminal, ByteLog, CellMap]:
    """The session of a recording as the window builds it, up to ``part`` of its output events (vim and tmux
    leave an empty screen at their end: halfway, theirs is on it)."""
    rec = read_cast(path)
    term = Terminal(rec.header.width, rec.header.height)
    log = ByteLog()
    cells = CellMap(term, log)
    outputs = sum(isinstance(e, OutputEvent) for e in rec.events)
    seen = 0
    for event in rec.events:
        if isinstance(event, OutputEvent):
            seen += 1
            if seen > max(1, outputs * part):
                break
        if isinstance(event, OutputEvent):
            offset = log.append(event.data, event.t)
            term.feed(event.data)
            cells.record(offset, event.data)
        elif isinstance(event, ResizeEvent):
            term.resize(event.cols, event.rows)
            cells.resized()
    return term, log, cells


def fed(*chunks: bytes, cols: int = 20, rows: int = 3) -> tuple[Terminal, ByteLog, CellMap]:
    term = Terminal(cols, rows)
    log = ByteLog()
    cells = CellMap(term, log)
    for data in chunks:
        offset = log.append(data, 0.0)
        term.feed(data)
        cells.record(offset, data)
    return term, log, cells


def written_cells_print_their_bytes(term: Terminal, log: ByteLog, cells: CellMap, rows: range) -> int:
    """Assert that every written (non-blank) cell of ``rows`` is answered exactly with bytes that print its
    character; returns how many cells were checked."""
    checked = 0
    for row in rows:
        for col, ch in enumerate(term.row_cells(row)):
            if not ch.strip():
                continue
            answer = cells.bytes_of_cell(row, col)
            assert answer.exact and answer.span is not None, (row, col, ch, answer.note)
            assert ch in log.slice(*answer.span).decode("utf-8", "replace"), (row, col, ch, log.slice(*answer.span))
            checked += 1
    return checked


def test_the_bytes_of_each_replacement_character() -> None:
    """printf '\\xc4\\xe3\\xba\\xc3\\n': three U+FFFD, written by C4, E3 BA and C3 (each click selected the
    next one's bytes: E3 BA, C3, then the line feed); and bytes to cells the other way round."""
    term, log, cells = fed(b"\xc4\xe3\xba\xc3\r\n")
    assert term.display[0].startswith("\ufffd" * 3 + " ")
    spans = [cells.bytes_of_cell(0, col).span for col in range(3)]
    assert [log.slice(*span) for span in spans if span] == [b"\xc4", b"\xe3\xba", b"\xc3"]
    assert cells.cells_of(0, 1).run() == [(0, 0)]  # clicking C4 in the Bytes panel lights the first cell
    assert cells.cells_of(2, 3).run() == [(0, 1)]
    assert cells.cells_of(3, 4).run() == [(0, 2)]
    blank = cells.bytes_of_cell(0, 5)
    assert blank.span is None and "blank" in blank.note


def test_the_samples_cut_off_character_maps_to_its_own_cell() -> None:
    """invalid-bytes.cast: "invalid: FF FE | 80 | E4 BD | end"; E4 BD is one U+FFFD (it mapped to the "|" after it)."""
    term, log, cells = session_of(SAMPLES / "invalid-bytes.cast")
    row = next(r for r in range(term.history_size + term.rows) if "invalid: " in "".join(term.row_cells(r)))
    text = "".join(term.row_cells(row))
    assert text.startswith("invalid: \ufffd\ufffd|\ufffd|\ufffd|end")
    col = text.index("|\ufffd|end") + 1
    span = cells.bytes_of_cell(row, col).span
    assert span is not None and log.slice(*span) == b"\xe4\xbd"
    assert cells.cells_of(*span).run() == [(row, col)]
    bar = cells.bytes_of_cell(row, col + 1).span
    assert bar is not None and log.slice(*bar) == b"|"


def test_a_row_replayed_alone_is_not_taken_from_an_earlier_row_with_the_same_text() -> None:
    """tmux redrawing numbered lines (a real recording): the row map's range for the top row, taken from line
    feeds, holds an earlier row that read "33" too, written by other bytes; its scratch replay credited the
    second "3" to a line feed. Every written cell's bytes must print its character."""
    term, log, cells = session_of(Path(__file__).parent / "data" / "tmux-numbered-lines.cast", part=0.6)
    history = term.history_size
    assert term.row(history) is not None and term.row(history).text.startswith("33 ")
    assert written_cells_print_their_bytes(term, log, cells, range(history, history + term.rows)) > 50


@pytest.mark.parametrize("program", ["vim", "top", "tmux"])
def test_full_screen_rows_are_answered_exactly_in_bounded_steps(
    fullscreen_recordings: dict[str, Path], program: str
) -> None:
    """Every cell of the last screen: a written cell's bytes are its character (found by replaying the log,
    in steps of bounded work — never all at once), a blank cell selects nothing or the one erase or space
    that blanked it, never a row's whole history."""
    path = fullscreen_recordings.get(program)
    if path is None:
        pytest.skip(f"{program} is not installed here")  # CI installs vim, procps (top) and tmux
    term, log, cells = session_of(path, part=0.6 if program != "top" else 1.0)
    history = term.history_size
    first = cells.locate(history, 0)
    while not first.step(units=64):  # each step is bounded work: a UI does one per frame
        pass
    checked = 0
    for y in range(term.rows):
        cells_text = term.row_cells(history + y)
        for x, ch in enumerate(cells_text):
            if ch == "":
                continue  # the right half of a wide character answers with the left
            result = cells.locate(history + y, x).run()
            if ch.strip():
                assert result.exact and result.span is not None, (y, x, ch, result.note)
                assert log.slice(*result.span).decode("utf-8", "replace").endswith(ch) or ch in log.slice(
                    *result.span
                ).decode("utf-8", "replace"), (y, x, ch, log.slice(*result.span))
                checked += 1
            elif result.span is not None:
                assert result.span[1] - result.span[0] <= 64, (y, x, result.span)  # an erase or a space, not a history
    assert checked > 50


def test_bytes_light_the_cells_they_wrote_on_a_full_screen(fullscreen_recordings: dict[str, Path]) -> None:
    path = fullscreen_recordings.get("top")
    if path is None:
        pytest.skip("top is not installed here")
    term, _log, cells = session_of(path)
    history = term.history_size
    row = next(y for y in range(term.rows) if "".join(term.row_cells(history + y)).strip())
    text = "".join(term.row_cells(history + row))
    col = len(text) - len(text.lstrip())
    span = cells.locate(history + row, col).run().span
    assert span is not None
    assert (history + row, col) in cells.cells_of(*span).run()


def test_a_log_that_lost_its_start_says_it_is_row_level(fullscreen_recordings: dict[str, Path]) -> None:
    """The log's memory cap dropped the oldest bytes: no replay, the row's last write, said to be row-level
    (bounded: one read, not the row's whole history)."""
    path = fullscreen_recordings.get("top")
    if path is None:
        pytest.skip("top is not installed here")
    rec = read_cast(path)
    term = Terminal(rec.header.width, rec.header.height)
    log = ByteLog(cap_bytes=4096)
    cells = CellMap(term, log)
    for event in rec.events:
        if isinstance(event, OutputEvent):
            offset = log.append(event.data, event.t)
            term.feed(event.data)
            cells.record(offset, event.data)
    history = term.history_size
    row = next(y for y in range(term.rows) if "".join(term.row_cells(history + y)).strip())
    text = "".join(term.row_cells(history + row))
    col = len(text) - len(text.lstrip())
    answer = cells.locate(history + row, col).run()
    if answer.exact:
        return  # the row replayed alone from its bytes still kept
    assert answer.span is not None and answer.span[1] - answer.span[0] <= max(len(c.data) for c in log)
    assert "memory cap" in answer.note


def test_a_resize_is_repeated_by_the_replay() -> None:
    term, log, cells = fed(b"\x1b[2;3Habc", cols=20, rows=5)
    term.resize(10, 5)
    cells.resized()
    offset = log.append(b"\x1b[1;1Hxy\x1b[5;9Hz", 0.0)
    term.feed(b"\x1b[1;1Hxy\x1b[5;9Hz")
    cells.record(offset, b"\x1b[1;1Hxy\x1b[5;9Hz")
    for row, col, want in ((1, 2, b"a"), (0, 1, b"y"), (4, 8, b"z")):
        span = cells.bytes_of_cell(row, col).span
        assert span is not None and log.slice(*span) == want


@pytest.mark.parametrize("reflow", [True, False])
def test_cells_keep_their_bytes_through_a_reflowing_resize(reflow: bool) -> None:
    """A long line re-wrapped to a narrower width (View ▸ Reflow on resize): each character is still answered by
    the bytes that printed it — also on a row whose bytes are too spread out to replay alone (the log is replayed,
    re-wrapping as the terminal did), and with a wide character that no longer fits at the margin."""
    line = "ABCDEFGHIJKLMNOP中QRSTUVW".encode()
    repaints = b"".join(b"\x1b[5;1H%05d" % i for i in range(300))  # 3 KB elsewhere: row 0's bytes spread out
    term, log, cells = fed(b"\x1b[1;1H" + line, repaints, b"\x1b[1;1Hab", cols=20, rows=6)
    term.reflow = reflow
    term.resize(9, 6)
    cells.follow_reflow(term.take_reflow())
    cells.resized()
    checked = 0
    for row in range(term.history_size + term.rows):
        for col, ch in enumerate(term.row_cells(row)):
            if not ch.strip() or ch.isdigit():
                continue
            answer = cells.bytes_of_cell(row, col)
            assert answer.exact and answer.span is not None, (row, col, ch, answer.note)
            assert log.slice(*answer.span).decode() == ch, (row, col, ch, answer.note)
            checked += 1
    assert checked == (len(line.decode()) if reflow else len("abCDEFGHI") + len("STUVW"))


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text(alphabet=st.sampled_from("ab xy中文é"), min_size=1, max_size=40), min_size=1, max_size=6),
    cols=st.integers(min_value=2, max_value=24),
    new_cols=st.integers(min_value=2, max_value=24),
    spread=st.booleans(),
)
# A wide character that wrapped and scrolled lands on the line object the screen reused for the new bottom row.
@example(lines=["a", "a", "a", "a", "aaaaaaa中中中中中中中中"], cols=5, new_cols=4, spread=True)
@example(lines=["aaaaaaa中a 文", "a中"], cols=2, new_cols=3, spread=False)
def test_a_reflow_never_gives_a_cell_the_wrong_bytes(lines: list[str], cols: int, new_cols: int, spread: bool) -> None:
    """Any lines, any widths, reflowed: a written cell is answered by bytes that print its character (exactly,
    or said to be row-level), whether its row replays alone or the log is replayed (``spread``: repaints far
    away make every row's bytes too spread out to replay alone)."""
    chunks = [b"\x1b[H" + b"\r\n".join(line.encode() for line in lines)]
    if spread:
        chunks.append(b"".join(b"\x1b[8;1H%05d" % i for i in range(300)) + b"\x1b[H")
    term, log, cells = fed(*chunks, cols=cols, rows=8)
    term.resize(new_cols, 8)
    cells.follow_reflow(term.take_reflow())
    cells.resized()
    for row in range(term.history_size + term.rows):
        for col, ch in enumerate(term.row_cells(row)):
            if not ch.strip() or ch.isdigit():
                continue
            answer = cells.bytes_of_cell(row, col)
            assert answer.span is not None, (row, col, ch, answer.note)
            if answer.exact:
                assert log.slice(*answer.span).decode() == ch, (row, col, ch, answer.note)


# Bytes that move cells sideways: the moved cells keep the bytes that printed them (readline inserting or
# deleting in the middle of a command line sends ICH/DCH or prints in insert mode; xterm's SL/SR and
# DECIC/DECDC move whole columns).
SIDEWAYS = [
    # (what moves the cells, the row afterwards)
    pytest.param(b"\r\x1b[5C\x1b[2@XY", "helloXY world", id="ICH then print"),
    pytest.param(b"\r\x1b[5C\x1b[4h!\x1b[4l", "hello! world", id="insert mode"),
    pytest.param(b"\r\x1b[1P", "ello world", id="DCH"),
    pytest.param(b"\x1b[2 @", "llo world", id="SL"),
    pytest.param(b"\x1b[3 A", "   hello world", id="SR"),
]


@pytest.mark.parametrize(("moves", "row"), SIDEWAYS)
def test_cells_moved_sideways_keep_the_bytes_that_printed_them(moves: bytes, row: str) -> None:
    printed = b"hello world"
    term, log, cells = fed(printed, moves, cols=20)
    text = "".join(term.row_cells(0))
    assert text.rstrip() == row
    for col, ch in enumerate(text):
        if ch not in "helowrd":
            continue
        answer = cells.bytes_of_cell(0, col)
        assert answer.exact and answer.span is not None, (col, ch, answer.note)
        assert answer.span[1] <= len(printed), (col, ch, log.slice(*answer.span))  # the printing bytes
        assert log.slice(*answer.span).decode() == ch, (col, ch, log.slice(*answer.span))
    for col, ch in enumerate(text):
        if ch in "XY!":
            answer = cells.bytes_of_cell(0, col)
            assert answer.span is not None and log.slice(*answer.span).decode() == ch


_OPS = st.one_of(
    st.text(alphabet="abcab", min_size=1, max_size=6).map(str.encode),  # repeats on purpose: shifts can mislead
    st.integers(1, 12).map(lambda c: b"\x1b[%dG" % c),  # CHA
    st.integers(1, 4).map(lambda n: b"\x1b[%d@" % n),  # ICH
    st.integers(1, 4).map(lambda n: b"\x1b[%dP" % n),  # DCH
    st.integers(1, 3).map(lambda n: b"\x1b[%d @" % n),  # SL
    st.integers(1, 3).map(lambda n: b"\x1b[%d A" % n),  # SR
    st.sampled_from([b"\x1b[4h", b"\x1b[4l", b"\r", b"\x1b[K", b"\x1b[2X", b"\r\n"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_OPS, min_size=1, max_size=12))
def test_every_written_cell_names_bytes_that_print_its_character(ops: list[bytes]) -> None:
    """Whatever moves cells sideways, overwrites or erases them: a written cell's bytes print its character."""
    term, log, cells = fed(*ops, b"\x1b[4l", cols=12, rows=4)
    written_cells_print_their_bytes(term, log, cells, range(term.history_size, term.history_size + term.rows))


def _bash_session(keys: list[bytes]) -> bytes:
    """What a real interactive bash (readline, TERM=xterm-256color, 40 columns) wrote while ``keys`` were typed:
    each key group is sent once the output has been quiet for a moment."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.fail("bash is needed (it is on every machine this runs on)")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 5, 40, 0, 0))
    env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "PS1": "$ ", "HOME": "/nonexistent"}
    child = subprocess.Popen(
        [bash, "--norc", "--noprofile", "-i"], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    out = bytearray()

    def drain(quiet: float = 0.3, limit: float = 10.0) -> None:
        deadline, last = time.monotonic() + limit, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            if select.select([master], [], [], 0.05)[0]:
                out.extend(os.read(master, 4096))
                last = time.monotonic()

    try:
        drain(quiet=0.5)
        for key in keys:
            os.write(master, key)
            drain()
    finally:
        child.kill()
        child.wait(10)
        os.close(master)
    return bytes(out)


def test_readline_deleting_in_the_middle_of_a_real_bash_line() -> None:
    """Backspace in the middle of a command line: bash sends DCH; the characters it moved left keep the bytes
    that printed them (they were credited to the ``ESC [ 1 P``)."""
    out = _bash_session([b"echo world", b"\x1b[D" * 5, b"hello ", b"\x1b[D" * 3 + b"\x7f"])
    assert b"\x1b[1P" in out  # readline deleted with DCH: the case this is about
    term, log, cells = fed(out, cols=40, rows=5)
    row = next(r for r in range(term.history_size + term.rows) if "echo" in "".join(term.row_cells(r)))
    text = "".join(term.row_cells(row))
    assert text.rstrip().endswith("echo helo world")
    assert written_cells_print_their_bytes(term, log, cells, range(row, row + 1)) == len(text.replace(" ", ""))
