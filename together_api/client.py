"""HTTP client for Together's remediation API and the GPU-cluster lookups it needs.

One ``TogetherClient`` holds one pooled ``httpx.Client`` and is safe to share between threads.

Retries: connection errors, 429 (honouring ``Retry-After``), 502, 503 and 504 are retried with
bounded exponential backoff and jitter. Reads, approve, reject and cancel are retried; a create
is retried only when it carries a ``remediation_id`` (the server then answers a repeat with the
remediation it already made), never otherwise, so a create without one is never sent twice.

The API key lives only in the ``Authorization`` header of the pooled client: it is never part
of a ``repr``, an exception or a log line.
"""

from __future__ import annotations

import email.utils
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from together_api import __version__
from together_api.errors import RateLimitedError, TogetherAPIError, UnavailableError, error_class
from together_api.models import (
    CommentBody,
    GPUClusterInfo,
    GPUClusters,
    ListRemediationsResponse,
    Remediation,
    RemediationCreate,
    RemediationMode,
    RemediationState,
    RemediationTrigger,
    RpcStatus,
    enum_value,
)

DEFAULT_BASE_URL = "https://api.together.xyz/v1"
USER_AGENT = f"together-remediation/{__version__} (+https://github.com/together-remediation)"
RETRYABLE_HTTP_STATUS = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 60.0

