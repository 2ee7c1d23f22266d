"""Two lock names of one holder whose placeholders are integer arithmetic: can the data make them equal?

:mod:`wfverify.analysis.locks.names` reads every placeholder as a free string,
which says ``r:{n}`` and ``r:{n + 1}`` may be one lock (both ``r:v``). Within
one holder, where one expression has one value, that is too coarse when the
placeholders are arithmetic over variables declared ``int`` that nothing
rewrites (:func:`wfverify.analysis.declared.declared_types_at`): the simulator
spells such a value with Python's ``str``, so ``n`` and ``n + 1`` never spell
the same string.

The names are compared after cancelling their common prefix and suffix
(the same characters, or the same expression, which has one spelling). What
is left must be one integer placeholder against another, or against literal
text; anything else is :data:`UNDECIDED` and the caller keeps the coarse
answer. Two integer spellings are equal exactly when the values are, while the
arithmetic is exact (:func:`wfverify.core.evaluate.arithmetic`: operands and
result within ``2**53``); past that a value is a double, whose spelling is
never an integer's but may be another double's. Z3 (linear integer
arithmetic) decides; a "yes" is then checked by evaluating both names on the
model's values, and only a checked one is returned.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from wfverify.analysis.declared import declared_types_at
from wfverify.core.evaluate import UNDEFINED, value_of
from wfverify.core.expr import Arith, Expr, Lit, Var
from wfverify.core.expr import variables as variables_of
from wfverify.core.exprparse import ExprError, parse
from wfverify.core.model import State, Workflow

__all__ = [
    "UNDECIDED",
    "Undecided",
    "declared_ints",
    "integer_variables",
    "never_equal",
    "same_name_values",
    "spell",
    "spellings",
]

EXACT = 2**53
RLIMIT = 2_000_000
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DOUBLE = re.compile(r"[.e]|^-?inf$|^nan$")  # what str() of a double has that an integer's lacks

Token = tuple[str, str]  # ("lit", one character) or ("hole", expression text)


class Undecided:
    """The comparison is beyond this module: keep the coarse answer."""


UNDECIDED = Undecided()


def declared_ints(workflow: Workflow, state: State) -> frozenset[str]:
    """Variables declared ``int`` that still are where the state reads them (one answer per body)."""

    def compute() -> frozenset[str]:
        return frozenset(k for k, kind in declared_types_at(workflow, state).items() if kind == "int")

    return workflow.memo(f"locks.declared_ints:{state.scope}", compute)


@lru_cache(maxsize=4096)
def never_equal(first: str, second: str, ints: frozenset[str]) -> bool:
    """The two names of one holder (one value per expression) can never be the same string."""
    return same_name_values(first, second, ints) is None


def _parsed(text: str) -> Expr | None:
    try:
        return parse(text)
    except ExprError:
        return None


def _integer(node: Expr | None, ints: frozenset[str]) -> bool:
    """An expression built from integer literals and variables declared ``int`` with ``+ - *``."""
    if isinstance(node, Lit):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, Var):
        return ".".join(node.path) in ints
    if isinstance(node, Arith):
        return _integer(node.left, ints) and _integer(node.right, ints)
    return False


def _tokens(name: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(name):
        out += [("lit", c) for c in name[pos : m.start()]]
        out.append(("hole", m.group(1).strip()))
        pos = m.end()
    return out + [("lit", c) for c in name[pos:]]


def _cancel(a: list[Token], b: list[Token]) -> tuple[list[Token], list[Token]]:
    """Drop the common prefix and suffix: equal characters, or one expression (one spelling)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def same_name_values(first: str, second: str, ints: frozenset[str]) -> tuple[tuple[str, str], ...] | None | Undecided:
    """Placeholder spellings (one per expression) that make the two names of one holder the same string,
    checked by evaluation; None when no data can; :data:`UNDECIDED` when this module cannot tell."""
    a, b = _cancel(_tokens(first), _tokens(second))
    if len(a) != 1 or a[0][0] != "hole":
        a, b = b, a
    if len(a) != 1 or a[0][0] != "hole" or not b:
        return UNDECIDED
    left = _parsed(a[0][1])
    if left is None or not _integer(left, ints):
        return UNDECIDED
    if len(b) == 1 and b[0][0] == "hole":
        right = _parsed(b[0][1])
        if right is None or not _integer(right, ints):
            return UNDECIDED
        return _solve(first, second, left, right)
    if all(kind == "lit" for kind, _ in b):
        text = "".join(c for _, c in b)
        if _INTEGER.fullmatch(text):
            return _solve(first, second, left, text)
        return UNDECIDED if _DOUBLE.search(text) else None  # an integer's spelling, or a double's
    return UNDECIDED


