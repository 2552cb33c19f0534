"""Check a review against a policy. The gate fails closed: a rule it cannot verify because a
value is known only after apply (or hidden as sensitive) is reported as violated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from together_remediation.review.model import Action, ClusterReview, RemediationChange, Review
from together_remediation.review.text import short_mode
from together_remediation.review.values import is_known

if TYPE_CHECKING:
    from together_remediation.review.policy import Policy

EVICT = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
HIDDEN = "is known only after apply or is sensitive: cannot verify"


@dataclass(frozen=True)
class Violation:
    rule: str  # the policy key that is broken
    message: str
    addresses: list[str] = field(default_factory=list)


def check_policy(review: Review, policy: Policy) -> list[Violation]:
    """Every violated rule, each with the addresses of the resources that break it."""
    violations: list[Violation] = []
    runs = review.runs
    if policy.max_remediations_per_plan is not None and len(runs) > policy.max_remediations_per_plan:
        violations.append(
            Violation(
                "max_remediations_per_plan",
                f"{len(runs)} remediations would run, at most {policy.max_remediations_per_plan} allowed",
                _addresses(runs),
            )
        )
    for cluster in review.clusters:
        violations += _cluster_limits(cluster, policy)
    for change in sorted(review.changes, key=lambda c: c.address):
        violations += _change_rules(change, policy)
    return violations


def _cluster_limits(cluster: ClusterReview, policy: Policy) -> list[Violation]:
    found = []
    name = f"cluster {cluster.cluster_id}"
    runs = cluster.runs
    limit = policy.max_remediations_per_cluster
    if limit is not None and len(runs) > limit:
        found.append(
            Violation(
                "max_remediations_per_cluster",
                f"{name}: {len(runs)} remediations would run, at most {limit} allowed",
                _addresses(runs),
            )
        )
    share_limit = policy.max_cluster_node_share
    if share_limit is not None and runs:
        share = cluster.touched_share
        if share is None:
            found.append(
                Violation(
                    "max_cluster_node_share",
                    f"{name}: cannot verify, its node count is not in the plan "
                    "(read it with a together_cluster data source)",
                    _addresses(runs),
                )
            )
        elif share > share_limit:
            found.append(
                Violation(
                    "max_cluster_node_share",
                    f"{name}: {cluster.touched_count} of {cluster.node_count} nodes disrupted "
                    f"({share:.1%}), at most {share_limit:.1%} allowed",
                    _addresses(runs),
                )
            )
    return found


def _change_rules(change: RemediationChange, policy: Policy) -> list[Violation]:
    found = []
    address = [change.address]
    if change.runs_remediation:
        steps = list(change.mode.steps) if change.mode else []
        if not steps or not all(is_known(step) for step in steps):
            rule = "allowed_modes" if policy.allowed_modes is not None else "allow_evict_without_replacement"
            found.append(Violation(rule, f"mode {HIDDEN}", address))
        else:
            if EVICT in steps and not policy.allow_evict_without_replacement:
                found.append(
                    Violation(
                        "allow_evict_without_replacement",
                        "EVICT_WITHOUT_REPLACEMENT removes the node for good and is not allowed",
                        address,
                    )
                )
            allowed = {mode.value for mode in policy.allowed_modes} if policy.allowed_modes is not None else None
            refused = [s for s in steps if allowed is not None and s not in allowed and s != EVICT]
            if refused:
                found.append(
                    Violation("allowed_modes", f"mode {_modes(refused)} is not allowed", address)
                )
    if policy.require_reason and change.action in (Action.CREATE, Action.REPLACE, Action.RERUN):
        if not is_known(change.reason):
            found.append(Violation("require_reason", f"reason {HIDDEN}", address))
        elif not (change.reason or "").strip():
            found.append(Violation("require_reason", "no reason given", address))
    if change.action == Action.APPROVE:
        found += _xid_rules(change, policy)
    if policy.require_rejection_comment and change.action == Action.REJECT:
        if not is_known(change.comment):
            found.append(
                Violation("require_rejection_comment", f"comment {HIDDEN}", address)
            )
        elif not (change.comment or "").strip():
            found.append(Violation("require_rejection_comment", "rejection without a comment", address))
    return found


def _xid_rules(change: RemediationChange, policy: Policy) -> list[Violation]:
    """The Xid rules of an approval, read from the linked alerts' annotations."""
    rules = [rule for rule in ("require_human_for_xid_codes", "allowed_approval_xid_codes") if getattr(policy, rule)]
    address = [change.address]
    if rules and not isinstance(change.alerts, list):
        return [Violation(rule, f"linked alerts {HIDDEN}", address) for rule in rules]
    found = []
    codes = change.xid_codes
    human = sorted(codes & set(policy.require_human_for_xid_codes or ()), key=_numeric)
    if human:
        found.append(Violation("require_human_for_xid_codes",
                               f"Xid {', '.join(human)} needs a person's approval, not a plan's", address))
    allowed = policy.allowed_approval_xid_codes
    if allowed and not codes & set(allowed):
        seen = f"its alerts report Xid {', '.join(sorted(codes, key=_numeric))}" if codes else "its alerts report no Xid code"
        found.append(Violation("allowed_approval_xid_codes",
                               f"{seen}; a plan approves only Xid {', '.join(allowed)}", address))
    return found


def _addresses(changes: Iterable[RemediationChange]) -> list[str]:
    return sorted(change.address for change in changes)


def _modes(modes: list[str]) -> str:
    return ", ".join(short_mode(mode) for mode in modes)


def _numeric(code: str) -> tuple[int, str]:
    """Xid codes in numeric order ("13" before "79"), whatever the API sends."""
    return (len(code), code)
