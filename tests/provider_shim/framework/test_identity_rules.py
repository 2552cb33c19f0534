"""Identity rules, fast: intent tokens, which remediations are a declaration's own, adoption,
explicit ids, the released journal, look-before-post creates and drift (no terraform, no server)."""

from __future__ import annotations

import threading
import types
from datetime import datetime, timedelta, timezone

import pytest

from provider_shim.framework.adoption import StartKind, choose_start
from provider_shim.framework.applied import AppliedRecord, Seen, drift_since_apply
from provider_shim.framework.base import ProviderError
from provider_shim.framework.creating import create_once
from provider_shim.framework.identity import (
    ForgottenAttempts,
    Intent,
    Position,
    RemediationIndex,
    intent_token,
    reason_with_token,
    strip_intent_token,
    token_of,
)
from provider_shim.framework.released import ReleasedJournal
from together_api.errors import UnavailableError
from together_api.models import ListRemediationsResponse, Remediation

REBOOT = "REMEDIATION_MODE_REBOOT_VM"
VM_ONLY = "REMEDIATION_MODE_VM_ONLY"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
INTENT = Intent("c", "i", (REBOOT,), "xid 79")


def empty_session(**overrides):
    """A session stand-in whose cluster listings are empty (plans without a server)."""
    session = types.SimpleNamespace(
        lookups=types.SimpleNamespace(cluster_index=lambda cluster_id: RemediationIndex.of([])),
        released=types.SimpleNamespace(ids=lambda: frozenset()),
        forgotten=ForgottenAttempts(),
        stopping=threading.Event(),
        settings=types.SimpleNamespace(max_retries=3),
    )
    for name, value in overrides.items():
        setattr(session, name, value)
    return session


def remediation(rid, state="PENDING", *, instance="i", mode=REBOOT, reason=None, ended_ago=None, created_ago=60):
    created = NOW - timedelta(seconds=created_ago)
    data = {
        "id": rid, "cluster_id": "c", "instance_id": instance, "mode": mode, "state": state, "reason": reason,
        "trigger": "REMEDIATION_TRIGGER_MANUAL", "create_time": created.isoformat().replace("+00:00", "Z"),
    }
    if ended_ago is not None:
        data["end_time"] = (NOW - timedelta(seconds=ended_ago)).isoformat().replace("+00:00", "Z")
    return Remediation.model_validate(data)


def own(position=Position(0), state="PENDING", *, honoured=True, **kwargs):
    """A remediation of INTENT at ``position``, as an API that honours ids (or not) holds it."""
    rid = INTENT.id_at(position) if honoured else "0f0f0f0f-0000-4000-8000-%012d" % (position.attempt * 10 + position.step)
    return remediation(rid, state, reason=INTENT.reason_at(position), **kwargs)


def start(*remediations, first_attempt=0, released=frozenset(), intent=INTENT, timeout=1800):
    return choose_start(intent, RemediationIndex.of(remediations), first_attempt=first_attempt, released=released,
                        create_timeout=timeout, now=NOW)


# ---- tokens ------------------------------------------------------------------------------------


def test_the_token_is_ten_hex_digits_of_the_id_and_strips_back_to_the_reason():
    token = intent_token("6F1C1C1E-2D7C-4C55-9A53-0A1C1F3A2B11")
    assert token == "tf-6f1c1c1e2d"
    sent = reason_with_token("xid 79 on gpu-05", token)
    assert sent == "xid 79 on gpu-05 [tf-6f1c1c1e2d]" and token_of(sent) == token
    assert strip_intent_token(sent) == "xid 79 on gpu-05"
    assert strip_intent_token(reason_with_token(None, token)) is None
    assert strip_intent_token("a reason [tf-notatoken]") == "a reason [tf-notatoken]"


# ---- own remediations and adoption ---------------------------------------------------------------


@pytest.mark.parametrize("honoured", [True, False])
@pytest.mark.parametrize("state", ["PENDING_APPROVAL", "PENDING", "QUARANTINING", "QUARANTINED", "RUNNING"])
def test_an_active_leftover_is_adopted_whether_or_not_ids_were_honoured(state, honoured):
    leftover = own(state=state, honoured=honoured)
    chosen = start(leftover)
    assert chosen.kind is StartKind.ADOPT and chosen.remediation.id == leftover.id


@pytest.mark.parametrize("honoured", [True, False])
def test_a_recent_success_is_adopted_an_old_one_or_a_cancelled_one_runs_the_next_attempt(honoured):
    assert start(own(state="SUCCEEDED", ended_ago=60, honoured=honoured)).kind is StartKind.ADOPT
    old = start(own(state="SUCCEEDED", ended_ago=3600, honoured=honoured))
    assert old.kind is StartKind.NEW and old.position == Position(1) and "longer than timeouts.create" in old.earlier_not_adopted_because
    cancelled = start(own(state="CANCELLED", ended_ago=5, honoured=honoured))
    assert cancelled.kind is StartKind.NEW and cancelled.position == Position(1)


def test_a_released_leftover_runs_the_next_attempt_and_attempts_below_the_first_are_never_adopted():
    leftover = own(state="SUCCEEDED", ended_ago=5)
    assert start(leftover, released={leftover.id}).position == Position(1)
    assert start(leftover, first_attempt=1) .kind is StartKind.NEW


