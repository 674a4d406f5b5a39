"""Character sets designated with SCS (``ESC ( 0`` and friends).

The maps are pyte's (``pyte.charsets``), turned into ``str.translate`` tables so that a whole
printable run is translated in one C call.  Only the 94-character sets that programs still use
are known; an unknown designation leaves text untranslated, as xterm does.
"""

from __future__ import annotations

import functools

__all__ = ["CHARSET_NAMES", "translation_table"]

TranslationTable = dict[int, str]


def _table_from_map(
    charmap: str, first: int = 0x20, fixes: dict[str, str] | None = None
) -> TranslationTable | None:
    table = {i: charmap[i] for i in range(first, 0x7F) if charmap[i] != chr(i)}
    for ch, replacement in (fixes or {}).items():
        table[ord(ch)] = replacement
    return table or None


@functools.cache
def _tables() -> dict[str, TranslationTable | None]:
    """Built on the first designation, not at import: pyte (and the wcwidth tables it imports) costs a tenth of a
    second, and most sessions never switch charsets (the app's start-up does not wait for it)."""
    from pyte import charsets as pyte_charsets

    return {
        "B": None,  # US ASCII
        # DEC special graphics: xterm maps only 0x5f-0x7e (pyte's table, from the Linux console, also
        # turns "0" into a block, which no VT100 did).
        # Two of pyte's entries differ from xterm's (and alacritty's): "h" is the newline symbol ␤,
        # and "_" a plain blank (pyte gives a no-break space, which no row-stripping would remove).
        "0": _table_from_map(pyte_charsets.VT100_MAP, 0x5F, {"h": "\u2424", "_": " "}),
        "A": {ord("#"): "£"},  # United Kingdom
        "U": _table_from_map(pyte_charsets.IBMPC_MAP),
        "V": _table_from_map(pyte_charsets.VAX42_MAP),
    }

#: Human names, used by the annotator.
CHARSET_NAMES = {
    "B": "US ASCII",
    "0": "DEC special graphics",
    "A": "United Kingdom",
    "U": "IBM PC",
    "V": "VAX42",
    "<": "DEC supplemental",
    "%5": "DEC supplemental graphics",
    ">": "DEC technical",
}


def translation_table(designator: str) -> TranslationTable | None:
    """The translate table for a designator, ``None`` when it maps ASCII to itself."""
    if designator in ("B", ""):
        return None
    return _tables().get(designator)
