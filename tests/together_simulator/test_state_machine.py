"""Property-based test (hypothesis) of the simulator's state machine: no sequence of API calls
reaches a state the spec forbids."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from together_api.models import RemediationState

# The in-process simulator is driven through starlette's TestClient, which warns about its httpx.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

STATES = [s.value for s in RemediationState]
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"}

# Reachable after (in the spec's order): a remediation never goes back, and a terminal one never moves.
# The modes that cordon the host pass through QUARANTINING and QUARANTINED before RUNNING.
LATER = {
    "PENDING_APPROVAL": {"PENDING", "QUARANTINING", "QUARANTINED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"},
    "PENDING": {"QUARANTINING", "QUARANTINED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"},
    "QUARANTINING": {"QUARANTINED", "RUNNING", "SUCCEEDED", "FAILED"},
    "QUARANTINED": {"RUNNING", "SUCCEEDED", "FAILED"},
    "RUNNING": {"SUCCEEDED", "FAILED"},
}
CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"
INSTANCES = [f"inst-training-{n:02d}" for n in range(1, 7)]
# Deterministic lifecycles: REBOOT_VM ends at the next read, VM_ONLY stays PENDING, HOST_AWARE
# stays RUNNING, EVICT_WITHOUT_REPLACEMENT ends FAILED.
DURATIONS = {"REBOOT_VM": (0, 0), "VM_ONLY": (1e6, 0), "HOST_AWARE": (0, 1e6), "EVICT_WITHOUT_REPLACEMENT": (0, 0)}


class SimulatorStateMachine(RuleBasedStateMachine):
    """API calls in any order against a fresh simulator; after each, every remediation seen is
    checked against what the spec allows."""

    remediations = Bundle("remediations")

    @initialize(target=remediations)
    def start(self):
        from starlette.testclient import TestClient

        from together_simulator.app import Simulator, build_app
        from together_simulator.lifecycle import FailureRule
        from together_simulator.seed import SEEDS
        from together_simulator.store import Store

        self.directory = tempfile.TemporaryDirectory()
        sim = Simulator(store=Store(Path(self.directory.name) / "sim.db"), api_keys=frozenset({"k"}))
        for mode, (pending, running) in DURATIONS.items():
            sim.lifecycle.set(mode, pending=pending, running=running)
        sim.failures.rules = [FailureRule("evict failed", mode="REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT")]
        SEEDS["demo"](sim.service)
        self.client = TestClient(build_app(sim), headers={"Authorization": "Bearer k"})
        self.seen: dict[str, str] = {}  # id -> latest state seen
        self.bodies: dict[str, tuple[str, str, str]] = {}  # id -> (instance, mode, reason) it was created with
        self.instance_of: dict[str, str] = {}
        self.observe_all()
        return DEMO_PENDING  # the demo's automated remediation, waiting for approval

    def teardown(self):
        if hasattr(self, "client"):
            self.client.close()
            self.directory.cleanup()

    def url(self, instance: str, rid: str | None = None, verb: str | None = None) -> str:
        path = f"/v1/compute/clusters/{CLUSTER}/instances/{instance}/remediations"
        if rid:
            path += f"/{rid}"
        if verb:
            path += f"/{verb}"
        return path

    def observe(self, remediation: dict) -> None:
        rid, state = remediation["id"], remediation["state"]
        assert state in STATES, remediation
        before = self.seen.get(rid)
        if before is not None and before != state:
            assert state in LATER.get(before, set()), f"{rid}: {before} -> {state}"
        if state == "PENDING" and remediation.get("trigger") == "REMEDIATION_TRIGGER_AUTOMATED":
            assert remediation.get("reviewed_by"), "an automated remediation runs only once reviewed"
        self.seen[rid] = state
        self.instance_of[rid] = remediation["instance_id"]

    def observe_all(self) -> list[dict]:
        response = self.client.get(self.url("-"), params={"pageSize": 500})
        assert response.status_code == 200, response.text
        listed = response.json()["remediations"]
        for remediation in listed:
            self.observe(remediation)
        return listed

    @rule(target=remediations, instance=st.sampled_from(INSTANCES), mode=st.sampled_from(list(DURATIONS)),
          reason=st.sampled_from(["", "Xid 79", "ECC"]))
    def create(self, instance, mode, reason):
        rid = str(uuid.uuid4())
        active = [r for r in self.observe_all() if r["instance_id"] == instance and r["state"] not in TERMINAL]
        response = self.client.post(self.url(instance), params={"remediation_id": rid},
                                    json={"mode": f"REMEDIATION_MODE_{mode}", "reason": reason})
        if active:
            assert response.status_code == 400 and response.json()["code"] == 9, response.text
            assert active[0]["id"] in response.json()["message"]
            unknown = self.client.get(self.url(instance, rid))
            assert unknown.status_code == 404 and unknown.json()["code"] == 5, unknown.text
            return multiple()  # nothing was created
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == rid and body["state"] == "PENDING" and body["trigger"] == "REMEDIATION_TRIGGER_MANUAL"
        self.bodies[rid] = (instance, body["mode"], reason)
        self.observe(body)
        return rid

    @rule(rid=remediations, same_body=st.booleans())
    def create_again(self, rid, same_body):
        if rid not in self.bodies:
            return
        instance, mode, reason = self.bodies[rid]
        response = self.client.post(self.url(instance), params={"remediation_id": rid},
                                    json={"mode": mode, "reason": reason if same_body else reason + " (changed)"})
        if same_body:
            assert response.status_code == 200 and response.json()["id"] == rid, response.text
            self.observe(response.json())
        else:
            assert response.status_code == 409 and response.json()["code"] == 6, response.text

    @rule(target=remediations, instance=st.sampled_from(INSTANCES), mode=st.sampled_from(list(DURATIONS)))
    def alert(self, instance, mode):
        response = self.client.post("/_simulator/alerts", json={
            "cluster_id": CLUSTER, "instance_id": instance, "alert_name": "GPUXidError", "mode": f"REMEDIATION_MODE_{mode}"})
        assert response.status_code == 200, response.text
        remediation = response.json()["remediation"]
        if remediation is not None:
            assert remediation["trigger"] == "REMEDIATION_TRIGGER_AUTOMATED"
            assert remediation["state"] == "PENDING_APPROVAL"
            self.observe(remediation)
        self.observe_all()
        return remediation["id"] if remediation is not None else multiple()

    @rule(rid=remediations, verb=st.sampled_from(["approve", "reject", "cancel"]))
    def review_or_cancel(self, rid, verb):
        self.observe_all()
        instance = self.instance_of[rid]
        before = self.seen[rid]
        response = self.client.post(self.url(instance, rid, verb), json={"comment": "looked at it"})
        allowed_from = {"approve": {"PENDING_APPROVAL"}, "reject": {"PENDING_APPROVAL"}, "cancel": {"PENDING_APPROVAL", "PENDING"}}[verb]
        current = self.client.get(self.url(instance, rid)).json()["state"] if response.status_code != 200 else None
        event(f"{verb} from {before}: {response.status_code}")
        if response.status_code == 200:
            after = response.json()
            assert before in allowed_from, f"{verb} from {before} was accepted"
            assert after["state"] == {"approve": "PENDING", "reject": "CANCELLED", "cancel": "CANCELLED"}[verb] or (
                verb == "approve" and after["state"] in LATER["PENDING"])
            self.observe(after)
        else:
            assert response.status_code == 400 and response.json()["code"] == 9, response.text
            assert before not in allowed_from or current not in allowed_from, f"{verb} from {before} refused"

    @invariant()
    def at_most_one_active_remediation_per_instance(self):
        if not hasattr(self, "client"):
            return
        active: dict[str, list[str]] = {}
        for remediation in self.observe_all():
            if remediation["state"] not in TERMINAL:
                active.setdefault(remediation["instance_id"], []).append(remediation["id"])
        assert all(len(ids) == 1 for ids in active.values()), active


SimulatorStateMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None,
                                                   suppress_health_check=[HealthCheck.too_slow])
test_no_sequence_of_api_calls_reaches_a_state_the_spec_forbids = SimulatorStateMachine.TestCase
