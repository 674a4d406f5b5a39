"""``python -m app bench --gui``: the desktop app under a flood — stalls, frame rate, and that every byte arrives.

Why a separate measurement: the engine rows say how fast bytes become a screen; a user watches a window, where the
same bytes also go through the session, the view's repaints, the Bytes panel and the Tests panel, all on one Qt
thread.  What matters there is that the window stays responsive (no event-loop stall a user would feel), keeps
repainting smoothly, and shows everything that was sent.

Method: the real :class:`MainWindow` (offscreen unless a display is set), one session whose child puts its pty in
raw mode and writes ``--gui-size-mb`` of generated ``go test -v`` output (the pty case's copy child), the window's
panels live as a user has them (the Tests panel parses the run), garbage collection paced as the app paces it
(:mod:`app.widgets.idle_gc`), its background warm-up started when the app starts it (the flood begins at once,
sooner than a user could type a command, so the first CJK line may still find the width tables not loaded). A
``QTimer`` probe fires every :data:`PROBE_MS`; the longest gap between two firings, minus the interval, is the worst
stall. Frames are the terminal view's repaints (``TerminalView.frame_count``) divided by the flood's duration. The
bytes in the session's ByteLog are checked against the sha256 of what was written; a flood that lost bytes is an
error, not a result.

Beside the wall time, the process's CPU time over the flood (the machine may be busy with other work), and the
headless engine's: a fresh ``Terminal`` of the same size fed the very chunks the window got, in the same process,
timed in wall and CPU time twice — right after the flood, and again after the Tests model caught up — and the
faster of the two kept (the harder comparison for the window).  The window should cost at most
:data:`MAX_ENGINE_FACTOR` times that, like for like: its wall time over the engine's wall time *and* its CPU time
over the engine's CPU time (:attr:`GuiMeasurement.engine_factor` is the larger).  Why not the window's wall time
over the engine's CPU time (as before issue 15's fifth part): on a machine shared with other work the window's wall
time grows with the load (the process waits for a core) while the engine's CPU time does not, so that ratio
moved between 1.3x and 2.6x from one minute to the next with the same build.  With ``peers``
(``--gui-peers xterm,st``) the window runs on a private Xvfb (Qt's xcb platform, as on a desktop) and each
installed peer terminal drains the same file on it (:mod:`app.bench.gui_peers`).

The Tests panel in front or behind (``--gui-tests``): with the panel in front (a Go developer watching the tree
fill) the go test model parses while output arrives (a short slice every second frame period, the terminal first; all
of it for a recorded session) and catches up when output pauses; behind another tab it waits for a quiet moment.  Until
issue 15's sixth part the bench timed only the second case, which hid that the first (then parsing every read as
it came) took 3.1x the engine and 23 frames/s; both are timed and judged now, each on its own median.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bench.gui_peers import GuiPeer, private_display, time_gui_peer, xvfb_missing
from app.bench.pty_case import PTY_STREAM, PtyCaseError, copy_child
from app.bench.streams import generate
from app.pty.reentry import helper_env, program_argv

__all__ = [
    "GUI_RUNS",
    "MAX_ENGINE_FACTOR",
    "MAX_STALL_MS",
    "MIN_FPS",
    "PROBE_MS",
    "GuiMeasurement",
    "GuiRuns",
    "StallProbe",
    "measure_gui",
    "measure_gui_runs",
    "report",
    "report_runs",
]

#: The probe timer's interval (ms): short, so that a stall shows as a long gap and not as a late tick.
PROBE_MS = 10
#: The limits the flood is held to (issues 4 and 15): the loop never stalls longer, the view repaints at least this
#: often, and the flood takes at most this many times the headless engine's time on the same bytes.
MAX_STALL_MS = 50.0
MIN_FPS = 30.0
MAX_ENGINE_FACTOR = 2.0
#: Longest a flood may take before it is called a hang (seconds).
TIMEOUT_S = 600.0
#: Floods per ``bench --gui`` (``--gui-runs``), each in a fresh process; see :class:`GuiRuns`.
GUI_RUNS = 3


@dataclass
class GuiMeasurement:
    """One flood through the desktop app."""

    bytes_sent: int
    bytes_received: int
    intact: bool
    seconds: float
    frames: int
    fps: float
    max_stall_ms: float
    p99_gap_ms: float
    ticks: int
    platform: str
    #: CPU time of this process over the flood, and the headless engine's on the same chunks (seconds).
    cpu_seconds: float = 0.0
    engine_seconds: float = 0.0
    #: The headless engine's wall time on the same chunks, in the same pass as ``engine_seconds`` (seconds).
    engine_wall_seconds: float = 0.0
    #: Each engine pass, ``(wall, cpu)``: right after the flood, then after the Tests model caught up.
    engine_passes: list[tuple[float, float]] = field(default_factory=list)
    #: The process's CPU time during the worst stall's gap (ms; see :attr:`StallProbe.max_stall_cpu_ms`).
    max_stall_cpu_ms: float = 0.0
    #: Reads the window got (the chunks the engine was timed on).
    chunks: int = 0
    #: What the Tests panel's model, left for a quiet moment while the panel was not shown, took after the flood
    #: to catch up (wall and CPU seconds; it parses in slices that keep the loop free).
    tests_catch_up_seconds: float = 0.0
    tests_catch_up_cpu: float = 0.0
    #: Whether the Tests panel was in front (the go test model parsed while output came), and whether the tab said
    #: so when the flood began (its ``tests_live``: what decides when the model parses).
    tests_front: bool = False
    tests_live: bool = False
    #: Terminals timed on the same flood (``--gui-peers``), and why there are none when they were asked for.
    peers: list[GuiPeer] = field(default_factory=list)
    peers_missing: str | None = None
    gaps_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def wall_factor(self) -> float:
        """The flood's duration over the headless engine's wall time on the same bytes."""
        return self.seconds / self.engine_wall_seconds if self.engine_wall_seconds > 0 else math.inf

    @property
    def cpu_factor(self) -> float:
        """The process's CPU time over the flood over the headless engine's CPU time on the same bytes."""
        return self.cpu_seconds / self.engine_seconds if self.engine_seconds > 0 else math.inf

    @property
    def engine_factor(self) -> float:
        """What the window is held to: the larger of :attr:`wall_factor` and :attr:`cpu_factor`."""
        return max(self.wall_factor, self.cpu_factor)

    @property
    def wall_over_engine_cpu(self) -> float:
        """The window's wall time over the engine's CPU time: the ratio reported before issue 15's fifth part
        (shown for comparison; it grows with the machine's load, see the module docstring)."""
        return self.seconds / self.engine_seconds if self.engine_seconds > 0 else math.inf

    @property
    def judged_peers(self) -> list[GuiPeer]:
        """The peers the verdict holds the window to: xterm when it was timed (issue 15 asks for "faster than
        xterm"), else every peer timed.  Others timed beside xterm (st, a minimal C terminal) are shown for
        reference, not held to."""
        timed = [p for p in self.peers if p.seconds is not None]
        xterm = [p for p in timed if p.name == "xterm"]
        return xterm or timed

    @property
    def beats_peers(self) -> bool:
        """Faster than the judged peers (true when there were none)."""
        return all(p.seconds is not None and self.seconds < p.seconds for p in self.judged_peers)

    @property
    def placed_as_asked(self) -> bool:
        """The tab parsed live exactly when the Tests panel was in front (else the flood measured the other case)."""
        return self.tests_live == self.tests_front

    @property
    def ok(self) -> bool:
        return (
            self.intact
            and self.placed_as_asked
            and self.max_stall_ms <= MAX_STALL_MS
            and self.fps >= MIN_FPS
            and self.engine_factor <= MAX_ENGINE_FACTOR
            and self.beats_peers
        )

    @property
    def mb_s(self) -> float:
        return self.bytes_received / 1e6 / self.seconds if self.seconds > 0 else 0.0


class StallProbe:
    """A ``QTimer`` that notes when it fires; a long gap between two firings is a stalled event loop.

    The timer is precise and short (:data:`PROBE_MS`), so any gap well past the interval is time the
    loop spent on something else without returning to Qt.  Needs a ``QApplication``.
    """

    def __init__(self, interval_ms: int = PROBE_MS) -> None:
        from app.widgets.qt import QtCore

        self.interval_ms = interval_ms
        self.ticks: list[float] = []
        #: The process's CPU time at each tick: a long gap in which the process ran little was the machine's
        #: (another program had the CPU), one in which it ran all along was the app's own work.
        self.cpu_ticks: list[float] = []
        self._timer = QtCore.QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu_ticks.append(time.process_time())

    def start(self) -> None:
        self._tick()
        self._timer.start()

    def stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._tick()

    @property
    def gaps_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    @property
    def max_stall_ms(self) -> float:
        """The longest gap minus the interval: how long the loop was away beyond the timer's own wait."""
        return max(0.0, max(self.gaps_ms, default=0.0) - self.interval_ms)

    @property
    def max_stall_cpu_ms(self) -> float:
        """The process's CPU time during the longest gap (ms): near the gap, the app was busy; far below it, the
        process was waiting for the CPU or for the X server."""
        gaps = self.gaps_ms
        if not gaps:
            return 0.0
        i = max(range(len(gaps)), key=gaps.__getitem__)
        return (self.cpu_ticks[i + 1] - self.cpu_ticks[i]) * 1000


def measure_gui(
    size_mb: float,
    *,
    seed: int = 0,
    size: tuple[int, int] = (1280, 800),
    peers: Sequence[str] = (),
    tests_front: bool = False,
) -> GuiMeasurement:
    """Flood the main window with ``size_mb`` MB of go test -v output; see the module docstring."""
    if sys.platform == "win32":
        raise PtyCaseError("bench --gui floods through a POSIX pty; ConPTY re-renders text, so its bytes differ")
    data = generate(PTY_STREAM, int(size_mb * 1e6), seed=seed)
    missing = xvfb_missing() if peers else None
    with tempfile.TemporaryDirectory(prefix="mojiscope-bench-gui-") as tmp, contextlib.ExitStack() as stack:
        path = Path(tmp) / "flood.bin"
        path.write_bytes(data)
        display = stack.enter_context(private_display()) if peers and missing is None else None
        if display is not None:  # the window on the peers' X server, as a desktop shows it
            os.environ["DISPLAY"] = display
            os.environ["QT_QPA_PLATFORM"] = "xcb"
            os.environ.pop("WAYLAND_DISPLAY", None)
        elif not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        measured = _run(path, data, Path(tmp) / "settings.ini", size, tests_front)
        measured.peers_missing = missing
        if display is not None:
            measured.peers = [time_gui_peer(name, path, display) for name in peers]
        return measured


def _run(path: Path, data: bytes, settings_path: Path, size: tuple[int, int], tests_front: bool) -> GuiMeasurement:
    import qasync

    from app.app_main import WARM_UP_MS, _application, _quiet_offscreen, warm_up_in_background
    from app.session.factory import command_plan, live_session
    from app.widgets.idle_gc import IdleCollector
    from app.widgets.main_window import MainWindow
    from app.widgets.qt import QtCore
    from app.widgets.settings import AppSettings, open_settings

    app = _application([])
    previous_handler = QtCore.qInstallMessageHandler(_quiet_offscreen)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    probe = StallProbe()
    try:
        window = MainWindow(AppSettings(open_settings(str(settings_path))), loop=loop)
        collector = IdleCollector(lambda: window.last_output)  # as the app runs it (``run_app``)
        try:
            window.resize(*size)
            window.show()
            if tests_front:  # what a user does to watch the tree fill: the Tests tab of the inspector
                window.show_panel("Tests")
            QtCore.QTimer.singleShot(WARM_UP_MS, warm_up_in_background)  # as ``run_app`` does
            app.processEvents()
            plan = command_plan(copy_child(path), helper_env())

            async def flood() -> tuple[int, float, float, int, bool]:
                # Opened inside the running loop: the tab starts its session task at once.
                session = live_session(plan, backend="pty", cols=120, rows=40)
                tab = window.open_session(session, title="bench --gui")
                tab.view.set_cursor_blink(False)  # the blink timer would add frames the flood did not cause
                live = tab.tests_live()
                frames_before = tab.view.frame_count
                probe.start()
                start, cpu = time.perf_counter(), time.process_time()
                task = tab.task
                assert task is not None
                status = await asyncio.wait_for(asyncio.shield(task), TIMEOUT_S)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                probe.stop()
                return status, seconds, cpu, tab.view.frame_count - frames_before, live

            status, seconds, cpu_seconds, frames, tests_live = loop.run_until_complete(flood())
            tab = window.current_tab()
            assert tab is not None
            chunks = [chunk.data for chunk in tab.session.bytelog]
            cols, rows = tab.session.terminal.cols, tab.session.terminal.rows
            passes = [_engine_seconds(chunks, cols, rows)]  # at once: the machine's load as during the flood

            async def catch_up() -> tuple[float, float]:
                start, cpu = time.perf_counter(), time.process_time()
                while tab.tests_pending_bytes:
                    await asyncio.sleep(0.005)
                return time.perf_counter() - start, time.process_time() - cpu

            catch_up_seconds, catch_up_cpu = loop.run_until_complete(asyncio.wait_for(catch_up(), TIMEOUT_S))
            session = tab.session
            digest = hashlib.sha256()
            received = 0
            for chunk in session.bytelog:
                digest.update(chunk.data)
                received += len(chunk.data)
            intact = (
                status == 0
                and session.bytelog.dropped_bytes == 0
                and received == len(data)
                and digest.digest() == hashlib.sha256(data).digest()
            )
            passes.append(_engine_seconds(chunks, cols, rows))
            engine_wall, engine_seconds = min(passes)  # the faster pass: the harder comparison for the window
        finally:
            collector.close()
            loop.run_until_complete(window.aclose())
            window.deleteLater()
    except TimeoutError:
        raise PtyCaseError(f"the flood did not end within {TIMEOUT_S:.0f} s") from None
    finally:
        probe.stop()
        loop.close()
        asyncio.set_event_loop(None)
        QtCore.qInstallMessageHandler(previous_handler)
    gaps = probe.gaps_ms
    return GuiMeasurement(
        bytes_sent=len(data),
        bytes_received=received,
        intact=intact,
        seconds=seconds,
        frames=frames,
        fps=frames / seconds if seconds > 0 else 0.0,
        max_stall_ms=probe.max_stall_ms,
        max_stall_cpu_ms=probe.max_stall_cpu_ms,
        p99_gap_ms=_percentile(gaps, 99),
        ticks=len(probe.ticks),
        platform=app.platformName(),
        cpu_seconds=cpu_seconds,
        engine_seconds=engine_seconds,
        engine_wall_seconds=engine_wall,
        engine_passes=passes,
        tests_catch_up_seconds=catch_up_seconds,
        tests_catch_up_cpu=catch_up_cpu,
        tests_front=tests_front,
        tests_live=tests_live,
        chunks=len(chunks),
        gaps_ms=gaps,
    )


def _engine_seconds(chunks: Sequence[bytes], cols: int, rows: int) -> tuple[float, float]:
    """Wall and CPU seconds of a fresh headless Terminal (the session's size and scrollback) fed ``chunks``."""
    from app.vt import Terminal

    term = Terminal(cols=cols, rows=rows, scrollback=10_000)
    feed = term.feed
    start, cpu = time.perf_counter(), time.process_time()
    for chunk in chunks:
        feed(chunk)
    return time.perf_counter() - start, time.process_time() - cpu


def _percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, int(pct) - 1))]


