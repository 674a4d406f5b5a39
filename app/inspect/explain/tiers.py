"""How common an ideograph or hangul syllable is, by the tiers of the national character sets that list it.

The standards behind the CJK code pages sort their characters into tiers by frequency of use: GB 2312 level 1
(3,755 common hanzi) and level 2, Big5's "frequently used" (5,401) and "less frequently used", JIS X 0208 level 1
(2,965 kanji) and level 2, and the 2,350 hangul syllables of KS X 1001 (the rest of the 11,172 only in cp949's
extension). Mojibake of CJK text falls outside the common tiers far more often than text does (UTF-8's lead bytes
E4–E9 land in GB 2312's level 2, in Big5's less frequent block, in JIS level 2 and in KS X 1001's hanja), so the
tiers are the fallback for characters the frequency tables (``_char_freq``) do not list. They are read from
Python's own codecs, not typed in.
"""

from __future__ import annotations

import functools

__all__ = ["COMMON", "KNOWN", "tier"]

COMMON = 0
KNOWN = 1
RARE = 2


def _block(codec: str, leads: range, trails: range) -> set[str]:
    found: set[str] = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                continue
    return {ch for ch in found if len(ch) == 1}


@functools.cache
def _tiers() -> tuple[frozenset[str], frozenset[str]]:
    big5_trails = range(0x40, 0xFF)
    common = (
        _block("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))  # GB 2312 level 1
        | _block("big5", range(0xA4, 0xC6), big5_trails)  # Big5 frequently used (A440–C67E)
        | _block("shift_jis", range(0x88, 0x98), range(0x40, 0xFD))  # JIS X 0208 level 1 (889F–9872)
        | _block("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # KS X 1001 hangul (B0A1–C8FE)
    )
    known = (
        _block("gb2312", range(0xD8, 0xF8), range(0xA1, 0xFF))  # GB 2312 level 2
        | _block("big5", range(0xC9, 0xFA), big5_trails)  # Big5 less frequently used
        | _block("shift_jis", range(0x98, 0xEB), range(0x40, 0xFD))  # JIS X 0208 level 2
        | _block("euc_kr", range(0xCA, 0xFE), range(0xA1, 0xFF))  # KS X 1001 hanja
    )
    # JIS level 1's first row holds a few level-2 kanji past 9872 and the blocks above share rows with symbols:
    # only ideographs and hangul syllables are tiered here.
    common = {ch for ch in common if _is_tiered(ch)}
    known = {ch for ch in known if _is_tiered(ch)} - common
    return frozenset(common), frozenset(known)


def _is_tiered(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7A3


def tier(ch: str) -> int:
    """COMMON, KNOWN (listed, in a lower tier) or RARE (in no standard's base set: an extension, or unlisted)."""
    common, known = _tiers()
    if ch in common:
        return COMMON
    if ch in known:
        return KNOWN
    return RARE
