"""Bad input never reaches the API, through the plan review's files: malformed policies and plans
exit 2 with a message naming the file and what is wrong in it (the files' rows of the bad-input
table; the HCL rows are in ``tests/provider_shim/test_bad_input.py``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e

FILE_CASES = [
    ("policy.toml", b"max_remediations_per_plan = = 3\n", "not valid TOML"),
    ("policy.toml", b"max_remediation_per_plan = 3\n", "max_remediation_per_plan: unknown key"),
    ("policy.toml", b"max_cluster_node_share = 2.5\n", "max_cluster_node_share"),
    ("policy.yaml", b"allowed_modes: [REBOOT]\n", "allowed_modes.0"),
    ("policy.yaml", b"- just\n- a list\n", "expected a table of rules"),
    ("policy.toml", b"require_reason = \"caf\xe9\"\n", "cannot read it"),
    ("policy.json", b"{}", "unknown format"),
    ("plan.json", b"{\"format_version\": \"1.2\", \"resource_changes\": [", "not the JSON of `terraform show -json`"),
    ("plan.json", b"[1, 2, 3]", "expected a JSON object"),
    ("plan.json", b"{\"format_version\": \"1.0\", \"values\": {}}", "this is a state"),
    ("plan.json", b"{\"format_version\": \"1.2\", \"resource_changes\": \"all of them\"}", "resource_changes"),
    ("plan.json", b"{\"format_version\": \"1.2\", \"resource_changes\": [], \"note\": \"caf\xe9\"}", "not the JSON"),
    ("plan.json", b"", "not the JSON"),
]


@pytest.mark.parametrize(("name", "content", "says"), FILE_CASES, ids=[f"{n}:{c[:24]!r}" for n, c, _ in FILE_CASES])
def test_malformed_policy_and_plan_files_exit_2_naming_the_file_and_the_problem(tmp_path, name, content, says):
    good_plan = tmp_path / "good-plan.json"
    good_plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    bad = tmp_path / name
    bad.write_bytes(content)
    args = ["plan", "review", str(good_plan), "--policy", str(bad)] if name.startswith("policy") else ["plan", "review", str(bad)]
    result = subprocess.run([sys.executable, "-m", "together_remediation.cli", *args], capture_output=True, text=True)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert str(bad) in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
