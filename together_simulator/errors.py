"""Errors the simulated API answers, as grpc-gateway writes them (``rpcStatus`` bodies)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from together_api.errors import HTTP_STATUS_BY_CODE, RpcCode


class ApiError(Exception):
    """A rule of the service was broken: answered as ``{"code", "message", "details"}``."""

    def __init__(self, code: RpcCode, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return rpc_error_response(self.code, self.message, self.headers)


DEBUG_INFO_TYPE = "type.googleapis.com/google.rpc.DebugInfo"


def rpc_error_body(code: RpcCode, message: str) -> dict[str, Any]:
    """``{"code", "message", "details"}``, the message repeated as a detail's ``detail``.

    Together's CLI prints the ``detail`` of the body's details (``parse_api_error`` in
    ``together/lib/cli/utils/_api_error.py``) and nothing when the list is empty; a
    ``google.rpc.DebugInfo`` carries exactly such a field."""
    return {"code": int(code), "message": message, "details": [{"@type": DEBUG_INFO_TYPE, "detail": message}]}


def rpc_error_response(code: RpcCode, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = rpc_error_body(code, message)
    return JSONResponse(body, status_code=HTTP_STATUS_BY_CODE[code], headers=headers)


def invalid(message: str) -> ApiError:
    return ApiError(RpcCode.INVALID_ARGUMENT, message)


def not_found(message: str) -> ApiError:
    return ApiError(RpcCode.NOT_FOUND, message)


def failed_precondition(message: str) -> ApiError:
    return ApiError(RpcCode.FAILED_PRECONDITION, message)
