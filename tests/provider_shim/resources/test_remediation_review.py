"""Fast checks of the review resource and the data sources: schema, validation, filters, decisions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tf.utils import Diagnostics

from provider_shim.data_sources.cluster import ClusterDataSource
from provider_shim.data_sources.remediation import RemediationDataSource
from provider_shim.data_sources.remediations import RemediationsDataSource, _Filters
from provider_shim.framework.validation import Validator
from provider_shim.resources.remediation_review import RemediationReviewResource, decision_of
from together_api.models import Remediation

UUID = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"


def remediation(**fields) -> Remediation:
    base = {
        "id": UUID, "cluster_id": "c", "instance_id": "i", "mode": "REMEDIATION_MODE_VM_ONLY",
        "trigger": "REMEDIATION_TRIGGER_AUTOMATED", "state": "PENDING_APPROVAL",
    }
    return Remediation.model_validate({**base, **fields})


def alert(name: str, severity: str) -> dict:
    return {
        "passive_health_check_alert_id": f"a-{name}", "cluster_id": "c", "target_vm": "vm", "alert_name": name,
        "severity": severity, "started_at": "2026-01-01T00:00:00Z",
    }


def _details(kind, config: dict) -> list[str]:
    diagnostics = Diagnostics()
    kind(None).validate_config(Validator(diagnostics, config))
    return [d.detail for d in diagnostics.to_pb()]


def errors(kind, config: dict) -> list[tuple[str, list]]:
    """(summary, attribute path) of each error the type's validation reports for ``config``."""
    diagnostics = Diagnostics()
    kind(None).validate_config(Validator(diagnostics, config))
    found = []
    for d in diagnostics.to_pb():
        path = [s.attribute_name or s.element_key_int for s in d.attribute.steps]
        found.append((d.summary, path))
    return found


# ---- schemas ---------------------------------------------------------------------------------


def test_review_arguments_force_a_new_review_and_wait_for_does_not():
    attributes = {a.name: a for a in RemediationReviewResource.get_schema().attributes}
    forcing = {name for name, a in attributes.items() if a.requires_replace}
    assert forcing == {"cluster_id", "instance_id", "remediation_id", "decision", "mode", "comment"}
    assert attributes["mode"].optional and not attributes["mode"].computed
    assert attributes["remediation_mode"].computed
    assert attributes["wait_for"].default == "none"
    assert "only removes it from Terraform state" in RemediationReviewResource.get_schema().description


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


# ---- validation ------------------------------------------------------------------------------


def test_review_validation_names_the_attribute():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, good) == []
    assert errors(RemediationReviewResource, {**good, "decision": "approve"}) == [("Unsupported value for decision", ["decision"])]
    assert errors(RemediationReviewResource, {**good, "remediation_id": "gpu-03"}) == [("Invalid UUID for remediation_id", ["remediation_id"])]
    assert errors(RemediationReviewResource, {**good, "wait_for": "done"}) == [("Unsupported value for wait_for", ["wait_for"])]
    assert errors(RemediationReviewResource, {**good, "instance_id": " "}) == [("instance_id must not be empty", ["instance_id"])]
    assert errors(RemediationReviewResource, {**good, "timeouts": {"create": "soon"}}) == [
        ("Invalid duration for timeouts.create", ["timeouts", "create"])
    ]


