# One remediation, by cluster, instance and id: its state, times, review and linked alerts
# (with each alert's typed annotation: title, Xid codes, Slurm drain reason).
#   together-remediation simulator serve --seed demo        # in another shell
#   export TOGETHER_BASE_URL=http://127.0.0.1:8787 TOGETHER_API_KEY=sim-demo-key
terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}

provider "together" {}

# The demo world's automated remediation on gpu-03, waiting for approval.
data "together_remediation" "gpu03" {
  cluster_id     = "cluster-training"
  instance_id    = "inst-training-03"
  remediation_id = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"
}

output "gpu03" {
  value = {
    state     = data.together_remediation.gpu03.state
    mode      = data.together_remediation.gpu03.mode
    requested = data.together_remediation.gpu03.requested_by
    alerts    = [for a in data.together_remediation.gpu03.linked_alerts : "${a.alert_name} (${a.severity})"]
    # The typed annotation the API parsed from each alert (null when it parsed none).
    titles      = [for a in data.together_remediation.gpu03.linked_alerts : a.annotation.title if a.annotation != null]
    xid_codes   = flatten([for a in data.together_remediation.gpu03.linked_alerts : a.annotation.xid_codes if a.annotation != null])
    reviewed_by = data.together_remediation.gpu03.reviewed_by
  }
}
