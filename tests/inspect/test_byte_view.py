"""ByteViewModel: the Bytes panel's rows, colour classes, glyphs, hover texts and searches, headless."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.inspect import byte_view
from app.inspect.byte_view import (
    BLOCK,
    MAX_BACK,
    MAX_FWD,
    ByteClass,
    ByteViewModel,
    encode_text,
    format_escaped,
    format_hex,
    parse_hex,
)
from app.session.bytelog import ByteLog
from app.vt import Terminal
from app.vt.decoder import UnknownEncodingError

C = ByteClass

#: "ab", CSI 31 m, 你 split across two reads, an invalid FF, a literal U+FFFD, CR LF, an OSC title
#: with a CJK payload, ESC ( 0, and a character cut off at the tail.
MIXED = [b"ab\x1b[31m\xe4\xbd", b"\xa0\xff\xef\xbf\xbd\r\n\x1b]0;\xe4\xbd\xa0\x07\x1b(0\xe4\xbd"]


def log_of(*chunks: bytes, cap: int | None = None) -> ByteLog:
    log = ByteLog() if cap is None else ByteLog(cap_bytes=cap)
    for i, data in enumerate(chunks):
        log.append(data, t=float(i))
    return log


def test_rows_show_offset_hex_and_decoded_column() -> None:
    model = ByteViewModel(log_of(*MIXED))
    assert model.row_count == 2
    assert model.row_text(0) == "00000000  61 62 1B 5B 33 31 6D E4 BD A0 FF EF BF BD 0D 0A  ab␛[31m你��␍␊"
    assert model.row_text(1) == "00000010  1B 5D 30 3B E4 BD A0 07 1B 28 30 E4 BD           ␛]0;你␇␛(0�"
    without = ByteViewModel(log_of(*MIXED), control_pictures=False)
    assert without.row_text(0).endswith("ab·[31m你��··")


def test_colour_classes_by_kind() -> None:
    model = ByteViewModel(log_of(*MIXED))
    window = model.window(0, 29)
    assert list(window.classes) == (
        [C.ASCII] * 2 + [C.ESCAPE] * 5 + [C.MULTI_A] * 3 + [C.INVALID] + [C.REPLACEMENT] * 3 + [C.CONTROL] * 2
        + [C.ESCAPE] * 8 + [C.ESCAPE] * 3 + [C.INCOMPLETE] * 2
    )  # fmt: skip
    # The decoded column draws a character on its first byte; its other bytes draw nothing.
    assert window.glyphs[7:10] == ["你", "", ""]
    assert window.glyph_at(7) == ("你", 2)
    assert window.glyph_at(20) == ("你", 2)  # inside the OSC payload, decoded too


def test_neighbouring_characters_alternate_and_the_alternation_restarts() -> None:
    data = "你好世 界".encode()
    model = ByteViewModel(log_of(data))
    classes = list(model.window(0, len(data)).classes)
    assert classes == [C.MULTI_A] * 3 + [C.MULTI_B] * 3 + [C.MULTI_A] * 3 + [C.ASCII] + [C.MULTI_A] * 3


def test_hover_explains_characters_sequences_invalid_bytes_and_reads() -> None:
    model = ByteViewModel(log_of(*MIXED))
    assert model.explain(7) == (
        "E4 BD A0 → U+4F60 你, UTF-8\noffset 7 (0x7) · read #0: 9 bytes at 0, pty · split across reads #0–#1"
    )
    assert model.explain(4).splitlines()[0] == "CSI 31 m — SGR: foreground red"
    assert model.explain(10).splitlines()[0] == "FF: invalid bytes → U+FFFD (UTF-8)"
    assert model.explain(1).splitlines()[0] == "62 → U+0062 'b', ASCII"
    assert model.explain(15).splitlines()[0] == "0A — LF: line feed"
    assert model.explain(12).splitlines()[0].startswith("EF BF BD → U+FFFD �, UTF-8: a replacement character in")
    assert model.explain(28).splitlines()[0] == "E4 BD: truncated character at the end of the stream → U+FFFD"
    assert model.explain(29) == ""


def test_decode_as_changes_glyphs_classes_and_explanations() -> None:
    data = "你好 gbk".encode("gbk") + b"\x1b[0m"
    model = ByteViewModel(log_of(data))
    # One U+FFFD per maximal ill-formed subpart (C4 | E3 BA | C3), as the terminal shows them: three, not four.
    assert model.row_text(0) == "00000000  C4 E3 BA C3 20 67 62 6B 1B 5B 30 6D              ��� gbk␛[0m"
    assert [model.window(0, 4).class_at(i) for i in range(5)] == [C.INVALID] * 4 + [C.ASCII]
    model.set_encoding("cp936")
    assert model.encoding == "cp936"
    assert model.row_text(0) == "00000000  C4 E3 BA C3 20 67 62 6B 1B 5B 30 6D              你好 gbk␛[0m"
    assert [model.window(0, 4).class_at(i) for i in range(5)] == [C.MULTI_A] * 2 + [C.MULTI_B] * 2 + [C.ASCII]
    assert model.explain(2).splitlines()[0] == "BA C3 → U+597D 好, cp936"
    with pytest.raises(UnknownEncodingError):
        model.set_encoding("no-such-codec")
    assert model.encoding == "cp936"


def test_window_starts_after_a_line_feed_and_ends_after_the_next() -> None:
    lines = b"".join(f"line {i:05d} \u4f60\u597d\r\n".encode() for i in range(2000))  # 19 bytes a line
    model = ByteViewModel(log_of(lines))
    mid = 20_000
    window = model.window(mid, mid + 64)
    block = mid - mid % BLOCK
    assert window.start == lines.rfind(b"\n", 0, block) + 1
    assert window.end == lines.find(b"\n", block + BLOCK) + 1
    assert window.token_at(window.start) is not None
    assert model.stats.annotate_calls == 1
    assert model.stats.annotated_bytes == window.end - window.start
    # Anything else inside the block is served from the cache.
    assert model.window(block, block + BLOCK) is window
    assert model.stats.annotate_calls == 1


def test_without_line_feeds_the_work_is_still_bounded() -> None:
    data = "你好".encode() * 200_000  # 1.2 MB on one line
    model = ByteViewModel(log_of(data))
    window = model.window(600_000, 600_400)
    assert model.stats.annotated_bytes == window.end - window.start <= 2 * BLOCK + MAX_BACK + MAX_FWD
    assert window.token_at(600_000) is not None
    assert window.token_at(600_000).data == "你".encode()  # type: ignore[union-attr]


def test_a_window_at_the_tail_is_rebuilt_when_bytes_arrive() -> None:
    log = log_of(b"abc\xe4\xbd")
    model = ByteViewModel(log)
    assert model.window(0, 5).class_at(3) == C.INCOMPLETE
    log.append(b"\xa0", 1.0)
    assert model.window(0, 6).class_at(3) == C.MULTI_A
    assert model.stats.annotate_calls == 2


def test_a_cleared_log_is_annotated_again() -> None:
    log = log_of(b"\x1b[1m")
    model = ByteViewModel(log)
    assert model.window(0, 4).class_at(0) == C.ESCAPE
    log.clear()
    log.append(b"\xffxyz", 0.0)
    assert model.window(0, 4).class_at(0) == C.INVALID


def test_dropped_bytes_are_a_first_line_and_rows_keep_their_offsets() -> None:
    log = ByteLog(cap_bytes=200)
    for _ in range(10):
        log.append(b"0123456789abcdef" * 2 + b"x", 0.0)  # 33-byte reads
    assert log.dropped_bytes > 0
    model = ByteViewModel(log)
    assert model.row_text(0) == f"… {log.dropped_bytes:,} bytes dropped"
    first = model.row_start(1)
    assert first == log.start_offset - log.start_offset % 16
    assert model.row_of(log.start_offset) == 1
    assert model.row_of(log.total_bytes - 1) == model.row_count - 1
    # The part of the first row that was dropped is blank.
    blank = log.start_offset - first  # type: ignore[operator]
    text = model.row_text(1)
    assert text[10 : 10 + 3 * blank] == "   " * blank
    assert model.explain(log.start_offset - 1) == ""


def test_chunk_boundaries_skip_the_first_byte_and_merge_empty_reads() -> None:
    log = log_of(b"abc", b"", b"def", b"g")
    model = ByteViewModel(log)
    assert model.boundaries(0, 7) == [3, 6]
    assert model.boundaries(4, 7) == [6]


def test_find_across_reads_backwards_and_round() -> None:
    log = log_of(b"xx\xe4\xbd", b"\xa0yy \xe4\xbd\xa0 z")
    model = ByteViewModel(log)
    assert model.find(b"\xe4\xbd\xa0", 0) == 2
    assert model.find(b"\xe4\xbd\xa0", 3) == 8
    assert model.find(b"\xe4\xbd\xa0", 9) == 2  # wrapped round
    assert model.find(b"\xe4\xbd\xa0", 9, wrap=False) is None
    assert model.find(b"\xe4\xbd\xa0", 8, backwards=True) == 2
    assert model.find(b"\xe4\xbd\xa0", 2, backwards=True) == 8  # wrapped round
    assert model.find(b"nope", 0) is None
    assert model.find(b"", 0) is None


def test_find_across_search_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(byte_view, "FIND_BLOCK", 8)
    data = b"a" * 30 + b"NEEDLE" + b"b" * 30
    model = ByteViewModel(log_of(data[:33], data[33:]))
    for start in range(0, 31):
        assert model.find(b"NEEDLE", start) == 30
    assert model.find(b"NEEDLE", 66, backwards=True) == 30
    assert model.find(b"NEEDLE", 31) == 30  # only by wrapping


def test_hex_and_escaped_formats() -> None:
    assert format_hex(b"\xe4\xbd\xa0") == "E4 BD A0"
    assert format_escaped(b"\xe4\xbd\xa0") == "\\xe4\\xbd\\xa0"
    text = format_escaped(b'\x1b[31mred\\ "q"\r\n\t\x00')
    assert text == '\\x1b[31mred\\\\ \\"q\\"\\r\\n\\t\\x00'
    assert eval(f'b"{text}"') == b'\x1b[31mred\\ "q"\r\n\t\x00'


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("e4 bd a0", b"\xe4\xbd\xa0"), ("E4BDA0", b"\xe4\xbd\xa0"), ("\\xe4\\xbd", b"\xe4\xbd"), ("0x1b,0x5b", b"\x1b["),
     ("a", b"\x0a")],
)  # fmt: skip
def test_parse_hex(typed: str, expected: bytes) -> None:
    assert parse_hex(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("e4b", "'e4b' has an odd number of hex digits"), ("zz", "'z' is not a hex digit"), ("  ", "no bytes given")],
)
def test_parse_hex_errors(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hex(typed)


def test_encode_text_for_find() -> None:
    assert encode_text("你", "cp936") == b"\xc4\xe3"
    with pytest.raises(ValueError, match="'😀' cannot be written in cp936"):
        encode_text("a😀", "cp936")
    with pytest.raises(ValueError, match="nothing to find"):
        encode_text("", "utf-8")


def test_utf16_windows_align_to_code_units() -> None:
    data = "ab你".encode("utf-16-le") * 3000
    model = ByteViewModel(log_of(data), "utf-16-le")
    window = model.window(5001, 5002)
    assert window.start % 2 == 0
    assert model.row_text(0) == "00000000  61 00 62 00 60 4F 61 00 62 00 60 4F 61 00 62 00  ab你ab你ab"


# ------------------------------------------------------------------ one replacement policy (issue 12)



def _replacements_shown(data: bytes, encoding: str) -> int:
    model = ByteViewModel(log_of(data), encoding)
    window = model.window(0, len(data))
    return sum(window.glyph_at(i)[0] == "\ufffd" for i in range(len(data)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([b"\xc4", b"\xe3\xba", b"\xe4\xbd", b"\xff", b"\x80", b"\xf0\x9f\x98", b"\xed\xa0\x80"]),
            st.binary(max_size=4).filter(lambda b: all(0x20 <= c != 0x7F for c in b)),
            st.text(max_size=3).map(lambda s: s.encode("utf-8", "ignore")),
        ),
        max_size=12,
    ).map(b"".join),
    st.sampled_from(["utf-8", "gbk", "shift_jis"]),
)
def test_the_bytes_panel_shows_as_many_replacement_characters_as_the_terminal(data: bytes, encoding: str) -> None:
    """One replacement policy everywhere, the decoder's: C4 E3 BA C3 is three U+FFFD on the screen and in the
    decoded column (the column showed four), E4 BD before a "|" one (it showed two)."""
    text = data.decode(encoding, "replace")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        return  # a control is executed by the terminal, not shown: nothing to count on the screen
    term = Terminal(cols=200, rows=3, encoding=encoding)
    term.feed(data)
    term.feed_text(term.decoder.flush())
    on_screen = "".join(term.display).count("\ufffd")
    assert on_screen == text.count("\ufffd")
    assert _replacements_shown(data, encoding) == on_screen


def test_the_examples_of_the_issue() -> None:
    assert _replacements_shown(b"\xc4\xe3\xba\xc3\r\n", "utf-8") == 3
    assert _replacements_shown(b"invalid: \xff\xfe|\x80|\xe4\xbd|end\r\n", "utf-8") == 4  # FF FE 80 and E4 BD
