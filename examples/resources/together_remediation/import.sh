#!/bin/sh
# Import an existing remediation into Terraform state. The id is CLUSTER/INSTANCE/REMEDIATION,
# where REMEDIATION is the remediation's UUID (the `id` the API and `terraform state show` give).
set -eu
terraform import 'together_remediation.reboot["inst-training-05"]' \
  "cluster-training/inst-training-05/${REMEDIATION_ID:?set REMEDIATION_ID to the remediation UUID}"
