"""The screen model: cells, cursor, margins, modes and scrollback, with xterm's semantics.

Rows are :class:`~app.vt.row.Line` objects holding their cells as one string (see ``row.py``).
The screen knows nothing of bytes or escape sequences: the dispatcher calls its methods by
meaning (``cursor_up``, ``erase_in_line``…).

Cursor convention (DESIGN §2): ``x`` never exceeds ``cols - 1``; writing the last column sets
``pending_wrap`` instead, and the next printable character wraps first if DECAWM is set then (xterm
sets its ``do_wrap`` with autowrap off too: turning DECAWM on before the next character wraps it).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, repeat

from . import modes as M
from . import rectangles
from .charsets import TranslationTable, translation_table
from .colours import DEFAULT_COLOURS, RGB, Colours
from .reflow import RowCells, reflow
from .row import BLANK, HistoryRow, Line
from .style import (
    BG_FIELD,
    FLAGS_FIELD,
    LINK_FIELD,
    LINK_SHIFT,
    PROTECTED,
    UNDERLINE_FIELD,
    PackedStyles,
    Style,
    apply_sgr,
    pack,
    unpack,
)
from .width import WIDE_PLACEHOLDER, ZERO_MARK, cells, cells_each, cells_of_lines

__all__ = ["HistoryRow", "Line", "SavedCursor", "Screen"]

PH = WIDE_PLACEHOLDER
#: What ``Screen.edit_row`` takes a piece's CSI text for, besides CUB *n* (*n*), BS then DCH 1 (0), EL 0 (-1) and a
#: typed character (the character): CUF, DCH or ICH *n* as the constant plus *n* (1 to 65535), insert mode set or reset.
EDIT_CUF = 1 << 16
EDIT_DCH = 2 << 16
EDIT_ICH = 3 << 16
EDIT_IRM_ON = 4 << 16
EDIT_IRM_OFF = EDIT_IRM_ON + 1
#: OSC 8 links kept per screen, by count (the style field holds 16 bits) and by the size of their URIs.
MAX_LINKS = 65536
MAX_LINK_BYTES = 1 << 20
#: Blocks of log lines of at most this many plain lines are printed a line at a time (``print_lines``).
_FEW_LINES = 3
#: ... unless their pen changes make more runs than this (colour on every cell: laid out at once, ``_scroll_in``).
_FEW_RUNS = 16
#: A line of at most this many runs (pen changes) is laid out inline in ``_scroll_in``; more (colour on every cell) go
#: through ``_lay_out_line``, which takes a row of one-cell runs at once.
_INLINE_RUNS = 8
#: ``draw`` with autowrap off lays out only the end of a run this many characters longer than the cells to the edge
#: (``_draw_to_the_edge``), and looks this far back from its end for the last character that shows.
_PAST_THE_EDGE = 16
#: Whether a stretch of a run holds only characters that are never zero-width (printable ASCII and Latin to U+02FF,
#: CJK ideographs, Hangul syllables, fullwidth forms, U+FFFD: ``test_edge_cut`` checks each against ``cells``), so
#: that none of them can join a cell as a mark (``_draw_to_the_edge``).
_NO_MARKS = re.compile(r"[\x20-\x7e\xa0-\u02ff\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60\ufffd]*+").fullmatch
_IRM = M.IRM
_DECTCEM = M.DECTCEM
_DECAWM = M.DECAWM
#: DEC modes whose DECSET/DECRST only records them (``set_dec_mode`` does nothing else for them, at any
#: conformance level): every settable mode but those its branches act on.
_FLAG_ONLY_DEC_MODES = M.SETTABLE_DEC_MODES - {
    *M.LEVEL_OF,
    *M.ALT_SCREEN_MODES,
    *M.MOUSE_TRACKING,
    M.MOUSE_X10,
    M.DECTCEM,
    M.DECCOLM,
    M.DECAWM,
    M.DECOM,
    M.REVERSE_WRAP,
    M.REVERSE_WRAP_EXTENDED,
    M.DECLRMM,
    M.DECSCNM,
    M.SAVE_CURSOR,
}


def _ignore() -> None:
    """A sequence that changes nothing (``Screen.dec_mode_action``)."""


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
        #: The DEC private modes set (``_reset_state`` fills it; the same set for the screen's life).
        self.dec_modes: set[int] = set()
        # The theme's colours (set by whoever paints the screen; not terminal state, so RIS keeps them) and what
        # programs set over them (OSC 4 palette entries; OSC 10/11/12 foreground, background, cursor).
        self._theme_colours = DEFAULT_COLOURS
        self.palette_overrides: dict[int, RGB] = {}
        self.dynamic_overrides: dict[int, RGB] = {}
        #: DECRQCRA's checksum extensions after a reset (xterm's ``checksumExtension`` resource; see XTCHECKSUM).
        self.checksum_ext_default = 0
        #: Bumped whenever :attr:`colours` changes, so a view knows to repaint.
        self.colours_serial = 0
        self._colours_cache: tuple[int, Colours] = (-1, DEFAULT_COLOURS)
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
        #: Left/right margins (DECSLRM), 0-based and inclusive; the whole width unless DECLRMM is set.
        self.left = 0
        self.right = self.cols - 1
        #: DECLRMM: ``CSI l;r s`` sets the margins (instead of saving the cursor).
        self.lr_mode = False
        #: Margins narrower than the screen are in force: printing, scrolling and editing take the slow paths.
        self._lr = False
        #: Neither insert mode nor narrow margins: the printing fast paths may write a row directly.
        self._simple = True
        #: Mode 45 or 1045 is set (reverse wraparound, with DECAWM): BS and CUB take the long way.
        self._reverse_wrap = False
        #: Which erases honour protected cells: OFF, DEC (DECSCA; DECSED/DECSEL/DECSERA) or ISO (SPA; ED/EL/ECH too).
        self.protected_mode = M.PROTECT_OFF
        #: DECSACE: 2 makes DECCARA/DECRARA act on the rectangle, 0/1 on the stream of cells between its corners.
        self.attr_extent = 0
        #: XTCHECKSUM's extension bits for DECRQCRA (0: DEC's own checksum); resets go back to the default.
        self.checksum_ext = self.checksum_ext_default
        #: DECSCL's conformance level (1-5, VT100 to VT500), as xterm's ``vtXX_level``: DECRQM needs 3, the
        #: rectangles, column editing and DECLRMM 4, DECNCSM 5.
        self.vt_level = 5
        #: XTSAVE: DEC private modes saved by number (XTRESTORE puts them back).
        self.saved_modes: dict[int, bool] = {}
        self.tabstops = self._default_tabs(self.cols)
        #: The stops are xterm's defaults (every 8 columns): a tab's target is arithmetic then.
        self._tabs_default = True
        self.autowrap = True
        self.origin = False
        self.insert = False
        self.newline_mode = False
        self.cursor_visible = True
        self.cursor_shape = 0  # DECSCUSR value: 0/1 blinking block … 6 steady bar
        # Cleared and filled, not replaced: ``Dispatcher``'s bracketed-paste routes are this set's own methods.
        self.dec_modes.clear()
        self.dec_modes.update((M.DECAWM, M.DECTCEM))
        # xterm starts with SRM set (no local echo), which the engine never does anyway.
        self.ansi_modes: set[int] = {M.SRM}
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
        self._link_bytes = 0
        self.marks: list[tuple[int, str]] = []  # OSC 133 prompt marks: (absolute row, kind)
        #: The run printed last (laid out as cells), for REP; emptied when the parser says something else came
        #: after it (``Dispatcher.forget_last_print``: xterm forgets its last character then).
        self.last_run = ""
        self.dirty: set[int] = set()
        self.dirty_all = True

    # ------------------------------------------------------------------ colours
    @property
    def colours(self) -> Colours:
        """The colours the screen is painted with: the theme's, with what programs set over them."""
        serial, cached = self._colours_cache
        if serial == self.colours_serial:
            return cached
        base = self._theme_colours
        palette = base.palette
        if self.palette_overrides:
            palette = tuple(self.palette_overrides.get(i, rgb) for i, rgb in enumerate(palette))
        dyn = self.dynamic_overrides
        colours = Colours(dyn.get(10, base.foreground), dyn.get(11, base.background), dyn.get(12, base.cursor), palette)
        self._colours_cache = (self.colours_serial, colours)
        return colours

    def set_theme_colours(self, colours: Colours) -> None:
        """The theme's colours, from whoever paints the screen."""
        if colours != self._theme_colours:
            self._theme_colours = colours
            self.colours_serial += 1

    def set_palette_colour(self, index: int, rgb: RGB) -> None:
        """OSC 4: palette entry *index* (0-255) is now *rgb*."""
        self.palette_overrides[index] = rgb
        self.colours_serial += 1
        self.dirty_all = True

    def set_dynamic_colour(self, which: int, rgb: RGB) -> None:
        """OSC 10/11/12: the default foreground, background or cursor colour is now *rgb*."""
        self.dynamic_overrides[which] = rgb
        self.colours_serial += 1
        self.dirty_all = True

    def reset_palette_colours(self, indices: Sequence[int] = ()) -> None:
        """OSC 104: palette entries back to the theme's (all of them without *indices*); also DECSTR and RIS."""
        if not self.palette_overrides:
            return
        if indices:
            for index in indices:
                self.palette_overrides.pop(index, None)
        else:
            self.palette_overrides.clear()
        self.colours_serial += 1
        self.dirty_all = True

    def reset_dynamic_colour(self, which: int) -> None:
        """OSC 110/111/112: the foreground, background or cursor colour back to the theme's."""
        if self.dynamic_overrides.pop(which, None) is not None:
            self.colours_serial += 1
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
    def narrow_margins(self) -> bool:
        """Left/right margins narrower than the screen are in force (DECLRMM and DECSLRM)."""
        return self._lr

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
            if (
                not self.autowrap
                and len(text) > self.cols - self.x + _PAST_THE_EDGE
                and not self._lr
                and not self._charsets_active
            ):
                # Autowrap off and far more characters than cells to the edge (a status line cut at it): what fits
                # is printed, and of the rest, which all lands in the last cell, only the end is laid out.
                text = self._draw_to_the_edge(text)
                mapped = text if text.isascii() else cells(text)
            else:
                mapped = cells(text)
            if ZERO_MARK in mapped:
                self._draw_with_marks(mapped)
                return
            text = mapped  # wide characters now carry their placeholder cell
        n = len(text)
        x = self.x
        cols = self.cols
        if x + n <= cols and not self.pending_wrap and self._simple:
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
                self.pending_wrap = True
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
            self.last_run = text
            return
        if self.insert and n and x + n < cols and not self.pending_wrap and not self._lr and self._insert_run(text):
            return
        self._put_cells(text)

    def _draw_to_the_edge(self, text: str) -> str:
        """Autowrap off, no left/right margins or character sets, *text* longer than the cells to the edge: print as
        many of its characters as there are cells to the edge, and return what is left to print after them, cut
        when it all lands in the last cell.

        Printing is the same cut anywhere (``draw`` of the head, then of the rest: what a byte at a time does), and
        once the cursor is on the last cell every further character lands there, autowrap off: a wide one is dropped,
        a single-width one is written over it (insert mode opens that cell alone first), so the cell shows only what
        follows the last ASCII character (always single-width and never a mark), which is all that is returned when
        no character before it can be a mark (``_NO_MARKS``: a mark after a dropped wide character joins the cell
        before the last, which stays).  A status line of 250 characters cut at 120 cells was laid out in full
        (``cells``, ~340 instructions a character after its first wide one) for the last cell to show one of them;
        the test for marks is ~40 a character.

        The head is laid out from its first character that is not its own cell on (``cells_of_lines``) and, when it
        fills the row, the cells that fit are written as ``draw`` writes a run that fits (``write_laid``); a wide
        character across the edge starts the rest."""
        room = self.cols - self.x
        head = text[:room]
        mapped = cells_of_lines([head])[0]
        if len(mapped) < room or ZERO_MARK in mapped or self.pending_wrap or not self._simple:
            self.draw(head)  # never cut again here: not longer than the cells to the edge
            rest = text[room:]
        else:
            fit = room - 1 if len(mapped) > room and mapped[room] == PH else room
            if fit:
                laid = mapped[:fit]
                self.write_laid(laid, [self.sid] * fit, laid)
            rest = text[fit - mapped.count(PH, 0, fit) :]
        if self.x == self.cols - 1:
            # Looked for from the end, a few characters at most (a status line ends in a word): not found there,
            # the rest goes the general way.
            end = len(rest)
            for i in range(end - 1, end - 1 - _PAST_THE_EDGE if end > _PAST_THE_EDGE else -1, -1):
                if rest[i] < "\x7f":
                    if _NO_MARKS(rest, 0, i) is not None:
                        return rest[i:]
                    break
        return rest

    def insert_text(self, count: int, text: str) -> None:
        """ICH *count*, then print *text*: how readline, zsh and ncurses insert characters on xterm (``CSI n @`` and
        the characters).  When *text* takes exactly the *count* cells opened, before the edge, the blanks it would
        write over are never seen: it is what printing *text* in insert mode does, one string operation
        (``_insert_run``) instead of an ICH and a write."""
        if self._simple and not self._charsets_active and not self.pending_wrap:
            mapped = text if text.isascii() else cells(text)
            if (
                len(mapped) == count
                and self.x + count < self.cols
                and ZERO_MARK not in mapped
                and self._insert_run(mapped)
            ):
                return
        self.insert_chars(count)
        self.draw(text)

    def line_keys(self, keys: str) -> None:
        """Keystrokes a line editor echoes in the middle of a line, in order: a DEL for a backspace deleting (BS then
        DCH 1), any other character typed as ICH of its width then the character (``insert_typed``)."""
        if "\x7f" not in keys:
            self.insert_typed(keys)
            return
        n = len(keys)
        i = 0
        while i < n:
            j = i
            if keys[i] == "\x7f":
                while j < n and keys[j] == "\x7f":
                    j += 1
                self.backspace_delete(j - i)
            else:
                j = keys.find("\x7f", i)
                if j < 0:
                    j = n
                self.insert_typed(keys[i:j])
            i = j

    def backspace_delete(self, count: int) -> None:
        """BS then DCH 1, *count* times (a line editor's backspace in the middle of a line, the key held).  Without
        reverse wraparound and left/right margins it is CUB *count* then DCH *count*: each BS moves one column left
        (or stays at the first) and each DCH takes the cell there, pulling the rest left, so the cells taken are the
        *count* before the cursor (or from the first column on), as one DCH from where the BSs end takes them."""
        if not self._lr and (not self._reverse_wrap or not self.autowrap):
            self.cursor_back(count)
            self.delete_chars(count)
            return
        for _ in range(count):
            self.cursor_back(1)
            self.delete_chars(1)

    def edit_row(self, pieces: list[str], edits: Callable[[str], int | str | None]) -> int:
        """A line editor's corrections on the cursor's row, the cursor kept in a local: how many of *pieces* (as
        ``Dispatcher.csi_runs`` cuts a block: a CSI's text and the printable run after it, a DEL standing for BS then
        DCH 1) were done, from the first; the caller does the rest the general way.

        ``edits(text)`` says what a piece's CSI text is, if it is one of these (``EDIT_*``): an int *n* below
        ``EDIT_CUF`` is CUB *n* (BS is CUB 1), 0 BS then DCH 1, -1 EL 0; ``EDIT_CUF``, ``EDIT_DCH`` or ``EDIT_ICH``
        plus *n* CUF, DCH or ICH *n*; ``EDIT_IRM_ON`` / ``EDIT_IRM_OFF`` insert mode set or reset; a string is that
        character typed as ICH of its width then the character.  A piece of anything else ends the work.  Each does
        here what the screen method does (``cursor_back``, ``cursor_forward``, ``backspace_delete``,
        ``delete_chars``, ``erase_in_line``, ``insert_typed``, ``insert_text``, ``draw``, in insert mode or not) when
        nothing makes those take their long ways: no left/right margins, no character set, no wrap pending, no
        combining marks on the row, no protection, no reverse wraparound, insert mode off at the start (set and
        reset here as the pieces say: readline's and an editor's ``CSI 4 h``, a word, ``CSI 4 l``); a word typed or
        a run printed that would reach the edge goes the general way, and so does a typed character or an ICH with
        its text in insert mode, where both open room.  A line editor's keystrokes are each a few bytes, and each
        was several Python calls there; here they are a dict lookup and a few steps on locals, typed words and held
        backspaces still one row operation each."""
        y = self.y
        line = self.lines[y]
        if (
            not self._simple
            or self._charsets_active
            or self.pending_wrap
            or line.marks
            or self.protected_mode
            or (self._reverse_wrap and self.autowrap)
        ):
            return 0
        x = self.x
        cols = self.cols
        sid = self.sid
        bsid = sid & BG_FIELD
        word = ""  # characters typed, not inserted yet (consecutive ones are one insertion)
        dels = 0  # backspaces deleting, not done yet (consecutive ones are CUB n then DCH n, see backspace_delete)
        last: str | None = None  # the cells printed last (REP)
        changed = erased = insert = False  # insert: IRM as the pieces left it (off at the start: ``_simple``)
        done = len(pieces)
        left = ""  # a run the general path prints (it would reach the edge or has combining marks)
        for i, piece in enumerate(pieces):
            code = edits(piece)
            # The pieces in the order of how often they come (a word typed, moves back, backspaces deleting), each
            # tested once: ~1,000 instructions a piece.
            if code.__class__ is str:
                if insert:  # ICH then the character in insert mode: two openings, the general way
                    done = i
                    break
                if dels:
                    x = line.delete_before(x, dels, bsid, cols)
                    dels = 0
                word += code  # a typed character
                continue
            if code is None:
                # The CSI's text ends at its final byte, the first character that is not a parameter (as in
                # ``csi_runs``; a DEL has none): ``lstrip`` finds it for less than a regex match and its groups.
                run = piece.lstrip("0123456789:;")
                code = edits(piece[: len(piece) - len(run) + 1])
                if code is None or code.__class__ is str:
                    done = i
                    break
                run = run[1:]
            else:
                run = ""
            if word:
                mapped = word if word.isascii() else cells(word)
                if x + len(mapped) >= cols:
                    done = i
                    break
                line.insert_cells(x, mapped, sid, cols)
                x += len(mapped)
                word = ""  # (REP cannot follow it: a piece comes between)
                changed = True
            if code == 0:
                dels += 1
                if not run:
                    continue
            if dels:
                x = line.delete_before(x, dels, bsid, cols)
                dels = 0
                changed = True
            if code < EDIT_CUF:  # type: ignore[operator]
                if code > 0:  # type: ignore[operator]
                    x = x - code if x > code else 0  # type: ignore[operator]
                elif code:
                    line.erase(x, cols, bsid, cols)
                    changed = erased = True
            elif code < EDIT_DCH:  # type: ignore[operator]
                x += code - EDIT_CUF  # type: ignore[operator]
                if x >= cols:
                    x = cols - 1
            elif code < EDIT_ICH:  # type: ignore[operator]
                n = code - EDIT_DCH  # type: ignore[operator]
                line.delete_cells(x, n if n <= cols - x else cols - x, bsid, cols)
                changed = True
            elif code < EDIT_IRM_ON:  # type: ignore[operator]
                # ICH, then the run after it (``insert_text``: an editor inserting a word, readline's first character
                # and the rest of the line redrawn), outside insert mode and before the edge: the room opened, the run
                # written from the cursor.  One character the caller keeps as typed (``Dispatcher._typed``: a word of
                # such pieces is one insertion here from then on), so it goes the general way the first time.
                n = code - EDIT_ICH  # type: ignore[operator]  # (``insert_blanks`` keeps what fits before the edge)
                if insert or len(run) == 1:
                    done = i
                    break
                if not run:
                    line.insert_blanks(x, n, bsid, cols)
                    changed = True
                    continue
                mapped = run if run.isascii() else cells(run)
                if x + len(mapped) >= cols or (mapped is not run and ZERO_MARK in mapped):
                    done = i
                    break
                if len(mapped) == n:  # the room opened and written over at once
                    line.insert_cells(x, mapped, sid, cols)
                else:
                    line.insert_blanks(x, n, bsid, cols)
                    line.write(x, mapped, sid, cols)
                x += len(mapped)
                last = mapped
                changed = True
                continue
            else:
                insert = code == EDIT_IRM_ON
            if run:
                mapped = run if run.isascii() else cells(run)
                if x + len(mapped) >= cols or (mapped is not run and ZERO_MARK in mapped):
                    done = i + 1
                    left = run
                    break
                if insert:  # ``draw`` in insert mode (``_insert_run``)
                    line.insert_cells(x, mapped, sid, cols)
                    x += len(mapped)
                else:
                    # ``Line.write``, written out as ``draw`` does (the run ends before the edge, the row has no
                    # marks): readline redraws the rest of the line after each key, a write per piece, and the call
                    # and its ``set_styles`` were two frames each.
                    t = line.text
                    end = x + len(mapped)
                    right = t[end:]
                    if right[0] == PH:
                        right = BLANK + right[1:]
                    line.text = (t[: x - 1] + BLANK if x and t[x] == PH else t[:x]) + mapped + right
                    styles = line.styles
                    if styles is not None:
                        styles[x:end] = [sid] * len(mapped)
                    elif sid:
                        styles = line.styles = [0] * cols
                        styles[x:end] = [sid] * len(mapped)
                    x = end
                last = mapped
                changed = True
        # What the pieces done leave pending (a piece not of these, or the end): backspaces deleting, or a word typed
        # (the general way if it would reach the edge).
        if dels:
            x = line.delete_before(x, dels, bsid, cols)
            changed = True
        elif word:
            mapped = word if word.isascii() else cells(word)
            if x + len(mapped) < cols:
                line.insert_cells(x, mapped, sid, cols)
                x += len(mapped)
                last = mapped
                word = ""
                changed = True
        self.x = x
        if insert:
            self.insert_mode_on()
        if erased:
            line.wrapped = False
        if last is not None:
            self.last_run = last
        if changed:
            self.dirty.add(y)
        if word:
            self.insert_typed(word)
        elif left:
            self.draw(left)
        return done

    def insert_typed(self, text: str) -> None:
        """Each character of *text* typed as ICH of its width then the character (``CSI @ k``, ``CSI 2 @ 修``: a
        word readline or zsh inserts a keystroke at a time), as ``insert_text`` of each in turn.  When the word ends
        before the edge it is one string operation: each step would shift the row's end one character further
        right and write at the next column, which is inserting the whole word (``_insert_run``)."""
        if self._simple and not self._charsets_active and not self.pending_wrap:
            mapped = text if text.isascii() else cells(text)
            if self.x + len(mapped) < self.cols and self._insert_run(mapped):
                return
        for char in text:
            self.insert_text(1 if char.isascii() else len(cells(char)), char)

    def _insert_run(self, cells: str) -> bool:
        """Print laid-out *cells* in insert mode (or as ICH of their width then a write), without left/right margins,
        the cursor not pending a wrap and the run ending before the edge: ``insert_blanks`` and ``write`` folded into
        one string operation.  False, having done nothing, on a row with combining marks (``_put_cells`` then)."""
        line = self.lines[self.y]
        if line.marks:
            return False
        # Line.insert_cells' string operation, written out: the call costs insert-mode 0.7 % (1,041 → 1,048
        # instructions/byte), a kind on the 5 MB/s floor.
        x = self.x
        n = len(cells)
        cols = self.cols
        t = line.text
        if x and t[x] == PH:
            t = t[: x - 1] + BLANK + BLANK + t[x + 1 :]  # a wide character cut at the cursor goes
        keep = cols - n
        tail = t[x:keep]
        if t[keep] == PH:
            tail = tail[:-1] + BLANK  # a wide character's right half pushed off: its left half goes too
        line.text = t[:x] + cells + tail
        sid = self.sid
        styles = line.styles
        if styles is not None or sid:
            if styles is None:
                styles = line.styles = [0] * cols
            styles[x:x] = [sid] * n
            del styles[cols:]
        self.x = x + n
        self.dirty.add(self.y)
        self.last_run = cells
        return True

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

    def print_lines(
        self,
        texts: list[str],
        pens: dict[int, tuple[list[str], list[int]]] | None = None,
        erased: set[int] | None = None,
    ) -> None:
        """Print each text (printable characters and HTs) then CR LF: a block of log lines.

        *pens* gives the lines whose pen changes within them: ``pens[k] = (runs, sids)`` means line
        ``k`` draws ``runs[j]`` with style id ``sids[j]``, an empty run only moving the pen
        (``texts[k]`` is not read).  Other lines draw in the pen as it is; the dispatcher resolves
        the SGRs to ids.  *erased* holds the lines with EL (``CSI K``) between their text and CR LF, as
        ConPTY ends the lines it repaints.

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
        # A block of a few lines (what a shell prints between two prompts, a console between repaints) goes a line
        # at a time: laying out and scrolling in a block costs ~40,000 instructions before its first line, a plain
        # line written and scrolled by ``crlf`` ~12,000 (measured), so a block pays from about four lines on.  Lines
        # with pen changes too (``_put_styled_line``): ConPTY repaints a test's coloured ``--- PASS`` line in a frame
        # of one to three lines (conpty-frames 885 -> 871 instructions/byte; from seven lines on 871, thirteen 879).
        # But not lines of many pen changes (colour on every cell: a 4 KiB read holds one to three such lines), which
        # the block lays out at once (sgr-dense 877 -> 938 instructions/byte when they went a line at a time).
        many = count > _FEW_LINES
        if not many and pens is not None:
            # A loop, not ``sum`` over a generator: a frame less on a block of one to three lines (a pane's tail).
            total = 0
            for runs, _sids in pens.values():
                total += len(runs)
            many = total > _FEW_RUNS
        if (
            self.y == self.bottom
            and (self.top or self.alt_active)
            and not self.x
            and not self.pending_wrap
            and self._simple
            and not self._charsets_active
        ):
            # At the bottom of a region that keeps no history (a pane's tail, a pager, an editor scrolling its text):
            # the lines that land on fresh rows at once (``_land_lines``).
            i = self._land_lines(texts, pens, erased)
            if i == count:
                return
        while i < count:
            if many and self._at_fresh_bottom() and not self.sid & BG_FIELD:
                if laid is None:
                    laid = cells_of_lines(texts)
                limit = count if erased is None else self._erase_limit(laid, pens, erased, i)
                i = self._scroll_in(laid if limit == count else laid[:limit], pens, i)
                if i == count:
                    return
                mapped = laid[i]
                if "\t" not in mapped and (pens is None or i not in pens) and (erased is None or i not in erased):
                    # What stopped the block: a line that wraps or has combining marks.  The cursor is at
                    # the start of a blank row, so this is ``draw`` after its layout.
                    if ZERO_MARK in mapped:
                        self._draw_with_marks(mapped)
                    else:
                        self._put_cells(mapped)
                    crlf()
                    i += 1
                    continue
            if erased is not None and i in erased:
                # EL before the CR LF where a block cannot leave it out: the line's events one by one.
                runs_sids = pens.get(i) if pens is not None else None
                if runs_sids is not None:
                    for run, sid in zip(*runs_sids, strict=True):
                        self.sid = sid
                        if run:
                            self.draw_tabbed(run)
                elif texts[i]:
                    self.draw_tabbed(texts[i])
                self.erase_in_line(0)
                crlf()
                i += 1
                continue
            text = texts[i]
            runs_sids = pens.get(i) if pens is not None else None
            i += 1
            if runs_sids is not None:
                if (
                    not self.x
                    and not self.pending_wrap
                    and self._simple
                    and not self._charsets_active
                    and self._put_styled_line(*runs_sids)
                ):
                    crlf()
                    continue
                for run, sid in zip(*runs_sids, strict=True):
                    self.sid = sid
                    if run:
                        self.draw_tabbed(run)
                crlf()
                continue
            if text:
                if self._charsets_active or not self._simple or self.pending_wrap or self.x or "\t" in text:
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
            crlf()

    def _land_lines(
        self, texts: list[str], pens: dict[int, tuple[list[str], list[int]]] | None, erased: set[int] | None
    ) -> int:
        """``print_lines``' lines from the first, the cursor at the start of the bottom row of a region that keeps no
        history (not from the top of the main screen; in the first column, no pending wrap, no insert mode, narrow
        margins or charsets): as many as simply land, each laid out on a fresh row and the region scrolled once for
        them all; return how many.

        Each line is written on the bottom row and its CR LF scrolls the region up a row, so when that row is blank
        and plain the result is known in advance, as in ``_scroll_in``: the region's rows moved up by the number of
        lines (those leaving it are gone), the lines laid out above its (still blank) bottom row.  That costs a
        layout a line and one move of the rows instead of a write and a scroll each (``_put_styled_line``,
        ``crlf``); ``_scroll_in``'s set-up (~40,000 instructions before its first line) would cost a pane's few
        lines more than it saves.  It stops before a line that does not simply fit the row (wrapping, combining
        marks, a tab), has EL before its CR LF and reaches the last column (EL erases the cell the cursor waits on),
        or leaves the pen with a background (the row its CR LF opens takes that colour, xterm's BCE)."""
        bottom = self.bottom
        lines = self.lines
        row = lines[bottom]
        if row.styles is not None or row.marks or row.wrapped or row.text != self._blank_text:
            return 0
        sid = self.sid
        cols = self.cols
        blank = self._blank_text
        laid_rows: list[str] = []
        laid_styles: list[list[int] | None] = []
        count = len(texts)
        i = 0
        while i < count:
            # EL before the CR LF (tmux ends the lines of a pane it scrolls so): on a fresh row, after a line shorter
            # than the width, in a pen without background, it erases cells that are blank and plain already.
            width = cols - 1 if erased is not None and i in erased else cols
            runs_sids = pens.get(i) if pens is not None else None
            if runs_sids is None:
                text = texts[i]
                if not text.isascii():
                    text = cells(text)
                n = len(text)
                if n > width or sid & BG_FIELD or "\t" in text or ZERO_MARK in text:
                    break
                laid_rows.append(text + blank[n:])
                laid_styles.append([sid] * n + [0] * (cols - n) if sid and n else None)
            else:
                # The layout of ``_lay_out_line`` for a line without tabs, written out: a call and its general cases
                # (colour on every cell, tabs) cost a line of two colour changes more than writing it on its row.
                runs, sids = runs_sids
                text = "".join(runs)
                if not text.isascii():
                    runs = cells_each(runs)
                    text = "".join(runs)
                n = len(text)
                if n > width or sids[-1] & BG_FIELD or "\t" in text or ZERO_MARK in text:
                    break
                styles = None
                x = 0
                for run, run_sid in zip(runs, sids):  # noqa: B905 - as many of each; ``strict`` costs a keyword call
                    w = len(run)
                    if run_sid and w:
                        if styles is None:
                            styles = [0] * cols
                        styles[x : x + w] = [run_sid] * w
                    x += w
                laid_rows.append(text + blank[n:])
                laid_styles.append(styles)
                sid = sids[-1]
            i += 1
        if not i:
            return 0
        top = self.top
        above = bottom - top  # the region's rows above its bottom row
        k = i if i < above else above  # the region's rows that leave it (and the rows of lines that stay)
        leaving = lines[top : top + k]
        for line, text, styles in zip(leaving, laid_rows[i - k :], laid_styles[i - k :], strict=True):
            line.text = text
            line.styles = styles
            line.marks = None
            line.wrapped = False
        lines[top:bottom] = lines[top + k : bottom] + leaving
        self.sid = sid
        self.dirty_all = True
        return i

    def _put_styled_line(self, runs: list[str], sids: list[int]) -> bool:
        """A line with pen changes, from the first column of a row (not at a fresh bottom: a program's region
        scrolling, a log inside a pane): what drawing each run in its pen does, in one write if the line fits
        on the row, else run by run from one layout; False, having done nothing, for a line with a tab."""
        joined = "".join(runs)
        if "\t" in joined:
            return False
        if not joined.isascii():
            runs = cells_each(runs)
            joined = "".join(runs)
        n = len(joined)
        cols = self.cols
        if n >= cols or ZERO_MARK in joined:
            # It wraps, or has combining marks: each run as ``draw`` prints it after its layout, which is done.
            for run, sid in zip(runs, sids, strict=True):
                self.sid = sid
                if run:
                    if ZERO_MARK in run:
                        self._draw_with_marks(run)
                    else:
                        self._put_cells(run)
            return True
        line = self.lines[self.y]
        right = line.text[n:]
        if right[0] == PH:
            right = BLANK + right[1:]
        line.text = joined + right
        styles = line.styles
        x = 0
        last = ""
        for run, sid in zip(runs, sids):  # noqa: B905 - as many of each; ``strict`` costs a keyword call per line
            w = len(run)
            if w:
                if styles is not None:
                    styles[x : x + w] = [sid] * w
                elif sid:
                    styles = line.styles = [0] * cols
                    styles[x : x + w] = [sid] * w
                x += w
                last = run
        if last:
            self.last_run = last
        if line.marks:
            line.drop_marks(0, n)
        self.x = n
        self.sid = sids[-1]
        self.dirty.add(self.y)
        return True

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
            or not self._simple
            or self._charsets_active
        ):
            return False
        line = self.lines[-1]
        return line.styles is None and not line.marks and line.text == self._blank_text

    def _erase_limit(
        self, laid: list[str], pens: dict[int, tuple[list[str], list[int]]] | None, erased: set[int], start: int
    ) -> int:
        """The first line from *start* whose EL a block (``_scroll_in``) cannot leave out, else the number of lines.

        In a block each line lands on a blank row with a pen without background (it stops before a line whose pen
        ends with one), so EL after a line shorter than the width erases cells that are blank and plain already;
        after a line that reaches the edge it would erase the last cell (the cursor waits there) or a wrapped row's
        end, and after one with a HT the width is not known here: those lines go the general way."""
        cols = self.cols
        for k in sorted(erased):
            if k < start:
                continue
            if pens is not None and k in pens:
                text = "".join(pens[k][0])
                if not text.isascii():
                    text = cells(text)
            else:
                text = laid[k]
            if len(text) >= cols or "\t" in text:
                return k
        return len(laid)

    def _scroll_in(self, laid: list[str], pens: dict[int, tuple[list[str], list[int]]] | None, start: int) -> int:
        """Print lines ``laid[start:]`` (laid out as cells; see ``print_lines`` for *pens*), each followed by
        CR LF, from a fresh bottom; return the index of the first line it did not print.

        Each such line lands on a blank row that then scrolls up, so the result is known in
        advance: the screen rows above the cursor and the new lines, in order, with the oldest
        going to history.  That is computed once for the block instead of one write and one
        scroll per line, and the lines without pen changes between two that have them are laid
        out together in C (``_plain_rows``).  A line longer than the width lands as the rows its
        wrapping makes (``_wrap_rows``, ``_lay_out_wrapping`` with pens).  The block stops before a line
        that does not simply fit (combining marks, a tab with other stops set or one that reaches the
        edge, a tab in a coloured line that wraps, a wrap in a background colour, autowrap off), or whose
        pen ends with a background colour (the row its CR LF opens takes that colour, xterm's BCE, which
        the block does not model); the caller prints it the general way.
        """
        cols = self.cols
        sid = self.sid
        rows: list[str] = []
        rows_styles: list[list[int] | None] = []
        wrapped_at: list[int] = []  # the rows whose line continues on the next row
        count = len(laid)
        styled = iter(sorted(k for k in pens if k >= start)) if pens else iter(())
        i = start
        while i < count:
            j = next(styled, count)
            if j > i:
                first = laid[i]
                if ZERO_MARK in first or (len(first) > cols and not sid and not self._wraps_whole(first)):
                    # Checked alone before the rest of the block is sliced and joined: in output where most
                    # lines stop the block, doing that once per line would make a block quadratic.
                    break
                seg = laid[i:j]
                if not sid:
                    fitted, wrapped, k = self._plain_rows(seg)
                    if wrapped:
                        base = len(rows)
                        wrapped_at += [base + r for r in wrapped]
                    rows += map(str.ljust, fitted, repeat(cols))
                    rows_styles += repeat(None, len(fitted))
                else:
                    k = 0
                    for text in seg:  # a coloured pen: rare enough to go a line at a time
                        laid_row = self._lay_out_line([text], [sid])
                        if laid_row is not None:
                            rows.append(laid_row[0])
                            rows_styles.append(laid_row[1])
                        elif not self._add_wrapping([text], [sid], rows, rows_styles, wrapped_at):
                            break
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
            text = "".join(runs)
            if not text.isascii():
                runs = cells_each(runs)
                text = "".join(runs)
            n = len(text)
            if n <= cols and len(runs) <= _INLINE_RUNS and "\t" not in text and ZERO_MARK not in text:
                # A log line's few colour changes (``--- PASS``, a bold word, grep's match): the layout of
                # ``_lay_out_line`` written out with the text joined once.  Its call, its second join and its test for
                # colour on every cell were ~1/3 of its cost (invalid-bytes, where most lines have a bold word, spent
                # 110 instructions a byte in ``_lay_out_line``).
                styles = None
                x = 0
                for run, run_sid in zip(runs, sids):  # noqa: B905 - as many of each; ``strict`` costs a keyword call
                    w = len(run)
                    if run_sid and w:
                        if styles is None:
                            styles = [0] * cols
                        styles[x : x + w] = [run_sid] * w
                    x += w
                rows.append(text + self._blank_text[n:])
                rows_styles.append(styles)
            elif n > cols and "\t" not in text and ZERO_MARK not in text:
                # Longer than the width: straight to its wrapped rows (``_lay_out_line`` would say it does not fit).
                if not self._add_wrapping(runs, sids, rows, rows_styles, wrapped_at, text):
                    break
            else:
                laid_row = self._lay_out_line(runs, sids)
                if laid_row is not None:
                    rows.append(laid_row[0])
                    rows_styles.append(laid_row[1])
                elif not self._add_wrapping(runs, sids, rows, rows_styles, wrapped_at):
                    break
            sid = end_sid
            i += 1
        if rows:
            self._commit_scroll_in(rows, rows_styles if any(rows_styles) else None, wrapped_at)
            self.sid = sid
        return i

    def _plain_rows(self, seg: list[str]) -> tuple[list[str], list[int], int]:
        """Lines laid out as cells, as the rows they make from a blank row (HTs expanded, not padded), up to
        the first that does not simply land: ``(rows, the indexes of the rows that wrap, lines taken)``.

        One join, one ``expandtabs`` and one split, in C; only a block with lines longer than the width
        goes through them one by one, to cut those into rows.
        """
        cols = self.cols
        joined = "\n".join(seg)
        stop = len(seg)
        mark = joined.find(ZERO_MARK)
        if mark >= 0:
            stop = joined.count("\n", 0, mark)
        if "\t" in joined:
            # HT moves over the blank cells of a fresh row: with the default stops, to the next multiple
            # of 8, which is what expandtabs gives (a wide character is two characters here).  Only the
            # lines with one are expanded: expanding the whole block copies every line twice over.
            if not self._tabs_default:
                stop = min(stop, joined.count("\n", 0, joined.find("\t")))
            rows = [row.expandtabs(8) if "\t" in row else row for row in seg]
        else:
            rows = seg
        if stop < len(rows):
            rows = rows[:stop]
        # A line of exactly ``cols`` cells fits: its CR cancels the pending wrap, so nothing wraps.
        if not rows or max(map(len, rows)) <= cols:
            return rows, [], len(rows)
        out: list[str] = []
        wrapped: list[int] = []
        taken = 0
        for row in rows:
            if len(row) > cols:
                if not self._wraps_whole(seg[taken]):
                    break
                pieces = self._wrap_rows(row)
                wrapped += range(len(out), len(out) + len(pieces) - 1)
                out += pieces
            else:
                out.append(row)
            taken += 1
        return out, wrapped, taken

    def _wraps_whole(self, text: str) -> bool:
        """Whether a line laid out as *text* (cells and HTs), longer than the width, lands from a blank row as
        ``_wrap_rows`` of its tab-expanded cells: autowrap on, a row wide enough for a wide character, and
        every HT (default stops) before the edge — one that reaches it stays in the last column instead."""
        if not self.autowrap or self.cols < 2:
            return False
        tab = text.rfind("\t")
        return tab < 0 or (self._tabs_default and len(text[: tab + 1].expandtabs(8)) < self.cols)

    def _wrap_rows(self, row: str) -> list[str]:
        """A line's cells (longer than the width) cut into the rows autowrap makes of them from column 0: a
        wide character that would straddle the edge goes whole to the next row, leaving the last cell blank."""
        cols = self.cols
        out: list[str] = []
        pos = 0
        n = len(row)
        while n - pos > cols:
            end = pos + cols
            if row[end] == PH:
                out.append(row[pos : end - 1] + BLANK)
                pos = end - 1
            else:
                out.append(row[pos:end])
                pos = end
        out.append(row[pos:])
        return out

    def _lay_out_line(self, runs: list[str], sids: list[int]) -> tuple[str, list[int] | None] | None:
        """One line (runs laid out as cells, each with its style id) on a blank row: (row text, its styles or
        None), or None when it does not simply fit."""
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
        return text + self._blank_text[n:], styles

    def _add_wrapping(
        self,
        runs: list[str],
        sids: list[int],
        rows: list[str],
        rows_styles: list[list[int] | None],
        wrapped_at: list[int],
        text: str | None = None,
    ) -> bool:
        """``_scroll_in``'s step for a coloured line longer than the width: its rows (:meth:`_lay_out_wrapping`)
        added to the block's, every one but the last marked as wrapped; False when it does not simply land.
        *text*, when given, is the runs joined."""
        laid_rows = self._lay_out_wrapping(runs, sids, text)
        if laid_rows is None:
            return False
        wrapped_at += range(len(rows), len(rows) + len(laid_rows[0]) - 1)
        rows += laid_rows[0]
        rows_styles += laid_rows[1]
        return True

    def _lay_out_wrapping(
        self, runs: list[str], sids: list[int], text: str | None = None
    ) -> tuple[list[str], list[list[int] | None]] | None:
        """One line longer than the width (runs laid out as cells, each with its style id) on a blank row, as
        the rows autowrap makes of it: (their texts, their styles or None each), or None when it does not simply
        land (autowrap off, a row too narrow for a wide character, HTs, combining marks, a background colour).

        As ``_wrap_rows``, a wide character that would straddle the edge goes whole to the next row; the cell it
        leaves is erased in the pen it was printed with (``_put_cells``).  *text*, when given, is the runs joined.
        """
        if text is None:
            text = "".join(runs)
        cols = self.cols
        n = len(text)
        if n <= cols or not self.autowrap or cols < 2 or ZERO_MARK in text or "\t" in text:
            return None
        if any(map(BG_FIELD.__and__, sids)):  # in C: a generator's frame costs more than the test
            return None  # the rows a wrap opens are erased in the pen's background (xterm's BCE)
        texts: list[str] = []
        styled = any(compress(sids, runs))
        cell_styles: list[int] = []
        if styled:
            for run, sid in zip(runs, sids):  # noqa: B905 - as many of each; ``strict`` costs a keyword call
                if run:
                    cell_styles += [sid] * len(run)
        rows_styles: list[list[int] | None] = []
        pos = 0
        while n - pos > cols:
            end = pos + cols
            if text[end] == PH:
                texts.append(text[pos : end - 1] + BLANK)
            else:
                texts.append(text[pos:end])
            if styled:
                row = cell_styles[pos:end]
                rows_styles.append(row if any(row) else None)
            else:
                rows_styles.append(None)
            pos = end - 1 if text[end] == PH else end
        texts.append(text[pos:] + self._blank_text[n - pos :])
        if styled:
            row = cell_styles[pos:]
            if any(row):
                row += repeat(0, cols - (n - pos))
                rows_styles.append(row)
            else:
                rows_styles.append(None)
        else:
            rows_styles.append(None)
        return texts, rows_styles

    def _lay_out_tabbed(self, runs: list[str], sids: list[int]) -> tuple[str, list[int] | None] | None:
        """A styled line with HTs (runs already laid out as cells) on a blank row: (row text, its styles or
        None), or None when it does not simply fit."""
        if not self._tabs_default:
            return None
        cols = self.cols
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        col = 0
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
        if col > cols:
            return None
        text = "".join(parts) + self._blank_text[col:]
        if not any(sid for sid, _k in spans):
            return text, None
        styles: list[int] = []
        for sid, k in spans:
            styles += [sid] * k
        styles += repeat(0, cols - col)
        return text, styles

    def _commit_scroll_in(
        self, rows_text: list[str], rows_styles: list[list[int] | None] | None, wrapped_at: list[int]
    ) -> None:
        """Make full-width rows the newest lines of a full screen, as if each was written on the blank bottom
        row and scrolled up: the oldest rows go to history, the blank bottom row stays blank.  The rows
        numbered in *wrapped_at* continue on the next row (their line wrapped)."""
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
        if wrapped_at:
            self._mark_wrapped(wrapped_at, k, leaving)
        lines[:-1] = above[len(leaving) :] + leaving
        self._scrolled_total += k
        self.dirty_all = True

    def _mark_wrapped(self, wrapped_at: list[int], k: int, leaving: list[Line]) -> None:
        """Flag as wrapped the rows *wrapped_at* (of the *k* just scrolled in): those now on screen are the last
        of *leaving*, those already in history its newest entries (rebuilt, being tuples)."""
        on_screen = len(leaving)
        history = self.history
        in_history = k - on_screen
        for r in wrapped_at:
            if r >= in_history:
                leaving[r - in_history].wrapped = True
            else:
                back = in_history - r  # 1 is the newest history row
                if back <= len(history):
                    history[-back] = history[-back]._replace(wrapped=True)

    def write_runs(self, runs: list[str], sids: list[int], erase: bool = False) -> bool:
        """Print each run (not empty) in its style id, as ``draw`` of each with the pen set to its id does, then with
        *erase* EL (``CSI K``) in the pen as it is (the caller's: the last id, which is left as it is); False, having
        done nothing, unless they fit on the cursor's row (before its last cell, with *erase*) with nothing making
        ``draw`` take its long way (nor protection, with *erase*): ``draw_each`` then, and EL.

        A full-screen program writes a row as a few runs cut by colour changes (htop's CPU column and command, vim's
        line number and code: ``Dispatcher.csi_runs``), often ended by EL (a repainted row shorter than the old one);
        here that is one string build and one styles slice per run, not a ``draw`` each (and an erase)."""
        if self.pending_wrap or not self._simple or self._charsets_active or (erase and self.protected_mode):
            return False  # before any layout: insert mode and autowrap off print run by run
        text = "".join(runs)
        laid = runs
        if not text.isascii():
            laid = cells_each(runs)
            text = "".join(laid)
            if ZERO_MARK in text:
                return False
        x = self.x
        cols = self.cols
        end = x + len(text)
        if end > cols or (end == cols and erase):
            return False
        line = self.lines[self.y]
        t = line.text
        cut = x and t[x] == PH
        if erase:
            right = BLANK * (cols - end)  # EL from the cell after the runs, which are whole cells: nothing to split
            bsid = self.sid & BG_FIELD
            line.wrapped = False
        else:
            right = t[end:]
            if right and right[0] == PH:
                right = BLANK + right[1:]
            bsid = 0
        line.text = (t[: x - 1] + BLANK if cut else t[:x]) + text + right
        styles = line.styles
        if styles is None and (bsid or any(sids)):
            styles = line.styles = [0] * cols
        if styles is not None:
            if len(sids) == end - x:
                styles[x:end] = sids  # every run is one cell (colour on every cell): the ids are the cells' styles
            else:
                at = x
                for run, sid in zip(laid, sids):  # noqa: B905 - as many of each; ``strict`` costs a keyword call
                    w = len(run)
                    styles[at : at + w] = [sid] * w
                    at += w
            if erase:
                styles[end:] = [bsid] * (cols - end)
        if line.marks:
            line.drop_marks(x - 1 if cut else x, cols if erase else end)
        if end < cols:
            self.x = end
        else:  # the runs reach the edge: the cursor waits on the last cell
            self.x = cols - 1
            self.pending_wrap = True
        self.dirty.add(self.y)
        self.last_run = laid[-1]
        return True

    def repaint_line(self, cup: int, text: str, erase: bool) -> bool:
        """CUP to *cup* (``row << 16 | column``, 1-based, 0 meaning 1, as ``Dispatcher`` keeps a CUP's text), then
        print *text* (not empty) and with *erase* EL, as ``cursor_position``, ``draw`` and ``erase_in_line(0)`` do;
        False, having done nothing, unless the text fits on the row before its last cell with nothing making ``draw``
        take its long way (nor protection, with *erase*).  ConPTY's repaint of a line (``Dispatcher.repaints``): a
        CUP, one string build and a styles slice, as ``write_runs`` of one run does after the move."""
        if not text or not self._simple or self._charsets_active or (erase and self.protected_mode):
            return False
        if not text.isascii():
            text = cells(text)
            if ZERO_MARK in text:
                return False
        row = cup >> 16
        col = cup & 0xFFFF
        if self.origin:  # relative to the margins and kept inside them (``_cursor_set``)
            row = self.top + (row - 1 if row > 1 else 0)
            last = self.bottom
            y = row if row < last else last
            col = self.left + (col - 1 if col > 1 else 0)
            last = self.right
            x = col if col < last else last
        else:
            last = self.rows
            y = 0 if row < 1 else row - 1 if row < last else last - 1
            last = self.cols
            x = 0 if col < 1 else col - 1 if col < last else last - 1
        cols = self.cols
        end = x + len(text)
        if end >= cols:
            return False  # to the edge: a wrap pending, or wrapping (``draw``)
        self.pending_wrap = False
        self.y = y
        line = self.lines[y]
        t = line.text
        cut = x and t[x] == PH
        if erase:
            right = BLANK * (cols - end)  # EL from the cell after the text, which is whole cells: nothing to split
            bsid = self.sid & BG_FIELD
            line.wrapped = False
        else:
            right = t[end:]
            if right[0] == PH:
                right = BLANK + right[1:]
            bsid = 0
        line.text = (t[: x - 1] + BLANK if cut else t[:x]) + text + right
        sid = self.sid
        styles = line.styles
        if styles is None and (sid or bsid):
            styles = line.styles = [0] * cols
        if styles is not None:
            styles[x:end] = [sid] * (end - x)
            if erase:
                styles[end:] = [bsid] * (cols - end)
        if line.marks:
            line.drop_marks(x - 1 if cut else x, cols if erase else end)
        self.x = end
        self.dirty.add(y)
        self.last_run = text
        return True

    def draw_each(self, runs: list[str], sids: list[int]) -> None:
        """``draw`` of each run with the pen set to its style id; the pen is left as it was."""
        pen = self.sid
        draw = self.draw
        for run, sid in zip(runs, sids, strict=True):
            self.sid = sid
            draw(run)
        self.sid = pen

    def write_laid(self, text: str, seg: list[int], last: str) -> bool:
        """Print laid-out cells *text* (no combining marks), each in its style id of *seg*, as ``write_runs`` does
        when they all fit on the cursor's row, *last* being the last run's cells (REP); False, having done nothing,
        when they do not or a setting makes ``draw`` take its long way (``Dispatcher.sgr_runs``' kept blocks)."""
        x = self.x
        cols = self.cols
        end = x + len(text)
        if self._charsets_active or self.pending_wrap or not self._simple or end > cols:
            return False
        line = self.lines[self.y]
        # ``Line.write``'s string operation, written out (as in ``draw``): the call and its style pass, which the
        # styles of *seg* then overwrote, cost a coloured prompt ~3,000 instructions.
        t = line.text
        cut = x and t[x] == PH
        left = t[: x - 1] + BLANK if cut else t[:x]
        if end < cols:
            right = t[end:]
            if right[0] == PH:
                right = BLANK + right[1:]
            line.text = left + text + right
            self.x = end
        else:
            line.text = left + text
            self.x = cols - 1
            self.pending_wrap = True
        if line.marks:
            line.drop_marks(x - 1 if cut else x, end)
        styles = line.styles
        if styles is not None:
            styles[x:end] = seg
        elif any(seg):  # all plain on a plain row: no list, as ``draw`` leaves it
            styles = line.styles = [0] * cols
            styles[x:end] = seg
        self.dirty.add(self.y)
        self.last_run = last
        return True

    def _put_cells(self, cells: str) -> None:
        """Print laid-out cells with wrapping, insert mode, autowrap off and left/right margins handled (xterm).

        The text wraps at the right margin when the cursor is inside it (at the right edge when it
        was moved beyond it), to the left margin of the next row.

        What fits on the row goes in one ``write`` (after one ``insert_blanks`` in insert mode): opening
        *k* blanks and writing *k* cells is what *k* single characters do one after another, since every
        cell that a later one pushes past the edge an earlier one pushed there too.  With autowrap off,
        the characters beyond the edge all land in its last cell, so only the last of them is written.
        """
        n = len(cells)
        if not n:
            return
        self.last_run = cells
        cols = self.cols
        sid = self.sid
        lr = self._lr  # without narrow margins the edge is the screen's: no margin arithmetic per row
        insert = self.insert
        x = self.x
        if insert and not lr and not self.pending_wrap and x + n < cols and self._insert_run(cells):
            # Insert mode, no margins, the run fits before the edge with room to spare (a line editor inserting
            # a word): ``insert_blanks`` then ``write`` as one string operation.
            return
        autowrap = self.autowrap
        i = 0
        while i < n:
            if self.pending_wrap:
                self.pending_wrap = False
                if autowrap:
                    self.lines[self.y].wrapped = True
                    self._index()
                    self.x = self.left
            x = self.x
            edge = (self.right + 1 if x <= self.right else cols) if lr else cols
            line = self.lines[self.y]
            self.dirty.add(self.y)
            k = n - i
            if k > edge - x:
                k = edge - x
            if k < n - i and cells[i + k] == PH:
                k -= 1  # do not split a wide character across the edge
            if k == 0:
                # A wide character does not fit before the edge: with autowrap it wraps and the rest of the row is
                # blanked; it is dropped when nothing wraps or the column is too narrow ever to show it.
                if autowrap and x > self.left:
                    line.erase(x, edge, sid, cols)
                    self.x = edge - 1
                    self.pending_wrap = True
                else:
                    i += 2
                continue
            opening = insert
            if insert and lr:
                left = self.left
                if x < left:
                    # Insert mode acts from the left margin on: up to it the cells are written over.
                    opening = False
                    if x + k > left:
                        k = left - x
                        if cells[i + k] == PH:
                            k += 1
                elif x > self.right:
                    opening = False
            run = cells if k == n else cells[i : i + k]
            if opening:
                line.insert_blanks(x, k, sid, cols, self.right + 1)
            line.write(x, run, sid, cols)
            i += k
            x += k
            if x >= edge:
                self.x = edge - 1
                self.pending_wrap = True
            else:
                self.x = x
            if i < n and not autowrap and x >= edge - 1:
                i = self._overprint_edge(cells, i, edge)

    def _overprint_edge(self, cells: str, i: int, edge: int) -> int:
        """Autowrap off, the cursor at the edge's last cell: cells ``cells[i:]`` would each take that cell, a
        wide one being dropped.  Only the last single-width one shows (written as it would be), and the wrap
        stays pending only if it is the last.  Return ``len(cells)``."""
        n = len(cells)
        j = n - 1
        while j >= i and cells[j] == PH:
            j -= 2  # a wide character, dropped
        if j >= i:
            x = edge - 1
            line = self.lines[self.y]
            if self.insert and (not self._lr or self.left <= x <= self.right):
                line.insert_blanks(x, 1, self.sid, self.cols, self.right + 1)
            line.write(x, cells[j], self.sid, self.cols)
            self.x = x
        self.pending_wrap = j == n - 1
        return n

    def _draw_with_marks(self, mapped: str) -> None:
        """A run with combining marks: print the bases, attach each mark to the cell before it.

        *mapped* is the run laid out by ``cells``: every zero-width character sits right
        after a ``ZERO_MARK``, so splitting on the marker separates marks from bases in C.
        """
        parts = mapped.split(ZERO_MARK)
        if parts[0] and not self.pending_wrap and self._simple:
            # The common case (a word with an accent, mojibake's stray marks, an emoji's variation selector): the run
            # starts with a base and its bases fit on the cursor's row before the edge.  They are written at once as
            # ``draw`` writes a run, then each mark is attached to the cell written just before it, which is what the
            # bases and marks one after another do: a base's write drops only marks on the cells it covers, all of
            # them before any mark of this run is attached.  (A run that starts with a mark may attach it to half of
            # a wide character its first base then blanks: the general way below.)
            x = self.x
            end = x + len(mapped) - 2 * (len(parts) - 1)  # each mark is two characters of *mapped*, no cell
            if end < self.cols:
                bases = "".join([parts[0], *[part[1:] for part in parts[1:]]])
                line = self.lines[self.y]
                line.write(x, bases, self.sid, self.cols)
                at = x + len(parts[0]) - 1
                for part in parts[1:]:
                    line.attach_mark(at, part[0])
                    at += len(part) - 1
                self.x = end
                self.dirty.add(self.y)
                # The last character was a mark, which has no width to repeat (xterm's REP), or a base.
                self.last_run = "" if len(parts[-1]) == 1 else bases
                return
        if parts[0]:
            self._put_cells(parts[0])
        for part in parts[1:]:
            self._combine(part[0])
            if len(part) > 1:
                self._put_cells(part[1:])
        if len(parts[-1]) == 1:
            self.last_run = ""  # the last character was a mark, which has no width to repeat (xterm's REP)

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
        """The graphic character printed last (a wide one with its placeholder), for REP.  The parser tells the
        dispatcher to forget it when anything else came between it and a REP (xterm's rule)."""
        run = self.last_run
        if not run:
            return ""
        return run[-2:] if run[-1] == PH and len(run) > 1 else run[-1]

    def repeat_last(self, count: int) -> None:
        """REP: print the last printed graphic character *count* more times (wrapping within the margins)."""
        unit = self.last_char
        if unit:
            self._put_cells(unit * min(count, self.cols * self.rows))

    # ------------------------------------------------------------------ C0 controls
    def bell(self) -> None:
        self.on_bell()

    def backspace(self) -> None:
        """BS (and CUB 1): one column left, stopping at the left margin (or wrapping back, with DECAWM and mode
        45/1045).  ``cursor_back(1)`` without reverse wraparound, inline: a line editor sends one per keystroke it
        moves back over.  From the left margin it stays; from anywhere else it steps left, which from left of the
        margin stops at the first column."""
        if self._reverse_wrap and self.autowrap:
            self.cursor_back(1)
            return
        self.pending_wrap = False
        x = self.x
        if x and x != self.left:
            self.x = x - 1

    def tab(self, count: int = 1) -> None:
        """HT / CHT: to the next tab stop, stopping at the right margin; nothing while a wrap is pending."""
        if self.pending_wrap:
            if M.CURSES_FIX not in self.dec_modes or not self.autowrap:
                return
            # xterm's curses fix (?41): a tab at the end of a full row wraps first
            self.pending_wrap = False
            self.lines[self.y].wrapped = True
            self._index()
            self.x = 0
        x = self.x
        last = self.right
        if count == 1 and self._tabs_default and x < last:
            self.x = min(((x >> 3) + 1) << 3, last)
            return
        tabs = self.tabstops
        cols = self.cols
        for _ in range(count):
            nxt = x + 1
            while nxt < cols and not tabs[nxt]:
                nxt += 1
            nxt = min(nxt, cols - 1, last)
            if nxt <= x:
                # xterm: at (or, with DECLRMM, beyond) the right margin the cursor goes to the margin and stops
                x = nxt
                break
            x = nxt
        self.x = x

    def back_tab(self, count: int = 1) -> None:
        """CBT: to the previous tab stop, or the first column (the left margin in origin mode)."""
        self.pending_wrap = False
        x = self.x
        floor = self.left if self.origin else 0
        tabs = self.tabstops
        for _ in range(count):
            if x <= floor:
                break
            x -= 1
            while x > 0 and not tabs[x]:
                x -= 1
            x = max(x, floor)
        self.x = x

    def linefeed(self) -> None:
        """LF, VT, FF: index, plus carriage return in newline mode (LNM)."""
        self.pending_wrap = False
        y = self.y
        if y == self.bottom:
            if not self._lr or self.left <= self.x <= self.right:
                self._scroll_up_region(1)
        elif y < self.rows - 1:
            self.y = y + 1
        if self.newline_mode:
            self.carriage_return()

    def carriage_return(self) -> None:
        """CR: to the left margin (to the first column when the cursor is left of it outside origin mode)."""
        self.pending_wrap = False
        if self._lr:
            self.x = self.left if self.origin or self.x >= self.left else 0
        else:
            self.x = 0

    def crlf(self) -> None:
        """CR LF in one call: the pair ends nearly every line of captured output."""
        self.pending_wrap = False
        if self._lr:
            self.carriage_return()
            self.linefeed()
            return
        self.x = 0
        y = self.y
        if y != self.bottom:
            if y < self.rows - 1:
                self.y = y + 1
            return
        top = self.top
        if top or self.alt_active:
            # The bottom of a region that keeps no history (a pane's tail, a pager's scroll, the alternate screen):
            # ``_scroll_up_region(1)`` inline, the row leaving the region reused blank at its bottom.
            lines = self.lines
            line = lines.pop(top)
            bsid = self.sid & BG_FIELD
            line.text = self._blank_text
            line.styles = [bsid] * self.cols if bsid else None
            line.marks = None
            line.wrapped = False
            lines.insert(y, line)
            self.dirty_all = True
            return
        if y != self.rows - 1 or not self.scrollback:
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
        """Down one row; at the bottom margin the region scrolls up (unless the cursor is outside the
        left/right margins, where xterm's index does nothing at the bottom margin)."""
        y = self.y
        if y == self.bottom:
            if not self._lr or self.left <= self.x <= self.right:
                self._scroll_up_region(1)
        elif y < self.rows - 1:
            self.y = y + 1

    def index(self) -> None:
        """IND: down one row, scrolling the region at its bottom margin."""
        self.pending_wrap = False
        self._index()

    def next_line(self) -> None:
        """NEL: index, then carriage return (in that order: the index looks at the column it starts from)."""
        self.pending_wrap = False
        self._index()
        self.carriage_return()

    def reverse_index(self) -> None:
        """RI: up one row, scrolling the region down at its top margin."""
        self.pending_wrap = False
        if self.y == self.top:
            if not self._lr or self.left <= self.x <= self.right:
                self._scroll_down_region(1)
        elif self.y > 0:
            self.y -= 1

    def _scroll_up_region(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        lines = self.lines
        if self._lr:
            self._scroll_rect(top, bottom, n)
            return
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
        if n > bottom - top + 1:  # comparisons and the blank pen inline: a program scrolling a pane does this per line
            n = bottom - top + 1
        to_history = top == 0 and not self.alt_active and self.scrollback > 0
        bsid = self.sid & BG_FIELD
        if top == 0 and bottom == self.rows - 1:
            for _ in range(n):
                line = lines.pop(0)
                if to_history:
                    self.history.append(_freeze(line))
                lines.append(self._blank_line(bsid))
        else:
            blank = self._blank_text
            cols = self.cols
            for _ in range(n):
                line = lines.pop(top)
                if to_history:
                    self.history.append(_freeze(line))
                # The row leaving the region comes back blank at its bottom: the Line is reused (as the
                # full-screen path does), not made anew; a program scrolling a pane does this per line.
                line.text = blank
                line.styles = [bsid] * cols if bsid else None
                line.marks = None
                line.wrapped = False
                lines.insert(bottom, line)
        if to_history:
            self._scrolled_total += n
        self.dirty_all = True

    def _scroll_down_region(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        if self._lr:
            self._scroll_rect(top, bottom, -n)
            return
        if n > bottom - top + 1:
            n = bottom - top + 1
        # RI at the top margin, a pager scrolling back, does this per line.
        self._reuse_blank(bottom, top, n)

    def _reuse_blank(self, take: int, put: int, count: int) -> None:
        """Move *count* rows from index *take* to index *put*, each made blank in the pen's background (SD, RI at
        the top margin, IL and DL inside a region): the Line leaving the region is reused, not made anew, as the
        scroll up does (a program scrolling a pane does this per line)."""
        bsid = self.sid & BG_FIELD
        blank = self._blank_text
        cols = self.cols
        lines = self.lines
        for _ in range(count):
            line = lines.pop(take)
            line.text = blank
            line.styles = [bsid] * cols if bsid else None
            line.marks = None
            line.wrapped = False
            lines.insert(put, line)
        self.dirty_all = True

    def _scroll_rect(self, top: int, bottom: int, n: int) -> None:
        """Scroll the cells of rows *top*..*bottom* between the left and right margins up by *n* rows (down
        for a negative *n*); what comes in is blank.  Nothing goes to history: xterm keeps only whole rows."""
        left, end = self.left, self.right + 1
        cols = self.cols
        lines = self.lines
        for y in range(top, bottom + 1):
            lines[y].unsplit(left)
            lines[y].unsplit(end)
        k = min(abs(n), bottom - top + 1)
        bsid = self._blank_sid()
        if n > 0:
            for y in range(top, bottom + 1 - k):
                lines[y].paste_span(left, *lines[y + k].copy_span(left, end), cols)
            fresh = range(bottom + 1 - k, bottom + 1)
        else:
            for y in range(bottom, top - 1 + k, -1):
                lines[y].paste_span(left, *lines[y - k].copy_span(left, end), cols)
            fresh = range(top, top + k)
        for y in fresh:
            lines[y].erase(left, end, bsid, cols)
        self.dirty_all = True

    def scroll_up(self, count: int) -> None:
        """SU: scroll the region (within the left/right margins) up; the cursor stays."""
        self._scroll_up_region(count if count > 1 else 1)

    def scroll_down(self, count: int) -> None:
        """SD: scroll the region (within the left/right margins) down; the cursor stays."""
        self._scroll_down_region(count if count > 1 else 1)

    def scroll_left(self, count: int) -> None:
        """SL: the columns between the left and right margins move left by *count* (top to bottom margin),
        blank columns come in at the right margin; the cursor stays.  Only with the cursor inside the margins
        (xterm's ``xtermColScroll``)."""
        self._shift_columns(self.left, max(1, count), delete=True)

    def scroll_right(self, count: int) -> None:
        """SR: as SL, rightwards; blank columns come in at the left margin."""
        self._shift_columns(self.left, max(1, count), delete=False)

    def insert_columns(self, count: int) -> None:
        """DECIC: blank columns open at the cursor's column, pushing the rest to the right margin (only with
        the cursor inside the margins)."""
        self._shift_columns(self.x, max(1, count), delete=False)

    def delete_columns(self, count: int) -> None:
        """DECDC: columns at the cursor's column go, the rest moves left, blanks come in at the right margin."""
        self._shift_columns(self.x, max(1, count), delete=True)

    def back_index(self) -> None:
        """DECBI: one column left; at the left margin the region's columns move right instead."""
        if self.x == self.left and self.top <= self.y <= self.bottom:
            self._shift_columns(self.x, 1, delete=False)
        else:
            self.cursor_back(1)

    def forward_index(self) -> None:
        """DECFI: one column right; at the right margin the region's columns move left instead."""
        if self.x == self.right and self.top <= self.y <= self.bottom:
            self._shift_columns(self.left, 1, delete=True)
        else:
            self.cursor_forward(1)

    def _shift_columns(self, at: int, count: int, delete: bool) -> None:
        """Delete (or insert blank) *count* columns at column *at* in every row between the top and bottom
        margins, within the right margin; only with the cursor inside all four margins (xterm's
        ``xtermColScroll``)."""
        if not (self.top <= self.y <= self.bottom and self.left <= self.x <= self.right):
            return
        cols = self.cols
        end = self.right + 1
        count = min(count, end - at)
        if count <= 0:
            return
        bsid = self._blank_sid()
        for y in range(self.top, self.bottom + 1):
            line = self.lines[y]
            if delete:
                line.delete_cells(at, count, bsid, cols, end)
            else:
                line.insert_blanks(at, count, bsid, cols, end)
        self.dirty_all = True

    # ------------------------------------------------------------------ cursor motion
    def _cursor_set(self, row: int, col: int) -> None:
        """Cursor to 0-based (*row*, *col*), relative to the margins and kept inside them in origin mode
        (xterm's CursorSet)."""
        self.pending_wrap = False
        if self.origin:
            col += self.left
            last_col = self.right
            row += self.top
            last_row = self.bottom
        else:
            last_col = self.cols - 1
            last_row = self.rows - 1
        # Comparisons, not min/max: a builtin call costs several times more on the hot cursor paths.
        self.x = 0 if col < 0 else col if col < last_col else last_col
        self.y = 0 if row < 0 else row if row < last_row else last_row

    def cursor_up(self, count: int) -> None:
        self.pending_wrap = False
        floor = self.top if self.y >= self.top else 0
        y = self.y - (count if count > 1 else 1)
        self.y = y if y > floor else floor

    def cursor_down(self, count: int) -> None:
        self.pending_wrap = False
        ceiling = self.bottom if self.y <= self.bottom else self.rows - 1
        y = self.y + (count if count > 1 else 1)
        self.y = y if y < ceiling else ceiling

    def cursor_forward(self, count: int) -> None:
        """CUF: right, stopping at the right margin (at the edge when the cursor is beyond the margin)."""
        self.pending_wrap = False
        x = self.x
        limit = self.right if x <= self.right else self.cols - 1
        x += count if count > 1 else 1
        self.x = x if x < limit else limit

    def cursor_back(self, count: int) -> None:
        """CUB (and BS): left, stopping at the left margin (at the first column when the cursor is left of the
        margin).  With DECAWM and reverse wraparound the cursor goes on at the end of the row above: mode 45
        only onto a row that wrapped into this one, mode 1045 onto any row, from the top margin to the bottom
        one (xterm's CursorBack)."""
        if not self._reverse_wrap or not self.autowrap:
            # No reverse wraparound: the common case, as plain arithmetic.
            self.pending_wrap = False
            x = self.x
            left = self.left
            floor = left if x >= left else 0
            x -= count if count > 1 else 1
            self.x = x if x > floor else floor
            return
        count = max(1, count)
        left = self.left
        rev = M.REVERSE_WRAP in self.dec_modes
        rev2 = M.REVERSE_WRAP_EXTENDED in self.dec_modes
        right = self.right
        top, bottom = self.top, self.bottom
        col, row = self.x, self.y
        if col < left:
            left = 0
        if (rev or rev2) and self.pending_wrap:
            count -= 1  # the cursor stands for the column after the last: the first step only cancels the wrap
        else:
            col -= 1
        checked = False
        while True:
            if col < left:
                if rev2:
                    col = right
                    if row == top:
                        row = bottom + 1
                elif not rev:
                    col = left
                    break
                checked = False
                row -= 1
            if not checked:
                checked = True
                if row != self.y:
                    if row < 0 or (not rev2 and not self.lines[row].wrapped):
                        if row < bottom:
                            row += 1  # the row above did not wrap into this one: stay at the margin
                        col = left
                        break
                    col = right
            count -= 1
            if count <= 0:
                break
            col -= 1
        self.y = row
        self.x = col
        self.pending_wrap = False

    def cursor_next_line(self, count: int) -> None:
        self.cursor_down(count)
        self.carriage_return()

    def cursor_previous_line(self, count: int) -> None:
        self.cursor_up(count)
        self.carriage_return()

    def cursor_position(self, row: int, col: int) -> None:
        """CUP/HVP with 1-based arguments (0 means 1), relative to the margins in origin mode."""
        if self.origin:
            self._cursor_set(max(1, row) - 1, max(1, col) - 1)
            return
        # ``_cursor_set`` inlined: full-screen programs send a CUP every few bytes
        self.pending_wrap = False
        rows = self.rows
        cols = self.cols
        self.y = 0 if row < 1 else row - 1 if row < rows else rows - 1
        self.x = 0 if col < 1 else col - 1 if col < cols else cols - 1

    def cursor_to_column(self, col: int) -> None:
        """CHA / HPA (1-based, relative to the left margin in origin mode)."""
        self._cursor_set(self._origin_row(), max(1, col) - 1)

    def cursor_to_line(self, row: int) -> None:
        """VPA (1-based, relative to the top margin in origin mode)."""
        self._cursor_set(max(1, row) - 1, self._origin_col())

    def cursor_forward_cols(self, count: int) -> None:
        """HPR: right by *count*, to the screen's edge (the right margin in origin mode); unlike CUF it is
        not stopped by the right margin otherwise."""
        self._cursor_set(self._origin_row(), self._origin_col() + max(1, count))

    def cursor_down_row(self, count: int) -> None:
        """VPR: down *count* rows, to the screen's last row (the bottom margin in origin mode)."""
        self._cursor_set(self._origin_row() + max(1, count), self._origin_col())

    def _origin_row(self) -> int:
        return self.y - self.top if self.origin else self.y

    def _origin_col(self) -> int:
        return self.x - self.left if self.origin else self.x

    def save_cursor(self) -> None:
        saved = self.saved_alt if self.alt_active else self.saved_main
        saved.x, saved.y, saved.pending_wrap = self.x, self.y, self.pending_wrap
        saved.sid = self.sid
        saved.origin = self.origin
        saved.autowrap = self.autowrap
        saved.charsets = list(self.charsets)
        saved.gl = self.gl

    def restore_cursor(self) -> None:
        """DECRC: the saved position (kept inside the margins in origin mode), pen, modes and charsets."""
        saved = self.saved_alt if self.alt_active else self.saved_main
        self.sid = saved.sid
        self._set_origin_flag(saved.origin)
        if self.origin:
            self._cursor_set(saved.y - self.top, saved.x - self.left)
        else:
            self.x = min(saved.x, self.cols - 1)
            self.y = min(saved.y, self.rows - 1)
        self.pending_wrap = saved.pending_wrap and self.x == saved.x and self.x in (self.cols - 1, self.right)
        self.charsets = list(saved.charsets)
        self.gl = saved.gl
        self._update_translate()

    # ------------------------------------------------------------------ erasing and editing
    def _erase(self, line: Line, start: int, end: int, protect: bool = False) -> None:
        """Blank cells [start, end) in the pen's background; with *protect*, protected cells stay."""
        bsid = self._blank_sid()
        if protect and line.styles is not None:
            styles = line.styles
            x = start
            while x < end:
                while x < end and styles[x] & PROTECTED:
                    x += 1
                run = x
                while x < end and not styles[x] & PROTECTED:
                    x += 1
                if x > run:
                    line.erase(run, x, bsid, self.cols)
            return
        line.erase(start, end, bsid, self.cols)

    def _honours_protection(self, selective: bool) -> bool:
        """Whether an erase leaves protected cells: DECSED/DECSEL (*selective*) under DECSCA or SPA, and
        ED/EL/ECH under SPA only (xterm)."""
        mode = self.protected_mode
        return mode == M.PROTECT_ISO or (selective and mode == M.PROTECT_DEC)

    def erase_in_line(self, how: int, selective: bool = False) -> None:
        """EL (DECSEL when *selective*): 0 cursor to end, 1 start to cursor, 2 whole line (a pending wrap is
        cancelled, as xterm).  The margins do not limit it."""
        self.pending_wrap = False
        line = self.lines[self.y]
        if how == 0:
            start, end = self.x, self.cols
        elif how == 1:
            start, end = 0, self.x + 1
        elif how == 2:
            start, end = 0, self.cols
        else:
            return
        if self.protected_mode:
            self._erase(line, start, end, self._honours_protection(selective))
        else:
            line.erase(start, end, self.sid & BG_FIELD, self.cols)  # ``_erase``, inline: EL is in every redraw
        line.wrapped = False if how != 1 else line.wrapped
        self.dirty.add(self.y)

    def erase_in_display(self, how: int, selective: bool = False) -> None:
        """ED (DECSED when *selective*): 0 cursor to end, 1 start to cursor, 2 whole screen, 3 scrollback."""
        protect = self.protected_mode != M.PROTECT_OFF and self._honours_protection(selective)
        first = self.x == 0 and self.y == 0
        last = self.x == self.cols - 1 and self.y == self.rows - 1
        if (how == 0 and first) or (how == 1 and last):
            how = 2  # xterm: from the very first (to the very last) cell is the whole screen
        if how == 0:
            self.erase_in_line(0, selective)
            rng = range(self.y + 1, self.rows)
        elif how == 1:
            self.erase_in_line(1, selective)
            rng = range(0, self.y)
        elif how == 2:
            rng = range(0, self.rows)
            self.pending_wrap = False
        elif how == 3:
            self.history.clear()
            self.dirty_all = True
            return
        else:
            return
        bsid = self._blank_sid()
        kept = False
        for y in rng:
            line = self.lines[y]
            if protect and line.styles is not None and any(sid & PROTECTED for sid in line.styles):
                self._erase(line, 0, self.cols, True)
                line.wrapped = False
                kept = True
            else:
                self.lines[y] = self._blank_line(bsid)
        if how == 2 and protect and not kept:
            self.protected_mode = M.PROTECT_OFF  # xterm: nothing protected is left, so erases stop looking
        self.dirty_all = True

    def erase_chars(self, count: int) -> None:
        """ECH: blank *count* cells from the cursor (the margins do not limit it); nothing moves, a pending
        wrap is cancelled."""
        self.pending_wrap = False
        line = self.lines[self.y]
        protect = self.protected_mode == M.PROTECT_ISO
        self._erase(line, self.x, min(self.cols, self.x + max(1, count)), protect)
        self.dirty.add(self.y)

    def insert_chars(self, count: int) -> None:
        """ICH: open *count* blank cells at the cursor, pushing the rest towards the right margin (nothing
        when the cursor is outside the left/right margins)."""
        self.pending_wrap = False
        x = self.x
        if not self.left <= x <= self.right:
            return
        end = self.right + 1
        # Comparisons, not min/max, and ``_blank_sid`` inline: a line editor sends one per keystroke it corrects.
        if count < 1:
            count = 1
        elif count > end - x:
            count = end - x
        self.lines[self.y].insert_blanks(x, count, self.sid & BG_FIELD, self.cols, end)
        self.dirty.add(self.y)

    def delete_chars(self, count: int) -> None:
        """DCH: remove *count* cells at the cursor, pulling the rest left; blanks come in at the right margin
        (nothing when the cursor is outside the left/right margins)."""
        self.pending_wrap = False
        x = self.x
        if not self.left <= x <= self.right:
            return
        end = self.right + 1
        # Comparisons, not min/max, and ``_blank_sid`` inline: a line editor sends one per keystroke it corrects.
        if count < 1:
            count = 1
        elif count > end - x:
            count = end - x
        self.lines[self.y].delete_cells(x, count, self.sid & BG_FIELD, self.cols, end)
        self.dirty.add(self.y)

    def insert_lines(self, count: int) -> None:
        """IL: inside the scroll region (and the left/right margins), open blank rows at the cursor row; the
        cursor goes to the left margin."""
        if not (self.top <= self.y <= self.bottom and self.left <= self.x <= self.right):
            return
        self.pending_wrap = False
        y = self.y
        bottom = self.bottom
        if count < 1:  # comparisons, not min/max, and the blank row inline: an editor scrolling a pane sends these
            count = 1
        elif count > bottom - y + 1:
            count = bottom - y + 1
        self.x = self.left
        if self._lr:
            self._scroll_rect(self.y, self.bottom, -count)
            return
        self._reuse_blank(bottom, y, count)

    def delete_lines(self, count: int) -> None:
        """DL: inside the scroll region (and the left/right margins), remove rows at the cursor row; the
        cursor goes to the left margin."""
        if not (self.top <= self.y <= self.bottom and self.left <= self.x <= self.right):
            return
        self.pending_wrap = False
        y = self.y
        bottom = self.bottom
        if count < 1:  # comparisons, not min/max, and the blank row inline: an editor scrolling a pane sends these
            count = 1
        elif count > bottom - y + 1:
            count = bottom - y + 1
        self.x = self.left
        if self._lr:
            self._scroll_rect(self.y, self.bottom, count)
            return
        self._reuse_blank(y, bottom, count)

    def alignment_display(self) -> None:
        """DECALN: fill the screen with E, reset the margins (all four), origin mode and rendition, home the
        cursor."""
        self.top, self.bottom = 0, self.rows - 1
        self.left, self.right = 0, self.cols - 1
        self._margins_changed()
        self._set_origin_flag(False)
        self.sid &= ~(FLAGS_FIELD | UNDERLINE_FIELD)
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
        self._cursor_set(0, 0)

    def set_lr_margins(self, left: int, right: int) -> None:
        """DECSLRM with 1-based arguments (0 means the default), honoured only in DECLRMM; a region narrower
        than two columns is ignored.  The cursor goes home."""
        if not self.lr_mode:
            return
        left = max(1, left) - 1
        right = (right if 0 < right <= self.cols else self.cols) - 1
        if left >= right:
            return
        self.left, self.right = left, right
        self._margins_changed()
        self._cursor_set(0, 0)

    def _margins_changed(self) -> None:
        """Recompute the flags the fast paths test (one attribute each on the hot path)."""
        self._lr = self.lr_mode and (self.left > 0 or self.right < self.cols - 1)
        self._simple = not self.insert and not self._lr

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

    # ------------------------------------------------------------------ rectangles and protection
    def fill_rect(self, char: str, params: Sequence[int]) -> None:
        """DECFRA: fill the rectangle ``Pt;Pl;Pb;Pr`` with *char* (one cell wide) in the pen's attributes."""
        rect = rectangles.rect_of(self, params)
        if rect is not None:
            rectangles.fill(self, rect, char)

    def erase_rect(self, params: Sequence[int]) -> None:
        """DECERA: as DECFRA with blanks (protection does not count, as in xterm)."""
        self.fill_rect(BLANK, params)

    def selective_erase_rect(self, params: Sequence[int]) -> None:
        """DECSERA: blank the rectangle's characters, except cells protected by DECSCA; attributes stay."""
        rect = rectangles.rect_of(self, params)
        if rect is not None:
            rectangles.selective_erase(self, rect, self.protected_mode == M.PROTECT_DEC)

    def copy_rect(self, params: Sequence[int]) -> None:
        """DECCRA ``Pts;Pls;Pbs;Prs;Pps;Ptd;Pld;Ppd``: copy the source rectangle to the destination corner
        (pages are ignored: there is one)."""
        src = rectangles.rect_of(self, params[:4])
        dst = rectangles.rect_of(self, params[5:7])
        if src is not None and dst is not None:
            rectangles.copy(self, src, dst.top, dst.left)

    def change_rect_attributes(self, params: Sequence[int], reverse: bool) -> None:
        """DECCARA (set/clear) or DECRARA (*reverse*): ``Pt;Pl;Pb;Pr;Ps…`` with SGR-like attribute numbers."""
        rect = rectangles.rect_of(self, params[:4])
        if rect is not None:
            rectangles.change_attributes(self, rect, params[4:], reverse)

    def rect_checksum(self, params: Sequence[int]) -> int:
        """DECRQCRA's checksum of a rectangle of the visible screen (``Pi;Pg;Pt;Pl;Pb;Pr``)."""
        return rectangles.checksum(self, params)

    def set_protection(self, on: bool, iso: bool = False) -> None:
        """DECSCA (*iso* false) or SPA/EPA (*iso*): the cells printed from now on are protected or not.  DECSCA
        makes only the selective erases honour protection, SPA every erase (xterm)."""
        if iso:
            if on:
                self.protected_mode = M.PROTECT_ISO
        else:
            self.protected_mode = M.PROTECT_DEC
        self.sid = self.sid | PROTECTED if on else self.sid & ~PROTECTED

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
                # Bounded by size as well as by count: 8,192 links of 60 kB once held 491 MB. Past either
                # limit, text is printed without its link (the link is never opened anyway unless asked).
                if len(self.links) >= MAX_LINKS or self._link_bytes + len(uri) > MAX_LINK_BYTES:
                    return
                found = len(self.links)
                self.links.append(uri)
                self._link_ids[uri] = found
                self._link_bytes += len(uri)
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
        """SM/RM: only modes the catalogue of modes lets be set are recorded (xterm ignores the others)."""
        if mode not in M.SETTABLE_ANSI_MODES:
            return
        if mode == M.IRM:
            (self.insert_mode_on if on else self.insert_mode_off)()
            return
        if on:
            self.ansi_modes.add(mode)
        else:
            self.ansi_modes.discard(mode)
        if mode == M.LNM:
            self.newline_mode = on

    def insert_mode_on(self) -> None:
        """SM 4 (IRM) alone: what ``set_ansi_mode(IRM, True)`` does, without a mode number to look up (a line editor
        sends it around every word it inserts; ``Dispatcher._action_of`` keeps it for the text ``4h``)."""
        self.ansi_modes.add(_IRM)
        self.insert = True
        self._simple = False

    def insert_mode_off(self) -> None:
        """RM 4 (IRM) alone: what ``set_ansi_mode(IRM, False)`` does."""
        self.ansi_modes.discard(_IRM)
        self.insert = False
        self._simple = not self._lr  # ``_margins_changed``, inline: a line editor toggles IRM often

    def show_cursor(self) -> None:
        """DECSET 25 (DECTCEM) alone: what ``set_dec_mode(DECTCEM, True)`` does (ConPTY sends it after every
        repaint; ``Dispatcher._action_of`` keeps it for the text ``?25h``)."""
        self.dec_modes.add(_DECTCEM)
        self.cursor_visible = True
        self.dirty.add(self.y)

    def hide_cursor(self) -> None:
        """DECRST 25 (DECTCEM) alone: what ``set_dec_mode(DECTCEM, False)`` does (before every ConPTY repaint)."""
        self.dec_modes.discard(_DECTCEM)
        self.cursor_visible = False
        self.dirty.add(self.y)

    def autowrap_on(self) -> None:
        """DECSET 7 (DECAWM) alone: what ``set_dec_mode(DECAWM, True)`` does at any conformance level (a status line
        is written with autowrap off and it is switched back on after, ``CSI ? 7 l`` … ``CSI ? 7 h``: two frames and
        seven tests less each than the general chain; ``Dispatcher._action_of`` keeps it for the text ``?7h``).  A
        pending wrap stays, as there: it wraps if DECAWM is back on before the next character."""
        self.dec_modes.add(_DECAWM)
        self.autowrap = True

    def autowrap_off(self) -> None:
        """DECRST 7 (DECAWM) alone: what ``set_dec_mode(DECAWM, False)`` does."""
        self.dec_modes.discard(_DECAWM)
        self.autowrap = False

    def dec_mode_action(self, mode: int, on: bool) -> Callable[[], None]:
        """What DECSET (*on*) or DECRST of *mode* does, as the cheapest exact callable without arguments, for the
        dispatcher to keep per CSI text: nothing at all for a mode ``set_dec_mode`` never takes (ConPTY's
        win32-input-mode around every program start), the set alone for a mode that only records itself (focus
        events, bracketed paste: no conformance level, nothing else changes), the cursor and autowrap (at no
        conformance level, switched around every repaint and status line) by their own methods, else
        ``set_dec_mode`` itself."""
        if mode == _DECTCEM:
            return self.show_cursor if on else self.hide_cursor
        if mode == _DECAWM:
            return self.autowrap_on if on else self.autowrap_off
        if mode not in M.SETTABLE_DEC_MODES and mode not in M.ALT_SCREEN_MODES:
            return _ignore
        if mode in _FLAG_ONLY_DEC_MODES:
            return partial(self.set_dec_flag, mode, on)
        return partial(self.set_dec_mode, mode, on)

    def set_dec_flag(self, mode: int, on: bool) -> None:
        """Record DECSET/DECRST of *mode*: all ``set_dec_mode`` does for a mode in ``_FLAG_ONLY_DEC_MODES``, without its
        tests, and its first step for the others."""
        if on:
            self.dec_modes.add(mode)
        else:
            self.dec_modes.discard(mode)

    def set_dec_mode(self, mode: int, on: bool) -> None:
        """DECSET/DECRST of one mode (xterm's rules: settable modes only, at their conformance level)."""
        if mode == M.DECTCEM:
            # The cursor shown or hidden: what a console repaint sends around every line, so tested first.
            (self.show_cursor if on else self.hide_cursor)()
            return
        if mode in M.ALT_SCREEN_MODES:
            self._switch_screen(mode, on)
            return
        if mode not in M.SETTABLE_DEC_MODES or self.vt_level < M.LEVEL_OF.get(mode, 1):
            return
        if mode == M.DECCOLM:
            if M.ALLOW_DECCOLM in self.dec_modes:
                self._column_mode(on)
            return
        self.set_dec_flag(mode, on)
        if mode == M.DECAWM:
            self.autowrap = on  # a pending wrap stays: it wraps if DECAWM is back on before the next character
        elif mode == M.DECOM:
            self.origin = on
            self._cursor_set(0, 0)
        elif mode == M.REVERSE_WRAP or mode == M.REVERSE_WRAP_EXTENDED:
            self._reverse_wrap = M.REVERSE_WRAP in self.dec_modes or M.REVERSE_WRAP_EXTENDED in self.dec_modes
        elif mode == M.DECLRMM:
            self.lr_mode = on
            if not on:
                self.left, self.right = 0, self.cols - 1
            self._margins_changed()
        elif mode == M.DECSCNM:
            self.dirty_all = True
        elif (mode == M.MOUSE_X10 or mode in M.MOUSE_TRACKING) and on:
            # The tracking modes exclude one another, as in xterm.
            for other in (M.MOUSE_X10, *M.MOUSE_TRACKING):
                if other != mode:
                    self.dec_modes.discard(other)

    def _column_mode(self, on: bool) -> None:
        """DECCOLM (allowed by ?40): xterm clears the screen (unless DECNCSM), resets the margins and homes
        the cursor.  The 80/132-column resize itself is a window resize, which the engine never does (a
        program may not resize the user's window); xterm does the same when window ops are disallowed."""
        if on:
            self.dec_modes.add(M.DECCOLM)
        else:
            self.dec_modes.discard(M.DECCOLM)
        if M.DECNCSM not in self.dec_modes:
            self.erase_in_display(2)
        self.top, self.bottom = 0, self.rows - 1
        self.left, self.right = 0, self.cols - 1
        self._margins_changed()
        self._cursor_set(0, 0)

    def save_modes(self, modes: list[int]) -> None:
        """XTSAVE: remember the state of these DEC private modes."""
        saved = self.saved_modes
        for mode in modes:
            if mode in M.DEC_MODES and len(saved) < 256:
                saved[mode] = self.dec_mode_on(mode)

    def restore_modes(self, modes: list[int]) -> None:
        """XTRESTORE: put saved DEC private modes back, each as its DECSET/DECRST would (DECOM homes)."""
        for mode in modes:
            if mode not in self.saved_modes:
                continue
            on = self.saved_modes[mode]
            if mode in M.ALT_SCREEN_MODES and on == self.alt_active:
                continue  # already on that screen: restoring must not save or clear again
            self.set_dec_mode(mode, on)

    def dec_mode_on(self, mode: int) -> bool:
        """Whether a DEC private mode is set (an alternate-screen mode only while that screen shows)."""
        if mode in M.ALT_SCREEN_MODES:
            return self.alt_active and mode in self.dec_modes
        return mode in self.dec_modes

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
        """DECSTR: modes, margins (DECLRMM too), protection and rendition back to defaults; the text stays."""
        self.pending_wrap = False
        self.insert = False
        self.ansi_modes.discard(M.IRM)
        self.ansi_modes.discard(M.KAM)
        self._set_origin_flag(False)
        self.set_dec_mode(M.DECAWM, True)
        self.set_dec_mode(M.DECTCEM, True)
        for mode in (M.DECCKM, M.DECNKM, M.DECLRMM, M.REVERSE_WRAP, M.REVERSE_WRAP_EXTENDED):
            self.dec_modes.discard(mode)
        self._reverse_wrap = False
        self.lr_mode = False
        self.top, self.bottom = 0, self.rows - 1
        self.left, self.right = 0, self.cols - 1
        self._margins_changed()
        self.sid = 0
        self.protected_mode = M.PROTECT_OFF
        self.checksum_ext = self.checksum_ext_default
        self.reset_palette_colours()  # xterm resets the palette on DECSTR too
        self.cursor_shape = 0
        self.charsets = ["B", "B", "B", "B"]
        self.gl = 0
        self._update_translate()
        self.saved_main = SavedCursor()
        self.saved_alt = SavedCursor()

    def full_reset(self) -> None:
        """RIS: everything back to power-on, scrollback included (and the palette to the theme's, as xterm)."""
        self._reset_state()
        self.reset_palette_colours()

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
    def resize(self, cols: int, rows: int, reflow: bool = False) -> None:
        """Change the size. Without ``reflow``, xterm's way: rows are cut or padded, rows above the cursor go to
        history. With it, a change of width re-wraps the main screen's logical lines and the scrollback's
        (:mod:`app.vt.reflow`), the cursor staying on its character; the alternate screen is never reflowed
        (a full-screen program redraws it for its new size). :attr:`last_reflow` then says where rows went."""
        cols, rows = max(1, cols), max(1, rows)
        self.last_reflow = None
        pending = False
        if reflow and cols != self.cols:
            pending = self._reflow_main(cols, rows)
            del self.alt_lines[rows:]
            if self.alt_active:
                self.y = min(self.y, rows - 1)
        elif rows < self.rows:
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
        self.left, self.right = 0, cols - 1
        self._margins_changed()
        self.x = min(self.x, cols - 1)
        self.y = min(self.y, rows - 1)
        self.pending_wrap = pending
        self.dirty_all = True

    #: After a resize that reflowed: ``(first line, row_map)`` — old absolute line ``first + k`` now lies on
    #: absolute lines ``first + row_map[k][0]`` to ``first + row_map[k][1]`` (the numbering of
    #: :attr:`scrolled_off`); ``None`` after any other resize.
    last_reflow: tuple[int, list[tuple[int, int]]] | None = None

    def _reflow_main(self, cols: int, rows: int) -> bool:
        """Re-wrap history and the main screen to ``cols`` and lay them out on ``rows`` rows; returns whether
        the cursor (when the main screen is shown) stands with a wrap pending."""
        history = list(self.history)
        main = self.main_lines
        old = [RowCells(h.text, h.styles, h.marks, h.wrapped) for h in history]
        old += [RowCells(line.text, line.styles, line.marks, line.wrapped) for line in main]
        hist_len = len(history)
        saved = self.saved_main
        points = [(hist_len + saved.y, saved.x, saved.pending_wrap)]
        if not self.alt_active:
            points.append((hist_len + self.y, self.x, self.pending_wrap))
        result = reflow(old, cols, points)
        new = result.rows
        cursor_row = result.points[-1][0]
        last = max((k for k, row in enumerate(new) if row.text.strip(BLANK) or row.styles), default=0)
        end = max(last, cursor_row) + 1
        start = max(0, end - rows)
        if cursor_row < start:  # content below the cursor grew taller than the screen: the cursor stays in view
            start = cursor_row
        screen_rows = new[start : start + rows]
        first_line = self._scrolled_total - hist_len
        self._scrolled_total = first_line + start
        self.history.clear()
        self.history.extend(
            tuple.__new__(HistoryRow, (r.text, tuple(r.styles) if r.styles is not None else None, r.marks, r.wrapped))
            for r in new[max(0, start - (self.scrollback if self.scrollback else 0)) : start]
            if self.scrollback
        )
        self.main_lines = [
            Line(r.text, None if r.styles is None else list(r.styles), dict(r.marks) if r.marks else None, r.wrapped)
            for r in screen_rows
        ]
        while len(self.main_lines) < rows:
            self.main_lines.append(Line(BLANK * cols))
        self.marks = [
            (first_line + result.row_map[line - first_line][0], kind)
            for line, kind in self.marks
            if 0 <= line - first_line < len(result.row_map)
        ]
        self.last_reflow = (first_line, result.row_map)
        saved_row, saved_col, saved_past = result.points[0]
        saved.y, saved.x = max(0, min(saved_row - start, rows - 1)), min(saved_col, cols - 1)
        saved.pending_wrap = saved_past
        if self.alt_active:
            return False
        row, col, past = result.points[-1]
        self.y, self.x = row - start, min(col, cols - 1)
        return past

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


def _freeze(line: Line) -> HistoryRow:
    """A row leaving the screen for history (the Line may be used again only with a new marks dict, not that one)."""
    styles = None if line.styles is None else tuple(line.styles)
    return tuple.__new__(HistoryRow, (line.text, styles, line.marks, line.wrapped))
