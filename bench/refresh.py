"""Refresh-plan over N existing remediations, against the same N ``terraform_data``; and the HTTP
requests the provider sends to refresh them.

Setup (not timed): a fresh simulator cluster of N nodes, one remediation applied per node (zero
lifecycle, so every one has SUCCEEDED), and a ``terraform_data`` workspace applied with the same
N declarations. Timed: ``terraform plan -detailed-exitcode`` (a refresh of every resource and an
empty plan, which the exit code proves), alternating provider and ``terraform_data`` runs.
Requests: the simulator's counters around one more provider plan.
"""

from __future__ import annotations

from bench.harness import (
    BUILTIN, PROVIDER, Bench, Figure, Report, pages_needed, ratio_figure, remediations_config, side_by_side,
    terraform_data_config,
)

TARGET_RATIO_AT = {300: 2.0}  # the target applies at N = 300; other sizes show growth
REQUEST_SLACK = 2


def run(bench: Bench, report: Report, sizes: list[int], runs: int) -> None:
    from provider_shim.framework.lookups import LIST_PAGE_SIZE

    for count in sizes:
        cluster_id, instances = bench.new_cluster(count)
        provider = bench.workspace(f"refresh-{count}-provider", uses_api=True)
        provider.write_json(remediations_config(cluster_id, instances))
        builtin = bench.workspace(f"refresh-{count}-terraform-data", uses_api=False)
        builtin.write_json(terraform_data_config(cluster_id, instances))
        for workspace in (provider, builtin):
            workspace.init()
            workspace.apply()

        samples = side_by_side(runs, {
            PROVIDER: lambda: provider.plan("-detailed-exitcode"),
            BUILTIN: lambda: builtin.plan("-detailed-exitcode"),
        })
        report.add(ratio_figure(f"refresh-plan N={count} vs terraform_data", samples, TARGET_RATIO_AT.get(count), n=count))

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
