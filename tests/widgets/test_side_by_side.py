"""One run, two views in the window: a real command on a real pty and through real pipes, side by side."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from app.inspect.two_views import TwoViews
from app.widgets.main_window import MainWindow

SCRIPT = "import sys; print('你好 tty=' + str(sys.stdout.isatty())); print('next')"


def _command() -> str:
    import shlex

    return shlex.join([sys.executable, "-c", SCRIPT])


def test_side_by_side_shows_both_screens_and_bytes_with_differences(window: MainWindow, tmp_path: Any) -> None:
    side = window.open_side_by_side(_command(), cwd=tmp_path)
    results: list[TwoViews] = []
    side.finished.connect(results.append)
    side.run_button.click()
    assert side.task is not None and not side.run_button.isEnabled()
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(side.task), 60))
    assert side.run_button.isEnabled()
    [result] = results
    assert isinstance(result, TwoViews)
    left, right = side.terminal_pane, side.pipe_pane
    assert left.screen_text.toPlainText().splitlines()[0] == "你好 tty=True"
    assert right.screen_text.toPlainText().splitlines()[0] == "你好 tty=False"
    assert right.screen_text.toPlainText().splitlines()[1].endswith("next")
    assert "0d 0a" in left.bytes_text.toPlainText() and "0d 0a" not in right.bytes_text.toPlainText()
    assert len(left.screen_text.extraSelections()) == 2  # both rows differ
    assert left.bytes_text.extraSelections() and right.bytes_text.extraSelections()
    assert "pty:" in left.title.text() and "exit status 0" in left.title.text()
    assert "2 screen rows differ" in side.summary.text()
    # Reachable from the Session menu.
    session_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Session")
    actions = [a.text() for a in session_menu.actions()]
    assert "Run side &by side…" in actions


def test_a_bad_command_or_folder_is_a_message(window: MainWindow, tmp_path: Any) -> None:
    side = window.open_side_by_side("'unclosed", cwd=tmp_path)
    side.run()
    assert "cannot read the command" in side.summary.text()
    side.command.setText("echo hi")
    side.folder.setText(str(tmp_path / "missing"))
    side.run()
    assert "no such folder" in side.summary.text()
