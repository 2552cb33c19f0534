"""Data source ``together_cluster``: a GPU cluster's name, status and GPU worker nodes.

It lets a configuration name a node the way operators do (``gpu-07``) and find its instance
id. The node's name is ``node_id`` on the live API and ``node_name`` on older servers
(``GPUWorkerNode.name`` reads either); the node object keeps ``node_name``, filled with the same
name, for configurations written against the older shape. The cluster's ``kube_config`` is a
credential: the API models do not even read it.
"""

from __future__ import annotations

from provider_shim.framework.base import Call, DataSourceType, ProviderError, State
from provider_shim.framework.schema import Bool, List, Map, Object, String, build_schema, computed, required
from provider_shim.framework.validation import MAX_ID_LENGTH, Validator
from together_api.vocabulary import enum_value

NODE_OBJECT = Object(
    {
        "node_id": String(),
        "node_name": String(),
        "instance_id": String(),
        "status": String(),
        "host_name": String(),
        "auto_remediation_enabled": Bool(),
        "marked_for_deletion": Bool(),
        "latest_remediation_id": String(),
        "latest_remediation_state": String(),
        "latest_remediation_mode": String(),
    }
)


class ClusterDataSource(DataSourceType):
    name = "cluster"

    @classmethod
    def schema(cls):
        return build_schema(
            "A GPU cluster: its name, status and GPU worker nodes with their latest remediation. "
            "The cluster's kubeconfig is never read or exposed.",
            [
                required("cluster_id", String(), "The GPU cluster's id."),
                computed("id", String(), "The GPU cluster's id (the same as `cluster_id`)."),
                computed("name", String(), "The cluster's name."),
                computed("status", String(), "The cluster's status, as the API gives it."),
                computed(
                    "gpu_worker_nodes",
                    List(NODE_OBJECT),
                    "The cluster's GPU worker nodes: `node_id` (the node's name in the cluster, such as `gpu-07`), "
                    "`node_name` (the same name, kept for configurations written before the API renamed it to "
                    "`node_id`), `instance_id` (what a remediation targets), `status`, `host_name`, "
                    "`auto_remediation_enabled` (whether Together's health checks may raise remediations for it), "
                    "`marked_for_deletion`, and the id, state and mode of the node's latest remediation "
                    "(`latest_remediation_id`, `latest_remediation_state`, `latest_remediation_mode`; null when it "
                    "has none). Unset fields are null.",
                ),
                computed(
                    "instance_id_by_node_name",
                    Map(String()),
                    "Node name (`node_id`) to instance id, such as `{\"gpu-07\" = \"inst-training-07\"}`, for the "
                    "nodes that have an instance.",
                ),
            ],
        )

    def validate_config(self, check: Validator) -> None:
        check.non_empty("cluster_id")
        check.path_ids("cluster_id")
        check.max_length(MAX_ID_LENGTH, "cluster_id")

    def read(self, call: Call, config: State) -> State:
        from together_api.errors import NotFoundError

        cluster_id = config["cluster_id"]
        try:
            cluster = call.session.client.get_cluster(cluster_id)
        except NotFoundError as exc:
            raise ProviderError(f"Cluster {cluster_id} not found", exc.api_message, path=["cluster_id"]) from None
        nodes = [_node_value(node) for node in cluster.gpu_worker_nodes]
        return {
            "cluster_id": cluster_id,
            "id": cluster.cluster_id,
            "name": cluster.cluster_name,
            "status": cluster.status,
            "gpu_worker_nodes": nodes,
            "instance_id_by_node_name": {n["node_id"]: n["instance_id"] for n in nodes if n["node_id"] and n["instance_id"]},
        }


def _node_value(node) -> dict:
    latest = node.latest_remediation
    return {
        "node_id": node.name or None,
        "node_name": node.name or None,
        "instance_id": node.instance_id or None,
        "status": node.status or None,
        "host_name": node.host_name or None,
        "auto_remediation_enabled": node.auto_remediation_enabled,
        "marked_for_deletion": node.marked_for_deletion,
        "latest_remediation_id": latest.id if latest else None,
        "latest_remediation_state": enum_value(latest.state) if latest else None,
        "latest_remediation_mode": enum_value(latest.mode) if latest else None,
    }


DATA_SOURCE_TYPE = ClusterDataSource
