"""Annotation of a byte stream: which bytes are text, controls or sequences, and what they mean.

This is the engine of ``python -m app inspect`` and of the Bytes panel's explanations.  It runs
the *same* state machine as the terminal (``Parser.feed_traced``) and names sequences from the
*same* catalogue as the dispatcher, so the explanation of a byte is what the engine does with
it — a sequence the engine ignores is shown as such, never dropped.
"""

from __future__ import annotations

import codecs
from dataclasses import asdict, dataclass

from . import modes as M
from .catalogue import lookup
from .charsets import CHARSET_NAMES
from .decoder import normalize_encoding
from .parser import Parser, State, parse_params
from .style import RGB_FLAG

__all__ = ["Token", "annotate", "char_spans", "describe_csi", "describe_sgr"]

KIND_TEXT = "text"
KIND_CONTROL = "control"
KIND_ESC = "ESC"
KIND_CSI = "CSI"
KIND_OSC = "OSC"
KIND_DCS = "DCS"
KIND_STRING = "string"
KIND_INVALID = "invalid"
KIND_INCOMPLETE = "incomplete"


@dataclass
class Token:
    """One annotated piece of the stream: ``data`` starts at byte ``offset``."""

    offset: int
    data: bytes
    kind: str
    sequence: str
    meaning: str
    supported: bool = True

    @property
    def hex(self) -> str:
        return self.data.hex(" ").upper()

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["data"] = self.hex
        return d


# ---------------------------------------------------------------- decoding with spans
def char_spans(data: bytes, encoding: str) -> tuple[str, list[int]]:
    """Decode *data* and give, for every character, the byte offset where it starts.

    ``starts`` has one more entry than the text (the end), so character *i* came from
    ``data[starts[i]:starts[i + 1]]``.  A trailing incomplete character becomes U+FFFD spanning
    the leftover bytes.  Byte by byte on purpose: this runs on what is inspected, not on the
    terminal's hot path, and it is exact for every codec.
    """
    if normalize_encoding(encoding) in ("utf-8",):
        return _utf8_spans(data)
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    text_parts: list[str] = []
    starts: list[int] = []
    pending_start = 0
    for i in range(len(data)):
        out = dec.decode(data[i : i + 1])
        if out:
            # Bytes the codec still holds (e.g. GBK keeping the second byte of a bad pair) belong
            # to the characters that come later.
            try:
                held = len(dec.getstate()[0])
            except Exception:
                held = 0
            consumed_to = max(pending_start + 1, i + 1 - held)
            _distribute(out, pending_start, consumed_to, starts)
            text_parts.append(out)
            pending_start = consumed_to
    out = dec.decode(b"", True)
    if out:
        _distribute(out, pending_start, len(data), starts)
        text_parts.append(out)
    starts.append(len(data))
    return "".join(text_parts), starts


def _distribute(out: str, begin: int, end: int, starts: list[int]) -> None:
    # Several characters from one byte range (rare: invalid runs): the first gets the range's start,
    # the others split what is left one byte each as far as possible.
    for k in range(len(out)):
        starts.append(min(begin + k, end - 1) if k else begin)


def _utf8_spans(data: bytes) -> tuple[str, list[int]]:
    text = data.decode("utf-8", errors="replace")
    starts: list[int] = []
    pos = 0
    n = len(data)
    # Walk the text with the byte lengths that UTF-8 implies; replacement characters take the
    # maximal ill-formed subpart, found by decoding that stretch alone.
    for ch in text:
        starts.append(pos)
        if ch != "\ufffd":
            pos += len(ch.encode("utf-8"))
            continue
        if data[pos : pos + 3] == b"\xef\xbf\xbd":
            pos += 3
            continue
        # Find the shortest prefix from pos that decodes to exactly one U+FFFD followed by nothing
        # pending: that is the ill-formed subpart.
        k = 1
        while pos + k < n and (data[pos + k] & 0xC0) == 0x80 and k < 4:
            if data[pos : pos + k + 1].decode("utf-8", errors="replace") != "\ufffd":
                break
            k += 1
        pos += k
    starts.append(n)
    return text, starts


