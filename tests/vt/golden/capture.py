"""Capture golden byte streams from REAL programs on a REAL pty, with expected screens.

Why: generated streams test sequences one by one; real programs (vim, less, top, htop,
ls --color, go test -v) combine them the way users will see them. Each capture stores the
exact bytes the program wrote (``NAME.bytes``) and the screen xterm.js makes of them
(``NAME.json``) - the expectation comes from the independent oracle, never from our engine.

Run (needs the programs and the xterm.js oracle; CI does NOT run this, it only replays
the committed files)::

    apt-get install -y vim-nox less procps htop golang-go
    npm ci --prefix tests/vt/reference
    .venv/bin/python tests/vt/golden/capture.py [--only NAME ...] [--list]

Nothing is answered on the pty (no DA/DSR replies): programs that query the terminal
must cope, as they do on a dumb one. Interactive programs get keys after a delay; for
them two goldens are written: ``NAME`` (bytes up to the quit key: the program's own
screen) and ``NAME_exit`` (everything, after it restored the screen).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE.parent))  # tests/vt, for reference.oracle

from reference.oracle import Case, run_xterm  # noqa: E402

DATA = _HERE / "data"
MAX_BYTES = 200_000


@dataclass
class Program:
    """One capture: what to run, at what size, and which keys to send when."""

    name: str
    argv: list[str]
    cols: int = 80
    rows: int = 24
    keys: list[tuple[float, bytes]] = field(default_factory=list)  # (seconds after start, bytes)
    quit_key_index: int | None = None  # index into keys: bytes before it form the main golden
    setup: Callable[[Path], None] | None = None  # prepares the working directory
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 120.0
    needs: str = ""  # executable that must exist, else the capture is skipped


# --------------------------------------------------------------------------- fixtures

def _setup_ls(cwd: Path) -> None:
    """A directory whose listing exercises colours, CJK names and alignment."""
    files = {
        "README.md": "hello\n",
        "测试报告.txt": "中文内容\n",
        "加法_test.go": "package main\n",
        "日本語ファイル.log": "x" * 1234,
        "données.csv": "a,b\n",
        "한국어.md": "안녕\n",
        "plain.txt": "",
    }
    for name, text in files.items():
        (cwd / name).write_text(text, encoding="utf-8")
    (cwd / "目录").mkdir()
    (cwd / "bin").mkdir()
    script = cwd / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o755)
    (cwd / "链接").symlink_to("测试报告.txt")
    (cwd / "broken-link").symlink_to("does-not-exist")
    stamp = 1_700_000_000
    for p in cwd.iterdir():
        os.utime(p, (stamp, stamp), follow_symlinks=False)


# a line wider than 80 cells, so vim wraps it (and must place a wide char at the edge)
LONG_COMMENT = (
    "// 加法 returns the sum. 这是一个很长的注释行，"
    "用来测试自动换行和宽字符在行尾的处理方式，看看终端怎么显示它。"
)
VIM_TEXT = textwrap.dedent(
    """\
    package main

    {long_comment}
    func 加法(a, b int) int {
    \treturn a + b
    }

    func main() {
    \tprintln("你好，世界", 加法(1, 2))
    }
    """
).replace("{long_comment}", LONG_COMMENT) + "".join(
    f"line {i:03} — ascii and 中文 mixed text {'x' * (i % 50)}\n" for i in range(60)
)


def _setup_text(cwd: Path) -> None:
    (cwd / "main.go").write_text(VIM_TEXT, encoding="utf-8")
    colored = "".join(
        f"\x1b[3{i % 8}m{i:03}\x1b[0m \x1b[1m粗体\x1b[22m normal 表格 | {'宽' * (i % 30)}\n"
        for i in range(120)
    )
    (cwd / "colored.txt").write_text(colored, encoding="utf-8")


GO_TEST = textwrap.dedent(
    """\
    package calc

    import "testing"

    func Add(a, b int) int { return a + b }

    func Test加法(t *testing.T) {
    \tcases := []struct {
    \t\tname string
    \t\ta, b int
    \t\twant int
    \t}{
    \t\t{"正数", 1, 2, 3},
    \t\t{"负数", -1, -2, -3},
    \t\t{"零 zero", 0, 0, 0},
    \t}
    \tfor _, c := range cases {
    \t\tc := c
    \t\tt.Run(c.name, func(t *testing.T) {
    \t\t\tt.Logf("计算 %d + %d = %d", c.a, c.b, Add(c.a, c.b))
    \t\t\tif got := Add(c.a, c.b); got != c.want {
    \t\t\t\tt.Errorf("got %d, want %d", got, c.want)
    \t\t\t}
    \t\t})
    \t}
    }

    func Test减法失败(t *testing.T) {
    \tt.Log("这个测试会失败 — deliberately")
    \tt.Error("期望 1，得到 2")
    }

    func TestSkip跳过(t *testing.T) {
    \tt.Skip("跳过：没有网络")
    }

    func TestLongOutput(t *testing.T) {
    \tfor i := 0; i < 30; i++ {
    \t\tt.Logf("第 %02d 行: %s", i, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十")
    \t}
    }
    """
)


def _setup_go(cwd: Path) -> None:
    (cwd / "go.mod").write_text("module example.com/calc\n\ngo 1.19\n")
    (cwd / "calc_test.go").write_text(GO_TEST, encoding="utf-8")


PROGRESS = textwrap.dedent(
    """\
    import sys, time
    w = sys.stdout.write
    w("下载中 downloading…\\n")
    for i in range(0, 101, 5):
        bar = "█" * (i // 5) + "░" * (20 - i // 5)
        w(f"\\r\\x1b[K{i:3d}% |{bar}| 文件 {i}/100")
        sys.stdout.flush()
        time.sleep(0.01)
    w("\\n\\x1b[32m✔ 完成\\x1b[0m done\\n")
    w("\\x1b[s\\x1b[1;60H\\x1b[7m 状态: OK \\x1b[0m\\x1b[u")
    w("tab\\tstops\\tand\\t表格\\tcells\\n")
    """
)


def programs() -> list[Program]:
    vim_keys = [(1.5, b"G"), (2.0, b"gg"), (2.5, b"3j$"), (3.0, b":q!\r")]
    return [
        Program("ls_la", ["ls", "--color=always", "-la", "--time-style=long-iso"], 80, 24,
                setup=_setup_ls, env={"TZ": "UTC"}),
        Program("ls_columns", ["ls", "--color=always", "-C"], 60, 10, setup=_setup_ls),
        Program("vim", ["vim", "-u", "NONE", "-N", "-i", "NONE", "-n", "main.go"], 80, 24,
                keys=vim_keys, quit_key_index=3, setup=_setup_text, needs="vim"),
        Program("less", ["less", "-R", "colored.txt"], 70, 20,
                keys=[(1.0, b" "), (1.5, b"j"), (2.0, b"q")], quit_key_index=2,
                setup=_setup_text, env={"LESSHISTFILE": "-"}, needs="less"),
        # top/htop list only themselves (``-p $$`` after exec, ``--filter``): the goldens
        # should not carry the capturing machine's process list.
        Program("top_batch", ["sh", "-c", "exec top -b -n 1 -w 100 -p $$"], 100, 30, needs="top"),
        Program("top", ["sh", "-c", "exec top -n 1 -p $$"], 90, 25, needs="top"),
        Program("htop", ["htop", "--no-mouse", "--readonly", "--filter=htop"], 100, 30,
                keys=[(2.0, b"q")], quit_key_index=0, needs="htop"),
        Program("go_test_v", ["go", "test", "-v", "-count=1", "./..."], 80, 24,
                setup=_setup_go, timeout=300, needs="go",
                env={"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GOPROXY": "off",
                     "GO111MODULE": "on", "CGO_ENABLED": "0"}),
        Program("progress", [sys.executable, "-c", PROGRESS], 72, 12),
    ]


# --------------------------------------------------------------------------- pty runner

def _set_ctty() -> None:
    """In the child, after setsid: make the pty slave (fd 0) the controlling terminal,
    so programs that open /dev/tty (less, vim) talk to our pty."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_on_pty(prog: Program, cwd: Path) -> tuple[bytes, int | None]:
    """Run ``prog`` on a fresh pty; return (all bytes, offset where the quit key was sent)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", prog.rows, prog.cols, 0, 0))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": str(prog.cols),
        "LINES": str(prog.rows),
        "GOCACHE": os.environ.get("GOCACHE", str(Path(tempfile.gettempdir()) / "mojiscope-gocache")),
        "GOPATH": str(Path(tempfile.gettempdir()) / "mojiscope-gopath"),
        **prog.env,
    }
    proc = subprocess.Popen(
        prog.argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
        start_new_session=True, preexec_fn=_set_ctty, close_fds=True,
    )
    os.close(slave)
    out = bytearray()
    quit_at: int | None = None
    start = time.monotonic()
    pending = list(enumerate(prog.keys))
    try:
        while True:
            now = time.monotonic() - start
            while pending and pending[0][1][0] <= now:
                idx, (_, key) = pending.pop(0)
                if idx == prog.quit_key_index:
                    quit_at = len(out)
                os.write(master, key)
            if now > prog.timeout:
                raise TimeoutError(f"{prog.name} still running after {prog.timeout}s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the slave side is closed, the child is gone
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None and not pending:
                # drain whatever is left, then stop
                while select.select([master], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        break
                    out += chunk
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(master)
    return bytes(out), quit_at


def _xterm_version() -> str:
    pkg = _HERE.parent / "reference" / "node_modules" / "@xterm" / "headless" / "package.json"
    return json.loads(pkg.read_text())["version"] if pkg.exists() else "?"


def write_golden(name: str, prog: Program, data: bytes, note: str) -> None:
    if len(data) > MAX_BYTES:
        raise ValueError(f"{name}: {len(data)} bytes is over the {MAX_BYTES} byte budget; shrink the capture")
    ref = run_xterm([Case(prog.cols, prog.rows, data)])[0]
    if ref.error:
        raise RuntimeError(f"{name}: xterm.js failed: {ref.error}")
    meta = {
        "name": name,
        "cols": prog.cols,
        "rows": prog.rows,
        "argv": prog.argv if prog.argv[0] != sys.executable else ["python3", *prog.argv[1:]],
        "keys": [[t, k.decode("latin-1")] for t, k in prog.keys],
        "env": {"TERM": "xterm-256color", "LANG": "C.UTF-8", **prog.env},
        "note": note,
        "bytes": len(data),
        "expected_by": f"@xterm/headless {_xterm_version()} (tests/vt/reference/xterm_headless.js)",
        "expected": {"display": ref.display, "cursor": list(ref.cursor), "history": ref.history,
                     "alt": ref.alt},
    }
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / f"{name}.bytes").write_bytes(data)
    text = json.dumps(meta, ensure_ascii=False, indent=1) + "\n"
    (DATA / f"{name}.json").write_text(text, encoding="utf-8")
    print(f"  wrote {name}: {len(data)} bytes, cursor {ref.cursor}, history {len(ref.history)} rows")


def capture(prog: Program) -> None:
    if prog.needs and shutil.which(prog.needs) is None:
        print(f"skip {prog.name}: {prog.needs} is not installed")
        return
    print(f"capture {prog.name}: {' '.join(prog.argv)[:70]} at {prog.cols}x{prog.rows}")
    with tempfile.TemporaryDirectory(prefix=f"mojiscope-{prog.name}-") as tmp:
        cwd = Path(tmp)
        if prog.setup:
            prog.setup(cwd)
        data, quit_at = run_on_pty(prog, cwd)
    if prog.quit_key_index is not None:
        if quit_at is None:
            raise RuntimeError(f"{prog.name}: the quit key was never sent")
        write_golden(prog.name, prog, data[:quit_at], "bytes up to the quit key: the program's own screen")
        write_golden(f"{prog.name}_exit", prog, data, "all bytes, after the program quit")
    else:
        write_golden(prog.name, prog, data, "all bytes until the program exited")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="capture only these names")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    progs = programs()
    if args.list:
        for p in progs:
            print(f"{p.name:12} {p.cols}x{p.rows}  {' '.join(p.argv)[:60]}")
        return 0
    for p in progs:
        if args.only and p.name not in args.only:
            continue
        capture(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
