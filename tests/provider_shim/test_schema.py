"""The schema Terraform, the CDK constructs and the plan review read: as in contracts.md."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tf.types import Unknown

from provider_shim.data_sources.cluster import ClusterDataSource
from provider_shim.data_sources.remediation import RemediationDataSource
from provider_shim.data_sources.remediations import RemediationsDataSource
from provider_shim.framework.schema import ALERT_OBJECT
from provider_shim.framework.types import Object
from provider_shim.provider import provider_schema
from provider_shim.registry import data_source_types, resource_types
from provider_shim.resources.remediation import RemediationResource
from provider_shim.resources.remediation_review import RemediationReviewResource

ALL_TYPES = [*resource_types(), *data_source_types()]


def _described(text) -> bool:
    """A description a reader can use: a string with words in it, not blank or whitespace."""
    return isinstance(text, str) and len(text.strip()) >= 8


def _undescribed(schema, where: str) -> list[str]:
    missing = [] if _described(schema.description) else [where]
    missing += [f"{where}.{a.name}" for a in schema.attributes if not _described(a.description)]
    for block in schema.block_types:
        missing += _undescribed(block.block, f"{where}.{block.type_name}")
    return missing


@pytest.mark.parametrize("kind", ALL_TYPES, ids=lambda k: k.name)
def test_every_attribute_and_block_is_described(kind):
    schema = kind.get_schema()
    assert _undescribed(schema, kind.name) == []
    schema.to_pb()  # Terraform must be able to read it


def test_the_description_check_fails_on_a_blank_description():
    schema = RemediationResource.get_schema()
    blank = schema.attributes[0]
    original = blank.description
    try:
        blank.description = "   "
        assert _undescribed(schema, "remediation") == [f"remediation.{blank.name}"]
    finally:
        blank.description = original


def test_every_attribute_is_described_and_no_kube_config_is_exposed():
    for kind in (RemediationReviewResource, RemediationsDataSource, RemediationDataSource, ClusterDataSource):
        schema = kind.get_schema()
        assert schema.description
        for attribute in schema.attributes:
            assert len(attribute.description) > 15, f"{kind.name}.{attribute.name}"
            assert "kube" not in attribute.name
    remediation_fields = {a.name for a in RemediationDataSource.get_schema().attributes}
    assert {"state", "linked_alerts", "review_comment", "error_message", "remediation_id"} <= remediation_fields


def test_schemas_load_without_the_api_client():
    code = (
        "import sys\n"
        "from provider_shim.registry import resource_types, data_source_types\n"
        "for kind in resource_types() + data_source_types(): kind.get_schema()\n"
        "from provider_shim.provider import provider_schema, settings_from_config\n"
        "provider_schema(); settings_from_config({}, {'TOGETHER_API_KEY': 'k'})\n"
        "print(sorted(m for m in ('pydantic', 'httpx', 'together_api.client', 'together_api.models') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_provider_configuration_is_described():
    assert [a.name for a in provider_schema().attributes if not _described(a.description)] == []


def test_provider_configuration_as_in_the_contract():
    attributes = {a.name: a for a in provider_schema().attributes}
    assert set(attributes) == {"api_key", "base_url", "request_timeout", "max_retries", "poll_interval", "max_in_flight_per_cluster"}
    assert attributes["api_key"].sensitive and all(a.optional for a in attributes.values())


def test_remediation_resource_as_in_the_contract():
    schema = RemediationResource.get_schema()
    attributes = {a.name: a for a in schema.attributes}
    def flags(name):
        a = attributes[name]
        return (bool(a.required), bool(a.optional), bool(a.computed), bool(a.requires_replace))

    for name in ("cluster_id", "instance_id"):
        assert flags(name) == (True, False, False, True)
    for name in ("mode", "escalation", "reason", "triggers"):
        assert flags(name) == (False, True, False, True)
    assert flags("remediation_id") == (False, True, True, True)
    assert flags("wait_for") == (False, True, True, False) and attributes["wait_for"].default == "terminal"
    assert flags("rerun_on_failure") == (False, True, True, False) and attributes["rerun_on_failure"].default is False
    computed = {
        "id", "state", "trigger", "requested_by", "create_time", "start_time", "end_time", "update_time",
        "error_message", "reviewed_by", "review_time", "review_comment", "instance_name",
        "active_health_check_run_id", "passive_health_check_event_id", "linked_alerts", "attempts",
        "adopted_remediation_id",
    }
    assert {n for n, a in attributes.items() if a.computed and not a.optional} == computed
    [timeouts] = schema.block_types
    assert timeouts.type_name == "timeouts" and {a.name for a in timeouts.block.attributes} == {"create", "delete"}
    assert json.loads(attributes["attempts"].type.tf_type()) == [
        "list",
        ["object", {"id": "string", "mode": "string", "state": "string", "error_message": "string", "start_time": "string", "end_time": "string"}],
    ]


def test_alert_objects_carry_every_field_and_encode_missing_ones_as_null():
    assert json.loads(ALERT_OBJECT.tf_type())[1]["annotations"] == ["map", "string"]
    encoded = ALERT_OBJECT.encode({"alert_name": "GPUXidError"})
    assert set(encoded) == {
        "passive_health_check_alert_id", "instance_id", "cluster_id", "target_vm", "alert_name", "severity",
        "annotation", "annotations", "started_at", "resolved_at", "node_remediation_intent_id",
    }
    assert encoded["alert_name"] == "GPUXidError" and encoded["severity"] is None and encoded["annotation"] is None
    annotation = json.loads(ALERT_OBJECT.tf_type())[1]["annotation"]
    assert annotation == [
        "object",
        {
            "title": "string", "summary_line": "string", "description": "string", "xid_codes": ["list", "string"],
            "xid_events": ["list", ["object", {"xid_code": "string", "mnemonic": "string", "count": "number"}]],
            "slurm_drain_reason": "string",
        },
    ]
    assert Object({}).encode(Unknown) is Unknown and ALERT_OBJECT.decode(None) is None
