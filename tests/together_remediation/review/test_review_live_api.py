"""The review of the live API's additions: approving as another mode, HOST_POWER_CYCLE, the
quarantine states, and alerts with their typed annotation (title, Xid codes)."""

from __future__ import annotations

import json

import pytest

from together_remediation.review import Action, build_review, check_policy, parse_plan, render_json, render_markdown
from together_remediation.review.policy import Policy
from together_remediation.review.values import UNKNOWN

APPROVE = "together_remediation_review.approve_gpu03"


def _review(plan: dict):
    return build_review(parse_plan(plan))


def _change(review, address):
    return next(c for c in review.changes if c.address == address)


def _row(markdown: str, address: str) -> str:
    return next(line for line in markdown.splitlines() if f"`{address}`" in line)


def _approve_as(plan: dict, mode: str) -> dict:
    approval = next(c for c in plan["resource_changes"] if c["address"] == APPROVE)
    approval["change"]["after"]["mode"] = mode
    approval["change"]["after_unknown"].pop("mode")
    return plan


def _pending_alert(plan: dict) -> dict:
    resources = plan["prior_state"]["values"]["root_module"]["resources"]
    return resources[1]["values"]["remediations"][0]["linked_alerts"][0]


def test_an_approval_as_another_mode_shows_the_override_and_rates_the_mode_that_runs(mixed_plan):
    review = _review(_approve_as(mixed_plan, "REMEDIATION_MODE_REBOOT_VM"))
    approve = _change(review, APPROVE)
    assert approve.mode.steps == ("REMEDIATION_MODE_REBOOT_VM",)
    assert approve.mode.proposed == "REMEDIATION_MODE_VM_ONLY"  # what the remediation proposed
    assert approve.mode.disruption == 1  # the reboot that runs, not the replacement proposed (2)
    row = _row(render_markdown(review), APPROVE)
    assert "| approve as REBOOT_VM (proposed VM_ONLY) | low (1/4) |" in row
    document = json.loads(render_json(review))
    rows = {c["address"]: c for cluster in document["clusters"] for c in cluster["changes"]}
    assert rows[APPROVE]["mode"] == {"steps": ["REMEDIATION_MODE_REBOOT_VM"], "escalation": False, "disruption": 1,
                                     "proposed": "REMEDIATION_MODE_VM_ONLY"}


def test_an_override_equal_to_the_proposed_mode_is_no_override(mixed_plan):
    approve = _change(_review(_approve_as(mixed_plan, "REMEDIATION_MODE_VM_ONLY")), APPROVE)
    assert approve.mode.steps == ("REMEDIATION_MODE_VM_ONLY",) and not approve.mode.is_override


def test_an_override_of_an_unseen_remediation_shows_the_proposal_as_unknown(mixed_plan):
    mixed_plan["prior_state"]["values"]["root_module"]["resources"][1]["values"]["remediations"] = []
    approve = _change(_review(_approve_as(mixed_plan, "REMEDIATION_MODE_HOST_AWARE")), APPROVE)
    assert approve.mode.steps == ("REMEDIATION_MODE_HOST_AWARE",) and approve.mode.proposed is UNKNOWN
    assert approve.mode.disruption == 3


