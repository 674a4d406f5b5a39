"""CodePagePanel on real processes (offscreen): locale and codeset, history, IUTF8, polling only while visible."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping

import pytest
from pytestqt.qtbot import QtBot

from app.pty.probes import CodePageReport, probe_code_pages, set_iutf8
from app.pty.profiles import plan_session
from app.widgets.codepage_panel import CodePagePanel
from app.widgets.qt import QtWidgets

SLEEP = shutil.which("sleep") or "sleep"
TIME = r"\d\d:\d\d:\d\d"

Spawn = Callable[[Mapping[str, str]], subprocess.Popen[bytes]]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start ``sleep`` with exactly the environment given; every child is killed and reaped after."""
    children: list[subprocess.Popen[bytes]] = []

    def start(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        child = subprocess.Popen([SLEEP, "60"], env=dict(env))
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()
        child.wait(10)


class Provider:
    """A session's "foreground pid", switchable like a shell starting another program."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid

    def __call__(self) -> int | None:
        return self.pid


class CountingProbe:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, pid: int, tty_fd: int | None) -> CodePageReport:
        with self.lock:
            self.calls += 1
        return probe_code_pages(pid, tty_fd=tty_fd)


def make_panel(qtbot: QtBot, provider: Callable[[], int | None], **kw: object) -> CodePagePanel:
    panel = CodePagePanel(provider, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(420, 640)
    return panel


def shown(qtbot: QtBot, panel: CodePagePanel) -> CodePagePanel:
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def wait_for_pid(qtbot: QtBot, panel: CodePagePanel, pid: int) -> CodePageReport:
    qtbot.waitUntil(lambda: panel.report is not None and panel.report.pid == pid, timeout=15000)
    assert panel.report is not None
    return panel.report


def polling(panel: CodePagePanel) -> bool:
    """Through a call, so a type checker does not keep an earlier answer for the property."""
    return panel.polling


def no_traceback(panel: QtWidgets.QWidget) -> None:
    texts = [label.text() for label in panel.findChildren(QtWidgets.QLabel)]
    assert not any("Traceback" in t or 'File "' in t for t in texts), texts


def test_shows_the_childs_locale_and_codeset_exactly(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn({"LANG": "zh_CN.GBK", "LC_CTYPE": "", "PATH": "/usr/bin:/bin"})
    panel = shown(qtbot, make_panel(qtbot, Provider(child.pid)))
    wait_for_pid(qtbot, panel, child.pid)
    assert panel.field_text("process") == f"{child.pid} (sleep)"
    # LC_CTYPE is set but empty: POSIX says it counts as unset, so LANG decides.
    assert panel.field_text("locale") == "zh_CN.GBK (from LANG; LC_ALL > LC_CTYPE > LANG)"
    assert panel.field_text("codeset") == "GBK"
    assert panel.field_text("decode as") == "gbk"
    assert panel.field_text("locale exists").startswith("no: C programs fall back")
    assert panel.field_text("IUTF8") == "unknown (no tty given)"
    for key in ("console output code page", "console input code page", "ANSI code page", "OEM code page"):
        assert panel.field_text(key) == "not available here (Windows only)"
    assert "codeset GBK" in panel.status_text()
    no_traceback(panel)


def test_lc_all_wins_and_an_existing_locale_gives_the_c_librarys_codeset(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn({"LC_ALL": "C.utf8", "LANG": "zh_CN.GBK"})
    panel = shown(qtbot, make_panel(qtbot, Provider(child.pid)))
    wait_for_pid(qtbot, panel, child.pid)
    assert panel.field_text("locale") == "C.utf8 (from LC_ALL; LC_ALL > LC_CTYPE > LANG)"
    assert panel.field_text("locale exists") == "yes"
    assert panel.field_text("codeset") == "UTF-8"
    assert panel.field_text("decode as") == "utf-8"


def test_switching_to_a_child_with_another_locale_is_logged_with_the_time(qtbot: QtBot, spawn: Spawn) -> None:
    utf8 = spawn({"LC_ALL": "C.utf8"})
    gbk = spawn({"LC_ALL": "zh_CN.GBK"})
    provider = Provider(utf8.pid)
    panel = shown(qtbot, make_panel(qtbot, provider))
    wait_for_pid(qtbot, panel, utf8.pid)
    assert panel.history_lines() == []
    provider.pid = gbk.pid  # the shell started another program
    panel.refresh()
    wait_for_pid(qtbot, panel, gbk.pid)
    lines = panel.history_lines()
    assert any(re.fullmatch(rf"{TIME} codeset UTF-8 → GBK", line) for line in lines), lines
    assert any(re.fullmatch(rf"{TIME} locale C\.utf8 → zh_CN\.GBK", line) for line in lines), lines
    assert any(re.fullmatch(rf"{TIME} process {utf8.pid} \(sleep\) → {gbk.pid} \(sleep\)", line) for line in lines)
    assert any(re.fullmatch(rf"{TIME} decode as utf-8 → gbk", line) for line in lines), lines
    assert panel.field_text("codeset") == "GBK"


def test_iutf8_of_a_real_pty_and_its_change(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn({"LC_ALL": "C.utf8"})
    master, slave = os.openpty()
    try:
        assert set_iutf8(slave, True)
        panel = shown(qtbot, make_panel(qtbot, Provider(child.pid), tty_fd=lambda: master))
        wait_for_pid(qtbot, panel, child.pid)
        qtbot.waitUntil(lambda: panel.field_text("IUTF8") == "on", timeout=15000)
        assert set_iutf8(slave, False)  # someone ran `stty -iutf8`
        panel.refresh()
        qtbot.waitUntil(lambda: panel.field_text("IUTF8") == "off", timeout=15000)
        assert any(re.fullmatch(rf"{TIME} IUTF8 on → off", line) for line in panel.history_lines())
    finally:
        os.close(master)
        os.close(slave)


def test_session_plan_is_shown_and_a_process_that_left_it_is_warned_about(qtbot: QtBot, spawn: Spawn) -> None:
    plan = plan_session("bash", utf8=True, base_env={"PATH": "/usr/bin:/bin", "TERM": "xterm"}, platform="linux")
    wanted = plan.overlay["LC_ALL"]
    child = spawn({"LC_ALL": "zh_CN.GBK"})
    panel = make_panel(qtbot, Provider(child.pid), plan=plan)
    text = panel.plan_text()
    assert text.splitlines()[0] == "profile bash: UTF-8 enforcement on"
    assert f"env LC_ALL={wanted}" in text
    assert "env PYTHONUTF8=1" in text
    assert "tty flag: IUTF8" in text
    shown(qtbot, panel)
    wait_for_pid(qtbot, panel, child.pid)
    assert f"the session set LC_ALL={wanted}, but this process runs in zh_CN.GBK" in panel.warnings_text()
    panel.set_plan(None)
    assert "no session plan" in panel.plan_text()
    assert panel.warnings_text() == ""


def test_a_hidden_panel_does_not_poll(qtbot: QtBot, spawn: Spawn) -> None:
    child = spawn({"LANG": "C.utf8"})
    probe = CountingProbe()
    tabs = QtWidgets.QTabWidget()
    qtbot.addWidget(tabs)
    panel = CodePagePanel(Provider(child.pid), probe=probe, interval_ms=20)
    other = QtWidgets.QLabel("another panel")
    qtbot.wait(150)  # not in a window yet: ten intervals, no probe
    assert probe.calls == 0
    assert not panel.polling
    tabs.addTab(other, "Bytes")
    tabs.addTab(panel, "Code page")
    tabs.resize(420, 640)
    tabs.show()  # "Bytes" is the current tab: the panel exists but is hidden
    qtbot.waitExposed(tabs)
    qtbot.wait(150)
    assert probe.calls == 0
    assert not polling(panel)
    tabs.setCurrentWidget(panel)
    assert polling(panel)
    qtbot.waitUntil(lambda: probe.calls >= 3, timeout=15000)  # visible: it polls, again and again
    tabs.setCurrentWidget(other)
    assert not polling(panel)
    assert panel.driver.poller.wait_idle(15)
    settled = probe.calls
    qtbot.wait(150)
    assert probe.calls == settled


def test_a_dead_process_reads_as_a_message(qtbot: QtBot) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(10)  # exited and reaped: the pid names nobody
    panel = shown(qtbot, make_panel(qtbot, Provider(child.pid)))
    wait_for_pid(qtbot, panel, child.pid)
    assert panel.status_text() == f"process {child.pid} is gone; there is no environment to read"
    assert panel.field_text("decode as") == "unknown (the probe failed, see below)"
    no_traceback(panel)


def test_no_process_and_a_probe_that_raises(qtbot: QtBot) -> None:
    provider = Provider(None)

    def broken(pid: int, tty_fd: int | None) -> CodePageReport:
        raise PermissionError(f"cannot read process {pid}")

    panel = shown(qtbot, make_panel(qtbot, provider, probe=broken))
    qtbot.waitUntil(lambda: panel.report is not None, timeout=15000)
    assert "no foreground process" in panel.status_text()
    provider.pid = 4242
    panel.refresh()
    qtbot.waitUntil(lambda: "PermissionError" in panel.status_text(), timeout=15000)
    assert panel.status_text() == "the probe failed: PermissionError: cannot read process 4242"
    no_traceback(panel)


def test_windows_console_code_pages_through_an_injected_probe(qtbot: QtBot) -> None:
    cps = iter([65001, 65001, 936])

    def windows_probe(pid: int, tty_fd: int | None) -> CodePageReport:
        cp = next(cps, 936)
        return CodePageReport(
            platform="windows",
            available=True,
            summary=f"console output code page {cp}",
            codec="utf-8" if cp == 65001 else "gbk",
            pid=pid,
            console_input_cp=cp,
            console_output_cp=cp,
            ansi_cp=936,
            oem_cp=936,
        )

    plan = plan_session("cmd", utf8=True, base_env={"PATH": r"C:\Windows"}, platform="win32")
    panel = shown(qtbot, make_panel(qtbot, Provider(os.getpid()), probe=windows_probe, plan=plan, interval_ms=20))
    qtbot.waitUntil(lambda: panel.report is not None, timeout=15000)
    assert "startup command: chcp 65001>nul" in panel.plan_text()
    assert panel.field_text("console output code page") == "65001"
    assert panel.field_text("locale").startswith("not available here")
    for _ in range(2):
        panel.refresh()
    qtbot.waitUntil(lambda: panel.field_text("console output code page") == "936", timeout=15000)
    assert any(re.fullmatch(rf"{TIME} console output code page 65001 → 936", line) for line in panel.history_lines())
    assert "it is 936 now" in panel.warnings_text()


def test_destroying_the_panel_while_a_probe_runs(qtbot: QtBot) -> None:
    gate = threading.Event()
    entered = threading.Event()

    def slow(pid: int, tty_fd: int | None) -> CodePageReport:
        entered.set()
        gate.wait(15)
        return probe_code_pages(pid, tty_fd=tty_fd)

    panel = CodePagePanel(Provider(os.getpid()), probe=slow)
    panel.show()
    qtbot.waitExposed(panel)
    assert entered.wait(15)
    poller = panel.driver.poller
    panel.deleteLater()
    qtbot.waitUntil(lambda: not _alive(panel), timeout=15000)
    gate.set()
    assert poller.wait_idle(15)
    qtbot.wait(50)  # the queued result, if any, finds no receiver: nothing is raised


def _alive(widget: QtWidgets.QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:
        return False
    return True
