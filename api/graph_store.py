"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs`` (indirect graph identification).

* ``?graph=IRI`` names a graph, ``?default`` the default graph — here the read-only union of
  all named graphs (the store contract): GET and HEAD work on it, writes are 405.
* GET / HEAD are open to all: 404 when the graph does not exist; the format by ``Accept``
  (Turtle, N-Triples, JSON-LD, RDF/XML; 406 otherwise).
* PUT replaces, POST merges (old ∪ new), DELETE drops (404 when absent); they need the write
  token and go through :func:`api.writes.commit_write` (validation hook, one transaction).
  PUT answers 201 when it created the graph, else 204; POST 201 when it created it, else 200
  with counts; DELETE 200 with counts.
* **Empty graphs.** A graph exists while the store knows it (:meth:`Store.has_graph`), not only
  while it has triples. A PUT or POST that leaves a graph empty (an empty payload) keeps it, empty,
  on the embedded and in-memory stores (:attr:`Store.keeps_empty_graphs`, ``CREATE GRAPH``): GET
  then answers 200 with an empty document in the negotiated format, and DELETE removes it — as
  the W3C test suite's "PUT - empty graph" and Oxigraph's server do. A SPARQL endpoint shows only
  graphs with triples, so over a remote store such a write answers 200 with its counts,
  ``"exists": false`` and a message saying the graph does not exist (it was not created, or
  emptying it removed it), never a 201 or 204 that a GET would contradict with 404.
* POST to ``/rdf-graphs`` itself creates a new graph under ``id/graph/upload/`` and answers 201
  with its ``Location`` (GSP §5.5).
* Request bodies: Turtle, N-Triples, RDF/XML, JSON-LD (and N3), parsed by pyoxigraph with the
  graph IRI as base; ``multipart/form-data`` for POST (each part by its own type). TriG and
  N-Quads are 415: a single graph is written. A payload naming graphs is 400. RDF/XML with
  entity declarations is refused (entity expansion).
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.methods import method_routes
from api.sandbox import Job, answer
from api.security import QueryRunner, require_writer
from api.sparql import (
    GRAPH_TYPES,
    content_type,
    describe_routes,
    media_header,
    not_acceptable,
    protocol_errors,
)
from api.writes import Snapshot, commit_write, replace_graph
from quanze.namespaces import graph_iri
from quanze.settings import Settings
from quanze.store import Store, WriteStats
from quanze.store.formats import best_media_type

router = APIRouter(tags=["SPARQL 1.1 Graph Store Protocol"])

INPUT_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}
DATASET_FORMATS = {"application/trig", "application/n-quads", "text/x-nquads"}


class _Default:
    """The ``?default`` target."""


DEFAULT = _Default()
Target = str | _Default | None


def graph_target(request: Request) -> Target:
    """``?graph=IRI`` → the IRI, ``?default`` → DEFAULT, neither → None (the graph store)."""
    graphs = request.query_params.getlist("graph")
    has_default = "default" in request.query_params
    if graphs and has_default:
        raise ApiError(400, "graph 与 default 只能给一个 / give either graph or default, not both")
    if len(graphs) > 1:
        raise ApiError(400, "参数 graph 只能给一次 / the graph parameter may be given only once")
    if has_default:
        return DEFAULT
    if not graphs:
        return None
    try:
        return ox.NamedNode(graphs[0]).value
    except ValueError:
        raise ApiError(400, f"graph 不是有效的绝对 IRI：{graphs[0]} / graph is not a valid absolute IRI: {graphs[0]}") from None


def graph_exists(store: Store, graph: str) -> bool:
    """Whether the store knows ``graph``: an empty graph the store keeps exists (see above)."""
    return store.has_graph(ox.NamedNode(graph).value)


def location(request: Request, graph: str) -> str:
    return str(request.url.replace(query=urlencode({"graph": graph})))


def stats_body(graph: str, stats: WriteStats) -> dict[str, object]:
    return {"graph": graph, "inserted": stats.inserted, "deleted": stats.deleted}


# --- reading payloads ------------------------------------------------------------------------

