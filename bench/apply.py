"""Apply of N new remediations (simulator lifecycle set to zero), three ways: this provider, the
floor (same declarations, no API) and N new ``terraform_data``.

Each provider run applies to a fresh cluster of N nodes from an empty state, so every run makes
N real remediations (POST, then polls until SUCCEEDED, with the provider's default
``wait_for = "terminal"``); each ``terraform_data`` run applies the same N declarations from an
empty state, and so does each floor run (the floor plans computed attributes as null, so its
state is lighter: the ratio to it is a lower bound). Timed: the whole ``terraform apply
-auto-approve`` (plan included), alternating. The simulator's CPU per provider apply is shown: it
shares the machine's cores, which a remote API would not.
"""

from __future__ import annotations

import statistics

from bench.harness import BUILTIN, FLOOR, PROVIDER, Bench, Report, floor_figure, remediations_config, side_by_side, terraform_data_config

TARGET_FLOOR_RATIO_AT = {300: 1.5}  # the target applies at N = 300 (--quick runs a smaller N)


def run(bench: Bench, report: Report, count: int, runs: int) -> None:
    provider = bench.workspace(f"apply-{count}-provider", uses_api=True)
    builtin = bench.workspace(f"apply-{count}-terraform-data", uses_api=False)
    cluster_id, instances = bench.new_cluster(count)
    provider.write_json(remediations_config(cluster_id, instances))
    builtin.write_json(terraform_data_config(cluster_id, instances))
    provider.init()
    builtin.init()

    simulator_cpu: list[float] = []

    def provider_apply() -> float:
        cluster, nodes = bench.new_cluster(count)  # untimed: a cluster with no history
        provider.forget_state()
        provider.write_json(remediations_config(cluster, nodes))
        cpu_before = bench.simulator_cpu_seconds()
        elapsed = provider.apply()
        simulator_cpu.append(bench.simulator_cpu_seconds() - cpu_before)
        return elapsed

    def builtin_apply() -> float:
        builtin.forget_state()
        return builtin.apply()

    sides = {PROVIDER: provider_apply, BUILTIN: builtin_apply}
    if bench.floor is not None:
        floor = bench.floor_workspace(f"apply-{count}-floor", like=provider)
        floor.init()

        def floor_apply() -> float:
            floor.forget_state()
            return floor.apply()

        sides[FLOOR] = floor_apply
    samples = side_by_side(runs, sides)
    created = bench.simulator.stats()["remediations_total"]
    figure = floor_figure(f"apply N={count}", samples, TARGET_FLOOR_RATIO_AT.get(count), n=count, remediations_total=created)
    # The simulator runs on the same cores: its CPU time is a cost a remote API would not add here.
    figure.extra["simulator_cpu_ms"] = round(statistics.median(simulator_cpu) * 1000, 1)
    figure.detail += f"; simulator CPU {figure.extra['simulator_cpu_ms']:.0f} ms per provider apply"
    report.add(figure)
