"""The provider's schema as Terraform sees it: ``terraform providers schema -json``.

The provider is installed into a throw-away directory (its own CLI config, nothing in HOME),
a workspace requires it, and Terraform asks the provider for its schema over the plugin
protocol, exactly as it does for a plan. Terraform never downloads anything here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from provider_shim import PROVIDER_ADDRESS, PROVIDER_SOURCE, PROVIDER_VERSION

REQUIRED_PROVIDERS = f"""terraform {{
  required_providers {{
    together = {{
      source  = "{PROVIDER_SOURCE}"
      version = "{PROVIDER_VERSION}"
    }}
  }}
}}
"""


class SchemaError(RuntimeError):
    """Terraform could not give the provider's schema; the message says why."""


def read_live_schema(timeout: float = 120) -> dict[str, Any]:
    """The provider's entry of ``terraform providers schema -json``: provider, resource and data source schemas."""
    terraform = shutil.which("terraform")
    if terraform is None:
        raise SchemaError("terraform is not on PATH: the docs are generated from the schema Terraform reads")
    from provider_shim.install import install

    with tempfile.TemporaryDirectory(prefix="together-docs-") as scratch:
        root = Path(scratch)
        installation = install(root / "provider")
        workspace = root / "workspace"
        workspace.mkdir()
        (workspace / "main.tf").write_text(REQUIRED_PROVIDERS)
        env = installation.terraform_env()
        _terraform(terraform, workspace, env, timeout, "init", "-input=false", "-no-color", "-backend=false")
        document = json.loads(_terraform(terraform, workspace, env, timeout, "providers", "schema", "-json"))
    schemas = document.get("provider_schemas", {})
    if PROVIDER_ADDRESS not in schemas:
        raise SchemaError(f"terraform listed no schema for {PROVIDER_ADDRESS} (it listed {sorted(schemas)})")
    return schemas[PROVIDER_ADDRESS]


def _terraform(terraform: str, cwd: Path, env: dict[str, str], timeout: float, *args: str) -> str:
    result = subprocess.run(
        [terraform, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise SchemaError(f"terraform {' '.join(args)} failed:\n{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
