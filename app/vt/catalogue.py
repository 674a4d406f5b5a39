"""The one catalogue of control functions and escape sequences.

Each entry names a sequence (mnemonic, meaning, parameters) and the dispatcher method that
implements it, or ``None`` when Mojiscope recognises but does not implement it.  The same rows
drive the dispatcher's tables, the inspector's annotations and the generated
``docs/sequences.md``, so what the docs say is supported is what the engine does.

Keys:
- ``C0``/``C1``: the control character itself.
- ``ESC``: intermediates + final, e.g. ``"7"``, ``"#8"``; ``"(*"`` matches any final after ``(``.
- ``CSI``/``DCS``: private marker + intermediates + final, e.g. ``"m"``, ``"?h"``, ``" q"``, ``"$q"``.
- ``OSC``: the command number as text.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "Entry", "by_kind", "lookup"]


@dataclass(frozen=True)
class Entry:
    kind: str
    key: str
    mnemonic: str
    name: str
    params: str
    handler: str | None
    note: str = ""

    @property
    def supported(self) -> bool:
        return self.handler is not None


def _e(
    kind: str, key: str, mnemonic: str, name: str, params: str = "", handler: str | None = None, note: str = ""
) -> Entry:
    return Entry(kind, key, mnemonic, name, params, handler, note)


CATALOGUE: tuple[Entry, ...] = (
    # ---- C0 controls
    _e("C0", "\x00", "NUL", "null", handler=None, note="ignored"),
    _e("C0", "\x05", "ENQ", "enquiry", note="no answerback is sent"),
    _e("C0", "\x07", "BEL", "bell", handler="bell"),
    _e("C0", "\x08", "BS", "backspace", handler="backspace"),
    _e("C0", "\x09", "HT", "horizontal tab", handler="tab"),
    _e("C0", "\x0a", "LF", "line feed", handler="linefeed"),
    _e("C0", "\x0b", "VT", "vertical tab (as line feed)", handler="linefeed"),
    _e("C0", "\x0c", "FF", "form feed (as line feed)", handler="linefeed"),
    _e("C0", "\x0d", "CR", "carriage return", handler="carriage_return"),
    _e("C0", "\x0e", "SO", "shift out: G1 into GL", handler="shift_out"),
    _e("C0", "\x0f", "SI", "shift in: G0 into GL", handler="shift_in"),
    _e("C0", "\x18", "CAN", "cancel the sequence in progress", handler="ignore"),
    _e("C0", "\x1a", "SUB", "substitute: cancel the sequence in progress", handler="ignore"),
    _e("C0", "\x1b", "ESC", "escape: introduces a sequence", handler="ignore", note="handled by the parser"),
    _e("C0", "\x7f", "DEL", "delete (ignored)", handler="ignore"),
    # ---- C1 controls (as decoded characters U+0080-U+009F)
    _e("C1", "\x84", "IND", "index", handler="index"),
    _e("C1", "\x85", "NEL", "next line", handler="next_line"),
    _e("C1", "\x88", "HTS", "set a tab stop", handler="set_tab_stop"),
    _e("C1", "\x8d", "RI", "reverse index", handler="reverse_index"),
    _e("C1", "\x8e", "SS2", "single shift 2", handler="single_shift_2"),
    _e("C1", "\x8f", "SS3", "single shift 3", handler="single_shift_3"),
    _e("C1", "\x90", "DCS", "device control string", handler="ignore", note="handled by the parser"),
    _e("C1", "\x96", "SPA", "start of protected area (every erase leaves it)", handler="start_protected_area"),
    _e("C1", "\x97", "EPA", "end of protected area", handler="end_protected_area"),
    _e("C1", "\x98", "SOS", "start of string", handler="ignore", note="handled by the parser"),
    _e("C1", "\x9a", "DECID", "identify terminal", handler="device_attributes"),
    _e("C1", "\x9b", "CSI", "control sequence introducer", handler="ignore", note="handled by the parser"),
    _e("C1", "\x9c", "ST", "string terminator", handler="ignore"),
    _e("C1", "\x9d", "OSC", "operating system command", handler="ignore", note="handled by the parser"),
    _e("C1", "\x9e", "PM", "privacy message", handler="ignore", note="handled by the parser"),
    _e("C1", "\x9f", "APC", "application program command", handler="ignore", note="handled by the parser"),
    # ---- ESC sequences
    _e("ESC", "7", "DECSC", "save cursor", handler="save_cursor"),
    _e("ESC", "8", "DECRC", "restore cursor", handler="restore_cursor"),
    _e("ESC", "6", "DECBI", "back index: left, or the columns shift right at the margin", handler="back_index"),
    _e("ESC", "9", "DECFI", "forward index: right, or the columns shift left at the margin", handler="forward_index"),
    _e("ESC", "V", "SPA", "start of protected area (every erase leaves it)", handler="start_protected_area"),
    _e("ESC", "W", "EPA", "end of protected area", handler="end_protected_area"),
    _e("ESC", "D", "IND", "index", handler="index"),
    _e("ESC", "E", "NEL", "next line", handler="next_line"),
    _e("ESC", "H", "HTS", "set a tab stop", handler="set_tab_stop"),
    _e("ESC", "M", "RI", "reverse index", handler="reverse_index"),
    _e("ESC", "N", "SS2", "single shift 2", handler="single_shift_2"),
    _e("ESC", "O", "SS3", "single shift 3", handler="single_shift_3"),
    _e("ESC", "Z", "DECID", "identify terminal (as DA1)", handler="device_attributes"),
    _e("ESC", "c", "RIS", "full reset", handler="full_reset"),
    _e("ESC", "=", "DECKPAM", "application keypad", handler="keypad_application"),
    _e("ESC", ">", "DECKPNM", "numeric keypad", handler="keypad_numeric"),
    _e("ESC", "n", "LS2", "G2 into GL", handler="locking_shift_2"),
    _e("ESC", "o", "LS3", "G3 into GL", handler="locking_shift_3"),
    _e("ESC", "~", "LS1R", "G1 into GR", note="GR is not used with Unicode decoding"),
    _e("ESC", "}", "LS2R", "G2 into GR", note="GR is not used with Unicode decoding"),
    _e("ESC", "|", "LS3R", "G3 into GR", note="GR is not used with Unicode decoding"),
    _e("ESC", "\\", "ST", "string terminator", handler="ignore"),
    _e("ESC", "#8", "DECALN", "screen alignment test (fill with E)", handler="alignment_display"),
    _e("ESC", "#3", "DECDHL", "double-height line, top half"),
    _e("ESC", "#4", "DECDHL", "double-height line, bottom half"),
    _e("ESC", "#5", "DECSWL", "single-width line", handler="ignore"),
    _e("ESC", "#6", "DECDWL", "double-width line"),
    _e("ESC", "(*", "SCS", "designate G0 character set", "charset", handler="_designate"),
    _e("ESC", ")*", "SCS", "designate G1 character set", "charset", handler="_designate"),
    _e("ESC", "**", "SCS", "designate G2 character set", "charset", handler="_designate"),
    _e("ESC", "+*", "SCS", "designate G3 character set", "charset", handler="_designate"),
    _e("ESC", "-*", "SCS", "designate G1 96-character set", "charset"),
    _e("ESC", ".*", "SCS", "designate G2 96-character set", "charset"),
    _e("ESC", "/*", "SCS", "designate G3 96-character set", "charset"),
    _e("ESC", "%G", "DOCS", "select UTF-8", handler="ignore", note="decoding is chosen by the session"),
    _e("ESC", "%@", "DOCS", "select default character set", handler="ignore", note="decoding is chosen by the session"),
    _e("ESC", " F", "S7C1T", "7-bit controls in replies", handler="ignore"),
    _e("ESC", " G", "S8C1T", "8-bit controls in replies", note="replies always use 7-bit controls"),
    # ---- CSI sequences
    _e("CSI", "@", "ICH", "insert blank characters", "Pn=1", handler="csi_ich"),
    _e("CSI", "A", "CUU", "cursor up", "Pn=1", handler="csi_cuu"),
    _e("CSI", "B", "CUD", "cursor down", "Pn=1", handler="csi_cud"),
    _e("CSI", "C", "CUF", "cursor forward", "Pn=1", handler="csi_cuf"),
    _e("CSI", "D", "CUB", "cursor back", "Pn=1", handler="csi_cub"),
    _e("CSI", "E", "CNL", "cursor to the start of a following line", "Pn=1", handler="csi_cnl"),
    _e("CSI", "F", "CPL", "cursor to the start of a preceding line", "Pn=1", handler="csi_cpl"),
    _e("CSI", "G", "CHA", "cursor to column", "Pn=1", handler="csi_cha"),
    _e("CSI", "H", "CUP", "cursor position", "Prow=1;Pcol=1", handler="csi_cup"),
    _e("CSI", "I", "CHT", "forward tab stops", "Pn=1", handler="csi_cht"),
    _e("CSI", "J", "ED", "erase in display", "Ps=0 (0 below, 1 above, 2 all, 3 scrollback)", handler="csi_ed"),
    _e("CSI", "?J", "DECSED", "selective erase in display: protected cells stay", "Ps=0", handler="csi_decsed"),
    _e("CSI", "K", "EL", "erase in line", "Ps=0 (0 right, 1 left, 2 all)", handler="csi_el"),
    _e("CSI", "?K", "DECSEL", "selective erase in line: protected cells stay", "Ps=0", handler="csi_decsel"),
    _e("CSI", "L", "IL", "insert lines", "Pn=1", handler="csi_il"),
    _e("CSI", "M", "DL", "delete lines", "Pn=1", handler="csi_dl"),
    _e("CSI", "P", "DCH", "delete characters", "Pn=1", handler="csi_dch"),
    _e("CSI", "S", "SU", "scroll up", "Pn=1", handler="csi_su"),
    _e("CSI", "T", "SD", "scroll down", "Pn=1", handler="csi_sd"),
    _e("CSI", "X", "ECH", "erase characters", "Pn=1", handler="csi_ech"),
    _e("CSI", "Z", "CBT", "backward tab stops", "Pn=1", handler="csi_cbt"),
    _e("CSI", "`", "HPA", "cursor to column", "Pn=1", handler="csi_cha"),
    _e("CSI", "a", "HPR", "cursor forward (columns), past the right margin", "Pn=1", handler="csi_hpr"),
    _e("CSI", "b", "REP", "repeat the last character", "Pn=1", handler="csi_rep"),
    _e("CSI", "c", "DA1", "primary device attributes (replied)", "Ps=0", handler="csi_da1"),
    _e("CSI", ">c", "DA2", "secondary device attributes (replied)", "Ps=0", handler="csi_da2"),
    _e("CSI", "=c", "DA3", "tertiary device attributes"),
    _e("CSI", "d", "VPA", "cursor to row", "Pn=1", handler="csi_vpa"),
    _e("CSI", "e", "VPR", "cursor down (rows)", "Pn=1", handler="csi_vpr"),
    _e("CSI", "f", "HVP", "cursor position", "Prow=1;Pcol=1", handler="csi_cup"),
    _e("CSI", "g", "TBC", "clear tab stops", "Ps=0 (0 here, 3 all)", handler="csi_tbc"),
    _e("CSI", "h", "SM", "set ANSI mode", "Pm", handler="csi_sm"),
    _e("CSI", "?h", "DECSET", "set DEC private mode", "Pm", handler="csi_decset"),
    _e("CSI", "l", "RM", "reset ANSI mode", "Pm", handler="csi_rm"),
    _e("CSI", "?l", "DECRST", "reset DEC private mode", "Pm", handler="csi_decrst"),
    _e("CSI", "m", "SGR", "select graphic rendition", "Pm", handler="csi_sgr"),
    _e("CSI", ">m", "XTMODKEYS", "set key modifier options"),
    _e("CSI", "n", "DSR", "device status report (replied)", "Ps (5 status, 6 cursor)", handler="csi_dsr"),
    _e(
        "CSI",
        "?n",
        "DECDSR",
        "DEC device status report (replied)",
        "Ps",
        handler="csi_decdsr",
        note="6 cursor, 15 printer, 25 UDK, 26 keyboard, 55/56 locator, 62/63 macros, 75 integrity, 85 sessions",
    ),
    _e("CSI", "!p", "DECSTR", "soft reset", handler="csi_decstr"),
    _e("CSI", "$p", "DECRQM", "request ANSI mode (replied)", "Ps", handler="csi_decrqm_ansi"),
    _e("CSI", "?$p", "DECRQM", "request DEC private mode (replied)", "Ps", handler="csi_decrqm_dec"),
    _e("CSI", " q", "DECSCUSR", "cursor shape", "Ps=0", handler="csi_decscusr"),
    _e("CSI", " @", "SL", "scroll left (columns within the margins)", "Pn=1", handler="csi_sl"),
    _e("CSI", " A", "SR", "scroll right (columns within the margins)", "Pn=1", handler="csi_sr"),
    _e(
        "CSI",
        '"q',
        "DECSCA",
        "character protection attribute",
        "Ps=0 (1 protected, 0/2 not)",
        handler="csi_decsca",
        note="DECSED, DECSEL and DECSERA leave protected cells",
    ),
    _e("CSI", '"p', "DECSCL", "conformance level (soft reset)", "Pl;Pc", handler="csi_decscl",
       note="61-65; features above the level are off, as in xterm; replies stay 7-bit"),
    _e("CSI", ">q", "XTVERSION", "report terminal name and version (replied)", handler="csi_xtversion"),
    _e("CSI", "r", "DECSTBM", "set top and bottom margins", "Ptop=1;Pbottom=rows", handler="csi_decstbm"),
    _e("CSI", "?r", "XTRESTORE", "restore DEC private modes", "Pm", handler="csi_xtrestore"),
    _e(
        "CSI",
        "s",
        "SCOSC/DECSLRM",
        "save cursor; with DECLRMM (?69) set: set left and right margins",
        "Pleft=1;Pright=cols",
        handler="csi_scosc",
    ),
    _e("CSI", "?s", "XTSAVE", "save DEC private modes", "Pm", handler="csi_xtsave"),
    _e(
        "CSI",
        "t",
        "XTWINOPS",
        "window operations",
        "Ps;…",
        handler="csi_xtwinops",
        note=(
            "answered: 18 (text area size in characters, which the program's tty already tells it; conformance "
            "suites ask it before every test); title stack 22/23 kept; refused: title/icon reports (20/21), "
            "pixel and position reports, every window move, resize (incl. DECSLPP) and iconify"
        ),
    ),
    _e("CSI", "u", "SCORC", "restore cursor", handler="csi_scorc"),
    _e("CSI", "?u", "kitty-keyboard", "query keyboard protocol flags"),
    _e("CSI", ">u", "kitty-keyboard", "push keyboard protocol flags"),
    _e("CSI", "<u", "kitty-keyboard", "pop keyboard protocol flags"),
    _e("CSI", "$x", "DECFRA", "fill rectangular area", "Pch;Pt;Pl;Pb;Pr", handler="csi_decfra"),
    _e("CSI", "$z", "DECERA", "erase rectangular area", "Pt;Pl;Pb;Pr", handler="csi_decera"),
    _e("CSI", "${", "DECSERA", "selective erase rectangular area (DECSCA cells stay)", "Pt;Pl;Pb;Pr",
       handler="csi_decsera"),
    _e("CSI", "$v", "DECCRA", "copy rectangular area", "Pts;Pls;Pbs;Prs;Pps;Ptd;Pld;Ppd", handler="csi_deccra"),
    _e("CSI", "$r", "DECCARA", "change attributes in rectangular area", "Pt;Pl;Pb;Pr;Ps…", handler="csi_deccara"),
    _e("CSI", "$t", "DECRARA", "reverse attributes in rectangular area", "Pt;Pl;Pb;Pr;Ps…", handler="csi_decrara"),
    _e("CSI", "*x", "DECSACE", "attribute change extent (0/1 stream, 2 rectangle)", "Ps=0", handler="csi_decsace"),
    _e(
        "CSI",
        "*y",
        "DECRQCRA",
        "request checksum of rectangular area (replied)",
        "Pi;Pg;Pt;Pl;Pb;Pr",
        handler="csi_decrqcra",
        note="over the visible screen's own cells only (no scrollback); xterm's checksum",
    ),
    _e("CSI", "#y", "XTCHECKSUM", "DECRQCRA checksum extensions (xterm)", "Ps=0", handler="csi_xtchecksum"),
    _e("CSI", "$|", "DECSCPP", "columns per page", "Ps", note="refused: a program never resizes the window"),
    _e("CSI", "*|", "DECSNLS", "lines per screen", "Ps", note="refused: a program never resizes the window"),
    _e("CSI", "$}", "DECSASD", "select active status display", "Ps", note="there is no status line"),
    _e("CSI", "$~", "DECSSDT", "select status display type", "Ps", note="there is no status line"),
    _e("CSI", "'}", "DECIC", "insert columns", "Pn=1", handler="csi_decic"),
    _e("CSI", "'~", "DECDC", "delete columns", "Pn=1", handler="csi_decdc"),
    _e("CSI", "x", "DECREQTPARM", "request terminal parameters"),
    _e("CSI", "i", "MC", "media copy"),
    # ---- OSC commands
    _e("OSC", "0", "OSC 0", "set window title and icon name", "text", handler="osc_title_icon"),
    _e("OSC", "1", "OSC 1", "set icon name", "text", handler="osc_icon"),
    _e("OSC", "2", "OSC 2", "set window title", "text", handler="osc_title"),
    _e(
        "OSC",
        "4",
        "OSC 4",
        "set/query palette colour",
        "c;spec|?…",
        handler="osc_palette",
        note="queries answered with the colours painted (the theme's unless set); rgb:, # and rgbi: specs set",
    ),
    _e("OSC", "7", "OSC 7", "current working directory", "file://host/path", handler="osc_cwd"),
    _e("OSC", "8", "OSC 8", "hyperlink", "params;uri", handler="osc_hyperlink"),
    _e("OSC", "9", "OSC 9", "notification / ConEmu progress"),
    _e("OSC", "10", "OSC 10", "set/query foreground colour", "spec|?…", handler="osc_foreground",
       note="queries answered with the colour painted (the theme's unless set)"),
    _e("OSC", "11", "OSC 11", "set/query background colour", "spec|?…", handler="osc_background",
       note="as OSC 10; programs choose a light or dark scheme by it"),
    _e("OSC", "12", "OSC 12", "set/query cursor colour", "spec|?…", handler="osc_cursor_colour",
       note="as OSC 10"),
    _e("OSC", "52", "OSC 52", "clipboard access", note="refused: writes off by default, reads never answered"),
    _e("OSC", "104", "OSC 104", "reset palette colours to the theme's", "[c;…]", handler="osc_reset_palette"),
    _e("OSC", "110", "OSC 110", "reset foreground colour to the theme's", handler="osc_reset_foreground"),
    _e("OSC", "111", "OSC 111", "reset background colour to the theme's", handler="osc_reset_background"),
    _e("OSC", "112", "OSC 112", "reset cursor colour to the theme's", handler="osc_reset_cursor_colour"),
    _e(
        "OSC",
        "133",
        "OSC 133",
        "shell integration mark (prompt, command, output, end)",
        "A|B|C|D[;…]",
        handler="osc_mark",
    ),
    _e("OSC", "633", "OSC 633", "VS Code shell integration"),
    _e("OSC", "1337", "OSC 1337", "iTerm2 extension"),
    # ---- DCS strings
    _e("DCS", "$q", "DECRQSS", "request setting (replied)", "setting", handler="dcs_decrqss"),
    _e(
        "DCS",
        "+q",
        "XTGETTCAP",
        "request termcap/terminfo capability (replied)",
        "hex names",
        handler="dcs_xtgettcap",
        note="only TN/name, Co/colors and RGB; other names are not echoed back",
    ),
    _e("DCS", "q", "sixel", "sixel graphics"),
    _e("DCS", "=1s", "BSU", "begin synchronized update (as ?2026h)"),
    _e("DCS", "=2s", "ESU", "end synchronized update (as ?2026l)"),
    _e("DCS", "tmux;", "tmux", "tmux passthrough"),
)

_INDEX: dict[tuple[str, str], Entry] = {(e.kind, e.key): e for e in CATALOGUE}


def lookup(kind: str, key: str) -> Entry | None:
    """The entry for a sequence, trying the wildcard form for ESC designations."""
    entry = _INDEX.get((kind, key))
    if entry is None and kind == "ESC" and len(key) >= 2 and key[0] in "()*+-./":
        entry = _INDEX.get((kind, key[0] + "*"))
    return entry


def by_kind(kind: str) -> list[Entry]:
    return [e for e in CATALOGUE if e.kind == kind]
