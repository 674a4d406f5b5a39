"""The Tests panel driven for real (offscreen): a real ``go test`` run fills the tree, clicks give the bytes,
Run / Rerun failed emit presets, markers come out as signals.  No wall-clock assertions: the refresh timer is
bypassed with :meth:`TestsPanel.refresh` where a test needs the rows now."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from app.gotest import GoTestPreset, PackageNode, Status
from app.pty import PtySource, SpawnSpec
from app.session import OutputReceived, Session
from app.widgets import tests_panel
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from app.widgets.tests_panel import STATUS_COLOURS, TestsPanel
from tests.gotest.gorun import DEMO, DEMO_PKG, FAIL_LOCATION, MULTI_FILES, MULTI_PKG, as_pty, chunks, go_env, run_go

DEMO_ORDER = ["Test失败", "Test加法", "TestGBK", "TestSplit", "TestInvalid"]


@pytest.fixture(scope="module")
def gobase(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "go"


@pytest.fixture(scope="module")
def failing_run(gobase: Path) -> bytes:
    """A real ``go test -v`` of the demo module with one failing test, as a pty delivers it (CR LF)."""
    return as_pty(run_go(["test", "-v", "-count=1", "./..."], DEMO, go_env(gobase, MOJI_FAIL="1")))


def make_panel(qtbot: QtBot, preset: GoTestPreset | None = None) -> TestsPanel:
    panel = TestsPanel(preset or GoTestPreset(str(DEMO), env=(("MOJI_FAIL", "1"),)))
    qtbot.addWidget(panel)
    panel.resize(520, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def feed_all(panel: TestsPanel, data: bytes, seed: int = 1) -> None:
    for offset, piece in chunks(data, seed):
        panel.feed(offset, piece)
    panel.finish()


def rows(parent: QtWidgets.QTreeWidgetItem) -> list[tuple[str, str, str]]:
    return [(c.text(0), c.text(1), c.text(2)) for c in (parent.child(i) for i in range(parent.childCount()))]


def click(qtbot: QtBot, panel: TestsPanel, item: QtWidgets.QTreeWidgetItem) -> tuple[int, int]:
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    assert rect.isValid()
    with qtbot.waitSignal(panel.line_selected) as blocker:
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    start, end = blocker.args
    return int(start), int(end)


def test_tree_fills_from_a_real_run(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    assert panel.counts_text().startswith("No tests yet")
    assert not panel.rerun_button.isEnabled()
    feed_all(panel, failing_run)

    assert panel.counts_text() == "6 passed, 1 failed"
    root = panel.tree.invisibleRootItem()
    assert root.childCount() == 1
    pkg = root.child(0)
    assert (pkg.text(0), pkg.text(1)) == (DEMO_PKG, "FAIL")
    assert pkg.text(2).endswith("s") and pkg.isExpanded()
    assert [r[:2] for r in rows(pkg)] == [
        ("Test失败", "FAIL"),
        ("Test加法", "PASS"),
        ("TestGBK", "PASS"),
        ("TestSplit", "PASS"),
        ("TestInvalid", "PASS"),
    ]
    split = panel.run.find("TestSplit")
    assert split is not None and split.elapsed is not None
    assert rows(pkg)[3][2] == f"{split.elapsed:.2f}s"  # the duration go printed
    add = panel.item_for("Test加法")
    assert add is not None
    subs = [panel.run.find(f"Test加法/{name}") for name in ("子测试_1", "子测试_2")]
    assert all(sub is not None and sub.elapsed is not None for sub in subs)
    assert rows(add) == [  # the durations go printed (0.00s, or more on a loaded machine)
        (sub.short_name, "PASS", f"{sub.elapsed:.2f}s") for sub in subs if sub is not None and sub.elapsed is not None
    ]
    failed = panel.item_for("Test失败")
    assert failed is not None and "失败：期望 3，得到 4" in panel.tooltip_for(failed)
    assert failed.foreground(0).color() == QtGui.QColor(STATUS_COLOURS[Status.FAIL])
    assert panel.rerun_button.isEnabled()


def test_hovering_a_row_shows_its_output(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    panel.show()
    feed_all(panel, failing_run)
    failed = panel.item_for("Test失败")
    assert failed is not None
    viewport = panel.tree.viewport()
    panel.tree.scrollToItem(failed)
    pos = panel.tree.visualItemRect(failed).center()
    event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    QtWidgets.QApplication.sendEvent(viewport, event)
    assert "失败：期望 3，得到 4" in QtWidgets.QToolTip.text()
    assert QtWidgets.QToolTip.text() == panel.tooltip_for(failed)
    QtWidgets.QToolTip.hideText()
    assert panel.tooltip_for(None) == ""


def test_click_selects_the_bytes_of_the_first_line(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    feed_all(panel, failing_run, seed=2)

    failed = panel.item_for("Test失败")
    assert failed is not None
    start, end = click(qtbot, panel, failed)  # a failure goes to the failure, not to its === RUN line
    assert failing_run[start:end] == f"    {FAIL_LOCATION} 失败：期望 3，得到 4".encode()

    add = panel.item_for("Test加法")
    assert add is not None
    add.setExpanded(True)
    sub = panel.item_for("Test加法/子测试_2")
    assert sub is not None
    start, end = click(qtbot, panel, sub)
    assert failing_run[start:end] == "=== RUN   Test加法/子测试_2".encode()

    pkg = panel.item_for(DEMO_PKG, package="")
    assert pkg is not None and isinstance(panel.node_of(pkg), PackageNode)
    start, end = click(qtbot, panel, pkg)
    assert failing_run[start:end].startswith(b"FAIL\texample.com/mojidemo\t")
    assert failing_run[end : end + 2] == b"\r\n"


def test_failed_row_is_painted_red(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    feed_all(panel, failing_run)
    failed = panel.item_for("Test失败")
    passed = panel.item_for("TestGBK")
    assert failed is not None and passed is not None
    image = panel.tree.viewport().grab().toImage()

    def colours(item: QtWidgets.QTreeWidgetItem) -> set[tuple[int, int, int]]:
        rect = panel.tree.visualItemRect(item)
        dpr = image.devicePixelRatio()
        return {
            image.pixelColor(int(x * dpr), int(y * dpr)).getRgb()[:3]
            for x in range(rect.left(), rect.right())
            for y in range(rect.top(), rect.bottom())
        }

    red = QtGui.QColor(STATUS_COLOURS[Status.FAIL]).getRgb()[:3]
    green = QtGui.QColor(STATUS_COLOURS[Status.PASS]).getRgb()[:3]
    assert red in colours(failed) and green not in colours(failed)
    assert green in colours(passed) and red not in colours(passed)


def test_live_feed_keeps_expansion_and_reorders_failures_first(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    cut = failing_run.index("=== RUN   Test失败".encode())
    panel.feed(0, failing_run[:cut])
    panel.refresh()
    pending = panel.tree.invisibleRootItem().child(0)
    assert pending.text(0) == "(package not named yet)"
    assert [r[0] for r in rows(pending)] == ["Test加法"]
    add = panel.item_for("Test加法")
    assert add is not None
    add.setExpanded(True)

    middle = failing_run.index(b"=== RUN   TestGBK")
    panel.feed(cut, failing_run[cut:middle])
    panel.refresh()
    assert [r[:2] for r in rows(pending)] == [("Test失败", "FAIL"), ("Test加法", "PASS")]
    assert panel.counts_text() == "3 passed, 1 failed"
    assert add.isExpanded()  # reordering did not close it

    panel.feed(middle, failing_run[middle:])  # the refresh timer shows it without help
    qtbot.waitUntil(lambda: panel.counts_text() == "6 passed, 1 failed", timeout=5000)
    assert panel.tree.invisibleRootItem().child(0).text(0) == DEMO_PKG


def test_markers_are_signalled_as_found(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    found: list[tuple[str, int]] = []
    panel.marker_found.connect(lambda label, offset: found.append((label, offset)))
    feed_all(panel, failing_run, seed=3)
    labels = [label for label, _ in found]
    assert labels[:3] == ["RUN Test加法", "RUN Test失败", "FAIL Test失败"]
    offset = dict(found)["FAIL Test失败"]
    assert failing_run[offset:].startswith("--- FAIL: Test失败".encode())


def test_run_and_rerun_failed_emit_presets(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    editor = panel.editor
    editor.flags.setText("-v -count=1")
    editor.packages.setText("./...")
    editor.profile.setCurrentIndex(editor.profile.findData("bash"))
    editor.record.setChecked(True)
    with qtbot.waitSignal(panel.run_requested) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    preset = blocker.args[0]
    assert preset == GoTestPreset(str(DEMO), ("./...",), ("-v", "-count=1"), "bash", True, True, (("MOJI_FAIL", "1"),))

    feed_all(panel, failing_run)
    assert panel.rerun_button.isEnabled()
    with qtbot.waitSignal(panel.run_requested) as blocker:
        qtbot.mouseClick(panel.rerun_button, Qt.MouseButton.LeftButton)
    rerun = blocker.args[0]
    assert rerun.flags == ("-v", "-count=1", "-run", "^(Test失败)$")
    assert rerun.packages == (DEMO_PKG,) and rerun.profile == "bash"
    assert panel.counts_text().startswith("No tests yet")  # the new run starts from an empty tree
    assert panel.tree.topLevelItemCount() == 0


def test_bad_fields_are_reported_not_run(qtbot: QtBot) -> None:
    panel = make_panel(qtbot)
    emitted: list[object] = []
    panel.run_requested.connect(emitted.append)
    panel.editor.env.setText("MOJI_FAIL")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert emitted == [] and "KEY=VALUE" in panel.error_label.text() and panel.error_label.isVisible()
    panel.editor.env.setText("")
    panel.editor.flags.setText("-run 'unclosed")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert emitted == [] and "split" in panel.error_label.text()
    panel.editor.flags.setText("-v")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert len(emitted) == 1 and not panel.error_label.isVisible()


def test_clear_empties_the_tree(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    feed_all(panel, failing_run)
    panel.clear()
    assert panel.tree.topLevelItemCount() == 0 and panel.run.counts().total == 0
    assert not panel.rerun_button.isEnabled()
    feed_all(panel, failing_run)  # a clean second run is parsed from scratch
    assert panel.counts_text() == "6 passed, 1 failed"


def test_run_requested_starts_a_real_session_that_fills_the_tree(qtbot: QtBot, gobase: Path, tmp_path: Path) -> None:
    """The window's part played by the test: Run → start the preset on a pty → feed the panel; then Rerun failed."""
    panel = make_panel(qtbot)
    panel.editor.flags.setText("-v -count=1")
    requested: list[GoTestPreset] = []
    panel.run_requested.connect(requested.append)

    def start(preset: GoTestPreset) -> int:
        launch = preset.launch(go_env(gobase))
        session = Session(PtySource(SpawnSpec(launch.argv, env=launch.env, cwd=launch.cwd)))
        session.subscribe(lambda e: panel.feed(e.offset, e.data) if isinstance(e, OutputReceived) else None)

        async def main() -> int:
            status = await asyncio.wait_for(session.run(), 300)
            await session.close()
            return status

        status = asyncio.run(main())
        panel.finish()
        return status

    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert start(requested[-1]) == 1
    assert panel.counts_text() == "6 passed, 1 failed"
    assert [r[0] for r in rows(panel.tree.topLevelItem(0))] == DEMO_ORDER
    add = panel.item_for("Test加法")
    assert add is not None
    add.setExpanded(True)
    shot = tmp_path / "tests_panel.png"
    assert panel.grab().save(str(shot))

    qtbot.mouseClick(panel.rerun_button, Qt.MouseButton.LeftButton)
    assert start(requested[-1]) == 1
    assert panel.counts_text() == "0 passed, 1 failed"
    assert [r[0] for r in rows(panel.tree.topLevelItem(0))] == ["Test失败"]


