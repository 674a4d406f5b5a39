"""One run, two views: a real child on a real pty and through real pipes, compared."""

from __future__ import annotations

import asyncio
import sys

from app.inspect.two_views import View, compare, run_two_views
from app.session.factory import command_plan

SCRIPT = "import sys; print('你好 tty=' + str(sys.stdout.isatty())); print('next')"


def test_a_pty_and_a_pipe_see_different_bytes_and_screens() -> None:
    views = asyncio.run(run_two_views(command_plan([sys.executable, "-c", SCRIPT]), timeout=60))
    assert views.terminal.backend == "pty" and views.pipe.backend == "pipe"
    assert views.terminal.data == "你好 tty=True\r\nnext\r\n".encode()  # the line discipline's ONLCR
    assert views.pipe.data == "你好 tty=False\nnext\n".encode()  # exactly what the program wrote
    assert views.terminal.rows == ("你好 tty=True", "next")
    assert views.pipe.rows[0] == "你好 tty=False"
    assert views.pipe.rows[1] == " " * 14 + "next"  # a bare LF moves down, not back (你好 are two cells each)
    assert views.differing_rows == (0, 1)
    assert ("delete", 15, 16, 16, 16) in views.byte_changes  # the CR only the pty added
    assert "2 screen rows differ" in views.summary()
    assert views.terminal.status == 0 and views.pipe.status == 0


def test_a_command_that_cannot_start_is_reported_not_raised() -> None:
    views = asyncio.run(run_two_views(command_plan(["/nonexistent/program"]), timeout=30))
    assert views.terminal.error or views.terminal.status not in (0, None)
    assert views.pipe.error or views.pipe.status not in (0, None)


def test_identical_views_have_no_differences() -> None:
    view = View("pty", b"same\r\n", ("same",), 0)
    same = compare(view, View("pipe", b"same\r\n", ("same",), 0))
    assert same.differing_rows == () and same.byte_changes == ()
