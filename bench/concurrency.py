"""Concurrency: the peak number of API requests in flight during an apply with ``-parallelism=30``
while every simulator request takes 50 ms, read from the simulator's counters.

With the latency, 30 creates that run at once overlap at the simulator; a peak below 30 means
something in the provider (worker pool, HTTP connection pool, a lock) serializes them.
"""

from __future__ import annotations

from bench.harness import Bench, Figure, Report, remediations_config

PARALLELISM = 30
LATENCY_MS = 50
REMEDIATIONS = 60  # two waves of 30


def run(bench: Bench, report: Report) -> None:
    cluster_id, instances = bench.new_cluster(REMEDIATIONS)
    workspace = bench.workspace("concurrency", uses_api=True)
    workspace.write_json(remediations_config(cluster_id, instances))
    workspace.init()
    bench.simulator.set_faults(latency_ms=LATENCY_MS)
    try:
        bench.simulator.reset_stats()
        workspace.apply(f"-parallelism={PARALLELISM}")
        stats = bench.simulator.stats()
    finally:
        bench.simulator.set_faults(latency_ms=0)
    peak = stats["in_flight_peak"]
    report.add(Figure(
        name=f"requests in flight, -parallelism={PARALLELISM}", value=peak, unit="",
        target=f"{PARALLELISM}", met=peak == PARALLELISM,
        detail=f"peak over an apply of {REMEDIATIONS} remediations, {LATENCY_MS} ms latency, {stats['requests_total']} requests",
        extra={"requests_total": stats["requests_total"]},
    ))