def parse_payload(body: bytes, media: str, base: str | None) -> set[ox.Triple]:
    """The triples of a request body in ``media`` (415 / 400 when it cannot be taken)."""
    if media in DATASET_FORMATS:
        raise ApiError(415, f"{media} 是数据集格式；单个图请用 Turtle、N-Triples、RDF/XML 或 JSON-LD / "
                            f"{media} is a dataset format; send a single graph as Turtle, N-Triples, RDF/XML or JSON-LD")
    fmt = INPUT_FORMATS.get(media)
    if fmt is None:
        raise ApiError(415, f"不支持的 Content-Type {media}；可用：{', '.join(INPUT_FORMATS)} / "
                            f"unsupported Content-Type {media}; use one of {', '.join(INPUT_FORMATS)}")
    if fmt == ox.RdfFormat.RDF_XML:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(415, "RDF/XML 须为 UTF-8 编码 / RDF/XML must be UTF-8") from None
        if b"<!ENTITY" in body:
            raise ApiError(400, "RDF/XML 中不允许实体声明 / entity declarations are not allowed in RDF/XML")
    try:
        quads = list(ox.parse(body, format=fmt, base_iri=base))
    except (SyntaxError, ValueError) as exc:
        raise ApiError(400, f"无法解析请求体（{media}）/ cannot parse the request body ({media}): {exc}") from None
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise ApiError(400, "请求体中含命名图；Graph Store 一次只写一个图 / "
                            "the payload contains named graphs; the Graph Store writes one graph at a time")
    return {q.triple for q in quads}


async def read_payload(request: Request, settings: Settings, base: str | None) -> set[ox.Triple]:
    media, params = content_type(request)
    if media is None:
        raise ApiError(415, "需要 Content-Type / a Content-Type is required")
    charset = params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ApiError(415, f"只支持 UTF-8，不支持 charset={charset} / only UTF-8 is supported, not charset={charset}")
    if media == "multipart/form-data" and request.method == "POST":
        form = await request.form(max_part_size=settings.max_body)
        triples: set[ox.Triple] = set()
        for _name, part in form.multi_items():
            if isinstance(part, UploadFile):
                part_media = (part.content_type or "").split(";")[0].strip().lower()
                data = await part.read()
                triples |= await run_in_threadpool(parse_payload, data, part_media, base)
        return triples
    body = await request.body()
    return await run_in_threadpool(parse_payload, body, media, base)


# --- the endpoint ----------------------------------------------------------------------------

async def graph_store(request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep) -> Response:
    """Read, replace, merge or drop one graph (``?graph=IRI`` or ``?default``)."""
    target = graph_target(request)
    if request.method in ("GET", "HEAD"):
        return await read_graph(request, target, store, runner, settings)
    if target is DEFAULT:
        raise ApiError(405, "默认图是全部命名图的只读并集；请写命名图（?graph=IRI）/ "
                            "the default graph is the read-only union of the named graphs; write a named graph "
                            "(?graph=IRI)", headers={"Allow": "GET, HEAD"})
    if target is None and request.method != "POST":
        raise ApiError(400, "需要 ?graph=IRI / ?graph=IRI is required")
    require_writer(request, settings)
    if request.method == "DELETE":
        return await delete_graph(str(target), store)
    graph = str(target) if target is not None else str(graph_iri("upload", uuid.uuid4().hex))
    triples = await read_payload(request, settings, graph)
    if request.method == "PUT":
        return await put_graph(request, graph, triples, store)
    return await post_graph(request, graph, triples, store)


