"""The chain search: every way the seen text can have come from another by one or two steps of mojibake, ranked.

A chain is a list of steps, oldest first, each "written as W, read as R". From the seen text the last step is
undone first (:func:`~app.inspect.explain.codepages.reverse_step` over every pair of code pages whose families
differ), then, for the few most plausible results, one step more (double-encoded text: UTF-8 read as cp1252, saved
as UTF-8 again and read as cp1252 again). The search is bounded: 14 code pages give 156 pairs a step, most of which
fail at once because the seen text is not in the reader's code page; the second step only widens the best
:data:`BEAM` results. ftfy's own fix is tried too (its "sloppy" codecs know bytes that cp1252 leaves undefined) and
is ranked with the rest.

Every candidate is scored by :func:`~app.inspect.explain.plausibility.text_cost` of its original plus a cost per
step (a chain is a less likely story than no chain; two steps less likely than one), and the seen text itself is the
candidate "no mojibake here", with a head start of :data:`CLEAN_BITS`: text is only "fixed" when the original is
clearly the better text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ftfy

from app.inspect.explain.codepages import CODE_PAGES, CodePage, Loss, Reversal, code_page, reverse_step
from app.inspect.explain.plausibility import base_cost, plausible, text_cost

__all__ = ["BEAM", "CLEAN_BITS", "Candidate", "Ranking", "Step", "rank_text", "step_cost"]

#: What one step of mojibake costs as a story, in bits, and the head start of "this text is what it says".
STEP_BITS = 6.0
CLEAN_BITS = 12.0
#: A story is told only when it is more likely than all the others together, "no mojibake" included.
MIN_CONFIDENCE = 0.5
#: How many one-step results are undone once more.
BEAM = 6
#: Candidates costing this much more than the best (or than the seen text) are not judged in full: at 2**-40
#: they change no ranking and no confidence.
SLACK_BITS = 40.0
#: A writer that decodes every byte (a single-byte code page) is no evidence: any bytes "decode". A multibyte
#: writer's decode that succeeds is (random bytes are seldom valid UTF-8 or GBK), so its steps cost less.
SINGLE_BYTE_WRITER_BITS = 8.0
#: A UTF-16 reader turns pairs of bytes into one character: any even-length byte text "explains" any BMP text.
#: Notepad's famous misreading is real but rare; it must be clearly better to win.
UTF16_READER_BITS = 16.0


@dataclass(frozen=True)
class Step:
    """One step of the story: text written as ``written_as`` and read as ``read_as``; ``data`` is the bytes that
    travelled between them."""

    written_as: CodePage
    read_as: CodePage
    data: bytes


@dataclass(frozen=True)
class Candidate:
    """A possible original and the chain that turns it into the seen text (oldest step first)."""

    original: str
    steps: tuple[Step, ...]
    losses: tuple[Loss, ...]
    cost: float

    @property
    def chain(self) -> list[tuple[str, str]]:
        return [(s.written_as.label, s.read_as.label) for s in self.steps]


@dataclass(frozen=True)
class Ranking:
    """The seen text's own cost, and the candidates best first (one per distinct original)."""

    seen: str
    seen_cost: float
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def best(self) -> Candidate | None:
        """The best candidate if it beats the seen text by more than its head start, reads as text, and is more
        likely than every other story together (:meth:`confidence` over one half); else ``None``."""
        if self.candidates and self.candidates[0].cost + CLEAN_BITS < self.seen_cost:
            best = self.candidates[0]
            own = best.cost - sum(step_cost(s) for s in best.steps)
            if plausible(best.original, own) and self._odds(best) >= MIN_CONFIDENCE:
                return best
        return None

    def _odds(self, best: Candidate) -> float:
        costs = [self.seen_cost - CLEAN_BITS] + [c.cost for c in self.candidates[1:]]
        rest = sum(math.pow(2.0, best.cost - c) for c in costs if c - best.cost < 60)
        return 1.0 / (1.0 + rest)

    def confidence(self) -> float:
        """How sure the best story is against the others and against "no mojibake": each hypothesis weighted
        by ``2**-cost`` (its cost in bits read as a probability)."""
        best = self.best
        return 0.0 if best is None else self._odds(best)


