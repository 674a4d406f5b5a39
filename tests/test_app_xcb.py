"""The real app on Qt's xcb platform under Xvfb: what a user on a Linux desktop starts.

The offscreen tests cannot notice a missing xcb library (offscreen needs none of them); these can. CI
installs exactly the README's system packages, so a library the README forgets fails here. Keys reach
the window through the X server (xdotool), the shell's output is checked in a file it writes, and the
app must quit on its own menu shortcut with status 0.

And where no window can be opened, ``python -m app`` says so in one line with status 2 instead of
Qt's abort (status 134): no display at all, a display with no X server, a broken xcb library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDED = ("Xvfb", "xdotool")


def _require_tools() -> None:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} missing: install xvfb and xdotool (.ci/run does)"


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A fresh Xvfb; its display name (``:N``), chosen by the server itself (``-displayfd``)."""
    _require_tools()
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _app_env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "PYSIDE"))}
    env.update(DISPLAY=display, HOME=str(home), SHELL="/bin/bash", XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("TERM", None)  # as a desktop launcher starts it
    return env


def _xdotool(display: str, *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_for(check: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_app_runs_on_xcb_takes_keys_and_quits(display: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("PS1='xcb-ready$ '\n")
    proof = tmp_path / "env.txt"
    app = subprocess.Popen(
        [sys.executable, "-m", "app"],
        cwd=ROOT,
        env=_app_env(display, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = _xdotool(display, "search", "--sync", "--onlyvisible", "--name", "^Mojiscope$").split()[0]
        _xdotool(display, "mousemove", "--window", window, "400", "300", "click", "1")
        # The shell's environment, written by the shell the app started: typed through the X server.
        _xdotool(display, "type", "--delay", "10", f"env > {proof}")
        _xdotool(display, "key", "Return")
        _wait_for(lambda: proof.exists() and proof.stat().st_size > 0 and b"\n" in proof.read_bytes(), "the shell")
        time.sleep(0.3)  # the shell finishes writing
        variables = dict(line.partition("=")[::2] for line in proof.read_text().splitlines() if "=" in line)
        assert variables["HOME"] == str(home)
        assert variables["TERM"] == "xterm-256color"
        # Nothing of the app's own Qt settings reaches the user's shell.
        assert not [k for k in variables if k.startswith(("PYSIDE", "QT_"))], sorted(variables)
        _xdotool(display, "key", "ctrl+shift+q")
        status = app.wait(30)
    finally:
        if app.poll() is None:
            app.kill()
        _out, err = app.communicate(timeout=10)
    assert status == 0, err
    assert "Traceback" not in err


def test_a_screenshot_through_the_xcb_platform(display: str, tmp_path: Path) -> None:
    out = tmp_path / "xcb.png"
    env = {**_app_env(display, tmp_path), "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "screenshot", "-o", str(out), "--size", "900x600"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("900x600")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no display", "no display to open the window on"),
        ("no X server", "cannot connect to the display :"),
        ("broken xcb library", "a system library it needs is missing"),
    ],
)
def test_no_window_possible_is_one_line_and_status_2(display: str, tmp_path: Path, case: str, expected: str) -> None:
    env = _app_env(display, tmp_path)
    if case == "no display":
        env.pop("DISPLAY")
    elif case == "no X server":
        # A display number nobody serves (other tests and tools may start X servers of their own meanwhile).
        free = next(n for n in range(700, 800) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        env["DISPLAY"] = f":{free}"
    else:
        # A library the xcb plugin loads, replaced by one that is not a library: what a missing one looks like.
        broken = tmp_path / "lib"
        broken.mkdir()
        (broken / "libxcb-icccm.so.4").write_text("not a library\n")
        env["LD_LIBRARY_PATH"] = str(broken)
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mojiscope: error: ") and expected in lines[0], done.stderr
