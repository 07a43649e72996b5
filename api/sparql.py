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
(406 when none fits).

**Query form.** Whether a query is SELECT, ASK or CONSTRUCT/DESCRIBE is read from its tokens
(:func:`quanze.store.tokens.query_form`), never by running it in the server: pyoxigraph has no
parse-only call, and it evaluates an ASK (or a SELECT with ORDER BY) as it parses it, however
empty the store, so a query of ``VALUES`` blocks alone would run outside the killable worker
and hold its slot for as long as it takes. A syntax error comes from running the query (in the
worker process, in the thread for the in-memory store, or from the remote endpoint): 400 with
the parser's line and column, counted in the text as sent. A text that names no query form is
run all the same, for the parser to say why, and answers in SPARQL JSON whatever ``Accept``
says; one that does, but that ``Accept`` cannot be served for, is 406 before it is parsed.

**ASK as CSV or TSV.** The SPARQL 1.1 CSV/TSV results format defines no boolean, and Oxigraph
writes a bare ``true``: a body with no header line, which a CSV reader takes for a table with
a column named ``true`` and no rows. The endpoint answers as Apache Jena (Fuseki) does instead,
a table of one column and one row: CSV ``_askResult\\r\\ntrue\\r\\n``, TSV ``?_askResult\\ntrue\\n``
(``false`` likewise), which any CSV/TSV reader opens and Jena's result readers take for a
boolean. (Refusing with 406 would break clients that ask every query for CSV.) The query is run
as SPARQL JSON and written here, so every backend answers the same.

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

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.lexer import (
    drops_every_graph,
    glued,
    graph_query,
    has_relative_iri,
    query_dataset,
    update_targets,
    written_graphs,
)
from api.methods import method_routes
from api.sandbox import Job, answer
from api.security import QueryRunner, refuse_deep, refuse_hidden, refuse_load, refuse_service, require_writer
from api.writes import ManagedGraph, commit_write, managed_graphs
from quanze.settings import Settings
from quanze.store import QuerySyntaxError, Store
from quanze.store.formats import RDF_FORMATS, RESULT_FORMATS, best_media_type
from quanze.store.tokens import Token, prologue_end, query_form, tokenize

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

RESULT_TYPES = list(RESULT_FORMATS)  # the first is the default for */*
GRAPH_TYPES = list(RDF_FORMATS)
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

#: A graph no one writes: the default graph of a dataset that names only named graphs.
EMPTY_DEFAULT_GRAPH = "urn:x-quanze:empty-default-graph"


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

SYNTAX_ERROR = "SPARQL 语法错误 / SPARQL syntax error: "

#: Where Oxigraph's parser says the error is: ``error at LINE:COLUMN`` (1-based, in characters).
_ERROR_AT = re.compile(r"\berror at (\d+):(\d+)")


def syntax_error(message: str) -> QuerySyntaxError:
    """A syntax error with the bilingual prefix, which a remote endpoint's message comes without."""
    return QuerySyntaxError(message if message.startswith(SYNTAX_ERROR) else SYNTAX_ERROR + message)


def unshifted(message: str, text: str, at: int, inserted: int) -> str:
    """The parser's ``message`` with its position in the user's ``text``: the service ran the text
    with ``inserted`` characters put in at ``at`` (a ``BASE`` in front, :func:`parse_update`'s
    guard), on the same line so that line numbers hold; the column is moved back past them."""
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)  # 1-based

    def moved(m: re.Match[str]) -> str:
        at_line, at_column = int(m.group(1)), int(m.group(2))
        if at_line == line and at_column > column:
            at_column = column + max(0, at_column - column - inserted)  # inside the insertion: where it went
        return f"error at {at_line}:{at_column}"

    return _ERROR_AT.sub(moved, message, count=1) if inserted else message


def not_acceptable(offered: list[str]) -> ApiError:
    # Vary: the answer depends on Accept, a 406 as much as a 200 (RFC 9110 §12.5.5): a cache must not
    # serve it to a client asking for another format
    return ApiError(406, "无法以 Accept 要求的格式作答；可用：" + ", ".join(offered)
                    + " / none of the formats in Accept can be served; available: " + ", ".join(offered),
                    headers={"Vary": "Accept"})


