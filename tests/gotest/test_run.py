"""The go test parser on REAL ``go test`` output (see :mod:`tests.gotest.gorun`)."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from app.gotest import (
    MAX_LINES_PER_NODE,
    MAX_MARKERS,
    GoTestPreset,
    GoTestRun,
    Status,
)
from app.pty import PtySource, SpawnSpec
from app.record.cast import CastWriter, MarkerEvent, read_cast
from app.session import OutputReceived, Session, recording_header
from tests.gotest.gorun import (
    DEMO,
    DEMO_PKG,
    FAIL_LOCATION,
    MULTI_PKG,
    as_pty,
    check_offsets,
    chunks,
    coloured,
    go_env,
    package_seconds,
    parse,
    result_seconds,
    run_go,
    shape,
    timeless,
)

# ------------------------------------------------------------------ -v


DEMO_ORDER = ["Test失败", "Test加法", "TestGBK", "TestSplit", "TestInvalid"]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("variant", ["plain", "pty", "colour"])
def test_verbose_tree_of_the_demo(demo_v_fail: bytes, seed: int, variant: str) -> None:
    data = {"plain": demo_v_fail, "pty": as_pty(demo_v_fail), "colour": as_pty(coloured(demo_v_fail))}[variant]
    run = parse(data, seed)

    [pkg] = run.sorted_packages()
    assert (pkg.name, pkg.status, pkg.build_failed) == (DEMO_PKG, Status.FAIL, False)
    assert pkg.elapsed == package_seconds(demo_v_fail, DEMO_PKG)
    assert [t.name for t in pkg.sorted_tests()] == DEMO_ORDER  # the failure first, then run order
    add = pkg.tests["Test加法"]
    assert [(c.name, c.short_name, c.status) for c in add.sorted_children()] == [
        ("Test加法/子测试_1", "子测试_1", Status.PASS),
        ("Test加法/子测试_2", "子测试_2", Status.PASS),
    ]
    assert {t.name: t.status for t in pkg.walk()} == {
        "Test加法": Status.PASS,
        "Test加法/子测试_1": Status.PASS,
        "Test加法/子测试_2": Status.PASS,
        "Test失败": Status.FAIL,
        "TestGBK": Status.PASS,
        "TestSplit": Status.PASS,
        "TestInvalid": Status.PASS,
    }
    for test in pkg.walk():
        assert test.elapsed == result_seconds(demo_v_fail, test.name)
    assert run.counts().summary() == "6 passed, 1 failed"

    # Output goes to the test that wrote it: the log line, the failure, the raw bytes.
    assert [line.text for line in add.lines[:2]] == ["=== RUN   Test加法", "    mojidemo_test.go:12: 日志：你好，世界"]
    fail = pkg.tests["Test失败"]
    assert "    mojidemo_test.go:29: 失败：期望 3，得到 4" in [line.text for line in fail.lines]
    assert fail.result_line is not None and timeless(fail.result_line.text) == "--- FAIL: Test失败 (T)"
    assert any(line.raw == b"GBK: \xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7" for line in pkg.tests["TestGBK"].lines)
    assert any(line.text == "split: 你好" for line in pkg.tests["TestSplit"].lines)
    assert pkg.result_line is not None and pkg.result_line.text.startswith("FAIL\texample.com/mojidemo\t")
    assert check_offsets(run, data) >= 20


def test_chunking_does_not_change_the_tree(demo_v_fail: bytes) -> None:
    whole = shape(parse(demo_v_fail))
    assert all(shape(parse(demo_v_fail, seed)) == whole for seed in range(10))
    one_byte = GoTestRun()
    for i in range(len(demo_v_fail)):
        one_byte.feed(demo_v_fail[i : i + 1])  # no offsets: each read follows the last
    assert shape(one_byte) == whole


def test_first_line_of_each_test_is_its_run_line(demo_v_fail: bytes) -> None:
    data = as_pty(demo_v_fail)
    run = parse(data, 7)
    for test in run.tests():
        line = test.first_line
        assert line is not None
        assert data[line.start : line.end] == f"=== RUN   {test.name}".encode()


def test_several_packages_build_failure_skip_and_parallel(multi_v: bytes) -> None:
    run = parse(as_pty(multi_v), 5)
    packages = {p.name: p for p in run.all_packages()}
    assert set(packages) == {f"{MULTI_PKG}/{n}" for n in ("alpha", "beta", "broken", "gamma")}
    # Failed packages first (in the order they appeared), then the others.
    assert [p.status for p in run.sorted_packages()][:2] == [Status.FAIL, Status.FAIL]

    alpha, beta = packages[f"{MULTI_PKG}/alpha"], packages[f"{MULTI_PKG}/beta"]
    broken, gamma = packages[f"{MULTI_PKG}/broken"], packages[f"{MULTI_PKG}/gamma"]
    assert [t.name for t in alpha.sorted_tests()] == ["TestTable", "TestSkip", "TestParA", "TestParB"]
    assert [c.short_name for c in alpha.tests["TestTable"].sorted_children()] == ["a+b_(x)", "[y]|z", "ok"]
    assert alpha.tests["TestSkip"].status is Status.SKIP
    assert "不需要" in alpha.tests["TestSkip"].lines[1].text
    for name, own in (("TestParA", "    alpha_test.go:18: A"), ("TestParB", "    alpha_test.go:20: B")):
        # Parallel tests interleave; go re-announces a test (=== CONT) before each of its lines.
        texts = [line.text for line in alpha.tests[name].lines]
        assert texts[:2] == [f"=== RUN   {name}", f"=== PAUSE {name}"] and f"=== CONT  {name}" in texts
        assert timeless(texts[-1]) == f"--- PASS: {name} (T)"
        assert [t for t in texts if "alpha_test.go" in t] == [own]
    assert list(beta.tests) == ["TestBeta"] and beta.status is Status.PASS  # its block came after the build errors
    assert broken.build_failed and broken.status is Status.FAIL and not broken.tests
    assert "undefined: undefinedThing" in broken.lines[1].text
    first = broken.first_line
    assert first is not None and first.text.startswith(f"# {MULTI_PKG}/broken")
    assert gamma.no_test_files and gamma.status is Status.SKIP
    assert run.counts().summary() == "4 passed, 3 failed, 1 skipped, 1 build failed"


def test_paused_while_parallel_tests_wait(multi_v: bytes) -> None:
    """Fed only up to the second ``=== PAUSE``, both parallel tests are paused; CONT resumes one."""
    cut = multi_v.index(b"=== PAUSE TestParB\n") + len(b"=== PAUSE TestParB\n")
    run = GoTestRun()
    run.feed(multi_v[:cut])
    pending = run.sorted_packages()[-1]
    assert pending.name == "" and pending.title == "(package not named yet)"
    assert pending.all_tests["TestParA"].status is Status.PAUSED
    assert pending.all_tests["TestParB"].status is Status.PAUSED
    assert run.counts().paused == 2
    cont = multi_v.index(b"=== CONT  ", cut)  # whichever goes on first (the order is up to the scheduler)
    nxt = multi_v.index(b"\n", cont) + 1
    run.feed(multi_v[cut:nxt])
    first = multi_v[cont + 10 : nxt - 1].decode()
    other = "TestParB" if first == "TestParA" else "TestParA"
    assert pending.all_tests[first].status is Status.RUN
    assert pending.all_tests[other].status is Status.PAUSED
    assert run.counts().summary() == "1 passed, 3 failed, 1 skipped, 1 running, 1 paused"


def test_without_v_failure_output_goes_to_the_failed_subtest(gobase: Path, multi_module: Path) -> None:
    data = run_go(["test", "-count=1", "./alpha"], multi_module, go_env(gobase))
    run = parse(data, 3)
    sub = run.find("TestTable/a+b_(x)", f"{MULTI_PKG}/alpha")
    assert sub is not None and sub.status is Status.FAIL
    assert [timeless(line.text) for line in sub.lines] == [
        "    --- FAIL: TestTable/a+b_(x) (T)",
        "        alpha_test.go:10: bad a+b (x)",
    ]


def test_cached_result(gobase: Path, multi_module: Path) -> None:
    env = go_env(gobase)
    run_go(["test", "-v", "./beta"], multi_module, env)
    data = run_go(["test", "-v", "./beta"], multi_module, env)  # the second run comes from the cache
    [pkg] = parse(data).all_packages()
    assert pkg.cached and pkg.status is Status.PASS and pkg.elapsed is None
    assert pkg.tests["TestBeta"].status is Status.PASS


# ------------------------------------------------------------------ -json


@pytest.mark.parametrize("seed", [4, 5])
def test_json_tree_of_the_demo(demo_json_fail: bytes, seed: int) -> None:
    data = as_pty(demo_json_fail)
    run = parse(data, seed)
    [pkg] = run.sorted_packages()
    assert (pkg.name, pkg.status) == (DEMO_PKG, Status.FAIL)
    assert [t.name for t in pkg.sorted_tests()] == DEMO_ORDER
    assert [c.name for c in pkg.tests["Test加法"].sorted_children()] == ["Test加法/子测试_1", "Test加法/子测试_2"]
    assert run.counts().summary() == "6 passed, 1 failed"
    events = [json.loads(line) for line in demo_json_fail.splitlines()]
    assert {t.name: t.elapsed for t in pkg.walk()} == {
        e["Test"]: e["Elapsed"] for e in events if "Elapsed" in e and e.get("Test")
    }
    assert pkg.elapsed == next(e["Elapsed"] for e in events if e["Action"] == "fail" and "Test" not in e)
    assert pkg.result_line is not None
    assert '"Output":"FAIL\\texample.com/mojidemo\\t' in pkg.result_line.text
    fail = pkg.tests["Test失败"]
    assert any("失败：期望 3，得到 4" in line.text for line in fail.lines)
    assert fail.result_line is not None and "--- FAIL: Test失败" in fail.result_line.text
    assert check_offsets(run, data) >= 25


def test_json_with_plain_build_errors(multi_json: bytes) -> None:
    """Go 1.19 writes build errors as plain text on stderr even under -json: both kinds of line are read."""
    run = parse(as_pty(multi_json), 9)
    packages = {p.name: p for p in run.all_packages()}
    broken = packages[f"{MULTI_PKG}/broken"]
    assert broken.build_failed and broken.status is Status.FAIL
    assert any("undefined: undefinedThing" in line.text for line in broken.lines)
    assert packages[f"{MULTI_PKG}/gamma"].no_test_files
    assert run.counts().summary() == "4 passed, 3 failed, 1 skipped, 1 build failed"
    assert packages[f"{MULTI_PKG}/alpha"].tests["TestParB"].status is Status.PASS


# ------------------------------------------------------------------ markers


def test_markers_for_started_and_failed_tests(demo_v_fail: bytes) -> None:
    seen: list[tuple[str, int]] = []
    run = GoTestRun(on_marker=lambda m: seen.append((m.label, m.offset)))
    data = as_pty(demo_v_fail)
    for offset, piece in chunks(data, 11):
        run.feed(piece, offset)
    markers = run.take_markers()
    assert [(m.label, m.offset) for m in markers] == seen
    assert run.take_markers() == []
    assert [m.label for m in markers] == [
        "RUN Test加法",
        "RUN Test失败",
        "FAIL Test失败",
        "RUN TestGBK",
        "RUN TestSplit",
        "RUN TestInvalid",
        f"FAIL {DEMO_PKG}",
    ]
    at = {m.label: data[m.offset : data.index(b"\r\n", m.offset)] for m in markers}
    assert at["RUN Test加法"] == "=== RUN   Test加法".encode()
    assert timeless(at["FAIL Test失败"].decode()) == "--- FAIL: Test失败 (T)"
    assert at[f"FAIL {DEMO_PKG}"].startswith(b"FAIL\texample.com/mojidemo\t")


def test_live_session_on_a_pty_with_markers_in_the_recording(gobase: Path) -> None:
    """The preset's launch on a real pty session: the tree fills from OutputReceived, offsets index the
    session's ByteLog, and each marker becomes an "m" event in the recording."""
    preset = GoTestPreset(str(DEMO), flags=("-v", "-count=1"), env=(("MOJI_FAIL", "1"),), record=True)
    launch = preset.launch(go_env(gobase))
    source = PtySource(SpawnSpec(launch.argv, env=launch.env, cwd=launch.cwd))
    buffer = io.BytesIO()
    session = Session(source, recorder=CastWriter(buffer, recording_header(source, cols=80, rows=24)))
    run = GoTestRun(on_marker=lambda m: session.mark(m.label))
    session.subscribe(lambda e: run.feed(e.data, e.offset) if isinstance(e, OutputReceived) else None)

    async def main() -> int:
        status = await asyncio.wait_for(session.run(), 300)
        await session.close()
        return status

    assert asyncio.run(main()) == 1
    run.finish()
    data = session.bytelog.slice(0)
    assert b"\r\n" in data  # a pty's line endings
    assert run.counts().summary() == "6 passed, 1 failed"
    assert [t.name for t in run.sorted_packages()[0].sorted_tests()] == DEMO_ORDER
    check_offsets(run, data)
    buffer.seek(0)
    labels = [e.label for e in read_cast(buffer).events if isinstance(e, MarkerEvent)]
    assert labels == ["RUN Test加法", "RUN Test失败", "FAIL Test失败", "RUN TestGBK", "RUN TestSplit",
                      "RUN TestInvalid", f"FAIL {DEMO_PKG}"]  # fmt: skip


