"""What the engine answers when a program asks (read-back), and what it refuses: ``CSI 18 t``, DECRQM,
DECDSR, DECRQSS, XTGETTCAP, OSC 4/10/11/12.  In the spirit of esctest2's decrqm, decdsr, decrqss and
xterm_winops tests; the formats are xterm's (``ctlseqs``, ``misc.c``'s ``do_dcs``/``do_*_rqm``,
``charproc.c``'s ``CASE_DSR``).  Every reply leaves through the terminal's one reply hook.
"""

from __future__ import annotations

import pytest

from app.vt import Terminal
from app.vt.colours import DEFAULT_COLOURS, Colours, osc_rgb, parse_colour, xterm_256
from tests.vt.strict import strict_terminal


def term(data: str = "", cols: int = 80, rows: int = 24) -> Terminal:
    return strict_terminal(data, cols, rows)


def replies(data: str, **kw: int) -> list[bytes]:
    return term(data, **kw).take_replies()


# ------------------------------------------------------------------ window size, and what is refused
def test_text_area_size_is_answered_from_the_engines_own_size() -> None:
    assert replies("\x1b[18t", cols=80, rows=25) == [b"\x1b[8;25;80t"]
    t = term(cols=30, rows=7)
    t.resize(cols=41, rows=9)
    t.feed(b"\x1b[18t")
    assert t.take_replies() == [b"\x1b[8;9;41t"]


@pytest.mark.parametrize("op", ["11", "13", "14", "14;2", "15", "16", "19", "20", "21", "3;5;5", "8;10;10", "9;1"])
def test_other_window_reports_and_operations_are_refused(op: str) -> None:
    t = term(f"\x1b[{op}t")
    assert t.take_replies() == []
    assert (t.cols, t.rows) == (80, 24)


# ------------------------------------------------------------------ DECRQM
@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("\x1b[2$p", "\x1b[2;2$y"),  # KAM: settable, reset
        ("\x1b[2h\x1b[2$p", "\x1b[2;1$y"),
        ("\x1b[12$p", "\x1b[12;1$y"),  # SRM: set from the start (no local echo), as xterm
        ("\x1b[12l\x1b[12$p", "\x1b[12;2$y"),
        ("\x1b[1$p", "\x1b[1;4$y"),  # GATM: permanently reset
        ("\x1b[19$p", "\x1b[19;4$y"),  # EBM
        ("\x1b[3$p", "\x1b[3;4$y"),  # CRM
        ("\x1b[99$p", "\x1b[99;0$y"),  # unknown
        ("\x1b[?3$p", "\x1b[?3;2$y"),  # DECCOLM: reset, settable
        ("\x1b[?40h\x1b[?3h\x1b[?3$p", "\x1b[?3;1$y"),
        ("\x1b[?3h\x1b[?3$p", "\x1b[?3;2$y"),  # without ?40, DECCOLM is not honoured
        ("\x1b[?4$p", "\x1b[?4;2$y"),  # DECSCLM
        ("\x1b[?4h\x1b[?4$p", "\x1b[?4;1$y"),
        ("\x1b[?69$p", "\x1b[?69;2$y"),  # DECLRMM
        ("\x1b[?69h\x1b[?69$p", "\x1b[?69;1$y"),
        ("\x1b[?45h\x1b[?45$p", "\x1b[?45;1$y"),
        ("\x1b[?1045$p", "\x1b[?1045;2$y"),
        ("\x1b[?8$p", "\x1b[?8;4$y"),  # DECARM: xterm says permanently reset
        ("\x1b[?2$p", "\x1b[?2;3$y"),  # DECANM: there is no VT52 mode
        ("\x1b[?60$p", "\x1b[?60;4$y"),  # DECHCCM
        ("\x1b[?1005h\x1b[?1005$p", "\x1b[?1005;4$y"),  # UTF-8 mouse: not offered, stays reset
        ("\x1b[?9999$p", "\x1b[?9999;0$y"),
    ],
)
def test_decrqm_answers_as_xterm(query: str, answer: str) -> None:
    assert replies(query) == [answer.encode()]


def test_decrqm_needs_conformance_level_3() -> None:
    assert replies('\x1b[62;1"p\x1b[4$p\x1b[?7$p') == []


def test_kam_and_srm_are_reset_by_decstr_and_ris_as_xterm() -> None:
    t = term("\x1b[2h\x1b[12l\x1b[!p\x1b[2$p\x1b[12$p")
    assert t.take_replies() == [b"\x1b[2;2$y", b"\x1b[12;2$y"]  # DECSTR clears KAM, keeps SRM
    t.feed(b"\x1bc\x1b[12$p")
    assert t.take_replies() == [b"\x1b[12;1$y"]  # RIS sets SRM again


