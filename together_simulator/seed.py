"""The demo world (``--seed demo``): two clusters of 16 GPU nodes, one repair awaiting approval.

Ids are stable (see docs/design/contracts.md), so examples and tests can name them. Seeding an
already seeded database changes nothing.
"""

from __future__ import annotations

import uuid

from together_simulator.clusters import add_cluster
from together_simulator.health_checks import inject_alert
from together_simulator.service import Service

DEMO_CLUSTERS = (("cluster-training", "training"), ("cluster-inference", "inference"))
DEMO_NODES = 16
DEMO_ALERT = {
    "cluster_id": "cluster-training",
    "instance_id": "inst-training-03",
    "alert_name": "GPUXidError",
    "severity": "PHC_SEVERITY_CRITICAL",
    "annotations": {
        "summary": "GPU 5 reported Xid 79 (fallen off the bus)",
        "description": "NVIDIA Xid 79 on gpu-03: the GPU has fallen off the bus; reprovision the VM.",
    },
    "annotation": {
        "title": "GPU 5 reported Xid 79 (fallen off the bus)",
        "summary_line": "dmesg: NVRM: Xid (PCI:0000:b5:00): 79, GPU has fallen off the bus",
        "description": "NVIDIA Xid 79 on gpu-03: the GPU has fallen off the bus; reprovision the VM.",
        "xid": {"events": [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus", "count": 1}]},
    },
    "mode": "REMEDIATION_MODE_VM_ONLY",
}
DEMO_ALERT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "together-simulator:demo:alert:inst-training-03"))
DEMO_REMEDIATION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "together-simulator:demo:remediation:inst-training-03"))


def seed_demo(service: Service) -> None:
    for cluster_id, name in DEMO_CLUSTERS:
        if service.store.one("SELECT 1 FROM clusters WHERE cluster_id=?", (cluster_id,)) is None:
            add_cluster(service, cluster_id, name, DEMO_NODES)
            if cluster_id == DEMO_ALERT["cluster_id"]:
                inject_alert(service, dict(DEMO_ALERT), alert_id=DEMO_ALERT_ID, new_remediation_id=DEMO_REMEDIATION_ID)


SEEDS = {"demo": seed_demo}