def media_header(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith("text/") else media


#: An ASK answer as CSV or TSV: Apache Jena's header and line ends (see the module docstring).
ASK_TABLES = {"text/csv": ("_askResult", "\r\n"), "text/tab-separated-values": ("?_askResult", "\n")}


def ask_table(json_results: bytes, media: str) -> bytes:
    """An ASK answer (SPARQL JSON) as a one-column CSV or TSV table with a header line."""
    header, end = ASK_TABLES[media]
    value = "true" if json.loads(json_results)["boolean"] else "false"
    return f"{header}{end}{value}{end}".encode()


def answer_media(form: str | None, accept: str | None) -> str:
    """The media type to answer ``form`` in, by ``Accept`` (406 when none fits). A text that names
    no query form is no query: it is run for the parser to say why, in SPARQL JSON whatever
    ``Accept`` asks, so that the answer is that 400 rather than a 406."""
    offered = GRAPH_TYPES if form == "graph" else RESULT_TYPES
    media = best_media_type(accept, offered)
    if media is not None:
        return media
    if form is None:
        return JSON_RESULTS
    raise not_acceptable(offered)


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
        refuse_hidden(op.text, tokens)
        refuse_service(tokens)
        default, named = dataset_for(op, tokens, base)
        text = with_base(op.text, tokens, base)
        form = query_form(tokens)  # from the tokens: evaluating it here is what the worker is for
        media = answer_media(form, accept)
        table = form == "ask" and media in ASK_TABLES  # run as JSON, written with a header (see above)
        # a text of no form runs as a SELECT, under the row cap, should it parse after all
        job = Job(0, text, JSON_RESULTS if table else media, default, named, settings.max_rows,
                  form in ("select", None))
        try:
            if processes is not None:  # the on-disk store: a worker process, killed at the time limit
                result = processes.run(job, max(0.0, deadline - time.monotonic()))
            else:
                result = answer(store, job)
        except QuerySyntaxError as exc:
            raise syntax_error(unshifted(str(exc), op.text, 0, len(text) - len(op.text))) from None
        return (ask_table(result[0], media), media, False) if table else result

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
        refuse_hidden(op.text, tokens)
        refuse_load(tokens)
        refuse_service(tokens)
        text = with_base(op.text, tokens, base)
        try:  # a syntax error is said first, before what the update writes is judged or any copy made
            parse_update(text, tokenize(text))
        except QuerySyntaxError as exc:
            raise QuerySyntaxError(unshifted(str(exc), op.text, 0, len(text) - len(op.text))) from None
        if glued(tokens):
            # DROPALL, INSERTDATA, CLEARGRAPHc:: Oxigraph reads them, a standard parser refuses them,
            # and which graphs they write cannot be told — so each cost a copy of every graph, the
            # corpus included, to compare after the write (a review found INSERTDATA into the corpus
            # taking that path past the early refusal below)
            raise ApiError(400, "更新中的关键字与其后内容连写（如 DROPALL、INSERTDATA），无法判断其写入的图；请以空白分隔 / "
                                "a keyword is glued to what follows (DROPALL, INSERTDATA): which graphs the update "
                                "writes cannot be told; separate them with whitespace")
        if drops_every_graph(tokens) and (kept := managed_graphs(store) & set(store.graph_names())):
            raise ManagedGraph(sorted(kept))  # refused before every graph is copied to compare
        if kept := written_graphs(tokens, base) & managed_graphs(store):
            # refused before the graph is copied to compare: the corpus is 1.15 M triples, and an
            # INSERT DATA into it took 19 minutes and 6 GB to be undone (an integrator's audit)
            raise ManagedGraph(sorted(kept))
        try:
            commit_write(store, lambda: update_scope(store, text, base), lambda _snapshot: store.update(text),
                         protocol=True, exact=False)
        except QuerySyntaxError as exc:
            raise QuerySyntaxError(unshifted(str(exc), op.text, 0, len(text) - len(op.text))) from None

    await run_in_threadpool(work)
    return Response(status_code=204)


def update_scope(store: Store, text: str, base: str) -> set[str] | None:
    """The named graphs an update may change: the graphs its text names (:func:`update_targets`)
    and, for ``GRAPH ?g`` in a template, the graphs its ``WHERE`` binds there now
    (:func:`graph_query`, :meth:`Store.bound_graphs`). None when that cannot be told: the
    write then copies every graph, the corpus included, to find what changed. ``text`` has
    parsed already (:func:`run_update` checks it before taking the write lock)."""
    tokens = tokenize(text)
    if (named := update_targets(tokens, base)) is not None:
        return named
    if (query := graph_query(text, tokens)) is None or (named := update_targets(
            tokens, base, graph_variables=True)) is None:
        return None
    if not query.variables:  # GRAPH ?g only read in WHERE
        return named
    bound = store.bound_graphs(query.text, query.default, query.named)
    # only those that exist need a copy: a graph the update makes is found after it, and an IRI
    # bound that names no graph (a subject, say) would be one more graph to compare and restore
    return None if bound is None else named | (bound & set(store.graph_names()))


#: What :func:`parse_update` puts in front of an update's operations: the second ``CREATE`` fails,
#: and Oxigraph parses an update whole, then runs its operations in order and stops at the first
#: that fails — so none of the update's own runs.
_PARSE_ONLY = "CREATE GRAPH <urn:x-quanze:parse-only> ; CREATE GRAPH <urn:x-quanze:parse-only> ; "


def parse_update(text: str, tokens: list[Token]) -> None:
    """QuerySyntaxError, with the parser's message, when the update ``text`` does not parse;
    nothing of it is run.

    pyoxigraph has no parse-only call, and running the update on an empty store to see it
    parse is no cheaper than its ``WHERE`` is without data: ``VALUES`` blocks, ``BIND`` and
    subqueries cost their evaluation all the same, and this runs with the write lock held. The
    guard goes after the prologue: Oxigraph reads no ``PREFIX`` or ``BASE`` after a ``;``."""
    i = prologue_end(tokens)
    at = tokens[i].pos if i < len(tokens) else len(text)
    try:
        ox.Store().update(text[:at] + _PARSE_ONLY + text[at:])
    except SyntaxError as exc:
        raise syntax_error(unshifted(str(exc), text, at, len(_PARSE_ONLY))) from None
    except Exception:  # noqa: BLE001 -- the guard's second CREATE, failing as it should: the update parsed
        return


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


# --- the OpenAPI description -----------------------------------------------------------------
# The protocol endpoints read their requests themselves (parameters that repeat, bodies in several
# media types, the same URL for a query, an update and the service description), so FastAPI sees
# no parameter: each route is given its entry by :func:`describe_routes`.

#: The error model of the REST routes (api.routes.common.ErrorOut), which JSON errors here share.
ERROR_MODEL = {"$ref": "#/components/schemas/ErrorOut"}

#: What each error status means at the protocol endpoints; an operation may say it its own way.
ERROR_TEXT: dict[int, str] = {
    400: "请求无效：参数重复或冲突、语法错误（含行列号）、数据集参数不是绝对 IRI、SERVICE 或 LOAD、括号嵌套过深、"
         "写入默认图的更新 / bad request: a repeated or conflicting parameter, a syntax error (with line and column), "
         "a dataset parameter that is not an absolute IRI, SERVICE or LOAD, brackets nested too deep, an update "
         "writing the default graph (use GRAPH <…>)",
    401: "缺少或错误的令牌（Authorization: Bearer）/ missing or wrong token (Authorization: Bearer)",
    403: "只读服务：未配置写入令牌（QUANZE_TOKEN）/ read-only service: no write token is configured (QUANZE_TOKEN)",
    404: "图不存在 / no such graph",
    405: "默认图是全部命名图的只读并集 / the default graph is the read-only union of the named graphs",
    406: "无法以 Accept 要求的格式作答（正文列出可用格式，总是纯文本）/ none of the formats in Accept can be "
         "served (the body lists those available; always plain text)",
    409: "写入了 Quanze 的载入维护的图（目录、清单、校验报告、语料、参考数据）；未作任何改动 / writes a graph Quanze's "
         "loaders keep (the catalog, a list, a validation report, the corpus, the reference data); nothing changed",
    413: "请求体超过上限（QUANZE_MAX_BODY）/ the request body exceeds the limit (QUANZE_MAX_BODY)",
    415: "不支持的 Content-Type 或字符集（只收 UTF-8）/ unsupported Content-Type or charset (UTF-8 only)",
    422: "写入带来 SHACL 违规，已撤销；附新违规的报告 / the write brought SHACL violations and was rolled back; "
         "the report of the new violations comes with it",
    502: "远程 SPARQL 端点不可达 / the remote SPARQL endpoint is unreachable",
    503: "查询超过时限（QUANZE_QUERY_TIMEOUT）、服务繁忙（Retry-After）或内存超限 / the query exceeded the time limit "
         "(QUANZE_QUERY_TIMEOUT), the service is busy (Retry-After) or the query needed too much memory",
}

_ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": 'Bearer realm="quanze"', "schema": {"type": "string"}}},
    405: {"Allow": {"description": "GET, HEAD", "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds, when the service is busy", "schema": {"type": "string"}}},
}


