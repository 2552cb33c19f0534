"""The plugin protocol as Terraform reads it: capabilities, destroy plans, and the servicer's own RPCs."""

from __future__ import annotations

import pytest

from tests.provider_shim.hcl import config, remediation


@pytest.mark.e2e
def test_a_destroy_plan_reaches_the_resource_and_warns_about_active_remediations(simulator, terraform_workspace):
    # Terraform plans a destroy itself unless GetProviderSchema announces plan_destroy; then
    # the resource's destroy planning runs and its warnings show in `terraform plan -destroy`.
    simulator.set_lifecycle({}, default=(600, 600))  # what starts now stays PENDING
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("pending", instance_id="inst-training-06", wait_for="none")))
    ws.init()
    ws.apply()
    pending = ws.resource("together_remediation.pending")
    assert pending["state"] == "PENDING"

    simulator.set_lifecycle({}, default=(0, 600))  # what starts now runs for ten minutes
    ws.write(
        config(
            remediation("pending", instance_id="inst-training-06", wait_for="none"),
            remediation("running", instance_id="inst-training-07", wait_for="running"),
        )
    )
    ws.apply()
    running = ws.resource("together_remediation.running")
    assert running["state"] == "RUNNING"

    plan = ws.plan("-destroy", "-no-color")
    output = plan.stdout + plan.stderr
    assert f"Destroying cancels remediation {pending['id']} (PENDING)" in output
    assert f"Remediation {running['id']} is RUNNING and cannot be cancelled: destroy waits for it to end" in output
    assert "2 to destroy" in output


def test_upgrade_resource_state_passes_current_json_through_and_upgrades_older_versions():
    import json

    from tf.gen import tfplugin_pb2 as pb

    from provider_shim.provider import TogetherProvider
    from provider_shim.servicer import ProviderServicer

    servicer = ProviderServicer(TogetherProvider())
    codec = servicer.resource_codecs["together_remediation_review"]
    assert codec.version >= 1
    current = json.dumps({"id": "r-1", "mode": None, "remediation_mode": "REMEDIATION_MODE_VM_ONLY"}).encode()
    answer = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="together_remediation_review", version=codec.version, raw_state=pb.RawState(json=current)), None
    )
    assert answer.upgraded_state.json == current and not answer.diagnostics, "at the current version: Terraform's own bytes"

    older = json.dumps({"id": "r-1", "mode": "REMEDIATION_MODE_VM_ONLY"}).encode()
    answer = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="together_remediation_review", version=0, raw_state=pb.RawState(json=older)), None
    )
    assert not answer.diagnostics
    assert json.loads(answer.upgraded_state.json) == {"id": "r-1", "mode": None, "remediation_mode": "REMEDIATION_MODE_VM_ONLY"}
