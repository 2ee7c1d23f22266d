"""State machines where they live: SAM, CloudFormation, CDK synth output, Terraform, Serverless.

:func:`looks_like_template` decides from a file's name and the first bytes of
its content (no parsing), so a folder walk skips unrelated YAML and JSON
cheaply. :func:`extract` reads a template with its kind's real parser (cfn-lint's
decoder, python-hcl2), imported only when such a file is met, and returns every
state machine it declares with a document whose positions are in the file the
user edits (see docs/templates.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from wfverify.load.templates.model import Context, Embedded, TemplateResult

__all__ = ["Context", "Embedded", "TemplateResult", "looks_like_template", "sniff", "extract", "HEAD_BYTES"]

#: How much of a file the sniffer reads: a CloudFormation template is at most 1 MB.
HEAD_BYTES = 1024 * 1024
_CFN_MARKERS = (b"AWS::StepFunctions::StateMachine", b"AWS::Serverless::StateMachine")
_CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")


def looks_like_template(path: str, head: bytes) -> str | None:
    """The template kind a file is (``cloudformation``, ``terraform``, ``serverless``), or None."""
    name = os.path.basename(path).lower()
    if name.endswith(".tf"):
        wanted = b"aws_sfn_state_machine" in head or b"terraform-aws-modules/step-functions/aws" in head
        return "terraform" if wanted else None
    if name in _SERVERLESS_NAMES:
        if b"stepFunctions" in head or any(m in head for m in _CFN_MARKERS):
            return "serverless"
        return None
    if name.endswith(_CFN_SUFFIXES) and any(m in head for m in _CFN_MARKERS):
        return "cloudformation"
    return None


def sniff(path: Path, head: bytes) -> bool:
    """For the folder walk: ``head`` is the file's first bytes; a larger file is read up to
    :data:`HEAD_BYTES` when its name may be a template but the head has no marker."""
    if looks_like_template(str(path), head):
        return True
    name = path.name.lower()
    if not name.endswith((*_CFN_SUFFIXES, ".tf")) or len(head) >= HEAD_BYTES:
        return False
    try:
        if path.stat().st_size <= len(head):
            return False
        with open(path, "rb") as fh:
            return looks_like_template(str(path), fh.read(HEAD_BYTES)) is not None
    except OSError:
        return False


def extract(kind: str, text: str, display: str, path: Path | None, root: Path | None, max_bytes: int) -> TemplateResult:
    """Every state machine of one template (never raises for bad content)."""
    ctx = Context(display, path, root, text, max_bytes)
    if kind == "terraform":
        from wfverify.load.templates import terraform

        return terraform.extract(ctx)
    if kind == "serverless":
        from wfverify.load.templates import serverless

        return serverless.extract(ctx)
    from wfverify.load.templates import cloudformation

    return cloudformation.extract(ctx)
