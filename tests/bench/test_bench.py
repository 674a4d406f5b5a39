"""Tests for the bench: the stream generators keep their promises, the runner reports honestly.

Speeds are never asserted (they depend on the machine); shape, determinism and content are.
The runner tests that use the real engine need ``app.vt.Terminal``; the reporting logic is
also tested with stand-in engines so a crash in either engine is shown, not raised.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from typing import Any

import pytest

from app.bench import KINDS, generate, runner
from app.bench.pty_case import PtyCaseError, measure_pty
from app.bench.runner import main

SIZE = 60_000
RUN_FAST = [
    "--size-mb", "0.05", "--repeats", "1", "--pyte-seconds", "0.5", "--pty-size-mb", "0.05", "--no-peers",
]  # fmt: skip
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="the pty case needs a POSIX pty")


def _text(kind: str, size: int = SIZE, seed: int = 0) -> str:
    return generate(kind, size, seed).decode("utf-8")


def _cells(line: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line
    )


# --- generators -----------------------------------------------------------------------------


def test_kinds_are_the_documented_ones() -> None:
    assert KINDS == (
        "go-test-v",
        "sgr-dense",
        "cursor-scroll",
        "cjk-wide",
        "invalid-bytes",
        "plain-ascii",
        "go-test-wrap",
        "insert-mode",
        "windows-console",
        "line-editor",
        "conpty-frames",
        "go-test-json",
        "progress-bars",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_bytes_other_seed_other_bytes(kind: str) -> None:
    assert generate(kind, SIZE, seed=7) == generate(kind, SIZE, seed=7)
    assert generate(kind, SIZE, seed=7) != generate(kind, SIZE, seed=8)
    assert generate(kind, SIZE) == generate(kind, SIZE, seed=0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", [1, 5_000, 300_000])
def test_size_is_roughly_the_requested_one(kind: str, size: int) -> None:
    data = generate(kind, size)
    assert size <= len(data) <= size + 16_384


@pytest.mark.parametrize("kind", KINDS)
def test_a_smaller_stream_is_a_prefix_of_a_larger_one(kind: str) -> None:
    """Cutting only at block boundaries: a stream never ends mid-sequence, sizes nest."""

    small = generate(kind, 10_000)
    assert generate(kind, 100_000).startswith(small)


def test_zero_size_and_unknown_kind() -> None:
    assert generate("go-test-v", 0) == b""
    with pytest.raises(ValueError, match="choose from"):
        generate("nope", 100)


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("invalid-bytes", "windows-console")])
def test_well_formed_kinds_are_valid_utf8_with_crlf_line_ends(kind: str) -> None:
    data = generate(kind, SIZE)
    data.decode("utf-8")
    assert b"\r\n" in data
    assert re.search(rb"(?<!\r)\n", data) is None


def test_go_test_v_looks_like_go_test() -> None:
    text = _text("go-test-v", 200_000)
    markers = ("=== RUN   Test", "=== PAUSE ", "=== CONT  ", "--- PASS", "--- FAIL", "_test.go:", "\x1b[")
    for marker in markers:
        assert marker in text, marker
    assert re.search(r"=== RUN   Test\w*[\u4e00-\u9fff]", text)
    assert re.search(r"\x1b\[32m--- PASS\x1b\[0m: ", text)
    assert re.search(r"^(\x1b\[32m)?ok(\x1b\[0m)?  \texample\.com/\S+\t\d+\.\d{3}s", text, re.M)
    assert re.search(r"^(\x1b\[32m)?PASS(\x1b\[0m)?\r$", text, re.M)


def test_sgr_dense_has_a_rendition_change_per_cell() -> None:
    text = _text("sgr-dense")
    for params in ("\x1b[38;5;", ";48;5;", "\x1b[38;2;", "\x1b[48;2;", "\x1b[38:2::", "\x1b[4:"):
        assert params in text, repr(params)
    assert re.search(r"\x1b\[(0;)?1;4[m;]", text)
    printable = len(re.sub(r"\x1b\[[0-9;:]*m|\r\n", "", text))
    assert text.count("\x1b[") >= printable


def test_cursor_scroll_moves_and_scrolls_inside_regions() -> None:
    text = _text("cursor-scroll", 200_000)
    assert re.search(r"\x1b\[\d+;\d+r", text)  # DECSTBM
    assert re.search(r"\x1b\[\d+;\d+H", text)  # CUP
    for final in "ABCDLMST":  # CUU CUD CUF CUB IL DL SU SD
        assert re.search(rf"\x1b\[\d+{final}", text), final
    for seq in ("\x1bM", "\x1b7", "\x1b8", "\x1b[r", "\x1b[?1049h", "\x1b[?1049l", "\x1b[K"):
        assert seq in text, repr(seq)


def test_cjk_wide_has_wide_combining_emoji_and_wrapping_lines() -> None:
    text = _text("cjk-wide")
    assert any(unicodedata.east_asian_width(c) in "WF" for c in text)
    assert any(unicodedata.combining(c) for c in text)
    assert "e\u0301" in text
    assert any(ord(c) >= 0x1F300 for c in text)
    assert max(_cells(line) for line in text.split("\r\n")) > 2 * 120


def test_invalid_bytes_is_not_valid_utf8_and_has_each_fault() -> None:
    data = generate("invalid-bytes", SIZE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    for fault in (b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x9b", b"\xc2\x85", "中文".encode("gbk")):
        assert fault in data, fault
    assert re.search(rb"[ \x1b-\x7f][\x80-\xbf]", data)  # a stray continuation byte
    text = data.decode("utf-8", "replace")
    assert text.count("\ufffd") < len(text) / 4  # mostly text: the decoder's good path matters too


def test_invalid_bytes_start_invalid_even_when_tiny() -> None:
    with pytest.raises(UnicodeDecodeError):
        generate("invalid-bytes", 1).decode("utf-8")


def test_go_test_wrap_is_go_test_where_about_a_fifth_of_the_lines_wrap() -> None:
    text = _text("go-test-wrap", 300_000)
    for marker in ("=== RUN   Test", "--- PASS", "--- FAIL", "Error Trace:", "expected: ", "/pkg/mod/", "ok  \t"):
        assert marker in text, marker
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).expandtabs(8) for line in text.split("\r\n")]
    wrapping = sum(_cells(line) > 120 for line in lines) / len(lines)
    assert 0.15 <= wrapping <= 0.3, wrapping


def test_insert_mode_inserts_deletes_and_writes_with_autowrap_off() -> None:
    text = _text("insert-mode", 100_000)
    assert text.count("\x1b[4h") == text.count("\x1b[4l") > 100
    assert re.search(r"\x1b\[\d+@", text) and re.search(r"\x1b\[\d+P", text)  # ICH, DCH
    assert re.search(r"\x1b\[\d+D\x1b\[4h", text)  # back into the line, then insert
    status = re.findall(r"\x1b\[\?7l\x1b\[40;1H\x1b\[7m(.*?)\x1b\[0m\x1b\[\?7h", text)
    assert status and min(len(s) for s in status) > 120  # cut at the edge, not wrapped


def test_windows_console_mixes_conpty_repaints_with_ill_formed_input() -> None:
    data = generate("windows-console", 100_000)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "正在运行测试".encode("gbk") in data
    for piece in (b"\x1b[?25l", b"\x1b[K", b"\r\r\n", b"\x00", b"\x1a", b"\x1b[?9001h", b"\x1b]0;", b"\x9b31m"):
        assert piece in data, piece
    assert re.search(rb"\x1b\[\d+;1H", data)  # ConPTY positions each repainted line


def test_line_editor_edits_as_zle_and_readline_do_on_xterm() -> None:
    text = _text("line-editor", 100_000)
    # zsh's ZLE (terminfo ich, dch1, cub1)
    assert re.search(r"\x1b\[@[ -~]", text)  # ICH and the typed character
    assert re.search(r"\x1b\[2@[\u4e00-\u9fff]", text)  # a wide one opens two cells
    assert "\b\x1b[P" in text  # backspace in the middle: BS, DCH
    assert re.search(r"\x1b\[\d+D", text) and "\b\b" in text  # back by CUB and by BS
    assert re.search(r"[ -~]\x1b\[K", text)  # a recalled line drawn over the old one
    # bash 5.2's readline, as captured on a pty: the rest of the line redrawn and BSs back over it
    assert re.search(r"\x08[a-z]([ -~]+)\x08+", text)  # a character typed in the middle
    assert re.search(r"\x08\x1b\[1P[ -~]+\x08+", text)  # a deleting backspace: BS, DCH 1, the redraw
    assert re.search(r"\$ \x1b\[1@[ -~]", text) or "\x08\x1b[1@" in text  # ICH 1 at the start of the line
    # bracketed paste on before every prompt, off after every line
    prompts = text.count("dev@host")
    assert prompts > 100
    assert text.count("\x1b[?2004hdev@host") + text.count("\x1b[?2004h\x1b[1;32mdev@host") == prompts
    assert text.count("\r\n\x1b[?2004l\r") == prompts
    assert "\x1b[4h" not in text and "\x1b[?7l" not in text  # no IRM, no autowrap off: that is insert-mode


def test_line_editor_never_moves_back_into_its_prompt() -> None:
    from app.vt import Terminal

    term = Terminal(cols=200, rows=40, scrollback=100_000)
    term.feed(generate("line-editor", 100_000))
    rows = [row for row in [*term.history, *term.display] if "dev@host" in row]
    assert len(rows) > 100
    assert all(row.startswith("dev@host:~/src/项目$ ") for row in rows), [r for r in rows if "$ " not in r][:3]


def test_conpty_frames_bracket_each_paint_and_scroll_with_crlf() -> None:
    text = _text("conpty-frames", 200_000)
    frames = re.findall(r"\x1b\[\?25l(.*?)\x1b\[\?25h", text, re.S)
    assert len(frames) > 100
    assert all(frame.endswith("\r\n") and "\x1b[?25" not in frame for frame in frames)
    assert re.search(r"\x1b\[\?25l\x1b\[\d+;1H", text)  # the first changed row reached by CUP
    assert re.search(r"\x1b\[\?25l(?!\x1b\[)", text)  # at the bottom: no CUP, CR LF scrolls
    assert "=== RUN   Test" in text and "\x1b[K\r\n" in text
    assert text.count("\x1b[?9001h") == text.count("\x1b[?9001l") > 10
    assert "\x1b]0;C:\\Windows\\system32\\cmd.exe - go  test -v" in text


def test_go_test_json_is_test2json_events_in_go_s_field_order() -> None:
    text = _text("go-test-json", 200_000)
    lines = text.split("\r\n")
    assert lines[-1] == ""
    events = [json.loads(line) for line in lines[:-1]]
    assert all(list(e)[:3] == ["Time", "Action", "Package"] for e in events)
    assert all(re.fullmatch(r"2026-12-06T\d\d:\d\d:\d\d\.\d{9}\+08:00", e["Time"]) for e in events)
    actions = {e["Action"] for e in events}
    assert {"start", "run", "output", "pass", "fail", "pause", "cont", "skip"} <= actions
    # every event of a package names the package its result line reports
    for e in events:
        if e["Action"] == "output" and e["Output"].startswith(("ok  \t", "FAIL\texample.com/")):
            assert e["Output"].split("\t")[1] == e["Package"]
    assert '"Elapsed":0}' in text and '"Elapsed":0.0}' not in text  # Go writes a float64 0 as 0
    assert "\x1b" not in text and "\\u001b" not in text  # no colour: -json output is plain
    assert "\\t" in text and "\\n" in text and "测试" in text  # controls escaped, non-ASCII as UTF-8
    assert sum(_cells(line) > 120 for line in lines) > len(lines) / 2  # most lines wrap


def test_progress_bars_rewrite_lines_in_place() -> None:
    text = _text("progress-bars", 200_000)
    assert re.search(r"Receiving objects: +\d+% \(\d+/\d+\), [\d.]+ MiB \| [\d.]+ MiB/s\r", text)  # git
    assert re.search(r"Resolving deltas: 100% \((\d+)/\1\), done\.\r\n", text)
    assert "\r\x1b[2K   \x1b[38;5;197m━" in text and "\x1b[?25l" in text  # pip/rich: CR, EL, bar, no cursor
    assert re.search(r"\x1b\[\d+A\x1b\[2K\x1b\[34m\[\+\] Building", text)  # BuildKit: up, redraw the block
    assert text.count("\r") > 3 * text.count("\n")  # mostly rewrites, not new lines
    assert "\n" not in text.replace("\r\n", "")  # line ends as a pty gives them


def test_plain_ascii_is_printable_ascii_with_long_lines() -> None:
    data = generate("plain-ascii", SIZE)
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(line.isascii() and bytes(line).decode().isprintable() for line in lines)
    assert max(map(len, lines)) > 120


# --- runner with stand-in engines (no dependence on app.vt) -----------------------------------


class _Sink:
    """An engine that swallows bytes: fast, so the runner's own logic is what is tested."""

    def __init__(self) -> None:
        self.fed = 0

    def feed(self, data: bytes) -> None:
        self.fed += len(data)


