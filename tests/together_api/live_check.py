"""Read-only calls against the real API, each answer checked with our models and the SDK's.

    TOGETHER_API_KEY=... TOGETHER_LIVE_CLUSTER_ID=... make live-check

``TOGETHER_BASE_URL`` (either form) points it elsewhere. It lists the clusters, gets the cluster,
lists its remediations (all of them, then only the active ones: the SDK's comma-joined filter)
and gets one. Every answer goes through the project's client (so its models read it) and is
then validated again, strictly, with Together's SDK models: a mismatch is drift between the live
API and the contract. It creates, approves or cancels nothing. Without the two variables it says
it is skipped and why, and exits 0. It never prints the key, nor an answer's content (a cluster
carries a kube_config): problems are named by field.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pydantic

from together_api import vocabulary
from together_api.client import RetryPolicy, TogetherClient
from together_api.errors import InvalidApiKeyError, InvalidBaseURLError, TogetherAPIError, field_problems

REQUIRED = ("TOGETHER_API_KEY", "TOGETHER_LIVE_CLUSTER_ID")


class RecordingTransport(httpx.HTTPTransport):
    """The default transport, keeping the last answer's body for the SDK's validation."""

    def __init__(self) -> None:
        super().__init__()
        self.last: bytes = b""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.last = response.read()
        return response


def sdk_problems(model: type[pydantic.BaseModel], raw: bytes) -> list[str]:
    """What the SDK's model, in strict mode, finds wrong with an answer (by field, no content)."""
    try:
        model.model_validate_json(raw, strict=True)
    except pydantic.ValidationError as exc:
        return field_problems(exc.errors(include_url=False))
    return []


class LiveCheck:
    def __init__(self, client: TogetherClient, transport: RecordingTransport, out: Callable[[str], None]) -> None:
        self.client = client
        self.transport = transport
        self.out = out
        self.failures = 0

    def check(self, what: str, call: Callable[[], Any], sdk_model: type[pydantic.BaseModel], summary: Callable[[Any], str]) -> Any:
        try:
            result = call()  # the project's models read the answer here
        except TogetherAPIError as exc:  # already names the request, redacted of the key
            self.failures += 1
            self.out(f"FAIL  {exc}" if exc.method else f"FAIL  {what}: {exc}")
            return None
        problems = sdk_problems(sdk_model, self.transport.last)
        if problems:
            self.failures += 1
            self.out(f"FAIL  {what}: read by the project's models, but the SDK's {sdk_model.__name__} (strict) says: "
                     + "; ".join(problems))
        else:
            self.out(f"ok    {what}: {summary(result)}; project models ok; SDK {sdk_model.__name__} (strict) ok")
        return result


def run(env: dict[str, str], out: Callable[[str], None] = print) -> int:
    missing = [name for name in REQUIRED if not env.get(name, "").strip()]
    if missing:
        out(
            f"live-check skipped: {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. "
            f"Set {' and '.join(REQUIRED)} (and optionally TOGETHER_BASE_URL) to run read-only calls against the real API."
        )
        return 0

    # The SDK is the oracle, imported only when there is something to check.
    from together.types import Cluster, ClusterListResponse
    from together.types.clusters import Remediation, RemediationListResponse

    cluster_id = env["TOGETHER_LIVE_CLUSTER_ID"].strip()
    transport = RecordingTransport()
    try:
        client = TogetherClient(
            api_key=env["TOGETHER_API_KEY"],
            base_url=env.get("TOGETHER_BASE_URL") or None,
            retry=RetryPolicy(max_attempts=3),
            transport=transport,
        )
    except (InvalidApiKeyError, InvalidBaseURLError) as exc:
        out(f"live-check cannot start: {exc}")
        return 1

    with client:
        out(f"live-check against {client.base_url} (read-only), cluster {cluster_id}")
        live = LiveCheck(client, transport, out)
        live.check(
            "GET /v1/compute/clusters",
            client.list_clusters,
            ClusterListResponse,
            lambda clusters: f"{len(clusters)} clusters, {cluster_id} "
            + ("among them" if any(c.cluster_id == cluster_id for c in clusters) else "NOT among them"),
        )
        live.check(
            f"GET /v1/compute/clusters/{cluster_id}",
            lambda: client.get_cluster(cluster_id),
            Cluster,
            lambda cluster: f"{cluster.cluster_name!r}, {len(cluster.gpu_worker_nodes)} GPU worker nodes",
        )
        page = live.check(
            f"GET /v1/compute/clusters/{cluster_id}/instances/-/remediations",
            lambda: client.list_remediations(cluster_id, "-", page_size=50),
            RemediationListResponse,
            lambda page: f"{len(page.remediations)} remediations on the first page",
        )
        live.check(
            f"GET /v1/compute/clusters/{cluster_id}/instances/-/remediations?state=<active states>",
            lambda: client.list_remediations(cluster_id, "-", states=sorted(vocabulary.ACTIVE_STATES), page_size=50),
            RemediationListResponse,
            lambda page: f"{len(page.remediations)} active remediations",
        )
        if page is not None and page.remediations:
            first = page.remediations[0]
            live.check(
                f"GET /v1/compute/clusters/{cluster_id}/instances/{first.instance_id}/remediations/{first.id}",
                lambda: client.get_remediation(cluster_id, first.instance_id, first.id),
                Remediation,
                lambda r: f"state {getattr(r.state, 'value', r.state)}",
            )
    if live.failures:
        out(f"live-check: {live.failures} check(s) failed")
        return 1
    out("live-check: the live API matches the project's models and the SDK's")
    return 0


if __name__ == "__main__":
    sys.exit(run(dict(os.environ)))
