"""``/loads``: the catalog of loads (GET), uploading a list (POST) and removing a load (DELETE),
the last two with the write token.

``POST /loads`` takes a 权责清单, 调整事项目录 or 层级校核表 (CSV or XLSX) as ``multipart/form-data``, saves it
to a temporary folder under its own file name (the load is named after the file unless
``name`` is given) and runs :func:`quanze.lists.load_list` with the SHACL validator of
:mod:`quanze.validation` when that module is there. The write goes through
:func:`api.writes.commit_write` like every API write. A bad row, an unreadable file or a
failed validation answers 422 with the problems (file, row, column, Chinese and English) and
the validation report; nothing is stored then.

``DELETE /loads/{name}`` removes a load's graph, report and record in one update, like ``quanze
unload``; while other loads point at items only this load defines it answers 409, naming them,
unless ``force=true``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import SettingsDep
from api.errors import ApiError
from api.routes.common import error_responses, not_found, run, store_of
from api.security import require_writer
from api.writes import Snapshot, commit_write
from quanze.catalog import CATALOG_GRAPH, loads, not_a_list, unrecorded_graphs
from quanze.lists import (
    LoadRejected,
    LoadResult,
    Problem,
    UnloadRefused,
    dependents,
    is_loaded,
    load_graph,
    load_list,
    reports_of,
    unload,
)
from quanze.namespaces import graph_iri
from quanze.store import Store
from quanze.tables import TableError

router = APIRouter(tags=["载入 loads"])

SUFFIXES = (".csv", ".xlsx", ".xlsm")
TRUE = {"1", "true", "yes", "on", "是"}


class LoadRecordOut(BaseModel):
    """A load's provenance record (qzid:graph/catalog)."""

    name: str = Field(description="载入名称", examples=["shandong-provincial"])
    graph: str = Field(description="the named graph")
    kind: str | None = Field(description="items, adjustments, laws, reference …", examples=["items"])
    file_name: str | None = Field(description="文件名", examples=["shandong-provincial.csv"])
    sha256: str | None = Field(description="the file's SHA-256")
    rows: int | None = Field(description="行数", examples=[289])
    triples: int | None = Field(description="三元组数", examples=[3192])
    time: str | None = Field(description="载入时间 (UTC)", examples=["2026-11-29T08:27:05Z"])
    by: str | None = Field(description="载入人")
    loader: str | None = Field(description="loader version", examples=["quanze 0.1.0"])
    report: str | None = Field(description="its validation report's graph")
    accepted_violations: int | None = Field(description="violations accepted when loading")


class LoadsOut(BaseModel):
    """Every recorded load, and graphs holding data without a record."""

    loads: list[LoadRecordOut]
    unrecorded_graphs: list[str] = Field(description="graphs without a record (an interrupted load or a manual "
                                                     "write)")


class UnloadOut(BaseModel):
    """What an unload removed."""

    name: str = Field(description="载入名称", examples=["shandong-adjustments"])
    graph: str = Field(description="the named graph removed, with its report and its record")
    left_pointing: dict[str, int] = Field(description="with force: load name → how many of its nodes now point at "
                                                      "nothing (其节点现已无所指的载入)")
    renewed_reports: list[str] = Field(default_factory=list, description=(
        "with force: the loads among them whose validation report was made again against the store without this "
        "load, in the same write (重新生成校验报告的载入); a load without a report (loaded unvalidated) is not"))


class UnloadRefusedOut(BaseModel):
    """A refused unload: nothing was removed."""

    status: int = Field(examples=[409])
    error: str = Field(examples=["conflict"])
    message: str = Field(description="中文 / English")
    dependents: dict[str, int] = Field(description="load name → how many of its nodes would point at nothing")


