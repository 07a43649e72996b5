"""Any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever): the way
past one machine.

Queries go to the query URL, writes to the update URL as one SPARQL update each (the diff
of :meth:`Store.write`). When a Graph Store Protocol URL is given, the whole-graph reads of a
diff go through it, and so do bulk loads: a new graph of :data:`GSP_THRESHOLD` triples or
more is PUT as N-Triples under the pending-mark protocol of :meth:`Store.write` (a server that
refuses the PUT, e.g. a read-only Fuseki ``gsp-r`` endpoint, gets the update instead).

What a remote endpoint promises about atomicity is what the server promises for one request:
Oxigraph, Fuseki (TDB2) and GraphDB apply an update in one transaction; a server that does not
(Virtuoso without explicit transactions, QLever) can leave part of a failed write behind. A
bulk load through the Graph Store is several requests: while it runs, and after a client
killed midway, other clients can see the new graph, marked ``qz:loadPending`` in the catalog
(:meth:`Store.recover`, ``quanze recover``). See docs/remote.md.

Two misconfigurations answer without an HTTP error, and so were silent: a default graph that is
not the union of the named graphs (every query answers "nothing") and a Graph Store URL that
does not exist (Oxigraph answers 404 for a wrong path as for a missing graph, so a diff read the
old graph as empty and never deleted a triple). The first query of an opened store checks both
against the catalog (:meth:`RemoteStore._check_dataset`), before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pyoxigraph as ox

from quanze.store.base import (
    CATALOG,
    EndpointUnreachable,
    Iri,
    QuerySyntaxError,
    Row,
    Store,
    StoreError,
    WriteStats,
    bind,
    parse_triples,
)

# One request per graph costs a round trip and leaves the update's transaction: worth it only
# for graphs the size of a list or the laws (the update path parses SPARQL, the PUT N-Triples).
GSP_THRESHOLD = 5_000


class _PutRefused(StoreError):
    """The Graph Store answered a PUT with 403/404/405/501: it is read-only."""


class MisconfiguredEndpoint(StoreError):
    """The server answers, but not as Quanze was told it would: reading on would give wrong
    answers (or write wrong diffs) without any error, so nothing is read or written."""


# How the main servers make the default graph the union of the named graphs (docs/remote.md).
_UNION_HINT = ("Oxigraph: oxigraph serve --union-default-graph (the server option, not ?union-default-graph "
               "on the URL); Fuseki: tdb2:unionDefaultGraph true; GraphDB, Virtuoso, QLever: docs/remote.md")


def _checked_url(url: str, option: str) -> str:
    """``url`` if it is an http(s) URL httpx can request; else a :class:`StoreError` naming it
    and the option it came from (httpx only finds out when the first request is built, and
    raises ``InvalidURL``, which no caller expects: a traceback)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise StoreError(f"{option} 不是有效的 URL / is not a valid URL: {url!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise StoreError(f"{option} 须是 http:// 或 https:// URL / must be an http:// or https:// URL: {url!r}")
    return url


def _term(b: dict[str, str]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    kind = b["type"]
    if kind == "uri":
        return ox.NamedNode(b["value"])
    if kind == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def _with_params(url: str, params: list[tuple[str, str]]) -> httpx.URL:
    """``url`` with ``params`` added to the query string it already has.

    httpx's ``params=`` *replaces* a URL's query string (even with an empty list), so an
    endpoint given as ``…/query?union-default-graph`` (Oxigraph) or ``…/?access-token=…``
    (QLever) lost its parameters on these requests while :meth:`RemoteStore._post` kept them:
    ``/sparql`` and CONSTRUCT then ran over another dataset than every other query."""
    return httpx.URL(url).copy_merge_params(params)


class RemoteStore(Store):
    backend = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 timeout: float | None = 120.0, auth: tuple[str, str] | None = None):
        """``timeout``: seconds any one request may take (None: no limit; QUANZE_HTTP_TIMEOUT)."""
        self.query_url = _checked_url(query_url, "--endpoint / QUANZE_ENDPOINT")
        self.update_url = update_url and _checked_url(update_url, "--update-endpoint / QUANZE_UPDATE_ENDPOINT")
        self.gsp_url = gsp_url and _checked_url(gsp_url, "--gsp-endpoint / QUANZE_GSP_ENDPOINT")
        self.timeout = timeout
        self._gsp_writes = bool(gsp_url)  # until the server refuses a PUT
        self._dataset_checked = False  # until _check_dataset could compare the union with the catalog
        self._http = httpx.Client(timeout=timeout, auth=auth)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _unreachable(self, what: tuple[str, str], url: str, exc: httpx.TransportError) -> EndpointUnreachable:
        """The error for a request that got no answer; ``what`` names the server (zh, en). A
        timeout says so, and that the server may still finish the request (a write included):
        Oxigraph committed a corpus upload minutes after the client gave up."""
        zh, en = what
        if isinstance(exc, httpx.TimeoutException):
            return EndpointUnreachable(
                f"{zh} {url} 在 {self.timeout:g} 秒内没有答复（QUANZE_HTTP_TIMEOUT），服务器可能仍在执行该请求，"
                f"写入后请用 quanze graphs 核对 / {en} {url} did not answer within {self.timeout:g} s "
                f"(QUANZE_HTTP_TIMEOUT); the server may still complete the request: after a write, check "
                f"with quanze graphs")
        return EndpointUnreachable(f"无法连接 {zh} {url} / {en} {url} is unreachable: {exc}")

    def _post(self, url: str, content: str, content_type: str, accept: str | None = None) -> httpx.Response:
        headers = {"Content-Type": content_type + "; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        try:
            resp = self._http.post(url, content=content.encode("utf-8"), headers=headers)
        except httpx.TransportError as exc:
            raise self._unreachable(("SPARQL 端点", "SPARQL endpoint"), url, exc) from None
        if resp.status_code == 400:
            raise QuerySyntaxError(f"端点拒绝了请求 / the endpoint rejected the request: {resp.text.strip()}")
        if resp.status_code >= 300:
            raise StoreError(f"端点 {url} 返回 {resp.status_code} / endpoint answered {resp.status_code}: "
                             f"{resp.text.strip()[:500]}")
        return resp

    # -- the dataset check: once per opened store, before the first query or update goes out --
    def _check_dataset(self) -> None:
        """Refuse a server whose default graph is not the union of the named graphs, or whose
        Graph Store URL is wrong (both answer without an error: see the module docstring).

        Compared against a triple of the catalog, which every load writes (init, laws import,
        load). A store with no catalog yet (before ``quanze init``) has nothing to compare: it
        is let through and checked again at the next query, so a long-running service started
        on an empty server still checks once data arrives."""
        if self._dataset_checked:
            return
        probe = self._catalog_triple()
        if probe is None:
            return
        if not self._raw_query_json("ASK { VALUES ?s { UNDEF } VALUES ?p { UNDEF } VALUES ?o { UNDEF } ?s ?p ?o }",
                                    {"s": probe.subject, "p": probe.predicate, "o": probe.object})["boolean"]:
            raise MisconfiguredEndpoint(
                f"SPARQL 端点 {self.query_url} 的默认图不是各命名图的并集：已记录的载入在查询中看不到，所有查询都会得到空结果。"
                f"请以并集默认图启动服务器 / the default graph of SPARQL endpoint {self.query_url} is not the union of "
                f"the named graphs: the recorded loads are invisible to queries, which would all answer nothing. "
                f"Start the server with a union default graph. {_UNION_HINT}")
        if self.gsp_url:
            self._check_graph_store()
        self._dataset_checked = True

    def _catalog_triple(self) -> ox.Triple | None:
        """A triple of the catalog graph without blank nodes (an ASK can name it), or None."""
        data = self._raw_query_json(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CATALOG}> {{ ?s ?p ?o }} "
                                    "FILTER(isIRI(?s) && !isBlank(?o)) } LIMIT 1")
        rows = data["results"]["bindings"]
        if not rows:
            return None
        return ox.Triple(_term(rows[0]["s"]), _term(rows[0]["p"]), _term(rows[0]["o"]))  # type: ignore[arg-type]

    def _check_graph_store(self) -> None:
        """A 404 from the Graph Store for the catalog, which SPARQL just showed has triples, means
        the URL is wrong (GET, not HEAD: Oxigraph answers HEAD on its query URL 404, GET 400)."""
        assert self.gsp_url
        if self._gsp_get(CATALOG).status_code == 404:
            raise self._wrong_graph_store(CATALOG)

    def _wrong_graph_store(self, graph: str) -> MisconfiguredEndpoint:
        return MisconfiguredEndpoint(
            f"图存储 {self.gsp_url} 对图 {graph} 答复 404，但 SPARQL 端点显示该图有三元组："
            f"--gsp-endpoint / QUANZE_GSP_ENDPOINT 有误（Oxigraph 为 …/store）/ the Graph Store URL {self.gsp_url} "
            f"answered 404 for graph {graph}, which the SPARQL endpoint shows holding triples: "
            f"--gsp-endpoint / QUANZE_GSP_ENDPOINT is wrong (Oxigraph's is …/store)")

    def _gsp_get(self, graph: str) -> httpx.Response:
        assert self.gsp_url
        try:
            return self._http.get(_with_params(self.gsp_url, [("graph", graph)]),
                                  headers={"Accept": "application/n-triples"})
        except httpx.TransportError as exc:
            raise self._unreachable(("图存储", "Graph Store"), self.gsp_url, exc) from None

    def _raw_query_json(self, query: str, bindings: Mapping[str, Any] | None = None) -> dict[str, Any]:
        resp = self._post(self.query_url, bind(query, bindings), "application/sparql-query",
                          "application/sparql-results+json")
        return json.loads(resp.content)

    def _query_json(self, query: str) -> dict[str, Any]:
        self._check_dataset()
        return self._raw_query_json(query)

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        from quanze.store.base import python_value

        data = self._query_json(bind(query, bindings))
        variables = data["head"].get("vars", [])
        return [{v: python_value(_term(b[v])) if v in b else None for v in variables}
                for b in data["results"]["bindings"]]

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        return bool(self._query_json(bind(query, bindings))["boolean"])

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> set[ox.Triple]:
        self._check_dataset()
        resp = self._post(self.query_url, bind(query, bindings), "application/sparql-query", "application/n-triples")
        return parse_triples(resp.content)

    def sparql(self, query: str, accept: str, default_graphs: Sequence[str] = (),
               named_graphs: Sequence[str] = ()) -> tuple[bytes, str]:
        self._check_dataset()
        params = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        try:
            resp = self._http.post(_with_params(self.query_url, params), content=query.encode("utf-8"),
                                   headers={"Content-Type": "application/sparql-query", "Accept": accept})
        except httpx.TransportError as exc:
            raise self._unreachable(("SPARQL 端点", "SPARQL endpoint"), self.query_url, exc) from None
        if resp.status_code == 400:
            raise QuerySyntaxError(resp.text.strip())
        if resp.status_code >= 300:
            raise StoreError(f"endpoint answered {resp.status_code}: {resp.text.strip()[:500]}")
        return resp.content, resp.headers.get("content-type", accept).split(";")[0]

    def graph_names(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r["g"]) for r in rows if r["g"] and not str(r["g"]).startswith("_:"))

    def has_graph(self, graph: str) -> bool:
        return self.ask("ASK { VALUES ?g { UNDEF } GRAPH ?g { ?s ?p ?o } }", {"g": Iri(graph)})

    def graph_triples(self, graph: str) -> set[ox.Triple]:
        if self.gsp_url:
            resp = self._gsp_get(graph)
            if resp.status_code == 404:
                # Oxigraph answers 404 for a missing graph and for a wrong path alike: "empty" is
                # taken only from SPARQL, or a diff against a wrong URL deletes nothing, ever.
                if self.has_graph(graph):
                    raise self._wrong_graph_store(graph)
                return set()
            if resp.status_code < 300:
                return parse_triples(resp.content)
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def export(self, fmt: str = "nquads") -> bytes:
        out = []
        for g in self.graph_names():
            node = ox.NamedNode(g)
            quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in self.graph_triples(g)]
            out.append(ox.serialize(quads, format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS) or b"")
        return b"".join(out)

    def update(self, update: str) -> None:
        if not self.update_url:
            raise StoreError("没有配置更新端点（--update-endpoint）/ no update endpoint configured (--update-endpoint)")
        self._check_dataset()
        self._post(self.update_url, update, "application/sparql-update")

    def write(self, graphs: Mapping[str, set[ox.Triple]], drops: Sequence[str] = (),
              also: Sequence[str] = ()) -> WriteStats:
        try:
            return super().write(graphs, drops, also)
        except _PutRefused:  # the marks and any graph put are gone again (Store.write)
            self._gsp_writes = False
            return super().write(graphs, drops, also)

    def _puts(self, size: int) -> bool:
        return self._gsp_writes and size >= GSP_THRESHOLD

    def _put(self, graph: str, triples: set[ox.Triple]) -> None:
        assert self.gsp_url
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        try:
            resp = self._http.put(_with_params(self.gsp_url, [("graph", graph)]), content=body,
                                  headers={"Content-Type": "application/n-triples"})
        except httpx.TransportError as exc:
            raise self._unreachable(("图存储", "Graph Store"), self.gsp_url, exc) from None
        if resp.status_code in (403, 404, 405, 501):
            raise _PutRefused(f"Graph Store {self.gsp_url} refused PUT ({resp.status_code})")
        if resp.status_code >= 300:
            raise StoreError(f"图存储 {self.gsp_url} 返回 {resp.status_code} / Graph Store answered {resp.status_code}: "
                             f"{resp.text.strip()[:500]}")

    def close(self) -> None:
        self._http.close()