# ---------------------------------------------------------------- describing sequences
_COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]


def _colour_name(c: int) -> str:
    if c & RGB_FLAG:
        return f"#{c & 0xFFFFFF:06x}"
    if c < 8:
        return _COLOURS[c]
    if c < 16:
        return "bright " + _COLOURS[c - 8]
    return f"colour {c}"


_SGR_NAMES = {
    0: "reset",
    1: "bold",
    2: "dim",
    3: "italic",
    4: "underline",
    5: "blink",
    6: "rapid blink",
    7: "reverse",
    8: "hidden",
    9: "strikethrough",
    21: "double underline",
    22: "normal intensity",
    23: "not italic",
    24: "no underline",
    25: "no blink",
    27: "not reversed",
    28: "visible",
    29: "no strikethrough",
    39: "default foreground",
    49: "default background",
    53: "overline",
    55: "no overline",
    59: "default underline colour",
}
_UNDERLINES = {
    0: "no underline",
    1: "underline",
    2: "double underline",
    3: "curly underline",
    4: "dotted underline",
    5: "dashed underline",
}


def describe_sgr(pstr: str) -> str:
    """Words for an SGR parameter string, e.g. ``"1;31"`` → ``"bold, foreground red"``."""
    values, groups = parse_params(pstr)
    if not values:
        return "reset"
    out: list[str] = []
    i = 0
    n = len(values)
    while i < n:
        p = values[i]
        group = groups[i] if groups else None
        if p in (38, 48, 58):
            target = {38: "foreground", 48: "background", 58: "underline colour"}[p]
            colour: int | None = None
            if group is not None and len(group) > 1:
                if group[1] == 5 and len(group) > 2:
                    colour = group[2] & 0xFF
                elif group[1] == 2 and len(group) >= 5:
                    r, g, b = group[-3:]
                    colour = RGB_FLAG | (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF)
            elif i + 2 < n and values[i + 1] == 5:
                colour = values[i + 2] & 0xFF
                i += 2
            elif i + 4 < n and values[i + 1] == 2:
                r, g, b = values[i + 2 : i + 5]
                colour = RGB_FLAG | (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF)
                i += 4
            else:
                i = n
            out.append(f"{target} {_colour_name(colour)}" if colour is not None else f"{target} (incomplete)")
        elif p == 4 and group is not None and len(group) > 1:
            out.append(_UNDERLINES.get(group[1], "underline"))
        elif 30 <= p <= 37:
            out.append(f"foreground {_COLOURS[p - 30]}")
        elif 40 <= p <= 47:
            out.append(f"background {_COLOURS[p - 40]}")
        elif 90 <= p <= 97:
            out.append(f"foreground bright {_COLOURS[p - 90]}")
        elif 100 <= p <= 107:
            out.append(f"background bright {_COLOURS[p - 100]}")
        elif p in _SGR_NAMES:
            out.append(_SGR_NAMES[p])
        else:
            out.append(f"{p} (ignored)")
        i += 1
    return ", ".join(out)


def _mode_words(private: bool, values: tuple[int, ...]) -> str:
    table = M.DEC_MODES if private else M.ANSI_MODES
    words = []
    for v in values:
        info = table.get(v)
        prefix = "?" if private else ""
        if info is None:
            words.append(f"{prefix}{v} (unknown mode)")
        else:
            extra = {M.ACTS: "", M.RECORDED: " [recorded, no effect here]"}.get(info.support, f" [{info.support}]")
            words.append(f"{prefix}{v} {info.mnemonic} ({info.meaning}){extra}")
    return "; ".join(words) if words else "(no mode)"


_ED = {0: "below the cursor", 1: "above the cursor", 2: "the whole screen", 3: "the scrollback"}
_EL = {0: "right of the cursor", 1: "left of the cursor", 2: "the whole line"}


