"""Text from outside is shown as plain text everywhere in the window (issue 12, DESIGN §7).

HTML goes in through every path that shows outside text — a recording's header (title, command, env, argv,
env overlay, fidelity), its markers, a program's output (test names, a window title sequence), a file name,
a process's environment and locale — and must come out literally: labels in plain-text format, tooltips
escaped, message boxes plain, and the window the size it was (a header's ``<img width=3000 height=3000>``
once grew it from 600 to 3161 pixels tall).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.widgets.codepage_panel import CodePagePanel
from app.widgets.env_panel import EnvPanel
from app.widgets.main_window import MainWindow
from app.widgets.plain_text import plain_tooltip
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from tests.widgets.conftest import play, run_until

IMAGE = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
#: Fake red text and an image of 3000x3000 pixels, if taken as HTML.
EVIL = f'<font size=7 color=red>EVIL</font><img src="{IMAGE}" width=3000 height=3000>'
#: A go test name holding HTML (names have no spaces).
EVIL_NAME = "Test<b>EVIL<i>name"  # no "/": go test reads one as a subtest


def hostile_recording(path: Path) -> Path:
    header = {
        "version": 2,
        "width": 60,
        "height": 10,
        "title": EVIL,
        "command": EVIL,
        "env": {"SHELL": EVIL, "TERM": "xterm"},
        "mojiscope": {"format": 1, "argv": [EVIL], "env_overlay": {"X": EVIL}, "fidelity": EVIL, "stream": "pty"},
    }
    events = [
        [0.1, "o", f"\x1b]0;{EVIL}\x07=== RUN   {EVIL_NAME}\r\n"],
        [0.2, "m", f"FAIL {EVIL}"],
        [0.3, "o", f"    evil_test.go:3: {EVIL}\r\n--- FAIL: {EVIL_NAME} (0.00s)\r\nFAIL\r\n"],
    ]
    path.write_text("\n".join(json.dumps(line) for line in [header, *events]) + "\n", "utf-8")
    return path


def labels_showing(root: QtWidgets.QWidget, needle: str) -> list[QtWidgets.QLabel]:
    return [label for label in root.findChildren(QtWidgets.QLabel) if needle in label.text()]


def assert_literal_tooltip(shown: str, text: str) -> None:
    """A tooltip that shows ``text`` literally: as plain text where Qt takes it for plain text (its own test,
    on the first line only), else as escaped rich text — never the raw tags as rich text."""
    if not QtGui.Qt.mightBeRichText(shown):
        assert shown == text
        return
    assert "<img" not in shown and "<font" not in shown
    doc = QtGui.QTextDocument()
    doc.setHtml(shown)
    assert doc.toPlainText() == text


def hover(widget: QtWidgets.QWidget, point: QtCore.QPoint) -> str:
    """Send the tooltip event a hover sends, and return the tooltip then shown."""
    QtWidgets.QToolTip.hideText()
    event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, point, widget.mapToGlobal(point))
    QtWidgets.QApplication.sendEvent(widget, event)
    return QtWidgets.QToolTip.text()


def test_a_recording_full_of_html_is_shown_as_text(window: MainWindow, tmp_path: Path) -> None:
    height = window.height()
    tab = play(window, hostile_recording(tmp_path / "evil.cast"))
    bar = tab.replay_bar
    assert bar is not None
    run_until(window, lambda: tab.session.source.summary is not None)  # type: ignore[attr-defined]
    bar.seek(0.0)
    assert bar.next_failure()  # the marker's label in the bar's status
    tab.update_status()
    window.show_panel("Session")
    QtWidgets.QApplication.processEvents()
    # The status line (argv, env overlay), the bar's status: plain labels, and they did show the text.
    shown = labels_showing(window, "EVIL")
    assert {tab.status, bar.status_label} <= set(shown)
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert EVIL in tab.status.text() and EVIL in bar.status_label.text()
    assert_literal_tooltip(tab.status.toolTip(), tab.status.text().replace(" · ", "\n"))
    assert_literal_tooltip(bar.status_label.toolTip(), f"FAIL {EVIL} at 0.200 s")
    # The Session panel and the tab's title are plain by nature; the window did not grow.
    assert EVIL in window.session_info.toPlainText()
    window.adjustSize()
    QtWidgets.QApplication.processEvents()
    assert window.height() <= height
    assert window.minimumSizeHint().height() < 600
    # The Bytes panel's hover explains the title sequence, with the title in it: literally.
    hex_view = window.hex_view
    hex_view.set_follow_tail(False)
    window.show_panel("Bytes")
    hex_view.select_bytes(0, 1)
    QtWidgets.QApplication.processEvents()
    rect = hex_view.byte_rect(5)
    assert rect is not None
    point = rect.center()
    text = hex_view.tooltip_at(point)
    assert "set window title and icon name '<font size=7 color=red>EVIL</font><img" in text
    assert_literal_tooltip(hover(hex_view.viewport(), point), text)
    # The Tests panel's hover shows a test's output (its name is HTML): literally.
    panel = window.tests_panel
    window.show_panel("Tests")
    panel.show_run(tab.tests_run)  # the tab's output parsed to its end
    panel.refresh()
    item = panel.item_for(EVIL_NAME)
    assert item is not None
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    tip = panel.tooltip_for(item)
    assert EVIL_NAME in tip
    assert_literal_tooltip(hover(panel.tree.viewport(), rect.center()), tip)


def test_a_file_name_and_an_error_in_a_message_box_are_plain(window: MainWindow, tmp_path: Path, qtbot: Any) -> None:
    path = tmp_path / "<b>bold.cast"
    path.write_text('{"version": 2, "width": 80, "height": 1000000000}\n', "utf-8")
    seen: list[tuple[Qt.TextFormat, str]] = []

    def close_box() -> None:
        box = QtWidgets.QApplication.activeModalWidget()
        if isinstance(box, QtWidgets.QMessageBox):
            seen.append((box.textFormat(), box.text()))
            box.done(0)
        else:
            QtCore.QTimer.singleShot(10, close_box)

    QtCore.QTimer.singleShot(10, close_box)
    window._open_path(path)
    assert seen == [
        (
            Qt.TextFormat.PlainText,
            'Could not open <b>bold.cast: line 1: header "height" is 1000000000, over the limit of 10000 '
            "(as for --rows)",
        )
    ]


@pytest.fixture
def html_process(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real process named with HTML (its executable is a copy of ``sleep`` with such a name), whose
    environment and locale hold HTML too."""
    sleep = shutil.which("sleep")
    assert sleep is not None
    exe = tmp_path / "<u>big"
    shutil.copy(sleep, exe)
    env = {"PATH": os.environ.get("PATH", ""), "LANG": f"zh_CN.{EVIL}", "GOFLAGS": EVIL}
    child = subprocess.Popen([str(exe), "60"], env=env)
    yield child
    child.kill()
    child.wait(10)


