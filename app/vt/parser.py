"""The escape-sequence parser: the DEC/Williams state machine over decoded text.

The parser only *reports* (print a run, execute a control, dispatch a CSI/ESC/OSC/DCS…) to a
:class:`Perform` object; meaning is given elsewhere (``dispatch.py``).

Two paths give the same events:

* the **state machine** (``_slow``), driven by a transition table built from readable rows in
  the manner of xterm.js's ``addMany``; it handles every state, sequences split across feeds,
  C0 controls inside sequences, CAN/SUB aborts and so on, one character at a time except for
  long runs inside strings and parameters, which it takes with a regular expression;
* a **fast path** in the ground state: one regular expression recognises a whole printable run,
  a CR LF pair, a complete well-formed CSI/ESC sequence or a short OSC string and reports it in
  one step.  Anything it does not recognise at the current position goes to the state machine,
  and the fast path resumes once the machine is back in the ground state.

Fixed limits make hostile input cheap: 32 parameters (values clamped to 65535), 2
intermediates, OSC strings up to 64 KiB and DCS strings up to 256 KiB (longer ones are ignored
up to their terminator).  Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

__all__ = [
    "MAX_DCS",
    "MAX_OSC",
    "MAX_PARAMS",
    "MAX_VALUE",
    "Parser",
    "Perform",
    "State",
    "parse_params",
]

MAX_PARAMS = 32
MAX_VALUE = 65535
MAX_INTERMEDIATES = 2
MAX_OSC = 64 * 1024
MAX_DCS = 256 * 1024
_PARAM_BUFFER = 4096  # raw parameter text kept before it is folded to its canonical form

Params = tuple[int, ...]
Groups = tuple[tuple[int, ...], ...] | None


class Perform(Protocol):
    """What the parser reports to."""

    def print(self, text: str) -> None: ...
    def execute(self, ch: str) -> None: ...
    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None: ...
    def esc_dispatch(self, intermediates: str, final: str) -> None: ...
    def osc_dispatch(self, data: str, terminator: str) -> None:
        """An OSC string; *terminator* is how it ended, BEL or ST (``"\\x1b\\\\"``, also for C1 ST), which a
        reply to it repeats, as xterm does."""
    def dcs_dispatch(self, private: str, params: str, intermediates: str, final: str, data: str) -> None: ...
    def string_dispatch(self, kind: str, data: str) -> None: ...
    def ignored(self, kind: str) -> None:
        """A sequence was recognised and dropped (malformed, too long, or cancelled)."""

    # Optionally, ``print_lines(block)``: *block* is one or more whole lines, each ending in CR LF (maybe with EL,
    # ``ESC [ K``, just before it, as ConPTY ends the lines it repaints), made of printable characters, HTs, NELs (C1,
    # U+0085), SGRs (``CSI [0-9:;]* m``, CSI as ESC [ or C1 U+009B), DECTCEM (``ESC [ ? 25 h`` or ``l``) and ``ESC ( B``
    # (G0 designated ASCII); exactly what those events in order do (the fast path hands over blocks of log lines).
    # Optionally, ``sgr_runs(params, text, rest)``: exactly what ``csi_dispatch("", params, "", "m")`` then
    # ``print(text)`` do, then the same for each SGR and non-empty printable run of *rest* (one or more of them,
    # ``CSI [0-9:;]* m`` then the run, as ``_SGR_PAIR`` reads them); the fast path hands over runs of colour-per-cell
    # output and coloured prompts in one call.  *rest* comes as its text so that a block seen before (a prompt) is
    # found by it, without cutting it into pairs.
    # Optionally, ``repaints(block)``: *block* is one or more of ConPTY's repaints of a line, each ``CSI ? 25 l``, a
    # CUP (``CSI [0-9;]* H``), a printable run (maybe empty), maybe EL (``CSI K``) and ``CSI ? 25 h``, as ``_REPAINTS``
    # reads them; exactly what those events in order do.
    # Optionally, ``forget_last_print()``: called before a CSI with final ``b`` (REP) that does not directly
    # follow a printed character, so REP repeats nothing (xterm forgets its last character once any control
    # or sequence is parsed in the ground state; a control inside an unfinished sequence does not count).
    # Optionally, ``csi_runs(block, escs) -> bool``: *block* is one or more CSIs, each ``CSI [?] [0-9:;]* final`` (no
    # intermediates, final not ``b``), BSs and ESC sequences ``ESC 7``, ``ESC 8``, ``ESC D``, ``ESC E``, ``ESC M`` (not
    # first when the block starts at a CSI token or a BS; first maybe after a run that a token printed), each followed
    # by a run of printable characters and BSs, maybe empty; exactly what ``csi_dispatch``, ``execute`` (for a BS),
    # ``esc_dispatch`` (for an ESC sequence) and ``print`` (for each printable run) do, in order; *escs* says whether
    # it holds any such ESC sequence; returns whether the block ends in a printed character.
    # Optionally, ``csi_raw``: a mapping from a CSI's final byte (with its private marker before it, if any) to a
    # callable taking the raw parameter text, which the fast path calls instead of ``csi_dispatch`` for a CSI
    # without intermediates; it must do exactly what ``csi_dispatch`` does.
    # Optionally, ``controls``: a mapping from every C0/C1 control character to a callable taking
    # no arguments, which the fast path calls instead of ``execute``; its key "\r\n", if present,
    # must do exactly what "\r" then "\n" do, in one call (the fast path calls it for CR CR LF after a printable
    # run as well: a second CR must change nothing, as a carriage return to the margin does not).
    # Optionally, ``paste_on`` and ``paste_off`` (both or neither): callables without arguments that do exactly what
    # ``csi_dispatch("?", "2004", "", "h")`` and ``"l"`` do (bracketed paste, which shells turn on before each prompt
    # and off after each accepted line); the fast path calls them after a CR LF for the switch there, and for one
    # right after a block of lines.
    # Optionally, ``esc_routes``: a mapping from an ESC sequence's final byte (no intermediates) to a callable taking no
    # arguments that does exactly what ``esc_dispatch("", final)`` does, which the fast path calls instead for the
    # finals it holds (a full-screen program's DECSC/DECRC and RI: two frames less each).


class State:
    GROUND = 0
    ESCAPE = 1
    ESCAPE_INTERMEDIATE = 2
    CSI_ENTRY = 3
    CSI_PARAM = 4
    CSI_INTERMEDIATE = 5
    CSI_IGNORE = 6
    DCS_ENTRY = 7
    DCS_PARAM = 8
    DCS_INTERMEDIATE = 9
    DCS_PASSTHROUGH = 10
    DCS_IGNORE = 11
    OSC_STRING = 12
    SOS_PM_APC_STRING = 13

    NAMES = (
        "ground",
        "escape",
        "escape-intermediate",
        "csi-entry",
        "csi-param",
        "csi-intermediate",
        "csi-ignore",
        "dcs-entry",
        "dcs-param",
        "dcs-intermediate",
        "dcs-passthrough",
        "dcs-ignore",
        "osc-string",
        "sos/pm/apc-string",
    )


# ---------------------------------------------------------------- actions
A_NONE = 0
A_PRINT = 1
A_EXECUTE = 2
A_COLLECT = 3
A_PARAM = 4
A_ESC_DISPATCH = 5
A_CSI_DISPATCH = 6
A_PUT = 7
A_OSC_PUT = 8
A_IGNORE = 9
A_PRIVATE = 10
A_STRING_PUT = 11
A_ABORT = 12  # CAN/SUB: execute, drop the sequence in progress

_NO_CHANGE = 15
_N_STATES = 14
_HIGH = 0xA0  # characters at and above this are "printable" for the table's purposes


def _build_table() -> tuple[list[list[int]], list[int]]:
    """Transition table: ``table[state][code] = action << 4 | next_state`` for code < 0xA0."""
    S = State
    table = [[(A_IGNORE << 4) | _NO_CHANGE] * _HIGH for _ in range(_N_STATES)]
    high = [(A_IGNORE << 4) | _NO_CHANGE] * _N_STATES

    def add_many(codes: range | list[int], state: int, action: int, nxt: int = _NO_CHANGE) -> None:
        for c in codes:
            table[state][c] = (action << 4) | nxt

    c0 = [*range(0x00, 0x18), 0x19, *range(0x1C, 0x20)]
    printable = range(0x20, 0x7F)

    # GROUND
    add_many(c0, S.GROUND, A_EXECUTE)
    add_many(printable, S.GROUND, A_PRINT)
    add_many([0x7F], S.GROUND, A_EXECUTE)  # DEL does nothing, but is reported so no byte goes unexplained
    high[S.GROUND] = (A_PRINT << 4) | _NO_CHANGE
    # ESCAPE
    add_many(c0, S.ESCAPE, A_EXECUTE)
    add_many(range(0x20, 0x30), S.ESCAPE, A_COLLECT, S.ESCAPE_INTERMEDIATE)
    add_many(
        [*range(0x30, 0x50), *range(0x51, 0x58), 0x59, 0x5A, 0x5C, *range(0x60, 0x7F)],
        S.ESCAPE,
        A_ESC_DISPATCH,
        S.GROUND,
    )
    add_many([0x5B], S.ESCAPE, A_NONE, S.CSI_ENTRY)
    add_many([0x5D], S.ESCAPE, A_NONE, S.OSC_STRING)
    add_many([0x50], S.ESCAPE, A_NONE, S.DCS_ENTRY)
    add_many([0x58, 0x5E, 0x5F], S.ESCAPE, A_NONE, S.SOS_PM_APC_STRING)
    # ESCAPE_INTERMEDIATE
    add_many(c0, S.ESCAPE_INTERMEDIATE, A_EXECUTE)
    add_many(range(0x20, 0x30), S.ESCAPE_INTERMEDIATE, A_COLLECT)
    add_many(range(0x30, 0x7F), S.ESCAPE_INTERMEDIATE, A_ESC_DISPATCH, S.GROUND)
    # CSI_ENTRY
    add_many(c0, S.CSI_ENTRY, A_EXECUTE)
    add_many(range(0x20, 0x30), S.CSI_ENTRY, A_COLLECT, S.CSI_INTERMEDIATE)
    add_many([*range(0x30, 0x3A), 0x3A, 0x3B], S.CSI_ENTRY, A_PARAM, S.CSI_PARAM)
    add_many(range(0x3C, 0x40), S.CSI_ENTRY, A_PRIVATE, S.CSI_PARAM)
    add_many(range(0x40, 0x7F), S.CSI_ENTRY, A_CSI_DISPATCH, S.GROUND)
    # CSI_PARAM
    add_many(c0, S.CSI_PARAM, A_EXECUTE)
    add_many(range(0x30, 0x3C), S.CSI_PARAM, A_PARAM)
    add_many(range(0x3C, 0x40), S.CSI_PARAM, A_NONE, S.CSI_IGNORE)
    add_many(range(0x20, 0x30), S.CSI_PARAM, A_COLLECT, S.CSI_INTERMEDIATE)
    add_many(range(0x40, 0x7F), S.CSI_PARAM, A_CSI_DISPATCH, S.GROUND)
    # CSI_INTERMEDIATE
    add_many(c0, S.CSI_INTERMEDIATE, A_EXECUTE)
    add_many(range(0x20, 0x30), S.CSI_INTERMEDIATE, A_COLLECT)
    add_many(range(0x30, 0x40), S.CSI_INTERMEDIATE, A_NONE, S.CSI_IGNORE)
    add_many(range(0x40, 0x7F), S.CSI_INTERMEDIATE, A_CSI_DISPATCH, S.GROUND)
    # CSI_IGNORE
    add_many(c0, S.CSI_IGNORE, A_EXECUTE)
    add_many(range(0x40, 0x7F), S.CSI_IGNORE, A_NONE, S.GROUND)
    # DCS_ENTRY
    add_many(range(0x20, 0x30), S.DCS_ENTRY, A_COLLECT, S.DCS_INTERMEDIATE)
    add_many(range(0x30, 0x3C), S.DCS_ENTRY, A_PARAM, S.DCS_PARAM)
    add_many(range(0x3C, 0x40), S.DCS_ENTRY, A_PRIVATE, S.DCS_PARAM)
    add_many(range(0x40, 0x7F), S.DCS_ENTRY, A_NONE, S.DCS_PASSTHROUGH)
    # DCS_PARAM
    add_many(range(0x30, 0x3C), S.DCS_PARAM, A_PARAM)
    add_many(range(0x3C, 0x40), S.DCS_PARAM, A_NONE, S.DCS_IGNORE)
    add_many(range(0x20, 0x30), S.DCS_PARAM, A_COLLECT, S.DCS_INTERMEDIATE)
    add_many(range(0x40, 0x7F), S.DCS_PARAM, A_NONE, S.DCS_PASSTHROUGH)
    # DCS_INTERMEDIATE
    add_many(range(0x20, 0x30), S.DCS_INTERMEDIATE, A_COLLECT)
    add_many(range(0x30, 0x40), S.DCS_INTERMEDIATE, A_NONE, S.DCS_IGNORE)
    add_many(range(0x40, 0x7F), S.DCS_INTERMEDIATE, A_NONE, S.DCS_PASSTHROUGH)
    # DCS_PASSTHROUGH
    add_many([*c0, *printable], S.DCS_PASSTHROUGH, A_PUT)
    high[S.DCS_PASSTHROUGH] = (A_PUT << 4) | _NO_CHANGE
    # OSC_STRING: BEL ends it (xterm), other C0 are ignored
    add_many([*printable, 0x7F], S.OSC_STRING, A_OSC_PUT)
    add_many([0x07], S.OSC_STRING, A_NONE, S.GROUND)
    high[S.OSC_STRING] = (A_OSC_PUT << 4) | _NO_CHANGE
    # SOS/PM/APC: kept only for the annotator
    add_many([*printable, 0x7F], S.SOS_PM_APC_STRING, A_STRING_PUT)
    high[S.SOS_PM_APC_STRING] = (A_STRING_PUT << 4) | _NO_CHANGE

    # Anywhere (applied last so they win)
    for st in range(_N_STATES):
        table[st][0x18] = (A_ABORT << 4) | S.GROUND
        table[st][0x1A] = (A_ABORT << 4) | S.GROUND
        table[st][0x1B] = (A_NONE << 4) | S.ESCAPE
        for c in [*range(0x80, 0x90), *range(0x91, 0x98), 0x99, 0x9A]:
            table[st][c] = (A_EXECUTE << 4) | S.GROUND
        table[st][0x90] = (A_NONE << 4) | S.DCS_ENTRY
        table[st][0x9B] = (A_NONE << 4) | S.CSI_ENTRY
        table[st][0x9C] = (A_NONE << 4) | S.GROUND
        table[st][0x9D] = (A_NONE << 4) | S.OSC_STRING
        for c in (0x98, 0x9E, 0x9F):
            table[st][c] = (A_NONE << 4) | S.SOS_PM_APC_STRING
    return table, high


_TABLE, _HIGH_ENTRY = _build_table()
#: A table entry that does nothing: the character is ignored and the state stays.
_SKIP = (A_IGNORE << 4) | _NO_CHANGE
_SkipRun = Callable[[str, int], "re.Match[str] | None"]


def _skip_runs() -> tuple[_SkipRun | None, ...]:
    """Per state, the ``match`` of a regex of the characters its table entry ignores without a change of state
    (``None`` for a state without any), for ``Parser._slow`` to step over such a run at once: the characters a
    sequence in progress ignores (a legacy program's text after a lone ESC or inside a CSI cut short by CR LF: CJK,
    mojibake; a DEL; the rest of a sequence with too many intermediates).  Made at the first such character, not at
    import (the app's start imports the engine before its first prompt, and most sessions never need them)."""
    global _SKIP_RUNS
    compiled: dict[str, _SkipRun] = {}
    runs: list[_SkipRun | None] = []
    for state in range(_N_STATES):
        high = _HIGH_ENTRY[state] == _SKIP
        # With the characters above C1 (to U+10FFFF), the class is written as what it leaves out below them: sre
        # compiles a range up to U+10FFFF by walking the BMP in Python (~5 ms a pattern), a negated class at once.
        codes = [c for c in range(_HIGH) if (_TABLE[state][c] == _SKIP) != high]
        ranges: list[tuple[int, int]] = []
        for c in codes:  # consecutive codes as one range
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1] = (ranges[-1][0], c)
            else:
                ranges.append((c, c))
        chars = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in ranges)
        if not chars:
            runs.append(None)
            continue
        pattern = f"[^{chars}]+" if high else f"[{chars}]+"
        if pattern not in compiled:
            compiled[pattern] = re.compile(pattern).match
        runs.append(compiled[pattern])
    _SKIP_RUNS = tuple(runs)
    return _SKIP_RUNS


