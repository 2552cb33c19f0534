"""Pydantic models of Together's remediation API and the cluster fields it needs.

The contract is ``shared/reference``: the remediation service's OpenAPI and the newer
"Remediation create" page, which wins where they differ (four modes, ``instance_name``,
``linked_alerts``). Timestamps stay RFC 3339 strings, exactly as the API sends them.

Two habits make the models safe against a service that moves ahead of us:
- unknown fields are ignored;
- an enum value we do not know yet is kept as its raw string instead of failing.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field


class RemediationMode(str, Enum):
    """How a remediation repairs the instance."""

    VM_ONLY = "REMEDIATION_MODE_VM_ONLY"
    """Delete the VM and provision a new one on any available host."""
    HOST_AWARE = "REMEDIATION_MODE_HOST_AWARE"
    """Cordon the host, delete the VM and provision a new one on a different host."""
    EVICT_WITHOUT_REPLACEMENT = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
    """Remove the node from the cluster without a replacement."""
    REBOOT_VM = "REMEDIATION_MODE_REBOOT_VM"
    """Reboot the VM in place."""


class RemediationState(str, Enum):
    PENDING_APPROVAL = "PENDING_APPROVAL"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    AUTO_RESOLVED = "AUTO_RESOLVED"


class RemediationTrigger(str, Enum):
    MANUAL = "REMEDIATION_TRIGGER_MANUAL"
    AUTOMATED = "REMEDIATION_TRIGGER_AUTOMATED"


class AlertSeverity(str, Enum):
    INFO = "PHC_SEVERITY_INFO"
    WARNING = "PHC_SEVERITY_WARNING"
    CRITICAL = "PHC_SEVERITY_CRITICAL"


TERMINAL_STATES = frozenset(
    {
        RemediationState.SUCCEEDED,
        RemediationState.FAILED,
        RemediationState.CANCELLED,
        RemediationState.AUTO_RESOLVED,
    }
)
"""States a remediation never leaves."""

ACTIVE_STATES = frozenset(set(RemediationState) - TERMINAL_STATES)
"""States that hold an instance: at most one remediation per instance is in one of them."""

SEVERITY_RANK = {AlertSeverity.INFO: 0, AlertSeverity.WARNING: 1, AlertSeverity.CRITICAL: 2}

# Disruption, lowest first: the order plan reviews and escalation ladders use.
MODE_DISRUPTION = {
    RemediationMode.REBOOT_VM: 1,
    RemediationMode.VM_ONLY: 2,
    RemediationMode.HOST_AWARE: 3,
    RemediationMode.EVICT_WITHOUT_REPLACEMENT: 4,
}

# Left-to-right unions try the enum first and keep an unknown value as its raw string.
ModeValue = Annotated[Union[RemediationMode, str], Field(union_mode="left_to_right")]
StateValue = Annotated[Union[RemediationState, str], Field(union_mode="left_to_right")]
TriggerValue = Annotated[Union[RemediationTrigger, str], Field(union_mode="left_to_right")]
SeverityValue = Annotated[Union[AlertSeverity, str], Field(union_mode="left_to_right")]


def enum_value(value: Enum | str | None) -> str | None:
    """The wire string of a known or unknown enum value."""
    if value is None:
        return None
    return value.value if isinstance(value, Enum) else value


def is_terminal(state: RemediationState | str | None) -> bool:
    return enum_value(state) in {s.value for s in TERMINAL_STATES}


def _read_only(description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={"readOnly": True})


class _ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, use_enum_values=False)

    def to_api(self) -> dict[str, Any]:
        """The JSON body as the API writes it: enums as strings, unset fields left out."""
        return self.model_dump(mode="json", exclude_none=True)


class PassiveHealthCheckAlert(_ApiModel):
    """A passive health check alert linked to a remediation (all fields read-only)."""

    passive_health_check_alert_id: str = Field(json_schema_extra={"readOnly": True})
    instance_id: str | None = _read_only("Resolved instance UUID; empty until joined to an instance.")
    cluster_id: str = Field(json_schema_extra={"readOnly": True})
    target_vm: str = Field(json_schema_extra={"readOnly": True})
    alert_name: str = Field(json_schema_extra={"readOnly": True})
    severity: SeverityValue = Field(json_schema_extra={"readOnly": True})
    annotations: dict[str, str] = Field(default_factory=dict, json_schema_extra={"readOnly": True})
    started_at: str = Field(json_schema_extra={"readOnly": True})
    resolved_at: str | None = _read_only("When the alert resolved; empty while it fires.")
    node_remediation_intent_id: str | None = _read_only("Remediation intent attached to the alert.")


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
    linked_alerts: list[PassiveHealthCheckAlert] = Field(
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


class CommentBody(_ApiModel):
    """The body of approve and reject."""

    comment: str | None = None


class ListRemediationsResponse(_ApiModel):
    remediations: list[Remediation] = Field(default_factory=list)
    next_page_token: str | None = None
    has_next: bool = False


class RpcStatus(_ApiModel):
    """grpc-gateway's error body (google.rpc.Status)."""

    code: int
    message: str = ""
    details: list[dict[str, Any]] = Field(default_factory=list)


class GPUWorkerNode(_ApiModel):
    """The part of ``GPUClusterGPUWorkerNode`` that remediations need."""

    node_id: str | None = None
    node_name: str
    status: str | None = None
    host_name: str | None = None
    instance_id: str | None = None
    num_gpus: int | None = None
    latest_remediation: Remediation | None = None


class GPUClusterInfo(_ApiModel):
    """The part of ``GPUClusterInfo`` that remediations need.

    ``kube_config`` is deliberately not modelled: it is a credential and nothing here needs it.
    """

    cluster_id: str
    cluster_name: str | None = None
    status: str | None = None
    region: str | None = None
    gpu_type: str | None = None
    num_gpus: int | None = None
    gpu_worker_nodes: list[GPUWorkerNode] = Field(default_factory=list)


class GPUClusters(_ApiModel):
    clusters: list[GPUClusterInfo] = Field(default_factory=list)
