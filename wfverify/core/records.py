"""Data classes made cheaply: the standard decorator's methods at a tenth of its start-up cost.

wfverify's model, findings, expressions and analysis results are some 120
data classes. :func:`dataclasses.dataclass` builds each one by generating and
compiling the source of five or six methods and inspecting every annotation:
measured on Python 3.11, the 82 classes a check of the real definitions
creates cost 53 ms per process, and importing :mod:`dataclasses` adds 9 ms
(it imports :mod:`inspect`), more than a structure-only linter spends on a
hundred files. A pre-commit hook pays that on every commit.

:func:`dataclass` here accepts the subset of the standard decorator wfverify
uses (``frozen``, ``slots``, ``order``; :func:`field` with ``default``,
``default_factory``, ``compare``, ``repr``) and gives the same behaviour:
the same ``__init__`` signature, ``__repr__`` text, equality, hash (``hash``
of the tuple of compared fields), ordering, frozen assignment errors,
``__match_args__`` and pickling. Only ``__init__``, ``__eq__`` and ``__hash__`` (and the tuple of field
values they compare) are compiled, once per class in one small source, and the
compiled code is kept per user (:mod:`wfverify.core.codecache`, as Python keeps
``.pyc`` files); ``__repr__``, ordering and the frozen guards are shared functions.
Type checkers read it as a data class (:func:`typing.dataclass_transform`).

:func:`fields`, :func:`replace` and :func:`is_dataclass` accept these classes
and the standard library's (a rule pack's options may be either).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

from wfverify.core.codecache import compiled

__all__ = ["Field", "FrozenInstanceError", "dataclass", "field", "fields", "is_dataclass", "replace"]

_T = TypeVar("_T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen instance (as :class:`dataclasses.FrozenInstanceError`)."""


class Field:
    """One field: its name, annotation (``type``: a string under postponed annotations) and default."""

    __slots__ = ("name", "type", "default", "default_factory", "compare", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, compare: bool = True, repr: bool = True):
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default, a factory for a fresh default per instance, or left out of ``==``/``repr``."""
    return Field(default, default_factory, compare, repr)


@overload
@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: type[_T], /) -> type[_T]: ...


@overload
def dataclass(
    *, frozen: bool = False, slots: bool = False, order: bool = False, guarded: bool = True
) -> Callable[[type[_T]], type[_T]]: ...


def dataclass(
    cls: Any = None, /, *, frozen: bool = False, slots: bool = False, order: bool = False, guarded: bool = True
) -> Any:
    """A data class (see the module's docstring for what is the same as the standard decorator's).

    ``frozen=True, guarded=False``: frozen to the type checker (hashable, assignments rejected by
    mypy) without the run-time guard, whose ``object.__setattr__`` per field makes ``__init__``
    three times slower: for the classes made in the hottest loops (the model's states and edges).
    """

    def make(target: type[_T]) -> type[_T]:
        return _build(target, frozen, slots, order, guarded)

    return make if cls is None else make(cls)


def _build(cls: type[_T], frozen: bool, slots: bool, order: bool, guarded: bool = True) -> type[_T]:
    found = _own_fields(cls)
    if slots:
        cls = _with_slots(cls, found)
    names = [f.name for f in found]
    compared = [f.name for f in found if f.compare]
    made = _compile(cls, found, frozen and guarded, compared)
    values = made["_values"]
    _add(cls, "__init__", made["__init__"])
    _add(cls, "__repr__", _repr_fn([f.name for f in found if f.repr]))
    _add(cls, "__eq__", made["__eq__"])
    if "__hash__" not in cls.__dict__:
        cls.__hash__ = made["__hash__"] if frozen else None  # type: ignore[assignment,method-assign]
    if order:
        for name, test in _ORDER.items():
            _add(cls, name, _order_fn(values, test))
    if frozen and guarded:
        _add(cls, "__setattr__", _frozen_setattr(cls, set(names)))
        _add(cls, "__delattr__", _frozen_delattr(cls, set(names)))
        if slots:
            _add(cls, "__getstate__", lambda self: [getattr(self, n) for n in names])
            _add(cls, "__setstate__", _setstate_fn(names))
    cls.__record_fields__ = tuple(found)  # type: ignore[attr-defined]
    _add(cls, "__match_args__", tuple(names))
    return cls


def _own_fields(cls: type) -> list[Field]:
    """The fields of ``cls``: its bases' first, then its own annotations in order (ClassVars left out)."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for inherited in getattr(base, "__record_fields__", ()):
            found[inherited.name] = inherited
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        made = value if isinstance(value, Field) else Field(default=value)
        made.name, made.type = name, annotation
        found[name] = made
        if isinstance(value, Field):  # the class attribute becomes the plain default, as the standard one does
            if made.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, made.default)
    return list(found.values())


