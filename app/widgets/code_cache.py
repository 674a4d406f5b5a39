"""Compiled code of PySide6's own Python modules, kept between starts (start-up time).

Why: ``import PySide6`` runs shiboken's signature support, ~15 Python modules that libshiboken carries inside
itself as source text and compiles with ``compile()`` on every start (they never get the ``.pyc`` files a module
on disk gets): ~6 % of the instructions from ``python -m app`` to its first painted prompt.  PySide6 can write
them out to disk instead (``SBK_EMBED=0``), but into its own folder in site-packages, which an installed app may
not write and which outlives an upgrade of PySide6 (see docs/vt-engine.md, issue 15).

So while PySide6 is first imported, :func:`cached_compiles` stands in for the built-in ``compile``: a call of the
shape the signature loader makes (``compile(source, filename, "exec")``, nothing else) is answered from a cache
file (one per Python bytecode version, holding every such code under its exact source text, file name and flags:
:class:`_CodeTable`), or compiled and kept there.  The code object is the one ``compile`` makes (``marshal`` is how
``.pyc`` files hold code); a new PySide6 has new sources, which are compiled and replace the old ones in the file.
Anything that fails — an unreadable or corrupt file, a folder that cannot be written — falls back to ``compile``
itself: the cache can only make a start faster, never change what runs.  Every other call goes straight to
``compile``, and the built-in is put back when the block ends.

The same is done for the methods :mod:`dataclasses` writes while the app's modules are imported
(:func:`cached_dataclass_code`): CPython 3.11 makes each ``__init__``, ``__repr__``, ``__eq__``… of each dataclass by
an ``exec`` of generated source text, 255 of them before the first prompt.

And for regular expressions (:func:`cached_regexes`): ``re`` parses and compiles a pattern in Python (``re._parser``,
``re._compiler``) before handing the result, a list of ints, to the C engine (``_sre.compile``).  ~60 patterns are
compiled before the first prompt — three of them in PySide6's signature modules, one in the app's link finder, each
a few ms — ~8 % of the CPU time to the first prompt.  What ``_sre.compile`` is given is kept in one file per Python
and ``_sre`` version, and handed to it again at the next start; the pattern object is the same (patterns compare
equal when their flags, text and compiled code are).
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import functools
import marshal
import operator
import os
import re
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached_compiles", "cached_dataclass_code", "cached_regexes"]


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


#: The compiler flags of ``from __future__`` imports: a ``compile`` or ``exec`` of source text takes its caller's.
_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names), 0
)


#: Cache files older than this are removed when a start writes new ones: an upgrade of PySide6 or of the app leaves
#: files nobody reads any more (one still in use is written again at the next start, its only cost).
STALE_S = 30 * 24 * 3600
_pruned: set[Path] = set()


def _prune(folder: Path) -> None:
    """Remove the stale files of ``folder``, once per process (called when something new is written there)."""
    if folder in _pruned:
        return
    _pruned.add(folder)
    cutoff = time.time() - STALE_S
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.name.endswith((".code", ".part")) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def _tag() -> str:
    """What the compiled code in a cache file depends on: this Python's implementation and bytecode version."""
    magic = getattr(sys.modules.get("_frozen_importlib_external"), "MAGIC_NUMBER", b"")
    return f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{magic.hex()}"


