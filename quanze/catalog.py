"""The catalog: one PROV record per named graph, kept in ``qzid:graph/catalog``.

Each load's content graph holds only facts, so loading the same file twice gives the same
triples; what varies between loads (time, who, which file, its sha256, the validation report)
is described here, with the content graph's IRI as the subject:

    <qzid:graph/load/shandong-provincial> a qz:Load, prov:Entity ;
        qz:loadKind "items" ; qz:fileName "shandong-provincial.csv" ; qz:sha256 "…" ;
        qz:rowCount 277 ; qz:tripleCount 4123 ; qz:loaderVersion "quanze 0.1.0" ;
        prov:generatedAtTime "…"^^xsd:dateTime ; prov:wasAttributedTo <qzid:agent/…> ;
        qz:validationReport <qzid:graph/report/shandong-provincial> .

A record is written in the same transaction as its graph (``record_ops``), so a graph without
a record was written by hand (SPARQL Update) or by something other than Quanze's loaders.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

import pyoxigraph as ox

from quanze.namespaces import ID, PROV, QZ, RDF, XSD, graph_iri, segment
from quanze.store import Iri, Store

CATALOG_GRAPH = str(graph_iri("catalog"))


@dataclass
class LoadRecord:
    graph: str
    kind: str | None
    file_name: str | None
    sha256: str | None
    rows: int | None
    triples: int | None
    time: str | None
    by: str | None
    loader: str | None
    report: str | None
    accepted_violations: int | None

    @property
    def name(self) -> str:
        """The load's name as it was given (its graph IRI holds it percent-encoded)."""
        return unquote(self.graph.rsplit("/", 1)[-1])


#: Kinds of load that are lists (quanze.lists): validated on the way in, unless ``--no-validate``.
LIST_KINDS = frozenset({"items", "adjustments", "reviews"})

#: The names of the graphs Quanze keeps besides the lists, as ``quanze graphs``, ``GET /loads`` and
#: the web pages show them: this catalog, the corpus (``qzid:graph/laws``, ``quanze laws import``)
#: and what ``quanze init`` loads (``qzid:graph/ontology``, ``…/reference``, ``…/plan``). A list's
#: graph (``qzid:graph/load/{name}``) is another IRI, but shown by its name it would read as one of
#: them: :func:`quanze.lists.load_list` refuses these names (:func:`reserved_name`).
RESERVED_NAMES = ("catalog", "laws", "ontology", "reference", "plan")


def reserved_name(name: str) -> str | None:
    """The name in :data:`RESERVED_NAMES` that the load name ``name`` reads as — spaces around it,
    case and full-width letters aside (``Laws``, `` plan ``, ``ｌａｗｓ``) — else None."""
    shown = unicodedata.normalize("NFKC", name).strip().casefold()
    return next((r for r in RESERVED_NAMES if r == shown), None)


def unvalidated(records: list[LoadRecord]) -> list[LoadRecord]:
    """The lists loaded without validation (``quanze load --no-validate``). No stored report
    speaks for them, so ``/validation`` and the item pages say nothing of their problems until
    they are loaded again with validation (the same file writes no triple, and stores the report)."""
    return [r for r in records if r.kind in LIST_KINDS and not r.report]


def not_a_list(records: list[LoadRecord], name: str) -> LoadRecord | None:
    """The record named ``name`` that is no list (the corpus, reference data): ``quanze graphs``
    shows it beside the lists, but unload does not remove it — its own command rewrites it."""
    return next((r for r in records if r.name == name and r.kind not in LIST_KINDS), None)


def _lit(value: object) -> str:
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD.boolean}>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD.integer}>'
    if isinstance(value, datetime):
        # milliseconds: two loads in one second must still be ordered (a report is the latest
        # word on what it validated, by its load's time: quanze.lookup.latest_word)
        return f'"{value.isoformat(timespec="milliseconds")}"^^<{XSD.dateTime}>'
    return str(ox.Literal(str(value)))


