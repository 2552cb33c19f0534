"""Small HCL builders for the provider's end-to-end tests."""

from __future__ import annotations

import json

from tests.support.terraform_fixtures import REQUIRED_PROVIDERS


def value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return json.dumps(v)


def remediation(name: str, *, cluster_id: str = "cluster-training", instance_id: str, mode: str | None = "REMEDIATION_MODE_REBOOT_VM", timeouts: dict | None = None, **arguments) -> str:
    lines = [f'resource "together_remediation" "{name}" {{', f"  cluster_id  = {value(cluster_id)}", f"  instance_id = {value(instance_id)}"]
    if mode is not None:
        lines.append(f"  mode        = {value(mode)}")
    for key, v in arguments.items():
        lines.append(f"  {key} = {value(v)}")
    if timeouts:
        lines.append("  timeouts {")
        lines += [f"    {k} = {value(v)}" for k, v in timeouts.items()]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def config(*resources: str, provider: str = 'provider "together" {}\n') -> str:
    return REQUIRED_PROVIDERS + provider + "".join(resources)
