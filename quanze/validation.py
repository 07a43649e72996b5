"""SHACL validation (校验) of items, devolution actions and what they point to.

One entry point, :func:`validate` (:func:`validate_pending` is the same run on a load that is not
yet written, for :func:`quanze.lists.load_list`). It

1. **collects a subgraph** from the store with a few batched lookups (``VALUES`` blocks of IRIs):
   the focus items and actions, the actions on those items, their related items (both
   directions) with the levels and actions the 一链办理 rule needs, the cited provisions with
   their ancestors (up to the instrument version), the paragraphs and points under a cited
   article or paragraph and the paragraph above a cited point, with their level assignments, the
   organisations, regions and zones referred to, and — with ``focus=None`` — every organisation
   and region. The law corpus (1.1 M triples) is never copied wholesale;
2. adds the **ontology** (levels with ``qz:rank``/``qz:above``, concepts, the class hierarchy), so
   ``sh:targetClass``/``sh:class`` follow ``rdfs:subClassOf`` without inference;
3. **validates** with pyshacl (the reference engine, ``inference="none"``) against every
   ``shapes/*.ttl`` merged. With ``engine="fast"`` (the default) the SPARQL-based constraints
   (``sh:sparql``) are taken out of pyshacl's shapes graph and run in bulk instead: one query per
   constraint on an in-memory Oxigraph copy of the same subgraph, ``$this`` joined to the focus
   nodes with ``VALUES`` instead of one pre-bound query per focus node. The results are the same
   (``tests/test_validation.py`` checks it against ``engine="pyshacl"``); the shapes are written
   so that pre-binding and joining agree (``$this`` is bound in every group that filters on it);
4. **reports** findings a person can use: item code and name instead of IRIs, provisions as
   《标题》第X条第Y款, levels and concepts by label, in Chinese or English.

Incremental runs (``focus=[…]``) validate the focus items, the items of focus actions, every
action on those items, and the provisions, instrument versions, organisations and regions they
refer to (a provision, version, organisation or region may also be given as focus). Related
items are context only: they are read, not reported on (a related item's own findings appear when
it is validated itself, or with ``focus=None``).

pyshacl's own ``focus_nodes`` option is not used: pyshacl 0.40 applies it to the value nodes of
nested shapes too (an ``sh:not`` over a value then always fails), which changes results. Instead
every target in the (small) subgraph is validated and results are kept for the checked nodes.

pyshacl drops the language tag of a SPARQL constraint's message when it fills in ``{?var}``; the
reference run puts it back by matching the templates, so both engines report ``@zh`` and ``@en``.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal as TypingLiteral
from urllib.parse import unquote

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from quanze.namespaces import ELI, ID, QZ, RDF, RDFS, SH, SKOS, XSD
from quanze.numerals import to_chinese
from quanze.store import Iri, Store, bind

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY = ROOT / "ontology" / "quanze.ttl"

Engine = TypingLiteral["fast", "pyshacl"]

#: IRIs per VALUES block in the lookups of the collection step.
CHUNK = 1000
#: Focus nodes validated together; more are validated in batches of this size.
BATCH = 5000

_SEVERITIES = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_SEVERITY_WORDS = {
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
}
_XSD_STRING = str(XSD.string)
_RDF_TYPE = str(RDF.type)


# --- findings and the report -----------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One validation result, made readable.

    ``focus``/``shape``/``path``/``value`` keep the IRIs (or the literal's text); the ``*_code``,
    ``*_name`` and ``*_label`` fields say the same for people. ``message`` and ``shape_name`` are
    in the report's language; ``messages`` and ``shape_names`` hold every language given.
    """

    focus: str
    focus_code: str | None
    focus_name: str | None
    shape: str
    shape_name: str
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    path: str | None
    value: str | None
    value_label: str | None
    component: str = ""
    constraint: str | None = None
    value_term: Node | None = field(default=None, compare=False, hash=False, repr=False)
    messages: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    shape_names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def key(self) -> tuple[int, str, str, str, str, str, str]:
        """A stable order, the same in every language."""
        return (_SEVERITY_ORDER.get(self.severity, 9), self.focus_code or "~", self.focus, self.shape,
                self.path or "", self.value or "", "\n".join(sorted(self.messages.values())))


