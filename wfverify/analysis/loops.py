"""What kind of loop a cycle is: a pagination loop, a polling loop, and how its statuses route.

Pure graph and condition reading (no solver), shared by the loop rules:

* a *pagination* loop goes round while a token (``NextToken``, ``Marker``,
  ``ContinuationToken``, ``LastEvaluatedKey``...) is present and leaves when it
  is absent or null: the data bounds it, not a counter;
* a *polling* loop has a Choice that compares a status with string literals.
  Each rule of that Choice either leaves the loop or stays in it; the
  statuses that stay are read from the rules (``StringEquals``, an ``Or`` of
  them, JSONata ``= "X"`` / ``in [...]``), and a ``Default`` (or a ``Not``
  rule) that stays takes every status no exit rule names. Failure statuses
  are recognised by their words (FAILED, STOPPED, CANCELLED, ERROR,
  TIMED_OUT...), since the set of statuses an API returns is not known here.
"""

from __future__ import annotations

import re
from typing import Any

from wfverify.core.expr import And, Cmp, Exists, In, IsType, Lit, Matches, Not, Opaque, Or, Var
from wfverify.core.model import State, StateKind, TransitionKind, Workflow
from wfverify.core.records import dataclass, field

__all__ = [
    "FailureRoute",
    "PollingChoice",
    "failure_examples",
    "api_statuses",
    "every_failure_leaves",
    "failure_routes",
    "is_failure_status",
    "mutates",
    "pagination_token",
    "polling_choices",
    "waits_in",
]

_TOKEN = re.compile(
    r"(?i)(token|marker|cursor|lastevaluatedkey|exclusivestartkey|nextpage|next_page|^next$|startafter)$"
)
_FAILURE = re.compile(r"(?i)(fail|error|stop|cancel|abort|timed?[_ -]?out|expired|reject|terminat|incompatible)")
_STATUS_NAME = re.compile(r"(?i)(status|state)$")
_MUTATION = re.compile(
    r"(?i):(put|create|update|delete|start|send|publish|submit|stop|terminate|run|modify|reboot|restore|copy)[A-Za-z]*"
    r"(\.sync(:2)?|\.waitForTaskToken)?$"
)
# JSONata conditions are rare: these are compiled (and cached by ``re``) on first use, not at import.
_JSONATA_EQ = r"""^\s*([$\w.\[\]"'-]+?)\s*=\s*["']([^"']*)["']\s*$"""
_JSONATA_NE = r"""^\s*([$\w.\[\]"'-]+?)\s*!=\s*["']([^"']*)["']\s*$"""
_JSONATA_IN = r"""^\s*([$\w.\[\]"'-]+?)\s+in\s+\[([^\]]*)\]\s*$"""


def is_failure_status(text: str) -> bool:
    """A status literal that names a failure (FAILED, Stopped, CANCELED, TIMED_OUT...)."""
    return bool(_FAILURE.search(text))


@dataclass(frozen=True)
class PollingChoice:
    """A Choice in a loop that routes on a status.

    ``exits``/``stays``: statuses named by rules that leave / stay in the loop;
    ``others_stay``: a status no exit rule names goes back into the loop
    (through ``Default`` or a ``Not`` rule), or ``None`` when unknown.
    """

    state: str
    variable: str
    exits: tuple[str, ...]
    stays: tuple[str, ...]
    others_stay: bool
    pointer: str
    stay_pointers: dict[str, str] = field(default_factory=dict)
    path: tuple[str, ...] | None = None  # the status's keys from the data root (JSONPath rules), if known

    @property
    def failures_staying(self) -> tuple[str, ...]:
        return tuple(s for s in self.stays if is_failure_status(s))

    @property
    def handles_a_failure(self) -> bool:
        return any(is_failure_status(s) for s in self.exits)


def _leaf(path: tuple[str, ...]) -> str:
    keys = [p for p in path if not p.lstrip("-").isdigit() and p not in ("*",)]
    return keys[-1] if keys else ""


def _token_tested(node: Any) -> str | None:
    """The token a condition tests for presence or null, if any."""
    if isinstance(node, Not):
        return _token_tested(node.item)
    if isinstance(node, (Or, And)):
        for item in node.items:
            found = _token_tested(item)
            if found:
                return found
        return None
    if isinstance(node, (Exists, IsType)):
        leaf = _leaf(node.var.path)
        return leaf if _TOKEN.search(leaf) and (isinstance(node, Exists) or node.type == "null") else None
    if isinstance(node, Cmp) and node.op in ("==", "!="):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, Var) and isinstance(other, Lit) and other.value in (None, ""):
                leaf = _leaf(side.path)
                if _TOKEN.search(leaf):
                    return leaf
    if isinstance(node, Opaque):
        words: list[str] = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", node.text)
        for word in words:
            if _TOKEN.search(word) and re.search(r"\$exists|null|!=|=|\$boolean", node.text):
                return word
    return None


