"""Lookups for people who read the graph: a filtered page of items, one item with the text of
its legal bases, one provision in its article, and the findings of stored validation reports.

The REST API (:mod:`api.routes`) answers with these dictionaries. Every query is a ``.rq``
file of ``quanze/queries`` (read once, :func:`quanze.devolution.query_text`); parameters are
bound into ``VALUES ?x { UNDEF }`` blocks as escaped terms — user input is never spliced into
query text. The only values written into a query are page limits, as ``int``.

**Cost.** On pyoxigraph every result term is decoded from the store, so a lookup costs roughly
its number of result rows, and a query whose ``VALUES`` stands outside a ``UNION`` makes each
branch run unbound. Lookups therefore fetch plain triples of known nodes in a few rounds
(``item_facts.rq``, ``context.rq``, ``describe.rq``, each branch starting from its bound
variable) and assemble them here, instead of one query per fact.

Two caches, both dropped by :func:`forget_cached` (which :func:`api.writes.commit_write` calls
after every API write) and otherwise kept :data:`CACHE_TTL` seconds: the Chinese labels of the
reference vocabulary (levels, types, concepts, organisations, zones) and the law context of
sets of cited provisions (their text, article, instrument, level assignments and level
reviews) — data that changes when the corpus or the reference data is imported again, or a level
review list is loaded. A load made outside the API on a store the service shares (``quanze load``
into a remote endpoint) changes the catalog of loads, which the caches ask about at most every
:data:`STAMP_INTERVAL` seconds: it shows on the item and provision pages within that time, as
on /devolution. Only a write that bypasses the catalog (SPARQL Update sent straight to the
endpoint) waits out :data:`CACHE_TTL`. An item's own facts, its relations, actions and
validation findings are read on every request.

Texts are given exactly as stored; labels are Chinese (``zh``), field names English.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from quanze import catalog
from quanze.citation import book_title
from quanze.devolution import AUTHORITY_ZH, as_listed, authority, chain, provision_parts, query_text
from quanze.level import LEVEL_EN, LEVEL_ZH, LEVELS, RANK
from quanze.lists import ITEM_TYPES
from quanze.namespaces import DCTERMS, ELI, ID, LEVEL, QZ, RDF, SKOS, graph_iri, item_iri, segment
from quanze.numerals import to_chinese
from quanze.review import effective
from quanze.store import Iri, Row, Store

LAW = str(ID["law/"])
ITEM = str(ID["item/"])
ACTION = str(ID["action/"])
REPORT = str(graph_iri("report")) + "/"
SH = "http://www.w3.org/ns/shacl#"
#: Bound where a query needs a value and there is none: no node has it.
NOTHING = Iri("urn:x-quanze:nothing")

#: 事项类型 (zh label) → the item's class: the list loader's own table, so that a type a list may
#: hold is one the search accepts and the pages name.
ITEM_CLASSES: dict[str, str] = ITEM_TYPES
ITEM_TYPE_LABELS = {cls: label for label, cls in ITEM_CLASSES.items()}
#: A level as the API accepts it (省级 … or provincial …) → its slug.
LEVEL_PARAMS: dict[str, str] = {**{zh: en for en, zh in LEVEL_ZH.items()}, **{en: en for en in LEVELS},
                                 **{LEVEL_EN[en]: en for en in LEVELS}}  # city, as --to city reads
KIND_ZH = {str(QZ.Article): "条", str(QZ.Paragraph): "款", str(QZ.Point): "项"}
SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}
ROLE_ZH = {"legalBasis": "设定依据", "implementationBasis": "实施依据"}
MAX_PAGE_SIZE = 200
CACHE_TTL = 60.0
#: How often (seconds, at most) the caches ask the catalog of loads whether anything was loaded,
#: replaced or unloaded since they were filled (:func:`quanze.catalog.stamp`, one small query).
STAMP_INTERVAL = 1.0
LAW_CACHE_SIZE = 4096

_TYPE = str(RDF.type)
_PART_OF = str(ELI.is_part_of)
_ASSIGNS = str(QZ.assigns)
_PROVIDES = str(QZ.providesEntrustment)
_REVIEW = str(QZ.levelReview)
_QZ = str(QZ)
_ELI_TITLE = str(ELI.title)
_ELI_NUMBER = str(ELI.number)
_ELI_TYPE = str(ELI.type_document)
_ELI_PASSED_BY = str(ELI.passed_by)
_ELI_DATE = str(ELI.version_date)
_NOTE = str(SKOS.note)


def _q(term: str) -> str:
    """The IRI of a qz: term (a plain str: rdflib's Namespace lookups cost more than the answer)."""
    return _QZ + term


# --- small helpers -----------------------------------------------------------------------------

def tail(iri: str) -> str:
    """The last path segment of an IRI."""
    return iri.rsplit("/", 1)[-1]


def safe_iri(text: str) -> Iri | None:
    """``text`` as an IRI to bind, or None when it is not a valid absolute IRI."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return None
    return Iri(text)


def item_ref(code: str) -> Iri | None:
    """The IRI of the item with 事项编码 ``code`` (None when no IRI can be made of it)."""
    return safe_iri(str(item_iri(code)))


def code_of(iri: str) -> str:
    """The 事项编码 in an item IRI."""
    return unquote(iri.removeprefix(ITEM))


def provision_id(iri: str) -> str | None:
    """The part of a provision IRI after ``qzid:law/`` (what ``/provisions/{id}`` takes)."""
    return iri.removeprefix(LAW) if iri.startswith(LAW) else None


def stored_provision(store: Store, iri: str) -> str | None:
    """The stored 条, 款 or 项 an IRI names — as written, or written with its characters
    %-encoded (https://…/law/%E4%B8%AD…) — or None: a well-formed IRI of no stored provision."""
    from urllib.parse import unquote

    readable = LAW + "/".join(segment(unquote(part)) for part in iri.removeprefix(LAW).split("/"))
    for candidate in dict.fromkeys((iri, readable)):
        if article_of(candidate) is None or safe_iri(candidate) is None:
            continue
        if store.ask("ASK { VALUES ?x { UNDEF } ?x a ?type }", {"x": Iri(candidate)}):
            return candidate
    return None


def article_of(iri: str) -> str | None:
    """The article containing (or being) a provision, from the IRI scheme."""
    version, _, rest = iri.partition("/art_")
    if not rest:
        return None
    return f"{version}/art_{rest.split('/')[0]}"


def unit_label(iri: str) -> str:
    """第X条第X款第X项 for a provision IRI ('' for a whole instrument)."""
    _, art, par, pt = provision_parts(iri)
    return f"{art or ''}{par or ''}{pt or ''}"


def _number(kind: str, ordinal: int | None) -> str | None:
    if ordinal is None:
        return None
    return f"第{to_chinese(int(ordinal))}{KIND_ZH.get(kind, '')}"


class Triples:
    """Rows of ``?s ?p ?o ?lang`` indexed by subject, for assembling answers in Python."""

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self.by_s: dict[str, dict[str, list[tuple[Any, str]]]] = defaultdict(lambda: defaultdict(list))
        self.by_po: dict[tuple[str, str], list[str]] = defaultdict(list)  # (p, o) → subjects
        self.add(rows)

    def add(self, rows: Iterable[Row]) -> None:
        for r in rows:
            s, p, o = r.get("s"), r.get("p"), r.get("o")
            if s is None or p is None:
                continue
            s, p = str(s), str(p)
            values = self.by_s[s][p]
            entry = (o, str(r.get("lang") or ""))
            if entry not in values:
                values.append(entry)
                if isinstance(o, str):
                    self.by_po[(p, o)].append(s)

    def has(self, s: str) -> bool:
        return s in self.by_s

    def values(self, s: str, p: str) -> list[Any]:
        return [v for v, _ in self.by_s.get(s, {}).get(p, [])]

    def one(self, s: str, p: str) -> Any:
        values = self.values(s, p)
        return values[0] if values else None

    def text(self, s: str, p: str, lang: str = "zh") -> str | None:
        """A literal value, preferring ``lang``, then untagged, then any."""
        entries = self.by_s.get(s, {}).get(p, [])
        for want in (lang, ""):
            for v, lg in entries:
                if lg == want:
                    return str(v)
        return str(entries[0][0]) if entries else None

    def subjects(self, p: str, o: str) -> list[str]:
        """Subjects with ``p`` pointing to the IRI (or string) ``o``."""
        return list(dict.fromkeys(self.by_po.get((p, o), [])))


# --- the reference vocabulary ----------------------------------------------------------------

_vocab_lock = threading.Lock()
_vocab: weakref.WeakKeyDictionary[Store, tuple[float, dict[str, str]]] = weakref.WeakKeyDictionary()


_stamp_lock = threading.Lock()
_stamps: weakref.WeakKeyDictionary[Store, tuple[float, frozenset[tuple[str, str, str]]]] = weakref.WeakKeyDictionary()


def _follow_catalog(store: Store) -> None:
    """Drop the store's caches if its catalog of loads changed since last asked — a load by
    another process into the same (remote) store; asks at most every :data:`STAMP_INTERVAL` s."""
    now = time.monotonic()
    seen = _stamps.get(store)
    if seen is not None and now - seen[0] < STAMP_INTERVAL:
        return
    current = catalog.stamp(store)
    with _stamp_lock:
        seen = _stamps.get(store)
        _stamps[store] = (now, current)
    if seen is not None and seen[1] != current:
        forget_cached(store)


def vocabulary(store: Store) -> dict[str, str]:
    """Node IRI → zh label for the reference vocabulary (read at most every CACHE_TTL s, and
    again once the catalog of loads changes)."""
    _follow_catalog(store)
    now = time.monotonic()
    cached = _vocab.get(store)
    if cached is not None and now - cached[0] < CACHE_TTL:
        return cached[1]
    with _vocab_lock:
        cached = _vocab.get(store)
        if cached is not None and now - cached[0] < CACHE_TTL:
            return cached[1]
        labels: dict[str, str] = {}
        for r in store.select(query_text("vocabulary")):
            labels.setdefault(str(r["node"]), str(r["label"]))
        _vocab[store] = (time.monotonic(), labels)
        return labels


_law_lock = threading.Lock()
_law: weakref.WeakKeyDictionary[Store, OrderedDict[tuple[str, ...], tuple[float, Triples]]] = \
    weakref.WeakKeyDictionary()


_generation = 0


def generation() -> int:
    """How many times the caches were dropped: other caches of reference data (the API's
    citation resolver) compare it to know when to drop theirs."""
    return _generation


def forget_cached(store: Store | None = None) -> None:
    """Drop the cached labels and law contexts (of one store, or of all): the next lookups read
    them again. Called after every write through the API."""
    global _generation
    with _vocab_lock, _law_lock:
        _generation += 1
        if store is None:
            _vocab.clear()
            _law.clear()
        else:
            _vocab.pop(store, None)
            _law.pop(store, None)


def law_context(store: Store, cited: Iterable[str]) -> Triples:
    """The triples of cited provisions, their parts (an article's paragraphs and items, a
    paragraph's items), a cited item's lead-in paragraph, their instrument versions and the level
    assignments bearing on them; cached per set of provisions (see the module docstring).

    The result is shared: read it, never add to it."""
    key = tuple(sorted({c for c in cited if c}))
    if not key:
        return Triples()
    _follow_catalog(store)
    now, filled_in = time.monotonic(), _generation
    with _law_lock:
        entries = _law.get(store)
        hit = entries.get(key) if entries is not None else None
        if hit is not None and now - hit[0] < CACHE_TTL:
            entries.move_to_end(key)  # type: ignore[union-attr]
            return hit[1]
    provisions = [c for c in key if c.startswith(LAW)]
    nodes = {*provisions, *(provision_parts(c)[0] for c in provisions),
             *(c.rsplit("/pt_", 1)[0] for c in provisions if "/pt_" in c)}
    parents = [c for c in provisions if "/art_" in c and "/pt_" not in c]
    ctx = _context(store, nodes, parents)
    _describe(store, _assignment_nodes(ctx, provisions), ctx)
    with _law_lock:
        if _generation != filled_in:  # the caches were dropped while this was read: it may be stale
            return ctx
        entries = _law.setdefault(store, OrderedDict())
        entries[key] = (now, ctx)
        while len(entries) > LAW_CACHE_SIZE:
            entries.popitem(last=False)
    return ctx


def _context(store: Store, nodes: Iterable[str], parents: Iterable[str] = (), named: Iterable[str] = ()) -> Triples:
    """Triples of ``nodes``, the names of ``named`` items and the parts of ``parents`` (context.rq)."""
    def iris(values: Iterable[str]) -> list[Iri]:
        return [Iri(v) for v in sorted({v for v in values if v and safe_iri(v)})]

    bindings = {"node": iris(nodes), "parent": iris(parents), "named": iris(named)}
    if not any(bindings.values()):
        return Triples()
    return Triples(store.select(query_text("context"), {k: v or [NOTHING] for k, v in bindings.items()}))


def _describe(store: Store, nodes: Iterable[str], into: Triples) -> None:
    node_list = sorted({n for n in nodes if n and not into.has(n)})
    if node_list:
        into.add(store.select(query_text("describe"), {"node": [Iri(n) for n in node_list]}))


# --- items ---------------------------------------------------------------------------------------

def _search_bindings(type_label: str | None, department: str | None, level: str | None,
                     sensitive: bool | None, q: str | None) -> dict[str, Any] | None:
    """Bindings for ``item_search.rq``; None when a filter can match nothing (unknown type or level).
    A department given as 山东省… is looked for as 省…, as the lists write a provincial body."""
    # empty: no filter, as a search form left blank means; not stripped: a department of only
    # spaces is text no 实施主体 contains
    department = as_listed(department) if department else None
    bindings: dict[str, Any] = {"department": department, "sensitive": sensitive, "q": q or None}
    if type_label is not None:
        cls = ITEM_CLASSES.get(type_label)
        if cls is None:
            return None
        bindings["class"] = Iri(cls)
    if level is not None:
        slug = LEVEL_PARAMS.get(level)
        if slug is None:
            return None
        bindings["level"] = Iri(str(LEVEL[slug]))
    return bindings


def _split_prologue(text: str) -> tuple[str, str]:
    """(PREFIX lines, the rest) of a query file."""
    m = re.search(r"^\s*SELECT\b", text, re.MULTILINE | re.IGNORECASE)
    if m is None:
        raise ValueError("not a SELECT query")
    return text[:m.start()], text[m.start():]


def search_items(store: Store, *, type_label: str | None = None, department: str | None = None,
                 level: str | None = None, sensitive: bool | None = None, q: str | None = None,
                 page: int = 1, size: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page of item summaries) for the filters, ordered by 事项编码."""
    page, size = max(1, int(page)), max(1, min(MAX_PAGE_SIZE, int(size)))
    bindings = _search_bindings(type_label, department, level, sensitive, q)
    if bindings is None:
        return 0, []
    prologue, select = _split_prologue(query_text("item_search"))
    count = store.select(f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {select} }}", bindings)
    total = int(count[0]["total"] or 0) if count else 0  # type: ignore[arg-type]
    if total == 0 or (page - 1) * size >= total:
        return total, []
    rows = store.select(f"{prologue}{select} ORDER BY ?code ?item LIMIT {size:d} OFFSET {(page - 1) * size:d}",
                        bindings)
    order = [str(r["item"]) for r in rows]
    summaries = item_summaries(store, order)
    return total, [summaries[i] for i in order if i in summaries]


def item_summaries(store: Store, items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Item IRI → code, names, type, department, levels, security and handling (zh labels)."""
    if not items:
        return {}
    facts = Triples(store.select(query_text("describe"), {"node": [Iri(i) for i in items]}))
    labels = vocabulary(store)
    return {i: _summary(i, facts, labels) for i in items if facts.one(i, _q("code")) is not None}


def _summary(item: str, facts: Triples, labels: dict[str, str]) -> dict[str, Any]:
    security = facts.one(item, _q("securityCategory"))
    handling = facts.one(item, _q("handling"))
    types = [ITEM_TYPE_LABELS[str(t)] for t in facts.values(item, _TYPE) if str(t) in ITEM_TYPE_LABELS]
    levels = {tail(str(lv)) for lv in facts.values(item, _q("exercisedAt"))}
    return {
        "code": str(facts.one(item, _q("code"))), "name": facts.text(item, _q("name")),
        "sub_item_name": facts.text(item, _q("subItemName")), "type": types[0] if types else None,
        "department": facts.text(item, _q("implementingBodyName")),
        "levels": [LEVEL_ZH[lv] for lv in LEVELS if lv in levels],
        "sensitive": security is not None,
        "security_category": labels.get(str(security)) if security else None,
        "handling": labels.get(str(handling)) if handling else None,
        "iri": item,
    }


def item_detail(store: Store, code: str) -> dict[str, Any] | None:
    """One item as legal staff read it, or None when there is no such item.

    With: the text of every cited provision (instrument, 第X条第X款, type, exact text, the level
    assignments bearing on it with their evidence), related items (both directions), recorded
    actions, and the findings of the latest stored validation report on the item and its actions."""
    iri = item_ref(code)
    if iri is None:
        return None
    item = str(iri)
    rows = store.select(query_text("item_facts"), {"item": iri})
    facts = Triples(rows)
    if facts.one(item, _q("code")) is None:
        return None
    graphs = sorted({str(r["g"]) for r in rows if r.get("g")})
    labels = vocabulary(store)

    listed = [str(o) for o in facts.values(item, _q("relatedItem"))]
    listed_by = [s for s in facts.subjects(_q("relatedItem"), item) if s != item]
    related = list(dict.fromkeys(listed + listed_by))
    actions = sorted(facts.subjects(_q("onItem"), item))
    results = facts.subjects(SH + "focusNode", item) + [r for a in actions for r in facts.subjects(SH + "focusNode", a)]
    bases = [(role, str(o)) for role in ("legalBasis", "implementationBasis") for o in facts.values(item, _q(role))]
    finding_values = {str(v) for r in results for v in facts.values(r, SH + "value")}
    ctx = law_context(store, [*(c for _, c in bases), *(v for v in finding_values if v.startswith(LAW))])

    security = facts.one(item, _q("securityCategory"))
    handling = facts.one(item, _q("handling"))
    form = facts.one(item, _q("disguisedApprovalForm"))
    body = facts.one(item, _q("implementingBody"))
    types = [ITEM_TYPE_LABELS[str(t)] for t in facts.values(item, _TYPE) if str(t) in ITEM_TYPE_LABELS]

    def levels(term: str) -> list[str]:
        slugs = {tail(str(o)) for o in facts.values(item, _q(term))}
        return [LEVEL_ZH[s] for s in LEVELS if s in slugs]

    findings = _findings(facts, results, ctx, labels, names=facts)
    word = latest_word(store, [item, *actions], findings)
    findings = [f for f in findings if word.get(f["focus"]) == f["report_graph"]]
    latest = word.get(item)
    return {
        "code": str(facts.one(item, _q("code"))), "name": facts.text(item, _q("name")),
        "sub_item_name": facts.text(item, _q("subItemName")), "iri": item,
        "type": types[0] if types else None, "department": facts.text(item, _q("implementingBodyName")),
        "implementing_body": labels.get(str(body)) if body else None,
        "levels": levels("exercisedAt"), "accepted_at": levels("acceptedAt"), "approved_at": levels("approvedAt"),
        "sensitive": security is not None,
        "security_category": labels.get(str(security)) if security else None,
        "handling": labels.get(str(handling)) if handling else None,
        "disguised_approval_form": labels.get(str(form)) if form else None,
        "note": "\n".join(str(n) for n in facts.values(item, _NOTE)) or None,
        "basis_text": facts.text(item, _q("basisText")),
        "implementation_basis_text": facts.text(item, _q("implementationBasisText")),
        "loads": [tail(g) for g in graphs],
        "bases": [_basis(role, c, ctx, labels) for role, c in bases],
        "related": [{"code": code_of(r), "name": facts.text(r, _q("name")),
                     "exists": facts.one(r, _q("name")) is not None,
                     "direction": "listed" if r in listed else "listed_by",
                     "direction_label": "本事项列为关联" if r in listed else "被列为关联事项"} for r in related],
        "actions": [_action(a, facts, labels) for a in actions],
        "validation_report": latest.removeprefix(REPORT) if latest else None,
        "findings": findings,
    }


def _action(action: str, facts: Triples, labels: dict[str, str]) -> dict[str, Any]:
    kind = facts.one(action, _q("actionType"))
    level = facts.one(action, _q("toLevel"))
    zone = facts.one(action, _q("toZone"))
    deadline = facts.one(action, _q("deadline"))
    return {"iri": action, "type": labels.get(str(kind)) if kind else None,
            "type_code": tail(str(kind)) if kind else None,
            "to_level": LEVEL_ZH.get(tail(str(level))) if level else None,
            "to_zone": labels.get(str(zone)) if zone else None,
            "to_body": facts.text(action, _q("toBodyName")),
            "entrusting_body": facts.text(action, _q("entrustingBodyName")),
            "deadline": str(deadline) if deadline else None,
            "basis_document": facts.text(action, _q("basisDocument"))}


# --- provisions ----------------------------------------------------------------------------------

def _children(ctx: Triples, parent: str) -> list[str]:
    """The parts (款 of an article, 项 of a paragraph) of ``parent``, by ordinal."""
    kids = ctx.subjects(_PART_OF, parent)
    kids = [k for k in kids if any(str(t) in (_q("Paragraph"), _q("Point")) for t in ctx.values(k, _TYPE))]
    return sorted(kids, key=lambda k: (ctx.one(k, _q("ordinal")) or 0, k))


def _is(ctx: Triples, node: str, cls: str) -> bool:
    return any(str(t) == _q(cls) for t in ctx.values(node, _TYPE))


def _bearing(ctx: Triples, cited: str) -> list[str]:
    """The units whose level assignments bear on a cited provision (as basis_assignments.rq):
    itself; its parts (and an article's paragraphs' items); a cited item's lead-in paragraph."""
    units = [cited]
    for child in _children(ctx, cited):
        units.append(child)
        if _is(ctx, cited, "Article"):
            units += _children(ctx, child)
    if "/pt_" in cited:
        units.append(cited.rsplit("/pt_", 1)[0])
    return units


def _qualified(ctx: Triples, cited: str, prop: str) -> Iterator[tuple[str, str]]:
    """(unit, node) for each qualified node — a level assignment (qz:assigns), an entrustment
    (qz:providesEntrustment) — bearing on a cited provision."""
    for unit in _bearing(ctx, cited):
        for node in ctx.values(unit, prop):
            yield unit, str(node)


def _assignment_nodes(ctx: Triples, cited: Iterable[str]) -> set[str]:
    """The level assignments, entrustments and level reviews bearing on cited provisions."""
    return {node for c in cited for p in (_ASSIGNS, _PROVIDES, _REVIEW) for _, node in _qualified(ctx, c, p)}


def _extracted(ctx: Triples, unit: str) -> list[str]:
    """The levels the extractor reads in one unit, highest first."""
    levels = {tail(str(lv)) for a in ctx.values(unit, _ASSIGNS) for lv in ctx.values(str(a), _q("level"))}
    return sorted(levels, key=lambda lv: RANK.get(lv, 9))


def _reviews(ctx: Triples, cited: str) -> list[dict[str, Any]]:
    """The level reviews (层级校核) bearing on a cited provision, current or stale, each with what
    the extractor reads in its unit (as quanze.review.review_rows gives them, plus labels)."""
    out = []
    for unit, r in _qualified(ctx, cited, _REVIEW):
        levels = sorted((tail(str(v)) for v in ctx.values(r, _q("level"))),
                        key=lambda lv: RANK.get(lv, 9))
        date = ctx.one(r, str(DCTERMS.date))
        entry = {"unit": unit, "unit_label": unit_label(unit), "levels": levels,
                 "level_labels": [LEVEL_ZH.get(lv, lv) for lv in levels], "evidence": ctx.text(r, _q("evidence")),
                 "by": ctx.text(r, str(DCTERMS.creator)), "date": str(date) if date is not None else None,
                 "note": ctx.text(r, _NOTE),
                 "current": ctx.text(r, _q("reviewedText")) == ctx.text(unit, _q("text")),
                 "extracted": [LEVEL_ZH.get(lv, lv) for lv in _extracted(ctx, unit)]}
        if entry not in out:
            out.append(entry)
    return sorted(out, key=lambda e: (e["unit"], e["by"] or ""))


def _assignments(ctx: Triples, cited: str) -> list[dict[str, Any]]:
    """The level assignments that hold for a cited provision: the extracted ones, and in a unit
    with a current level review the reviewed ones instead (act 校核, with ``review``)."""
    extracted = []
    for unit, a in _qualified(ctx, cited, _ASSIGNS):
        level = ctx.one(a, _q("level"))
        if level is not None:
            extracted.append({"unit": unit, "level": tail(str(level)), "evidence": ctx.text(a, _q("evidence")),
                              "act": ctx.text(a, _q("act"))})
    out = []
    for a in effective(extracted, _reviews(ctx, cited)):
        slug = a["level"]
        entry = {"unit": a["unit"], "unit_label": unit_label(a["unit"]), "level": LEVEL_ZH.get(slug, slug),
                 "level_code": slug, "evidence": a["evidence"] or None, "act": a["act"], "review": a.get("review")}
        if entry not in out:
            out.append(entry)
    out.sort(key=lambda a: (a["unit"], RANK.get(a["level_code"], 9),
                            a["evidence"] or ""))
    return out


def _entrustments(ctx: Triples, cited: str) -> list[dict[str, Any]]:
    """The entrustments (委托规定) bearing on a cited provision: who may entrust, whom, in whose words."""
    out = []
    for unit, e in _qualified(ctx, cited, _PROVIDES):
        by = ctx.one(e, _q("entrustingLevel"))
        if by is None:
            continue
        to = sorted((tail(str(v)) for v in ctx.values(e, _q("entrustedLevel"))),
                    key=lambda lv: RANK.get(lv, 9))
        entry = {"unit": unit, "unit_label": unit_label(unit), "from_level": LEVEL_ZH.get(tail(str(by)), tail(str(by))),
                 "to_levels": [LEVEL_ZH.get(lv, lv) for lv in to], "evidence": ctx.text(e, _q("evidence"))}
        if entry not in out:
            out.append(entry)
    return sorted(out, key=lambda e: (e["unit"], e["evidence"] or ""))


def _instrument(ctx: Triples, version: str, labels: dict[str, str]) -> dict[str, Any] | None:
    title = ctx.text(version, _ELI_TITLE)
    if title is None:
        return None
    kind = ctx.one(version, _ELI_TYPE)
    level = ctx.one(version, _q("issuingLevel"))
    work = ctx.one(version, _q("versionOf"))
    issuers = [labels.get(str(o)) for o in ctx.values(version, _ELI_PASSED_BY)]
    type_code = tail(str(kind)) if kind else None
    level_code = tail(str(level)) if level else None
    auth = authority({"type": type_code, "issuing_level": level_code})
    date = ctx.one(version, _ELI_DATE)
    return {"iri": version, "work": str(work) if work else None, "title": title,
            "version_date": str(date) if date else None,
            "type": labels.get(str(kind)) if kind else None,
            "type_code": type_code, "issuer": "、".join(i for i in issuers if i) or None,
            "issuing_level": LEVEL_ZH.get(level_code) if level_code else None,
            "current": ctx.one(version, _q("current")), "status": ctx.text(version, _q("status")),
            "authority": auth, "authority_label": AUTHORITY_ZH[auth]}


def _unit(ctx: Triples, unit: str, selected: str | None = None) -> dict[str, Any]:
    kind = next((str(t) for t in ctx.values(unit, _TYPE) if str(t) in KIND_ZH), "")
    ordinal = ctx.one(unit, _q("ordinal"))
    out = {"iri": unit, "id": provision_id(unit), "kind": KIND_ZH.get(kind, ""), "ordinal": ordinal,
           "number": _number(kind, ordinal), "text": ctx.text(unit, _q("text")) or ""}
    if selected is not None:
        out["selected"] = unit == selected
    if kind == _q("Paragraph"):
        out["items"] = [_unit(ctx, p, selected) for p in _children(ctx, unit)]
    return out


def _full_text(ctx: Triples, unit: str) -> str | None:
    """The exact text of a 款 or 项; of an article, its paragraphs and items, one per line."""
    if _is(ctx, unit, "Article"):
        lines = []
        for p in _children(ctx, unit):
            lines.append(ctx.text(p, _q("text")) or "")
            lines += [ctx.text(i, _q("text")) or "" for i in _children(ctx, p)]
        return "\n".join(t for t in lines if t) or None
    return ctx.text(unit, _q("text"))


def citation(inst: dict[str, Any] | None, iri: str) -> str:
    """《title》第X条第X款 for a provision."""
    title = inst["title"] if inst else unquote(tail(provision_parts(iri)[0].rsplit("/", 1)[0]))
    return f"{book_title(title)}{unit_label(iri)}"


def _basis(role: str, cited: str, ctx: Triples, labels: dict[str, str]) -> dict[str, Any]:
    version, art, par, pt = provision_parts(cited)
    inst = _instrument(ctx, version, labels)
    text = _full_text(ctx, cited) if art else None
    return {
        "role": ROLE_ZH[role], "role_code": role, "provision": cited, "provision_id": provision_id(cited),
        "citation": citation(inst, cited), "instrument": inst["title"] if inst else None,
        "instrument_type": inst["type"] if inst else None, "issuer": inst["issuer"] if inst else None,
        "version_date": inst["version_date"] if inst else None,
        "instrument_status": inst["status"] if inst else None, "current": inst["current"] if inst else None,
        "authority": inst["authority"] if inst else None, "authority_label": inst["authority_label"] if inst else None,
        "article": art, "paragraph": par, "item": pt, "text": text,
        "lead_in": ctx.text(cited.rsplit("/pt_", 1)[0], _q("text")) if pt else None,
        "found": ctx.has(cited),
        "level_assignments": _assignments(ctx, cited),
        "level_reviews": _reviews(ctx, cited),
        "entrustments": _entrustments(ctx, cited),
    }


def _divisions(ctx: Triples, version: str, article: str) -> list[str]:
    """The IRIs that may name divisions (编、章、节) above an article, outermost first."""
    container = ctx.one(article, _PART_OF)
    if container is None or str(container) == version or not str(container).startswith(version + "/"):
        return []
    parts = str(container).removeprefix(version + "/").split("/")
    return [f"{version}/{'/'.join(parts[:i])}" for i in range(1, len(parts) + 1)]


def provision_detail(store: Store, iri: str) -> dict[str, Any] | None:
    """A provision (条, 款 or 项) in its article, or None when it is not stored.

    With: its text, the whole article (every paragraph and item, the one asked for marked), the
    divisions containing the article, the instrument, the level assignments and entrustments
    bearing on it, and the items relying on it (cited directly, through the article or paragraph
    containing it, or through an item or paragraph inside it)."""
    article = article_of(iri)
    if not iri.startswith(LAW) or article is None or safe_iri(iri) is None or safe_iri(article) is None:
        return None
    version = provision_parts(iri)[0]
    ctx = _context(store, [iri, article, version], [article])
    if not _is(ctx, article, "Article") or not ctx.has(iri):
        return None
    divisions = _divisions(ctx, version, article)
    _describe(store, [*_assignment_nodes(ctx, [iri]), *divisions], ctx)
    labels = vocabulary(store)
    inst = _instrument(ctx, version, labels)
    relying = store.select(query_text("relying_items"), {"provision": Iri(iri)})
    order = sorted({str(r["item"]) for r in relying})
    summaries = item_summaries(store, order)
    via = defaultdict(list)
    for r in relying:
        entry = {"role": ROLE_ZH.get(tail(str(r["role"]).replace("#", "/")), ""), "cited": str(r["cited"]),
                 "citation": citation(inst, str(r["cited"]))}
        if entry not in via[str(r["item"])]:
            via[str(r["item"])].append(entry)
    items = [{**summaries[i], "cites": sorted(via[i], key=lambda e: (e["role"], e["cited"]))}
             for i in order if i in summaries]
    items.sort(key=lambda s: (s["code"] or "", s["iri"]))
    _, art, par, pt = provision_parts(iri)
    kind = next((KIND_ZH[str(t)] for t in ctx.values(iri, _TYPE) if str(t) in KIND_ZH), "")
    text = _full_text(ctx, iri) or ""
    if kind == "款":
        text = "\n".join([text, *[ctx.text(p, _q("text")) or "" for p in _children(ctx, iri)]]).strip("\n")
    return {
        "iri": iri, "id": provision_id(iri), "citation": citation(inst, iri), "kind": kind,
        "article": art, "paragraph": par, "item": pt, "text": text, "instrument": inst,
        "context": {
            "article": article, "article_id": provision_id(article),
            "number": ctx.text(article, _ELI_NUMBER) or art,
            "divisions": [{"iri": d, "number": ctx.text(d, _ELI_NUMBER), "title": ctx.text(d, _ELI_TITLE)}
                          for d in divisions if ctx.has(d)],
            "paragraphs": [_unit(ctx, p, iri) for p in _children(ctx, article)],
        },
        "level_assignments": _assignments(ctx, iri),
        "level_reviews": _reviews(ctx, iri),
        "entrustments": _entrustments(ctx, iri),
        "items": items,
    }


# --- devolution helpers ------------------------------------------------------------------------

def chain_of(store: Store, code: str, to: str) -> dict[str, Any] | None:
    """:func:`quanze.devolution.chain` for a 事项编码, or None when there is no such item."""
    try:
        return chain(store, code, to)
    except KeyError:
        return None


# --- stored validation reports ---------------------------------------------------------------

def stored_reports(store: Store, reports: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The validation reports stored as named graphs, latest first (by their load's time)."""
    bindings = {"report": [Iri(r) for r in reports]} if reports else None
    out: dict[str, dict[str, Any]] = {}
    for r in store.select(query_text("report_graphs"), bindings):
        g = str(r["report"])
        out.setdefault(g, {"graph": g, "name": g.removeprefix(REPORT),
                           "load": tail(str(r["load"])) if r["load"] else None, "file": r["file"],
                           "time": str(r["time"]) if r["time"] else None, "conforms": r["conforms"]})
    return sorted(out.values(), key=lambda x: (_instant(x["time"]), x["graph"]), reverse=True)


def _instant(time_text: str | None) -> datetime.datetime:
    """A load's time as an instant: stores write the same time in different forms (Oxigraph
    answers ``.12Z`` for ``.120+00:00``), so their text does not sort."""
    try:
        return datetime.datetime.fromisoformat(time_text or "")
    except ValueError:
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


def latest_word(store: Store, nodes: Iterable[str], findings: Sequence[dict[str, Any]] = ()) -> dict[str, str]:
    """node → the stored report that is the latest word on it: of the reports that validated it
    (``qz:validated``; for reports stored before that was recorded, those with a finding on it),
    the one whose load is latest. An older report's findings on the node are superseded: a
    later load validated the node again (an adjustments list recording the 取消 a licence
    lacked), and its report says what holds now. Unloading that load brings the older word back."""
    nodes = sorted({*nodes, *(f["focus"] for f in findings)})
    if not nodes:
        return {}
    by_node: dict[str, set[str]] = defaultdict(set)
    for r in store.select(query_text("report_validated"), {"node": [Iri(n) for n in nodes]}):
        by_node[str(r["node"])].add(str(r["report"]))
    for f in findings:
        by_node[f["focus"]].add(f["report_graph"])
    # Only a node two reports speak of needs their loads' times (the item page asks on every visit).
    contested = sorted(set().union(*(gs for gs in by_node.values() if len(gs) > 1)))
    order = {r["graph"]: i for i, r in enumerate(reversed(stored_reports(store, contested)))} if contested else {}
    return {n: max(gs, key=lambda g: order.get(g, -1)) for n, gs in by_node.items() if gs}


def _findings(facts: Triples, results: Iterable[str], ctx: Triples, labels: dict[str, str],
              names: Triples) -> list[dict[str, Any]]:
    """Readable findings from result nodes (their triples in ``facts``), with instruments from
    ``ctx`` and item names from ``names``; rules by their names (``sh:name``)."""
    from quanze.validation import shape_names

    rule_names = shape_names()
    out = []
    for res in results:
        report = next(iter(facts.subjects(SH + "result", res)), None) or _report_of(res)
        if report is None:
            continue
        focus = str(facts.one(res, SH + "focusNode"))
        value = facts.one(res, SH + "value")
        value = str(value) if value is not None else None
        severity = str(facts.one(res, SH + "resultSeverity") or "").rsplit("#", 1)[-1]
        shape = str(facts.one(res, SH + "sourceShape") or "")
        if focus.startswith(ACTION):
            code: str | None = unquote(focus.removeprefix(ACTION).split("/")[0])
            name = None
        else:
            code = code_of(focus) if focus.startswith(ITEM) else None
            name = names.text(focus, _q("name"))
        if value and value.startswith(LAW) and "/art_" in value:
            value_label: str | None = citation(_instrument(ctx, provision_parts(value)[0], labels), value)
        elif value and value.startswith(ITEM):
            value_label = f"{code_of(value)} {names.text(value, _q('name')) or ''}".rstrip()
        else:
            value_label = labels.get(value) if value else None
        constraint = facts.one(res, SH + "sourceConstraint")
        path = facts.one(res, SH + "resultPath")
        out.append({
            "report": report.removeprefix(REPORT), "report_graph": report, "focus": focus, "focus_code": code,
            "focus_name": name, "severity": severity, "severity_label": SEVERITY_ZH.get(severity, severity),
            "shape": shape, "shape_name": rule_names.get(shape, {}).get("zh") or shape.rsplit("#", 1)[-1],
            "shape_name_en": rule_names.get(shape, {}).get("en"),
            "constraint": str(constraint) if constraint else None, "path": str(path) if path else None,
            "value": value, "value_label": value_label,
            "message": facts.text(res, SH + "resultMessage", "zh"), "message_en": _exact(facts, res, "en"),
        })
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    out.sort(key=lambda f: (order.get(f["severity"], 9), f["focus_code"] or "~", f["focus"], f["shape"],
                            f["value"] or "", f["message"] or ""))
    return out


def _report_of(result: str) -> str | None:
    """The report graph of a stored result: ``Report.to_triples`` names results
    ``{report graph}/result/{n}``."""
    report, sep, n = result.rpartition("/result/")
    return report if sep and n.isdigit() and report.startswith(REPORT) else None


def _exact(facts: Triples, s: str, lang: str) -> str | None:
    return next((str(v) for v, lg in facts.by_s.get(s, {}).get(SH + "resultMessage", []) if lg == lang), None)


def stored_findings(store: Store, *, reports: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every result of the stored validation reports (or of some), readable; each says whether
    a later report superseded it (``superseded_by``: that report's name, see :func:`latest_word`)
    and whether its node is gone from the store (``gone``: the list defining it was unloaded)."""
    bindings = {"report": [Iri(r) for r in reports]} if reports else None
    rows = store.select(query_text("report_results"), bindings)
    facts = Triples()
    for r in rows:
        facts.add([{"s": r["report"], "p": SH + "result", "o": r["result"]}])
    results: set[str] = set()
    for r in rows:
        res = str(r["result"])
        results.add(res)
        facts.add([{"s": res, "p": SH + k, "o": r[v], "lang": ""} for k, v in
                   (("focusNode", "focus"), ("resultSeverity", "severity"), ("sourceShape", "shape"),
                    ("sourceConstraint", "constraint"), ("resultPath", "path"), ("value", "value"))
                   if r[v] is not None])
        if r["message"] is not None:
            facts.add([{"s": res, "p": SH + "resultMessage", "o": r["message"], "lang": r["lang"] or ""}])
    focus_nodes = {str(facts.one(res, SH + "focusNode")) for res in results}
    values = {str(v) for res in results for v in facts.values(res, SH + "value")}
    named = {n for n in focus_nodes | values if n.startswith(ITEM)}
    names = _context(store, (), named=named)
    ctx = law_context(store, [v for v in values if v.startswith(LAW) and "/art_" in v])
    found = _findings(facts, sorted(results), ctx, vocabulary(store), names=names)
    word = latest_word(store, (), found)
    stored = {str(r["node"]) for r in store.select("SELECT DISTINCT ?node WHERE { VALUES ?node { UNDEF } ?node a ?type }",
                                                   {"node": [Iri(n) for n in focus_nodes]})} if focus_nodes else set()
    for f in found:
        latest = word.get(f["focus"], f["report_graph"])
        f["superseded_by"] = None if latest == f["report_graph"] else latest.removeprefix(REPORT)
        # a finding on a node no longer stored (its list unloaded) is no one's word any more
        f["gone"] = f["focus"] not in stored
    return found


__all__ = ["ITEM_CLASSES", "LEVEL_PARAMS", "MAX_PAGE_SIZE", "Triples", "article_of", "chain_of", "citation",
           "forget_cached", "generation", "item_detail", "latest_word", "law_context", "item_ref", "item_summaries", "provision_detail", "provision_id",
           "safe_iri", "search_items", "stored_findings", "stored_reports", "vocabulary"]
