"""PySide's enums made the quick way (app.widgets.quick_enums) are the ones the stdlib makes: every enum of QtCore,
QtGui and QtWidgets, and random ones of each base (aliases, multi-bit flags, names the quick way must leave alone)."""

from __future__ import annotations

import enum
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.widgets import quick_enums as qe
from app.widgets.quick_enums import quick_enums

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.version_info[:2] not in qe._KNOWN, reason="quick_enums follows CPython 3.11")


def describe(c: Any) -> dict[str, Any]:
    """Everything an enum class shows: its attributes (members by name, functions by name), members, iteration,
    reprs, flag operations."""

    def show(v: Any) -> Any:
        if isinstance(v, c):
            return ("member", v._name_)
        if callable(v) and hasattr(v, "__qualname__"):
            return ("fn", getattr(v, "__module__", None), v.__qualname__)
        if isinstance(v, dict):
            return ("dict", sorted((repr(k), show(x)) for k, x in v.items()))
        if isinstance(v, list):
            return ("list", [show(x) for x in v])
        if isinstance(v, (property, enum.property)):  # a member whose name a base defines: a redirect
            parts = (getattr(v, "name", None), getattr(v, "member", None), v.fget, v.fset, v.fdel)
            return ("property", type(v).__name__, *(show(x) if x is not None else None for x in parts))
        return ("v", type(v).__name__, repr(v))

    d: dict[str, Any] = {
        "type": type(c).__name__,
        "name": c.__name__,
        "qualname": c.__qualname__,
        "module": c.__module__,
        "mro": [b.__name__ for b in c.__mro__],
        "vars": sorted((k, show(v)) for k, v in vars(c).items() if k != "__doc__"),
        "doc": c.__doc__,
        "iter": [m._name_ for m in c],
        "members": [
            (
                n,
                m._name_,
                repr(m._value_),
                type(m._value_).__name__,
                m._sort_order_,
                m.__objclass__ is c,
                repr(m),
                str(m),
                format(m),
                sorted((k, repr(v)) for k, v in vars(m).items()),
            )
            for n, m in c.__members__.items()
        ],
    }
    members = list(c)
    if members:
        d["by value"] = [attempt(lambda m=m: c(m._value_)._name_) for m in members]
    if issubclass(c, enum.Flag) and members:
        d["flag"] = [attempt(lambda m=m: repr(~m)) for m in members[:8]]
        d["or"] = attempt(lambda: repr(members[0] | members[-1]))
        d["zero"] = attempt(lambda: repr(c(0)))
        d["all"] = attempt(lambda: repr(c(sum(m._value_ for m in members))))
        d["masks"] = (c._flag_mask_, c._singles_mask_, c._all_bits_)
    return d


def attempt(make: Any) -> Any:
    """What ``make()`` gives, or the error it raises (the stdlib's own flags refuse some of their values)."""
    try:
        return make()
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def made_both_ways(base: Any, name: str, names: Any, **kw: Any) -> tuple[Any, Any]:
    """The enum made by the stdlib and the one made inside quick_enums(), from the same frame (the module named the
    same way)."""
    plain = base(name, names, **kw)
    with quick_enums():
        quick = base(name, names, **kw)
    return plain, quick


# -- every enum PySide makes ----------------------------------------------------------------------------------------

CHILD = """
import enum, json
from app.widgets.quick_enums import quick_enums
import tests.widgets.test_quick_enums as t
calls = []
real = enum.EnumMeta.__dict__["_create_"]
def recording(cls, class_name, names, **kw):
    calls.append((cls, class_name, list(names) if isinstance(names, list) else names, kw))
    return real(cls, class_name, names, **kw)
enum.EnumMeta._create_ = recording
from PySide6 import QtCore, QtGui, QtWidgets
for module in (QtCore, QtGui, QtWidgets):
    for name in dir(module):
        if isinstance(getattr(module, name), type):
            dir(getattr(module, name))  # makes the class, with all its enums
enum.EnumMeta._create_ = real
quick = 0
with quick_enums():
    quick = sum(1 for cls, _n, names, _kw in calls if cls in t.qe._BASES and t.qe._plain(names, cls))
differ = []
for cls, class_name, names, kw in calls:
    plain, made = t.made_both_ways(cls, class_name, names, **kw)
    if t.describe(plain) != t.describe(made):
        differ.append(class_name)
print(json.dumps([len(calls), sum(len(n) for _c, _n, n, _kw in calls), quick, differ]))
"""


