"""The review as JSON for machines. Unknown values are ``{"known_after_apply": true}`` and hidden
ones ``{"sensitive": true}``, never a guess."""

from __future__ import annotations

import json
from typing import Any

from together_remediation.review.gate import Violation
from together_remediation.review.model import ClusterReview, RemediationChange, Review
from together_remediation.review.text import safe_text
from together_remediation.review.values import is_marker

JSON_FORMAT_VERSION = "1.0"


def render_json(review: Review, violations: list[Violation] | None = None) -> str:
    document = {
        "format_version": JSON_FORMAT_VERSION,
        "terraform_version": review.terraform_version,
        "complete": review.complete,
        "summary": {
            "remediations_to_run": len(review.runs),
            "nodes_disrupted": sum(cluster.touched_count for cluster in review.clusters),
            "highest_disruption": review.highest_disruption,
        },
        "clusters": [_cluster(cluster) for cluster in review.clusters],
        "policy": None
        if violations is None
        else {
            "passed": not violations,
            "violations": [
                {"rule": v.rule, "message": _value(v.message), "addresses": _value(v.addresses)} for v in violations
            ],
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cluster(cluster: ClusterReview) -> dict[str, Any]:
    known, unknown = cluster.touched_instances()
    return {
        "cluster_id": _value(cluster.cluster_id),
        "name": _value(cluster.name),
        "node_count": cluster.node_count,
        "remediations_to_run": len(cluster.runs),
        "cancels": cluster.cancel_count,
        "nodes_disrupted": len(known) + unknown,
        "nodes_disrupted_known_after_apply": unknown,
        "node_share": cluster.touched_share,
        "changes": [_change(change) for change in cluster.changes],
        "drift": [
            {
                "address": _value(d.address),
                "instance_id": _value(d.instance_id),
                "node_name": _value(d.node_name),
                "state_before": _value(d.state_before),
                "state_after": _value(d.state_after),
                "error_message": _value(d.error_message),
            }
            for d in cluster.drift
        ],
    }


def _change(change: RemediationChange) -> dict[str, Any]:
    return {
        "address": _value(change.address),
        "action": change.action.value,
        "runs_remediation": change.runs_remediation,
        "why": change.why,
        "instance_id": _value(change.instance_id),
        "instance_id_from": change.instance_source,
        "node_name": _value(change.node_name),
        "remediation_id": _value(change.remediation_id),
        "state_before": _value(change.state_before),
        "mode": None
        if change.mode is None
        else {
            "steps": [_value(step) for step in change.mode.steps],
            "escalation": change.mode.is_ladder,
            "disruption": change.mode.disruption,
            "proposed": _value(change.mode.proposed),  # an approval that runs another mode: the remediation's own
        },
        "reason": _value(change.reason),
        "comment": _value(change.comment),
        "alerts": _value(change.alerts)
        if not isinstance(change.alerts, list)
        else [
            {"alert_name": _value(a.name), "severity": _value(a.severity), "title": _value(a.title),
             "xid_codes": list(a.xid_codes)}
            for a in change.alerts
        ],
    }


def _value(value: Any) -> Any:
    if is_marker(value):
        return {value.json_key: True}
    if isinstance(value, str):
        return safe_text(value)  # a consumer that prints it gets no control or bidi characters
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _value(item) for key, item in value.items()}
    return value