def _error_content(status: int) -> dict[str, Any]:
    """How an error comes (api.errors): plain text, or the error model when ``Accept`` names a JSON
    type; 406 always plain text; 409 and 422 always JSON, with the graphs (and the report)."""
    text = {"text/plain": {"schema": {"type": "string"}}}
    if status == 406:
        return text
    if status in (409, 422):
        extra: dict[str, Any] = {"graphs": {"type": "array", "items": {"type": "string"},
                                            "description": "the graphs concerned"}}
        if status == 422:
            extra["report"] = {"description": "the SHACL validation report of the new violations"}
            extra["pre_existing"] = {"type": "integer", "description": "violations the same nodes had before"}
        return {"application/json": {"schema": {"allOf": [ERROR_MODEL, {"type": "object", "properties": extra}]}}}
    return {**text, "application/json": {"schema": ERROR_MODEL}}


def protocol_errors(*codes: int, **texts: str) -> dict[str, dict[str, Any]]:
    """OpenAPI responses for error statuses as the protocol endpoints answer them; ``texts``
    (``e400="…"``) words a status for one operation."""
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": texts.get(f"e{code}", ERROR_TEXT[code]), "content": _error_content(code)}
        if code in _ERROR_HEADERS:
            entry["headers"] = _ERROR_HEADERS[code]
        out[str(code)] = entry
    return out


