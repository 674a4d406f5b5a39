"""Mojiscope: see what really travels between a program and a terminal.

:func:`launch_environment` is the environment this process was started with, taken when the package
is first imported, before any library had a chance to write into ``os.environ``. Sessions start from
it, not from ``os.environ``: importing PySide6 sets ``PYSIDE6_OPTION_PYTHON_ENUM=True`` (and a Qt
platform may be chosen for a screenshot), and none of the app's own settings belong in the user's
shells.
"""

from __future__ import annotations

import os

__all__ = ["launch_environment"]

_LAUNCH_ENVIRONMENT = dict(os.environ)


def launch_environment() -> dict[str, str]:
    """A copy of the environment as it was when the app started (see the module docstring)."""
    return dict(_LAUNCH_ENVIRONMENT)
