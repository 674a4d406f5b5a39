"""Input that reaches a program safely (issue 12): in the session's encoding, pastes that cannot end a bracketed
paste early, a question before several lines run as commands, and before closing what still runs.

Real programs on real ptys in the real window; the dialogs are real message boxes, answered by a timer the way
a user clicks them. Each test runs as one coroutine on the window's loop, so a key press, a paste or a close
(and the dialog it opens) happens inside the running loop, as in the app.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import psutil
import pytest

from app.session.factory import command_plan, live_session
from app.widgets.main_window import MainWindow
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets
from app.widgets.session_tab import SessionTab

T = TypeVar("T")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX ptys; ConPTY has its own suite")

#: A program that shows every read of its input in hex, one line per read, after turning bracketed paste on
#: (or not: the first argument).
ECHO_HEX = (
    "import os, sys, tty\n"
    "tty.setraw(0)\n"
    "if sys.argv[1] == 'bracketed':\n"
    "    sys.stdout.write('\\x1b[?2004h')\n"
    "sys.stdout.write('ready\\r\\n'); sys.stdout.flush()\n"
    "while True:\n"
    "    data = os.read(0, 4096)\n"
    "    sys.stdout.write('got ' + data.hex() + '\\r\\n'); sys.stdout.flush()\n"
)


def run(window: MainWindow, body: Callable[[], Coroutine[Any, Any, None]], limit: float = 60) -> None:
    """Run a test's body on the window's loop (``limit`` only stops a broken test from hanging)."""
    window.loop.run_until_complete(asyncio.wait_for(body(), limit))


async def ui(action: Callable[[], T]) -> T:
    """Do ``action`` as the app does a click or a key press: from Qt's event loop, not from inside a task (a
    modal dialog opened inside a task would run the other tasks re-entrantly, which asyncio refuses)."""
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()

    def fire() -> None:
        try:
            future.set_result(action())
        except BaseException as exc:
            future.set_exception(exc)

    QtCore.QTimer.singleShot(0, fire)
    return await future


async def until(done: Callable[[], bool]) -> None:
    while not done():
        await asyncio.sleep(0.005)


async def echo_hex(window: MainWindow, *, bracketed: bool, encoding: str = "utf-8") -> SessionTab:
    plan = command_plan([sys.executable, "-c", ECHO_HEX, "bracketed" if bracketed else "plain"])
    tab = window.open_session(live_session(plan, encoding=encoding), title="echo-hex")
    await until(lambda: b"ready" in tab.session.bytelog.slice(0))
    return tab


def received(tab: SessionTab) -> list[str]:
    """The reads the program reported, in hex."""
    text = tab.session.bytelog.slice(0).decode("ascii", "replace")
    return [line[4:] for line in text.split("\r\n") if line.startswith("got ")]


class Dialogs:
    """Answers the next message box like a user: notes its text, ticks its box if asked, clicks a button."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def answer(self, button: str, *, tick: bool = False, attempts: int = 500) -> None:
        def look(left: int) -> None:
            box = QtWidgets.QApplication.activeModalWidget()
            if not isinstance(box, QtWidgets.QMessageBox):
                if left:
                    QtCore.QTimer.singleShot(10, lambda: look(left - 1))
                return
            self.seen.append(box.text())
            assert box.textFormat() == Qt.TextFormat.PlainText
            check = box.checkBox()
            if tick and check is not None:
                check.setChecked(True)
            for candidate in box.buttons():
                if candidate.text().replace("&", "") == button:
                    candidate.click()
                    return
            box.reject()
            raise AssertionError(f"no button {button!r} in {[b.text() for b in box.buttons()]}")

        QtCore.QTimer.singleShot(10, lambda: look(attempts))


# ------------------------------------------------------------------ the session's encoding


def test_keys_and_pastes_go_out_in_the_sessions_encoding_under_decode_as(window: MainWindow) -> None:
    """A UTF-8 session shown as cp437: "é" went out as 82, and "¢201~" as 9B 32 30 31 7E — the 8-bit end of the
    bracketed paste, inside it. Both go out as UTF-8 now, and the bracket is the session terminal's."""

    async def body() -> None:
        tab = await echo_hex(window, bracketed=True)
        window.decode_as("cp437")
        assert tab.encoding == "cp437" and tab.session.terminal.encoding == "utf-8"
        assert await ui(lambda: tab.view.paste("é¢201~"))
        await until(lambda: len(received(tab)) >= 1)
        assert received(tab)[0] == (b"\x1b[200~" + "é¢201~".encode() + b"\x1b[201~").hex()
        press = QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, Qt.Key.Key_Eacute, Qt.KeyboardModifier.NoModifier, "é")
        await ui(lambda: QtWidgets.QApplication.sendEvent(tab.view, press))
        await until(lambda: len(received(tab)) >= 2)
        assert received(tab)[1] == "é".encode().hex()

    run(window, body)


def test_a_code_page_that_makes_a_c1_byte_cannot_end_the_paste_early(window: MainWindow) -> None:
    """A cp437 session: "¢" is 9B there, the 8-bit CSI; "¢201~" would end the bracket. It is left out whole."""

    async def body() -> None:
        tab = await echo_hex(window, bracketed=True, encoding="cp437")
        assert await ui(lambda: tab.view.paste("a¢201~b é"))
        await until(lambda: len(received(tab)) >= 1)
        assert received(tab)[0] == (b"\x1b[200~ab " + "é".encode("cp437") + b"\x1b[201~").hex()

    run(window, body)


# ------------------------------------------------------------------ several lines without bracketed paste


