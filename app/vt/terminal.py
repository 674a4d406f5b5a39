"""``Terminal``: bytes in, screen out — the engine's public face (DESIGN §2).

It joins the decoder (the one place bytes become text), the parser, the dispatcher and the
screen, and routes replies to the program through one outbound hook.

Readers outside the engine (the terminal view, the screenshot) go through the read API below —
rows by absolute number (history first, then the screen), their cells, styles and links, the
cursor, modes by the names in :mod:`app.vt.modes` — and never through :attr:`Terminal.screen`, whose
storage may change for speed. A row's ``text`` holds one character per cell, the right half of a
wide character being :data:`WIDE_TAIL`: the view's painter scans it with one regex per row, which is
why that one storage fact is part of the API.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from app import MAX_TERMINAL_SIZE

from .colours import Colours
from .decoder import Decoder
from .dispatch import Dispatcher
from .parser import Parser
from .row import cells_of
from .screen import HistoryRow, Screen
from .style import Style
from .width import WIDE_PLACEHOLDER

__all__ = ["WIDE_TAIL", "RowData", "Terminal"]

#: What a row's ``text`` holds in the cell after a wide character (its right half).
WIDE_TAIL = WIDE_PLACEHOLDER


class RowData(Protocol):
    """One row as the read API gives it (a screen row or a history row; read it, do not keep it).

    ``text``: one character per cell (:data:`WIDE_TAIL` after a wide character); ``styles``: a style
    id per cell, or ``None`` while every cell is plain (id 0; :meth:`Terminal.style` unpacks an id);
    ``marks``: combining marks by column, or ``None``; ``wrapped``: the text goes on in the next row.
    """

    @property
    def text(self) -> str: ...

    @property
    def styles(self) -> Sequence[int] | None: ...

    @property
    def marks(self) -> Mapping[int, str] | None: ...

    @property
    def wrapped(self) -> bool: ...

log = logging.getLogger(__name__)


class Terminal:
    """A VT terminal without a window: feed it bytes, read its screen.

    ``feed`` never raises on bad input.  Should the engine itself fail (a bug), the chunk's
    remaining text is dropped, the parser returns to the ground state and the failure is counted
    in :attr:`internal_errors` (a caller that prints a screen checks it: the screen may be wrong);
    tests set :attr:`raise_internal_errors` so such bugs fail loudly.  ``MemoryError`` is not
    absorbed: it propagates, so no caller mistakes a screen it could not build for a result.
    """

    raise_internal_errors = False

    def __init__(
        self, cols: int = 80, rows: int = 24, scrollback: int = 10_000, encoding: str = "utf-8", *, reflow: bool = True
    ) -> None:
        _check_size(cols, rows)
        self.decoder = Decoder(encoding)
        self.screen = Screen(cols, rows, scrollback)
        #: :meth:`resize` re-wraps the main screen and the scrollback when the width changes (see
        #: :mod:`app.vt.reflow`); off, it cuts and pads rows as xterm does.
        self.reflow = reflow
        self.dispatcher = Dispatcher(self.screen)
        self.parser = Parser(self.dispatcher)
        #: Replies (DA1, DSR/CPR, DECRQM…) wait here when no :attr:`on_reply` hook is set.
        self.replies: deque[bytes] = deque(maxlen=1024)
        self.on_reply: Callable[[bytes], None] | None = None
        self.internal_errors = 0
        #: The last internal failure, as ``Type: message`` (``""``: none).
        self.last_internal_error = ""
        self.screen.reply = self._reply

    # ------------------------------------------------------------ input
    def feed(self, data: bytes) -> None:
        """Feed raw bytes from the program; a sequence may be split anywhere."""
        text = self.decoder.decode(data)
        if text:
            self.feed_text(text)

    def feed_text(self, text: str) -> None:
        """Feed already-decoded text (replay of ConPTY's ``str`` reads)."""
        try:
            self.parser.feed(text)
        except MemoryError:
            # Not a bug to absorb: the screen asked for is too big for this machine; the caller must say so.
            self.parser.reset()
            raise
        except Exception as exc:
            if self.raise_internal_errors:
                raise
            self.internal_errors += 1
            self.last_internal_error = f"{type(exc).__name__}: {exc}"
            log.error("VT engine failure (%s); parser reset", self.last_internal_error)
            log.debug("VT engine failure", exc_info=True)
            self.parser.reset()

    def _reply(self, text: str) -> None:
        data = text.encode("utf-8")
        if self.on_reply is not None:
            self.on_reply(data)
        else:
            self.replies.append(data)

    # ------------------------------------------------------------ state
    @property
    def cols(self) -> int:
        return self.screen.cols

    @property
    def rows(self) -> int:
        return self.screen.rows

    @property
    def encoding(self) -> str:
        return self.decoder.encoding

    @property
    def display(self) -> list[str]:
        """Visible rows, one string each; a wide character appears once."""
        return self.screen.display

    @property
    def cursor(self) -> tuple[int, int]:
        """``(row, col)``, 0-based; on the last column while a wrap is pending."""
        return self.screen.y, self.screen.x

    @property
    def history(self) -> list[str]:
        """Scrollback rows, oldest first."""
        return self.screen.history_text

    @property
    def history_rows(self) -> list[HistoryRow]:
        return list(self.screen.history)

    def cells(self, row: int) -> list[str]:
        """The cells of visible *row*: one string each, ``""`` for a wide character's right half."""
        return self.screen.lines[row].cells()

    def style_at(self, row: int, col: int) -> Style:
        """The graphic rendition of the cell at (*row*, *col*)."""
        return self.screen.styles[self.screen.lines[row].style_at(col)]

    @property
    def title(self) -> str:
        return self.screen.title

    @property
    def icon_name(self) -> str:
        return self.screen.icon_name

    @property
    def cwd(self) -> str:
        return self.screen.cwd

    @property
    def modes(self) -> frozenset[str]:
        """Active modes by name: ``"?25"`` style for DEC private, plain numbers for ANSI."""
        dec = {f"?{m}" for m in self.screen.dec_modes}
        ansi = {str(m) for m in self.screen.ansi_modes}
        return frozenset(dec | ansi)

    def mode(self, number: int, private: bool = True) -> bool:
        return number in (self.screen.dec_modes if private else self.screen.ansi_modes)

    @property
    def cursor_visible(self) -> bool:
        return self.screen.cursor_visible

    @property
    def alternate_screen(self) -> bool:
        return self.screen.alt_active

    # ------------------------------------------------------------ read API for views
    @property
    def scrollback(self) -> int:
        """Rows of history kept at most."""
        return self.screen.scrollback

    @property
    def history_size(self) -> int:
        """Rows in the scrollback now; absolute row ``history_size + y`` is screen row ``y``."""
        return len(self.screen.history)

    @property
    def scrolled_off(self) -> int:
        """Rows that ever scrolled off the top (history rows dropped for space included): a view keeps its
        place in history while output scrolls by comparing this between frames."""
        return self.screen.scrolled_off

    def row(self, abs_row: int) -> RowData | None:
        """Absolute row ``abs_row`` (history rows first, oldest at 0, then the screen), or ``None`` outside."""
        history = self.screen.history
        if abs_row < 0:
            return None
        if abs_row < len(history):
            return history[abs_row]
        y = abs_row - len(history)
        lines = self.screen.lines
        return lines[y] if y < len(lines) else None

    def row_cells(self, abs_row: int) -> list[str]:
        """The cells of absolute row ``abs_row``, one string each (base character and its combining marks),
        ``""`` for a wide character's right half; ``[]`` outside."""
        row = self.row(abs_row)
        return [] if row is None else cells_of(row.text, row.marks)

    def style(self, sid: int) -> Style:
        """The graphic rendition a style id stands for."""
        return self.screen.styles[sid]

    def link_at(self, abs_row: int, col: int) -> str | None:
        """The OSC 8 hyperlink on a cell, or ``None``."""
        row = self.row(abs_row)
        if row is None or row.styles is None or not 0 <= col < len(row.styles):
            return None
        link = self.screen.styles[row.styles[col]].link
        links = self.screen.links
        return links[link] if 0 < link < len(links) and links[link] else None

    @property
    def cursor_shape(self) -> int:
        """DECSCUSR's value: 0/1 blinking block, 2 steady block, 3/4 underline, 5/6 bar."""
        return self.screen.cursor_shape

    @property
    def checksum_extension(self) -> int:
        """DECRQCRA's checksum extensions after a reset, as xterm's ``checksumExtension`` resource: 0 (the
        default) is DEC's checksum; 1 do not negate, 2 leave out attributes, 16 whole code points (see
        :mod:`app.vt.rectangles`).  A program may change it until the next reset (XTCHECKSUM)."""
        return self.screen.checksum_ext_default

    @checksum_extension.setter
    def checksum_extension(self, bits: int) -> None:
        self.screen.checksum_ext_default = self.screen.checksum_ext = bits

    def set_colours(self, colours: Colours) -> None:
        """The theme's colours (the view's palette), which programs may ask for (OSC 4/10/11/12); until a view
        says otherwise they are the app's default theme's."""
        self.screen.set_theme_colours(colours)

    @property
    def colours(self) -> Colours:
        """The colours to paint with: the theme's, with what the program set over them (OSC 4/10/11/12)."""
        return self.screen.colours

    @property
    def colours_serial(self) -> int:
        """Changes whenever :attr:`colours` does (a view compares it between frames)."""
        return self.screen.colours_serial

    def take_dirty(self) -> tuple[bool, set[int]]:
        """Rows changed since the last call, for the view (``(True, …)``: all of them)."""
        return self.screen.take_dirty()

    # ------------------------------------------------------------ control
    def resize(self, cols: int, rows: int, *, reflow: bool | None = None) -> None:
        """Change the size; a new width re-wraps soft-wrapped lines unless ``reflow`` (default :attr:`reflow`)
        is off. Where the rows went is :meth:`take_reflow`'s."""
        _check_size(cols, rows)
        self.screen.resize(cols, rows, reflow=self.reflow if reflow is None else reflow)

    def take_reflow(self) -> tuple[int, list[tuple[int, int]]] | None:
        """After a resize that reflowed, once: ``(first, row_map)`` — what was absolute line ``first + k``
        (numbered as :attr:`scrolled_off` counts) is now on lines ``first + row_map[k][0]`` to
        ``first + row_map[k][1]``. ``None`` when the last resize did not reflow."""
        found, self.screen.last_reflow = self.screen.last_reflow, None
        return found

    def reset(self) -> None:
        """Power-on state: screen, scrollback, modes, parser and decoder."""
        self.parser.reset()
        self.decoder.reset()
        self.screen.full_reset()

    def set_encoding(self, name: str) -> None:
        """Decode the following bytes with another codec (raises for unknown names)."""
        flushed = self.decoder.set_encoding(name)
        if flushed:
            self.feed_text(flushed)

    def take_replies(self) -> list[bytes]:
        out = list(self.replies)
        self.replies.clear()
        return out


def _check_size(cols: int, rows: int) -> None:
    """Sizes the engine takes: 1 to :data:`app.MAX_TERMINAL_SIZE` (the command line's limit too), so no caller
    can make it allocate a screen of a billion rows."""
    if not (1 <= cols <= MAX_TERMINAL_SIZE and 1 <= rows <= MAX_TERMINAL_SIZE):
        raise ValueError(
            f"terminal size must be positive and at most {MAX_TERMINAL_SIZE} columns and rows, got {cols}x{rows}"
        )
