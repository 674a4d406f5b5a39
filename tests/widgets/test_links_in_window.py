"""Ctrl+click on a source location or an OSC 8 link in the real window: shown first, opened only on the click.

The editor is a real program (a Python one-liner that writes the arguments it got to a file), set through
the window's settings as a user would set theirs; web links go to a URL handler registered with Qt instead of
a browser.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from app.session.factory import command_plan, live_session
from app.widgets.main_window import MainWindow
from app.widgets.qt import Qt, QtCore, QtGui, Slot
from app.widgets.session_tab import SessionTab


def _run_output(window: MainWindow, data: str, cwd: Path) -> SessionTab:
    plan = command_plan(["printf", "%s", data])
    tab = window.open_session(live_session(plan, cwd=str(cwd), cols=100, rows=10), title="output")
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    tab.view.flush_now()
    return tab


def _editor_writing_to(window: MainWindow, out: Path) -> None:
    script = "import sys; open(sys.argv[1], 'w').write(' '.join(sys.argv[2:]))"
    window.settings.editor_command = f'{sys.executable} -c "{script}" {out} {{file}} {{line}} {{col}}'


def _point(tab: SessionTab, row: int, col: int) -> QtCore.QPoint:
    return tab.view.cell_rect(tab.terminal.history_size + row, col).center()


def _wait_for(path: Path) -> str:
    deadline = time.monotonic() + 15
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.read_text()


def test_a_go_test_location_shows_its_target_then_opens_in_the_editor(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    pkg = tmp_path / "mod" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "thing_test.go").write_text("package pkg\n")
    out = tmp_path / "editor.txt"
    _editor_writing_to(window, out)
    tab = _run_output(window, "--- FAIL: TestThing (0.00s)\r\n    thing_test.go:3: boom\r\n", tmp_path / "mod")
    viewport = tab.view.viewport()
    qtbot.mouseMove(viewport, _point(tab, 1, 8))
    target = tab.view.hover_target
    assert target is not None and target[2] == "Ctrl+click to open thing_test.go:3 in the editor"
    assert not out.exists()  # shown, not opened
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, _point(tab, 1, 8))
    assert _wait_for(out) == f"{pkg / 'thing_test.go'} 3 1"  # found under the session's folder, by name
    assert "opened thing_test.go:3" in tab.status_text()


def test_a_location_with_no_such_file_says_so(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    out = tmp_path / "editor.txt"
    _editor_writing_to(window, out)
    tab = _run_output(window, "    missing_test.go:9: x\r\n", tmp_path)
    qtbot.mouseClick(
        tab.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, _point(tab, 0, 6)
    )
    assert f"missing_test.go:9: no such file under {tmp_path}" in tab.status_text()
    assert not out.exists()


class _UrlCatcher(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QtCore.QUrl)
    def catch(self, url: QtCore.QUrl) -> None:
        self.urls.append(url.toString())


def test_osc8_links_open_only_for_safe_schemes(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    catcher = _UrlCatcher()
    QtGui.QDesktopServices.setUrlHandler("https", catcher, "catch")
    try:
        docs = "\x1b]8;;https://pkg.go.dev/testing\x07docs\x1b]8;;\x07"
        evil = "\x1b]8;;javascript:alert(1)\x07evil\x1b]8;;\x07"
        data = f"{docs} {evil}\r\n"
        tab = _run_output(window, data, tmp_path)
        viewport = tab.view.viewport()
        qtbot.mouseMove(viewport, _point(tab, 0, 6))
        target = tab.view.hover_target
        assert target is not None and "refused: only http, https and file links open (javascript:)" in target[2]
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, _point(tab, 0, 6))
        assert "refused" in tab.status_text() and catcher.urls == []
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _point(tab, 0, 1))
        assert catcher.urls == []  # a plain click selects bytes; only Ctrl+click opens
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, _point(tab, 0, 1))
        assert catcher.urls == ["https://pkg.go.dev/testing"]
    finally:
        QtGui.QDesktopServices.unsetUrlHandler("https")
