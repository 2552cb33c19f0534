"""Where the time goes, printed when a target is missed.

- A launch target: the CPU of each import step on the launch path (``bench.import_costs``).
- A refresh or CPU target: the provider's CPU per call of each RPC a refresh-plan sends per
  remediation, measured by calling the servicer directly on N applied states (no gRPC, no
  Terraform), and the functions that take the most of it (cProfile, own time).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import time

from bench.harness import Bench

RPCS = ("ValidateResourceConfig", "UpgradeResourceState", "ReadResource", "PlanResourceChange")


def launch_profile(runs: int = 3) -> str:
    from bench.import_costs import UP_TO_HANDSHAKE, measure

    costs = measure(runs)
    lines = ["Profile of a launch (CPU of each import step, median of fresh interpreters):"]
    for index, (name, ms) in enumerate(costs):
        lines.append(f"  {name:<42} {ms:6.1f} ms")
        if index == UP_TO_HANDSHAKE - 1:
            lines.append(f"  {'= before the handshake':<42} {sum(c for _, c in costs[:UP_TO_HANDSHAKE]):6.1f} ms")
    return "\n".join(lines)


def refresh_profile(bench: Bench, count: int, top: int = 12) -> str:
    from bench.servicer_costs import ARGUMENTS, TYPE, _applied_states, _servicer
    from tf.gen import tfplugin_pb2 as pb
    from tf.utils import to_dynamic_value

    states = _applied_states(bench, count)
    servicer = _servicer(bench)
    requests = []
    for state in states:
        config = to_dynamic_value({name: state.get(name) for name in ARGUMENTS})
        current = to_dynamic_value(state)
        requests.append({
            "ValidateResourceConfig": pb.ValidateResourceConfig.Request(type_name=TYPE, config=config),
            "UpgradeResourceState": pb.UpgradeResourceState.Request(type_name=TYPE, version=0, raw_state=pb.RawState(json=json.dumps(state).encode())),
            "ReadResource": pb.ReadResource.Request(type_name=TYPE, current_state=current),
            "PlanResourceChange": pb.PlanResourceChange.Request(type_name=TYPE, prior_state=current, proposed_new_state=current, config=config),
        })

    def run_all(rpc: str) -> None:
        method = getattr(servicer, rpc)
        for request in requests:
            method(request[rpc], None)

    for rpc in RPCS:
        run_all(rpc)  # warm: the cluster listing, first imports
    lines = [f"Profile of a refresh, per remediation (the servicer called directly on {len(states)} states):"]
    total = 0.0
    for rpc in RPCS:
        started = time.process_time()
        run_all(rpc)
        per_call = (time.process_time() - started) * 1000 / len(states)
        total += per_call
        lines.append(f"  {rpc:<42} {per_call:6.3f} ms CPU per call")
    lines.append(f"  {'= the provider code, per remediation':<42} {total:6.3f} ms (a real launch adds gRPC, TLS and thread switches)")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [run_all(rpc) for rpc in RPCS])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    lines.append("  where it goes (cProfile, own time, cProfile's overhead included):")
    lines += ["    " + line for line in out.getvalue().splitlines() if line.strip() and not line.startswith(("   Ordered", "         "))][-top - 1:]
    return "\n".join(lines)
