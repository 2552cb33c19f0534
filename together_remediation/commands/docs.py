"""``together-remediation docs generate [--check]``: the docs generated from the code.

Writes ``docs/index.md``, ``docs/resources/*.md``, ``docs/data-sources/*.md`` (from the provider
schema Terraform reads, and ``examples/``) and ``docs/cdk.md`` (from ``together_cdk``).
``--check`` writes nothing and exits 1 with a diff when the committed docs differ.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("docs", help="generate the provider and CDK docs from the code")
    actions = parser.add_subparsers(dest="docs_command", metavar="ACTION", required=True)
    generate = actions.add_parser(
        "generate",
        help="write docs/ from the provider schema, examples/ and together_cdk",
        description="Generate docs/index.md, docs/resources, docs/data-sources and docs/cdk.md.",
    )
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff if docs/ is not current")
    generate.add_argument("--root", type=Path, default=REPO_ROOT, help="the checkout (examples/ is read, docs/ written; default: this one)")
    generate.set_defaults(func=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    from together_remediation.docs_gen.generate import DocsError, build_pages, check_pages, write_pages
    from together_remediation.docs_gen.live_schema import SchemaError

    # together_cdk starts jsii's Node runtime; its end-of-life notice is noise in this output.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    root = args.root.resolve()
    try:
        generated = build_pages(root)
    except (DocsError, SchemaError) as exc:
        print(f"together-remediation docs generate: {exc}", file=sys.stderr)
        return 2
    for warning in generated.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    docs = root / "docs"
    if args.check:
        differences = check_pages(docs, generated.pages)
        if differences:
            sys.stdout.writelines(differences)
            print(f"{len(differences)} page(s) differ from the code: run `together-remediation docs generate`", file=sys.stderr)
            return 1
        print(f"docs are current ({len(generated.pages)} pages)")
        return 0
    touched = write_pages(docs, generated.pages)
    for relative in touched:
        print(f"wrote docs/{relative}" if (docs / relative).exists() else f"removed docs/{relative}")
    print(f"{len(generated.pages)} pages, {len(touched)} changed")
    return 0
