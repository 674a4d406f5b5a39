"""``python -m app …`` / ``mojiscope …``: the headless commands (and, with none, the app).

Every bad argument or unreadable input ends in one line on stderr that says what is wrong and
how to mend it, with exit status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import math
import os
import re
import shutil
import signal
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TextIO

from app import MAX_TERMINAL_SIZE

if TYPE_CHECKING:
    from app.record.cast import CastStream, Recording
    from app.session import Session, SessionEvent
    from app.vt import Terminal
    from app.vt.annotate import Token

__all__ = ["main"]

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for; its message is the whole one-line explanation."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line (its default prints the usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give a positive size like 80") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not positive; give a size of at least 1")
    if value > MAX_TERMINAL_SIZE:
        raise argparse.ArgumentTypeError(f"{text!r} is too large; give at most {MAX_TERMINAL_SIZE}")
    return value


def _offset(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a byte offset; give a number such as 128 or 0x80") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; byte offsets start at 0")
    return value


def _cell(text: str) -> tuple[int, int]:
    row, sep, col = text.replace(" ", "").partition(",")
    if not sep or not row.isdigit() or not col.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a cell; give ROW,COL counted from 0, like 0,3")
    return int(row), int(col)


def _encoding(text: str) -> str:
    from app.vt.decoder import UnknownEncodingError, known_encodings, normalize_encoding

    try:
        return normalize_encoding(text)
    except UnknownEncodingError as exc:
        why = str(exc).split(" (valid names include")[0]
        raise argparse.ArgumentTypeError(f"{why}; valid names: {', '.join(known_encodings())}") from None


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number; give a speed such as 1, 2.5 or 0 (instant)"
        ) from None
    if math.isnan(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a speed; give 0 (instant) or a positive factor like 2")
    return value


def _read_head(path: str, keep: int) -> tuple[bytes, int]:
    """The first ``keep`` bytes of the input and its whole size, with one-line errors; the rest is read in
    blocks and dropped, so a file of any size takes a few MB (issue 12: no file can eat the memory)."""
    with _open_input(path) as f:
        try:
            head = f.read(keep)
            total = len(head)
            while block := f.read(1 << 20):
                total += len(block)
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return head, total


def _open_input(path: str) -> BinaryIO:
    """The file (or stdin for ``-``) as a binary stream; a missing file and the like are one-line errors."""
    if path == "-":
        return io.BufferedReader(_Prefixed(b"", sys.stdin.buffer))  # closing it leaves stdin open
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file; give the path of a byte capture or .cast") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory; give a file") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


class _Prefixed(io.RawIOBase):
    """``head`` followed by the rest of ``inner``: what was read to look at a pipe's first line, put back.
    Closing it does not close ``inner`` (stdin stays open)."""

    def __init__(self, head: bytes, inner: BinaryIO) -> None:
        self._head = head
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: typing.Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._inner.read(len(view))
        view[: len(data)] = data
        return len(data)


_CAST_START = re.compile(rb"\A[ \t\r\n]*\{[ \t\r\n]*\"version\"[ \t\r\n]*:[ \t\r\n]*(-?[0-9]+)")
_HEADER_KEYS = ("width", "height", "term", "stdout")


def _looks_like_cast(head: bytes) -> bool:
    """A recording, by content: its first line is an asciicast header object — a ``"version"`` and the size
    (``width``/``height``, v3's ``term``, v1's ``stdout``) — of any version, so that one this app cannot read
    is refused by name instead of being shown as raw JSON text; or, asciicast v1 being a pretty-printed JSON
    document, it starts with ``{"version": N`` and names those keys soon after."""
    if _CAST_START.match(head) and any(f'"{key}"'.encode() in head for key in _HEADER_KEYS):
        return True
    if not head.lstrip(b" \t").startswith(b"{"):
        return False
    first = head.split(b"\n", 1)[0]
    try:
        obj = json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and "version" in obj and any(key in obj for key in _HEADER_KEYS)


def _open_recording_or_bytes(path: str) -> tuple[BinaryIO, bool]:
    """The input, seekable or not, with whether it is a recording (looked at without reading all of it)."""
    from app.record.cast import MAX_LINE_BYTES

    f = _open_input(path)
    try:
        head = f.readline(MAX_LINE_BYTES)
        if len(head) < 64:
            head += f.read(4096)  # a pretty-printed JSON document (asciicast v1) starts with a short line
    except OSError as exc:
        f.close()
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if f.seekable():
        f.seek(0)
    else:
        f = io.BufferedReader(_Prefixed(head, f))
    return f, _looks_like_cast(head)


def _cast_stream(path: str, f: BinaryIO) -> CastStream:
    from app.record.cast import CastStream

    try:
        with _recording_errors(path):
            return CastStream(f)
    except UsageError:
        f.close()
        raise


@contextlib.contextmanager
def _recording_errors(path: str) -> Iterator[None]:
    """A recording found malformed or unreadable while it is read: one line naming it, as at its start.
    (``BrokenPipeError`` is not a reading error: our own reader went away, and main() ends quietly.)"""
    from app.record.cast import CastFormatError

    try:
        yield
    except CastFormatError as exc:
        raise UsageError(f"{path}: {exc}") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _note_truncated(path: str, truncated: bool, lines: int) -> None:
    if truncated:
        print(
            f"mojiscope: note: {path} was cut off mid-line (a recording interrupted by a crash?); "
            f"using its first {lines} whole lines",
            file=sys.stderr,
        )


def _check_engine(term: Terminal) -> None:
    """A screen is printed only if the engine took every byte: an internal failure is an error, not a result."""
    if term.internal_errors:
        raise UsageError(
            f"the terminal engine failed {term.internal_errors} time(s) on this input ({term.last_internal_error}); "
            "the screen would be wrong, so it is not printed — please report this with the file"
        )


def build_parser() -> argparse.ArgumentParser:
    from app.pty import BACKENDS
    from app.record.cast import app_version

    parser = _Parser(prog="mojiscope", description="See what really travels between a program and a terminal.")
    parser.add_argument("--version", action="version", version=f"mojiscope {app_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = sub.add_parser("render", help="feed a byte file to the terminal engine and print the text it shows")
    render.add_argument(
        "file", metavar="FILE", help="raw bytes as a program wrote them, or a .cast recording ('-' for stdin)"
    )
    render.add_argument("--cols", type=_positive_int, default=None, help="terminal width (default 80, or the .cast's)")
    render.add_argument("--rows", type=_positive_int, default=None, help="terminal height (default 24, or the .cast's)")
    render.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode with")
    render.add_argument("--scrollback", type=int, default=10_000, help="rows of history kept (default 10000)")
    render.add_argument("--onlcr", action="store_true", help=ONLCR_HELP)

    inspect = sub.add_parser("inspect", help="annotated dump of a byte stream: offset, bytes, kind, meaning")
    inspect.add_argument("file", metavar="FILE", help="raw bytes ('-' for stdin)")
    inspect.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode with")
    inspect.add_argument("--from", dest="start", type=_offset, default=0, help="first byte offset shown")
    inspect.add_argument("--to", dest="end", type=_offset, default=None, help="byte offset where the listing stops")
    inspect.add_argument("--json", action="store_true", help="one JSON object per token")
    inspect.add_argument("--onlcr", action="store_true", help=ONLCR_HELP + "; offsets are in that stream")
    inspect.add_argument(
        "--cell",
        type=_cell,
        default=None,
        metavar="ROW,COL",
        help="the bytes that wrote one cell, as the window's click finds them: ROW counts the rows render prints "
        "(scrollback, then screen) from 0, COL the columns from 0",
    )
    inspect.add_argument("--cols", type=_positive_int, default=None, help="terminal width for --cell (default 80)")
    inspect.add_argument("--rows", type=_positive_int, default=None, help="terminal height for --cell (default 24)")

    record = sub.add_parser(
        "record",
        help="run a command on a real pty (or pipes), show its output as it runs and record it as .cast",
        usage="%(prog)s -o OUT.cast [--profile NAME] [--utf8|--no-utf8] [--backend NAME] "
        "[--cols N --rows N] [--encoding CP] -- CMD...",
    )
    record.add_argument("-o", "--output", required=True, metavar="OUT.cast", help="the recording to write")
    record.add_argument(
        "--profile", default=None, help="shell profile: command (argv as given; the default with CMD), bash, sh, …"
    )
    record.add_argument(
        "--utf8",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="enforce UTF-8 the profile's way (locale, PYTHONUTF8, IUTF8, chcp…); default on",
    )
    record.add_argument(
        "--backend", choices=BACKENDS, default=None, help="where the command runs (default: pty; conpty on Windows)"
    )
    record.add_argument("--cols", type=_positive_int, default=None, help="terminal width (default: ours, or 80)")
    record.add_argument("--rows", type=_positive_int, default=None, help="terminal height (default: ours, or 24)")
    record.add_argument("--encoding", type=_encoding, default="utf-8", help="code page the terminal decodes with")
    record.add_argument(
        "--markers",
        action="store_true",
        help="mark the recording where a go test test starts or fails, as the window's Tests panel does",
    )
    record.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD", help="the command to run, after --")

    replay = sub.add_parser("replay", help="play a .cast recording to this terminal, or print its final screen")
    replay.add_argument("file", metavar="FILE", help="a .cast recording (Mojiscope's or asciinema's)")
    replay.add_argument("--speed", type=_speed, default=1.0, help="playback speed factor (default 1; 0: instant)")
    replay.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode with (--render)")
    replay.add_argument("--render", action="store_true", help="print the final screen as text instead of playing")
    replay.add_argument("--cols", type=_positive_int, default=None, help="terminal width (default: the recording's)")
    replay.add_argument("--rows", type=_positive_int, default=None, help="terminal height (default: the recording's)")

    sub.add_parser("sequences", help="print the supported-sequences table (Markdown) from the catalogue")

    from app.bench import runner as bench

    bench_parser = sub.add_parser("bench", help="engine throughput against pyte on the same streams")
    bench.add_arguments(bench_parser)

    env_parser = sub.add_parser("env", help="another process's environment against this one's (default: the shell)")
    env_parser.add_argument(
        "--pid", type=_pid, default=None, help="process whose environment to read (default: the parent shell)"
    )
    env_parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    codepage_parser = sub.add_parser("codepage", help="what the code page probes report here, the encoding named")
    codepage_parser.add_argument(
        "--pid", type=_pid, default=None, help="process whose locale / console to probe (default: this one)"
    )
    codepage_parser.add_argument("--json", action="store_true", help="one JSON object instead of text")

    explain = sub.add_parser(
        "explain",
        help="name how text became mojibake (written as X, read as Y, maybe twice) and give the original",
        usage="%(prog)s TEXT | --hex 'E4 BD A0 …' | --file F [--read-as CP] [--json]",
    )
    explain.add_argument("text", nargs="?", metavar="TEXT", help="the garbled text as you see it")
    explain.add_argument("--hex", metavar="HEX", help="the bytes, in hex (spaces optional): E4 BD A0 or e4bda0")
    explain.add_argument("--file", metavar="F", help="a file of the raw bytes ('-' for stdin)")
    explain.add_argument(
        "--read-as", default="utf-8", metavar="CP", help="code page the bytes were read with (default utf-8)"
    )
    explain.add_argument("--json", action="store_true", help="original, chain, confidence, lost (and more) as JSON")

    views = sub.add_parser(
        "two-views",
        help="run a command on a terminal (pty/ConPTY) and through pipes, and show what differs",
        usage="%(prog)s [--json] [--timeout S] -- CMD...",
    )
    views.add_argument("--json", action="store_true", help="both views and their differences as JSON")
    views.add_argument("--timeout", type=_speed, default=60.0, help="seconds each run may take (default 60)")
    views.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD", help="the command to run, after --")

    shot = sub.add_parser("screenshot", help="render the main window offscreen, after a replay, to a PNG")
    shot.add_argument("--replay", metavar="FILE", default=None, help="a .cast played to its end (default: Go demo)")
    shot.add_argument("--size", type=_window_size, default=(1280, 800), help="window size WxH (default 1280x800)")
    shot.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode the replay with")
    shot.add_argument("-o", "--output", required=True, metavar="OUT.png", help="the PNG to write")
    return parser


#: Linux's largest possible pid (``PID_MAX_LIMIT`` on 64-bit); anything above is a typo, not a process.
_PID_LIMIT = 4_194_304


def _pid(text: str) -> int:
    """argparse type for ``--pid``: a positive whole number that can be a process id."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a process id; give a number such as 1234") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a process id; process ids start at 1")
    if value > _PID_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a process id; they go up to {_PID_LIMIT}")
    return value


