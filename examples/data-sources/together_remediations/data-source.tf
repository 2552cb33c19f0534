# The remediations of a cluster that match filters: here, the automated ones waiting for
# approval that a critical GPU alert raised (the API filters by states, modes and triggers; the
# provider adds the filters on linked alerts). States include QUARANTINING and QUARANTINED, where
# REMEDIATION_MODE_HOST_AWARE and REMEDIATION_MODE_HOST_POWER_CYCLE cordon the host first. Every page of the listing is read.
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

data "together_remediations" "critical_gpu_faults" {
  cluster_id   = "cluster-training"
  instance_id  = "-" # every instance (the default); or one instance id
  states       = ["PENDING_APPROVAL"]
  modes        = ["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"]
  triggers     = ["REMEDIATION_TRIGGER_AUTOMATED"]
  alert_names  = ["GPUXidError", "GPUFallenOffBus"]
  min_severity = "PHC_SEVERITY_CRITICAL"
  order_by     = "create_time"
}

output "waiting_for_approval" {
  value = {
    for r in data.together_remediations.critical_gpu_faults.remediations :
    r.id => "${r.instance_name}: ${r.mode} (${join(", ", [for a in r.linked_alerts : a.alert_name])})"
  }
}

output "ids" {
  value = data.together_remediations.critical_gpu_faults.ids
}
