"""The plugin protocol as Terraform reads it: capabilities, destroy plans, and the servicer's own RPCs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.provider.hcl import config, remediation


@pytest.mark.e2e
def test_a_destroy_plan_reaches_the_resource_and_warns_about_active_remediations(simulator, terraform_workspace):
    # Terraform plans a destroy itself unless GetProviderSchema announces plan_destroy; then
    # the resource's destroy planning runs and its warnings show in `terraform plan -destroy`.
    simulator.set_lifecycle({}, default=(600, 600))  # what starts now stays PENDING
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("pending", instance_id="inst-training-06", wait_for="none")))
    ws.init()
    ws.apply()
    pending = ws.resource("together_remediation.pending")
    assert pending["state"] == "PENDING"

    simulator.set_lifecycle({}, default=(0, 600))  # what starts now runs for ten minutes
    ws.write(
        config(
            remediation("pending", instance_id="inst-training-06", wait_for="none"),
            remediation("running", instance_id="inst-training-07", wait_for="running"),
        )
    )
    ws.apply()
    running = ws.resource("together_remediation.running")
    assert running["state"] == "RUNNING"

    plan = ws.plan("-destroy", "-no-color")
    output = plan.stdout + plan.stderr
    assert f"Destroying cancels remediation {pending['id']} (PENDING)" in output
    assert f"Remediation {running['id']} is RUNNING and cannot be cancelled: destroy waits for it to end" in output
    assert "2 to destroy" in output


PROVIDER_SOURCES = sorted((Path(__file__).resolve().parents[2] / "provider_shim").rglob("*.py"))


def _tf_private_uses(path: Path) -> list[str]:
    """Every private name of the ``tf`` package a module imports or reaches for."""
    tree = ast.parse(path.read_text(), str(path))
    found, tf_names = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tf":
            for alias in node.names:
                tf_names.add(alias.asname or alias.name)
                if alias.name.startswith("_") or any(p.startswith("_") for p in node.module.split(".")):
                    found.append(f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tf":
                    tf_names.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in tf_names:
                found.append(f"{node.value.id}.{node.attr}")
            elif node.attr.startswith(("_get_", "_load_")):  # tf's servicer's private helpers, inherited
                found.append(ast.unparse(node))
    return found


def test_the_provider_uses_no_private_name_of_tf():
    uses = {str(p.relative_to(p.parents[1])): _tf_private_uses(p) for p in PROVIDER_SOURCES}
    assert {path: names for path, names in uses.items() if names} == {}
    servicer = (Path(__file__).resolve().parents[2] / "provider_shim" / "servicer.py").read_text()
    assert "tf.provider" not in servicer, "the servicer owns its RPCs: it does not extend tf's servicer"


def test_the_private_name_check_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tf.iface import _validate_config\nfrom tf import utils\nimport tf.provider as p\n"
        "utils._to_attribute_path([])\nself._get_res_cls('x')\n"
    )
    assert _tf_private_uses(sample) == ["from tf.iface import _validate_config", "utils._to_attribute_path", "self._get_res_cls"]
