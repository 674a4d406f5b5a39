"""What the explainer answers: the story, the original, the chain with the bytes under each step, what was lost.

Kept apart from the search so the command line and the window format one object the same way: the first line of
:meth:`Explanation.story` is what ``python -m app explain`` prints first, :meth:`Explanation.to_json` its ``--json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.inspect.explain.search import Step

__all__ = ["NO_MOJIBAKE", "Explanation", "Segment", "hex_bytes", "lost_notes"]

#: Shown when a text holds only what it says.
NO_MOJIBAKE = "no mojibake found"


def hex_bytes(data: bytes, limit: int = 48) -> str:
    """``E4 BD A0 …`` (at most ``limit`` bytes, then how many more)."""
    shown = " ".join(f"{b:02X}" for b in data[:limit])
    return shown + (f" … (+{len(data) - limit} bytes)" if len(data) > limit else "")


@dataclass(frozen=True)
class Segment:
    """One stretch of the seen text (a line, or a word of a line) and what it was: ``original`` is ``None`` where
    the stretch is clean (or nothing explains it)."""

    start: int
    end: int
    seen: str
    original: str | None
    steps: tuple[Step, ...] = ()
    confidence: float = 0.0
    lost: tuple[str, ...] = ()


def lost_notes(kinds: list[str], *, have_bytes: bool) -> tuple[str, ...]:
    """One sentence per kind of loss, in the order first met."""
    notes: list[str] = []
    for kind in dict.fromkeys(kinds):
        if kind == "replaced":
            notes.append(
                "the reader replaced bytes it could not decode (with U+FFFD or ?): those characters are lost"
                + ("" if have_bytes else "; the bytes are needed (give --hex or --file, or select the bytes)")
            )
        elif kind == "cut-start":
            notes.append("the text begins inside a character: its first bytes are not here")
        elif kind == "cut-end":
            notes.append("the text ends inside a character: its last bytes are not here")
        elif kind == "only-replacement":
            notes.append(
                "the text holds U+FFFD where the reader met bytes it could not decode: what they were cannot be "
                "told from the text"
                + ("" if have_bytes else "; the bytes are needed (give --hex or --file, or select the bytes)")
            )
    return tuple(notes)


@dataclass(frozen=True)
class Explanation:
    """The answer for one text or byte run. ``steps`` is the chain of the main segment (oldest first); ``original``
    is the whole text with every explained segment put back."""

    seen: str
    original: str | None
    steps: tuple[Step, ...] = ()
    confidence: float = 0.0
    lost: tuple[str, ...] = ()
    segments: tuple[Segment, ...] = ()
    notes: tuple[str, ...] = field(default=())
    data: bytes | None = None

    @property
    def found(self) -> bool:
        return self.original is not None and bool(self.steps)

    @property
    def chain(self) -> list[list[str]]:
        return [[s.written_as.label, s.read_as.label] for s in self.steps]

    def headline(self) -> str:
        """The story in one line: ``UTF-8 bytes read as GBK (cp936): 浣犲ソ → 你好``."""
        if not self.found:
            return NO_MOJIBAKE if not self.lost else f"{NO_MOJIBAKE} that can be undone: information was lost"
        assert self.original is not None
        first = self.steps[0]
        story = f"{first.written_as.label} bytes read as {first.read_as.label}"
        for step in self.steps[1:]:
            story += f", then written as {step.written_as.label} and read as {step.read_as.label}"
        return f"{story}: {_short(self.seen)} → {_short(self.original)}"

    def story(self) -> list[str]:
        """The headline, then each step with its bytes, the confidence, what was lost, other segments, notes."""
        lines = [self.headline()]
        if self.found:
            assert self.original is not None
            lines.append(f"original: {self.original}")
            for i, step in enumerate(self.steps, 1):
                lines.append(
                    f"step {i}: written as {step.written_as.label}, read as {step.read_as.label}: "
                    f"{hex_bytes(step.data)}"
                )
            lines.append(f"confidence: {self.confidence:.0%}")
            main_chain = self.chain
            others = [
                s
                for s in self.segments
                if s.original is not None and [[t.written_as.label, t.read_as.label] for t in s.steps] != main_chain
            ]
            for seg in others:
                chain = ", then ".join(f"{s.written_as.label} read as {s.read_as.label}" for s in seg.steps)
                lines.append(f"also: {seg.seen.strip()} → {seg.original.strip() if seg.original else ''} ({chain})")
        lines += [f"lost: {note}" for note in self.lost]
        lines += [f"note: {note}" for note in self.notes]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "original": self.original if self.found else None,
            "chain": self.chain,
            "confidence": round(self.confidence, 4),
            "lost": list(self.lost),
            "steps": [
                {"written_as": s.written_as.label, "read_as": s.read_as.label, "bytes": s.data.hex(" ")}
                for s in self.steps
            ],
            "segments": [
                {
                    "start": seg.start,
                    "end": seg.end,
                    "seen": seg.seen,
                    "original": seg.original,
                    "chain": [[s.written_as.label, s.read_as.label] for s in seg.steps],
                    "confidence": round(seg.confidence, 4),
                }
                for seg in self.segments
                if seg.original is not None
            ],
            "notes": list(self.notes),
        }


def _short(text: str, limit: int = 60) -> str:
    one_line = text.replace("\r", "").replace("\n", " ⏎ ").strip()
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
