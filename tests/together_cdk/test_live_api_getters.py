"""Token getters for what the live API added: alert annotations (title, Xid codes, Slurm drain
reason), the worker nodes' new fields, and the review's mode override."""

from __future__ import annotations

from .conftest import synth_json

CLUSTER = "cluster-training"
UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"


def _outputs(tc, stack, values):
    for name, value in values.items():
        tc.TerraformOutput(stack, name, value=value)
    return {name: output["value"] for name, output in synth_json(tc, stack)["output"].items()}


def test_alert_annotation_getters(tc, stack):
    listing = tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER)
    annotation = listing.remediations.get(0).linked_alerts.get(1).annotation
    outputs = _outputs(tc, stack, {
        "title": annotation.title,
        "summary": annotation.summary_line,
        "description": annotation.description,
        "codes": annotation.xid_codes,
        "code": annotation.xid_events.get(0).xid_code,
        "mnemonic": annotation.xid_events.get(0).mnemonic,
        "count": annotation.xid_events.get(2).count,
        "drain": annotation.slurm_drain_reason,
        "whole": annotation.resolvable,
    })
    alert = "data.together_remediations.pending.remediations[0].linked_alerts[1].annotation"
    assert outputs == {
        "title": f"${{{alert}.title}}",
        "summary": f"${{{alert}.summary_line}}",
        "description": f"${{{alert}.description}}",
        "codes": f"${{{alert}.xid_codes}}",
        "code": f"${{{alert}.xid_events[0].xid_code}}",
        "mnemonic": f"${{{alert}.xid_events[0].mnemonic}}",
        "count": f"${{{alert}.xid_events[2].count}}",
        "drain": f"${{{alert}.slurm_drain_reason}}",
        "whole": f"${{{alert}}}",
    }


def test_annotation_on_every_construct_with_linked_alerts(tc, stack):
    remediation = tc.Remediation(stack, "r", cluster_id=CLUSTER, instance_id="inst-training-01",
                                 mode=tc.RemediationMode.REBOOT_VM)
    review = tc.RemediationReview(stack, "rv", cluster_id=CLUSTER, instance_id="inst-training-03",
                                  remediation_id=UUID, decision=tc.ReviewDecision.APPROVE)
    one = tc.DataTogetherRemediation(stack, "one", cluster_id=CLUSTER, instance_id="inst-training-03",
                                     remediation_id=UUID)
    outputs = _outputs(tc, stack, {
        "remediation_title": remediation.linked_alerts.get(0).annotation.title,
        "review_codes": review.linked_alerts.get(0).annotation.xid_codes,
        "one_events": one.linked_alerts.get(0).annotation.xid_events.resolvable,
    })
    assert outputs == {
        "remediation_title": "${together_remediation.r.linked_alerts[0].annotation.title}",
        "review_codes": "${together_remediation_review.rv.linked_alerts[0].annotation.xid_codes}",
        "one_events": "${data.together_remediation.one.linked_alerts[0].annotation.xid_events}",
    }


def test_worker_node_getters(tc, stack):
    cluster = tc.DataTogetherCluster(stack, "cluster", cluster_id=CLUSTER)
    node = cluster.gpu_worker_nodes.get(4)
    outputs = _outputs(tc, stack, {
        "node_id": node.node_id,
        "host": node.host_name,
        "status": node.status,
        "auto": node.auto_remediation_enabled,
        "deleting": node.marked_for_deletion,
        "latest_mode": node.latest_remediation_mode,
    })
    nodes = "data.together_cluster.cluster.gpu_worker_nodes[4]"
    assert outputs == {
        "node_id": f"${{{nodes}.node_id}}",
        "host": f"${{{nodes}.host_name}}",
        "status": f"${{{nodes}.status}}",
        "auto": f"${{{nodes}.auto_remediation_enabled}}",
        "deleting": f"${{{nodes}.marked_for_deletion}}",
        "latest_mode": f"${{{nodes}.latest_remediation_mode}}",
    }
