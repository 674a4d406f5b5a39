"""Qt, imported in one place.

Every widget module imports Qt from here, so the binding (PySide6) is named once, and the
headless packages' "no Qt" rule is easy to check: nothing outside ``app/widgets`` (and the app's
entry point) imports this module.
"""

from __future__ import annotations

from app.widgets.code_cache import cache_dir, cached_compiles

with cached_compiles(cache_dir()):  # PySide6's embedded signature modules, compiled once, not at every start
    from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

__all__ = ["Qt", "QtCore", "QtGui", "QtWidgets", "Signal", "Slot"]
