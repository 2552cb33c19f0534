"""The review and data source examples, applied as they are against the simulator's demo world."""

from __future__ import annotations

import shutil
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


def _outputs(ws) -> dict:
    return {name: output["value"] for name, output in ws.show_json()["values"]["outputs"].items()}


def test_data_source_examples_read_the_demo_world(simulator, terraform_workspace):
    simulator.set_failures([{"instance_id": "inst-training-07", "mode": "REMEDIATION_MODE_REBOOT_VM", "error_message": "still Xid 79"}])
    results = {}
    for name in ("together_remediations", "together_remediation", "together_cluster"):
        ws = terraform_workspace(simulator)
        shutil.copy(EXAMPLES / "data-sources" / name / "data-source.tf", ws.directory / "main.tf")
        ws.init()
        ws.apply()
        results[name] = _outputs(ws)

    assert results["together_remediations"] == {
        "waiting_for_approval": {DEMO_PENDING: "gpu-03: REMEDIATION_MODE_VM_ONLY (GPUXidError)"},
        "ids": [DEMO_PENDING],
    }
    assert results["together_remediation"]["gpu03"]["state"] == "PENDING_APPROVAL"
    assert results["together_remediation"]["gpu03"]["alerts"] == ["GPUXidError (PHC_SEVERITY_CRITICAL)"]
    assert results["together_cluster"]["nodes_with_a_remediation"] == {"gpu-03": "REMEDIATION_MODE_VM_ONLY: PENDING_APPROVAL"}
    assert results["together_cluster"]["gpu07_attempts"] == ["REMEDIATION_MODE_REBOOT_VM: FAILED", "REMEDIATION_MODE_VM_ONLY: SUCCEEDED"]


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
