"""Reference data Quanze ships, loaded by ``quanze init``: the ontology, Shandong's regions,
functional zones, departments (as organisations at each level) and the plan.

Each goes into its own named graph with a catalog record, by the same diffing write as any
load, so ``quanze init`` can be run again safely.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from quanze import __version__
from quanze.catalog import record_ops
from quanze.namespaces import ID, LEVEL, QZ, RDF, SKOS, graph_iri, region_iri, segment
from quanze.settings import DATA, ONTOLOGY
from quanze.store import Store

ONTOLOGY_GRAPH = str(graph_iri("ontology"))
REFERENCE_GRAPH = str(graph_iri("reference"))
PLAN_GRAPH = str(graph_iri("plan"))
PROVINCE = "370000"


@dataclass(frozen=True)
class Department:
    name: str
    short_name: str
    en_name: str
    function_key: str


def departments(data: Path = DATA) -> list[Department]:
    with open(data / "reference" / "departments.csv", encoding="utf-8") as fh:
        return [Department(r["name"], r["short_name"], r["en_name"], r["function_key"]) for r in csv.DictReader(fh)]


def org_iri(name: str) -> str:
    return str(ID[f"org/{segment(name)}"])


def level_body_iri(level: str, function_key: str) -> str:
    """The body of a function at a level, across its regions (市药品监督管理局 in general)."""
    return str(ID[f"org/level/{level}/{segment(function_key)}"])


def _t(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if isinstance(o, ox.Literal) else ox.NamedNode(o))


def organisation_triples(data: Path = DATA) -> set[ox.Triple]:
    """Provincial departments, and the city- and county-level body of each function."""
    out: set[ox.Triple] = set()
    names = {"municipal": ("市", "市级"), "county": ("县", "县级")}
    for d in departments(data):
        iri = org_iri(d.name)
        out |= {
            _t(iri, str(RDF.type), str(QZ.PublicAuthority)),
            _t(iri, str(SKOS.prefLabel), ox.Literal(d.name, language="zh")),
            _t(iri, str(SKOS.prefLabel), ox.Literal(d.en_name, language="en")),
            _t(iri, str(SKOS.altLabel), ox.Literal(d.short_name, language="zh")),
            _t(iri, str(QZ.level), str(LEVEL.provincial)),
            _t(iri, str(QZ.region), str(region_iri(PROVINCE))),
            _t(iri, str(QZ.functionKey), ox.Literal(d.function_key)),
        }
        suffix = d.short_name.removeprefix("省")
        for level, (prefix, label) in names.items():
            body = level_body_iri(level, d.function_key)
            out |= {
                _t(body, str(RDF.type), str(QZ.PublicAuthority)),
                _t(body, str(SKOS.prefLabel), ox.Literal(f"{label}{suffix}", language="zh")),
                _t(body, str(SKOS.altLabel), ox.Literal(f"{prefix}{suffix}", language="zh")),
                _t(body, str(QZ.level), str(LEVEL[level])),
                _t(body, str(QZ.functionKey), ox.Literal(d.function_key)),
            }
    return out


def _turtle(path: Path) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def reference_graphs(data: Path = DATA, ontology: Path = ONTOLOGY) -> dict[str, tuple[set[ox.Triple], list[Path]]]:
    """{graph: (triples, source files)} for everything ``quanze init`` loads."""
    ref = data / "reference"
    return {
        ONTOLOGY_GRAPH: (_turtle(ontology), [ontology]),
        REFERENCE_GRAPH: (_turtle(ref / "regions.ttl") | _turtle(ref / "zones.ttl") | organisation_triples(data),
                          [ref / "regions.ttl", ref / "zones.ttl", ref / "departments.csv"]),
        PLAN_GRAPH: (_turtle(data / "plan.ttl"), [data / "plan.ttl"]),
    }


def init(store: Store, data: Path = DATA, ontology: Path = ONTOLOGY,
         by: str | None = None) -> dict[str, int]:
    """Load the ontology, reference data and plan: one transaction, only what changed."""
    graphs = reference_graphs(data, ontology)
    also: list[str] = []
    for graph, (triples, files) in graphs.items():
        digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
        also += record_ops(graph, kind=graph.rsplit("/", 1)[-1], file_name=", ".join(f.name for f in files),
                           sha256=digest, rows=len(files), triples=len(triples), by=by, loader=f"quanze {__version__}")
    store.write({g: t for g, (t, _) in graphs.items()}, also=also)
    return {g: len(t) for g, (t, _) in graphs.items()}
