"""Writes through the service (api/writes.py, the after-write check of api/deps.py, DELETE /loads):
what a write is validated on, the store's own default graph, and what an unload finds under the
write lock. Against a live uvicorn server on 127.0.0.1 over small in-memory stores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from quanze.store import EmbeddedStore, Store
from tests.api_live import EX, G1, SEED, TOKEN, live_server, seeded, settings
from tests.conftest import cancellation, write_mini_corpus

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TTL = {"Content-Type": "text/turtle; charset=utf-8"}
QZ = "https://w3id.org/quanze/ns#"
ITEM = "https://w3id.org/quanze/id/item/"
LEVEL = "https://w3id.org/quanze/id/level/"
NOTES = "https://example.org/notes"  # a graph no loader keeps: open to protocol writes

# 第二条 fixes the province; 37WR-XK-0001 is exercised there, 37WR-XK-0002 at county level (so it
# breaks 层级与法定依据不符 already: a finding no write here brings).
LAW = ("# 写入示例条例\n\n2020年1月1日 国务院公布\n\n<!-- INFO END -->\n\n第一条 为了示例，制定本条例。\n\n"
       "第二条 设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。\n")
UNIT = "https://w3id.org/quanze/id/law/写入示例条例/2020-01-01/art_2/par_1"
TEXT = "设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。"
ITEMS = ("事项编码,事项名称,事项类型,实施主体,行使层级,设定依据\n"
         "37WR-XK-0001,示例机构设立审批,行政许可,省示例局,省级,《写入示例条例》第二条\n"
         "37WR-XK-0002,示例机构设立审批（县）,行政许可,县示例局,县级,《写入示例条例》第二条\n")
LEVEL_BASIS = "https://w3id.org/quanze/shapes#LevelBasisShape"


@dataclass
class Api:
    base: str
    store: Store
    folder: Path

    def put(self, graph: str, body: str) -> httpx.Response:
        return httpx.put(self.base + "/rdf-graphs", params={"graph": graph}, content=body.encode(), headers={**TTL, **AUTH})

    def update(self, text: str) -> httpx.Response:
        return httpx.post(self.base + "/sparql", content=text.encode(),
                          headers={"Content-Type": "application/sparql-update", **AUTH})


def mini_store(folder: Path) -> EmbeddedStore:
    """Reference data, a one-law corpus and an item list of two items citing its 第二条."""
    from quanze.laws import import_corpus
    from quanze.lists import load_list
    from quanze.reference import init

    store = EmbeddedStore(None)
    init(store)
    import_corpus(store, write_mini_corpus(folder / "laws", LAW, "写入示例条例"))
    (folder / "items.csv").write_text(ITEMS, encoding="utf-8")
    load_list(store, folder / "items.csv")
    return store


@pytest.fixture
def mini(tmp_path) -> Iterator[Api]:
    store = mini_store(tmp_path)
    with live_server(store, settings(token=TOKEN)) as base:
        yield Api(base, store, tmp_path)
    store.close()


def state(store: Store) -> dict[str, set[ox.Triple]]:
    return {g: store.graph_triples(g) for g in store.graph_names()}


def review(level: str, by: str | None = "甲", name: str = "by-hand") -> str:
    """A 层级校核 of 第二条 as Turtle, as a review list's row would make it (reviewer optional)."""
    node = f"{UNIT}/review_{name}"
    signed = f' ; <http://purl.org/dc/terms/creator> "{by}"' if by else ""
    return (f"<{UNIT}> <{QZ}levelReview> <{node}> .\n"
            f"<{node}> a <{QZ}LevelReview> ; <{QZ}reviewedText> \"{TEXT}\" ; <{QZ}level> <{LEVEL}{level}>{signed} .\n")


