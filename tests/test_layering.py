"""The layers of DESIGN §1: which package of the app may import which, and no Qt below the widgets.

Two checks. The import arrows are read from the source (every ``import``, lazy ones inside functions
included) and compared with :data:`ALLOWED`; a reversed arrow fails. And each headless package is
imported in a fresh interpreter, which must not pull in Qt by any route (a third-party import included).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Every package (or top-level module) of ``app`` and what it may import of the app. The engine and the
#: recording format stand alone; sources replay recordings; the session wires sources, log, engine and
#: recorder; the go test model needs the shell profiles for its presets; the panel models read all of
#: these; the widgets show them; the command line, the app's start-up and the benches are the entry points.
HEADLESS_BELOW_ENTRY = {"vt", "record", "pty", "session", "gotest", "inspect"}
ALLOWED: dict[str, set[str]] = {
    "vt": set(),
    "record": set(),
    "pty": {"record"},
    "session": {"vt", "pty", "record"},
    "gotest": {"pty"},
    "inspect": {"vt", "pty", "record", "session", "gotest"},
    "widgets": {"vt", "pty", "record", "session", "gotest", "inspect"},
    "app_main": {"vt", "pty", "record", "session", "gotest", "inspect", "widgets"},
    "bench": {"vt", "pty", "record", "session", "gotest", "inspect", "widgets", "app_main"},
    "cli": {"vt", "pty", "record", "session", "gotest", "inspect", "bench", "app_main"},
    "__main__": {"cli", "app_main"},  # app_main: with no arguments the window starts without the CLI's imports
}
HEADLESS = sorted(f"app.{name}" for name in HEADLESS_BELOW_ENTRY)
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _layer_of(path: Path, app_dir: Path) -> str:
    parts = path.relative_to(app_dir).with_suffix("").parts
    return parts[0]


def _imported_app_layers(path: Path, app_dir: Path) -> set[tuple[str, int]]:
    """The app layers ``path`` imports (absolute and relative imports, at any depth), with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(app_dir.parent).with_suffix("").parts[:-1]  # the folder a relative import starts in
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module] if module != "app" else [f"app.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            room = app_dir / parts[1] if parts[0] == "app" and len(parts) > 1 else None
            # ``from app import launch_environment``: the root package itself, which every layer may use.
            if room is not None and (room.is_dir() or room.with_suffix(".py").exists()):
                found.add((parts[1], node.lineno))
    return found


def layering_violations(app_dir: Path, allowed: dict[str, set[str]]) -> list[str]:
    """One line per import that crosses the layers the wrong way (or comes from a package ``allowed`` does
    not know: a new room must say where it sits)."""
    problems: list[str] = []
    for path in sorted(app_dir.rglob("*.py")):
        layer = _layer_of(path, app_dir)
        if path.parent == app_dir and layer == "__init__":
            continue
        if layer not in allowed:
            problems.append(f"{path.relative_to(app_dir.parent)}: layer {layer!r} is not in ALLOWED")
            continue
        for target, line in sorted(_imported_app_layers(path, app_dir)):
            if target != layer and target not in allowed[layer]:
                problems.append(f"{path.relative_to(app_dir.parent)}:{line}: {layer} imports {target}")
    return problems


def test_import_arrows_follow_the_layers() -> None:
    assert layering_violations(ROOT / "app", ALLOWED) == []


def test_a_reversed_arrow_is_caught(tmp_path: Path) -> None:
    """The check can fail: the engine importing the session, lazily inside a function, and a relative import
    from the session into the widgets, are both reported; an unknown room is reported too."""
    app = tmp_path / "app"
    for folder in ("vt", "session", "widgets", "newroom"):
        (app / folder).mkdir(parents=True)
        (app / folder / "__init__.py").write_text("")
    (app / "__init__.py").write_text("")
    (app / "vt" / "screen.py").write_text("def f():\n    from app.session import Session\n    return Session\n")
    (app / "session" / "session.py").write_text("from ..widgets import view\nfrom app.vt import screen\n")
    (app / "widgets" / "view.py").write_text("from app.session.session import x\nimport app.vt.screen\n")
    found = layering_violations(app, {k: ALLOWED[k] for k in ("vt", "session", "widgets")})
    assert found == [
        "app/newroom/__init__.py: layer 'newroom' is not in ALLOWED",
        "app/session/session.py:1: session imports widgets",
        "app/vt/screen.py:2: vt imports session",
    ]


def test_every_room_of_the_app_is_placed() -> None:
    rooms = {p.name for p in (ROOT / "app").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    rooms |= {p.stem for p in (ROOT / "app").glob("*.py") if p.stem != "__init__"}
    assert rooms == set(ALLOWED)


def _modules_of(package: str) -> list[str]:
    base = ROOT / package.replace(".", "/")
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
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"{package} pulled in Qt: {out.stdout.strip()}"


def test_layering_check_detects_qt() -> None:
    """The runtime check itself can fail: importing a Qt module is seen."""
    code = "import PySide6.QtCore, sys; print(','.join(m for m in sys.modules if m.startswith('PySide6')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "PySide6.QtCore" in out.stdout


#: The engine modules the widgets may import: its public face, and the vocabularies a view needs (keys it
#: encodes, modes and style flags by name, text width, codec names, the colours a theme hands the engine).
#: The screen's storage is not among them.
VIEW_MAY_IMPORT = {
    "app.vt",
    "app.vt.keys",
    "app.vt.modes",
    "app.vt.style",
    "app.vt.width",
    "app.vt.decoder",
    "app.vt.colours",
}


def engine_reads_outside_the_api(folder: Path) -> list[str]:
    """Widgets reaching into the engine: ``….screen`` attribute reads, or imports of engine internals."""
    problems: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "screen":
                problems.append(f"{path.name}:{node.lineno}: reads .screen")
            elif (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("app.vt")
                and node.module not in VIEW_MAY_IMPORT
            ):
                problems.append(f"{path.name}:{node.lineno}: imports {node.module}")
    return problems


def test_the_widgets_read_the_engine_through_its_read_api() -> None:
    assert engine_reads_outside_the_api(ROOT / "app" / "widgets") == []


def test_reaching_into_the_engine_is_caught(tmp_path: Path) -> None:
    (tmp_path / "view.py").write_text(
        "from app.vt.row import cells_of\nfrom app.vt import Terminal\n\ndef f(t):\n    return t.screen.history\n"
    )
    assert engine_reads_outside_the_api(tmp_path) == ["view.py:1: imports app.vt.row", "view.py:5: reads .screen"]
