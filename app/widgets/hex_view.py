"""The Bytes panel: offset · 16 bytes · decoded column over a session's :class:`ByteLog`.

Why a hand-painted ``QAbstractScrollArea`` and not a table view: a log holds millions of bytes and
a model/view table would ask for every row's data through Python calls; here the scroll bar counts
rows and :meth:`HexView.paintEvent` draws only the rows in the viewport, from one lazily annotated
window (:class:`app.inspect.byte_view.ByteViewModel`, which also decides every colour class, glyph
and explanation — this module only turns them into pixels and mouse positions).

Colours (see :class:`HexTheme`): ASCII text plain; each non-ASCII character on its own background,
alternating between two tints so neighbours are told apart; controls grey; escape sequences amber;
invalid bytes red; a U+FFFD that arrived *as bytes* pink; an unfinished character or sequence at the
tail striped yellow; a 2-pixel magenta bar at the left edge of a byte where a read chunk began.

Selections: the user's (mouse drag, double-click = the whole token, find, go to offset) are emitted
as :attr:`HexView.bytes_selected`; :meth:`HexView.select_bytes` (the window reacting to a click on a
terminal cell) is not, so the two views cannot ping-pong.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field

from app.inspect.byte_view import (
    BYTES_PER_ROW,
    AnnotatedWindow,
    ByteClass,
    ByteViewModel,
    encode_text,
    format_escaped,
    format_hex,
    parse_hex,
)
from app.session.bytelog import ByteLog
from app.vt.decoder import normalize_encoding
from app.widgets.plain_text import plain_tooltip
from app.widgets.qt import Qt, QtCore, QtGui, QtWidgets, Signal, give_own_viewport

__all__ = ["HexTheme", "HexView"]

#: Byte classes are small ints below this (``ByteClass``); the paint looks their colours up by index.
_CLASSES = 16


def _c(name: str) -> QtGui.QColor:
    return QtGui.QColor(name)


@dataclass
class HexTheme:
    """Colours of the panel; a light theme by default (fixed, so screenshots and tests are stable)."""

    background: QtGui.QColor = field(default_factory=lambda: _c("#ffffff"))
    text: QtGui.QColor = field(default_factory=lambda: _c("#1e1e1e"))
    offset: QtGui.QColor = field(default_factory=lambda: _c("#8c8c8c"))
    dropped: QtGui.QColor = field(default_factory=lambda: _c("#a05a00"))
    multi_a: QtGui.QColor = field(default_factory=lambda: _c("#cfe3ff"))
    multi_b: QtGui.QColor = field(default_factory=lambda: _c("#d4f2d0"))
    control: QtGui.QColor = field(default_factory=lambda: _c("#e4e4e4"))
    control_text: QtGui.QColor = field(default_factory=lambda: _c("#6b6b6b"))
    escape: QtGui.QColor = field(default_factory=lambda: _c("#ffd98a"))
    escape_text: QtGui.QColor = field(default_factory=lambda: _c("#7a4a00"))
    invalid: QtGui.QColor = field(default_factory=lambda: _c("#ff6b6b"))
    replacement: QtGui.QColor = field(default_factory=lambda: _c("#f7a8e0"))
    incomplete: QtGui.QColor = field(default_factory=lambda: _c("#fff27a"))
    boundary: QtGui.QColor = field(default_factory=lambda: _c("#c000c0"))
    selection: QtGui.QColor = field(default_factory=lambda: QtGui.QColor(40, 100, 220, 110))

    def background_of(self, cls: int) -> QtGui.QColor | None:
        """Background of a byte of class ``cls``; ``None`` for plain ASCII and bytes outside the log."""
        return {
            ByteClass.MULTI_A: self.multi_a,
            ByteClass.MULTI_B: self.multi_b,
            ByteClass.CONTROL: self.control,
            ByteClass.ESCAPE: self.escape,
            ByteClass.INVALID: self.invalid,
            ByteClass.REPLACEMENT: self.replacement,
            ByteClass.INCOMPLETE: self.incomplete,
        }.get(cls)

    def text_of(self, cls: int) -> QtGui.QColor:
        if cls == ByteClass.CONTROL:
            return self.control_text
        if cls == ByteClass.ESCAPE:
            return self.escape_text
        return self.text


@functools.lru_cache(maxsize=1)
def fonts_have_control_pictures() -> bool:
    """Whether U+241B ␛ and U+240A ␊ are drawn by some font (else controls are shown as ``·``, not as boxes)."""
    return fonts_draw("\u241b\u240a")


def fonts_draw(text: str, font: QtGui.QFont | None = None) -> bool:
    """Whether every character of ``text`` gets a real glyph, in ``font`` (default: the application's) or a
    fallback Qt finds for it — what ``drawText`` will show.

    Why laid out and not asked of each installed family (``QFontMetrics.inFontUcs4``): that loads every family
    until one has the characters, and on a machine where none has them, all of them — 15 ms with the 11 families
    of a bare Linux, far more on a desktop with hundreds, at the Bytes panel's first paint of a flood (a stall).
    Qt's own fallback finds a font that has them (fontconfig's answer) without opening the others."""
    layout = QtGui.QTextLayout(text, font if font is not None else QtGui.QFont())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    indexes = [index for run in layout.glyphRuns() for index in run.glyphIndexes()]
    return len(indexes) >= len(text) and all(indexes)


class HexView(QtWidgets.QAbstractScrollArea):
    """Offset · 16 bytes · decoded column, painted row by row from a lazily annotated window."""

    #: ``(start, end)``, end exclusive: bytes the user selected here (drag, double-click, find, go to).
    bytes_selected = Signal(int, int)
    #: Follow-tail was switched on or off (by the user scrolling, or :meth:`set_follow_tail`).
    follow_tail_changed = Signal(bool)
    #: The mouse moved onto the byte at this offset (-1: off every byte): the Explain panel's live inspector.
    byte_hovered = Signal(int)

    #: Coalescing interval for :meth:`refresh` (new bytes): ten times a second.  Hex scrolling past
    #: faster than that cannot be read, and under a flood each refresh re-annotates the tail and
    #: repaints the panel, time the terminal's own frames need more.
    REFRESH_MS = 100
    #: While bytes keep coming, refreshes are at least this far apart (ms): twice a second still shows the tail
    #: moving (nobody reads hex scrolling faster), and the terminal's frames get the time (each refresh annotates
    #: and paints the tail, ~10 ms on a slow machine).
    FLOOD_REFRESH_MS = 500
    BOUNDARY_WIDTH = 2

    def __init__(
        self, log: ByteLog | None = None, encoding: str = "utf-8", parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        give_own_viewport(self)  # before any viewport() call (start-up: see give_own_viewport)
        # Whether the fonts draw ␛ ␍ ␊ is asked when bytes are first painted: scanning the fonts costs start-up time.
        self.model = ByteViewModel(log, encoding, control_pictures=None)
        self.theme = HexTheme()
        self._selection: tuple[int, int] | None = None
        self._anchor: int | None = None
        self._dragging = False
        self._hovered = -1
        self._follow = True
        self._programmatic_scroll = False
        self._epoch = self.model.log.epoch
        self._backgrounds: list[QtGui.QColor | None] = []
        #: Advances of the decoded column's glyphs in the paint font (reset when the font changes).
        self._advances: dict[str, float] = {}
        #: How many coalesced refreshes ran (tests check that many calls make one).
        self.refreshes = 0
        #: New bytes came while the panel was hidden (refreshed when it is shown).
        self._stale = False
        self._refresh_timer = QtCore.QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(self.REFRESH_MS)
        self._refresh_timer.timeout.connect(self.flush_refresh)
        self._last_refresh = 0.0
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QtGui.QFont.StyleHint.Monospace)
        self.setFont(font)
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self._update_metrics()
        self._update_scrollbars()

    # ------------------------------------------------------------------ public API
    def set_bytelog(self, log: ByteLog) -> None:
        """Show another log (a new session or replay); forgets the selection, follows its tail."""
        self.model.set_log(log)
        self._epoch = log.epoch
        self._selection = self._anchor = None
        self._update_metrics()
        self._update_scrollbars()
        self._scroll_to_row(self.model.row_count - 1 if self._follow else 0)
        self.viewport().update()

    def set_encoding(self, name: str) -> None:
        """Decode as ``name`` ("what would cp936 make of this?"); raises for an unknown name."""
        normalize_encoding(name)
        self.model.set_encoding(name)
        self.viewport().update()

    def encoding(self) -> str:
        return self.model.encoding

    def refresh(self) -> None:
        """New bytes arrived: repaint within a frame; many calls in one frame cost one repaint.  While the panel
        is not shown (another panel in front, its dock closed), nothing is done until it is (:meth:`showEvent`)."""
        if not self.isVisible():
            self._stale = True
            return
        if not self._refresh_timer.isActive():
            since = (time.monotonic() - self._last_refresh) * 1000
            self._refresh_timer.start(max(self.REFRESH_MS, int(self.FLOOD_REFRESH_MS - since)))

    def flush_refresh(self) -> None:
        """Apply a pending :meth:`refresh` now (the timer calls this; tests and shutdown may too)."""
        self._refresh_timer.stop()
        self._stale = False
        self._last_refresh = time.monotonic()
        self.refreshes += 1
        log = self.model.log
        if log.epoch != self._epoch:  # cleared (a replay seeking back): old offsets mean other bytes
            self._epoch = log.epoch
            self._selection = self._anchor = None
        if self._selection is not None:
            start, end = max(self._selection[0], log.start_offset), min(self._selection[1], log.total_bytes)
            self._selection = (start, end) if start < end else None
        self._update_metrics()
        self._update_scrollbars()
        if self._follow:
            self._scroll_to_row(self.model.row_count)
        self.viewport().update()

    def follow_tail(self) -> bool:
        return self._follow

    def set_follow_tail(self, on: bool) -> None:
        """Keep the newest bytes in view as they arrive (scrolling up by hand switches this off)."""
        if on:
            self._scroll_to_row(self.model.row_count)
        self._set_follow(on)

    def selection(self) -> tuple[int, int] | None:
        """``(start, end)``, end exclusive, or ``None``."""
        return self._selection

    def selected_bytes(self) -> bytes:
        if self._selection is None:
            return b""
        return self.model.log.slice(*self._selection, clamp=True)

    def select_bytes(self, start: int, end: int) -> None:
        """Select ``[start, end)`` and bring it into view, *without* emitting :attr:`bytes_selected`.

        For the window: the user clicked terminal cells and these are the bytes that wrote them.
        """
        log = self.model.log
        start, end = max(start, log.start_offset), min(end, log.total_bytes)
        if start >= end:
            self._selection = None
            self.viewport().update()
            return
        self._selection = (start, end)
        self._anchor = start
        self._ensure_visible(start)
        self.viewport().update()

    def go_to_offset(self, offset: int) -> bool:
        """Scroll to ``offset`` and select that byte; ``False`` if it is not in the kept log."""
        if not self.model.kept(offset):
            return False
        self._user_select(offset, offset + 1)
        self._set_follow(False)
        self._scroll_to_row(self.model.row_of(offset) - self._visible_rows() // 3)
        return True

    def find_bytes(self, pattern: bytes, *, backwards: bool = False) -> int | None:
        """Select the next (or previous) occurrence of ``pattern`` after the selection, wrapping round."""
        if not pattern:
            return None
        if self._selection is not None:
            start = self._selection[0] if backwards else self._selection[0] + 1
        else:
            top = self.model.row_start(self.verticalScrollBar().value())
            start = self.model.log.start_offset if top is None else top
        hit = self.model.find(pattern, start, backwards=backwards)
        if hit is not None:
            self._user_select(hit, hit + len(pattern))
            self._set_follow(False)
            self._ensure_visible(hit)
        return hit

    def find_hex(self, text: str, *, backwards: bool = False) -> int | None:
        """Find bytes typed in hex (``e4 bd a0``); ``ValueError`` with a readable message if malformed."""
        return self.find_bytes(parse_hex(text), backwards=backwards)

    def find_text(self, text: str, *, backwards: bool = False) -> int | None:
        """Find ``text`` as the current encoding writes it; ``ValueError`` if it cannot be written."""
        return self.find_bytes(encode_text(text, self.model.encoding), backwards=backwards)

    def copy_hex(self) -> str:
        """Copy the selection as ``E4 BD A0`` to the clipboard (and return it)."""
        return self._copy(format_hex(self.selected_bytes()))

    def copy_escaped(self) -> str:
        """Copy the selection as the body of a Python bytes literal, ``\\xe4\\xbd\\xa0``."""
        return self._copy(format_escaped(self.selected_bytes()))

    def row_text(self, row: int) -> str:
        """Display row ``row`` as text (offset, hex, decoded): what is painted, readable by tests."""
        return self.model.row_text(row)

    def tooltip_at(self, pos: QtCore.QPoint) -> str:
        """The hover explanation at viewport position ``pos`` (empty where there is no byte)."""
        offset = self.byte_at(pos)
        return "" if offset is None else self.model.explain(offset)

    def first_visible_row(self) -> int:
        return self.verticalScrollBar().value()

    def visible_rows(self) -> range:
        """Display rows at least partly in the viewport."""
        first = self.first_visible_row()
        count = self.viewport().height() // self._line_h + 1
        return range(first, min(self.model.row_count, first + count))

    def byte_rect(self, offset: int) -> QtCore.QRect | None:
        """Viewport rectangle of ``offset``'s hex cell (the two digits and half a gap each side)."""
        return self._cell_rect(offset, self._hex_x, self._cell_w)

    def decoded_rect(self, offset: int) -> QtCore.QRect | None:
        """Viewport rectangle of ``offset``'s cell in the decoded column."""
        return self._cell_rect(offset, self._text_x, self._char_w)

    def byte_at(self, pos: QtCore.QPoint, *, clamp: bool = False) -> int | None:
        """The kept byte under viewport position ``pos``; with ``clamp`` the nearest one on that row."""
        x = pos.x() + self.horizontalScrollBar().value()
        row = self.first_visible_row() + (pos.y() // self._line_h if pos.y() >= 0 else -1)
        if clamp:
            row = min(max(row, 0), self.model.row_count - 1)
        start = self.model.row_start(row) if 0 <= row < self.model.row_count else None
        if start is None:
            return None
        if self._hex_x <= x < self._hex_x + BYTES_PER_ROW * self._cell_w:
            col = (x - self._hex_x) // self._cell_w
        elif self._text_x <= x < self._text_x + BYTES_PER_ROW * self._char_w:
            col = (x - self._text_x) // self._char_w
        elif clamp:
            middle = (self._hex_x + BYTES_PER_ROW * self._cell_w + self._text_x) // 2
            col = 0 if x < self._hex_x or middle <= x < self._text_x else BYTES_PER_ROW - 1
        else:
            return None
        offset = start + col
        if clamp:
            log = self.model.log
            return min(max(offset, log.start_offset), log.total_bytes - 1) if log.total_bytes else None
        return offset if self.model.kept(offset) else None

    # ------------------------------------------------------------------ geometry
    def _update_metrics(self) -> None:
        """Cell geometry from the font, on an integer grid.

        A monospace advance is fractional (7.22 px for DejaVu Sans Mono 9 pt); a run of hex digits
        drawn in one call would drift off the integer cells its backgrounds fill.  Spreading the
        difference as letter spacing makes every advance exactly ``cw`` pixels, so a row's hex can
        be drawn in a few calls and still line up.
        """
        font = QtGui.QFont(self.font())
        advance = QtGui.QFontMetricsF(font).horizontalAdvance("0")
        cw = max(1, math.ceil(advance - 0.01))
        font.setLetterSpacing(QtGui.QFont.SpacingType.AbsoluteSpacing, cw - advance)
        self._paint_font = font
        self._glyph_font = QtGui.QFont(self.font())  # unspaced: a lone glyph's own width, for centring it
        self._advances.clear()
        fm = QtGui.QFontMetrics(font)
        self._char_w = cw
        self._line_h = fm.height() + 3
        self._ascent = fm.ascent() + 1
        self._offset_x = cw // 2
        self._hex_x = self._offset_x + (self.model.offset_digits + 2) * cw
        self._cell_w = 3 * cw
        self._text_x = self._hex_x + BYTES_PER_ROW * self._cell_w + 2 * cw
        self._content_w = self._text_x + (BYTES_PER_ROW + 1) * cw + cw // 2

    def _visible_rows(self) -> int:
        return max(1, self.viewport().height() // self._line_h)

    def _update_scrollbars(self) -> None:
        self._programmatic_scroll = True
        try:
            vbar = self.verticalScrollBar()
            page = self._visible_rows()
            vbar.setRange(0, max(0, self.model.row_count - page))
            vbar.setPageStep(page)
            vbar.setSingleStep(1)
            hbar = self.horizontalScrollBar()
            hbar.setRange(0, max(0, self._content_w - self.viewport().width()))
            hbar.setPageStep(self.viewport().width())
            hbar.setSingleStep(self._char_w)
        finally:
            self._programmatic_scroll = False

    def _scroll_to_row(self, row: int) -> None:
        self._programmatic_scroll = True
        try:
            self.verticalScrollBar().setValue(row)
        finally:
            self._programmatic_scroll = False

    def _ensure_visible(self, offset: int) -> None:
        row = self.model.row_of(offset)
        first, page = self.first_visible_row(), self._visible_rows()
        if not first <= row < first + page:
            self._set_follow(False)
            self._scroll_to_row(row - page // 3)

    def _cell_rect(self, offset: int, x0: int, width: int) -> QtCore.QRect | None:
        if not self.model.kept(offset):
            return None
        y_row = self.model.row_of(offset) - self.first_visible_row()
        if y_row < 0 or y_row * self._line_h >= self.viewport().height():
            return None
        x = x0 + (offset % BYTES_PER_ROW) * width - self.horizontalScrollBar().value()
        return QtCore.QRect(x, y_row * self._line_h, width, self._line_h)

    def sizeHint(self) -> QtCore.QSize:
        bar = self.verticalScrollBar().sizeHint().width()
        return QtCore.QSize(self._content_w + bar + 2 * self.frameWidth(), 24 * self._line_h)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        """Draw the visible rows only; their bytes come from one cached annotated window."""
        painter = QtGui.QPainter(self.viewport())
        try:
            self._paint(painter, event.rect())
        finally:
            painter.end()

    def _paint(self, painter: QtGui.QPainter, clip: QtCore.QRect) -> None:
        theme, model = self.theme, self.model
        if model.control_pictures is None and model.log.total_bytes:
            model.set_control_pictures(fonts_have_control_pictures())
        self._backgrounds = [theme.background_of(cls) for cls in range(_CLASSES)]
        painter.fillRect(clip, theme.background)
        painter.setFont(self._paint_font)
        rows = self.visible_rows()
        if not rows:
            return
        dx = -self.horizontalScrollBar().value()
        log = model.log
        starts = [model.row_start(r) for r in rows]
        data_starts = [s for s in starts if s is not None]
        window: AnnotatedWindow | None = None
        boundaries: set[int] = set()
        if data_starts and log.total_bytes > log.start_offset:
            lo, hi = max(data_starts[0], log.start_offset), min(data_starts[-1] + BYTES_PER_ROW, log.total_bytes)
            window = model.window(lo, hi)
            boundaries = set(model.boundaries(lo, hi))
        for i, (row, start) in enumerate(zip(rows, starts, strict=True)):
            y = i * self._line_h
            if start is None:
                font = QtGui.QFont(self._paint_font)
                font.setItalic(True)
                painter.setFont(font)
                painter.setPen(theme.dropped)
                painter.drawText(self._offset_x + dx, y + self._ascent, model.dropped_text())
                painter.setFont(self._paint_font)
                continue
            assert window is not None
            self._paint_row(painter, window, row, start, y, dx, boundaries)

    def _paint_row(
        self,
        painter: QtGui.QPainter,
        window: AnnotatedWindow,
        row: int,
        start: int,
        y: int,
        dx: int,
        boundaries: set[int],
    ) -> None:
        theme, model = self.theme, self.model
        cw, lh, cell_w = self._char_w, self._line_h, self._cell_w
        hex_x, text_x = self._hex_x + dx, self._text_x + dx
        painter.setPen(theme.offset)
        painter.drawText(self._offset_x + dx, y + self._ascent, model.offset_text(start))
        sel = self._selection
        lo = max(start, window.start)
        hi = min(start + BYTES_PER_ROW, window.end)
        # Backgrounds first (a multibyte character's cells touch, so its bytes read as one block), one
        # rectangle per run of bytes with the same colour: a flood repaints this panel ten times a second.
        backgrounds = [self._backgrounds[window.class_at(off)] for off in range(lo, hi)]
        i = 0
        while i < len(backgrounds):
            bg = backgrounds[i]
            j = i + 1
            while j < len(backgrounds) and backgrounds[j] is bg:
                j += 1
            if bg is not None:
                col, n = lo + i - start, j - i
                painter.fillRect(hex_x + col * cell_w, y, n * cell_w, lh, bg)
                painter.fillRect(text_x + col * cw, y, n * cw, lh, bg)
            i = j
        if sel is not None and sel[0] < hi and lo < sel[1]:
            col, end = max(sel[0], lo) - start, min(sel[1], hi) - start
            painter.fillRect(hex_x + col * cell_w, y, (end - col) * cell_w, lh, theme.selection)
            painter.fillRect(text_x + col * cw, y, (end - col) * cw, lh, theme.selection)
        # Hex digits, in runs of one colour (monospace: a run lines up with the cells).
        base = y + self._ascent
        run_start: int = lo
        run_colour: QtGui.QColor | None = None
        run_text: list[str] = []
        for off in range(lo, hi + 1):
            colour = theme.text_of(window.class_at(off)) if off < hi else None
            if off == hi or colour != run_colour:
                if run_text and run_colour is not None:
                    painter.setPen(run_colour)
                    painter.drawText(hex_x + (run_start - start) * cell_w + cw // 2, base, " ".join(run_text))
                run_start, run_colour, run_text = off, colour, []
            if off < hi:
                run_text.append(f"{window.byte(off):02X}")
        # Decoded column: ASCII runs in one call; anything else alone, centred in its cells.
        painter.setPen(theme.text)
        ascii_run: list[str] = []
        ascii_at = 0
        for off in range(lo, hi + 1):
            glyph, width = window.glyph_at(off) if off < hi else ("", 0)
            simple = width == 1 and len(glyph) == 1 and " " <= glyph < "\x7f"
            if simple and ascii_run and off == ascii_at + len(ascii_run):
                ascii_run.append(glyph)
                continue
            if ascii_run:
                painter.drawText(text_x + (ascii_at - start) * cw, base, "".join(ascii_run))
                ascii_run = []
            if simple:
                ascii_run, ascii_at = [glyph], off
            elif glyph:
                # Centred in its cells at a point: a layout rectangle with alignment costs a text layout per glyph.
                advance = self._advances.get(glyph)
                if advance is None:
                    if len(self._advances) > 4096:
                        self._advances.clear()
                    advance = self._advances[glyph] = QtGui.QFontMetricsF(self._glyph_font).horizontalAdvance(glyph)
                x = text_x + (off - start) * cw + (width * cw - advance) / 2
                painter.drawText(QtCore.QPointF(x, base), glyph)
        # Read-chunk boundaries: a bar on the left edge of the first byte of each read.
        for off in range(lo, hi):
            if off in boundaries:
                col = off - start
                half = self.BOUNDARY_WIDTH // 2
                painter.fillRect(hex_x + col * cell_w - half, y, self.BOUNDARY_WIDTH, lh, theme.boundary)
                painter.fillRect(text_x + col * cw - half, y, self.BOUNDARY_WIDTH, lh, theme.boundary)

    # ------------------------------------------------------------------ events
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbars()
        if self._follow:
            self._scroll_to_row(self.model.row_count)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:  # bytes came while it was hidden: the log's tail as it is now
            self.flush_refresh()

    def changeEvent(self, event: QtCore.QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QtCore.QEvent.Type.FontChange:
            self._update_metrics()
            self._update_scrollbars()

    def viewportEvent(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip and isinstance(event, QtGui.QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QtWidgets.QToolTip.showText(event.globalPos(), plain_tooltip(text), self.viewport())
            else:
                QtWidgets.QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        offset = self.byte_at(event.position().toPoint())
        if offset is None:
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self._anchor is not None:
            self._selection = (min(self._anchor, offset), max(self._anchor, offset) + 1)
        else:
            self._anchor = offset
            self._selection = (offset, offset + 1)
        self._dragging = True
        self.viewport().update()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        hovered = self.byte_at(event.position().toPoint())
        if (-1 if hovered is None else hovered) != self._hovered:
            self._hovered = -1 if hovered is None else hovered
            self.byte_hovered.emit(self._hovered)
        if not self._dragging or self._anchor is None:
            return
        pos = event.position().toPoint()
        if pos.y() < 0:
            self.verticalScrollBar().setValue(self.first_visible_row() - 1)
        elif pos.y() >= self.viewport().height():
            self.verticalScrollBar().setValue(self.first_visible_row() + 1)
        offset = self.byte_at(pos, clamp=True)
        if offset is not None:
            self._selection = (min(self._anchor, offset), max(self._anchor, offset) + 1)
            self.viewport().update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._dragging:
            self._dragging = False
            if self._selection is not None:
                self.bytes_selected.emit(*self._selection)

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        """Select the whole token under the mouse: a character, a sequence, a run of ASCII."""
        offset = self.byte_at(event.position().toPoint())
        if offset is None:
            return
        token = self.model.window(offset, offset + 1).token_at(offset)
        if token is not None:
            self._dragging = False
            log = self.model.log
            self._user_select(max(token.offset, log.start_offset), min(token.offset + len(token.data), log.total_bytes))

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ctrl and event.key() == Qt.Key.Key_C:
            self.copy_escaped() if shift else self.copy_hex()
        elif event.key() == Qt.Key.Key_End:
            self.set_follow_tail(True)
        elif event.key() == Qt.Key.Key_Home:
            self._set_follow(False)
            self._scroll_to_row(0)
        else:
            super().keyPressEvent(event)

    def build_context_menu(self) -> QtWidgets.QMenu:
        """Copy as hex / escaped and the follow-tail switch (the panel's toolbar holds find and go to)."""
        menu = QtWidgets.QMenu(self)
        has_selection = self._selection is not None
        copy_hex = menu.addAction("Copy as hex")
        copy_hex.setEnabled(has_selection)
        copy_hex.triggered.connect(self.copy_hex)
        copy_escaped = menu.addAction("Copy as escaped (\\x..)")
        copy_escaped.setEnabled(has_selection)
        copy_escaped.triggered.connect(self.copy_escaped)
        menu.addSeparator()
        follow = menu.addAction("Follow tail")
        follow.setCheckable(True)
        follow.setChecked(self._follow)
        follow.toggled.connect(self.set_follow_tail)
        return menu

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        menu = self.build_context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    # ------------------------------------------------------------------ internals
    def _user_select(self, start: int, end: int) -> None:
        self._selection = (start, end)
        self._anchor = start
        self.viewport().update()
        self.bytes_selected.emit(start, end)

    def _copy(self, text: str) -> str:
        if text:
            clipboard = QtGui.QGuiApplication.clipboard()
            clipboard.setText(text)
        return text

    def _set_follow(self, on: bool) -> None:
        if on != self._follow:
            self._follow = on
            self.follow_tail_changed.emit(on)

    def _on_scrolled(self, value: int) -> None:
        self.viewport().update()
        if not self._programmatic_scroll:
            self._set_follow(value >= self.verticalScrollBar().maximum())
