"""The review as Markdown: one pull-request comment or CI job summary, grouped by cluster."""

from __future__ import annotations

import re
from typing import Any

from together_remediation.review.gate import Violation
from together_remediation.review.model import ACTION_ORDER, Action, Alert, ClusterReview, RemediationChange, Review
from together_remediation.review.text import (
    disruption_text,
    mode_text,
    safe_text,
    short_mode_or_marker,
    short_severity,
    value_text,
)
from together_remediation.review.values import is_marker

TITLE = "## Remediation plan review"
# Markdown that could format, link or break a table cell; "_" is left alone (GitHub ignores
# intraword underscores, and mode names are full of them).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|#~])")


def text(value: Any, missing: str = "—") -> str:
    """Free text (a reason, a comment) made safe for one table cell: control, bidi and other
    invisible characters shown as ``[U+XXXX]`` (``text.safe_text``), Markdown escaped."""
    if value is None or value == "" or is_marker(value):
        return value_text(value, missing)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(safe_text(str(value)).split()))


def code(value: Any, missing: str = "—") -> str:
    """An identifier in a code span (backticks inside cannot close it)."""
    if value is None or value == "" or is_marker(value):
        return value_text(value, missing)
    return "`" + " ".join(safe_text(str(value)).split()).replace("`", "'").replace("|", "\\|") + "`"


def render_markdown(review: Review, violations: list[Violation] | None = None) -> str:
    lines = [TITLE, "", _headline(review), ""]
    if not review.complete:
        lines += ["> Terraform deferred some changes: this plan is not the last one. Plan again after apply.", ""]
    for cluster in review.clusters:
        lines += _cluster_section(cluster)
    if review.clusters:
        lines += _totals(review)
    if violations is not None:
        lines += _gate(violations)
    return "\n".join(lines).rstrip() + "\n"


def _headline(review: Review) -> str:
    runs = review.runs
    drift = [d for cluster in review.clusters for d in cluster.drift]
    if not review.changes and not drift:
        return "No remediation changes."
    if runs:
        nodes = sum(cluster.touched_count for cluster in review.clusters)
        cluster_count = sum(1 for cluster in review.clusters if cluster.runs)
        parts = [
            f"**{_plural(len(runs), 'remediation')} will run** on {_plural(nodes, 'node')} "
            f"of {_plural(cluster_count, 'cluster')}",
            f"highest disruption: **{disruption_text(review.highest_disruption)}**",
        ]
    else:
        parts = ["No remediation will run"]
    others = [
        _plural(sum(cluster.count(action) for cluster in review.clusters), _ACTION_NOUNS[action])
        for action in (Action.ADOPT, Action.REJECT, Action.CANCEL, Action.UPDATE, Action.FORGET)
        if any(cluster.count(action) for cluster in review.clusters)
    ]
    if others:
        parts.append("also " + ", ".join(others))
    if drift:
        parts.append(f"{_plural(len(drift), 'remediation')} changed outside Terraform")
    return "; ".join(parts) + "."


