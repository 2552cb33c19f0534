"""A small HTTP server that answers exactly in the live API's shapes, for the provider's tests.

Every response is built from Together's SDK models (``together.types``, the contract) with
``model_validate`` (so a field the live API requires cannot be left out) and sent as
``model_dump(mode="json")``. It knows one cluster, ``cluster-live``, whose worker nodes have the
live shape (``node_id`` is the node's name; no ``node_name``), and a remediation per instance as
the tests seed it. List filters are read as the SDK sends them (one parameter, values joined by
commas) and as repeated keys. Every request is recorded in ``requests``.

    with LiveShapeServer() as server:
        server.seed_remediation(...)
        ws = terraform_workspace(base_url=server.root_url, api_key=server.api_key)
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from together.types.cluster import Cluster
from together.types.clusters.remediation import Remediation
from together.types.clusters.remediation_list_response import RemediationListResponse

CLUSTER = "cluster-live"
NODES = 4
NOW = "2026-11-02T08:00:00Z"
API_KEY = "live-shape-key"
# Modes that cordon the host first: a create of one answers QUARANTINING, as the live API does.
CORDONING = {"REMEDIATION_MODE_HOST_AWARE", "REMEDIATION_MODE_HOST_POWER_CYCLE"}

REMEDIATIONS_PATH = re.compile(r"^/v1/compute/clusters/([^/]+)/instances/([^/]+)/remediations$")
REMEDIATION_PATH = re.compile(r"^/v1/compute/clusters/([^/]+)/instances/([^/]+)/remediations/([^/]+)$")
CLUSTER_PATH = re.compile(r"^/v1/compute/clusters/([^/]+)$")


def instance_id(n: int) -> str:
    return f"0b7c{n:04d}-1111-4222-8333-444455556666"


def node_name(n: int) -> str:
    return f"gpu-{n:02d}"


def _node(n: int, latest: dict | None) -> dict[str, Any]:
    return {
        "node_id": node_name(n),
        "host_name": f"host-a{n:02d}",
        "status": "Ready",
        "num_cpu_cores": 96,
        "num_gpus": 8,
        "memory_gib": 1024.0,
        "networks": ["10.0.0.0/16"],
        "phase_transitions": [{"phase": "NODE_PHASE_RUNNING", "transition_time": NOW}],
        "instance_id": instance_id(n),
        "auto_remediation_enabled": n != NODES,
        "marked_for_deletion": False,
        "latest_remediation": latest,
    }


def cluster_json(latest_by_instance: dict[str, dict]) -> dict[str, Any]:
    cluster = Cluster.model_validate(
        {
            "add_ons": [],
            "allocated_preemptible_gpus": 0,
            "billing_type": "RESERVED",
            "cluster_id": CLUSTER,
            "cluster_name": "live",
            "cluster_type": "KUBERNETES",
            "control_plane_nodes": [],
            "cuda_version": "12.8",
            "desired_preemptible_gpus": 0,
            "gpu_type": "H100_SXM",
            "gpu_worker_nodes": [_node(n, latest_by_instance.get(instance_id(n))) for n in range(1, NODES + 1)],
            "kube_config": "apiVersion: v1  # a credential the provider must never read",
            "num_capacity_pool_gpus": 0,
            "num_cpu_workers": 0,
            "num_gpus": 8 * NODES,
            "num_reserved_gpus": 8 * NODES,
            "nvidia_driver_version": "570",
            "phase_transitions": [{"phase": "CLUSTER_PHASE_READY", "transition_time": NOW}],
            "project_id": "proj-live",
            "region": "us-central-8",
            "status": "Ready",
            "volumes": [],
        }
    )
    return cluster.model_dump(mode="json")


def alert_json(instance: str) -> dict[str, Any]:
    """A linked alert with its typed annotation, as the live API sends it."""
    return {
        "alert_name": "GPUXidError",
        "annotation": {
            "title": "GPU fell off the bus",
            "summary_line": "Xid 79 seen 3 times on GPU 5",
            "description": "The GPU stopped responding to the driver.",
            "xid": {"events": [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus", "count": 3}]},
            "slurm_node_unavailable": {"reason": "Xid 79"},
        },
        "annotations": {"summary": "GPU fell off the bus"},
        "cluster_id": CLUSTER,
        "passive_health_check_alert_id": f"alert-{instance[:8]}",
        "severity": "PHC_SEVERITY_CRITICAL",
        "started_at": NOW,
        "target_vm": f"vm-{instance[:8]}",
        "instance_id": instance,
    }


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


class LiveShapeServer:
    def __init__(self) -> None:
        self.api_key = API_KEY
        self.requests: list[RecordedRequest] = []
        self.remediations: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def root_url(self) -> str:
        """The SDK's form of the base URL: the host, no ``/v1``."""
        return f"http://127.0.0.1:{self._http.server_port}"

    def __enter__(self) -> LiveShapeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    # ---- the world ------------------------------------------------------------------------

    def seed_remediation(self, instance: str, mode: str, state: str, *, trigger: str = "REMEDIATION_TRIGGER_AUTOMATED") -> dict:
        return self._store(
            {
                "id": str(uuid.uuid4()), "cluster_id": CLUSTER, "instance_id": instance, "mode": mode, "state": state,
                "trigger": trigger, "create_time": NOW, "update_time": NOW, "requested_by": "health-checks",
                "reason": "Xid 79", "linked_alerts": [alert_json(instance)],
            }
        )

    def _store(self, fields: dict[str, Any]) -> dict[str, Any]:
        remediation = Remediation.model_validate(fields).model_dump(mode="json")
        with self._lock:
            self.remediations[remediation["id"]] = remediation
        return remediation

    def _list(self, cluster: str, instance: str, query: dict[str, list[str]]) -> dict[str, Any]:
        def values(*names: str) -> set[str]:
            return {v for name in names for joined in query.get(name, []) for v in joined.split(",") if v}

        states, modes, triggers = values("state"), values("mode"), values("trigger")
        with self._lock:
            found = [
                r for r in self.remediations.values()
                if r["cluster_id"] == cluster
                and instance in ("-", r["instance_id"])
                and (not states or r["state"] in states)
                and (not modes or r["mode"] in modes)
                and (not triggers or r["trigger"] in triggers)
            ]
        page = {"remediations": found, "has_next": False, "next_page_token": ""}
        return RemediationListResponse.model_validate(page).model_dump(mode="json")

    def _create(self, cluster: str, instance: str, query: dict[str, list[str]], body: dict) -> dict[str, Any]:
        chosen = (query.get("remediation_id") or [None])[0]
        with self._lock:
            existing = self.remediations.get(chosen) if chosen else None
        if existing is not None:
            return existing
        state = "QUARANTINING" if body["mode"] in CORDONING else "PENDING"
        return self._store(
            {
                "id": chosen or str(uuid.uuid4()), "cluster_id": cluster, "instance_id": instance, "mode": body["mode"],
                "state": state, "trigger": "REMEDIATION_TRIGGER_MANUAL", "reason": body.get("reason"),
                "create_time": NOW, "update_time": NOW, "start_time": NOW, "requested_by": "user@example.com",
                "linked_alerts": [],
            }
        )

    def _latest_by_instance(self) -> dict[str, dict]:
        with self._lock:
            return {r["instance_id"]: r for r in self.remediations.values()}

    # ---- HTTP -----------------------------------------------------------------------------

    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        if m := CLUSTER_PATH.match(path):
            if method == "GET" and m.group(1) == CLUSTER:
                return 200, cluster_json(self._latest_by_instance())
        elif m := REMEDIATIONS_PATH.match(path):
            cluster, instance = m.groups()
            if cluster == CLUSTER and method == "GET":
                return 200, self._list(cluster, instance, query)
            if cluster == CLUSTER and method == "POST":
                return 200, self._create(cluster, instance, query, body or {})
        elif m := REMEDIATION_PATH.match(path):
            cluster, instance, rid = m.groups()
            with self._lock:
                found = self.remediations.get(rid)
            if method == "GET" and found is not None and found["instance_id"] == instance:
                return 200, found
        return 404, {"code": 5, "message": f"not found: {method} {path}", "details": []}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                query = parse_qs(url.query)
                server.requests.append(RecordedRequest(self.command, url.path, query, body))
                if self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    status, payload = 401, {"code": 16, "message": "invalid API key", "details": []}
                else:
                    status, payload = server.route(self.command, url.path, query, body)
                # bytes: a raw answer (a proxy's HTML page), for the misbehaving variants
                raw = isinstance(payload, bytes)
                data = payload if raw else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if raw else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args: object) -> None:  # quiet
                pass

        return Handler
