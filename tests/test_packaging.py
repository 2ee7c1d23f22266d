"""`pip install .` (not editable) ships every package: a subpackage missing from pyproject.toml's list
works in an editable checkout and fails with ModuleNotFoundError for every user who installs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[set[str], dict[str, str]]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return set(setuptools["packages"]), dict(setuptools["package-dir"])


def test_every_package_in_the_tree_is_listed_in_pyproject() -> None:
    packages, package_dir = _declared()
    on_disk = set()
    for name, folder in package_dir.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            relative = init.parent.relative_to(ROOT / folder).parts
            on_disk.add(".".join((name, *relative)))
    assert sorted(on_disk - packages) == [], "add these to [tool.setuptools] packages in pyproject.toml"
    assert sorted(packages - on_disk) == []
