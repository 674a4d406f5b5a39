"""Polling the code page / locale and environment probes for the live panels, without Qt.

DESIGN §4/§6: the Code page and Environment panels show the session's foreground process *live*
and log every change with a time.  The probes themselves (:mod:`app.pty.probes`) can be slow — the
locale probe may start a subprocess to ask the C library for a codeset, the Windows console probe
always starts a helper process, psutil may wait for a process caught mid-``exec`` — so they must
not run on the UI thread, or the terminal would stutter once a second.  This module holds
everything about that which is not drawing:

* :class:`ProbePoller` runs one probe at a time on a short-lived daemon thread and hands the result
  (or a readable error, never a traceback) to a callback.  At most one probe is in flight: a timer
  tick while one runs is dropped (a slow probe must not pile up threads), an explicit refresh is
  remembered and runs next (so "Refresh" and "the process changed" are never lost).
* :class:`CodePageHistory` turns successive :class:`~app.pty.probes.CodePageReport` s into
  "12:01:03 codeset UTF-8 → GBK" lines.
* :func:`codepage_fields`, :func:`plan_lines`, :func:`plan_warnings` and :func:`take_env_snapshot`
  decide *what* the panels say, so the widgets only lay it out and the wording is tested headless.

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.inspect.probe_report import process_name
from app.pty.probes import CodePageReport, EnvDiff, ProbeError, diff_env, env_snapshot, env_snapshot_note
from app.pty.profiles import SessionPlan

__all__ = [
    "NOT_AVAILABLE",
    "CodePageHistory",
    "EnvSnapshot",
    "HistoryEntry",
    "PollResult",
    "ProbePoller",
    "codepage_fields",
    "compare_snapshot",
    "plan_lines",
    "plan_warnings",
    "readable_error",
    "take_env_snapshot",
]

T = TypeVar("T")

#: What a field that exists on another platform only says (never an empty cell: empty reads as "unknown").
NOT_AVAILABLE = "not available here"


def readable_error(exc: BaseException) -> str:
    """One line a user can read for an exception a probe let through (the probes should not raise,
    but a panel that polls forever must survive the day one does)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- running probes off the UI thread ----------------------------------------------------------------


@dataclass(frozen=True)
class PollResult(Generic[T]):
    """One probe run: its value, or ``error`` (one readable line) if the probe raised."""

    value: T | None
    error: str | None
    started: float
    finished: float
    seq: int


class ProbePoller(Generic[T]):
    """Runs probes one at a time on a daemon thread and calls ``deliver`` with each result.

    ``deliver`` is called *on the worker thread*, under a lock that :meth:`close` also takes, so
    once :meth:`close` has returned nothing is delivered any more (a panel being destroyed must not
    be called back).  A Qt caller makes ``deliver`` emit a queued signal, which is quick.

    Why a thread per probe and not an executor: an executor's worker outlives every panel that
    forgot to shut it down; a daemon thread ends with its probe, and a probe runs about once a
    second at most.
    """

    def __init__(self, deliver: Callable[[PollResult[T]], None], *, clock: Callable[[], float] = time.time) -> None:
        self._deliver = deliver
        self._clock = clock
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._pending: Callable[[], T] | None = None
        self._closed = False
        self._seq = 0
        self.started_count = 0

    @property
    def busy(self) -> bool:
        """Whether a probe is running now."""
        with self._lock:
            return self._thread is not None

    @property
    def closed(self) -> bool:
        return self._closed

    def poke(self, task: Callable[[], T], *, force: bool = False) -> bool:
        """Run ``task`` now if nothing is running; returns whether it started.

        While a probe runs, a plain poke (a timer tick) is dropped; a ``force`` poke (Refresh, a
        new process) is kept — the latest one — and runs as soon as the current probe ends.
        """
        with self._lock:
            if self._closed:
                return False
            if self._thread is not None:
                if force:
                    self._pending = task
                return False
            self._start(task)
            return True

    def _start(self, task: Callable[[], T]) -> None:
        self._seq += 1
        self.started_count += 1
        thread = threading.Thread(target=self._run, args=(task, self._seq), name="mojiscope-probe", daemon=True)
        self._thread = thread
        thread.start()

    def _run(self, task: Callable[[], T], seq: int) -> None:
        started = self._clock()
        value: T | None = None
        error: str | None = None
        try:
            value = task()
        except Exception as exc:  # a polled probe must never kill the poller or show a traceback
            error = readable_error(exc)
        result = PollResult(value, error, started, self._clock(), seq)
        with self._lock:
            if not self._closed:
                # The receiver is gone (a deleted Qt object) or broken: drop the result, keep polling.
                with contextlib.suppress(Exception):
                    self._deliver(result)
            nxt, self._pending = self._pending, None
            if nxt is not None and not self._closed:
                self._start(nxt)
            else:
                self._thread = None

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no probe runs (tests, and a clean shutdown); returns whether it is idle."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                thread = self._thread
            if thread is None:
                return True
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(remaining)
            if deadline is not None and time.monotonic() >= deadline:
                with self._lock:
                    return self._thread is None

    def close(self) -> None:
        """No more probes start and no more results are delivered (one in flight finishes unseen)."""
        with self._lock:
            self._closed = True
            self._pending = None