def record_ops(graph: str, *, kind: str, file_name: str, sha256: str, rows: int, triples: int,
               by: str | None = None, loader: str = "", report: str | None = None,
               accepted_violations: int | None = None) -> list[str]:
    """SPARQL update operations that (re)write the catalog record of ``graph``."""
    g = f"<{graph}>"
    lines = [
        f"{g} <{RDF.type}> <{QZ.Load}> , <{PROV.Entity}>",
        f"{g} <{QZ.loadKind}> {_lit(kind)}",
        f"{g} <{QZ.fileName}> {_lit(file_name)}",
        f"{g} <{QZ.sha256}> {_lit(sha256)}",
        f"{g} <{QZ.rowCount}> {_lit(rows)}",
        f"{g} <{QZ.tripleCount}> {_lit(triples)}",
        f"{g} <{QZ.loaderVersion}> {_lit(loader)}",
        f"{g} <{PROV.generatedAtTime}> {_lit(datetime.now(UTC))}",
    ]
    if by:
        agent = f"<{ID['agent/' + segment(by)]}>"
        lines += [f"{g} <{PROV.wasAttributedTo}> {agent}", f"{agent} <{RDF.type}> <{PROV.Agent}>",
                  f"{agent} <http://www.w3.org/2000/01/rdf-schema#label> {_lit(by)}"]
    if report:
        lines.append(f"{g} <{QZ.validationReport}> <{report}>")
    if accepted_violations is not None:
        lines.append(f"{g} <{QZ.acceptedViolations}> {_lit(accepted_violations)}")
    body = " .\n".join(lines)
    return [
        f"DELETE WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ {g} ?p ?o }} }}",
        f"INSERT DATA {{ GRAPH <{CATALOG_GRAPH}> {{\n{body} .\n}} }}",
    ]


def forget_ops(graph: str) -> list[str]:
    """Remove the record of ``graph``, and the agent who loaded it once no other load names it."""
    return [
        f"DELETE WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> ?p ?o }} }}",
        f"""DELETE {{ GRAPH <{CATALOG_GRAPH}> {{ ?agent ?p ?o }} }} WHERE {{ GRAPH <{CATALOG_GRAPH}> {{
              ?agent a <{PROV.Agent}> ; ?p ?o .
              FILTER NOT EXISTS {{ ?load <{PROV.wasAttributedTo}> ?agent }} }} }}""",
    ]


_LIST = f"""
PREFIX qz: <{QZ}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?graph ?kind ?file ?sha ?rows ?triples ?time ?by ?loader ?report ?accepted WHERE {{
  VALUES ?graph {{ UNDEF }}
  GRAPH <{CATALOG_GRAPH}> {{
    ?graph a qz:Load .
    OPTIONAL {{ ?graph qz:loadKind ?kind }}
    OPTIONAL {{ ?graph qz:fileName ?file }}
    OPTIONAL {{ ?graph qz:sha256 ?sha }}
    OPTIONAL {{ ?graph qz:rowCount ?rows }}
    OPTIONAL {{ ?graph qz:tripleCount ?triples }}
    OPTIONAL {{ ?graph prov:generatedAtTime ?time }}
    OPTIONAL {{ ?graph prov:wasAttributedTo/rdfs:label ?by }}
    OPTIONAL {{ ?graph qz:loaderVersion ?loader }}
    OPTIONAL {{ ?graph qz:validationReport ?report }}
    OPTIONAL {{ ?graph qz:acceptedViolations ?accepted }}
  }}
}} ORDER BY ?time ?graph
"""


def loads(store: Store, graph: str | None = None) -> list[LoadRecord]:
    rows = store.select(_LIST, {"graph": Iri(graph) if graph else None})
    return [LoadRecord(str(r["graph"]), r["kind"], r["file"], r["sha"], r["rows"], r["triples"],  # type: ignore[arg-type]
                       r["time"], r["by"], r["loader"], r["report"], r["accepted"]) for r in rows]  # type: ignore[arg-type]


_STAMP = f"""
PREFIX qz: <{QZ}>
PREFIX prov: <{PROV}>
SELECT ?graph ?sha ?time WHERE {{
  GRAPH <{CATALOG_GRAPH}> {{
    ?graph a qz:Load .
    OPTIONAL {{ ?graph qz:sha256 ?sha }}
    OPTIONAL {{ ?graph prov:generatedAtTime ?time }}
  }}
}}
"""


def stamp(store: Store) -> frozenset[tuple[str, str, str]]:
    """What changes whenever a load is recorded, replaced or forgotten: each load's graph, file
    hash and time. One small query; caches of answers drawn from the loaded data compare it to
    know when to drop them."""
    return frozenset((str(r["graph"]), str(r["sha"] or ""), str(r["time"] or "")) for r in store.select(_STAMP))


def unrecorded_graphs(store: Store) -> list[str]:
    """Graphs without a catalog record: interrupted bulk loads, or writes made by hand through
    SPARQL Update or the Graph Store (an empty graph kept that way among them)."""
    records = loads(store)
    recorded = {r.graph for r in records} | {r.report for r in records if r.report}
    return [g for g in store.graph_names() if g not in recorded and g != CATALOG_GRAPH]
