"""Rolling reboot: remediate GPU nodes two at a time, in order, never more than a quarter of the cluster.

Nodes are named (`gpu-05`...); the `together_cluster` data source resolves them to instance ids
at plan time, and a precondition refuses batches larger than `max_unavailable_share` of the
cluster's nodes. The plan lists the remediations by batch (`rolling_1-gpu-05_...`).
"""

import os

from together_cdk import App, RemediationMode, RollingRemediation, TerraformOutput, TerraformStack, TogetherProvider

BASE_URL = os.environ.get("TOGETHER_BASE_URL", "http://127.0.0.1:8787/v1")
CLUSTER_ID = os.environ.get("TOGETHER_CLUSTER_ID", "cluster-training")
NODE_NAMES = os.environ.get("TOGETHER_NODE_NAMES", "gpu-05,gpu-06,gpu-07,gpu-08").split(",")
MAX_IN_FLIGHT = int(os.environ.get("TOGETHER_MAX_IN_FLIGHT", "2"))

app = App()
stack = TerraformStack(app, "rolling")
TogetherProvider(stack, "together", base_url=BASE_URL)

rolling = RollingRemediation(
    stack,
    "rolling",
    cluster_id=CLUSTER_ID,
    node_names=NODE_NAMES,
    mode=RemediationMode.REBOOT_VM,
    max_in_flight=MAX_IN_FLIGHT,
    max_unavailable_share=0.25,
    reason="rolling reboot after the driver update",
)

for node_name in NODE_NAMES:
    TerraformOutput(stack, f"{node_name}_state", value=rolling.state_of(node_name))

app.synth()
