"""The low-level constructs synthesize the provider's schema: attributes, meta-arguments, token getters."""

from __future__ import annotations

import json

import pytest

from .conftest import synth_json

CLUSTER = "cluster-training"
INSTANCE = "inst-training-03"
REMEDIATION_ID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"


def test_provider_block_and_required_provider(tc, stack):
    tc.TogetherProvider(stack, "together", base_url="http://127.0.0.1:8787/v1", request_timeout="10s",
                        max_retries=2, poll_interval="500ms", max_in_flight_per_cluster=4)
    synthesized = tc.Testing.synth(stack)
    assert tc.Testing.to_have_provider_with_properties(
        synthesized, "together",
        {"base_url": "http://127.0.0.1:8787/v1", "request_timeout": "10s", "max_retries": 2,
         "poll_interval": "500ms", "max_in_flight_per_cluster": 4},
    )
    document = synth_json(tc, stack)
    assert document["terraform"]["required_providers"]["together"] == {
        "source": "together-remediation/together", "version": "~> 0.1"}
    assert "api_key" not in document["provider"]["together"][0]


def test_provider_key_from_a_sensitive_variable_is_a_reference_not_a_literal(tc, stack):
    key = tc.TerraformVariable(stack, "together_api_key", type="string", sensitive=True)
    tc.TogetherProvider(stack, "together", api_key=key.string_value)
    document = synth_json(tc, stack)
    assert document["provider"]["together"][0]["api_key"] == "${var.together_api_key}"


def test_provider_alias_and_resource_provider(tc, stack):
    tc.TogetherProvider(stack, "together")
    other = tc.TogetherProvider(stack, "other", alias="inference")
    tc.Remediation(stack, "r", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM",
                   provider=other)
    document = synth_json(tc, stack)
    assert document["provider"]["together"][1] == {"alias": "inference"}
    assert document["resource"]["together_remediation"]["r"]["provider"] == "together.inference"


def test_remediation_with_every_argument(tc, stack):
    tc.Remediation(
        stack, "reboot",
        cluster_id=CLUSTER, instance_id=INSTANCE, mode=tc.RemediationMode.REBOOT_VM,
        reason="Xid 79 on gpu-03", triggers={"ticket": "OPS-1"}, remediation_id=REMEDIATION_ID,
        wait_for=tc.WaitFor.RUNNING, rerun_on_failure=True,
        timeouts=tc.RemediationTimeouts(create="45m", delete="5m"),
    )
    resource = synth_json(tc, stack)["resource"]["together_remediation"]["reboot"]
    assert resource == {
        "cluster_id": CLUSTER, "instance_id": INSTANCE, "mode": "REMEDIATION_MODE_REBOOT_VM",
        "reason": "Xid 79 on gpu-03", "triggers": {"ticket": "OPS-1"}, "remediation_id": REMEDIATION_ID,
        "wait_for": "running", "rerun_on_failure": True, "timeouts": {"create": "45m", "delete": "5m"},
    }


def test_remediation_escalation_and_unset_arguments_left_out(tc, stack):
    tc.Remediation(stack, "ladder", cluster_id=CLUSTER, instance_id=INSTANCE,
                   escalation=[tc.RemediationMode.REBOOT_VM, "REMEDIATION_MODE_VM_ONLY",
                               tc.RemediationMode.HOST_AWARE],
                   timeouts={"create": "1h"})
    synthesized = tc.Testing.synth(stack)
    assert tc.Testing.to_have_resource_with_properties(synthesized, "together_remediation", {
        "escalation": ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"],
        "timeouts": {"create": "1h"},
    })
    resource = synth_json(tc, stack)["resource"]["together_remediation"]["ladder"]
    assert set(resource) == {"cluster_id", "instance_id", "escalation", "timeouts"}