def describe_csi(private: str, pstr: str, intermediates: str, final: str) -> tuple[str, bool]:
    """``("SGR: bold, foreground red", supported)`` for one CSI sequence."""
    key = private + intermediates + final
    entry = lookup("CSI", key)
    if entry is None:
        return f"unknown CSI sequence (final {final!r}) — not implemented, ignored", False
    head = f"{entry.mnemonic}: "
    values, _ = parse_params(pstr)
    if entry.mnemonic == "SGR":
        return head + describe_sgr(pstr), True
    if entry.mnemonic in ("SM", "RM", "DECSET", "DECRST"):
        verb = "set" if final == "h" else "reset"
        return f"{entry.mnemonic}: {verb} {_mode_words(private == '?', values)}", True
    if entry.mnemonic in ("CUP", "HVP"):
        row = values[0] if values and values[0] else 1
        col = values[1] if len(values) > 1 and values[1] else 1
        return f"{head}{entry.name}: row {row}, column {col}", True
    if entry.mnemonic in ("ED", "DECSED"):
        how = values[0] if values else 0
        return f"{head}{entry.name}: {_ED.get(how, f'{how} (ignored)')}", True
    if entry.mnemonic in ("EL", "DECSEL"):
        how = values[0] if values else 0
        return f"{head}{entry.name}: {_EL.get(how, f'{how} (ignored)')}", True
    if entry.mnemonic == "DECSTBM":
        top = values[0] if values and values[0] else 1
        bottom = str(values[1]) if len(values) > 1 and values[1] else "last row"
        return f"{head}{entry.name}: rows {top} to {bottom}", True
    text = head + entry.name
    if entry.params.startswith("Pn") and values:
        text += f" ×{values[0] or 1}"
    elif values:
        text += " (" + ";".join(str(v) for v in values) + ")"
    if not entry.supported:
        text += " — not implemented, ignored"
    elif entry.note:
        text += f" — {entry.note}"
    return text, entry.supported


def describe_esc(intermediates: str, final: str) -> tuple[str, bool]:
    key = intermediates + final
    entry = lookup("ESC", key)
    if entry is None:
        return f"unknown ESC sequence {key!r} — ignored", False
    text = f"{entry.mnemonic}: {entry.name}"
    if entry.mnemonic == "SCS":
        designator = key[1:]
        text += f": {CHARSET_NAMES.get(designator, repr(designator))}"
    if not entry.supported:
        text += " — not implemented, ignored"
    elif entry.note:
        text += f" — {entry.note}"
    return text, entry.supported


def describe_osc(data: str) -> tuple[str, bool]:
    command, _, rest = data.partition(";")
    entry = lookup("OSC", command)
    shown = rest if len(rest) <= 60 else rest[:57] + "…"
    if entry is None:
        return f"OSC {command}: unknown — ignored", False
    text = f"{entry.mnemonic}: {entry.name}"
    if shown:
        text += f" {shown!r}"
    if not entry.supported:
        text += " — " + (entry.note or "not implemented, ignored")
    return text, entry.supported


def describe_control(ch: str) -> tuple[str, bool]:
    kind = "C1" if "\x80" <= ch <= "\x9f" else "C0"
    entry = lookup(kind, ch)
    if entry is None:
        return f"{kind} control U+{ord(ch):04X} (ignored)", False
    text = f"{entry.mnemonic}: {entry.name}"
    if entry.note:
        text += f" — {entry.note}"
    return text, entry.supported


def _printable_seq(text: str, complete: bool = True) -> str:
    """A sequence as people write it: ``CSI 1;31 m``, ``ESC ( 0``, ``OSC 0;title BEL``."""
    shown = _split_seq(text, complete)
    return "".join(_CONTROL_NAMES.get(c, c) for c in shown) if _has_inner_controls(text) else shown


def _split_seq(text: str, complete: bool) -> str:
    names = {"\x1b": "ESC", "\x07": "BEL", "\x9b": "CSI", "\x9d": "OSC", "\x90": "DCS", "\x9c": "ST"}
    if text.startswith("\x1b["):
        body = text[2:]
        head = "CSI"
    elif text.startswith("\x1b]"):
        body, head = text[2:], "OSC"
    elif text.startswith("\x1bP"):
        body, head = text[2:], "DCS"
    elif text and text[0] in names:
        body, head = text[1:], names[text[0]]
    else:
        return text
    body = body.replace("\x1b\\", " ST").replace("\x07", " BEL").replace("\x9c", " ST")
    if head == "CSI" and body and complete:
        final = body[-1]
        inner = body[:-1]
        return f"CSI {inner} {final}" if inner else f"CSI {final}"
    if head == "CSI":
        return f"CSI {body}".rstrip()
    if head == "ESC":
        return "ESC " + " ".join(body)
    return f"{head} {body}".rstrip()


