"""Pydantic models of Together's remediation API and the cluster fields it needs.

The contract is Together's Python SDK (``together`` 3.1.1, generated from the spec the live
API serves; the parity test in ``tests/together_api/test_sdk_parity.py`` walks its models). The
value lists come from ``together_api.vocabulary``. Timestamps stay RFC 3339 strings, exactly as
the API sends them.

Three habits make the models safe against a service that moves ahead of us:
- unknown fields are ignored;
- an enum value we do not know yet is kept as its raw string instead of failing;
- what the SDK marks optional is optional here, and a few fields the SDK requires but nothing
  here needs (an alert's typed ``annotation``, a node's hardware counts) are optional too, so an
  older server still reads.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from together_api import vocabulary
from together_api.vocabulary import enum_value  # noqa: F401 (the models' readers take it from here too)


def _member(value: str, prefix: str = "") -> str:
    return value[len(prefix):] if prefix and value.startswith(prefix) else value


RemediationMode = Enum(
    "RemediationMode",
    {_member(m, vocabulary.MODE_PREFIX): m for m in vocabulary.MODE_NAMES},
    type=str,
    module=__name__,
)
RemediationMode.__doc__ = "How a remediation repairs the instance (``together_api.vocabulary.MODES``)."
RemediationState = Enum("RemediationState", {s: s for s in vocabulary.STATE_NAMES}, type=str, module=__name__)
RemediationState.__doc__ = "Where a remediation is in its life (``together_api.vocabulary.STATES``)."
RemediationTrigger = Enum(
    "RemediationTrigger",
    {_member(t, "REMEDIATION_TRIGGER_"): t for t in vocabulary.TRIGGER_NAMES},
    type=str,
    module=__name__,
)
AlertSeverity = Enum(
    "AlertSeverity", {_member(s, "PHC_SEVERITY_"): s for s in vocabulary.SEVERITIES}, type=str, module=__name__
)

TERMINAL_STATES = frozenset(RemediationState(s) for s in vocabulary.TERMINAL_STATES)
"""States a remediation never leaves."""
ACTIVE_STATES = frozenset(RemediationState(s) for s in vocabulary.ACTIVE_STATES)
"""States that hold an instance: at most one remediation per instance is in one of them."""

# Left-to-right unions try the enum first and keep an unknown value as its raw string.
ModeValue = Annotated[Union[RemediationMode, str], Field(union_mode="left_to_right")]
StateValue = Annotated[Union[RemediationState, str], Field(union_mode="left_to_right")]
TriggerValue = Annotated[Union[RemediationTrigger, str], Field(union_mode="left_to_right")]
SeverityValue = Annotated[Union[AlertSeverity, str], Field(union_mode="left_to_right")]



def is_terminal(state: Enum | str | None) -> bool:
    return enum_value(state) in vocabulary.TERMINAL_STATES


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _read_only(description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={"readOnly": True})


class _ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, use_enum_values=False)

    def to_api(self) -> dict[str, Any]:
        """The JSON body as the API writes it: enums as strings, unset fields left out."""
        return self.model_dump(mode="json", exclude_none=True)


class XidEvent(_ApiModel):
    """One NVIDIA Xid code seen in the alert window."""

    xid_code: str = Field(description="NVIDIA Xid code, such as `79`.")
    mnemonic: str = Field(default="", description="Driver mnemonic of the Xid code, when known.")
    count: int = Field(default=0, description="How many times the code appeared in the alert window.")


class XidDetails(_ApiModel):
    events: list[XidEvent] = Field(default_factory=list)


class SlurmNodeUnavailable(_ApiModel):
    reason: str = Field(default="", description="The Slurm drain reason of the node.")


class AlertAnnotation(_ApiModel):
    """Typed content parsed from the alert's annotations."""

    title: str = Field(default="", description="Alert title from the Alertmanager summary annotation.")
    summary_line: str = Field(default="", description="Per-firing summary line parsed from the evidence annotation.")
    description: str = Field(default="", description="Static explanation of the alert.")
    xid: XidDetails | None = None
    slurm_node_unavailable: SlurmNodeUnavailable | None = None

    @property
    def xid_codes(self) -> list[str]:
        return [e.xid_code for e in self.xid.events] if self.xid else []


class PassiveHealthCheckAlert(_ApiModel):
    """A passive health check alert linked to a remediation (the SDK's ``LinkedAlert``)."""

    passive_health_check_alert_id: str = Field(json_schema_extra={"readOnly": True})
    instance_id: str | None = _read_only("Resolved instance UUID; empty until joined to an instance.")
    cluster_id: str = Field(json_schema_extra={"readOnly": True})
    target_vm: str = Field(json_schema_extra={"readOnly": True})
    alert_name: str = Field(json_schema_extra={"readOnly": True})
    severity: SeverityValue = Field(json_schema_extra={"readOnly": True})
    annotation: AlertAnnotation | None = _read_only("Typed content parsed from the alert's annotations.")
    annotations: dict[str, str] = Field(default_factory=dict, json_schema_extra={"readOnly": True})
    started_at: str = Field(json_schema_extra={"readOnly": True})
    resolved_at: str | None = _read_only("When the alert resolved; empty while it fires.")
    node_remediation_intent_id: str | None = _read_only("Remediation intent attached to the alert.")


