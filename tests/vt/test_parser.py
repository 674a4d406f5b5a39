"""The escape-sequence state machine, observed through a recording ``Perform``.

The key property: the regex fast path (``Parser.feed``) and the state machine (``Parser.feed_traced``)
report the same events, and so does any split of the input.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.vt import Terminal, parser
from app.vt.parser import MAX_OSC, MAX_PARAMS, MAX_VALUE, Parser, State, parse_params

Event = tuple[str, ...]


class Recorder:
    """A Perform that writes down every call."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def print(self, text: str) -> None:
        self.events.append(("print", text))

    def execute(self, ch: str) -> None:
        self.events.append(("execute", ch))

    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None:
        self.events.append(("csi", private, params, intermediates, final))

    def esc_dispatch(self, intermediates: str, final: str) -> None:
        self.events.append(("esc", intermediates, final))

    def osc_dispatch(self, data: str, terminator: str) -> None:
        self.events.append(("osc", data, terminator))

    def dcs_dispatch(self, private: str, params: str, intermediates: str, final: str, data: str) -> None:
        self.events.append(("dcs", private, params, intermediates, final, data))

    def string_dispatch(self, kind: str, data: str) -> None:
        self.events.append(("string", kind, data))

    def ignored(self, kind: str) -> None:
        self.events.append(("ignored", kind))


def joined(events: list[Event]) -> list[Event]:
    """Adjacent print events merged (how a printable run is chunked is not part of the contract)."""
    out: list[Event] = []
    for e in events:
        if e[0] == "print" and out and out[-1][0] == "print":
            out[-1] = ("print", out[-1][1] + e[1])
        else:
            out.append(e)
    return out


def fast(*pieces: str) -> list[Event]:
    rec = Recorder()
    p = Parser(rec)
    for piece in pieces:
        p.feed(piece)
    return joined(rec.events)


def traced(*pieces: str) -> list[Event]:
    rec = Recorder()
    p = Parser(rec)
    for piece in pieces:
        p.feed_traced(piece)
    return joined(rec.events)


def both(text: str) -> list[Event]:
    """Events from both paths, which must agree (checked here for every example)."""
    a, b = fast(text), traced(text)
    assert a == b
    return a


# ------------------------------------------------------------------ examples
def test_print_and_controls() -> None:
    assert both("ab\r\ncd\x07") == [
        ("print", "ab"),
        ("execute", "\r"),
        ("execute", "\n"),
        ("print", "cd"),
        ("execute", "\x07"),
    ]


def test_del_is_reported_in_ground_and_changes_nothing() -> None:
    # DEL is reported (so the inspector can explain the byte) and the dispatcher ignores it.
    assert both("a\x7fb") == [("print", "a"), ("execute", "\x7f"), ("print", "b")]
    t = Terminal(cols=5, rows=1)
    t.feed(b"a\x7fb")
    assert t.display == ["ab   "]
    assert t.cursor == (0, 2)


def test_csi_basic() -> None:
    assert both("\x1b[1;31m") == [("csi", "", "1;31", "", "m")]
    assert both("\x1b[H") == [("csi", "", "", "", "H")]


def test_c0_inside_csi_executes() -> None:
    assert both("\x1b[2\x08;3H") == [("execute", "\x08"), ("csi", "", "2;3", "", "H")]
    assert both("\x1b[\r1A") == [("execute", "\r"), ("csi", "", "1", "", "A")]
    assert both("\x1b[1 \nq") == [("execute", "\n"), ("csi", "", "1", " ", "q")]


@pytest.mark.parametrize("cancel", ["\x18", "\x1a"])
def test_can_sub_abort_csi(cancel: str) -> None:
    events = both(f"\x1b[31{cancel}m")
    assert ("csi", "", "31", "", "m") not in events
    assert [e for e in events if e[0] != "ignored"] == [("execute", cancel), ("print", "m")]


