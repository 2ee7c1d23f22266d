"""Walks over choice conditions (:mod:`wfverify.core.expr`) that the choice analysis needs, and their replay.

Which parts the model cannot express (opaque JSONata), which need non-linear
or floating-point arithmetic, and which variables a rule may fail reading
while absent (ASL JSONPath ``Variable``), with the fields a witness leaves
absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfverify.core.evaluate import AbsentVariable, evaluate, present
from wfverify.core.expr import And, Arith, Cmp, Expr, In, IsType, Lit, Matches, Not, Opaque, Or, Var

__all__ = [
    "absent_fields",
    "opaque_texts",
    "opaque_truths",
    "replay",
    "sample_replays",
    "substitute_opaque",
    "contains_opaque",
    "has_arithmetic",
    "may_fail",
    "products",
    "reads_absent_failing",
    "show",
]


def contains_opaque(node: Any) -> bool:
    """True when a condition holds a part the model cannot express."""
    if node is None or isinstance(node, Opaque):
        return True
    if isinstance(node, (And, Or)):
        return any(contains_opaque(i) for i in node.items)
    if isinstance(node, Not):
        return contains_opaque(node.item)
    if isinstance(node, (Cmp, Arith)):
        return contains_opaque(node.left) or contains_opaque(node.right)
    if isinstance(node, In):
        return contains_opaque(node.item)
    return False


def products(node: Any) -> list[Arith]:
    """Products of two non-constant values (non-linear arithmetic)."""
    if isinstance(node, Arith):
        inner = products(node.left) + products(node.right)
        constant = any(not isinstance(side, (Var, Arith, Opaque)) for side in (node.left, node.right))
        return inner + ([node] if node.op == "*" and not constant else [])
    if isinstance(node, (And, Or)):
        return [p for item in node.items for p in products(item)]
    if isinstance(node, Not):
        return products(node.item)
    if isinstance(node, Cmp):
        return products(node.left) + products(node.right)
    if isinstance(node, In):
        return products(node.item)
    return []


def has_arithmetic(node: Any) -> bool:
    if isinstance(node, Arith):
        return True
    if isinstance(node, (And, Or)):
        return any(has_arithmetic(i) for i in node.items)
    if isinstance(node, Not):
        return has_arithmetic(node.item)
    if isinstance(node, Cmp):
        return has_arithmetic(node.left) or has_arithmetic(node.right)
    if isinstance(node, In):
        return has_arithmetic(node.item)
    return False


def show(node: Any) -> str:
    if isinstance(node, Var):
        return node.dotted
    if isinstance(node, Arith):
        return f"{show(node.left)} {node.op} {show(node.right)}"
    if isinstance(node, Opaque):
        return node.text
    return repr(getattr(node, "value", node))


def absent_fields(cond: Any, witness: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(".".join(p) for p in _failing_vars(cond) if not present(witness, p)))


def reads_absent_failing(node: Any) -> bool:
    """True when evaluating the condition may fail on an absent variable (ASL)."""
    return bool(_failing_vars(node))


def may_fail(node: Any) -> bool:
    """An absent read may fail it: an ASL variable, or a value the model cannot read."""
    return reads_absent_failing(node) or _opaque_operand(node)


def _opaque_operand(node: Any) -> bool:
    if isinstance(node, (And, Or)):
        return any(_opaque_operand(i) for i in node.items)
    if isinstance(node, Not):
        return _opaque_operand(node.item)
    if isinstance(node, (Cmp, Arith)):
        return any(isinstance(s, Opaque) or _opaque_operand(s) for s in (node.left, node.right))
    if isinstance(node, In):
        return isinstance(node.item, Opaque) or _opaque_operand(node.item)
    return False


def _failing_vars(node: Any) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            if n.absent_fails:
                out.add(n.path)
        elif isinstance(n, (And, Or)):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, (Cmp, Arith)):
            stack += [n.left, n.right]
        elif isinstance(n, In):
            stack.append(n.item)
        elif isinstance(n, (IsType, Matches)):
            stack.append(n.var)
    return out


def opaque_truths(count: int) -> Iterator[tuple[bool, ...]]:
    """Every combination of truth values of ``count`` opaque conditions, all false first."""
    for bits in range(1 << count):
        yield tuple(bool(bits >> (count - 1 - k) & 1) for k in range(count))


def opaque_texts(conditions: list[Expr]) -> set[str]:
    """The texts of the opaque parts (equal texts are one unknown boolean)."""
    out: set[str] = set()
    stack: list[Any] = list(conditions)
    while stack:
        node = stack.pop()
        if isinstance(node, Opaque):
            out.add(node.text)
        elif isinstance(node, (And, Or)):
            stack += list(node.items)
        elif isinstance(node, Not):
            stack.append(node.item)
    return out


def substitute_opaque(node: Expr, truth: dict[str, bool]) -> Expr:
    """The condition with each opaque part replaced by the truth value it is given."""
    if not truth:
        return node
    if isinstance(node, Opaque):
        return Lit(truth[node.text])
    if isinstance(node, And):
        return And(tuple(substitute_opaque(i, truth) for i in node.items))
    if isinstance(node, Or):
        return Or(tuple(substitute_opaque(i, truth) for i in node.items))
    if isinstance(node, Not):
        return Not(substitute_opaque(node.item, truth))
    return node


def input_of(conditions: list[Any], data: Any) -> Any:
    """The input a witness stands for: ``{"$": value}`` is the whole input ``value`` when the rules read
    the whole input and nothing in it (a whole input that is not an object is shown that way)."""
    if isinstance(data, dict) and list(data) == ["$"] and _whole_input_only(conditions):
        return data["$"]
    return data


def _whole_input_only(conditions: list[Any]) -> bool:
    from wfverify.core.expr import variables

    read = set().union(*(variables(c) for c in conditions if c is not None)) if conditions else set()
    return read == {()}


def replay(conditions: list[Any], data: dict[str, Any], upto: int) -> tuple[str, int]:
    """Evaluate rules 0..upto-1 in order: ("match", i), ("fail", i) or ("none", upto)."""
    data = input_of(conditions, data)
    for i, cond in enumerate(conditions[:upto]):
        try:
            if evaluate(cond, data):
                return "match", i
        except AbsentVariable:
            return "fail", i
    return "none", upto


def sample_replays(conds: list[Any], i: int, sample: dict[str, Any]) -> bool:
    """The sample satisfies rule i alone, and evaluation in order stops at an earlier rule."""
    try:
        if not evaluate(conds[i], input_of(conds, sample)):
            return False
    except AbsentVariable:
        return False
    return replay(conds, sample, i)[0] in ("match", "fail")
