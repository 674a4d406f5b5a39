"""The Windows samples re-recorded in the lane give the same screens as the ones kept in resources/samples."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from app.record.cast import read_cast
from tests.windows.conftest import REPO

SAMPLES = REPO / "resources" / "samples"
NAMES = ["win-cmd936-writefile-utf8.cast", "win-cmd65001-writefile-utf8.cast", "win-cmd936-go-console.cast"]
#: A Go test's time on its result line (``--- PASS: TestX (0.01s)``): 0.00s on a quiet machine, more under load.
GO_TIME = re.compile(r"\(\d+\.\d+s\)")


def screen(path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "app", "render", str(path)], capture_output=True, encoding="utf-8", check=True
    )
    return [GO_TIME.sub("(Ns)", line) for line in done.stdout.splitlines()]


def test_make_windows_samples_recreates_the_same_screens(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLES / "make_windows_samples.py"), "--out", str(tmp_path)],
        capture_output=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)
    for name in NAMES:
        with (tmp_path / name).open("rb") as f:
            assert read_cast(f).exit_status == 0
        assert screen(tmp_path / name) == screen(SAMPLES / name), name
