"""Fault injection and the counters the reliability tests read."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from together_api.errors import RateLimitedError, RpcCode, UnavailableError
from together_api.models import RemediationMode
from together_simulator.process import SimulatorAdminError

from .conftest import TRAINING, client_for

CREATE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
GET = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations/{remediation_id}"
LIST = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"


def test_latency_holds_no_lock_so_thirty_requests_are_in_flight_at_once(simulator):
    simulator.set_faults(latency_ms=1000)  # long enough for all 30 to arrive, even on a busy machine
    simulator.reset_stats()
    with client_for(simulator) as api, ThreadPoolExecutor(max_workers=30) as pool:
        creates = list(pool.map(
            lambda i: api.create_remediation("cluster-inference", f"inst-inference-{i + 1:02d}", RemediationMode.VM_ONLY)
            if i < 16 else api.list_remediations(TRAINING),
            range(30),
        ))
    stats = simulator.stats()
    assert stats["in_flight_peak"] >= 30
    assert stats["in_flight"] == 0
    assert stats["faults_injected"]["latency"] == 30
    assert stats["requests_by_route"] == {CREATE: 16, LIST: 14}
    assert len({c.id for c in creates[:16]}) == 16


def test_rate_limit_answers_429_with_retry_after(simulator):
    simulator.set_faults(rate_limit_rate=1.0, retry_after_seconds=7)
    with client_for(simulator) as api, pytest.raises(RateLimitedError) as caught:
        api.list_clusters()
    assert caught.value.http_status == 429 and caught.value.code == RpcCode.RESOURCE_EXHAUSTED
    assert caught.value.retry_after == 7
    assert simulator.stats()["faults_injected"]["http_429"] == 1


def test_server_errors_answer_503_unavailable(simulator):
    simulator.set_faults(error_5xx_rate=1.0)
    with client_for(simulator) as api, pytest.raises(UnavailableError) as caught:
        api.list_clusters()
    assert caught.value.http_status == 503 and caught.value.code == RpcCode.UNAVAILABLE
    # The admin API is never faulted.
    assert simulator.stats()["faults_injected"]["http_5xx"] == 1


def test_a_reset_closes_the_connection_without_an_answer(simulator):
    simulator.set_faults(reset_rate=1.0)
    with client_for(simulator) as api, pytest.raises(UnavailableError) as caught:
        api.list_clusters()
    assert caught.value.http_status is None and "could not reach the API" in caught.value.api_message
    assert simulator.stats()["faults_injected"]["reset"] == 1
    assert "reset" in simulator.log_text()


def test_drop_after_commit_keeps_the_create_and_a_retry_with_the_id_finds_it(simulator):
    simulator.set_faults(drop_after_commit_rate=1.0)
    chosen = str(uuid.uuid4())
    with client_for(simulator) as api:
        with pytest.raises(UnavailableError):
            api.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, remediation_id=chosen)
        simulator.set_faults(drop_after_commit_rate=0.0)
        assert api.get_remediation(TRAINING, "inst-training-01", chosen).id == chosen
        again = api.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, remediation_id=chosen)
    assert again.id == chosen
    stats = simulator.stats()
    assert stats["faults_injected"]["drop_after_commit"] == 1
    assert stats["remediations_total"] == 2  # the seeded one and this one, made once


def test_drop_after_commit_touches_only_creates(simulator):
    simulator.set_faults(drop_after_commit_rate=1.0)
    with client_for(simulator) as api:
        assert len(api.list_clusters()) == 2
    assert simulator.stats()["faults_injected"]["drop_after_commit"] == 0


def test_the_client_rides_through_seeded_faults_and_the_counts_add_up(simulator):
    simulator.set_faults(error_5xx_rate=0.3, rate_limit_rate=0.2, retry_after_seconds=0, reset_rate=0.1, seed=11)
    simulator.reset_stats()
    with client_for(simulator, retries=20) as api:
        for i in range(1, 11):
            instance = f"inst-inference-{i:02d}"
            created = api.create_remediation(
                "cluster-inference", instance, RemediationMode.REBOOT_VM, remediation_id=str(uuid.uuid4())
            )
            assert api.get_remediation("cluster-inference", instance, created.id).state == "SUCCEEDED"
    stats = simulator.stats()
    faults = stats["faults_injected"]
    assert faults["http_5xx"] + faults["http_429"] + faults["reset"] > 0
    assert stats["requests_total"] == 20 + faults["http_5xx"] + faults["http_429"] + faults["reset"]
    assert stats["requests_by_route"][CREATE] + stats["requests_by_route"][GET] == stats["requests_total"]
    assert stats["remediations_by_state"]["SUCCEEDED"] == 10


def test_stats_reset_zeroes_the_counters_but_not_the_world(simulator, client):
    client.list_clusters()
    assert simulator.stats()["requests_total"] == 1
    after = simulator.reset_stats()
    assert after["requests_total"] == 0 and after["requests_by_route"] == {}
    assert after["remediations_total"] == 1
    assert after["remediations_by_state"]["PENDING_APPROVAL"] == 1


def test_faults_can_be_read_back_and_bad_settings_are_refused(simulator):
    simulator.set_faults(latency_ms=5, seed=3)
    assert simulator.faults()["latency_ms"] == 5 and simulator.faults()["seed"] == 3
    for bad in ({"reset_rate": 2}, {"latency_ms": -1}, {"jitter": 1}, {"seed": "x"}):
        with pytest.raises(SimulatorAdminError):
            simulator.set_faults(**bad)


def test_faults_set_at_start(simulator_factory):
    sim = simulator_factory(faults={"error_5xx_rate": 1.0, "seed": 1})
    assert sim.faults()["error_5xx_rate"] == 1.0
    with client_for(sim) as api, pytest.raises(UnavailableError):
        api.list_clusters()
