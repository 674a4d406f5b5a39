"""Bytes to text: the one place in the VT engine where decoding happens.

Everything downstream (parser, screen, inspector) sees only ``str``; keeping the codec, its
pending partial characters and the byte-offset bookkeeping here is what lets the inspector map a
screen cell back to the exact bytes that wrote it, and lets "decode as" swap code pages without
any other layer noticing.
"""

from __future__ import annotations

import codecs
import difflib
import encodings
import encodings.aliases
import functools
import pkgutil
import sys
from typing import Protocol

__all__ = ["Decoder", "UnknownEncodingError", "known_encodings", "normalize_encoding"]

# Text codecs that are not byte-stream encodings a program could write to a terminal: they raise
# whatever the error handler (idna, punycode, undefined) or warn and interpret backslashes
# (unicode-escape, raw-unicode-escape). Accepting them would break "never raises on bad bytes".
_UNUSABLE = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"})

# Shown in error messages: what people debugging mojibake actually reach for.
_COMMON = (
    "utf-8",
    "gbk",
    "cp936",
    "gb18030",
    "big5",
    "shift_jis",
    "euc-kr",
    "cp437",
    "cp850",
    "cp1252",
    "latin-1",
    "utf-16-le",
)

# CPython's CJK codecs scan up to 15 bytes after an ISO-2022 ESC for the sequence's final byte
# (MAX_ESCSEQLEN) but keep at most 8 bytes pending between calls (MAXDECPENDING).
_ESC_SCAN = 15
_MAX_PENDING = 8
_MAX_HELD = 64



class UnknownEncodingError(ValueError):
    """Raised for names that are not usable text encodings, with names that would work."""


def _lookup(name: str) -> tuple[str, str]:
    """(canonical name, "") if usable, else ("", why not as a format string)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: embedded NUL in the name
        return "", "unknown encoding {name}"
    if not info._is_text_encoding:
        return "", "{name} is not a text encoding but a bytes-to-bytes or str-to-str codec"
    if info.name in _UNUSABLE:
        return "", "{name} is a text codec, but not one for decoding a terminal's byte stream"
    return info.name, ""


def normalize_encoding(name: str) -> str:
    """Resolve aliases so that equal codecs compare equal (cp936 and GBK are one codec)."""
    canonical, why = _lookup(name)
    if canonical:
        return canonical
    shown = name if len(name) <= 40 else name[:40] + "…"
    close = difflib.get_close_matches(name.strip().lower(), known_encodings(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    valid = ", ".join(_COMMON)
    raise UnknownEncodingError(f"{why.format(name=repr(shown))}{hint} (valid names include: {valid})")


@functools.lru_cache(maxsize=1)
def _known() -> tuple[str, ...]:
    candidates = set(encodings.aliases.aliases.values())
    candidates.update(m.name for m in pkgutil.iter_modules(encodings.__path__))
    # Misses are non-text codecs, helper modules and other platforms' codecs (mbcs off Windows).
    return tuple(sorted({_lookup(c)[0] for c in candidates} - {""}))


def known_encodings() -> list[str]:
    """Canonical names on this interpreter; varies by platform (mbcs/oem exist only on Windows)."""
    return list(_known())


class _IncrementalDecoder(Protocol):
    def decode(self, input: bytes, final: bool = ...) -> str: ...
    def getstate(self) -> tuple[bytes, int]: ...
    def setstate(self, state: tuple[bytes, int]) -> None: ...


_BOMS = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


class _BomSniffer:
    """utf-16/utf-32 that fall back to native byte order without a BOM.

    CPython's own incremental decoders raise "stream does not start with BOM" where
    ``bytes.decode`` silently assumes native order; this keeps split and whole decoding equal.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._head = b""
        self._order = ""  # "", then "le" or "be" once the first code unit has been seen
        self._inner: codecs.IncrementalDecoder | None = None

    def decode(self, input: bytes, final: bool = False) -> str:
        if self._inner is None:
            bom_le, bom_be = _BOMS[self._name]
            head = self._head + input
            if len(head) < len(bom_le) and not final:
                self._head = head
                return ""
            if head.startswith(bom_le):
                self._order, input = "le", head[len(bom_le) :]
            elif head.startswith(bom_be):
                self._order, input = "be", head[len(bom_be) :]
            else:
                self._order, input = sys.byteorder[0] + "e", head
            self._head = b""
            self._inner = codecs.getincrementaldecoder(f"{self._name}-{self._order}")("replace")
        return self._inner.decode(input, final)

    def getstate(self) -> tuple[bytes, int]:
        if self._inner is None:
            return (self._head, 0)
        return (self._inner.getstate()[0], 1 if self._order == "le" else 2)

    def setstate(self, state: tuple[bytes, int]) -> None:
        self._head, self._inner = b"", None
        if state[1] == 0:
            self._head = state[0]
        else:
            self._order = "le" if state[1] == 1 else "be"
            self._inner = codecs.getincrementaldecoder(f"{self._name}-{self._order}")("replace")
            self._inner.setstate((state[0], 0))


