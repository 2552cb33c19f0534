"""Every rule of the service answers the right rpcStatus code and a message that explains it."""

from __future__ import annotations

import uuid

import httpx
import pytest

from together_api.errors import (
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    RpcCode,
    UnauthenticatedError,
)
from together_api.models import RemediationMode, RemediationState
from together_simulator.seed import DEMO_REMEDIATION_ID

from .conftest import TRAINING, client_for


def test_missing_key_is_unauthenticated(simulator):
    with client_for(simulator, api_key="") as anonymous:
        with pytest.raises(UnauthenticatedError) as caught:
            anonymous.list_clusters()
    assert caught.value.http_status == 401 and caught.value.code == RpcCode.UNAUTHENTICATED
    assert "API key" in caught.value.api_message


def test_wrong_key_is_unauthenticated_and_never_echoed(simulator):
    with client_for(simulator, api_key="not-the-key-123") as stranger:
        with pytest.raises(UnauthenticatedError) as caught:
            stranger.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    assert caught.value.http_status == 401
    assert "not-the-key-123" not in caught.value.api_message
    assert "not-the-key-123" not in simulator.log_text()
    assert simulator.api_key not in simulator.log_text().split("\n", 1)[1]


@pytest.mark.parametrize(
    "call, named",
    [
        (lambda c: c.get_cluster("no-such-cluster"), "no-such-cluster"),
        (lambda c: c.list_remediations("no-such-cluster"), "no-such-cluster"),
        (lambda c: c.list_remediations(TRAINING, "inst-nope"), "inst-nope"),
        (lambda c: c.create_remediation(TRAINING, "inst-nope", "REMEDIATION_MODE_VM_ONLY"), "inst-nope"),
        (lambda c: c.create_remediation("no-such-cluster", "inst-training-01", "REMEDIATION_MODE_VM_ONLY"),
         "no-such-cluster"),
        (lambda c: c.get_remediation(TRAINING, "inst-training-01", str(uuid.UUID(int=7))), str(uuid.UUID(int=7))),
        (lambda c: c.approve_remediation(TRAINING, "inst-training-01", "missing"), "missing"),
        # The remediation exists, but under another instance.
        (lambda c: c.get_remediation(TRAINING, "inst-training-01", DEMO_REMEDIATION_ID), DEMO_REMEDIATION_ID),
    ],
)
def test_unknown_cluster_instance_or_remediation_is_not_found(client, call, named):
    with pytest.raises(NotFoundError) as caught:
        call(client)
    assert caught.value.http_status == 404 and caught.value.code == RpcCode.NOT_FOUND
    assert named in caught.value.api_message


@pytest.mark.parametrize(
    "body, expected",
    [
        ({}, "mode is required"),
        ({"mode": ""}, "mode is required"),
        ({"mode": "REMEDIATION_MODE_TURN_IT_OFF_AND_ON"}, "unknown mode"),
        ({"mode": 3}, "unknown mode"),
        ({"mode": "REMEDIATION_MODE_VM_ONLY", "reason": 42}, "reason must be a string"),
        ([], "JSON object"),
    ],
)
def test_bad_create_bodies_are_invalid_argument(simulator, body, expected):
    response = httpx.post(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/inst-training-01/remediations",
        json=body,
        headers={"Authorization": f"Bearer {simulator.api_key}"},
    )
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == RpcCode.INVALID_ARGUMENT and expected in error["message"]
    # The message again as a detail: what Together's CLI prints.
    assert error["details"] == [{"@type": "type.googleapis.com/google.rpc.DebugInfo", "detail": error["message"]}]


def test_body_that_is_not_json_is_invalid_argument(simulator):
    response = httpx.post(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/inst-training-01/remediations",
        content=b"{mode: VM_ONLY",
        headers={"Authorization": f"Bearer {simulator.api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["code"] == RpcCode.INVALID_ARGUMENT


def test_read_only_fields_in_a_create_body_are_ignored(simulator, client):
    response = httpx.post(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/inst-training-01/remediations",
        json={"mode": "REMEDIATION_MODE_VM_ONLY", "state": "SUCCEEDED", "id": "mine", "trigger": "x"},
        headers={"Authorization": f"Bearer {simulator.api_key}"},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "PENDING" and response.json()["id"] != "mine"


def test_remediation_id_must_be_a_uuid(client):
    with pytest.raises(InvalidArgumentError) as caught:
        client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, remediation_id="my-repair-1")
    assert "remediation_id must be a UUID" in caught.value.api_message
    assert client.list_remediations(TRAINING, "inst-training-01").remediations == []


def test_create_on_the_wildcard_instance_is_invalid(client):
    with pytest.raises(InvalidArgumentError):
        client.create_remediation(TRAINING, "-", RemediationMode.VM_ONLY)


def test_same_id_and_same_body_returns_the_existing_remediation(client):
    chosen = str(uuid.uuid4())
    first = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, "r", remediation_id=chosen)
    again = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, "r", remediation_id=chosen)
    assert again.id == first.id == chosen
    assert again.create_time == first.create_time
    # Even after it finished: the repeat is the same remediation, now SUCCEEDED, not a new one.
    assert again.state == RemediationState.SUCCEEDED
    assert len(client.list_remediations(TRAINING, "inst-training-01").remediations) == 1


