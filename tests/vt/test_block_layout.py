"""A block of log lines laid out at once (``width.cells_of_lines``: the block cut at its non-ASCII runs, wide BMP text
laid out by its code units, the rest through the table) gives exactly what laying out each line alone gives, on the
screen and in history: the same bytes fed whole, fed with the block layout replaced by the general one (each line
through the learning table), and fed a byte at a time (which never forms a block) leave the same history rows (text,
styles, marks, wrapped), rows, cells, ``history_text``, and the same again after a resize that reflows them.

The lines mix what the layout treats apart: ASCII, CJK, kana and Hangul, fullwidth forms (wide) and halfwidth ones
(narrow), emoji beyond the plane (wide), combining marks, U+FFFD and invalid bytes, Latin and ambiguous-width
characters, tabs, and lines of exactly the width and one cell more, with a wide character at the edge.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal, screen, width
from app.vt.width_runs import RUNS
from tests.vt.strict import full_state

_COLS = 12

_WORDS = [
    "ok",
    "=== RUN   Test",
    "a_test.go:12:",
    "数据库",
    "边界",
    "期望值不同",
    "你好，世界",  # a fullwidth comma
    "浣犲ソ锛屼笘鐣",  # GBK mojibake: CJK too
    "ｶﾀｶﾅ",  # halfwidth: narrow
    "ＡＢＣ",  # fullwidth: wide
    "한국어",
    "😀",
    "emoji_😀",
    "e\u0301",  # a combining mark
    "\u3099",  # a combining kana voicing mark inside a wide block
    "\ufffd",
    "café",
    "±½Ω→",  # ambiguous width: narrow here
    "\t",
    "\u231a",  # a wide emoji inside the plane
    "\u3000",  # the ideographic space
    "\U0001f321",  # a narrow emoji beside wide ones
    " ",
]
#: The characters just outside each of the wide runs of the plane (narrow, zero-width or unassigned): the block layout
#: must not take them for wide.
_BESIDE_WIDE = [
    chr(code)
    for first, last, w in RUNS
    if w == 2 and last <= 0xFFFF
    for code in (first - 1, last + 1)
    if not 0xD800 <= code < 0xE000
]
#: Lines of exactly the width and one cell more (wide characters at the edge), and wider ones that wrap.
_EDGES = [
    "x" * _COLS,
    "x" * (_COLS + 1),
    "x" * (_COLS - 1) + "中",
    "x" * (_COLS - 2) + "中",
    "中" * (_COLS // 2),
    "中" * (_COLS // 2) + "x",
    "x" + "中" * (_COLS // 2),
    "中文" * _COLS,
]
_LINE = st.one_of(
    st.lists(st.sampled_from(_WORDS), max_size=6).map("".join),
    st.lists(st.sampled_from(["数据 ", *_BESIDE_WIDE]), max_size=4).map("".join),
    st.sampled_from(_EDGES),
    st.just("\x1b[31m--- FAIL\x1b[0m: Test数据库 (0.00s)"),  # pens: the block goes on after them
)


def _stream(lines: list[str], invalid: bool) -> bytes:
    data = "".join(line + "\r\n" for line in lines).encode()
    if invalid:
        data = data.replace("😀".encode(), b"\xf0\x9f\x98")  # a cut emoji: invalid bytes
    return data


def _general_layout(texts: list[str]) -> list[str]:
    """The layout each line gets alone: every character through the table that learns from wcwidth."""
    return [text.translate(width._learner) for text in texts]


def _views(t: Terminal) -> tuple[object, ...]:
    return (
        full_state(t),
        [(row.text, row.styles, row.marks, row.wrapped) for row in t.history_rows],
        t.display,
        [t.cells(row) for row in range(t.rows)],
        t.history,
        t.cursor,
    )


def _after_reflow(t: Terminal, cols: int) -> tuple[object, ...]:
    t.resize(cols, t.rows, reflow=True)
    return _views(t)


def _three_ways(data: bytes, rows: int, scrollback: int, monkeypatch: pytest.MonkeyPatch) -> list[Terminal]:
    terminals = []
    for way in ("whole", "general", "bytewise"):
        t = Terminal(cols=_COLS, rows=rows, scrollback=scrollback)
        t.raise_internal_errors = True
        with monkeypatch.context() as patched:
            if way == "general":
                patched.setattr(screen, "cells_of_lines", _general_layout)
            if way == "bytewise":
                for i in range(len(data)):
                    t.feed(data[i : i + 1])
            else:
                t.feed(data)
        terminals.append(t)
    return terminals


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_LINE, min_size=4, max_size=40),
    st.sampled_from([3, 5]),
    st.sampled_from([0, 7, 1000]),
    st.booleans(),
    st.sampled_from([7, 13, 30]),
)
@example(["数据库"] * 8 + ["x" * (_COLS - 1) + "中"] * 4, 3, 1000, False, 7)
@example(["ｶﾀｶﾅ数据", "emoji_😀数", "e\u0301中", "\ufffd边界", "±½Ω→中", "\tＡＢＣ"] * 3, 3, 1000, True, 13)
def test_blocks_lay_out_as_each_line_alone(
    lines: list[str], rows: int, scrollback: int, invalid: bool, new_cols: int
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole, general, bytewise = _three_ways(_stream(lines, invalid), rows, scrollback, monkeypatch)
    assert _views(whole) == _views(general) == _views(bytewise)
    assert _after_reflow(whole, new_cols) == _after_reflow(general, new_cols) == _after_reflow(bytewise, new_cols)


@pytest.mark.parametrize("other", ["ｶ", "e\u0301", "\ufffd", "\u303f", "\uff61", "\U0001f321", "\u200d"])
def test_a_narrow_character_late_in_a_long_block_sends_it_line_by_line(other: str) -> None:
    # Past the first characters the block layout looks at one by one (``width._PROBE``).
    late = f"    a_test.go:9: {other}数据 {other}"
    lines = ["=== RUN   Test数据库_边界/emoji_😀 ＡＢＣ"] * 40 + [late] + ["数据"] * 5
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole, general, bytewise = _three_ways(_stream(lines, False), 5, 1000, monkeypatch)
    assert _views(whole) == _views(general) == _views(bytewise)


def test_go_test_output_lays_out_as_each_line_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.bench.streams import generate

    for kind in ("go-test-v", "go-test-wrap", "go-test-json"):
        data = generate(kind, 60_000, seed=3)
        whole, general = (Terminal(cols=120, rows=40, scrollback=10_000) for _ in range(2))
        whole.feed(data)
        with monkeypatch.context() as patched:
            patched.setattr(screen, "cells_of_lines", _general_layout)
            general.feed(data)
        assert _views(whole) == _views(general), kind
        assert _after_reflow(whole, 97) == _after_reflow(general, 97), kind


def test_the_block_layout_is_taken_for_wide_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # The path itself: a block of CJK log lines at the bottom of a full screen is laid out at once, without the table.
    laid: list[str | None] = []
    wide_block = width._wide_block

    def spy(joined: str) -> str | None:
        laid.append(wide_block(joined))
        return laid[-1]

    t = Terminal(cols=40, rows=5)
    t.feed(b"\r\n" * 10)
    monkeypatch.setattr(width, "_wide_block", spy)
    t.feed("".join(f"    a_test.go:{k}: 数据 😀 {k}\r\n" for k in range(20)).encode())
    assert len(laid) == 1 and laid[0] is not None and laid[0].count("\n") >= 18  # the first line goes before the block
    assert t.history[-1].rstrip() == "    a_test.go:15: 数据 😀 15"
