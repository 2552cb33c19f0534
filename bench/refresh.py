"""Refresh-plan over N existing remediations, three ways: this provider, the floor, ``terraform_data``;
the provider's CPU per remediation; and the HTTP requests the provider sends to refresh them.

Setup (not timed): a fresh simulator cluster of N nodes, one remediation applied per node (zero
lifecycle, so every one has SUCCEEDED); the floor's workspace gets the identical configuration
and state; a ``terraform_data`` workspace is applied with the same N declarations. Timed:
``terraform plan -detailed-exitcode`` (a refresh of every resource and an empty plan, which the
exit code proves), alternating the sides. CPU: three more provider plans with each launch timed
(``bench.launches``), their median. Requests: the simulator's counters around one more provider plan.
"""

from __future__ import annotations

import statistics

from bench.harness import (
    BUILTIN, FLOOR, PROVIDER, Bench, Figure, Report, floor_figure, pages_needed, remediations_config, side_by_side,
    terraform_data_config,
)

TARGET_FLOOR_RATIO_AT = {300: 1.2, 1000: 1.2}  # the targets; other sizes show growth
TARGET_CPU_PER_REMEDIATION_MS = 0.15
REQUEST_SLACK = 2
CPU_RUNS = 3


def run(bench: Bench, report: Report, sizes: list[int], runs: int) -> dict[int, float]:
    """The figures; returns the provider's CPU seconds (all launches) of one refresh-plan per size."""
    from bench.launches import TimedLaunches
    from provider_shim.framework.lookups import LIST_PAGE_SIZE

    provider_cpu: dict[int, float] = {}
    for count in sizes:
        cluster_id, instances = bench.new_cluster(count)
        provider = bench.workspace(f"refresh-{count}-provider", uses_api=True)
        provider.write_json(remediations_config(cluster_id, instances))
        builtin = bench.workspace(f"refresh-{count}-terraform-data", uses_api=False)
        builtin.write_json(terraform_data_config(cluster_id, instances))
        for workspace in (provider, builtin):
            workspace.init()
            workspace.apply()
        sides = {PROVIDER: lambda: provider.plan("-detailed-exitcode"), BUILTIN: lambda: builtin.plan("-detailed-exitcode")}
        if bench.floor is not None:
            floor = bench.floor_workspace(f"refresh-{count}-floor", like=provider)
            floor.init()
            sides[FLOOR] = lambda: floor.plan("-detailed-exitcode")

        samples = side_by_side(runs, sides)
        report.add(floor_figure(f"refresh-plan N={count}", samples, TARGET_FLOOR_RATIO_AT.get(count), n=count))

        with TimedLaunches(bench) as timed:  # the median of a few plans: one is too noisy for a slope
            totals = [sum(launch.cpu for launch in timed.measure(lambda: provider.plan("-detailed-exitcode"))[1]) for _ in range(CPU_RUNS)]
        provider_cpu[count] = statistics.median(totals)

        bench.simulator.reset_stats()
        provider.plan("-detailed-exitcode")
        stats = bench.simulator.stats()
        allowed = pages_needed(count, LIST_PAGE_SIZE) + REQUEST_SLACK
        routes = ", ".join(f"{n} {route.split(' ', 1)[0]} {route.rsplit('/', 1)[-1]}" for route, n in sorted(stats["requests_by_route"].items()))
        report.add(Figure(
            name=f"HTTP requests to refresh N={count}", value=stats["requests_total"], unit="",
            target=f"≤ ⌈{count}/{LIST_PAGE_SIZE}⌉ + {REQUEST_SLACK} = {allowed}", met=stats["requests_total"] <= allowed,
            detail=routes or "none", extra={"n": count, "by_route": stats["requests_by_route"]},
        ))
    report.add(cpu_per_remediation_figure(provider_cpu))
    return provider_cpu


def cpu_per_remediation_figure(provider_cpu: dict[int, float]) -> Figure:
    """The provider's CPU per remediation: the growth between the smallest and largest N (the
    launches' fixed cost cancels out); with one size only, its total over N (an upper bound)."""
    small, large = min(provider_cpu), max(provider_cpu)
    if large > small:
        per_item_ms = (provider_cpu[large] - provider_cpu[small]) * 1000 / (large - small)
        how = f"({provider_cpu[large] * 1000:.0f} − {provider_cpu[small] * 1000:.0f} ms) / ({large} − {small})"
    else:
        per_item_ms = provider_cpu[large] * 1000 / large
        how = f"{provider_cpu[large] * 1000:.0f} ms / {large}, fixed launch cost included (one size only)"
    if per_item_ms <= 0:  # the sizes are too close for the noise: no verdict
        how += "; not above the noise, measure with sizes further apart"
    return Figure(
        name="provider CPU per remediation, refresh-plan", value=round(per_item_ms, 3), unit=" ms",
        target=f"≤ {TARGET_CPU_PER_REMEDIATION_MS} ms", met=(per_item_ms <= TARGET_CPU_PER_REMEDIATION_MS) if per_item_ms > 0 else None,
        detail=f"all launches' CPU, {how}",
        extra={"provider_cpu_ms_by_n": {str(n): round(c * 1000, 1) for n, c in sorted(provider_cpu.items())}},
    )
