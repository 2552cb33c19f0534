"""Approval policy: decide, in code review, which automated repairs run without a person.

Rules are tried in order; the first that matches a pending automated remediation decides it.
The plan lists each approval and rejection (`together_remediation_review.<rule>["<id>"]`);
a remediation no rule matches waits for a person, and so does any remediation raised for an
Xid code in `hold_xid_codes`, whatever the rules say.
"""

import os

from together_cdk import (
    AlertSeverity,
    App,
    ApprovalPolicy,
    ApprovalRule,
    RemediationMode,
    ReviewDecision,
    TerraformOutput,
    TerraformStack,
    TogetherProvider,
)

BASE_URL = os.environ.get("TOGETHER_BASE_URL", "http://127.0.0.1:8787/v1")
CLUSTER_ID = os.environ.get("TOGETHER_CLUSTER_ID", "cluster-training")

app = App()
stack = TerraformStack(app, "approval-policy")
TogetherProvider(stack, "together", base_url=BASE_URL)

policy = ApprovalPolicy(
    stack,
    "policy",
    cluster_id=CLUSTER_ID,
    # Xid 48 (double-bit ECC error): the GPU's memory is suspect, a person decides.
    hold_xid_codes=["48"],
    rules=[
        ApprovalRule(
            name="never-evict",
            decision=ReviewDecision.REJECT,
            modes=[RemediationMode.EVICT_WITHOUT_REPLACEMENT],
            comment="evictions shrink the cluster: a person decides",
        ),
        ApprovalRule(
            name="xid-79-reboot-first",
            decision=ReviewDecision.APPROVE,
            xid_codes=["79"],
            modes=[RemediationMode.VM_ONLY],
            # A GPU fallen off the bus usually comes back with a reboot: try that before a new VM.
            approve_as=RemediationMode.REBOOT_VM,
            comment="Xid 79: reboot first",
        ),
        ApprovalRule(
            name="xid-repairs",
            decision=ReviewDecision.APPROVE,
            alert_names=["GPUXidError"],
            min_severity=AlertSeverity.CRITICAL,
            modes=[RemediationMode.REBOOT_VM, RemediationMode.VM_ONLY],
            comment="critical Xid errors: repair at once",
        ),
    ],
)

TerraformOutput(stack, "pending_before_review", value=policy.pending.ids)

app.synth()
