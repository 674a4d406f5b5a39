"""Explain a text or a byte run: split it into lines (and words where a line mixes clean and garbled text), run the
chain search, put the originals back together, and say what was lost.

Bounded so that explaining a screenful feels instant: at most :data:`MAX_CHARS` characters (:data:`MAX_BYTES` bytes)
are explained — the rest is named in a note — and once a line's chain is known, the next lines try that chain
first (one encode and decode) before a search of their own; lines are searched fully at most :data:`MAX_SEARCHES`
times per call.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from app.inspect.explain.codepages import (
    CODE_PAGES,
    MAX_CUT,
    REPLACEMENT,
    CodePage,
    Loss,
    code_page,
    decode_keeping_losses,
    recovers_anything,
    reverse_step,
)
from app.inspect.explain.explanation import Explanation, Segment, lost_notes
from app.inspect.explain.plausibility import base_cost, fluent, plausible, text_cost
from app.inspect.explain.search import CLEAN_BITS, Candidate, Ranking, Step, rank_text, step_cost

__all__ = ["MAX_BYTES", "MAX_CHARS", "explain_bytes", "explain_text"]

#: A screenful (80×50) of text, or four of bytes (CJK text is two or three bytes a character).
MAX_CHARS = 4_000
MAX_BYTES = 16_000
#: Full searches per call; lines past that are tried with the chains already found only.
MAX_SEARCHES = 48
#: charset-normalizer's pick among the writers, in bits of head start (it weighs what we weigh differently, so it
#: breaks near-ties rather than deciding).
DETECTOR_BITS = 4.0
#: A byte left out at the start as the tail of a cut character (a reading that needs no cut is the likelier).
CUT_BYTE_BITS = 6.0
#: A byte the candidate writer cannot decode (bytes mode is lenient: real logs carry the odd stray byte).
BAD_BYTE_BITS = 14.0


_LINE = re.compile(r"[^\n]*\n?")
#: Terminal control sequences in a byte stream (CSI, OSC/DCS/APC strings, two-byte ESC): not text, so not
#: explained (the Bytes panel's and a capture's bytes hold them between the words).
_SEQUENCE = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"
    rb"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    rb"|\x1b[ -/]*[0-~]"
)
#: Words split at ASCII blanks only: U+00A0 and U+0085, which str.split and \s take for blanks, are what a
#: single-byte code page makes of 0xA0 and 0x85 (я in cp1251, … in cp1252) and belong to the mojibake.
_BLANKS = " \t\r\n\f\v"
_TOKEN = re.compile(r"[^ \t\r\n\f\v]+")


def _is_plain(text: str) -> bool:
    """Nothing to explain: printable ASCII, tabs and line ends only."""
    return text.isascii() and all(ch >= " " or ch in "\t\r\n" for ch in text)


class _Search:
    """One call's state: rankings already made, and the chains that explained earlier lines (tried first)."""

    def __init__(self) -> None:
        self.searches = 0
        self.chains: list[tuple[Step, ...]] = []
        self._cache: dict[str, tuple[Candidate | None, float]] = {}

    def explain(self, text: str) -> tuple[Candidate | None, float]:
        if text not in self._cache:
            found = self._known_chain(text)
            if found[0] is None and self.searches < MAX_SEARCHES:
                self.searches += 1
                ranking = rank_text(text)
                found = ranking.best, ranking.confidence()
                if ranking.best is not None:
                    self.chains.append(ranking.best.steps)
            self._cache[text] = found
        return self._cache[text]

    def _known_chain(self, text: str) -> tuple[Candidate | None, float]:
        """A chain that explained an earlier line, if it explains this one clearly too."""
        for chain in self.chains:
            current = text
            steps: list[Step] = []
            losses: list[Loss] = []
            for step in reversed(chain):
                rev = reverse_step(current, step.written_as, step.read_as)
                if rev is None:
                    break
                steps.insert(0, Step(step.written_as, step.read_as, rev.data))
                losses[:0] = rev.losses
                current = rev.text
            else:
                cost = text_cost(current) + sum(step_cost(s) for s in steps)
                ranking = Ranking(text, text_cost(text), (Candidate(current, tuple(steps), tuple(losses), cost),))
                if ranking.best is not None:
                    return ranking.best, ranking.confidence()
        return None, 0.0


