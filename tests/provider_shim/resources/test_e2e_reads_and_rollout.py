"""Refreshes cost list calls, not one GET each; an interrupted apply finishes later; rollouts are paced."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

LIST_ROUTE = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
GET_ROUTE = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations/{remediation_id}"
POST_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"

FLEET = """
resource "together_remediation" "node" {
  for_each    = toset([for i in range(1, %(n)d + 1) : format("inst-fleet-%%02d", i)])
  cluster_id  = "cluster-fleet"
  instance_id = each.key
  mode        = "REMEDIATION_MODE_REBOOT_VM"
}
"""


def test_refreshing_a_fleet_costs_one_listing_not_one_get_each(simulator, terraform_workspace):
    simulator.add_cluster("cluster-fleet", name="fleet", nodes=12)
    ws = terraform_workspace(simulator)
    ws.write(config(FLEET % {"n": 12}))
    ws.init()
    ws.apply()
    simulator.reset_stats()

    assert changes_by_address(ws.plan_json()) == {}
    routes = simulator.stats()["requests_by_route"]
    assert routes.get(LIST_ROUTE) == 1, routes  # 12 remediations fit one page
    assert routes.get(GET_ROUTE, 0) == 0, routes


def test_an_interrupted_apply_finishes_when_applied_again_without_new_remediations(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 600))
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-14"), remediation("b", instance_id="inst-training-15")))
    ws.init()
    apply = ws.start("apply", "-auto-approve", "-input=false", "-no-color")
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        deadline = time.monotonic() + 60
        while len([r for r in client.iter_remediations("cluster-training") if r.instance_id in ("inst-training-14", "inst-training-15")]) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    os.killpg(apply.pid, signal.SIGINT)
    apply.communicate(timeout=120)
    interrupted = {address: entry["values"]["id"] for address, entry in ws.resources().items()}
    assert set(interrupted) == {"together_remediation.a", "together_remediation.b"}

    simulator.set_lifecycle({}, default=(0, 0))
    for remediation_id in interrupted.values():
        simulator.force_state(remediation_id, "RUNNING")
    simulator.reset_stats()
    ws.apply()
    assert simulator.stats()["requests_by_route"].get(POST_ROUTE, 0) == 0
    for address, remediation_id in interrupted.items():
        values = ws.resource(address)
        assert values["id"] == remediation_id and values["state"] == "SUCCEEDED"
    assert changes_by_address(ws.plan_json()) == {}


def test_max_in_flight_per_cluster_paces_the_rollout(simulator, terraform_workspace):
    simulator.add_cluster("cluster-fleet", name="fleet", nodes=5)
    simulator.set_lifecycle({}, default=(0, 0.5))
    ws = terraform_workspace(simulator)
    ws.write(config(FLEET % {"n": 5}, provider='provider "together" {\n  max_in_flight_per_cluster = 2\n  poll_interval = "100ms"\n}\n'))
    ws.init()

    most_active, done = 0, threading.Event()

    def watch() -> None:  # sample the cluster's active remediations while the apply runs
        nonlocal most_active
        with TogetherClient(simulator.api_key, simulator.base_url) as client:
            while not done.is_set():
                active = [r for r in client.iter_remediations("cluster-fleet") if r.state.value in ("PENDING", "RUNNING")]
                most_active = max(most_active, len(active))
                time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        ws.apply()
    finally:
        done.set()
        watcher.join()
    assert 1 <= most_active <= 2
    assert {entry["values"]["state"] for entry in ws.resources().values()} == {"SUCCEEDED"}
    assert len(ws.resources()) == 5
