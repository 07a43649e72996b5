"""The ontology is well formed, documented in both languages, and covers every term the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "quanze.ttl"
QZ = Namespace("https://w3id.org/quanze/ns#")
ID = Namespace("https://w3id.org/quanze/id/")
LEVEL = Namespace("https://w3id.org/quanze/id/level/")
ONTOLOGY_IRI = URIRef("https://w3id.org/quanze/ns")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.TransitiveProperty,
              OWL.AnnotationProperty)

#: Where qz: terms may be used: code, queries, data and shapes.
SCANNED = (
    ("quanze", "**/*.py"),
    ("quanze/queries", "*.rq"),
    ("api", "**/*.py"),
    ("scripts", "**/*.py"),
    ("data", "**/*.ttl"),
    ("shapes", "*.ttl"),
)

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATTERNS = (
    re.compile(rf"(?<![\w.:/#-])qz:({_NAME})"),              # qz:Item in Turtle, SPARQL, strings
    re.compile(rf"(?<![\w.])QZ\.({_NAME})"),                 # QZ.Item in Python
    re.compile(rf"(?<![\w.])QZ\[\s*[\"']({_NAME})[\"']\s*\]"),  # QZ["Item"] in Python
    re.compile(rf"w3id\.org/quanze/ns#({_NAME})"),             # full IRIs
)
#: Attributes of rdflib's Namespace (a str): ``QZ.term(...)`` or ``QZ.startswith`` are not terms.
_NAMESPACE_ATTRS = set(dir(Namespace("x")))

ITEM_TYPE_LABELS = {
    "行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励",
    "行政裁决", "其他行政权力", "公共服务", "行政事业性收费",
}


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(ONTOLOGY)


def qz_terms(g: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in g.subjects(RDF.type, t)
            if isinstance(s, URIRef) and s.startswith(str(QZ))}


def langs(g: Graph, s, p) -> set[str | None]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def used_terms(text: str) -> set[str]:
    names = set()
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            name = m.group(1)
            if pattern.pattern.startswith("(?<![\\w.])QZ\\.") and name in _NAMESPACE_ATTRS:
                continue
            names.add(name)
    return names


def test_parses_with_header(g: Graph):
    assert len(g) > 500
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert langs(g, ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/title")) >= {"zh", "en"}
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in g
    assert not list(g.objects(ONTOLOGY_IRI, OWL.imports))


def test_every_term_has_zh_en_label_and_comment(g: Graph):
    terms = qz_terms(g)
    assert len(terms) > 100
    problems = []
    for t in sorted(terms):
        if not {"zh", "en"} <= langs(g, t, RDFS.label):
            problems.append(f"{t}: rdfs:label needs @zh and @en")
        if not list(g.objects(t, RDFS.comment)):
            problems.append(f"{t}: no rdfs:comment")
    assert not problems, "\n".join(problems)


def test_properties_are_typed_and_only_qz_properties_get_domains(g: Graph):
    for p in g.subjects(RDFS.domain, None):
        assert str(p).startswith(str(QZ)), f"rdfs:domain on reused property {p}"
    for t in qz_terms(g):
        if (t, RDF.type, OWL.TransitiveProperty) in g:
            assert (t, RDF.type, OWL.ObjectProperty) in g
    assert (QZ.above, RDF.type, OWL.TransitiveProperty) in g
    assert (QZ.immediatelyAbove, RDFS.subPropertyOf, QZ.above) in g
    assert not list(g.objects(QZ.level, RDFS.domain))


def test_scanner_finds_terms():
    sample = 'x qz:Item ; qz:code "a" . QZ.legalBasis QZ["rank"] QZ.term("x") qzid:level/x <https://w3id.org/quanze/ns#above>'
    assert used_terms(sample) == {"Item", "code", "legalBasis", "rank", "above"}


def test_every_used_term_is_declared(g: Graph):
    declared = {str(t)[len(str(QZ)):] for t in qz_terms(g)}
    missing = []
    for folder, pattern in SCANNED:
        for path in sorted((ROOT / folder).glob(pattern)):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for name in sorted(used_terms(line) - declared):
                    missing.append(f"{path.relative_to(ROOT)}:{lineno}: qz:{name}")
    assert not missing, "undeclared qz: terms:\n" + "\n".join(missing)


def test_term_names_are_safe_as_python_attributes(g: Graph):
    """``QZ.name`` must reach the term, not a ``str`` method of the Namespace."""
    clashes = [t for t in qz_terms(g) if str(t)[len(str(QZ)):] in _NAMESPACE_ATTRS]
    assert not clashes


def test_levels_ordered_and_above_closed(g: Graph):
    levels = set(g.subjects(RDF.type, QZ.Level))
    ranks = {lv: int(g.value(lv, QZ.rank)) for lv in levels}
    assert sorted(ranks.values()) == [1, 2, 3, 4, 5]
    assert ranks == {LEVEL.national: 1, LEVEL.provincial: 2, LEVEL.municipal: 3, LEVEL.county: 4,
                     LEVEL.township: 5}
    for a in levels:
        for b in levels:
            above = (a, QZ.above, b) in g
            assert above == (ranks[a] < ranks[b]), f"{a} qz:above {b}: {above}"
            assert ((a, QZ.immediatelyAbove, b) in g) == (ranks[b] == ranks[a] + 1)
    assert len(list(g.triples((None, QZ.above, None)))) == 10


def test_concepts_are_labelled_and_in_a_scheme(g: Graph):
    concept_classes = {c for c in g.subjects(RDFS.subClassOf, SKOS.Concept) if c.startswith(str(QZ))}
    assert len(concept_classes) == 8
    concepts = {s for c in concept_classes for s in g.subjects(RDF.type, c)}
    assert len(concepts) == 5 + 7 + 4 + 2 + 8 + 3 + 9 + 3
    for c in concepts:
        assert c.startswith(str(ID)), c
        assert {"zh", "en"} <= langs(g, c, SKOS.prefLabel), c
        schemes = list(g.objects(c, SKOS.inScheme))
        assert len(schemes) == 1 and (schemes[0], RDF.type, SKOS.ConceptScheme) in g, c
        assert str(schemes[0]) == str(c).rsplit("/", 1)[0] + "/scheme", c
    for form in g.subjects(RDF.type, QZ.DisguisedApprovalForm):
        assert g.value(form, QZ.keyword) is not None, form


def test_item_type_classes_carry_list_terms(g: Graph):
    item_types = {QZ.PublicServiceItem, QZ.FeeItem, *g.subjects(RDFS.subClassOf, QZ.AdministrativePower)}
    zh = {str(o) for t in item_types for o in g.objects(t, RDFS.label) if o.language == "zh"}
    assert len(item_types) == 12
    assert zh == ITEM_TYPE_LABELS


CV, CPSV = Namespace("http://data.europa.eu/m8g/"), Namespace("http://purl.org/vocab/cpsv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")


def test_cpsv_ap_terms_are_reused_where_they_fit(g: Graph):
    """Public services and fees are CPSV-AP's classes; the item properties only point at CPSV-AP's
    public-service properties (rdfs:seeAlso), since as sub-properties they would make every item a
    public service."""
    assert (QZ.PublicServiceItem, RDFS.subClassOf, CPSV.PublicService) in g
    assert (QZ.FeeItem, RDFS.subClassOf, CV.Cost) in g
    for prop, cpsv_prop in ((QZ.legalBasis, CV.hasLegalResource), (QZ.implementationBasis, CV.hasLegalResource),
                            (QZ.implementingBody, CV.hasCompetentAuthority)):
        assert (prop, RDFS.seeAlso, cpsv_prop) in g
    assert not [(s, o) for s, o in g.subject_objects(RDFS.subPropertyOf)
                if str(o).startswith((str(CV), str(CPSV)))]


def test_rdfs_does_not_make_a_licence_or_penalty_a_public_service(g: Graph):
    """Under RDFS, with CPSV-AP's own statement that its legal-resource and competent-authority
    properties belong to a public service, the ontology must not entail that a licence or a penalty
    with a legal basis and an implementing body is a cpsv:PublicService; a public service item is one."""
    from owlrl import DeductiveClosure, RDFS_Semantics

    item = Namespace("https://w3id.org/quanze/id/item/")
    article = URIRef("https://w3id.org/quanze/id/law/示例条例/2020-01-01/art_2")
    body = URIRef("https://w3id.org/quanze/id/org/山东省示例局")
    data = Graph()
    data += g
    for p in (CV.hasLegalResource, CV.hasCompetentAuthority):
        data.add((p, RDFS.domain, CPSV.PublicService))
    for code, cls in (("XK", QZ.AdministrativeLicence), ("CF", QZ.AdministrativePenalty), ("GG", QZ.PublicServiceItem)):
        node = item[f"37SL-{code}-0001"]
        data.add((node, RDF.type, cls))
        data.add((node, QZ.legalBasis, article))
        data.add((node, QZ.implementationBasis, article))
        data.add((node, QZ.implementingBody, body))
    DeductiveClosure(RDFS_Semantics).expand(data)
    assert (item["37SL-XK-0001"], RDF.type, QZ.Item) in data  # the closure ran
    assert (article, RDF.type, ELI.LegalResource) in data
    services = set(data.subjects(RDF.type, CPSV.PublicService))
    assert item["37SL-GG-0001"] in services
    assert not services & {item["37SL-XK-0001"], item["37SL-CF-0001"]}


def test_properties_match_the_kind_of_value_written(g: Graph):
    """What the loaders write as text is an owl:DatatypeProperty (qz:basisDocument: the 依据文件 as
    written); a load record names its file with qz:fileName, not qz:sourcePath."""
    assert (QZ.basisDocument, RDF.type, OWL.DatatypeProperty) in g
    assert (QZ.basisDocument, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#string")) in g
    domain = g.value(QZ.sourcePath, RDFS.domain)
    assert set(Collection(g, g.value(domain, OWL.unionOf))) == {QZ.InstrumentVersion, QZ.Part}


def test_the_never_written_link_from_a_load_to_its_graph_is_deprecated(g: Graph):
    assert (QZ.graph, OWL.deprecated, Literal(True)) in g