def step_cost(step: Step) -> float:
    """What a step costs as a story (see the constants above)."""
    bits = STEP_BITS
    if step.read_as.codec == "utf-16-le":
        bits += UTF16_READER_BITS
    if step.written_as.single_byte:
        bits += SINGLE_BYTE_WRITER_BITS
    return bits


def _one_step(text: str) -> list[tuple[Reversal, CodePage, CodePage]]:
    found: list[tuple[Reversal, CodePage, CodePage]] = []
    for reader in CODE_PAGES:
        for writer in CODE_PAGES:
            rev = reverse_step(text, writer, reader)
            if rev is not None:
                found.append((rev, writer, reader))
    return found


_FTFY_CODECS = {
    "sloppy-windows-1252": "cp1252",
    "windows-1252": "cp1252",
    "sloppy-windows-1251": "cp1251",
    "windows-1251": "cp1251",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp437": "cp437",
    "utf-8": "utf-8",
}


def _ftfy_candidate(text: str) -> tuple[str, list[Step]] | None:
    """ftfy's fix, when its explanation is a chain of encode/decode pairs over our code pages."""
    fixed, plan = ftfy.fix_and_explain(text, unescape_html=False, fix_line_breaks=False, normalization=None)
    if fixed == text or not plan:
        return None
    pairs: list[tuple[str, str]] = []
    ops = list(plan)
    while ops:
        if len(ops) < 2 or ops[0][0] != "encode" or ops[1][0] != "decode":
            return None
        encoding, decoding = ops[0][1], ops[1][1]
        if encoding not in _FTFY_CODECS or decoding not in _FTFY_CODECS:
            return None
        pairs.append((encoding, decoding))
        ops = ops[2:]
    # Undo order → story order: the last pair ftfy applied undoes the oldest step.
    steps: list[Step] = []
    current = text
    for encoding, decoding in pairs:
        try:
            data = current.encode(encoding)
            current = data.decode(decoding)
        except (UnicodeError, LookupError):
            return None
        steps.insert(0, Step(code_page(_FTFY_CODECS[decoding]), code_page(_FTFY_CODECS[encoding]), data))
    if current != fixed:
        return None
    return fixed, steps


def rank_text(seen: str) -> Ranking:
    """Every candidate original of ``seen`` (one and two steps back), best first; see the module docstring."""
    seen_cost = text_cost(seen)
    best_by_original: dict[str, Candidate] = {}
    # Branch and bound: a candidate whose character costs alone (a lower bound) are far above both the seen text
    # and the best so far can neither win nor move the confidence; it is not judged further.
    bound = [seen_cost + SLACK_BITS]

    def offer(
        original: str, steps: tuple[Step, ...], losses: tuple[Loss, ...], *, below: float | None = None
    ) -> float | None:
        if original == seen:
            return None
        story = sum(step_cost(s) for s in steps)
        if base_cost(original) + story > bound[0]:
            return None
        own = text_cost(original)
        if below is not None and own >= below:
            return None  # the second step undone made the text no better: it explains nothing
        cost = own + story
        known = best_by_original.get(original)
        if known is None or cost < known.cost:
            best_by_original[original] = Candidate(original, steps, losses, cost)
            bound[0] = min(bound[0], cost + SLACK_BITS)
        return own

    first = _one_step(seen)
    scored: list[tuple[float, Reversal, Step]] = []
    for rev, writer, reader in first:
        step = Step(writer, reader, rev.data)
        own = offer(rev.text, (step,), rev.losses)
        # Only a step that made the text better is undone once more: each step undone must read more like text.
        if own is not None and own < seen_cost:
            scored.append((own, rev, step))
    scored.sort(key=lambda item: item[0])
    seen_inner: set[str] = set()
    for inner_below, rev, outer in scored:
        if len(seen_inner) >= BEAM:
            break
        if rev.text in seen_inner:
            continue
        seen_inner.add(rev.text)
        for inner_rev, writer, reader in _one_step(rev.text):
            inner = Step(writer, reader, inner_rev.data)
            offer(inner_rev.text, (inner, outer), inner_rev.losses + rev.losses, below=inner_below)
    fixed = _ftfy_candidate(seen)
    if fixed is not None:
        offer(fixed[0], tuple(fixed[1]), ())
    ranked = sorted(best_by_original.values(), key=lambda c: c.cost)
    return Ranking(seen, seen_cost, tuple(ranked))
