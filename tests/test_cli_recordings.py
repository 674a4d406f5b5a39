"""``render``, ``replay`` and ``inspect`` on recordings from anyone: limits, versions, streaming, engine failures.

Every hostile file here once gave a traceback, a hang, gigabytes of memory or a wrong screen with status 0
(issue 12); now each is one line on stderr and status 2, or the right screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import ROOT, assert_usage_error, run

V2 = {"version": 2, "width": 40, "height": 5}


def cast(tmp_path: Path, header: object, *events: object, name: str = "r.cast") -> str:
    path = tmp_path / name
    lines = [json.dumps(header)] + [e if isinstance(e, str) else json.dumps(e) for e in events]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return str(path)


@pytest.mark.parametrize("command", [["render"], ["replay", "--speed", "0"], ["replay", "--render"], ["inspect"]])
@pytest.mark.parametrize(
    ("header", "events", "fragments"),
    [
        ({"version": 2, "width": 80, "height": 1_000_000_000}, [], ["line 1:", '"height"', "limit of 10000"]),
        ({"version": 3, "term": {"cols": 65536, "rows": 24}}, [], ["line 1:", '"term.cols"', "limit of 10000"]),
        (V2, [[0.1, "o", "hi"], [0.2, "r", "65536x65536"]], ["line 3:", "65536x65536", "limit of 10000"]),
        (V2, [[0.1, "o", "hi"], [1e300, "o", "x"]], ["line 3:", "1e+300", "limit of 316,224,000 s"]),
        (V2, [[0.1, "o", "hi"], '[NaN, "o", "x"]'], ["line 3:", "got NaN"]),
        ({"version": 1, "width": 40, "height": 5, "stdout": [[0.1, "hi"]]}, [], ["line 1:", "version 1"]),
        ({"version": 4, "term": {"cols": 40, "rows": 5}}, [], ["line 1:", "version 4", "reads versions 2 and 3"]),
    ],
)
def test_hostile_recordings_are_one_line_and_status_2(
    tmp_path: Path, command: list[str], header: object, events: list[object], fragments: list[str]
) -> None:
    done = run(*command, cast(tmp_path, header, *events))
    assert_usage_error(done, *fragments)
    if command[0] == "replay" and command[1] == "--speed" and events:
        # From a pipe, nothing can be checked first: what came before the bad line is played, then the one line.
        with open(cast(tmp_path, header, *events, name="piped.cast"), "rb") as f:
            piped = run(*command, "-", stdin=f.read())
        assert piped.stdout == "hi"
        assert_usage_error(subprocess.CompletedProcess(piped.args, piped.returncode, "", piped.stderr), *fragments)


def test_a_pretty_printed_asciicast_v1_is_refused_not_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "v1.cast"
    path.write_text(json.dumps({"version": 1, "width": 40, "height": 5, "stdout": [[0.1, "hi"]]}, indent=2))
    assert_usage_error(run("render", str(path)), "version 1 is not supported")


def test_asciicast_v3_renders_replays_and_inspects(tmp_path: Path) -> None:
    path = cast(
        tmp_path,
        {"version": 3, "term": {"cols": 20, "rows": 3, "type": "xterm-256color"}},
        "# a comment",
        [0.1, "o", "hello\r\n"],
        [0.2, "r", "12x3"],
        [0.3, "o", "world wide web"],
        [0.1, "x", "0"],
    )
    done = run("render", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello\nworld wide w\neb\n"  # the resize to 12 columns is followed
    done = run("replay", "--render", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello\nworld wide w\neb\n"
    done = run("inspect", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "-- read #0 at 0.100000 s: 7 bytes at offset 0 (pty)"
    assert "-- read #1 at 0.600000 s: 14 bytes at offset 7 (pty)" in done.stdout


def test_render_follows_the_recorded_resizes_unless_a_size_is_given(tmp_path: Path) -> None:
    path = cast(tmp_path, V2, [0.1, "o", "abcdef"], [0.2, "r", "3x2"], [0.3, "o", "gh"])
    # As the window shows it (reflow on resize, its default): the line re-wraps to 3 columns, "gh" after it.
    assert run("render", path).stdout == run("replay", "--render", path).stdout == "abc\ndef\ngh\n"
    assert run("render", "--cols", "10", "--rows", "2", path).stdout == "abcdefgh\n\n"


def test_inspect_annotates_the_recorded_bytes_with_reads_and_times() -> None:
    done = run("inspect", str(ROOT / "resources" / "samples" / "split-char.cast"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("-- read #0 at 0.267028 s: 30 bytes at offset 0 (pty)")
    # 你 (E4 BD A0) was split across the first two reads: the token says so, the next read's line follows it.
    split = next(i for i, line in enumerate(lines) if "U+4F60" in line)
    assert lines[split].startswith("00000028  E4 BD A0") and lines[split].endswith("[split across reads #0–#1]")
    assert lines[split + 1].startswith("-- read #1 at ")
    assert not any('"version"' in line for line in lines)  # not the file's JSON
    done = run("inspect", "--json", str(ROOT / "resources" / "samples" / "split-char.cast"))
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    token = next(r for r in rows if r.get("meaning", "").startswith("U+4F60"))
    assert (token["offset"], token["data"], token["read"], token["split_to_read"]) == (28, "E4 BD A0", 0, 1)
    assert rows[0] == {"kind": "read", "read": 0, "time": rows[0]["time"], "offset": 0, "size": 30, "stream": "pty"}


def test_inspect_from_to_on_a_recording(tmp_path: Path) -> None:
    path = cast(tmp_path, V2, [0.1, "o", "ab\r\n"], [0.2, "o", "cd\r\n"], [0.3, "o", "ef\r\n"])
    done = run("inspect", "--from", "4", "--to", "8", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "-- read #1 at 0.200000 s: 4 bytes at offset 4 (pty)",
        "00000004  63 64                     text        2 ASCII characters",
        "00000006  0D                        control     CR: carriage return",
        "00000007  0A                        control     LF: line feed",
    ]


def _peak_rss_kb(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI in a child of a fresh interpreter and return the child's peak RSS (KiB, Linux)."""
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'app', *sys.argv[1:]], capture_output=True, text=True)\n"
        "sys.stdout.write(done.stdout[-2000:])\n"
        "sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(done.returncode)\n"
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    *rest, peak = done.stderr.splitlines()
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, "\n".join(rest)), int(peak)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux (the bound is about Linux's)")
def test_render_and_replay_stream_a_big_recording_in_bounded_memory(tmp_path: Path) -> None:
    """A 64 MB recording: the whole-file reader peaked at about 8x the file (793 MB for 100 MB); streaming
    keeps the screen and scrollback only. The last test's line proves every event was fed."""
    path = tmp_path / "big.cast"
    chunk = "".join(f"=== RUN   Test{i:06d}\r\n--- PASS: Test{i:06d} (0.00s)\r\n" for i in range(40))
    line = json.dumps([0.001, "o", chunk]) + "\n"
    count = 64 * 1024 * 1024 // len(line)
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"version": 2, "width": 60, "height": 5}) + "\n")
        f.writelines(line for _ in range(count))
        f.write(json.dumps([1.0, "o", "THE END\r\n"]) + "\n")
    for command in (["render", "--scrollback", "100"], ["replay", "--render"]):
        done, peak_kb = _peak_rss_kb(*command, str(path))
        assert done.returncode == 0, done.stderr
        assert [line for line in done.stdout.splitlines() if line][-2:] == ["--- PASS: Test000039 (0.00s)", "THE END"]
        assert peak_kb < 150 * 1024, f"{command[0]}: peak RSS {peak_kb / 1024:.0f} MiB"


