"""The parser's fast way (one regex scan per read finds the lines that may mean something; ``=== RUN`` and
``--- PASS`` are taken from the scan's groups, other candidates go line by line, plain output and plain ``=== RUN``
lines are kept as blocks; CR LF reads get a lighter scan) gives exactly what the simple way (every line on its own,
``GoTestRun.line_by_line``) gives: the same tree, lines, offsets, markers and changes, for any stream and any cut.
"""

from __future__ import annotations

import itertools
import json
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from app.bench import generate
from app.gotest import GoTestRun, OutputLine, PackageNode, TestNode
from app.gotest import run as run_module

NAMES = ["TestA", "TestA/sub", "TestA/sub/deep", "Test加法", "Test加法/子测试_1", "TestB", "TestB/x y", "Test\xe9"]
PKGS = ["example.com/a", "example.com/中文", "x"]
COLOURS = ["", "\x1b[32m", "\x1b[31m", "\x1b[1;33m"]


ALL_KINDS = st.integers(0, 25)
#: The kinds of :func:`go_line` at the edges of the shapes the fast way takes apart itself, and what they need around.
EDGE_KINDS = st.sampled_from([0, 4, 5, 6, 9, 12, 16, 19, 22, 22, 22, 23, 23, 23, 24, 25])


@st.composite
def go_line(draw: st.DrawFn, kinds: st.SearchStrategy[int] = ALL_KINDS) -> bytes:
    """One line of what a terminal sees around ``go test``: events, results, package lines, build output, JSON,
    test output (indented, coloured, CJK, invalid bytes, progress redrawn with CR), prompts and near misses."""
    name = draw(st.sampled_from(NAMES))
    pkg = draw(st.sampled_from(PKGS))
    colour = draw(st.sampled_from(COLOURS))
    reset = "\x1b[0m" if colour else ""
    indent = draw(st.sampled_from(["", "    ", "        ", "\t", " "]))
    secs = draw(st.sampled_from([" (0.00s)", " (1.5s)", "", " (12s)", " (x)"]))
    kind = draw(kinds)
    text: str | bytes
    if kind <= 3:
        text = f"=== {('RUN', 'PAUSE', 'CONT', 'NAME')[kind]}   {name}"
    elif kind <= 6:
        verdict = ("PASS", "FAIL", "SKIP")[kind - 4]
        text = f"{indent}{colour}--- {verdict}{reset}: {name}{secs}"
    elif kind == 7:
        text = draw(
            st.sampled_from(
                [f"ok  \t{pkg}\t0.012s", f"FAIL\t{pkg}\t0.2s", "FAIL", "PASS", f"?   \t{pkg}\t[no test files]",
                 f"FAIL\t{pkg} [build failed]", f"ok  \t{pkg}\t(cached)", f"{colour}ok{reset}  \t{pkg}\t0.1s"]
            )
        )  # fmt: skip
    elif kind == 8:
        text = draw(st.sampled_from([f"# {pkg}", "./x.go:3:1: undefined: y", f"# {pkg} [{pkg}.test]"]))
    elif kind == 9:
        event: dict[str, Any] = {"Action": draw(st.sampled_from(["run", "pass", "fail", "output", "skip", "pause"]))}
        event["Package"] = pkg
        if draw(st.booleans()):
            event["Test"] = name
        if event["Action"] == "output":
            event["Output"] = draw(st.sampled_from(["=== RUN   TestA\n", "hello\n", f"ok  \t{pkg}\t0.1s\n"]))
        text = json.dumps(event, ensure_ascii=False)
    elif kind <= 14:
        text = f"{indent}{name.split('/')[0].lower()}_test.go:{kind}: 日志 {colour}message{reset}"
    elif kind == 15:
        text = draw(st.sampled_from(["$ go test -v ./...", "okay then", "Foo bar", "=x", "{not json", "#tag", "?"]))
    elif kind == 16:
        text = f"progress 10%\r{draw(st.sampled_from(['50%', '=== RUN   TestB', '--- PASS: TestB (0.00s)']))}"
    elif kind == 17:
        text = b"bytes \xff\xfe " + draw(st.sampled_from([b"", b"\xe4\xb8", b"--- "]))
    elif kind == 18:
        text = f"{'x' * draw(st.integers(30, 40))}--- PASS: {name}"  # a result marker further right than _text looks
    elif kind == 19:
        text = f"{indent}    more output under a failure"
    elif kind == 20:
        text = ""
    elif kind == 21:
        text = draw(st.text(st.sampled_from(" -=abc中\t\x1b[m\r"), max_size=12))
    elif kind == 22:  # result lines at the edges of the shape the scan takes apart itself (run._SCAN)
        leads = ["", indent, " " * 36, " " * 37, "\f", "\v" + " " * 34, "\x1b[2K", "  \x1b[32m  ", "\x1b[1;32m"]
        lead = draw(st.sampled_from(leads))
        word = draw(st.sampled_from(["PASS", "FAIL", "SKIP", "PASS", "PASSED", "pass"]))
        after = draw(st.sampled_from(["", "", reset, "\x1b[0;1m", "\x1b[K"]))
        tail = draw(
            st.sampled_from(
                [f"{name} (0.00s)", f"{name}", "", " ", "\t", f"{name}  (1s)", f"{name} (1s) (2.5s)", f"{name} (1s) x",
                 " (1s)", f"{name} (1.s)",
                 f"{name} (.5s)", f"{name}\x1b[1m (1s)", f"{name} (1s)\t ", f"{name}  ", f"{name} (0.5s)\v", "(1s)",
                 f"{name} \x1b[0m(1s)", f"{name} (1s\r)", f"{name}\x00 (1s)"]
            )
        )  # fmt: skip
        text = f"{lead}--- {word}{after}: {tail}"
    elif kind == 23:  # === RUN lines at the edges of that shape
        text = draw(
            st.sampled_from(
                [f"=== RUN\t{name}", "=== RUN", "=== RUN ", "=== RUN    ", f"=== RUN{name}", f"=== RUN   {name}  \t",
                 f"=== RUN   {name}\x1b[1m!", f"{colour}=== RUN   {name}{reset}", f"=== RUN   {name} x\ty",
                 f" === RUN {name}",
                 f"=== RUN   {name}\v", f"=== RUN \t {name}", f"=== RUN   {name}\x00", f"=== RUN   {name}\rx",
                 f"{colour}=== PAUSE {name}{reset}", f"{colour}=== CONT  {name}  {reset} ", f"=== CONT\t{name}",
                 f"\x1b[33m=== PAUSE {name}\x1b[K", f"=== PAUSE {name}\x1b[0m x", f"{colour}  === CONT  {name}",
                 f"=== PAUSE {name}\x1b[0m\x1b[0m", f"=== PAUSED {name}", f"=== CONT  {name}\rx"]
            )
        )  # fmt: skip
    elif kind == 24:  # the same test again: -count=N, or a name reused after its result
        again = [f"=== RUN   {name}", f"--- FAIL: {name} (0.01s)", f"    --- PASS: {name} (0.00s)"]
        text = draw(st.sampled_from(again))
    else:  # a whole test as go test -v prints it: a result, then its indented log, then more (go-test-v's shape)
        sub, more, end = f"{name}/sub", f"{indent}    x_test.go:9: detail", draw(st.sampled_from(["\n", "\r\n"]))
        text = end.join(
            [f"=== RUN   {name}", f"=== RUN   {sub}", f"{indent}{colour}--- FAIL{reset}: {sub} (0.00s)", more, more,
             f"{colour}--- PASS{reset}: {name} (0.00s)", more, f"=== RUN   {name}", "    log", f"=== CONT  {name}"]
        )  # fmt: skip
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data + draw(st.sampled_from([b"\n", b"\r\n", b"\r\r\n", b"\n", b"\r\n"]))