@pytest.mark.parametrize("cancel", ["\x18", "\x1a"])
def test_can_sub_abort_osc(cancel: str) -> None:
    events = both(f"\x1b]2;title{cancel}x\x07")
    assert not [e for e in events if e[0] == "osc"]
    assert [e for e in events if e[0] != "ignored"] == [("execute", cancel), ("print", "x"), ("execute", "\x07")]


def test_esc_restarts_a_sequence() -> None:
    events = both("\x1b[31\x1b[32m")
    assert [e for e in events if e[0] != "ignored"] == [("csi", "", "32", "", "m")]
    events = both("\x1b[31\x1b7")
    assert [e for e in events if e[0] != "ignored"] == [("esc", "", "7")]


def test_colon_sub_parameters() -> None:
    assert both("\x1b[38:2::10:20:30m") == [("csi", "", "38:2::10:20:30", "", "m")]
    assert both("\x1b[4:3m") == [("csi", "", "4:3", "", "m")]
    assert parse_params("38:2::10:20:30") == ((38,), ((38, 2, 0, 10, 20, 30),))
    assert parse_params("1;4:3") == ((1, 4), ((1,), (4, 3)))


def test_parse_params() -> None:
    assert parse_params("") == ((), None)
    assert parse_params("1;;3") == ((1, 0, 3), None)
    assert parse_params(";") == ((0, 0), None)
    assert parse_params("65535") == ((65535,), None)
    assert parse_params("65536") == ((MAX_VALUE,), None)
    assert parse_params("99999999999999999999") == ((MAX_VALUE,), None)
    assert parse_params("00000000000000000007") == ((7,), None)
    assert parse_params("1:99999") == ((1,), ((1, MAX_VALUE),))


def test_parse_params_32_limit() -> None:
    assert MAX_PARAMS == 32
    values, groups = parse_params(";".join(str(i) for i in range(1, 41)))
    assert values == tuple(range(1, 33))
    assert groups is None
    values, _ = parse_params("1;" * 1_000_000 + "5")
    assert values == (1,) * 32


def test_million_parameters_same_on_both_paths_and_any_split() -> None:
    text = "\x1b[" + "1;" * 1_000_000 + "31mX"
    expected = fast(text)
    assert expected[-1] == ("print", "X")
    ((kind, private, params, inter, final),) = expected[:-1]
    assert (kind, private, inter, final) == ("csi", "", "", "m")
    assert parse_params(params)[0] == (1,) * 32
    assert [(e[0], parse_params(e[2])[0]) for e in traced(text)[:-1]] == [("csi", (1,) * 32)]
    chunks = [text[i : i + 65536] for i in range(0, len(text), 65536)]
    pieces = fast(*chunks)
    assert pieces[-1] == ("print", "X")
    assert parse_params(pieces[0][2])[0] == (1,) * 32


def test_intermediates() -> None:
    assert both("\x1b[1 q") == [("csi", "", "1", " ", "q")]
    assert both("\x1b[!p") == [("csi", "", "", "!", "p")]
    assert both("\x1b[?1$p") == [("csi", "?", "1", "$", "p")]
    assert both("\x1b[!!p") == [("csi", "", "", "!!", "p")]
    assert both("\x1b(0") == [("esc", "(", "0")]
    assert both("\x1b#8") == [("esc", "#", "8")]
    assert both("\x1b%G") == [("esc", "%", "G")]


def test_too_many_intermediates_are_ignored() -> None:
    assert [e for e in both("\x1b[!!!p") if e[0] != "ignored"] == []
    assert [e for e in both("\x1b(((0x") if e[0] != "ignored"] == [("print", "x")]


def test_private_markers() -> None:
    assert both("\x1b[?25h") == [("csi", "?", "25", "", "h")]
    assert both("\x1b[>c") == [("csi", ">", "", "", "c")]
    assert both("\x1b[<0;1;2M") == [("csi", "<", "0;1;2", "", "M")]
    assert both("\x1b[=c") == [("csi", "=", "", "", "c")]


def test_private_marker_after_params_is_ignored() -> None:
    events = both("\x1b[1?2hx")
    assert [e for e in events if e[0] != "ignored"] == [("print", "x")]
    assert ("ignored", "CSI") in events


