"""The `together_remediation_review` resource: approve or reject a remediation that waits for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._cdk import cdk
from ._element import TogetherResource, element_config
from ._values import Checker, drop_unset, timeouts_block
from .enums import ReviewDecision, WaitFor
from .references import AlertListReference

TERRAFORM_TYPE = "together_remediation_review"


@dataclass(frozen=True)
class RemediationReviewTimeouts:
    """How long `terraform apply` may wait after the review (Go duration).

    :param create: for the reviewed remediation to reach `wait_for`.
    """

    create: str | None = None


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
    :param comment: shown with the decision (default: none).
    :param wait_for: after an approval, wait for the remediation to start (`RUNNING`) or end
        (`TERMINAL`); default `NONE`.
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
        self._attributes = drop_unset(
            {
                "cluster_id": check.string("cluster_id", cluster_id, required=True),
                "instance_id": check.string("instance_id", instance_id, required=True),
                "remediation_id": check.uuid("remediation_id", remediation_id, required=True),
                "decision": check.enum("decision", decision, ReviewDecision, required=True),
                "comment": check.string("comment", comment),
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
        """The remediation's mode, one of `RemediationMode`."""
        return self.get_string_attribute("mode")

    @property
    def trigger(self) -> str:
        """The remediation's trigger, one of `RemediationTrigger`."""
        return self.get_string_attribute("trigger")

    @property
    def linked_alerts(self) -> AlertListReference:
        """The alerts that raised the remediation."""
        return AlertListReference(self, "linked_alerts")
