"""``together-remediation demo``: the project's main job, end to end against the embedded simulator."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="run the end-to-end demo against the embedded simulator",
        description="Start the seeded simulator, install the provider, synthesize, plan and apply the "
        "quickstart, print what happened to each node and the review of a pending plan.",
    )
    parser.add_argument("--workdir", help="keep the demo's files (state, plans, provider) in this directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from together_remediation.demo import run_demo

    return run_demo(workdir=args.workdir)
