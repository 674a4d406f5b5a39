"""Starting the desktop app.

The full window (terminal widget, Bytes / Code page / Environment / Tests panels, replay bar)
is issue 4's work; until it lands this opens a minimal Qt window that says so, so that the
README's first command does something honest on a fresh machine.
"""

from __future__ import annotations

import sys


def run_app(argv: list[str]) -> int:
    try:
        from PySide6.QtWidgets import QApplication, QLabel
    except ImportError as exc:  # pragma: no cover - PySide6 is a dependency
        print(f"mojiscope: error: the desktop app needs PySide6 ({exc}); run: pip install -e .", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    label = QLabel(
        "Mojiscope\n\nThe terminal window is under construction.\n"
        "Headless commands work today:\n  python -m app render FILE\n  python -m app inspect FILE\n"
        "  python -m app bench"
    )
    label.setWindowTitle("Mojiscope")
    label.setMargin(24)
    label.show()
    return int(app.exec())
