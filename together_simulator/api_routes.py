"""The ``/v1`` routes: Together's remediation endpoints and the cluster lookups (and ``/v3/whoami``)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from together_api.errors import RpcCode

from together_simulator import clusters, identity
from together_simulator.errors import ApiError, invalid
from together_simulator.service import Service, approval_override

REMEDIATIONS = "/v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
REMEDIATION = REMEDIATIONS + "/{remediation_id}"

Handler = Callable[[Request, Service], Awaitable[Any]]


async def read_json(request: Request, *, required: bool) -> Any:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise invalid("the request body must be a JSON object")
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid("the request body is not valid JSON") from None


def comment_of(body: Any) -> str | None:
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object")
    comment = body.get("comment", "")
    if not isinstance(comment, str):
        raise invalid("comment must be a string")
    return comment or None


async def create(request: Request, service: Service) -> Any:
    p = request.path_params
    body = await read_json(request, required=True)
    # An empty query value is an unset field, as grpc-gateway reads proto3 strings.
    chosen = single(request, "remediation_id") or None
    return service.create(p["cluster_id"], p["instance_id"], body, chosen)


def single(request: Request, *names: str) -> str | None:
    """A non-repeated query parameter (camelCase or snake_case); repeating it is an error."""
    values = [v for name in names for v in request.query_params.getlist(name)]
    if len(values) > 1:
        raise invalid(f"{names[0]} must be given at most once")
    return values[0] if values else None


def listed(request: Request, name: str) -> list[str]:
    """A repeated filter, sent either way: ``state=A,B`` (the SDK's form) or ``state=A&state=B``."""
    return [value.strip() for raw in request.query_params.getlist(name) for value in raw.split(",") if value.strip()]


async def list_remediations(request: Request, service: Service) -> Any:
    p = request.path_params
    return service.list(
        p["cluster_id"],
        p["instance_id"],
        states=listed(request, "state"),
        modes=listed(request, "mode"),
        triggers=listed(request, "trigger"),
        order_by=single(request, "order_by", "orderBy"),
        size=single(request, "page_size", "pageSize"),
        token=single(request, "page_token", "pageToken"),
    )


async def get(request: Request, service: Service) -> Any:
    p = request.path_params
    return service.get(p["cluster_id"], p["instance_id"], p["remediation_id"])


async def approve(request: Request, service: Service) -> Any:
    p = request.path_params
    # The spec makes approve's body required (``{}`` will do); reject's is optional.
    body = await read_json(request, required=True)
    comment = comment_of(body)
    mode = approval_override(body.get("mode"))
    return service.approve(p["cluster_id"], p["instance_id"], p["remediation_id"], comment, mode)


async def reject(request: Request, service: Service) -> Any:
    p = request.path_params
    comment = comment_of(await read_json(request, required=False))
    return service.reject(p["cluster_id"], p["instance_id"], p["remediation_id"], comment)


async def cancel(request: Request, service: Service) -> Any:
    p = request.path_params
    return service.cancel(p["cluster_id"], p["instance_id"], p["remediation_id"])


async def list_clusters(request: Request, service: Service) -> Any:
    return clusters.list_clusters(service)


async def get_cluster(request: Request, service: Service) -> Any:
    return clusters.get_cluster(service, request.path_params["cluster_id"])


async def whoami(request: Request, service: Service) -> Any:
    return identity.whoami()


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def api_routes(service: Service, api_keys: frozenset[str]) -> list[Route]:
    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            key = bearer_key(request)
            try:
                if key is None:
                    raise ApiError(RpcCode.UNAUTHENTICATED, "missing API key: send Authorization: Bearer <key>")
                if key not in api_keys:
                    raise ApiError(RpcCode.UNAUTHENTICATED, "invalid API key")
                service.advance_due()
                return JSONResponse(await handler(request, service))
            except ApiError as error:
                return error.response()

        return run

    return [
        Route(REMEDIATIONS, endpoint(create), methods=["POST"]),
        Route(REMEDIATIONS, endpoint(list_remediations), methods=["GET"]),
        Route(REMEDIATION, endpoint(get), methods=["GET"]),
        Route(REMEDIATION + "/approve", endpoint(approve), methods=["POST"]),
        Route(REMEDIATION + "/reject", endpoint(reject), methods=["POST"]),
        Route(REMEDIATION + "/cancel", endpoint(cancel), methods=["POST"]),
        Route("/v1/compute/clusters", endpoint(list_clusters), methods=["GET"]),
        Route("/v1/compute/clusters/{cluster_id}", endpoint(get_cluster), methods=["GET"]),
        Route("/v3/whoami", endpoint(whoami), methods=["GET"]),
    ]
