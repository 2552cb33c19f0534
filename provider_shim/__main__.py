"""Entry point Terraform runs: ``python -m provider_shim``."""

from provider_shim.runner import main

main()
