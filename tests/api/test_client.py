"""TogetherClient against a real HTTP server on 127.0.0.1: retries, pagination, errors, secrets."""

from __future__ import annotations

import logging
import time

import pytest

from together_api import errors
from together_api.client import RetryPolicy, TogetherClient
from together_api.models import RemediationMode, RemediationState

from .fake_server import FakeServer, Scripted

SECRET = "sk-test-SECRET-0123456789"
C, I, R = "cluster-1", "inst-1", "6f1c2d3e-0000-4000-8000-000000000001"
LIST = f"/compute/clusters/{C}/instances/{I}/remediations"
ONE = f"{LIST}/{R}"
FAST = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05, jitter=0.0)


def remediation(rid: str = R, state: str = "PENDING", **extra) -> dict:
    return {
        "id": rid,
        "cluster_id": C,
        "instance_id": I,
        "mode": "REMEDIATION_MODE_REBOOT_VM",
        "trigger": "REMEDIATION_TRIGGER_MANUAL",
        "state": state,
        **extra,
    }


def unavailable(status: int = 503) -> Scripted:
    return Scripted(status, {"code": 14, "message": "backend unavailable", "details": []})


@pytest.fixture
def server():
    with FakeServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    with TogetherClient(api_key=SECRET, base_url=server.base_url, retry=FAST) as c:
        yield c


def test_create_sends_mode_reason_id_and_bearer_key(server, client):
    server.script("POST", LIST, Scripted(200, remediation()))
    created = client.create_remediation(C, I, RemediationMode.REBOOT_VM, reason="xid 79", remediation_id=R)
    assert created.id == R and created.state is RemediationState.PENDING
    (call,) = server.calls("POST", LIST)
    assert call.body == {"mode": "REMEDIATION_MODE_REBOOT_VM", "reason": "xid 79"}
    assert call.query == [("remediation_id", R)]
    assert call.headers["Authorization"] == f"Bearer {SECRET}"
    assert call.headers["User-Agent"].startswith("together-remediation/")


@pytest.mark.parametrize("failure", [unavailable(503), unavailable(502), Scripted(reset=True)])
def test_create_without_remediation_id_is_never_sent_twice(server, client, failure):
    server.script("POST", LIST, failure, Scripted(200, remediation()))
    with pytest.raises(errors.UnavailableError):
        client.create_remediation(C, I, "REMEDIATION_MODE_VM_ONLY")
    assert len(server.calls("POST", LIST)) == 1


@pytest.mark.parametrize("failure", [unavailable(503), unavailable(504), Scripted(reset=True)])
def test_create_with_remediation_id_is_retried(server, client, failure):
    server.script("POST", LIST, failure, failure, Scripted(200, remediation()))
    assert client.create_remediation(C, I, "REMEDIATION_MODE_VM_ONLY", remediation_id=R).id == R
    calls = server.calls("POST", LIST)
    assert len(calls) == 3
    assert all(c.query == [("remediation_id", R)] for c in calls)


def test_reads_retry_until_the_budget_is_spent(server, client):
    server.script("GET", ONE, unavailable())
    with pytest.raises(errors.UnavailableError) as info:
        client.get_remediation(C, I, R)
    assert len(server.calls("GET", ONE)) == FAST.max_attempts
    assert "backend unavailable" in str(info.value)


@pytest.mark.parametrize("verb", ["approve", "reject", "cancel"])
def test_review_and_cancel_are_retried(server, client, verb):
    server.script("POST", f"{ONE}/{verb}", unavailable(), Scripted(200, remediation(state="CANCELLED")))
    call = {
        "approve": lambda: client.approve_remediation(C, I, R, comment="ok"),
        "reject": lambda: client.reject_remediation(C, I, R, comment="no"),
        "cancel": lambda: client.cancel_remediation(C, I, R),
    }[verb]
    assert call().state is RemediationState.CANCELLED
    calls = server.calls("POST", f"{ONE}/{verb}")
    assert len(calls) == 2
    if verb != "cancel":
        assert calls[0].body == {"comment": "ok" if verb == "approve" else "no"}


def test_rate_limit_honours_retry_after(server, client):
    limited = Scripted(429, {"code": 8, "message": "slow down", "details": []}, headers={"Retry-After": "1"})
    server.script("GET", ONE, limited, Scripted(200, remediation()))
    started = time.monotonic()
    client.get_remediation(C, I, R)
    # The backoff alone would wait 10 ms; the server asked for one second.
    assert time.monotonic() - started >= 0.95
    assert len(server.calls("GET", ONE)) == 2


def test_rate_limit_error_carries_retry_after_when_exhausted(server):
    limited = Scripted(429, {"code": 8, "message": "slow down", "details": []}, headers={"Retry-After": "0"})
    server.script("GET", ONE, limited)
    with TogetherClient(api_key=SECRET, base_url=server.base_url, retry=RetryPolicy(max_attempts=2)) as c:
        with pytest.raises(errors.RateLimitedError) as info:
            c.get_remediation(C, I, R)
    assert info.value.retry_after == 0.0
    assert info.value.http_status == 429