def _segments_of_line(line: str, offset: int, search: _Search, have_bytes: bool) -> list[Segment]:
    core = line.rstrip("\r\n")
    if _is_plain(core) or not core.strip(_BLANKS):
        return []
    lead = len(core) - len(core.lstrip(_BLANKS))
    body = core.strip(_BLANKS)
    found, confidence = search.explain(body)
    if found is not None:
        return [_segment(offset + lead, body, found, confidence, have_bytes)]
    # Words are explained apart only where one does not read as text (a line mixing clean and garbled words).
    tokens = [m for m in _TOKEN.finditer(core) if not _is_plain(m.group()) and not plausible(m.group())]
    segments: list[Segment] = []
    if tokens and len(_TOKEN.findall(core)) > 1:
        for m in tokens:
            found, confidence = search.explain(m.group())
            if found is not None:
                segments.append(_segment(offset + m.start(), m.group(), found, confidence, have_bytes))
    if not segments and REPLACEMENT in body:
        segments.append(
            Segment(offset + lead, offset + lead + len(body), body, None,
                    lost=lost_notes(["only-replacement"], have_bytes=have_bytes))
        )  # fmt: skip
    return segments


def _segment(start: int, seen: str, found: Candidate, confidence: float, have_bytes: bool) -> Segment:
    kinds = [loss.kind for loss in found.losses]
    lost = lost_notes(kinds, have_bytes=have_bytes)
    return Segment(start, start + len(seen), seen, found.original, found.steps, confidence, lost)


def _assemble(seen: str, segments: list[Segment], notes: list[str], data: bytes | None) -> Explanation:
    fixed = [s for s in segments if s.original is not None]
    lost = tuple(dict.fromkeys(note for s in segments for note in s.lost))
    if not fixed:
        return Explanation(seen, None, lost=lost, segments=tuple(segments), notes=tuple(notes), data=data)
    parts: list[str] = []
    pos = 0
    for seg in sorted(fixed, key=lambda s: s.start):
        parts.append(seen[pos : seg.start])
        parts.append(seg.original or "")
        pos = seg.end
    parts.append(seen[pos:])
    main = max(fixed, key=lambda s: len(s.seen))
    weight = sum(len(s.seen) for s in fixed)
    confidence = sum(s.confidence * len(s.seen) for s in fixed) / weight
    return Explanation(
        seen, "".join(parts), main.steps, confidence, lost, tuple(segments), tuple(notes), data=data
    )


def explain_text(text: str, *, have_bytes: bool = False) -> Explanation:
    """How ``text`` (what the user sees) became what it is, if it is mojibake; see the module docstring."""
    notes: list[str] = []
    if len(text) > MAX_CHARS:
        notes.append(f"explained the first {MAX_CHARS} of {len(text)} characters (select less for the rest)")
        text = text[:MAX_CHARS]
    search = _Search()
    segments: list[Segment] = []
    for m in _LINE.finditer(text):
        if m.group():
            segments.extend(_segments_of_line(m.group(), m.start(), search, have_bytes))
    return _assemble(text, segments, notes, None)


def _reading(data: bytes, writer: CodePage, reader: CodePage, skip: int) -> tuple[float, str, list[str]] | None:
    """``data`` as ``writer``'s text from byte ``skip`` on (the skipped bytes are the tail of a cut character),
    with its cost; ``None`` where it is not plausible text."""
    decoded = decode_keeping_losses(data[skip:], writer, question_marks=False)
    bad = 0
    if decoded is None:
        text = data[skip:].decode(writer.codec, "replace")
        bad = text.count(REPLACEMENT)
        if bad * 20 > max(len(data), 20):
            return None
        kinds = ["replaced"] * bool(bad)
    else:
        text, losses = decoded
        kinds = [loss.kind for loss in losses]
    if skip:
        text = REPLACEMENT + text
        kinds.insert(0, "cut-start")
    if REPLACEMENT in text and not recovers_anything(text):
        return None
    own = text_cost(text)
    if not plausible(text, own):
        return None
    cost = own + step_cost(Step(writer, reader, data)) + bad * BAD_BYTE_BITS + skip * CUT_BYTE_BITS
    return cost, text, kinds


def _best_skip(data: bytes, writer: CodePage, probe: int = 48) -> int:
    """How many bytes at the start are the tail of a cut character, judged on the first ``probe`` bytes: the
    start (0 to 3 bytes in) whose reading of the same stretch costs least, a cut character counted as lost."""
    best, best_cost = 0, float("inf")
    for skip in range(MAX_CUT + 1):
        decoded = decode_keeping_losses(data[skip:probe], writer, question_marks=False)
        if decoded is None or not decoded[0]:
            continue
        text = (REPLACEMENT if skip else "") + decoded[0]
        cost = base_cost(text) + skip * CUT_BYTE_BITS
        if cost < best_cost:
            best, best_cost = skip, cost
    return best