def test_environment_values_process_names_and_locales_are_plain(
    qtbot: Any, html_process: subprocess.Popen[bytes]
) -> None:
    env_panel = EnvPanel(lambda: html_process.pid, session_env={"PATH": os.environ.get("PATH", "")})
    qtbot.addWidget(env_panel)
    env_panel.show()
    qtbot.waitUntil(lambda: env_panel.diff is not None)
    assert "(<u>big)" in env_panel.title_text()
    for label in labels_showing(env_panel, "<u>"):
        assert label.textFormat() == Qt.TextFormat.PlainText
    tips = [
        (item.toolTip(2), item.text(2))
        for item in env_panel.tree.findItems("GOFLAGS", Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchContains)
    ]
    assert tips and all(EVIL in text for _, text in tips)
    for tip, _text in tips:
        assert "<img" not in tip
        doc = QtGui.QTextDocument()
        doc.setHtml(tip)
        assert EVIL in doc.toPlainText()
    codepage = CodePagePanel()
    qtbot.addWidget(codepage)
    codepage.set_source(lambda: html_process.pid)
    codepage.show()
    qtbot.waitUntil(lambda: bool(labels_showing(codepage, EVIL)), timeout=10_000)
    for label in labels_showing(codepage, "EVIL"):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_plain_tooltip_leaves_plain_text_alone() -> None:
    assert plain_tooltip("a > b & c") == "a > b & c"
    assert plain_tooltip("") == ""
    assert_literal_tooltip(plain_tooltip(f"x\n  {EVIL}"), f"x\n  {EVIL}")


def test_a_link_target_from_the_output_is_a_literal_tooltip(window: MainWindow, tmp_path: Path, qtbot: Any) -> None:
    """An OSC 8 link's URI is the program's text: hovering it shows it, never as rich text."""
    uri = f"https://example.com/{EVIL}"
    path = tmp_path / "link.cast"
    header = {"version": 2, "width": 60, "height": 5}
    path.write_text(
        json.dumps(header) + "\n" + json.dumps([0.1, "o", f"\x1b]8;;{uri}\x1b\\LINK\x1b]8;;\x1b\\\r\n"]) + "\n"
    )
    tab = play(window, path)
    QtWidgets.QToolTip.hideText()
    point = tab.view.cell_rect(tab.terminal.history_size, 1).center()
    qtbot.mouseMove(tab.view.viewport(), point)
    target = tab.view.hover_target
    assert target is not None and EVIL in target[2]
    assert_literal_tooltip(QtWidgets.QToolTip.text(), target[2])
