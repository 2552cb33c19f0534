"""The constructs mirror the provider's schema (`terraform providers schema -json`), and what they
synthesize passes `terraform validate` against the installed provider."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.terraform_fixtures import REQUIRED_PROVIDERS, Workspace

pytestmark = pytest.mark.e2e

UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"


@pytest.fixture(scope="module")
def provider_schema(tmp_path_factory, terraform_install):
    directory = tmp_path_factory.mktemp("schema")
    workspace = Workspace(directory, {"TF_CLI_CONFIG_FILE": str(terraform_install.cli_config), "CHECKPOINT_DISABLE": "1",
                                      "TF_IN_AUTOMATION": "1", "PATH": os.environ["PATH"]})
    workspace.write(REQUIRED_PROVIDERS)
    workspace.init()
    (schema,) = workspace.run("providers", "schema", "-json").json()["provider_schemas"].values()
    return schema


def _arguments(block):
    return {name for name, attribute in block.get("attributes", {}).items()
            if attribute.get("required") or attribute.get("optional")} | set(block.get("block_types", {}))


def _computed(block):
    return {name for name, attribute in block.get("attributes", {}).items() if attribute.get("computed")}


def _object_fields(block, name):
    kind, element = block["attributes"][name]["type"]
    assert kind in ("list", "set"), name
    assert element[0] == "object", name
    return set(element[1])


def _object_type_fields(kind, name):
    """The fields of an object type, or of the objects of a list of them."""
    if kind[0] in ("list", "set"):
        kind = kind[1]
    assert kind[0] == "object", name
    return kind[1]


def _getters(cls):
    return {name for name in dir(cls) if isinstance(getattr(cls, name, None), property)}


def test_every_argument_and_computed_attribute_has_a_typed_counterpart(tc, provider_schema):
    assert set(tc.TogetherProvider._attribute_kinds) == _arguments(provider_schema["provider"]["block"])
    constructs = {
        ("resource_schemas", "together_remediation"): tc.Remediation,
        ("resource_schemas", "together_remediation_review"): tc.RemediationReview,
        ("data_source_schemas", "together_remediations"): tc.DataTogetherRemediations,
        ("data_source_schemas", "together_remediation"): tc.DataTogetherRemediation,
        ("data_source_schemas", "together_cluster"): tc.DataTogetherCluster,
    }
    assert {name for kind, name in constructs if kind == "resource_schemas"} == set(provider_schema["resource_schemas"])
    assert {name for kind, name in constructs if kind == "data_source_schemas"} == set(provider_schema["data_source_schemas"])
    for (kind, name), cls in constructs.items():
        block = provider_schema[kind][name]["block"]
        assert set(cls._attribute_kinds) == _arguments(block), name
        getters = _getters(cls)
        inputs_only = set(cls._attribute_kinds) - {"remediation_id"}
        missing = _computed(block) - getters - inputs_only
        assert not missing, f"{name}: no token getter for {sorted(missing)}"
    remediation = provider_schema["resource_schemas"]["together_remediation"]["block"]
    assert _object_fields(remediation, "linked_alerts") == _getters(tc.AlertReference) - {"resolvable"}
    assert _object_fields(remediation, "attempts") == _getters(tc.AttemptReference) - {"resolvable"}
    alert_fields = remediation["attributes"]["linked_alerts"]["type"][1][1]
    annotation = _object_type_fields(alert_fields["annotation"], "annotation")
    assert set(annotation) == _getters(tc.AlertAnnotationReference) - {"resolvable"}
    assert set(_object_type_fields(annotation["xid_events"], "xid_events")) == _getters(tc.XidEventReference) - {"resolvable"}
    listing = provider_schema["data_source_schemas"]["together_remediations"]["block"]
    assert _object_fields(listing, "remediations") == _getters(tc.RemediationItemReference) - {"resolvable"}
    cluster = provider_schema["data_source_schemas"]["together_cluster"]["block"]
    assert _object_fields(cluster, "gpu_worker_nodes") == _getters(tc.GpuWorkerNodeReference) - {"resolvable"}


def test_a_full_synth_with_every_argument_validates(tc, stack, full_synth, terraform_install):
    tc.TogetherProvider(stack, "together", base_url="http://127.0.0.1:8787/v1", request_timeout="10s", max_retries=2,
                        poll_interval="1s", max_in_flight_per_cluster=4)
    cluster = tc.DataTogetherCluster(stack, "cluster", cluster_id="cluster-training")
    first = tc.Remediation(stack, "first", cluster_id="cluster-training", instance_id=cluster.instance_id_of("gpu-01"),
                           mode=tc.RemediationMode.REBOOT_VM, reason="r", triggers={"n": "1"}, remediation_id=UUID,
                           wait_for="running", rerun_on_failure=True,
                           timeouts=tc.RemediationTimeouts(create="1h", delete="5m"))
    tc.Remediation(stack, "ladder", cluster_id="cluster-training", instance_id="inst-training-02",
                   escalation=["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_HOST_AWARE"], depends_on=[first])
    tc.RemediationReview(stack, "review", cluster_id="cluster-training", instance_id="inst-training-03",
                         remediation_id=UUID, decision="REJECT", comment="c", wait_for="none", timeouts={"create": "1m"})
    tc.RemediationReview(stack, "approve-as", cluster_id="cluster-training", instance_id="inst-training-04",
                         remediation_id=UUID, decision="APPROVE", mode=tc.RemediationMode.REBOOT_VM)
    tc.Remediation(stack, "power-cycle", cluster_id="cluster-training", instance_id="inst-training-06",
                   mode=tc.RemediationMode.HOST_POWER_CYCLE)
    tc.DataTogetherRemediations(stack, "listing", cluster_id="cluster-training", instance_id="-",
                                states=["FAILED", "QUARANTINING", "QUARANTINED"],
                                modes=["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_POWER_CYCLE"],
                                triggers=["REMEDIATION_TRIGGER_MANUAL"],
                                order_by="create_time desc", alert_names=["GPUXidError"], min_severity="PHC_SEVERITY_INFO")
    tc.DataTogetherRemediation(stack, "one", cluster_id="cluster-training", instance_id="inst-training-03",
                               remediation_id=UUID)
    tc.RollingRemediation(stack, "roll", cluster_id="cluster-training", node_names=["gpu-04", "gpu-05"])
    tc.ApprovalPolicy(stack, "policy", cluster_id="cluster-training", hold_xid_codes=["48"], rules=[
        tc.ApprovalRule(decision="APPROVE", alert_names=["GPUXidError"], min_severity="PHC_SEVERITY_CRITICAL",
                        xid_codes=["79"], approve_as=tc.RemediationMode.REBOOT_VM),
        tc.ApprovalRule(decision="REJECT")])
    outdir = Path(full_synth(stack))
    stack_dir = outdir / "stacks" / "test"
    assert json.loads((stack_dir / "cdk.tf.json").read_text())["resource"]["together_remediation_review"]
    workspace = Workspace(stack_dir, {"TF_CLI_CONFIG_FILE": str(terraform_install.cli_config), "CHECKPOINT_DISABLE": "1",
                                      "TF_IN_AUTOMATION": "1", "PATH": os.environ["PATH"]})
    workspace.init()
    validation = workspace.run("validate", "-json", check=False).json()
    assert validation["valid"] is True, validation["diagnostics"]
