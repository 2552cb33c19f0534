"""What the generator needs besides the provider's schema, written by hand: which check each
argument gets (with the provider's own limits), the rules that span arguments, the names and
descriptions of the objects inside computed attributes (the schema's object types carry none),
and how the enums are named.

Everything here takes its limits from the provider's modules and its values from
``together_api.vocabulary``; no limit or list of values is written again.
"""

from __future__ import annotations

from dataclasses import dataclass

from provider_shim import provider as provider_module
from provider_shim.framework.durations import MIN_TIMEOUT
from provider_shim.framework.schema import REMEDIATION_FIELD_DESCRIPTIONS
from provider_shim.resources import remediation, remediation_review
from together_api import vocabulary


@dataclass(frozen=True)
class EnumSpec:
    """One enum of `enums.py`: its values (with their meanings when the vocabulary has them)."""

    name: str
    doc: str
    values: dict[str, str]  # value -> meaning ("" for none)
    prefix: str = ""  # taken off the value to name the member (REMEDIATION_MODE_REBOOT_VM -> REBOOT_VM)


ENUMS = (
    EnumSpec("RemediationMode", "How a node is repaired, least disruptive first.",
             {name: meaning for name, (_, meaning) in vocabulary.MODES.items()}, vocabulary.MODE_PREFIX),
    EnumSpec("RemediationState", "Where a remediation is in its life.", dict(vocabulary.STATES)),
    EnumSpec("RemediationTrigger", "Who asked for a remediation: a user (manual) or Together's health checks (automated).",
             dict(vocabulary.TRIGGERS), "REMEDIATION_TRIGGER_"),
    EnumSpec("ReviewDecision", "The answer to a remediation that waits for approval.",
             dict.fromkeys(vocabulary.DECISIONS, "")),
    EnumSpec("AlertSeverity", "Severity of a passive health-check alert, lowest first.",
             dict.fromkeys(vocabulary.SEVERITIES, ""), "PHC_SEVERITY_"),
    EnumSpec("WaitFor", "How long `terraform apply` waits on a remediation it creates or reviews.", dict(vocabulary.WAIT_FOR)),
)


@dataclass(frozen=True)
class CheckSpec:
    """A prop helper of `together_cdk._props` and its arguments (Python source) before and after the description."""

    helper: str
    leading: str = ""
    trailing: str = ""
    takes_required: bool = False
    enum: str = ""  # the enum the prop takes (its members or their values)


def _enum(name: str) -> CheckSpec:
    return CheckSpec("enum", name, takes_required=True, enum=name)


def _enum_list(name: str, trailing: str = "") -> CheckSpec:
    return CheckSpec("enum_list", name, trailing, enum=name)


# The check of each argument, by name and kind (an argument named here with another kind gets
# its kind's default check, e.g. `triggers`, a map on the resource and a list on the data source).
CHECKS: dict[tuple[str, str], CheckSpec] = {
    ("cluster_id", "string"): CheckSpec("path_id", takes_required=True),
    ("instance_id", "string"): CheckSpec("path_id", takes_required=True),
    ("remediation_id", "string"): CheckSpec("uuid", takes_required=True),
    ("mode", "string"): _enum("RemediationMode"),
    ("escalation", "string_list"): _enum_list("RemediationMode", "min_items=1, unique=True"),
    ("modes", "string_list"): _enum_list("RemediationMode"),
    ("states", "string_list"): _enum_list("RemediationState"),
    ("trigger", "string"): _enum("RemediationTrigger"),
    ("triggers", "string_list"): _enum_list("RemediationTrigger"),
    ("decision", "string"): _enum("ReviewDecision"),
    ("wait_for", "string"): _enum("WaitFor"),
    ("min_severity", "string"): _enum("AlertSeverity"),
    ("reason", "string"): CheckSpec("text", trailing=f"max_length={remediation.MAX_REASON_LENGTH}"),
    ("comment", "string"): CheckSpec("text", trailing=f"max_length={remediation_review.MAX_COMMENT_LENGTH}"),
    ("request_timeout", "string"): CheckSpec("duration", trailing=f'minimum="{provider_module.MIN_REQUEST_TIMEOUT}"'),
    ("poll_interval", "string"): CheckSpec("duration", trailing=f'minimum="{provider_module.MIN_POLL_INTERVAL}"'),
    ("max_retries", "number"): CheckSpec("integer", trailing="minimum=0"),
    ("max_in_flight_per_cluster", "number"): CheckSpec("integer", trailing="minimum=1"),
    # Hand-written checks (together_cdk/_rules.py).
    ("api_key", "string"): CheckSpec("custom", '"string", token_only'),
    ("base_url", "string"): CheckSpec("custom", '"string", secure_url'),
}
DEFAULT_CHECKS = {
    "string": CheckSpec("string", takes_required=True),
    "number": CheckSpec("integer"),
    "bool": CheckSpec("boolean"),
    "string_list": CheckSpec("string_list"),
    "string_map": CheckSpec("string_map"),
}
TIMEOUT_MINIMUM = MIN_TIMEOUT
CUSTOM_CHECKS = ("token_only", "secure_url")  # what the generated provider imports from _rules

