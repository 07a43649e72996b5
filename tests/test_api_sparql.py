"""The SPARQL 1.1 Protocol endpoint, against a live uvicorn server on 127.0.0.1.

Clients: httpx, SPARQLWrapper, rdflib's SPARQLStore / SPARQLUpdateStore. Tests taking
``any_api`` run twice: over an in-memory store and over a RemoteStore pointed at a real
Oxigraph server (the ``oxigraph_server`` fixture).
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from api import deps as api_deps
from quanze.store import EmbeddedStore, RemoteStore, Store
from tests.api_live import EX, G1, G2, SEED, TOKEN, live_server, seeded, settings, t

SD = "http://www.w3.org/ns/sparql-service-description#"
NAMES = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?n"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Api:
    base: str
    store: Store

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def get(self, query: str, accept: str | None = None, **params: object) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        return httpx.get(self.sparql, params={"query": query, **params}, headers=headers, timeout=30)

    def update(self, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(self.sparql, content=text.encode(),
                          headers={"Content-Type": "application/sparql-update", **(headers or {})})


def fresh_remote(base: str) -> RemoteStore:
    store = RemoteStore(base + "/query", base + "/update", base + "/store")
    store.update("DROP ALL")
    return store


@pytest.fixture
def api():
    """A live server with the write token over a seeded in-memory store."""
    store = seeded()
    with live_server(store, settings(token=TOKEN)) as base:
        yield Api(base, store)


@pytest.fixture(params=["memory", "oxigraph", "remote"])
def any_api(request, tmp_path):
    """The same server over an in-memory store, the on-disk store (whose /sparql queries run
    in worker processes, api.sandbox) and a remote Oxigraph server."""
    if request.param == "memory":
        store: Store = EmbeddedStore(None)
    elif request.param == "oxigraph":
        store = EmbeddedStore(tmp_path / "store")
    else:
        store = fresh_remote(request.getfixturevalue("oxigraph_server"))
    seeded(store)
    with live_server(store, settings(token=TOKEN)) as base:
        yield Api(base, store)
    store.close()


def names_in(api: Api) -> set[str]:
    r = api.get(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}")
    return {b["n"]["value"] for b in r.json()["results"]["bindings"]}


# --- queries: the three ways, each format ------------------------------------------------------

@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/csv", "text/tab-separated-values"])
def test_select_in_each_result_format(any_api, media):
    r = any_api.get(NAMES, media)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["s", "n"]
        assert [row[1] for row in rows[1:]] == ["丙", "乙", "药品生产许可"]
        return
    fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}[media]
    solutions = ox.parse_query_results(r.content, format=fmt)
    assert [v.value for v in solutions.variables] == ["s", "n"]
    assert [s["n"].value for s in solutions] == ["丙", "乙", "药品生产许可"]
    assert "X-Quanze-Truncated" not in r.headers


@pytest.mark.parametrize("media, expected", [("application/sparql-results+json", None),
                                             ("application/sparql-results+xml", None),
                                             ("text/csv", b"_askResult\r\ntrue\r\n"),
                                             ("text/tab-separated-values", b"?_askResult\ntrue\n")])
def test_ask_in_each_result_format(any_api, media, expected):
    r = any_api.get(f"ASK {{ ?s <{EX}code> \"37YJ-XK-0001\" }}", media)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    if expected is not None:
        assert r.content == expected
    else:
        fmt = ox.QueryResultsFormat.JSON if media.endswith("json") else ox.QueryResultsFormat.XML
        assert bool(ox.parse_query_results(r.content, format=fmt)) is True


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values",
                                    "text/tab-separated-values, text/csv;q=0.5"])
def test_ask_as_csv_or_tsv_is_a_table_with_a_header(any_api, accept):
    """The CSV/TSV results format defines no boolean; Oxigraph wrote a bare ``true``. The answer is
    Jena's one-column table, true or false, whichever way the query comes and on every backend."""
    from quanze.store.base import rows_from_tsv

    media = accept.split(",")[0]
    for query, value in ((f"ASK {{ ?s <{EX}code> \"37YJ-XK-0001\" }}", True), (f"ASK {{ ?s <{EX}code> \"无\" }}", False)):
        answers = [any_api.get(query, accept),
                   httpx.post(any_api.sparql, data={"query": query}, headers={"Accept": accept}),
                   httpx.post(any_api.sparql, content=query.encode(),
                              headers={"Content-Type": "application/sparql-query", "Accept": accept})]
        for r in answers:
            assert r.status_code == 200, r.text
            assert r.headers["content-type"].split(";")[0] == media
            if media == "text/csv":
                assert list(csv.reader(io.StringIO(r.text))) == [["_askResult"], [str(value).lower()]]
                assert r.content.endswith(b"\r\n")
            else:
                assert rows_from_tsv(r.content) == [{"_askResult": value}]
    # SELECT is untouched: its own header, no _askResult
    r = any_api.get(NAMES, media)
    assert r.text.splitlines()[0] in ("s,n", "?s\t?n")


@pytest.mark.parametrize("media, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                        ("application/ld+json", ox.RdfFormat.JSON_LD),
                                        ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_construct_in_each_rdf_format(any_api, media, fmt):
    r = any_api.get(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}", media)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert {q.triple for q in ox.parse(r.content, format=fmt)} == SEED[G2]


def test_describe(any_api):
    r = any_api.get(f"DESCRIBE <{EX}c>", "application/n-triples")
    assert r.status_code == 200
    assert {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)} == SEED[G2]


def test_post_form_and_post_direct(any_api):
    form = httpx.post(any_api.sparql, data={"query": NAMES}, headers={"Accept": "text/csv"})
    direct = httpx.post(any_api.sparql, content=NAMES.encode(),
                        headers={"Content-Type": "application/sparql-query; charset=UTF-8", "Accept": "text/csv"})
    assert form.status_code == direct.status_code == 200
    assert form.text == direct.text == any_api.get(NAMES, "text/csv").text


def test_select_over_utf8_and_unknown_parameters_are_ignored(api):
    # SPARQLWrapper adds format/output/results; they must not disturb the protocol
    r = api.get(f"SELECT ?s WHERE {{ ?s <{EX}name> \"药品生产许可\" }}", None, format="json", output="json")
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["s"]["value"] == EX + "a"


# --- the dataset --------------------------------------------------------------------------------

