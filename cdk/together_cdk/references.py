"""Typed token getters for the computed objects inside resources and data sources.

Example: `remediation.linked_alerts.get(0).alert_name` is a token Terraform resolves to the first
linked alert's name; `cluster.gpu_worker_nodes.resolvable` is the whole list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._element import ObjectListReference, ObjectReference


class XidEventReference(ObjectReference):
    """One NVIDIA Xid code seen in an alert's window."""

    @property
    def xid_code(self) -> str:
        """The Xid code, e.g. `79`."""
        return self._string("xid_code")

    @property
    def mnemonic(self) -> str:
        """The driver's mnemonic of the code, e.g. `GPU has fallen off the bus`."""
        return self._string("mnemonic")

    @property
    def count(self) -> float:
        """How many times the code appeared in the alert's window."""
        return self._number("count")


class XidEventListReference(ObjectListReference):
    """The `xid_events` list of an alert's annotation."""

    def __init__(self, element: object, path: str) -> None:
        super().__init__(element, path, XidEventReference)

    def get(self, index: int) -> XidEventReference:
        """The Xid event at `index`."""
        return super().get(index)


class AlertAnnotationReference(ObjectReference):
    """The typed content the API parsed from an alert's annotations (null when it parsed none)."""

    @property
    def title(self) -> str:
        """The alert's title (Alertmanager's summary)."""
        return self._string("title")

    @property
    def summary_line(self) -> str:
        """The summary line of this firing, from the evidence."""
        return self._string("summary_line")

    @property
    def description(self) -> str:
        """The static explanation of the alert."""
        return self._string("description")

    @property
    def xid_codes(self) -> list[str]:
        """The NVIDIA Xid codes seen, e.g. `["79"]` (a list token)."""
        return self._string_list("xid_codes")

    @property
    def xid_events(self) -> XidEventListReference:
        """Each Xid code seen, with its mnemonic and count."""
        return XidEventListReference(self._element, f"{self._path}.xid_events")

    @property
    def slurm_drain_reason(self) -> str:
        """Slurm's drain reason of the node, for a Slurm node-unavailable alert."""
        return self._string("slurm_drain_reason")


class AlertReference(ObjectReference):
    """A passive health-check alert linked to a remediation."""

    @property
    def annotation(self) -> AlertAnnotationReference:
        """The alert's typed annotation: `.title`, `.xid_codes`, `.slurm_drain_reason`..."""
        return AlertAnnotationReference(self._element, f"{self._path}.annotation")

    @property
    def passive_health_check_alert_id(self) -> str:
        """The alert's id."""
        return self._string("passive_health_check_alert_id")

    @property
    def instance_id(self) -> str:
        """The instance the alert fired on."""
        return self._string("instance_id")

    @property
    def cluster_id(self) -> str:
        """The cluster of that instance."""
        return self._string("cluster_id")

    @property
    def target_vm(self) -> str:
        """The VM the alert names."""
        return self._string("target_vm")

    @property
    def alert_name(self) -> str:
        """The alert's name, e.g. `GPUXidError`."""
        return self._string("alert_name")

    @property
    def severity(self) -> str:
        """One of `AlertSeverity`."""
        return self._string("severity")

    @property
    def annotations(self) -> Mapping[str, str]:
        """The alert's annotations."""
        return self._string_map("annotations")

    @property
    def started_at(self) -> str:
        """When the alert started (RFC 3339)."""
        return self._string("started_at")

    @property
    def resolved_at(self) -> str:
        """When the alert cleared (RFC 3339), empty while it fires."""
        return self._string("resolved_at")

    @property
    def node_remediation_intent_id(self) -> str:
        """The remediation intent the alert raised."""
        return self._string("node_remediation_intent_id")


class AlertListReference(ObjectListReference):
    """The `linked_alerts` list."""

    def __init__(self, element: object, path: str) -> None:
        super().__init__(element, path, AlertReference)

    def get(self, index: int) -> AlertReference:
        """The alert at `index`."""
        return super().get(index)


class AttemptReference(ObjectReference):
    """One attempt of a `together_remediation` (a rerun or an escalation step)."""

    @property
    def id(self) -> str:
        """The attempt's remediation id."""
        return self._string("id")

    @property
    def mode(self) -> str:
        """The attempt's mode, one of `RemediationMode`."""
        return self._string("mode")

    @property
    def state(self) -> str:
        """The attempt's state, one of `RemediationState`."""
        return self._string("state")

    @property
    def error_message(self) -> str:
        """Why the attempt failed, if it did."""
        return self._string("error_message")

    @property
    def start_time(self) -> str:
        """When the attempt started running."""
        return self._string("start_time")

    @property
    def end_time(self) -> str:
        """When the attempt ended."""
        return self._string("end_time")


