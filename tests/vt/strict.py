"""A terminal for engine tests that must see every internal error (the engine swallows them for users)."""

from __future__ import annotations

from app.vt import Terminal


def strict_terminal(data: str = "", cols: int = 10, rows: int = 5) -> Terminal:
    """A ``cols`` x ``rows`` terminal that raises its internal errors, fed ``data``."""
    t = Terminal(cols=cols, rows=rows)
    t.raise_internal_errors = True
    if data:
        t.feed(data.encode())
    return t


def rows(t: Terminal) -> list[str]:
    """The visible rows with trailing blanks removed."""
    return [r.rstrip() for r in t.display]
