"""Models against the published specs: every schema round-trips, unknown values survive."""

from __future__ import annotations

import copy
from enum import Enum
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from together_api import models

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"


def _load_spec(name: str) -> dict:
    path = REFERENCE / name
    if name.endswith(".md"):
        text = path.read_text()
        text = text.split("````yaml", 1)[1].split("\n", 1)[1].split("````", 1)[0]
        return yaml.safe_load(text)
    return yaml.safe_load(path.read_text())


def _inline(schema: dict, components: dict, seen: tuple = ()) -> dict:
    """The schema with every local $ref inlined (the specs have no recursive schemas)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            assert name not in seen, f"recursive schema {name}"
            return _inline(components[name], components, seen + (name,))
        return {k: _inline(v, components, seen) for k, v in schema.items() if k not in ("readOnly", "example")}
    if isinstance(schema, list):
        return [_inline(v, components, seen) for v in schema]
    return schema


def _schema(spec_name: str, component: str) -> dict:
    spec = _load_spec(spec_name)
    components = spec["components"]["schemas"]
    return _inline(components[component], components)


def from_schema(schema: dict) -> st.SearchStrategy:
    """JSON instances of the (small) subset of JSON Schema the specs use."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
    if kind == "integer":
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {"type": "string"})), max_size=3)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if not props:
            extra = schema.get("additionalProperties", {"type": "string"})
            values = from_schema(extra) if isinstance(extra, dict) and extra else st.text(max_size=5)
            return st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=3)
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    return st.text(max_size=5)


NEW_PAGE = "remediation-create.md"
OLD_SPEC = "clusters-remediation-openapi.yaml"
CLUSTERS = "together-gpu-clusters-openapi.yaml"

CASES = [
    (NEW_PAGE, "Remediation", models.Remediation),
    (NEW_PAGE, "PassiveHealthCheckAlert", models.PassiveHealthCheckAlert),
    (OLD_SPEC, "v1Remediation", models.Remediation),
    (OLD_SPEC, "v1ListRemediationsResponse", models.ListRemediationsResponse),
    (OLD_SPEC, "CommentBody", models.CommentBody),
    (OLD_SPEC, "rpcStatus", models.RpcStatus),
]


@pytest.mark.parametrize("spec,component,model", CASES, ids=[c[1] for c in CASES])
def test_every_spec_schema_round_trips(spec, component, model):
    schema = _schema(spec, component)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def round_trip(instance):
        parsed = model.model_validate(instance)
        assert parsed.model_dump(mode="json", exclude_unset=True) == instance

    round_trip()


def test_cluster_info_keeps_what_the_provider_needs():
    schema = _schema(CLUSTERS, "GPUClusterGPUWorkerNode")
    node_fields = set(schema["properties"])
    assert {"node_name", "status", "instance_id"} <= node_fields
    assert {"node_name", "status", "instance_id", "latest_remediation"} <= set(models.GPUWorkerNode.model_fields)
    cluster_fields = set(_schema(CLUSTERS, "GPUClusterInfo")["properties"])
    assert {"cluster_id", "cluster_name", "status", "gpu_worker_nodes"} <= cluster_fields
    assert "kube_config" not in models.GPUClusterInfo.model_fields


ENUM_FIELDS = {
    # (spec, where the enum is) -> our enum of the same values
    (NEW_PAGE, ("Remediation", "properties", "mode")): models.RemediationMode,
    (NEW_PAGE, ("Remediation", "properties", "state")): models.RemediationState,
    (NEW_PAGE, ("Remediation", "properties", "trigger")): models.RemediationTrigger,
    (NEW_PAGE, ("PassiveHealthCheckAlert", "properties", "severity")): models.AlertSeverity,
    (OLD_SPEC, ("v1RemediationMode",)): models.RemediationMode,
    (OLD_SPEC, ("v1RemediationState",)): models.RemediationState,
    (OLD_SPEC, ("v1RemediationStateFilter", "items")): models.RemediationState,
    (OLD_SPEC, ("v1RemediationTrigger",)): models.RemediationTrigger,
}


