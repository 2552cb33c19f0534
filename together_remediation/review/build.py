"""Turn a Terraform plan into a review of its remediations.

Read from the plan: ``resource_changes`` (what apply will do), ``resource_drift`` (what refresh
found changed outside Terraform), ``prior_state`` (data sources read while planning: cluster
nodes and existing remediations) and ``configuration`` (where a value known only after apply
comes from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from together_api.vocabulary import CANCELLABLE_STATES, MODE_DISRUPTION, RERUN_STATES, STARTED_STATES
from together_remediation.review.model import (
    Action,
    Alert,
    ClusterReview,
    Drift,
    ModePlan,
    RemediationChange,
    Review,
)
from together_remediation.review.plan_document import ConfigResource, PlanDocument, ResourceChange
from together_remediation.review.values import UNKNOWN, is_known, is_marker, resolve

REMEDIATION = "together_remediation"
REVIEW = "together_remediation_review"
CLUSTER_DATA = "together_cluster"
REMEDIATIONS_DATA = "together_remediations"

# The review's computed attribute with the remediation's mode (its `mode` is the approval's override).
REVIEWED_MODE = "remediation_mode"
CARRIED_OVER = ("linked_alerts", "instance_name")
MODULE_STEP = re.compile(r"module\.([^.\[]+)(?:\[[^\]]*\])?")
NODE_NAME_KEY = re.compile(r'instance_id_by_node_name\["([^"]+)"\]')

ACTION_REASONS = {
    "replace_because_tainted": "the object is tainted",
    "replace_because_cannot_update": "changed",
    "replace_by_request": "replacement requested (-replace)",
    "replace_by_triggers": "replace_triggered_by",
}


def disruption_of(mode: Any) -> int | None:
    """1 (REBOOT_VM) to 4 (EVICT_WITHOUT_REPLACEMENT); None for an unknown or unseen mode."""
    try:
        return MODE_DISRUPTION[mode]
    except (KeyError, TypeError):
        return None


def approval_mode_plan(proposed: Any, override: Any) -> ModePlan | None:
    """An approval runs its override when it has one, else the remediation's own mode."""
    if override is None:
        return mode_plan(proposed, None)
    # An override equal to the proposed mode changes nothing; an unseen proposal is shown unknown.
    shown = None if override == proposed else (proposed if proposed is not None else UNKNOWN)
    return ModePlan(steps=(override,), is_ladder=False, disruption=disruption_of(override), proposed=shown)


def mode_plan(mode: Any, escalation: Any) -> ModePlan | None:
    """A single mode or an escalation ladder, ranked by its most disruptive step."""
    if escalation is UNKNOWN or (isinstance(escalation, list) and escalation):
        steps = (UNKNOWN,) if escalation is UNKNOWN else tuple(escalation)
        levels = [disruption_of(step) for step in steps]
        disruption = None if None in levels else max(levels)
        return ModePlan(steps=steps, is_ladder=True, disruption=disruption)
    if mode is None:
        return None
    return ModePlan(steps=(mode,), is_ladder=False, disruption=disruption_of(mode))


@dataclass
class _ClusterFacts:
    name: Any = None
    node_count: int | None = None
    node_by_instance: dict[str, str] = field(default_factory=dict)


@dataclass
class _PlanFacts:
    """What the data sources and the prior state tell about clusters and remediations."""

    clusters: dict[str, _ClusterFacts] = field(default_factory=dict)
    remediations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def node_name(self, cluster_id: Any, instance_id: Any) -> Any:
        if not isinstance(instance_id, str):
            return None
        if isinstance(cluster_id, str) and cluster_id in self.clusters:
            return self.clusters[cluster_id].node_by_instance.get(instance_id)
        for facts in self.clusters.values():
            if instance_id in facts.node_by_instance:
                return facts.node_by_instance[instance_id]
        return None


def _gather_facts(plan: PlanDocument) -> _PlanFacts:
    facts = _PlanFacts()
    for resource in plan.prior_resources():
        values = resolve(resource.values, None, resource.sensitive_values)
        if resource.mode == "data" and resource.type == CLUSTER_DATA:
            _add_cluster(facts, values)
        elif resource.mode == "data" and resource.type == REMEDIATIONS_DATA:
            for remediation in values.get("remediations") or []:
                _add_remediation(facts, remediation)
        elif resource.type == REMEDIATION:  # data source or managed resource: same fields
            _add_remediation(facts, values)
    return facts