# -- code pages: fields, history, the session plan ---------------------------------------------------


def codepage_fields(report: CodePageReport, *, name: str | None = None, have_tty: bool = True) -> dict[str, str]:
    """What the Code page panel shows for ``report``, label → text, in display order.

    Every field is always present: the ones that belong to the other platform say
    :data:`NOT_AVAILABLE`, a field the probe could not fill says why, so an empty cell never has
    to be guessed at.  ``have_tty``: whether the panel was given the session's tty (for IUTF8).
    """
    pid = report.pid
    process = "none (no foreground process)" if pid is None else f"{pid} ({name})" if name else str(pid)
    fields: dict[str, str] = {"process": process}
    if not report.available and report.platform != "windows":
        fields["decode as"] = "unknown (the probe failed, see below)"
    else:
        fields["decode as"] = report.codec or f"unknown ({report.error or 'no Python codec for it'})"
    posix = report.platform == "posix" and report.available
    if report.platform == "posix" or report.platform == "unavailable":
        if posix:
            source = f"from {report.locale_source}" if report.locale_source else "LC_ALL, LC_CTYPE, LANG all unset"
            fields["locale"] = f"{report.locale} ({source}; LC_ALL > LC_CTYPE > LANG)"
            if report.locale_exists:
                fields["locale exists"] = "yes"
            else:
                fields["locale exists"] = "no: C programs fall back to the C locale (ASCII)"
            fields["codeset"] = report.codeset or "unknown"
            if report.iutf8 is None:
                fields["IUTF8"] = "unknown (cannot read the tty)" if have_tty else "unknown (no tty given)"
            else:
                fields["IUTF8"] = "on" if report.iutf8 else "off"
        else:
            for key in ("locale", "locale exists", "codeset", "IUTF8"):
                fields[key] = "unknown"
        for key in ("console output code page", "console input code page", "ANSI code page", "OEM code page"):
            fields[key] = f"{NOT_AVAILABLE} (Windows only)"
    else:
        for key in ("locale", "locale exists", "codeset", "IUTF8"):
            fields[key] = f"{NOT_AVAILABLE} (POSIX only; Windows consoles use code pages)"

        def cp(value: int | None) -> str:
            return "unknown" if value is None else str(value)

        fields["console output code page"] = cp(report.console_output_cp)
        fields["console input code page"] = cp(report.console_input_cp)
        fields["ANSI code page"] = cp(report.ansi_cp)
        fields["OEM code page"] = cp(report.oem_cp)
    return fields


#: The facts whose changes the history logs (the others follow from them).
_TRACKED = (
    "process",
    "locale",
    "locale exists",
    "codeset",
    "IUTF8",
    "decode as",
    "console output code page",
    "console input code page",
    "ANSI code page",
    "OEM code page",
)


def _short(label: str, value: str) -> str:
    """A field's value without its explanation, for one history line ("no", not "no: C programs…")."""
    if label == "locale":
        return value.partition(" (")[0]
    if label == "locale exists":
        return value.partition(":")[0]
    return value


@dataclass(frozen=True)
class HistoryEntry:
    """One change: at ``time`` (epoch seconds) ``field`` went from ``old`` to ``new``."""

    time: float
    field: str
    old: str
    new: str

    def text(self) -> str:
        """``12:01:03 codeset UTF-8 → GBK`` (local time: it is read next to the user's clock)."""
        return f"{time.strftime('%H:%M:%S', time.localtime(self.time))} {self.field} {self.old} → {self.new}"


