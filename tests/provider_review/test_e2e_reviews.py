"""Approvals as code through the real terraform binary and the simulator over HTTP.

Alerts injected into the simulator raise automated remediations that wait in PENDING_APPROVAL;
the review example (``examples/resources/together_remediation_review/resource.tf``) approves
the critical ones and rejects the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.provider.hcl import config, value
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo seed's critical GPUXidError on gpu-03
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "resources" / "together_remediation_review" / "resource.tf"


def _get(simulator, instance_id: str, remediation_id: str):
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        return client.get_remediation(CLUSTER, instance_id, remediation_id)


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