def _writer_candidates(data: bytes, reader: CodePage) -> list[tuple[float, CodePage, str, list[str]]]:
    """Each code page that can have written ``data``, with the cost of its text."""
    detected = None
    if len(data) >= 8:
        best = from_bytes(data, cp_isolation=[cp.codec for cp in CODE_PAGES]).best()
        if best is not None:
            try:
                detected = code_page(best.encoding).family
            except LookupError:
                detected = None
    found = []
    texts: set[str] = set()
    for writer in CODE_PAGES:
        if writer.family == reader.family:
            continue
        # A selection may begin inside a character: a multibyte writer is also read from the next bytes on.
        skip = _best_skip(data, writer) if not writer.single_byte and writer.codec != "utf-16-le" else 0
        reading = _reading(data, writer, reader, skip)
        if reading is None or reading[1] in texts:
            continue  # GB18030 after GBK: the same text, the more common name kept
        cost, text, kinds = reading
        texts.add(text)
        if detected == writer.family:
            cost -= DETECTOR_BITS
        found.append((cost, writer, text, kinds))
    found.sort(key=lambda item: item[0])
    return found


def explain_bytes(data: bytes, read_as: str = "utf-8", *, total: int | None = None) -> Explanation:
    """How ``data``, read as ``read_as`` (the terminal's code page), came to look as it does; the story ends with
    the step "written as W, read as ``read_as``" when W is not the reader's code page. ``total``: the size of
    what ``data`` is the start of (a caller that read only the start of a big file says how big it was)."""
    notes: list[str] = []
    reader = code_page(read_as)
    size = max(len(data), total or 0)
    if size > MAX_BYTES:
        notes.append(f"explained the first {MAX_BYTES} of {size} bytes (select less for the rest)")
        data = data[:MAX_BYTES]
    if b"\x1b" in data:
        data = _SEQUENCE.sub(b"", data)
        notes.append("terminal control sequences (colours, cursor moves) were left out")
    seen = data.decode(reader.codec, "replace")
    # U+FFFD in what the reader made is the reader's loss, which the bytes undo: only text it read without
    # loss can hold mojibake of its own.
    as_read = explain_text(seen, have_bytes=True) if REPLACEMENT not in seen else Explanation(seen, None)
    seen_cost = text_cost(seen)
    candidates = _writer_candidates(data, reader)
    if as_read.found and as_read.original is not None:
        # The bytes were read right, and the text they hold is itself mojibake: that story competes too.
        story_cost = text_cost(as_read.original) + sum(step_cost(s) for s in as_read.steps)
        if not candidates or story_cost <= candidates[0][0]:
            candidates = []
    if candidates and candidates[0][0] + CLEAN_BITS < seen_cost:
        cost, writer, text, kinds = candidates[0]
        step = Step(writer, reader, data)
        # Text that reads fluently is the original; only text that does not may be mojibake of its own.
        inner = Explanation(text, None) if fluent(text) else explain_text(text, have_bytes=True)
        others = [c for c, *_ in candidates[1:]] + [seen_cost - CLEAN_BITS]
        confidence = 1.0 / (1.0 + sum(2.0 ** (cost - c) for c in others if c - cost < 60))
        lost = lost_notes(kinds, have_bytes=True)
        if inner.found and inner.original is not None:
            return Explanation(
                seen, inner.original, (*inner.steps, step), min(confidence, inner.confidence),
                lost + inner.lost, inner.segments, tuple(notes), data,
            )  # fmt: skip
        segment = Segment(0, len(seen), seen, text, (step,), confidence, lost)
        return Explanation(seen, text, (step,), confidence, lost, (segment,), tuple(notes), data)
    if not as_read.found and REPLACEMENT in seen:
        bad = sum(1 for ch in seen if ch == REPLACEMENT)
        note = (
            f"{bad} place(s) in these bytes are not {reader.label}, and no code page searched makes plausible text "
            "of them (binary data, or too few bytes to tell)"
        )
        return Explanation(seen, None, lost=(note,), notes=tuple(notes), data=data)
    if as_read.found or as_read.lost:
        return Explanation(
            seen, as_read.original, as_read.steps, as_read.confidence, as_read.lost, as_read.segments,
            (*notes, *as_read.notes), data,
        )  # fmt: skip
    return Explanation(seen, None, notes=tuple(notes), data=data)
