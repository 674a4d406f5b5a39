"""The small things a terminal user expects, in the real window: a Tests run that reuses its tab, the Tests
fields remembered, the Inspector dock toggled from the View menu, a long status line elided with the whole
text on hover, true words for a click on an empty row, and a Code page panel that reads the tty it was set up
with."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from pathlib import Path
from typing import Any

import qasync

from app.gotest import GoTestPreset
from app.widgets.main_window import MainWindow
from app.widgets.settings import AppSettings, open_settings
from tests.widgets.conftest import DEMO, GO_TEST, play, run_until


def _go_preset(tmp_path: Path) -> GoTestPreset:
    go = shutil.which("go")
    assert go is not None, "go is not installed (CI installs it; the tests need it)"
    module = tmp_path / "gotest"
    if not module.exists():
        shutil.copytree(DEMO, module)
    env = (
        ("GOFLAGS", "-mod=mod"),
        ("GOTOOLCHAIN", "local"),
        ("GOPROXY", "off"),
        ("GOCACHE", str(tmp_path / "gocache")),
        ("GOPATH", str(tmp_path / "gopath")),
        ("GOTELEMETRY", "off"),
    )
    return GoTestPreset(folder=str(module), flags=("-v", "-count=1", "-run", "TestGBK"), env=env, go=go)


def _run_from_panel(window: MainWindow, preset: GoTestPreset) -> None:
    window.tests_panel.editor.set_preset(preset)
    window.tests_panel.run_button.click()
    tab = window.current_tab()
    assert tab is not None and tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 240))


def test_a_tests_run_reuses_its_tab_and_the_fields_are_remembered(
    qtbot: Any, window: MainWindow, tmp_path: Path, settings_path: str, loop: qasync.QEventLoop
) -> None:
    play(window, GO_TEST)  # another tab, left alone
    preset = _go_preset(tmp_path)
    window.tests_panel.reuse_tab.setChecked(True)
    _run_from_panel(window, preset)
    first = window.current_tab()
    assert first is not None and window.tabs.count() == 2
    slot = window.tabs.indexOf(first)
    _run_from_panel(window, preset)
    second = window.current_tab()
    assert second is not None and second is not first
    assert window.tabs.count() == 2 and window.tabs.indexOf(second) == slot  # in the old run's place
    assert first not in window.session_tabs()
    window.tests_panel.reuse_tab.setChecked(False)
    _run_from_panel(window, preset)
    assert window.tabs.count() == 3
    window.save_settings()
    # A new window (the app started again) shows the same fields and the same choice.
    again = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    try:
        assert again.tests_panel.preset() == dataclasses.replace(preset, go="go")  # the go binary is not a field
        assert not again.tests_panel.reuse_tab.isChecked()
    finally:
        loop.run_until_complete(again.aclose())
        again.deleteLater()


def test_a_bad_remembered_preset_falls_back_to_the_demo(tmp_path: Path, loop: qasync.QEventLoop) -> None:
    path = tmp_path / "s.ini"
    settings = AppSettings(open_settings(str(path)))
    settings.store.setValue("tests/preset", '{"folder": 3, "flags": "not a list", "utf8": "yes"')
    settings.sync()
    window = MainWindow(AppSettings(open_settings(str(path))), loop=loop)
    try:
        preset = window.tests_panel.preset()
        assert preset.folder == str(DEMO) and preset.flags == ("-v",) and preset.utf8 is True
    finally:
        loop.run_until_complete(window.aclose())
        window.deleteLater()


def test_view_inspector_hides_and_shows_the_dock(window: MainWindow) -> None:
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggle = next(a for a in view_menu.actions() if a.text() == "Inspector")
    assert window.dock.isVisible()
    toggle.trigger()
    assert not window.dock.isVisible()
    toggle.trigger()
    assert window.dock.isVisible()


def test_a_long_status_message_is_elided_with_the_whole_text_on_hover(window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    long_message = "could not open " + "/very/long/path" * 40 + "/file_test.go:29"
    tab.show_message(long_message)
    assert long_message in tab.status.text()
    assert tab.status.is_elided() and tab.status.shown_text().endswith("…")
    assert long_message in tab.status.toolTip()
    assert tab.status.width() <= window.width()


def test_a_click_on_an_empty_row_says_it_is_blank(window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    term = tab.terminal
    blank = next(
        r for r in range(term.history_size + term.rows - 1, -1, -1) if not "".join(term.row_cells(r)).strip()
    )
    assert window.select_cell(blank, 3) is None
    assert f"row {blank} is blank: no output was written there" in tab.status_text()


def test_the_code_page_panel_reads_the_tty_of_a_session_started_after_it_became_current(
    window: MainWindow, tmp_path: Path
) -> None:
    tab = window.new_session()  # the tab is current before its session has a tty
    window.show_panel("Code page")
    run_until(window, lambda: tab.session.running)
    window.codepage_panel.refresh()
    run_until(window, lambda: window.codepage_panel.field_text("IUTF8") in ("on", "off"))
    assert window.codepage_panel.field_text("IUTF8") == "on"  # the session set it; no "unknown (no tty given)"
