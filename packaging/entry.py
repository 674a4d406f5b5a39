"""The frozen program's entry point: the same as ``python -m app`` (the window without arguments, a command with
them, a helper with ``--mojiscope-helper``; see app/pty/reentry.py)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
