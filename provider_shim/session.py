"""One launch's configured state: the pooled API client and the caches its calls share.

Terraform configures the provider once per launch and then calls it from many threads; the
session is what those calls share: one ``TogetherClient`` (one HTTP connection pool), the
cluster listings, the attempts this launch forgot, and the per-cluster rollout slots.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from collections.abc import Iterator

from together_api.client import RetryPolicy, TogetherClient

from provider_shim.framework.identity import ForgottenAttempts
from provider_shim.framework.lookups import RemediationLookups
from provider_shim.framework.released import ReleasedJournal
from provider_shim.settings import Settings

# As wide as the gRPC worker pool: every Terraform call in flight can hold a connection.
HTTP_CONNECTIONS = 128


class Session:
    def __init__(self, settings: Settings, stopping: threading.Event):
        self.settings = settings
        self.stopping = stopping
        self.client = TogetherClient(
            api_key=settings.api_key,
            base_url=settings.base_url,  # the API's root; the client puts /v1 in its paths
            timeout=settings.request_timeout,
            retry=RetryPolicy(max_attempts=settings.max_retries + 1),
            max_connections=HTTP_CONNECTIONS,
        )
        self.lookups = RemediationLookups(self.client)
        self.forgotten = ForgottenAttempts()
        self.released = ReleasedJournal()  # ids destroys on this machine forgot: never adopted
        self._slots_lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def rollout_slot(self, cluster_id: str) -> Iterator[bool]:
        """Hold one of ``max_in_flight_per_cluster`` slots; yields False if stopped while waiting."""
        limit = self.settings.max_in_flight_per_cluster
        if not limit:
            yield True
            return
        with self._slots_lock:
            slot = self._slots.setdefault(cluster_id, threading.BoundedSemaphore(limit))
        while not slot.acquire(timeout=0.2):
            if self.stopping.is_set():
                yield False
                return
        try:
            yield True
        finally:
            slot.release()

    def close(self) -> None:
        self.released.flush()
        self.client.close()
