"""The resource's lifecycle through the real terraform binary and the simulator over HTTP."""

from __future__ import annotations

import uuid

import pytest

from provider_shim.framework.identity import strip_intent_token
from tests.provider_shim.hcl import config, remediation
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
# Fields that must survive an import unchanged (the import-verify step).
IMPORT_VERIFY_IGNORE = {"wait_for", "rerun_on_failure", "triggers", "timeouts"}


def _client(simulator) -> TogetherClient:
    return TogetherClient(simulator.api_key, simulator.base_url)


def _instance_remediations(simulator, instance_id: str):
    with _client(simulator) as client:
        return list(client.iter_remediations(CLUSTER, instance_id))


def test_create_waits_for_success_then_plan_is_empty_and_import_verifies(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-05", reason="Xid 79")))
    ws.init()
    ws.apply()

    created = ws.resource("together_remediation.a")
    assert created["state"] == "SUCCEEDED"
    assert uuid.UUID(created["id"]) and created["remediation_id"] == created["id"]
    assert created["instance_name"] == "gpu-05"
    assert created["requested_by"] and created["end_time"]
    assert [a["state"] for a in created["attempts"]] == ["SUCCEEDED"]
    live = _instance_remediations(simulator, "inst-training-05")
    # The reason sent ends in the provider's intent token (docs/design/contracts.md, "Identity").
    assert [(r.id, r.state.value, strip_intent_token(r.reason)) for r in live] == [(created["id"], "SUCCEEDED", "Xid 79")]
    assert changes_by_address(ws.plan_json()) == {}

    ws.run("state", "rm", "together_remediation.a")
    ws.import_("together_remediation.a", f"{CLUSTER}/inst-training-05/{created['id']}")
    imported = ws.resource("together_remediation.a")
    assert {k: v for k, v in imported.items() if k not in IMPORT_VERIFY_IGNORE} == {
        k: v for k, v in created.items() if k not in IMPORT_VERIFY_IGNORE
    }
    assert changes_by_address(ws.plan_json()) == {}
    assert len(_instance_remediations(simulator, "inst-training-05")) == 1


def test_malformed_import_id_is_a_clear_error(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-05")))
    ws.init()
    result = ws.import_("together_remediation.a", "cluster-training/inst-training-05", check=False)
    assert result.returncode != 0
    assert "CLUSTER/INSTANCE/REMEDIATION" in result.stderr
    missing = ws.import_("together_remediation.a", f"{CLUSTER}/inst-training-05/{uuid.uuid4()}", check=False)
    assert missing.returncode != 0 and "does not exist" in missing.stderr


def test_drift_failed_out_of_band_shows_then_rerun_on_failure_replaces_it(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-06")))
    ws.init()
    ws.apply()
    first = ws.resource("together_remediation.a")["id"]
    simulator.force_state(first, "FAILED", error_message="node did not come back after reboot")

    plan = ws.plan_json()
    assert changes_by_address(plan) == {}, "without rerun_on_failure a failed remediation is history"
    drift = {d["address"]: d["change"] for d in plan.get("resource_drift", [])}
    assert drift["together_remediation.a"]["before"]["state"] == "SUCCEEDED"
    assert drift["together_remediation.a"]["after"]["state"] == "FAILED"
    refresh_only = ws.plan("-refresh-only").stdout
    assert "changed outside of Terraform" in refresh_only and '"SUCCEEDED" -> "FAILED"' in refresh_only

    ws.write(config(remediation("a", instance_id="inst-training-06", rerun_on_failure=True)))
    plan = ws.plan_json()
    assert changes_by_address(plan) == {"together_remediation.a": ["delete", "create"]}
    assert "rerun_on_failure" in plan["_stdout"] and "node did not come back after reboot" in plan["_stdout"]

    ws.apply()
    second = ws.resource("together_remediation.a")
    assert second["id"] != first and second["state"] == "SUCCEEDED"
    states = {r.id: r.state.value for r in _instance_remediations(simulator, "inst-training-06")}
    assert states == {first: "FAILED", second["id"]: "SUCCEEDED"}
    assert changes_by_address(ws.plan_json()) == {}


def test_failed_remediation_fails_the_apply_with_the_api_message_and_stays_in_state(simulator, terraform_workspace):
    simulator.set_failures([{"instance_id": "inst-training-07", "error_message": "BMC unreachable during reboot"}])
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-07")))
    ws.init()
    result = ws.apply(check=False)
    assert result.returncode != 0
    assert "BMC unreachable during reboot" in result.stderr
    kept = ws.resources()["together_remediation.a"]
    assert kept["tainted"] is True
    assert kept["values"]["state"] == "FAILED" and kept["values"]["error_message"] == "BMC unreachable during reboot"

    simulator.set_failures([])
    ws.apply()
    retried = ws.resource("together_remediation.a")
    assert retried["state"] == "SUCCEEDED" and retried["id"] != kept["values"]["id"]


def test_disappeared_remediation_leaves_state_and_is_created_again(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-08")))
    ws.init()
    ws.apply()
    gone = ws.resource("together_remediation.a")["id"]
    simulator.delete_remediation(gone)

    assert changes_by_address(ws.plan_json()) == {"together_remediation.a": ["create"]}
    ws.apply()
    again = ws.resource("together_remediation.a")
    assert again["state"] == "SUCCEEDED"
    assert [r.id for r in _instance_remediations(simulator, "inst-training-08")] == [again["id"]]


def test_destroy_cancels_a_pending_remediation_and_forgets_a_finished_one(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("done", instance_id="inst-training-09")))
    ws.init()
    ws.apply()
    done_id = ws.resource("together_remediation.done")["id"]

    simulator.set_lifecycle({}, default=(600, 600))  # what starts now stays PENDING
    ws.write(
        config(
            remediation("done", instance_id="inst-training-09"),
            remediation("pending", instance_id="inst-training-10", wait_for="none"),
        )
    )
    ws.apply()
    pending = ws.resource("together_remediation.pending")
    assert pending["state"] == "PENDING"
    assert changes_by_address(ws.plan_json()) == {}, "wait_for = none is satisfied by an active remediation"

    ws.destroy()
    assert ws.resources() == {}
    with _client(simulator) as client:
        assert client.get_remediation(CLUSTER, "inst-training-10", pending["id"]).state.value == "CANCELLED"
        assert client.get_remediation(CLUSTER, "inst-training-09", done_id).state.value == "SUCCEEDED"


def test_changed_triggers_and_replace_start_new_remediations(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-11", triggers={"ticket": "OPS-1"})))
    ws.init()
    ws.apply()
    first = ws.resource("together_remediation.a")["id"]

    ws.write(config(remediation("a", instance_id="inst-training-11", triggers={"ticket": "OPS-2"})))
    assert changes_by_address(ws.plan_json()) == {"together_remediation.a": ["delete", "create"]}
    ws.apply()
    second = ws.resource("together_remediation.a")["id"]

    ws.apply("-replace=together_remediation.a")
    third = ws.resource("together_remediation.a")["id"]
    ws.apply("-replace=together_remediation.a")
    fourth = ws.resource("together_remediation.a")["id"]

    assert len({first, second, third, fourth}) == 4
    assert {r.id for r in _instance_remediations(simulator, "inst-training-11")} == {first, second, third, fourth}
    assert changes_by_address(ws.plan_json()) == {}


def test_destroy_waits_for_a_running_remediation_within_the_delete_timeout(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 1))
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-12", wait_for="running")))
    ws.init()
    ws.apply()
    finishing = ws.resource("together_remediation.a")
    assert finishing["state"] == "RUNNING"
    ws.destroy()
    assert ws.resources() == {}
    with _client(simulator) as client:
        assert client.get_remediation(CLUSTER, "inst-training-12", finishing["id"]).state.value == "SUCCEEDED"

    simulator.set_lifecycle({}, default=(0, 600))
    ws.write(config(remediation("b", instance_id="inst-training-13", wait_for="running", timeouts={"delete": "1s"})))
    ws.apply()
    result = ws.destroy(check=False)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "is still RUNNING: the repair is running" in message and "destroy waited 1s (timeouts.delete)" in message
    assert ws.resource("together_remediation.b")["state"] == "RUNNING", "a running remediation stays in state"


def test_import_block_adopts_a_remediation_made_outside_terraform(simulator, terraform_workspace):
    with _client(simulator) as client:
        outside = client.create_remediation(CLUSTER, "inst-training-14", "REMEDIATION_MODE_VM_ONLY", "made in the console")
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            remediation("a", instance_id="inst-training-14", mode="REMEDIATION_MODE_VM_ONLY", reason="made in the console")
            + f'import {{\n  to = together_remediation.a\n  id = "{CLUSTER}/inst-training-14/{outside.id}"\n}}\n'
        )
    )
    ws.init()
    plan = ws.plan_json()
    assert [c["address"] for c in plan["resource_changes"] if c["change"].get("importing")] == ["together_remediation.a"]
    ws.apply()
    imported = ws.resource("together_remediation.a")
    assert imported["id"] == outside.id and imported["state"] == "SUCCEEDED" and imported["instance_name"] == "gpu-14"
    assert [r.id for r in _instance_remediations(simulator, "inst-training-14")] == [outside.id]
