"""Helpers for engine tests: a terminal that must see every internal error (the engine swallows them for users),
its rows, and the whole state two ways of feeding the same bytes must agree on."""

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


def full_state(t: Terminal) -> tuple[object, ...]:
    """Everything a fast path must leave as the general path does: every row (text, styles, marks, wrap) of the
    history and both screens, the cursor, pending wrap, REP's character, the pen, margins, modes and replies."""
    screen = t.screen

    def rows_of(lines: object) -> list[tuple[object, ...]]:
        return [
            (line.text, None if line.styles is None else list(line.styles), line.marks, line.wrapped)
            for line in lines  # type: ignore[attr-defined]
        ]

    return (
        rows_of(screen.history),
        rows_of(screen.main_lines),
        rows_of(screen.alt_lines),
        t.cursor,
        screen.pending_wrap,
        screen.last_char if t.parser.after_print else "",
        screen.sid,
        (screen.top, screen.bottom, screen.left, screen.right),
        t.modes,
        sorted(screen.ansi_modes),
        sorted(screen.dec_modes),
        (screen.insert, screen.autowrap, screen.origin, screen.newline_mode, screen.cursor_visible),
        t.take_replies(),
    )