def _cluster_section(cluster: ClusterReview) -> list[str]:
    lines = [f"### Cluster {_cluster_title(cluster)}", ""]
    lines.append(_share_line(cluster))
    lines.append("")
    if cluster.changes:
        lines += [
            "| Action | Node | Instance | Mode | Disruption | Reason | Alerts | Address |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for change in sorted(cluster.changes, key=_row_order):
            lines.append(_row(change))
        lines.append("")
    if cluster.drift:
        lines += ["Found changed outside Terraform at refresh:", ""]
        for drift in cluster.drift:
            if drift.state_after is None:
                what = f"no longer exists (was {value_text(drift.state_before)})"
            else:
                what = f"**{value_text(drift.state_after)}** (was {value_text(drift.state_before)})"
                if drift.error_message:
                    what += f": {text(drift.error_message)}"
            lines.append(
                f"- {code(drift.address)} on {text(drift.node_name, 'unknown node')} "
                f"({code(drift.instance_id)}): {what}"
            )
        lines.append("")
    return lines


def _cluster_title(cluster: ClusterReview) -> str:
    if is_marker(cluster.cluster_id):
        return "(known after apply)"
    if cluster.name:
        return f"{text(cluster.name)} ({code(cluster.cluster_id)})"
    return code(cluster.cluster_id)


def _share_line(cluster: ClusterReview) -> str:
    known, unknown = cluster.touched_instances()
    touched = len(known) + unknown
    pending = f", {unknown} of them known only after apply" if unknown else ""
    if cluster.node_count:
        share = touched / cluster.node_count
        return f"{_plural(touched, 'node')} of {cluster.node_count} disrupted ({share:.1%}){pending}."
    return f"{_plural(touched, 'node')} disrupted{pending}; the cluster's node count is not in the plan."


def _row(change: RemediationChange) -> str:
    action = f"**{change.action.value}**" if change.runs_remediation else change.action.value
    if change.why:
        action += f" ({text(change.why)})"
    reason = text(change.reason)
    if change.action in (Action.APPROVE, Action.REJECT):
        reason = f"{reason} (comment: {text(change.comment, 'none')})"
    disruption = disruption_text(change.mode.disruption if change.mode else None)
    if not change.runs_remediation:
        disruption = "none"
    mode = mode_text(change.mode)
    if change.mode and change.mode.is_ladder:
        mode = f"ladder: {mode}"
    if change.mode and change.mode.is_override:
        mode = f"approve as {mode} (proposed {value_text(short_mode_or_marker(change.mode.proposed))})"
    cells = [
        action,
        text(change.node_name, "unknown"),
        _instance(change),
        mode,
        disruption,
        reason,
        _alerts(change.alerts),
        code(change.address),
    ]
    return "| " + " | ".join(cells) + " |"


def _instance(change: RemediationChange) -> str:
    if is_marker(change.instance_id) and change.instance_source:
        return f"{change.instance_id}: from {code(change.instance_source)}"
    return code(change.instance_id)


def _alerts(alerts: Any) -> str:
    if not isinstance(alerts, list):
        return value_text(alerts)
    if not alerts:
        return "—"
    return ", ".join(_alert(a) for a in alerts)


def _alert(alert: Alert) -> str:
    """``GPUXidError (CRITICAL): GPU fell off the bus; Xid 79``: name, severity, title, Xid codes."""
    shown = f"{text(alert.name)} ({text(short_severity(alert.severity))})"
    title = alert.title if alert.title and alert.title != alert.name else None  # a title that repeats the name says nothing
    if title:
        shown += f": {text(title)}"
    if alert.xid_codes:
        shown += ("; " if title else ": ") + "Xid " + ", ".join(text(code) for code in alert.xid_codes)
    return shown


def _totals(review: Review) -> list[str]:
    lines = [
        "### Totals",
        "",
        "| Cluster | Will run | Nodes disrupted | Share | Highest disruption | Approvals | Rejections | Cancels |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cluster in review.clusters:
        levels = [c.mode.disruption for c in cluster.runs if c.mode and c.mode.disruption]
        share = cluster.touched_share
        lines.append(
            "| "
            + " | ".join(
                [
                    _cluster_title(cluster),
                    str(len(cluster.runs)),
                    f"{cluster.touched_count} of {cluster.node_count}" if cluster.node_count else str(cluster.touched_count),
                    f"{share:.1%}" if share is not None else "unknown",
                    disruption_text(max(levels)) if levels else "—",
                    str(cluster.count(Action.APPROVE)),
                    str(cluster.count(Action.REJECT)),
                    str(cluster.cancel_count),
                ]
            )
            + " |"
        )
    lines.append("")
    return lines


def _gate(violations: list[Violation]) -> list[str]:
    if not violations:
        return ["### Policy: passed", "", "Every rule of the policy holds for this plan.", ""]
    lines = [f"### Policy: **failed**, {_plural(len(violations), 'violation')}", ""]
    for violation in violations:
        addresses = ", ".join(code(a) for a in violation.addresses)
        lines.append(f"- `{violation.rule}`: {text(violation.message)}" + (f": {addresses}" if addresses else ""))
    lines.append("")
    return lines


_ACTION_NOUNS = {
    Action.ADOPT: "adoption",
    Action.REJECT: "rejection",
    Action.CANCEL: "cancel",
    Action.UPDATE: "settings update",
    Action.FORGET: "removal from state",
}


def _row_order(change: RemediationChange) -> tuple:
    level = change.mode.disruption if change.mode and change.mode.disruption else 0
    return (ACTION_ORDER.index(change.action), -level, str(change.node_name), change.address)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
