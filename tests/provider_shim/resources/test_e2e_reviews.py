"""Approvals as code through the real terraform binary and the simulator over HTTP.

Alerts injected into the simulator raise automated remediations that wait in PENDING_APPROVAL;
the review example (``examples/resources/together_remediation_review/resource.tf``) approves
the critical ones and rejects the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.provider_shim.hcl import config, value
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo seed's critical GPUXidError on gpu-03
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "resources" / "together_remediation_review" / "resource.tf"


def _get(simulator, instance_id: str, remediation_id: str):
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        return client.get_remediation(CLUSTER, instance_id, remediation_id)


def said(result) -> str:
    """terraform's error output with its line wrapping undone."""
    return " ".join(result.stderr.split())


def review(name: str, instance_id: str, remediation_id: str, decision: str, **arguments) -> str:
    lines = [
        f'resource "together_remediation_review" "{name}" {{',
        f"  cluster_id     = {value(CLUSTER)}",
        f"  instance_id    = {value(instance_id)}",
        f"  remediation_id = {value(remediation_id)}",
        f"  decision       = {value(decision)}",
    ]
    lines += [f"  {k} = {value(v)}" for k, v in arguments.items()]
    return "\n".join(lines + ["}"]) + "\n"


def test_policy_plans_one_review_per_pending_remediation_and_apply_records_them(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 0))
    critical = simulator.inject_alert(CLUSTER, "inst-training-09", "GPUXidError", "PHC_SEVERITY_CRITICAL")["remediation"]
    warning = simulator.inject_alert(CLUSTER, "inst-training-08", "GPUThermalWarning", "PHC_SEVERITY_WARNING")["remediation"]
    assert critical["state"] == warning["state"] == "PENDING_APPROVAL"

    ws = terraform_workspace(simulator)
    ws.write(EXAMPLE.read_text())
    ws.init()
    plan = ws.plan_json()
    assert changes_by_address(plan) == {
        f'together_remediation_review.approve["{DEMO_PENDING}"]': ["create"],
        f'together_remediation_review.approve["{critical["id"]}"]': ["create"],
        f'together_remediation_review.reject["{warning["id"]}"]': ["create"],
    }
    planned = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    # The plan already shows what the review cannot change: the remediation's mode and trigger.
    assert planned[f'together_remediation_review.approve["{DEMO_PENDING}"]']["remediation_mode"] == "REMEDIATION_MODE_VM_ONLY"
    assert planned[f'together_remediation_review.reject["{warning["id"]}"]']["trigger"] == "REMEDIATION_TRIGGER_AUTOMATED"
    assert planned[f'together_remediation_review.approve["{critical["id"]}"]']["comment"] == (
        "Critical GPUXidError on gpu-09: approved by policy"
    )

    ws.apply()
    approved = ws.resource(f'together_remediation_review.approve["{critical["id"]}"]')
    rejected = ws.resource(f'together_remediation_review.reject["{warning["id"]}"]')
    assert approved["state"] == "PENDING" and approved["reviewed_by"] == "sim-user@example.com"
    assert approved["review_comment"] == "Critical GPUXidError on gpu-09: approved by policy"
    assert approved["trigger"] == "REMEDIATION_TRIGGER_AUTOMATED"
    assert [(a["alert_name"], a["severity"]) for a in approved["linked_alerts"]] == [("GPUXidError", "PHC_SEVERITY_CRITICAL")]
    assert rejected["state"] == "CANCELLED" and rejected["review_time"]

    # The simulator moves the approved ones on: PENDING at approval, then SUCCEEDED.
    assert _get(simulator, "inst-training-09", critical["id"]).state.value == "SUCCEEDED"
    assert _get(simulator, "inst-training-03", DEMO_PENDING).state.value == "SUCCEEDED"
    assert _get(simulator, "inst-training-08", warning["id"]).state.value == "CANCELLED"

    # Reviewed remediations leave PENDING_APPROVAL: the next plan only forgets their reviews.
    forget = changes_by_address(ws.plan_json())
    assert len(forget) == 3 and all(actions == ["delete"] for actions in forget.values())
    ws.apply()
    assert [a for a in ws.resources() if not a.startswith("data.")] == []
    assert _get(simulator, "inst-training-09", critical["id"]).state.value == "SUCCEEDED"


def test_reviewing_a_running_remediation_fails_naming_its_state(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))  # approved or manual remediations stay RUNNING
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        running = client.create_remediation(CLUSTER, "inst-training-10", "REMEDIATION_MODE_REBOOT_VM", "by hand")
        assert client.get_remediation(CLUSTER, "inst-training-10", running.id).state.value == "RUNNING"

    ws = terraform_workspace(simulator)
    ws.write(config(review("late", "inst-training-10", running.id, "APPROVE")))
    ws.init()
    for result in (ws.plan(check=False), ws.apply(check=False)):  # refused at plan time already
        assert result.returncode != 0
        assert f"Remediation {running.id} is RUNNING, not PENDING_APPROVAL" in said(result)
        assert "never reviewed" in said(result)
    assert "together_remediation_review.late" not in ws.resources()


