"""Synth speed of `together_cdk`: milliseconds per remediation over an empty app (target: 0.5 ms).

Usage: .venv/bin/python bench/synth_bench.py [--count 1000] [--repeat 5] [--cdk cdktf|cdktn|both]

Each CDK runs in its own process. In a process, an empty app (provider only) is synthesized
first; then apps with `--count` remediations, built three ways: one `Remediation` construct each,
one `RollingRemediation` over all of them, and one `Remediation` with `for_each`. The time per
remediation is (app time - empty app time) / count, best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

TARGET_MS = 0.5
CLUSTER = "cluster-training"


def _timed(build: Callable[[Any, Any], None], together_cdk: Any, repeat: int) -> float:
    """Best wall time, in seconds, of building an app with `build` and synthesizing it."""
    best = float("inf")
    for _ in range(repeat):
        outdir = tempfile.mkdtemp(prefix="synth-bench-")
        try:
            started = time.perf_counter()
            app = together_cdk.App(outdir=outdir)
            stack = together_cdk.TerraformStack(app, "bench")
            together_cdk.TogetherProvider(stack, "together")
            build(together_cdk, stack)
            app.synth()
            best = min(best, time.perf_counter() - started)
        finally:
            shutil.rmtree(outdir, ignore_errors=True)
    return best


def _instances(count: int) -> list[str]:
    return [f"inst-{index:05d}" for index in range(count)]


def _one_construct_each(count: int) -> Callable[[Any, Any], None]:
    def build(tc: Any, stack: Any) -> None:
        for instance in _instances(count):
            tc.Remediation(stack, instance, cluster_id=CLUSTER, instance_id=instance, mode=tc.RemediationMode.REBOOT_VM)
    return build


def _rolling(count: int) -> Callable[[Any, Any], None]:
    def build(tc: Any, stack: Any) -> None:
        tc.RollingRemediation(stack, "roll", cluster_id=CLUSTER, instance_ids=_instances(count),
                              max_in_flight=10, cluster_node_count=count)
    return build


def _for_each(count: int) -> Callable[[Any, Any], None]:
    def build(tc: Any, stack: Any) -> None:
        nodes = tc.cdk.TerraformIterator.from_list(_instances(count))
        tc.Remediation(stack, "each", cluster_id=CLUSTER, instance_id=nodes.value,
                       mode=tc.RemediationMode.REBOOT_VM, for_each=nodes)
    return build


def measure(count: int, repeat: int) -> dict[str, Any]:
    """Runs in the process of one CDK; returns the figures."""
    import together_cdk

    _timed(lambda tc, stack: None, together_cdk, 1)  # warm up Node and the CDK's modules
    empty = _timed(lambda tc, stack: None, together_cdk, repeat)
    figures = {"cdk": together_cdk.CDK_NAME, "count": count, "empty_app_ms": round(empty * 1000, 1), "per_remediation_ms": {}}
    for name, build in (("one Remediation construct each", _one_construct_each(count)),
                        ("RollingRemediation (batches of 10)", _rolling(count)),
                        ("one Remediation with for_each", _for_each(count))):
        total = _timed(build, together_cdk, repeat)
        figures["per_remediation_ms"][name] = round((total - empty) * 1000 / count, 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="remediations per app (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure, the best is kept (default 5)")
    parser.add_argument("--cdk", choices=("cdktf", "cdktn", "both"), default="both")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one CDK's figures, for the parent
    args = parser.parse_args()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    if args.json:
        print(json.dumps(measure(args.count, args.repeat)))
        return
    for cdk in ("cdktf", "cdktn") if args.cdk == "both" else (args.cdk,):
        completed = subprocess.run(
            [sys.executable, __file__, "--json", "--count", str(args.count), "--repeat", str(args.repeat)],
            env={**os.environ, "TOGETHER_CDK": cdk}, check=True, capture_output=True, text=True,
        )
        figures = json.loads(completed.stdout)
        print(f"{figures['cdk']}: {figures['count']} remediations, empty app {figures['empty_app_ms']} ms")
        for name, per_remediation in figures["per_remediation_ms"].items():
            verdict = "meets" if per_remediation <= TARGET_MS else "misses"
            print(f"  {name:<38} {per_remediation:6.3f} ms per remediation ({verdict} the {TARGET_MS} ms target)")


if __name__ == "__main__":
    main()
