"""Every example, synthesized by `python main.py` and applied by `terraform` against the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.terraform_fixtures import Workspace, changes_by_address

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_PENDING_ID = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo seed's remediation awaiting approval


def synth_example(name: str, workspace: Workspace, cdk: str = "cdktn", **settings: str) -> Workspace:
    """Runs examples/<name>/main.py in the workspace; returns a workspace in the synthesized stack."""
    env = {**workspace.env, "TOGETHER_CDK": cdk, **settings}
    subprocess.run([sys.executable, str(EXAMPLES / name / "main.py")], cwd=workspace.directory, env=env,
                   check=True, capture_output=True, text=True, timeout=120)
    stack_dir = workspace.directory / "cdktf.out" / "stacks" / name
    assert (stack_dir / "cdk.tf.json").is_file()
    return Workspace(stack_dir, workspace.env)


def outputs(stack: Workspace) -> dict[str, object]:
    return {name: output["value"] for name, output in stack.run("output", "-json").json().items()}


def assert_plan_is_empty(stack: Workspace) -> None:
    plan = stack.plan_json()
    assert changes_by_address(plan) == {}, plan["_stdout"]


def test_quickstart_reboots_a_node_and_approves_the_pending_repair(simulator, terraform_workspace):
    stack = synth_example("quickstart", terraform_workspace(simulator))
    stack.init()
    plan = stack.plan_json()
    assert changes_by_address(plan) == {
        "together_remediation.reboot": ["create"],
        "together_remediation_review.approve-xid": ["create"],
    }
    stack.apply()
    reboot = stack.resource("together_remediation.reboot")
    assert reboot["instance_id"] == "inst-training-01" and reboot["state"] == "SUCCEEDED"
    assert reboot["start_time"] and reboot["end_time"]
    approval = stack.resource("together_remediation_review.approve-xid")
    assert approval["id"] == DEMO_PENDING_ID and approval["decision"] == "APPROVE"
    assert approval["state"] == "SUCCEEDED" and approval["reviewed_by"]
    shown = outputs(stack)
    assert shown["reboot_state"] == "SUCCEEDED" and shown["approved_state"] == approval["state"]
    assert "sim-demo-key" not in (stack.directory.parents[2] / "terraform.quickstart.tfstate").read_text()
    assert_plan_is_empty(stack)


def test_rolling_runs_batches_in_order(simulator, terraform_workspace):
    stack = synth_example("rolling", terraform_workspace(simulator))
    stack.init()
    stack.apply()
    resources = {address: body["values"] for address, body in stack.resources().items()
                 if address.startswith("together_remediation.")}
    by_node = {values["instance_id"]: values for values in resources.values()}
    assert sorted(by_node) == [f"inst-training-0{n}" for n in (5, 6, 7, 8)]
    assert {values["state"] for values in by_node.values()} == {"SUCCEEDED"}
    first, second = ("inst-training-05", "inst-training-06"), ("inst-training-07", "inst-training-08")
    # The second batch was created only after the whole first batch had ended.
    assert min(by_node[i]["create_time"] for i in second) >= max(by_node[i]["end_time"] for i in first)
    assert_plan_is_empty(stack)


def test_rolling_refuses_batches_over_the_unavailable_share_at_plan(simulator, terraform_workspace):
    stack = synth_example("rolling", terraform_workspace(simulator), TOGETHER_MAX_IN_FLIGHT="5",
                          TOGETHER_NODE_NAMES="gpu-01,gpu-02,gpu-03,gpu-04,gpu-05")
    stack.init()
    result = stack.plan(check=False)
    assert result.returncode != 0
    assert "5 nodes at once is more than 25% of the cluster's nodes" in " ".join(result.output.split())


def test_approval_policy_plans_each_decision_and_applies_them(simulator, terraform_workspace):
    eviction = simulator.inject_alert("cluster-training", "inst-training-09", "NodeDown",
                                      mode="REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT")["remediation"]
    unmatched = simulator.inject_alert("cluster-training", "inst-training-11", "GPUXidError",
                                       severity="PHC_SEVERITY_WARNING")["remediation"]
    # A critical Xid error the xid-repairs rule would approve, but Xid 48 is held for a person.
    held = simulator.inject_alert("cluster-training", "inst-training-12", "GPUXidError", annotations={"xid": "48"},
                                  mode="REMEDIATION_MODE_REBOOT_VM")["remediation"]
    stack = synth_example("approval-policy", terraform_workspace(simulator))
    stack.init()
    plan = stack.plan_json()
    planned = {change["address"]: change["change"]["after"] for change in plan["resource_changes"]
               if change["change"]["actions"] == ["create"]}
    decisions = {after["remediation_id"]: (address.split("[")[0], after["decision"], after.get("mode"))
                 for address, after in planned.items()}
    assert set(decisions) == {DEMO_PENDING_ID, eviction["id"]}, planned
    # The demo's gpu-03 waits with a VM_ONLY raised for Xid 79: approved as a reboot.
    rule, decision, mode = decisions[DEMO_PENDING_ID]
    assert "xid-79-reboot-first" in rule and decision == "APPROVE" and mode == "REMEDIATION_MODE_REBOOT_VM"
    rule, decision, mode = decisions[eviction["id"]]
    assert "never-evict" in rule and decision == "REJECT" and mode is None
    assert unmatched["id"] not in decisions  # a warning-level Xid matches no rule: left for a person
    assert held["id"] not in decisions  # Xid 48: left for a person whatever the rules say
    stack.apply()
    states = {values["id"]: values["state"] for values in (body["values"] for body in stack.resources().values())
              if "decision" in values}
    assert states[eviction["id"]] == "CANCELLED"
    assert states[DEMO_PENDING_ID] != "PENDING_APPROVAL"
    # Reviewed, they left the pending list: the next plan only forgets their reviews, which
    # changes nothing at the API, and then the plan is empty.
    forget = stack.plan_json()
    assert sorted(changes_by_address(forget).values()) == [["delete"], ["delete"]], forget["_stdout"]
    stack.apply()
    listed = {r["id"]: r for r in simulator_remediations(simulator)}
    assert listed[eviction["id"]]["state"] == "CANCELLED"
    assert listed[DEMO_PENDING_ID]["state"] in ("PENDING", "RUNNING", "SUCCEEDED")
    assert listed[DEMO_PENDING_ID]["mode"] == "REMEDIATION_MODE_REBOOT_VM"  # the override ran
    assert listed[held["id"]]["state"] == listed[unmatched["id"]]["state"] == "PENDING_APPROVAL"
    assert_plan_is_empty(stack)


def simulator_remediations(simulator):
    """Every remediation of the training cluster, read from the API."""
    response = httpx.get(f"{simulator.base_url}/compute/clusters/cluster-training/instances/-/remediations",
                         headers={"Authorization": f"Bearer {simulator.api_key}"}, params={"pageSize": 100})
    response.raise_for_status()
    return response.json()["remediations"]


def test_escalation_moves_to_the_next_mode_when_a_reboot_fails(simulator, terraform_workspace):
    simulator.set_failures([{"instance_id": "inst-training-10", "mode": "REMEDIATION_MODE_REBOOT_VM",
                             "error_message": "reboot did not clear the ECC errors"}])
    stack = synth_example("escalation", terraform_workspace(simulator))
    stack.init()
    stack.apply()
    repair = stack.resource("together_remediation.repair")
    assert repair["state"] == "SUCCEEDED"
    assert [attempt["mode"] for attempt in repair["attempts"]][:2] == [
        "REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]
    assert repair["attempts"][0]["state"] == "FAILED"
    assert "ECC" in repair["attempts"][0]["error_message"]
    assert outputs(stack)["first_attempt_mode"] == "REMEDIATION_MODE_REBOOT_VM"


def test_the_same_app_synthesizes_the_same_configuration_on_cdktf_and_cdktn(tmp_path):
    documents = {}
    for cdk in ("cdktf", "cdktn"):
        workdir = tmp_path / cdk
        workdir.mkdir()
        env = {**os.environ, "TOGETHER_CDK": cdk}
        for name in ("quickstart", "rolling", "approval-policy", "escalation"):
            subprocess.run([sys.executable, str(EXAMPLES / name / "main.py")], cwd=workdir, env=env, check=True,
                           capture_output=True, timeout=120)
            document = json.loads((workdir / "cdktf.out" / "stacks" / name / "cdk.tf.json").read_text())
            document.pop("//")  # names the CDK's version
            document["terraform"].pop("backend")  # names the working directory
            documents.setdefault(name, []).append(document)
    for name, (on_cdktf, on_cdktn) in documents.items():
        assert on_cdktf == on_cdktn, name