class _CodeTable:
    """One cache file of code objects, each under exactly what it was compiled from: ``(file name, flags, source)``.

    Why one file (start-up): ~290 methods and modules are compiled before the first prompt; one file per code (named
    by a SHA-256 of its source, as before) cost an open, a read, a hash and pathlib's work each, ~5 % of the CPU time
    to the first prompt, and ``hashlib`` loaded OpenSSL for it.  The table is read once when a block starts and
    answers by a dict lookup on the source text itself: only exactly the same text, file name and flags get a code
    object back, and that is the one ``compile`` made of them (``marshal`` is how ``.pyc`` files keep code).  A miss
    is compiled; when the block ends after a miss, the file is written again with what this block used (so code
    nobody asks for any more falls out).  An unreadable or foreign file reads as empty; a folder that cannot be
    written only means compiling again next time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kept: dict[Any, Any] = {}
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            table = marshal.loads(path.read_bytes())
            if type(table) is dict:
                self.kept = table
        self.used: dict[Any, Any] = {}
        self.missed = False

    def code(self, compile_: Any, source: str | bytes, filename: str, flags: int) -> Any:
        """The code of ``source`` as ``compile_(source, filename, "exec", flags, True)`` makes it."""
        key = (filename, flags, source)
        code = self.kept.get(key)
        if type(code) is not types.CodeType or code.co_filename != filename:
            code = compile_(source, filename, "exec", flags, True)
            self.missed = True
        self.used[key] = code
        return code

    def save(self) -> None:
        """After a miss: write what this block used, whole or not at all (another start may read it meanwhile)."""
        if not self.missed:
            return
        with contextlib.suppress(OSError, ValueError):
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True)
            _prune(folder)
            part = self.path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(marshal.dumps(self.used))
            os.replace(part, self.path)


@contextlib.contextmanager
def cached_compiles(folder: Path) -> Iterator[None]:
    """Inside the block, ``compile(source, filename, "exec")`` is answered from ``folder`` (see the module
    docstring); the code is compiled with the ``from __future__`` flags of the caller, as ``compile`` does."""
    real = builtins.compile
    table = _CodeTable(folder / f"compiles-{_tag()}.code")

    def compile_cached(source: Any, filename: Any, mode: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or mode != "exec" or not isinstance(filename, str) or not isinstance(source, (str, bytes)):
            return real(source, filename, mode, *args, **kwargs)
        return table.code(real, source, filename, sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS)

    builtins.compile = compile_cached
    try:
        yield
    finally:
        builtins.compile = real
        table.save()


@contextlib.contextmanager
def cached_dataclass_code(folder: Path) -> Iterator[None]:
    """Inside the block, the methods :mod:`dataclasses` writes for each class (``__init__``, ``__repr__``,
    ``__eq__``…: on CPython 3.11 one ``exec`` of a source text each, ~100 µs to parse and compile; 255 of them before
    the first prompt, ~8 % of its instructions) come from ``folder`` too.  Only ``exec`` calls made by
    ``dataclasses._create_fn`` with both namespaces given are answered; the code is what ``exec`` compiles itself
    (file name ``<string>``, that module's ``from __future__`` flags)."""
    import dataclasses

    target = getattr(dataclasses, "_create_fn", None)
    if not isinstance(target, types.FunctionType):  # another Python: nothing to take over
        yield
        return
    made_by = target.__code__
    flags = made_by.co_flags & _FUTURE_FLAGS
    real_exec, real_compile = builtins.exec, builtins.compile
    table = _CodeTable(folder / f"dataclasses-{_tag()}.code")

    def exec_cached(source: Any, globals: Any = None, locals: Any = None, /, *args: Any, **kwargs: Any) -> Any:
        if (
            not args
            and not kwargs
            and isinstance(source, str)
            and globals is not None
            and locals is not None
            and sys._getframe(1).f_code is made_by
        ):
            source = table.code(real_compile, source, "<string>", flags)
        return real_exec(source, globals, locals, *args, **kwargs)

    builtins.exec = exec_cached
    try:
        yield
    finally:
        builtins.exec = real_exec
        table.save()


def _regex_file(folder: Path, sre: Any) -> Path:
    """The cache file of compiled patterns for this Python (the compiler's output is its business) and ``_sre``."""
    tag = f"{_tag()}-{getattr(sre, 'MAGIC', '')}-{getattr(sre, 'CODESIZE', '')}-{sys.maxunicode:x}"
    return folder / f"regex-{tag}.code"


def _read_regexes(path: Path) -> dict[Any, Any]:
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        table = marshal.loads(path.read_bytes())
        if type(table) is dict:
            return table
    return {}


class _Recorder:
    """Stands in for ``_sre`` in the regex compiler while one pattern is compiled the usual way: notes what the
    compiler hands ``_sre.compile``."""

    def __init__(self, sre: Any) -> None:
        self._sre = sre
        self.args: tuple[Any, ...] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sre, name)

    def compile(self, *args: Any) -> Any:
        self.args = args
        return self._sre.compile(*args)


@contextlib.contextmanager
def cached_regexes(folder: Path) -> Iterator[None]:
    """Inside the block, a pattern ``re`` compiles (``re.compile``, ``re.match``…, first use of a text) is made from
    what ``_sre.compile`` was given for it at an earlier start, kept in ``folder`` (see the module docstring).

    Only text and bytes patterns with int flags, without ``re.DEBUG`` (which prints as it compiles), are kept.  A
    miss is compiled by ``re`` itself, with ``_sre`` watched to note what it is given; the file is written once, when
    the block ends, with the patterns this block used (so patterns nobody compiles any more fall out).  A file that
    cannot be read or an entry ``_sre`` refuses falls back to compiling; the compiler is put back when the block
    ends.
    """
    compiler = getattr(re, "_compiler", None) or getattr(re, "sre_compile", None)  # 3.11+ / 3.10
    sre = getattr(compiler, "_sre", None)
    real = getattr(compiler, "compile", None)
    if compiler is None or sre is None or not callable(real):  # another Python: nothing to take over
        yield
        return
    path = _regex_file(folder, sre)
    kept = _read_regexes(path)
    used: dict[Any, Any] = {}
    missed = False

    def compile_cached(pattern: Any, flags: Any = 0) -> Any:
        nonlocal missed
        if type(pattern) not in (str, bytes) or not isinstance(flags, int) or flags & re.DEBUG:
            return real(pattern, flags)
        key = (type(pattern) is bytes, pattern, int(flags))  # re.I is re.RegexFlag: an int that marshal refuses
        args = kept.get(key)
        if type(args) is tuple:
            try:
                compiled = sre.compile(pattern, *args)
            except (TypeError, ValueError, RuntimeError, OverflowError):  # not what this _sre takes: compile
                pass
            else:
                used[key] = args
                return compiled
        recorder = _Recorder(sre)
        compiler._sre = recorder
        try:
            compiled = real(pattern, flags)
        finally:
            compiler._sre = sre
        if recorder.args is not None and recorder.args[0] is pattern:
            with contextlib.suppress(TypeError, ValueError):
                # The compiler's opcodes are int subclasses (named constants), which marshal refuses: plain ints.
                final_flags, code, groups, groupindex, indexgroup = recorder.args[1:]
                used[key] = (int(final_flags), [int(op) for op in code], int(groups), dict(groupindex), indexgroup)
                missed = True
        return compiled

    compiler.compile = compile_cached
    try:
        yield
    finally:
        compiler.compile = real
        if missed:
            with contextlib.suppress(OSError, ValueError):
                folder.mkdir(parents=True, exist_ok=True)
                _prune(folder)
                part = path.with_suffix(f".{os.getpid()}.part")
                part.write_bytes(marshal.dumps(used))
                os.replace(part, path)
