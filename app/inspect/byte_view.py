"""What the Bytes panel shows, computed without Qt: rows, colour classes, glyphs, explanations, find.

Why this lives outside ``app/widgets``: everything here is a decision about *bytes* — which byte
belongs to which character or sequence, where a window of the log may safely start decoding, what
a hover says — and such decisions must be testable headless and must not be re-made by a painter.
The widget (:mod:`app.widgets.hex_view`) only maps the answers to pixels and mouse positions.

Laziness is the point.  A log can hold tens of megabytes; the panel shows a few hundred bytes.
:class:`ByteViewModel` therefore annotates only a *window* around what is visible:

- the visible range is widened to whole :data:`BLOCK` s, so scrolling row by row reuses one window;
- the window starts at a *resync point* — just after the last LF before the block (at most
  :data:`MAX_BACK` bytes back) — because there the decoder holds no half character and the parser
  is in its ground state in every ASCII-compatible encoding (an LF byte is never the trail byte of a
  GBK, Shift-JIS, Big5 or UTF-8 character); UTF-16/32 windows are aligned to the code unit instead;
- the window ends after the first LF past the block (at most :data:`MAX_FWD` bytes on), so a
  character or sequence that straddles the visible end is explained whole;
- finished windows are kept in a small LRU cache keyed by log epoch and encoding, and dropped when
  the bytes they ended on were the log's tail and more bytes arrived.

:attr:`ByteViewModel.stats` counts annotate calls and annotated bytes so a test can prove the work
is bounded by the window, not by the log.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field

from app.session.bytelog import ByteLog
from app.vt.annotate import Token, annotate, char_spans
from app.vt.decoder import normalize_encoding
from app.vt.width import char_width

__all__ = [
    "BLOCK",
    "BYTES_PER_ROW",
    "MAX_BACK",
    "MAX_FWD",
    "AnnotatedWindow",
    "ByteClass",
    "ByteViewModel",
    "ViewStats",
    "encode_text",
    "format_escaped",
    "format_hex",
    "parse_hex",
]

BYTES_PER_ROW = 16
#: Visible ranges are widened to multiples of this, so small scrolls hit the cache.
BLOCK = 1024
#: How far back from a block a resync point (a byte after LF) is looked for.
MAX_BACK = 4096
#: How far past a block the window may run to finish the line it ends in.
MAX_FWD = 4096
#: Windows kept; two cover a scroll across a block edge, the rest absorb jumping back and forth.
CACHE_WINDOWS = 6
#: Bytes read from the log at a time while searching.
FIND_BLOCK = 1 << 20


class ByteClass:
    """Colour classes of a byte (small ints, stored one per byte in a ``bytearray``).

    ``MULTI_A``/``MULTI_B`` alternate between neighbouring non-ASCII characters so that two CJK
    characters side by side are told apart; the alternation restarts after any other class, so a
    character's colour does not depend on where the window began.  ``REPLACEMENT`` is a *valid*
    encoding of U+FFFD in the stream itself (say EF BF BD): the bytes were lost before they reached
    us (ConPTY turns a character split across reads into one), which is a different story from
    ``INVALID`` bytes that *our* decoder replaces.
    """

    NONE = 0  # outside the kept log
    ASCII = 1
    MULTI_A = 2
    MULTI_B = 3
    CONTROL = 4
    ESCAPE = 5  # ESC, CSI, OSC, DCS and SOS/PM/APC strings
    INVALID = 6
    REPLACEMENT = 7
    INCOMPLETE = 8  # a character or sequence the stream (so far) ends in the middle of

    NAMES = (
        "none",
        "ascii",
        "multi-a",
        "multi-b",
        "control",
        "escape",
        "invalid",
        "replacement",
        "incomplete",
    )


_ESCAPE_KINDS = frozenset({"ESC", "CSI", "OSC", "DCS", "string"})


@dataclass
class ViewStats:
    """Work done, for tests and the bench: proof that painting does not scale with the log."""

    annotate_calls: int = 0
    annotated_bytes: int = 0


@dataclass
class AnnotatedWindow:
    """Tokens and per-byte facts for log bytes ``[start, end)`` under one encoding.

    ``classes[i]``, ``token_of[i]``, ``glyphs[i]`` and ``widths[i]`` describe byte ``start + i``:
    its colour class, the index of its token in ``tokens`` (offsets absolute), the text drawn in
    its decoded cell (``""`` for the second and later bytes of a character) and that text's width
    in cells.
    """

    start: int
    end: int
    encoding: str
    epoch: int
    built_total: int
    tokens: list[Token]
    classes: bytearray
    token_of: array[int]
    glyphs: list[str]
    widths: bytearray
    data: bytes

    def byte(self, offset: int) -> int:
        return self.data[offset - self.start]

    def covers(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def token_at(self, offset: int) -> Token | None:
        if not self.start <= offset < self.end:
            return None
        index = self.token_of[offset - self.start]
        return self.tokens[index] if index >= 0 else None

    def class_at(self, offset: int) -> int:
        return self.classes[offset - self.start] if self.start <= offset < self.end else ByteClass.NONE

    def glyph_at(self, offset: int) -> tuple[str, int]:
        """``(text, width in cells)`` drawn in the decoded column at ``offset``."""
        if not self.start <= offset < self.end:
            return "", 0
        i = offset - self.start
        return self.glyphs[i], self.widths[i]


# ------------------------------------------------------------------ glyphs
def control_glyph(ch: str, pictures: bool = True) -> str:
    """Controls as the Unicode Control Pictures (␛ ␍ ␊), so a line of escapes stays readable.

    Without ``pictures`` (no installed font draws them; a box would say less) every control is ``·``.
    """
    code = ord(ch)
    if not pictures:
        return "·"
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "·"  # C1 and anything else without a picture


def _char_glyph(ch: str, pictures: bool = True) -> tuple[str, int]:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return control_glyph(ch, pictures), 1
    if code < 0x7F:
        return ch, 1  # printable ASCII: no width table needed (it costs start-up time to load)
    width = char_width(ch)
    if width == 2:
        return ch, 2
    if width == 1:
        return ch, 1
    if unicodedata.combining(ch):
        return "\u25cc" + ch, 1  # a combining mark alone would fall on its neighbour's glyph
    return "·", 1  # zero-width and format characters (ZWSP, BOM, …): show that something is there


#: ``_char_glyph`` of every ASCII byte, with and without control pictures: the glyphs as a list and
#: the widths as a ``bytes.translate`` table, so an ASCII stretch is placed in C, not byte by byte.
_ASCII_GLYPHS = {pictures: [_char_glyph(chr(b), pictures)[0] for b in range(128)] for pictures in (True, False)}
_ASCII_WIDTHS = bytes(_char_glyph(chr(b))[1] for b in range(128)) + bytes(128)


def _code_point(token: Token) -> str | None:
    """The character a non-ASCII text token stands for, from the annotator's ``U+XXXX c``."""
    meaning = token.meaning
    if meaning.startswith("U+"):
        head = meaning[2:].split(" ", 1)[0]
        try:
            return chr(int(head, 16))
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------ formatting
def format_hex(data: bytes) -> str:
    """``E4 BD A0``: how the panel and the inspector write bytes."""
    return data.hex(" ").upper()


