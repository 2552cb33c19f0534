# A GPU cluster and its worker nodes, to name nodes the way operators do ("gpu-07") and repair
# one with an escalation ladder in one resource. The cluster's kubeconfig is never exposed.
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

data "together_cluster" "training" {
  cluster_id = "cluster-training"
}

# Repair node gpu-07 with the ladder: reboot; if that fails, a new VM; then a new host.
resource "together_remediation" "gpu07" {
  cluster_id  = data.together_cluster.training.id
  instance_id = data.together_cluster.training.instance_id_by_node_name["gpu-07"]
  escalation  = ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_AWARE"]
  reason      = "Xid 79 keeps coming back on gpu-07"
}

output "nodes_with_a_remediation" {
  value = {
    for n in data.together_cluster.training.gpu_worker_nodes :
    n.node_id => "${n.latest_remediation_mode}: ${n.latest_remediation_state}" if n.latest_remediation_id != null
  }
}

# Nodes Together's health checks do not remediate on their own.
output "nodes_without_auto_remediation" {
  value = [for n in data.together_cluster.training.gpu_worker_nodes : n.node_id if n.auto_remediation_enabled == false]
}

output "gpu07_attempts" {
  value = [for a in together_remediation.gpu07.attempts : "${a.mode}: ${a.state}"]
}
