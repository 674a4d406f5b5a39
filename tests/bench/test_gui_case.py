"""``bench --gui``: the stall probe sees a blocked loop, and a real flood through the real window arrives whole."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import pytest

from app.bench import gui_peers
from app.bench.gui_case import GuiMeasurement, GuiRuns, StallProbe, measurement_from_json, report, report_runs
from app.bench.gui_peers import GuiPeer
from app.bench.runner import _gui_json
from app.widgets.qt import QtCore


def test_stall_probe_sees_a_blocked_event_loop(qtbot: Any) -> None:
    probe = StallProbe(interval_ms=10)
    probe.start()
    QtCore.QTimer.singleShot(50, lambda: time.sleep(0.3))  # the loop cannot run for 300 ms
    qtbot.wait(500)
    probe.stop()
    assert probe.max_stall_ms >= 250
    assert len(probe.ticks) > 5  # the timer did fire around the stall
    assert probe.max_stall_cpu_ms < 100  # asleep, not working: the CPU time in the gap says so


def test_stall_probe_tells_the_app_s_own_work_in_a_stall(qtbot: Any) -> None:
    def busy() -> None:
        end = time.process_time() + 0.2
        while time.process_time() < end:
            pass

    probe = StallProbe(interval_ms=10)
    probe.start()
    QtCore.QTimer.singleShot(50, busy)
    qtbot.wait(400)
    probe.stop()
    assert probe.max_stall_ms >= 150 and probe.max_stall_cpu_ms >= 190


def bench_gui_json(tmp_path: Any, runs: int, size_mb: float, tests: str = "behind") -> tuple[int, dict[str, Any]]:
    """``python -m app bench --gui --json`` run for real (offscreen): its exit status and its report."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    sizes = ["--gui-runs", str(runs), "--gui-size-mb", str(size_mb), "--gui-tests", tests]
    done = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--gui", *sizes, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300 * runs,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: the limits were missed on this machine, not a crash
    report: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, report


def test_bench_gui_floods_the_window_and_every_byte_arrives(tmp_path: Any) -> None:
    status, report = bench_gui_json(tmp_path, 1, 0.4)
    assert report["bytes_received"] == report["bytes_sent"] >= 400_000
    assert report["intact"] is True
    assert report["frames"] > 0 and report["fps"] > 0
    assert report["ticks"] > 2
    assert report["platform"] == "offscreen"
    assert report["ok"] == (status == 0)
    assert report["chunks"] >= 1 and report["cpu_seconds"] > 0 and report["engine_seconds"] > 0
    assert report["engine_wall_seconds"] > 0 and len(report["engine_passes"]) == 2
    wall, cpu = min(report["engine_passes"])
    assert (wall, cpu) == (report["engine_wall_seconds"], report["engine_seconds"])  # the faster pass
    assert report["wall_factor"] == pytest.approx(report["seconds"] / wall)
    assert report["cpu_factor"] == pytest.approx(report["cpu_seconds"] / cpu)
    assert report["engine_factor"] == max(report["wall_factor"], report["cpu_factor"])
    assert report["peers"] == [] and report["tests_catch_up_seconds"] >= 0
    assert report["tests_front"] is False and report["tests_live"] is False  # parsed in quiet moments
    assert report["ok"] == (
        report["max_stall_ms"] <= 50 and report["fps"] >= 30 and report["engine_factor"] <= 2
    )


def test_with_the_tests_panel_in_front_the_model_parses_the_flood_as_it_comes(tmp_path: Any) -> None:
    """What a Go developer watching the tree fill has: the Tests tab in front, the model fed each read at once."""
    status, report = bench_gui_json(tmp_path, 1, 0.3, tests="front")
    assert report["tests_front"] is True and report["tests_live"] is True
    assert report["intact"] is True and report["bytes_received"] == report["bytes_sent"] >= 300_000
    assert report["ok"] == (status == 0)


def test_bench_gui_judges_each_tests_panel_placement_on_its_own(tmp_path: Any) -> None:
    status, report = bench_gui_json(tmp_path, 1, 0.2, tests="both")
    runs = report["runs"]
    assert [(r["tests_front"], r["tests_live"]) for r in runs] == [(False, False), (True, True)]
    assert report["engine_factor"] == pytest.approx(max(r["engine_factor"] for r in runs))
    assert report["ok"] == (status == 0)


