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
from ._rules import approval_mode
from .remediation_review import RemediationReview

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_XID_CODE = re.compile(r"^[0-9]+$")
# The Xid codes of a linked alert `a`, from its typed annotation (null when the API parsed none).
_ALERT_XID_CODES = "(a.annotation == null ? [] : a.annotation.xid_codes == null ? [] : a.annotation.xid_codes)"
_ALERTS = "(r.linked_alerts == null ? [] : r.linked_alerts)"  # a remediation may have no alerts


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
    :param xid_codes: only remediations linked to an alert whose annotation reports one of these
        NVIDIA Xid codes, e.g. `["79"]` (GPU fallen off the bus); with `alert_names` or
        `min_severity`, the same alert must satisfy each.
    :param approve_as: approve as this mode instead of the proposed one, e.g.
        `RemediationMode.REBOOT_VM` for an automated `VM_ONLY` (default: the proposed mode). Only
        with `APPROVE`; `HOST_POWER_CYCLE` is refused (the API does not take it as an override).
    """

    decision: ReviewDecision | str
    name: str | None = None
    modes: Sequence[RemediationMode | str] | None = None
    trigger: RemediationTrigger | str | None = None
    alert_names: Sequence[str] | None = None
    min_severity: AlertSeverity | str | None = None
    comment: str | None = None
    xid_codes: Sequence[str | int] | None = None
    approve_as: RemediationMode | str | None = None


class ApprovalPolicy(Construct):
    """Reviews the automated remediations that wait for approval, by ordered rules.

    At plan time one `together_remediations` data source lists the cluster's automated
    remediations in `PENDING_APPROVAL`; each rule becomes one `together_remediation_review`
    resource with `for_each` over the listed remediations it matches and no earlier rule matched.
    So the plan lists each approval and rejection by remediation id, and a remediation no rule
    matches is left for a person to review. Rules match on the remediations' modes and on their
    linked alerts (name, severity, and the Xid codes of the alert's annotation), all read at plan
    time; `hold_xid_codes` leaves alerts with those codes to a person whatever the rules say.

    ```python
    ApprovalPolicy(stack, "policy", cluster_id="cluster-training",
                   hold_xid_codes=["48"],  # double-bit ECC: never decided without a person
                   rules=[
                       # Xid 79 (GPU fell off the bus): a reboot brings it back
                       ApprovalRule(name="xid-79-reboots", decision=ReviewDecision.APPROVE, xid_codes=["79"],
                                    modes=[RemediationMode.REBOOT_VM]),
                       # an automated VM replacement: try a reboot first
                       ApprovalRule(name="reboot-first", decision=ReviewDecision.APPROVE,
                                    modes=[RemediationMode.VM_ONLY], approve_as=RemediationMode.REBOOT_VM),
                   ])
    ```

    Once reviewed, a remediation leaves the pending list; the next plan then forgets its review
    resource (destroying a review only removes it from state: a decision cannot be undone).

    :param scope: the stack (or construct) to add the policy to.
    :param id: the construct id.
    :param cluster_id: the GPU cluster (required).
    :param rules: the rules, first match wins (required, at least one).
    :param instance_id: only this instance's remediations (default `"-"`: the whole cluster).
    :param wait_for: after an approval, wait for the remediation to start or end (default `NONE`).
    :param hold_xid_codes: remediations linked to an alert reporting one of these Xid codes are
        never reviewed by the policy, whichever rule would match: they wait for a person (e.g.
        `["48"]`, a double-bit ECC error). Default: none held.
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
        hold_xid_codes: Sequence[str | int] | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
    ) -> None:
        check = Checker(scope, id)
        check.path_id("cluster_id", cluster_id, required=True)
        instance_id = check.path_id("instance_id", instance_id)
        wait_for = check.enum("wait_for", wait_for, WaitFor)
        held = _xid_codes(check, "hold_xid_codes", hold_xid_codes)
        if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence) or not rules:
            check.fail("rules", "must be a list of at least one ApprovalRule")
        matches: list[str] = []
        names: list[str] = []
        approve_as: list[Any] = []
        for index, rule in enumerate(rules):
            prop = f"rules[{index}]"
            if not isinstance(rule, ApprovalRule):
                check.fail(prop, f"must be an ApprovalRule, got {type(rule).__name__}")
            decision = check.enum(f"{prop}.decision", rule.decision, ReviewDecision, required=True)
            check.string(f"{prop}.comment", rule.comment)
            approve_as.append(approval_mode(check, f"{prop}.approve_as", rule.approve_as, decision))
            name = rule.name if rule.name is not None else f"rule-{index + 1}"
            if not _NAME.match(name):
                check.fail(f"{prop}.name", f"must start with a letter and hold only letters, digits, - and _; got {name!r}")
            if name in names:
                check.fail(f"{prop}.name", f"{name!r} is already the name of an earlier rule")
            if "true" in matches:
                check.fail(prop, f"can never match: rule {matches.index('true') + 1} before it matches every remediation")
            codes = _xid_codes(check, f"{prop}.xid_codes", rule.xid_codes)
            if held and codes and set(codes) <= set(held):
                check.fail(f"{prop}.xid_codes", f"can never match: hold_xid_codes leaves {', '.join(codes)} to a person")
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
        # A held remediation is left to a person before any rule is tried.
        holds = [f"!({_any_alert(_xid_term(held))})"] if held else []
        for index, (rule, name) in enumerate(zip(rules, names)):
            earlier = [f"!({expression})" for expression in matches[:index]]
            condition = " && ".join([f"({matches[index]})", *earlier, *holds])
            review = RemediationReview(
                self,
                name,
                cluster_id=cluster_id,
                instance_id="${each.value.instance_id}",
                remediation_id="${each.key}",
                decision=rule.decision,
                mode=approve_as[index],
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
    xid_codes = _xid_codes(check, f"{prop}.xid_codes", rule.xid_codes)
    if xid_codes is not None:
        alert_terms.append(_xid_term(xid_codes))
    if alert_terms:
        terms.append(_any_alert(" && ".join(alert_terms)))
    return " && ".join(terms) if terms else "true"


def _any_alert(condition: str) -> str:
    """True when one of the remediation's linked alerts `a` satisfies `condition`."""
    return f"length([for a in {_ALERTS} : a if {condition}]) > 0"


def _xid_term(codes: list[str]) -> str:
    """True when the alert `a` reports one of `codes`."""
    return f"length(setintersection({_ALERT_XID_CODES}, {json.dumps(codes)})) > 0"


def _xid_codes(check: Checker, prop: str, value: Any) -> list[str] | None:
    """NVIDIA Xid codes as the API writes them (`"79"`); a whole number is accepted too."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        check.fail(prop, f"must be a list of Xid codes such as [\"79\"], got {type(value).__name__}")
    if not value:
        check.fail(prop, "needs at least one Xid code (leave it unset to match any alert)")
    codes = []
    for index, code in enumerate(value):
        text = str(code) if isinstance(code, int) and not isinstance(code, bool) and code >= 0 else code
        if not isinstance(text, str) or not _XID_CODE.match(text):
            check.fail(f"{prop}[{index}]", f"must be an Xid code, a whole number such as \"79\"; got {code!r}")
        codes.append(str(int(text)))  # "079" is Xid 79, as the API writes it
    return codes