class ProblemOut(BaseModel):
    """A problem with an uploaded file: where, and why in Chinese and English."""

    file: str = Field(description="文件名", examples=["list.csv"])
    row: int | None = Field(description="行号 (the header is row 1)", examples=[3])
    column: str | None = Field(description="列名", examples=["设定依据"])
    zh: str = Field(description="原因", examples=["未知的法规名称《不存在法》"])
    en: str = Field(description="the reason in English", examples=["unknown title 《不存在法》"])
    severity: str = Field(description="error (rejects the row), violation (a validation rule the load breaks, at "
                                      "the row of its item) or warning", examples=["error"])


class LoadSummary(BaseModel):
    """What a load stored."""

    name: str = Field(description="载入名称", examples=["shandong-provincial"])
    graph: str = Field(description="the named graph written")
    kind: str = Field(description="items (权责清单), adjustments (调整事项目录) or reviews (层级校核表)", examples=["items"])
    file_name: str = Field(description="文件名", examples=["shandong-provincial.csv"])
    rows: int = Field(description="rows in the file", examples=[289])
    stored_rows: int = Field(description="rows stored", examples=[289])
    triples: int = Field(description="triples in the graph", examples=[3192])
    inserted: int = Field(description="triples added", examples=[3192])
    deleted: int = Field(description="triples removed (a reload writes only the difference)", examples=[0])
    problems: list[ProblemOut] = Field(description="warnings, and the rejected rows with --skip-bad-rows")
    validation: dict[str, Any] | None = Field(description="the SHACL validation report (None without a validator)")


class LoadRejectedOut(BaseModel):
    """A refused load: nothing was stored."""

    status: int = Field(examples=[422])
    error: str = Field(examples=["validation_failed"])
    message: str = Field(description="中文 / English")
    problems: list[ProblemOut] = Field(description="what is wrong, by file, row and column")
    validation: dict[str, Any] | None = Field(None, description="the SHACL validation report, when it failed")


MULTIPART_BODY: dict[str, Any] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "权责清单, 调整事项目录 or 层级校核表: CSV (UTF-8, UTF-8-BOM, GB18030) or XLSX"},
            "name": {"type": "string", "description": "load name (default: the file name without extension)"},
            "by": {"type": "string", "description": "who loads it (recorded in provenance)"},
            "skip_bad_rows": {"type": "boolean", "default": False,
                              "description": "store the good rows, report the bad ones"},
            "accept_violations": {"type": "boolean", "default": False,
                                  "description": "store even when SHACL validation finds violations"},
        }}}},
}


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "row": p.row, "column": p.column, "zh": p.reason_zh, "en": p.reason_en,
            "severity": p.severity}


