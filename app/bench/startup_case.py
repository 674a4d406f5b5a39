"""``python -m app bench --startup``: how long from starting ``python -m app`` to its first painted prompt.

Method: the app is started with ``MOJISCOPE_STARTUP_PROBE=1`` (:data:`app.app_main.STARTUP_PROBE`): it prints the
epoch time at which its first paint of a non-blank screen was done, then closes itself.  The time of a run is
that epoch minus the time noted just before the process was started, so it covers the interpreter's own start,
every import, Qt, the window, the shell's start and its prompt.  Each run has a fresh ``HOME`` with a bash whose
prompt is short (``SHELL=/bin/bash``), so a user's dotfiles cannot make it slower or faster.  Platforms: a
private Xvfb through Qt's xcb plugin (as on a desktop) when Xvfb is installed, and ``offscreen``.

Python writes its bytecode caches (``PYTHONDONTWRITEBYTECODE`` is taken out of the children's environment),
as an installed app has them: one untimed run first writes them.

Beside the time, the app's own CPU time up to that paint (the probe's line has it): on a machine shared with
other work, the wall time of a start moves by a third from one run to the next, the CPU time much less, so it
shows what a change did to the app's own work.
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.bench.gui_peers import private_display, xvfb_missing
from app.pty.reentry import program_argv

__all__ = ["StartupRuns", "measure_startup", "report_startup"]

_LINE = re.compile(
    r"mojiscope startup: first prompt painted ([\d.]+) s after the process started "
    r"\(epoch ([\d.]+)(?:; CPU ([\d.]+) s)?\)"
)
#: Longest one start may take before it is called a failure (seconds).
START_TIMEOUT_S = 120.0
#: The goal (issue 15): the first prompt painted within this many seconds.
STARTUP_GOAL_S = 0.35


@dataclass
class StartupRuns:
    """The runs on one Qt platform: seconds from start to the first painted prompt, or why there are none."""

    platform: str
    seconds: list[float] = field(default_factory=list)
    #: The app's CPU seconds up to the same paint, run by run.
    cpu_seconds: list[float] = field(default_factory=list)
    missing: str | None = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None


def _env(home: Path, platform: str, display: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "PYSIDE"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(HOME=str(home), SHELL="/bin/bash", XDG_CONFIG_HOME=str(home / ".config"), MOJISCOPE_STARTUP_PROBE="1")
    env["QT_QPA_PLATFORM"] = platform
    if display is not None:
        env["DISPLAY"] = display
    return env


def _one(env: dict[str, str]) -> tuple[float, float]:
    """One start: seconds to the first painted prompt, and the app's CPU seconds until then."""
    before = time.time()
    done = subprocess.run(
        program_argv(), env=env, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
    )
    found = _LINE.search(done.stderr)
    if done.returncode != 0 or found is None:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise RuntimeError(f"the app did not report its first paint: {tail[0]}")
    return float(found.group(2)) - before, float(found.group(3) or "nan")


def measure_startup(runs: int) -> list[StartupRuns]:
    """``runs`` timed starts on each platform (after one untimed start that writes the bytecode caches)."""
    results: list[StartupRuns] = []
    with tempfile.TemporaryDirectory(prefix="mojiscope-startup-") as tmp:
        home = Path(tmp)
        (home / ".bashrc").write_text("PS1='ready$ '\n")
        for platform in ("xcb", "offscreen"):
            result = StartupRuns(platform)
            results.append(result)
            with contextlib.ExitStack() as stack:
                display = None
                if platform == "xcb":
                    result.missing = xvfb_missing()
                    if result.missing is not None:
                        continue
                    display = stack.enter_context(private_display())
                env = _env(home, platform, display)
                try:
                    _one(env)  # writes the bytecode caches; not timed
                    timed = [_one(env) for _ in range(runs)]
                    result.seconds = [seconds for seconds, _cpu in timed]
                    result.cpu_seconds = [cpu for _seconds, cpu in timed]
                except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
                    result.error = str(exc)
    return results


def report_startup(results: list[StartupRuns]) -> list[str]:
    lines = [
        "Mojiscope bench --startup: python -m app, from starting the process to its first painted prompt "
        f"(bash, a fresh HOME; goal {STARTUP_GOAL_S:g} s)"
    ]
    for r in results:
        if r.missing or r.error:
            lines.append(f"{r.platform:<10} {'missing: ' + r.missing if r.missing else 'failed: ' + str(r.error)}")
            continue
        runs = ", ".join(f"{s:.3f}" for s in r.seconds)
        lines.append(f"{r.platform:<10} median {r.median:.3f} s, best {min(r.seconds):.3f} s (runs: {runs})")
        cpu = ", ".join(f"{s:.3f}" for s in r.cpu_seconds)
        lines.append(f"{'':<10} the app's CPU up to that paint: median {r.cpu_median:.3f} s (runs: {cpu})")
    return lines
