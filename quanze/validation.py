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
3. **validates** against every ``shapes/*.ttl`` merged. ``engine="pyshacl"`` runs pyshacl (the
   reference engine, ``inference="none"``) on an rdflib copy of the subgraph. ``engine="fast"``
   (the default) gives the same results (``tests/test_validation.py`` checks it against
   ``engine="pyshacl"``, with a failing example for every kind of constraint) without pyshacl:

   - the SPARQL-based constraints (``sh:sparql``) run in bulk: one query per constraint on an
     in-memory Oxigraph copy of the subgraph, ``$this`` joined to the focus nodes with ``VALUES``
     instead of one pre-bound query per focus node; the shapes are written so that pre-binding
     and joining agree (``$this`` is bound in every group that filters on it);
   - the core constraints the shapes use (``sh:minCount``, ``sh:maxCount``, ``sh:datatype``,
     ``sh:class``, ``sh:in``, ``sh:pattern``, ``sh:or``, ``sh:property`` with an IRI path) are
     evaluated natively (:func:`_run_core`), following pyshacl 0.40 line by line (subclass
     closure for targets and ``sh:class``, rdflib's view of literals for ``sh:datatype``), and
     only on the nodes that are reported. pyshacl was four fifths of a ``validate --all``. A shape
     using anything else (``sh:node``, ``sh:not``, a complex path, a shape without ``sh:message`` …)
     is left to pyshacl, which then runs on the rdflib copy for those shapes only;
4. **reports** findings a person can use: item code and name instead of IRIs, provisions as
   《标题》第X条第Y款, levels and concepts by label, in Chinese or English.

More than :data:`BATCH` focus nodes (``validate --all``) are validated in batches; with several
batches, this process collects each batch's subgraph while :data:`WORKERS` child processes validate
the ones collected before (:func:`_validate_parallel`; the on-disk store admits one process, so
only this one reads it). The reports are those of a serial run (``workers=1``).

Incremental runs (``focus=[…]``) validate the focus items, the items of focus actions, every
action on those items, and the provisions, instrument versions, organisations and regions they
refer to (a provision, version, organisation or region may also be given as focus). Related
items are context only: they are read, not reported on (a related item's own findings appear when
it is validated itself, or with ``focus=None``).

pyshacl's own ``focus_nodes`` option is not used: pyshacl 0.40 applies it to the value nodes of
nested shapes too (an ``sh:not`` over a value then always fails), which changes results. Instead
pyshacl validates every target in the (small) subgraph and results are kept for the checked nodes
(the native path evaluates the checked nodes only, which gives the same).

pyshacl drops the language tag of a SPARQL constraint's message when it fills in ``{?var}``; the
reference run puts it back by matching the templates, so both engines report ``@zh`` and ``@en``.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from datetime import time as dt_time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from typing import Literal as TypingLiteral
from urllib.parse import unquote

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from quanze.citation import book_title
from quanze.closure import reachable
from quanze.namespaces import ELI, ID, OWL, QZ, RDF, RDFS, SH, SKOS, XSD
from quanze.numerals import to_chinese
from quanze.settings import SHAPES, Settings
from quanze.store import Iri, Store, bind

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = SHAPES  # the shapes shipped with Quanze; validation reads Settings.shapes (see rule_files)

Engine = TypingLiteral["fast", "pyshacl"]

#: IRIs per VALUES block in the lookups of the collection step.
CHUNK = 1000
#: Focus nodes validated together; more are validated in batches of this size.
BATCH = 5000
#: Processes validating the batches of a run with more than one (see :func:`_validate_parallel`).
WORKERS = min(2, os.cpu_count() or 1)

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
    # validate_pending: every finding on the nodes validated, caused by the load or not — what
    # the stored report says of them (``results`` holds those the load is judged on)
    current: list[Finding] | None = field(default=None, repr=False)

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
            # the rule's English name beside the report language's, as /validation gives it: a page in
            # English shows a rejected upload's rules in English too
            "results": [{k: v for k, v in asdict(f).items() if k not in ("messages", "shape_names", "value_term")}
                        | {"messages": dict(f.messages), "shape_name_en": f.shape_names.get("en")}
                        for f in self.results],
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
                        mint: Iterator[ox.NamedNode | ox.BlankNode],
                        results: list[Finding] | None = None) -> list[ox.Triple]:
        sh = str(SH)
        results = self.results if results is None else results
        out = [ox.Triple(report, ox.NamedNode(_RDF_TYPE), ox.NamedNode(sh + "ValidationReport")),
               ox.Triple(report, ox.NamedNode(sh + "conforms"), _ox_bool(not results))]
        for f in sorted(results, key=Finding.key):
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
        It holds every finding on the nodes validated (:attr:`current` when set) and names each
        of those nodes (``qz:validated``): a stored report is the latest word on the nodes it
        validated, and an older report's findings on them are superseded (:mod:`quanze.lookup`).
        """
        base = report_graph_iri.rstrip("/")
        results = self.results if self.current is None else self.current
        mint = (ox.NamedNode(f"{base}/result/{i}") for i in range(1, len(results) + 1))
        node = ox.NamedNode(report_graph_iri)
        validated = ox.NamedNode(str(QZ.validated))
        return set(self._result_triples(node, mint, results)) | {
            ox.Triple(node, validated, ox.NamedNode(n)) for n in self.focus if n.startswith(("http:", "https:"))}

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
class _CoreShape:
    """A node or property shape whose core constraints :func:`_run_core` evaluates itself, exactly
    as pyshacl 0.40 does (see :data:`_NATIVE`)."""

    node: URIRef | BNode
    path: str | None  # the sh:path IRI of a property shape; None for a node shape
    severity: URIRef
    messages: list[Literal]
    min_count: int | None = None
    max_count: int | None = None
    datatype: URIRef | None = None
    classes: list[str] = field(default_factory=list)
    in_values: frozenset[Node] | None = None
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    ors: list[list[_CoreShape]] = field(default_factory=list)
    properties: list[_CoreShape] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)

    @property
    def reads_literals(self) -> bool:
        return self.datatype is not None or self.in_values is not None or bool(self.patterns)


@dataclass
class _Shapes:
    full: Graph
    core: Graph  # ``full`` without sh:sparql and without the targets of ``native``: what pyshacl runs in fast mode
    sparql: list[_SparqlConstraint]
    names: dict[str, dict[str, str]]  # shape → {lang: name}, property shapes prefixed by their node shape
    native: list[_CoreShape] = field(default_factory=list)  # targeted node shapes evaluated by _run_core
    core_needed: bool = True  # whether ``core`` still has a targeted shape, i.e. pyshacl must run


_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class RulesMissing(FileNotFoundError):
    """The shapes folder or the ontology file validation is to read is not there: validating
    without them would say nothing, and a load validated so would be stored unchecked."""


def rule_files(shapes: Path | str | None = None, ontology: Path | str | None = None) -> tuple[str, str]:
    """The shapes folder and the ontology file a validation reads: those given, else the
    settings' (``QUANZE_SHAPES``, ``QUANZE_ONTOLOGY``; by default the copies shipped with Quanze)."""
    if shapes is None or ontology is None:
        settings = Settings()
        shapes, ontology = shapes or settings.shapes, ontology or settings.ontology
    return str(shapes), str(ontology)


def shape_names(shapes: Path | str | None = None) -> dict[str, dict[str, str]]:
    """Shape IRI → {language: name} of the rules (sh:name; a property shape's is prefixed by its
    node shape's), for people reading stored findings."""
    return _load_shapes(rule_files(shapes)[0]).names


@lru_cache(maxsize=4)
def _load_shapes(directory: str) -> _Shapes:
    files = sorted(Path(directory).glob("*.ttl"))
    if not files:
        raise RulesMissing(f"没有 SHACL 规则文件（*.ttl）：{directory}，请检查 QUANZE_SHAPES / "
                           f"no SHACL shapes (*.ttl) in {directory}: check QUANZE_SHAPES")
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

    # Node shapes whose core constraints are all of the kinds _run_core knows are evaluated
    # natively; pyshacl no longer sees their targets, so it skips them (a shape without a target is
    # never validated on its own). Any other shape stays with pyshacl.
    native: list[_CoreShape] = []
    for shape in sorted(set(full.subjects(RDF.type, SH.NodeShape)) | set(full.subjects(SH.targetClass, None)), key=str):
        compiled = _compile_core(full, shape, top=True)
        if compiled is None:
            continue
        native.append(compiled)
        core.remove((shape, SH.targetClass, None))
    targeted = any(next(core.triples((None, p, None)), None) is not None for p in _TARGETS) or any(
        (s, RDF.type, c) in core for s in core.subjects(RDF.type, SH.NodeShape) for c in (RDFS.Class, OWL.Class))
    return _Shapes(full, core, constraints, names, native, targeted)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: The predicates a shape may carry and still be evaluated by _run_core; any other ``sh:`` term
#: (sh:node, sh:not, sh:hasValue, other targets, paths that are not one IRI, sh:deactivated …)
#: leaves the shape to pyshacl. Predicates outside ``sh:`` (rdfs:seeAlso …) do not affect results.
_NATIVE = {SH.name, SH.description, SH.message, SH.severity, SH.targetClass, SH.property, SH.path, SH.minCount,
           SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.pattern, SH["or"], SH.sparql, SH.order, SH.group}


def _compile_core(g: Graph, shape: Node, top: bool = False, reported: bool = True) -> _CoreShape | None:
    """``shape`` as a :class:`_CoreShape`, or None when pyshacl must evaluate it. A ``reported``
    shape (not a member of an sh:or) qualifies only with its own ``sh:message``: pyshacl's
    generated messages are not reproduced."""
    if not isinstance(shape, (URIRef, BNode)):
        return None
    preds = set(g.predicates(shape, None))
    if any(str(p).startswith(str(SH)) and p not in _NATIVE for p in preds):
        return None
    if any((shape, RDF.type, c) in g for c in (RDFS.Class, OWL.Class)):
        return None  # implicit class target
    targets = [c for c in g.objects(shape, SH.targetClass)]
    if not all(isinstance(c, URIRef) for c in targets) or (top != bool(targets)):
        return None  # a nested shape with targets of its own is also validated on its own: pyshacl's
    paths = list(g.objects(shape, SH.path))
    if len(paths) > 1 or (paths and not isinstance(paths[0], URIRef)):
        return None
    single = {}
    for p in (SH.minCount, SH.maxCount, SH.datatype, SH["in"]):
        values = list(g.objects(shape, p))
        if len(values) > 1:
            return None
        single[p] = values[0] if values else None
    counts = {}
    for p in (SH.minCount, SH.maxCount):
        v = single[p]
        if v is not None and not (isinstance(v, Literal) and isinstance(v.value, int)):
            return None
        counts[p] = None if v is None else int(v.value)
    classes = list(g.objects(shape, SH["class"]))
    datatype = single[SH.datatype]
    if not all(isinstance(c, URIRef) for c in classes) or (datatype is not None and not isinstance(datatype, URIRef)):
        return None
    patterns = list(g.objects(shape, SH.pattern))
    flags = list(g.objects(shape, SH.flags))
    if flags or not all(isinstance(p, Literal) for p in patterns):
        return None  # sh:flags is rare; pyshacl's handling of it is left to pyshacl
    in_values = None if single[SH["in"]] is None else frozenset(g.items(single[SH["in"]]))
    ors: list[list[_CoreShape]] = []
    for lst in g.objects(shape, SH["or"]):
        members = [_compile_core(g, m, reported=False) for m in g.items(lst)]
        if not members or any(m is None for m in members):
            return None
        ors.append([m for m in members if m is not None])
    properties = [_compile_core(g, p, reported=reported) for p in g.objects(shape, SH.property)]
    if any(p is None for p in properties):
        return None
    messages = [m for m in g.objects(shape, SH.message) if isinstance(m, Literal)]
    has_own = any(x is not None for x in (counts[SH.minCount], counts[SH.maxCount], datatype, in_values)) or bool(
        classes or patterns or ors)
    if has_own and not messages and reported:
        return None
    severity = g.value(shape, SH.severity) or SH.Violation
    return _CoreShape(
        node=shape, path=str(paths[0]) if paths else None, severity=severity, messages=messages,
        min_count=counts[SH.minCount], max_count=counts[SH.maxCount], datatype=datatype,
        classes=[str(c) for c in classes], in_values=in_values,
        patterns=[re.compile(str(p.value) if p.value is not None and len(p.value) > 1 else str(p)) for p in patterns],
        ors=ors, properties=[p for p in properties if p is not None], target_classes=[str(c) for c in targets])


@dataclass
class _Ontology:
    triples: list[ox.Triple]
    rdflib_triples: list[tuple[Node, Node, Node]]
    item_classes: set[str]  # qz:Item and every subclass
    region_classes: set[str]


@lru_cache(maxsize=2)
def _load_ontology(path: str) -> _Ontology:
    if not Path(path).is_file():
        raise RulesMissing(f"本体文件不存在：{path}，请检查 QUANZE_ONTOLOGY / "
                           f"no ontology file at {path}: check QUANZE_ONTOLOGY")
    triples = [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)]
    sub: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == str(RDFS.subClassOf) and isinstance(t.object, ox.NamedNode):
            sub[t.object.value].add(t.subject.value)

    return _Ontology(triples, [(_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)) for t in triples],
                     reachable(str(QZ.Item), sub), reachable(str(QZ.Region), sub))


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
    "provides": QZ.providesEntrustment, "levelReview": QZ.levelReview, "text": QZ.text,
    "implementingBody": QZ.implementingBody, "entrustingBody": QZ.entrustingBody, "toBody": QZ.toBody,
    "region": QZ.region, "toZone": QZ.toZone, "code": QZ.code, "name": QZ.name,
    "subItemName": QZ.subItemName, "exercisedAt": QZ.exercisedAt, "actionType": QZ.actionType,
    "toLevel": QZ.toLevel, "level": QZ.level, "ordinal": QZ.ordinal, "number": ELI.number,
    "title": ELI.title, "prefLabel": SKOS.prefLabel, "label": RDFS.label, "versionDate": ELI.version_date,
}.items()}
_DEVOLUTION_ACTION = str(QZ.DevolutionAction)
_LEVEL_REVIEW = str(QZ.LevelReview)
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
    # version, and their level assignments and entrustments.
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
        below |= view.describe(kids, [_RDF_TYPE, _P["assigns"], _P["provides"], _P["levelReview"], _P["ordinal"],
                                      _P["number"]])
        parents = kids
    triples |= below
    # Their level assignments, entrustments (委托规定) and level reviews (层级校核) — with the text
    # of each reviewed unit, which decides whether its review still holds.
    assignments = _objects(provision_triples | ancestors | below, _P["assigns"], _P["provides"], _P["levelReview"])
    triples |= view.describe(assignments)
    reviewed = {t.subject.value for t in provision_triples | ancestors | below if t.predicate.value == _P["levelReview"]}
    if reviewed:
        triples |= view.describe(reviewed, [_P["text"]])

    # Level reviews given as focus (a review list's load): the review, its unit and the unit's text.
    reviews = _typed(seed_triples, {_LEVEL_REVIEW})
    if reviews:
        units = view.referrers(_P["levelReview"], reviews)
        triples |= units
        triples |= view.describe({t.subject.value for t in units}, [_RDF_TYPE, _P["text"]])
        checked |= reviews

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


class _Index:
    """The subgraph by subject and predicate (distinct objects), with the class hierarchy, for
    :func:`_run_core`. Subjects are keyed by IRI, blank nodes by ``_:id``."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list))
        self.typed: dict[str, set[str]] = defaultdict(set)  # class → instances
        self.sub: dict[str, set[str]] = defaultdict(set)  # class → direct subclasses
        self.sup: dict[str, set[str]] = defaultdict(set)  # class → direct superclasses
        sub_class_of = str(RDFS.subClassOf)
        # dict.fromkeys, not set: distinct triples in their given order, so labels (_Labels picks
        # the first value) do not depend on hashing.
        for t in dict.fromkeys(triples):
            s = _key_of(t.subject)
            p = t.predicate.value
            self.props[s][p].append(t.object)
            if isinstance(t.object, (ox.NamedNode, ox.BlankNode)):
                if p == _RDF_TYPE:
                    self.typed[_key_of(t.object)].add(s)
                elif p == sub_class_of:
                    self.sub[_key_of(t.object)].add(s)
                    self.sup[s].add(_key_of(t.object))
        self._supers: dict[str, set[str]] = {}

    def supers(self, cls: str) -> set[str]:
        """``cls`` and every class it is a subclass of (what rdflib's ``transitive_objects`` gives)."""
        if cls not in self._supers:
            self._supers[cls] = reachable(cls, self.sup)
        return self._supers[cls]

    def instances(self, cls: str) -> set[str]:
        """Instances of ``cls`` or a subclass: the focus nodes of ``sh:targetClass cls``."""
        return {n for c in reachable(cls, self.sub) for n in self.typed.get(c, ())}


def _key_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value  # type: ignore[union-attr]


def _node_key(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


_XSD_STRING_REF, _LANG_STRING, _RDFS_LITERAL, _RDFS_DATATYPE = XSD.string, RDF.langString, RDFS.Literal, RDFS.Datatype
#: The Python value rdflib gives a well-formed literal of each datatype pyshacl checks; it assumes
#: any other datatype is well-formed.
_PY_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: dt_time, XSD.dateTime: datetime}


def _datatype_ok(v: Node, rule: URIRef) -> bool:
    """pyshacl 0.40's DatatypeConstraintComponent, for one value node."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        return getattr(v, "ill_typed", None) is not True and _actual_datatype(v, rule)
    if rule == _RDFS_LITERAL:
        return True
    if rule == _RDFS_DATATYPE and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == _XSD_STRING_REF:
        return _actual_datatype(v, rule)
    if rule == _LANG_STRING and v.language:
        return _actual_datatype(v, rule)
    return False


def _actual_datatype(v: Literal, rule: URIRef) -> bool:
    kind = _PY_TYPES.get(rule)
    return True if kind is None else isinstance(v.value, kind)


def _pattern_text(v: Node) -> str:
    """pyshacl's ``value_node_to_string``."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, _LANG_STRING, _XSD_STRING_REF):
        return str(v.value)
    return str(v)


_COMPONENT = {k: SH[f"{k}ConstraintComponent"] for k in ("MinCount", "MaxCount", "Datatype", "Class", "In", "Pattern", "Or")}


def _check(shape: _CoreShape, focus: Node, idx: _Index, out: list[_Raw] | None) -> bool:
    """Validate ``focus`` against ``shape`` as pyshacl does; results go to ``out`` (None: only
    conformance is wanted, as for the members of an sh:or)."""
    values: list[Node | ox.Literal]
    if shape.path is None:
        values = [focus]
    else:
        values = _values(idx.props.get(_node_key(focus), {}).get(shape.path, ()), shape.reads_literals)
    ok = True

    def fail(component: str, value: Node | ox.Literal | None) -> None:
        nonlocal ok
        ok = False
        if out is not None:
            out.append(_Raw(focus=focus, shape=shape.node, severity=shape.severity, component=_COMPONENT[component],
                            constraint=None, path=URIRef(shape.path) if shape.path else None,
                            value=_term(value) if value is not None else None, messages=list(shape.messages)))

    if shape.min_count is not None and len(values) < shape.min_count:
        fail("MinCount", None)
    if shape.max_count is not None and len(values) > shape.max_count:
        fail("MaxCount", None)
    for v in values:
        if shape.datatype is not None and not _datatype_ok(v, shape.datatype):
            fail("Datatype", v)
        for cls in shape.classes:
            types = () if isinstance(v, (Literal, ox.Literal)) else idx.props.get(_node_key(v), {}).get(_RDF_TYPE, ())
            if not any(cls in idx.supers(_key_of(t)) for t in types):
                fail("Class", v)
        if shape.in_values is not None and v not in shape.in_values:
            fail("In", v)
        for rx in shape.patterns:
            if isinstance(v, BNode) or not rx.search(_pattern_text(v)):
                fail("Pattern", v)
        for members in shape.ors:
            if not any([_check(m, _term(v), idx, None) for m in members]):
                fail("Or", v)
        for prop in shape.properties:
            if not _check(prop, _term(v), idx, out):
                ok = False
    return ok


_STRINGS = {_XSD_STRING, str(RDF.langString)}


def _values(objects: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal], reads_literals: bool) -> list[Node | ox.Literal]:
    """The distinct value nodes, as rdflib terms, which is what pyshacl sees (rdflib normalises
    some literals, e.g. ``"01"^^xsd:integer`` to ``"1"``, so two values may become one). A string
    literal, which rdflib keeps as it is, stays an Oxigraph literal unless the shape looks at
    literals (sh:datatype, sh:in, sh:pattern): converting it costs time and changes nothing."""
    out: list[Node | ox.Literal] = []
    for o in objects:
        if isinstance(o, ox.Literal) and not reads_literals and o.datatype.value in _STRINGS:
            out.append(o)
        else:
            out.append(_rdflib(o))
    return list(dict.fromkeys(out))


def _term(v: Node | ox.Literal) -> Node:
    return _rdflib(v) if isinstance(v, ox.Literal) else v


def _run_core(idx: _Index, shapes: _Shapes, checked: set[str]) -> list[_Raw]:
    """The natively evaluated core shapes, on the checked nodes among their targets (the results on
    other nodes would be dropped anyway)."""
    out: list[_Raw] = []
    for shape in shapes.native:
        focus = set().union(*(idx.instances(c) for c in shape.target_classes)) & checked
        for f in sorted(focus):
            _check(shape, URIRef(f), idx, out)
    return out


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

    def __init__(self, index: _Index, lang: str):
        self.lang = lang
        self.props = index.props

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
        out = f"{book_title(title)}{article}"
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
        if _LEVEL_REVIEW in types or "/review_" in node:  # {unit}/review_{load}
            unit, _, load = node.rpartition("/review_")
            what = "层级校核" if self.lang == "zh" else "level review"
            return f"{self.provision(unit) or unit} {what}（{unquote(load)}）"
        if types & _PROVISION_CLASSES or _PROVISION_IRI.match(node):
            return self.provision(node) or node
        if _VERSION in types:
            title, date = self._one(node, _P["title"]), self._one(node, _P["versionDate"])
            return f"{book_title(title)}（{date}）" if date else book_title(title)
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
             shapes: Path | str | None = None, ontology: Path | str | None = None,
             workers: int | None = None) -> Report:
    """Validate the whole store (``focus=None``, ``quanze validate --all``) or only the given item
    and action IRIs with their neighbours (incremental).

    ``replace`` maps graph IRIs to pending content: the store is seen as if those graphs held
    exactly those triples (validation before a load is committed). ``engine="pyshacl"`` runs the
    SPARQL-based constraints through pyshacl too, one query per focus node (slower; the reference
    the fast path is tested against). ``lang`` ("zh" or "en") picks messages and labels.
    More than :data:`BATCH` focus nodes are validated in batches (memory stays bounded; results
    do not depend on the batching, as every batch reads the full neighbourhood of its nodes), by
    ``workers`` processes (default :data:`WORKERS`; 1: in this process) when there are several.
    """
    shapes, ontology = rule_files(shapes, ontology)
    onto = _load_ontology(ontology)
    bundle = _load_shapes(shapes)
    view = _View(store, replace)
    if focus is None:
        # Every item, action and level review, then every organisation and region (reference data).
        seeds = sorted(view.instances(onto.item_classes | {_DEVOLUTION_ACTION, _LEVEL_REVIEW}))
        seeds += sorted(view.instances({str(QZ.PublicAuthority)} | onto.region_classes) - set(seeds))
    else:
        seeds = list(dict.fromkeys(str(f) for f in focus))
    batches = [list(batch) for batch in _chunks(seeds, BATCH)] or [[]]
    n = WORKERS if workers is None else workers
    if len(batches) > 1 and n > 1:
        reports = _validate_parallel(view, batches, onto, bundle, lang, engine, n, shapes, ontology)
    else:
        reports = [_validate_once(view, batch, onto, bundle, lang, engine) for batch in batches]
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
    t0 = time.perf_counter()
    sub = _collect(view, seeds, onto)
    return _validate_subgraph(sub, list(sub.triples), onto, bundle, lang, engine,
                              {"collect": time.perf_counter() - t0})


def _validate_parallel(view: _View, batches: list[list[str]], onto: _Ontology, bundle: _Shapes, lang: str,
                       engine: Engine, workers: int, shapes: str, ontology: str) -> list[Report]:
    """The batches of a large run: this process collects each batch's subgraph from the store (an
    on-disk store admits one process, and collecting is a fraction of the work) while ``workers``
    processes validate the subgraphs collected before, sent as N-Triples. At most one subgraph per
    worker is in flight, so memory stays bounded as in a serial run. The reports are the serial
    run's: each worker runs :func:`_validate_subgraph` on the same triples, in the same order."""
    pool = [_Worker() for _ in range(workers)]
    reports: list[Report] = []
    pending: deque[tuple[float, _Worker]] = deque()
    try:
        for i, batch in enumerate(batches):
            t0 = time.perf_counter()
            sub = _collect(view, batch, onto)
            payload = ox.serialize(sub.triples, format=ox.RdfFormat.N_TRIPLES)
            assert payload is not None
            collect = time.perf_counter() - t0
            worker = pool[i % workers]
            if len(pending) == workers:  # the oldest job is this worker's
                reports.append(_received(*pending.popleft()))
            worker.send((payload, sorted(sub.checked), shapes, ontology, lang, engine))
            pending.append((collect, worker))
            del sub, payload
        while pending:
            reports.append(_received(*pending.popleft()))
    except BaseException:
        # A worker's error or an interrupt: the others' results are not wanted, do not wait for them.
        for w in pool:
            w.kill()
        raise
    for w in pool:
        w.close()
    return reports


def _received(collect: float, worker: _Worker) -> Report:
    report = worker.receive()
    report.timings = {"collect": collect} | report.timings
    return report


class _Worker:
    """A child Python process running :func:`_worker_main`: pickled jobs in on its stdin, pickled
    reports out on its stdout, one at a time. A plain subprocess rather than multiprocessing: a
    forked child would inherit the open store and its threads' locks, and a spawned one re-imports
    the caller's main module, which a script without a ``__main__`` guard does not survive."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen([sys.executable, "-c", "from quanze.validation import _worker_main; _worker_main()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def send(self, job: tuple[object, ...]) -> None:
        assert self.proc.stdin is not None
        _write_message(self.proc.stdin, job)

    def receive(self) -> Report:
        assert self.proc.stdout is not None
        message = _read_message(self.proc.stdout)
        if message is None:
            raise RuntimeError(f"校验子进程意外退出 / validation worker exited ({self.proc.wait()})")
        ok, value = message
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # unflushed input to a process that is gone
                    stream.close()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _write_message(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _read_message(stream: BinaryIO) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        return None
    return pickle.loads(stream.read(int.from_bytes(head, "big")))


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (a timeout in a benchmark, say) stops at once rather than
    finishing a batch nobody reads (its stdin only closes when it next reads)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _worker_main() -> None:
    """The loop of a :class:`_Worker` process. Its stdout carries only the replies: anything else
    written to fd 1 goes to stderr."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    while (job := _read_message(sys.stdin.buffer)) is not None:
        try:
            reply: tuple[bool, object] = (True, _validate_sent(*job))
        except Exception as e:  # noqa: BLE001 — handed to the parent, which raises it
            try:
                pickle.dumps(e)
                reply = (False, e)
            except Exception:  # noqa: BLE001 — an exception that cannot be pickled: its traceback
                reply = (False, RuntimeError(traceback.format_exc()))
        _write_message(out, reply)


def _validate_sent(payload: bytes, checked: list[str], shapes: str, ontology: str, lang: str,
                   engine: Engine) -> Report:
    """A worker's part of :func:`_validate_parallel`: one batch's subgraph, as N-Triples."""
    t0 = time.perf_counter()
    ordered = [q.triple for q in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)]
    sub = _Subgraph(set(ordered), set(checked))
    return _validate_subgraph(sub, ordered, _load_ontology(ontology), _load_shapes(shapes), lang, engine,
                              {"transfer": time.perf_counter() - t0})


def _validate_subgraph(sub: _Subgraph, ordered: Sequence[ox.Triple], onto: _Ontology, bundle: _Shapes, lang: str,
                       engine: Engine, timings: dict[str, float]) -> Report:
    """Validate a collected subgraph; ``ordered`` is ``sub.triples`` in the order the collecting
    process iterated them, which fixes the label chosen for a node with two names, wherever the
    batch runs."""
    t1 = time.perf_counter()
    index = _Index([*onto.triples, *ordered])
    if engine == "pyshacl":
        raws = _run_pyshacl(_rdflib_graph(onto, sub), bundle.full)
        _restore_languages(raws, bundle)
        timings["shacl"] = time.perf_counter() - t1
    else:
        # The core shapes run natively (_run_core); pyshacl only for a shape _compile_core does not
        # know, if any, so the rdflib copy of the subgraph is only built then.
        raws = _run_core(index, bundle, sub.checked)
        if bundle.core_needed:
            raws += _run_pyshacl(_rdflib_graph(onto, sub), bundle.core)
        t3 = time.perf_counter()
        timings["shacl"] = t3 - t1
        ox_data = ox.Store()
        ox_data.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                       for t in [*onto.triples, *sub.triples])
        raws += _run_sparql_bulk(ox_data, bundle, sub.checked)
        timings["sparql"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    labels = _Labels(index, lang)
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


def _rdflib_graph(onto: _Ontology, sub: _Subgraph) -> Graph:
    data = Graph()
    add = data.add
    for s, p, o in onto.rdflib_triples:
        add((s, p, o))
    for t in sub.triples:
        add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    return data


def validate_pending(store: Store, graph: str, triples: set[ox.Triple], focus: list[str], *,
                     lang: str = "zh") -> Report:
    """The after-load hook of :func:`quanze.lists.load_list`: validate ``focus`` as if ``graph``
    already held ``triples`` (nothing is written).

    A load answers for what it brings: findings on anything the load itself defines (its items,
    actions, reviews) are all kept; on the other nodes validated with them (the items of the actions
    in an adjustments list, the items relying on the paragraphs of a review list, cited provisions,
    organisations) only the findings the load *causes* are kept: those that are not there when
    the store is validated without ``graph``, or not there now (a list loaded again under its name
    answers for what its new version breaks that the old did not, such as a 取消 action it drops).
    So a list of adjustments is not rejected for an item's old problems, but is for a 一链办理 it
    breaks.
    """
    after = validate(store, focus, lang=lang, replace={graph: triples})
    after.current = list(after.results)
    # What the load defines is its own. A focus node it only bears on (the items relying on the
    # paragraphs a review list reads) is validated with it, and keeps only the findings it causes.
    own = {t.subject.value for t in triples}
    others = sorted({f.focus for f in after.results} - own)
    if not others:
        return after
    without = validate(store, others, lang=lang, replace={graph: set()})
    # A review list changes readings: an item it leaves breaking a rule in other words (a county item
    # on a paragraph read 省级, now 市级) has the finding it had, not a new one. Other lists: a finding
    # whose words change (a chain broken at another level) is one they cause.
    key = _place if any(t.object.value == _LEVEL_REVIEW for t in triples) else _key
    old = {key(f) for f in without.results}
    # A reload: a finding the store without the graph has is the load's all the same if the store
    # as it is now lacks it (the earlier version did not break that). Only those nodes are read.
    settled = sorted({f.focus for f in after.results if f.focus not in own and key(f) in old})
    if settled and store.has_graph(graph):
        old -= {key(f) for f in after.results if f.focus in settled} - {
            key(f) for f in validate(store, settled, lang=lang).results}
    after.results = [f for f in after.results if f.focus in own or key(f) not in old]
    return after


def _place(f: Finding) -> tuple[object, ...]:
    """Where a finding is: its node, rule and value, whatever its message says."""
    return (f.focus, f.shape, f.constraint, f.path, f.value)


def _key(f: Finding) -> tuple[object, ...]:
    return (*_place(f), tuple(sorted(f.messages.items())))


__all__ = ["Finding", "Report", "RulesMissing", "rule_files", "shape_names", "validate", "validate_pending"]
