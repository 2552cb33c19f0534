"""Escalation ladders on ``together_remediation``, end to end: reboot, then a new VM, then a new host.

The simulator fails chosen modes on one instance; the resource runs the next mode after each
FAILED one, records every attempt, and stays exactly-once when an apply is killed mid-ladder.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.provider_shim.hcl import config
from tests.support.polling import wait_for
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
REBOOT, VM_ONLY, HOST_AWARE = "REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"
CREATE_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"

# "Repair node gpu-07 with the ladder", the node found by its name.
LADDER_ON_GPU07 = """
data "together_cluster" "training" {
  cluster_id = "cluster-training"
}

resource "together_remediation" "gpu07" {
  cluster_id  = data.together_cluster.training.id
  instance_id = data.together_cluster.training.instance_id_by_node_name["gpu-07"]
  escalation  = ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"]
  reason      = "Xid 79 keeps coming back on gpu-07"
}
"""


def _remediations(simulator, instance_id: str):
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        return list(client.iter_remediations(CLUSTER, instance_id))


def _creates(simulator) -> int:
    return simulator.stats()["requests_by_route"].get(CREATE_ROUTE, 0)


def _fail(simulator, instance_id: str, *modes: str) -> None:
    simulator.set_failures(
        [{"instance_id": instance_id, "mode": mode, "error_message": f"{mode.removeprefix('REMEDIATION_MODE_')} did not clear the fault"} for mode in modes]
    )


def _said(result) -> str:
    return " ".join(result.stderr.split())


def test_ladder_on_a_node_found_by_name_escalates_until_host_aware_succeeds(simulator, terraform_workspace):
    _fail(simulator, "inst-training-07", REBOOT, VM_ONLY)
    ws = terraform_workspace(simulator)
    ws.write(config(LADDER_ON_GPU07))
    ws.init()
    ws.apply()

    state = ws.resource("together_remediation.gpu07")
    assert state["instance_id"] == "inst-training-07" and state["instance_name"] == "gpu-07"
    assert [(a["mode"], a["state"], a["error_message"]) for a in state["attempts"]] == [
        (REBOOT, "FAILED", "REBOOT_VM did not clear the fault"),
        (VM_ONLY, "FAILED", "VM_ONLY did not clear the fault"),
        (HOST_AWARE, "SUCCEEDED", None),
    ]
    assert all(a["start_time"] and a["end_time"] for a in state["attempts"])
    assert state["state"] == "SUCCEEDED" and state["id"] == state["attempts"][-1]["id"]
    live = _remediations(simulator, "inst-training-07")
    assert sorted((r.id, r.mode.value, r.state.value) for r in live) == sorted(
        (a["id"], a["mode"], a["state"]) for a in state["attempts"]
    )
    assert changes_by_address(ws.plan_json()) == {}


def test_a_ladder_that_fails_entirely_fails_the_apply_listing_each_attempt(simulator, terraform_workspace):
    _fail(simulator, "inst-training-07", REBOOT, VM_ONLY, HOST_AWARE)
    ws = terraform_workspace(simulator)
    ws.write(config(LADDER_ON_GPU07))
    ws.init()
    result = ws.apply(check=False)

    assert result.returncode != 0
    said = _said(result)
    assert "Every step of the escalation of cluster-training/inst-training-07 failed" in said
    for mode in ("REBOOT_VM", "VM_ONLY", "HOST_AWARE"):
        assert f"{mode} did not clear the fault" in said
    state = ws.resource("together_remediation.gpu07")
    assert [(a["mode"], a["state"]) for a in state["attempts"]] == [(REBOOT, "FAILED"), (VM_ONLY, "FAILED"), (HOST_AWARE, "FAILED")]
    assert len(_remediations(simulator, "inst-training-07")) == 3


@pytest.mark.parametrize(
    "meanwhile, new_creates, expected",
    [
        # The killed step ended FAILED while nobody watched: the re-run escalates to the third step.
        ("FAILED", 1, [(REBOOT, "FAILED"), (VM_ONLY, "FAILED"), (HOST_AWARE, "SUCCEEDED")]),
        # The killed step is still running (and this time succeeds): the re-run waits for it.
        ("RUNNING", 0, [(REBOOT, "FAILED"), (VM_ONLY, "SUCCEEDED")]),
    ],
)
def test_apply_killed_mid_ladder_resumes_the_ladder_exactly_once(simulator, terraform_workspace, meanwhile, new_creates, expected):
    _fail(simulator, "inst-training-07", REBOOT, VM_ONLY)
    simulator.set_lifecycle({VM_ONLY: (0, 600)}, default=(0, 0))  # the second step stays RUNNING
    ws = terraform_workspace(simulator)
    ws.write(config(LADDER_ON_GPU07))
    ws.init()
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    wait_for(lambda: len(_remediations(simulator, "inst-training-07")) == 2, "the second step's create")
    os.killpg(apply.pid, signal.SIGKILL)
    apply.communicate()

    assert "together_remediation.gpu07" not in ws.resources(), "killed before the state write"
    first, second = sorted(_remediations(simulator, "inst-training-07"), key=lambda r: r.create_time)
    assert (first.mode.value, first.state.value) == (REBOOT, "FAILED")
    assert second.mode.value == VM_ONLY and second.state.value in ("PENDING", "RUNNING")

    simulator.set_lifecycle({}, default=(0, 0))
    # FAILED: out of band, with the API's message; RUNNING: resumes from now without the failure.
    simulator.force_state(second.id, meanwhile, "VM_ONLY did not clear the fault" if meanwhile == "FAILED" else None)
    simulator.reset_stats()
    ws.apply()  # the same command, run again

    assert _creates(simulator) == new_creates
    live = sorted(_remediations(simulator, "inst-training-07"), key=lambda r: r.create_time)
    assert [(r.mode.value, r.state.value) for r in live] == expected
    state = ws.resource("together_remediation.gpu07")
    assert [a["id"] for a in state["attempts"]] == [r.id for r in live]
    assert [(a["mode"], a["state"]) for a in state["attempts"]] == expected
    assert changes_by_address(ws.plan_json()) == {}
