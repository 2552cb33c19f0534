"""Rows as the API writes them: ``Remediation`` and ``PassiveHealthCheckAlert`` JSON."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from together_api.models import PassiveHealthCheckAlert, Remediation

from together_simulator import timeutil
from together_simulator.annotations import derived_annotation


def alert_json(row: sqlite3.Row) -> dict[str, Any]:
    annotations = json.loads(row["annotations"])
    return PassiveHealthCheckAlert(
        passive_health_check_alert_id=row["id"],
        instance_id=row["instance_id"],
        cluster_id=row["cluster_id"],
        target_vm=row["target_vm"],
        alert_name=row["alert_name"],
        severity=row["severity"],
        # Rows written before alerts had a typed annotation get the one the simulator derives.
        annotation=(
            json.loads(row["annotation"]) if row["annotation"] else derived_annotation(row["alert_name"], annotations)
        ),
        annotations=annotations,
        started_at=timeutil.rfc3339(row["started_at"]),
        resolved_at=timeutil.rfc3339(row["resolved_at"]),
        node_remediation_intent_id=row["remediation_id"],
    ).to_api()


def remediation_json(row: sqlite3.Row, alerts: list[dict[str, Any]]) -> dict[str, Any]:
    data = Remediation(
        id=row["id"],
        cluster_id=row["cluster_id"],
        instance_id=row["instance_id"],
        mode=row["mode"],
        trigger=row["trigger"],
        state=row["state"],
        reason=row["reason"],
        active_health_check_run_id=row["active_health_check_run_id"],
        passive_health_check_event_id=row["passive_health_check_event_id"],
        requested_by=row["requested_by"],
        create_time=timeutil.rfc3339(row["create_time"]),
        reviewed_by=row["reviewed_by"],
        review_time=timeutil.rfc3339(row["review_time"]),
        review_comment=row["review_comment"],
        start_time=timeutil.rfc3339(row["start_time"]),
        end_time=timeutil.rfc3339(row["end_time"]),
        error_message=row["error_message"],
        update_time=timeutil.rfc3339(row["update_time"]),
        instance_name=row["instance_name"],
    ).to_api()
    # Pydantic would validate each alert again; they were built from the model already.
    data["linked_alerts"] = alerts
    return data
