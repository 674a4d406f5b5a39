"""``python -m app bench``: our engine's throughput against pyte's and its peers', on the same bytes, in one run.

Why both in one run: absolute MB/s depend on the machine, the Python build and the load, so a
number alone says little; the ratio to pyte measured seconds apart on the same bytes is what
the design's "tens of times faster" promise is checked against.

Time is CPU time of this process (``time.process_time``), for both engines: the machine may be
busy with other work, and wall time would charge that to whichever engine happened to run then.

Method, kept identical for both engines: 120x40 screen, 10,000 lines of scrollback, input fed
in 4 KiB chunks that are cut before the clock starts; construction of the terminal is not timed.
Ours runs the whole stream, best of ``--repeats`` runs (the minimum is the least disturbed by the
rest of the machine). pyte is far slower, so it gets one run over a prefix of the same stream,
bounded by ``--pyte-max-kb`` and ``--pyte-seconds``; its MB/s is computed on what it processed,
and the ratio compares pyte with ours re-run on exactly that prefix.
MB is 10**6 bytes.

Peers (:mod:`app.bench.peers`): xterm.js headless (node, a child process: its first, cold run and the best of
its warm runs apart) and libvterm (C, through ctypes) get the whole stream in the same chunks; each ratio is the
peer's time over ours on the same bytes (above 1: ours is faster).  A peer that is not installed is reported as
missing, never estimated; ``--no-peers`` leaves them out.

The ``pty`` kind (POSIX) measures the whole path a user watches instead of the engine alone: ``--pty-size-mb``
of ``go-test-v`` bytes written by a child through a real pty into a Session (ByteLog + Terminal), one run, every
byte checked; see :mod:`app.bench.pty_case`.  It has no pyte figures (pyte has no pty or session around it) and is
left out of the engine summary, which it would otherwise dilute with the cost of the kernel and the session.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import platform
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TextIO

from app.bench.machine import MachineSample, describe
from app.bench.peers import PeerRun, libvterm_missing, run_libvterm, run_xterm_js, xterm_js_missing
from app.bench.pty_case import PTY_STREAM, measure_pty
from app.bench.streams import KINDS, generate
from app.record.hostinfo import os_description

if TYPE_CHECKING:
    from app.bench.gui_case import GuiMeasurement

__all__ = [
    "BENCH_KINDS",
    "DEFAULT_KINDS",
    "KindResult",
    "add_arguments",
    "main",
    "measure_ours",
    "measure_pyte",
    "profile_ours",
    "run",
]

COLS = 120
ROWS = 40
SCROLLBACK = 10_000
CHUNK = 4096
MB = 1_000_000
#: The ByteLog cap of the pty case's Session: the app's default, as a user's session has.
PTY_BYTELOG_CAP = 64 * 1024 * 1024

#: Every kind ``--kinds`` accepts: the generated streams (engine only) and ``pty`` (child → pty → Session).
BENCH_KINDS: tuple[str, ...] = (*KINDS, "pty")
#: What runs without ``--kinds``: all of them where there is a POSIX pty.
DEFAULT_KINDS: tuple[str, ...] = KINDS if sys.platform == "win32" else BENCH_KINDS

#: A fresh engine, reduced to the one thing the bench calls: feed(bytes).
Feed = Callable[[bytes], object]


@dataclass
class KindResult:
    """One row of the report; ``None`` speeds mean "not measured" (crash or nothing processed)."""

    kind: str
    bytes: int
    ours_seconds: float | None = None
    ours_mb_s: float | None = None
    ours_error: str | None = None
    pyte_bytes: int = 0
    pyte_seconds: float | None = None
    pyte_mb_s: float | None = None
    pyte_error: str | None = None
    ratio: float | None = None
    #: "engine": ``Terminal.feed`` on pre-cut chunks; "pty-session": a child → a real pty → a Session.
    via: str = "engine"
    #: xterm.js headless on the whole stream: its first run in a fresh node (cold) and the best later run (warm).
    xterm_cold_mb_s: float | None = None
    xterm_warm_mb_s: float | None = None
    xterm_cold_ratio: float | None = None
    xterm_warm_ratio: float | None = None
    #: Why xterm.js has no figures: "missing: …" (not installed), else what went wrong ("crashed (SIGSEGV)").
    xterm_note: str | None = None
    #: libvterm on the whole stream, best of ``--repeats``.
    libvterm_mb_s: float | None = None
    libvterm_ratio: float | None = None
    libvterm_note: str | None = None


def _chunks(data: bytes, size: int = CHUNK) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _new_ours() -> Feed:
    # Imported here so that the stream generators and ``--help`` work without the engine.
    from app.vt import Terminal

    feed: Feed = Terminal(cols=COLS, rows=ROWS, scrollback=SCROLLBACK).feed
    return feed


def _new_pyte() -> Feed:
    import pyte

    screen = pyte.HistoryScreen(COLS, ROWS, history=SCROLLBACK)
    stream = pyte.ByteStream(screen)
    feed: Feed = stream.feed  # the bound method keeps stream and screen alive
    return feed


def _describe(exc: BaseException) -> str:
    return type(exc).__name__


def measure_ours(chunks: Sequence[bytes], repeats: int, new: Callable[[], Feed] = _new_ours) -> float:
    """Best CPU time in seconds over ``repeats`` full runs, each on a fresh terminal."""

    best = math.inf
    for _ in range(max(1, repeats)):
        feed = new()
        start = time.process_time()
        for chunk in chunks:
            feed(chunk)
        best = min(best, time.process_time() - start)
    return best


def measure_pyte(
    chunks: Sequence[bytes], max_bytes: int, budget_s: float, new: Callable[[], Feed] = _new_pyte
) -> tuple[int, float]:
    """Feed a prefix of ``chunks`` until ``max_bytes`` or ``budget_s``; return (bytes, seconds).

    The budget is checked between chunks, so one chunk may overrun it; that chunk still counts,
    since both its bytes and its time are in the measurement.
    """

    feed = new()
    done = 0
    elapsed = 0.0
    start = time.process_time()
    for chunk in chunks:
        if done >= max_bytes or elapsed >= budget_s:
            break
        feed(chunk)
        done += len(chunk)
        elapsed = time.process_time() - start
    return done, elapsed


def _bench_pty(args: argparse.Namespace) -> KindResult:
    """The ``pty`` row: one flood through a real pty into a Session; pyte fields stay empty (not comparable)."""
    data = generate(PTY_STREAM, int(args.pty_size_mb * MB), seed=args.seed)
    result = KindResult(kind="pty", bytes=len(data), via="pty-session")
    try:
        measured = measure_pty(data, cols=COLS, rows=ROWS, scrollback=SCROLLBACK, bytelog_cap=PTY_BYTELOG_CAP)
    except Exception as exc:  # lost bytes or a failed child: reported like a crash, the other rows still run
        result.ours_error = f"{_describe(exc)}: {exc}"
    else:
        result.ours_seconds = measured.seconds
        result.ours_mb_s = measured.bytes / MB / measured.seconds if measured.seconds > 0 else None
    return result


def _bench_kind(kind: str, args: argparse.Namespace) -> KindResult:
    if kind == "pty":
        return _bench_pty(args)
    data = generate(kind, int(args.size_mb * MB), seed=args.seed)
    chunks = _chunks(data)
    result = KindResult(kind=kind, bytes=len(data))
    try:
        secs = measure_ours(chunks, args.repeats, _new_ours)
    except Exception as exc:  # a crash is a finding to report, not a reason to stop the bench
        result.ours_error = _describe(exc)
    else:
        result.ours_seconds = secs
        result.ours_mb_s = len(data) / MB / secs if secs > 0 else None
    if not args.no_pyte:
        try:
            done, secs = measure_pyte(chunks, int(args.pyte_max_kb * 1024), args.pyte_seconds, _new_pyte)
        except Exception as exc:  # pyte raises on some streams; that is part of the comparison
            result.pyte_error = _describe(exc)
        else:
            result.pyte_bytes, result.pyte_seconds = done, secs
            result.pyte_mb_s = done / MB / secs if secs > 0 and done else None
    if result.ours_mb_s and result.pyte_mb_s and not result.ours_error:
        # The ratio compares the two engines on exactly the same bytes: the prefix pyte got
        # through, fed to ours right after, best of the same number of runs.
        prefix: list[bytes] = []
        size = 0
        for chunk in chunks:
            if size >= result.pyte_bytes:
                break
            prefix.append(chunk)
            size += len(chunk)
        ours_prefix = measure_ours(prefix, args.repeats, _new_ours)
        result.ratio = (result.pyte_seconds or 0.0) / ours_prefix if ours_prefix > 0 else None
    if not args.no_peers:
        _bench_peers(result, data, args)
    return result


def _mb_s(size: int, seconds: float | None) -> float | None:
    return size / MB / seconds if seconds else None


def _ratio(peer: float | None, ours: float | None) -> float | None:
    return peer / ours if peer and ours else None


def _peer_note(peer: PeerRun) -> str | None:
    if peer.missing is not None:
        return f"missing: {peer.missing}"
    if peer.error is not None:
        return peer.error
    return None


def _bench_peers(result: KindResult, data: bytes, args: argparse.Namespace) -> None:
    """xterm.js and libvterm on the whole stream, in the same chunks (see :mod:`app.bench.peers`)."""
    ours = None if result.ours_error else result.ours_seconds
    xterm = run_xterm_js(data, cols=COLS, rows=ROWS, scrollback=SCROLLBACK, chunk=CHUNK, runs=args.peer_runs)
    result.xterm_note = _peer_note(xterm)
    result.xterm_cold_mb_s = _mb_s(len(data), xterm.cold_seconds)
    result.xterm_warm_mb_s = _mb_s(len(data), xterm.warm_seconds)
    result.xterm_cold_ratio = _ratio(xterm.cold_seconds, ours)
    result.xterm_warm_ratio = _ratio(xterm.warm_seconds, ours)
    vterm = run_libvterm(data, cols=COLS, rows=ROWS, chunk=CHUNK, repeats=args.repeats)
    result.libvterm_note = _peer_note(vterm)
    result.libvterm_mb_s = _mb_s(len(data), vterm.warm_seconds)
    result.libvterm_ratio = _ratio(vterm.warm_seconds, ours)


def _summary(results: Sequence[KindResult]) -> dict[str, Any]:
    """Aggregate figures: overall MB/s of ours (all bytes / all time, engine kinds only), the geometric mean ratio,
    and the pty case's MB/s on its own."""

    timed = [r for r in results if r.ours_seconds and r.via == "engine"]
    pty = next((r for r in results if r.via == "pty-session"), None)
    total_bytes = sum(r.bytes for r in timed)
    total_secs = sum(r.ours_seconds or 0.0 for r in timed)
    ratios = [r.ratio for r in results if r.ratio]
    return {
        "ours_total_bytes": total_bytes,
        "ours_total_seconds": total_secs,
        "ours_mb_s": total_bytes / MB / total_secs if total_secs else None,
        "ratio_geomean": math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "pty_mb_s": pty.ours_mb_s if pty is not None else None,
        "ours_crashed": [r.kind for r in results if r.ours_error],
        "pyte_crashed": [r.kind for r in results if r.pyte_error],
        "ours_mb_s_min": min((r.ours_mb_s for r in timed if r.ours_mb_s), default=None),
        "xterm_cold_ratio_min": min((r.xterm_cold_ratio for r in results if r.xterm_cold_ratio), default=None),
        "xterm_warm_ratio_min": min((r.xterm_warm_ratio for r in results if r.xterm_warm_ratio), default=None),
        "libvterm_ratio_min": min((r.libvterm_ratio for r in results if r.libvterm_ratio), default=None),
    }


