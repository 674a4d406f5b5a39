"""The mojibake explainer (issue 13): from garbled text or bytes to the story of how it happened.

``explain_text("浣犲ソ")`` → "UTF-8 bytes read as GBK (cp936): 浣犲ソ → 你好";
``explain_bytes(b"\\xc4\\xe3\\xba\\xc3")`` → "GBK (cp936) bytes read as UTF-8: ���� → 你好".

One job per module: ``codepages`` (the code pages, one step undone, losses), ``plausibility`` (how likely a text
is as writing), ``tiers`` and ``_char_freq`` (the character data it rests on), ``search`` (the chains, ranked),
``engine`` (lines, words, bytes, bounds), ``explanation`` (the answer and its wording), ``inspector`` (a byte run
in the common code pages), ``shell_matrix`` (what each Windows shell would show). No Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.inspect.explain.codepages import CODE_PAGES, CodePage, code_page
    from app.inspect.explain.engine import MAX_BYTES, MAX_CHARS, explain_bytes, explain_text
    from app.inspect.explain.explanation import NO_MOJIBAKE, Explanation, Segment, hex_bytes
    from app.inspect.explain.search import Step

#: Where each public name lives.  They are imported when first used, not with the package: the engine loads ftfy,
#: charset-normalizer and the code page tables (~0.13 s), and the window shows its Explain panel (and imports
#: ``shell_matrix``, a module of this package) at start-up, long before anything is explained.
_LAZY = {
    "CODE_PAGES": "codepages",
    "CodePage": "codepages",
    "code_page": "codepages",
    "MAX_BYTES": "engine",
    "MAX_CHARS": "engine",
    "explain_bytes": "engine",
    "explain_text": "engine",
    "NO_MOJIBAKE": "explanation",
    "Explanation": "explanation",
    "Segment": "explanation",
    "hex_bytes": "explanation",
    "Step": "search",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

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