@dataclass
class Report:
    """The outcome of :func:`validate`.

    ``conforms`` follows SHACL: no result of any severity. For the CLI, :meth:`exit_code` is 0
    when there are no violations (warnings only → 0 unless ``strict``), else 1.
    """

    results: list[Finding]
    focus: list[str] = field(default_factory=list)  # every node that was validated
    lang: str = "zh"
    engine: str = "fast"
    timings: dict[str, float] = field(default_factory=dict)
    labels: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, repr=False)  # node → (code, name)
    items: dict[str, str] = field(default_factory=dict, repr=False)  # item code → name

    @property
    def conforms(self) -> bool:
        return not self.results

    @property
    def violations(self) -> int:
        return sum(1 for f in self.results if f.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.results if f.severity == "Warning")

    def exit_code(self, strict: bool = False) -> int:
        if self.violations or (strict and self.results):
            return 1
        return 0

    # -- serialisations --

    def to_dict(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "validated": len(self.focus),
            "engine": self.engine,
            "lang": self.lang,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "results": [{k: v for k, v in asdict(f).items() if k not in ("messages", "shape_names", "value_term")}
                        | {"messages": dict(f.messages)} for f in self.results],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        """Grouped by item: code and name, then each rule broken, its message and the offending value."""
        zh = self.lang == "zh"
        words = _SEVERITY_WORDS.get(self.lang, _SEVERITY_WORDS["en"])
        if not self.results:
            return ("校验通过：{} 个节点，无违规、无警告" if zh else "Conforms: {} nodes validated, no violations, no warnings"
                    ).format(len(self.focus))
        groups: dict[str, list[Finding]] = defaultdict(list)
        titles: dict[str, str] = {}
        for f in self.results:
            key = f.focus_code or f.focus
            groups[key].append(f)
            if f.focus_code:
                titles[key] = f"{f.focus_code} {self.items.get(f.focus_code, '')}".rstrip()
            else:
                titles[key] = f.focus_name or f.focus
        lines = [("校验结果：{} 个违规，{} 个警告（共校验 {} 个节点）" if zh else
                  "Validation: {} violation(s), {} warning(s) ({} nodes validated)").format(
            self.violations, self.warnings, len(self.focus))]
        for key, findings in sorted(groups.items()):
            lines.append("")
            lines.append(titles[key])
            for f in findings:
                mark = "✗" if f.severity == "Violation" else "!"
                lines.append(f"  {mark} {words.get(f.severity, f.severity)} [{f.shape_name}] {f.message}")
                if f.focus.startswith(str(ID["action/"])) and f.focus_name:
                    lines.append(("      调整：" if zh else "      action: ") + f.focus_name)
                if f.value is not None and f.value != f.focus:
                    lines.append(("      涉及：" if zh else "      value: ") + (f.value_label or f.value))
        return "\n".join(lines)

    def _result_triples(self, report: ox.NamedNode | ox.BlankNode,
                        mint: Iterator[ox.NamedNode | ox.BlankNode]) -> list[ox.Triple]:
        sh = str(SH)
        out = [ox.Triple(report, ox.NamedNode(_RDF_TYPE), ox.NamedNode(sh + "ValidationReport")),
               ox.Triple(report, ox.NamedNode(sh + "conforms"), _ox_bool(self.conforms))]
        for f in sorted(self.results, key=Finding.key):
            r = next(mint)
            out.append(ox.Triple(report, ox.NamedNode(sh + "result"), r))

            def add(p: str, o: ox.NamedNode | ox.Literal | None, r: ox.NamedNode | ox.BlankNode = r) -> None:
                if o is not None:
                    out.append(ox.Triple(r, ox.NamedNode(sh + p), o))

            out.append(ox.Triple(r, ox.NamedNode(_RDF_TYPE), ox.NamedNode(sh + "ValidationResult")))
            add("focusNode", _ox_iri(f.focus))
            add("resultSeverity", ox.NamedNode(sh + f.severity))
            add("sourceShape", _ox_iri(f.shape))
            add("sourceConstraintComponent", _ox_iri(f.component) if f.component else None)
            add("sourceConstraint", _ox_iri(f.constraint) if f.constraint else None)
            add("resultPath", _ox_iri(f.path) if f.path else None)
            if f.value_term is not None and not isinstance(f.value_term, BNode):
                add("value", _ox(f.value_term))
            for lang, text in sorted(f.messages.items()):
                add("resultMessage", ox.Literal(text, language=lang) if lang else ox.Literal(text))
        return out

    def to_triples(self, report_graph_iri: str) -> set[ox.Triple]:
        """The report as IRI-only triples, to be stored as the named graph ``report_graph_iri``.

        The report node is the graph IRI itself; result ``i`` (1-based, in a stable order) is
        ``{report_graph_iri}/result/{i}``, so re-validating unchanged data gives the same triples.
        """
        base = report_graph_iri.rstrip("/")
        mint = (ox.NamedNode(f"{base}/result/{i}") for i in range(1, len(self.results) + 1))
        return set(self._result_triples(ox.NamedNode(report_graph_iri), mint))

    def to_turtle(self) -> str:
        """The standard ``sh:ValidationReport`` (results as blank nodes) in Turtle."""
        mint = (ox.BlankNode() for _ in self.results)
        triples = self._result_triples(ox.BlankNode(), mint)
        g = Graph()
        g.bind("sh", str(SH))
        for prefix, ns in (("qz", QZ), ("qzid", ID), ("qzs", "https://w3id.org/quanze/shapes#"),
                           ("level", ID["level/"])):
            g.bind(prefix, str(ns))
        for t in triples:
            g.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
        return g.serialize(format="turtle")

    def to_junit(self, suite: str = "quanze-shacl") -> str:
        """JUnit XML: one test case per validated node, one failure per violation; warnings go
        to the test case's ``system-out``."""
        by_focus: dict[str, list[Finding]] = defaultdict(list)
        for f in self.results:
            by_focus[f.focus].append(f)
        nodes = list(dict.fromkeys([*self.focus, *by_focus]))
        root = ET.Element("testsuites")
        ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(nodes)),
                           failures=str(sum(1 for n in nodes if any(f.severity == "Violation" for f in by_focus[n]))),
                           errors="0", skipped="0", time=f"{sum(self.timings.values()):.3f}")
        for node in sorted(nodes, key=lambda n: (self.labels.get(n, (None, None))[0] or "~", n)):
            code, name = self.labels.get(node, (None, None))
            case = ET.SubElement(ts, "testcase", classname=code or _kind(node), name=f"{code or ''} {name or node}".strip())
            warnings = []
            for f in by_focus.get(node, []):
                detail = f"{f.message}\n{f.value_label or f.value or ''}".strip()
                if f.severity == "Violation":
                    ET.SubElement(case, "failure", message=f.message, type=f.shape_name).text = detail
                else:
                    warnings.append(f"[{f.severity}] {f.shape_name}: {detail}")
            if warnings:
                ET.SubElement(case, "system-out").text = "\n".join(warnings)
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _kind(node: str) -> str:
    tail = node.removeprefix(str(ID))
    return tail.split("/", 1)[0] if tail != node else "node"