def test_several_lines_into_a_program_without_bracketed_paste_ask_first(window: MainWindow) -> None:
    dialogs = Dialogs()

    async def body() -> None:
        tab = await echo_hex(window, bracketed=False)
        dialogs.answer("Cancel")
        assert not await ui(lambda: tab.view.paste("rm -rf build\nmake\n"))
        assert "2 lines" in dialogs.seen[0] and "rm -rf build" in dialogs.seen[0]
        dialogs.answer("Paste")
        assert await ui(lambda: tab.view.paste("one\ntwo"))
        await until(lambda: len(received(tab)) >= 1)
        assert received(tab) == [b"one\rtwo".hex()]  # the cancelled paste never went out
        # One line: no question. The box ticked: the asking stops, and the Edit menu shows it.
        assert await ui(lambda: tab.view.paste("single"))
        dialogs.answer("Paste", tick=True)
        assert await ui(lambda: tab.view.paste("three\nfour"))
        assert len(dialogs.seen) == 3
        assert not window.settings.confirm_multiline_paste and not window.confirm_paste_action.isChecked()
        assert await ui(lambda: tab.view.paste("five\nsix"))  # not asked
        await until(lambda: b"five\rsix".hex() in "".join(received(tab)))
        assert len(dialogs.seen) == 3

    run(window, body)


def test_a_program_with_bracketed_paste_is_not_asked_about(window: MainWindow) -> None:
    async def body() -> None:
        tab = await echo_hex(window, bracketed=True)
        assert await ui(lambda: tab.view.paste("one\ntwo\n"))
        await until(lambda: len(received(tab)) >= 1)
        assert "".join(received(tab)) == b"\x1b[200~one\rtwo\r\x1b[201~".hex()

    run(window, body)


# ------------------------------------------------------------------ closing what still runs


async def shell_tab(window: MainWindow) -> SessionTab:
    window.settings.profile = "sh"
    tab = window.new_session()
    await until(lambda: tab.session.bytelog.total_bytes > 0)
    return tab


async def run_in(tab: SessionTab, line: bytes, name: str) -> int:
    """Type ``line`` into the shell and wait until ``name`` holds its terminal; returns its pid."""
    tab.session.write(line + b"\r")
    await until(lambda: (program := tab.running_program()) is not None and program.name == name)
    program = tab.running_program()
    assert program is not None
    return program.pid


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_closing_a_tab_asks_only_while_a_program_runs_there(window: MainWindow) -> None:
    dialogs = Dialogs()

    async def body() -> None:
        idle = await shell_tab(window)
        assert idle.running_program() is None  # the shell at its prompt holds the terminal itself
        await ui(lambda: window._on_close_requested(window.tabs.indexOf(idle)))
        assert window.tabs.indexOf(idle) == -1 and dialogs.seen == []
        busy = await shell_tab(window)
        pid = await run_in(busy, b"sleep 60", "sleep")
        dialogs.answer("Cancel")
        await ui(lambda: window._on_close_requested(window.tabs.indexOf(busy)))
        assert len(dialogs.seen) == 1 and f"sleep (pid {pid})" in dialogs.seen[0]
        assert window.tabs.indexOf(busy) >= 0 and not gone(pid)
        dialogs.answer("Close tab")
        await ui(lambda: window._on_close_requested(window.tabs.indexOf(busy)))
        assert window.tabs.indexOf(busy) == -1
        await until(lambda: gone(pid))

    run(window, body)


def test_a_finished_session_never_asks(window: MainWindow) -> None:
    dialogs = Dialogs()

    async def body() -> None:
        done = window.open_session(live_session(command_plan(["true"])), title="true")
        await until(lambda: done.session.exit_status is not None)
        assert done.running_program() is None
        await ui(lambda: window._on_close_requested(window.tabs.indexOf(done)))
        assert window.tabs.indexOf(done) == -1 and dialogs.seen == []

    run(window, body)


def test_a_command_runs_until_it_exits(window: MainWindow) -> None:
    """Without a shell, the program is the session: it runs (and is asked about) until it exits."""

    async def body() -> None:
        tab = window.open_session(live_session(command_plan(["sleep", "60"])), title="sleep")
        await until(lambda: tab.session.running)
        program = tab.running_program()
        assert program is not None and program.name == "sleep" and program.pid == tab.session.source.pid

    run(window, body)


def test_quitting_asks_about_every_running_program(window: MainWindow) -> None:
    dialogs = Dialogs()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    pids: list[int] = []

    async def body() -> None:
        await shell_tab(window)
        busy = await shell_tab(window)
        pid = await run_in(busy, b"sleep 60", "sleep")
        pids.append(pid)
        dialogs.answer("Cancel")
        await ui(window.quit)
        assert len(dialogs.seen) == 1 and f"sleep (pid {pid})" in dialogs.seen[0] and "Quitting" in dialogs.seen[0]
        await asyncio.sleep(0.05)
        assert window.isVisible() and not closed and not gone(pid)
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        window.closed.connect(lambda: finished.done() or finished.set_result(None))
        dialogs.answer("Quit")
        await ui(window.quit)
        await finished

    try:
        run(window, body)
    except RuntimeError as exc:  # the last window closed: Qt ended the loop, as it ends the app
        assert "stopped before Future completed" in str(exc)
    assert closed and not window.isVisible() and gone(pids[0])


def test_the_question_can_be_turned_off_in_the_edit_menu(window: MainWindow) -> None:
    dialogs = Dialogs()

    async def body() -> None:
        window.confirm_close_action.setChecked(False)
        assert not window.settings.confirm_close_running
        busy = await shell_tab(window)
        await run_in(busy, b"sleep 60", "sleep")
        await ui(lambda: window._on_close_requested(window.tabs.indexOf(busy)))
        assert window.tabs.indexOf(busy) == -1 and dialogs.seen == []

    run(window, body)
