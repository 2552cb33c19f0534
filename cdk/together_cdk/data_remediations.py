"""The `together_remediations` data source: the remediations of a cluster (or one instance) that match filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._cdk import cdk
from ._element import TogetherDataSource, element_config
from ._values import Checker, drop_unset
from .enums import AlertSeverity, RemediationMode, RemediationState, RemediationTrigger
from .references import RemediationListReference

TERRAFORM_TYPE = "together_remediations"


class DataTogetherRemediations(TogetherDataSource, cdk.TerraformDataSource):
    """Lists remediations at plan time, e.g. the automated ones waiting for approval.

    :param scope: the stack (or construct) the data source belongs to.
    :param id: the construct id.
    :param cluster_id: the GPU cluster (required).
    :param instance_id: one instance, or `"-"` for every instance of the cluster (default `"-"`).
    :param states: only these states (`RemediationState`); default: every state.
    :param modes: only these modes (`RemediationMode`); default: every mode.
    :param trigger: only this trigger (`RemediationTrigger`); default: both.
    :param triggers: only these triggers (`RemediationTrigger`); default: both.
    :param order_by: the API's order expression, e.g. `"create_time desc"`; default: the API's order.
    :param alert_names: only remediations linked to an alert of one of these names.
    :param min_severity: only remediations linked to an alert at least this severe (`AlertSeverity`).
    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to read after.
    :param count: how many copies.
    :param for_each: a `TerraformIterator`.
    :param lifecycle: `TerraformResourceLifecycle` (e.g. postconditions).
    """

    _terraform_type = TERRAFORM_TYPE
    _attribute_kinds = {
        "cluster_id": "string",
        "instance_id": "string",
        "states": "string_list",
        "modes": "string_list",
        "trigger": "string",
        "triggers": "string_list",
        "order_by": "string",
        "alert_names": "string_list",
        "min_severity": "string",
    }

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        cluster_id: str,
        instance_id: str | None = None,
        states: Sequence[RemediationState | str] | None = None,
        modes: Sequence[RemediationMode | str] | None = None,
        trigger: RemediationTrigger | str | None = None,
        triggers: Sequence[RemediationTrigger | str] | None = None,
        order_by: str | None = None,
        alert_names: Sequence[str] | None = None,
        min_severity: AlertSeverity | str | None = None,
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
                "instance_id": check.path_id("instance_id", instance_id),
                "states": check.enum_list("states", states, RemediationState),
                "modes": check.enum_list("modes", modes, RemediationMode),
                "trigger": check.enum("trigger", trigger, RemediationTrigger),
                "triggers": check.enum_list("triggers", triggers, RemediationTrigger),
                "order_by": check.string("order_by", order_by),
                "alert_names": check.string_list("alert_names", alert_names),
                "min_severity": check.enum("min_severity", min_severity, AlertSeverity),
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
    def remediations(self) -> RemediationListReference:
        """The matching remediations: `.get(i).state`, or `.resolvable` for the whole list."""
        return RemediationListReference(self, "remediations")

    @property
    def ids(self) -> list[str]:
        """The matching remediations' ids (a list token)."""
        return self.get_list_attribute("ids")

    @property
    def id(self) -> str:
        """The data source's id, `CLUSTER/INSTANCE`."""
        return self.get_string_attribute("id")
