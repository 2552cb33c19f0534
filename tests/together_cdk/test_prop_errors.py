"""Bad props fail at synth, before anything reaches the API, naming the construct path and the prop."""

from __future__ import annotations

import pytest

from .conftest import synth_json

CLUSTER = "cluster-training"
UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"
GOOD_REMEDIATION = {"cluster_id": CLUSTER, "instance_id": "inst-training-01", "mode": "REMEDIATION_MODE_REBOOT_VM"}
GOOD_REVIEW = {"cluster_id": CLUSTER, "instance_id": "inst-training-03", "remediation_id": UUID, "decision": "APPROVE"}

REMEDIATION_CASES = [
    ({"mode": "REBOOT"}, "mode", "must be one of REMEDIATION_MODE_REBOOT_VM"),
    ({"mode": None}, "mode", "set exactly one of mode and escalation"),
    ({"escalation": ["REMEDIATION_MODE_VM_ONLY"]}, "mode", "set exactly one of mode and escalation"),
    ({"mode": None, "escalation": []}, "escalation", "at least 1"),
    ({"mode": None, "escalation": ["REMEDIATION_MODE_VM_ONLY", "VM"]}, "escalation[1]", "must be one of"),
    ({"cluster_id": ""}, "cluster_id", "must not be empty"),
    ({"instance_id": None}, "instance_id", "is required"),
    ({"instance_id": 3}, "instance_id", "must be a string"),
    ({"remediation_id": "not-a-uuid"}, "remediation_id", "must be a UUID"),
    ({"wait_for": "forever"}, "wait_for", "must be one of terminal, running, none"),
    ({"rerun_on_failure": "yes"}, "rerun_on_failure", "must be true or false"),
    ({"triggers": {"ticket": 7}}, "triggers['ticket']", "must be a string"),
    ({"triggers": ["a"]}, "triggers", "must be a map"),
    ({"timeouts": {"create": "ten minutes"}}, "timeouts.create", "must be a duration"),
    ({"timeouts": {"update": "5m"}}, "timeouts", "has no update"),
]


@pytest.mark.parametrize(("change", "prop", "problem"), REMEDIATION_CASES)
def test_remediation_prop_errors(tc, stack, change, prop, problem):
    with pytest.raises(tc.PropError) as raised:
        tc.Remediation(stack, "bad", **{**GOOD_REMEDIATION, **change})
    message = str(raised.value)
    assert message.startswith(f"test/bad: {prop}: "), message
    assert problem in message
    assert "resource" not in synth_json(tc, stack), "a construct with a bad prop must not be added"


REVIEW_CASES = [
    ({"decision": "MAYBE"}, "decision", "must be one of APPROVE, REJECT"),
    ({"decision": None}, "decision", "is required"),
    ({"remediation_id": "r-1"}, "remediation_id", "must be a UUID"),
    ({"wait_for": "soon"}, "wait_for", "must be one of"),
    ({"timeouts": {"delete": "1m"}}, "timeouts", "has no delete"),
    ({"mode": "REBOOT_VM"}, "mode", "must be one of REMEDIATION_MODE_REBOOT_VM"),
    ({"mode": "REMEDIATION_MODE_HOST_POWER_CYCLE"}, "mode",
     "REMEDIATION_MODE_HOST_POWER_CYCLE cannot be an approval's mode"),
    ({"decision": "REJECT", "mode": "REMEDIATION_MODE_REBOOT_VM"}, "mode", "a REJECT runs nothing"),
]


@pytest.mark.parametrize(("change", "prop", "problem"), REVIEW_CASES)
def test_review_prop_errors(tc, stack, change, prop, problem):
    with pytest.raises(tc.PropError, match=rf"^test/bad: {prop}: .*{problem}"):
        tc.RemediationReview(stack, "bad", **{**GOOD_REVIEW, **change})


def test_data_source_prop_errors(tc, stack):
    with pytest.raises(tc.PropError, match=r"^test/pending: states\[0\]: must be one of PENDING_APPROVAL"):
        tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER, states=["WAITING"])
    with pytest.raises(tc.PropError, match=r"^test/pending: min_severity: must be one of PHC_SEVERITY_INFO"):
        tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER, min_severity="HIGH")
    with pytest.raises(tc.PropError, match=r"^test/one: remediation_id: must be a UUID"):
        tc.DataTogetherRemediation(stack, "one", cluster_id=CLUSTER, instance_id="i", remediation_id="x")
    with pytest.raises(tc.PropError, match=r"^test/cluster: cluster_id: is required"):
        tc.DataTogetherCluster(stack, "cluster", cluster_id=None)