#: ``_skip_runs``, once made.
_SKIP_RUNS: tuple[_SkipRun | None, ...] | None = None


# ---------------------------------------------------------------- parameters
def _clamp_value(text: str) -> int:
    if not text:
        return 0
    if len(text) > 5:
        text = text.lstrip("0")
        if len(text) > 5:
            return MAX_VALUE
        if not text:
            return 0
    v = int(text)
    return v if v <= MAX_VALUE else MAX_VALUE


def _parse(pstr: str) -> tuple[Params, Groups]:
    parts = pstr.split(";", MAX_PARAMS)
    if len(parts) > MAX_PARAMS:
        parts.pop()
    if ":" not in pstr:
        try:
            # Parameter text holds only digits here, so int() is exact; it raises on an empty
            # parameter or an absurdly long number, which the careful path below handles.
            values = tuple(map(int, parts))
        except ValueError:
            return tuple(_clamp_value(p) for p in parts), None
        if values and max(values) > MAX_VALUE:
            values = tuple(v if v <= MAX_VALUE else MAX_VALUE for v in values)
        return values, None
    params: list[int] = []
    groups: list[tuple[int, ...]] = []
    for p in parts:
        if ":" in p:
            subs = p.split(":", MAX_PARAMS)
            if len(subs) > MAX_PARAMS:
                subs.pop()
            g = tuple(_clamp_value(s) for s in subs)
        else:
            g = (_clamp_value(p),)
        params.append(g[0])
        groups.append(g)
    return tuple(params), tuple(groups)


