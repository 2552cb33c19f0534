"""The README's table of common errors quotes what users really see.

Each row of the troubleshooting table is provoked here through the real ``terraform`` and the
simulator, and every message the row quotes (its code spans) must appear in Terraform's output.
A row with no scenario here fails the test, so the table cannot drift from the provider.
"""

from __future__ import annotations

import re

import pytest

from tests.docs.conftest import REPO_ROOT
from tests.support.terraform_fixtures import REQUIRED_PROVIDERS

RESOURCE = """
provider "together" {{}}

resource "together_remediation" "r" {{
  cluster_id  = "cluster-training"
  instance_id = "{instance}"
  mode        = "{mode}"
{extra}}}
"""


def _error_rows() -> dict[str, list[str]]:
    """First quoted message of each row → every message the row's error cell quotes."""
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("Common errors and what they mean:", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in table.splitlines()[2:]:
        error_cell = line.split(" | ")[0].lstrip("| ")
        quoted = re.findall(r"`([^`]+)`", error_cell)
        rows[quoted[0]] = quoted
    return rows


def _flat(text: str) -> str:
    """Terraform wraps diagnostics at ~78 columns; compare with whitespace collapsed."""
    return " ".join(text.split())


def _workspace(terraform_workspace, simulator, instance="inst-training-10", mode="REMEDIATION_MODE_REBOOT_VM", extra="", **kwargs):
    workspace = terraform_workspace(simulator, **kwargs)
    workspace.write(REQUIRED_PROVIDERS + RESOURCE.format(instance=instance, mode=mode, extra=extra))
    return workspace


def _provider_not_installed(terraform_workspace, simulator, tmp_path):
    empty_config = tmp_path / "empty.tfrc"
    empty_config.write_text("")
    workspace = _workspace(terraform_workspace, simulator, env={"TF_CLI_CONFIG_FILE": str(empty_config)})
    return workspace.init(check=False).output


def _missing_key(terraform_workspace, simulator, tmp_path):
    workspace = _workspace(terraform_workspace, simulator, api_key="")
    workspace.init()
    return workspace.plan(check=False).output


def _plain_http(terraform_workspace, simulator, tmp_path):
    workspace = _workspace(terraform_workspace, simulator, base_url="http://api.example.com/v1")
    workspace.init()
    return workspace.plan(check=False).output


def _unsupported_mode(terraform_workspace, simulator, tmp_path):
    workspace = _workspace(terraform_workspace, simulator, mode="REBOOT")
    workspace.init()
    return workspace.plan(check=False).output


def _active_remediation(terraform_workspace, simulator, tmp_path):
    workspace = _workspace(terraform_workspace, simulator, instance="inst-training-03")  # an automated one waits there
    workspace.init()
    return workspace.apply(check=False).output


def _remediation_failed(terraform_workspace, simulator, tmp_path):
    simulator.set_failures([{"instance_id": "inst-training-11", "error_message": "reboot did not clear Xid 79"}])
    workspace = _workspace(terraform_workspace, simulator, instance="inst-training-11")
    workspace.init()
    output = workspace.apply(check=False).output
    assert "reboot did not clear Xid 79" in _flat(output)  # the API's error_message follows
    return output


def _timed_out(terraform_workspace, simulator, tmp_path):
    simulator.set_lifecycle({}, default=(0.0, 120.0))
    workspace = _workspace(terraform_workspace, simulator, instance="inst-training-12", extra='  timeouts {\n    create = "2s"\n  }\n')
    workspace.init()
    return workspace.apply(check=False).output


def _wrong_key(terraform_workspace, simulator, tmp_path):
    workspace = _workspace(terraform_workspace, simulator, api_key="not-the-key")
    workspace.init()
    return workspace.apply(check=False).output


SCENARIOS = {
    "Failed to query available provider packages": _provider_not_installed,
    "Missing API key": _missing_key,
    "Invalid base_url": _plain_http,
    "Unsupported value for mode": _unsupported_mode,
    "already has an active remediation": _active_remediation,
    "Remediation ... failed": _remediation_failed,
    "Timed out creating remediation": _timed_out,
    "invalid API key (UNAUTHENTICATED, HTTP 401)": _wrong_key,
}


def test_every_error_row_of_the_readme_has_a_scenario_here():
    assert set(_error_rows()) == set(SCENARIOS)


@pytest.mark.e2e
@pytest.mark.parametrize("row", sorted(SCENARIOS))
def test_the_readme_quotes_the_error_terraform_prints(row, terraform_workspace, simulator, tmp_path):
    output = _flat(SCENARIOS[row](terraform_workspace, simulator, tmp_path))
    for quoted in _error_rows()[row]:
        for part in quoted.split(" ... "):  # "..." stands for the ids and values in between
            assert _flat(part) in output, f"README quotes {part!r} for {row!r}; terraform printed:\n{output}"
