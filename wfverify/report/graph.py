"""``wfverify graph``: a workflow's states and transitions as Mermaid or Graphviz DOT text.

A renderer, not an analysis: it draws the loaded model and marks the states
that the engine's findings name (``unreachable-state`` findings grey and
dashed, any other finding red). Parallel branches and Map iterators are drawn
as nested boxes, entered from their owner by a dotted edge; retries are
self-loops; catchers, defaults and timeouts are dashed edges, labelled with
what they match. A reviewer can paste the Mermaid text into a pull request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.model import State, StateKind, Transition, TransitionKind, Workflow
from wfverify.core.records import dataclass

__all__ = ["Edge", "GraphView", "render_dot", "render_mermaid", "view"]


@dataclass(frozen=True)
class Edge:
    source: str  # node id
    target: str  # node id
    label: str
    style: str  # "solid", "dashed" (catch, default, timeout), "dotted" (retry, body entry)


@dataclass
class GraphView:
    """Ids, labels, classes and edges, shared by both text formats."""

    ids: dict[str, str]
    labels: dict[str, str]
    classes: dict[str, str]  # node id -> "finding" | "unreachable"
    missing: dict[str, str]  # node id of a target no state has -> its name
    edges: list[Edge]
    notes: dict[str, list[str]]  # node id -> finding lines


def _retry_label(state: State) -> Iterable[str]:
    for r in state.retry:
        errors = ", ".join(r.errors) or "*"
        yield f"retry {errors} x{r.max_attempts}"


def _transition_label(t: Transition) -> tuple[str, str]:
    if t.kind == TransitionKind.CHOICE:
        return f"rule {(t.index or 0) + 1}", "solid"
    if t.kind == TransitionKind.DEFAULT:
        return "default", "dashed"
    if t.kind == TransitionKind.CATCH:
        return "catch " + (", ".join(t.errors) or "*"), "dashed"
    if t.kind == TransitionKind.EVENT:
        return f"event {t.label or ''}".strip(), "solid"
    if t.kind == TransitionKind.TIMEOUT:
        return "timeout", "dashed"
    return "", "solid"


def _missing_node(missing: dict[str, str], name: str) -> str:
    """One node per target name that no state has (an ``unknown-target`` finding's place)."""
    for node, target in missing.items():
        if target == name:
            return node
    node = f"missing_{len(missing)}"
    missing[node] = name
    return node


def view(workflow: Workflow, findings: Iterable[Finding]) -> GraphView:
    ids = {name: f"s{i}" for i, name in enumerate(workflow.states)}
    labels = {ids[s.name]: f"{s.name}\n({s.kind.value})" for s in workflow.iter_states()}
    classes: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    for f in findings:
        node = ids.get(f.state or "")
        if node is None:
            continue
        note = f"{f.code} {f.rule}"
        if note not in notes.setdefault(node, []):  # two findings of one rule on a state: one line
            notes[node].append(note)
        if f.rule == "unreachable-state":
            classes[node] = "unreachable"
        else:
            classes.setdefault(node, "finding")
    missing: dict[str, str] = {}
    edges: list[Edge] = []
    for s in workflow.iter_states():
        for t in s.transitions:
            target = ids.get(t.target) or _missing_node(missing, t.target)
            label, style = _transition_label(t)
            edges.append(Edge(ids[s.name], target, label, style))
        edges.extend(Edge(ids[s.name], ids[s.name], label, "dotted") for label in _retry_label(s))
        for body in workflow.children(s.name):
            if body.start in ids:
                entry = "each item" if body.kind == "iterator" else "branch"
                edges.append(Edge(ids[s.name], ids[body.start], entry, "dotted"))
    return GraphView(ids, labels, classes, missing, edges, notes)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def _mermaid_node(v: GraphView, state: State) -> str:
    node = v.ids[state.name]
    label = v.labels[node] + "".join(f"\n⚠ {n}" for n in v.notes.get(node, []))
    text = f'"{_mermaid_text(label)}"'
    if state.kind == StateKind.CHOICE:
        return f"{node}{{{text}}}"
    if state.kind.terminal:
        return f"{node}([{text}])"
    if state.kind in (StateKind.PARALLEL, StateKind.MAP):
        return f"{node}[[{text}]]"
    return f"{node}[{text}]"


_MERMAID_ARROW = {"solid": "-->", "dashed": "-.->", "dotted": "-.->"}


def _mermaid_scope(workflow: Workflow, v: GraphView, scope_id: str, depth: int, out: list[str]) -> None:
    pad = "    " * depth
    for name in workflow.scopes[scope_id].states:
        state = workflow.states.get(name)
        if state is None or state.scope != scope_id:
            continue
        out.append(pad + _mermaid_node(v, state))
        for i, body in enumerate(workflow.children(name)):
            title = f"{name} iterator" if body.kind == "iterator" else f"{name} branch {i + 1}"
            out.append(f'{pad}subgraph {v.ids[name]}_body{i} ["{_mermaid_text(title)}"]')
            _mermaid_scope(workflow, v, body.id, depth + 1, out)
            out.append(f"{pad}end")


def render_mermaid(workflow: Workflow, findings: Iterable[Finding]) -> str:
    v = view(workflow, findings)
    out = ["flowchart TD", "    start_((start))"]
    _mermaid_scope(workflow, v, "", 1, out)
    out.extend(f'    {node}["{_mermaid_text("missing: " + name)}"]:::finding' for node, name in v.missing.items())
    if workflow.start in v.ids:
        out.append(f"    start_ --> {v.ids[workflow.start]}")
    for e in v.edges:
        label = f'|"{_mermaid_text(e.label)}"|' if e.label else ""
        out.append(f"    {e.source} {_MERMAID_ARROW[e.style]}{label} {e.target}")
    out.append("    classDef finding stroke:#d00,stroke-width:3px")
    out.append("    classDef unreachable fill:#eee,stroke:#888,stroke-dasharray:5 5,color:#666")
    out.extend(f"    class {node} {cls}" for node, cls in sorted(v.classes.items()))
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_SHAPE = {
    StateKind.CHOICE: "diamond",
    StateKind.SUCCEED: "doublecircle",
    StateKind.FAIL: "doubleoctagon",
    StateKind.PARALLEL: "box3d",
    StateKind.MAP: "box3d",
}
_DOT_CLASS = {"finding": 'color="#dd0000", penwidth=3', "unreachable": 'style="dashed,filled", fillcolor="#eeeeee"'}


def _dot_scope(workflow: Workflow, v: GraphView, scope_id: str, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    for name in workflow.scopes[scope_id].states:
        state = workflow.states.get(name)
        if state is None or state.scope != scope_id:
            continue
        node = v.ids[name]
        label = v.labels[node] + "".join(f"\n! {n}" for n in v.notes.get(node, []))
        attrs = [f"label={_dot_text(label)}", f"shape={_DOT_SHAPE.get(state.kind, 'box')}"]
        if node in v.classes:
            attrs.append(_DOT_CLASS[v.classes[node]])
        out.append(f"{pad}{node} [{', '.join(attrs)}];")
        for i, body in enumerate(workflow.children(name)):
            title = f"{name} iterator" if body.kind == "iterator" else f"{name} branch {i + 1}"
            out.append(f"{pad}subgraph cluster_{node}_{i} {{")
            out.append(f"{pad}  label={_dot_text(title)}; style=rounded;")
            _dot_scope(workflow, v, body.id, depth + 1, out)
            out.append(f"{pad}}}")


def render_dot(workflow: Workflow, findings: Iterable[Finding]) -> str:
    v = view(workflow, findings)
    out = [f"digraph {_dot_text(workflow.name or 'workflow')} {{", "  node [shape=box, style=rounded];"]
    out.append('  start_ [label="start", shape=circle];')
    _dot_scope(workflow, v, "", 1, out)
    out.extend(
        f"  {node} [label={_dot_text('missing: ' + name)}, {_DOT_CLASS['finding']}];"
        for node, name in v.missing.items()
    )
    if workflow.start in v.ids:
        out.append(f"  start_ -> {v.ids[workflow.start]};")
    for e in v.edges:
        attrs = [f"label={_dot_text(e.label)}"] if e.label else []
        if e.style != "solid":
            attrs.append(f"style={e.style}")
        out.append(f"  {e.source} -> {e.target}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"


def render(workflow: Any, findings: Iterable[Finding], fmt: str) -> str:
    return (render_dot if fmt == "dot" else render_mermaid)(workflow, list(findings))
