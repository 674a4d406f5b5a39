"""One command, two views: run it once on a pty (ConPTY on Windows) and once through plain pipes, and compare.

DESIGN §4 calls this the honest way to teach where mojibake comes from: the pipe view is the exact bytes the
program wrote (what PowerShell 5.1, ``| more`` or test2json decode); the pty view is what a terminal receives after
the line discipline (POSIX: ``\\n`` → ``\\r\\n``) or after conhost decoded and re-encoded the text (ConPTY). Programs
also behave differently when their output is not a terminal (colour, buffering, column layout). Both sessions are
made by the one session factory; the comparison is headless (the widget only shows it).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
from dataclasses import dataclass

from app.pty import SourceError
from app.pty.profiles import SessionPlan
from app.session.factory import default_backend, live_session

__all__ = ["MAX_COMPARED", "TwoViews", "View", "compare", "run_two_views"]

#: Bytes compared byte by byte (difflib is quadratic at worst); past it the views are still shown, not compared.
MAX_COMPARED = 64 * 1024


@dataclass(frozen=True)
class View:
    """One run: the backend, the bytes it delivered, the screen (history then display rows), the exit status
    (``None``: it did not end in time, or could not start — ``error`` says which)."""

    backend: str
    data: bytes
    rows: tuple[str, ...]
    status: int | None
    error: str = ""


@dataclass(frozen=True)
class TwoViews:
    """Both runs, the screen rows that differ, and the byte ranges that differ (``(tag, a0, a1, b0, b1)`` as
    difflib's opcodes, equal runs left out)."""

    terminal: View
    pipe: View
    differing_rows: tuple[int, ...]
    byte_changes: tuple[tuple[str, int, int, int, int], ...]
    compared: bool = True

    def summary(self) -> str:
        """One line for the status bar."""
        if not self.compared:
            return f"{len(self.differing_rows)} rows differ; bytes too long to compare (over {MAX_COMPARED})"
        extra = sum(b1 - b0 for tag, _a0, _a1, b0, b1 in self.byte_changes if tag in ("insert", "replace"))
        gone = sum(a1 - a0 for tag, a0, a1, _b0, _b1 in self.byte_changes if tag in ("delete", "replace"))
        return (
            f"{len(self.differing_rows)} screen rows differ; {len(self.byte_changes)} byte differences "
            f"({gone} bytes only on the {self.terminal.backend} side, {extra} only through the pipe)"
        )


def compare(terminal: View, pipe: View) -> TwoViews:
    """The differences between two views of one run."""
    rows = max(len(terminal.rows), len(pipe.rows))
    differing = tuple(
        i
        for i in range(rows)
        if (terminal.rows[i] if i < len(terminal.rows) else "") != (pipe.rows[i] if i < len(pipe.rows) else "")
    )
    if len(terminal.data) > MAX_COMPARED or len(pipe.data) > MAX_COMPARED:
        return TwoViews(terminal, pipe, differing, (), compared=False)
    matcher = difflib.SequenceMatcher(None, terminal.data, pipe.data, autojunk=False)
    changes = tuple(op for op in matcher.get_opcodes() if op[0] != "equal")
    return TwoViews(terminal, pipe, differing, changes)


async def _run_one(plan: SessionPlan, backend: str, *, cwd: str | None, cols: int, rows: int, timeout: float) -> View:
    try:
        session = live_session(plan, backend=backend, cwd=cwd, cols=cols, rows=rows, replies=True)
    except (SourceError, OSError) as exc:
        return View(backend, b"", (), None, f"could not start on {backend}: {exc}")
    status: int | None = None
    error = ""
    try:
        status = await asyncio.wait_for(session.run(), timeout)
    except asyncio.TimeoutError:
        error = f"still running after {timeout:g} s: stopped"
    except (SourceError, OSError) as exc:
        error = f"failed on {backend}: {exc}"
    finally:
        with contextlib.suppress(SourceError, OSError):
            await session.close()
    log = session.bytelog
    data = log.slice(log.start_offset, clamp=True)
    term = session.terminal
    screen = [row.rstrip() for row in (*term.history, *term.display)]
    while screen and not screen[-1].strip():
        screen.pop()
    return View(backend, data, tuple(screen), status, error)


async def run_two_views(
    plan: SessionPlan,
    *,
    cwd: str | None = None,
    cols: int = 80,
    rows: int = 24,
    timeout: float = 30.0,
    terminal_backend: str | None = None,
) -> TwoViews:
    """Run ``plan`` on the terminal backend (default: the platform's, a pty or ConPTY) and through pipes, one after
    the other (so they do not race for the same files), and compare."""
    terminal = await _run_one(
        plan, terminal_backend or default_backend(), cwd=cwd, cols=cols, rows=rows, timeout=timeout
    )
    pipe = await _run_one(plan, "pipe", cwd=cwd, cols=cols, rows=rows, timeout=timeout)
    return compare(terminal, pipe)