def _is_class_var(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    from typing import ClassVar

    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _with_slots(cls: type[_T], found: list[Field]) -> type[_T]:
    """The class made anew with ``__slots__`` for its own fields (a class's slots are fixed when it is made)."""
    inherited = {n for base in cls.__mro__[1:] for n in getattr(base, "__slots__", ())}
    body = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    for f in found:
        body.pop(f.name, None)
    body["__slots__"] = tuple(f.name for f in found if f.name not in inherited)
    made: type[_T] = type.__new__(type(cls), cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    return made


def _compile(cls: type, found: list[Field], frozen: bool, compared: list[str]) -> dict[str, Any]:
    """``__init__``, ``__eq__``, ``__hash__`` and ``_values`` (the tuple of compared values), compiled from one
    small source: equality and hashing run often (expressions are dictionary keys), so they are written
    out as the standard decorator writes them rather than shared."""
    scope: dict[str, Any] = {"_FACTORY": MISSING, "_set": object.__setattr__}
    params, body = ["self"], []
    for f in found:
        value = f.name
        if f.default_factory is not MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        elif f.default is not MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        else:
            params.append(f.name)
        body.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    mine = "".join(f"self.{n}, " for n in compared)
    theirs = "".join(f"other.{n}, " for n in compared)
    source = (
        f"def __init__({', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
        f"def _values(self):\n    return ({mine})\n"
        f"def __eq__(self, other):\n    if other.__class__ is self.__class__:\n        return ({mine}) == ({theirs})\n"
        "    return NotImplemented\n"
        f"def __hash__(self):\n    return hash(({mine}))\n"
    )
    exec(compiled(source), scope)  # noqa: S102 - our own field names, as the standard decorator does
    for name in ("__init__", "__eq__", "__hash__"):
        scope[name].__qualname__ = f"{cls.__qualname__}.{name}"
    return scope


def _add(cls: type, name: str, function: Any) -> None:
    """Set a generated method unless the class defines its own (as the standard decorator does)."""
    if name not in cls.__dict__:
        setattr(cls, name, function)


def _repr_fn(names: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "__lt__": lambda a, b: bool(a < b),
    "__le__": lambda a, b: bool(a <= b),
    "__gt__": lambda a, b: bool(a > b),
    "__ge__": lambda a, b: bool(a >= b),
}


def _order_fn(values: Callable[[Any], tuple[Any, ...]], test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return test(values(self), values(other))
        return NotImplemented

    return compare


def _setstate_fn(names: list[str]) -> Callable[[Any, list[Any]], None]:
    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    return __setstate__


def _frozen_setattr(cls: Any, names: set[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _frozen_delattr(cls: Any, names: set[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def fields(class_or_instance: Any) -> tuple[Any, ...]:
    """The fields of a data class or instance, of this module or of :mod:`dataclasses`."""
    own = getattr(class_or_instance, "__record_fields__", None)
    if own is not None:
        return tuple(own)
    import dataclasses

    return dataclasses.fields(class_or_instance)


def is_dataclass(value: Any) -> bool:
    """True for a data class or instance of this module or of :mod:`dataclasses`."""
    kind = value if isinstance(value, type) else type(value)
    return hasattr(kind, "__record_fields__") or hasattr(kind, "__dataclass_fields__")


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of a data class instance with some fields changed (as :func:`dataclasses.replace`)."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)  # a name that is no field: the class's __init__ raises TypeError
    return type(obj)(**values)
