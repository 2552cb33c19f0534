"""ApprovalPolicy: ordered rules become reviews with for_each over the pending listing; first match wins."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from .conftest import synth_json

CLUSTER = "cluster-training"


def _policy(tc, stack, **props):
    rules = props.pop("rules", None) or [
        tc.ApprovalRule(decision=tc.ReviewDecision.APPROVE, name="xid-reboots", modes=[tc.RemediationMode.REBOOT_VM],
                        alert_names=["GPUXidError"], min_severity=tc.AlertSeverity.WARNING, comment="Xid: reboot"),
        tc.ApprovalRule(decision="REJECT", name="no-evictions", modes=["REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"]),
        tc.ApprovalRule(decision="APPROVE", name="critical", min_severity="PHC_SEVERITY_CRITICAL"),
    ]
    return tc.ApprovalPolicy(stack, "policy", cluster_id=CLUSTER, rules=rules, **props)


def test_one_pending_listing_and_one_review_resource_per_rule(tc, stack):
    policy = _policy(tc, stack, wait_for=tc.WaitFor.RUNNING)
    document = synth_json(tc, stack)
    (listing_name, listing), = document["data"]["together_remediations"].items()
    assert listing == {"cluster_id": CLUSTER, "states": ["PENDING_APPROVAL"], "trigger": "REMEDIATION_TRIGGER_AUTOMATED"}
    reviews = document["resource"]["together_remediation_review"]
    assert set(policy.reviews) == {"xid-reboots", "no-evictions", "critical"}
    by_rule = {name: reviews[review.friendly_unique_id] for name, review in policy.reviews.items()}
    xid = by_rule["xid-reboots"]
    assert xid["decision"] == "APPROVE" and xid["comment"] == "Xid: reboot" and xid["wait_for"] == "running"
    assert xid["remediation_id"] == "${each.key}" and xid["instance_id"] == "${each.value.instance_id}"
    assert by_rule["no-evictions"]["decision"] == "REJECT"
    assert by_rule["no-evictions"]["comment"] == "approval policy policy, rule no-evictions"
    for review in by_rule.values():
        assert f"data.together_remediations.{listing_name}.remediations" in review["for_each"]


def _evaluate_rules(tmp_path, document, remediations=None):
    """Runs each review's for_each expression through `terraform` over a list of remediations."""
    (listing_name,) = document["data"]["together_remediations"]
    address = f"data.together_remediations.{listing_name}.remediations"
    alert = lambda name, severity: {"alert_name": name, "severity": severity}  # noqa: E731
    remediations = [{"instance_id": "inst-training-01", **remediation} for remediation in remediations or ()] or [
        {"id": "xid-reboot", "instance_id": "inst-training-03", "mode": "REMEDIATION_MODE_REBOOT_VM",
         "linked_alerts": [alert("GPUXidError", "PHC_SEVERITY_CRITICAL")]},
        {"id": "xid-reboot-info", "instance_id": "inst-training-04", "mode": "REMEDIATION_MODE_REBOOT_VM",
         "linked_alerts": [alert("GPUXidError", "PHC_SEVERITY_INFO")]},
        {"id": "critical-eviction", "instance_id": "inst-training-05", "mode": "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT",
         "linked_alerts": [alert("NodeDown", "PHC_SEVERITY_CRITICAL")]},
        {"id": "critical-replace", "instance_id": "inst-training-06", "mode": "REMEDIATION_MODE_VM_ONLY",
         "linked_alerts": [alert("GPUXidError", "PHC_SEVERITY_INFO"), alert("NodeDown", "PHC_SEVERITY_CRITICAL")]},
        {"id": "no-alerts", "instance_id": "inst-training-07", "mode": "REMEDIATION_MODE_VM_ONLY", "linked_alerts": []},
        {"id": "null-alerts", "instance_id": "inst-training-08", "mode": "REMEDIATION_MODE_VM_ONLY", "linked_alerts": None},
    ]
    outputs = {
        name: {"value": review["for_each"].replace(address, "local.pending")}
        for name, review in document["resource"]["together_remediation_review"].items()
    }
    (tmp_path / "main.tf.json").write_text(json.dumps({"locals": {"pending": remediations}, "output": outputs}))
    (tmp_path / "empty.tfrc").write_text("")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(tmp_path / "empty.tfrc"), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    for command in (["terraform", "init", "-input=false"], ["terraform", "apply", "-auto-approve", "-input=false"]):
        subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True)
    shown = subprocess.run(["terraform", "output", "-json"], cwd=tmp_path, env=env, check=True, capture_output=True)
    return {name: sorted(output["value"]) for name, output in json.loads(shown.stdout).items()}


