"""How a plan becomes a review: actions, nodes, modes, disruption, drift and unknown values."""

from __future__ import annotations

import json

from tests.together_remediation.review.conftest import FIXTURES
from together_remediation.review import Action, build_review, parse_plan, render_json, render_markdown
from together_remediation.review.values import UNKNOWN


def _review(plan: dict):
    return build_review(parse_plan(plan))


def _change(review, address):
    return next(c for c in review.changes if c.address == address)


def test_mixed_plan_renders_the_expected_markdown(mixed_plan):
    expected = (FIXTURES / "mixed_plan.md").read_text()
    assert render_markdown(_review(mixed_plan)) == expected


def test_each_change_gets_the_reviewer_action(mixed_plan):
    review = _review(mixed_plan)
    actions = {c.address: c.action for c in review.changes}
    assert actions == {
        "together_remediation.gpu02": Action.CREATE,
        "together_remediation.gpu05": Action.REPLACE,
        'together_remediation.ladder["gpu-07"]': Action.CREATE,
        "together_remediation_review.approve_gpu03": Action.APPROVE,
        "together_remediation_review.reject_gpu04": Action.REJECT,
        "together_remediation.cancel_gpu02": Action.CANCEL,
        "together_remediation.new_node": Action.CREATE,
    }  # no-op remediations, data reads and other resource types are not listed


def test_node_names_come_from_cluster_data_sources_including_modules(mixed_plan):
    review = _review(mixed_plan)
    assert _change(review, "together_remediation.gpu02").node_name == "gpu-02"
    # the inference cluster is read inside a child module
    assert _change(review, "together_remediation_review.reject_gpu04").node_name == "gpu-04"


def test_node_name_falls_back_to_instance_name_then_unknown(mixed_plan):
    mixed_plan["prior_state"]["values"]["root_module"]["resources"] = [
        r for r in mixed_plan["prior_state"]["values"]["root_module"]["resources"] if r["type"] != "together_cluster"
    ]
    review = _review(mixed_plan)
    assert _change(review, "together_remediation.cancel_gpu02").node_name == "gpu-02"  # instance_name in state
    assert _change(review, "together_remediation.gpu02").node_name is UNKNOWN  # a create: not known yet
    training = next(c for c in review.clusters if c.cluster_id == "cluster-training")
    assert training.node_count is None and training.touched_share is None


def test_unknown_values_are_shown_as_unknown_never_guessed(mixed_plan):
    review = _review(mixed_plan)
    new_node = _change(review, "together_remediation.new_node")
    assert new_node.instance_id is UNKNOWN and new_node.node_name is UNKNOWN
    document = json.loads(render_json(review))
    inference = next(c for c in document["clusters"] if c["cluster_id"] == "cluster-inference")
    row = next(c for c in inference["changes"] if c["address"] == "together_remediation.new_node")
    assert row["instance_id"] == {"known_after_apply": True}
    assert row["alerts"] == {"known_after_apply": True}
    assert inference["nodes_disrupted_known_after_apply"] == 1


def test_sensitive_values_never_appear(mixed_plan):
    review = _review(mixed_plan)
    for output in (render_markdown(review), render_json(review)):
        assert "rotate secret node" not in output
        assert "sensitive" in output


def test_escalation_ladder_is_shown_and_ranked_by_most_disruptive_step(mixed_plan):
    ladder = _change(_review(mixed_plan), 'together_remediation.ladder["gpu-07"]')
    assert ladder.mode.is_ladder
    assert [s.removeprefix("REMEDIATION_MODE_") for s in ladder.mode.steps] == ["REBOOT_VM", "VM_ONLY", "HOST_AWARE"]
    assert ladder.mode.disruption == 3


def test_evict_is_the_highest_disruption(mixed_plan):
    mixed_plan["resource_changes"][2]["change"]["after"]["mode"] = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
    review = _review(mixed_plan)
    assert review.highest_disruption == 4
    assert "highest (4/4)" in render_markdown(review)


def test_approval_and_rejection_show_the_remediation_they_decide(mixed_plan):
    review = _review(mixed_plan)
    approve = _change(review, "together_remediation_review.approve_gpu03")
    assert approve.runs_remediation  # approving makes a node restart
    assert approve.mode.steps == ("REMEDIATION_MODE_VM_ONLY",)  # from the together_remediations listing
    assert approve.reason == "Xid 79: GPU fell off the bus"
    assert [(a.name, a.severity) for a in approve.alerts] == [("GPUXidError", "PHC_SEVERITY_CRITICAL")]
    reject = _change(review, "together_remediation_review.reject_gpu04")
    assert not reject.runs_remediation
    assert reject.mode.steps == ("REMEDIATION_MODE_HOST_AWARE",)  # from the cluster's latest remediation