def test_bench_gui_times_xterm_on_the_same_flood_under_xvfb(tmp_path: Any) -> None:
    """xterm (a test tool: .ci/run installs it) drains the same file on the window's private Xvfb."""
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM", None)
    argv = [sys.executable, "-m", "app", "bench", "--gui", "--gui-runs", "1", "--gui-tests", "behind"]
    argv += ["--gui-size-mb", "0.2"]
    done = subprocess.run(
        [*argv, "--gui-peers", "xterm", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert report["platform"] == "xcb" and report["intact"] is True  # the window ran on the peers' X server
    (peer,) = report["peers"]
    assert peer["name"] == "xterm" and peer["missing"] is None and peer["error"] is None
    assert peer["seconds"] > 0 and peer["startup_seconds"] > 0 and peer["cpu_seconds"] > 0  # times, not a race
    assert report["ok"] is False or report["seconds"] < peer["seconds"]


def test_a_missing_peer_terminal_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setitem(gui_peers.GUI_PEERS, "xterm", ("no-such-terminal-here", "-e"))
    flood = tmp_path / "f.bin"
    flood.write_bytes(b"x\r\n")
    peer = gui_peers.time_gui_peer("xterm", flood, ":0")
    assert peer.missing is not None and peer.missing.startswith("no-such-terminal-here is not installed")
    assert peer.seconds is None
    m = GuiMeasurement(
        10, 10, True, 1.0, 40, 40.0, 1.0, 1.0, 100, "xcb", cpu_seconds=0.9, engine_seconds=0.6,
        engine_wall_seconds=0.6, peers=[peer],
    )
    text = "\n".join(report(m))
    assert "peer xterm     missing: no-such-terminal-here is not installed" in text
    assert m.ok and "result         ok" in text


def test_the_verdict_holds_the_window_to_xterm_and_shows_st_beside_it() -> None:
    def measured(*peers: GuiPeer) -> GuiMeasurement:
        return GuiMeasurement(
            10, 10, True, 2.0, 80, 40.0, 1.0, 1.0, 100, "xcb", cpu_seconds=1.9, engine_seconds=1.5,
            engine_wall_seconds=1.5, peers=list(peers),
        )

    xterm_slower, st_faster = GuiPeer("xterm", seconds=7.5), GuiPeer("st", seconds=1.2)
    both = measured(xterm_slower, st_faster)
    assert both.judged_peers == [xterm_slower] and both.ok
    text = "\n".join(report(both))
    assert "peer st        1.20 s on the same file under Xvfb: the window is SLOWER (shown, not a limit)" in text
    assert "the window is faster" in text and "result         ok" in text
    assert not measured(GuiPeer("xterm", seconds=1.9), st_faster).ok  # xterm faster: failed
    assert not measured(st_faster).ok  # without xterm, the peers timed are the limit
    assert measured(GuiPeer("xterm", missing="not installed")).ok  # nothing timed: nothing to beat


def test_the_window_is_held_to_the_engine_in_wall_time_and_in_cpu_time_alike() -> None:
    """Like for like: the window's wall time over the engine's wall time, its CPU time over the engine's CPU time;
    the verdict takes the larger, so a busy minute that slows both does not pass or fail the window by itself."""

    def measured(seconds: float, cpu: float, engine_wall: float, engine_cpu: float) -> GuiMeasurement:
        return GuiMeasurement(
            10, 10, True, seconds, 80, 40.0, 1.0, 1.0, 100, "offscreen", cpu_seconds=cpu,
            engine_seconds=engine_cpu, engine_wall_seconds=engine_wall,
        )

    busy = measured(6.0, 3.6, 3.2, 2.0)  # wall 1.88x, CPU 1.8x: within; wall over engine CPU would say 3x
    assert busy.wall_factor == pytest.approx(6.0 / 3.2) and busy.cpu_factor == pytest.approx(1.8)
    assert busy.engine_factor == pytest.approx(6.0 / 3.2) and busy.ok
    assert busy.wall_over_engine_cpu == pytest.approx(3.0)
    assert "the window took 1.88x in wall time, 1.80x in CPU time" in "\n".join(report(busy))
    assert not measured(4.0, 4.1, 3.0, 2.0).ok  # wall 1.33x but CPU 2.05x: the window's own work is over
    assert not measured(6.5, 2.0, 3.2, 2.0).ok  # CPU 1x but wall 2.03x: it waited on something of its own
    assert not measured(1.0, 1.0, 0.0, 0.0).ok  # no engine time: no verdict in its favour


def test_bench_gui_runs_floods_in_fresh_processes_and_judges_their_median_ratio(tmp_path: Any) -> None:
    status, report = bench_gui_json(tmp_path, 2, 0.3)
    runs = report["runs"]
    assert len(runs) == 2 and all(r["intact"] and r["bytes_received"] == r["bytes_sent"] >= 300_000 for r in runs)
    assert report["engine_factor"] == pytest.approx(statistics.median(r["engine_factor"] for r in runs))
    assert report["max_stall_ms"] == max(r["max_stall_ms"] for r in runs)
    assert report["fps"] == min(r["fps"] for r in runs)
    assert report["ok"] == (status == 0)


def test_several_runs_are_judged_on_the_median_ratio_and_the_worst_stall_and_frame_rate() -> None:
    def run(seconds: float, stall: float = 10.0, fps: float = 38.0, intact: bool = True) -> GuiMeasurement:
        return GuiMeasurement(
            10, 10, intact, seconds, 80, fps, stall, 1.0, 100, "offscreen", cpu_seconds=seconds,
            engine_seconds=1.0, engine_wall_seconds=1.0,
        )

    one_slow_minute = GuiRuns([run(1.5), run(2.6), run(1.7)])
    assert one_slow_minute.engine_factor == pytest.approx(1.7) and one_slow_minute.ok
    assert not GuiRuns([run(2.1), run(2.6), run(1.7)]).ok  # the median is over
    assert not GuiRuns([run(1.5), run(1.5, stall=51.0), run(1.5)]).ok  # one run stalled too long
    assert not GuiRuns([run(1.5), run(1.5, fps=29.0), run(1.5)]).ok
    assert not GuiRuns([run(1.5), run(1.5, intact=False), run(1.5)]).ok  # bytes lost in one run
    assert not GuiRuns([]).ok
    text = "\n".join(report_runs(one_slow_minute))
    assert "engine ratio   median Tests behind 1.70x" in text and "result         ok" in text
    assert text.count("\nrun ") == 3
    back = measurement_from_json(json.loads(json.dumps(_gui_json(run(1.5)))))
    assert back == run(1.5)


def test_the_tests_panel_in_front_and_behind_are_each_held_to_the_limit() -> None:
    def run(seconds: float, front: bool, live: bool | None = None) -> GuiMeasurement:
        return GuiMeasurement(
            10, 10, True, seconds, 80, 38.0, 10.0, 1.0, 100, "offscreen", cpu_seconds=seconds,
            engine_seconds=1.0, engine_wall_seconds=1.0, tests_front=front, tests_live=front if live is None else live,
        )  # fmt: skip

    behind = [run(1.5, False), run(1.6, False), run(1.7, False)]
    front_over = GuiRuns([*behind, run(2.1, True), run(2.2, True), run(2.3, True)])
    assert front_over.mode_factor(False) == pytest.approx(1.6) and front_over.mode_factor(True) == pytest.approx(2.2)
    assert front_over.engine_factor == pytest.approx(2.2) and not front_over.ok
    text = "\n".join(report_runs(front_over))
    assert "engine ratio   median Tests behind 1.60x, Tests in front 2.20x" in text
    assert "run 4  Tests in front: 2.10 s wall" in text
    assert GuiRuns([*behind, run(1.8, True), run(1.9, True), run(1.95, True)]).ok
    assert not GuiRuns([*behind, run(1.8, True, live=False)]).ok  # "in front" but the model did not parse live
    assert "the Tests panel was in front" in "\n".join(report(run(1.8, True)))