@pytest.mark.e2e  # runs `terraform`: not in the cdktn-only environment, nor in test-fast
@pytest.mark.parametrize("tc", ["cdktn"], indirect=True)
def test_first_matching_rule_wins_in_terraform(tc, stack, tmp_path):
    policy = _policy(tc, stack)
    matched = _evaluate_rules(tmp_path, synth_json(tc, stack))
    by_rule = {name: matched[review.friendly_unique_id] for name, review in policy.reviews.items()}
    assert by_rule == {
        "xid-reboots": ["xid-reboot"],
        # critical-eviction is critical too, but the eviction rule comes first: rejected, not approved.
        "no-evictions": ["critical-eviction"],
        "critical": ["critical-replace"],
    }  # xid-reboot-info, no-alerts and null-alerts match no rule: left for a person


def test_rules_refused_at_synth(tc, stack):
    rule = tc.ApprovalRule
    cases = [
        ([], "rules", "at least one ApprovalRule"),
        ([rule(decision="MAYBE")], "rules[0].decision", "must be one of APPROVE, REJECT"),
        ([rule(decision="APPROVE", modes=["REBOOT"])], "rules[0].modes[0]", "must be one of"),
        ([rule(decision="APPROVE", min_severity="HIGH")], "rules[0].min_severity", "must be one of PHC_SEVERITY_INFO"),
        ([rule(decision="APPROVE", alert_names=[])], "rules[0].alert_names", "at least one name"),
        ([rule(decision="APPROVE", name="a b")], "rules[0].name", "must start with a letter"),
        ([rule(decision="APPROVE", name="x"), rule(decision="REJECT", name="x")], "rules[1].name", "already the name"),
        ([rule(decision="APPROVE"), rule(decision="REJECT", modes=["REMEDIATION_MODE_VM_ONLY"])], "rules[1]",
         "can never match: rule 1 before it matches every remediation"),
        (["approve all"], "rules[0]", "must be an ApprovalRule"),
    ]
    for rules, prop, problem in cases:
        with pytest.raises(tc.PropError) as raised:
            tc.ApprovalPolicy(stack, "policy", cluster_id=CLUSTER, rules=rules)
        assert str(raised.value).startswith(f"test/policy: {prop}: "), str(raised.value)
        assert problem in str(raised.value)
    for props, prop, problem in [({"wait_for": "later"}, "wait_for", "must be one of terminal, running, none"),
                                 ({"instance_id": ""}, "instance_id", "must not be empty")]:
        with pytest.raises(tc.PropError, match=rf"^test/policy: {prop}: {problem}"):
            tc.ApprovalPolicy(stack, "policy", cluster_id=CLUSTER, rules=[rule(decision="APPROVE")], **props)
    assert "resource" not in synth_json(tc, stack) and "data" not in synth_json(tc, stack)


def _xid_policy(tc, stack, **props):
    rules = [
        tc.ApprovalRule(decision="APPROVE", name="xid-79-reboots", xid_codes=["79"], modes=[tc.RemediationMode.REBOOT_VM]),
        tc.ApprovalRule(decision="APPROVE", name="reboot-first", modes=[tc.RemediationMode.VM_ONLY],
                        approve_as=tc.RemediationMode.REBOOT_VM),
        tc.ApprovalRule(decision="APPROVE", name="critical-xid", xid_codes=[13, "48"],
                        min_severity=tc.AlertSeverity.CRITICAL),
    ]
    return tc.ApprovalPolicy(stack, "policy", cluster_id=CLUSTER, rules=rules, hold_xid_codes=["48"], **props)


def test_approve_as_sets_the_reviews_mode_and_xid_rules_read_the_alerts_annotation(tc, stack):
    policy = _xid_policy(tc, stack)
    reviews = synth_json(tc, stack)["resource"]["together_remediation_review"]
    by_rule = {name: reviews[review.friendly_unique_id] for name, review in policy.reviews.items()}
    assert by_rule["reboot-first"]["mode"] == "REMEDIATION_MODE_REBOOT_VM"
    assert "mode" not in by_rule["xid-79-reboots"]  # approved as proposed
    assert 'a.annotation.xid_codes), ["79"])' in by_rule["xid-79-reboots"]["for_each"]
    assert '["13", "48"]' in by_rule["critical-xid"]["for_each"]  # whole numbers are written as the API's strings
    for review in by_rule.values():
        assert '["48"])) > 0]) > 0)' in review["for_each"]  # every rule leaves a held Xid to a person