def test_destroy_cancels_only_what_has_not_started(mixed_plan):
    cancel = mixed_plan["resource_changes"][7]
    assert _change(_review(mixed_plan), cancel["address"]).action == Action.CANCEL
    for state in ("SUCCEEDED", "RUNNING", "FAILED"):
        cancel["change"]["before"]["state"] = state
        change = _change(_review(mixed_plan), cancel["address"])
        assert change.action == Action.FORGET and state in change.why


def test_drift_failed_out_of_band_is_reported_and_explains_the_replacement(mixed_plan):
    review = _review(mixed_plan)
    training = next(c for c in review.clusters if c.cluster_id == "cluster-training")
    [drift] = training.drift
    assert (drift.state_before, drift.state_after) == ("RUNNING", "FAILED")
    assert drift.error_message == "VM did not come back within 15m"
    assert "FAILED outside Terraform" in _change(review, "together_remediation.gpu05").why


def test_drift_without_a_state_change_is_not_reported(mixed_plan):
    mixed_plan["resource_drift"][0]["change"]["after"]["state"] = "RUNNING"
    review = _review(mixed_plan)
    assert all(not cluster.drift for cluster in review.clusters)


def test_share_of_cluster_nodes_counts_distinct_nodes_that_run(mixed_plan):
    review = _review(mixed_plan)
    training = next(c for c in review.clusters if c.cluster_id == "cluster-training")
    assert (training.touched_count, training.node_count) == (4, 8)
    assert training.touched_share == 0.5
    document = json.loads(render_json(review))
    assert document["summary"] == {"remediations_to_run": 5, "nodes_disrupted": 5, "highest_disruption": 3}


def test_text_that_would_break_the_table_is_escaped(mixed_plan):
    mixed_plan["resource_changes"][2]["change"]["after"]["reason"] = "a | b\nc <script>"
    markdown = render_markdown(_review(mixed_plan))
    row = next(line for line in markdown.splitlines() if "together_remediation.gpu02" in line)
    assert "a \\| b c \\<script\\>" in row
    assert row.count(" | ") == 7  # still eight cells


def test_empty_plan_says_so():
    plan = {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}}}
    markdown = render_markdown(_review(plan))
    assert "No remediation changes." in markdown


def test_unknown_instance_shows_where_it_comes_from(mixed_plan):
    review = _review(mixed_plan)
    new_node = _change(review, "together_remediation.new_node")
    assert new_node.instance_source == 'module.inference.instance_ids["gpu-03"]'
    assert new_node.node_name is UNKNOWN  # a module output's key is not a node name


def test_node_name_read_from_the_configuration_lookup_key(mixed_plan):
    config = mixed_plan["configuration"]["root_module"]["resources"][-1]
    config["expressions"]["instance_id"]["references"] = [
        'data.together_cluster.inference.instance_id_by_node_name["gpu-03"]',
        "data.together_cluster.inference.instance_id_by_node_name",
        "data.together_cluster.inference",
    ]
    new_node = _change(_review(mixed_plan), "together_remediation.new_node")
    assert new_node.instance_id is UNKNOWN and new_node.node_name == "gpu-03"


def test_in_place_update_is_a_rerun_only_when_a_new_attempt_starts(mixed_plan):
    replace = mixed_plan["resource_changes"][3]
    replace["change"]["actions"] = ["update"]
    replace["change"]["after"] = dict(replace["change"]["before"], wait_for="none")
    replace["change"]["after_unknown"] = {}
    change = _change(_review(mixed_plan), "together_remediation.gpu05")
    assert change.action == Action.UPDATE and change.why == "settings only: wait_for"
    assert not change.runs_remediation

    replace["change"]["after_unknown"] = {"id": True, "state": True, "attempts": True}
    change = _change(_review(mixed_plan), "together_remediation.gpu05")
    assert change.action == Action.RERUN and change.runs_remediation
    assert change.why == "FAILED outside Terraform"


def test_review_destroy_only_forgets(mixed_plan):
    approve = mixed_plan["resource_changes"][5]
    approve["change"]["actions"] = ["delete"]
    approve["change"]["before"], approve["change"]["after"] = approve["change"]["after"], None
    change = _change(_review(mixed_plan), approve["address"])
    assert change.action == Action.FORGET and not change.runs_remediation


def test_replacement_says_why_terraform_replaces(mixed_plan):
    replace = mixed_plan["resource_changes"][3]
    mixed_plan["resource_drift"] = []
    replace["change"]["before"]["state"] = "SUCCEEDED"
    cases = {
        ("replace_because_cannot_update", (("mode",), ("reason",))): "changed: mode, reason",
        ("replace_by_request", ()): "replacement requested (-replace)",
        ("replace_because_tainted", ()): "the object is tainted",
        ("replace_by_triggers", ()): "replace_triggered_by",
    }
    for (action_reason, paths), why in cases.items():
        replace["action_reason"] = action_reason
        replace["change"]["replace_paths"] = [list(p) for p in paths]
        assert _change(_review(mixed_plan), "together_remediation.gpu05").why == why
