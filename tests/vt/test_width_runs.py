"""The widths :mod:`app.vt.width_runs` gives without wcwidth are wcwidth's, at every code point they cover; the
first characters of the common blocks are laid out without importing wcwidth at all."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcwidth

from app.vt.width import char_width
from app.vt.width_runs import RUNS, quick_width

ROOT = Path(__file__).resolve().parents[2]


def _wcwidth(code: int) -> int:
    return max(0, wcwidth(chr(code)))


def test_every_code_point_the_runs_cover_has_wcwidths_width() -> None:
    # Exhaustive (about 160,000 code points): a run written one code point too long, or a block whose widths a
    # new wcwidth changed, shows here with the first code point that differs.
    wrong = [
        (hex(code), width, _wcwidth(code))
        for first, last, width in RUNS
        for code in range(first, last + 1)
        if _wcwidth(code) != width
    ]
    assert wrong[:10] == []


def test_the_runs_are_sorted_and_do_not_overlap() -> None:
    assert all(first <= last for first, last, _ in RUNS)
    assert all(last < after for (_, last, _), (after, _, _) in itertools.pairwise(RUNS))
    assert all(width in (0, 1, 2) for _, _, width in RUNS)


def _covering_run(code: int) -> int | None:
    return next((width for first, last, width in RUNS if first <= code <= last), None)


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.integers(0, 0x10FFFF),
        # The edges of the runs, where an off-by-one would be.
        st.sampled_from(RUNS).flatmap(lambda run: st.sampled_from([run[0] - 1, run[0], run[1], run[1] + 1])),
    )
)
def test_the_lookup_finds_the_run_that_covers_a_code_point_and_no_other(code: int) -> None:
    assert quick_width(code) == _covering_run(code)
    if 0 <= code <= 0x10FFFF and not 0xD800 <= code < 0xE000:
        # And the engine's width, whichever source answers it, is wcwidth's.
        assert char_width(chr(code)) == _wcwidth(code)


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (nothing imported yet), its output in UTF-8 whatever the platform's
    console code page (the Windows lane's Python writes cp1252 to a pipe otherwise, and ignores
    PYTHONIOENCODING: its ``._pth`` file puts it in isolated mode)."""
    prelude = "import sys\nsys.stdout.reconfigure(encoding='utf-8')\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, capture_output=True, encoding="utf-8", timeout=60
    )


def test_covered_characters_are_laid_out_without_importing_wcwidth_and_others_import_it() -> None:
    code = """
from app.vt.width import cells, layout
print(cells("  main_test.go:12: 期望 “ok” — é ─┤ ⠋ こんにちは 한국어 ＡＢ \ufffd"), "wcwidth" in sys.modules)
print(layout("✅ done")[0][:3], "wcwidth" in sys.modules)
print(layout("שלום 🇯🇵")[0], "wcwidth" in sys.modules)
"""
    done = run_child(code)
    assert done.returncode == 0, done.stderr
    first, second, third = done.stdout.splitlines()
    wide = "期望こんにちは한국어ＡＢ"
    assert first == "  main_test.go:12: 期望 “ok” — é ─┤ ⠋ こんにちは 한국어 ＡＢ \ufffd False".translate(
        {ord(c): c + "\x00" for c in wide}
    )
    assert second == "['✅', '\\x00', ' '] False"
    assert third == "['ש', 'ל', 'ו', 'ם', ' ', '🇯', '\\x00', '🇵', '\\x00'] True"


def test_a_page_half_covered_is_learned_in_part_then_in_full_once_wcwidth_is_loaded() -> None:
    # U+0500-U+053F: the end of Cyrillic Supplement, which the runs cover, then Armenian, which they do not.
    code = """
from app.vt import width
print(width.cells("ԯ"), len([c for c in range(0x500, 0x540) if c in width.cell_map]), "wcwidth" in sys.modules)
print(width.cells("ԯԱ"), len([c for c in range(0x500, 0x540) if c in width.cell_map]), "wcwidth" in sys.modules)
"""
    done = run_child(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ԯ 48 False", "ԯԱ 64 True"]
