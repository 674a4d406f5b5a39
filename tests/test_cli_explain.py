"""``python -m app explain`` end to end, in a child process as a user runs it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from app.inspect.explain import MAX_BYTES
from tests.test_cli import assert_usage_error, run, write
from tests.test_cli_recordings import _peak_rss_kb


def test_text_names_utf8_read_as_gbk() -> None:
    done = run("explain", "浣犲ソ")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "UTF-8 bytes read as GBK (cp936): 浣犲ソ → 你好"
    assert "step 1: written as UTF-8, read as GBK (cp936): E4 BD A0 E5 A5 BD" in lines


def test_hex_names_gbk_read_as_utf8() -> None:
    done = run("explain", "--hex", "C4 E3 BA C3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("GBK (cp936) bytes read as UTF-8: ")
    assert done.stdout.splitlines()[0].endswith(" → 你好")


def test_file_with_read_as(tmp_path: Path) -> None:
    path = write(tmp_path, "Ошибка соединения".encode("cp866"))
    done = run("explain", "--file", path, "--read-as", "cp1251")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("cp866 (DOS Cyrillic) bytes read as cp1251 (Windows Cyrillic): ")
    assert "original: Ошибка соединения" in done.stdout


def test_json_has_original_chain_confidence_lost() -> None:
    done = run("explain", "--json", "ÃƒÂ©tÃƒÂ©")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["original"] == "été"
    assert answer["chain"] == [["UTF-8", "cp1252 (Windows Latin-1)"]] * 2
    assert 0.9 < answer["confidence"] <= 1.0
    assert answer["lost"] == []
    assert answer["steps"][0]["bytes"] == "c3 a9 74 c3 a9"


def test_json_says_what_was_lost() -> None:
    answer = json.loads(run("explain", "--json", "浣犲ソ锛屼笘鐣?").stdout)
    assert answer["original"] == "你好，世\ufffd"
    assert len(answer["lost"]) == 1 and "the bytes are needed" in answer["lost"][0]


@pytest.mark.parametrize("text", ["你好，世界", "Привет, мир", "=== RUN   TestAdd", "Ça va? Très bien."])
def test_clean_text(text: str) -> None:
    done = run("explain", text)
    assert done.returncode == 0
    assert done.stdout == "no mojibake found\n"
    assert json.loads(run("explain", "--json", text).stdout)["original"] is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--hex", "E4 BD Z0"], "is not hex bytes"),
        (["--file", "/nonexistent/capture.bin"], "no such file"),
        ([], "give exactly one of"),
        (["浣犲ソ", "--hex", "E4"], "give exactly one of"),
        ([""], "the text is empty"),
        (["--hex", ""], "no bytes to explain"),
        (["--hex", "E4", "--read-as", "nope"], "--read-as"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: list[str], fragment: str) -> None:
    assert_usage_error(run("explain", *args), fragment)


def test_an_empty_file_is_bad_input(tmp_path: Path) -> None:
    assert_usage_error(run("explain", "--file", write(tmp_path, b"")), "the input is empty")


# ------------------------------------------------------------------ two-views
def test_two_views_runs_a_command_on_a_pty_and_through_pipes() -> None:
    import sys

    script = "import sys; print('你好 tty=' + str(sys.stdout.isatty()))"
    done = run("two-views", "--", sys.executable, "-c", script)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "pty: 17 bytes, exit status 0"  # 你好 tty=True CR LF
    assert lines[1] == "pipe: 17 bytes, exit status 0"  # 你好 tty=False LF
    assert "1 screen rows differ" in lines[2]
    assert "row   1 pty  | 你好 tty=True" in lines
    assert "row   1 pipe | 你好 tty=False" in lines
    answer = json.loads(run("two-views", "--json", "--", sys.executable, "-c", script).stdout)
    assert answer["terminal"]["bytes"].endswith("0d 0a") and answer["pipe"]["bytes"].endswith("65 0a")
    assert answer["differing_rows"] == [0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [([], "give the command to run"), (["--", "no-such-program-here"], "command not found"),
     (["--timeout", "0", "--", "true"], "--timeout")],
)  # fmt: skip
def test_two_views_bad_input(args: list[str], fragment: str) -> None:
    assert_usage_error(run("two-views", *args), fragment)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux (the bound is about Linux's)")
def test_a_big_file_is_explained_by_its_start_in_bounded_memory(tmp_path: Path) -> None:
    """Only the first MAX_BYTES are explained: the rest is counted, not held (the whole 64 MB file was read)."""
    path = tmp_path / "big.bin"
    with path.open("wb") as f:
        for _ in range(64):
            f.write("你好，世界。".encode("gbk") * (1024 * 1024 // 12) + b"\xc4\xe3\xba\xc3")
    size = path.stat().st_size
    done, peak_kb = _peak_rss_kb("explain", "--file", str(path))
    assert done.returncode == 0, done.stderr
    assert "step 1: written as GBK (cp936), read as UTF-8: C4 E3 BA C3" in done.stdout  # (its last 2000 characters)
    assert f"note: explained the first {MAX_BYTES} of {size} bytes" in done.stdout
    assert peak_kb < 80 * 1024, f"peak RSS {peak_kb / 1024:.0f} MiB for a {size / 2**20:.0f} MiB file"