def _add_cluster(facts: _PlanFacts, values: dict[str, Any]) -> None:
    cluster_id = values.get("cluster_id")
    if not isinstance(cluster_id, str):
        return
    nodes = values.get("gpu_worker_nodes")
    cluster = facts.clusters.setdefault(cluster_id, _ClusterFacts())
    cluster.name = values.get("name")
    if isinstance(nodes, list):
        cluster.node_count = len(nodes)
        for node in nodes:
            if isinstance(node, dict) and isinstance(node.get("instance_id"), str):
                # node_id is the node's name on the live API; node_name is the older servers' field.
                cluster.node_by_instance[node["instance_id"]] = node.get("node_name") or node.get("node_id")
                latest_id = node.get("latest_remediation_id")
                if isinstance(latest_id, str) and latest_id:
                    facts.remediations.setdefault(
                        latest_id,
                        {
                            "cluster_id": cluster_id,
                            "instance_id": node["instance_id"],
                            "mode": node.get("latest_remediation_mode"),
                            "state": node.get("latest_remediation_state"),
                        },
                    )


def _add_remediation(facts: _PlanFacts, values: Any) -> None:
    if isinstance(values, dict) and isinstance(values.get("id"), str) and values["id"]:
        known = facts.remediations.get(values["id"], {})
        facts.remediations[values["id"]] = {**known, **values}


def build_review(plan: PlanDocument) -> Review:
    facts = _gather_facts(plan)
    clusters: dict[Any, ClusterReview] = {}

    def cluster_for(cluster_id: Any) -> ClusterReview:
        key = cluster_id if isinstance(cluster_id, str) else str(UNKNOWN)
        if key not in clusters:
            known = facts.clusters.get(key, _ClusterFacts())
            clusters[key] = ClusterReview(
                cluster_id=cluster_id if isinstance(cluster_id, str) else UNKNOWN,
                name=known.name,
                node_count=known.node_count,
            )
        return clusters[key]

    drift_by_address: dict[str, Drift] = {}
    for entry in plan.resource_drift:
        drift = _drift(entry, facts)
        if drift is not None:
            drift_by_address[drift.address] = drift
            cluster_for(drift.cluster_id).drift.append(drift)

    for entry in plan.resource_changes:
        change = _change(entry, facts, drift_by_address.get(entry.address), _config_resource(plan, entry))
        if change is not None:
            cluster_for(change.cluster_id).changes.append(change)

    ordered = sorted(clusters.values(), key=lambda c: (not isinstance(c.cluster_id, str), str(c.cluster_id)))
    return Review(terraform_version=plan.terraform_version, clusters=ordered, complete=plan.complete)


def _drift(entry: ResourceChange, facts: _PlanFacts) -> Drift | None:
    if entry.mode != "managed" or entry.type != REMEDIATION:
        return None
    change = entry.change
    before = resolve(change.before, None, change.before_sensitive) or {}
    after = resolve(change.after, change.after_unknown, change.after_sensitive)
    if is_marker(after):
        after = {}  # a drift entry whose whole object is unknown (malformed): every field reads as missing
    if after is not None and before.get("state") == after.get("state"):
        return None  # only a state change (or a disappearance) matters to a reviewer
    cluster_id = before.get("cluster_id")
    instance_id = before.get("instance_id")
    return Drift(
        address=entry.address,
        cluster_id=cluster_id,
        instance_id=instance_id,
        node_name=facts.node_name(cluster_id, instance_id) or before.get("instance_name"),
        state_before=before.get("state"),
        state_after=after.get("state") if after is not None else None,
        error_message=after.get("error_message") if after is not None else None,
    )


