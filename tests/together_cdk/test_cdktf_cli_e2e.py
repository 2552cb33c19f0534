"""The root cdktf.json, run by the CDKTF CLI (npm cdktf-cli 0.21.0): `cdktf synth` and `cdktf deploy`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CDKTF_CLI = ROOT / ".tools" / "node_modules" / ".bin" / "cdktf"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the root cdktf.json runs, so the CLI's output stays out of the checkout."""
    if not CDKTF_CLI.exists():
        pytest.skip("the CDKTF CLI is not installed: make cdktf-cli")
    project = tmp_path / "project"
    (project / "examples" / "quickstart").mkdir(parents=True)
    shutil.copy(ROOT / "cdktf.json", project / "cdktf.json")
    shutil.copy(ROOT / "examples" / "quickstart" / "main.py", project / "examples" / "quickstart" / "main.py")
    (project / ".venv").symlink_to(sys.prefix)  # the app runs .venv/bin/python: the test's environment
    return project


@pytest.mark.parametrize("cdk", ["cdktf", "cdktn"])
def test_cdktf_synth_and_deploy_the_quickstart(project, simulator, terraform_install, tmp_path, cdk):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("TF_", "TOGETHER_", "CDKTF_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(terraform_install.cli_config),
        TOGETHER_BASE_URL=simulator.base_url,
        TOGETHER_API_KEY=simulator.api_key,
        TOGETHER_CDK=cdk,
        CHECKPOINT_DISABLE="1",  # no HashiCorp checkpoint calls
        DISABLE_VERSION_CHECK="true",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV="1",
        CDKTF_HOME=str(tmp_path / "cdktf-home"),  # the CLI's own settings stay out of HOME
        CI="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )

    def cdktf(*args: str) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run([str(CDKTF_CLI), *args], cwd=project, env=env, capture_output=True, text=True,
                                   timeout=300, stdin=subprocess.DEVNULL)
        assert completed.returncode == 0, f"cdktf {' '.join(args)}\n{completed.stdout}\n{completed.stderr}"
        return completed

    cdktf("synth")
    document = json.loads((project / "cdktf.out" / "stacks" / "quickstart" / "cdk.tf.json").read_text())
    assert document["resource"]["together_remediation"]["reboot"]["mode"] == "REMEDIATION_MODE_REBOOT_VM"
    assert document["provider"]["together"] == [{"base_url": simulator.base_url}]
    assert simulator.api_key not in json.dumps(document)

    # The provider lock step would ask the registry; the provider comes from the local mirror.
    deployed = cdktf("deploy", "--auto-approve", "--skip-provider-lock")
    assert "Apply complete! Resources: 2 added" in deployed.stdout
    state = json.loads((project / "terraform.quickstart.tfstate").read_text())
    by_address = {f"{resource['type']}.{resource['name']}": resource["instances"][0]["attributes"]
                  for resource in state["resources"]}
    assert by_address["together_remediation.reboot"]["state"] == "SUCCEEDED"
    assert by_address["together_remediation_review.approve-xid"]["state"] == "SUCCEEDED"
    assert state["outputs"]["reboot_state"]["value"] == "SUCCEEDED"
    assert simulator.api_key not in json.dumps(state)
