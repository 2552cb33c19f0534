"""Passive health checks: alerts that make AUTOMATED remediations, per the cluster's
confirmation policy, and auto-resolve them when they clear before approval."""

from __future__ import annotations

import json
import uuid
from typing import Any

from together_api import vocabulary
from together_api.models import RemediationTrigger

from together_simulator import timeutil
from together_simulator.annotations import derived_annotation, parse_annotation
from together_simulator.errors import invalid, not_found
from together_simulator.lifecycle import MODES
from together_simulator.render import alert_json
from together_simulator.service import ACTIVE, Service

HEALTH_CHECK_USER = "passive-health-checks"
AUTO_APPROVER = "Auto-Approved"
POLICIES = ("APPROVE_BEFORE_REPAIR", "AUTOMATIC")
SEVERITIES = vocabulary.SEVERITIES


def set_confirmation_policy(service: Service, cluster_id: str, policy: Any) -> dict[str, Any]:
    service.require_cluster(cluster_id)
    if policy not in POLICIES:
        raise invalid(f"policy must be one of {', '.join(POLICIES)}")
    with service.store.write() as db:
        db.execute("UPDATE clusters SET confirmation_policy=? WHERE cluster_id=?", (policy, cluster_id))
    return {"cluster_id": cluster_id, "policy": policy}


def inject_alert(
    service: Service, body: Any, *, alert_id: str | None = None, new_remediation_id: str | None = None
) -> dict[str, Any]:
    """A passive health check fires: maybe an AUTOMATED remediation, per the cluster's policy.

    ``alert_id`` and ``new_remediation_id`` fix the ids (the demo seed's are stable)."""
    if not isinstance(body, dict):
        raise invalid("alert must be a JSON object")
    cluster_id, instance_id = body.get("cluster_id"), body.get("instance_id")
    alert_name = body.get("alert_name")
    severity = body.get("severity", "PHC_SEVERITY_CRITICAL")
    annotations = body.get("annotations") or {}
    mode = body.get("mode", "REMEDIATION_MODE_REBOOT_VM")
    if not isinstance(alert_name, str) or not alert_name:
        raise invalid("alert_name is required")
    if severity not in SEVERITIES:
        raise invalid(f"severity must be one of {', '.join(SEVERITIES)}")
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        raise invalid("annotations must be an object of strings")
    if mode not in MODES:
        raise invalid(f"mode must be one of {', '.join(MODES)}")
    given = body.get("annotation")
    annotation = derived_annotation(alert_name, annotations) if given is None else parse_annotation(given)
    node = service.require_node(str(cluster_id), str(instance_id))
    cluster = service.require_cluster(str(cluster_id))
    now = timeutil.now()
    alert_id = alert_id or str(uuid.uuid4())
    new_remediation_id = new_remediation_id or str(uuid.uuid4())
    with service.store.write() as db:
        active = db.execute(
            f"SELECT id, state, trigger FROM remediations WHERE cluster_id=? AND instance_id=?"
            f" AND state IN ({','.join('?' * len(ACTIVE))}) ORDER BY seq LIMIT 1",
            (cluster_id, instance_id, *ACTIVE),
        ).fetchone()
        remediation_id: str | None = None  # the remediation this alert links to, if any
        if active is None:
            remediation_id = new_remediation_id
            summary = annotations.get("summary") or annotations.get("description") or "passive health check alert"
            db.execute(
                "INSERT INTO remediations (id, cluster_id, instance_id, instance_name, mode, trigger, state,"
                " reason, requested_by, create_time, update_time, passive_health_check_event_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (remediation_id, cluster_id, instance_id, node["node_name"], mode,
                 RemediationTrigger.AUTOMATED.value, "PENDING_APPROVAL", f"{alert_name}: {summary}",
                 HEALTH_CHECK_USER, now, now, alert_id),
            )
            if cluster["confirmation_policy"] == "AUTOMATIC":
                db.execute(
                    "UPDATE remediations SET reviewed_by=?, review_time=? WHERE id=?",
                    (AUTO_APPROVER, now, remediation_id),
                )
                service.start_pending(db, remediation_id, now)
        elif active["state"] == "PENDING_APPROVAL" and active["trigger"] == RemediationTrigger.AUTOMATED.value:
            # Another alert on a node already waiting for approval joins that remediation.
            remediation_id = active["id"]
            db.execute("UPDATE remediations SET update_time=? WHERE id=?", (now, remediation_id))
        db.execute(
            "INSERT INTO alerts (id, cluster_id, instance_id, target_vm, alert_name, severity, annotations,"
            " annotation, started_at, remediation_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (alert_id, cluster_id, instance_id, node["node_name"], alert_name, severity,
             json.dumps(annotations, sort_keys=True), json.dumps(annotation, sort_keys=True), now, remediation_id),
        )
    alert = alert_json(service.store.one("SELECT * FROM alerts WHERE id=?", (alert_id,)))
    return {"alert": alert, "remediation": service.render_one(remediation_id) if remediation_id else None}


def resolve_alert(service: Service, alert_id: str) -> dict[str, Any]:
    """The alert clears: a remediation still awaiting approval for it becomes AUTO_RESOLVED."""
    alert = service.store.one("SELECT * FROM alerts WHERE id=?", (alert_id,))
    if alert is None:
        raise not_found(f'alert "{alert_id}" not found')
    now = timeutil.now()
    remediation_id = alert["remediation_id"]
    with service.store.write() as db:
        if alert["resolved_at"] is None:
            db.execute("UPDATE alerts SET resolved_at=? WHERE id=?", (now, alert_id))
        if remediation_id:
            firing = db.execute(
                "SELECT COUNT(*) FROM alerts WHERE remediation_id=? AND resolved_at IS NULL", (remediation_id,)
            ).fetchone()[0]
            db.execute(
                "UPDATE remediations SET state='AUTO_RESOLVED', end_time=?, update_time=?,"
                " next_transition_at=NULL WHERE id=? AND state='PENDING_APPROVAL' AND ?=0",
                (now, now, remediation_id, firing),
            )
    result = {"alert": alert_json(service.store.one("SELECT * FROM alerts WHERE id=?", (alert_id,)))}
    result["remediation"] = service.render_one(remediation_id) if remediation_id else None
    return result