def test_every_enum_of_qtcore_qtgui_and_qtwidgets_made_the_quick_way_is_the_one_the_stdlib_makes() -> None:
    """The calls PySide makes (recorded while every class of the three modules is made) made again both ways."""
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    calls, members, quick, differ = json.loads(done.stdout.strip().splitlines()[-1])
    assert calls > 500 and members > 5000
    assert quick == calls  # PySide's calls all take the quick way
    assert differ == []


# -- random enums -----------------------------------------------------------------------------------------------------

NAMES = ["A", "B", "C", "Key_A", "Key_B", "Red", "Green", "name", "value", "_private", "mro", "__dunder__", "Dup"]


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from([enum.Enum, enum.IntEnum, enum.Flag, enum.IntFlag]),
    pairs=st.lists(
        st.tuples(
            st.sampled_from(NAMES) | st.from_regex(r"[A-Z][a-z0-9_]{0,6}", fullmatch=True),
            st.sampled_from([0, 1, 2, 3, 4, 5, 8, 12, 16, -1, 2**31, 2**40 + 1]) | st.integers(-5, 70),
        ),
        max_size=12,
    ),
    boundary=st.sampled_from([None, enum.KEEP, enum.STRICT, enum.CONFORM, enum.EJECT]),
    qualname=st.sampled_from([None, "Outer.Inner"]),
)
def test_random_enums_made_the_quick_way_are_the_ones_the_stdlib_makes(
    base: Any, pairs: list[tuple[str, int]], boundary: Any, qualname: str | None
) -> None:
    """Aliases (two names, one value), multi-bit and negative flag values, repeated names, names the bases define
    (``name``, ``value``), private, sunder or dunder names: equal classes, or the same error."""
    kw: dict[str, Any] = {"qualname": qualname}
    if boundary is not None:
        kw["boundary"] = boundary
    outcomes = []
    for quick in (False, True):
        try:
            if quick:
                with quick_enums():
                    made = base("Made", list(pairs), **kw)
            else:
                made = base("Made", list(pairs), **kw)
        except Exception as exc:  # the stdlib refuses some: so must the quick way, the same way
            outcomes.append(("error", type(exc).__name__, str(exc)))
        else:
            outcomes.append(("made", describe(made)))
    assert outcomes[0] == outcomes[1]
    if outcomes[0][0] == "made":
        assert outcomes[0][1]["module"] == __name__  # named after the caller, as the stdlib does


def test_the_block_puts_the_stdlib_back_and_does_nothing_on_another_python(monkeypatch: pytest.MonkeyPatch) -> None:
    real = enum.EnumMeta.__dict__["_create_"]
    with pytest.raises(RuntimeError), quick_enums():
        assert enum.EnumMeta.__dict__["_create_"] is not real
        raise RuntimeError("the block fails")
    assert enum.EnumMeta.__dict__["_create_"] is real
    monkeypatch.setattr(qe, "_KNOWN", ())
    with quick_enums():
        assert enum.EnumMeta.__dict__["_create_"] is real


def test_other_shapes_go_to_the_stdlib() -> None:
    """Names as a string, a dict, a type mixed in, another start: the stdlib's own path (the same classes)."""
    for args, kw in (
        (("A B C",), {}),
        (({"A": 1, "B": 2},), {}),
        ((["A", "B"],), {"start": 5}),
        ((["A", "B"],), {"type": int}),
    ):
        plain, quick = made_both_ways(enum.Enum, "Other", *args, **kw)
        assert describe(plain) == describe(quick)
