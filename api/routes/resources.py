"""``/id/{path}`` and ``/ns``: Quanze's IRIs, dereferenced as Linked Data practice expects.

Every resource IRI is ``https://w3id.org/quanze/id/…`` and the ontology's is
``https://w3id.org/quanze/ns``; w3id.org redirects ``https://w3id.org/quanze/*`` to a deployment,
which therefore answers the same paths.

``GET /id/{path}`` negotiates on ``Accept`` with the project's own negotiation
(:func:`quanze.store.formats.best_media_type`, as ``/sparql`` and ``/rdf-graphs``):

* an RDF format — Turtle (the default for ``*/*``), N-Triples, JSON-LD, RDF/XML, and TriG or
  N-Quads — answers the resource's description: every triple with the IRI as subject, in whichever
  graphs hold it, and the names (``rdfs:label``, ``skos:prefLabel``, ``qz:name``, ``eli:title``,
  ``dcterms:title``) of the IRIs it points at. Only TriG and N-Quads, which carry graphs, say which
  graph each triple came from; the triple formats give each triple once. The description is the
  query ``quanze/queries/resource.rq``, run as ``/sparql`` runs a SELECT: under the time limit, in
  the memory-capped worker processes on the on-disk store, cut at ``QUANZE_MAX_ROWS`` rows
  (``X-Quanze-Truncated: true`` then: a report graph's node lists every result);
* ``text/html`` (a browser) answers 303 See Other to the web page showing the resource — an item
  (``/#/item/{code}``) or an article, paragraph or point (``/#/provision?id={iri}``) — when the web
  interface is served. Any other resource has no page: a redirect to a Turtle URL would make a
  browser download a file it asked to read, so the Turtle description is answered in place (200,
  ``text/turtle``, ``Content-Disposition: inline``);
* nothing acceptable: 406, as ``/sparql``. Negotiated answers (200, 303, 406) carry ``Vary: Accept``.

An IRI with no triples as subject is 404 with a Chinese and English message (the API's error
model); so is a path that cannot be a Quanze IRI (empty, an empty segment, bad escapes).

``GET /ns`` answers the ontology (the file ``QUANZE_ONTOLOGY``, ``ontology/quanze.ttl``) the same
way: Turtle as written, the other formats parsed and written again; the service serves no
vocabulary documentation, so a browser gets the Turtle in place too.

**Paths and IRIs.** Path segments keep Chinese characters, and only the ASCII characters an IRI may
not carry are %-encoded (:func:`quanze.namespaces.segment`). A client sends the IRI as a URI
(RFC 3987 §3.1: Chinese characters as UTF-8 escapes), and a ``%2F`` inside a segment (an
organisation named with a slash) must stay apart from the ``/`` between segments, so the path is
read as sent (``raw_path``), each segment decoded and encoded again as the loaders mint it; the
path exactly as sent is tried too, for an IRI written into the store in URI form.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import quote, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.deps import RunnerDep, SettingsDep, StoreDep
from api.errors import ApiError
from api.routes.common import error_responses, not_found
from api.sandbox import Job, answer
from api.security import QueryRunner
from api.sparql import GRAPH_TYPES, JSON_RESULTS, media_header, not_acceptable
from quanze.devolution import query_text
from quanze.lookup import safe_iri
from quanze.namespaces import BASE, ID, PREFIXES, QZ, segment
from quanze.settings import Settings
from quanze.store import Iri, Store, bind
from quanze.store.formats import RDF_FORMATS, best_media_type

router = APIRouter(tags=["资源 IRI resources"])

RESOURCE_BASE = str(ID)
ONTOLOGY_IRI = BASE + "ns"
HTML = "text/html"
#: The formats that carry named graphs: only these say which graph a triple came from.
DATASET_FORMATS: dict[str, ox.RdfFormat] = {"application/trig": ox.RdfFormat.TRIG,
                                            "application/n-quads": ox.RdfFormat.N_QUADS}
#: What the routes offer, in the server's order of preference: the first wins a ``*/*``, so a
#: client naming no format (curl) gets Turtle, and a browser (text/html first) the web page.
OFFERED: list[str] = [*GRAPH_TYPES, *DATASET_FORMATS, HTML]
ITEM_PREFIX = RESOURCE_BASE + "item/"
_CODE = str(QZ.code)
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: qzid: tails hold "/" (item/…, law/…/art_41), which a prefixed name must escape (qzid:item\/…):
#: such IRIs read better written out.
_UNPREFIXED = frozenset({"qzid"})
_PROVISION_TYPES = frozenset({str(QZ.Article), str(QZ.Paragraph), str(QZ.Point)})
#: What encodeURIComponent leaves as it is: the web pages' links are made with it (web/src/ui.js).
_URI_COMPONENT_SAFE = "-_.!~*'()"


# --- from a request path to the IRI it names ---------------------------------------------------

def request_tail(request: Request, prefix: str = "/id/") -> str:
    """The request's path after ``prefix``, as the client sent it (escapes kept: a ``%2F`` stays
    apart from a ``/``); from the decoded path, escaped again, when the server gives no raw path."""
    raw = request.scope.get("raw_path")
    root = request.scope.get("root_path", "")
    try:
        path = raw.decode("utf-8") if isinstance(raw, bytes) else quote(request.url.path, safe="/")
    except UnicodeDecodeError:
        return ""
    path = path.removeprefix(root) if root and path.startswith(root) else path
    return path.removeprefix(prefix) if path.startswith(prefix) else ""


def candidate_iris(tail: str) -> list[str]:
    """The IRIs a path after ``/id/`` may name, the minted form first (each segment decoded and
    encoded again with :func:`quanze.namespaces.segment`), then the path as sent; empty when it
    can be no Quanze IRI (nothing, an empty segment, an escape that is no UTF-8)."""
    parts = tail.split("/")
    if not tail or any(not p for p in parts):
        return []
    try:
        decoded = [unquote(p, errors="strict") for p in parts]
    except UnicodeDecodeError:
        return []
    minted = [segment(d) for d in decoded]
    forms = []
    # segment() also trims a title's spaces: a segment it changes beyond escaping is not minted form
    if all(unquote(m) == d for m, d in zip(minted, decoded, strict=True)):
        forms.append(RESOURCE_BASE + "/".join(minted))
    forms.append(RESOURCE_BASE + tail)
    return [iri for iri in dict.fromkeys(forms) if safe_iri(iri) is not None]


# --- the description ---------------------------------------------------------------------------

async def describe(request: Request, iri: str, settings: Settings, store: Store,
                   runner: QueryRunner) -> tuple[list[ox.Quad], bool]:
    """The description of ``iri`` (resource.rq) as quads, and whether the row cap cut it.

    Run as ``/sparql`` runs a SELECT (:func:`api.sparql.run_query`): a worker process killed at the
    time limit and capped in memory on the on-disk store, the query thread elsewhere; the runner's
    slots and time limit either way."""
    processes = getattr(request.app.state, "processes", None)
    text = bind(query_text("resource"), {"resource": Iri(iri)})
    deadline = time.monotonic() + settings.query_timeout

    def work() -> tuple[bytes, bool]:
        job = Job(0, text, JSON_RESULTS, [], [], settings.max_rows, True)
        if processes is not None:
            body, _, truncated = processes.run(job, max(0.0, deadline - time.monotonic()))
        else:
            body, _, truncated = answer(store, job)
        return body, truncated

    # with worker processes the limit is enforced inside work(); the thread's is a backstop
    body, truncated = await runner.run(work, settings.query_timeout + 10 if processes else None)
    quads = []
    for row in ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON):
        g, s, p, o = row["g"], row["s"], row["p"], row["o"]
        if isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode) and o is not None:
            graph = g if isinstance(g, ox.NamedNode | ox.BlankNode) else ox.DefaultGraph()
            quads.append(ox.Quad(s, p, o, graph))
    return quads, truncated


def serialize(quads: list[ox.Quad], media: str) -> bytes:
    """``quads`` in ``media``: with their graphs in TriG and N-Quads, as a set of triples (each
    triple once, whatever graphs hold it) in the triple formats."""
    if media in DATASET_FORMATS:
        data: list[Any] = sorted(quads, key=str)
        fmt = DATASET_FORMATS[media]
    else:
        data = sorted({q.triple for q in quads}, key=str)
        fmt = RDF_FORMATS[media]
    return ox.serialize(data, format=fmt, prefixes=used_prefixes(data)) or b""


def used_prefixes(data: list[Any]) -> dict[str, str]:
    """The project's prefixes (:data:`quanze.namespaces.PREFIXES`) that some IRI of ``data`` starts
    with: a short description opens with the prefixes it uses, not a dozen it does not."""
    iris = {t.value for d in data for t in (d.subject, d.predicate, d.object) if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for d in data for t in (d.object,) if isinstance(t, ox.Literal) and t.datatype}
    return {p: ns for p, ns in PREFIXES.items() if p not in _UNPREFIXED and any(i.startswith(ns) for i in iris)}


def page_for(request: Request, iri: str, quads: list[ox.Quad]) -> str | None:
    """The web page showing the resource (relative to the service's root), or None: an item and
    an article, paragraph or point have one, while the web interface is served."""
    if not any(getattr(r, "name", None) == "ui" for r in request.app.router.routes):
        return None  # api/static not built: the service runs without its pages
    root = request.scope.get("root_path", "")
    own = [q for q in quads if q.subject.value == iri]
    codes = sorted(q.object.value for q in own if q.predicate.value == _CODE and isinstance(q.object, ox.Literal))
    if iri.startswith(ITEM_PREFIX) and codes:
        return f"{root}/#/item/{quote(codes[0], safe=_URI_COMPONENT_SAFE)}"
    if any(q.predicate.value == _TYPE and q.object.value in _PROVISION_TYPES for q in own):
        return f"{root}/#/provision?id={quote(iri, safe=_URI_COMPONENT_SAFE)}"
    return None


def negotiate(request: Request) -> str:
    """The media type to answer in (406, with Vary, when nothing offered is acceptable)."""
    media = best_media_type(request.headers.get("accept"), OFFERED)
    if media is None:
        raise not_acceptable(OFFERED)
    return media


def rdf_answer(body: bytes, media: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type=media_header(media), headers={"Vary": "Accept", **(headers or {})})


# --- OpenAPI -----------------------------------------------------------------------------------

_RDF_CONTENT: dict[str, Any] = {
    m: {"schema": {"type": ["array", "object"]} if m == "application/ld+json" else {"type": "string"}}
    for m in OFFERED if m != HTML}
_VARY = {"Vary": {"description": "Accept", "schema": {"type": "string"}}}


def _responses(what: str, html: str, headers: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": f"{what}: Turtle (the default), N-Triples, JSON-LD, RDF/XML, TriG or N-Quads, chosen "
                             f"from Accept with q-values; {html}",
              "content": _RDF_CONTENT, "headers": {**_VARY, **headers}},
        406: {**error_responses(406)[406], "description": "无法以 Accept 要求的格式作答 / none of the formats in Accept "
                                                          "can be served", "headers": _VARY},
    }


_ID_RESPONSES = {**_responses(
    "资源描述 / the resource's description: its triples (in TriG and N-Quads with their graphs) and the names of "
    "what it points at",
    "text/html with no web page for the resource: the Turtle, in place",
    {"X-Quanze-Truncated": {"description": "true when the description was cut at the row cap (QUANZE_MAX_ROWS)",
                            "schema": {"type": "string"}}}), **error_responses(404, 503)}
_ID_RESPONSES[303] = {
    "description": "text/html：转到显示该资源的网页（事项、条款项）/ text/html: to the web page showing the resource "
                   "(an item; an article, paragraph or point)",
    "headers": {**_VARY, "Location": {"description": "/#/item/{code} or /#/provision?id={iri}",
                                      "schema": {"type": "string"}}}}


# --- the routes --------------------------------------------------------------------------------

@router.get("/id/{path:path}", response_class=Response, summary="解析资源 IRI / dereference a resource IRI",
            responses=_ID_RESPONSES)
async def resource(request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep,
                   path: Annotated[str, Path(description="the IRI after https://w3id.org/quanze/id/ (Chinese "
                                                         "characters as they are or %-encoded)",
                                             examples=["item/37YJ-XK-0001", "region/370000"])]) -> Response:
    """What ``https://w3id.org/quanze/id/{path}`` names, by content negotiation: its description
    in an RDF format, or for a browser a 303 to its web page (an item, a provision)."""
    media = negotiate(request)
    candidates = candidate_iris(request_tail(request))
    if not candidates:
        raise not_found(f"不是权责的资源 IRI：{request.url.path}", f"not a Quanze resource IRI: {request.url.path}")
    for iri in candidates:
        quads, truncated = await describe(request, iri, settings, store, runner)
        if any(q.subject.value == iri for q in quads):
            break
    else:
        raise not_found(f"没有关于 {candidates[0]} 的数据", f"nothing is known about {candidates[0]}")
    if media == HTML:
        page = page_for(request, iri, quads)
        if page is not None:
            return Response(status_code=303, headers={"Location": page, "Vary": "Accept"})
        media = "text/turtle"  # no page: the Turtle in place (see the module docstring)
    headers = {"Content-Disposition": "inline"} if media == "text/turtle" else {}
    if truncated:
        headers |= {"X-Quanze-Truncated": "true", "X-Quanze-Row-Limit": str(settings.max_rows)}
    return rdf_answer(serialize(quads, media), media, headers)


@lru_cache(maxsize=4)
def _ontology(path: str, modified: float) -> tuple[bytes, tuple[ox.Triple, ...]]:
    """The ontology file as written, and its triples (read again when the file changes)."""
    data = FilePath(path).read_bytes()
    return data, tuple(sorted((q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI)),
                              key=str))


@router.get("/ns", response_class=Response, summary="本体 / the ontology (the qz: namespace)",
            responses={**_responses("本体 / the ontology (ontology/quanze.ttl; Turtle as written)",
                                    "text/html: the Turtle, in place (no vocabulary documentation is served)", {}),
                       **error_responses(500)})
async def ontology(request: Request, settings: SettingsDep) -> Response:
    """The ontology ``https://w3id.org/quanze/ns`` declares its terms in, by content negotiation."""
    media = negotiate(request)
    path = FilePath(settings.ontology)
    try:
        data, triples = _ontology(str(path), path.stat().st_mtime)
    except (OSError, SyntaxError) as exc:
        raise ApiError(500, f"无法读取本体文件 {path} / cannot read the ontology file {path}: {exc}",
                       force_json=True) from None
    if media in (HTML, "text/turtle"):
        return rdf_answer(data, "text/turtle", {"Content-Disposition": "inline"})
    if media in DATASET_FORMATS:
        body = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                            format=DATASET_FORMATS[media], prefixes=used_prefixes(list(triples)))
    else:
        body = ox.serialize(list(triples), format=RDF_FORMATS[media], prefixes=used_prefixes(list(triples)))
    return rdf_answer(body or b"", media)
