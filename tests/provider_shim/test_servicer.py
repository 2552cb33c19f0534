"""The plugin protocol as Terraform reads it: capabilities, destroy plans, and the servicer's own RPCs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.provider_shim.hcl import config, remediation


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


PROVIDER_ROOT = Path(__file__).resolve().parents[2] / "provider_shim"
PROVIDER_SOURCES = sorted(PROVIDER_ROOT.rglob("*.py"))


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
    servicer = (PROVIDER_ROOT / "servicer.py").read_text()
    assert "tf.provider" not in servicer, "the servicer owns its RPCs: it does not extend tf's servicer"


def test_the_private_name_check_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tf.iface import _validate_config\nfrom tf import utils\nimport tf.provider as p\n"
        "utils._to_attribute_path([])\nself._get_res_cls('x')\n"
    )
    assert _tf_private_uses(sample) == ["from tf.iface import _validate_config", "utils._to_attribute_path", "self._get_res_cls"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROVIDER_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The provider_shim modules a module imports when it runs: at the top or inside functions.

    Imports under ``if TYPE_CHECKING:`` never run (annotations only) and are left out."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _is_type_checking_block(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return {m for m in found if m in modules}


def _import_cycles() -> list[list[str]]:
    paths = {_module_name(p): p for p in PROVIDER_SOURCES}
    graph = {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}
    cycles, state = [], {}

    def walk(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                walk(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    return cycles


def test_provider_shim_has_no_import_circle():
    assert _import_cycles() == []


@pytest.mark.parametrize("module", ["provider_shim.provider", "provider_shim.session", "provider_shim.framework.base", "provider_shim.servicer"])
def test_each_core_module_imports_first_in_a_fresh_interpreter(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=PROVIDER_ROOT.parent)
    assert result.returncode == 0, result.stderr


def test_a_schema_only_launch_answers_from_the_bytes_an_earlier_launch_stored(tmp_path):
    from tf.gen import tfplugin_pb2 as pb

    from provider_shim import schema_cache
    from provider_shim.runner import _LazyServicer

    first = _LazyServicer(str(tmp_path))
    built = first.GetProviderSchema(b"", None)
    answer = pb.GetProviderSchema.Response.FromString(built)
    assert "together_remediation" in answer.resource_schemas and "together_cluster" in answer.data_source_schemas
    assert answer.server_capabilities.plan_destroy and answer.server_capabilities.get_provider_schema_optional

    later = _LazyServicer(str(tmp_path))
    assert later.GetProviderSchema(b"", None) == built
    assert later._servicer is None, "the cached answer needs none of the provider's code"

    # Another fingerprint (an edited checkout) never sees those bytes, and replaces them.
    assert schema_cache.load(str(tmp_path), "another") is None
    schema_cache.store(str(tmp_path), "another", b"x")
    assert [p.name for p in tmp_path.glob("schema-*")] == ["schema-another.pb"]


def test_upgrade_resource_state_passes_current_json_through_and_upgrades_older_versions():
    import json

    from tf.gen import tfplugin_pb2 as pb

    from provider_shim.provider import TogetherProvider
    from provider_shim.servicer import ProviderServicer

    servicer = ProviderServicer(TogetherProvider())
    codec = servicer.resource_codecs["together_remediation_review"]
    assert codec.version >= 1
    current = json.dumps({"id": "r-1", "mode": None, "remediation_mode": "REMEDIATION_MODE_VM_ONLY"}).encode()
    answer = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="together_remediation_review", version=codec.version, raw_state=pb.RawState(json=current)), None
    )
    assert answer.upgraded_state.json == current and not answer.diagnostics, "at the current version: Terraform's own bytes"

    older = json.dumps({"id": "r-1", "mode": "REMEDIATION_MODE_VM_ONLY"}).encode()
    answer = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="together_remediation_review", version=0, raw_state=pb.RawState(json=older)), None
    )
    assert not answer.diagnostics
    assert json.loads(answer.upgraded_state.json) == {"id": "r-1", "mode": None, "remediation_mode": "REMEDIATION_MODE_VM_ONLY"}
