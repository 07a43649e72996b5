"""Media types the SPARQL endpoint and the store speak, and content negotiation."""

from __future__ import annotations

import pyoxigraph as ox

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}


def parse_accept_ranges(header: str | None) -> list[tuple[str, float, int]]:
    """``Accept`` → ``(media range, q, position)`` for every well-formed range, in the client's
    order, q=0 included: a range the client refuses (``q=0``) is kept, so that
    :func:`best_media_type` can honour it over a wildcard; malformed ranges (no ``/``) are dropped.
    An unreadable q-value counts as 0; aliases (``application/json``) give their canonical type."""
    if header is None or not header.strip():
        return [("*/*", 1.0, 0)]
    out: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        main, _, sub = media.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for p in pieces[1:]:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions
        out.append((ALIASES.get(media, media), q, i))
    return out


def best_media_type(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers, by RFC 9110 §12.5.1, or None (→ 406).

    Each offered type takes the q-value of the *most specific* range that matches it
    (``text/csv`` over ``text/*`` over ``*/*``), so ``*/*, text/csv;q=0`` refuses CSV.
    Ties go to the exactly named type, then the range the client listed first, then the
    order of ``offered`` (the server's preference)."""
    ranges = parse_accept_ranges(header)
    best: tuple[float, int, int, int] | None = None
    choice: str | None = None
    for pos, media in enumerate(offered):
        match: tuple[int, float, int] | None = None  # (specificity, q, position in Accept)
        for rng, q, i in ranges:
            if rng == media:
                spec = 3
            elif rng.endswith("/*") and rng != "*/*" and media.startswith(rng[:-1]):
                spec = 2
            elif rng == "*/*":
                spec = 1
            else:
                continue
            if match is None or spec > match[0] or (spec == match[0] and i < match[2]):
                match = (spec, q, i)
        if match is None or match[1] <= 0:
            continue
        key = (match[1], match[0], -match[2], -pos)
        if best is None or key > best:
            best, choice = key, media
    return choice


def results_as(json_results: bytes, media: str) -> bytes:
    """SPARQL JSON results re-serialised as ``media`` (one of :data:`RESULT_FORMATS`)."""
    if media == "application/sparql-results+json":
        return json_results
    return ox.parse_query_results(json_results, format=ox.QueryResultsFormat.JSON).serialize(format=RESULT_FORMATS[media])
