"""`RollingRemediation`: remediate many nodes of a cluster a few at a time, in a visible order."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ._cdk import cdk
from ._element import synthesizes_hcl
from ._values import MAX_TEXT_LENGTH, Checker, PropError, is_unresolved, timeouts_block
from .data_cluster import DataTogetherCluster
from .enums import RemediationMode
from .remediation import Remediation, RemediationTimeouts

DEFAULT_MODE = RemediationMode.REBOOT_VM
DEFAULT_MAX_IN_FLIGHT = 1
DEFAULT_MAX_UNAVAILABLE_SHARE = 0.25
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9_-]")


class RollingRemediation(Construct):
    """Remediates a list of instances (or nodes, by name) in batches of `max_in_flight`.

    Each node gets one `Remediation`; every remediation of batch n depends on every one of batch
    n - 1, so Terraform starts a batch only when the previous one succeeded, and a failure stops
    the roll. Resource names start with the batch number (`<id>_01-gpu-03_...`), so the plan lists
    them in the order they run.

    Safety: a batch may take down at most `max_unavailable_share` of the cluster's nodes (a roll
    that evicts counts every node it evicts, since evictions are permanent). With
    `cluster_node_count` this is checked at synth; without it, a precondition on every remediation
    checks it at plan time against the node count the `together_cluster` data source reads.

    :param scope: the stack (or construct) to add the remediations to.
    :param id: the construct id (the prefix of every resource name).
    :param cluster_id: the GPU cluster (required).
    :param instance_ids: the instances, in the order to remediate them. Exactly one of
        `instance_ids` and `node_names`.
    :param node_names: the nodes by name (e.g. `gpu-03`), resolved to instance ids at plan time
        through the `together_cluster` data source.
    :param mode: one mode for every node (default `REMEDIATION_MODE_REBOOT_VM` when no
        `escalation` is given).
    :param escalation: an escalation ladder for every node instead of one mode.
    :param max_in_flight: nodes remediated at once (default 1).
    :param max_unavailable_share: the largest share of the cluster's nodes a batch may take down
        (default 0.25).
    :param cluster_node_count: the cluster's node count, when known, for the synth-time check.
    :param cluster: a `DataTogetherCluster` of this cluster to reuse (default: one is created when
        needed).
    :param reason: the reason of every remediation (default `"rolling remediation <id>"`).
    :param triggers: strings that, when changed, plan a new run of the whole roll.
    :param rerun_on_failure: plan another attempt for a node whose remediation failed (default False).
    :param timeouts: `RemediationTimeouts` for every remediation.
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs the first batch waits for.
    """

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        instance_ids: Sequence[str] | None = None,
        node_names: Sequence[str] | None = None,
        mode: RemediationMode | str | None = None,
        escalation: Sequence[RemediationMode | str] | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_unavailable_share: float = DEFAULT_MAX_UNAVAILABLE_SHARE,
        cluster_node_count: int | None = None,
        cluster: DataTogetherCluster | None = None,
        reason: str | None = None,
        triggers: Mapping[str, str] | None = None,
        rerun_on_failure: bool | None = None,
        timeouts: RemediationTimeouts | Mapping[str, str] | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
    ) -> None:
        check = Checker(scope, id)
        check.path_id("cluster_id", cluster_id, required=True)
        if (instance_ids is None) == (node_names is None):
            check.fail("instance_ids", "set exactly one of instance_ids and node_names")
        by_name = node_names is not None
        keys_prop = "node_names" if by_name else "instance_ids"
        keys = check.string_list(keys_prop, node_names if by_name else instance_ids)
        if is_unresolved(keys):
            check.fail(keys_prop, "must be a list known at synth (the order of the roll)")
        if not keys:
            check.fail(keys_prop, "must name at least one node")
        if not by_name:  # instance ids become path segments; node names are looked up in the cluster
            for index, key in enumerate(keys):
                check.path_id(f"instance_ids[{index}]", key)
        duplicates = sorted(key for key, times in Counter(keys).items() if times > 1)
        if duplicates:
            check.fail(keys_prop, f"lists {', '.join(duplicates)} more than once")
        if mode is not None and escalation is not None:
            check.fail("mode", "set at most one of mode and escalation")
        if mode is None and escalation is None:
            mode = DEFAULT_MODE
        # Every prop the remediations share is checked here, so a bad one names this construct.
        mode = check.enum("mode", mode, RemediationMode)
        escalation = check.enum_list("escalation", escalation, RemediationMode, min_items=1, unique=True)
        reason = check.text("reason", reason, max_length=MAX_TEXT_LENGTH)
        triggers = check.string_map("triggers", triggers)
        rerun_on_failure = check.boolean("rerun_on_failure", rerun_on_failure)
        timeouts = timeouts_block(check, timeouts, ("create", "delete"))
        max_in_flight = check.integer("max_in_flight", max_in_flight, minimum=1)
        if is_unresolved(max_in_flight):
            check.fail("max_in_flight", "must be a number known at synth (it shapes the batches)")
        share = check.share("max_unavailable_share", max_unavailable_share)
        check.integer("cluster_node_count", cluster_node_count, minimum=1)
        # Evictions are permanent: every node of the roll ends up unavailable, not one batch.
        evicts = RemediationMode.EVICT_WITHOUT_REPLACEMENT.value in ([mode] if mode is not None else escalation)
        unavailable = len(keys) if evicts else max_in_flight
        taking_down = f"evicting {unavailable} nodes for good" if evicts else f"{unavailable} nodes at once"
        if cluster_node_count is not None:
            allowed = math.floor(share * cluster_node_count)
            if unavailable > allowed:
                check.fail(
                    keys_prop if evicts else "max_in_flight",
                    f"{taking_down} would take down more than {share:.0%} of the cluster's "
                    f"{cluster_node_count} nodes (at most {allowed}); "
                    + ("evict fewer nodes" if evicts else "lower max_in_flight")
                    + " or raise max_unavailable_share",
                )

        super().__init__(scope, id)
        if cluster is None and (by_name or cluster_node_count is None):
            cluster = DataTogetherCluster(self, "cluster", cluster_id=cluster_id, provider=provider)
        #: The `together_cluster` data source of the roll (None when neither node names nor the guard need it).
        self.cluster: DataTogetherCluster | None = cluster
        #: Nodes remediated at once.
        self.max_in_flight: int = max_in_flight
        lifecycle = None
        if cluster_node_count is None:
            lifecycle = _share_precondition(cluster, share, unavailable, taking_down, id)

        #: The remediations, batch by batch, in the order they run.
        self.batches: list[list[Remediation]] = []
        #: The remediation of each instance id (or node name).
        self.remediations: dict[str, Remediation] = {}
        width = len(str(math.ceil(len(keys) / max_in_flight)))
        previous: list[Remediation] = []
        hcl = synthesizes_hcl()  # HCL renders each resource apart: it needs the CDK's depends_on
        for start in range(0, len(keys), max_in_flight):
            number = len(self.batches) + 1
            batch = []
            # The first batch waits for the user's depends_on; the others for the batch before.
            waits_for = depends_on if number == 1 else (previous if hcl else None)
            for key in keys[start : start + max_in_flight]:
                remediation = Remediation(
                    self,
                    f"{number:0{width}d}-{_NOT_IN_ID.sub('_', key)}",
                    cluster_id=cluster_id,
                    instance_id=cluster.instance_id_of(key) if by_name else key,
                    mode=mode,
                    escalation=escalation,
                    reason=reason if reason is not None else f"rolling remediation {id}",
                    triggers=triggers,
                    rerun_on_failure=rerun_on_failure,
                    timeouts=timeouts,
                    provider=provider,
                    depends_on=waits_for,
                    lifecycle=lifecycle,
                )
                if not hcl and number > 1:
                    # The same depends_on, written at synth by the stack's element: no calls to Node.
                    remediation._run_after(previous)
                batch.append(remediation)
                self.remediations[key] = remediation
            self.batches.append(batch)
            previous = batch

    @property
    def last_batch(self) -> list[Remediation]:
        """The remediations that run last: depend on them to run something after the roll."""
        return self.batches[-1]

    def state_of(self, key: str) -> str:
        """A token for the state of the remediation of `key` (an instance id or a node name)."""
        if key not in self.remediations:
            raise PropError(f"{self.node.path}: no remediation for {key!r}")
        return self.remediations[key].state


def _share_precondition(cluster: DataTogetherCluster, share: float, unavailable: int, taking_down: str, name: str) -> Any:
    """A lifecycle precondition: `unavailable` nodes are at most `share` of the cluster's nodes."""
    node_count = cdk.Fn.length_of(cluster.gpu_worker_nodes.resolvable)
    condition = cdk.Op.gte(cdk.Op.mul(node_count, share), unavailable)
    return cdk.TerraformResourceLifecycle(
        precondition=[
            cdk.Precondition(
                condition=condition,
                error_message=(
                    f"rolling remediation {name}: {taking_down} is more than {share:.0%} of the "
                    "cluster's nodes; lower max_in_flight (or evict fewer nodes) or raise max_unavailable_share."
                ),
            )
        ]
    )
