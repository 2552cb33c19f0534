"""The fault campaign: many remediations applied, refreshed and destroyed through injected faults,
and applies killed at random points; then a table of what happened.

    python -m tests.provider_shim.reliability.campaign                         # per mode: >= 1,000 faults and 3 x 20 killed applies
    python -m tests.provider_shim.reliability.campaign --faults 100 --kills 1  # a quick run
    python -m tests.provider_shim.reliability.campaign --mode "ids ignored"    # one simulator mode only
    python -m tests.provider_shim.reliability.campaign --json figures.json     # the figures as JSON too

Each fault round declares ``--per-round`` remediations (one per instance of a campaign cluster,
tagged by a reason unique to the round), then under one fault profile: apply, refresh
(``apply -refresh-only``) and destroy. A command that fails is run again, plainly (no state surgery),
under the same faults; if that also fails, once more after the faults stopped: it must succeed
then, with nothing duplicated or missing. After the apply and after the destroy, with faults off, the state is
compared with the server: duplicates (a second remediation for one declared intent) and
remediations missing from state must both be 0.

The killed applies (``killed.py``) SIGKILL terraform, SIGKILL the provider process, or SIGINT
terraform, before, during and after the create call, then run the apply again.

Everything runs twice: against a simulator that honours the create's ``remediation_id`` and one
that ignores it and assigns its own ids (``--ignore-remediation-ids``), as an API might; the
provider's exactly-once promise must hold in both (its intent tokens carry it in the second).
The exit status is 0 when the figures meet the targets, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

from bench.harness import describe_machine
from tests.provider_shim.reliability.harness import Lab, provider_block, reconcile, remediations_hcl, server_remediations
from tests.support.terraform_fixtures import TerraformResult, Workspace
from together_simulator.process import SimulatorProcess

CLUSTER = "cluster-campaign"
FAULT_KINDS = ("drop_after_commit", "http_5xx", "http_429", "reset", "latency")

# One profile per round, in turn: (name, fault settings, provider max_retries). Rates are per
# request. The last profile gives the provider too few retries, so commands fail and the
# figures show whether a plain re-run recovers.
PROFILES: list[tuple[str, dict, int]] = [
    ("drop after commit", {"drop_after_commit_rate": 0.5}, 12),
    ("5xx", {"error_5xx_rate": 0.4}, 12),
    ("429 + Retry-After", {"rate_limit_rate": 0.4, "retry_after_seconds": 1}, 12),
    ("resets", {"reset_rate": 0.4}, 12),
    ("everything + latency", {
        "drop_after_commit_rate": 0.3, "error_5xx_rate": 0.1, "rate_limit_rate": 0.1,
        "retry_after_seconds": 1, "reset_rate": 0.1, "latency_ms": 50,
    }, 12),
    ("harsh, 1 retry", {"drop_after_commit_rate": 0.4, "error_5xx_rate": 0.25, "reset_rate": 0.25}, 1),
]
NO_FAULTS = {"latency_ms": 0, "error_5xx_rate": 0, "rate_limit_rate": 0, "reset_rate": 0, "drop_after_commit_rate": 0}


@dataclass
class CommandOutcome:
    """One terraform command of a round under faults."""

    failed: bool = False  # the first run failed
    recovered: bool | None = None  # None: nothing to recover; else whether a plain re-run succeeded in the end
    errors: list[str] = field(default_factory=list)


@dataclass
class CampaignFigures:
    rounds: int = 0
    faults: Counter = field(default_factory=Counter)
    requests: int = 0
    declared: int = 0
    created: int = 0
    duplicates: int = 0
    missing_from_state: int = 0
    lost: int = 0
    mismatched: int = 0
    left_after_destroy: int = 0
    commands: int = 0
    commands_failed: int = 0
    recovered_under_faults: int = 0  # a plain re-run, still under the same faults, succeeded
    recovered_after_faults: int = 0  # that failed too; a plain re-run once the faults stopped succeeded
    not_recovered: int = 0  # even that failed
    not_in_state_after_failed_apply: int = 0  # created, but the apply failed before its state write
    problems: list[str] = field(default_factory=list)

    @property
    def injected(self) -> int:
        return sum(self.faults.values())

    @property
    def injected_without_latency(self) -> int:
        return sum(n for kind, n in self.faults.items() if kind != "latency")


def _run(ws: Workspace, *args: str) -> TerraformResult:
    return ws.run(*args, check=False, timeout=600)


def _error_line(result: TerraformResult) -> str:
    for line in result.output.splitlines():
        if line.strip().startswith("Error:") or "Error:" in line:
            return line.strip()[:200]
    return (result.output.strip().splitlines() or ["(no output)"])[-1][:200]


def _command(ws: Workspace, simulator: SimulatorProcess, args: tuple[str, ...], figures: CampaignFigures, reason: str = "") -> CommandOutcome:
    """Run under the current faults; on failure run it again, plainly: first under the same
    faults, then (if that fails too) once the faults have stopped."""
    outcome = CommandOutcome()
    figures.commands += 1
    first = _run(ws, *args)
    if first.returncode == 0:
        return outcome
    outcome.failed = True
    outcome.errors.append(_error_line(first))
    figures.commands_failed += 1
    if reason:  # created by the failed apply, not yet in state: the re-run must adopt them
        saved = simulator.faults()
        simulator.set_faults(**NO_FAULTS)
        figures.not_in_state_after_failed_apply += len(
            reconcile(ws, simulator, CLUSTER, reason, 0, expect_all=False).missing_from_state
        )
        simulator.set_faults(**{k: saved[k] for k in NO_FAULTS})
    if _run(ws, *args).returncode == 0:
        outcome.recovered = True
        figures.recovered_under_faults += 1
        return outcome
    saved = simulator.faults()
    simulator.set_faults(**NO_FAULTS)
    last = _run(ws, *args)
    simulator.set_faults(**{k: saved[k] for k in NO_FAULTS})
    outcome.recovered = last.returncode == 0
    if outcome.recovered:
        figures.recovered_after_faults += 1
    else:
        figures.not_recovered += 1
        outcome.errors.append(_error_line(last))
        figures.problems.append(f"{args[0]} failed even without faults: {_error_line(last)}")
    return outcome


def fault_round(lab: Lab, simulator: SimulatorProcess, number: int, per_round: int, figures: CampaignFigures, seed: int,
                log=print, profile_index: int | None = None) -> None:
    name, profile, retries = PROFILES[number % len(PROFILES) if profile_index is None else profile_index]
    reason = f"campaign round {number}"
    instances = [f"inst-campaign-{i + 1:02d}" for i in range(per_round)]
    ws = lab.workspace(simulator)
    ws.write(remediations_hcl(CLUSTER, instances, reason, provider=provider_block(max_retries=retries)))
    ws.init()

    before = simulator.stats()
    simulator.set_faults(**{**NO_FAULTS, **profile, "seed": seed + number})
    outcomes = {
        "apply": _command(ws, simulator, ("apply", "-input=false", "-no-color", "-auto-approve"), figures, reason),
        "refresh": _command(ws, simulator, ("apply", "-input=false", "-no-color", "-auto-approve", "-refresh-only"), figures),
    }
    simulator.set_faults(**NO_FAULTS)
    after_apply = reconcile(ws, simulator, CLUSTER, reason, per_round)

    simulator.set_faults(**{**NO_FAULTS, **profile, "seed": seed + 1000 + number})
    outcomes["destroy"] = _command(ws, simulator, ("destroy", "-input=false", "-no-color", "-auto-approve"), figures)
    simulator.set_faults(**NO_FAULTS)
    after = simulator.stats()

    left = len(ws.resources())
    created_after_destroy = len(server_remediations(simulator, CLUSTER, reason)) - after_apply.created
    figures.rounds += 1
    for kind in FAULT_KINDS:
        figures.faults[kind] += after["faults_injected"][kind] - before["faults_injected"][kind]
    figures.requests += after["requests_total"] - before["requests_total"]
    figures.declared += per_round
    figures.created += after_apply.created
    figures.duplicates += after_apply.duplicates + max(0, created_after_destroy)
    figures.missing_from_state += len(after_apply.missing_from_state)
    figures.lost += len(after_apply.lost)
    figures.mismatched += len(after_apply.mismatched)
    figures.left_after_destroy += left
    if not after_apply.clean:
        figures.problems.append(f"round {number} ({name}): {after_apply}")
    failed = [f"{cmd} {'recovered' if o.recovered else 'NOT recovered'} ({o.errors[0]})" for cmd, o in outcomes.items() if o.failed]
    log(
        f"round {number:3d} {name:22s} faults so far {figures.injected_without_latency:5d} (+{figures.faults['latency']} latency)"
        f"  created {after_apply.created}/{per_round}  dup {after_apply.duplicates}  missing {len(after_apply.missing_from_state)}"
        + (f"  failed: {'; '.join(failed)}" if failed else "")
    )


def run_fault_campaign(lab: Lab, simulator: SimulatorProcess, target_faults: int, per_round: int, seed: int, log=print,
                       order: list[int] | None = None) -> CampaignFigures:
    """Rounds until ``target_faults`` faults other than latency were injected.

    ``order``: the profiles' indexes in the order the rounds take them (default: as listed).
    """
    simulator.add_cluster(CLUSTER, "campaign", nodes=per_round)
    figures = CampaignFigures()
    order = order or list(range(len(PROFILES)))
    number = 0
    while figures.injected_without_latency < target_faults:
        fault_round(lab, simulator, number, per_round, figures, seed, log, profile_index=order[number % len(order)])
        number += 1
    return figures


# ---- the table ------------------------------------------------------------------------------


def table(figures: CampaignFigures, kills=None) -> str:
    rows = [("faults injected: " + kind.replace("_", " "), figures.faults[kind]) for kind in FAULT_KINDS]
    rows += [
        ("faults injected: total (without latency)", f"{figures.injected} ({figures.injected_without_latency})"),
        ("API requests", figures.requests),
        ("rounds (apply, refresh, destroy)", figures.rounds),
        ("remediations declared", figures.declared),
        ("remediations created", figures.created),
        ("duplicates", figures.duplicates),
        ("missing from state", figures.missing_from_state),
        ("declared but not in state after apply", figures.lost),
        ("left in state after destroy", figures.left_after_destroy),
        ("terraform commands under faults", figures.commands),
        ("commands failed", figures.commands_failed),
        ("... recovered by a plain re-run under the same faults", figures.recovered_under_faults),
        ("... recovered by a plain re-run once the faults stopped", figures.recovered_after_faults),
        ("... not recovered by a plain re-run", figures.not_recovered),
        ("created by a failed apply, in state only after its re-run", figures.not_in_state_after_failed_apply),
    ]
    if kills is not None:
        rows += kills.rows()
    width = max(len(label) for label, _ in rows)
    lines = [f"| {'figure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {label.ljust(width)} | {value} |" for label, value in rows]
    return "\n".join(lines)


# The API may or may not honour a create's remediation_id: the campaign runs against both.
ID_MODES: list[tuple[str, bool]] = [("ids honoured", False), ("ids ignored", True)]


@dataclass
class ModeFigures:
    """One simulator mode's run: the fault campaign and the killed applies."""

    mode: str
    figures: CampaignFigures
    kills: object = None  # KillFigures, or None without killed applies

    @property
    def problems(self) -> list[str]:
        return self.figures.problems + (self.kills.problems if self.kills else [])

    @property
    def ok(self) -> bool:
        figures, kills = self.figures, self.kills
        return (
            figures.duplicates == 0 and figures.missing_from_state == 0 and figures.lost == 0
            and figures.mismatched == 0 and figures.left_after_destroy == 0
            and figures.not_recovered == 0 and (kills is None or kills.clean)
        )