def test_list_sends_every_filter_and_iterates_every_page(server, client):
    path = f"/compute/clusters/{C}/instances/-/remediations"
    pages = [
        Scripted(200, {"remediations": [remediation(f"r{n}") for n in range(3)], "has_next": True, "next_page_token": "t1"}),
        Scripted(200, {"remediations": [remediation("r3")], "has_next": True, "next_page_token": "t2"}),
        Scripted(200, {"remediations": [remediation("r4")], "has_next": False}),
    ]
    server.script("GET", path, *pages)
    got = list(
        client.iter_remediations(
            C,
            states=[RemediationState.PENDING, "RUNNING"],
            mode=RemediationMode.HOST_AWARE,
            trigger="REMEDIATION_TRIGGER_AUTOMATED",
            order_by="create_time desc",
            page_size=3,
        )
    )
    assert [r.id for r in got] == ["r0", "r1", "r2", "r3", "r4"]
    calls = server.calls("GET", path)
    assert len(calls) == 3
    first = calls[0].query
    assert ("state", "PENDING") in first and ("state", "RUNNING") in first
    assert ("mode", "REMEDIATION_MODE_HOST_AWARE") in first
    assert ("trigger", "REMEDIATION_TRIGGER_AUTOMATED") in first
    assert ("orderBy", "create_time desc") in first and ("pageSize", "3") in first
    assert ("pageToken", "t1") in calls[1].query and ("pageToken", "t2") in calls[2].query


@pytest.mark.parametrize(
    "status,code,cls",
    [
        (404, 5, errors.NotFoundError),
        (400, 9, errors.FailedPreconditionError),
        (409, 6, errors.AlreadyExistsError),
        (400, 3, errors.InvalidArgumentError),
        (401, 16, errors.UnauthenticatedError),
        (403, 7, errors.PermissionDeniedError),
        (500, 13, errors.TogetherAPIError),
    ],
)
def test_rpc_status_maps_to_typed_errors_quoting_the_api(server, client, status, code, cls):
    server.script("POST", f"{ONE}/approve", Scripted(status, {"code": code, "message": "the API says no", "details": []}))
    with pytest.raises(cls) as info:
        client.approve_remediation(C, I, R)
    assert type(info.value) is cls
    text = str(info.value)
    assert "the API says no" in text
    assert f"POST /compute/clusters/{C}/instances/{I}/remediations/{R}/approve" in text
    assert info.value.code == code and info.value.http_status == status


def test_non_json_error_body_still_gives_a_clear_error(server, client):
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.script("GET", f"/compute/clusters/{C}", Scripted(502, raw=html, headers={"Content-Type": "text/html"}))
    with pytest.raises(errors.UnavailableError) as info:
        client.get_cluster(C)
    assert "unexpected text/html response" in str(info.value)
    assert "HTTP 502" in str(info.value)


def test_clusters_are_read_without_the_kube_config(server, client):
    cluster = {
        "cluster_id": C,
        "cluster_name": "training",
        "status": "Ready",
        "kube_config": "apiVersion: v1\nusers: [token: very-secret]",
        "gpu_worker_nodes": [
            {"node_id": "n1", "node_name": "gpu-01", "status": "Ready", "instance_id": I,
             "latest_remediation": remediation(state="SUCCEEDED")},
        ],
    }
    server.script("GET", f"/compute/clusters/{C}", Scripted(200, cluster))
    server.script("GET", "/compute/clusters", Scripted(200, {"clusters": [cluster]}))
    info = client.get_cluster(C)
    assert info.gpu_worker_nodes[0].latest_remediation.state is RemediationState.SUCCEEDED
    assert "very-secret" not in info.model_dump_json()
    assert [c.cluster_name for c in client.list_clusters()] == ["training"]


def test_the_key_never_appears_in_repr_errors_or_logs(server, client, caplog):
    caplog.set_level(logging.DEBUG)
    server.script("GET", ONE, Scripted(401, {"code": 16, "message": "invalid API key", "details": []}))
    with pytest.raises(errors.UnauthenticatedError) as info:
        client.get_remediation(C, I, R)
    server.script("GET", LIST, Scripted(reset=True))
    with pytest.raises(errors.UnavailableError) as reset:
        client.list_remediations(C, I)
    seen = " ".join([repr(client), str(info.value), repr(info.value), str(reset.value), caplog.text])
    assert SECRET not in seen
    assert "<set>" in repr(client)


def test_key_and_base_url_come_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", SECRET)
    monkeypatch.setenv("TOGETHER_BASE_URL", server.base_url)
    server.script("GET", ONE, Scripted(200, remediation()))
    with TogetherClient() as c:
        c.get_remediation(C, I, R)
    assert server.calls("GET", ONE)[0].headers["Authorization"] == f"Bearer {SECRET}"


def test_the_client_is_safe_to_share_between_threads(server, client):
    from concurrent.futures import ThreadPoolExecutor

    server.script("GET", ONE, Scripted(200, remediation()))
    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lambda _: client.get_remediation(C, I, R).id, range(64)))
    assert ids == [R] * 64
    assert len(server.calls("GET", ONE)) == 64
