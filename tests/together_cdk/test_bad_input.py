"""Bad input never reaches the API, through ``together_cdk`` props: a ``PropError`` naming the
construct path and the prop, at synth (the props' rows of the bad-input table; the HCL rows are
in ``tests/provider_shim/test_bad_input.py``)."""

from __future__ import annotations

import pytest

from .conftest import load_together_cdk

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"

GOOD_REMEDIATION = {"cluster_id": CLUSTER, "instance_id": "inst-training-01", "mode": "REMEDIATION_MODE_REBOOT_VM"}
GOOD_REVIEW = {"cluster_id": CLUSTER, "instance_id": "inst-training-03", "remediation_id": UUID, "decision": "APPROVE"}
GOOD_ROLL = {"cluster_id": CLUSTER, "instance_ids": [f"inst-training-{n:02d}" for n in range(1, 5)], "cluster_node_count": 16}

CDK_CASES = [
    ("Remediation", {"mode": "REBOOT"}, "mode", "must be one of"),
    ("Remediation", {"escalation": ["REMEDIATION_MODE_VM_ONLY"]}, "mode", "exactly one of mode and escalation"),
    ("Remediation", {"cluster_id": ""}, "cluster_id", "must not be empty"),
    ("Remediation", {"remediation_id": "r-1"}, "remediation_id", "must be a UUID"),
    ("Remediation", {"timeouts": {"create": "ten minutes"}}, "timeouts.create", "must be a duration"),
    ("Remediation", {"reason": "caf\udce9"}, "reason", "must be valid Unicode text"),
    ("Remediation", {"reason": b"caf\xe9"}, "reason", "must be a string, got bytes"),
    ("RemediationReview", {"decision": "MAYBE"}, "decision", "must be one of APPROVE, REJECT"),
    ("RemediationReview", {"remediation_id": ""}, "remediation_id", "must not be empty"),
    ("RollingRemediation", {"max_in_flight": 0}, "max_in_flight", "at least 1"),
    ("RollingRemediation", {"max_in_flight": 10**9}, "max_in_flight", "more than"),
    ("RollingRemediation", {"instance_ids": []}, "instance_ids", "at least one"),
    ("Remediation", {"cluster_id": "cluster/instances/x/remediations/y"}, "cluster_id", "request's path"),
    ("Remediation", {"instance_id": ".."}, "instance_id", "names a directory"),
    ("Remediation", {"instance_id": "inst training"}, "instance_id", "whitespace"),
    ("Remediation", {"instance_id": "inst\x07"}, "instance_id", "control character"),
    ("Remediation", {"mode": None, "escalation": ["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_VM_ONLY"]}, "escalation", "repeats"),
    ("Remediation", {"reason": "r" * 1_000_000}, "reason", "at most 4096"),
    ("Remediation", {"reason": "Xid\x00"}, "reason", "NUL"),
    ("RemediationReview", {"instance_id": "."}, "instance_id", "names a directory"),
    ("RemediationReview", {"comment": "c" * 100_000}, "comment", "at most 4096"),
    ("RollingRemediation", {"instance_ids": ["inst-training-01", "a/b"]}, "instance_ids[1]", "request's path"),
]


@pytest.fixture(scope="module")
def tc():
    return load_together_cdk("cdktf")


@pytest.mark.parametrize(("construct", "change", "prop", "problem"), CDK_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_bad_cdk_props_fail_at_synth_naming_the_construct_path_and_prop(tc, tmp_path, construct, change, prop, problem):
    app = tc.App(outdir=str(tmp_path / "out"))
    stack = tc.TerraformStack(app, "fleet")
    good = {"Remediation": GOOD_REMEDIATION, "RemediationReview": GOOD_REVIEW, "RollingRemediation": GOOD_ROLL}[construct]
    with pytest.raises(tc.PropError) as raised:
        getattr(tc, construct)(stack, "bad", **{**good, **change})
    message = str(raised.value)
    assert message.startswith(f"fleet/bad: {prop}: "), message
    assert problem in message, message