def test_param_after_intermediate_is_ignored() -> None:
    assert [e for e in both("\x1b[ 1qx") if e[0] != "ignored"] == [("print", "x")]


@pytest.mark.parametrize("terminator", ["\x07", "\x1b\\", "\x9c"])
def test_osc_terminators(terminator: str) -> None:
    events = traced("\x1b]2;title" + terminator + "x")
    # The terminator is reported so a reply can repeat it; replies are 7-bit, so C1 ST comes as ESC \\.
    assert events[0] == ("osc", "2;title", "\x07" if terminator == "\x07" else "\x1b\\")
    assert events[-1] == ("print", "x")
    assert fast("\x1b]2;title" + terminator + "x") == events


def test_c1_osc() -> None:
    assert both("\x9d0;t\x9cx") == [("osc", "0;t", "\x1b\\"), ("print", "x")]


def test_osc_ignores_other_c0() -> None:
    assert both("\x1b]2;a\x01b\x07") == [("osc", "2;ab", "\x07")]


def test_osc_at_the_cap_is_dispatched() -> None:
    data = "2;" + "a" * (MAX_OSC - 2)
    assert both(f"\x1b]{data}\x07x") == [("osc", data, "\x07"), ("print", "x")]


def test_osc_over_the_cap_is_ignored_to_its_terminator() -> None:
    data = "2;" + "a" * (MAX_OSC - 1)
    events = both(f"\x1b]{data}\x07x")
    assert events == [("ignored", "OSC"), ("print", "x")]
    chunked = fast("\x1b]2;", "a" * 40_000, "a" * 40_000, "\x07x")
    assert chunked == [("ignored", "OSC"), ("print", "x")]


def test_dcs_hook_and_data() -> None:
    assert both("\x1bP1$qm\x1b\\x") == [("dcs", "", "1", "$", "q", "m"), ("esc", "", "\\"), ("print", "x")]
    assert both("\x90>|data\x9cx") == [("dcs", ">", "", "", "|", "data"), ("print", "x")]
    assert both("\x1bPq#0;2;0;0;0~-\x1b\\") == [
        ("dcs", "", "", "", "q", "#0;2;0;0;0~-"),
        ("esc", "", "\\"),
    ]


def test_dcs_cancelled() -> None:
    events = both("\x1bP1$qm\x18x")
    assert [e for e in events if e[0] != "ignored"] == [("execute", "\x18"), ("print", "x")]


@pytest.mark.parametrize(("intro", "kind"), [("\x1bX", "SOS"), ("\x1b^", "PM"), ("\x1b_", "APC"), ("\x9f", "APC")])
def test_sos_pm_apc_are_not_printed(intro: str, kind: str) -> None:
    events = both(intro + "Gf=100;hidden\x07stuff\x9cx")
    assert events == [("string", kind, "Gf=100;hiddenstuff"), ("print", "x")]


def test_c1_controls_as_decoded_chars() -> None:
    assert both("\x9b31m") == [("csi", "", "31", "", "m")]
    assert both("\x9b?25l") == [("csi", "?", "25", "", "l")]
    assert both("a\x84b\x85") == [("print", "a"), ("execute", "\x84"), ("print", "b"), ("execute", "\x85")]


def test_c1_interrupts_a_sequence() -> None:
    events = both("\x1b[12\x9b3m")
    assert [e for e in events if e[0] != "ignored"] == [("csi", "", "3", "", "m")]


def test_state_after_partial_sequence() -> None:
    rec = Recorder()
    p = Parser(rec)
    p.feed("\x1b[1;")
    assert p.state == State.CSI_PARAM
    assert p.in_sequence
    p.feed("2H")
    assert rec.events == [("csi", "", "1;2", "", "H")]
    assert not p.in_sequence
    p.feed("\x1b]0;x")
    assert p.state == State.OSC_STRING
    p.reset()
    assert p.state == State.GROUND


