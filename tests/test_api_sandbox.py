"""``/sparql`` queries of the on-disk store run in worker processes killed at the time limit
(api.sandbox): a runaway query frees its slot, CPU and memory when its time is up."""

from __future__ import annotations

import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from api.errors import ApiError
from api.sandbox import Job, QueryProcesses
from api.security import QueryRunner
from quanze.store import EmbeddedStore

from .api_live import EX, G1, TOKEN, live_server, settings

# Three-way cross product of a few thousand triples: hours of counting, no row to stream.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Sorting a cross product: the solutions are held in memory before the first row.
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
# An ASK whose cost does not depend on the data: 64 million rows of VALUES, which Oxigraph
# evaluates (for a minute or so) as it parses, however empty the store.
_NUMBERS = " ".join(str(i) for i in range(400))
DATALESS_ASK = (f"ASK {{ VALUES ?a {{ {_NUMBERS} }} VALUES ?b {{ {_NUMBERS} }} VALUES ?c {{ {_NUMBERS} }} "
                "FILTER(?a + ?b + ?c < 0) }")
# Some seconds of counting (a two-way cross product of the 3000 triples, three times over), then an answer.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?x { 1 2 3 } }"


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


def test_an_ask_of_values_alone_runs_in_the_worker_and_frees_its_slot(disk_store, tmp_path):
    # Regression: the query form was told by running the query on an empty store in the server's
    # thread; Oxigraph evaluates an ASK as it parses it, so this one ran there, past the time
    # limit and out of reach of the worker's kill, holding its slot until it was done: with
    # every slot so held, every route answered 503 "busy" for minutes.
    runner = QueryRunner(3.0, max_concurrent=1, slot_wait=0)
    cfg = settings(query_timeout=3.0, store=str(tmp_path / "store"))
    with live_server(disk_store, cfg, runner=runner) as base, httpx.Client(timeout=120) as client:
        start = time.monotonic()
        r = client.post(base + "/sparql", data={"query": DATALESS_ASK})
        assert r.status_code == 503, r.text
        assert time.monotonic() - start < 10  # the time limit, not the backstop or the evaluation
        # the only slot is free again (a route that needs no worker: starting one may take seconds here)
        after = client.get(base + "/items", params={"size": 1})
        assert after.status_code == 200, after.text


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


def test_close_ends_a_worker_busy_with_a_query(disk_store):
    # Regression: close() killed only the idle workers; one busy at shutdown went back to the idle
    # list when its query ended, and lived on with the store open.
    processes = QueryProcesses(disk_store, 0)
    job = Job(0, SLOW, "application/sparql-results+json", [], [], 10, True)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(processes.run(job, 60))
        except Exception as exc:  # noqa: BLE001 -- what run() raised is the outcome looked at
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.5)  # the worker is busy with the query
    processes.close()
    thread.join(60)
    assert not thread.is_alive()
    assert [w.process.pid for w in processes._idle if w.alive()] == []
    assert isinstance(outcome[0], ApiError) and outcome[0].status == 503, outcome
    with pytest.raises(ApiError, match="shutting down"):
        processes.run(job, 10)  # and no new worker starts after close()