def test_default_graph_uri_restricts_the_default_graph(any_api):
    r = any_api.get(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}", None, **{"default-graph-uri": G2})
    assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["丙"]


def test_default_graph_uri_repeated(any_api):
    r = httpx.get(any_api.sparql, params=[("query", f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}"),
                                          ("default-graph-uri", G1), ("default-graph-uri", G2)])
    assert {b["n"]["value"] for b in r.json()["results"]["bindings"]} == {"丙", "乙", "药品生产许可"}


def test_named_graph_uri_limits_graphs_and_empties_the_default_graph(any_api):
    q = f"SELECT ?g ?n WHERE {{ GRAPH ?g {{ ?s <{EX}name> ?n }} }}"
    r = any_api.get(q, None, **{"named-graph-uri": G1})
    assert {b["g"]["value"] for b in r.json()["results"]["bindings"]} == {G1}
    r = any_api.get(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}", None, **{"named-graph-uri": G1})
    assert r.json()["results"]["bindings"] == []  # SPARQL 1.1 §13.2: no default graph given → empty


def test_dataset_params_on_direct_post_come_from_the_url(any_api):
    r = httpx.post(any_api.sparql, params={"default-graph-uri": G2},
                   content=f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}".encode(),
                   headers={"Content-Type": "application/sparql-query"})
    assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["丙"]


def test_from_clause_is_honoured_and_protocol_overrides_it(any_api):
    q = f"PREFIX g: <https://w3id.org/quanze/id/graph/test/> SELECT ?n FROM g:two WHERE {{ ?s <{EX}name> ?n }}"
    assert [b["n"]["value"] for b in any_api.get(q).json()["results"]["bindings"]] == ["丙"]
    r = any_api.get(q, None, **{"default-graph-uri": G1})
    assert {b["n"]["value"] for b in r.json()["results"]["bindings"]} == {"乙", "药品生产许可"}


# --- the row cap ---------------------------------------------------------------------------------

@pytest.mark.parametrize("media", ["application/sparql-results+json", "text/csv"])
def test_select_capped_at_max_rows(media):
    with live_server(seeded(), settings(max_rows=2)) as base:
        r = httpx.get(base + "/sparql", params={"query": NAMES}, headers={"Accept": media})
        assert r.status_code == 200
        assert r.headers["x-quanze-truncated"] == "true"
        assert r.headers["x-quanze-row-limit"] == "2"
        if media == "text/csv":
            assert r.text.splitlines() == ["s,n", f"{EX}c,丙", f"{EX}b,乙"]
        else:
            assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["丙", "乙"]
        exact = httpx.get(base + "/sparql", params={"query": NAMES + " LIMIT 2"})
        assert "x-quanze-truncated" not in exact.headers


# --- bad requests -----------------------------------------------------------------------------

def test_syntax_error_is_400_with_the_parsers_message(any_api):
    r = any_api.get("SELECT ?x WHERE {\n  ?x ?y \n")
    assert r.status_code == 400
    assert "syntax error" in r.text and "语法错误" in r.text
    assert "3:" in r.text or "2:" in r.text  # line and column


def test_syntax_error_in_json_when_asked(api):
    r = api.get("SELEKT * {}", "application/json")
    assert r.status_code == 400
    assert r.json()["error"] == "bad_request" and "syntax error" in r.json()["message"]


def test_406_is_plain_text_whatever_the_query_form(api):
    """A failed negotiation answers the same way for SELECT, ASK, CONSTRUCT and the service
    description: plain text, even when Accept names a JSON results or JSON-LD format (which the
    JSON error model is not)."""
    construct = f"CONSTRUCT WHERE {{ ?s <{EX}name> ?n }}"
    answers = [api.get(NAMES, "text/turtle"), api.get(NAMES, "application/ld+json"),
               api.get("ASK {}", "application/rdf+xml"),
               api.get(construct, "application/sparql-results+json"), api.get(construct, "text/csv"),
               httpx.get(api.sparql, headers={"Accept": "application/sparql-results+json"}),
               httpx.get(api.base + "/rdf-graphs", params={"default": ""},
                         headers={"Accept": "application/sparql-results+json"})]
    for r in answers:
        assert r.status_code == 406, r.text
        assert r.headers["content-type"] == "text/plain; charset=utf-8", r.request.url
        assert "可用" in r.text and "available" in r.text and not r.text.startswith("{")
        assert "accept" in r.headers.get("vary", "").lower(), r.request.url  # an integrator's audit: RFC 9110 §12.5.5


def test_a_syntax_error_is_placed_in_the_text_as_sent(any_api):
    """A query with a relative IRI runs with ``BASE <endpoint>`` put in front of it: the column the
    parser names is still that of the text the client sent, on every backend."""
    text = "SELECT * WHERE { <relative> ?p ?o . ?s ?p }"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, base_iri=any_api.sparql)
    position = str(parsed.value).split(":", 2)[:2]  # "error at 1", "44"
    r = any_api.get(text)
    assert r.status_code == 400 and "语法错误" in r.text and "syntax error" in r.text
    assert ":".join(position) + ":" in r.text, r.text[:200]


def test_a_text_naming_no_query_form_is_400_whatever_accept_says(api):
    """The form is read from the tokens; a text that names none is run for the parser to say why."""
    for accept in ("text/turtle", "image/png", None):
        r = api.get("SELEKT * {}", accept)
        assert r.status_code == 400 and "syntax error" in r.text, accept


@pytest.mark.parametrize("query, form", [
    (f"PREFIX ex: <{EX}ns#>\nASK {{ ?s <{EX}code> ?o }}", "ask"),
    (f"# SELECT, says the comment\nPREFIX ex: <{EX}ns#> ask{{ ?s <{EX}code> ?o }}", "ask"),
    (f'VERSION "1.2" PREFIX ex: <{EX}ns#> ASK {{ ?s <{EX}code> ?o }}', "ask"),
    (f"PREFIX ex: <{EX}ns#> CONSTRUCTWHERE{{ ?s <{EX}code> ?o }}", "graph"),
])
def test_the_query_form_is_read_from_the_tokens(api, query, form):
    r = api.get(query, "text/csv, text/turtle;q=0.5")
    assert r.status_code == 200, r.text
    if form == "ask":
        assert r.content == b"_askResult\r\ntrue\r\n"
    else:
        assert r.headers["content-type"].startswith("text/turtle") and "37YJ-XK-0001" in r.text


