"""The mojibake explainer (issue 13): from garbled text or bytes to the story of how it happened.

``explain_text("浣犲ソ")`` → "UTF-8 bytes read as GBK (cp936): 浣犲ソ → 你好";
``explain_bytes(b"\\xc4\\xe3\\xba\\xc3")`` → "GBK (cp936) bytes read as UTF-8: ���� → 你好".

One job per module: ``codepages`` (the code pages, one step undone, losses), ``plausibility`` (how likely a text
is as writing), ``tiers`` and ``_char_freq`` (the character data it rests on), ``search`` (the chains, ranked),
``engine`` (lines, words, bytes, bounds), ``explanation`` (the answer and its wording), ``inspector`` (a byte run
in the common code pages), ``shell_matrix`` (what each Windows shell would show). No Qt.
"""

from __future__ import annotations

from app.inspect.explain.codepages import CODE_PAGES, CodePage, code_page
from app.inspect.explain.engine import MAX_BYTES, MAX_CHARS, explain_bytes, explain_text
from app.inspect.explain.explanation import NO_MOJIBAKE, Explanation, Segment, hex_bytes
from app.inspect.explain.search import Step

__all__ = [
    "CODE_PAGES",
    "MAX_BYTES",
    "MAX_CHARS",
    "NO_MOJIBAKE",
    "CodePage",
    "Explanation",
    "Segment",
    "Step",
    "code_page",
    "explain_bytes",
    "explain_text",
    "hex_bytes",
]