def report(m: GuiMeasurement) -> list[str]:
    """The lines ``bench --gui`` prints: what was measured, then a verdict per limit."""
    verdict = "ok" if m.ok else "FAILED"
    passes = " and ".join(f"{wall:.2f}" for wall, _cpu in m.engine_passes)
    lines = [
        f"Mojiscope bench --gui: {m.bytes_sent:,} bytes of go test -v output through a pty into the main window "
        f"(Qt platform: {m.platform})",
        f"arrived        {m.bytes_received:,} bytes in {m.chunks:,} reads, "
        f"sha256 {'matches' if m.intact else 'DIFFERS'}",
        f"duration       {m.seconds:.2f} s ({m.mb_s:.2f} MB/s through the window); CPU {m.cpu_seconds:.2f} s",
        f"engine alone   {m.engine_wall_seconds:.2f} s ({m.engine_seconds:.2f} s CPU) on the same reads, the faster "
        f"of {len(m.engine_passes)} passes ({passes} s): the window took {m.wall_factor:.2f}x in wall time, "
        f"{m.cpu_factor:.2f}x in CPU time (limit {MAX_ENGINE_FACTOR:g}x on both; its wall time over the engine's "
        f"CPU time {m.wall_over_engine_cpu:.2f}x)",
        f"worst stall    {m.max_stall_ms:.1f} ms (limit {MAX_STALL_MS:.0f} ms; a {PROBE_MS} ms QTimer probe, "
        f"{m.ticks:,} ticks, p99 gap {m.p99_gap_ms:.1f} ms; the app's CPU in that gap {m.max_stall_cpu_ms:.0f} ms)",
        f"frame rate     {m.fps:.1f} frames/s ({m.frames:,} repaints; limit {MIN_FPS:.0f})",
        _tests_line(m),
    ]
    if m.peers_missing:
        lines.append(f"peers          missing: {m.peers_missing}")
    for peer in m.peers:
        if peer.seconds is not None:
            cpu = f", CPU {peer.cpu_seconds:.2f} s" if peer.cpu_seconds is not None else ""
            start = f", {peer.startup_seconds:.2f} s of it start-up" if peer.startup_seconds is not None else ""
            faster = "the window is faster" if m.seconds < peer.seconds else "the window is SLOWER"
            if peer not in m.judged_peers:
                faster += " (shown, not a limit)"
            lines.append(f"peer {peer.name:<9} {peer.seconds:.2f} s on the same file under Xvfb{start}{cpu}: {faster}")
        else:
            lines.append(f"peer {peer.name:<9} {'missing: ' + peer.missing if peer.missing else peer.error}")
    lines.append(f"result         {verdict}")
    return lines


