"""Provider launch to handshake, and Terraform's shutdown to process exit, as Terraform sees them.

Launch: the installed launcher is started the way Terraform starts it (go-plugin's magic cookie,
protocol 6), and the clock stops when the handshake line arrives on stdout. Exit: a gRPC client
connects with the certificate from the handshake, calls ``GRPCController.Shutdown``, and the
clock stops when the process has exited (Terraform waits for that on every launch).
"""

from __future__ import annotations

import base64
import statistics
import subprocess
import time

from bench.harness import Bench, Figure, Report

TARGET_LAUNCH_MS = 150
MAGIC_COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")


def _der_to_pem(certificate: str) -> bytes:
    der = base64.b64decode(certificate + "=" * (-len(certificate) % 4))
    body = base64.encodebytes(der).decode()
    return f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()


def _shutdown(socket_path: str, cert_pem: bytes) -> None:
    import grpc
    from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc

    credentials = grpc.ssl_channel_credentials(root_certificates=cert_pem)
    with grpc.secure_channel(f"unix:{socket_path}", credentials, options=[("grpc.ssl_target_name_override", "localhost")]) as channel:
        grpc_controller_pb2_grpc.GRPCControllerStub(channel).Shutdown(grpc_controller_pb2.Empty(), timeout=10)


def launch_once(bench: Bench) -> tuple[float, float]:
    """(seconds to the handshake line, seconds from Shutdown's answer to the process's exit)."""
    env = bench.env(**{MAGIC_COOKIE[0]: MAGIC_COOKIE[1], "PLUGIN_PROTOCOL_VERSIONS": "6"})
    started = time.perf_counter()
    process = subprocess.Popen([str(bench.launcher())], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        line = process.stdout.readline().decode()
        handshake = time.perf_counter() - started
        fields = line.strip().split("|")
        if len(fields) != 6 or fields[:2] != ["1", "6"] or fields[2] != "unix" or fields[4] != "grpc":
            raise RuntimeError(f"unexpected handshake line: {line!r}")
        _shutdown(fields[3], _der_to_pem(fields[5]))
        answered = time.perf_counter()
        process.wait(timeout=30)
        return handshake, time.perf_counter() - answered
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def run(bench: Bench, report: Report, runs: int) -> None:
    launch_once(bench)  # warm the page cache: every launch after the first is what users see
    handshakes, exits = zip(*(launch_once(bench) for _ in range(runs)))
    handshake_ms = statistics.median(handshakes) * 1000
    exit_ms = statistics.median(exits) * 1000
    report.add(Figure(
        name="provider launch to handshake (median)", value=round(handshake_ms, 1), unit=" ms",
        target=f"≤ {TARGET_LAUNCH_MS} ms", met=handshake_ms <= TARGET_LAUNCH_MS,
        detail=f"median of {runs}, min {min(handshakes) * 1000:.0f} ms, max {max(handshakes) * 1000:.0f} ms",
        extra={"runs": runs},
    ))
    report.add(Figure(
        name="Shutdown answered to process exit (median)", value=round(exit_ms, 1), unit=" ms",
        target="prompt (no teardown)", met=None, detail=f"median of {runs}", extra={"runs": runs},
    ))