def test_several_packages_failed_subtests_open_and_build_failure(qtbot: QtBot, gobase: Path, tmp_path: Path) -> None:
    for name, text in MULTI_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = as_pty(run_go(["test", "-v", "-count=1", "./..."], tmp_path, go_env(gobase)))
    panel = make_panel(qtbot, GoTestPreset(str(tmp_path)))
    feed_all(panel, data, seed=4)
    assert panel.counts_text() == "4 passed, 3 failed, 1 skipped, 1 build failed"
    top = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    # Failures first; between the two failed packages, go decides the order (builds run in parallel).
    assert sorted((t.text(0), t.text(1)) for t in top[:2]) == [
        (f"{MULTI_PKG}/alpha", "FAIL"),
        (f"{MULTI_PKG}/broken", "BUILD FAILED"),
    ]
    table = panel.item_for("TestTable")
    assert table is not None and table.isExpanded()  # a failure is visible without a click
    assert [r[:2] for r in rows(table)] == [("a+b_(x)", "FAIL"), ("[y]|z", "FAIL"), ("ok", "PASS")]
    broken = next(t for t in top if t.text(0) == f"{MULTI_PKG}/broken")
    start, end = click(qtbot, panel, broken)
    assert data[start:end] == f"# {MULTI_PKG}/broken [{MULTI_PKG}/broken.test]".encode()