def _setup(args: argparse.Namespace) -> dict[str, Any]:
    try:
        from importlib.metadata import version

        pyte_version = version("pyte")
    except Exception:  # metadata missing in odd installs; the bench must still run
        pyte_version = "unknown"
    return {
        "cols": COLS,
        "rows": ROWS,
        "scrollback": SCROLLBACK,
        "chunk_bytes": CHUNK,
        "size_mb": args.size_mb,
        "seed": args.seed,
        "repeats": args.repeats,
        "pyte_max_bytes": int(args.pyte_max_kb * 1024),
        "pyte_budget_s": args.pyte_seconds,
        "pyte": not args.no_pyte,
        "pyte_version": pyte_version,
        "pty_size_mb": args.pty_size_mb,
        "pty_stream": PTY_STREAM,
        "pty_bytelog_cap": PTY_BYTELOG_CAP,
        "peers": not args.no_peers,
        "peer_runs": args.peer_runs,
        #: Why a peer is missing here (``None``: it ran, or peers were left out).
        "peers_missing": {} if args.no_peers else {"xterm.js": xterm_js_missing(), "libvterm": libvterm_missing()},
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": os_description(),
        "mb": MB,
    }


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def _ratio_text(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x" if x < 10 else f"{x:.1f}x"


def _table(results: Sequence[KindResult], setup: dict[str, Any], summary: dict[str, Any], out: TextIO) -> None:
    s = setup
    print(
        f"Mojiscope bench: {s['cols']}x{s['rows']}, scrollback {s['scrollback']:,}, "
        f"{s['chunk_bytes']} B chunks, seed {s['seed']}, {s['python']}, pyte {s['pyte_version']}",
        file=out,
    )
    print(
        f"ours: whole stream, best of {s['repeats']}; pyte (HistoryScreen + ByteStream): one run on a prefix "
        f"(<= {s['pyte_max_bytes'] // 1024} KiB or ~{s['pyte_budget_s']:g} s); MB = 10^6 bytes",
        file=out,
    )
    if s["peers"]:
        print(
            f"xterm.js headless (node): whole stream, its first run in a fresh node (cold) and the best of the "
            f"next {max(0, s['peer_runs'] - 1)} (warm); libvterm (C, ctypes, no scrollback): whole stream, best of "
            f"{s['repeats']}",
            file=out,
        )
    print("ratio: the other engine's CPU time over ours on the same bytes (above 1: ours is faster)", file=out)
    print(file=out)
    head = f"{'kind':<16} {'bytes':>10} {'ours MB/s':>9} {'pyte MB/s':>9} {'ratio':>7}"
    if s["peers"]:
        head += f" | {'xterm.js cold':>13} {'ratio':>6} {'warm':>6} {'ratio':>6} | {'libvterm':>8} {'ratio':>6}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in results:
        ours = f"crashed: {r.ours_error}" if r.ours_error else _fmt(r.ours_mb_s, ".2f")
        pyte = "crashed" if r.pyte_error else _fmt(r.pyte_mb_s, ".3f")
        line = f"{r.kind:<16} {r.bytes:>10,} {ours:>9} {pyte:>9} {_ratio_text(r.ratio):>7}"
        if s["peers"]:
            line += (
                f" | {_fmt(r.xterm_cold_mb_s, '.2f'):>13} {_ratio_text(r.xterm_cold_ratio):>6}"
                f" {_fmt(r.xterm_warm_mb_s, '.2f'):>6} {_ratio_text(r.xterm_warm_ratio):>6}"
                f" | {_fmt(r.libvterm_mb_s, '.2f'):>8} {_ratio_text(r.libvterm_ratio):>6}"
            )
        print(line, file=out)
    print("-" * len(head), file=out)
    for r in results:
        if r.pyte_error:
            print(f"{r.kind}: pyte crashed: {r.pyte_error}", file=out)
    for name, reason in s.get("peers_missing", {}).items():
        if reason:
            print(f"{name}: missing: {reason}", file=out)
    for r in results:
        for name, note in (("xterm.js", r.xterm_note), ("libvterm", r.libvterm_note)):
            if note and not note.startswith("missing: "):
                print(f"{r.kind}: {name} {note}", file=out)  # e.g. "crashed (SIGSEGV)"
    if any(r.via == "pty-session" for r in results):
        cap_mib = s["pty_bytelog_cap"] // (1024 * 1024)
        print(
            f"pty: {s['pty_stream']} bytes written by a child (raw tty) through a real pty into a Session\n"
            f"     (Terminal {s['cols']}x{s['rows']} + ByteLog, cap {cap_mib} MiB), one run from start to exit, "
            "every byte checked by sha256;\n"
            "     no pyte or peer figures ('-': they have no pty or session around them); not in the engine summary",
            file=out,
        )
    geo = summary["ratio_geomean"]
    overall, slowest = _fmt(summary["ours_mb_s"], ".2f"), _fmt(summary["ours_mb_s_min"], ".2f")
    parts = [f"ours overall {overall} MB/s (slowest kind {slowest})"]
    if geo is not None:
        parts.append(f"geometric-mean ratio to pyte {geo:.1f}x (lowest {summary['ratio_min']:.1f}x)")
    for key, name in (
        ("xterm_cold_ratio_min", "xterm.js cold"),
        ("xterm_warm_ratio_min", "xterm.js warm"),
        ("libvterm_ratio_min", "libvterm"),
    ):
        if summary[key] is not None:
            parts.append(f"lowest ratio to {name} {_ratio_text(summary[key])}")
    if summary["pty_mb_s"] is not None:
        parts.append(f"pty session {summary['pty_mb_s']:.2f} MB/s")
    if summary["ours_crashed"]:
        parts.append(f"ours CRASHED on: {', '.join(summary['ours_crashed'])}")
    if summary["pyte_crashed"]:
        parts.append(f"pyte crashed on: {', '.join(summary['pyte_crashed'])}")
    print("summary: " + "; ".join(parts), file=out)


def profile_ours(kind: str, size: int, seed: int = 0, top: int = 25, out: TextIO | None = None) -> None:
    """Run our engine on one stream under cProfile and print the ``top`` functions by tottime."""

    out = out or sys.stdout
    chunks = _chunks(generate(kind, size, seed=seed))
    feed = _new_ours()
    prof = cProfile.Profile()
    prof.enable()
    for chunk in chunks:
        feed(chunk)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    print(f"profile of our engine on {kind}: {sum(map(len, chunks)):,} bytes, top {top} by tottime", file=out)
    print(buf.getvalue().rstrip(), file=out)


def _kinds(text: str) -> list[str]:
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in BENCH_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind(s) {', '.join(unknown) or '(none)'}; choose from: {', '.join(BENCH_KINDS)}"
        )
    return kinds