def _window_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    if not sep or not w.isdigit() or not h.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; give width x height in pixels, like 1280x800")
    width, height = int(w), int(h)
    if not (200 <= width <= 10_000 and 150 <= height <= 10_000):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; give 200x150 to 10000x10000")
    return width, height


def _out() -> TextIO:
    """stdout that cannot fail on characters the console's encoding lacks.

    On Windows a console gets text (Python writes it as UTF-16), but a pipe or file would get the ANSI code page
    (1252 turns every CJK character into ``?``; a frozen build ignores PYTHONIOENCODING): there the output is
    UTF-8, as Go and git write it, so nothing is lost on the way to a file or another program."""
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        if sys.platform == "win32" and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="replace")
        else:
            stream.reconfigure(errors="replace")
    return stream


ONLCR_HELP = "translate each LF to CR LF as a pty does (for output redirected to a file, e.g. go test -v > out.txt)"


def as_pty_output(data: bytes) -> bytes:
    """What a pty with ONLCR (the line discipline's default) would have delivered: every LF as CR LF."""
    return data.replace(b"\n", b"\r\n")


def looks_like_redirected_capture(data: bytes) -> bool:
    """Output redirected to a file instead of a pty: line feeds, and no carriage return anywhere. A terminal
    moves down without returning on LF, so such a file renders as a staircase unless LF is translated."""
    return data.count(b"\n") >= 2 and b"\r" not in data


