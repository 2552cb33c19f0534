"""The plugin protocol as Terraform reads it: capabilities, destroy plans, and the servicer's own RPCs."""

from __future__ import annotations

import pytest

from tests.provider.hcl import config, remediation


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