def test_meta_arguments(tc, stack):
    first = tc.Remediation(stack, "first", cluster_id=CLUSTER, instance_id="inst-training-01", mode="REMEDIATION_MODE_REBOOT_VM")
    tc.Remediation(stack, "second", cluster_id=CLUSTER, instance_id="inst-training-02", mode="REMEDIATION_MODE_REBOOT_VM",
                   depends_on=[first], lifecycle=tc.cdk.TerraformResourceLifecycle(prevent_destroy=True))
    tc.Remediation(stack, "copies", cluster_id=CLUSTER, instance_id="inst-training-04",
                   mode="REMEDIATION_MODE_REBOOT_VM", count=2)
    nodes = tc.cdk.TerraformIterator.from_list(["inst-training-05", "inst-training-06"])
    tc.Remediation(stack, "each", cluster_id=CLUSTER, instance_id=nodes.value, mode="REMEDIATION_MODE_VM_ONLY", for_each=nodes)
    resources = synth_json(tc, stack)["resource"]["together_remediation"]
    assert resources["second"]["depends_on"] == ["together_remediation.first"]
    assert resources["second"]["lifecycle"] == {"prevent_destroy": True}
    assert resources["copies"]["count"] == 2
    assert resources["each"]["for_each"] == '${toset(["inst-training-05", "inst-training-06"])}'
    assert resources["each"]["instance_id"] == "${each.value}"


REMEDIATION_STRING_GETTERS = [
    "id", "remediation_id", "state", "trigger", "requested_by", "create_time", "start_time", "end_time",
    "update_time", "error_message", "reviewed_by", "review_time", "review_comment", "instance_name",
    "active_health_check_run_id", "passive_health_check_event_id",
]


