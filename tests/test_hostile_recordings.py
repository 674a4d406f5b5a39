"""Arbitrary recordings through every reader of them: the reader, ``render``, ``replay`` and the window's open path.

A ``.cast`` is input from anyone (issue 12).  Hypothesis writes files with any sizes (within and far beyond
the limits), times (negative, NaN, infinite, 1e300, huge integers), versions, event kinds and data, blank,
comment and garbage lines, cut off anywhere; each must end in a recording or a :class:`CastFormatError`
(reader), status 0 or 2 (commands), a tab or a readable refusal (window) — never another exception — with
memory bounded (Python's allocations traced).  A watchdog stops a hang (it is not a speed measure).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import signal
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.record.cast import CastFormatError, read_cast
from app.widgets.main_window import MainWindow
from app.widgets.qt import QtWidgets
from app.widgets.settings import AppSettings, open_settings

#: Python allocations any one example may peak at (a whole-file reader or a 1e9-row screen is far beyond).
MEMORY_BOUND = 64 * 1024 * 1024
#: A hang detector for one example, not a measure of speed.
WATCHDOG_S = 60

_good_size = st.integers(min_value=1, max_value=300)
_sizes = st.one_of(
    *[_good_size] * 8,
    st.sampled_from([0, -1, 10_000, 10_001, 65_536, 1_000_000_000, 10**30, 80.0, "80", None, True, [80]]),
)
_times = st.one_of(
    st.floats(min_value=0, max_value=5, allow_nan=False),
    st.sampled_from([-1, 0, 1e300, math.inf, -math.inf, math.nan, 3.2e8, 10**20, "0.5", None, True]),
)
_ints = st.one_of(st.integers(min_value=0, max_value=300), st.sampled_from([10_000, 10_001, 65_536, 10**30]))
_resize = st.one_of(
    st.builds(lambda c, r: f"{c}x{r}", _ints, _ints),
    st.sampled_from(["80-24", "x", "", "9" * 50 + "x1"]),
)
_data = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["\x1b[31mred\x1b[0m\r\n", "\x1b[2J\x1b[H", "\x1b]0;<b>t</b>\x07", "\ufffd", "=== RUN   TestX\r\n"]
    ),
    st.sampled_from(["/w==", "YQ==", "stderr:eA==", "not base64!", "9" * 30]),
    _resize,
    st.sampled_from([None, 5, 1.5, [1], {"a": 1}]),
)
_event = st.builds(
    lambda t, code, data: [t, code, data], _times, st.sampled_from(["o", "i", "r", "m", "x", "b", "z", ""]), _data
)
_line = st.one_of(
    _event.map(lambda e: json.dumps(e)),
    _event.map(lambda e: json.dumps(e)),
    st.sampled_from(["", "# a comment", "[", "{}", "[1, 2]", "null", "[" * 2000, '[1, "o"]']),
    st.text(max_size=30),
)


@st.composite
def recordings(draw: st.DrawFn) -> bytes:
    """A ``.cast`` file: half the time a header that can be read (so the events are what is tested), else any."""
    if draw(st.booleans()):
        version: Any = draw(st.sampled_from([2, 3]))
        cols, rows = draw(st.one_of(_good_size, st.just(10_000))), draw(st.one_of(_good_size, st.just(10_000)))
    else:
        version = draw(st.sampled_from([2, 3, 1, 4, "2", None]))
        cols, rows = draw(_sizes), draw(_sizes)
    header: dict[str, Any]
    if version == 3:
        header = {"version": 3, "term": {"cols": cols, "rows": rows, "type": draw(st.text(max_size=10))}}
    else:
        header = {"version": version, "width": cols, "height": rows}
    extras = {
        "title": st.text(max_size=20),
        "command": st.text(max_size=20),
        "env": st.dictionaries(st.text(max_size=5), st.text(max_size=10), max_size=3),
        "mojiscope": st.fixed_dictionaries({"argv": st.lists(st.text(max_size=8), max_size=3), "stream": _data}),
        "timestamp": st.integers(min_value=0, max_value=2**40),
    }
    for key, good in extras.items():
        if draw(st.booleans()):
            header[key] = draw(good if draw(st.integers(min_value=0, max_value=5)) else _data)
    lines = [json.dumps(header), *draw(st.lists(_line, max_size=12))]
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        # Cut off anywhere: mostly after the header (a crash while recording), sometimes inside it.
        start = 0 if draw(st.integers(min_value=0, max_value=5)) == 0 else len(lines[0]) + 1
        data = data[: draw(st.integers(min_value=min(start, len(data)), max_value=len(data)))]
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        data += draw(st.binary(max_size=20))  # garbage bytes, invalid UTF-8
    return data


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Peak traced memory under :data:`MEMORY_BOUND`; the watchdog ends a hang with an error."""

    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no result within {WATCHDOG_S} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(WATCHDOG_S)
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.1f} MB"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=recordings())
def test_the_reader_and_the_commands_end_in_a_result_or_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    path = tmp_path / "any.cast"
    path.write_bytes(data)
    with bounded():
        try:
            rec = read_cast(io.BytesIO(data))
        except CastFormatError as exc:
            assert str(exc).startswith(f"line {exc.line}: ")
        else:
            assert 1 <= rec.header.width <= 10_000 and 1 <= rec.header.height <= 10_000
            assert all(0 <= e.t <= 316_224_000 for e in rec.events)
        for command in (["render"], ["replay", "--render"], ["replay", "--speed", "0"], ["inspect"]):
            status = main([*command, str(path)])
            _out, err = capsys.readouterr()
            assert status in (0, 2), (command, err)
            assert "Traceback" not in err
            if status == 2:
                assert len(err.splitlines()) == 1 and "error:" in err, (command, err)


@pytest.fixture(scope="module")
def window_and_loop() -> Iterator[tuple[MainWindow, qasync.QEventLoop]]:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        win = MainWindow(AppSettings(open_settings(str(Path(folder) / "s.ini"))), loop=loop)
        win.resize(900, 600)
        win.show()
        yield win, loop
        loop.run_until_complete(win.aclose())
        win.deleteLater()
    loop.close()
    asyncio.set_event_loop(None)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=recordings())
def test_the_window_opens_any_recording_or_says_why_not(
    tmp_path: Path, window_and_loop: tuple[MainWindow, qasync.QEventLoop], data: bytes
) -> None:
    window, loop = window_and_loop
    path = tmp_path / "any.cast"
    path.write_bytes(data)
    height = window.height()
    with bounded():
        try:
            tab = window.open_recording(path, speed=math.inf)
        except (OSError, CastFormatError) as exc:
            assert str(exc)  # what the window's message box says
            event("refused at open")
            return
        source = tab.session.source

        async def settle() -> None:
            """The replay reached its end (or a line it cannot read) and the pass over the file is done."""
            while not (tab.task is not None and tab.task.done() and tab.scan_done):
                await asyncio.sleep(0.005)

        loop.run_until_complete(settle())
        QtWidgets.QApplication.processEvents()
        tab.view.flush_now()
        tab.replay_bar.refresh()  # type: ignore[union-attr]
        tab.view.repaint()
        tab.replay_bar.repaint()  # type: ignore[union-attr]
        error = source.error  # type: ignore[attr-defined]
        event("replayed to a bad line" if error is not None else "replayed to the end")
        if error is not None:
            assert f"line {error.line}" in tab.status.text()
        window._on_close_requested(window.tabs.indexOf(tab))
        loop.run_until_complete(asyncio.sleep(0.01))
    assert window.height() == height
