"""Exactly once: lost responses, 5xx, 429, resets and killed applies create one remediation.

The remediation id is derived from the intent, so a retried POST, or a whole apply run again
after terraform was killed between the POST and the state write, finds the remediation it
already made instead of starting a second one. ``-replace`` starts a new attempt on purpose.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.support.polling import wait_for
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
CREATE_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"


def _remediations(simulator, instance_id: str):
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        return list(client.iter_remediations(CLUSTER, instance_id))


def _creates(simulator) -> int:
    return simulator.stats()["requests_by_route"].get(CREATE_ROUTE, 0)


def _kill_group(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


FAULTS = {  # fault kind counted by the simulator -> the setting that injects it
    "drop_after_commit": {"drop_after_commit_rate": 0.6},  # the create commits, the answer is lost
    "http_5xx": {"error_5xx_rate": 0.5},
    "http_429": {"rate_limit_rate": 0.5, "retry_after_seconds": 0},
    "reset": {"reset_rate": 0.5},
}


def test_lost_responses_5xx_429_and_resets_still_create_each_remediation_once(simulator, terraform_workspace):
    provider = 'provider "together" {\n  max_retries = 15\n  poll_interval = "200ms"\n}\n'
    for number, (kind, settings) in enumerate(FAULTS.items(), start=4):
        instance_id = f"inst-training-{number:02d}"
        simulator.clear_faults()
        simulator.reset_stats()
        # One resource at a time keeps the request order, and so the seeded faults, reproducible.
        simulator.set_faults(seed=7, **settings)
        ws = terraform_workspace(simulator)
        ws.write(config(remediation("a", instance_id=instance_id), provider=provider))
        ws.init()
        ws.apply()
        assert simulator.stats()["faults_injected"][kind] > 0, f"no {kind} was injected"

        simulator.clear_faults()
        live = _remediations(simulator, instance_id)
        assert len(live) == 1, f"{kind}: {instance_id} has {len(live)} remediations"
        assert ws.resource("together_remediation.a")["id"] == live[0].id
        assert ws.resource("together_remediation.a")["state"] == "SUCCEEDED"


def test_apply_killed_after_the_post_adopts_its_remediation_when_run_again(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))  # the remediation stays RUNNING
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-12")))
    ws.init()
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    wait_for(lambda: _creates(simulator) >= 1, "the create POST")
    wait_for(lambda: _remediations(simulator, "inst-training-12"), "the remediation to exist")
    _kill_group(apply)

    assert "together_remediation.a" not in ws.resources(), "killed before the state write"
    [orphan] = _remediations(simulator, "inst-training-12")
    assert orphan.state.value in ("PENDING", "RUNNING")

    simulator.set_lifecycle({}, default=(0, 1))
    simulator.force_state(orphan.id, "RUNNING")  # still active; ends a second from now
    simulator.reset_stats()
    ws.apply()

    assert _creates(simulator) == 0, "the re-run adopted the remediation instead of posting"
    [only] = _remediations(simulator, "inst-training-12")
    assert only.id == orphan.id and only.state.value == "SUCCEEDED"
    assert ws.resource("together_remediation.a")["id"] == orphan.id
    assert ws.resource("together_remediation.a")["state"] == "SUCCEEDED"


def test_replace_killed_after_the_post_adopts_the_new_attempt_when_run_again(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-13")))
    ws.init()
    ws.apply()
    first = ws.resource("together_remediation.a")["id"]

    simulator.set_lifecycle({}, default=(0, 600))
    before = _creates(simulator)
    replace = ws.start("apply", "-auto-approve", "-input=false", "-no-color", "-replace=together_remediation.a")
    wait_for(lambda: _creates(simulator) > before and len(_remediations(simulator, "inst-training-13")) == 2, "the new attempt")
    _kill_group(replace)
    second = next(r for r in _remediations(simulator, "inst-training-13") if r.id != first)

    simulator.set_lifecycle({}, default=(0, 0))
    simulator.force_state(second.id, "RUNNING")
    ws.apply("-replace=together_remediation.a")  # the same command, run again

    assert {r.id for r in _remediations(simulator, "inst-training-13")} == {first, second.id}
    assert ws.resource("together_remediation.a")["id"] == second.id
    assert changes_by_address(ws.plan_json()) == {}