# --- RDF term helpers ------------------------------------------------------------------------

def _rdflib(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph) -> Node:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value) if dt == _XSD_STRING else Literal(t.value, datatype=URIRef(dt))
    raise TypeError(f"not an RDF term: {t!r}")


def _ox_iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _ox(term: Node) -> ox.NamedNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an IRI or literal: {term!r}")


def _ox_bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


# --- shapes and ontology (parsed once) -------------------------------------------------------

@dataclass
class _SparqlConstraint:
    shape: URIRef
    node: URIRef | BNode
    query: str  # prefixes + select text, $this → ?this, with a ``#VALUES-THIS#`` marker
    messages: list[Literal]
    severity: URIRef
    target_classes: list[URIRef]


@dataclass
class _Shapes:
    full: Graph
    core: Graph  # ``full`` without sh:sparql: what pyshacl runs in fast mode
    sparql: list[_SparqlConstraint]
    names: dict[str, dict[str, str]]  # shape → {lang: name}, property shapes prefixed by their node shape


_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@lru_cache(maxsize=4)
def _load_shapes(directory: str) -> _Shapes:
    files = sorted(Path(directory).glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"没有 SHACL 规则文件 / no shapes in {directory}")
    full = Graph()
    for f in files:
        full.parse(f, format="turtle")
    core = Graph()
    for t in full:
        if t[1] != SH.sparql:
            core.add(t)
    for prefix, ns in full.namespaces():
        core.bind(prefix, ns)

    def lang_map(node: Node, pred: URIRef) -> dict[str, str]:
        return {(o.language or ""): str(o) for o in full.objects(node, pred) if isinstance(o, Literal)}

    names: dict[str, dict[str, str]] = {}
    for shape in set(full.subjects(SH.name, None)):
        own = lang_map(shape, SH.name)
        parents = list(full.subjects(SH.property, shape))
        if parents:
            parent = lang_map(parents[0], SH.name)
            own = {lang: f"{parent.get(lang, '')}：{text}" if lang == "zh" else f"{parent.get(lang, '')}: {text}"
                   for lang, text in own.items()}
        names[str(shape)] = own

    constraints = []
    for shape, node in full.subject_objects(SH.sparql):
        select = full.value(node, SH.select)
        if select is None:
            raise ValueError(f"{node}: sh:select missing")
        prefixes = ""
        for decl_owner in full.objects(node, SH.prefixes):
            for decl in full.objects(decl_owner, SH.declare):
                prefixes += f"PREFIX {full.value(decl, SH.prefix)}: <{full.value(decl, SH.namespace)}>\n"
        text = _THIS.sub("?this", str(select))
        m = _WHERE.search(text)
        if m is None:
            raise ValueError(f"{node}: no WHERE clause")
        text = text[:m.end()] + " #VALUES-THIS# " + text[m.end():]
        other_targets = [p for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                         if full.value(shape, p) is not None]
        if other_targets:
            raise NotImplementedError(f"{shape}: bulk SPARQL constraints support sh:targetClass only")
        constraints.append(_SparqlConstraint(
            shape=shape, node=node, query=prefixes + text,
            messages=[m for m in full.objects(node, SH.message) if isinstance(m, Literal)],
            severity=full.value(shape, SH.severity) or SH.Violation,
            target_classes=[c for c in full.objects(shape, SH.targetClass) if isinstance(c, URIRef)]))
    constraints.sort(key=lambda c: (str(c.shape), str(c.node)))
    return _Shapes(full, core, constraints, names)


