"""Typed errors of the remediation API.

Every error quotes the API's own message and names the request (method and path, never a
header or the key), so that a Terraform diagnostic reads as one clear sentence.
"""

from __future__ import annotations

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
    ) -> None:
        self.api_message = message
        self.method = method
        self.path = path
        self.http_status = http_status
        self.code = code
        self.details = details or []
        super().__init__(self._describe())

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
        return f"{prefix}{self.api_message}{suffix}"


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
