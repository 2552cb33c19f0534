"""Killed applies: SIGKILL terraform, SIGKILL the provider process, or SIGINT terraform (Ctrl-C)
at a random point before, during or after the create calls; then the same apply, run again.

What must hold, for every run:
- after the re-run: one remediation per declared intent on the server (0 duplicates), every one
  in state (0 lost), and the state's ids and states equal the server's;
- right after a SIGINT (Terraform's graceful stop): every remediation the server holds for the
  configuration is already in state.

How the points are reached: the remediations stay RUNNING for ``RUNNING_SECONDS`` (the apply
waits for them), and for "during" every API request takes ``DURING_LATENCY_MS``, so a create is
in flight when the signal arrives. The phase a signal really hit is observed at that moment
(creates started? every remediation on the server?) and that is what the figures count.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.provider_shim.reliability.harness import (
    Lab,
    create_calls,
    provider_block,
    provider_processes,
    reconcile,
    remediations_hcl,
    server_remediations,
    wait_group_gone,
)
from together_simulator.process import SimulatorProcess

CLUSTER = "cluster-kills"
PER_RUN = 4
RUNNING_SECONDS = 1.5
DURING_LATENCY_MS = 400
SIGNALS = ("SIGKILL terraform", "SIGKILL provider", "SIGINT terraform")
PHASES = ("before", "during", "after")
APPLY = ("apply", "-input=false", "-no-color", "-auto-approve")


@dataclass
class KillRun:
    number: int
    signal: str
    aimed_at: str
    hit: str  # the phase observed when the signal was sent
    duplicates: int
    lost: list[str]
    missing_after_signal: list[str]  # SIGINT only: created but not in state after the graceful stop
    mismatched: list[str]
    rerun_ok: bool
    note: str = ""

    @property
    def clean(self) -> bool:
        return self.rerun_ok and not (self.duplicates or self.lost or self.missing_after_signal or self.mismatched)


@dataclass
class KillFigures:
    runs: list[KillRun] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"killed apply {r.number} ({r.signal}, {r.hit}): {r}" for r in self.runs if not r.clean]

    @property
    def clean(self) -> bool:
        return all(r.clean for r in self.runs)

    def rows(self) -> list[tuple[str, object]]:
        rows: list[tuple[str, object]] = []
        for kind in SIGNALS:
            runs = [r for r in self.runs if r.signal == kind]
            if not runs:
                continue
            hits = Counter(r.hit for r in runs)
            rows.append((f"killed applies: {kind} (before/during/after)", f"{len(runs)} ({hits['before']}/{hits['during']}/{hits['after']})"))
        rows += [
            ("killed applies: duplicates", sum(r.duplicates for r in self.runs)),
            ("killed applies: lost (not in state after the re-run)", sum(len(r.lost) for r in self.runs)),
            ("killed applies: created but not in state after SIGINT", sum(len(r.missing_after_signal) for r in self.runs)),
            ("killed applies: state differs from the server", sum(len(r.mismatched) for r in self.runs)),
            ("killed applies: re-runs that failed", sum(not r.rerun_ok for r in self.runs)),
        ]
        return rows

    def as_json(self) -> list[dict]:
        return [r.__dict__ | {"clean": r.clean} for r in self.runs]


def _wait(condition, limit: float = 60.0, poll: float = 0.02) -> bool:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True


def killed_apply(lab: Lab, simulator: SimulatorProcess, number: int, kind: str, aim: str, rng: random.Random) -> KillRun:
    reason = f"killed apply {number}"
    instances = [f"inst-kills-{i + 1:02d}" for i in range(PER_RUN)]
    simulator.set_lifecycle({}, default=(0, RUNNING_SECONDS))
    simulator.clear_faults()
    ws = lab.workspace(simulator)
    ws.write(remediations_hcl(CLUSTER, instances, reason, provider=provider_block(poll_interval="100ms")))
    ws.init()
    if aim == "during":
        simulator.set_faults(latency_ms=DURING_LATENCY_MS)
    creates_before = create_calls(simulator)
    existing_before = simulator.stats()["remediations_total"]
    launches: set[int] = set()
    process = ws.start(*APPLY)

    def creates_started() -> bool:
        return create_calls(simulator) > creates_before

    def created() -> int:  # from the admin API, which no injected latency slows
        return simulator.stats()["remediations_total"] - existing_before

    def all_created() -> bool:
        return created() == PER_RUN

    def plan_running() -> bool:  # the second provider launch is the plan's
        launches.update(provider_processes(process.pid))
        return len(launches) >= 2 or creates_started()

    reached = _wait({"before": plan_running, "during": creates_started, "after": all_created}[aim])
    # A random moment inside the phase (at most half the create's window: margin for a busy machine).
    time.sleep(rng.uniform(0, {"before": 0.3, "during": DURING_LATENCY_MS / 1000 * 0.5, "after": RUNNING_SECONDS * 0.8}[aim]))
    hit = "after" if all_created() else ("during" if creates_started() else "before")
    note = "" if reached else "the aimed point was not seen in time"

    if process.poll() is not None:
        note = "terraform had already finished"
    elif kind == "SIGKILL terraform":
        os.kill(process.pid, signal.SIGKILL)
    elif kind == "SIGKILL provider":
        providers = provider_processes(process.pid)
        if providers:
            os.kill(max(providers), signal.SIGKILL)
        else:
            note = "no provider process was running"
    else:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    try:
        process.communicate(timeout=120)
    except Exception:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        note += " terraform did not exit in 120 s"
    wait_group_gone(process.pid)
    simulator.clear_faults()

    missing_after_signal: list[str] = []
    if kind == "SIGINT terraform":
        missing_after_signal = reconcile(ws, simulator, CLUSTER, reason, PER_RUN, expect_all=False).missing_from_state

    rerun = ws.run(*APPLY, check=False, timeout=300)
    result = reconcile(ws, simulator, CLUSTER, reason, PER_RUN)
    mismatched = list(result.mismatched)
    if rerun.returncode == 0:
        live = {r.id: r.state.value for r in server_remediations(simulator, CLUSTER, reason)}
        for address, entry in ws.resources().items():
            values = entry["values"]
            if live.get(values["id"]) != values["state"]:
                mismatched.append(f"{address}: {values['state']} in state, {live.get(values['id'])} on the server")
    else:
        note += " re-run: " + rerun.output.strip().splitlines()[-1][:200] if rerun.output.strip() else ""
    return KillRun(
        number=number, signal=kind, aimed_at=aim, hit=hit, duplicates=result.duplicates, lost=result.lost,
        missing_after_signal=missing_after_signal, mismatched=mismatched, rerun_ok=rerun.returncode == 0, note=note.strip(),
    )


def run_killed_applies(lab: Lab, simulator: SimulatorProcess, per_signal: int, rng: random.Random, log=print,
                       plan: list[tuple[str, str]] | None = None) -> KillFigures:
    """``per_signal`` runs of each signal, aimed in turn at before, during and after the creates."""
    simulator.add_cluster(CLUSTER, "kills", nodes=PER_RUN)
    figures = KillFigures()
    runs = plan or [(kind, PHASES[i % len(PHASES)]) for i in range(per_signal) for kind in SIGNALS]
    for number, (kind, aim) in enumerate(runs):
        run = killed_apply(lab, simulator, number, kind, aim, rng)
        figures.runs.append(run)
        log(
            f"killed apply {number:3d} {kind:17s} aimed {aim:6s} hit {run.hit:6s} dup {run.duplicates}"
            f" lost {len(run.lost)} missing-after-signal {len(run.missing_after_signal)} re-run {'ok' if run.rerun_ok else 'FAILED'}"
            + (f" ({run.note})" if run.note else "")
        )
    return figures