@dataclass
class CodePageHistory:
    """The changes between successive reports, newest last, bounded.

    A failed probe (the process is gone) is logged as a change of ``probe`` and does not erase the
    last known locale: when a process comes back with the same locale nothing else is logged, and
    with another one the change is logged against what was last seen.
    """

    limit: int = 500
    entries: collections.deque[HistoryEntry] = field(default_factory=collections.deque)
    _last: dict[str, str] = field(default_factory=dict)
    _status: str | None = None

    def observe(self, report: CodePageReport, *, name: str | None = None) -> list[HistoryEntry]:
        """Compare ``report`` with what was seen before; returns (and keeps) the new entries.
        The first report only sets the baseline: nothing has *changed* yet."""
        status = "ok" if report.available else (report.error or report.summary)
        new: list[HistoryEntry] = []
        if self._status is not None and status != self._status:
            new.append(HistoryEntry(report.time, "probe", self._status, status))
        self._status = status
        if report.available:
            fields = codepage_fields(report, name=name)
            current = {k: _short(k, fields[k]) for k in _TRACKED if k in fields}
            if self._last:
                for key, value in current.items():
                    old = self._last.get(key)
                    if old is not None and old != value:
                        new.append(HistoryEntry(report.time, key, old, value))
            self._last = current
        self.entries.extend(new)
        while len(self.entries) > self.limit:
            self.entries.popleft()
        return new

    def clear(self) -> None:
        self.entries.clear()

    def lines(self) -> list[str]:
        return [e.text() for e in self.entries]


def plan_lines(plan: SessionPlan | None) -> list[str]:
    """The session plan's UTF-8 enforcement, for the top of the Code page panel."""
    if plan is None:
        return ["no session plan: a replay, or a session started outside Mojiscope"]
    lines = [f"profile {plan.profile}: UTF-8 enforcement {'on' if plan.utf8 else 'off'}"]
    for key, value in plan.overlay.items():
        old = plan.replaced.get(key)
        lines.append(f"env {key}={value}" + ("" if old is None else f" (was {old})"))
    lines += [f"startup command: {cmd}" for cmd in plan.startup_commands]
    lines += [f"tty flag: {flag}" for flag in plan.flags]
    lines += [f"note: {note}" for note in plan.notes]
    if len(lines) == 1:
        lines.append("nothing added: the environment is passed on as it is")
    return lines


def plan_warnings(plan: SessionPlan | None, report: CodePageReport) -> list[str]:
    """Where the foreground process no longer has what the session set up — the usual start of a
    mojibake hunt ("the session is UTF-8, but this process is not")."""
    if plan is None or not plan.utf8 or not report.available:
        return []
    out: list[str] = []
    if report.platform == "posix":
        wanted = plan.overlay.get("LC_ALL") or plan.overlay.get("LANG")
        if wanted and report.locale != wanted:
            out.append(f"the session set LC_ALL={wanted}, but this process runs in {report.locale}")
        if plan.set_iutf8 and report.iutf8 is False:
            out.append("the session set IUTF8 on the tty, and it is off now (something ran stty -iutf8)")
    elif report.platform == "windows" and plan.startup_commands and report.console_output_cp not in (None, 65001):
        out.append(
            f"the session switched the console to 65001 (UTF-8), and it is {report.console_output_cp} now "
            "(a chcp ran since)"
        )
    return out


# -- environment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvSnapshot:
    """One read of a process's environment: ``env``, or ``error`` saying why not (never raises)."""

    pid: int | None
    name: str | None
    env: Mapping[str, str] | None
    error: str | None
    time: float = field(default_factory=time.time)


def take_env_snapshot(pid: int | None, *, snapshot: Callable[[int], Mapping[str, str]] = env_snapshot) -> EnvSnapshot:
    """Read ``pid``'s environment for the panel; a process that is gone is a message, not an error."""
    if pid is None:
        return EnvSnapshot(None, None, None, "no foreground process to read (no session, or it has ended)")
    try:
        env = dict(snapshot(pid))
    except ProbeError as exc:
        return EnvSnapshot(pid, None, None, str(exc))
    except Exception as exc:  # an injected or future snapshot function: still one readable line
        return EnvSnapshot(pid, None, None, readable_error(exc))
    return EnvSnapshot(pid, process_name(pid), env, None)


def compare_snapshot(
    snap: EnvSnapshot, base: Mapping[str, str], *, windows: bool, platform: str | None = None
) -> EnvDiff | None:
    """``snap`` against ``base`` with the platform's snapshot note; ``None`` if there is no environment."""
    if snap.env is None:
        return None
    note = env_snapshot_note() if platform is None else env_snapshot_note(platform)
    return diff_env(base, snap.env, windows=windows, note=note)