def test_other_errors_still_follow_accept(api):
    assert api.get("SELEKT * {}").headers["content-type"].startswith("text/plain")
    assert api.get("SELEKT * {}", "application/json").json()["error"] == "bad_request"


def test_update_sent_as_query_is_400(api):
    assert api.get(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}p> 1 }} }}").status_code == 400


@pytest.mark.parametrize("data", [
    {"query": "ASK {}", "update": "CLEAR ALL"},  # both
    {},  # neither
    {"default-graph-uri": G1},  # neither, only a dataset
])
def test_form_post_needs_exactly_one_of_query_and_update(api, data):
    r = httpx.post(api.sparql, content=urlencode(data).encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH})
    assert r.status_code == 400


def test_several_query_parameters_are_400(api):
    r = httpx.get(api.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400
    r = httpx.post(api.sparql, content="query=ASK+%7B%7D&query=ASK+%7B%7D",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_update_by_get_and_form_params_in_the_url_are_400(api):
    assert httpx.get(api.sparql, params={"update": "CLEAR ALL"}).status_code == 400
    # a form POST takes its parameters from the body only (SPARQL 1.1 Protocol §2.3.1)
    r = httpx.post(api.sparql, params={"update": "CLEAR ALL"}, content=b"",
                   headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH})
    assert r.status_code == 400
    assert len(api.store.graph_names()) == 2


def test_get_with_a_body_is_400(api):
    r = httpx.request("GET", api.sparql, params={"query": "ASK {}"}, content=b"ASK {}")
    assert r.status_code == 400


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/json"},
    {"Content-Type": "multipart/form-data; boundary=x"},
    {},  # none
    {"Content-Type": "application/sparql-query; charset=UTF-16"},
])
def test_unsupported_content_types_are_415(api, headers):
    r = httpx.post(api.sparql, content=b"ASK {}", headers=headers)
    assert r.status_code == 415
    assert "application/sparql-query" in r.text or "UTF-8" in r.text


def test_body_not_utf8_is_400(api):
    r = httpx.post(api.sparql, content="ASK { ?s ?p \"é\" }".encode("latin-1"),
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(api, method):
    r = httpx.request(method, api.sparql)
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_every_protocol_operation_has_its_own_openapi_id(api):
    # one route per method; a multi-method route gave GET, HEAD and POST one shared id
    doc = httpx.get(api.base + "/openapi.json").json()
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values() if "operationId" in op]
    assert len(ids) == len(set(ids))
    assert {m for m in doc["paths"]["/sparql"]} == {"get", "head", "post"}
    assert {m for m in doc["paths"]["/rdf-graphs"]} == {"get", "head", "put", "post", "delete"}
    r = httpx.request("PATCH", api.base + "/rdf-graphs", params={"graph": "https://example.org/g"})
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PUT", "POST", "DELETE"}


def openapi_operation(base: str, path: str, method: str) -> dict:
    return httpx.get(base + "/openapi.json").json()["paths"][path][method.lower()]


def test_openapi_describes_what_sparql_takes_and_answers(api):
    doc = httpx.get(api.base + "/openapi.json").json()
    ops = doc["paths"]["/sparql"]
    assert {o["operationId"] for o in ops.values()} == {"sparql_get", "sparql_head", "sparql_post"}
    for method in ("get", "head"):
        params = {p["name"]: p for p in ops[method]["parameters"]}
        assert set(params) == {"query", "default-graph-uri", "named-graph-uri"}
        assert all(p["in"] == "query" and not p["required"] for p in params.values())
        for name in ("default-graph-uri", "named-graph-uri"):  # repeatable
            assert params[name]["schema"]["type"] == "array" and params[name]["explode"] is True
    post = ops["post"]
    assert {p["name"] for p in post["parameters"]} == {"default-graph-uri", "named-graph-uri"}
    bodies = post["requestBody"]["content"]
    assert set(bodies) == {"application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"}
    assert {"query", "update", "default-graph-uri", "named-graph-uri"} <= set(
        bodies["application/x-www-form-urlencoded"]["schema"]["properties"])
    answers = set(ops["get"]["responses"]["200"]["content"])
    assert answers == {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                       "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
                       "application/rdf+xml"}
    assert "X-Quanze-Truncated" in ops["get"]["responses"]["200"]["headers"]
    assert set(ops["get"]["responses"]) == {"200", "400", "406", "502", "503"}
    assert set(ops["head"]["responses"]) == {"200", "400", "406", "502", "503"}
    assert set(post["responses"]) == {"200", "204", "400", "401", "403", "406", "409", "413", "415", "422", "502",
                                      "503"}
    # errors: text by default, the error model (which exists) for JSON; 406 always text; 409/422 JSON
    assert "ErrorOut" in doc["components"]["schemas"]
    assert set(post["responses"]["400"]["content"]) == {"text/plain", "application/json"}
    assert set(post["responses"]["406"]["content"]) == {"text/plain"}
    assert set(post["responses"]["422"]["content"]) == {"application/json"}
    assert "WWW-Authenticate" in post["responses"]["401"]["headers"]
    for response in post["responses"].values():
        assert "/ " in response["description"]  # 中文 / English


@dataclass
class Case:
    method: str
    status: int
    params: object = None  # a dict, or a list of pairs to repeat a parameter
    body: bytes | dict | None = None
    headers: dict | None = None


def answered_as_documented(base: str, path: str, case: Case) -> None:
    """The request gets ``case.status``; the description lists that status for the operation, and
    the answer's media type among those it documents for it."""
    responses = openapi_operation(base, path, case.method)["responses"]
    assert str(case.status) in responses, (case, sorted(responses))
    kw: dict = {"params": case.params, "headers": case.headers or {}}
    if isinstance(case.body, dict):
        kw["data"] = case.body
    elif case.body is not None:
        kw["content"] = case.body
    r = httpx.request(case.method, base + path, timeout=30, **kw)
    assert r.status_code == case.status, (case, r.status_code, r.text)
    documented = responses[str(case.status)].get("content")
    if documented and case.method != "HEAD":
        assert r.headers["content-type"].split(";")[0] in documented, (case, r.headers["content-type"])


UPDATE = {"Content-Type": "application/sparql-update"}
CATALOG = "https://w3id.org/quanze/id/graph/catalog"


