"""Errors the service answers with: a status, a message in Chinese and English, headers.

The body is plain text (``中文 / English``) unless the client's ``Accept`` names a JSON type,
then ``{"status", "error", "message"}`` plus any details (a validation report). Everything but
the protocol endpoints answers the JSON model — the REST routes' parameter errors (400, one
readable sentence per bad parameter), a busy service or a timed-out query (503) included. The protocol endpoints (``/sparql``, ``/rdf-graphs``) answer plain
text by default because their clients (SPARQLWrapper, rdflib, Yasgui, curl) show an error's body as
it comes; a 406 there is always plain text: the client's ``Accept`` is what could not be met (it
typically names a JSON *results* or JSON-LD format, which the error model is not), and the same
failed negotiation must not answer differently for a SELECT and a CONSTRUCT.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from quanze.store import EndpointUnreachable, QuerySyntaxError, StoreError, StoreLocked

REASONS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
    409: "conflict", 415: "unsupported_media_type", 422: "validation_failed", 500: "internal_error",
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


#: Where the SPARQL 1.1 Protocol and the Graph Store Protocol are served: errors negotiated, text by default.
PROTOCOL_PATHS = ("/sparql", "/rdf-graphs")


def is_protocol_path(path: str) -> bool:
    """Whether ``path`` is a protocol endpoint's (not a REST route's)."""
    path = path.rstrip("/") or "/"
    return any(path == p or path.startswith(p + "/") for p in PROTOCOL_PATHS)


def is_protocol(request: Request) -> bool:
    """Whether the request is for a protocol endpoint (not a REST route)."""
    return is_protocol_path(request.url.path)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept


def allowed_methods(request: Request) -> str:
    """Every method some route of the request's path takes (HEAD wherever GET is: api.methods)."""
    from starlette.routing import Match

    def routes(within: list[Any]) -> Any:  # routers included (FastAPI wraps them) hold their own routes
        for route in within:
            router = getattr(route, "original_router", None)
            yield from routes(router.routes) if router is not None else [route]

    methods: set[str] = set()
    for route in routes(request.app.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def error_response(request: Request, err: ApiError) -> Response:
    """The response for an :class:`ApiError` (text or JSON, see the module docstring)."""
    headers = dict(err.headers)
    if err.force_json or err.details or not is_protocol(request) or (err.status != 406 and wants_json(request)):
        payload: dict[str, Any] = {"status": err.status, "error": REASONS.get(err.status, "error"),
                                   "message": err.message, **err.details}
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        media = "application/json"
    else:
        body = (err.message + "\n").encode("utf-8")
        media = "text/plain; charset=utf-8"
    if request.method == "HEAD":
        body = b""
    return Response(body, status_code=err.status, media_type=media, headers=headers)


#: Pydantic's length errors: the bound in ``ctx``, and the rule in Chinese and English.
_LENGTHS = {
    "string_too_long": ("max_length", "最多 {n} 个字符", "must be at most {n} characters long"),
    "string_too_short": ("min_length", "至少 {n} 个字符", "must be at least {n} characters long"),
    "too_long": ("max_length", "最多给 {n} 个值", "may be given at most {n} times"),
    "too_short": ("min_length", "至少给 {n} 个值", "must be given at least {n} times"),
}


def _shown(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text if len(text) <= limit else text[:limit] + "…"
    # " / " parts a message's Chinese from its English (the web client splits there)
    return text.replace(" / ", " ／ ")


def _choices(expected: str) -> tuple[str, str]:
    """Pydantic's ``'a', 'b' or 'c'`` as ``a、b、c`` and ``a, b, c``."""
    values = re.findall(r"'([^']*)'", expected)
    return ("、".join(values), ", ".join(values)) if values else (expected, expected)


def parameter_problem(error: dict[str, Any]) -> tuple[str, str]:
    """One validation error (as ``RequestValidationError.errors()`` gives it) as a Chinese and
    an English sentence that name the parameter and say what is wrong with it."""
    loc = [str(p) for p in error.get("loc", ())]
    where = loc[0] if loc else "query"
    name = ".".join(loc[1:]) if len(loc) > 1 else ""
    if where == "body" and not name:
        zh_name, en_name = "请求体", "the request body"
    elif where == "body":
        zh_name, en_name = f"请求体字段 {name}", f"body field {name}"
    elif where == "header":
        zh_name, en_name = f"请求头 {name}", f"header {name}"
    else:
        zh_name, en_name = f"参数 {name or where}", f"parameter {name or where}"
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == "missing":
        return f"缺少{zh_name}", f"{en_name} is missing"
    got = error.get("input")
    zh_got, en_got = (f"（收到“{_shown(got)}”）", f" (got {_shown(got)!r})") if got is not None else ("", "")
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        bound = {"less_than_equal": "le", "less_than": "lt", "greater_than_equal": "ge", "greater_than": "gt"}[kind]
        zh_rule = {"le": "不大于", "lt": "小于", "ge": "不小于", "gt": "大于"}[bound]
        en_rule = {"le": "at most", "lt": "less than", "ge": "at least", "gt": "greater than"}[bound]
        limit = ctx.get(bound)
        return f"{zh_name} 应{zh_rule} {limit}{zh_got}", f"{en_name} must be {en_rule} {limit}{en_got}"
    if kind in ("literal_error", "enum"):
        zh_values, en_values = _choices(str(ctx.get("expected", "")))
        return (f"{zh_name} 应为以下之一：{zh_values}{zh_got}",
                f"{en_name} must be one of: {en_values}{en_got}")
    if kind in ("bool_parsing", "bool_type"):
        return f"{zh_name} 应为 true 或 false{zh_got}", f"{en_name} must be true or false{en_got}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{zh_name} 应为整数{zh_got}", f"{en_name} must be a whole number{en_got}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{zh_name} 应为数字{zh_got}", f"{en_name} must be a number{en_got}"
    if kind in _LENGTHS:
        bound, zh_rule, en_rule = _LENGTHS[kind]
        n = ctx.get(bound)
        return f"{zh_name} {zh_rule.format(n=n)}", f"{en_name} {en_rule.format(n=n)}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        return f"{zh_name} 不符合格式 {pattern}{zh_got}", f"{en_name} does not match {pattern}{en_got}"
    return f"{zh_name} 无效{zh_got}", f"{en_name} is invalid: {error.get('msg', kind)}{en_got}"


def validation_error(request: Request, exc: RequestValidationError) -> ApiError:
    """400 for bad request parameters: one sentence per problem, ``中文 / English``; always the
    JSON model on the REST routes, negotiated on the protocol endpoints."""
    problems = [parameter_problem(e) for e in exc.errors()] or [("请求参数无效", "invalid request parameters")]
    message = "；".join(zh for zh, _ in problems) + " / " + "; ".join(en for _, en in problems)
    return ApiError(400, message, force_json=not is_protocol(request))


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
    """Register the handlers on an app, and describe in its OpenAPI the errors they answer."""
    _describe_parameter_errors(app)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        return error_response(request, store_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _STARLETTE_MESSAGES.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names the methods of the path's first route only
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "GET, HEAD")
        return error_response(request, ApiError(exc.status_code, message, headers=headers))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, validation_error(request, exc))


def _describe_parameter_errors(app: FastAPI) -> None:
    """FastAPI documents a 422 (``HTTPValidationError``) for every route with parameters; the
    handlers above answer bad parameters with 400 and the error model instead, so the OpenAPI
    description says that (a client generated from it would otherwise wait for a 422 that never comes)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = generate()
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                    del responses["422"]
                    responses.setdefault("400", {"description": "请求参数无效 / invalid parameters", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}})
        schemas = spec.get("components", {}).get("schemas", {})
        if "HTTPValidationError" not in json.dumps(spec.get("paths", {})):
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
