"""The policy file and the gate: violations exit 1 and name every rule and address."""

from __future__ import annotations

from pathlib import Path

import pytest

from together_remediation.cli import main
from together_remediation.review import build_review, check_policy, load_policy, parse_plan
from together_remediation.review.errors import ReviewInputError

EXAMPLE_POLICY = Path(__file__).resolve().parents[3] / "examples" / "ci" / "remediation-policy.toml"


def _policy(tmp_path, text: str, name: str = "policy.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _violations(plan: dict, policy_path: str):
    return check_policy(build_review(parse_plan(plan)), load_policy(policy_path))


def test_toml_and_yaml_policies_mean_the_same(tmp_path):
    toml = _policy(tmp_path, 'max_remediations_per_cluster = 2\nallowed_modes = ["REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]\n')
    yaml = _policy(tmp_path, "max_remediations_per_cluster: 2\nallowed_modes: [REBOOT_VM, REMEDIATION_MODE_VM_ONLY]\n", "p.yaml")
    assert load_policy(toml) == load_policy(yaml)


def test_the_documented_example_policy_loads():
    policy = load_policy(str(EXAMPLE_POLICY))
    assert policy.require_reason and not policy.allow_evict_without_replacement


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("p.toml", "max_remediations_per_plan = 3\nmax_remediation_per_cluster = 1\n", "max_remediation_per_cluster: unknown key"),
        ("p.toml", "max_cluster_node_share = 25\n", "max_cluster_node_share: Input should be less than or equal to 1"),
        ("p.toml", 'allowed_modes = ["REBOOT"]\n', "allowed_modes.0"),
        ("p.toml", 'allowed_modes = ["EVICT_WITHOUT_REPLACEMENT"]\n', "also set allow_evict_without_replacement"),
        ("p.toml", "max_remediations_per_plan = \n", "not valid TOML"),
        ("p.yaml", "- a list\n- of rules\n", "expected a table of rules"),
        ("p.yaml", "require_reason: [unclosed\n", "not valid YAML"),
        ("p.json", "{}", "unknown format '.json'"),
        ("p.toml", "max_remediations_per_plan = -1\n", "greater than or equal to 0"),
        ("p.toml", 'require_human_for_xid_codes = ["Xid 48"]\n', "require_human_for_xid_codes.0: String should match"),
        ("p.yaml", "allowed_approval_xid_codes: 79\n", "allowed_approval_xid_codes: Input should be a valid list"),
    ],
)
def test_malformed_policy_is_a_clear_error(tmp_path, name, text, message):
    with pytest.raises(ReviewInputError) as info:
        load_policy(_policy(tmp_path, text, name))
    assert message in str(info.value) and name in str(info.value)


def test_malformed_policy_exits_2_without_a_review(capsys, tmp_path, mixed_plan, write_json):
    code = main(["plan", "review", write_json(mixed_plan), "--policy", _policy(tmp_path, "max_plan = 1\n")])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "unknown key" in err


def test_a_plan_within_every_rule_passes(capsys, tmp_path, mixed_plan, write_json):
    mixed_plan["resource_changes"][8]["change"]["after_sensitive"] = {}  # its reason is then visible
    policy = _policy(
        tmp_path,
        "max_remediations_per_plan = 5\nmax_remediations_per_cluster = 4\nmax_cluster_node_share = 0.5\n"
        'allowed_modes = ["REBOOT_VM", "VM_ONLY", "HOST_AWARE"]\nrequire_reason = true\n',
    )
    code = main(["plan", "review", write_json(mixed_plan), "--policy", policy])
    out, err = capsys.readouterr()
    assert code == 0 and "### Policy: passed" in out and err == ""


def test_limits_per_plan_per_cluster_and_node_share(tmp_path, mixed_plan):
    policy = _policy(
        tmp_path, "max_remediations_per_plan = 4\nmax_remediations_per_cluster = 3\nmax_cluster_node_share = 0.25\n"
    )
    found = {(v.rule, tuple(v.addresses)) for v in _violations(mixed_plan, policy)}
    training_runs = (
        "together_remediation.gpu02",
        "together_remediation.gpu05",
        'together_remediation.ladder["gpu-07"]',
        "together_remediation_review.approve_gpu03",
    )
    assert found == {
        ("max_remediations_per_plan", tuple(sorted(training_runs + ("together_remediation.new_node",)))),
        ("max_remediations_per_cluster", training_runs),
        ("max_cluster_node_share", training_runs),
    }