LinkedAlert = PassiveHealthCheckAlert


class Remediation(_ApiModel):
    """A node remediation request for one instance. Only ``mode`` and ``reason`` are writable."""

    id: str = Field(json_schema_extra={"readOnly": True})
    cluster_id: str = Field(json_schema_extra={"readOnly": True})
    instance_id: str = Field(json_schema_extra={"readOnly": True})
    mode: ModeValue
    trigger: TriggerValue = Field(json_schema_extra={"readOnly": True})
    state: StateValue = Field(json_schema_extra={"readOnly": True})
    reason: str | None = Field(default=None, description="User-provided reason for the remediation.")
    active_health_check_run_id: str | None = _read_only("Active health check run that triggered it.")
    passive_health_check_event_id: str | None = _read_only("Passive health check event that triggered it.")
    requested_by: str | None = _read_only("Who requested the remediation.")
    create_time: str | None = _read_only("When the remediation was created.")
    reviewed_by: str | None = _read_only("Who reviewed the remediation.")
    review_time: str | None = _read_only("When the remediation was reviewed.")
    review_comment: str | None = _read_only("Review comment.")
    start_time: str | None = _read_only("When processing started.")
    end_time: str | None = _read_only("When the remediation completed.")
    error_message: str | None = _read_only("Error message if the remediation failed.")
    update_time: str | None = _read_only("When the remediation was last updated.")
    instance_name: str | None = _read_only("Display name of the targeted instance.")
    # The SDK has it Optional (null or absent); an empty list reads the same to every caller.
    linked_alerts: Annotated[list[PassiveHealthCheckAlert], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list,
        description="Passive health check alerts linked to this remediation, resolved ones included.",
        json_schema_extra={"readOnly": True},
    )

    @property
    def is_terminal(self) -> bool:
        return is_terminal(self.state)


READ_ONLY_REMEDIATION_FIELDS = frozenset(
    name
    for name, field in Remediation.model_fields.items()
    if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("readOnly")
)


class RemediationCreate(_ApiModel):
    """The body of a create: the writable part of ``Remediation``."""

    mode: ModeValue
    reason: str | None = None


class ApproveBody(_ApiModel):
    """The body of approve: a comment and an optional mode to run instead of the proposed one."""

    comment: str | None = None
    mode: ModeValue | None = None


class CommentBody(_ApiModel):
    """The body of reject."""

    comment: str | None = None


class ListRemediationsResponse(_ApiModel):
    remediations: list[Remediation] = Field(default_factory=list)
    # The live API always sends it ("" on the last page); older servers leave it out.
    next_page_token: str | None = None
    has_next: bool = False


class RpcStatus(_ApiModel):
    """grpc-gateway's error body (google.rpc.Status)."""

    code: int
    message: str = ""
    details: list[dict[str, Any]] = Field(default_factory=list)


class NodePhaseTransition(_ApiModel):
    """One step of a node's provisioning history (``NODE_PHASE_RUNNING`` ...), kept as sent."""

    phase: str
    transition_time: str | None = None


class GPUWorkerNode(_ApiModel):
    """A GPU worker node as the live API has it (``node_id`` is its name in the cluster).

    ``node_name`` is the older spec's name field, gone from the live API; it is still read so
    that a server in the older shape works.
    """

    node_id: str | None = None
    node_name: str | None = None
    host_name: str | None = None
    status: str | None = None
    instance_id: str | None = None
    num_gpus: int | None = None
    num_cpu_cores: int | None = None
    memory_gib: float | None = None
    networks: list[str] = Field(default_factory=list)
    phase_transitions: list[NodePhaseTransition] = Field(default_factory=list)
    ephemeral_storage: str | None = None
    ib_hca_count: int | None = None
    ib_hca_type: str | None = None
    nvswitch_count: int | None = None
    nvswitch_type: str | None = None
    auto_remediation_enabled: bool | None = None
    marked_for_deletion: bool | None = None
    public_ipv4: str | None = None
    slurm_worker_hostname: str | None = None
    deleted_at: str | None = None
    latest_remediation: Remediation | None = None

    @property
    def name(self) -> str | None:
        """The node's name in the cluster: ``node_name`` where a server still sends it (the older
        shape, whose ``node_id`` is an opaque id such as ``node-training-07``), else ``node_id`` (live)."""
        return self.node_name or self.node_id


class GPUClusterInfo(_ApiModel):
    """The part of the SDK's ``Cluster`` that remediations need.

    ``kube_config`` is deliberately not modelled: it is a credential and nothing here needs it.
    """

    cluster_id: str
    cluster_name: str | None = None
    cluster_type: str | None = None
    status: str | None = None
    region: str | None = None
    gpu_type: str | None = None
    num_gpus: int | None = None
    gpu_worker_nodes: list[GPUWorkerNode] = Field(default_factory=list)
    # Optional in the SDK: null (or absent) reads as no deleted nodes.
    deleted_gpu_worker_nodes: Annotated[list[GPUWorkerNode], BeforeValidator(_none_as_empty)] = Field(default_factory=list)


class GPUClusters(_ApiModel):
    clusters: list[GPUClusterInfo] = Field(default_factory=list)
