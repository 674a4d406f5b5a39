"""The layers of DESIGN §1: the engine, the sources and the session never import Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = ["app.vt", "app.pty", "app.record"]
for extra in ("app.session",):
    if (ROOT / extra.replace(".", "/")).exists() or (ROOT / (extra.replace(".", "/") + ".py")).exists():
        HEADLESS.append(extra)


def _modules_of(package: str) -> list[str]:
    base = ROOT / package.replace(".", "/")
    if base.with_suffix(".py").exists():
        return [package]
    return [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted(base.rglob("*.py"))
    ]


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_do_not_import_qt(package: str) -> None:
    modules = _modules_of(package)
    assert modules, f"{package} has no modules"
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"{package} pulled in Qt: {out.stdout.strip()}"


def test_layering_check_detects_qt() -> None:
    """The check itself can fail: importing a Qt module is seen."""
    code = "import PySide6.QtCore, sys; print(','.join(m for m in sys.modules if m.startswith('PySide6')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "PySide6.QtCore" in out.stdout