_parse_cached = lru_cache(maxsize=4096)(_parse)


def parse_params(pstr: str) -> tuple[Params, Groups]:
    """Parameters of a CSI/DCS: ``(values, colon groups or None)``.

    An empty string gives ``()``; an empty parameter is 0 (the default).  Only the first
    :data:`MAX_PARAMS` parameters count and values are clamped to :data:`MAX_VALUE`.
    """
    if not pstr:
        return (), None
    if len(pstr) <= 64:
        return _parse_cached(pstr)
    return _parse(pstr)


def _canonical(pstr: str) -> str:
    """A short parameter string with the same meaning, and the same meaning after any suffix.

    Lets the state machine bound its buffer on a million-parameter sequence while still agreeing
    exactly with the fast path, which sees the whole string at once.
    """
    parts = pstr.split(";", MAX_PARAMS)
    dropped = len(parts) > MAX_PARAMS
    if dropped:
        parts.pop()
    out = []
    for p in parts:
        subs = p.split(":", MAX_PARAMS)
        if len(subs) > MAX_PARAMS:
            subs = subs[:MAX_PARAMS]
        out.append(":".join("" if not s else str(_clamp_value(s)) for s in subs))
    text = ";".join(out)
    if dropped:
        text += ";"  # further parameters stay beyond the limit
    return text


