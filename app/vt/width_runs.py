"""Widths of the blocks terminal output draws on most, known without loading wcwidth.

wcwidth is where widths come from (:mod:`app.vt.width`), but importing it costs ~35-40 ms: its package loads
its text wrapping, line breaking and escape-sequence modules beside the width tables, and the whole package is
imported to reach one function.  Asked on the GUI thread at the first non-ASCII character of a stream (a CJK
line of a flood, a box-drawing frame, a prompt with an accented name), that import is a stall the user sees.
These runs answer the most common blocks — ASCII and Latin, Greek and Cyrillic, punctuation, arrows and symbols, box
drawing and blocks, check marks and the common emoji, Braille (spinners), CJK symbols and kana, CJK ideographs,
Hangul syllables, private use (powerline glyphs), fullwidth forms, U+FFFD — so that such a character needs no import;
wcwidth is still loaded for everything else (other scripts, rarer symbols) and on a background thread once the
window has opened.

The runs are wcwidth's own widths over those blocks, written out (a hand-kept table where the library cannot be
reached cheaply): ``tests/vt/test_width_runs.py`` holds every code point they cover to the installed wcwidth.
Where an older wcwidth than the one tested (Unicode 15, wcwidth 0.2.13) would differ is where Unicode has since
assigned or widened code points (new emoji, trigram symbols): there these runs give the newer width, always the
same one for a character, whichever wcwidth is installed.
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
    # Miscellaneous symbols and Dingbats (check marks, crosses, warning signs; emoji among them)
    (0x2600, 0x2613, 1), (0x2614, 0x2615, 2), (0x2616, 0x262F, 1), (0x2630, 0x2637, 2), (0x2638, 0x2647, 1),
    (0x2648, 0x2653, 2), (0x2654, 0x267E, 1), (0x267F, 0x267F, 2), (0x2680, 0x2689, 1), (0x268A, 0x268F, 2),
    (0x2690, 0x2692, 1), (0x2693, 0x2693, 2), (0x2694, 0x26A0, 1), (0x26A1, 0x26A1, 2), (0x26A2, 0x26A9, 1),
    (0x26AA, 0x26AB, 2), (0x26AC, 0x26BC, 1), (0x26BD, 0x26BE, 2), (0x26BF, 0x26C3, 1), (0x26C4, 0x26C5, 2),
    (0x26C6, 0x26CD, 1), (0x26CE, 0x26CE, 2), (0x26CF, 0x26D3, 1), (0x26D4, 0x26D4, 2), (0x26D5, 0x26E9, 1),
    (0x26EA, 0x26EA, 2), (0x26EB, 0x26F1, 1), (0x26F2, 0x26F3, 2), (0x26F4, 0x26F4, 1), (0x26F5, 0x26F5, 2),
    (0x26F6, 0x26F9, 1), (0x26FA, 0x26FA, 2), (0x26FB, 0x26FC, 1), (0x26FD, 0x26FD, 2), (0x26FE, 0x2704, 1),
    (0x2705, 0x2705, 2), (0x2706, 0x2709, 1), (0x270A, 0x270B, 2), (0x270C, 0x2727, 1), (0x2728, 0x2728, 2),
    (0x2729, 0x274B, 1), (0x274C, 0x274C, 2), (0x274D, 0x274D, 1), (0x274E, 0x274E, 2), (0x274F, 0x2752, 1),
    (0x2753, 0x2755, 2), (0x2756, 0x2756, 1), (0x2757, 0x2757, 2), (0x2758, 0x2794, 1), (0x2795, 0x2797, 2),
    (0x2798, 0x27AF, 1), (0x27B0, 0x27B0, 2), (0x27B1, 0x27BE, 1), (0x27BF, 0x27BF, 2),
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
    # the object replacement character and U+FFFD, which every invalid byte of a stream becomes
    (0xFFFC, 0xFFFD, 1),
    # Miscellaneous symbols and pictographs, emoticons, transport and map symbols, supplemental symbols and
    # pictographs, symbols and pictographs extended-A: the emoji CI logs and prompts print
    (0x1F300, 0x1F320, 2), (0x1F321, 0x1F32C, 1), (0x1F32D, 0x1F335, 2), (0x1F336, 0x1F336, 1),
    (0x1F337, 0x1F37C, 2), (0x1F37D, 0x1F37D, 1), (0x1F37E, 0x1F393, 2), (0x1F394, 0x1F39F, 1),
    (0x1F3A0, 0x1F3CA, 2), (0x1F3CB, 0x1F3CE, 1), (0x1F3CF, 0x1F3D3, 2), (0x1F3D4, 0x1F3DF, 1),
    (0x1F3E0, 0x1F3F0, 2), (0x1F3F1, 0x1F3F3, 1), (0x1F3F4, 0x1F3F4, 2), (0x1F3F5, 0x1F3F7, 1),
    (0x1F3F8, 0x1F43E, 2), (0x1F43F, 0x1F43F, 1), (0x1F440, 0x1F440, 2), (0x1F441, 0x1F441, 1),
    (0x1F442, 0x1F4FC, 2), (0x1F4FD, 0x1F4FE, 1), (0x1F4FF, 0x1F53D, 2), (0x1F53E, 0x1F54A, 1),
    (0x1F54B, 0x1F54E, 2), (0x1F54F, 0x1F54F, 1), (0x1F550, 0x1F567, 2), (0x1F568, 0x1F579, 1),
    (0x1F57A, 0x1F57A, 2), (0x1F57B, 0x1F594, 1), (0x1F595, 0x1F596, 2), (0x1F597, 0x1F5A3, 1),
    (0x1F5A4, 0x1F5A4, 2), (0x1F5A5, 0x1F5FA, 1), (0x1F5FB, 0x1F64F, 2),
    (0x1F680, 0x1F6C5, 2), (0x1F6C6, 0x1F6CB, 1), (0x1F6CC, 0x1F6CC, 2), (0x1F6CD, 0x1F6CF, 1),
    (0x1F6D0, 0x1F6D2, 2), (0x1F6D3, 0x1F6D4, 1), (0x1F6D5, 0x1F6D9, 2), (0x1F6DA, 0x1F6DB, 1),
    (0x1F6DC, 0x1F6DF, 2), (0x1F6E0, 0x1F6EA, 1), (0x1F6EB, 0x1F6EC, 2), (0x1F6ED, 0x1F6F3, 1),
    (0x1F6F4, 0x1F6FC, 2), (0x1F6FD, 0x1F6FF, 1),
    (0x1F900, 0x1F90B, 1), (0x1F90C, 0x1F93A, 2), (0x1F93B, 0x1F93B, 1), (0x1F93C, 0x1F945, 2),
    (0x1F946, 0x1F946, 1), (0x1F947, 0x1F9FF, 2),
    (0x1FA70, 0x1FA7C, 2), (0x1FA7D, 0x1FA7F, 1), (0x1FA80, 0x1FAC6, 2), (0x1FAC7, 0x1FAC7, 1),
    (0x1FAC8, 0x1FAC8, 2), (0x1FAC9, 0x1FACB, 1), (0x1FACC, 0x1FADD, 2), (0x1FADE, 0x1FADE, 1),
    (0x1FADF, 0x1FAEB, 2), (0x1FAEC, 0x1FAEE, 1), (0x1FAEF, 0x1FAFA, 2), (0x1FAFB, 0x1FAFF, 1),
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
