"""The in-box ConPTY off Windows: it imports, and says it is not available here (it runs for real in the Windows
lane: tests/windows/test_conpty_inbox.py and the contract suite there)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.pty import BACKENDS, SourceUnavailableError, SpawnSpec, spawn
from app.pty._win32 import environment_block, kernel32


@pytest.mark.skipif(sys.platform == "win32", reason="the non-Windows behaviour")
def test_off_windows_both_conpty_backends_say_not_available_here() -> None:
    assert {"conpty", "conpty-inbox"} <= set(BACKENDS)
    with pytest.raises(SourceUnavailableError, match=r"not available here$"):
        spawn(SpawnSpec(["cmd.exe"]), "conpty-inbox")
    with pytest.raises(SourceUnavailableError, match="Windows only"):
        spawn(SpawnSpec(["cmd.exe"]), "conpty")
    with pytest.raises(SourceUnavailableError, match="not available here"):
        kernel32()
    done = subprocess.run(
        [sys.executable, "-m", "app", "record", "--backend", "conpty-inbox", "-o", "x.cast", "--", "true"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "mojiscope record: error: the in-box ConPTY (kernel32 CreatePseudoConsole) is available on Windows only; "
        "not available here"
    )


def test_the_environment_block_is_sorted_without_case_and_refuses_nuls() -> None:
    """CreateProcessW's block: KEY=VALUE entries sorted as Windows sorts them, one more NUL at the end."""
    block = environment_block({"b": "2", "A": "1", "Path": "C:\\x;D:\\y", "=C:": "C:\\"})
    assert block.value == "=C:=C:\\"  # .value stops at the first NUL
    text = "".join(block[: len(block)])
    assert text == "=C:=C:\\\0A=1\0b=2\0Path=C:\\x;D:\\y\0\0\0"
    with pytest.raises(ValueError, match="NUL"):
        environment_block({"A": "x\0y"})


def test_each_backend_names_its_console_host() -> None:
    from app.pty.hosts import console_host

    assert console_host("conpty") == (
        "pywinpty's bundled OpenConsole (the console host Windows Terminal ships), read as text"
    )
    assert console_host("conpty-inbox", "Windows 10.0.19045") == (
        "the system's conhost (kernel32 CreatePseudoConsole), read as exact bytes"
    )
    assert console_host("conpty-inbox", "Windows 6.1.7601 under Wine 8.0").startswith("Wine 8.0's conhost")
    assert console_host("pipe") == "none: plain pipes, the program's own bytes"
    assert console_host("replay") is None