@dataclass
class _Ontology:
    triples: list[ox.Triple]
    rdflib_triples: list[tuple[Node, Node, Node]]
    item_classes: set[str]  # qz:Item and every subclass
    region_classes: set[str]


@lru_cache(maxsize=2)
def _load_ontology(path: str) -> _Ontology:
    triples = [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)]
    sub: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == str(RDFS.subClassOf) and isinstance(t.object, ox.NamedNode):
            sub[t.object.value].add(t.subject.value)

    def closure(root: str) -> set[str]:
        out, todo = {root}, [root]
        while todo:
            for c in sub.get(todo.pop(), ()):
                if c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    return _Ontology(triples, [(_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)) for t in triples],
                     closure(str(QZ.Item)), closure(str(QZ.Region)))


# --- collecting the subgraph -----------------------------------------------------------------

class _View:
    """The store as validation sees it: optionally with some graphs replaced by pending content
    (a load being validated before it is committed). Every lookup is one triple pattern, so the
    store and the pending overlay can be asked separately and their answers united."""

    def __init__(self, store: Store, replace: Mapping[str, set[ox.Triple]] | None = None):
        self.store = store
        self.excluded = sorted(replace or {})
        self.overlay: ox.Store | None = None
        if replace:
            self.overlay = ox.Store()
            self.overlay.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                                for g, ts in replace.items() for t in ts)

    def _pattern(self, triple: str) -> str:
        if not self.excluded:
            return triple
        names = ", ".join(f"<{g}>" for g in self.excluded)
        return f"GRAPH ?g {{ {triple} }} FILTER (?g NOT IN ({names}))"

    def _construct(self, template: str, triple: str, bindings: Mapping[str, list[Iri]], where: str = "") -> set[ox.Triple]:
        out: set[ox.Triple] = set()
        values = "".join(f"VALUES ?{v} {{ UNDEF }} " for v in bindings)
        query = f"CONSTRUCT {{ {template} }} WHERE {{ {values}{self._pattern(triple)} {where} }}"
        out |= self.store.construct(query, bindings)
        if self.overlay is not None:
            text = f"CONSTRUCT {{ {template} }} WHERE {{ {values}{triple} {where} }}"
            out |= set(self.overlay.query(bind(text, bindings), use_default_graph_as_union=True))
        return out

    def describe(self, subjects: Iterable[str], predicates: Sequence[str] | None = None) -> set[ox.Triple]:
        """Every triple whose subject is one of ``subjects`` (and predicate one of ``predicates``)."""
        # The predicates are a FILTER, not a second VALUES block: with two VALUES blocks Oxigraph
        # may scan the predicate index instead of looking the subjects up.
        where = f"FILTER (?p IN ({', '.join(f'<{p}>' for p in predicates)}))" if predicates else ""
        out: set[ox.Triple] = set()
        for chunk in _chunks(sorted(set(subjects))):
            out |= self._construct("?s ?p ?o", "?s ?p ?o", {"s": [Iri(s) for s in chunk]}, where)
        return out

    def referrers(self, predicate: str, objects: Iterable[str]) -> set[ox.Triple]:
        """Every triple ``?s <predicate> ?o`` with ``?o`` one of ``objects``."""
        out: set[ox.Triple] = set()
        for chunk in _chunks(sorted(set(objects))):
            out |= self._construct(f"?s <{predicate}> ?o", f"?s <{predicate}> ?o", {"o": [Iri(o) for o in chunk]})
        return out

    def instances(self, classes: Iterable[str]) -> set[str]:
        triples = self._construct(f"?s <{_RDF_TYPE}> ?c", f"?s <{_RDF_TYPE}> ?c",
                                  {"c": [Iri(c) for c in sorted(classes)]})
        return {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _objects(triples: Iterable[ox.Triple], *predicates: str) -> set[str]:
    return {t.object.value for t in triples if t.predicate.value in predicates and isinstance(t.object, ox.NamedNode)}


def _typed(triples: Iterable[ox.Triple], classes: set[str]) -> set[str]:
    return {t.subject.value for t in triples
            if t.predicate.value == _RDF_TYPE and t.object.value in classes and isinstance(t.subject, ox.NamedNode)}


_P = {k: str(v) for k, v in {
    "onItem": QZ.onItem, "relatedItem": QZ.relatedItem, "legalBasis": QZ.legalBasis,
    "implementationBasis": QZ.implementationBasis, "partOf": ELI.is_part_of, "assigns": QZ.assigns,
    "implementingBody": QZ.implementingBody, "entrustingBody": QZ.entrustingBody, "toBody": QZ.toBody,
    "region": QZ.region, "toZone": QZ.toZone, "code": QZ.code, "name": QZ.name,
    "subItemName": QZ.subItemName, "exercisedAt": QZ.exercisedAt, "actionType": QZ.actionType,
    "toLevel": QZ.toLevel, "level": QZ.level, "ordinal": QZ.ordinal, "number": ELI.number,
    "title": ELI.title, "prefLabel": SKOS.prefLabel, "label": RDFS.label, "versionDate": ELI.version_date,
}.items()}
_DEVOLUTION_ACTION = str(QZ.DevolutionAction)
_PROVISION_CLASSES = {str(QZ.Article), str(QZ.Paragraph), str(QZ.Point)}
_VERSION = str(QZ.InstrumentVersion)


@dataclass
class _Subgraph:
    triples: set[ox.Triple]
    checked: set[str]  # the nodes whose results are reported


def _collect(view: _View, seeds: Sequence[str], onto: _Ontology) -> _Subgraph:
    """The subgraph that validating ``seeds`` (items, actions, provisions, versions, organisations,
    regions) needs, and the nodes whose results are reported."""
    triples: set[ox.Triple] = set()
    seed_triples = view.describe(seeds)
    triples |= seed_triples
    items = _typed(seed_triples, onto.item_classes)
    actions = _typed(seed_triples, {_DEVOLUTION_ACTION}) | {
        t.subject.value for t in seed_triples if t.predicate.value == _P["onItem"]}

    # Items of focus actions are validated too (rules such as 涉及安全的事项不下放 sit on the item).
    more = _objects(seed_triples, _P["onItem"]) - items
    if more:
        triples |= view.describe(more)
        items |= more
    # Every action on those items.
    on_items = view.referrers(_P["onItem"], items)
    new_actions = {t.subject.value for t in on_items} - actions
    actions |= new_actions
    if new_actions:
        triples |= view.describe(new_actions)
    triples |= on_items
    item_triples = [t for t in triples if t.subject.value in items]
    action_triples = [t for t in triples if t.subject.value in actions]
    checked = items | actions

    # Related items, both directions: the levels, actions and labels the 一链办理 rule needs.
    reverse = view.referrers(_P["relatedItem"], items)
    triples |= reverse
    related = (_objects(item_triples, _P["relatedItem"]) | {t.subject.value for t in reverse}) - items
    if related:
        triples |= view.describe(related, [_RDF_TYPE, _P["code"], _P["name"], _P["subItemName"], _P["exercisedAt"]])
        related_actions = view.referrers(_P["onItem"], related)
        triples |= related_actions
        triples |= view.describe({t.subject.value for t in related_actions},
                                 [_RDF_TYPE, _P["onItem"], _P["actionType"], _P["toLevel"], _P["toZone"]])

    # Cited provisions (and provisions given as focus), their ancestors up to the instrument
    # version, and level assignments.
    cited = _objects(item_triples, _P["legalBasis"], _P["implementationBasis"]) | _typed(
        seed_triples, _PROVISION_CLASSES | {_VERSION})
    provision_triples = view.describe(cited)
    triples |= provision_triples
    checked |= cited
    seen = set(cited)
    frontier = _objects(provision_triples, _P["partOf"]) - seen
    ancestors: set[ox.Triple] = set()
    for _ in range(8):
        if not frontier:
            break
        seen |= frontier
        found = view.describe(frontier)
        ancestors |= found
        frontier = _objects(found, _P["partOf"]) - seen
    triples |= ancestors
    checked |= _typed(provision_triples | ancestors, {_VERSION})
    # Paragraphs and points under a cited article or paragraph.
    parents = _typed(provision_triples, {str(QZ.Article), str(QZ.Paragraph)})
    below: set[ox.Triple] = set()
    for _ in range(2):
        if not parents:
            break
        children = view.referrers(_P["partOf"], parents)
        below |= children
        kids = {t.subject.value for t in children}
        below |= view.describe(kids, [_RDF_TYPE, _P["assigns"], _P["ordinal"], _P["number"]])
        parents = kids
    triples |= below
    assignments = _objects(provision_triples | ancestors | below, _P["assigns"])
    triples |= view.describe(assignments)

    # Organisations, their regions, and receiving zones.
    orgs = (_objects(item_triples, _P["implementingBody"]) | _objects(action_triples, _P["entrustingBody"], _P["toBody"])
            | _typed(seed_triples, {str(QZ.PublicAuthority)}))
    org_triples = view.describe(orgs)
    triples |= org_triples
    checked |= orgs
    regions = (_objects(org_triples, _P["region"]) | _objects(action_triples, _P["toZone"])
               | _typed(seed_triples, onto.region_classes))
    triples |= view.describe(regions)
    checked |= regions
    return _Subgraph(triples, checked)


# --- running the shapes ----------------------------------------------------------------------

@dataclass
class _Raw:
    """One result, as rdflib terms."""

    focus: Node
    shape: Node
    severity: Node
    component: Node | None
    constraint: Node | None
    path: Node | None
    value: Node | None
    messages: list[Literal]


def _from_report_graph(g: Graph) -> list[_Raw]:
    out = []
    for r in g.subjects(RDF.type, SH.ValidationResult):
        out.append(_Raw(
            focus=g.value(r, SH.focusNode), shape=g.value(r, SH.sourceShape), severity=g.value(r, SH.resultSeverity),
            component=g.value(r, SH.sourceConstraintComponent), constraint=g.value(r, SH.sourceConstraint),
            path=g.value(r, SH.resultPath), value=g.value(r, SH.value),
            messages=[m for m in g.objects(r, SH.resultMessage) if isinstance(m, Literal)]))
    return out


def _run_pyshacl(data: Graph, shapes: Graph) -> list[_Raw]:
    _conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False,
        allow_warnings=False, allow_infos=False, meta_shacl=False, debug=False)
    return _from_report_graph(report_graph)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("^" + "(.*?)".join(re.escape(p) for p in parts) + "$", re.DOTALL)


