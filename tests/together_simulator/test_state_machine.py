"""Property-based tests (hypothesis): the models' round trip, the import-id parser, the plan
review on malformed plans, and the simulator's state machine (no sequence of API calls reaches
a state the spec forbids)."""

from __future__ import annotations

import copy
import json
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from provider_shim.framework.import_id import parse_import_id
from together_api.ids import id_problem
from together_api.models import PassiveHealthCheckAlert, Remediation, RemediationMode, RemediationState, RemediationTrigger

# The in-process simulator is driven through starlette's TestClient, which warns about its httpx.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

FIXTURE_PLAN = Path(__file__).resolve().parents[1] / "together_remediation" / "review" / "fixtures" / "mixed_plan.json"
MODES = [m.value for m in RemediationMode]
STATES = [s.value for s in RemediationState]
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"}

# ---- models ------------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=40)
times = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(lambda t: t.isoformat().replace("+00:00", "Z"))
uuids = st.uuids().map(str)
alerts = st.fixed_dictionaries(
    {"passive_health_check_alert_id": uuids, "cluster_id": texts, "target_vm": texts, "alert_name": texts,
     "severity": st.sampled_from(["PHC_SEVERITY_CRITICAL", "PHC_SEVERITY_WARNING", "PHC_SEVERITY_FROM_THE_FUTURE"]),
     "started_at": times},
    optional={"instance_id": texts, "annotations": st.dictionaries(texts, texts, max_size=3),
              "resolved_at": times, "node_remediation_intent_id": uuids},
)
remediations = st.fixed_dictionaries(
    {
        "id": uuids, "cluster_id": texts, "instance_id": texts,
        # Values the client does not know yet (a newer API) must survive too.
        "mode": st.sampled_from(MODES + ["REMEDIATION_MODE_FROM_THE_FUTURE"]),
        "state": st.sampled_from(STATES + ["STATE_FROM_THE_FUTURE"]),
        "trigger": st.sampled_from([t.value for t in RemediationTrigger] + ["REMEDIATION_TRIGGER_FROM_THE_FUTURE"]),
    },
    optional={
        "reason": texts, "requested_by": texts, "error_message": texts, "reviewed_by": texts, "review_comment": texts,
        "create_time": times, "start_time": times, "end_time": times, "update_time": times, "review_time": times,
        "instance_name": texts, "active_health_check_run_id": texts, "passive_health_check_event_id": texts,
        "linked_alerts": st.lists(alerts, max_size=3),
    },
)


@settings(deadline=None)
@given(remediations)
def test_a_remediation_survives_the_round_trip_through_the_model(document):
    model = Remediation.model_validate(document)
    again = Remediation.model_validate(json.loads(json.dumps(model.to_api())))
    assert again == model
    out = again.to_api()
    for name, value in document.items():
        if name != "linked_alerts":
            assert out[name] == value, name
    assert [a["passive_health_check_alert_id"] for a in out.get("linked_alerts") or []] == [
        a["passive_health_check_alert_id"] for a in document.get("linked_alerts") or []
    ]


@settings(deadline=None)
@given(alerts)
def test_an_alert_survives_the_round_trip_through_the_model(document):
    model = PassiveHealthCheckAlert.model_validate(document)
    assert PassiveHealthCheckAlert.model_validate(model.to_api()) == model
    assert {k: v for k, v in model.to_api().items() if k in document} == document


# ---- the import-id parser --------------------------------------------------------------------

PARTS = ("cluster", "instance", "remediation")
# A plain id: what the API's paths can carry (together_api.ids refuses the rest, tested apart).
part = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=30).filter(
    lambda p: p.strip() == p and p.strip() and id_problem(p) is None
)


@settings(deadline=None)
@given(st.tuples(part, part, part))
def test_import_id_of_three_parts_parses_back_to_them(parts):
    assert parse_import_id("/".join(parts), PARTS) == parts


@settings(deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=60))
def test_import_id_parser_accepts_exactly_three_clean_parts_or_names_the_form(text):
    try:
        parsed = parse_import_id(text, PARTS)
    except ValueError as error:
        assert "CLUSTER/INSTANCE/REMEDIATION" in str(error)
        pieces = text.split("/")
        assert len(pieces) != 3 or any(not p.strip() or p != p.strip() for p in pieces)
    else:
        assert "/".join(parsed) == text and len(parsed) == 3
        assert all(p and p == p.strip() and id_problem(p) is None for p in parsed)


# ---- the plan review on malformed plans ------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)


def _paths(document, prefix=()):
    """Every path to a value in a JSON document."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _paths(value, prefix + (index,))


PLAN = json.loads(FIXTURE_PLAN.read_text())
PLAN_PATHS = [p for p in _paths(PLAN) if p]


def _replace(document, path, value):
    mutated = copy.deepcopy(document)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return mutated


def _review(data):
    """The whole review of a decoded plan: parse, build, render both ways, check a policy."""
    from together_remediation.review import Policy, build_review, check_policy, parse_plan, render_json, render_markdown

    review = build_review(parse_plan(data, source="plan.json"))
    violations = check_policy(review, Policy(max_remediations_per_plan=1, require_reason=True))
    render_markdown(review, violations)
    json.loads(render_json(review, violations))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PLAN_PATHS), json_values), min_size=1, max_size=3))
def test_a_real_plan_with_parts_replaced_is_reviewed_or_refused_clearly(replacements):
    from together_remediation.review import ReviewInputError

    document = PLAN
    for path, value in replacements:
        try:
            document = _replace(document, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    try:
        _review(document)
    except ReviewInputError as error:
        assert str(error).startswith("plan plan.json: ")


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_value_is_reviewed_or_refused_clearly(data):
    from together_remediation.review import ReviewInputError

    try:
        _review(data)
    except ReviewInputError as error:
        assert str(error).startswith("plan plan.json: ")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode) | st.integers(1, 2000).map(lambda n: json.dumps(PLAN).encode()[:n]))
def test_malformed_plan_bytes_are_refused_clearly(tmp_path, raw):
    from together_remediation.review import ReviewInputError, load_plan

    assume(not raw.startswith(b"PK"))  # a saved plan file goes to terraform
    path = tmp_path / "plan.json"
    path.write_bytes(raw)
    try:
        load_plan(str(path))
    except ReviewInputError as error:
        assert str(error).startswith(f"plan {path}: ")


# ---- the simulator's state machine -------------------------------------------------------------

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
