"""The data sources through terraform and the simulator: filters, one remediation, the cluster."""

from __future__ import annotations

import pytest

from tests.provider_shim.hcl import config, value
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # VM_ONLY, critical GPUXidError on gpu-03


def listing(name: str, **arguments) -> str:
    lines = [f'data "together_remediations" "{name}" {{', f"  cluster_id = {value(CLUSTER)}"]
    lines += [f"  {k} = {value(v)}" for k, v in arguments.items()]
    return "\n".join(lines + ["}"]) + "\n"


def test_remediations_filters_by_state_mode_trigger_instance_and_linked_alerts(simulator, terraform_workspace):
    def alert(instance, name, severity, mode):
        return simulator.inject_alert(CLUSTER, instance, name, severity, mode=mode)["remediation"]["id"]

    xid = alert("inst-training-04", "GPUXidError", "PHC_SEVERITY_CRITICAL", "REMEDIATION_MODE_REBOOT_VM")
    nvlink = alert("inst-training-05", "NVLinkDown", "PHC_SEVERITY_WARNING", "REMEDIATION_MODE_VM_ONLY")
    thermal = alert("inst-training-06", "GPUThermal", "PHC_SEVERITY_INFO", "REMEDIATION_MODE_HOST_AWARE")
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        manual = client.create_remediation(CLUSTER, "inst-training-11", "REMEDIATION_MODE_REBOOT_VM", "by hand").id
    everything = [DEMO_PENDING, xid, nvlink, thermal, manual]  # in create order

    ws = terraform_workspace(simulator)
    ws.write(
        config(
            listing("all"),
            listing("newest_first", order_by="create_time desc"),
            listing("by_alert_name", alert_names=["NVLinkDown", "GPUXidError"]),
            listing("warning_or_worse", min_severity="PHC_SEVERITY_WARNING"),
            listing("name_and_severity_on_one_alert", alert_names=["NVLinkDown"], min_severity="PHC_SEVERITY_CRITICAL"),
            listing("two_modes", modes=["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"]),
            listing("one_mode", modes=["REMEDIATION_MODE_REBOOT_VM"]),
            listing("one_instance", instance_id="inst-training-04"),
            listing("manual", trigger="REMEDIATION_TRIGGER_MANUAL"),
            listing("waiting", states=["PENDING_APPROVAL"]),
            listing("both_triggers", triggers=["REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"]),
            listing("automated", triggers=["REMEDIATION_TRIGGER_AUTOMATED"]),
            listing("waiting_or_started", states=["PENDING_APPROVAL", "QUARANTINING", "QUARANTINED", "RUNNING"]),
        )
    )
    ws.init()
    ws.apply()
    found = ws.resources()

    def ids(name):
        return found[f"data.together_remediations.{name}"]["values"]["ids"]

    assert ids("all") == everything
    assert ids("newest_first") == everything[::-1]
    assert ids("by_alert_name") == [DEMO_PENDING, xid, nvlink]
    assert ids("warning_or_worse") == [DEMO_PENDING, xid, nvlink]
    assert ids("name_and_severity_on_one_alert") == []
    assert ids("two_modes") == [DEMO_PENDING, nvlink, thermal]
    assert ids("one_mode") == [xid, manual]
    assert ids("one_instance") == [xid]
    assert ids("manual") == [manual]
    assert ids("waiting") == [DEMO_PENDING, xid, nvlink, thermal]
    assert ids("both_triggers") == everything
    assert ids("automated") == [DEMO_PENDING, xid, nvlink, thermal]
    assert ids("waiting_or_started") == [DEMO_PENDING, xid, nvlink, thermal]

    everyone = found["data.together_remediations.all"]["values"]
    assert everyone["instance_id"] == "-" and everyone["id"] == f"{CLUSTER}/-"
    by_id = {r["id"]: r for r in everyone["remediations"]}
    assert by_id[nvlink]["instance_name"] == "gpu-05" and by_id[nvlink]["state"] == "PENDING_APPROVAL"
    assert by_id[nvlink]["trigger"] == "REMEDIATION_TRIGGER_AUTOMATED"
    assert [(a["alert_name"], a["severity"], a["instance_id"]) for a in by_id[nvlink]["linked_alerts"]] == [
        ("NVLinkDown", "PHC_SEVERITY_WARNING", "inst-training-05")
    ]
    assert by_id[manual]["linked_alerts"] == [] and by_id[manual]["reason"] == "by hand"


