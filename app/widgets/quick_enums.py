"""PySide6's Python enums made with fewer steps while the app starts (start-up, issue 15).

Why: PySide6 (6.4+) turns every C++ enum of a class into a Python :mod:`enum` class the first time the class is
used, through the functional API (``IntEnum("Key", [("Key_Escape", 16777216), …])``).  CPython 3.11 makes each
member through ``_EnumDict.__setitem__`` and ``_proto_member.__set_name__``, whose ``delattr``/``setattr`` go
through ``EnumType``'s own Python-level ``__delattr__``/``__setattr__``, an exception per new value, an MRO walk per
name…: ~216 enums with ~3,300 members before the first prompt (``QLocale``'s languages and countries, ``Qt.Key``,
``QEvent.Type``…), ~15 % of the CPU time from ``python -m app`` to the first painted prompt.

:func:`quick_enums` stands in for ``EnumType._create_`` (what the functional API calls) inside a block.  A call of
the shape PySide makes — one of ``Enum``, ``IntEnum``, ``Flag``, ``IntFlag`` itself, a list of ``(name, int)``
pairs with plain public names that no base class defines, no ``type``, no ``start`` other than 1 — makes the class
with no members (the first of each base and boundary with ``EnumType.__new__``; the next ones with ``type.__new__``
from the attributes ``EnumType.__new__`` gave that first one, with fresh member lists and maps), then adds the members
the way ``__set_name__`` does (value, name, ``__objclass__``, ``__init__``, sort order, aliases by value, the flag
masks), in the same order and with the same results, without the checks those plain names cannot fail.  Any other
call, or any name or value outside that shape, goes to the stdlib's own ``_create_`` unchanged.  Only CPython 3.11's
enum is known to this code (``_KNOWN``); on any other version the block changes nothing.

The class is equal in every attribute, member and mapping (``tests/widgets/test_quick_enums.py`` builds every enum
of QtCore, QtGui and QtWidgets both ways and compares them); only the order of the members among the class's other
attributes in ``vars()`` differs (they come after the attributes ``EnumType`` sets, not among them).
"""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["quick_enums"]

#: The Python versions whose ``enum`` module this follows step by step.
_KNOWN = ((3, 11),)

_BASES = (enum.Enum, enum.IntEnum, enum.Flag, enum.IntFlag)


#: The names each base's classes inherit (a member may not be one of them: the stdlib would redirect it).
_INHERITED: dict[type, frozenset[str]] = {base: frozenset().union(*(vars(c) for c in base.__mro__)) for base in _BASES}


def _plain(names: Any, cls: type) -> bool:
    """Whether ``names`` is a list of ``(public name, int)`` pairs, no name repeated or defined by ``cls``'s bases."""
    if type(names) is not list:
        return False
    seen: set[str] = set()
    for item in names:
        if type(item) is not tuple or len(item) != 2:
            return False
        name, value = item
        if type(name) is not str or type(value) is not int or not name or name[0] == "_" or name == "mro":
            return False
        seen.add(name)
    return len(seen) == len(names) and seen.isdisjoint(_INHERITED[cls])


#: Per (base, boundary): the attributes EnumType.__new__ gave the first class made with no members (see _make).
_templates: dict[tuple[Any, Any], dict[str, Any]] = {}
#: What type.__new__ makes itself, or the caller gives.
_NOT_COPIED = frozenset({"__module__", "__qualname__", "__dict__", "__weakref__"})