def test_status_and_time_columns_fit_every_text_they_can_show(qtbot: QtBot) -> None:
    """The two columns have fixed widths (no size hint asked of every row on each change): each must still hold
    the widest text Qt would size it for (``sizeHintForColumn`` is what ResizeToContents used)."""
    panel = make_panel(qtbot)
    lines = [
        "=== RUN   TestLong",
        "--- PASS: TestLong (9999.99s)",
        "=== RUN   TestSkipped",
        "--- SKIP: TestSkipped (0.00s)",
        "=== RUN   TestBroken",
        "--- FAIL: TestBroken (0.01s)",
        "FAIL",
        "FAIL\texample.com/demo/failed\t0.012s",
        "ok  \texample.com/demo/cached\t(cached)",
        "?   \texample.com/demo/empty\t[no test files]",
        "FAIL\texample.com/demo/broken [build failed]",
    ]
    data = "".join(line + "\r\n" for line in lines).encode()
    panel.feed(0, data)
    panel.finish()
    panel.refresh()
    statuses = {panel.tree.topLevelItem(i).text(1) for i in range(panel.tree.topLevelItemCount())}
    assert {"BUILD FAILED", "no test files", "ok (cached)", "FAIL"} <= statuses
    panel.tree.expandAll()
    header = panel.tree.header()
    for column in (1, 2):
        assert header.sectionResizeMode(column) is QtWidgets.QHeaderView.ResizeMode.Interactive
        assert 0 < panel.tree.sizeHintForColumn(column) <= header.sectionSize(column)
    assert panel.tree.sizeHintForColumn(2) > panel.tree.fontMetrics().horizontalAdvance("0.00s")  # 9999.99s shown


