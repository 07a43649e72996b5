"""One route per HTTP method for the protocol endpoints, and a 405 that names them all.

FastAPI gives every method of a multi-method route the same OpenAPI operation id, which the
OpenAPI specification forbids and client generators trip over; one route per method gets an id
each. Starlette then answers a method no route takes with the ``Allow`` header of the first
route of the path only, so a last route takes every other method and names all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

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
