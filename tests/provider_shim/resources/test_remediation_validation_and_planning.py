"""``together_remediation``: validation with attribute paths, and its plan logic (no API involved)."""

from __future__ import annotations

import pytest
from tf.types import Unknown
from tf.utils import Diagnostics

from provider_shim.framework.base import PlanCall
from provider_shim.framework.validation import Validator
from provider_shim.provider import TogetherProvider
from provider_shim.resources.remediation import RemediationResource

REBOOT = "REMEDIATION_MODE_REBOOT_VM"


def _config(**overrides):
    config = {
        "cluster_id": "c", "instance_id": "i", "mode": REBOOT, "escalation": None, "reason": None, "triggers": None,
        "remediation_id": None, "wait_for": None, "rerun_on_failure": None, "timeouts": None,
    }
    config.update(overrides)
    return config


def _errors(config) -> list[tuple[str, list]]:
    diagnostics = Diagnostics()
    RemediationResource(TogetherProvider()).validate_config(Validator(diagnostics, config))
    return [(d.summary, d.path) for d in diagnostics.diagnostics if d.severity == "error"]


def test_a_valid_configuration_has_no_errors():
    assert _errors(_config()) == []
    assert _errors(_config(mode=None, escalation=[REBOOT, "REMEDIATION_MODE_VM_ONLY"], timeouts={"create": "1h", "delete": None})) == []
    # The live API's fifth mode, alone and in a ladder.
    assert _errors(_config(mode="REMEDIATION_MODE_HOST_POWER_CYCLE")) == []
    assert _errors(_config(mode=None, escalation=[REBOOT, "REMEDIATION_MODE_HOST_POWER_CYCLE"])) == []


@pytest.mark.parametrize(
    "overrides, summary, path",
    [
        ({"mode": "REBOOT"}, "Unsupported value for mode", ["mode"]),
        ({"cluster_id": ""}, "cluster_id must not be empty", ["cluster_id"]),
        ({"instance_id": "  "}, "instance_id must not be empty", ["instance_id"]),
        ({"wait_for": "done"}, "Unsupported value for wait_for", ["wait_for"]),
        ({"remediation_id": "abc"}, "Invalid UUID for remediation_id", ["remediation_id"]),
        ({"timeouts": {"create": "soon", "delete": None}}, "Invalid duration for timeouts.create", ["timeouts", "create"]),
        ({"mode": None}, "Exactly one of mode or escalation must be set", []),
        ({"escalation": [REBOOT]}, "Exactly one of mode or escalation must be set", ["escalation"]),
        ({"mode": None, "escalation": []}, "escalation must not be empty", ["escalation"]),
        ({"mode": None, "escalation": [REBOOT, "X"]}, "Unsupported value for escalation[1]", ["escalation", (1,)]),
        ({"mode": None, "escalation": [REBOOT, REBOOT]}, "escalation repeats a mode", ["escalation"]),
        ({"reason": "Xid 79\x00; rm -rf"}, "reason contains a NUL character", ["reason"]),
    ],
)
def test_each_mistake_is_an_error_on_its_attribute(overrides, summary, path):
    assert (summary, path) in _errors(_config(**overrides))


def test_unknown_values_are_left_for_plan_time():
    assert _errors(_config(mode=Unknown, cluster_id=Unknown, wait_for=Unknown, timeouts=Unknown)) == []


# ---- planning -------------------------------------------------------------------------------


def _prior(**overrides):
    state = {
        **_config(wait_for="terminal", rerun_on_failure=False),
        "id": "r1", "remediation_id": "r1", "state": "SUCCEEDED", "error_message": None, "attempts": [],
    }
    state.update(overrides)
    return state


def _plan(config, prior=None, planned=None, requires_replace=None):
    call = PlanCall(
        diagnostics=Diagnostics(), type_name="together_remediation", provider=TogetherProvider(), config=config,
        prior=prior, planned=dict(planned if planned is not None else (prior or config)), requires_replace=list(requires_replace or []),
    )
    RemediationResource(TogetherProvider()).plan(call)
    return call


