"""Seeded generator of random-but-meaningful VT byte streams, one family per feature.

Why: hand-written screen tests cover the cases we thought of; the engine is judged on
streams we have not seen. A grammar of *meaningful* tokens (real sequences with the
parameter values that expose bugs: missing, 0, 1, the screen edge, one past it, huge)
explores the space the way vttest and libvterm's tests do, and a family per feature makes
a disagreement point at the code to fix. Everything is deterministic in ``seed``.

A stream is a tuple of :class:`Token` (readable name + bytes) so that a failure prints as
``CUP(3;5) "abc" ED(2)`` rather than as an escape-soup, and so a failing stream can be
shrunk token by token.

Not in the differential batch (engine and xterm.js are not expected to agree, or xterm.js
does not implement it): DECSLRM/DECLRMM and rectangles (the ``margins``, ``rectangles`` and
``readback`` families exist for the DECRQCRA self-check), emoji and other width-ambiguous
characters (the ``emoji`` family exists but is excluded from ``DEFAULT_FAMILIES``), replies
(DA, DSR), resize.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

ESC = "\x1b"
CSI = "\x1b["


@dataclass(frozen=True)
class Token:
    """One grammar token: a short readable name and the bytes it stands for."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Stream:
    """A generated stream with everything needed to reproduce it."""

    family: str
    seed: int
    cols: int
    rows: int
    tokens: tuple[Token, ...]

    @property
    def data(self) -> bytes:
        return b"".join(t.data for t in self.tokens)

    def describe(self, limit: int = 4000) -> str:
        """Readable one-line form: mnemonics for sequences, quoted runs for text."""
        text = " ".join(t.name for t in self.tokens)
        return text if len(text) <= limit else text[:limit] + f" … (+{len(text) - limit} chars)"

    def with_tokens(self, tokens: Sequence[Token]) -> Stream:
        return Stream(self.family, self.seed, self.cols, self.rows, tuple(tokens))

    def label(self) -> str:
        return f"{self.family}#{self.seed}@{self.cols}x{self.rows}"


@dataclass
class Ctx:
    """What generators may look at: the screen size (so edges can be targeted)."""

    rng: random.Random
    cols: int
    rows: int


Gen = Callable[[Ctx], Token]


# --------------------------------------------------------------------------- helpers

def _tok(name: str, text: str) -> Token:
    return Token(name, text.encode("utf-8"))


