# The together-remediation provider. Install it once (no registry needed):
#   together-remediation provider install && export TF_CLI_CONFIG_FILE=...   (the line it prints)
terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}

# Credentials come from the environment: TOGETHER_API_KEY, and TOGETHER_BASE_URL to point at
# the simulator (`together-remediation simulator serve` prints both). Every argument is optional.
provider "together" {
  # api_key = var.together_api_key          # sensitive; never stored in state
  # base_url = "https://api.together.ai"     # the default; ".../v1" works too, as does TOGETHER_BASE_URL
  request_timeout           = "30s" # one API request
  max_retries               = 6     # after network errors, 429 and 5xx
  poll_interval             = "2s"  # longest pause between two polls of a remediation
  max_in_flight_per_cluster = 4     # roll a fleet out four nodes at a time per cluster
}