def _tests_line(m: GuiMeasurement) -> str:
    if m.tests_front:
        live = "" if m.tests_live else " (but the tab did NOT parse live: the panel was not shown)"
        return (
            f"Tests model    the Tests panel was in front{live}: parsed while output came (a slice per two frames), "
            f"caught up {m.tests_catch_up_seconds:.2f} s after the flood (CPU {m.tests_catch_up_cpu:.2f} s)"
        )
    return (
        f"Tests model    caught up {m.tests_catch_up_seconds:.2f} s after the flood (CPU {m.tests_catch_up_cpu:.2f} s; "
        "the panel was not in front, so it parsed in quiet moments)"
    )


def tests_label(front: bool) -> str:
    """How a run's Tests panel is named in the reports."""
    return "Tests in front" if front else "Tests behind"


@dataclass
class GuiRuns:
    """Several floods, each in a fresh process, one after the other (``--gui-runs``).

    Why: on a machine shared with other work, how fast the same process runs moves from one second to the next
    (measured here: the engine alone on the same 20 MB took 1.9 to 3.3 s of CPU minutes apart, and the window's
    CPU time with it), so one flood and one engine pass a few seconds later can read 1.1x or 2.4x for the same
    build.  Floods and engine passes alternate across the runs, and the ratio judged is the median of the runs'
    (each run's is already the larger of wall over wall and CPU over CPU).  Everything else is judged on the worst
    run: the longest stall, the lowest frame rate, every byte in every run, faster than the judged peer every time.
    Each run starts cold (a fresh process: the width tables, the glyph caches and the child's start are paid again).
    """

    runs: list[GuiMeasurement]

    def modes(self) -> list[bool]:
        """The Tests panel placements among the runs (``tests_front``), behind first."""
        return sorted({m.tests_front for m in self.runs})

    def mode_factor(self, tests_front: bool) -> float:
        """The median ratio of the runs with the Tests panel so placed."""
        factors = [m.engine_factor for m in self.runs if m.tests_front == tests_front]
        return statistics.median(factors) if factors else math.inf

    @property
    def engine_factor(self) -> float:
        """The ratio judged: each placement's median, the larger of them (both must be within the limit)."""
        return max((self.mode_factor(front) for front in self.modes()), default=math.inf)

    @property
    def max_stall_ms(self) -> float:
        return max((m.max_stall_ms for m in self.runs), default=math.inf)

    @property
    def fps(self) -> float:
        return min((m.fps for m in self.runs), default=0.0)

    @property
    def ok(self) -> bool:
        return (
            bool(self.runs)
            and all(m.intact and m.beats_peers and m.placed_as_asked for m in self.runs)
            and self.max_stall_ms <= MAX_STALL_MS
            and self.fps >= MIN_FPS
            and self.engine_factor <= MAX_ENGINE_FACTOR
        )


