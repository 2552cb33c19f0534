"""The ASGI app: ``/v1`` API routes and the ``/_simulator`` admin routes, behind the fault
and log middleware."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router

from together_api.errors import RpcCode

from together_simulator.admin_routes import admin_routes
from together_simulator.api_routes import api_routes
from together_simulator.errors import rpc_error_response
from together_simulator.faults import FaultConfig, FaultMiddleware
from together_simulator.lifecycle import FailureConfig, LifecycleConfig
from together_simulator.service import Service
from together_simulator.stats import Stats
from together_simulator.store import Store


@dataclass
class Simulator:
    """Everything one running simulator holds."""

    store: Store
    api_keys: frozenset[str]
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    failures: FailureConfig = field(default_factory=FailureConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        self.service = Service(self.store, self.lifecycle, self.failures)


def allowed_methods(router: Router, path: str) -> list[str]:
    """Every method some route serves at ``path`` (a path can have one route per method)."""
    methods: set[str] = set()
    for route in router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods - {"HEAD"})


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer an ``rpcStatus`` too, like grpc-gateway's router."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        response = rpc_error_response(RpcCode.UNIMPLEMENTED, f"method {request.method} is not allowed here")
        response.status_code = 405
        response.headers["Allow"] = ", ".join(allowed_methods(request.app.router, request.url.path))
        return response
    return rpc_error_response(RpcCode.NOT_FOUND, f"no such path: {request.url.path}")


def build_app(sim: Simulator) -> FaultMiddleware:
    routes = api_routes(sim.service, sim.api_keys) + admin_routes(sim.service, sim.faults, sim.stats)
    app = Starlette(routes=routes, exception_handlers={404: http_error, 405: http_error})
    router: Router = app.router
    return FaultMiddleware(app, router, sim.faults, sim.stats)
