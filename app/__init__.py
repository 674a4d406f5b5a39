"""Mojiscope: see what really travels between a program and a terminal.

:func:`launch_environment` is the environment this process was started with, taken when the package
is first imported, before any library had a chance to write into ``os.environ``. Sessions start from
it, not from ``os.environ``: importing PySide6 sets ``PYSIDE6_OPTION_PYTHON_ENUM=True`` (and a Qt
platform may be chosen for a screenshot), and none of the app's own settings belong in the user's
shells.

:data:`MAX_TERMINAL_SIZE` is the one limit on a terminal's columns and rows, kept here because every layer
needs it and may import the root: the command line's ``--cols``/``--rows``, a recording's header and resize
events, and the engine itself refuse anything larger, so a file cannot ask for what the command line refuses
(a 1,000,000,000-row header once made the engine try to allocate gigabytes).
"""

from __future__ import annotations

import os
import sys

__all__ = ["MAX_TERMINAL_SIZE", "import_asyncio_without_ssl", "launch_environment"]

#: Largest number of columns or rows a terminal may have, wherever the size comes from (see the module doc).
MAX_TERMINAL_SIZE = 10_000

_LAUNCH_ENVIRONMENT = dict(os.environ)


def launch_environment() -> dict[str, str]:
    """A copy of the environment as it was when the app started (see the module docstring)."""
    return dict(_LAUNCH_ENVIRONMENT)


def import_asyncio_without_ssl() -> None:
    """Import :mod:`asyncio` without its TLS support, for the window's process (start-up, issue 15).

    Why: asyncio imports :mod:`ssl` only to offer TLS connections, and loading it (OpenSSL's two libraries, their
    initialisation, ssl's enums) is ~2 % of the instructions from ``python -m app`` to its first prompt.  The
    window's loop never opens a network connection: it reads ptys.  asyncio is written for a Python without ssl
    (``try: import ssl except ImportError: ssl = None``), so ssl is hidden while asyncio is imported and put back
    at once: a later ``import ssl`` (anyone's) works as always; only asyncio's own TLS would refuse, with its
    "Python ssl module is not available".  Nothing is done if asyncio or ssl is loaded already.
    """
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return
    sys.modules["ssl"] = None  # type: ignore[assignment]  # None in sys.modules: "import ssl" raises ImportError
    try:
        import asyncio  # noqa: F401
    finally:
        hidden: object = sys.modules.get("ssl", sys)
        if hidden is None:
            del sys.modules["ssl"]
