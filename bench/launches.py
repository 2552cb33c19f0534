"""Where a command's time goes: each provider launch of one refresh-plan and one apply, with its
start (from the command's start), wall time and CPU time; and terraform's own CPU time (the
command's, less its providers'), next to the same command on ``terraform_data``.

The installed launcher reads the Python to run from ``runtime/python``; for this benchmark that
file names a small wrapper that records each launch's times (and, with ``--py-spy``, samples it
with py-spy into ``DIR/launch-PID.txt``, collapsed stacks; py-spy comes with
``pip install -e '.[bench]'``, and its own CPU time then counts in each launch's). Terraform
starts the provider several times per command, so the launch count itself is a figure.

    python -m bench.launches [--n 300] [--py-spy DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Bench, Figure, Report, remediations_config, terraform_data_config

WRAPPER = """#!/bin/bash
start=$(date +%s.%N)
{run}
end=$(date +%s.%N)
times > "{log}.$$"
echo "$start $end $(tail -1 "{log}.$$")" >> "{log}"
rm -f "{log}.$$"
"""
PLAIN = '"{python}" "$@"'
# py-spy attaches to the running provider so that its own output never reaches the handshake.
PY_SPY = '"{python}" "$@" &\npid=$!\n"{py_spy}" record --native -r 500 -f raw -p $pid -o "{out}/launch-$pid.txt" >/dev/null 2>&1 &\nwait $pid\nsleep 0.3'


@dataclass
class Launch:
    start: float  # seconds after the command started
    wall: float
    cpu: float


def _seconds(text: str) -> float:
    minutes, seconds = text.split("m")
    return int(minutes) * 60 + float(seconds.rstrip("s"))


class TimedLaunches:
    """Points the installation's launcher at a recording wrapper; restores it on exit."""

    def __init__(self, bench: Bench, py_spy_dir: Path | None = None):
        self.runtime = bench.installation.directory / "runtime"
        self.log = bench.root / "launches.log"
        self.python = (self.runtime / "python").read_text().strip()
        run = PLAIN.format(python=self.python)
        if py_spy_dir is not None:
            py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
            py_spy_dir.mkdir(parents=True, exist_ok=True)
            run = PY_SPY.format(python=self.python, py_spy=py_spy, out=py_spy_dir)
        self.wrapper = bench.root / "timed-python"
        self.wrapper.write_text(WRAPPER.format(run=run, log=self.log))
        self.wrapper.chmod(0o755)

    def __enter__(self) -> TimedLaunches:
        (self.runtime / "python").write_text(f"{self.wrapper}\n")
        return self

    def __exit__(self, *exc: object) -> None:
        (self.runtime / "python").write_text(f"{self.python}\n")

    def measure(self, command) -> tuple[float, list[Launch]]:
        self.log.write_text("")
        started = time.time()
        elapsed = command()
        launches = []
        for line in self.log.read_text().splitlines():
            start, end, user, system = line.split()
            launches.append(Launch(float(start) - started, float(end) - float(start), _seconds(user) + _seconds(system)))
        return elapsed, sorted(launches, key=lambda launch: launch.start)


def run(bench: Bench, report: Report, count: int, py_spy_dir: Path | None = None) -> None:
    cluster_id, instances = bench.new_cluster(count)
    workspace = bench.workspace(f"launches-{count}", uses_api=True)
    workspace.write_json(remediations_config(cluster_id, instances))
    workspace.init()
    builtin = bench.workspace(f"launches-{count}-terraform-data", uses_api=False)
    builtin.write_json(terraform_data_config(cluster_id, instances))
    builtin.init()
    with TimedLaunches(bench, py_spy_dir) as timed:
        for command, run_it, run_builtin in (
            ("apply", workspace.apply, builtin.apply),
            ("refresh-plan", lambda: workspace.plan("-detailed-exitcode"), lambda: builtin.plan("-detailed-exitcode")),
        ):
            elapsed, launches = timed.measure(run_it)
            providers_cpu = sum(launch.cpu for launch in launches)
            terraform_cpu = workspace.last_cpu - providers_cpu  # wait4 counts the providers it reaped
            builtin_elapsed = run_builtin()
            steps = "; ".join(f"+{l.start * 1000:.0f} ms: {l.wall * 1000:.0f} ms wall, {l.cpu * 1000:.0f} ms CPU" for l in launches)
            report.add(Figure(
                name=f"provider launches per {command} (N={count})", value=len(launches), unit="", target="none (Terraform decides)",
                met=None,
                detail=(
                    f"{command} {elapsed * 1000:.0f} ms; {steps}; terraform's own CPU {terraform_cpu * 1000:.0f} ms "
                    f"(with terraform_data: {builtin_elapsed * 1000:.0f} ms, CPU {builtin.last_cpu * 1000:.0f} ms)"
                ),
                extra={
                    "command_ms": round(elapsed * 1000, 1), "launches": [vars(l) for l in launches],
                    "terraform_cpu_ms": round(terraform_cpu * 1000, 1), "terraform_data_ms": round(builtin_elapsed * 1000, 1),
                    "terraform_data_cpu_ms": round(builtin.last_cpu * 1000, 1),
                },
            ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="remediations (default 300)")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="also sample every launch with py-spy into DIR")
    args = parser.parse_args()
    bench = Bench()
    try:
        run(bench, Report(), args.n, args.py_spy)
    finally:
        bench.close()


if __name__ == "__main__":
    main()