# ------------------------------------------------------------------ edges


def test_gap_drops_the_unfinished_line_and_finish_takes_the_last() -> None:
    run = GoTestRun()
    run.feed(b"=== RUN   TestA\n=== RU", 0)
    run.feed(b"N   TestB\n", 100)  # a gap: "=== RU" + "N   TestB" is not one line
    run.feed(b"--- PASS: TestA (1.50s)")
    assert run.find("TestB") is None
    test = run.find("TestA")
    assert test is not None and test.status is Status.RUN
    run.finish()
    assert test.status is Status.PASS and test.elapsed == 1.5
    assert test.result_line is not None and (test.result_line.start, test.result_line.end) == (110, 133)


def test_text_input_prompts_and_repeated_attempts() -> None:
    run = GoTestRun()
    run.feed("$ go test -count=2 -v .\r\n")  # the prompt and command line: not part of any package
    assert run.generation == 0 and run.all_packages() == []
    run.feed("=== RUN   TestA\r\n--- FAIL: TestA (0.00s)\r\n=== RUN   TestA\r\n")
    test = run.find("TestA")
    assert test is not None and test.status is Status.RUN and test.attempts == 2
    run.feed("--- PASS: TestA (0.00s)\r\nFAIL\r\nFAIL\texample.com/x\t0.010s\r\n$ ")
    assert test.status is Status.PASS and run.packages["example.com/x"].status is Status.FAIL


