"""What a Ctrl+click on the terminal would open: source locations in the output and OSC 8 hyperlinks.

Locations are what ``go test`` and compilers print — ``mojidemo_test.go:29:``, ``./main.go:12:5:``, a panic's
``/home/u/src/x/y.go:123 +0x1d`` — found in the *logical* line under the pointer (rows joined at soft wraps,
so a long path broken by the margin is still one path). Only files with a source-like extension count, so
``example.com:8080`` is not taken for line 8080 of a file.

Nothing opens without the user: the view shows what a target is on hover and acts on Ctrl+click. Links with
a scheme other than http, https and file are refused (``javascript:``, ``data:``, custom schemes that start
programs), and so are file names a shell would treat specially. Relative paths are resolved against the
session's folders, then searched for by name under them (bounded: a click never walks a whole disk).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.vt import WIDE_TAIL, Terminal

__all__ = [
    "SEARCH_LIMIT",
    "LinkVerdict",
    "Location",
    "check_link",
    "location_at",
    "logical_line",
    "resolve_location",
]

#: Directory entries looked at, at most, when a relative location is searched for by name.
SEARCH_LIMIT = 20_000
#: Folders never searched (version control, dependencies, caches).
_SKIPPED = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", "__pycache__", ".venv", ".cache"})
_EXTENSIONS = (
    "go|mod|sum|s|py|pyi|rs|c|cc|cpp|cxx|h|hh|hpp|m|mm|js|mjs|cjs|ts|tsx|jsx|java|kt|kts|scala|rb|cs|fs|swift"
    "|php|pl|lua|sh|bash|zsh|ps1|bat|cmd|yaml|yml|toml|json|xml|html|css|md|txt|proto|sql|tf|cfg|ini|dart|zig"
)
#: ``path.ext:LINE`` then ``:COL``, a colon, `` +0x`` (a Go stack frame), or the end of the word.
_LOCATION = re.compile(
    r"(?<![\w.\-/\\])"
    r"(?P<path>(?:[A-Za-z]:[\\/])?[\w.\-/\\]*?[\w\-]\.(?:" + _EXTENSIONS + r"))"
    r":(?P<line>\d{1,7})(?::(?P<col>\d{1,5}))?(?=:|\s|$|\)|,)",
    re.UNICODE,
)
_SAFE_PATH = re.compile(r"[\w.\-/\\: ]+", re.UNICODE)

Cell = tuple[int, int]


@dataclass(frozen=True)
class Location:
    """A source location in the output: ``path`` as printed, its line (and column), and the cells it covers."""

    path: str
    line: int
    col: int | None
    start: Cell
    end: Cell

    def label(self) -> str:
        return f"{self.path}:{self.line}" + (f":{self.col}" if self.col is not None else "")


@dataclass(frozen=True)
class LinkVerdict:
    """Whether an OSC 8 link may be opened, and what the user is shown: the target, or why not."""

    allowed: bool
    scheme: str
    text: str
    #: For ``file:`` links, the local path.
    path: str | None = None


def logical_line(terminal: Terminal, abs_row: int) -> tuple[str, list[Cell]]:
    """The logical line through ``abs_row`` (rows joined at soft wraps) and the cell of each of its characters."""
    first = abs_row
    while first > 0:
        above = terminal.row(first - 1)
        if above is None or not above.wrapped:
            break
        first -= 1
    chars: list[str] = []
    cells: list[Cell] = []
    row_no = first
    while True:
        row = terminal.row(row_no)
        if row is None:
            break
        for col, ch in enumerate(row.text):
            if ch != WIDE_TAIL:
                chars.append(ch)
                cells.append((row_no, col))
        if not row.wrapped:
            break
        row_no += 1
    return "".join(chars), cells


def location_at(terminal: Terminal, cell: Cell) -> Location | None:
    """The source location printed over ``cell``, if any."""
    text, cells = logical_line(terminal, cell[0])
    if not text:
        return None
    for m in _LOCATION.finditer(text):
        a, b = m.span()
        if cells[a] <= cell <= cells[b - 1]:
            col = m.group("col")
            return Location(m.group("path"), int(m.group("line")), int(col) if col else None, cells[a], cells[b - 1])
    return None


def check_link(uri: str) -> LinkVerdict:
    """An OSC 8 target judged before anything opens it."""
    try:
        parts = urlsplit(uri.strip())
    except ValueError:
        return LinkVerdict(False, "", "refused: not a valid link")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.netloc:
            return LinkVerdict(False, scheme, "refused: a web link without a host")
        return LinkVerdict(True, scheme, uri.strip())
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return LinkVerdict(False, scheme, f"refused: a file on another machine ({parts.netloc})")
        path = unquote(parts.path)
        if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):
            path = path[1:]
        return LinkVerdict(True, scheme, path, path=path)
    shown = scheme or "no scheme"
    return LinkVerdict(False, scheme, f"refused: only http, https and file links open ({shown}:)")


def resolve_location(path: str, bases: list[str], *, limit: int = SEARCH_LIMIT) -> str | None:
    """The file a location names: as given when absolute, else under the first of ``bases`` where it exists,
    else the first file found under a base whose path ends with it (``mojidemo_test.go`` printed by
    ``go test`` is relative to its package's folder, which may lie below the folder the run started in).
    ``None`` when there is no such file or the name is not a plain path."""
    if not _SAFE_PATH.fullmatch(path):
        return None
    candidate = Path(path)
    if candidate.is_absolute():
        return str(candidate) if candidate.is_file() else None
    for base in bases:
        joined = Path(base) / candidate
        if joined.is_file():
            return str(joined.resolve())
    wanted = Path(path.replace("\\", "/")).parts
    wanted = tuple(p for p in wanted if p not in (".", ""))
    if not wanted or ".." in wanted:
        return None
    seen = 0
    for base in bases:
        for folder, dirs, files in os.walk(base):
            seen += len(dirs) + len(files)
            if seen > limit:
                return None
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
            if wanted[-1] in files:
                found = Path(folder) / wanted[-1]
                if found.parts[-len(wanted) :] == wanted:
                    return str(found.resolve())
    return None