def test_a_hidden_panel_waits_and_catches_up_when_shown(qtbot: QtBot, failing_run: bytes) -> None:
    panel = make_panel(qtbot)
    panel.hide()  # another inspector tab is in front
    panel.feed(0, failing_run)
    qtbot.wait(400)  # several refresh intervals: none ran
    assert panel.counts_text() != "6 passed, 1 failed"
    assert panel.run.counts().failed == 1  # parsed all the same
    panel.show()
    assert panel.counts_text() == "6 passed, 1 failed"


def test_refreshes_are_spaced_while_the_run_keeps_changing(
    qtbot: QtBot, failing_run: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change after a quiet moment is shown within REFRESH_MS; one right after a refresh waits for the rest of
    FLOOD_REFRESH_MS from that refresh's end (each refresh also costs Qt a repaint of the whole visible tree)."""
    panel = make_panel(qtbot)
    # The panel's clock is the test's: on a loaded machine more than a period can pass between two lines here.
    now = [time.monotonic() + 10.0]
    monkeypatch.setattr(tests_panel, "time", SimpleNamespace(monotonic=lambda: now[0], perf_counter=time.perf_counter))
    cut = failing_run.index(b"\n", len(failing_run) // 2) + 1
    empty = panel.counts_text()
    panel.feed(0, failing_run[:cut])  # the first change: no refresh before it
    assert panel._timer.isActive() and panel._timer.interval() == tests_panel.REFRESH_MS
    qtbot.waitUntil(lambda: panel.counts_text() != empty, timeout=3000)
    assert not panel._timer.isActive()
    now[0] += 0.030  # 30 ms after that refresh, more output
    panel.feed(cut, failing_run[cut:])
    # 220 ms, or 221: the panel rounds up, and 30 ms measured on a clock near 10**5 s may come out as 29.99999.
    wait = tests_panel.FLOOD_REFRESH_MS - 30
    assert panel._timer.isActive() and panel._timer.interval() in (wait, wait + 1)
    qtbot.waitUntil(lambda: panel.counts_text() == "6 passed, 1 failed", timeout=3000)
    now[0] += 10.0  # a quiet moment, then a change: shown within REFRESH_MS again
    panel.feed(len(failing_run), b"=== RUN   TestLater\r\n")
    assert panel._timer.isActive() and panel._timer.interval() == tests_panel.REFRESH_MS
    panel._timer.stop()
    panel._refreshed_at = -math.inf  # as before any refresh
    panel.notify()
    assert panel._timer.isActive() and panel._timer.interval() == tests_panel.REFRESH_MS


def test_the_last_change_of_a_run_is_shown_without_waiting_for_the_spaced_refresh(
    qtbot: QtBot, failing_run: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change right after a refresh waits for the spaced one (FLOOD_REFRESH_MS) only while changes keep coming: when
    the run stops changing (a flood ended, the model caught up) its state is shown REFRESH_MS after its last change."""
    panel = make_panel(qtbot)
    now = [time.monotonic() + 10.0]  # the panel's clock is the test's (see the spacing test)
    monkeypatch.setattr(tests_panel, "time", SimpleNamespace(monotonic=lambda: now[0], perf_counter=time.perf_counter))
    cut = failing_run.index(b"\n", len(failing_run) // 2) + 1
    panel.feed(0, failing_run[:cut])
    assert not panel._settle.isActive()  # the refresh is due within REFRESH_MS anyway
    panel.refresh()
    assert not panel._timer.isActive() and not panel._settle.isActive()
    shown = panel.counts_text()
    now[0] += 0.030
    panel.feed(cut, failing_run[cut:])  # the spaced refresh is FLOOD_REFRESH_MS - 30 ms off…
    assert panel._timer.isActive() and panel._timer.interval() > tests_panel.REFRESH_MS
    assert panel._settle.isActive() and panel._settle.interval() == tests_panel.REFRESH_MS  # …the settle timer is not
    assert panel.counts_text() == shown
    panel._settle.timeout.emit()  # REFRESH_MS without a change: the run's state now
    assert panel.counts_text() == "6 passed, 1 failed"
    assert not panel._timer.isActive() and not panel._settle.isActive()  # one refresh, nothing left pending
    # A change when the spaced refresh is already as near as REFRESH_MS: no settle timer (the spaced one comes first).
    now[0] += 0.030
    panel.feed(len(failing_run), b"=== RUN   TestLater\r\n")
    assert panel._settle.isActive()
    now[0] = panel._due - tests_panel.REFRESH_MS / 1000 + 0.001  # (a ms nearer: no float rounding at the edge)
    panel.feed(len(failing_run) + 21, b"=== RUN   TestLater2\r\n")
    assert panel._timer.isActive() and not panel._settle.isActive()
