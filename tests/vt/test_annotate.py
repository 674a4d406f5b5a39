"""``annotate``: every byte explained, with the engine's own state machine and catalogue.

Coverage rule: tokens are in byte order and cover every byte exactly once — except a control
character executed *inside* a sequence (``ESC [ 1 BS m``): the sequence's token spans it and the
control also gets its own token, so those bytes are covered twice (the overlap is deliberate: the
listing shows both that the BS belongs to the sequence's bytes and that it still executed).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt.annotate import Token, annotate, describe_sgr


def spans(tokens: list[Token]) -> list[tuple[int, bytes, str]]:
    return [(t.offset, t.data, t.kind) for t in tokens]


def check_coverage(data: bytes, tokens: list[Token]) -> None:
    """Every byte once, in order; an overlap only for a control token inside a sequence token."""
    pos = 0
    outer_end = 0
    for t in tokens:
        assert t.data, t
        assert data[t.offset : t.offset + len(t.data)] == t.data
        if t.offset < pos:
            # Inside the previous sequence: only a single executed control may overlap.
            assert t.kind == "control", (t, tokens)
            assert len(t.data) == 1
            assert t.offset + 1 <= outer_end
            continue
        assert t.offset == pos, (pos, t, tokens)
        pos = t.offset + len(t.data)
        outer_end = pos
    assert pos == len(data)


# ------------------------------------------------------------------ the README examples
def test_readme_sgr() -> None:
    (tok,) = annotate(b"\x1b[1;31m")
    assert (tok.offset, tok.data, tok.kind, tok.sequence) == (0, b"\x1b[1;31m", "CSI", "CSI 1;31 m")
    assert tok.meaning == "SGR: bold, foreground red"
    assert tok.supported
    assert tok.hex == "1B 5B 31 3B 33 31 6D"


def test_readme_utf8_text() -> None:
    (tok,) = annotate("你".encode())
    assert (tok.offset, tok.data, tok.kind, tok.meaning) == (0, b"\xe4\xbd\xa0", "text", "U+4F60 你")
    assert tok.hex == "E4 BD A0"


def test_readme_cp936_text() -> None:
    (tok,) = annotate(b"\xc4\xe3", "cp936")
    assert (tok.data, tok.kind, tok.meaning) == (b"\xc4\xe3", "text", "U+4F60 你")


def test_readme_invalid_byte() -> None:
    tokens = annotate(b"a\xffb")
    assert spans(tokens) == [(0, b"a", "text"), (1, b"\xff", "invalid"), (2, b"b", "text")]
    assert tokens[1].meaning == "invalid bytes → U+FFFD"
    assert not tokens[1].supported


def test_invalid_byte_at_the_end_is_invalid_not_incomplete() -> None:
    # 0xFF can never begin a UTF-8 character: nothing could complete it, so it is invalid.
    tokens = annotate(b"ab\xff")
    assert spans(tokens) == [(0, b"ab", "text"), (2, b"\xff", "invalid")]


def test_truncated_character_at_the_end_is_incomplete() -> None:
    tokens = annotate(b"a\xe4\xbd")
    assert spans(tokens) == [(0, b"a", "text"), (1, b"\xe4\xbd", "incomplete")]
    assert tokens[1].meaning == "truncated character at the end of the stream → U+FFFD"


def test_mixed_stream() -> None:
    data = b"a\x1b[1;31mb\r\n\xe4\xbd\xa0\xff!"
    tokens = annotate(data)
    assert spans(tokens) == [
        (0, b"a", "text"),
        (1, b"\x1b[1;31m", "CSI"),
        (8, b"b", "text"),
        (9, b"\r", "control"),
        (10, b"\n", "control"),
        (11, b"\xe4\xbd\xa0", "text"),
        (14, b"\xff", "invalid"),
        (15, b"!", "text"),
    ]
    assert [t.meaning for t in tokens[3:5]] == ["CR: carriage return", "LF: line feed"]
    check_coverage(data, tokens)


def test_ascii_runs_are_one_token() -> None:
    (tok,) = annotate(b"hello")
    assert (tok.kind, tok.meaning) == ("text", "5 ASCII characters")


def test_gbk_text_with_sequences() -> None:
    data = "\x1b[32m你好\x1b[0m".encode("gbk")
    tokens = annotate(data, "cp936")
    assert [(t.kind, t.meaning) for t in tokens] == [
        ("CSI", "SGR: foreground green"),
        ("text", "U+4F60 你"),
        ("text", "U+597D 好"),
        ("CSI", "SGR: reset"),
    ]
    check_coverage(data, tokens)


# ------------------------------------------------------------------ sequences
def test_esc_and_csi_meanings() -> None:
    cases = {
        b"\x1b(0": ("ESC", "ESC ( 0", "SCS: designate G0 character set: DEC special graphics"),
        b"\x1b[2J": ("CSI", "CSI 2 J", "ED: erase in display: the whole screen"),
        b"\x1b[H": ("CSI", "CSI H", "CUP: cursor position: row 1, column 1"),
        b"\x1b[c": ("CSI", "CSI c", "DA1: primary device attributes (replied)"),
        b"\x1b[38;2;1;2;3;4:3m": ("CSI", "CSI 38;2;1;2;3;4:3 m", "SGR: foreground #010203, curly underline"),
    }
    for data, (kind, seq, meaning) in cases.items():
        (tok,) = annotate(data)
        assert (tok.kind, tok.sequence, tok.meaning) == (kind, seq, meaning), data


def test_describe_sgr() -> None:
    assert describe_sgr("") == "reset"
    assert describe_sgr("1;31") == "bold, foreground red"
    assert describe_sgr("38;5;196") == "foreground colour 196"
    assert describe_sgr("38:2::255:0:0") == "foreground #ff0000"
    assert describe_sgr("4:3") == "curly underline"
    assert describe_sgr("92;41") == "foreground bright green, background red"


def test_c1_csi() -> None:
    (tok,) = annotate(b"\xc2\x9b1m")
    assert (tok.data, tok.kind, tok.meaning) == (b"\xc2\x9b1m", "CSI", "SGR: bold")


def test_unsupported_sequences_say_not_implemented() -> None:
    for data in (b"\x1b[5i", b"\x1b#3", b"\x1b[=c"):
        (tok,) = annotate(data)
        assert "not implemented" in tok.meaning, tok
        assert not tok.supported


def test_unknown_csi() -> None:
    (tok,) = annotate(b"\x1b[1y")
    assert tok.kind == "CSI"
    assert "not implemented" in tok.meaning
    assert not tok.supported


def test_osc_with_bel() -> None:
    (tok,) = annotate(b"\x1b]0;t\x07")
    assert (tok.data, tok.kind, tok.sequence) == (b"\x1b]0;t\x07", "OSC", "OSC 0;t BEL")
    assert tok.meaning == "OSC 0: set window title and icon name 't'"


def test_osc_with_st_is_one_token() -> None:
    data = b"\x1b]0;t\x1b\\x"
    tokens = annotate(data)
    assert spans(tokens) == [(0, b"\x1b]0;t\x1b\\", "OSC"), (7, b"x", "text")]
    assert tokens[0].sequence == "OSC 0;t ST"
    check_coverage(data, tokens)


def test_osc_52_is_refused() -> None:
    (tok,) = annotate(b"\x1b]52;c;?\x07")
    assert tok.kind == "OSC"
    assert "refused" in tok.meaning
    assert not tok.supported


def test_dcs_and_apc() -> None:
    (tok,) = annotate(b"\x1bP1$qm\x1b\\")
    assert (tok.kind, tok.sequence, tok.meaning) == ("DCS", "DCS 1$qm ST", "DECRQSS: request setting (replied)")
    (tok,) = annotate(b"\x1b_x\x1b\\")
    assert (tok.kind, tok.meaning, tok.supported) == ("string", "APC string (ignored)", False)


def test_control_inside_a_sequence_overlaps() -> None:
    data = b"\x1b[1\x08m"
    tokens = annotate(data)
    assert spans(tokens) == [(0, b"\x1b[1\x08m", "CSI"), (3, b"\x08", "control")]
    assert tokens[0].meaning == "SGR: bold"
    assert tokens[1].meaning == "BS: backspace"
    check_coverage(data, tokens)


def test_cancelled_sequence() -> None:
    data = b"\x1b[31\x18m"
    tokens = annotate(data)
    assert spans(tokens) == [(0, b"\x1b[31", "CSI"), (4, b"\x18", "control"), (5, b"m", "text")]
    assert tokens[0].meaning == "CSI sequence cancelled by CAN/SUB"
    assert not tokens[0].supported


def test_interrupted_sequence() -> None:
    data = b"\x1b[31\x1b[32m"
    tokens = annotate(data)
    assert spans(tokens) == [(0, b"\x1b[31", "CSI"), (4, b"\x1b[32m", "CSI")]
    assert tokens[0].meaning == "CSI sequence interrupted by a new sequence — ignored"
    assert tokens[1].meaning == "SGR: foreground green"


def test_incomplete_sequence_at_the_end() -> None:
    for data, state in ((b"\x1b[1", "csi-param"), (b"\x1b]2;x", "osc-string"), (b"\x1b", "escape")):
        tokens = annotate(b"ok" + data)
        assert spans(tokens) == [(0, b"ok", "text"), (2, data, "incomplete")]
        assert tokens[1].meaning == f"incomplete sequence (the stream ends in {state})"


# ------------------------------------------------------------------ filtering (--from / --to)
def test_from_to_filtering() -> None:
    data = b"ab\x1b[1mcd\r\nef"
    everything = annotate(data)
    assert spans(everything) == [
        (0, b"ab", "text"),
        (2, b"\x1b[1m", "CSI"),
        (6, b"cd", "text"),
        (8, b"\r", "control"),
        (9, b"\n", "control"),
        (10, b"ef", "text"),
    ]
    assert spans(annotate(data, "utf-8", 6, 9)) == [(6, b"cd", "text"), (8, b"\r", "control")]
    # A token overlapping the range is kept whole.
    assert spans(annotate(data, "utf-8", 3, 7)) == [(2, b"\x1b[1m", "CSI"), (6, b"cd", "text")]
    assert spans(annotate(data, "utf-8", 10)) == [(10, b"ef", "text")]
    assert annotate(data, "utf-8", 5, 5) == []
    assert annotate(data, "utf-8", 100) == []


# ------------------------------------------------------------------ properties
pieces = st.one_of(
    st.sampled_from(
        [
            b"\x1b[1;31m",
            b"\x1b[",
            b"\x1b]0;t\x07",
            b"\x1b]2;x\x1b\\",
            b"\x1bP1$qm\x1b\\",
            b"\x1b_a\x1b\\",
            b"\x1b(0",
            b"\x1b[1\x08m",
            b"\x18",
            b"\r\n",
            "你好".encode(),
            b"\xc2\x9b1m",
            b"\xff",
            b"\xe4\xbd",
        ]
    ),
    st.binary(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=20).map(b"".join))
def test_tokens_cover_every_byte(data: bytes) -> None:
    check_coverage(data, annotate(data))


@settings(max_examples=150, deadline=None)
@given(st.lists(pieces, max_size=20).map(b"".join))
def test_tokens_cover_every_byte_gbk(data: bytes) -> None:
    check_coverage(data, annotate(data, "gbk"))
