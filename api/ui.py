"""The web interface for legal staff: ``/`` serves the page, ``/static/…`` its files.

The files in ``api/static`` are built from ``web/`` (``cd web && npm ci && npm run build``) and
committed, so serving them needs no Node.js; they load nothing from other hosts. The page is a
hash-routed single page over the REST API and ``/sparql`` of the same origin.

The page is sent with a Content-Security-Policy that allows scripts, styles and requests from
this origin only (styles inline too: the chart, graph and SPARQL editor libraries set them), so
text from the store can never run as code even if a renderer slipped.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).resolve().parent / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


class _Static(StaticFiles):
    """Static files with cache headers: built chunks carry a hash in their name, the rest revalidate."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if path.startswith("chunks/") and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers.setdefault("Cache-Control", "no-cache")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount_ui(app: FastAPI) -> None:
    """Serve the web interface at ``/`` (and ``/ui``) with its files under ``/static``."""
    index = STATIC / "index.html"
    if not index.is_file():  # not built: the API works without its pages
        return

    async def page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8", headers={
            "Cache-Control": "no-cache", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})

    app.add_api_route("/", page, methods=["GET", "HEAD"], include_in_schema=False, name="ui")
    app.add_api_route("/ui", page, methods=["GET", "HEAD"], include_in_schema=False, name="ui_alias")
    app.mount("/static", _Static(directory=STATIC), name="static")