def _broken() -> runner.Feed:
    def feed(data: bytes) -> None:
        raise IndexError("boom")

    return feed


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status = main(["--json", *RUN_FAST, *args])
    return status, json.loads(capsys.readouterr().out)


def test_pyte_crash_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "_new_ours", lambda: _Sink().feed)
    monkeypatch.setattr(runner, "_new_pyte", _broken)
    assert main(["--kinds", "go-test-v,plain-ascii", *RUN_FAST]) == 0
    out = capsys.readouterr().out
    assert "pyte crashed: IndexError" in out
    assert "pyte crashed on: go-test-v, plain-ascii" in out

    status, report = _run_json(capsys, "--kinds", "go-test-v")
    assert status == 0
    (row,) = report["results"]
    assert row["pyte_error"] == "IndexError" and row["pyte_mb_s"] is None and row["ratio"] is None


def test_our_crash_is_reported_with_exit_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "_new_ours", _broken)
    monkeypatch.setattr(runner, "_new_pyte", lambda: _Sink().feed)
    assert main(["--kinds", "cjk-wide", *RUN_FAST]) == 1
    assert "crashed: IndexError" in capsys.readouterr().out


def test_pyte_is_fed_a_bounded_prefix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sinks: list[_Sink] = []

    def new_pyte() -> runner.Feed:
        sinks.append(_Sink())
        return sinks[-1].feed

    monkeypatch.setattr(runner, "_new_ours", lambda: _Sink().feed)
    monkeypatch.setattr(runner, "_new_pyte", new_pyte)
    status, report = _run_json(capsys, "--kinds", "sgr-dense", "--pyte-max-kb", "8")
    assert status == 0
    (row,) = report["results"]
    assert row["pyte_bytes"] == sinks[0].fed == 8192 < row["bytes"]


