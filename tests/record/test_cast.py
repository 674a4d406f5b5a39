"""Recordings: asciicast v2 that asciinema plays, with every byte, boundary and time surviving."""

from __future__ import annotations

import base64
import codecs
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.record.cast import (
    FORMAT_VERSION,
    CastFormatError,
    CastHeader,
    CastWriter,
    ExitEvent,
    InputEvent,
    MarkerEvent,
    OtherEvent,
    OutputEvent,
    Recording,
    ResizeEvent,
    asciinema_env,
    mojiscope_metadata,
    read_cast,
)

HEADER = CastHeader(80, 24, timestamp=1_700_000_000, command="go test -v", env={"SHELL": "/bin/bash", "TERM": "xterm"})


def write(path: Path, build: object = None) -> Path:
    with CastWriter(path, HEADER) as w:
        if callable(build):
            build(w)
    return path


def lines_of(path: Path) -> list[object]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# --------------------------------------------------------------------------- the exact format


def test_exact_lines_for_clean_split_invalid_and_other_stream(tmp_path: Path) -> None:
    def build(w: CastWriter) -> None:
        w.output(b"=== RUN   TestA\r\n", 0.012)
        w.output(b"caf\xc3", 0.013)  # "é" split across two reads
        w.output(b"\xa9\r\n", 0.1)
        w.output(b"\xff", 0.2)  # invalid
        w.output(b"x", 0.25, stream="stderr")
        w.input(b"q", 0.3)
        w.resize(100, 30, 0.31)
        w.marker("FAIL TestA", 0.32)
        w.exit(1, 0.4)

    path = write(tmp_path / "a.cast", build)
    text = path.read_text("utf-8").splitlines()
    assert text[1:] == [
        '[0.012, "o", "=== RUN   TestA\\r\\n"]',
        '[0.013, "o", "caf"]',
        '[0.013, "b", "Y2Fmww=="]',
        '[0.1, "o", "é\\r\\n"]',
        '[0.1, "b", "qQ0K"]',
        '[0.2, "o", "\ufffd"]',
        '[0.2, "b", "/w=="]',
        '[0.25, "o", "x"]',
        '[0.25, "b", "stderr:eA=="]',
        '[0.3, "i", "q"]',
        '[0.31, "r", "100x30"]',
        '[0.32, "m", "FAIL TestA"]',
        '[0.4, "x", "1"]',
    ]
    header = json.loads(text[0])
    assert header == {
        "version": 2,
        "width": 80,
        "height": 24,
        "timestamp": 1_700_000_000,
        "command": "go test -v",
        "env": {"SHELL": "/bin/bash", "TERM": "xterm"},
        "mojiscope": {"format": FORMAT_VERSION, "stream": "pty"},
    }

    rec = read_cast(path)
    assert rec.events == [
        OutputEvent(0.012, b"=== RUN   TestA\r\n", "=== RUN   TestA\r\n"),
        OutputEvent(0.013, b"caf\xc3", "caf"),
        OutputEvent(0.1, b"\xa9\r\n", "é\r\n"),
        OutputEvent(0.2, b"\xff", "\ufffd"),
        OutputEvent(0.25, b"x", "x", "stderr"),
        InputEvent(0.3, b"q", "q"),
        ResizeEvent(0.31, 100, 30),
        MarkerEvent(0.32, "FAIL TestA"),
        ExitEvent(0.4, 1),
    ]
    assert rec.exit_status == 1
    assert rec.duration == 0.4
    assert rec.exact_bytes is True
    assert rec.truncated is False
    assert rec.lines == 14
    assert rec.output_bytes() == b"=== RUN   TestA\r\ncaf\xc3\xa9\r\n\xffx"
    assert rec.markers == [MarkerEvent(0.32, "FAIL TestA")]


def test_input_gets_a_b_event_where_text_would_lose_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "i.cast", lambda w: (w.input(b"\xe4\xbd", 1.0), w.input(b"\xa0\x1b[A", 2.0)))
    assert lines_of(path)[1:] == [[1.0, "i", ""], [1.0, "b", "5L0="], [2.0, "i", "你\x1b[A"], [2.0, "b", "oBtbQQ=="]]
    assert read_cast(path).events == [InputEvent(1.0, b"\xe4\xbd", ""), InputEvent(2.0, b"\xa0\x1b[A", "你\x1b[A")]


