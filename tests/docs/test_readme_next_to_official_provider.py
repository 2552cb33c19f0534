"""The README's configuration with the official provider plans, and routes the remediation to this one.

The official ``togethercomputer/together`` provider cannot be downloaded here (no network), so a
stand-in is installed at its address: this project's launcher, copied into the same filesystem
mirror. What the test proves does not depend on the stand-in's behaviour: Terraform resolves
both providers from distinct local names, and the plan gives ``together_remediation`` (which
says ``provider = remediation``) to ``together-remediation/together``, not to the provider whose
local name is ``together``.
"""

from __future__ import annotations

import shutil

import pytest

from provider_shim.install import EXECUTABLE, host_platform
from tests.docs.conftest import REPO_ROOT
from tests.docs.readme import fenced_blocks

OFFICIAL = "registry.terraform.io/togethercomputer/together"
STAND_IN_VERSION = "1.0.0"


def _official_provider_block() -> str:
    section = (REPO_ROOT / "README.md").read_text().split("## Next to the official `togethercomputer/together` provider", 1)[1]
    hcl = [block for block in fenced_blocks(section) if block.language == "hcl"]
    assert hcl, "the README's section on the official provider has no HCL"
    return hcl[0].text


@pytest.mark.e2e
def test_the_readme_configuration_routes_remediations_to_this_provider(terraform_install, terraform_workspace, simulator, tmp_path):
    launcher = terraform_install.mirror / "registry.terraform.io/together-remediation/together/0.1.0" / host_platform() / EXECUTABLE
    stand_in = terraform_install.mirror / OFFICIAL / STAND_IN_VERSION / host_platform() / f"terraform-provider-together_v{STAND_IN_VERSION}"
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(launcher, stand_in)
    config = tmp_path / "terraformrc"
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{terraform_install.mirror}"\n  }}\n}}\n'
    )
    try:
        workspace = terraform_workspace(simulator, env={"TF_CLI_CONFIG_FILE": str(config)})
        workspace.write(_official_provider_block())
        init = workspace.init()
        assert "togethercomputer/together" in init.stdout and "together-remediation/together" in init.stdout
        plan = workspace.plan_json("-var", "cluster_id=cluster-training")
        (change,) = [c for c in plan["resource_changes"] if c["type"] == "together_remediation"]
        assert change["provider_name"] == "registry.terraform.io/together-remediation/together"
        assert change["change"]["actions"] == ["create"]
        assert change["change"]["after"]["instance_id"] == "inst-training-05"
    finally:
        shutil.rmtree(terraform_install.mirror / "registry.terraform.io/togethercomputer", ignore_errors=True)
