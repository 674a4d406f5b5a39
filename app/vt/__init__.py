"""The VT engine: bytes → text → escape-sequence events → a screen model.

No Qt, no I/O, no threads: everything here runs the same under the app, the CLI and tests.
"""

from .terminal import Terminal

__all__ = ["Terminal"]
