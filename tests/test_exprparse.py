"""The native expression parser: precedence, literals, errors with offsets."""

from __future__ import annotations

import pytest

from wfverify.core.expr import And, Arith, Cmp, Exists, In, Lit, Not, Or, Var, variables
from wfverify.core.exprparse import ExprError, parse, placeholders


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", Lit(1)),
        ("2.5", Lit(2.5)),
        ("'a b'", Lit("a b")),
        ("true", Lit(True)),
        ("null", Lit(None)),
        ("-3", Lit(-3)),
        ("order.total", Var(("order", "total"))),
        ("a == 'x'", Cmp("==", Var(("a",)), Lit("x"))),
        ("a + 1 * b", Arith("+", Var(("a",)), Arith("*", Lit(1), Var(("b",))))),
        ("a or b and c", Or((Var(("a",)), And((Var(("b",)), Var(("c",))))))),
        ("not a == 1", Not(Cmp("==", Var(("a",)), Lit(1)))),
        ("(a or b) and c", And((Or((Var(("a",)), Var(("b",)))), Var(("c",))))),
        ("s in ['x', 2]", In(Var(("s",)), (Lit("x"), Lit(2)))),
        ("exists(item.from)", Exists(Var(("item", "from")))),
        ("n - 1 >= 0", Cmp(">=", Arith("-", Var(("n",)), Lit(1)), Lit(0))),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text, offset",
    [("a >", 3), ("a == == b", 5), ("(a", 2), ("a in [b]", 6), ("a $ b", 2), ("exists(1)", 7), ("a b", 2)],
)
def test_errors_have_offsets(text: str, offset: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.offset == offset


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExprError):
        parse("(" * 5000 + "a" + ")" * 5000)


def test_variables_and_placeholders() -> None:
    assert variables(parse("a.b > c and exists(d)")) == {("a", "b"), ("c",), ("d",)}
    assert placeholders("account:{item.from}/{item.to}") == [("item.from", 9), ("item.to", 21)]
