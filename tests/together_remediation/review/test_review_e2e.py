"""Reviews of real plans: terraform plans against the simulator through the provider, and the
review of ``terraform show -json`` is compared with the expected Markdown in ``expected/``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.terraform_fixtures import REQUIRED_PROVIDERS, Workspace
from together_remediation.review import review_plan_file

pytestmark = pytest.mark.e2e

EXPECTED = Path(__file__).parent / "expected"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
CLUSTER = "cluster-training"


def normalised(text: str) -> str:
    """Ids and times differ on every run; everything else must match exactly."""
    return TIMESTAMP.sub("<time>", UUID.sub("<uuid>", text))


def assert_matches_expected(text: str, name: str) -> None:
    """Compare with ``expected/NAME``.

    With REVIEW_UPDATE_EXPECTED=1 a review that differs is written to ``expected/NAME`` and the
    test still fails: read the diff, then run again without the switch to see it pass. So the
    switch never turns a failing run into a passing one.
    """
    path = EXPECTED / name
    expected = path.read_text() if path.exists() else None
    if normalised(text) == expected:
        return
    if os.environ.get("REVIEW_UPDATE_EXPECTED") == "1":
        path.write_text(normalised(text))
        pytest.fail(f"expected/{name} rewritten: review `git diff {path}`, then run again without REVIEW_UPDATE_EXPECTED")
    assert normalised(text) == expected


@pytest.fixture
def workspace(terraform_workspace, simulator) -> Workspace:
    workspace = terraform_workspace(simulator)
    workspace.write(REQUIRED_PROVIDERS + 'provider "together" {}\n', "providers.tf")
    workspace.init()
    return workspace


def configure(workspace: Workspace, remediations: dict) -> None:
    workspace.write_json({"resource": {"together_remediation": remediations}})


def plan_file(workspace: Workspace) -> Path:
    """`terraform plan -out=tfplan` and `terraform show -json tfplan > plan.json`, as CI does."""
    document = workspace.plan_json()
    del document["_stdout"]
    path = workspace.directory / "plan.json"
    path.write_text(json.dumps(document))
    return path


def remediation(instance: str, **arguments) -> dict:
    return {"cluster_id": CLUSTER, "instance_id": instance, **arguments}


def run_cli(workspace: Workspace, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "plan", "review", *args],
        cwd=workspace.directory, env=workspace.env, capture_output=True, text=True, timeout=120,
    )


def test_create_plan_review(workspace):
    configure(
        workspace,
        {
            "gpu05": remediation("inst-training-05", mode="REMEDIATION_MODE_HOST_AWARE", reason="NVLink down"),
            "gpu07": remediation(
                "inst-training-07",
                escalation=["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"],
                reason="Xid 79 | again",
            ),
        },
    )
    plan = plan_file(workspace)
    assert_matches_expected(review_plan_file(str(plan)).text, "create.md")

    # the saved plan file itself, shown through terraform for the user, gives the same review
    from_saved = run_cli(workspace, "tfplan")
    assert from_saved.returncode == 0, from_saved.stderr
    assert normalised(from_saved.stdout) == (EXPECTED / "create.md").read_text()
    # and from Python, run from elsewhere (as the demo does)
    in_python = review_plan_file(
        str(workspace.directory / "tfplan"), workdir=str(workspace.directory), env=workspace.env
    )
    assert normalised(in_python.text) == (EXPECTED / "create.md").read_text()


def test_replace_after_drift_and_destroy_of_pending_is_a_cancel(workspace, simulator):
    remediations = {
        "gpu07": remediation(
            "inst-training-07",
            escalation=["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"],
            reason="Xid 79",
            rerun_on_failure=True,
        ),
    }
    configure(workspace, remediations)
    workspace.apply()
    simulator.set_lifecycle({}, default=(600, 600))  # the next remediation stays PENDING
    remediations["gpu09"] = remediation("inst-training-09", mode="REMEDIATION_MODE_VM_ONLY", reason="slow", wait_for="none")
    configure(workspace, remediations)
    workspace.apply()

    gpu07_id = workspace.resource("together_remediation.gpu07")["id"]
    simulator.force_state(gpu07_id, "FAILED", "VM did not come back")  # out of band
    del remediations["gpu09"]  # removed from the configuration: destroyed
    configure(workspace, remediations)

    plan = plan_file(workspace)
    assert_matches_expected(review_plan_file(str(plan)).text, "replace_after_drift.md")


def test_gate_on_a_real_plan(workspace, tmp_path):
    configure(
        workspace,
        {
            "gpu11": remediation("inst-training-11", mode="REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"),
            "gpu12": remediation("inst-training-12", mode="REMEDIATION_MODE_REBOOT_VM", reason="ECC"),
        },
    )
    plan = plan_file(workspace)
    policy = Path(__file__).resolve().parents[3] / "examples" / "ci" / "remediation-policy.toml"
    refused = run_cli(workspace, str(plan), "--policy", str(policy))
    assert refused.returncode == 1
    assert "- `allow_evict_without_replacement`: EVICT_WITHOUT_REPLACEMENT removes the node" in refused.stdout
    assert "- `require_reason`: no reason given: `together_remediation.gpu11`" in refused.stdout
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("allow_evict_without_replacement: true\nmax_remediations_per_plan: 2\n")
    passed = run_cli(workspace, str(plan), "--policy", str(lenient), "--format", "json")
    assert passed.returncode == 0, passed.stderr
    assert '"passed": true' in passed.stdout


APPROVALS = """
data "together_cluster" "training" {
  cluster_id = "cluster-training"
}

