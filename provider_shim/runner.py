"""The plugin process: go-plugin handshake, gRPC over a private unix socket, graceful stop.

What Terraform needs from a plugin, and how this runner answers it:
- Handshake: one stdout line ``1|6|unix|<socket>|grpc|<certificate>``, as soon as possible
  (only grpc and the generated protocol code are imported before it; the provider's own code
  and the HTTP client load on first use).
- Security: Terraform cannot be authenticated as a gRPC client (grpc-python refuses its client
  certificate), so the guard is the socket: it lives in a fresh directory only this user can
  open, and the plugin never listens on TCP. The server presents the install's certificate.
- Concurrency: a worker pool wide enough for any ``-parallelism`` Terraform is run with.
- Stop: SIGINT is ignored (it reaches the whole process group; Terraform sends StopProvider
  itself), StopProvider makes waits return while calls in flight finish normally.
- Exit: after GRPCController.Shutdown the server drains in-flight calls and the process leaves
  with ``os._exit`` at once (no interpreter teardown, which Terraform would wait for). If
  Terraform dies, the plugin notices it was orphaned and leaves too.
"""

from __future__ import annotations

import base64
import os
import signal
import sys
import tempfile
import threading
import traceback

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
RUNTIME_DIR_ENV = "TOGETHER_PROVIDER_RUNTIME"
WORKERS = 128  # wider than any -parallelism in use: each Terraform call holds one thread
SHUTDOWN_GRACE_SECONDS = 30.0
ORPHAN_CHECK_SECONDS = 1.0
MAX_MESSAGE_BYTES = 256 << 20  # Terraform's own limit
MAX_UNIX_SOCKET_PATH = 100


def _refuse(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    sys.exit(1)


def _socket_directory() -> str:
    """A fresh directory only this user can open (mkdtemp makes it 0700)."""
    directory = tempfile.mkdtemp(prefix="tf-together-")
    if len(directory) + len("/plugin.sock") > MAX_UNIX_SOCKET_PATH:  # a long TMPDIR
        os.rmdir(directory)
        directory = tempfile.mkdtemp(prefix="tf-together-", dir="/tmp")
    os.chmod(directory, 0o700)
    return directory


def _remove_socket_directory(directory: str) -> None:
    for name in os.listdir(directory):
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass
    try:
        os.rmdir(directory)
    except OSError:
        pass


class _LazyServicer:
    """Stands in for the provider servicer so that the handshake does not wait for its imports.

    gRPC needs every handler at registration; the provider's own modules load right after the
    handshake (in a warm-up thread), or on the first call if that comes sooner.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._servicer = None

    def load(self):
        with self._lock:
            if self._servicer is None:
                from provider_shim.framework import log
                from provider_shim.provider import TogetherProvider
                from provider_shim.servicer import ProviderServicer

                log.setup()
                self._servicer = ProviderServicer(TogetherProvider())
            return self._servicer

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def handle(request, context):
            return getattr(self._servicer or self.load(), method)(request, context)

        return handle


def _serialize(message) -> bytes:
    """Messages are serialized; bytes (an answer serialized once, the schema) go out as they are."""
    return message if isinstance(message, bytes) else message.SerializeToString()


def _provider_handlers(servicer):
    """The tfplugin6.Provider service, every method from the generated descriptor."""
    import grpc
    from tf.gen import tfplugin_pb2

    service = tfplugin_pb2.DESCRIPTOR.services_by_name["Provider"]
    handlers = {}
    for method in service.methods:
        if method.client_streaming or method.server_streaming:
            continue  # none that Terraform sends this provider; unregistered means UNIMPLEMENTED
        request_class = tfplugin_pb2
        for part in method.input_type.full_name.split(".")[1:]:  # tfplugin6.Foo.Request
            request_class = getattr(request_class, part)
        handlers[method.name] = grpc.unary_unary_rpc_method_handler(
            getattr(servicer, method.name), request_deserializer=request_class.FromString, response_serializer=_serialize
        )
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        _refuse(
            "This is a Terraform provider plugin: Terraform starts it. Install it with "
            "`together-remediation provider install` and run terraform."
        )
    versions = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "6").split(",")
    if "6" not in versions:
        _refuse(f"This provider speaks plugin protocol 6; Terraform offered {','.join(versions)}.")
    parent = os.getppid()

    from concurrent.futures import ThreadPoolExecutor

    import grpc
    from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc, grpc_stdio_pb2_grpc

    from provider_shim.tls import load_certificate, pem_to_der

    servicer = _LazyServicer()
    server = grpc.server(
        ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="tfplugin"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    leave = threading.Event()

    class Controller(grpc_controller_pb2_grpc.GRPCControllerServicer):
        def Shutdown(self, request, context):
            # Drain in a helper thread so this reply is sent first; then leave at once.
            threading.Thread(target=lambda: (server.stop(SHUTDOWN_GRACE_SECONDS).wait(), leave.set()), daemon=True).start()
            return grpc_controller_pb2.Empty()

    class Stdio(grpc_stdio_pb2_grpc.GRPCStdioServicer):
        def StreamStdio(self, request, context):
            return iter(())  # logs go to stderr, which go-plugin reads directly

    server.add_generic_rpc_handlers((_provider_handlers(servicer),))
    grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(Controller(), server)
    grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(Stdio(), server)

    cert_pem, key_pem = load_certificate(os.environ.get(RUNTIME_DIR_ENV))
    credentials = grpc.ssl_server_credentials([(key_pem, cert_pem)], require_client_auth=False)
    directory = _socket_directory()
    socket_path = os.path.join(directory, "plugin.sock")
    exit_code = 0
    try:
        server.add_secure_port(f"unix:{socket_path}", credentials)
        server.start()
        certificate = base64.b64encode(pem_to_der(cert_pem)).decode().rstrip("=")
        sys.stdout.write(f"1|6|unix|{socket_path}|grpc|{certificate}\n")
        sys.stdout.flush()
        sys.stdout = sys.stderr  # nothing else may reach the handshake channel
        threading.Thread(target=servicer.load, name="warm-up", daemon=True).start()

        while not leave.wait(ORPHAN_CHECK_SECONDS):
            if os.getppid() != parent:  # Terraform is gone: nobody will read our answers
                server.stop(0)
                break
    except BaseException:  # os._exit below would swallow the traceback: show it first
        traceback.print_exc()
        exit_code = 1
    finally:
        _remove_socket_directory(directory)
        sys.stderr.flush()
        os._exit(exit_code)
