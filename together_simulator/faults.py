"""Fault injection and the per-request log, as an ASGI middleware in front of the app.

Faults apply to ``/v1`` routes only, never to the admin API. Latency is an ``asyncio.sleep``
outside any lock, so many slow requests really are in flight at once. A "reset" closes the
connection with an RST and no response; "drop after commit" lets a create commit, then does
the same instead of answering.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import struct
import time
from dataclasses import dataclass, field, fields
from typing import Any

from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from together_api.errors import RpcCode

from together_simulator.errors import invalid, rpc_error_response
from together_simulator.stats import Stats

log = logging.getLogger("together_simulator")

CREATE_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    error_5xx_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after_seconds: float = 1.0
    reset_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    seed: int | None = None
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.rng.seed(self.seed)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rng"}

    def update(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise invalid("faults must be a JSON object")
        names = {f.name for f in fields(self)} - {"rng"}
        unknown = set(body) - names
        if unknown:
            raise invalid(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        for name, value in body.items():
            if name == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise invalid("seed must be an integer or null")
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise invalid(f"{name} must be a number >= 0")
            if name.endswith("_rate") and value > 1:
                raise invalid(f"{name} is a probability: between 0 and 1")
        for name, value in body.items():
            setattr(self, name, value if name == "seed" else float(value))
        if "seed" in body:
            self.rng.seed(self.seed)

    def roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate


def route_template(router: Router, scope: Scope) -> str:
    """``METHOD /path/{param}``: the route a request matched, never the raw path."""
    for route in router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return f"{scope['method']} {getattr(route, 'path', scope['path'])}"
    return f"{scope['method']} (unmatched)"


async def abort_connection(send: Send) -> None:
    """Close the client's connection with an RST and no response (uvicorn's transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:  # not under uvicorn: the best we can do is an error
        raise ConnectionAbortedError("simulated connection reset")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()
    # Let uvicorn see the connection lost before the app returns, so it sends nothing more.
    for _ in range(3):
        await asyncio.sleep(0)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, router: Router, faults: FaultConfig, stats: Stats) -> None:
        self.app = app
        self.router = router
        self.faults = faults
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        route = route_template(self.router, scope)
        status = {"code": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        is_api = scope["path"].startswith("/v1/")
        outcome = ""
        if is_api:
            self.stats.request_started(route)
        try:
            if is_api:
                outcome = await self._serve_with_faults(scope, receive, send, send_logged, route)
            else:
                await self.app(scope, receive, send_logged)
        finally:
            if is_api:
                self.stats.request_finished()
            elapsed_ms = (time.perf_counter() - started) * 1000
            shown = outcome or str(status["code"])
            log.info("%s %s %s %.1fms", scope["method"], route.split(" ", 1)[1], shown, elapsed_ms)

    async def _serve_with_faults(self, scope: Scope, receive: Receive, send: Send, send_logged: Send, route: str) -> str:
        faults = self.faults
        if faults.latency_ms > 0:
            self.stats.fault("latency")
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.roll(faults.reset_rate):
            self.stats.fault("reset")
            await abort_connection(send)
            return "reset"
        if faults.roll(faults.rate_limit_rate):
            self.stats.fault("http_429")
            retry_after = faults.retry_after_seconds
            header = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
            response = rpc_error_response(
                RpcCode.RESOURCE_EXHAUSTED, "rate limit exceeded: slow down and retry", {"Retry-After": header}
            )
            await response(scope, receive, send_logged)
            return ""
        if faults.roll(faults.error_5xx_rate):
            self.stats.fault("http_5xx")
            response = rpc_error_response(RpcCode.UNAVAILABLE, "the service is temporarily unavailable")
            await response(scope, receive, send_logged)
            return ""
        if route == CREATE_ROUTE and faults.roll(faults.drop_after_commit_rate):
            # Run the create (it commits), swallow its answer, then drop the connection.
            answered: dict[str, int] = {}

            async def swallow(message: Message) -> None:
                if message["type"] == "http.response.start":
                    answered["status"] = message["status"]

            await self.app(scope, receive, swallow)
            self.stats.fault("drop_after_commit")
            await abort_connection(send)
            return f"dropped-after-{answered.get('status', 0)}"
        await self.app(scope, receive, send_logged)
        return ""