def _change(
    entry: ResourceChange, facts: _PlanFacts, drift: Drift | None, config: ConfigResource | None
) -> RemediationChange | None:
    if entry.mode != "managed" or entry.type not in (REMEDIATION, REVIEW):
        return None
    actions = entry.change.actions
    if actions in (["no-op"], ["read"]):
        return None
    change = entry.change
    before = resolve(change.before, None, change.before_sensitive) or {}
    after = resolve(change.after, change.after_unknown, change.after_sensitive)
    if is_marker(after):
        after = {}  # the whole object known only after apply: every field reads as missing
    current = after if after is not None else before  # a delete has only "before"
    if entry.type == REMEDIATION:
        action, why = _remediation_action(actions, before, after, entry, drift)
        known = {}
    else:
        action, why = _review_action(actions, current)
        known = facts.remediations.get(current.get("remediation_id"), {}) if isinstance(
            current.get("remediation_id"), str
        ) else {}

    # A replace onto another node (a changed instance_id) is not a new run of the same intent:
    # the old node's name and alerts must not be shown next to the new instance.
    same_target = all(before.get(k) == current.get(k) for k in ("cluster_id", "instance_id"))

    def pick(name: str) -> Any:
        """The plan's value, else what the prior state knows about the same remediation."""
        value = current.get(name)
        if (value is None or value is UNKNOWN) and known.get(name) is not None:
            return known[name]
        if value is UNKNOWN and name in CARRIED_OVER and before.get(name) and same_target:
            return before[name]  # a new run of the same intent: its alerts and node are the old ones
        return value

    cluster_id = pick("cluster_id")
    instance_id = pick("instance_id")
    instance_source = _reference(config, "instance_id") if instance_id is UNKNOWN else None
    node_name = facts.node_name(cluster_id, instance_id)
    if node_name is None:
        instance_name = pick("instance_name")
        node_name = instance_name if instance_name is not None else UNKNOWN
    if node_name is UNKNOWN and instance_source:
        # instance_id = data.together_cluster.X.instance_id_by_node_name["gpu-03"] names the node
        named = NODE_NAME_KEY.search(instance_source)
        node_name = named.group(1) if named else UNKNOWN
    if entry.type == REVIEW:
        mode = _review_mode(current, known, config, action)
    else:
        mode = mode_plan(pick("mode"), pick("escalation"))
    return RemediationChange(
        address=entry.address if entry.deposed is None else f"{entry.address} (deposed {entry.deposed})",
        action=action,
        cluster_id=cluster_id,
        instance_id=instance_id,
        instance_source=instance_source,
        node_name=node_name,
        mode=mode,
        reason=pick("reason"),
        alerts=_alerts(pick("linked_alerts")),
        remediation_id=current.get("remediation_id") if entry.type == REVIEW else current.get("id"),
        state_before=before.get("state") if before else known.get("state"),
        why=why,
        comment=current.get("comment") if entry.type == REVIEW else None,
        cancels=entry.type == REMEDIATION and _cancels(action, before.get("state"), drift),
    )


def _review_mode(current: dict, known: dict, config: ConfigResource | None, action: Action) -> ModePlan:
    """The mode a review runs: its ``mode`` (approve as another mode), else the remediation's."""
    proposed = known.get("mode")
    if proposed is None:
        proposed = current.get(REVIEWED_MODE)
    if proposed is None:
        proposed = UNKNOWN  # the remediation is not in the plan's data: never guessed
    override = current.get("mode")
    if override is UNKNOWN and (config is None or "mode" not in config.expressions):
        override = None  # not configured: the provider fills it in after apply
    if action == Action.APPROVE and override is not None:
        return approval_mode_plan(proposed, override)
    return mode_plan(proposed, None)


def _config_resource(plan: PlanDocument, entry: ResourceChange) -> ConfigResource | None:
    """The configuration block of a resource change (shared by every instance of a count/for_each)."""
    if plan.configuration is None:
        return None
    module = plan.configuration.root_module
    for name in MODULE_STEP.findall(entry.module_address or ""):
        call = module.module_calls.get(name)
        if call is None:
            return None
        module = call.module
    for resource in module.resources:
        if (resource.mode, resource.type, resource.name) == (entry.mode, entry.type, entry.name):
            return resource
    return None


def _reference(config: ConfigResource | None, attribute: str) -> str | None:
    """The most precise reference an argument's expression makes, e.g. ``data.x.y["k"]``."""
    if config is None:
        return None
    expression = config.expressions.get(attribute)
    references = expression.get("references") if isinstance(expression, dict) else None
    return references[0] if references else None