_CONTROL_NAMES = {
    chr(c): f"<{n}>"
    for c, n in (
        (0x00, "NUL"),
        (0x07, "BEL"),
        (0x08, "BS"),
        (0x09, "HT"),
        (0x0A, "LF"),
        (0x0B, "VT"),
        (0x0C, "FF"),
        (0x0D, "CR"),
        (0x0E, "SO"),
        (0x0F, "SI"),
        (0x18, "CAN"),
        (0x1A, "SUB"),
        (0x7F, "DEL"),
    )
}
_CONTROL_NAMES.update({chr(c): f"<{c:02X}>" for c in [*range(0x20), 0x7F] if chr(c) not in _CONTROL_NAMES})


def _has_inner_controls(text: str) -> bool:
    """Controls other than the introducer and terminator, which would break a one-line listing."""
    inner = text[1:]
    if inner.endswith("\x07"):
        inner = inner[:-1]
    inner = inner.replace("\x1b\\", "")
    return any(c < " " or c == "\x7f" for c in inner)


# ---------------------------------------------------------------- the recording Perform
class _Recorder:
    """Receives the parser's events and turns them into character-span tokens."""

    def __init__(self, parser_ref: list[Parser]) -> None:
        self._parser = parser_ref
        self.events: list[tuple[int, int, str, str, bool]] = []  # start, end, kind, meaning, supported

    @property
    def p(self) -> Parser:
        return self._parser[0]

    def _seq(self, kind: str, meaning: str, supported: bool) -> None:
        p = self.p
        self.events.append((p.seq_start, p.pos + 1, kind, meaning, supported))

    def print(self, text: str) -> None:
        self.events.append((self.p.pos, self.p.pos + len(text), KIND_TEXT, "", True))

    def execute(self, ch: str) -> None:
        meaning, supported = describe_control(ch)
        pos = self.p.pos
        self.events.append((pos, pos + 1, KIND_CONTROL, meaning, supported))

    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None:
        self._seq(KIND_CSI, *describe_csi(private, params, intermediates, final))

    def esc_dispatch(self, intermediates: str, final: str) -> None:
        self._seq(KIND_ESC, *describe_esc(intermediates, final))

    def osc_dispatch(self, data: str, terminator: str) -> None:
        p = self.p
        # Dispatched when the terminator arrives: BEL belongs to the token, ESC of ST follows.
        end = p.pos + 1 if p.current_char == "\x07" or p.current_char == "\x9c" else p.pos
        meaning, supported = describe_osc(data)
        self.events.append((p.seq_start, end, KIND_OSC, meaning, supported))

    def dcs_dispatch(self, private: str, params: str, intermediates: str, final: str, data: str) -> None:
        p = self.p
        end = p.pos + 1 if p.current_char == "\x9c" else p.pos
        entry = lookup("DCS", private + intermediates + final)
        if entry is None:
            meaning, supported = f"DCS {private}{params}{intermediates}{final}: unknown — ignored", False
        else:
            meaning = f"{entry.mnemonic}: {entry.name}" + ("" if entry.supported else " — not implemented, ignored")
            supported = entry.supported
        self.events.append((p.seq_start, end, KIND_DCS, meaning, supported))

    def string_dispatch(self, kind: str, data: str) -> None:
        p = self.p
        end = p.pos + 1 if p.current_char == "\x9c" else p.pos
        self.events.append((p.seq_start, end, KIND_STRING, f"{kind} string (ignored)", False))

    def ignored(self, kind: str) -> None:
        p = self.p
        cancelled = p.current_char in ("\x18", "\x1a")
        if cancelled:
            why = "cancelled by CAN/SUB"
        elif p.current_char == "\x1b" or "\x80" <= p.current_char <= "\x9f":
            why = "interrupted by a new sequence — ignored"
        else:
            why = "malformed or too long — ignored"
        interrupted = p.current_char == "\x1b" or "\x80" <= p.current_char <= "\x9f"
        end = p.pos if cancelled or interrupted else p.pos + 1
        self.events.append((p.seq_start, max(end, p.seq_start + 1), kind, f"{kind} sequence {why}", False))


