"""``python -m app``: the command line, and the desktop app when no command is given.

With no arguments the app is started without importing the command line's module (argparse, json and the
commands' code: ~7 ms of start-up); ``app.cli.main`` does the same for the installed ``mojiscope`` command.
"""

import sys

if len(sys.argv) == 1:
    import gc

    gc.disable()  # until the window is up: see app.app_main.run_app (asyncio's import already made ~20 collections)
    from app import import_asyncio_without_ssl

    import_asyncio_without_ssl()  # the window's loop reads ptys: no TLS, and ~2 % of the start-up saved
    from app.app_main import run_app

    sys.exit(run_app([]))

from app.cli import main

sys.exit(main())
