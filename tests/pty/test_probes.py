"""Code page and environment probes: the Windows console probe at its kernel32 boundary, the POSIX
locale probe and env snapshots against real child processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import psutil
import pytest

from app.pty.probes import (
    CASE_NOTE,
    ENV_SNAPSHOT_NOTE,
    ProbeError,
    codec_for_codepage,
    codec_for_codeset,
    diff_env,
    effective_locale,
    env_snapshot,
    env_snapshot_note,
    get_iutf8,
    is_flagged,
    is_path_like,
    locale_exists,
    oem_code_page,
    probe_console_codepages,
    probe_locale,
    query_console_codepages,
    set_iutf8,
)
from app.pty.reentry import helper_argv, helper_env

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locales and ttys")
SLEEP = "import sys, time; print('ready', flush=True); time.sleep(60)"


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[bytes]]]:
    children: list[subprocess.Popen[bytes]] = []
    yield children
    for child in children:
        child.kill()
        child.wait()


def start(children: list[subprocess.Popen[bytes]], env: Mapping[str, str], code: str = SLEEP) -> int:
    child = subprocess.Popen([sys.executable, "-c", code], env=dict(env), stdout=subprocess.PIPE)
    children.append(child)
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"  # running its own code: exec is long done
    child.stdout.close()
    return child.pid


# -- Windows console code pages, at the kernel32 boundary ----------------------------------------


class FakeKernel32:
    """kernel32 as the probe uses it: one console per process, attach/free, last error."""

    def __init__(self, consoles: Mapping[int, tuple[int, int]], acp: int = 1252, oem: int = 437) -> None:
        self.consoles = dict(consoles)
        self.acp, self.oem = acp, oem
        self.calls: list[str] = []
        self.attached: int | None = None
        self.last_error = 0
        self.max_attached_at_once = 0
        self._guard = threading.Lock()
        self.fail_cp = False
        self.forced_error: int | None = None

    def AttachConsole(self, pid: int) -> int:
        self.calls.append(f"AttachConsole({pid})")
        with self._guard:
            if self.attached is not None:
                self.last_error = 5  # ERROR_ACCESS_DENIED: already attached
                self.max_attached_at_once = 2
                return 0
            if pid not in self.consoles:
                self.last_error = 6 if pid > 0 else 87
                return 0
            self.attached = pid
            self.max_attached_at_once = max(self.max_attached_at_once, 1)
        time.sleep(0.002)  # widen the window a second prober would fall into
        return 1

    def FreeConsole(self) -> int:
        self.calls.append("FreeConsole")
        with self._guard:
            self.attached = None
        return 1

    def GetConsoleCP(self) -> int:
        self.calls.append("GetConsoleCP")
        if self.fail_cp:
            raise OSError("boom")
        assert self.attached is not None
        return self.consoles[self.attached][0]

    def GetConsoleOutputCP(self) -> int:
        self.calls.append("GetConsoleOutputCP")
        assert self.attached is not None
        return self.consoles[self.attached][1]

    def GetACP(self) -> int:
        self.calls.append("GetACP")
        return self.acp

    def GetOEMCP(self) -> int:
        self.calls.append("GetOEMCP")
        return self.oem

    def GetLastError(self) -> int:
        self.calls.append("GetLastError")
        return self.last_error if self.forced_error is None else self.forced_error


def test_codecs_for_code_pages_and_codesets() -> None:
    assert codec_for_codepage(65001) == "utf-8"
    assert codec_for_codepage(936) == "gbk"
    assert codec_for_codepage(437) == "cp437"
    assert codec_for_codepage(1252) == "cp1252"
    assert codec_for_codepage(0) is None
    assert codec_for_codepage(99999) is None
    assert codec_for_codeset("UTF-8") == "utf-8"
    assert codec_for_codeset("GB18030") == "gb18030"
    assert codec_for_codeset("ANSI_X3.4-1968") == "ascii"
    assert codec_for_codeset("NO-SUCH") is None


def test_console_probe_attaches_reads_and_frees_in_order() -> None:
    k = FakeKernel32({4242: (936, 936)})
    report = probe_console_codepages(4242, kernel32=k)
    assert k.calls == ["GetACP", "GetOEMCP", "AttachConsole(4242)", "GetConsoleCP", "GetConsoleOutputCP", "FreeConsole"]
    assert k.attached is None
    assert (report.platform, report.available, report.pid) == ("windows", True, 4242)
    assert (report.console_input_cp, report.console_output_cp, report.ansi_cp, report.oem_cp) == (936, 936, 1252, 437)
    assert report.codec == "gbk"
    assert report.error is None
    assert report.summary == (
        "console output code page 936 (gbk), input 936; ANSI 1252, OEM 437. Bytes a program writes are read "
        "by the console as code page 936; ConPTY then passes them on as UTF-8"
    )
    assert json.loads(json.dumps(report.to_json()))["console_output_cp"] == 936


def test_a_failed_attach_is_a_readable_report_and_frees_nothing() -> None:
    k = FakeKernel32({})
    report = query_console_codepages(777, k)
    assert k.calls == ["GetACP", "GetOEMCP", "AttachConsole(777)", "GetLastError"]
    assert not report.available
    assert report.error == (
        "AttachConsole(777) failed: that process has no console (it is not a console program, or its console is gone)"
    )
    assert report.summary == f"console code pages unknown ({report.error}); ANSI code page 1252, OEM code page 437"
    assert (report.ansi_cp, report.oem_cp, report.console_output_cp, report.codec) == (1252, 437, None, None)
    k.forced_error = 1234
    assert query_console_codepages(5, k).error == "AttachConsole(5) failed: Windows error 1234"


def test_the_console_is_freed_even_when_a_read_fails() -> None:
    k = FakeKernel32({1: (65001, 65001)})
    k.fail_cp = True
    with pytest.raises(OSError):
        query_console_codepages(1, k)
    assert k.calls[-1] == "FreeConsole" and k.attached is None


def test_console_probes_are_serialized() -> None:
    k = FakeKernel32({pid: (437, 65001) for pid in range(1, 9)})
    reports = []

    def probe(pid: int) -> None:
        for _ in range(5):
            reports.append(query_console_codepages(pid, k))

    threads = [threading.Thread(target=probe, args=(pid,)) for pid in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert k.max_attached_at_once == 1  # nobody ever found the console already taken
    assert len(reports) == 40 and all(r.available and r.codec == "utf-8" for r in reports)
    attach_free = [c for c in k.calls if c.startswith(("AttachConsole", "FreeConsole"))]
    assert len(attach_free) == 80
    assert all(a.startswith("AttachConsole") for a in attach_free[::2])  # attach, free, attach, free…
    assert attach_free[1::2] == ["FreeConsole"] * 40


@pytest.mark.skipif(sys.platform == "win32", reason="the non-Windows answer")
def test_console_probe_elsewhere_says_not_available() -> None:
    report = probe_console_codepages(os.getpid())
    assert (report.platform, report.available, report.error) == ("unavailable", False, "not available here")
    assert report.summary == "console code pages exist on Windows only; not available here"
    # The helper the probe re-enters this program with (app.pty.reentry), answering the same here.
    out = subprocess.run(
        helper_argv("console-codepages", "1"), capture_output=True, text=True, check=True, env=helper_env()
    )
    assert json.loads(out.stdout)["summary"] == "console code pages exist on Windows only; not available here"
    bad = subprocess.run(helper_argv("console-codepages", "x"), capture_output=True, text=True, env=helper_env())
    assert bad.returncode == 2
    assert bad.stderr == "usage: console-codepages PID\n"
    unknown = subprocess.run(helper_argv("what"), capture_output=True, text=True, env=helper_env())
    assert unknown.returncode == 2
    helpers = "console-codepages, libvterm-peer, locale-codeset, raw-copy"
    assert unknown.stderr == f"mojiscope: no helper 'what'; there are {helpers}\n"


# -- POSIX locale --------------------------------------------------------------------------------


def test_effective_locale_precedence() -> None:
    assert effective_locale({"LANG": "a", "LC_CTYPE": "b", "LC_ALL": "c"}) == ("c", "LC_ALL")
    assert effective_locale({"LANG": "a", "LC_CTYPE": "b", "LC_ALL": ""}) == ("b", "LC_CTYPE")
    assert effective_locale({"LANG": "a"}) == ("a", "LANG")
    assert effective_locale({"LANG": ""}) == ("C", None)


@posix_only
def test_locale_of_a_real_child_in_a_utf8_locale(spawn: list[subprocess.Popen[bytes]]) -> None:
    assert locale_exists("C.UTF-8"), "this test needs C.UTF-8 (locale -a)"
    pid = start(spawn, {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"})
    report = probe_locale(pid)
    assert (report.platform, report.available, report.pid) == ("posix", True, pid)
    assert (report.locale, report.locale_source, report.locale_exists) == ("C.UTF-8", "LANG", True)
    assert (report.codeset, report.codec, report.iutf8, report.error) == ("UTF-8", "utf-8", None, None)
    assert report.summary == "locale C.UTF-8 (from LANG); codeset UTF-8"


@posix_only
def test_locale_that_does_not_exist_here(spawn: list[subprocess.Popen[bytes]]) -> None:
    if locale_exists("zh_CN.GB18030"):
        pytest.skip("zh_CN.GB18030 is installed here")
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "LC_CTYPE": "zh_CN.GB18030", "LC_ALL": ""}
    report = probe_locale(start(spawn, env))
    assert (report.locale, report.locale_source, report.locale_exists) == ("zh_CN.GB18030", "LC_CTYPE", False)
    assert (report.codeset, report.codec) == ("GB18030", "gb18030")
    assert report.summary == (
        "locale zh_CN.GB18030 (from LC_CTYPE); which does not exist here: C programs fall back to the C locale "
        "(ASCII); programs that ignore the locale (Go) still write what they write; codeset GB18030"
    )


@posix_only
def test_no_locale_at_all_is_the_c_locale(spawn: list[subprocess.Popen[bytes]]) -> None:
    report = probe_locale(start(spawn, {"PATH": os.environ["PATH"]}))
    assert (report.locale, report.locale_source, report.locale_exists) == ("C", None, True)
    assert (report.codeset, report.codec) == ("ANSI_X3.4-1968", "utf-8")
    assert report.summary == (
        "locale C (nothing set: the C locale); codeset ANSI_X3.4-1968; "
        "ASCII only; bytes above 0x7F are what the program chose, most often UTF-8"
    )


@posix_only
def test_iutf8_of_a_real_tty() -> None:
    master, slave = os.openpty()
    try:
        assert set_iutf8(slave, True)
        assert get_iutf8(slave) is True
        report = probe_locale(env={"LC_ALL": "C.UTF-8"}, tty_fd=master)
        assert report.iutf8 is True and report.summary.endswith("; IUTF8 on")
        assert set_iutf8(slave, False)
        assert get_iutf8(master) is False
        r, w = os.pipe()
        try:
            assert get_iutf8(r) is None
            assert not set_iutf8(r, True)
        finally:
            os.close(r)
            os.close(w)
    finally:
        os.close(master)
        os.close(slave)


def test_probe_of_a_gone_process_is_a_report_not_a_crash() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    report = probe_locale(child.pid)
    assert not report.available
    assert report.error == f"process {child.pid} is gone; there is no environment to read"


# -- environment ---------------------------------------------------------------------------------


def test_snapshot_of_a_real_child(spawn: list[subprocess.Popen[bytes]]) -> None:
    env = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8", "GOFLAGS": "-count=1", "NAME": "中文 ✓", "SYSTEMROOT": ""}
    if sys.platform != "win32":
        del env["SYSTEMROOT"]
    else:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    pid = start(spawn, env)
    snap = env_snapshot(pid)
    if sys.platform == "win32":
        assert {k: snap[k] for k in env} == env
    else:
        assert snap == env
    diff = diff_env({"PATH": env["PATH"], "LC_ALL": "C"}, snap, windows=sys.platform == "win32")
    assert [c.key for c in diff.added if c.key in env] == sorted(k for k in env if k not in ("PATH", "LC_ALL"))
    assert [(c.key, c.old, c.new, c.flagged) for c in diff.changed] == [("LC_ALL", "C", "C.UTF-8", True)]
    assert {c.key: c.flagged for c in diff.added}["GOFLAGS"] is True


def test_snapshot_of_a_gone_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with pytest.raises(ProbeError) as err:
        env_snapshot(child.pid)
    assert str(err.value) == f"process {child.pid} is gone; there is no environment to read"


@posix_only
def test_snapshot_of_a_zombie() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(ProbeError) as err:
            env_snapshot(child.pid)
        assert str(err.value) == f"process {child.pid} has exited (a zombie); its environment is gone"
    finally:
        child.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_snapshot_access_denied_for_real() -> None:
    """Reading another user's process environment is refused with a readable error.

    As root nothing is refused, so the probe then runs as "nobody" (setpriv), for real.
    """
    if os.geteuid() != 0:
        with pytest.raises(ProbeError, match=r"^access denied reading the environment of process 1: "):
            env_snapshot(1)
        return
    repo = str(Path(__file__).resolve().parents[2])
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from app.pty.probes import ProbeError, env_snapshot\n"
        "try:\n    env_snapshot(1)\nexcept ProbeError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code, repo],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.startswith("access denied reading the environment of process 1: "), done.stdout + done.stderr


def test_snapshot_access_denied_message(monkeypatch: pytest.MonkeyPatch) -> None:
    class Denied:
        def __init__(self, pid: int) -> None:
            self.pid = pid

        def environ(self) -> dict[str, str]:
            raise psutil.AccessDenied(self.pid)

    monkeypatch.setattr(psutil, "Process", Denied)
    with pytest.raises(ProbeError) as err:
        env_snapshot(4)
    assert str(err.value) == (
        "access denied reading the environment of process 4: it belongs to another user or is protected; "
        "pick one of your own processes or run with the rights to read it"
    )


def test_flags_and_path_like_keys() -> None:
    flagged = ["GOPATH", "GOFLAGS", "GOOS", "CGO_ENABLED", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING"]
    flagged += ["PYTHONLEGACYWINDOWSFSENCODING", "PYTHONUTF8", "TERM", "goflags"]
    assert all(is_flagged(k) for k in flagged)
    assert not any(is_flagged(k) for k in ["PATH", "HOME", "TERMINAL_EMULATOR", "PYTHONPATH", "XLANG"])
    assert all(is_path_like(k) for k in ["PATH", "Path", "GOPATH", "PYTHONPATH", "LD_LIBRARY_PATH", "XDG_DATA_DIRS"])
    assert not any(is_path_like(k) for k in ["HOME", "GOFLAGS", "PATHS_ARE_FUN"])


def test_diff_on_posix() -> None:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/root", "LANG": "C", "OLD": "1", "Path": "x"}
    other = {"PATH": "/go/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8", "GOFLAGS": "-v", "path": "x"}
    d = diff_env(base, other, windows=False, note=ENV_SNAPSHOT_NOTE)
    assert [(c.kind, c.key, c.flagged) for c in d.added] == [("added", "GOFLAGS", True), ("added", "path", False)]
    assert [(c.kind, c.key, c.old) for c in d.removed] == [("removed", "OLD", "1"), ("removed", "Path", "x")]
    assert [(c.key, c.old, c.new) for c in d.changed] == [
        ("LANG", "C", "C.UTF-8"),
        ("PATH", "/usr/bin:/bin", "/go/bin:/usr/bin:/bin"),
    ]
    assert d.case_only == ()
    assert d.unchanged == 1
    path = d.changed[1].path_diff
    assert path is not None
    assert path.entries == (("+", "/go/bin"), ("=", "/usr/bin"), ("=", "/bin"))
    assert (path.added, path.removed, path.reordered) == (("/go/bin",), (), False)
    assert [c.key for c in d.flagged] == ["GOFLAGS", "LANG"]
    assert d.note == ENV_SNAPSHOT_NOTE
    assert d.lines() == [
        "★ + GOFLAGS=-v",
        "+ path=x",
        "- OLD (was 1)",
        "- Path (was x)",
        "★ ~ LANG: 'C' → 'C.UTF-8'",
        "~ PATH: +/go/bin",
        f"({ENV_SNAPSHOT_NOTE})",
    ]


def test_diff_on_windows_folds_case_and_splits_on_semicolons() -> None:
    base = {"Path": r"C:\Windows;C:\Go\bin;C:\tools", "GOPATH": r"C:\go", "ComSpec": "cmd.exe", "TEMP": "a"}
    other = {"PATH": r"C:\tools;C:\Windows", "GoPath": r"C:\go", "COMSPEC": "cmd.exe", "temp": "b", "LANG": "x"}
    d = diff_env(base, other, windows=True)
    assert [(c.key, c.old_key) for c in d.case_only] == [
        ("COMSPEC", "ComSpec"),
        ("GoPath", "GOPATH"),
        ("PATH", "Path"),
        ("temp", "TEMP"),
    ]
    assert d.changed == () and d.removed == ()
    assert [(c.key, c.flagged) for c in d.added] == [("LANG", True)]
    path = d.case_only[2].path_diff
    assert path is not None
    assert (path.added, path.removed, path.reordered) == ((), (r"C:\Go\bin",), True)
    assert d.case_only[1].flagged and d.case_only[1].path_diff is None  # same value, only the spelling
    assert d.note == CASE_NOTE
    assert d.case_only[0].describe() == "~ ComSpec is now spelled COMSPEC (same value)"
    assert d.case_only[3].describe() == "~ TEMP is now spelled temp ('a' → 'b')"
    assert bool(d) and not diff_env(base, base, windows=True)


def test_the_note_the_environment_panel_shows() -> None:
    assert ENV_SNAPSHOT_NOTE == (
        "on Linux a process's environment as it started; changes made later inside it are not visible"
    )
    assert env_snapshot_note("linux") == ENV_SNAPSHOT_NOTE
    assert env_snapshot_note("win32") is None


def test_oem_code_page_asks_kernel32_and_is_none_off_windows() -> None:
    k = FakeKernel32({}, oem=936)
    assert oem_code_page(k) == 936
    assert k.calls == ["GetOEMCP"]
    if sys.platform != "win32":
        assert oem_code_page() is None
