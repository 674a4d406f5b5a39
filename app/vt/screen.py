"""The screen model: cells, cursor, margins, modes and scrollback, with xterm's semantics.

Rows are :class:`~app.vt.row.Line` objects holding their cells as one string (see ``row.py``).
The screen knows nothing of bytes or escape sequences: the dispatcher calls its methods by
meaning (``cursor_up``, ``erase_in_line``…).

Cursor convention (DESIGN §2): ``x`` never exceeds ``cols - 1``; writing the last column sets
``pending_wrap`` instead, and the next printable character wraps first (DECAWM).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, repeat

from . import modes as M
from .charsets import TranslationTable, translation_table
from .row import BLANK, HistoryRow, Line
from .style import BG_FIELD, LINK_FIELD, LINK_SHIFT, PackedStyles, Style, apply_sgr, pack, unpack
from .width import WIDE_PLACEHOLDER, ZERO_MARK, cells, cells_each

__all__ = ["HistoryRow", "Line", "SavedCursor", "Screen"]

PH = WIDE_PLACEHOLDER


@dataclass
class SavedCursor:
    """What DECSC saves and DECRC restores."""

    x: int = 0
    y: int = 0
    pending_wrap: bool = False
    sid: int = 0  # the pen, a packed style id
    origin: bool = False
    autowrap: bool = True
    charsets: list[str] = field(default_factory=lambda: ["B", "B", "B", "B"])
    gl: int = 0


class Screen:
    """A grid of cells with xterm behaviour."""

    def __init__(self, cols: int = 80, rows: int = 24, scrollback: int = 10_000) -> None:
        self.cols = max(1, cols)
        self.rows = max(1, rows)
        self.scrollback = max(0, scrollback)
        #: ``styles[sid]`` is the :class:`Style` of a cell's id (ids are packed styles: no table).
        self.styles = PackedStyles()
        self.history: deque[HistoryRow] = deque(maxlen=self.scrollback or 1)
        #: Called with the text of replies (DA, DSR, DECRQM…); the Terminal encodes and sends them.
        self.reply: Callable[[str], None] = lambda text: None
        self.on_bell: Callable[[], None] = lambda: None
        self._reset_state()

    # ------------------------------------------------------------------ state
    def _reset_state(self) -> None:
        #: The pen: the packed style id (see ``style.pack``) the next printed cell takes.
        self.sid = 0
        self._blank_text = BLANK * self.cols
        self.main_lines = [self._blank_line(0) for _ in range(self.rows)]
        self.alt_lines = [self._blank_line(0) for _ in range(self.rows)]
        self.lines = self.main_lines
        self.alt_active = False
        self.history.clear()
        self.x = 0
        self.y = 0
        self.pending_wrap = False
        self.top = 0
        self.bottom = self.rows - 1
        self.tabstops = self._default_tabs(self.cols)
        #: The stops are xterm's defaults (every 8 columns): a tab's target is arithmetic then.
        self._tabs_default = True
        self.autowrap = True
        self.origin = False
        self.insert = False
        self.newline_mode = False
        self.cursor_visible = True
        self.cursor_shape = 0  # DECSCUSR value: 0/1 blinking block … 6 steady bar
        self.dec_modes: set[int] = {M.DECAWM, M.DECTCEM}
        self.ansi_modes: set[int] = set()
        self.charsets = ["B", "B", "B", "B"]
        self.gl = 0
        self._translate: TranslationTable | None = None
        self.single_shift = 0
        self._charsets_active = False  # a translation or single shift applies to the next print
        self.saved_main = SavedCursor()
        self.saved_alt = SavedCursor()
        self.title = ""
        self.icon_name = ""
        self.title_stack: list[tuple[str, str]] = []
        self.cwd = ""
        self.links: list[str] = [""]
        self._link_ids: dict[str, int] = {}
        self.marks: list[tuple[int, str]] = []  # OSC 133 prompt marks: (absolute row, kind)
        self._last_run = ""
        self.dirty: set[int] = set()
        self.dirty_all = True

    @staticmethod
    def _default_tabs(cols: int) -> list[bool]:
        return [x % 8 == 0 and x > 0 for x in range(cols)]

    @property
    def style(self) -> Style:
        """The pen as a :class:`Style`."""
        return unpack(self.sid)

    def _blank_sid(self) -> int:
        """Erased cells keep the current background colour (xterm's BCE), nothing else."""
        return self.sid & BG_FIELD

    def _blank_line(self, bsid: int) -> Line:
        return Line(self._blank_text, [bsid] * self.cols if bsid else None)

    @property
    def scrolled_off(self) -> int:
        """How many rows have ever scrolled into history (for absolute row numbers)."""
        return self._scrolled_total

    _scrolled_total = 0

    # ------------------------------------------------------------------ printing
    def draw(self, text: str) -> None:
        """Print a run of printable characters at the cursor (the hot path)."""
        if self._charsets_active:
            text = self._apply_charsets(text)
        if not text.isascii():
            mapped = cells(text)
            if ZERO_MARK in mapped:
                self._draw_with_marks(mapped)
                return
            text = mapped  # wide characters now carry their placeholder cell
        n = len(text)
        x = self.x
        cols = self.cols
        if x + n <= cols and not self.pending_wrap and not self.insert:
            # The common case: the run fits on the cursor's row.  One string concatenation.
            line = self.lines[self.y]
            t = line.text
            end = x + n
            left = t[: x - 1] + BLANK if x and t[x] == PH else t[:x]
            if end < cols:
                right = t[end:]
                if right[0] == PH:
                    right = BLANK + right[1:]
                line.text = left + text + right
                self.x = end
            else:
                line.text = left + text
                self.x = cols - 1
                self.pending_wrap = self.autowrap
            sid = self.sid
            styles = line.styles
            if styles is not None:
                styles[x:end] = [sid] * n
            elif sid:
                styles = line.styles = [0] * cols
                styles[x:end] = [sid] * n
            if line.marks:
                line.drop_marks(x - 1 if x and t[x] == PH else x, end)
            self.dirty.add(self.y)
            self._last_run = text
            return
        self._put_cells(text)

    def draw_tabbed(self, text: str) -> None:
        """Print printable characters and HTs, as ``draw`` and ``tab`` would one by one."""
        if "\t" not in text:
            self.draw(text)
            return
        for i, piece in enumerate(text.split("\t")):
            if i:
                self.tab()
            if piece:
                self.draw(piece)

    def print_lines(self, texts: list[str], pens: dict[int, tuple[list[str], list[int]]] | None = None) -> None:
        """Print each text (printable characters and HTs) then CR LF: a block of log lines.

        *pens* gives the lines whose pen changes within them: ``pens[k] = (runs, sids)`` means line
        ``k`` draws ``runs[j]`` with style id ``sids[j]``, an empty run only moving the pen
        (``texts[k]`` is not read).  Other lines draw in the pen as it is; the dispatcher resolves
        the SGRs to ids.

        Log output arrives at the bottom of a full screen, where each line is written on a blank
        row and scrolled into history at once: there the block is laid out and scrolled in one
        step (``_scroll_in``).  Elsewhere the common case — starting at column 0 of the row, the
        line fits — is written inline; anything else takes ``draw``.
        """
        crlf = self.crlf
        cols = self.cols
        laid: list[str] | None = None
        i = 0
        count = len(texts)
        while i < count:
            if self._at_fresh_bottom() and not self.sid & BG_FIELD:
                if laid is None:
                    laid = cells_each(texts)
                i = self._scroll_in(laid, pens, i)
                if i == count:
                    return
                mapped = laid[i]
                if "\t" not in mapped and (pens is None or i not in pens):
                    # What stopped the block: a line that wraps or has combining marks.  The cursor is at
                    # the start of a blank row, so this is ``draw`` after its layout.
                    if ZERO_MARK in mapped:
                        self._draw_with_marks(mapped)
                    else:
                        self._put_cells(mapped)
                    crlf()
                    i += 1
                    continue
            text = texts[i]
            runs_sids = pens.get(i) if pens is not None else None
            i += 1
            if runs_sids is not None:
                for run, sid in zip(*runs_sids, strict=True):
                    self.sid = sid
                    if run:
                        self.draw_tabbed(run)
                crlf()
                continue
            if text:
                if self._charsets_active or self.insert or self.pending_wrap or self.x or "\t" in text:
                    self.draw_tabbed(text)
                else:
                    if not text.isascii():
                        mapped = cells(text)
                        if ZERO_MARK in mapped:
                            self._draw_with_marks(mapped)
                            crlf()
                            continue
                        text = mapped
                    n = len(text)
                    if n >= cols:
                        self._put_cells(text)
                    else:
                        line = self.lines[self.y]
                        right = line.text[n:]
                        if right[0] == PH:
                            right = BLANK + right[1:]
                        line.text = text + right
                        self.x = n
                        sid = self.sid
                        styles = line.styles
                        if styles is not None:
                            styles[0:n] = [sid] * n
                        elif sid:
                            styles = line.styles = [0] * cols
                            styles[0:n] = [sid] * n
                        if line.marks:
                            line.drop_marks(0, n)
                        self.dirty.add(self.y)
                        self._last_run = text
            crlf()

    def _at_fresh_bottom(self) -> bool:
        """The cursor is at the start of a blank, unstyled last row of a full-screen region (any pen)."""
        if (
            self.x
            or self.pending_wrap
            or self.y != self.bottom
            or self.y != self.rows - 1
            or self.top
            or self.alt_active
            or not self.scrollback
            or self.insert
            or self._charsets_active
        ):
            return False
        line = self.lines[-1]
        return line.styles is None and not line.marks and line.text == self._blank_text

    def _scroll_in(self, laid: list[str], pens: dict[int, tuple[list[str], list[int]]] | None, start: int) -> int:
        """Print lines ``laid[start:]`` (laid out as cells; see ``print_lines`` for *pens*), each followed by
        CR LF, from a fresh bottom; return the index of the first line it did not print.

        Each such line lands on a blank row that then scrolls up, so the result is known in
        advance: the screen rows above the cursor and the new lines, in order, with the oldest
        going to history.  That is computed once for the block instead of one write and one
        scroll per line, and the lines without pen changes between two that have them are laid
        out together in C (``_plain_rows``).  The block stops before a line that does not simply
        fit (wraps, combining marks, a tab with other stops set), or whose pen ends with a
        background colour (the row its CR LF opens takes that colour, xterm's BCE, which the
        block does not model); the caller prints it the general way.
        """
        cols = self.cols
        sid = self.sid
        rows: list[str] = []
        rows_styles: list[list[int] | None] = []
        last = ""
        count = len(laid)
        styled = iter(sorted(k for k in pens if k >= start)) if pens else iter(())
        i = start
        while i < count:
            j = next(styled, count)
            if j > i:
                first = laid[i]
                if len(first) > cols or ZERO_MARK in first:
                    # Checked alone before the rest of the block is sliced and joined: in output where most
                    # lines wrap, doing that once per line would make a block quadratic.
                    break
                seg = laid[i:j]
                if not sid:
                    fitted = self._plain_rows(seg)
                    k = len(fitted)
                    rows += map(str.ljust, fitted, repeat(cols))
                    rows_styles += repeat(None, k)
                    last = _last_printed(seg[:k]) or last
                else:
                    k = 0
                    for text in seg:  # a coloured pen: rare enough to go a line at a time
                        laid_row = self._lay_out_line([text], [sid])
                        if laid_row is None:
                            break
                        rows.append(laid_row[0])
                        rows_styles.append(laid_row[1])
                        last = laid_row[2] or last
                        k += 1
                i += k
                if i < j:
                    break
            if i == count:
                break
            assert pens is not None  # i < count here only at a line of pens
            runs, sids = pens[i]
            end_sid = sids[-1]
            if end_sid != sid and end_sid & BG_FIELD:
                break
            if not "".join(runs).isascii():
                runs = cells_each(runs)
            laid_row = self._lay_out_line(runs, sids)
            if laid_row is None:
                break
            rows.append(laid_row[0])
            rows_styles.append(laid_row[1])
            last = laid_row[2] or last
            sid = end_sid
            i += 1
        if rows:
            self._commit_scroll_in(rows, rows_styles if any(rows_styles) else None, last)
            self.sid = sid
        return i

    def _plain_rows(self, seg: list[str]) -> list[str]:
        """Lines laid out as cells, as the rows they make from a blank row (HTs expanded, not padded), up to
        the first that does not simply fit: one join, one ``expandtabs`` and one split, in C."""
        cols = self.cols
        joined = "\n".join(seg)
        stop = len(seg)
        mark = joined.find(ZERO_MARK)
        if mark >= 0:
            stop = joined.count("\n", 0, mark)
        if "\t" in joined:
            # HT moves over the blank cells of a fresh row: with the default stops, to the next multiple
            # of 8, which is what expandtabs gives (a wide character is two characters here).
            if not self._tabs_default:
                stop = min(stop, joined.count("\n", 0, joined.find("\t")))
            rows = joined.expandtabs(8).split("\n")
        else:
            rows = seg
        if stop < len(rows):
            rows = rows[:stop]
        # A line of exactly ``cols`` cells fits: its CR cancels the pending wrap, so nothing wraps.
        if rows and max(map(len, rows)) > cols:
            rows = rows[: next(k for k, row in enumerate(rows) if len(row) > cols)]
        return rows

    def _lay_out_line(self, runs: list[str], sids: list[int]) -> tuple[str, list[int] | None, str] | None:
        """One line (runs laid out as cells, each with its style id) on a blank row: (row text, its styles or
        None, last printed piece), or None when it does not simply fit."""
        text = "".join(runs)
        if ZERO_MARK in text:
            return None
        if "\t" in text:
            return self._lay_out_tabbed(runs, sids)
        cols = self.cols
        n = len(text)
        if n > cols:
            return None
        styles = None
        if not any(compress(sids, runs)):
            pass  # no cell takes a style: the row keeps no list, as ``draw`` would leave it
        elif n == len(runs) - runs.count(""):
            # Every run one cell (colour on every cell): the ids of the runs that print are the cells' styles.
            styles = list(compress(sids, runs))
            styles += repeat(0, cols - n)
        else:
            styles = [0] * cols
            x = 0
            for run, sid in zip(runs, sids, strict=True):
                w = len(run)
                if sid and w:
                    styles[x : x + w] = [sid] * w
                x += w
        return text + self._blank_text[n:], styles, _last_printed(runs)

    def _lay_out_tabbed(self, runs: list[str], sids: list[int]) -> tuple[str, list[int] | None, str] | None:
        """A styled line with HTs (runs already laid out as cells) on a blank row: (row text, its styles or
        None, last printed piece), or None when it does not simply fit."""
        if not self._tabs_default:
            return None
        cols = self.cols
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        col = 0
        last = ""
        for run, sid in zip(runs, sids, strict=True):
            for j, piece in enumerate(run.split("\t")):
                if j:
                    # HT leaves the blank cells it passes as they were: plain.
                    stop = ((col >> 3) + 1) << 3
                    if stop >= cols:
                        return None
                    parts.append(self._blank_text[: stop - col])
                    spans.append((0, stop - col))
                    col = stop
                if piece:
                    parts.append(piece)
                    spans.append((sid, len(piece)))
                    col += len(piece)
                    last = piece
        if col > cols:
            return None
        text = "".join(parts) + self._blank_text[col:]
        if not any(sid for sid, _k in spans):
            return text, None, last
        styles: list[int] = []
        for sid, k in spans:
            styles += [sid] * k
        styles += repeat(0, cols - col)
        return text, styles, last

    def _commit_scroll_in(self, rows_text: list[str], rows_styles: list[list[int] | None] | None, last: str) -> None:
        """Make full-width rows the newest lines of a full screen, as if each was written on the blank bottom
        row and scrolled up: the oldest rows go to history, the blank bottom row stays blank."""
        k = len(rows_text)
        lines = self.lines
        above = lines[:-1]  # the rows that scroll up; the blank bottom row stays blank at the bottom
        keep = len(above)
        row = HistoryRow
        new = tuple.__new__
        leaving = above[:k] if k <= keep else above
        self.history.extend(
            [
                new(row, (line.text, None if line.styles is None else tuple(line.styles), line.marks, line.wrapped))
                for line in leaving
            ]
        )
        if k > keep:
            split = k - keep
            if rows_styles is None:
                self.history.extend([new(row, (text, None, None, False)) for text in rows_text[:split]])
            else:
                self.history.extend(
                    [
                        new(row, (text, None if styles is None else tuple(styles), None, False))
                        for text, styles in zip(rows_text[:split], rows_styles[:split], strict=True)
                    ]
                )
                rows_styles = rows_styles[split:]
            rows_text = rows_text[split:]
        if rows_styles is None:
            for line, text in zip(leaving, rows_text, strict=True):
                line.text = text
                line.styles = None
                line.marks = None
                line.wrapped = False
        else:
            for line, text, styles in zip(leaving, rows_text, rows_styles, strict=True):
                line.text = text
                line.styles = styles
                line.marks = None
                line.wrapped = False
        lines[:-1] = above[len(leaving) :] + leaving
        self._scrolled_total += k
        if last:
            self._last_run = last
        self.dirty_all = True

    def draw_runs(self, runs: list[str], sids: list[int]) -> None:
        """Print each run with its own style id, as consecutive ``draw`` calls would.

        Colour-per-cell output (gradients, syntax highlighters, ``ls`` of many coloured names)
        makes a run of a character or two between SGRs; when they all fit on the cursor's row
        they are written with one string concatenation instead of one per run.
        """
        original = runs
        text = "".join(runs)
        if not text.isascii():
            runs = cells_each(runs)
            text = "".join(runs)
            if ZERO_MARK in text:
                text = ""  # combining marks: the general path below handles them
        x = self.x
        n = len(text)
        if not n or self._charsets_active or self.pending_wrap or self.insert or x + n > self.cols:
            final_sid = self.sid
            for run, sid in zip(original, sids, strict=True):
                self.sid = sid
                self.draw(run)
            self.sid = final_sid
            return
        cols = self.cols
        line = self.lines[self.y]
        line.write(x, text, 0, cols)  # the text and its wide-character fix-ups; styles follow
        end = x + n
        if end < cols:
            self.x = end
        else:
            self.x = cols - 1
            self.pending_wrap = self.autowrap
        if n == len(sids):
            seg = sids  # every run is one cell (colour on every cell): the ids are the cells' styles
        else:
            seg = []
            for run, sid in zip(runs, sids, strict=True):
                seg += [sid] * len(run)
        if line.styles is None:
            line.styles = [0] * cols
        line.styles[x:end] = seg
        self.dirty.add(self.y)
        self._last_run = runs[-1]

    def _put_cells(self, cells: str) -> None:
        """Print laid-out cells with wrapping, insert mode and autowrap-off handled (xterm)."""
        n = len(cells)
        if not n:
            return
        self._last_run = cells
        cols = self.cols
        sid = self.sid
        i = 0
        while i < n:
            if self.pending_wrap:
                self.pending_wrap = False
                self.lines[self.y].wrapped = True
                self.x = 0
                self._index()
            x = self.x
            line = self.lines[self.y]
            self.dirty.add(self.y)
            if self.autowrap and not self.insert:
                k = min(n - i, cols - x)
                if k < n - i and cells[i + k] == PH:
                    k -= 1  # do not split a wide character across rows
                if k == 0:
                    if x == 0:
                        i += 2  # a one-column terminal can never show a wide character
                        continue
                    # A wide character does not fit in the last column: blank it and wrap.
                    line.erase(x, cols, sid, cols)
                    self.x = cols - 1
                    self.pending_wrap = True
                    continue
                line.write(x, cells[i : i + k], sid, cols)
                i += k
                x += k
                if x >= cols:
                    self.x = cols - 1
                    self.pending_wrap = True
                else:
                    self.x = x
                continue
            # Insert mode or no autowrap: one character at a time, as the terminal would.
            w = 2 if i + 1 < n and cells[i + 1] == PH else 1
            if x + w > cols:
                if self.autowrap and x:
                    line.erase(x, cols, sid, cols)
                    self.x = cols - 1
                    self.pending_wrap = True
                else:
                    i += w  # dropped: a wide character cannot fit and nothing wraps
                continue
            if self.insert:
                line.insert_blanks(x, w, sid, cols)
            line.write(x, cells[i : i + w], sid, cols)
            i += w
            x += w
            if x >= cols:
                self.x = cols - 1
                self.pending_wrap = self.autowrap
            else:
                self.x = x

    def _draw_with_marks(self, mapped: str) -> None:
        """A run with combining marks: print the bases, attach each mark to the cell before it.

        *mapped* is the run laid out by ``cells``: every zero-width character sits right
        after a ``ZERO_MARK``, so splitting on the marker separates marks from bases in C.
        """
        parts = mapped.split(ZERO_MARK)
        if parts[0]:
            self._put_cells(parts[0])
        for part in parts[1:]:
            self._combine(part[0])
            if len(part) > 1:
                self._put_cells(part[1:])

    def _combine(self, mark: str) -> None:
        """Attach a zero-width character to the cell the cursor just wrote."""
        x = self.x if self.pending_wrap else self.x - 1
        if x < 0:
            # Nothing to combine with: like xterm.js, the mark takes a cell of its own.
            self._put_cells(mark)
            return
        self.lines[self.y].attach_mark(x, mark)
        self.dirty.add(self.y)

    def _apply_charsets(self, text: str) -> str:
        if self.single_shift:
            table = translation_table(self.charsets[self.single_shift])
            first = text[0].translate(table) if table else text[0]
            self.single_shift = 0
            self._charsets_active = self._translate is not None
            rest = text[1:]
            return first + (rest.translate(self._translate) if self._translate else rest)
        assert self._translate is not None
        return text.translate(self._translate)

    @property
    def last_char(self) -> str:
        """The last printed graphic character (a wide one with its placeholder), for REP."""
        run = self._last_run
        if not run:
            return ""
        return run[-2:] if run[-1] == PH and len(run) > 1 else run[-1]

    def repeat_last(self, count: int) -> None:
        """REP: print the last printed graphic character *count* more times."""
        unit = self.last_char
        if unit:
            self._put_cells(unit * min(count, self.cols * self.rows))

    # ------------------------------------------------------------------ C0 controls
    def bell(self) -> None:
        self.on_bell()

    def backspace(self) -> None:
        self.pending_wrap = False
        if self.x > 0:
            self.x -= 1

    def tab(self, count: int = 1) -> None:
        """HT / CHT: to the next tab stop, or the last column; nothing while a wrap is pending."""
        if self.pending_wrap:
            return
        x = self.x
        last = self.cols - 1
        if count == 1 and self._tabs_default:
            if x < last:
                self.x = min(((x >> 3) + 1) << 3, last)
            return
        tabs = self.tabstops
        for _ in range(count):
            if x >= last:
                break
            x += 1
            while x < last and not tabs[x]:
                x += 1
        self.x = x

    def back_tab(self, count: int = 1) -> None:
        """CBT: to the previous tab stop, or the first column."""
        self.pending_wrap = False
        x = self.x
        tabs = self.tabstops
        for _ in range(count):
            if x <= 0:
                break
            x -= 1
            while x > 0 and not tabs[x]:
                x -= 1
        self.x = x

    def linefeed(self) -> None:
        """LF, VT, FF: index, plus carriage return in newline mode (LNM)."""
        self.pending_wrap = False
        y = self.y
        if y == self.bottom:
            self._scroll_up_region(1)
        elif y < self.rows - 1:
            self.y = y + 1
        if self.newline_mode:
            self.x = 0

    def carriage_return(self) -> None:
        self.pending_wrap = False
        self.x = 0

    def crlf(self) -> None:
        """CR LF in one call: the pair ends nearly every line of captured output."""
        self.pending_wrap = False
        self.x = 0
        y = self.y
        if y != self.bottom:
            if y < self.rows - 1:
                self.y = y + 1
            return
        if self.top or y != self.rows - 1 or self.alt_active or not self.scrollback:
            self._scroll_up_region(1)
            return
        # Inlined from _scroll_up_region: one row of a full-screen region into history.
        lines = self.lines
        line = lines.pop(0)
        styles = line.styles
        self.history.append(
            tuple.__new__(HistoryRow, (line.text, None if styles is None else tuple(styles), line.marks, line.wrapped))
        )
        self._scrolled_total += 1
        bsid = self.sid & BG_FIELD  # ``_blank_sid``, inline
        line.text = self._blank_text
        line.styles = [bsid] * self.cols if bsid else None
        line.marks = None
        line.wrapped = False
        lines.append(line)
        self.dirty_all = True

    def shift_in(self) -> None:
        self.gl = 0
        self._update_translate()

    def shift_out(self) -> None:
        self.gl = 1
        self._update_translate()

    # ------------------------------------------------------------------ index / scrolling
    def _index(self) -> None:
        y = self.y
        if y == self.bottom:
            self._scroll_up_region(1)
        elif y < self.rows - 1:
            self.y = y + 1

    def index(self) -> None:
        """IND: down one row, scrolling the region at its bottom margin."""
        self.pending_wrap = False
        self._index()

    def next_line(self) -> None:
        """NEL: carriage return and index."""
        self.pending_wrap = False
        self.x = 0
        self._index()

    def reverse_index(self) -> None:
        """RI: up one row, scrolling the region down at its top margin."""
        self.pending_wrap = False
        if self.y == self.top:
            self._scroll_down_region(1)
        elif self.y > 0:
            self.y -= 1

    def _scroll_up_region(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        lines = self.lines
        if n == 1 and top == 0 and bottom == self.rows - 1:
            # One row off a full-screen region: the hot path of every scrolling log.
            line = lines.pop(0)
            cols = self.cols
            bsid = self.sid & BG_FIELD  # ``_blank_sid``, inline
            if not self.alt_active and self.scrollback:
                # The row's string moves into history as it is; only styles need freezing.
                styles = line.styles
                self.history.append(
                    tuple.__new__(
                        HistoryRow, (line.text, None if styles is None else tuple(styles), line.marks, line.wrapped)
                    )
                )
                self._scrolled_total += 1
            line.text = self._blank_text
            line.styles = [bsid] * cols if bsid else None
            line.marks = None
            line.wrapped = False
            lines.append(line)
            self.dirty_all = True
            return
        n = min(n, bottom - top + 1)
        to_history = top == 0 and not self.alt_active and self.scrollback > 0
        bsid = self._blank_sid()
        if top == 0 and bottom == self.rows - 1:
            for _ in range(n):
                line = lines.pop(0)
                if to_history:
                    self.history.append(_freeze(line))
                lines.append(self._blank_line(bsid))
        else:
            for _ in range(n):
                line = lines.pop(top)
                if to_history:
                    self.history.append(_freeze(line))
                lines.insert(bottom, self._blank_line(bsid))
        if to_history:
            self._scrolled_total += n
        self.dirty_all = True

    def _scroll_down_region(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        lines = self.lines
        n = min(n, bottom - top + 1)
        bsid = self._blank_sid()
        for _ in range(n):
            del lines[bottom]
            lines.insert(top, self._blank_line(bsid))
        self.dirty_all = True

    def scroll_up(self, count: int) -> None:
        """SU: scroll the region up; the cursor stays."""
        self._scroll_up_region(max(1, count))

    def scroll_down(self, count: int) -> None:
        """SD: scroll the region down; the cursor stays."""
        self._scroll_down_region(max(1, count))

    # ------------------------------------------------------------------ cursor motion
    def cursor_up(self, count: int) -> None:
        self.pending_wrap = False
        floor = self.top if self.y >= self.top else 0
        self.y = max(floor, self.y - max(1, count))

    def cursor_down(self, count: int) -> None:
        self.pending_wrap = False
        ceiling = self.bottom if self.y <= self.bottom else self.rows - 1
        self.y = min(ceiling, self.y + max(1, count))

    def cursor_forward(self, count: int) -> None:
        self.pending_wrap = False
        self.x = min(self.cols - 1, self.x + max(1, count))

    def cursor_back(self, count: int) -> None:
        self.pending_wrap = False
        self.x = max(0, self.x - max(1, count))

    def cursor_next_line(self, count: int) -> None:
        self.cursor_down(count)
        self.x = 0

    def cursor_previous_line(self, count: int) -> None:
        self.cursor_up(count)
        self.x = 0

    def cursor_position(self, row: int, col: int) -> None:
        """CUP/HVP with 1-based arguments (0 means 1), relative to the margins in origin mode."""
        self.pending_wrap = False
        row = max(1, row) - 1
        col = max(1, col) - 1
        if self.origin:
            row += self.top
            self.y = min(row, self.bottom)
        else:
            self.y = min(row, self.rows - 1)
        self.x = min(col, self.cols - 1)

    def cursor_to_column(self, col: int) -> None:
        """CHA / HPA (1-based)."""
        self.pending_wrap = False
        self.x = min(max(1, col), self.cols) - 1

    def cursor_to_line(self, row: int) -> None:
        """VPA (1-based, origin-relative)."""
        self.pending_wrap = False
        row = max(1, row) - 1
        if self.origin:
            self.y = min(row + self.top, self.bottom)
        else:
            self.y = min(row, self.rows - 1)

    def cursor_down_row(self, count: int) -> None:
        """VPR: down *count* rows, stopping at the screen's last row (not the margin)."""
        self.pending_wrap = False
        self.y = min(self.rows - 1, self.y + max(1, count))

    def save_cursor(self) -> None:
        saved = self.saved_alt if self.alt_active else self.saved_main
        saved.x, saved.y, saved.pending_wrap = self.x, self.y, self.pending_wrap
        saved.sid = self.sid
        saved.origin = self.origin
        saved.autowrap = self.autowrap
        saved.charsets = list(self.charsets)
        saved.gl = self.gl

    def restore_cursor(self) -> None:
        saved = self.saved_alt if self.alt_active else self.saved_main
        self.x = min(saved.x, self.cols - 1)
        self.y = min(saved.y, self.rows - 1)
        self.pending_wrap = saved.pending_wrap and self.x == self.cols - 1
        self.sid = saved.sid
        self._set_origin_flag(saved.origin)
        self.charsets = list(saved.charsets)
        self.gl = saved.gl
        self._update_translate()

    # ------------------------------------------------------------------ erasing and editing
    def _erase(self, line: Line, start: int, end: int) -> None:
        line.erase(start, end, self._blank_sid(), self.cols)

    def erase_in_line(self, how: int) -> None:
        """EL: 0 cursor to end, 1 start to cursor, 2 whole line (a pending wrap is cancelled, as xterm)."""
        self.pending_wrap = False
        line = self.lines[self.y]
        if how == 0:
            self._erase(line, self.x, self.cols)
        elif how == 1:
            self._erase(line, 0, self.x + 1)
        elif how == 2:
            self._erase(line, 0, self.cols)
        else:
            return
        line.wrapped = False if how != 1 else line.wrapped
        self.dirty.add(self.y)

    def erase_in_display(self, how: int) -> None:
        """ED: 0 cursor to end, 1 start to cursor, 2 whole screen, 3 scrollback."""
        if how == 0:
            self.erase_in_line(0)
            rng = range(self.y + 1, self.rows)
        elif how == 1:
            self.erase_in_line(1)
            rng = range(0, self.y)
        elif how == 2:
            rng = range(0, self.rows)
        elif how == 3:
            self.history.clear()
            self.dirty_all = True
            return
        else:
            return
        bsid = self._blank_sid()
        for y in rng:
            self.lines[y] = self._blank_line(bsid)
        self.dirty_all = True

    def erase_chars(self, count: int) -> None:
        """ECH: blank *count* cells from the cursor; nothing moves, a pending wrap is cancelled."""
        self.pending_wrap = False
        line = self.lines[self.y]
        self._erase(line, self.x, min(self.cols, self.x + max(1, count)))
        self.dirty.add(self.y)

    def insert_chars(self, count: int) -> None:
        """ICH: open *count* blank cells at the cursor, pushing the rest right."""
        self.pending_wrap = False
        x = self.x
        self.lines[self.y].insert_blanks(x, min(max(1, count), self.cols - x), self._blank_sid(), self.cols)
        self.dirty.add(self.y)

    def delete_chars(self, count: int) -> None:
        """DCH: remove *count* cells at the cursor, pulling the rest left."""
        self.pending_wrap = False
        x = self.x
        self.lines[self.y].delete_cells(x, min(max(1, count), self.cols - x), self._blank_sid(), self.cols)
        self.dirty.add(self.y)

    def insert_lines(self, count: int) -> None:
        """IL: inside the scroll region, open blank rows at the cursor row."""
        if not self.top <= self.y <= self.bottom:
            return
        self.pending_wrap = False
        count = min(max(1, count), self.bottom - self.y + 1)
        bsid = self._blank_sid()
        for _ in range(count):
            del self.lines[self.bottom]
            self.lines.insert(self.y, self._blank_line(bsid))
        self.x = 0
        self.dirty_all = True

    def delete_lines(self, count: int) -> None:
        """DL: inside the scroll region, remove rows at the cursor row."""
        if not self.top <= self.y <= self.bottom:
            return
        self.pending_wrap = False
        count = min(max(1, count), self.bottom - self.y + 1)
        bsid = self._blank_sid()
        for _ in range(count):
            del self.lines[self.y]
            self.lines.insert(self.bottom, self._blank_line(bsid))
        self.x = 0
        self.dirty_all = True

    def alignment_display(self) -> None:
        """DECALN: fill the screen with E, reset the margins, home the cursor."""
        self.top, self.bottom = 0, self.rows - 1
        self._set_dec_mode(M.DECOM, False)
        for y in range(self.rows):
            self.lines[y] = Line("E" * self.cols)
        self.x = self.y = 0
        self.pending_wrap = False
        self.dirty_all = True

    # ------------------------------------------------------------------ margins and tabs
    def set_margins(self, top: int, bottom: int) -> None:
        """DECSTBM with 1-based arguments (0 means the default); invalid regions are ignored."""
        top = max(1, top) - 1
        bottom = (bottom or self.rows) - 1
        bottom = min(bottom, self.rows - 1)
        if top >= bottom:
            return
        self.top, self.bottom = top, bottom
        self.cursor_position(1, 1)

    def set_tab_stop(self) -> None:
        self.tabstops[self.x] = True
        self._tabs_changed()

    def clear_tab_stop(self, how: int) -> None:
        """TBC: 0 the stop at the cursor, 3 every stop."""
        if how == 0:
            self.tabstops[self.x] = False
        elif how == 3:
            self.tabstops = [False] * self.cols
        self._tabs_changed()

    def _tabs_changed(self) -> None:
        self._tabs_default = self.tabstops == self._default_tabs(self.cols)

    # ------------------------------------------------------------------ rendition
    def select_graphic_rendition(self, params: list[int], groups: list[tuple[int, ...]] | None) -> None:
        self.sid = pack(apply_sgr(self.style, params, groups))

    def set_hyperlink(self, uri: str) -> None:
        """OSC 8: following text links to *uri* (empty ends the link)."""
        if not uri:
            link = 0
        else:
            found = self._link_ids.get(uri)
            if found is None:
                if len(self.links) >= 65536:
                    return  # bounded: a hostile stream cannot grow the table without end
                found = len(self.links)
                self.links.append(uri)
                self._link_ids[uri] = found
            link = found
        self.sid = self.sid & ~LINK_FIELD | link << LINK_SHIFT

    # ------------------------------------------------------------------ charsets
    def designate_charset(self, slot: int, designator: str) -> None:
        self.charsets[slot] = designator
        self._update_translate()

    def invoke_charset(self, slot: int) -> None:
        """LS2/LS3 (and SI/SO for 0/1): map G*slot* into GL."""
        self.gl = slot
        self._update_translate()

    def single_shift_next(self, slot: int) -> None:
        self.single_shift = slot
        self._charsets_active = True

    def _update_translate(self) -> None:
        self._translate = translation_table(self.charsets[self.gl])
        self._charsets_active = self._translate is not None or bool(self.single_shift)

    # ------------------------------------------------------------------ modes
    def set_ansi_mode(self, mode: int, on: bool) -> None:
        if on:
            self.ansi_modes.add(mode)
        else:
            self.ansi_modes.discard(mode)
        if mode == M.IRM:
            self.insert = on
        elif mode == M.LNM:
            self.newline_mode = on

    def set_dec_mode(self, mode: int, on: bool) -> None:
        self._set_dec_mode(mode, on)

    def _set_dec_mode(self, mode: int, on: bool) -> None:
        if mode in M.ALT_SCREEN_MODES:
            self._switch_screen(mode, on)
            return
        if on:
            self.dec_modes.add(mode)
        else:
            self.dec_modes.discard(mode)
        if mode == M.DECAWM:
            self.autowrap = on
            if not on:
                self.pending_wrap = False
        elif mode == M.DECOM:
            self.origin = on
            self.cursor_position(1, 1)
        elif mode == M.DECTCEM:
            self.cursor_visible = on
            self.dirty.add(self.y)
        elif mode == M.DECSCNM:
            self.dirty_all = True
        elif (mode == M.MOUSE_X10 or mode in M.MOUSE_TRACKING) and on:
            # The tracking modes exclude one another, as in xterm.
            for other in (M.MOUSE_X10, *M.MOUSE_TRACKING):
                if other != mode:
                    self.dec_modes.discard(other)

    def _set_origin_flag(self, on: bool) -> None:
        """DECOM's state without DECSET's cursor homing (for DECRC and DECSTR)."""
        self.origin = on
        if on:
            self.dec_modes.add(M.DECOM)
        else:
            self.dec_modes.discard(M.DECOM)

    def _switch_screen(self, mode: int, on: bool) -> None:
        if on == self.alt_active:
            # Already there: xterm still saves (1049h) or restores (1049l) the cursor.
            if mode == M.ALT_SCREEN_SAVE_CURSOR:
                if on:
                    self.save_cursor()
                else:
                    self.restore_cursor()
            return
        if on:
            if mode == M.ALT_SCREEN_SAVE_CURSOR:
                self.save_cursor()
            self.dec_modes.add(mode)
            self.alt_active = True
            self.lines = self.alt_lines
            if mode == M.ALT_SCREEN_SAVE_CURSOR:
                self._clear_alt()
        else:
            if mode == M.ALT_SCREEN_CLEAR or mode == M.ALT_SCREEN_SAVE_CURSOR:
                self._clear_alt()
            for m in M.ALT_SCREEN_MODES:
                self.dec_modes.discard(m)
            self.alt_active = False
            self.lines = self.main_lines
            if mode == M.ALT_SCREEN_SAVE_CURSOR:
                self.restore_cursor()
        self.pending_wrap = self.pending_wrap and self.x == self.cols - 1
        self.dirty_all = True

    def _clear_alt(self) -> None:
        bsid = self._blank_sid()
        for y in range(self.rows):
            self.alt_lines[y] = self._blank_line(bsid)

    def set_cursor_shape(self, shape: int) -> None:
        """DECSCUSR: 0/1 blinking block, 2 steady block, 3/4 underline, 5/6 bar."""
        if 0 <= shape <= 6:
            self.cursor_shape = shape
            self.dirty.add(self.y)

    # ------------------------------------------------------------------ resets
    def soft_reset(self) -> None:
        """DECSTR: modes and rendition back to defaults; the screen's text stays."""
        self.pending_wrap = False
        self.insert = False
        self.ansi_modes.discard(M.IRM)
        self._set_origin_flag(False)
        self._set_dec_mode(M.DECAWM, True)
        self._set_dec_mode(M.DECTCEM, True)
        self.dec_modes.discard(M.DECCKM)
        self.dec_modes.discard(M.DECNKM)
        self.top, self.bottom = 0, self.rows - 1
        self.sid = 0
        self.charsets = ["B", "B", "B", "B"]
        self.gl = 0
        self._update_translate()
        self.saved_main = SavedCursor()
        self.saved_alt = SavedCursor()

    def full_reset(self) -> None:
        """RIS: everything back to power-on, scrollback included."""
        self._reset_state()

    # ------------------------------------------------------------------ titles and marks
    def set_title(self, title: str) -> None:
        self.title = title

    def set_icon_name(self, name: str) -> None:
        self.icon_name = name

    def push_title(self) -> None:
        if len(self.title_stack) < 10:
            self.title_stack.append((self.title, self.icon_name))

    def pop_title(self) -> None:
        if self.title_stack:
            self.title, self.icon_name = self.title_stack.pop()

    def set_cwd(self, uri: str) -> None:
        self.cwd = uri

    def add_mark(self, kind: str) -> None:
        if len(self.marks) >= 100_000:
            del self.marks[: len(self.marks) // 2]
        self.marks.append((self._scrolled_total + self.y, kind))

    # ------------------------------------------------------------------ geometry
    def resize(self, cols: int, rows: int) -> None:
        """Change the size xterm's way: no reflow; rows above the cursor go to history."""
        cols, rows = max(1, cols), max(1, rows)
        if rows < self.rows:
            excess = self.y - (rows - 1)
            if excess > 0:
                # Keep the cursor's row visible: push the top rows into history.
                for _ in range(excess):
                    line = self.main_lines.pop(0)
                    if not self.alt_active and self.scrollback:
                        self.history.append(_freeze(line))
                        self._scrolled_total += 1
                    if self.alt_active:
                        self.alt_lines.pop(0)
                self.y -= excess
                if self.alt_active:
                    pass
            del self.main_lines[rows:]
            del self.alt_lines[rows:]
        for lines in (self.main_lines, self.alt_lines):
            for line in lines:
                line.fit(cols)
            while len(lines) < rows:
                lines.append(Line(BLANK * cols))
        self.lines = self.alt_lines if self.alt_active else self.main_lines
        if cols != self.cols:
            tabs = self.tabstops[:cols]
            tabs.extend(x % 8 == 0 for x in range(len(tabs), cols))
            self.tabstops = tabs
        self.cols, self.rows = cols, rows
        self._tabs_changed()
        self._blank_text = BLANK * cols
        self.top, self.bottom = 0, rows - 1
        self.x = min(self.x, cols - 1)
        self.y = min(self.y, rows - 1)
        self.pending_wrap = False
        self.dirty_all = True

    # ------------------------------------------------------------------ views
    @property
    def display(self) -> list[str]:
        return [line.display for line in self.lines]

    @property
    def history_text(self) -> list[str]:
        return [row.display for row in self.history]

    def take_dirty(self) -> tuple[bool, set[int]]:
        """Rows changed since the last call (``(True, …)`` means repaint everything)."""
        all_dirty, rows = self.dirty_all, self.dirty
        self.dirty_all = False
        self.dirty = set()
        return all_dirty, rows


def _last_printed(texts: list[str]) -> str:
    """What printing *texts* in order leaves as the last printed run (for REP): the last piece between HTs
    that is not empty, or ``""``."""
    for text in reversed(texts):
        if "\t" in text:
            for piece in reversed(text.split("\t")):
                if piece:
                    return piece
        elif text:
            return text
    return ""


def _freeze(line: Line) -> HistoryRow:
    """A row leaving the screen for history (the Line must not be used again)."""
    styles = None if line.styles is None else tuple(line.styles)
    return tuple.__new__(HistoryRow, (line.text, styles, line.marks, line.wrapped))
