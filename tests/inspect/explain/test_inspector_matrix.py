"""The hover inspector's readings and the shell matrix's predictions (headless)."""

from __future__ import annotations

import pytest

from app.inspect.explain.inspector import inspect_run, run_around
from app.inspect.explain.shell_matrix import OEM_CODE_PAGES, predict


def test_a_run_in_every_code_page_with_the_text_marked() -> None:
    readings = {r.code_page.label: r for r in inspect_run("你好".encode())}
    assert readings["UTF-8"].text == "你好" and readings["UTF-8"].best
    assert readings["GBK (cp936)"].text == "浣犲ソ" and not readings["GBK (cp936)"].best
    assert readings["cp437 (DOS US)"].text == "Σ╜áσÑ╜"
    assert readings["EUC-KR (cp949)"].text is None  # cannot decode: said, not guessed
    gbk = {r.code_page.label: r for r in inspect_run(bytes.fromhex("C4E3BAC3"))}
    assert gbk["GBK (cp936)"].text == "你好" and gbk["GBK (cp936)"].best
    assert {r.text for r in gbk.values() if r.best} == {"你好"}  # GBK and GB18030 agree


def test_the_run_around_a_byte_is_its_non_ascii_neighbours() -> None:
    data = b"ok \xe4\xbd\xa0\xe5\xa5\xbd done"
    assert run_around(data, 4) == (3, 9)
    assert run_around(data, 0) == (0, 1)
    assert run_around(data, 99) == (99, 99)


def test_the_matrix_for_utf8_bytes_on_a_chinese_windows() -> None:
    cells = predict("你好".encode(), 936)
    by_place = {p.place: p for p in cells}
    assert by_place["cmd, console at code page 936"].shown == "浣犲ソ"
    assert by_place["cmd after chcp 65001"].shown == "你好"
    assert by_place["Windows PowerShell 5.1, output piped or captured"].shown == "浣犲ソ"
    assert "[Console]::OutputEncoding" in by_place["PowerShell 7 (pwsh), output piped or captured"].rule
    assert by_place["A Unicode console writer (Go's os.Stdout on a console)"].shown == "你好"
    assert all(p.predicted and p.rule for p in cells)
    assert len(cells) == 6


def test_gbk_bytes_look_right_only_at_936() -> None:
    data = "你好".encode("gbk")
    assert predict(data, 936)[0].shown == "你好"
    assert predict(data, 437)[0].shown == "─π║├"
    assert "\ufffd" in predict(data, 936)[1].shown


def test_an_unknown_code_page_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown system code page"):
        predict(b"x", 1)
    assert 936 in OEM_CODE_PAGES
