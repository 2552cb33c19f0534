"""Schema building: every attribute has a description, and the common shapes have helpers.

Resources and data sources declare their schema with these helpers so that the generated
docs, the CDK constructs and the plan review all read the same descriptions.
"""

from __future__ import annotations

from typing import Any

from tf.schema import Attribute, NestedBlock, Schema
from tf.types import Bool, List, Map, Number, String, TfType, Unknown

from together_api import vocabulary
from together_api.vocabulary import described

from provider_shim.framework.durations import MIN_TIMEOUT
from provider_shim.framework.types import Object, SingleNestedBlock

__all__ = [
    "Attribute", "Bool", "List", "Map", "Number", "Object", "Schema", "String", "TfType",
    "required", "optional", "computed", "optional_computed", "timeouts_block", "build_schema", "wait_for_description",
    "ALERT_OBJECT", "ALERT_ANNOTATION_OBJECT", "REMEDIATION_FIELD_DESCRIPTIONS",
]


def _attribute(name: str, kind: TfType, description: str, **flags: Any) -> Attribute:
    if not description or not description.strip():
        raise ValueError(f"attribute {name!r} needs a description")
    return Attribute(name, kind, description=description, **flags)


def required(name: str, kind: TfType, description: str, *, force_new: bool = False, sensitive: bool = False) -> Attribute:
    return _attribute(name, kind, description, required=True, requires_replace=force_new, sensitive=sensitive)


def optional(name: str, kind: TfType, description: str, *, force_new: bool = False, sensitive: bool = False) -> Attribute:
    return _attribute(name, kind, description, optional=True, requires_replace=force_new, sensitive=sensitive)


def optional_computed(
    name: str, kind: TfType, description: str, *, force_new: bool = False, default: Any = Unknown
) -> Attribute:
    """Optional, with a value the provider fills in (``default`` when known at plan time)."""
    return _attribute(name, kind, description, optional=True, computed=True, requires_replace=force_new, default=default)


def computed(name: str, kind: TfType, description: str) -> Attribute:
    return _attribute(name, kind, description, computed=True)


def timeouts_block(**defaults: str) -> NestedBlock:
    """``timeouts { create = "30m", delete = "10m" }`` with the given operations and defaults."""
    attributes = [
        _attribute(
            operation,
            String(),
            f"How long {operation} may take, as a Go duration string of at least `{MIN_TIMEOUT}` (default `{default}`).",
            optional=True,
        )
        for operation, default in defaults.items()
    ]
    return SingleNestedBlock("timeouts", attributes, "Time limits of the operations.")


def _all_of(names: list[str]) -> str:
    """``A``, ``B`` and ``C``."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def wait_for_description(lead: str, default: str, after: str = "") -> str:
    """``wait_for``'s description: each of ``vocabulary.WAIT_FOR`` with its meaning, ``default`` marked."""
    choices = "; ".join(
        f"`{name}`{' (default)' if name == default else ''}: {meaning[0].lower()}{meaning[1:].rstrip('.')}"
        for name, meaning in vocabulary.WAIT_FOR.items()
    )
    started = _all_of([name for name in vocabulary.STATE_NAMES if name in vocabulary.STARTED_STATES])
    cordoning = _all_of([m for m in vocabulary.MODE_NAMES if m in vocabulary.QUARANTINING_MODES])
    note = (
        f"{started} count as started: {cordoning} cordon the host first (`QUARANTINING`, then `QUARANTINED`), "
        "and from then on the repair has begun and can no longer be cancelled"
    )
    return f"{lead}: {choices}. {note}.{(' ' + after) if after else ''}"


def build_schema(description: str, attributes: list[Attribute], blocks: list[NestedBlock] | None = None, version: int = 0) -> Schema:
    names = [a.name for a in attributes] + [b.type_name for b in blocks or []]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate schema names: {sorted(duplicates)}")
    return Schema(version=version, attributes=attributes, block_types=blocks or [], description=description)


XID_EVENT_OBJECT = Object({"xid_code": String(), "mnemonic": String(), "count": Number()})
"""One NVIDIA Xid code seen in an alert's window."""

# The API nests the Xid codes (``xid.events[]``) and the drain reason
# (``slurm_node_unavailable.reason``); flattened here so HCL reads
# ``a.annotation.xid_codes`` and ``a.annotation.slurm_drain_reason``.
ALERT_ANNOTATION_OBJECT = Object(
    {
        "title": String(),
        "summary_line": String(),
        "description": String(),
        "xid_codes": List(String()),
        "xid_events": List(XID_EVENT_OBJECT),
        "slurm_drain_reason": String(),
    }
)
"""The typed content the API parsed from an alert's annotations."""

ALERT_OBJECT = Object(
    {
        "passive_health_check_alert_id": String(),
        "instance_id": String(),
        "cluster_id": String(),
        "target_vm": String(),
        "alert_name": String(),
        "severity": String(),
        "annotation": ALERT_ANNOTATION_OBJECT,
        "annotations": Map(String()),
        "started_at": String(),
        "resolved_at": String(),
        "node_remediation_intent_id": String(),
    }
)
"""A passive health check alert linked to a remediation."""

# Descriptions of the API's remediation fields, shared by every resource and data source.
REMEDIATION_FIELD_DESCRIPTIONS = {
    "id": "The remediation's id (a UUID).",
    "cluster_id": "The GPU cluster's id.",
    "instance_id": "The instance (GPU worker node VM) the remediation repairs.",
    "instance_name": "Display name of the targeted instance.",
    "mode": f"How the remediation repairs the instance: {described(vocabulary.MODE_NAMES)}.",
    "trigger": f"What raised the remediation: {described(vocabulary.TRIGGER_NAMES)} "
    "(manual: the API or the console; automated: Together's health checks).",
    "state": f"Lifecycle state: {described(vocabulary.STATE_NAMES)}.",
    "reason": "User-provided reason for the remediation.",
    "requested_by": "Who requested the remediation.",
    "create_time": "When the remediation was created (RFC 3339).",
    "start_time": "When processing started (RFC 3339).",
    "end_time": "When the remediation completed (RFC 3339).",
    "update_time": "When the remediation was last updated (RFC 3339).",
    "error_message": "The API's error message if the remediation failed.",
    "reviewed_by": "Who approved or rejected the remediation.",
    "review_time": "When the remediation was reviewed (RFC 3339).",
    "review_comment": "The review's comment.",
    "active_health_check_run_id": "Active health check run that triggered the remediation.",
    "passive_health_check_event_id": "Passive health check event that triggered the remediation.",
    "linked_alerts": "Passive health check alerts linked to the remediation, resolved ones included. Each has "
    "the API's alert fields and `annotation`, the typed content the API parsed from the alert (null when it "
    "parsed none): `title`, `summary_line`, `description`, `xid_codes` (the NVIDIA Xid codes seen, such as "
    "`[\"79\"]`), `xid_events` (each code with its `mnemonic` and `count`) and `slurm_drain_reason`.",
}
