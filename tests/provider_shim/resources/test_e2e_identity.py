"""One declaration, one repair, and a plan that says when it adopts: issue 14's cases end to end,
each against a simulator that honours ``remediation_id`` and one that ignores it (its own ids).

1. Upper-case and ``urn:uuid:`` ids apply once and plan no change afterwards.
2. A new workspace, or a destroy and re-apply, of a past intent runs a new remediation; within
   ``timeouts.create`` of a success a new workspace adopts it and the plan, the apply and the plan
   review say so. ``apply -replace`` killed after the destroy reached state runs the re-run.
3. An explicit ``remediation_id`` naming another remediation is a plan-time error quoting it.
4. With ``rerun_on_failure = false``, a remediation cancelled or failed outside Terraform, or
   whose mode or reason changed on the server, gives a plan warning (and no change).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time

import pytest

from provider_shim.framework.identity import strip_intent_token
from tests.provider_shim.hcl import config, remediation
from tests.support.polling import wait_for
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient
from together_remediation.review.build import build_review
from together_remediation.review.model import Action
from together_remediation.review.plan_input import parse_plan

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
UPPER = "6F1C1C1E-2D7C-4C55-9A53-0A1C1F3A2B11"
URN = "urn:uuid:7a2d2d2f-3e8d-4d66-8b64-1b2d2f4b3c22"
FAST = 'provider "together" {\n  poll_interval = "100ms"\n}\n'


@pytest.fixture(params=["ids honoured", "ids ignored"])
def sim(request, simulator_factory):
    return simulator_factory(seed="demo", durations="zero", ignore_remediation_ids=request.param == "ids ignored")


def _ignored(sim) -> bool:
    return sim.settings()["ignore_remediation_ids"]


def _client(sim) -> TogetherClient:
    return TogetherClient(sim.api_key, sim.base_url)


def _on(sim, instance_id: str):
    with _client(sim) as client:
        return list(client.iter_remediations(CLUSTER, instance_id, order_by="create_time"))


def _planned(plan: dict, address: str) -> dict:
    [change] = [c for c in plan["resource_changes"] if c["address"] == address]
    return change


def test_upper_case_and_urn_uuid_ids_apply_once_and_plan_no_change(sim, terraform_workspace):
    ws = terraform_workspace(sim)
    ws.write(config(
        remediation("upper", instance_id="inst-training-04", remediation_id=UPPER),
        remediation("urn", instance_id="inst-training-05", remediation_id=URN),
    ))
    ws.init()
    ws.apply()

    for address, instance, chosen in (("upper", "inst-training-04", UPPER), ("urn", "inst-training-05", URN)):
        [live] = _on(sim, instance)
        state = ws.resource(f"together_remediation.{address}")
        assert state["id"] == live.id and state["remediation_id"] == chosen and state["state"] == "SUCCEEDED"
        assert state["adopted_remediation_id"] is None
        if not _ignored(sim):
            assert live.id == chosen.removeprefix("urn:uuid:").lower()
    assert not any(r["tainted"] for r in ws.resources().values())
    assert changes_by_address(ws.plan_json()) == {}, "no replacement on the second apply"


def test_a_new_workspace_after_a_cancelled_or_old_remediation_runs_a_new_one(sim, terraform_workspace):
    sim.set_lifecycle({"REMEDIATION_MODE_VM_ONLY": (600, 0)})
    old = remediation("old", instance_id="inst-training-06", timeouts={"create": "1s"})
    cancelled = remediation("cancelled", instance_id="inst-training-07", mode="REMEDIATION_MODE_VM_ONLY", wait_for="none")
    first = terraform_workspace(sim)
    first.write(config(old, cancelled, provider=FAST))
    first.init()
    first.apply()
    sim.force_state(first.resource("together_remediation.cancelled")["id"], "CANCELLED")
    time.sleep(1.2)  # the success is now older than timeouts.create

    second = terraform_workspace(sim)
    second.write(config(old, cancelled, provider=FAST))
    second.init()
    plan = second.plan_json()
    for address in ("together_remediation.old", "together_remediation.cancelled"):
        assert _planned(plan, address)["change"]["after"]["adopted_remediation_id"] is None
    assert "An earlier remediation of this declaration exists" in plan["_stdout"]
    second.apply()

    for address, instance in (("old", "inst-training-06"), ("cancelled", "inst-training-07")):
        earlier, new = _on(sim, instance)
        assert second.resource(f"together_remediation.{address}")["id"] == new.id
        assert first.resource(f"together_remediation.{address}")["id"] == earlier.id


def test_a_new_workspace_within_the_window_adopts_and_the_plan_apply_and_review_say_so(sim, terraform_workspace):
    declared = config(remediation("a", instance_id="inst-training-08", reason="xid 79"), provider=FAST)
    first = terraform_workspace(sim)
    first.write(declared)
    first.init()
    first.apply()
    [done] = _on(sim, "inst-training-08")

    second = terraform_workspace(sim)
    second.write(declared)
    second.init()
    plan = second.plan_json()
    assert f"Adopting remediation {done.id} (SUCCEEDED)" in plan["_stdout"] and done.create_time in plan["_stdout"]
    assert _planned(plan, "together_remediation.a")["change"]["after"]["adopted_remediation_id"] == done.id
    [change] = build_review(parse_plan(plan)).changes
    assert change.action is Action.ADOPT and not change.runs_remediation

    applied = second.apply()
    assert f"Adopting remediation {done.id}" in applied.output
    assert [r.id for r in _on(sim, "inst-training-08")] == [done.id], "nothing new ran"
    state = second.resource("together_remediation.a")
    assert state["id"] == done.id and state["adopted_remediation_id"] == done.id and state["reason"] == "xid 79"
    assert changes_by_address(second.plan_json()) == {}


def test_destroy_and_re_apply_runs_the_remediation_again(sim, terraform_workspace):
    ws = terraform_workspace(sim)
    ws.write(config(remediation("a", instance_id="inst-training-09"), provider=FAST))
    ws.init()
    ws.apply()
    ws.destroy()
    plan = ws.plan_json()
    assert _planned(plan, "together_remediation.a")["change"]["after"]["adopted_remediation_id"] is None
    ws.apply()
    first, second = _on(sim, "inst-training-09")
    assert ws.resource("together_remediation.a")["id"] == second.id and first.id != second.id


def test_replace_killed_after_the_destroy_reached_state_runs_the_re_run(sim, terraform_workspace):
    ws = terraform_workspace(sim)
    ws.write(config(remediation("a", instance_id="inst-training-10"), provider=FAST))
    ws.init()
    ws.apply()
    [first] = _on(sim, "inst-training-10")

    sim.set_faults(latency_ms=1500)  # every request slow: a wide window between the destroy and the create
    replace = ws.start("apply", "-auto-approve", "-input=false", "-no-color", "-replace=together_remediation.a")
    try:
        wait_for(lambda: '"together_remediation"' not in ws.state_file(), "the destroy to reach state", limit=120, poll=0.02)
    finally:
        os.killpg(replace.pid, signal.SIGKILL)
        replace.communicate()
    sim.clear_faults()

    ws.apply()  # run again: the resource is gone from state, the re-run must happen
    live = _on(sim, "inst-training-10")
    assert [r.id for r in live][0] == first.id and len(live) == 2, [(r.id, r.state) for r in live]
    assert ws.resource("together_remediation.a")["id"] == live[1].id and live[1].state.value == "SUCCEEDED"


def test_an_explicit_id_naming_another_remediation_is_a_plan_error_quoting_it(sim, terraform_workspace):
    with _client(sim) as client:
        [automated] = [r for r in client.iter_remediations(CLUSTER, "inst-training-03") if r.trigger.value == "REMEDIATION_TRIGGER_AUTOMATED"]
    sim.reset_stats()
    ws = terraform_workspace(sim)
    ws.write(config(remediation(
        "evict", instance_id="inst-training-03", mode="REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT",
        reason="drain it for good", remediation_id=automated.id,
    )))
    ws.init()
    result = ws.plan(check=False)

    assert result.returncode != 0
    error = " ".join(result.stderr.split())
    assert f"remediation_id {automated.id} names another remediation" in error
    assert "mode REMEDIATION_MODE_VM_ONLY" in error and "PENDING_APPROVAL" in error and automated.reason in error
    assert sim.stats()["requests_by_route"].get("POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations", 0) == 0
    [still] = _on(sim, "inst-training-03")
    assert still.id == automated.id and still.state.value == "PENDING_APPROVAL"


def _change_on_server(sim, remediation_id: str, **columns) -> None:
    """What the console or another client could change: written straight into the simulator's store."""
    assignments = ", ".join(f"{name}=?" for name in columns)
    with sqlite3.connect(sim.db_path) as db:
        db.execute(f"UPDATE remediations SET {assignments} WHERE id=?", (*columns.values(), remediation_id))


