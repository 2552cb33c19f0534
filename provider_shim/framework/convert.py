"""API objects → Terraform state values (plain dicts of strings, lists and maps).

Text the API writes (an ``error_message``, a ``reason``, a review comment, an alert's annotation)
goes into state at most ``MAX_STATE_TEXT`` characters long: longer text is cut and ends with a
marker that says how much was cut, so a server's 20 MB message cannot make a 40 MB state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models load with the client, at ConfigureProvider: a schema-only launch never needs them
    from together_api.models import AlertAnnotation, PassiveHealthCheckAlert, Remediation

from together_api.vocabulary import enum_value

from provider_shim.framework.identity import strip_intent_token
from provider_shim.framework.remediation_object import FIELDS as REMEDIATION_FIELDS

MAX_STATE_TEXT = 16_384
"""The most characters of one text value of the API kept in state."""


def capped(value: Any) -> Any:
    """``value`` if it is not a string longer than ``MAX_STATE_TEXT``; else its start and a marker."""
    if not isinstance(value, str) or len(value) <= MAX_STATE_TEXT:
        return value
    return value[:MAX_STATE_TEXT] + f" [cut by the provider: {len(value) - MAX_STATE_TEXT} more characters]"


def alert_value(alert: PassiveHealthCheckAlert) -> dict[str, Any]:
    return {
        "passive_health_check_alert_id": alert.passive_health_check_alert_id,
        "instance_id": alert.instance_id or None,
        "cluster_id": alert.cluster_id,
        "target_vm": alert.target_vm,
        "alert_name": capped(alert.alert_name),
        "severity": enum_value(alert.severity),
        "annotation": annotation_value(alert.annotation),
        "annotations": {key: capped(text) for key, text in (alert.annotations or {}).items()},
        "started_at": alert.started_at,
        "resolved_at": alert.resolved_at or None,
        "node_remediation_intent_id": alert.node_remediation_intent_id or None,
    }


def annotation_value(annotation: AlertAnnotation | None) -> dict[str, Any] | None:
    """The typed annotation, flattened (``schema.ALERT_ANNOTATION_OBJECT``); null when absent."""
    if annotation is None:
        return None
    events = annotation.xid.events if annotation.xid else []
    drained = annotation.slurm_node_unavailable
    return {
        "title": capped(annotation.title) or None,
        "summary_line": capped(annotation.summary_line) or None,
        "description": capped(annotation.description) or None,
        "xid_codes": [e.xid_code for e in events],
        "xid_events": [{"xid_code": e.xid_code, "mnemonic": e.mnemonic or None, "count": e.count} for e in events],
        "slurm_drain_reason": (capped(drained.reason) or None) if drained else None,
    }


def remediation_values(remediation: Remediation) -> dict[str, Any]:
    """Every field of ``REMEDIATION_FIELDS``; empty strings from the API become null, and the
    reason loses the provider's intent token (`` [tf-XXXXXXXXXX]``)."""
    values: dict[str, Any] = {}
    for name in REMEDIATION_FIELDS:
        if name == "linked_alerts":
            values[name] = [alert_value(a) for a in remediation.linked_alerts]
            continue
        value = enum_value(getattr(remediation, name))
        if name == "reason":
            value = strip_intent_token(value)  # the provider's intent token is its own, never the user's
        values[name] = capped(value) if value != "" else None
    return values


def attempt_value(remediation: Remediation) -> dict[str, Any]:
    """One entry of a resource's ``attempts`` list."""
    return {
        "id": remediation.id,
        "mode": enum_value(remediation.mode),
        "state": enum_value(remediation.state),
        "error_message": capped(remediation.error_message) or None,
        "start_time": remediation.start_time or None,
        "end_time": remediation.end_time or None,
    }
