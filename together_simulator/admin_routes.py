"""The simulator-only admin API under ``/_simulator/``: no auth, loopback clients only.

It shapes the simulated world (clusters, alerts, policies, out-of-band changes) and its
behaviour (lifecycle durations, failures, faults), and reports counters. See docs/simulator.md.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from together_api.errors import RpcCode

from together_simulator import clusters, health_checks
from together_simulator.errors import ApiError, invalid
from together_simulator.faults import FaultConfig
from together_simulator.service import Service
from together_simulator.stats import Stats

PREFIX = "/_simulator"


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("testclient", "localhost")


async def body_of(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid("the request body is not valid JSON") from None


def admin_routes(service: Service, faults: FaultConfig, stats: Stats) -> list[Route]:
    def endpoint(handler: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            if not is_loopback(request):
                return ApiError(RpcCode.PERMISSION_DENIED, "the admin API answers loopback clients only").response()
            try:
                service.advance_due()
                return JSONResponse(await handler(request))
            except ApiError as error:
                return error.response()

        return run

    async def health(request: Request) -> Any:
        return {"status": "ok"}

    async def get_stats(request: Request) -> Any:
        total, by_state = service.counts()
        return {**stats.to_json(), "remediations_total": total, "remediations_by_state": by_state}

    async def reset_stats(request: Request) -> Any:
        stats.reset()
        return await get_stats(request)

    async def get_faults(request: Request) -> Any:
        return faults.to_json()

    async def put_faults(request: Request) -> Any:
        faults.update(await body_of(request))
        return faults.to_json()

    async def get_lifecycle(request: Request) -> Any:
        return service.lifecycle.to_json()

    async def put_lifecycle(request: Request) -> Any:
        service.lifecycle.update(await body_of(request))
        return service.lifecycle.to_json()

    async def get_failures(request: Request) -> Any:
        return service.failures.to_json()

    async def put_failures(request: Request) -> Any:
        service.failures.update(await body_of(request))
        return service.failures.to_json()

    def settings() -> dict[str, Any]:
        return {"ignore_remediation_ids": not service.honour_remediation_ids}

    async def get_settings(request: Request) -> Any:
        return settings()

    async def put_settings(request: Request) -> Any:
        body = await body_of(request)
        if not isinstance(body, dict):
            raise invalid("settings must be a JSON object")
        unknown = set(body) - set(settings())
        if unknown:
            raise invalid(f"unknown setting(s): {', '.join(sorted(unknown))}")
        if "ignore_remediation_ids" in body:
            if not isinstance(body["ignore_remediation_ids"], bool):
                raise invalid("ignore_remediation_ids must be true or false")
            service.honour_remediation_ids = not body["ignore_remediation_ids"]
        return settings()

    async def post_alert(request: Request) -> Any:
        return health_checks.inject_alert(service, await body_of(request))

    async def resolve_alert(request: Request) -> Any:
        return health_checks.resolve_alert(service, request.path_params["alert_id"])

    async def put_policy(request: Request) -> Any:
        body = await body_of(request)
        policy = body.get("policy") if isinstance(body, dict) else None
        return health_checks.set_confirmation_policy(service, request.path_params["cluster_id"], policy)

    async def post_cluster(request: Request) -> Any:
        body = await body_of(request)
        if not isinstance(body, dict):
            raise invalid("cluster must be a JSON object")
        cluster_id = body.get("cluster_id")
        name = body.get("name") or cluster_id
        if not isinstance(cluster_id, str) or not isinstance(name, str):
            raise invalid("cluster_id and name must be strings")
        return clusters.add_cluster(service, cluster_id, name, body.get("nodes", 16))

    async def force(request: Request) -> Any:
        body = await body_of(request)
        if not isinstance(body, dict):
            raise invalid("force must be a JSON object")
        return service.force_state(request.path_params["remediation_id"], body.get("state"), body.get("error_message"))

    async def delete(request: Request) -> Any:
        return service.delete_remediation(request.path_params["remediation_id"])

    return [
        Route(f"{PREFIX}/health", endpoint(health), methods=["GET"]),
        Route(f"{PREFIX}/stats", endpoint(get_stats), methods=["GET"]),
        Route(f"{PREFIX}/stats/reset", endpoint(reset_stats), methods=["POST"]),
        Route(f"{PREFIX}/faults", endpoint(get_faults), methods=["GET"]),
        Route(f"{PREFIX}/faults", endpoint(put_faults), methods=["PUT"]),
        Route(f"{PREFIX}/lifecycle", endpoint(get_lifecycle), methods=["GET"]),
        Route(f"{PREFIX}/lifecycle", endpoint(put_lifecycle), methods=["PUT"]),
        Route(f"{PREFIX}/failures", endpoint(get_failures), methods=["GET"]),
        Route(f"{PREFIX}/failures", endpoint(put_failures), methods=["PUT"]),
        Route(f"{PREFIX}/settings", endpoint(get_settings), methods=["GET"]),
        Route(f"{PREFIX}/settings", endpoint(put_settings), methods=["PUT"]),
        Route(f"{PREFIX}/alerts", endpoint(post_alert), methods=["POST"]),
        Route(f"{PREFIX}/alerts/{{alert_id}}/resolve", endpoint(resolve_alert), methods=["POST"]),
        Route(f"{PREFIX}/clusters", endpoint(post_cluster), methods=["POST"]),
        Route(f"{PREFIX}/clusters/{{cluster_id}}/confirmation-policy", endpoint(put_policy), methods=["PUT"]),
        Route(f"{PREFIX}/remediations/{{remediation_id}}/force", endpoint(force), methods=["POST"]),
        Route(f"{PREFIX}/remediations/{{remediation_id}}", endpoint(delete), methods=["DELETE"]),
    ]
