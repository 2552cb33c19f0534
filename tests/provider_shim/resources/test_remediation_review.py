"""Fast checks of ``together_remediation_review``: its schema, its validation, the approval's mode
override, its state upgrade, and which decision a remediation carries (no terraform, no server)."""

from __future__ import annotations

import pytest
from tf.utils import Diagnostics

from provider_shim.framework.validation import Validator
from provider_shim.resources.remediation_review import RemediationReviewResource, decision_of
from tests.provider_shim.type_helpers import UUID, errors, remediation


def _details(kind, config: dict) -> list[str]:
    diagnostics = Diagnostics()
    kind(None).validate_config(Validator(diagnostics, config))
    return [d.detail for d in diagnostics.to_pb()]


# ---- schemas ---------------------------------------------------------------------------------


def test_review_arguments_force_a_new_review_and_wait_for_does_not():
    attributes = {a.name: a for a in RemediationReviewResource.get_schema().attributes}
    forcing = {name for name, a in attributes.items() if a.requires_replace}
    assert forcing == {"cluster_id", "instance_id", "remediation_id", "decision", "mode", "comment"}
    assert attributes["mode"].optional and not attributes["mode"].computed
    assert attributes["remediation_mode"].computed
    assert attributes["wait_for"].default == "none"
    assert "only removes it from Terraform state" in RemediationReviewResource.get_schema().description


# ---- validation ------------------------------------------------------------------------------


def test_review_validation_names_the_attribute():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, good) == []
    assert errors(RemediationReviewResource, {**good, "decision": "approve"}) == [("Unsupported value for decision", ["decision"])]
    assert errors(RemediationReviewResource, {**good, "remediation_id": "gpu-03"}) == [("Invalid UUID for remediation_id", ["remediation_id"])]
    assert errors(RemediationReviewResource, {**good, "wait_for": "done"}) == [("Unsupported value for wait_for", ["wait_for"])]
    assert errors(RemediationReviewResource, {**good, "instance_id": " "}) == [("instance_id must not be empty", ["instance_id"])]
    assert errors(RemediationReviewResource, {**good, "comment": "ok\x00"}) == [("comment contains a NUL character", ["comment"])]
    assert errors(RemediationReviewResource, {**good, "timeouts": {"create": "soon"}}) == [
        ("Invalid duration for timeouts.create", ["timeouts", "create"])
    ]


def test_review_mode_is_an_approval_override_the_api_takes():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_REBOOT_VM"}) == []
    assert errors(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_HOST_POWER_CYCLE"}) == [
        ("REMEDIATION_MODE_HOST_POWER_CYCLE cannot be an approval's mode", ["mode"])
    ]
    assert errors(RemediationReviewResource, {**good, "mode": "REBOOT_VM"}) == [("Unsupported value for mode", ["mode"])]
    assert errors(RemediationReviewResource, {**good, "decision": "REJECT", "mode": "REMEDIATION_MODE_REBOOT_VM"}) == [
        ("mode is only for an approval", ["mode"])
    ]
    detail = _details(RemediationReviewResource, {**good, "mode": "REMEDIATION_MODE_HOST_POWER_CYCLE"})[0]
    assert "cannot be set as an approval override; create a host power-cycle remediation directly" in detail


def test_review_state_of_schema_version_0_moves_the_remediations_mode():
    old = {"remediation_id": UUID, "decision": "APPROVE", "mode": "REMEDIATION_MODE_VM_ONLY"}
    upgraded = RemediationReviewResource(None).upgrade(None, 0, old)
    assert (upgraded["mode"], upgraded["remediation_mode"]) == (None, "REMEDIATION_MODE_VM_ONLY")
    assert RemediationReviewResource.get_schema().version == 1


# ---- which decision a remediation carries ----------------------------------------------------

T0, T1, T2 = "2026-01-01T00:00:00.000000Z", "2026-01-01T00:01:00.000000Z", "2026-01-01T00:02:00.000000Z"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"state": "PENDING_APPROVAL"}, None),
        ({"state": "RUNNING", "trigger": "REMEDIATION_TRIGGER_MANUAL", "start_time": T1}, None),  # manual: never reviewed
        ({"state": "AUTO_RESOLVED", "end_time": T1}, None),
        ({"state": "PENDING", "reviewed_by": "sim-user@example.com", "review_time": T0}, "APPROVE"),
        ({"state": "SUCCEEDED", "reviewed_by": "Auto-Approved", "review_time": T0, "start_time": T1, "end_time": T2}, "APPROVE"),
        ({"state": "CANCELLED", "reviewed_by": "sim-user@example.com", "review_time": T0, "end_time": T0}, "REJECT"),
        # Approved, then cancelled before it started: it ended after the review.
        ({"state": "CANCELLED", "reviewed_by": "sim-user@example.com", "review_time": T0, "end_time": T1}, "APPROVE"),
    ],
)
def test_decision_of_a_remediation(fields, expected):
    assert decision_of(remediation(**fields)) == expected
