"""pytest fixtures to drive the real ``terraform`` binary against the installed provider.

``terraform_install`` (session): the provider installed once per test session into a temp
directory, with a CLI config of its own (the machine's TF_CLI_CONFIG_FILE is never used).

``terraform_workspace`` (factory): ``terraform_workspace(simulator)`` gives a ``Workspace``
in a fresh directory whose commands run with ``Installation.terraform_env``: ``TF_CLI_CONFIG_FILE``,
``TF_IN_AUTOMATION``, ``CHECKPOINT_DISABLE``, ``TOGETHER_BASE_URL``, ``TOGETHER_API_KEY``.

    ws = terraform_workspace(simulator)
    ws.write(REQUIRED_PROVIDERS + 'resource "together_remediation" "a" { ... }')
    ws.init()
    ws.apply()
    state = ws.resource("together_remediation.a")      # values from `terraform show -json`
    plan = ws.plan_json()                               # `terraform show -json` of a saved plan

A failing command raises ``TerraformError`` carrying terraform's stderr (and stdout).
``ws.start(...)`` runs a command in the background (for SIGINT and kill tests).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REQUIRED_PROVIDERS = """terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}
"""

DEFAULT_TIMEOUT = 300


class TerraformError(AssertionError):
    def __init__(self, args: list[str], result: TerraformResult):
        self.result = result
        super().__init__(
            f"terraform {' '.join(args)} exited {result.returncode}\n--- stderr ---\n{result.stderr}\n--- stdout ---\n{result.stdout}"
        )


@dataclass
class TerraformResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


class Workspace:
    """A terraform working directory and the environment its commands run with."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.directory = directory
        self.env = env

    # ---- configuration ------------------------------------------------------------------

    def write(self, hcl: str, name: str = "main.tf") -> Path:
        path = self.directory / name
        path.write_text(hcl)
        return path

    def write_json(self, document: Any, name: str = "main.tf.json") -> Path:
        path = self.directory / name
        path.write_text(json.dumps(document, indent=2))
        return path

    def remove(self, name: str) -> None:
        (self.directory / name).unlink(missing_ok=True)

    # ---- commands -----------------------------------------------------------------------

    def run(self, *args: str, check: bool = True, timeout: float = DEFAULT_TIMEOUT, env: dict[str, str] | None = None) -> TerraformResult:
        command = ["terraform", *args]
        completed = subprocess.run(
            command,
            cwd=self.directory,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        result = TerraformResult(completed.returncode, completed.stdout, completed.stderr)
        if check and result.returncode != 0:
            raise TerraformError(list(args), result)
        return result

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Run terraform in the background, in its own process group (so a test can signal it)."""
        return subprocess.Popen(
            ["terraform", *args],
            cwd=self.directory,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )

    def init(self, *args: str, **kwargs: Any) -> TerraformResult:
        return self.run("init", "-input=false", "-no-color", *args, **kwargs)

    def plan(self, *args: str, **kwargs: Any) -> TerraformResult:
        return self.run("plan", "-input=false", "-no-color", *args, **kwargs)

    def apply(self, *args: str, **kwargs: Any) -> TerraformResult:
        return self.run("apply", "-input=false", "-no-color", "-auto-approve", *args, **kwargs)

    def destroy(self, *args: str, **kwargs: Any) -> TerraformResult:
        return self.run("destroy", "-input=false", "-no-color", "-auto-approve", *args, **kwargs)

    def import_(self, address: str, import_id: str, **kwargs: Any) -> TerraformResult:
        return self.run("import", "-input=false", "-no-color", address, import_id, **kwargs)

    def show_json(self, *args: str) -> dict[str, Any]:
        return self.run("show", "-json", "-no-color", *args).json()

    def plan_json(self, *args: str, **kwargs: Any) -> dict[str, Any]:
        """Plan into a file and return `terraform show -json` of it (with ``"_stdout"``)."""
        result = self.run("plan", "-input=false", "-no-color", "-out=tfplan", *args, **kwargs)
        document = self.show_json("tfplan")
        document["_stdout"] = result.stdout
        return document

    # ---- state --------------------------------------------------------------------------

    def resources(self) -> dict[str, dict[str, Any]]:
        """``address → {"values": ..., "tainted": bool}`` of the state's root module."""
        state = self.show_json()
        found = {}
        for resource in ((state.get("values") or {}).get("root_module") or {}).get("resources", []):
            found[resource["address"]] = {"values": resource["values"], "tainted": resource.get("tainted", False)}
        return found

    def resource(self, address: str) -> dict[str, Any]:
        resources = self.resources()
        assert address in resources, f"{address} is not in state; state has {sorted(resources)}"
        return resources[address]["values"]

    def state_file(self) -> str:
        path = self.directory / "terraform.tfstate"
        return path.read_text() if path.exists() else ""


def error_diagnostics(json_output: str) -> list[dict[str, Any]]:
    """The error diagnostics of a ``terraform ... -json`` run's machine-readable output."""
    found = []
    for line in json_output.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        diagnostic = message.get("diagnostic") or {}
        if message.get("type") == "diagnostic" and diagnostic.get("severity") == "error":
            found.append(diagnostic)
    return found


def changes_by_address(plan: dict[str, Any]) -> dict[str, list[str]]:
    """``address → actions`` of a `show -json` plan, for resources that change."""
    return {
        change["address"]: change["change"]["actions"]
        for change in plan.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    }


@pytest.fixture(scope="session")
def terraform_install(tmp_path_factory: pytest.TempPathFactory):
    """The provider installed once for the whole test session."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    from provider_shim.install import install

    return install(tmp_path_factory.mktemp("terraform-provider"))


@pytest.fixture
def terraform_workspace(tmp_path: Path, terraform_install) -> Iterator[Callable[..., Workspace]]:
    """Factory of workspaces; pass a simulator (or ``base_url=``/``api_key=``) for the API."""
    count = 0

    def make(simulator: Any = None, *, base_url: str | None = None, api_key: str | None = None, env: dict[str, str] | None = None) -> Workspace:
        nonlocal count
        count += 1
        directory = tmp_path / f"workspace-{count}"
        directory.mkdir()
        if simulator is not None:
            base_url = simulator.base_url if base_url is None else base_url
            api_key = simulator.api_key if api_key is None else api_key
        environment = terraform_install.terraform_env(base_url, api_key, env)
        return Workspace(directory, environment)

    yield make
