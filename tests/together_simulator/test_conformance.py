"""Conformance: schemathesis against the published OpenAPI, with the simulator as target.

The schema is the remediation service's OpenAPI, amended by the newer "Remediation create" page
(four modes, ``instance_name``, ``linked_alerts``) and by the deliberate deviations listed in
docs/simulator.md: ``remediation_id`` is a UUID, ``orderBy`` one of the supported orders, and links from a create to the calls on the
remediation it made, so the stateful phase works on real remediations.

Two runs: one with generated identifiers (mostly unknown ones: error paths), one with the
seeded demo's identifiers fixed (the success paths). Every check is on, except
``allow_header_conformance``: the spec names one URL twice (``{instance_id}`` for the create,
``{optional_instance_id}`` for the list), so no ``Allow`` header can match either alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from together_simulator.seed import DEMO_REMEDIATION_ID

# The copy vendored in the repository, else shared/reference beside it.
REFERENCE = next(
    (path for path in (Path(__file__).resolve().parents[2] / "docs" / "reference",
                       Path(__file__).resolve().parents[3] / "shared" / "reference")
     if (path / "clusters-remediation-openapi.yaml").exists()),
    Path("docs/reference"),
)
OLD_SPEC = REFERENCE / "clusters-remediation-openapi.yaml"
NEW_PAGE = REFERENCE / "remediation-create.md"
REMEDIATION = "/compute/clusters/{cluster_id}/instances/{instance_id}/remediations/{remediation_id}"


def newer_remediation_schemas() -> dict:
    text = NEW_PAGE.read_text()
    block = text.split("````yaml", 1)[1].split("````", 1)[0].split("\n", 1)[1]
    return yaml.safe_load(block)["components"]["schemas"]


def conformance_schema() -> dict:
    spec = yaml.safe_load(OLD_SPEC.read_text())
    schemas = spec["components"]["schemas"]
    newer = newer_remediation_schemas()
    remediation = newer["Remediation"]["properties"]
    schemas["v1RemediationMode"]["enum"] = remediation["mode"]["enum"]
    schemas["v1Remediation"]["properties"]["instance_name"] = remediation["instance_name"]
    schemas["v1Remediation"]["properties"]["linked_alerts"] = remediation["linked_alerts"]
    schemas["PassiveHealthCheckAlert"] = newer["PassiveHealthCheckAlert"]

    create = spec["paths"]["/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"]["post"]
    for parameter in create["parameters"]:
        if parameter["name"] == "remediation_id":
            parameter["schema"]["format"] = "uuid"
    listing = spec["paths"]["/compute/clusters/{cluster_id}/instances/{optional_instance_id}/remediations"]["get"]
    for parameter in listing["parameters"]:
        if parameter["name"] == "orderBy":
            parameter["schema"]["enum"] = ["", "create_time", "create_time desc", "update_time", "update_time desc"]
    ids = {
        "cluster_id": "$request.path.cluster_id",
        "instance_id": "$request.path.instance_id",
        "remediation_id": "$response.body#/id",
    }
    create["responses"]["200"]["links"] = {
        name: {"operationRef": "#/paths/" + (REMEDIATION + suffix).replace("/", "~1") + f"/{method}",
               "parameters": ids}
        for name, suffix, method in (
            ("GetRemediation", "", "get"),
            ("ApproveRemediation", "/approve", "post"),
            ("RejectRemediation", "/reject", "post"),
            ("CancelRemediation", "/cancel", "post"),
        )
    }
    return spec


CONFIG = """
# Approve, reject and cancel depend on the remediation's state: FAILED_PRECONDITION is HTTP 400.
[[operations]]
include-path-regex = "/(approve|reject|cancel)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]

# A pageToken is opaque: only one the server made is valid, and a negative pageSize is refused
# (AIP-158). Both answer INVALID_ARGUMENT, HTTP 400, which the spec cannot express.
[[operations]]
include-method = "GET"
include-path = "/compute/clusters/{cluster_id}/instances/{optional_instance_id}/remediations"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]
"""

FIXED_IDS = f"""
[parameters]
"path.cluster_id" = "cluster-training"
"path.instance_id" = "inst-training-03"
"path.optional_instance_id" = "-"
"path.remediation_id" = "{DEMO_REMEDIATION_ID}"
"""


def run_schemathesis(tmp_path: Path, simulator, config: str, name: str) -> subprocess.CompletedProcess:
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(conformance_schema()))
    config_path = tmp_path / f"{name}.toml"
    config_path.write_text(config)
    return subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_path), "--no-color",
            "run", str(schema_path), "--url", simulator.base_url,
            "--header", f"Authorization: Bearer {simulator.api_key}",
            "--checks", "all", "--exclude-checks", "allow_header_conformance", "--max-examples", "25", "--seed", "20261130", "--workers", "1",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )


def test_conformance_with_generated_identifiers(tmp_path, simulator):
    result = run_schemathesis(tmp_path, simulator, CONFIG, "generated")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or " passed" in result.stdout


def test_conformance_with_the_seeded_identifiers(tmp_path, simulator):
    result = run_schemathesis(tmp_path, simulator, CONFIG + FIXED_IDS, "seeded")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # The run reached the real remediations, not only error paths.
    stats = simulator.stats()
    routes = stats["requests_by_route"]
    assert routes.get("POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations", 0) > 0
    assert stats["remediations_total"] > 1
