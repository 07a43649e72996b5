"""Dereferencing Quanze's IRIs (``/id/{path}``, ``/ns``: :mod:`api.routes.resources`), against a live
uvicorn server over the real corpus and the sample lists (the session's ``corpus_store``).

Every IRI tested is read from the store, never written here: an item, a provision, and one of each
form the loaders mint. Descriptions parse with rdflib and hold what the store holds; a browser is
sent to the page that shows the resource; unknown IRIs are 404 in Chinese and English; 406; Vary.
The same description over a remote SPARQL store (a real Oxigraph server) and from the on-disk
store's worker processes; schemathesis over the two operations.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, unquote

import httpx
import pyoxigraph as ox
import pytest
import rdflib
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from quanze.settings import ROOT
from quanze.store import EmbeddedStore, Iri, Store
from tests.api_live import live_server, settings
from tests.conftest import remote_store

ID = "https://w3id.org/quanze/id/"
QZ = "https://w3id.org/quanze/ns#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
UI_BUILT = (ROOT / "api" / "static" / "index.html").is_file()


@pytest.fixture(scope="module")
def base(corpus_store) -> Iterator[str]:
    with live_server(corpus_store, settings(query_timeout=120.0)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=300, follow_redirects=False) as c:
        yield c


def path_of(iri: str) -> str:
    """The request path of an IRI, as a client sends it (RFC 3987 §3.1: non-ASCII as UTF-8
    escapes, the IRI's own escapes kept)."""
    assert iri.startswith(ID), iri
    return "/id/" + quote(iri.removeprefix(ID), safe="/%")


def first(store: Store, query: str) -> dict:
    rows = store.select(query)
    assert rows, query
    return rows[0]


def one_of(store: Store, cls: str) -> str:
    """A stored instance of ``cls`` (the first by IRI: the same one every run)."""
    row = first(store, f"SELECT ?s WHERE {{ ?s a <{cls}> FILTER(STRSTARTS(STR(?s), \"{ID}\")) }} "
                       f"ORDER BY ?s LIMIT 1")
    return str(row["s"])


def own_triples(store: Store, iri: str) -> set[ox.Triple]:
    """What the store holds with ``iri`` as subject, each triple once whatever graphs hold it."""
    return store.construct("CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { UNDEF } GRAPH ?g { ?s ?p ?o } }",
                           {"s": Iri(iri)})


OX_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
              "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def described(response: httpx.Response, iri: str) -> set[ox.Triple]:
    """The triples of an answer with ``iri`` as subject."""
    media = response.headers["content-type"].split(";")[0]
    return {q.triple for q in ox.parse(response.content, format=OX_FORMATS[media]) if q.subject.value == iri}


def parse(response: httpx.Response, fmt: str) -> rdflib.Graph:
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.content, format=fmt)


@pytest.fixture(scope="module")
def item(corpus_store) -> dict:
    """A sample item with a 设定依据 at paragraph level: its IRI, code and name."""
    row = first(corpus_store, f"""SELECT ?item ?code ?name WHERE {{
        ?item <{QZ}code> ?code ; <{QZ}name> ?name ; <{QZ}legalBasis> ?basis . ?basis a <{QZ}Paragraph> }}
        ORDER BY ?code LIMIT 1""")
    return {"iri": str(row["item"]), "code": str(row["code"]), "name": str(row["name"])}


@pytest.fixture(scope="module")
def provision(corpus_store, item) -> str:
    """A paragraph the item cites."""
    row = first(corpus_store, f"SELECT ?p WHERE {{ <{item['iri']}> <{QZ}legalBasis> ?p . ?p a <{QZ}Paragraph> }} "
                              f"ORDER BY ?p LIMIT 1")
    return str(row["p"])


# --- an item and a provision, in every format ---------------------------------------------------

