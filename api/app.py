"""The HTTP service: :func:`create_app` builds it, ``uvicorn --factory api.app:create_app`` runs it.

The app holds one store for its lifetime: the one passed in (the caller keeps owning it; the
tests pass an in-memory store) or else one opened from the settings at startup and closed at
shutdown. Routes: ``/sparql`` (:mod:`api.sparql`), ``/rdf-graphs`` (:mod:`api.graph_store`).
REST for legal staff (:mod:`api.routes`): ``/items``, ``/provisions``, ``/devolution``, ``/impact``,
``/validation``, ``/loads``, ``/health``; the IRIs dereferenced at ``/id/{path}`` and ``/ns``
(:mod:`api.routes.resources`). CORS is closed unless ``QUANZE_CORS_ORIGINS`` lists origins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import errors, graph_store, sandbox, sparql
from api.methods import HeadAsGet
from api.routes import ROUTERS
from api.routes.common import ResolverCache
from api.routes.devolution import AssessmentCache
from api.security import BodyLimitMiddleware, QueryRunner
from api.ui import mount_ui
from quanze import __version__
from quanze.settings import Settings
from quanze.store import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The FastAPI app over ``store`` (or the store the settings name, opened at startup)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store if store is not None else settings.open_store()
        app.state.processes = sandbox.start(app.state.store, settings.query_memory_mb)
        try:
            yield
        finally:
            if app.state.processes is not None:
                app.state.processes.close()
            if store is None:
                app.state.store.close()
            app.state.store = None

    app = FastAPI(title="Quanze 权责", version=__version__,
                  summary="Power items, their legal bases and devolution blockers: REST for legal staff, "
                          "SPARQL 1.1 Protocol and Graph Store Protocol",
                  # FastAPI's /docs and /redoc load their scripts from a CDN: the service must work
                  # with no internet, so the description is served as /openapi.json only.
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = None
    app.state.runner = QueryRunner(settings.query_timeout)
    app.state.resolver_cache = ResolverCache()  # see api.routes.common
    app.state.assessment_cache = AssessmentCache()  # see api.routes.devolution
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    for router in ROUTERS:
        app.include_router(router)
    mount_ui(app)  # the web interface at / and /static (after the API's routes)
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body)
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:  # added last: outermost, so errors (413 too) carry CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
            allow_headers=["Accept", "Authorization", "Content-Type"],
            # what a page on another origin reads: a created graph, a capped answer, the total of a
            # paged one, a download's name, when to try again
            expose_headers=["Location", "X-Quanze-Truncated", "X-Quanze-Row-Limit", "X-Total-Count",
                            "Content-Disposition", "Retry-After"],
        )
    return app


def app() -> FastAPI:
    """Module-level factory for ``uvicorn api.app:app --factory`` (settings from ``QUANZE_*``)."""
    return create_app()