def test_header_round_trip_with_mojiscope_metadata(tmp_path: Path) -> None:
    meta = mojiscope_metadata(
        backend="pipe",
        fidelity="exact bytes",
        profile="cmd",
        argv=["go", "test", "-v"],
        cwd="/src",
        encoding="cp936",
        code_pages={"input": 936, "output": 65001},
        utf8=True,
        env_overlay={"PYTHONUTF8": "1", "GOFLAGS": None},
        stream="stdout",
        note="extra keys are kept",
    )
    header = CastHeader(
        120,
        40,
        timestamp=5,
        command="go test -v",
        title="demo",
        idle_time_limit=2.5,
        env={"TERM": "x"},
        mojiscope=meta,
        extra={"theme": {"fg": "#fff"}},
    )
    path = tmp_path / "h.cast"
    with CastWriter(path, header) as w:
        w.output(b"out", 0.5, stream="stdout")
        w.output(b"err", 0.75, stream="stderr")
    rec = read_cast(path)
    assert rec.header == header
    assert rec.header.default_stream == "stdout"
    assert rec.header.fidelity == "exact bytes"
    assert rec.header.mojiscope is not None
    assert rec.header.mojiscope["version"] == "0.1.0"
    assert rec.header.mojiscope["platform"] == sys.platform
    assert rec.header.mojiscope["env_overlay"] == {"PYTHONUTF8": "1", "GOFLAGS": None}
    # The default stream needs no "b"; the other one does.
    assert lines_of(path)[1:] == [[0.5, "o", "out"], [0.75, "o", "err"], [0.75, "b", "stderr:ZXJy"]]
    assert rec.events == [OutputEvent(0.5, b"out", "out", "stdout"), OutputEvent(0.75, b"err", "err", "stderr")]


def test_writer_accepts_a_dict_header_and_fills_mojiscope(tmp_path: Path) -> None:
    path = tmp_path / "d.cast"
    CastWriter(path, {"width": 10, "height": 5, "timestamp": 3, "env": {}}).close()
    assert lines_of(path) == [
        {"version": 2, "width": 10, "height": 5, "timestamp": 3, "env": {}, "mojiscope": {"format": 1, "stream": "pty"}}
    ]


def test_asciinema_env_picks_shell_and_term() -> None:
    assert asciinema_env({"SHELL": "/bin/zsh", "TERM": "xterm-256color", "HOME": "/h"}) == {
        "SHELL": "/bin/zsh",
        "TERM": "xterm-256color",
    }
    assert asciinema_env({"HOME": "/h"}) == {}


def test_times_are_written_exactly(tmp_path: Path) -> None:
    times = [0.0, 1e-7, 0.1 + 0.2, 1 / 3, 12345.678901234567, 5e-324, 315_000_000.123456789]
    path = tmp_path / "t.cast"
    with CastWriter(path, HEADER) as w:
        for t in times:
            w.output(b".", t)
    assert [e.t for e in read_cast(path).events] == times
    assert path.read_text("utf-8").splitlines()[3] == '[0.30000000000000004, "o", "."]'


def test_writer_flushes_every_line(tmp_path: Path) -> None:
    path = tmp_path / "f.cast"
    w = CastWriter(path, HEADER)
    w.output(b"a\xff", 0.5)
    # Another reader sees the event and its "b" while the writer is still open.
    assert read_cast(path).events == [OutputEvent(0.5, b"a\xff", "a\ufffd")]
    w.marker("m", 0.6)
    assert read_cast(path).events[-1] == MarkerEvent(0.6, "m")
    assert w.events_written == 2
    w.close()
    w.close()
    with pytest.raises(ValueError, match="closed"):
        w.output(b"x", 1.0)


def test_writer_to_text_and_binary_files_does_not_close_them() -> None:
    binary = io.BytesIO()
    with CastWriter(binary, HEADER) as w:
        w.output(b"\xff", 0.0)
    assert not binary.closed
    text = io.StringIO()
    with CastWriter(text, HEADER) as w:
        w.output(b"\xff", 0.0)
    assert text.getvalue().encode("utf-8") == binary.getvalue()
    binary.seek(0)
    assert read_cast(binary).events == [OutputEvent(0.0, b"\xff", "\ufffd")]


