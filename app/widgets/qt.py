"""Qt, imported in one place.

Every widget module imports Qt from here, so the binding (PySide6) is named once, and the
headless packages' "no Qt" rule is easy to check: nothing outside ``app/widgets`` (and the app's
entry point) imports this module.
"""

from __future__ import annotations

import sys
from importlib.machinery import SourceFileLoader
from types import ModuleType
from typing import Any

from app.widgets.code_cache import cache_dir, cached_compiles

with cached_compiles(cache_dir()):  # PySide6's embedded signature modules, compiled once, not at every start
    from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

__all__ = ["Qt", "QtCore", "QtGui", "QtWidgets", "Signal", "Slot", "give_own_viewport", "quicker_feature_check"]


def quicker_feature_check() -> bool:
    """Let PySide's import hook find out whether a module uses PySide6 by reading its file, not through ``inspect``.

    Why (start-up): once PySide6 is loaded, its ``__feature__`` support looks at every module imported after it
    (``shibokensupport.feature._mod_uses_pyside``: is the text "PySide6" in the module's source?) with
    ``inspect.getsource``, which goes through ``linecache`` (the file split into lines and kept) and joins the lines
    again: ~150 modules before the first prompt, ~3 % of its instructions.  For a module loaded from a ``.py`` file by
    the standard loader the answer is whether the file's bytes hold ``b"PySide6"`` (Python source is in an
    ASCII-compatible encoding, in which that text is those bytes); any other module, or a file that cannot be read,
    is asked the way PySide asks.  Returns whether the check was taken over (not if PySide has no such function).
    """
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or getattr(original, "__name__", "") != "_mod_uses_pyside":
        return False
    if getattr(original, "pysides_own", None) is not None:  # taken over already
        return True

    def _mod_uses_pyside(module: Any) -> Any:
        if type(module) is ModuleType:
            spec = getattr(module, "__spec__", None)
            loader = getattr(spec, "loader", None)
            path = getattr(module, "__file__", None)
            if (
                type(loader) is SourceFileLoader
                and type(path) is str
                and path.endswith(".py")
                and path == spec.origin  # type: ignore[union-attr]
                and path == loader.path
            ):
                try:
                    with open(path, "rb") as source:
                        return b"PySide6" in source.read()
                except OSError:
                    pass
        return original(module)

    _mod_uses_pyside.pysides_own = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[attr-defined]
    return True


quicker_feature_check()


def give_own_viewport(area: QtWidgets.QAbstractScrollArea) -> None:
    """Give a scroll area a viewport made from Python (the plain ``QWidget`` Qt would make itself).

    Why (start-up): a ``QWidget*`` that C++ made has no Python object yet, and the first time PySide returns one
    (``viewport()`` of a scroll area Qt filled itself) it finds the object's most derived class by walking every
    ``QWidget`` subclass of QtWidgets and initializing each, with all its enums: ``QWizard``, ``QFileDialog``,
    ``QCalendarWidget``… (57 classes never used before the first prompt, ~20 ms of Python's enum code on this
    machine).  A viewport made here already has its Python object, so ``viewport()`` just returns it.
    """
    area.setViewport(QtWidgets.QWidget())