def _note_staircase(path: str, data: bytes, onlcr: bool) -> bytes:
    if onlcr:
        return as_pty_output(data)
    if looks_like_redirected_capture(data):
        _staircase_note(path)
    return data


def _staircase_note(path: str) -> None:
    print(
        f"mojiscope: note: {path} has line feeds without carriage returns (output redirected to a file, not a "
        "pty?); its lines step right like a staircase: add --onlcr to translate LF as a pty would",
        file=sys.stderr,
    )


def _print_screen(term: Terminal) -> None:
    """Scrollback, then the screen rows, each without trailing blanks (``render``'s output)."""
    out = _out()
    for row in term.history:
        out.write(row.rstrip() + "\n")
    for row in term.display:
        out.write(row.rstrip() + "\n")


def _parse_recording(path: str) -> Recording:
    """A whole (small) recording in memory, for the screenshot; errors are one line."""
    from app.record.cast import read_cast

    f = _open_input(path)
    try:
        with _recording_errors(path):
            recording = read_cast(f)
    finally:
        f.close()
    _note_truncated(path, recording.truncated, recording.lines)
    return recording


#: Bytes fed to the engine at a time when rendering a raw byte file (a pty's read size).
_RENDER_BLOCK = 64 * 1024


def cmd_render(args: argparse.Namespace) -> int:
    """Feed a byte file or a recording to the engine and print scrollback, then screen; the file is streamed,
    so its size does not matter (only the screen and scrollback are kept)."""
    from app.record.cast import OutputEvent, ResizeEvent
    from app.vt import Terminal

    f, is_cast = _open_recording_or_bytes(args.file)
    with f:
        if not is_cast:
            term = Terminal(
                cols=args.cols or 80, rows=args.rows or 24, scrollback=max(0, args.scrollback), encoding=args.encoding
            )
            lines = carriage_returns = 0
            try:
                while block := f.read(_RENDER_BLOCK):
                    if args.onlcr:
                        block = as_pty_output(block)
                    lines += block.count(b"\n")
                    carriage_returns += block.count(b"\r")
                    term.feed(block)
            except OSError as exc:
                raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
            if not args.onlcr and lines >= 2 and not carriage_returns:
                _staircase_note(args.file)
        else:
            stream = _cast_stream(args.file, f)
            header = stream.header
            term = Terminal(
                cols=args.cols or header.width,
                rows=args.rows or header.height,
                scrollback=max(0, args.scrollback),
                encoding=args.encoding,
            )
            # The recording's own resizes are followed, unless a size was asked for.
            follow = args.cols is None and args.rows is None
            with _recording_errors(args.file):
                for event in stream.events():
                    if isinstance(event, OutputEvent):
                        term.feed(event.data)
                    elif isinstance(event, ResizeEvent) and follow:
                        term.resize(event.cols, event.rows)
            _note_truncated(args.file, stream.truncated, stream.lines)
    term.feed_text(term.decoder.flush())
    _check_engine(term)
    _print_screen(term)
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from app.vt.annotate import annotate

    if args.end is not None and args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}; give --to after --from")
    if args.cell is None and (args.cols or args.rows):
        raise UsageError("--cols and --rows size the terminal for --cell; give --cell ROW,COL too")
    if args.cell is not None and (args.start or args.end is not None):
        raise UsageError("--cell answers for one cell; leave out --from and --to")
    f, is_cast = _open_recording_or_bytes(args.file)
    with f:
        if args.cell is not None:
            return _inspect_cell(args, f, is_cast)
        if is_cast:
            return _inspect_recording(args, _cast_stream(args.file, f))
        try:
            data = _note_staircase(args.file, f.read(), args.onlcr)
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    tokens = annotate(data, args.encoding, args.start, args.end)
    out = _out()
    for t in tokens:
        if args.json:
            out.write(json.dumps(t.as_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_token_line(t) + "\n")
    return 0


def _inspect_cell(args: argparse.Namespace, f: BinaryIO, is_cast: bool) -> int:
    """``inspect FILE --cell ROW,COL``: the bytes that last wrote the cell, found by the window's own model
    (:mod:`app.inspect.cell_map`), with their annotation (and, for a recording, the read and its time)."""

    from app.inspect.byte_view import ByteViewModel
    from app.inspect.cell_map import cell_map_of
    from app.record.cast import OutputEvent, ResizeEvent

    row, col = args.cell
    follow = args.cols is None and args.rows is None
    stream = _cast_stream(args.file, f) if is_cast else None

    def items() -> Iterator[tuple[bytes, float] | tuple[int, int]]:
        if stream is None:
            while block := f.read(_RENDER_BLOCK):
                yield (as_pty_output(block) if args.onlcr else block), 0.0
            return
        for event in stream.events():
            if isinstance(event, OutputEvent):
                yield event.data, event.t
            elif isinstance(event, ResizeEvent) and follow:
                yield event.cols, event.rows

    if stream is not None:
        cols, rows = args.cols or stream.header.width, args.rows or stream.header.height
    else:
        cols, rows = args.cols or 80, args.rows or 24
    with _recording_errors(args.file):
        cells = cell_map_of(items(), cols=cols, rows=rows, encoding=args.encoding)
    term = cells.terminal
    _check_engine(term)
    last = term.history_size + term.rows - 1
    if row > last:
        raise UsageError(f"row {row} is past the last row, {last} (rows count the scrollback, then the screen)")
    if col >= term.cols:
        raise UsageError(f"column {col} is past the last column, {term.cols - 1}")
    answer = cells.locate(row, col).run()
    shown = term.row_cells(row)[col] or (term.row_cells(row)[col - 1] if col else "")
    log = cells.log
    out = _out()
    if args.json:
        found = {"row": row, "col": col, "char": shown, "exact": answer.exact, "note": answer.note}
        if answer.span is not None:
            start, end = answer.span
            chunk = log.chunk_at(start)
            found |= {"start": start, "end": end, "bytes": log.slice(start, end).hex(" ").upper()}
            if is_cast:
                found |= {"read": chunk.index, "time": chunk.time}
        out.write(json.dumps(found, ensure_ascii=False) + "\n")
        return 0
    out.write(f"cell {row},{col} {shown!r}: {answer.note}\n")
    if answer.span is not None:
        start, end = answer.span
        data = log.slice(start, end)
        out.write(f"{data.hex(' ').upper()}\n")
        if is_cast:
            first, final = log.chunk_at(start), log.chunk_at(end - 1)
            reads = f"read #{first.index}" if first.index == final.index else f"reads #{first.index}–#{final.index}"
            out.write(f"  in {reads}, at {first.time:.6f} s\n")
        # Explained in context, as the Bytes panel explains them (its window starts after a line feed).
        window = ByteViewModel(log, args.encoding).window(start, end)
        for token in window.tokens:
            if token.offset < end and token.offset + len(token.data) > start:
                out.write("  " + _token_line(token) + "\n")
    return 0


def _token_line(t: Token, note: str = "") -> str:
    seq = f"{t.sequence}  " if t.sequence else ""
    return f"{t.offset:08d}  {t.hex:<24}  {t.kind:<10}  {seq}{t.meaning}{note}"


def _inspect_recording(args: argparse.Namespace, stream: CastStream) -> int:
    """The recorded output bytes (not the file's JSON), with a line where each read begins and its time."""
    from app.inspect.recorded import Read, annotate_reads
    from app.record.cast import OutputEvent

    reads = ((e.data, e.t, e.stream) for e in stream.events() if isinstance(e, OutputEvent))
    out = _out()
    try:
        with _recording_errors(args.file):
            for item in annotate_reads(reads, args.encoding, args.start, args.end):
                if isinstance(item, Read):
                    if args.json:
                        row = {"kind": "read", "read": item.index, "time": item.time, "offset": item.offset}
                        row |= {"size": item.size, "stream": item.stream}
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    else:
                        out.write(f"-- {item.describe()}\n")
                elif args.json:
                    out.write(json.dumps(item.as_dict(), ensure_ascii=False) + "\n")
                else:
                    note = f"  [split across reads #{item.read.index}–#{item.last_read}]" if item.split else ""
                    out.write(_token_line(item.token, note) + "\n")
    finally:
        stream.close()
    _note_truncated(args.file, stream.truncated, stream.lines)
    return 0


# -- probes (env, codepage) ----------------------------------------------------------------------


def cmd_env(args: argparse.Namespace) -> int:
    from app.inspect import probe_report
    from app.pty.probes import ProbeError

    try:
        comparison = probe_report.compare_env(args.pid)
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    out = _out()
    if args.json:
        out.write(json.dumps(probe_report.env_json(comparison), ensure_ascii=False) + "\n")
    else:
        out.write("".join(line + "\n" for line in probe_report.format_env(comparison)))
    return 0


def cmd_codepage(args: argparse.Namespace) -> int:
    from app.inspect import probe_report
    from app.pty.probes import ProbeError

    try:
        view = probe_report.probe_here(args.pid)
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    out = _out()
    if args.json:
        out.write(json.dumps(probe_report.codepage_json(view), ensure_ascii=False) + "\n")
    else:
        out.write("".join(line + "\n" for line in probe_report.format_codepage(view)))
    return 0


# -- end probes -----------------------------------------------------------------------------------


# ------------------------------------------------------------------ record


def _exit_code(status: int) -> int:
    """A child's status as a shell reports it: death by signal N is 128 + N."""
    return 128 - status if status < 0 else status


def _write_through(stream: TextIO) -> Callable[[bytes], None]:
    """Raw bytes to one of our std streams as they come; a reader that went away stops the passthrough only."""
    state = {"open": True}

    def write(data: bytes) -> None:
        if not state["open"]:
            return
        try:
            stream.buffer.write(data)
            stream.buffer.flush()
        except (BrokenPipeError, OSError, ValueError):
            state["open"] = False  # e.g. `| head` ended; the recording goes on

    return write


def _passthrough(session: Session) -> None:
    """Show the child's output on our stdout (stderr chunks of a pipe capture on our stderr), byte for byte."""
    from app.session import OutputReceived

    out, err = _write_through(sys.stdout), _write_through(sys.stderr)

    def on_event(event: SessionEvent) -> None:
        if isinstance(event, OutputReceived):
            (err if event.stream == "stderr" else out)(event.data)

    session.subscribe(on_event)


def _mark_go_tests(session: Session, encoding: str) -> None:
    """Parse the output as go test's and write a marker (``RUN Test…``, ``FAIL Test…``) where each test starts or
    fails: the same markers the window writes, so a replay's Next FAIL and marker buttons find them."""
    from app.gotest import GoTestRun
    from app.session import OutputReceived

    run = GoTestRun(encoding, on_marker=lambda marker: session.mark(marker.label))

    def on_event(event: SessionEvent) -> None:
        if isinstance(event, OutputReceived):
            run.feed(event.data, event.offset)

    session.subscribe(on_event)


def cmd_record(args: argparse.Namespace) -> int:
    from app.pty import SourceError
    from app.pty.profiles import default_profile, get_profile, plan_session
    from app.session.factory import RecordingOpenError, live_session

    cmd = list(args.cmd)
    if cmd[:1] == ["--"]:
        cmd = cmd[1:]
    try:
        profile = get_profile(args.profile) if args.profile else (get_profile("command") if cmd else default_profile())
        plan = plan_session(profile, cmd, utf8=args.utf8)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    program = plan.argv[0] if plan.argv else ""
    if not program or shutil.which(program, path=plan.env.get("PATH")) is None:
        raise UsageError(f"command not found: {program!r}; check its name or give its full path")
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and sys.platform != "win32"
    size = shutil.get_terminal_size((80, 24)) if sys.stdout.isatty() else os.terminal_size((80, 24))
    cols, rows = args.cols or size.columns, args.rows or size.lines
    try:
        session = live_session(
            plan,
            backend=args.backend,
            cols=cols,
            rows=rows,
            encoding=args.encoding,
            record_to=[args.output],
            record_argv=cmd or plan.argv,
            replies=not interactive,
        )
    except SourceError as exc:
        raise UsageError(str(exc)) from None
    except RecordingOpenError as exc:
        raise UsageError(f"cannot write {exc}; choose a writable path") from None
    writer = session.recorder
    assert writer is not None
    _passthrough(session)
    if args.markers:
        _mark_go_tests(session, args.encoding)
    status, interrupted = asyncio.run(_record(session, args.output, interactive))
    events = writer.events_written
    if interrupted:
        outcome = f"stopped by signal {interrupted}; the child was hung up (status {status})"
    elif status < 0:
        outcome = f"the child was killed by signal {-status} (exit status {_exit_code(status)})"
    else:
        outcome = f"exit status {status}"
    lead = "\n" if interactive else ""  # the child may have left the cursor mid-line
    print(
        f"{lead}mojiscope record: {args.output}: {events} events, "
        f"{session.bytelog.total_bytes} bytes of output, {outcome}",
        file=sys.stderr,
    )
    return 128 + interrupted if interrupted else _exit_code(status)


async def _record(session: Session, output: str, interactive: bool) -> tuple[int, int]:
    """Run the session to its end; a signal to us closes it cleanly (child hung up, recording closed).

    Returns the child's status and the signal that interrupted us (0: none).
    """
    from app.pty import SourceClosedError, SourceError

    loop = asyncio.get_running_loop()
    try:
        await session.start()
    except SourceError as exc:
        await session.close()
        with contextlib.suppress(OSError):
            os.unlink(output)  # only a header: nothing was recorded
        raise UsageError(str(exc)) from None
    interrupted = 0
    closing: list[asyncio.Task[None]] = []

    def on_signal(signum: int) -> None:
        nonlocal interrupted
        interrupted = interrupted or signum
        if not closing:
            closing.append(loop.create_task(session.close()))

    handled: list[int] = []
    if sys.platform != "win32":
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, on_signal, int(sig))
            handled.append(sig)
    restore: Callable[[], None] | None = None
    if interactive:
        restore = _forward_tty(session, loop, SourceClosedError)
        handled.append(signal.SIGWINCH)
    try:
        try:
            status = await session.run()
        except asyncio.CancelledError:
            status = session.exit_status if session.exit_status is not None else -(interrupted or int(signal.SIGTERM))
        for task in closing:
            await task
    finally:
        if restore is not None:
            restore()
        for signum in handled:
            loop.remove_signal_handler(signum)
        await session.close()
    return status, interrupted


