"""The main window driven for real (pytest-qt, offscreen, asyncio on the Qt loop through qasync).

Replays run instantly (speed infinity), so every test here is deterministic: the loop runs until the
replay's task is done (the replay reached its end; it holds there for the replay bar), then the
views are flushed and read. The replay bar's tests pause the replay at once and step it by hand.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
import qasync

from app.gotest import GoTestPreset
from app.inspect.source_map import SourceMap
from app.pty.profiles import find_utf8_locale
from app.record.cast import read_cast
from app.vt import Terminal
from app.vt.decoder import normalize_encoding
from app.widgets.main_window import (
    DEFAULT_SIZE,
    MIN_TERMINAL_SHARE,
    SAMPLES_DIR,
    TERMINAL_SHARE_AFTER_FIT,
    MainWindow,
    samples,
)
from app.widgets.palette import LIGHT
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from app.widgets.replay_bar import ReplayBar
from app.widgets.session_tab import SessionTab, format_rate
from app.widgets.settings import AppSettings, open_settings
from tests.widgets.conftest import DEMO, GBK, GO_TEST, play, run_until


def screen_text(term: Terminal) -> str:
    return "\n".join([*term.history, *term.display])


def row_of(term: Terminal, needle: str) -> int:
    rows = [*term.history, *term.display]
    return next(i for i, text in enumerate(rows) if needle in text)


# ---------------------------------------------------------------------------- building, replay


def test_window_builds_with_a_replayed_sample(window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    assert window.current_tab() is tab
    text = screen_text(tab.terminal)
    assert "=== RUN   Test加法/子测试_1" in text
    assert "日志：你好，世界" in text
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "go-test-utf8.cast (ended)"
    # The Bytes panel shows this tab's log, all of it.
    log = tab.session.bytelog
    assert window.hex_view.model.log is log
    assert log.total_bytes > 0
    assert "你好".encode() in window.hex_view.model.log.slice(0)
    # Panels: all of them are there, and a new one can be plugged in by name.
    assert [window.panels.tabText(i) for i in range(window.panels.count())] == [
        "Bytes",
        "Tests",
        "Code page",
        "Environment",
        "Session",
    ]
    window.add_panel("Tests", QtWidgets.QLabel("tests go here"))
    assert window.panels.tabText(window.panels.count() - 1) == "Tests"
    # The status line says what this is; the Session panel says how it was recorded.
    status = tab.status.text()
    assert "replay ended" in status
    assert "utf-8" in status
    assert f"{tab.terminal.cols}×{tab.terminal.rows}" in status
    assert "go test -v" in window.session_info.toPlainText()
    assert "Console host: none: a POSIX pty" in window.session_info.toPlainText()  # as the recording says
    # The samples menu lists every sample, one click each, with what it shows (the whole line as its tooltip).
    actions = window.samples_menu.actions()
    assert [a.text().split(" — ")[0] for a in actions] == [p.name for p in samples()]
    assert all(" — " in a.text() and len(a.toolTip()) > 20 for a in actions)


def test_samples_menu_opens_a_replay(window: MainWindow) -> None:
    action = next(a for a in window.samples_menu.actions() if a.text().startswith("split-char.cast — "))
    action.trigger()
    tab = window.current_tab()
    assert tab is not None and tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    assert "split: 你好" in screen_text(tab.terminal)
    # What the sample teaches is in the Session panel while it plays.
    assert action.toolTip() in window.session_info.toPlainText()
    assert "What this sample shows:" in window.session_info.toPlainText()


def test_decode_as_cp936_shows_the_gbk_text(window: MainWindow) -> None:
    tab = play(window, GBK)
    assert "你好，世界" not in screen_text(tab.terminal)
    assert "\ufffd" in screen_text(tab.terminal)
    action = next(a for a in window.decode_menu.actions() if a.data() == "cp936")
    action.trigger()
    tab.view.flush_now()
    assert "GBK: 你好，世界" in screen_text(tab.terminal)
    assert tab.view.terminal is tab.terminal  # the view shows the re-decoded terminal
    assert normalize_encoding(window.hex_view.encoding()) == normalize_encoding("cp936")
    assert "cp936" in tab.status.text() or "gbk" in tab.status.text()
    assert action.isChecked()
    # Back to UTF-8: the session's own terminal again.
    window.decode_as("utf-8")
    assert tab.view.terminal is tab.session.terminal
    assert "你好，世界" not in screen_text(tab.terminal)



def test_the_decode_menu_ticks_the_current_tab_s_encoding_when_it_is_shown(window: MainWindow) -> None:
    """A tab switch leaves the ticks to the menu's showing (start-up need not load every codec listed)."""
    gbk_tab = play(window, GBK)
    window.decode_as("cp936")
    utf8_tab = play(window, GBK)
    assert window.current_tab() is utf8_tab and window.decode_menu.isEnabled()

    def ticked() -> list[str]:
        window.decode_menu.aboutToShow.emit()
        return [str(a.data()) for a in window.decode_menu.actions() if a.isChecked()]

    assert ticked() == ["utf-8"]
    window.tabs.setCurrentWidget(gbk_tab)
    assert ticked() == ["cp936"]


