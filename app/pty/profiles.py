"""Shell profiles and UTF-8 enforcement: what exactly is started, and what was changed to get UTF-8.

DESIGN §4.  The same ``go test`` prints mojibake in one shell and not in another because each
shell decides the encoding differently: cmd by the console code page (``chcp``), PowerShell by
``[Console]::OutputEncoding`` (``chcp`` alone does not change PowerShell's own encoding) and
``$OutputEncoding`` for what it pipes to programs, POSIX shells by the locale (``LANG``/``LC_ALL``)
and the tty's IUTF8 flag, Python by ``PYTHONUTF8``.  A profile knows its shell's lever;
:func:`plan_session` pulls it and returns a :class:`SessionPlan` that lists every startup command
and every variable added or changed, so the session and the UI can show it — never hide it.

No Qt; only the standard library (and the locale probe next door).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.pty.probes import available_locales, locale_exists

__all__ = [
    "CMD_UTF8",
    "POWERSHELL_UTF8",
    "PROFILES",
    "SessionPlan",
    "ShellProfile",
    "default_profile",
    "find_utf8_locale",
    "get_profile",
    "plan_session",
]

#: cmd: switch the console to code page 65001 quietly before anything runs.
CMD_UTF8 = "chcp 65001>nul"
#: PowerShell: its own console encodings, and what it sends to programs through pipes.
POWERSHELL_UTF8 = (
    "$OutputEncoding = [Console]::OutputEncoding = [Console]::InputEncoding = [System.Text.UTF8Encoding]::new()"
)
#: The locales tried first, in order; then any UTF-8 locale that exists here.
UTF8_LOCALE_CANDIDATES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8")


@dataclass(frozen=True)
class ShellProfile:
    """A way to start a shell (or a plain command): its executable, how it runs a command, and
    which UTF-8 lever it has (``family``: ``cmd``, ``powershell``, ``posix`` or ``command``)."""

    name: str
    title: str
    family: str
    executables: tuple[str, ...] = ()
    interactive_args: tuple[str, ...] = ()

    def executable(self, path: str | None = None) -> str | None:
        """The first of :attr:`executables` found on ``path`` (``None``: PATH), as a full path."""
        for exe in self.executables:
            found = shutil.which(exe, path=path)
            if found:
                return found
        return None

    def available(self, path: str | None = None) -> bool:
        """Whether this shell can be started here (a plain command always can be asked to)."""
        return self.family == "command" or self.executable(path) is not None


PROFILES: dict[str, ShellProfile] = {
    p.name: p
    for p in (
        ShellProfile("cmd", "Command Prompt", "cmd", ("cmd.exe",)),
        ShellProfile("powershell", "Windows PowerShell", "powershell", ("powershell.exe",), ("-NoLogo",)),
        ShellProfile("pwsh", "PowerShell", "powershell", ("pwsh.exe", "pwsh"), ("-NoLogo",)),
        ShellProfile("bash", "bash", "posix", ("bash",)),
        ShellProfile("zsh", "zsh", "posix", ("zsh",)),
        ShellProfile("sh", "sh", "posix", ("sh",)),
        ShellProfile("command", "Command (argv as given)", "command"),
    )
}


def get_profile(name: str) -> ShellProfile:
    """The profile called ``name``; a :class:`ValueError` lists the names there are."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"no shell profile {name!r}; choose one of: {', '.join(PROFILES)}") from None


def default_profile(platform: str = sys.platform, env: Mapping[str, str] | None = None) -> ShellProfile:
    """The shell a new session opens: on Windows pwsh, else Windows PowerShell, else cmd; elsewhere
    the user's ``$SHELL`` if we have a profile for it, else bash, else sh."""
    env = os.environ if env is None else env
    path = env.get("PATH")
    if platform == "win32":
        for name in ("pwsh", "powershell"):
            if PROFILES[name].available(path):
                return PROFILES[name]
        return PROFILES["cmd"]
    shell = os.path.basename(env.get("SHELL", ""))
    if shell in PROFILES and PROFILES[shell].family == "posix" and PROFILES[shell].available(path):
        return PROFILES[shell]
    return PROFILES["bash"] if PROFILES["bash"].available(path) else PROFILES["sh"]


def find_utf8_locale() -> str | None:
    """A UTF-8 locale that exists here (C.UTF-8 first, then en_US.UTF-8, then any), or ``None``."""
    for name in UTF8_LOCALE_CANDIDATES:
        if locale_exists(name):
            return name
    for name in sorted(available_locales() or ()):
        codeset = name.partition(".")[2].partition("@")[0]
        if codeset == "utf8":
            return name
    return None


