"""Instructions per byte of the engine on the bench streams, counted by callgrind (``valgrind`` must be installed).

Wall-clock time on a shared VM moves by a quarter from one minute to the next; instruction counts do not, so
they guide speed work (docs/vt-engine.md).  Each kind is counted in a fresh process (so the figures include
learning the width table, as docs/vt-engine.md's tables do, but not importing wcwidth: a one-off cost that
moved from the engine's import to its first non-ASCII character): once generating the stream and feeding it to a
120x40 ``Terminal`` in 4 KiB chunks, once generating only; the difference over the stream's length is the
engine's cost per byte::

    python tests/vt/instruction_counts.py [--size-mb 1] [--kinds go-test-v,sgr-dense] [--engine CHECKOUT] [--warm]

``--engine`` counts another checkout's ``app`` (e.g. ``git archive`` of an older commit) to compare builds.
``--warm`` first feeds the same kind with another seed in both runs, so the count leaves out learning the
width table (as the bench's best-of-three runs do).  ``--feed-only`` counts the feed alone, between two
markers in one run (callgrind's ``--dump-before``), instead of subtracting a run without it: the difference of
two whole processes now and then jumps by over a thousand instructions per byte on one kind (seen on 200 kB
with ``--warm``; not found why), the feed alone does not.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from app.bench import KINDS

_CHILD = r"""
import sys
sys.path.insert(0, sys.argv[4])
from app.bench import generate
from app.vt import Terminal
import wcwidth  # a one-off import, in both runs: the engine imports it at its first non-ASCII character
kind, size, feed, warm = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[5] == "1"
if warm:  # the same kind with another seed first, in both runs: the width table is learned before the count
    w = Terminal(120, 40, scrollback=10_000)
    wdata = generate(kind, size, seed=1)
    for i in range(0, len(wdata), 4096):
        w.feed(wdata[i : i + 4096])
    del w, wdata
data = generate(kind, size, seed=0)
t = Terminal(120, 40, scrollback=10_000)
chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
if feed:
    import os
    os.getpid()  # a marker: with --feed-only, callgrind dumps its counts here and at the second one
    for chunk in chunks:
        t.feed(chunk)
    os.getpid()
"""


def _count(kind: str, size: int, feed: bool, engine: str, warm: bool = False, feed_only: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        proc = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                *(["--dump-before=os_getpid"] if feed_only else []),
                sys.executable,
                "-c",
                _CHILD,
                kind,
                str(size),
                "1" if feed else "0",
                engine,
                "1" if warm else "0",
            ],
            capture_output=True,
            text=True,
            check=True,
            # A fixed hash seed: with random ones, dict layouts (and so instruction counts) move by millions
            # between two processes, the size of the differences being measured.
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        if feed_only:
            # The parts are numbered in order: the last numbered one ends at the marker after the feed.
            last = max(int(name.rsplit(".", 1)[1]) for name in os.listdir(tmp) if re.fullmatch(r"cg\.out\.\d+", name))
            part = Path(f"{out}.{last}").read_text()
            found = re.search(r"^summary: (\d+)", part, re.MULTILINE)
            assert found is not None, part[:500]
            return int(found.group(1))
        m = re.search(r"Collected : (\d+)", proc.stderr)
        assert m is not None, proc.stderr
        return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=1.0)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--engine", default=str(Path(__file__).resolve().parents[2]), help="a checkout whose app/ to count")
    ap.add_argument(
        "--warm",
        action="store_true",
        help="feed the same kind (another seed) first in both runs, so the width table is already learned",
    )
    ap.add_argument(
        "--feed-only",
        action="store_true",
        help="count only the feed (between two markers) in one run, instead of a run with it minus one without",
    )
    args = ap.parse_args()
    size = int(args.size_mb * 1_000_000)
    for kind in args.kinds.split(","):
        if args.feed_only:
            fed, base = _count(kind, size, True, args.engine, args.warm, feed_only=True), 0
        else:
            fed = _count(kind, size, True, args.engine, args.warm)
            base = _count(kind, size, False, args.engine, args.warm)
        print(f"{kind:15s} {(fed - base) / size:8.0f} instructions/byte", flush=True)


if __name__ == "__main__":
    main()
