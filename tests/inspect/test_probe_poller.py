"""The panels' headless half: probes off the UI thread, the change history, and the wording of fields."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time

from app.inspect.probe_poller import (
    NOT_AVAILABLE,
    CodePageHistory,
    HistoryEntry,
    PollResult,
    ProbePoller,
    codepage_fields,
    compare_snapshot,
    plan_lines,
    plan_warnings,
    readable_error,
    take_env_snapshot,
)
from app.pty.probes import ENV_SNAPSHOT_NOTE, CodePageReport
from app.pty.profiles import plan_session


def posix_report(**kw: object) -> CodePageReport:
    base: dict[str, object] = {
        "platform": "posix",
        "available": True,
        "summary": "s",
        "codec": "utf-8",
        "pid": 42,
        "locale": "C.UTF-8",
        "locale_source": "LC_ALL",
        "locale_exists": True,
        "codeset": "UTF-8",
        "iutf8": True,
        "time": 1000.0,
    }
    base.update(kw)
    return CodePageReport(**base)  # type: ignore[arg-type]


class Collector:
    def __init__(self) -> None:
        self.results: list[PollResult[object]] = []
        self.done = threading.Event()

    def __call__(self, result: PollResult[object]) -> None:
        self.results.append(result)
        self.done.set()


def test_poller_runs_off_the_calling_thread_and_delivers() -> None:
    got = Collector()
    poller: ProbePoller[object] = ProbePoller(got)
    caller = threading.get_ident()
    assert poller.poke(lambda: threading.get_ident())
    assert poller.wait_idle(10)
    assert len(got.results) == 1
    assert got.results[0].value != caller
    assert got.results[0].error is None


def test_poller_turns_an_exception_into_one_readable_line() -> None:
    got = Collector()
    poller: ProbePoller[object] = ProbePoller(got)

    def boom() -> object:
        raise RuntimeError("the process vanished\nsecond line")

    poller.poke(boom)
    assert poller.wait_idle(10)
    assert got.results[0].value is None
    assert got.results[0].error == "RuntimeError: the process vanished"
    assert readable_error(ValueError()) == "ValueError"


def test_poller_runs_one_probe_at_a_time_drops_ticks_keeps_forced() -> None:
    got = Collector()
    poller: ProbePoller[object] = ProbePoller(got)
    gate = threading.Event()
    entered = threading.Event()

    def slow() -> object:
        entered.set()
        gate.wait(10)
        return "first"

    assert poller.poke(slow)
    assert entered.wait(10)
    assert poller.busy
    assert not poller.poke(lambda: "tick")  # dropped: a timer tick while busy
    assert not poller.poke(lambda: "older", force=True)
    assert not poller.poke(lambda: "forced", force=True)  # kept, replacing the older forced one
    gate.set()
    assert poller.wait_idle(10)
    assert [r.value for r in got.results] == ["first", "forced"]
    assert poller.started_count == 2


def test_poller_close_stops_delivery_of_a_probe_in_flight() -> None:
    got = Collector()
    poller: ProbePoller[object] = ProbePoller(got)
    gate = threading.Event()
    poller.poke(lambda: gate.wait(10))
    poller.close()
    gate.set()
    assert poller.wait_idle(10)
    assert got.results == []
    assert not poller.poke(lambda: 1)


def test_poller_survives_a_deliver_that_raises() -> None:
    calls: list[int] = []

    def deliver(result: PollResult[object]) -> None:
        calls.append(1)
        raise RuntimeError("Internal C++ object already deleted")

    poller: ProbePoller[object] = ProbePoller(deliver)
    poller.poke(lambda: 1)
    assert poller.wait_idle(10)
    poller.poke(lambda: 2)
    assert poller.wait_idle(10)
    assert calls == [1, 1]


def test_history_line_format() -> None:
    t = time.mktime((2024, 5, 1, 12, 1, 3, 0, 0, -1))
    assert HistoryEntry(t, "codeset", "UTF-8", "GBK").text() == "12:01:03 codeset UTF-8 → GBK"


def test_history_logs_changes_not_the_first_report() -> None:
    h = CodePageHistory()
    assert h.observe(posix_report(), name="bash") == []
    new = h.observe(
        posix_report(pid=43, locale="zh_CN.GBK", locale_source="LANG", locale_exists=False, codeset="GBK", codec="gbk"),
        name="go",
    )
    fields = [(e.field, e.old, e.new) for e in new]
    assert ("process", "42 (bash)", "43 (go)") in fields
    assert ("locale", "C.UTF-8", "zh_CN.GBK") in fields
    assert ("locale exists", "yes", "no") in fields
    assert ("codeset", "UTF-8", "GBK") in fields
    assert ("decode as", "utf-8", "gbk") in fields
    assert len(h.entries) == len(new)


def test_history_failed_probe_is_a_probe_change_and_keeps_the_last_locale() -> None:
    h = CodePageHistory()
    h.observe(posix_report())
    gone = CodePageReport(platform="posix", available=False, summary="process 42 is gone", pid=42, error="gone")
    assert [(e.field, e.old, e.new) for e in h.observe(gone)] == [("probe", "ok", "gone")]
    back = h.observe(posix_report(codeset="GBK", codec="gbk"))
    assert [(e.field, e.old, e.new) for e in back] == [
        ("probe", "gone", "ok"),
        ("codeset", "UTF-8", "GBK"),
        ("decode as", "utf-8", "gbk"),
    ]


def test_history_is_bounded() -> None:
    h = CodePageHistory(limit=3)
    h.observe(posix_report(codeset="A"))
    for i in range(10):
        h.observe(posix_report(codeset=f"X{i}", codec="utf-8"))
    assert len(h.entries) == 3
    assert h.lines()[-1].endswith("codeset X8 → X9")


def test_fields_on_posix_say_windows_ones_are_not_available() -> None:
    f = codepage_fields(posix_report(iutf8=None), name="sleep", have_tty=False)
    assert f["process"] == "42 (sleep)"
    assert f["locale"] == "C.UTF-8 (from LC_ALL; LC_ALL > LC_CTYPE > LANG)"
    assert f["codeset"] == "UTF-8"
    assert f["IUTF8"] == "unknown (no tty given)"
    for key in ("console output code page", "console input code page", "ANSI code page", "OEM code page"):
        assert f[key].startswith(NOT_AVAILABLE)


def test_fields_on_windows() -> None:
    r = CodePageReport(
        platform="windows",
        available=True,
        summary="s",
        codec="gbk",
        pid=7,
        console_input_cp=936,
        console_output_cp=936,
        ansi_cp=936,
        oem_cp=936,
    )
    f = codepage_fields(r)
    assert f["console output code page"] == "936"
    assert f["decode as"] == "gbk"
    assert f["locale"].startswith(NOT_AVAILABLE)


def test_plan_lines_and_warnings() -> None:
    assert "no session plan" in plan_lines(None)[0]
    plan = plan_session("bash", utf8=True, base_env={"PATH": "/usr/bin:/bin", "TERM": "xterm"}, platform="linux")
    lines = plan_lines(plan)
    assert lines[0] == "profile bash: UTF-8 enforcement on"
    assert "env PYTHONUTF8=1" in lines
    assert "tty flag: IUTF8" in lines
    wanted = plan.overlay["LC_ALL"]
    assert plan_warnings(plan, posix_report(locale=wanted)) == []
    warnings = plan_warnings(plan, posix_report(locale="zh_CN.GBK", iutf8=False))
    assert warnings[0] == f"the session set LC_ALL={wanted}, but this process runs in zh_CN.GBK"
    assert "IUTF8" in warnings[1]
    off = plan_session("bash", utf8=False, base_env={"PATH": "/bin", "TERM": "xterm"}, platform="linux")
    assert plan_lines(off)[1] == "nothing added: the environment is passed on as it is"


def test_env_snapshot_of_a_real_child_and_of_a_dead_one() -> None:
    env = {"PATH": "/usr/bin:/bin", "GOFLAGS": "-mod=mod"}
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], env=env, stdin=subprocess.PIPE)
    try:
        snap = take_env_snapshot(child.pid)
        assert snap.error is None
        assert snap.env is not None
        assert snap.env["GOFLAGS"] == "-mod=mod"
        diff = compare_snapshot(snap, {"PATH": "/usr/local/bin:/usr/bin:/bin"}, windows=False, platform="linux")
        assert diff is not None
        assert [c.key for c in diff.added] == ["GOFLAGS"]
        assert diff.added[0].flagged
        assert diff.note == ENV_SNAPSHOT_NOTE
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(10)
    gone = take_env_snapshot(child.pid)
    assert gone.env is None
    assert gone.error is not None and "gone" in gone.error
    assert "no foreground process" in (take_env_snapshot(None).error or "")
    weird = take_env_snapshot(1, snapshot=lambda pid: (_ for _ in ()).throw(OSError("nope")))
    assert weird.error == "OSError: nope"
    assert re.match(r"^[A-Za-z]", weird.error)
