"""Namespaces and the rules that mint Quanze's stable IRIs.

Every IRI is derived from a code or a title (事项编码, 区划代码, 法规标题 + 版本日期), never
from a row number or a random id, so that reloading the same facts gives the same graph.
IRIs keep Chinese characters readable (RFC 3987 IRIs); only the ASCII characters an IRI
may not contain are percent-encoded.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "BASE", "QZ", "ID", "ELI", "ORG", "CPSV", "CV", "SH", "DCTERMS", "OWL", "PROV", "RDF", "RDFS",
    "SKOS", "XSD", "LEVEL", "PREFIXES", "segment", "law_work", "law_version", "item_iri",
    "region_iri", "graph_iri", "sparql_prefixes",
]

BASE = "https://w3id.org/quanze/"
QZ = Namespace(BASE + "ns#")
ID = Namespace(BASE + "id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: The administrative levels, 国家级 > 省级 > 市级 (设区的市) > 县级 > 乡镇级.
LEVEL = Namespace(BASE + "id/level/")

PREFIXES: dict[str, str] = {
    "qz": str(QZ),
    "qzid": str(ID),
    "level": str(LEVEL),
    "eli": str(ELI),
    "org": str(ORG),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}

# ASCII characters an IRI path segment must not carry as they are (RFC 3987 plus '/', '#', '?'
# which would change the IRI's structure, and '%' so encoding is reversible).
_UNSAFE = set(' "<>\\^`{|}/#?%[]') | {chr(c) for c in range(0x20)} | {"\x7f"}


def segment(text: str) -> str:
    """One IRI path segment from a code or title: readable, reversible, stable."""
    text = text.strip().replace("\u3000", " ")
    return "".join(f"%{ord(ch):02X}" if ch in _UNSAFE else ch for ch in text)


def law_work(title: str):
    """The instrument as a work, across its versions: ``id/law/{title}``."""
    return ID[f"law/{segment(title)}"]


def law_version(title: str, version_date: str | None):
    """One dated version of an instrument: ``id/law/{title}/{YYYY-MM-DD}``."""
    return ID[f"law/{segment(title)}/{version_date or 'undated'}"]


def item_iri(code: str):
    """A power item, keyed by its 事项编码."""
    return ID[f"item/{segment(code)}"]


def region_iri(code: str):
    """A region keyed by its GB/T 2260 code."""
    return ID[f"region/{segment(code)}"]


def graph_iri(kind: str, name: str | None = None):
    """A named graph: ``id/graph/{kind}`` or ``id/graph/{kind}/{name}``."""
    return ID[f"graph/{kind}" + (f"/{segment(name)}" if name else "")]


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
