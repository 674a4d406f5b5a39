"""asciicast v2 recordings, extended so that every byte, chunk boundary and time survives.

Why this format: asciinema (and every web player built on it) can play a ``.cast`` file, so a
recording made with Mojiscope can be shared with anyone.  But asciicast v2 stores output as *text*,
and Mojiscope exists to show bytes that are *not* clean text: invalid UTF-8, GBK under a UTF-8
decoder, a character split across two reads.  So we write each chunk the way asciinema would
(``"o"``: incremental UTF-8 decode with replacement, a split character appearing whole in the later
event) and, only where that text does not re-encode to the chunk's exact bytes, the next line is a
``"b"`` event with the exact bytes in base64.  asciinema ignores event codes it does not know;
Mojiscope reads the bytes back from ``"b"``.  In short::

    {"version": 2, "width": 80, "height": 24, "timestamp": 1700000000, "command": "go test -v",
     "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}, "mojiscope": {"format": 1, ...}}
    [0.012, "o", "=== RUN   TestA\\r\\n"]
    [0.013, "o", "caf"]
    [0.013, "b", "Y2Fmww=="]                 <- "caf" + the first byte of "é": exact bytes
    [0.1, "o", "é\\r\\n"]
    [0.1, "b", "qQ0K"]                       <- only the last byte of "é" + CRLF was in this chunk
    [0.2, "o", "\\ufffd"]
    [0.2, "b", "/w=="]                       <- an invalid byte (0xFF)
    [0.25, "o", "x"]
    [0.25, "b", "stderr:eA=="]               <- a chunk from another stream (pipe capture)
    [0.3, "i", "q"]                          <- input, with a "b" after it under the same rule
    [0.31, "r", "100x30"]                    <- resize, "COLSxROWS"
    [0.32, "m", "FAIL TestA"]                <- marker with a label
    [0.4, "x", "1"]                          <- exit status, a decimal string as asciinema 3 writes it

Decisions, all checked by the reader:

- Times are seconds since the start, written with ``repr(float)`` (JSON's own float form), the
  shortest decimal that reads back as the same ``float``: timing survives bit for bit, and a time
  that is a whole number of microseconds looks just like asciinema's ``round(t, 6)``.
- ``"b"`` always follows, on the very next line and with the same time, the ``"o"`` or ``"i"`` event
  whose exact bytes it gives; its data is base64, optionally prefixed by ``STREAM:`` (base64 never
  contains ``:``) when the chunk came from a stream other than the recording's default one
  (``mojiscope.stream``, ``"pty"`` unless said otherwise; pipe capture has ``stdout`` and ``stderr``).
- ``"x"`` data is the exit status as a decimal string (asciinema 3's choice; negative is the signal
  that ended the child, as ``subprocess`` reports it); an integer is accepted when reading.
- The writer writes each event (and its ``"b"``) with one ``write`` and flushes, so a crash loses at
  most the line being written; the reader replays such a file up to its last whole line and says
  it was truncated (:attr:`Recording.truncated`).
- Event codes we do not know are kept as :class:`OtherEvent` (asciicast allows new codes).
- Plain asciinema files (no ``"b"``) read as text encoded to UTF-8; :attr:`Recording.exact_bytes`
  says whether the bytes are known to be the child's exact bytes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import io
import json
import math
import os
import re
import sys
import time
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO, TypeAlias, TypeGuard

from app import MAX_TERMINAL_SIZE
from app.record.hostinfo import os_description

if TYPE_CHECKING:
    from fractions import Fraction

__all__ = [
    "FORMAT_VERSION",
    "MAX_LINE_BYTES",
    "MAX_TIME",
    "SUPPORTED_VERSIONS",
    "CastFormatError",
    "CastHeader",
    "CastStream",
    "CastWriter",
    "Event",
    "ExitEvent",
    "InputEvent",
    "MarkerEvent",
    "OtherEvent",
    "OutputEvent",
    "Recording",
    "ResizeEvent",
    "asciinema_env",
    "mojiscope_metadata",
    "read_cast",
]

#: Version of Mojiscope's extension of asciicast v2 (``header["mojiscope"]["format"]``).
FORMAT_VERSION = 1

#: asciicast versions read: 2 (asciinema 2, and what Mojiscope writes) and 3 (asciinema 3's default).
SUPPORTED_VERSIONS = (2, 3)
#: Longest line read; a line is one read of output, a few kB (the line is refused, not read, beyond this).
MAX_LINE_BYTES = 4 * 1024 * 1024
#: Latest event time written or read, in seconds (ten years): a time of 1e300 once hung the replay and its bar.
MAX_TIME = 10 * 366 * 24 * 3600

_STREAM_RE = re.compile(r"[A-Za-z0-9_.-]+")
_RESIZE_RE = re.compile(r"([0-9]{1,18})x([0-9]{1,18})")
_PREVIEW = 80


class CastFormatError(ValueError):
    """A recording that cannot be read; ``str(exc)`` names the line and what is wrong with it."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


