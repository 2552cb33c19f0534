"""A Terraform provider in Python for Together AI GPU-node remediations.

Terraform starts ``python -m provider_shim`` (through the launcher that
``together-remediation provider install`` writes) as a plugin speaking protocol 6 over gRPC.
Importing this package is free: the runner, the servicer and the API client are imported only
when a launch needs them.
"""

PROVIDER_HOST = "registry.terraform.io"
PROVIDER_NAMESPACE = "together-remediation"
PROVIDER_TYPE = "together"
PROVIDER_SOURCE = f"{PROVIDER_NAMESPACE}/{PROVIDER_TYPE}"
PROVIDER_ADDRESS = f"{PROVIDER_HOST}/{PROVIDER_SOURCE}"
PROVIDER_VERSION = "0.1.0"
TYPE_PREFIX = f"{PROVIDER_TYPE}_"