@pytest.mark.parametrize(
    ("props", "prop", "problem"),
    [
        ({"base_url": "http://api.together.xyz/v1"}, "base_url", "must use https unless the host is loopback"),
        ({"base_url": "api.together.xyz"}, "base_url", "must be an http(s) URL"),
        ({"request_timeout": "30"}, "request_timeout", "must be a duration"),
        ({"max_retries": -1}, "max_retries", "must be at least 0"),
        ({"max_in_flight_per_cluster": 0}, "max_in_flight_per_cluster", "must be at least 1"),
    ],
)
def test_provider_prop_errors(tc, stack, props, prop, problem):
    with pytest.raises(tc.PropError) as raised:
        tc.TogetherProvider(stack, "together", **props)
    assert str(raised.value).startswith(f"test/together: {prop}: ") and problem in str(raised.value)


def test_a_literal_api_key_is_refused_without_being_echoed(tc, stack):
    with pytest.raises(tc.PropError) as raised:
        tc.TogetherProvider(stack, "together", api_key="tgr-live-0123456789")
    assert str(raised.value).startswith("test/together: api_key: a literal key would be written")
    assert "tgr-live-0123456789" not in str(raised.value)
    assert "provider" not in synth_json(tc, stack)


def test_nested_construct_path_is_named(tc, stack):
    from constructs import Construct

    nested = Construct(stack, "team-a")
    with pytest.raises(tc.PropError, match=r"^test/team-a/reboot: mode: "):
        tc.Remediation(nested, "reboot", cluster_id=CLUSTER, instance_id="i", mode="reboot")


def test_tokens_and_expressions_pass_through_unchecked(tc, stack):
    variable = tc.TerraformVariable(stack, "mode", type="string")
    tc.Remediation(stack, "r", cluster_id="${var.cluster}", instance_id="inst-training-01", mode=variable.string_value,
                   remediation_id="${var.remediation_id}", timeouts={"create": variable.string_value})
    resource = synth_json(tc, stack)["resource"]["together_remediation"]["r"]
    assert resource["mode"] == "${var.mode}"
    assert resource["cluster_id"] == "${var.cluster}"
    assert resource["timeouts"] == {"create": "${var.mode}"}


def test_new_modes_states_and_filters_synthesize(tc, stack):
    tc.Remediation(stack, "power-cycle", cluster_id=CLUSTER, instance_id="inst-training-02",
                   mode=tc.RemediationMode.HOST_POWER_CYCLE, wait_for=tc.WaitFor.RUNNING)
    tc.RemediationReview(stack, "approve-as", **{**GOOD_REVIEW, "mode": tc.RemediationMode.REBOOT_VM})
    tc.DataTogetherRemediations(stack, "quarantined", cluster_id=CLUSTER,
                                states=[tc.RemediationState.QUARANTINING, "QUARANTINED"],
                                triggers=[tc.RemediationTrigger.AUTOMATED, "REMEDIATION_TRIGGER_MANUAL"])
    document = synth_json(tc, stack)
    assert document["resource"]["together_remediation"]["power-cycle"]["mode"] == "REMEDIATION_MODE_HOST_POWER_CYCLE"
    assert document["resource"]["together_remediation_review"]["approve-as"]["mode"] == "REMEDIATION_MODE_REBOOT_VM"
    listing = document["data"]["together_remediations"]["quarantined"]
    assert listing["states"] == ["QUARANTINING", "QUARANTINED"]
    assert listing["triggers"] == ["REMEDIATION_TRIGGER_AUTOMATED", "REMEDIATION_TRIGGER_MANUAL"]


def test_a_review_without_mode_writes_none(tc, stack):
    tc.RemediationReview(stack, "plain", **GOOD_REVIEW)
    assert "mode" not in synth_json(tc, stack)["resource"]["together_remediation_review"]["plain"]


def test_data_source_triggers_refused_at_synth(tc, stack):
    with pytest.raises(tc.PropError, match=r"^test/pending: triggers\[1\]: must be one of REMEDIATION_TRIGGER_MANUAL"):
        tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER, triggers=["REMEDIATION_TRIGGER_MANUAL", "CRON"])
    with pytest.raises(tc.PropError, match=r"^test/pending: triggers: must be a list"):
        tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER, triggers="REMEDIATION_TRIGGER_MANUAL")
