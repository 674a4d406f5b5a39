"""Test-wide setup: Qt offscreen, and engine bugs fail loudly instead of being absorbed."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.vt.terminal import Terminal

# The engine absorbs its own failures in production (a terminal must keep going); in tests a
# failure is a bug and must surface.
Terminal.raise_internal_errors = True
