"""The provider against the live API's shapes and behaviour, through the real terraform binary.

First a small server answering exactly as Together's SDK models say the live API does
(``live_shape_server``), then the simulator for the lifecycles the live API added:
REMEDIATION_MODE_HOST_POWER_CYCLE and its quarantine states, approving as another mode, the
alerts' typed annotation.
"""

from __future__ import annotations

import time

import pytest

from tests.provider_shim.hcl import config, remediation, value
from tests.provider_shim.live_shape_server import CLUSTER as LIVE_CLUSTER
from tests.provider_shim.live_shape_server import NODES, LiveShapeServer, instance_id, node_name
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo world's automated VM_ONLY on gpu-03
POWER_CYCLE = "REMEDIATION_MODE_HOST_POWER_CYCLE"


def _outputs(ws) -> dict:
    return {name: output["value"] for name, output in ws.show_json()["values"]["outputs"].items()}


# ---- a server in the live shapes ---------------------------------------------------------------

LIVE_CONFIG = f"""
data "together_cluster" "live" {{
  cluster_id = "{LIVE_CLUSTER}"
}}

data "together_remediations" "quarantining" {{
  cluster_id = "{LIVE_CLUSTER}"
  states     = ["QUARANTINING"]
}}

resource "together_remediation" "power_cycle" {{
  cluster_id  = data.together_cluster.live.id
  instance_id = data.together_cluster.live.instance_id_by_node_name["gpu-01"]
  mode        = "{POWER_CYCLE}"
  reason      = "Xid 79 on gpu-01"
  wait_for    = "running"
}}

output "cordoning" {{
  value = flatten([for r in data.together_remediations.quarantining.remediations : [for a in r.linked_alerts : a.annotation]])
}}
"""


def test_a_provider_pointed_at_the_live_shapes_reads_clusters_plans_host_power_cycle_and_filters(terraform_workspace):
    with LiveShapeServer() as server:
        cordoning = server.seed_remediation(instance_id(2), "REMEDIATION_MODE_HOST_AWARE", "QUARANTINING")
        server.seed_remediation(instance_id(3), "REMEDIATION_MODE_VM_ONLY", "PENDING_APPROVAL")
        # TOGETHER_BASE_URL in the SDK's form (the host, no /v1) and nothing else.
        ws = terraform_workspace(base_url=server.root_url, api_key=server.api_key)
        ws.write(config(LIVE_CONFIG))
        ws.init()

        plan = ws.plan_json()
        assert changes_by_address(plan) == {"together_remediation.power_cycle": ["create"]}
        ws.apply()

        cluster = ws.resource("data.together_cluster.live")
        assert cluster["instance_id_by_node_name"] == {node_name(n): instance_id(n) for n in range(1, NODES + 1)}
        nodes = {n["node_id"]: n for n in cluster["gpu_worker_nodes"]}
        assert nodes["gpu-02"] == {
            "node_id": "gpu-02", "node_name": "gpu-02", "instance_id": instance_id(2), "status": "Ready",
            "host_name": "host-a02", "auto_remediation_enabled": True, "marked_for_deletion": False,
            "latest_remediation_id": cordoning["id"], "latest_remediation_state": "QUARANTINING",
            "latest_remediation_mode": "REMEDIATION_MODE_HOST_AWARE",
        }
        assert nodes["gpu-04"]["auto_remediation_enabled"] is False
        assert "kube" not in ws.state_file()

        listing = ws.resource("data.together_remediations.quarantining")
        assert listing["ids"] == [cordoning["id"]]
        asked = [r.query for r in server.requests if r.method == "GET" and r.path.endswith("/instances/-/remediations") and "state" in r.query]
        assert asked and all(",".join(q["state"]) == "QUARANTINING" for q in asked)
        assert _outputs(ws)["cordoning"] == [
            {
                "title": "GPU fell off the bus", "summary_line": "Xid 79 seen 3 times on GPU 5",
                "description": "The GPU stopped responding to the driver.", "xid_codes": ["79"],
                "xid_events": [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus", "count": 3}],
                "slurm_drain_reason": "Xid 79",
            }
        ]

        created = ws.resource("together_remediation.power_cycle")
        assert (created["mode"], created["state"]) == (POWER_CYCLE, "QUARANTINING")  # wait_for running: started
        posts = [r for r in server.requests if r.method == "POST"]
        assert [(p.path, p.body["mode"]) for p in posts] == [
            (f"/v1/compute/clusters/{LIVE_CLUSTER}/instances/{instance_id(1)}/remediations", POWER_CYCLE)
        ]
        assert changes_by_address(ws.plan_json()) == {}, "QUARANTINING satisfies wait_for = running"
        ws.apply()  # the listing now finds the power cycle too: it cordons the host first
        assert set(ws.resource("data.together_remediations.quarantining")["ids"]) == {cordoning["id"], created["id"]}


# ---- the simulator: HOST_POWER_CYCLE and its quarantine states ---------------------------------


def _wait_for_state(simulator, instance: str, remediation_id: str, state: str, timeout: float = 30.0) -> None:
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        deadline = time.monotonic() + timeout
        while client.get_remediation(CLUSTER, instance, remediation_id).state.value != state:
            assert time.monotonic() < deadline, f"{remediation_id} never reached {state}"
            time.sleep(0.1)


def test_host_power_cycle_with_wait_for_running_returns_once_the_host_is_being_cordoned(simulator, terraform_workspace):
    simulator.set_lifecycle({POWER_CYCLE: (0, 120, 120, 120)})
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("cycle", instance_id="inst-training-09", mode=POWER_CYCLE, wait_for="running")))
    ws.init()
    started = time.monotonic()
    ws.apply()
    assert time.monotonic() - started < 60, "the apply must not wait for the quarantine to end"
    created = ws.resource("together_remediation.cycle")
    assert (created["mode"], created["state"]) == (POWER_CYCLE, "QUARANTINING")
    assert changes_by_address(ws.plan_json()) == {}


