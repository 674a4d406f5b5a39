"""Golden tests: real programs' output (captured on a real pty) against xterm.js' screen.

Why: vim, less, top, htop, ls --color and ``go test -v`` are what users will run; their
bytes were captured once by ``tests/vt/golden/capture.py`` and the expected screens were
made by the independent xterm.js oracle, so these tests need neither the programs nor
node - only the committed ``tests/vt/golden/data/NAME.{bytes,json}``.

Each capture is fed whole and in random small pieces (splitting UTF-8 characters and
escape sequences), because a pty delivers reads at arbitrary boundaries.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(_HERE.parents[1]))

DATA = _HERE / "golden" / "data"
NAMES = sorted(p.stem for p in DATA.glob("*.json"))


def _load(name: str) -> tuple[dict[str, Any], bytes]:
    meta = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return meta, (DATA / f"{name}.bytes").read_bytes()


def _feed(meta: dict[str, Any], data: bytes, pieces: list[bytes] | None = None) -> Any:
    from app.vt import Terminal

    t = Terminal(cols=meta["cols"], rows=meta["rows"])
    for piece in pieces if pieces is not None else [data]:
        t.feed(piece)
    return t


def _random_pieces(data: bytes, seed: str, max_len: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    pieces, i = [], 0
    while i < len(data):
        n = rng.randint(1, max_len)
        pieces.append(data[i : i + n])
        i += n
    return pieces


def _diff(expected: list[str], actual: list[str]) -> str:
    out = []
    for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
        if e != a:
            out.append(f"row {i:2}: expected |{e}|\n        actual   |{a}|")
    if len(expected) != len(actual):
        out.append(f"row count: expected {len(expected)}, actual {len(actual)}")
    return "\n".join(out)


def test_goldens_exist() -> None:
    assert len(NAMES) >= 10, f"golden captures missing in {DATA}; run tests/vt/golden/capture.py"
    for name in NAMES:
        assert (DATA / f"{name}.bytes").exists(), name


@pytest.mark.parametrize("split", ["whole", "pieces"])
@pytest.mark.parametrize("name", NAMES)
def test_golden_screen(name: str, split: str) -> None:
    meta, data = _load(name)
    pieces = _random_pieces(data, f"golden:{name}") if split == "pieces" else None
    t = _feed(meta, data, pieces)
    expected = [row.rstrip(" ") for row in meta["expected"]["display"]]
    actual = [row.rstrip(" ") for row in t.display]
    assert actual == expected, f"{name} ({split}) screen differs:\n{_diff(expected, actual)}"
    assert tuple(t.cursor) == tuple(meta["expected"]["cursor"]), f"{name} ({split}) cursor"


@pytest.mark.parametrize("name", NAMES)
def test_golden_history(name: str) -> None:
    meta, data = _load(name)
    t = _feed(meta, data)
    expected = [row.rstrip(" ") for row in meta["expected"]["history"]]
    actual = [row.rstrip(" ") for row in t.history]
    assert actual == expected, f"{name} scrollback differs:\n{_diff(expected, actual)}"
