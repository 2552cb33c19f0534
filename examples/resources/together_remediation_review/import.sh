#!/bin/sh
# Import a review made outside Terraform (in Together's console, or by another tool), so that the
# decision is recorded in code. The id is CLUSTER/INSTANCE/REMEDIATION; decision and comment are
# read from the remediation, which must already be approved or rejected. The import target must
# be in the configuration, for example:
#
#   resource "together_remediation_review" "gpu03" {
#     cluster_id     = "cluster-training"
#     instance_id    = "inst-training-03"
#     remediation_id = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"
#     decision       = "APPROVE"
#     comment        = "Xid 79 on gpu-03"   # as recorded in the console, or the plan replaces it
#   }
set -eu
terraform import together_remediation_review.gpu03 \
  "cluster-training/inst-training-03/9b8c0636-f422-5864-9bba-50ea6cc35fd8"
