"""(Re)generate ``app/inspect/explain/_char_freq.py``: how often each character occurs in written text, per language.

``python resources/explain/make_char_freq.py`` (needs ``pip install wordfreq==3.1.1``; the app itself does not).

Why this table exists: the explainer ranks candidate originals by how plausible they are as text. For Latin and
Cyrillic mojibake charset-normalizer's mess detector and ftfy's badness serve, but neither can tell ``你好`` from
``浣犲`` (both are "CJK letters" to them; ftfy leaves CJK mojibake alone by design). What tells them apart is how
common the characters are. wordfreq (Robyn Speer et al.) is a well-kept frequency list built from many corpora
(Wikipedia, subtitles, news, books, web text); summing each word's frequency into its characters gives a character
frequency per language. Only the characters and a cost (bits, -log2 of the share, rounded to a tenth) are kept, so
the app ships a few tens of kilobytes instead of wordfreq's 57 MB of word lists.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path

import wordfreq

OUT = Path(__file__).resolve().parents[2] / "app" / "inspect" / "explain" / "_char_freq.py"
#: The languages of the scripts the code pages carry (CJK, Latin, Cyrillic, Greek) and a few whose text must not
#: be "fixed" into something else (Arabic, Hebrew, Hindi).
LANGUAGES = (
    "zh", "ja", "ko",
    "en", "fr", "de", "es", "pt", "it", "nl", "sv", "da", "nb", "fi", "pl", "cs", "sk", "hr", "ca", "tr", "hu",
    "ro", "vi",
    "ru", "uk", "bg", "el", "ar", "he", "hi",
)  # fmt: skip
#: Characters kept per language: enough to cover the common ideographs (zh/ja) and hangul syllables (ko); the
#: alphabets need far fewer (wordfreq lists carry some foreign words: their letters are rare, so they are cut).
KEEP = {"zh": 6000, "ja": 4000, "ko": 2500}
KEEP_OTHER = 120
#: A character must carry at least this share of a language's letters to count as that language's.
MIN_SHARE = 2e-6


def table(lang: str) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()
    for word, freq in wordfreq.get_frequency_dict(lang, "small").items():
        for ch in word:
            counts[ch] += freq
    total = sum(counts.values())
    rows = [(ch, n / total) for ch, n in counts.most_common(KEEP.get(lang, KEEP_OTHER)) if n / total >= MIN_SHARE]
    return [(ch, round(-math.log2(share), 1)) for ch, share in rows if ch.isprintable() and not ch.isspace()]


#: Letter pairs kept per alphabetic language: the commonest, which carry most of a language's texture.
KEEP_PAIRS = 500


def pairs(lang: str, letters: dict[str, float]) -> list[tuple[str, float]]:
    """The commonest letter pairs inside words, each with its pointwise mutual information in bits
    (log2 P(ab) / (P(a) P(b))): how much likelier the pair is than its letters apart."""
    counts: Counter[str] = Counter()
    for word, freq in wordfreq.get_frequency_dict(lang, "small").items():
        for a, b in itertools.pairwise(word):
            if a.isalpha() and b.isalpha():
                counts[a + b] += freq
    total = sum(counts.values())
    rows = []
    for pair, n in counts.most_common(KEEP_PAIRS):
        if pair[0] in letters and pair[1] in letters:
            pmi = math.log2(n / total) + letters[pair[0]] + letters[pair[1]]
            rows.append((pair, round(pmi, 1)))
    return rows


def main() -> None:
    lines = [
        "# ruff: noqa: E501",
        '"""Character costs (bits: -log2 of the share among the letters of words) per language, derived from wordfreq',
        "3.1.1's small lists by resources/explain/make_char_freq.py, and for alphabets the commonest letter pairs",
        "with how much likelier each is than its letters apart (bits). Generated: do not edit.\"\"\"",
        "",
        "# fmt: off",
        "TABLES: dict[str, tuple[str, tuple[float, ...]]] = {",
    ]
    for lang in LANGUAGES:
        rows = table(lang)
        chars = "".join(ch for ch, _ in rows)
        costs = ", ".join(str(c) for _, c in rows)
        lines.append(f"    {lang!r}: (")
        lines.append(f"        {chars!r},")
        lines.append(f"        ({costs},),")
        lines.append("    ),")
    lines += ["}", "", "PAIRS: dict[str, tuple[str, tuple[float, ...]]] = {"]
    for lang in LANGUAGES:
        if lang in KEEP:
            continue  # ideographs and syllables: their characters say enough
        letters = dict(table(lang))
        rows = pairs(lang, letters)
        lines.append(f"    {lang!r}: (")
        lines.append(f"        {''.join(p for p, _ in rows)!r},")
        lines.append(f"        ({', '.join(str(v) for _, v in rows)},),")
        lines.append("    ),")
    lines += ["}", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