def test_osc_st_split_across_feeds_matches_whole() -> None:
    # The fast path swallows "ESC \\" inside its OSC match; the state machine reports ESC \\ as its own
    # esc_dispatch.  Both ways must report the same events.
    assert fast("\x1b]0;hi\x1b\\x") == traced("\x1b]0;hi\x1b\\x")
    assert fast("\x1b]0;hi\x1b\\x") == fast("\x1b]0;hi", "\x1b\\x")


# ------------------------------------------------------------------ properties
def _csi() -> st.SearchStrategy[str]:
    params = st.lists(
        st.sampled_from(["", "0", "1", "2", "5", "31", "38", "99999", "4:3", "38:2::1:2:3", "65536"]), max_size=5
    ).map(";".join)
    return st.builds(
        lambda pre, intro, priv, par, inter, fin: pre + intro + priv + par + inter + fin,
        st.just(""),
        st.sampled_from(["\x1b[", "\x9b"]),
        st.sampled_from(["", "", "?", ">", "<", "="]),
        params,
        st.sampled_from(["", "", " ", "$", "!", '"', "!!"]),
        st.sampled_from(list("@ABCDEFGHIJKLMPSTXZ`abcdefghlmnpqrstu~")),
    )


TOKENS = [
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\b",
    "\x07",
    "\x00",
    "\x7f",
    "\x18",
    "\x1a",
    "\x1b",
    "\x84",
    "\x85",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x90",
    "\x1b7",
    "\x1b8",
    "\x1bD",
    "\x1bM",
    "\x1bc",
    "\x1b(0",
    "\x1b(B",
    "\x1b)0",
    "\x1b#8",
    "\x1b\\",
    "\x1b]0;title\x07",
    "\x1b]2;t\x1b\\",
    "\x1b]8;;http://a\x07",
    "\x9d2;x\x9c",
    "\x1b]0;abc",
    "\x1bP1$qm\x1b\\",
    "\x1bPq#0;2\x1b\\",
    "\x1b_Gx\x1b\\",
    "\x1b^p\x1b\\",
    "\x1bXs\x07\x9c",
    "\x1b[",
    "\x1b[?",
    "\x1b[1;",
    "\x1b[1?2h",
    "\x1b[1\x18m",
    "\x1b[" + "1;" * 40 + "m",
    "\x1b[99999999999A",
    "\x1b[2\x08;3H",
    "中文",
    "e\u0301",
    "😀",
    "hello",
    " ",
]

