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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, TypeAlias, TypeGuard

from app.record.hostinfo import os_description

__all__ = [
    "FORMAT_VERSION",
    "CastFormatError",
    "CastHeader",
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

_STREAM_RE = re.compile(r"[A-Za-z0-9_.-]+")
_RESIZE_RE = re.compile(r"([0-9]+)x([0-9]+)")
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
    """The first line of a ``.cast`` file.

    ``mojiscope`` is ``None`` for a recording made by something else (plain asciinema); unknown
    top-level keys are kept in ``extra`` so reading and writing back loses nothing.
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
        """The header object in asciinema's key order, leaving out what is unknown."""
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
        for key, value in self.extra.items():
            obj.setdefault(key, value)
        return obj

    @classmethod
    def from_json(cls, obj: Any) -> CastHeader:
        """Check and convert a parsed header line; raises ``ValueError`` saying what is wrong."""
        if not isinstance(obj, dict):
            raise ValueError(f'expected the asciicast header object {{"version": 2, ...}}, got {_preview(obj)}')
        version = obj.get("version")
        if version != 2 or isinstance(version, bool):
            if "version" not in obj:
                raise ValueError('the header has no "version"; expected an asciicast v2 header')
            raise ValueError(f"asciicast version {version!r} is not supported; expected version 2")
        sizes: list[int] = []
        for key in ("width", "height"):
            value = obj.get(key)
            if not _is_int(value) or value <= 0:
                missing = "is missing" if key not in obj else f"is {_preview(value)}"
                raise ValueError(f'header "{key}" {missing}; expected a positive whole number')
            sizes.append(value)
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
        return cls(
            width=sizes[0],
            height=sizes[1],
            timestamp=int(timestamp) if timestamp is not None else None,
            command=command if isinstance(command, str) else None,
            title=title if isinstance(title, str) else None,
            idle_time_limit=float(limit) if _is_number(limit) else None,
            env=dict(env),
            mojiscope=dict(moji) if moji is not None else None,
            extra={k: v for k, v in obj.items() if k not in known},
        )


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
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"event time must be a finite number of seconds >= 0, got {t!r}")
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
        if not (_is_int(cols) and _is_int(rows) and cols > 0 and rows > 0):
            raise ValueError(f"terminal size must be positive whole numbers, got {cols!r}x{rows!r}")
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


