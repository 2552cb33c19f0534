"""The `together_remediation` data source: one remediation, read by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._cdk import cdk
from ._element import TogetherDataSource, element_config
from ._values import Checker, drop_unset
from .references import AlertListReference

TERRAFORM_TYPE = "together_remediation"


class DataTogetherRemediation(TogetherDataSource, cdk.TerraformDataSource):
    """Reads one remediation, e.g. one raised by a health check, to review or report it.

    :param scope: the stack (or construct) the data source belongs to.
    :param id: the construct id.
    :param cluster_id: the remediation's cluster (required).
    :param instance_id: the remediation's instance (required).
    :param remediation_id: the remediation's id (required).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to read after.
    :param count: how many copies.
    :param for_each: a `TerraformIterator`.
    :param lifecycle: `TerraformResourceLifecycle` (e.g. postconditions).
    """

    _terraform_type = TERRAFORM_TYPE
    _attribute_kinds = {"cluster_id": "string", "instance_id": "string", "remediation_id": "string"}

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        instance_id: str,
        remediation_id: str,
        provider: Any = None,
        depends_on: Sequence[Any] | None = None,
        count: Any = None,
        for_each: Any = None,
        lifecycle: Any = None,
    ) -> None:
        check = Checker(scope, id)
        self._attributes = drop_unset(
            {
                "cluster_id": check.path_id("cluster_id", cluster_id, required=True),
                "instance_id": check.path_id("instance_id", instance_id, required=True),
                "remediation_id": check.uuid("remediation_id", remediation_id, required=True),
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
        """The remediation's id."""
        return self.get_string_attribute("id")

    @property
    def instance_name(self) -> str:
        """The instance's node name."""
        return self.get_string_attribute("instance_name")

    @property
    def mode(self) -> str:
        """One of `RemediationMode`."""
        return self.get_string_attribute("mode")

    @property
    def trigger(self) -> str:
        """One of `RemediationTrigger`."""
        return self.get_string_attribute("trigger")

    @property
    def state(self) -> str:
        """One of `RemediationState`."""
        return self.get_string_attribute("state")

    @property
    def reason(self) -> str:
        """Why it was asked for."""
        return self.get_string_attribute("reason")

    @property
    def requested_by(self) -> str:
        """Who asked for it."""
        return self.get_string_attribute("requested_by")

    @property
    def create_time(self) -> str:
        """When it was created (RFC 3339)."""
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
        """Who approved or rejected it."""
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
    def active_health_check_run_id(self) -> str:
        """The active health-check run behind it."""
        return self.get_string_attribute("active_health_check_run_id")

    @property
    def passive_health_check_event_id(self) -> str:
        """The passive health-check event behind it."""
        return self.get_string_attribute("passive_health_check_event_id")

    @property
    def linked_alerts(self) -> AlertListReference:
        """The alerts that raised it."""
        return AlertListReference(self, "linked_alerts")
