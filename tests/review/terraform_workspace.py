"""A terraform working directory for the review tests: write a configuration, init, plan, apply.

Terraform runs with its own CLI config (the provider's offline mirror, written by
``provider_shim.install``) and reaches the simulator through the provider's environment
variables, so no key is ever written into a configuration.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

COMMAND_TIMEOUT = 300


def provider_environment(install_dir: Path, base_url: str, api_key: str) -> dict[str, str]:
    from provider_shim.install import install

    installation = install(install_dir)
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(installation.cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "TOGETHER_BASE_URL": base_url,
        "TOGETHER_API_KEY": api_key,
    }


class Workspace:
    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.env = env
        self._initialised = False

    def configure(self, resources: dict, data: dict | None = None) -> Workspace:
        document: dict = {
            "terraform": {"required_providers": {"together": {"source": "together-remediation/together"}}},
            "provider": {"together": {}},
            "resource": resources,
        }
        if data:
            document["data"] = data
        if not resources:
            del document["resource"]
        (self.directory / "main.tf.json").write_text(json.dumps(document, indent=2))
        return self

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        if not self._initialised and args[0] != "init":
            self.run("init", "-no-color")
        result = subprocess.run(
            ["terraform", *args], cwd=self.directory, env=self.env, capture_output=True, text=True,
            timeout=COMMAND_TIMEOUT,
        )
        if args[0] == "init" and result.returncode == 0:
            self._initialised = True
        if check and result.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def apply(self, *extra: str) -> subprocess.CompletedProcess:
        return self.run("apply", "-auto-approve", "-no-color", *extra)

    def saved_plan(self, *extra: str, name: str = "tfplan") -> Path:
        """``terraform plan -out``: the saved plan file."""
        self.run("plan", "-no-color", f"-out={name}", *extra)
        return self.directory / name

    def plan_json(self, *extra: str) -> Path:
        """A saved plan shown as JSON, as a CI job writes it."""
        plan = self.saved_plan(*extra)
        shown = self.run("show", "-json", plan.name)
        path = self.directory / "plan.json"
        path.write_text(shown.stdout)
        return path
