"""The SPARQL 1.1 Protocol at ``/sparql``: queries, updates and the service description.

Requests (SPARQL 1.1 Protocol §2):

* query: ``GET ?query=``, ``POST`` form-encoded ``query=``, or ``POST`` with
  ``Content-Type: application/sparql-query`` (then ``default-graph-uri`` / ``named-graph-uri``
  come from the URL); both may be repeated.
* update: ``POST`` form-encoded ``update=`` or ``POST application/sparql-update``, with the
  write token (see :mod:`api.security`).
* ``GET`` with neither: the SPARQL 1.1 Service Description, by content negotiation.

Answers: SELECT/ASK as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples,
JSON-LD or RDF/XML; chosen from ``Accept`` by :func:`quanze.store.formats.best_media_type`
(406 when none fits). The query form is found by parsing the text with pyoxigraph (on an
empty store, in the worker thread), which also gives 400 with the parser's line and column.

**Row cap.** A SELECT is always run as SPARQL JSON; when it has more than ``max_rows`` rows
the list is cut there, the answer carries ``X-Quanze-Truncated: true`` (and
``X-Quanze-Row-Limit``), and it is re-serialised by pyoxigraph into the negotiated format, so
every format is capped the same way and stays a valid results document. On the on-disk
store rows are read one at a time and reading stops at the cap (in a worker process,
:mod:`api.sandbox`); elsewhere the whole result is computed first (bounded by the time
limit). ``max_rows <= 0`` means no cap.

**Dataset.** Protocol parameters override ``FROM`` / ``FROM NAMED`` (§2.2.4). The store's
default graph is the union of the named graphs, and both backends then ignore ``FROM``; so a
query's own ``FROM`` clauses are passed as if they were protocol parameters. A dataset with
named graphs but no default graph gets an empty default graph (SPARQL Query §13.2).

**Base IRI.** Relative IRIs resolve against the endpoint URL (§2.4) unless the text has its
own ``BASE``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.lexer import (
    Token,
    drops_every_graph,
    graph_query,
    has_relative_iri,
    query_dataset,
    tokenize,
    update_targets,
)
from api.methods import method_routes
from api.sandbox import Job, answer
from api.security import QueryRunner, refuse_deep, refuse_load, refuse_service, require_writer
from api.writes import ManagedGraph, commit_write, managed_graphs
from quanze.settings import Settings
from quanze.store import QuerySyntaxError, Store
from quanze.store.formats import RDF_FORMATS, RESULT_FORMATS, best_media_type

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

RESULT_TYPES = list(RESULT_FORMATS)  # the first is the default for */*
GRAPH_TYPES = list(RDF_FORMATS)
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

#: A graph no one writes: the default graph of a dataset that names only named graphs.
EMPTY_DEFAULT_GRAPH = "urn:x-quanze:empty-default-graph"

_PARSER = ox.Store()  # never written: used to parse queries and tell their form


@dataclass
class Operation:
    """One protocol request, read from the URL or body."""

    kind: str  # "query" | "update"
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def content_type(request: Request) -> tuple[str | None, dict[str, str]]:
    """The request's media type (lower case) and its parameters."""
    header = request.headers.get("content-type")
    if not header:
        return None, {}
    media, *params = (p.strip() for p in header.split(";"))
    out = {}
    for p in params:
        name, _, value = p.partition("=")
        out[name.strip().lower()] = value.strip().strip('"')
    return media.lower(), out


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ApiError(400, f"参数 {name} 只能给一次 / the {name} parameter may be given only once")
    return values[0] if values else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "请求体不是 UTF-8 编码 / the request body is not UTF-8") from None


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ApiError(415, f"只支持 UTF-8，不支持 charset={charset} / only UTF-8 is supported, not charset={charset}")


def _refuse_using(pairs: list[tuple[str, str]]) -> None:
    if any(k in ("using-graph-uri", "using-named-graph-uri") for k, _ in pairs):
        raise ApiError(400, "不支持 using-graph-uri / using-named-graph-uri 参数；请在更新中写 USING 或 WITH / "
                            "using-graph-uri and using-named-graph-uri are not supported; write USING or WITH "
                            "in the update")


def _from_params(pairs: list[tuple[str, str]]) -> Operation | None:
    """An operation from protocol parameters (URL or form body); None when neither is given."""
    def get(name: str) -> list[str]:
        return [v for k, v in pairs if k == name]

    query, update = _one(get("query"), "query"), _one(get("update"), "update")
    _one(get("version"), "version")
    if query is not None and update is not None:
        raise ApiError(400, "query 与 update 不能同时给出 / give either query or update, not both")
    if update is not None:
        _refuse_using(pairs)
        return Operation("update", update)
    if query is not None:
        return Operation("query", query, get("default-graph-uri"), get("named-graph-uri"))
    return None


