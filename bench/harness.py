"""What every benchmark shares: the installed provider, terraform workspaces, the simulator,
side-by-side timing (alternating runs, medians, ratios) and the printed figures.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROVIDER = "provider"
FLOOR = "floor"
BUILTIN = "terraform_data"
MODE = "REMEDIATION_MODE_REBOOT_VM"
REQUIRED_PROVIDERS = {"together": {"source": "together-remediation/together", "version": "0.1.0"}}


def describe_machine() -> str:
    """Cores, CPU model, Python and Terraform versions: the line that goes with every set of figures."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    terraform = subprocess.run(["terraform", "version"], capture_output=True, text=True).stdout.splitlines()[:1]
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {terraform[0] if terraform else 'terraform ?'}"


# ---- figures ---------------------------------------------------------------------------------


@dataclass
class Figure:
    """One benchmark's result: a value, its target and whether the target is met."""

    name: str
    value: float
    unit: str
    target: str
    met: bool | None  # None: informative, no target
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        verdict = "" if self.met is None else ("  [met]" if self.met else "  [MISSED]")
        value = f"{self.value:g}{self.unit}"
        detail = f"  ({self.detail})" if self.detail else ""
        return f"{self.name:<44} {value:>12}   target {self.target}{verdict}{detail}"


class Report:
    """Collects figures, prints each as it comes, and writes them as JSON on request."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(figure.line(), flush=True)
        return figure

    def summary(self) -> str:
        lines = ["", "Summary (figure, target, verdict):"] + ["  " + f.line() for f in self.figures]
        missed = [f.name for f in self.figures if f.met is False]
        lines.append(f"  {len(self.figures)} figures, {len(missed)} target(s) missed" + (f": {', '.join(missed)}" if missed else ""))
        return "\n".join(lines)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"name": f.name, "value": f.value, "unit": f.unit, "target": f.target, "met": f.met, "detail": f.detail, **f.extra}
            for f in self.figures
        ]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def pages_needed(count: int, page_size: int) -> int:
    return max(1, math.ceil(count / page_size))


# ---- terraform -------------------------------------------------------------------------------


class TerraformFailed(RuntimeError):
    pass


class Workspace:
    """A terraform working directory with its own CLI config and environment."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.directory = directory
        self.env = env
        self.last_cpu = 0.0
        directory.mkdir(parents=True, exist_ok=True)

    def write_json(self, document: dict[str, Any]) -> None:
        (self.directory / "main.tf.json").write_text(json.dumps(document, indent=1))

    def run(self, *args: str, timeout: float = 900) -> float:
        """Run ``terraform args``; the wall time in seconds. Raises on failure, with terraform's output.

        ``last_cpu`` is then the CPU time of terraform and the providers it waited for.
        """
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            process = subprocess.Popen(["terraform", *args], cwd=self.directory, env=self.env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            killer = threading.Timer(timeout, process.kill)
            killer.start()
            try:
                _, status, usage = os.wait4(process.pid, 0)  # wait4: the rusage of this command alone
            finally:
                killer.cancel()
            elapsed = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            self.last_cpu = usage.ru_utime + usage.ru_stime
            if process.returncode != 0:
                out.seek(0)
                err.seek(0)
                raise TerraformFailed(
                    f"terraform {' '.join(args)} in {self.directory} exited {process.returncode}:\n"
                    f"{err.read().decode(errors='replace')[-4000:]}\n{out.read().decode(errors='replace')[-2000:]}"
                )
        return elapsed

    def init(self) -> float:
        return self.run("init", "-input=false", "-no-color")

    def plan(self, *extra: str) -> float:
        return self.run("plan", "-input=false", "-no-color", "-lock=false", *extra)

    def apply(self, *extra: str) -> float:
        return self.run("apply", "-input=false", "-no-color", "-auto-approve", "-lock=false", *extra)

    def forget_state(self) -> None:
        for name in ("terraform.tfstate", "terraform.tfstate.backup"):
            (self.directory / name).unlink(missing_ok=True)


class Bench:
    """One benchmark session: a temp directory, the provider installed there, a simulator."""

    def __init__(self, keep: bool = False) -> None:
        if shutil.which("terraform") is None:
            raise SystemExit("terraform is required on PATH")
        self.root = Path(tempfile.mkdtemp(prefix="together-bench-"))
        self.keep = keep
        from provider_shim.install import install

        self.installation = install(self.root / "provider")
        self._simulator = None
        self._workspaces = 0
        self._clusters = 0

    @property
    def simulator(self):
        if self._simulator is None:
            from together_simulator.process import SimulatorProcess

            # The database on tmpfs when there is one: the simulator commits every write with
            # fsync, and this disk's fsync would be timed instead of the provider.
            memory = Path("/dev/shm")
            self._simulator_dir = Path(tempfile.mkdtemp(prefix="together-bench-sim-", dir=memory if memory.is_dir() and os.access(memory, os.W_OK) else None))
            self._simulator = SimulatorProcess(seed=None, durations="zero", db=self._simulator_dir / "simulator.db").start()
        return self._simulator

    @property
    def floor(self):
        """The floor provider (``bench/floor.py``), built once per session; None when it cannot be."""
        if not hasattr(self, "_floor"):
            from bench import floor

            self._floor = floor.build(self.schema_dump(), self.root / "floor")
        return self._floor

    def schema_dump(self) -> Path:
        """``terraform providers schema -json`` of this run's provider: the schema the floor serves."""
        workspace = Workspace(self.root / "schema-dump", self.env())
        workspace.write_json({"terraform": {"required_providers": REQUIRED_PROVIDERS}})
        workspace.init()
        dump = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=workspace.directory, env=workspace.env, capture_output=True, check=True)
        path = self.root / "schema.json"
        path.write_bytes(dump.stdout)
        return path

    def floor_workspace(self, label: str, like: Workspace | None = None) -> Workspace:
        """A workspace on the floor provider; with ``like``, its configuration and state copied."""
        self._workspaces += 1
        workspace = Workspace(self.root / f"{self._workspaces:02d}-{label}", self.floor.env(self.env()))
        if like is not None:
            for name in ("main.tf.json", "terraform.tfstate"):
                if (like.directory / name).exists():
                    shutil.copy2(like.directory / name, workspace.directory / name)
        return workspace

    def launcher(self) -> Path:
        from provider_shim.install import EXECUTABLE

        return next(self.installation.mirror.rglob(EXECUTABLE))

    def env(self, **extra: str) -> dict[str, str]:
        return self.installation.terraform_env(extra=extra)

    def workspace(self, label: str, uses_api: bool) -> Workspace:
        self._workspaces += 1
        extra = {"TOGETHER_BASE_URL": self.simulator.base_url, "TOGETHER_API_KEY": self.simulator.api_key} if uses_api else {}
        return Workspace(self.root / f"{self._workspaces:02d}-{label}", self.env(**extra))

    def new_cluster(self, nodes: int) -> tuple[str, list[str]]:
        """A fresh simulator cluster of ``nodes`` GPU nodes: its id and instance ids."""
        import httpx

        self._clusters += 1
        cluster_id = f"cluster-bench-{self._clusters}"
        self.simulator.add_cluster(cluster_id, name=f"bench{self._clusters}", nodes=nodes)
        response = httpx.get(
            f"{self.simulator.base_url}/compute/clusters/{cluster_id}",
            headers={"Authorization": f"Bearer {self.simulator.api_key}"}, timeout=30,
        )
        response.raise_for_status()
        instances = [node["instance_id"] for node in response.json()["gpu_worker_nodes"]]
        assert len(instances) == nodes, f"the simulator made {len(instances)} nodes, not {nodes}"
        return cluster_id, instances

    def simulator_cpu_seconds(self) -> float:
        """CPU time the simulator process has used so far (it shares this machine's cores)."""
        with open(f"/proc/{self.simulator.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        if self._simulator is not None:
            self._simulator.stop()
            self._simulator.cleanup()
            shutil.rmtree(self._simulator_dir, ignore_errors=True)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


# ---- configurations --------------------------------------------------------------------------


def remediations_config(cluster_id: str, instances: list[str], reason: str = "bench") -> dict[str, Any]:
    """N ``together_remediation`` resources, one per instance (count over a list)."""
    return {
        "terraform": {"required_providers": REQUIRED_PROVIDERS},
        "provider": {"together": {}},
        "locals": {"instances": instances},
        "resource": {"together_remediation": {"r": {
            "count": len(instances), "cluster_id": cluster_id, "instance_id": "${local.instances[count.index]}",
            "mode": MODE, "reason": reason,
        }}},
    }


def terraform_data_config(cluster_id: str, instances: list[str], reason: str = "bench") -> dict[str, Any]:
    """The same N declarations as builtin ``terraform_data`` (no provider at all): the floor."""
    return {
        "locals": {"instances": instances},
        "resource": {"terraform_data": {"r": {
            "count": len(instances),
            "input": {"cluster_id": cluster_id, "instance_id": "${local.instances[count.index]}", "mode": MODE, "reason": reason},
        }}},
    }


# ---- side by side ----------------------------------------------------------------------------


def side_by_side(runs: int, measure: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run each side ``runs`` times, alternating which goes first, so drift hits both alike."""
    samples: dict[str, list[float]] = {name: [] for name in measure}
    names = list(measure)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            samples[name].append(measure[name]())
    return samples


def ratio_figure(name: str, samples: dict[str, list[float]], target_ratio: float | None, **extra: Any) -> Figure:
    provider, builtin = median_ms(samples[PROVIDER]), median_ms(samples[BUILTIN])
    ratio = provider / builtin
    runs = len(samples[PROVIDER])
    return Figure(
        name=name, value=round(ratio, 2), unit="×",
        target=f"≤ {target_ratio}×" if target_ratio is not None else "none (growth with N)",
        met=(ratio <= target_ratio) if target_ratio is not None else None,
        detail=f"provider {provider:.0f} ms, terraform_data {builtin:.0f} ms, medians of {runs}",
        extra={"provider_ms": round(provider, 1), "terraform_data_ms": round(builtin, 1), "runs": runs, **extra},
    )


def pairwise_ratio(samples: dict[str, list[float]], a: str, b: str) -> float:
    """The median of a/b taken run by run (each pair ran back to back, so load hits both alike)."""
    return statistics.median(x / y for x, y in zip(samples[a], samples[b]) if y > 0)


def floor_figure(name: str, samples: dict[str, list[float]], target_ratio: float | None, **extra: Any) -> Figure:
    """This provider against the floor (the target) with terraform_data beside it.

    ``samples`` holds PROVIDER and BUILTIN, and FLOOR when the floor could be built; without it the
    figure is the ratio to terraform_data and has no verdict."""
    provider, builtin = median_ms(samples[PROVIDER]), median_ms(samples[BUILTIN])
    to_builtin = pairwise_ratio(samples, PROVIDER, BUILTIN)
    runs = len(samples[PROVIDER])
    fields = {"provider_ms": round(provider, 1), "terraform_data_ms": round(builtin, 1), "ratio_to_terraform_data": round(to_builtin, 2), "runs": runs}
    if FLOOR not in samples:
        return Figure(
            name=name, value=round(to_builtin, 2), unit="× terraform_data",
            target=f"≤ {target_ratio}× floor (floor not built)" if target_ratio else "none", met=None,
            detail=f"provider {provider:.0f} ms, terraform_data {builtin:.0f} ms, medians of {runs}", extra={**fields, **extra},
        )
    floor = median_ms(samples[FLOOR])
    to_floor = pairwise_ratio(samples, PROVIDER, FLOOR)
    fields.update(floor_ms=round(floor, 1), ratio_to_floor=round(to_floor, 2), floor_to_terraform_data=round(pairwise_ratio(samples, FLOOR, BUILTIN), 2))
    return Figure(
        name=name, value=round(to_floor, 2), unit="× floor",
        target=f"≤ {target_ratio}× floor" if target_ratio is not None else "none (growth with N)",
        met=(to_floor <= target_ratio) if target_ratio is not None else None,
        detail=(
            f"provider {provider:.0f} ms, floor {floor:.0f} ms, terraform_data {builtin:.0f} ms; "
            f"provider/terraform_data {to_builtin:.2f}×, floor/terraform_data {fields['floor_to_terraform_data']:.2f}×; medians of {runs}"
        ),
        extra={**fields, **extra},
    )
