"""``python -m app``: the command line, and the desktop app when no command is given."""

import sys

from app.cli import main

sys.exit(main())
