#!/bin/sh
# Import a review that was made outside Terraform (in the console, or by another tool). The id is
# CLUSTER/INSTANCE/REMEDIATION; the decision and comment are read from the remediation, which must
# already be approved or rejected.
set -eu
terraform import 'together_remediation_review.approve["9b8c0636-f422-5864-9bba-50ea6cc35fd8"]' \
  "cluster-training/inst-training-03/9b8c0636-f422-5864-9bba-50ea6cc35fd8"