def pagination_token(workflow: Workflow, members: set[str]) -> str | None:
    """The token whose presence keeps a loop going (a pagination loop), or None."""
    for name in sorted(members):
        state = workflow.states[name]
        if state.kind is not StateKind.CHOICE:
            continue
        for rule in state.choices:
            token = _token_tested(rule.condition)
            if token:
                return token
    return None


def waits_in(workflow: Workflow, members: set[str]) -> bool:
    """The loop pauses somewhere: a Wait state, or a task that waits for a callback or runs a job to its end."""
    for name in members:
        state = workflow.states[name]
        if state.kind in (StateKind.WAIT, StateKind.EVENT) or state.waits_on_outside:
            return True
        action = state.action or ""
        if state.kind is StateKind.TASK and (".sync" in action or ":activity:" in action):
            return True
        if state.kind in (StateKind.PARALLEL, StateKind.MAP) and any(
            waits_in(workflow, set(workflow.scopes[b].states)) for b in state.branches
        ):
            return True
    return False


def mutates(state: State) -> bool:
    """A task whose AWS action changes something (putItem, startJobRun, sendMessage...), not a status read."""
    return state.kind is StateKind.TASK and bool(_MUTATION.search(state.action or ""))


def _status_named(variable: str) -> bool:
    leaf = re.split(r"[.\[\]'\"]+", variable.strip(".[]'\""))[-1] if variable else ""
    return bool(_STATUS_NAME.search(leaf))


def _equalities(node: Any) -> tuple[str | None, list[str], bool] | None:
    """(variable, statuses, negated) when a condition is status == X, an Or of them, or their Not."""
    if isinstance(node, Not):
        inner = _equalities(node.item)
        return (inner[0], inner[1], not inner[2]) if inner else None
    if isinstance(node, Cmp) and node.op in ("==", "!=") and node.type in (None, "string"):
        var, lit = (node.left, node.right) if isinstance(node.left, Var) else (node.right, node.left)
        if isinstance(var, Var) and isinstance(lit, Lit) and isinstance(lit.value, str):
            return var.dotted, [lit.value], node.op == "!="
        return None
    if isinstance(node, In) and isinstance(node.item, Var):
        values = [v.value for v in node.values if isinstance(v.value, str)]
        return (node.item.dotted, values, False) if values else None
    if isinstance(node, Or):
        parts = [_equalities(i) for i in node.items]
        if not parts or any(p is None or p[2] for p in parts):
            return None
        names = {p[0] for p in parts if p}
        return (names.pop(), [s for p in parts if p for s in p[1]], False) if len(names) == 1 else None
    if isinstance(node, And):  # an IsPresent guard around the comparison: the comparison decides
        decisive = [i for i in node.items if not isinstance(i, (Exists, IsType))]
        return _equalities(decisive[0]) if len(decisive) == 1 else None
    if isinstance(node, Matches) and "*" not in node.pattern.replace("\\*", ""):
        return node.var.dotted, [node.pattern.replace("\\*", "*")], False
    if isinstance(node, Opaque):
        return _jsonata_equalities(node.text)
    return None


def _status_paths(node: Any) -> dict[str, tuple[str, ...]]:
    """Dotted name -> key path of every data variable a condition compares."""
    from wfverify.core.expr import variables

    return {".".join(p): p for p in variables(node)} if node is not None else {}


def _jsonata_equalities(text: str) -> tuple[str | None, list[str], bool] | None:
    for pattern, negated in ((_JSONATA_EQ, False), (_JSONATA_NE, True)):
        m = re.match(pattern, text)
        if m:
            return m.group(1), [m.group(2)], negated
    m = re.match(_JSONATA_IN, text)
    if m:
        return m.group(1), re.findall(r"""["']([^"']*)["']""", m.group(2)), False
    return None


def _polling(state: State, members: set[str]) -> PollingChoice | None:
    exits: list[str] = []
    stays: list[str] = []
    stay_pointers: dict[str, str] = {}
    others_stay = state.default in members
    variables: dict[str, int] = {}
    paths: dict[str, tuple[str, ...]] = {}
    for rule in state.choices:
        found = _equalities(rule.condition)
        paths.update(_status_paths(rule.condition))
        stay = rule.next in members
        if found is None:
            continue
        var, statuses, negated = found
        variables[var or ""] = variables.get(var or "", 0) + 1
        if negated:
            others_stay = others_stay or stay
            (stays if not stay else exits).extend(statuses)  # Not X staying: X itself is what leaves
            continue
        (stays if stay else exits).extend(statuses)
        if stay:
            stay_pointers.update({s: rule.pointer for s in statuses})
    variable = max(variables, key=lambda v: variables[v]) if variables else ""
    if not _status_named(variable) or not (exits or stays):
        return None
    return PollingChoice(
        state.name,
        variable,
        tuple(dict.fromkeys(exits)),
        tuple(dict.fromkeys(stays)),
        others_stay,
        state.pointer,
        stay_pointers,
        paths.get(variable),
    )


