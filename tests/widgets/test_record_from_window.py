"""File ▸ Record this session / Stop recording, and Export selected bytes, in the real window."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from app.record.cast import read_cast
from app.session.factory import command_plan, live_session
from app.widgets.main_window import MainWindow
from tests.widgets.conftest import run_until

CHILD = (
    "import sys\n"
    "sys.stdout.write('first \\u52a0\\u6cd5\\n'); sys.stdout.flush()\n"
    "sys.stdin.readline()\n"
    "sys.stdout.write('second\\n'); sys.stdout.flush()\n"
)


def test_record_a_running_session_from_the_menu(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    session = live_session(command_plan([sys.executable, "-c", CHILD]), cols=60, rows=8)
    tab = window.open_session(session, title="child")
    run_until(window, lambda: b"first" in session.bytelog.slice(0))
    window._sync_file_menu()
    assert window.record_action.text() == "&Record this session…" and window.record_action.isEnabled()
    out = tmp_path / "from-window.cast"
    assert window.record_current(out)
    assert "● recording to from-window.cast" in tab.status_text()
    window._sync_file_menu()
    assert window.record_action.text() == "Stop &recording"
    session.write(b"\n")
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    recording = read_cast(out)
    assert recording.output_bytes() == session.bytelog.slice(0)  # what came before the click too
    assert recording.exit_status == 0
    window._sync_file_menu()
    assert window.record_action.text() == "&Record this session…"  # the program ended: the recording is whole
    again = tmp_path / "after-the-end.cast"
    assert window.record_current(again)  # a finished run can still be saved, whole, with its exit status
    saved = read_cast(again)
    assert saved.output_bytes() == session.bytelog.slice(0) and saved.exit_status == 0


def test_stop_recording_and_export_selected_bytes(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    session = live_session(command_plan([sys.executable, "-c", CHILD]), cols=60, rows=8)
    tab = window.open_session(session, title="child")
    run_until(window, lambda: b"first" in session.bytelog.slice(0))
    out = tmp_path / "stopped.cast"
    assert window.record_current(out)
    assert window.stop_recording_current() == str(out)
    assert "recording stopped" in tab.status_text() and not session.recording
    everything = session.bytelog.slice(0)
    start = everything.index("加".encode())
    window.select_bytes(start, start + 6)
    window._sync_file_menu()
    assert window.export_action.isEnabled()
    assert window.export_selection(tmp_path / "sel.bin") == 6
    assert (tmp_path / "sel.bin").read_text(encoding="utf-8") == "加法"
    assert window.export_selection(tmp_path / "sel.cast") == 6
    assert read_cast(tmp_path / "sel.cast").output_bytes() == "加法".encode()
    assert window.export_selection(tmp_path / "no" / "such" / "x.bin") is None
    assert "could not export" in tab.status_text()
    session.write(b"\n")
    assert tab.task is not None
    window.loop.run_until_complete(asyncio.wait_for(asyncio.shield(tab.task), 20))
    assert b"second" not in read_cast(out).output_bytes()