def _gui_peers(text: str) -> list[str]:
    from app.bench.gui_peers import GUI_PEERS

    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in GUI_PEERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown terminal(s) {', '.join(unknown) or '(none)'}; choose from: {', '.join(GUI_PEERS)}"
        )
    return names


def _kind(text: str) -> str:
    if text.strip() not in KINDS:
        raise argparse.ArgumentTypeError(f"unknown kind {text!r}; choose one of: {', '.join(KINDS)}")
    return text.strip()


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def _count(text: str) -> int:
    value = _positive(text)
    if value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number")
    return int(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the bench's options to ``parser`` (a standalone parser or a ``bench`` subparser)."""

    parser.add_argument(
        "--kinds",
        type=_kinds,
        default=list(DEFAULT_KINDS),
        metavar="A,B",
        help=f"comma-separated kinds (default: all): {', '.join(BENCH_KINDS)} (pty: through a real pty, POSIX)",
    )
    parser.add_argument(
        "--size-mb",
        type=_positive,
        default=3.0,
        metavar="N",
        help="bytes per stream for our engine, in MB (default: 3)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    parser.add_argument(
        "--profile",
        type=_kind,
        metavar="KIND",
        help="run cProfile on our engine for one kind and print the top functions by tottime",
    )
    parser.add_argument("--top", type=_count, default=25, metavar="N", help="functions shown by --profile")
    parser.add_argument("--repeats", type=_count, default=3, metavar="N", help="runs of ours; the best counts")
    parser.add_argument("--seed", type=int, default=0, help="stream seed (default: 0)")
    parser.add_argument(
        "--pyte-max-kb",
        type=_positive,
        default=512.0,
        metavar="N",
        help="most bytes of each stream fed to pyte, in KiB (default: 512)",
    )
    parser.add_argument(
        "--pyte-seconds",
        type=_positive,
        default=6.0,
        metavar="S",
        help="time budget for pyte per kind (default: 6)",
    )
    parser.add_argument("--no-pyte", action="store_true", help="leave pyte out")
    parser.add_argument("--no-peers", action="store_true", help="leave xterm.js and libvterm out")
    parser.add_argument(
        "--peer-runs",
        type=_count,
        default=4,
        metavar="N",
        help="runs of xterm.js per kind in one node process: the first is cold, the best of the rest warm (default: 4)",
    )
    parser.add_argument(
        "--pty-size-mb",
        type=_positive,
        default=50.0,
        metavar="N",
        help=f"bytes of {PTY_STREAM} for the pty kind, in MB (default: 50)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="instead of the engine: time the mojibake explainer on a screenful of garbled text and bytes (ms)",
    )
    parser.add_argument(
        "--gui",
        action="store_true",
        help="instead of the engine: flood the desktop app's window through a pty and report its worst "
        "event-loop stall, its frame rate and whether every byte arrived (offscreen without a display)",
    )
    parser.add_argument(
        "--gui-runs",
        type=_count,
        default=None,
        metavar="N",
        help="with --gui: floods, each in a fresh process, judged on their median ratio and their worst stall and "
        "frame rate (default: 3)",
    )
    parser.add_argument(
        "--gui-size-mb",
        type=_positive,
        default=20.0,
        metavar="N",
        help=f"bytes of {PTY_STREAM} for --gui, in MB (default: 20)",
    )
    parser.add_argument(
        "--gui-tests",
        choices=("behind", "front", "both"),
        default="both",
        help="with --gui: the Tests panel behind another tab (the go test model parses in quiet moments), in front "
        "(it parses while output comes, a slice per two frames), or both, each judged on its own (default: both)",
    )
    parser.add_argument(
        "--startup",
        action="store_true",
        help="instead of the engine: time python -m app from its start to its first painted prompt "
        "(on a private Xvfb and offscreen)",
    )
    parser.add_argument("--startup-runs", type=_count, default=5, metavar="N", help="timed starts per platform")
    parser.add_argument(
        "--gui-peers",
        type=_gui_peers,
        default=[],
        metavar="A,B",
        help="with --gui: also time these terminals on the same flood, all on a private Xvfb (xterm, st)",
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the bench (or the profile) as ``args`` say; 0 on success, 1 if our engine crashed.  A report in text
    ends with how busy the machine was meanwhile (:mod:`app.bench.machine`)."""

    out = out or sys.stdout
    if getattr(args, "json", False) or getattr(args, "profile", None):
        return _run(args, out)
    start = MachineSample.now()
    status = _run(args, out)
    print(describe(start, MachineSample.now()), file=out)
    return status


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.startup:
        return _run_startup(args, out)
    if getattr(args, "explain", False):
        from app.bench import explain_case

        timings = explain_case.measure_explain(repeats=args.repeats)
        if args.json:
            json.dump([asdict(t) for t in timings], out, indent=2)
            print(file=out)
        else:
            print("\n".join(explain_case.report(timings)), file=out)
        return 0
    if args.gui:
        return _run_gui(args, out)
    if args.profile:
        profile_ours(args.profile, int(args.size_mb * MB), seed=args.seed, top=args.top, out=out)
        return 0
    results: list[KindResult] = []
    for kind in args.kinds:
        results.append(_bench_kind(kind, args))
        if sys.stderr.isatty():  # progress for a person waiting; never mixed into piped output
            print(f"  measured {kind}", file=sys.stderr, flush=True)
    setup = _setup(args)
    summary = _summary(results)
    if args.json:
        report = {"setup": setup, "results": [asdict(r) for r in results], "summary": summary}
        json.dump(report, out, indent=2)
        print(file=out)
    else:
        _table(results, setup, summary, out)
    return 1 if summary["ours_crashed"] else 0


def _run_startup(args: argparse.Namespace, out: TextIO) -> int:
    """``--startup``: 0 when every platform measured its runs, 1 when a start failed."""
    from app.bench.startup_case import measure_startup, report_startup

    results = measure_startup(args.startup_runs)
    if args.json:
        json.dump([{**asdict(r), "median": r.median, "cpu_median": r.cpu_median} for r in results], out, indent=2)
        print(file=out)
    else:
        print("\n".join(report_startup(results)), file=out)
    return 1 if any(r.error for r in results) else 0


def _run_gui(args: argparse.Namespace, out: TextIO) -> int:
    """``--gui``: 0 when the window met its limits with every byte, 1 when not, 2 when it cannot run here."""
    from app.bench.gui_case import GUI_RUNS, measure_gui, measure_gui_runs, report, report_runs
    from app.bench.pty_case import PtyCaseError

    runs = GUI_RUNS if args.gui_runs is None else args.gui_runs
    tests = {"behind": [False], "front": [True], "both": [False, True]}[args.gui_tests]
    several_floods = runs * len(tests) > 1
    try:
        if several_floods:
            several = measure_gui_runs(runs, args.gui_size_mb, seed=args.seed, peers=args.gui_peers, tests=tests)
        else:
            measured = measure_gui(args.gui_size_mb, seed=args.seed, peers=args.gui_peers, tests_front=tests[0])
    except PtyCaseError as exc:
        print(f"mojiscope bench: error: {exc}", file=sys.stderr)
        return 2
    if several_floods:
        if args.json:
            median = several.engine_factor if math.isfinite(several.engine_factor) else None
            summary = {"engine_factor": median, "max_stall_ms": several.max_stall_ms, "fps": several.fps}
            json.dump({"runs": [_gui_json(m) for m in several.runs], **summary, "ok": several.ok}, out, indent=2)
            print(file=out)
        else:
            print("\n".join(report_runs(several)), file=out)
        return 0 if several.ok else 1
    if args.json:
        json.dump(_gui_json(measured), out, indent=2)
        print(file=out)
    else:
        print("\n".join(report(measured)), file=out)
    return 0 if measured.ok else 1


def _gui_json(measured: GuiMeasurement) -> dict[str, Any]:
    """One flood as ``bench --gui --json`` gives it: the measured fields and the computed ratios and verdict."""
    fields = asdict(measured)
    fields.pop("gaps_ms")
    factors = {
        name: value if math.isfinite(value) else None
        for name, value in (
            ("engine_factor", measured.engine_factor),
            ("wall_factor", measured.wall_factor),
            ("cpu_factor", measured.cpu_factor),
        )
    }
    return {**fields, "mb_s": measured.mb_s, **factors, "ok": measured.ok}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m app bench [options]`` hands its remaining arguments here."""

    parser = argparse.ArgumentParser(
        prog="python -m app bench",
        description="Throughput of the Mojiscope VT engine against pyte's HistoryScreen on the same bytes.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # ``python -m app.bench.runner``, handy before the CLI wiring exists
    sys.exit(main())
