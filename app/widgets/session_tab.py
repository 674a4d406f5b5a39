"""One tab of the main window: a :class:`Session`, the :class:`TerminalView` that shows it, a status line.

Why a tab owns the wiring and not the window: every session has its own terminal, byte log, row
map and "decode as" choice, and a tab that is closed must take all of it (and its child process)
with it. The window only routes the *current* tab to the shared panels (Bytes, Session info).

Flow (DESIGN §1): the session pumps bytes into its ByteLog and Terminal on the asyncio loop (the
Qt loop, through qasync) and tells its subscribers; the tab's subscriber updates the row map,
feeds the "decode as" terminal if one is shown, and asks the view to repaint — the view coalesces
repaints to one per frame, so a flood of chunks costs a frame, not a paint per chunk. Keys leave
the view as bytes (``send``) and go to :meth:`Session.write`; the view's grid size goes to
:meth:`Session.resize` (the pty is told, the program gets SIGWINCH).

A replay opened for the replay bar holds at its end (it can still be sought back), so its session
never "exits": the tab counts it as *ended* while the replay sits at its end (title, status line,
``exited``), and its :attr:`SessionTab.task` finishes the first time the end is reached.

"Decode as": the session's own Terminal keeps decoding with the session's encoding (its replies
to the program must not change); another code page is shown in a *shadow* Terminal, fed from the
ByteLog at once and then chunk by chunk as output arrives. Replies of the shadow are dropped.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import shlex
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from app.inspect.cell_map import CellAnswer, CellMap, Job
from app.inspect.source_map import SourceMap
from app.pty.base import SourceClosedError, SourceError, is_replay
from app.pty.probes import newest_descendant, oem_code_page
from app.session import ErrorReported, Exited, OutputReceived, ReplayReset, Resized, Session, SessionEvent
from app.vt import Terminal
from app.vt.decoder import normalize_encoding
from app.widgets.elided_label import ElidedLabel
from app.widgets.find_bar import FindBar
from app.widgets.palette import Theme
from app.widgets.plain_text import plain_tooltip
from app.widgets.qt import QtCore, QtGui, QtWidgets, Signal
from app.widgets.terminal_view import TerminalView

if TYPE_CHECKING:
    from app.gotest import GoTestRun, Marker
    from app.pty.foreground import ForegroundProgram
    from app.pty.live_switch import LiveSwitch
    from app.pty.replay import ReplaySource  # a replay's modules load with the first replay (app.pty.base.is_replay)

__all__ = ["SessionTab", "format_rate"]

T = TypeVar("T")

log = logging.getLogger(__name__)

#: Longest slice of cell ↔ bytes work per turn of the event loop (seconds): the rest of a frame is for painting.
SLICE_S = 0.008
#: How often the status line's bytes/s is refreshed (ms).
STATUS_MS = 500
#: Quiet time after which a lagging go test model catches up (ms), and the most it parses in one go (seconds).
TESTS_IDLE_MS = 50
TESTS_SLICE_S = 0.008
#: While output keeps coming and the Tests panel shows the run (no recording), the model takes at most one slice of
#: this long (seconds) per this period (ms, two frames): the terminal first.  A flood of ``go test -v`` is parsed
#: at ~9 MB/s on this VM, slower than the engine shows it; parsing all of it as it came took the window from 1.6-1.8x to
#: 2.9-3.2x the engine alone and 25 frames/s.  The tree follows behind during a flood and catches up at full speed
#: once output pauses (TESTS_IDLE_MS).  Why two frames and not one: a window that floods is short of CPU, so every
#: live slice is time the terminal loses; 3 ms per 33 ms was ~10 % of a front flood (py-spy), the largest piece a
#: flood costs in front and not behind.  Per 66 ms the model still parses ~0.4 MB/s while output floods, far more
#: than ``go test`` writes when it is not a bench's copy of a file; what the flood no longer parses is parsed in the
#: catch-up after it, at full speed (20 MB bench flood: the catch-up ~0.3 s longer; see docs/vt-engine.md).
TESTS_LIVE_SLICE_S = 0.003
TESTS_LIVE_PACE_MS = 66
#: A late timer is no proof of quiet: after a stall (a paint, a slice) the idle timer fires with the quiet time long
#: past TESTS_IDLE_MS while the pty holds output the loop had no turn to read, and an 8 ms slice then lengthened that
#: very stall (a 12.2 ms slice seen inside a 59.9 ms gap).  So the model catches up (TESTS_SLICE_S) only when the loop
#: came back to it within TESTS_QUIET_CHECK_MS + TESTS_QUIET_SLACK_MS of its last look and no output came meanwhile:
#: a loop that ran freely that long would have read what was waiting.  Otherwise it looks again TESTS_QUIET_CHECK_MS
#: later (taking only its live slice if the Tests panel shows the run).
TESTS_QUIET_CHECK_MS = 10
TESTS_QUIET_SLACK_MS = 5


def format_rate(bps: float) -> str:
    """Bytes per second for a status line: ``0 B/s``, ``812 B/s``, ``12.4 KB/s``, ``3.1 MB/s``."""
    if bps < 1000:
        return f"{bps:.0f} B/s"
    if bps < 1_000_000:
        return f"{bps / 1000:.1f} KB/s"
    return f"{bps / 1_000_000:.1f} MB/s"


def _drop_reply(_data: bytes) -> None:
    """Replies of a "decode as" terminal: the program already got its session terminal's answer."""