texts = st.lists(
    st.one_of(
        st.sampled_from(TOKENS),
        _csi(),
        st.text(st.characters(max_codepoint=0x3000), max_size=6),
        st.text(st.sampled_from("\x1b[];?:0123456789\x07\x9c\x18PX^_\\m"), max_size=8),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
@example("ab\r\r\ncd\x1b[1mef\r\r\n")  # CR CR LF: fused only for a Perform that routes CR LF as one call
@example("a\x18\x1b[2bb\x1a\x1b[bc\x7f\x1b[3b\x1a")  # CAN, SUB and DEL in the ground state: REP repeats nothing after
def test_fast_path_equals_state_machine(text: str) -> None:
    assert fast(text) == traced(text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_split_gives_the_same_events(data: st.DataObject) -> None:
    text = data.draw(texts, label="text")
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=6), label="cuts")
    points = sorted(set(cuts))
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    assert fast(*pieces) == fast(text)
    assert traced(*pieces) == traced(text)


def test_cr_cr_lf_after_a_run_is_one_cr_lf_call_for_a_perform_that_routes_it() -> None:
    """Legacy Windows output ends lines in CR CR LF; the fast path hands a Perform with a CR LF route one call
    for it (a second CR changes nothing), and the screen is the one the controls give one by one."""
    data = "x\r\n" * 3 + "caf\ufffd na\ufffdve\r\r\nd\u0301ej\u00e0\r\r\nend"
    t = Terminal(cols=20, rows=3, scrollback=10)
    calls: list[str] = []
    controls = t.dispatcher.controls
    for key in ("\r", "\r\n"):
        inner = controls[key]
        controls[key] = lambda inner=inner, key=key: (calls.append(key), inner())[1]  # type: ignore[misc]
    t.parser.feed(data)
    assert calls == ["\r\n"] * 3  # the first line's, then the two CR CR LF: no lone CR
    one_by_one = Terminal(cols=20, rows=3, scrollback=10)
    for ch in data:
        one_by_one.parser.feed(ch)
    expected = ["caf\ufffd na\ufffdve".ljust(20), "d\u0301ej\u00e0".ljust(21), "end".ljust(20)]
    assert t.display == one_by_one.display == expected
    assert [row.text for row in t.screen.history] == [row.text for row in one_by_one.screen.history]


@pytest.mark.parametrize("control", ["\x18", "\x1a", "\x7f", "\x07"])
def test_rep_after_a_control_in_the_ground_state_repeats_nothing(control: str) -> None:
    """CAN, SUB and DEL take the fast path's control token like BEL: REP after any of them repeats nothing (xterm),
    fed whole or a byte at a time."""
    data = f"ab{control}\x1b[3bc".encode()
    whole = Terminal(cols=10, rows=2)
    whole.feed(data)
    bytewise = Terminal(cols=10, rows=2)
    for i in range(len(data)):
        bytewise.feed(data[i : i + 1])
    assert whole.display[0].rstrip() == bytewise.display[0].rstrip() == "abc"


def test_the_fast_paths_printable_class_is_every_character_the_state_machine_prints() -> None:
    """The fast path's printable class (``_RUN``, in its tokens, line blocks and SGR blocks; ``_PRINT_RUN`` in the
    state machine's ground state; the runs of ``_CSI_BLOCK``) is written as ranges, not as the negated class it
    means: checked against the state machine's table for every code point, surrogates included."""
    every = "".join(map(chr, range(0x110000)))
    printed = "".join(
        c
        for c in every
        if (parser._TABLE[State.GROUND][ord(c)] if ord(c) < parser._HIGH else parser._HIGH_ENTRY[State.GROUND]) >> 4
        == parser.A_PRINT
    )
    assert len(printed) == 0x110000 - 0x20 - 0x21  # all but C0, DEL and C1
    assert "".join(re.findall(parser._RUN, every)) == printed
    assert "".join(parser._PRINT_RUN.findall(every)) == printed
    block = "\x1b[D" + printed + "\x08" + printed
    assert parser._CSI_BLOCK.fullmatch(block) is not None
    for c in sorted(set(every[:0xA0]) - set(printed) - {"\x08"}):
        assert parser._CSI_BLOCK.match("\x1b[D" + c).end() == 3, repr(c)  # type: ignore[union-attr]
    osc = parser._FAST.match("\x1b]" + printed[:4096] + "\x07")
    assert osc is not None and osc.group(14) == printed[:4096]
    assert parser._FAST.match("\x1b]" + printed[-4096:] + "\x1b\\").group(14) == printed[-4096:]  # type: ignore[union-attr]


class _PositionRecorder(Recorder):
    """A Recorder that also writes down, at each event, where the parser says it is (what the annotator reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Parser | None = None

    def _where(self) -> Event:
        p = self.parser
        assert p is not None
        return ("at", str(p.seq_start), str(p.pos), p.current_char, str(p.state), str(p.after_print))

    def print(self, text: str) -> None:
        super().print(text)
        self.events.append(self._where())

    def execute(self, ch: str) -> None:
        super().execute(ch)
        self.events.append(self._where())

    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None:
        super().csi_dispatch(private, params, intermediates, final)
        self.events.append(self._where())

    def esc_dispatch(self, intermediates: str, final: str) -> None:
        super().esc_dispatch(intermediates, final)
        self.events.append(self._where())

    def osc_dispatch(self, data: str, terminator: str) -> None:
        super().osc_dispatch(data, terminator)
        self.events.append(self._where())

    def dcs_dispatch(self, private: str, params: str, intermediates: str, final: str, data: str) -> None:
        super().dcs_dispatch(private, params, intermediates, final, data)
        self.events.append(self._where())

    def string_dispatch(self, kind: str, data: str) -> None:
        super().string_dispatch(kind, data)
        self.events.append(self._where())

    def ignored(self, kind: str) -> None:
        super().ignored(kind)
        self.events.append(self._where())


def _machine(pieces: list[str], *, skip: bool, traced_feed: bool) -> tuple[list[Event], tuple[object, ...]]:
    rec = _PositionRecorder()
    p = Parser(rec)
    rec.parser = p
    p.skip_ignored = skip
    for piece in pieces:
        (p.feed_traced if traced_feed else p.feed)(piece)
    return rec.events, (p.state, p.seq_start, p.pos, p.current_char, p.after_print, p._params, p._intermediates)


#: Text a broken sequence swallows: what a legacy program's output puts after a lone ESC or inside a CSI cut short by a
#: line end (CJK, mojibake, DEL), with the characters that end, restart or cancel sequences between.
_BROKEN = st.lists(
    st.one_of(
        st.sampled_from(["\x1b", "\x1b[", "\x9b", "\x1b[1;3", "\x1b[ ! ", "\x1bP", "\x1b]0;", "\x1b_", "\r\n", "\x07"]),
        st.sampled_from(["\x18", "\x1a", "\x7f", "\x9c", "\x90", "\x85", "\x1b\\", "m", "1", ";", "?", " ", "!"]),
        st.sampled_from(["\x00", "\x08"]),
        st.text(st.sampled_from("测试通过\ufffd\u0368\u00e9é😀\x7f\xa0"), min_size=1, max_size=6),
        st.text(st.characters(max_codepoint=0x3000), max_size=4),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_state_machine_steps_over_ignored_runs_as_it_would_a_character_at_a_time(data: st.DataObject) -> None:
    """``Parser.skip_ignored``: a run of characters a sequence in progress ignores (CJK text after a lone ESC, inside a
    CSI cut by CR LF, in a DCS's or an OSC's ignored controls) is stepped over at once.  The same events as a character
    at a time, with the parser's position, current character, state and REP memory the same at each, and the same
    state after each feed; through the state machine alone and through the fast path, whole and split."""
    text = data.draw(st.one_of(_BROKEN, texts), label="text")
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=4), label="cuts")
    points = sorted(set(cuts))
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    for traced_feed in (True, False):
        assert _machine(pieces, skip=True, traced_feed=traced_feed) == _machine(
            pieces, skip=False, traced_feed=traced_feed
        )


def test_a_broken_sequences_ignored_text_is_stepped_over_at_once() -> None:
    """The run is taken in one step (the per-character steps count is what ``skip_ignored`` saves)."""
    steps: list[int] = []

    class Counting(Parser):
        def _act(self, action: int, ch: str, code: int) -> None:
            steps.append(code)
            super()._act(action, ch, code)

    for skip in (True, False):
        steps.clear()
        p = Counting(Recorder())
        p.skip_ignored = skip
        p.feed_traced("\x1b[1;3\r\n测试通过测试通过 ok")
        if skip:
            assert 0x6D4B not in steps  # 测: never a step of its own
        else:
            assert steps.count(0x6D4B) == 2


@pytest.mark.parametrize("control", ["\x07", "\x08", "\r", "\x00", "\x7f", "\x18"])
def test_the_state_machine_forgets_the_last_print_after_a_control_in_the_ground_state(control: str) -> None:
    """REP's memory on the state machine's own path (``feed_traced``, the annotator's): a control acting in the ground
    state ends it, as on the fast path; a control inside a sequence does not."""
    p = Parser(Recorder())
    p.feed_traced("ab")
    assert p.after_print
    p.feed_traced(control)
    assert not p.after_print
    p.feed_traced("c\x1b[" + control)
    assert p.after_print == (control != "\x18")  # CAN cancels the sequence (back in the ground state); the others act
