"""What is known about the data when a state is entered (a must-analysis): present paths, guards, AWS shapes.

Choice analyses must not say that ``$.status.status`` "may be absent" when
the task just before wrote it through ``ResultSelector`` and ``ResultPath``,
nor when an earlier Choice only lets the execution through once
``IsPresent`` held. Three kinds of facts flow along transitions and are
intersected where paths meet (only what holds on every way in counts),
iterated to a fixpoint per scope:

* ``present``: paths certainly there: written by ``ResultPath``,
  ``ResultSelector``, ``Parameters``, Pass ``Result``, ``Assign`` (variables as
  ``("$name",)``), catchers; or read by an earlier Choice rule on the way
  (in JSONPath a rule that reads an absent ``Variable`` fails the execution,
  so a rule that was evaluated proves its variable present), or implied by the
  rule taken (path-sensitive: ``IsPresent: true`` holds on its own branch only);
* ``guarded``: objects checked with ``IsPresent``: their fields are the
  author's contract and count as present;
* ``typed``: the data at a path *is* an AWS API response (the raw result of a
  request-response integration, placed by ``ResultPath``, moved by
  ``OutputPath``), so :mod:`wfverify.analysis.aws` knows which fields it always,
  maybe, or never has.

Parallel branches start from the owner's input (after ``InputPath``) or from
the keys of its ``Parameters``; a Map iteration from the keys of its
``ItemSelector`` (an item alone is unknown). Variables flow into both.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from wfverify.analysis.graph import forward_facts
from wfverify.core.expr import And, Cmp, Exists, IsType, Matches, Not, Opaque, Or, Var, variables
from wfverify.core.model import Scope, State, StateKind, TransitionKind, Workflow

__all__ = ["Facts", "facts_at", "input_facts", "input_root", "response_at", "status_values_at"]

Path = tuple[str, ...]


class Facts(NamedTuple):
    """What holds of a state's input on every way in (see the module docstring)."""

    present: frozenset[Path] = frozenset()
    guarded: frozenset[Path] = frozenset()
    typed: frozenset[tuple[Path, Any]] = frozenset()  # (path, aws ShapeRef)
    #: Choice conditions known to hold (the rule taken, the earlier rules not taken), while their data is unchanged.
    assumed: frozenset[Any] = frozenset()

    def meet(self, other: Facts) -> Facts:
        return Facts(
            self.present & other.present,
            self.guarded & other.guarded,
            self.typed & other.typed,
            self.assumed & other.assumed,
        )

    def add(self, present: frozenset[Path] = frozenset(), guarded: frozenset[Path] = frozenset()) -> Facts:
        return Facts(self.present | present, self.guarded | guarded, self.typed, self.assumed)

    def variables_only(self) -> Facts:
        return Facts(_vars(self.present), _vars(self.guarded))

    def shape_at(self, path: Path) -> tuple[Path, Any] | None:
        """The typed fact whose path is the longest prefix of ``path`` (``(prefix, ShapeRef)``)."""
        best = None
        for prefix, ref in self.typed:
            if path[: len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = (prefix, ref)
        return best

    def guards(self, path: Path) -> bool:
        """True when ``path`` is written, checked, or lies in an object checked with IsPresent."""
        return path in self.present or any(path[: len(g)] == g for g in self.guarded if g)


def _vars(paths: frozenset[Path]) -> frozenset[Path]:
    return frozenset(p for p in paths if p and p[0].startswith("$")) if paths else paths


def _under(path: Path, root: Path) -> bool:
    return path[: len(root)] == root


def _reroot(facts: Facts, root: Path) -> Facts:
    """The facts of the subtree at ``root`` (InputPath/OutputPath), variables kept."""
    from wfverify.analysis.aws.shapes import ref_at

    n = len(root)
    present = frozenset(p[n:] for p in facts.present if _under(p, root) and len(p) > n) | _vars(facts.present)
    guarded = frozenset(p[n:] for p in facts.guarded if _under(p, root) and len(p) > n) | _vars(facts.guarded)
    if any(_under(root, g) for g in facts.guarded if g):
        guarded |= {()}
    typed = set()
    for p, ref in facts.typed:
        if _under(p, root):
            typed.add((p[n:], ref))
        elif _under(root, p):
            moved = ref_at(ref, root[len(p) :])
            if moved is not None:
                typed.add(((), moved))
    return Facts(present, guarded, frozenset(typed))


def _evaluated(node: Any) -> frozenset[Path]:
    """Variables a rule certainly read without failing, given that its evaluation did not fail."""
    if isinstance(node, (Cmp,)):
        return frozenset({node.left.path}) if isinstance(node.left, Var) and node.left.absent_fails else frozenset()
    if isinstance(node, (IsType, Matches)):
        return frozenset({node.var.path}) if node.var.absent_fails else frozenset()
    if isinstance(node, Not):
        return _evaluated(node.item)
    if isinstance(node, (And, Or)) and node.items:
        return _evaluated(node.items[0])
    return frozenset()


def _when_true(node: Any) -> tuple[frozenset[Path], frozenset[Path]]:
    """(present, guarded) implied by a rule being true."""
    if isinstance(node, Exists):
        return frozenset({node.var.path}), frozenset({node.var.path})
    if isinstance(node, (Cmp, IsType, Matches)):
        return frozenset(variables(node)), frozenset()
    if isinstance(node, Not):
        return (frozenset(), frozenset()) if isinstance(node.item, Exists) else (_evaluated(node.item), frozenset())
    if isinstance(node, And):
        parts = [_when_true(i) for i in node.items]
        return frozenset().union(*(p for p, _ in parts)), frozenset().union(*(g for _, g in parts))
    if isinstance(node, Or) and node.items:
        parts = [_when_true(i) for i in node.items]
        return frozenset.intersection(*(p for p, _ in parts)), frozenset.intersection(*(g for _, g in parts))
    return frozenset(), frozenset()


def _modelled(node: Any, read: frozenset[Path]) -> bool:
    """A condition made only of comparisons and tests on plain ``$.`` paths (no JSONata, no ``$$``);
    ``read``: its variables."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None or isinstance(n, Opaque):
            return False
        if isinstance(n, (And, Or)):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
    return all(p and not p[0].startswith("$") for p in read)


def input_root(state: State) -> Path | None:
    """The keys of a state's simple ``InputPath`` (``()`` for ``$`` or none), ``None`` when not simple."""
    for p in state.paths:
        if p.pointer == f"{state.pointer}/InputPath":
            return simple_keys(p.text)
    return ()


_NOT_IN_INDEX = frozenset("*?:,@()")
_NOT_IN_NAME = frozenset("*?()[] '\"@")


def simple_keys(text: str) -> Path | None:
    """``$.a.b[0]`` -> ("a", "b", "0"); ``None`` for ``$$``, variables, filters, wildcards, slices."""
    if text == "$":
        return ()
    if not text.startswith("$.") and not text.startswith("$["):
        return None
    keys: list[str] = []
    for piece in text[1:].replace("[", ".[").split("."):
        if not piece:
            continue
        if piece.startswith("["):
            inner = piece[1:-1].strip("'\"") if piece.endswith("]") else ""
            if not inner or not _NOT_IN_INDEX.isdisjoint(inner):
                return None
            keys.append(inner)
        elif not _NOT_IN_NAME.isdisjoint(piece):
            return None
        else:
            keys.append(piece)
    return tuple(keys)


def _body_entry(owner: State, facts: Facts) -> Facts:
    if owner.body_input is not None:
        return Facts(frozenset((k,) for k in owner.body_input) | _vars(facts.present), _vars(facts.guarded))
    root = input_root(owner)
    return _reroot(facts, root) if root is not None else facts.variables_only()


def input_facts(workflow: Workflow, state: State) -> Facts | None:
    """Facts of a state's effective input (after its ``InputPath``); ``None`` when not reached or not simple.

    Kept per state: the rules ask once per field a state reads."""
    known: dict[str, Facts | None] = workflow.memo("dataflow.input_facts", dict)
    if state.name not in known:
        facts = facts_at(workflow).get(state.name)
        root = input_root(state)
        if facts is None or root is None:
            known[state.name] = None
        else:
            known[state.name] = _reroot(facts, root) if root else facts
    return known[state.name]


def response_at(workflow: Workflow, action: str | None) -> Any:
    """:func:`wfverify.analysis.aws.response_of`, asked once per Task resource of the workflow."""
    known: dict[str | None, Any] = workflow.memo("dataflow.responses", dict)
    if action not in known:
        from wfverify.analysis.aws import response_of

        known[action] = response_of(action)
    return known[action]


def facts_at(workflow: Workflow) -> dict[str, Facts]:
    """state name -> facts on entry (memoized per workflow)."""
    return workflow.memo("dataflow.facts", lambda: _compute(workflow))


def _compute(workflow: Workflow) -> dict[str, Facts]:
    flow = _Flow(workflow)

    def start(scope: Scope, facts: dict[str, Facts]) -> Facts | None:
        if not scope.owner:
            return Facts()
        owner = workflow.states.get(scope.owner)
        if owner is None:
            return Facts()
        return _body_entry(owner, facts[owner.name]) if owner.name in facts else None

    return forward_facts(workflow, start, flow.out_edges, Facts.meet)


class _Flow:
    """The transfer functions of one workflow, with what depends only on a state computed once.

    A Choice's ways out (what each rule taken or the Default adds) are worked out on the first visit
    (a Task's response shape once per resource: :func:`response_at`), and each condition assumed on a
    way out keeps its variables, so revisits in the fixpoint and the writes that follow do not walk the
    rules again.
    """

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.exits: dict[str, dict[int | None, tuple[frozenset[Path], frozenset[Path], frozenset[Any]]]] = {}
        self.reads: dict[int, frozenset[Path]] = {}  # id(assumed condition) -> its variables

    def out_edges(self, state: State, here: Facts) -> list[tuple[str, Facts]]:
        out = []
        for t in state.transitions:
            if t.kind is TransitionKind.CATCH:
                c = next((c for c in state.catch if c.pointer == t.pointer.rsplit("/", 1)[0]), None)
                out.append((t.target, self.write(here, c.keeps_input, c.writes) if c else here.variables_only()))
            elif t.kind in (TransitionKind.CHOICE, TransitionKind.DEFAULT) and state.kind is StateKind.CHOICE:
                edge = self.choice_edge(state, here, t.index if t.kind is TransitionKind.CHOICE else None)
                out.append((t.target, self.after(state, edge)))
            else:
                out.append((t.target, self.after(state, here)))
        return out

    def after(self, state: State, facts: Facts) -> Facts:
        """Facts on the normal way out of a completed state."""
        out = self.write(facts, state.keeps_input, state.writes)
        if state.result_at is not None:
            ref = response_at(self.workflow, state.action)
            if ref is not None:
                out = Facts(out.present, out.guarded, out.typed | {(state.result_at, ref)}, out.assumed)
        return _reroot(out, state.output_root) if state.output_root is not None else out

    def write(self, facts: Facts, keeps: bool, writes: tuple[Path, ...]) -> Facts:
        """Input facts that survive a state's writes, plus what it writes.

        A fact survives unless a write replaces it: a present path strictly below a write, a guard at or
        below one, a typed path or an assumed condition's variable on a line with one (either is a prefix
        of the other). A set that nothing touches is kept as it is, not copied: most writes touch nothing,
        and the fixpoint then compares the same objects.
        """
        base = facts if keeps else facts.variables_only()
        if not writes:
            return base
        present = _less(base.present, [p for p in base.present if _below(p, writes, strictly=True)])
        guarded = _less(base.guarded, [g for g in base.guarded if _below(g, writes, strictly=False)])
        typed = _less(base.typed, [t for t in base.typed if _on_a_line(t[0], writes)])
        assumed = _less(base.assumed, [a for a in base.assumed if self._touched(a, writes)])
        return Facts(present.union(writes), guarded, typed, assumed)

    def _touched(self, condition: Any, writes: tuple[Path, ...]) -> bool:
        read = self.reads.get(id(condition))
        if read is None:
            read = frozenset(variables(condition))
        return any(_on_a_line(v, writes) for v in read)

    def choice_edge(self, state: State, facts: Facts, index: int | None) -> Facts:
        """Facts on a Choice's way out: rule ``index`` taken, or the Default (``None``)."""
        exits = self.exits.get(state.name)
        if exits is None:
            exits = self.exits[state.name] = self._choice_exits(state)
        present, guarded, held = exits[index]
        return Facts(facts.present | present, facts.guarded | guarded, facts.typed, facts.assumed | held)

    def _choice_exits(self, state: State) -> dict[int | None, tuple[frozenset[Path], frozenset[Path], frozenset[Any]]]:
        """Per rule taken (and ``None``: the Default): the paths it proves present, the objects it guards,
        and the conditions that then hold (the rule, and the earlier rules' negations), modelled ones only.

        Every earlier rule was evaluated without failing, so the variables it certainly read are there."""
        exits: dict[int | None, tuple[frozenset[Path], frozenset[Path], frozenset[Any]]] = {}
        read: frozenset[Path] = frozenset()
        negated: frozenset[Any] = frozenset()
        for i, rule in enumerate(state.choices):
            condition = rule.condition
            present, guarded = _when_true(condition)
            variables_read = frozenset(variables(condition)) if condition is not None else frozenset()
            modelled = _modelled(condition, variables_read)
            exits[i] = (read | present, guarded, negated | {condition} if modelled else negated)
            read = read | _evaluated(condition)
            if modelled:
                negation = Not(condition)
                self.reads[id(negation)] = self.reads[id(condition)] = variables_read
                negated = negated | {negation}
        exits[None] = (read, frozenset(), negated)
        return exits


def _less(items: frozenset[Any], dropped: list[Any]) -> frozenset[Any]:
    return items.difference(dropped) if dropped else items


def _below(path: Path, writes: tuple[Path, ...], strictly: bool) -> bool:
    """``path`` lies below one of ``writes`` (or is one, unless ``strictly``)."""
    for w in writes:
        if path[: len(w)] == w and (len(path) > len(w) or not strictly):
            return True
    return False


def _on_a_line(path: Path, writes: tuple[Path, ...]) -> bool:
    """``path`` is one of ``writes``, or below or above one."""
    for w in writes:
        n = min(len(path), len(w))
        if path[:n] == w[:n]:
            return True
    return False


def status_values_at(workflow: Workflow, state: str, path: Path) -> frozenset[str] | None:
    """The values an enum field read at ``state`` (a Choice ``Variable``'s keys) can take, from the AWS shape.

    ``None`` when the data there is not known to be an AWS response or the field is no enum.
    For a polling loop: which statuses of ``getJobRun``... the Choice must route out.
    """
    facts = input_facts(workflow, workflow.states[state]) if state in workflow.states else None
    found = facts.shape_at(path) if facts is not None else None
    if found is None:
        return None
    from wfverify.analysis.aws import enum_at

    return enum_at(found[1], path[len(found[0]) :])