@dataclass(frozen=True)
class SessionPlan:
    """Everything a session is started with, said plainly for the session, the UI and recordings.

    ``env`` is the child's whole environment; ``overlay`` is what the profile or the UTF-8 switch
    added or changed in it (with the values they replaced in ``replaced``, absent keys as ``None``);
    ``startup_commands`` run inside the shell before anything else; ``flags`` are terminal settings
    the backend must apply (``"IUTF8"``); ``notes`` say what could not be done and why.
    """

    profile: str
    utf8: bool
    argv: tuple[str, ...]
    env: Mapping[str, str]
    overlay: Mapping[str, str] = field(default_factory=dict)
    replaced: Mapping[str, str | None] = field(default_factory=dict)
    startup_commands: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: An interactive shell (no command given): a running session can still be switched by typing into it.
    interactive: bool = False

    @property
    def set_iutf8(self) -> bool:
        return "IUTF8" in self.flags

    def describe(self) -> list[str]:
        """The plan as lines for a panel or ``record``'s banner."""
        lines = [f"profile {self.profile}, UTF-8 {'on' if self.utf8 else 'off'}", "argv: " + shlex.join(self.argv)]
        lines += [f"startup: {cmd}" for cmd in self.startup_commands]
        for key, value in self.overlay.items():
            old = self.replaced.get(key)
            lines.append(f"env: {key}={value}" + ("" if old is None else f" (was {old})"))
        lines += [f"tty: {flag}" for flag in self.flags]
        lines += [f"note: {note}" for note in self.notes]
        return lines

    def to_json(self) -> dict[str, Any]:
        """For the recording header (``mojiscope`` object): everything but the full environment."""
        return {
            "profile": self.profile,
            "utf8": self.utf8,
            "argv": list(self.argv),
            "env_overlay": dict(self.overlay),
            "startup_commands": list(self.startup_commands),
            "flags": list(self.flags),
            "notes": list(self.notes),
        }


def _executable_name(prof: ShellProfile, windows: bool, path: str | None) -> str:
    """The profile's executable as named for this platform (``pwsh.exe`` vs ``pwsh``): the first one
    found on ``path``, else the first one for the platform.  A bare name: the spawn resolves it."""
    names = [e for e in prof.executables if e.endswith(".exe") == windows] or list(prof.executables)
    for name in names:
        if shutil.which(name, path=path):
            return name
    return names[0] if names else ""


def _ps_quote(arg: str) -> str:
    """A PowerShell single-quoted string (the only escape inside is a doubled quote)."""
    return "'" + arg.replace("'", "''") + "'"


class _Env:
    """The child's environment being built, recording every change; keys fold case on Windows."""

    def __init__(self, base: Mapping[str, str], windows: bool) -> None:
        self.env = dict(base)
        self.windows = windows
        self.overlay: dict[str, str] = {}
        self.replaced: dict[str, str | None] = {}

    def set(self, key: str, value: str) -> None:
        existing = [k for k in self.env if (k.upper() == key.upper() if self.windows else k == key)]
        old = self.env.get(existing[0]) if existing else None
        if old == value and existing == [key]:
            return
        for k in existing:  # on Windows "Lang" and "LANG" are one variable: leave one spelling
            del self.env[k]
        self.env[key] = value
        self.overlay[key] = value
        self.replaced[key] = old


def plan_session(
    profile: ShellProfile | str,
    argv: Sequence[str] = (),
    utf8: bool = True,
    base_env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
) -> SessionPlan:
    """The argv, environment, startup commands and tty flags for ``profile``.

    ``argv``: for a shell profile, an optional command to run in that shell instead of an
    interactive shell (``go test -v ./...``); for ``command``, the program itself (required).
    ``utf8``: pull the profile's UTF-8 levers (DESIGN §4).  ``base_env``: the environment to start
    from (``None``: this process's).  ``platform`` decides Windows-vs-POSIX details (tests).
    """
    prof = get_profile(profile) if isinstance(profile, str) else profile
    windows = platform == "win32"
    env = _Env(os.environ if base_env is None else base_env, windows)
    args = [str(a) for a in argv]
    startup: list[str] = []
    flags: list[str] = []
    notes: list[str] = []
    exe = _executable_name(prof, windows, env.env.get("PATH"))
    if prof.family == "command" and not args:
        raise ValueError("the 'command' profile runs argv as given, and argv is empty: name the program to run")

    if not windows and prof.family in ("posix", "command"):
        term = env.env.get("TERM", "")
        if term in ("", "dumb"):
            env.set("TERM", "xterm-256color")  # what this terminal emulates; a desktop launch has none

    if utf8:
        env.set("PYTHONUTF8", "1")
        if not windows:
            name = find_utf8_locale()
            if name is None:
                notes.append("no UTF-8 locale is installed here (locale -a); LANG and LC_ALL were left as they were")
            else:
                env.set("LANG", name)
                env.set("LC_ALL", name)
            flags.append("IUTF8")

    if prof.family == "cmd":
        if utf8:
            startup.append(CMD_UTF8)
        if args:
            command = subprocess.list2cmdline(args)
            final = [exe, "/S", "/C", f"{CMD_UTF8} & {command}" if utf8 else command]
        else:
            final = [exe, "/K", CMD_UTF8] if utf8 else [exe]
    elif prof.family == "powershell":
        if utf8:
            startup.append(POWERSHELL_UTF8)
        if args:
            command = "& " + " ".join(_ps_quote(a) for a in args) + "; exit $LASTEXITCODE"
            script = f"{POWERSHELL_UTF8}; {command}" if utf8 else command
            final = [exe, *prof.interactive_args, "-Command", script]
        elif utf8:
            final = [exe, *prof.interactive_args, "-NoExit", "-Command", POWERSHELL_UTF8]
        else:
            final = [exe, *prof.interactive_args]
    elif prof.family == "posix":
        final = [exe, "-c", shlex.join(args)] if args else [exe, *prof.interactive_args]
    else:  # command
        final = args
        if utf8 and windows:
            notes.append(
                "a plain command gets no chcp: the console code page stays as it is "
                "(programs writing wide text, like Go, are not affected)"
            )
    return SessionPlan(
        profile=prof.name,
        utf8=utf8,
        argv=tuple(final),
        env=env.env,
        overlay=env.overlay,
        replaced=env.replaced,
        startup_commands=tuple(startup),
        flags=tuple(flags),
        notes=tuple(notes),
        interactive=prof.family != "command" and not args,
    )
