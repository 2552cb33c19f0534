"""Synthesis speed of the CDK constructs: runs ``bench/synth_bench.py`` (the constructs' own
benchmark) and reports its figures, milliseconds per remediation over an empty app."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.harness import Figure, Report

SCRIPT = Path(__file__).with_name("synth_bench.py")
LINE = re.compile(r"^\s+(?P<name>.+?)\s+(?P<ms>\d+\.\d+) ms per remediation \((?P<verdict>meets|misses) the (?P<target>[\d.]+) ms target\)")
HEADER = re.compile(r"^(?P<cdk>\S+): (?P<count>\d+) remediations")


def run(report: Report, count: int, repeat: int, cdk: str) -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--count", str(count), "--repeat", str(repeat), "--cdk", cdk],
        capture_output=True, text=True, timeout=900,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"synth_bench.py exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    current = "?"
    for line in completed.stdout.splitlines():
        if header := HEADER.match(line):
            current = header["cdk"]
            continue
        if found := LINE.match(line):
            per_remediation = float(found["ms"])
            target = float(found["target"])
            report.add(Figure(
                name=f"synth {current}: {found['name']}", value=per_remediation, unit=" ms",
                target=f"≤ {target} ms per remediation", met=per_remediation <= target,
                detail=f"{count} remediations over an empty app, best of {repeat}",
            ))
