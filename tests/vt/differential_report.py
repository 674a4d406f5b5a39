"""Agreement of our engine AND of pyte with xterm.js, per stream family.

Why: a single pass/fail hides progress; "engine 97.5% vs pyte 61%" per family tells the
lead where to work and lets us state how we compare to the engine we replace.

    .venv/bin/python tests/vt/differential_report.py [--n 2000] [--family wide] \
        [--sizes 80x24,20x6] [--seed 0] [--examples 2] [--no-pyte] [--tmux]

``--examples K`` shrinks up to K engine failures per family to a minimal token list and
prints them with the diff (costs one xterm.js run per shrink round). ``--tmux`` also
reports how often tmux agrees with xterm.js (the oracles' own agreement).

The helpers here (:func:`run_engine`, :func:`run_pyte`, :func:`agrees`, :func:`format_diff`)
are shared with ``test_differential.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _p in (_HERE, _HERE.parents[1]):  # tests/vt (streams, reference) and the repo root (app)
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import streams  # noqa: E402
from reference.oracle import Case, Result, run_tmux, run_xterm  # noqa: E402


def run_engine(cols: int, rows: int, data: bytes, chunks: Sequence[int] | None = None) -> Result:
    """Render with ``app.vt.Terminal``; ``chunks`` = split points to feed in pieces."""
    from app.vt import Terminal

    t = Terminal(cols=cols, rows=rows)
    if chunks is None:
        t.feed(data)
    else:
        last = 0
        for cut in [*chunks, len(data)]:
            t.feed(data[last:cut])
            last = cut
    row, col = t.cursor
    return Result(display=list(t.display), cursor=(int(row), int(col)), history=list(t.history))


def run_pyte(cols: int, rows: int, data: bytes) -> Result:
    """Render with pyte (the engine we replace); exceptions become a failed Result."""
    import pyte

    try:
        screen = pyte.Screen(cols, rows)
        stream = pyte.ByteStream(screen)
        stream.feed(data)
        display = list(screen.display)
        cur = (min(screen.cursor.y, rows - 1), min(screen.cursor.x, cols - 1))
    except Exception as exc:
        return Result(display=[], cursor=(-1, -1), error=f"pyte raised {type(exc).__name__}: {exc}")
    return Result(display=display, cursor=cur)


def run_engine_safe(cols: int, rows: int, data: bytes) -> Result:
    """Like :func:`run_engine` but an exception is a failed Result (for the report)."""
    try:
        return run_engine(cols, rows, data)
    except ImportError:
        raise
    except Exception as exc:
        return Result(display=[], cursor=(-1, -1), error=f"engine raised {type(exc).__name__}: {exc}")


def agrees(expected: Result, got: Result) -> bool:
    """Full agreement on cursor and on rows with trailing spaces removed."""
    if expected.error or got.error:
        return False
    return expected.cursor == got.cursor and expected.stripped() == got.stripped()


def format_diff(expected: Result, got: Result, who: str = "engine") -> str:
    """Rows that differ (``|`` marks the row ends) and the two cursors."""
    if got.error:
        return f"{who}: {got.error}"
    lines = []
    if expected.cursor != got.cursor:
        lines.append(f"cursor: xterm.js {expected.cursor}  {who} {got.cursor}")
    exp, act = expected.stripped(), got.stripped()
    if len(exp) != len(act):
        lines.append(f"row count: xterm.js {len(exp)}  {who} {len(act)}")
    for i, (e, a) in enumerate(zip(exp, act, strict=False)):
        if e != a:
            lines.append(f"row {i:2}: xterm.js |{e}|")
            lines.append(f"        {who:>8} |{a}|")
    return "\n".join(lines) if lines else "(no difference)"


def shrink_against_xterm(
    stream: streams.Stream, render: Callable[[int, int, bytes], Result]
) -> streams.Stream:
    """Minimise a stream on which ``render`` disagrees with xterm.js."""

    def still_fails(cands: list[streams.Stream]) -> list[bool]:
        refs = run_xterm([Case(s.cols, s.rows, s.data) for s in cands])
        return [not agrees(r, render(s.cols, s.rows, s.data)) for s, r in zip(cands, refs, strict=True)]

    return streams.shrink(stream, still_fails)


def explain(stream: streams.Stream, render: Callable[[int, int, bytes], Result], who: str) -> str:
    """Seed, minimal readable stream, raw bytes and the diff: what a fixer needs."""
    small = shrink_against_xterm(stream, render)
    ref = run_xterm([Case(small.cols, small.rows, small.data)])[0]
    got = render(small.cols, small.rows, small.data)
    return (
        f"{stream.label()} (seed {stream.seed}, {len(stream.tokens)} tokens -> {len(small.tokens)})\n"
        f"  stream: {small.describe()}\n"
        f"  bytes : {small.data!r}\n"
        + "\n".join("  " + line for line in format_diff(ref, got, who).splitlines())
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600, help="number of streams (spread over families)")
    ap.add_argument("--family", action="append", help="restrict to a family (repeatable)")
    ap.add_argument("--sizes", default=",".join(f"{c}x{r}" for c, r in streams.SIZES))
    ap.add_argument("--seed", type=int, default=0, help="base seed")
    ap.add_argument("--examples", type=int, default=0, help="shrink and print K engine failures per family")
    ap.add_argument("--no-engine", action="store_true", help="skip our engine (e.g. before it exists)")
    ap.add_argument("--no-pyte", action="store_true")
    ap.add_argument("--tmux", action="store_true", help="also measure tmux against xterm.js")
    args = ap.parse_args(argv)

    families = args.family or list(streams.FAMILIES)
    unknown = [f for f in families if f not in streams.FAMILIES]
    if unknown:
        print(f"unknown family {unknown}; choose from {', '.join(streams.FAMILIES)}", file=sys.stderr)
        return 2
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    batch = streams.batch(args.n, families, sizes, base_seed=args.seed)  # type: ignore[arg-type]

    t0 = time.monotonic()
    refs = run_xterm([Case(s.cols, s.rows, s.data) for s in batch])
    t_ref = time.monotonic() - t0

    columns: dict[str, Callable[[int, int, bytes], Result]] = {}
    if not args.no_engine:
        try:
            from app.vt import Terminal  # noqa: F401
        except ImportError as exc:
            print(f"(engine not importable: {exc}; use --no-engine)", file=sys.stderr)
            return 2
        columns["engine"] = run_engine_safe
    if not args.no_pyte:
        columns["pyte"] = run_pyte
    if args.tmux:
        columns["tmux"] = lambda c, r, d: run_tmux(Case(c, r, d))

    total: Counter[str] = Counter()
    ok: dict[str, Counter[str]] = {k: Counter() for k in columns}
    failures: dict[str, list[streams.Stream]] = {}
    oracle_errors = 0
    for s, ref in zip(batch, refs, strict=True):
        if ref.error:
            oracle_errors += 1
            continue
        total[s.family] += 1
        for name, render in columns.items():
            good = agrees(ref, render(s.cols, s.rows, s.data))
            ok[name][s.family] += good
            if name == "engine" and not good:
                failures.setdefault(s.family, []).append(s)

    print(f"{len(batch)} streams, sizes {args.sizes}, base seed {args.seed}; "
          f"xterm.js {t_ref:.1f}s; oracle errors skipped: {oracle_errors}")
    header = f"{'family':<12} {'n':>5} " + " ".join(f"{name:>8}" for name in columns)
    print(header)
    print("-" * len(header))
    for fam in families:
        n = total[fam]
        if not n:
            continue
        cells = " ".join(f"{100 * ok[name][fam] / n:7.1f}%" for name in columns)
        print(f"{fam:<12} {n:>5} {cells}")
    n_all = sum(total.values())
    if n_all:
        cells = " ".join(f"{100 * sum(ok[name].values()) / n_all:7.1f}%" for name in columns)
        print(f"{'ALL':<12} {n_all:>5} {cells}")

    if args.examples and "engine" in columns:
        for fam in families:
            for s in failures.get(fam, [])[: args.examples]:
                print()
                print(explain(s, run_engine_safe, "engine"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
