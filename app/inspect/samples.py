"""What each bundled sample recording teaches, from the samples folder's README (one line per sample).

``resources/samples/README.md`` lists every sample as ``- `name.cast` — what it shows``; the File ▸ Samples menu
shows that line where a sample is chosen, and the Session panel while it plays, so the description is written once
(``tests/test_samples.py`` checks each recording shows what its line says).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["sample_descriptions"]

_LINE = re.compile(r"^- `(?P<name>[^`]+\.cast)` — (?P<text>.+)$")


def _plain(markdown: str) -> str:
    """The line without Markdown's code ticks and emphasis (shown as plain text)."""
    return re.sub(r"[`*]", "", markdown).strip()


def sample_descriptions(folder: Path) -> dict[str, str]:
    """``{file name: description}`` for the samples the README in ``folder`` describes (empty if it has none)."""
    try:
        text = (folder / "README.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if m:
            found[m.group("name")] = _plain(m.group("text"))
    return found