# --------------------------------------------------------------------------- header


def asciinema_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``env`` object asciinema writes: ``SHELL`` and ``TERM`` of the recorded environment.

    Pass the child's environment (``None``: this process's); keys that are not set are left out,
    as asciinema does.  On Windows ``SHELL`` falls back to ``COMSPEC`` so a player shows something.
    """
    source = os.environ if env is None else env
    out: dict[str, str] = {}
    shell = source.get("SHELL") or (source.get("COMSPEC") if sys.platform == "win32" else None)
    if shell:
        out["SHELL"] = shell
    term = source.get("TERM")
    if term:
        out["TERM"] = term
    return out


def app_version() -> str:
    """This program's version (its package metadata; a frozen build carries a copy), or ``unknown``."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("mojiscope")
        except PackageNotFoundError:
            return "unknown"
    except ImportError:  # pragma: no cover - importlib.metadata is stdlib since 3.8
        return "unknown"


def mojiscope_metadata(
    *,
    backend: str,
    fidelity: str,
    profile: str | None = None,
    argv: Sequence[str] = (),
    cwd: str | None = None,
    encoding: str | None = None,
    code_pages: Mapping[str, Any] | None = None,
    utf8: bool | None = None,
    env_overlay: Mapping[str, str | None] | None = None,
    stream: str = "pty",
    **extra: Any,
) -> dict[str, Any]:
    """The ``mojiscope`` header object, so a recording says how it was made.

    ``code_pages`` is whatever the probe reported (e.g. ``{"input": 65001, "output": 936, "acp": 1252}``
    or a POSIX locale description); ``env_overlay`` is what a profile or the UTF-8 switch added
    (``None`` as a value means "removed").  Extra keyword arguments are stored as given.
    """
    meta: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "version": app_version(),
        "platform": sys.platform,
        "os": os_description(),
        "backend": backend,
        "fidelity": fidelity,
        "profile": profile,
        "argv": list(argv),
        "cwd": cwd,
        "encoding": encoding,
        "code_pages": dict(code_pages) if code_pages is not None else None,
        "utf8": utf8,
        "env_overlay": dict(env_overlay) if env_overlay is not None else {},
        "stream": stream,
    }
    meta.update(extra)
    return meta


