"""Gives the parser's raw events their meaning by calling named screen methods.

The tables are built from :mod:`app.vt.catalogue`: every catalogue row with a handler names a
method of :class:`Dispatcher`, so the docs and the inspector cannot drift from what runs.
Replies to the program (DA, DSR, DECRQM…) leave through ``screen.reply``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import modes as M
from .catalogue import CATALOGUE
from .parser import Groups, Params, _parse, parse_params
from .screen import Screen
from .style import BG_FIELD, BG_SHIFT, FG_FIELD, FG_SHIFT, RGB_FLAG, TRUE_COLOUR_BITS, SgrOp, compile_sgr

__all__ = ["TERMINAL_NAME", "Dispatcher"]

TERMINAL_NAME = "Mojiscope"
TERMINAL_VERSION = "0.1.0"

CsiHandler = Callable[[Params, Groups], None]
Simple = Callable[[], None]


#: One colour in colon form: ``38:5:n``, ``38:2:r:g:b`` or ``38:2:<colour space>:r:g:b`` (likewise 48).
_COLOUR_COLON = re.compile(r"[34]8:(?:5:\d{1,3}|2:(?:\d*:)?\d{1,3}:\d{1,3}:\d{1,3})")
#: Every one-to-three digit string → its value as a colour component (``& 0xFF``, as ``apply_sgr``):
#: a dict lookup both validates and converts, several times cheaper than a regex and ``int()``.
_COMPONENT = {f"{v:0{width}d}": v & 0xFF for width in (1, 2, 3) for v in range(10**width)}
_COMPONENT_OF = _COMPONENT.get
_KEEP_BG = ~FG_FIELD
_KEEP_FG = ~BG_FIELD


def colour_op(pstr: str) -> SgrOp | None:
    """The ``(keep, put)`` of an SGR of colours alone (see ``compile_sgr``), else ``None``.

    Colourful output (lolcat, true-colour themes, gradients) changes colour before nearly every
    cell, mostly with one-off values: such a change (``38;5;n``, ``48;2;r;g;b``, several of them,
    or one in colon form) is read here with a split and dict lookups, far cheaper than the
    general parser and ``compile_sgr``, which give the same result.  Values of up to three digits
    only, so no clamping question arises.
    """
    parts = pstr.split(";")
    n = len(parts)
    if n == 5 or n == 3:  # one colour, true or palette: most of them, so without the loop below
        side = parts[0]
        if n == 5:
            if parts[1] != "2":
                return None
            r = _COMPONENT_OF(parts[2])
            g = _COMPONENT_OF(parts[3])
            b = _COMPONENT_OF(parts[4])
            if r is None or g is None or b is None:
                return None
            colour = RGB_FLAG | r << 16 | g << 8 | b
        else:
            if parts[1] != "5":
                return None
            index = _COMPONENT_OF(parts[2])
            if index is None:
                return None
            colour = index + 1  # packed: a palette colour is stored one up
        if side == "38":
            return _KEEP_BG, colour << FG_SHIFT
        if side == "48":
            return _KEEP_FG, colour << BG_SHIFT
        return None
    if n == 1:
        if _COLOUR_COLON.fullmatch(pstr) is None:
            return None
        parts = pstr.split(":")
        if len(parts) == 6:
            del parts[2]  # the colour space id, which xterm ignores
        n = len(parts)
    keep = -1
    put = 0
    i = 0
    while i < n:
        if i + 2 < n and parts[i + 1] == "5":
            index = _COMPONENT_OF(parts[i + 2])
            if index is None:
                return None
            colour = index + 1
            step = 3
        elif i + 4 < n and parts[i + 1] == "2":
            r = _COMPONENT_OF(parts[i + 2])
            g = _COMPONENT_OF(parts[i + 3])
            b = _COMPONENT_OF(parts[i + 4])
            if r is None or g is None or b is None:
                return None
            colour = RGB_FLAG | r << 16 | g << 8 | b
            step = 5
        else:
            return None
        side = parts[i]
        if side == "38":
            keep &= _KEEP_BG
            put = put & _KEEP_BG | colour << FG_SHIFT
        elif side == "48":
            keep &= _KEEP_FG
            put = put & _KEEP_FG | colour << BG_SHIFT
        else:
            return None
        i += step
    return keep, put


#: An SGR inside a block of lines; ``split`` leaves its parameter text between the runs.
_SGR_SPLIT = re.compile(r"\x1b\[([0-9:;]*)m")


def _p(params: Params, i: int = 0, default: int = 1) -> int:
    """Parameter *i*, with 0 or absent meaning *default* (the usual VT rule)."""
    if i < len(params) and params[i]:
        return params[i]
    return default


class Dispatcher:
    """The :class:`~app.vt.parser.Perform` that drives a :class:`Screen`."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.print = screen.draw
        self._c0: dict[str, Simple] = {}
        self._esc: dict[str, Simple] = {}
        self._csi: dict[str, CsiHandler] = {}
        self._osc: dict[str, Callable[[str], None]] = {}
        self._dcs: dict[str, Callable[[Params, str], None]] = {}
        #: SGR text → its effect on the pen (``compile_sgr``), for strings that recur: everything but
        #: one-off true colours, which are cheaper to read again than to keep.
        self._sgr_ops: dict[str, SgrOp] = {}
        self.unknown = 0  # sequences seen that nothing handles (for the status line)
        # Direct routes for the controls every line uses: one call instead of two.
        direct: dict[str, Simple] = {
            "\r": screen.carriage_return,
            "\n": screen.linefeed,
            "\x0b": screen.linefeed,
            "\x0c": screen.linefeed,
            "\x08": screen.backspace,
        }
        for entry in CATALOGUE:
            if entry.handler is None or (entry.kind == "ESC" and entry.key.endswith("*")):
                continue  # unsupported, or a designation (any final): esc_dispatch routes those itself
            fn = getattr(self, entry.handler)
            if entry.kind in ("C0", "C1"):
                self._c0[entry.key] = direct.get(entry.key, fn)
            elif entry.kind == "ESC":
                self._esc[entry.key] = fn
            elif entry.kind == "CSI":
                self._csi[entry.key] = fn
            elif entry.kind == "OSC":
                self._osc[entry.key] = fn
            elif entry.kind == "DCS":
                self._dcs[entry.key] = fn

        # Every control character has a route (a no-op for those without meaning), so execute
        # can be the dict's own lookup followed by the call.
        for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
            self._c0.setdefault(chr(code), self.ignore)
        self._c0_get = self._c0.__getitem__
        # CR LF as one route, valid only while LF means plain index (newline mode adds a CR,
        # which is harmless after CR, so screen.crlf stays exact either way).
        self._c0["\r\n"] = screen.crlf
        #: The parser's direct route to control handlers (see ``Perform``).
        self.controls = self._c0

    # ------------------------------------------------------------ Perform
    def execute(self, ch: str) -> None:
        self._c0_get(ch)()

    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None:
        if final == "m" and not private and not intermediates:
            # SGR, the most frequent sequence by far: an AND and an OR on the pen (see ``compile_sgr``).
            op = self._sgr_ops.get(params)
            if op is None:
                op = self._sgr_op(params)
            keep, put = op
            screen = self.screen
            screen.sid = screen.sid & keep | put
            return
        fn = self._csi.get(private + intermediates + final)
        if fn is None:
            self.unknown += 1
            return
        values, groups = parse_params(params)
        fn(values, groups)

    def esc_dispatch(self, intermediates: str, final: str) -> None:
        key = intermediates + final
        fn = self._esc.get(key)
        if fn is None and intermediates and intermediates[0] in "()*+":
            self._designate("()*+".index(intermediates[0]), intermediates[1:] + final)
            return
        if fn is None:
            self.unknown += 1
            return
        fn()

    def osc_dispatch(self, data: str) -> None:
        command, _, rest = data.partition(";")
        fn = self._osc.get(command)
        if fn is None:
            self.unknown += 1
            return
        fn(rest)

    def dcs_dispatch(self, private: str, params: str, intermediates: str, final: str, data: str) -> None:
        fn = self._dcs.get(private + intermediates + final)
        if fn is None:
            self.unknown += 1
            return
        fn(parse_params(params)[0], data)

    def string_dispatch(self, kind: str, data: str) -> None:
        """SOS/PM/APC strings carry nothing the screen shows."""

    def ignored(self, kind: str) -> None:
        """Malformed or oversized sequences are dropped, as xterm does."""

    # ------------------------------------------------------------ C0 / ESC
    def ignore(self) -> None:
        """Recognised on purpose and without effect (CAN, SUB, DEL, ST…)."""

    def bell(self) -> None:
        self.screen.bell()

    def backspace(self) -> None:
        self.screen.backspace()

    def tab(self) -> None:
        self.screen.tab(1)

    def linefeed(self) -> None:
        self.screen.linefeed()

    def carriage_return(self) -> None:
        self.screen.carriage_return()

    def shift_out(self) -> None:
        self.screen.shift_out()

    def shift_in(self) -> None:
        self.screen.shift_in()

    def index(self) -> None:
        self.screen.index()

    def next_line(self) -> None:
        self.screen.next_line()

    def reverse_index(self) -> None:
        self.screen.reverse_index()

    def set_tab_stop(self) -> None:
        self.screen.set_tab_stop()

    def single_shift_2(self) -> None:
        self.screen.single_shift_next(2)

    def single_shift_3(self) -> None:
        self.screen.single_shift_next(3)

    def save_cursor(self) -> None:
        self.screen.save_cursor()

    def restore_cursor(self) -> None:
        self.screen.restore_cursor()

    def full_reset(self) -> None:
        self.screen.full_reset()

    def keypad_application(self) -> None:
        self.screen.dec_modes.add(M.DECNKM)

    def keypad_numeric(self) -> None:
        self.screen.dec_modes.discard(M.DECNKM)

    def locking_shift_2(self) -> None:
        self.screen.invoke_charset(2)

    def locking_shift_3(self) -> None:
        self.screen.invoke_charset(3)

    def alignment_display(self) -> None:
        self.screen.alignment_display()

    def _designate(self, slot: int, designator: str) -> None:
        self.screen.designate_charset(slot, designator)

    def device_attributes(self) -> None:
        self.csi_da1((), None)

    # ------------------------------------------------------------ CSI
    def _sgr_op(self, pstr: str) -> SgrOp:
        """The effect of an SGR not in ``_sgr_ops``: read, and kept unless it is a one-off true colour.

        Colourful output is mostly colours alone (``38;5;n``, ``38;2;r;g;b``), many of them
        one-offs: those are read directly (:func:`colour_op`), without the parser.
        """
        op = colour_op(pstr)
        if op is None:
            return self._sgr_general(pstr)
        if not op[1] & TRUE_COLOUR_BITS:  # palette colours recur; one-off true colours do not
            self._keep_op(pstr, op)
        return op

    def _sgr_general(self, pstr: str) -> SgrOp:
        """``_sgr_op`` for an SGR known not to be colours alone: parsed, compiled and kept."""
        values, groups = _parse(pstr) if pstr else ((), None)
        return self._keep_op(pstr, compile_sgr(values, groups))

    def _keep_op(self, pstr: str, op: SgrOp) -> SgrOp:
        """Remember what *pstr* does (bounded: the table starts again when full)."""
        ops = self._sgr_ops
        if len(ops) > 4096:
            ops.clear()
        ops[pstr] = op
        return op

    def _pens_after(self, pstrs: list[str], sid: int, sids: list[int]) -> int:
        """Append to *sids* the pen's style id after each SGR of *pstrs* in turn, from pen *sid*; return the last.

        Colour on every cell runs this once per cell, mostly on one-off true colours, so
        ``_sgr_op`` is inlined: a call per cell costs as much as the work itself.
        """
        ops_get = self._sgr_ops.get
        op_of = colour_op
        append = sids.append
        for pstr in pstrs:
            op = ops_get(pstr)
            if op is None:
                op = op_of(pstr)
                if op is None:
                    op = self._sgr_general(pstr)
                elif not op[1] & TRUE_COLOUR_BITS:
                    self._keep_op(pstr, op)
            keep, put = op
            sid = sid & keep | put
            append(sid)
        return sid

    def sgr_runs(self, pairs: list[tuple[str, str]]) -> None:
        """SGR then print, for each pair (see ``Perform``): styles resolved at once, text written at once."""
        screen = self.screen
        sids: list[int] = []
        screen.sid = self._pens_after([pstr for pstr, _run in pairs], screen.sid, sids)
        screen.draw_runs([run for _pstr, run in pairs], sids)

    def print_lines(self, block: str) -> None:
        """Whole lines from the parser (see ``Perform``): printable text, HTs and SGRs, each line ending in CR LF.

        The lines with SGRs are cut at them and every SGR resolved to a style id here, where the
        SGR table is, so the screen gets each such line as runs with their ids and lays the whole
        block out at once (``Screen.print_lines``).
        """
        texts = block.split("\r\n")
        texts.pop()
        screen = self.screen
        if "\x1b" not in block:
            screen.print_lines(texts)
            return
        split = _SGR_SPLIT.split
        pens_after = self._pens_after
        sid = screen.sid
        pens: dict[int, tuple[list[str], list[int]]] = {}
        for k, text in enumerate(texts):
            if "\x1b" in text:
                parts = split(text)
                sids = [sid]
                sid = pens_after(parts[1::2], sid, sids)
                pens[k] = (parts[0::2], sids)
                texts[k] = ""  # not read: the runs say what the line prints
        screen.print_lines(texts, pens)

    def _sgr(self, pstr: str) -> None:
        self.csi_dispatch("", pstr, "", "m")

    def csi_sgr(self, params: Params, groups: Groups) -> None:
        self.screen.select_graphic_rendition(list(params), list(groups) if groups else None)

    def csi_ich(self, p: Params, g: Groups) -> None:
        self.screen.insert_chars(_p(p))

    def csi_cuu(self, p: Params, g: Groups) -> None:
        self.screen.cursor_up(_p(p))

    def csi_cud(self, p: Params, g: Groups) -> None:
        self.screen.cursor_down(_p(p))

    def csi_cuf(self, p: Params, g: Groups) -> None:
        self.screen.cursor_forward(_p(p))

    def csi_cub(self, p: Params, g: Groups) -> None:
        self.screen.cursor_back(_p(p))

    def csi_cnl(self, p: Params, g: Groups) -> None:
        self.screen.cursor_next_line(_p(p))

    def csi_cpl(self, p: Params, g: Groups) -> None:
        self.screen.cursor_previous_line(_p(p))

    def csi_cha(self, p: Params, g: Groups) -> None:
        self.screen.cursor_to_column(_p(p))

    def csi_cup(self, p: Params, g: Groups) -> None:
        self.screen.cursor_position(_p(p, 0), _p(p, 1))

    def csi_cht(self, p: Params, g: Groups) -> None:
        self.screen.tab(_p(p))

    def csi_cbt(self, p: Params, g: Groups) -> None:
        self.screen.back_tab(_p(p))

    def csi_ed(self, p: Params, g: Groups) -> None:
        self.screen.erase_in_display(_p(p, 0, 0))

    def csi_el(self, p: Params, g: Groups) -> None:
        self.screen.erase_in_line(_p(p, 0, 0))

    def csi_il(self, p: Params, g: Groups) -> None:
        self.screen.insert_lines(_p(p))

    def csi_dl(self, p: Params, g: Groups) -> None:
        self.screen.delete_lines(_p(p))

    def csi_dch(self, p: Params, g: Groups) -> None:
        self.screen.delete_chars(_p(p))

    def csi_su(self, p: Params, g: Groups) -> None:
        self.screen.scroll_up(_p(p))

    def csi_sd(self, p: Params, g: Groups) -> None:
        if len(p) > 1:
            return  # CSI Ps;Ps;Ps;Ps;Ps T is xterm's mouse highlight tracking, not SD
        self.screen.scroll_down(_p(p))

    def csi_ech(self, p: Params, g: Groups) -> None:
        self.screen.erase_chars(_p(p))

    def csi_rep(self, p: Params, g: Groups) -> None:
        self.screen.repeat_last(_p(p))

    def csi_vpa(self, p: Params, g: Groups) -> None:
        self.screen.cursor_to_line(_p(p))

    def csi_vpr(self, p: Params, g: Groups) -> None:
        self.screen.cursor_down_row(_p(p))

    def csi_tbc(self, p: Params, g: Groups) -> None:
        self.screen.clear_tab_stop(_p(p, 0, 0))

    def csi_sm(self, p: Params, g: Groups) -> None:
        for mode in p:
            self.screen.set_ansi_mode(mode, True)

    def csi_rm(self, p: Params, g: Groups) -> None:
        for mode in p:
            self.screen.set_ansi_mode(mode, False)

    def csi_decset(self, p: Params, g: Groups) -> None:
        for mode in p:
            self._dec_mode(mode, True)

    def csi_decrst(self, p: Params, g: Groups) -> None:
        for mode in p:
            self._dec_mode(mode, False)

    def _dec_mode(self, mode: int, on: bool) -> None:
        if mode == M.SAVE_CURSOR:
            if on:
                self.screen.save_cursor()
            else:
                self.screen.restore_cursor()
            return
        if mode == M.DECCOLM:
            return  # 132-column switching is off, as in xterm by default
        self.screen.set_dec_mode(mode, on)

    def csi_decstbm(self, p: Params, g: Groups) -> None:
        self.screen.set_margins(_p(p, 0, 0), _p(p, 1, 0))

    def csi_decstr(self, p: Params, g: Groups) -> None:
        self.screen.soft_reset()

    def csi_decscusr(self, p: Params, g: Groups) -> None:
        self.screen.set_cursor_shape(_p(p, 0, 0))

    def csi_scosc(self, p: Params, g: Groups) -> None:
        if not p:
            self.screen.save_cursor()

    def csi_scorc(self, p: Params, g: Groups) -> None:
        if not p:
            self.screen.restore_cursor()

    def csi_xtwinops(self, p: Params, g: Groups) -> None:
        """Only the title stack: reports and window moves are refused (hostile output)."""
        op = _p(p, 0, 0)
        if op == 22:
            self.screen.push_title()
        elif op == 23:
            self.screen.pop_title()

    # ------------------------------------------------------------ replies
    def csi_da1(self, p: Params, g: Groups) -> None:
        if _p(p, 0, 0) == 0:
            # VT220 with ANSI colour: what ConPTY and most programs expect to hear back at once.
            self.screen.reply("\x1b[?62;22c")

    def csi_da2(self, p: Params, g: Groups) -> None:
        if _p(p, 0, 0) == 0:
            self.screen.reply("\x1b[>1;10;0c")

    def csi_dsr(self, p: Params, g: Groups) -> None:
        what = _p(p, 0, 0)
        if what == 5:
            self.screen.reply("\x1b[0n")
        elif what == 6:
            row, col = self._report_position()
            self.screen.reply(f"\x1b[{row};{col}R")

    def csi_decdsr(self, p: Params, g: Groups) -> None:
        what = _p(p, 0, 0)
        if what == 6:
            row, col = self._report_position()
            self.screen.reply(f"\x1b[?{row};{col};1R")
        elif what == 15:
            self.screen.reply("\x1b[?13n")  # no printer
        elif what == 25:
            self.screen.reply("\x1b[?21n")  # user-defined keys locked
        elif what == 26:
            self.screen.reply("\x1b[?27;1;0;0n")  # North American keyboard

    def _report_position(self) -> tuple[int, int]:
        s = self.screen
        row = s.y - s.top if s.origin else s.y
        return row + 1, s.x + 1

    def csi_decrqm_ansi(self, p: Params, g: Groups) -> None:
        mode = _p(p, 0, 0)
        if mode in M.ANSI_MODES:
            state = 1 if mode in self.screen.ansi_modes else 2
            if not M.ANSI_MODES[mode][2]:
                state = 4 if state == 2 else state
        else:
            state = 0
        self.screen.reply(f"\x1b[{mode};{state}$y")

    def csi_decrqm_dec(self, p: Params, g: Groups) -> None:
        mode = _p(p, 0, 0)
        s = self.screen
        if mode in M.DEC_MODES:
            on = s.alt_active and mode in s.dec_modes if mode in M.ALT_SCREEN_MODES else mode in s.dec_modes
            state = 1 if on else 2
            if not M.DEC_MODES[mode][2] and not on:
                state = 4
        else:
            state = 0
        s.reply(f"\x1b[?{mode};{state}$y")

    def csi_xtversion(self, p: Params, g: Groups) -> None:
        if _p(p, 0, 0) == 0:
            self.screen.reply(f"\x1bP>|{TERMINAL_NAME} {TERMINAL_VERSION}\x1b\\")

    def dcs_decrqss(self, p: Params, data: str) -> None:
        s = self.screen
        if data == "m":
            from .style import describe_sgr_params

            self.screen.reply(f"\x1bP1$r{describe_sgr_params(s.style)}m\x1b\\")
        elif data == "r":
            s.reply(f"\x1bP1$r{s.top + 1};{s.bottom + 1}r\x1b\\")
        elif data == " q":
            s.reply(f"\x1bP1$r{s.cursor_shape or 1} q\x1b\\")
        else:
            s.reply("\x1bP0$r\x1b\\")

    # ------------------------------------------------------------ OSC
    def osc_title_icon(self, text: str) -> None:
        self.screen.set_title(text)
        self.screen.set_icon_name(text)

    def osc_icon(self, text: str) -> None:
        self.screen.set_icon_name(text)

    def osc_title(self, text: str) -> None:
        self.screen.set_title(text)

    def osc_cwd(self, text: str) -> None:
        self.screen.set_cwd(text)

    def osc_hyperlink(self, text: str) -> None:
        _params, _, uri = text.partition(";")
        self.screen.set_hyperlink(uri)

    def osc_mark(self, text: str) -> None:
        kind = text.split(";", 1)[0]
        if kind in ("A", "B", "C", "D"):
            self.screen.add_mark(kind)
