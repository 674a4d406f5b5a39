"""Launch presets and "rerun failed", checked by running the narrowed command with real ``go``."""

from __future__ import annotations

import os
from pathlib import Path

from app.gotest import (
    GoTestPreset,
    escape_run_element,
    rerun_pattern,
)
from tests.gotest.gorun import (
    DEMO,
    DEMO_PKG,
    MULTI_PKG,
    go_env,
    parse,
    run_go,
)

# ------------------------------------------------------------------ rerun failed


def test_rerun_pattern_escapes_each_element() -> None:
    assert escape_run_element("Test加法") == "^Test加法$"
    assert escape_run_element("a+b_(x)") == r"^a\+b_\(x\)$"
    assert escape_run_element("[y]|z.*?{1}^$\\") == r"^\[y\]\|z\.\*\?\{1\}\^\$\\$"
    assert rerun_pattern(["TestA", "TestB"]) == "^(TestA|TestB)$"
    # A parent whose subtest failed is covered by the subtest; each subtest is its own alternative.
    assert rerun_pattern(["TestA", "TestA/sub 1", "TestB", "TestC/x/y"]) == r"^(TestB)$|^TestA$/^sub 1$|^TestC$/^x$/^y$"
    assert rerun_pattern([]) is None


def test_rerun_failed_runs_only_the_failed_test(demo_v_fail: bytes, gobase: Path) -> None:
    preset = GoTestPreset(str(DEMO), flags=("-v", "-count=1", "-run", "Test", "-run=X"), env=(("MOJI_FAIL", "1"),))
    rerun = preset.rerun_failed(parse(demo_v_fail))
    assert rerun is not None
    assert rerun.flags == ("-v", "-count=1", "-run", "^(Test失败)$")  # earlier -run flags replaced
    assert rerun.packages == (DEMO_PKG,)
    assert rerun.command() == ["go", "test", "-v", "-count=1", "-run", "^(Test失败)$", DEMO_PKG]
    again = parse(run_go(rerun.command()[1:], DEMO, go_env(gobase, MOJI_FAIL="1")))
    assert [t.name for t in again.tests()] == ["Test失败"]
    assert again.counts().summary() == "0 passed, 1 failed"
    # Nothing failed, nothing to rerun.
    assert preset.rerun_failed(parse(run_go(["test", "-v", "./..."], DEMO, go_env(gobase)))) is None


def test_rerun_failed_subtests_with_metacharacters_for_real(multi_v: bytes, multi_module: Path, gobase: Path) -> None:
    rerun = GoTestPreset(str(multi_module), flags=("-v",)).rerun_failed(parse(multi_v))
    assert rerun is not None
    pattern = r"^TestTable$/^a\+b_\(x\)$|^TestTable$/^\[y\]\|z$"
    assert rerun.flags == ("-v", "-run", pattern)
    assert rerun.packages == (f"{MULTI_PKG}/alpha", f"{MULTI_PKG}/broken")  # the build failure is retried too
    again = parse(run_go(rerun.command()[1:], multi_module, go_env(gobase)))
    alpha = again.packages[f"{MULTI_PKG}/alpha"]
    assert list(alpha.all_tests) == ["TestTable", "TestTable/a+b_(x)", "TestTable/[y]|z"]  # not "ok", not TestSkip
    assert again.packages[f"{MULTI_PKG}/broken"].build_failed


def test_rerun_keeps_the_packages_when_the_run_was_cut_short(demo_v_fail: bytes) -> None:
    cut = demo_v_fail.index(b"=== RUN   TestGBK")
    run = parse(demo_v_fail[:cut])
    rerun = GoTestPreset("/m", packages=("./...",)).rerun_failed(run)
    assert rerun is not None and rerun.packages == ("./...",)


# ------------------------------------------------------------------ presets


def test_preset_command_profile() -> None:
    base = {"PATH": os.environ["PATH"], "HOME": "/home/u", "LANG": "C"}
    preset = GoTestPreset("/src/mod", packages=("./a", "./b/..."), flags=("-v", "-count=1"), env=(("MOJI_FAIL", "1"),))
    launch = preset.launch(base, platform="linux")
    assert launch.argv == ("go", "test", "-v", "-count=1", "./a", "./b/...")
    assert launch.cwd == "/src/mod" and launch.record is False
    assert launch.env["MOJI_FAIL"] == "1" and launch.env["HOME"] == "/home/u"
    assert launch.env["PYTHONUTF8"] == "1" and launch.plan.set_iutf8
    assert launch.plan.overlay.get("LANG", "").lower().replace("-", "").endswith("utf8")
    off = GoTestPreset("/src/mod", utf8=False).launch(base, platform="linux")
    assert off.env["LANG"] == "C" and "PYTHONUTF8" not in off.env and not off.plan.set_iutf8
    assert preset.describe() == "MOJI_FAIL=1 go test -v -count=1 ./a ./b/..."


def test_preset_through_shells() -> None:
    base = {"PATH": os.environ["PATH"]}
    bash = GoTestPreset("/m", flags=("-v", "-run", "^(Test失败)$"), profile="bash").launch(base, platform="linux")
    assert bash.argv[1:] == ("-c", "go test -v -run '^(Test失败)$' ./...")
    cmd = GoTestPreset("C:\\m", profile="cmd").launch({"PATH": ""}, platform="win32")
    assert cmd.argv == ("cmd.exe", "/S", "/C", "chcp 65001>nul & go test -v ./...")
    pwsh = GoTestPreset("C:\\m", profile="pwsh", utf8=False, flags=("-json",)).launch({"PATH": ""}, platform="win32")
    assert pwsh.argv[-1] == "& 'go' 'test' '-json' './...'; exit $LASTEXITCODE"
    assert GoTestPreset("/m", flags=("-json",)).json and not GoTestPreset("/m").json


