"""The in-box ConPTY (kernel32 CreatePseudoConsole) for real: Wine's conhost decoding a Go program's WriteFile
bytes with the console code page (DESIGN §4), read back as exact bytes. The contract every backend keeps
(tests/pty/test_contract.py) also runs on it in this lane."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.pty import SpawnSpec, spawn
from app.pty._win32 import is_wine
from app.pty.conpty_inbox import INBOX_FIDELITY, ConPtyInboxSource
from app.pty.hosts import console_host
from app.record.cast import read_cast
from app.record.hostinfo import os_description
from tests.windows.conftest import START_CP, cmd_at, output_of

ADD = "加法"
MOJIBAKE_936 = "鍔犳硶"  # the UTF-8 bytes of 加法 read as GBK


def test_utf8_bytes_written_with_writefile_become_mojibake_at_936(gowrite: str) -> None:
    """The classic: at code page 936 conhost decodes the UTF-8 bytes e5 8a a0 e6 b3 95 as GBK and passes on
    鍔犳硶, re-encoded as UTF-8 (e9 8d 94 e7 8a b3 e7 a1 b6)."""
    out, status = output_of(cmd_at(936, f"{gowrite} -test.run TestWriteFileUTF8 -test.v"))
    assert status == 0
    assert b"utf8:\xe9\x8d\x94\xe7\x8a\xb3\xe7\xa1\xb6:end" in out
    assert MOJIBAKE_936.encode() == bytes.fromhex("e9 8d 94 e7 8a b3 e7 a1 b6")
    assert ADD.encode() not in out


def test_the_same_bytes_are_right_at_65001(gowrite: str) -> None:
    out, status = output_of(cmd_at(65001, f"{gowrite} -test.run TestWriteFileUTF8 -test.v"))
    assert status == 0
    assert b"utf8:\xe5\x8a\xa0\xe6\xb3\x95:end" in out


@pytest.mark.parametrize(("code_page", "expected"), [(936, ADD.encode()), (65001, "\ufffd".encode())])
def test_gbk_bytes_are_right_only_at_936(gowrite: str, code_page: int, expected: bytes) -> None:
    out, _ = output_of(cmd_at(code_page, f"{gowrite} -test.run TestWriteFileGBK -test.v"))
    line = out.split(b"gbk:", 1)[1].split(b":end", 1)[0]
    assert expected in line
    assert (ADD.encode() in line) == (code_page == 936)


@pytest.mark.parametrize("code_page", [START_CP, 936, 65001])
def test_go_console_text_is_right_at_every_code_page(gowrite: str, code_page: int) -> None:
    """fmt.Println to a console goes as UTF-16 (WriteConsoleW): no code page is involved."""
    out, _ = output_of(cmd_at(code_page, f"{gowrite} -test.run TestConsoleText -test.v"))
    assert b"text:\xe5\x8a\xa0\xe6\xb3\x95:end" in out


def test_a_new_console_starts_at_its_start_code_page() -> None:
    """Wine's console starts at 437 whatever the locale (Windows' at the OEM code page of its locale)."""
    out, status = output_of(["cmd.exe", "/c", "chcp"])
    assert status == 0
    assert f"Active code page: {START_CP}".encode() in out


def test_exit_status_and_console_host_are_reported() -> None:
    _, status = output_of(["cmd.exe", "/c", "exit 7"])
    assert status == 7
    source = spawn(SpawnSpec(["cmd.exe"]), "conpty-inbox")
    assert isinstance(source, ConPtyInboxSource)
    assert source.fidelity == INBOX_FIDELITY
    assert source.console_host == console_host("conpty-inbox", os_description())
    assert source.console_host.startswith("Wine 8") == is_wine()


def test_record_then_render_end_to_end(tmp_path: Path, gowrite: str) -> None:
    """The command line records the mojibake session as .cast (exact bytes), and render shows what a user saw."""
    cast = tmp_path / "mojibake.cast"
    command = cmd_at(936, f"{gowrite} -test.run TestWriteFileUTF8 -test.v")
    # Started without a console, as the window starts it: under Wine 8 the in-box ConPTY needs a process with
    # no console of its own (app/pty/_wine_console.py).
    done = subprocess.run(
        [sys.executable, "-m", "app", "record", "--backend", "conpty-inbox", "-o", str(cast), "--", *command],
        capture_output=True,
        creationflags=subprocess.DETACHED_PROCESS,
    )
    assert done.returncode == 0, done.stderr
    assert b"\xe9\x8d\x94\xe7\x8a\xb3\xe7\xa1\xb6" in done.stdout  # shown as it ran
    with cast.open("rb") as f:
        recording = read_cast(f)
    meta = recording.header.mojiscope
    assert meta is not None
    assert (meta["backend"], meta["fidelity"]) == ("conpty-inbox", INBOX_FIDELITY)
    assert meta["os"] == os_description() and ("under Wine" in meta["os"]) == is_wine()
    assert b"utf8:\xe9\x8d\x94\xe7\x8a\xb3\xe7\xa1\xb6:end" in recording.output_bytes()
    header = json.loads(cast.read_text(encoding="utf-8").splitlines()[0])
    assert header["command"].startswith("cmd.exe /c")
    shown = subprocess.run(
        [sys.executable, "-m", "app", "render", str(cast)], capture_output=True, encoding="utf-8"
    )  # on Windows the command line writes UTF-8 to a pipe (app.cli._out)
    assert shown.returncode == 0
    assert f"utf8:{MOJIBAKE_936}:end" in shown.stdout.splitlines()