def test_one_remediation_and_the_cluster_with_its_nodes(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            f"""
data "together_remediation" "gpu03" {{
  cluster_id     = "{CLUSTER}"
  instance_id    = "inst-training-03"
  remediation_id = "{DEMO_PENDING}"
}}

data "together_cluster" "training" {{
  cluster_id = "{CLUSTER}"
}}

output "gpu03_instance" {{
  value = data.together_cluster.training.instance_id_by_node_name["gpu-03"]
}}
"""
        )
    )
    ws.init()
    ws.apply()
    found = ws.resources()

    one = found["data.together_remediation.gpu03"]["values"]
    assert one["id"] == DEMO_PENDING and one["state"] == "PENDING_APPROVAL" and one["mode"] == "REMEDIATION_MODE_VM_ONLY"
    assert one["requested_by"] == "passive-health-checks" and one["instance_name"] == "gpu-03"
    assert [a["alert_name"] for a in one["linked_alerts"]] == ["GPUXidError"]
    assert one["passive_health_check_event_id"] == one["linked_alerts"][0]["passive_health_check_alert_id"]

    cluster = found["data.together_cluster.training"]["values"]
    assert (cluster["id"], cluster["name"]) == (CLUSTER, "training") and cluster["status"]
    assert "kube_config" not in cluster and "kube_config" not in ws.state_file()
    nodes = {n["node_id"]: n for n in cluster["gpu_worker_nodes"]}
    assert sorted(nodes) == [f"gpu-{n:02d}" for n in range(1, 17)]
    assert all(n["node_name"] == name for name, n in nodes.items()), "node_name keeps the same name"
    assert nodes["gpu-03"]["host_name"] and nodes["gpu-03"]["status"]
    assert isinstance(nodes["gpu-03"]["auto_remediation_enabled"], bool) and nodes["gpu-03"]["marked_for_deletion"] is False
    assert nodes["gpu-03"]["latest_remediation_id"] == DEMO_PENDING
    assert nodes["gpu-03"]["latest_remediation_state"] == "PENDING_APPROVAL"
    assert nodes["gpu-04"]["latest_remediation_id"] is None
    assert cluster["instance_id_by_node_name"] == {f"gpu-{n:02d}": f"inst-training-{n:02d}" for n in range(1, 17)}
    assert ws.run("output", "-raw", "gpu03_instance").stdout == "inst-training-03"


def test_lookups_of_what_does_not_exist_fail_with_the_api_message(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            """
data "together_cluster" "nowhere" {
  cluster_id = "cluster-nowhere"
}
"""
        )
    )
    ws.init()
    result = ws.apply(check=False)
    said = " ".join(result.stderr.split())
    assert result.returncode != 0 and "Cluster cluster-nowhere not found" in said and "cluster-nowhere" in said


def test_bad_filters_are_refused_before_any_api_call_naming_the_attribute(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(listing("bad", min_severity="CRITICAL", states=["PENDING", "DONE"])))
    ws.init()
    simulator.reset_stats()
    result = ws.plan(check=False)
    said = " ".join(result.stderr.split())
    assert result.returncode != 0
    assert "Unsupported value for min_severity" in said and "'CRITICAL' is not one of" in said
    assert "Unsupported value for states[1]" in said and "'DONE' is not one of" in said
    assert simulator.stats()["requests_total"] == 0
