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


def rpc_error_response(code: RpcCode, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": int(code), "message": message, "details": []}
    return JSONResponse(body, status_code=HTTP_STATUS_BY_CODE[code], headers=headers)


def invalid(message: str) -> ApiError:
    return ApiError(RpcCode.INVALID_ARGUMENT, message)


def not_found(message: str) -> ApiError:
    return ApiError(RpcCode.NOT_FOUND, message)


def failed_precondition(message: str) -> ApiError:
    return ApiError(RpcCode.FAILED_PRECONDITION, message)
