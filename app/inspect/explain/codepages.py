"""The code pages the explainer searches, and one step of mojibake undone: encode with the reader, decode with
the writer.

A step of mojibake is "text written as bytes in code page W, those bytes read as code page R". Undoing it from what
the user sees means encoding the seen text with R (the bytes R must have been given) and decoding those bytes with W.
Both must succeed, except where information was lost on the way, which this module finds and marks instead of
refusing the step:

- the reader replaced bytes it could not decode: U+FFFD (Python, .NET, browsers) or ``?`` (Windows' legacy
  conversions) in the seen text. The bytes behind them are gone; the writer's decode fails next to them and the
  original gets one U+FFFD there.
- the text was cut: a selection or a read that begins inside a character (trail bytes at the start) or ends inside
  one (an incomplete sequence at the end).

Any other undecodable byte means the hypothesis is wrong, and the step is refused.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass, field

__all__ = [
    "CODE_PAGES",
    "REPLACEMENT",
    "CodePage",
    "Loss",
    "Reversal",
    "code_page",
    "decode_keeping_losses",
    "reverse_step",
]

REPLACEMENT = "\ufffd"
#: At most this many places of loss in one step; past it the hypothesis explains nothing.
MAX_LOSSES = 64
#: A character is at most four bytes: a text cut inside one lacks at most three at either end.
MAX_CUT = 3


@dataclass(frozen=True)
class CodePage:
    """One code page: the Python codec, how the story names it, and its family (two code pages of one family
    read each other's text alike, so reading one as the other is not mojibake worth naming)."""

    codec: str
    label: str
    family: str
    single_byte: bool = False


#: The code pages that matter to a Windows Go developer and their readers, in the order a tie is broken (the more
#: common name first: GBK before GB18030, cp1252 before Latin-1).
CODE_PAGES: tuple[CodePage, ...] = (
    CodePage("utf-8", "UTF-8", "utf-8"),
    CodePage("gbk", "GBK (cp936)", "gb"),
    CodePage("gb18030", "GB18030", "gb"),
    CodePage("cp950", "Big5 (cp950)", "big5"),
    CodePage("cp932", "Shift-JIS (cp932)", "sjis"),
    CodePage("cp949", "EUC-KR (cp949)", "euc-kr"),
    CodePage("cp1252", "cp1252 (Windows Latin-1)", "cp1252", True),
    CodePage("latin-1", "Latin-1 (ISO 8859-1)", "latin-1", True),
    CodePage("cp437", "cp437 (DOS US)", "cp437", True),
    CodePage("cp850", "cp850 (DOS Latin-1)", "cp850", True),
    CodePage("cp866", "cp866 (DOS Cyrillic)", "cp866", True),
    CodePage("cp1251", "cp1251 (Windows Cyrillic)", "cp1251", True),
    CodePage("koi8-r", "KOI8-R", "koi8-r", True),
    CodePage("utf-16-le", "UTF-16LE", "utf-16"),
)

_BY_NAME = {codecs.lookup(cp.codec).name: cp for cp in CODE_PAGES}


def code_page(name: str) -> CodePage:
    """The code page for a codec name or alias (``cp936`` → GBK); raises ``LookupError`` for one not searched."""
    key = codecs.lookup(name).name
    if key in _BY_NAME:
        return _BY_NAME[key]
    raise LookupError(f"{name!r} is not one of the code pages explained ({', '.join(cp.codec for cp in CODE_PAGES)})")


@dataclass(frozen=True)
class Loss:
    """Information that did not survive a step: ``kind`` is ``replaced`` (the reader put U+FFFD or ``?`` for bytes
    it could not decode), ``cut-start`` or ``cut-end`` (the text begins or ends inside a character); ``at`` is the
    index in the step's output where U+FFFD stands for it."""

    kind: str
    at: int


@dataclass(frozen=True)
class Reversal:
    """One step undone: ``text`` is what the writer meant, ``data`` the bytes that travelled."""

    text: str
    data: bytes
    losses: tuple[Loss, ...] = field(default=())


@functools.cache
def _sentinel(codec: str) -> int | None:
    """A byte the codec cannot decode alone nor as the second byte of any pair: it stands for a byte the reader
    lost, and always fails to decode, so the writer's decode marks the loss exactly there."""
    for b in range(0xFF, 0x7F, -1):
        try:
            bytes([b]).decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            continue
        for lead in range(0x80, 0x100):
            try:
                bytes([lead, b]).decode(codec)
            except UnicodeDecodeError:
                continue
            break
        else:
            return b
    return None


@functools.lru_cache(maxsize=512)
def _encode_plain(text: str, codec: str) -> bytes | None:
    """``text`` in ``codec``, or ``None``; cached, since the search asks for it once per writer."""
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        return None


def _encode(text: str, reader: CodePage, sentinel: int) -> tuple[bytes, frozenset[int]] | None:
    """``text`` as the reader's bytes, each U+FFFD as ``sentinel``; ``None`` when some character is not in the
    reader's code page (so the reader cannot have produced the text)."""
    if REPLACEMENT not in text:
        plain = _encode_plain(text, reader.codec)
        return None if plain is None else (plain, frozenset())
    parts: list[bytes] = []
    marks: set[int] = set()
    size = 0
    for i, piece in enumerate(text.split(REPLACEMENT)):
        if i:
            marks.add(size)
            parts.append(bytes([sentinel]))
            size += 1
        try:
            data = piece.encode(reader.codec)
        except UnicodeEncodeError:
            return None
        parts.append(data)
        size += len(data)
    return b"".join(parts), frozenset(marks)


def decode_keeping_losses(
    data: bytes, writer: CodePage, marks: frozenset[int] = frozenset(), *, question_marks: bool = True
) -> tuple[str, tuple[Loss, ...]] | None:
    """Decode ``data`` with ``writer``; an undecodable run is a loss when it touches a mark (a lost byte), a ``?``
    the reader put for lost bytes (``question_marks``), or either end of the data; any other makes it ``None``."""
    out: list[str] = []
    losses: list[Loss] = []
    pos = 0
    produced = 0
    produced_text = False
    n = len(data)
    while pos <= n:
        try:
            tail = data[pos:].decode(writer.codec)
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            good = data[pos:start].decode(writer.codec)
            produced_text = produced_text or bool(good)
            if good:
                out.append(good)
                produced += len(good)
            touches_mark = any(m in marks for m in range(start - 1, end + 1))
            followed_by_q = question_marks and end < n and data[end] == 0x3F
            if not produced_text and end <= MAX_CUT and not touches_mark:
                kind = "cut-start"
            elif end >= n and start >= n - MAX_CUT and not touches_mark:
                kind = "cut-end"
            elif touches_mark or followed_by_q:
                kind = "replaced"
            else:
                return None
            if followed_by_q and not touches_mark:
                end += 1  # the reader's "?" stood for these bytes: it goes with them
            if not (out and out[-1] == REPLACEMENT and losses and losses[-1].at == produced - 1):
                out.append(REPLACEMENT)
                losses.append(Loss(kind, produced))
                produced += 1
            if len(losses) > MAX_LOSSES:
                return None
            pos = end
            continue
        out.append(tail)
        break
    return "".join(out), tuple(losses)


def reverse_step(text: str, writer: CodePage, reader: CodePage) -> Reversal | None:
    """Undo "written as ``writer``, read as ``reader``": the writer's text, or ``None`` when the step cannot have
    made ``text`` (a character outside the reader's code page, bytes the writer cannot decode, or no change)."""
    if writer.family == reader.family:
        return None
    sentinel = _sentinel(writer.codec)
    if sentinel is None:
        # A single-byte writer decodes every byte: a lost byte cannot be told from a real one, so the loss is
        # carried through piece by piece.
        pieces = []
        for piece in text.split(REPLACEMENT):
            encoded_piece = _encode_plain(piece, reader.codec)
            if encoded_piece is None:
                return None
            pieces.append(encoded_piece)
        try:
            decoded = [p.decode(writer.codec) for p in pieces]
        except UnicodeDecodeError:
            return None
        result = REPLACEMENT.join(decoded)
        losses = []
        at = 0
        for d in decoded[:-1]:
            at += len(d)
            losses.append(Loss("replaced", at))
            at += 1
        data = bytes([0x3F]).join(pieces)
        return None if result == text else Reversal(result, data, tuple(losses))
    encoded = _encode(text, reader, sentinel)
    if encoded is None:
        return None
    data, marks = encoded
    if writer.codec == "utf-16-le" and (marks or len(data) % 2):
        return None  # a lost or odd byte breaks UTF-16's pairs: nothing after it can be trusted
    decoded_losses = decode_keeping_losses(data, writer, marks, question_marks=b"?" in data)
    if decoded_losses is None:
        return None
    result, found = decoded_losses
    if result == text or (found and not recovers_anything(result)):
        return None
    return Reversal(result, data, found)


def recovers_anything(text: str) -> bool:
    """Whether a lossy step gave back more than it lost: more characters beyond ASCII than replacement characters.
    One that did not explains nothing (any bytes "decode" to U+FFFD, and a stray character among them proves
    nothing)."""
    lost = text.count(REPLACEMENT)
    return sum(1 for ch in text if ch > "\x7f") - lost > lost
