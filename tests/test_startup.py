"""Start-up (issue 15): what the real app has loaded when its first prompt is painted.

``python -m app`` runs on a real bash with ``MOJISCOPE_STARTUP_PROBE=1`` (it prints when the first non-blank
screen is painted, then closes); at that line the child notes which modules are loaded.  Everything that can wait
must not be there: the panels not in front, the replay bar, the explainer and its libraries, the width tables, the
process probes' psutil, and what the engine (``app.vt``) needs only for rare sequences (pyte's charset maps).
Speed itself is measured by ``python -m app bench --startup``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs the app; when the probe's line is written, it writes the names of the loaded modules after it.
CHILD = """
import json, runpy, sys
class Stderr:
    def __init__(self, real):
        self.real = real
    def write(self, text):
        self.real.write(text)
        if "first prompt painted" in text:
            self.real.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
            widgets = vars(sys.modules["PySide6.QtWidgets"])
            self.real.write("\\nQT_CLASSES " + json.dumps(sorted(n for n in widgets if n.startswith("Q"))) + "\\n")
            import gc
            self.real.write("\\nGC " + json.dumps([gc.isenabled(), sys.modules["gc"].get_stats()]) + "\\n")
            import enum
            self.real.write("\\nENUMS_BY " + enum.EnumMeta._create_.__module__ + "\\n")
            check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
            self.real.write("\\nFEATURE_CHECK " + str(hasattr(check, "pysides_own")) + "\\n")
        return len(text)
    def flush(self):
        self.real.flush()
