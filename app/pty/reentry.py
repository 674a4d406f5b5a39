"""Running a short helper in a fresh process of this same program, frozen or not.

Some probes must run in another process: attaching to a child's console is process-wide (a process with a
console of its own cannot attach to another one), and ``setlocale`` is process-wide and not thread-safe. They
used to start ``sys.executable -m …`` or ``sys.executable -c …``; in a frozen build (PyInstaller)
``sys.executable`` is ``mojiscope.exe`` itself, which runs no ``-m``/``-c`` (measured under Wine: the code page
probe failed with "Expecting value: line 1 column 1"). So the helper is this program re-entered with
:data:`HELPER_FLAG`: ``python -m app --mojiscope-helper NAME ARGS`` from a source tree, ``mojiscope-cli.exe
--mojiscope-helper NAME ARGS`` from a frozen build (the console program beside the window's exe, so a pipe
to it works). ``app.cli.main`` dispatches the names. No Qt here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["CONSOLE_PROGRAM", "HELPER_FLAG", "helper_argv", "helper_env", "is_frozen", "program_argv"]

#: The first argument that makes the program run a helper instead of a command or the window.
HELPER_FLAG = "--mojiscope-helper"
#: The frozen build's console program (the window's exe is ``mojiscope``); see packaging/mojiscope.spec.
CONSOLE_PROGRAM = "mojiscope-cli"

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def is_frozen() -> bool:
    """Whether this is a frozen build (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def program_argv(*args: str) -> list[str]:
    """The command line that starts this program anew with ``args`` (no args: the window)."""
    return [sys.executable, *args] if is_frozen() else [sys.executable, "-m", "app", *args]


def helper_argv(name: str, *args: str) -> list[str]:
    """The command line that runs helper ``name`` with ``args`` in a new process of this program."""
    if is_frozen():
        exe = Path(sys.executable)
        console = exe.with_name(CONSOLE_PROGRAM + exe.suffix)
        return [str(console if console.is_file() else exe), HELPER_FLAG, name, *args]
    return [sys.executable, "-m", "app", HELPER_FLAG, name, *args]


def helper_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The helper's environment: ours, with the project importable when running from a source tree."""
    env = dict(os.environ if base is None else base)
    if not is_frozen():
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    return env