def _show(text: str) -> str:
    """Quote printable text readably (escapes for anything non-printable)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp < 0x20 or cp == 0x7F or 0x80 <= cp < 0xA0:
            out.append(f"\\x{cp:02x}")
        elif 0x300 <= cp < 0x370:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _csi(name: str, final: str, *params: int | None, private: str = "") -> Token:
    """CSI token; a ``None`` param is written as an empty (missing) parameter."""
    ps = ";".join("" if p is None else str(p) for p in params)
    shown = ";".join("_" if p is None else str(p) for p in params)
    return _tok(f"{name}({private}{shown})" if params else name, f"{CSI}{private}{ps}{final}")


def _num(c: Ctx, dim: int, huge: Sequence[int] = (255, 9999, 65535, 99999)) -> int | None:
    """A parameter value chosen to hit edges: missing, 0, 1, small, dim±1, huge.

    Line-wise operations (IL/DL/SU/SD) pass smaller ``huge`` values: xterm.js loops once
    per line, so 99999 costs ~50 ms per sequence there while proving nothing more than
    9999 does (everything past the screen size clamps)."""
    r = c.rng.random()
    if r < 0.10:
        return None
    if r < 0.18:
        return 0
    if r < 0.30:
        return 1
    if r < 0.65:
        return c.rng.randint(2, max(2, dim // 2))
    if r < 0.88:
        return c.rng.choice([dim - 1, dim, dim + 1])
    return c.rng.choice(list(huge))


_LINE_HUGE = (255, 999, 9999)


def _pos(c: Ctx, dim: int) -> int | None:
    """A 1-based coordinate, mostly inside the screen, sometimes 0/missing/beyond."""
    r = c.rng.random()
    if r < 0.70:
        return c.rng.randint(1, dim)
    return _num(c, dim)


ASCII_PRINTABLE = "".join(chr(i) for i in range(0x20, 0x7F))
WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CJK = "你好世界中文测试加法减法通过失败错误日本語한국어漢字表示終了"
FULLWIDTH = "ＡＢＣＤ１２３！？（）"
WIDE = CJK + FULLWIDTH
COMBINING = "\u0301\u0300\u0308\u0323\u0327\u0302\u030a"
NARROW_NON_ASCII = "éüñßøåçÄÖ€£¥—–…«»"
EMOJI = "😀🎉👍🚀✅❌⭐🔥"


def _ascii(c: Ctx, lo: int = 1, hi: int = 12) -> str:
    n = c.rng.randint(lo, hi)
    pool = WORD_CHARS if c.rng.random() < 0.7 else ASCII_PRINTABLE
    return "".join(c.rng.choice(pool) for _ in range(n))


# --------------------------------------------------------------------------- generators

def g_text(c: Ctx) -> Token:
    return _tok(_show(s := _ascii(c)), s)


def g_long(c: Ctx) -> Token:
    n = c.rng.randint(max(1, c.cols - 3), c.cols * 3)
    s = "".join(c.rng.choice(WORD_CHARS) for _ in range(n))
    return _tok(f"LONG({n}:{s[:6]}…)", s)


def g_newline(c: Ctx) -> Token:
    s = c.rng.choice(["\r\n", "\r\n", "\n", "\r"])
    return _tok({"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[s], s)


def g_ctrl(c: Ctx) -> Token:
    name, s = c.rng.choice(
        [
            ("BS", "\b"), ("BS", "\b"), ("HT", "\t"), ("VT", "\x0b"), ("FF", "\x0c"),
            ("CR", "\r"), ("LF", "\n"), ("NUL", "\x00"), ("BEL", "\x07"), ("DEL", "\x7f"),
            ("BSx3", "\b\b\b"), ("HTx2", "\t\t"),
        ]
    )
    return _tok(name, s)


def g_cursor(c: Ctx) -> Token:
    kind = c.rng.choice(["CUU", "CUD", "CUF", "CUB", "CHA", "VPA", "HPA", "HPR", "VPR", "CNL", "CPL"])
    final = {"CUU": "A", "CUD": "B", "CUF": "C", "CUB": "D", "CHA": "G", "VPA": "d",
             "HPA": "`", "HPR": "a", "VPR": "e", "CNL": "E", "CPL": "F"}[kind]
    vertical = kind in ("CUU", "CUD", "VPA", "VPR", "CNL", "CPL")
    dim = c.rows if vertical else c.cols
    p = _pos(c, dim) if kind in ("CHA", "VPA", "HPA") else _num(c, dim)
    if c.rng.random() < 0.1:
        return _tok(f"{kind}()", f"{CSI}{final}")
    return _csi(kind, final, p)


def g_cup(c: Ctx) -> Token:
    kind, final = c.rng.choice([("CUP", "H"), ("CUP", "H"), ("CUP", "H"), ("HVP", "f")])
    r = c.rng.random()
    if r < 0.08:
        return _tok(f"{kind}()", f"{CSI}{final}")
    if r < 0.16:
        return _csi(kind, final, _pos(c, c.rows))
    return _csi(kind, final, _pos(c, c.rows), _pos(c, c.cols))


def g_erase(c: Ctx) -> Token:
    r = c.rng.random()
    if r < 0.4:
        return _csi("ED", "J", c.rng.choice([None, 0, 1, 2, 0, 1])) if c.rng.random() < 0.9 else _tok(
            "ED()", f"{CSI}J"
        )
    if r < 0.8:
        return _csi("EL", "K", c.rng.choice([None, 0, 1, 2])) if c.rng.random() < 0.9 else _tok(
            "EL()", f"{CSI}K"
        )
    return _csi("ECH", "X", _num(c, c.cols))


def g_edit(c: Ctx) -> Token:
    kind, final, vertical = c.rng.choice(
        [("ICH", "@", False), ("DCH", "P", False), ("IL", "L", True), ("DL", "M", True)]
    )
    return _csi(kind, final, _num(c, c.rows, _LINE_HUGE) if vertical else _num(c, c.cols))


def g_scroll(c: Ctx) -> Token:
    r = c.rng.random()
    if r < 0.3:
        kind, final = c.rng.choice([("SU", "S"), ("SD", "T")])
        return _csi(kind, final, _num(c, c.rows, _LINE_HUGE))
    name, s = c.rng.choice([("IND", ESC + "D"), ("RI", ESC + "M"), ("NEL", ESC + "E"), ("LF", "\n"),
                            ("RI", ESC + "M"), ("IND", ESC + "D")])
    return _tok(name, s)


def g_stbm(c: Ctx) -> Token:
    r = c.rng.random()
    if r < 0.15:
        return _tok("DECSTBM()", f"{CSI}r")
    if r < 0.65:  # valid region
        top = c.rng.randint(1, max(1, c.rows - 1))
        bot = c.rng.randint(top + 1, c.rows) if top < c.rows else c.rows
        return _csi("DECSTBM", "r", top, bot)
    if r < 0.8:  # only top / only bottom
        return _csi("DECSTBM", "r", _pos(c, c.rows), None) if c.rng.random() < 0.5 else _csi(
            "DECSTBM", "r", None, _pos(c, c.rows)
        )
    # invalid: top >= bottom, bottom past the screen, zeros, huge
    top = c.rng.randint(1, c.rows)
    return _csi("DECSTBM", "r", *c.rng.choice(
        [(top, top), (top, max(1, top - 1)), (1, c.rows + 1), (0, 0), (top, 99999), (99999, 99999)]
    ))


def g_origin(c: Ctx) -> Token:
    return _tok("DECOM+", f"{CSI}?6h") if c.rng.random() < 0.5 else _tok("DECOM-", f"{CSI}?6l")


def g_awm(c: Ctx) -> Token:
    return _tok("DECAWM+", f"{CSI}?7h") if c.rng.random() < 0.5 else _tok("DECAWM-", f"{CSI}?7l")


def g_irm(c: Ctx) -> Token:
    return _tok("IRM+", f"{CSI}4h") if c.rng.random() < 0.55 else _tok("IRM-", f"{CSI}4l")


def g_save(c: Ctx) -> Token:
    name, s = c.rng.choice(
        [("DECSC", ESC + "7"), ("DECRC", ESC + "8"), ("DECSC", ESC + "7"), ("DECRC", ESC + "8"),
         ("SCOSC", CSI + "s"), ("SCORC", CSI + "u")]
    )
    return _tok(name, s)


def g_tabs(c: Ctx) -> Token:
    r = c.rng.random()
    if r < 0.35:
        return _tok("HT", "\t")
    if r < 0.5:
        return _tok("HTS", ESC + "H")
    if r < 0.65:
        return _csi("TBC", "g", c.rng.choice([None, 0, 3, 0]))
    if r < 0.82:
        return _csi("CHT", "I", _num(c, 10))
    return _csi("CBT", "Z", _num(c, 10))


def g_rep(c: Ctx) -> Token:
    r = c.rng.random()
    n = _num(c, c.cols, _LINE_HUGE)  # REP 99999 = 99999 prints in xterm.js: slow, proves nothing more
    if r < 0.6:
        ch = c.rng.choice(WORD_CHARS)
        return Token(f'"{ch}"+REP({n if n is not None else "_"})',
                     f"{ch}{CSI}{'' if n is None else n}b".encode())
    if r < 0.75:
        ch = c.rng.choice(WIDE)
        return Token(f'"{ch}"+REP({n if n is not None else "_"})',
                     f"{ch}{CSI}{'' if n is None else n}b".encode())
    return _csi("REP", "b", n)  # repeats whatever came before (maybe nothing printable)


def g_alt(c: Ctx) -> Token:
    mode = c.rng.choice([1049, 1049, 1049, 47, 1047, 1048])
    on = c.rng.random() < 0.5
    return _tok(f"DECSET({mode})" if on else f"DECRST({mode})", f"{CSI}?{mode}{'h' if on else 'l'}")


def g_decaln(c: Ctx) -> Token:
    return _tok("DECALN", ESC + "#8")


def g_sgr(c: Ctx) -> Token:
    rng = c.rng
    opts = [
        "", "0", "1", "2", "3", "4", "5", "7", "8", "9", "22", "23", "24", "27", "39", "49",
        str(rng.randint(30, 37)), str(rng.randint(40, 47)), str(rng.randint(90, 97)),
        f"38;5;{rng.randint(0, 255)}", f"48;5;{rng.randint(0, 255)}",
        f"38;2;{rng.randint(0, 255)};{rng.randint(0, 255)};{rng.randint(0, 255)}",
        f"38:2::{rng.randint(0, 255)}:{rng.randint(0, 255)}:{rng.randint(0, 255)}",
        "4:3", "58;5;196", "1;4;31", "0;1;7",
    ]
    p = rng.choice(opts)
    return _tok(f"SGR({p})", f"{CSI}{p}m")


def g_cjk(c: Ctx) -> Token:
    n = c.rng.randint(1, 8)
    s = "".join(c.rng.choice(WIDE if c.rng.random() < 0.8 else WORD_CHARS) for _ in range(n))
    return _tok(_show(s), s)


def g_wide_edge(c: Ctx) -> Token:
    """Put a wide char at/near the last column: the wrap-before-wide rule."""
    col = c.rng.choice([c.cols - 2, c.cols - 1, c.cols, c.cols, c.cols + 1])
    row = c.rng.randint(1, c.rows)
    s = "".join(c.rng.choice(WIDE) for _ in range(c.rng.randint(1, 3)))
    return Token(f"CUP({row};{col}){_show(s)}", f"{CSI}{row};{col}H{s}".encode())


def g_narrow_utf8(c: Ctx) -> Token:
    s = "".join(c.rng.choice(NARROW_NON_ASCII) for _ in range(c.rng.randint(1, 5)))
    return _tok(_show(s), s)


def g_combining(c: Ctx) -> Token:
    base = c.rng.choice(["e", "a", "o", "n", "你", "Z", ""])
    marks = "".join(c.rng.choice(COMBINING) for _ in range(c.rng.choice([1, 1, 2])))
    s = base + marks
    return _tok(_show(s), s)


def g_emoji(c: Ctx) -> Token:
    s = "".join(c.rng.choice(EMOJI) for _ in range(c.rng.randint(1, 3)))
    return _tok(_show(s), s)


def g_charset(c: Ctx) -> Token:
    name, s = c.rng.choice(
        [("G0=DEC", ESC + "(0"), ("G0=ASCII", ESC + "(B"), ("G1=DEC", ESC + ")0"),
         ("G1=ASCII", ESC + ")B"), ("SO", "\x0e"), ("SI", "\x0f"), ("G0=UK", ESC + "(A")]
    )
    if c.rng.random() < 0.5:
        return _tok(name, s)
    text = "".join(c.rng.choice("jklmnqtuvwx`afgy~_0123abc") for _ in range(c.rng.randint(1, 8)))
    return _tok(f"{name}{_show(text)}", s + text)


def g_parser(c: Ctx) -> Token:
    """Sequences that test the state machine rather than the screen."""
    rng = c.rng
    choices: list[tuple[str, str]] = [
        ("CUP-with-LF-inside", f"{CSI}2\n;3H"),                       # C0 executes inside CSI
        ("CUF-with-BS-inside", f"{CSI}3\bC"),
        ("CAN-aborts-CSI", f"{CSI}5\x18A"),
        ("SUB-aborts-CSI", f"{CSI}5\x1aB"),
        ("ESC-restarts-CSI", f"{CSI}5{ESC}[2C"),
        ("OSC0-title-BEL", f"{ESC}]0;title {rng.randint(0, 99)}\x07"),
        ("OSC2-title-ST", f"{ESC}]2;t\x1b\\"),
        ("OSC8-link", f"{ESC}]8;;http://e.x/\x1b\\link{ESC}]8;;\x1b\\"),
        ("OSC133", f"{ESC}]133;A\x07"),
        ("DCS-ignored", f"{ESC}P1$qm\x1b\\"),
        ("APC-ignored", f"{ESC}_hello\x1b\\"),
        ("PM-ignored", f"{ESC}^hello\x1b\\"),
        ("SOS-ignored", f"{ESC}Xhello\x1b\\"),
        ("unknown-CSI", f"{CSI}5y"),
        ("unknown-CSI-intermediate", f"{CSI}1 q"),                  # DECSCUSR
        ("private-unknown", f"{CSI}?9999h"),
        ("XTMODKEYS", f"{CSI}>4;1m"),
        ("DA1-query", f"{CSI}c"),
        ("DSR-query", f"{CSI}6n"),
        ("too-many-params", f"{CSI}" + ";".join("1" for _ in range(40)) + "H"),
        ("colon-in-CUP", f"{CSI}2:3H"),
        ("C1-CSI-as-UTF8", "\u009b3C"),
        ("C1-IND-as-UTF8", "\u0084"),
        ("C1-NEL-as-UTF8", "\u0085"),
        ("C1-RI-as-UTF8", "\u008d"),
        ("C1-OSC-as-UTF8", "\u009d0;t\u009c"),
        ("ESC-unknown", f"{ESC}~"),
        ("ESC-SP-F", f"{ESC} F"),
        ("ESC-=", f"{ESC}="),
        ("ESC->", f"{ESC}>"),
        ("huge-param-CUF", f"{CSI}123456789012C"),
        ("leading-zeros-CUF", f"{CSI}0003C"),
        ("DECSCUSR", f"{CSI}{rng.randint(0, 6)} q"),
        ("DECTCEM", f"{CSI}?25l{CSI}?25h"),
        ("bracketed-paste", f"{CSI}?2004h"),
        ("XTWINOPS", f"{CSI}22;0t"),
    ]
    name, s = rng.choice(choices)
    return _tok(name, s)


def g_invalid_utf8(c: Ctx) -> Token:
    name, b = c.rng.choice(
        [("bad:FF", b"\xff"), ("bad:C0AF", b"\xc0\xaf"), ("bad:E4BD", b"\xe4\xbd"),
         ("bad:lone-cont", b"\x80"), ("bad:ED A0 80", b"\xed\xa0\x80"), ("bad:F8", b"\xf8\x88\x80\x80\x80")]
    )
    return Token(name, b)


def g_lrmm(c: Ctx) -> Token:
    """DECLRMM on/off and DECSLRM (valid, defaulted, invalid): left/right margins."""
    r = c.rng.random()
    if r < 0.25:
        return _tok("DECLRMM+", f"{CSI}?69h")
    if r < 0.35:
        return _tok("DECLRMM-", f"{CSI}?69l")
    if r < 0.45:
        return _tok("DECSLRM()", f"{CSI}s")
    left = c.rng.randint(1, max(1, c.cols - 1))
    right = c.rng.randint(left + 1, c.cols) if left < c.cols else c.cols
    if r < 0.9:
        return _csi("DECSLRM", "s", left, right)
    return _csi("DECSLRM", "s", *c.rng.choice([(right, left), (left, left), (0, 0), (left, 99999)]))


def _rect(c: Ctx) -> list[int | None]:
    top, left = _pos(c, c.rows), _pos(c, c.cols)
    bottom, right = _pos(c, c.rows), _pos(c, c.cols)
    if c.rng.random() < 0.7 and None not in (top, bottom, left, right):
        top, bottom = sorted((top or 1, bottom or 1))
        left, right = sorted((left or 1, right or 1))
    return [top, left, bottom, right]


def g_rect(c: Ctx) -> Token:
    """DECFRA, DECERA, DECSERA, DECCRA, DECCARA, DECRARA and DECSACE on random (sometimes empty) rectangles."""
    rng = c.rng
    kind = rng.choice(["DECFRA", "DECFRA", "DECERA", "DECSERA", "DECCRA", "DECCARA", "DECRARA", "DECSACE"])
    if kind == "DECFRA":
        return _csi(kind, "$x", rng.choice([35, 42, 61, 65, 120, 233]), *_rect(c))
    if kind == "DECERA":
        return _csi(kind, "$z", *_rect(c))
    if kind == "DECSERA":
        return _csi(kind, "${", *_rect(c))
    if kind == "DECCRA":
        return _csi(kind, "$v", *_rect(c), 1, _pos(c, c.rows), _pos(c, c.cols), 1)
    if kind == "DECSACE":
        return _csi(kind, "*x", rng.choice([0, 1, 2]))
    attrs = rng.sample([0, 1, 4, 5, 7, 8, 22, 24, 25, 27, 28], rng.randint(1, 3))
    return _csi(kind, "$r" if kind == "DECCARA" else "$t", *_rect(c), *attrs)


def g_protect(c: Ctx) -> Token:
    """DECSCA on/off and the selective erases (DECSED, DECSEL) that honour it."""
    rng = c.rng
    r = rng.random()
    if r < 0.35:
        return _csi("DECSCA", '"q', rng.choice([0, 1, 1, 2]))
    if r < 0.65:
        return _csi("DECSEL", "K", rng.choice([None, 0, 1, 2]), private="?")
    return _csi("DECSED", "J", rng.choice([None, 0, 1, 2]), private="?")


def g_spa(c: Ctx) -> Token:
    """SPA/EPA (ISO protection, honoured by every erase)."""
    return _tok("SPA", ESC + "V") if c.rng.random() < 0.5 else _tok("EPA", ESC + "W")


def g_columns(c: Ctx) -> Token:
    """DECIC, DECDC (insert/delete columns) and SL, SR (scroll left/right)."""
    kind, final = c.rng.choice([("DECIC", "'}"), ("DECDC", "'~"), ("SL", " @"), ("SR", " A")])
    return _csi(kind, final, _num(c, c.cols, _LINE_HUGE))


def g_column_index(c: Ctx) -> Token:
    """DECBI / DECFI: a column left or right, shifting the columns at the margins."""
    return _tok("DECBI", ESC + "6") if c.rng.random() < 0.5 else _tok("DECFI", ESC + "9")


def g_revwrap(c: Ctx) -> Token:
    """Reverse wraparound (45 inline) with the backspaces that use it."""
    if c.rng.random() < 0.25:
        return _tok("REVWRAP+", f"{CSI}?45h") if c.rng.random() < 0.8 else _tok("REVWRAP-", f"{CSI}?45l")
    n = c.rng.randint(1, c.cols + 3)
    return _tok(f"BSx{n}", "\b" * n)


def g_revwrap_cub(c: Ctx) -> Token:
    """CUB, which reverse-wraps as BS does in xterm (xterm.js only wraps BS)."""
    return _csi("CUB", "D", _num(c, c.cols * 2))


def g_revwrap_extended(c: Ctx) -> Token:
    return _tok("REVWRAP2+", f"{CSI}?1045h") if c.rng.random() < 0.8 else _tok("REVWRAP2-", f"{CSI}?1045l")


def g_xtsave(c: Ctx) -> Token:
    mode = c.rng.choice([6, 7, 25, 45, 69, 1049, 2004])
    return _tok(f"XTSAVE({mode})", f"{CSI}?{mode}s") if c.rng.random() < 0.5 else _tok(
        f"XTRESTORE({mode})", f"{CSI}?{mode}r"
    )


# --------------------------------------------------------------------------- families

Mix = Sequence[tuple[Gen, float]]

_BASE: Mix = ((g_text, 3.0), (g_newline, 1.5), (g_cup, 1.0))

FAMILIES: dict[str, Mix] = {
    "text": ((g_text, 4), (g_long, 1.5), (g_newline, 2), (g_ctrl, 0.5)),
    "controls": (*_BASE, (g_ctrl, 4)),
    "cursor": (*_BASE, (g_cursor, 5), (g_cup, 2)),
    "erase": (*_BASE, (g_erase, 3), (g_cursor, 1), (g_long, 0.5)),
    "edit": (*_BASE, (g_edit, 3), (g_cursor, 1), (g_long, 0.5)),
    "scroll": (*_BASE, (g_scroll, 4), (g_stbm, 1.5), (g_long, 0.5)),
    "origin": (*_BASE, (g_origin, 1.5), (g_stbm, 1.5), (g_cup, 2), (g_cursor, 2), (g_scroll, 1)),
    "autowrap": (*_BASE, (g_awm, 1.5), (g_long, 2), (g_wide_edge, 1), (g_ctrl, 0.5), (g_cursor, 1)),
    "insert": (*_BASE, (g_irm, 1.5), (g_cjk, 1), (g_long, 0.5), (g_cursor, 1)),
    "saverestore": (*_BASE, (g_save, 3), (g_origin, 0.7), (g_awm, 0.5), (g_stbm, 0.7), (g_sgr, 0.5),
                    (g_cursor, 1), (g_long, 0.5)),
    "tabs": (*_BASE, (g_tabs, 5), (g_cursor, 0.5)),
    "rep": (*_BASE, (g_rep, 3), (g_cursor, 0.5), (g_ctrl, 0.5)),
    "altscreen": (*_BASE, (g_alt, 2), (g_save, 0.7), (g_erase, 0.5), (g_long, 0.5), (g_scroll, 0.5)),
    "decaln": (*_BASE, (g_decaln, 1), (g_stbm, 1), (g_origin, 0.5), (g_erase, 1), (g_edit, 0.5),
               (g_scroll, 0.5)),
    "sgr": (*_BASE, (g_sgr, 5)),
    "wide": (*_BASE, (g_cjk, 4), (g_wide_edge, 2), (g_edit, 1.5), (g_erase, 1), (g_cursor, 1),
             (g_long, 0.3), (g_ctrl, 0.5)),
    "combining": (*_BASE, (g_combining, 4), (g_narrow_utf8, 1), (g_cjk, 1), (g_cursor, 1), (g_ctrl, 0.5)),
    "charset": (*_BASE, (g_charset, 5)),
    "parser": (*_BASE, (g_parser, 4), (g_cursor, 1)),
    "utf8": (*_BASE, (g_invalid_utf8, 2), (g_cjk, 2), (g_narrow_utf8, 1)),
    "emoji": (*_BASE, (g_emoji, 3), (g_cjk, 1), (g_wide_edge, 1)),
    # xterm.js implements these (DECIC/DECDC, SL/SR; DECSCA with DECSED/DECSEL; mode 45):
    "columns": (*_BASE, (g_columns, 3), (g_cursor, 1), (g_stbm, 0.5), (g_long, 0.5), (g_cjk, 0.5)),
    "protection": (*_BASE, (g_protect, 3), (g_long, 1), (g_erase, 1), (g_cursor, 1), (g_sgr, 0.5)),
    # BS only, with DECAWM on: xterm.js reverse-wraps without DECAWM and never on CUB, and moves back from a
    # pending wrap (xterm: the first BS only cancels it); those are xterm's rules, pinned by unit tests.
    "reversewrap": (*_BASE, (g_revwrap, 3), (g_long, 2)),
    # Neither xterm.js nor tmux implements left/right margins or rectangles: these families feed the
    # self-check (tests/vt/test_readback_selfcheck.py) and the report, not the differential test.
    "margins": (*_BASE, (g_lrmm, 1.5), (g_long, 1.5), (g_cursor, 1.5), (g_scroll, 1.5), (g_edit, 1.5),
                (g_columns, 1), (g_origin, 0.7), (g_stbm, 0.7), (g_irm, 0.5), (g_erase, 1), (g_rep, 0.5),
                (g_column_index, 0.7), (g_cjk, 0.5), (g_tabs, 0.5)),
    "rectangles": (*_BASE, (g_rect, 3), (g_sgr, 1), (g_protect, 0.7), (g_origin, 0.5), (g_stbm, 0.5),
                   (g_lrmm, 0.5), (g_cjk, 0.5)),
    "readback": (*_BASE, (g_lrmm, 1), (g_rect, 1.5), (g_protect, 1), (g_spa, 0.3), (g_columns, 1),
                 (g_column_index, 0.5), (g_revwrap, 0.7), (g_revwrap_cub, 0.3), (g_revwrap_extended, 0.2),
                 (g_xtsave, 0.5), (g_sgr, 1), (g_cjk, 0.7), (g_long, 0.7), (g_scroll, 0.7), (g_edit, 0.7),
                 (g_erase, 0.7), (g_origin, 0.5), (g_stbm, 0.5), (g_rep, 0.5), (g_irm, 0.3), (g_alt, 0.3)),
}
#: Families of features xterm.js does not implement (left/right margins, rectangles, DECBI/DECFI, SPA,
#: mode 1045, XTSAVE): checked against xterm's rules by the self-check, not against xterm.js.
NOT_IN_XTERM_JS = ("margins", "rectangles", "readback")
FAMILIES["mixed"] = tuple(
    (gen, 1.0)
    for gen in dict.fromkeys(
        g
        for name, mix in FAMILIES.items()
        if name not in ("emoji", "utf8", "columns", "protection", "reversewrap", *NOT_IN_XTERM_JS)
        for g, _ in mix
    )
)

#: Families added with issue 16 (xterm.js implements them): the differential test runs them as a batch of
#: their own, so the streams of the families before them stay exactly what their floors were measured on.
ISSUE16_FAMILIES: tuple[str, ...] = ("columns", "protection", "reversewrap")

#: families the tests run; ``emoji`` (width tables differ between emulators) and
#: ``utf8`` (U+FFFD policy differs) are report-only.
DEFAULT_FAMILIES: tuple[str, ...] = tuple(
    f for f in FAMILIES if f not in ("emoji", "utf8", *NOT_IN_XTERM_JS, *ISSUE16_FAMILIES)
)

SIZES: tuple[tuple[int, int], ...] = ((80, 24), (20, 6), (10, 4), (33, 9))


def _prefix(c: Ctx) -> list[Token]:
    """Start with something on screen so erase/edit/scroll have content to act on."""
    r = c.rng.random()
    if r < 0.15:
        return []
    if r < 0.3:
        return [_tok("DECALN", ESC + "#8")]
    toks: list[Token] = []
    for i in range(c.rows - c.rng.randint(0, 2)):
        s = "".join(c.rng.choice(WORD_CHARS) for _ in range(c.rng.randint(0, c.cols)))
        toks.append(_tok(_show(f"{i}{s}"), f"{i % 10}{s}"))
        toks.append(_tok("CRLF", "\r\n"))
    return toks


def generate(family: str, seed: int, cols: int = 80, rows: int = 24, n_tokens: int | None = None) -> Stream:
    """Generate one stream; the same (family, seed, size) always gives the same bytes."""
    mix = FAMILIES[family]
    rng = random.Random(f"mojiscope:{family}:{seed}:{cols}x{rows}")
    c = Ctx(rng, cols, rows)
    gens = [g for g, _ in mix]
    weights = [w for _, w in mix]
    n = n_tokens if n_tokens is not None else rng.randint(120, 320)
    tokens = _prefix(c)
    tokens += [rng.choices(gens, weights)[0](c) for _ in range(n)]
    return Stream(family, seed, cols, rows, tuple(tokens))


def batch(
    n: int,
    families: Sequence[str] = DEFAULT_FAMILIES,
    sizes: Sequence[tuple[int, int]] = SIZES,
    base_seed: int = 0,
) -> list[Stream]:
    """``n`` streams spread evenly over families and sizes (round robin)."""
    out = []
    for i in range(n):
        fam = families[i % len(families)]
        cols, rows = sizes[(i // len(families)) % len(sizes)]
        out.append(generate(fam, base_seed + i, cols, rows))
    return out


def shrink(
    stream: Stream,
    still_fails: Callable[[list[Stream]], list[bool]],
    max_rounds: int = 200,
) -> Stream:
    """Delta-debug ``stream`` down to a small token list that still fails.

    ``still_fails`` gets a whole batch of candidates at once (so an oracle that runs in
    a separate process is started once per round, not once per candidate) and returns a
    flag per candidate.
    """
    tokens = list(stream.tokens)
    n = 2
    for _ in range(max_rounds):
        if len(tokens) <= 1:
            break
        chunk = max(1, -(-len(tokens) // n))
        candidates = [
            stream.with_tokens(tokens[:i] + tokens[i + chunk :]) for i in range(0, len(tokens), chunk)
        ]
        flags = still_fails(candidates)
        hit = next((c for c, f in zip(candidates, flags, strict=True) if f), None)
        if hit is not None:
            tokens = list(hit.tokens)
            n = max(2, n - 1)
            continue
        if chunk == 1:
            break
        n = min(len(tokens), n * 2)
    return stream.with_tokens(tokens)
