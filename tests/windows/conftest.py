"""The Windows lane's tests: run by tests/windows/run.sh with the Windows CPython under Wine (tests/windows/winpy).

They start real Windows programs (cmd.exe, a cross-compiled Go test binary) on the real Win32 APIs: Wine's
pseudo console, its conhost, pipes, AttachConsole. What they cannot show is what only Windows' own conhost does
(docs/windows.md). The Linux run never collects this folder (pyproject.toml's addopts ignore it).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

if sys.platform != "win32":  # pragma: no cover - a guard, not a skip
    raise pytest.UsageError("tests/windows runs in the Windows lane: bash tests/windows/run.sh")

from app.pty import SpawnSpec, spawn
from app.pty._win32 import is_wine
from app.pty.base import Source
from app.pty.probes import oem_code_page

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
LANE = Path(os.environ.get("MOJISCOPE_WINLANE", REPO / ".winlane"))
#: The code page a new console starts at: under Wine 437 whatever the locale (measured), on Windows the OEM code
#: page of the system's locale (437 in the US, 936 in China).
START_CP = 437 if is_wine() else int(oem_code_page() or 437)


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


@pytest.fixture(scope="session")
def gowrite() -> str:
    """The Go test program (tests/windows/gowrite), cross-compiled for Windows by the lane's setup."""
    exe = LANE / "go" / "gowrite.test.exe"
    if not exe.is_file():
        raise pytest.UsageError(f"{exe} is missing: run bash tests/windows/setup.sh")
    return str(exe)


async def drain(source: Source) -> tuple[bytes, int]:
    out = bytearray()
    while (chunk := await source.read()) is not None:
        out += chunk.data
    return bytes(out), await source.wait()


def output_of(argv: Sequence[str], backend: str = "conpty-inbox", **spec: Any) -> tuple[bytes, int]:
    """Run ``argv`` on ``backend`` to its end: every byte that came out, and the exit status."""

    async def go() -> tuple[bytes, int]:
        source = spawn(SpawnSpec(list(argv), **spec), backend)
        await source.start()
        try:
            return await drain(source)
        finally:
            await source.close()

    return run(go())


def cmd_at(code_page: int, command: str) -> list[str]:
    """cmd.exe switching its console to ``code_page`` quietly, then running ``command``."""
    return ["cmd.exe", "/c", f"chcp {code_page}>nul & {command}"]
