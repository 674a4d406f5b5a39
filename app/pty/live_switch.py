"""The UTF-8 switch on a session that is already running: what to type into its shell, or why it cannot be done.

DESIGN §4/§6: the switch applies to new sessions and, where it can, to the running one.  A running program's
environment is fixed when it starts, so the only lever left is its shell: an interactive shell at its prompt
can be told to change its own variables and code pages, and the pty's IUTF8 flag can be set from our side.
Everything typed is a visible command line in the terminal (nothing hidden), and what it changes is listed.
Where nothing can be done — a command run without a shell (``go test`` from the Tests panel), or a program
busy in the foreground of the shell — the plan says why, and the app offers a restart instead.

No Qt; the window (or anything else) applies the plan: types :attr:`LiveSwitch.typed`, sets the flag.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.pty.profiles import CMD_UTF8, POWERSHELL_UTF8, SessionPlan, find_utf8_locale, get_profile

__all__ = ["LOCALE_KEYS", "LiveSwitch", "plan_live_switch"]

#: The variables the switch sets in a POSIX shell (the profile sets the same ones at start).
LOCALE_KEYS = ("LANG", "LC_ALL", "PYTHONUTF8")


@dataclass(frozen=True)
class LiveSwitch:
    """What switching UTF-8 ``utf8`` in a running session does, or (``reason``) why it cannot.

    ``typed``: command lines to send to the shell, each followed by Enter; ``iutf8``: the tty flag to set
    (POSIX; ``None``: leave it); ``env``: the shell variables it sets (``None``: unset).
    """

    utf8: bool
    typed: tuple[str, ...] = ()
    iutf8: bool | None = None
    env: Mapping[str, str | None] = field(default_factory=dict)
    reason: str = ""

    @property
    def possible(self) -> bool:
        return not self.reason

    def describe(self) -> list[str]:
        """What was (or would be) changed, as lines for the status line and the Session panel."""
        if not self.possible:
            return [f"UTF-8 {'on' if self.utf8 else 'off'} cannot reach this session: {self.reason}"]
        lines = [f"UTF-8 switched {'on' if self.utf8 else 'off'} in the running session"]
        lines += [f"typed: {line}" for line in self.typed]
        for key, value in self.env.items():
            lines.append(f"env: {key}={value}" if value is not None else f"env: {key} unset")
        if self.iutf8 is not None:
            lines.append(f"tty: IUTF8 {'on' if self.iutf8 else 'off'}")
        return lines


def plan_live_switch(
    plan: SessionPlan,
    utf8: bool,
    *,
    shell_in_foreground: bool,
    oem_code_page: int | None = None,
) -> LiveSwitch:
    """How to switch UTF-8 to ``utf8`` in the session started as ``plan``.

    ``shell_in_foreground``: the shell itself holds the terminal (at its prompt), so a typed line reaches the
    shell and not a program it runs.  ``oem_code_page``: the console's code page to return to when switching
    off in cmd or PowerShell (Windows; ``GetOEMCP``).
    """
    family = get_profile(plan.profile).family
    if not plan.interactive:
        what = "the program runs without a shell" if family == "command" else "the shell runs one command and exits"
        return LiveSwitch(
            utf8,
            reason=f"{what}, so there is nothing to type the change into, and a running program's environment "
            "was fixed when it started; restart the session to apply it",
        )
    if not shell_in_foreground:
        return LiveSwitch(
            utf8,
            reason="a program is running in the foreground of the shell and would receive the typed command; "
            "switch again at the prompt, or restart the session",
        )
    if family == "posix":
        return _posix(plan, utf8)
    if not utf8 and oem_code_page is None:
        return LiveSwitch(utf8, reason="the console's original code page is unknown here; restart the session")
    if family == "cmd":
        return _cmd(plan, utf8, oem_code_page)
    return _powershell(plan, utf8, oem_code_page)


def _original(plan: SessionPlan, key: str) -> str | None:
    """The value ``key`` had before the session's own UTF-8 overlay (absent: ``None``)."""
    if key in plan.replaced:
        return plan.replaced[key]
    return plan.env.get(key)


def _posix(plan: SessionPlan, utf8: bool) -> LiveSwitch:
    env: dict[str, str | None] = {}
    if utf8:
        name = find_utf8_locale()
        if name is not None:
            env["LANG"] = env["LC_ALL"] = name
        env["PYTHONUTF8"] = "1"
    else:
        env = {key: _original(plan, key) for key in LOCALE_KEYS}
    sets = [f"{key}={shlex.quote(value)}" for key, value in env.items() if value is not None]
    unsets = [key for key, value in env.items() if value is None]
    # The tty flag is set by the shell as well as from our side: a line editor (readline, zle) restores the
    # tty settings it saved at the prompt once the line is read, which would undo a change made meanwhile.
    commands = ["stty iutf8" if utf8 else "stty -iutf8"]
    if sets:
        commands.append("export " + " ".join(sets))
    if unsets:
        commands.append("unset " + " ".join(unsets))
    # A leading space keeps the line out of the shell's history (HISTCONTROL=ignorespace, zsh's HIST_IGNORE_SPACE).
    return LiveSwitch(utf8, typed=(" " + "; ".join(commands),), iutf8=utf8, env=env)


def _cmd(plan: SessionPlan, utf8: bool, oem_code_page: int | None) -> LiveSwitch:
    if utf8:
        return LiveSwitch(utf8, typed=(f"{CMD_UTF8} & set PYTHONUTF8=1",), env={"PYTHONUTF8": "1"})
    old = _original(plan, "PYTHONUTF8")
    return LiveSwitch(
        utf8,
        typed=(f"chcp {oem_code_page}>nul & set PYTHONUTF8={old or ''}",),
        env={"PYTHONUTF8": old},
    )


def _powershell(plan: SessionPlan, utf8: bool, oem_code_page: int | None) -> LiveSwitch:
    if utf8:
        return LiveSwitch(utf8, typed=(f"{POWERSHELL_UTF8}; $env:PYTHONUTF8 = '1'",), env={"PYTHONUTF8": "1"})
    old = _original(plan, "PYTHONUTF8")
    restore = (
        "Remove-Item Env:PYTHONUTF8 -ErrorAction SilentlyContinue" if old is None else f"$env:PYTHONUTF8 = '{old}'"
    )
    encoding = f"[System.Text.Encoding]::GetEncoding({oem_code_page})"
    return LiveSwitch(
        utf8,
        typed=(f"$OutputEncoding = [Console]::OutputEncoding = [Console]::InputEncoding = {encoding}; {restore}",),
        env={"PYTHONUTF8": old},
    )
