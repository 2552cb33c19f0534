"""The plugin process: go-plugin handshake, gRPC over a private unix socket, graceful stop.

What Terraform needs from a plugin, and how this runner answers it:
- Handshake: one stdout line ``1|6|unix|<socket>|grpc|<certificate>``, as soon as possible
  (only grpc is imported before it; the protocol code, the provider's own code and the HTTP
  client load on first use). The first launch of each command only asks for the schema: it is
  answered from bytes an earlier launch wrote (``schema_cache``) and imports nothing more. A
  warm-up thread loading the provider after the handshake was measured to cost that launch
  about 30 ms of its 200 and to gain the others nothing (their first call comes at once).
- Security: Terraform cannot be authenticated as a gRPC client (grpc-python refuses its client
  certificate), so the guard is the socket: it lives in a fresh directory only this user can
  open, and the plugin never listens on TCP. The server presents the install's certificate.
- Concurrency: a worker pool wide enough for any ``-parallelism`` Terraform is run with.
- Stop: SIGINT is ignored (it reaches the whole process group; Terraform sends StopProvider
  itself), StopProvider makes waits return while calls in flight finish normally.
- Exit: after GRPCController.Shutdown the server drains in-flight calls, the provider writes
  what it kept for the launch's end (the released journal), and the process leaves with
  ``os._exit`` at once (no interpreter teardown, which Terraform would wait for). If Terraform
  dies, the plugin notices it was orphaned and leaves too, after the same last write.
"""

from __future__ import annotations

import base64
import os
import signal
import sys
import threading

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


def _fresh_directory(parent: str) -> str:
    """A new directory only this user can open: mkdir fails rather than reuse an existing name.

    (tempfile.mkdtemp does the same; importing tempfile cost 7 ms of every launch.)"""
    while True:
        directory = os.path.join(parent, f"tf-together-{os.urandom(6).hex()}")
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            continue
        os.chmod(directory, 0o700)  # whatever the umask
        return directory


def _socket_directory() -> str:
    parent = os.environ.get("TMPDIR") or "/tmp"
    if len(parent) + len("/tf-together-123456789abc/plugin.sock") > MAX_UNIX_SOCKET_PATH:  # a long TMPDIR
        parent = "/tmp"
    try:
        return _fresh_directory(parent)
    except OSError:  # a TMPDIR that is missing or not writable
        return _fresh_directory("/tmp")


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
    """Stands in for the provider servicer so that the handshake does not wait for its imports:
    the provider's own modules load on the first call that needs them."""

    def __init__(self, runtime_dir: str | None = None) -> None:
        self._lock = threading.Lock()
        self._servicer = None
        self._runtime_dir = runtime_dir

    def load(self):
        with self._lock:
            if self._servicer is None:
                from provider_shim.framework import log
                from provider_shim.provider import TogetherProvider
                from provider_shim.servicer import ProviderServicer

                log.setup()
                self._servicer = ProviderServicer(TogetherProvider())
            return self._servicer

    def close(self) -> None:
        """After the last call: the provider writes what it kept for the launch's end."""
        if self._servicer is not None:
            try:
                self._servicer.provider.close()
            except Exception as exc:  # leaving anyway: say why it could not finish
                sys.stderr.write(f"closing the provider: {exc}\n")

    def GetProviderSchema(self, request, context):
        """The first launch of every command asks only this: answer from the runtime directory's
        copy when it is current, so that launch never imports the provider."""
        from provider_shim import schema_cache

        key = schema_cache.fingerprint()
        if self._servicer is None:
            cached = schema_cache.load(self._runtime_dir, key)
            if cached is not None:
                return cached
        answer = self.load().GetProviderSchema(request, context)
        schema_cache.store(self._runtime_dir, key, answer)
        return answer

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def handle(request, context):
            return getattr(self._servicer or self.load(), method)(request, context)

        return handle


def _serialize(message) -> bytes:
    """Messages are serialized; bytes (an answer serialized once, the schema) go out as they are."""
    return message if isinstance(message, bytes) else message.SerializeToString()


def _ignore_request(raw: bytes) -> bytes:
    return raw  # for calls whose request carries nothing the answer depends on


