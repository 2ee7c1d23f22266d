"""Values that rules and proofs produce: findings and proof verdicts.

Rules create a :class:`Finding` with a pointer and a message; the engine
stamps the rule's name, code and effective severity, and resolves the pointer
to a 1-based line and column through the loader's source map. Findings are
immutable; ``replace`` (:mod:`wfverify.core.records`) makes the stamped copy.
"""

from __future__ import annotations

import enum
from typing import Any

from wfverify.core.records import dataclass, field

__all__ = ["Finding", "Proof", "Related", "Severity", "Verdict", "PROOF_PROPERTIES"]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Verdict(str, enum.Enum):
    PROVEN = "proven"
    VIOLATED = "violated"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "n/a"

    def __str__(self) -> str:
        return self.value


#: The proof properties the JSON contract names.
PROOF_PROPERTIES = ("choice-exhaustiveness", "termination", "saga", "deadlock-freedom")


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (the shadowing rule, the other lock holder)."""

    pointer: str
    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place.

    ``message`` is rendered; ``args`` keeps the values it was rendered from so
    structured outputs can carry them. ``witness`` is JSON-able data a program
    can replay: a path of state names, a schedule, an input.
    """

    message: str
    pointer: str = ""
    state: str | None = None
    witness: Any = None
    related: tuple[Related, ...] = ()
    args: tuple[tuple[str, Any], ...] = ()
    # stamped by the engine
    rule: str = ""
    code: str = ""
    severity: Severity = Severity.ERROR
    path: str = ""
    line: int | None = None
    column: int | None = None
    #: Set by a rule that wants a severity other than its default for this one finding
    #: (a deadlock whose every wait has a timeout is a warning).
    severity_override: Severity | None = None
    #: The state machine a finding belongs to, when it is embedded in a template
    #: (CloudFormation logical id, ``aws_sfn_state_machine.NAME``, Serverless key).
    definition: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "definition": self.definition} if self.definition else {}
        return out | {
            "path": self.path,
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "state": self.state,
            "witness": _witness_json(self.witness),
            "related": [
                {"pointer": r.pointer, "message": r.message, "line": r.line, "column": r.column} for r in self.related
            ],
        }


@dataclass(frozen=True, slots=True)
class Proof:
    """The verdict on one property of one file."""

    property: str
    verdict: Verdict
    detail: str = ""
    seconds: float = 0.0
    witness: Any = None
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    definition: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "definition": self.definition} if self.definition else {}
        out |= {
            "path": self.path,
            "property": self.property,
            "verdict": self.verdict.value,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
        }
        if self.witness is not None:
            out["witness"] = _witness_json(self.witness)
        return out


def _witness_json(witness: Any) -> Any:
    """Typed witnesses (:mod:`wfverify.core.witness`) carry their JSON form; plain JSON passes through."""
    to_json = getattr(witness, "to_json", None)
    return to_json() if callable(to_json) else witness