def measure_gui_runs(
    runs: int,
    size_mb: float,
    *,
    seed: int = 0,
    peers: Sequence[str] = (),
    timeout_s: float = TIMEOUT_S,
    tests: Sequence[bool] = (False,),
) -> GuiRuns:
    """``runs`` floods per Tests panel placement in ``tests`` (``tests_front``), the placements alternated, each
    ``python -m app bench --gui --gui-runs 1 --gui-tests … --json`` in a fresh process."""
    measured = []
    for _, front in itertools.product(range(runs), tests):
        argv = program_argv("bench", "--gui", "--gui-runs", "1", "--json", "--gui-size-mb", str(size_mb))
        argv += ["--seed", str(seed), "--gui-tests", "front" if front else "behind"]
        if peers:
            argv += ["--gui-peers", ",".join(peers)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s + 60, check=False)
        if done.returncode not in (0, 1):
            tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            raise PtyCaseError(tail[0].removeprefix("mojiscope bench: error: "))
        measured.append(measurement_from_json(json.loads(done.stdout)))
    return GuiRuns(measured)


def measurement_from_json(fields: dict[str, Any]) -> GuiMeasurement:
    """A :class:`GuiMeasurement` back from ``bench --gui --json`` (its computed fields are left out)."""
    names = {f.name for f in dataclasses.fields(GuiMeasurement)}
    kept = {k: v for k, v in fields.items() if k in names}
    kept["peers"] = [GuiPeer(**peer) for peer in kept.get("peers", [])]
    kept["engine_passes"] = [(wall, cpu) for wall, cpu in kept.get("engine_passes", [])]
    return GuiMeasurement(**kept)


