"""The `together_cluster` data source: a GPU cluster and its worker nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._cdk import cdk
from ._element import TogetherDataSource, element_config
from ._values import Checker, drop_unset
from .references import GpuWorkerNodeListReference

TERRAFORM_TYPE = "together_cluster"


class DataTogetherCluster(TogetherDataSource, cdk.TerraformDataSource):
    """Reads a GPU cluster: its name, status and GPU worker nodes (never its kubeconfig).

    :param scope: the stack (or construct) the data source belongs to.
    :param id: the construct id.
    :param cluster_id: the GPU cluster (required).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to read after.
    :param count: how many copies.
    :param for_each: a `TerraformIterator`.
    :param lifecycle: `TerraformResourceLifecycle` (e.g. postconditions on the node count).
    """

    _terraform_type = TERRAFORM_TYPE
    _attribute_kinds = {"cluster_id": "string"}

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        check = Checker(scope, id)
        self._attributes = drop_unset({"cluster_id": check.path_id("cluster_id", cluster_id, required=True)})
        config = element_config(
            TERRAFORM_TYPE,
            provider=provider,
            depends_on=depends_on,
            count=count,
            for_each=for_each,
            lifecycle=lifecycle,
        )
        self._create(scope, id, config)

    @property
    def id(self) -> str:
        """The cluster's id."""
        return self.get_string_attribute("id")

    @property
    def name(self) -> str:
        """The cluster's name."""
        return self.get_string_attribute("name")

    @property
    def status(self) -> str:
        """The cluster's status."""
        return self.get_string_attribute("status")

    @property
    def gpu_worker_nodes(self) -> GpuWorkerNodeListReference:
        """The GPU worker nodes: `.get(i).instance_id`, or `.resolvable` for the whole list."""
        return GpuWorkerNodeListReference(self, "gpu_worker_nodes")

    @property
    def instance_id_by_node_name(self) -> Mapping[str, str]:
        """Node name to instance id, e.g. `{"gpu-03": "inst-training-03"}` (a map token)."""
        return self.get_string_map_attribute("instance_id_by_node_name")

    def instance_id_of(self, node_name: str) -> str:
        """A token for the instance id of the node named `node_name` (fails at plan if unknown)."""
        return cdk.Token.as_string(self.interpolation_for_attribute(f'instance_id_by_node_name["{node_name}"]'))
