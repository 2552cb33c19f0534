"""Entry point Terraform runs: ``python -m provider_shim``."""

import gc
import sys

# A launch allocates many short-lived objects (protobuf messages, state dicts) and few cycles:
# collecting the young generation every 700 allocations costs more than it frees.
gc.set_threshold(20_000, 20, 20)
# gRPC's one dispatcher thread needs the GIL to hand each call to a worker; with busy workers it
# would wait up to the default 5 ms switch interval per call (measured: -10% wall per refresh).
sys.setswitchinterval(0.0005)
# httpx imports its command-line client (click, rich, pygments, when installed) with the
# package; the provider never runs it, and skipping it saves ~30 ms of each configured launch.
sys.modules.setdefault("httpx._main", None)

from provider_shim.runner import main  # noqa: E402

main()
