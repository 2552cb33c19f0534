"""`ApprovalPolicy`: ordered rules that approve or reject the remediations Together's health checks raise."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ._values import Checker
from .data_remediations import DataTogetherRemediations
from .enums import SEVERITY_ORDER, AlertSeverity, RemediationMode, RemediationState, RemediationTrigger, ReviewDecision, WaitFor
from .remediation_review import RemediationReview

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class ApprovalRule:
    """One rule of an `ApprovalPolicy`: which pending remediations it matches, and the decision.

    A remediation matches when it satisfies every filter that is set; a rule without filters
    matches every remediation the earlier rules left.

    :param decision: `ReviewDecision.APPROVE` or `REJECT` (required).
    :param name: a name for the rule, part of the review resources' names (default `rule-<n>`).
    :param modes: only remediations of these modes (default: any mode).
    :param trigger: only this trigger (default: any; pending approvals are automated).
    :param alert_names: only remediations linked to an alert with one of these names.
    :param min_severity: only remediations linked to an alert at least this severe; with
        `alert_names`, the same alert must satisfy both.
    :param comment: the review comment (default: names the policy and the rule).
    """

    decision: ReviewDecision | str
    name: str | None = None
    modes: Sequence[RemediationMode | str] | None = None
    trigger: RemediationTrigger | str | None = None
    alert_names: Sequence[str] | None = None
    min_severity: AlertSeverity | str | None = None
    comment: str | None = None


class ApprovalPolicy(Construct):
    """Reviews the automated remediations that wait for approval, by ordered rules.

    At plan time one `together_remediations` data source lists the cluster's automated
    remediations in `PENDING_APPROVAL`; each rule becomes one `together_remediation_review`
    resource with `for_each` over the listed remediations it matches and no earlier rule matched.
    So the plan lists each approval and rejection by remediation id, and a remediation no rule
    matches is left for a person to review.

    Once reviewed, a remediation leaves the pending list; the next plan then forgets its review
    resource (destroying a review only removes it from state: a decision cannot be undone).

    :param scope: the stack (or construct) to add the policy to.
    :param id: the construct id.
    :param cluster_id: the GPU cluster (required).
    :param rules: the rules, first match wins (required, at least one).
    :param instance_id: only this instance's remediations (default `"-"`: the whole cluster).
    :param wait_for: after an approval, wait for the remediation to start or end (default `NONE`).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs the reviews wait for.
    """

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        rules: Sequence[ApprovalRule],
        instance_id: str | None = None,
        wait_for: WaitFor | str | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
    ) -> None:
        check = Checker(scope, id)
        check.string("cluster_id", cluster_id, required=True)
        instance_id = check.string("instance_id", instance_id)
        wait_for = check.enum("wait_for", wait_for, WaitFor)
        if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence) or not rules:
            check.fail("rules", "must be a list of at least one ApprovalRule")
        matches: list[str] = []
        names: list[str] = []
        for index, rule in enumerate(rules):
            prop = f"rules[{index}]"
            if not isinstance(rule, ApprovalRule):
                check.fail(prop, f"must be an ApprovalRule, got {type(rule).__name__}")
            check.enum(f"{prop}.decision", rule.decision, ReviewDecision, required=True)
            check.string(f"{prop}.comment", rule.comment)
            name = rule.name if rule.name is not None else f"rule-{index + 1}"
            if not _NAME.match(name):
                check.fail(f"{prop}.name", f"must start with a letter and hold only letters, digits, - and _; got {name!r}")
            if name in names:
                check.fail(f"{prop}.name", f"{name!r} is already the name of an earlier rule")
            if "true" in matches:
                check.fail(prop, f"can never match: rule {matches.index('true') + 1} before it matches every remediation")
            names.append(name)
            matches.append(_match_expression(check, prop, rule))

        super().__init__(scope, id)
        #: The listing of the automated remediations waiting for approval, read at plan time.
        self.pending = DataTogetherRemediations(
            self,
            "pending",
            cluster_id=cluster_id,
            instance_id=instance_id,
            states=[RemediationState.PENDING_APPROVAL],
            trigger=RemediationTrigger.AUTOMATED,
            provider=provider,
            depends_on=depends_on,
        )
        listed = f"data.together_remediations.{self.pending.friendly_unique_id}.remediations"
        #: The review resource of each rule, by rule name (one review per matching remediation).
        self.reviews: dict[str, RemediationReview] = {}
        for index, (rule, name) in enumerate(zip(rules, names)):
            earlier = [f"!({expression})" for expression in matches[:index]]
            condition = " && ".join([f"({matches[index]})", *earlier])
            review = RemediationReview(
                self,
                name,
                cluster_id=cluster_id,
                instance_id="${each.value.instance_id}",
                remediation_id="${each.key}",
                decision=rule.decision,
                comment=rule.comment if rule.comment is not None else f"approval policy {id}, rule {name}",
                wait_for=wait_for,
                provider=provider,
                depends_on=depends_on,
            )
            # for_each as a Terraform expression over the listing: one review per matching remediation.
            review.add_override("for_each", "${ { for r in " + listed + " : r.id => r if " + condition + " } }")
            self.reviews[name] = review


def _match_expression(check: Checker, prop: str, rule: ApprovalRule) -> str:
    """The rule's filters as one Terraform boolean expression over a remediation object `r`."""
    terms: list[str] = []
    modes = check.enum_list(f"{prop}.modes", rule.modes, RemediationMode, min_items=1)
    if modes is not None:
        terms.append(f"contains({json.dumps(modes)}, r.mode)")
    trigger = check.enum(f"{prop}.trigger", rule.trigger, RemediationTrigger)
    if trigger is not None:
        terms.append(f"r.trigger == {json.dumps(trigger)}")
    alert_terms: list[str] = []
    alert_names = check.string_list(f"{prop}.alert_names", rule.alert_names)
    if alert_names is not None:
        if not alert_names:
            check.fail(f"{prop}.alert_names", "needs at least one name (leave it unset to match any alert)")
        alert_terms.append(f"contains({json.dumps(alert_names)}, a.alert_name)")
    min_severity = check.enum(f"{prop}.min_severity", rule.min_severity, AlertSeverity)
    if min_severity is not None:
        severities = [severity.value for severity in SEVERITY_ORDER]
        at_least = severities[severities.index(min_severity) :]
        alert_terms.append(f"contains({json.dumps(at_least)}, a.severity)")
    if alert_terms:
        alerts = "(r.linked_alerts == null ? [] : r.linked_alerts)"  # a remediation may have no alerts
        terms.append(f"length([for a in {alerts} : a if {' && '.join(alert_terms)}]) > 0")
    return " && ".join(terms) if terms else "true"