def polling_choices(workflow: Workflow, members: set[str]) -> list[PollingChoice]:
    """The status-routing Choices of a loop, in document order (worked out once per loop: the three loop
    rules ask, some several times)."""
    known: dict[frozenset[str], list[PollingChoice]] = workflow.memo("loops.polling", dict)
    key = frozenset(members)
    if key not in known:
        known[key] = _polling_choices(workflow, members)
    return list(known[key])


def _polling_choices(workflow: Workflow, members: set[str]) -> list[PollingChoice]:
    out = []
    scope = workflow.scope_of(next(iter(members)))
    for name in scope.states:
        state = workflow.states.get(name)
        if name in members and state is not None and state.kind is StateKind.CHOICE:
            found = _polling(state, members)
            if found is not None and any(t.kind is not TransitionKind.CATCH for t in state.transitions):
                out.append(found)
    return out


@dataclass(frozen=True)
class FailureRoute:
    """A polling Choice that sends failure statuses back into its loop: what loops, and where it is said."""

    choice: PollingChoice
    statuses: tuple[str, ...]  # failure statuses named by the rules that stay in the loop
    through_default: bool  # unnamed statuses (failures among them) go back through Default or a Not rule
    pointer: str
    from_api: bool = False  # the statuses come from the API's status enum


def _styled(sample: str, words: tuple[str, ...]) -> tuple[str, ...]:
    if sample.isupper():
        return tuple(w.upper() for w in words)
    if sample.islower():
        return tuple(w.lower() for w in words)
    return tuple(w.capitalize() for w in words)


def failure_examples(choice: PollingChoice) -> tuple[str, ...]:
    """Failure statuses written the way the Choice writes its own (FAILED / failed / Failed)."""
    sample = next((s for s in choice.exits + choice.stays if s.strip()), "FAILED")
    return _styled(sample, ("FAILED", "STOPPED", "CANCELLED"))


def api_statuses(workflow: Workflow, choice: PollingChoice) -> frozenset[str] | None:
    """The values the polled status can take, from the AWS API's model (botocore), when known."""
    if choice.path is None or workflow.dialect.value != "asl":
        return None
    from wfverify.analysis.dataflow import status_values_at

    path = choice.path

    def compute() -> frozenset[str] | None:
        try:
            return status_values_at(workflow, choice.state, path)
        except (ImportError, LookupError, ValueError):
            return None  # no botocore, or a shape the models do not describe: fall back to the Choice's words

    return workflow.memo(f"loops.statuses.{choice.state}.{'.'.join(path)}", compute)


def terminal_failures(values: frozenset[str]) -> tuple[str, ...]:
    """The failure statuses of an API's enum that are final (STOPPED, not STOPPING)."""
    return tuple(sorted(v for v in values if is_failure_status(v) and not v.upper().endswith("ING")))


def failure_routes(workflow: Workflow, members: set[str]) -> list[FailureRoute]:
    """Polling Choices of a loop whose failure statuses loop forever.

    When the API's status enum is known, the terminal failure statuses that no
    exit rule names and that go back into the loop are named exactly. Else,
    from the Choice's words: a rule that names a failure status and stays in
    the loop, or exit rules that name no failure status at all while the
    other statuses go back through ``Default`` (or a ``Not`` rule). When an
    exit rule names some failure status, whether others exist depends on the
    API: not reported.
    """
    if any(mutates(workflow.states[n]) for n in members):
        return []  # the loop does work again (a retry of the job), not only a status read
    choices = polling_choices(workflow, members)
    handled = any(pc.handles_a_failure for pc in choices)
    leaving = {s for pc in choices for s in pc.exits}  # another Choice of the loop may send them out
    out = []
    for pc in choices:
        values = api_statuses(workflow, pc)
        if values is not None:
            looping = _looping(pc, values, leaving)
            if looping:
                out.append(FailureRoute(pc, looping, False, pc.stay_pointers.get(looping[0], pc.pointer), True))
            continue
        explicit = pc.failures_staying
        through_default = pc.others_stay and bool(pc.exits) and not handled
        if explicit or through_default:
            pointer = pc.stay_pointers.get(explicit[0], pc.pointer) if explicit else pc.pointer
            out.append(FailureRoute(pc, explicit, through_default, pointer))
    return out


def every_failure_leaves(workflow: Workflow, members: set[str]) -> str | None:
    """A polling Choice whose API enum shows every terminal failure status leaving the loop: its state name."""
    choices = polling_choices(workflow, members)
    leaving = {s for pc in choices for s in pc.exits}
    for pc in choices:
        values = api_statuses(workflow, pc)
        if values is not None and (pc.exits or not pc.others_stay) and not _looping(pc, values, leaving):
            return pc.state
    return None


def _looping(pc: PollingChoice, values: frozenset[str], leaving: set[str]) -> tuple[str, ...]:
    """The final failure statuses this Choice sends back that no Choice of the loop sends out."""
    return tuple(
        v
        for v in terminal_failures(values)
        if v not in leaving and (v in pc.stays or (pc.others_stay and v not in pc.exits))
    )
