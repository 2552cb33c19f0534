"""Where a launch's fixed cost goes: CPU time of each import step on the provider's launch path.

Each step is measured in a fresh interpreter (median of ``--runs``), in the order a launch takes
them: up to the handshake (interpreter, grpc), then on the first calls past the schema (the
generated protocol code, the servicer, the resources), then on ConfigureProvider (httpx, pydantic, the API models,
the session and its pooled HTTP client).

    python -m bench.import_costs [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

STEPS = (
    ("interpreter start (site, .pth files)", None),
    ("grpc", "import grpc"),
    ("generated protocol code (first call past the schema)", "from tf.gen import tfplugin_pb2"),
    ("servicer and provider", "import provider_shim.servicer, provider_shim.provider"),
    ("resource and data source types", "import provider_shim.registry as r; list(r.resource_types()); list(r.data_source_types())"),
    ("httpx (without its CLI)", "import httpx"),
    ("pydantic", "import pydantic"),
    ("API models (pydantic classes)", "import together_api.models"),
    ("API client, session (tenacity, ...)", "import provider_shim.session"),
    ("pooled HTTP client (TLS context)", "import httpx; httpx.Client()"),
)
UP_TO_HANDSHAKE = 2  # the interpreter and grpc come before the handshake line; a schema-only launch stops there

PROGRAM = """
import sys, time
sys.modules.setdefault("httpx._main", None)  # as provider_shim/__main__.py does
times = [time.process_time()]
{steps}
print(" ".join(str(b - a) for a, b in zip(times, times[1:])))
"""


def measure(runs: int) -> list[tuple[str, float]]:
    steps = "\n".join(f"{code}; times.append(time.process_time())" for _, code in STEPS if code)
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROGRAM.format(steps=steps)], capture_output=True, text=True, check=True).stdout
        start = float(subprocess.run([sys.executable, "-c", "import time; print(time.process_time())"], capture_output=True, text=True, check=True).stdout)
        rows.append([start] + [float(x) for x in out.split()])
    return [(name, statistics.median(row[i] for row in rows) * 1000) for i, (name, _) in enumerate(STEPS)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    costs = measure(args.runs)
    for index, (name, ms) in enumerate(costs):
        print(f"{name:<42} {ms:6.1f} ms CPU")
        if index == UP_TO_HANDSHAKE - 1:
            print(f"{'  = before the handshake':<42} {sum(c for _, c in costs[:UP_TO_HANDSHAKE]):6.1f} ms CPU")
    print(f"{'  = on ConfigureProvider':<42} {sum(c for _, c in costs[5:]):6.1f} ms CPU")


if __name__ == "__main__":
    main()