BAD_OPTIONS = [
    ["--kinds", "no"],
    ["--kinds", ""],
    ["--size-mb", "0"],
    ["--size-mb", "x"],
    ["--profile", "?"],
    ["--profile", "pty"],  # the pty case is not an engine stream to profile
    ["--pty-size-mb", "0"],
]


@pytest.mark.parametrize("args", BAD_OPTIONS)
def test_bad_options_exit_2_with_a_hint(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert "python -m app bench" in capsys.readouterr().err


# --- runner with the real engines -----------------------------------------------------------


def test_json_of_a_tiny_run_has_positive_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    status, report = _run_json(capsys, "--kinds", "go-test-v")
    assert status == 0
    assert report["setup"]["cols"] == 120 and report["setup"]["rows"] == 40
    (row,) = report["results"]
    assert row["kind"] == "go-test-v" and row["ours_error"] is None and row["pyte_error"] is None
    for field in ("bytes", "ours_seconds", "ours_mb_s", "pyte_bytes", "pyte_seconds", "pyte_mb_s", "ratio"):
        assert isinstance(row[field], (int, float)) and row[field] > 0, field
    assert report["summary"]["ours_mb_s"] > 0
    assert report["summary"]["ratio_geomean"] > 0


def test_table_names_every_kind_and_the_method(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RUN_FAST, "--pyte-max-kb", "16"]) == 0
    out = capsys.readouterr().out
    for kind in runner.DEFAULT_KINDS:
        assert re.search(rf"^{kind} ", out, re.M), kind
    assert "prefix" in out and "best of 1" in out
    assert "xterm.js" not in out  # --no-peers
    *_, summary, machine = out.rstrip().splitlines()
    assert summary.startswith("summary: ours overall ")
    assert machine.startswith("machine ")  # how busy the machine was (tests/bench/test_machine.py)