def test_modes_every_ladder_step_must_be_allowed(tmp_path, mixed_plan):
    violations = _violations(mixed_plan, _policy(tmp_path, 'allowed_modes = ["REBOOT_VM", "VM_ONLY"]\n'))
    assert [(v.rule, v.addresses, v.message) for v in violations] == [
        ("allowed_modes", ["together_remediation.gpu05"], "mode HOST_AWARE is not allowed"),
        ("allowed_modes", ['together_remediation.ladder["gpu-07"]'], "mode HOST_AWARE is not allowed"),
    ]


def test_evict_needs_explicit_permission(tmp_path, mixed_plan):
    mixed_plan["resource_changes"][2]["change"]["after"]["mode"] = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
    refused = _violations(mixed_plan, _policy(tmp_path, "require_reason = false\n"))
    assert [(v.rule, v.addresses) for v in refused] == [
        ("allow_evict_without_replacement", ["together_remediation.gpu02"])
    ]
    allowed = _policy(tmp_path, "allow_evict_without_replacement = true\n", "allow.toml")
    assert _violations(mixed_plan, allowed) == []


def test_reason_required_and_unknown_reason_fails_closed(tmp_path, mixed_plan):
    mixed_plan["resource_changes"][2]["change"]["after"]["reason"] = "  "
    violations = _violations(mixed_plan, _policy(tmp_path, "require_reason = true\n"))
    assert [(v.rule, v.addresses, v.message) for v in violations] == [
        ("require_reason", ["together_remediation.gpu02"], "no reason given"),
        ("require_reason", ["together_remediation.new_node"], "reason is known only after apply or is sensitive: cannot verify"),
    ]


def test_rejection_needs_a_comment(tmp_path, mixed_plan):
    policy = _policy(tmp_path, "require_rejection_comment = true\n")
    [violation] = _violations(mixed_plan, policy)
    assert violation.rule == "require_rejection_comment"
    assert violation.addresses == ["together_remediation_review.reject_gpu04"]
    mixed_plan["resource_changes"][6]["change"]["after"]["comment"] = "gpu-04 is serving traffic"
    assert _violations(mixed_plan, policy) == []


def test_node_share_fails_closed_without_cluster_data(tmp_path, mixed_plan):
    mixed_plan["prior_state"]["values"]["root_module"]["child_modules"] = []
    violations = _violations(mixed_plan, _policy(tmp_path, "max_cluster_node_share = 0.9\n"))
    assert [(v.rule, v.addresses) for v in violations] == [
        ("max_cluster_node_share", ["together_remediation.new_node"])
    ]
    assert "cannot verify" in violations[0].message


def test_violation_exits_1_and_lists_every_rule_with_addresses(capsys, tmp_path, mixed_plan, write_json):
    policy = _policy(tmp_path, "max_remediations_per_cluster = 3\nrequire_rejection_comment = true\n")
    code = main(["plan", "review", write_json(mixed_plan), "--policy", policy])
    out, err = capsys.readouterr()
    assert code == 1
    assert "### Policy: **failed**, 2 violations" in out
    assert "- `max_remediations_per_cluster`: cluster cluster-training: 4 remediations would run" in out
    assert "`together_remediation_review.reject_gpu04`" in out
    assert "max_remediations_per_cluster" in err and "require_rejection_comment" in err


def test_approval_of_an_unseen_remediation_fails_closed(tmp_path, mixed_plan):
    # without the together_remediations listing, the approved remediation's mode is not in the plan
    resources = mixed_plan["prior_state"]["values"]["root_module"]["resources"]
    mixed_plan["prior_state"]["values"]["root_module"]["resources"] = [
        r for r in resources if r["type"] != "together_remediations"
    ]
    violations = _violations(mixed_plan, _policy(tmp_path, "require_reason = false\n"))
    assert [(v.rule, v.addresses, v.message) for v in violations] == [
        (
            "allow_evict_without_replacement",
            ["together_remediation_review.approve_gpu03"],
            "mode is known only after apply or is sensitive: cannot verify",
        )
    ]


def test_an_empty_policy_still_refuses_evict(tmp_path, mixed_plan):
    policy = _policy(tmp_path, "", "empty.yaml")
    assert _violations(mixed_plan, policy) == []
    mixed_plan["resource_changes"][4]["change"]["after"]["escalation"].append("REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT")
    mixed_plan["resource_changes"][4]["change"]["after_unknown"]["escalation"].append(False)
    [violation] = _violations(mixed_plan, policy)
    assert violation.rule == "allow_evict_without_replacement"
    assert violation.addresses == ['together_remediation.ladder["gpu-07"]']
