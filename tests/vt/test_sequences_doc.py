"""docs/sequences.md is generated from the catalogue and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from app.vt.catalogue import CATALOGUE
from app.vt.dispatch import Dispatcher
from app.vt.screen import Screen
from app.vt.sequences_doc import render_sequences_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "sequences.md"


def test_committed_page_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render_sequences_markdown(), (
        "docs/sequences.md is stale: run `python -m app sequences > docs/sequences.md`"
    )


def test_supported_means_the_dispatcher_has_a_handler() -> None:
    d = Dispatcher(Screen(10, 3))
    tables = {"C0": d._c0, "C1": d._c0, "ESC": d._esc, "CSI": d._csi, "OSC": d._osc, "DCS": d._dcs}
    for entry in CATALOGUE:
        if entry.kind == "ESC" and entry.key.endswith("*"):
            continue  # designations take any final: esc_dispatch routes them (next test)
        handler = tables[entry.kind].get(entry.key)
        if entry.supported:
            assert handler is not None, entry
            assert handler != d.ignore or entry.kind in ("C0", "C1", "ESC"), entry
        elif entry.kind not in ("C0", "C1"):  # every control has a (no-op) route
            assert handler is None, entry


def test_supported_designations_take_any_final() -> None:
    screen = Screen(10, 3)
    d = Dispatcher(screen)
    for entry in CATALOGUE:
        if entry.kind == "ESC" and entry.key.endswith("*"):
            slot = "()*+-./".index(entry.key[0])
            slot = slot if slot < 4 else slot - 3
            before = list(screen.charsets)
            d.esc_dispatch(entry.key[0], "0")
            assert (screen.charsets[slot] == "0") is entry.supported, entry
            screen.charsets[:] = before


def test_page_lists_unsupported_sequences_as_such() -> None:
    page = render_sequences_markdown()
    assert "| `CSI = c` | DA3 | tertiary device attributes |  | no |  |" in page
    assert "| `CSI Ps $x` | DECFRA | fill rectangular area | Pch;Pt;Pl;Pb;Pr | yes |  |" in page
    assert "| `CSI Ps m` | SGR | select graphic rendition | Pm | yes |  |" in page
