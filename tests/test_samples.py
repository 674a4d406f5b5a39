"""The sample recordings in ``resources/samples`` and the Go demo module they were made from.

Each sample must read cleanly and show what its README line claims; the demo module must pass
``go test`` (CI installs Go) and ``make_samples.py`` must recreate recordings that render the same.
Durations (``(0.00s)``, ``0.207s``) are the only thing allowed to differ between runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.record.cast import OutputEvent, Recording, read_cast

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
DEMO = ROOT / "resources" / "demo" / "gotest"
NAMES = ["go-test-utf8.cast", "gbk-bytes.cast", "split-char.cast", "invalid-bytes.cast", "go-test-fail.cast"]
#: The exit status each sample's go test ended with (the FAIL sample's run fails on purpose).
STATUS = {"go-test-fail.cast": 1}
#: Made in the Windows lane (resources/samples/make_windows_samples.py): cmd.exe on the in-box ConPTY, Wine's conhost.
WINDOWS_NAMES = ["win-cmd936-writefile-utf8.cast", "win-cmd65001-writefile-utf8.cast", "win-cmd936-go-console.cast"]
GBK = bytes.fromhex("C4 E3 BA C3 A3 AC CA C0 BD E7")  # "你好，世界" in GBK
INVALID = b"invalid: \xff\xfe|\x80|\xe4\xbd|end"
GO_ENV = {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GOPROXY": "off"}


def render(path: Path, *args: str) -> list[str]:
    """``python -m app render FILE ARGS`` as a user runs it; its lines, durations blanked."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "render", str(path), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    return [blank_durations(line) for line in done.stdout.splitlines()]


def blank_durations(line: str) -> str:
    """Tabs expanded as a terminal does, and the times, which differ from run to run, as ``Ns``."""
    line = re.sub(r"\(\d+\.\d+s\)", "(Ns)", line.expandtabs(8))
    return re.sub(r"\s+\d+\.\d+s$", " Ns", line)


def sample(name: str) -> Recording:
    return read_cast(SAMPLES / name, strict=True)