def test_chatty_test_keeps_a_bounded_number_of_lines() -> None:
    run = GoTestRun()
    run.feed(b"=== RUN   TestChatty\n" + b"x\n" * (MAX_LINES_PER_NODE + 10))
    test = run.find("TestChatty")
    assert test is not None and len(test.lines) == MAX_LINES_PER_NODE and test.lines_dropped == 11


def test_markers_kept_for_take_markers_are_bounded_and_on_marker_still_gets_every_one() -> None:
    seen: list[str] = []
    run = GoTestRun(on_marker=lambda m: seen.append(m.label), max_markers=4)
    run.feed("".join(f"=== RUN   Test{i}\r\n--- FAIL: Test{i} (0.00s)\r\n" for i in range(5)).encode())
    assert len(seen) == 10 and seen[:2] == ["RUN Test0", "FAIL Test0"]
    assert [m.label for m in run.take_markers()] == ["RUN Test3", "FAIL Test3", "RUN Test4", "FAIL Test4"]
    assert run.markers_dropped == 6
    run.feed(b"=== RUN   TestLast\r\n")
    assert [m.label for m in run.take_markers()] == ["RUN TestLast"] and run.markers_dropped == 6


def test_a_flood_of_short_tests_keeps_at_most_max_markers() -> None:
    run = GoTestRun()
    n = MAX_MARKERS + 25
    run.feed("".join(f"=== RUN   Test{i}\n--- PASS: Test{i} (0.00s)\n" for i in range(n)).encode())
    markers = run.take_markers()
    assert len(markers) == MAX_MARKERS and run.markers_dropped == 25
    assert markers[0].label == "RUN Test25" and markers[-1].label == f"RUN Test{n - 1}"
    assert run.counts().passed == n


