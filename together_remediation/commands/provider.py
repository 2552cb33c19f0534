"""``together-remediation provider``: install the Terraform provider, or run it as a plugin.

``provider install [--dir DIR]`` writes the filesystem mirror and CLI config and prints the
``export TF_CLI_CONFIG_FILE=...`` line. ``provider serve`` is the plugin itself (what the
installed launcher runs as ``python -m provider_shim``); Terraform starts it, not users.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("provider", help="install the Terraform provider (no registry needed)")
    commands = parser.add_subparsers(dest="provider_command", metavar="ACTION", required=True)

    install = commands.add_parser(
        "install",
        help="write an offline filesystem mirror and a Terraform CLI config that uses it",
        description="Install the together-remediation/together provider for Terraform without a registry.",
    )
    install.add_argument("--dir", type=Path, default=None, help="install directory (default: ~/.local/share/together-remediation/terraform)")
    install.add_argument("--quiet", action="store_true", help="print only the export line")
    install.set_defaults(func=run_install)

    serve = commands.add_parser("serve", help="run the provider plugin (Terraform does this)")
    serve.set_defaults(func=run_serve)


def run_install(args: argparse.Namespace) -> int:
    from provider_shim.install import install

    installation = install(args.dir)
    if not args.quiet:
        print(f"Installed registry.terraform.io/together-remediation/together 0.1.0 ({', '.join(installation.platforms)})")
        print(f"  mirror:     {installation.mirror}")
        print(f"  CLI config: {installation.cli_config}")
        print("Use it in this shell with:")
    print(installation.export_line())
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from provider_shim.runner import main

    main()
    return 0
