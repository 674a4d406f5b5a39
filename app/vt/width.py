"""Cell widths of printable runs.

The screen stores one string per cell: a wide character occupies its cell and the next one,
which holds :data:`WIDE_PLACEHOLDER`, and a zero-width (combining) character joins the cell
before it.

Widths come from wcwidth.  Asking it one character at a time would put a Python call on every
printed character, so instead a ``str.translate`` table does the layout in C: it maps a wide
character to itself plus the placeholder and a zero-width one to a marker that sends the run to
the (rare) per-character path.  The table fills lazily from wcwidth as characters are first
seen, and is bounded.
"""

from __future__ import annotations

from functools import lru_cache

from wcwidth import wcwidth as _wcwidth

__all__ = ["WIDE_PLACEHOLDER", "ZERO_MARK", "cell_map", "char_width", "layout", "text_width"]

#: What the second cell of a wide character holds (NUL never reaches a cell otherwise).
WIDE_PLACEHOLDER = "\x00"
ZERO_MARK = "\x01"
_CACHE_LIMIT = 200_000


@lru_cache(maxsize=65536)
def char_width(ch: str) -> int:
    """Width of one printable character: 0, 1 or 2 (controls count as 0)."""
    w = _wcwidth(ch)
    return 0 if w < 0 else w


class _CellMap(dict[int, "int | str"]):
    """``str.translate`` table filled on demand from wcwidth."""

    def __missing__(self, code: int) -> int | str:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        ch = chr(code)
        w = char_width(ch)
        value: int | str
        if w == 2:
            value = ch + WIDE_PLACEHOLDER
        elif w == 0:
            value = ZERO_MARK + ch
        else:
            value = code
        self[code] = value
        return value


#: ``text.translate(cell_map)`` lays out a run with no combining marks.
cell_map = _CellMap()
_CELL_MAP = cell_map


def text_width(text: str) -> int:
    """Columns *text* occupies when printed from a fresh cell."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


def layout(text: str) -> tuple[list[str], str]:
    """Turn a printable run into cells.

    Returns ``(cells, leading_combining)``: *leading_combining* is the zero-width characters at
    the start of the run, which belong to the cell before the cursor, and *cells* has one entry
    per column (wide characters followed by the placeholder, combining marks appended to their
    base character).
    """
    if text.isascii():
        return list(text), ""
    mapped = text.translate(_CELL_MAP)
    if ZERO_MARK not in mapped:
        return list(mapped), ""
    # Rare: combining marks present.  Per character, with the width cache.
    cells: list[str] = []
    lead: list[str] = []
    for ch in text:
        w = char_width(ch)
        if w == 0:
            if not cells:
                lead.append(ch)
                continue
            j = len(cells) - 1
            if cells[j] == WIDE_PLACEHOLDER and j > 0:
                j -= 1
            cells[j] += ch
        elif w == 2:
            cells.append(ch)
            cells.append(WIDE_PLACEHOLDER)
        else:
            cells.append(ch)
    return cells, "".join(lead)
