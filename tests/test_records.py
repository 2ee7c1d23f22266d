"""wfverify.core.records behaves as the standard data class decorator for what wfverify uses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, ClassVar

import pytest

from wfverify.core import records


def _pair(frozen: bool, slots: bool, order: bool) -> tuple[Any, Any]:
    """The same class made by both decorators."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {
                "name": "str",
                "count": "int",
                "tags": "list[str]",
                "note": "str",
                "limit": "ClassVar[int]",
            },
            "count": 0,
            "limit": 3,
        }

    made = []
    for module in (dataclasses, records):
        namespace = body()
        namespace["tags"] = module.field(default_factory=list)
        namespace["note"] = module.field(default="", compare=False, repr=False)
        cls = type("Item", (), namespace)
        cls.__qualname__ = "Item"
        made.append(module.dataclass(frozen=frozen, slots=slots, order=order)(cls))
    return made[0], made[1]


SHAPES = [(f, s, o) for f in (False, True) for s in (False, True) for o in (False, True)]


@pytest.mark.parametrize(("frozen", "slots", "order"), SHAPES)
def test_the_generated_methods_match_the_standard_decorator(frozen: bool, slots: bool, order: bool) -> None:
    standard, ours = _pair(frozen, slots, order)
    for args, kwargs in [(("a",), {}), (("a", 2), {}), (("b",), {"tags": ["x"], "note": "n"}), ((), {"name": "c"})]:
        expected, got = standard(*args, **kwargs), ours(*args, **kwargs)
        assert repr(got) == repr(expected)
        assert [getattr(got, f.name) for f in records.fields(got)] == [
            getattr(expected, f.name) for f in dataclasses.fields(expected)
        ]
    assert ours("a") == ours("a", 0, [], "other note") and ours("a") != ours("a", 1)
    assert ours("a").__eq__(standard("a")) is NotImplemented
    assert ours("a").tags is not ours("a").tags  # a fresh default per instance
    assert ours.__match_args__ == standard.__match_args__ == ("name", "count", "tags", "note")
    assert ours.limit == 3 and "limit" not in [f.name for f in records.fields(ours)]
    if frozen:
        assert hash(ours("a", 1, ())) == hash(standard("a", 1, ())) == hash(("a", 1, ()))
        with pytest.raises(records.FrozenInstanceError, match="cannot assign to field 'name'"):
            ours("a").name = "b"
        with pytest.raises(AttributeError):
            del ours("a").name
    else:
        assert ours.__hash__ is None and standard.__hash__ is None
        item = ours("a")
        item.count = 5
        assert item.count == 5
    if order:
        assert sorted([ours("b"), ours("a", 2), ours("a", 1)]) == [ours("a", 1), ours("a", 2), ours("b")]
    if slots:
        assert not hasattr(ours("a"), "__dict__")


@pytest.mark.parametrize(("frozen", "slots", "order"), SHAPES)
def test_instances_pickle_and_copy(frozen: bool, slots: bool, order: bool) -> None:
    _, ours = _pair(frozen, slots, order)
    globals()["Item"] = ours  # pickle finds a class by its module and name
    try:
        item = ours("a", 2, ["t"], "n")
        for again in (pickle.loads(pickle.dumps(item)), copy.copy(item), copy.deepcopy(item)):
            assert again == item and again.note == "n" and type(again) is ours
    finally:
        del globals()["Item"]


def test_replace_fields_and_is_dataclass_accept_both_kinds() -> None:
    standard, ours = _pair(True, True, False)
    item = ours("a", 1)
    changed = records.replace(item, count=2)
    assert (changed.name, changed.count, item.count) == ("a", 2, 1)
    with pytest.raises(TypeError, match="size"):
        records.replace(item, size=3)
    assert records.replace(standard("a"), count=4) == standard("a", 4)
    assert [f.name for f in records.fields(standard)] == [f.name for f in records.fields(ours)]
    assert records.is_dataclass(ours) and records.is_dataclass(item) and records.is_dataclass(standard("a"))
    assert not records.is_dataclass(object())
    assert [f.type for f in records.fields(ours)] == ["str", "int", "list[str]", "str"]


def test_inheritance_post_init_and_own_methods() -> None:
    @records.dataclass(frozen=True)
    class Base:
        a: int

    @records.dataclass(frozen=True)
    class Child(Base):
        b: int = 2
        seen: ClassVar[list[int]] = []

        def __post_init__(self) -> None:
            Child.seen.append(self.a + self.b)

        def __repr__(self) -> str:
            return "custom"

    child = Child(1)
    assert (child.a, child.b, Child.seen, repr(child), repr(Base(1))) == (
        1,
        2,
        [3],
        "custom",
        f"{Base.__qualname__}(a=1)",
    )
    assert [f.name for f in records.fields(Child)] == ["a", "b"]
    assert Child(1) == Child(1, 2) and Child(1) != Base(1)


def test_frozen_without_the_guard_is_hashable_and_assigns_plainly() -> None:
    @records.dataclass(frozen=True, slots=True, guarded=False)
    class Edge:
        source: str
        target: str = "end"

    edge = Edge("a")
    assert hash(edge) == hash(("a", "end")) and edge == Edge("a", "end") and {edge: 1}[Edge("a")] == 1
    assert "__setattr__" not in Edge.__dict__  # the type checker keeps it frozen; nothing checks at run time
