"""Pipe capture of Windows children: the exact bytes a program writes, no console in between (what a pipe
consumer such as PowerShell 5.1 or test2json decodes). cmd's built-ins write in the console code page; Go writes
UTF-8 to a pipe, and its WriteFile bytes pass untouched."""

from __future__ import annotations

import pytest

from tests.windows.conftest import cmd_at, output_of


@pytest.mark.parametrize("backend", ["pipe", "conpty-inbox"])
@pytest.mark.parametrize(("code_page", "expected"), [(936, "加法".encode("gbk")), (65001, "加法".encode())])
def test_cmd_echo_writes_in_the_console_code_page(backend: str, code_page: int, expected: bytes) -> None:
    """On a pipe cmd encodes its text with the console code page (bc d3 b7 a8 at 936); on a console it writes
    text and conhost sends UTF-8 whatever the code page."""
    out, status = output_of(cmd_at(code_page, "echo 加法"), backend)
    assert status == 0
    if backend == "pipe":
        assert out == expected + b"\r\n"
    else:
        assert "加法".encode() in out


def test_go_writes_exact_bytes_to_a_pipe(gowrite: str) -> None:
    out, status = output_of([gowrite, "-test.v"], "pipe")
    assert status == 0
    lines = out.split(b"\n")
    assert b"utf8:\xe5\x8a\xa0\xe6\xb3\x95:end\r" in lines  # WriteFile: as written, CR LF and all
    assert b"gbk:\xbc\xd3\xb7\xa8:end\r" in lines  # GBK bytes untouched: no console to decode them
    assert b"text:\xe5\x8a\xa0\xe6\xb3\x95:end" in lines  # fmt.Println on a pipe: UTF-8 bytes, LF
    assert lines[-2:] == [b"PASS", b""]