def _preview(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"


def read_cast(source: str | os.PathLike[str] | BinaryIO, *, strict: bool = False) -> Recording:
    """Read a ``.cast`` file (ours or plain asciinema v2) into a :class:`Recording`.

    A file cut off in the middle of its last line (a crash while recording) reads up to the last
    whole line with ``truncated=True``, or raises with ``strict=True``.  Anything else malformed
    raises :class:`CastFormatError` naming the line; I/O errors (no such file) raise ``OSError``.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return parse_cast(f, strict=strict)
    return parse_cast(source, strict=strict)


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


def parse_cast(lines: Iterable[bytes], *, strict: bool = False) -> Recording:
    """Parse the lines of a ``.cast`` file (each ``bytes``, with its ``\\n`` unless it is the last)."""
    return _Reader(strict).run(lines)


class _Reader:
    """The state of one read: the header, events so far, and whether a ``"b"`` may come next."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.header: CastHeader | None = None
        self.events: list[Event] = []
        self.b_target: int | None = None  # index of the "o"/"i" event a "b" may complete
        self.blank_at: int | None = None
        self.lineno = 0
        self.truncated = False

    def run(self, lines: Iterable[bytes]) -> Recording:
        for raw in lines:
            self.lineno += 1
            try:
                self.line(raw)
            except CastFormatError:
                if raw.endswith(b"\n") or _parses(raw):
                    raise
                # The last line was cut off mid-way (a crash while recording).
                if self.header is None:
                    raise self.fail(
                        "the header line is cut off: the recording ended before anything was recorded"
                    ) from None
                if self.strict:
                    raise self.fail(
                        "the file ends in the middle of this line (the recording was cut off); "
                        "read it without strict to replay up to the last whole line"
                    ) from None
                self.truncated = True
                self.lineno -= 1
                break
        if self.header is None:
            raise CastFormatError(1, "the file is empty; expected an asciicast v2 header line")
        return Recording(self.header, self.events, truncated=self.truncated, lines=self.lineno)

    def fail(self, problem: str) -> CastFormatError:
        return CastFormatError(self.lineno, problem)

    def line(self, raw: bytes) -> None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(f"not valid UTF-8 at byte {exc.start} of the line; a .cast file is UTF-8 text") from None
        if not text.strip():
            if self.header is None:
                raise self.fail("the file starts with a blank line; expected an asciicast v2 header line")
            self.blank_at = self.blank_at or self.lineno
            return
        if self.blank_at is not None:
            raise self.fail(
                f"events after the blank line {self.blank_at} (asciinema stops reading at a blank line); remove it"
            )
        text = text.rstrip("\r\n")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            what = "header" if self.header is None else "event"
            raise self.fail(f"not valid JSON ({exc.msg} at column {exc.colno}) in the {what} line") from None
        except RecursionError:
            raise self.fail("JSON nested too deeply to be an asciicast line") from None
        if self.header is None:
            try:
                self.header = CastHeader.from_json(obj)
            except ValueError as exc:
                raise self.fail(str(exc)) from None
            return
        self.event(obj, text)

    def event(self, obj: Any, text: str) -> None:
        if not (isinstance(obj, list) and len(obj) == 3 and isinstance(obj[1], str)):
            raise self.fail(f"expected [time, code, data], got {_preview(text.strip())}")
        t_raw, code, data = obj
        if not _is_number(t_raw) or t_raw < 0:
            raise self.fail(f"event time must be a number of seconds >= 0, got {_preview(t_raw)}")
        t = float(t_raw)
        b_target, self.b_target = self.b_target, None
        if code == "b":
            self.exact(t, data, b_target)
            return
        if code in ("o", "i"):
            if not isinstance(data, str):
                raise self.fail(f'"{code}" event data must be a string, got {_preview(data)}')
            encoded = data.encode("utf-8", "surrogatepass")
            event: Event
            if code == "o":
                event = OutputEvent(t, encoded, data, self.header.default_stream if self.header else "pty")
            else:
                event = InputEvent(t, encoded, data)
            self.events.append(event)
            self.b_target = len(self.events) - 1
        elif code == "r":
            match = _RESIZE_RE.fullmatch(data) if isinstance(data, str) else None
            if match is None or int(match[1]) == 0 or int(match[2]) == 0:
                raise self.fail(f'"r" event data must be "COLSxROWS" like "80x24", got {_preview(data)}')
            self.events.append(ResizeEvent(t, int(match[1]), int(match[2])))
        elif code == "m":
            if not isinstance(data, str):
                raise self.fail(f'"m" event data must be a label string, got {_preview(data)}')
            self.events.append(MarkerEvent(t, data))
        elif code == "x":
            status: int | None = None
            if _is_int(data):
                status = data
            elif isinstance(data, str) and re.fullmatch(r"-?[0-9]+", data.strip()):
                status = int(data)
            if status is None:
                raise self.fail(f'"x" event data must be an exit status like "0", got {_preview(data)}')
            self.events.append(ExitEvent(t, status))
        else:
            self.events.append(OtherEvent(t, code, data))

    def exact(self, t: float, data: Any, target: int | None) -> None:
        """A ``"b"`` line: the exact bytes of the ``"o"``/``"i"`` event on the line before."""
        if target is None:
            raise self.fail('a "b" event must come right after the "o" or "i" event whose bytes it gives')
        if not isinstance(data, str):
            raise self.fail(f'"b" event data must be a base64 string, got {_preview(data)}')
        previous = self.events[target]
        assert isinstance(previous, (OutputEvent, InputEvent))
        if t != previous.t:
            code = "o" if isinstance(previous, OutputEvent) else "i"
            raise self.fail(f'"b" event time {t!r} differs from its "{code}" event\'s time {previous.t!r}')
        stream: str | None = None
        payload = data
        if ":" in data:
            stream, payload = data.split(":", 1)
            if not _STREAM_RE.fullmatch(stream):
                raise self.fail(f'bad stream name {_preview(stream)} in "b" event')
            if isinstance(previous, InputEvent):
                raise self.fail('a "b" event after an "i" event cannot name a stream')
        try:
            exact = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self.fail(f'"b" event data is not valid base64 ({exc}): {_preview(data)}') from None
        if isinstance(previous, OutputEvent):
            self.events[target] = replace(previous, data=exact, stream=stream or previous.stream)
        else:
            self.events[target] = replace(previous, data=exact)
