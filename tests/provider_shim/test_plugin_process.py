"""The plugin process itself, launched as Terraform launches it (go-plugin handshake over gRPC)."""

from __future__ import annotations

import base64
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc, tfplugin_pb2, tfplugin_pb2_grpc

from provider_shim import PROVIDER_ADDRESS, PROVIDER_VERSION
from provider_shim.install import EXECUTABLE, host_platform
from provider_shim.runner import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE
from provider_shim.tls import CERT_FILE, pem_to_der

PLUGIN_ENV = {MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": "5,6"}


class Plugin:
    def __init__(self, process: subprocess.Popen, handshake: str):
        self.process = process
        self.handshake = handshake
        parts = handshake.split("|")
        assert len(parts) == 6, handshake
        self.core, self.protocol, self.network, self.address, self.transport, self.certificate = parts
        der = base64.b64decode(self.certificate + "=" * (-len(self.certificate) % 4))
        self.cert_pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
        self.der = der

    def channel(self) -> grpc.Channel:
        credentials = grpc.ssl_channel_credentials(root_certificates=self.cert_pem)
        return grpc.secure_channel(f"unix:{self.address}", credentials, options=[("grpc.ssl_target_name_override", "localhost")])

    def shutdown(self) -> None:
        with self.channel() as channel:
            grpc_controller_pb2_grpc.GRPCControllerStub(channel).Shutdown(grpc_controller_pb2.Empty(), timeout=10)


def launcher(installation) -> Path:
    return installation.mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / host_platform() / EXECUTABLE


def launch(command: list[str], env: dict[str, str] | None = None) -> Plugin:
    environment = {**os.environ, **PLUGIN_ENV, **(env or {})}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    if not line:
        process.kill()
        raise AssertionError(f"no handshake; stderr: {process.stderr.read()}")
    return Plugin(process, line)


@pytest.fixture
def plugin(terraform_install):
    started = launch([str(launcher(terraform_install))])
    yield started
    if started.process.poll() is None:
        started.process.kill()
    started.process.wait()


def _listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for row in Path(table).read_text().splitlines()[1:]:
                fields = row.split()
                if fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    """Inodes of the process's open sockets; an fd closed while we look (warm-up) is skipped."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def test_handshake_names_a_private_unix_socket_and_the_installed_certificate(plugin, terraform_install):
    assert (plugin.core, plugin.protocol, plugin.network, plugin.transport) == ("1", "6", "unix", "grpc")
    assert not plugin.certificate.endswith("=")
    assert plugin.der == pem_to_der((terraform_install.directory / "runtime" / CERT_FILE).read_bytes())
    directory = Path(plugin.address).parent
    mode = directory.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o700 and mode.st_uid == os.getuid()
    assert stat.S_ISSOCK(Path(plugin.address).stat().st_mode)

    sockets = _socket_inodes(plugin.process.pid)
    assert sockets and not sockets & _listening_tcp_inodes(), "the plugin must never listen on TCP"


def test_schema_over_grpc_describes_every_attribute(plugin):
    with plugin.channel() as channel:
        response = tfplugin_pb2_grpc.ProviderStub(channel).GetProviderSchema(tfplugin_pb2.GetProviderSchema.Request(), timeout=30)
    assert not response.diagnostics
    schema = response.resource_schemas["together_remediation"]
    names = {a.name for a in schema.block.attributes}
    assert {"cluster_id", "instance_id", "mode", "escalation", "triggers", "remediation_id", "wait_for", "attempts", "linked_alerts"} <= names
    for block in [schema.block, response.provider.block]:
        assert all(a.description for a in block.attributes)
    assert next(a for a in response.provider.block.attributes if a.name == "api_key").sensitive


def test_shutdown_exits_the_process_and_removes_the_socket(plugin):
    directory = Path(plugin.address).parent
    plugin.shutdown()
    assert plugin.process.wait(timeout=10) == 0
    assert not directory.exists()


def test_sigint_is_ignored_terraform_sends_stop_provider_itself(plugin):
    plugin.process.send_signal(signal.SIGINT)
    with plugin.channel() as channel:
        stub = tfplugin_pb2_grpc.ProviderStub(channel)
        stub.StopProvider(tfplugin_pb2.StopProvider.Request(), timeout=10)
        assert stub.GetMetadata(tfplugin_pb2.GetMetadata.Request(), timeout=10).resources[0].type_name == "together_remediation"
    assert plugin.process.poll() is None


def test_runs_with_a_read_only_home_and_without_an_install(tmp_path):
    # Started by hand: no runtime directory, so the launch makes its certificate in memory.
    read_only_home = tmp_path / "home"
    read_only_home.mkdir(mode=0o500)
    started = launch([sys.executable, "-m", "provider_shim"], env={"HOME": str(read_only_home)})
    try:
        assert started.protocol == "6" and started.der
        started.shutdown()
        assert started.process.wait(timeout=10) == 0
        assert list(read_only_home.iterdir()) == []
    finally:
        if started.process.poll() is None:
            started.process.kill()


def test_refuses_to_run_outside_terraform():
    result = subprocess.run([sys.executable, "-m", "provider_shim"], capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != MAGIC_COOKIE_KEY})
    assert result.returncode == 1 and "Terraform starts it" in result.stderr and result.stdout == ""


def test_an_orphaned_plugin_exits_by_itself(terraform_install, tmp_path):
    pid_file, handshake = tmp_path / "pid", tmp_path / "handshake"
    # The shell starts the plugin, waits for its handshake, then exits, as a dying terraform would.
    subprocess.run(
        [
            "sh",
            "-c",
            f'"{launcher(terraform_install)}" >"{handshake}" 2>/dev/null & echo $! > "{pid_file}"; '
            f'while [ ! -s "{handshake}" ]; do sleep 0.05; done',
        ],
        env={**os.environ, **PLUGIN_ENV},
        check=True,
    )
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the orphaned plugin kept running"
        time.sleep(0.1)
