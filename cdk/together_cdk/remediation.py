"""The `together_remediation` resource: "this instance gets this repair"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._cdk import cdk
from ._element import TogetherResource, element_config
from ._values import MAX_TEXT_LENGTH, Checker, drop_unset, timeouts_block
from .enums import RemediationMode, WaitFor
from .references import AlertListReference, AttemptListReference

TERRAFORM_TYPE = "together_remediation"


@dataclass(frozen=True)
class RemediationTimeouts:
    """How long `terraform apply` may wait on a remediation (Go durations).

    :param create: for the remediation to reach `wait_for` (provider default `"30m"`).
    :param delete: for an active remediation to be cancelled on destroy (provider default `"10m"`).
    """

    create: str | None = None
    delete: str | None = None


class Remediation(TogetherResource, cdk.TerraformResource):
    """Remediates one instance of a GPU cluster: reboot, replace or evict it.

    Creating the resource creates the remediation; `terraform apply` waits for it (see `wait_for`).
    Changing any argument but `wait_for` / `rerun_on_failure` / `timeouts` plans a new
    remediation. To run the same repair again, change `triggers` (or the reason).

    :param scope: the stack (or construct) the resource belongs to.
    :param id: the construct id.
    :param cluster_id: the GPU cluster (required).
    :param instance_id: the instance to remediate (required).
    :param mode: how to repair, one of `RemediationMode`. Exactly one of `mode` and `escalation`.
    :param escalation: an escalation ladder: modes tried in order until one succeeds, e.g.
        `[REBOOT_VM, VM_ONLY, HOST_AWARE]`. Exactly one of `mode` and `escalation`.
    :param reason: why, shown to operators (default: none).
    :param triggers: arbitrary strings; changing any of them plans a new run of the same repair.
    :param remediation_id: the remediation's UUID, for idempotency (default: derived by the
        provider from the intent, so a re-run apply finds its own remediation).
    :param wait_for: `WaitFor.TERMINAL` (default), `RUNNING` or `NONE`.
    :param rerun_on_failure: plan another attempt when the remediation ended FAILED or
        CANCELLED (default False).
    :param timeouts: `RemediationTimeouts` (or a dict with `create` / `delete`).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to create first (the order the plan shows).
    :param count: how many copies (a number or `TerraformCount`).
    :param for_each: a `TerraformIterator` to create one per element.
    :param lifecycle: `TerraformResourceLifecycle` (e.g. `prevent_destroy`, preconditions).
    """

    _terraform_type = TERRAFORM_TYPE
    _attribute_kinds = {
        "cluster_id": "string",
        "instance_id": "string",
        "mode": "string",
        "escalation": "string_list",
        "reason": "string",
        "triggers": "string_map",
        "remediation_id": "string",
        "wait_for": "string",
        "rerun_on_failure": "bool",
        "timeouts": "block",
    }

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        instance_id: str,
        mode: RemediationMode | str | None = None,
        escalation: Sequence[RemediationMode | str] | None = None,
        reason: str | None = None,
        triggers: Mapping[str, str] | None = None,
        remediation_id: str | None = None,
        wait_for: WaitFor | str | None = None,
        rerun_on_failure: bool | None = None,
        timeouts: RemediationTimeouts | Mapping[str, str] | None = None,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        check = Checker(scope, id)
        if (mode is None) == (escalation is None):
            check.fail("mode", "set exactly one of mode and escalation")
        self._attributes = drop_unset(
            {
                "cluster_id": check.path_id("cluster_id", cluster_id, required=True),
                "instance_id": check.path_id("instance_id", instance_id, required=True),
                "mode": check.enum("mode", mode, RemediationMode),
                "escalation": check.enum_list("escalation", escalation, RemediationMode, min_items=1, unique=True),
                "reason": check.text("reason", reason, max_length=MAX_TEXT_LENGTH),
                "triggers": check.string_map("triggers", triggers),
                "remediation_id": check.uuid("remediation_id", remediation_id),
                "wait_for": check.enum("wait_for", wait_for, WaitFor),
                "rerun_on_failure": check.boolean("rerun_on_failure", rerun_on_failure),
                "timeouts": timeouts_block(check, timeouts, ("create", "delete")),
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

    # Computed attributes: each is a token that Terraform resolves after apply.

    @property
    def id(self) -> str:
        """The remediation's id (equal to `remediation_id`)."""
        return self.get_string_attribute("id")

    @property
    def remediation_id(self) -> str:
        """The remediation's UUID, set or derived."""
        return self.get_string_attribute("remediation_id")

    @property
    def state(self) -> str:
        """The remediation's state, one of `RemediationState`."""
        return self.get_string_attribute("state")

    @property
    def trigger(self) -> str:
        """`REMEDIATION_TRIGGER_MANUAL` for a remediation created here."""
        return self.get_string_attribute("trigger")

    @property
    def requested_by(self) -> str:
        """Who created the remediation."""
        return self.get_string_attribute("requested_by")

    @property
    def create_time(self) -> str:
        """When the remediation was created (RFC 3339)."""
        return self.get_string_attribute("create_time")

    @property
    def start_time(self) -> str:
        """When it started running."""
        return self.get_string_attribute("start_time")

    @property
    def end_time(self) -> str:
        """When it ended."""
        return self.get_string_attribute("end_time")

    @property
    def update_time(self) -> str:
        """When it last changed."""
        return self.get_string_attribute("update_time")

    @property
    def error_message(self) -> str:
        """Why it failed, if it did."""
        return self.get_string_attribute("error_message")

    @property
    def reviewed_by(self) -> str:
        """Who approved or rejected it (for automated remediations)."""
        return self.get_string_attribute("reviewed_by")

    @property
    def review_time(self) -> str:
        """When it was reviewed."""
        return self.get_string_attribute("review_time")

    @property
    def review_comment(self) -> str:
        """The review's comment."""
        return self.get_string_attribute("review_comment")

    @property
    def instance_name(self) -> str:
        """The instance's node name, e.g. `gpu-03`."""
        return self.get_string_attribute("instance_name")

    @property
    def active_health_check_run_id(self) -> str:
        """The active health-check run behind the remediation."""
        return self.get_string_attribute("active_health_check_run_id")

    @property
    def passive_health_check_event_id(self) -> str:
        """The passive health-check event behind the remediation."""
        return self.get_string_attribute("passive_health_check_event_id")

    @property
    def linked_alerts(self) -> AlertListReference:
        """The alerts linked to the remediation: `.get(i).alert_name`, or `.resolvable` for all."""
        return AlertListReference(self, "linked_alerts")

    @property
    def attempts(self) -> AttemptListReference:
        """Every attempt (reruns, escalation steps): `.get(i).state`, or `.resolvable` for all."""
        return AttemptListReference(self, "attempts")

