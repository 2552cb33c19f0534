"""The data source examples, applied as they are against the simulator's demo world."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"


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
