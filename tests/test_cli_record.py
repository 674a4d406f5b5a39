"""``python -m app record|replay|render`` end to end: real processes on a real pty, real files, as a user runs them.

Includes a real ``go test -v`` (CI installs golang-go) with Chinese test and subtest names, and asciinema 2.4
(from the test extras) playing our recording. No network: the Go module has no dependencies and ``GOPROXY=off``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.record.cast import read_cast

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """``python -m app ARGS`` with no stdin (as in CI), output as bytes."""
    full_env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def ok(done: subprocess.CompletedProcess[bytes], status: int = 0) -> subprocess.CompletedProcess[bytes]:
    assert done.returncode == status, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    return done


def usage_error(done: subprocess.CompletedProcess[bytes], *fragments: str) -> str:
    assert done.returncode == 2, done
    assert done.stdout == b""
    lines = done.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def render(path: Path, *extra: str) -> str:
    return ok(run("render", str(path), *extra)).stdout.decode("utf-8")


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="records on a POSIX pty; ConPTY has its own suite")


# ------------------------------------------------------------------ record


def test_record_shows_the_output_and_records_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "printf.cast"
    done = ok(
        run(
            "record",
            "-o",
            str(out),
            "--cols",
            "40",
            "--rows",
            "6",
            "--",
            "printf",
            r"hi \344\275\240\n\e[1mbold\e[0m\n",
        )
    )
    assert done.stdout == "hi 你\r\n\x1b[1mbold\x1b[0m\r\n".encode()  # live, raw, ONLCR applied by the pty
    assert b"exit status 0" in done.stderr
    recording = read_cast(out)
    assert recording.output_bytes() == done.stdout
    assert recording.exit_status == 0
    header = recording.header
    assert (header.width, header.height) == (40, 6)
    assert header.command is not None and header.command.startswith("printf ")
    meta = header.mojiscope
    assert meta is not None
    assert meta["backend"] == "pty" and meta["profile"] == "command" and meta["utf8"] is True
    assert meta["argv"][0] == "printf"
    assert "PYTHONUTF8" in meta["env_overlay"]
    assert meta["startup_commands"] == [] and "IUTF8" in meta["tty_flags"]

    live = tmp_path / "live.bin"
    live.write_bytes(done.stdout)
    screen = render(live, "--cols", "40", "--rows", "6")
    assert screen.splitlines()[:2] == ["hi 你", "bold"]
    assert render(out) == screen  # size from the header
    assert ok(run("replay", "--render", str(out))).stdout.decode() == screen
    assert ok(run("replay", "--speed", "0", str(out))).stdout == done.stdout


def test_record_with_a_shell_profile_and_no_utf8(tmp_path: Path) -> None:
    out = tmp_path / "sh.cast"
    done = ok(run("record", "-o", str(out), "--profile", "sh", "--no-utf8", "--", "echo", "$HOME"))
    assert done.stdout == b"$HOME\r\n"  # argv run by the shell as given, quoted: no expansion
    meta = read_cast(out).header.mojiscope
    assert meta is not None and meta["profile"] == "sh" and meta["utf8"] is False
    assert meta["argv"] == ["sh", "-c", "echo '$HOME'"]
    assert meta["env_overlay"].get("PYTHONUTF8") is None


@pytest.mark.parametrize(("script", "status"), [("exit 3", 3), ("kill -TERM $$", 128 + 15)])
def test_record_exits_with_the_child_status(tmp_path: Path, script: str, status: int) -> None:
    out = tmp_path / "status.cast"
    ok(run("record", "-o", str(out), "--", "sh", "-c", script), status)
    assert read_cast(out).exit_status == (3 if status == 3 else -15)


def test_record_answers_terminal_queries(tmp_path: Path) -> None:
    out = tmp_path / "da1.cast"
    script = "printf '\\033[c'; read -r -s -d c -t 5 reply; echo \"got:${reply#?}c\""
    done = ok(run("record", "-o", str(out), "--", "bash", "-c", script))
    assert b"got:[?62;" in done.stdout
    assert any(e.data.startswith(b"\x1b[?62;") for e in read_cast(out).events if type(e).__name__ == "InputEvent")


def test_record_over_pipes(tmp_path: Path) -> None:
    out = tmp_path / "pipe.cast"
    done = ok(run("record", "-o", str(out), "--backend", "pipe", "--", "sh", "-c", "echo out; echo err >&2"))
    assert done.stdout == b"out\n"  # no pty: no ONLCR
    assert b"err\n" in done.stderr
    recording = read_cast(out)
    assert {(e.stream, e.data) for e in recording.outputs} == {("stdout", b"out\n"), ("stderr", b"err\n")}


def test_record_usage_errors(tmp_path: Path) -> None:
    usage_error(run("record", "--", "true"), "-o")
    usage_error(
        run("record", "-o", str(tmp_path / "no" / "such" / "dir.cast"), "--", "true"), "cannot write", "dir.cast"
    )
    line = usage_error(run("record", "-o", str(tmp_path / "p.cast"), "--profile", "fish", "--", "true"), "fish")
    assert "bash" in line and "command" in line  # the profiles there are
    usage_error(run("record", "-o", str(tmp_path / "n.cast"), "--", "no-such-program-xyz"), "no-such-program-xyz")
    usage_error(run("record", "-o", str(tmp_path / "c.cast"), "--backend", "conpty", "--", "true"), "Windows")
    usage_error(run("record", "-o", str(tmp_path / "e.cast"), "--profile", "command"), "empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-made left behind


# ------------------------------------------------------------------ replay and render of .cast


def _cast(tmp_path: Path, lines: list[object], name: str = "x.cast") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_malformed_cast_names_the_line(tmp_path: Path) -> None:
    path = _cast(tmp_path, [{"version": 2, "width": 10, "height": 2}, [0.1, "o", "ok"], [0.2, "o"]])
    for command in (["replay"], ["replay", "--render"], ["render"]):
        line = usage_error(run(*command, str(path)), f"{path}: line 3:")
        assert line.startswith(f"mojiscope {command[0]}: error:")
    bad_b = _cast(tmp_path, [{"version": 2, "width": 10, "height": 2}, [0.1, "o", "a"], [0.1, "b", "!!"]], "b.cast")
    usage_error(run("replay", str(bad_b)), "line 3", "base64")


def test_render_and_replay_use_exact_bytes_and_the_header_size(tmp_path: Path) -> None:
    header = {"version": 2, "width": 12, "height": 2, "mojiscope": {"format": 1}}
    # GBK bytes under UTF-8 text: the "b" event carries what the program really wrote.
    gbk = "中文".encode("gbk")
    path = _cast(
        tmp_path,
        [header, [0.1, "o", "\ufffd\ufffd"], [0.1, "b", base64.b64encode(gbk).decode()], [0.2, "o", "\r\nnext"]],
    )
    assert render(path, "--encoding", "cp936") == "中文\nnext\n"
    assert ok(run("replay", "--render", "--encoding", "cp936", str(path))).stdout.decode() == "中文\nnext\n"
    assert ok(run("replay", "--speed", "0", str(path))).stdout == gbk + b"\r\nnext"
    assert render(path, "--cols", "3", "--rows", "3", "--encoding", "cp936") == "中\n文\nnex\nt\n"


def test_a_plain_byte_file_that_is_not_a_cast_still_renders(tmp_path: Path) -> None:
    path = tmp_path / "json.bin"
    path.write_bytes(b'{"version": 1}\r\nplain')
    assert render(path, "--cols", "20", "--rows", "2") == '{"version": 1}\nplain\n'


def test_replay_of_a_truncated_recording_plays_up_to_the_last_whole_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.cast"
    path.write_bytes(b'{"version": 2, "width": 10, "height": 2}\n[0.1, "o", "ab"]\n[0.2, "o", "cd')
    done = ok(run("replay", "--render", str(path)))
    assert done.stdout == b"ab\n\n"
    assert b"cut off" in done.stderr


# ------------------------------------------------------------------ go test -v, asciinema


GO_MOD = "module example.com/demo\n\ngo 1.18\n"
GO_TEST = """package demo

