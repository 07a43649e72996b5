"""Accept parsing and content negotiation: q-values, wildcards, aliases, 406 (also over HTTP)."""

from __future__ import annotations

import httpx
import pytest

from quanze.store.formats import (
    RDF_FORMATS,
    RESULT_FORMATS,
    best_media_type,
    parse_accept_ranges,
)
from tests.api_live import EX, live_server, seeded

RESULTS = list(RESULT_FORMATS)  # json, xml, csv, tsv
GRAPHS = list(RDF_FORMATS)  # turtle, n-triples, json-ld, rdf+xml
JSON, XML, CSV, TSV = RESULTS


def test_parse_accept_ranges_keeps_the_clients_order():
    ranges = parse_accept_ranges("text/csv;q=0.5, application/sparql-results+xml, text/*;q=0.8, */*;q=0.1")
    assert ranges == [(CSV, 0.5, 0), (XML, 1.0, 1), ("text/*", 0.8, 2), ("*/*", 0.1, 3)]


def test_parse_accept_ranges_defaults_and_oddities():
    assert parse_accept_ranges(None) == [("*/*", 1.0, 0)]
    assert parse_accept_ranges("") == [("*/*", 1.0, 0)]
    assert parse_accept_ranges("TEXT/CSV ; Q=0.7") == [(CSV, 0.7, 0)]  # case-insensitive
    assert parse_accept_ranges("text/csv;q=2") == [(CSV, 1.0, 0)]  # clamped
    assert parse_accept_ranges("text/csv;q=zero") == [(CSV, 0.0, 0)]  # unreadable q → refused
    assert best_media_type("text/csv;q=zero", RESULTS) is None
    assert best_media_type("TEXT/CSV ; Q=0.7", RESULTS) == CSV


def test_aliases_map_to_canonical_types():
    assert parse_accept_ranges("application/json, application/xml, application/x-turtle") == [
        (JSON, 1.0, 0), (XML, 1.0, 1), ("text/turtle", 1.0, 2)]
    assert best_media_type("application/json", RESULTS) == JSON
    assert best_media_type("text/plain", GRAPHS) == "application/n-triples"
    assert best_media_type("application/x-turtle", GRAPHS) == "text/turtle"


def test_parse_accept_ranges_keeps_refusals_and_drops_malformed():
    assert parse_accept_ranges("text/csv;q=0, bogus, */json, text/tab-separated-values;charset=utf-8;q=0.4") == [
        (CSV, 0.0, 0), (TSV, 0.4, 3)]


@pytest.mark.parametrize("accept, expected", [
    (None, JSON),  # no Accept → the server's first choice
    ("*/*", JSON),
    ("text/*", CSV),  # wildcard subtype → first offered text type
    ("text/csv", CSV),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", XML),
    ("application/sparql-results+xml;q=0.2, text/tab-separated-values;q=0.3", TSV),
    ("text/csv, application/sparql-results+json", CSV),  # equal q → the client's order
    ("*/*, text/csv", CSV),  # equal q → the exactly named type beats the wildcard
    ("*/*;q=0.1, text/tab-separated-values", TSV),
    ("image/png, text/csv;q=0.01", CSV),
    ("application/sparql-results+json,application/json,text/javascript,application/javascript", JSON),  # SPARQLWrapper
    ("image/png", None),
    ("text/turtle", None),
    ("text/csv;q=0", None),
    ("text/*;q=0.9, text/csv;q=0", TSV),  # the refused CSV is not chosen through text/*
    ("text/csv;q=0, text/*;q=0.9", TSV),  # whatever the order
    ("*/*;q=0.5, text/csv;q=0, text/tab-separated-values;q=0", JSON),
])
def test_best_media_type_for_results(accept, expected):
    assert best_media_type(accept, RESULTS) == expected


@pytest.mark.parametrize("accept, expected", [
    (None, "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/turtle,text/turtle", "text/turtle"),  # SPARQLWrapper's Turtle
    ("application/ld+json;q=0.9, text/turtle;q=0.8", "application/ld+json"),
    ("application/*", "application/n-triples"),
    ("application/sparql-results+json", None),
])
def test_best_media_type_for_graphs(accept, expected):
    assert best_media_type(accept, GRAPHS) == expected


def test_most_specific_range_wins_rfc9110():
    # */* would allow JSON, but the specific refusal of JSON takes precedence
    assert best_media_type("*/*, application/sparql-results+json;q=0", RESULTS) == XML
    # text/* says 0.9 but text/csv itself only 0.2: TSV (0.9) beats JSON (0.5) and CSV (0.2)
    assert best_media_type("text/*;q=0.9, text/csv;q=0.2, application/sparql-results+json;q=0.5", RESULTS) == TSV
    assert best_media_type("text/*;q=0, */*", RESULTS) == JSON


# --- over HTTP ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base():
    with live_server(seeded()) as url:
        yield url


SELECT = f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ ?s <{EX}name> ?n }}"


@pytest.mark.parametrize("query, accept, expected", [
    (SELECT, "application/sparql-results+xml;q=0.5, text/csv;q=0.9", CSV),
    (SELECT, "*/*;q=0.1, text/tab-separated-values", TSV),
    (SELECT, "application/json", JSON),
    (SELECT, "*/*, application/sparql-results+json;q=0", XML),
    (SELECT, None, JSON),
    (CONSTRUCT, "application/rdf+xml;q=0.3, application/n-triples;q=0.6", "application/n-triples"),
    (CONSTRUCT, "text/html, */*;q=0.8", "text/turtle"),  # a browser
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
])
def test_negotiation_over_http(base, query, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(base + "/sparql", params={"query": query}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize("query, accept", [
    (SELECT, "text/turtle"),
    (SELECT, "image/png"),
    ("ASK {}", "application/rdf+xml"),
    (CONSTRUCT, "application/sparql-results+json"),
    (CONSTRUCT, "text/csv"),
])
def test_406_when_nothing_acceptable(base, query, accept):
    r = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 406
    assert "可用" in r.text and "available" in r.text


def test_406_for_service_description_and_graph_store(base):
    assert httpx.get(base + "/sparql", headers={"Accept": "text/csv"}).status_code == 406
    r = httpx.get(base + "/rdf-graphs", params={"default": ""}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 406
