"""Fuzzing the loader and the CLI: any input gives findings or a clean exit, never a crash or a hang.

Deterministic in CI (the ``ci`` Hypothesis profile); ``WFVERIFY_FUZZ=heavy`` runs many more examples.
The in-process tests exercise the whole pipeline (decode, parse, detect, schema, model, every rule);
the CLI test runs the real command in a subprocess on a few generated files per example.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfverify.engine import Selection, run_rules
from wfverify.load import load_bytes
from wfverify.testing import registry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(
    p
    for p in (ROOT / "corpus").rglob("*")
    if p.suffix in (".json", ".yaml") and not p.name.endswith((".expected.json", ".wfverify.yaml"))
)
NAMES = st.sampled_from(["x.asl.json", "x.wf.yaml", "x.wf.json", "x.asl.yaml", "-"])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "StartAt",
                    "States",
                    "Type",
                    "Next",
                    "End",
                    "workflow",
                    "start",
                    "states",
                    "type",
                    "next",
                    "end",
                    "Choices",
                    "Branches",
                    "Retry",
                    "Catch",
                    "ErrorEquals",
                    "choices",
                    "catch",
                    "retry",
                    "Resource",
                    "ResultPath",
                    "Parameters",
                    "acquire",
                    "release",
                    "compensate",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)


def run_all(raw: bytes, name: str) -> None:
    loaded = load_bytes(raw, name)
    result = run_rules(name, loaded, registry(), Selection())
    for f in result.findings:
        assert f.rule and f.message
        assert f.rule != "internal-error", f.message
        assert f.line is None or f.line >= 1
    json.dumps([f.to_json() for f in result.findings], default=str)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), NAMES)
def test_random_bytes(raw: bytes, name: str) -> None:
    run_all(raw, name)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_values, NAMES, st.booleans())
def test_random_values_as_json_or_yaml(value: object, name: str, as_yaml: bool) -> None:
    text = yaml.safe_dump(value) if as_yaml else json.dumps(value)
    run_all(text.encode(), name)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.data())
def test_mutated_corpus_files(path: Path, data: st.DataObject) -> None:
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 40))]
        elif op == "dup":
            raw[at:at] = raw[at : at + data.draw(st.integers(1, 60))]
        else:
            raw[at:at] = data.draw(
                st.sampled_from(
                    [
                        b"{",
                        b"}",
                        b"[",
                        b"]",
                        b",",
                        b":",
                        b"\n  ",
                        b'"',
                        b"- ",
                        b"&a ",
                        b"*a",
                        b"!!python/object ",
                        b"\x00",
                        b"\xff",
                    ]
                )
            )
    run_all(bytes(raw), path.name)


@settings(
    max_examples=15 if os.environ.get("WFVERIFY_FUZZ") != "heavy" else 200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.tuples(st.sampled_from(["a.asl.json", "b.wf.yaml", "c.wf.json"]), json_values), min_size=1, max_size=3),
    st.sampled_from(["json", "text", "sarif", "github"]),
)
def test_cli_exit_codes_and_output(tmp_path_factory, files: list, fmt: str) -> None:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (name, value) in enumerate(files):
        (folder / f"{i}{name}").write_text(json.dumps(value) if name.endswith("json") else yaml.safe_dump(value))
    result = subprocess.run(
        [sys.executable, "-m", "wfverify", "check", str(folder), "--format", fmt],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)
