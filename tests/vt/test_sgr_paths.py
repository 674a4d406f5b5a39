"""The SGR shortcuts (lone-colour parsing, compiled deltas, batched colour runs) agree with the
plain path: ``apply_sgr`` on parsed parameters, one SGR and one print at a time."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt import Terminal
from app.vt.dispatch import _lone_colour
from app.vt.parser import parse_params
from app.vt.style import DEFAULT, RGB_FLAG, Style, apply_sgr, compile_sgr

colours = st.one_of(st.just(DEFAULT), st.integers(0, 255), st.integers(0, 0xFFFFFF).map(lambda c: c | RGB_FLAG))
styles = st.builds(
    Style,
    fg=colours,
    bg=colours,
    flags=st.integers(0, 0x1FF),
    underline=st.integers(0, 5),
    ul_color=colours,
    link=st.integers(0, 3),
)
numbers = st.one_of(st.integers(0, 300), st.integers(0, 70000)).map(str) | st.sampled_from(["", "007", "0000"])
sgr_strings = st.one_of(
    st.lists(numbers, min_size=0, max_size=7).map(";".join),
    st.tuples(
        st.sampled_from(["38", "48"]), st.sampled_from(["2", "5"]), st.lists(numbers, min_size=0, max_size=4)
    ).map(lambda t: ";".join([t[0], t[1], *t[2]])),
)


def _plain(style: Style, pstr: str) -> Style:
    values, groups = parse_params(pstr)
    return apply_sgr(style, list(values), list(groups) if groups else None)


@settings(max_examples=400)
@given(styles, sgr_strings)
def test_lone_colour_shortcut_matches_apply_sgr(style: Style, pstr: str) -> None:
    got = _lone_colour(style, pstr)
    if got is not None:
        assert got == _plain(style, pstr)


@settings(max_examples=400)
@given(styles, sgr_strings)
def test_compiled_delta_matches_apply_sgr(style: Style, pstr: str) -> None:
    values, groups = parse_params(pstr)
    assert compile_sgr(values, groups).apply(style) == _plain(style, pstr)


def test_lone_colour_recognises_what_it_should() -> None:
    base = Style(flags=1)
    assert _lone_colour(base, "38;2;1;2;300") == Style(fg=RGB_FLAG | 0x01022C, flags=1)
    assert _lone_colour(base, "48;5;17") == Style(bg=17, flags=1)
    assert _lone_colour(base, "38;5;1000") is None  # four digits: left to the general path
    assert _lone_colour(base, "38;2;1;2") is None
    assert _lone_colour(base, "1;31") is None


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
