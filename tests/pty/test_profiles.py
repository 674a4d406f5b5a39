"""Shell profiles and UTF-8 enforcement: exact plans, and real children started with them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.pty.probes import locale_exists
from app.pty.profiles import (
    CMD_UTF8,
    POWERSHELL_UTF8,
    PROFILES,
    SessionPlan,
    default_profile,
    find_utf8_locale,
    get_profile,
    plan_session,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locales and shells")


def _exe(folder: Path, name: str) -> None:
    f = folder / name
    f.write_text("#!/bin/sh\n")
    f.chmod(f.stat().st_mode | stat.S_IXUSR)


def test_the_profiles_there_are() -> None:
    assert list(PROFILES) == ["cmd", "powershell", "pwsh", "bash", "zsh", "sh", "command"]
    assert [p.family for p in PROFILES.values()] == [
        "cmd",
        "powershell",
        "powershell",
        "posix",
        "posix",
        "posix",
        "command",
    ]
    with pytest.raises(ValueError) as err:
        get_profile("fish")
    assert str(err.value) == "no shell profile 'fish'; choose one of: cmd, powershell, pwsh, bash, zsh, sh, command"


def test_availability_is_what_is_on_path(tmp_path: Path) -> None:
    assert not PROFILES["zsh"].available(str(tmp_path))
    _exe(tmp_path, "zsh")
    assert PROFILES["zsh"].available(str(tmp_path))
    assert PROFILES["zsh"].executable(str(tmp_path)) == str(tmp_path / "zsh")
    assert PROFILES["command"].available(str(tmp_path))  # a plain command is checked when it starts


@posix_only
def test_availability_here() -> None:
    assert PROFILES["sh"].available()
    assert not PROFILES["cmd"].available()
    assert not PROFILES["powershell"].available()


def test_default_profile_per_os(tmp_path: Path) -> None:
    empty = str(tmp_path / "nothing")
    assert default_profile("win32", {"PATH": empty}).name == "cmd"
    _exe(tmp_path, "powershell.exe")
    assert default_profile("win32", {"PATH": str(tmp_path)}).name == "powershell"
    _exe(tmp_path, "pwsh.exe")
    assert default_profile("win32", {"PATH": str(tmp_path)}).name == "pwsh"
    assert default_profile("linux", {"PATH": empty, "SHELL": "/bin/zsh"}).name == "sh"
    _exe(tmp_path, "bash")
    assert default_profile("linux", {"PATH": str(tmp_path), "SHELL": "/bin/zsh"}).name == "bash"
    _exe(tmp_path, "zsh")
    assert default_profile("linux", {"PATH": str(tmp_path), "SHELL": "/usr/bin/zsh"}).name == "zsh"
    assert default_profile("linux", {"PATH": str(tmp_path), "SHELL": "/usr/bin/fish"}).name == "bash"


def test_cmd_plans() -> None:
    base = {"PATH": r"C:\Windows\system32", "ComSpec": r"C:\Windows\system32\cmd.exe"}
    on = plan_session("cmd", (), True, base, platform="win32")
    assert on.argv == ("cmd.exe", "/K", "chcp 65001>nul")
    assert on.startup_commands == (CMD_UTF8,) == ("chcp 65001>nul",)
    assert dict(on.overlay) == {"PYTHONUTF8": "1"}
    assert dict(on.replaced) == {"PYTHONUTF8": None}
    assert on.env == {**base, "PYTHONUTF8": "1"}
    assert on.flags == () and on.notes == ()
    run = plan_session("cmd", ["go", "test", "-run", "Test中文 x"], True, base, platform="win32")
    assert run.argv == ("cmd.exe", "/S", "/C", 'chcp 65001>nul & go test -run "Test中文 x"')
    off = plan_session("cmd", ["go", "test"], False, base, platform="win32")
    assert off.argv == ("cmd.exe", "/S", "/C", "go test")
    assert off.overlay == {} and off.startup_commands == () and off.env == base
    assert plan_session("cmd", (), False, base, platform="win32").argv == ("cmd.exe",)


def test_powershell_plans() -> None:
    assert POWERSHELL_UTF8 == (
        "$OutputEncoding = [Console]::OutputEncoding = [Console]::InputEncoding = [System.Text.UTF8Encoding]::new()"
    )
    on = plan_session("powershell", (), True, {}, platform="win32")
    assert on.argv == ("powershell.exe", "-NoLogo", "-NoExit", "-Command", POWERSHELL_UTF8)
    assert on.startup_commands == (POWERSHELL_UTF8,)
    assert dict(on.overlay) == {"PYTHONUTF8": "1"}
    run = plan_session("pwsh", ["go", "test", "it's"], True, {}, platform="win32")
    assert run.argv == (
        "pwsh.exe",
        "-NoLogo",
        "-Command",
        f"{POWERSHELL_UTF8}; & 'go' 'test' 'it''s'; exit $LASTEXITCODE",
    )
    off = plan_session("powershell", ["go", "test"], False, {}, platform="win32")
    assert off.argv == ("powershell.exe", "-NoLogo", "-Command", "& 'go' 'test'; exit $LASTEXITCODE")
    assert plan_session("powershell", (), False, {}, platform="win32").argv == ("powershell.exe", "-NoLogo")


def test_windows_keys_fold_case_and_the_change_is_shown() -> None:
    plan = plan_session("cmd", (), True, {"PythonUtf8": "0", "Path": "x"}, platform="win32")
    assert plan.env == {"Path": "x", "PYTHONUTF8": "1"}
    assert dict(plan.overlay) == {"PYTHONUTF8": "1"}
    assert dict(plan.replaced) == {"PYTHONUTF8": "0"}
    # On POSIX the same spelling is another variable.
    posix = plan_session("command", ["true"], True, {"PythonUtf8": "0", "TERM": "xterm"}, platform="linux")
    assert posix.env["PythonUtf8"] == "0" and posix.env["PYTHONUTF8"] == "1"


def test_the_command_profile_needs_argv() -> None:
    with pytest.raises(ValueError, match=r"^the 'command' profile runs argv as given, and argv is empty"):
        plan_session("command", (), True, {})
    plan = plan_session("command", ["go", "test"], True, {"PATH": ""}, platform="win32")
    assert plan.argv == ("go", "test")
    assert plan.notes == (
        "a plain command gets no chcp: the console code page stays as it is "
        "(programs writing wide text, like Go, are not affected)",
    )


@posix_only
def test_posix_plan_uses_a_locale_that_exists_here() -> None:
    name = find_utf8_locale()
    assert name is not None, "no UTF-8 locale here (locale -a)"
    assert locale_exists(name)
    if locale_exists("C.UTF-8"):
        assert name == "C.UTF-8"  # preferred when present
    base = {"PATH": os.environ["PATH"], "LANG": "C", "TERM": "xterm"}
    plan = plan_session("sh", ["echo", "hi there"], True, base, platform="linux")
    assert plan.argv == ("sh", "-c", "echo 'hi there'")
    assert dict(plan.overlay) == {"PYTHONUTF8": "1", "LANG": name, "LC_ALL": name}
    assert dict(plan.replaced) == {"PYTHONUTF8": None, "LANG": "C", "LC_ALL": None}
    assert plan.flags == ("IUTF8",) and plan.set_iutf8
    assert plan.startup_commands == ()
    assert plan.describe() == [
        "profile sh, UTF-8 on",
        "argv: sh -c 'echo '\"'\"'hi there'\"'\"''",
        "env: PYTHONUTF8=1",
        f"env: LANG={name} (was C)",
        f"env: LC_ALL={name}",
        "tty: IUTF8",
    ]
    assert plan.to_json() == {
        "profile": "sh",
        "utf8": True,
        "argv": ["sh", "-c", "echo 'hi there'"],
        "env_overlay": {"PYTHONUTF8": "1", "LANG": name, "LC_ALL": name},
        "startup_commands": [],
        "flags": ["IUTF8"],
        "notes": [],
    }


@posix_only
def test_term_is_set_only_when_missing() -> None:
    plan = plan_session("bash", (), False, {"PATH": os.environ["PATH"]}, platform="linux")
    assert dict(plan.overlay) == {"TERM": "xterm-256color"}
    assert plan.argv == ("bash",)
    assert plan_session("bash", (), False, {"TERM": "screen"}, platform="linux").overlay == {}


def _run(plan: SessionPlan) -> str:
    out = subprocess.run(list(plan.argv), env=dict(plan.env), capture_output=True, text=True, timeout=30, check=True)
    return out.stdout


@posix_only
def test_a_real_child_started_with_the_plan_is_in_utf8() -> None:
    code = (
        "import locale, os, sys; locale.setlocale(locale.LC_ALL, '');"
        "print(sys.flags.utf8_mode, os.environ['LC_ALL'], locale.nl_langinfo(locale.CODESET))"
    )
    # PYTHONUTF8=0: Python would otherwise turn UTF-8 mode on by itself in the C locale (PEP 540).
    base = {"PATH": os.environ["PATH"], "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    plan = plan_session("command", [sys.executable, "-c", code], True, base, platform=sys.platform)
    assert plan.replaced["PYTHONUTF8"] == "0"
    assert _run(plan) == f"1 {find_utf8_locale()} UTF-8\n"
    # And without the switch the same child stays in the C locale: only TERM (which was missing) was added.
    plain = plan_session("command", [sys.executable, "-c", code.replace("os.environ['LC_ALL']", "'-'")], False, base)
    assert dict(plain.overlay) == {"TERM": "xterm-256color"}
    assert _run(plain) == "0 - ANSI_X3.4-1968\n"


@posix_only
def test_a_real_shell_started_with_the_plan_sees_the_overlay() -> None:
    base = {"PATH": os.environ["PATH"], "LANG": "C"}
    plan = plan_session("sh", ["printenv", "LANG", "LC_ALL", "PYTHONUTF8"], True, base, platform=sys.platform)
    name = find_utf8_locale()
    assert _run(plan) == f"{name}\n{name}\n1\n"