def run_mode(lab: Lab, mode: str, ignore_ids: bool, args: argparse.Namespace) -> ModeFigures:
    from tests.provider_shim.reliability.killed import run_killed_applies

    print(f"\n== {mode} ==")
    with SimulatorProcess(seed=None, durations="zero", ignore_remediation_ids=ignore_ids) as simulator:
        figures = run_fault_campaign(lab, simulator, args.faults, args.per_round, args.seed)
    kills = None
    if args.kills > 0:
        with SimulatorProcess(seed=None, durations="zero", ignore_remediation_ids=ignore_ids) as simulator:
            kills = run_killed_applies(lab, simulator, args.kills, random.Random(args.seed))
    return ModeFigures(mode, figures, kills)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.provider_shim.reliability.campaign", description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", type=int, default=1000, help="per mode: stop after this many faults other than latency (default 1000)")
    parser.add_argument("--per-round", type=int, default=24, help="remediations declared per round (default 24)")
    parser.add_argument("--kills", type=int, default=20, help="per mode, killed applies per signal: SIGKILL terraform, SIGKILL provider, SIGINT (default 20)")
    parser.add_argument("--seed", type=int, default=20261130, help="seed of the faults and of the kill points")
    parser.add_argument("--mode", choices=[name for name, _ in ID_MODES], action="append",
                        help="only this simulator mode (repeatable; default: both)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    started = time.monotonic()
    lab = Lab()
    results: list[ModeFigures] = []
    try:
        for mode, ignore_ids in ID_MODES:
            if args.mode and mode not in args.mode:
                continue
            results.append(run_mode(lab, mode, ignore_ids, args))
    finally:
        lab.cleanup()
    elapsed = time.monotonic() - started

    print()
    print(f"Fault campaign, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {describe_machine()}, {elapsed / 60:.1f} min")
    for result in results:
        print(f"\n### {result.mode}\n")
        print(table(result.figures, result.kills))
        for problem in result.problems:
            print(f"problem ({result.mode}): {problem}")
    ok = all(result.ok for result in results)
    if args.json:
        document = {
            result.mode: {
                "figures": {**asdict(result.figures), "faults": dict(result.figures.faults)},
                "kills": result.kills.as_json() if result.kills else None,
                "ok": result.ok,
            }
            for result in results
        }
        with open(args.json, "w") as handle:
            json.dump({"modes": document, "ok": ok}, handle, indent=2, default=str)
    for result in results:
        print(f"result ({result.mode}):", "0 duplicates, 0 missing" if result.ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