def annotate(data: bytes, encoding: str = "utf-8", start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens for ``data``, optionally only those overlapping bytes ``[start, end)``."""
    text, starts = char_spans(data, encoding)
    holder: list[Parser] = []
    rec = _Recorder(holder)
    parser = Parser(rec)
    holder.append(parser)
    parser.feed_traced(text)
    events = rec.events
    if parser.state != State.GROUND:
        events.append(
            (
                parser.seq_start,
                len(text),
                KIND_INCOMPLETE,
                f"incomplete sequence (the stream ends in {State.NAMES[parser.state]})",
                False,
            )
        )
    replacement = "\ufffd".encode(encoding, errors="replace") if encoding else b""
    tokens: list[Token] = []
    last_end_char = 0
    for cstart, cend, kind, meaning, supported in sorted(events, key=lambda e: (e[0], -e[1])):
        if cstart < last_end_char and kind != KIND_CONTROL:
            continue
        if (
            kind == KIND_ESC
            and text[cstart:cend] == "\x1b\\"
            and tokens
            and tokens[-1].kind in (KIND_OSC, KIND_DCS, KIND_STRING)
            and tokens[-1].offset + len(tokens[-1].data) == starts[cstart]
        ):
            # ESC \ terminating a string belongs to that string's token.
            prev = tokens[-1]
            prev.data = data[prev.offset : starts[cend]]
            prev.sequence += " ST"
            last_end_char = cend
            continue
        if kind == KIND_TEXT:
            tokens.extend(_text_tokens(text, starts, data, cstart, cend, replacement, encoding))
        else:
            b0, b1 = starts[cstart], starts[cend]
            complete = not meaning.startswith(f"{kind} sequence")  # parser-dropped ones may lack a final
            seq = _printable_seq(text[cstart:cend], complete) if kind != KIND_CONTROL else ""
            tokens.append(Token(b0, data[b0:b1], kind, seq, meaning, supported))
        last_end_char = max(last_end_char, cend)
    tokens.sort(key=lambda t: t.offset)
    if start or end is not None:
        stop = len(data) if end is None else end
        if stop <= start:
            return []
        tokens = [t for t in tokens if t.offset < stop and t.offset + len(t.data) > start]
    return tokens


def _is_prefix(raw: bytes, encoding: str) -> bool:
    """Whether *raw* could begin a character (so at the end of a stream it is cut, not invalid)."""
    try:
        return codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw) == ""
    except Exception:  # codecs that cannot decode incrementally: call it invalid
        return False


def _text_tokens(
    text: str, starts: list[int], data: bytes, c0: int, c1: int, replacement: bytes, encoding: str
) -> list[Token]:
    """ASCII stretches as one token; every other character on its own, with its code point."""
    out: list[Token] = []
    i = c0
    while i < c1:
        ch = text[i]
        if ch.isascii():
            j = i + 1
            while j < c1 and text[j].isascii():
                j += 1
            b0, b1 = starts[i], starts[j]
            out.append(Token(b0, data[b0:b1], KIND_TEXT, "", f"{j - i} ASCII character{'s' if j - i > 1 else ''}"))
            i = j
            continue
        b0, b1 = starts[i], starts[i + 1]
        raw = data[b0:b1]
        if ch == "\ufffd" and raw != replacement:
            at_end = b1 == len(data) and i == len(text) - 1 and _is_prefix(raw, encoding)
            kind = KIND_INCOMPLETE if at_end else KIND_INVALID
            why = "truncated character at the end of the stream" if at_end else "invalid bytes"
            out.append(Token(b0, raw, kind, "", f"{why} → U+FFFD", False))
        else:
            out.append(Token(b0, raw, KIND_TEXT, "", f"U+{ord(ch):04X} {ch}"))
        i += 1
    return out