@pytest.mark.parametrize("t", [-1.0, math.nan, math.inf])
def test_writer_refuses_bad_times(tmp_path: Path, t: float) -> None:
    with CastWriter(tmp_path / "x.cast", HEADER) as w, pytest.raises(ValueError, match="event time"):
        w.output(b"x", t)


def test_writer_refuses_bad_sizes_status_and_streams(tmp_path: Path) -> None:
    with CastWriter(tmp_path / "x.cast", HEADER) as w:
        with pytest.raises(ValueError, match="terminal size"):
            w.resize(0, 24, 0.0)
        with pytest.raises(ValueError, match="exit status"):
            w.exit("1", 0.0)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="stream name"):
            w.output(b"x", 0.0, stream="bad:name")


def test_marker_label_with_a_lone_surrogate_survives(tmp_path: Path) -> None:
    path = write(tmp_path / "s.cast", lambda w: w.marker("bad \udcff label", 1.0))
    assert "\\udcff" in path.read_text("utf-8")
    assert read_cast(path).events == [MarkerEvent(1.0, "bad \udcff label")]


def test_exit_status_int_and_negative(tmp_path: Path) -> None:
    path = tmp_path / "x.cast"
    path.write_text('{"version": 2, "width": 80, "height": 24}\n[1.5, "x", -9]\n[2, "x", " 3"]\n', "utf-8")
    rec = read_cast(path)
    assert rec.events == [ExitEvent(1.5, -9), ExitEvent(2.0, 3)]
    assert rec.exit_status == 3
    assert isinstance(rec.events[1].t, float)


def test_unknown_codes_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "u.cast"
    path.write_text('{"version": 2, "width": 80, "height": 24}\n[1, "z", {"a": 1}]\n[2, "o", "x"]\n', "utf-8")
    assert read_cast(path).events == [OtherEvent(1.0, "z", {"a": 1}), OutputEvent(2.0, b"x", "x")]


def test_trailing_blank_lines_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "b.cast"
    path.write_text('{"version": 2, "width": 80, "height": 24}\n[1, "o", "x"]\n\n\r\n', "utf-8")
    assert read_cast(path).events == [OutputEvent(1.0, b"x", "x")]


# --------------------------------------------------------------------------- plain asciinema files


def test_reads_a_file_written_by_asciinema_itself(tmp_path: Path) -> None:
    from asciinema.asciicast import v2  # type: ignore[import-untyped]  # the real writer, as `asciinema rec` uses it

    path = tmp_path / "plain.cast"
    with v2.writer(str(path), width=90, height=30, metadata={"timestamp": 7, "env": {"TERM": "xterm"}}) as w:
        w.write_stdout(0.1234567, b"hello \xe4\xbd")
        w.write_stdout(0.5, b"\xa0 \xff\r\n")
        w.write_stdin(0.6, b"q")
        w.write_resize(0.7, (100, 40))
        w.write_marker(0.8)
    rec = read_cast(path)
    assert rec.header == CastHeader(90, 30, timestamp=7, env={"TERM": "xterm"}, mojiscope=None)
    assert rec.exact_bytes is False
    # asciinema kept only text: the split character whole in the later event, U+FFFD for the invalid byte.
    assert rec.events == [
        OutputEvent(0.123457, b"hello ", "hello "),
        OutputEvent(0.5, "你 \ufffd\r\n".encode(), "你 \ufffd\r\n"),
        InputEvent(0.6, b"q", "q"),
        ResizeEvent(0.7, 100, 40),
        MarkerEvent(0.8, ""),
    ]


def test_a_lone_surrogate_in_a_foreign_file_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "s.cast"
    path.write_text('{"version": 2, "width": 80, "height": 24}\n[1, "o", "a\\ud800b"]\n', "utf-8")
    assert read_cast(path).events == [OutputEvent(1.0, b"a\xed\xa0\x80b", "a\ud800b")]


# --------------------------------------------------------------------------- lossless round trip


