"""The frozen Windows build (packaging/windows/build.sh, run by tests/windows/run.sh before these tests) under Wine:
the console program answers --version, renders a recording exactly, reports a console's code page (in-process and
through its re-entered helper: no sys.executable -m/-c in a frozen build), and makes a screenshot; the window's exe
is a GUI-subsystem program."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from pathlib import Path

from app.pty import SpawnSpec, spawn
from app.pty.reentry import HELPER_FLAG
from tests.windows.conftest import LANE, REPO, drain, run
from tests.windows.test_app_windows import SAMPLE, expected_screen
from tests.windows.test_codepage_probe import ENTER, wait_for

DIST = REPO / "dist" / "mojiscope-windows-x64"
CLI = DIST / "mojiscope-cli.exe"


def frozen(*args: str) -> subprocess.CompletedProcess[str]:
    if not CLI.is_file():
        raise AssertionError(f"{CLI} is missing: bash packaging/windows/build.sh (tests/windows/run.sh runs it)")
    # Wine's Windows has none of the fonts the screenshot registers (app_main.WINDOWS_FONT_FILES): Qt reads the
    # lane's from QT_QPA_FONTDIR instead (the folder of the lane's own PySide6).
    env = {**os.environ, "QT_QPA_FONTDIR": str(LANE / "site" / "PySide6" / "lib" / "fonts")}
    return subprocess.run(
        [str(CLI), *args], capture_output=True, encoding="utf-8", creationflags=subprocess.DETACHED_PROCESS, env=env
    )


def subsystem(exe: Path) -> int:
    """The PE header's Subsystem field: 2 a GUI program, 3 a console program."""
    data = exe.read_bytes()
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[pe : pe + 4] == b"PE\0\0"
    return int(struct.unpack_from("<H", data, pe + 24 + 68)[0])


def test_two_programs_the_window_without_a_console() -> None:
    assert subsystem(DIST / "mojiscope.exe") == 2
    assert subsystem(CLI) == 3
    assert (DIST.parent / "mojiscope-windows-x64.zip").is_file()


def test_version_and_render() -> None:
    version = frozen("--version")
    assert (version.returncode, version.stdout.strip()) == (0, "mojiscope 0.1.0")
    shown = frozen("render", str(SAMPLE))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == expected_screen(SAMPLE)


def test_codepage_of_a_cmd_at_936() -> None:
    async def go() -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
        source = spawn(SpawnSpec(["cmd.exe"]), "conpty-inbox")
        await source.start()
        seen = bytearray()
        try:
            await wait_for(source, b">", seen)
            source.write(b"chcp 936" + ENTER)
            await wait_for(source, b"Active code page: 936", seen)
            pid = str(source.pid)
            report, helper = frozen("codepage", "--pid", pid), frozen(HELPER_FLAG, "console-codepages", pid)
            source.write(b"exit" + ENTER)
            await drain(source)
            return report, helper
        finally:
            await source.close()

    report, helper = run(go())
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert "decode this session's bytes as gbk" in lines
    assert "console output code page: 936" in lines
    assert json.loads(helper.stdout)["console_output_cp"] == 936


def test_screenshot(tmp_path: Path) -> None:
    out = tmp_path / "frozen.png"
    done = frozen("screenshot", "--replay", str(SAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Cannot find font directory" not in done.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 800)
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 20  # text, panels and chrome, not a blank frame
