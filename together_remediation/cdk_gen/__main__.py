"""`python -m together_remediation.cdk_gen [--check]`: write the generated constructs, or list the stale ones."""

from __future__ import annotations

import argparse
import sys

from together_remediation.cdk_gen import PACKAGE, stale, write


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only list the files that differ; exit 1 if any")
    args = parser.parse_args()
    if args.check:
        differing = stale()
        for name in differing:
            print(f"{PACKAGE / name}: differs from the generator's output (run `make constructs`)")
        return 1 if differing else 0
    for name in write():
        print(f"wrote {PACKAGE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
