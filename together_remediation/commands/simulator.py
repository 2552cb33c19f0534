"""``together-remediation simulator serve``: the embedded Together API simulator."""

from __future__ import annotations

import argparse

from together_simulator.cli import DESCRIPTION, add_serve_arguments
from together_simulator.cli import run_serve as serve_from_args


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("simulator", help="the offline simulator of Together's remediation API")
    actions = parser.add_subparsers(dest="simulator_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve the simulated API (base URL http://HOST:PORT/v1)",
        description=DESCRIPTION,
    )
    add_serve_arguments(serve)
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    # The same entry point as ``python -m together_simulator``.
    return serve_from_args(args, prog="together-remediation simulator serve")
