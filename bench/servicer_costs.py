"""CPU per remediation inside the provider, without gRPC: the servicer called directly.

Against the simulator, in this process: ``--n`` refreshes (ValidateResourceConfig,
UpgradeResourceState, ReadResource and PlanResourceChange on an applied remediation's state, the
calls a refresh-plan makes per resource) and ``--n`` creates (PlanResourceChange and
ApplyResourceChange of a new remediation: a POST and its polls). The difference from the same
figures in a real launch (``bench.launches``) is what gRPC, TLS and Terraform's concurrency add.
With ``--profile``, prints the top of a cProfile of each (cProfile roughly doubles the times).

    python -m bench.servicer_costs [--n 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import time

from bench.harness import Bench, remediations_config

NULL_PROVIDER_CONFIG = dict.fromkeys(("api_key", "base_url", "request_timeout", "max_retries", "poll_interval", "max_in_flight_per_cluster"))
ARGUMENTS = ("cluster_id", "instance_id", "mode", "escalation", "reason", "triggers", "remediation_id", "wait_for", "rerun_on_failure", "timeouts")
TYPE = "together_remediation"


def _servicer(bench: Bench):
    from tf.gen import tfplugin_pb2 as pb
    from tf.utils import to_dynamic_value

    from provider_shim.provider import TogetherProvider
    from provider_shim.servicer import ProviderServicer

    os.environ["TOGETHER_BASE_URL"] = bench.simulator.base_url
    os.environ["TOGETHER_API_KEY"] = bench.simulator.api_key
    servicer = ProviderServicer(TogetherProvider())
    answer = servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=to_dynamic_value(NULL_PROVIDER_CONFIG)), None)
    assert not answer.diagnostics, answer.diagnostics
    return servicer


def _applied_states(bench: Bench, count: int) -> list[dict]:
    cluster_id, instances = bench.new_cluster(count)
    workspace = bench.workspace(f"servicer-{count}", uses_api=True)
    workspace.write_json(remediations_config(cluster_id, instances))
    workspace.init()
    workspace.apply()
    shown = subprocess.run(["terraform", "show", "-json"], cwd=workspace.directory, env=workspace.env, capture_output=True, text=True, check=True)
    return [resource["values"] for resource in json.loads(shown.stdout)["values"]["root_module"]["resources"]]


def _measure(label: str, run, count: int, profile: bool) -> None:
    run()  # warm: the cluster listing, first imports
    started = time.process_time()
    run()
    per_item = (time.process_time() - started) * 1000 / count
    print(f"{label:<58} {per_item:6.2f} ms CPU per remediation")
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from tf.gen import tfplugin_pb2 as pb
    from tf.types import Unknown
    from tf.utils import to_dynamic_value

    bench = Bench()
    try:
        states = _applied_states(bench, args.n)
        servicer = _servicer(bench)

        def refresh_all() -> None:
            for state in states:
                config = to_dynamic_value({name: state.get(name) for name in ARGUMENTS})
                servicer.ValidateResourceConfig(pb.ValidateResourceConfig.Request(type_name=TYPE, config=config), None)
                upgraded = servicer.UpgradeResourceState(
                    pb.UpgradeResourceState.Request(type_name=TYPE, version=0, raw_state=pb.RawState(json=json.dumps(state).encode())), None
                ).upgraded_state
                read = servicer.ReadResource(pb.ReadResource.Request(type_name=TYPE, current_state=upgraded), None)
                assert not read.diagnostics, read.diagnostics
                planned = servicer.PlanResourceChange(
                    pb.PlanResourceChange.Request(type_name=TYPE, prior_state=read.new_state, proposed_new_state=read.new_state, config=config), None
                )
                assert not planned.diagnostics and not planned.requires_replace, planned.diagnostics

        _measure("refresh (validate, upgrade, read, plan)", refresh_all, len(states), args.profile)

        codec = servicer.resource_codecs[TYPE]
        attributes = codec.attributes
        clusters = [bench.new_cluster(args.n) for _ in range(2)]  # the warm-up run and the measured one
        rounds = iter(clusters)

        def create_all() -> None:
            cluster_id, instances = next(rounds)
            for instance_id in instances:
                config = dict.fromkeys(codec.names)
                config.update(cluster_id=cluster_id, instance_id=instance_id, mode="REMEDIATION_MODE_REBOOT_VM", reason="bench")
                proposed = {k: (Unknown if v is None and k in attributes and attributes[k].computed else v) for k, v in config.items()}
                planned = servicer.PlanResourceChange(pb.PlanResourceChange.Request(
                    type_name=TYPE, prior_state=to_dynamic_value(None), proposed_new_state=to_dynamic_value(proposed), config=to_dynamic_value(config),
                ), None)
                assert not planned.diagnostics, planned.diagnostics
                applied = servicer.ApplyResourceChange(pb.ApplyResourceChange.Request(
                    type_name=TYPE, prior_state=to_dynamic_value(None), planned_state=planned.planned_state,
                    config=to_dynamic_value(config), planned_private=planned.planned_private,
                ), None)
                assert not applied.diagnostics, applied.diagnostics

        if args.profile:
            clusters.append(bench.new_cluster(args.n))
        _measure("create (plan, apply: POST and polls until SUCCEEDED)", create_all, args.n, args.profile)
    finally:
        bench.close()


if __name__ == "__main__":
    main()