class _Handlers:
    """gRPC's generic handler for the three services Terraform calls, each method's handler made
    on its first call: no protocol code is imported before the handshake, and a launch that only
    answers the schema (from ``schema_cache``) and shuts down imports none at all.

    Unlisted methods (GRPCBroker.StartStream, streaming RPCs) answer UNIMPLEMENTED, as go-plugin expects.
    """

    PROVIDER = "/tfplugin6.Provider/"
    # Requests that are empty messages: their bytes are never decoded.
    WITHOUT_REQUEST = ("/tfplugin6.Provider/GetProviderSchema", "/plugin.GRPCController/Shutdown", "/plugin.GRPCStdio/StreamStdio")

    def __init__(self, servicer, shutdown, grpc_module):
        self._grpc = grpc_module
        self._servicer = servicer
        self._shutdown = shutdown
        self._lock = threading.Lock()
        self._made: dict = {}

    def service(self, details):
        method = details.method
        handler = self._made.get(method)
        if handler is None and method not in self._made:
            with self._lock:
                handler = self._made[method] = self._make(method)
        return handler

    def _make(self, method: str):
        grpc = self._grpc
        if method == "/plugin.GRPCController/Shutdown":
            return grpc.unary_unary_rpc_method_handler(self._shutdown, _ignore_request, _serialize)
        if method == "/plugin.GRPCStdio/StreamStdio":
            # Logs go to stderr, which go-plugin reads directly: the stream ends at once.
            return grpc.unary_stream_rpc_method_handler(lambda request, context: iter(()), _ignore_request, _serialize)
        if not method.startswith(self.PROVIDER):
            return None
        name = method[len(self.PROVIDER):]
        if method in self.WITHOUT_REQUEST:
            return grpc.unary_unary_rpc_method_handler(getattr(self._servicer, name), _ignore_request, _serialize)
        from tf.gen import tfplugin_pb2

        found = tfplugin_pb2.DESCRIPTOR.services_by_name["Provider"].methods_by_name.get(name)
        if found is None or found.client_streaming or found.server_streaming:
            return None
        request_class = tfplugin_pb2
        for part in found.input_type.full_name.split(".")[1:]:  # tfplugin6.Foo.Request
            request_class = getattr(request_class, part)
        return grpc.unary_unary_rpc_method_handler(getattr(self._servicer, name), request_class.FromString, _serialize)


def tune_interpreter() -> None:
    """The interpreter settings of a plugin process (measured: see docs/performance.md)."""
    import gc

    # A launch allocates many short-lived objects (protobuf messages, state dicts) and few cycles:
    # collecting the young generation every 700 allocations costs more than it frees.
    gc.set_threshold(20_000, 20, 20)
    # gRPC's one dispatcher thread needs the GIL to hand each call to a worker; with busy workers it
    # would wait up to the default 5 ms switch interval per call (measured: -10% wall per refresh).
    sys.setswitchinterval(0.0005)


def main(servicer=None) -> None:
    """Serve the provider (or ``servicer``: the benchmark's echo serves through this same path)."""
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

    from provider_shim.tls import load_certificate, pem_to_der

    runtime_dir = os.environ.get(RUNTIME_DIR_ENV)
    servicer = servicer if servicer is not None else _LazyServicer(runtime_dir)
    server = grpc.server(
        ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="tfplugin"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    leave = threading.Event()

    def shutdown(request, context) -> bytes:
        # Drain in a helper thread so this reply is sent first; then leave at once.
        threading.Thread(target=lambda: (server.stop(SHUTDOWN_GRACE_SECONDS).wait(), servicer.close(), leave.set()), daemon=True).start()
        return b""  # plugin.Empty

    server.add_generic_rpc_handlers((_Handlers(servicer, shutdown, grpc),))

    cert_pem, key_pem = load_certificate(runtime_dir)
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

        while not leave.wait(ORPHAN_CHECK_SECONDS):
            if os.getppid() != parent:  # Terraform is gone: nobody will read our answers
                server.stop(0).wait()
                servicer.close()
                break
    except BaseException:  # os._exit below would swallow the traceback: show it first
        import traceback

        traceback.print_exc()
        exit_code = 1
    finally:
        _remove_socket_directory(directory)
        sys.stderr.flush()
        os._exit(exit_code)