# ---------------------------------------------------------------- fast path
# A printable character: not C0, DEL or C1.  Written as the two ranges it is, not as a negated class: sre checks a
# negated class as NEGATE and both ranges per character (~53 instructions a character counted, callgrind), the
# ranges alone ~23 (the ASCII one first, as most text is).
_RUN = r"[\x20-\x7e\xa0-\U0010ffff]"
# Tokens are fused where output nearly always pairs them: a printable run with the CR LF after
# it, and a CSI sequence with the printable run after it (an SGR and its text).
_FAST_TOKENS = (
    rf"({_RUN}+)(%s)?"  # 1 printable run, 2 CR LF after it
    rf"|\x1b\[([<-?]?)([0-9:;]*)([ -/]?)([@-ac-~])({_RUN}*)(\r\n)?"  # 3 private 4 params 5 inter 6 final 7 run 8 CRLF
    r"|(\r\n)"  # 9 CR LF
    # 10 C0 control (not ESC) or DEL: in the ground state CAN and SUB only execute, as any control, and DEL is
    # reported (the state machine's table; a DOS-era program's ^Z, a stray DEL)
    r"|([\x00-\x1a\x1c-\x1f\x7f])"
    r"|\x1b([0-OQ-WYZ\\`-~])"  # 11 ESC final (not an introducer)
    r"|\x1b([ -/])([0-~])"  # 12 intermediate, 13 final
    rf"|\x1b\]({_RUN}{{0,4096}})(\x07|\x1b\\)"  # 14 OSC text, 15 terminator
    r"|\x1b\[([0-9]*)b"  # 16 REP's parameter: its own token, so other CSIs pay nothing for REP's memory
)
_FAST = re.compile(_FAST_TOKENS % r"\r\n")
# For a Perform that routes CR LF as one call: a run's line may end in CR CR LF (a program's "\r\n" translated
# again by a text-mode layer, as legacy Windows programs send), which means CR LF, CR twice being CR once; a token
# and a control call less per such line.  A Perform that reports each control gets them one by one.
_FAST_CR_CR_LF = re.compile(_FAST_TOKENS % r"\r\r?\n")
# Whole lines of printables, HTs, NELs and SGRs (the C1 controls are what UTF-8 output of U+0085 and U+009B
# decodes to), EL just before their CR LF and DECTCEM (``CSI ? 25 l/h``: ConPTY hides the cursor before each repaint
# and shows it after, and at the bottom of the screen a repaint is only lines) and ``ESC ( B`` (G0 as ASCII: ncurses
# programs, top and htop, send it before every ``CSI m``, twice a row); possessive, so a partial line at the end fails
# without backtracking.
_LINES = re.compile(
    rf"(?:{_RUN}*+(?:\t{_RUN}*+|\x1b\[[0-9:;]*+m{_RUN}*+|\x85{_RUN}*+|\x9b[0-9:;]*+m{_RUN}*+|\x1b\[K(?=\r\n)"
    rf"|\x1b\[\?25[hl]{_RUN}*+|\x1b\(B{_RUN}*+)*+\r\n)++"
)
# Bracketed paste switched on or off just after a CR LF, and a CR after it: bash 5.1+ ends an accepted line
# ``CR LF CSI ? 2004 l CR``, then the command's output, and after a CR LF that CR moves nothing (never the CR of a
# CR LF: the first line still needs its own, hence not a CR before LF); reported to ``Perform.paste_on`` or
# ``paste_off``, then the lines after it as after any CR LF.  Tried only where ``_LINES`` fails there: an optional
# start in ``_LINES`` cost every line of a log block (go-test-v 592 -> 601 instructions/byte).  (Such a switch and the
# lines after it were one block of ``print_lines`` until the sixteenth part: ~27,000 instructions an accepted line
# more than the switch and the lines apart.)
_PASTE_SWITCH = re.compile(r"\x1b\[\?2004([hl])(?:\r(?!\n))?")
# ConPTY's repaint of a line, one or more in a row: the cursor hidden, a CUP, the line's text, EL where the row held
# longer text and the cursor shown (``CSI ? 25 l``, ``CSI row ; col H``, text, ``CSI K``, ``CSI ? 25 h``: Windows'
# renderer hides the cursor around each frame and ends a row with EL; Wine's conhost wraps every write so), handed to
# ``Perform.repaints`` in one call instead of a token, a ``_CSI_BLOCK`` match and four pieces of ``csi_runs`` each.
_REPAINTS = re.compile(rf"(?:\x1b\[\?25l\x1b\[[0-9;]*+H{_RUN}*+(?:\x1b\[K)?+\x1b\[\?25h)++")
# CSIs without intermediates (a DEC private marker allowed; not REP), BSs and the ESC sequences of ``esc_routes``
# (DECSC, DECRC, IND, NEL, RI: ``ESC 7 8 D E M``), each with the printable characters and BSs after it: a full-screen
# program's redraw, a line editor's corrections (``csi_runs``).  The ESC sequences are the last alternative, tried
# only where a block would end at an ESC; a status line saved and restored around, vim scrolling back with RI, no
# longer cut a redraw in three (a trip round the loop for the ESC, one for the CSI after it and a new ``csi_runs``
# call: ~20,000 instructions each time, callgrind).  The ESC sequence's final is a group, so that a block without any
# (``lastindex`` None) is told so and ``csi_runs`` need not look for one (a count over each block cost cursor-scroll
# 6 instructions/byte).  Not DECRC before an SGR: a status line restored from, then a shell's coloured prompt, which
# ``sgr_runs`` finds by its text (in a block its pieces were resolved and laid out each time: insert-mode 895 -> 927).
_CSI_PIECE = r"(?:\x1b\[\??[0-9:;]*+[@-ac-~]|\x08|\x1b([7DEM]|8(?!\x1b\[[0-9:;]*m)))[\x20-\x7e\xa0-\U0010ffff\x08]*+"
_CSI_BLOCK = re.compile(rf"(?:{_CSI_PIECE})++")
# The ESC sequences after which a block is looked for at once when a CSI follows (``ESC 7``, ``D``, ``E``, ``M``): not
# DECRC, before a coloured prompt, which ``sgr_runs`` takes from its SGR token (the block would be a failed look).
_BLOCK_ESCS = frozenset("7DEM")
# Such a block that stops before ``CSI ? 25 l`` and a CSI after its first piece, where ConPTY's repaints of lines
# follow, for the loop to take them as ``_REPAINTS``: tried for a block that starts at a DEC mode (a program's
# win32-input and focus modes, ``CSI ? 25 h``) or at EL (a chunk of the stream that began inside a repaint).  Not for
# every block: the look at each CSI cost cursor-scroll and line-editor 1.5 % (~14 instructions/byte).
_CONPTY_BLOCK = re.compile(rf"{_CSI_PIECE}(?:(?!\x1b\[\?25l\x1b\[){_CSI_PIECE})*+")
# The reset and the end of a coloured line (``ESC [ m`` or ``ESC [ 0 m``, then CR LF), taken after the line's last run.
_RESET_LINE_ENDS = ("\x1b[m\r\n", "\x1b[0m\r\n")
_SGR_PAIR = re.compile(rf"\x1b\[([0-9:;]*)m({_RUN}+)")
# A coloured prompt: two SGRs, each with text after it (what the fast path hands ``sgr_runs`` from an SGR token).
_SGR_PROMPT = re.compile(rf"\x1b\[[0-9:;]*m{_RUN}+\x1b\[[0-9:;]*m{_RUN}")
_SGR_BLOCK = re.compile(rf"(?:\x1b\[[0-9:;]*m{_RUN}+)+")
_PRINT_RUN = re.compile(rf"{_RUN}+")
_PARAM_RUN = re.compile(r"[0-9:;]+")
_OSC_RUN = re.compile(r"[^\x00-\x1f\x80-\x9f]+")
_PUT_RUN = re.compile(r"[^\x18\x1a\x1b\x7f-\x9f]+")
_STRING_RUN = re.compile(r"[^\x00-\x1f\x80-\x9f]+")


