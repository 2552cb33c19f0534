"""The demo: a seeded simulator, the provider installed, the quickstart planned and applied."""

from __future__ import annotations

import shutil
import sys


def run_demo() -> int:
    terraform = shutil.which("terraform")
    if terraform is None:
        print("terraform was not found on PATH: install Terraform 1.5 or newer.", file=sys.stderr)
        return 1
    print(f"terraform: {terraform}")
    print("The demo is being built: the simulator, the provider and the quickstart come next.")
    return 0