sys.stderr = Stderr(sys.stderr)
sys.argv = ["mojiscope"]
runpy.run_module("app", run_name="__main__")
"""

WAITS = (
    "app.widgets.tests_panel",
    "app.widgets.codepage_panel",
    "app.widgets.env_panel",
    "app.widgets.replay_bar",
    "app.pty.replay",  # a recording's player and reader: loaded with the first replay (app.pty.base.is_replay)
    "app.record.cast",
    "app.pty.foreground",  # what closing a tab would end: asked when tabs close
    "app.pty.live_switch",  # the UTF-8 switch applied to a running session: a user's choice
    "app.widgets.side_by_side",  # Session ▸ Run side by side: a second window on demand
    "app.inspect.two_views",
    "app.gotest",  # the go test model: made when a tab's output is first parsed
    "app.cli",  # the command line's commands: python -m app with no arguments starts the window without them
    "app.inspect.explain.engine",
    "app.inspect.explain.inspector",
    "ftfy",
    "charset_normalizer",
    "wcwidth",
    "pyte",
    "psutil",
    "encodings.gbk",  # the Decode as menu's codecs: looked up when the menu is shown
    "encodings.shift_jis",
    "encodings.big5",
    "ctypes",  # Windows' calls (app.pty._win32, app.record.hostinfo): loaded on Windows only
    "platform",  # the OS's description: asked when a recording's header or a bench run is written
    "fractions",  # asciicast v3's exact clock: loaded when a v3 recording is read
    "decimal",
    "ssl",  # asyncio's TLS: the window's loop reads ptys (app.import_asyncio_without_ssl)
    "_hashlib",  # OpenSSL's hashes: the code cache keys its tables by the source text itself (app.widgets.code_cache)
)

#: QtWidgets classes the window does not use before its first prompt (nor at all, for some).
NEVER_NEEDED_AT_START = {"QWizard", "QFileDialog", "QCalendarWidget", "QInputDialog", "QFontDialog", "QColorDialog"}


def _start_child(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (one of the CHILD scripts: it starts the app and reports) in a fresh interpreter; it must
    succeed."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_the_first_prompt_is_painted_before_anything_that_can_wait_is_loaded(tmp_path: Path) -> None:
    (tmp_path / ".bashrc").write_text("PS1='ready$ '\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "MOJISCOPE_"))}
    env.update(
        HOME=str(tmp_path),
        SHELL="/bin/bash",
        XDG_CONFIG_HOME=str(tmp_path / ".config"),
        QT_QPA_PLATFORM="offscreen",
        MOJISCOPE_STARTUP_PROBE="1",
    )
    done = _start_child(CHILD, env)
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("MODULES ")), None)
    assert line is not None, done.stderr[-2000:]
    loaded = set(json.loads(line.removeprefix("MODULES ")))
    assert {"app.widgets.main_window", "app.widgets.hex_view", "app.widgets.explain_panel", "app.vt"} <= loaded
    assert sorted(name for name in WAITS if name in loaded) == []
    # PySide6 makes a class of QtWidgets (and all its enums) when it is first needed.  A widget C++ made, returned
    # to Python for the first time, makes it walk and make every QWidget subclass (give_own_viewport says why).
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("QT_CLASSES "))
    made = set(json.loads(line.removeprefix("QT_CLASSES ")))
    assert {"QMainWindow", "QAbstractScrollArea", "QLineEdit"} <= made
    assert sorted(NEVER_NEEDED_AT_START & made) == []
    # PySide's enums are made the quick way while the app starts (app.widgets.quick_enums), on the Python it knows.
    if sys.version_info[:2] == (3, 11):
        assert "ENUMS_BY app.widgets.quick_enums" in done.stderr.splitlines()
    # PySide's import hook reads each new module's file itself (app.widgets.qt.quicker_feature_check).
    assert "FEATURE_CHECK True" in done.stderr.splitlines()


def test_no_cyclic_garbage_collection_runs_between_the_apps_start_and_its_first_prompt(tmp_path: Path) -> None:
    """Everything made up to the first prompt lives on; collecting it again and again found nothing (app_main)."""
    (tmp_path / ".bashrc").write_text("PS1='ready$ '\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "MOJISCOPE_"))}
    env.update(HOME=str(tmp_path), SHELL="/bin/bash", QT_QPA_PLATFORM="offscreen", MOJISCOPE_STARTUP_PROBE="1")
    child = (
        # The package's own import comes first in python -m app, before __main__ can switch collection off (and
        # it is compiled from source when PYTHONDONTWRITEBYTECODE is set, as in CI): counted from __main__ on.
        "import gc, sys, app\n"
        "before = [s['collections'] for s in gc.get_stats()]\n"
        "sys.stderr.write(f'BEFORE {before}\\n')\n"
    )
    done = _start_child(child + CHILD, env)
    before = next(ln for ln in done.stderr.splitlines() if ln.startswith("BEFORE "))
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("GC ")), None)
    assert line is not None, done.stderr[-2000:]
    enabled, stats = json.loads(line.removeprefix("GC "))
    assert enabled is False  # switched back on only when run_app returns (the idle collector runs the collections)
    # Collections counted when the child started, before importing the app, are all there are at the first prompt.
    assert [s["collections"] for s in stats] == json.loads(before.removeprefix("BEFORE "))



#: Runs the app noting what :mod:`app.pty.first_shell` did: whether it started a shell (and whether PySide6 was
#: loaded by then) and whether the first session took it; written after the probe's line.
CHILD_FIRST_SHELL = """
import json, sys
from app.pty import first_shell
seen = {}
_start, _take = first_shell.start, first_shell.take
def start(guess, home):
    seen["qt_loaded"] = "PySide6" in sys.modules
    seen["started"] = _start(guess, home)
    seen["early_pid"] = first_shell._early.launched.proc.pid if seen["started"] else None
    return seen["started"]
def take(plan, spec):
    launched = _take(plan, spec)
    seen["taken"] = launched is not None
    return launched
first_shell.start, first_shell.take = start, take
from app.session.session import Session
_session_start = Session.start
async def session_start(self):
    await _session_start(self)
    seen.setdefault("session_pid", self.source.pid)
Session.start = session_start
class Watch:
    def __init__(self, real):
        self.real = real
    def write(self, text):
        self.real.write(text)
        if "first prompt painted" in text:
            self.real.write("\\nFIRST_SHELL " + json.dumps(seen) + "\\n")
        return len(text)
    def flush(self):
        self.real.flush()
