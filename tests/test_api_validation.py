"""Writes through the HTTP API pass the same validation as `quanze load` (issue: HTTP, item 3)."""

from pathlib import Path

import httpx

from quanze.namespaces import graph_iri

from .api_live import TOKEN, live_server, settings

ITEM = "https://w3id.org/quanze/id/item/"
QZ = "https://w3id.org/quanze/ns#"


def _item_turtle(code: str, related: str | None = None) -> str:
    rel = f" ; <{QZ}relatedItem> <{ITEM}{related}>" if related else ""
    return (f"<{ITEM}{code}> a <{QZ}AdministrativeLicence> ; <{QZ}code> \"{code}\" ; <{QZ}name> \"示例审批\" ;"
            f" <{QZ}implementingBodyName> \"省市场监督管理局\" ; <{QZ}exercisedAt> <https://w3id.org/quanze/id/level/county>"
            f"{rel} .\n")


def test_invalid_graph_store_put_is_rejected_with_the_report(corpus_store):
    graph = str(graph_iri("load", "api-write-probe"))
    before = set(corpus_store.graph_names())
    with live_server(corpus_store, settings(token=TOKEN)) as base:
        auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
        # An item with no 设定依据 and a related item that exists nowhere: violations.
        r = httpx.put(f"{base}/rdf-graphs", params={"graph": graph}, headers=auth,
                      content=_item_turtle("API-PROBE-1", related="NOWHERE-1").encode())
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["report"]["violations"] >= 1
        assert set(corpus_store.graph_names()) == before  # rolled back
        # The same through SPARQL Update.
        u = httpx.post(f"{base}/sparql", data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ {_item_turtle('API-PROBE-2')} }} }}"},
                       headers={"Authorization": f"Bearer {TOKEN}"})
        assert u.status_code == 422 and set(corpus_store.graph_names()) == before


def test_a_write_is_judged_by_the_violations_it_brings():
    """A graph committed with violations (``quanze load --accept-violations``) can still be edited
    through the API; only a write that adds a violation is rejected, and its report lists that one."""
    import pyoxigraph as ox

    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    graph = str(graph_iri("load", "accepted-with-violations"))
    # What --accept-violations leaves: an item with no 设定依据 and a related item that exists nowhere.
    store.write({graph: {q.triple for q in ox.parse(_item_turtle("OLD-1", related="NOWHERE-1"), format=ox.RdfFormat.TURTLE)}})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with live_server(store, settings(token=TOKEN)) as base:
        renamed = _item_turtle("OLD-1", related="NOWHERE-1").replace("示例审批", "示例审批（改名）")
        r = httpx.put(f"{base}/rdf-graphs", params={"graph": graph}, content=renamed.encode(),
                      headers=auth | {"Content-Type": "text/turtle"})
        assert r.status_code in (200, 204), r.text
        assert any("改名" in str(t.object) for t in store.graph_triples(graph))
        u = httpx.post(f"{base}/sparql", headers=auth, data={"update": (
            f"DELETE DATA {{ GRAPH <{graph}> {{ <{ITEM}OLD-1> <{QZ}name> \"示例审批（改名）\" }} }} ;"
            f"INSERT DATA {{ GRAPH <{graph}> {{ <{ITEM}OLD-1> <{QZ}name> \"示例审批\" }} }}")})
        assert u.status_code == 204, u.text
        # A second item with violations of its own is refused; the report names it, not the old one.
        before = store.graph_triples(graph)
        r = httpx.post(f"{base}/rdf-graphs", params={"graph": graph}, content=_item_turtle("NEW-1").encode(),
                       headers=auth | {"Content-Type": "text/turtle"})
        assert r.status_code == 422, r.text
        report = r.json()["report"]
        assert report["violations"] >= 1 and report["pre_existing"] >= 1
        assert {f["focus"] for f in report["results"]} == {f"{ITEM}NEW-1"}
        assert store.graph_triples(graph) == before


