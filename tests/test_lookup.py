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
    # Findings no later load touched stay current.
    assert any(f["superseded_by"] is None and f["report"] == ITEMS.stem for f in stored_findings(store))
    # Unloaded, the adjustments take their word with them: the 取消 is missing again.
    unload(store, ACTIONS.stem)
    forget_cached(store)
    assert _cancel_findings(item_detail(store, CANCELLED)["findings"])
    assert all(f["superseded_by"] is None for f in _cancel_findings(stored_findings(store)))
