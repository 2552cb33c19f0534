"""Subcommands of ``together-remediation``, one module each, each with ``register(subparsers)``."""