def test_protocol_writes_cannot_change_what_the_loaders_keep():
    """The corpus, reference data, a recorded list, its report and the catalog are written by
    Quanze's loaders, which record them: a Graph Store or SPARQL Update write to one is refused
    (409, naming it) and changes nothing, even as part of DROP ALL; a graph without a record
    (a write by hand) stays writable."""
    from quanze.catalog import CATALOG_GRAPH, loads
    from quanze.lists import load_list
    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    load_list(store, Path(__file__).parent / "fixtures" / "ui" / "validation-mini.csv", name="kept")
    recorded = [r.graph for r in loads(store)]
    assert str(graph_iri("load", "kept")) in recorded and len(recorded) > 2

    def state() -> dict[str, int]:
        return {g: len(store.graph_triples(g)) for g in store.graph_names()}

    before = state()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with live_server(store, settings(token=TOKEN)) as base:
        for graph in (*recorded, CATALOG_GRAPH):
            r = httpx.delete(f"{base}/rdf-graphs", params={"graph": graph}, headers=auth)
            assert r.status_code == 409 and r.json()["graphs"] == [graph], r.text
            assert "quanze load" in r.json()["message"]
        u = httpx.post(f"{base}/sparql", headers=auth, data={"update": f"DROP GRAPH <{CATALOG_GRAPH}>"})
        assert u.status_code == 409, u.text
        u = httpx.post(f"{base}/sparql", headers=auth, data={"update": "DROP ALL"})
        assert u.status_code == 409 and set(u.json()["graphs"]) >= set(recorded), u.text
        # glued, as Oxigraph reads them: which graphs they write cannot be told — refused outright
        for glued in ("DROPALL", f"PREFIX c: <{CATALOG_GRAPH}> CLEARGRAPHc:",
                      f"INSERTDATA {{ GRAPH <{CATALOG_GRAPH}> {{ <urn:x:s> <urn:x:p> 1 }} }}",
                      f"DELETEWHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?s ?p ?o }} }}"):
            u = httpx.post(f"{base}/sparql", headers=auth, data={"update": glued})
            assert u.status_code == 400 and "glued" in u.text, (glued, u.text)
        assert state() == before
        # read by an update that writes elsewhere, a loader's graph is no obstacle
        copy = str(graph_iri("load", "copied-by-hand"))
        u = httpx.post(f"{base}/sparql", headers=auth, data={"update": (
            f"INSERT {{ GRAPH <{copy}> {{ ?s <urn:x:copied> ?o }} }} WHERE {{ GRAPH <{recorded[-1]}> {{ ?s ?p ?o }} }}")})
        assert u.status_code == 204, u.text
        assert store.graph_triples(copy)
        store.write({}, drops=[copy])
        # a graph written by hand is no loader's: writable as before
        hand = str(graph_iri("load", "by-hand"))
        r = httpx.put(f"{base}/rdf-graphs", params={"graph": hand}, headers=auth | {"Content-Type": "text/turtle"},
                      content=b"<urn:x:a> <urn:x:b> <urn:x:c> .")
        assert r.status_code == 201, r.text
        assert httpx.delete(f"{base}/rdf-graphs", params={"graph": hand}, headers=auth).status_code == 200
    assert state() == before


def test_a_variable_graph_update_copies_only_the_graphs_its_where_binds(corpus_store, monkeypatch):
    """``DELETE { GRAPH ?g … } WHERE { GRAPH ?g … }`` used to copy every graph — the corpus's
    1.15 M triples included — to find what it changed. The graphs its WHERE binds are read
    first, on the dataset the update's WHERE sees (the store's own default graph, not the union
    queries read), and only they are copied; a kept graph among them is still refused."""
    from quanze.catalog import CATALOG_GRAPH
    from quanze.laws import LAWS_GRAPH

    hand = str(graph_iri("load", "linked-by-hand"))
    link = "<urn:x:a> <urn:x:link> <urn:x:b>"
    corpus_store.update(f"INSERT DATA {{ GRAPH <{hand}> {{ {link} }} }}")
    copied: list[str] = []
    reads = corpus_store.graph_triples
    monkeypatch.setattr(corpus_store, "graph_triples", lambda g: copied.append(g) or reads(g))
    sizes = {g: len(reads(g)) for g in corpus_store.graph_names() if g != hand}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with live_server(corpus_store, settings(token=TOKEN)) as base:
            u = httpx.post(f"{base}/sparql", headers=auth, data={"update": (
                "DELETE { GRAPH ?g { ?s <urn:x:link> ?o } } WHERE { GRAPH ?g { ?s <urn:x:link> ?o } }")})
            assert u.status_code == 204, u.text
            assert not reads(hand)
            assert hand in copied and LAWS_GRAPH not in copied and CATALOG_GRAPH not in copied
            copied.clear()  # a variable graph in an update that does not parse: 400, nothing copied
            u = httpx.post(f"{base}/sparql", headers=auth, data={"update": "DELETE WHERE { GRAPH ?g { ?s ?p ?o }"})
            assert u.status_code == 400 and "syntax error" in u.text and copied == [], u.text
            # NOT EXISTS over the update's own default graph (empty) binds the catalog: the write
            # would change it, so it is refused. Read over the union, it would bind nothing, and
            # the catalog would have been written unchecked.
            u = httpx.post(f"{base}/sparql", headers=auth, data={"update": (
                f"INSERT {{ GRAPH ?g {{ ?s <urn:x:seen> true }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ ?s ?p ?o }} FILTER(?g = <{CATALOG_GRAPH}>) }}")})
            assert u.status_code == 409 and u.json()["graphs"] == [CATALOG_GRAPH], u.text
            assert {g: len(reads(g)) for g in corpus_store.graph_names() if g != hand} == sizes
    finally:
        corpus_store.write({}, drops=[hand])


