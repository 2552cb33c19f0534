"""The review resource's examples, applied as they are against the simulator's demo world."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.provider_shim.hcl import config
from tests.support.terraform_fixtures import changes_by_address
from together_api.client import TogetherClient

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"

GPU03_REVIEW = f"""
resource "together_remediation_review" "gpu03" {{
  cluster_id     = "{CLUSTER}"
  instance_id    = "inst-training-03"
  remediation_id = "{DEMO_PENDING}"
  decision       = "APPROVE"
  comment        = "Xid 79 on gpu-03"
}}
"""


def test_review_import_script_records_a_decision_made_in_the_console(simulator, terraform_workspace):
    with TogetherClient(simulator.api_key, simulator.base_url) as client:  # the console's approval
        client.approve_remediation(CLUSTER, "inst-training-03", DEMO_PENDING, "Xid 79 on gpu-03")
    ws = terraform_workspace(simulator)
    ws.write(config(GPU03_REVIEW))
    ws.init()
    subprocess.run(
        ["sh", str(EXAMPLES / "resources" / "together_remediation_review" / "import.sh")],
        cwd=ws.directory, env=ws.env, check=True, capture_output=True,
    )
    imported = ws.resource("together_remediation_review.gpu03")
    assert (imported["decision"], imported["comment"], imported["reviewed_by"]) == ("APPROVE", "Xid 79 on gpu-03", "sim-user@example.com")
    assert changes_by_address(ws.plan_json()) == {}
