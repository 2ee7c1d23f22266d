"""Conditions (:mod:`wfverify.core.expr`) to Z3 formulas over typed variables.

Each variable path is a *tagged value*: an integer type tag (absent, null,
boolean, number, string, object) and one Z3 constant per type (a ``Real``
for numbers, a ``String``, a ``Bool``), plus, for strings that are RFC 3339
timestamps, an ``Int`` instant in microseconds. The semantics are those of
:mod:`wfverify.core.evaluate`, the reference evaluator every witness is replayed
through:

* a comparison on an absent or mistyped value is false (native format page,
  "Data and conditions"; for ASL the AWS Choice state page: a value of the
  wrong type makes the comparison false);
* variables declared in ``input`` are present and of their type (``int``
  adds an integrality constraint);
* a nested path ``a.b`` present forces ``a`` to be an object;
* ``Var.absent_fails`` (ASL JSONPath): reading the variable while it is absent
  fails the execution (``States.Runtime``). Each boolean node therefore
  encodes to a pair ``(value, fails)``; ``And``/``Or`` short-circuit left to
  right, as the AWS page's ``IsPresent`` guard example relies on;
* timestamps compare by instant: a string variable is a timestamp when it has
  the RFC 3339 shape, and then carries a free instant. The string and the
  instant are linked only by that shape, so witnesses are rendered from the
  instant and replayed (a witness that mixes ``String*`` and ``Timestamp*`` on
  one variable may be rejected by the replay, and the verdict is then
  ``unknown``, never a wrong claim);
* an ``Opaque`` condition (JSONata beyond the supported subset) is a free
  boolean, shared by equal texts within one encoder.

For termination proofs the encoder can evaluate conditions "in the limit":
``limits`` maps a counter variable to +1/-1 and each comparison that is
linear in it takes the value it has once the counter is large enough.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from wfverify.analysis.smt import strings
from wfverify.core.evaluate import parse_timestamp
from wfverify.core.expr import And, Arith, Cmp, Exists, Expr, In, IsType, Lit, Matches, Not, Opaque, Or, Var
from wfverify.core.records import dataclass

__all__ = ["Encoder", "TAGS", "Val"]

TAGS = {"absent": 0, "null": 1, "boolean": 2, "number": 3, "string": 4, "object": 5, "undefined": 6}
_DECLARED = {"int": "number", "number": "number", "string": "string", "bool": "boolean"}
_TS_MIN, _TS_MAX = -62135596800 * 10**6, 253402300799 * 10**6  # years 1..9999


@dataclass
class Val:
    """A value expression in Z3: tag plus per-type components; ``fails`` when reading it fails."""

    tag: Any
    num: Any
    s: Any
    b: Any
    ts: Any
    is_ts: Any
    fails: Any


class Encoder:
    """Encodes conditions of one choice (or loop) over shared variables.

    ``inputs``: the workflow's declared ``input`` types (dotted names).
    """

    def __init__(
        self,
        inputs: dict[str, str] | None = None,
        limits: dict[tuple[str, ...], int] | None = None,
        invariant: set[tuple[str, ...]] | None = None,
        present: set[tuple[str, ...]] | None = None,
        doubles: bool = False,
    ) -> None:
        import z3

        from wfverify.analysis.smt.numbers import Doubles, Reals

        self.z3 = z3
        #: reals (exact for comparisons of doubles) or IEEE doubles (for arithmetic)
        self.numbers: Reals | Doubles = Doubles(z3) if doubles else Reals(z3)
        self.opaque_values: dict[str, Val] = {}
        self.inputs = {tuple(k.split(".")): v for k, v in (inputs or {}).items()}
        #: paths certainly present (written by earlier states; wfverify.analysis.dataflow), of unknown type
        self.present = set(present or ())
        self.vars: dict[tuple[str, ...], Val] = {}
        self._domain: list[Any] = []
        self._literals: set[str] = set()
        self._pairs: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        self.opaque: dict[str, Any] = {}
        self.limits = dict(limits or {})
        self.invariant = set(invariant or ())
        self._fresh = 0
        self._ts_re = None

    # -- variables ------------------------------------------------------
    def var(self, path: tuple[str, ...]) -> Val:
        """The tagged value of a variable path (created with its domain constraints)."""
        if path in self.vars:
            return self.vars[path]
        z3 = self.z3
        name = "$." + ".".join(path)
        tag = z3.Int(f"{name}#tag")
        val = Val(
            tag,
            self.numbers.const(f"{name}#num"),
            z3.String(f"{name}#str"),
            z3.Bool(f"{name}#bool"),
            z3.Int(f"{name}#ts"),
            z3.Bool(f"{name}#is_ts"),
            z3.BoolVal(False),
        )
        self.vars[path] = val
        self._domain += [
            tag >= 0,
            tag <= 5,
            val.ts >= _TS_MIN,
            val.ts <= _TS_MAX,
            z3.Implies(val.is_ts, z3.And(tag == TAGS["string"], z3.InRe(val.s, self._timestamp_re()))),
        ]
        if len(path) > 1:
            parent = self.var(path[:-1])
            self._domain.append(z3.Implies(tag != TAGS["absent"], parent.tag == TAGS["object"]))
        declared = self.inputs.get(path)
        self._domain += self.numbers.domain(val.num, declared == "int")
        if declared in _DECLARED:
            self._domain.append(tag == TAGS[_DECLARED[declared]])
        if path in self.present or not path:  # the whole input is always there
            self._domain.append(tag != TAGS["absent"])
        if any(p[: len(path)] == path and len(p) > len(path) for p in self.present):
            self._domain.append(tag == TAGS["object"])
        for other in self.inputs:  # a declared nested input makes its prefixes objects
            if other[: len(path)] == path and len(other) > len(path):
                self._domain.append(tag == TAGS["object"])
                break
        return val

    @property
    def domain(self) -> list[Any]:
        """Every constraint on the variables: types, nesting, and the timestamp links.

        A string variable is a timestamp (``is_ts``) exactly when its text is
        one: for the texts the conditions name (literals) and for two variables
        compared with each other (``*Path`` rules) with equal texts this is stated; any other RFC 3339-shaped text is a
        timestamp whose instant is free, and witnesses render it from the instant.
        """
        z3 = self.z3
        out = list(self._domain)
        good = {lit: parse_timestamp(lit) for lit in sorted(self._literals)}
        bad = [lit for lit, ts in good.items() if ts is None and strings.has_timestamp_shape(lit)]
        for v in self.vars.values():
            shaped = z3.And(v.tag == TAGS["string"], z3.InRe(v.s, self._timestamp_re()))
            out.append(z3.Implies(z3.Not(v.is_ts), z3.Or(z3.Not(shaped), *[v.s == lit for lit in bad])))
            for lit, ts in good.items():
                if ts is not None:
                    out.append(z3.Implies(z3.And(v.tag == TAGS["string"], v.s == lit), z3.And(v.is_ts, v.ts == ts)))
                elif lit in bad:
                    out.append(z3.Implies(v.s == lit, z3.Not(v.is_ts)))
        for left, right in sorted(self._pairs):
            a, b = self.vars[left], self.vars[right]
            same = z3.And(a.tag == TAGS["string"], b.tag == TAGS["string"], a.s == b.s)
            out.append(z3.Implies(same, z3.And(a.is_ts == b.is_ts, z3.Implies(a.is_ts, a.ts == b.ts))))
        return out

    def _timestamp_re(self) -> Any:
        if self._ts_re is None:
            self._ts_re = strings.timestamp_shape(self.z3)
        return self._ts_re

    def _fresh_bool(self, hint: str) -> Any:
        self._fresh += 1
        return self.z3.Bool(f"?{hint}#{self._fresh}")

    # -- values ---------------------------------------------------------
    def value(self, node: Expr) -> Val:
        z3 = self.z3
        if isinstance(node, Var):
            v = self.var(node.path)
            fails = z3.And(v.tag == TAGS["absent"]) if node.absent_fails else z3.BoolVal(False)
            return Val(v.tag, v.num, v.s, v.b, v.ts, v.is_ts, fails)
        if isinstance(node, Lit):
            return self._literal(node.value)
        if isinstance(node, Opaque):
            return self._opaque_value(node.text)
        if isinstance(node, Arith):
            a, b = self.value(node.left), self.value(node.right)
            ok = z3.And(a.tag == TAGS["number"], b.tag == TAGS["number"])
            num = self.numbers.arith(node.op, a.num, b.num)
            return Val(
                z3.If(ok, TAGS["number"], TAGS["undefined"]),
                num,
                z3.StringVal(""),
                z3.BoolVal(False),
                z3.IntVal(0),
                z3.BoolVal(False),
                z3.Or(a.fails, b.fails),
            )
        value, fails = self.condition(node)
        zero = self.numbers.literal(0)
        return Val(z3.IntVal(TAGS["boolean"]), zero, z3.StringVal(""), value, z3.IntVal(0), z3.BoolVal(False), fails)

    def _opaque_value(self, text: str) -> Val:
        """A value the model cannot read (``$$`` context, ``$var``, ``$[0]``): any JSON value,
        possibly failing to read; equal texts are the same value."""
        if text not in self.opaque_values:
            z3 = self.z3
            name = f"?value:{text}"
            tag = z3.Int(f"{name}#tag")
            num = self.numbers.const(f"{name}#num")
            self._domain += [tag >= 0, tag <= 5, *self.numbers.domain(num, False)]
            self.opaque_values[text] = Val(
                tag,
                num,
                z3.String(f"{name}#str"),
                z3.Bool(f"{name}#bool"),
                z3.Int(f"{name}#ts"),
                z3.Bool(f"{name}#is_ts"),
                z3.Bool(f"{name}#fails"),
            )
        return self.opaque_values[text]

    def _literal(self, value: Any) -> Val:
        z3 = self.z3
        tag, s, b, ts = "null", "", False, None
        num: int | float = 0
        if isinstance(value, bool):
            tag, b = "boolean", value
        elif isinstance(value, (int, float)):
            tag, num = "number", value
        elif isinstance(value, str):
            tag, s, ts = "string", value, parse_timestamp(value)
            self._literals.add(value)
        elif value is not None:
            tag = "object"
        return Val(
            z3.IntVal(TAGS[tag]),
            self.numbers.literal(num),
            strings.constant(z3, s),
            z3.BoolVal(b),
            z3.IntVal(ts or 0),
            z3.BoolVal(ts is not None),
            z3.BoolVal(False),
        )

    # -- conditions -----------------------------------------------------
    def condition(self, node: Expr | None) -> tuple[Any, Any]:
        """``(value, fails)``: the truth when evaluation does not fail, and when it fails."""
        z3 = self.z3
        false = z3.BoolVal(False)
        if node is None:
            return self._fresh_bool("unknown"), false
        if isinstance(node, And) or isinstance(node, Or):
            pairs = [self.condition(item) for item in node.items]
            fails: list[Any] = []
            guard: list[Any] = []
            for value, fail in pairs:  # item k is evaluated only when the earlier ones did not decide
                fails.append(z3.And(*guard, fail) if guard else fail)
                guard.append(value if isinstance(node, And) else z3.Not(value))
            combine = z3.And if isinstance(node, And) else z3.Or
            return combine(*[v for v, _ in pairs]), z3.Or(*fails) if fails else false
        if isinstance(node, Not):
            value, fail = self.condition(node.item)
            return z3.Not(value), fail
        if isinstance(node, Cmp):
            if self.limits and self._mentions_limit(node):
                return self._limit_cmp(node)
            if (
                node.type in (None, "string")
                and isinstance(node.left, Var)
                and isinstance(node.right, Var)
                and node.left.path != node.right.path
            ):
                self._pairs.add((node.left.path, node.right.path))
            a, b = self.value(node.left), self.value(node.right)
            return self.compare(node.op, node.type, a, b), z3.Or(a.fails, b.fails)
        if isinstance(node, In):
            a = self.value(node.item)
            return z3.Or(*[self._same(a, self._literal(lit.value)) for lit in node.values]), a.fails
        if isinstance(node, Exists):
            return self.var(node.var.path).tag != TAGS["absent"], false
        if isinstance(node, IsType):
            a = self.value(node.var)
            holds = a.is_ts if node.type == "timestamp" else a.tag == TAGS.get(node.type, -1)
            return (holds if node.expected else z3.Not(holds)), a.fails
        if isinstance(node, Matches):
            a = self.value(node.var)
            return z3.And(a.tag == TAGS["string"], z3.InRe(a.s, self._wildcard(node.pattern))), a.fails
        if isinstance(node, Var):
            a = self.value(node)
            return z3.And(a.tag == TAGS["boolean"], a.b), a.fails
        if isinstance(node, Lit):
            return z3.BoolVal(node.value is True), false
        if isinstance(node, Opaque):
            if node.text not in self.opaque:
                self.opaque[node.text] = z3.Bool(f"?opaque:{node.text}")
            return self.opaque[node.text], false
        raise TypeError(f"not a condition node: {node!r}")

    def compare(self, op: str, kind: str | None, a: Val, b: Val) -> Any:
        """``a op b`` under the typing rule ``kind`` (None: same JSON type)."""
        z3 = self.z3
        rel = self._relation
        if kind == "timestamp":
            return z3.And(a.is_ts, b.is_ts, rel(op, a.ts, b.ts))
        by_type = {"number": self.numbers.relation(op, a.num, b.num), "string": self._str_rel(op, a.s, b.s)}
        if op in ("==", "!="):
            by_type["boolean"] = rel(op, a.b, b.b)
            by_type["null"] = z3.BoolVal(op == "==")
        allowed = [kind] if kind else list(by_type)
        return z3.Or(*[z3.And(a.tag == TAGS[t], b.tag == TAGS[t], by_type[t]) for t in allowed if t in by_type])

    @staticmethod
    def _relation(op: str, x: Any, y: Any) -> Any:
        """``x op y`` on Z3 integers or booleans."""
        if op == "==":
            return x == y
        if op == "!=":
            return x != y
        if op == "<":
            return x < y
        if op == "<=":
            return x <= y
        return x > y if op == ">" else x >= y

    def _str_rel(self, op: str, x: Any, y: Any) -> Any:
        return {
            "<": lambda: x < y,
            "<=": lambda: x <= y,
            ">": lambda: y < x,
            ">=": lambda: y <= x,
            "==": lambda: x == y,
            "!=": lambda: x != y,
        }[op]()

    def _same(self, a: Val, lit: Val) -> Any:
        return self.compare("==", None, a, lit)

    def _wildcard(self, pattern: str) -> Any:
        return strings.wildcard(self.z3, pattern)

    # -- limits (termination) -------------------------------------------
    def _mentions_limit(self, node: Cmp) -> bool:
        from wfverify.core.expr import variables

        return any(p in self.limits for p in variables(node))

    def _limit_cmp(self, node: Cmp) -> tuple[Any, Any]:
        """The truth of a comparison once the counter has run far enough in its direction."""
        from wfverify.core.expr import variables

        z3 = self.z3
        coeff = _linear(node.left, self.limits, 1)
        other = _linear(node.right, self.limits, 1)
        others = variables(node) - set(self.limits)
        if coeff is None or other is None or node.type not in (None, "number") or not others <= self.invariant:
            return self._fresh_bool("loop"), z3.BoolVal(False)
        slope = coeff - other
        if slope == 0:
            a, b = self.value(node.left), self.value(node.right)
            return self.compare(node.op, node.type, a, b), z3.Or(a.fails, b.fails)
        up = slope > 0
        truth = {">": up, ">=": up, "<": not up, "<=": not up, "==": False, "!=": True}[node.op]
        typed = [self.var(p).tag == TAGS["number"] for p in sorted(others)]
        return z3.And(*typed, z3.BoolVal(truth)), z3.BoolVal(False)


def _linear(node: Expr, limits: dict[tuple[str, ...], int], scale: int) -> Fraction | None:
    """Coefficient (times the counter's direction) of the counters in a numeric expression;
    None when it is not linear with constant factors."""
    if isinstance(node, Var):
        return Fraction(scale * limits[node.path]) if node.path in limits else Fraction(0)
    if isinstance(node, Lit):
        return Fraction(0)
    if isinstance(node, Arith):
        if node.op == "*":
            for k, e in ((node.left, node.right), (node.right, node.left)):
                if isinstance(k, Lit) and isinstance(k.value, (int, float)) and not isinstance(k.value, bool):
                    inner = _linear(e, limits, 1)
                    if inner is None:
                        return None
                    return inner * Fraction(str(k.value)) * scale
            return None
        left, right = _linear(node.left, limits, scale), _linear(node.right, limits, scale)
        if left is None or right is None:
            return None
        return left + right if node.op == "+" else left - right
    return None
