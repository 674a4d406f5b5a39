"""The layouts that take shortcuts give what the general path gives: every character of a text looked up in
the table that computes widths (``width._learner``, which learns what it has not seen from wcwidth)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import width
from app.vt.width import cells, cells_each, cells_of_lines
from app.vt.width_runs import RUNS

#: ASCII (tabs included), wide, narrow non-ASCII, combining, astral and never-seen characters.
_CHARS = st.one_of(
    # U+FFFD, the soft hyphen, U+02FF and U+0300 at the edges of what ``needs_layout`` lets through unlaid out.
    st.sampled_from([*"abc :/_.0\t", "数", "据", "ｶ", "é", "\u0301", "😀", "Ω", "\ufffd", "\xad", "\u02ff", "\u0300"]),
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


def test_the_characters_needs_layout_passes_are_their_own_cells() -> None:
    # Every character the search lets through (a text of only these is not translated at all) lays out as itself in
    # the general table: not wide, not zero-width.
    passed = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and width.needs_layout(chr(c)) is None]
    assert len(passed) == 0x300 + 1  # ASCII, U+0080-U+02FF and U+FFFD
    printable = [c for c in passed if c.isprintable() or c == "\xad"]
    assert "".join(printable).translate(width._learner) == "".join(printable)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(st.sampled_from([*"ab :/0", "\ufffd", "é", "ß", "\xad", "ʔ", "\u02ff", "中", "\u0301"]), max_size=40)
    )
)
def test_mojibake_lines_lay_out_as_each_text_alone(texts: list[str]) -> None:
    # A Latin-1 file or binary read as UTF-8: ASCII with U+FFFD and accented letters, now and then something wide or
    # combining after them.
    assert cells_of_lines(texts) == [_general(text) for text in texts]


class _Watched(dict[int, "int | str"]):
    """A layout table that records every character ``translate`` looks up in it."""

    def __init__(self, table: dict[int, int | str]) -> None:
        super().__init__(table)
        self.asked: list[int] = []

    def __getitem__(self, code: int) -> int | str:
        self.asked.append(code)
        return super().__getitem__(code)


def test_a_line_of_mojibake_is_not_laid_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "caf\ufffd na\ufffdve r\ufffdsum\ufffd \xe9t\xe9 \u02bc"
    mixed = [line, "  a.go:1: 中文 数据 ｶﾅ"]
    expected = [_general(text) for text in mixed]
    assert cells_of_lines(mixed) == expected  # every character learned
    watched = _Watched(width.cell_map)
    monkeypatch.setattr(width, "cell_map", watched)
    assert cells_of_lines(mixed) == expected
    assert watched.asked == [ord(c) for c in "中文 数据 ｶﾅ"]  # the shortcut: the Latin line as it is, the other's start
    assert _general(line) == line


def test_a_block_of_ascii_and_wide_characters_is_laid_out_without_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["=== RUN   Test数据库_边界/emoji_😀", "    a_test.go:12: 你好，世界 ＡＢＣ 한국어 ⌚", "ok"]
    expected = [_general(text) for text in texts]
    watched = _Watched(width.cell_map)
    monkeypatch.setattr(width, "cell_map", watched)
    assert cells_of_lines(texts) == expected
    assert watched.asked == []
    monkeypatch.undo()
    # One narrow or zero-width character among them and the block goes line by line, through the table.
    for other in ["ｶ", "e\u0301", "\u200d", "\ufffd", "é", "\u3099", "\U0001f321", "\udc80"]:
        texts_with = [*texts, "x" * 600 + other]  # past the first look (``_PROBE``)
        assert cells_of_lines(texts_with) == [_general(text) for text in texts_with]
        texts_with = [other, *texts]
        assert cells_of_lines(texts_with) == [_general(text) for text in texts_with]


def test_the_wide_class_is_what_the_table_lays_out_wide() -> None:
    # Every character the block layout takes as wide is laid out as itself and the placeholder by the general table,
    # and every other one it is given stops it.
    search = width._not_wide_pattern().search
    wide = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000 and search(chr(c)) is None]
    assert len(wide) == sum(last - first + 1 for first, last, w in RUNS if w == 2)
    assert all(width.char_width(c) == 2 for c in wide)
    assert "".join(wide).translate(width._learner) == "".join(c + width.WIDE_PLACEHOLDER for c in wide)
    assert search("".join(chr(c) for c in range(0x80))) is None  # ASCII passes too
