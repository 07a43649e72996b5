"""``/health``: is the service up, on which store, and has its data changed.

``data`` is a token that changes whenever a load is recorded, replaced or removed (in the
catalog, whoever made it: the CLI into the same store counts) or a write comes through this
service: the web pages ask it every half minute to say when what they show may be out of date.
A SPARQL update sent to a remote store by another client, past the catalog, does not change it."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api import writes
from api.deps import SettingsDep
from api.routes.common import error_responses, run, store_of
from quanze import __version__
from quanze.catalog import stamp

router = APIRouter(tags=["状态 health"])


class HealthOut(BaseModel):
    """The service's state."""

    status: str = Field(description="ok", examples=["ok"])
    version: str = Field(description="Quanze's version", examples=[__version__])
    backend: str = Field(description="oxigraph (on disk), memory or remote", examples=["oxigraph"])
    store: str = Field(description="ok when the store answered a query", examples=["ok"])
    graphs: int = Field(description="named graphs in the store", examples=[7])
    data: str = Field(description="changes whenever a load is recorded, replaced or removed, or a write comes "
                                  "through this service (数据变更标记)", examples=["3f9a0c1d2e4b5a69"])
    writable: bool = Field(description="whether writes are open: a token is configured (QUANZE_TOKEN); false: "
                                       "read-only, every write is 403 (写入是否开放)", examples=[True])
    triples: int | None = Field(None, description="triples in the store (only with ?triples=true: it counts "
                                                  "them all)", examples=[1156000])


@router.get("/health", response_model=HealthOut, summary="服务状态 / health", responses=error_responses(502, 503))
async def health(request: Request, settings: SettingsDep,
                 triples: Annotated[bool, Query(description="also count the triples (slow on a large store)")]
                 = False) -> dict[str, Any]:
    """Asks the store a trivial query; 502/503 when it cannot answer (unreachable, locked)."""
    store = store_of(request)
    def work() -> dict[str, Any]:
        store.ask("ASK { }")
        token = repr((sorted(stamp(store)), writes.written())).encode()
        return {"graphs": len(store.graph_names()), "data": hashlib.sha256(token).hexdigest()[:16],
                "triples": store.count() if triples else None}

    # Not through the query runner, unless counting every triple: with its slots taken by slow
    # SPARQL queries, a load balancer asking /health must still hear that the service is alive.
    answer = await (run(request, work) if triples else run_in_threadpool(work))
    return {"status": "ok", "version": __version__, "backend": store.backend, "store": "ok",
            "writable": bool(settings.token), **answer}
