"""A small scripted HTTP server on 127.0.0.1 for the client tests.

Each route answers from a queue of scripted responses (the last one repeats) and every request
is recorded, so a test can assert exactly what the client sent and how often.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Scripted:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    reset: bool = False  # close the connection without answering


@dataclass
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any


class FakeServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Scripted]] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with server._lock:
                    server.requests.append(
                        Recorded(self.command, url.path, parse_qsl(url.query), dict(self.headers), body)
                    )
                    queue = server.routes.get((self.command, url.path))
                    scripted = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Scripted(
                        404, {"code": 5, "message": f"no route {url.path}", "details": []}
                    )
                if scripted.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = scripted.raw if scripted.raw is not None else json.dumps(scripted.body).encode()
                self.send_response(scripted.status)
                self.send_header("Content-Length", str(len(payload)))
                if scripted.raw is None:
                    self.send_header("Content-Type", "application/json")
                for key, value in scripted.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def root_url(self) -> str:
        """The server's root, the SDK's form of a base URL."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """``root_url`` + ``/v1``, the other form the client accepts."""
        return f"{self.root_url}/v1"

    def script(self, method: str, path: str, *responses: Scripted) -> None:
        self.routes[(method, "/v1" + path)] = list(responses)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == "/v1" + path]

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
