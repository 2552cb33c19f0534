"""Lifecycles: the pace per mode, the states seen on the way, and configured failures."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from together_api.models import RemediationMode, RemediationState

from .conftest import TRAINING


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def wait_for_state(client, cluster, instance, remediation_id, wanted, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        current = client.get_remediation(cluster, instance, remediation_id)
        if current.state == wanted or time.monotonic() > deadline:
            return current
        time.sleep(0.05)


def test_pending_then_running_then_succeeded_at_the_configured_pace(simulator, client):
    simulator.set_lifecycle({"REBOOT_VM": (0.5, 0.5)})
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.REBOOT_VM)
    assert created.state == RemediationState.PENDING
    running = wait_for_state(client, TRAINING, "inst-training-01", created.id, RemediationState.RUNNING)
    assert running.state == RemediationState.RUNNING
    assert running.start_time is not None and running.end_time is None
    done = wait_for_state(client, TRAINING, "inst-training-01", created.id, RemediationState.SUCCEEDED)
    assert done.state == RemediationState.SUCCEEDED
    assert done.start_time < done.end_time
    assert seconds(done.start_time) - seconds(done.create_time) == pytest.approx(0.5, abs=0.001)
    assert seconds(done.end_time) - seconds(done.start_time) == pytest.approx(0.5, abs=0.001)


def test_durations_are_per_mode(simulator, client):
    simulator.set_lifecycle({"REMEDIATION_MODE_HOST_AWARE": (60, 60)})
    slow = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.HOST_AWARE)
    fast = client.create_remediation(TRAINING, "inst-training-02", RemediationMode.VM_ONLY)
    assert client.get_remediation(TRAINING, "inst-training-01", slow.id).state == RemediationState.PENDING
    assert client.get_remediation(TRAINING, "inst-training-02", fast.id).state == RemediationState.SUCCEEDED
    modes = simulator.admin("GET", "/lifecycle")["modes"]
    assert modes["REMEDIATION_MODE_HOST_AWARE"] == {
        "pending_seconds": 60.0, "quarantining_seconds": 0.0, "quarantined_seconds": 0.0, "running_seconds": 60.0,
    }
    assert modes["REMEDIATION_MODE_VM_ONLY"] == {"pending_seconds": 0.0, "running_seconds": 0.0}


def test_a_failure_rule_for_an_instance_ends_failed_with_its_message(simulator, client):
    simulator.set_failures([{"instance_id": "inst-training-05", "error_message": "GPU 3 still reports Xid 79"}])
    failing = client.create_remediation(TRAINING, "inst-training-05", RemediationMode.VM_ONLY)
    other = client.create_remediation(TRAINING, "inst-training-06", RemediationMode.VM_ONLY)
    failed = client.get_remediation(TRAINING, "inst-training-05", failing.id)
    assert failed.state == RemediationState.FAILED
    assert failed.error_message == "GPU 3 still reports Xid 79"
    assert failed.start_time and failed.end_time
    assert client.get_remediation(TRAINING, "inst-training-06", other.id).state == RemediationState.SUCCEEDED


def test_rules_by_instance_and_mode_let_an_escalation_ladder_climb(simulator, client):
    simulator.set_failures([
        {"instance_id": "inst-training-07", "mode": "REMEDIATION_MODE_REBOOT_VM", "error_message": "reboot did not help"},
        {"instance_id": "inst-training-07", "mode": "REMEDIATION_MODE_VM_ONLY", "error_message": "new VM, same host fault"},
    ])
    outcomes = []
    for mode in (RemediationMode.REBOOT_VM, RemediationMode.VM_ONLY, RemediationMode.HOST_AWARE):
        created = client.create_remediation(TRAINING, "inst-training-07", mode)
        final = client.get_remediation(TRAINING, "inst-training-07", created.id)
        outcomes.append((final.state, final.error_message))
    assert outcomes == [
        (RemediationState.FAILED, "reboot did not help"),
        (RemediationState.FAILED, "new VM, same host fault"),
        (RemediationState.SUCCEEDED, None),
    ]


def test_a_failure_probability_of_one_fails_everything(simulator, client):
    simulator.set_failures(probability=1.0)
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    failed = client.get_remediation(TRAINING, "inst-training-01", created.id)
    assert failed.state == RemediationState.FAILED and failed.error_message
    assert simulator.admin("GET", "/failures")["probability"] == 1.0


def test_an_approved_automated_remediation_runs_its_lifecycle_and_can_fail(simulator, client):
    simulator.set_failures([{"instance_id": "inst-training-03", "error_message": "host is degraded"}])
    pending = client.list_remediations(TRAINING, states=["PENDING_APPROVAL"]).remediations[0]
    client.approve_remediation(TRAINING, "inst-training-03", pending.id)
    final = client.get_remediation(TRAINING, "inst-training-03", pending.id)
    assert final.state == RemediationState.FAILED and final.error_message == "host is degraded"


def test_the_lifecycle_plan_is_fixed_when_the_remediation_starts(simulator, client):
    simulator.set_lifecycle(default=(60, 60))
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    simulator.set_lifecycle(default=(0, 0))
    assert client.get_remediation(TRAINING, "inst-training-01", created.id).state == RemediationState.PENDING