data "together_remediations" "pending" {
  cluster_id = "cluster-training"
  states     = ["PENDING_APPROVAL"]
}

locals {
  pending = { for r in data.together_remediations.pending.remediations : r.instance_id => r }
}

resource "together_remediation_review" "approve_gpu03" {
  cluster_id     = "cluster-training"
  instance_id    = "inst-training-03"
  remediation_id = local.pending["inst-training-03"].id
  decision       = "APPROVE"
  comment        = "drained by on-call"
}

resource "together_remediation_review" "reject_gpu04" {
  cluster_id     = "cluster-training"
  instance_id    = "inst-training-04"
  remediation_id = local.pending["inst-training-04"].id
  decision       = "REJECT"
  %(reject_comment)s
}

resource "together_remediation" "gpu05" {
  cluster_id  = data.together_cluster.training.id
  instance_id = data.together_cluster.training.instance_id_by_node_name["gpu-05"]
  mode        = "REMEDIATION_MODE_REBOOT_VM"
  reason      = "ECC errors"
}
"""


def test_approve_and_reject_plan_review_and_gate(workspace, simulator):
    # the demo world waits for approval on gpu-03; an alert makes gpu-04 wait too
    simulator.inject_alert(
        "cluster-training", "inst-training-04", "NVLinkDown", "PHC_SEVERITY_WARNING", {}, "REMEDIATION_MODE_HOST_AWARE"
    )
    workspace.write(APPROVALS % {"reject_comment": ""})
    plan = plan_file(workspace)
    assert_matches_expected(review_plan_file(str(plan)).text, "approve_reject.md")

    policy = Path(__file__).resolve().parents[3] / "examples" / "ci" / "remediation-policy.toml"
    refused = run_cli(workspace, str(plan), "--policy", str(policy))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[1:] == [
        "  require_rejection_comment: rejection without a comment: together_remediation_review.reject_gpu04"
    ]

    workspace.write(APPROVALS % {"reject_comment": 'comment = "gpu-04 serves a training run until Friday"'})
    passed = run_cli(workspace, str(plan_file(workspace)), "--policy", str(policy))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "### Policy: passed" in passed.stdout


def test_destroy_plan_review(workspace, simulator):
    configure(workspace, {"gpu13": remediation("inst-training-13", mode="REMEDIATION_MODE_REBOOT_VM", reason="done")})
    workspace.apply()  # SUCCEEDED at once (zero durations)
    simulator.set_lifecycle({}, default=(600, 600))  # what comes next stays PENDING
    configure(
        workspace,
        {
            "gpu13": remediation("inst-training-13", mode="REMEDIATION_MODE_REBOOT_VM", reason="done"),
            "gpu14": remediation("inst-training-14", mode="REMEDIATION_MODE_HOST_AWARE", reason="queued", wait_for="none"),
        },
    )
    workspace.apply()

    document = workspace.plan_json("-destroy")
    del document["_stdout"]
    plan = workspace.directory / "plan.json"
    plan.write_text(json.dumps(document))
    assert_matches_expected(review_plan_file(str(plan)).text, "destroy.md")


APPROVE_AS = """
data "together_remediations" "pending" {
  cluster_id = "cluster-training"
  states     = ["PENDING_APPROVAL"]
}

resource "together_remediation_review" "approve_gpu03" {
  cluster_id     = "cluster-training"
  instance_id    = "inst-training-03"
  remediation_id = one([for r in data.together_remediations.pending.remediations : r.id if r.instance_id == "inst-training-03"])
  decision       = "APPROVE"
  mode           = "REMEDIATION_MODE_REBOOT_VM"
  comment        = "reboot first"
}

resource "together_remediation" "gpu06" {
  cluster_id  = "cluster-training"
  instance_id = "inst-training-06"
  mode        = "REMEDIATION_MODE_HOST_POWER_CYCLE"
  reason      = "GPU stuck after reboot"
}
"""


def test_approve_as_another_mode_and_power_cycle_plan_review(workspace, tmp_path):
    workspace.write(APPROVE_AS)
    review = review_plan_file(str(plan_file(workspace)))
    rows = {line.rsplit("`", 2)[-2]: line for line in review.text.splitlines() if line.startswith("| ")
            and "`together_" in line}
    # the demo's gpu-03 proposes VM_ONLY for Xid 79; the approval runs a reboot, rated low
    approve = rows["together_remediation_review.approve_gpu03"]
    assert "| approve as REBOOT_VM (proposed VM_ONLY) | low (1/4) |" in approve
    assert "GPUXidError (CRITICAL): GPU 5 reported Xid 79 (fallen off the bus); Xid 79" in approve
    assert "| HOST_POWER_CYCLE | high (3/4) |" in rows["together_remediation.gpu06"]
    assert "highest disruption: **high (3/4)**" in review.text

    xid = tmp_path / "xid.toml"
    xid.write_text('allowed_approval_xid_codes = ["79"]\nrequire_human_for_xid_codes = ["48"]\n')
    passed = run_cli(workspace, str(workspace.directory / "plan.json"), "--policy", str(xid))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    xid.write_text('require_human_for_xid_codes = ["79"]\n')
    refused = run_cli(workspace, str(workspace.directory / "plan.json"), "--policy", str(xid))
    assert refused.returncode == 1
    assert "- `require_human_for_xid_codes`: Xid 79 needs a person's approval, not a plan's" in refused.stdout