def test_documented_sparql_statuses_are_answered(api, monkeypatch):
    for case in [
        Case("GET", 200),  # the service description
        Case("GET", 200, {"query": "ASK {}"}),
        Case("HEAD", 200, {"query": "ASK {}"}),
        Case("GET", 400, {"query": "SELEC * WHERE {}"}),
        Case("GET", 400, [("query", "ASK {}"), ("query", "ASK {}")]),
        Case("GET", 400, {"query": "ASK {}", "default-graph-uri": "not an iri"}),
        Case("HEAD", 400, {"query": "SELEC"}),
        Case("GET", 406, {"query": "ASK {}"}, headers={"Accept": "text/turtle"}),
        Case("POST", 200, body={"query": "ASK {}"}),
        Case("POST", 400, body={"foo": "bar"}),  # a form with neither query nor update
        Case("POST", 400, body=b"ASK {", headers={"Content-Type": "application/sparql-query"}),
        Case("POST", 406, body={"query": "ASK {}"}, headers={"Accept": "application/rdf+xml"}),
        Case("POST", 415, body=b"ASK {}", headers={"Content-Type": "application/pdf"}),
        Case("POST", 415, body=b"ASK {}"),  # no Content-Type
        Case("POST", 401, body=b"CLEAR ALL", headers=UPDATE),
        Case("POST", 401, body=b"CLEAR ALL", headers={**UPDATE, "Authorization": "Bearer wrong"}),
        Case("POST", 409, body=f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <{EX}a> <{EX}b> 1 }} }}".encode(),
             headers={**UPDATE, **AUTH}),
        Case("POST", 204, body=f"INSERT DATA {{ GRAPH <{EX}notes> {{ <{EX}a> <{EX}b> 1 }} }}".encode(),
             headers={**UPDATE, **AUTH}),
    ]:
        answered_as_documented(api.base, "/sparql", case)
    assert CATALOG not in api.store.graph_names()

    monkeypatch.setattr("api.deps.after_write_validation", lambda store, graphs, before=None: "sh:Violation")
    answered_as_documented(api.base, "/sparql", Case(
        "POST", 422, body=f"INSERT DATA {{ GRAPH <{EX}more> {{ <{EX}a> <{EX}b> 2 }} }}".encode(),
        headers={**UPDATE, **AUTH}))
    assert EX + "more" not in api.store.graph_names()


def test_documented_sparql_statuses_of_other_servers_are_answered():
    """403 (read-only), 413 (body cap), 503 (no free slot) and 502 (remote endpoint down)."""
    from api.security import QueryRunner
    from tests.conftest import free_port

    with live_server(seeded(), settings(token=None)) as base:
        answered_as_documented(base, "/sparql", Case("POST", 403, body=b"CLEAR ALL",
                                                     headers={**UPDATE, "Authorization": "Bearer x"}))
    with live_server(seeded(), settings(max_body=100)) as base:
        answered_as_documented(base, "/sparql", Case("POST", 413, body={"query": "ASK {" + " " * 200 + "}"}))
    busy = QueryRunner(10.0, max_concurrent=1, slot_wait=0)
    assert busy._slots.acquire(blocking=False)  # its only slot taken
    with live_server(seeded(), settings(), runner=busy) as base:
        answered_as_documented(base, "/sparql", Case("GET", 503, {"query": "ASK {}"}))
        answered_as_documented(base, "/sparql", Case("POST", 503, body={"query": "ASK {}"}))
    nowhere = RemoteStore(f"http://127.0.0.1:{free_port()}/query")
    with live_server(nowhere, settings()) as base:
        answered_as_documented(base, "/sparql", Case("GET", 502, {"query": "ASK {}"}))
    nowhere.close()


def test_using_graph_uri_is_refused(api):
    r = httpx.post(api.sparql, params={"using-graph-uri": G1}, content=b"DELETE WHERE { ?s ?p ?o }",
                   headers={"Content-Type": "application/sparql-update", **AUTH})
    assert r.status_code == 400
    assert len(api.store.graph_names()) == 2


# --- the service description -----------------------------------------------------------------

def sd_triples(base: str, accept: str = "text/turtle") -> set[ox.Triple]:
    r = httpx.get(base + "/sparql", headers={"Accept": accept})
    assert r.status_code == 200
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD}[accept]
    assert r.headers["content-type"].split(";")[0] == accept
    return {q.triple for q in ox.parse(r.content, format=fmt)}


def objects(triples: set[ox.Triple], predicate: str) -> set[str]:
    return {str(x.object.value) for x in triples if x.predicate.value == predicate}


def test_service_description(api):
    triples = sd_triples(api.base)
    assert objects(triples, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") >= {
        SD + "Service", SD + "Dataset", SD + "Graph", SD + "NamedGraph"}
    assert objects(triples, SD + "endpoint") == {api.sparql}
    assert objects(triples, SD + "supportedLanguage") == {SD + "SPARQL11Query", SD + "SPARQL11Update"}
    assert objects(triples, SD + "feature") == {SD + "UnionDefaultGraph"}
    assert len(objects(triples, SD + "resultFormat")) == 8
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in objects(triples, SD + "resultFormat")
    assert objects(triples, SD + "name") == {G1, G2}
    assert objects(triples, SD + "defaultDataset")


def test_service_description_read_only_and_in_json_ld():
    with live_server(seeded(), settings(token=None)) as base:
        triples = sd_triples(base, "application/ld+json")
        assert objects(triples, SD + "supportedLanguage") == {SD + "SPARQL11Query"}


# --- updates and the token --------------------------------------------------------------------

INSERT = f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}d> <{EX}name> \"丁\" }} }}"


def test_update_with_the_token(any_api):
    r = any_api.update(INSERT, AUTH)
    assert r.status_code == 204, r.text
    assert "丁" in names_in(any_api)
    r = httpx.post(any_api.sparql, data={"update": f"DELETE DATA {{ GRAPH <{G1}> {{ <{EX}d> <{EX}name> \"丁\" }} }}"},
                   headers=AUTH)
    assert r.status_code == 204
    assert "丁" not in names_in(any_api)


@pytest.mark.parametrize("headers, error", [
    ({}, None),
    ({"Authorization": "Bearer wrong"}, "invalid_token"),
    ({"Authorization": f"Basic {TOKEN}"}, None),
    ({"Authorization": "Bearer"}, None),
])
def test_update_without_a_valid_token_is_401(any_api, headers, error):
    r = any_api.update(INSERT, headers)
    assert r.status_code == 401
    challenge = r.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    assert (error in challenge) if error else "error=" not in challenge
    assert "令牌" in r.text and "token" in r.text
    assert "丁" not in names_in(any_api)


