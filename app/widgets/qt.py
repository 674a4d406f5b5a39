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

__all__ = ["Qt", "QtCore", "QtGui", "QtWidgets", "Signal", "Slot", "give_own_viewport"]


def give_own_viewport(area: QtWidgets.QAbstractScrollArea) -> None:
    """Give a scroll area a viewport made from Python (the plain ``QWidget`` Qt would make itself).

    Why (start-up): a ``QWidget*`` that C++ made has no Python object yet, and the first time PySide returns one
    (``viewport()`` of a scroll area Qt filled itself) it finds the object's most derived class by walking every
    ``QWidget`` subclass of QtWidgets and initializing each, with all its enums: ``QWizard``, ``QFileDialog``,
    ``QCalendarWidget``… (57 classes never used before the first prompt, ~20 ms of Python's enum code on this
    machine).  A viewport made here already has its Python object, so ``viewport()`` just returns it.
    """
    area.setViewport(QtWidgets.QWidget())