@pytest.mark.parametrize("spec,where", list(ENUM_FIELDS), ids=[".".join(w) for _, w in ENUM_FIELDS])
def test_the_older_specs_enums_are_a_subset_of_ours(spec, where):
    """The live API (the SDK, see test_sdk_parity) added modes and states; none was dropped."""
    schema = _load_spec(spec)["components"]["schemas"]
    for key in where:
        schema = schema[key]
    ours = {member.value for member in ENUM_FIELDS[(spec, where)]}
    assert set(schema["enum"]) <= ours
    for value in schema["enum"]:
        assert isinstance(ENUM_FIELDS[(spec, where)](value), Enum)


def test_the_new_pages_read_only_fields_are_ours():
    props = _load_spec(NEW_PAGE)["components"]["schemas"]["Remediation"]["properties"]
    read_only = {name for name, p in props.items() if p.get("readOnly")}
    assert read_only == models.READ_ONLY_REMEDIATION_FIELDS


EXAMPLE = {
    "id": "6f1c2d3e-0000-4000-8000-000000000001",
    "cluster_id": "cluster-training",
    "instance_id": "inst-training-03",
    "mode": "REMEDIATION_MODE_HOST_AWARE",
    "trigger": "REMEDIATION_TRIGGER_AUTOMATED",
    "state": "PENDING_APPROVAL",
    "passive_health_check_event_id": "evt-1",
    "create_time": "2026-11-30T06:00:00Z",
    "instance_name": "gpu-03",
    "linked_alerts": [
        {
            "passive_health_check_alert_id": "a-1",
            "cluster_id": "cluster-training",
            "target_vm": "gpu-03",
            "alert_name": "GPUXidError",
            "severity": "PHC_SEVERITY_CRITICAL",
            "annotations": {"xid": "79"},
            "started_at": "2026-11-30T05:59:00Z",
        }
    ],
}


def test_unknown_enum_values_are_kept_as_raw_strings():
    data = copy.deepcopy(EXAMPLE)
    data["mode"] = "REMEDIATION_MODE_FIRMWARE_FLASH"
    data["state"] = "PAUSED"
    data["linked_alerts"][0]["severity"] = "PHC_SEVERITY_PAGE"
    parsed = models.Remediation.model_validate(data)
    assert parsed.mode == "REMEDIATION_MODE_FIRMWARE_FLASH"
    assert parsed.state == "PAUSED" and not parsed.is_terminal
    assert parsed.linked_alerts[0].severity == "PHC_SEVERITY_PAGE"
    assert parsed.to_api() == data


def test_known_enum_values_become_enums_and_unknown_fields_are_ignored():
    data = dict(EXAMPLE, some_future_field={"x": 1})
    parsed = models.Remediation.model_validate(data)
    assert parsed.mode is models.RemediationMode.HOST_AWARE
    assert parsed.linked_alerts[0].severity is models.AlertSeverity.CRITICAL
    assert "some_future_field" not in parsed.to_api()


def test_create_body_carries_only_the_writable_fields():
    body = models.RemediationCreate(mode=models.RemediationMode.REBOOT_VM, reason="xid").to_api()
    assert body == {"mode": "REMEDIATION_MODE_REBOOT_VM", "reason": "xid"}


# The spec's states that hold an instance (the SDK's descriptions: awaiting approval, queued,
# cordoning the host, cordoned, being processed), written out here rather than derived.
SPEC_ACTIVE = ["PENDING_APPROVAL", "PENDING", "QUARANTINING", "QUARANTINED", "RUNNING"]
SPEC_TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"]


def test_active_and_terminal_states_are_the_specs():
    assert {s.value for s in models.ACTIVE_STATES} == set(SPEC_ACTIVE)
    assert {s.value for s in models.TERMINAL_STATES} == set(SPEC_TERMINAL)


@pytest.mark.parametrize("state", list(models.RemediationState))
def test_every_state_is_either_active_or_terminal(state):
    assert (state in models.TERMINAL_STATES) != (state in models.ACTIVE_STATES)
    assert models.is_terminal(state) == (state.value in SPEC_TERMINAL)
    assert models.is_terminal(state.value) == models.is_terminal(state)
