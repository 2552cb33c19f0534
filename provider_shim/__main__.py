"""Entry point Terraform runs: ``python -m provider_shim``."""

import sys

# httpx imports its command-line client (click, rich, pygments, when installed) with the
# package; the provider never runs it, and skipping it saves ~30 ms of each configured launch.
sys.modules.setdefault("httpx._main", None)

from provider_shim.runner import main, tune_interpreter  # noqa: E402

tune_interpreter()
main()
