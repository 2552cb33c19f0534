"""How long a plan review takes for large plans: parse, build, render Markdown and JSON, gate.

    .venv/bin/python bench/plan_review_bench.py [--remediations 2000] [--clusters 8] [--repeat 5]

The plan is synthetic but shaped like `terraform show -json` (creates with unknown computed
fields, a together_cluster data source per cluster in the prior state).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from together_remediation.review import build_review, check_policy, parse_plan, render_json, render_markdown
from together_remediation.review.policy import Policy

MODES = ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"]
COMPUTED = ["id", "state", "instance_name", "linked_alerts", "attempts", "create_time", "update_time"]


def synthetic_plan(remediations: int, clusters: int) -> dict:
    nodes_per_cluster = max(1, remediations // clusters)
    prior = []
    for c in range(clusters):
        nodes = [
            {"node_name": f"gpu-{n:04d}", "instance_id": f"inst-{c}-{n:04d}", "status": "running"}
            for n in range(nodes_per_cluster)
        ]
        prior.append(
            {"address": f"data.together_cluster.c{c}", "mode": "data", "type": "together_cluster",
             "name": f"c{c}", "values": {"cluster_id": f"cluster-{c}", "name": f"c{c}", "gpu_worker_nodes": nodes}}
        )
    changes = []
    for i in range(remediations):
        c, n = i % clusters, (i // clusters) % nodes_per_cluster
        changes.append(
            {"address": f'together_remediation.r["{i}"]', "mode": "managed", "type": "together_remediation",
             "name": "r", "index": str(i),
             "change": {"actions": ["create"], "before": None,
                        "after": {"cluster_id": f"cluster-{c}", "instance_id": f"inst-{c}-{n:04d}",
                                  "mode": MODES[i % 3], "reason": f"reason {i}"},
                        "after_unknown": {k: True for k in COMPUTED}, "before_sensitive": False,
                        "after_sensitive": {}}}
        )
    return {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}},
            "resource_changes": changes, "prior_state": {"values": {"root_module": {"resources": prior}}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--remediations", type=int, default=2000)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = json.dumps(synthetic_plan(args.remediations, args.clusters))
    policy = Policy(max_remediations_per_cluster=10, max_cluster_node_share=0.25, require_reason=True)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        review = build_review(parse_plan(json.loads(text)))
        violations = check_policy(review, policy)
        render_markdown(review, violations)
        render_json(review, violations)
        timings.append(time.perf_counter() - start)
    print(
        f"plan review of {args.remediations} remediations in {args.clusters} clusters "
        f"({len(text) / 1e6:.1f} MB of plan JSON): median {statistics.median(timings) * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms over {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