@dataclass
class CastHeader:
    """The first line of a ``.cast`` file (asciicast v2, or v3 as asciinema 3 writes it).

    ``mojiscope`` is ``None`` for a recording made by something else (plain asciinema); unknown
    top-level keys are kept in ``extra`` so reading and writing back loses nothing.  ``version`` is the
    version the file was written in; a v3 header's ``term`` object (``type``, ``version``, ``theme``,
    beyond ``cols``/``rows``) is kept in ``term``.
    """

    width: int
    height: int
    timestamp: int | None = field(default_factory=lambda: int(time.time()))
    command: str | None = None
    title: str | None = None
    idle_time_limit: float | None = None
    env: dict[str, str] = field(default_factory=asciinema_env)
    mojiscope: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    version: int = 2
    term: dict[str, Any] | None = None

    @property
    def default_stream(self) -> str:
        """The stream of output chunks whose ``"b"`` carries no ``STREAM:`` prefix."""
        if self.mojiscope is not None:
            stream = self.mojiscope.get("stream")
            if isinstance(stream, str) and _STREAM_RE.fullmatch(stream):
                return stream
        return "pty"

    @property
    def fidelity(self) -> str | None:
        """What the recorded bytes are worth, as the recording source said (``None``: not said)."""
        if self.mojiscope is None:
            return None
        value = self.mojiscope.get("fidelity")
        return value if isinstance(value, str) else None

    def to_json(self) -> dict[str, Any]:
        """The header object in asciinema's v2 key order, leaving out what is unknown.

        Mojiscope writes v2 (asciinema 2 and 3 both play it); a v3 header's ``term`` details are kept
        under ``"term"``, which v2 players ignore.
        """
        obj: dict[str, Any] = {"version": 2, "width": self.width, "height": self.height}
        if self.timestamp is not None:
            obj["timestamp"] = self.timestamp
        if self.idle_time_limit is not None:
            obj["idle_time_limit"] = self.idle_time_limit
        if self.command is not None:
            obj["command"] = self.command
        if self.title is not None:
            obj["title"] = self.title
        obj["env"] = dict(self.env)
        if self.mojiscope is not None:
            obj["mojiscope"] = dict(self.mojiscope)
        if self.term:
            obj["term"] = dict(self.term)
        for key, value in self.extra.items():
            obj.setdefault(key, value)
        return obj

    @classmethod
    def from_json(cls, obj: Any) -> CastHeader:
        """Check and convert a parsed header line; raises ``ValueError`` saying what is wrong."""
        if not isinstance(obj, dict):
            raise ValueError(f'expected the asciicast header object {{"version": 2, ...}}, got {_preview(obj)}')
        version = obj.get("version")
        if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
            if "version" not in obj:
                raise ValueError('the header has no "version"; expected an asciicast v2 or v3 header')
            raise ValueError(
                f"asciicast version {_preview(version)} is not supported; Mojiscope reads versions 2 and 3"
            )
        term: dict[str, Any] | None = None
        if version == 3:
            term_obj = obj.get("term")
            if not isinstance(term_obj, dict):
                missing = "is missing" if "term" not in obj else f"is {_preview(term_obj)}"
                raise ValueError(f'header "term" {missing}; expected an object like {{"cols": 80, "rows": 24}}')
            width = _header_size(term_obj, "cols", "term.cols", "--cols")
            height = _header_size(term_obj, "rows", "term.rows", "--rows")
            term = {k: v for k, v in term_obj.items() if k not in ("cols", "rows")}
        else:
            width = _header_size(obj, "width", "width", "--cols")
            height = _header_size(obj, "height", "height", "--rows")
        timestamp = obj.get("timestamp")
        if timestamp is not None and not _is_number(timestamp):
            raise ValueError(f'header "timestamp" is {_preview(timestamp)}; expected seconds since 1970')
        env = obj.get("env", {})
        if env is None:
            env = {}
        if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
            raise ValueError(f'header "env" is {_preview(env)}; expected an object of strings')
        moji = obj.get("mojiscope")
        if moji is not None and not isinstance(moji, dict):
            raise ValueError(f'header "mojiscope" is {_preview(moji)}; expected an object')
        limit = obj.get("idle_time_limit")
        command = obj.get("command")
        title = obj.get("title")
        known = {"version", "width", "height", "timestamp", "idle_time_limit", "command", "title", "env", "mojiscope"}
        if version == 3:
            known = (known - {"width", "height"}) | {"term"}
        return cls(
            width=width,
            height=height,
            timestamp=int(timestamp) if timestamp is not None else None,
            command=command if isinstance(command, str) else None,
            title=title if isinstance(title, str) else None,
            idle_time_limit=float(limit) if _is_number(limit) else None,
            env=dict(env),
            mojiscope=dict(moji) if moji is not None else None,
            extra={k: v for k, v in obj.items() if k not in known},
            version=version,
            term=term,
        )


def _header_size(obj: dict[str, Any], key: str, name: str, flag: str) -> int:
    """A size from the header, within the limits the command line has (``--cols``/``--rows``)."""
    value = obj.get(key)
    if not _is_int(value) or value <= 0:
        missing = "is missing" if key not in obj else f"is {_preview(value)}"
        raise ValueError(f'header "{name}" {missing}; expected a positive whole number')
    if value > MAX_TERMINAL_SIZE:
        raise ValueError(f'header "{name}" is {value}, over the limit of {MAX_TERMINAL_SIZE} (as for {flag})')
    return value


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class OutputEvent:
    """One read chunk of the child's output: its exact ``data`` and asciinema's ``text`` of it."""

    t: float
    data: bytes
    text: str
    stream: str = "pty"


