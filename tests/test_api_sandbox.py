"""``/sparql`` queries of the on-disk store run in worker processes killed at the time limit
(api.sandbox): a runaway query frees its slot, CPU and memory when its time is up."""

from __future__ import annotations

import threading

import httpx
import pyoxigraph as ox
import pytest

from quanze.store import EmbeddedStore

from .api_live import EX, G1, TOKEN, live_server, settings

# Three-way cross product of a few thousand triples: hours of counting, no row to stream.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Sorting a cross product: the solutions are held in memory before the first row.
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture
def disk_store(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.write({G1: {ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
                      for i in range(3000)}})
    yield store
    store.close()


def ask(client: httpx.Client, base: str) -> httpx.Response:
    return client.get(base + "/sparql", params={"query": f"ASK {{ <{EX}s1> ?p ?o }}"},
                      headers={"Accept": "application/sparql-results+json"})


def test_runaway_queries_free_their_slots_at_the_time_limit(disk_store, tmp_path):
    with live_server(disk_store, settings(query_timeout=2.0, store=str(tmp_path / "store"))) as base, \
            httpx.Client(timeout=60) as client:
        slots = 4
        codes: list[int] = []

        def runaway() -> None:
            codes.append(client.get(base + "/sparql", params={"query": RUNAWAY}).status_code)

        threads = [threading.Thread(target=runaway) for _ in range(slots)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert codes == [503] * slots
        # In a thread the four would still be running and every query would be 503 "busy".
        assert ask(client, base).json()["boolean"] is True
        assert client.get(base + "/health").status_code == 200


def test_a_query_past_the_memory_cap_is_503_and_the_next_one_runs(disk_store, tmp_path):
    cfg = settings(query_timeout=60.0, store=str(tmp_path / "store"), query_memory_mb=700)
    with live_server(disk_store, cfg) as base, httpx.Client(timeout=90) as client:
        r = client.get(base + "/sparql", params={"query": GREEDY})
        assert r.status_code == 503 and "QUANZE_QUERY_MEMORY_MB" in r.text
        after = ask(client, base)
        assert after.status_code == 200, after.text
        assert after.json()["boolean"] is True


def test_the_memory_cap_is_counted_above_the_opened_store(disk_store, tmp_path):
    # Regression (CI, stop 15): the cap once covered the whole worker, and RocksDB alone reserves
    # 400–600 MiB of address space, so a small cap refused even a one-triple ASK.
    cfg = settings(store=str(tmp_path / "store"), query_memory_mb=64)
    with live_server(disk_store, cfg) as base, httpx.Client(timeout=30) as client:
        for _ in range(3):
            r = ask(client, base)
            assert r.status_code == 200, r.text
            assert r.json()["boolean"] is True


def test_workers_see_writes_made_through_the_server(disk_store, tmp_path):
    with live_server(disk_store, settings(token=TOKEN, store=str(tmp_path / "store"))) as base, \
            httpx.Client(timeout=30) as client:
        new = f"{EX}written"
        query = {"query": f"ASK {{ <{new}> ?p ?o }}"}
        accept = {"Accept": "application/sparql-results+json"}
        assert client.get(base + "/sparql", params=query, headers=accept).json()["boolean"] is False
        r = client.post(base + "/sparql", content=f'INSERT DATA {{ GRAPH <{G1}> {{ <{new}> <{EX}p> "1" }} }}',
                        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 204, r.text
        assert client.get(base + "/sparql", params=query, headers=accept).json()["boolean"] is True


@pytest.mark.parametrize("media", ["application/sparql-results+json", "text/csv"])
def test_row_cap_stops_reading_at_the_cap(disk_store, tmp_path, media):
    with live_server(disk_store, settings(max_rows=50, store=str(tmp_path / "store"))) as base, \
            httpx.Client(timeout=30) as client:
        r = client.get(base + "/sparql", params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"}, headers={"Accept": media})
        assert r.status_code == 200 and r.headers["x-quanze-truncated"] == "true"
        if media == "text/csv":
            assert len(r.text.strip().splitlines()) == 51  # the header and 50 rows
        else:
            assert len(r.json()["results"]["bindings"]) == 50


def test_a_graph_store_read_past_the_memory_cap_is_503_and_the_next_one_runs(tmp_path):
    # GET /rdf-graphs?default serialises the union of every graph (on a real store, the corpus:
    # ~1 GB and ~30 s as Turtle); it runs in a worker under the same caps as a /sparql CONSTRUCT.
    store = EmbeddedStore(tmp_path / "store")
    padding = "权" * 1500  # 4.5 kB in UTF-8: 25,000 triples make a body of ~110 MB
    store.write({G1: {ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"{i}{padding}"))
                      for i in range(25_000)}})
    cfg = settings(query_timeout=60.0, store=str(tmp_path / "store"), query_memory_mb=64)
    try:
        with live_server(store, cfg) as base, httpx.Client(timeout=90) as client:
            r = client.get(base + "/rdf-graphs", params={"default": ""}, headers={"Accept": "application/n-triples"})
            assert r.status_code == 503 and "QUANZE_QUERY_MEMORY_MB" in r.text, r.text[:200]
            one = client.get(base + "/sparql", params={"query": f"ASK {{ <{EX}s1> ?p ?o }}"},
                             headers={"Accept": "application/sparql-results+json"})
            assert one.status_code == 200 and one.json()["boolean"] is True
    finally:
        store.close()