def _restore_languages(raws: list[_Raw], shapes: _Shapes) -> None:
    """pyshacl drops the language tag of a SPARQL constraint's message once it has filled in the
    ``{?var}`` placeholders; put it back by matching each message against the templates."""
    templates = {str(c.node): [(_template_regex(str(m)), m.language) for m in c.messages] for c in shapes.sparql}
    for raw in raws:
        candidates = templates.get(str(raw.constraint))
        if not candidates:
            continue
        fixed = []
        for m in raw.messages:
            lang = m.language or next((lg for rx, lg in candidates if rx.match(str(m))), None)
            fixed.append(Literal(str(m), lang=lang) if lang else m)
        raw.messages = fixed


def _format_message(message: str, bindings: Mapping[str, Node]) -> str:
    """``{?var}`` / ``{$var}`` placeholders, filled as pyshacl fills them."""
    for var, val in bindings.items():
        message = re.sub(rf"{{[?$]{var}}}", str(val).replace("\\", "\\\\"), message)
    return message


def _run_sparql_bulk(data: ox.Store, shapes: _Shapes, checked: set[str]) -> list[_Raw]:
    """Each SPARQL-based constraint once, over all its focus nodes (``VALUES ?this``)."""
    out: list[_Raw] = []
    instances: dict[str, set[str]] = {}
    for c in shapes.sparql:
        targets: set[str] = set()
        for cls in c.target_classes:
            if str(cls) not in instances:
                rows = data.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{_RDF_TYPE}>/<{RDFS.subClassOf}>* <{cls}> }}")
                instances[str(cls)] = {r["x"].value for r in rows if isinstance(r["x"], ox.NamedNode)}
            targets |= instances[str(cls)] & checked
        for chunk in _chunks(sorted(targets), 5000):
            values = "VALUES ?this { " + " ".join(f"<{t}>" for t in chunk) + " }"
            solutions = data.query(c.query.replace("#VALUES-THIS#", values))
            assert isinstance(solutions, ox.QuerySolutions)
            variables = [v.value for v in solutions.variables]
            seen: set[tuple[tuple[str, Node], ...]] = set()
            for row in solutions:
                bound = {v: _rdflib(row[v]) for v in variables if row[v] is not None}
                key = tuple(sorted(bound.items()))
                if key in seen:
                    continue
                seen.add(key)
                this = bound.get("this")
                if this is None:
                    continue
                value = bound.get("value", this)
                fill = dict(bound) | {"value": value}
                out.append(_Raw(
                    focus=this, shape=c.shape, severity=c.severity, component=SH.SPARQLConstraintComponent,
                    constraint=c.node, path=bound.get("path"), value=value,
                    messages=[Literal(_format_message(str(m), fill), lang=m.language) for m in c.messages]))
    return out