sys.stderr = Watch(sys.stderr)
"""


def test_the_second_start_runs_its_first_session_on_the_shell_started_before_qt_was_loaded(tmp_path: Path) -> None:
    """The first start notes what its first session started; the next ones start that shell before importing
    PySide6 (on the other core, while Qt loads), and their first session takes it (app.pty.first_shell)."""
    (tmp_path / ".bashrc").write_text("PS1='ready$ '\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "MOJISCOPE_", "XDG_"))}
    env.update(HOME=str(tmp_path), SHELL="/bin/bash", QT_QPA_PLATFORM="offscreen", MOJISCOPE_STARTUP_PROBE="1")
    seen = []
    for _ in range(3):
        done = _start_child(CHILD_FIRST_SHELL + CHILD, env)
        line = next((ln for ln in done.stderr.splitlines() if ln.startswith("FIRST_SHELL ")), None)
        assert line is not None, done.stderr[-2000:]
        seen.append(json.loads(line.removeprefix("FIRST_SHELL ")))
    assert [(s["qt_loaded"], s["started"], s["taken"]) for s in seen[::2]] == [
        (False, False, False),  # no guess yet: the session starts its own shell
        (False, True, True),
    ]
    # The second start may guess a size the window no longer has (offscreen, and under X without a window manager,
    # the geometry the first start saved comes back a frame smaller: one row less), so it may not be taken; the
    # third start has the size right.
    assert seen[1]["started"] and not seen[1]["qt_loaded"]
    assert seen[2]["session_pid"] == seen[2]["early_pid"] is not None  # the session runs on the early shell
    assert seen[1]["taken"] is (seen[1]["session_pid"] == seen[1]["early_pid"])
    assert (tmp_path / ".cache" / "mojiscope" / "first-shell").read_text().split()[:2] == ["bash", "1"]


def test_asyncio_is_imported_without_ssl_which_loads_as_always_when_asked_for() -> None:
    code = """
import sys
import app
app.import_asyncio_without_ssl()
import asyncio.sslproto, asyncio.base_events
print("ssl" in sys.modules, asyncio.sslproto.ssl, asyncio.base_events.ssl)
import ssl
print(ssl.OPENSSL_VERSION.split()[0], asyncio.sslproto.ssl)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["False None None", "OpenSSL None"]


def test_asyncio_imported_already_is_left_as_it_is() -> None:
    code = (
        "import asyncio, sys, app\n"
        "app.import_asyncio_without_ssl()\n"
        "print(asyncio.sslproto.ssl is sys.modules['ssl'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_warm_up_loads_the_width_tables_psutil_and_the_go_test_model_on_a_background_thread() -> None:
    """What the first CJK line and the first session's end would load on the GUI thread is loaded beside it."""
    code = """
import sys, threading
from app.app_main import warm_up_in_background
before = {name in sys.modules for name in ("wcwidth", "psutil", "app.gotest")}
thread = warm_up_in_background()
assert thread is not threading.main_thread() and thread.daemon
thread.join(60)
from app.vt import width
loaded = [name in sys.modules for name in ("wcwidth", "psutil", "app.gotest")]
print(before, *loaded, width._wcwidth is not None, thread.is_alive())
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["{False}", "True", "True", "True", "True", "False"]


#: Makes the window smaller when the probe closes it (a user who resized it during the run, then closed it).
CHILD_RESIZED = """
from app.widgets.main_window import MainWindow
from app.widgets.qt import QtWidgets
_close = MainWindow.close
def close(self):
    if not getattr(self, "resized_once", False):
        self.resized_once = True
        self.resize(self.width() - 160, self.height() - 96)
        QtWidgets.QApplication.processEvents()
    return _close(self)
MainWindow.close = close
"""


def test_a_window_resized_during_a_run_gives_the_next_start_the_size_it_had_at_its_close(tmp_path: Path) -> None:
    """The early shell's size is the one the window had when it closed (the geometry the next start comes back at),
    not the one its first session started with: after a resize, the next start's first session still takes it."""
    (tmp_path / ".bashrc").write_text("PS1='ready$ '\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "MOJISCOPE_", "XDG_"))}
    env.update(HOME=str(tmp_path), SHELL="/bin/bash", QT_QPA_PLATFORM="offscreen", MOJISCOPE_STARTUP_PROBE="1")
    guess = tmp_path / ".cache" / "mojiscope" / "first-shell"
    seen = []
    for child in (CHILD, CHILD, CHILD_RESIZED + CHILD, CHILD):
        done = _start_child(CHILD_FIRST_SHELL + child, env)
        line = next((ln for ln in done.stderr.splitlines() if ln.startswith("FIRST_SHELL ")), None)
        assert line is not None, done.stderr[-2000:]
        seen.append((json.loads(line.removeprefix("FIRST_SHELL ")), guess.read_text().split()))
    (_, before), (resized, after) = seen[1], seen[2]
    assert resized["started"] and after[:2] == before[:2] == ["bash", "1"]
    assert (int(after[2]), int(after[3])) < (int(before[2]), int(before[3]))  # the smaller window's size was kept
    last, kept = seen[3]
    assert last["started"] and last["taken"] and last["session_pid"] == last["early_pid"]
    assert kept == after
