"""The bench's ``pty`` case: what a flood costs end to end, child → real pty → Session (ByteLog + Terminal).

Why besides the engine-only kinds: those feed pre-cut chunks straight into ``Terminal.feed``; a user watches a
Session, where the bytes also cross the kernel's pty, the source's read loop and flow control, the ByteLog (with
its cap) and the event subscribers.  This case measures that whole path on the same kind of bytes, so that the
cost of everything around the engine shows (and a regression in it too).

Method: the stream (``go-test-v`` by default, its own CR LF line ends) is generated and written to a temporary
file before the clock starts; a child (this Python) puts its tty in raw mode (no ONLCR: the bytes arrive exactly
as written) and copies the file to the pty in 1 MiB writes, so the child is never the bottleneck.  The clock runs
from :meth:`Session.start` to the end of the output and the exit status, so it includes starting the child (tens of
milliseconds, small against a 50 MB flood).  One run: a flood is long enough to be steady.  A subscriber checks
length and sha256 of what arrived: a fast result that lost bytes is an error, not a number.

There is no pyte column for this case: pyte has no pty or session around it, and timing pyte's engine on the same
bytes is what the ``go-test-v`` row already does.  POSIX only (ConPTY re-renders text, so its bytes differ).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.pty.reentry import helper_argv, helper_env

__all__ = ["PTY_STREAM", "PtyCaseError", "PtyMeasurement", "copy_child", "measure_pty", "raw_copy_helper"]

#: The stream kind the pty case floods with (the everyday workload Mojiscope is built for).
PTY_STREAM = "go-test-v"

def raw_copy_helper(argv: Sequence[str]) -> int:
    """Helper ``raw-copy FILE`` (this program re-entered, see :mod:`app.pty.reentry`): the pty case's child.
    Its terminal goes raw first (no ONLCR), so the bytes arrive as they are in FILE."""
    import tty

    if len(argv) != 1:
        print("usage: raw-copy FILE", file=sys.stderr)
        return 2
    tty.setraw(1)
    out = sys.stdout.buffer
    with open(argv[0], "rb") as f:
        while block := f.read(1 << 20):
            out.write(block)
    out.flush()
    return 0


def copy_child(path: str | os.PathLike[str]) -> list[str]:
    """The pty case's child: :func:`raw_copy_helper` on ``path`` in a new process of this program."""
    return helper_argv("raw-copy", str(path))


class PtyCaseError(Exception):
    """The flood did not arrive whole, or the child failed: the measurement would be meaningless."""


@dataclass(frozen=True)
class PtyMeasurement:
    """One flood through a pty into a Session."""

    bytes: int
    seconds: float
    #: Reads the source delivered (the kernel's pty buffer sets their size, typically a few KiB).
    chunks: int
    #: What the ByteLog kept under its cap, and what it dropped.
    retained_bytes: int
    dropped_bytes: int


def measure_pty(data: bytes, *, cols: int, rows: int, scrollback: int, bytelog_cap: int) -> PtyMeasurement:
    """Send ``data`` through a child on a real pty into a fresh Session; raises :class:`PtyCaseError` on loss."""
    if sys.platform == "win32":
        raise PtyCaseError("the pty case needs a POSIX pty")
    with tempfile.TemporaryDirectory(prefix="mojiscope-bench-") as tmp:
        path = Path(tmp) / "flood.bin"
        path.write_bytes(data)
        return asyncio.run(_flood(path, data, cols, rows, scrollback, bytelog_cap))


async def _flood(path: Path, data: bytes, cols: int, rows: int, scrollback: int, cap: int) -> PtyMeasurement:
    # Imported here so that ``--help`` and the engine-only kinds do not load the sources and the session.
    from app.session import OutputReceived, SessionEvent
    from app.session.factory import command_plan, live_session

    digest = hashlib.sha256()
    received = chunks = 0

    def count(event: SessionEvent) -> None:
        nonlocal received, chunks
        if isinstance(event, OutputReceived):
            digest.update(event.data)
            received += len(event.data)
            chunks += 1

    plan = command_plan(copy_child(path), helper_env())
    session = live_session(plan, backend="pty", cols=cols, rows=rows, scrollback=scrollback, bytelog_cap=cap)
    session.subscribe(count)
    try:
        start = time.perf_counter()
        status = await session.run()
        seconds = time.perf_counter() - start
    finally:
        await session.close()
    if status != 0:
        raise PtyCaseError(f"the child exited with status {status}")
    if received != len(data) or digest.digest() != hashlib.sha256(data).digest():
        raise PtyCaseError(f"bytes lost or changed: {received:,} of {len(data):,} arrived")
    log = session.bytelog
    return PtyMeasurement(received, seconds, chunks, log.retained_bytes, log.dropped_bytes)
