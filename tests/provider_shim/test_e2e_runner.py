"""The plugin process under terraform: StopProvider keeps in-flight work, -parallelism is honoured."""

from __future__ import annotations

import os
import signal

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.support.polling import wait_for
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

INSTANCES = [f"inst-training-{n:02d}" for n in (1, 2, 4, 5, 6)]


def _active_count(simulator) -> int:
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        return sum(1 for r in client.iter_remediations("cluster-training", "-") if r.instance_id in INSTANCES)


def test_interrupted_apply_keeps_every_created_remediation_in_state(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))  # every remediation stays RUNNING
    ws = terraform_workspace(simulator)
    ws.write(config(*[remediation(f"n{i}", instance_id=inst) for i, inst in enumerate(INSTANCES)]))
    ws.init()
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    wait_for(lambda: _active_count(simulator) == len(INSTANCES), "every create")
    # Ctrl-C reaches the whole process group: terraform and the provider.
    os.killpg(apply.pid, signal.SIGINT)
    stdout, stderr = apply.communicate(timeout=120)

    assert "Interrupt received" in stdout + stderr
    assert "Stopped waiting for remediation" in stdout + stderr
    resources = ws.resources()
    assert sorted(resources) == sorted(f"together_remediation.n{i}" for i in range(len(INSTANCES)))
    for entry in resources.values():
        assert entry["tainted"] is False
        assert entry["values"]["state"] in ("PENDING", "RUNNING") and entry["values"]["id"]
    assert _active_count(simulator) == len(INSTANCES), "no remediation was created twice"
    # The next plan tells the truth: each is still running, and applying waits for it.
    changes = changes_by_address(ws.plan_json())
    assert changes == {f"together_remediation.n{i}": ["update"] for i in range(len(INSTANCES))}


def test_parallelism_30_runs_30_calls_at_once(simulator, terraform_workspace):
    simulator.add_cluster("cluster-wide", name="wide", nodes=40)
    simulator.set_faults(latency_ms=400)
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            """
resource "together_remediation" "node" {
  for_each    = toset([for i in range(1, 41) : format("inst-wide-%02d", i)])
  cluster_id  = "cluster-wide"
  instance_id = each.key
  mode        = "REMEDIATION_MODE_REBOOT_VM"
  wait_for    = "none"
}
"""
        )
    )
    ws.init()
    simulator.reset_stats()
    ws.apply("-parallelism=30")
    stats = simulator.stats()
    assert stats["in_flight_peak"] == 30
    assert len(ws.resources()) == 40


def test_an_escalation_stopped_mid_ladder_climbs_on_when_applied_again(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            remediation("a", instance_id="inst-training-16", mode=None, escalation=["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"])
        )
    )
    ws.init()
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        wait_for(lambda: list(client.iter_remediations("cluster-training", "inst-training-16")), "the first step")
        os.killpg(apply.pid, signal.SIGINT)
        apply.communicate(timeout=120)
        first = ws.resource("together_remediation.a")
        assert first["state"] in ("PENDING", "RUNNING") and [a["mode"] for a in first["attempts"]] == ["REMEDIATION_MODE_REBOOT_VM"]

        simulator.force_state(first["id"], "FAILED", error_message="reboot did not clear the fault")
        simulator.set_lifecycle({}, default=(0, 0))
        assert changes_by_address(ws.plan_json()) == {"together_remediation.a": ["update"]}
        ws.apply()

        climbed = ws.resource("together_remediation.a")
        assert [(a["mode"], a["state"]) for a in climbed["attempts"]] == [
            ("REMEDIATION_MODE_REBOOT_VM", "FAILED"),
            ("REMEDIATION_MODE_VM_ONLY", "SUCCEEDED"),
        ]
        assert climbed["state"] == "SUCCEEDED" and climbed["id"] == climbed["attempts"][1]["id"]
        assert len(list(client.iter_remediations("cluster-training", "inst-training-16"))) == 2
    assert changes_by_address(ws.plan_json()) == {}
