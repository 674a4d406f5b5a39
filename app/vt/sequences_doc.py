"""The "supported sequences" page, generated from the catalogue.

``docs/sequences.md`` is this function's output, committed; a test fails when the two differ,
so the page cannot drift from what the dispatcher does.
"""

from __future__ import annotations

from . import modes as M
from .catalogue import CATALOGUE, Entry

__all__ = ["render_sequences_markdown"]

_KIND_TITLES = {
    "C0": "C0 controls",
    "C1": "C1 controls (decoded U+0080–U+009F)",
    "ESC": "ESC sequences",
    "CSI": "CSI sequences",
    "OSC": "OSC commands",
    "DCS": "DCS strings",
}


def _shown_key(entry: Entry) -> str:
    if entry.kind in ("C0", "C1"):
        return f"0x{ord(entry.key):02X}"
    if entry.kind == "ESC":
        return "ESC " + " ".join(entry.key.replace("*", "F"))
    if entry.kind == "CSI":
        private = entry.key[0] if entry.key[0] in "<=>?" else ""
        rest = entry.key[len(private) :]
        inter, final = rest[:-1], rest[-1]
        params = "Ps" if entry.params else ""
        return f"CSI {private}{params} {inter}{final}".replace("  ", " ")
    if entry.kind == "OSC":
        return f"OSC {entry.key} ; … ST"
    return f"DCS {entry.key} … ST"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_sequences_markdown() -> str:
    lines = [
        "# Supported sequences",
        "",
        "Generated from `app/vt/catalogue.py` by `python -m app sequences`; do not edit by hand.",
        "“yes” means the engine acts on it; “no” means it is recognised, explained by `inspect`, and ignored.",
        "",
    ]
    for kind, title in _KIND_TITLES.items():
        lines += [
            f"## {title}",
            "",
            "| sequence | mnemonic | meaning | parameters | supported | note |",
            "|---|---|---|---|---|---|",
        ]
        for e in CATALOGUE:
            if e.kind != kind:
                continue
            lines.append(
                f"| `{_cell(_shown_key(e))}` | {e.mnemonic} | {_cell(e.name)} | {_cell(e.params)} | "
                f"{'yes' if e.supported else 'no'} | {_cell(e.note)} |"
            )
        lines.append("")
    for title, table, prefix in (("ANSI modes (SM/RM)", M.ANSI_MODES, ""), ("DEC private modes", M.DEC_MODES, "?")):
        lines += [
            f"## {title}",
            "",
            "“yes”: acts; “recorded”: kept and reported by DECRQM as xterm does, with no effect here; "
            "“permanently reset/set”: DECRQM answers 4/3.",
            "",
            "| mode | name | meaning | supported |",
            "|---|---|---|---|",
        ]
        for number, mode in sorted(table.items()):
            lines.append(f"| {prefix}{number} | {mode.mnemonic} | {_cell(mode.meaning)} | {mode.support} |")
        lines.append("")
    return "\n".join(lines)