def test_create_plan_fills_defaults_and_keeps_a_chosen_id(monkeypatch):
    from tests.provider_shim.framework.test_identity_rules import empty_session

    session = empty_session()
    monkeypatch.setattr(TogetherProvider, "require_session", lambda self: session)
    chosen = "6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11"
    call = _plan(_config(remediation_id=chosen), planned={**_config(remediation_id=chosen), "id": Unknown})
    assert call.planned["wait_for"] == "terminal" and call.planned["rerun_on_failure"] is False
    # The id is the server's (an API that does not honour remediation_id picks its own).
    assert call.planned["id"] is Unknown and call.planned["remediation_id"] == chosen
    assert call.planned["adopted_remediation_id"] is None
    assert _plan(_config(), planned={**_config(), "id": Unknown}).planned["id"] is Unknown


def test_a_succeeded_remediation_plans_no_change():
    prior = _prior()
    call = _plan(_config(), prior=prior)
    assert call.requires_replace == [] and call.planned == {**prior}


@pytest.mark.parametrize("state", ["FAILED", "CANCELLED"])
def test_rerun_on_failure_replaces_a_failed_or_cancelled_one_and_says_why(state):
    prior = _prior(state=state, error_message="BMC unreachable", rerun_on_failure=True)
    call = _plan(_config(rerun_on_failure=True), prior=prior)
    assert call.requires_replace == ["state"] and call.planned["state"] is Unknown
    [warning] = call.diagnostics.diagnostics
    assert warning.severity == "warning" and "rerun_on_failure" in warning.summary and "BMC unreachable" in warning.detail


def test_without_rerun_on_failure_a_failed_one_is_history():
    call = _plan(_config(), prior=_prior(state="FAILED"))
    assert call.requires_replace == [] and call.planned["state"] == "FAILED" and not call.diagnostics.diagnostics


@pytest.mark.parametrize(
    "live, wait_for, waits",
    [
        ("RUNNING", "terminal", True), ("PENDING", "running", True), ("RUNNING", "running", False), ("PENDING", "none", False),
        ("PENDING_APPROVAL", None, True),
        # The host-cordoning modes' states: active (not ended), but started.
        ("QUARANTINING", "terminal", True), ("QUARANTINED", None, True),
        ("QUARANTINING", "running", False), ("QUARANTINED", "running", False),
    ],
)
def test_an_unfinished_remediation_plans_an_update_that_waits(live, wait_for, waits):
    prior = _prior(state=live, wait_for=wait_for or "terminal")
    call = _plan(_config(wait_for=wait_for), prior=prior)
    assert call.requires_replace == []
    assert (call.planned["state"] is Unknown) is waits
    assert call.planned["id"] == "r1"


def test_removing_wait_for_from_the_configuration_returns_it_to_the_default():
    call = _plan(_config(), prior=_prior(wait_for="none", state="PENDING"), planned=_prior(wait_for="none", state="PENDING"))
    assert call.planned["wait_for"] == "terminal" and call.planned["state"] is Unknown


def test_a_failed_step_with_modes_left_plans_an_update_that_climbs_on():
    from provider_shim.framework.identity import attempt_id, intent_base_id

    ladder = [REBOOT, "REMEDIATION_MODE_VM_ONLY"]
    base = intent_base_id("c", "i", ladder, None, None)
    config = _config(mode=None, escalation=ladder)
    stopped = _prior(mode=None, escalation=ladder, id=base, remediation_id=base, state="FAILED")
    call = _plan(config, prior=stopped)
    assert call.requires_replace == [] and call.planned["id"] is Unknown and call.planned["state"] is Unknown

    last_step = attempt_id(base, 0, 1)
    finished = _plan(config, prior=_prior(mode=None, escalation=ladder, id=last_step, remediation_id=last_step, state="FAILED"))
    assert finished.planned["id"] == last_step and finished.planned["state"] == "FAILED", "the whole ladder failed: history"