def test_destroy_during_quarantined_says_why_it_cannot_cancel_instead_of_a_bare_timeout(simulator, terraform_workspace):
    simulator.set_lifecycle({POWER_CYCLE: (0, 0, 300, 300)})
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("cycle", instance_id="inst-training-10", mode=POWER_CYCLE, wait_for="running", timeouts={"delete": "2s"})))
    ws.init()
    ws.apply()
    rid = ws.resource("together_remediation.cycle")["id"]
    _wait_for_state(simulator, "inst-training-10", rid, "QUARANTINED")

    plan = ws.plan("-destroy")
    assert "is QUARANTINED and cannot be cancelled" in plan.stdout
    result = ws.destroy(check=False)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert f"Remediation {rid} is still QUARANTINED: the host has been cordoned" in message
    assert "A started remediation cannot be cancelled" in message
    assert "timeouts.delete" in message and "Run terraform destroy again once it has ended" in message
    assert ws.resource("together_remediation.cycle")["id"] == rid, "it stays in state"
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        assert client.get_remediation(CLUSTER, "inst-training-10", rid).state.value == "QUARANTINED"


# ---- the simulator: approve as another mode, annotations ----------------------------------------


def _review(mode: str, **extra) -> str:
    lines = [
        'resource "together_remediation_review" "gpu03" {',
        f'  cluster_id     = "{CLUSTER}"',
        '  instance_id    = "inst-training-03"',
        f'  remediation_id = "{DEMO_PENDING}"',
        '  decision       = "APPROVE"',
        f"  mode           = {value(mode)}",
        *[f"  {k} = {value(v)}" for k, v in extra.items()],
        "}",
    ]
    return "\n".join(lines) + "\n"


def test_review_approves_the_automated_vm_only_as_a_reboot_and_it_runs_as_one(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(_review("REMEDIATION_MODE_REBOOT_VM", wait_for="terminal")))
    ws.init()
    planned = {c["address"]: c["change"]["after"] for c in ws.plan_json()["resource_changes"]}
    assert planned["together_remediation_review.gpu03"]["remediation_mode"] == "REMEDIATION_MODE_REBOOT_VM"
    ws.apply()

    review = ws.resource("together_remediation_review.gpu03")
    assert (review["mode"], review["remediation_mode"], review["state"]) == (
        "REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_REBOOT_VM", "SUCCEEDED",
    )
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        live = client.get_remediation(CLUSTER, "inst-training-03", DEMO_PENDING)
    assert (live.mode.value, live.state.value, live.reviewed_by) == ("REMEDIATION_MODE_REBOOT_VM", "SUCCEEDED", "sim-user@example.com")
    assert changes_by_address(ws.plan_json()) == {}


def test_review_as_host_power_cycle_is_refused_at_validate_without_an_api_request(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(_review(POWER_CYCLE)))
    ws.init()
    simulator.reset_stats()
    result = ws.plan(check=False)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert f"{POWER_CYCLE} cannot be an approval's mode" in message
    assert 'mode = "REMEDIATION_MODE_HOST_POWER_CYCLE"' in message  # terraform shows the attribute
    assert "cannot be set as an approval override; create a host power-cycle remediation directly" in message
    assert simulator.stats()["requests_total"] == 0
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        assert client.get_remediation(CLUSTER, "inst-training-03", DEMO_PENDING).state.value == "PENDING_APPROVAL"


def test_the_remediation_data_source_shows_the_alerts_typed_annotation(simulator, terraform_workspace):
    raised = simulator.inject_alert(
        CLUSTER, "inst-training-12", annotation={
            "title": "GPU fell off the bus", "summary_line": "Xid 79 on GPU 2", "description": "The GPU stopped responding.",
            "xid": {"events": [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus", "count": 2}]},
            "slurm_node_unavailable": {"reason": "gpu xid 79"},
        },
    )
    rid = raised["remediation"]["id"]
    ws = terraform_workspace(simulator)
    ws.write(config(f"""
data "together_remediation" "r" {{
  cluster_id     = "{CLUSTER}"
  instance_id    = "inst-training-12"
  remediation_id = "{rid}"
}}
"""))
    ws.init()
    ws.apply()
    alert = ws.resource("data.together_remediation.r")["linked_alerts"][0]
    assert alert["annotation"] == {
        "title": "GPU fell off the bus", "summary_line": "Xid 79 on GPU 2", "description": "The GPU stopped responding.",
        "xid_codes": ["79"], "xid_events": [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus", "count": 2}],
        "slurm_drain_reason": "gpu xid 79",
    }