async def read_graph(request: Request, target: Target, store: Store, runner: QueryRunner,
                     settings: Settings) -> Response:
    if target is None:
        raise ApiError(400, "需要 ?graph=IRI 或 ?default / ?graph=IRI or ?default is required")
    media = best_media_type(request.headers.get("accept"), GRAPH_TYPES)
    head = request.method == "HEAD"
    processes = getattr(request.app.state, "processes", None)
    deadline = time.monotonic() + settings.query_timeout

    def work() -> bytes:
        if isinstance(target, str) and not graph_exists(store, target):
            raise ApiError(404, f"图不存在：{target} / no such graph: {target}")
        if media is None:
            raise not_acceptable(GRAPH_TYPES)
        if head:
            return b""
        where = "?s ?p ?o" if target is DEFAULT else f"GRAPH {ox.NamedNode(str(target))} {{ ?s ?p ?o }}"
        job = Job(0, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", media, [], [], settings.max_rows, False)
        if processes is not None:
            # The default graph is the union of every graph, the corpus included (~30 s and ~1 GB
            # as Turtle): in a worker it is killed at the time limit and capped in memory, as a
            # /sparql CONSTRUCT is, instead of running on in a thread the service cannot stop.
            return processes.run(job, max(0.0, deadline - time.monotonic()))[0]
        return answer(store, job)[0]

    body = await runner.run(work, settings.query_timeout + 10 if processes else None)
    return Response(body, media_type=media_header(media or GRAPH_TYPES[0]), headers={"Vary": "Accept"})


async def delete_graph(graph: str, store: Store) -> Response:
    def action(snapshot: Snapshot) -> int:
        if graph not in snapshot:
            raise ApiError(404, f"图不存在：{graph} / no such graph: {graph}")
        store.drop(graph)
        return len(snapshot[graph])

    deleted = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    return JSONResponse({"graph": graph, "inserted": 0, "deleted": deleted})


def write_graph(store: Store, graph: str, triples: set[ox.Triple], old: set[ox.Triple] | None) -> WriteStats:
    """:func:`api.writes.replace_graph`, keeping ``graph`` when it is left empty, where the store
    keeps empty graphs (a write of no triples writes nothing, and dropping the blank nodes of a
    graph drops the graph)."""
    stats = replace_graph(store, graph, triples, old)
    if not triples and store.keeps_empty_graphs and not store.has_graph(graph):
        store.create_graph(graph)
    return stats


def no_empty_graph(graph: str, stats: WriteStats) -> JSONResponse:
    """200 for a write that left ``graph`` empty on a store that keeps no empty graphs: it does not exist."""
    return JSONResponse({**stats_body(graph, stats), "exists": False,
                         "message": "此存储（SPARQL 端点）不保留空图：该图现在不存在（未创建，或清空后即不存在）/ this store "
                                    "(a SPARQL endpoint) keeps no empty graphs: the graph does not exist now (it was "
                                    "not created, or emptying it removed it)"})


async def put_graph(request: Request, graph: str, triples: set[ox.Triple], store: Store) -> Response:
    def action(snapshot: Snapshot) -> tuple[bool, WriteStats]:
        return graph not in snapshot, write_graph(store, graph, triples, snapshot.get(graph))

    created, stats = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    if not triples and not store.keeps_empty_graphs:
        return no_empty_graph(graph, stats)
    if created:
        return Response(status_code=201, headers={"Location": location(request, graph)})
    return Response(status_code=204)


async def post_graph(request: Request, graph: str, triples: set[ox.Triple], store: Store) -> Response:
    def action(snapshot: Snapshot) -> tuple[bool, bool, WriteStats]:
        old = snapshot.get(graph, set())
        return graph not in snapshot, not (old | triples), write_graph(store, graph, old | triples, old)

    created, empty, stats = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    if empty and not store.keeps_empty_graphs:
        return no_empty_graph(graph, stats)
    if created:
        return JSONResponse(stats_body(graph, stats), status_code=201, headers={"Location": location(request, graph)})
    return JSONResponse(stats_body(graph, stats))


# --- the OpenAPI description (see api.sparql) -------------------------------------------------

GRAPH_PARAMETER = {"name": "graph", "in": "query", "required": False,
                   "description": "图的绝对 IRI（与 default 二选一）/ the graph's absolute IRI (or default, not both)",
                   "schema": {"type": "string", "examples": ["https://example.org/notes"]}}
DEFAULT_PARAMETER = {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
                     "description": "默认图：全部命名图的只读并集（出现即可，值不论）/ the default graph: the read-only "
                                    "union of all named graphs (its presence counts, not its value)",
                     "schema": {"type": "string"}}
COUNTS = {"application/json": {"schema": {"type": "object", "required": ["graph", "inserted", "deleted"], "properties": {
    "graph": {"type": "string"}, "inserted": {"type": "integer"}, "deleted": {"type": "integer"},
    "exists": {"type": "boolean", "description": "false only where the store keeps no empty graphs (a remote "
                                                 "SPARQL endpoint) and the write left the graph empty"},
    "message": {"type": "string"}}}}}
_LOCATION = {"Location": {"description": "the graph's URL (?graph=…)", "schema": {"type": "string"}}}
_PAYLOAD = {m: {"schema": {"type": "string"}} for m in INPUT_FORMATS}
_PAYLOAD["application/ld+json"] = {"schema": {"type": ["array", "object"]}}
_MULTIPART = {"multipart/form-data": {"schema": {"type": "object", "additionalProperties": {
    "type": "string", "format": "binary", "description": "one RDF document, by its own Content-Type"}}}}
_WRITE_TEXT = {
    "e400": "需要 ?graph=IRI、IRI 无效、graph 与 default 同给，或请求体无法解析、含命名图、含实体声明 / ?graph=IRI "
            "missing, an invalid IRI, both graph and default, or a payload that does not parse, names graphs or "
            "declares entities",
    "e415": "不支持的 Content-Type（TriG、N-Quads 是数据集格式）或非 UTF-8 / an unsupported Content-Type (TriG and "
            "N-Quads are dataset formats) or a charset other than UTF-8",
    "e409": "该图由 Quanze 的载入维护；未作任何改动 / the graph is kept by Quanze's loaders; nothing changed",
}
_READ = {
    "parameters": [GRAPH_PARAMETER, DEFAULT_PARAMETER],
    "responses": {
        "200": {"description": "图，按 Accept 选择格式（默认 Turtle）；空图为该格式的空文档 / the graph in the format "
                               "Accept chooses (Turtle by default); an empty graph is an empty document of it",
                "headers": {"Vary": {"description": "Accept", "schema": {"type": "string"}}},
                "content": {m: {"schema": {"type": ["array", "object"]}} if m == "application/ld+json"
                            else {"schema": {"type": "string"}} for m in GRAPH_TYPES}},
        **protocol_errors(400, 404, 406, 502, 503, e400="需要 ?graph=IRI 或 ?default，二者不能同给，graph 须为绝对 "
                                                        "IRI / ?graph=IRI or ?default is needed, not both; graph "
                                                        "must be an absolute IRI"),
    },
}
GSP_OPENAPI: dict[str, dict[str, Any]] = {
    "GET": {**_READ, "description": "读取一个图（?graph=IRI）或默认图（?default）/ read one graph (?graph=IRI) or the "
                                    "default graph (?default)"},
    "HEAD": {**_READ, "description": "同 GET，无正文 / as GET, without the body",
             "responses": {**_READ["responses"], "200": {"description": "as GET, without the body"}}},
    "PUT": {
        "description": "以请求体替换图（需要令牌）/ replace the graph with the payload (needs the token)",
        "parameters": [GRAPH_PARAMETER, DEFAULT_PARAMETER],
        "requestBody": {"required": True, "content": _PAYLOAD},
        "responses": {
            "201": {"description": "图已创建（空请求体则为空图）/ the graph was created (empty, for an empty payload)",
                    "headers": _LOCATION},
            "204": {"description": "图已替换 / the graph was replaced"},
            "200": {"description": "请求体为空而存储不保留空图：图不存在 / an empty payload on a store that keeps no "
                                   "empty graphs (a remote SPARQL endpoint): the graph does not exist",
                    "content": COUNTS},
            **protocol_errors(400, 401, 403, 405, 409, 413, 415, 422, 502, **_WRITE_TEXT),
        },
    },
    "POST": {
        "description": "把请求体并入图（需要令牌）；不给 graph 时新建一个图（GSP §5.5）/ merge the payload into the graph "
                       "(needs the token); without graph, a new graph is created (GSP §5.5)",
        "parameters": [GRAPH_PARAMETER, DEFAULT_PARAMETER],
        "requestBody": {"required": True, "content": {**_PAYLOAD, **_MULTIPART}},
        "responses": {
            "200": {"description": "已并入，附计数；图留空而存储不保留空图（远程 SPARQL 端点）时 exists 为 false：图不存在 / "
                                   "merged, with counts; exists is false when the graph is left empty on a store that "
                                   "keeps no empty graphs (a remote SPARQL endpoint): it does not exist",
                    "content": COUNTS},
            "201": {"description": "图已创建，附计数 / the graph was created, with counts", "headers": _LOCATION,
                    "content": COUNTS},
            **protocol_errors(400, 401, 403, 405, 409, 413, 415, 422, 502, **_WRITE_TEXT),
        },
    },
    "DELETE": {
        "description": "删除图（需要令牌）/ drop the graph (needs the token)",
        "parameters": [GRAPH_PARAMETER, DEFAULT_PARAMETER],
        "responses": {
            "200": {"description": "已删除，附计数 / dropped, with counts", "content": COUNTS},
            **protocol_errors(400, 401, 403, 404, 405, 409, 422, 502, **_WRITE_TEXT,
                              e422="删除会使其他清单的节点违规（如调整事项指向已删除的事项），已撤销 / dropping it "
                                   "would leave other lists' nodes in violation (an adjustment pointing at a removed "
                                   "item); rolled back"),
        },
    },
}

method_routes(router, "/rdf-graphs", graph_store, ("GET", "HEAD", "PUT", "POST", "DELETE"), "graph_store",
              "SPARQL 1.1 Graph Store HTTP Protocol")
describe_routes(router, "/rdf-graphs", GSP_OPENAPI)