def test_an_update_writing_the_corpus_is_refused_before_anything_is_copied(corpus_store, monkeypatch):
    """An integrator's audit: INSERT DATA into the corpus graph answered 409 after 19 minutes and
    6 GB — its 1.15 M triples were copied to compare, the write made, then undone — and readers
    saw the refused triple meanwhile. A graph the loaders keep, named where an update writes, is
    now refused first: nothing copied, nothing written. Read in a WHERE, it is no obstacle."""
    from quanze.laws import LAWS_GRAPH

    copied: list[str] = []
    reads = corpus_store.graph_triples
    monkeypatch.setattr(corpus_store, "graph_triples", lambda g: copied.append(g) or reads(g))
    size = len(corpus_store._store)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with live_server(corpus_store, settings(token=TOKEN)) as base:
        for text in (f"INSERT DATA {{ GRAPH <{LAWS_GRAPH}> {{ <urn:x:s> <urn:x:p> \"x\" }} }}",
                     f"PREFIX l: <{LAWS_GRAPH.rsplit('/', 1)[0]}/> DELETE {{ GRAPH l:laws {{ ?s ?p ?o }} }} "
                     "WHERE { GRAPH l:laws { ?s ?p ?o } FILTER(false) }",
                     f"WITH <{LAWS_GRAPH}> INSERT {{ <urn:x:s> <urn:x:p> 1 }} WHERE {{}}",
                     f"COPY <urn:x:none> TO <{LAWS_GRAPH}>"):
            copied.clear()
            u = httpx.post(f"{base}/sparql", headers=auth, data={"update": text})
            assert u.status_code == 409 and u.json()["graphs"] == [LAWS_GRAPH], (text, u.text)
            assert copied == [], text
        assert len(corpus_store._store) == size


def test_deleting_a_graph_is_judged_by_what_points_into_it():
    """A Graph Store DELETE of a graph written by hand is validated on the nodes left pointing
    at what it removes: an action on an item that would exist nowhere is a new violation (422,
    rolled back); with nothing pointing at the item, the delete goes through."""
    import pyoxigraph as ox

    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    items, acts = str(graph_iri("load", "hand-items")), str(graph_iri("load", "hand-actions"))
    action = (f"<https://w3id.org/quanze/id/action/HAND-1/cancel> a <{QZ}DevolutionAction> ; <{QZ}onItem> <{ITEM}HAND-1> ;"
              f" <{QZ}actionType> <https://w3id.org/quanze/id/action-type/cancel> .\n")
    for graph, text in ((items, _item_turtle("HAND-1")), (acts, action)):
        store.write({graph: {q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)}})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with live_server(store, settings(token=TOKEN)) as base:
        before = store.graph_triples(items)
        r = httpx.delete(f"{base}/rdf-graphs", params={"graph": items}, headers=auth)
        assert r.status_code == 422, r.text
        assert {f["focus"] for f in r.json()["report"]["results"]} == {"https://w3id.org/quanze/id/action/HAND-1/cancel"}
        assert store.graph_triples(items) == before
        assert httpx.delete(f"{base}/rdf-graphs", params={"graph": acts}, headers=auth).status_code == 200
        assert httpx.delete(f"{base}/rdf-graphs", params={"graph": items}, headers=auth).status_code == 200


