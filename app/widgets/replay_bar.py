"""``ReplayBar``: the controls under the terminal when a session plays back a ``.cast`` recording.

Why the bar is so thin: everything that moves bytes lives in :class:`~app.pty.replay.ReplaySource`
(timing, pause, step, seek, speed) and :class:`~app.session.Session` (reset on a backward seek, feed
the Terminal and the ByteLog), and the session's pump runs as an asyncio task on the Qt loop
(qasync).  The bar only *calls* the source's control methods, which return at once, and *reads*
its position from a :class:`QTimer`; it never awaits and never feeds anything, so it cannot block
the UI and cannot disagree with what the terminal shows.  The owner (the main window) repaints the
terminal from the session's events as for a live session.

What it offers: play/pause, speed (0.25x … 16x and "instant"), step one output chunk forward or
back, a timeline (seek when the handle is released, click anywhere on it to jump there, marker
ticks, failures in red), "12.3 s / 45.6 s" and "17 / 230" (chunks shown / chunks in the
recording), previous/next marker and next failure.

Failures are the recording's markers whose label starts with ``FAIL`` or contains ``--- FAIL`` (the
Tests panel writes them); a recording without any such marker (made by another tool, or before
the Tests panel existed) is scanned for ``--- FAIL:`` lines instead, so "next failure" still works
on any recording of ``go test -v``.

Stepping back: a terminal cannot run backwards, so "back" is a seek to the time of the previous
chunk; the source then rebuilds the screen from the start.  Chunks that share one time stamp
(two streams read together) can only be stepped back over together.

Keys: Space plays/pauses, Right steps forward, Left steps back, wherever the focus is inside the
bar; :meth:`ReplayBar.watch_keys` gives the same keys to another widget (the terminal view of a
replay, where no program listens to keystrokes anyway).
"""

from __future__ import annotations

import math
from typing import Any

from app.pty.base import SourceClosedError
from app.pty.replay import Failure, ReplaySource, ReplaySummary, find_failures, is_failure_label
from app.record.cast import MarkerEvent, OutputEvent, Recording, ResizeEvent
from app.widgets.plain_text import plain_label, plain_tooltip
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal

__all__ = [
    "POLL_MS",
    "SPEEDS",
    "Failure",
    "ReplayBar",
    "chunk_times",
    "find_failures",
    "format_position",
    "is_failure_label",
]

#: How often the bar reads the replay's position: often enough that the time label runs smoothly,
#: rarely enough to cost nothing next to a flood of output.
POLL_MS = 50

#: Speeds offered, as (label, factor); infinity is "instant" (every chunk as soon as it is read).
SPEEDS: tuple[tuple[str, float], ...] = (
    ("0.25×", 0.25),
    ("0.5×", 0.5),
    ("1×", 1.0),
    ("2×", 2.0),
    ("4×", 4.0),
    ("8×", 8.0),
    ("16×", 16.0),
    ("instant", math.inf),
)

#: The timeline counts milliseconds (QSlider takes ints, at most 2**31 - 1): about 24 days; a longer
#: recording (a recording may last ten years, see ``app.record.cast.MAX_TIME``) gets coarser ticks.
_MS = 1000.0
_MAX_TICKS = 2**31 - 1

#: Failures on the timeline and in the status: the red a user already reads as "FAIL".
FAIL_COLOUR = QtGui.QColor(220, 50, 47)


# --------------------------------------------------------------------------- headless helpers


def chunk_times(recording: Recording) -> list[float]:
    """The time at which each output chunk is delivered, as :class:`ReplaySource` schedules it.

    The source plays items (outputs and resizes) at the running maximum of their times, so a
    recording with a time going backwards still plays in file order; seeking to one of these times
    shows exactly the chunks up to it (and any later ones with the same time).
    """
    times: list[float] = []
    latest = 0.0
    for event in recording.events:
        if isinstance(event, (OutputEvent, ResizeEvent)):
            latest = max(latest, event.t)
            if isinstance(event, OutputEvent):
                times.append(latest)
    return times


def format_position(position: float, duration: float) -> str:
    """``"12.3 s / 45.6 s"``: tenths are what a user can act on; more digits would only flicker."""
    return f"{position:.1f} s / {duration:.1f} s"


# --------------------------------------------------------------------------- timeline


