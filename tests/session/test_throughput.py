"""Throughput (issue 3, "must show"): 100 MB through a real pty into a Session with its Terminal.

What is checked is what a flood must not break, never how fast it went (no wall-clock assertions; the MB/s is the
bench's job, ``python -m app bench --kinds pty``):

- every byte arrives: the length and sha256 that a subscriber computes over ``OutputReceived.data`` equal the ones
  the child computed over what it wrote (it reports them in a side file, since its stdout *is* the stream);
- memory stays bounded: the ByteLog keeps at most its cap and counts the rest as dropped, and the process's
  resident memory grows by far less than the 100 MB that went through (bound explained at :data:`RSS_SLACK`);
- the screen shows the last lines the child wrote.

The child puts its tty in raw mode, so no ONLCR: the bytes that arrive must be exactly the bytes written (it writes
its own ``\\r\\n``). Its output is deterministic (seeded) and varied the way terminal output is: mostly printable
ASCII lines, some with SGR colours, some in Chinese (wide cells), every line numbered so the screen check means
something. It writes 1 MiB blocks so that the child is never the bottleneck; the Session (Terminal, ByteLog) is.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import textwrap
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from app.pty import PtySource, SpawnSpec
from app.session import OutputReceived, Session, SessionEvent

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX pty; ConPTY has its own suite"),
    pytest.mark.slow,
]

T = TypeVar("T")

MiB = 1024 * 1024
TOTAL = 100 * MiB
CAP = 8 * MiB
COLS = 100
ROWS = 30
SEED = 3
#: How much the resident set may grow while 100 MB flow through, beyond the ByteLog's cap.  What legitimately
#: lives besides the log: the pty source's queue (up to HIGH_WATER, 4 MiB, plus the 64 KiB read that crossed it),
#: the terminal's 10,000 lines of scrollback (~100-char strings with their style runs: a few MiB), the event and
#: the chunk in flight, and what CPython's allocator keeps in its arenas after churning 100 MB through 64 KiB
#: ``bytes`` objects.  Measured growth is ~20 MiB (see the report printed by ``-s``); 48 MiB leaves room for
#: allocator noise while still failing anything that keeps even half of the stream (50 MB) alive.
RSS_SLACK = 48 * MiB

_CHILD = textwrap.dedent("""
    import collections, hashlib, json, random, sys, tty

    total, seed, report = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    tty.setraw(1)  # no ONLCR: what we write is what the reader must get
    rng = random.Random(seed)
    words = ("ok PASS FAIL run test cache parse encode decode handler router config server client request "
             "response bytes length offset chunk buffer flush write read stream session terminal").split()
    hanzi = "加法减法乘法字符串解析编码解码用户数据库缓存日志配置中文路径排序网络测试成功失败期望值记录连接处理"
    colours = ["\\x1b[32m", "\\x1b[31m", "\\x1b[1;33m", "\\x1b[36m", "\\x1b[38;5;208m", "\\x1b[38;2;90;160;255m"]
    pool = []  # (bytes as written, text as the screen shows it); every line fits in 80 cells
    for _ in range(4096):
        kind = rng.random()
        if kind < 0.65:
            text = " ".join(rng.choices(words, k=rng.randint(2, 12)))
            pool.append((text, text))
        elif kind < 0.85:
            name = "Test" + "".join(w.title() for w in rng.choices(words, k=rng.randint(1, 3)))
            verdict = rng.choice(["--- PASS", "--- FAIL", "=== RUN "])
            colour = rng.choice(colours)
            secs = f"({rng.randint(0, 999) / 100:.2f}s)"
            pool.append((f"{colour}{verdict}\\x1b[0m: {name} {secs}", f"{verdict}: {name} {secs}"))
        else:
            text = "".join(rng.choices(hanzi, k=rng.randint(3, 30)))  # 2 cells each: <= 60 cells
            label = rng.choice(["日志", "输入", "t.Log"])
            pool.append((f"{label}: {text}", f"{label}: {text}"))
    digest = hashlib.sha256()
    out = sys.stdout.buffer
    written = n = 0
    last = []
    while written < total:
        picks = rng.choices(pool, k=12_000)  # ~0.6 MB per block: big writes, the reader is the bottleneck
        block = "".join([f"{n + i:08d} {raw}\\r\\n" for i, (raw, _) in enumerate(picks)]).encode()
        last = [f"{n + i:08d} {shown}" for i, (_, shown) in enumerate(picks)]
        n += len(picks)
        digest.update(block)
        out.write(block)
        written += len(block)
    out.flush()
    with open(report, "w", encoding="utf-8") as f:
        json.dump({"bytes": written, "lines": n, "sha256": digest.hexdigest(), "last": last[-40:]}, f)
""")


def run(coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """``asyncio.run`` under a timeout: a hang fails the test instead of the run (not a speed assertion)."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


class Meter:
    """A subscriber that hashes every byte the session delivered and samples this process's resident memory."""

    SAMPLE_EVERY = 1 * MiB

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.chunks = 0
        self._process = psutil.Process()
        self.baseline = self.peak = self._process.memory_info().rss
        self._next_sample = 0

    def __call__(self, event: SessionEvent) -> None:
        if isinstance(event, OutputReceived):
            self.digest.update(event.data)
            self.bytes += len(event.data)
            self.chunks += 1
            if self.bytes >= self._next_sample:
                self._next_sample += self.SAMPLE_EVERY
                self.peak = max(self.peak, self._process.memory_info().rss)


def test_100_mb_through_a_pty_into_a_session(tmp_path: Path) -> None:
    report = tmp_path / "child.json"
    argv = [sys.executable, "-c", _CHILD, str(TOTAL), str(SEED), str(report)]

    async def go() -> tuple[int, Session, Meter]:
        session = Session(PtySource(SpawnSpec(argv, cols=COLS, rows=ROWS)), cols=COLS, rows=ROWS, bytelog_cap=CAP)
        meter = Meter()  # baseline taken with the session built, before the first byte
        session.subscribe(meter)
        try:
            status = await session.run()
        finally:
            await session.close()
        return status, session, meter

    status, session, meter = run(go(), timeout=600)
    child = json.loads(report.read_text(encoding="utf-8"))
    log = session.bytelog
    growth = meter.peak - meter.baseline
    print(
        f"\n{meter.bytes:,} bytes in {meter.chunks:,} chunks; ByteLog keeps {log.retained_bytes:,} "
        f"(cap {CAP:,}), dropped {log.dropped_bytes:,}; RSS growth {growth / MiB:.1f} MiB"
    )

    assert status == 0
    # Every byte, in order: same length and same sha256 as the child wrote.
    assert child["bytes"] >= TOTAL
    assert meter.bytes == log.total_bytes == child["bytes"]
    assert meter.digest.hexdigest() == child["sha256"]
    # Memory under the ByteLog cap; what went beyond it is counted, not kept.
    assert log.retained_bytes <= CAP
    assert log.memory_cost <= CAP
    assert log.dropped_bytes == log.total_bytes - log.retained_bytes > 0
    assert log.slice(log.start_offset).endswith(b"\r\n")
    assert growth < CAP + RSS_SLACK, f"resident memory grew by {growth / MiB:.1f} MiB"
    # The screen shows the last lines: ROWS - 1 of them above the cursor, on the empty last row.
    display = [row.rstrip() for row in session.terminal.display]
    assert display[-1] == ""
    assert session.terminal.cursor[0] == ROWS - 1
    assert display[:-1] == child["last"][-(ROWS - 1) :]
    assert display[-2].startswith(f"{child['lines'] - 1:08d} ")