def default_graph(store: EmbeddedStore) -> set[ox.Triple]:
    """The store's own default graph (the Store interface reads named graphs only)."""
    return {q.triple for q in store._store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def blocking(store: Store) -> dict[str, str]:
    from quanze.devolution import blockers
    from quanze.lookup import forget_cached

    forget_cached(store)
    return {a["code"]: a["status"] for a in blockers(store, "县级", all_items=True)}


# --- bug 1: a write is validated on every node it touches that the shapes target ------------------

def test_an_unsigned_level_review_is_refused(mini):
    """Regression: a Graph Store PUT of a 层级校核 with no reviewer answered 201 — the check after a
    write looked at item/ and action/ nodes only — and /devolution then read the paragraph as the
    review says. The review is validated as a review list's load validates it: 422, undone."""
    before, answers = state(mini.store), blocking(mini.store)
    r = mini.put(NOTES, review("county", by=None))
    assert r.status_code == 422, r.text
    results = r.json()["report"]["results"]
    assert {(f["focus"], f["shape"]) for f in results} == {
        (f"{UNIT}/review_by-hand", "https://w3id.org/quanze/shapes#LevelReviewByShape")}
    assert state(mini.store) == before and blocking(mini.store) == answers
    # the same through SPARQL Update
    u = mini.update(f"INSERT DATA {{ GRAPH <{NOTES}> {{ {review('county', by=None)} }} }}")
    assert u.status_code == 422 and state(mini.store) == before, u.text


def test_a_review_answers_for_the_items_relying_on_its_paragraph(mini):
    """A signed review reading 第二条 as 国家级 makes the 省级 item break 层级与法定依据不符: the items
    relying on the paragraph are validated with it (relying_items.rq, as for a review list), and
    only for what the review causes — read as 市级, the county item's old finding is no new one."""
    before = state(mini.store)
    worse = mini.put(NOTES, review("national"))
    assert worse.status_code == 422, worse.text
    assert {(f["focus"], f["shape"]) for f in worse.json()["report"]["results"]} == {(f"{ITEM}37WR-XK-0001", LEVEL_BASIS)}
    assert state(mini.store) == before
    fine = mini.put(NOTES, review("municipal"))
    assert fine.status_code == 201, fine.text
    # removing the review is validated too: the county item's reading changes back
    assert httpx.delete(mini.base + "/rdf-graphs", params={"graph": NOTES}, headers=AUTH).status_code == 200


def test_a_write_is_validated_on_what_a_list_load_is(tmp_path):
    """The focus of a write holding what a list's load holds covers the load's own focus
    (quanze.lists.load_list): the reviews and the items relying on their paragraphs; the actions,
    their items and those items' related items."""
    from api.deps import write_focus
    from quanze.lists import load_list, unload

    store = mini_store(tmp_path)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("条文,层级,依据短语,校核人,校核日期,说明\n《写入示例条例》第二条,市级,,甲,,\n", encoding="utf-8")
    actions = tmp_path / "actions.csv"
    actions.write_text(cancellation("37WR-XK-0001"), encoding="utf-8")
    for path in (reviews, actions):
        loaded = load_list(store, path)
        held = store.graph_triples(loaded.graph)
        assert unload(store, path.stem)
        store.write({NOTES: held})
        assert set(loaded.focus) <= set(write_focus(store, [NOTES], {})), path.name
        assert set(loaded.focus) <= set(write_focus(store, [NOTES], {NOTES: set()})), path.name
        store.write({}, drops=[NOTES])
    store.close()


# --- bug 2: the store's own default graph is not written ----------------------------------------

@pytest.mark.parametrize("text", [
    f'INSERT DATA {{ <{ITEM}X-1> a <{QZ}AdministrativeLicence> ; <{QZ}code> "X-1" }}',
    # with a named graph in the same request: both are put back
    f'INSERT DATA {{ <{EX}a> <{EX}name> "默认" . GRAPH <{G1}> {{ <{EX}a> <{EX}name> "命名" }} }}',
    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}",
])
@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_an_update_writing_the_default_graph_is_refused_and_undone(tmp_path, backend, text):
    """Regression: an update without GRAPH wrote the store's own default graph — answered 204,
    unvalidated, read by /sparql and export, in no graph list, and nothing could remove it. It is
    400, naming the reason and what to write instead, and undone."""
    store = seeded(EmbeddedStore(None if backend == "memory" else tmp_path / "store"))
    before = state(store)
    with live_server(store, settings(token=TOKEN)) as base:
        r = httpx.post(base + "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update",
                                                                           "Accept": "application/json", **AUTH})
        assert r.status_code == 400, r.text
        message = r.json()["message"]
        assert "默认图" in message and "default graph" in message and "GRAPH <" in message and "?graph=" in message
    assert default_graph(store) == set() and state(store) == before
    assert b"X-1" not in store.export() and "默认" not in store.export().decode()
    store.close()


