"""Test-wide setup: Qt offscreen, and engine bugs fail loudly instead of being absorbed."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path


def _private_home() -> None:
    """The shells the tests start read an empty ``~/.bashrc`` in a home of their own, not the machine's.

    Why: a real bash started and killed at once (most session tests close their shell within milliseconds) may be
    killed inside what the machine's ``~/.bashrc`` runs; this machine's runs ``pyenv init``, whose rehash, killed
    midway, leaves its lock file behind, and every interactive bash after it waits 60 s for that lock — three
    window tests then failed on a prompt that did not come.  Go keeps its build and module caches where they were
    (a cold cache would rebuild the standard library for every test that runs ``go``).  Set here, before ``app``
    is imported: sessions start from the environment the package saw first (``app.launch_environment``).
    """
    if sys.platform == "win32":
        return
    real = Path.home()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or real / ".cache")
    os.environ.setdefault("GOCACHE", str(cache / "go-build"))
    os.environ.setdefault("GOPATH", str(real / "go"))
    go_env = Path(os.environ.get("XDG_CONFIG_HOME") or real / ".config") / "go" / "env"
    if go_env.exists():
        os.environ.setdefault("GOENV", str(go_env))
    home = tempfile.mkdtemp(prefix="mojiscope-tests-home-")
    (Path(home) / ".bashrc").write_text("")
    os.environ["HOME"] = home
    atexit.register(shutil.rmtree, home, True)


_private_home()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.vt.terminal import Terminal  # noqa: E402

# The engine absorbs its own failures in production (a terminal must keep going); in tests a
# failure is a bug and must surface.
Terminal.raise_internal_errors = True


import gc  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

#: CPython's own thresholds, which the suite keeps for the collections it runs between tests.
_CPYTHON_THRESHOLDS = gc.get_threshold()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """No automatic collection during a test once Qt is loaded (see :func:`pytest_runtest_teardown`)."""
    if "PySide6.QtCore" in sys.modules:
        gc.disable()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Once Qt is loaded, cyclic garbage is collected here, on the main thread, between tests — never by CPython's
    automatic collection, which runs on whichever thread crosses its threshold.

    The app does the same through its idle collector (``app.widgets.idle_gc`` says why): a test's leftover widgets
    in a reference cycle, collected by a probe or reader thread of a later test, are Qt objects destroyed off
    their thread ("QObject::~QObject: Timers cannot be stopped from another thread", then a segfault in the UI
    thread's event loop, which CI met in the panels' tests).  Tests that never load Qt keep the automatic collection.
    """
    yield
    if "PySide6.QtCore" not in sys.modules:
        return
    from app.widgets.idle_gc import due_generation

    gc.disable()  # again: a test may have switched it back on
    generation = due_generation(gc.get_count(), _CPYTHON_THRESHOLDS)
    if generation is not None:
        gc.collect(generation)


@pytest.fixture(scope="session")
def fullscreen_recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Real recordings of vim, top and tmux (see tests/fullscreen.py), made once per run."""
    from tests.fullscreen import record_fullscreen

    return dict(record_fullscreen(tmp_path_factory.mktemp("fullscreen")))
