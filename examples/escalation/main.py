"""Escalation ladder: reboot first, reprovision the VM if that fails, move to another host last.

The provider tries each mode in turn until one succeeds; `attempts` records every step.
"""

import os

from together_cdk import App, Remediation, RemediationMode, RemediationTimeouts, TerraformOutput, TerraformStack, TogetherProvider

BASE_URL = os.environ.get("TOGETHER_BASE_URL", "http://127.0.0.1:8787/v1")
CLUSTER_ID = os.environ.get("TOGETHER_CLUSTER_ID", "cluster-training")
INSTANCE_ID = os.environ.get("TOGETHER_INSTANCE_ID", "inst-training-10")

app = App()
stack = TerraformStack(app, "escalation")
TogetherProvider(stack, "together", base_url=BASE_URL)

repair = Remediation(
    stack,
    "repair",
    cluster_id=CLUSTER_ID,
    instance_id=INSTANCE_ID,
    escalation=[RemediationMode.REBOOT_VM, RemediationMode.VM_ONLY, RemediationMode.HOST_AWARE],
    reason="ECC errors keep coming back",
    timeouts=RemediationTimeouts(create="2h"),
)

TerraformOutput(stack, "state", value=repair.state)
TerraformOutput(stack, "first_attempt_mode", value=repair.attempts.get(0).mode)
TerraformOutput(stack, "attempts", value=repair.attempts.resolvable)

app.synth()
