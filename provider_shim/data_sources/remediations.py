"""Data source ``together_remediations``: the remediations of a cluster (or one instance) that match filters.

The API filters by states, modes and triggers (lists, as Together's SDK sends them); approval
policies also need to select by the alerts that raised a remediation, which the API cannot
filter by: ``alert_names`` and ``min_severity`` are applied here, to the linked alerts. Every
page of the listing is followed. The accepted values are ``together_api.vocabulary``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from provider_shim.framework.base import Call, DataSourceType, ProviderError, State
from provider_shim.framework.remediation_object import ORDER_BY, REMEDIATION_OBJECT
from provider_shim.framework.schema import List, String, build_schema, computed, optional, optional_computed, required
from provider_shim.framework.validation import MAX_ID_LENGTH, Validator, is_known
from together_api import vocabulary
from together_api.vocabulary import described, enum_value

EVERY_INSTANCE = "-"
PAGE_SIZE = 500  # the API's largest page


class RemediationsDataSource(DataSourceType):
    name = "remediations"

    @classmethod
    def schema(cls):
        return build_schema(
            "The remediations of a GPU cluster, or of one of its instances, that match every filter given. "
            "Use it to find the automated remediations waiting for approval and review them with "
            "`together_remediation_review` (for example with `for_each`).",
            [
                required("cluster_id", String(), "The GPU cluster whose remediations are listed."),
                optional_computed(
                    "instance_id",
                    String(),
                    "Only the remediations of this instance. Default `-`: every instance of the cluster.",
                ),
                optional(
                    "states",
                    List(String()),
                    f"Only remediations in one of these states: {described(vocabulary.STATE_NAMES)}. Default: every state.",
                ),
                optional(
                    "modes",
                    List(String()),
                    f"Only remediations with one of these modes: {described(vocabulary.MODE_NAMES)}. Default: every mode.",
                ),
                optional(
                    "triggers",
                    List(String()),
                    f"Only remediations with one of these triggers: {described(vocabulary.TRIGGER_NAMES)}. "
                    "Default: both.",
                ),
                optional(
                    "trigger",
                    String(),
                    f"Only remediations with this one trigger: {described(vocabulary.TRIGGER_NAMES)} (kept for "
                    "existing configurations; `triggers` takes several). With `triggers` too, a remediation must match both.",
                ),
                optional(
                    "order_by",
                    String(),
                    "Order of the list: `create_time` (default, oldest first), `create_time desc`, `update_time` "
                    "or `update_time desc`.",
                ),
                optional(
                    "alert_names",
                    List(String()),
                    "Only remediations with a linked alert of one of these names (such as `GPUXidError`). "
                    "Combined with `min_severity`, one linked alert must match both. Remediations without "
                    "linked alerts (manual ones) never match.",
                ),
                optional(
                    "min_severity",
                    String(),
                    f"Only remediations with a linked alert at least this severe: {described(vocabulary.SEVERITIES)} "
                    "(least severe first). Resolved alerts count too.",
                ),
                computed("id", String(), "`CLUSTER/INSTANCE` of the listing (`-` for every instance)."),
                computed(
                    "remediations",
                    List(REMEDIATION_OBJECT),
                    "The matching remediations, each with every field of the API's remediation and its "
                    "`linked_alerts`.",
                ),
                computed("ids", List(String()), "The matching remediations' ids, in the same order."),
            ],
        )

    def validate_config(self, check: Validator) -> None:
        check.non_empty("cluster_id", "instance_id", "trigger", "order_by")
        check.path_ids("cluster_id", "instance_id")
        check.max_length(MAX_ID_LENGTH, "cluster_id", "instance_id")
        _each_one_of(check, "states", vocabulary.STATE_NAMES)
        _each_one_of(check, "modes", vocabulary.MODE_NAMES)
        _each_one_of(check, "triggers", vocabulary.TRIGGER_NAMES)
        check.one_of(["trigger"], vocabulary.TRIGGER_NAMES)
        order_by = check.value(["order_by"])
        if is_known(order_by) and " ".join(order_by.lower().split()) not in ORDER_BY:
            check.error(["order_by"], "Unsupported value for order_by", f"{order_by!r} is not one of: {', '.join(ORDER_BY)}.")
        check.one_of(["min_severity"], vocabulary.SEVERITIES)
        names = check.value(["alert_names"])
        if is_known(names):
            for index, name in enumerate(names):
                if name is not None and not name.strip():
                    check.error(["alert_names", (index,)], "alert_names must not hold an empty name")

    def read(self, call: Call, config: State) -> State:
        from together_api.errors import NotFoundError

        cluster_id = config["cluster_id"]
        instance_id = config.get("instance_id") or EVERY_INSTANCE
        states = list(config.get("states") or [])
        modes = list(config.get("modes") or [])
        triggers = list(config.get("triggers") or ([config["trigger"]] if config.get("trigger") else []))
        try:
            found = list(
                call.session.client.iter_remediations(
                    cluster_id,
                    instance_id,
                    states=states or None,
                    modes=modes or None,
                    triggers=triggers or None,
                    order_by=config.get("order_by"),
                    page_size=PAGE_SIZE,
                )
            )
        except NotFoundError as exc:
            where = f"cluster {cluster_id}" if instance_id == EVERY_INSTANCE else f"instance {instance_id} of cluster {cluster_id}"
            raise ProviderError(f"Cannot list the remediations of {where}", exc.api_message) from None

        wanted = _Filters(states, modes, triggers, config.get("trigger"), config.get("alert_names"), config.get("min_severity"))
        matching = [r for r in found if wanted.match(r)]
        from provider_shim.framework.convert import remediation_values

        return {
            **config,
            "instance_id": instance_id,
            "id": f"{cluster_id}/{instance_id}",
            "remediations": [remediation_values(r) for r in matching],
            "ids": [r.id for r in matching],
        }


def _each_one_of(check: Validator, name: str, allowed: tuple[str, ...]) -> None:
    values = check.value([name])
    if is_known(values):
        for index in range(len(values)):
            check.one_of([name, (index,)], allowed)


@dataclass(frozen=True)
class _Filters:
    """Every filter of the configuration, checked here as well: the API applies states, modes and
    triggers (an older server that ignores one still gives the right list; ``trigger`` and
    ``triggers`` together must both match), the alert filters only this provider applies."""

    states: list[str]
    modes: list[str]
    triggers: list[str]
    trigger: str | None
    alert_names: list[str] | None
    min_severity: str | None

    def match(self, remediation) -> bool:
        for wanted, value in (
            (self.states, remediation.state),
            (self.modes, remediation.mode),
            (self.triggers, remediation.trigger),
            ([self.trigger] if self.trigger else [], remediation.trigger),
        ):
            if wanted and enum_value(value) not in wanted:
                return False
        if not self.alert_names and not self.min_severity:
            return True
        return any(
            (not self.alert_names or alert.alert_name in self.alert_names)
            and (not self.min_severity or _rank(enum_value(alert.severity)) >= _rank(self.min_severity))
            for alert in remediation.linked_alerts
        )


def _rank(severity: str | None) -> int:
    """INFO < WARNING < CRITICAL; a severity this provider does not know ranks below them all."""
    return vocabulary.SEVERITY_RANK.get(severity, -1)


DATA_SOURCE_TYPE = RemediationsDataSource
