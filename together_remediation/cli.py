"""``together-remediation``: one console script for the simulator, the provider, reviews and the demo.

Each subcommand lives in its own module and is imported only when it runs, so that
``together-remediation provider ...`` (on Terraform's hot path) pays for nothing else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> module exposing ``register(subparsers)``; the module's parser sets ``func``.
COMMANDS = {
    "simulator": "together_remediation.commands.simulator",
    "provider": "together_remediation.commands.provider",
    "plan": "together_remediation.commands.plan",
    "docs": "together_remediation.commands.docs",
    "demo": "together_remediation.commands.demo",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="together-remediation",
        description="Together AI GPU-node remediations as code.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=f"(run 'together-remediation {name} --help')")
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Import only the module of the command being run: the provider launch must stay lean.
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only=first if first in COMMANDS else None)
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.parse_args([args.command, "--help"])
        return 2
    result = func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
