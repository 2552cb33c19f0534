"""Provider launches as Terraform sees them, this provider and the floor in turn.

Launch to handshake: the launcher is started the way Terraform starts it (go-plugin's magic
cookie, protocol 6), and the clock stops when the handshake line arrives on stdout. A
schema-only launch (what the first launch of every command is): exec, handshake,
``GetProviderSchema``, ``GRPCController.Shutdown``, process exit; timed from exec to exit.
Shutdown to exit: from Shutdown's answer to the process's exit (Terraform waits for it).
"""

from __future__ import annotations

import base64
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import Bench, Figure, Report

TARGET_HANDSHAKE_MS = 40
TARGET_SCHEMA_LAUNCH_MS = 50
MAGIC_COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")


@dataclass
class LaunchTimes:
    handshake: float  # seconds from exec to the handshake line
    to_exit: float  # seconds from exec to exit
    shutdown_to_exit: float


def _der_to_pem(certificate: str) -> bytes:
    der = base64.b64decode(certificate + "=" * (-len(certificate) % 4))
    body = base64.encodebytes(der).decode()
    return f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()


def _talk(socket_path: str, cert_pem: bytes, schema: bool) -> None:
    import grpc
    from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc, tfplugin_pb2, tfplugin_pb2_grpc

    credentials = grpc.ssl_channel_credentials(root_certificates=cert_pem)
    options = [("grpc.ssl_target_name_override", "localhost"), ("grpc.max_receive_message_length", 256 << 20)]
    with grpc.secure_channel(f"unix:{socket_path}", credentials, options=options) as channel:
        if schema:
            answer = tfplugin_pb2_grpc.ProviderStub(channel).GetProviderSchema(tfplugin_pb2.GetProviderSchema.Request(), timeout=30)
            if not answer.resource_schemas or not answer.server_capabilities.plan_destroy:
                raise RuntimeError("GetProviderSchema answered without resources or capabilities")
        grpc_controller_pb2_grpc.GRPCControllerStub(channel).Shutdown(grpc_controller_pb2.Empty(), timeout=10)


def launch_once(command: list[str], env: dict[str, str], schema: bool = False) -> LaunchTimes:
    env = {**env, MAGIC_COOKIE[0]: MAGIC_COOKIE[1], "PLUGIN_PROTOCOL_VERSIONS": "5,6"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        line = process.stdout.readline().decode()
        handshake = time.perf_counter() - started
        fields = line.strip().split("|")
        if len(fields) != 6 or fields[:2] != ["1", "6"] or fields[2] != "unix" or fields[4] != "grpc":
            raise RuntimeError(f"unexpected handshake line: {line!r}")
        _talk(fields[3], _der_to_pem(fields[5]), schema)
        answered = time.perf_counter()
        process.wait(timeout=30)
        ended = time.perf_counter()
        return LaunchTimes(handshake, ended - started, ended - answered)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def _alternate(runs: int, sides: dict[str, Callable[[], LaunchTimes]]) -> dict[str, list[LaunchTimes]]:
    for measure in sides.values():
        measure()  # warm the page cache: every launch after the first is what users see
    samples: dict[str, list[LaunchTimes]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, measure in sides.items():
            samples[name].append(measure())
    return samples


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def run(bench: Bench, report: Report, runs: int) -> dict[str, float]:
    """The figures; returns the provider's medians (ms) for the profile of a missed target."""
    provider_env = bench.env()
    sides = {
        "provider": lambda: launch_once([str(bench.launcher())], provider_env),
        "provider schema": lambda: launch_once([str(bench.launcher())], provider_env, schema=True),
    }
    if bench.floor is not None:
        floor_env = bench.floor.env(provider_env)
        sides["floor"] = lambda: launch_once([str(bench.floor.binary)], floor_env)
        sides["floor schema"] = lambda: launch_once([str(bench.floor.binary)], floor_env, schema=True)
    samples = _alternate(runs, sides)

    def floor_ms(side: str, key: str) -> dict[str, float]:
        return {"floor_ms": round(_ms([getattr(t, key) for t in samples[side]]), 1)} if side in samples else {}

    def beside(side: str, key: str) -> str:
        return f"; floor {floor_ms(side, key)['floor_ms']:.1f} ms" if side in samples else ""

    handshakes = [t.handshake for t in samples["provider"]]
    handshake_ms = _ms(handshakes)
    report.add(Figure(
        name="provider launch to handshake (median)", value=round(handshake_ms, 1), unit=" ms",
        target=f"≤ {TARGET_HANDSHAKE_MS} ms", met=handshake_ms <= TARGET_HANDSHAKE_MS,
        detail=f"median of {runs}, min {min(handshakes) * 1000:.0f} ms, max {max(handshakes) * 1000:.0f} ms" + beside("floor", "handshake"),
        extra={"runs": runs, **floor_ms("floor", "handshake")},
    ))
    schema_ms = _ms([t.to_exit for t in samples["provider schema"]])
    report.add(Figure(
        name="schema-only launch, exec to exit (median)", value=round(schema_ms, 1), unit=" ms",
        target=f"≤ {TARGET_SCHEMA_LAUNCH_MS} ms", met=schema_ms <= TARGET_SCHEMA_LAUNCH_MS,
        detail=f"median of {runs}: handshake, GetProviderSchema, Shutdown, exit" + beside("floor schema", "to_exit"),
        extra={"runs": runs, "handshake_ms": round(handshake_ms, 1), **floor_ms("floor schema", "to_exit")},
    ))
    exit_ms = _ms([t.shutdown_to_exit for t in samples["provider"]])
    report.add(Figure(
        name="Shutdown answered to process exit (median)", value=round(exit_ms, 1), unit=" ms",
        target="prompt (no teardown)", met=None, detail=f"median of {runs}" + beside("floor", "shutdown_to_exit"),
        extra={"runs": runs, **floor_ms("floor", "shutdown_to_exit")},
    ))
    return {"handshake_ms": handshake_ms, "schema_launch_ms": schema_ms}