def test_approve_as_and_xid_codes_refused_at_synth(tc, stack):
    rule = tc.ApprovalRule
    cases = [
        ([rule(decision="APPROVE", approve_as="REMEDIATION_MODE_HOST_POWER_CYCLE")], {}, "rules[0].approve_as",
         "REMEDIATION_MODE_HOST_POWER_CYCLE cannot be an approval's mode"),
        ([rule(decision="REJECT", approve_as=tc.RemediationMode.REBOOT_VM)], {}, "rules[0].approve_as",
         "a REJECT runs nothing"),
        ([rule(decision="APPROVE", approve_as="REBOOT")], {}, "rules[0].approve_as", "must be one of"),
        ([rule(decision="APPROVE", xid_codes=[])], {}, "rules[0].xid_codes", "at least one Xid code"),
        ([rule(decision="APPROVE", xid_codes="79")], {}, "rules[0].xid_codes", "must be a list of Xid codes"),
        ([rule(decision="APPROVE", xid_codes=["Xid 79"])], {}, "rules[0].xid_codes[0]", "must be an Xid code"),
        ([rule(decision="APPROVE", xid_codes=[-1])], {}, "rules[0].xid_codes[0]", "must be an Xid code"),
        ([rule(decision="APPROVE")], {"hold_xid_codes": []}, "hold_xid_codes", "at least one Xid code"),
        ([rule(decision="APPROVE")], {"hold_xid_codes": [True]}, "hold_xid_codes[0]", "must be an Xid code"),
        ([rule(decision="APPROVE", xid_codes=["48"])], {"hold_xid_codes": ["48", "94"]}, "rules[0].xid_codes",
         "can never match: hold_xid_codes leaves 48 to a person"),
    ]
    for rules, props, prop, problem in cases:
        with pytest.raises(tc.PropError) as raised:
            tc.ApprovalPolicy(stack, "policy", cluster_id=CLUSTER, rules=rules, **props)
        assert str(raised.value).startswith(f"test/policy: {prop}: "), str(raised.value)
        assert problem in str(raised.value)
    assert "resource" not in synth_json(tc, stack)


@pytest.mark.e2e  # runs `terraform`
@pytest.mark.parametrize("tc", ["cdktn"], indirect=True)
def test_xid_rules_and_holds_in_terraform(tc, stack, tmp_path):
    policy = _xid_policy(tc, stack)
    annotated = lambda *codes: {"alert_name": "GPUXidError", "severity": "PHC_SEVERITY_CRITICAL",  # noqa: E731
                                "annotation": {"title": "GPU Xid error", "xid_codes": list(codes)}}
    remediations = [
        {"id": "xid-79-reboot", "mode": "REMEDIATION_MODE_REBOOT_VM", "linked_alerts": [annotated("79")]},
        {"id": "xid-79-and-48", "mode": "REMEDIATION_MODE_REBOOT_VM", "linked_alerts": [annotated("79", "48")]},
        {"id": "xid-48-elsewhere", "mode": "REMEDIATION_MODE_REBOOT_VM",
         "linked_alerts": [annotated("79"), annotated("48")]},
        {"id": "vm-only", "mode": "REMEDIATION_MODE_VM_ONLY", "linked_alerts": []},
        {"id": "xid-13", "mode": "REMEDIATION_MODE_HOST_AWARE", "linked_alerts": [annotated("13")]},
        {"id": "no-annotation", "mode": "REMEDIATION_MODE_REBOOT_VM",
         "linked_alerts": [{"alert_name": "GPUXidError", "severity": "PHC_SEVERITY_CRITICAL", "annotation": None}]},
        {"id": "no-codes", "mode": "REMEDIATION_MODE_HOST_AWARE",
         "linked_alerts": [{"alert_name": "NodeDown", "severity": "PHC_SEVERITY_CRITICAL",
                            "annotation": {"title": "down", "xid_codes": None}}]},
    ]
    matched = _evaluate_rules(tmp_path, synth_json(tc, stack), remediations)
    by_rule = {name: matched[review.friendly_unique_id] for name, review in policy.reviews.items()}
    assert by_rule == {
        "xid-79-reboots": ["xid-79-reboot"],  # the ones with a 48 anywhere are held for a person
        "reboot-first": ["vm-only"],
        "critical-xid": ["xid-13"],
    }
