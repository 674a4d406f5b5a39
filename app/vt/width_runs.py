"""Widths of the blocks terminal output draws on most, known without loading wcwidth.

wcwidth is where widths come from (:mod:`app.vt.width`), but importing it costs ~35-40 ms: its package loads
its text wrapping, line breaking and escape-sequence modules beside the width tables, and the whole package is
imported to reach one function.  Asked on the GUI thread at the first non-ASCII character of a stream (a CJK
line of a flood, a box-drawing frame, a prompt with an accented name), that import is a stall the user sees.
These runs answer the most common blocks — ASCII and Latin, Greek and Cyrillic, punctuation, arrows and symbols, box
drawing and blocks, Braille (spinners), CJK symbols and kana, CJK ideographs, Hangul syllables, private use
(powerline glyphs), fullwidth forms — so that such a character needs no import; wcwidth is still loaded for
everything else (emoji among it) and on a background thread once the window has opened.

The runs are wcwidth's own widths over those blocks, written out (a hand-kept table where the library cannot be
reached cheaply): ``tests/vt/test_width_runs.py`` holds every code point they cover to wcwidth.  Blocks whose
widths changed between Unicode versions (emoji, CJK strokes, Yijing hexagrams) are left out, so that an older
wcwidth than the one tested disagrees with them nowhere a user is likely to look.
"""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["RUNS", "quick_width"]

#: ``(first, last, width)`` for each run of code points of one width, sorted, not overlapping; gaps between the
#: covered blocks are not covered.
RUNS: tuple[tuple[int, int, int], ...] = (
    # C0 controls (0: controls never reach a cell, but the layout learns them with their neighbours), ASCII, C1
    (0x0000, 0x001F, 0),
    (0x0020, 0x007E, 1),
    (0x007F, 0x009F, 0),
    # Latin-1 Supplement, Latin Extended-A and -B, IPA, spacing modifiers; combining diacritics
    (0x00A0, 0x02FF, 1),
    (0x0300, 0x036F, 0),
    # Greek and Coptic, Cyrillic, Cyrillic Supplement
    (0x0370, 0x0482, 1),
    (0x0483, 0x0489, 0),
    (0x048A, 0x052F, 1),
    # General Punctuation (zero-width spaces, joiners, bidi controls), super- and subscripts, currency
    (0x2000, 0x200A, 1),
    (0x200B, 0x200F, 0),
    (0x2010, 0x2027, 1),
    (0x2028, 0x202E, 0),
    (0x202F, 0x205F, 1),
    (0x2060, 0x206F, 0),
    (0x2070, 0x20CF, 1),
    (0x20D0, 0x20F0, 0),
    # Letterlike symbols, number forms, arrows, mathematical operators, miscellaneous technical (a few emoji),
    # control pictures, enclosed alphanumerics, box drawing, block elements, geometric shapes
    (0x20F1, 0x2319, 1),
    (0x231A, 0x231B, 2),
    (0x231C, 0x2328, 1),
    (0x2329, 0x232A, 2),
    (0x232B, 0x23E8, 1),
    (0x23E9, 0x23EC, 2),
    (0x23ED, 0x23EF, 1),
    (0x23F0, 0x23F0, 2),
    (0x23F1, 0x23F2, 1),
    (0x23F3, 0x23F3, 2),
    (0x23F4, 0x25FC, 1),
    (0x25FD, 0x25FE, 2),
    (0x25FF, 0x25FF, 1),
    # Braille patterns
    (0x2800, 0x28FF, 1),
    # CJK symbols and punctuation, Hiragana, Katakana
    (0x3000, 0x3029, 2),
    (0x302A, 0x302F, 0),
    (0x3030, 0x303E, 2),
    (0x303F, 0x3040, 1),
    (0x3041, 0x3096, 2),
    (0x3097, 0x3098, 1),
    (0x3099, 0x309A, 0),
    (0x309B, 0x30FF, 2),
    # CJK Unified Ideographs Extension A, CJK Unified Ideographs
    (0x3400, 0x4DBF, 2),
    (0x4E00, 0x9FFF, 2),
    # Hangul syllables
    (0xAC00, 0xD7A3, 2),
    # Private use (powerline and icon fonts), CJK compatibility ideographs
    (0xE000, 0xF8FF, 1),
    (0xF900, 0xFAFF, 2),
    # Halfwidth and fullwidth forms
    (0xFF00, 0xFF00, 1),
    (0xFF01, 0xFF60, 2),
    (0xFF61, 0xFF9F, 1),
    (0xFFA0, 0xFFA0, 0),
    (0xFFA1, 0xFFDF, 1),
    (0xFFE0, 0xFFE6, 2),
    (0xFFE7, 0xFFEF, 1),
    # CJK Unified Ideographs Extensions B-F and later, compatibility supplement; Extensions G and later
    (0x20000, 0x2FFFD, 2),
    (0x30000, 0x3FFFD, 2),
)

_FIRSTS = tuple(first for first, _, _ in RUNS)


def quick_width(code: int) -> int | None:
    """The width of code point *code* if a run covers it (0, 1 or 2, as wcwidth gives), else ``None``."""
    i = bisect_right(_FIRSTS, code) - 1
    if i < 0:
        return None
    _, last, width = RUNS[i]
    return width if code <= last else None
