"""Find in the terminal: text or a regular expression through the scrollback and the screen.

What the find bar shows, computed without Qt. The search runs on *logical* lines — rows joined where
the program's text wrapped (a soft wrap), so a word broken by the right margin is still found — over
each row's characters (a wide character once; combining marks are not searched). Matches come back as
cell ranges in the view's absolute rows (history first, then the screen), ready to paint.

Why one regex pass over one joined string: the scrollback can hold 10,000 rows of 120 cells, and
``re.finditer`` over a megabyte runs in C in milliseconds, while walking cells in Python would not keep
up with typing. Only the matches found are mapped back to cells, and at most :data:`MATCH_LIMIT` of them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from app.vt import WIDE_TAIL, Terminal

__all__ = ["MATCH_LIMIT", "FindMatch", "FindResult", "find_in_terminal"]

#: Matches mapped and shown at most; beyond, the count says "N+" (a regex like ``.`` matches every cell).
MATCH_LIMIT = 10_000

Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class FindMatch:
    """One match: from cell ``start`` to cell ``end`` inclusive, in absolute rows (``end`` may be on a later
    row when the match crosses a soft wrap; a wide last character ends on its right half)."""

    start: Cell
    end: Cell

    def spans(self, cols: int) -> list[tuple[int, int, int]]:
        """``(abs_row, first_col, end_col)`` per row the match covers (``end_col`` exclusive)."""
        (r0, c0), (r1, c1) = self.start, self.end
        if r0 == r1:
            return [(r0, c0, c1 + 1)]
        return [(r0, c0, cols), *((r, 0, cols) for r in range(r0 + 1, r1)), (r1, 0, c1 + 1)]


@dataclass(frozen=True)
class FindResult:
    """Every match in reading order (at most :data:`MATCH_LIMIT`), whether more were left out, and the error
    of an invalid pattern (then there are no matches)."""

    matches: tuple[FindMatch, ...] = ()
    truncated: bool = False
    error: str | None = None

    def count_text(self) -> str:
        if self.error is not None:
            return self.error
        if not self.matches:
            return "no matches"
        n = len(self.matches)
        return f"{n:,}+ matches" if self.truncated else f"{n:,} match" + ("" if n == 1 else "es")

    def nearest(self, cell: Cell, forward: bool = True) -> int | None:
        """Index of the first match after ``cell`` (or before it, going back), wrapping around; ``None`` if none."""
        if not self.matches:
            return None
        starts = [m.start for m in self.matches]
        if forward:
            i = bisect.bisect_right(starts, cell)
            return i if i < len(starts) else 0
        i = bisect.bisect_left(starts, cell) - 1
        return i if i >= 0 else len(starts) - 1


def compile_pattern(pattern: str, *, regex: bool, case: bool) -> re.Pattern[str]:
    """The pattern to search with; raises ``ValueError`` with a readable reason for a bad regular expression."""
    flags = re.MULTILINE if case else re.MULTILINE | re.IGNORECASE
    try:
        return re.compile(pattern if regex else re.escape(pattern), flags)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None


def find_in_terminal(
    terminal: Terminal, pattern: str, *, regex: bool = False, case: bool = False, limit: int = MATCH_LIMIT
) -> FindResult:
    """Every occurrence of ``pattern`` in ``terminal``'s scrollback and screen (see the module docstring).

    An empty pattern finds nothing; a match of zero width (``^``, ``\\b``) is skipped.
    """
    if not pattern:
        return FindResult()
    try:
        compiled = compile_pattern(pattern, regex=regex, case=case)
    except ValueError as exc:
        return FindResult(error=str(exc))
    rows = terminal.history_size + terminal.rows
    # The searched text: each logical line's characters, lines separated by "\n" (so "." and "$" stay in a line).
    pieces: list[str] = []
    row_starts: list[int] = []  # offset of each absolute row's first character in the joined text
    row_texts: list[str] = []
    offset = 0
    for abs_row in range(rows):
        row = terminal.row(abs_row)
        text = "" if row is None else row.text
        row_texts.append(text)
        chars = text.replace(WIDE_TAIL, "") if WIDE_TAIL in text else text
        wrapped = row is not None and row.wrapped and abs_row + 1 < rows
        if not wrapped:
            chars = chars.rstrip(" ")
        elif chars.endswith(" ") and _starts_wide(terminal, abs_row + 1):
            # A wide character that did not fit in the last column went to the next row and left a blank
            # behind: that cell is padding, not text (a real space there is indistinguishable, and rarer).
            chars = chars[:-1]
        row_starts.append(offset)
        pieces.append(chars if wrapped else chars + "\n")
        offset += len(pieces[-1])
    joined = "".join(pieces)
    matches: list[FindMatch] = []
    truncated = False
    for m in compiled.finditer(joined):
        a, b = m.span()
        if a == b:
            continue
        if len(matches) >= limit:
            truncated = True
            break
        last = b - 1
        if joined[last] == "\n":  # a pattern that takes the line end: the match ends on the line's last cell
            last -= 1
            if last < a:
                continue
        end_row, end_col = _cell_of(last, row_starts, row_texts)
        if end_col + 1 < len(row_texts[end_row]) and row_texts[end_row][end_col + 1] == WIDE_TAIL:
            end_col += 1  # a wide last character: the match ends on its right half
        matches.append(FindMatch(_cell_of(a, row_starts, row_texts), (end_row, end_col)))
    return FindResult(tuple(matches), truncated)


def _starts_wide(terminal: Terminal, abs_row: int) -> bool:
    row = terminal.row(abs_row)
    return row is not None and len(row.text) > 1 and row.text[1] == WIDE_TAIL


def _cell_of(char_offset: int, row_starts: list[int], row_texts: list[str]) -> Cell:
    """The cell of the character at ``char_offset`` of the joined text."""
    abs_row = bisect.bisect_right(row_starts, char_offset) - 1
    k = char_offset - row_starts[abs_row]
    text = row_texts[abs_row]
    if WIDE_TAIL not in text:
        return abs_row, min(k, max(0, len(text) - 1))
    seen = -1
    for col, ch in enumerate(text):
        if ch != WIDE_TAIL:
            seen += 1
            if seen == k:
                return abs_row, col
    return abs_row, max(0, len(text) - 1)