import "testing"

func Test中文名称(t *testing.T) {
\tt.Log("日志：你好，世界")
\tt.Run("子测试一", func(t *testing.T) {
\t\tt.Log("内层 log")
\t})
\tt.Run("second_第二", func(t *testing.T) {})
}

func TestPlain(t *testing.T) {
\tt.Log("plain ascii")
}
"""


def _go_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOCACHE": str(tmp_path / "gocache"),
        "GOPATH": str(tmp_path / "gopath"),
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOTELEMETRY": "off",
        "HOME": str(tmp_path),
    }


def test_record_go_test_and_replay_it(tmp_path: Path) -> None:
    go = shutil.which("go")
    if go is None:
        pytest.fail(
            "the Go toolchain is not installed (CI installs golang-go: apt-get install golang-go); it is needed"
        )
    module = tmp_path / "demo"
    module.mkdir()
    (module / "go.mod").write_text(GO_MOD, encoding="utf-8")
    (module / "demo_test.go").write_text(GO_TEST, encoding="utf-8")
    out = tmp_path / "gotest.cast"
    done = run(
        "record", "-o", str(out), "--cols", "100", "--rows", "30", "--", go, "test", "-v", "-count=1", ".",
        cwd=module, env=_go_env(tmp_path), timeout=600,
    )  # fmt: skip
    ok(done)
    live = done.stdout.decode("utf-8")
    for name in (
        "=== RUN   Test中文名称",
        "Test中文名称/子测试一",
        "Test中文名称/second_第二",
        "日志：你好，世界",
        "--- PASS: TestPlain",
    ):
        assert name in live, live

    recording = read_cast(out)
    assert recording.output_bytes() == done.stdout
    assert recording.exit_status == 0
    live_bytes = tmp_path / "live.bin"
    live_bytes.write_bytes(done.stdout)
    screen = render(live_bytes, "--cols", "100", "--rows", "30")
    assert "--- PASS: Test中文名称" in screen
    assert ok(run("replay", "--render", str(out))).stdout.decode("utf-8") == screen
    assert render(out) == screen

    asciinema = Path(sys.executable).with_name("asciinema")
    if not asciinema.exists():
        pytest.fail(f"asciinema is not installed next to {sys.executable}: pip install -e '.[test]' installs 2.4.0")
    played = subprocess.run(
        [str(asciinema), "cat", str(out)],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert played.returncode == 0, played.stderr.decode("utf-8", "replace")
    text = played.stdout.decode("utf-8")
    for name in ("Test中文名称/子测试一", "Test中文名称/second_第二", "TestPlain"):
        assert name in text


def test_record_on_an_interactive_terminal_forwards_keys(tmp_path: Path) -> None:
    """On a real terminal (stdin and stdout ttys) keys go to the child, raw, and are recorded as input."""
    import select

    out = tmp_path / "keys.cast"
    script = "echo ready; read x; echo got:$x"
    master, slave = os.openpty()
    # subprocess rather than pty.fork: forking a possibly multi-threaded pytest warns on newer Pythons.
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "record", "-o", str(out), "--", "bash", "-c", script],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    sent = False
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, f"no output from record; got {seen!r}"
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: record exited and the pty closed
                break
            if not data:
                break
            seen += data
            if not sent and b"ready" in seen:
                os.write(master, b"hello\r")
                sent = True
    finally:
        status = proc.wait(timeout=60)
        os.close(master)
    assert status == 0, seen
    assert b"got:hello" in seen
    assert seen.count(b"\nhello\r\n") == 1  # our own terminal was raw: only the child's line discipline echoed
    inputs = [e.data for e in read_cast(out).events if type(e).__name__ == "InputEvent"]
    assert inputs == [b"hello\r"]


#: Prints which of the signals a terminal's programs expect in their default state this process ignores
#: (the kernel's own record: /proc/self/status, SigIgn).
_IGNORED_SIGNALS = (
    "import signal\n"
    "names = ('SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU')\n"
    "mask = next(int(ln.split()[1], 16) for ln in open('/proc/self/status') if ln.startswith('SigIgn:'))\n"
    "print('IGNORED', [n for n in names if mask >> (getattr(signal, n) - 1) & 1])\n"
)


def _ignoring_launcher_signals() -> None:
    """As ``nohup`` and a script's ``cmd &`` start a program: SIGHUP, SIGINT and SIGQUIT ignored."""
    import signal

    for number in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, signal.SIG_IGN)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the kernel's SigIgn from /proc")
@pytest.mark.parametrize("backend", ["pty", "pipe"])
def test_a_program_gets_ctrl_c_and_hang_up_even_when_mojiscope_was_started_ignoring_them(
    tmp_path: Path, backend: str
) -> None:
    """Started in the background by a script or with nohup, Mojiscope ignores SIGINT/SIGQUIT or SIGHUP; an ignored
    signal stays ignored across exec, so without care its programs would too (Ctrl-C would not stop a go test)."""
    cast = tmp_path / "signals.cast"
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "app", "record", "--backend", backend, "-o", str(cast), "--"]
    done = subprocess.run(
        [*argv, sys.executable, "-c", _IGNORED_SIGNALS],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=full_env,
        timeout=120,
        check=False,
        preexec_fn=_ignoring_launcher_signals,
    )
    ok(done)
    assert b"IGNORED []" in done.stdout, done.stdout
    # The check itself sees an ignored signal: the same program under the same launcher, run directly.
    direct = subprocess.run(
        [sys.executable, "-c", _IGNORED_SIGNALS], capture_output=True, timeout=60, preexec_fn=_ignoring_launcher_signals
    )
    assert b"IGNORED ['SIGHUP', 'SIGINT', 'SIGQUIT']" in direct.stdout, direct.stdout