def test_no_screen_and_status_2_when_the_engine_fails(tmp_path: Path) -> None:
    """An engine failure is not absorbed into a screen printed with status 0: a child whose engine raises
    MemoryError (a stand-in for a screen too big for the machine) and one whose engine has a bug."""
    path = write_plain(tmp_path)
    for failure in ("MemoryError()", "ValueError('a bug')"):
        code = (
            "import sys\n"
            "from app.vt.parser import Parser\n"
            "def broken(self, text):\n"
            f"    raise {failure}\n"
            "Parser.feed = broken\n"
            "from app.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n"
        )
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        for command in (["render"], ["replay", "--render"]):
            done = subprocess.run(
                [sys.executable, "-c", code, *command, path],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )
            assert_usage_error(done, "error:")
            assert ("out of memory" if failure.startswith("Memory") else "the terminal engine failed") in done.stderr


def write_plain(tmp_path: Path) -> str:
    return cast(tmp_path, V2, [0.1, "o", "hello\r\n"], name="plain.cast")


# ------------------------------------------------------------------ inspect --cell


def test_inspect_cell_gives_the_bytes_of_each_replacement_character(tmp_path: Path) -> None:
    """printf '\\xc4\\xe3\\xba\\xc3\\n' > gbk.bin: three U+FFFD on screen, written by C4, E3 BA and C3."""
    path = tmp_path / "gbk.bin"
    path.write_bytes(b"\xc4\xe3\xba\xc3\n")
    for col, hexes in ((0, "C4"), (1, "E3 BA"), (2, "C3")):
        done = run("inspect", str(path), "--cell", f"0,{col}", "--cols", "20", "--rows", "3")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith(f"cell 0,{col} '\ufffd': row 0, column {col}: bytes ")
        assert lines[1] == hexes
        assert "invalid bytes → U+FFFD" in lines[2]
    blank = run("inspect", str(path), "--cell", "0,3", "--cols", "20", "--rows", "3")
    assert blank.returncode == 0 and blank.stdout.splitlines() == [
        "cell 0,3 ' ': row 0, column 3 is blank: nothing wrote it since it was cleared"
    ]


