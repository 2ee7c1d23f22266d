"""The inputs the explorer tries: values drawn from the boundaries of the workflow's conditions.

A choice rule that compares one variable with constants splits that
variable's values into regions (below, at, between, above the constants;
absent; each other JSON type); one value per region behaves like every value
of it. So when every condition is such a comparison and no state rewrites
what the conditions read, the inputs below cover every behaviour of the
choices and :attr:`Inputs.complete` is true. Lock names with placeholders get
values that make them alias (equal to a constant lock's name or to another
template's) and values that keep them apart. Map items are lists of every
length up to the bound, whose item fields take the same kind of values.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

from wfverify.core.evaluate import put
from wfverify.core.expr import Cmp, Exists, In, IsType, Lit, Var, variables
from wfverify.core.model import Dialect, StateKind, Workflow
from wfverify.core.records import dataclass, field

__all__ = ["Inputs", "candidate_inputs"]

_ABSENT = object()
_OTHER_STRING = "~other"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass
class Inputs:
    values: list[dict[str, Any]]
    complete: bool  # every region of every condition is represented
    reasons: list[str] = field(default_factory=list)  # why not complete
    map_items: bool = False  # some Map's item count comes from the input


def _constants(
    workflow: Workflow, states: list[Any] | None = None
) -> tuple[dict[tuple[str, ...], set[Any]], list[str]]:
    """Constants each variable is compared with (in ``states``, else everywhere); reasons the conditions are
    beyond region reasoning."""
    found: dict[tuple[str, ...], set[Any]] = {}
    beyond: list[str] = []
    for s in workflow.iter_states() if states is None else states:
        for rule in s.choices:
            if rule.condition is None:
                beyond.append(f"a condition of {s.name} is not modelled")
                continue
            stack: list[Any] = [rule.condition]
            while stack:
                node = stack.pop()
                if isinstance(node, Cmp):
                    var, lit = (node.left, node.right) if isinstance(node.left, Var) else (node.right, node.left)
                    if isinstance(var, Var) and isinstance(lit, Lit):
                        found.setdefault(var.path, set()).add(_hashable(lit.value))
                        if isinstance(lit.value, str) and node.op not in ("==", "!="):
                            beyond.append(f"{s.name} orders strings")
                    else:
                        beyond.append(f"{s.name} compares computed values")
                elif isinstance(node, In) and isinstance(node.item, Var):
                    found.setdefault(node.item.path, set()).update(_hashable(v.value) for v in node.values)
                elif isinstance(node, Var):  # a boolean flag
                    found.setdefault(node.path, set()).update({True, False})
                elif isinstance(node, Lit):
                    continue
                elif isinstance(node, (Exists, IsType)):
                    found.setdefault(node.var.path, set())
                elif hasattr(node, "items"):
                    stack.extend(node.items)
                elif hasattr(node, "item"):
                    stack.append(node.item)
                else:
                    beyond.append(f"{s.name} has a condition of kind {type(node).__name__}")
    return found, beyond


def _hashable(value: Any) -> Any:
    return value if not isinstance(value, (list, dict)) else repr(value)


def _numbers(constants: set[Any], integers: bool) -> list[Any]:
    numeric = sorted({c for c in constants if isinstance(c, (int, float)) and not isinstance(c, bool)})
    if not numeric:
        return [0, 1]
    out: set[Any] = set()
    for c in numeric:
        out |= {math.floor(c) - 1, math.floor(c), math.ceil(c), math.ceil(c) + 1}
        if not integers:
            out.add(c)
    if not integers:
        out |= {(a + b) / 2 for a, b in itertools.pairwise(numeric)}
    return sorted(out)


def _values_for(kind: str | None, constants: set[Any]) -> list[Any]:
    strings = sorted(c for c in constants if isinstance(c, str)) + [_OTHER_STRING]
    if kind == "int":
        return _numbers(constants, integers=True)
    if kind == "number":
        return _numbers(constants, integers=False)
    if kind == "string":
        return strings
    if kind == "bool":
        return [True, False]
    return [_ABSENT, None, True, False, *strings, *_numbers(constants, integers=False)]


def _typed(kind: str | None, values: list[Any]) -> list[Any]:
    """Lock-name values of a declared input type (numbers from the digits a constant name spells)."""
    if kind in ("int", "number"):
        numbers = [int(v) for v in values if isinstance(v, str) and v.lstrip("-").isdigit()]
        return [*dict.fromkeys([1, 2, *numbers])]
    if kind == "bool":
        return [True, False]
    return values


def _rewritten(workflow: Workflow, paths: set[tuple[str, ...]]) -> list[str]:
    """States that rewrite what the conditions read (then regions of the input are not enough)."""
    out: list[str] = []
    if not paths:
        return out
    for s in workflow.iter_states():
        written = {tuple(a.variable.split(".")) for a in s.assignments} | set(s.writes)
        if any(w[: len(p)] == p or p[: len(w)] == w for w in written for p in paths):
            out.append(f"{s.name} rewrites data the choices read")
        elif workflow.dialect is Dialect.ASL and (not s.keeps_input or s.output_root is not None):
            if s.kind in (StateKind.TASK, StateKind.PASS, StateKind.PARALLEL, StateKind.MAP):
                out.append(f"{s.name} replaces its input with an outside result")
    return out


def _lock_values(workflow: Workflow) -> dict[tuple[str, ...], list[Any]]:
    """Values for the data that lock names read: ones that alias other names, and ones that do not."""
    states = list(workflow.iter_states())
    templates = sorted({a.lock for s in states for a in s.acquire} | {r for s in states for r in s.release})
    spelled = sorted({_PLACEHOLDER.sub(v, t) for t in templates for v in ("a", "b")})
    out: dict[tuple[str, ...], list[Any]] = {}
    for template in templates:
        parts = _PLACEHOLDER.split(template)  # literal, placeholder, literal, ...
        if len(parts) == 1:
            continue
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts))
        for i, name in enumerate(parts[1::2]):
            values = out.setdefault(tuple(name.strip().split(".")), ["a", "b"])
            for other in spelled:
                m = re.fullmatch(pattern, other)
                if m and m.group(i + 1) not in values:
                    values.append(m.group(i + 1))
    return out


_NESTED = frozenset({"a nested Map's items"})  # an item field that an inner Map iterates


def _map_sources(workflow: Workflow, item_scoped: set[str]) -> dict[tuple[str, ...], dict[tuple[str, ...], Any]]:
    """Paths of Map items read from the input, and the item fields their iterators read (with the constants
    their conditions compare them with). Natively an iteration reads its item as ``item.*``; in ASL the
    iteration's input is the item itself (no ItemSelector), so every path its Choices read is an item field,
    and so are the items of a Map inside it (``item_scoped``: the states that read an item, not the input)."""
    out: dict[tuple[str, ...], dict[tuple[str, ...], Any]] = {}
    for s in workflow.iter_states():
        if s.kind is not StateKind.MAP or s.name in item_scoped:
            continue
        if isinstance(s.items, Var):
            path = s.items.path
        elif workflow.dialect is Dialect.ASL and workflow.source is not None:
            raw = _raw(workflow, s.pointer)
            text = raw.get("ItemsPath", "$") if isinstance(raw, dict) else "$"
            if not isinstance(text, str) or not re.fullmatch(r"\$(\.[A-Za-z0-9_]+)*", text):
                continue
            path = tuple(text.split(".")[1:])
        else:
            continue
        fields: dict[tuple[str, ...], Any] = {}  # None: named by a lock only; _NESTED: an inner Map's items
        item_input = workflow.dialect is Dialect.ASL and s.body_input == ()
        inner_states = _iteration_states(workflow, s.name)
        constants, _ = _constants(workflow, inner_states)
        for inner in inner_states:
            items = inner.items if item_input and inner.kind is StateKind.MAP else None
            if isinstance(items, str) and re.fullmatch(r"\$(\.[A-Za-z0-9_]+)+", items):
                fields[tuple(items.split(".")[1:])] = _NESTED
            for a in inner.acquire:
                for p in _PLACEHOLDER.findall(a.lock):
                    fields.setdefault(tuple(p.strip().split("."))[1:], None)
            for rule in inner.choices:
                for v in variables(rule.condition) if rule.condition is not None else ():
                    if item_input and v and not v[0].startswith("$"):
                        field = v
                    elif not item_input and v[:1] == ("item",):
                        field = v[1:]
                    else:
                        continue
                    if fields.get(field) is not _NESTED:
                        fields[field] = (fields.get(field) or set()) | constants.get(v, set())
        _merge_fields(out.setdefault(path, {}), {f: c for f, c in fields.items() if f})
    return {path: fields or {("id",): None} for path, fields in out.items()}


def _merge_fields(into: dict[tuple[str, ...], Any], more: dict[tuple[str, ...], Any]) -> None:
    """Two Maps over the same items: each item must have the fields both iterators read (one Map's
    fields replacing the other's left an iterator's conditions untried: a wrong "every run explored")."""
    for name, read in more.items():
        known = into.get(name)
        if known is _NESTED or read is _NESTED:
            into[name] = _NESTED
        elif isinstance(known, set) or isinstance(read, set):
            into[name] = (known or set()) | (read or set())
        else:
            into[name] = read if name not in into else known


def _iteration_states(workflow: Workflow, name: str) -> list[Any]:
    """The states of a Map's iterator, with those of the Parallel branches inside it (which see the same
    data), not those inside an inner Map (which iterate their own items)."""
    out: list[Any] = []
    pending = [scope.id for scope in workflow.children(name)]
    while pending:
        for inner in workflow.scopes[pending.pop()].states:
            state = workflow.states[inner]
            out.append(state)
            if state.kind is StateKind.PARALLEL:
                pending += [scope.id for scope in workflow.children(inner)]
    return out


def _raw(workflow: Workflow, pointer: str) -> Any:
    node: Any = workflow.source.data
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node.get(key, {})
    return node


_SHAPES = 12  # distinct items drawn per Map


def _item_lists(fields: dict[tuple[str, ...], list[Any]], max_items: int) -> list[Any]:
    """Lists of 0..max_items items whose fields take values that make lock names alias, or not, and that
    fall in each region of the iterator's conditions (up to ``_SHAPES`` distinct items)."""
    ordered = sorted(fields)
    combos = itertools.product(*(fields[f] for f in ordered))
    shapes = [dict(zip(ordered, combo, strict=True)) for combo in itertools.islice(combos, _SHAPES)]
    lists: list[Any] = []
    for length in range(max_items + 1):
        for combo in itertools.product(range(len(shapes)), repeat=length):
            lists.append([_nest({k: v for k, v in shapes[i].items()}) for i in combo])
    return lists


