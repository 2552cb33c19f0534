"""Passive health checks: alerts, confirmation policies, auto-resolution."""

from __future__ import annotations

import pytest

from together_api.models import RemediationState, RemediationTrigger
from together_simulator.process import SimulatorAdminError
from together_simulator.seed import DEMO_ALERT_ID, DEMO_REMEDIATION_ID

from .conftest import INFERENCE, TRAINING


def test_an_alert_creates_an_automated_remediation_awaiting_approval(simulator, client):
    result = simulator.inject_alert(
        INFERENCE, "inst-inference-04", "GPUMemoryErrors", "PHC_SEVERITY_WARNING",
        {"summary": "uncorrectable ECC errors"}, mode="REMEDIATION_MODE_VM_ONLY",
    )
    alert, made = result["alert"], result["remediation"]
    assert made["state"] == "PENDING_APPROVAL" and made["trigger"] == "REMEDIATION_TRIGGER_AUTOMATED"
    assert made["passive_health_check_event_id"] == alert["passive_health_check_alert_id"]
    assert alert["node_remediation_intent_id"] == made["id"]
    seen = client.get_remediation(INFERENCE, "inst-inference-04", made["id"])
    assert seen.mode == "REMEDIATION_MODE_VM_ONLY"
    assert seen.reviewed_by is None
    [linked] = seen.linked_alerts
    assert linked.alert_name == "GPUMemoryErrors" and linked.severity == "PHC_SEVERITY_WARNING"
    assert linked.annotations == {"summary": "uncorrectable ECC errors"}
    assert linked.target_vm == "gpu-04"


def test_automatic_policy_approves_at_once(simulator, client):
    simulator.set_confirmation_policy(INFERENCE, "AUTOMATIC")
    made = simulator.inject_alert(INFERENCE, "inst-inference-05")["remediation"]
    assert made["state"] == "PENDING" and made["reviewed_by"] == "Auto-Approved" and made["review_time"]
    final = client.get_remediation(INFERENCE, "inst-inference-05", made["id"])
    assert final.state == RemediationState.SUCCEEDED
    assert final.trigger == RemediationTrigger.AUTOMATED


def test_resolving_the_alert_before_approval_auto_resolves(simulator, client):
    resolved = simulator.resolve_alert(DEMO_ALERT_ID)
    assert resolved["alert"]["resolved_at"]
    after = client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    assert after.state == RemediationState.AUTO_RESOLVED
    assert after.end_time is not None
    assert after.linked_alerts[0].resolved_at is not None


def test_resolving_after_approval_changes_nothing_but_the_alert(simulator, client):
    client.approve_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    simulator.resolve_alert(DEMO_ALERT_ID)
    assert client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID).state == RemediationState.SUCCEEDED


def test_a_second_alert_joins_the_waiting_remediation_until_both_resolve(simulator, client):
    second = simulator.inject_alert(TRAINING, "inst-training-03", "GPUFellOffBus")
    assert second["remediation"]["id"] == DEMO_REMEDIATION_ID
    linked = client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID).linked_alerts
    assert [a.alert_name for a in linked] == ["GPUXidError", "GPUFellOffBus"]
    simulator.resolve_alert(DEMO_ALERT_ID)
    assert client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID).state == "PENDING_APPROVAL"
    simulator.resolve_alert(second["alert"]["passive_health_check_alert_id"])
    assert client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID).state == "AUTO_RESOLVED"


def test_an_alert_on_a_node_under_repair_makes_no_remediation(simulator, client):
    simulator.set_lifecycle(default=(60, 60))
    client.create_remediation(TRAINING, "inst-training-09", "REMEDIATION_MODE_REBOOT_VM")
    result = simulator.inject_alert(TRAINING, "inst-training-09")
    assert result["remediation"] is None
    assert "node_remediation_intent_id" not in result["alert"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cluster_id": "nope", "instance_id": "inst-training-01"}, "nope"),
        ({"cluster_id": TRAINING, "instance_id": "inst-nope"}, "inst-nope"),
        ({"cluster_id": TRAINING, "instance_id": "inst-training-01", "severity": "LOUD"}, "severity"),
    ],
)
def test_bad_alerts_are_refused(simulator, kwargs, message):
    with pytest.raises(SimulatorAdminError) as caught:
        simulator.inject_alert(**kwargs)
    assert message in str(caught.value)


def test_unknown_policy_is_refused(simulator):
    with pytest.raises(SimulatorAdminError, match="policy must be one of"):
        simulator.set_confirmation_policy(TRAINING, "WHENEVER")
