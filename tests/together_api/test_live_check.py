"""`make live-check`: skipped without credentials, and the checks against a server we control."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from together.types import Cluster
from together.types.clusters import Remediation as SdkRemediation

from tests.together_api.fake_server import FakeServer, Scripted
from tests.together_api.live_check import run
from tests.together_api.test_sdk_parity import full_sdk_dump

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-live-check-SECRET-0123456789"


def live_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m tests.together_api.live_check`` as ``make live-check`` runs it, with only ``env`` set."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TOGETHER_")}
    return subprocess.run(
        [sys.executable, "-m", "tests.together_api.live_check"], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_without_credentials_it_is_skipped_and_says_why():
    done = live_check({})
    assert done.returncode == 0
    assert done.stdout.startswith("live-check skipped: TOGETHER_API_KEY and TOGETHER_LIVE_CLUSTER_ID are not set.")


def test_with_only_the_key_it_names_what_is_missing_and_not_the_key():
    done = live_check({"TOGETHER_API_KEY": SECRET})
    assert done.returncode == 0
    assert "skipped: TOGETHER_LIVE_CLUSTER_ID is not set" in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_against_the_simulator_every_answer_is_checked_by_both_models():
    """Runs against whatever the simulator serves (its first cluster), so a change to its seed
    does not break this; a strict SDK mismatch is reported as the simulator's, not ours."""
    from together_api.client import TogetherClient
    from together_simulator.process import SimulatorProcess

    with SimulatorProcess() as sim:
        with TogetherClient(sim.api_key, sim.base_url) as client:
            cluster_id = client.list_clusters()[0].cluster_id
        done = live_check(
            {"TOGETHER_API_KEY": sim.api_key, "TOGETHER_LIVE_CLUSTER_ID": cluster_id, "TOGETHER_BASE_URL": sim.root_url}
        )
    lines = done.stdout.splitlines()
    assert lines[0] == f"live-check against {sim.root_url} (read-only), cluster {cluster_id}"
    checks = [line for line in lines if line.startswith(("ok ", "FAIL "))]
    paths = ["GET /v1/compute/clusters:", f"GET /v1/compute/clusters/{cluster_id}:",
             f"GET /v1/compute/clusters/{cluster_id}/instances/-/remediations:"]  # fmt: skip
    for path in paths:
        assert any(path in line for line in checks), f"{path} not checked:\n{done.stdout}"
    assert sim.api_key not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    failed = [line for line in checks if line.startswith("FAIL")]
    assert not [line for line in failed if "read by the project's models" not in line], done.stdout  # ours read it all
    assert done.returncode == (1 if failed else 0)
    if failed:
        pytest.xfail("the simulator's answers differ from the SDK's models: " + " | ".join(failed))


def _scripted_live_api(server: FakeServer, cluster: dict, cluster_id: str) -> None:
    remediation = full_sdk_dump(SdkRemediation)
    server.script("GET", "/compute/clusters", Scripted(200, {"clusters": [cluster]}))
    server.script("GET", f"/compute/clusters/{cluster_id}", Scripted(200, cluster))
    page = {"remediations": [remediation], "has_next": False, "next_page_token": ""}
    server.script("GET", f"/compute/clusters/{cluster_id}/instances/-/remediations", Scripted(200, page))
    one = f"/compute/clusters/{cluster_id}/instances/{remediation['instance_id']}/remediations/{remediation['id']}"
    server.script("GET", one, Scripted(200, remediation))


def test_an_answer_the_sdk_would_refuse_fails_naming_the_field_not_the_content():
    cluster = full_sdk_dump(Cluster)
    cluster["kube_config"] = "users: [token: kube-SECRET-token]"
    del cluster["gpu_worker_nodes"][0]["host_name"]  # our models read it; the SDK requires it
    lines: list[str] = []
    with FakeServer() as server:
        _scripted_live_api(server, cluster, cluster["cluster_id"])
        env = {"TOGETHER_API_KEY": SECRET, "TOGETHER_LIVE_CLUSTER_ID": cluster["cluster_id"], "TOGETHER_BASE_URL": server.base_url}
        assert run(env, out=lines.append) == 1
        assert {r.path for r in server.requests} >= {"/v1/compute/clusters", f"/v1/compute/clusters/{cluster['cluster_id']}"}
        assert all(r.method == "GET" for r in server.requests)  # read-only
    text = "\n".join(lines)
    assert "FAIL  GET /v1/compute/clusters: read by the project's models, but the SDK's ClusterListResponse (strict) says: " \
           "clusters[0].gpu_worker_nodes[0].host_name: field required" in text
    assert f"FAIL  GET /v1/compute/clusters/{cluster['cluster_id']}: " in text and \
           "Cluster (strict) says: gpu_worker_nodes[0].host_name: field required" in text
    assert "SDK RemediationListResponse (strict) ok" in text and "SDK Remediation (strict) ok" in text
    assert text.endswith("live-check: 2 check(s) failed")
    assert "kube-SECRET-token" not in text and SECRET not in text


def test_an_api_error_is_a_failed_check_quoting_the_api_without_the_key():
    lines: list[str] = []
    with FakeServer() as server:
        server.script("GET", "/compute/clusters", Scripted(401, {"code": 16, "message": f"bad key {SECRET}", "details": []}))
        env = {"TOGETHER_API_KEY": SECRET + "\n", "TOGETHER_LIVE_CLUSTER_ID": "c-1", "TOGETHER_BASE_URL": server.root_url}
        assert run(env, out=lines.append) == 1
    text = "\n".join(lines)
    assert "FAIL  GET /v1/compute/clusters: bad key <redacted> (UNAUTHENTICATED, HTTP 401)" in text
    assert SECRET not in text