async def read_operation(request: Request) -> Operation | None:
    """The operation a request carries (400/415 when it is malformed); None → service description."""
    url_pairs = request.query_params.multi_items()
    if request.method in ("GET", "HEAD"):
        if request.headers.get("transfer-encoding") or request.headers.get("content-length", "0").strip() != "0":
            raise ApiError(400, "GET 请求不能带请求体 / a GET request must not have a body")
        if any(k == "update" for k, _ in url_pairs):
            raise ApiError(400, "更新必须用 POST 发送 / updates must be sent with POST")
        return _from_params(url_pairs)

    media, params = content_type(request)
    if media == FORM:
        body = _decode(await request.body())
        try:
            pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise ApiError(400, "表单参数不是 UTF-8 编码 / the form parameters are not UTF-8") from None
        op = _from_params(pairs)  # URL parameters do not count for a form POST (§2.2.2, §2.3.1)
        if op is None:
            raise ApiError(400, "缺少 query 或 update 参数 / the query or update parameter is missing")
        return op
    if media in (QUERY_TYPE, UPDATE_TYPE):
        _check_charset(params)
        if any(k in ("query", "update") for k, _ in url_pairs):
            raise ApiError(400, "请求体已是操作本身，URL 中不能再有 query / update 参数 / "
                                "the body is the operation: the URL must not carry query or update too")
        text = _decode(await request.body())
        if media == QUERY_TYPE:
            return Operation("query", text, [v for k, v in url_pairs if k == "default-graph-uri"],
                             [v for k, v in url_pairs if k == "named-graph-uri"])
        _refuse_using(url_pairs)
        return Operation("update", text)
    if media is None:
        raise ApiError(415, f"POST 需要 Content-Type：{QUERY_TYPE}、{UPDATE_TYPE} 或 {FORM} / "
                            f"a POST needs a Content-Type: {QUERY_TYPE}, {UPDATE_TYPE} or {FORM}")
    raise ApiError(415, f"不支持的 Content-Type {media}；应为 {QUERY_TYPE}、{UPDATE_TYPE} 或 {FORM} / "
                        f"unsupported Content-Type {media}; use {QUERY_TYPE}, {UPDATE_TYPE} or {FORM}")


# --- queries ---------------------------------------------------------------------------------

def query_form(text: str, base: str | None = None) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE); QuerySyntaxError when it does not parse.

    Parses on an empty store: SELECT and graph results are lazy and ASK finds nothing, so
    this costs the parse. SERVICE must have been refused before (Oxigraph would call it)."""
    try:
        result = _PARSER.query(text, base_iri=base)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL 语法错误 / SPARQL syntax error: {exc}") from None
    if isinstance(result, ox.QuerySolutions):
        return "select"
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "graph"


def not_acceptable(offered: list[str]) -> ApiError:
    return ApiError(406, "无法以 Accept 要求的格式作答；可用：" + ", ".join(offered)
                    + " / none of the formats in Accept can be served; available: " + ", ".join(offered))


def media_header(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith("text/") else media


def dataset_for(op: Operation, tokens: list[Token], base: str) -> tuple[list[str], list[str]]:
    """The dataset to run with: protocol parameters, else the query's FROM clauses (see above)."""
    default, named = op.default_graphs, op.named_graphs
    for iri in (*default, *named):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ApiError(400, f"数据集参数不是有效的绝对 IRI：{iri} / "
                                f"a dataset parameter is not a valid absolute IRI: {iri}") from None
    if not default and not named:
        default, named = query_dataset(tokens, base)
    if named and not default:
        default = [EMPTY_DEFAULT_GRAPH]
    return default, named


def service_base(request: Request) -> str:
    """The service's own base IRI (SPARQL 1.1 Protocol §2.4 says it defines one): the endpoint URL."""
    return str(request.url.replace(query="", fragment=""))


def with_base(text: str, tokens: list[Token], base: str) -> str:
    """The text with ``BASE <endpoint>`` in front when it has relative IRIs (on the same line,
    so the parser's line numbers stay right). A BASE of the text's own still wins: it comes later."""
    return f"BASE <{base}> {text}" if has_relative_iri(tokens) else text


async def run_query(request: Request, op: Operation, settings: Settings, store: Store,
                    runner: QueryRunner) -> Response:
    base = service_base(request)
    accept = request.headers.get("accept")
    processes = getattr(request.app.state, "processes", None)

    deadline = time.monotonic() + settings.query_timeout

    def work() -> tuple[bytes, str, bool]:  # all of it in the worker: a long text takes time to read
        tokens = tokenize(op.text)
        refuse_deep(tokens)
        refuse_service(tokens)
        default, named = dataset_for(op, tokens, base)
        text = with_base(op.text, tokens, base)
        form = query_form(op.text, base)
        offered = GRAPH_TYPES if form == "graph" else RESULT_TYPES
        media = best_media_type(accept, offered)
        if media is None:
            raise not_acceptable(offered)
        job = Job(0, text, media, default, named, settings.max_rows, form == "select")
        if processes is not None:  # the on-disk store: a worker process, killed at the time limit
            return processes.run(job, max(0.0, deadline - time.monotonic()))
        return answer(store, job)

    # With worker processes the limit is enforced inside work(), which frees its slot before it
    # returns; the thread's own limit is only a backstop.
    body, media, truncated = await runner.run(work, settings.query_timeout + 10 if processes else None)
    headers = {"Vary": "Accept"}
    if truncated:
        headers["X-Quanze-Truncated"] = "true"
        headers["X-Quanze-Row-Limit"] = str(settings.max_rows)
    return Response(b"" if request.method == "HEAD" else body, media_type=media_header(media), headers=headers)