@dataclass(frozen=True, slots=True)
class InputEvent:
    """Bytes sent to the child (keys, paste, replies), with asciinema's text of them."""

    t: float
    data: bytes
    text: str


@dataclass(frozen=True, slots=True)
class ResizeEvent:
    """The terminal was resized to ``cols`` x ``rows``."""

    t: float
    cols: int
    rows: int


@dataclass(frozen=True, slots=True)
class MarkerEvent:
    """A bookmark: a test started or failed, or the user pressed "mark"."""

    t: float
    label: str


@dataclass(frozen=True, slots=True)
class ExitEvent:
    """The child exited with ``status`` (negative: the signal that ended it)."""

    t: float
    status: int


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """An event code this version does not know, kept as it was."""

    t: float
    code: str
    data: Any


Event: TypeAlias = OutputEvent | InputEvent | ResizeEvent | MarkerEvent | ExitEvent | OtherEvent


@dataclass
class Recording:
    """A recording read back: the header, the events in file order, and whether it was cut off."""

    header: CastHeader
    events: list[Event]
    #: True when the file ended in the middle of a line (a crash while recording); ``events`` holds
    #: everything up to the last whole line.
    truncated: bool = False
    #: Number of whole lines read, header included.
    lines: int = 1

    @property
    def outputs(self) -> list[OutputEvent]:
        """The output chunks in order, each with its exact bytes."""
        return [e for e in self.events if isinstance(e, OutputEvent)]

    @property
    def duration(self) -> float:
        """Time of the last event (0.0 for an empty recording)."""
        return max((e.t for e in self.events), default=0.0)

    @property
    def exit_status(self) -> int | None:
        """The last ``"x"`` status, or ``None`` if the recording has none (e.g. it was cut off)."""
        for event in reversed(self.events):
            if isinstance(event, ExitEvent):
                return event.status
        return None

    @property
    def markers(self) -> list[MarkerEvent]:
        return [e for e in self.events if isinstance(e, MarkerEvent)]

    @property
    def exact_bytes(self) -> bool:
        """True when written by Mojiscope: output without a ``"b"`` is then known to be exact UTF-8.

        A plain asciinema file only has text, so bytes asciinema replaced by U+FFFD are gone.
        """
        return self.header.mojiscope is not None

    def output_bytes(self) -> bytes:
        """Every output byte, all streams, in order."""
        return b"".join(e.data for e in self.events if isinstance(e, OutputEvent))


# --------------------------------------------------------------------------- writing


def _check_time(t: float) -> float:
    value = float(t)
    if not math.isfinite(value) or value < 0 or value > MAX_TIME:
        raise ValueError(f"event time must be a finite number of seconds from 0 to {MAX_TIME:,}, got {t!r}")
    return value