# --- labels ----------------------------------------------------------------------------------

_PROVISION_IRI = re.compile(r"^(?P<version>.*/law/(?P<title>[^/]+)/[^/]+)/art_(?P<art>\d+)(?:-(?P<ins>\d+))?"
                            r"(?:/par_(?P<par>\d+))?(?:/pt_(?P<pt>\d+))?$")


class _Labels:
    """Human labels for the nodes of the subgraph (item code + name, 《标题》第X条第Y款, level names)."""

    def __init__(self, triples: Iterable[ox.Triple], lang: str):
        self.lang = lang
        self.props: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.props[t.subject.value][t.predicate.value].append(t.object)

    def _one(self, node: str, pred: str) -> str | None:
        values = self.props.get(node, {}).get(pred, [])
        return values[0].value if values else None

    def _lang(self, node: str, *preds: str) -> str | None:
        for pred in preds:
            values = [v for v in self.props.get(node, {}).get(pred, []) if isinstance(v, ox.Literal)]
            for want in (self.lang, "zh", "en", None):
                for v in values:
                    if (v.language or None) == want:
                        return v.value
        return None

    def _types(self, node: str) -> set[str]:
        return {v.value for v in self.props.get(node, {}).get(_RDF_TYPE, [])}

    def item(self, node: str) -> tuple[str | None, str | None]:
        code, name = self._one(node, _P["code"]), self._one(node, _P["name"])
        sub = self._one(node, _P["subItemName"])
        if name and sub:
            name = f"{name}（{sub}）" if self.lang == "zh" else f"{name} ({sub})"
        return code, name

    def action(self, node: str) -> tuple[str | None, str | None]:
        item = self._one(node, _P["onItem"])
        code, name = self.item(item) if item else (None, None)
        kind = self.label(self._one(node, _P["actionType"]) or "")
        to = self._one(node, _P["toLevel"]) or self._one(node, _P["toZone"])
        what = f"{kind} → {self.label(to)}" if to else kind
        sep = ("（", "）") if self.lang == "zh" else (" (", ")")
        return code, f"{name or item or ''}{sep[0]}{what}{sep[1]}"

    def provision(self, node: str) -> str | None:
        m = _PROVISION_IRI.match(node)
        if not m:
            return None
        title = self._one(m["version"], _P["title"]) or unquote(m["title"])
        article = self._one(f"{m['version']}/art_{m['art']}" + (f"-{m['ins']}" if m["ins"] else ""), _P["number"])
        if not article:
            article = f"第{to_chinese(int(m['art']))}条" + (f"之{to_chinese(int(m['ins']))}" if m["ins"] else "")
        out = f"《{title}》{article}"
        if m["par"]:
            out += f"第{to_chinese(int(m['par']))}款"
        if m["pt"]:
            out += f"第{to_chinese(int(m['pt']))}项"
        return out

    def label(self, node: str | None) -> str:
        if not node:
            return ""
        types = self._types(node)
        if _DEVOLUTION_ACTION in types or self._one(node, _P["onItem"]):
            return self.action(node)[1] or node
        code, name = self.item(node)
        if code:
            return f"{code} {name or ''}".rstrip()
        if types & _PROVISION_CLASSES or _PROVISION_IRI.match(node):
            return self.provision(node) or node
        if _VERSION in types:
            title, date = self._one(node, _P["title"]), self._one(node, _P["versionDate"])
            return f"《{title}》（{date}）" if date else f"《{title}》"
        return self._lang(node, _P["prefLabel"], _P["label"], _P["title"]) or node

    def focus(self, node: str) -> tuple[str | None, str | None]:
        """(code, name) of a focus node: an item's own, an action's item code and a description."""
        types = self._types(node)
        if _DEVOLUTION_ACTION in types or self._one(node, _P["onItem"]):
            return self.action(node)
        code, name = self.item(node)
        if code or name:
            return code, name
        return None, self.label(node)


