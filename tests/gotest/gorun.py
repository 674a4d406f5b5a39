"""Running ``go`` for real and feeding its output to the parser: shared by the go test model's tests.

Every tree in these tests comes from running ``go`` on the demo module (``resources/demo/gotest``) or on a small
module written into a temporary folder (several packages, a build failure, skips, parallel tests, subtest names
full of regex metacharacters), then fed to the parser in random chunk splits, with CR LF as a pty writes it, and
with colour codes as gotestsum adds them.  Nothing measures wall-clock time: durations are compared with the
numbers in the output itself.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from app.gotest import GoTestRun, OutputLine, PackageNode, TestNode

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "gotest"
def _failure_location() -> str:
    """Where the demo's failing test calls t.Errorf, as Go prints it (``mojidemo_test.go:29:``)."""
    for path in sorted(DEMO.glob("*_test.go")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if 't.Errorf("失败' in line:
                return f"{path.name}:{number}:"
    raise AssertionError("the demo module has no failing t.Errorf")


FAIL_LOCATION = _failure_location()
DEMO_PKG = "example.com/mojidemo"
MULTI_PKG = "example.com/multi"

MULTI_FILES = {
    "go.mod": "module example.com/multi\n\ngo 1.19\n",
    "alpha/alpha_test.go": """package alpha

import "testing"

func TestTable(t *testing.T) {
	for _, name := range []string{"a+b (x)", "ok", "[y]|z"} {
		name := name
		t.Run(name, func(t *testing.T) {
			if name != "ok" {
				t.Errorf("bad %s", name)
			}
		})
	}
}

func TestSkip(t *testing.T) { t.Skip("不需要") }

func TestParA(t *testing.T) { t.Parallel(); t.Log("A") }

func TestParB(t *testing.T) { t.Parallel(); t.Log("B") }
""",
    "beta/beta_test.go": """package beta

import "testing"

func TestBeta(t *testing.T) { t.Log("beta") }
""",
    "broken/broken_test.go": """package broken

import "testing"

func TestBroken(t *testing.T) { undefinedThing() }
""",
    "gamma/gamma.go": "package gamma\n\nfunc G() {}\n",
}


def timeless(line: str) -> str:
    """A go test result line with its duration masked: real runs take 0.00s or, under load, more."""
    return re.sub(r"\(\d+\.\d+s\)", "(T)", line)


# ------------------------------------------------------------------ running go for real


def go_env(base: Path, **extra: str) -> dict[str, str]:
    """The environment go runs in: offline, the local toolchain, caches in the test's temporary folder."""
    env = dict(os.environ)
    env.update(
        GOFLAGS="-mod=mod",
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOCACHE=str(base / "gocache"),
        GOPATH=str(base / "gopath"),
        GOTELEMETRY="off",
    )
    env.pop("MOJI_FAIL", None)
    env.update(extra)
    return env


def run_go(args: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    """``go ARGS`` with stderr merged into stdout, as a terminal shows them."""
    go = shutil.which("go", path=env.get("PATH"))
    assert go is not None, "go is not installed (CI installs it; the tests need it)"
    done = subprocess.run([go, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    return done.stdout


# ------------------------------------------------------------------ feeding


def chunks(data: bytes, seed: int, most: int = 64) -> Iterator[tuple[int, bytes]]:
    """``data`` cut at random places (1-byte pieces included), with each piece's offset."""
    rng = random.Random(seed)
    pos = 0
    while pos < len(data):
        size = rng.randint(1, most)
        yield pos, data[pos : pos + size]
        pos += size


def parse(data: bytes, seed: int | None = None) -> GoTestRun:
    run = GoTestRun()
    if seed is None:
        run.feed(data, 0)
    else:
        for offset, piece in chunks(data, seed):
            run.feed(piece, offset)
    run.finish()
    return run


def as_pty(data: bytes) -> bytes:
    """What a pty with ONLCR delivers: every LF as CR LF."""
    return data.replace(b"\n", b"\r\n")


def coloured(data: bytes) -> bytes:
    """Colour codes around the markers and names, as gotestsum and richgo add them."""
    data = re.sub(rb"--- (PASS|FAIL|SKIP)", b"\x1b[1;32m--- \\1\x1b[0m", data)
    data = re.sub(rb"=== RUN", b"\x1b[36m=== RUN\x1b[0m", data)
    return re.sub(rb"^(ok|FAIL)\t", b"\x1b[31m\\1\x1b[0m\t", data, flags=re.M)


def shape(run: GoTestRun) -> list[tuple[str, str, list[tuple[str, str, float | None, int]]]]:
    """The tree as plain values, failures first, to compare parses of the same output."""

    def tests(nodes: list[TestNode]) -> list[tuple[str, str, float | None, int]]:
        out: list[tuple[str, str, float | None, int]] = []
        for node in nodes:
            out.append((node.name, node.status.value, node.elapsed, len(node.lines)))
            out += tests(node.sorted_children())
        return out

    return [(p.name, p.status.value, tests(p.sorted_tests())) for p in run.sorted_packages()]


def result_seconds(data: bytes, name: str) -> float:
    """The duration go printed for ``name`` in its ``--- PASS/FAIL`` line."""
    m = re.search(rb"--- \w+: " + re.escape(name.encode()) + rb" \((\d+\.\d+)s\)", data)
    assert m, name
    return float(m.group(1))


def package_seconds(data: bytes, package: str) -> float:
    m = re.search(rb"^(?:ok  |FAIL)\t" + re.escape(package.encode()) + rb"\t(\d+\.\d+)s", data, re.M)
    assert m, package
    return float(m.group(1))


def visible(data: bytes, line: OutputLine) -> bytes:
    """The bytes of ``line`` as the parser saw them: without colour codes and carriage returns."""
    raw = re.sub(rb"\x1b\[[0-9;]*m", b"", data[line.start : line.end])
    return raw.replace(b"\r", b"")


def check_offsets(run: GoTestRun, data: bytes) -> int:
    """Every kept line's ``[start, end)`` are its bytes, ``next`` follows its LF, ``line_no`` counts LFs before it."""
    checked = 0
    nodes: list[PackageNode | TestNode] = [*run.all_packages(), *run.tests()]
    for node in nodes:
        for line in node.lines:
            assert visible(data, line) == line.raw
            assert data[line.next - 1 : line.next] == b"\n"
            assert line.line_no == data.count(b"\n", 0, line.start)
            checked += 1
    return checked
