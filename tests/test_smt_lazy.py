"""z3 is loaded only when a file has a choice the solver-free procedure cannot decide."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    from wfverify.testing import check_text
    result = check_text(sys.argv[1], "x.wf.yaml")
    assert result.proofs, result
    print("z3" in sys.modules)
""")

NO_CHOICE = "workflow: w\nstart: a\nstates:\n  a: {type: pass, next: b}\n  b: {type: succeed}\n"
CHOICE = (
    "workflow: w\nstart: c\nstates:\n  c:\n    type: choice\n    choices: [{when: 'x > 1', next: b}]\n"
    "    default: b\n  b: {type: succeed}\n"
)
HARD_CHOICE = CHOICE.replace("x > 1", "x > y + 1")


def _z3_loaded(text: str) -> bool:
    out = subprocess.run([sys.executable, "-c", SCRIPT, text], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_no_choice_no_z3() -> None:
    assert _z3_loaded(NO_CHOICE) is False


def test_simple_choice_is_decided_without_z3() -> None:
    assert _z3_loaded(CHOICE) is False


def test_arithmetic_choice_loads_z3() -> None:
    assert _z3_loaded(HARD_CHOICE) is True