@pytest.mark.parametrize("media, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_an_item_is_described_with_its_code_and_name(client, corpus_store, item, media, fmt):
    r = client.get(path_of(item["iri"]), headers={"Accept": media})
    assert r.headers["content-type"].split(";")[0] == media and r.headers["vary"] == "Accept"
    g = parse(r, fmt)
    subject = rdflib.URIRef(item["iri"])
    assert (subject, rdflib.URIRef(QZ + "code"), rdflib.Literal(item["code"])) in g
    assert (subject, rdflib.URIRef(QZ + "name"), rdflib.Literal(item["name"])) in g
    # every triple the store holds on it, and no other about it
    assert described(r, item["iri"]) == own_triples(corpus_store, item["iri"])
    # and the names of what it points at: its levels and its type
    levels = list(g.objects(subject, rdflib.URIRef(QZ + "exercisedAt")))
    assert levels and all(any(o.language == "zh" for o in g.objects(level, rdflib.URIRef(SKOS_PREF)))
                          for level in levels)
    item_type = g.value(subject, rdflib.RDF.type)
    assert any(o.language == "zh" for o in g.objects(item_type, rdflib.RDFS.label))


def test_a_description_names_its_graphs_only_where_the_format_holds_graphs(client, corpus_store, item):
    r = client.get(path_of(item["iri"]), headers={"Accept": "application/trig"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/trig")
    ds = rdflib.Dataset()
    ds.parse(data=r.content, format="trig")
    graphs = {str(c) for s, p, o, c in ds.quads((rdflib.URIRef(item["iri"]), None, None, None))}
    stored = {str(r["g"]) for r in corpus_store.select(
        "SELECT DISTINCT ?g WHERE { VALUES ?s { UNDEF } GRAPH ?g { ?s ?p ?o } }", {"s": Iri(item["iri"])})}
    assert graphs == stored and all(g.startswith(ID + "graph/load/") for g in graphs)
    nquads = client.get(path_of(item["iri"]), headers={"Accept": "application/n-quads"})
    assert {q.graph_name.value for q in ox.parse(nquads.content, format=ox.RdfFormat.N_QUADS)
            if q.subject.value == item["iri"]} == stored
    # the triple formats carry none
    turtle = client.get(path_of(item["iri"]), headers={"Accept": "text/turtle"}).content
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE))


def test_a_provision_is_described_with_its_text(client, corpus_store, provision):
    r = client.get(path_of(provision), headers={"Accept": "text/turtle"})
    g = parse(r, "turtle")
    text = corpus_store.select(f"SELECT ?t WHERE {{ <{provision}> <{QZ}text> ?t }}")[0]["t"]
    assert (rdflib.URIRef(provision), rdflib.URIRef(QZ + "text"), rdflib.Literal(text)) in g
    assert described(r, provision) == own_triples(corpus_store, provision)


def test_without_accept_the_answer_is_turtle(client, item):
    r = client.get(path_of(item["iri"]), headers={"Accept": "*/*"})
    assert r.headers["content-type"] == "text/turtle; charset=utf-8"
    assert client.get(path_of(item["iri"])).headers["content-type"] == "text/turtle; charset=utf-8"


def test_chinese_characters_may_come_as_they_are(client, provision):
    """httpx escapes them itself; the path the server sees is the same."""
    raw = client.get("/id/" + provision.removeprefix(ID), headers={"Accept": "text/turtle"})
    assert raw.status_code == 200 and raw.content == client.get(path_of(provision),
                                                                headers={"Accept": "text/turtle"}).content


# --- browsers ------------------------------------------------------------------------------------

@pytest.mark.skipif(not UI_BUILT, reason="the web interface is not built (api/static)")
def test_a_browser_is_sent_to_the_item_page(client, item):
    r = client.get(path_of(item["iri"]), headers={"Accept": BROWSER})
    assert r.status_code == 303 and r.headers["vary"] == "Accept"
    assert r.headers["location"] == "/#/item/" + quote(item["code"], safe="-_.!~*'()")
    assert client.get(r.headers["location"].split("#")[0]).status_code == 200  # the page is served


@pytest.mark.skipif(not UI_BUILT, reason="the web interface is not built (api/static)")
def test_a_browser_is_sent_to_the_provision_page(client, provision):
    r = client.get(path_of(provision), headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["vary"] == "Accept"
    location = r.headers["location"]
    assert location.startswith("/#/provision?id=") and unquote(location.removeprefix("/#/provision?id=")) == provision
    # the page's own call for it answers
    tail = provision.removeprefix(ID + "law/")
    assert client.get("/provisions/" + quote(tail, safe="/%"), headers={"Accept": "application/json"}).status_code == 200


def test_a_resource_without_a_page_gives_a_browser_its_turtle(client, corpus_store):
    region = one_of(corpus_store, QZ + "Region")
    r = client.get(path_of(region), headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"] == "text/turtle; charset=utf-8"
    assert r.headers["content-disposition"] == "inline" and r.headers["vary"] == "Accept"
    assert described(r, region) == own_triples(corpus_store, region)


# --- what is not there --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/id/item/NO-SUCH-CODE-0000", "/id/law/没有这部法律/2020-01-01/art_1",
                                  "/id/region/999999"])
def test_an_iri_nothing_is_known_about_is_404_in_both_languages(client, path):
    for accept in ("text/turtle", BROWSER):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"
        body = r.json()
        assert body["status"] == 404 and body["error"] == "not_found"
        zh, en = body["message"].split(" / ")
        assert "没有关于" in zh and "nothing is known about" in en and ID in en


@pytest.mark.parametrize("path", ["/id/", "/id/item//x", "/id/item/x/", "/id/item/%FF"])
def test_a_path_that_is_no_quanze_iri_is_404(client, path):
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.json()["status"] == 404


@pytest.mark.parametrize("accept", ["application/json", "image/png", "text/turtle;q=0, */*;q=0"])
def test_nothing_acceptable_is_406(client, item, accept):
    for path in (path_of(item["iri"]), "/ns"):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 406 and r.headers["vary"] == "Accept"
        assert "text/turtle" in r.json()["message"]


def test_q_values_choose(client, item):
    r = client.get(path_of(item["iri"]), headers={"Accept": "text/turtle;q=0.5, application/ld+json"})
    assert r.headers["content-type"] == "application/ld+json"
    r = client.get(path_of(item["iri"]), headers={"Accept": "text/html;q=0.1, application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/n-triples"


def test_head_is_get_without_the_body(client, item):
    get, head = (client.request(m, path_of(item["iri"]), headers={"Accept": "text/turtle"}) for m in ("GET", "HEAD"))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))


# --- every IRI form the loaders mint ------------------------------------------------------------

FORMS = {
    "item": None,  # by qz:code below: a row is typed with one of twelve classes
    "instrument": QZ + "Instrument", "version": QZ + "InstrumentVersion", "part": QZ + "Part",
    "chapter": QZ + "Chapter", "section": QZ + "Section", "article": QZ + "Article",
    "paragraph": QZ + "Paragraph", "point": QZ + "Point", "level assignment": QZ + "LevelAssignment",
    "entrustment": QZ + "Entrustment", "region": QZ + "Region", "zone": QZ + "NationalDevelopmentZone",
    "department": None, "generic body": None, "issuer": "http://www.w3.org/ns/org#Organization",
    "level": QZ + "Level", "instrument type": QZ + "InstrumentType", "action": QZ + "DevolutionAction",
    "plan": QZ + "Plan", "measure": QZ + "Measure", "load": QZ + "Load",
}


@pytest.fixture(scope="module")
def minted(corpus_store, item) -> dict[str, str]:
    """One stored IRI of each form (docs/vocabulary.md, IRI rules)."""
    out = {name: one_of(corpus_store, cls) for name, cls in FORMS.items() if cls}
    out["item"] = item["iri"]
    out["department"] = str(first(corpus_store, f"SELECT ?s WHERE {{ ?s a <{QZ}PublicAuthority> ; <{QZ}region> ?r }} "
                                                f"ORDER BY ?s LIMIT 1")["s"])
    out["generic body"] = str(first(corpus_store, f"SELECT ?s WHERE {{ ?s a <{QZ}PublicAuthority> "
                                                  f"FILTER(STRSTARTS(STR(?s), \"{ID}org/level/\")) }} ORDER BY ?s "
                                                  f"LIMIT 1")["s"])
    return out


def test_every_iri_form_the_loaders_mint_is_answered(client, corpus_store, minted):
    assert {"item", "article", "paragraph", "point", "region", "department"} <= set(minted)
    for name, iri in minted.items():
        r = client.get(path_of(iri), headers={"Accept": "application/n-triples"})
        assert r.status_code == 200, (name, iri, r.text)
        got = described(r, iri)
        assert got == own_triples(corpus_store, iri), name
        assert any(t.predicate.value == RDF_TYPE for t in got), name


def test_a_path_is_read_segment_by_segment_as_the_loaders_mint():
    """Each segment decoded and encoded again as :func:`quanze.namespaces.segment` writes it: an
    escaped slash stays inside its segment, escapes come out upper case, Chinese as it is; the path
    as sent is tried too; an empty segment or an escape that is no UTF-8 names no IRI."""
    from api.routes.resources import candidate_iris

    assert candidate_iris("org/%E7%94%B2%2f%E4%B9%99%20%E5%B1%80") == [
        ID + "org/甲%2F乙%20局", ID + "org/%E7%94%B2%2f%E4%B9%99%20%E5%B1%80"]
    assert candidate_iris("item/37YJ-XK-0001") == [ID + "item/37YJ-XK-0001"]
    assert candidate_iris("item/%2037YJ") == [ID + "item/%2037YJ"]  # segment() would trim: not minted form
    assert candidate_iris("") == candidate_iris("item//x") == candidate_iris("item/x/") == []
    assert candidate_iris("item/%FF") == []


def test_an_iri_with_escapes_in_a_segment_is_answered():
    """A name with a slash and a space (minted ``甲%2F乙%20局``): the ``%2F`` a client sends is not
    taken for a ``/`` between segments."""
    from quanze.namespaces import segment

    iri = ID + "org/" + segment("甲/乙 局")
    store = EmbeddedStore(None)
    try:
        store.write({ID + "graph/test": {ox.Triple(ox.NamedNode(iri), ox.NamedNode(SKOS_PREF),
                                                   ox.Literal("甲/乙 局", language="zh"))}})
        with live_server(store, settings()) as url:
            r = httpx.get(url + path_of(iri), headers={"Accept": "application/n-triples"}, timeout=60)
            assert r.status_code == 200 and len(described(r, iri)) == 1
            # the same with the escapes in lower case, and with the slash unescaped: another IRI
            assert httpx.get(url + path_of(iri).replace("%2F", "%2f"),
                             headers={"Accept": "text/turtle"}, timeout=60).status_code == 200
            assert httpx.get(url + "/id/org/" + quote("甲/乙 局", safe="/"), timeout=60).status_code == 404
    finally:
        store.close()


def test_a_description_the_row_cap_cuts_says_so_and_keeps_the_resource_s_own_triples(corpus_store, item):
    """Cut at the row cap (``QUANZE_MAX_ROWS``), a description loses the names of what the resource
    points at first, never its own triples before them."""
    own = own_triples(corpus_store, item["iri"])
    with live_server(corpus_store, settings(max_rows=len(own))) as url:
        r = httpx.get(url + path_of(item["iri"]), headers={"Accept": "application/n-triples"}, timeout=120)
    assert r.status_code == 200
    assert r.headers["x-quanze-truncated"] == "true" and r.headers["x-quanze-row-limit"] == str(len(own))
    assert described(r, item["iri"]) == own and len(r.content.splitlines()) == len(own)


# --- the ontology --------------------------------------------------------------------------------

def test_the_namespace_answers_the_ontology(client):
    ontology = rdflib.URIRef("https://w3id.org/quanze/ns")
    r = client.get("/ns", headers={"Accept": "text/turtle"})
    assert r.content == (ROOT / "ontology" / "quanze.ttl").read_bytes() and r.headers["vary"] == "Accept"
    turtle = parse(r, "turtle")
    assert (ontology, rdflib.RDF.type, rdflib.OWL.Ontology) in turtle
    assert (rdflib.URIRef(QZ + "Item"), rdflib.RDF.type, rdflib.OWL.Class) in turtle
    as_jsonld = parse(client.get("/ns", headers={"Accept": "application/ld+json"}), "json-ld")
    assert len(as_jsonld) == len(turtle)
    browser = client.get("/ns", headers={"Accept": BROWSER})  # no vocabulary page is served: the Turtle
    assert browser.status_code == 200 and browser.content == r.content


# --- other backends -------------------------------------------------------------------------------

def test_the_same_description_from_a_remote_sparql_store(corpus_store, oxigraph_server, item):
    """resource.rq runs unchanged on a SPARQL 1.1 server: with the graphs copied there, the same quads."""
    copied = [ID + "graph/ontology", ID + "graph/reference", ID + "graph/catalog"] + [
        str(r["g"]) for r in corpus_store.select(
            "SELECT DISTINCT ?g WHERE { VALUES ?s { UNDEF } GRAPH ?g { ?s ?p ?o } }", {"s": Iri(item["iri"])})]
    remote = remote_store(oxigraph_server)
    try:
        remote.write({g: corpus_store.graph_triples(g) for g in copied})
        region = one_of(corpus_store, QZ + "Region")
        with live_server(corpus_store, settings()) as here, live_server(remote, settings()) as there:
            for iri in (item["iri"], region):
                quads = []
                for url in (here, there):
                    body = httpx.get(url + path_of(iri), headers={"Accept": "application/n-quads"}, timeout=120).content
                    quads.append({q for q in ox.parse(body, format=ox.RdfFormat.N_QUADS)
                                  if q.graph_name.value in copied})
                assert quads[0] == quads[1] and quads[0], iri
    finally:
        remote.update("DROP ALL")
        remote.close()


def test_the_on_disk_store_answers_from_its_query_workers(tmp_path):
    """On the on-disk store the description runs in the memory-capped worker processes, as /sparql."""
    from quanze.reference import init

    store = EmbeddedStore(tmp_path / "store")
    try:
        init(store)
        region = one_of(store, QZ + "Region")
        with live_server(store, settings(max_rows=3)) as url:
            r = httpx.get(url + path_of(region), headers={"Accept": "text/turtle"}, timeout=60)
            assert r.status_code == 200 and r.headers["x-quanze-truncated"] == "true"
            assert len(described(r, region)) == 3 < len(own_triples(store, region))
            r = httpx.get(url + "/id/region/999999", headers={"Accept": "text/turtle"}, timeout=60)
            assert r.status_code == 404
    finally:
        store.close()


# --- the OpenAPI description ----------------------------------------------------------------------

def test_openapi_describes_the_routes_and_they_never_answer_5xx(base):
    spec = httpx.get(base + "/openapi.json").json()
    answers = spec["paths"]["/id/{path}"]["get"]["responses"]
    assert {"200", "303", "404", "406"} <= set(answers)
    assert {"text/turtle", "application/ld+json", "application/trig"} <= set(answers["200"]["content"])
    assert "/ns" in spec["paths"]
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [o for o in operations if o.path in ("/id/{path}", "/ns")]
    assert len(operations) == 2
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @hsettings(max_examples=30, deadline=None, derandomize=True, database=None,
                       phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case):
                case.call_and_validate(checks=[not_a_server_error], timeout=300)

            try:
                check()
            except Unsatisfiable:
                continue
            except Exception as exc:  # noqa: BLE001 — collected, reported together
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