# ---------------------------------------------------------------------------- cells ↔ bytes


def _col_of(tab: SessionTab, row: int, char: str) -> int:
    """The column of ``char`` in view row ``row`` (wide characters take two columns)."""
    screen = tab.terminal.screen
    history = screen.history
    text = history[row].text if row < len(history) else screen.lines[row - len(history)].text
    return text.index(char)


def test_clicking_a_cell_selects_exactly_the_bytes_that_wrote_it(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    row = row_of(tab.terminal, "mojidemo_test.go:12: 日志")
    log = tab.session.bytelog

    def click(col: int) -> bytes:
        rect = tab.view.cell_rect(row, col)
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        run_until(window, lambda: tab.cell_job is None)  # answered in slices when it is not at once
        selection = window.hex_view.selection()
        assert selection is not None
        assert f"bytes {selection[0]}–{selection[1] - 1}" in tab.status.text()
        return log.slice(*selection)

    col = _col_of(tab, row, "日")
    assert click(col) == "日".encode()
    assert click(col + 1) == "日".encode()  # the right half of the wide character: the same bytes
    assert set(tab.view.highlight) == {(row, col), (row, col + 1)}
    assert click(_col_of(tab, row, ":")) == b":"
    # A blank cell past the text was written by no character: nothing is selected (it selected the row's
    # bytes, which for a full-screen program's row were the session's whole history), and it says so.
    rect = tab.view.cell_rect(row, 60)
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    run_until(window, lambda: tab.cell_job is None)
    assert window.hex_view.selection() is None and not tab.view.highlight
    assert f"row {row}, column 60 is blank: nothing wrote it since it was cleared" in tab.status.text()


def test_selecting_bytes_lights_up_exactly_the_cells_they_wrote(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    hex_view = window.hex_view
    offset = tab.session.bytelog.slice(0).find("日志".encode())
    assert offset > 0
    hex_view.select_bytes(offset, offset + 1)  # scrolls it into view (emits nothing)
    rect = hex_view.byte_rect(offset)
    assert rect is not None
    with qtbot.waitSignal(hex_view.bytes_selected) as blocker:
        qtbot.mouseClick(hex_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [offset, offset + 1]
    run_until(window, lambda: tab.cell_job is None)
    row = row_of(tab.terminal, "mojidemo_test.go:12: 日志")
    col = _col_of(tab, row, "日")
    # One byte of 日: both cells of the character it is part of, nothing else.
    assert set(tab.view.highlight) == {(row, col), (row, col + 1)}
    # The bytes of 日志 and the ASCII before them.
    cells = tab.cells_of_bytes(offset - 2, offset + 6)
    assert cells == [(row, col - 2), (row, col - 1), (row, col), (row, col + 1), (row, col + 2), (row, col + 3)]


def test_source_map_is_exact_for_plain_lines_and_coarse_otherwise() -> None:
    term = Terminal(cols=20, rows=4)
    smap = SourceMap(term)
    chunks = [b"one\r\ntwo\r\n", b"thr", b"ee\r\nfour\r\nfive\r\n"]
    offset = 0
    for data in chunks:
        term.feed(data)
        smap.record(offset, data)
        offset += len(data)
    rows = [*term.history, *term.display]
    assert rows[0] == "one".ljust(20)
    assert smap.range_of_row(0) == (0, 5)  # "one\r\n"
    assert smap.range_of_row(1) == (5, 10)  # "two\r\n"
    assert smap.range_of_row(2) == (10, 17)  # "thr" + "ee\r\n", two chunks
    assert smap.rows_of_range(5, 6) == [1]
    # Cursor motion: the whole chunk goes to every row it changed (seen through the dirty rows,
    # which the view takes once per frame, as here).
    term.take_dirty()
    data = b"\x1b[1;1HX\x1b[4;1H"
    term.feed(data)
    smap.record(offset, data)
    top = len(term.history)
    assert term.display[0].startswith("Xhree")
    assert smap.range_of_row(top) == (10, offset + len(data))  # its own bytes, then the X


# ---------------------------------------------------------------------------- UTF-8 switch, settings


def test_utf8_switch_changes_the_next_sessions_plan(window: MainWindow) -> None:
    window.utf8_action.setChecked(False)
    assert window.settings.utf8 is False
    plan = window.plan_new_session()
    assert plan.utf8 is False
    assert not {"LC_ALL", "LANG", "PYTHONUTF8"} & set(plan.overlay)
    window.utf8_action.setChecked(True)
    plan = window.plan_new_session()
    assert plan.overlay["PYTHONUTF8"] == "1" and plan.env["PYTHONUTF8"] == "1"
    locale = find_utf8_locale()
    if locale is None:
        assert any("no UTF-8 locale" in note for note in plan.notes)
    else:
        assert plan.env["LC_ALL"] == plan.env["LANG"] == locale
    assert "IUTF8" in plan.flags
    # The next real session gets exactly that, and its status line shows the overlay.
    window.utf8_action.setChecked(False)
    tab = window.new_session()
    assert tab.session.plan is not None and tab.session.plan.utf8 is False
    assert "UTF-8 off" in tab.status.text()
    assert "PYTHONUTF8" not in tab.session.plan.overlay


def _prompt_after(tab: SessionTab, offset: int) -> bool:
    """The shell printed its prompt again after byte ``offset`` and waits there (its line was done)."""
    log = tab.session.bytelog
    if log.total_bytes <= offset:
        return False
    return log.slice(offset).rstrip(b" ").endswith((b"#", b"$")) and tab._shell_in_foreground()


def test_utf8_switch_reaches_a_running_shell_at_its_prompt(window: MainWindow) -> None:
    window.utf8_action.setChecked(False)
    tab = window.new_session()
    plan = tab.session.plan
    assert plan is not None and plan.interactive and not plan.utf8
    source = tab.session.source
    iutf8 = getattr(source, "iutf8")  # noqa: B009 - a PtySource here
    run_until(window, lambda: _prompt_after(tab, 0))
    iutf8(False)  # as a tty without the switch may have it
    mark = tab.session.bytelog.total_bytes
    window.utf8_action.setChecked(True)
    switch = tab.live_switch
    assert switch is not None and switch.possible, switch
    assert "UTF-8 on (switched while running; started off)" in tab.status.text()
    run_until(window, lambda: _prompt_after(tab, mark + 10))
    assert iutf8() is True  # set at once, and again by the typed stty (a line editor may restore its own)
    assert "export" in screen_text(tab.terminal)  # what was typed is there to see
    mark = tab.session.bytelog.total_bytes
    tab.session.write(b'echo "L=$LC_ALL P=$PYTHONUTF8"\r')
    run_until(window, lambda: "P=1" in screen_text(tab.terminal) and _prompt_after(tab, mark + 10))
    locale = find_utf8_locale()
    if locale is not None:
        assert f"L={locale} P=1" in screen_text(tab.terminal)
    # And back: the values the session started with, the flag off.
    mark = tab.session.bytelog.total_bytes
    window.utf8_action.setChecked(False)
    run_until(window, lambda: _prompt_after(tab, mark + 10))
    assert iutf8() is False
    tab.session.write(b'echo "back: L=$LC_ALL P=$PYTHONUTF8."\r')
    expected = f"back: L={plan.env.get('LC_ALL', '')} P={plan.env.get('PYTHONUTF8', '')}."
    run_until(window, lambda: expected in screen_text(tab.terminal))


def test_utf8_switch_cannot_reach_a_busy_shell_or_a_command_and_restart_applies_it(window: MainWindow) -> None:
    window.utf8_action.setChecked(False)
    busy = window.new_session()
    run_until(window, lambda: _prompt_after(busy, 0))
    busy.session.write(b"sleep 30\r")
    run_until(window, lambda: not busy._shell_in_foreground())
    window.utf8_action.setChecked(True)
    assert busy.live_switch is not None and "a program is running in the foreground" in busy.live_switch.reason
    assert "Restart session" in busy.status.text()
    assert "export" not in screen_text(busy.terminal)  # nothing was typed into the running program

    window.utf8_action.setChecked(False)
    command = window.new_session(["sleep", "30"])
    assert command.session.plan is not None and not command.session.plan.interactive
    run_until(window, lambda: command.session.running)
    window.utf8_action.setChecked(True)
    assert command.live_switch is not None and not command.live_switch.possible
    assert "restart the session" in command.live_switch.reason
    before = len(window.session_tabs())
    restarted = window.restart_session()
    assert restarted is not None and restarted is window.current_tab()
    assert restarted.session.plan is not None and restarted.session.plan.utf8 is True
    assert restarted.session.plan.argv == command.session.plan.argv
    run_until(window, lambda: command not in window.session_tabs())
    assert len(window.session_tabs()) == before


def test_settings_round_trip(qtbot: Any, loop: qasync.QEventLoop, settings_path: str) -> None:
    first = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    first.resize(720, 540)  # inside the offscreen screen (800x600): restoreGeometry clamps to it
    first.show()
    qtbot.waitExposed(first)
    first.set_font_size(14)
    first.set_theme("light")
    first.utf8_action.setChecked(False)
    sh = next(a for a in first._profile_actions.actions() if a.data() == "sh")
    sh.trigger()
    loop.run_until_complete(first.aclose())  # saves geometry and dock state on the way out
    first.deleteLater()

    stored = AppSettings(open_settings(settings_path))
    assert (stored.font_size, stored.theme, stored.profile, stored.utf8) == (14.0, "light", "sh", False)
    assert stored.geometry is not None and stored.window_state is not None

    second = MainWindow(stored, loop=loop)
    assert second.size() == QtCore.QSize(720, 540)
    assert not second.utf8_action.isChecked()
    assert second.profile_name() == "sh"
    assert [a.data() for a in second._theme_actions.actions() if a.isChecked()] == ["light"]
    tab = play(second, GO_TEST)
    assert tab.view.font().pointSizeF() == 14.0
    assert tab.view.theme is LIGHT
    loop.run_until_complete(second.aclose())
    second.deleteLater()


def _terminal_share(window: MainWindow) -> float:
    return window.centralWidget().width() / window.width()


def test_the_first_start_fits_the_screen_and_leaves_the_terminal_room(
    qtbot: Any, loop: qasync.QEventLoop, settings_path: str
) -> None:
    """No saved geometry: the default size, shrunk to the screen's free area (the offscreen screen is smaller than
    it), with the docks narrowed if they would squeeze the terminal."""
    window = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    free = QtGui.QGuiApplication.primaryScreen().availableGeometry()
    assert free.width() < DEFAULT_SIZE[0]  # else this test shows nothing
    assert window.width() <= free.width() and window.height() <= free.height()
    window.show()
    qtbot.waitExposed(window)
    assert _terminal_share(window) >= MIN_TERMINAL_SHARE
    loop.run_until_complete(window.aclose())
    window.deleteLater()


def _saved_with_docks(
    qtbot: Any, loop: qasync.QEventLoop, settings_path: str, dock_width: int
) -> tuple[MainWindow, float, int]:
    """A window whose docks were made ``dock_width`` wide, closed (which saves its layout), and a new window made
    from what it saved, shown; with the first window's terminal share and dock width."""
    first = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    first.resize(720, 540)
    first.show()
    qtbot.waitExposed(first)
    first.resizeDocks([first.dock], [dock_width], Qt.Orientation.Horizontal)
    first.layout().activate()
    saved_share, saved_dock = _terminal_share(first), first.dock.width()
    loop.run_until_complete(first.aclose())
    first.deleteLater()
    second = MainWindow(AppSettings(open_settings(settings_path)), loop=loop)
    second.show()
    qtbot.waitExposed(second)
    return second, saved_share, saved_dock


def test_docks_saved_too_wide_for_the_window_give_the_terminal_room_back(
    qtbot: Any, loop: qasync.QEventLoop, settings_path: str
) -> None:
    """Docks keep their width in pixels: a layout saved on a larger screen once left the terminal 14 columns. At
    the first show they are narrowed, before the first session is sized to the view."""
    second, saved_share, _saved_dock = _saved_with_docks(qtbot, loop, settings_path, 600)
    assert saved_share < MIN_TERMINAL_SHARE / 2  # the squeezed layout this is about
    assert abs(_terminal_share(second) - TERMINAL_SHARE_AFTER_FIT) < 0.05
    tab = second.new_session(["sleep", "30"])
    cols, _rows = tab.view.grid_size()
    assert cols >= 30  # 720 px at the default font: ~38 columns, not the ~10 the saved docks left
    loop.run_until_complete(second.aclose())
    second.deleteLater()


def test_a_layout_that_leaves_the_terminal_room_is_kept(
    qtbot: Any, loop: qasync.QEventLoop, settings_path: str
) -> None:
    second, saved_share, saved_dock = _saved_with_docks(qtbot, loop, settings_path, 300)
    assert saved_share > TERMINAL_SHARE_AFTER_FIT + 0.02
    assert abs(second.dock.width() - saved_dock) <= 4
    assert _terminal_share(second) > TERMINAL_SHARE_AFTER_FIT + 0.02  # not moved to the fitted share
    loop.run_until_complete(second.aclose())
    second.deleteLater()


def test_a_bad_stored_value_falls_back_to_its_default(settings_path: str) -> None:
    store = open_settings(settings_path)
    store.setValue("view/font_size", "huge")
    store.setValue("view/theme", "purple")
    settings = AppSettings(store)
    assert settings.font_size == 11.0
    assert settings.theme == "dark"
    with pytest.raises(ValueError, match="no theme"):
        settings.theme = "purple"


def test_format_rate() -> None:
    assert [format_rate(x) for x in (0, 812, 12_400, 3_100_000)] == ["0 B/s", "812 B/s", "12.4 KB/s", "3.1 MB/s"]


# ---------------------------------------------------------------------------- panels, replay bar, Tests panel


def render_lines(path: Path, cols: int, rows: int) -> list[str]:
    """What ``python -m app render FILE --cols C --rows R`` prints, as lines."""
    done = cli_render(path, cols, rows)
    return done.splitlines()


def cli_render(path: Path, cols: int, rows: int) -> str:
    import contextlib
    import io

    from app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["render", str(path), "--cols", str(cols), "--rows", str(rows)]) == 0
    return out.getvalue()


def shown_lines(term: Terminal) -> list[str]:
    return [row.rstrip() for row in [*term.history, *term.display]]


def test_a_replay_has_a_replay_bar_and_the_process_panels_say_there_is_no_process(window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    bar = tab.replay_bar
    assert isinstance(bar, ReplayBar)
    assert bar.isVisible()
    assert bar.source is tab.session.source
    # Under the terminal, above the status line.
    assert bar.geometry().top() >= tab.view.geometry().bottom()
    assert bar.geometry().bottom() <= tab.status.geometry().top()
    assert bar.chunk_label.text() == f"{bar.source.chunk_count} / {bar.source.chunk_count}"
    # The replay holds at its end (the bar can still seek), and the tab says it ended.
    assert bar.source.at_end
    assert "replay ended" in tab.status.text()
    # Code page and Environment follow the current tab: a replay has no process to probe.
    window.show_panel("Code page")
    run_until(window, lambda: "no foreground process" in window.codepage_panel.status_text())
    window.show_panel("Environment")
    run_until(window, lambda: "no process" in window.env_panel.title_text())
    # A live tab has no bar.
    live = window.new_session()
    assert live.replay_bar is None


def test_stepping_the_replay_bar_to_the_end_gives_the_screen_render_gives(window: MainWindow) -> None:
    tab = window.open_recording(GO_TEST, speed=1.0)
    bar = tab.replay_bar
    assert isinstance(bar, ReplayBar)
    source = bar.source
    assert source is not None
    bar.pause()  # before the loop ran: nothing was delivered yet
    assert source.next_index == 0
    # The file is streamed; its length and chunk count come from a pass over it that runs in slices.
    assert source.chunk_count is None
    run_until(window, lambda: source.summary is not None)
    assert source.next_index == 0
    assert source.chunk_count is not None
    while source.next_index < source.chunk_count:
        before = source.next_index
        bar.step_forward()
        run_until(window, lambda b=before: source.next_index > b)
    bar.refresh()  # what its poll timer does
    assert bar.chunk_label.text() == f"{source.chunk_count} / {source.chunk_count}"
    term = tab.session.terminal
    assert shown_lines(term) == render_lines(GO_TEST, term.cols, term.rows)
    # Back one chunk (the screen is rebuilt from the start), then forward again: the same screen.
    bar.step_back()
    run_until(window, lambda: source.next_index == source.chunk_count - 1)
    assert shown_lines(term) != render_lines(GO_TEST, term.cols, term.rows)
    bar.step_forward()
    run_until(window, lambda: source.next_index == source.chunk_count)
    assert shown_lines(term) == render_lines(GO_TEST, term.cols, term.rows)
    # The keys of the bar work on the terminal view of a replay.
    tab.view.setFocus()
    QtWidgets.QApplication.sendEvent(
        tab.view, QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier)
    )
    run_until(window, lambda: source.next_index == source.chunk_count - 1)


def test_the_tests_panel_fills_from_a_replayed_go_test_run(window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    panel = window.tests_panel
    panel.refresh()
    assert panel.item_for("Test加法/子测试_1") is not None
    assert panel.item_for("Test加法") is not None
    counts = panel.counts_text()
    assert "passed" in counts and "0 failed" in counts
    total = panel.run.counts()
    assert total.passed >= 2 and total.failed == 0
    # Another tab becomes current: the panel shows that one's run; back again, the first one's.
    other = play(window, GBK)
    assert window.current_tab() is other
    panel.refresh()
    assert panel.item_for("Test加法/子测试_1") is None
    window.tabs.setCurrentWidget(tab)
    panel.refresh()
    assert panel.item_for("Test加法/子测试_1") is not None
    # Each tab parsed its own output as it came: a switch shows that model, it does not read the bytes again.
    assert panel.run is tab.tests_run and other.tests_run is not tab.tests_run
    assert other.tests_run.counts().passed >= 1  # parsed while it was being replayed, shown or not


def test_a_background_tab_keeps_parsing_its_go_test_output(window: MainWindow) -> None:
    script = "sleep 0.5; printf '=== RUN   Test背景\\n--- PASS: Test背景 (0.01s)\\nPASS\\n'"
    live = window.new_session(["sh", "-c", script])
    shown = play(window, GO_TEST)  # becomes the current tab before the live one prints anything
    assert window.current_tab() is shown and live.tests_run.counts().passed == 0
    run_until(window, lambda: live.tests_run.find("Test背景", None) is not None and live.session.exit_status == 0)
    assert live.tests_run.counts().passed == 1
    assert window.tests_panel.run is shown.tests_run  # the panel kept showing the current tab
    window.tabs.setCurrentWidget(live)
    window.tests_panel.refresh()
    assert window.tests_panel.item_for("Test背景") is not None


def test_clicking_a_test_selects_its_bytes_and_its_terminal_row(qtbot: Any, window: MainWindow) -> None:
    tab = play(window, GO_TEST)
    panel = window.tests_panel
    window.show_panel("Tests")
    panel.refresh()
    item = panel.item_for("Test加法/子测试_1")
    assert item is not None
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    run_until(window, lambda: tab.cell_job is None)
    selection = window.hex_view.selection()
    assert selection is not None
    chosen = tab.session.bytelog.slice(*selection).decode()
    assert chosen == "=== RUN   Test加法/子测试_1"
    row = row_of(tab.terminal, "=== RUN   Test加法/子测试_1")
    assert row in {r for r, _ in tab.view.highlight}
    assert f"bytes {selection[0]}–{selection[1] - 1}" in tab.status.text()


def test_run_requested_starts_go_test_in_a_new_tab_and_records_it(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    go = shutil.which("go")
    assert go is not None, "go is not installed (CI installs it; the tests need it)"
    module = tmp_path / "gotest"
    shutil.copytree(DEMO, module)
    env = (
        ("GOFLAGS", "-mod=mod"),
        ("GOTOOLCHAIN", "local"),
        ("GOPROXY", "off"),
        ("GOCACHE", str(tmp_path / "gocache")),
        ("GOPATH", str(tmp_path / "gopath")),
        ("GOTELEMETRY", "off"),
        ("MOJI_FAIL", "1"),
    )
    preset = GoTestPreset(folder=str(module), flags=("-v", "-count=1"), record=True, env=env, go=go)
    window.tests_panel.run_requested.emit(preset)
    tab = window.current_tab()
    assert tab is not None and tab.title.startswith("go test") and tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 240))
    panel = window.tests_panel
    panel.refresh()
    assert panel.item_for("Test加法/子测试_1") is not None
    assert panel.run.counts().failed >= 1
    recordings = sorted(tmp_path.glob("gotest-*.cast"))
    assert len(recordings) == 1
    assert f"recording to {recordings[0]}" in tab.status.text()
    loop_close = window.loop.run_until_complete
    loop_close(tab.close_session())  # the recorder is closed with the session
    labels = [m.label for m in read_cast(recordings[0]).markers]
    assert any(label.startswith("FAIL ") for label in labels), labels
    assert any("Test加法" in label for label in labels), labels


def test_recordings_of_the_bundled_demo_go_to_the_data_folder_not_into_mojiscope(tmp_path: Path) -> None:
    QtCore.QStandardPaths.setTestModeEnabled(True)  # ~/.qttest: never the user's real data folder
    try:
        data = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppDataLocation)
        demo_folders = MainWindow._recording_folders(str(DEMO))
        assert demo_folders[0] == Path(data) / "recordings" and demo_folders[0].is_dir()
        assert not any(folder.is_relative_to(DEMO.parent.parent) for folder in demo_folders)
        own = tmp_path / "mymodule"
        own.mkdir()
        assert MainWindow._recording_folders(str(own))[0] == tmp_path  # the user's project: next to it
    finally:
        QtCore.QStandardPaths.setTestModeEnabled(False)


def test_the_session_panel_says_which_console_host_made_a_windows_sample(window: MainWindow) -> None:
    """A sample recorded on the in-box ConPTY under Wine says so: the bytes are what Wine's conhost made."""
    play(window, SAMPLES_DIR / "win-cmd936-writefile-utf8.cast")
    info = window.session_info.toPlainText()
    assert "Backend: replay" in info
    assert (
        "Console host: Wine 8.0's conhost (kernel32 CreatePseudoConsole under Wine, not Windows'), read as exact bytes"
        in info.splitlines()
    )


def test_go_test_output_waits_for_a_quiet_moment_while_the_tests_panel_is_not_shown(window: MainWindow) -> None:
    """A flood nobody watches in the Tests panel leaves its parsing for later (the terminal gets the time): the
    model catches up by itself when output pauses."""
    window.show_panel("Bytes")
    script = "printf '=== RUN   TestLater\\n--- PASS: TestLater (0.01s)\\nPASS\\nok  \\tx.com/later\\t0.1s\\n'; sleep 1"
    tab = window.new_session(["sh", "-c", script])
    assert tab is window.current_tab() and not window.tests_panel.isVisible()
    assert tab.tests_live() is False
    run_until(window, lambda: tab.tests_pending_bytes == 0 and tab.tests_so_far.find("TestLater") is not None)
    test = tab.tests_so_far.find("TestLater")
    assert test is not None and test.status.value == "pass"
    assert tab.tests_so_far.packages["x.com/later"].status.value == "pass"
    run_until(window, lambda: tab.session.exit_status == 0)


def test_reading_tests_run_catches_up_with_every_byte(window: MainWindow) -> None:
    window.show_panel("Bytes")
    tab = window.new_session(["sh", "-c", "sleep 0.2; printf '=== RUN   TestNow\\n'; sleep 1"])
    tab._tests_timer.timeout.disconnect()  # no quiet moment: only reading the model can catch it up now
    run_until(window, lambda: tab.session.bytelog.total_bytes > 0)
    assert tab.tests_pending_bytes > 0 and tab.tests_so_far.find("TestNow") is None
    assert tab.tests_run.find("TestNow") is not None and tab.tests_pending_bytes == 0


def test_go_test_output_is_parsed_as_it_comes_while_the_tests_panel_shows_it(window: MainWindow) -> None:
    window.show_panel("Tests")
    tab = window.new_session(["sh", "-c", "sleep 0.2; printf '=== RUN   TestLive\\n'; sleep 1"])
    assert window.tests_panel.isVisible() and tab.tests_live() is True
    tab._tests_timer.timeout.disconnect()
    # Parsed in the turn of the loop that took the read in (its reads are told once, at the end of the turn).
    run_until(window, lambda: tab.session.bytelog.total_bytes > 0 and not tab._output_told.isActive())
    assert tab.tests_pending_bytes == 0 and tab.tests_so_far.find("TestLive") is not None
    run_until(window, lambda: window.tests_panel.tree.topLevelItemCount() > 0)


def test_a_tab_closed_just_before_the_window_closes_is_ended_with_it(window: MainWindow) -> None:
    """Closing a tab ends its session in a task; the window closing right after must wait for it too, or the
    task is destroyed pending (its child unreaped, and its ``deleteLater`` run on a deleted tab at exit)."""
    tab = window.new_session(["sh", "-c", "sleep 30"])
    run_until(window, lambda: tab.session.source.pid is not None)
    source = tab.session.source
    window._on_close_requested(window.tabs.indexOf(tab), ask=False)  # the tab's close button, not asking
    window.loop.run_until_complete(window.aclose())
    pending = [
        task for task in asyncio.all_tasks(window.loop) if "_on_close_requested" in task.get_coro().__qualname__
    ]
    assert pending == []
    assert source.returncode is not None  # the child was ended and reaped
