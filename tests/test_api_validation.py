"""Writes through the HTTP API pass the same validation as `quanze load` (issue: HTTP, item 3)."""

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
