"""Reference data Quanze ships, loaded by ``quanze init``: the ontology, Shandong's regions,
functional zones, departments (as organisations at each level) and the plan.

Each goes into its own named graph with a catalog record, by the same diffing write as any
load, so ``quanze init`` can be run again safely.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache
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


#: The ``economic`` column of departments.csv: whether the department's powers are economic management
#: (经济管理权限), which the plan has the province and the cities give the functional zones (二（四）), or
#: social management and public services, which the zone laws leave to the local government;
#: ``mixed`` where the department holds both (its items are decided one by one).
ECONOMIC = ("yes", "no", "mixed")


@dataclass(frozen=True)
class Department:
    name: str
    short_name: str
    en_name: str
    function_key: str
    economic: str | None = None  # one of ECONOMIC; None: not classified


def _economic(value: str | None, name: str) -> str | None:
    """A row's ``economic`` cell: blank is not classified yet (said where it matters, never guessed)."""
    value = (value or "").strip().lower()
    if value and value not in ECONOMIC:
        raise ValueError(f"departments.csv：{name} 的 economic 应为 yes、no 或 mixed，而不是 {value!r} / "
                         f"{name}: economic must be yes, no or mixed, not {value!r}")
    return value or None


def departments(data: Path = DATA) -> list[Department]:
    with open(data / "reference" / "departments.csv", encoding="utf-8") as fh:
        return [Department(r["name"], r["short_name"], r["en_name"], r["function_key"], _economic(r.get("economic"), r["name"]))
                for r in csv.DictReader(fh)]


#: What may stand before a department's own name in a 实施主体: the province, a level, a region or a
#: zone (济南市, 历城区, 青岛西海岸新区), and 人民政府 (济南市人民政府外事办公室).
_REGION_PREFIX = re.compile(r"(?:山东|[\u4e00-\u9fff]*(?:省|市|州|县|区|旗|级))(?:人民政府)?")


def _names(d: Department) -> set[str]:
    """The ends of a name that identify a department at any level: 药品监督管理局 (省药品监督管理局),
    国有资产监督管理委员会 (山东省人民政府国有资产监督管理委员会), and 局 for a 厅 or a 委员会 (公安局 below
    公安厅, a county's 卫生健康局 below 卫生健康委员会)."""
    own = {d.name.removeprefix("山东省"), d.name.removeprefix("山东省").removeprefix("人民政府"),
           d.short_name.removeprefix("省")}
    return (own | {n.removesuffix("厅") + "局" for n in own if n.endswith("厅")}
            | {n.removesuffix("委员会") + "局" for n in own if n.endswith("委员会")})


@cache
def _department_index(data: Path = DATA) -> tuple[dict[str, Department], dict[str, Department]]:
    """(full and short names, name ends) → department; an end two departments share would match
    either, and is refused."""
    exact: dict[str, Department] = {}
    ends: dict[str, Department] = {}
    for d in departments(data):
        exact[d.name] = exact[d.short_name] = d
        for end in _names(d):
            if ends.setdefault(end, d) != d:
                raise ValueError(f"departments.csv: {end} names both {ends[end].name} and {d.name}")
    return exact, ends


def department_of(written: str, data: Path = DATA) -> Department | None:
    """The department a 实施主体 as lists write it belongs to, at any level: 省药品监督管理局,
    山东省药品监督管理局, 市市场监督管理局, 济南市工业和信息化局, 青岛市公安局; None for a body the
    reference data has no department for (济南市城市管理局: no provincial 城市管理 department)."""
    exact, ends = _department_index(data)
    name = re.sub(r"\s+", "", written or "")
    if name in exact:
        return exact[name]
    for i in range(len(name)):  # the longest end that is a department's, alone or after a region
        if name[i:] in ends and (i == 0 or _REGION_PREFIX.fullmatch(name[:i])):
            return ends[name[i:]]
    return None


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
