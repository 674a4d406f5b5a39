"""(Re)create the sample recordings in this folder: ``python resources/samples/make_samples.py``.

Each sample is ``python -m app record`` of ``go test -v`` on the demo module
(``resources/demo/gotest``) on a real pty, so the files hold what a terminal really receives —
the bytes, the read-chunk boundaries and the timing — not something typed in by hand.  What each
one shows is in ``README.md`` next to this script; ``tests/test_samples.py`` checks that it does.

Why these flags:

* ``-count=1``: without it a second run is served from Go's test cache, which prints the whole
  output in one go — the split character would arrive in one chunk and show nothing.
* ``GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off``: the module has no dependencies; Go must not
  try to download a toolchain or modules (CI and sandboxes have no network, and Go 1.21+ would
  otherwise honour a newer ``go`` line by fetching a toolchain).
* A fixed 100x30 terminal and ``TERM=xterm-256color``, so a re-run gives the same screen.
* ``--backend pty``: the point of the samples is what a terminal sees (ONLCR turns ``\\n`` into
  ``\\r\\n`` here, as in any terminal).
* ``--markers``: a marker where each test starts or fails, as the window's Tests panel writes them, so a replay's
  marker buttons and Next FAIL have somewhere to go.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEMO = ROOT / "resources" / "demo" / "gotest"


@dataclass(frozen=True)
class Sample:
    """One recording: its file name and the ``go test`` arguments after ``-v -count=1``; ``env``: variables added
    (``MOJI_FAIL=1`` makes Test失败 fail), ``status``: the exit status go test ends with."""

    name: str
    go_args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    status: int = 0


SAMPLES = (
    Sample("go-test-utf8.cast", ("./...",)),
    Sample("gbk-bytes.cast", ("-run", "TestGBK", "./...")),
    Sample("split-char.cast", ("-run", "TestSplit", "./...")),
    Sample("invalid-bytes.cast", ("-run", "TestInvalid", "./...")),
    Sample("go-test-fail.cast", ("./...",), env=(("MOJI_FAIL", "1"),), status=1),
)


def go_env() -> dict[str, str]:
    """Our environment plus what makes the recording reproducible and offline."""
    env = dict(os.environ)
    env.update(
        {
            "GOFLAGS": "-mod=mod",
            "GOTOOLCHAIN": "local",
            "GOPROXY": "off",
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        }
    )
    env.pop("LC_ALL", None)
    env.pop("MOJI_FAIL", None)  # the samples are of a green run
    return env


def record(sample: Sample, out_dir: Path) -> Path:
    """Record one sample with ``python -m app record``; raises if the command or go test fails."""
    go = shutil.which("go")
    if go is None:
        raise SystemExit("go is not installed (Debian: apt-get install golang-go)")
    out = out_dir / sample.name
    argv = [
        sys.executable,
        "-m",
        "app",
        "record",
        "-o",
        str(out),
        "--backend",
        "pty",
        "--cols",
        "100",
        "--rows",
        "30",
        "--markers",
        "--",
        "go",
        "test",
        "-v",
        "-count=1",
        *sample.go_args,
    ]
    # cwd is the demo module (go test needs it); PYTHONPATH lets `-m app` find the package from there.
    env = go_env()
    env.update(sample.env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(argv, cwd=DEMO, env=env, stdout=subprocess.DEVNULL, check=False, timeout=600)
    if done.returncode != sample.status:
        raise SystemExit(f"recording {sample.name} failed with exit status {done.returncode}: {' '.join(argv)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these samples (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: this one)")
    args = parser.parse_args(argv)
    chosen = [s for s in SAMPLES if not args.names or s.name in args.names]
    unknown = set(args.names) - {s.name for s in SAMPLES}
    if unknown:
        parser.error(f"unknown sample(s): {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in SAMPLES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in chosen:
        path = record(sample, args.out)
        print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
