"""Reference oracles for the VT engine: xterm.js (primary) and tmux (second opinion).

Why: the engine targets xterm behaviour and is judged on unseen streams against mature
emulators. We cannot run a real xterm headless, but xterm.js (``@xterm/headless``) mirrors
xterm closely and runs in node; tmux is an independent C implementation whose opinion is
useful where xterm.js might be wrong (tmux is *not* xterm, see ``tmux_oracle.py``).

Both oracles return :class:`Result` in the engine's conventions (``app.vt.Terminal``):
``display`` rows padded with spaces to the row width in cells, a wide char appears once,
cursor 0-based with the pending-wrap column clamped to ``cols - 1``.

Usage::

    from reference.oracle import Case, run_xterm, run_tmux
    results = run_xterm([Case(80, 24, b"hello")])        # one node process per batch

In pytest, import ``xterm_oracle_fixture`` / ``tmux_oracle_fixture`` into the test module
(that registers them) and request the fixtures ``xterm_oracle`` / ``tmux_oracle``: they
skip (loudly) only when node / the npm package / tmux are really missing.

CI needs (Debian/Ubuntu)::

    apt-get install -y nodejs npm tmux
    npm ci --prefix tests/vt/reference
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
XTERM_SCRIPT = HERE / "xterm_headless.js"
XTERM_PACKAGE = HERE / "node_modules" / "@xterm" / "headless"

INSTALL_HINT = (
    "install the reference oracles: `apt-get install -y nodejs npm tmux` and "
    "`npm ci --prefix tests/vt/reference`"
)


@dataclass(frozen=True)
class Case:
    """One stream to render: terminal size and the raw bytes a program wrote."""

    cols: int
    rows: int
    data: bytes
    scrollback: int = 10_000

    def to_json(self) -> dict[str, object]:
        return {
            "cols": self.cols,
            "rows": self.rows,
            "scrollback": self.scrollback,
            "data_b64": base64.b64encode(self.data).decode("ascii"),
        }


@dataclass
class Result:
    """A rendered screen in Mojiscope's conventions (see module docstring)."""

    display: list[str]
    cursor: tuple[int, int]
    history: list[str] = field(default_factory=list)
    alt: bool = False
    error: str | None = None

    def stripped(self) -> list[str]:
        """Rows with trailing spaces removed: the comparison form used by the tests."""
        return [row.rstrip(" ") for row in self.display]


class OracleUnavailable(RuntimeError):
    """Raised when a reference emulator is not installed (tests turn this into a skip)."""


def node_binary() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def xterm_available() -> str | None:
    """Return None if the xterm.js oracle can run, else the reason it cannot."""
    if node_binary() is None:
        return "node is not installed"
    if not XTERM_PACKAGE.is_dir():
        return f"@xterm/headless is not installed in {HERE / 'node_modules'}"
    return None


def tmux_available() -> str | None:
    """Return None if the tmux oracle can run, else the reason it cannot."""
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    return None


def run_xterm(cases: Sequence[Case], timeout: float = 600.0) -> list[Result]:
    """Render every case with xterm.js in ONE node process (startup costs ~100 ms)."""
    reason = xterm_available()
    if reason is not None:
        raise OracleUnavailable(f"{reason}; {INSTALL_HINT}")
    node = node_binary()
    assert node is not None
    payload = json.dumps([c.to_json() for c in cases])
    proc = subprocess.run(
        [node, str(XTERM_SCRIPT)],
        input=payload.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        cwd=HERE,
        check=False,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"xterm.js oracle failed ({proc.returncode}): {err}")
    raw = json.loads(proc.stdout.decode("utf-8"))
    out: list[Result] = []
    for item in raw:
        if "error" in item:
            out.append(Result(display=[], cursor=(-1, -1), error=str(item["error"])))
            continue
        row, col = item["cursor"]
        out.append(
            Result(
                display=list(item["display"]),
                cursor=(int(row), int(col)),
                history=list(item["history"]),
                alt=bool(item.get("alt", False)),
            )
        )
    return out


def run_tmux(case: Case) -> Result:
    """Render one case with tmux (a fresh private server per call)."""
    reason = tmux_available()
    if reason is not None:
        raise OracleUnavailable(f"{reason}; {INSTALL_HINT}")
    from .tmux_oracle import render  # local import: keeps this module importable alone

    return render(case)


def _skip_or_fail(reason: str) -> None:
    """Skip loudly; with ``MOJISCOPE_REQUIRE_ORACLES=1`` (set it in CI) fail instead, so a
    broken install cannot silently turn the reference tests into skips."""
    message = f"REFERENCE ORACLE MISSING: {reason}. {INSTALL_HINT}"
    if os.environ.get("MOJISCOPE_REQUIRE_ORACLES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", name="xterm_oracle")
def xterm_oracle_fixture() -> Callable[[Sequence[Case]], list[Result]]:
    """The xterm.js batch renderer; skips only if node or @xterm/headless is missing."""
    reason = xterm_available()
    if reason is not None:
        _skip_or_fail(reason)
    return run_xterm


@pytest.fixture(scope="session", name="tmux_oracle")
def tmux_oracle_fixture() -> Callable[[Case], Result]:
    """The tmux renderer; skips only if tmux is missing."""
    reason = tmux_available()
    if reason is not None:
        _skip_or_fail(reason)
    return run_tmux
