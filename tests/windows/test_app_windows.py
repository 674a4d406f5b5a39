"""The command line and the window's screenshot under the Windows CPython: the same engine gives the same screen
as on Linux, ``--version`` and the probes answer, and the window renders offscreen (PySide6 on Windows, with the
lane's icuuc shim and fonts)."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from app.pty._win32 import is_wine
from app.record.cast import read_cast
from app.vt import Terminal
from tests.windows.conftest import REPO

SAMPLE = REPO / "resources" / "samples" / "go-test-utf8.cast"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, encoding="utf-8")


def expected_screen(path: Path) -> list[str]:
    with path.open("rb") as f:
        recording = read_cast(f)
    term = Terminal(cols=recording.header.width, rows=recording.header.height, scrollback=10_000)
    term.feed(recording.output_bytes())
    return [row.rstrip() for row in [*term.history, *term.display]]


def test_version() -> None:
    done = cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == "mojiscope 0.1.0"


def test_render_shows_the_recorded_screen() -> None:
    done = cli("render", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == expected_screen(SAMPLE)
    assert "=== RUN   Test加法" in lines


def test_bad_input_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = cli("render", str(tmp_path / "missing.cast"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no such file" in done.stderr


def test_backends_off_this_machine_say_so() -> None:
    """pywinpty's OpenConsole needs \\\\Device\\\\ConDrv, which Wine refuses: a clear error, not a crash."""
    done = cli("record", "--backend", "pty", "-o", "x.cast", "--", "cmd.exe", "/c", "echo")
    assert done.returncode == 2
    assert "not available on Windows" in done.stderr


def test_screenshot_renders_the_window(tmp_path: Path) -> None:
    out = tmp_path / "window.png"
    done = cli("screenshot", "--replay", str(SAMPLE), "--size", "1000x640", "-o", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 640)
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    colours = {image.pixel(x, y) for x in range(0, 1000, 7) for y in range(0, 640, 7)}
    assert len(colours) > 20  # text, panels and chrome, not a blank frame


def test_the_terminal_font_is_a_windows_monospace_with_a_cjk_fallback(qapp: object) -> None:
    """On Windows the view names its fonts (Qt has no "monospace" alias there): Cascadia Mono or Consolas where
    Windows has them (in the lane DejaVu Sans Mono), then CJK fallbacks such as Microsoft YaHei and SimSun (in the
    lane WenQuanYi Micro Hei); the first fallback has 加."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    from app.widgets.terminal_view import CJK_FALLBACK_FAMILIES, WINDOWS_MONOSPACE_FAMILIES, default_font

    installed = set(QFontDatabase.families())
    families = default_font().families()
    assert families[0] == next(f for f in WINDOWS_MONOSPACE_FAMILIES if f in installed)
    assert families[1:] == [f for f in CJK_FALLBACK_FAMILIES if f in installed and f != families[0]]
    assert {"Microsoft YaHei", "SimSun"} <= set(CJK_FALLBACK_FAMILIES)
    if is_wine():
        assert families[0] == "DejaVu Sans Mono" and families[1].startswith("WenQuanYi Micro Hei")
    assert QRawFont.fromFont(QFont(families[1])).supportsCharacter("加")


def test_the_screenshot_loads_windows_fonts_by_file_name(qapp: object, tmp_path: Path) -> None:
    """Offscreen on Windows Qt knows no system fonts: the screenshot registers Windows' own (Segoe UI, Cascadia
    Mono, Consolas, Microsoft YaHei, SimSun) from %WINDIR%\\Fonts, .ttc collections included. Here the lane's
    DejaVu Sans Mono and WenQuanYi collection stand in under Consolas' and YaHei's file names."""
    import shutil

    from app.app_main import WINDOWS_FONT_FILES, load_fonts
    from tests.windows.conftest import LANE

    fonts = LANE / "site" / "PySide6" / "lib" / "fonts"
    shutil.copy(fonts / "DejaVuSansMono.ttf", tmp_path / "consola.ttf")
    shutil.copy(fonts / "wqy-microhei.ttf", tmp_path / "msyh.ttc")
    assert {"consola.ttf", "msyh.ttc"} <= set(WINDOWS_FONT_FILES)
    families = load_fonts(tmp_path)
    assert "DejaVu Sans Mono" in families
    assert any(f.startswith("WenQuanYi Micro Hei") for f in families)
    assert load_fonts(tmp_path / "missing") == []
