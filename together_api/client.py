"""HTTP client for Together's remediation API and the GPU-cluster lookups it needs.

One ``TogetherClient`` holds one pooled ``httpx.Client`` and is safe to share between threads.
Requests take the form of Together's SDK 3.1.1: paths under ``/v1`` on the API root (the base
URL is accepted with or without ``/v1``), list filters as one comma-joined parameter each with
snake_case names.

Retries: connection errors, 429 (honouring ``Retry-After``), 502, 503 and 504 are retried with
bounded exponential backoff and jitter. Reads, approve, reject and cancel are retried; a create
is retried only when it carries a ``remediation_id`` (the server then answers a repeat with the
remediation it already made), never otherwise, so a create without one is never sent twice.

The API key lives only in the ``Authorization`` header of the pooled client: it is never part
of a ``repr``, an exception or a log line (every message the client builds, the API's own
included, is redacted of it). Ids are checked before a request is built (``together_api.ids``):
none can name another route. An answer the models cannot read is one ``ResponseFormatError``.
"""

from __future__ import annotations

import email.utils
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
import pydantic
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from together_api import __version__
from together_api.base_url import API_PREFIX, DEFAULT_BASE_URL, normalize_base_url
from together_api.errors import (
    InvalidApiKeyError,
    InvalidBaseURLError,
    InvalidIdError,
    RateLimitedError,
    ResponseFormatError,
    TogetherAPIError,
    UnavailableError,
    error_class,
    field_problems,
    redact,
    redact_value,
)
from together_api.ids import canonical_remediation_id, id_problem
from together_api.models import (
    ApproveBody,
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

__all__ = ["DEFAULT_BASE_URL", "RetryPolicy", "TogetherClient"]

USER_AGENT = f"together-remediation/{__version__} (+https://github.com/together-remediation)"
RETRYABLE_HTTP_STATUS = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 60.0

# Said of a create whose answer was lost or unreadable: the provider looks for its remediation
# before it creates one, so a re-run adopts what this call may have made.
CREATE_MAY_HAVE_HAPPENED = "The create may have happened on the server: the next apply finds the remediation."
CREATE_SENT_ONCE = (
    "The create was not sent twice: without a remediation_id a second attempt could make a second remediation."
)

log = logging.getLogger("together_api")
Model = TypeVar("Model", bound=pydantic.BaseModel)


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

    ``api_key`` falls back to ``TOGETHER_API_KEY`` (surrounding whitespace, such as the newline
    of a key read from a file, is trimmed). ``base_url`` falls back to ``TOGETHER_BASE_URL`` and
    then to ``DEFAULT_BASE_URL``; either may name the API root or end in ``/v1``. ``timeout`` is
    per request, in seconds. A key that cannot be a header value raises ``InvalidApiKeyError``,
    a base URL with credentials or of another scheme ``InvalidBaseURLError``.
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
        key = _checked_api_key(api_key if api_key is not None else os.environ.get("TOGETHER_API_KEY"))
        self.base_url = _checked_base_url(base_url or os.environ.get("TOGETHER_BASE_URL") or DEFAULT_BASE_URL)
        self._secrets = (key,) if key else ()
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
        retry: bool | None = None,
    ) -> Remediation:
        """Create a remediation; with ``remediation_id`` the call is idempotent and retried.

        ``retry=False`` sends it once whatever it carries (a caller that looks for the
        remediation before it posts again, as the provider does when ids may not be honoured).
        """
        path = self._path(_REMEDIATIONS, "POST", cluster_id=cluster_id, instance_id=instance_id)
        params = None
        if remediation_id is not None:
            self._check_id("POST", _REMEDIATIONS, "remediation_id", remediation_id)
            params = {"remediation_id": canonical_remediation_id(remediation_id)}
        body = RemediationCreate(mode=mode, reason=reason).to_api()
        retried = params is not None if retry is None else retry
        return self._call(Remediation, "POST", path, json=body, params=params, create=True, retry=retried)

    def get_remediation(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation:
        path = self._path(_REMEDIATION, "GET", cluster_id=cluster_id, instance_id=instance_id, remediation_id=remediation_id)
        return self._call(Remediation, "GET", path)

    def list_remediations(
        self,
        cluster_id: str,
        instance_id: str = "-",
        *,
        states: Sequence[RemediationState | str] | None = None,
        modes: Sequence[RemediationMode | str] | None = None,
        triggers: Sequence[RemediationTrigger | str] | None = None,
        order_by: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ListRemediationsResponse:
        """One page of remediations of an instance, or of the whole cluster with ``-``.

        Each filter matches any of its values; like the SDK, several values go in one parameter,
        joined by commas (``state=PENDING,RUNNING``).
        """
        path = self._path(_REMEDIATIONS, "GET", cluster_id=cluster_id, instance_id=instance_id)
        params: list[tuple[str, str]] = []
        for name, values in (("mode", modes), ("state", states), ("trigger", triggers)):
            if isinstance(values, (str, bytes)):
                raise TypeError(f"{name}s takes a list of values, not one string: {name}s=[{values!r}]")
            if values:
                params.append((name, ",".join(enum_value(v) or "" for v in values)))
        if order_by:
            params.append(("order_by", order_by))
        if page_size is not None:
            params.append(("page_size", str(page_size)))
        if page_token:
            params.append(("page_token", page_token))
        return self._call(ListRemediationsResponse, "GET", path, params=params)

    def iter_remediations(self, cluster_id: str, instance_id: str = "-", **filters: Any) -> Iterator[Remediation]:
        """Every remediation matching the filters, following ``next_page_token`` until it is ``""``
        (or ``has_next`` is false: an older server leaves the token out)."""
        token: str | None = None
        while True:
            page = self.list_remediations(cluster_id, instance_id, page_token=token, **filters)
            yield from page.remediations
            token = page.next_page_token
            if not page.has_next or not token:
                return

    def approve_remediation(
        self,
        cluster_id: str,
        instance_id: str,
        remediation_id: str,
        comment: str | None = None,
        mode: RemediationMode | str | None = None,
    ) -> Remediation:
        """Approve; ``mode`` runs another mode than the proposed one (the API refuses some)."""
        body = ApproveBody(comment=comment, mode=mode).to_api()
        return self._review("approve", cluster_id, instance_id, remediation_id, body)

    def reject_remediation(
        self, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None = None
    ) -> Remediation:
        return self._review("reject", cluster_id, instance_id, remediation_id, CommentBody(comment=comment).to_api())

    def cancel_remediation(self, cluster_id: str, instance_id: str, remediation_id: str) -> Remediation:
        return self._review("cancel", cluster_id, instance_id, remediation_id, None)  # no body, as the SDK sends it

    def _review(self, verb: str, cluster_id: str, instance_id: str, remediation_id: str, body: dict[str, Any] | None):
        template = f"{_REMEDIATION}/{verb}"
        path = self._path(template, "POST", cluster_id=cluster_id, instance_id=instance_id, remediation_id=remediation_id)
        return self._call(Remediation, "POST", path, json=body)

    # ---- clusters -----------------------------------------------------------------------

    def get_cluster(self, cluster_id: str) -> GPUClusterInfo:
        return self._call(GPUClusterInfo, "GET", self._path(_CLUSTER, "GET", cluster_id=cluster_id))

    def list_clusters(self) -> list[GPUClusterInfo]:
        return self._call(GPUClusters, "GET", _CLUSTERS).clusters

    # ---- paths and answers --------------------------------------------------------------

    def _path(self, template: str, method: str, **ids: str) -> str:
        """``template`` with each id checked and escaped; a bad id is refused, nothing is sent."""
        values = {}
        for field, value in ids.items():
            self._check_id(method, template, field, value)
            if field == "remediation_id":
                value = canonical_remediation_id(value)
            values[field] = quote(value, safe="-_.~")
        return template.format(**values)

    def _check_id(self, method: str, template: str, field: str, value: object) -> None:
        problem = id_problem(value)
        if problem is not None:
            raise InvalidIdError(field, value, problem, method=method, path=template)

    def _call(
        self,
        model: type[Model],
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        retry: bool = True,
        create: bool = False,
    ) -> Model:
        """One request and its answer read into ``model``, every failure one clear error."""
        try:
            data = self._request(method, path, json=json, params=params, retry=retry)
            try:
                return model.model_validate(data)
            except pydantic.ValidationError as exc:
                problems = [redact(p, self._secrets) for p in field_problems(exc.errors(include_url=False))]
                raise ResponseFormatError(
                    "the answer does not have the expected shape: " + "; ".join(problems),
                    method=method,
                    path=path,
                    problems=problems,
                ) from None
        except (ResponseFormatError, UnavailableError) as error:
            if create and (isinstance(error, ResponseFormatError) or error.http_status is None):
                error.add_hint(CREATE_MAY_HAVE_HAPPENED)
            raise

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
            error = exhausted.error
            if not retry:  # worth retrying, but not retried: only a create without a remediation_id
                error.add_hint(CREATE_SENT_ONCE)
            raise error from None
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
            text = redact(f"could not reach the API ({type(exc).__name__}: {exc})", self._secrets)
            raise _Retryable(UnavailableError(text, method=method, path=path)) from None
        log.debug("%s %s -> %d in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000)
        if response.status_code < 400:
            return _json_answer(method, path, response)
        error = _error_from_response(method, path, response, self._secrets)
        if response.status_code in RETRYABLE_HTTP_STATUS:
            raise _Retryable(error)
        raise error


def _json_answer(method: str, path: str, response: httpx.Response) -> Any:
    """The JSON of a successful answer; anything else (a proxy's page, an empty body) is one error."""
    try:
        return response.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        content_type = response.headers.get("content-type", "no content type").split(";")[0]
        raise ResponseFormatError(
            f"the answer is not JSON ({content_type}, {len(response.content)} bytes)",
            method=method,
            path=path,
            http_status=response.status_code,
        ) from None


def _error_from_response(
    method: str, path: str, response: httpx.Response, secrets: Sequence[str] = ()
) -> TogetherAPIError:
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
    # The API may echo what it was sent (a header, the key): nothing of it leaves unredacted.
    message, details = redact(message, secrets), redact_value(details, secrets)
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


_CLUSTERS = f"{API_PREFIX}/compute/clusters"
_CLUSTER = _CLUSTERS + "/{cluster_id}"
_REMEDIATIONS = _CLUSTER + "/instances/{instance_id}/remediations"
_REMEDIATION = _REMEDIATIONS + "/{remediation_id}"


def _checked_api_key(key: str | None) -> str | None:
    """The key trimmed of surrounding whitespace, or ``InvalidApiKeyError`` if it still cannot be
    an HTTP header value. The message says what is wrong, never what the key is."""
    if key is None:
        return None
    key = key.strip()
    for char in key:
        if char.isspace():
            problem = "whitespace inside it"
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            problem = "a control character"
        elif ord(char) > 0xFF:
            problem = "a character outside Latin-1"
        else:
            continue
        raise InvalidApiKeyError(
            f"api_key cannot be sent as an HTTP header: it has {problem} "
            "(check the key's source, such as TOGETHER_API_KEY or the file it was read from)"
        )
    return key


def _checked_base_url(url: str) -> str:
    """The API root of ``url`` (``/v1`` or not); credentials or another scheme are refused."""
    root = normalize_base_url(url)
    try:
        parts = urlsplit(root)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise InvalidBaseURLError("base_url is not a valid URL") from None
    if "@" in parts.netloc:
        # Said without the URL: its user part may be the secret.
        raise InvalidBaseURLError(
            f"base_url must not carry credentials (user:password@{parts.hostname}): "
            "pass the key as api_key or TOGETHER_API_KEY"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidBaseURLError(f"base_url {root!r} is not an http(s) URL such as {DEFAULT_BASE_URL!r}")
    return root
