"""A byte run in the common code pages at once: the Bytes panel's live data inspector (hover a byte).

Like a hex editor's data inspector, but for text: the run around the hovered byte decoded by each code page the
explainer knows, strictly (a code page that cannot decode the run says so instead of guessing), with the
explainer's verdict on which reading is text.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.inspect.explain.codepages import CODE_PAGES, REPLACEMENT, CodePage, decode_keeping_losses
from app.inspect.explain.plausibility import plausible, text_cost

__all__ = ["MAX_RUN", "Reading", "inspect_run", "run_around"]

#: Bytes shown around the hovered one: enough for a few characters of any code page.
MAX_RUN = 12


@dataclass(frozen=True)
class Reading:
    """One code page's reading of the run: ``text`` is ``None`` where it cannot decode it; ``best`` marks the most
    plausible text."""

    code_page: CodePage
    text: str | None
    best: bool = False


def run_around(data: bytes, offset: int, *, limit: int = MAX_RUN) -> tuple[int, int]:
    """The run of non-ASCII bytes around ``offset`` (at most ``limit``), as ``[start, end)``; an ASCII byte is a
    run of one."""
    if not 0 <= offset < len(data):
        return offset, offset
    if data[offset] < 0x80:
        return offset, offset + 1
    start = offset
    while start > 0 and data[start - 1] >= 0x80 and offset - start < limit // 2:
        start -= 1
    end = offset + 1
    while end < len(data) and data[end] >= 0x80 and end - start < limit:
        end += 1
    return start, end


def inspect_run(run: bytes) -> list[Reading]:
    """``run`` in every code page (UTF-16LE only for an even run), the most plausible marked."""
    readings: list[tuple[CodePage, str | None]] = []
    for cp in CODE_PAGES:
        if cp.codec == "utf-16-le" and len(run) % 2:
            readings.append((cp, None))
            continue
        # A run cut out of a stream may begin or end inside a character: those ends read as "…".
        decoded = decode_keeping_losses(run, cp, question_marks=False)
        if decoded is None or (decoded[1] and not decoded[0].strip(REPLACEMENT)):
            readings.append((cp, None))
            continue
        text, losses = decoded
        readings.append((cp, text.replace(REPLACEMENT, "…") if losses else text))
    costs = {
        text: text_cost(text.strip("…")) for _, text in readings if text is not None and plausible(text.strip("…"))
    }
    best_text = min(costs, key=lambda t: costs[t]) if costs and not run.isascii() else None
    return [Reading(cp, text, text is not None and text == best_text) for cp, text in readings]