class _AbsoluteClickStyle(QtWidgets.QProxyStyle):
    """A left click on the groove moves the handle there (media-player habit) instead of paging."""

    def styleHint(
        self,
        hint: QtWidgets.QStyle.StyleHint,
        option: QtWidgets.QStyleOption | None = None,
        widget: QtWidgets.QWidget | None = None,
        returnData: QtWidgets.QStyleHintReturn | None = None,
    ) -> int:
        if hint == QtWidgets.QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return Qt.MouseButton.LeftButton.value
        return super().styleHint(hint, option, widget, returnData)


class _Timeline(QtWidgets.QSlider):
    """The time slider (milliseconds) with a tick per marker; failures in red, so they are easy to find."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._style = _AbsoluteClickStyle()
        self._style.setParent(self)
        self.setStyle(self._style)
        self._marks: list[tuple[int, bool]] = []
        self.setMinimumWidth(120)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)

    def set_marks(self, marks: list[tuple[int, bool]]) -> None:
        """``(tick, is_failure)`` for each marker to draw, in the slider's own units."""
        self._marks = [(min(max(tick, self.minimum()), self.maximum()), failure) for tick, failure in marks]
        self.update()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._marks or self.maximum() <= self.minimum():
            return
        opt = QtWidgets.QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        groove = style.subControlRect(
            QtWidgets.QStyle.ComplexControl.CC_Slider, opt, QtWidgets.QStyle.SubControl.SC_SliderGroove, self
        )
        handle = style.subControlRect(
            QtWidgets.QStyle.ComplexControl.CC_Slider, opt, QtWidgets.QStyle.SubControl.SC_SliderHandle, self
        )
        span = max(1, groove.width() - handle.width())
        x0 = groove.x() + handle.width() // 2
        painter = QtGui.QPainter(self)
        try:
            normal = self.palette().color(QtGui.QPalette.ColorRole.Highlight)
            failed = FAIL_COLOUR
            for ms, failure in sorted(self._marks, key=lambda m: m[1]):  # failures drawn last, on top
                x = x0 + QtWidgets.QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), ms, span)
                painter.fillRect(QtCore.QRect(x - 1, 0, 3, 4), failed if failure else normal)
                painter.fillRect(QtCore.QRect(x - 1, self.height() - 4, 3, 4), failed if failure else normal)
        finally:
            painter.end()


# --------------------------------------------------------------------------- the bar


