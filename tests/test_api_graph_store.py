"""The Graph Store HTTP Protocol at /rdf-graphs, against a live uvicorn server on 127.0.0.1.

Status codes follow the W3C test suite (sparql11/http-rdf-update): PUT 201 (new) / 204,
POST 201 (new) / 200, DELETE 200 / 404, GET and HEAD 404 for an absent graph. Tests taking
``any_gsp`` run over an in-memory store and over a RemoteStore on a real Oxigraph server.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest

from quanze.store import EmbeddedStore, RemoteStore, Store
from tests.api_live import EX, G1, G2, SEED, TOKEN, live_server, seeded, settings, t

AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW = EX + "graph/new"
TTL = {"Content-Type": "text/turtle; charset=utf-8"}
ALICE = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<person/1> a foaf:Person ; foaf:businessCard [ a v:VCard ; v:fn "Jane Doe" ] .
"""


@dataclass
class Gsp:
    base: str
    store: Store

    @property
    def url(self) -> str:
        return self.base + "/rdf-graphs"

    def get(self, graph: str | None, accept: str | None = None) -> httpx.Response:
        params = {"graph": graph} if graph else {"default": ""}
        return httpx.get(self.url, params=params, headers={"Accept": accept} if accept else {})

    def send(self, method: str, graph: str | None, body: str | bytes = b"", headers: dict[str, str] | None = None,
             auth: bool = True) -> httpx.Response:
        params = {"graph": graph} if graph else {}
        all_headers = {**(AUTH if auth else {}), **(headers if headers is not None else TTL)}
        content = body.encode() if isinstance(body, str) else body
        return httpx.request(method, self.url, params=params, content=content, headers=all_headers)


def triples_of(r: httpx.Response, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(r.content, format=fmt)}


@pytest.fixture
def gsp():
    store = seeded()
    with live_server(store, settings(token=TOKEN)) as base:
        yield Gsp(base, store)


@pytest.fixture(params=["memory", "remote"])
def any_gsp(request):
    if request.param == "memory":
        store: Store = EmbeddedStore(None)
    else:
        base = request.getfixturevalue("oxigraph_server")
        store = RemoteStore(base + "/query", base + "/update", base + "/store")
        store.update("DROP ALL")
    seeded(store)
    with live_server(store, settings(token=TOKEN)) as url:
        yield Gsp(url, store)
    store.close()


# --- GET / HEAD ---------------------------------------------------------------------------------