def test_readme_has_one_line_per_sample_and_nothing_else() -> None:
    listed = re.findall(r"^- `([^`]+\.cast)` — \S", (SAMPLES / "README.md").read_text(encoding="utf-8"), re.M)
    assert listed == NAMES + WINDOWS_NAMES
    assert sorted(p.name for p in SAMPLES.glob("*.cast")) == sorted(NAMES + WINDOWS_NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_sample_reads_whole_with_its_status(name: str) -> None:
    rec = sample(name)
    assert rec.truncated is False
    assert rec.exit_status == STATUS.get(name, 0)
    assert rec.exact_bytes is True
    assert rec.header.mojiscope is not None
    assert rec.header.mojiscope["backend"] == "pty"
    assert rec.header.mojiscope["argv"][:4] == ["go", "test", "-v", "-count=1"]
    assert (SAMPLES / name).stat().st_size < 8192  # small enough to keep in the repo


# The screen of a whole `go test -v` run of the demo module (100 columns, 30 rows: no scrolling).
GO_TEST_SCREEN = [
    "=== RUN   Test加法",
    "    mojidemo_test.go:12: 日志：你好，世界",
    "=== RUN   Test加法/子测试_1",
    "=== RUN   Test加法/子测试_2",
    "--- PASS: Test加法 (Ns)",
    "    --- PASS: Test加法/子测试_1 (Ns)",
    "    --- PASS: Test加法/子测试_2 (Ns)",
    "=== RUN   Test失败",
    "--- PASS: Test失败 (Ns)",
    "=== RUN   TestGBK",
    "GBK: " + GBK.decode("utf-8", "replace"),
    "--- PASS: TestGBK (Ns)",
    "=== RUN   TestSplit",
    "split: 你好",
    "--- PASS: TestSplit (Ns)",
    "=== RUN   TestInvalid",
    "invalid: \ufffd\ufffd|\ufffd|\ufffd|end",
    "--- PASS: TestInvalid (Ns)",
    "PASS",
    "ok      example.com/mojidemo Ns",
]


def test_go_test_utf8_shows_chinese_names_and_log_lines() -> None:
    rows = sample("go-test-utf8.cast").header.height
    assert render(SAMPLES / "go-test-utf8.cast") == GO_TEST_SCREEN + [""] * (rows - len(GO_TEST_SCREEN))
    assert "=== RUN   Test加法/子测试_1\r\n".encode() in sample("go-test-utf8.cast").output_bytes()


def test_gbk_bytes_are_mojibake_as_utf8_and_text_as_gbk() -> None:
    rec = sample("gbk-bytes.cast")
    assert b"\r\nGBK: " + GBK + b"\r\n" in rec.output_bytes()
    # The "o" text lost the bytes (asciinema's decode), so a "b" event carries them.
    assert any(e.text.encode() != e.data for e in rec.outputs)
    as_gbk = render(SAMPLES / "gbk-bytes.cast", "--encoding", "gbk")
    as_utf8 = render(SAMPLES / "gbk-bytes.cast")
    assert as_gbk[:2] == ["=== RUN   TestGBK", "GBK: 你好，世界"]
    assert as_utf8[:2] == ["=== RUN   TestGBK", "GBK: \ufffd\ufffdã\ufffd\ufffd\ufffd\ufffd\ufffd"]
    assert "你好" not in "\n".join(as_utf8)


def test_split_char_has_a_chunk_boundary_inside_a_character() -> None:
    outputs: list[OutputEvent] = sample("split-char.cast").outputs
    cuts = [i for i in range(len(outputs) - 1) if outputs[i].data.endswith(b"split: \xe4\xbd")]
    assert len(cuts) == 1
    first, second = outputs[cuts[0]], outputs[cuts[0] + 1]
    assert second.data.startswith(b"\xa0" + "好".encode())
    # asciinema's text: the half character waits for the next event, which shows it whole.
    assert first.text.endswith("split: ")
    assert second.text.startswith("你好\r\n")
    assert first.text.encode() != first.data and second.text.encode() != second.data  # both need a "b"
    assert second.t > first.t
    assert render(SAMPLES / "split-char.cast")[1] == "split: 你好"


def test_invalid_bytes_are_kept_exactly_and_shown_as_replacement() -> None:
    rec = sample("invalid-bytes.cast")
    assert INVALID + b"\r\n" in rec.output_bytes()
    assert any(INVALID in e.data and e.text.encode() != e.data for e in rec.outputs)
    assert render(SAMPLES / "invalid-bytes.cast")[1] == "invalid: \ufffd\ufffd|\ufffd|\ufffd|end"


# ------------------------------------------------------------------ the Windows samples (Wine's conhost)


@pytest.mark.parametrize(
    ("name", "code_page", "line"),
    [
        ("win-cmd936-writefile-utf8.cast", 936, "utf8:鍔犳硶:end"),  # the UTF-8 bytes read as GBK by conhost
        ("win-cmd65001-writefile-utf8.cast", 65001, "utf8:加法:end"),
        ("win-cmd936-go-console.cast", 936, "text:加法:end"),  # WriteConsoleW: no code page involved
    ],
)
def test_windows_sample_shows_what_the_console_host_made(name: str, code_page: int, line: str) -> None:
    rec = sample(name)
    meta = rec.header.mojiscope
    assert meta is not None
    assert (meta["backend"], meta["platform"]) == ("conpty-inbox", "win32")
    assert meta["os"].endswith("under Wine 8.0")  # made under Wine's console host, and it says so
    assert meta["argv"][:2] == ["cmd.exe", "/c"] and meta["argv"][2].startswith(f"chcp {code_page}>nul & ")
    assert rec.exit_status == 0 and rec.truncated is False
    assert (SAMPLES / name).stat().st_size < 8192
    assert line.encode() in rec.output_bytes()  # exact bytes: UTF-8 of what conhost passed on
    assert render(SAMPLES / name)[1] == line


def test_go_test_fail_has_the_failure_and_markers_its_line_promises() -> None:
    lines = (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines()
    line = next(text for text in lines if text.startswith("- `go-test-fail"))
    assert "--- FAIL: Test失败" in line and "失败：期望 3，得到 4" in line and "marker" in line
    rec = sample("go-test-fail.cast")
    screen = render(SAMPLES / "go-test-fail.cast")
    assert "--- FAIL: Test失败 (Ns)" in screen
    assert "    mojidemo_test.go:29: 失败：期望 3，得到 4" in screen
    labels = [m.label for m in rec.markers]
    assert labels[:3] == ["RUN Test加法", "RUN Test失败", "FAIL Test失败"]
    assert "FAIL example.com/mojidemo" in labels
    assert rec.header.mojiscope is not None and rec.header.mojiscope["argv"][:4] == ["go", "test", "-v", "-count=1"]


def test_every_sample_has_a_description_the_window_shows() -> None:
    from app.inspect.samples import sample_descriptions

    notes = sample_descriptions(SAMPLES)
    assert sorted(notes) == sorted(NAMES + WINDOWS_NAMES)
    assert all(len(text) > 40 and "`" not in text for text in notes.values())
    assert "GBK bytes" in notes["gbk-bytes.cast"] and "Test失败" in notes["go-test-fail.cast"]


# ------------------------------------------------------------------ the demo module, live
def go_test(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["go", "test", "-v", "-count=1", *args, "./..."],
        cwd=DEMO,
        env={**os.environ, **GO_ENV, **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
        check=False,
    )


def test_demo_module_passes_by_default() -> None:
    done = go_test()
    assert done.returncode == 0, done.stderr
    assert [blank_durations(line) for line in done.stdout.splitlines()] == GO_TEST_SCREEN


def test_demo_module_fails_with_moji_fail() -> None:
    done = go_test("-run", "Test失败", MOJI_FAIL="1")
    assert done.returncode == 1
    assert [blank_durations(line) for line in done.stdout.splitlines()] == [
        "=== RUN   Test失败",
        "    mojidemo_test.go:29: 失败：期望 3，得到 4",
        "--- FAIL: Test失败 (Ns)",
        "FAIL",
        "FAIL    example.com/mojidemo Ns",
        "FAIL",
    ]


def test_make_samples_recreates_the_same_screens(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLES / "make_samples.py"), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)
    for name in NAMES:
        fresh = read_cast(tmp_path / name, strict=True)
        assert fresh.exit_status == STATUS.get(name, 0)
        assert render(tmp_path / name) == render(SAMPLES / name), name
