"""Frame pacing of the terminal view: a lone change at once, a stream every FLOOD_FRAME_MS (from when each frame was
due), a synchronized update (mode 2026) held until it ends (or for a bounded number of frames)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from app.vt import Terminal
from app.widgets import terminal_view
from app.widgets.terminal_view import TerminalView


def make_view(qtbot: Any) -> tuple[Terminal, TerminalView]:
    term = Terminal(40, 10)
    view = TerminalView(term)
    qtbot.addWidget(view)
    view.set_cursor_blink(False)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    view.flush_now()
    return term, view


def test_a_change_after_a_quiet_moment_is_painted_at_the_next_turn_of_the_loop(qtbot: Any, monkeypatch: Any) -> None:
    term, view = make_view(qtbot)
    # The view's clock is the test's: on a loaded machine more than a frame period can pass between two lines of
    # this test, and "right after a frame" must still mean right after it.
    now = [time.monotonic() + 10.0]
    monkeypatch.setattr(terminal_view, "time", SimpleNamespace(monotonic=lambda: now[0]))
    view._last_frame = now[0] - 1.0  # quiet for a second
    frames = view.frame_count
    term.feed(b"$ ")
    view.refresh()
    assert view.frame_count == frames  # not inside the feed…
    assert view._frame_timer.interval() == 0  # …but as soon as the loop turns: no frame period waited for
    qtbot.waitUntil(lambda: view.frame_count == frames + 1, timeout=2000)
    assert view._last_frame == now[0]
    now[0] += 0.005  # 5 ms after that frame
    term.feed(b"x")
    view.refresh()
    # right after a frame: the next waits for the rest of its period (a real timer, so not asserted in real time)
    assert view._frame_timer.isActive()
    assert view._frame_timer.interval() == terminal_view.FLOOD_FRAME_MS - 5
    qtbot.waitUntil(lambda: view.frame_count == frames + 2, timeout=2000)


def test_under_a_stream_frames_keep_their_rate_when_the_loop_is_late(qtbot: Any, monkeypatch: Any) -> None:
    """A frame that came late (the loop was busy) does not push the next one back: the next is due a period after
    this one was due.  One more than a period late starts the count afresh (no burst of frames to catch up)."""
    term, view = make_view(qtbot)
    now = [time.monotonic() + 10.0]
    monkeypatch.setattr(terminal_view, "time", SimpleNamespace(monotonic=lambda: now[0]))
    period = terminal_view.FLOOD_FRAME_MS
    view._last_frame = now[0] - 1.0  # quiet for a second
    frames = view.frame_count
    term.feed(b"a")
    view.refresh()
    qtbot.waitUntil(lambda: view.frame_count == frames + 1, timeout=2000)
    first = now[0]
    assert view._last_frame == first
    now[0] = first + (period + 12) / 1000  # output went on; the next frame comes 12 ms after it was due
    term.feed(b"b")
    view.refresh()
    assert view._frame_timer.interval() == 0  # already due
    qtbot.waitUntil(lambda: view.frame_count == frames + 2, timeout=2000)
    assert view._last_frame == first + period / 1000  # when it was due, not when it came
    term.feed(b"c")
    view.refresh()
    assert view._frame_timer.interval() == period - 12  # a period after the last was due: the rate holds
    qtbot.waitUntil(lambda: view.frame_count == frames + 3, timeout=2000)
    now[0] += 3 * period / 1000  # a frame three periods late (a stall): the next counts from it
    term.feed(b"d")
    view.refresh()
    qtbot.waitUntil(lambda: view.frame_count == frames + 4, timeout=2000)
    assert view._last_frame == now[0]
    term.feed(b"e")
    view.refresh()
    assert view._frame_timer.interval() == period
    now[0] += 0.005  # a frame forced before it was due (flush_now): the next counts from it
    view.flush_now()
    assert view._last_frame == now[0]


def test_a_synchronized_update_is_held_until_it_ends(qtbot: Any) -> None:
    term, view = make_view(qtbot)
    frames = view.frame_count
    term.feed(b"\x1b[?2026hhalf of a screen")
    view.refresh()
    qtbot.wait(4 * terminal_view.FRAME_MS)  # several frame periods: nothing shown of the half-drawn screen
    assert view.frame_count == frames
    term.feed(b", the rest\x1b[?2026l")
    view.refresh()
    qtbot.waitUntil(lambda: view.frame_count == frames + 1, timeout=2000)


def test_a_synchronized_update_that_never_ends_is_shown_after_a_bounded_wait(qtbot: Any) -> None:
    term, view = make_view(qtbot)
    frames = view.frame_count
    term.feed(b"\x1b[?2026hno end")
    view.refresh()
    qtbot.waitUntil(lambda: view.frame_count == frames + 1, timeout=5000)