class CastWriter:
    """Writes a recording line by line, flushing each line, so a crash loses at most one line.

    ``target`` is a path (created or truncated) or an open file, binary or text; a file passed in is
    flushed but not closed by :meth:`close`.  Times are seconds since the start of the recording
    (subtract the first chunk's ``Chunk.time`` yourself); they are written exactly.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | BinaryIO | TextIO,
        header: CastHeader | Mapping[str, Any],
        *,
        default_stream: str | None = None,
    ) -> None:
        if isinstance(header, CastHeader):
            head = replace(header, mojiscope=dict(header.mojiscope) if header.mojiscope is not None else {})
        else:
            head = CastHeader.from_json({"version": 2, **header})
            if head.mojiscope is None:
                head.mojiscope = {}
        assert head.mojiscope is not None
        head.mojiscope.setdefault("format", FORMAT_VERSION)
        if default_stream is not None:
            head.mojiscope["stream"] = default_stream
        stream = head.mojiscope.setdefault("stream", "pty")
        if not isinstance(stream, str) or not _STREAM_RE.fullmatch(stream):
            raise ValueError(f"stream name {stream!r} must be letters, digits, '_', '-' or '.'")
        self.header = head
        self.default_stream: str = stream
        self._decoders: dict[str, codecs.IncrementalDecoder] = {}
        self._input_decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._text: TextIO | None = None
        self._binary: IO[bytes] | None = None
        self._owned = False
        #: The file written, when a path was given (``None`` for a file object).
        self.path: Path | None = None
        if isinstance(target, (str, os.PathLike)):
            self._binary = open(target, "wb")  # noqa: SIM115 - owned, closed by close()
            self._owned = True
            self.path = Path(target)
        elif isinstance(target, io.TextIOBase):
            self._text = typing.cast(TextIO, target)
        else:
            self._binary = typing.cast(BinaryIO, target)
        self.closed = False
        #: Number of event lines written ("b" lines not counted).
        self.events_written = 0
        self._write([json.dumps(head.to_json(), ensure_ascii=False, separators=(", ", ": "), default=str)], events=0)

    # -- events

    def output(self, data: bytes | bytearray | memoryview, t: float, stream: str | None = None) -> None:
        """One read chunk of output, exactly as read (do not merge or split chunks)."""
        t = _check_time(t)
        name = self.default_stream if stream is None else stream
        if not _STREAM_RE.fullmatch(name):
            raise ValueError(f"stream name {name!r} must be letters, digits, '_', '-' or '.'")
        decoder = self._decoders.get(name)
        if decoder is None:
            decoder = self._decoders[name] = codecs.getincrementaldecoder("utf-8")("replace")
        data = bytes(data)
        text = decoder.decode(data)
        lines = [self._event(t, "o", text)]
        if name != self.default_stream:
            lines.append(self._event(t, "b", f"{name}:{base64.b64encode(data).decode('ascii')}"))
        elif text.encode("utf-8") != data:
            lines.append(self._event(t, "b", base64.b64encode(data).decode("ascii")))
        self._write(lines)

    def input(self, data: bytes | bytearray | memoryview, t: float) -> None:
        """Bytes sent to the child; a ``"b"`` follows where the text would lose them."""
        t = _check_time(t)
        data = bytes(data)
        text = self._input_decoder.decode(data)
        lines = [self._event(t, "i", text)]
        if text.encode("utf-8") != data:
            lines.append(self._event(t, "b", base64.b64encode(data).decode("ascii")))
        self._write(lines)

    def resize(self, cols: int, rows: int, t: float) -> None:
        if not (_is_int(cols) and _is_int(rows) and 0 < cols <= MAX_TERMINAL_SIZE and 0 < rows <= MAX_TERMINAL_SIZE):
            raise ValueError(
                f"terminal size must be whole numbers from 1 to {MAX_TERMINAL_SIZE}, got {cols!r}x{rows!r}"
            )
        self._write([self._event(_check_time(t), "r", f"{cols}x{rows}")])

    def marker(self, label: str, t: float) -> None:
        self._write([self._event(_check_time(t), "m", str(label))])

    def exit(self, status: int, t: float) -> None:
        """The child's exit status (negative: the signal), written as asciinema 3 does: ``"1"``."""
        if not _is_int(status):
            raise ValueError(f"exit status must be a whole number, got {status!r}")
        self._write([self._event(_check_time(t), "x", str(status))])

    # -- file

    def flush(self) -> None:
        target = self._text if self._text is not None else self._binary
        if target is not None and not self.closed:
            target.flush()

    def close(self) -> None:
        """Flush and, if the writer opened the file, close it.  Safe to call twice.

        A character still incomplete at the end was never written as text (asciinema behaves the
        same); its bytes are in the last ``"b"`` event already.
        """
        if self.closed:
            return
        self.flush()
        self.closed = True
        if self._owned and self._binary is not None:
            self._binary.close()

    def __enter__(self) -> CastWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _event(self, t: float, code: str, data: str) -> str:
        return json.dumps([t, code, data], ensure_ascii=False, separators=(", ", ": "), allow_nan=False)

    def _write(self, lines: list[str], events: int = 1) -> None:
        if self.closed:
            raise ValueError("the recording is closed; nothing more can be written to it")
        text = "".join(line + "\n" for line in lines)
        if self._text is not None:
            # A lone surrogate (only possible in a caller's marker label) cannot be written as UTF-8;
            # JSON's \\uXXXX escape keeps it readable by any JSON parser.
            self._text.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
            self._text.flush()
        else:
            assert self._binary is not None
            self._binary.write(text.encode("utf-8", "backslashreplace"))
            self._binary.flush()
        self.events_written += events


