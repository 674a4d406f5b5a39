"""Packed style ids and the SGR shortcuts (colour-only parsing, compiled effects, batched colour runs)
agree with the plain path: ``apply_sgr`` on a Style, one SGR and one print at a time."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from app.vt.dispatch import colour_op
from app.vt.parser import parse_params
from app.vt.style import DEFAULT, PLAIN, RGB_FLAG, SgrOp, Style, apply_sgr, compile_sgr, pack, unpack

colours = st.one_of(st.just(DEFAULT), st.integers(0, 255), st.integers(0, 0xFFFFFF).map(lambda c: c | RGB_FLAG))
styles = st.builds(
    Style,
    fg=colours,
    bg=colours,
    flags=st.integers(0, 0x3FF),  # the nine SGR flags and PROTECTED (DECSCA), which no SGR may change
    underline=st.integers(0, 5),
    ul_color=colours,
    link=st.one_of(st.integers(0, 3), st.integers(0, 70000)),
)
numbers = st.one_of(st.integers(0, 300), st.integers(0, 70000)).map(str) | st.sampled_from(["", "007", "0000"])
sgr_strings = st.one_of(
    st.lists(numbers, min_size=0, max_size=7).map(";".join),
    st.tuples(
        st.sampled_from(["38", "48"]), st.sampled_from(["2", "5"]), st.lists(numbers, min_size=0, max_size=4)
    ).map(lambda t: ";".join([t[0], t[1], *t[2]])),
)
colour_spec = st.tuples(
    st.sampled_from(["38", "48", "58", "39", "1"]),
    st.sampled_from(["2", "5", "6", ""]),
    st.lists(numbers, min_size=0, max_size=4),
).map(lambda t: [t[0], t[1], *t[2]])
#: Strings shaped like colour-only SGRs, right or nearly: several specs, either separator, colour spaces.
colour_strings = st.one_of(
    st.lists(colour_spec, min_size=1, max_size=3).map(lambda specs: ";".join(";".join(s) for s in specs)),
    colour_spec.map(":".join),
    st.tuples(colour_spec, numbers).map(lambda t: ":".join([*t[0][:2], t[1], *t[0][2:]])),
)


def _applied(style: Style, op: SgrOp) -> Style:
    keep, put = op
    return unpack(pack(style) & keep | put)


def _edited(style: Style, pstr: str) -> Style | None:
    op = colour_op(pstr)
    return None if op is None else _applied(style, op)


def _plain(style: Style, pstr: str) -> Style:
    values, groups = parse_params(pstr)
    return apply_sgr(style, list(values), list(groups) if groups else None)


@settings(max_examples=600)
@given(styles)
def test_packed_id_round_trips(style: Style) -> None:
    sid = pack(style)
    assert sid >= 0
    assert unpack(sid) == style


def test_plain_style_is_id_zero_and_fields_do_not_overlap() -> None:
    assert pack(PLAIN) == 0
    full = Style(fg=RGB_FLAG | 0xFFFFFF, bg=RGB_FLAG | 0xFFFFFF, flags=0x1FF, underline=5, ul_color=RGB_FLAG | 0xFFFFFF)
    for field in full._fields[:-1]:
        alone = PLAIN._replace(**{field: getattr(full, field)})
        others = full._replace(**{field: getattr(PLAIN, field)})
        assert pack(alone) & pack(others) == 0, field
        assert pack(alone) | pack(others) == pack(full)


@settings(max_examples=600)
@given(styles, st.one_of(sgr_strings, colour_strings))
def test_colour_edit_matches_apply_sgr(style: Style, pstr: str) -> None:
    got = _edited(style, pstr)
    if got is not None:
        assert got == _plain(style, pstr)


@settings(max_examples=400)
@given(styles, sgr_strings)
def test_compiled_delta_matches_apply_sgr(style: Style, pstr: str) -> None:
    values, groups = parse_params(pstr)
    assert _applied(style, compile_sgr(values, groups)) == _plain(style, pstr)


#: The shapes ``Dispatcher._pens_after`` puts on the pen itself, with components right or nearly (four digits,
#: empty, leading zeros, over 255), among SGRs of every other kind.
pen_strings = st.one_of(
    st.tuples(st.sampled_from(["38", "48", "58", "3"]), st.sampled_from(["2", "5"]), numbers, numbers, numbers).map(
        ";".join
    ),
    st.tuples(st.sampled_from(["38", "48"]), st.sampled_from(["5", "2"]), numbers).map(
        lambda t: f"{t[0]};{t[1]};{t[2]}"
    ),
    st.tuples(
        st.sampled_from(["38", "48"]),
        st.sampled_from(["5", "2"]),
        numbers,
        st.sampled_from(["48", "38", "4"]),
        st.sampled_from(["5", "2"]),
        numbers,
    ).map(";".join),
    st.tuples(
        st.sampled_from(["38", "48"]),
        st.sampled_from(["2", "5"]),
        numbers,
        numbers,
        numbers,
        st.sampled_from(["48", "38", "1"]),
        st.sampled_from(["2", "5"]),
        numbers,
        numbers,
        numbers,
    ).map(";".join),
    sgr_strings,
    colour_strings,
)


@settings(max_examples=500)
@given(styles, st.lists(pen_strings, min_size=1, max_size=12))
def test_pens_after_matches_apply_sgr(style: Style, pstrs: list[str]) -> None:
    """The pens a line's SGRs give in turn (``_pens_after``: its inline shapes, ``_sgr_ops``, ``colour_op`` and the
    general parser) are what ``apply_sgr`` gives on a Style, one SGR at a time — twice, the second time with the
    table of kept SGRs filled by the first."""
    dispatcher = Terminal(cols=20, rows=3).dispatcher
    for _ in range(2):
        sids: list[int] = []
        last = dispatcher._pens_after(pstrs, pack(style), sids)
        want = style
        for pstr, sid in zip(pstrs, sids, strict=True):
            want = _plain(want, pstr)
            assert unpack(sid) == want, pstr
        assert last == sids[-1]


def test_pens_after_takes_image_viewers_pairs() -> None:
    """Examples of the inline shapes, and components that are not one to three digits, which go the general way."""
    dispatcher = Terminal(cols=20, rows=3).dispatcher
    cases = {
        "38;2;1;2;3": Style(fg=RGB_FLAG | 0x010203, flags=1),
        "48;2;255;0;10": Style(bg=RGB_FLAG | 0xFF000A, flags=1),
        "38;5;17;48;5;255": Style(fg=17, bg=255, flags=1),
        "38;2;1;2;3;48;2;4;5;6": Style(fg=RGB_FLAG | 0x010203, bg=RGB_FLAG | 0x040506, flags=1),
        "38;2;1;2;1000": Style(fg=RGB_FLAG | 0x0102E8, flags=1),  # 1000 & 0xFF, as xterm
        "38;5;300;48;5;1": Style(fg=44, bg=1, flags=1),
        "38;2;;2;3": Style(fg=RGB_FLAG | 0x000203, flags=1),
    }
    for pstr, want in cases.items():
        sids: list[int] = []
        dispatcher._pens_after([pstr], pack(Style(flags=1)), sids)
        assert unpack(sids[0]) == want, pstr
        assert want == _plain(Style(flags=1), pstr), pstr
    # Nearly the shapes: a palette background after a true foreground, then attributes; a pair the other way round.
    # And every case from a pen with both colours set, whose bits the new ones must replace, not join.
    nearly = ("38;2;1;2;3;48;5;4;1;7", "48;5;1;38;5;2", "38;5;1;48;2;3", "38;2;1;2;3;38;2;4;5;6")
    for base in (Style(flags=1), Style(fg=RGB_FLAG | 0xFFFFFF, bg=RGB_FLAG | 0xFFFFFF), Style(fg=255, bg=255)):
        for pstr in (*nearly, *cases):
            sids = []
            dispatcher._pens_after([pstr], pack(base), sids)
            assert unpack(sids[0]) == _plain(base, pstr), (base, pstr)


def test_colour_edit_recognises_what_it_should() -> None:
    base = Style(flags=1)
    assert _edited(base, "38;2;1;2;300") == Style(fg=RGB_FLAG | 0x01022C, flags=1)
    assert _edited(base, "48;5;17") == Style(bg=17, flags=1)
    assert _edited(base, "38;5;7;48;2;0;0;255") == Style(fg=7, bg=RGB_FLAG | 0xFF, flags=1)
    assert _edited(base, "38:2::10:20:30") == Style(fg=RGB_FLAG | 0x0A141E, flags=1)
    assert _edited(base, "48:2:10:20:30") == Style(bg=RGB_FLAG | 0x0A141E, flags=1)
    assert _edited(base, "48:5:9") == Style(bg=9, flags=1)
    assert _edited(base, "38;5;1;38;2;0;0;9") == Style(fg=RGB_FLAG | 9, flags=1)  # the last one wins
    assert _edited(Style(fg=3, bg=4), "48;5;255") == Style(fg=3, bg=255)
    assert colour_op("38;5;1000") is None  # four digits: left to the general path
    assert colour_op("38;2;1;2") is None
    assert colour_op("38;5;1;1") is None  # a colour, then bold: not colours alone
    assert colour_op("58;5;1") is None  # underline colour: the general path
    assert colour_op("1;31") is None
    assert colour_op("") is None


def _styled_cells(t: Terminal) -> list[list[tuple[str, Style]]]:
    rows = [list(zip(r.cells(), (t.screen.styles[s] for s in r.style_list()), strict=True)) for r in t.screen.history]
    rows += [list(zip(t.cells(y), (t.style_at(y, x) for x in range(t.cols)), strict=True)) for y in range(t.rows)]
    return rows


def test_batched_colour_runs_equal_one_at_a_time() -> None:
    rng = random.Random(11)
    parts = []
    for i in range(4000):
        kind = rng.randrange(6)
        if kind == 0:
            p = f"38;2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}"
        elif kind == 1:
            p = f"48;5;{rng.randrange(256)}"
        elif kind == 2:
            p = rng.choice(["0", "1", "4:3", "7", "", "22;39", "1;31;42"])
        elif kind == 3:
            p = f"38;5;{rng.randrange(256)};48;5;{rng.randrange(256)}"
        else:
            p = f"3{rng.randrange(8)}"
        text = rng.choice(["x", "ab", "你", "é", "e\u0301", "\u2588", "Z" * rng.randrange(1, 30)])
        parts.append(f"\x1b[{p}m{text}")
        if i % 37 == 0:
            parts.append("\r\n")
        if i % 101 == 0:
            parts.append("\x1b(0q\x1b(B")
    data = "".join(parts).encode()
    whole = Terminal(cols=33, rows=7, scrollback=50)
    whole.feed(data)
    bytewise = Terminal(cols=33, rows=7, scrollback=50)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])  # no SGR block survives a one-byte feed: the plain path
    assert _styled_cells(whole) == _styled_cells(bytewise)
    assert whole.cursor == bytewise.cursor
