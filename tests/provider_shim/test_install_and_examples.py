"""Install with no registry, and the plain-HCL examples applied against the simulator."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from provider_shim import PROVIDER_ADDRESS, PROVIDER_VERSION
from provider_shim.install import EXECUTABLE, LAUNCHER, install
from tests.support.terraform_fixtures import changes_by_address

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _lock_hashes(workspace) -> list[str]:
    return re.findall(r'"(h1:[^"]+)"', (workspace.directory / ".terraform.lock.hcl").read_text())


def test_cli_install_writes_mirror_and_config_and_prints_the_export_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "provider", "install", "--dir", str(tmp_path / "tf")],
        capture_output=True, text=True, check=True,
    )
    config = tmp_path / "tf" / "terraformrc"
    assert f"export TF_CLI_CONFIG_FILE={config}" in result.stdout.splitlines()
    text = config.read_text()
    assert "disable_checkpoint = true" in text
    assert re.search(r"filesystem_mirror \{\s+path\s+= \"" + re.escape(str(tmp_path / "tf" / "mirror")), text)
    assert re.search(r'direct \{\s+exclude = \["registry.terraform.io/together-remediation/together"\]', text)
    key = tmp_path / "tf" / "runtime" / "provider-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_lock_file_does_not_depend_on_the_checkout_or_the_python(tmp_path, terraform_install, terraform_workspace):
    other = install(tmp_path / "elsewhere", python=shutil.which("python3"))
    for installation in (terraform_install, other):
        for os_arch in installation.platforms:
            assert (installation.mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / os_arch / EXECUTABLE).read_text() == LAUNCHER

    first = terraform_workspace()
    second = terraform_workspace(env={"TF_CLI_CONFIG_FILE": str(other.cli_config)})
    for workspace in (first, second):
        workspace.write('terraform {\n  required_providers {\n    together = { source = "together-remediation/together" }\n  }\n}\n')
        workspace.init()
    assert _lock_hashes(first) == _lock_hashes(second) != []


@pytest.mark.e2e
def test_resource_example_remediates_the_declared_nodes_and_imports(simulator, terraform_workspace):
    # The reboot of gpu-07 fails, so the escalation ladder moves on to a VM replacement.
    simulator.set_failures([{"instance_id": "inst-training-07", "mode": "REMEDIATION_MODE_REBOOT_VM", "error_message": "still Xid 48"}])
    ws = terraform_workspace(simulator)
    shutil.copy(EXAMPLES / "resources" / "together_remediation" / "resource.tf", ws.directory / "main.tf")
    ws.init()
    ws.apply()

    outputs = ws.show_json()["values"]["outputs"]
    assert outputs["reboot_states"]["value"] == {"inst-training-05": "SUCCEEDED", "inst-training-06": "SUCCEEDED"}
    assert outputs["escalation_attempts"]["value"] == ["REMEDIATION_MODE_REBOOT_VM: FAILED", "REMEDIATION_MODE_VM_ONLY: SUCCEEDED"]
    assert changes_by_address(ws.plan_json()) == {}

    # import.sh: forget one node's remediation, import it back by CLUSTER/INSTANCE/REMEDIATION.
    address = 'together_remediation.reboot["inst-training-05"]'
    remediation_id = ws.resource(address)["id"]
    ws.run("state", "rm", address)
    subprocess.run(
        ["sh", str(EXAMPLES / "resources" / "together_remediation" / "import.sh")],
        cwd=ws.directory, env={**ws.env, "REMEDIATION_ID": remediation_id}, check=True, capture_output=True,
    )
    assert ws.resource(address)["id"] == remediation_id
    # An import cannot know the provider-side settings; the only difference the plan shows is
    # the example's rerun_on_failure, recorded in place without an API call.
    plan = ws.plan_json()
    assert changes_by_address(plan) == {address: ["update"]}
    [change] = [c["change"] for c in plan["resource_changes"] if c["address"] == address]
    assert {k for k in change["after"] if change["before"].get(k) != change["after"][k]} == {"rerun_on_failure"}
    ws.apply()
    assert ws.resource(address)["id"] == remediation_id
    assert changes_by_address(ws.plan_json()) == {}


@pytest.mark.e2e
def test_provider_example_is_valid_and_configures(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    shutil.copy(EXAMPLES / "provider" / "provider.tf", ws.directory / "main.tf")
    ws.init()
    ws.run("validate", "-no-color")
    assert "No changes" in ws.plan().stdout
