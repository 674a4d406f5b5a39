"""``python -m app …`` / ``mojiscope …``: the headless commands (and, with none, the app).

Every bad argument or unreadable input ends in one line on stderr that says what is wrong and
how to mend it, with exit status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

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
    if value > 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is too large; give at most 10000")
    return value


def _offset(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a byte offset; give a number such as 128 or 0x80") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; byte offsets start at 0")
    return value


def _encoding(text: str) -> str:
    from app.vt.decoder import UnknownEncodingError, known_encodings, normalize_encoding

    try:
        return normalize_encoding(text)
    except UnknownEncodingError as exc:
        why = str(exc).split(" (valid names include")[0]
        raise argparse.ArgumentTypeError(f"{why}; valid names: {', '.join(known_encodings())}") from None


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file; give the path of a byte capture or .cast") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory; give a file") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mojiscope", description="See what really travels between a program and a terminal.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = sub.add_parser("render", help="feed a byte file to the terminal engine and print the text it shows")
    render.add_argument("file", metavar="FILE", help="raw bytes as a program wrote them ('-' for stdin)")
    render.add_argument("--cols", type=_positive_int, default=80, help="terminal width (default 80)")
    render.add_argument("--rows", type=_positive_int, default=24, help="terminal height (default 24)")
    render.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode with")
    render.add_argument("--scrollback", type=int, default=10_000, help="rows of history kept (default 10000)")

    inspect = sub.add_parser("inspect", help="annotated dump of a byte stream: offset, bytes, kind, meaning")
    inspect.add_argument("file", metavar="FILE", help="raw bytes ('-' for stdin)")
    inspect.add_argument("--encoding", type=_encoding, default="utf-8", help="code page to decode with")
    inspect.add_argument("--from", dest="start", type=_offset, default=0, help="first byte offset shown")
    inspect.add_argument("--to", dest="end", type=_offset, default=None, help="byte offset where the listing stops")
    inspect.add_argument("--json", action="store_true", help="one JSON object per token")

    sub.add_parser("sequences", help="print the supported-sequences table (Markdown) from the catalogue")

    from app.bench import runner as bench

    bench_parser = sub.add_parser("bench", help="engine throughput against pyte on the same streams")
    bench.add_arguments(bench_parser)
    return parser


def _out() -> TextIO:
    """stdout that cannot fail on characters the console's encoding lacks."""
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="replace")
    return stream


def cmd_render(args: argparse.Namespace) -> int:
    from app.vt import Terminal

    data = _read_input(args.file)
    term = Terminal(cols=args.cols, rows=args.rows, scrollback=max(0, args.scrollback), encoding=args.encoding)
    term.feed(data)
    term.feed_text(term.decoder.flush())
    out = _out()
    for row in term.history:
        out.write(row.rstrip() + "\n")
    for row in term.display:
        out.write(row.rstrip() + "\n")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from app.vt.annotate import annotate

    if args.end is not None and args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}; give --to after --from")
    data = _read_input(args.file)
    tokens = annotate(data, args.encoding, args.start, args.end)
    out = _out()
    for t in tokens:
        if args.json:
            out.write(json.dumps(t.as_dict(), ensure_ascii=False) + "\n")
        else:
            seq = f"{t.sequence}  " if t.sequence else ""
            out.write(f"{t.offset:08d}  {t.hex:<24}  {t.kind:<10}  {seq}{t.meaning}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        from app.app_main import run_app

        return run_app([])
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "render":
            return cmd_render(args)
        if args.command == "inspect":
            return cmd_inspect(args)
        if args.command == "sequences":
            from app.vt.sequences_doc import render_sequences_markdown

            _out().write(render_sequences_markdown())
            return 0
        if args.command == "bench":
            from app.bench import runner as bench

            return bench.run(args)
        parser.error(f"unknown command {args.command!r}")
    except UsageError as exc:
        print(f"mojiscope {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout.close()
        return 0
    except KeyboardInterrupt:
        return 130
