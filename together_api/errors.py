"""Typed errors of the remediation API.

Every error quotes the API's own message and names the request (method and path, never a
header or the key), so that a Terraform diagnostic reads as one clear sentence. Errors about the
client's own configuration (the key, the base URL) are ``ValueError``s naming the setting and
never repeating a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any


class RpcCode(IntEnum):
    """google.rpc.Code."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


# grpc-gateway's mapping of google.rpc.Code to HTTP status.
HTTP_STATUS_BY_CODE = {
    RpcCode.OK: 200,
    RpcCode.CANCELLED: 499,
    RpcCode.UNKNOWN: 500,
    RpcCode.INVALID_ARGUMENT: 400,
    RpcCode.DEADLINE_EXCEEDED: 504,
    RpcCode.NOT_FOUND: 404,
    RpcCode.ALREADY_EXISTS: 409,
    RpcCode.PERMISSION_DENIED: 403,
    RpcCode.RESOURCE_EXHAUSTED: 429,
    RpcCode.FAILED_PRECONDITION: 400,
    RpcCode.ABORTED: 409,
    RpcCode.OUT_OF_RANGE: 400,
    RpcCode.UNIMPLEMENTED: 501,
    RpcCode.INTERNAL: 500,
    RpcCode.UNAVAILABLE: 503,
    RpcCode.DATA_LOSS: 500,
    RpcCode.UNAUTHENTICATED: 401,
}


class TogetherAPIError(Exception):
    """An error answered by the API (or by whatever stood in front of it)."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        http_status: int | None = None,
        code: int | None = None,
        details: list[dict[str, Any]] | None = None,
        hint: str = "",
    ) -> None:
        self.api_message = message
        self.method = method
        self.path = path
        self.http_status = http_status
        self.code = code
        self.details = details or []
        self.hint = hint
        super().__init__(self._describe())

    def add_hint(self, hint: str) -> None:
        """Append a sentence the caller knows and the API did not say (such as "not sent twice")."""
        self.hint = f"{self.hint} {hint}".strip()
        self.args = (self._describe(),)

    def _describe(self) -> str:
        where = f"{self.method} {self.path}".strip()
        status = []
        if self.code is not None:
            try:
                status.append(RpcCode(self.code).name)
            except ValueError:
                status.append(f"code {self.code}")
        if self.http_status is not None:
            status.append(f"HTTP {self.http_status}")
        suffix = f" ({', '.join(status)})" if status else ""
        prefix = f"{where}: " if where else ""
        hint = f". {self.hint}" if self.hint else ""
        return f"{prefix}{self.api_message}{suffix}{hint}"


class NotFoundError(TogetherAPIError):
    """The cluster, instance or remediation does not exist."""


class FailedPreconditionError(TogetherAPIError):
    """The remediation is not in a state that allows the call (or the instance is busy)."""


class AlreadyExistsError(TogetherAPIError):
    """The ``remediation_id`` is taken by a remediation with another body."""


class InvalidArgumentError(TogetherAPIError):
    """The request is malformed: unknown mode, bad id, bad page token."""


class UnauthenticatedError(TogetherAPIError):
    """No API key, or an unknown one."""


class PermissionDeniedError(TogetherAPIError):
    """The key may not act on this cluster."""


class RateLimitedError(TogetherAPIError):
    """Too many requests; ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class UnavailableError(TogetherAPIError):
    """The service is unavailable or could not be reached (5xx, reset, time-out)."""


class ResponseFormatError(TogetherAPIError):
    """A successful answer the models cannot read: not JSON, or JSON of another shape.

    ``problems`` are the fields at fault (``gpu_worker_nodes[0].host_name: field required``);
    the message names the request and them, never the answer's content.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None, **kwargs: Any) -> None:
        self.problems = problems or []
        super().__init__(message, **kwargs)


class InvalidIdError(InvalidArgumentError, ValueError):
    """An id that is not a plain path segment, refused before anything was sent.

    ``field`` is which id (``cluster_id``, ``instance_id``, ``remediation_id``), ``problem`` why.
    """

    def __init__(self, field: str, value: object, problem: str, *, method: str = "", path: str = "") -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field} {value!r} {problem}; not sent", method=method, path=path)


class InvalidApiKeyError(ValueError):
    """The API key cannot be sent as an HTTP header value; the message never holds the key."""

    setting = "api_key"


class InvalidBaseURLError(ValueError):
    """The base URL is not one the client may use; the message never holds its credentials."""

    setting = "base_url"


_CLASS_BY_CODE: dict[int, type[TogetherAPIError]] = {
    RpcCode.NOT_FOUND: NotFoundError,
    RpcCode.FAILED_PRECONDITION: FailedPreconditionError,
    RpcCode.ALREADY_EXISTS: AlreadyExistsError,
    RpcCode.INVALID_ARGUMENT: InvalidArgumentError,
    RpcCode.OUT_OF_RANGE: InvalidArgumentError,
    RpcCode.UNAUTHENTICATED: UnauthenticatedError,
    RpcCode.PERMISSION_DENIED: PermissionDeniedError,
    RpcCode.RESOURCE_EXHAUSTED: RateLimitedError,
    RpcCode.UNAVAILABLE: UnavailableError,
    RpcCode.DEADLINE_EXCEEDED: UnavailableError,
}

_CLASS_BY_HTTP: dict[int, type[TogetherAPIError]] = {
    401: UnauthenticatedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: AlreadyExistsError,
    429: RateLimitedError,
    502: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}


def error_class(code: int | None, http_status: int | None) -> type[TogetherAPIError]:
    """The error class for an ``rpcStatus`` code, falling back to the HTTP status."""
    if code is not None and code in _CLASS_BY_CODE:
        return _CLASS_BY_CODE[code]
    if http_status is not None:
        if http_status in _CLASS_BY_HTTP:
            return _CLASS_BY_HTTP[http_status]
        if http_status == 400:
            return InvalidArgumentError
    return TogetherAPIError


# ---- making messages safe and readable ---------------------------------------------------------

REDACTED = "<redacted>"
# An echoed ``Authorization: Bearer <token>`` of any key (the exact key is replaced too); short
# words after "bearer" ("missing bearer token") are prose, not a key.
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]{16,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret and every ``Bearer <token>`` replaced by ``<redacted>``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A JSON value (an error's ``details``) with every string redacted."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {k: redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    return value


def field_problems(errors: Iterable[Mapping[str, Any]], limit: int = 8) -> list[str]:
    """pydantic's ``ValidationError.errors()`` as ``path: problem`` lines, without the input.

    ``[{"loc": ("gpu_worker_nodes", 0, "host_name"), "msg": "Field required", ...}]`` ->
    ``["gpu_worker_nodes[0].host_name: field required"]``. Our enum fields are "known enum or
    any string" unions: the enum branch's failure says nothing (any string would do), so only the
    string branch's problem is kept, under the field's own name.
    """
    lines: list[str] = []
    for error in errors:
        if error.get("type") == "enum":
            continue
        path = _field_path(error.get("loc", ()))
        message = str(error.get("msg", "invalid"))
        line = f"{path}: {message[:1].lower()}{message[1:]}"
        if line not in lines:
            lines.append(line)
    if len(lines) > limit:
        lines = lines[:limit] + [f"and {len(lines) - limit} more"]
    return lines


def _field_path(loc: Iterable[Any]) -> str:
    path = ""
    for item in loc:
        if isinstance(item, int):
            path += f"[{item}]"
        elif item == "str" or "[" in str(item):
            continue  # a union branch's tag, not a field
        else:
            path += f".{item}" if path else str(item)
    return path or "(the answer)"