def _lines(lines: list[OutputLine]) -> list[tuple[int, int, int, int, bytes]]:
    return [(line.start, line.end, line.next, line.line_no, line.raw) for line in lines]


def _line(line: OutputLine | None) -> tuple[int, int, int, int, bytes] | None:
    return None if line is None else (line.start, line.end, line.next, line.line_no, line.raw)


def _test(node: TestNode) -> tuple[Any, ...]:
    return (
        node.name, node.status, node.elapsed, node.attempts, _line(node.result_line), _lines(node.lines),
        node.lines_dropped, [_test(child) for child in node.children.values()],
    )  # fmt: skip


def _package(pkg: PackageNode) -> tuple[Any, ...]:
    return (
        pkg.name, pkg.status, pkg.elapsed, pkg.cached, pkg.build_failed, pkg.no_test_files, pkg.detail,
        _line(pkg.result_line), _lines(pkg.lines), pkg.lines_dropped, [_test(t) for t in pkg.tests.values()],
        sorted(pkg.all_tests),
    )  # fmt: skip


def snapshot(run: GoTestRun) -> tuple[Any, ...]:
    pending = run._pending
    return (
        [_package(p) for p in run.all_packages()],
        {name: _package(p) for name, p in run.packages.items()},
        None if pending is None else _package(pending),
        run.counts(),
        run.take_markers(),
        run._line_no,
    )