def _finding(raw: _Raw, labels: _Labels, shapes: _Shapes, lang: str) -> Finding:
    focus = str(raw.focus)
    code, name = labels.focus(focus)
    messages = {(m.language or ""): str(m) for m in raw.messages}
    names = shapes.names.get(str(raw.shape), {})
    value = raw.value
    value_text = _text(value)
    if value is None:
        value_label = None
    elif isinstance(value, URIRef):
        value_label = labels.label(str(value))
    else:
        value_label = str(value)
    return Finding(
        focus=focus, focus_code=code, focus_name=name, shape=str(raw.shape),
        shape_name=names.get(lang) or names.get("zh") or names.get("en") or str(raw.shape),
        severity=_SEVERITIES.get(str(raw.severity), str(raw.severity)),
        message=messages.get(lang) or messages.get("zh") or messages.get("en") or next(iter(messages.values()), ""),
        path=_text(raw.path) if isinstance(raw.path, URIRef) else None,
        value=value_text, value_label=value_label,
        component=_text(raw.component) or "", constraint=_text(raw.constraint) if isinstance(raw.constraint, URIRef) else None,
        value_term=value, messages=messages, shape_names=names)


# --- the entry point -------------------------------------------------------------------------

def validate(store: Store, focus: list[str] | None = None, *, lang: str = "zh",
             replace: Mapping[str, set[ox.Triple]] | None = None, engine: Engine = "fast",
             shapes: Path | str | None = None, ontology: Path | str | None = None) -> Report:
    """Validate the whole store (``focus=None``, ``quanze validate --all``) or only the given item
    and action IRIs with their neighbours (incremental).

    ``replace`` maps graph IRIs to pending content: the store is seen as if those graphs held
    exactly those triples (validation before a load is committed). ``engine="pyshacl"`` runs the
    SPARQL-based constraints through pyshacl too, one query per focus node (slower; the reference
    the fast path is tested against). ``lang`` ("zh" or "en") picks messages and labels.
    More than :data:`BATCH` focus nodes are validated in batches (memory stays bounded; results
    do not depend on the batching, as every batch reads the full neighbourhood of its nodes).
    """
    onto = _load_ontology(str(ontology or ONTOLOGY))
    bundle = _load_shapes(str(shapes or SHAPES_DIR))
    view = _View(store, replace)
    if focus is None:
        # Every item and action, then every organisation and region (reference data).
        seeds = sorted(view.instances(onto.item_classes | {_DEVOLUTION_ACTION}))
        seeds += sorted(view.instances({str(QZ.PublicAuthority)} | onto.region_classes) - set(seeds))
    else:
        seeds = list(dict.fromkeys(str(f) for f in focus))
    reports = [_validate_once(view, list(batch), onto, bundle, lang, engine)
               for batch in _chunks(seeds, BATCH)] or [_validate_once(view, [], onto, bundle, lang, engine)]
    if len(reports) == 1:
        return reports[0]
    merged = Report(sorted({f for r in reports for f in r.results}, key=Finding.key),
                    sorted({n for r in reports for n in r.focus}), lang, engine)
    for r in reports:
        for k, v in r.timings.items():
            merged.timings[k] = merged.timings.get(k, 0.0) + v
        merged.labels.update(r.labels)
        merged.items.update(r.items)
    return merged