# ------------------------------------------------------------------ DSR / DECDSR
def test_cpr_and_decxcpr_are_relative_to_the_margins_in_origin_mode() -> None:
    t = term("\x1b[5;20r\x1b[?69h\x1b[10;40s\x1b[?6h\x1b[3;4H\x1b[6n\x1b[?6n")
    assert t.take_replies() == [b"\x1b[3;4R", b"\x1b[?3;4;1R"]


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("\x1b[5n", b"\x1b[0n"),
        ("\x1b[?15n", b"\x1b[?13n"),  # no printer
        ("\x1b[?25n", b"\x1b[?20n"),  # user-defined keys unlocked
        ("\x1b[?26n", b"\x1b[?27;1;0;0n"),  # North American keyboard, ready, LK201
        ("\x1b[?55n", b"\x1b[?53n"),  # no locator
        ("\x1b[?56n", b"\x1b[?57;0n"),
        ("\x1b[?62n", b"\x1b[0000*{"),  # DECMSR: no macro space
        ("\x1b[?63;77n", b"\x1bP77!~0000\x1b\\"),  # DECCKSR: the macro memory's checksum, for request 77
        ("\x1b[?75n", b"\x1b[?70n"),
        ("\x1b[?85n", b"\x1b[?83n"),
    ],
)
def test_device_status_reports(query: str, answer: bytes) -> None:
    assert replies(query) == [answer]


def test_unknown_dsr_gets_no_reply() -> None:
    assert replies("\x1b[?99n\x1b[15n") == []


# ------------------------------------------------------------------ DECRQSS
@pytest.mark.parametrize(
    ("setup", "setting", "answer"),
    [
        ("\x1b[1;4m", "m", "0;1;4m"),
        ("\x1b[5;20r", "r", "5;20r"),
        ("\x1b[?69h\x1b[3;70s", "s", "3;70s"),
        ("", "s", "1;80s"),
        ("\x1b[4 q", " q", "4 q"),
        ('\x1b[1"q', '"q', '1"q'),
        ('\x1b[1"q\x1b[0"q', '"q', '0"q'),
        ("\x1bV", '"q', '0"q'),  # SPA is not DECSCA
        ('\x1b[64;1"p', '"p', '64;1"p'),
        ("", '"p', '65;1"p'),
        ("", "t", "24t"),  # DECSLPP: lines per page
        ("", "*|", "24*|"),  # DECSNLS
        ("", "$|", "80$|"),  # DECSCPP
        ("\x1b[2*x", "*x", "2*x"),  # DECSACE
        ("", "$}", "0$}"),  # DECSASD: the main display
        ("", "$~", "0$~"),  # DECSSDT: no status line
    ],
)
def test_decrqss(setup: str, setting: str, answer: str) -> None:
    assert replies(setup + f"\x1bP$q{setting}\x1b\\")[-1:] == [f"\x1bP1$r{answer}\x1b\\".encode()]


def test_decrqss_unknown_setting_is_invalid_and_not_echoed() -> None:
    assert replies("\x1bP$q$(rm -rf ~)\x1b\\") == [b"\x1bP0$r\x1b\\"]


# ------------------------------------------------------------------ XTGETTCAP
def _hex(text: str) -> str:
    return text.encode().hex().upper()


@pytest.mark.parametrize(
    ("names", "pairs"),
    [
        (["TN"], [("TN", "xterm-256color")]),
        (["name"], [("name", "xterm-256color")]),
        (["Co"], [("Co", "256")]),
        (["colors", "RGB"], [("colors", "256"), ("RGB", "8")]),
    ],
)
def test_xtgettcap_answers_the_fixed_set(names: list[str], pairs: list[tuple[str, str]]) -> None:
    request = ";".join(_hex(n).lower() for n in names)  # any case of hex is read
    answer = ";".join(f"{_hex(n)}={_hex(v)}" for n, v in pairs)
    assert replies(f"\x1bP+q{request}\x1b\\") == [f"\x1bP1+r{answer}\x1b\\".encode()]


@pytest.mark.parametrize("query", [_hex("kcuu1"), _hex("Ms"), "zz", _hex("TN") + "0", ""])
def test_xtgettcap_refuses_anything_else_without_echo(query: str) -> None:
    assert replies(f"\x1bP+q{query}\x1b\\") == [b"\x1bP0+r\x1b\\"]


def test_xtgettcap_stops_at_the_first_unknown_name() -> None:
    answer = f"\x1bP1+r{_hex('Co')}={_hex('256')}\x1b\\".encode()
    assert replies(f"\x1bP+q{_hex('Co')};{_hex('Ms')};{_hex('TN')}\x1b\\") == [answer]


# ------------------------------------------------------------------ colours: OSC 4 / 10 / 11 / 12
def test_colour_queries_answer_the_default_theme_headless() -> None:
    t = term("\x1b]11;?\x07\x1b]10;?\x1b\\\x1b]12;?\x07\x1b]4;1;?;255;?\x07")
    c = DEFAULT_COLOURS
    assert t.take_replies() == [
        f"\x1b]11;{osc_rgb(c.background)}\x07".encode(),
        f"\x1b]10;{osc_rgb(c.foreground)}\x1b\\".encode(),  # the reply ends as the request did
        f"\x1b]12;{osc_rgb(c.cursor)}\x07".encode(),
        f"\x1b]4;1;{osc_rgb(c.palette[1])}\x07".encode(),
        f"\x1b]4;255;{osc_rgb(c.palette[255])}\x07".encode(),
    ]
    assert osc_rgb(c.background) == "rgb:1818/1818/1c1c"


