"""``MOJISCOPE_STARTUP_PROBE`` and ``bench --startup``: the real app reports its first painted prompt and closes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_probe_reports_the_first_painted_prompt_and_the_app_closes(tmp_path: Path) -> None:
    (tmp_path / ".bashrc").write_text("PS1='probe-ready$ '\n")
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash", "QT_QPA_PLATFORM": "offscreen"}
    env["MOJISCOPE_STARTUP_PROBE"] = "1"
    before = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    after = time.time()
    assert done.returncode == 0, done.stderr
    found = re.search(
        r"first prompt painted ([\d.]+) s after the process started \(epoch ([\d.]+); CPU ([\d.]+) s\)", done.stderr
    )
    assert found is not None, done.stderr
    since_start, epoch, cpu = float(found.group(1)), float(found.group(2)), float(found.group(3))
    assert before < epoch < after
    assert 0 < cpu < after - before  # the app's own CPU time (one thread of work, started after `before`)
    # Measured from the kernel's start time (10 ms ticks): about what the caller saw, never more than it.
    assert 0 < since_start <= epoch - before + 0.05


def test_bench_startup_json_has_timed_runs_per_platform(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--startup", "--startup-runs", "2", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["platform"] for r in report] == ["xcb", "offscreen"]
    for r in report:
        assert r["missing"] is None and r["error"] is None
        assert len(r["seconds"]) == 2 and all(s > 0 for s in r["seconds"])
        assert min(r["seconds"]) <= r["median"] <= max(r["seconds"])
        assert len(r["cpu_seconds"]) == 2 and all(c > 0 for c in r["cpu_seconds"])
        assert min(r["cpu_seconds"]) <= r["cpu_median"] <= max(r["cpu_seconds"])
