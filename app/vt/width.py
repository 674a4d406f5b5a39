"""Cell widths of printable runs.

The screen stores one string per cell: a wide character occupies its cell and the next one,
which holds :data:`WIDE_PLACEHOLDER`, and a zero-width (combining) character joins the cell
before it.

Widths come from wcwidth, but the most common blocks (ASCII and Latin, CJK, kana, Hangul, box drawing, ...)
are answered from :mod:`app.vt.width_runs` without importing it: its import would be a stall of ~35-40 ms
wherever the first such character arrives (:func:`load_wcwidth` loads it on purpose, off the GUI thread).

Asking for widths one character at a time would put a Python call on every printed character, so instead a
``str.translate`` table does the layout in C: it maps a wide character to itself plus the placeholder and a
zero-width one to a marker that sends the run to the (rare) per-character path.  The table fills lazily as
characters are first seen (:func:`cells`), and is bounded.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from app.vt.width_runs import RUNS, quick_width

__all__ = [
    "UNSEEN",
    "WIDE_PLACEHOLDER",
    "ZERO_MARK",
    "cell_map",
    "cells",
    "cells_each",
    "cells_of_lines",
    "char_width",
    "layout",
    "load_wcwidth",
    "needs_layout",
    "text_width",
]

#: What the second cell of a wide character holds (NUL never reaches a cell otherwise).
WIDE_PLACEHOLDER = "\x00"
ZERO_MARK = "\x01"
_CACHE_LIMIT = 200_000


#: wcwidth's ``wcwidth`` once :func:`load_wcwidth` has imported it.
_wcwidth: Callable[[str], int] | None = None


def load_wcwidth() -> Callable[[str], int]:
    """wcwidth's ``wcwidth``, imported at the first call: at the first character :mod:`app.vt.width_runs` does not
    cover, not with the engine (wcwidth's import costs start-up time and a prompt needs none of it), or earlier
    by the app's warm-up thread."""
    global _wcwidth
    if _wcwidth is None:
        from wcwidth import wcwidth

        _wcwidth = wcwidth
        _not_wide_pattern()  # on the warm-up thread too, with the other layout work a first CJK block would wait for
    return _wcwidth


@lru_cache(maxsize=65536)
def char_width(ch: str) -> int:
    """Width of one printable character: 0, 1 or 2 (controls count as 0)."""
    w = quick_width(ord(ch))
    if w is None:
        w = load_wcwidth()(ch)
    return 0 if w < 0 else w


def _cell_value(code: int) -> int | str:
    """What ``cell_map`` holds for a character: itself, itself plus the placeholder, or the marker before it."""
    if code == 9 or code == 10:
        # HT and LF pass through: lines with tabs, or a block of lines joined by LF, lay out in one translate.
        return code
    ch = chr(code)
    w = char_width(ch)
    if w == 2:
        return ch + WIDE_PLACEHOLDER
    if w == 0:
        return ZERO_MARK + ch
    return code


#: What ``cell_map`` gives a character it has not seen yet (never printable: controls do not reach layout).
UNSEEN = "\x02"
#: How many neighbouring code points the slow table learns at once.
_PAGE = 0x40

#: ``str.translate`` table for the common case, every character already seen.  A ``defaultdict`` and not a
#: dict subclass with ``__missing__``: CPython looks a Python-level subclass's items up through a slot
#: wrapper on every character (measured: half the cost of laying out a CJK line), while a defaultdict is a
#: C type whose lookups are plain dict lookups.  Its factory cannot see the key, so a miss yields
#: :data:`UNSEEN`, and :func:`cells` lays the text out again with :data:`_learner`, which can.
cell_map: defaultdict[int, int | str] = defaultdict(itertools.repeat(UNSEEN).__next__)


class _Learner(dict[int, "int | str"]):
    """The slow table: computes what it has not seen from wcwidth, and teaches ``cell_map``.

    It learns the whole page (:data:`_PAGE` code points) of a character it misses: text in a script keeps
    drawing on the same pages, so after a few misses there are none, instead of one slow pass per new
    character.  (Small pages: 256-point ones made dense int keys collide in the dict, slowing every lookup.)
    """

    def __missing__(self, code: int) -> int | str:
        if len(self) > _CACHE_LIMIT:
            self.clear()
            cell_map.clear()
        value = _cell_value(code)  # first: it may load wcwidth, and then the whole page is learned
        base = code & ~(_PAGE - 1)
        codes: Iterable[int] = range(base, base + _PAGE)
        if _wcwidth is None:
            # Not the neighbours that would need wcwidth imported (Armenian next to Cyrillic, say): they are
            # learned at their own first miss.
            codes = [c for c in codes if quick_width(c) is not None]
        page = {c: _cell_value(c) for c in codes if not 0xD800 <= c < 0xE000}
        page[code] = value  # a surrogate (from surrogateescape) is still a character to lay out
        self.update(page)
        cell_map.update(page)
        return page[code]


_learner = _Learner()


#: Where the first character may be other than one cell of itself (wide, zero-width, or not one of the narrow blocks
#: below): the characters before it are their own cells.  ASCII, Latin-1, the Latin extensions, IPA and spacing
#: modifiers (U+00A0-U+02FF) and U+FFFD are each one cell of themselves (``test_width``), so text made only of them
#: (mojibake: a Latin-1 or cp1252 file, or binary, read as UTF-8 shows U+FFFD among ASCII; accented Latin text) needs
#: no ``translate`` at all, which looks each character up after the first non-ASCII one at ~340 instructions a
#: character.  Two runs, so that sre keeps them as a range and a literal, ASCII settled by the range: with Greek and
#: Cyrillic as a third, sre makes the class a table of 256-point blocks, ~12 instructions a character more over log
#: lines' ASCII (go-test-v +12 instructions a byte).
needs_layout = re.compile(r"[^\x00-\u02ff\ufffd]").search
#: A start of characters that are their own cells shorter than this is translated with the rest: the slices and the
#: concatenation would cost more.
_SHORT_START = 8


def cells(text: str) -> str:
    """*text* laid out as cells: wide characters followed by the placeholder, zero-width ones after
    :data:`ZERO_MARK` (then the caller takes the per-character path); HT and LF stay as they are."""
    mapped = text.translate(cell_map)
    if UNSEEN in mapped:
        mapped = text.translate(_learner)
    return mapped


def cells_each(texts: list[str]) -> list[str]:
    """:func:`cells` of each text, with one call for all: in colour-per-cell output the texts are a cell
    or two each, and a Python call per text would cost as much as the layout.

    A translate per text rather than one over them joined: ``str.translate`` takes ASCII at the start
    of a string through a fast cached path and looks every character up after the first other one, so
    a joined translate would look up every ASCII character after the first CJK text.  ASCII texts are
    not translated at all.
    """
    laid = [text if text.isascii() else text.translate(cell_map) for text in texts]
    if UNSEEN in "".join(laid):
        laid = [cells(text) for text in texts]
    return laid


#: :func:`_not_wide_pattern`, once compiled.
_not_wide: re.Pattern[str] | None = None


def _not_wide_pattern() -> re.Pattern[str]:
    """The pattern of a character that is neither ASCII nor wide by :mod:`app.vt.width_runs` (``char_width`` asks the
    runs before wcwidth, so the table lays each of those out as itself and the placeholder); compiled at the first call:
    sre fills a 65,536-entry map for the class in Python, ~5 ms, which the engine's import should not pay where a
    stream shows no CJK (:func:`load_wcwidth` calls this too, on the app's warm-up thread)."""
    global _not_wide
    if _not_wide is None:
        wide = "".join(f"{chr(first)}-{chr(last)}" for first, last, w in RUNS if w == 2)
        _not_wide = re.compile(f"[^\\x00-\\x7f{wide}]")
    return _not_wide


#: How many characters of a block :func:`_wide_block` looks at first, one by one.
_PROBE = 512
#: The bytes of ASCII, which :func:`_wide_block` deletes to see the rest.
_ASCII_BYTES = bytes(range(0x80))
#: The bytes that start a character of two, three or four bytes in UTF-8 (C0, C1 and F5-FF never do), each with the
#: NUL :func:`_wide_block` puts before it.
_LEAD_BYTES = {b: (bytes([b]), b"\x00" + bytes([b])) for b in range(0xC2, 0xF5)}
#: The bytes that continue a character in UTF-8 (and C0 and C1, which never start one): deleted from a block's non-ASCII
#: bytes, they leave the lead bytes that :func:`_wide_block` puts a NUL before.
_NOT_LEAD_BYTES = bytes(range(0x80, 0xC2))


def _wide_block(joined: str) -> str | None:
    """*joined* laid out as cells when every character in it is ASCII or wide (a block of log lines joined by LF, of
    ASCII and CJK, kana, Hangul, fullwidth forms, emoji), else None.

    Done on its UTF-8 reversed, in C: a wide character is itself then the placeholder, which in the text reversed is
    the placeholder *before* it, that is a NUL byte before the byte that starts it in UTF-8, put there by one
    ``bytes.replace`` per such byte found.  ``translate`` looked every character up from each line's first non-ASCII
    one, ASCII included, at ~230-400 instructions a character, and finding that first one cost a search of ~45 a
    character before it: go test -v's blocks cost ~206 instructions a byte so, ~115 so (the replaces ~45, one pass
    over the block per lead byte found; decoding, reversing and splitting ~27; reversing and encoding ~13; the check
    ~22).  A block with anything else goes line by line, having paid the check: a look at its first :data:`_PROBE`
    characters, where mixed text (CJK with Latin, halfwidth kana, marks) shows one, else the whole check."""
    search = _not_wide_pattern().search
    if search(joined, 0, _PROBE) is not None:
        return None  # most blocks with other characters show one early (CJK text with Latin, kana, marks): cheap
    try:
        rest = joined.encode().translate(None, _ASCII_BYTES)
    except UnicodeEncodeError:
        return None  # a lone surrogate (surrogateescape's bytes): not wide
    if search(rest.decode()) is not None:
        return None  # checked before the text is reversed: a block of mojibake or accented text pays only this
    encoded = joined[::-1].encode()
    # The lead bytes present, by a set of what is left of the non-ASCII bytes once the continuations are deleted: a
    # loop testing each of the 51 possible leads cost ~7,000 instructions a call, which a block of a line or two (a
    # shell's output between prompts: line-editor 777 -> 847 instructions/byte, insert-mode's status lines) paid
    # more than the layout it saved.
    for b in set(rest.translate(None, _NOT_LEAD_BYTES)):
        lead, nul_lead = _LEAD_BYTES[b]
        encoded = encoded.replace(lead, nul_lead)
    return encoded.decode()[::-1]


def cells_of_lines(texts: list[str]) -> list[str]:
    """:func:`cells` of each of a block's lines.

    A block whose characters are all ASCII or wide (go test's output: CJK test names and messages, fullwidth
    punctuation, emoji) is laid out at once by :func:`_wide_block`.  Otherwise each line: ``str.translate`` looks up
    every character of a text that is not all ASCII, the ASCII ones included, at several times the cost per character
    of the regular expression search that finds where the first character that may be other than its own cell is
    (:data:`needs_layout`); log lines mostly start with ASCII (an indent, ``file.go:12:``, a test's name), so that
    start is kept as it is and only the rest translated, and a line of accented or mojibake text is not translated at
    all.
    """
    joined = "\n".join(texts)
    if joined.isascii():
        return list(texts)
    laid_block = _wide_block(joined)
    if laid_block is not None:
        return laid_block.split("\n")
    search = needs_layout
    table = cell_map
    laid: list[str] = []
    append = laid.append
    for text in texts:
        if text.isascii():
            append(text)
            continue
        found = search(text)
        if found is None:
            append(text)  # every character its own cell (accented or mojibake text)
            continue
        k = found.start()
        append(text[:k] + text[k:].translate(table) if k >= _SHORT_START else text.translate(table))
    if UNSEEN in "".join(laid):
        laid = [cells(text) for text in texts]
    return laid


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
    mapped = cells(text)
    if ZERO_MARK not in mapped:
        return list(mapped), ""
    # Rare: combining marks present.  Per character, with the width cache.
    grid: list[str] = []
    lead: list[str] = []
    for ch in text:
        w = char_width(ch)
        if w == 0:
            if not grid:
                lead.append(ch)
                continue
            j = len(grid) - 1
            if grid[j] == WIDE_PLACEHOLDER and j > 0:
                j -= 1
            grid[j] += ch
        elif w == 2:
            grid.append(ch)
            grid.append(WIDE_PLACEHOLDER)
        else:
            grid.append(ch)
    return grid, "".join(lead)
