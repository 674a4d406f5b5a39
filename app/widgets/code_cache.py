"""Compiled code of PySide6's own Python modules, kept between starts (start-up time).

Why: ``import PySide6`` runs shiboken's signature support, ~15 Python modules that libshiboken carries inside
itself as source text and compiles with ``compile()`` on every start (they never get the ``.pyc`` files a module
on disk gets): ~6 % of the instructions from ``python -m app`` to its first painted prompt.  PySide6 can write
them out to disk instead (``SBK_EMBED=0``), but into its own folder in site-packages, which an installed app may
not write and which outlives an upgrade of PySide6 (see docs/vt-engine.md, issue 15).

So while PySide6 is first imported, :func:`cached_compiles` stands in for the built-in ``compile``: a call of the
shape the signature loader makes (``compile(source, filename, "exec")``, nothing else) is answered from a cache
file named after the source, its file name and this Python's bytecode version, or compiled and written there.
The code object is the one ``compile`` makes (``marshal`` is how ``.pyc`` files hold code); a new PySide6 has new
sources, so new file names.  Anything that fails — an unreadable or corrupt file, a folder that cannot be written —
falls back to ``compile`` itself: the cache can only make a start faster, never change what runs.  Every other
call goes straight to ``compile``, and the built-in is put back when the block ends.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached_compiles"]

def cache_dir() -> Path:
    """Where this user's caches go: ``$XDG_CACHE_HOME`` or ``~/.cache`` (``%LOCALAPPDATA%`` on Windows,
    ``~/Library/Caches`` on macOS), then ``mojiscope/code``."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mojiscope" / "code"


def _key(source: bytes, filename: str) -> str:
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER)
    digest.update(filename.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(source)
    return digest.hexdigest()


@contextlib.contextmanager
def cached_compiles(folder: Path) -> Iterator[None]:
    """Inside the block, ``compile(source, filename, "exec")`` is answered from ``folder`` (see the module
    docstring)."""
    real = builtins.compile

    def compile_cached(source: Any, filename: Any, mode: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or mode != "exec" or not isinstance(filename, str):
            return real(source, filename, mode, *args, **kwargs)
        if isinstance(source, str):
            data = source.encode("utf-8", "surrogatepass")
        elif isinstance(source, bytes):
            data = source
        else:
            return real(source, filename, mode)
        path = folder / f"{_key(data, filename)}.code"
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            code = marshal.loads(path.read_bytes())
            if type(code) is type(compile_cached.__code__) and code.co_filename == filename:
                return code
        code = real(source, filename, mode)
        with contextlib.suppress(OSError, ValueError):
            folder.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(marshal.dumps(code))
            os.replace(part, path)  # whole or not at all: another start may read it at the same moment
        return code

    builtins.compile = compile_cached
    try:
        yield
    finally:
        builtins.compile = real