def test_no_reading_of_an_update_writes_a_kept_graph_unchecked():
    """Regressions from a review of the scoped updates: each of these changed a kept graph (or
    wrote where nothing validates) and answered 204.
    - RAND() chose a kept graph in the update and another in the SELECT read before it;
    - a base's dot segments (kept by Oxigraph, dropped by urljoin) made USING name another graph;
    - a base's fragment (dropped by Oxigraph, kept by urljoin) made ``DROP GRAPH <>`` a kept graph;
    - ``FILTER(1<?z#> …``: the tokens saw an IRI and a string where Oxigraph reads "less than", a
      comment, and a whole DROP, LOAD or SERVICE the tokens never saw;
    - ``BIND(BNODE() AS ?g)`` wrote a graph named by a blank node, which nothing records or checks."""
    from quanze.catalog import loads
    from quanze.lists import load_list
    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    load_list(store, Path(__file__).parent / "fixtures" / "ui" / "validation-mini.csv", name="kept")
    kept = str(graph_iri("load", "kept"))
    assert kept in {r.graph for r in loads(store)}
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def state() -> tuple[dict[str, int], int]:
        return {g: len(store.graph_triples(g)) for g in store.graph_names()}, len(store._store)

    before = state()
    dotted = "https://example.org/a/b/../c/x"
    store.update(f"INSERT DATA {{ GRAPH <{dotted}> {{ <urn:s> <urn:p> <{kept}> }} }}")
    with live_server(store, settings(token=TOKEN)) as base:
        def update(text: str) -> httpx.Response:
            return httpx.post(f"{base}/sparql", headers=auth, data={"update": text})

        for _ in range(20):
            r = update(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ BIND(IF(RAND() < 0.5, <{kept}>, <urn:x:none>) "
                       "AS ?g) GRAPH ?g { ?s ?p ?o } }")
            assert r.status_code in (204, 409), r.text
        r = update(f"BASE <https://example.org/a/b/../c/> DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} USING <x> "
                   f"USING NAMED <{kept}> WHERE {{ <urn:s> <urn:p> ?g . GRAPH ?g {{ ?s ?p ?o }} }}")
        assert r.status_code == 409 and r.json()["graphs"] == [kept], r.text
        for text in (f"BASE <{kept}#x> DROP GRAPH <>", f"BASE <{kept}#x> DELETE WHERE {{ GRAPH <> {{ ?s ?p ?o }} }}"):
            r = update(text)
            assert r.status_code == 409 and r.json()["graphs"] == [kept], (text, r.text)
        hidden = ('INSERT { GRAPH <urn:x:free> { <urn:a> <urn:b> <urn:c> } } WHERE { FILTER(1<?z#> """\n ) } ;\n'
                  '{op} # """ }')
        r = update(hidden.replace("{op}", f"DROP GRAPH <{kept}>"))  # refused (its IRI says load) or rolled back
        assert r.status_code in (400, 409), r.text
        r = update(hidden.replace("{op}", "DROP GRAPH <https://w3id.org/quanze/id/graph/catalog>"))
        assert r.status_code == 409 and r.json()["graphs"] == ["https://w3id.org/quanze/id/graph/catalog"], r.text
        r = update(hidden.replace("{op}", "LOAD <http://127.0.0.1:9/doc.ttl> INTO GRAPH <urn:x:loaded>"))
        assert r.status_code == 400 and "comparison" in r.text, r.text
        q = httpx.get(f"{base}/sparql", params={"query": 'SELECT * WHERE { FILTER(1<?z#> """\n) SERVICE '
                                                          '<http://127.0.0.1:9/sparql> { ?s ?p ?o } # """ }'})
        assert q.status_code == 400 and "comparison" in q.text, q.text
        r = update("INSERT { GRAPH ?g { <urn:a> <urn:b> <urn:c> } } WHERE { BIND(BNODE() AS ?g) }")
        assert r.status_code == 400 and "blank node" in r.text, r.text
    store.write({}, drops=[dotted])
    assert state() == before