def test_update_on_a_read_only_service_is_403():
    store = seeded()
    with live_server(store, settings(token=None)) as base:
        for headers in ({}, {"Authorization": "Bearer anything"}):
            r = httpx.post(base + "/sparql", content=INSERT.encode(),
                           headers={"Content-Type": "application/sparql-update", **headers})
            assert r.status_code == 403
            assert "只读" in r.text and "read-only" in r.text
        r = httpx.post(base + "/sparql", data={"update": INSERT}, headers={"Accept": "application/json"})
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert len(store.graph_triples(G1)) == 3


def test_update_syntax_error_is_400(api):
    r = api.update("INSERT DATA { oops }", AUTH)
    assert r.status_code == 400
    assert "syntax" in r.text.lower()


#: An update whose targets the text cannot tell (``GRAPH ?g``) and whose WHERE costs the same with
#: data or without: 27 million rows of VALUES, some seconds of evaluation even on an empty store.
_NUMBERS = " ".join(str(i) for i in range(300))
DATALESS_UPDATE = (f"PREFIX ex: <{EX}>\nINSERT {{ GRAPH ?g {{ ex:a ex:b ?a }} }} WHERE {{ VALUES ?g {{ <{G1}> }} "
                   f"VALUES ?a {{ {_NUMBERS} }} VALUES ?b {{ {_NUMBERS} }} VALUES ?c {{ {_NUMBERS} }} "
                   "FILTER(?a + ?b + ?c < 0) BIND(NOW() AS ?t) }")


def test_an_update_is_syntax_checked_without_running_it():
    """Regression: before its write, an update whose graphs cannot be told from its text was run
    on an empty store to see that it parses — with the write lock held, every write waiting, for
    as long as its WHERE takes without data (a VALUES cross product: as long as with it)."""
    from api.sparql import update_scope

    store = seeded()
    start = time.monotonic()
    assert update_scope(store, DATALESS_UPDATE, "http://base.example/sparql") is None  # NOW(): every graph
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("update", [
    f"PREFIX ex: <{EX}>\nINSERT {{ GRAPH ?g {{ ex:a ex:b ex:c }} }} WHERE {{ GRAPH ?g {{ ?s ?p }} }}",
    f"PREFIX ex: <{EX}> INSERT {{ GRAPH ?g {{ ex:a ex:b ex:c }} }} WHERE {{ GRAPH ?g {{ ?s ?p }} }}",
    "INSERT { GRAPH ?g { <urn:a> <urn:b> <urn:c> } } WHERE { GRAPH ?g { ?s ?p ?o } } ; oops",
    f"BASE <{EX}> DELETE {{ GRAPH ?g {{ <a> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <a> ?p ?o",
    "PREFIX ex: <urn:x:>",  # a prologue alone parses
    f"PREFIX ex: <{EX}> INSERT {{ GRAPH ?g {{ ex:a ex:b ex:c }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_the_update_syntax_check_says_what_the_parser_says(update):
    """The check runs nothing, and reports the error where the text has it."""
    from api.sparql import parse_update
    from quanze.store import QuerySyntaxError
    from quanze.store.tokens import tokenize

    try:
        ox.Store().update(update)  # each either fails to parse or writes on this throwaway store
        expected = None
    except SyntaxError as exc:
        expected = str(exc)
    if expected is None:
        parse_update(update, tokenize(update))
    else:
        with pytest.raises(QuerySyntaxError) as raised:
            parse_update(update, tokenize(update))
        assert str(raised.value) == "SPARQL 语法错误 / SPARQL syntax error: " + expected


def test_an_update_syntax_error_is_placed_in_the_text_as_sent(api):
    """An update whose graphs cannot be told is checked with a guard put after its prologue, and
    run with ``BASE <endpoint>`` in front when it has relative IRIs: the column is the client's."""
    text = "PREFIX ex: <urn:x:> INSERT { GRAPH ?g { <a> ex:b ex:c } } WHERE { GRAPH ?g { ?s ?p } }"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().update(text, base_iri=api.sparql)
    position = ":".join(str(parsed.value).split(":", 2)[:2]) + ":"
    r = api.update(text, AUTH)
    assert r.status_code == 400 and position in r.text, (position, r.text[:200])


# --- SERVICE and LOAD -------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { sErViCe <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE SILENT x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n ?s ?p \"x\" . SERVICE ?endpoint { ?s ?p ?o } }",
    "ASK { SERVICE<http://127.0.0.1:9/sparql>{} }",
    # glued, as Oxigraph reads them
    "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEx:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICESILENTx:internal { ?s ?p ?o } }",
])
def test_service_is_refused(api, query):
    r = api.get(query)
    assert r.status_code == 400
    assert "SERVICE" in r.text and "联邦查询" in r.text


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ ?s <{EX}name> \"SERVICE <http://x/> {{ }}\" }}",
    f"SELECT * WHERE {{ ?s <{EX}name> '''a\nSERVICE''' }}",
    "SELECT * WHERE { ?s <http://example.org/SERVICE#service> ?service } # SERVICE <http://x/> {}",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:service ?o }",
    "SELECT * WHERE { ?s ?p \"x\"@service }",
    # a declared prefix that starts like the keyword, beside one it could split into, read as a name
    "PREFIX s: <http://example.org/s/> PREFIX services: <http://example.org/> SELECT * WHERE { ?x services:provides ?y }",
])
def test_service_in_literals_iris_comments_and_names_is_fine(api, query):
    assert api.get(query).status_code == 200


@pytest.mark.parametrize("update", [
    f"LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <{G1}>",
    "load silent <http://127.0.0.1:9/data.ttl>",
    f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}p> 1 }} }} ;\n# next\n Load <http://127.0.0.1:9/x>",
    f"INSERT {{ GRAPH <{G1}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <http://127.0.0.1:9/> {{ ?s ?p ?o }} }}",
    "LOADSILENT<http://127.0.0.1:9/data.ttl>",  # glued, as Oxigraph reads it
])
def test_load_and_service_in_updates_are_refused(api, update):
    r = api.update(update, AUTH)
    assert r.status_code == 400
    assert "LOAD" in r.text or "SERVICE" in r.text
    assert len(api.store.graph_triples(G1)) == 3