def test_an_update_may_clear_what_the_default_graph_holds():
    """What an earlier write left in the default graph can be removed (the only way the service
    has to), and a write of named graphs beside a default graph that holds something is no write
    of it."""
    store = seeded()
    stray = ox.Triple(ox.NamedNode(f"{ITEM}X-1"), ox.NamedNode(f"{QZ}code"), ox.Literal("X-1"))
    store.update(f"INSERT DATA {{ {stray} }}")  # as the service did before it refused this
    with live_server(store, settings(token=TOKEN)) as base:
        def update(text: str) -> httpx.Response:
            return httpx.post(base + "/sparql", content=text.encode(),
                              headers={"Content-Type": "application/sparql-update", **AUTH})

        assert update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{EX}d> <{EX}name> "丁" }} }}').status_code == 204
        assert default_graph(store) == {stray}
        assert update(f'INSERT DATA {{ <{EX}d> <{EX}name> "戊" }}').status_code == 400
        assert default_graph(store) == {stray}  # put back as it was, stray and all
        assert update("CLEAR DEFAULT").status_code == 204
    assert default_graph(store) == set() and store.graph_triples(G1) == SEED[G1] | {
        ox.Triple(ox.NamedNode(f"{EX}d"), ox.NamedNode(f"{EX}name"), ox.Literal("丁"))}
    store.close()


# --- bug 3: DELETE /loads finds the loads left pointing under the write lock ----------------------

def test_delete_loads_answers_for_what_it_did_when_a_load_lands_just_before(tmp_path, monkeypatch):
    """Regression: DELETE /loads?force=true found the loads left pointing at the removed items (and
    their reports) before taking the write lock, and ``unload`` found them again under it. A load
    landing in between was acted on (its report renewed) but missing from ``left_pointing`` and
    ``renewed_reports`` and from the graphs the write may change. Modelled here: when the lookup
    runs while the lock is free, another client's upload (POST /loads) lands right after it."""
    import api.routes.loads as routes
    from api import writes
    from quanze.lists import load_list

    store = mini_store(tmp_path)
    first = tmp_path / "cancel-a.csv"
    first.write_text(cancellation("37WR-XK-0001"), encoding="utf-8")
    load_list(store, first, validator=routes._validator())
    real = routes.dependents
    raced: list[bool] = []

    def dependents_then_a_load(s: Store, name: str) -> dict[str, int]:
        found = real(s, name)
        raced.append(not writes._lock.locked())
        if raced[-1]:  # the lock is free: an upload may take it now
            routes.store_upload(s, "cancel-b.csv", cancellation("37WR-XK-0001").encode(), None, None, False, False)
        return found

    monkeypatch.setattr(routes, "dependents", dependents_then_a_load)
    with live_server(store, settings(token=TOKEN)) as base:
        r = httpx.delete(base + "/loads/items", params={"force": "true"}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert raced == [False]
    pointing = {str(row["g"]).rsplit("/", 1)[-1] for row in store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a <{QZ}onItem> ?i }} FILTER NOT EXISTS {{ ?i a ?t }} }}")}
    assert r.json()["left_pointing"] == {"cancel-a": 1} and pointing == {"cancel-a"}
    assert r.json()["renewed_reports"] == ["cancel-a"]
    store.close()


def test_delete_loads_is_quanze_unload_whatever_the_store_is_left_with(tmp_path):
    """Taking out a review list brings the extractor's reading back, and with it the county item's
    层级与法定依据不符 the review had settled: that is what unloading it means, and ``quanze unload``
    does it. DELETE /loads does too (200), not judged again as a protocol write would be (422)."""
    from quanze.lists import load_list
    from quanze.validation import validate

    store = mini_store(tmp_path)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("条文,层级,依据短语,校核人,校核日期,说明\n《写入示例条例》第二条,县级,,甲,,\n", encoding="utf-8")
    load_list(store, reviews)
    county = f"{ITEM}37WR-XK-0002"
    assert LEVEL_BASIS not in {f.shape for f in validate(store, [county]).results}
    with live_server(store, settings(token=TOKEN)) as base:
        r = httpx.delete(base + "/loads/reviews", headers=AUTH)
    assert r.status_code == 200, r.text
    assert LEVEL_BASIS in {f.shape for f in validate(store, [county]).results}
    store.close()
