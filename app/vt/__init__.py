"""The VT engine: bytes → text → escape-sequence events → a screen model.

No Qt, no I/O, no threads: everything here runs the same under the app, the CLI and tests.
:class:`Terminal` is the public face; views read it through its read API (:class:`RowData`,
:data:`WIDE_TAIL`) and name modes with the constants of :mod:`app.vt.modes`.
"""

from .terminal import WIDE_TAIL, RowData, Terminal

__all__ = ["WIDE_TAIL", "RowData", "Terminal"]
