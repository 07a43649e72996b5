"""``/health``: is the service up, and on which store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.routes.common import error_responses, run, store_of
from quanze import __version__

router = APIRouter(tags=["状态 health"])


class HealthOut(BaseModel):
    """The service's state."""

    status: str = Field(description="ok", examples=["ok"])
    version: str = Field(description="Quanze's version", examples=[__version__])
    backend: str = Field(description="oxigraph (on disk), memory or remote", examples=["oxigraph"])
    store: str = Field(description="ok when the store answered a query", examples=["ok"])
    graphs: int = Field(description="named graphs in the store", examples=[7])
    triples: int | None = Field(None, description="triples in the store (only with ?triples=true: it counts "
                                                  "them all)", examples=[1156000])


@router.get("/health", response_model=HealthOut, summary="服务状态 / health", responses=error_responses(502, 503))
async def health(request: Request,
                 triples: Annotated[bool, Query(description="also count the triples (slow on a large store)")]
                 = False) -> dict[str, Any]:
    """Asks the store a trivial query; 502/503 when it cannot answer (unreachable, locked)."""
    store = store_of(request)
    def work() -> dict[str, Any]:
        store.ask("ASK { }")
        return {"graphs": len(store.graph_names()), "triples": store.count() if triples else None}

    answer = await run(request, work)
    return {"status": "ok", "version": __version__, "backend": store.backend, "store": "ok", **answer}
