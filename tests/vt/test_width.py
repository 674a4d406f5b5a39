"""The layouts that take shortcuts give what the general path gives: every character of a text looked up in
the table that computes widths (``width._learner``, which learns what it has not seen from wcwidth)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import width
from app.vt.width import cells, cells_each, cells_of_lines

#: ASCII (tabs included), wide, narrow non-ASCII, combining, astral and never-seen characters.
_CHARS = st.one_of(
    st.sampled_from([*"abc :/_.0\t", "数", "据", "ｶ", "é", "\u0301", "😀", "Ω"]),
    st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF, exclude_categories=("Cc", "Cs")),
)
#: Lines as logs print them: often an ASCII start (an indent, a file:line) before anything else.
_LINE = st.tuples(st.text(st.sampled_from("abc :/_.0\t"), max_size=20), st.text(_CHARS, max_size=30)).map("".join)
_TEXTS = st.lists(_LINE, max_size=12)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_lines_lay_out_as_each_text_alone(texts: list[str]) -> None:
    # First with characters the fast table may not have learned yet (its slow path), then with all of them known.
    first = cells_of_lines(texts)
    expected = [_general(text) for text in texts]
    assert first == expected
    assert cells_of_lines(texts) == expected
    assert cells_each(texts) == expected
    assert [cells(text) for text in texts] == expected


def _general(text: str) -> str:
    return text.translate(width._learner)


def test_an_ascii_start_is_kept_and_the_rest_laid_out() -> None:
    line = "        add_test.go:83: got 971, want 18427 (期望值不同)"
    cells(line + "中")  # every character known: the fast path, not the table's slow one
    assert cells(line) == cells_of_lines([line])[0] == _general(line)
    assert cells_of_lines([line, "ok", "中"]) == [
        "        add_test.go:83: got 971, want 18427 (期\x00望\x00值\x00不\x00同\x00)",
        "ok",
        "中\x00",
    ]