_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def format_escaped(data: bytes) -> str:
    """``\\xe4\\xbd\\xa0``: the body of a Python bytes literal, pasteable between ``b"`` and ``"``.

    Printable ASCII stays as is (so ``\\x1b[31mred`` reads as what it is); backslash and the double
    quote are escaped, TAB/LF/CR get their short escapes, everything else ``\\xNN``.
    """
    out: list[str] = []
    for b in data:
        esc = _ESCAPES.get(b)
        if esc is not None:
            out.append(esc)
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def parse_hex(text: str) -> bytes:
    """Bytes from what people type: ``e4 bd a0``, ``E4BDA0``, ``\\xe4\\xbd\\xa0``, ``0xe4,0xbd``.

    Raises ``ValueError`` saying what is wrong, for the find box to show.
    """
    cleaned = text.replace("\\x", " ").replace("0x", " ").replace("0X", " ")
    for sep in ",;:-":
        cleaned = cleaned.replace(sep, " ")
    digits: list[str] = []
    for part in cleaned.split():
        if len(part) % 2:
            if len(part) == 1:
                part = "0" + part
            else:
                raise ValueError(f"{part!r} has an odd number of hex digits; write bytes as pairs, e.g. 'e4 bd a0'")
        digits.append(part)
    joined = "".join(digits)
    if not joined:
        raise ValueError("no bytes given; write them in hex, e.g. 'e4 bd a0'")
    try:
        return bytes.fromhex(joined)
    except ValueError:
        bad = next(c for c in joined if c not in "0123456789abcdefABCDEF")
        raise ValueError(f"{bad!r} is not a hex digit; write bytes in hex, e.g. 'e4 bd a0'") from None


