"""The bench's peers: other terminal engines timed on the same bytes, in the same run, as ours.

Why peers besides pyte: pyte is the engine this one replaced and is tens of times slower, so its ratio says
little about whether the engine is *fast*.  xterm.js (what VS Code's terminal runs) and libvterm (C; neovim's
and emacs-libvterm's engine) are what a user compares a terminal with.

- **xterm.js** (``@xterm/headless``, node): the tests' reference emulator, installed under
  ``tests/vt/reference`` (``npm ci --prefix tests/vt/reference``) or wherever ``MOJISCOPE_XTERM_HEADLESS``
  points (a ``node_modules`` folder).  It runs as a child process on a file of the same bytes, cut into the
  same chunks: its first run in a fresh node is *cold* (V8 has not compiled the parser yet, as when a terminal
  has just opened) and is reported apart from the best of the *warm* runs after it.
- **libvterm** (Debian's ``libvterm0``) through ctypes, in a child Python (libvterm can crash on ill-formed
  input): its screen layer, fed the same chunks.  It keeps no scrollback (libvterm hands scrolled-off lines to
  a callback; none is set, since one in Python would time ctypes and not libvterm).

Time is CPU time in both, as for ours (``time.process_time``; node's ``process.cpuUsage``).  A peer that is not
installed is reported as missing, with the reason, never estimated.  Each peer also returns its final screen,
so a test can check that it really read the same bytes (see ``tests/bench/test_peers.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.pty.reentry import helper_argv

__all__ = [
    "XTERM_JS_SCRIPT",
    "PeerRun",
    "libvterm_missing",
    "run_libvterm",
    "run_xterm_js",
    "xterm_js_missing",
    "xterm_js_modules",
]

XTERM_JS_SCRIPT = Path(__file__).with_name("xterm_js_peer.js")
#: Where the tests install @xterm/headless (a checkout of the repository has it after ``npm ci``).
_REFERENCE_MODULES = Path(__file__).resolve().parents[2] / "tests" / "vt" / "reference" / "node_modules"
#: Longest one xterm.js child may take (a 3 MB stream takes well under a second per run).
XTERM_JS_TIMEOUT_S = 600.0


@dataclass
class PeerRun:
    """One peer on one stream: CPU seconds of its first run and the best of the others, its final screen
    (rows without trailing blanks), or why it could not run."""

    name: str
    cold_seconds: float | None = None
    warm_seconds: float | None = None
    version: str = ""
    screen: list[str] = field(default_factory=list)
    missing: str | None = None
    error: str | None = None


# --------------------------------------------------------------------------- xterm.js


def _node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def xterm_js_modules() -> Path:
    """The ``node_modules`` folder that should hold ``@xterm/headless``."""
    env = os.environ.get("MOJISCOPE_XTERM_HEADLESS")
    return Path(env) if env else _REFERENCE_MODULES


def xterm_js_missing() -> str | None:
    """Why the xterm.js peer cannot run here, or ``None``."""
    if _node() is None:
        return "node is not installed"
    modules = xterm_js_modules()
    if not (modules / "@xterm" / "headless").is_dir():
        return (
            f"@xterm/headless is not in {modules} (npm ci --prefix tests/vt/reference, "
            "or set MOJISCOPE_XTERM_HEADLESS to a node_modules folder)"
        )
    return None


def run_xterm_js(data: bytes, *, cols: int, rows: int, scrollback: int, chunk: int, runs: int) -> PeerRun:
    """Time xterm.js on ``data``: ``runs`` fresh terminals in one node process, the first of them cold."""
    result = PeerRun("xterm.js")
    result.missing = xterm_js_missing()
    if result.missing is not None:
        return result
    node = _node()
    assert node is not None
    with tempfile.TemporaryDirectory(prefix="mojiscope-peer-") as tmp:
        path = Path(tmp) / "stream.bin"
        path.write_bytes(data)
        argv = [node, str(XTERM_JS_SCRIPT), str(path), str(cols), str(rows), str(scrollback), str(chunk)]
        env = {**os.environ, "NODE_PATH": str(xterm_js_modules())}
        try:
            done = subprocess.run(
                [*argv, str(max(1, runs))],
                capture_output=True,
                timeout=XTERM_JS_TIMEOUT_S,
                env=env,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            return result
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        result.error = lines[-1] if lines else f"node exited with status {done.returncode}"
        return result
    try:
        report = json.loads(done.stdout)
        times = [float(t) for t in report["runs"]]
        result.version = str(report["version"])
        result.screen = [str(line).rstrip(" ") for line in report["screen"]]
    except (ValueError, KeyError, TypeError) as exc:
        result.error = f"unreadable report from node: {exc}"
        return result
    result.cold_seconds = times[0]
    result.warm_seconds = min(times[1:]) if len(times) > 1 else None
    return result


# --------------------------------------------------------------------------- libvterm


class _Rect(ctypes.Structure):
    _fields_ = (
        ("start_row", ctypes.c_int),
        ("end_row", ctypes.c_int),
        ("start_col", ctypes.c_int),
        ("end_col", ctypes.c_int),
    )


def _libvterm() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("vterm")
    for candidate in (name, "libvterm.so.0"):
        if not candidate:
            continue
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        lib.vterm_new.restype = ctypes.c_void_p
        lib.vterm_new.argtypes = (ctypes.c_int, ctypes.c_int)
        lib.vterm_free.argtypes = (ctypes.c_void_p,)
        lib.vterm_set_utf8.argtypes = (ctypes.c_void_p, ctypes.c_int)
        lib.vterm_obtain_screen.restype = ctypes.c_void_p
        lib.vterm_obtain_screen.argtypes = (ctypes.c_void_p,)
        lib.vterm_screen_reset.argtypes = (ctypes.c_void_p, ctypes.c_int)
        lib.vterm_screen_enable_altscreen.argtypes = (ctypes.c_void_p, ctypes.c_int)
        lib.vterm_input_write.restype = ctypes.c_size_t
        lib.vterm_input_write.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t)
        lib.vterm_screen_get_text.restype = ctypes.c_size_t
        lib.vterm_screen_get_text.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, _Rect)
        return lib
    return None


def libvterm_missing() -> str | None:
    """Why the libvterm peer cannot run here, or ``None``."""
    return None if _libvterm() is not None else "libvterm is not installed (Debian: apt-get install libvterm0)"


def run_libvterm(data: bytes, *, cols: int, rows: int, chunk: int, repeats: int) -> PeerRun:
    """Time libvterm's screen on ``data`` cut in ``chunk``-byte pieces: its first run (cold) and the best of
    ``repeats`` fresh terminals (warm; C has little to warm up, the best is the least disturbed by the machine).

    It runs in a child Python, because libvterm can crash on ill-formed input (0.1.4 dies on a CSI with more
    parameters than it keeps): a crash is reported as the peer's, and the bench goes on."""
    result = PeerRun("libvterm")
    result.missing = libvterm_missing()
    if result.missing is not None:
        return result
    with tempfile.TemporaryDirectory(prefix="mojiscope-peer-") as tmp:
        path = Path(tmp) / "stream.bin"
        path.write_bytes(data)
        argv = helper_argv("libvterm-peer", str(path), str(cols), str(rows), str(chunk))
        try:
            done = subprocess.run(
                [*argv, str(max(1, repeats))], capture_output=True, timeout=XTERM_JS_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            return result
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        result.error = _exit_text(done.returncode) + (f" ({lines[-1]})" if lines else "")
        return result
    try:
        report = json.loads(done.stdout)
        result.cold_seconds, result.warm_seconds = float(report["first"]), float(report["best"])
        result.version = str(report["version"])
        result.screen = [str(line) for line in report["screen"]]
    except (ValueError, KeyError, TypeError) as exc:
        result.error = f"unreadable report from the libvterm child: {exc}"
    return result


def _exit_text(status: int) -> str:
    if status < 0:
        try:
            return f"crashed ({signal.Signals(-status).name})"
        except ValueError:
            return f"crashed (signal {-status})"
    return f"exited with status {status}"


def _libvterm_child(path: str, cols: int, rows: int, chunk: int, repeats: int) -> dict[str, object]:
    """The child's side of :func:`run_libvterm`: time the runs here, report first, best and the screen."""
    lib = _libvterm()
    assert lib is not None
    data = Path(path).read_bytes()
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    best = math.inf
    first = math.inf
    screen_text: list[str] = []
    for run in range(max(1, repeats)):
        vt = lib.vterm_new(rows, cols)
        try:
            lib.vterm_set_utf8(vt, 1)
            screen = lib.vterm_obtain_screen(vt)
            lib.vterm_screen_enable_altscreen(screen, 1)
            lib.vterm_screen_reset(screen, 1)
            write = lib.vterm_input_write
            start = time.process_time()
            for piece in chunks:
                write(vt, piece, len(piece))
            seconds = time.process_time() - start
            best = min(best, seconds)
            if run == 0:
                first = seconds
                buf = ctypes.create_string_buffer(cols * 16 + 16)
                for y in range(rows):
                    n = lib.vterm_screen_get_text(screen, buf, len(buf), _Rect(y, y + 1, 0, cols))
                    screen_text.append(buf.raw[:n].decode("utf-8", "replace").rstrip(" "))
        finally:
            lib.vterm_free(vt)
    return {"first": first, "best": best, "version": "libvterm0", "screen": screen_text}


def libvterm_helper(argv: Sequence[str]) -> int:
    """Helper ``libvterm-peer FILE COLS ROWS CHUNK REPEATS`` (this program re-entered, see app.pty.reentry): the
    libvterm child of :func:`run_libvterm`, its report as JSON."""
    if len(argv) != 5:
        print("usage: libvterm-peer FILE COLS ROWS CHUNK REPEATS", file=sys.stderr)
        return 2
    path, cols, rows, chunk, repeats = argv
    print(json.dumps(_libvterm_child(path, int(cols), int(rows), int(chunk), int(repeats))))
    return 0
