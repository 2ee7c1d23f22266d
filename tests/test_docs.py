"""Every link in the documents resolves, and nothing user-facing points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _relative_links(text: str) -> list[str]:
    links = [m.group(1) for m in LINK.finditer(text)]
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link) and not link.startswith("#")]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    missing = [
        link for link in _relative_links(text) if not (document.parent / link.split("#", 1)[0]).resolve().exists()
    ]
    assert missing == [], f"{document.name} links to files that do not exist"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_stay_inside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text and "example.invalid" not in text


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    assert _relative_links("see [the page](missing.md) and [web](https://example.org) and [here](#top)") == [
        "missing.md"
    ]