def test_an_override_counts_against_allowed_modes(mixed_plan):
    review = _review(_approve_as(mixed_plan, "REMEDIATION_MODE_HOST_AWARE"))
    violations = check_policy(review, Policy(allowed_modes=["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]))
    assert [(v.rule, v.message) for v in violations if APPROVE in v.addresses] == [
        ("allowed_modes", "mode HOST_AWARE is not allowed")]


def test_host_power_cycle_ranks_high(mixed_plan):
    gpu02 = mixed_plan["resource_changes"][2]
    gpu02["change"]["after"]["mode"] = "REMEDIATION_MODE_HOST_POWER_CYCLE"
    review = _review(mixed_plan)
    assert _change(review, gpu02["address"]).mode.disruption == 3
    assert "| HOST_POWER_CYCLE | high (3/4) |" in _row(render_markdown(review), gpu02["address"])


@pytest.mark.parametrize("state", ["QUARANTINING", "QUARANTINED", "RUNNING"])
def test_destroy_during_quarantine_is_started_not_a_cancel(mixed_plan, state):
    cancel = mixed_plan["resource_changes"][7]
    cancel["change"]["before"]["state"] = state
    change = _change(_review(mixed_plan), cancel["address"])
    assert change.action == Action.FORGET
    assert change.why == f"destroyed while {state}: started, keeps running"


def test_alerts_show_their_title_and_xid_codes(mixed_plan):
    _pending_alert(mixed_plan)["annotation"] = {
        "title": "GPU has fallen off the bus", "summary_line": "GPU 5: Xid 79", "description": "",
        "xid_codes": ["79", "13"], "slurm_drain_reason": None,
    }
    review = _review(mixed_plan)
    approve = _change(review, APPROVE)
    assert approve.alerts[0].title == "GPU has fallen off the bus" and approve.alerts[0].xid_codes == ("79", "13")
    assert "| GPUXidError (CRITICAL): GPU has fallen off the bus; Xid 79, 13 |" in _row(render_markdown(review), APPROVE)
    document = json.loads(render_json(review))
    rows = {c["address"]: c for cluster in document["clusters"] for c in cluster["changes"]}
    assert rows[APPROVE]["alerts"] == [{"alert_name": "GPUXidError", "severity": "PHC_SEVERITY_CRITICAL",
                                        "title": "GPU has fallen off the bus", "xid_codes": ["79", "13"]}]


def test_a_title_that_repeats_the_alert_name_is_shown_once(mixed_plan):
    _pending_alert(mixed_plan)["annotation"] = {"title": "GPUXidError", "xid_codes": ["79"]}
    assert "| GPUXidError (CRITICAL): Xid 79 |" in _row(render_markdown(_review(mixed_plan)), APPROVE)


def test_an_alert_without_annotation_shows_as_before(mixed_plan):
    _pending_alert(mixed_plan)["annotation"] = None
    assert "| GPUXidError (CRITICAL) |" in _row(render_markdown(_review(mixed_plan)), APPROVE)


def _xid_violations(plan, codes, **rules):
    _pending_alert(plan)["annotation"] = {"title": "Xid", "xid_codes": codes}
    return [(v.rule, v.message) for v in check_policy(_review(plan), Policy(**rules)) if APPROVE in v.addresses]


XID_RULES = {"require_human_for_xid_codes": ["48"], "allowed_approval_xid_codes": [79, "94"]}


def test_xid_policy_allows_approvals_for_allowed_codes(mixed_plan):
    assert _xid_violations(mixed_plan, ["79"], **XID_RULES) == []


def test_xid_policy_requires_a_person_for_held_codes(mixed_plan):
    assert _xid_violations(mixed_plan, ["79", "48"], **XID_RULES) == [
        ("require_human_for_xid_codes", "Xid 48 needs a person's approval, not a plan's")]


def test_xid_policy_refuses_approvals_of_other_codes(mixed_plan):
    assert _xid_violations(mixed_plan, ["31"], **XID_RULES) == [
        ("allowed_approval_xid_codes", "its alerts report Xid 31; a plan approves only Xid 79, 94")]
    assert _xid_violations(mixed_plan, [], **XID_RULES) == [
        ("allowed_approval_xid_codes", "its alerts report no Xid code; a plan approves only Xid 79, 94")]


def test_xid_policy_fails_closed_when_the_alerts_are_unknown(mixed_plan):
    mixed_plan["prior_state"]["values"]["root_module"]["resources"][1]["values"]["remediations"] = []
    violations = [(v.rule, v.message) for v in check_policy(_review(mixed_plan), Policy(**XID_RULES))
                  if APPROVE in v.addresses]
    assert ("require_human_for_xid_codes", "linked alerts is known only after apply or is sensitive: cannot verify") in violations
    assert len(violations) == 3  # the mode cannot be verified either


def test_xid_rules_do_not_apply_to_rejections(mixed_plan):
    reject = "together_remediation_review.reject_gpu04"
    violations = check_policy(_review(mixed_plan), Policy(require_human_for_xid_codes=["48"],
                                                          allowed_approval_xid_codes=["79"]))
    assert all(reject not in v.addresses for v in violations)


def test_node_names_from_the_live_node_id(mixed_plan):
    cluster = mixed_plan["prior_state"]["values"]["root_module"]["resources"][0]["values"]
    for node in cluster["gpu_worker_nodes"]:
        node["node_id"], node["node_name"] = node["node_name"], None
    assert _change(_review(mixed_plan), "together_remediation.gpu02").node_name == "gpu-02"
