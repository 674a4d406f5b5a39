"""The bench's peers (xterm.js headless, libvterm): they read the same bytes as ours — their screens agree with
ours where the engines agree — a missing or crashing peer is reported, and the report has their columns.

Speeds are never asserted; that the figures are there, positive and computed from the same bytes is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.bench import generate, peers
from app.bench.runner import main
from app.vt import Terminal

COLS, ROWS = 120, 40


def _our_screen(data: bytes) -> list[str]:
    term = Terminal(cols=COLS, rows=ROWS, scrollback=10_000)
    for i in range(0, len(data), 4096):
        term.feed(data[i : i + 4096])
    rows = [term.row(term.history_size + y) for y in range(ROWS)]
    return [row.text.replace("\x00", "").rstrip(" ") if row is not None else "" for row in rows]


@pytest.fixture(scope="module")
def need_peers() -> None:
    """Both peers are test tools (.ci/run installs them); a missing one fails here instead of skipping."""
    assert peers.xterm_js_missing() is None, peers.xterm_js_missing()
    assert peers.libvterm_missing() is None, peers.libvterm_missing()


@pytest.mark.parametrize(
    "kind",
    [
        "go-test-v",
        "go-test-wrap",
        "insert-mode",
        "sgr-dense",
        "cursor-scroll",
        "line-editor",
        "conpty-frames",
        "go-test-json",
        "progress-bars",
    ],
)
def test_xterm_js_ends_on_our_screen(kind: str, need_peers: None) -> None:
    data = generate(kind, 60_000)
    run = peers.run_xterm_js(data, cols=COLS, rows=ROWS, scrollback=10_000, chunk=4096, runs=2)
    assert run.error is None and run.missing is None
    assert run.version == "6.0.0"
    assert run.cold_seconds is not None and run.cold_seconds > 0
    assert run.warm_seconds is not None and run.warm_seconds > 0
    assert run.screen == _our_screen(data)
    assert any(run.screen)


@pytest.mark.parametrize(
    "kind", ["go-test-v", "go-test-wrap", "plain-ascii", "sgr-dense", "go-test-json", "progress-bars"]
)
def test_libvterm_ends_on_our_screen(kind: str, need_peers: None) -> None:
    data = generate(kind, 60_000)
    run = peers.run_libvterm(data, cols=COLS, rows=ROWS, chunk=4096, repeats=2)
    assert run.error is None and run.missing is None
    assert run.cold_seconds is not None and run.warm_seconds is not None
    assert 0 < run.warm_seconds <= run.cold_seconds
    assert run.screen == _our_screen(data)


def test_a_peer_that_crashes_is_reported_and_the_bench_goes_on(need_peers: None) -> None:
    """libvterm 0.1.4 dies on a CSI with more parameters than it keeps: the child's crash is the peer's finding."""
    many = b"\x1b[?" + b";".join(str(i).encode() for i in range(1, 35)) + b"h"
    run = peers.run_libvterm(many + b"text\r\n", cols=COLS, rows=ROWS, chunk=4096, repeats=1)
    if run.error is None:  # a fixed libvterm: then it must have read the text like ours
        assert run.screen[0] == "text"
    else:
        assert run.error.startswith("crashed (SIG")
        assert run.cold_seconds is None and run.screen == []


def test_missing_peers_are_reported_as_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOJISCOPE_XTERM_HEADLESS", str(tmp_path / "nowhere"))
    monkeypatch.setattr(peers, "_libvterm", lambda: None)
    args = ["--kinds", "go-test-v", "--size-mb", "0.02", "--repeats", "1", "--no-pyte"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"xterm.js: missing: @xterm/headless is not in {tmp_path / 'nowhere'}" in out
    assert "libvterm: missing: libvterm is not installed" in out
    row = next(line for line in out.splitlines() if line.startswith("go-test-v "))
    assert row.split("|")[1].split() == ["-", "-", "-", "-"] and row.split("|")[2].split() == ["-", "-"]

    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (result,) = report["results"]
    assert result["xterm_note"].startswith("missing: ") and result["libvterm_note"].startswith("missing: ")
    assert result["xterm_cold_mb_s"] is None and result["libvterm_ratio"] is None
    assert report["setup"]["peers_missing"]["libvterm"].startswith("libvterm is not installed")


def test_json_has_every_peer_figure_from_the_same_bytes(need_peers: None, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--json", "--kinds", "go-test-v,insert-mode", "--size-mb", "0.05", "--repeats", "2", "--no-pyte"]
    assert main([*args, "--peer-runs", "3"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert report["setup"]["peers"] is True and report["setup"]["peer_runs"] == 3
    assert report["setup"]["peers_missing"] == {"xterm.js": None, "libvterm": None}
    for row in report["results"]:
        for key in ("xterm_cold_mb_s", "xterm_warm_mb_s", "libvterm_mb_s"):
            assert row[key] > 0, key
        # Each ratio is the peer's time over ours on the whole stream: it follows from the two speeds.
        assert row["xterm_cold_ratio"] == pytest.approx(row["ours_mb_s"] / row["xterm_cold_mb_s"])
        assert row["xterm_warm_ratio"] == pytest.approx(row["ours_mb_s"] / row["xterm_warm_mb_s"])
        assert row["libvterm_ratio"] == pytest.approx(row["ours_mb_s"] / row["libvterm_mb_s"])
        assert row["xterm_note"] is None and row["libvterm_note"] is None
    summary = report["summary"]
    assert summary["xterm_cold_ratio_min"] == min(r["xterm_cold_ratio"] for r in report["results"])
    assert summary["ours_mb_s_min"] == min(r["ours_mb_s"] for r in report["results"])


def test_table_shows_the_peer_columns_and_the_method(need_peers: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kinds", "windows-console", "--size-mb", "0.05", "--repeats", "1", "--no-pyte"]) == 0
    out = capsys.readouterr().out
    assert "xterm.js headless (node): whole stream, its first run in a fresh node (cold)" in out
    head = next(line for line in out.splitlines() if line.startswith("kind "))
    assert head.split() == [
        "kind", "bytes", "ours", "MB/s", "pyte", "MB/s", "ratio",
        "|", "xterm.js", "cold", "ratio", "warm", "ratio", "|", "libvterm", "ratio",
    ]  # fmt: skip
    row = next(line for line in out.splitlines() if line.startswith("windows-console "))
    cold, cold_ratio, warm, warm_ratio = row.split("|")[1].split()
    assert float(cold) > 0 and cold_ratio.endswith("x") and float(warm) > 0 and warm_ratio.endswith("x")
    assert "summary: " in out and "lowest ratio to xterm.js cold" in out