class SessionTab(QtWidgets.QWidget):
    """A session, its terminal view, a slot for a replay bar and a status line.

    Signals: ``output()`` after new bytes were taken in (once per turn of the loop, however many reads it took; the
    window refreshes the Bytes panel);
    ``exited(int)`` when the program ended or the replay reached its end (again after a seek back);
    ``title_changed(str)`` when the tab title should change; ``display_changed()`` when the shown
    terminal was replaced (decode as); ``session_event(object)`` every session event, after the tab
    handled it, except :class:`OutputReceived` (a flood is thousands of reads: output is told once per turn
    by ``output``); ``tests_parsed()`` when the go test model caught up with output it had left for a quiet moment.

    The go test model (:attr:`tests_run`) is fed as output arrives while :attr:`tests_live` says someone
    looks at it (the window: the Tests panel shows this tab; under a flood one slice of :data:`TESTS_LIVE_SLICE_S`
    per :data:`TESTS_LIVE_PACE_MS`, and all of it once output pauses) or the session is recorded (its markers go
    into the recording at their time).  Otherwise parsing waits for a quiet moment (:data:`TESTS_IDLE_MS`
    without output) and then catches up in slices that keep the loop free: under a flood that nobody
    watches in the Tests panel, the terminal gets the time.  Reading :attr:`tests_run` catches up at once.
    """

    output = Signal()
    exited = Signal(int)
    title_changed = Signal(str)
    display_changed = Signal()
    session_event = Signal(object)
    tests_parsed = Signal()

    def __init__(
        self,
        session: Session,
        *,
        title: str,
        profile: str,
        theme: Theme,
        font: QtGui.QFont,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.profile = profile
        self._base_title = title
        self._task: asyncio.Task[int] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._scan: asyncio.Future[None] | None = None
        self._main_map = CellMap(session.terminal, session.bytelog)
        self._shadow: Terminal | None = None
        self._shadow_map: CellMap | None = None
        self._message = ""
        self._ended_shown = False
        self._replay_bar: QtWidgets.QWidget | None = None
        #: The cell ↔ bytes question being answered in slices (a click, a selection), if any.
        self.cell_job: Job[Any] | None = None
        self._job_done: Callable[[Any], None] | None = None
        self._job_timer = QtCore.QTimer(self)
        self._job_timer.setInterval(0)
        self._job_timer.timeout.connect(self._job_slice)
        #: The session's output parsed as ``go test`` output, fed as it arrives whether or not the tab is
        #: shown: the Tests panel shows the current tab's, and every run's markers reach its recording.
        #: (made at its first use: :mod:`app.gotest` is not imported before the first prompt)
        self._tests_model: GoTestRun | None = None
        #: Reads not parsed yet, oldest first (the same bytes objects the ByteLog holds), and their size.
        self._tests_backlog: collections.deque[tuple[bytes, int]] = collections.deque()
        self._tests_backlog_bytes = 0
        #: Output the go test model may lag behind while nobody looks at it; past it, it keeps up as output comes.
        #: The backlog holds the very bytes objects the ByteLog holds, so up to the log's own cap it costs no memory
        #: while the log keeps them (and at most that cap once it dropped them): a flood that size is left to the view.
        self._tests_backlog_max = session.bytelog.cap_bytes
        self._tests_finish = False
        self._tests_last_output = 0.0
        #: Whether the go test model is wanted as output arrives (see the class docstring); the window sets it.
        self.tests_live: Callable[[], bool] = lambda: True
        self._tests_live_at = 0.0  # when the model last took its slice of a flood the Tests panel shows
        self._tests_looked_at: float | None = None  # when _on_tests_idle last ended (see TESTS_QUIET_CHECK_MS)
        self._tests_timer = QtCore.QTimer(self)
        self._tests_timer.setSingleShot(True)
        self._tests_timer.timeout.connect(self._on_tests_idle)
        #: UTF-8 as the session has it now: as started, then as the switch changed it while running.
        self.utf8_now: bool | None = session.plan.utf8 if session.plan is not None else None
        #: The last time the UTF-8 switch was applied to (or refused by) this running session.
        self.live_switch: LiveSwitch | None = None
        #: Starts this tab's command again in a new tab (set by the window for what it started; else ``None``).
        self.restart: Callable[[], SessionTab] | None = None

        self.view = TerminalView(session.terminal, self, theme=theme, font=font)
        self.view.send.connect(self._on_send)
        self.view.size_changed.connect(self._on_size_changed)
        self.find_bar = FindBar(self.view, self)

        # A long env overlay or message must not widen the window: the label ends in "…", the tooltip has it all.
        # Plain text: it shows a recording's argv and env overlay, titles, error messages (ElidedLabel is plain).
        self.status = ElidedLabel(self)
        self.status.setObjectName("sessionStatus")
        self.status.setContentsMargins(6, 2, 6, 2)

        self._replay_slot = QtWidgets.QVBoxLayout()
        self._replay_slot.setContentsMargins(0, 0, 0, 0)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(self._replay_slot)
        layout.addWidget(self.status)

        #: What follows new output — the view's frame, the find bar's search again, the ``output`` signal (the window's
        #: Bytes panel) — is told once per turn of the loop: the session takes a flood's reads several at a time
        #: (the pty is read again at once within a slice), and each only arms a timer or sets a time anyway.
        self._output_told = QtCore.QTimer(self)
        self._output_told.setSingleShot(True)
        self._output_told.setInterval(0)
        self._output_told.timeout.connect(self._tell_output)
        self._unsubscribe = session.subscribe(self._on_event)
        self._status_timer = QtCore.QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.timeout.connect(self._tick)
        self._status_timer.start()
        self.update_status()

    # ------------------------------------------------------------------ state

    @property
    def title(self) -> str:
        if not self.ended:
            return self._base_title
        if self.is_replay:
            return f"{self._base_title} (ended)"
        return f"{self._base_title} (exited {self.session.exit_status})"

    @property
    def _tests(self) -> GoTestRun:
        if self._tests_model is None:
            from app.gotest import GoTestRun

            self._tests_model = GoTestRun(self.encoding, on_marker=self._on_test_marker)
        return self._tests_model

    @_tests.setter
    def _tests(self, run: GoTestRun) -> None:
        self._tests_model = run

    @property
    def tests_run(self) -> GoTestRun:
        """The session's output parsed as ``go test`` output, up to the last byte that arrived."""
        self._parse_tests_backlog(None)
        return self._tests

    @property
    def tests_so_far(self) -> GoTestRun:
        """The same model without catching up first: what has been parsed (it grows, see ``tests_parsed``)."""
        return self._tests

    @property
    def tests_pending_bytes(self) -> int:
        """Output the go test model has not parsed yet."""
        return self._tests_backlog_bytes

    @property
    def is_replay(self) -> bool:
        return self.session.source.kind == "replay"

    @property
    def held_replay(self) -> ReplaySource | None:
        """The replay source when it holds at its end for seeking (the replay bar's), else ``None``."""
        source = self.session.source
        if not is_replay(source):
            return None
        replay = cast("ReplaySource", source)
        return replay if replay.hold_at_end else None

    @property
    def ended(self) -> bool:
        """The program exited, or the replay is at its end (a held replay may be sought back)."""
        if self.session.exit_status is not None:
            return True
        replay = self.held_replay
        return replay is not None and replay.at_end

    @property
    def replay_bar(self) -> QtWidgets.QWidget | None:
        """The widget given to :meth:`set_replay_bar`, if any."""
        return self._replay_bar

    @property
    def terminal(self) -> Terminal:
        """The Terminal on view: the session's own, or the "decode as" one."""
        return self._shadow if self._shadow is not None else self.session.terminal

    @property
    def encoding(self) -> str:
        """The code page the shown terminal decodes with."""
        return self.terminal.encoding

    @property
    def cell_map(self) -> CellMap:
        """Cell ↔ bytes of the shown terminal (see :mod:`app.inspect.cell_map`)."""
        return self._shadow_map if self._shadow_map is not None else self._main_map

    @property
    def source_map(self) -> SourceMap:
        """Row ↔ bytes map of the shown terminal."""
        return self.cell_map.source_map

    @property
    def task(self) -> asyncio.Task[int] | None:
        """The task running the session (``None`` before :meth:`start`)."""
        return self._task

    def set_replay_bar(self, widget: QtWidgets.QWidget) -> None:
        """Put a replay bar (or any control strip) between the terminal and the status line."""
        while self._replay_slot.count():
            item = self._replay_slot.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.setParent(None)
        self._replay_slot.addWidget(widget)
        self._replay_bar = widget

    # ------------------------------------------------------------------ life

    def start(self, loop: asyncio.AbstractEventLoop) -> asyncio.Task[int]:
        """Run the session on ``loop``, first sized to the view if the view has been laid out."""
        if self._task is None:
            if self.view.isVisible():
                cols, rows = self.view.grid_size()
                with contextlib.suppress(SourceError, ValueError):
                    self.session.resize(cols, rows)
            self._task = loop.create_task(self._run(), name=f"mojiscope-tab-{self._base_title}")
        return self._task

    async def _run(self) -> int:
        try:
            replay = self.held_replay
            if replay is None:
                return await self.session.run()
            # A held replay never ends its session: this task ends when the end is first reached.
            await self.session.start()
            self._scan = asyncio.ensure_future(self._scan_recording(replay))
            status = await replay.wait()
            self._check_ended()
            return status
        except (SourceError, OSError) as exc:
            self._message = f"could not start: {exc}"
            self.update_status()
            self.title_changed.emit(f"{self._base_title} (failed)")
            return -1

    @property
    def scan_done(self) -> bool:
        """The pass over a replayed file (for the replay bar) has finished, or there is none."""
        return self._scan is None or self._scan.done()

    async def _scan_recording(self, replay: ReplaySource) -> None:
        """Read the whole recording once, in slices, for the replay bar (length, markers, failures); a line that
        cannot be read is said in the status line (the replay plays up to it)."""
        from app.record.cast import CastFormatError

        try:
            summary = await replay.scan_in_slices()
        except (OSError, CastFormatError) as exc:
            self.show_message(f"could not read the whole recording: {exc}")
            return
        if summary is not None and summary.error is not None:
            self.show_message(
                f"the recording cannot be read past line {summary.error.line - 1}: {summary.error}"
            )
        elif summary is not None and summary.truncated:
            self.show_message("the recording was cut off mid-line (a crash while recording?); replayed up to there")

    async def close_session(self) -> None:
        """End the session (the child is hung up, no orphans); safe to call more than once."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        self._status_timer.stop()
        self.cancel_question()
        if self._scan is not None and not self._scan.done():
            self._scan.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scan
        try:
            await self.session.close()
        finally:
            task = self._task
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            elif task is not None and not task.cancelled():
                task.exception()  # retrieved; it was reported as an ErrorReported event
            self._unsubscribe()

    def kill_now(self) -> None:
        """Hang up the child at once, without the loop (the app is going away)."""
        with contextlib.suppress(SourceError, OSError):
            self.session.source.kill()

    # ------------------------------------------------------------------ UTF-8 switch

    def switch_utf8(self, on: bool) -> LiveSwitch | None:
        """Apply the UTF-8 switch to this running session where its shell allows (``None``: nothing to do).

        Typed lines go to the shell like keys, so they show in the terminal; the status line says what
        changed, or why nothing could be (then a restart applies it).
        """
        plan = self.session.plan
        if plan is None or self.is_replay or not self.session.running or self.utf8_now == on:
            return None
        from app.pty.live_switch import LiveSwitch, plan_live_switch  # a user's switch: not loaded at start-up

        switch = plan_live_switch(
            plan, on, shell_in_foreground=self._shell_in_foreground(), oem_code_page=oem_code_page()
        )
        if switch.possible:
            try:
                for line in switch.typed:
                    self.session.write((line + "\r").encode(self.session.terminal.encoding, "replace"))
                iutf8 = getattr(self.session.source, "iutf8", None)
                if switch.iutf8 is not None and callable(iutf8):
                    iutf8(switch.iutf8)
            except (SourceError, OSError) as exc:
                switch = LiveSwitch(on, reason=f"the session did not take it ({exc})")
            else:
                self.utf8_now = on
        self.live_switch = switch
        self.show_message(switch.describe()[0] + ("" if switch.possible else " (Session ▸ Restart session)"))
        return switch

    def running_program(self) -> ForegroundProgram | None:
        """What closing this tab would end: the program in the session's foreground (``None`` for a replay, a
        finished session, or a shell idle at its prompt). See :mod:`app.pty.foreground`."""
        if self.is_replay or not self.session.running:
            return None
        source = self.session.source
        plan = self.session.plan
        foreground = getattr(source, "foreground_pid", None)
        group = foreground() if callable(foreground) else None
        from app.pty.foreground import foreground_program  # asked when tabs close: not loaded at start-up

        return foreground_program(source.pid, shell=plan is not None and plan.interactive, foreground_group=group)

    def _shell_in_foreground(self) -> bool:
        """The shell itself holds the terminal: the tty's foreground group is the shell's, or (no such
        notion, ConPTY) the shell is its own newest descendant, the probes' stand-in for the foreground."""
        source = self.session.source
        pid = source.pid
        if pid is None:
            return False
        foreground = getattr(source, "foreground_pid", None)
        group = foreground() if callable(foreground) else None
        return bool((group if group is not None else newest_descendant(pid)) == pid)

    # ------------------------------------------------------------------ decode as

    def decode_as(self, encoding: str) -> None:
        """Show the session's bytes decoded with ``encoding`` (re-decoded from the ByteLog)."""
        name = normalize_encoding(encoding)
        main = self.session.terminal
        if name == normalize_encoding(main.encoding):
            self._shadow = self._shadow_map = None
        else:
            shadow = Terminal(
                cols=main.cols, rows=main.rows, scrollback=main.scrollback, encoding=name, reflow=main.reflow
            )
            shadow.on_reply = _drop_reply
            shadow_map = CellMap(shadow, self.session.bytelog)
            for chunk in self.session.bytelog:
                shadow.feed(chunk.data)
                shadow_map.record(chunk.offset, chunk.data)
            self._shadow, self._shadow_map = shadow, shadow_map
        self._tests_backlog.clear()
        self._tests_backlog_bytes = 0
        self._tests = self._parse_tests(self.encoding)
        self.cancel_question()  # a question about the cells of the terminal no longer shown
        # Shown in the chosen code page; keys and pastes still go out in the session's own (its terminal's).
        self.view.set_terminal(self.terminal, input_terminal=self.session.terminal)
        self.find_bar.set_view(self.view)  # the matches of the text as it now reads
        self.view.refresh()
        self.update_status()
        self.display_changed.emit()

    def _parse_tests(self, encoding: str) -> GoTestRun:
        """The whole ByteLog parsed again as go test output (a new code page); no markers: they were written."""
        from app.gotest import GoTestRun

        run = GoTestRun(encoding)
        for chunk in self.session.bytelog:
            run.feed(chunk.data, chunk.offset)
        if self.ended:
            run.finish()
        run.on_marker = self._on_test_marker
        return run

    def _on_test_marker(self, marker: Marker) -> None:
        """A test started or failed: a bookmark in this session's recording (if it records)."""
        self.session.mark(marker.label)

    def _parse_tests_backlog(self, budget_s: float | None, keep: int = 0) -> bool:
        """Parse waiting reads, oldest first, until at most ``keep`` bytes wait or ``budget_s`` seconds passed
        (``None``: no limit); then take the last line if the session ended.  True when nothing is left."""
        backlog, run = self._tests_backlog, self._tests
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        while self._tests_backlog_bytes > keep:
            data, offset = backlog.popleft()
            self._tests_backlog_bytes -= len(data)
            run.feed(data, offset)
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if backlog:
            return False
        if self._tests_finish:
            self._tests_finish = False
            run.finish()
        return True

    def _on_tests_idle(self) -> None:
        """A quiet moment: catch the go test model up, a slice at a time (not while output keeps coming)."""
        now = time.monotonic()
        quiet_ms = (now - self._tests_last_output) * 1000
        if quiet_ms < TESTS_IDLE_MS and not (self.tests_live() or self.session.recording):
            self._tests_timer.start(int(TESTS_IDLE_MS - quiet_ms) + 1)
            return
        flooding = quiet_ms < TESTS_IDLE_MS and not self.session.recording
        if not flooding and not self.session.recording and not self._quiet_seen(now):
            # Quiet only by a late timer: look again soon, with the live slice meanwhile if the panel shows the run.
            if self.tests_live() and self._live_wait_ms() <= 0:
                self._live_slice()
                self.tests_parsed.emit()
            self._tests_timer.start(TESTS_QUIET_CHECK_MS)
            self._tests_looked_at = time.monotonic()
            return
        if flooding:  # the panel shows it and output keeps coming: one slice per period
            wait_ms = self._live_wait_ms()
            if wait_ms > 0:
                self._tests_timer.start(int(wait_ms) + 1)
                self._tests_looked_at = time.monotonic()
                return
            done = self._live_slice()
        else:
            done = self._parse_tests_backlog(TESTS_SLICE_S)
        self.tests_parsed.emit()
        if not done:
            self._tests_timer.start(TESTS_LIVE_PACE_MS if flooding else 0)
        self._tests_looked_at = time.monotonic()

    def _quiet_seen(self, now: float) -> bool:
        """Whether the loop ran freely since this timer last ended: it came back within TESTS_QUIET_CHECK_MS +
        TESTS_QUIET_SLACK_MS (see there).  Asked only once TESTS_IDLE_MS (longer) passed without output, so no read
        was told meanwhile either."""
        looked = self._tests_looked_at
        return looked is not None and (now - looked) * 1000 <= TESTS_QUIET_CHECK_MS + TESTS_QUIET_SLACK_MS

    def _live_wait_ms(self) -> float:
        """How long until the model may take its next slice of a flood the Tests panel shows (ms; 0 or less: now)."""
        return TESTS_LIVE_PACE_MS - (time.monotonic() - self._tests_live_at) * 1000

    def _live_slice(self) -> bool:
        """The model's slice of a flood the Tests panel shows; True when nothing is left."""
        self._tests_live_at = time.monotonic()
        return self._parse_tests_backlog(TESTS_LIVE_SLICE_S)

    def _take_tests_output(self, data: bytes, offset: int) -> None:
        """One read for the go test model: queued; whether it is parsed now or in a quiet moment is decided once
        per turn of the loop (:meth:`_tests_turn`), not per read.  Only the bound is kept per read."""
        self._tests_backlog.append((data, offset))
        self._tests_backlog_bytes += len(data)
        if self._tests_backlog_bytes > self._tests_backlog_max:  # it must not lag without bound, whoever looks
            self._parse_tests_backlog(None, keep=self._tests_backlog_max)

    def _tests_turn(self) -> None:
        """After the reads of one turn of the loop: parse them now for a recording's markers, a slice of them if the
        Tests panel shows them (:data:`TESTS_LIVE_PACE_MS`), else leave them for a quiet moment."""
        self._tests_last_output = time.monotonic()
        if self.session.recording:  # its markers go into the recording at their time: parsed as it comes
            if not self._parse_tests_backlog(TESTS_SLICE_S):
                self._tests_timer.start(0)
            return
        if self.tests_live():  # the panel shows it: a slice per TESTS_LIVE_PACE_MS at most, the rest in quiet moments
            done = self._live_wait_ms() <= 0 and self._live_slice()
            if not done and not self._tests_timer.isActive():
                self._tests_timer.start(TESTS_LIVE_PACE_MS)
            return
        if not self._tests_timer.isActive():  # not restarted per turn: it looks again when it fires (_on_tests_idle)
            self._tests_timer.start(TESTS_IDLE_MS)

    # ------------------------------------------------------------------ cell ↔ bytes

    def bytes_of_cell(self, abs_row: int, col: int) -> tuple[int, int] | None:
        """The bytes that last wrote the cell (answered to the end, at once: for tests and headless use; the
        window asks in slices with :meth:`ask`). ``None``: a blank cell, or no bytes known."""
        return self.cell_map.locate(abs_row, col).run().span

    def locate_cell(self, abs_row: int, col: int) -> CellAnswer:
        """The whole answer for a cell, at once (see :class:`app.inspect.cell_map.CellAnswer`)."""
        return self.cell_map.locate(abs_row, col).run()

    def cells_of_bytes(self, start: int, end: int) -> list[tuple[int, int]]:
        """The cells on view whose last writer overlaps ``[start, end)``, at once (the window uses :meth:`ask`)."""
        return self.cell_map.cells_of(start, end).run()

    def ask(self, job: Job[T], on_done: Callable[[T], None]) -> bool:
        """Answer ``job`` without blocking a frame: a slice of :data:`SLICE_S` now (a row of plain output is
        answered in it), then one per turn of the event loop; ``on_done(result)`` when done. A new question
        cancels the one still running. Returns whether it was answered at once."""
        self.cancel_question()
        if job.step(time.monotonic() + SLICE_S):
            on_done(job.result)
            return True
        self.cell_job = job
        self._job_done = on_done
        self._job_timer.start()
        return False

    def cancel_question(self) -> None:
        """Drop the question still being answered (a new click, the tab closing)."""
        if self.cell_job is not None:
            self.cell_job.cancel()
        self.cell_job = None
        self._job_done = None
        self._job_timer.stop()

    def _job_slice(self) -> None:
        job, done = self.cell_job, self._job_done
        if job is None or done is None:
            self._job_timer.stop()
            return
        if job.step(time.monotonic() + SLICE_S):
            self.cell_job = self._job_done = None
            self._job_timer.stop()
            done(job.result)

    # ------------------------------------------------------------------ events

    def _on_event(self, event: SessionEvent) -> None:
        self._handle_event(event)
        if type(event) is not OutputReceived:  # output is told once per turn, as ``output`` (see _tell_output)
            self.session_event.emit(event)

    def _handle_event(self, event: SessionEvent) -> None:
        if isinstance(event, OutputReceived):
            self._take_tests_output(event.data, event.offset)
            self._main_map.record(event.offset, event.data)
            if self._shadow is not None and self._shadow_map is not None:
                self._shadow.feed(event.data)
                self._shadow_map.record(event.offset, event.data)
            if not self._output_told.isActive():  # once per turn of the loop, not per read (see _tell_output)
                self._output_told.start()
        elif isinstance(event, Resized):
            reflowed = self._main_map.follow_reflow(self.session.terminal.take_reflow())
            if self._shadow is not None and self._shadow_map is not None:
                self._shadow.resize(event.cols, event.rows)
                reflowed = self._shadow_map.follow_reflow(self._shadow.take_reflow()) or reflowed
                self._shadow_map.resized()
            self._main_map.resized()
            if reflowed:  # rows moved: what was lit, selected or being asked by row and column is elsewhere now
                self.cancel_question()
                self.view.clear_selection()
                self.view.set_highlight([])
                self.find_bar.output_arrived()
            self.view.refresh()
            self.update_status()
        elif isinstance(event, ReplayReset):
            self._tests_model = None  # a fresh model at its next use
            self._tests_backlog.clear()
            self._tests_backlog_bytes = 0
            self._tests_finish = False
            if self._shadow is not None and self._shadow_map is not None:
                self._shadow.reset()
                if event.size is not None:
                    self._shadow.resize(*event.size)
                self._shadow_map.clear()
            self._main_map.clear()
            self.view.refresh()
            self.output.emit()
            self._check_ended()
        elif isinstance(event, Exited):
            self._finish_tests()
            self.view.refresh()
            self._ended_shown = True
            self.update_status()
            self.title_changed.emit(self.title)
            self.exited.emit(event.status)
        elif isinstance(event, ErrorReported):
            self._message = event.message
            self.update_status()

    def _tell_output(self) -> None:
        """New output was taken in since the last turn of the loop (see ``_output_told``)."""
        self.view.refresh()
        self.find_bar.output_arrived()
        if self._tests_backlog:
            self._tests_turn()
        self.output.emit()

    def _finish_tests(self) -> None:
        """The output ended: the model takes its last line once it has caught up (now, or in quiet slices)."""
        self._tests_finish = True
        if not self._parse_tests_backlog(TESTS_SLICE_S):
            self._tests_timer.start(0)

    def _on_send(self, data: bytes) -> None:
        if not self.session.running:
            self._message = "the program has ended: input is not sent (open a new session)"
            self.update_status()
            return
        try:
            self.session.write(data)
        except SourceClosedError as exc:
            self._message = str(exc)
            self.update_status()

    def _check_ended(self) -> None:
        """A held replay reached its end (or left it by a seek back): title, status line, ``exited``."""
        if self.held_replay is None or self.session.exit_status is not None:
            return
        ended = self.ended
        if ended == self._ended_shown:
            return
        self._ended_shown = ended
        self.view.refresh()
        self.update_status()
        self.title_changed.emit(self.title)
        if ended:
            self._finish_tests()
            replay = self.held_replay
            status = replay.returncode if replay is not None else None
            self.exited.emit(status if status is not None else 0)

    def _tick(self) -> None:
        self._check_ended()
        self.update_status()

    def set_reflow(self, on: bool) -> None:
        """Whether this tab's terminals re-wrap their lines when the width changes."""
        self.session.terminal.reflow = on
        if self._shadow is not None:
            self._shadow.reflow = on

    def _on_size_changed(self, cols: int, rows: int) -> None:
        if self.ended and self.is_replay:
            return  # an ended replay keeps the screen it ended with
        try:
            self.session.resize(cols, rows)
        except (SourceError, ValueError) as exc:
            self._message = f"resize failed: {exc}"
        self.update_status()

    # ------------------------------------------------------------------ status line

    def plan_summary(self) -> str:
        """What the session was started with beyond the plain command: env overlay, startup, tty flags."""
        plan = self.session.plan
        if plan is not None:
            parts = [f"UTF-8 {'on' if plan.utf8 else 'off'}"]
            if self.utf8_now is not None and self.utf8_now != plan.utf8:
                parts[0] = f"UTF-8 {'on' if self.utf8_now else 'off'} (switched while running; started {parts[0][6:]})"
            if plan.overlay:
                parts.append("env " + " ".join(f"{k}={v}" for k, v in plan.overlay.items()))
            parts += [f"startup: {cmd}" for cmd in plan.startup_commands]
            parts += [f"tty {flag}" for flag in plan.flags]
            return " · ".join(parts)
        source = self.session.source
        meta = cast("ReplaySource", source).header.mojiscope if is_replay(source) else None
        if isinstance(meta, dict):
            parts = []
            argv = meta.get("argv")
            if isinstance(argv, list):
                parts.append("recorded: " + shlex.join(str(a) for a in argv))
            overlay = meta.get("env_overlay")
            if isinstance(overlay, dict) and overlay:
                parts.append("env " + " ".join(f"{k}={v}" for k, v in overlay.items()))
            return " · ".join(parts)
        return ""

    def status_text(self) -> str:
        term = self.session.terminal
        backend = self.session.source.kind
        parts = [self.profile] if self.profile == backend else [self.profile, backend]
        parts += [f"{term.cols}×{term.rows}", self.encoding]
        if self.encoding != term.encoding:
            parts[-1] = f"{self.encoding} (decode as; session {term.encoding})"
        parts.append(format_rate(self.session.bytes_per_second))
        if self.ended:
            parts.append("replay ended" if self.is_replay else f"exited with {self.session.exit_status}")
        recorder = self.session.recorder
        if self.session.recording and recorder is not None and recorder.path is not None:
            parts.append(f"● recording to {recorder.path.name}")
        dropped = self.session.bytelog.dropped_bytes
        if dropped:
            parts.append(f"{dropped} oldest bytes dropped (memory cap)")
        overflowed = self.session.replies_overflowed
        if overflowed:
            parts.append(f"{overflowed:,} replies to the program dropped (it does not read its input)")
        if self._message:
            parts.append(self._message)
        summary = self.plan_summary()
        if summary:
            parts.append(summary)
        return " · ".join(parts)

    def show_message(self, text: str) -> None:
        """A note at the end of the status line (what a click selected, why input was not sent)."""
        self._message = text
        self.update_status()

    def update_status(self) -> None:
        text = self.status_text()
        if text != self.status.text():
            self.status.setText(text)
            self.status.setToolTip(plain_tooltip(text.replace(" · ", "\n")))
