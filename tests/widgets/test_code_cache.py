"""PySide6's embedded modules compiled once and kept (app.widgets.code_cache): the same code, or ``compile`` itself."""

from __future__ import annotations
import __future__

import builtins
import dataclasses
import marshal
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.widgets import code_cache
from app.widgets.code_cache import cache_dir, cached_compiles, cached_dataclass_code, cached_regexes

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
    assert len(list(tmp_path.glob("compiles-*.code"))) == 1 and not list(tmp_path.glob("*.part"))
    with cached_compiles(tmp_path):  # another file name or another source: compiled, kept apart
        compile(SOURCE, "shibokensupport/y.py", "exec")
        compile(SOURCE + b"OTHER = 1\n", "shibokensupport/x.py", "exec")
        compile(SOURCE, "shibokensupport/x.py", "exec")
    assert counting.calls == 3 and len(list(tmp_path.glob("*.code"))) == 1
    (path,) = tmp_path.glob("compiles-*.code")
    assert len(marshal.loads(path.read_bytes())) == 3  # one file, the three codes this block used


def test_a_corrupt_or_foreign_cache_file_falls_back_to_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with cached_compiles(tmp_path):
        compile(SOURCE, "a.py", "exec")
    (path,) = tmp_path.glob("*.code")
    (key,) = marshal.loads(path.read_bytes())
    foreign = compile("pass", "other.py", "exec")
    for damage in (b"\x00garbage", marshal.dumps(42), marshal.dumps(foreign), marshal.dumps({key: foreign})):
        path.write_bytes(damage)
        counting = Counting()
        monkeypatch.setattr(builtins, "compile", counting)
        with cached_compiles(tmp_path):
            code = compile(SOURCE, "a.py", "exec")
        assert counting.calls == 1 and run(code)["VALUE"] == 42 and code.co_filename == "a.py"
        assert marshal.loads(path.read_bytes())[key].co_filename == "a.py"  # written again, whole


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
    (table,) = folder.glob("compiles-*.code")
    kept = len(marshal.loads(table.read_bytes()))
    assert kept >= 5
    stamps = [f.stat().st_mtime_ns for f in files]
    second = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, timeout=60)
    compiled_first, signature = first.stdout.split(" ", 1)
    compiled_second, signature_again = second.stdout.split(" ", 1)
    assert int(compiled_first) >= kept and int(compiled_second) == int(compiled_first) - kept
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
    (table,) = tmp_path.glob("dataclasses-*.code")
    assert written >= 4 and len(marshal.loads(table.read_bytes())) == written  # __init__, __repr__, __eq__, __hash__…
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


# -- regular expressions (cached_regexes) ---------------------------------------------------------------------------

COMPILER = re._compiler if hasattr(re, "_compiler") else re.sre_compile  # type: ignore[attr-defined]


