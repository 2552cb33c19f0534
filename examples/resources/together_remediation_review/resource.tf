# Approvals as code: approve every automated remediation of the `training` cluster raised by a
# critical alert, and reject the others. `terraform plan` in CI lists exactly which remediations
# will be approved and which rejected; `terraform apply` records the decisions.
#   together-remediation simulator serve --seed demo        # in another shell
#   export TOGETHER_BASE_URL=http://127.0.0.1:8787 TOGETHER_API_KEY=sim-demo-key
#   terraform init && terraform plan && terraform apply
#
# A review cannot be undone: once a remediation is reviewed it leaves PENDING_APPROVAL, drops out
# of the data sources below, and the next plan only forgets its review (destroy changes nothing
# at Together).
terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}

provider "together" {} # TOGETHER_API_KEY and TOGETHER_BASE_URL

variable "cluster_id" {
  type    = string
  default = "cluster-training"
}

# Every automated remediation waiting for approval...
data "together_remediations" "waiting" {
  cluster_id = var.cluster_id
  states     = ["PENDING_APPROVAL"]
  trigger    = "REMEDIATION_TRIGGER_AUTOMATED"
}

# ...and those of them raised by at least one critical alert.
data "together_remediations" "critical" {
  cluster_id   = var.cluster_id
  states       = ["PENDING_APPROVAL"]
  trigger      = "REMEDIATION_TRIGGER_AUTOMATED"
  min_severity = "PHC_SEVERITY_CRITICAL"
}

resource "together_remediation_review" "approve" {
  for_each = { for r in data.together_remediations.critical.remediations : r.id => r }

  cluster_id     = each.value.cluster_id
  instance_id    = each.value.instance_id
  remediation_id = each.key
  decision       = "APPROVE"
  comment        = "Critical ${join(", ", distinct([for a in each.value.linked_alerts : a.alert_name]))} on ${each.value.instance_name}: approved by policy"

  # Approve as another mode than the proposed one (never REMEDIATION_MODE_HOST_POWER_CYCLE):
  # mode = "REMEDIATION_MODE_REBOOT_VM"
}

resource "together_remediation_review" "reject" {
  for_each = {
    for r in data.together_remediations.waiting.remediations : r.id => r
    if !contains(data.together_remediations.critical.ids, r.id)
  }

  cluster_id     = each.value.cluster_id
  instance_id    = each.value.instance_id
  remediation_id = each.key
  decision       = "REJECT"
  comment        = "Not critical: the node keeps running; a person repairs it if needed"
}

output "approved" {
  value = { for id, review in together_remediation_review.approve : id => review.state }
}

output "rejected" {
  value = { for id, review in together_remediation_review.reject : id => review.state }
}