# --- the pty case ---------------------------------------------------------------------------


@POSIX
def test_pty_is_a_default_kind_beside_the_streams() -> None:
    assert tuple(runner.DEFAULT_KINDS) == (*KINDS, "pty")


@POSIX
def test_pty_case_json_row_is_measured_and_kept_apart(capsys: pytest.CaptureFixture[str]) -> None:
    status, report = _run_json(capsys, "--kinds", "go-test-v,pty")
    assert status == 0
    engine, pty = report["results"]
    assert engine["via"] == "engine" and pty["via"] == "pty-session"
    assert pty["kind"] == "pty" and pty["ours_error"] is None
    assert pty["bytes"] >= 50_000 and pty["ours_seconds"] > 0 and pty["ours_mb_s"] > 0
    # No pyte figures for the pty row: pyte has no pty or session to compare with.
    assert pty["pyte_bytes"] == 0 and pty["pyte_mb_s"] is None and pty["ratio"] is None
    summary = report["summary"]
    assert summary["pty_mb_s"] == pty["ours_mb_s"]
    assert summary["ours_total_bytes"] == engine["bytes"]  # the engine summary leaves the pty row out
    assert report["setup"]["pty_stream"] == "go-test-v" and report["setup"]["pty_size_mb"] == 0.05


@POSIX
def test_pty_case_table_row_and_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kinds", "pty", *RUN_FAST]) == 0
    out = capsys.readouterr().out
    row = re.search(r"^pty +([\d,]+) +([\d.]+) +- +-$", out, re.M)
    assert row is not None, out
    assert "through a real pty into a Session" in out and "no pyte or peer figures" in out
    assert re.search(r"^summary: .*pty session [\d.]+ MB/s", out, re.M)


def test_pty_case_loss_is_reported_with_exit_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def lossy(data: bytes, **kwargs: int) -> None:
        raise PtyCaseError(f"bytes lost or changed: 10 of {len(data):,} arrived")

    monkeypatch.setattr(runner, "measure_pty", lossy)
    assert main(["--kinds", "pty", *RUN_FAST]) == 1
    assert "crashed: PtyCaseError: bytes lost or changed: 10 of" in capsys.readouterr().out


@POSIX
def test_measure_pty_passes_every_byte_value_exactly() -> None:
    """Raw tty: all 256 byte values (controls, ESC, invalid UTF-8) arrive as written, or measure_pty raises."""
    data = bytes(range(256)) * 64 + generate("invalid-bytes", 20_000)
    measured = measure_pty(data, cols=80, rows=24, scrollback=100, bytelog_cap=4096)
    assert measured.bytes == len(data) and measured.chunks >= 1
    assert measured.retained_bytes <= 4096
    assert measured.dropped_bytes == len(data) - measured.retained_bytes


def test_profile_prints_the_top_functions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "go-test-v", "--size-mb", "0.05", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "tottime" in out and "profile of our engine on go-test-v" in out
