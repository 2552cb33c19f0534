"""RollingRemediation: batches in order, chained by depends_on, and the unavailable-share guard."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .conftest import synth_json

CLUSTER = "cluster-training"



def test_batches_of_max_in_flight_chained_in_order(tc, stack):
    roll = tc.RollingRemediation(stack, "roll", cluster_id=CLUSTER,
                                 instance_ids=[f"inst-training-{n:02d}" for n in range(1, 6)],
                                 max_in_flight=2, cluster_node_count=16, max_unavailable_share=0.25)
    assert [[r.node.id for r in batch] for batch in roll.batches] == [
        ["1-inst-training-01", "1-inst-training-02"], ["2-inst-training-03", "2-inst-training-04"], ["3-inst-training-05"]]
    resources = synth_json(tc, stack)["resource"]["together_remediation"]
    names = sorted(resources)
    # The plan lists resources by name: the batch number leads, so the plan shows the order.
    assert [resources[name]["instance_id"] for name in names] == [f"inst-training-{n:02d}" for n in range(1, 6)]
    by_instance = {body["instance_id"]: (name, body) for name, body in resources.items()}
    first_batch = sorted(by_instance[f"inst-training-0{n}"][0] for n in (1, 2))
    assert "depends_on" not in by_instance["inst-training-01"][1]
    assert sorted(by_instance["inst-training-03"][1]["depends_on"]) == [f"together_remediation.{n}" for n in first_batch]
    assert sorted(by_instance["inst-training-05"][1]["depends_on"]) == sorted(
        f"together_remediation.{by_instance[f'inst-training-0{n}'][0]}" for n in (3, 4))
    body = by_instance["inst-training-04"][1]
    assert body["mode"] == "REMEDIATION_MODE_REBOOT_VM"  # the documented default
    assert body["reason"] == "rolling remediation roll"
    assert "lifecycle" not in body  # the node count is known: checked at synth, no precondition
    assert "data" not in synth_json(tc, stack)


def test_node_names_resolve_through_the_cluster_data_source_with_a_plan_time_guard(tc, stack):
    tc.RollingRemediation(stack, "roll", cluster_id=CLUSTER, node_names=["gpu-03", "gpu-07"],
                          escalation=[tc.RemediationMode.REBOOT_VM, tc.RemediationMode.VM_ONLY], max_in_flight=1,
                          reason="driver update", triggers={"wave": "1"})
    document = synth_json(tc, stack)
    (cluster_name,) = document["data"]["together_cluster"]
    resources = sorted(document["resource"]["together_remediation"].items())
    assert [body["instance_id"] for _, body in resources] == [
        f'${{data.together_cluster.{cluster_name}.instance_id_by_node_name["gpu-03"]}}',
        f'${{data.together_cluster.{cluster_name}.instance_id_by_node_name["gpu-07"]}}',
    ]
    body = resources[1][1]
    assert body["escalation"] == ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]
    assert body["reason"] == "driver update" and body["triggers"] == {"wave": "1"}
    assert body["depends_on"] == [f"together_remediation.{resources[0][0]}"]
    (precondition,) = body["lifecycle"]["precondition"]
    assert precondition["condition"] == (
        f"${{((length(data.together_cluster.{cluster_name}.gpu_worker_nodes) * 0.25) >= 1)}}")
    assert "more than 25% of the cluster's nodes" in precondition["error_message"]


def test_depends_on_and_getters(tc, stack):
    before = tc.Remediation(stack, "before", cluster_id=CLUSTER, instance_id="inst-training-16", mode="REMEDIATION_MODE_REBOOT_VM")
    roll = tc.RollingRemediation(stack, "roll", cluster_id=CLUSTER, instance_ids=["inst-training-01", "inst-training-02"],
                                 cluster_node_count=16, depends_on=[before])
    tc.TerraformOutput(stack, "second", value=roll.state_of("inst-training-02"))
    document = synth_json(tc, stack)
    first_name = roll.batches[0][0].friendly_unique_id
    assert document["resource"]["together_remediation"][first_name]["depends_on"] == ["together_remediation.before"]
    assert document["output"]["second"]["value"] == (
        f"${{together_remediation.{roll.last_batch[0].friendly_unique_id}.state}}")
    with pytest.raises(tc.PropError, match="no remediation for 'inst-training-09'"):
        roll.state_of("inst-training-09")


@pytest.mark.parametrize(
    ("props", "prop", "problem"),
    [
        ({"max_in_flight": 5, "cluster_node_count": 16}, "max_in_flight",
         "5 nodes at once would take down more than 25% of the cluster's 16 nodes (at most 4)"),
        ({"max_in_flight": 2, "cluster_node_count": 16, "max_unavailable_share": 0.1}, "max_in_flight", "(at most 1)"),
        ({"instance_ids": [f"inst-training-{n:02d}" for n in range(1, 6)], "mode": "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT",
          "cluster_node_count": 16}, "instance_ids",
         "evicting 5 nodes for good would take down more than 25% of the cluster's 16 nodes (at most 4); evict fewer"),
        ({"instance_ids": [f"inst-training-{n:02d}" for n in range(1, 4)], "cluster_node_count": 8,
          "escalation": ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"]}, "instance_ids",
         "evicting 3 nodes for good"),
        ({"max_in_flight": 0}, "max_in_flight", "must be at least 1"),
        ({"max_unavailable_share": 1.5}, "max_unavailable_share", "greater than 0 and at most 1"),
        ({"instance_ids": None}, "instance_ids", "set exactly one of instance_ids and node_names"),
        ({"node_names": ["gpu-01"]}, "instance_ids", "set exactly one of instance_ids and node_names"),
        ({"instance_ids": []}, "instance_ids", "at least one node"),
        ({"instance_ids": ["inst-training-01", "inst-training-01"]}, "instance_ids", "inst-training-01 more than once"),
        ({"mode": "REMEDIATION_MODE_VM_ONLY", "escalation": ["REMEDIATION_MODE_VM_ONLY"]}, "mode", "at most one"),
        ({"mode": "reboot"}, "mode", "must be one of"),
    ],
)
def test_refused_at_synth(tc, stack, props, prop, problem):
    base = {"cluster_id": CLUSTER, "instance_ids": ["inst-training-01", "inst-training-02"]}
    with pytest.raises(tc.PropError) as raised:
        tc.RollingRemediation(stack, "roll", **{**base, **props})
    message = str(raised.value)
    assert message.startswith("test/roll: "), message
    assert f": {prop}: " in message and problem in message, message
    assert "resource" not in synth_json(tc, stack)


HCL_APP = """
from together_cdk import App, TerraformStack, TogetherProvider, RollingRemediation
app = App(outdir={outdir!r})
stack = TerraformStack(app, "hcl")
TogetherProvider(stack, "together")
RollingRemediation(stack, "roll", cluster_id="cluster-training", instance_ids=["inst-training-01", "inst-training-02"],
                   cluster_node_count=16)
