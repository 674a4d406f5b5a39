"""``bench --explain``: the cases run and find what they should (their times are reported, never asserted)."""

from __future__ import annotations

import json

from app.bench.explain_case import measure_explain, report
from tests.test_cli import run


def test_the_cases_find_the_mojibake_and_refuse_the_clean_screen() -> None:
    timings = measure_explain(repeats=1)
    assert [t.found for t in timings] == [True, True, True, False, True]
    assert "clean" in timings[3].case
    assert all(t.ms > 0 and t.chars > 0 for t in timings)
    assert report(timings)[0].split() == ["case", "size", "ms", "found"]


def test_bench_explain_from_the_command_line() -> None:
    done = run("bench", "--explain", "--repeats", "1", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["found"] for r in rows] == [True, True, True, False, True]
