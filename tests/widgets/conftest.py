"""Shared by the widget tests: asyncio on the Qt loop (qasync), a real main window, replays run to their end."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync

from app.widgets.main_window import MainWindow
from app.widgets.qt import QtWidgets
from app.widgets.session_tab import SessionTab
from app.widgets.settings import AppSettings, open_settings

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
GO_TEST = SAMPLES / "go-test-utf8.cast"
GBK = SAMPLES / "gbk-bytes.cast"
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "gotest"


@pytest.fixture
def loop(qapp: QtWidgets.QApplication) -> Iterator[qasync.QEventLoop]:
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def settings_path(tmp_path: Path) -> str:
    return str(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot: Any, loop: qasync.QEventLoop, settings_path: str) -> Iterator[MainWindow]:
    win = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    win.resize(1200, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    loop.run_until_complete(win.aclose())
    assert not win.isVisible()
    win.deleteLater()


def play(window: MainWindow, path: Path, encoding: str = "utf-8") -> SessionTab:
    """Open a recording and run the loop until it has been replayed to its end."""
    tab = window.open_recording(path, encoding=encoding, speed=math.inf)
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    tab.view.set_cursor_blink(False)
    tab.view.flush_now()
    window.hex_view.flush_refresh()
    return tab


def run_until(window: MainWindow, done: Callable[[], bool], limit: float = 20.0) -> None:
    """Run the loop until ``done()`` (``limit`` only stops a broken test from hanging, it is not a measure)."""

    async def wait() -> None:
        while not done():
            await asyncio.sleep(0.005)

    window.loop.run_until_complete(asyncio.wait_for(wait(), limit))
