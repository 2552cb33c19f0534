"""Data source ``together_remediation``: one remediation, by cluster, instance and id."""

from __future__ import annotations

from provider_shim.framework.base import Call, DataSourceType, State
from provider_shim.framework.remediation_object import FIELDS, field_type
from provider_shim.framework.schema import REMEDIATION_FIELD_DESCRIPTIONS as FIELD
from provider_shim.framework.schema import String, build_schema, computed, required
from provider_shim.framework.validation import MAX_ID_LENGTH, Validator

# The arguments that name the remediation; every other field of the API is computed.
ARGUMENTS = ("cluster_id", "instance_id", "remediation_id")


class RemediationDataSource(DataSourceType):
    name = "remediation"

    @classmethod
    def schema(cls):
        return build_schema(
            "One remediation of a GPU worker node, with every field the API gives and its linked alerts.",
            [
                required("cluster_id", String(), FIELD["cluster_id"]),
                required("instance_id", String(), FIELD["instance_id"]),
                required("remediation_id", String(), "The remediation's id (a UUID)."),
                *[computed(name, field_type(name), FIELD[name]) for name in FIELDS if name not in ARGUMENTS],
            ],
        )

    def validate_config(self, check: Validator) -> None:
        check.non_empty(*ARGUMENTS)
        check.path_ids("cluster_id", "instance_id")
        check.max_length(MAX_ID_LENGTH, "cluster_id", "instance_id")
        check.uuid(["remediation_id"])

    def read(self, call: Call, config: State) -> State:
        from provider_shim.framework.convert import remediation_values

        cluster_id, instance_id, remediation_id = (config[name] for name in ARGUMENTS)
        remediation = call.session.lookups.require(cluster_id, instance_id, remediation_id)
        return {**remediation_values(remediation), "remediation_id": remediation_id}


DATA_SOURCE_TYPE = RemediationDataSource
