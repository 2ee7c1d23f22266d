"""Which files a check reads: paths on the command line expanded to workflow files.

I/O at the edge: this module walks folders; the loaders never see a path they
were not handed from here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["UsageError", "WORKFLOW_SUFFIXES", "discover"]

WORKFLOW_SUFFIXES = (
    ".asl.json",
    ".asl.yaml",
    ".asl.yml",
    ".wf.json",
    ".wf.yaml",
    ".wf.yml",
    ".sw.json",
    ".sw.yaml",
    ".sw.yml",
)


SIDECAR_NAME = ".wfverify.yaml"


class UsageError(Exception):
    """The tool cannot do its job (no such path, bad option): exit code 2."""


_TEMPLATE_NAMES = (".yaml", ".yml", ".json", ".template", ".tf")


def _is_template(path: str) -> bool:
    """A template that declares a state machine (SAM, CloudFormation, CDK, Terraform, Serverless), by content."""
    if not path.lower().endswith(_TEMPLATE_NAMES) or path.lower().endswith(SIDECAR_NAME):
        return False
    from wfverify.load.templates import HEAD_BYTES, looks_like_template

    try:
        with open(path, "rb") as fh:
            return looks_like_template(path, fh.read(HEAD_BYTES)) is not None
    except OSError:
        return False


def discover(paths: Iterable[str]) -> Iterator[tuple[str, Path | None]]:
    """(display path, filesystem path) for every file to check; ``-`` is standard input.

    A directory is searched (symlinked folders are not followed, so link loops
    cannot hang the walk) for the conventional workflow suffixes; a file named
    explicitly is read whatever its name.
    """
    for given in paths:
        if given == "-":
            yield "-", None
            continue
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"{given}: no such file or directory")
        if p.is_dir() and not p.name.lower().endswith(WORKFLOW_SUFFIXES):
            found = []
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                # a folder named like a workflow is reported (as unreadable), not silently walked
                named = [d for d in dirs if d.lower().endswith(WORKFLOW_SUFFIXES)]
                dirs[:] = [d for d in dirs if d not in named]
                for name in files + named:
                    if name.lower().endswith(WORKFLOW_SUFFIXES) or _is_template(os.path.join(root, name)):
                        found.append(os.path.join(root, name))
            for f in sorted(found):
                yield f, Path(f)
        else:
            yield given, p