def describe_routes(router: APIRouter, path: str, entries: dict[str, dict[str, Any]]) -> None:
    """Give the route of each method at ``path`` (:func:`api.methods.method_routes`) its OpenAPI
    entry — parameters, request body, responses — as ``openapi_extra``."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and route.include_in_schema:
            (method,) = route.methods
            route.openapi_extra = entries[method]


def _string(example: str | None = None) -> dict[str, Any]:
    return {"schema": {"type": "string", **({"examples": [example]} if example else {})}}


EXAMPLE_QUERY = "PREFIX qz: <https://w3id.org/quanze/ns#> SELECT ?item ?code WHERE { ?item qz:code ?code } LIMIT 10"
EXAMPLE_UPDATE = 'INSERT DATA { GRAPH <https://example.org/notes> { <https://example.org/a> <https://example.org/note> "示例" } }'

_DATASET_TEXT = {
    "default-graph-uri": "默认图（可重复）；覆盖查询中的 FROM / a graph of the default graph (repeatable); overrides "
                         "the query's FROM. Without these the default graph is the union of all named graphs",
    "named-graph-uri": "命名图（可重复）；覆盖查询中的 FROM NAMED / a named graph (repeatable); overrides the query's "
                       "FROM NAMED",
}
DATASET_PARAMETERS = [{"name": name, "in": "query", "required": False, "style": "form", "explode": True,
                       "description": text, "schema": {"type": "array", "items": {"type": "string"}}}
                      for name, text in _DATASET_TEXT.items()]
QUERY_PARAMETER = {"name": "query", "in": "query", "required": False,
                   "description": "SPARQL 查询；不给则返回服务描述 / the SPARQL query; without it, the service description",
                   "schema": {"type": "string", "examples": [EXAMPLE_QUERY]}}

_RESULT_SCHEMAS: dict[str, dict[str, Any]] = {
    JSON_RESULTS: {"schema": {"type": "object", "description": "SPARQL 1.1 Query Results JSON"}},
    "application/ld+json": {"schema": {"type": ["array", "object"], "description": "JSON-LD"}},
}
RESULT_CONTENT = {m: _RESULT_SCHEMAS.get(m, _string()) for m in [*RESULT_TYPES, *GRAPH_TYPES]}
QUERY_ANSWER = {
    "description": "SELECT/ASK：SPARQL JSON（默认）、XML、CSV、TSV；CONSTRUCT/DESCRIBE 与服务描述：Turtle（默认）、N-Triples、"
                   "JSON-LD、RDF/XML；按 Accept（q 值）选择 / SELECT and ASK: SPARQL JSON (the default), XML, CSV or TSV; "
                   "CONSTRUCT, DESCRIBE and the service description: Turtle (the default), N-Triples, JSON-LD or "
                   "RDF/XML; chosen from Accept with q-values. ASK as CSV/TSV is a one-column table: `_askResult` "
                   "(TSV `?_askResult`), then true or false",
    "headers": {
        "X-Quanze-Truncated": {"description": "true when the SELECT answer was cut at the row cap (QUANZE_MAX_ROWS)",
                               "schema": {"type": "string"}},
        "X-Quanze-Row-Limit": {"description": "the row cap, when the answer was cut", "schema": {"type": "string"}},
        "Vary": {"description": "Accept", "schema": {"type": "string"}},
    },
    "content": RESULT_CONTENT,
}
_ERRORS_NOTE = ("错误正文为纯文本（中文 / English），Accept 含 JSON 类型时为错误模型 / errors are plain text (中文 / English), "
                "or the error model when Accept names a JSON type.")

SPARQL_OPENAPI: dict[str, dict[str, Any]] = {
    "GET": {
        "description": "查询（?query=），或不带参数时的服务描述 / a query (?query=), or without it the SPARQL 1.1 Service "
                       "Description. " + _ERRORS_NOTE,
        "parameters": [QUERY_PARAMETER, *DATASET_PARAMETERS],
        "responses": {"200": QUERY_ANSWER, **protocol_errors(400, 406, 502, 503)},
    },
    "HEAD": {
        "description": "同 GET，无正文 / as GET, without the body",
        "parameters": [QUERY_PARAMETER, *DATASET_PARAMETERS],
        "responses": {"200": {"description": "as GET, without the body", "headers": QUERY_ANSWER["headers"]},
                      **protocol_errors(400, 406, 502, 503)},
    },
    "POST": {
        "description": "查询或更新：表单（query= 或 update=），或直接以 application/sparql-query、application/sparql-update "
                       "为请求体（数据集参数在 URL 中）；更新需要 Authorization: Bearer 令牌 / a query or an update: a form "
                       "(query= or update=), or the text itself as an application/sparql-query or "
                       "application/sparql-update body (the dataset parameters then in the URL); updates need "
                       "Authorization: Bearer with the token. " + _ERRORS_NOTE,
        "parameters": [{**p, "description": p["description"] + "; with an application/sparql-query body only "
                                                              "(a form carries its own)"} for p in DATASET_PARAMETERS],
        "requestBody": {"required": True, "content": {
            FORM: {"schema": {"type": "object", "properties": {
                "query": {"type": "string", "description": "a SPARQL query", "examples": [EXAMPLE_QUERY]},
                "update": {"type": "string", "description": "a SPARQL update (needs the token)",
                           "examples": [EXAMPLE_UPDATE]},
                "default-graph-uri": {"type": "array", "items": {"type": "string"},
                                      "description": _DATASET_TEXT["default-graph-uri"]},
                "named-graph-uri": {"type": "array", "items": {"type": "string"},
                                    "description": _DATASET_TEXT["named-graph-uri"]}}},
                   "encoding": {"default-graph-uri": {"style": "form", "explode": True},
                                "named-graph-uri": {"style": "form", "explode": True}}},
            QUERY_TYPE: _string(EXAMPLE_QUERY),
            UPDATE_TYPE: _string(EXAMPLE_UPDATE),
        }},
        "responses": {
            "200": QUERY_ANSWER,
            "204": {"description": "更新已执行 / the update was applied"},
            **protocol_errors(400, 401, 403, 406, 409, 413, 415, 422, 502, 503,
                              e406="无法以 Accept 要求的格式作答（查询）/ none of the formats in Accept can be served "
                                   "(a query)",
                              e409="更新写入了 Quanze 的载入维护的图；未作任何改动 / the update writes a graph Quanze's "
                                   "loaders keep; nothing changed"),
        },
    },
}


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
describe_routes(router, "/sparql", SPARQL_OPENAPI)
