"""Call by call through gRPC: the CPU each RPC of a refresh costs the plugin process.

The calls a refresh-plan sends per remediation (ValidateResourceConfig, UpgradeResourceState,
ReadResource, PlanResourceChange), built from N applied states, are sent as Terraform sends them:
over the handshake's TLS channel, 10 in flight (Terraform's default ``-parallelism``), the same
bytes to three plugin processes in turn:

- **provider**: the installed provider, launched as Terraform launches it and configured
  against the simulator;
- **grpcio echo**: the provider's own runner (gRPC server, worker pool, TLS, interpreter
  settings) with a servicer that echoes the state it is sent (``bench.grpc_echo``): what grpcio
  costs a call in Python, before any provider code runs;
- **floor**: the Go floor provider (``bench/floor.py``), which echoes the same way.

Each process's CPU (every thread's, from ``/proc/PID/task/*/schedstat``) around a batch, per
call, after one warm-up batch. The provider's row less the echo's is the provider's own code
inside a real launch; the echo's row less the floor's is what Python's gRPC costs over Go's.

    python -m bench.grpc_calls [--n 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Bench, Figure, Report
from bench.launch import MAGIC_COOKIE, _der_to_pem

RPCS = ("ValidateResourceConfig", "UpgradeResourceState", "ReadResource", "PlanResourceChange")
IN_FLIGHT = 10  # Terraform's default -parallelism
REPO = Path(__file__).resolve().parents[1]


def _identity(value: bytes) -> bytes:
    return value


@dataclass
class Plugin:
    """One plugin process, past its handshake, and a channel to it."""

    process: subprocess.Popen
    channel: object

    @classmethod
    def start(cls, command: list[str], env: dict[str, str]) -> Plugin:
        import grpc

        env = {**env, MAGIC_COOKIE[0]: MAGIC_COOKIE[1], "PLUGIN_PROTOCOL_VERSIONS": "5,6"}
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        fields = process.stdout.readline().decode().strip().split("|")
        if len(fields) != 6:
            process.kill()
            raise RuntimeError(f"{command[0]} gave no handshake line")
        credentials = grpc.ssl_channel_credentials(root_certificates=_der_to_pem(fields[5]))
        options = [("grpc.ssl_target_name_override", "localhost"), ("grpc.max_receive_message_length", 256 << 20)]
        return cls(process, grpc.secure_channel(f"unix:{fields[3]}", credentials, options=options))

    def call(self, rpc: str, request: bytes) -> bytes:
        method = f"/plugin.GRPCController/{rpc}" if rpc == "Shutdown" else f"/tfplugin6.Provider/{rpc}"
        return self.channel.unary_unary(method, request_serializer=_identity, response_deserializer=_identity)(request, timeout=60)

    def cpu_seconds(self) -> float:
        """Every thread's time on a CPU so far (nanosecond counters, unlike /proc/PID/stat's ticks)."""
        total = 0
        tasks = Path(f"/proc/{self.process.pid}/task")
        for task in tasks.iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # a thread that just ended
        return total / 1e9

    def stop(self) -> None:
        try:
            self.call("Shutdown", b"")
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
            self.process.wait()
        finally:
            self.channel.close()
            self.process.stdout.close()


def refresh_requests(states: list[dict]) -> dict[str, list[bytes]]:
    """The serialized requests of each RPC, one per applied state."""
    from tf.gen import tfplugin_pb2 as pb
    from tf.utils import to_dynamic_value

    from bench.servicer_costs import ARGUMENTS, TYPE
    from provider_shim.registry import resource_types

    version = next(kind for kind in resource_types() if f"together_{kind.get_name()}" == TYPE).get_schema().version
    requests: dict[str, list[bytes]] = {rpc: [] for rpc in RPCS}
    for state in states:
        config = to_dynamic_value({name: state.get(name) for name in ARGUMENTS})
        current = to_dynamic_value(state)
        for rpc, message in (
            ("ValidateResourceConfig", pb.ValidateResourceConfig.Request(type_name=TYPE, config=config)),
            ("UpgradeResourceState", pb.UpgradeResourceState.Request(
                type_name=TYPE, version=version, raw_state=pb.RawState(json=json.dumps(state).encode()))),
            ("ReadResource", pb.ReadResource.Request(type_name=TYPE, current_state=current)),
            ("PlanResourceChange", pb.PlanResourceChange.Request(
                type_name=TYPE, prior_state=current, proposed_new_state=current, config=config)),
        ):
            requests[rpc].append(message.SerializeToString())
    return requests


def _configure(plugin: Plugin) -> None:
    from tf.gen import tfplugin_pb2 as pb
    from tf.utils import to_dynamic_value

    from bench.servicer_costs import NULL_PROVIDER_CONFIG

    answer = pb.ConfigureProvider.Response.FromString(
        plugin.call("ConfigureProvider", pb.ConfigureProvider.Request(config=to_dynamic_value(NULL_PROVIDER_CONFIG)).SerializeToString())
    )
    if answer.diagnostics:
        raise RuntimeError(f"ConfigureProvider: {answer.diagnostics}")


def _check_read(plugin: Plugin, request: bytes) -> None:
    from tf.gen import tfplugin_pb2 as pb

    answer = pb.ReadResource.Response.FromString(plugin.call("ReadResource", request))
    if answer.diagnostics:
        raise RuntimeError(f"ReadResource: {answer.diagnostics}")


def per_call_ms(plugin: Plugin, requests: dict[str, list[bytes]], rounds: int) -> dict[str, float]:
    """Median over ``rounds`` of the plugin's CPU per call of each RPC, after a warm-up batch."""
    import statistics

    costs: dict[str, float] = {}
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        for rpc in RPCS:
            batch = requests[rpc]
            list(pool.map(lambda request: plugin.call(rpc, request), batch))  # warm: first imports, the listing
            samples = []
            for _ in range(rounds):
                before = plugin.cpu_seconds()
                list(pool.map(lambda request: plugin.call(rpc, request), batch))
                samples.append((plugin.cpu_seconds() - before) * 1000 / len(batch))
            costs[rpc] = statistics.median(samples)
    return costs


