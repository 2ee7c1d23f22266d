"""How the Z3 encoding represents numbers: reals, or IEEE 754 doubles.

The engine compares and adds numbers as doubles. Two encodings:

* :class:`Reals`, for conditions without arithmetic. Constants are the exact
  values of their doubles and inputs are bounded by the largest double, so a
  comparison of doubles is the same comparison of reals; the reals only add
  values between adjacent doubles. An ``unsat`` answer therefore holds for
  doubles too (``proven`` and "never taken" are sound), and a ``sat`` answer's
  input is replayed on doubles before it is reported (else ``unknown``).
* :class:`Doubles`, for conditions with ``+ - *``: Z3's floating-point theory
  with round-to-nearest-even, which is exactly what the engine computes
  (``1e16 + 1 == 1e16`` holds, ``0.1 + 0.2 == 0.3`` does not). Inputs are
  finite (JSON has no NaN or infinity); sums may overflow to infinity.
"""

from __future__ import annotations

import math
import struct
import sys
from fractions import Fraction
from typing import Any

from wfverify.core.evaluate import to_double

__all__ = ["Doubles", "Reals"]

_MAX = Fraction(sys.float_info.max)


class Reals:
    """Numbers as Z3 reals (exact for comparisons of doubles without arithmetic)."""

    def __init__(self, z3: Any) -> None:
        self.z3 = z3

    def const(self, name: str) -> Any:
        return self.z3.Real(name)

    def literal(self, value: int | float) -> Any:
        double = to_double(value)
        if math.isinf(double):  # beyond every input: only its order matters
            return self.z3.RealVal(2 * _MAX if double > 0 else -2 * _MAX)
        return self.z3.RealVal(Fraction(double))

    def domain(self, num: Any, integral: bool) -> list[Any]:
        out = [num >= -_MAX, num <= _MAX]
        return out + [self.z3.IsInt(num)] if integral else out

    def arith(self, op: str, a: Any, b: Any) -> Any:
        return {"+": a + b, "-": a - b, "*": a * b}[op]

    def relation(self, op: str, a: Any, b: Any) -> Any:
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]

    def render(self, model: Any, num: Any) -> int | float:
        frac = model.eval(num, model_completion=True).as_fraction()
        return int(frac) if frac.denominator == 1 and abs(frac) <= 2**53 else float(frac)


class Doubles:
    """Numbers as Z3 IEEE 754 binary64 values, rounding to nearest even."""

    def __init__(self, z3: Any) -> None:
        self.z3 = z3
        self.sort = z3.Float64()

    def const(self, name: str) -> Any:
        return self.z3.FP(name, self.sort)

    def literal(self, value: int | float) -> Any:
        double = to_double(value)
        if math.isinf(double):
            return self.z3.fpPlusInfinity(self.sort) if double > 0 else self.z3.fpMinusInfinity(self.sort)
        return self.z3.FPVal(double, None, self.sort)

    def domain(self, num: Any, integral: bool) -> list[Any]:
        z3 = self.z3
        out = [z3.Not(z3.fpIsNaN(num)), z3.Not(z3.fpIsInf(num))]
        return out + [z3.fpEQ(z3.fpRoundToIntegral(z3.RNE(), num), num)] if integral else out

    def arith(self, op: str, a: Any, b: Any) -> Any:
        z3 = self.z3
        return {"+": z3.fpAdd, "-": z3.fpSub, "*": z3.fpMul}[op](z3.RNE(), a, b)

    def relation(self, op: str, a: Any, b: Any) -> Any:
        z3 = self.z3
        if op == "!=":
            return z3.Not(z3.fpEQ(a, b))
        return {"<": z3.fpLT, "<=": z3.fpLEQ, ">": z3.fpGT, ">=": z3.fpGEQ, "==": z3.fpEQ}[op](a, b)

    def render(self, model: Any, num: Any) -> int | float:
        bits = model.eval(self.z3.fpToIEEEBV(num), model_completion=True).as_long()
        value: float = struct.unpack(">d", bits.to_bytes(8, "big"))[0]
        return int(value) if value.is_integer() and abs(value) <= 2**53 else value