def test_ids_that_would_change_the_request_path_are_refused_naming_the_attribute():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, {**good, "instance_id": "../admin"}) == [("Invalid instance_id", ["instance_id"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c?x=1"}) == [("Invalid cluster_id", ["cluster_id"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "instance_id": "-"}) == []
    assert errors(ClusterDataSource, {"cluster_id": "a/b"}) == [("Invalid cluster_id", ["cluster_id"])]


def test_review_mode_is_an_approval_override_the_api_takes():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_REBOOT_VM"}) == []
    assert errors(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_HOST_POWER_CYCLE"}) == [
        ("REMEDIATION_MODE_HOST_POWER_CYCLE cannot be an approval's mode", ["mode"])
    ]
    assert errors(RemediationReviewResource, {**good, "mode": "REBOOT_VM"}) == [("Unsupported value for mode", ["mode"])]
    assert errors(RemediationReviewResource, {**good, "decision": "REJECT", "mode": "REMEDIATION_MODE_REBOOT_VM"}) == [
        ("mode is only for an approval", ["mode"])
    ]
    detail = _details(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_HOST_POWER_CYCLE"})[0]
    assert "cannot be set as an approval override; create a host power-cycle remediation directly" in detail


def test_review_state_of_schema_version_0_moves_the_remediations_mode():
    old = {"remediation_id": UUID, "decision": "APPROVE", "mode": "REMEDIATION_MODE_VM_ONLY"}
    upgraded = RemediationReviewResource(None).upgrade(None, 0, old)
    assert (upgraded["mode"], upgraded["remediation_mode"]) == (None, "REMEDIATION_MODE_VM_ONLY")
    assert RemediationReviewResource.get_schema().version == 1


def test_remediations_validation_names_the_attribute_and_element():
    assert errors(RemediationsDataSource, {"cluster_id": "c", "order_by": "Create_Time  DESC"}) == []
    assert errors(RemediationsDataSource, {"cluster_id": "c", "states": ["PENDING", "DONE"]}) == [
        ("Unsupported value for states[1]", ["states", 1])
    ]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "modes": ["REBOOT_VM"]}) == [("Unsupported value for modes[0]", ["modes", 0])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "order_by": "name"}) == [("Unsupported value for order_by", ["order_by"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "min_severity": "CRITICAL"}) == [
        ("Unsupported value for min_severity", ["min_severity"])
    ]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "trigger": "MANUAL"}) == [("Unsupported value for trigger", ["trigger"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "triggers": ["REMEDIATION_TRIGGER_MANUAL", "AUTOMATED"]}) == [
        ("Unsupported value for triggers[1]", ["triggers", 1])
    ]
    # The live API's additions are accepted.
    assert errors(RemediationsDataSource, {"cluster_id": "c", "states": ["QUARANTINING", "QUARANTINED"], "modes": ["REMEDIATION_MODE_HOST_POWER_CYCLE"]}) == []
    assert errors(RemediationsDataSource, {"cluster_id": "c", "alert_names": ["GPUXidError", ""]}) == [
        ("alert_names must not hold an empty name", ["alert_names", 1])
    ]
    assert errors(RemediationDataSource, {"cluster_id": "c", "instance_id": "i", "remediation_id": "x"}) == [
        ("Invalid UUID for remediation_id", ["remediation_id"])
    ]
    assert errors(ClusterDataSource, {"cluster_id": ""}) == [("cluster_id must not be empty", ["cluster_id"])]


# ---- the alert filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "alerts, modes, alert_names, min_severity, expected",
    [
        ([], [], None, None, True),
        ([], [], None, "PHC_SEVERITY_INFO", False),  # no linked alert: an alert filter never matches
        ([alert("GPUXidError", "PHC_SEVERITY_CRITICAL")], [], None, "PHC_SEVERITY_WARNING", True),
        ([alert("GPUXidError", "PHC_SEVERITY_WARNING")], [], None, "PHC_SEVERITY_CRITICAL", False),
        ([alert("GPUXidError", "PHC_SEVERITY_INFO")], [], ["GPUXidError"], None, True),
        ([alert("Thermal", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], None, False),
        # Name and severity must hold on the same alert.
        ([alert("GPUXidError", "PHC_SEVERITY_INFO"), alert("Thermal", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], "PHC_SEVERITY_CRITICAL", False),
        ([alert("GPUXidError", "PHC_SEVERITY_INFO"), alert("GPUXidError", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], "PHC_SEVERITY_CRITICAL", True),
        # A severity this provider does not know yet never passes a minimum.
        ([alert("GPUXidError", "PHC_SEVERITY_FATAL")], [], None, "PHC_SEVERITY_INFO", False),
        ([], ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_HOST_AWARE"], None, None, False),
        ([], ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"], None, None, True),
    ],
)
def test_linked_alert_and_mode_filters(alerts, modes, alert_names, min_severity, expected):
    wanted = _Filters([], modes, [], None, alert_names, min_severity)
    assert wanted.match(remediation(linked_alerts=alerts)) is expected


@pytest.mark.parametrize(
    "states, triggers, trigger, expected",
    [
        (["QUARANTINING"], [], None, True),
        (["RUNNING", "QUARANTINED"], [], None, False),
        ([], ["REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"], None, True),
        ([], ["REMEDIATION_TRIGGER_MANUAL"], None, False),
        # trigger and triggers together: both must match.
        ([], ["REMEDIATION_TRIGGER_AUTOMATED"], "REMEDIATION_TRIGGER_MANUAL", False),
        ([], ["REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"], "REMEDIATION_TRIGGER_AUTOMATED", True),
    ],
)
def test_state_and_trigger_filters_hold_even_if_a_server_ignores_them(states, triggers, trigger, expected):
    quarantining = remediation(state="QUARANTINING", mode="REMEDIATION_MODE_HOST_POWER_CYCLE")
    assert _Filters(states, [], triggers, trigger, None, None).match(quarantining) is expected


# ---- which decision a remediation carries ----------------------------------------------------

T0, T1, T2 = "2026-01-01T00:00:00.000000Z", "2026-01-01T00:01:00.000000Z", "2026-01-01T00:02:00.000000Z"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"state": "PENDING_APPROVAL"}, None),
        ({"state": "RUNNING", "trigger": "REMEDIATION_TRIGGER_MANUAL", "start_time": T1}, None),  # manual: never reviewed
        ({"state": "AUTO_RESOLVED", "end_time": T1}, None),
        ({"state": "PENDING", "reviewed_by": "sim-user@example.com", "review_time": T0}, "APPROVE"),
        ({"state": "SUCCEEDED", "reviewed_by": "Auto-Approved", "review_time": T0, "start_time": T1, "end_time": T2}, "APPROVE"),
        ({"state": "CANCELLED", "reviewed_by": "sim-user@example.com", "review_time": T0, "end_time": T0}, "REJECT"),
        # Approved, then cancelled before it started: it ended after the review.
        ({"state": "CANCELLED", "reviewed_by": "sim-user@example.com", "review_time": T0, "end_time": T1}, "APPROVE"),
    ],
)
def test_decision_of_a_remediation(fields, expected):
    assert decision_of(remediation(**fields)) == expected
