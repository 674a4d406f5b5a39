"""End to end: the real main window on a real bash, and the ``screenshot`` command as a user runs it.

Waiting is done by running the qasync loop (Qt events included) until a condition holds, with a
bound on the number of polls rather than any assertion about elapsed time.
"""

from __future__ import annotations

import asyncio
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import qasync

from app.widgets.main_window import MainWindow
from app.widgets.qt import QtWidgets
from app.widgets.settings import AppSettings, open_settings

ROOT = Path(__file__).resolve().parents[1]
POLL = 0.02
MAX_POLLS = 1500  # generous: a slow CI machine starting bash


@pytest.fixture
def loop(qapp: QtWidgets.QApplication) -> Iterator[qasync.QEventLoop]:
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


async def until(condition: Callable[[], bool], what: Callable[[], str]) -> None:
    for _ in range(MAX_POLLS):
        if condition():
            return
        await asyncio.sleep(POLL)
    raise AssertionError(f"gave up waiting: {what()}")


def test_main_window_on_a_real_bash(qtbot: Any, loop: qasync.QEventLoop, tmp_path: Path) -> None:
    ours = psutil.Process()
    before = {p.pid for p in ours.children(recursive=True)}
    settings = AppSettings(open_settings(str(tmp_path / "settings.ini")))
    settings.profile = "bash"
    window = MainWindow(settings, loop=loop)
    window.resize(1000, 600)
    window.show()
    qtbot.waitExposed(window)
    try:
        tab = window.new_session()
        assert tab.session.plan is not None and tab.session.plan.profile == "bash"
        session = tab.session

        def screen() -> str:
            return "\n".join([*tab.terminal.history, *tab.terminal.display])

        # The prompt shows once bash has started and read its startup files.
        loop.run_until_complete(until(lambda: session.running and screen().strip() != "", screen))
        child = session.source.pid
        assert child is not None and psutil.pid_exists(child)

        # Typed as keys into the terminal widget: they leave it as bytes and reach bash through the pty.
        tab.view.setFocus()
        qtbot.keyClicks(tab.view, "echo mojiscope-$((6*7))")
        qtbot.keyClick(tab.view, "\r")

        def output_seen() -> bool:
            lines = [line.rstrip() for line in screen().splitlines()]
            return "mojiscope-42" in lines and b"mojiscope-42\r\n" in session.bytelog.slice(0)

        loop.run_until_complete(until(output_seen, screen))
        # The bytes are in the Bytes panel too (it shows this tab's log).
        window.hex_view.flush_refresh()
        assert window.hex_view.model.log is session.bytelog
        hit = window.hex_view.find_text("mojiscope-42\r\n")
        assert hit is not None
        assert session.bytelog.slice(hit, hit + 14) == b"mojiscope-42\r\n"
        # And clicking the output row selects the bytes that wrote it.
        tab.view.flush_now()
        row = next(
            i
            for i, text in enumerate([*tab.terminal.history, *tab.terminal.display])
            if text.rstrip() == "mojiscope-42"
        )
        window.select_cell(row, 0)  # answered at once, or in slices between frames
        loop.run_until_complete(until(lambda: tab.cell_job is None, screen))
        selected = window.hex_view.selection()
        # Cell granularity: the one byte that printed the "m", found by replaying the row's bytes.
        assert selected is not None and session.bytelog.slice(*selected) == b"m"
        assert selected == (hit, hit + 1)
        assert tab.cells_of_bytes(hit, hit + 12) == [(row, col) for col in range(12)]
        descendants = {p.pid for p in psutil.Process(child).children(recursive=True)} | {child}

        # Closing the window as a user does, while the loop runs: sessions are closed first.
        async def close() -> None:
            closed: asyncio.Future[None] = loop.create_future()

            def on_closed() -> None:
                if not closed.done():
                    closed.set_result(None)

            window.closed.connect(on_closed)
            window.close()
            await asyncio.wait_for(closed, 30)

        loop.run_until_complete(close())
        assert not window.isVisible()
        assert session.exit_status is not None
        survivors = [pid for pid in descendants if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        assert survivors == []
        left = {p.pid for p in ours.children(recursive=True)} - before
        assert left == set(), f"child processes survived the window: {left}"
    finally:
        loop.run_until_complete(window.aclose())  # a no-op when the test closed it; else no orphans
    window.deleteLater()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


def test_screenshot_command_writes_a_png_of_the_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    done = _run(
        "screenshot",
        "--replay",
        "resources/samples/gbk-bytes.cast",
        "--size",
        "900x560",
        "--encoding",
        "cp936",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert _png_size(out) == (900, 560)
    assert done.stderr.strip().splitlines() == [f"mojiscope screenshot: {out}: 900x560"]


def test_screenshot_command_demo_by_default(tmp_path: Path) -> None:
    out = tmp_path / "demo.png"
    done = _run("screenshot", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert _png_size(out) == (1280, 800)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replay", "no/such.cast"], "no such file"),
        (["--size", "big"], "is not a size"),
        (["--encoding", "klingon"], "klingon"),
    ],
)
def test_screenshot_command_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = _run("screenshot", *args, "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not (tmp_path / "x.png").exists()


def test_screenshot_command_unwritable_output(tmp_path: Path) -> None:
    done = _run("screenshot", "-o", str(tmp_path / "missing-dir" / "x.png"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0], done.stderr
