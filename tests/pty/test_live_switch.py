"""The UTF-8 switch on a running session, per shell: what is typed, what changes, and when it cannot be done."""

from __future__ import annotations

import pytest

from app.pty.live_switch import plan_live_switch
from app.pty.profiles import find_utf8_locale, plan_session

BASE = {"PATH": "/usr/bin", "LANG": "de_DE.ISO-8859-1", "TERM": "xterm-256color"}
WIN_BASE = {"Path": r"C:\Windows\System32", "PYTHONUTF8": "0"}


def test_posix_shell_on_exports_the_utf8_locale_and_sets_iutf8() -> None:
    plan = plan_session("bash", utf8=False, base_env=BASE, platform="linux")
    switch = plan_live_switch(plan, True, shell_in_foreground=True)
    assert switch.possible and switch.iutf8 is True
    locale = find_utf8_locale()
    assert switch.env["PYTHONUTF8"] == "1"
    if locale is not None:
        assert switch.typed == (f" stty iutf8; export LANG={locale} LC_ALL={locale} PYTHONUTF8=1",)
    assert "UTF-8 switched on in the running session" in switch.describe()


def test_posix_shell_off_restores_what_the_session_started_with() -> None:
    plan = plan_session("bash", utf8=True, base_env=BASE, platform="linux")
    switch = plan_live_switch(plan, False, shell_in_foreground=True)
    assert switch.possible and switch.iutf8 is False
    # LANG had a value before the overlay; LC_ALL and PYTHONUTF8 did not exist.
    assert switch.typed == (" stty -iutf8; export LANG=de_DE.ISO-8859-1; unset LC_ALL PYTHONUTF8",)
    assert "env: LC_ALL unset" in switch.describe()


def test_values_are_quoted_for_the_shell() -> None:
    plan = plan_session("bash", utf8=True, base_env={**BASE, "LANG": "x y;rm -rf ~"}, platform="linux")
    switch = plan_live_switch(plan, False, shell_in_foreground=True)
    assert switch.typed[0].startswith(" stty -iutf8; export LANG='x y;rm -rf ~'; unset ")


def test_cmd_on_and_off() -> None:
    plan = plan_session("cmd", utf8=False, base_env=WIN_BASE, platform="win32")
    on = plan_live_switch(plan, True, shell_in_foreground=True)
    assert on.typed == ("chcp 65001>nul & set PYTHONUTF8=1",) and on.iutf8 is None
    off = plan_live_switch(plan, False, shell_in_foreground=True, oem_code_page=936)
    assert off.typed == ("chcp 936>nul & set PYTHONUTF8=0",)
    unknown = plan_live_switch(plan, False, shell_in_foreground=True, oem_code_page=None)
    assert not unknown.possible and "code page is unknown" in unknown.reason


def test_powershell_sets_its_own_encodings_not_just_the_code_page() -> None:
    plan = plan_session("pwsh", utf8=False, base_env={"Path": "x"}, platform="win32")
    on = plan_live_switch(plan, True, shell_in_foreground=True)
    assert on.typed[0].startswith("$OutputEncoding = [Console]::OutputEncoding = [Console]::InputEncoding = ")
    assert on.typed[0].endswith("$env:PYTHONUTF8 = '1'")
    off = plan_live_switch(plan, False, shell_in_foreground=True, oem_code_page=437)
    assert "GetEncoding(437)" in off.typed[0] and "Remove-Item Env:PYTHONUTF8" in off.typed[0]


@pytest.mark.parametrize(
    ("profile", "argv", "why"),
    [
        ("command", ["go", "test", "./..."], "runs without a shell"),
        ("bash", ["go", "test", "./..."], "runs one command and exits"),
        ("cmd", ["go", "test"], "runs one command and exits"),
    ],
)
def test_a_session_without_an_interactive_shell_needs_a_restart(profile: str, argv: list[str], why: str) -> None:
    platform = "win32" if profile == "cmd" else "linux"
    plan = plan_session(profile, argv, utf8=False, base_env=BASE, platform=platform)
    switch = plan_live_switch(plan, True, shell_in_foreground=True)
    assert not switch.possible and switch.typed == ()
    assert why in switch.reason and "restart the session" in switch.reason
    assert switch.describe() == [f"UTF-8 on cannot reach this session: {switch.reason}"]


def test_a_program_in_the_foreground_would_get_the_keys() -> None:
    plan = plan_session("zsh", utf8=False, base_env=BASE, platform="linux")
    switch = plan_live_switch(plan, True, shell_in_foreground=False)
    assert not switch.possible and "foreground" in switch.reason and switch.iutf8 is None
