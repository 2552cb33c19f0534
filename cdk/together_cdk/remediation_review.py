"""The `together_remediation_review` resource: approve or reject a remediation that waits for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._cdk import cdk
from ._element import TogetherResource, element_config
from ._values import MAX_TEXT_LENGTH, Checker, drop_unset, timeouts_block
from .enums import NOT_AN_APPROVAL_MODE, RemediationMode, ReviewDecision, WaitFor
from .references import AlertListReference

TERRAFORM_TYPE = "together_remediation_review"


@dataclass(frozen=True)
class RemediationReviewTimeouts:
    """How long `terraform apply` may wait after the review (Go duration).

    :param create: for the reviewed remediation to reach `wait_for`.
    """

    create: str | None = None


def approval_mode(check: Checker, prop: str, mode: Any, decision: Any) -> Any:
    """An approval's mode override: a mode the API takes as one, and only with `APPROVE`."""
    mode = check.enum(prop, mode, RemediationMode)
    if mode is None:
        return None
    if mode in {refused.value for refused in NOT_AN_APPROVAL_MODE}:
        check.fail(prop, f"{mode} cannot be an approval's mode (the API refuses it): create a remediation "
                         "with that mode instead, or approve as another mode")
    if decision == ReviewDecision.REJECT.value:
        check.fail(prop, "approves as another mode: a REJECT runs nothing, so leave it unset")
    return mode


class RemediationReview(TogetherResource, cdk.TerraformResource):
    """Approves or rejects a remediation in `PENDING_APPROVAL` (one Together's health checks raised).

    Every argument forces a new review; destroying the resource only forgets it (a decision
    cannot be undone).

    :param scope: the stack (or construct) the resource belongs to.
    :param id: the construct id.
    :param cluster_id: the remediation's cluster (required).
    :param instance_id: the remediation's instance (required).
    :param remediation_id: the remediation to review (required; a UUID or a token).
    :param decision: `ReviewDecision.APPROVE` or `REJECT` (required).
    :param mode: approve as this mode instead of the one the remediation proposes, e.g.
        `RemediationMode.REBOOT_VM` for a proposed `VM_ONLY` (default: the proposed mode). Only
        with `APPROVE`; `HOST_POWER_CYCLE` is refused (the API does not take it as an override).
    :param comment: shown with the decision (default: none).
    :param wait_for: after an approval, wait for the remediation to start (`RUNNING`: work on
        the node begun, quarantine included) or end (`TERMINAL`); default `NONE`.
    :param timeouts: `RemediationReviewTimeouts` (or a dict with `create`).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to create first.
    :param count: how many copies (a number or `TerraformCount`).
    :param for_each: a `TerraformIterator`, e.g. over the remediations a data source lists.
    :param lifecycle: `TerraformResourceLifecycle`.
    """

    _terraform_type = TERRAFORM_TYPE
    _attribute_kinds = {
        "cluster_id": "string",
        "instance_id": "string",
        "remediation_id": "string",
        "decision": "string",
        "mode": "string",
        "comment": "string",
        "wait_for": "string",
        "timeouts": "block",
    }

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        instance_id: str,
        remediation_id: str,
        decision: ReviewDecision | str,
        mode: RemediationMode | str | None = None,
        comment: str | None = None,
        wait_for: WaitFor | str | None = None,
        timeouts: RemediationReviewTimeouts | Mapping[str, str] | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        check = Checker(scope, id)
        decision = check.enum("decision", decision, ReviewDecision, required=True)
        self._attributes = drop_unset(
            {
                "cluster_id": check.path_id("cluster_id", cluster_id, required=True),
                "instance_id": check.path_id("instance_id", instance_id, required=True),
                "remediation_id": check.uuid("remediation_id", remediation_id, required=True),
                "decision": decision,
                "mode": approval_mode(check, "mode", mode, decision),
                "comment": check.text("comment", comment, max_length=MAX_TEXT_LENGTH),
                "wait_for": check.enum("wait_for", wait_for, WaitFor),
                "timeouts": timeouts_block(check, timeouts, ("create",)),
            }
        )
        config = element_config(
            TERRAFORM_TYPE,
            provider=provider,
            depends_on=depends_on,
            count=count,
            for_each=for_each,
            lifecycle=lifecycle,
        )
        self._create(scope, id, config)

    @property
    def id(self) -> str:
        """The reviewed remediation's id."""
        return self.get_string_attribute("id")

    @property
    def state(self) -> str:
        """The remediation's state after the review, one of `RemediationState`."""
        return self.get_string_attribute("state")

    @property
    def reviewed_by(self) -> str:
        """Who reviewed it."""
        return self.get_string_attribute("reviewed_by")

    @property
    def review_time(self) -> str:
        """When it was reviewed (RFC 3339)."""
        return self.get_string_attribute("review_time")

    @property
    def review_comment(self) -> str:
        """The comment the API recorded."""
        return self.get_string_attribute("review_comment")

    @property
    def mode(self) -> str:
        """The mode the approval asked for (`mode`), one of `RemediationMode`."""
        return self.get_string_attribute("mode")

    @property
    def remediation_mode(self) -> str:
        """The mode the remediation runs in after the review (the override, else its own), one of `RemediationMode`."""
        return self.get_string_attribute("remediation_mode")

    @property
    def trigger(self) -> str:
        """The remediation's trigger, one of `RemediationTrigger`."""
        return self.get_string_attribute("trigger")

    @property
    def linked_alerts(self) -> AlertListReference:
        """The alerts that raised the remediation."""
        return AlertListReference(self, "linked_alerts")
