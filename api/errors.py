"""Errors the service answers with: a status, a message in Chinese and English, headers.

The body is plain text (``中文 / English``) unless the client's ``Accept`` names a JSON type,
then ``{"status", "error", "message"}`` plus any details (a validation report).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from quanze.store import EndpointUnreachable, QuerySyntaxError, StoreError, StoreLocked

_REASONS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 500: "internal_error",
    502: "bad_gateway", 503: "unavailable",
}

_STARLETTE_MESSAGES = {
    404: "未找到 / not found",
    405: "不支持该请求方法 / method not allowed",
}


class ApiError(Exception):
    """An error response: ``message`` is ``中文 / English``; ``details`` go into JSON bodies."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 details: dict[str, Any] | None = None, force_json: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.details = details or {}
        self.force_json = force_json


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept


def error_response(request: Request, err: ApiError) -> Response:
    """The response for an :class:`ApiError` (text or JSON, see the module docstring)."""
    headers = dict(err.headers)
    if err.force_json or err.details or wants_json(request):
        payload: dict[str, Any] = {"status": err.status, "error": _REASONS.get(err.status, "error"),
                                   "message": err.message, **err.details}
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        media = "application/json"
    else:
        body = (err.message + "\n").encode("utf-8")
        media = "text/plain; charset=utf-8"
    if request.method == "HEAD":
        body = b""
    return Response(body, status_code=err.status, media_type=media, headers=headers)


def store_error(exc: StoreError) -> ApiError:
    """Map a store exception to an HTTP error."""
    if isinstance(exc, QuerySyntaxError):
        return ApiError(400, str(exc))
    if isinstance(exc, EndpointUnreachable):
        return ApiError(502, str(exc))
    if isinstance(exc, StoreLocked):
        return ApiError(503, str(exc))
    return ApiError(500, f"存储出错 / store error: {exc}")


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        return error_response(request, store_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _STARLETTE_MESSAGES.get(exc.status_code, str(exc.detail))
        return error_response(request, ApiError(exc.status_code, message, headers=dict(exc.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, ApiError(400, f"请求参数无效 / invalid request parameters: {exc.errors()}"))