def _decode_like_asciinema(chunks: list[tuple[bytes, str]]) -> list[str]:
    decoders: dict[str, codecs.IncrementalDecoder] = {}
    out = []
    for data, stream in chunks:
        decoder = decoders.setdefault(stream, codecs.getincrementaldecoder("utf-8")("replace"))
        out.append(decoder.decode(data))
    return out


# Chunks made of real characters (multi-byte ones included), invalid bytes and random bytes,
# then split anywhere: split characters and invalid sequences at every position.
_pieces = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8).map(lambda s: s.encode("utf-8")),
    st.sampled_from([b"\xff", b"\xc3", b"\xe4\xbd", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\x80", b"\x00", b"\x1b[31m"]),
    st.binary(max_size=8),
)
_streams = st.sampled_from(["pty", "pty", "pty", "stderr"])
_chunks = st.lists(st.tuples(st.lists(_pieces, max_size=4).map(b"".join), _streams), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    chunks=_chunks,
    start=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    gaps=st.lists(
        st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False), min_size=30, max_size=30
    ),
)
def test_round_trip_keeps_every_byte_boundary_and_time(
    tmp_path_factory: pytest.TempPathFactory, chunks: list[tuple[bytes, str]], start: float, gaps: list[float]
) -> None:
    times = []
    t = start
    for gap in gaps[: len(chunks)]:
        t += gap
        times.append(t)
    path = tmp_path_factory.mktemp("rt") / "r.cast"
    with CastWriter(path, HEADER) as w:
        for (data, stream), at in zip(chunks, times, strict=True):
            w.output(data, at, stream=stream)
        w.exit(0, times[-1] if times else 0.0)
    rec = read_cast(path, strict=True)
    outputs = rec.outputs
    assert [(e.data, e.stream) for e in outputs] == chunks
    assert [e.t for e in outputs] == times  # bit for bit
    assert [e.text for e in outputs] == _decode_like_asciinema(chunks)
    assert rec.exit_status == 0
    # Writing the read recording again gives the same file, byte for byte.
    again = path.with_name("again.cast")
    with CastWriter(again, rec.header) as w:
        for e in outputs:
            w.output(e.data, e.t, stream=e.stream)
        w.exit(0, times[-1] if times else 0.0)
    assert again.read_bytes() == path.read_bytes()


# --------------------------------------------------------------------------- cut off by a crash


def _sample(tmp_path: Path) -> Path:
    def build(w: CastWriter) -> None:
        w.output(b"one\r\n", 0.1)
        w.output(b"\xe4\xbd", 0.2)
        w.output(b"\xa0two\r\n", 0.3)
        w.exit(0, 0.4)

    return write(tmp_path / "full.cast", build)


def test_a_recording_cut_mid_line_replays_up_to_its_last_whole_line(tmp_path: Path) -> None:
    full = _sample(tmp_path).read_bytes()
    lines = full.splitlines(keepends=True)
    whole = read_cast(tmp_path / "full.cast")
    # Cut at every position after the header: what remains is every whole line before the cut.
    header_end = len(lines[0])
    for cut in range(header_end, len(full)):
        data = full[:cut]
        path = tmp_path / "cut.cast"
        path.write_bytes(data)
        n_whole = data.count(b"\n")
        partial = not data.endswith(b"\n")
        if full[cut : cut + 1] == b"\n":  # only the newline is missing: the line is whole
            n_whole, partial = n_whole + 1, False
        rec = read_cast(path)
        assert rec.truncated is partial, cut
        assert rec.lines == n_whole
        # Events: everything from the whole lines; an "o" whose "b" was cut keeps its text's bytes.
        expected = read_cast(io.BytesIO(b"".join(lines[:n_whole]))).events
        assert rec.events == expected, cut
        assert len(rec.events) <= len(whole.events)
        if partial:
            with pytest.raises(
                CastFormatError, match=rf"^line {n_whole + 1}: the file ends in the middle of this line"
            ):
                read_cast(path, strict=True)


def test_a_cut_off_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "h.cast"
    path.write_bytes(b'{"version": 2, "wid')
    with pytest.raises(CastFormatError, match=r"^line 1: the header line is cut off"):
        read_cast(path)


def test_a_last_line_without_newline_that_is_whole_is_read(tmp_path: Path) -> None:
    path = tmp_path / "n.cast"
    path.write_bytes(b'{"version": 2, "width": 80, "height": 24}\n[1, "o", "x"]')
    rec = read_cast(path, strict=True)
    assert rec.events == [OutputEvent(1.0, b"x", "x")]
    assert not rec.truncated


# --------------------------------------------------------------------------- malformed files

H = '{"version": 2, "width": 80, "height": 24}\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "line 1: the file is empty; expected an asciicast v2 header line"),
        ("\n", "line 1: the file starts with a blank line; expected an asciicast v2 header line"),
        ("hello\n", "line 1: not valid JSON (Expecting value at column 1) in the header line"),
        ("[1, 2]\n", 'line 1: expected the asciicast header object {"version": 2, ...}, got [1, 2]'),
        ('{"width": 80, "height": 24}\n', 'line 1: the header has no "version"; expected an asciicast v2 or v3 header'),
        (
            '{"version": 1, "width": 80, "height": 24, "stdout": []}\n',
            "line 1: asciicast version 1 is not supported; Mojiscope reads versions 2 and 3",
        ),
        (
            '{"version": 4, "term": {"cols": 80, "rows": 24}}\n',
            "line 1: asciicast version 4 is not supported; Mojiscope reads versions 2 and 3",
        ),
        ('{"version": "2", "width": 80, "height": 24}\n', "line 1: asciicast version 2 is not supported"),
        ('{"version": 2, "height": 24}\n', 'line 1: header "width" is missing; expected a positive whole number'),
        (
            '{"version": 2, "width": "80", "height": 24}\n',
            'line 1: header "width" is 80; expected a positive whole number',
        ),
        (
            '{"version": 2, "width": 80, "height": 24, "env": [1]}\n',
            'line 1: header "env" is [1]; expected an object of strings',
        ),
        (H + '[0.1, "o", "a"]\n' * 5 + '[0.2, "o"]\n', 'line 7: expected [time, code, data], got [0.2, "o"]'),
        (H + '{"t": 1}\n', 'line 2: expected [time, code, data], got {"t": 1}'),
        (H + '[0.1, "o", "a"\n', "line 2: not valid JSON (Expecting ',' delimiter at column 15) in the event line"),
        (H + '["0.1", "o", "a"]\n', "line 2: event time must be a number of seconds >= 0, got 0.1"),
        (H + '[-1, "o", "a"]\n', "line 2: event time must be a number of seconds >= 0, got -1"),
        (H + '[NaN, "o", "a"]\n', "line 2: event time must be a number of seconds >= 0, got NaN"),
        (H + '[true, "o", "a"]\n', "line 2: event time must be a number of seconds >= 0, got true"),
        (H + '[1, "o", 5]\n', 'line 2: "o" event data must be a string, got 5'),
        (
            H + '[1, "b", "YQ=="]\n',
            'line 2: a "b" event must come right after the "o" or "i" event whose bytes it gives',
        ),
        (
            H + '[1, "o", "a"]\n[1, "m", ""]\n[1, "b", "YQ=="]\n',
            'line 4: a "b" event must come right after the "o" or "i" event whose bytes it gives',
        ),
        (
            H + '[1, "o", "a"]\n[1, "b", "YQ=="]\n[1, "b", "YQ=="]\n',
            'line 4: a "b" event must come right after the "o" or "i" event whose bytes it gives',
        ),
        (
            H + '[1, "o", "a"]\n[1, "b", "not base64!"]\n',
            'line 3: "b" event data is not valid base64 (Only base64 data is allowed): not base64!',
        ),
        (H + '[1, "o", "a"]\n[1, "b", "YQ="]\n', 'line 3: "b" event data is not valid base64'),
        (H + '[1, "o", "a"]\n[1, "b", 7]\n', 'line 3: "b" event data must be a base64 string, got 7'),
        (
            H + '[1, "o", "a"]\n[2, "b", "YQ=="]\n',
            """line 3: "b" event time 2.0 differs from its "o" event's time 1.0""",
        ),
        (H + '[1, "o", "a"]\n[1, "b", "bad stream:YQ=="]\n', 'line 3: bad stream name bad stream in "b" event'),
        (H + '[1, "i", "a"]\n[1, "b", "s:YQ=="]\n', 'line 3: a "b" event after an "i" event cannot name a stream'),
        (H + '[1, "r", "80-24"]\n', 'line 2: "r" event data must be "COLSxROWS" like "80x24", got 80-24'),
        (H + '[1, "r", "0x24"]\n', 'line 2: "r" event data must be "COLSxROWS" like "80x24", got 0x24'),
        (H + '[1, "m", null]\n', 'line 2: "m" event data must be a label string, got null'),
        (H + '[1, "x", "ok"]\n', 'line 2: "x" event data must be an exit status like "0", got ok'),
        (H + '[1, "x", 1.5]\n', 'line 2: "x" event data must be an exit status like "0", got 1.5'),
        (
            H + '[1, "o", "a"]\n\n[2, "o", "b"]\n',
            "line 4: events after the blank line 3 (asciinema stops reading at a blank line); remove it",
        ),
        (H + "[" * 100_000 + "\n", "line 2: JSON nested too deeply to be an asciicast line"),
    ],
)
def test_malformed_lines_are_refused_with_their_line_number(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.cast"
    path.write_text(content, "utf-8")
    with pytest.raises(CastFormatError) as info:
        read_cast(path)
    assert str(info.value).startswith(message)
    assert info.value.line == int(message.split(":")[0].removeprefix("line "))


def test_invalid_utf8_in_a_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.cast"
    path.write_bytes(H.encode() + b'[1, "o", "a\xffb"]\n')
    with pytest.raises(CastFormatError, match=r"^line 2: not valid UTF-8 at byte 11 of the line"):
        read_cast(path)


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_cast(tmp_path / "nope.cast")


def test_format_error_is_a_value_error_with_a_short_message() -> None:
    exc = CastFormatError(7, "expected [time, code, data], got 1")
    assert isinstance(exc, ValueError)
    assert str(exc) == "line 7: expected [time, code, data], got 1"
    assert (exc.line, exc.problem) == (7, "expected [time, code, data], got 1")


# --------------------------------------------------------------------------- asciinema plays our files


def _asciinema_cat(path: Path) -> bytes:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    # A new session has no controlling terminal, so `asciinema cat` does not put ours in raw mode.
    out = subprocess.run(
        [sys.executable, "-m", "asciinema", "cat", str(path)],
        capture_output=True,
        env=env,
        check=True,
        start_new_session=True,
        timeout=60,
    )
    return out.stdout


def test_asciinema_cat_plays_our_recording(tmp_path: Path) -> None:
    def build(w: CastWriter) -> None:
        w.output("=== RUN   Test你好\r\n".encode(), 0.1)
        w.output(b"split \xe4\xbd", 0.2)  # needs a "b"
        w.output(b"\xa0 and invalid \xff\r\n", 0.3)  # needs a "b"
        w.output(b"to stderr\r\n", 0.35, stream="stderr")  # needs a "b"
        w.input(b"\x03", 0.4)
        w.resize(100, 30, 0.5)
        w.marker("FAIL", 0.6)
        w.exit(1, 0.7)

    path = write(tmp_path / "ours.cast", build)
    assert sum(1 for line in lines_of(path)[1:] if isinstance(line, list) and line[1] == "b") == 3
    expected = "".join(e.text for e in read_cast(path).outputs)
    assert expected == "=== RUN   Test你好\r\nsplit 你 and invalid \ufffd\r\nto stderr\r\n"
    assert _asciinema_cat(path) == expected.encode("utf-8")


def test_asciinema_loads_every_event_of_ours(tmp_path: Path) -> None:
    from asciinema import asciicast  # type: ignore[import-untyped]

    path = _sample(tmp_path)
    with asciicast.open_from_url(str(path)) as cast:
        events = list(cast.events())
    assert all(len(e) == 3 for e in events)
    assert [e[1] for e in events] == ["o", "o", "b", "o", "b", "x"]
    assert base64.b64decode(events[2][2]) == b"\xe4\xbd"


def test_recording_type_is_plain_data() -> None:
    rec = Recording(CastHeader(1, 1, timestamp=None, env={}), [])
    assert rec.duration == 0.0
    assert rec.exit_status is None
    assert rec.output_bytes() == b""


# --------------------------------------------------------------------------- hostile files: limits, versions, streaming

V2 = '{"version": 2, "width": 80, "height": 24}\n'
V3 = '{"version": 3, "term": {"cols": 80, "rows": 24}}\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"version": 2, "width": 80, "height": 1000000000}\n',
            'line 1: header "height" is 1000000000, over the limit of 10000 (as for --rows)',
        ),
        (
            '{"version": 2, "width": 10001, "height": 24}\n',
            'line 1: header "width" is 10001, over the limit of 10000 (as for --cols)',
        ),
        (
            '{"version": 3, "term": {"cols": 65536, "rows": 24}}\n',
            'line 1: header "term.cols" is 65536, over the limit of 10000 (as for --cols)',
        ),
        ('{"version": 3, "width": 80, "height": 24}\n', 'line 1: header "term" is missing'),
        (
            V2 + '[0.1, "o", "hi"]\n[0.2, "r", "65536x65536"]\n',
            'line 3: "r" event size 65536x65536 is over the limit of 10000 columns and rows (as for --cols/--rows)',
        ),
        (V2 + '[0.2, "r", "80x10001"]\n', 'line 2: "r" event size 80x10001 is over the limit of 10000'),
        (V2 + '[0.2, "r", "' + "9" * 40 + 'x24"]\n', 'line 2: "r" event data must be "COLSxROWS"'),
        (V2 + '[1e300, "o", "x"]\n', "line 2: event time 1e+300 s is over the limit of 316,224,000 s (ten years)"),
        (V2 + '[Infinity, "o", "x"]\n', "line 2: event time must be a number of seconds >= 0, got Infinity"),
        (V2 + '[1e400, "o", "x"]\n', "line 2: event time must be a number of seconds >= 0, got Infinity"),
        (V2 + "[" + "9" * 5000 + ', "o", "x"]\n', "line 2: not a usable event line"),
        (V2 + '[1, "x", "' + "9" * 5000 + '"]\n', 'line 2: "x" event data must be an exit status like "0"'),
        (V3 + '[-0.5, "o", "x"]\n', "line 2: event interval must be a number of seconds >= 0, got -0.5"),
        (
            V3 + '[300000000, "o", "x"]\n[300000000, "o", "y"]\n',
            "line 3: the recording's time passes the limit of 316,224,000 s (ten years) here",
        ),
        ('{"version": 2, "width": 80, "height": 24, "timestamp": NaN}\n', 'line 1: header "timestamp" is NaN'),
    ],
)
def test_sizes_and_times_get_the_command_lines_limits(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "hostile.cast"
    path.write_text(content, "utf-8")
    with pytest.raises(CastFormatError) as info:
        read_cast(path)
    assert str(info.value).startswith(message), str(info.value)


def test_the_largest_size_allowed_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.cast"
    path.write_text('{"version": 2, "width": 10000, "height": 10000}\n[1, "r", "10000x1"]\n', "utf-8")
    rec = read_cast(path)
    assert (rec.header.width, rec.header.height) == (10000, 10000)
    assert rec.events == [ResizeEvent(1.0, 10000, 1)]


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from app.record.cast import MAX_LINE_BYTES, CastStream

    path = tmp_path / "long.cast"
    with path.open("wb") as f:
        f.write(V2.encode())
        f.write(b'[1, "o", "' + b"x" * (MAX_LINE_BYTES + 10) + b'"]\n')
        f.write(b'[2, "o", "y"]\n')
    with CastStream(path) as stream, pytest.raises(CastFormatError, match=r"^line 2: the line is longer than 4 MiB"):
        list(stream.events())
    # A line of exactly the limit (plus its newline) is read.
    exact = tmp_path / "exact.cast"
    body = b'[1, "o", "' + b"x" * (MAX_LINE_BYTES - 12) + b'"]'
    assert len(body) == MAX_LINE_BYTES
    exact.write_bytes(V2.encode() + body + b"\n")
    assert len(read_cast(exact).events[0].data) == MAX_LINE_BYTES - 12  # type: ignore[union-attr]


def test_asciicast_v3_is_read_with_its_intervals_header_and_comments(tmp_path: Path) -> None:
    """asciinema 3's own example file (docs.asciinema.org/manual/asciicast/v3), with a blank line added."""
    path = tmp_path / "v3.cast"
    path.write_text(
        '{"version": 3, "term": {"cols": 80, "rows": 24, "type": "xterm-256color", "version": "VTE(7802)"}, '
        '"timestamp": 1504467315, "title": "Demo", "env": {"SHELL": "/bin/zsh"}, "tags": ["demo"]}\n'
        "# event stream follows the header\n"
        '[0.248, "o", "\\u001b[1;31mHello \\u001b[32mWorld!\\u001b[0m\\n"]\n'
        '[1.001, "o", "That was ok\\rThis is better."]\n'
        '[3.500, "m", ""]\n'
        "\n"
        '[0.143, "o", "Now... "]\n'
        "# terminal window resized to 90 cols and 30 rows\n"
        '[2.050, "r", "90x30"]\n'
        '[1.541, "o", "Bye!"]\n'
        '[0.887, "x", "0"]\n',
        "utf-8",
    )
    rec = read_cast(path, strict=True)
    header = rec.header
    assert (header.version, header.width, header.height) == (3, 80, 24)
    assert header.term == {"type": "xterm-256color", "version": "VTE(7802)"}
    assert (header.timestamp, header.title, header.env) == (1504467315, "Demo", {"SHELL": "/bin/zsh"})
    assert header.extra == {"tags": ["demo"]}
    # Intervals add up to times since the start, exactly as the sums of the written numbers.
    times = [e.t for e in rec.events]
    intervals = [0.248, 1.001, 3.500, 0.143, 2.050, 1.541, 0.887]
    expected: list[float] = []
    from fractions import Fraction

    total = Fraction(0)
    for interval in intervals:
        total += Fraction(interval)
        expected.append(float(total))
    assert times == expected
    assert [type(e).__name__ for e in rec.events] == [
        "OutputEvent",
        "OutputEvent",
        "MarkerEvent",
        "OutputEvent",
        "ResizeEvent",
        "OutputEvent",
        "ExitEvent",
    ]
    assert rec.exit_status == 0
    assert rec.output_bytes() == b"\x1b[1;31mHello \x1b[32mWorld!\x1b[0m\nThat was ok\rThis is better.Now... Bye!"
    assert rec.events[4] == ResizeEvent(expected[4], 90, 30)
    # Written back as v2 (what Mojiscope writes), nothing of the header is lost.
    back = header.to_json()
    assert back["term"] == {"type": "xterm-256color", "version": "VTE(7802)"} and back["tags"] == ["demo"]


def test_v3_keeps_exact_bytes_after_an_output(tmp_path: Path) -> None:
    path = tmp_path / "v3b.cast"
    path.write_text(V3 + '[0.5, "o", "\ufffd"]\n[0, "b", "/w=="]\n[0.25, "o", "x"]\n', "utf-8")
    assert read_cast(path).events == [OutputEvent(0.5, b"\xff", "\ufffd"), OutputEvent(0.75, b"x", "x")]


def test_the_reader_streams_in_bounded_memory(tmp_path: Path) -> None:
    """24 MB of recording read through CastStream: the peak of Python's allocations stays a few MB (the
    whole-file reader held every event: more than the file's size)."""
    import tracemalloc

    from app.record.cast import CastStream

    path = tmp_path / "big.cast"
    line = json.dumps([0.001, "o", "=== RUN   TestNumber\r\n--- PASS: TestNumber (0.00s)\r\n" * 40]) + "\n"
    count = 24 * 1024 * 1024 // len(line)
    with path.open("w", encoding="utf-8") as f:
        f.write(V2)
        f.writelines(line for _ in range(count))
    tracemalloc.start()
    try:
        seen = total = 0
        with CastStream(path) as stream:
            for event in stream.events():
                seen += 1
                total += len(event.data)  # type: ignore[union-attr]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count and total > 20 * 1024 * 1024
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_stream_reads_again_from_its_first_event(tmp_path: Path) -> None:
    from app.record.cast import CastStream

    path = _sample(tmp_path)
    with CastStream(path) as stream:
        first = list(stream.events())
        stream.rewind()
        assert list(stream.events()) == first
        assert stream.lines == len(path.read_bytes().splitlines())
    with CastStream(io.BufferedReader(io.BytesIO(path.read_bytes()))) as piped:  # type: ignore[arg-type]
        assert list(piped.events()) == first
