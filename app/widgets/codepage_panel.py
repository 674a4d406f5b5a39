"""The Code page panel: what encoding the session's foreground process is in, live, with a history.

DESIGN §4/§6.  Mojibake starts where the program and the terminal disagree on the encoding, and the
program's side of that is invisible: on Windows the console's code pages (``chcp``), on POSIX the
locale the process was started with and the tty's IUTF8 flag.  This panel shows them for the
process in the foreground *now* (a ``go test`` started from the shell, not the shell), polls while
it is visible, and logs each change with a time — "12:01:03 codeset UTF-8 → GBK" is the moment to
look at in the Bytes panel.  The session plan's UTF-8 enforcement (env overlay, startup commands,
tty flags) is shown at the top, with a warning when the process no longer has what was set up.

Probes run off the UI thread (:class:`app.inspect.probe_poller.ProbePoller`); the wording of every
field comes from :mod:`app.inspect.probe_poller` too, so this module only lays it out.
:class:`~app.widgets.poll_driver.PollDriver` — "poll while visible" — is shared with the Environment panel.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from app.inspect.probe_poller import (
    CodePageHistory,
    PollResult,
    codepage_fields,
    plan_lines,
    plan_warnings,
)
from app.inspect.probe_report import process_name
from app.pty.probes import CodePageReport, probe_code_pages
from app.pty.profiles import SessionPlan
from app.widgets.plain_text import plain_label
from app.widgets.poll_driver import PollDriver
from app.widgets.qt import Qt, QtGui, QtWidgets, Signal

__all__ = ["CodePagePanel", "CodePageProbe", "PidProvider", "TtyFd"]

#: Returns the pid of the session's foreground process now, or ``None`` (no session, or it ended).
PidProvider = Callable[[], int | None]
#: The session's tty (the pty master is fine: termios calls on it act on the slave), or a callable
#: returning it, for IUTF8.  ``None``: IUTF8 is shown as unknown.
TtyFd = int | Callable[[], int | None] | None
#: ``probe(pid, tty_fd) -> report``; injectable so tests can count calls or simulate Windows.
CodePageProbe = Callable[[int, int | None], CodePageReport]


def _default_probe(pid: int, tty_fd: int | None) -> CodePageReport:
    return probe_code_pages(pid, tty_fd=tty_fd)


def _platform_name() -> str:
    return "windows" if sys.platform == "win32" else "posix"


_FIELD_LABELS = {
    "process": ("Process", "The session's foreground process: the one whose output you are reading"),
    "decode as": ("Decode as", "The codec this process's bytes are in: what 'Decode as' should use"),
    "locale": ("Locale", "LC_ALL, else LC_CTYPE, else LANG, as the process was started (POSIX)"),
    "locale exists": ("Locale exists here", "Whether the C library has this locale; if not, C programs use ASCII"),
    "codeset": ("Codeset", "The locale's character set: what C programs (and Python) write in"),
    "IUTF8": ("IUTF8 (tty)", "The tty line discipline erases whole UTF-8 characters on backspace"),
    "console output code page": ("Console output CP", "GetConsoleOutputCP: how the console reads bytes written"),
    "console input code page": ("Console input CP", "GetConsoleCP: how typed text is encoded for the program"),
    "ANSI code page": ("ANSI code page", "GetACP: what non-Unicode Windows programs use for files and pipes"),
    "OEM code page": ("OEM code page", "GetOEMCP: the console's default code page"),
}


class CodePagePanel(QtWidgets.QWidget):
    """Live code page / locale of a session's foreground process, and when it changed.

    ``pid_provider`` is asked at every poll (the foreground process changes as commands start and
    end); ``tty_fd`` is the session's tty for IUTF8; ``plan`` the :class:`SessionPlan` it was
    started with.  :meth:`set_source` switches all three (another session's tab).  ``probe`` and
    ``interval_ms`` are for tests.  ``report_changed`` is emitted with each new report, e.g. for a
    status line or to offer "Decode as" the codec.
    """

    report_changed = Signal(object)

    def __init__(
        self,
        pid_provider: PidProvider | None = None,
        *,
        tty_fd: TtyFd = None,
        plan: SessionPlan | None = None,
        probe: CodePageProbe | None = None,
        interval_ms: int = 1000,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CodePagePanel")
        self._pid_provider = pid_provider
        self._tty_fd = tty_fd
        self._plan = plan
        self._probe: CodePageProbe = probe or _default_probe
        self._report: CodePageReport | None = None
        self.history = CodePageHistory()
        self.driver = PollDriver(self, interval_ms, self._make_task, self._on_result)
        self._build()
        self._show_plan()
        self._show_waiting()

    # -- public API -------------------------------------------------------------------------------

    @property
    def report(self) -> CodePageReport | None:
        """The latest report shown (``None`` before the first probe)."""
        return self._report

    @property
    def polling(self) -> bool:
        """Whether the panel polls (it does while visible)."""
        return self.driver.active

    def set_source(
        self,
        pid_provider: PidProvider | None,
        *,
        tty_fd: TtyFd = None,
        plan: SessionPlan | None = None,
    ) -> None:
        """Follow another session: its foreground pid, tty and plan; the history starts again."""
        self._pid_provider = pid_provider
        self._tty_fd = tty_fd
        self._plan = plan
        self._report = None
        self.history.clear()
        self._history_list.clear()
        self._show_plan()
        self._show_waiting()
        if self.isVisible():
            self.driver.refresh()

    def set_plan(self, plan: SessionPlan | None) -> None:
        """The plan changed (the UTF-8 switch restarted the session's shell)."""
        self._plan = plan
        self._show_plan()
        if self._report is not None:
            self._show_warnings(self._report)

    def refresh(self) -> None:
        """Probe now (the Refresh button; also useful right after a session starts)."""
        self.driver.refresh()

    def field_text(self, key: str) -> str:
        """The text shown for one field (keys as in :func:`app.inspect.probe_poller.codepage_fields`)."""
        return self._values[key].text()

    def fields(self) -> dict[str, str]:
        return {key: label.text() for key, label in self._values.items()}

    def status_text(self) -> str:
        return self._status.text()

    def plan_text(self) -> str:
        return self._plan_label.text()

    def warnings_text(self) -> str:
        return self._warnings.text() if not self._warnings.isHidden() else ""

    def history_lines(self) -> list[str]:
        return [self._history_list.item(i).text() for i in range(self._history_list.count())]

    # -- Qt ---------------------------------------------------------------------------------------

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.driver.start()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        super().hideEvent(event)
        self.driver.stop()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.driver.stop()
        super().closeEvent(event)

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        plan_box = QtWidgets.QGroupBox("Session UTF-8 enforcement")
        plan_layout = QtWidgets.QVBoxLayout(plan_box)
        self._plan_label = plain_label()
        self._plan_label.setWordWrap(True)
        self._plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plan_layout.addWidget(self._plan_label)
        layout.addWidget(plan_box)

        self._warnings = plain_label()
        self._warnings.setWordWrap(True)
        self._warnings.setStyleSheet("QLabel { color: #8a4b00; background: #fff3c4; padding: 4px; }")
        self._warnings.hide()
        layout.addWidget(self._warnings)

        probe_box = QtWidgets.QGroupBox("Foreground process")
        form = QtWidgets.QFormLayout(probe_box)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._values: dict[str, QtWidgets.QLabel] = {}
        for key, (title, tip) in _FIELD_LABELS.items():
            value = plain_label("—")  # locale names and code pages of a process: from outside
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setToolTip(tip)
            name = QtWidgets.QLabel(title + ":")
            name.setToolTip(tip)
            form.addRow(name, value)
            self._values[key] = value
        decode = self._values["decode as"]
        font = decode.font()
        font.setBold(True)
        decode.setFont(font)
        layout.addWidget(probe_box)

        self._status = plain_label()
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._status)

        head = QtWidgets.QHBoxLayout()
        head.addWidget(QtWidgets.QLabel("<b>Changes</b>"))
        head.addStretch(1)
        self._last_probe = plain_label()
        self._last_probe.setStyleSheet("QLabel { color: #707070; }")
        head.addWidget(self._last_probe)
        refresh = QtWidgets.QPushButton("Refresh")
        refresh.setToolTip("Probe now (the panel also probes every second while it is visible)")
        refresh.clicked.connect(self.refresh)
        head.addWidget(refresh)
        layout.addLayout(head)

        self._history_list = QtWidgets.QListWidget()
        self._history_list.setToolTip("Each change of the foreground process's encoding facts, with the time")
        self._history_list.setMinimumHeight(60)
        layout.addWidget(self._history_list, 1)

    def _show_plan(self) -> None:
        lines = plan_lines(self._plan)
        self._plan_label.setText("\n".join(lines))

    def _show_waiting(self) -> None:
        for label in self._values.values():
            label.setText("—")
        self._status.setStyleSheet("")
        self._status.setText("waiting for the first probe (it runs while this panel is visible)")
        self._warnings.hide()
        self._last_probe.setText("")

    # -- polling ----------------------------------------------------------------------------------

    def _current_tty(self) -> int | None:
        fd = self._tty_fd
        if callable(fd):
            try:
                return fd()
            except Exception:
                return None
        return fd

    def _make_task(self) -> Callable[[], tuple[CodePageReport, str | None]]:
        """Runs on the UI thread: ask the session *now*; the returned task runs on the probe thread."""
        try:
            pid = self._pid_provider() if self._pid_provider is not None else None
        except Exception:
            pid = None
        tty_fd = self._current_tty()
        probe = self._probe

        def task() -> tuple[CodePageReport, str | None]:
            if pid is None:
                return (
                    CodePageReport(
                        platform=_platform_name(),
                        available=False,
                        summary="no foreground process to probe: no session, or it has ended",
                        error="no process",
                    ),
                    None,
                )
            report = probe(pid, tty_fd)
            return report, (process_name(pid) if report.available else None)

        return task

    def _on_result(self, result: PollResult[Any]) -> None:
        if result.value is None:
            report = CodePageReport(
                platform=_platform_name(),
                available=False,
                summary=f"the probe failed: {result.error}",
                error=result.error,
                time=result.finished,
            )
            name = None
        else:
            report, name = result.value
        self._show_report(report, name)

    def _show_report(self, report: CodePageReport, name: str | None) -> None:
        self._report = report
        fields = codepage_fields(report, name=name, have_tty=self._tty_fd is not None)
        for key, label in self._values.items():
            label.setText(fields.get(key, "—"))
        if report.available:
            self._status.setStyleSheet("")
            self._status.setText(report.summary)
        else:
            self._status.setStyleSheet("QLabel { color: #b00020; }")
            self._status.setText(report.summary if report.summary else (report.error or "the probe failed"))
        self._show_warnings(report)
        for entry in self.history.observe(report, name=name):
            self._history_list.addItem(entry.text())
            self._history_list.scrollToBottom()
        self._last_probe.setText("probed " + time.strftime("%H:%M:%S", time.localtime(report.time)))
        self.report_changed.emit(report)

    def _show_warnings(self, report: CodePageReport) -> None:
        warnings = plan_warnings(self._plan, report)
        self._warnings.setText("\n".join("⚠ " + w for w in warnings))
        self._warnings.setVisible(bool(warnings))