def test_without_rerun_on_failure_an_outside_end_or_change_warns_at_plan(sim, terraform_workspace):
    ws = terraform_workspace(sim)
    ws.write(config(
        remediation("cancelled", instance_id="inst-training-11", reason="xid 79"),
        remediation("failed", instance_id="inst-training-12", reason="xid 79"),
        remediation("changed", instance_id="inst-training-13", reason="xid 79"),
        provider=FAST,
    ))
    ws.init()
    ws.apply()
    ids = {name: ws.resource(f"together_remediation.{name}")["id"] for name in ("cancelled", "failed", "changed")}
    sim.force_state(ids["cancelled"], "CANCELLED")
    sim.force_state(ids["failed"], "FAILED", "BMC unreachable")
    [changed] = _on(sim, "inst-training-13")
    _change_on_server(sim, ids["changed"], mode="REMEDIATION_MODE_VM_ONLY", reason=changed.reason.replace("xid 79", "xid 48"))

    result = ws.plan("-detailed-exitcode", check=False)
    assert result.returncode == 0, "no change is planned"
    out = " ".join(result.stdout.split())
    assert f"Remediation {ids['cancelled']} ended CANCELLED since the apply saw it SUCCEEDED" in out
    assert f"Remediation {ids['failed']} ended FAILED" in out and "BMC unreachable" in out
    assert "rerun_on_failure = true" in out and "-replace=ADDR" in out
    assert f"Remediation {ids['changed']} runs mode REMEDIATION_MODE_VM_ONLY, not REMEDIATION_MODE_REBOOT_VM" in out
    assert f"The reason of remediation {ids['changed']} changed on the server" in out and "'xid 48'" in out
    assert strip_intent_token(changed.reason) == "xid 79", "the token is stripped from what users see"


def test_a_plan_writes_the_ids_its_state_holds_to_the_journal_when_it_ends(sim, terraform_workspace):
    ws = terraform_workspace(sim)
    ws.write(config(remediation("a", instance_id="inst-training-04"), remediation("b", instance_id="inst-training-05"), provider=FAST))
    ws.init()
    ws.apply()
    journal = ws.directory / ".terraform" / "together-remediation" / "released.json"
    journal.unlink(missing_ok=True)  # as in a fresh checkout of the same state

    assert changes_by_address(ws.plan_json()) == {}

    held = {ws.resource(f"together_remediation.{name}")["id"] for name in ("a", "b")}
    assert held <= set(json.loads(journal.read_text())["released"]), "the plan launch wrote them at its Shutdown"
