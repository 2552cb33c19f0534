"""Every generated page, and writing or checking them against the tree.

The generated files are ``docs/index.md``, ``docs/resources/*.md``, ``docs/data-sources/*.md``
and ``docs/cdk.md``. Pages under ``docs/resources`` and ``docs/data-sources`` that the schema no
longer has are stale: ``write`` removes them, ``check`` reports them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from together_remediation.docs_gen.terraform_pages import Problems

GENERATED_FOLDERS = ("resources", "data-sources")


class DocsError(RuntimeError):
    """The docs cannot be generated: the message lists what is missing."""


@dataclass
class Generated:
    pages: dict[str, str]  # path relative to docs/ -> text
    warnings: list[str] = field(default_factory=list)


def build_pages(root: Path, live_schema: dict[str, Any] | None = None) -> Generated:
    """Render every page for the checkout at ``root`` (``live_schema``: reuse one already read)."""
    from together_remediation.docs_gen.cdk_page import cdk_page
    from together_remediation.docs_gen.declared import declared_behaviours
    from together_remediation.docs_gen.live_schema import read_live_schema
    from together_remediation.docs_gen.terraform_pages import provider_pages

    problems = Problems()
    live = live_schema if live_schema is not None else read_live_schema()
    pages = provider_pages(live, declared_behaviours(), root / "examples", problems)
    pages["cdk.md"] = cdk_page(problems)
    if problems.errors:
        raise DocsError("the docs are incomplete:\n" + "\n".join(f"  - {e}" for e in problems.errors))
    return Generated(pages, problems.warnings)


def stale_pages(docs: Path, pages: dict[str, str]) -> list[str]:
    """Committed pages of the generated folders that the schema no longer produces."""
    stale = []
    for folder in GENERATED_FOLDERS:
        for path in sorted((docs / folder).glob("*.md")):
            relative = f"{folder}/{path.name}"
            if relative not in pages:
                stale.append(relative)
    return stale


def write_pages(docs: Path, pages: dict[str, str]) -> list[str]:
    """Write every page that changed and remove stale ones; the paths touched, relative to docs/."""
    touched = []
    for relative, text in sorted(pages.items()):
        path = docs / relative
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            touched.append(relative)
    for relative in stale_pages(docs, pages):
        (docs / relative).unlink()
        touched.append(relative)
    return touched


def check_pages(docs: Path, pages: dict[str, str]) -> list[str]:
    """A unified diff per page that differs from what the generator writes (empty: current)."""
    differences = []
    for relative, text in sorted(pages.items()):
        path = docs / relative
        committed = path.read_text() if path.exists() else ""
        if committed != text:
            diff = difflib.unified_diff(
                committed.splitlines(keepends=True), text.splitlines(keepends=True), f"docs/{relative} (committed)", f"docs/{relative} (generated)"
            )
            differences.append("".join(diff))
    for relative in stale_pages(docs, pages):
        differences.append(f"docs/{relative}: stale, the schema has no such type any more\n")
    return differences
