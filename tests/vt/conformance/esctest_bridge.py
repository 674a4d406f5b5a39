"""Run esctest2 (the conformance suite for xterm-compatible terminals) against the engine, through a real pty.

esctest2 runs *inside* a terminal: it writes sequences to its stdout and reads the terminal's replies
(DECRQCRA checksums, cursor reports, DECRQM…) from its stdin.  This bridge makes Mojiscope that terminal:
esctest2 is started by the session factory on a POSIX pty (:func:`app.session.factory.live_session`,
80x25 as esctest's reset asks), its output is fed to the engine, and the engine's replies go back through
the session's one reply hook, exactly as for any program in the window.

esctest2 is GPL and is not part of this repository: fetch it (``git clone
https://github.com/ThomasDickey/esctest2``) and pass its ``esctest`` directory.  This file holds none of its
code; it only starts it and reads its log::

    python tests/vt/conformance/esctest_bridge.py ~/src/esctest2/esctest [--include REGEX] [--timeout 1] \
        [--checksum 334|dec] [-- ESCTEST ARGS…]

esctest2 is run as its README says for xterm since patch 334 (``--expected-terminal=xterm
--xterm-checksum=334``, the terminal's checksum extension set to 23 as ``xterm*checksumExtension: 23``
would) and with ``--xterm-reverse-wrap=383``; ``--checksum dec`` keeps DEC's own checksum and esctest's
default reading instead.  It prints the summary line of esctest2's log, then the failing tests grouped by
class; arguments after ``--`` go to esctest.py unchanged (e.g. ``--options xtermWinopsEnabled``).  Exit
status: 0 when esctest2 ran to its summary, 1 when it did not, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.session.factory import command_plan, live_session  # noqa: E402

#: esctest's reset resizes the window to 80x25 (which the engine refuses, as it refuses every window resize)
#: and then asks for the size; the session is made that size to begin with.
COLS, ROWS = 80, 25


async def _run(argv: list[str], deadline: float, checksum_extension: int) -> int:
    session = live_session(command_plan(argv), cols=COLS, rows=ROWS)
    session.terminal.checksum_extension = checksum_extension
    try:
        return await asyncio.wait_for(session.run(), deadline)
    finally:
        await session.close()


def summarize(log: str) -> tuple[str, dict[str, list[str]]]:
    """esctest2's summary line and its failing tests by class (``{"DECSETTests": ["test_…", …]}``)."""
    summary = next((line for line in reversed(log.splitlines()) if line.startswith("***")), "no summary in the log")
    failing: dict[str, list[str]] = collections.defaultdict(list)
    for name in re.findall(r"^\*\*\* TEST (\S+) FAILED:", log, re.M):
        cls, _, test = name.partition(".")
        failing[cls].append(test)
    return summary, failing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("esctest", type=Path, help="esctest2's esctest directory (the one holding esctest.py)")
    ap.add_argument("--include", default=".*", help="regex of the tests to run (esctest's --include)")
    ap.add_argument("--timeout", default="1", help="seconds esctest waits for each reply byte")
    ap.add_argument("--log", type=Path, help="keep esctest's log here")
    ap.add_argument("--deadline", type=float, default=3600.0, help="give up after this many seconds")
    ap.add_argument("--quiet", action="store_true", help="only the summary line")
    ap.add_argument(
        "--checksum",
        choices=("334", "dec"),
        default="334",
        help=(
            "how esctest reads cells back: '334' (default) is esctest's documented setup for xterm since patch 334 "
            "(xterm*checksumExtension: 23 with --xterm-checksum=334: positive sums of code points, attributes left "
            "out); 'dec' is DEC's own checksum with esctest's default reading (attributes such as protection count)"
        ),
    )
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    script = args.esctest / "esctest.py"
    if not script.is_file():
        print(f"esctest_bridge: no esctest.py in {args.esctest}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        log_path = args.log or Path(tmp) / "esctest.log"
        command = [
            sys.executable,
            str(script),
            "--expected-terminal=xterm",
            f"--include={args.include}",
            f"--timeout={args.timeout}",
            f"--logfile={log_path}",
            "--no-print-logs",
            "--xterm-reverse-wrap=383",  # the engine has xterm 383's reverse wrap (45 inline, 1045 extended)
            *(["--xterm-checksum=334"] if args.checksum == "334" else []),
            *rest,
        ]
        try:
            status = asyncio.run(_run(command, args.deadline, 23 if args.checksum == "334" else 0))
        except TimeoutError:
            print(f"esctest_bridge: esctest2 did not finish within {args.deadline:g} s", file=sys.stderr)
            return 1
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
    summary, failing = summarize(log)
    print(summary)
    if not args.quiet:
        for cls in sorted(failing):
            print(f"{cls} ({len(failing[cls])}): {', '.join(failing[cls])}")
    if status:
        print(f"esctest.py exited with status {status}", file=sys.stderr)
    return 0 if summary.startswith("***") else 1


if __name__ == "__main__":
    sys.exit(main())
