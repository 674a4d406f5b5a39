"""``python -m app env`` and ``python -m app codepage`` end to end: the CLI runs as a child
process with an environment we set, against real processes whose environment we also set."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import termios
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.pty.probes import ENV_SNAPSHOT_NOTE

ROOT = Path(__file__).resolve().parent.parent
SLEEP = shutil.which("sleep") or "/bin/sleep"
#: psutil's name for the CLI process: the file name it was exec'd as (the venv's ``python``).
PY_NAME = Path(sys.executable).name[:15]
FLAGGED_LEGEND = "GO*, CGO_*, LANG, LANGUAGE, LC_*, PYTHON*ENCODING, PYTHONUTF8, TERM"
KEY_CASE_LINE = "differs only in key case: not applicable here (keys are case-sensitive; Windows folds them)"
NO_LOCALE = (
    "which does not exist here: C programs fall back to the C locale (ASCII); "
    "programs that ignore the locale (Go) still write what they write"
)

#: The CLI's own environment in most tests: small, explicit, nothing inherited.
BASE = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "KEEP": "same",
    "OLD_ONLY": "x",
    "GOFLAGS": "-mod=mod",
    "PYTHONIOENCODING": "utf-8",
}


def start_cli(*args: str, env: Mapping[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kwargs,
    )


def run_cli(*args: str, env: Mapping[str, str] = BASE, **kwargs: Any) -> tuple[int, int, str, str]:
    """Run ``python -m app ARGS``; returns (its pid, exit status, stdout, stderr)."""
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    proc = start_cli(*args, env=env, **kwargs)
    out, err = proc.communicate(timeout=120)
    return proc.pid, proc.returncode, out, err


@contextmanager
def sleeper(env: Mapping[str, str], *, user: int | None = None) -> Iterator[int]:
    """A real process with exactly ``env``; ``Popen`` returns after the exec, so its
    ``/proc/PID/environ`` is already the one given."""
    proc = subprocess.Popen([SLEEP, "600"], env=dict(env), user=user)
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def assert_one_line_error(status: int, out: str, err: str, expected: str) -> None:
    assert (status, out) == (2, ""), err
    assert err == expected + "\n"


# ------------------------------------------------------------------ env
OTHER = {
    "PATH": "/opt/go/bin:/usr/bin:/bin",
    "LANG": "xx_XX.GBK",
    "KEEP": "same",
    "Keep": "other",
    "NEW": "1",
    "GOFLAGS": "-mod=mod",
    "GOTOOLCHAIN": "local",
    "PYTHONIOENCODING": "utf-8",
}


def test_env_of_a_process_against_ours_text() -> None:
    with sleeper(OTHER) as pid:
        me, status, out, err = run_cli("env", "--pid", str(pid))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"environment of process {pid} (sleep) against this one's, process {me} ({PY_NAME})",
        f"only in process {pid} (added): 3",
        "  ★ + GOTOOLCHAIN=local",
        "  + Keep=other",
        "  + NEW=1",
        "only here (removed): 1",
        "  - OLD_ONLY (was x)",
        "changed: 2",
        "  ★ ~ LANG: 'C.UTF-8' → 'xx_XX.GBK'",
        "  ~ PATH: +/opt/go/bin",
        "      + /opt/go/bin",
        "      = /usr/bin",
        "      = /bin",
        KEY_CASE_LINE,
        f"unchanged: 3 of 8 variables in process {pid}",
        f"★ Go and encoding variables ({FLAGGED_LEGEND}) that differ: GOTOOLCHAIN, LANG",
        f"note: {ENV_SNAPSHOT_NOTE}",
    ]


def change(kind: str, key: str, old: str | None, new: str | None, flagged: bool, **more: Any) -> dict[str, Any]:
    plain = {"kind": kind, "key": key, "old": old, "new": new, "flagged": flagged, "old_key": None, "path_diff": None}
    return plain | more


def test_env_json() -> None:
    with sleeper(OTHER) as pid:
        me, status, out, err = run_cli("env", "--pid", str(pid), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "pid": pid,
        "name": "sleep",
        "against": {"pid": me, "name": PY_NAME},
        "windows": False,
        "added": [
            change("added", "GOTOOLCHAIN", None, "local", True),
            change("added", "Keep", None, "other", False),
            change("added", "NEW", None, "1", False),
        ],
        "removed": [change("removed", "OLD_ONLY", "x", None, False)],
        "changed": [
            change("changed", "LANG", "C.UTF-8", "xx_XX.GBK", True),
            change(
                "changed",
                "PATH",
                "/usr/bin:/bin",
                "/opt/go/bin:/usr/bin:/bin",
                False,
                path_diff={
                    "entries": [["+", "/opt/go/bin"], ["=", "/usr/bin"], ["=", "/bin"]],
                    "added": ["/opt/go/bin"],
                    "removed": [],
                    "reordered": False,
                },
            ),
        ],
        "case_only": [],
        "unchanged": 3,
        "variables": 8,
        "flagged": ["GOTOOLCHAIN", "LANG"],
        "note": ENV_SNAPSHOT_NOTE,
    }


# The parent runs the CLI with its own environment changed; it prints the CLI's pid, then its output.
PARENT_SCRIPT = """
import os, subprocess, sys
env = dict(os.environ, CHILD_ONLY="2", LANG="C")
del env["PARENT_ONLY"]
proc = subprocess.Popen([sys.executable, "-m", "app", "env", "--json"], env=env, stdout=subprocess.PIPE, text=True)
out, _ = proc.communicate()
sys.stdout.write(f"{proc.pid}\\n{proc.returncode}\\n{out}")
"""


def test_env_default_is_the_parent_and_ours_is_as_we_started() -> None:
    """No --pid: the parent (here a Python standing in for the shell).  The CLI runs with
    LANG=C, so Python coerces its own locale (PEP 538 puts LC_CTYPE=C.UTF-8 into os.environ):
    that must not show up as a difference, since the shell never had it and no child sees it."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT],
        cwd=ROOT,
        env=BASE | {"PARENT_ONLY": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    out, err = parent.communicate(timeout=120)
    assert (parent.returncode, err) == (0, "")
    cli_pid, cli_status, report = out.split("\n", 2)
    assert cli_status == "0"
    assert json.loads(report) == {
        "pid": parent.pid,
        "name": PY_NAME,
        "against": {"pid": int(cli_pid), "name": PY_NAME},
        "windows": False,
        "added": [change("added", "PARENT_ONLY", None, "1", False)],
        "removed": [change("removed", "CHILD_ONLY", "2", None, False)],
        "changed": [change("changed", "LANG", "C", "C.UTF-8", True)],
        "case_only": [],
        "unchanged": 5,
        "variables": 7,
        "flagged": ["LANG"],
        "note": ENV_SNAPSHOT_NOTE,
    }


@pytest.mark.parametrize("command", ["env", "codepage"])
@pytest.mark.parametrize(
    ("pid", "why"),
    [
        ("abc", "'abc' is not a process id; give a number such as 1234"),
        ("0", "'0' is not a process id; process ids start at 1"),
        ("-3", "'-3' is not a process id; process ids start at 1"),
        ("4194305", "'4194305' is not a process id; they go up to 4194304"),
    ],
)
def test_bad_pid_is_one_line(command: str, pid: str, why: str) -> None:
    _, status, out, err = run_cli(command, "--pid", pid)
    assert_one_line_error(
        status, out, err, f"mojiscope {command}: error: argument --pid: {why} (see mojiscope {command} --help)"
    )


@pytest.mark.parametrize("command", ["env", "codepage"])
def test_process_that_is_gone(command: str) -> None:
    gone = subprocess.Popen([SLEEP, "0"])
    gone.wait()  # reaped: the pid names nothing now
    _, status, out, err = run_cli(command, "--pid", str(gone.pid))
    expected = f"mojiscope {command}: error: process {gone.pid} is gone; there is no environment to read"
    assert_one_line_error(status, out, err, expected)


def test_zombie_process() -> None:
    zombie = subprocess.Popen([SLEEP, "0"])
    try:
        # Wait for the exit without reaping it (WNOWAIT): the pid stays, as a zombie.
        os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)
        assert psutil.Process(zombie.pid).status() == psutil.STATUS_ZOMBIE
        _, status, out, err = run_cli("env", "--pid", str(zombie.pid))
    finally:
        zombie.wait()
    expected = f"mojiscope env: error: process {zombie.pid} has exited (a zombie); its environment is gone"
    assert_one_line_error(status, out, err, expected)