def _solve(first: str, second: str, left: Expr, right: Expr | str) -> tuple[tuple[str, str], ...] | None | Undecided:
    """Integer equality while exact, or (for two expressions) both past exactness, by Z3."""
    from wfverify.analysis.smt import fresh_context

    with fresh_context():
        import z3

        variables: dict[str, Any] = {}
        left_exact, left_value = _term(z3, left, variables)
        if isinstance(right, str):
            equal = z3.And(left_exact, left_value == int(right))
        else:
            right_exact, right_value = _term(z3, right, variables)
            both_exact = z3.And(left_exact, right_exact, left_value == right_value)
            equal = z3.Or(both_exact, z3.And(z3.Not(left_exact), z3.Not(right_exact)))
        solver = z3.Solver()
        solver.set("rlimit", RLIMIT)
        solver.add(equal)
        solver.push()  # small values first, for a witness a person can read
        solver.add(*[z3.And(v >= -1000, v <= 1000) for v in variables.values()])
        if solver.check() != z3.sat:
            solver.pop()
        answer = solver.check()
        if answer == z3.unsat:
            return None
        if answer != z3.sat:
            return UNDECIDED
        model = solver.model()
        data = {key: model.eval(term, model_completion=True).as_long() for key, term in variables.items()}
    for name in (first, second):  # variables cancelled with the common prefix or suffix: any value
        for m in _PLACEHOLDER.finditer(name):
            node = _parsed(m.group(1).strip())
            data.update((".".join(v), 0) for v in (variables_of(node) if node else ()) if ".".join(v) not in data)
    return _checked(first, second, data)


def _term(z3: Any, node: Expr, variables: dict[str, Any]) -> tuple[Any, Any]:
    """(the value is an exact integer, the value) of an integer expression."""
    if isinstance(node, Lit):
        return z3.BoolVal(True), z3.IntVal(node.value)
    if isinstance(node, Var):
        key = ".".join(node.path)
        variables.setdefault(key, z3.Int(key))
        return z3.BoolVal(True), variables[key]
    assert isinstance(node, Arith)
    (left_ok, left), (right_ok, right) = _term(z3, node.left, variables), _term(z3, node.right, variables)
    value = {"+": left + right, "-": left - right, "*": left * right}[node.op]
    small = [z3.And(v <= EXACT, v >= -EXACT) for v in (left, right, value)]
    return z3.And(left_ok, right_ok, *small), value


def spellings(names: list[str], values: dict[str, int]) -> dict[str, str]:
    """How the simulator spells each placeholder of the names when the (dotted) variables have these values."""
    data: dict[str, Any] = {}
    for key, value in values.items():
        *parents, last = key.split(".")
        place = data
        for part in parents:
            place = place.setdefault(part, {})
        place[last] = value
    spelled: dict[str, str] = {}
    for name in names:
        for m in _PLACEHOLDER.finditer(name):
            text = m.group(1).strip()
            node = _parsed(text)
            found = value_of(node, data) if node is not None else UNDEFINED
            spelled[text] = "?" if found is UNDEFINED else str(found)
    return spelled


def spell(name: str, spelled: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: spelled[m.group(1).strip()], name)


def integer_variables(name: str, ints: frozenset[str]) -> set[str] | None:
    """The variables of a name whose placeholders are all integer arithmetic (None when one is not)."""
    out: set[str] = set()
    for m in _PLACEHOLDER.finditer(name):
        node = _parsed(m.group(1).strip())
        if node is None or not _integer(node, ints):
            return None
        out |= {".".join(v) for v in variables_of(node)}
    return out


def _checked(first: str, second: str, values: dict[str, int]) -> tuple[tuple[str, str], ...] | Undecided:
    """The spellings on these variable values, when they really make the names equal."""
    spelled = spellings([first, second], values)
    if spell(first, spelled) != spell(second, spelled):
        return UNDECIDED  # a double past 2**53 that this model does not make collide
    return tuple(sorted(spelled.items()))
