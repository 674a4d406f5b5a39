"""Opening a source location in the user's editor: the command, checked, and started without a shell.

The command is a template the user may set (the window's Edit ▸ Editor for locations…), with ``{file}``,
``{line}`` and ``{col}`` standing for the location; by default it is VS Code's ``code -g file:line:col``
when ``code`` is on PATH, and otherwise the window falls back to the system's opener for the file.

Why never a shell: the file name comes from a program's output. The template is split into words once
(``shlex``), each word is filled in on its own, and the result is started as an argument list; on Windows
a ``.cmd``/``.bat`` launcher (``code.cmd``) must go through ``cmd /c``, so there the location must also be
free of cmd's metacharacters, which the locations found in output always are (see
:mod:`app.inspect.links`) and which :func:`editor_argv` checks again.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping

__all__ = ["VSCODE_TEMPLATE", "EditorCommandError", "default_editor_template", "editor_argv", "start_detached"]

VSCODE_TEMPLATE = "code -g {file}:{line}:{col}"
_FIELDS = ("{file}", "{line}", "{col}")
_CMD_META = re.compile(r'[&|<>^%!"()]')


class EditorCommandError(ValueError):
    """The editor template or the location cannot make a safe command; the message says why."""


def default_editor_template(env: Mapping[str, str] | None = None) -> str | None:
    """VS Code's command when ``code`` is on PATH, else ``None`` (the window uses the system's opener)."""
    path = (os.environ if env is None else env).get("PATH")
    return VSCODE_TEMPLATE if shutil.which("code", path=path) else None


def check_template(template: str) -> list[str]:
    """The template's words; raises :class:`EditorCommandError` for one that cannot work."""
    try:
        words = shlex.split(template, posix=sys.platform != "win32")
    except ValueError as exc:
        raise EditorCommandError(f"the editor command does not parse: {exc}") from None
    if not words:
        raise EditorCommandError("the editor command is empty; give one such as " + VSCODE_TEMPLATE)
    if not any("{file}" in word for word in words):
        raise EditorCommandError("the editor command must contain {file} (and may use {line} and {col})")
    for word in words:
        rest = word
        for field in _FIELDS:
            rest = rest.replace(field, "")
        if "{" in rest or "}" in rest:
            raise EditorCommandError(f"unknown placeholder in {word!r}; use {{file}}, {{line}} and {{col}}")
    return words


def editor_argv(
    template: str, file: str, line: int, col: int | None = None, *, platform: str = sys.platform
) -> list[str]:
    """The argument list that opens ``file`` at ``line`` (and ``col``) with ``template``."""
    words = check_template(template)
    values = {"{file}": file, "{line}": str(line), "{col}": str(col if col is not None else 1)}
    argv = []
    for word in words:
        for field, value in values.items():
            word = word.replace(field, value)
        argv.append(word)
    if platform == "win32":
        program = shutil.which(argv[0]) or argv[0]
        if program.lower().endswith((".cmd", ".bat")):
            if any(_CMD_META.search(arg) for arg in argv):
                raise EditorCommandError(f"cannot pass {file!r} safely through cmd.exe (special characters)")
            argv = ["cmd.exe", "/d", "/c", program, *argv[1:]]
    return argv


#: Editors started and not yet seen to end: polled (reaped) on the next start, so none lingers as a zombie.
_STARTED: list[subprocess.Popen[bytes]] = []


def start_detached(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` on its own (its own session or process group, no console, nothing inherited to read);
    raises ``OSError`` when the program cannot be started."""
    _STARTED[:] = [p for p in _STARTED if p.poll() is None]
    if sys.platform == "win32":
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, creationflags=flags
        )
    else:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    _STARTED.append(process)
    return process