log = logging.getLogger("together_api")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before it gives up.

    ``max_attempts`` counts the first try; ``max_elapsed`` bounds the whole call in seconds.
    """

    max_attempts: int = 6
    initial_backoff: float = 0.25
    max_backoff: float = 8.0
    jitter: float = 0.25
    max_elapsed: float = 120.0


class _Retryable(Exception):
    """Internal: a response or failure worth another attempt, carrying the final error."""

    def __init__(self, error: TogetherAPIError) -> None:
        super().__init__(str(error))
        self.error = error


class TogetherClient:
    """Client of the remediation endpoints and the cluster lookups.

    ``api_key`` falls back to ``TOGETHER_API_KEY``, ``base_url`` to ``TOGETHER_BASE_URL`` and
    then to the public API. ``timeout`` is per request, in seconds.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 64,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("TOGETHER_API_KEY")
        self.base_url = (base_url or os.environ.get("TOGETHER_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.retry = retry or RetryPolicy()
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
        )
        self.has_api_key = bool(key)

    def __repr__(self) -> str:
        return f"TogetherClient(base_url={self.base_url!r}, api_key={'<set>' if self.has_api_key else '<unset>'})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TogetherClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- remediations -------------------------------------------------------------------

    def create_remediation(
        self,
        cluster_id: str,
        instance_id: str,
        mode: RemediationMode | str,
        reason: str | None = None,
        remediation_id: str | None = None,
    ) -> Remediation:
        """Create a remediation; with ``remediation_id`` the call is idempotent and retried."""
        body = RemediationCreate(mode=mode, reason=reason).to_api()
        params = {"remediation_id": remediation_id} if remediation_id else None
        data = self._request(
            "POST",
            _remediations_path(cluster_id, instance_id),
            json=body,
            params=params,
            retry=remediation_id is not None,
        )
        return Remediation.model_validate(data)

    def get_remediation(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation:
        return Remediation.model_validate(
            self._request("GET", _remediation_path(cluster_id, instance_id, remediation_id))
        )

    def list_remediations(
        self,
        cluster_id: str,
        instance_id: str = "-",
        *,
        states: Sequence[RemediationState | str] | None = None,
        mode: RemediationMode | str | None = None,
        trigger: RemediationTrigger | str | None = None,
        order_by: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ListRemediationsResponse:
        """One page of remediations of an instance, or of the whole cluster with ``-``."""
        params: list[tuple[str, str]] = [("state", enum_value(s) or "") for s in states or ()]
        if mode is not None:
            params.append(("mode", enum_value(mode) or ""))
        if trigger is not None:
            params.append(("trigger", enum_value(trigger) or ""))
        if order_by:
            params.append(("orderBy", order_by))
        if page_size is not None:
            params.append(("pageSize", str(page_size)))
        if page_token:
            params.append(("pageToken", page_token))
        data = self._request("GET", _remediations_path(cluster_id, instance_id), params=params)
        return ListRemediationsResponse.model_validate(data)

    def iter_remediations(self, cluster_id: str, instance_id: str = "-", **filters: Any) -> Iterator[Remediation]:
        """Every remediation matching the filters, following ``next_page_token`` to the end."""
        token: str | None = None
        while True:
            page = self.list_remediations(cluster_id, instance_id, page_token=token, **filters)
            yield from page.remediations
            token = page.next_page_token
            if not page.has_next or not token:
                return

    def approve_remediation(
        self, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None = None
    ) -> Remediation:
        return self._review("approve", cluster_id, instance_id, remediation_id, comment)

    def reject_remediation(
        self, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None = None
    ) -> Remediation:
        return self._review("reject", cluster_id, instance_id, remediation_id, comment)

    def cancel_remediation(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation:
        path = _remediation_path(cluster_id, instance_id, remediation_id) + "/cancel"
        return Remediation.model_validate(self._request("POST", path, json={}))

    def _review(self, verb: str, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None):
        path = _remediation_path(cluster_id, instance_id, remediation_id) + f"/{verb}"
        body = CommentBody(comment=comment).to_api()
        return Remediation.model_validate(self._request("POST", path, json=body))

    # ---- clusters -----------------------------------------------------------------------

    def get_cluster(self, cluster_id: str) -> GPUClusterInfo:
        return GPUClusterInfo.model_validate(self._request("GET", f"/compute/clusters/{_segment(cluster_id)}"))

    def list_clusters(self) -> list[GPUClusterInfo]:
        return GPUClusters.model_validate(self._request("GET", "/compute/clusters")).clusters

    # ---- transport ----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        retry: bool = True,
    ) -> Any:
        policy = self.retry
        retrying = Retrying(
            retry=retry_if_exception(lambda e: retry and isinstance(e, _Retryable)),
            stop=stop_after_attempt(policy.max_attempts) | stop_after_delay(policy.max_elapsed),
            wait=self._wait,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_once(method, path, json=json, params=params)
        except _Retryable as exhausted:
            raise exhausted.error from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        """Exponential backoff with jitter, or the server's ``Retry-After`` when it is longer."""
        policy = self.retry
        backoff = wait_exponential_jitter(
            multiplier=policy.initial_backoff, max=policy.max_backoff, jitter=policy.jitter
        )(state)
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _Retryable) and isinstance(error.error, RateLimitedError):
            hint = error.error.retry_after
            if hint is not None:
                return min(hint, MAX_RETRY_AFTER_SECONDS)
        return backoff

    def _send_once(self, method: str, path: str, *, json: Any, params: Any) -> Any:
        started = time.monotonic()
        try:
            response = self._http.request(method, path, json=json, params=params)
        except httpx.TransportError as exc:
            # The request may or may not have reached the server: only idempotent calls retry.
            log.debug("%s %s failed: %s", method, path, type(exc).__name__)
            raise _Retryable(
                UnavailableError(f"could not reach the API ({type(exc).__name__}: {exc})", method=method, path=path)
            ) from None
        log.debug("%s %s -> %d in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000)
        if response.status_code < 400:
            return response.json()
        error = _error_from_response(method, path, response)
        if response.status_code in RETRYABLE_HTTP_STATUS:
            raise _Retryable(error)
        raise error


def _error_from_response(method: str, path: str, response: httpx.Response) -> TogetherAPIError:
    status: RpcStatus | None = None
    try:
        status = RpcStatus.model_validate(response.json())
    except Exception:
        status = None
    if status is not None and status.message:
        message, code, details = status.message, status.code, status.details
    else:
        # A proxy's HTML page or an empty body: say what came back, without dumping it.
        content_type = response.headers.get("content-type", "unknown content type").split(";")[0]
        message = f"unexpected {content_type} response ({len(response.content)} bytes)"
        code, details = (status.code if status else None), []
    cls = error_class(code, response.status_code)
    kwargs: dict[str, Any] = {
        "method": method,
        "path": path,
        "http_status": response.status_code,
        "code": code,
        "details": details,
    }
    if cls is RateLimitedError:
        return RateLimitedError(message, retry_after=_parse_retry_after(response.headers.get("retry-after")), **kwargs)
    return cls(message, **kwargs)


def _parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _segment(value: str) -> str:
    """A path segment, escaped so that an id can never change the path."""
    from urllib.parse import quote

    return quote(value, safe="-_.~")


def _remediations_path(cluster_id: str, instance_id: str) -> str:
    return f"/compute/clusters/{_segment(cluster_id)}/instances/{_segment(instance_id)}/remediations"


def _remediation_path(cluster_id: str, instance_id: str, remediation_id: str) -> str:
    return f"{_remediations_path(cluster_id, instance_id)}/{_segment(remediation_id)}"
