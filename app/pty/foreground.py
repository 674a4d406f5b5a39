"""Which program runs in a session's foreground — what closing the session would end without asking.

Windows Terminal and VS Code ask before closing a tab or quitting while programs run there; a shell idle at
its prompt is not "a program running" (closing it loses nothing), a vim with unsaved work is.  So the
question is the foreground, as the probes and the live UTF-8 switch already ask it:

- POSIX pty: the terminal's foreground process group (``tcgetpgrp`` on the master) against the shell's pid —
  an idle interactive shell holds the foreground itself; a job it runs (vim, top, go test) takes it.
- no such notion (ConPTY, pipes): the shell's newest descendant stands in for the foreground (as the probes
  do on Windows), so any child of the shell counts as running.
- a session started without an interactive shell (a command, the Tests panel's ``go test``) is the program
  itself: running until it exits.

No Qt here; the window asks the user, this only says what runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.pty.probes import newest_descendant

__all__ = ["ForegroundProgram", "foreground_program"]


@dataclass(frozen=True)
class ForegroundProgram:
    """A program that runs in a session's foreground: its pid and name (as ``ps`` shows it)."""

    pid: int
    name: str

    def describe(self) -> str:
        return f"{self.name} (pid {self.pid})"


def foreground_program(pid: int | None, *, shell: bool, foreground_group: int | None) -> ForegroundProgram | None:
    """The program closing the session would end, or ``None`` when nothing but an idle shell runs.

    ``pid``: the session's child (``None``: none, or it has exited); ``shell``: the child is an interactive
    shell; ``foreground_group``: the pty's foreground process group (``None`` where there is no such notion).
    """
    if pid is None or not _alive(pid):
        return None
    if not shell:
        running = pid
    else:
        running = foreground_group if foreground_group is not None else newest_descendant(pid)
        if running == pid:
            return None  # the shell itself holds the terminal: at its prompt
    return ForegroundProgram(running, _name(running))


def _alive(pid: int) -> bool:
    import psutil  # here, not at import: it costs start-up time (the window's tabs import this module)

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def _name(pid: int) -> str:
    import psutil  # here, not at import: it costs start-up time

    try:
        return str(psutil.Process(pid).name()) or "a program"
    except psutil.Error:
        return "a program"  # a process group whose leader has gone (the rest of a pipeline runs on)
