"""Frame pacing of the terminal view: a lone change at once, a stream at most every FLOOD_FRAME_MS, a synchronized
update (mode 2026) held until it ends (or for a bounded number of frames)."""

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
