"""How busy the machine was while the bench ran: its load and the CPU time its host took (steal).

Why the bench says so: every time it prints is CPU or wall time, and on a shared machine both stretch with what
else runs.  On the 2-core VM this project is built on, the same window flood took 1.8x the engine's time on an
idle minute and 3.5x with three other processes busy beside it (load average 8-13), and the same start-up 0.27 s
or 0.55 s.  A figure without the minute's load cannot be compared with another; with it, a reader can tell a
change from a busy minute.  (The load average and ``/proc/stat`` are the kernel's own accounts, read the way
``uptime`` and ``top`` read them; no library gives the steal share more simply.)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

__all__ = ["MachineSample", "describe"]


@dataclass(frozen=True)
class MachineSample:
    """One look at the machine: the 1-minute load average and the CPU counters (``None`` where the system has no
    such account, as on Windows)."""

    at: float
    load_1min: float | None
    steal_ticks: int | None
    total_ticks: int | None

    @classmethod
    def now(cls, proc_stat: str = "/proc/stat") -> MachineSample:
        """The machine as it is now."""
        try:
            load: float | None = os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            load = None
        steal = total = None
        try:
            with open(proc_stat, encoding="ascii") as f:
                first = f.readline().split()
        except OSError:
            first = []
        if first[:1] == ["cpu"] and len(first) >= 9:
            try:
                ticks = [int(x) for x in first[1:]]
            except ValueError:
                ticks = []
            if ticks:
                # user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is inside user.
                steal, total = ticks[7], sum(ticks[:8])
        return cls(time.monotonic(), load, steal, total)


def describe(start: MachineSample, end: MachineSample, cores: int | None = None) -> str:
    """One line on how busy the machine was between two samples, for the bench's report."""
    cores = cores if cores is not None else os.cpu_count() or 1
    parts = [f"{cores} core{'s' if cores != 1 else ''}"]
    if start.load_1min is not None and end.load_1min is not None:
        parts.append(f"load average {start.load_1min:.2f} at the start, {end.load_1min:.2f} at the end")
    else:
        parts.append("load average not available here")
    steal = None
    ticks = (start.steal_ticks, start.total_ticks, end.steal_ticks, end.total_ticks)
    if ticks[0] is not None and ticks[1] is not None and ticks[2] is not None and ticks[3] is not None:
        spent = ticks[3] - ticks[1]
        if spent > 0:
            steal = (ticks[2] - ticks[0]) / spent
            parts.append(f"the host took {steal:.0%} of the CPU (steal)")
    line = "machine        " + "; ".join(parts)
    busiest = max((x for x in (start.load_1min, end.load_1min) if x is not None), default=None)
    if (busiest is not None and busiest > cores) or (steal is not None and steal >= 0.05):
        line += ": other work competed for the CPU, so the times above are longer than on an idle machine"
    return line
