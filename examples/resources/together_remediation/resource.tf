# Remediate GPU worker nodes of the `training` cluster (the simulator's demo world):
#   together-remediation simulator serve --seed demo        # in another shell
#   export TOGETHER_BASE_URL=http://127.0.0.1:8787 TOGETHER_API_KEY=sim-demo-key
#   terraform init && terraform apply
terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}

provider "together" {} # TOGETHER_API_KEY and TOGETHER_BASE_URL

locals {
  # instance id => why it needs a reboot
  reboots = {
    "inst-training-05" = "GPU Xid 79 on gpu-05"
    "inst-training-06" = "NVLink CRC errors on gpu-06"
  }
}

# Reboot each node once and wait until the reboot ends. If one ends FAILED or is cancelled,
# the next plan proposes a new attempt and says why.
resource "together_remediation" "reboot" {
  for_each = local.reboots

  cluster_id       = "cluster-training"
  instance_id      = each.key
  mode             = "REMEDIATION_MODE_REBOOT_VM"
  reason           = each.value
  rerun_on_failure = true
}

# Escalate on gpu-07: reboot first; replace the VM only if the reboot fails.
resource "together_remediation" "escalate" {
  cluster_id  = "cluster-training"
  instance_id = "inst-training-07"
  escalation  = ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"]
  reason      = "ECC errors keep coming back on gpu-07"

  # Change a trigger to run the same repair again later.
  triggers = {
    ticket = "OPS-1234"
  }

  timeouts {
    create = "45m"
  }
}

output "reboot_states" {
  value = { for instance, r in together_remediation.reboot : instance => r.state }
}

output "escalation_attempts" {
  value = [for a in together_remediation.escalate.attempts : "${a.mode}: ${a.state}"]
}