def report_runs(r: GuiRuns) -> list[str]:
    """The lines ``bench --gui`` prints for several runs: each run in two lines, then the verdict per limit."""
    lines = []
    for n, m in enumerate(r.runs, 1):
        peers = "; ".join(f"{p.name} {p.seconds:.2f} s" for p in m.peers if p.seconds is not None)
        lines.append(
            f"run {n}  {tests_label(m.tests_front)}: {m.seconds:.2f} s wall, {m.cpu_seconds:.2f} s CPU; engine alone "
            f"{m.engine_wall_seconds:.2f} s ({m.engine_seconds:.2f} s CPU): {m.wall_factor:.2f}x wall, "
            f"{m.cpu_factor:.2f}x CPU; stall {m.max_stall_ms:.1f} ms; {m.fps:.1f} frames/s; "
            f"{'every byte' if m.intact else 'BYTES LOST'}"
            + (f"; {peers}" if peers else "")
        )
    first = r.runs[0] if r.runs else None
    if first is not None:
        lines.insert(
            0,
            f"Mojiscope bench --gui: {len(r.runs)} floods of {first.bytes_sent:,} bytes of go test -v output, each "
            f"in a fresh process (Qt platform: {first.platform})",
        )
    medians = ", ".join(f"{tests_label(front)} {r.mode_factor(front):.2f}x" for front in r.modes())
    lines += [
        f"engine ratio   median {medians} (limit {MAX_ENGINE_FACTOR:g}x on each; each run's is the larger of "
        "wall over wall and CPU over CPU)",
        f"worst stall    {r.max_stall_ms:.1f} ms over all runs (limit {MAX_STALL_MS:.0f} ms)",
        f"frame rate     {r.fps:.1f} frames/s at the lowest (limit {MIN_FPS:.0f})",
        f"result         {'ok' if r.ok else 'FAILED'}",
    ]
    return lines
