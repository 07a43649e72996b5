"""``/devolution``, ``/review-sheet`` and ``/impact``: the core question over HTTP.

``GET /devolution`` answers exactly what ``quanze blockers --format json`` prints (the
``docs/blockers.schema.json`` contract); ``GET /review-sheet`` is the level review worksheet of
``quanze laws reviews``; ``GET /impact`` is ``quanze impact`` for one cited provision."""

from __future__ import annotations

import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.routes.common import (
    Target,
    bad_request,
    blockers_schema,
    blocking_schema,
    error_responses,
    json_content,
    not_found,
    resolve_one,
    resolver_cache,
    run,
    store_of,
)
from quanze import catalog, lookup, reports
from quanze.devolution import STATUSES, WholeInstrument, close_departments, target_level
from quanze.devolution import blockers as find_blockers
from quanze.devolution import impact as find_impact
from quanze.store import Store
from quanze.tables import write_table

router = APIRouter(tags=["下放 devolution"])


class AssessmentCache:
    """The last few ``/devolution`` answers, kept while the store is unchanged.

    A client paging through a province's 33,000 assessments (``offset``/``limit``) would have
    every page recompute all of them. An answer is reused while the catalog (every load's
    graph, hash and time: :func:`quanze.catalog.stamp`) and the API's write generation
    (:func:`quanze.lookup.generation`) are unchanged, and for at most ``ttl`` seconds, which
    bounds how stale it can be after a write that bypasses both (SPARQL Update sent straight
    to a remote endpoint). Answers are large, so only ``size`` are kept."""

    def __init__(self, ttl: float = 300.0, size: int = 4):
        self.ttl, self.size = ttl, size
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[Any, ...], tuple[Any, float, list[dict[str, Any]]]] = OrderedDict()
        self.computed = 0  # answers computed, not reused

    def blockers(self, store: Any, to: str, department: str | None, all_items: bool) -> list[dict[str, Any]]:
        key = (id(store), to, department, all_items)
        state = (lookup.generation(), catalog.stamp(store))
        now = time.monotonic()
        with self._lock:
            kept = self._answers.get(key)
            if kept and kept[0] == state and now - kept[1] <= self.ttl:
                self._answers.move_to_end(key)
                return kept[2]
        found = find_blockers(store, to, department=department, all_items=all_items)
        with self._lock:
            self.computed += 1
            self._answers[key] = (state, now, found)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return found


def assessment_cache(request: Request) -> AssessmentCache:
    return request.app.state.assessment_cache

IMPACT_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "name", "department", "levels", "status", "status_if_amended", "blocking"],
        "properties": {
            "code": {"type": "string", "description": "事项编码"},
            "name": {"type": "string", "description": "事项名称"},
            "department": {"type": ["string", "null"], "description": "实施主体"},
            "levels": {"type": "array", "items": {"type": "string"}, "description": "行使层级"},
            "status": {"enum": list(STATUSES), "description": "status now"},
            "status_if_amended": {"enum": list(STATUSES),
                                  "description": "status if the provision allowed the target level"},
            "blocking": {"type": "array", "items": blocking_schema(),
                         "description": "what in this provision blocks the item now"},
        },
    },
}


@router.get("/devolution", response_class=Response, summary="下放障碍 / what blocks devolution to a level",
            responses={200: {"description": "one assessment per item (docs/blockers.schema.json), the same "
                                            "JSON as `quanze blockers --format json`",
                             "content": json_content(blockers_schema()),
                             "headers": {"X-Total-Count": {"description": "assessments in the whole answer, "
                                                                          "whatever offset and limit",
                                                           "schema": {"type": "integer"}}}},
                       **error_responses(400, 404, 503)})
async def devolution(
    request: Request,
    to: Annotated[Target, Query(description="target level: 市级, 县级 or 功能区 (city, county, zone)",
                                examples=["县级"])],
    department: Annotated[str | None, Query(description="only items of this 实施主体, as the lists write it "
                                                        "(404 naming the close names when no item has it)",
                                            examples=["省药品监督管理局"])] = None,
    all: Annotated[bool, Query(description="every item, also those at or below the target")] = False,
    offset: Annotated[int, Query(ge=0, description="skip this many assessments (in the answer's order: "
                                                   "department, then code)")] = 0,
    limit: Annotated[int | None, Query(ge=1, description="at most this many assessments (default: all); "
                                                         "X-Total-Count gives the total")] = None,
) -> Response:
    """Which items need legal change before devolution to the target, because of which article,
    and who must change it — with the chain (一链办理) and interim alternatives of each.

    At province scale the whole answer is large (~100 MB for 33,000 assessments): ``offset``
    and ``limit`` return a slice of the same array, and ``X-Total-Count`` the full count."""
    store = store_of(request)
    target_level(to)
    cache = assessment_cache(request)

    def answer() -> tuple[str, int]:
        known_department(store, department)
        found = cache.blockers(store, to, department, all)
        end = None if limit is None else offset + limit
        return reports.to_json(found[offset:end]), len(found)

    text, total = await run(request, answer)
    return Response(text.encode("utf-8"), media_type="application/json", headers={"X-Total-Count": str(total)})