def _make(
    cls: Any, class_name: str, names: list[tuple[str, int]], module: str | None, qualname: str | None, boundary: Any
) -> Any:
    """What ``EnumType._create_`` makes of these plain pairs (see the module docstring)."""
    metacls = cls.__class__
    bases = (cls,)
    template = _templates.get((cls, boundary)) if module is not None else None
    if template is not None:
        # What EnumType.__new__ would put in this class with no members, as it did in the first one of this base and
        # boundary: the same attributes, with fresh (empty) member lists and maps.
        namespace = {key: [] if type(v) is list else {} if type(v) is dict else v for key, v in template.items()}
        namespace["__module__"] = module
        if qualname is not None:
            namespace["__qualname__"] = qualname
        new = namespace.pop("__new__", None)  # set afterwards, as EnumType.__new__ does (type.__new__ would wrap it)
        enum_class = type.__new__(metacls, class_name, bases, namespace)
        if new is not None:
            type.__setattr__(enum_class, "__new__", new)
    else:
        classdict = metacls.__prepare__(class_name, bases)
        if module is None:
            enum._make_class_unpicklable(classdict)  # type: ignore[attr-defined]
        else:
            classdict["__module__"] = module
        if qualname is not None:
            classdict["__qualname__"] = qualname
        enum_class = metacls.__new__(metacls, class_name, bases, classdict, boundary=boundary)
        if module is not None:
            _templates[cls, boundary] = {k: v for k, v in vars(enum_class).items() if k not in _NOT_COPIED}
    # What _proto_member.__set_name__ does for each member, in order (the names were checked by _plain: no
    # descriptor to redirect, no member of that name yet, so EnumType's __setattr__/__delattr__ checks pass).
    set_attribute = type.__setattr__
    new_member = enum_class._new_member_
    use_args = enum_class._use_args_
    member_type = enum_class._member_type_
    member_names = enum_class._member_names_
    member_map = enum_class._member_map_
    value2member = enum_class._value2member_map_
    is_flag = issubclass(enum_class, enum.Flag)
    # The stdlib's bases make members with object.__new__ or int.__new__, which set no _value_, and their __init__
    # does nothing: asked once here, not per member.
    plain_new = new_member is object.__new__ or new_member is int.__new__
    plain_init = enum_class.__init__ is enum.Enum.__init__
    convert = None if member_type is object else member_type
    is_single_bit = enum._is_single_bit  # type: ignore[attr-defined]
    flag_mask = singles_mask = 0
    for name, value in names:
        member = new_member(enum_class, value) if use_args else new_member(enum_class)
        if not plain_new and hasattr(member, "_value_"):
            value = member._value_
        else:
            value = value if convert is None else convert(value)
            member._value_ = value
        member._name_ = name
        member.__objclass__ = enum_class
        if not plain_init:
            member.__init__(value)
        member._sort_order_ = len(member_names)
        single = is_flag and is_single_bit(value)
        if is_flag:
            flag_mask |= value
            if single:
                singles_mask |= value
        canonical = value2member.get(value)
        if canonical is not None:  # an alias of the member with that value
            member = canonical
        elif not is_flag or single:
            member_names.append(name)
        set_attribute(enum_class, name, member)
        member_map[name] = member
        if canonical is None:
            value2member[value] = member
    if is_flag:
        set_attribute(enum_class, "_flag_mask_", enum_class._flag_mask_ | flag_mask)
        set_attribute(enum_class, "_singles_mask_", enum_class._singles_mask_ | singles_mask)
        set_attribute(enum_class, "_all_bits_", 2 ** (enum_class._flag_mask_.bit_length()) - 1)
        # EnumType.__new__ chose the iteration order before there were members: choose again, as it would have.
        values = [m._value_ for m in enum_class]
        if values != sorted(values):
            set_attribute(enum_class, "_iter_member_", enum_class._iter_member_by_def_)
    return enum_class


@contextlib.contextmanager
def quick_enums() -> Iterator[None]:
    """Inside the block, enums made through the functional API in PySide's shape are made the quick way (see the
    module docstring); ``EnumType._create_`` is put back when the block ends."""
    real = enum.EnumMeta.__dict__.get("_create_")
    if sys.version_info[:2] not in _KNOWN or sys.implementation.name != "cpython" or real is None:
        yield
        return

    def _create_(
        cls: Any,
        class_name: Any,
        names: Any,
        *,
        module: Any = None,
        qualname: Any = None,
        type: Any = None,  # the stdlib's own parameter names
        start: Any = 1,
        boundary: Any = None,
    ) -> Any:
        if module is None:
            # The stdlib's frame hack, for the same frame: _create_ <- EnumType.__call__ <- the caller.
            with contextlib.suppress(AttributeError, ValueError, KeyError):
                module = sys._getframe(2).f_globals["__name__"]
        if cls in _BASES and type is None and start == 1 and class_name.__class__ is str and _plain(names, cls):
            return _make(cls, class_name, names, module, qualname, boundary)
        if module is not None:
            return real(
                cls, class_name, names, module=module, qualname=qualname, type=type, start=start, boundary=boundary
            )
        # No caller to name the module after (the stdlib would look for it from its own frame, one less deep than
        # here): the class is made as the stdlib makes it then, unpicklable, named '<unknown>'.
        made = real(
            cls, class_name, names, module="<unknown>", qualname=qualname, type=type, start=start, boundary=boundary
        )
        enum._make_class_unpicklable(made)  # type: ignore[attr-defined]
        return made

    enum.EnumMeta._create_ = _create_  # type: ignore[attr-defined]
    try:
        yield
    finally:
        enum.EnumMeta._create_ = real  # type: ignore[attr-defined]