class AttemptListReference(ObjectListReference):
    """The `attempts` list."""

    def __init__(self, element: object, path: str) -> None:
        super().__init__(element, path, AttemptReference)

    def get(self, index: int) -> AttemptReference:
        """The attempt at `index` (the first attempt is 0)."""
        return super().get(index)


class RemediationItemReference(ObjectReference):
    """One remediation in the `remediations` list of the `together_remediations` data source."""

    @property
    def linked_alerts(self) -> AlertListReference:
        """The alerts that raised this remediation."""
        return AlertListReference(self._element, f"{self._path}.linked_alerts")

    @property
    def id(self) -> str:
        """The remediation's id."""
        return self._string("id")

    @property
    def cluster_id(self) -> str:
        """The cluster."""
        return self._string("cluster_id")

    @property
    def instance_id(self) -> str:
        """The instance remediated."""
        return self._string("instance_id")

    @property
    def instance_name(self) -> str:
        """The instance's node name."""
        return self._string("instance_name")

    @property
    def mode(self) -> str:
        """One of `RemediationMode`."""
        return self._string("mode")

    @property
    def trigger(self) -> str:
        """One of `RemediationTrigger`."""
        return self._string("trigger")

    @property
    def state(self) -> str:
        """One of `RemediationState`."""
        return self._string("state")

    @property
    def reason(self) -> str:
        """Why it was asked for."""
        return self._string("reason")

    @property
    def requested_by(self) -> str:
        """Who asked for it."""
        return self._string("requested_by")

    @property
    def create_time(self) -> str:
        """When it was created (RFC 3339)."""
        return self._string("create_time")

    @property
    def start_time(self) -> str:
        """When it started running."""
        return self._string("start_time")

    @property
    def end_time(self) -> str:
        """When it ended."""
        return self._string("end_time")

    @property
    def update_time(self) -> str:
        """When it last changed."""
        return self._string("update_time")

    @property
    def error_message(self) -> str:
        """Why it failed, if it did."""
        return self._string("error_message")

    @property
    def reviewed_by(self) -> str:
        """Who approved or rejected it."""
        return self._string("reviewed_by")

    @property
    def review_time(self) -> str:
        """When it was reviewed."""
        return self._string("review_time")

    @property
    def review_comment(self) -> str:
        """The review's comment."""
        return self._string("review_comment")

    @property
    def active_health_check_run_id(self) -> str:
        """The active health-check run behind it."""
        return self._string("active_health_check_run_id")

    @property
    def passive_health_check_event_id(self) -> str:
        """The passive health-check event behind it."""
        return self._string("passive_health_check_event_id")


class RemediationListReference(ObjectListReference):
    """The `remediations` list."""

    def __init__(self, element: object, path: str) -> None:
        super().__init__(element, path, RemediationItemReference)

    def get(self, index: int) -> RemediationItemReference:
        """The remediation at `index`."""
        return super().get(index)


class GpuWorkerNodeReference(ObjectReference):
    """One GPU worker node of a cluster."""

    @property
    def node_id(self) -> str:
        """The node's name in the cluster on the live API, e.g. `gpu-03`."""
        return self._string("node_id")

    @property
    def node_name(self) -> str:
        """The node's name, e.g. `gpu-03` (`node_id` on the live API, `node_name` on older servers)."""
        return self._string("node_name")

    @property
    def auto_remediation_enabled(self) -> Any:
        """Whether Together's health checks may raise remediations for the node (a boolean token)."""
        return self._boolean("auto_remediation_enabled")

    @property
    def marked_for_deletion(self) -> Any:
        """Whether the node is marked for deletion (a boolean token)."""
        return self._boolean("marked_for_deletion")

    @property
    def instance_id(self) -> str:
        """The node's instance id (what a remediation names)."""
        return self._string("instance_id")

    @property
    def status(self) -> str:
        """The node's status."""
        return self._string("status")

    @property
    def host_name(self) -> str:
        """The host the node's VM runs on."""
        return self._string("host_name")

    @property
    def latest_remediation_id(self) -> str:
        """The id of the node's latest remediation."""
        return self._string("latest_remediation_id")

    @property
    def latest_remediation_state(self) -> str:
        """The state of the node's latest remediation."""
        return self._string("latest_remediation_state")

    @property
    def latest_remediation_mode(self) -> str:
        """The mode of the node's latest remediation."""
        return self._string("latest_remediation_mode")


class GpuWorkerNodeListReference(ObjectListReference):
    """The `gpu_worker_nodes` list."""

    def __init__(self, element: object, path: str) -> None:
        super().__init__(element, path, GpuWorkerNodeReference)

    def get(self, index: int) -> GpuWorkerNodeReference:
        """The node at `index`."""
        return super().get(index)
