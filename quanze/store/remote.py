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
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pyoxigraph as ox

from quanze.store.base import (
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
                 timeout: float = 120.0, auth: tuple[str, str] | None = None):
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self._gsp_writes = bool(gsp_url)  # until the server refuses a PUT
        self._http = httpx.Client(timeout=timeout, auth=auth)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _post(self, url: str, content: str, content_type: str, accept: str | None = None) -> httpx.Response:
        headers = {"Content-Type": content_type + "; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        try:
            resp = self._http.post(url, content=content.encode("utf-8"), headers=headers)
        except httpx.TransportError as exc:
            raise EndpointUnreachable(
                f"无法连接 SPARQL 端点 {url} / SPARQL endpoint {url} is unreachable: {exc}"
            ) from None
        if resp.status_code == 400:
            raise QuerySyntaxError(f"端点拒绝了请求 / the endpoint rejected the request: {resp.text.strip()}")
        if resp.status_code >= 300:
            raise StoreError(f"端点 {url} 返回 {resp.status_code} / endpoint answered {resp.status_code}: "
                             f"{resp.text.strip()[:500]}")
        return resp

    def _query_json(self, query: str) -> dict[str, Any]:
        resp = self._post(self.query_url, query, "application/sparql-query", "application/sparql-results+json")
        return json.loads(resp.content)

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        from quanze.store.base import python_value

        data = self._query_json(bind(query, bindings))
        variables = data["head"].get("vars", [])
        return [{v: python_value(_term(b[v])) if v in b else None for v in variables}
                for b in data["results"]["bindings"]]

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        return bool(self._query_json(bind(query, bindings))["boolean"])

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> set[ox.Triple]:
        resp = self._post(self.query_url, bind(query, bindings), "application/sparql-query", "application/n-triples")
        return parse_triples(resp.content)

    def sparql(self, query: str, accept: str, default_graphs: Sequence[str] = (),
               named_graphs: Sequence[str] = ()) -> tuple[bytes, str]:
        params = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        try:
            resp = self._http.post(_with_params(self.query_url, params), content=query.encode("utf-8"),
                                   headers={"Content-Type": "application/sparql-query", "Accept": accept})
        except httpx.TransportError as exc:
            raise EndpointUnreachable(f"SPARQL endpoint {self.query_url} is unreachable: {exc}") from None
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
            try:
                resp = self._http.get(_with_params(self.gsp_url, [("graph", graph)]),
                                      headers={"Accept": "application/n-triples"})
            except httpx.TransportError as exc:
                raise EndpointUnreachable(f"Graph Store {self.gsp_url} is unreachable: {exc}") from None
            if resp.status_code == 404:
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
            raise EndpointUnreachable(f"无法连接图存储 {self.gsp_url} / Graph Store {self.gsp_url} is unreachable: {exc}") from None
        if resp.status_code in (403, 404, 405, 501):
            raise _PutRefused(f"Graph Store {self.gsp_url} refused PUT ({resp.status_code})")
        if resp.status_code >= 300:
            raise StoreError(f"图存储 {self.gsp_url} 返回 {resp.status_code} / Graph Store answered {resp.status_code}: "
                             f"{resp.text.strip()[:500]}")

    def close(self) -> None:
        self._http.close()