@pytest.mark.parametrize("media, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                        ("application/ld+json", ox.RdfFormat.JSON_LD),
                                        ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_get_a_graph_in_each_format(any_gsp, media, fmt):
    r = any_gsp.get(G1, media)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert triples_of(r, fmt) == SEED[G1]


def test_get_negotiates_with_q_values(gsp):
    r = gsp.get(G1, "application/rdf+xml;q=0.4, application/n-triples;q=0.8, */*;q=0.1")
    assert r.headers["content-type"].split(";")[0] == "application/n-triples"
    assert gsp.get(G1).headers["content-type"].startswith("text/turtle")  # default
    assert gsp.get(G1, "application/sparql-results+json").status_code == 406


def test_get_absent_graph_is_404(any_gsp):
    r = any_gsp.get(EX + "nothing-here")
    assert r.status_code == 404
    assert "不存在" in r.text and "no such graph" in r.text


def test_head(any_gsp):
    r = httpx.head(any_gsp.url, params={"graph": G1})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    assert r.content == b""
    # the GET's length, not 0 (RFC 9110 §8.6)
    assert r.headers["content-length"] == str(len(httpx.get(any_gsp.url, params={"graph": G1}).content))
    assert httpx.head(any_gsp.url, params={"graph": EX + "nothing-here"}).status_code == 404


def test_get_default_graph_is_the_union(any_gsp):
    r = any_gsp.get(None, "application/n-triples")
    assert r.status_code == 200
    assert triples_of(r, ox.RdfFormat.N_TRIPLES) == SEED[G1] | SEED[G2]


@pytest.mark.parametrize("params", [
    {},  # neither graph nor default
    {"graph": G1, "default": ""},
    [("graph", G1), ("graph", G2)],
    {"graph": "not an iri"},
    {"graph": "relative/path"},
])
def test_bad_targets_are_400(gsp, params):
    assert httpx.get(gsp.url, params=params).status_code == 400


def test_get_needs_no_token_even_when_read_only():
    with live_server(seeded(), settings(token=None)) as base:
        assert httpx.get(base + "/rdf-graphs", params={"graph": G1}).status_code == 200


# --- PUT ----------------------------------------------------------------------------------------

def test_put_creates_then_replaces(any_gsp):
    r = any_gsp.send("PUT", NEW, ALICE)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == any_gsp.url + "?graph=https%3A%2F%2Fexample.org%2Fgraph%2Fnew"
    assert httpx.get(r.headers["location"]).status_code == 200
    first = triples_of(any_gsp.get(NEW))
    assert len(first) == 4
    assert ox.NamedNode(EX + "graph/person/1") in {x.subject for x in first}  # relative IRIs: the graph is the base
    r = any_gsp.send("PUT", NEW, f"<{EX}x> <{EX}p> \"替换\" .")
    assert r.status_code == 204
    assert triples_of(any_gsp.get(NEW)) == {t("x", "p", "替换")}
    assert any_gsp.store.graph_triples(G1) == SEED[G1]  # other graphs untouched


def test_put_same_content_twice_keeps_blank_node_graphs_right(any_gsp):
    for _ in range(2):
        assert any_gsp.send("PUT", NEW, ALICE).status_code in (201, 204)
    assert len(any_gsp.store.graph_triples(NEW)) == 4


@pytest.mark.parametrize("media, body", [
    ("application/n-triples", f"<{EX}x> <{EX}p> \"1\" .\n"),
    ("text/plain", f"<{EX}x> <{EX}p> \"1\" .\n"),
    ("application/rdf+xml", f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                            f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}x"><ex:p>1</ex:p></rdf:Description>'
                            f'</rdf:RDF>'),
    ("application/ld+json", f'{{"@id": "{EX}x", "{EX}p": "1"}}'),
    ("application/x-turtle", f"<{EX}x> <{EX}p> \"1\" ."),
])
def test_put_accepts_each_rdf_syntax(gsp, media, body):
    r = gsp.send("PUT", NEW, body, {"Content-Type": media})
    assert r.status_code == 201, r.text
    assert gsp.store.graph_triples(NEW) == {t("x", "p", "1")}


@pytest.mark.parametrize("headers, status", [
    ({"Content-Type": "application/trig"}, 415),
    ({"Content-Type": "application/n-quads"}, 415),
    ({"Content-Type": "application/pdf"}, 415),
    ({}, 415),
    ({"Content-Type": "text/turtle; charset=iso-8859-1"}, 415),
])
def test_put_refuses_other_media_types(gsp, headers, status):
    r = gsp.send("PUT", NEW, f"<{EX}x> <{EX}p> 1 .", headers)
    assert r.status_code == status
    assert NEW not in gsp.store.graph_names()


