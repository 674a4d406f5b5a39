"""PySide's import hook asks whether each new module uses PySide6; app.widgets.qt answers from the module's file
(quicker_feature_check): the same answer PySide's own check (inspect.getsource) gives."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def checks() -> tuple[Any, Any]:
    """(the check in use, PySide's own); the app's is installed when app.widgets.qt is imported."""
    from app.widgets import qt

    assert qt.quicker_feature_check()
    quick = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    original = quick.pysides_own
    assert getattr(original, "pysides_own", None) is None
    return quick, original


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_module_the_window_loads_gets_the_answer_pysides_own_check_gives() -> None:
    code = (
        "import sys, json\n"
        "import app.widgets.main_window, app.app_main\n"
        "from tests.widgets.test_qt_feature_check import checks\n"
        "quick, original = checks()\n"
        "modules = [m for m in list(sys.modules.values()) if m is not None]\n"
        "pairs = [(quick(m), original(m)) for m in modules]\n"
        "print(json.dumps([len(pairs), sum(q for q, _o in pairs), [m.__name__ for m, (q, o) in zip(modules, pairs)"
        " if q != o]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    count, using, differ = json.loads(done.stdout.strip().splitlines()[-1])
    assert count > 300 and using >= 3  # PySide6's own modules, app.widgets.qt…
    assert differ == []


LINES = ["x = 1", "# uses PySide6 here", "s = 'PySide6'", "t = 'é中'", "import os", "u = 'PySide'", "v = 'pyside6'"]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.sampled_from(LINES), max_size=5),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_a_module_file_gets_the_same_answer_in_any_source_encoding(
    lines: list[str], encoding: str, newline: str
) -> None:
    quick, original = checks()
    text = newline.join(lines) + newline
    if encoding in ("latin-1", "cp1252"):
        if "中" in text:
            return
        text = f"# -*- coding: {encoding} -*-{newline}" + text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.py"
        path.write_bytes(text.encode(encoding))
        module = load(path, "made_for_the_feature_check")
        assert quick(module) is original(module) is ("PySide6" in text)


def test_modules_without_a_py_file_are_asked_the_way_pyside_asks(tmp_path: Path) -> None:
    """A built-in module, one from a zip file, one whose file is gone: PySide's own check answers."""
    quick, original = checks()
    archive = tmp_path / "mods.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_for_the_check.py", "NAME = 'PySide6'\n")
    sys.path.insert(0, str(archive))
    try:
        zipped_module = importlib.import_module("zipped_for_the_check")
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop("zipped_for_the_check", None)
    gone = tmp_path / "gone.py"
    gone.write_text("NAME = 'PySide6'\n")
    gone_module = load(gone, "gone_for_the_check")
    gone.unlink()
    for module in (sys, zipped_module, gone_module, ModuleType("made_in_memory")):
        assert quick(module) == original(module)
    assert quick(zipped_module) is True  # its source is read through the zip's loader
