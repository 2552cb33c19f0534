"""Typed CDK for Terraform constructs for Together AI GPU-node remediations.

Runs on `cdktn` (CDK Terrain) or `cdktf`: whichever is installed, or the one `TOGETHER_CDK` names.
Take `App` and `TerraformStack` from here so the same code runs on both::

    from together_cdk import App, TerraformStack, TogetherProvider, Remediation, RemediationMode

    app = App()
    stack = TerraformStack(app, "repair")
    TogetherProvider(stack, "together")
    Remediation(stack, "reboot-gpu-03", cluster_id="cluster-training",
                instance_id="inst-training-03", mode=RemediationMode.REBOOT_VM)
    app.synth()
"""

from ._cdk import CDK_NAME, cdk
from ._element import MetaArguments
from ._values import PropError
from .approval_policy import ApprovalPolicy, ApprovalRule
from .data_cluster import DataTogetherCluster
from .data_remediation import DataTogetherRemediation
from .data_remediations import DataTogetherRemediations
from .enums import AlertSeverity, RemediationMode, RemediationState, RemediationTrigger, ReviewDecision, WaitFor
from .provider import PROVIDER_SOURCE, TogetherProvider
from .references import (
    AlertAnnotationReference,
    AlertListReference,
    AlertReference,
    AttemptListReference,
    AttemptReference,
    GpuWorkerNodeListReference,
    GpuWorkerNodeReference,
    RemediationItemReference,
    RemediationListReference,
    XidEventListReference,
    XidEventReference,
)
from .remediation import Remediation, RemediationTimeouts
from .remediation_review import RemediationReview, RemediationReviewTimeouts
from .rolling_remediation import RollingRemediation

App = cdk.App
TerraformStack = cdk.TerraformStack
TerraformOutput = cdk.TerraformOutput
TerraformVariable = cdk.TerraformVariable
Testing = cdk.Testing

__all__ = [
    "CDK_NAME",
    "cdk",
    "App",
    "TerraformStack",
    "TerraformOutput",
    "TerraformVariable",
    "Testing",
    "PropError",
    "MetaArguments",
    "PROVIDER_SOURCE",
    "TogetherProvider",
    "Remediation",
    "RemediationTimeouts",
    "RemediationReview",
    "RemediationReviewTimeouts",
    "DataTogetherRemediations",
    "DataTogetherRemediation",
    "DataTogetherCluster",
    "RollingRemediation",
    "ApprovalPolicy",
    "ApprovalRule",
    "RemediationMode",
    "RemediationState",
    "RemediationTrigger",
    "ReviewDecision",
    "AlertSeverity",
    "WaitFor",
    "AlertReference",
    "AlertListReference",
    "AlertAnnotationReference",
    "XidEventReference",
    "XidEventListReference",
    "AttemptReference",
    "AttemptListReference",
    "RemediationItemReference",
    "RemediationListReference",
    "GpuWorkerNodeReference",
    "GpuWorkerNodeListReference",
]
