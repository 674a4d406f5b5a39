"""The bench's line on how busy the machine was: the kernel's counters read right, and said plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.bench.machine import MachineSample, describe

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat and the load average are Linux's")


def _stat(tmp_path: Path, user: int, idle: int, steal: int) -> str:
    path = tmp_path / f"stat-{user}-{idle}-{steal}"
    # user nice system idle iowait irq softirq steal guest guest_nice
    path.write_text(f"cpu  {user} 0 10 {idle} 0 0 0 {steal} 7 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", encoding="ascii")
    return str(path)


def test_steal_is_the_host_s_share_of_the_ticks_between_two_samples(tmp_path: Path) -> None:
    start = MachineSample.now(_stat(tmp_path, 100, 800, 0))
    end = MachineSample.now(_stat(tmp_path, 160, 820, 20))  # 60 + 20 + 20 ticks spent: 20 of them stolen
    assert (start.steal_ticks, start.total_ticks) == (0, 910)
    assert (end.steal_ticks, end.total_ticks) == (20, 1010)
    line = describe(start, end, cores=2)
    assert "the host took 20% of the CPU (steal)" in line
    assert line.endswith("longer than on an idle machine")


def test_an_idle_machine_is_not_called_busy(tmp_path: Path) -> None:
    start = MachineSample(0.0, 0.25, 0, 1000)
    end = MachineSample(1.0, 0.5, 0, 1200)
    line = describe(start, end, cores=2)
    assert line == (
        "machine        2 cores; load average 0.25 at the start, 0.50 at the end; the host took 0% of the CPU (steal)"
    )


def test_a_load_above_the_cores_is_called_competition() -> None:
    line = describe(MachineSample(0.0, 1.0, None, None), MachineSample(1.0, 8.83, None, None), cores=2)
    assert "load average 1.00 at the start, 8.83 at the end" in line
    assert "steal" not in line  # no counters: nothing made up
    assert "other work competed for the CPU" in line


def test_without_the_system_s_accounts_it_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "stat"
    broken.write_text("cpu  x y z\n", encoding="ascii")
    for source in (str(broken), str(tmp_path / "missing")):
        sample = MachineSample.now(source)
        assert sample.steal_ticks is None and sample.total_ticks is None
    none = MachineSample(0.0, None, None, None)
    assert describe(none, none, cores=1) == "machine        1 core; load average not available here"


@LINUX
def test_a_sample_of_this_machine_reads_its_real_counters() -> None:
    before = MachineSample.now()
    after = MachineSample.now()
    assert before.load_1min is not None and abs(before.load_1min - os.getloadavg()[0]) < 1.0
    assert before.total_ticks is not None and after.total_ticks is not None
    assert after.total_ticks >= before.total_ticks > 0


@LINUX
def test_the_bench_ends_its_report_with_the_machine_line_and_keeps_it_out_of_json() -> None:
    argv = [sys.executable, "-m", "app", "bench", "--kinds", "plain-ascii", "--size-mb", "0.02", "--repeats", "1"]
    argv += ["--no-pyte", "--no-peers"]
    text = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout
    last = text.rstrip().splitlines()[-1]
    assert last.startswith(f"machine        {os.cpu_count()} core")
    assert "load average" in last
    report = json.loads(subprocess.run([*argv, "--json"], capture_output=True, text=True, check=True).stdout)
    assert report["results"][0]["kind"] == "plain-ascii"