def test_an_existing_review_with_the_same_decision_is_adopted_and_another_is_refused(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))
    ws = terraform_workspace(simulator)
    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "APPROVE", comment="Xid 79: approved")))
    ws.init()
    ws.apply()
    first = ws.resource("together_remediation_review.gpu03")
    assert first["state"] == "PENDING" and first["review_comment"] == "Xid 79: approved"

    # A second configuration (or a re-run that lost its state) with the same decision adopts it.
    again = terraform_workspace(simulator)
    again.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "APPROVE", comment="Xid 79: approved")))
    again.init()
    again.apply()
    adopted = again.resource("together_remediation_review.gpu03")
    assert adopted["review_time"] == first["review_time"] and adopted["state"] == "RUNNING"

    # The opposite decision cannot be made any more: the error says what happened instead.
    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "REJECT")))
    result = ws.apply(check=False)
    assert result.returncode != 0
    assert f"Remediation {DEMO_PENDING} is RUNNING, not PENDING_APPROVAL" in said(result)
    assert "already approved by sim-user@example.com" in said(result)
    assert _get(simulator, "inst-training-03", DEMO_PENDING).state.value == "RUNNING"


def test_reject_cancels_and_destroy_only_forgets_then_import_reads_the_decision(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "REJECT", comment="not now")))
    ws.init()
    ws.apply()
    rejected = ws.resource("together_remediation_review.gpu03")
    assert rejected["state"] == "CANCELLED" and rejected["id"] == DEMO_PENDING and rejected["wait_for"] == "none"
    assert changes_by_address(ws.plan_json()) == {}

    ws.destroy()
    assert _get(simulator, "inst-training-03", DEMO_PENDING).review_comment == "not now"
    ws.import_("together_remediation_review.gpu03", f"{CLUSTER}/inst-training-03/{DEMO_PENDING}")
    imported = ws.resource("together_remediation_review.gpu03")
    assert {k: v for k, v in imported.items() if k != "timeouts"} == {k: v for k, v in rejected.items() if k != "timeouts"}
    assert changes_by_address(ws.plan_json()) == {}

    ws.run("state", "rm", "together_remediation_review.gpu03")
    bad = ws.import_("together_remediation_review.gpu03", f"{CLUSTER}/inst-training-03", check=False)
    assert bad.returncode != 0 and "expected CLUSTER/INSTANCE/REMEDIATION" in said(bad)


def test_approve_and_wait_for_terminal_reports_a_failed_repair_with_the_api_message(simulator, terraform_workspace):
    simulator.set_failures([{"instance_id": "inst-training-03", "error_message": "host lost power during the repair"}])
    ws = terraform_workspace(simulator)
    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "APPROVE", wait_for="terminal")))
    ws.init()
    result = ws.apply(check=False)
    assert result.returncode != 0
    assert f"Approved remediation {DEMO_PENDING} of {CLUSTER}/inst-training-03 failed" in said(result)
    assert "host lost power during the repair" in said(result)
    assert ws.resource("together_remediation_review.gpu03")["state"] == "FAILED"


def test_a_saved_plan_applied_after_the_remediations_changed_fails_adopts_or_names_the_missing_one(simulator, terraform_workspace):
    second = simulator.inject_alert(CLUSTER, "inst-training-12", "GPUXidError", "PHC_SEVERITY_CRITICAL")["remediation"]["id"]
    third = simulator.inject_alert(CLUSTER, "inst-training-13", "GPUXidError", "PHC_SEVERITY_CRITICAL")["remediation"]["id"]
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            review("reject_gpu03", "inst-training-03", DEMO_PENDING, "REJECT"),
            review("approve_gpu12", "inst-training-12", second, "APPROVE", comment="policy"),
            review("approve_gpu13", "inst-training-13", third, "APPROVE"),
        )
    )
    ws.init()
    ws.run("plan", "-input=false", "-no-color", "-out=tfplan")
    with TogetherClient(simulator.api_key, simulator.base_url) as client:  # both approved in the console meanwhile
        client.approve_remediation(CLUSTER, "inst-training-03", DEMO_PENDING, "console")
        client.approve_remediation(CLUSTER, "inst-training-12", second, "console")
    simulator.delete_remediation(third)  # and one vanished

    result = ws.run("apply", "-input=false", "-no-color", "tfplan", check=False)
    assert result.returncode != 0
    assert f"Remediation {DEMO_PENDING} is" in said(result) and "already approved by sim-user@example.com" in said(result)
    adopted = ws.resource("together_remediation_review.approve_gpu12")
    assert adopted["review_comment"] == "console" and adopted["comment"] == "policy"
    assert f"No remediation {third} on instance inst-training-13 of cluster {CLUSTER}" in said(result)
    assert "together_remediation_review.reject_gpu03" not in ws.resources()
    assert "together_remediation_review.approve_gpu13" not in ws.resources()


def test_changing_wait_for_updates_in_place_and_waits_for_the_approved_remediation(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))  # the approved remediation stays RUNNING
    fast = 'provider "together" {\n  poll_interval = "200ms"\n}\n'
    ws = terraform_workspace(simulator)
    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "APPROVE", wait_for="running"), provider=fast))
    ws.init()
    ws.apply()
    assert ws.resource("together_remediation_review.gpu03")["state"] == "RUNNING"

    ws.write(config(review("gpu03", "inst-training-03", DEMO_PENDING, "APPROVE", wait_for="terminal"), provider=fast))
    plan = ws.plan_json()
    assert changes_by_address(plan) == {"together_remediation_review.gpu03": ["update"]}
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    simulator.force_state(DEMO_PENDING, "SUCCEEDED")  # the repair ends while the apply waits
    stdout, stderr = apply.communicate(timeout=300)
    assert apply.returncode == 0, stderr
    reviewed = ws.resource("together_remediation_review.gpu03")
    assert (reviewed["state"], reviewed["wait_for"]) == ("SUCCEEDED", "terminal")
    assert changes_by_address(ws.plan_json()) == {}
