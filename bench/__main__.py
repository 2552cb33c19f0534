"""``python -m bench``: every benchmark, each figure printed next to its target.

    python -m bench                 the full run: 5 runs per side (3 for apply), 3 to 5 minutes on 2 cores
    python -m bench --quick         a smoke run: small N, one run per side (under a minute)

Every figure is this provider against the floor (a Go provider with this schema that does no
work, built from ../shared/floor-provider when Debian's Go packages are there: bench/floor.py),
with builtin terraform_data beside it.
    python -m bench --only refresh,launch --sizes 1,50 --runs 3 --json figures.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

BENCHMARKS = ("launch", "refresh", "calls", "apply", "concurrency", "launches", "synth")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _profile_missed(bench, report, profile_n: int) -> None:
    """Where a missed launch or refresh target's time goes (``bench/profile.py``)."""
    from bench import profile

    missed = {f.name for f in report.figures if f.met is False}
    if any(name.startswith(("provider launch", "schema-only launch")) for name in missed):
        print(profile.launch_profile(), flush=True)
    if any(name.startswith(("refresh-plan", "provider CPU per remediation")) for name in missed):
        print(profile.refresh_profile(bench, profile_n), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small N, one run per side")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--sizes", type=_sizes, help="refresh sizes N (default 1,50,300,1000; quick: 1,50)")
    parser.add_argument("--runs", type=int, help="runs per side of each side-by-side figure (default 5; quick: 1)")
    parser.add_argument("--apply-count", type=int, help="remediations per apply run (default 300; quick: 50)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspaces")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    sizes = args.sizes or ([1, 50] if args.quick else [1, 50, 300, 1000])
    runs = args.runs or (1 if args.quick else 5)
    apply_count = args.apply_count or (50 if args.quick else 300)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

    from bench.harness import Bench, Report, describe_machine

    print(f"together-remediation benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {describe_machine()}")
    print(f"runs per side: {runs}{' (quick)' if args.quick else ''}; load average {_load()} (other work on this machine skews figures)\n", flush=True)
    report = Report()
    started = time.perf_counter()
    bench = Bench(keep=args.keep)
    try:
        if "launch" in chosen:
            from bench import launch

            launch.run(bench, report, runs=5 if args.quick else 15)
        if "refresh" in chosen:
            from bench import refresh

            refresh.run(bench, report, sizes, runs)
        _profile_missed(bench, report, profile_n=10 if args.quick else 300)
        if "calls" in chosen:
            from bench import grpc_calls

            grpc_calls.run(bench, report, 20 if args.quick else 300, rounds=1 if args.quick else 3)
        if "apply" in chosen:
            from bench import apply

            apply.run(bench, report, apply_count, runs=args.runs or (1 if args.quick else 3))
        if "concurrency" in chosen:
            from bench import concurrency

            concurrency.run(bench, report)
        if "launches" in chosen:
            from bench import launches

            launches.run(bench, report, 50 if args.quick else 300)
        if "synth" in chosen:
            from bench import synth

            if args.quick:
                synth.run(report, count=100, repeat=1, cdk="cdktf")
            else:
                synth.run(report, count=1000, repeat=3, cdk="both")
    finally:
        bench.close()
    print(report.summary())
    print(f"  total time {time.perf_counter() - started:.0f} s; load average at the end {_load()}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"machine": describe_machine(), "runs": runs, "load_average": _load(), "figures": report.to_json()}, handle, indent=2)
    return 1 if args.strict and any(f.met is False for f in report.figures) else 0


if __name__ == "__main__":
    sys.exit(main())