def test_inspect_cell_on_the_samples_cut_off_character() -> None:
    """invalid-bytes.cast: "invalid: FF FE | 80 | E4 BD | end": the U+FFFD of the cut-off E4 BD is its own."""
    sample = str(ROOT / "resources" / "samples" / "invalid-bytes.cast")
    done = run("inspect", sample, "--cell", "1,14")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "cell 1,14 '\ufffd': row 1, column 14: bytes 37–38 (2)"
    assert lines[1] == "E4 BD"
    assert lines[2] == "  in read #1, at 0.286108 s"
    bar = run("inspect", sample, "--cell", "1,15", "--json")
    found = json.loads(bar.stdout)
    assert (found["char"], found["bytes"], found["start"], found["read"], found["exact"]) == ("|", "7C", 39, 1, True)


def test_inspect_cell_on_a_full_screen_recording(fullscreen_recordings: dict[str, Path]) -> None:
    """A row top painted by cursor addressing: found by replaying the log, as the window finds it."""
    path = fullscreen_recordings.get("top")
    if path is None:
        pytest.skip("top is not installed here")
    screen = run("render", str(path)).stdout.splitlines()
    row = next(i for i, line in enumerate(screen) if line.startswith("Tasks:"))
    done = run("inspect", str(path), "--cell", f"{row},0", "--json")
    found = json.loads(done.stdout)
    assert found["char"] == "T" and found["exact"] and found["bytes"] == "54"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--cell", "9,0", "--rows", "3"], "row 9 is past the last row, 2"),
        (["--cell", "0,99", "--cols", "20"], "column 99 is past the last column, 19"),
        (["--cell", "a,b"], "is not a cell; give ROW,COL"),
        (["--cols", "20"], "give --cell ROW,COL too"),
        (["--cell", "0,0", "--from", "3"], "leave out --from and --to"),
    ],
)
def test_inspect_cell_usage_errors(tmp_path: Path, args: list[str], fragment: str) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"hello\n")
    done = run("inspect", str(path), *args)
    assert done.returncode == 2 and fragment in done.stderr and "Traceback" not in done.stderr
