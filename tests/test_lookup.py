"""quanze.lookup: what the pages say of a node is the latest word of the stored reports."""

from __future__ import annotations

import pytest

from quanze.lists import load_list, unload
from quanze.lookup import forget_cached, item_detail, stored_findings
from quanze.settings import ROOT
from quanze.validation import validate_pending

ITEMS = ROOT / "data" / "samples" / "shandong-provincial.csv"
ACTIONS = ROOT / "data" / "samples" / "shandong-adjustments.csv"
CANCELLED = "3701CG-XK-0001"  # a licence set by 济南's own rules, which the adjustments list cancels


@pytest.fixture()
def reported(corpus_store):
    """The sample lists loaded as `quanze load` loads them (validated, reports stored): the items
    first, with no adjustments in the store, then the adjustments. Restored afterwards."""
    kept = [g for g in corpus_store.graph_names() if "/load/" in g or "/report/" in g or g.endswith("/catalog")]
    before = {g: corpus_store.graph_triples(g) for g in kept}
    unload(corpus_store, ACTIONS.stem)
    load_list(corpus_store, ITEMS, validator=validate_pending, accept_violations=True)
    forget_cached(corpus_store)
    yield corpus_store
    now = [g for g in corpus_store.graph_names() if "/load/" in g or "/report/" in g]
    corpus_store.write(before, drops=[g for g in now if g not in before])
    forget_cached(corpus_store)


def _cancel_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["focus_code"] == CANCELLED and "取消" in (f["message"] or "")]


def test_a_later_load_supersedes_what_it_settles_and_unloading_it_brings_it_back(reported):
    store = reported
    # Loaded alone, the item list's report says the city licence has no 取消 recorded.
    assert _cancel_findings(item_detail(store, CANCELLED)["findings"])
    # The adjustments list records the 取消 and validates the item again: its report is the latest
    # word on the item, and the item list's finding is superseded on the item page and /validation.
    load_list(store, ACTIONS, validator=validate_pending, accept_violations=True)
    forget_cached(store)
    detail = item_detail(store, CANCELLED)
    assert not _cancel_findings(detail["findings"]) and detail["validation_report"] == ACTIONS.stem
    stale = _cancel_findings(stored_findings(store))
    assert stale and {f["superseded_by"] for f in stale} == {ACTIONS.stem}
    assert {f["report"] for f in stale} == {ITEMS.stem}
    # Rules go by their names, in Chinese and English, not the shapes' local names.
    assert all(not f["shape_name"].endswith("Shape") and f["shape_name_en"] for f in stale)
    # Findings no later load touched stay current.
    assert any(f["superseded_by"] is None and f["report"] == ITEMS.stem for f in stored_findings(store))
    # Unloaded, the adjustments take their word with them: the 取消 is missing again.
    unload(store, ACTIONS.stem)
    forget_cached(store)
    assert _cancel_findings(item_detail(store, CANCELLED)["findings"])
    assert all(f["superseded_by"] is None for f in _cancel_findings(stored_findings(store)))


def test_findings_on_nodes_no_longer_stored_are_no_ones_word(reported):
    """Unloading the item list leaves the adjustments report holding findings on items that are
    gone: they are not current any more."""
    store = reported
    load_list(store, ACTIONS, validator=validate_pending, accept_violations=True)
    unload(store, ITEMS.stem, force=True)
    forget_cached(store)
    found = stored_findings(store)
    on_items = [f for f in found if "/item/" in f["focus"]]
    assert on_items and all(f["gone"] for f in on_items)


def test_reports_are_ordered_by_instant_not_by_text():
    """Oxigraph answers 2026-01-01T10:00:00.120Z as …00.12Z: as text it sorts after …00.123Z."""
    from quanze.lookup import stored_reports
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    catalog, qz, prov = ("https://w3id.org/quanze/id/graph/catalog", "https://w3id.org/quanze/ns#",
                         "http://www.w3.org/ns/prov#")
    graphs = {}
    for name, time in (("early", "2026-01-01T10:00:00.120Z"), ("late", "2026-01-01T10:00:00.123Z"),
                       ("earliest", "2026-01-01T10:00:00+00:00")):
        report = f"https://w3id.org/quanze/id/graph/report/{name}"
        graphs[name] = report
        store.update(f"""INSERT DATA {{ GRAPH <{report}> {{ <{report}> a <http://www.w3.org/ns/shacl#ValidationReport> }}
            GRAPH <{catalog}> {{ <https://w3id.org/quanze/id/graph/load/{name}> <{qz}validationReport> <{report}> ;
                <{prov}generatedAtTime> "{time}"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }}""")
    assert [r["name"] for r in stored_reports(store)] == ["late", "early", "earliest"]


def test_an_adjustment_settles_the_chain_of_the_items_related_to_its_item(reported):
    """37JT-XK-0010 moves to 市级 by 窗口前移; its partner 37JT-XK-0009's 一链办理 finding is settled,
    as validating the store now says: the adjustments list validates the chains it moves."""
    from quanze.namespaces import item_iri
    from quanze.validation import validate

    store = reported
    assert [f for f in item_detail(store, "37JT-XK-0009")["findings"] if f["shape_name"] == "一链办理"]
    load_list(store, ACTIONS, validator=validate_pending, accept_violations=True)
    forget_cached(store)
    shown = {f["shape_name"] for f in item_detail(store, "37JT-XK-0009")["findings"]}
    assert shown == {f.shape_name for f in validate(store, [str(item_iri("37JT-XK-0009"))]).results}
    assert "一链办理" not in shown


def test_item_types_are_the_loaders_own_table():
    """The item types the search accepts and the pages name are the table the list loader types
    items by (quanze.lists.ITEM_TYPES), not a copy of it that could drift: a type a list may hold
    is one the search finds."""
    from quanze import lists, lookup
    from quanze.store import Iri

    assert lookup.ITEM_CLASSES is lists.ITEM_TYPES
    assert {cls: label for label, cls in lists.ITEM_TYPES.items()} == lookup.ITEM_TYPE_LABELS
    for label, cls in lists.ITEM_TYPES.items():
        assert lookup._search_bindings(label, None, None, None, None)["class"] == Iri(cls)


def test_every_query_file_is_named_by_the_code():
    """Each ``quanze/queries/*.rq`` is read by name (:func:`quanze.devolution.query_text`): a file
    that nothing names is dead and drifts from the vocabulary unnoticed (instrument_detail.rq was
    one). A test naming one counts: article_text.rq is read by tests/test_citation.py only."""
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("quanze", "api", "scripts", "tests")
                        for p in (ROOT / folder).rglob("*.py"))
    unnamed = [q.name for q in sorted((ROOT / "quanze" / "queries").glob("*.rq"))
               if f'"{q.stem}"' not in sources and f"'{q.stem}'" not in sources]
    assert unnamed == []


def test_the_api_literals_are_the_lookup_tables():
    """The OpenAPI parameters are written out as Literals; they must accept exactly what the
    lookups read (an integrator's audit: /items?level=city was 400 while --to city worked)."""
    from typing import get_args

    from api.routes.common import ItemType, LevelParam
    from quanze.lookup import ITEM_CLASSES, LEVEL_PARAMS

    assert set(get_args(LevelParam)) == set(LEVEL_PARAMS) and "city" in LEVEL_PARAMS
    assert list(get_args(ItemType)) == list(ITEM_CLASSES)