app.synth()
"""


def test_hcl_output_keeps_the_order_of_the_roll(tmp_path):
    outdir = tmp_path / "out"
    env = {**os.environ, "SYNTH_HCL_OUTPUT": "true"}
    subprocess.run([sys.executable, "-c", HCL_APP.format(outdir=str(outdir))], env=env, check=True,
                   capture_output=True, timeout=120)
    hcl = (outdir / "stacks" / "hcl" / "cdk.tf").read_text()
    blocks = dict(re.findall(r'resource "together_remediation" "(\S+)" \{(.*?)\n\}', hcl, re.S))
    (first,) = [name for name in blocks if name.startswith("roll_1-")]
    (second,) = [name for name in blocks if name.startswith("roll_2-")]
    assert 'instance_id = "inst-training-02"' in blocks[second]
    assert f"together_remediation.{first}" in blocks[second]
    assert "depends_on" not in blocks[first]


def test_an_evicting_roll_counts_every_node_at_plan_time(tc, stack):
    tc.RollingRemediation(stack, "evict", cluster_id=CLUSTER, instance_ids=["inst-training-01", "inst-training-02", "inst-training-03"],
                          mode=tc.RemediationMode.EVICT_WITHOUT_REPLACEMENT, max_unavailable_share=0.5)
    document = synth_json(tc, stack)
    (cluster_name,) = document["data"]["together_cluster"]
    for body in document["resource"]["together_remediation"].values():
        (precondition,) = body["lifecycle"]["precondition"]
        assert precondition["condition"] == (
            f"${{((length(data.together_cluster.{cluster_name}.gpu_worker_nodes) * 0.5) >= 3)}}")
        assert "evicting 3 nodes for good is more than 50% of the cluster's nodes" in precondition["error_message"]