async def run_update(request: Request, op: Operation, settings: Settings, store: Store) -> Response:
    require_writer(request, settings)
    base = service_base(request)

    def work() -> None:
        tokens = tokenize(op.text)
        refuse_deep(tokens)
        refuse_load(tokens)
        refuse_service(tokens)
        text = with_base(op.text, tokens, base)
        if drops_every_graph(tokens) and (kept := managed_graphs(store) & set(store.graph_names())):
            raise ManagedGraph(sorted(kept))  # refused before every graph is copied to compare
        commit_write(store, lambda: update_scope(store, text, base), lambda _snapshot: store.update(text),
                     protocol=True, exact=False)

    await run_in_threadpool(work)
    return Response(status_code=204)


def update_scope(store: Store, text: str, base: str) -> set[str] | None:
    """The named graphs an update may change: the graphs its text names (:func:`update_targets`)
    and, for ``GRAPH ?g`` in a template, the graphs its ``WHERE`` binds there now
    (:func:`graph_query`, :meth:`Store.bound_graphs`). None when that cannot be told: the
    write then copies every graph, the corpus included, to find what changed."""
    tokens = tokenize(text)
    if (named := update_targets(tokens, base)) is not None:
        return named
    try:  # parsed (and run on an empty store) first: a bad update costs no copy of every graph
        ox.Store().update(text)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL 语法错误 / SPARQL syntax error: {exc}") from None
    except Exception:  # noqa: BLE001 -- it parsed; what it does on an empty store (CLEAR GRAPH <none>) is no answer
        pass
    if (query := graph_query(text, tokens)) is None or (named := update_targets(
            tokens, base, graph_variables=True)) is None:
        return None
    if not query.variables:  # GRAPH ?g only read in WHERE
        return named
    bound = store.bound_graphs(query.text, query.default, query.named)
    return None if bound is None else named | bound


# --- the service description -----------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def service_description(endpoint: str, settings: Settings, graphs: list[str]) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    service, dataset, default_graph = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, DCT_TITLE, ox.Literal("权责 Quanze SPARQL 端点", language="zh")),
        ox.Triple(service, DCT_TITLE, ox.Literal("Quanze SPARQL endpoint", language="en")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(
            f"Queries time out after {settings.query_timeout:g} s; SELECT answers are cut at {settings.max_rows} rows "
            f"(header X-Quanze-Truncated); SERVICE and LOAD are refused; "
            f"{'updates need a bearer token' if settings.token else 'read-only'}. "
            f"Graph Store Protocol at /rdf-graphs.", language="en")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, RDFS_COMMENT,
                  ox.Literal("默认图是全部命名图的并集 / the default graph is the union of all named graphs")),
    ]
    if settings.token:
        out.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    out += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in _FORMAT_IRIS]
    for g in graphs:
        named = ox.BlankNode()
        out += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                ox.Triple(named, sd("name"), ox.NamedNode(g))]
    return out


async def describe_service(request: Request, settings: Settings, store: Store) -> Response:
    media = best_media_type(request.headers.get("accept"), GRAPH_TYPES)
    if media is None:
        raise not_acceptable(GRAPH_TYPES)
    endpoint = service_base(request)
    graphs = await run_in_threadpool(store.graph_names)
    body = ox.serialize(service_description(endpoint, settings, graphs), format=RDF_FORMATS[media],
                        prefixes={"sd": SD, "formats": FORMATS, "dcterms": "http://purl.org/dc/terms/",
                                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}) or b""
    return Response(b"" if request.method == "HEAD" else body, media_type=media_header(media),
                    headers={"Vary": "Accept"})


# --- the endpoint ----------------------------------------------------------------------------

async def sparql_endpoint(request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep) -> Response:
    """Queries (GET/POST), updates (POST, with the token), the service description (bare GET)."""
    op = await read_operation(request)
    if op is None:
        return await describe_service(request, settings, store)
    if op.kind == "update":
        return await run_update(request, op, settings, store)
    return await run_query(request, op, settings, store, runner)


method_routes(router, "/sparql", sparql_endpoint, ("GET", "HEAD", "POST"), "sparql",
              "SPARQL 1.1 Protocol: query, update, service description")
