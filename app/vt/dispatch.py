"""Gives the parser's raw events their meaning by calling named screen methods.

The tables are built from :mod:`app.vt.catalogue`: every catalogue row with a handler names a
method of :class:`Dispatcher`, so the docs and the inspector cannot drift from what runs.
Replies to the program (DA, DSR, DECRQM…) leave through ``screen.reply``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from . import modes as M
from . import reports
from .catalogue import CATALOGUE
from .parser import _SGR_PAIR, Groups, Params, Parser, _parse, parse_params
from .screen import EDIT_CUF, EDIT_DCH, EDIT_ICH, EDIT_IRM_OFF, EDIT_IRM_ON, Screen
from .style import BG_FIELD, BG_SHIFT, FG_FIELD, FG_SHIFT, RGB_FLAG, TRUE_COLOUR_BITS, SgrOp, compile_sgr
from .width import ZERO_MARK, cells, cells_each, text_width

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
#: A true colour's red, green and blue component texts → their bits in a packed style, foreground and background
#: apart, with the true-colour flag on the first: ``Dispatcher._pens_after`` puts ``38;2;r;g;b`` / ``48;2;r;g;b``
#: on the pen with three lookups and ORs, where ``colour_op`` shifts each (long arithmetic: the fields lie beyond
#: 30 bits) and returns a tuple.  A missing key (a component that is not one to three digits) raises KeyError,
#: and the SGR goes to ``colour_op``, which gives the same answer.
_FG_RED = {text: (RGB_FLAG | v << 16) << FG_SHIFT for text, v in _COMPONENT.items()}
_FG_GREEN = {text: v << 8 << FG_SHIFT for text, v in _COMPONENT.items()}
_FG_BLUE = {text: v << FG_SHIFT for text, v in _COMPONENT.items()}
_BG_RED = {text: (RGB_FLAG | v << 16) << BG_SHIFT for text, v in _COMPONENT.items()}
_BG_GREEN = {text: v << 8 << BG_SHIFT for text, v in _COMPONENT.items()}
_BG_BLUE = {text: v << BG_SHIFT for text, v in _COMPONENT.items()}
#: A palette index's text → its bits in a packed style (stored one up), for ``38;5;n;48;5;m`` in one go: the pair
#: has too many values to recur (``_sgr_ops`` would keep each once).
_FG_INDEX = {text: (v + 1) << FG_SHIFT for text, v in _COMPONENT.items()}
_BG_INDEX = {text: (v + 1) << BG_SHIFT for text, v in _COMPONENT.items()}
_KEEP_NEITHER = _KEEP_BG & _KEEP_FG


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


#: A parameter of up to three digits → its value: one dict lookup both validates and converts the parameters of
#: the sequences full-screen programs send most (``CSI 12;40 H``, ``CSI 5 D``, ``CSI K``); anything else
#: (longer numbers, colons, more parameters) is left to the general path, which gives the same result.
_NUM = {f"{v:0{width}d}": v for width in (1, 2, 3) for v in range(10**width)}
_NUM[""] = 0
_NUM_OF = _NUM.get

#: What a CSI's text in a block of ``csi_runs`` holds before its final byte (a DEC private marker first).
_PARAMETER_CHARS = "?0123456789:;"
#: What the CSI texts ``Screen.edit_row`` takes hold before their final byte.
_DIGITS = "0123456789:;"
#: What ``csi_runs`` makes of BS then DCH (a line editor's backspace in the middle of a line): a CSI-like piece of a
#: DEL, which no block holds, kept as the DEL "typed" (``Screen.line_keys``).
_BACK_DELETE = "\x1b[\x7f"
#: The ESC sequences a block of ``csi_runs`` may hold besides CSIs and BSs (``Perform``): DECSC, DECRC, RI, IND and NEL,
#: which full-screen programs send inside a redraw (a status line saved around, vim and less scrolling back at a
#: region's top).  Each is made a CSI-like piece of a C0 control of its own, which no block holds (its runs are
#: printable), and kept in ``_actions`` as the screen's method (``Dispatcher.esc_routes``): a piece like any other,
#: where it cost a trip round the parser's loop, the CSI after it another and a new ``csi_runs`` call (~20,000
#: instructions, callgrind).
_ESC_FINALS = re.compile("\x1b([78DEM])")
_ESC_PIECES = {"7": "\x1b[\x11", "8": "\x1b[\x12", "D": "\x1b[\x13", "E": "\x1b[\x14", "M": "\x1b[\x15"}
#: How many CSI texts ``csi_runs`` keeps the action of (the table starts again when full).
_ACTIONS_KEPT = 4096
#: How each of ConPTY's repaints of a line starts (``CSI ? 25 l`` and a CUP's ``CSI``), and how it ends when it erases
#: the rest of the row (EL, ``CSI ? 25 h``): ``Dispatcher.repaints``.
_REPAINT = "\x1b[?25l\x1b["
_ERASE_SHOW = "\x1b[K\x1b[?25h"
#: A line editor's corrections as ``Screen.edit_row`` takes them (CSI text → what it does, ``EDIT_*``): CUB *n* (BS
#: is CUB 1), EL 0, BS then DCH 1 (the DEL of ``_BACK_DELETE``), CUF *n*, DCH *n*, ICH *n* (with the text for the room
#: it opens), insert mode set and reset; typed characters are added as they are seen (``_typed``).
_EDITS: dict[str, int | str] = {
    **{f"{text}D": value or 1 for text, value in _NUM.items()},
    **{f"{text}K": -1 for text, value in _NUM.items() if not value},
    "\x7f": 0,
    **{f"{text}C": EDIT_CUF + (value or 1) for text, value in _NUM.items()},
    **{f"{text}P": EDIT_DCH + (value or 1) for text, value in _NUM.items()},
    **{f"{text}@": EDIT_ICH + (value or 1) for text, value in _NUM.items()},
    "4h": EDIT_IRM_ON,
    "4l": EDIT_IRM_OFF,
}
#: BSs in a row (``csi_runs`` makes them one CUB when that is the same), kept by ``split``.  Written so that it starts
#: with a literal, which ``sre`` then looks for in a tight loop: ``(\x08+)`` tries a match at every position (2.5x the
#: time on readline's blocks).
_BS_RUNS = re.compile("(\x08\x08*)")
#: BSs in a row → the CUB of as many columns (one BS → ``CSI D``, as ``csi_runs`` writes a BS), for up to a row of
#: the widest screens people use: ``_BS_RUNS.split`` and a ``map`` through this stay in C, where ``re.sub`` with a
#: function made a match object and a Python call per run (line-editor 9.6 % of its instructions in ``sub``).
_CUB_OF_BS = {"\x08" * n: f"\x1b[{n}D" if n > 1 else "\x1b[D" for n in range(1, 513)}


def _cub_of_bs_run(bs_run: re.Match[str]) -> str:
    """CUB of as many columns as *bs_run* has BSs (a run longer than ``_CUB_OF_BS`` holds)."""
    return f"\x1b[{len(bs_run.group())}D"


#: How ``Dispatcher._action_of`` binds a CSI's parameters to its screen method: a count (0 or absent means 1), a
#: selector (EL, ED), two numbers (CUP, DECSTBM), one mode set or reset.
_COUNT, _SELECTOR, _PAIR, _SET, _RESET = range(5)

#: An SGR inside a block of lines; ``split`` leaves its parameter text between the runs.
_SGR_SPLIT = re.compile(r"\x1b\[([0-9:;]*)m")


def _p(params: Params, i: int = 0, default: int = 1) -> int:
    """Parameter *i*, with 0 or absent meaning *default* (the usual VT rule)."""
    if i < len(params) and params[i]:
        return params[i]
    return default


#: ``Dispatcher.sgr_runs`` keeps what blocks of up to this many pairs lay out (colour on every cell, one-offs
#: mostly, is longer and goes its own way without the lookup); 0 turns the memo off (the tests' reference).
_MEMO_PAIRS = 8
#: How many such blocks it keeps before it starts again.
_MEMO_SIZE = 512
#: ``_runs_memo``'s entry for a block seen once (laid out from the second time on), and for one whose runs before
#: the last hold combining marks (the general path each time).
_ONCE: tuple[str, list[int], int] = ("", [], 0)
_MARKS: tuple[str, list[int], int] = ("\x01", [], 0)


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
        #: What a short block of SGR+text pairs (``sgr_runs``) lays out, by the pen it starts with, the last pair's
        #: SGR and the pairs before it (see ``_laid_head``): a shell prints the same coloured prompt again and
        #: again, and test runners and progress bars the same coloured pieces.  Bounded (cleared when full).
        self._runs_memo: dict[tuple[object, ...], tuple[str, list[int], int]] = {}
        #: The pens after each SGR of a line of a block (``print_lines``), and after the line, by the pen it starts
        #: with and its SGRs' texts (bounded as ``_runs_memo``).
        self._pens_memo: dict[tuple[object, ...], tuple[list[int], int]] = {}
        #: The pens of each run of a full-screen program's coloured row (``sgr_runs``), by the pen it starts with and
        #: its SGRs' texts (bounded as ``_runs_memo``; the lists are only read).
        self._row_pens: dict[tuple[object, ...], list[int]] = {}
        self.unknown = 0  # sequences seen that nothing handles (for the status line)
        #: How the OSC being handled ended (BEL or ST): its replies end the same way, as in xterm.
        self._osc_terminator = "\x1b\\"
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
        #: The parser's direct route to the ESC sequences full-screen programs send inside their frames (see
        #: ``Perform``): DECSC/DECRC around a status line, RI at a region's top (vim and less scrolling back), IND and
        #: NEL: the screen's method at once, without ``esc_dispatch`` and the handler that calls it.
        self.esc_routes: dict[str, Simple] = {
            "7": screen.save_cursor,
            "8": screen.restore_cursor,
            "M": screen.reverse_index,
            "D": screen.index,
            "E": screen.next_line,
        }
        #: The parser's direct routes to bracketed paste switched on and off (see ``Perform``), which shells send around
        #: every prompt: the mode only records itself (``Screen.dec_mode_action``), so the routes are the mode set's
        #: own ``add`` and ``discard`` (the screen keeps that set for its life), calls in C without a Python frame.
        self.paste_on: Callable[[], None] = partial(screen.dec_modes.add, M.BRACKETED_PASTE)
        self.paste_off: Callable[[], None] = partial(screen.dec_modes.discard, M.BRACKETED_PASTE)
        # CR LF as one route, valid only while LF means plain index (newline mode adds a CR,
        # which is harmless after CR, so screen.crlf stays exact either way).
        self._c0["\r\n"] = screen.crlf
        #: The parser's direct route to control handlers (see ``Perform``).
        self.controls = self._c0
        #: CSI text → what it does: an SGR's ``(keep, put)``, else a callable without arguments (``_action_of``).
        #: A CUP/HVP of two numbers of up to three digits: ``row << 16 | column`` (1-based, 0 meaning 1), which
        #: ``csi_runs`` moves the cursor by without a call.
        #: Also a piece of ``csi_runs`` (a CSI's text and the run after it) that types a character as a line editor
        #: does (``@k``, ``2@修``: ICH of its width, then the character) → ``(None, character)`` (``_typed``).
        self._actions: dict[str, Callable[[], None] | SgrOp | tuple[None, str] | int] = {}
        #: A line editor's corrections, for ``Screen.edit_row`` (``_EDITS`` and the typed characters seen).
        self._edits: dict[str, int | str] = {}
        self._clear_actions()
        #: Private marker and final → the screen method ``_action_of`` binds parameters to, and how (the
        #: ``csi_raw`` handlers read their parameters the same way).
        self._bound: dict[str, tuple[Callable[..., None], int]] = {
            **{final: (method, _COUNT) for final, method in self._counted().items()},
            "K": (screen.erase_in_line, _SELECTOR),
            "J": (screen.erase_in_display, _SELECTOR),
            "H": (screen.cursor_position, _PAIR),
            "f": (screen.cursor_position, _PAIR),
            "r": (screen.set_margins, _PAIR),
            "h": (screen.set_ansi_mode, _SET),
            "l": (screen.set_ansi_mode, _RESET),
            "?h": (screen.set_dec_mode, _SET),
            "?l": (screen.set_dec_mode, _RESET),
        }
        #: CSI texts whose action is a screen method without arguments: insert mode, which a line editor switches
        #: around every word, a frame and a mode lookup less than ``set_ansi_mode`` with the mode bound (DEC modes:
        #: ``Screen.dec_mode_action``), and CUB 1.
        self._plain: dict[str, Callable[[], None]] = {
            "4h": screen.insert_mode_on,
            "4l": screen.insert_mode_off,
            # CUB 1 is BS (a line editor's, which ``csi_runs`` takes as CUB 1).
            "D": screen.backspace,
            "0D": screen.backspace,
            "1D": screen.backspace,
        }
        #: The parser's direct route to the CSIs full-screen programs send most (see ``Perform``): final byte
        #: (``"?"`` + final for DEC private ones) → a handler of the raw parameter text.
        self.csi_raw: dict[str, Callable[[str], None]] = self._raw_handlers()

    # ------------------------------------------------------------ Perform
    def execute(self, ch: str) -> None:
        self._c0_get(ch)()

    def forget_last_print(self) -> None:
        """The parser saw something between the last printed character and a REP (see ``Perform``)."""
        self.screen.last_run = ""

    def csi_dispatch(self, private: str, params: str, intermediates: str, final: str) -> None:
        if final == "m" and not private and not intermediates:
            # SGR, the most frequent sequence: an AND and an OR on the pen (see ``compile_sgr``). The parser's fast
            # path reaches ``_raw_sgr`` directly (``csi_raw``); this is the general path's way there.
            self._raw_sgr(params)
            return
        fn = self._csi.get(private + intermediates + final)
        if fn is None:
            self.unknown += 1
        else:
            values, groups = parse_params(params)
            fn(values, groups)

    def csi_runs(self, block: str, escs: bool = False) -> bool:
        """CSIs, BSs and with *escs* the ESC sequences of ``esc_routes``, each with the printable run after it (see
        ``Perform``): a full-screen program's redraw, a line editor's corrections, one call from the parser instead of
        a trip round its loop per sequence.  True if the last run is not empty.

        Each CSI's text (``12;40H``, ``?25l``) is looked up in ``_actions``: what it does, ready to call without
        arguments (the screen method with its parameters bound), built the first time the text is seen.
        """
        actions_get = self._actions.get
        screen = self.screen
        draw = self.print
        run = ""
        edits = self._edits
        backspaces = "\x08" in block
        if backspaces:
            # A backspace in the middle of a line (BS then DCH) is kept as a DEL "typed" (``_BACK_DELETE``); BS is
            # CUB 1 (``cursor_back(1)`` either way, reverse wraparound included), found in ``_actions`` like any
            # kept CSI.
            block = block.replace("\x08\x1b[P", _BACK_DELETE)
            if "\x08\x08" in block and not screen._reverse_wrap and "45" not in block:
                # bash's readline backs over the rest of a line it redrew with a BS per cell (a character typed or
                # deleted in the middle of the line): a piece and a call each (line-editor 1,280 instructions/byte).
                # Without reverse wraparound (modes 45 and 1045, off and not turned on in this block: no "45" in it)
                # n BSs are CUB n: each steps left and stops at the left margin (at the first column from left of
                # it), and so does CUB n at once.
                parts = _BS_RUNS.split(block)
                try:
                    parts[1::2] = map(_CUB_OF_BS.__getitem__, parts[1::2])
                except KeyError:  # more BSs in a row than a row of 512 columns has
                    parts[1::2] = [_cub_of_bs_run(m) for m in _BS_RUNS.finditer(block)]
                block = "".join(parts)
            else:
                block = block.replace("\x08", "\x1b[D")
        if escs:
            # ESC sequences that start no CSI: DECSC, DECRC, RI, IND or NEL (``_ESC_FINALS``), each made a piece.
            parts = _ESC_FINALS.split(block)
            parts[1::2] = map(_ESC_PIECES.__getitem__, parts[1::2])
            block = "".join(parts)
        pieces = block.split("\x1b[")
        del pieces[0]  # the empty text before the first CSI
        first = pieces[0]
        if (
            (first in edits or (backspaces and first[: len(first) - len(first.lstrip(_DIGITS)) + 1] in edits))
            and (
                len(pieces) == 1
                or (second := pieces[1]) in edits
                or second[: len(second) - len(second.lstrip(_DIGITS)) + 1] in edits
            )
        ):
            # A line editor's corrections (BS, CUB, CUF, typed characters, backspaces deleting, DCH, ICH and its text,
            # insert mode around a word, EL, text after any of them): on the row at once, as far as they go.  Not for
            # one edit before something else (an EL in a redraw, a CUF before a CUP): ``edit_row``'s checks cost more
            # than the one piece the loop below does.  A first piece with a run is looked at only in a block with a
            # BS (readline's: BSs back, then the rest of the line redrawn), so that other programs' blocks (a CUP and
            # a row) pay nothing for it.
            edits_get = edits.get
            done = screen.edit_row(pieces, edits_get)
            if done == len(pieces):
                last = edits_get(pieces[-1])
                return last is None or last.__class__ is str  # a run after the last CSI, or a typed character
            del pieces[:done]
        typed = None  # characters each typed as ICH of its width and the character (DEL: a backspace deleting)
        # The runs printed since the last CSI that is not an SGR, and the pen each is printed in: a full-screen
        # program's row is a run or two cut by colour changes (htop's CPU column, vim's line number), written at once
        # (``Screen.write_runs``) before the next action that may read the row, the cursor or the pen.
        runs: list[str] | None = None
        pens: list[int] = []
        for piece in pieces:
            # A piece is a CSI's text and the run after it.  Most CSIs of a redraw have no run after them, so the
            # piece itself is looked up first (a kept text is a whole CSI, so it never equals a piece with a run).
            action = actions_get(piece)
            if action is None:
                # The CSI's text ends at its final byte, the first character that is not a parameter or the private
                # marker (the parser checked: a CSI starts each piece, ``?`` only first).  ``lstrip`` finds it in C
                # for less than a match and its groups (~1,500 instructions a piece with a run).
                run = piece.lstrip(_PARAMETER_CHARS)
                seq = piece[: len(piece) - len(run) + 1]
                run = run[1:]
                if run and seq[-1] == "@" and (count := _NUM_OF(seq[:-1])) is not None:
                    if runs is not None:
                        self._flush_runs(runs, pens)
                        runs = None
                    if len(run) == 1 and self._typed(piece, count or 1, run):
                        typed = run if typed is None else typed + run
                        continue
                    if typed is not None:
                        screen.line_keys(typed)
                        typed = None
                    # ICH and the characters for the room it opens (a line editor inserting): one screen step.
                    screen.insert_text(count or 1, run)
                    continue
                action = actions_get(seq)
                if action is None:
                    action = self._action_of(seq)
            else:
                run = ""
            if type(action) is tuple:  # cheaper than isinstance here (a name lookup and a call less per CSI)
                keep, put = action
                if keep is None:
                    if runs is not None:
                        self._flush_runs(runs, pens)
                        runs = None
                    # A typed character (``_typed``) or a backspace deleting (DEL): the keystrokes in a row go to the
                    # screen at once, before anything else acts.
                    typed = put if typed is None else typed + put  # type: ignore[operator,assignment]  # a typed character's
                    if run:  # a backspace deleting, then text
                        screen.line_keys(typed)  # type: ignore[arg-type]
                        typed = None
                        draw(run)
                    else:
                        run = "" if put == "\x7f" else put  # type: ignore[assignment]  # REP repeats no DEL
                    continue
                if typed is not None:
                    screen.line_keys(typed)
                    typed = None
                # SGR, inline (``_raw_sgr``): the pen's AND and OR, a call less per colour change.
                sid = screen.sid = screen.sid & keep | put  # type: ignore[operator]  # an SGR's
                if run:
                    if runs is None:
                        runs = [run]
                        pens = [sid]
                    else:
                        runs.append(run)
                        pens.append(sid)
                continue
            if runs is not None:
                if piece == "K" and screen.write_runs(runs, pens, True):
                    runs = None
                    continue  # EL done with the runs (a repainted row's end)
                if len(runs) == 1 and pens[0] == screen.sid:
                    draw(runs[0])
                else:
                    self._flush_runs(runs, pens)
                runs = None
            if typed is not None:
                screen.line_keys(typed)
                typed = None
            if type(action) is int:
                # CUP/HVP (``_action_of``): ``Screen.cursor_position`` inline outside origin mode, a call less (and
                # not a ``partial``'s, which costs a C call into a new interpreter frame).
                row = action >> 16
                col = action & 0xFFFF
                screen.pending_wrap = False
                if screen.origin:
                    # Relative to the margins and kept inside them (``Screen._cursor_set``), inline too: a program may
                    # leave DECOM on (windows-console's 34-mode DECSET does), and every CUP was two calls then.
                    row = screen.top + (row - 1 if row > 1 else 0)
                    last = screen.bottom
                    screen.y = row if row < last else last
                    col = screen.left + (col - 1 if col > 1 else 0)
                    last = screen.right
                    screen.x = col if col < last else last
                else:
                    last = screen.rows
                    screen.y = 0 if row < 1 else row - 1 if row < last else last - 1
                    last = screen.cols
                    screen.x = 0 if col < 1 else col - 1 if col < last else last - 1
                if run:
                    # Kept for a batch, not drawn: the run after a CUP is a row's text, followed by EL (ConPTY's
                    # repaint of a line, ``?25l CUP text EL ?25h``; vim's and htop's short rows) or by colour changes
                    # and more runs (vim's line number, then its code): written with them in one ``write_runs``.
                    runs = [run]
                    pens = [screen.sid]
                continue
            else:
                action()  # type: ignore[operator]  # a callable (mypy narrows only the ``is`` branches)
            if run:
                draw(run)  # not kept for a batch: most such runs (a word typed in insert mode) are followed by a CSI
        if runs is not None:
            self._flush_runs(runs, pens)
        if typed is not None:
            screen.line_keys(typed)
        return run != ""

    def repaints(self, block: str) -> None:
        """ConPTY's repaints of lines (see ``Perform``): each ``CSI ? 25 l``, a CUP, the line's text, maybe EL and
        ``CSI ? 25 h``; a cursor move and one row write each (``Screen.repaint_line``) instead of four ``csi_runs``
        pieces (~20,000 instructions a line more).  Hiding and showing the cursor around each line leaves it shown,
        with the row it was on before the first and the rows written marked dirty, as the general way does; a line
        the fast write does not take goes the general way (``csi_runs``) with the rest of the block."""
        screen = self.screen
        actions_get = self._actions.get
        screen.dirty.add(screen.y)  # the first ``CSI ? 25 l``'s (the others' are rows written)
        pieces = block.split(_REPAINT)
        for i in range(1, len(pieces)):  # the first is the empty text before the first repaint
            piece = pieces[i]
            text = piece.lstrip("0123456789;")
            cup = piece[: len(piece) - len(text) + 1]
            erase = text.endswith(_ERASE_SHOW)
            text = text[1:-9] if erase else text[1:-6]  # from after the CUP's H, without EL and ?25h (9) or ?25h (6)
            action = actions_get(cup)
            if action is None:
                action = self._action_of(cup)
            if type(action) is not int or not screen.repaint_line(action, text, erase):
                self.csi_runs(_REPAINT + _REPAINT.join(pieces[i:]))
                return
        screen.show_cursor()

    def _flush_runs(self, runs: list[str], pens: list[int]) -> None:
        """``csi_runs``' runs since its last CSI that is not an SGR, each in its pen (the screen's pen is the last):
        ``draw`` for one run in the pen, else one write of them all (``Screen.write_runs``)."""
        screen = self.screen
        if len(runs) == 1:
            pen = screen.sid
            if pens[0] == pen:
                self.print(runs[0])
            else:  # a run in colour, then the pen reset (``CSI 0 m``)
                screen.sid = pens[0]
                self.print(runs[0])
                screen.sid = pen
        elif not screen.write_runs(runs, pens):
            screen.draw_each(runs, pens)

    def _clear_actions(self) -> None:
        """Empty ``_actions`` (when full), keeping the piece a backspace deleting becomes in ``csi_runs``."""
        self._actions.clear()
        self._actions[_BACK_DELETE[2:]] = (None, "\x7f")
        for final, piece in _ESC_PIECES.items():
            self._actions[piece[2:]] = self.esc_routes[final]
        self._edits = dict(_EDITS)

    def _typed(self, piece: str, count: int, char: str) -> bool:
        """Whether *piece* (``@k``, ``2@修``) types *char* as a line editor does, ICH of its width then the character;
        if so, *char* is kept as the piece's (``csi_runs`` then inserts a word of such pieces at once)."""
        laid = cells(char)
        if len(laid) != count or ZERO_MARK in laid:
            return False
        actions = self._actions
        if len(actions) >= _ACTIONS_KEPT:
            self._clear_actions()
        actions[piece] = (None, char)
        self._edits[piece] = char
        return True

    def _action_of(self, seq: str) -> Callable[[], None] | SgrOp | int:
        """What the CSI of text *seq* (private marker, parameters, final) does, kept in ``_actions``: for an SGR its
        ``(keep, put)`` on the pen (not kept for a one-off true colour, as in ``_sgr_ops``); else a callable without
        arguments: the screen method with its parameters bound for the frequent ones read in one lookup (as their
        ``csi_raw`` handlers do), else the ``csi_raw`` handler or ``csi_dispatch`` with the text bound.  Only what
        the text says is bound, never any state, so a kept action stays exact."""
        final = seq[-1]
        private = "?" if seq[0] == "?" else ""
        params = seq[1:-1] if private else seq[:-1]
        actions = self._actions
        if final == "m" and not private:
            op = self._sgr_ops.get(params)
            if op is None:
                op = self._sgr_op(params)
                if params not in self._sgr_ops:
                    return op  # a one-off true colour
            if len(actions) >= _ACTIONS_KEPT:
                self._clear_actions()
            actions[seq] = op
            return op
        action: Callable[[], None] | None = self._plain.get(seq)
        bound = self._bound.get(private + final) if action is None else None
        if bound is not None:
            method, how = bound
            if how == _PAIR:  # CUP/HVP, DECSTBM
                first, _, second = params.partition(";")
                a = _NUM_OF(first)
                b = _NUM_OF(second)
                if a is not None and b is not None:
                    if final == "r":
                        action = partial(method, a, b)
                    else:
                        # CUP/HVP, a full-screen program's every few bytes: its numbers, read by ``csi_runs`` inline.
                        if len(actions) >= _ACTIONS_KEPT:
                            self._clear_actions()
                        actions[seq] = cup = a << 16 | b
                        return cup
            elif how >= _SET:  # _SET or _RESET
                # One mode (``?25``, ``4``, and the four-digit ones programs switch around every start: ``?1004``,
                # ``?2004``, ``?9001``): up to five digits, as ``_dec_mode_raw``; 1048 is DECSC/DECRC, which the
                # catalogue handler routes.
                if params.isdigit() and len(params) <= 5:
                    mode = int(params)
                    if mode > 65535 or (private and mode == M.SAVE_CURSOR):
                        pass
                    elif private:
                        action = self.screen.dec_mode_action(mode, how == _SET)
                    else:
                        action = partial(method, mode, how == _SET)
            elif (n := _NUM_OF(params)) is not None:
                action = partial(method, n or 1) if how == _COUNT else partial(method, n)
        if action is None:
            handler = self.csi_raw.get(private + final)
            if handler is not None:
                action = partial(handler, params)
            else:
                action = partial(self.csi_dispatch, private, params, "", final)
        if len(actions) >= _ACTIONS_KEPT:
            self._clear_actions()
        actions[seq] = action
        return action

    def _raw_handlers(self) -> dict[str, Callable[[str], None]]:
        """Handlers of raw parameter text for the frequent CSIs, each exactly its catalogue handler.

        A CSI through ``csi_dispatch`` costs five or six Python calls (the dispatch, the parameter parser,
        the handler, ``_p`` per parameter, the screen method); these cost two.  Parameters of up to three
        digits are read by one lookup in ``_NUM``; anything else goes to the catalogue handler, so the
        result is the same whatever the text (``tests/vt/test_csi_raw.py`` holds them to it).
        """
        handlers: dict[str, Callable[[str], None]] = {"m": self._raw_sgr}
        for key, (method, how) in self._bound.items():
            general = self._general(key)
            if how == _PAIR:
                handlers[key] = self._two_numbers(method, general)
            elif how in (_COUNT, _SELECTOR):
                handlers[key] = self._one_number(method, general, lowest=1 if how == _COUNT else 0)
            elif key[0] == "?":
                handlers[key] = self._dec_mode_raw(how == _SET, general)
            else:
                handlers[key] = self._ansi_mode(how == _SET, general)
        return handlers

    def _counted(self) -> dict[str, Callable[[int], None]]:
        """The CSIs of one count (absent or 0 means 1; the screen methods saturate larger ones) → screen method."""
        screen = self.screen
        return {
            "@": screen.insert_chars,
            "A": screen.cursor_up,
            "B": screen.cursor_down,
            "C": screen.cursor_forward,
            "D": screen.cursor_back,
            "E": screen.cursor_next_line,
            "F": screen.cursor_previous_line,
            "G": screen.cursor_to_column,
            "L": screen.insert_lines,
            "M": screen.delete_lines,
            "P": screen.delete_chars,
            "S": screen.scroll_up,
            "X": screen.erase_chars,
            "`": screen.cursor_to_column,
            "d": screen.cursor_to_line,
        }

    def _general(self, key: str) -> Callable[[str], None]:
        """The catalogue handler of CSI *key* (private marker and final), taking raw parameter text."""
        fn = self._csi[key]

        def general(params: str) -> None:
            values, groups = parse_params(params)
            fn(values, groups)

        return general

    @staticmethod
    def _one_number(
        method: Callable[[int], None], general: Callable[[str], None], *, lowest: int
    ) -> Callable[[str], None]:
        """A CSI of one number: a count (``lowest=1``: absent or 0 means 1; the screen methods saturate larger
        ones) or a selector (``lowest=0``: EL, ED)."""

        def handler(params: str) -> None:
            n = _NUM_OF(params)
            if n is None:
                general(params)
            else:
                method(n or lowest)

        return handler

    @staticmethod
    def _two_numbers(method: Callable[[int, int], None], general: Callable[[str], None]) -> Callable[[str], None]:
        """A CSI of two numbers (CUP/HVP, DECSTBM), each absent or of up to three digits; anything else goes the
        catalogue's way."""

        def handler(params: str) -> None:
            first, _, second = params.partition(";")
            a = _NUM_OF(first)
            b = _NUM_OF(second)
            if a is None or b is None:
                general(params)
            else:
                method(a, b)

        return handler

    def _ansi_mode(self, on: bool, general: Callable[[str], None]) -> Callable[[str], None]:
        """SM/RM of one mode (insert mode ``CSI 4 h`` around an inserted word)."""
        set_mode = self.screen.set_ansi_mode

        def handler(params: str) -> None:
            mode = _NUM_OF(params)
            if mode is None or not params:
                general(params)
            else:
                set_mode(mode, on)

        return handler

    def _dec_mode_raw(self, on: bool, general: Callable[[str], None]) -> Callable[[str], None]:
        """DECSET/DECRST of one mode (the cursor hidden and shown around every repaint)."""
        set_mode = self.screen.set_dec_mode
        save_cursor = M.SAVE_CURSOR

        def handler(params: str) -> None:
            mode = _NUM_OF(params)  # up to three digits (the cursor shown or hidden: ``?25``)
            if mode is None or not params:
                n = len(params)
                if not 0 < n <= 5 or not params.isdigit():
                    general(params)
                    return
                mode = int(params)
                if mode == save_cursor or mode > 65535:
                    general(params)
                    return
            set_mode(mode, on)

        return handler

    def _raw_sgr(self, params: str) -> None:
        """SGR: the pen's AND and OR for these parameters, compiled once per parameter text."""
        op = self._sgr_ops.get(params)
        if op is None:
            op = self._sgr_op(params)
        keep, put = op
        screen = self.screen
        screen.sid = screen.sid & keep | put

    def esc_dispatch(self, intermediates: str, final: str) -> None:
        key = intermediates + final
        fn = self._esc.get(key)
        if fn is not None:
            fn()
        elif intermediates and intermediates[0] in "()*+":
            self._designate("()*+".index(intermediates[0]), intermediates[1:] + final)
        else:
            self.unknown += 1

    def osc_dispatch(self, data: str, terminator: str) -> None:
        command, _, rest = data.partition(";")
        fn = self._osc.get(command)
        if fn is None:
            self.unknown += 1
            return
        self._osc_terminator = terminator
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

    def back_index(self) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.back_index()

    def forward_index(self) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.forward_index()

    def start_protected_area(self) -> None:
        self.screen.set_protection(True, iso=True)

    def end_protected_area(self) -> None:
        self.screen.set_protection(False, iso=True)

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

        Colour on every cell runs this once per cell, mostly on one-off colours, so ``_sgr_op`` is inlined: a call
        per cell costs as much as the work itself.  The one-offs' common shapes (one true colour; foreground and
        background together, both from the palette or both true, as image viewers' half blocks send them) are put on
        the pen here from the component tables (``_FG_RED`` …), without ``colour_op``'s shifts and tuple.  Such
        pairs are not kept in ``_sgr_ops`` either: kept, their 65,536 palette combinations filled the table, whose
        clearing then dropped the SGRs that do recur (sgr-dense 845 → 747 instructions/byte).
        """
        ops = self._sgr_ops
        ops_get = ops.get
        op_of = colour_op
        append = sids.append
        for pstr in pstrs:
            op = ops_get(pstr)
            if op is None:
                parts = pstr.split(";")
                if len(parts) == 5 and parts[1] == "2":  # a one-off true colour: straight onto the pen
                    try:
                        if parts[0] == "38":
                            sid = sid & _KEEP_BG | _FG_RED[parts[2]] | _FG_GREEN[parts[3]] | _FG_BLUE[parts[4]]
                            append(sid)
                            continue
                        if parts[0] == "48":
                            sid = sid & _KEEP_FG | _BG_RED[parts[2]] | _BG_GREEN[parts[3]] | _BG_BLUE[parts[4]]
                            append(sid)
                            continue
                    except KeyError:
                        pass  # not one to three digits: colour_op or the general parser says what it does
                elif len(parts) == 6 and parts[0] == "38" and parts[1] == "5" and parts[3] == "48" and parts[4] == "5":
                    try:  # both colours from the palette at once (256-colour images of half blocks)
                        put = _FG_INDEX[parts[2]] | _BG_INDEX[parts[5]]
                    except KeyError:
                        pass
                    else:
                        sid = sid & _KEEP_NEITHER | put
                        append(sid)
                        if len(ops) > 4096:  # kept, as _keep_op keeps: an image shown again finds its pairs
                            ops.clear()
                        ops[pstr] = (_KEEP_NEITHER, put)
                        continue
                elif len(parts) == 10 and parts[0] == "38" and parts[1] == "2" and parts[5] == "48" and parts[6] == "2":
                    try:  # both colours true at once (chafa's and timg's half blocks)
                        sid = (
                            sid & _KEEP_NEITHER
                            | _FG_RED[parts[2]]
                            | _FG_GREEN[parts[3]]
                            | _FG_BLUE[parts[4]]
                            | _BG_RED[parts[7]]
                            | _BG_GREEN[parts[8]]
                            | _BG_BLUE[parts[9]]
                        )
                        append(sid)
                        continue
                    except KeyError:
                        pass
                op = op_of(pstr)
                if op is None:
                    op = self._sgr_general(pstr)
                elif not op[1] & TRUE_COLOUR_BITS:
                    self._keep_op(pstr, op)
            keep, put = op
            sid = sid & keep | put
            append(sid)
        return sid

    def sgr_runs(self, params: str, run: str, rest: str) -> None:
        """SGR then print, for the first pair and each of *rest* (see ``Perform``): styles resolved at once, text
        written at once.

        A short block (a prompt, a test runner's coloured word) is looked up in ``_runs_memo``: everything but its
        last run is laid out and styled once (``_laid_head``), and the last run (where a line editor's echo of the
        typed line follows a prompt) is laid out and appended each time; then one write (``Screen.write_laid``).
        Resolving the pens, laying out each run and building the cells' styles cost ~30,000 instructions on a
        four-piece prompt, the lookup a few hundred.  The key is the block's text up to its last run (with the pen
        and the first pair): cutting the block into pairs (``_SGR_PAIR.findall``) cost a prompt ~8,000 more.  In a
        full-screen program's screen, where rows are seen once and their pens recur, the pens are kept instead
        (``_row_pens``)."""
        screen = self.screen
        if screen.alt_active or screen.top:
            # A full-screen program's screen (the alternate screen, a region below the top of the main one): its
            # coloured rows are mostly seen once (vim's line number and its code, scrolled in at a region's bottom;
            # htop's rows), and the memo by text below kept them in vain (a tuple, a lookup and a store a row, then
            # the general way).  Their pens recur: kept by the pen the row starts with and the SGRs' texts
            # (``_row_pens``, as ``print_lines`` keeps a log line's), the row is cut once and written at once.
            parts = _SGR_SPLIT.split(rest)
            pstrs = parts[1::2]
            runs = parts[2::2]
            runs.insert(0, run)
            sid = screen.sid
            if len(pstrs) < _MEMO_PAIRS:
                key = (sid, params, *pstrs)
                pens = self._row_pens.get(key)
                if pens is None:
                    row_pens = self._row_pens
                    if len(row_pens) >= _MEMO_SIZE:
                        row_pens.clear()
                    pens = row_pens[key] = []
                    pstrs.insert(0, params)
                    self._pens_after(pstrs, sid, pens)
            else:  # colour on every cell: rows of one-off pens, not kept
                pens = []
                pstrs.insert(0, params)
                self._pens_after(pstrs, sid, pens)
            screen.sid = pens[-1]
            if not screen.write_runs(runs, pens):
                screen.draw_each(runs, pens)
            return
        if rest.count("\x1b[") < _MEMO_PAIRS:
            last = rest.rfind("\x1b[")
            end = rest.index("m", last)  # the last SGR's final: its parameters hold no "m"
            key = (screen.sid, params, run, rest[:end])
            memo = self._runs_memo
            laid = memo.get(key)
            if laid is None:
                # Seen once: only the key is kept, and the block goes the general way.  A full-screen program's
                # coloured pieces (htop's rows, a status line) are mostly one-offs, and laying them out for the
                # memo cost cursor-scroll 2.4 % (1,032 -> 1,057 instructions/byte).
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[key] = _ONCE
            elif laid is _ONCE:
                laid = self._laid_head(key, [(params, run), *_SGR_PAIR.findall(rest)])
            if laid is not None and laid is not _ONCE and laid is not _MARKS:
                head, seg, sid = laid
                tail = rest[end + 1 :]
                if not tail.isascii():
                    tail = cells(tail)
                n = len(tail)
                if ZERO_MARK not in tail and screen.write_laid(head + tail, seg + [sid] * n, tail):
                    screen.sid = sid
                    return
        pairs = [(params, run), *_SGR_PAIR.findall(rest)]
        sids: list[int] = []
        screen.sid = self._pens_after([pstr for pstr, _run in pairs], screen.sid, sids)
        self._flush_runs([run for _pstr, run in pairs], sids)

    def _laid_head(self, key: tuple[object, ...], pairs: list[tuple[str, str]]) -> tuple[str, list[int], int]:
        """What ``sgr_runs`` keeps for *key* (replacing ``_ONCE``): the cells of every run of *pairs* but the last,
        their style ids and the pen after the last SGR; ``_MARKS`` if a run holds combining marks."""
        sids: list[int] = []
        sid = self._pens_after([pstr for pstr, _run in pairs], key[0], sids)  # type: ignore[arg-type]  # the pen
        runs = cells_each([run for _pstr, run in pairs[:-1]])
        head = "".join(runs)
        laid = _MARKS
        if ZERO_MARK not in head:
            seg: list[int] = []
            for cells_, s in zip(runs, sids, strict=False):
                seg += [s] * len(cells_)
            laid = (head, seg, sid)
        self._runs_memo[key] = laid
        return laid

    def print_lines(self, block: str) -> None:
        """Whole lines from the parser (see ``Perform``): printable text, HTs and SGRs, each line ending in CR LF.

        The lines with SGRs are cut at them and every SGR resolved to a style id here, where the
        SGR table is, so the screen gets each such line as runs with their ids and lays the whole
        block out at once (``Screen.print_lines``).
        """
        if "\x1b(" in block:
            # ``ESC ( B``, which ncurses programs (top, htop) send before every ``CSI m``: G0 designated ASCII again,
            # which changes nothing where G0 is ASCII already (the translation and the shifts stay as they are).
            # Elsewhere (line drawing in G0) the block's events one by one, as the state machine reports them.
            if self.screen.charsets[0] != "B":
                Parser(self).feed_traced(block)
                return
            block = block.replace("\x1b(B", "")
        if "\x1b[?" in block:
            self._lines_with_modes(block)
            return
        if "\x85" in block or "\x9b" in block:
            if not self._c1_in_lines(block):
                return
            block = block.replace("\x9b", "\x1b[").replace("\x85", "\r\n")
        texts = block.split("\r\n")
        texts.pop()
        screen = self.screen
        if "\x1b" not in block:
            screen.print_lines(texts)
            return
        split = _SGR_SPLIT.split
        pens_after = self._pens_after
        pens_memo = self._pens_memo
        sid = screen.sid
        pens: dict[int, tuple[list[str], list[int]]] = {}
        erased: set[int] | None = None  # the lines with EL just before their CR LF (ConPTY's repainted lines)
        for k, text in enumerate(texts):
            if "\x1b" in text:
                if text[-3:] == "\x1b[K":  # the block's only other sequence, and only there
                    text = text[:-3]
                    if erased is None:
                        erased = set()
                    erased.add(k)
                    if "\x1b" not in text:
                        texts[k] = text
                        continue
                parts = split(text)
                pstrs = parts[1::2]
                if len(pstrs) <= _MEMO_PAIRS:
                    # A log line's few colour changes (``--- PASS``, a bold word) recur: their pens, by the pen
                    # the line starts with, are kept (``_pens_memo``; the lists are only read).
                    key = (sid, *pstrs)
                    kept = pens_memo.get(key)
                    if kept is None:
                        if len(pens_memo) >= _MEMO_SIZE:
                            pens_memo.clear()
                        sids = [sid]
                        kept = pens_memo[key] = (sids, pens_after(pstrs, sid, sids))
                    sids, sid = kept
                else:
                    sids = [sid]
                    sid = pens_after(pstrs, sid, sids)
                pens[k] = (parts[0::2], sids)
                texts[k] = ""  # not read: the runs say what the line prints
        screen.print_lines(texts, pens or None, erased)

    def _lines_with_modes(self, block: str) -> None:
        """Lines with DECTCEM (``?25``) or bracketed paste (``?2004``) in them: the lines printed without them, then
        the last of each done.  ConPTY hides the cursor before each repaint and shows it after (at the bottom of the
        screen a repaint is only lines); bash 5.1+ turns bracketed paste off after the CR LF that accepts a line,
        then CR, then the command's output (``CR LF CSI ? 2004 l CR``, at a block's start only, just after a CR LF,
        where the CR moves nothing, and never before a CR LF; the parser now reports that switch to ``paste_off`` and
        the lines after it as a block of their own, so only a caller of its own hands such a block).  Neither changes
        what a line prints, and the next changes what the one before did, so only the last of each counts.  The rows the
        cursor was shown or hidden on are marked changed (the row the block starts on, the row it ends on, and the
        rows the lines were printed on), as each would have marked the cursor's row."""
        screen = self.screen
        top = screen.y
        cursor = paste = None
        if "\x1b[?25" in block:
            cursor = block.rfind("\x1b[?25h") > block.rfind("\x1b[?25l")
            block = block.replace("\x1b[?25l", "").replace("\x1b[?25h", "")
        if "\x1b[?2004" in block:
            paste = block.rfind("\x1b[?2004h") > block.rfind("\x1b[?2004l")
            block = block.replace("\x1b[?2004l\r", "").replace("\x1b[?2004h\r", "")
        self.print_lines(block)
        if paste is not None:
            screen.dec_mode_action(M.BRACKETED_PASTE, paste)()
        if cursor is not None:
            screen.dirty.add(top)
            screen.dec_mode_action(M.DECTCEM, cursor)()

    def _c1_in_lines(self, block: str) -> bool:
        """A block of lines with C1 controls (UTF-8 output of U+0085 NEL and U+009B CSI, see ``print_lines``):
        True if it means the same with NEL as CR LF and C1 CSI as ESC [, else (left/right margins, where NEL's
        index comes before its carriage return and may not scroll) its events are reported one by one through
        the state machine, and False."""
        if not self.screen.narrow_margins:
            return True
        Parser(self).feed_traced(block)
        return False

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

    def csi_decsed(self, p: Params, g: Groups) -> None:
        self.screen.erase_in_display(_p(p, 0, 0), selective=True)

    def csi_decsel(self, p: Params, g: Groups) -> None:
        self.screen.erase_in_line(_p(p, 0, 0), selective=True)

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

    def csi_hpr(self, p: Params, g: Groups) -> None:
        self.screen.cursor_forward_cols(_p(p))

    def csi_sl(self, p: Params, g: Groups) -> None:
        self.screen.scroll_left(_p(p))

    def csi_sr(self, p: Params, g: Groups) -> None:
        self.screen.scroll_right(_p(p))

    def csi_decic(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.insert_columns(_p(p))

    def csi_decdc(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.delete_columns(_p(p))

    def csi_tbc(self, p: Params, g: Groups) -> None:
        self.screen.clear_tab_stop(_p(p, 0, 0))

    def csi_sm(self, p: Params, g: Groups) -> None:
        for mode in p:
            self.screen.set_ansi_mode(mode, True)

    def csi_rm(self, p: Params, g: Groups) -> None:
        for mode in p:
            self.screen.set_ansi_mode(mode, False)

    def csi_decset(self, p: Params, g: Groups) -> None:
        self._dec_modes(p, True)

    def csi_decrst(self, p: Params, g: Groups) -> None:
        self._dec_modes(p, False)

    def _dec_modes(self, modes: Params, on: bool) -> None:
        """DECSET (*on*) or DECRST of each of *modes* in turn: the screen's ``set_dec_mode``, straight from the loop
        (a call per mode less than through a helper deciding each, when several modes are set at once: a program's
        start, ConPTY's ``?1004;9001h``, a Windows console's 34-mode DECSET), but for 1048, which saves or restores
        the cursor."""
        screen = self.screen
        set_mode = screen.set_dec_mode
        save_cursor = M.SAVE_CURSOR
        for mode in modes:
            if mode != save_cursor:
                set_mode(mode, on)
            elif on:
                screen.save_cursor()
            else:
                screen.restore_cursor()

    def csi_xtsave(self, p: Params, g: Groups) -> None:
        self.screen.save_modes(list(p))

    def csi_xtrestore(self, p: Params, g: Groups) -> None:
        self.screen.restore_modes(list(p))

    def csi_decstbm(self, p: Params, g: Groups) -> None:
        self.screen.set_margins(_p(p, 0, 0), _p(p, 1, 0))

    def csi_decstr(self, p: Params, g: Groups) -> None:
        self.screen.soft_reset()

    def csi_decscusr(self, p: Params, g: Groups) -> None:
        self.screen.set_cursor_shape(_p(p, 0, 0))

    def csi_scosc(self, p: Params, g: Groups) -> None:
        """``CSI s``: DECSLRM while DECLRMM is set, else SCOSC (save cursor, only without parameters)."""
        if self.screen.lr_mode:
            self.screen.set_lr_margins(_p(p, 0, 0), _p(p, 1, 0))
        elif not p:
            self.screen.save_cursor()

    def csi_scorc(self, p: Params, g: Groups) -> None:
        if not p:
            self.screen.restore_cursor()

    def csi_xtwinops(self, p: Params, g: Groups) -> None:
        """The title stack, and the text area's size in characters (18): nothing a program could not learn
        from its own tty (TIOCGWINSZ / the console size), and what conformance suites ask before each test.
        Title and icon reports, pixel and position reports and every window move, resize or iconify are
        refused (hostile output, DESIGN §7)."""
        op = _p(p, 0, 0)
        if op == 22:
            self.screen.push_title()
        elif op == 23:
            self.screen.pop_title()
        elif op == 18:
            self.screen.reply(f"\x1b[8;{self.screen.rows};{self.screen.cols}t")

    def csi_decsca(self, p: Params, g: Groups) -> None:
        """DECSCA: 1 protects the cells printed from now on from selective erases; 0 and 2 end that."""
        how = _p(p, 0, 0)
        if how in (0, 1, 2):
            self.screen.set_protection(how == 1)

    def csi_decscl(self, p: Params, g: Groups) -> None:
        """DECSCL: a conformance level 61-65 (with a soft reset, as xterm); replies stay 7-bit whatever Pc says."""
        level = _p(p, 0, 0)
        if 61 <= level <= 65:
            self.screen.soft_reset()
            self.screen.vt_level = level - 60

    def csi_decfra(self, p: Params, g: Groups) -> None:
        """DECFRA ``Pch;Pt;Pl;Pb;Pr``: the fill character must be printable and one cell wide (xterm also
        takes Unicode; a wide one would not fit a cell)."""
        if self.screen.vt_level < 4:
            return
        if not p:
            return
        code = p[0] or 32
        char = chr(code)
        if (32 <= code < 127 or code >= 160) and text_width(char) == 1:
            self.screen.fill_rect(char, p[1:5])

    def csi_decera(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.erase_rect(p[:4])

    def csi_decsera(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.selective_erase_rect(p[:4])

    def csi_deccra(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.copy_rect(p)

    def csi_deccara(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.change_rect_attributes(p, reverse=False)

    def csi_decrara(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 4:
            return
        self.screen.change_rect_attributes(p, reverse=True)

    def csi_decsace(self, p: Params, g: Groups) -> None:
        how = _p(p, 0, 0)
        if how in (0, 1, 2):
            self.screen.attr_extent = how

    def csi_xtchecksum(self, p: Params, g: Groups) -> None:
        """XTCHECKSUM: xterm's extension bits for DECRQCRA (0 is DEC's checksum)."""
        self.screen.checksum_ext = _p(p, 0, 0)

    def csi_decrqcra(self, p: Params, g: Groups) -> None:
        """DECRQCRA ``Pi;Pg;Pt;Pl;Pb;Pr``: ``DCS Pi ! ~ xxxx ST``, the checksum of the screen's own cells."""
        if self.screen.vt_level < 4:
            return
        checksum = self.screen.rect_checksum(p)
        self.screen.reply(f"\x1bP{_p(p, 0, 0)}!~{checksum:04X}\x1b\\")

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
            self.screen.reply(reports.cursor_report(self.screen, False))

    def csi_decdsr(self, p: Params, g: Groups) -> None:
        answer = reports.decdsr(self.screen, _p(p, 0, 0), _p(p, 1, 0))
        if answer is not None:
            self.screen.reply(answer)

    def csi_decrqm_ansi(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 3:
            return
        self.screen.reply(reports.decrqm_ansi(self.screen, _p(p, 0, 0)))

    def csi_decrqm_dec(self, p: Params, g: Groups) -> None:
        if self.screen.vt_level < 3:
            return
        self.screen.reply(reports.decrqm_dec(self.screen, _p(p, 0, 0)))

    def csi_xtversion(self, p: Params, g: Groups) -> None:
        if _p(p, 0, 0) == 0:
            self.screen.reply(f"\x1bP>|{TERMINAL_NAME} {TERMINAL_VERSION}\x1b\\")

    def dcs_decrqss(self, p: Params, data: str) -> None:
        self.screen.reply(reports.decrqss(self.screen, data))

    def dcs_xtgettcap(self, p: Params, data: str) -> None:
        self.screen.reply(reports.xtgettcap(data))

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

    def osc_palette(self, text: str) -> None:
        self._colour_requests(4, text)

    def osc_foreground(self, text: str) -> None:
        self._colour_requests(10, text)

    def osc_background(self, text: str) -> None:
        self._colour_requests(11, text)

    def osc_cursor_colour(self, text: str) -> None:
        self._colour_requests(12, text)

    def _colour_requests(self, command: int, text: str) -> None:
        for answer in reports.colour_requests(self.screen, command, text, self._osc_terminator):
            self.screen.reply(answer)

    def osc_reset_palette(self, text: str) -> None:
        """OSC 104 [; c; c…]: palette entries (all without a list) back to the theme's."""
        indices = [int(c) for c in text.split(";") if c.isdigit() and len(c) <= 3]
        if text and not indices:
            return
        self.screen.reset_palette_colours(indices)

    def osc_reset_foreground(self, text: str) -> None:
        self.screen.reset_dynamic_colour(10)

    def osc_reset_background(self, text: str) -> None:
        self.screen.reset_dynamic_colour(11)

    def osc_reset_cursor_colour(self, text: str) -> None:
        self.screen.reset_dynamic_colour(12)

    def osc_mark(self, text: str) -> None:
        kind = text.split(";", 1)[0]
        if kind in ("A", "B", "C", "D"):
            self.screen.add_mark(kind)
