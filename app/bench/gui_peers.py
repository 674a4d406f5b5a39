"""Real terminal windows as peers of ``bench --gui``: xterm or st draining the same flood under Xvfb.

Why: "the window drains a flood faster than xterm" can only be said from the same bytes on the same machine in
the same run.  Each peer is started on a private Xvfb display (so no desktop is needed and nothing shows), at
the bench's size (120x40), running the same copy child as the app's flood; its time is from start to exit (the
terminal exits when the child has written everything and it has read it all), its CPU time is what ``wait4``
reports for it (its own and the copy child's, which it reaped).  The same terminal started on an empty file gives
its start-up time, so the flood's own cost can be told apart.  A terminal or Xvfb that is not installed is
reported as missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.bench.pty_case import copy_child

__all__ = ["GUI_PEERS", "GuiPeer", "private_display", "time_gui_peer", "xvfb_missing"]

#: The terminals ``--gui-peers`` knows: name → how to start it at 120x40 running argv (appended).
GUI_PEERS: dict[str, tuple[str, ...]] = {
    "xterm": ("xterm", "-geometry", "120x40", "-e"),
    "st": ("st", "-g", "120x40", "-e"),
}
#: Longest one peer may take on a flood (seconds).
PEER_TIMEOUT_S = 600.0


@dataclass
class GuiPeer:
    """One terminal on the flood: seconds from start to exit, its CPU seconds, and the same for an empty run."""

    name: str
    seconds: float | None = None
    cpu_seconds: float | None = None
    startup_seconds: float | None = None
    missing: str | None = None
    error: str | None = None


def xvfb_missing() -> str | None:
    return None if shutil.which("Xvfb") else "Xvfb is not installed (Debian: apt-get install xvfb)"


@contextlib.contextmanager
def private_display() -> Iterator[str]:
    """A fresh Xvfb for the run; its display name (``:N``), chosen by the server (``-displayfd``)."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            raise OSError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _run_once(argv: list[str], display: str) -> tuple[float, float, int]:
    """Start ``argv`` on ``display``; (seconds to its exit, its CPU seconds, its exit status)."""
    env = {**os.environ, "DISPLAY": display}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + PEER_TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"{argv[0]} did not end within {PEER_TIMEOUT_S:.0f} s")
        time.sleep(0.005)
    return seconds, usage.ru_utime + usage.ru_stime, proc.returncode


def time_gui_peer(name: str, flood: Path, display: str) -> GuiPeer:
    """Time terminal ``name`` (a key of :data:`GUI_PEERS`) draining the file ``flood`` on ``display``."""
    result = GuiPeer(name)
    command = GUI_PEERS[name]
    if shutil.which(command[0]) is None:
        result.missing = f"{command[0]} is not installed (Debian: apt-get install {'stterm' if name == 'st' else name})"
        return result
    with tempfile.TemporaryDirectory(prefix="mojiscope-peer-") as tmp:
        empty = Path(tmp) / "empty.bin"
        empty.write_bytes(b"")
        try:
            result.startup_seconds, _cpu, _status = _run_once([*command, *copy_child(empty)], display)
            result.seconds, result.cpu_seconds, status = _run_once([*command, *copy_child(flood)], display)
        except (OSError, TimeoutError) as exc:
            result.error = str(exc)
            return result
    if status != 0:
        result.error = f"{name} exited with status {status}"
    return result