def _report(report: object | None) -> dict[str, Any] | None:
    if report is None:
        return None
    to_dict = getattr(report, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return {"text": str(report)}


def _validator() -> Any:
    """The after-load SHACL validation, when :mod:`quanze.validation` is installed."""
    try:
        from quanze.validation import validate_pending
    except ImportError:
        return None
    return validate_pending


def file_name(raw: str | None) -> str:
    """The uploaded file's own name, without any folder a client put in front."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    if not name or name in (".", "..") or Path(name).suffix.lower() not in SUFFIXES:
        raise ApiError(415, f"文件须为 CSV 或 XLSX（.csv/.xlsx），收到“{name}” / "
                            f"the file must be CSV or XLSX (.csv/.xlsx), got {name!r}", force_json=True)
    return name


def rejected(message: str, problems: list[dict[str, Any]], report: object | None = None) -> ApiError:
    """422 with the problems and the validation report."""
    return ApiError(422, message, details={"problems": problems, "validation": _report(report)}, force_json=True)


def store_upload(store: Store, name: str, data: bytes, load_name: str | None, by: str | None,
                 skip_bad_rows: bool, accept_violations: bool) -> tuple[LoadResult, str]:
    """Save the upload under its own name in a temporary folder and load it (blocking)."""
    stem = load_name or Path(name).stem
    graph = str(graph_iri("load", stem))
    report_graph = str(graph_iri("report", stem))
    with tempfile.TemporaryDirectory(prefix="quanze-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            validator = _validator()
            result = commit_write(store, [graph, report_graph, CATALOG_GRAPH], lambda _snapshot: load_list(
                store, path, name=load_name, by=by, skip_bad_rows=skip_bad_rows, validator=validator,
                accept_violations=accept_violations), validated=validator is not None)
        except TableError as exc:
            raise rejected(f"无法读取文件 / cannot read the file: {exc}",
                           [{"file": name, "row": None, "column": None, "zh": exc.reason_zh, "en": exc.reason_en,
                             "severity": "error"}]) from None
        except LoadRejected as exc:
            message = str(exc).replace("可用 --accept-violations", "可用 accept_violations=true").replace(
                "--accept-violations commits", "accept_violations=true commits")
            zh, _, en = message.partition(" / ")  # each half says it: "中文；库未改变 / English; the store is unchanged"
            raise rejected(f"{zh}；库未改变 / {en}; the store is unchanged", [_problem(p) for p in exc.problems],
                           exc.report) from None
    return result, stem


@router.get("/loads", response_model=LoadsOut, summary="载入记录 / the catalog of loads",
            responses=error_responses(503))
async def list_loads(request: Request) -> dict[str, Any]:
    """Every load with its provenance (file, sha256, rows, triples, time, who, report)."""
    store = store_of(request)
    def work() -> dict[str, Any]:
        records = [{"name": r.name, "graph": r.graph, "kind": r.kind, "file_name": r.file_name, "sha256": r.sha256,
                    "rows": r.rows, "triples": r.triples, "time": r.time, "by": r.by, "loader": r.loader,
                    "report": r.report, "accepted_violations": r.accepted_violations} for r in loads(store)]
        return {"loads": records, "unrecorded_graphs": unrecorded_graphs(store)}

    return await run(request, work)


@router.post("/loads", status_code=201, response_model=LoadSummary, summary="载入清单 / upload a list",
             openapi_extra={"requestBody": MULTIPART_BODY},
             responses={422: {"model": LoadRejectedOut, "description": "rejected: bad rows, an unreadable file or "
                                                                       "failed validation; nothing stored"},
                        **error_responses(400, 401, 403, 413, 415)})
async def upload(request: Request, settings: SettingsDep) -> JSONResponse:
    """Load a 权责清单, 调整事项目录 or 层级校核表 as its own graph (needs ``Authorization: Bearer <token>``).

    One bad row rejects the whole file unless ``skip_bad_rows``; a load failing SHACL validation
    is rejected unless ``accept_violations``. Rejected → 422, and the store is unchanged."""
    require_writer(request, settings)  # before the body is read
    store = store_of(request)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(415, "请以 multipart/form-data 上传文件（字段 file）/ "
                            "upload the file as multipart/form-data (field file)", force_json=True)
    try:
        form = await request.form(max_files=1, max_fields=8)
    except Exception as exc:  # noqa: BLE001 — a malformed multipart body
        raise ApiError(400, f"无法读取 multipart/form-data 请求体 / cannot read the multipart/form-data body: {exc}",
                       force_json=True) from None
    upload_file = form.get("file")
    if not isinstance(upload_file, UploadFile):
        raise ApiError(400, "缺少文件字段 file / the file field is missing", force_json=True)
    name = file_name(upload_file.filename)
    data = await upload_file.read()

    def field(key: str) -> str | None:
        value = form.get(key)
        return value.strip() or None if isinstance(value, str) else None

    def flag(key: str) -> bool:
        return (field(key) or "").lower() in TRUE

    result, stem = await run_in_threadpool(store_upload, store, name, data, field("name"), field("by"),
                                           flag("skip_bad_rows"), flag("accept_violations"))
    body = {"name": stem, "graph": result.graph, "kind": result.kind, "file_name": name, "rows": result.rows,
            "stored_rows": result.stored_rows, "triples": result.triples, "inserted": result.inserted,
            "deleted": result.deleted, "problems": [_problem(p) for p in result.problems],
            "validation": _report(result.report)}
    return JSONResponse(LoadSummary.model_validate(body).model_dump(), status_code=201)


@router.delete("/loads/{name:path}", response_model=UnloadOut, summary="删除载入 / remove a load",
               responses={409: {"model": UnloadRefusedOut, "description": "other loads point at its items; nothing "
                                                                          "removed (use force=true); or the name is "
                                                                          "a graph Quanze keeps (laws, reference…), "
                                                                          "which its own command rewrites"},
                          **error_responses(400, 401, 403, 404)})
async def remove(
    request: Request, settings: SettingsDep,
    name: Annotated[str, PathParam(description="the load's name, as GET /loads gives it (a / in it may be written "
                                               "as is or as %2F)", max_length=300)],
    force: Annotated[bool, Query(description="remove it even if other loads point at its items "
                                             "(即使其他载入指向其事项也删除)")] = False,
) -> dict[str, Any]:
    """Remove a load: its graph, its validation report and its catalog record, in one update
    (needs ``Authorization: Bearer <token>``). Refused with 409 while other loads point at items
    only this load defines, unless ``force``."""
    require_writer(request, settings)
    store = store_of(request)
    graph = load_graph(name)
    stem = unquote(graph.rsplit("/", 1)[-1])

    def work() -> dict[str, Any]:
        if not is_loaded(store, name):  # answered without a write
            if other := not_a_list(loads(store), name):  # GET /loads lists it: say why it stays
                keeper = "quanze laws import" if other.kind == "laws" else "quanze init"
                raise ApiError(409, f"{stem} 不是清单载入，由 {keeper} 维护，不能经 /loads 删除 / {stem} is no list "
                                    f"load: {keeper} keeps it, and /loads cannot remove it",
                               details={"dependents": {}}, force_json=True)  # the 409 model UnloadRefused has
            raise not_found(f"没有名为 {stem} 的载入", f"no load named {stem}")
        try:
            removed, left, renewed = unload_under_lock(store, name, force)
        except UnloadRefused as exc:
            message = str(exc).replace("（--force）", "（force=true）").replace("(--force)", "(force=true)")
            raise ApiError(409, message, details={"dependents": exc.dependents}, force_json=True) from None
        if not removed:  # unloaded by someone else meanwhile
            raise not_found(f"没有名为 {stem} 的载入", f"no load named {stem}")
        return {"name": stem, "graph": graph, "left_pointing": left,
                "renewed_reports": list(renewed)}

    return await run_in_threadpool(work)


def unload_under_lock(store: Store, name: str, force: bool) -> tuple[bool, dict[str, int], dict[str, str]]:
    """:func:`quanze.lists.unload` through :func:`api.writes.commit_write`: whether it removed the
    load, the loads left pointing at its items (``force`` only) and their renewed reports (load →
    report graph). Those are found under the write lock, as ``unload`` finds them: a load arriving
    just before would otherwise be acted on but missing from the answer and from the graphs the
    write may change."""
    graph = load_graph(name)
    stem = unquote(graph.rsplit("/", 1)[-1])
    found: dict[str, Any] = {}

    def scope() -> list[str]:  # called by commit_write with the lock held, before the action
        found["left"] = dependents(store, name) if force else {}
        found["renewed"] = reports_of(store, found["left"])
        return [graph, str(graph_iri("report", stem)), CATALOG_GRAPH, *found["renewed"].values()]

    def action(_snapshot: Snapshot) -> tuple[bool, dict[str, int], dict[str, str]]:
        return unload(store, name, force=force, validator=_validator()), found["left"], found["renewed"]

    # ``unload`` answers for what it leaves, as ``quanze unload`` does: it refuses to leave other
    # loads pointing at nothing (409) unless forced, and a forced one renews their reports. The
    # after-write check would judge it as a protocol write instead — and the store without an
    # adjustments list or a review list breaks the rules those lists settled, which is what taking
    # one out means — refusing (422) what the CLI does.
    return commit_write(store, scope, action, validated=True)