def _forward_tty(session: Session, loop: asyncio.AbstractEventLoop, closed: type[Exception]) -> Callable[[], None]:
    """Our terminal in raw mode, keys forwarded to the child, our size followed; returns the undo.

    Raw mode because the child's own line discipline does the cooking (and Ctrl-C reaches it as a
    key, as with any terminal emulator).
    """
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setraw(fd)

    def on_key() -> None:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(fd)
            return
        with contextlib.suppress(closed):
            session.write(data)

    def on_winch() -> None:
        size = shutil.get_terminal_size()
        with contextlib.suppress(Exception):
            session.resize(size.columns, size.lines)

    loop.add_reader(fd, on_key)
    loop.add_signal_handler(signal.SIGWINCH, on_winch)

    def undo() -> None:
        loop.remove_reader(fd)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    return undo


# ------------------------------------------------------------------ screenshot


def _parse_hex(text: str) -> bytes:
    cleaned = text.replace(",", " ").replace("0x", " ").replace("\\x", " ")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise UsageError(f"--hex {text!r} is not hex bytes; give pairs of hex digits such as 'E4 BD A0'") from None


def cmd_explain(args: argparse.Namespace) -> int:
    from app.inspect.explain import MAX_BYTES, code_page, explain_bytes, explain_text

    given = [name for name in ("text", "hex", "file") if getattr(args, name) is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of TEXT, --hex HEX or --file F")
    try:
        reader = code_page(args.read_as).codec
    except LookupError as exc:
        raise UsageError(f"--read-as: {exc}") from None
    if args.text is not None:
        if not args.text:
            raise UsageError("the text is empty; give the garbled text, e.g. explain 浣犲ソ")
        found = explain_text(args.text)
    else:
        total: int | None = None
        if args.hex is not None:
            data = _parse_hex(args.hex)
        else:
            data, total = _read_head(args.file, MAX_BYTES)
        if not data:
            raise UsageError("no bytes to explain; the input is empty")
        found = explain_bytes(data, reader, total=total)
    out = _out()
    if args.json:
        out.write(json.dumps(found.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write("\n".join(found.story()) + "\n")
    out.flush()
    return 0


def cmd_two_views(args: argparse.Namespace) -> int:
    from app import launch_environment
    from app.inspect.two_views import run_two_views
    from app.session.factory import command_plan

    cmd = list(args.cmd)
    if cmd[:1] == ["--"]:
        cmd = cmd[1:]
    if not cmd:
        raise UsageError("give the command to run after --, e.g. two-views -- go test -v ./...")
    if shutil.which(cmd[0]) is None:
        raise UsageError(f"command not found: {cmd[0]!r}; check its name or give its full path")
    if not args.timeout:
        raise UsageError("--timeout must be more than 0 seconds")
    views = asyncio.run(run_two_views(command_plan(cmd, env=launch_environment()), timeout=args.timeout))
    out = _out()
    if args.json:
        report: dict[str, object] = {
            side: {"backend": v.backend, "bytes": v.data.hex(" "), "rows": list(v.rows), "status": v.status,
                   "error": v.error}
            for side, v in (("terminal", views.terminal), ("pipe", views.pipe))
        }  # fmt: skip
        report["differing_rows"] = list(views.differing_rows)
        report["byte_changes"] = [list(c) for c in views.byte_changes]
        out.write(json.dumps(report, ensure_ascii=False) + "\n")
        return 0
    for v in (views.terminal, views.pipe):
        status = v.error or ("did not end" if v.status is None else f"exit status {v.status}")
        out.write(f"{v.backend}: {len(v.data)} bytes, {status}\n")
    out.write(views.summary() + "\n")
    width = max(len(views.terminal.backend), len(views.pipe.backend))
    for row in views.differing_rows[:40]:
        for v in (views.terminal, views.pipe):
            text = v.rows[row] if row < len(v.rows) else ""
            out.write(f"row {row + 1:>3} {v.backend:<{width}} | {text}\n")
    for tag, a0, a1, b0, b1 in views.byte_changes[:40]:
        left = " ".join(f"{b:02X}" for b in views.terminal.data[a0:a1]) or "-"
        right = " ".join(f"{b:02X}" for b in views.pipe.data[b0:b1]) or "-"
        out.write(f"{tag:<7} at {a0}/{b0}: {views.terminal.backend} {left} | pipe {right}\n")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from app.app_main import ScreenshotError, take_screenshot

    recording = _parse_recording(args.replay) if args.replay else None
    title = Path(args.replay).name if args.replay else None
    try:
        width, height = take_screenshot(
            args.output, recording=recording, size=args.size, encoding=args.encoding, title=title
        )
    except ScreenshotError as exc:
        raise UsageError(str(exc)) from None
    print(f"mojiscope screenshot: {args.output}: {width}x{height}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ replay


#: Bytes a command-line replay keeps for panels it does not have (the session's log needs a cap).
_REPLAY_LOG_CAP = 1 << 20


def cmd_replay(args: argparse.Namespace) -> int:
    from app.pty.replay import ReplaySource
    from app.record.cast import CastFormatError, CastStream
    from app.session.factory import replay_session

    f = _open_input(args.file)
    stream = _cast_stream(args.file, f)
    try:
        session = replay_session(
            stream,
            speed=0.0 if args.render else args.speed,
            cols=args.cols,
            rows=args.rows,
            encoding=args.encoding,
            bytelog_cap=_REPLAY_LOG_CAP,
        )
    except BaseException:
        f.close()
        raise
    if not args.render:
        # Played to this terminal as it goes: a file is checked to its end first (a pass that keeps nothing),
        # so a malformed line is refused before anything is shown. (A pipe can only be played as it comes.)
        if args.file != "-":
            try:
                with CastStream(args.file) as checked:
                    for _event in checked.events():
                        pass
            except CastFormatError as exc:
                f.close()
                raise UsageError(f"{args.file}: {exc}") from None
        _passthrough(session)

    async def play() -> None:
        try:
            await session.run()
        finally:
            await session.close()

    try:
        asyncio.run(play())
    except CastFormatError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    finally:
        f.close()
    source = session.source
    assert isinstance(source, ReplaySource)
    _note_truncated(args.file, source.truncated, stream.lines)
    if args.render:
        _check_engine(session.terminal)
        _print_screen(session.terminal)
    return 0


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """An error message as one inert line: a file name or value holding a newline or an escape sequence
    can neither split it nor drive the terminal it is printed on."""
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


def run_helper(args: Sequence[str]) -> int:
    """``--mojiscope-helper NAME ARGS``: a helper this program starts in a new process of itself
    (:mod:`app.pty.reentry`), so it works from a frozen build as from a source tree."""
    from app.bench.peers import libvterm_helper
    from app.bench.pty_case import raw_copy_helper
    from app.pty.probes import console_codepages_helper, locale_codeset_helper

    helpers: dict[str, Callable[[Sequence[str]], int]] = {
        "console-codepages": console_codepages_helper,
        "libvterm-peer": libvterm_helper,
        "locale-codeset": locale_codeset_helper,
        "raw-copy": raw_copy_helper,
    }
    helper = helpers.get(args[0]) if args else None
    if helper is None:
        print(f"mojiscope: no helper {' '.join(args[:1])!r}; there are {', '.join(helpers)}", file=sys.stderr)
        return EXIT_USAGE
    return helper(args[1:])


def main(argv: Sequence[str] | None = None) -> int:
    from app.pty.reentry import HELPER_FLAG

    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HELPER_FLAG]:
        return run_helper(args_list[1:])
    if not args_list:
        from app import import_asyncio_without_ssl

        import_asyncio_without_ssl()  # the window's loop reads ptys: no TLS, and ~2 % of the start-up saved
        from app.app_main import run_app

        return run_app([])
    parser = build_parser()
    args = parser.parse_args(args_list)
    # The engine logs each internal failure for the window's log; a command says it once, in its one line.
    logging.getLogger("app.vt.terminal").addHandler(logging.NullHandler())
    try:
        if args.command == "render":
            return cmd_render(args)
        if args.command == "inspect":
            return cmd_inspect(args)
        if args.command == "record":
            return cmd_record(args)
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "sequences":
            from app.vt.sequences_doc import render_sequences_markdown

            _out().write(render_sequences_markdown())
            return 0
        if args.command == "bench":
            from app.bench import runner as bench

            return bench.run(args)
        if args.command == "env":
            return cmd_env(args)
        if args.command == "codepage":
            return cmd_codepage(args)
        if args.command == "screenshot":
            return cmd_screenshot(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "two-views":
            return cmd_two_views(args)
        parser.error(f"unknown command {args.command!r}")
    except UsageError as exc:
        print(f"mojiscope {args.command}: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except MemoryError:
        # Whatever was being built is too big for this machine: say so in one line, never print a partial result.
        print(f"mojiscope {args.command}: error: out of memory; the input is too big to process here", file=sys.stderr)
        return EXIT_USAGE