class Parser:
    """Feeds decoded text through the state machine to a :class:`Perform`."""

    #: The state machine steps over a run of characters a sequence in progress ignores at once (``_SKIP_RUNS``); off,
    #: a character at a time (the tests' reference).
    skip_ignored = True

    def __init__(self, perform: Perform) -> None:
        self.perform = perform
        self.reset()

    def reset(self) -> None:
        self.state = State.GROUND
        self._clear()
        self._string: list[str] = []
        self._string_len = 0
        self._string_overflow = False
        self._string_kind = ""
        self._dcs_head: tuple[str, str, str, str] = ("", "", "", "")
        #: Where, in the text being fed, the sequence in progress began and the state machine is now
        #: (kept by the state machine only, for the annotator).
        self.seq_start = 0
        self.pos = 0
        self.current_char = ""
        #: The last event reported was a printed character (in the ground state): REP may repeat it.
        self.after_print = False

    def _clear(self) -> None:
        self._private = ""
        self._params = ""
        self._intermediates = ""
        self._ignoring = False

    # ------------------------------------------------------------ feeding
    def feed(self, text: str) -> None:
        """Parse *text*; sequences may continue in the next call."""
        n = len(text)
        pos = 0
        if self.state != State.GROUND:
            pos = self._slow(text, 0)
        # REP repeats the last printed character only when nothing came between (xterm): where the last
        # reported print ended, so a REP that starts there follows it directly.  A local, not an attribute
        # written per token: it costs the hot path nothing but a store per printed run.
        printed_at = pos if self.after_print else -1
        perform = self.perform
        draw = perform.print
        # A Perform may offer its control table; calling the route directly saves a frame per control.
        controls = getattr(perform, "controls", None)
        route = controls.__getitem__ if controls is not None else None
        # A Perform may also route the CR LF pair as one call (it must mean exactly CR then LF).
        crlf = controls.get("\r\n") if controls is not None else None
        print_lines = getattr(perform, "print_lines", None) if crlf is not None else None
        newline = crlf if crlf is not None else self._newline_of(perform, controls)
        csi = perform.csi_dispatch
        # A Perform may offer handlers of raw parameter text for frequent CSIs (a call or two instead of five).
        raw = getattr(perform, "csi_raw", None)
        raw_get = raw.get if raw is not None else {}.get
        csi_runs = getattr(perform, "csi_runs", None)
        sgr_runs = getattr(perform, "sgr_runs", None)
        repaints = getattr(perform, "repaints", None)
        forget = getattr(perform, "forget_last_print", None)
        esc_routes = getattr(perform, "esc_routes", None)
        paste_on: Any = getattr(perform, "paste_on", None)  # both or neither (tested as paste_off below)
        paste_off: Any = getattr(perform, "paste_off", None)
        esc_get = esc_routes.get if esc_routes is not None else {}.get
        match = (_FAST if crlf is None else _FAST_CR_CR_LF).match
        while pos < n:
            m = match(text, pos)
            if m is None:
                self.after_print = printed_at == pos
                pos = self._slow(text, pos)
                printed_at = pos if self.after_print else -1
                continue
            g = m.lastindex or 0  # every alternative has a group: never 0
            pos = m.end()
            if g == 7 or g == 8:
                private, params, inter, final, run = m.group(3, 4, 5, 6, 7)
                if (
                    g == 7
                    and run
                    and sgr_runs is not None
                    and final == "m"
                    and not private
                    and not inter
                    and (block := _SGR_BLOCK.match(text, m.end())) is not None
                ):
                    # Colour on every cell: the SGR+text pairs that follow are reported in one call.
                    sgr_runs(params, run, block.group())
                    pos = printed_at = block.end()
                    if (
                        csi_runs is not None
                        and pos < n
                        and text[pos] in "\x1b\x08"
                        and (block := _CSI_BLOCK.match(text, pos)) is not None
                    ):
                        # A line editor's corrections after its coloured prompt and the echoed line: reported at
                        # once, as after any CSI's run below (a token less).
                        pos = block.end()
                        printed_at = pos if csi_runs(block.group(), block.lastindex is not None) else -1
                    continue
                if (
                    g == 7
                    and not run
                    and final == "l"
                    and params == "25"
                    and private
                    and repaints is not None
                    and (block := _REPAINTS.match(text, m.start())) is not None
                ):
                    # ConPTY's repaints of lines: one call.
                    pos = block.end()
                    repaints(block.group())
                    continue
                if (
                    g == 7
                    and not run
                    and params == "2004"  # only bracketed paste: other modes would pay the regex for nothing
                    and private == "?"
                    and not inter
                    and sgr_runs is not None
                    and pos < n
                    and text[pos] == "\x1b"
                    and _SGR_PROMPT.match(text, pos) is not None
                    and (h := raw_get("?" + final)) is not None
                ):
                    # A coloured prompt after bracketed paste (bash 5.1+ and zsh 5.1+ turn it on before each prompt,
                    # ``CSI ? 2004 h``): the mode alone, then the prompt as after any other CSI, through
                    # ``sgr_runs``, which finds a prompt seen before by its text (its SGRs resolved and its runs laid
                    # out once), and the line editor's corrections after it in a block of their own.  In one block
                    # from the mode on (below), ``csi_runs`` resolved and laid out each of the prompt's pieces each
                    # time (line-editor ~35,000 instructions a prompt more).
                    h(params)
                    continue
                if (
                    g == 7
                    and private
                    and csi_runs is not None
                    and pos < n
                    and text[pos] in "\x1b\x08"  # a look before the regex, as below
                    and (block := _CONPTY_BLOCK.match(text, m.start())) is not None
                ):
                    # More CSIs or BSs follow: the block is reported from this CSI on, so the first CSI of a redraw
                    # (ConPTY's ``?25l``, a line editor's CUB) is found in ``csi_runs``' kept actions like the
                    # others instead of going through its raw handler.  The block regex takes the CSIs this token
                    # does (no intermediates, no marker but ``?``) and a run at least as long; for another (``CSI >
                    # c``, ``CSI SP q``) it does not match at this CSI and the way below is taken.
                    pos = block.end()
                    printed_at = pos if csi_runs(block.group(), block.lastindex is not None) else -1
                    continue
                if inter or (h := raw_get(private + final if private else final)) is None:
                    csi(private, params, inter, final)
                else:
                    h(params)
                if run:
                    draw(run)
                    printed_at = m.end(7)
                if g == 7:
                    if csi_runs is None or pos >= n or text[pos] not in "\x1b\x08":
                        continue  # a look before the regexes: most runs end at a control
                    if (
                        final == "m"  # a coloured run's SGR: other CSIs' runs (BuildKit's after EL) pay no look
                        and text.startswith(_RESET_LINE_ENDS, pos)
                        and (reset := raw_get("m")) is not None
                    ):
                        # A coloured line's reset and its end (``CSI m`` or ``CSI 0 m``, then CR LF) where the line
                        # does not start after a CR LF (a console's coloured line after a repaint or a mode switch):
                        # the reset, the CR LF and the lines after it as after any CR LF, where a block of the one
                        # SGR and a token for the CR LF cost ~9,000 instructions more.
                        end = text.index("\n", pos) + 1
                        reset(text[pos + 2 : end - 3])
                        pos = end
                    elif (
                        # ConPTY's EL (no parameter) may be the end of a repaint a read began inside of; a program's
                        # ``CSI 2 K`` (BuildKit's progress) is not, and pays no look for ``?25l`` at each CSI.
                        block := (_CONPTY_BLOCK if final == "K" and not params else _CSI_BLOCK).match(text, pos)
                    ) is not None:
                        # More CSIs or BSs follow (a full-screen program's redraw, a line editor's corrections):
                        # reported in one call.
                        pos = block.end()
                        printed_at = pos if csi_runs(block.group(), block.lastindex is not None) else -1
                        continue
                    else:
                        continue
                newline()
            elif g == 1 or g == 2:
                draw(m.group(1))
                if g == 1:
                    printed_at = pos
                    continue
                newline()
                if text[pos - 3] == "\r":
                    # The line ended in CR CR LF (a legacy program's text through a second text-mode layer): so will
                    # the next, which a block of lines does not take (it holds CR LF alone); not tried (~2,800
                    # instructions a line).  A line ending in CR LF is tried after it as ever.  ConPTY's repaints after
                    # it are (the console's next frame): one look, as after any line end, where the ``?25l`` token
                    # and its own look cost more.
                    if (
                        text.startswith("\x1b[?25l\x1b[", pos)
                        and repaints is not None
                        and (block := _REPAINTS.match(text, pos)) is not None
                    ):
                        pos = block.end()
                        repaints(block.group())
                    continue
            elif g == 9:
                newline()
            elif g == 10:
                c = m.group(10)
                if c == "\x08" and csi_runs is not None and pos < n and text[pos] in "\x1b\x08":
                    # A line editor moving back (BSs, then CSIs: DCH, ICH and the character…): one call.
                    block = _CSI_BLOCK.match(text, pos - 1)
                    pos = block.end()  # type: ignore[union-attr]  # a BS starts a block
                    printed_at = pos if csi_runs(block.group(), block.lastindex is not None) else -1  # type: ignore[union-attr]
                    continue
                if route is not None:
                    route(c)()
                else:
                    perform.execute(c)
            elif g == 11:
                final = m.group(11)
                if (esc := esc_get(final)) is not None:
                    esc()
                else:
                    perform.esc_dispatch("", final)
                if (
                    final in _BLOCK_ESCS
                    and csi_runs is not None
                    and text.startswith("\x1b[", pos)
                    and (block := _CSI_BLOCK.match(text, pos)) is not None
                ):
                    # DECSC (or IND, NEL, RI), then CSIs: a status line saved around (``ESC 7 CSI ? 7 l`` CUP SGR
                    # text SGR ``CSI ? 7 h ESC 8``): the CSIs after it reported as one block at once, a token and a
                    # trip round the loop less.  Not a block from the ESC sequence itself: ``csi_runs`` would cut
                    # it out with a regex split (insert-mode 944 -> 947 instructions/byte).
                    pos = block.end()
                    printed_at = pos if csi_runs(block.group(), block.lastindex is not None) else -1
            elif g == 13:
                perform.esc_dispatch(m.group(12), m.group(13))
            elif g == 16:
                if m.start() != printed_at and forget is not None:
                    forget()  # something came between the last print and this REP
                csi("", m.group(16), "", "b")
            else:  # g == 15
                perform.osc_dispatch(m.group(14), m.group(15))
                if m.group(15) != "\x07":
                    perform.esc_dispatch("", "\\")  # the ST, reported as the state machine does
            if g <= 9 and print_lines is not None:
                # A CR LF just ended a line (the groups up to 9 that get here all end in one), and whole
                # log lines follow: report them in one call.
                if (
                    text.startswith("\x1b[?25l\x1b[", pos)
                    and repaints is not None
                    and (block := _REPAINTS.match(text, pos)) is not None
                ):
                    # ConPTY's repaints of lines after a line (a block of lines would fail at the CUP, ~3,200
                    # instructions).  Only this one look: skipping the block for other DEC modes too (ConPTY's
                    # win32-input and focus modes) saved windows-console 1 instruction a byte and cost line-editor 7
                    # (bash's ``CSI ? 2004 l`` after every accepted line).
                    pos = block.end()
                    repaints(block.group())
                    continue
                block = _LINES.match(text, pos)
                if (
                    block is None
                    and paste_off is not None
                    and text.startswith("\x1b[?2004", pos)
                    and (switch := _PASTE_SWITCH.match(text, pos)) is not None
                ):
                    # A shell's accepted line (bash 5.1+: ``CR LF CSI ? 2004 l CR``), then its command's output: the
                    # mode straight to the screen, the CR dropped (after a CR LF it moves nothing), the lines after it
                    # as after any CR LF (see ``_PASTE_SWITCH``).
                    (paste_on if switch.group(1) == "h" else paste_off)()
                    pos = switch.end()
                    block = _LINES.match(text, pos)
                    if block is None and text.startswith("\x1b[?2004h", pos):
                        # A command without output: the next prompt's switch at once, as after a block below.
                        paste_on()
                        pos += 8
                if block is not None:
                    print_lines(block.group())
                    pos = block.end()
                    if paste_off is not None and text.startswith("\x1b[?2004h", pos):
                        # The next prompt after the command's output (bash and zsh turn bracketed paste on before
                        # each): the mode alone, then the prompt from the loop, as after the token below
                        # (~15,000 instructions less a prompt).
                        paste_on()
                        pos += 8
        self.after_print = printed_at == pos

    @staticmethod
    def _newline_of(perform: Perform, controls: Any) -> Callable[[], None]:
        """CR then LF as one callable, for a Perform without a combined route."""
        if controls is not None:
            cr, lf = controls["\r"], controls["\n"]

            def routed() -> None:
                cr()
                lf()

            return routed

        def reported() -> None:
            perform.execute("\r")
            perform.execute("\n")

        return reported

    def feed_traced(self, text: str) -> None:
        """Like :meth:`feed` but always through the state machine, keeping :attr:`seq_start`.

        The annotator uses this to know which characters each reported event spans.
        """
        pos = 0
        n = len(text)
        while pos < n:
            pos = self._slow(text, pos, stop_at_ground=False)

    @property
    def in_sequence(self) -> bool:
        return self.state != State.GROUND

    # ------------------------------------------------------------ the state machine
    def _slow(self, text: str, pos: int, stop_at_ground: bool = True) -> int:
        """Run the state machine from *pos*; return where it stopped (back in ground, or the end)."""
        n = len(text)
        table = _TABLE
        high = _HIGH_ENTRY
        perform = self.perform
        skip_ignored = self.skip_ignored
        first = True
        while pos < n:
            state = self.state
            if state == State.GROUND:
                if stop_at_ground and not first:
                    return pos
                m = _PRINT_RUN.match(text, pos)
                if m is not None:
                    self.seq_start = self.pos = pos
                    perform.print(m.group())
                    self.after_print = True
                    pos = m.end()
                    first = False
                    continue
            elif state == State.OSC_STRING or state == State.SOS_PM_APC_STRING:
                m = (_OSC_RUN if state == State.OSC_STRING else _STRING_RUN).match(text, pos)
                if m is not None:
                    self._string_put(m.group(), MAX_OSC)
                    pos = m.end()
                    continue
            elif state == State.DCS_PASSTHROUGH:
                m = _PUT_RUN.match(text, pos)
                if m is not None:
                    self._string_put(m.group(), MAX_DCS)
                    pos = m.end()
                    continue
            elif state == State.CSI_PARAM or state == State.DCS_PARAM:
                m = _PARAM_RUN.match(text, pos)
                if m is not None:
                    self._add_params(m.group())
                    pos = m.end()
                    continue
            first = False
            ch = text[pos]
            code = ord(ch)
            entry = table[state][code] if code < _HIGH else high[state]
            if entry == _SKIP and skip_ignored:
                # Ignored, the state unchanged: the whole run of such characters at once (a character a loop step
                # each, ~2,000 instructions, on a legacy program's text inside a broken sequence), leaving ``pos`` and
                # ``current_char`` at its last character as the steps would.
                skip_runs = _SKIP_RUNS or _skip_runs()
                pos = skip_runs[state](text, pos).end()  # type: ignore[misc,union-attr]  # the run holds *ch*
                self.pos = pos - 1
                self.current_char = text[pos - 1]
                continue
            self.pos = pos
            self.current_char = ch
            action = entry >> 4
            nxt = entry & 15
            if nxt == _NO_CHANGE:
                # The state stays (an intermediate or parameter collected, a control executed, a string's character
                # put): the action alone, an intermediate without ``_act``'s call (a broken sequence's characters).
                if action == A_COLLECT:
                    if len(self._intermediates) >= MAX_INTERMEDIATES:
                        self._ignoring = True
                    else:
                        self._intermediates += ch
                elif action == A_PRINT:
                    perform.print(ch)
                    self.after_print = True
                else:
                    self._act(action, ch, code)  # (nothing for A_IGNORE, here only with ``skip_ignored`` off)
                    if state == State.GROUND and action == A_EXECUTE:
                        self.after_print = False  # a control acted in the ground state: REP has nothing to repeat
                pos += 1
                continue
            # A change of state: the exit action of the state left, the entry of the next.
            if state >= State.DCS_PASSTHROUGH or code >= 0x80 or code in _INTERRUPTING:
                self._exit(state, nxt, code)  # only these leave a string or cut a sequence short (see there)
            if nxt == State.ESCAPE or nxt == State.CSI_ENTRY or nxt == State.DCS_ENTRY:
                self._clear()
                if state != State.ESCAPE or nxt == State.ESCAPE:
                    self.seq_start = pos
            elif nxt == State.OSC_STRING or nxt == State.SOS_PM_APC_STRING:
                self._string_begin(
                    _STRING_KINDS.get(code, "OSC") if state != State.ESCAPE else _ESC_STRING_KINDS.get(code, "OSC")
                )
                if state != State.ESCAPE:
                    self.seq_start = pos
            if action != A_NONE:
                self._act(action, ch, code)
            if action == A_PRINT:
                self.after_print = True
            elif nxt == State.GROUND or (state == State.GROUND and action == A_EXECUTE):
                # A sequence ended (dispatched, ignored or cancelled), or a control acted in the ground
                # state: REP has nothing to repeat.  A control inside a sequence changes nothing (xterm).
                self.after_print = False
            self.state = nxt
            if nxt == State.DCS_PASSTHROUGH:
                self._dcs_hook(ch)
            elif state == State.CSI_IGNORE and nxt == State.GROUND and 0x40 <= code < 0x7F:
                perform.ignored("CSI")
            pos += 1
        return pos

    def _act(self, action: int, ch: str, code: int) -> None:
        perform = self.perform
        if action == A_PRINT:
            perform.print(ch)
        elif action in (A_EXECUTE, A_ABORT):
            perform.execute(ch)
        elif action == A_COLLECT:
            if len(self._intermediates) >= MAX_INTERMEDIATES:
                self._ignoring = True
            else:
                self._intermediates += ch
        elif action == A_PARAM:
            self._add_params(ch)
        elif action == A_PRIVATE:
            self._private += ch
        elif action == A_ESC_DISPATCH:
            if self._ignoring:
                perform.ignored("ESC")
            else:
                perform.esc_dispatch(self._intermediates, ch)
        elif action == A_CSI_DISPATCH:
            if self._ignoring:
                perform.ignored("CSI")
            else:
                if ch == "b" and not self.after_print:
                    forget = getattr(perform, "forget_last_print", None)
                    if forget is not None:
                        forget()
                perform.csi_dispatch(self._private, self._params, self._intermediates, ch)
        elif action in (A_OSC_PUT, A_STRING_PUT):
            self._string_put(ch, MAX_OSC)
        elif action == A_PUT:
            self._string_put(ch, MAX_DCS)

    def _add_params(self, chunk: str) -> None:
        p = self._params + chunk
        if len(p) > _PARAM_BUFFER:
            p = _canonical(p)
        self._params = p

    # ------------------------------------------------------------ strings
    def _string_begin(self, kind: str) -> None:
        self._string = []
        self._string_len = 0
        self._string_overflow = False
        self._string_kind = kind

    def _string_put(self, chunk: str, limit: int) -> None:
        if self._string_overflow:
            return
        if self._string_len + len(chunk) > limit:
            self._string_overflow = True
            self._string = []
            return
        self._string.append(chunk)
        self._string_len += len(chunk)

    def _dcs_hook(self, final: str) -> None:
        self._dcs_head = (self._private, self._params, self._intermediates, final)
        self._string_begin("DCS")
        self._dcs_ignoring = self._ignoring

    def _exit(self, state: int, nxt: int, code: int) -> None:
        """Exit actions: strings end (dispatched unless aborted by CAN/SUB or too long)."""
        cancelled = code in (0x18, 0x1A)
        if state == State.OSC_STRING:
            if cancelled or self._string_overflow:
                self.perform.ignored("OSC")
            else:
                self.perform.osc_dispatch("".join(self._string), "\x07" if code == 0x07 else "\x1b\\")
            self._string = []
        elif state == State.DCS_PASSTHROUGH:
            if cancelled or self._string_overflow or self._dcs_ignoring:
                self.perform.ignored("DCS")
            else:
                private, params, inter, final = self._dcs_head
                self.perform.dcs_dispatch(private, params, inter, final, "".join(self._string))
            self._string = []
        elif state == State.SOS_PM_APC_STRING:
            if cancelled or self._string_overflow:
                self.perform.ignored(self._string_kind)
            else:
                self.perform.string_dispatch(self._string_kind, "".join(self._string))
            self._string = []
        elif state == State.DCS_IGNORE:
            self.perform.ignored("DCS")
        elif state in _PARTIAL_KIND and (code in _INTERRUPTING or code >= 0x80):
            # A sequence cut short by ESC, CAN/SUB or a C1 control: say so rather than lose it.
            self.perform.ignored(_PARTIAL_KIND[state])

    _dcs_ignoring = False


_PARTIAL_KIND = {
    State.ESCAPE: "ESC",
    State.ESCAPE_INTERMEDIATE: "ESC",
    State.CSI_ENTRY: "CSI",
    State.CSI_PARAM: "CSI",
    State.CSI_INTERMEDIATE: "CSI",
    State.CSI_IGNORE: "CSI",
    State.DCS_ENTRY: "DCS",
    State.DCS_PARAM: "DCS",
    State.DCS_INTERMEDIATE: "DCS",
}
_INTERRUPTING = frozenset({0x18, 0x1A, 0x1B})
_STRING_KINDS = {0x9D: "OSC", 0x98: "SOS", 0x9E: "PM", 0x9F: "APC"}
_ESC_STRING_KINDS = {0x5D: "OSC", 0x58: "SOS", 0x5E: "PM", 0x5F: "APC"}
