"""Third-party rule packs take the same road as ours: the ``wfverify.rules`` entry point group.

The test builds a tiny installed distribution by hand (a module plus a
``*.dist-info`` folder with ``entry_points.txt``, which is all importlib.metadata
reads) on a temporary ``PYTHONPATH``, then runs the CLI in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PLUGIN = '''"""Example pack: no wait states allowed."""
from wfverify.core.findings import Finding
from wfverify.core.rule import rule

PAGE = """Wait states are not allowed in this team's workflows.

## Why is this bad?
The team runs on an engine that bills idle time.

## Example
```yaml
workflow: w
start: pause
states:
  pause: {type: wait, duration: 5s, next: done}
  done: {type: succeed}
```

## Use instead
```yaml
workflow: w
start: done
states:
  done: {type: succeed}
```
"""


@rule(code="EX100", name="example-no-wait", severity="warning", groups=("example",), doc=PAGE)
def check(workflow, options):
    for state in workflow.iter_states():
        if state.kind.value == "wait":
            yield Finding(f"wait state '{state.name}' is not allowed here", state.pointer, state=state.name)
'''


def _install(site: Path, module: str, source: str, dist: str) -> None:
    (site / f"{module}.py").write_text(source)
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"  # wheel naming: underscores
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[wfverify.rules]\nexample = {module}\n")


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "wfverify", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_a_plugin_rule_is_listed_explained_and_run(tmp_path: Path) -> None:
    _install(tmp_path, "wfverify_example_plugin", PLUGIN, "wfverify-example-plugin")
    assert "example-no-wait" in _run(tmp_path, "rules", "--format", "text").stdout
    assert "bills idle time" in _run(tmp_path, "explain", "EX100").stdout
    flow = tmp_path / "w.wf.yaml"
    flow.write_text(
        "workflow: w\nstart: pause\nstates:\n  pause: {type: wait, duration: 5s, next: done}\n  done: {type: succeed}\n"
    )
    result = _run(tmp_path, "check", str(flow), "--format", "text")
    assert "4:3: warning example-no-wait [EX100] wait state 'pause' is not allowed here" in result.stdout
    assert result.returncode == 0
    assert _run(tmp_path, "check", str(flow), "--format", "text", "--select", "example").stdout.count("EX100") == 1


def test_a_pack_that_fails_to_load_is_a_loud_error_naming_its_distribution(tmp_path: Path) -> None:
    _install(
        tmp_path,
        "wfverify_broken_plugin",
        "raise ImportError('missing dependency frobnicate')\n",
        "wfverify-broken-plugin",
    )
    result = _run(tmp_path, "rules", "--format", "text")
    assert result.returncode == 2
    assert "wfverify-broken-plugin" in result.stderr and "frobnicate" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_rule_packs_are_found_as_importlib_metadata_finds_them(tmp_path: Path) -> None:
    """The start-up reads entry_points.txt itself; it must list what importlib.metadata lists."""
    _install(tmp_path, "wfverify_example_plugin", PLUGIN, "wfverify-example-plugin")
    (tmp_path / "other-1.0.dist-info").mkdir()
    (tmp_path / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nx = y\n")
    code = (
        "from importlib.metadata import entry_points\n"
        "from wfverify.core.registry import rule_packs\n"
        "theirs = sorted((e.value, e.dist.name) for e in entry_points(group='wfverify.rules'))\n"
        "print(rule_packs() == theirs, len(theirs))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.split() == ["True", "2"], out.stderr


def test_a_packs_modules_are_listed_as_pkgutil_lists_them(tmp_path: Path) -> None:
    import pkgutil

    import wfverify_rules

    from wfverify.core.registry import _submodules

    pack = tmp_path / "pack"
    (pack / "sub").mkdir(parents=True)
    (pack / "sub" / "__init__.py").write_text("")
    (pack / "nosub").mkdir()
    for name in ("__init__.py", "a.py", "b.pyc", "c.txt", "not-valid.py", "_private.py"):
        (pack / name).write_text("")
    for folders in ([str(pack)], list(wfverify_rules.__path__)):
        assert _submodules(folders) == sorted(i.name for i in pkgutil.iter_modules(folders))