class CountingParse:
    """``re``'s parser, counting the patterns it parses (a pattern answered from the cache is not parsed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parser = COMPILER._parser if hasattr(COMPILER, "_parser") else COMPILER.sre_parse
        self.real = self.parser.parse
        self.calls = 0
        monkeypatch.setattr(self.parser, "parse", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)


def same_pattern(a: re.Pattern[Any], b: re.Pattern[Any]) -> bool:
    """Patterns compare equal when their text, flags and compiled code are; the groups are not compared."""
    return a == b and (a.groups, dict(a.groupindex)) == (b.groups, dict(b.groupindex))


ATOMS = ["a", "b", "ab", ".", r"\d", r"\w", r"\s", r"\b", "[a-c]", "[^x]", "é", "中", "^", "$", "(?i:b)", r"\x1b\["]


def _patterns() -> st.SearchStrategy[str]:
    def more(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=2, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map("|".join),
            inner.map(lambda p: f"(?:{p})"),
            inner.map(lambda p: f"({p})"),
            st.tuples(inner, st.sampled_from(["*", "+?", "?", "{1,3}", "*+"])).map(lambda t: f"(?:{t[0]}){t[1]}"),
        )

    body = st.recursive(st.sampled_from(ATOMS), more, max_leaves=8)
    return st.tuples(st.sampled_from(["", "(?s)", "(?m)"]), body, st.booleans()).map(
        lambda t: f"{t[0]}(?P<named>{t[1]})" if t[2] else t[0] + t[1]
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pattern=_patterns(),
    as_bytes=st.booleans(),
    flags=st.lists(st.sampled_from([0, re.IGNORECASE, re.MULTILINE, re.DOTALL, re.ASCII]), min_size=1, max_size=3),
    text=st.text(alphabet="abcx1 é中\n\x1b[", max_size=12),
)
def test_a_pattern_read_back_from_the_cache_is_the_one_re_compiles(
    monkeypatch: pytest.MonkeyPatch, pattern: str, as_bytes: bool, flags: list[int], text: str
) -> None:
    """Compiled once (noted), then read back at the next block: equal to what ``re`` compiles (text, flags, code,
    groups), matching the same, for str and bytes patterns and each of several flags, with no parse the second time."""
    source: str | bytes = pattern
    subject: str | bytes = text
    if as_bytes:
        if not pattern.isascii():
            return
        source, subject = pattern.encode(), text.encode()
        flags = [f for f in flags if f != re.ASCII] or [0]
    expected = [COMPILER.compile(source, f) for f in flags]
    with tempfile.TemporaryDirectory() as folder:
        with cached_regexes(Path(folder)):
            first = [COMPILER.compile(source, f) for f in flags]
        counting = CountingParse(monkeypatch)
        with cached_regexes(Path(folder)):
            second = [COMPILER.compile(source, f) for f in flags]
        monkeypatch.undo()
        assert counting.calls == 0
    for want, *got in zip(expected, first, second, strict=True):
        assert all(same_pattern(want, one) for one in got)
        found = [p.search(subject) for p in (want, *got)]
        assert len({(m.span(), m.groups(), m.lastgroup) if m is not None else None for m in found}) == 1


def test_what_a_block_used_is_kept_and_what_it_did_not_falls_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with cached_regexes(tmp_path):
        COMPILER.compile("a+b", 0)
        COMPILER.compile("old", 0)
    with cached_regexes(tmp_path):
        COMPILER.compile("a+b", 0)  # read back
        COMPILER.compile(b"c|d", re.IGNORECASE)  # new: the file is written again, without "old"
    counting = CountingParse(monkeypatch)
    with cached_regexes(tmp_path):
        assert same_pattern(COMPILER.compile("a+b", 0), re.compile("a+b"))
        assert same_pattern(COMPILER.compile(b"c|d", re.IGNORECASE), re.compile(b"c|d", re.IGNORECASE))
        assert counting.calls == 0
        COMPILER.compile("old", 0)
        assert counting.calls == 1
    assert len(list(tmp_path.glob("regex-*.code"))) == 1


def test_a_bad_cache_file_or_folder_and_a_bad_pattern_change_nothing(tmp_path: Path) -> None:
    real = COMPILER.compile
    with cached_regexes(tmp_path):
        COMPILER.compile("x(y)", 0)
    (path,) = tmp_path.glob("regex-*.code")
    table = marshal.loads(path.read_bytes())
    (key,) = table
    flags, code, *rest = table[key]
    for damaged in (b"not marshal", marshal.dumps([1, 2]), marshal.dumps({key: (flags, code[:-3], *rest)})):
        path.write_bytes(damaged)
        with cached_regexes(tmp_path):
            assert same_pattern(COMPILER.compile("x(y)", 0), re.compile("x(y)"))
    blocker = tmp_path / "file"
    blocker.write_text("")
    with cached_regexes(blocker / "code"):  # cannot be made: compiled, nothing kept
        assert same_pattern(COMPILER.compile("x(y)", 0), re.compile("x(y)"))
    with pytest.raises(re.error), cached_regexes(tmp_path):
        COMPILER.compile("(unclosed", 0)
    assert COMPILER.compile is real
    with cached_regexes(tmp_path):  # re.DEBUG prints as it compiles: never answered from the cache
        debug = COMPILER.compile("z", re.DEBUG)
    assert debug.pattern == "z" and debug.flags & re.DEBUG
    assert all(not flags & re.DEBUG for _bytes, _text, flags in marshal.loads(path.read_bytes()))


# -- one table per kind (_CodeTable): the code read back is exactly what compile makes of that text -------------------

_STATEMENTS = ["x = 1", "x = 2", "y = x * 3", "def f(a):\n    return a + 1", "z = 'é中'", "x = 1  # note", "pass"]


@settings(max_examples=40, deadline=None)
@given(
    sources=st.lists(
        st.tuples(
            st.lists(st.sampled_from(_STATEMENTS), min_size=1, max_size=4).map("\n".join),
            st.sampled_from(["a.py", "b.py", "<string>"]),
            st.booleans(),  # the caller compiles with "from __future__ import annotations" or without
            st.booleans(),  # bytes or str
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_code_read_back_is_what_compile_makes_of_exactly_that_text_name_and_flags(
    sources: list[tuple[str, str, bool, bool]],
) -> None:
    """Several sources (some the same text under another name or flags, str or bytes) through the cache twice: the
    second block compiles nothing it compiled before and each code equals the one ``compile`` makes of it."""
    flag = __future__.annotations.compiler_flag
    real = builtins.compile
    with tempfile.TemporaryDirectory() as folder:
        for _block in range(2):
            counting = Counting()
            builtins.compile = counting
            try:
                with cached_compiles(Path(folder)):
                    got = []
                    for text, name, future, as_bytes in sources:
                        source: str | bytes = text.encode() if as_bytes else text
                        got.append(_compile_as(source, name, future))
            finally:
                builtins.compile = real
            if _block == 1:
                assert counting.calls == 0
        for code, (text, name, future, as_bytes) in zip(got, sources, strict=True):
            source = text.encode() if as_bytes else text
            want = real(source, name, "exec", flag if future else 0, True)
            assert code == want and code.co_filename == name
            assert bool(code.co_flags & flag) is future


def _compiler_for(future: bool) -> Any:
    """A function calling ``compile(source, name, "exec")``, itself compiled with or without ``from __future__ import
    annotations`` (whose flags ``compile``, and so the cache, take from the caller)."""
    space: dict[str, Any] = {}
    text = "def compile_it(source, name):\n    return compile(source, name, 'exec')\n"
    exec(builtins.compile(text, "helper", "exec", __future__.annotations.compiler_flag if future else 0, True), space)
    return space["compile_it"]


_COMPILE_AS = {future: _compiler_for(future) for future in (False, True)}


def _compile_as(source: str | bytes, name: str, future: bool) -> Any:
    return _COMPILE_AS[future](source, name)


@settings(max_examples=25, deadline=None)
@given(
    fields=st.lists(st.sampled_from(["a", "b", "c", "tags"]), min_size=1, max_size=4, unique=True),
    defaults=st.integers(0, 4),
    frozen=st.booleans(),
    order=st.booleans(),
)
def test_dataclasses_made_from_the_cache_are_the_ones_made_without_it(
    fields: list[str], defaults: int, frozen: bool, order: bool
) -> None:
    """Random dataclasses (fields, defaults, frozen, order) made in two cached blocks and outside: the same methods'
    code; the second block reads every method back."""
    lines = [f"@dataclasses.dataclass(frozen={frozen!r}, order={order!r})", "class C:"]
    first_default = len(fields) - min(defaults, len(fields))
    for i, name in enumerate(fields):
        lines.append(f"    {name}: int" + (f" = {i}" if i >= first_default else ""))
    text = "\n".join(lines) + "\n"

    def make() -> type:
        space: dict[str, Any] = {"dataclasses": dataclasses}
        exec(text, space)
        made: type = space["C"]
        return made

    real = builtins.compile
    with tempfile.TemporaryDirectory() as folder:
        made = []
        for _block in range(2):
            counting = Counting()
            builtins.compile = counting
            try:
                with cached_dataclass_code(Path(folder)):
                    made.append(make())
            finally:
                builtins.compile = real
        assert counting.calls == 0
    plain = make()
    methods = [n for n, v in vars(plain).items() if callable(v) and hasattr(v, "__code__")]
    assert "__init__" in methods
    for cls in made:
        assert [n for n, v in vars(cls).items() if callable(v) and hasattr(v, "__code__")] == methods
        for name in methods:
            assert getattr(cls, name).__code__ == getattr(plain, name).__code__
