"""``python -m app bench --explain``: how long the mojibake explainer takes on what a user selects.

Cases (each the best of ``repeats`` runs, in milliseconds): a screenful (80×40) of `go test -v` output with Chinese
names, UTF-8 read as GBK, every line different (the explainer searches the first lines fully and tries their chain
first on the rest); the same screen's GBK bytes read as UTF-8 (bytes mode); a screenful of clean text (nothing to
fix: every line is searched and refused); one line of each; and the largest input it takes (:data:`MAX_CHARS`
characters; more is cut, with a note).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.inspect.explain import MAX_CHARS, explain_bytes, explain_text

__all__ = ["ExplainTiming", "measure_explain", "report"]

_NAMES = ("加法", "减法", "乘法", "除法", "连接数据库", "读取文件", "解析配置", "发送请求", "中文测试", "日志输出")


def _screen(rows: int = 40) -> str:
    lines = []
    for i in range(rows):
        name = _NAMES[i % len(_NAMES)]
        kind = i % 4
        if kind == 0:
            lines.append(f"=== RUN   Test{name}/子测试_{i}")
        elif kind == 1:
            lines.append(f"    mojidemo_test.go:{i + 10}: 日志：第{i}次{name}，结果正确")
        elif kind == 2:
            lines.append(f"--- PASS: Test{name}/子测试_{i} (0.0{i % 10}s)")
        else:
            lines.append(f"    失败：期望 {i}，得到 {i + 1}（{name}）")
    return "\n".join(line[:80] for line in lines) + "\n"


@dataclass(frozen=True)
class ExplainTiming:
    case: str
    chars: int
    ms: float
    found: bool


def _best(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def measure_explain(repeats: int = 3) -> list[ExplainTiming]:
    screen = _screen()
    garbled = screen.encode("utf-8").decode("gbk", "replace")
    gbk_bytes = screen.encode("gbk")
    line = garbled.splitlines()[1]
    big = (garbled * (MAX_CHARS // len(garbled) + 2))[: MAX_CHARS + 1000]
    cases: list[tuple[str, int, Callable[[], bool]]] = [
        ("one garbled line (UTF-8 read as GBK)", len(line), lambda: explain_text(line).found),
        ("screenful, UTF-8 read as GBK (text)", len(garbled), lambda: explain_text(garbled).found),
        ("screenful, GBK bytes read as UTF-8", len(gbk_bytes), lambda: explain_bytes(gbk_bytes, "utf-8").found),
        ("screenful of clean text (refused)", len(screen), lambda: explain_text(screen).found),
        (f"largest input ({MAX_CHARS} of {len(big)} chars)", len(big), lambda: explain_text(big).found),
    ]
    timings = []
    for name, size, fn in cases:
        found = fn()
        timings.append(ExplainTiming(name, size, _best(fn, repeats), found))
    return timings


def report(timings: list[ExplainTiming]) -> list[str]:
    lines = [f"{'case':<44} {'size':>7} {'ms':>8}  found"]
    lines += [f"{t.case:<44} {t.chars:>7} {t.ms:>8.1f}  {'yes' if t.found else 'no'}" for t in timings]
    return lines
