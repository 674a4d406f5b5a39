"""``TerminalView``: a Qt widget that shows an :class:`app.vt.Terminal` and turns input into bytes.

The widget is deliberately passive (DESIGN §1): it never reads a pty, never parses output and
never writes to a process. The owner feeds the Terminal, then calls :meth:`TerminalView.refresh`;
everything the user types, pastes, clicks (mouse reports) or focus changes leave through the
``send`` signal as bytes for the owner to write to the session. Links are only *reported*
(``link_activated``): opening anything is the owner's decision (DESIGN §7).

Painting follows the engine's dirty-row bookkeeping: ``refresh()`` arms a single-shot timer, so
any number of feeds between two frames cost one repaint (a change after a quiet moment is painted
at the loop's next turn: a prompt or an echo shows at once; while output keeps coming, frames are
:data:`FLOOD_FRAME_MS` apart), and only rows the engine marked dirty (plus the cursor's old and
new rows) are invalidated. Each text run is drawn
clipped to its cells, so a fallback glyph (CJK, emoji, symbols) can never spill over its
neighbours and the grid stays exact.

Rows are addressed *absolutely* for everything the outside sees (selection, highlight,
``cell_at``, ``cell_clicked``): history rows ``0 .. len(history)-1``, then screen row ``y`` at
``len(history) + y`` — the same numbering the Bytes panel uses.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from app.inspect.links import check_link, location_at
from app.vt import WIDE_TAIL, RowData, Terminal
from app.vt.keys import (
    KeyModes,
    Mod,
    MouseAction,
    MouseButton,
    MouseTracking,
    encode_focus,
    encode_key,
    encode_mouse,
    encode_paste,
    encode_text,
    is_multiline_paste,
)
from app.vt.modes import (
    ALT_SCROLL,
    BRACKETED_PASTE,
    CURSOR_BLINK,
    DECBKM,
    DECCKM,
    DECNKM,
    DECSCNM,
    FOCUS_EVENTS,
    KAM,
    LNM,
    MOUSE_SGR,
    SYNCHRONIZED_OUTPUT,
)
from app.vt.style import (
    BLINK,
    BOLD,
    CONCEAL,
    DEFAULT,
    DIM,
    ITALIC,
    OVERLINE,
    RAPID_BLINK,
    REVERSE,
    STRIKE,
    UL_CURLY,
    UL_DASHED,
    UL_DOTTED,
    UL_DOUBLE,
    UL_NONE,
)
from app.vt.width import text_width
from app.widgets.glyph_runs import RowGlyphCache
from app.widgets.keymap import encode_key_event, qt_mods
from app.widgets.palette import DARK, RGB, Theme
from app.widgets.plain_text import plain_tooltip
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal, Slot, give_own_viewport

__all__ = ["CJK_FALLBACK_FAMILIES", "WINDOWS_MONOSPACE_FAMILIES", "TerminalView", "default_font"]

PH = WIDE_TAIL
#: Printable ASCII runs (trimmed of spaces) or single other characters; spaces and wide-char
#: placeholders draw nothing, so they are never visited.
_GLYPHS = re.compile(r"[!-~](?:[ -~]*[!-~])?|(?:[^\x00-\x7f]\x00){2,}|[^ \x00]")
#: Characters that end a word for double-click selection (besides spaces).
_WORD_BREAKS = frozenset(" \t\x00\"'`()[]{}<>|;,")

#: CJK-capable families tried after the monospace font, first found wins for a missing glyph.
CJK_FALLBACK_FAMILIES = (
    "WenQuanYi Micro Hei Mono",
    "WenQuanYi Micro Hei",
    "Noto Sans Mono CJK SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimSun",
    "NSimSun",
    "SimHei",
    "PingFang SC",
    "Noto Color Emoji",
)

#: Windows has no "monospace" alias for Qt to resolve: the first of these that is installed is the terminal's
#: font there (Cascadia Mono ships with Windows 11 and Windows Terminal, Consolas with every Windows since Vista).
WINDOWS_MONOSPACE_FAMILIES = ("Cascadia Mono", "Consolas", "DejaVu Sans Mono", "Lucida Console", "Courier New")

#: How long a frame is held back while the program is inside a synchronized update (mode 2026), per check (ms).
FRAME_MS = 16
#: While output keeps coming, frames are this far apart (ms), counted from the time each frame was due, not from
#: when it came: 33 a second is smooth to watch, and each frame of a flood repaints the whole screen, time the flood
#: itself needs; a lone change after a quiet moment is painted at once.  Why from when it was due: the frame timer
#: fires only when the loop is free, typically part of a read slice late under a flood, and counting from the late
#: frame added that lateness to every period — 22 ms asked gave 35 ms between frames, 26-28 frames/s in
#: ``bench --gui`` with the Tests panel in front (issue 15's limit: 30).
FLOOD_FRAME_MS = 30
BLINK_MS = 530
#: How often a selection dragged past the top or bottom edge scrolls the view by a row (ms).
AUTOSCROLL_MS = 50
#: Blinking text's half period (xterm's default blink rate is close).
TEXT_BLINK_MS = 600
#: Frames held back at most while the program is inside a synchronized update (mode 2026), so a
#: program that never ends its update cannot freeze the view.
SYNC_MAX_HELD_FRAMES = 12
WHEEL_ROWS = 3
#: Paint attributes kept per style id before the cache starts again (colour on every cell of a big screen is ~10k).
_PAINTS_KEPT = 16384

_TRACKING_MODES = (MouseTracking.ANY_EVENT, MouseTracking.BUTTON_EVENT, MouseTracking.NORMAL, MouseTracking.X10)
_QT_BUTTONS = {
    Qt.MouseButton.LeftButton: MouseButton.LEFT,
    Qt.MouseButton.MiddleButton: MouseButton.MIDDLE,
    Qt.MouseButton.RightButton: MouseButton.RIGHT,
    Qt.MouseButton.BackButton: MouseButton.BACK,
    Qt.MouseButton.ForwardButton: MouseButton.FORWARD,
}


def default_font(point_size: float = 11.0) -> QtGui.QFont:
    """The system monospace font with the installed CJK fallbacks appended.

    Qt's own fallback would find *some* font for a CJK character, but not necessarily one whose
    metrics suit a grid; naming the fallbacks makes the choice predictable across machines.
    """
    installed = set(QtGui.QFontDatabase.families())
    named = WINDOWS_MONOSPACE_FAMILIES if sys.platform == "win32" else ()
    font = QtGui.QFont(next((f for f in named if f in installed), "monospace"))
    font.setStyleHint(QtGui.QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    font.setPointSizeF(point_size)
    primary = QtGui.QFontInfo(font).family()
    font.setFamilies([primary, *(f for f in CJK_FALLBACK_FAMILIES if f in installed and f != primary)])
    return font


@dataclass(frozen=True)
class _Paint:
    """Everything needed to draw cells of one style id, computed once per id (and epoch)."""

    fg: QtGui.QColor
    bg: QtGui.QColor | None  # None: the default background, already painted
    font: int  # index into the view's fonts: bit 0 bold, bit 1 italic
    underline: int
    ul_color: QtGui.QColor
    strike: bool
    overline: bool
    conceal: bool
    blink: bool = False


Cell = tuple[int, int]


def _qcolor(rgb: RGB, alpha: int = 255) -> QtGui.QColor:
    return QtGui.QColor(rgb[0], rgb[1], rgb[2], alpha)


def _blend(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


class TerminalView(QtWidgets.QAbstractScrollArea):
    """Paints a :class:`Terminal`; emits what the user types as bytes (see the module docstring).

    Signals:
      ``send(bytes)``: input for the program (keys, IME commits, pastes, mouse and focus reports).
      ``size_changed(cols, rows)``: the grid that fits the widget changed; the owner resizes the
        Terminal and the pty (the view never resizes the Terminal itself: the pty must agree).
      ``link_activated(str)``: Ctrl+click on an OSC 8 hyperlink; the URI, never opened here.
      ``location_activated(Location)``: Ctrl+click on a source location in the output (``x_test.go:29:``);
        opening it is the owner's decision too. Hovering either shows its target first (a tooltip).
      ``cell_clicked(abs_row, col)``: a plain click (no drag) on a cell, for the Bytes panel.
      ``selection_changed()``: the selection was made or cleared.
    """

    send = Signal(bytes)
    size_changed = Signal(int, int)
    link_activated = Signal(str)
    location_activated = Signal(object)
    cell_clicked = Signal(int, int)
    selection_changed = Signal()

    def __init__(
        self,
        terminal: Terminal | None = None,
        parent: QtWidgets.QWidget | None = None,
        *,
        theme: Theme = DARK,
        font: QtGui.QFont | None = None,
    ) -> None:
        super().__init__(parent)
        give_own_viewport(self)  # before any viewport() call (start-up: see give_own_viewport)
        self._term = terminal if terminal is not None else Terminal()
        #: The terminal the program talks to: keys, pastes, mouse and focus reports follow its encoding and
        #: modes, never those of a "decode as" view shown instead (see :meth:`set_terminal`).
        self._input = self._term
        #: Asked before a paste of several lines goes to a program that has not turned bracketed paste on:
        #: ``confirm_paste(text)`` returns whether to send it (``None``: send without asking).
        self.confirm_paste: Callable[[str], bool] | None = None
        self._theme = theme
        self._term.set_colours(theme.colours)  # what programs asking for colours (OSC 10/11…) are told
        #: The theme as painted: the user's, with the colours the program set (OSC 4/10/11/12) over it.
        self._painted = theme
        self._colours_seen = -1
        self._fonts: list[QtGui.QFont] = []
        self._cw = self._ch = self._ascent = 1
        self._underline_pos = self._line_width = 1
        self._ascii_exact: list[bool] = []
        self._advances: dict[tuple[int, str], float] = {}
        #: Fonts spaced so that glyphs of one advance step exactly two cells: (font, advance) → font.
        self._wide_fonts: dict[tuple[int, float], QtGui.QFont] = {}
        #: Draw runs of wide characters with one call when their glyphs share an advance (tests compare with off).
        self.batch_wide_runs = True
        #: Draw text as glyph runs prepared once per row content (:mod:`app.widgets.glyph_runs`); off: drawText
        #: per run, as before (the reference the pixel tests hold the glyph runs to).
        self.glyph_runs = True
        self._glyph_rows: RowGlyphCache | None = None
        #: Each row's baseline origin for ``drawGlyphRun``, by the row's top ``y`` (made again for a new font).
        self._origins: dict[int, QtCore.QPointF] = {}
        #: The colour last given to ``setPen`` in this paint (``None``: unknown, set it again).
        self._pen: QtGui.QColor | None = None
        #: Paint attributes per style id (ids are packed styles, so an entry never goes stale; bounded).
        self._paints: dict[int, _Paint] = {}
        self._reverse_video = self._term.mode(DECSCNM)
        self._sync_colours()
        self._grid: tuple[int, int] | None = None

        self._offset = 0  # rows scrolled up from the bottom (0: following output)
        self._scrolled_seen = self._term.scrolled_off
        self._history_seen = self._term.history_size
        self._cursor_seen: tuple[int, int, bool, int] | None = None
        self._syncing_scrollbar = False

        self._selection: tuple[Cell, Cell] | None = None
        #: When and on which row the last double click was: a press soon after on that row is a triple click.
        self._double_click: tuple[float, int] | None = None
        #: Scrolls while a selection is dragged above or below the view (direction: -1 up, +1 down, 0 off).
        self._autoscroll_dir = 0
        self._autoscroll_timer = QtCore.QTimer(self)
        self._autoscroll_timer.setInterval(AUTOSCROLL_MS)
        self._autoscroll_timer.timeout.connect(self._autoscroll_step)
        self._press_cell: Cell | None = None
        self._dragging = False
        self._highlight: set[Cell] = set()
        self._highlight_text: dict[Cell, str | None] = {}
        #: The cell under the pointer, and the link or location there (first cell, last cell, tooltip text).
        self._hover_cell: Cell | None = None
        self._hover_target: tuple[Cell, Cell, str] | None = None
        #: Find matches by absolute row: ``(first col, end col, is the current match)``.
        self._find_rows: dict[int, list[tuple[int, int, bool]]] = {}
        self._mouse_down: MouseButton | None = None
        self._last_motion_cell: Cell | None = None
        self._wheel_accum = 0
        self._preedit = ""

        #: Frames flushed (timer firings that invalidated something) and paint events handled;
        #: read by tests and by ``bench --gui`` to measure the frame rate.
        self.frame_count = 0
        self.paint_count = 0

        self._frame_timer = QtCore.QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(FRAME_MS)
        self._frame_timer.timeout.connect(self._flush)
        self._sync_held = 0
        self._last_frame = 0.0

        #: Blinking text (SGR 5/6): shown in the "on" phase; the timer runs only while such text was painted.
        self._text_blink_on = True
        self._text_blinks = False
        self._text_blink_timer = QtCore.QTimer(self)
        self._text_blink_timer.setInterval(TEXT_BLINK_MS)
        self._text_blink_timer.timeout.connect(self._toggle_text_blink)
        self._blink_on = True
        self._blink_timer = QtCore.QTimer(self)
        self._blink_timer.setInterval(BLINK_MS)
        self._blink_timer.timeout.connect(self._toggle_blink)
        self._blink_enabled = True

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.viewport().setMouseTracking(True)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.verticalScrollBar().valueChanged.connect(self._scrollbar_moved)
        self.set_font(font if font is not None else default_font())
        self._sync_scrollbar()

    # ------------------------------------------------------------------ public API
    @property
    def terminal(self) -> Terminal:
        return self._term

    def set_terminal(self, terminal: Terminal, *, input_terminal: Terminal | None = None) -> None:
        """Show another Terminal (a new tab's session, a re-decoded replay); view state starts afresh.

        ``input_terminal``: the terminal the program talks to when ``terminal`` only shows its bytes another
        way ("decode as"): input is encoded with its encoding and modes (default: ``terminal`` itself). A
        paste shown as cp437 must still reach a UTF-8 program as UTF-8: with the shown code page, ``é`` went
        out as ``82``, and ``¢201~`` as ``9B 32 30 31 7E``, the 8-bit end of a bracketed paste.
        """
        self._term = terminal
        self._input = input_terminal if input_terminal is not None else terminal
        terminal.set_colours(self._theme.colours)
        self._colours_seen = -1
        self._sync_colours()
        terminal.take_dirty()
        self._invalidate_styles()
        self._offset = 0
        self._scrolled_seen = terminal.scrolled_off
        self._history_seen = terminal.history_size
        self._cursor_seen = None
        self._selection = None
        self._highlight = set()
        self._highlight_text = {}
        self._find_rows = {}
        self._preedit = ""
        self._sync_scrollbar()
        self.viewport().update()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._term.set_colours(theme.colours)
        self._colours_seen = -1
        self._sync_colours()
        self._invalidate_styles()
        self.viewport().update()

    @property
    def theme(self) -> Theme:
        return self._theme

    def set_font(self, font: QtGui.QFont) -> None:
        """Use *font* (and its bold/italic variants); the cell size follows, so may the grid size."""
        base = QtGui.QFont(font)
        base.setKerning(False)
        base.setStyleStrategy(QtGui.QFont.StyleStrategy.PreferAntialias)
        fm = QtGui.QFontMetrics(base)
        self._cw = max(1, round(QtGui.QFontMetricsF(base).horizontalAdvance("M")))
        self._ch = max(1, fm.height())
        self._ascent = fm.ascent()
        self._underline_pos = max(1, fm.underlinePos())
        self._line_width = max(1, fm.lineWidth())
        # Fonts advance by fractions of a pixel (DejaVu Sans Mono 11pt: 8.8 px); letter spacing
        # makes every glyph advance by exactly one integer cell, so a run of ASCII can be drawn
        # with one drawText call and still land on the grid.
        self._fonts = []
        probe = "".join(chr(c) for c in range(0x21, 0x7F))
        self._ascii_exact = []
        for index in range(4):
            variant = QtGui.QFont(base)
            variant.setBold(bool(index & 1))
            variant.setItalic(bool(index & 2))
            natural = QtGui.QFontMetricsF(variant).horizontalAdvance("M")
            variant.setLetterSpacing(QtGui.QFont.SpacingType.AbsoluteSpacing, self._cw - natural)
            self._fonts.append(variant)
            # Only a real monospace font passes; a proportional one is drawn glyph by glyph.
            advance = QtGui.QFontMetricsF(variant).horizontalAdvance(probe)
            self._ascii_exact.append(abs(advance - len(probe) * self._cw) < 0.01)
        self._advances.clear()
        self._wide_fonts.clear()
        self._glyph_rows = None  # made again for these fonts at the next paint
        self._origins = {}
        self.setFont(base)
        self.verticalScrollBar().setSingleStep(1)
        self._update_grid()
        self.viewport().update()

    def cell_size(self) -> QtCore.QSize:
        return QtCore.QSize(self._cw, self._ch)

    def grid_size(self) -> tuple[int, int]:
        """``(cols, rows)`` that fit the viewport now."""
        vp = self.viewport()
        return max(1, vp.width() // self._cw), max(1, vp.height() // self._ch)

    def set_cursor_blink(self, enabled: bool) -> None:
        """Turn cursor blinking on or off (a user setting; tests turn it off for determinism)."""
        self._blink_enabled = enabled
        self._blink_on = True
        self._update_blink_timer()
        self._update_cursor_rows()

    @Slot()
    def refresh(self) -> None:
        """Call after feeding the Terminal: schedules one repaint of what changed, at most once per frame."""
        if not self._frame_timer.isActive():
            since = (time.monotonic() - self._last_frame) * 1000
            self._frame_timer.start(max(0, round(FLOOD_FRAME_MS - since)))  # round: a 5 ms gap can come out 5.0000001

    def flush_now(self) -> None:
        """Apply pending changes immediately (screenshots, tests) instead of waiting for the frame timer."""
        self._frame_timer.stop()
        self._sync_held = SYNC_MAX_HELD_FRAMES
        self._flush()

    def set_highlight(self, cells: Iterable[Cell]) -> None:
        """Light up cells ``(abs_row, col)`` (the Bytes panel's selection); an empty set clears.

        A lit cell stays lit while it shows what it showed when lit: once output changes it (``clear``, a
        program repainting), the light goes — it was about those bytes, not about whatever is there now.
        """
        new = set(cells)
        rows = {r for r, _ in self._highlight} | {r for r, _ in new}
        self._highlight = new
        self._highlight_text = {cell: self._cell_char(cell) for cell in new}
        self._update_abs_rows(rows)

    def _cell_char(self, cell: Cell) -> str | None:
        row = self._term.row(cell[0])
        if row is None or not 0 <= cell[1] < len(row.text):
            return None
        return row.text[cell[1]]

    def _expire_highlight(self, abs_rows: set[int] | None) -> None:
        """Put out lit cells (in ``abs_rows``; ``None``: anywhere) that no longer show what they showed."""
        if not self._highlight:
            return
        gone = {
            cell
            for cell in self._highlight
            if (abs_rows is None or cell[0] in abs_rows) and self._cell_char(cell) != self._highlight_text.get(cell)
        }
        if gone:
            self._highlight -= gone
            for cell in gone:
                self._highlight_text.pop(cell, None)
            self._update_abs_rows({r for r, _ in gone})

    @property
    def highlight(self) -> frozenset[Cell]:
        return frozenset(self._highlight)

    def set_find_matches(self, matches: Sequence[Sequence[tuple[int, int, int]]], current: int | None) -> None:
        """Light the find bar's matches: each match as ``(abs_row, first_col, end_col)`` spans; ``current``
        (an index into ``matches``) in the stronger colour. An empty list clears them."""
        rows: dict[int, list[tuple[int, int, bool]]] = {}
        for index, spans in enumerate(matches):
            for abs_row, c0, c1 in spans:
                rows.setdefault(abs_row, []).append((c0, c1, index == current))
        changed = set(rows) | set(self._find_rows)
        self._find_rows = rows
        if len(changed) > 4 * max(1, self._view_rows()):
            self.viewport().update()
        else:
            self._update_abs_rows(changed)

    def find_spans(self, abs_row: int) -> list[tuple[int, int, bool]]:
        """The find matches lit on ``abs_row`` (for tests and screenshots)."""
        return list(self._find_rows.get(abs_row, ()))

    def top_row(self) -> int:
        """The absolute row at the top of the view."""
        return self._top_abs()

    def scroll_to_row(self, abs_row: int) -> None:
        """Scroll so *abs_row* is visible (e.g. a test failure clicked in the Tests panel)."""
        history = self._term.history_size
        top = self._top_abs()
        view_rows = self._view_rows()
        if top <= abs_row < top + view_rows:
            return
        new_top = max(0, min(abs_row - view_rows // 2, history))
        self._set_offset(history - new_top)

    @property
    def scroll_offset(self) -> int:
        """Rows scrolled up from the bottom; 0 while following the output."""
        return self._offset

    def scroll_by(self, rows: int) -> None:
        """Scroll the view *rows* towards history (positive) or the bottom (negative)."""
        self._set_offset(self._offset + rows)

    def cell_at(self, point: QtCore.QPoint | QtCore.QPointF) -> Cell:
        """The absolute ``(row, col)`` under a viewport point, clamped to the grid.

        The right half of a wide character answers with its left half, where the character is
        stored, so a click on either half means the same character.
        """
        pt = QtCore.QPointF(point)
        history = self._term.history_size
        last_abs = history + self._term.rows - 1
        view_row = int(pt.y() // self._ch)
        abs_row = max(0, min(self._top_abs() + view_row, last_abs))
        col = max(0, min(int(pt.x() // self._cw), self._term.cols - 1))
        row = self._row(abs_row)
        if row is not None and 0 < col < len(row.text) and row.text[col] == PH:
            col -= 1
        return abs_row, col

    def cell_rect(self, abs_row: int, col: int) -> QtCore.QRect:
        """The viewport rectangle of a cell (it may lie outside the viewport when scrolled away)."""
        return QtCore.QRect(col * self._cw, (abs_row - self._top_abs()) * self._ch, self._cw, self._ch)

    # ------------------------------------------------------------------ selection & clipboard
    @property
    def selection(self) -> tuple[Cell, Cell] | None:
        """The selection as ``(start, end)`` absolute cells, inclusive, in reading order."""
        return self._normalised_selection()

    def select(self, start: Cell, end: Cell) -> None:
        """Select from *start* to *end* (inclusive, any order)."""
        self._set_selection((start, end))

    def clear_selection(self) -> None:
        self._set_selection(None)

    def selection_text(self) -> str:
        """The selected text: trailing blanks stripped per row, soft-wrapped rows joined."""
        sel = self._normalised_selection()
        if sel is None:
            return ""
        (r0, c0), (r1, c1) = sel
        parts: list[str] = []
        for r in range(r0, r1 + 1):
            row = self._row(r)
            if row is None:
                continue
            cells = self._term.row_cells(r)
            a = c0 if r == r0 else 0
            b = c1 + 1 if r == r1 else len(cells)
            piece = "".join(cells[a:b])
            if r < r1 and row.wrapped:
                parts.append(piece)
            else:
                parts.append(piece.rstrip(" ") + ("\n" if r < r1 else ""))
        return "".join(parts)

    def copy(self) -> None:
        """Copy the selection to the clipboard (Ctrl+Shift+C)."""
        text = self.selection_text()
        if text:
            QtGui.QGuiApplication.clipboard().setText(text)

    @property
    def input_terminal(self) -> Terminal:
        """The terminal whose encoding and modes input follows (the session's; see :meth:`set_terminal`)."""
        return self._input

    def paste(self, text: str | None = None) -> bool:
        """Paste *text* (default: the clipboard), sanitised and bracketed when the program asked (?2004), in the
        session's encoding. Several lines to a program without bracketed paste are sent only if
        :attr:`confirm_paste` agrees (they would run as commands, one by one). Returns whether it was sent."""
        if text is None:
            text = QtGui.QGuiApplication.clipboard().text()
        bracketed = self._input.mode(BRACKETED_PASTE)
        data = encode_paste(text, bracketed=bracketed, encoding=self._input.encoding)
        if not data:
            return False
        if (
            not bracketed
            and is_multiline_paste(text)
            and self.confirm_paste is not None
            and not self.confirm_paste(text)
        ):
            return False
        self._emit_input(data)
        return True

    # ------------------------------------------------------------------ frames
    @Slot()
    def _flush(self) -> None:
        term = self._term
        if term.mode(SYNCHRONIZED_OUTPUT) and self._sync_held < SYNC_MAX_HELD_FRAMES:
            # Inside a synchronized update: show the result, not the intermediate states.
            self._sync_held += 1
            self._frame_timer.start(FRAME_MS)
            return
        self._sync_held = 0
        now = time.monotonic()
        due = self._last_frame + FLOOD_FRAME_MS / 1000
        # The next frame counts from when this one was due if it came less than a period late (the loop was busy: the
        # rate holds), else from now (after a quiet moment, or a stall: no burst of frames to catch up).
        self._last_frame = due if due <= now < due + FLOOD_FRAME_MS / 1000 else now
        all_dirty, rows = term.take_dirty()
        history_now = term.history_size
        self._expire_highlight(None if all_dirty else {history_now + y for y in rows})
        if self._sync_colours():
            all_dirty = True
        if term.mode(DECSCNM) != self._reverse_video:
            self._invalidate_styles()
            all_dirty = True
        history = term.history_size
        scrolled = term.scrolled_off - self._scrolled_seen
        if scrolled or history != self._history_seen:
            if self._offset:
                # Reading history: keep the same rows in view while output scrolls beneath.
                self._offset = max(0, min(self._offset + max(scrolled, 0), history))
                all_dirty = True
            self._scrolled_seen = term.scrolled_off
            self._history_seen = history
            self._sync_scrollbar()
        cursor = self._cursor_state()
        if cursor != self._cursor_seen:
            if self._cursor_seen is not None:
                rows.add(self._cursor_seen[0])
            rows.add(cursor[0])
            self._cursor_seen = cursor
            self._blink_on = True
            self._update_blink_timer()
        if not all_dirty and not rows:
            return
        self.frame_count += 1
        if all_dirty:
            self.viewport().update()
            return
        base = history
        self._update_abs_rows(base + y for y in rows)

    def _cursor_state(self) -> tuple[int, int, bool, int]:
        y, x = self._term.cursor
        return y, x, self._term.cursor_visible, self._term.cursor_shape

    def _sync_colours(self) -> bool:
        """Follow the colours the program set (OSC 4/10/11/12) over the theme; ``True`` when they changed."""
        serial = self._term.colours_serial
        if serial == self._colours_seen:
            return False
        self._colours_seen = serial
        c = self._term.colours
        self._painted = replace(
            self._theme, foreground=c.foreground, background=c.background, cursor=c.cursor, palette=c.palette
        )
        self._invalidate_styles()
        return True

    def _invalidate_styles(self) -> None:
        self._paints.clear()
        self._reverse_video = self._term.mode(DECSCNM)

    def _update_abs_rows(self, abs_rows: Iterable[int]) -> None:
        top = self._top_abs()
        view_rows = self._view_rows()
        width = self.viewport().width()
        region = QtGui.QRegion()
        for r in abs_rows:
            vr = r - top
            if 0 <= vr < view_rows:
                region += QtCore.QRect(0, vr * self._ch, width, self._ch)
        if not region.isEmpty():
            self.viewport().update(region)

    def _update_cursor_rows(self) -> None:
        y = self._term.cursor[0]
        self._update_abs_rows([self._term.history_size + y])

    # ------------------------------------------------------------------ geometry
    def _top_abs(self) -> int:
        return self._term.history_size - self._offset

    def _view_rows(self) -> int:
        return -(-self.viewport().height() // self._ch)

    def _row(self, abs_row: int) -> RowData | None:
        return self._term.row(abs_row)

    def _update_grid(self) -> None:
        grid = self.grid_size()
        if grid != self._grid:
            self._grid = grid
            self.verticalScrollBar().setPageStep(grid[1])
            self.size_changed.emit(*grid)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_grid()

    def sizeHint(self) -> QtCore.QSize:
        bar = self.verticalScrollBar().sizeHint().width()
        return QtCore.QSize(80 * self._cw + bar, 24 * self._ch)

    # ------------------------------------------------------------------ scrolling
    def _sync_scrollbar(self) -> None:
        history = self._term.history_size
        self._offset = min(self._offset, history)
        bar = self.verticalScrollBar()
        self._syncing_scrollbar = True
        try:
            bar.setRange(0, history)
            bar.setPageStep(max(1, self._term.rows))
            bar.setValue(history - self._offset)
        finally:
            self._syncing_scrollbar = False

    @Slot(int)
    def _scrollbar_moved(self, value: int) -> None:
        if self._syncing_scrollbar:
            return
        self._offset = max(0, self._term.history_size - value)
        self.viewport().update()

    def _set_offset(self, offset: int) -> None:
        offset = max(0, min(offset, self._term.history_size))
        if offset != self._offset:
            self._offset = offset
            self._sync_scrollbar()
            self.viewport().update()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # The scrollbar drives _offset through valueChanged; the whole viewport is repainted then.
        pass

    # ------------------------------------------------------------------ painting
    def _paint_of(self, sid: int) -> _Paint:
        paint = self._paints.get(sid)
        if paint is not None:
            return paint
        if len(self._paints) >= _PAINTS_KEPT:
            self._paints.clear()  # colour on every cell: a new style per cell, most never seen again
        style = self._term.style(sid)
        theme = self._painted
        default_fg, default_bg = self._defaults()
        fg_index, flags = style.fg, style.flags
        if flags & BOLD and theme.bold_is_bright and 0 <= fg_index < 8:
            fg_index += 8
        fg = theme.resolve(fg_index, default_fg)
        bg = theme.resolve(style.bg, default_bg)
        bg_default = style.bg == DEFAULT
        if flags & REVERSE:
            fg, bg = bg, fg
            bg_default = False
        if flags & DIM:
            fg = _blend(fg, bg, 0.45)
        ul_rgb = theme.resolve(style.ul_color, fg) if style.ul_color != DEFAULT else fg
        paint = _Paint(
            fg=_qcolor(fg),
            bg=None if bg_default else _qcolor(bg),
            font=(1 if flags & BOLD else 0) | (2 if flags & ITALIC else 0),
            underline=style.underline,
            ul_color=_qcolor(ul_rgb),
            strike=bool(flags & STRIKE),
            overline=bool(flags & OVERLINE),
            conceal=bool(flags & CONCEAL),
            blink=bool(flags & (BLINK | RAPID_BLINK)),
        )
        self._paints[sid] = paint
        return paint

    def _defaults(self) -> tuple[RGB, RGB]:
        """Default (fg, bg), swapped while the program asked for reverse video (DECSCNM, ?5)."""
        theme = self._painted
        if self._reverse_video:
            return theme.background, theme.foreground
        return theme.foreground, theme.background

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        self.paint_count += 1
        region = event.region()
        painter = QtGui.QPainter(self.viewport())
        self._pen = None
        try:
            painter.fillRect(event.rect(), _qcolor(self._defaults()[1]))
            top = self._top_abs()
            sel = self._normalised_selection()
            for vr in self._rows_in(region):
                abs_row = top + vr
                row = self._row(abs_row)
                if row is None:
                    continue
                self._paint_row(painter, vr * self._ch, abs_row, row, sel)
            self._paint_cursor(painter, top)
        finally:
            painter.end()
        if self._text_blinks and not self._text_blink_timer.isActive():
            self._text_blink_timer.start()

    def _rows_in(self, region: QtGui.QRegion) -> Iterable[int]:
        """The view rows whose band (the full width, one cell high) meets ``region``.

        Why not ``region.intersects`` per row: a flood repaints the whole view, one rectangle, and a ``QRect`` made
        and tested per row cost ~3 µs of ~40 rows in each frame.  A region of one rectangle is answered from its
        bounds; any other asks row by row, as before.
        """
        ch, width, view_rows = self._ch, self.viewport().width(), self._view_rows()
        if region.rectCount() != 1:
            return [vr for vr in range(view_rows) if region.intersects(QtCore.QRect(0, vr * ch, width, ch))]
        bounds = region.boundingRect()
        if bounds.isEmpty() or bounds.right() < 0 or bounds.left() >= width:
            return ()
        return range(max(0, bounds.top() // ch), min(view_rows, bounds.bottom() // ch + 1))

    def _paint_row(self, p: QtGui.QPainter, y: int, abs_row: int, row: RowData, sel: tuple[Cell, Cell] | None) -> None:
        if self.glyph_runs:
            self._paint_row_glyphs(p, y, abs_row, row, sel)
            return
        cw, ch = self._cw, self._ch
        text, styles = row.text, row.styles
        n = len(text)
        runs: list[tuple[int, int, _Paint]] = []
        if styles is None:
            runs.append((0, n, self._paint_of(0)))
        else:
            x = 0
            for sid, group in groupby(styles[:n]):
                end = x + sum(1 for _ in group)
                runs.append((x, end, self._paint_of(sid)))
                x = end
        # Backgrounds first, then the selection, then text, so text stays readable when selected.
        for x0, x1, paint in runs:
            if paint.bg is not None:
                p.fillRect(x0 * cw, y, (x1 - x0) * cw, ch, paint.bg)
        self._paint_marked(p, y, abs_row, n, sel)
        baseline = y + self._ascent
        marks = row.marks
        for x0, x1, paint in runs:
            if paint.blink:
                self._text_blinks = True
            if not paint.conceal and not (paint.blink and not self._text_blink_on):
                p.setPen(paint.fg)
                p.setFont(self._fonts[paint.font])
                self._draw_text(p, text, x0, x1, y, baseline, paint.font, marks)
            if paint.underline != UL_NONE or paint.strike or paint.overline:
                self._draw_decorations(p, paint, x0, x1, y, baseline)
        p.setClipping(False)
        self._paint_pointed(p, y, abs_row, text)

    def _paint_row_glyphs(
        self, p: QtGui.QPainter, y: int, abs_row: int, row: RowData, sel: tuple[Cell, Cell] | None
    ) -> None:
        """:meth:`_paint_row` with the row's text as prepared glyph runs (see :mod:`app.widgets.glyph_runs`).

        Lean on purpose: under a flood every row of every frame is new, ~40 rows and ~80 runs a frame, so each
        Qt call and object per row counts (the pen is set only when it changes, clips are given as integers, the
        baseline points are kept per row, the under- and over-text passes are skipped when nothing is there).
        """
        cw, ch = self._cw, self._ch
        text = row.text
        cache = self._glyph_rows
        if cache is None:
            cache = self._glyph_rows = RowGlyphCache(self._fonts, cw, cell_height=ch, ascent=self._ascent)
        prepared = cache.row(text, row.styles, row.marks, self._variant_of)
        paint_of = self._paint_of
        paints = [(run, paint_of(run.sid)) for run in prepared.runs]
        for run, paint in paints:
            if paint.bg is not None:
                p.fillRect(run.x0 * cw, y, (run.x1 - run.x0) * cw, ch, paint.bg)
        if sel is not None or self._find_rows:
            self._paint_marked(p, y, abs_row, len(text), sel)
        origin = self._origins.get(y)
        if origin is None:
            origin = self._origins[y] = QtCore.QPointF(0, y + self._ascent)
        clipped = False
        for run, paint in paints:
            if paint.blink:
                self._text_blinks = True
            if (run.runs or run.singles) and not paint.conceal and not (paint.blink and not self._text_blink_on):
                if paint.fg is not self._pen:
                    p.setPen(paint.fg)
                    self._pen = paint.fg
                if run.runs:
                    if run.clip:
                        p.setClipRect(run.x0 * cw, y, (run.x1 - run.x0) * cw, ch)
                        clipped = True
                    elif clipped:
                        p.setClipping(False)
                        clipped = False
                    for glyphs in run.runs:
                        p.drawGlyphRun(origin, glyphs)
                if run.singles:
                    p.setFont(self._fonts[paint.font])
                    baseline = y + self._ascent
                    for col, cells, glyph in run.singles:
                        self._draw_glyph(p, glyph, col, cells, y, baseline, paint.font)
                    clipped = True
            if paint.underline != UL_NONE or paint.strike or paint.overline:
                self._draw_decorations(p, paint, run.x0, run.x1, y, y + self._ascent)
                self._pen = None
                clipped = True
        if clipped:
            p.setClipping(False)
        if self._hover_target is not None or self._highlight:
            self._paint_pointed(p, y, abs_row, text)

    def _variant_of(self, sid: int) -> int:
        """The font variant (bit 0 bold, bit 1 italic) style ``sid`` is drawn in."""
        return self._paint_of(sid).font

    def _paint_marked(self, p: QtGui.QPainter, y: int, abs_row: int, n: int, sel: tuple[Cell, Cell] | None) -> None:
        """Under the text: the find matches and the selection on this row."""
        cw, ch = self._cw, self._ch
        found = self._find_rows.get(abs_row)
        if found:
            for c0, c1, current in found:
                rgb = self._theme.find_current if current else self._theme.find_match
                p.fillRect(c0 * cw, y, (min(c1, n) - c0) * cw, ch, _qcolor(rgb, 255 if current else 150))
        span = self._selection_span(abs_row, n, sel)
        if span is not None:
            p.fillRect(span[0] * cw, y, (span[1] - span[0]) * cw, ch, _qcolor(self._theme.selection))

    def _paint_pointed(self, p: QtGui.QPainter, y: int, abs_row: int, text: str) -> None:
        """Over the text: the link or location under the pointer (underlined) and the Bytes panel's cells."""
        cw, ch = self._cw, self._ch
        n = len(text)
        target = self._hover_target
        if target is not None and target[0][0] <= abs_row <= target[1][0]:
            c0 = target[0][1] if abs_row == target[0][0] else 0
            c1 = target[1][1] + 1 if abs_row == target[1][0] else n
            if c0 == c1 - 1 and c1 < n and text[c1] == PH:
                c1 += 1
            p.fillRect(c0 * cw, y + ch - 2, (c1 - c0) * cw, 1, _qcolor(self._defaults()[0]))
        if self._highlight:
            colour = _qcolor(self._theme.highlight, 120)
            edge = _qcolor(self._theme.highlight)
            for r, c in self._highlight:
                if r == abs_row and 0 <= c < n:
                    w = 2 if c + 1 < n and text[c + 1] == PH else 1
                    p.fillRect(c * cw, y, w * cw, ch, colour)
                    p.fillRect(c * cw, y + ch - 2, w * cw, 2, edge)

    def _draw_text(
        self,
        p: QtGui.QPainter,
        text: str,
        x0: int,
        x1: int,
        y: int,
        baseline: int,
        font: int,
        marks: Mapping[int, str] | None,
    ) -> None:
        """Draw cells [x0, x1) of a row in the current pen and font, each glyph clipped to its cells."""
        cw, ch = self._cw, self._ch
        n = len(text)
        exact = self._ascii_exact[font]
        for m in _GLYPHS.finditer(text, x0, x1):
            start, end = m.span()
            if end - start > 1 and not (marks and any(start <= k < end for k in marks)):
                if text[start + 1] != PH:
                    if exact:
                        p.setClipRect(QtCore.QRect(start * cw, y, (end - start) * cw, ch))
                        p.drawText(QtCore.QPointF(start * cw, baseline), m.group())
                        continue
                elif self.batch_wide_runs and self._draw_wide_run(p, m.group()[::2], start, y, baseline, font):
                    continue
            for x in range(start, end):
                char = text[x]
                if char == " " or char == PH:
                    continue
                glyph = char + marks.get(x, "") if marks else char
                wide = x + 1 < n and text[x + 1] == PH
                self._draw_glyph(p, glyph, x, 2 if wide else 1, y, baseline, font)

    def _draw_wide_run(self, p: QtGui.QPainter, glyphs: str, x: int, y: int, baseline: int, font: int) -> bool:
        """Draw wide characters on cells ``x…`` with one call, if their glyphs share one advance.

        CJK text is most of what this terminal shows besides ASCII, and one drawText per
        character made a flood's frames slow.  Ideographs of a font share an advance, so a font
        spaced by the difference to two cells puts each glyph where ``_draw_glyph`` would
        (centred in its two cells); a run of mixed advances is left to ``_draw_glyph``.
        """
        advance = self._advance(font, glyphs[0])
        for glyph in glyphs[1:]:
            if self._advance(font, glyph) != advance:
                return False
        box_w = 2 * self._cw
        if advance > box_w + 0.5:
            return False
        spaced = self._wide_fonts.get((font, advance))
        if spaced is None:
            spaced = QtGui.QFont(self._fonts[font])
            spaced.setLetterSpacing(QtGui.QFont.SpacingType.AbsoluteSpacing, spaced.letterSpacing() + box_w - advance)
            self._wide_fonts[(font, advance)] = spaced
        p.setClipRect(QtCore.QRect(x * self._cw, y, len(glyphs) * box_w, self._ch))
        p.setFont(spaced)
        p.drawText(QtCore.QPointF(x * self._cw + (box_w - advance) / 2, baseline), glyphs)
        p.setFont(self._fonts[font])
        return True

    def _draw_glyph(self, p: QtGui.QPainter, glyph: str, x: int, cells: int, y: int, baseline: int, font: int) -> None:
        box_w = cells * self._cw
        p.setClipRect(QtCore.QRect(x * self._cw, y, box_w, self._ch))
        advance = self._advance(font, glyph)
        if advance <= box_w + 0.5:
            # Narrower than its cells (a fallback font's CJK glyph, or one cell of a wide
            # placeholder font): centre it, so it sits in the middle of its two cells.
            dx = (box_w - advance) / 2 if cells > 1 else 0.0
            p.drawText(QtCore.QPointF(x * self._cw + dx, baseline), glyph)
            return
        # Wider than its cells (emoji, a proportional fallback): squeeze it onto the grid.
        p.save()
        p.translate(x * self._cw, baseline)
        p.scale(box_w / advance, 1.0)
        p.drawText(QtCore.QPointF(0, 0), glyph)
        p.restore()

    def _advance(self, font: int, glyph: str) -> float:
        key = (font, glyph)
        advance = self._advances.get(key)
        if advance is None:
            if len(self._advances) > 8192:
                self._advances.clear()
            advance = QtGui.QFontMetricsF(self._fonts[font]).horizontalAdvance(glyph)
            self._advances[key] = advance
        return advance

    def _draw_decorations(self, p: QtGui.QPainter, paint: _Paint, x0: int, x1: int, y: int, baseline: int) -> None:
        cw, ch = self._cw, self._ch
        left, right = x0 * cw, x1 * cw
        lw = self._line_width
        p.setClipRect(QtCore.QRect(left, y, right - left, ch))
        if paint.underline != UL_NONE:
            uy = min(baseline + self._underline_pos, y + ch - lw)
            pen = QtGui.QPen(paint.ul_color, lw)
            if paint.underline == UL_DOTTED:
                pen.setStyle(Qt.PenStyle.DotLine)
            elif paint.underline == UL_DASHED:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            if paint.underline == UL_CURLY:
                amp = max(1.0, (y + ch - uy) / 2 - 0.5)
                path = QtGui.QPainterPath(QtCore.QPointF(left, uy))
                half = max(2.0, cw / 2)
                xx, up = float(left), True
                while xx < right:
                    path.quadTo(
                        QtCore.QPointF(xx + half / 2, uy - amp if up else uy + amp), QtCore.QPointF(xx + half, uy)
                    )
                    xx += half
                    up = not up
                p.save()
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
                p.drawPath(path)
                p.restore()
            else:
                p.drawLine(left, uy, right - 1, uy)
                if paint.underline == UL_DOUBLE:
                    p.drawLine(left, uy - 2 * lw, right - 1, uy - 2 * lw)
        pen = QtGui.QPen(paint.fg, lw)
        p.setPen(pen)
        if paint.strike:
            sy = y + ch // 2
            p.drawLine(left, sy, right - 1, sy)
        if paint.overline:
            p.drawLine(left, y, right - 1, y)

    def _paint_cursor(self, p: QtGui.QPainter, top: int) -> None:
        term = self._term
        cy, cx = term.cursor
        vr = term.history_size + cy - top
        if not 0 <= vr < self._view_rows():
            return
        x, y = cx * self._cw, vr * self._ch
        if self._preedit:  # shown even when the program hides the cursor: the user is typing
            self._paint_preedit(p, x, y)
            return
        line = term.row(term.history_size + cy)
        if not term.cursor_visible or line is None:
            return
        wide = cx + 1 < len(line.text) and line.text[cx + 1] == PH
        w = self._cw * (2 if wide else 1)
        colour = _qcolor(self._painted.cursor)
        if not self.hasFocus():
            p.setPen(QtGui.QPen(colour, 1))
            p.drawRect(x, y, w - 1, self._ch - 1)
            return
        if not self._blink_on:
            return
        shape = term.cursor_shape
        if shape in (3, 4):  # underline
            h = max(2, self._ch // 8)
            p.fillRect(x, y + self._ch - h, w, h, colour)
        elif shape in (5, 6):  # bar
            p.fillRect(x, y, max(2, self._cw // 6), self._ch, colour)
        else:  # block: the character shows through in the background colour
            p.fillRect(x, y, w, self._ch, colour)
            char = line.text[cx]
            if char not in (" ", PH):
                paint = self._paint_of(line.styles[cx] if line.styles is not None else 0)
                p.setPen(_qcolor(self._defaults()[1]))
                p.setFont(self._fonts[paint.font])
                glyph = char + (line.marks or {}).get(cx, "")
                self._draw_glyph(p, glyph, cx, 2 if wide else 1, y, y + self._ascent, paint.font)
                p.setClipping(False)

    def _paint_preedit(self, p: QtGui.QPainter, x: int, y: int) -> None:
        """The IME's uncommitted text at the cursor, on its own background and underlined."""
        cells = max(1, text_width(self._preedit))
        w = cells * self._cw
        p.fillRect(x, y, w, self._ch, _qcolor(self._defaults()[1]))
        p.setPen(_qcolor(self._defaults()[0]))
        p.setFont(self._fonts[0])
        p.setClipRect(QtCore.QRect(x, y, w, self._ch))
        p.drawText(QtCore.QPointF(x, y + self._ascent), self._preedit)
        p.setClipping(False)
        p.fillRect(x, y + self._ch - 2, w, 2, _qcolor(self._painted.cursor))

    # ------------------------------------------------------------------ cursor blink
    def _blinks(self) -> bool:
        shape = self._term.cursor_shape
        return self._blink_enabled and (shape in (1, 3, 5) or (shape == 0 and self._term.mode(CURSOR_BLINK)))

    def _update_blink_timer(self) -> None:
        if self._blinks() and self.hasFocus():
            self._blink_timer.start()  # restarting keeps the cursor solid while it moves
        else:
            self._blink_timer.stop()
            self._blink_on = True

    @Slot()
    def _toggle_text_blink(self) -> None:
        """Hide or show blinking text; stop when the last paint showed none (it scrolled away or was reset)."""
        if not self._text_blinks and self._text_blink_on:
            self._text_blink_timer.stop()
            return
        self._text_blinks = False
        self._text_blink_on = not self._text_blink_on
        self.viewport().update()

    @Slot()
    def _toggle_blink(self) -> None:
        self._blink_on = not self._blink_on
        self._update_cursor_rows()

    # ------------------------------------------------------------------ keyboard & IME
    def _key_modes(self) -> KeyModes:
        t = self._input
        return KeyModes(
            app_cursor=t.mode(DECCKM),
            app_keypad=t.mode(DECNKM),
            newline_mode=t.mode(LNM, private=False),
            backarrow_sends_bs=t.mode(DECBKM),
            keyboard_locked=t.mode(KAM, private=False),
        )

    def _emit_input(self, data: bytes) -> None:
        """Send user input: the view follows the output again and the cursor shows solid."""
        self._set_offset(0)
        self._blink_on = True
        self._update_blink_timer()
        self.send.emit(data)

    @staticmethod
    def _is_view_shortcut(event: QtGui.QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if mods == ctrl_shift and key in (Qt.Key.Key_C, Qt.Key.Key_V):
            return True
        return mods == Qt.KeyboardModifier.ShiftModifier and key in (
            Qt.Key.Key_Insert,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
        )

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ShortcutOverride and isinstance(event, QtGui.QKeyEvent):
            # Keys the program should get must not be eaten by window shortcuts (Ctrl+W, Alt+F…);
            # Ctrl+Shift chords are left to the application.
            mods = event.modifiers()
            ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            if (mods & ctrl_shift) != ctrl_shift or self._is_view_shortcut(event):
                event.accept()
                return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab and Backtab belong to the program

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if self._is_view_shortcut(event):
            if key == Qt.Key.Key_C:
                self.copy()
            elif key in (Qt.Key.Key_V, Qt.Key.Key_Insert):
                self.paste()
            elif key == Qt.Key.Key_PageUp:
                self.scroll_by(max(1, self._view_rows() - 1))
            else:
                self.scroll_by(-max(1, self._view_rows() - 1))
            event.accept()
            return
        data = encode_key_event(key, event.modifiers(), event.text(), self._key_modes(), self._input.encoding)
        if data:
            self._emit_input(data)
            event.accept()
        else:
            event.ignore()

    def keyReleaseEvent(self, event: QtGui.QKeyEvent) -> None:
        event.accept()  # releases send nothing (no kitty protocol), but they are ours, not the parent's

    def inputMethodEvent(self, event: QtGui.QInputMethodEvent) -> None:
        commit = event.commitString()
        if commit:
            self._emit_input(encode_text(commit, Mod.NONE, self._key_modes(), self._input.encoding))
        if event.preeditString() != self._preedit:
            self._preedit = event.preeditString()
            self._update_cursor_rows()
        event.accept()

    def inputMethodQuery(self, query: Qt.InputMethodQuery) -> Any:
        q = Qt.InputMethodQuery
        if query in (q.ImCursorRectangle, q.ImAnchorRectangle, q.ImInputItemClipRectangle):
            y, x = self._term.cursor
            return QtCore.QRectF(self.cell_rect(self._term.history_size + y, x))
        if query == q.ImFont:
            return self._fonts[0]
        if query == q.ImEnabled:
            return True
        if query in (q.ImCursorPosition, q.ImAnchorPosition):
            return 0
        if query in (q.ImSurroundingText, q.ImCurrentSelection):
            return ""
        if query == q.ImHints:
            return int(Qt.InputMethodHint.ImhNoPredictiveText.value)
        return super().inputMethodQuery(query)

    # ------------------------------------------------------------------ focus
    def focusInEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusInEvent(event)
        if self._input.mode(FOCUS_EVENTS):
            self.send.emit(encode_focus(True))
        self._blink_on = True
        self._update_blink_timer()
        self._update_cursor_rows()

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self._input.mode(FOCUS_EVENTS):
            self.send.emit(encode_focus(False))
        self._update_blink_timer()
        self._update_cursor_rows()

    # ------------------------------------------------------------------ mouse
    def _tracking(self) -> MouseTracking:
        for tracking in _TRACKING_MODES:
            if self._input.mode(tracking.value):
                return tracking
        return MouseTracking.OFF

    def _report_mouse(self, action: MouseAction, button: MouseButton, event: QtGui.QSinglePointEvent) -> bool:
        """Send a mouse report if the program tracks the mouse and Shift is not held; True if it does."""
        tracking = self._tracking()
        mods = qt_mods(event.modifiers())
        if tracking is MouseTracking.OFF or mods & Mod.SHIFT:
            return False
        abs_row, col = self.cell_at(event.position())
        pos = event.position()
        col = max(0, min(int(pos.x() // self._cw), self._term.cols - 1))  # the real cell, not the char's
        row = abs_row - self._term.history_size
        if action is MouseAction.MOTION:
            if (row, col) == self._last_motion_cell:
                return True
            self._last_motion_cell = (row, col)
        data = encode_mouse(action, button, col, row, mods, tracking=tracking, sgr=self._input.mode(MOUSE_SGR))
        if data:
            self.send.emit(data)
        return True

    def _link_at(self, cell: Cell) -> str | None:
        return self._term.link_at(*cell)

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        button = _QT_BUTTONS.get(event.button())
        if button is not None and self._report_mouse(MouseAction.PRESS, button, event):
            self._mouse_down = button
            return
        if event.button() == Qt.MouseButton.LeftButton:
            cell = self.cell_at(event.position())
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                uri = self._link_at(cell)
                if uri is not None:
                    self.link_activated.emit(uri)
                    self._press_cell = None
                    return
                location = location_at(self._term, cell)
                if location is not None:
                    self.location_activated.emit(location)
                    self._press_cell = None
                    return
            last = self._double_click
            interval = QtWidgets.QApplication.doubleClickInterval() / 1000
            if last is not None and time.monotonic() - last[0] <= interval and last[1] == cell[0]:
                self._double_click = None
                self._press_cell = None
                self._select_line(cell[0])
                return
            self._press_cell = cell
            self._dragging = False
        elif event.button() == Qt.MouseButton.MiddleButton:
            clipboard = QtGui.QGuiApplication.clipboard()
            if clipboard.supportsSelection():
                self.paste(clipboard.text(QtGui.QClipboard.Mode.Selection))

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._mouse_down is not None or not event.buttons():
            button = self._mouse_down if self._mouse_down is not None else MouseButton.NONE
            if self._report_mouse(MouseAction.MOTION, button, event):
                return
        if self._press_cell is not None and event.buttons() & Qt.MouseButton.LeftButton:
            cell = self.cell_at(event.position())
            if cell != self._press_cell or self._dragging:
                self._dragging = True
                self._set_selection((self._press_cell, cell))
            y = event.position().y()
            self._autoscroll_dir = -1 if y < 0 else 1 if y >= self.viewport().height() else 0
            if self._autoscroll_dir and not self._autoscroll_timer.isActive():
                self._autoscroll_timer.start()
            return
        self._hover(event)

    def _hover(self, event: QtGui.QMouseEvent) -> None:
        """Over a link or a source location: underline it and show where Ctrl+click would go (never open)."""
        cell = self.cell_at(event.position())
        if cell != self._hover_cell:
            self._hover_cell = cell
            target = self._target_at(cell)
            old = self._hover_target
            self._hover_target = target
            if old is not None or target is not None:
                rows = {r for t in (old, target) if t is not None for r in range(t[0][0], t[1][0] + 1)}
                self._update_abs_rows(rows)
            if target is None:
                QtWidgets.QToolTip.hideText()
            else:
                # The target comes from the program's output: shown literally, never as rich text.
                QtWidgets.QToolTip.showText(event.globalPosition().toPoint(), plain_tooltip(target[2]), self.viewport())
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        on_target = ctrl and self._hover_target is not None
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if on_target else Qt.CursorShape.IBeamCursor)

    def _target_at(self, cell: Cell) -> tuple[Cell, Cell, str] | None:
        """The link or location over ``cell``: its first and last cell and the text that says what it opens."""
        uri = self._link_at(cell)
        if uri is not None:
            verdict = check_link(uri)
            what = f"Ctrl+click to open {verdict.text}" if verdict.allowed else f"{uri}\n{verdict.text}"
            return cell, cell, what
        location = location_at(self._term, cell)
        if location is not None:
            return location.start, location.end, f"Ctrl+click to open {location.label()} in the editor"
        return None

    def viewportEvent(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Leave and self._hover_target is not None:
            first, last, _ = self._hover_target
            self._hover_target = self._hover_cell = None
            self._update_abs_rows(range(first[0], last[0] + 1))
        elif event.type() == QtCore.QEvent.Type.Leave:
            self._hover_cell = None
        return super().viewportEvent(event)

    @property
    def hover_target(self) -> tuple[Cell, Cell, str] | None:
        """What the pointer is over: first and last cell, and the text shown (for tests)."""
        return self._hover_target

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._mouse_down is not None:
            button = self._mouse_down
            self._mouse_down = None
            if self._report_mouse(MouseAction.RELEASE, button, event):
                return
        self._autoscroll_timer.stop()
        self._autoscroll_dir = 0
        if event.button() != Qt.MouseButton.LeftButton or self._press_cell is None:
            return
        if self._dragging:
            self._copy_to_selection_clipboard()
        else:
            self.clear_selection()
            self.cell_clicked.emit(*self._press_cell)
        self._press_cell = None
        self._dragging = False

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._tracking() is not MouseTracking.OFF and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.mousePressEvent(event)  # programs see a second press, as in xterm
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        abs_row, col = self.cell_at(event.position())
        cells = self._term.row_cells(abs_row)
        if not cells or cells[col] in ("", " "):
            return
        start = end = col
        while start > 0 and (cells[start - 1] == "" or cells[start - 1] not in _WORD_BREAKS):
            start -= 1
        while end + 1 < len(cells) and (cells[end + 1] == "" or cells[end + 1] not in _WORD_BREAKS):
            end += 1
        self._press_cell = None
        self._double_click = (time.monotonic(), abs_row)
        self._set_selection(((abs_row, start), (abs_row, end)))
        self._copy_to_selection_clipboard()

    def _select_line(self, abs_row: int) -> None:
        """Triple click: the whole logical line under the pointer, across the rows it wrapped onto."""
        first = last = abs_row
        while (above := self._row(first - 1)) is not None and above.wrapped:
            first -= 1
        while (row := self._row(last)) is not None and row.wrapped and self._row(last + 1) is not None:
            last += 1
        end_row = self._row(last)
        width = len(end_row.text.rstrip(" \x00")) if end_row is not None else 0
        self._set_selection(((first, 0), (last, max(width - 1, 0))))
        self._copy_to_selection_clipboard()

    @Slot()
    def _autoscroll_step(self) -> None:
        """A drag held past an edge: scroll a row that way and stretch the selection to the row now at the edge."""
        if not self._autoscroll_dir or self._press_cell is None or self._selection is None:
            self._autoscroll_timer.stop()
            return
        self.scroll_by(-self._autoscroll_dir)
        top = self._top_abs()
        edge = top if self._autoscroll_dir < 0 else top + self._term.rows - 1
        col = 0 if self._autoscroll_dir < 0 else self._term.cols - 1
        self._set_selection((self._press_cell, (edge, col)))

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        self._wheel_accum += event.angleDelta().y()
        steps = int(self._wheel_accum / 120)
        if not steps:
            event.accept()
            return
        self._wheel_accum -= steps * 120
        term = self._input
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self._tracking() is not MouseTracking.OFF and not shift:
            button = MouseButton.WHEEL_UP if steps > 0 else MouseButton.WHEEL_DOWN
            for _ in range(abs(steps)):
                self._report_mouse(MouseAction.PRESS, button, event)
        elif term.alternate_screen and term.mode(ALT_SCROLL):
            key = encode_key("Up" if steps > 0 else "Down", Mod.NONE, self._key_modes())
            self.send.emit(key * (WHEEL_ROWS * abs(steps)))
        else:
            self.scroll_by(steps * WHEEL_ROWS)
        event.accept()

    # ------------------------------------------------------------------ selection internals
    def _set_selection(self, sel: tuple[Cell, Cell] | None) -> None:
        old = self._normalised_selection()
        self._selection = sel
        new = self._normalised_selection()
        if old == new:
            return
        rows: set[int] = set()
        for s in (old, new):
            if s is not None:
                rows.update(range(s[0][0], s[1][0] + 1))
        self._update_abs_rows(rows)
        self.selection_changed.emit()

    def _normalised_selection(self) -> tuple[Cell, Cell] | None:
        """Selection in reading order, widened so a wide character is never cut in half."""
        if self._selection is None:
            return None
        a, b = sorted(self._selection)
        (r0, c0), (r1, c1) = a, b
        first, last = self._row(r0), self._row(r1)
        if first is not None and 0 < c0 < len(first.text) and first.text[c0] == PH:
            c0 -= 1
        if last is not None and c1 + 1 < len(last.text) and last.text[c1 + 1] == PH:
            c1 += 1
        return (r0, c0), (r1, c1)

    @staticmethod
    def _selection_span(abs_row: int, width: int, sel: tuple[Cell, Cell] | None) -> tuple[int, int] | None:
        """Columns ``[start, end)`` of *abs_row* inside the selection."""
        if sel is None:
            return None
        (r0, c0), (r1, c1) = sel
        if not r0 <= abs_row <= r1:
            return None
        start = c0 if abs_row == r0 else 0
        end = c1 + 1 if abs_row == r1 else width
        return (start, end) if end > start else None

    def _copy_to_selection_clipboard(self) -> None:
        """X11-style: a finished selection goes to the primary selection, where there is one."""
        clipboard = QtGui.QGuiApplication.clipboard()
        text = self.selection_text()
        if text and clipboard.supportsSelection():
            clipboard.setText(text, QtGui.QClipboard.Mode.Selection)