def _new_user_namespace() -> None:
    """In the CLI child, before exec: a new user namespace keeps our files (same kernel uid) but
    drops every capability towards processes outside it, so root can be denied like anyone."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER)")


def test_access_denied() -> None:
    denied = (
        "access denied reading the environment of process {pid}: it belongs to another user or is "
        "protected; pick one of your own processes or run with the rights to read it"
    )
    if os.geteuid() == 0:
        with sleeper({"A": "1"}, user=65534) as pid:
            _, status, out, err = run_cli("env", "--pid", str(pid), preexec_fn=_new_user_namespace)
    else:
        me = os.getuid()
        others = [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real != me]
        assert others, "no process of another user to be denied"
        pid = 1 if 1 in others else others[0]
        _, status, out, err = run_cli("env", "--pid", str(pid))
    assert_one_line_error(status, out, err, "mojiscope env: error: " + denied.format(pid=pid))


# ------------------------------------------------------------------ codepage
def test_codepage_here_text() -> None:
    me, status, out, err = run_cli("codepage")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"code page probe of process {me} ({PY_NAME})",
        "decode this session's bytes as utf-8",
        "locale: C.UTF-8 (from LANG; LC_ALL > LC_CTYPE > LANG)",
        "locale exists here: yes",
        "codeset: UTF-8",
        "IUTF8: stdin is not a terminal",
        "Windows console code pages: not available here",
        "summary: locale C.UTF-8 (from LANG); codeset UTF-8",
    ]


def test_codepage_reports_the_locale_we_were_given_not_pythons_coercion() -> None:
    me, status, out, err = run_cli("codepage", env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"code page probe of process {me} ({PY_NAME})",
        "decode this session's bytes as utf-8",
        "locale: C (LC_ALL, LC_CTYPE and LANG all unset; LC_ALL > LC_CTYPE > LANG)",
        "locale exists here: yes",
        "codeset: ANSI_X3.4-1968",
        "IUTF8: stdin is not a terminal",
        "Windows console code pages: not available here",
        "summary: locale C (nothing set: the C locale); codeset ANSI_X3.4-1968; ASCII only; "
        "bytes above 0x7F are what the program chose, most often UTF-8",
    ]


def test_codepage_of_another_process_lc_all_wins() -> None:
    with sleeper({"LC_ALL": "xx_XX.GBK", "LC_CTYPE": "C.UTF-8", "LANG": "C.UTF-8"}) as pid:
        _, status, out, err = run_cli("codepage", "--pid", str(pid))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"code page probe of process {pid} (sleep)",
        "decode this session's bytes as gbk",
        "locale: xx_XX.GBK (from LC_ALL; LC_ALL > LC_CTYPE > LANG)",
        "locale exists here: no (C programs fall back to the C locale, ASCII)",
        "codeset: GBK",
        "IUTF8: stdin is not a terminal",
        "Windows console code pages: not available here",
        f"summary: locale xx_XX.GBK (from LC_ALL); {NO_LOCALE}; codeset GBK",
    ]


def test_codepage_json_lc_ctype_before_lang() -> None:
    with sleeper({"LC_CTYPE": "C.UTF-8", "LANG": "xx_XX.GBK"}) as pid:
        _, status, out, err = run_cli("codepage", "--pid", str(pid), "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data == {
        "pid": pid,
        "name": "sleep",
        "decode_as": "utf-8",
        "stdin_tty": None,
        "report": {
            "platform": "posix",
            "available": True,
            "summary": "locale C.UTF-8 (from LC_CTYPE); codeset UTF-8",
            "codec": "utf-8",
            "pid": pid,
            "error": None,
            "console_input_cp": None,
            "console_output_cp": None,
            "ansi_cp": None,
            "oem_cp": None,
            "locale": "C.UTF-8",
            "locale_source": "LC_CTYPE",
            "locale_exists": True,
            "codeset": "UTF-8",
            "iutf8": None,
        },
        "windows_console": {
            "available": False,
            "summary": "console code pages exist on Windows only; not available here",
        },
    }


def _set_iutf8(fd: int, on: bool) -> None:
    flag = getattr(termios, "IUTF8", 0o40000)
    attrs = termios.tcgetattr(fd)
    attrs[0] = attrs[0] | flag if on else attrs[0] & ~flag
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


@pytest.mark.parametrize("on", [True, False])
def test_codepage_reads_iutf8_of_a_real_pty_on_stdin(on: bool) -> None:
    master, slave = os.openpty()
    try:
        _set_iutf8(slave, on)
        tty = os.ttyname(slave)
        # start_new_session: the pty must not become anyone's controlling terminal by accident.
        me, status, out, err = run_cli("codepage", stdin=slave, start_new_session=True)
    finally:
        os.close(slave)
        os.close(master)
    state = "on" if on else "off"
    assert (status, err) == (0, "")
    assert out.splitlines()[5:] == [
        f"IUTF8 of stdin ({tty}): {state}",
        "Windows console code pages: not available here",
        f"summary: locale C.UTF-8 (from LANG); codeset UTF-8; IUTF8 {state}",
    ]
    assert out.splitlines()[0] == f"code page probe of process {me} ({PY_NAME})"

