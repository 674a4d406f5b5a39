"""(Re)create the Windows samples in this folder, in the Windows lane: ``tests/windows/winpy
resources/samples/make_windows_samples.py`` (Windows CPython under Wine; see tests/windows/run.sh).

Each is ``python -m app record --backend conpty-inbox`` of cmd.exe running the lane's Go test program
(``tests/windows/gowrite``, cross-compiled with ``GOOS=windows go test -c``): what the console host behind an
in-box pseudo console makes of a program's output, read as exact bytes. They are made under Wine's conhost, not
Windows': the encoding mechanics are the same (conhost decodes WriteFile bytes with the console code page and
passes text on as UTF-8), the surrounding escape sequences are Wine's. ``README.md`` says what each shows;
``tests/test_samples.py`` checks it, and tests/windows/test_samples_windows.py re-records them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANE = Path(os.environ.get("MOJISCOPE_WINLANE", ROOT / ".winlane"))


@dataclass(frozen=True)
class Sample:
    """One recording: its file name, the console code page cmd switches to, and the Go test it runs."""

    name: str
    code_page: int
    test: str


SAMPLES = (
    Sample("win-cmd936-writefile-utf8.cast", 936, "TestWriteFileUTF8"),
    Sample("win-cmd65001-writefile-utf8.cast", 65001, "TestWriteFileUTF8"),
    Sample("win-cmd936-go-console.cast", 936, "TestConsoleText"),
)


def record(sample: Sample, out_dir: Path) -> Path:
    if sys.platform != "win32":
        raise SystemExit("run this with the Windows lane's CPython: tests/windows/winpy " + __file__)
    go = LANE / "go"
    if not (go / "gowrite.test.exe").is_file():
        raise SystemExit(f"{go / 'gowrite.test.exe'} is missing: run bash tests/windows/setup.sh")
    out = out_dir / sample.name
    command = f"chcp {sample.code_page}>nul & gowrite.test.exe -test.v -test.run {sample.test}"
    argv = [sys.executable, "-m", "app", "record", "--backend", "conpty-inbox", "-o", str(out)]
    argv += ["--cols", "100", "--rows", "30", "--", "cmd.exe", "/c", command]
    # cwd: the program's folder, so the recording names no path of this machine; no console of our own
    # (under Wine 8 the in-box ConPTY needs that, see app/pty/_wine_console.py).
    done = subprocess.run(argv, cwd=go, stdout=subprocess.DEVNULL, creationflags=subprocess.DETACHED_PROCESS)
    if done.returncode != 0:
        raise SystemExit(f"recording {sample.name} failed with exit status {done.returncode}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: this one)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        path = record(sample, args.out)
        print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