def test_same_id_with_uppercase_spelling_is_the_same_remediation(client):
    chosen = str(uuid.uuid4())
    client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, remediation_id=chosen)
    again = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY,
                                      remediation_id=chosen.upper())
    assert again.id == chosen
    assert client.get_remediation(TRAINING, "inst-training-01", chosen.upper()).id == chosen


@pytest.mark.parametrize(
    "instance, mode, reason",
    [
        ("inst-training-01", RemediationMode.HOST_AWARE, "r"),  # other mode
        ("inst-training-01", RemediationMode.VM_ONLY, "other reason"),
        ("inst-training-02", RemediationMode.VM_ONLY, "r"),  # other instance
    ],
)
def test_same_id_with_another_body_is_already_exists(client, instance, mode, reason):
    chosen = str(uuid.uuid4())
    client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, "r", remediation_id=chosen)
    with pytest.raises(AlreadyExistsError) as caught:
        client.create_remediation(TRAINING, instance, mode, reason, remediation_id=chosen)
    assert caught.value.http_status == 409 and caught.value.code == RpcCode.ALREADY_EXISTS
    assert chosen in caught.value.api_message


def test_one_active_remediation_per_instance(simulator, client):
    simulator.set_lifecycle(default=(60, 60))
    active = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    with pytest.raises(FailedPreconditionError) as caught:
        client.create_remediation(TRAINING, "inst-training-01", RemediationMode.HOST_AWARE)
    assert caught.value.http_status == 400 and caught.value.code == RpcCode.FAILED_PRECONDITION
    assert active.id in caught.value.api_message
    # Another instance is free, and so is this one once the active remediation is cancelled.
    client.create_remediation(TRAINING, "inst-training-02", RemediationMode.VM_ONLY)
    client.cancel_remediation(TRAINING, "inst-training-01", active.id)
    client.create_remediation(TRAINING, "inst-training-01", RemediationMode.HOST_AWARE)


def test_an_automated_remediation_awaiting_approval_also_holds_its_instance(client):
    with pytest.raises(FailedPreconditionError) as caught:
        client.create_remediation(TRAINING, "inst-training-03", RemediationMode.VM_ONLY)
    assert DEMO_REMEDIATION_ID in caught.value.api_message


def test_approve_and_reject_only_from_pending_approval(client):
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    for review in (client.approve_remediation, client.reject_remediation):
        with pytest.raises(FailedPreconditionError) as caught:
            review(TRAINING, "inst-training-01", created.id)
        assert "PENDING_APPROVAL" in caught.value.api_message and created.id in caught.value.api_message
    client.approve_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    with pytest.raises(FailedPreconditionError):
        client.approve_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)


def test_cancel_only_from_pending_approval_or_pending(simulator, client):
    simulator.set_lifecycle(default=(0, 60))
    running = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    assert client.get_remediation(TRAINING, "inst-training-01", running.id).state == RemediationState.RUNNING
    with pytest.raises(FailedPreconditionError) as caught:
        client.cancel_remediation(TRAINING, "inst-training-01", running.id)
    assert "RUNNING" in caught.value.api_message
    simulator.force_state(running.id, "SUCCEEDED")
    with pytest.raises(FailedPreconditionError):
        client.cancel_remediation(TRAINING, "inst-training-01", running.id)


def test_unknown_path_answers_an_rpc_status(simulator):
    response = httpx.get(f"{simulator.base_url}/compute/nothing-here", headers={"Authorization": "Bearer x"})
    assert response.status_code == 404 and response.json()["code"] == RpcCode.NOT_FOUND


def test_an_unsupported_method_answers_405_with_the_allowed_ones(simulator):
    response = httpx.delete(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/-/remediations",
        headers={"Authorization": f"Bearer {simulator.api_key}"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["code"] == RpcCode.UNIMPLEMENTED


def test_repeating_a_single_valued_parameter_is_invalid(simulator):
    response = httpx.get(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/-/remediations?pageSize=1&pageSize=2",
        headers={"Authorization": f"Bearer {simulator.api_key}"},
    )
    assert response.status_code == 400 and "page_size must be given at most once" in response.json()["message"]