def _new_codec(name: str) -> _IncrementalDecoder:
    if name in _BOMS:
        return _BomSniffer(name)
    return codecs.getincrementaldecoder(name)(errors="replace")


class Decoder:
    """Incremental decoder: bytes in any Python codec to text, a character split across reads joined.

    Invalid bytes become U+FFFD (never an exception), one per maximal ill-formed subpart as
    Python's codecs do; C1 code points and NULs pass through because they mean something to the
    parser. ``bytes_in`` and ``chars_out`` count what went through since the last reset.

    Which bytes wrote which cell is not tracked here (that would cost on every chunk for a question
    asked on a click): :mod:`app.inspect.source_map` and :mod:`app.inspect.cell_trace` answer it on
    demand from the session's byte log.
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self._encoding = normalize_encoding(encoding)
        self._codec = _new_codec(self._encoding)
        self._held = b""  # bytes we keep back ourselves, see _recover
        self.bytes_in = 0
        self.chars_out = 0

    @property
    def encoding(self) -> str:
        return self._encoding

    def decode(self, data: bytes) -> str:
        return self._run(data, final=False) if data else ""

    def flush(self) -> str:
        """End of stream: a dangling partial character is shown as U+FFFD rather than lost."""
        return self._run(b"", final=True)

    def set_encoding(self, name: str) -> str:
        """Switch codec for the following bytes; returns what flushing the old codec produced.

        Selecting the current codec again is a no-op, so that a character split across the
        call is not turned into U+FFFD. An invalid name raises before anything changes.
        """
        new = normalize_encoding(name)
        if new == self._encoding:
            return ""
        text = self.flush()
        self._encoding = new
        self._codec = _new_codec(new)
        return text

    def reset(self) -> None:
        """Back to a freshly constructed decoder (same encoding): pending bytes and counters are dropped."""
        self._codec = _new_codec(self._encoding)
        self._held = b""
        self.bytes_in = 0
        self.chars_out = 0

    def _run(self, data: bytes, final: bool) -> str:
        state = self._codec.getstate()
        self.bytes_in += len(data)
        if self._held:
            data = self._held + data
            self._held = b""
        try:
            text = self._codec.decode(data, final)
        except UnicodeError:  # errors="replace" is set, so this is a codec limit, not bad input
            text = self._recover(state, data, final)
        self.chars_out += len(text)
        return text

    def _recover(self, state: tuple[bytes, int], data: bytes, final: bool) -> str:
        """Work around "pending buffer overflow" from CPython's ISO-2022 decoders.

        They keep an unfinished escape sequence pending but refuse to keep more than 8 bytes of
        it, so a read that ends in ESC plus 8..14 more bytes raises. We hold back the tail
        ourselves instead, cutting where no ESC lies 9..15 bytes before the cut: there the
        codec's own pending part cannot exceed 8 bytes, and since its state plus our held bytes
        is exactly the rest of the stream, the text is what decoding the stream whole gives.
        """
        both = state[0] + data  # take the codec's pending bytes over, so any cut can be chosen
        self._codec.setstate((b"", state[1]))
        if not final:
            for cut in range(len(both) - 1, max(-1, len(both) - _MAX_HELD), -1):
                if b"\x1b" in both[max(0, cut - _ESC_SCAN) : max(0, cut - _MAX_PENDING)]:
                    continue
                try:
                    text = self._codec.decode(both[:cut])
                except UnicodeError:  # a limit we do not know of
                    self._codec.setstate((b"", state[1]))
                    break
                self._held = both[cut:]
                return text
        # ESCs too dense to cut anywhere near the end: give up split-exactness (each unfinished
        # sequence becomes U+FFFD now) rather than raise or hold bytes without bound.
        return self._codec.decode(both, True)
