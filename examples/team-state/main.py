#!/usr/bin/env python
"""Remediations as code with the team's state in PostgreSQL.

Synthesize with `python main.py` (or `cdktf synth`): the Terraform configuration is written to
`cdktf.out/stacks/fleet-repairs/cdk.tf.json`. Every CI runner that plans or applies it shares
one state in PostgreSQL, guarded by the pg backend's lock.

Nothing secret is written into the configuration:
- the state database is reached through `PG_CONN_STR` (the backend's `conn_str` is left empty,
  so the connection string, password included, stays out of `cdk.tf.json`, `.terraform/` and
  saved plan files);
- the API key comes from `TOGETHER_API_KEY` (and `TOGETHER_BASE_URL` picks another endpoint,
  such as the simulator).
"""

from __future__ import annotations

import os

from together_cdk import (
    App,
    DataTogetherCluster,
    Remediation,
    RemediationMode,
    TerraformStack,
    TogetherProvider,
    cdk,
)

STATE_SCHEMA = os.environ.get("TEAM_STATE_SCHEMA", "together_remediations")
CLUSTER_ID = "cluster-training"


class FleetRepairs(TerraformStack):
    def __init__(self, scope, id: str) -> None:
        super().__init__(scope, id)
        cdk.PgBackend(self, conn_str="", schema_name=STATE_SCHEMA)
        TogetherProvider(self, "together")

        # Reading the cluster gives the plan review node names and the cluster's node count.
        training = DataTogetherCluster(self, "training", cluster_id=CLUSTER_ID)

        Remediation(
            self,
            "reboot-gpu-05",
            cluster_id=CLUSTER_ID,
            instance_id=training.instance_id_of("gpu-05"),
            mode=RemediationMode.REBOOT_VM,
            reason="NCCL timeouts on gpu-05 since the last driver update",
        )
        Remediation(
            self,
            "repair-gpu-09",
            cluster_id=CLUSTER_ID,
            instance_id=training.instance_id_of("gpu-09"),
            escalation=[RemediationMode.REBOOT_VM, RemediationMode.VM_ONLY, RemediationMode.HOST_AWARE],
            reason="Recurring Xid 79 on gpu-09",
        )


app = App()
FleetRepairs(app, "fleet-repairs")
app.synth()