def known_department(store: Store, department: str | None) -> None:
    """404 for a department no item has, naming the close ones, as ``quanze blockers`` exits 1:
    an empty answer would read as "nothing blocks" (:func:`quanze.devolution.close_departments`)."""
    close = close_departments(store, department) if department else None
    if close is not None:
        raise not_found(f"没有实施主体为 {department} 的事项" + (f"；相近的名称：{'、'.join(close)}" if close else ""),
                        f"no item has the department {department}" + (f"; close names: {', '.join(close)}" if close else ""))


SHEET_MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@router.get("/review-sheet", response_class=Response, summary="层级校核表 / a level review worksheet",
            responses={200: {"description": "the paragraphs blocking devolution to the target, one per row, "
                                            "pre-filled with the reading in force (as `quanze laws reviews`)",
                             "content": {media.split(";")[0]: {} for media in SHEET_MEDIA.values()}},
                       **error_responses(400, 404, 503)})
async def review_sheet(
    request: Request,
    to: Annotated[Target, Query(description="target level: 市级, 县级 or 功能区", examples=["县级"])],
    format: Annotated[Literal["xlsx", "csv"], Query(description="xlsx or csv")] = "xlsx",
    department: Annotated[str | None, Query(description="only items of this 实施主体 (as written)")] = None,
) -> Response:
    """The paragraphs (款, 项) that block devolution to the target, one per row, in the columns of a
    层级校核表 (条文, 层级, 依据短语, 校核人, 校核日期, 说明), pre-filled with the reading the analysis
    used, with their text and the items they block. Corrected and signed, the file loads back with
    ``POST /loads`` or ``quanze load``."""
    store = store_of(request)
    target_level(to)
    cache = assessment_cache(request)

    def sheet() -> bytes:
        known_department(store, department)
        # every item, as the devolution page asks (and caches): a paragraph that blocks an item
        # exercised at or below the target (层级与法定依据不符) deserves a reading too
        rows = reports.review_sheet(store, cache.blockers(store, to, department, True))
        with tempfile.TemporaryDirectory(prefix="quanze-sheet-") as tmp:
            path = Path(tmp) / f"sheet.{format}"
            write_table(path, reports.SHEET_HEADER, rows)
            return path.read_bytes()

    body = await run(request, sheet)
    # A name of its own each time: a list loaded under an earlier list's name replaces it, and the
    # readings that list settled would be lost with it.
    stamp = time.strftime("%Y%m%d-%H%M")
    name = quote(f"层级校核表-{to}-{stamp}.{format}")
    return Response(body, media_type=SHEET_MEDIA[format], headers={
        "Content-Disposition": f"attachment; filename=review-sheet-{stamp}.{format}; filename*=UTF-8''{name}"})


@router.get("/impact", response_class=JSONResponse, summary="条文修改的影响 / items relying on a provision",
            responses={200: {"description": "items relying on the provision, with their status now and if it "
                                            "allowed the target level (as `quanze impact --format json`)",
                             "content": json_content(IMPACT_SCHEMA)},
                       **error_responses(400, 404, 503)})
async def impact(
    request: Request,
    provision: Annotated[str, Query(description="a citation (《药品管理法》第四十一条第一款) or a provision IRI",
                                    examples=["《药品管理法》第四十一条第一款"], min_length=1, max_length=500)],
    to: Annotated[Target, Query(description="target level")] = "县级",
) -> JSONResponse:
    """The drafting office's list for an amendment: every item relying on the provision, its
    status now and its status if the provision allowed the target level."""
    store = store_of(request)
    target_level(to)
    if provision.startswith(lookup.LAW):
        found = await run(request, lambda: lookup.stored_provision(store, provision))
        if found is None:
            raise not_found(f"没有条文 {provision}", f"no provision {provision}")
        iri = found
    else:
        cache = resolver_cache(request)
        iri = resolve_one(await run(request, lambda: cache.resolve_text(store, provision)), provision)
    try:
        rows = await run(request, lambda: find_impact(store, iri, to))
    except WholeInstrument as exc:  # as `quanze impact` exits 2
        raise bad_request(f"“{provision}”{exc.zh}", f"{provision!r}: {exc.en}") from None
    return JSONResponse(rows)