def test_remediation_token_getters(tc, stack):
    remediation = tc.Remediation(stack, "r", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM")
    for name in REMEDIATION_STRING_GETTERS:
        tc.TerraformOutput(stack, name, value=getattr(remediation, name))
    tc.TerraformOutput(stack, "alerts", value=remediation.linked_alerts.resolvable)
    tc.TerraformOutput(stack, "alert_name", value=remediation.linked_alerts.get(0).alert_name)
    tc.TerraformOutput(stack, "annotations", value=remediation.linked_alerts.get(1).annotations)
    tc.TerraformOutput(stack, "attempts", value=remediation.attempts.resolvable)
    tc.TerraformOutput(stack, "second_attempt_state", value=remediation.attempts.get(1).state)
    outputs = synth_json(tc, stack)["output"]
    for name in REMEDIATION_STRING_GETTERS:
        assert outputs[name]["value"] == f"${{together_remediation.r.{name}}}"
    assert outputs["alerts"]["value"] == "${together_remediation.r.linked_alerts}"
    assert outputs["alert_name"]["value"] == "${together_remediation.r.linked_alerts[0].alert_name}"
    assert outputs["annotations"]["value"] == "${together_remediation.r.linked_alerts[1].annotations}"
    assert outputs["attempts"]["value"] == "${together_remediation.r.attempts}"
    assert outputs["second_attempt_state"]["value"] == "${together_remediation.r.attempts[1].state}"


def test_tokens_flow_between_constructs(tc, stack):
    pending = tc.DataTogetherRemediations(stack, "pending", cluster_id=CLUSTER,
                                          states=[tc.RemediationState.PENDING_APPROVAL],
                                          trigger=tc.RemediationTrigger.AUTOMATED)
    first = pending.remediations.get(0)
    tc.RemediationReview(stack, "approve", cluster_id=first.cluster_id, instance_id=first.instance_id,
                         remediation_id=first.id, decision=tc.ReviewDecision.APPROVE, comment="ok")
    tc.TerraformOutput(stack, "severity", value=first.linked_alerts.get(0).severity)
    tc.TerraformOutput(stack, "ids", value=pending.ids)
    document = synth_json(tc, stack)
    review = document["resource"]["together_remediation_review"]["approve"]
    assert review["remediation_id"] == "${data.together_remediations.pending.remediations[0].id}"
    assert review["instance_id"] == "${data.together_remediations.pending.remediations[0].instance_id}"
    assert document["output"]["severity"]["value"] == (
        "${data.together_remediations.pending.remediations[0].linked_alerts[0].severity}")
    assert document["output"]["ids"]["value"] == "${data.together_remediations.pending.ids}"


def test_review_with_every_argument(tc, stack):
    tc.RemediationReview(stack, "reject", cluster_id=CLUSTER, instance_id=INSTANCE, remediation_id=REMEDIATION_ID,
                         decision="REJECT", comment="not during training", wait_for=tc.WaitFor.NONE,
                         timeouts=tc.RemediationReviewTimeouts(create="2m"))
    review = synth_json(tc, stack)["resource"]["together_remediation_review"]["reject"]
    assert review == {"cluster_id": CLUSTER, "instance_id": INSTANCE, "remediation_id": REMEDIATION_ID,
                      "decision": "REJECT", "comment": "not during training", "wait_for": "none",
                      "timeouts": {"create": "2m"}}


@pytest.mark.parametrize("name", ["id", "state", "reviewed_by", "review_time", "review_comment", "mode", "trigger"])
def test_review_token_getters(tc, stack, name):
    review = tc.RemediationReview(stack, "rv", cluster_id=CLUSTER, instance_id=INSTANCE,
                                  remediation_id=REMEDIATION_ID, decision="APPROVE")
    tc.TerraformOutput(stack, "out", value=getattr(review, name))
    tc.TerraformOutput(stack, "alerts", value=review.linked_alerts.get(0).alert_name)
    outputs = synth_json(tc, stack)["output"]
    assert outputs["out"]["value"] == f"${{together_remediation_review.rv.{name}}}"
    assert outputs["alerts"]["value"] == "${together_remediation_review.rv.linked_alerts[0].alert_name}"


def test_data_sources_and_their_getters(tc, stack):
    listing = tc.DataTogetherRemediations(
        stack, "list", cluster_id=CLUSTER, instance_id=INSTANCE, states=["FAILED", tc.RemediationState.CANCELLED],
        modes=[tc.RemediationMode.VM_ONLY], trigger="REMEDIATION_TRIGGER_MANUAL", order_by="create_time desc",
        alert_names=["GPUXidError"], min_severity=tc.AlertSeverity.WARNING)
    one = tc.DataTogetherRemediation(stack, "one", cluster_id=CLUSTER, instance_id=INSTANCE, remediation_id=REMEDIATION_ID)
    cluster = tc.DataTogetherCluster(stack, "cluster", cluster_id=CLUSTER)
    tc.TerraformOutput(stack, "state", value=one.state)
    tc.TerraformOutput(stack, "reason", value=one.reason)
    tc.TerraformOutput(stack, "one_alert", value=one.linked_alerts.get(0).alert_name)
    tc.TerraformOutput(stack, "name", value=cluster.name)
    tc.TerraformOutput(stack, "status", value=cluster.status)
    tc.TerraformOutput(stack, "nodes", value=cluster.gpu_worker_nodes.resolvable)
    tc.TerraformOutput(stack, "third_instance", value=cluster.gpu_worker_nodes.get(2).instance_id)
    tc.TerraformOutput(stack, "latest", value=cluster.gpu_worker_nodes.get(2).latest_remediation_state)
    tc.TerraformOutput(stack, "by_name", value=cluster.instance_id_by_node_name)
    tc.TerraformOutput(stack, "gpu03", value=cluster.instance_id_of("gpu-03"))
    tc.TerraformOutput(stack, "all", value=listing.remediations.resolvable)
    synthesized = tc.Testing.synth(stack)
    assert tc.Testing.to_have_data_source_with_properties(synthesized, "together_cluster", {"cluster_id": CLUSTER})
    assert not tc.Testing.to_have_data_source_with_properties(synthesized, "together_cluster", {"cluster_id": "other"})
    document = synth_json(tc, stack)
    assert document["data"]["together_remediations"]["list"] == {
        "cluster_id": CLUSTER, "instance_id": INSTANCE, "states": ["FAILED", "CANCELLED"],
        "modes": ["REMEDIATION_MODE_VM_ONLY"], "trigger": "REMEDIATION_TRIGGER_MANUAL",
        "order_by": "create_time desc", "alert_names": ["GPUXidError"], "min_severity": "PHC_SEVERITY_WARNING"}
    assert document["data"]["together_remediation"]["one"] == {
        "cluster_id": CLUSTER, "instance_id": INSTANCE, "remediation_id": REMEDIATION_ID}
    assert document["data"]["together_cluster"]["cluster"] == {"cluster_id": CLUSTER}
    outputs = {name: output["value"] for name, output in document["output"].items()}
    assert outputs == {
        "state": "${data.together_remediation.one.state}",
        "reason": "${data.together_remediation.one.reason}",
        "one_alert": "${data.together_remediation.one.linked_alerts[0].alert_name}",
        "name": "${data.together_cluster.cluster.name}",
        "status": "${data.together_cluster.cluster.status}",
        "nodes": "${data.together_cluster.cluster.gpu_worker_nodes}",
        "third_instance": "${data.together_cluster.cluster.gpu_worker_nodes[2].instance_id}",
        "latest": "${data.together_cluster.cluster.gpu_worker_nodes[2].latest_remediation_state}",
        "by_name": "${data.together_cluster.cluster.instance_id_by_node_name}",
        "gpu03": '${data.together_cluster.cluster.instance_id_by_node_name["gpu-03"]}',
        "all": "${data.together_remediations.list.remediations}",
    }


def test_hcl_attributes_carry_the_schema_types(tc, stack):
    remediation = tc.Remediation(stack, "r", cluster_id=CLUSTER, instance_id=INSTANCE,
                                 escalation=["REMEDIATION_MODE_REBOOT_VM"], triggers={"n": "1"},
                                 rerun_on_failure=True, timeouts={"create": "5m"})
    hcl = remediation.to_hcl_terraform()["resource"]["together_remediation"]["r"]
    assert hcl["cluster_id"] == {"value": CLUSTER, "isBlock": False, "type": "simple", "storageClassType": "string"}
    assert hcl["escalation"]["type"] == "list" and hcl["escalation"]["storageClassType"] == "stringList"
    assert hcl["triggers"] == {"value": {"n": "1"}, "isBlock": False, "type": "map", "storageClassType": "stringMap"}
    assert hcl["rerun_on_failure"]["storageClassType"] == "boolean"
    assert hcl["timeouts"]["isBlock"] is True and hcl["timeouts"]["value"] == {"create": "5m"}


def test_renamed_block_keeps_its_attributes(tc, stack):
    remediation = tc.Remediation(stack, "r", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM")
    remediation.override_logical_id("reboot_gpu_03")
    tc.TerraformOutput(stack, "state", value=remediation.state)
    document = synth_json(tc, stack)
    resources = document["resource"]["together_remediation"]
    assert list(resources) == ["reboot_gpu_03"]
    assert resources["reboot_gpu_03"]["instance_id"] == INSTANCE
    assert document["output"]["state"]["value"] == "${together_remediation.reboot_gpu_03.state}"


def test_constructs_in_two_stacks_stay_apart(tc, tmp_path):
    app = tc.App(outdir=str(tmp_path / "out"))
    training, inference = tc.TerraformStack(app, "training"), tc.TerraformStack(app, "inference")
    tc.Remediation(training, "r", cluster_id="cluster-training", instance_id="inst-training-01", mode="REMEDIATION_MODE_REBOOT_VM")
    tc.DataTogetherCluster(inference, "c", cluster_id="cluster-inference")
    assert synth_json(tc, training)["resource"]["together_remediation"]["r"]["cluster_id"] == "cluster-training"
    assert "data" not in synth_json(tc, training)
    assert synth_json(tc, inference)["data"]["together_cluster"]["c"] == {"cluster_id": "cluster-inference"}
    assert "resource" not in synth_json(tc, inference)


def test_a_reference_across_stacks_goes_through_remote_state(tc, tmp_path):
    app = tc.App(outdir=str(tmp_path / "out"))
    inventory, repairs = tc.TerraformStack(app, "inventory"), tc.TerraformStack(app, "repairs")
    tc.TogetherProvider(inventory, "together")
    tc.TogetherProvider(repairs, "together")
    cluster = tc.DataTogetherCluster(inventory, "cluster", cluster_id=CLUSTER)
    tc.Remediation(repairs, "r", cluster_id=CLUSTER, instance_id=cluster.instance_id_of("gpu-01"), mode="REMEDIATION_MODE_REBOOT_VM")
    app.synth()
    written = lambda name: json.loads((tmp_path / "out" / "stacks" / name / "cdk.tf.json").read_text())  # noqa: E731
    instance_id = written("repairs")["resource"]["together_remediation"]["r"]["instance_id"]
    assert instance_id.startswith("${data.terraform_remote_state.cross-stack-reference-input-inventory.outputs.")
    (output,) = written("inventory")["output"].values()
    assert output["value"] == '${data.together_cluster.cluster.instance_id_by_node_name["gpu-01"]}'


def test_a_moved_resource_leaves_only_the_moved_block(tc, stack):
    old = tc.Remediation(stack, "old", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM")
    new = tc.Remediation(stack, "new", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM")
    new.add_move_target("renamed")
    old.move_to("renamed")
    document = synth_json(tc, stack)
    assert list(document["resource"]["together_remediation"]) == ["new"]
    assert document["resource"]["together_remediation"]["new"]["instance_id"] == INSTANCE
    assert document["moved"] == [{"from": "together_remediation.old", "to": "together_remediation.new"}]


def test_overrides_win_over_the_attributes_set_by_props(tc, stack):
    first = tc.Remediation(stack, "first", cluster_id=CLUSTER, instance_id=INSTANCE, mode="REMEDIATION_MODE_REBOOT_VM",
                           timeouts={"create": "5m", "delete": "1m"})
    first.add_override("mode", "REMEDIATION_MODE_VM_ONLY")
    first.add_override("timeouts.create", "2h")
    roll = tc.RollingRemediation(stack, "roll", cluster_id=CLUSTER, instance_ids=["inst-training-07"], cluster_node_count=16)
    roll.batches[0][0].add_override("reason", "overridden")
    resources = synth_json(tc, stack)["resource"]["together_remediation"]
    assert resources["first"]["mode"] == "REMEDIATION_MODE_VM_ONLY"
    assert resources["first"]["timeouts"] == {"create": "2h", "delete": "1m"}
    assert resources[roll.batches[0][0].friendly_unique_id]["reason"] == "overridden"


def test_a_depends_on_list_changed_between_two_constructs(tc, stack):
    first = tc.Remediation(stack, "first", cluster_id=CLUSTER, instance_id="inst-training-01", mode="REMEDIATION_MODE_REBOOT_VM")
    second = tc.Remediation(stack, "second", cluster_id=CLUSTER, instance_id="inst-training-02", mode="REMEDIATION_MODE_REBOOT_VM")
    after = [first]
    tc.Remediation(stack, "third", cluster_id=CLUSTER, instance_id="inst-training-03", mode="REMEDIATION_MODE_REBOOT_VM", depends_on=after)
    after.append(second)
    tc.Remediation(stack, "fourth", cluster_id=CLUSTER, instance_id="inst-training-04", mode="REMEDIATION_MODE_REBOOT_VM", depends_on=after)
    resources = synth_json(tc, stack)["resource"]["together_remediation"]
    assert resources["third"]["depends_on"] == ["together_remediation.first"]
    assert resources["fourth"]["depends_on"] == ["together_remediation.first", "together_remediation.second"]
