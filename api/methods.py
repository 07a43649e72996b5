"""One route per HTTP method for the protocol endpoints, a 405 that names them all, and HEAD
answered as GET.

FastAPI gives every method of a multi-method route the same OpenAPI operation id, which the
OpenAPI specification forbids and client generators trip over; one route per method gets an id
each. Starlette then answers a method no route takes with the ``Allow`` header of the first
route of the path only, so a last route takes every other method and names all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ALL = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def method_routes(router: APIRouter, path: str, endpoint: Callable[..., Any], methods: Sequence[str],
                  operation: str, summary: str) -> None:
    """``endpoint`` at ``path`` for each of ``methods`` (operation ids ``{operation}_{method}``)."""
    for method in methods:
        router.add_api_route(path, endpoint, methods=[method], response_class=Response, summary=summary,
                             operation_id=f"{operation}_{method.lower()}")
    allow = ", ".join(methods)

    async def not_allowed() -> Response:
        return Response(status_code=405, headers={"Allow": allow})

    router.add_api_route(path, not_allowed, methods=[m for m in _ALL if m not in methods],
                         include_in_schema=False)


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110 §9.3.2): the same status and headers, the GET
    body's Content-Length among them, for every route. FastAPI's routes answer HEAD with 405,
    and a handler answering it with an empty body said Content-Length 0."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)