def encode_text(text: str, encoding: str) -> bytes:
    """``text`` as ``encoding`` would write it, for "find text"; ``ValueError`` if it cannot."""
    if not text:
        raise ValueError("nothing to find")
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{text[exc.start : exc.end]!r} cannot be written in {encoding}") from None


def encoding_label(name: str) -> str:
    """How an encoding is named to the user: ``UTF-8``, otherwise the name they chose."""
    return "UTF-8" if normalize_encoding(name) == "utf-8" else name


# ------------------------------------------------------------------ the model
@dataclass
class _Cache:
    windows: OrderedDict[tuple[int, str, int, int], AnnotatedWindow] = field(default_factory=OrderedDict)


class ByteViewModel:
    """Rows, windows, explanations and searches over one :class:`ByteLog` in one encoding.

    Rows are aligned to absolute offsets (row *r* of the data holds bytes ``16r … 16r+15``), so an
    offset shown once keeps its place while the log grows and while old bytes are dropped.  When
    bytes were dropped, display row 0 is a line saying how many.
    """

    def __init__(
        self, log: ByteLog | None = None, encoding: str = "utf-8", *, control_pictures: bool | None = True
    ) -> None:
        self.log = log if log is not None else ByteLog()
        #: ``None``: not decided yet (shown as ``·`` until :meth:`set_control_pictures`; the panel decides when it
        #: first shows bytes, because asking the fonts costs start-up time).
        self._pictures = control_pictures
        self._encoding = encoding
        self._canonical = normalize_encoding(encoding)
        self._cache = _Cache()
        self.stats = ViewStats()

    # ------------------------------------------------------------- configuration
    @property
    def encoding(self) -> str:
        return self._encoding

    @property
    def encoding_label(self) -> str:
        return encoding_label(self._encoding)

    def set_encoding(self, name: str) -> None:
        """Decode as ``name`` from now on; raises :class:`UnknownEncodingError` for a bad name."""
        self._canonical = normalize_encoding(name)
        self._encoding = name
        self._cache.windows.clear()

    @property
    def control_pictures(self) -> bool | None:
        return self._pictures

    def set_control_pictures(self, on: bool) -> None:
        """Draw controls as ␛ ␍ ␊ (``True``) or as ``·`` (when no font has the Control Pictures)."""
        if on != self._pictures:
            self._pictures = on
            self._cache.windows.clear()

    def set_log(self, log: ByteLog) -> None:
        self.log = log
        self._cache.windows.clear()

    # ------------------------------------------------------------- rows
    @property
    def has_dropped_line(self) -> bool:
        return self.log.dropped_bytes > 0

    @property
    def first_data_row(self) -> int:
        """Absolute row (offset // 16) of the oldest kept byte."""
        return self.log.start_offset // BYTES_PER_ROW

    @property
    def row_count(self) -> int:
        """Display rows: the dropped-bytes line (if any) plus every row holding a kept byte."""
        total = self.log.total_bytes
        rows = 0 if total <= self.log.start_offset else (total - 1) // BYTES_PER_ROW + 1 - self.first_data_row
        return rows + (1 if self.has_dropped_line else 0)

    def row_start(self, row: int) -> int | None:
        """Absolute offset of the first byte position of display ``row`` (``None`` for the dropped line)."""
        if self.has_dropped_line:
            if row == 0:
                return None
            row -= 1
        return (self.first_data_row + row) * BYTES_PER_ROW

    def row_of(self, offset: int) -> int:
        """Display row showing ``offset``."""
        return offset // BYTES_PER_ROW - self.first_data_row + (1 if self.has_dropped_line else 0)

    def kept(self, offset: int) -> bool:
        return self.log.start_offset <= offset < self.log.total_bytes

    def dropped_text(self) -> str:
        return f"… {self.log.dropped_bytes:,} bytes dropped"

    def row_text(self, row: int) -> str:
        """``offset  16 hex bytes  decoded`` as plain text: what the row shows, for tests and copying."""
        start = self.row_start(row)
        if start is None:
            return self.dropped_text()
        lo, hi = max(start, self.log.start_offset), min(start + BYTES_PER_ROW, self.log.total_bytes)
        window = self.window(lo, hi)
        cells: list[str] = []
        glyphs: list[str] = []
        for off in range(start, start + BYTES_PER_ROW):
            if lo <= off < hi:
                cells.append(f"{window.byte(off):02X}")
                glyphs.append(window.glyph_at(off)[0])
            else:
                cells.append("  ")
        return f"{self.offset_text(start)}  {' '.join(cells)}  {''.join(glyphs)}"

    def offset_text(self, offset: int) -> str:
        return f"{offset:0{self.offset_digits}X}"

    @property
    def offset_digits(self) -> int:
        return max(8, len(f"{max(self.log.total_bytes - 1, 0):X}"))

    # ------------------------------------------------------------- windows
    def window(self, start: int, end: int) -> AnnotatedWindow:
        """An annotated window covering kept bytes ``[start, end)`` (clamped to the kept log).

        Cached; the cost of a miss is bounded by ``end - start`` plus two blocks and the margins.
        """
        log = self.log
        start, end = max(start, log.start_offset), min(end, log.total_bytes)
        end = max(start, end)
        for key, win in self._cache.windows.items():
            if win.epoch == log.epoch and win.encoding == self._canonical and win.covers(start, end):
                if win.end == win.built_total and win.built_total != log.total_bytes:
                    continue  # ended at the then tail; its last token may have been completed since
                if win.start < log.start_offset:
                    continue
                self._cache.windows.move_to_end(key)
                return win
        block_lo = max(log.start_offset, start - start % BLOCK)
        block_hi = min(log.total_bytes, end + (-end) % BLOCK)
        win = self._build(block_lo, block_hi)
        key = (log.epoch, self._canonical, win.start, win.end)
        self._cache.windows[key] = win
        self._cache.windows.move_to_end(key)
        while len(self._cache.windows) > CACHE_WINDOWS:
            self._cache.windows.popitem(last=False)
        return win

    def _unit(self) -> int:
        name = self._canonical
        if name.startswith("utf-16"):
            return 2
        if name.startswith("utf-32"):
            return 4
        return 1

    def _resync_start(self, lo: int) -> int:
        log = self.log
        unit = self._unit()
        if unit > 1:
            return max(log.start_offset, lo - lo % unit)
        back = max(log.start_offset, lo - MAX_BACK)
        if back >= lo:
            return lo
        before = log.slice(back, lo)
        nl = before.rfind(b"\n")
        if nl >= 0:
            return back + nl + 1
        return back  # no line start near: start far enough back that decoders have resynchronised

    def _resync_end(self, hi: int) -> int:
        log = self.log
        unit = self._unit()
        if unit > 1 or hi >= log.total_bytes:
            return hi
        ahead = log.slice(hi, hi + MAX_FWD)
        nl = ahead.find(b"\n")
        return hi + (nl + 1 if nl >= 0 else len(ahead))

    def _build(self, lo: int, hi: int) -> AnnotatedWindow:
        log = self.log
        ws, we = self._resync_start(lo), self._resync_end(hi)
        data = log.slice(ws, we)
        self.stats.annotate_calls += 1
        self.stats.annotated_bytes += len(data)
        tokens = annotate(data, self._canonical) if data else []
        size = len(data)
        classes = bytearray(size)
        token_of = array("i", [-1]) * size
        glyphs = [""] * size
        widths = bytearray(size)
        absolute: list[Token] = []
        parity = 0
        for index, tok in enumerate(tokens):
            rel = tok.offset
            n = len(tok.data)
            absolute.append(Token(ws + rel, tok.data, tok.kind, tok.sequence, tok.meaning, tok.supported))
            token_of[rel : rel + n] = array("i", [index]) * n
            kind = tok.kind
            if kind == "text":
                ch = _code_point(tok)
                if ch is None:  # an ASCII stretch
                    cls = ByteClass.ASCII
                    self._place_text(tok.data, rel, glyphs, widths)
                    parity = 0
                elif ch == "\ufffd":
                    cls = ByteClass.REPLACEMENT
                    glyphs[rel], widths[rel] = "\ufffd", 1
                    parity = 0
                else:
                    cls = ByteClass.MULTI_A if parity == 0 else ByteClass.MULTI_B
                    parity ^= 1
                    glyphs[rel], widths[rel] = _char_glyph(ch)
            elif kind == "control":
                cls = ByteClass.CONTROL
                parity = 0
                self._place_text(tok.data, rel, glyphs, widths)
            elif kind in _ESCAPE_KINDS:
                cls = ByteClass.ESCAPE
                parity = 0
                self._place_text(tok.data, rel, glyphs, widths)
            elif kind == "invalid":
                # One U+FFFD per token, as the terminal shows it: the token is one maximal ill-formed subpart
                # (the decoder's policy), so E3 BA is one replacement character here as on the screen, not two.
                cls = ByteClass.INVALID
                parity = 0
                glyphs[rel], widths[rel] = "\ufffd", 1
            else:  # incomplete
                cls = ByteClass.INCOMPLETE
                parity = 0
                if tok.data[:1] in (b"\x1b", b"\x9b", b"\x9d", b"\x90"):
                    self._place_text(tok.data, rel, glyphs, widths)  # a sequence cut short
                else:
                    glyphs[rel], widths[rel] = "\ufffd", 1  # a character cut short
            classes[rel : rel + n] = bytes([cls]) * n
        return AnnotatedWindow(
            ws, we, self._canonical, log.epoch, log.total_bytes, absolute, classes, token_of, glyphs, widths, data
        )

    def _place_text(self, data: bytes, rel: int, glyphs: list[str], widths: bytearray) -> None:
        """Glyphs for a stretch whose bytes may not be one per character (OSC titles, UTF-16)."""
        if data.isascii() and self._unit() == 1:
            end = rel + len(data)
            glyphs[rel:end] = map(_ASCII_GLYPHS[bool(self._pictures)].__getitem__, data)
            widths[rel:end] = data.translate(_ASCII_WIDTHS)
            return
        text, starts = char_spans(data, self._canonical)
        for i, ch in enumerate(text):
            glyphs[rel + starts[i]], widths[rel + starts[i]] = _char_glyph(ch, bool(self._pictures))

    # ------------------------------------------------------------- chunk boundaries
    def boundaries(self, start: int, end: int) -> list[int]:
        """Offsets in ``[start, end)`` where a read chunk began after another one ended.

        The first kept byte is not a boundary worth a marker (nothing before it is shown), and
        empty reads collapse onto the boundary they sit on.
        """
        out: list[int] = []
        for b in self.log.boundaries(start, end):
            if b > self.log.start_offset and b < self.log.total_bytes and (not out or out[-1] != b):
                out.append(b)
        return out

    # ------------------------------------------------------------- explanations
    def explain(self, offset: int) -> str:
        """The hover text for the byte at ``offset``: what its token is, then where it was read.

        First line, by kind: ``E4 BD A0 → U+4F60 你, UTF-8``; ``CSI 31 m — SGR: foreground red``;
        ``0A — LF: line feed``; ``FF: invalid bytes → U+FFFD (UTF-8)``.  Second line: the offset and
        the read chunk it arrived in, because "which read split this character" is often the bug.
        """
        if not self.kept(offset):
            return ""
        win = self.window(offset, offset + 1)
        tok = win.token_at(offset)
        head = self._describe(tok, offset, win) if tok is not None else f"{win.byte(offset):02X}"
        chunk = self.log.chunk_at(offset)
        where = (
            f"offset {offset:,} (0x{offset:X}) · read #{chunk.index}: "
            f"{len(chunk.data):,} byte{'s' if len(chunk.data) != 1 else ''} at {chunk.offset:,}, {chunk.stream}"
        )
        if tok is not None and len(tok.data) > 1:
            first = self.log.chunk_index_at(max(tok.offset, self.log.start_offset))
            last = self.log.chunk_index_at(tok.offset + len(tok.data) - 1)
            if first != last:
                where += f" · split across reads #{first}–#{last}"
        return f"{head}\n{where}"

    def _describe(self, tok: Token, offset: int, win: AnnotatedWindow) -> str:
        label = self.encoding_label
        shown = _short_hex(tok.data)
        kind = tok.kind
        if kind == "text":
            ch = _code_point(tok)
            if ch is None:
                if tok.data.isascii() and self._unit() == 1:
                    b = win.byte(offset)
                    return f"{b:02X} → U+{b:04X} {chr(b)!r}, ASCII"
                return f"{shown} → {tok.meaning}, {label}"
            if ch == "\ufffd":
                return (
                    f"{shown} → U+FFFD �, {label}: a replacement character in the stream itself — bytes were "
                    "lost before they got here (e.g. a character split across ConPTY reads)"
                )
            return f"{shown} → {tok.meaning}, {label}"
        if kind == "control":
            return f"{shown} — {tok.meaning}"
        if kind in _ESCAPE_KINDS:
            seq = tok.sequence if len(tok.sequence) <= 80 else tok.sequence[:79] + "…"
            return f"{seq} — {tok.meaning}"
        if kind == "invalid":
            return f"{shown}: invalid bytes → U+FFFD ({label})"
        end = tok.offset + len(tok.data)
        if end == win.end and win.end < self.log.total_bytes:
            return f"{shown}: a character or sequence running past the annotated window (over {MAX_FWD:,} bytes)"
        return f"{shown}: {tok.meaning}"

    # ------------------------------------------------------------- find
    def find(self, pattern: bytes, start: int, *, backwards: bool = False, wrap: bool = True) -> int | None:
        """Offset of the next occurrence of ``pattern`` at or after ``start`` (or the last one before it).

        Searches the kept log block by block, across chunk boundaries, without copying the log;
        with ``wrap`` the search goes round once, as find boxes do.
        """
        if not pattern:
            return None
        lo, hi = self.log.start_offset, self.log.total_bytes
        start = min(max(start, lo), hi)
        if not backwards:
            hit = self._find_forward(pattern, start, hi)
            if hit is None and wrap:
                hit = self._find_forward(pattern, lo, min(hi, start + len(pattern) - 1))
            return hit
        hit = self._find_backward(pattern, lo, min(hi, start + len(pattern) - 1))
        if hit is None and wrap:
            hit = self._find_backward(pattern, start, hi)
        return hit

    def _find_forward(self, pattern: bytes, lo: int, hi: int) -> int | None:
        overlap = len(pattern) - 1
        pos = lo
        while pos + len(pattern) <= hi:
            block = self.log.slice(pos, min(hi, pos + FIND_BLOCK + overlap))
            i = block.find(pattern)
            if i >= 0:
                return pos + i
            pos += FIND_BLOCK
        return None

    def _find_backward(self, pattern: bytes, lo: int, hi: int) -> int | None:
        overlap = len(pattern) - 1
        end = hi
        while end - lo >= len(pattern):
            begin = max(lo, end - FIND_BLOCK - overlap)
            block = self.log.slice(begin, end)
            i = block.rfind(pattern)
            if i >= 0:
                return begin + i
            end -= FIND_BLOCK
        return None


def _short_hex(data: bytes, limit: int = 24) -> str:
    if len(data) <= limit:
        return format_hex(data)
    return f"{format_hex(data[:limit])} … ({len(data):,} bytes)"