def measure(bench: Bench, count: int, rounds: int) -> dict[str, dict[str, float]]:
    """``{side: {rpc: ms of CPU per call}}`` for the provider, the grpcio echo and (when built) the floor."""
    from bench.servicer_costs import _applied_states

    states = _applied_states(bench, count)
    requests = refresh_requests(states)
    api_env = bench.env(TOGETHER_BASE_URL=bench.simulator.base_url, TOGETHER_API_KEY=bench.simulator.api_key)
    runtime = str(bench.installation.directory / "runtime")
    echo_env = {**api_env, "PYTHONPATH": str(REPO), "TOGETHER_PROVIDER_RUNTIME": runtime}
    sides = {
        "provider": ([str(bench.launcher())], api_env, True),
        "grpcio echo": ([sys.executable, "-m", "bench.grpc_echo"], echo_env, False),
    }
    if bench.floor is not None:
        sides["floor"] = ([str(bench.floor.binary)], bench.floor.env(api_env), False)
    results: dict[str, dict[str, float]] = {}
    for side, (command, env, configure) in sides.items():
        plugin = Plugin.start(command, env)
        try:
            if configure:
                _configure(plugin)
                _check_read(plugin, requests["ReadResource"][0])
            results[side] = per_call_ms(plugin, requests, rounds)
        finally:
            plugin.stop()
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    sides = list(results)
    lines = ["CPU per call through gRPC (TLS, 10 in flight), ms:", f"  {'RPC':<26}" + "".join(f"{side:>14}" for side in sides)
             + f"{'provider − echo':>18}"]
    for rpc in RPCS + ("per remediation",):
        row = {side: (sum(results[side].values()) if rpc == "per remediation" else results[side][rpc]) for side in sides}
        own = row["provider"] - row["grpcio echo"]
        lines.append(f"  {rpc:<26}" + "".join(f"{row[side]:>14.3f}" for side in sides) + f"{own:>18.3f}")
    return "\n".join(lines)


def run(bench: Bench, report: Report, count: int, rounds: int = 3) -> dict[str, dict[str, float]]:
    results = measure(bench, count, rounds)
    totals = {side: sum(costs.values()) for side, costs in results.items()}
    beside = "; ".join(f"{side} {total:.3f} ms" for side, total in totals.items() if side != "provider")
    report.add(Figure(
        name="provider CPU per remediation, via gRPC (4 calls)", value=round(totals["provider"], 3), unit=" ms",
        target="≤ 0.15 ms (the CPU target)", met=totals["provider"] <= 0.15,
        detail=f"{count} states, 10 in flight, median of {rounds}; {beside}",
        extra={"per_call_ms": {side: {rpc: round(ms, 4) for rpc, ms in costs.items()} for side, costs in results.items()}},
    ))
    print(table(results), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="applied remediations whose states are sent (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="measured batches per RPC (default 3)")
    args = parser.parse_args()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    bench = Bench()
    try:
        report = Report()
        run(bench, report, args.n, args.rounds)
        print(report.summary())
    finally:
        bench.close()


if __name__ == "__main__":
    main()