def _remediation_action(
    actions: list[str], before: dict, after: Any, entry: ResourceChange, drift: Drift | None
) -> tuple[Action, str | None]:
    state = before.get("state")
    if actions == ["create"]:
        adopted = after.get("adopted_remediation_id") if isinstance(after, dict) else None
        if isinstance(adopted, str) and adopted:  # known and set: the plan adopts, nothing new runs
            return Action.ADOPT, f"adopts remediation {adopted}, left by an interrupted apply"
        return Action.CREATE, None
    if sorted(actions) == ["create", "delete"]:
        return Action.REPLACE, _replace_why(entry, state, drift)
    if actions == ["update"]:
        new_attempt = isinstance(after, dict) and (after.get("id") is UNKNOWN or after.get("state") is UNKNOWN)
        if new_attempt:
            return Action.RERUN, _ended_why(state, drift) or "a new attempt"
        return Action.UPDATE, "settings only: " + ", ".join(_changed_keys(before, after))
    if actions == ["delete"]:
        if state in CANCELLABLE_STATES:
            return Action.CANCEL, f"destroyed while {state}"
        # QUARANTINING and QUARANTINED have started too: the host is cordoned, cancel no longer applies.
        still = "started, keeps running" if state in STARTED_STATES else "nothing to cancel"
        return Action.FORGET, f"destroyed while {state}: {still}"
    return Action.FORGET, "removed from state only"


def _review_action(actions: list[str], current: dict) -> tuple[Action, str | None]:
    if "create" in actions:
        decision = current.get("decision")
        if decision == "REJECT":
            return Action.REJECT, None
        if decision == "APPROVE":
            return Action.APPROVE, None
        return Action.APPROVE, "decision known only after apply: counted as an approval"
    if actions == ["update"]:
        return Action.UPDATE, "review settings only"
    return Action.FORGET, "destroying a review only forgets it"


def _cancels(action: Action, state: Any, drift: Drift | None) -> bool:
    if action == Action.CANCEL:
        return True
    live = drift.state_after if drift is not None else state  # refresh knows better than the state file
    return action == Action.REPLACE and live in CANCELLABLE_STATES


def _replace_why(entry: ResourceChange, state: Any, drift: Drift | None) -> str:
    parts = []
    ended = _ended_why(state, drift)
    if ended:
        parts.append(ended)
    live = drift.state_after if drift is not None else state  # refresh knows better than the state file
    if live in CANCELLABLE_STATES:
        # The destroy half of the replace cancels the remediation in place before the new one runs.
        old = entry.change.before.get("id") if isinstance(entry.change.before, dict) else None
        parts.append(f"cancels the current remediation{f' {old}' if isinstance(old, str) else ''} ({live})")
    reason = ACTION_REASONS.get(entry.action_reason or "", entry.action_reason)
    paths = {".".join(str(p) for p in path) for path in entry.change.replace_paths or []}
    if "state" in paths:  # the provider replaces on the live state only to run again
        parts.append("rerun_on_failure")
        paths.discard("state")
    if reason == "changed" and paths:
        parts.append("changed: " + ", ".join(sorted(paths)))
    elif reason and reason != "changed":
        parts.append(reason)
    return "; ".join(parts) or "replacement"


def _ended_why(state: Any, drift: Drift | None) -> str | None:
    if drift is not None and drift.failed_or_cancelled:
        return f"{drift.state_after} outside Terraform"
    if state in RERUN_STATES:
        return f"last run {state}"
    return None


def _changed_keys(before: dict, after: Any) -> list[str]:
    if not isinstance(after, dict):
        return []
    return sorted(k for k in after if k in before and after[k] != before[k] and is_known(after[k])) or ["none"]


def _alerts(value: Any) -> list[Alert] | Any:
    if not isinstance(value, list):
        return value  # UNKNOWN, SENSITIVE or None
    return [_alert(a) for a in value if isinstance(a, dict)]


def _alert(values: dict[str, Any]) -> Alert:
    annotation = values.get("annotation")
    annotation = annotation if isinstance(annotation, dict) else {}
    codes = annotation.get("xid_codes")
    return Alert(
        name=values.get("alert_name"),
        severity=values.get("severity"),
        title=annotation.get("title") or None,
        xid_codes=tuple(c for c in codes if isinstance(c, str)) if isinstance(codes, list) else (),
    )