def test_load_in_a_literal_is_fine(api):
    r = api.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}note> \"LOAD <http://x/>\" }} }}", AUTH)
    assert r.status_code == 204


# --- limits -----------------------------------------------------------------------------------

def test_a_query_nesting_too_deep_is_400_and_the_service_lives(api):
    """10,000 nested brackets (20 KB) overflowed the parser's stack and killed the service; the
    nesting is bounded before anything parses, for queries and updates alike."""
    deep = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    r = httpx.post(api.sparql, content=deep.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert r.status_code == 400 and "nests" in r.text
    u = api.update("INSERT DATA { GRAPH <http://x/> { <a:a> <b:b> " + "(" * 10_000 + ")" * 10_000 + " } }", AUTH)
    assert u.status_code == 400 and "nests" in u.text
    assert api.get("ASK {}").status_code == 200
    assert api.get("SELECT * WHERE { FILTER(" + "(" * 50 + "1" + ")" * 50 + ") }").status_code == 200


def test_body_over_the_cap_is_413():
    with live_server(seeded(), settings(max_body=2000)) as base:
        big = "ASK { ?s ?p \"" + "x" * 5000 + "\" }"
        r = httpx.post(base + "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413
        assert "上限" in r.text and "limit" in r.text

        def chunks():  # no Content-Length: the cap applies while reading
            for _ in range(10):
                yield b"x" * 500

        r = httpx.post(base + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413
        ok = httpx.post(base + "/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
        assert ok.status_code == 200


def slow_store(store: Store, n: int = 200) -> Store:
    store.write({EX + "big": {t(f"s{i}", "p", str(i)) for i in range(n)}})
    return store


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


def test_slow_query_times_out_with_503():
    store = slow_store(EmbeddedStore(None))
    with live_server(store, settings(query_timeout=0.2)) as base:
        started = time.monotonic()
        r = httpx.get(base + "/sparql", params={"query": SLOW}, timeout=30)
        assert r.status_code == 503
        assert time.monotonic() - started < 2
        assert "时限" in r.text and "time limit" in r.text
        # the server still answers others while the abandoned query runs on
        assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_slow_query_times_out_over_a_remote_store(oxigraph_server):
    store = slow_store(fresh_remote(oxigraph_server), 150)
    with live_server(store, settings(query_timeout=0.2)) as base:
        r = httpx.get(base + "/sparql", params={"query": SLOW}, timeout=30)
        assert r.status_code == 503
    store.close()


# --- CORS -------------------------------------------------------------------------------------

def test_cors_closed_by_default(api):
    r = httpx.get(api.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    pre = httpx.options(api.sparql, headers={"Origin": "https://evil.example",
                                             "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers


def test_cors_open_when_configured():
    origin = "https://quanze.example"
    with live_server(seeded(), settings(cors_origins=[origin], max_rows=1)) as base:
        r = httpx.get(base + "/sparql", params={"query": NAMES}, headers={"Origin": origin})
        assert r.headers["access-control-allow-origin"] == origin
        assert "x-quanze-truncated" in r.headers["access-control-expose-headers"].lower()
        pre = httpx.options(base + "/sparql", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "authorization, content-type"})
        assert pre.status_code == 200
        assert "POST" in pre.headers["access-control-allow-methods"]
        assert "authorization" in pre.headers["access-control-allow-headers"].lower()
        other = httpx.get(base + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://other.example"})
        assert "access-control-allow-origin" not in other.headers
        # a page on that origin can read a paged answer's total
        paged = httpx.get(base + "/devolution", params={"to": "县级", "limit": 1}, headers={"Origin": origin})
        assert "x-total-count" in paged.headers["access-control-expose-headers"].lower()


def test_cors_origins_are_read_from_the_environment_as_people_write_them(monkeypatch):
    """QUANZE_CORS_ORIGINS took only a JSON list; a plain origin stopped every command with a traceback."""
    from quanze.settings import Settings

    for written, origins in (("https://a.example", ["https://a.example"]),
                             ("https://a.example, https://b.example", ["https://a.example", "https://b.example"]),
                             ('["https://a.example"]', ["https://a.example"]), ("", [])):
        monkeypatch.setenv("QUANZE_CORS_ORIGINS", written)
        assert Settings().cors_origins == origins


# --- real clients -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(any_api, fmt):
    sw = SPARQLWrapper(any_api.sparql)
    sw.setQuery(NAMES)
    sw.setReturnFormat(fmt)
    result = sw.query()
    assert result.response.status == 200
    converted = result.convert()
    if fmt == JSON:
        assert [b["n"]["value"] for b in converted["results"]["bindings"]] == ["丙", "乙", "药品生产许可"]
    elif fmt == XML:
        assert len(converted.getElementsByTagName("result")) == 3
    else:
        text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
        assert len(text.strip().splitlines()) == 4


def test_sparqlwrapper_post_construct_and_ask(any_api):
    sw = SPARQLWrapper(any_api.sparql)
    sw.setMethod("POST")
    sw.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    assert {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)} == SEED[G2]
    sw.setQuery(f"ASK {{ <{EX}c> <{EX}name> \"丙\" }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_bad_query(api):
    sw = SPARQLWrapper(api.sparql)
    sw.setQuery("SELECT * WHERE {")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_sparqlwrapper_update_with_token(any_api):
    sw = SPARQLWrapper(any_api.sparql)
    sw.setMethod("POST")
    sw.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    sw.setQuery(INSERT)
    assert sw.query().response.status == 204
    assert "丁" in names_in(any_api)


def test_rdflib_sparqlstore_query(any_api):
    graph = rdflib.Graph(SPARQLStore(any_api.sparql))
    rows = list(graph.query(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?n"))
    assert [str(r[0]) for r in rows] == ["丙", "乙", "药品生产许可"]
    assert graph.query(f"ASK {{ <{EX}a> ?p ?o }}").askAnswer is True
    constructed = graph.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}").graph
    assert len(constructed) == 2


def test_rdflib_sparqlupdatestore(any_api):
    store = SPARQLUpdateStore(any_api.sparql, any_api.sparql, headers=AUTH)
    graph = rdflib.Graph(store, identifier=rdflib.URIRef(G1))
    graph.add((rdflib.URIRef(EX + "e"), rdflib.URIRef(EX + "name"), rdflib.Literal("戊")))
    assert "戊" in names_in(any_api)
    if isinstance(any_api.store, RemoteStore):
        # rdflib removes with ``WITH <g> DELETE …``; an Oxigraph server run with
        # --union-default-graph refuses WITH/USING, and the API passes its 400 on
        with pytest.raises(Exception, match="400"):
            graph.remove((rdflib.URIRef(EX + "e"), None, None))
        return
    graph.remove((rdflib.URIRef(EX + "e"), None, None))
    assert "戊" not in names_in(any_api)
    assert any_api.store.graph_triples(G1) == SEED[G1]


def test_rdflib_sparqlupdatestore_without_token_fails(any_api):
    graph = rdflib.Graph(SPARQLUpdateStore(any_api.sparql, any_api.sparql), identifier=rdflib.URIRef(G1))
    with pytest.raises(Exception, match="401"):
        graph.add((rdflib.URIRef(EX + "e"), rdflib.URIRef(EX + "name"), rdflib.Literal("戊")))


# --- the validation hook -----------------------------------------------------------------------

def test_rejected_update_is_rolled_back_with_422(api, monkeypatch):
    seen: list[list[str]] = []

    def validator(store, graph_iris, before=None):
        seen.append(list(graph_iris))
        if any("坏" in str(x.object) for g in graph_iris for x in store.graph_triples(g)):
            return {"conforms": False, "results": ["名称含「坏」/ name contains 坏"]}
        return None

    monkeypatch.setattr("api.deps.after_write_validation", validator)
    r = api.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}name> \"坏\" }} }} ;"
                   f"DELETE DATA {{ GRAPH <{G2}> {{ <{EX}c> <{EX}name> \"丙\" }} }}", AUTH)
    assert r.status_code == 422
    body = r.json()
    assert body["report"]["conforms"] is False
    assert body["graphs"] == sorted([G1, G2])
    assert seen[-1] == sorted([G1, G2])
    assert api.store.graph_triples(G1) == SEED[G1] and api.store.graph_triples(G2) == SEED[G2]
    # a variable graph: every graph is copied and the validator sees the ones that changed
    r = api.update(f"DELETE {{ GRAPH ?g {{ ?s <{EX}link> ?o }} }} WHERE {{ GRAPH ?g {{ ?s <{EX}link> ?o }} }}", AUTH)
    assert r.status_code == 204
    assert seen[-1] == [G2]


def test_hook_is_the_module_function():
    assert api_deps.after_write_validation(EmbeddedStore(None), [G1]) is None


def test_results_are_json_parsable_even_when_capped_at_one_row():
    with live_server(seeded(), settings(max_rows=1)) as base:
        r = httpx.get(base + "/sparql", params={"query": NAMES}, headers={"Accept": "application/sparql-results+xml"})
        solutions = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)
        assert len(list(solutions)) == 1
        r = httpx.get(base + "/sparql", params={"query": NAMES})
        assert len(json.loads(r.content)["results"]["bindings"]) == 1


# --- base IRI, dataset parameter checks, the lexer --------------------------------------------

def test_relative_iris_resolve_against_the_endpoint(any_api):
    r = any_api.get("SELECT ?i WHERE { BIND(<items/1> AS ?i) }")
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["i"]["value"] == any_api.base + "/items/1"
    r = any_api.get("BASE <http://other.example/x/> SELECT ?i WHERE { BIND(<y> AS ?i) }")
    assert r.json()["results"]["bindings"][0]["i"]["value"] == "http://other.example/x/y"
    r = any_api.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <rel> <{EX}name> \"相对\" }} }}", AUTH)
    assert r.status_code == 204
    assert t("a", "name", "药品生产许可") in any_api.store.graph_triples(G1)
    assert ox.Triple(ox.NamedNode(any_api.base + "/rel"), ox.NamedNode(EX + "name"),
                     ox.Literal("相对")) in any_api.store.graph_triples(G1)


def test_invalid_dataset_iri_is_400(api):
    assert api.get("ASK {}", None, **{"default-graph-uri": "not an iri"}).status_code == 400


def test_lexer_finds_update_targets():
    from api.lexer import tokenize, update_targets

    def targets(text: str) -> set[str] | None:
        return update_targets(tokenize(text), "http://base.example/sparql")

    assert targets(f"PREFIX g: <{EX}g/> INSERT DATA {{ GRAPH g:one {{ <a> <b> <c> }} }}") == {EX + "g/one"}
    assert targets("INSERT DATA { GRAPH <rel> { <a> <b> <c> } }") == {"http://base.example/rel"}
    assert targets(f"WITH <{G1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}") == {G1}
    assert targets(f"COPY <{G1}> TO GRAPH <{G2}> ; DROP SILENT GRAPH <{EX}x>") == {G1, G2, EX + "x"}
    assert targets("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }") is None
    assert targets("DROP ALL") is None and targets("CLEAR NAMED") is None
    assert targets(f"INSERT DATA {{ <a> <b> \"GRAPH <{G1}>\" }}") == set()  # in a literal
    # a keyword glued to a declared prefix, as Oxigraph reads it (GRAPH g:one), and the whole
    # name too where it is declared as well; a prefix that merely starts like a keyword is a name
    assert targets(f"PREFIX g: <{EX}g/> INSERT DATA {{ GRAPHg:one {{ <a> <b> <c> }} }}") == {EX + "g/one"}
    assert targets(f"PREFIX g: <{EX}g/> PREFIX graphg: <{EX}h/> INSERT DATA {{ GRAPH graphg:one {{ <a> <b> <c> }} }}"
                   ) == {EX + "g/one", EX + "h/one"}
    assert targets(f"PREFIX graphs: <{EX}s/> INSERT DATA {{ graphs:a <b> <c> }}") == set()
    assert targets(f"PREFIX : <{EX}d/> PREFIX GRAPH: <{EX}e/> INSERT DATA {{ GRAPH:x {{ <a> <b> <c> }} }}") == {
        EX + "d/x", EX + "e/x"}
    # glued beyond what can be split: which graphs it names cannot be told
    for glued in ("DROPALL", f"PREFIX l: <{EX}l/> DROPGRAPHl:x", f"PREFIX c: <{EX}c> CLEARGRAPHc:",
                  f"PREFIX l: <{EX}l/> MOVEGRAPHl:x TO <{EX}y>"):
        assert targets(glued) is None, glued


def test_lexer_reads_the_graphs_a_variable_template_binds():
    """``GRAPH ?g`` in a template writes the graphs the WHERE binds to ?g: the service asks for
    them, on the dataset the update's WHERE sees, instead of copying every graph."""
    from api.lexer import graph_query, tokenize

    def query(text: str):
        return graph_query(text, tokenize(text))

    q = query(f"PREFIX e: <{EX}> DELETE {{ GRAPH ?g {{ ?s e:link ?o }} }} INSERT {{ GRAPH ?h {{ ?s e:x ?o }} }} "
              f"WHERE {{ GRAPH ?g {{ ?s e:link ?o }} BIND(?g AS ?h) }} ;")
    assert q.variables == ("g", "h") and q.default is None and q.named is None
    assert q.text == f"PREFIX e: <{EX}> SELECT DISTINCT ?g ?h WHERE {{ GRAPH ?g {{ ?s e:link ?o }} BIND(?g AS ?h) }}"
    q = query(f"DELETE WHERE {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}")
    assert q.variables == ("g",) and q.text.endswith(f"WHERE {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}")
    q = query(f"WITH <{G1}> INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o BIND(<{G2}> AS ?g) }}")
    assert (q.default, q.named) == ((G1,), None)  # WITH replaces the default graph only
    q = query(f"WITH <{G1}> INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} USING NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert (q.default, q.named) == ((), (G2,))  # USING replaces the whole dataset, WITH's graph too
    q = query(f"INSERT {{ GRAPH <{G1}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert q.variables == ()  # ?g only read
    for other in (f"INSERT DATA {{ GRAPH <{G1}> {{ <a> <b> <c> }} }}", "DROP ALL",
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } } ; CLEAR DEFAULT",
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o }",
                  "WITH ?g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                  # read twice, these may bind other graphs
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { BIND(IF(RAND() < 0.5, <urn:a>, <urn:b>) AS ?g) }",
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { { SELECT ?g WHERE { GRAPH ?g {} } LIMIT 1 } }"):
        assert query(other) is None, other


def test_the_lexer_resolves_iris_as_oxigraph_does():
    """Python's urljoin kept a base's fragment that Oxigraph drops, and took out dot segments that
    Oxigraph keeps: the service checked one graph and the update wrote another."""
    from api.lexer import tokenize, update_targets

    assert update_targets(tokenize("BASE <https://e.org/g/kept#x> DROP GRAPH <>")) == {"https://e.org/g/kept"}
    assert update_targets(tokenize("BASE <https://e.org/a/b/../c/> DROP GRAPH <x>")) == {"https://e.org/a/b/../c/x"}
    assert update_targets(tokenize("PREFIX g: <https://e.org/g/> DROP GRAPH g:a\\.b")) == {"https://e.org/g/a.b"}
    assert update_targets(tokenize("DROP GRAPH <relative>")) is None  # no base: cannot tell


def test_a_text_read_two_ways_is_no_reading_to_trust():
    """``FILTER(1<?z#> …``: an IRI to the tokens, "less than" and a comment to Oxigraph."""
    from api.lexer import ambiguous, tokenize, update_targets

    hidden = 'INSERT { GRAPH <urn:x:a> { <urn:a> <urn:b> <urn:c> } } WHERE { FILTER(1<?z#> """\n) } ;\nDROP ALL # """ }'
    assert ambiguous(tokenize(hidden)) and update_targets(tokenize(hidden)) is None
    for plain in ("SELECT * WHERE { ?s <http://x#p> ?o FILTER(?o < 5) }", "SELECT * WHERE { FILTER(?a<?b) }"):
        assert not ambiguous(tokenize(plain)), plain


def test_runner_times_out_and_bounds_abandoned_queries():
    import asyncio
    import threading

    from api.security import Busy, QueryRunner, QueryTimeout

    release = threading.Event()
    runner = QueryRunner(timeout=0.1, max_concurrent=1, slot_wait=0.1)

    async def scenario() -> None:
        with pytest.raises(QueryTimeout):
            await runner.run(lambda: release.wait(5))
        with pytest.raises(Busy):  # the abandoned query still holds the only slot
            await runner.run(lambda: 1)
        release.set()
        await asyncio.sleep(0.05)
        assert await runner.run(lambda: 2) == 2
        with pytest.raises(ZeroDivisionError):
            await runner.run(lambda: 1 / 0)

    asyncio.run(scenario())


def test_runner_waits_a_little_for_a_free_slot():
    """A call finding every slot taken waits (without blocking the event loop) and runs once
    the slot frees, instead of answering Busy at once."""
    import asyncio
    import threading

    from api.security import QueryRunner

    runner = QueryRunner(timeout=5, max_concurrent=1, slot_wait=3)
    started = threading.Event()

    def slow() -> str:
        started.set()
        time.sleep(0.3)
        return "slow"

    async def scenario() -> None:
        first = asyncio.ensure_future(runner.run(slow))
        while not started.is_set():
            await asyncio.sleep(0.005)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        beat = asyncio.ensure_future(ticker())
        t0 = time.monotonic()
        assert await runner.run(lambda: "second") == "second"
        waited = time.monotonic() - t0
        beat.cancel()
        assert await first == "slow"
        assert 0.1 < waited < 2.5
        assert ticks >= 5  # the loop kept running while the call waited

    asyncio.run(scenario())


def test_runner_is_busy_when_the_wait_runs_out():
    import asyncio
    import threading

    from api.errors import ApiError
    from api.security import Busy, QueryRunner

    release = threading.Event()
    runner = QueryRunner(timeout=5, max_concurrent=1, slot_wait=0.2)
    assert QueryRunner(timeout=5).slot_wait > 0  # waits by default

    async def scenario() -> None:
        first = asyncio.ensure_future(runner.run(lambda: release.wait(5)))
        await asyncio.sleep(0.05)
        t0 = time.monotonic()
        with pytest.raises(Busy) as busy:
            await runner.run(lambda: 1)
        assert 0.15 < time.monotonic() - t0 < 2
        assert isinstance(busy.value, ApiError) and busy.value.status == 503
        release.set()
        assert await first is True
        assert await QueryRunner(timeout=5, max_concurrent=1, slot_wait=0).run(lambda: 3) == 3

    asyncio.run(scenario())
