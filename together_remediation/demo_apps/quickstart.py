"""Quickstart: reboot one GPU node, and approve the repair a health check proposed for another.

Run with `cdktf deploy` (see README.md), or `python main.py` then `terraform` in
`cdktf.out/stacks/quickstart`. Settings come from the environment; the defaults are the
simulator's demo world (`together-remediation simulator serve --seed demo`).
"""

import os

from together_cdk import (
    App,
    Remediation,
    RemediationMode,
    RemediationReview,
    ReviewDecision,
    TerraformOutput,
    TerraformStack,
    TogetherProvider,
    WaitFor,
)

# The demo seed's ids; TOGETHER_API_KEY is read by the provider and never written here.
BASE_URL = os.environ.get("TOGETHER_BASE_URL", "http://127.0.0.1:8787/v1")
CLUSTER_ID = os.environ.get("TOGETHER_CLUSTER_ID", "cluster-training")
REBOOT_INSTANCE_ID = os.environ.get("TOGETHER_INSTANCE_ID", "inst-training-01")
REVIEW_INSTANCE_ID = os.environ.get("TOGETHER_REVIEW_INSTANCE_ID", "inst-training-03")
REVIEW_REMEDIATION_ID = os.environ.get("TOGETHER_REVIEW_REMEDIATION_ID", "9b8c0636-f422-5864-9bba-50ea6cc35fd8")

app = App()
stack = TerraformStack(app, "quickstart")
TogetherProvider(stack, "together", base_url=BASE_URL)

reboot = Remediation(
    stack,
    "reboot",
    cluster_id=CLUSTER_ID,
    instance_id=REBOOT_INSTANCE_ID,
    mode=RemediationMode.REBOOT_VM,
    reason="quickstart: reboot a GPU node",
)
approval = RemediationReview(
    stack,
    "approve-xid",
    cluster_id=CLUSTER_ID,
    instance_id=REVIEW_INSTANCE_ID,
    remediation_id=REVIEW_REMEDIATION_ID,
    decision=ReviewDecision.APPROVE,
    comment="quickstart: Xid 79, reprovision approved",
    wait_for=WaitFor.TERMINAL,  # apply returns when the approved repair has ended
)

for name, value in {
    "reboot_state": reboot.state,
    "reboot_start_time": reboot.start_time,
    "reboot_end_time": reboot.end_time,
    "approved_state": approval.state,
    "approved_by": approval.reviewed_by,
    "approved_at": approval.review_time,
}.items():
    TerraformOutput(stack, name, value=value)

app.synth()
