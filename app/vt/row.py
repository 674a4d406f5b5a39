"""One screen row, stored as a string.

A row's cells are the characters of one ``str`` of exactly ``cols`` characters: a wide character
is followed by :data:`WIDE_PLACEHOLDER`, combining marks live aside in ``marks`` (rare), and
``styles`` is a list of style ids or ``None`` while every cell is plain.

Strings make the common operations C-level and allocation-light: printing a run is one slice
concatenation, a blank row is a shared constant, and a row scrolled into history is kept as it
is, with nothing copied — the per-cell-list layout this replaced spent most of a scroll copying
and freeing 120-entry lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .width import WIDE_PLACEHOLDER

__all__ = ["BLANK", "HistoryRow", "Line", "cells_of", "text_of"]

BLANK = " "
PH = WIDE_PLACEHOLDER
#: Combining marks kept per cell (xterm keeps 2 by default, at most 10).
MAX_MARKS = 8


class Line:
    """A row on screen; ``wrapped`` records that its text continues on the next row."""

    __slots__ = ("marks", "styles", "text", "wrapped")

    def __init__(
        self,
        text: str,
        styles: list[int] | None = None,
        marks: dict[int, str] | None = None,
        wrapped: bool = False,
    ) -> None:
        self.text = text
        self.styles = styles
        self.marks = marks
        self.wrapped = wrapped

    @property
    def display(self) -> str:
        return text_of(self.text, self.marks)

    def cells(self) -> list[str]:
        return cells_of(self.text, self.marks)

    def style_at(self, x: int) -> int:
        return self.styles[x] if self.styles is not None else 0

    def __repr__(self) -> str:
        return f"Line({self.display!r})"

    # ------------------------------------------------------------ editing
    def set_styles(self, start: int, end: int, sid: int, cols: int) -> None:
        """Give cells [start, end) style *sid*."""
        styles = self.styles
        if styles is None:
            if not sid:
                return
            styles = self.styles = [0] * cols
        styles[start:end] = [sid] * (end - start)

    def drop_marks(self, start: int, end: int) -> None:
        marks = self.marks
        if marks:
            for k in [k for k in marks if start <= k < end]:
                del marks[k]
            if not marks:
                self.marks = None

    def write(self, x: int, cells: str, sid: int, cols: int) -> None:
        """Put *cells* (already laid out, placeholders included) at column *x*.

        A wide character cut in half by the write loses its other half too.
        """
        t = self.text
        end = x + len(cells)
        left = t[:x]
        split_left = x and t[x] == PH
        if split_left:
            left = t[: x - 1] + BLANK
        if end < cols:
            right = t[end:]
            if right[0] == PH:
                right = BLANK + right[1:]
            self.text = left + cells + right
        else:
            self.text = left + cells
        if sid or self.styles is not None:
            self.set_styles(x, end, sid, cols)
        if self.marks:
            self.drop_marks(x - 1 if split_left else x, end)

    def insert_cells(self, x: int, cells: str, sid: int, cols: int) -> None:
        """Open ``len(cells)`` cells at *x* and write *cells* there in style *sid* (ICH of their width then the write,
        or printing them in insert mode), on a row without combining marks and with the cells ending before the edge
        (``x + len(cells) < cols``): one string operation, what is pushed past the edge lost.  A wide character cut at
        *x* goes, both halves; one whose right half is pushed off loses its left half too."""
        n = len(cells)
        t = self.text
        if x and t[x] == PH:
            t = t[: x - 1] + BLANK + BLANK + t[x + 1 :]
        keep = cols - n
        tail = t[x:keep]
        if t[keep] == PH:
            tail = tail[:-1] + BLANK
        self.text = t[:x] + cells + tail
        styles = self.styles
        if styles is not None or sid:
            if styles is None:
                styles = self.styles = [0] * cols
            styles[x:x] = [sid] * n
            del styles[cols:]

    def erase(self, start: int, end: int, bsid: int, cols: int) -> None:
        """Blank cells [start, end), splitting wide characters cut at either edge."""
        if start >= end:
            return
        t = self.text
        if start and t[start] == PH:
            start -= 1
        if end < cols and t[end] == PH:
            end += 1
        # Erasing to the end (EL, a repaint's line ends): a slice and a concatenation less.
        self.text = t[:start] + BLANK * (end - start) if end == cols else t[:start] + BLANK * (end - start) + t[end:]
        if bsid or self.styles is not None:
            self.set_styles(start, end, bsid, cols)
        if self.marks:
            self.drop_marks(start, end)

    def insert_blanks(self, x: int, count: int, bsid: int, cols: int, end: int | None = None) -> None:
        """ICH: open *count* blank cells at *x*; what passes *end* (the right margin, default the edge) is lost."""
        end = cols if end is None else end
        t = self.text
        if (0 < x < cols and t[x] == PH) or (end < cols and t[end] == PH):  # ``unsplit`` only where one is cut
            self.unsplit(x)
            self.unsplit(end)
            t = self.text
        width = end - x
        shifted = BLANK * count + t[x:end]
        kept = shifted[:width]
        cut = len(shifted) > width and shifted[width] == PH
        if cut:
            kept = kept[:-1] + BLANK  # a wide character's right half fell off: its left half goes too
        self.text = t[:x] + kept + t[end:]
        styles = self.styles
        if styles is not None or bsid:
            if styles is None:
                styles = self.styles = [0] * cols
            # In place: open the blanks at x and drop what they push past *end*.  A list op costs per element it
            # touches (a reference count each), so this touches ~2*count elements where rebuilding [x, end) touched
            # ~4*(end - x): a line editor's ICH on a coloured prompt line was ~10,000 instructions of list copies.
            n = count if count < width else width
            styles[x:x] = [bsid] * n
            del styles[end : end + n]
        if self.marks:
            moved: dict[int, str] = {}
            for k, m in self.marks.items():
                if x <= k < end:
                    k += count
                    if k >= end:
                        continue  # pushed past the margin
                moved[k] = m
            if cut:
                moved.pop(end - 1, None)
            self.marks = moved or None

    def delete_before(self, x: int, count: int, bsid: int, cols: int) -> int:
        """*count* backspaces deleting from column *x* (BS then DCH 1, each), without margins or reverse wraparound:
        CUB *count* then DCH *count* from where it stops (``Screen.backspace_delete``); returns that column."""
        x = x - count if x > count else 0
        self.delete_cells(x, count if count <= cols - x else cols - x, bsid, cols)
        return x

    def delete_cells(self, x: int, count: int, bsid: int, cols: int, end: int | None = None) -> None:
        """DCH: remove *count* cells at *x*, pulling the rest left; blanks come in before *end* (the right
        margin, default the edge)."""
        end = cols if end is None else end
        t = self.text
        if (0 < x < cols and t[x] == PH) or (end < cols and t[end] == PH):  # ``unsplit`` only where one is cut
            self.unsplit(x)
            self.unsplit(end)
            t = self.text
        kept = t[x + count : end]
        if kept and kept[0] == PH:
            kept = BLANK + kept[1:]  # a wide character lost its left half
        # Without a right margin nothing follows *end* (a line editor's DCH): a slice and a concatenation less.
        self.text = t[:x] + kept + BLANK * count if end == cols else t[:x] + kept + BLANK * count + t[end:]
        styles = self.styles
        if styles is not None or bsid:
            if styles is None:
                styles = self.styles = [0] * cols
            # In place, as ``insert_blanks``: drop *count* at x, open the blanks that come in before *end*.
            del styles[x : x + count]
            styles[end - count : end - count] = [bsid] * count
        if self.marks:
            self.marks = {
                (k - count if x + count <= k < end else k): m for k, m in self.marks.items() if not x <= k < x + count
            } or None

    def unsplit(self, x: int) -> None:
        """A wide character standing across the boundary before column *x* (its right half at *x*) is
        blanked, both halves, as xterm does before an edit that would cut it."""
        t = self.text
        if 0 < x < len(t) and t[x] == PH:
            self.text = t[: x - 1] + BLANK + BLANK + t[x + 1 :]
            if self.marks:
                self.drop_marks(x - 1, x + 1)

    def copy_span(self, start: int, end: int) -> tuple[str, list[int] | None, dict[int, str] | None]:
        """Cells [start, end): their text, styles (``None`` when plain) and marks (by offset from *start*)."""
        styles = self.styles[start:end] if self.styles is not None else None
        marks = {k - start: m for k, m in self.marks.items() if start <= k < end} if self.marks else None
        return self.text[start:end], styles, marks or None

    def paste_span(
        self, start: int, text: str, styles: list[int] | None, marks: dict[int, str] | None, cols: int
    ) -> None:
        """Put cells from :meth:`copy_span` at *start* (the caller keeps wide characters whole at both ends)."""
        end = start + len(text)
        t = self.text
        self.text = t[:start] + text + t[end:]
        if styles is not None and any(styles):
            if self.styles is None:
                self.styles = [0] * cols
            self.styles[start:end] = styles
        elif self.styles is not None:
            self.styles[start:end] = [0] * (end - start)
        if self.marks:
            self.drop_marks(start, end)
        if marks:
            if self.marks is None:
                self.marks = {}
            for k, m in marks.items():
                self.marks[start + k] = m

    def attach_mark(self, x: int, mark: str) -> None:
        """Add a combining mark to the cell at *x* (the left half of a wide character)."""
        if x and self.text[x] == PH:
            x -= 1
        if self.marks is None:
            self.marks = {}
        marks = self.marks.get(x, "")
        if len(marks) < MAX_MARKS:  # bounded, like xterm: hostile output cannot grow a cell
            self.marks[x] = marks + mark

    def fit(self, cols: int) -> None:
        """Truncate or pad to *cols* cells (resize: no reflow, as xterm)."""
        t = self.text
        n = len(t)
        if n > cols:
            if t[cols] == PH:
                t = t[: cols - 1] + BLANK
            self.text = t[:cols]
            if self.styles is not None:
                del self.styles[cols:]
            if self.marks:
                self.drop_marks(cols, n)
        elif n < cols:
            self.text = t + BLANK * (cols - n)
            if self.styles is not None:
                self.styles.extend([0] * (cols - n))


class HistoryRow(NamedTuple):
    """A row in the scrollback, frozen as it scrolled off."""

    text: str
    styles: tuple[int, ...] | None
    marks: dict[int, str] | None
    wrapped: bool

    @property
    def display(self) -> str:
        return text_of(self.text, self.marks)

    def cells(self) -> list[str]:
        return cells_of(self.text, self.marks)

    def style_list(self) -> list[int]:
        return list(self.styles) if self.styles is not None else [0] * len(self.text)


def text_of(text: str, marks: dict[int, str] | None) -> str:
    """Row text as shown: wide characters once, combining marks after their base."""
    if not marks:
        return text.replace(PH, "")
    return "".join(cells_of(text, marks))


def cells_of(text: str, marks: Mapping[int, str] | None) -> list[str]:
    """One string per cell: ``""`` for a wide character's right half, marks joined to their base."""
    cells = ["" if c == PH else c for c in text]
    if marks:
        for x, m in marks.items():
            if x < len(cells):
                cells[x] += m
    return cells
