"""What a Choice's rules read that earlier states set (:mod:`wfverify.analysis.known`), applied to its rules.

A path with one known value is *folded*: every comparison or test that reads
only such paths becomes the literal it evaluates to (with the reference
evaluator, so with the engine's semantics), and a known operand of a
comparison becomes a literal. The decision procedure and the solver then see
fewer variables, and no solver is needed when every rule folds. A path with a
few known values is handed to :func:`~wfverify.analysis.smt.decide.decide` as
the only values it takes (and to the solver as a membership constraint).

Every input found on the folded rules is completed with the folded values
(:meth:`Given.complete`) and replayed on the original rules before it is
reported, so a witness is always the data the Choice really sees.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.evaluate import UNDEFINED, evaluate, json_type, lookup, put, to_double, value_of
from wfverify.core.expr import And, Arith, Cmp, Expr, In, Lit, Not, Opaque, Or, Var, variables
from wfverify.core.model import State, Workflow
from wfverify.core.records import dataclass, field

__all__ = ["Given", "given_for"]

Path = tuple[str, ...]


@dataclass
class Given:
    """Known values of the paths a Choice's rules read: one (``single``) or a few (``several``)."""

    single: dict[Path, Any] = field(default_factory=dict)
    several: dict[Path, tuple[Any, ...]] = field(default_factory=dict)
    #: paths only known to be numbers: ``int`` or ``number`` (a counter after its loop)
    types: dict[Path, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.single or self.several or self.types)

    @property
    def paths(self) -> set[Path]:
        return set(self.single) | set(self.several) | set(self.types)

    def beyond(self, declared: dict[str, str]) -> Given:
        """What is known beyond the declared input types (a type or a boolean they already give is dropped)."""
        several = {p: v for p, v in self.several.items() if not (declared.get(".".join(p)) == "bool" == _bools(v))}
        types = {p: kind for p, kind in self.types.items() if declared.get(".".join(p)) != kind}
        return Given(dict(self.single), several, types)

    def inputs(self, declared: dict[str, str]) -> dict[str, str]:
        """The declared input types with the known types added (as the analyses take them: dotted names)."""
        return {**declared, **{".".join(p): kind for p, kind in self.types.items()}}

    def fold(self, node: Any) -> Any:
        """The condition with what the single values decide replaced by literals."""
        if node is None or not self.single:
            return node
        if isinstance(node, (And, Or)):
            return type(node)(tuple(self.fold(i) for i in node.items))
        if isinstance(node, Not):
            return Not(self.fold(node.item))
        if isinstance(node, Opaque):
            return node
        read = variables(node)
        if read and all(self._determined(p) for p in read):
            try:
                return Lit(bool(evaluate(node, self.data())))
            except Exception:  # fails (an absent read) or is beyond the evaluator: left to the analysis
                return node
        if isinstance(node, Cmp):
            return Cmp(node.op, self._operand(node.left), self._operand(node.right), node.type)
        return node

    def _operand(self, node: Any) -> Any:
        if isinstance(node, Var) and node.path in self.single:
            return Lit(self.single[node.path])
        if isinstance(node, Arith) and all(self._determined(p) for p in variables(node)):
            try:
                value = value_of(node, self.data())
            except Exception:
                return node
            return Lit(value) if value is not UNDEFINED else node
        if isinstance(node, Arith):
            return Arith(node.op, self._operand(node.left), self._operand(node.right))
        return node

    def _determined(self, path: Path) -> bool:
        """Fixed by the single values: known, or below a known scalar (then absent)."""
        return any(path[:k] in self.single for k in range(1, len(path) + 1))

    def data(self) -> dict[str, Any]:
        return self.complete({})

    def complete(self, witness: dict[str, Any]) -> dict[str, Any]:
        """The input with every single known value set (a copy)."""
        import copy  # here: most runs never complete an input, and the module pulls in weakref

        out = copy.deepcopy(witness)
        for path, value in sorted(self.single.items()):
            put(out, path, value)
        return out

    def admits(self, witness: dict[str, Any]) -> bool:
        """The input agrees with every known value (single and several)."""
        wanted = {**{p: (v,) for p, v in self.single.items()}, **self.several}
        for path, values in wanted.items():
            found = lookup(witness, path)
            if not any(_same(found, v) for v in values):
                return False
        for path, kind in self.types.items():
            found = lookup(witness, path)
            if json_type(found) != "number" or (kind == "int" and not to_double(found).is_integer()):
                return False
        return True

    def membership(self) -> list[Expr]:
        """One condition per path with several values: it holds one of them."""
        return [In(Var(p), tuple(Lit(v) for v in values)) for p, values in sorted(self.several.items())]


def _bools(values: tuple[Any, ...]) -> str:
    return "bool" if values == (False, True) else ""


def _same(found: Any, value: Any) -> bool:
    """Equal as the evaluator compares (numbers as doubles, no ``1 == true``)."""
    if json_type(found) != json_type(value):
        return False
    return to_double(found) == to_double(value) if json_type(value) == "number" else bool(found == value)


def given_for(workflow: Workflow, state: State, conditions: list[Any]) -> Given:
    """The known values of the paths the rules read, of their parents, and of their parts."""
    from wfverify.analysis.known import known_before_choice

    known = known_before_choice(workflow, state)
    if not known:
        return Given()
    read = set().union(*(variables(c) for c in conditions if c is not None))
    relevant = {p: v for p, v in known.items() if any(p[: len(r)] == r or r[: len(p)] == p for r in read)}
    values = {p: v for p, v in relevant.items() if not isinstance(v, str)}
    return Given(
        {p: v[0] for p, v in values.items() if len(v) == 1},
        {p: v for p, v in values.items() if len(v) > 1 and p in read},
        {p: v for p, v in relevant.items() if isinstance(v, str) and p in read},
    )
