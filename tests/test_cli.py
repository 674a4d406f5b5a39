"""``python -m app render|inspect`` end to end, in a child process as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, data: bytes, name: str = "capture.bin") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def assert_usage_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# ------------------------------------------------------------------ render
def test_render_history_then_screen(tmp_path: Path) -> None:
    data = b"one\r\ntwo  \r\n\x1b[1mthree\x1b[0m\r\nfour\r\n\x1b[31mfive\x1b[0m"
    done = run("render", write(tmp_path, data), "--cols", "10", "--rows", "3")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == "one\ntwo\nthree\nfour\nfive\n"  # history: one, two; screen: three..five


def test_render_cursor_motion_and_wrap(tmp_path: Path) -> None:
    data = b"abcdefgh\x1b[1;3HXY\x1b[3;2Hz"
    done = run("render", write(tmp_path, data), "--cols", "6", "--rows", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "abXYef\ngh\n z\n"


def test_render_gbk_with_cp936(tmp_path: Path) -> None:
    path = write(tmp_path, "--- PASS: Test中文名称 (0.00s)\r\n".encode("gbk"))
    done = run("render", path, "--cols", "40", "--rows", "2", "--encoding", "cp936")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "--- PASS: Test中文名称 (0.00s)\n\n"


def test_render_gbk_as_utf8_shows_replacement(tmp_path: Path) -> None:
    path = write(tmp_path, "中文".encode("gbk"))
    done = run("render", path, "--cols", "20", "--rows", "1")
    assert done.returncode == 0, done.stderr
    assert "\ufffd" in done.stdout
    assert "中" not in done.stdout
    # The same U+FFFD per maximal ill-formed subpart as Python's own decoder.
    assert done.stdout == "中文".encode("gbk").decode("utf-8", errors="replace") + "\n"


def test_render_truncated_character_at_end_is_flushed(tmp_path: Path) -> None:
    done = run("render", write(tmp_path, b"ok\xe4\xbd"), "--cols", "10", "--rows", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\ufffd\n"


def test_render_from_stdin() -> None:
    done = run("render", "-", "--cols", "10", "--rows", "2", stdin=b"hi\r\nthere")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hi\nthere\n"


# ------------------------------------------------------------------ inspect
def test_inspect_text(tmp_path: Path) -> None:
    data = b"a\x1b[1;31m\xe4\xbd\xa0\r\n"
    done = run("inspect", write(tmp_path, data))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "00000000  61                        text        1 ASCII character",
        "00000001  1B 5B 31 3B 33 31 6D      CSI         CSI 1;31 m  SGR: bold, foreground red",
        "00000008  E4 BD A0                  text        U+4F60 你",
        "00000011  0D                        control     CR: carriage return",
        "00000012  0A                        control     LF: line feed",
    ]


def test_inspect_cp936(tmp_path: Path) -> None:
    done = run("inspect", write(tmp_path, b"\xc4\xe3"), "--encoding", "cp936")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "00000000  C4 E3                     text        U+4F60 你\n"


def test_inspect_json(tmp_path: Path) -> None:
    data = b"a\x1b[1;31m\xff"
    done = run("inspect", write(tmp_path, data + b"b"), "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows == [
        {"offset": 0, "data": "61", "kind": "text", "sequence": "", "meaning": "1 ASCII character", "supported": True},
        {
            "offset": 1,
            "data": "1B 5B 31 3B 33 31 6D",
            "kind": "CSI",
            "sequence": "CSI 1;31 m",
            "meaning": "SGR: bold, foreground red",
            "supported": True,
        },
        {
            "offset": 8,
            "data": "FF",
            "kind": "invalid",
            "sequence": "",
            "meaning": "invalid bytes → U+FFFD",
            "supported": False,
        },
        {"offset": 9, "data": "62", "kind": "text", "sequence": "", "meaning": "1 ASCII character", "supported": True},
    ]


def test_inspect_from_to(tmp_path: Path) -> None:
    path = write(tmp_path, b"ab\x1b[1mcd\r\nef")
    done = run("inspect", path, "--from", "6", "--to", "9", "--json")
    assert done.returncode == 0, done.stderr
    assert [(r["offset"], r["data"]) for r in map(json.loads, done.stdout.splitlines())] == [(6, "63 64"), (8, "0D")]
    done = run("inspect", path, "--from", "0x0a", "--json")
    assert [(r["offset"], r["data"]) for r in map(json.loads, done.stdout.splitlines())] == [(10, "65 66")]


# ------------------------------------------------------------------ bad input
def test_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.bin")
    assert_usage_error(run("render", missing), missing, "no such file")
    assert_usage_error(run("inspect", missing), missing, "no such file")


def test_directory(tmp_path: Path) -> None:
    assert_usage_error(run("render", str(tmp_path)), "directory")
    assert_usage_error(run("inspect", str(tmp_path)), "directory")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, b"x")
    done = run("render", path, "--encoding", "klingon")
    assert_usage_error(done, "klingon", "utf-8", "gbk", "cp437")
    assert_usage_error(run("inspect", path, "--encoding", "klingon"), "klingon", "utf-8")


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "100000"])
def test_bad_cols(tmp_path: Path, value: str) -> None:
    assert_usage_error(run("render", write(tmp_path, b"x"), f"--cols={value}"), "--cols", repr(value))


def test_bad_rows(tmp_path: Path) -> None:
    assert_usage_error(run("render", write(tmp_path, b"x"), "--rows", "0"), "--rows")


def test_to_before_from(tmp_path: Path) -> None:
    assert_usage_error(run("inspect", write(tmp_path, b"xyz"), "--from", "5", "--to", "2"), "--to", "--from")


def test_bad_offset(tmp_path: Path) -> None:
    assert_usage_error(run("inspect", write(tmp_path, b"xyz"), "--from", "-1"), "--from")
    assert_usage_error(run("inspect", write(tmp_path, b"xyz"), "--to", "ten"), "--to")


def test_unknown_command() -> None:
    done = run("frobnicate")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ redirected captures (bare LFs)
def test_a_redirected_capture_is_named_and_onlcr_renders_it_as_a_pty_would(tmp_path: Path) -> None:
    path = write(tmp_path, "=== RUN   Test加法\n--- PASS: Test加法 (0.00s)\nok\tx\t0.1s\n".encode(), "out.txt")
    staircase = run("render", path, "--cols", "40", "--rows", "4")
    assert staircase.returncode == 0
    assert staircase.stdout.splitlines()[1].startswith(" ")  # LF alone: down, not back to the left
    assert "add --onlcr" in staircase.stderr and len(staircase.stderr.splitlines()) == 1
    fixed = run("render", path, "--cols", "40", "--rows", "4", "--onlcr")
    assert (fixed.returncode, fixed.stderr) == (0, "")
    assert fixed.stdout.splitlines() == ["=== RUN   Test加法", "--- PASS: Test加法 (0.00s)", "ok      x       0.1s", ""]
    listing = run("inspect", path, "--onlcr")
    assert listing.returncode == 0 and listing.stderr == ""
    assert "0D                        control     CR: carriage return" in listing.stdout


def test_a_pty_capture_gets_no_staircase_note(tmp_path: Path) -> None:
    done = run("render", write(tmp_path, b"a\r\nb\r\nc\r\n"), "--cols", "10", "--rows", "4")
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "a\nb\nc\n\n")