def _validate_once(view: _View, seeds: list[str], onto: _Ontology, bundle: _Shapes, lang: str,
                   engine: Engine) -> Report:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sub = _collect(view, seeds, onto)
    t1 = time.perf_counter()
    timings["collect"] = t1 - t0

    data = Graph()
    add = data.add
    for s, p, o in onto.rdflib_triples:
        add((s, p, o))
    for t in sub.triples:
        add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    t2 = time.perf_counter()
    timings["graph"] = t2 - t1

    if engine == "pyshacl":
        raws = _run_pyshacl(data, bundle.full)
        _restore_languages(raws, bundle)
        t3 = time.perf_counter()
        timings["shacl"] = t3 - t2
    else:
        raws = _run_pyshacl(data, bundle.core)
        t3 = time.perf_counter()
        timings["shacl"] = t3 - t2
        ox_data = ox.Store()
        ox_data.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                       for t in [*onto.triples, *sub.triples])
        raws += _run_sparql_bulk(ox_data, bundle, sub.checked)
        timings["sparql"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    labels = _Labels([*onto.triples, *sub.triples], lang)
    findings = sorted({_finding(r, labels, bundle, lang) for r in raws if str(r.focus) in sub.checked},
                      key=Finding.key)
    validated = sorted(sub.checked)
    items: dict[str, str] = {}
    for node in list(labels.props):
        code, name = labels.item(node)
        if code:
            items[code] = name or ""
    report = Report(findings, validated, lang, engine, timings,
                    labels={n: labels.focus(n) for n in validated}, items=items)
    timings["report"] = time.perf_counter() - t4
    return report


def validate_pending(store: Store, graph: str, triples: set[ox.Triple], focus: list[str], *,
                     lang: str = "zh") -> Report:
    """The after-load hook of :func:`quanze.lists.load_list`: validate ``focus`` as if ``graph``
    already held ``triples`` (nothing is written).

    A load answers for what it brings: findings on the focus nodes and on anything the load itself
    defines are all kept; on the other nodes validated with them (the items of the actions in an
    adjustments list, cited provisions, organisations) only the findings the load *causes* are
    kept, i.e. those that are not there when the store is validated without ``graph``. So a list
    of adjustments is not rejected for an item's old problems, but is for a 一链办理 it breaks.
    """
    after = validate(store, focus, lang=lang, replace={graph: triples})
    own = set(focus) | {t.subject.value for t in triples}
    others = sorted({f.focus for f in after.results} - own)
    if not others:
        return after
    before = validate(store, others, lang=lang, replace={graph: set()})
    old = {_key(f) for f in before.results}
    after.results = [f for f in after.results if f.focus in own or _key(f) not in old]
    return after


def _key(f: Finding) -> tuple[object, ...]:
    return (f.focus, f.shape, f.constraint, f.path, f.value, tuple(sorted(f.messages.items())))


__all__ = ["Finding", "Report", "validate", "validate_pending"]
