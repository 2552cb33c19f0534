"""The CI and team-state examples stay in step with the code: the app synthesizes a pg backend
that keeps secrets out of the files, and the workflow points at what exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "examples" / "team-state"
WORKFLOW = ROOT / "examples" / "ci" / "remediations.yml"


def _synthesize(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PG_CONN_STR", "TOGETHER_API_KEY")}
    env["PG_CONN_STR"] = "postgres://terraform:s3cret-password@db.internal/state"
    env["TOGETHER_API_KEY"] = "key-that-must-not-leak"
    subprocess.run([sys.executable, str(APP / "main.py")], cwd=tmp_path, env=env, check=True, timeout=120)
    return json.loads((tmp_path / "cdktf.out" / "stacks" / "fleet-repairs" / "cdk.tf.json").read_text())


def test_team_state_app_uses_the_pg_backend_without_writing_secrets(tmp_path):
    document = _synthesize(tmp_path)
    assert document["terraform"]["backend"] == {"pg": {"conn_str": "", "schema_name": "together_remediations"}}
    text = json.dumps(document)
    assert "s3cret-password" not in text and "key-that-must-not-leak" not in text
    assert set(document["resource"]["together_remediation"]) == {"reboot-gpu-05", "repair-gpu-09"}
    assert "together_cluster" in document["data"]  # node names and counts for the review


def test_workflow_plans_reviews_gates_and_applies_the_example_app():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    env = workflow["env"]
    assert (ROOT / env["APP_DIR"] / "main.py").is_file()
    assert (ROOT / "examples" / "ci" / "remediation-policy.toml").is_file()
    assert env["POLICY"].endswith("examples/ci/remediation-policy.toml")
    assert f'"{env["STACK"]}"' in (APP / "main.py").read_text()

    plan_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["plan"]["steps"])
    apply_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["apply"]["steps"])
    for command in ("python main.py", "terraform plan", "together-remediation plan review", "--policy"):
        assert command in plan_steps and command in apply_steps
    assert "gh pr comment" in plan_steps and "terraform apply" not in plan_steps
    assert "terraform apply -lock-timeout=10m tfplan" in apply_steps
    assert workflow["jobs"]["apply"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def test_team_state_app_validates_against_the_provider_schema(tmp_path, terraform_workspace):
    _synthesize(tmp_path)
    stack = tmp_path / "cdktf.out" / "stacks" / "fleet-repairs"
    env = terraform_workspace().env
    for command in (["init", "-backend=false", "-no-color"], ["validate", "-no-color"]):
        result = subprocess.run(["terraform", *command], cwd=stack, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
