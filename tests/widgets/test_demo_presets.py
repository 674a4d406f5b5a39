"""The demo module's failing test, reachable from the Tests panel: choose the preset, Run, and it fails."""

from __future__ import annotations

import asyncio
import shutil
from typing import Any

from app.gotest import demo_presets
from app.widgets.main_window import DEMO_MODULE, MainWindow
from app.widgets.qt import QtCore


def test_the_demo_presets_say_what_they_show() -> None:
    named = demo_presets("/x")
    titles = [n.title for n in named]
    assert "Demo: with a failure (MOJI_FAIL=1)" in titles
    failing = next(n for n in named if "MOJI_FAIL" in n.title)
    assert failing.preset.env == (("MOJI_FAIL", "1"),) and failing.preset.record
    assert "Test失败" in failing.description
    assert all(n.preset.folder == "/x" and n.description for n in named)


def test_choosing_the_failure_preset_and_running_it_fails_test_shibai(window: MainWindow, qtbot: Any) -> None:
    assert shutil.which("go") is not None, "go is not installed (CI installs it; the tests need it)"
    panel = window.tests_panel
    assert panel.presets.isVisibleTo(panel)
    assert panel.presets.itemData(2, QtCore.Qt.ItemDataRole.ToolTipRole).startswith("MOJI_FAIL=1 makes Test失败 fail")
    preset = panel.choose_preset("Demo: with a failure (MOJI_FAIL=1)")
    assert preset.folder == str(DEMO_MODULE)
    assert "MOJI_FAIL=1" in panel.editor.env.text()
    assert "Test失败" in panel.preset_note.text() and panel.preset_note.isVisibleTo(panel)
    QtCore.QStandardPaths.setTestModeEnabled(True)  # its recording goes to ~/.qttest, never the user's data folder
    try:
        panel.run_button.click()
        tab = window.current_tab()
        assert tab is not None and tab.title.startswith("go test") and tab.task is not None
        window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 240))
    finally:
        QtCore.QStandardPaths.setTestModeEnabled(False)
    panel.refresh()
    node = panel.item_for("Test失败")
    assert node is not None
    assert panel.run.counts().failed >= 1
    assert [t.name for t in panel.run.failed_tests()] == ["Test失败"]