def _nest(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        if value is not _ABSENT:
            put(out, path, value)
    return out


def _item_input_states(workflow: Workflow) -> set[str]:
    """States inside an ASL Map iterator whose input is the item: what they read is no field of the input."""
    out: set[str] = set()
    if workflow.dialect is not Dialect.ASL:
        return out
    pending = [
        scope.id
        for s in workflow.iter_states()
        if s.kind is StateKind.MAP and s.body_input == ()
        for scope in workflow.children(s.name)
    ]
    while pending:
        for name in workflow.scopes[pending.pop()].states:
            out.add(name)
            pending += [scope.id for scope in workflow.children(name)]
    return out


_READ_FIELDS = ("InputPath", "OutputPath", "Parameters", "ItemSelector")


def _data_reads(workflow: Workflow, item_input: set[str]) -> tuple[set[tuple[str, ...]], list[str]]:
    """Input paths ASL states read outside their Choices (``InputPath``, ``OutputPath``, ``Parameters``,
    ``ItemSelector``): a read of an absent path fails the state, so each is drawn present (an empty
    object) and absent. A read of data that is no longer the execution's input (an iteration's item, a
    branch given Parameters) makes the coverage incomplete instead."""
    if workflow.dialect is not Dialect.ASL:
        return set(), []
    from wfverify.analysis.dataflow import simple_keys

    paths: set[tuple[str, ...]] = set()
    reasons: list[str] = []
    for s in workflow.iter_states():
        for p in s.paths:
            field = p.pointer[len(s.pointer) + 1 :].split("/", 1)[0]
            keys = simple_keys(p.text.strip()) if field in _READ_FIELDS else None
            if not keys or p.language not in ("payload", "reference-path", "jsonpath"):
                continue
            if s.name in item_input or not _input_shaped(workflow, s.name):
                reasons.append(f"{s.name} reads {p.text} from data the inputs do not vary")
            else:
                paths.add(keys)
    return paths, reasons


def _input_shaped(workflow: Workflow, name: str) -> bool:
    """The state's scope sees the execution's input: the root, or Parallel branches given their owner's."""
    scope = workflow.scope_of(name)
    while scope.owner is not None and scope.owner in workflow.states:
        owner = workflow.states[scope.owner]
        if owner.kind is not StateKind.PARALLEL or owner.body_input is not None:
            return False
        scope = workflow.scope_of(owner.name)
    return True


def _field_values(field: tuple[str, ...], read: Any, locks: dict[tuple[str, ...], list[Any]]) -> list[Any]:
    """An item field's values: the lock-name values of ``item.<field>``, and, when a condition of the
    iterator reads it, one value per region of those conditions; an inner Map's items: none, or absent."""
    if read is _NESTED:
        return [[], _ABSENT]
    named = locks.get(("item", *field)) or (["a", "b"] if read is None else [])
    compared = _values_for(None, read) if read is not None else []
    compared = [v for v in compared if isinstance(v, (str, int, float)) and not isinstance(v, bool)] + [
        v for v in compared if v is _ABSENT or v is None or isinstance(v, bool)
    ]  # the values near the conditions' constants first: the shapes bound keeps the telling items
    return list(dict.fromkeys([*compared, *named]))


def candidate_inputs(workflow: Workflow, max_inputs: int, max_items: int) -> Inputs:
    """Inputs for the explorer: the cross product of each variable's boundary values, up to ``max_inputs``."""
    item_input = _item_input_states(workflow)
    constants, _ = _constants(workflow, [s for s in workflow.iter_states() if s.name not in item_input])
    everywhere, beyond = _constants(workflow)
    domains: dict[tuple[str, ...], list[Any]] = {}
    for path in sorted(set(constants) | {tuple(k.split(".")) for k in workflow.inputs}):
        if not path or path[0].startswith("$") or path[0] == "item":
            continue
        domains[path] = _values_for(workflow.inputs.get(".".join(path)), constants.get(path, set()))
    for path, values in _lock_values(workflow).items():
        if path and path[0] != "item":
            typed = _typed(workflow.inputs.get(".".join(path)), values)
            domains[path] = list(dict.fromkeys([*domains.get(path, []), *typed]))
    reads, unvaried = _data_reads(workflow, item_input)
    for path in reads:
        if not any(k[: len(path)] == path or path[: len(k)] == k for k in domains):
            domains[path] = [{}, _ABSENT]
    sources = _map_sources(workflow, item_input)
    locks = _lock_values(workflow)
    for path, fields in sources.items():
        if path:
            per_field = {f: _field_values(f, read, locks) for f, read in fields.items()}
            domains[path] = _item_lists(per_field, max_items)
            if any(read is _NESTED for read in fields.values()):
                beyond.append(f"the Maps inside the iterations of {'.'.join(path)} are given no items")
            if math.prod(len(v) for v in per_field.values()) > _SHAPES:
                beyond.append(f"Map item shapes bound reached ({_SHAPES} for {'.'.join(path)})")
    read = set(everywhere) | set(sources) | reads
    reasons = (
        beyond + unvaried + _rewritten(workflow, read) + (["a condition reads the whole input"] if () in read else [])
    )
    keys = sorted(domains)
    total = math.prod(len(domains[k]) for k in keys)
    values = [
        _nest(dict(zip(keys, combo, strict=True)))
        for combo in itertools.islice(itertools.product(*(domains[k] for k in keys)), max_inputs)
    ]
    if total > max_inputs:
        reasons.append(f"inputs bound reached ({max_inputs} of {total} boundary inputs)")
    return Inputs(values, not reasons, reasons, map_items=bool(sources))
