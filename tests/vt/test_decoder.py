"""The decoder: exact text for every split, bounded bookkeeping, honest errors."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt.decoder import Decoder, UnknownEncodingError, known_encodings, normalize_encoding

COMMON_LIST = (
    "(valid names include: utf-8, gbk, cp936, gb18030, big5, shift_jis, euc-kr, cp437, cp850, cp1252, "
    "latin-1, utf-16-le)"
)


def decode_in_pieces(encoding: str, data: bytes, cuts: list[int]) -> tuple[str, list[str]]:
    d = Decoder(encoding)
    pieces = []
    prev = 0
    for cut in [*sorted(cuts), len(data)]:
        pieces.append(d.decode(data[prev:cut]))
        prev = cut
    pieces.append(d.flush())
    assert d.bytes_in == len(data)
    assert d.chars_out == sum(map(len, pieces))
    return "".join(pieces), pieces


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        (" utf_8 ", "utf-8"),
        ("cp65001", "utf-8"),
        ("cp936", "gbk"),
        ("GBK", "gbk"),
        ("gb18030", "gb18030"),
        ("latin-1", "iso8859-1"),
        ("cp437", "cp437"),
        ("IBM850", "cp850"),
        ("windows-1252", "cp1252"),
        ("sjis", "shift_jis"),
        ("big5", "big5"),
        ("euc-kr", "euc_kr"),
        ("utf-16", "utf-16"),
    ],
)
def test_normalize_encoding_gives_codec_name(name: str, canonical: str) -> None:
    assert normalize_encoding(name) == canonical


def test_unknown_encoding_message() -> None:
    with pytest.raises(UnknownEncodingError) as info:
        normalize_encoding("klingon")
    assert str(info.value) == "unknown encoding 'klingon' " + COMMON_LIST


def test_unknown_encoding_suggests_close_name() -> None:
    with pytest.raises(UnknownEncodingError) as info:
        normalize_encoding("utf-88")
    assert str(info.value) == "unknown encoding 'utf-88'; did you mean 'utf-8'? " + COMMON_LIST


def test_unknown_encoding_is_a_value_error_and_message_is_bounded() -> None:
    with pytest.raises(ValueError, match=r"^unknown encoding 'x{40}…' \(valid names include: utf-8, "):
        normalize_encoding("x" * 5000)
    with pytest.raises(UnknownEncodingError, match=r"^unknown encoding 'utf-8\\x00'; did you mean 'utf-8'"):
        normalize_encoding("utf-8\x00")
    with pytest.raises(UnknownEncodingError, match=r"^unknown encoding '' "):
        normalize_encoding("")


@pytest.mark.parametrize("name", ["base64", "rot13", "zlib", "hex", "bz2", "uu", "quopri"])
def test_non_text_codecs_are_refused(name: str) -> None:
    with pytest.raises(UnknownEncodingError) as info:
        normalize_encoding(name)
    message = str(info.value)
    assert message.startswith(f"{name!r} is not a text encoding but a bytes-to-bytes or str-to-str codec")
    assert message.endswith(COMMON_LIST)


@pytest.mark.parametrize("name", ["idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape"])
def test_text_codecs_that_raise_or_warn_are_refused(name: str) -> None:
    with pytest.raises(UnknownEncodingError, match="is a text codec, but not one for decoding a terminal"):
        Decoder(name)


def test_known_encodings() -> None:
    names = known_encodings()
    assert names == sorted(set(names))
    wanted = "utf-8 gbk gb18030 cp437 cp850 cp1252 shift_jis big5 euc_kr iso8859-1 utf-16 utf-16-le utf-32"
    for expected in [*wanted.split(), "utf-7", "hz", "iso2022_jp"]:
        assert expected in names
    unwanted = "base64_codec base64 rot-13 zlib idna undefined unicode-escape cp936 latin-1 aliases"
    for refused in unwanted.split():
        assert refused not in names
    assert all(normalize_encoding(n) == n for n in names)
    names.append("mutating the copy")
    assert "mutating the copy" not in known_encodings()


# --- decoding --------------------------------------------------------------------------------


def test_split_multibyte_char_is_joined() -> None:
    d = Decoder()
    assert d.decode(b"\xe4") == ""
    assert d.decode(b"\xbd") == ""
    assert d.decode(b"\xa0\xe5\xa5") == "你"
    assert d.decode(b"\xbd!") == "好!"
    assert d.flush() == ""


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_emoji_split_anywhere(cut: int) -> None:
    data = b"\xf0\x9f\x98\x80"
    assert decode_in_pieces("utf-8", data, [cut]) == ("😀", ["", "😀", ""])


def test_truncated_sequence_then_ascii_is_one_replacement() -> None:
    d = Decoder()
    assert d.decode(b"\xe4\xbd") == ""
    assert d.decode(b"A") == "\ufffdA"


def test_invalid_bytes_one_replacement_per_maximal_subpart() -> None:
    d = Decoder()
    assert d.decode(b"\xff") == "\ufffd"
    # Unicode §3.9 / WHATWG example: each maximal ill-formed subpart is one U+FFFD.
    assert d.decode(b"a\x80\xbfb\xc0\xafc\xed\xa0\x80d\xf4\x90\x80\x80e\xf0\x9f\x98f") == (
        "a\ufffd\ufffdb\ufffd\ufffdc\ufffd\ufffd\ufffdd\ufffd\ufffd\ufffd\ufffde\ufffdf"
    )


def test_flush_turns_pending_bytes_into_one_replacement() -> None:
    d = Decoder()
    assert d.decode(b"ok\xf0\x9f\x98") == "ok"
    assert d.flush() == "\ufffd"
    assert d.flush() == ""
    assert (d.bytes_in, d.chars_out) == (5, 3)


def test_c1_nul_and_controls_pass_through() -> None:
    d = Decoder()
    assert d.decode(b"\x00\x07\x1b[31m\xc2\x9b1m\xc2\x90\xc2\x9c\x7f") == "\x00\x07\x1b[31m\x9b1m\x90\x9c\x7f"
    latin = Decoder("latin-1")
    assert latin.decode(bytes(range(0x80, 0xA0))) == "".join(map(chr, range(0x80, 0xA0)))


@pytest.mark.parametrize(
    ("encoding", "data", "text"),
    [
        ("gbk", b"\xc4\xe3\xba\xc3", "你好"),
        ("cp936", b"\xc4\xe3\xba\xc3", "你好"),
        ("gb18030", b"\x81\x30\x81\x30", "\x80"),
        ("big5", b"\xa7\x41\xa6\x6e", "你好"),
        ("shift_jis", b"\x82\xa0\x83\x41", "あア"),
        ("euc-kr", b"\xc7\xd1", "한"),
        ("cp437", b"\xc9\xcd\xbb\xb0", "╔═╗░"),
        ("cp850", b"\x82\x9b", "éø"),
        ("cp1252", b"\x80\x93x\x94", "€“x”"),
        ("utf-16-le", b"`O}Y", "你好"),
        ("utf-16", b"\xfe\xff\x4f\x60", "你"),
        ("utf-8-sig", b"\xef\xbb\xbfhi", "hi"),
    ],
)
def test_codecs(encoding: str, data: bytes, text: str) -> None:
    for cut in range(len(data) + 1):
        assert decode_in_pieces(encoding, data, [cut])[0] == text


def test_gbk_bytes_under_utf8_are_mojibake_not_errors() -> None:
    d = Decoder("utf-8")
    # C4 | E3 BA (a truncated 3-byte sequence, one subpart) | C3 (might still be completed)
    assert d.decode(b"\xc4\xe3\xba\xc3") == "\ufffd\ufffd"
    assert d.flush() == "\ufffd"


def test_cp1252_undefined_byte_is_replaced() -> None:
    assert Decoder("cp1252").decode(b"a\x81b") == "a\ufffdb"


def test_utf16_without_bom_uses_native_order_like_bytes_decode() -> None:
    # CPython's incremental utf-16/utf-32 decoders raise "stream does not start with BOM" here.
    native = "a\x00b\x00" if sys.byteorder == "little" else "\x00a\x00b"
    data = native.encode("latin-1")
    assert decode_in_pieces("utf-16", data, [1])[0] == "ab" == data.decode("utf-16")
    assert decode_in_pieces("utf-16", b"\xff", [])[0] == "\ufffd"
    four = b"\xff\xfeab"  # not a UTF-32 BOM: native order, and out of range
    assert decode_in_pieces("utf-32", four, [2])[0] == four.decode("utf-32", "replace") == "\ufffd"


def test_iso2022_long_unfinished_escape_does_not_overflow() -> None:
    # CPython's ISO-2022 incremental decoders raise "pending buffer overflow" when a chunk ends
    # in ESC plus 8 or more non-final bytes; decoding the stream whole works.
    data = b"ab\x1b" + b"(" * 20 + b"\x1b$B0!\x1b(Bz"
    whole = data.decode("iso2022_jp", "replace")
    assert whole == "ab\ufffd" + "(" * 20 + "亜z"  # ESC + 15 bytes without a final byte: given up
    for cut in range(len(data) + 1):
        assert decode_in_pieces("iso2022_jp", data, [cut])[0] == whole, cut
    d = Decoder("iso2022_jp")
    assert d.decode(b"ab\x1b((((((((((") == "ab"  # CPython alone raises here
    assert d.decode(b"(((") == ""
    assert d.decode(b"((((") == "\ufffd" + "(" * 17
    assert d.decode(b"\x1b" + b"(" * 9) == ""
    assert d.flush() == "\ufffd"  # at the end the unfinished sequence is one U+FFFD, as whole


def test_iso2022_escapes_close_together_are_still_exact() -> None:
    # Found by fuzzing: holding back from the last ESC is not enough when the ESC before it is
    # still undecided, the cut must leave the codec at most 8 pending bytes.
    data = (
        b"\x1b((((((((\xff\x1b$(\x80~\x800)0\x00\xbd+\x80\xffG\xf0\xe4}D}A\xbd{}\x80DJ\x80\x0e\xffA\xbd\xa1"
    )
    whole = data.decode("iso2022_jp_3", "replace")
    assert whole == "\ufffd((((((((\ufffd\ufffd\ufffd\ufffd}D}A\ufffd{}\ufffdDJ\ufffd\x0e\ufffdA\ufffd\ufffd"
    assert decode_in_pieces("iso2022_jp_3", data, [10, 19, 25, 28, 29, 36])[0] == whole
    stream = (b"\x1b" + b"(" * 9) * 30
    assert decode_in_pieces("iso2022_jp", stream, list(range(0, 300, 13)))[0] == stream.decode(
        "iso2022_jp", "replace"
    )


def test_iso2022_escapes_denser_than_every_8_bytes_are_a_known_deviation() -> None:
    # With an ESC in every 7 bytes no cut leaves CPython's codec <= 8 pending bytes, and holding
    # more would not help. The decoder then settles the unfinished escape at once: no exception,
    # bounded memory, but the last 14 bytes (two ESCs, twelve "(") become a single U+FFFD.
    unit = b"\x1b" + b"(" * 6
    d = Decoder("iso2022_jp")
    assert d.decode(unit * 12) == "\ufffd((((((" * 10 + "\ufffd"
    assert d.decode(b"(" * 9) == "(" * 9
    assert d.flush() == ""
    assert (unit * 12 + b"(" * 9).decode("iso2022_jp", "replace") == "\ufffd((((((" * 12 + "(" * 9


def test_never_raises_for_any_known_encoding() -> None:
    nasty = bytes(range(256)) + b"\x1b$B\x1b(((((((((((((((\x1b$)C\x0e\xff\x0f~{~}+AGE-+\xff\xfe\x00"
    for name in known_encodings():
        d = Decoder(name)
        for i in range(0, len(nasty), 7):
            d.decode(nasty[i : i + 7])
        d.flush()
        assert d.bytes_in == len(nasty)


# Random bytes make most codecs fall off their happy path at once; this alphabet keeps them on it
# longer (lead/trail bytes, ESC/SO/SI, HZ and UTF-7 shifts, BOMs).
INTERESTING = st.binary(max_size=60) | st.lists(
    st.sampled_from(
        [bytes([b]) for b in b"\x1b$()B@J\x0e\x0f~{}+-AG0!\x00\x80\x81\xa1\xa4\xbd\xe4\xf0\x9f\xfe\xff"]
        + [b"\xc4\xe3", "你好😀é".encode(), b"\xff\xfe", b"\xfe\xff"]
    ),
    max_size=40,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(
    encoding=st.sampled_from(
        [
            "utf-8",
            "gbk",
            "gb18030",
            "shift_jis",
            "big5",
            "cp437",
            "utf-16-le",
            "utf-16",
            "utf-32",
            "euc_kr",
            "utf-7",
            "hz",
            "iso2022_jp",
            "iso2022_jp_2",
            "iso2022_kr",
            "utf-8-sig",
            "cp1252",
        ]
    ),
    data=INTERESTING,
    cuts=st.lists(st.integers(0, 60), max_size=6),
)
def test_any_split_equals_whole(encoding: str, data: bytes, cuts: list[int]) -> None:
    cuts = [min(c, len(data)) for c in cuts]
    assert decode_in_pieces(encoding, data, cuts)[0] == data.decode(encoding, "replace")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=80))
def test_utf8_byte_at_a_time_equals_whole(data: bytes) -> None:
    text, _ = decode_in_pieces("utf-8", data, list(range(len(data))))
    assert text == data.decode("utf-8", "replace")


# --- switching and resetting -----------------------------------------------------------------


def test_set_encoding_flushes_old_codec_and_returns_its_text() -> None:
    d = Decoder("utf-8")
    assert d.decode(b"a\xe4\xbd") == "a"
    assert d.set_encoding("cp936") == "\ufffd"
    assert d.encoding == "gbk"
    assert d.decode(b"\xc4\xe3") == "你"
    assert (d.bytes_in, d.chars_out) == (5, 3)


def test_set_encoding_to_same_codec_keeps_pending_bytes() -> None:
    d = Decoder("utf-8")
    assert d.decode(b"\xe4\xbd") == ""
    assert d.set_encoding("UTF8") == ""
    assert d.decode(b"\xa0") == "你"


def test_set_encoding_rejects_bad_name_without_changing_anything() -> None:
    d = Decoder("gbk")
    assert d.decode(b"\xc4") == ""
    with pytest.raises(UnknownEncodingError, match=r"^unknown encoding 'gkb'; did you mean 'gbk'"):
        d.set_encoding("gkb")
    assert d.encoding == "gbk"
    assert d.decode(b"\xe3") == "你"


def test_reset_forgets_pending_bytes_and_counters() -> None:
    d = Decoder("cp936")
    assert d.decode(b"x\xc4") == "x"
    d.reset()
    assert (d.encoding, d.bytes_in, d.chars_out) == ("gbk", 0, 0)
    assert d.decode(b"\xe3!") == "\ufffd!"  # C4 was forgotten, so E3 leads and "!" cannot trail