def test_gbk_session_parses_with_its_encoding() -> None:
    run = GoTestRun(encoding="gbk")
    run.feed("=== RUN   Test你好\n--- PASS: Test你好 (0.00s)\nok  \texample.com/g\t0.1s\n".encode("gbk"))
    assert run.find("Test你好") is not None and run.counts().passed == 1


# ------------------------------------------------------------------ where a click goes


@pytest.mark.parametrize("flavour", ["v", "json"])
def test_a_failed_test_targets_its_failure_and_others_their_start(
    demo_v_fail: bytes, demo_json_fail: bytes, flavour: str
) -> None:
    data = as_pty(demo_v_fail) if flavour == "v" else demo_json_fail
    run = parse(data, seed=5)
    failed, passed = run.find("Test失败"), run.find("Test加法")
    assert failed is not None and passed is not None
    target = failed.target_line
    assert target is not None and f"{FAIL_LOCATION} 失败：期望 3，得到 4" in target.text
    start = passed.target_line
    assert start is not None and start is passed.first_line
    assert ("=== RUN   Test加法" if flavour == "v" else '"Action":"run"') in start.text
    pkg = run.packages[DEMO_PKG]
    assert pkg.target_line is pkg.first_line


def test_a_failure_without_a_location_targets_its_fail_line() -> None:
    run = GoTestRun()
    run.feed(b"=== RUN   TestPanic\nsome output\n--- FAIL: TestPanic (0.00s)\nFAIL\nFAIL\tx.com/p\t0.1s\n")
    test = run.find("TestPanic")
    assert test is not None and test.target_line is test.result_line
    assert test.target_line is not None and test.target_line.text == "--- FAIL: TestPanic (0.00s)"
