"""Per-launch state lookups: one cluster listing answers every read of that cluster.

Terraform refreshes each resource with its own ReadResource call, many at once. The first read
of a cluster lists the cluster's remediations (every page, up to ``max_pages``) under a
per-cluster lock; the other reads wait for that listing and answer from it. Ids the listing
did not return (a long history cut at ``max_pages``, or a remediation gone since) fall back to
one GET each, so a read is never wrong, only sometimes dearer. The cache lives for one launch.

A listing the client cannot read (one malformed remediation makes its page unreadable) is not
an error of every read of the cluster: the listing keeps the pages it could read, and the other
reads fall back to their own GET, so only the resources of the unreadable remediation fail.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from together_api.client import TogetherClient
from together_api.errors import NotFoundError, ResponseFormatError
from together_api.models import Remediation

from provider_shim.framework.errors import ProviderError
from provider_shim.framework.identity import RemediationIndex

log = logging.getLogger("provider_shim.lookups")

LIST_PAGE_SIZE = 500  # the API's maximum page size
MAX_LIST_PAGES = 20
# Newest first: the remediations in a state are recent ones, so a long history cut at
# MAX_LIST_PAGES loses only old ones. Measured on the simulator: a page of 500 costs about as
# much as 24 single GETs, so the listing pays for itself from a few dozen reads per cluster.
NEWEST_FIRST = "create_time desc"


@dataclass
class _ClusterListing:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_id: dict[str, Remediation] | None = None
    index: RemediationIndex | None = None  # by canonical id and intent token, made on first use


class RemediationLookups:
    def __init__(self, client: TogetherClient, *, page_size: int = LIST_PAGE_SIZE, max_pages: int = MAX_LIST_PAGES):
        self._client = client
        self._page_size = page_size
        self._max_pages = max_pages
        self._lock = threading.Lock()
        self._clusters: dict[str, _ClusterListing] = {}

    def remediation(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation | None:
        """The remediation as this launch first saw it, or None when it does not exist."""
        found = self._listing(cluster_id).get(remediation_id)
        if found is not None and found.instance_id == instance_id:
            return found
        return self.fetch(cluster_id, instance_id, remediation_id)

    def refreshed(self, cluster_id: str, instance_id: str, remediation_id: str, *, in_state_as: str) -> Remediation | None:
        """A refresh's remediation; when it is gone, None and a log line: the object leaves state."""
        found = self.remediation(cluster_id, instance_id, remediation_id)
        if found is None:
            log.info("remediation %s no longer exists: removing %s from state", remediation_id, in_state_as)
        return found

    def fetch(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation | None:
        """A fresh GET, or None on 404."""
        try:
            return self._client.get_remediation(cluster_id, instance_id, remediation_id)
        except NotFoundError:
            return None

    def require(self, cluster_id: str, instance_id: str, remediation_id: str, *, summary: str = "Remediation not found") -> Remediation:
        """A fresh GET; a remediation that does not exist is an error that names it."""
        found = self.fetch(cluster_id, instance_id, remediation_id)
        if found is None:
            raise not_found_error(cluster_id, instance_id, remediation_id, summary)
        return found

    def cluster_remediations(self, cluster_id: str) -> dict[str, Remediation]:
        """The cached listing of the cluster (possibly cut short on a long history)."""
        return self._listing(cluster_id)

    def cluster_index(self, cluster_id: str) -> RemediationIndex:
        """The cached listing by canonical id and intent token: where creates look for their own."""
        by_id = self._listing(cluster_id)
        entry = self._clusters[cluster_id]
        with entry.lock:
            if entry.index is None:
                entry.index = RemediationIndex.of(by_id.values())
            return entry.index

    def _listing(self, cluster_id: str) -> dict[str, Remediation]:
        with self._lock:
            entry = self._clusters.setdefault(cluster_id, _ClusterListing())
        with entry.lock:  # single flight: one listing per cluster per launch
            if entry.by_id is None:
                entry.by_id = self._list_cluster(cluster_id)
            return entry.by_id

    def _list_cluster(self, cluster_id: str) -> dict[str, Remediation]:
        by_id: dict[str, Remediation] = {}
        token: str | None = None
        try:
            for _ in range(self._max_pages):
                page = self._client.list_remediations(
                    cluster_id, "-", order_by=NEWEST_FIRST, page_size=self._page_size, page_token=token
                )
                by_id.update((r.id, r) for r in page.remediations)
                token = page.next_page_token
                if not page.has_next or not token:
                    break
        except NotFoundError:
            return {}  # no such cluster: every read falls back to its own GET (and finds nothing)
        except ResponseFormatError as exc:
            log.warning("the listing of cluster %s is unreadable (%s): each read of it gets its own remediation", cluster_id, exc)
        log.debug("listed %d remediations of cluster %s", len(by_id), cluster_id)
        return by_id


def not_found_error(
    cluster_id: str, instance_id: str, remediation_id: str, summary: str = "Remediation not found", path: list | None = None
) -> ProviderError:
    return ProviderError(summary, f"No remediation {remediation_id} on instance {instance_id} of cluster {cluster_id}.", path=path)
