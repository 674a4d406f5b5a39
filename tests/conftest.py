"""Test-wide setup: Qt offscreen, and engine bugs fail loudly instead of being absorbed."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.vt.terminal import Terminal

# The engine absorbs its own failures in production (a terminal must keep going); in tests a
# failure is a bug and must surface.
Terminal.raise_internal_errors = True


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def fullscreen_recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Real recordings of vim, top and tmux (see tests/fullscreen.py), made once per run."""
    from tests.fullscreen import record_fullscreen

    return dict(record_fullscreen(tmp_path_factory.mktemp("fullscreen")))
