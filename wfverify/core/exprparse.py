"""Parser for the native expression language (never ``eval``).

Grammar, loosest binding first::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := sum (("=="|"!="|"<"|"<="|">"|">=") sum | "in" "[" literal ("," literal)* "]")?
    sum      := product (("+"|"-") product)*
    product  := unary ("*" unary)*
    unary    := "-" unary | primary
    primary  := NUMBER | STRING | "true" | "false" | "null" | "exists" "(" PATH ")" | PATH | "(" expr ")"

>>> parse("order.total > 1000 and not order.express")
And(items=(Cmp(op='>', left=Var(path=('order', 'total'), absent_fails=False), right=Lit(value=1000), type=None), Not(item=Var(path=('order', 'express'), absent_fails=False))))
"""

from __future__ import annotations

import re
from typing import Any

from wfverify.core.expr import And, Arith, Cmp, Exists, Expr, In, Lit, Not, Or, Var

__all__ = ["ExprError", "parse", "placeholders"]

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\*|\(|\)|\[|\]|,)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))"
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "exists"}
_MAX_LENGTH = 10_000


class ExprError(ValueError):
    """A syntax error; ``offset`` is the 0-based character where it was noticed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _tokens(text: str) -> list[tuple[str, Any, int]]:
    out: list[tuple[str, Any, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            at = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ExprError(f"unexpected character {text[at]!r}", at)
        kind = m.lastgroup or ""
        value: Any = m.group(kind)
        start = m.start(kind)
        if kind == "num":
            value = float(value) if "." in value else int(value)
        elif kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "name" and value in _KEYWORDS:
            kind = "kw"
        out.append((kind, value, start))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, Any, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, Any, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def accept(self, kind: str, value: Any = None) -> bool:
        k, v, _ = self.peek()
        if k == kind and (value is None or v == value):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, value: Any, what: str) -> None:
        if not self.accept(kind, value):
            k, v, at = self.peek()
            raise ExprError(f"expected {what}, found {'the end' if k == 'end' else repr(v)}", at)

    def expr(self) -> Expr:
        items = [self.conj()]
        while self.accept("kw", "or"):
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conj(self) -> Expr:
        items = [self.neg()]
        while self.accept("kw", "and"):
            items.append(self.neg())
        return items[0] if len(items) == 1 else And(tuple(items))

    def neg(self) -> Expr:
        if self.accept("kw", "not"):
            return Not(self.neg())
        return self.compare()

    def compare(self) -> Expr:
        left = self.sum()
        k, v, _ = self.peek()
        if k == "op" and v in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Cmp(v, left, self.sum())
        if self.accept("kw", "in"):
            self.expect("op", "[", "'[' after 'in'")
            values = [self.literal()]
            while self.accept("op", ","):
                values.append(self.literal())
            self.expect("op", "]", "']' closing the list")
            return In(left, tuple(values))
        return left

    def literal(self) -> Lit:
        at = self.peek()[2]
        node = self.unary()
        if not isinstance(node, Lit):
            raise ExprError("'in [...]' takes literals only", at)
        return node

    def sum(self) -> Expr:
        node = self.product()
        while True:
            k, v, _ = self.peek()
            if k == "op" and v in ("+", "-"):
                self.take()
                node = Arith(v, node, self.product())
            else:
                return node

    def product(self) -> Expr:
        node = self.unary()
        while self.accept("op", "*"):
            node = Arith("*", node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.accept("op", "-"):
            inner = self.unary()
            if isinstance(inner, Lit) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                return Lit(-inner.value)
            return Arith("-", Lit(0), inner)
        return self.primary()

    def primary(self) -> Expr:
        kind, value, at = self.take()
        if kind in ("num", "str"):
            return Lit(value)
        if kind == "kw" and value in ("true", "false", "null"):
            return Lit({"true": True, "false": False, "null": None}[value])
        if kind == "kw" and value == "exists":
            self.expect("op", "(", "'(' after exists")
            k, path, where = self.take()
            if k != "name":
                raise ExprError("exists(...) takes a variable path", where)
            self.expect("op", ")", "')' closing exists(")
            return Exists(Var(tuple(path.split("."))))
        if kind == "name":
            return Var(tuple(value.split(".")))
        if kind == "op" and value == "(":
            node = self.expr()
            self.expect("op", ")", "')'")
            return node
        raise ExprError(f"expected a value, found {'the end' if kind == 'end' else repr(value)}", at)


def parse(text: str) -> Expr:
    """Parse one expression; raises :class:`ExprError` with the offset of the problem."""
    if not isinstance(text, str):
        raise ExprError("an expression must be a string", 0)
    if len(text) > _MAX_LENGTH:
        raise ExprError(f"expression longer than {_MAX_LENGTH} characters", 0)
    parser = _Parser(text)
    try:
        node = parser.expr()
    except RecursionError:
        raise ExprError("expression nested too deeply", 0) from None
    kind, value, at = parser.peek()
    if kind != "end":
        raise ExprError(f"unexpected {value!r} after a complete expression", at)
    return node


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(name: str) -> list[tuple[str, int]]:
    """The ``{EXPR}`` parts of a lock name with their offsets: ``account:{item.from}``."""
    return [(m.group(1), m.start(1)) for m in _PLACEHOLDER.finditer(name)]