def test_another_instance_or_someone_elses_remediation_is_never_own():
    elsewhere = remediation(INTENT.id_at(Position(0)), instance="other", reason=INTENT.reason_at(Position(0)))
    stranger = remediation("11111111-2222-4333-8444-555555555555", reason="xid 79")
    assert start(elsewhere, stranger).kind is StartKind.NEW


def test_an_escalation_adopts_a_failed_step_with_steps_left():
    ladder = Intent("c", "i", (REBOOT, VM_ONLY), None)
    failed = remediation(ladder.id_at(Position(0, 0)), "FAILED", reason=ladder.reason_at(Position(0, 0)), ended_ago=5)
    chosen = start(failed, intent=ladder)
    assert chosen.kind is StartKind.ADOPT and chosen.position == Position(0, 0)


@pytest.mark.parametrize("chosen_id", ["6F1C1C1E-2D7C-4C55-9A53-0A1C1F3A2B11", "urn:uuid:6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11"])
def test_an_explicit_id_in_any_spelling_is_compared_canonically(chosen_id):
    intent = Intent("c", "i", (REBOOT,), "xid 79", chosen_id=chosen_id)
    assert intent.id_at(Position(0)) == "6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11"
    mine = remediation("6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11", "RUNNING", reason=intent.reason_at(Position(0)))
    assert start(mine, intent=intent).kind is StartKind.ADOPT


def test_an_explicit_id_naming_another_remediation_is_an_error_quoting_it():
    theirs = remediation("6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11", "PENDING_APPROVAL", mode=VM_ONLY, reason="health checks")
    intent = Intent("c", "i", ("REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT",), "evict it", chosen_id=theirs.id)
    with pytest.raises(ProviderError) as raised:
        start(theirs, intent=intent)
    message = f"{raised.value.summary} {raised.value.detail}"
    assert theirs.id in message and VM_ONLY in message and "'health checks'" in message and "PENDING_APPROVAL" in message
    assert raised.value.path == ["remediation_id"]


def test_a_state_s_derived_remediation_id_is_not_an_explicit_choice():
    derived = INTENT.id_at(Position(2))
    intent = Intent.of({"cluster_id": "c", "instance_id": "i", "mode": REBOOT, "reason": "xid 79", "remediation_id": derived})
    assert not intent.fixed and intent.base_id == INTENT.base_id


# ---- the released journal -------------------------------------------------------------------------


def test_the_journal_survives_launches_and_tolerates_a_corrupt_file(tmp_path):
    path = tmp_path / "together-remediation" / "released.json"
    ReleasedJournal(path).release(["6F1C1C1E-2D7C-4C55-9A53-0A1C1F3A2B11"])
    assert ReleasedJournal(path).ids() == {"6f1c1c1e-2d7c-4c55-9a53-0a1c1f3a2b11"}
    path.write_text("{not json")
    assert ReleasedJournal(path).ids() == frozenset()
    ReleasedJournal(path).release(["a"])
    assert ReleasedJournal(path).ids() == {"a"}
    assert ReleasedJournal(tmp_path / "missing" / "released.json").ids() == frozenset()


# ---- looking before posting again ---------------------------------------------------------------


class FlakyClient:
    """A create that commits but loses its answer ``lost`` times; ``honour``: keep the id sent."""

    def __init__(self, lost: int, honour: bool):
        self.lost, self.honour, self.posts, self.made = lost, honour, 0, []

    def create_remediation(self, cluster_id, instance_id, mode, reason, remediation_id=None, retry=None):
        assert retry is False, "the create is never retried blindly"
        self.posts += 1
        rid = remediation_id if self.honour else "0f0f0f0f-0000-4000-8000-%012d" % self.posts
        made = remediation(rid, reason=reason)
        self.made.append(made)
        if self.lost > 0:
            self.lost -= 1
            raise UnavailableError("connection reset")
        return made

    def list_remediations(self, cluster_id, instance_id, **kwargs):
        return ListRemediationsResponse(remediations=self.made, next_page_token="", has_next=False)


@pytest.mark.parametrize("honour", [True, False])
def test_a_lost_answer_is_found_by_looking_not_by_posting_again(honour):
    client = FlakyClient(lost=1, honour=honour)
    created = create_once(empty_session(client=client), INTENT, Position(0))
    assert client.posts == 1 and len(client.made) == 1
    assert created.remediation.id == client.made[0].id and created.honoured is honour and created.found_after_lost_answer


def test_drift_names_what_changed_on_the_server_and_what_to_do():
    record = AppliedRecord(Position(0), INTENT.id_at(Position(0)), True, Seen("SUCCEEDED", REBOOT, "xid 79"))
    prior = {"id": "r1", "cluster_id": "c", "instance_id": "i"}
    assert drift_since_apply(record, Seen("SUCCEEDED", REBOOT, "xid 79"), prior) == []
    [ended] = drift_since_apply(record, Seen("CANCELLED", REBOOT, "xid 79"), prior)
    assert "CANCELLED" in ended.summary and "rerun_on_failure = true" in ended.detail and "-replace" in ended.detail
    changed = drift_since_apply(record, Seen("SUCCEEDED", VM_ONLY, "something else"), prior)
    assert [VM_ONLY in changed[0].summary, "reason" in changed[1].summary] == [True, True]