def _feed_both(data: bytes, cuts: list[int]) -> tuple[GoTestRun, GoTestRun]:
    fast, slow = GoTestRun(mark_subtests=True), GoTestRun(mark_subtests=True)
    slow.line_by_line = True
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for a, b in itertools.pairwise(points):
        before = (fast.generation, slow.generation)
        fast.feed(data[a:b], a)
        slow.feed(data[a:b], a)
        # The generation tells a view to refresh: both change on the same reads (not by the same amount).
        assert (fast.generation != before[0]) == (slow.generation != before[1])
    return fast, slow


@settings(max_examples=400, deadline=None)
@given(
    st.lists(go_line(), max_size=40),
    st.lists(st.integers(0, 10_000), max_size=8),
    st.lists(st.integers(0, 40), max_size=6),
    st.integers(1, 6),
)
def test_fast_way_gives_what_line_by_line_gives(
    lines: list[bytes], cuts: list[int], at_lines: list[int], cap: int
) -> None:
    data = b"".join(lines)
    ends = list(itertools.accumulate(len(line) for line in lines))
    cuts = cuts + [ends[i % len(ends)] for i in at_lines if ends]  # reads that start where a line starts, too
    with mock.patch.object(run_module, "MAX_LINES_PER_NODE", cap):  # the cap, small enough to be reached
        fast, slow = _feed_both(data, cuts)
        fast.finish()
        slow.finish()
        assert snapshot(fast) == snapshot(slow)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(go_line(EDGE_KINDS), min_size=2, max_size=30),
    st.lists(st.integers(0, 10_000), max_size=4),
    st.lists(st.integers(0, 30), max_size=4),
)
def test_fast_way_at_the_edges_of_its_shapes(lines: list[bytes], cuts: list[int], at_lines: list[int]) -> None:
    """Near misses of ``=== RUN``/``--- PASS`` (blanks, ESC and CR inside, odd seconds, deep indents) drawn often,
    not once in a few hundred lines: each edge of the scan's shapes is crossed in most runs."""
    data = b"".join(lines)
    ends = list(itertools.accumulate(len(line) for line in lines))
    fast, slow = _feed_both(data, cuts + [ends[i % len(ends)] for i in at_lines])
    fast.finish()
    slow.finish()
    assert snapshot(fast) == snapshot(slow)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["go-test-v", "go-test-wrap"]), st.integers(0, 3), st.lists(st.integers(0, 10**6), max_size=30))
def test_fast_way_on_the_bench_streams(kind: str, seed: int, cuts: list[int]) -> None:
    data = generate(kind, 150_000, seed=seed)
    fast, slow = _feed_both(data, cuts + list(range(0, len(data), 4095)))
    assert snapshot(fast) == snapshot(slow)
    assert fast.counts().total > 10


def test_lines_read_later_are_the_lines_that_came() -> None:
    """Plain output kept as blocks becomes the same OutputLine objects when first read, and stays put."""
    run = GoTestRun()
    run.feed(b"=== RUN   TestA\r\n    a_test.go:1: one\r\n    two\r\n\r\n=== RUN   TestA/s\r\nthree\r\n", 100)
    test = run.find("TestA")
    assert test is not None
    assert [(line.start, line.end, line.next, line.line_no, line.text) for line in test.lines] == [
        (100, 115, 117, 0, "=== RUN   TestA"),
        (117, 137, 139, 1, "    a_test.go:1: one"),
        (139, 146, 148, 2, "    two"),
        (148, 148, 150, 3, ""),
    ]
    assert test.lines is test.lines
    sub = run.find("TestA/s")
    assert sub is not None and [line.text for line in sub.lines] == ["=== RUN   TestA/s", "three"]
