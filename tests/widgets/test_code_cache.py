"""PySide6's embedded modules compiled once and kept (app.widgets.code_cache): the same code, or ``compile`` itself."""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.widgets import code_cache
from app.widgets.code_cache import cache_dir, cached_compiles, cached_dataclass_code

SOURCE = b"import sys\n\ndef twice(x):\n    return 2 * x\n\nVALUE = twice(21)\n"


class Counting:
    """The built-in ``compile``, counting its calls."""

    def __init__(self) -> None:
        self.real = builtins.compile
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)


def run(code: Any) -> dict[str, Any]:
    space: dict[str, Any] = {}
    exec(code, space)
    return space


def test_the_second_compile_of_a_source_is_read_back_as_the_same_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting()
    monkeypatch.setattr(builtins, "compile", counting)
    with cached_compiles(tmp_path):
        first = compile(SOURCE, "shibokensupport/x.py", "exec")
    with cached_compiles(tmp_path):
        second = compile(SOURCE, "shibokensupport/x.py", "exec")
    assert counting.calls == 1  # the second came from the cache file
    fresh = counting.real(SOURCE, "shibokensupport/x.py", "exec")
    assert second == first == fresh  # code objects compare by their bytecode, constants, names, flags…
    assert run(second)["VALUE"] == 42 and second.co_filename == "shibokensupport/x.py"
    assert len(list(tmp_path.glob("*.code"))) == 1 and not list(tmp_path.glob("*.part"))
    with cached_compiles(tmp_path):  # another file name or another source: compiled, kept apart
        compile(SOURCE, "shibokensupport/y.py", "exec")
        compile(SOURCE + b"OTHER = 1\n", "shibokensupport/x.py", "exec")
    assert counting.calls == 3 and len(list(tmp_path.glob("*.code"))) == 3


def test_a_corrupt_or_foreign_cache_file_falls_back_to_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with cached_compiles(tmp_path):
        compile(SOURCE, "a.py", "exec")
    (path,) = tmp_path.glob("*.code")
    for damage in (b"\x00garbage", marshal.dumps(42), marshal.dumps(compile("pass", "other.py", "exec"))):
        path.write_bytes(damage)
        counting = Counting()
        monkeypatch.setattr(builtins, "compile", counting)
        with cached_compiles(tmp_path):
            code = compile(SOURCE, "a.py", "exec")
        assert counting.calls == 1 and run(code)["VALUE"] == 42 and code.co_filename == "a.py"
        assert marshal.loads(path.read_bytes()).co_filename == "a.py"  # written again, whole


def test_an_unwritable_cache_folder_only_means_compiling(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with cached_compiles(blocker / "code"):
        code = compile(SOURCE, "a.py", "exec")
    assert run(code)["VALUE"] == 42


def test_other_calls_go_to_compile_and_the_builtin_is_put_back(tmp_path: Path) -> None:
    real = builtins.compile
    with pytest.raises(RuntimeError), cached_compiles(tmp_path):
        assert builtins.compile is not real
        assert eval(compile("6 * 7", "e", "eval")) == 42  # not "exec": not cached
        tree = compile("x = 1", "t", "exec", 0x400)  # flags (ast.PyCF_ONLY_AST): not cached
        assert type(tree).__name__ == "Module"
        raise RuntimeError("the block fails")
    assert builtins.compile is real
    assert list(tmp_path.glob("*.code")) == []


def test_importing_qt_keeps_pysides_compiled_modules_and_reads_them_on_the_next_start(tmp_path: Path) -> None:
    """A real start: the first import of PySide6 through app.widgets.qt writes the cache, the second reads it and
    PySide's signature support (which those modules are) still answers."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path)}
    probe = (
        "import builtins\n"
        "calls = []\n"
        "real = builtins.compile\n"
        "builtins.compile = lambda *a, **k: (calls.append(a[1]), real(*a, **k))[1]\n"
        "from app.widgets.qt import QtCore\n"
        "builtins.compile = real\n"
        "try:\n"
        "    QtCore.QObject().setObjectName(1)\n"
        "except TypeError as exc:\n"  # the message is made by the signature modules the cache holds
        "    print(len(calls), repr(str(exc)))\n"
    )
    argv = [sys.executable, "-c", probe]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, timeout=60)
    folder = tmp_path / "mojiscope" / "code"
    assert cache_dir() != folder  # the test's own process keeps its own cache
    files = sorted(folder.glob("*.code"))
    assert len(files) >= 5
    stamps = [f.stat().st_mtime_ns for f in files]
    second = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, timeout=60)
    compiled_first, signature = first.stdout.split(" ", 1)
    compiled_second, signature_again = second.stdout.split(" ", 1)
    assert int(compiled_first) >= len(files) and int(compiled_second) == int(compiled_first) - len(files)
    assert "Supported signatures" in signature and "setObjectName(name: str, /)" in signature
    assert signature_again == signature
    assert [f.stat().st_mtime_ns for f in sorted(folder.glob("*.code"))] == stamps  # read, not written again


def make_point_class() -> type:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0
        tags: list[str] = dataclasses.field(default_factory=list)

    return Point


def test_dataclass_methods_come_from_the_cache_and_behave_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting()
    monkeypatch.setattr(builtins, "compile", counting)
    with cached_dataclass_code(tmp_path):
        first = make_point_class()
    written = counting.calls
    assert written >= 4 and len(list(tmp_path.glob("*.code"))) == written  # __init__, __repr__, __eq__, __hash__…
    with cached_dataclass_code(tmp_path):
        second = make_point_class()
    assert counting.calls == written  # every method read back
    plain = make_point_class()  # outside the block: dataclasses' own exec
    for cls in (first, second, plain):
        p = cls(1, tags=["a"])
        assert (p.x, p.y, p.tags) == (1, 0, ["a"]) and p == cls(1, 0, ["a"]) != cls(1, 1)
        assert repr(p).endswith("Point(x=1, y=0, tags=['a'])")
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 2  # type: ignore[misc]
        assert cls(2).tags == [] and cls(2).tags is not cls(2).tags
    assert [m.__code__.co_filename for m in (second.__init__, second.__eq__)] == ["<string>", "<string>"]
    assert second.__init__.__code__ == plain.__init__.__code__ and second.__eq__.__code__ == plain.__eq__.__code__


def test_other_execs_are_left_alone_and_exec_is_put_back(tmp_path: Path) -> None:
    real = builtins.exec
    space: dict[str, Any] = {}
    with pytest.raises(RuntimeError), cached_dataclass_code(tmp_path):
        exec("value = 6 * 7", space)
        assert space["value"] == 42
        raise RuntimeError("the block fails")
    assert builtins.exec is real and list(tmp_path.glob("*.code")) == []


def test_a_start_that_writes_the_cache_removes_its_stale_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_cache, "_pruned", set())
    old, recent = tmp_path / ("0" * 64 + ".code"), tmp_path / ("1" * 64 + ".code")
    for path in (old, recent):
        path.write_bytes(b"stale or not")
    month_and_more = time.time() - code_cache.STALE_S - 3600
    os.utime(old, (month_and_more, month_and_more))
    with cached_compiles(tmp_path):
        compile(SOURCE, "a.py", "exec")  # new: written, and the folder looked through once
    assert not old.exists() and recent.exists() and len(list(tmp_path.glob("*.code"))) == 2
