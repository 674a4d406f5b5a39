"""Bytes split anywhere give the same terminal as bytes fed whole (DESIGN §3, §7).

A program's output reaches the terminal in reads of arbitrary size: a UTF-8 or GBK character, an
escape sequence, a CR LF pair may each be cut anywhere.  The screen, the cursor, the scrollback and
the replies must not depend on where.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal

State = tuple[list[str], tuple[int, int], list[str], list[bytes], str, frozenset[str]]


def run(pieces: list[bytes], encoding: str = "utf-8", cols: int = 12, rows: int = 4) -> State:
    t = Terminal(cols=cols, rows=rows, scrollback=20, encoding=encoding)
    for piece in pieces:
        t.feed(piece)
    return t.display, t.cursor, t.history, t.take_replies(), t.title, t.modes


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted(set(cuts))
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


# ------------------------------------------------------------------ a grammar of VT tokens
SEQUENCES = [
    "\x1b[1;31m",
    "\x1b[38:2::10:20:30m",
    "\x1b[38;5;196m",
    "\x1b[4:3m",
    "\x1b[0m",
    "\x1b[3;5H",
    "\x1b[H",
    "\x1b[2J",
    "\x1b[K",
    "\x1b[1K",
    "\x1b[2A",
    "\x1b[3C",
    "\x1b[2;3r",
    "\x1b[r",
    "\x1b[?6h",
    "\x1b[?6l",
    "\x1b[?7l",
    "\x1b[?7h",
    "\x1b[4h",
    "\x1b[4l",
    "\x1b[2@",
    "\x1b[2P",
    "\x1b[3X",
    "\x1b[2L",
    "\x1b[M",
    "\x1b[2b",
    "\x1b[S",
    "\x1b[T",
    "\x1b[5G",
    "\x1b[2I",
    "\x1b[Z",
    "\x1b7",
    "\x1b8",
    "\x1bD",
    "\x1bM",
    "\x1bE",
    "\x1bH",
    "\x1b[3g",
    "\x1b(0",
    "\x1b(B",
    "\x1b)0",
    "\x0e",
    "\x0f",
    "\x1b#8",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[?47h",
    "\x1b[?47l",
    "\x1b[6n",
    "\x1b[c",
    "\x1b[>c",
    "\x1b[?7$p",
    "\x1b[4$p",
    "\x1b]0;title\x07",
    "\x1b]2;标题\x1b\\",
    "\x1b]8;;http://a\x07",
    "\x1bP1$qm\x1b\\",
    "\x1b_apc\x1b\\",
    "\u009b1m",
    "\u009d2;c1\u009c",
    "\u0085",
    "\x1b[",
    "\x1b[1;",
    "\x1b]0;x",
    "\x1b[31\x18",
    "\x1b[1\x08A",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\b",
    "\x07",
]
TEXTS = ["hello", "ab", "x", "中文", "字", "e\u0301", "😀", "\ufffd", "    ", "abcdefghijklmnop"]

tokens = st.one_of(
    st.sampled_from(SEQUENCES),
    st.sampled_from(TEXTS),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x3000, blacklist_categories=("Cs",)), max_size=5),
)


def utf8_streams() -> st.SearchStrategy[bytes]:
    return st.lists(
        st.one_of(tokens.map(lambda s: s.encode("utf-8")), st.binary(max_size=4)),
        max_size=30,
    ).map(b"".join)


def gbk_streams() -> st.SearchStrategy[bytes]:
    gbk_tokens = st.one_of(
        st.sampled_from([s for s in SEQUENCES if s.isascii()]),
        st.sampled_from(["hello", "中文", "你好，世界", "字符", "ab"]),
    ).map(lambda s: s.encode("gbk"))
    return st.lists(st.one_of(gbk_tokens, st.binary(max_size=3)), max_size=30).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_utf8_stream_split_anywhere(data: st.DataObject) -> None:
    stream = data.draw(utf8_streams(), label="stream")
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=8), label="cuts")
    assert run(split(stream, cuts)) == run([stream])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_gbk_stream_split_anywhere(data: st.DataObject) -> None:
    stream = data.draw(gbk_streams(), label="stream")
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=8), label="cuts")
    assert run(split(stream, cuts), encoding="gbk") == run([stream], encoding="gbk")


@settings(max_examples=100, deadline=None)
@given(utf8_streams())
def test_byte_at_a_time(stream: bytes) -> None:
    assert run([stream[i : i + 1] for i in range(len(stream))]) == run([stream])


# ------------------------------------------------------------------ every boundary of every sequence
REPRESENTATIVE = [
    "\x1b[1;31mred\x1b[0m",
    "\x1b[38:2::10:20:30mX",
    "\x1b[38;2;10;20;30mX",
    "\x1b[4:3mX",
    "\x1b[3;5HX",
    "\x1b[2J",
    "\x1b[1K",
    "\x1b[2;3r\x1b[3;1H\n\n",
    "\x1b[?6h\x1b[2;2HX",
    "\x1b[?7labcdefghijklmnop",
    "\x1b[4habc\x1b[1;1HX",
    "abc\x1b[1;2H\x1b[2@",
    "abcdef\x1b[1;2H\x1b[2P",
    "abcdef\x1b[1;2H\x1b[3X",
    "a\r\nb\r\nc\x1b[1;1H\x1b[2L",
    "x\x1b[5b",
    "\x1b[3;3H\x1b7\x1b[H\x1b8X",
    "\x1b[?1049hALT\x1b[?1049l",
    "\x1b[?47hALT\x1b[?47l",
    "\x1b(0lqk\x1b(B",
    "\x1b)0\x0eq\x0fq",
    "\x1b#8",
    "\x1b[6n",
    "\x1b[c",
    "\x1b[>c",
    "\x1b[?2004$p",
    "\x1b]0;标题\x07",
    "\x1b]2;title\x1b\\after",
    "\x1b]8;;http://example.test/\x07link\x1b]8;;\x07",
    "\x1bP1$qm\x1b\\",
    "\x1b_Gf=100;AAAA\x1b\\",
    "\u009b1;32mgreen",
    "\u009d2;c1\u009c",
    "中文字符串abcdefghij中",
    "e\u0301\u0302x",
    "😀👍🏽",
    "abcdefghijkl\r\n",
    "\t\tX\x1b[Z\x1b[2IY",
    "\x1b[31\x18mZ",
    "\x1b[1\x08A",
    "\x1b[99999999999999999999A",
]


@pytest.mark.parametrize("seq", REPRESENTATIVE)
def test_every_two_way_split(seq: str) -> None:
    data = ("ab" + seq + "cd").encode("utf-8")
    whole = run([data])
    for i in range(1, len(data)):
        assert run([data[:i], data[i:]]) == whole, f"split at byte {i}"


@pytest.mark.parametrize("seq", REPRESENTATIVE)
def test_every_byte_separately(seq: str) -> None:
    data = ("ab" + seq + "cd").encode("utf-8")
    assert run([data[i : i + 1] for i in range(len(data))]) == run([data])


@pytest.mark.parametrize("text", ["中文", "你好，世界\r\n字符", "\x1b[1m粗体\x1b[0m"])
def test_gbk_every_two_way_split(text: str) -> None:
    data = text.encode("gbk")
    whole = run([data], encoding="gbk")
    assert whole[0][0].rstrip() != ""
    for i in range(1, len(data)):
        assert run([data[:i], data[i:]], encoding="gbk") == whole, f"split at byte {i}"
