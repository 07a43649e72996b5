"""docs/vocabulary.md and ontology/quanze.ttl say what the store holds.

A store is built the way users build one — ``init``, ``laws import``, three lists loaded with
validation and a ``--by`` — from a small synthetic corpus that has every kind of subdivision
(编 章 节 条 之一 款 项, a law filed in two files, two versions of one law) and from lists that fill
every column. Then the doc's property tables are read as claims and checked against the data:
each documented property is written on every class its row names and on no other, with values of
the kinds it names; every property, class and kind of IRI the store holds is documented; what the
doc lists as not produced is absent. Finally the ontology's own domains, ranges and property kinds
are checked against the same data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from quanze.laws import import_corpus
from quanze.lists import load_list
from quanze.reference import init
from quanze.store import EmbeddedStore
from quanze.validation import validate_pending

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "vocabulary.md"

QZ = "https://w3id.org/quanze/ns#"
ID = "https://w3id.org/quanze/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
ONTOLOGY_GRAPH = ID + "graph/ontology"
PREFIXES = {
    "qz": QZ, "qzid": ID, "eli": "http://data.europa.eu/eli/ontology#", "org": "http://www.w3.org/ns/org#",
    "cpsv": "http://purl.org/vocab/cpsv#", "cv": "http://data.europa.eu/m8g/", "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD,
}
#: Literal kinds of the doc's range cells.
LITERALS = {"string": XSD + "string", "langString": RDF + "langString", "integer": XSD + "integer",
            "boolean": XSD + "boolean", "date": XSD + "date", "dateTime": XSD + "dateTime"}
AGENT = "校核测试员"

# --- the synthetic corpus: every kind of subdivision, a law in two versions, a law in two files ------

OLD = """# 示范管理条例

2019年1月1日 国务院公布

<!-- INFO END -->

第一条 为了规范示范管理，制定本条例。

第二条 设立示范机构，应当经省、自治区、直辖市人民政府示范主管部门批准。
"""

NEW = """# 示范管理条例

2020年1月1日 国务院修订

<!-- INFO END -->

## 第一编 总则

### 第一章 一般规定

第一条 为了规范示范管理，制定本条例。

### 第二章 许可

#### 第一节 设立

第二条 设立示范机构，应当经省、自治区、直辖市人民政府示范主管部门批准。

第二条之一 示范机构变更名称的，应当向原审批机关备案。

示范机构终止的，应当向省、自治区、直辖市人民政府示范主管部门备案。

#### 第二节 证书

第三条 示范证书由县级人民政府示范主管部门颁发。

省、自治区、直辖市人民政府示范主管部门可以委托设区的市级人民政府示范主管部门实施示范证书的审查。

第四条 申请示范证书，应当具备下列条件：

（一）有固定的场所，并经设区的市级人民政府示范主管部门核准；

（二）有专业人员，其资格由省、自治区、直辖市人民政府示范主管部门或者其委托的设区的市级人民政府示范主管部门认定。

