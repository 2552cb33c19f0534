"""Clusters as ``GET /v1/compute/clusters`` shows them (the SDK's full ``Cluster``), and adding them."""

from __future__ import annotations

import sqlite3
from typing import Any

from together_api.errors import RpcCode
from together_api.models import GPUClusterInfo

from together_simulator import timeutil
from together_simulator.identity import PROJECT_ID
from together_simulator.errors import ApiError, invalid
from together_simulator.service import Service

GPUS_PER_NODE = 8
CPU_CORES_PER_NODE = 96
MEMORY_GIB_PER_NODE = 1024


def get_cluster(service: Service, cluster_id: str) -> dict[str, Any]:
    return cluster_document(service, service.require_cluster(cluster_id))


def list_clusters(service: Service) -> dict[str, Any]:
    rows = service.store.all("SELECT * FROM clusters ORDER BY seq")
    return {"clusters": [cluster_document(service, row) for row in rows]}


def cluster_document(service: Service, cluster: sqlite3.Row) -> dict[str, Any]:
    """The SDK's full ``Cluster``: every required field; each worker node carries its latest remediation."""
    cluster_id = cluster["cluster_id"]
    nodes = service.store.all("SELECT * FROM nodes WHERE cluster_id=? ORDER BY position", (cluster_id,))
    # The latest remediation of each instance: the one created last.
    latest_rows = service.store.all(
        "SELECT * FROM remediations WHERE seq IN (SELECT MAX(seq) FROM remediations WHERE cluster_id=?"
        " GROUP BY instance_id)",
        (cluster_id,),
    )
    latest = {r["instance_id"]: r for r in latest_rows}
    rendered = {r["instance_id"]: r for r in service.render(latest_rows)} if latest_rows else {}
    created = timeutil.rfc3339(cluster["created_at"])
    auto_remediation = cluster["confirmation_policy"] == "AUTOMATIC"
    workers = []
    for node in nodes:
        worker: dict[str, Any] = {
            # The live API's node_id is the node's name in the tenant's cluster (gpu-05); the
            # table's node_id column (node-NAME-05) is the simulator's own and stays inside.
            "node_id": node["node_name"],
            "host_name": node["host_name"],
            "status": "Ready",
            "instance_id": node["instance_id"],
            "num_cpu_cores": CPU_CORES_PER_NODE,
            "num_gpus": GPUS_PER_NODE,
            "memory_gib": MEMORY_GIB_PER_NODE,
            "networks": ["10.0.0.0/16"],
            "phase_transitions": [{"phase": "NODE_PHASE_RUNNING", "transition_time": created}],
            "auto_remediation_enabled": auto_remediation,
            "marked_for_deletion": False,
        }
        if node["instance_id"] in latest:
            worker["latest_remediation"] = rendered[node["instance_id"]]
        workers.append(worker)
    num_gpus = GPUS_PER_NODE * len(nodes)
    info = {
        "cluster_id": cluster_id,
        "cluster_name": cluster["name"],
        "cluster_type": "KUBERNETES",
        "billing_type": "RESERVED",
        "project_id": PROJECT_ID,
        "region": "us-central-8",
        "gpu_type": "H100_SXM",
        "cuda_version": "12.5",
        "nvidia_driver_version": "550",
        "status": "Ready",
        "created_at": created,
        "phase_transitions": [{"phase": "CLUSTER_PHASE_READY", "transition_time": created}],
        "num_gpus": num_gpus,
        "num_reserved_gpus": num_gpus,
        "num_capacity_pool_gpus": 0,
        "num_cpu_workers": 0,
        "allocated_preemptible_gpus": 0,
        "desired_preemptible_gpus": 0,
        "add_ons": [],
        "volumes": [],
        "control_plane_ready": True,
        "control_plane_nodes": [
            {
                "node_id": "cp-01",
                "host_name": f"host-{cluster['name']}-cp-01",
                "status": "Ready",
                "num_cpu_cores": 16,
                "memory_gib": 64,
                "network": "10.0.0.0/16",
                "phase_transitions": [{"phase": "NODE_PHASE_RUNNING", "transition_time": created}],
            }
        ],
        "gpu_worker_nodes": workers,
        "deleted_gpu_worker_nodes": [],
        # The real API returns a kubeconfig here; the simulator has none to give.
        "kube_config": "",
    }
    # Check the shape against the shared model, then answer the full document.
    GPUClusterInfo.model_validate(info)
    return info


def add_cluster(service: Service, cluster_id: str, name: str, nodes: int) -> dict[str, Any]:
    """A cluster of ``nodes`` GPU workers: gpu-01.., instance ids inst-NAME-01.."""
    if not cluster_id or not isinstance(cluster_id, str):
        raise invalid("cluster_id is required")
    if isinstance(nodes, bool) or not isinstance(nodes, int) or not 1 <= nodes <= 10000:
        raise invalid("nodes must be an integer between 1 and 10000")
    if service.store.one("SELECT 1 FROM clusters WHERE cluster_id=?", (cluster_id,)):
        raise ApiError(RpcCode.ALREADY_EXISTS, f'cluster "{cluster_id}" already exists')
    width = max(2, len(str(nodes)))
    with service.store.write() as db:
        db.execute(
            "INSERT INTO clusters (cluster_id, name, created_at) VALUES (?,?,?)",
            (cluster_id, name, timeutil.now()),
        )
        db.executemany(
            "INSERT INTO nodes (cluster_id, instance_id, position, node_id, node_name, host_name)"
            " VALUES (?,?,?,?,?,?)",
            [
                (cluster_id, f"inst-{name}-{i:0{width}d}", i, f"node-{name}-{i:0{width}d}",
                 f"gpu-{i:0{width}d}", f"host-{name}-{i:0{width}d}")
                for i in range(1, nodes + 1)
            ],
        )
    return get_cluster(service, cluster_id)