# --------------------------------------------------------------------------- reading


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _preview(value: object) -> str:
    """A short, one-line, inert rendering of a value from the file for an error message: controls are
    written as escapes, so a value can neither break the message's line nor drive the user's terminal."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError):  # a number too long to print, nesting too deep
        text = f"a {type(value).__name__}"
    text = text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def read_cast(source: str | os.PathLike[str] | BinaryIO, *, strict: bool = False) -> Recording:
    """Read a whole ``.cast`` file (ours, asciinema's v2 or v3) into a :class:`Recording` in memory.

    For small files and tests; the app streams recordings with :class:`CastStream` instead, so a file of any
    size is read in bounded memory.  A file cut off in the middle of its last line (a crash while recording)
    reads up to the last whole line with ``truncated=True``, or raises with ``strict=True``.  Anything else
    malformed raises :class:`CastFormatError` naming the line; I/O errors (no such file) raise ``OSError``.
    """
    with CastStream(source, strict=strict) as stream:
        events = list(stream.events())
        return Recording(stream.header, events, truncated=stream.truncated, lines=stream.lines)


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Exact:
    """A ``"b"`` line, before it is joined to the event on the line before it."""

    t: float
    data: Any


class CastStream:
    """A ``.cast`` read as a stream: the header at once, then :meth:`events` one line at a time.

    Why a stream: a recording is input from anyone and may be gigabytes; holding its events (or its bytes)
    in memory is what once took 3 GB for a 256 MB file.  Memory here is one line (at most
    :data:`MAX_LINE_BYTES`) and one pending event, whatever the file's size.  Every line is checked as it
    is read (sizes and times against the same limits as the command line's), so a malformed line raises
    :class:`CastFormatError` naming it when the stream gets there; a reader that needs the whole file checked
    first reads it once to the end.

    ``source`` is a path (opened here and closed by :meth:`close`) or a binary file (left open).  A seekable
    source can be read again from its first event with :meth:`rewind` (a replay seeking backwards).
    asciicast v3 (asciinema 3's default) is read too: its intervals become times since the start, its
    comment lines and blank lines are skipped, and its header's ``term`` is kept.
    """

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, *, strict: bool = False) -> None:
        self._owned = isinstance(source, (str, os.PathLike))
        self._file: BinaryIO = (
            typing.cast(BinaryIO, open(source, "rb"))  # noqa: SIM115 - owned, closed by close()
            if isinstance(source, (str, os.PathLike))
            else source
        )
        self.strict = strict
        #: Whole lines read so far, header included.
        self.lines = 0
        #: The file ended in the middle of a line (a crash while recording); the events stop before it.
        self.truncated = False
        self._blank_at: int | None = None
        self._clock: Fraction | int = 0  # v3: the sum of the intervals so far, exactly (a Fraction once one came)
        try:
            self.header: CastHeader = self._read_header()
            self._events_at = self._tell()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ file

    def close(self) -> None:
        if self._owned:
            self._file.close()

    def __enter__(self) -> CastStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def seekable(self) -> bool:
        return self._events_at is not None

    def rewind(self) -> None:
        """Read again from the first event (raises ``OSError`` for a pipe)."""
        if self._events_at is None:
            raise OSError("this recording is read from a pipe and cannot be read again")
        self._file.seek(self._events_at)
        self.lines, self.truncated, self._blank_at, self._clock = 1, False, None, 0

    def _tell(self) -> int | None:
        try:
            return self._file.tell() if self._file.seekable() else None
        except (OSError, ValueError):
            return None

    def _readline(self) -> bytes:
        raw = self._file.readline(MAX_LINE_BYTES + 1)
        if len(raw) > MAX_LINE_BYTES and not (len(raw) == MAX_LINE_BYTES + 1 and raw.endswith(b"\n")):
            raise CastFormatError(
                self.lines + 1,
                f"the line is longer than {_size(MAX_LINE_BYTES)}; a recording's line is one read of output, "
                "far shorter (is this a .cast file?)",
            )
        return raw

    # ------------------------------------------------------------------ header

    def _read_header(self) -> CastHeader:
        raw = self._readline()
        if not raw:
            raise CastFormatError(1, "the file is empty; expected an asciicast v2 header line")
        try:
            obj = self._json(raw, 1, "header")
        except CastFormatError:
            # A whole JSON document over many lines is asciicast v1 (or something else altogether).
            version = _PRETTY_VERSION.match(raw + self._file.read(4096)) if raw.endswith(b"\n") else None
            if version is not None and int(version[1]) not in SUPPORTED_VERSIONS:
                raise CastFormatError(
                    1, f"asciicast version {int(version[1])} is not supported; Mojiscope reads versions 2 and 3"
                ) from None
            if not raw.endswith(b"\n") and not _parses(raw):
                raise CastFormatError(
                    1, "the header line is cut off: the recording ended before anything was recorded"
                ) from None
            raise
        if obj is _BLANK:
            raise CastFormatError(1, "the file starts with a blank line; expected an asciicast v2 header line")
        try:
            header = CastHeader.from_json(obj)
        except ValueError as exc:
            raise CastFormatError(1, str(exc)) from None
        self.lines = 1
        return header

    def _json(self, raw: bytes, lineno: int, what: str) -> Any:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CastFormatError(
                lineno, f"not valid UTF-8 at byte {exc.start} of the line; a .cast file is UTF-8 text"
            ) from None
        if not text.strip():
            return _BLANK
        try:
            return json.loads(text.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            raise CastFormatError(
                lineno, f"not valid JSON ({exc.msg} at column {exc.colno}) in the {what} line"
            ) from None
        except RecursionError:
            raise CastFormatError(lineno, "JSON nested too deeply to be an asciicast line") from None
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            raise CastFormatError(lineno, f"not a usable {what} line ({exc})") from None

    # ------------------------------------------------------------------ events

    def events(self) -> Iterator[Event]:
        """The events from here to the end of the file, each checked as it is read.

        An ``"o"``/``"i"`` event is held until the next line shows whether a ``"b"`` gives its exact bytes.
        """
        pending: OutputEvent | InputEvent | None = None
        while True:
            raw = self._readline()
            if not raw:
                break
            lineno = self.lines + 1
            try:
                item = self._parse(raw, lineno, pending)
                if isinstance(item, _Exact):
                    assert pending is not None
                    exact = self._exact(item, pending, lineno)
            except CastFormatError:
                if raw.endswith(b"\n") or _parses(raw):
                    if pending is not None:
                        yield pending  # everything before the bad line is given (as text, if its "b" was bad)
                    raise
                # The last line was cut off mid-way (a crash while recording).
                if self.strict:
                    raise CastFormatError(
                        lineno,
                        "the file ends in the middle of this line (the recording was cut off); "
                        "read it without strict to replay up to the last whole line",
                    ) from None
                self.truncated = True
                break
            self.lines = lineno
            if item is None:
                continue
            if isinstance(item, _Exact):
                yield exact
                pending = None
                continue
            if pending is not None:
                yield pending
                pending = None
            if isinstance(item, (OutputEvent, InputEvent)):
                pending = item
            else:
                yield item
        if pending is not None:
            yield pending

    def _parse(self, raw: bytes, lineno: int, pending: OutputEvent | InputEvent | None) -> Event | _Exact | None:
        v3 = self.header.version == 3
        if v3 and raw.startswith(b"#"):
            return None  # a comment line (asciicast v3)
        obj = self._json(raw, lineno, "event")
        if obj is _BLANK:
            if not v3:
                self._blank_at = self._blank_at or lineno
            return None
        if self._blank_at is not None:
            raise CastFormatError(
                lineno,
                f"events after the blank line {self._blank_at} (asciinema stops reading at a blank line); remove it",
            )
        if not (isinstance(obj, list) and len(obj) == 3 and isinstance(obj[1], str)):
            raise CastFormatError(lineno, f"expected [time, code, data], got {_preview(raw.decode('utf-8').strip())}")
        t_raw, code, data = obj
        t = self._time(t_raw, lineno)
        if code == "b":
            if pending is None:
                raise CastFormatError(
                    lineno, 'a "b" event must come right after the "o" or "i" event whose bytes it gives'
                )
            return _Exact(t, data)
        return _event(t, code, data, lineno, self.header.default_stream)

    def _time(self, t_raw: Any, lineno: int) -> float:
        """Seconds since the start: v2 writes them, v3 writes the interval since the previous event."""
        v3 = self.header.version == 3
        what = "event interval" if v3 else "event time"
        if not _is_number(t_raw) or t_raw < 0:
            raise CastFormatError(lineno, f"{what} must be a number of seconds >= 0, got {_preview(t_raw)}")
        if t_raw > MAX_TIME:
            raise CastFormatError(lineno, f"{what} {_preview(t_raw)} s is over the limit of {MAX_TIME:,} s (ten years)")
        if not v3:
            return float(t_raw)
        from fractions import Fraction  # v3 only: not loaded with the app (decimal with it: start-up time)

        clock = self._clock + Fraction(t_raw)
        if clock > MAX_TIME:
            raise CastFormatError(lineno, f"the recording's time passes the limit of {MAX_TIME:,} s (ten years) here")
        self._clock = clock
        return float(clock)

    def _exact(self, item: _Exact, previous: OutputEvent | InputEvent, lineno: int) -> OutputEvent | InputEvent:
        """A ``"b"`` line: the exact bytes of the ``"o"``/``"i"`` event on the line before."""
        data = item.data
        if not isinstance(data, str):
            raise CastFormatError(lineno, f'"b" event data must be a base64 string, got {_preview(data)}')
        if item.t != previous.t:
            code = "o" if isinstance(previous, OutputEvent) else "i"
            raise CastFormatError(
                lineno, f'"b" event time {item.t!r} differs from its "{code}" event\'s time {previous.t!r}'
            )
        stream: str | None = None
        payload = data
        if ":" in data:
            stream, payload = data.split(":", 1)
            if not _STREAM_RE.fullmatch(stream):
                raise CastFormatError(lineno, f'bad stream name {_preview(stream)} in "b" event')
            if isinstance(previous, InputEvent):
                raise CastFormatError(lineno, 'a "b" event after an "i" event cannot name a stream')
        try:
            exact = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CastFormatError(lineno, f'"b" event data is not valid base64 ({exc}): {_preview(data)}') from None
        if isinstance(previous, OutputEvent):
            return replace(previous, data=exact, stream=stream or previous.stream)
        return replace(previous, data=exact)


_BLANK: Any = object()
_PRETTY_VERSION = re.compile(rb'\A[ \t\r\n]*\{[ \t\r\n]*"version"[ \t\r\n]*:[ \t\r\n]*(-?[0-9]{1,9})[ \t\r\n]*[,}]')
_STATUS_RE = re.compile(r"-?[0-9]{1,12}")


def _event(t: float, code: str, data: Any, lineno: int, default_stream: str) -> Event:
    """One checked event line (not ``"b"``)."""
    if code in ("o", "i"):
        if not isinstance(data, str):
            raise CastFormatError(lineno, f'"{code}" event data must be a string, got {_preview(data)}')
        encoded = data.encode("utf-8", "surrogatepass")
        if code == "o":
            return OutputEvent(t, encoded, data, default_stream)
        return InputEvent(t, encoded, data)
    if code == "r":
        match = _RESIZE_RE.fullmatch(data) if isinstance(data, str) else None
        if match is None or int(match[1]) == 0 or int(match[2]) == 0:
            raise CastFormatError(lineno, f'"r" event data must be "COLSxROWS" like "80x24", got {_preview(data)}')
        cols, rows = int(match[1]), int(match[2])
        if cols > MAX_TERMINAL_SIZE or rows > MAX_TERMINAL_SIZE:
            raise CastFormatError(
                lineno,
                f'"r" event size {cols}x{rows} is over the limit of {MAX_TERMINAL_SIZE} columns and rows '
                "(as for --cols/--rows)",
            )
        return ResizeEvent(t, cols, rows)
    if code == "m":
        if not isinstance(data, str):
            raise CastFormatError(lineno, f'"m" event data must be a label string, got {_preview(data)}')
        return MarkerEvent(t, data)
    if code == "x":
        status: int | None = None
        if _is_int(data) and abs(data) < 10**12:
            status = data
        elif isinstance(data, str) and _STATUS_RE.fullmatch(data.strip()):
            status = int(data)
        if status is None:
            raise CastFormatError(lineno, f'"x" event data must be an exit status like "0", got {_preview(data)}')
        return ExitEvent(t, status)
    return OtherEvent(t, code, data)
