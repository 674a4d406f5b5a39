"""Real recordings of full-screen programs (vim, top, tmux), made with ``python -m app record`` on a real pty.

Their rows are painted by cursor addressing and repainted again and again, so a row's bytes spread over the
whole session: what made a click on a blank cell trace 140-170 KB on the UI thread (issue 12).  Recorded once
per test run (a session-scoped fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLS, ROWS = 100, 30

#: name → the command recorded (each ends by itself; none needs keys).
PROGRAMS: dict[str, list[str]] = {
    "vim": [
        "vim", "-u", "NONE", "-N", "-n", "-c", "set nu",
        "-c", r'for i in range(30) | exe "normal! 20\<C-d>" | redraw | endfor',
        "-c", r'for i in range(30) | exe "normal! 20\<C-u>" | redraw | endfor',
        "-c", "qa!", "{lines}",
    ],
    "top": ["top", "-n", "6", "-d", "0.1"],
    "tmux": [
        "tmux", "-L", "mojiscope-test-{pid}", "-f", "/dev/null", "new-session",
        "for i in $(seq 1 20); do seq 1 60; sleep 0.02; done; top -n 4 -d 0.1",
    ],
}  # fmt: skip


def record_fullscreen(folder: Path) -> dict[str, Path]:
    """Record each of :data:`PROGRAMS` that is installed into ``folder``; name → recording."""
    lines = folder / "lines.txt"
    lines.write_text("".join(f"some text on line {i}\n" for i in range(1, 3001)))
    out: dict[str, Path] = {}
    env = {**os.environ, "TERM": "xterm-256color"}
    for name, argv in PROGRAMS.items():
        if shutil.which(argv[0]) is None:
            continue
        argv = [a.replace("{lines}", str(lines)).replace("{pid}", str(os.getpid())) for a in argv]
        path = folder / f"{name}.cast"
        size = ["--cols", str(COLS), "--rows", str(ROWS)]
        subprocess.run(
            [sys.executable, "-m", "app", "record", "-o", str(path), *size, "--", *argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            check=True,
        )
        out[name] = path
    return out