# Rules over several props of one construct (together_cdk/_rules.py), by block kind and Terraform type.
RULES: dict[tuple[str, str], tuple[str, ...]] = {
    ("resource", "together_remediation"): ("one_of_mode_and_escalation",),
    ("resource", "together_remediation_review"): ("approval_override",),
}

# Hand-written members of a construct (together_cdk/_extras.py), as a mixin, by block kind and Terraform type.
EXTRAS: dict[tuple[str, str], str] = {("data", "together_cluster"): "InstanceIdLookup"}

# What the constructs say beyond the schema's description of an argument.
PROP_NOTES: dict[str, str] = {
    "api_key": "Here, as a token only (such as a sensitive `TerraformVariable`'s value): a literal key would be "
    "written into `cdk.tf.json`, so it is refused.",
}
ALIAS_DOC = "the provider's alias, to configure more than one (e.g. two accounts)."

# The objects inside computed attributes, by the attribute that holds them: the reference class
# of one object, and of the list when the attribute is a list of them.
OBJECTS: dict[str, tuple[str, str]] = {
    "linked_alerts": ("AlertReference", "AlertListReference"),
    "annotation": ("AlertAnnotationReference", ""),
    "xid_events": ("XidEventReference", "XidEventListReference"),
    "attempts": ("AttemptReference", "AttemptListReference"),
    "remediations": ("RemediationItemReference", "RemediationListReference"),
    "gpu_worker_nodes": ("GpuWorkerNodeReference", "GpuWorkerNodeListReference"),
}
OBJECT_DOCS: dict[str, str] = {
    "AlertReference": "A passive health-check alert linked to a remediation.",
    "AlertAnnotationReference": "The typed content the API parsed from an alert's annotations (null when it parsed none).",
    "XidEventReference": "One NVIDIA Xid code seen in an alert's window.",
    "AttemptReference": "One attempt of a `together_remediation` (a rerun or an escalation step).",
    "RemediationItemReference": "One remediation in the `remediations` list of the `together_remediations` data source.",
    "GpuWorkerNodeReference": "One GPU worker node of a cluster.",
}
# The fields of those objects; a remediation's fields are described by the provider.
FIELD_DOCS: dict[str, dict[str, str]] = {
    "RemediationItemReference": dict(REMEDIATION_FIELD_DESCRIPTIONS),
    "XidEventReference": {
        "xid_code": "The Xid code, e.g. `79`.",
        "mnemonic": "The driver's mnemonic of the code, e.g. `GPU has fallen off the bus`.",
        "count": "How many times the code appeared in the alert's window.",
    },
    "AlertAnnotationReference": {
        "title": "The alert's title (Alertmanager's summary).",
        "summary_line": "The summary line of this firing, from the evidence.",
        "description": "The static explanation of the alert.",
        "xid_codes": "The NVIDIA Xid codes seen, e.g. `[\"79\"]` (a list token).",
        "xid_events": "Each Xid code seen, with its mnemonic and count.",
        "slurm_drain_reason": "Slurm's drain reason of the node, for a Slurm node-unavailable alert.",
    },
    "AlertReference": {
        "passive_health_check_alert_id": "The alert's id.",
        "instance_id": "The instance the alert fired on.",
        "cluster_id": "The cluster of that instance.",
        "target_vm": "The VM the alert names.",
        "alert_name": "The alert's name, e.g. `GPUXidError`.",
        "severity": "One of `AlertSeverity`.",
        "annotation": "The alert's typed annotation: `.title`, `.xid_codes`, `.slurm_drain_reason`...",
        "annotations": "The alert's annotations.",
        "started_at": "When the alert started (RFC 3339).",
        "resolved_at": "When the alert cleared (RFC 3339), empty while it fires.",
        "node_remediation_intent_id": "The remediation intent the alert raised.",
    },
    "AttemptReference": {
        "id": "The attempt's remediation id.",
        "mode": "The attempt's mode, one of `RemediationMode`.",
        "state": "The attempt's state, one of `RemediationState`.",
        "error_message": "Why the attempt failed, if it did.",
        "start_time": "When the attempt started running.",
        "end_time": "When the attempt ended.",
    },
    "GpuWorkerNodeReference": {
        "node_id": "The node's name in the cluster on the live API, e.g. `gpu-03`.",
        "node_name": "The node's name, e.g. `gpu-03` (`node_id` on the live API, `node_name` on older servers).",
        "instance_id": "The node's instance id (what a remediation names).",
        "status": "The node's status.",
        "host_name": "The host the node's VM runs on.",
        "auto_remediation_enabled": "Whether Together's health checks may raise remediations for the node (a boolean token).",
        "marked_for_deletion": "Whether the node is marked for deletion (a boolean token).",
        "latest_remediation_id": "The id of the node's latest remediation.",
        "latest_remediation_state": "The state of the node's latest remediation.",
        "latest_remediation_mode": "The mode of the node's latest remediation.",
    },
}