class ReplayBar(QtWidgets.QWidget):
    """Controls for one :class:`ReplaySource` (see the module docstring for why it only calls and polls).

    Use: create the source with ``hold_at_end=True`` (so it can still be sought after its last chunk),
    give it to a :class:`~app.session.Session` whose pump runs on the qasync loop, then
    :meth:`set_source`.  ``set_source(None)`` detaches (a live tab).

    Signals:
      ``jumped(seconds, label)``: a marker or failure was jumped to (the owner may flash or scroll to it).
    """

    jumped = Signal(float, str)

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._source: ReplaySource | None = None
        self._markers: list[MarkerEvent] = []
        self._failures: list[Failure] = []
        self._summary: ReplaySummary | None = None
        self._per_second = _MS  # timeline ticks per second of recording
        self._range_for = -1.0  # the duration the timeline's range was set for
        self._dragging = False

        style = self.style()
        icon = QtWidgets.QStyle.StandardPixmap

        def button(pixmap: QtWidgets.QStyle.StandardPixmap | None, text: str, tip: str) -> QtWidgets.QToolButton:
            b = QtWidgets.QToolButton(self)
            if pixmap is not None:
                b.setIcon(style.standardIcon(pixmap))
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            if text:
                b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            return b

        self.previous_marker_button = button(icon.SP_MediaSkipBackward, "", "Previous marker")
        self.back_button = button(icon.SP_MediaSeekBackward, "", "Step back one chunk (Left)")
        self.play_button = button(icon.SP_MediaPlay, "", "Play (Space)")
        self.step_button = button(icon.SP_MediaSeekForward, "", "Step one chunk (Right)")
        self.next_marker_button = button(icon.SP_MediaSkipForward, "", "Next marker")
        self.next_failure_button = button(None, "Next FAIL", "Jump to the next failing test")
        self.next_failure_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        self.speed_box = QtWidgets.QComboBox(self)
        for name, value in SPEEDS:
            self.speed_box.addItem(name, value)
        self.speed_box.setToolTip("Replay speed")
        self.speed_box.setCurrentIndex(self._speed_index(1.0))

        self.timeline = _Timeline(self)
        self.timeline.setToolTip("Drag or click to seek")
        digits = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.position_label = QtWidgets.QLabel(self)
        self.position_label.setFont(digits)
        self.position_label.setToolTip("Replay time / recording length")
        self.chunk_label = QtWidgets.QLabel(self)
        self.chunk_label.setFont(digits)
        self.chunk_label.setToolTip("Output chunks shown / chunks in the recording")
        self.status_label = plain_label(parent=self)  # marker labels and output lines, from the file
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setMaximumWidth(320)

        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        controls: list[QtWidgets.QWidget] = [
            self.previous_marker_button,
            self.back_button,
            self.play_button,
            self.step_button,
            self.next_marker_button,
            self.next_failure_button,
            self.speed_box,
        ]
        for control in controls:
            layout.addWidget(control)
        layout.addSpacing(6)
        layout.addWidget(self.timeline, 1)
        layout.addSpacing(6)
        layout.addWidget(self.position_label)
        for readout in (self.chunk_label, self.status_label):
            separator = QtWidgets.QFrame(self)
            separator.setFrameShape(QtWidgets.QFrame.Shape.VLine)
            separator.setFrameShadow(QtWidgets.QFrame.Shadow.Sunken)
            layout.addSpacing(4)
            layout.addWidget(separator)
            layout.addSpacing(4)
            layout.addWidget(readout)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)

        self.play_button.clicked.connect(self.toggle_play)
        self.step_button.clicked.connect(self.step_forward)
        self.back_button.clicked.connect(self.step_back)
        self.previous_marker_button.clicked.connect(self.previous_marker)
        self.next_marker_button.clicked.connect(self.next_marker)
        self.next_failure_button.clicked.connect(self.next_failure)
        self.speed_box.activated.connect(self._speed_chosen)
        self.timeline.sliderPressed.connect(self._drag_started)
        self.timeline.sliderMoved.connect(self._dragged)
        self.timeline.sliderReleased.connect(self._drag_released)
        self.timeline.actionTriggered.connect(self._timeline_action)

        for child in (self, *self.findChildren(QtWidgets.QWidget)):
            self.watch_keys(child)

        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ attaching

    @property
    def source(self) -> ReplaySource | None:
        return self._source

    def set_source(self, source: ReplaySource | None) -> None:
        """Control ``source`` from now on (``None``: nothing to control, the bar is disabled)."""
        self._source = source
        self._dragging = False
        self._summary = None
        self._markers, self._failures = [], []
        self._range_for = -1.0
        if source is None:
            self._timer.stop()
        else:
            self.speed_box.setCurrentIndex(self._speed_index(source.speed))
            if self.isVisible():
                self._timer.start()
        self._set_status("")
        self.refresh()

    def _take_summary(self, summary: ReplaySummary | None) -> None:
        """The whole recording was read (see :meth:`ReplaySource.scan`): markers, failures, the timeline's range."""
        self._summary = summary
        if summary is None:
            return
        self._markers = sorted(summary.markers, key=lambda m: m.t)
        self._failures = _distinct_times(summary.failures)
        self._range_for = -1.0
        self._update_range(summary.duration)
        if summary.error is not None:
            self._set_status(f"replayable up to line {summary.error.line - 1}: {summary.error}")

    def _update_range(self, duration: float) -> None:
        if duration == self._range_for:
            return
        self._range_for = duration
        self._per_second = _MS if duration * _MS <= _MAX_TICKS else _MAX_TICKS / duration
        self.timeline.setRange(0, self._ticks(duration))
        marks = [(self._ticks(m.t), is_failure_label(m.label)) for m in self._markers]
        if not any(failure for _, failure in marks):
            marks += [(self._ticks(f.t), True) for f in self._failures]
        self.timeline.set_marks(marks)

    def _ticks(self, seconds: float) -> int:
        return min(_MAX_TICKS, round(max(seconds, 0.0) * self._per_second))

    def _seconds(self, ticks: int) -> float:
        return ticks / self._per_second

    @property
    def markers(self) -> list[MarkerEvent]:
        """The recording's markers in time order."""
        return list(self._markers)

    @property
    def failures(self) -> list[Failure]:
        """Where "next failure" can go: failure markers, or the scanned ``--- FAIL:`` lines (one per time)."""
        return list(self._failures)

    # ------------------------------------------------------------------ controls

    def play(self) -> None:
        """Play on; at the end, play again from the start (what a user pressing play there wants)."""
        source = self._source
        if source is None:
            return
        if source.at_end and not self._seek(0.0):
            return
        source.resume()
        self.refresh()

    def pause(self) -> None:
        if self._source is not None:
            self._source.pause()
            self.refresh()

    def toggle_play(self) -> None:
        if self._source is None:
            return
        if self._source.paused or self._source.at_end:
            self.play()
        else:
            self.pause()

    def step_forward(self) -> None:
        """Show the next output chunk and stay paused."""
        source = self._source
        if source is None or not source.has_next:
            return
        source.step()
        self.refresh()

    def step_back(self) -> None:
        """Go back one chunk (paused): a seek to the latest time before the last chunk shown.

        Seeking by time delivers every chunk up to that time, so the target is the last chunk whose
        time is *strictly* earlier than the last one shown; with none, the start (an empty screen
        unless the first chunk came at 0 s).
        """
        source = self._source
        if source is None:
            return
        if source.next_index == 0:
            return
        source.pause()
        self._seek(source.previous_chunk_time())

    def seek(self, t: float) -> None:
        """Jump to recording time ``t``, playing or paused as before."""
        self._seek(t)

    def set_speed(self, speed: float) -> None:
        """Play at ``speed`` times the recorded pace (``math.inf``: instant); the menu follows."""
        if self._source is not None:
            self._source.speed = speed
        self.speed_box.setCurrentIndex(self._speed_index(speed))
        self.refresh()

    def next_marker(self) -> bool:
        """Jump (paused) to the first marker not yet reached; False if there is none."""
        for marker in self._markers:
            if self._ahead(marker.t):
                return self._jump(marker.t, marker.label)
        self._set_status("no later marker")
        return False

    def previous_marker(self) -> bool:
        """Jump (paused) to the last marker before the current time; False if there is none."""
        if self._source is None:
            return False
        position = self._source.position
        for marker in reversed(self._markers):
            if marker.t < position - 1e-9:
                return self._jump(marker.t, marker.label)
        self._set_status("no earlier marker")
        return False

    def next_failure(self) -> bool:
        """Jump (paused, so it stays on screen) to the next failure; False if there is none."""
        for failure in self._failures:
            if self._ahead(failure.t):
                return self._jump(failure.t, failure.label)
        self._set_status("no later failure" if self._failures else "no failures in this recording")
        return False

    def watch_keys(self, widget: QtWidgets.QWidget) -> None:
        """Give ``widget`` the bar's keys (Space, Right, Left without modifiers) while it has the focus.

        An event filter rather than a QShortcut: the terminal view claims every key for the program
        (ShortcutOverride), and in a replay there is no program, so the filter takes them first.
        """
        widget.installEventFilter(self)

    def unwatch_keys(self, widget: QtWidgets.QWidget) -> None:
        widget.removeEventFilter(self)

    # ------------------------------------------------------------------ display

    def refresh(self) -> None:
        """Read the source and show it: button states, time, chunk count, the timeline's handle."""
        source = self._source
        enabled = source is not None
        for widget in (
            self.play_button,
            self.step_button,
            self.back_button,
            self.previous_marker_button,
            self.next_marker_button,
            self.speed_box,
            self.timeline,
        ):
            widget.setEnabled(enabled)
        self.next_failure_button.setEnabled(enabled and bool(self._failures))
        self.previous_marker_button.setEnabled(enabled and bool(self._markers))
        self.next_marker_button.setEnabled(enabled and bool(self._markers))
        if source is None:
            self.position_label.setText(format_position(0.0, 0.0))
            self.chunk_label.setText("0 / 0")
            self._show_playing(False)
            return
        if source.summary is not self._summary:
            self._take_summary(source.summary)
            self.next_failure_button.setEnabled(bool(self._failures))
            self.previous_marker_button.setEnabled(bool(self._markers))
            self.next_marker_button.setEnabled(bool(self._markers))
        duration = source.duration
        self._update_range(duration)
        playing = not source.paused and not source.at_end
        self._show_playing(playing)
        shown = source.next_index
        self.step_button.setEnabled(source.has_next)
        self.back_button.setEnabled(shown > 0)
        total = source.chunk_count
        self.chunk_label.setText(f"{shown} / {total if total is not None else '…'}")
        if not self._dragging:
            position = source.position
            self.position_label.setText(format_position(position, duration))
            self.timeline.blockSignals(True)
            try:
                self.timeline.setValue(self._ticks(position))
            finally:
                self.timeline.blockSignals(False)

    def _set_status(self, text: str, *, failure: bool = False) -> None:
        """The last jump's label (a failure in red, like its tick on the timeline) or why nothing happened."""
        self.status_label.setText(text)
        self.status_label.setToolTip(plain_tooltip(text))
        self.status_label.setStyleSheet(f"color: {FAIL_COLOUR.name()};" if failure else "")

    def _show_playing(self, playing: bool) -> None:
        pixmap = (
            QtWidgets.QStyle.StandardPixmap.SP_MediaPause if playing else QtWidgets.QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(pixmap))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")
        self.play_button.setText("Pause" if playing else "Play")

    # ------------------------------------------------------------------ events

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        """Poll only while on view: a replay in a background tab costs nothing."""
        super().showEvent(event)
        if self._source is not None:
            self._timer.start()
        self.refresh()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind in (QtCore.QEvent.Type.ShortcutOverride, QtCore.QEvent.Type.KeyPress) and isinstance(
            event, QtGui.QKeyEvent
        ):
            action = self._key_action(event)
            if action is not None and self._source is not None:
                if kind == QtCore.QEvent.Type.ShortcutOverride:
                    event.accept()  # ours: deliver it as a key press, not as some window shortcut
                else:
                    action()
                return True
        return super().eventFilter(watched, event)

    def _key_action(self, event: QtGui.QKeyEvent) -> Any:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return None
        return {
            Qt.Key.Key_Space: self.toggle_play,
            Qt.Key.Key_Right: self.step_forward,
            Qt.Key.Key_Left: self.step_back,
        }.get(Qt.Key(event.key()))

    def _speed_chosen(self, index: int) -> None:
        self.set_speed(float(self.speed_box.itemData(index)))

    def _drag_started(self) -> None:
        self._dragging = True

    def _dragged(self, value: int) -> None:
        if self._source is not None:
            self.position_label.setText(format_position(self._seconds(value), self._source.duration))

    def _drag_released(self) -> None:
        self._dragging = False
        self._seek(self._seconds(self.timeline.sliderPosition()))

    def _timeline_action(self, action: int) -> None:
        """Keyboard or page clicks on the timeline (not drags, which seek on release)."""
        if self.timeline.isSliderDown() or action in (
            QtWidgets.QAbstractSlider.SliderAction.SliderNoAction.value,
            QtWidgets.QAbstractSlider.SliderAction.SliderMove.value,
        ):
            return
        self._seek(self._seconds(self.timeline.sliderPosition()))

    # ------------------------------------------------------------------ internals

    def _ahead(self, t: float) -> bool:
        """Whether time ``t`` is still to come: later than now, or its chunks are not all shown yet."""
        source = self._source
        if source is None:
            return False
        due = source.next_due
        return t > source.position + 1e-9 or (due is not None and due <= t)

    def _jump(self, t: float, label: str) -> bool:
        if self._source is None:
            return False
        self._source.pause()
        if not self._seek(t):
            return False
        self._set_status(label, failure=is_failure_label(label))
        self.status_label.setToolTip(plain_tooltip(f"{label} at {t:.3f} s"))
        self.jumped.emit(t, label)
        return True

    def _seek(self, t: float) -> bool:
        source = self._source
        if source is None:
            return False
        try:
            source.seek(t)
        except SourceClosedError as exc:
            self._set_status(str(exc))
            return False
        self.refresh()
        return True

    @staticmethod
    def _speed_index(speed: float) -> int:
        """The menu entry for ``speed``; 0 (the source's other spelling of instant) is instant too."""
        if speed == 0 or math.isinf(speed):
            return len(SPEEDS) - 1
        finite = range(len(SPEEDS) - 1)
        return min(finite, key=lambda i: abs(math.log(SPEEDS[i][1] / speed)))


def _distinct_times(failures: list[Failure]) -> list[Failure]:
    """One failure per time: a jump goes to a time, so two at the same time would be one jump anyway."""
    out: list[Failure] = []
    for failure in failures:
        if not out or failure.t > out[-1].t:
            out.append(failure)
    return out
