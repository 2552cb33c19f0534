"""The constructs refuse at synth what the provider refuses at validate: ids with path syntax,
a ladder repeating a step, oversized text, NUL, time-outs and poll intervals too short to work,
and credentials in base_url (refused without repeating them)."""

from __future__ import annotations

import pytest

CLUSTER = "cluster-training"
UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"
GOOD = {
    "Remediation": {"cluster_id": CLUSTER, "instance_id": "inst-training-01", "mode": "REMEDIATION_MODE_REBOOT_VM"},
    "RemediationReview": {"cluster_id": CLUSTER, "instance_id": "inst-training-03", "remediation_id": UUID, "decision": "APPROVE"},
    "DataTogetherRemediation": {"cluster_id": CLUSTER, "instance_id": "inst-training-03", "remediation_id": UUID},
    "DataTogetherRemediations": {"cluster_id": CLUSTER},
    "DataTogetherCluster": {"cluster_id": CLUSTER},
    "RollingRemediation": {"cluster_id": CLUSTER, "instance_ids": ["inst-training-01", "inst-training-02"], "cluster_node_count": 16},
}

PATH_IDS = ["cluster/instances/x/remediations/y", ".", "..", "inst 05", "inst\t05", "inst\n05", "inst\x0005", "a?b", "a#b", "a%2Fb", "a\\b"]

CASES = [
    *[("Remediation", {"cluster_id": bad}, "cluster_id") for bad in PATH_IDS],
    *[("Remediation", {"instance_id": bad}, "instance_id") for bad in PATH_IDS],
    ("RemediationReview", {"cluster_id": "../x"}, "cluster_id"),
    ("RemediationReview", {"instance_id": "."}, "instance_id"),
    ("DataTogetherRemediation", {"instance_id": "a/b"}, "instance_id"),
    ("DataTogetherRemediations", {"cluster_id": ".."}, "cluster_id"),
    ("DataTogetherRemediations", {"instance_id": "x/y"}, "instance_id"),
    ("DataTogetherCluster", {"cluster_id": "cluster/instances/x"}, "cluster_id"),
    ("RollingRemediation", {"cluster_id": "a b"}, "cluster_id"),
    ("RollingRemediation", {"instance_ids": ["inst-training-01", "../inst"]}, "instance_ids[1]"),
    ("Remediation", {"instance_id": "i" * 257}, "instance_id"),
]


def _construct(tc, name):
    return getattr(tc, name)


@pytest.mark.parametrize(("construct", "change", "prop"), CASES, ids=lambda v: repr(v)[:40])
def test_ids_with_path_syntax_fail_at_synth(tc, stack, construct, change, prop):
    with pytest.raises(tc.PropError) as raised:
        _construct(tc, construct)(stack, "bad", **{**GOOD[construct], **change})
    assert str(raised.value).startswith(f"test/bad: {prop}: "), raised.value


TEXT_CASES = [
    ("Remediation", {"mode": None, "escalation": ["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]}, "escalation", "repeats REMEDIATION_MODE_VM_ONLY"),
    ("RollingRemediation", {"escalation": ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_REBOOT_VM"]}, "escalation", "repeats"),
    ("Remediation", {"reason": "r" * 4097}, "reason", "at most 4096"),
    ("RollingRemediation", {"reason": "r" * 4097}, "reason", "at most 4096"),
    ("RemediationReview", {"comment": "c" * 4097}, "comment", "at most 4096"),
    ("Remediation", {"reason": "Xid 79\x00; rm -rf"}, "reason", "NUL"),
    ("RemediationReview", {"comment": "ok\x00"}, "comment", "NUL"),
    ("Remediation", {"timeouts": {"create": "0s"}}, "timeouts.create", "at least '1s'"),
    ("Remediation", {"timeouts": {"delete": "0"}}, "timeouts.delete", "at least '1s'"),
    ("RemediationReview", {"timeouts": {"create": "500ms"}}, "timeouts.create", "at least '1s'"),
]


@pytest.mark.parametrize(("construct", "change", "prop", "problem"), TEXT_CASES, ids=lambda v: repr(v)[:40])
def test_ladders_text_and_timeouts_fail_at_synth_as_at_validate(tc, stack, construct, change, prop, problem):
    with pytest.raises(tc.PropError) as raised:
        _construct(tc, construct)(stack, "bad", **{**GOOD[construct], **change})
    message = str(raised.value)
    assert message.startswith(f"test/bad: {prop}: ") and problem in message, message
    assert "r" * 200 not in message and "c" * 200 not in message, "an error must not echo a huge value"


@pytest.mark.parametrize(
    ("props", "prop", "problem"),
    [
        ({"poll_interval": "0s"}, "poll_interval", "at least '100ms'"),
        ({"poll_interval": "10ms"}, "poll_interval", "at least '100ms'"),
        ({"request_timeout": "0s"}, "request_timeout", "at least '1s'"),
    ],
)
def test_provider_durations_too_short_fail_at_synth(tc, stack, props, prop, problem):
    with pytest.raises(tc.PropError, match=rf"^test/together: {prop}: .*{problem}"):
        tc.TogetherProvider(stack, "together", **props)


def test_base_url_with_credentials_fails_at_synth_without_repeating_them(tc, stack):
    with pytest.raises(tc.PropError) as raised:
        tc.TogetherProvider(stack, "together", base_url="https://user:s3cr3t-pass@api.together.ai")
    message = str(raised.value)
    assert message.startswith("test/together: base_url: ") and "credentials" in message
    assert "s3cr3t-pass" not in message and "user" not in message.split("base_url:", 1)[1].replace("user:password", "")


def test_good_values_still_synthesize(tc, stack):
    tc.Remediation(stack, "ok", cluster_id=CLUSTER, instance_id="inst-training-01", mode="REMEDIATION_MODE_REBOOT_VM",
                   reason="Xid 79 — GPU fell off the bus (café)", timeouts={"create": "1s"})
    tc.TogetherProvider(stack, "together", poll_interval="100ms", request_timeout="1s")