@pytest.mark.parametrize("media, body", [
    ("text/turtle", "<a> <b> "),  # truncated
    ("application/ld+json", f'{{"@id": "{EX}x", "@graph": [{{"@id": "{EX}y", "{EX}p": "1"}}]}}'),  # names a graph
    ("application/ld+json", '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://x/", "p": 1}'),
    ("application/rdf+xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
])
def test_put_bad_payload_is_400(gsp, media, body):
    r = gsp.send("PUT", NEW, body, {"Content-Type": media})
    assert r.status_code == 400
    assert NEW not in gsp.store.graph_names()


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_to_the_default_graph_are_405(gsp, method):
    """The default graph is the read-only union of the named graphs (GSP allows a service to refuse
    it): every write to ?default is 405, before anything is read or written, saying to write a
    named graph — as a SPARQL update writing the default graph is refused (tests/test_api_writes.py)."""
    before = {g: gsp.store.graph_triples(g) for g in gsp.store.graph_names()}
    r = httpx.request(method, gsp.url, params={"default": ""}, content=b"<http://x/a> <http://x/b> 1 .",
                      headers={**TTL, **AUTH})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert "?graph=IRI" in r.text and "默认图" in r.text
    assert {g: gsp.store.graph_triples(g) for g in gsp.store.graph_names()} == before
    assert not list(gsp.store._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_put_without_graph_is_400(gsp):
    assert gsp.send("PUT", None, ALICE).status_code == 400


# --- POST ---------------------------------------------------------------------------------------

def test_post_merges_into_an_existing_graph(any_gsp):
    r = any_gsp.send("POST", G1, f"<{EX}a> <{EX}name> \"药品生产许可\" . <{EX}z> <{EX}name> \"新\" .")
    assert r.status_code == 200
    assert r.json() == {"graph": G1, "inserted": 1, "deleted": 0}
    assert any_gsp.store.graph_triples(G1) == SEED[G1] | {t("z", "name", "新")}


def test_post_creates_an_absent_graph(any_gsp):
    r = any_gsp.send("POST", NEW, f"<{EX}z> <{EX}name> \"新\" .")
    assert r.status_code == 201
    assert r.headers["location"]
    assert any_gsp.store.graph_triples(NEW) == {t("z", "name", "新")}


def test_post_with_blank_nodes_to_a_graph_with_blank_nodes(gsp):
    assert gsp.send("PUT", NEW, ALICE).status_code == 201
    assert gsp.send("POST", NEW, ALICE).status_code == 200
    assert len(gsp.store.graph_triples(NEW)) == 7  # the 3 triples with the blank node are new


def test_post_to_the_graph_store_creates_a_new_graph(any_gsp):
    r = any_gsp.send("POST", None, f"<{EX}z> <{EX}name> \"新\" .")
    assert r.status_code == 201
    location = r.headers["location"]
    graph = r.json()["graph"]
    assert graph.startswith("https://w3id.org/quanze/id/graph/upload/")
    got = httpx.get(location, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert triples_of(got, ox.RdfFormat.N_TRIPLES) == {t("z", "name", "新")}


def test_post_multipart(gsp):
    files = [("last", ("last.ttl", f"<{EX}p1> <{EX}family> \"Doe\" .", "text/turtle; charset=utf-8")),
             ("first", ("first.nt", f"<{EX}p1> <{EX}given> \"Jane\" .\n", "application/n-triples"))]
    r = httpx.post(gsp.url, params={"graph": G1}, files=files, headers=AUTH)
    assert r.status_code == 200, r.text
    assert gsp.store.graph_triples(G1) == SEED[G1] | {t("p1", "family", "Doe"), t("p1", "given", "Jane")}


# --- DELETE -------------------------------------------------------------------------------------

def test_delete_then_404(any_gsp):
    r = any_gsp.send("DELETE", G2, headers={})
    assert r.status_code == 200
    assert r.json()["deleted"] == 2
    assert any_gsp.get(G2).status_code == 404
    assert G2 not in any_gsp.store.graph_names()
    assert any_gsp.send("DELETE", G2, headers={}).status_code == 404


# --- tokens -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_without_a_token_are_401(gsp, method):
    r = gsp.send(method, G1, ALICE, auth=False)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = gsp.send(method, G1, ALICE, {**TTL, "Authorization": "Bearer nope"}, auth=False)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]
    assert gsp.store.graph_triples(G1) == SEED[G1]


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_on_a_read_only_service_are_403(method):
    store = seeded()
    with live_server(store, settings(token=None)) as base:
        r = httpx.request(method, base + "/rdf-graphs", params={"graph": G1}, content=ALICE.encode(),
                          headers={**TTL, "Authorization": "Bearer anything", "Accept": "application/json"})
        assert r.status_code == 403
        assert r.json()["message"].startswith("此服务为只读")
    assert store.graph_triples(G1) == SEED[G1]


# --- limits and validation ----------------------------------------------------------------------

def test_body_over_the_cap_is_413():
    store = seeded()
    with live_server(store, settings(token=TOKEN, max_body=1000)) as base:
        body = "".join(f"<{EX}s{i}> <{EX}p> \"{i}\" .\n" for i in range(100))
        r = httpx.put(base + "/rdf-graphs", params={"graph": NEW}, content=body.encode(), headers={**TTL, **AUTH})
        assert r.status_code == 413
    assert NEW not in store.graph_names()


def test_rejected_writes_are_422_and_rolled_back(any_gsp, monkeypatch):
    calls: list[list[str]] = []

    def validator(store, graph_iris, before=None):
        calls.append(list(graph_iris))
        bad = [str(x) for g in graph_iris for x in store.graph_triples(g) if x.object == ox.Literal("坏")]
        return f"sh:Violation — {bad}" if bad else None

    monkeypatch.setattr("api.deps.after_write_validation", validator)
    bad = f"<{EX}a> <{EX}name> \"坏\" ."
    for method, graph in (("PUT", G1), ("POST", G1), ("PUT", NEW), ("POST", None)):
        r = any_gsp.send(method, graph, bad)
        assert r.status_code == 422, (method, graph, r.text)
        assert "sh:Violation" in r.json()["report"]
        assert "撤销" in r.json()["message"] and "rolled back" in r.json()["message"]
    assert any_gsp.store.graph_triples(G1) == SEED[G1]
    assert sorted(any_gsp.store.graph_names()) == sorted([G1, G2])
    assert calls[0] == [G1]
    # an accepted write
    assert any_gsp.send("PUT", NEW, f"<{EX}a> <{EX}name> \"好\" .").status_code == 201
    assert calls[-1] == [NEW]


def test_validator_failing_rolls_back_and_is_500(gsp, monkeypatch):
    def broken(store, graph_iris, before=None):
        raise RuntimeError("validator crashed")

    monkeypatch.setattr("api.deps.after_write_validation", broken)
    r = gsp.send("DELETE", G2, headers={})
    assert r.status_code == 500
    assert gsp.store.graph_triples(G2) == SEED[G2]


# --- empty graphs -------------------------------------------------------------------------------

@pytest.fixture(params=["memory", "oxigraph"])
def embedded_gsp(request, tmp_path):
    """The embedded stores, which keep empty graphs: in memory and on disk."""
    store = seeded(EmbeddedStore(None if request.param == "memory" else tmp_path / "store"))
    with live_server(store, settings(token=TOKEN)) as url:
        yield Gsp(url, store)
    store.close()


EMPTY_DOCUMENTS = [("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                   ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML)]


def test_put_empty_graph_then_get_then_delete(embedded_gsp):
    """The W3C suite's "PUT - empty graph" (201) and "GET of PUT - empty graph" (200), then DELETE
    (200 with counts, as "DELETE - existing graph") and GET 404."""
    gsp = embedded_gsp
    r = gsp.send("PUT", NEW, b"")
    assert r.status_code == 201, r.text
    assert r.headers["location"] == gsp.url + "?graph=https%3A%2F%2Fexample.org%2Fgraph%2Fnew"
    for media, fmt in EMPTY_DOCUMENTS:
        got = gsp.get(NEW, media)
        assert got.status_code == 200, (media, got.text)
        assert got.headers["content-type"].split(";")[0] == media
        assert triples_of(got, fmt) == set()  # an empty document, valid in its format
    assert httpx.head(gsp.url, params={"graph": NEW}).status_code == 200
    assert NEW in gsp.store.graph_names() and gsp.store.graph_triples(NEW) == set()
    assert gsp.send("PUT", NEW, b"").status_code == 204  # it exists now: replaced, not created
    r = gsp.send("DELETE", NEW, headers={})
    assert r.status_code == 200
    assert r.json() == {"graph": NEW, "inserted": 0, "deleted": 0}
    assert gsp.get(NEW).status_code == 404
    assert NEW not in gsp.store.graph_names()
    assert gsp.send("DELETE", NEW, headers={}).status_code == 404


def test_put_empty_keeps_a_graph_it_empties(embedded_gsp):
    gsp = embedded_gsp
    assert gsp.send("PUT", G2, b"").status_code == 204
    got = gsp.get(G2, "application/n-triples")
    assert got.status_code == 200 and got.content == b""
    assert G2 in gsp.store.graph_names()
    # a graph with blank nodes is dropped and written again when emptied: still kept
    assert gsp.send("PUT", NEW, ALICE).status_code == 201
    assert gsp.send("PUT", NEW, b"").status_code == 204
    assert gsp.get(NEW).status_code == 200 and gsp.store.graph_triples(NEW) == set()
    assert gsp.store.graph_triples(G1) == SEED[G1]


def test_post_into_an_empty_graph(embedded_gsp):
    gsp = embedded_gsp
    r = gsp.send("POST", NEW, b"")  # an empty merge into nothing: an empty graph, created
    assert r.status_code == 201 and r.json() == {"graph": NEW, "inserted": 0, "deleted": 0}
    assert gsp.get(NEW).status_code == 200
    r = gsp.send("POST", NEW, f"<{EX}z> <{EX}name> \"新\" .")
    assert r.status_code == 200  # it existed, empty
    assert triples_of(gsp.get(NEW)) == {t("z", "name", "新")}
    r = gsp.send("POST", None, b"")  # POST to the graph store: a new, empty graph at Location
    assert r.status_code == 201
    assert httpx.get(r.headers["location"]).status_code == 200


def test_an_empty_graph_is_a_graph_like_any_other(embedded_gsp):
    """Listed by SPARQL and the service description, counted by /health, a graph without a record
    for `quanze graphs` (a manual write); an update fills it; validation has nothing to look at."""
    from quanze.catalog import unrecorded_graphs

    gsp = embedded_gsp
    before = httpx.get(gsp.base + "/health").json()["graphs"]
    assert gsp.send("PUT", NEW, b"").status_code == 201
    assert httpx.get(gsp.base + "/health").json()["graphs"] == before + 1
    r = httpx.get(gsp.base + "/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { } }"},
                  headers={"Accept": "application/sparql-results+json"})
    assert NEW in {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert f"<{NEW}>" in httpx.get(gsp.base + "/sparql", headers={"Accept": "application/n-triples"}).text
    assert NEW in unrecorded_graphs(gsp.store)
    r = httpx.post(gsp.base + "/sparql", content=f"INSERT DATA {{ GRAPH <{NEW}> {{ <{EX}a> <{EX}b> 1 }} }}".encode(),
                   headers={"Content-Type": "application/sparql-update", **AUTH})
    assert r.status_code == 204, r.text
    assert len(gsp.store.graph_triples(NEW)) == 1


def test_empty_payload_on_a_store_without_empty_graphs_says_so(oxigraph_server):
    """A SPARQL endpoint shows no empty graph: 200 with ``exists: false``, never a 201 or 204 that
    a GET would contradict with 404."""
    store = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", oxigraph_server + "/store")
    store.update("DROP ALL")
    seeded(store)
    with live_server(store, settings(token=TOKEN)) as base:
        gsp = Gsp(base, store)
        for method in ("PUT", "POST"):
            r = gsp.send(method, NEW, b"")
            assert r.status_code == 200, r.text
            assert r.json()["exists"] is False and "不存在" in r.json()["message"] and "does not exist" in r.json()["message"]
            assert "location" not in r.headers
            assert gsp.get(NEW).status_code == 404
        r = gsp.send("PUT", G2, b"")  # emptied: gone
        assert r.status_code == 200
        assert r.json() == {"graph": G2, "inserted": 0, "deleted": 2, "exists": False, "message": r.json()["message"]}
        assert gsp.get(G2).status_code == 404
        r = gsp.send("POST", G1, b"")  # nothing merged into a graph with triples: an ordinary 200
        assert r.status_code == 200 and r.json() == {"graph": G1, "inserted": 0, "deleted": 0}
        assert gsp.send("PUT", NEW, ALICE).status_code == 201  # with triples, as before
    store.close()


# --- the OpenAPI description --------------------------------------------------------------------

def test_openapi_describes_the_graph_store(gsp):
    ops = httpx.get(gsp.base + "/openapi.json").json()["paths"]["/rdf-graphs"]
    rdf = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}
    for method, statuses in {"get": {"200", "400", "404", "406", "502", "503"},
                             "head": {"200", "400", "404", "406", "502", "503"},
                             "put": {"200", "201", "204", "400", "401", "403", "405", "409", "413", "415", "422", "502"},
                             "post": {"200", "201", "400", "401", "403", "405", "409", "413", "415", "422", "502"},
                             "delete": {"200", "400", "401", "403", "404", "405", "409", "422", "502"}}.items():
        op = ops[method]
        assert op["operationId"] == f"graph_store_{method}"
        assert {p["name"] for p in op["parameters"]} == {"graph", "default"}
        assert set(op["responses"]) == statuses, method
    assert set(ops["get"]["responses"]["200"]["content"]) == rdf
    assert rdf | {"text/n3", "text/plain"} <= set(ops["put"]["requestBody"]["content"])
    assert "multipart/form-data" in ops["post"]["requestBody"]["content"]
    assert "multipart/form-data" not in ops["put"]["requestBody"]["content"]
    assert "Location" in ops["put"]["responses"]["201"]["headers"]
    assert "exists" in ops["put"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]


def test_documented_graph_store_statuses_are_answered(gsp, monkeypatch):
    from tests.test_api_sparql import Case, answered_as_documented

    catalog = "https://w3id.org/quanze/id/graph/catalog"
    turtle = f"<{EX}x> <{EX}p> \"1\" .".encode()
    write = {**TTL, **AUTH}
    for case in [
        Case("GET", 200, {"graph": G1}),
        Case("GET", 200, {"default": ""}),
        Case("HEAD", 200, {"graph": G1}),
        Case("GET", 400),
        Case("GET", 400, {"graph": "relative/iri"}),
        Case("GET", 404, {"graph": EX + "nothing"}),
        Case("HEAD", 404, {"graph": EX + "nothing"}),
        Case("GET", 406, {"graph": G1}, headers={"Accept": "application/sparql-results+json"}),
        Case("PUT", 201, {"graph": NEW}, turtle, write),
        Case("PUT", 204, {"graph": NEW}, turtle, write),
        Case("PUT", 400, None, turtle, write),
        Case("PUT", 400, {"graph": NEW}, b"<a> <b> ", write),
        Case("PUT", 401, {"graph": NEW}, turtle, TTL),
        Case("PUT", 405, {"default": ""}, turtle, write),
        Case("PUT", 409, {"graph": catalog}, turtle, write),
        Case("PUT", 415, {"graph": NEW}, turtle, {**AUTH, "Content-Type": "application/n-quads"}),
        Case("POST", 200, {"graph": NEW}, turtle, write),
        Case("POST", 201, {"graph": EX + "graph/other"}, turtle, write),
        Case("POST", 405, {"default": ""}, turtle, write),
        Case("POST", 415, {"graph": NEW}, turtle, {**AUTH, "Content-Type": "application/pdf"}),
        Case("DELETE", 200, {"graph": NEW}, headers=AUTH),
        Case("DELETE", 404, {"graph": NEW}, headers=AUTH),
        Case("DELETE", 401, {"graph": G1}),
        Case("DELETE", 409, {"graph": catalog}, headers=AUTH),
    ]:
        answered_as_documented(gsp.base, "/rdf-graphs", case)
    assert catalog not in gsp.store.graph_names()

    monkeypatch.setattr("api.deps.after_write_validation", lambda store, graphs, before=None: "sh:Violation")
    for method in ("PUT", "POST", "DELETE"):
        answered_as_documented(gsp.base, "/rdf-graphs", Case(method, 422, {"graph": G1}, turtle, write))
    assert gsp.store.graph_triples(G1) == SEED[G1]


def test_documented_graph_store_statuses_of_other_servers_are_answered():
    from tests.conftest import free_port
    from tests.test_api_sparql import Case, answered_as_documented

    turtle = f"<{EX}x> <{EX}p> \"1\" .".encode()
    with live_server(seeded(), settings(token=None)) as base:
        for method in ("PUT", "POST", "DELETE"):
            answered_as_documented(base, "/rdf-graphs", Case(method, 403, {"graph": NEW}, turtle,
                                                             {**TTL, "Authorization": "Bearer x"}))
    with live_server(seeded(), settings(token=TOKEN, max_body=10)) as base:
        for method in ("PUT", "POST"):
            answered_as_documented(base, "/rdf-graphs", Case(method, 413, {"graph": NEW}, turtle, {**TTL, **AUTH}))
    nowhere = RemoteStore(f"http://127.0.0.1:{free_port()}/query", f"http://127.0.0.1:{free_port()}/update")
    with live_server(nowhere, settings(token=TOKEN)) as base:
        answered_as_documented(base, "/rdf-graphs", Case("GET", 502, {"graph": G1}))
        answered_as_documented(base, "/rdf-graphs", Case("PUT", 502, {"graph": NEW}, turtle, {**TTL, **AUTH}))
    nowhere.close()


def test_a_rejected_write_leaves_an_empty_graph_in_place(embedded_gsp, monkeypatch):
    """Regression: the rollback of a rejected write dropped the graphs it touched and put back only
    those that had triples, so an empty graph was gone after a write to it was refused."""
    assert embedded_gsp.send("PUT", NEW, b"").status_code == 201
    monkeypatch.setattr("api.deps.after_write_validation", lambda store, graphs, before=None: "sh:Violation")
    assert embedded_gsp.send("PUT", NEW, f"<{EX}a> <{EX}name> \"坏\" .").status_code == 422
    assert embedded_gsp.get(NEW).status_code == 200
