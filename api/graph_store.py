"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs`` (indirect graph identification).

* ``?graph=IRI`` names a graph, ``?default`` the default graph — here the read-only union of
  all named graphs (the store contract): GET and HEAD work on it, writes are 405.
* GET / HEAD are open to all: 404 when the graph does not exist; the format by ``Accept``
  (Turtle, N-Triples, JSON-LD, RDF/XML; 406 otherwise).
* PUT replaces, POST merges (old ∪ new), DELETE drops (404 when absent); they need the write
  token and go through :func:`api.writes.commit_write` (validation hook, one transaction).
  PUT answers 201 when it created the graph, else 204; POST 201 when it created it, else 200
  with counts; DELETE 200 with counts.
* POST to ``/rdf-graphs`` itself creates a new graph under ``id/graph/upload/`` and answers 201
  with its ``Location`` (GSP §5.5).
* Request bodies: Turtle, N-Triples, RDF/XML, JSON-LD (and N3), parsed by pyoxigraph with the
  graph IRI as base; ``multipart/form-data`` for POST (each part by its own type). TriG and
  N-Quads are 415: a single graph is written. A payload naming graphs is 400. RDF/XML with
  entity declarations is refused (entity expansion).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.methods import method_routes
from api.security import QueryRunner, require_writer
from api.sparql import GRAPH_TYPES, content_type, media_header, not_acceptable
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
    return store.ask(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")


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
        return await read_graph(request, target, store, runner)
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


async def read_graph(request: Request, target: Target, store: Store, runner: QueryRunner) -> Response:
    if target is None:
        raise ApiError(400, "需要 ?graph=IRI 或 ?default / ?graph=IRI or ?default is required")
    media = best_media_type(request.headers.get("accept"), GRAPH_TYPES)
    head = request.method == "HEAD"

    def work() -> bytes:
        if isinstance(target, str) and not graph_exists(store, target):
            raise ApiError(404, f"图不存在：{target} / no such graph: {target}")
        if media is None:
            raise not_acceptable(GRAPH_TYPES)
        if head:
            return b""
        where = "?s ?p ?o" if target is DEFAULT else f"GRAPH {ox.NamedNode(str(target))} {{ ?s ?p ?o }}"
        body, _ = store.sparql(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", media)
        return body

    body = await runner.run(work)
    return Response(body, media_type=media_header(media or GRAPH_TYPES[0]), headers={"Vary": "Accept"})


async def delete_graph(graph: str, store: Store) -> Response:
    def action(snapshot: Snapshot) -> int:
        if graph not in snapshot:
            raise ApiError(404, f"图不存在：{graph} / no such graph: {graph}")
        store.drop(graph)
        return len(snapshot[graph])

    deleted = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    return JSONResponse({"graph": graph, "inserted": 0, "deleted": deleted})


async def put_graph(request: Request, graph: str, triples: set[ox.Triple], store: Store) -> Response:
    def action(snapshot: Snapshot) -> tuple[bool, WriteStats]:
        return graph not in snapshot, replace_graph(store, graph, triples, snapshot.get(graph))

    created, _stats = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    if created and triples:
        return Response(status_code=201, headers={"Location": location(request, graph)})
    return Response(status_code=204)


async def post_graph(request: Request, graph: str, triples: set[ox.Triple], store: Store) -> Response:
    def action(snapshot: Snapshot) -> tuple[bool, WriteStats]:
        old = snapshot.get(graph, set())
        return graph not in snapshot, replace_graph(store, graph, old | triples, old)

    created, stats = await run_in_threadpool(commit_write, store, [graph], action, protocol=True)
    if created:
        return JSONResponse(stats_body(graph, stats), status_code=201, headers={"Location": location(request, graph)})
    return JSONResponse(stats_body(graph, stats))


method_routes(router, "/rdf-graphs", graph_store, ("GET", "HEAD", "PUT", "POST", "DELETE"), "graph_store",
              "SPARQL 1.1 Graph Store HTTP Protocol")
