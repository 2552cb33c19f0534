"""The provider_shim package's imports: no private name of ``tf``, no import circle, and each core
module imports first in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The provider_shim modules a module imports: at the top, inside functions, and under
    ``if TYPE_CHECKING:`` (annotations only, but a reader follows them all the same)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
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


def test_the_import_graph_counts_type_only_and_function_level_imports():
    modules = {_module_name(p) for p in PROVIDER_SOURCES}
    assert "provider_shim.session" in _imports(PROVIDER_ROOT / "framework" / "base.py", modules)  # under TYPE_CHECKING
    assert "provider_shim.registry" in _imports(PROVIDER_ROOT / "provider.py", modules)  # inside a method


@pytest.mark.parametrize("module", ["provider_shim.provider", "provider_shim.session", "provider_shim.framework.base", "provider_shim.servicer"])
def test_each_core_module_imports_first_in_a_fresh_interpreter(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=PROVIDER_ROOT.parent)
    assert result.returncode == 0, result.stderr