def test_colour_queries_answer_what_the_owner_of_the_theme_set() -> None:
    t = term()
    t.set_colours(Colours(foreground=(1, 2, 3), background=(250, 251, 252), cursor=(9, 9, 9)))
    t.feed(b"\x1b]10;?;?;?\x07")  # 10 then 11 then 12, as xterm
    assert t.take_replies() == [
        b"\x1b]10;rgb:0101/0202/0303\x07",
        b"\x1b]11;rgb:fafa/fbfb/fcfc\x07",
        b"\x1b]12;rgb:0909/0909/0909\x07",
    ]


def test_programs_may_set_colours_and_reset_them() -> None:
    t = term("\x1b]4;1;rgb:f0f0/8080/0000;2;#123\x07\x1b]11;#102030\x07")
    t.feed(b"\x1b]4;1;?;2;?\x07\x1b]11;?\x07")
    assert t.take_replies() == [
        b"\x1b]4;1;rgb:f0f0/8080/0000\x07",
        b"\x1b]4;2;rgb:1010/2020/3030\x07",
        b"\x1b]11;rgb:1010/2020/3030\x07",
    ]
    assert t.colours.palette[1] == (0xF0, 0x80, 0) and t.colours.background == (0x10, 0x20, 0x30)
    serial = t.colours_serial
    t.feed(b"\x1b]104;1\x07\x1b]111\x07\x1b]4;1;?;2;?\x07\x1b]11;?\x07")
    assert t.colours_serial > serial
    default = xterm_256()
    assert t.take_replies() == [
        f"\x1b]4;1;{osc_rgb(default[1])}\x07".encode(),
        b"\x1b]4;2;rgb:1010/2020/3030\x07",  # only entry 1 was reset
        f"\x1b]11;{osc_rgb(DEFAULT_COLOURS.background)}\x07".encode(),
    ]


def test_decstr_and_ris_reset_the_palette_but_not_the_dynamic_colours() -> None:
    t = term("\x1b]4;1;#ffffff\x07\x1b]10;#000000\x07\x1b[!p\x1b]4;1;?\x07\x1b]10;?\x07")
    assert t.take_replies() == [
        f"\x1b]4;1;{osc_rgb(xterm_256()[1])}\x07".encode(),
        b"\x1b]10;rgb:0000/0000/0000\x07",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "\x1b]4;256;?\x07",  # xterm's special colours: not kept
        "\x1b]4;x;?\x07",
        "\x1b]13;?\x07",  # mouse colours
        "\x1b]4;1;red\x07\x1b]4;1\x07",  # a name the engine cannot read sets nothing (and 4;1 alone asks nothing)
    ],
)
def test_colour_requests_outside_the_kept_set_get_no_reply(query: str) -> None:
    t = term(query)
    assert t.take_replies() == []
    assert t.colours == DEFAULT_COLOURS


def test_a_flood_of_palette_queries_is_bounded() -> None:
    t = term("\x1b]4;" + ";".join("1;?" for _ in range(2000)) + "\x07")
    assert len(t.take_replies()) == 256


@pytest.mark.parametrize(
    ("spec", "rgb"),
    [
        ("rgb:f0f0/8080/0000", (0xF0, 0x80, 0)),
        ("rgb:f/8/0", (0xFF, 0x88, 0)),  # one digit scales to the full range, as X11
        ("RGB:ff/80/00", (0xFF, 0x80, 0)),
        ("#fff", (0xF0, 0xF0, 0xF0)),  # '#' digits are the high bits, as X11
        ("#808080", (0x80, 0x80, 0x80)),
        ("#f00f00f00", (0xF0, 0xF0, 0xF0)),
        ("#aaaabbbbcccc", (0xAA, 0xBB, 0xCC)),
        ("rgbi:1/0.5/0", (0xFF, 0x80, 0)),
        ("rgb:1/2", None),
        ("rgb:12345/0/0", None),
        ("#12345", None),
        ("rgbi:2/0/0", None),
        ("CIELab:1/1/1", None),
        ("red", None),
        ("", None),
    ],
)
def test_parse_colour(spec: str, rgb: tuple[int, int, int] | None) -> None:
    assert parse_colour(spec) == rgb


# ------------------------------------------------------------------ the reply hook
def test_every_reply_goes_through_the_one_hook() -> None:
    t = term()
    got: list[bytes] = []
    t.on_reply = got.append
    t.feed(b"\x1b[18t\x1b[1;1;1;1;1;1*y\x1b[?69$p\x1bP$qm\x1b\\\x1bP+q544E\x1b\\\x1b]11;?\x07\x1b[?26n")
    assert len(got) == 7
    assert t.take_replies() == []
