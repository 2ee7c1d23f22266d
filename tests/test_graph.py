"""`wfverify graph`: Mermaid and DOT text with every kind of edge, nested scopes and findings marked."""

from __future__ import annotations

import re

import pydot

from tests.test_cli import BROKEN, CORPUS, run
from wfverify.report.graph import render_dot, render_mermaid
from wfverify.testing import check_text, load_text

FLOW = """\
workflow: g
start: route
states:
  route:
    type: choice
    choices: [{when: "x > 1", next: work}]
    default: fan
  work:
    type: task
    action: a.b
    idempotent: true
    retry: [{errors: [Timeout], max_attempts: 2}]
    catch: [{errors: ["*"], next: failed}]
    next: wait_for
  wait_for:
    type: event
    on: [{event: Go, next: fan}]
    timeout: 1h
    on_timeout: failed
  fan:
    type: parallel
    branches:
      - start: left
        states:
          left: {type: pass, end: true}
    next: each
  each:
    type: map
    items: "xs"
    iterator:
      start: one
      states:
        one: {type: pass, end: true}
    next: done
  orphan: {type: pass, next: done}
  done: {type: succeed}
  failed: {type: fail, error: Boom}
"""


def _graph(fmt: str) -> str:
    loaded = load_text(FLOW, "g.wf.yaml")
    findings = check_text(FLOW, "g.wf.yaml").findings
    assert loaded.workflow is not None
    return (render_dot if fmt == "dot" else render_mermaid)(loaded.workflow, findings)


def test_mermaid_has_every_edge_kind_scope_and_mark() -> None:
    text = _graph("mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert 's0{"route<br/>(choice)"}' in lines[2]
    for edge in (
        's0 -->|"rule 1"| s1',
        's0 -.->|"default"| s3',
        's1 -.->|"catch *"| s7',
        's1 -.->|"retry Timeout x2"| s1',
        's2 -->|"event Go"| s3',
        's2 -.->|"timeout"| s7',
        's3 -.->|"branch"| s8',
        's4 -.->|"each item"| s9',
        "start_ --> s0",
    ):
        assert f"    {edge}" in lines, edge
    assert '    subgraph s3_body0 ["fan branch 1"]' in lines and '    subgraph s4_body0 ["each iterator"]' in lines
    assert lines[lines.index('    subgraph s3_body0 ["fan branch 1"]') + 1 :][:2] == [
        '        s8["left<br/>(pass)"]',
        "    end",
    ]
    assert '    s5["orphan<br/>(pass)<br/>⚠ WF201 unreachable-state"]' in lines
    assert lines[-2:] == ["    class s1 finding", "    class s5 unreachable"]


def test_dot_parses_and_keeps_the_marks() -> None:
    text = _graph("dot")
    (graph,) = pydot.graph_from_dot_data(text)
    names = {n.get_name() for n in graph.get_nodes()}
    assert {"s0", "s1", "s5", "start_"} <= names
    assert len(graph.get_edges()) == 13
    subgraphs = [s.get_name() for s in graph.get_subgraphs()]
    assert subgraphs == ["cluster_s3_0", "cluster_s4_0"]
    orphan = graph.get_node("s5")[0]
    assert "dashed" in orphan.get("style") and "WF201 unreachable-state" in orphan.get("label")
    catch = [e for e in graph.get_edges() if e.get_source() == "s1" and e.get_destination() == "s7"]
    assert catch and catch[0].get("style") == "dashed" and catch[0].get("label") == '"catch *"'


def test_graph_command_marks_unknown_targets_and_writes_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = run("graph", str(BROKEN))
    assert out.returncode == 0
    assert '    missing_0["missing: create_acount"]:::finding' in out.stdout
    assert re.search(r"    s0 --> missing_0\n", out.stdout)
    target = tmp_path / "g.dot"
    dot = run("graph", str(CORPUS / "asl" / "order-processing.asl.json"), "--format", "dot", "-o", str(target))
    assert dot.returncode == 0 and dot.stdout == ""
    assert pydot.graph_from_dot_data(target.read_text())
    bad = run("graph", str(tmp_path / "nope.json"))
    assert bad.returncode == 2 and bad.stderr.startswith("wfverify: error: ")


def test_graph_marks_follow_the_configuration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    flow = tmp_path / "g.wf.yaml"
    flow.write_text(FLOW)
    assert "    class s5 unreachable" in run("graph", str(flow)).stdout
    (tmp_path / ".wfverify.toml").write_text('ignore = ["unreachable-state"]\n')
    quiet = run("graph", str(flow)).stdout
    assert "unreachable" not in quiet.replace("classDef unreachable", "")


def test_a_rule_firing_twice_on_a_state_is_one_line_of_its_label() -> None:
    text = run("graph", str(CORPUS / "choices" / "loyalty-discount.wf.yaml"), "--format", "dot").stdout
    (line,) = [x for x in text.splitlines() if x.startswith("  s0 [")]
    assert line.count("WF302 unreachable-choice-rule") == 1
    mermaid = run("graph", str(CORPUS / "choices" / "loyalty-discount.wf.yaml")).stdout
    assert mermaid.count("⚠ WF302 unreachable-choice-rule") == 1