（三）场所变更后报设区的市级人民政府示范主管部门备案。
"""


def _code_part(part: str, article: str) -> str:
    return (f"# 示范法典\n\n# {part}\n\n2020年5月1日 全国人民代表大会通过\n\n<!-- INFO END -->\n\n"
            f"## 第一章 一般规定\n\n{article}\n")


LAWS = {
    "old.md": OLD,
    "new.md": NEW,
    "code1.md": _code_part("第一分编", "第一条 本法典调整示范关系。"),
    "code2.md": _code_part("第二分编", "第二条 示范登记由县级人民政府示范主管部门办理。"),
}
MANIFEST = """path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256
old.md,示范管理条例,行政法规,national,国务院,2019-01-01,false,已修改,a1
new.md,示范管理条例,行政法规,national,国务院,2020-01-01,true,有效,b2
code1.md,示范法典 第一分编,法律,national,全国人民代表大会,2020-05-01,true,有效,c3
code2.md,示范法典 第二分编,法律,national,全国人民代表大会,2020-05-01,true,有效,d4
"""

# One item of each of the twelve types; bases cite an article, a paragraph, a point and a whole law;
# a named city body; a fee item without a basis (a violation, accepted).
ITEMS = """事项编码,事项名称,子项名称,事项类型,实施主体,行使层级,设定依据,实施依据,关联事项,安全类别,办理方式,受理层级,审批层级,备注
37SF-XK-0001,示范机构设立审批,示范机构新设,行政许可,省药品监督管理局,省级,《示范管理条例》第二条,《示范管理条例》第三条第二款,37SF-SF-0001,公共安全,依申请,市级,省级,示例
37SF-CF-0001,示范违法行为处罚,,行政处罚,济南市城市管理局,市级,《示范管理条例》第四条第一款第一项,《示范管理条例》第二条之一、第四条第一款第二项；《示范法典》,,,依职权,,,
37SF-QZ-0001,示范强制,,行政强制,省药品监督管理局,省级,《示范管理条例》第一条,,,,依职权,,,
37SF-ZS-0001,示范征收,,行政征收,省药品监督管理局,省级,《示范管理条例》第一条,,,,依职权,,,
37SF-JF-0001,示范给付,,行政给付,省药品监督管理局,省级,《示范管理条例》第一条,,,,依申请,,,
37SF-JC-0001,示范检查,,行政检查,省药品监督管理局,省级,《示范管理条例》第一条,,,,依职权,,,
37SF-QR-0001,示范确认,,行政确认,省药品监督管理局,省级,《示范法典》第二条,,,,依申请,,,
37SF-JL-0001,示范奖励,,行政奖励,省药品监督管理局,省级,《示范管理条例》第一条,,,,依职权,,,
37SF-CJ-0001,示范裁决,,行政裁决,省药品监督管理局,省级,《示范管理条例》第一条,,,,依申请,,,
37SF-QT-0001,示范其他权力,,其他行政权力,省药品监督管理局,省级,《示范管理条例》,,,,依申请,,,
37SF-GG-0001,示范公共服务,,公共服务,省药品监督管理局,省级,《示范管理条例》第三条第一款,,,,依申请,,,
37SF-SF-0001,示范证书工本费,,行政事业性收费,省药品监督管理局,省级,,,37SF-XK-0001,,依申请,,,
"""
# An entrustment to a generic level body (qz:toBody), and an empowerment of a zone (qz:toZone).
ACTIONS = """事项编码,调整方式,承接层级,承接单位,委托机关,完成时限,依据文件,备注
37SF-XK-0001,委托,市级,市药品监督管理局,省药品监督管理局,2020-06-30,《示范决定》,委托实施
37SF-QT-0001,赋权,功能区,中国（山东）自由贸易试验区济南片区,,2020-06-30,,
"""
REVIEWS = """条文,层级,依据短语,校核人,校核日期,说明
《示范管理条例》第三条第一款,县级,县级人民政府示范主管部门,甲,2026-01-01,示例
《示范管理条例》第四条第一款第一项,市级,,乙,,
"""


@dataclass
class Built:
    """Every quad of the store, rdf:type per node, and the ontology's class hierarchy."""

    quads: list[tuple[str, ox.Triple]]
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unions: dict[str, set[str]] = field(default_factory=dict)

    def instance_of(self, node: ox.NamedNode | ox.BlankNode | ox.Literal | str, cls: str) -> bool:
        if isinstance(node, ox.Literal):
            return False
        key = node if isinstance(node, str) else node.value
        return any(cls == t or cls in self.supers[t] for t in self.types.get(key, ()))

    def data(self):
        """(graph, triple) of the data: everything but the ontology's own schema (its concept
        schemes, which are data, are kept)."""
        for g, t in self.quads:
            if g != ONTOLOGY_GRAPH or t.subject.value.startswith(ID):
                yield g, t


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("vocabulary")
    laws = folder / "laws"
    laws.mkdir()
    for name, text in LAWS.items():
        (laws / name).write_text(text, encoding="utf-8")
    (laws / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    store = EmbeddedStore(None)
    try:
        init(store, by=AGENT)
        summary = import_corpus(store, laws, by=AGENT)
        assert not summary.skipped and summary.entrustments >= 2
        for name, text in (("items", ITEMS), ("adjustments", ACTIONS), ("reviews", REVIEWS)):
            path = folder / f"{name}.csv"
            path.write_text(text, encoding="utf-8")
            result = load_list(store, path, by=AGENT, validator=validate_pending, accept_violations=True)
            assert result.stored_rows == text.count("\n") - 1, [str(p) for p in result.problems]
        quads = [(g, t) for g in store.graph_names() for t in store.graph_triples(g)]
    finally:
        store.close()
    out = Built(quads)
    sub: dict[str, set[str]] = defaultdict(set)
    lists: dict[str, tuple[str, str]] = {}
    heads: dict[str, str] = {}
    for g, t in quads:
        if t.predicate.value == RDF_TYPE:
            out.types[t.subject.value].add(t.object.value)
        if g == ONTOLOGY_GRAPH and t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            sub[t.subject.value].add(t.object.value)
        if g == ONTOLOGY_GRAPH and t.predicate.value in (RDF + "first", RDF + "rest"):
            first, rest = lists.get(t.subject.value, ("", ""))
            lists[t.subject.value] = (t.object.value, rest) if t.predicate.value.endswith("first") else (first, t.object.value)
        if g == ONTOLOGY_GRAPH and t.predicate.value == OWL + "unionOf":
            heads[t.subject.value] = t.object.value
    for union, node in heads.items():
        out.unions[union] = set()
        while node in lists:
            out.unions[union].add(lists[node][0])
            node = lists[node][1]
    for c in list(sub):
        todo, seen = list(sub[c]), set()
        while todo:
            s = todo.pop()
            if s not in seen:
                seen.add(s)
                todo.extend(sub.get(s, ()))
        out.supers[c] = seen
    return out


# --- reading the doc ------------------------------------------------------------------------------

def expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _class(token: str) -> str:
    return expand(token) if ":" in token else QZ + token


@dataclass
class Row:
    line: int
    terms: list[str]
    domain: list[str]
    range: list[str]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def property_rows(text: str) -> list[Row]:
    """The rows of every table headed ``| property | domain → range | meaning |``."""
    rows, in_table = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("| property | domain → range |"):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
        if in_table and line.startswith("| `"):
            cells = _cells(line)
            left, _, right = cells[1].partition("→")
            assert right, f"docs/vocabulary.md:{n}: no → in {cells[1]!r}"
            rows.append(Row(n, [expand(t) for t in re.findall(r"`([a-z]+:[A-Za-z_0-9]+)`", cells[0])],
                            [t.strip() for t in left.split("/")], [t.strip() for t in right.split("/")]))
    return rows


def not_produced(text: str) -> dict[str, str]:
    """term → status, from the table of the section 'Declared but not produced'."""
    section = text.split("\n## Declared but not produced", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = _cells(line)
            out[expand(cells[0].strip("`"))] = cells[-1]
    return out


def section(text: str, title: str) -> str:
    return text.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_doc_tables_parse(doc: str):
    rows = property_rows(doc)
    terms = [t for r in rows for t in r.terms]
    assert len(rows) > 80 and all(r.terms for r in rows), [r.line for r in rows if not r.terms]
    assert len(terms) == len(set(terms)), sorted(t for t in terms if terms.count(t) > 1)
    said = not_produced(doc)
    assert said and all(status.startswith(("not produced", "transient")) for status in said.values()), said
    both = sorted(short(t) for t in set(said) & set(terms))
    assert not both, f"documented as written and as not produced: {both}"


def test_every_term_of_the_ontology_is_in_the_doc(built: Built, doc: str):
    """Each qz: property the ontology declares is in a property table or marked not produced;
    each qz: class is named in the Classes section."""
    documented = {t for r in property_rows(doc) for t in r.terms} | set(not_produced(doc))
    classes = {expand(t) for t in re.findall(r"`([a-z]+:[A-Z][A-Za-z]+)`", section(doc, "Classes"))}
    declared = {(t.subject.value, t.object.value) for g, t in built.quads
                if g == ONTOLOGY_GRAPH and t.predicate.value == RDF_TYPE and t.subject.value.startswith(QZ)}
    properties = {s for s, kind in declared if kind in (OWL + "ObjectProperty", OWL + "DatatypeProperty")}
    missing = sorted(short(p) for p in properties - documented)
    missing += sorted(short(c) for c, kind in declared if kind == OWL + "Class" and c not in classes)
    assert len(properties) > 80 and not missing, f"ontology terms docs/vocabulary.md does not give: {missing}"


# --- doc against data -----------------------------------------------------------------------------

def _matches(built: Built, value: ox.NamedNode | ox.BlankNode | ox.Literal, token: str) -> bool:
    if token == "any":
        return True
    if token == "IRI":
        return isinstance(value, ox.NamedNode)
    if token == "class":
        return isinstance(value, ox.NamedNode) and OWL + "Class" in built.types.get(value.value, ())
    if token in LITERALS:
        if not isinstance(value, ox.Literal):
            return False
        return (value.language is not None) if token == "langString" else (
            value.language is None and value.datatype.value == LITERALS[token])
    return built.instance_of(value, _class(token))


def test_each_documented_property_is_on_the_classes_its_row_names_and_no_other(built: Built, doc: str):
    uses: dict[str, list[ox.Triple]] = defaultdict(list)
    for _g, t in built.data():
        uses[t.predicate.value].append(t)
    problems = []
    for row in property_rows(doc):
        domain = [_class(c) for c in row.domain]
        for term in row.terms:
            where = f"docs/vocabulary.md:{row.line}: {short(term)}"
            triples = uses.get(term, [])
            if not triples:
                problems.append(f"{where} is never written (move it to 'Declared but not produced')")
                continue
            for cls in domain:
                if not any(built.instance_of(t.subject, cls) for t in triples):
                    problems.append(f"{where} is on no {short(cls)}")
            for t in triples:
                if not any(built.instance_of(t.subject, cls) for cls in domain):
                    types = sorted(short(c) for c in built.types.get(t.subject.value, {"untyped"}))
                    problems.append(f"{where} is also on {'/'.join(types)} ({t.subject.value})")
                    break
            for t in triples:
                if not any(_matches(built, t.object, token) for token in row.range):
                    problems.append(f"{where} has a value outside {' / '.join(row.range)}: {t.object}")
                    break
            for token in row.range:
                if not any(_matches(built, t.object, token) for t in triples):
                    problems.append(f"{where} has no value of kind {token}")
    assert not problems, "\n".join(problems)


def test_every_property_the_store_holds_is_documented(built: Built, doc: str):
    documented = {t for r in property_rows(doc) for t in r.terms}
    missing: dict[str, str] = {}
    for _g, t in built.data():
        p = t.predicate.value
        if p != RDF_TYPE and p not in documented:
            missing.setdefault(short(p), t.subject.value)
    assert not missing, "undocumented properties (and a node that has one):\n" + "\n".join(
        f"{p}  {s}" for p, s in sorted(missing.items()))


def test_what_the_doc_says_is_not_produced_is_absent(built: Built, doc: str):
    said = not_produced(doc)
    found = {short(t.predicate.value) for _g, t in built.quads if t.predicate.value in said}
    found |= {short(t.object.value) for _g, t in built.quads
              if t.predicate.value == RDF_TYPE and t.object.value in said}
    assert not found, f"written after all (document them): {sorted(found)}"


def test_every_class_is_documented_and_every_documented_class_has_instances(built: Built, doc: str):
    named = {expand(t) for t in re.findall(r"`([a-z]+:[A-Z][A-Za-z]+)`", section(doc, "Classes"))}
    used = {t.object.value for _g, t in built.data() if t.predicate.value == RDF_TYPE}
    assert not used - named, f"classes in the store the Classes section does not name: {sorted(map(short, used - named))}"
    empty = [short(c) for c in named if c.startswith(QZ) and not any(built.instance_of(s, c) for s in built.types)]
    assert not empty, f"classes the doc names that nothing is an instance of: {empty}"


def test_every_kind_of_iri_is_in_the_iri_table(built: Built, doc: str):
    table = "\n".join(line for line in section(doc, "IRI rules").splitlines() if line.startswith("|"))
    patterns = " ".join(re.findall(r"`([^`]+)`", table))
    kinds = set(re.findall(r"qzid:([a-z-]+)/", patterns))
    steps = set(re.findall(r"\b([a-z]+)_\{", patterns))
    graphs = set(re.findall(r"qzid:graph/([a-z]+)", patterns))
    assert {"law", "item", "graph"} <= kinds and {"art", "par", "pt"} <= steps
    problems: set[str] = set()
    nodes = {term.value for g, t in built.quads for term in (ox.NamedNode(g), t.subject, t.object)
             if isinstance(term, ox.NamedNode) and term.value.startswith(ID)}
    for iri in nodes:
        parts = iri[len(ID):].split("/")
        if parts[0] not in kinds:
            problems.add(f"qzid:{parts[0]}/…  ({iri})")
        elif parts[-1] == "scheme" and len(parts) == 2:
            if "/scheme`" not in table:
                problems.add(f"concept schemes ({iri})")
        elif parts[0] == "graph":
            if parts[1] not in graphs or (len(parts) > 3 and "/result/{n}`" not in table):
                problems.add(f"qzid:graph/{parts[1]}/…  ({iri})")
        elif parts[0] == "org" and parts[1] == "level" and "`qzid:org/level/" not in table:
            problems.add(f"qzid:org/level/…  ({iri})")
        elif parts[0] == "law" and len(parts) > 2:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}|undated", parts[2]):
                problems.add(f"version date {parts[2]!r} ({iri})")
            for k, step in enumerate(parts[3:], 3):
                m = re.match(r"([a-z]+)_", step)
                if m and m.group(1) in steps:
                    continue
                # a version filed in several files: one part per file, named by its title
                if not (m is None and k == 3 and QZ + "Part" in built.types.get("/".join([ID[:-1], *parts[:4]]), ())
                        and "{part title}" in table):
                    problems.add(f"law IRI step {step!r} ({iri})")
    assert not problems, "IRIs of a kind the IRI table does not give:\n" + "\n".join(sorted(problems))


# --- ontology against data ------------------------------------------------------------------------

def test_the_ontology_domains_ranges_and_kinds_hold_on_the_data(built: Built):
    """Every qz: property the store uses: an owl:ObjectProperty has IRI values and an
    owl:DatatypeProperty literals; subjects are in its rdfs:domain and values in its rdfs:range."""
    onto: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for g, t in built.quads:
        if g == ONTOLOGY_GRAPH and t.subject.value.startswith(QZ):
            onto[t.subject.value][t.predicate.value].add(t.object.value)

    def in_class(node, cls: str) -> bool:
        return any(built.instance_of(node, c) for c in built.unions.get(cls, {cls}))

    problems = []
    for _g, t in built.data():
        p = t.predicate.value
        if not p.startswith(QZ):
            continue
        decl = onto.get(p)
        if decl is None:
            problems.append(f"{short(p)} is not declared")
            continue
        kinds = decl[RDF_TYPE]
        if OWL + "ObjectProperty" in kinds and isinstance(t.object, ox.Literal):
            problems.append(f"{short(p)} is an owl:ObjectProperty with a literal value: {t.object}")
        if OWL + "DatatypeProperty" in kinds and not isinstance(t.object, ox.Literal):
            problems.append(f"{short(p)} is an owl:DatatypeProperty with a node value: {t.object}")
        for cls in decl[RDFS + "domain"]:
            if not in_class(t.subject, cls):
                problems.append(f"{short(p)}: {t.subject.value} is not in its domain {short(cls)}")
        for rng in decl[RDFS + "range"]:
            if isinstance(t.object, ox.Literal):
                ok = (t.object.language is not None) if rng == RDF + "langString" else (
                    rng == RDFS + "Literal" or (t.object.language is None and t.object.datatype.value == rng))
            else:
                ok = in_class(t.object, rng)
            if not ok:
                problems.append(f"{short(p)}: {t.object} is not in its range {short(rng)}")
    assert not problems, "\n".join(sorted(set(problems))[:40])
