"""What the routes are given: the settings, the one store, the query runner — and the hook
every write through the API passes.

The app holds **one** store, opened at startup from the settings (or handed to
:func:`api.app.create_app`, as the tests do): the embedded on-disk store allows one process,
and one store object per process keeps every request on the same data. Routes get it with
``Depends(get_store)``; tests can swap any of these with ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pyoxigraph as ox
from fastapi import Depends, Request

from api.errors import ApiError
from api.security import QueryRunner
from quanze.settings import Settings
from quanze.store import Store

if TYPE_CHECKING:  # quanze.validation is imported when a write is validated, not at start-up
    from quanze.validation import Finding

#: Whatever the validator returns when it rejects a write: a SHACL report as text, a dict or a
#: list of results. It is sent back to the client (JSON when it can be, text otherwise).
ValidationReport = Any


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_store(request: Request) -> Store:
    """The app's one store (503 before startup has opened it)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise ApiError(503, "存储尚未打开 / the store is not open yet")
    return store


def get_runner(request: Request) -> QueryRunner:
    """Runs queries in worker threads under the time limit (see :mod:`api.security`)."""
    return request.app.state.runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]


def after_write_validation(store: Store, graph_iris: Sequence[str],
                           before: Mapping[str, set[ox.Triple]] | None = None) -> ValidationReport | None:
    """**Hook**: check the store after an API write; return a report to reject it, None to accept.

    Called by :func:`api.writes.commit_write` — the only way the API writes — after the write
    has been applied and before the response, with the write lock held, for every SPARQL
    update and Graph Store PUT/POST/DELETE. ``graph_iris`` are the named graphs the write may
    have changed; ``before`` holds what those of them that existed held before the write. A
    non-None return makes ``commit_write`` put those graphs back as they were (one update) and
    answer 422 with the report; an exception also rolls the write back (500).

    The same SHACL validation as ``quanze load``, on the nodes :func:`write_focus` finds: those of
    the graphs it changed (each whole, as a load judges its whole list) and of the triples it
    removed whose type the shapes target (items, actions, level reviews, provisions,
    organisations …), the items relying on a provision whose reading it changes, the 一链办理
    partners of the items its actions are on, and the nodes pointing at a node it took out of
    the store. A write is rejected for the violations **it brings**: one found
    after the write that the same nodes also had before it (a graph loaded with
    ``--accept-violations``) does not block a harmless edit. The report lists the new
    violations only, and counts the ones that were there already (``pre_existing``).
    """
    from quanze.validation import validate

    focus = write_focus(store, graph_iris, before or {})
    if not focus:
        return None
    report = validate(store, focus)
    if not report.violations:
        return None
    if before is None:
        return report.to_dict()
    # The same nodes, with the written graphs seen as they were (absent ones empty).
    earlier = validate(store, focus, replace={g: before.get(g, set()) for g in graph_iris})
    known = {_violation_key(f) for f in earlier.results if f.severity == "Violation"}
    new = [f for f in report.results if f.severity == "Violation" and _violation_key(f) not in known]
    if not new:
        return None
    answer = replace(report, results=new).to_dict()
    answer["pre_existing"] = report.violations - len(new)
    return answer


# --- what a write is validated on --------------------------------------------------------------
# Not a list of IRI prefixes: a level review (…/par_1/review_x) is no item or action, yet it
# changes what /devolution answers for every item relying on its paragraph.

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_QZ = "https://w3id.org/quanze/ns#"
#: The links by which a provision's reading is given: its level assignments, entrustments, reviews.
_READING = (_QZ + "assigns", _QZ + "providesEntrustment", _QZ + "levelReview")
#: The links the shapes read at their object too: a review is some unit's, an item is validated with
#: the actions on it and its 一链办理 partners either way. (A cited provision or an implementing body
#: is not judged by who cites it: validating those of every item a write touches would be work for
#: nothing.)
_INBOUND = frozenset({_QZ + "levelReview", _QZ + "onItem", _QZ + "relatedItem"})
_PROVISIONS = frozenset({_QZ + "Article", _QZ + "Paragraph", _QZ + "Point"})
_BATCH = 1000  # IRIs per VALUES block: bounded requests for a remote endpoint


def write_focus(store: Store, graph_iris: Sequence[str], before: Mapping[str, set[ox.Triple]]) -> list[str]:
    """The nodes to validate after a write that changed ``graph_iris`` from ``before`` (a graph
    absent from it was absent), the same set :func:`quanze.lists.load_list` validates a list on:

    * every node of a graph the write changed, or of a triple it removed — as subject, or as object
      of a link the shapes read both ways (a paragraph's review, an action's 事项, a related item) —
      whose type, now or before the write, the shapes target (``sh:targetClass``, with subclasses:
      :func:`targeted_classes`);
    * the items relying on a provision whose reading the write changes (its own triples, or
      those of a review, level assignment or entrustment it points to): relying_items.rq, as
      a level review list's load;
    * the items the write's actions are on and their related items, both ways (the 一链办理 of
      an adjustments list's load);
    * the targeted nodes pointing at a node the write took out of the store (a Graph Store
      DELETE of an item list leaves an adjustments list's actions on no item)."""
    held, removed = _changes(store, graph_iris, before)
    changed = held | removed
    if not changed:
        return []
    subjects = {t.subject.value for t in changed if isinstance(t.subject, ox.NamedNode)}
    objects = {t.object.value for t in changed if t.predicate.value in _INBOUND and isinstance(t.object, ox.NamedNode)}
    now, had = _types(store, subjects | objects), _types_in(removed)  # a removed node's types are in `removed`
    targeted = targeted_classes()
    typed = {n for n in subjects | objects if (now.get(n, set()) | had.get(n, set())) & targeted}
    provisions = {n for n in subjects if (now.get(n, set()) | had.get(n, set())) & _PROVISIONS}
    gone = {n for n in typed if not now.get(n)}
    return sorted(typed | _relying(store, provisions | _reading(store, subjects | objects, removed))
                  | _chains(store, changed) | _pointing_at(store, gone, targeted))


def _changes(store: Store, graph_iris: Sequence[str],
             before: Mapping[str, set[ox.Triple]]) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """What the graphs of ``graph_iris`` the write changed hold now, and the triples it removed.
    A changed graph is judged whole, as a list's load judges every item of the list: an edit of one
    of its items also answers for the others (their old violations are counted as ``pre_existing``)."""
    present = set(store.graph_names())
    held: set[ox.Triple] = set()
    removed: set[ox.Triple] = set()
    for g in graph_iris:
        now = store.graph_triples(g) if g in present else set()
        old = before.get(g, set())
        if now != old:
            held |= now
            removed |= old - now
    return held, removed


def targeted_classes() -> frozenset[str]:
    """The classes the shapes target (``sh:targetClass`` in ``*.ttl`` of the shapes folder) and
    their subclasses in the ontology: the types of the nodes a write is validated on. Read from
    the files validation reads (``QUANZE_SHAPES``, ``QUANZE_ONTOLOGY``), so a new shape is
    followed here."""
    settings = Settings()
    return _targeted(str(settings.shapes), str(settings.ontology))


@lru_cache(maxsize=4)
def _targeted(shapes: str, ontology: str) -> frozenset[str]:
    from quanze.closure import reachable

    target, sub_class = "http://www.w3.org/ns/shacl#targetClass", "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    targets = {q.object.value for f in sorted(Path(shapes).glob("*.ttl"))
               for q in ox.parse(path=f, format=ox.RdfFormat.TURTLE) if q.predicate.value == target}
    subclasses: dict[str, set[str]] = defaultdict(set)
    for q in ox.parse(path=ontology, format=ox.RdfFormat.TURTLE):
        if q.predicate.value == sub_class and isinstance(q.object, ox.NamedNode):
            subclasses[q.object.value].add(q.subject.value)
    return frozenset(c for t in targets for c in reachable(t, subclasses))


def _types_in(triples: set[ox.Triple]) -> dict[str, set[str]]:
    """Node → the types ``triples`` give it (what a removed node was)."""
    out: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == _RDF_TYPE and isinstance(t.subject, ox.NamedNode):
            out[t.subject.value].add(t.object.value)
    return out


def _select_values(store: Store, query: str, var: str, nodes: set[str]) -> list[dict[str, Any]]:
    """``query`` (declaring ``VALUES ?var { UNDEF }``) for ``nodes``, in bounded batches."""
    from quanze.store import Iri

    ordered = sorted(nodes)
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ordered), _BATCH):
        rows += store.select(query, {var: [Iri(n) for n in ordered[i:i + _BATCH]]})
    return rows


def _types(store: Store, nodes: set[str]) -> dict[str, set[str]]:
    """Node → its types in the store now (any graph)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in _select_values(store, f"SELECT ?s ?t WHERE {{ VALUES ?s {{ UNDEF }} ?s <{_RDF_TYPE}> ?t }}", "s", nodes):
        out[str(r["s"])].add(str(r["t"]))
    return out


def _reading(store: Store, nodes: set[str], removed: set[ox.Triple]) -> set[str]:
    """The provisions whose reading is given by one of ``nodes`` (a review, an assignment), now
    or before the write."""
    links = ", ".join(f"<{p}>" for p in _READING)
    rows = _select_values(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ UNDEF }} ?s ?p ?o "
                                 f"FILTER(?p IN ({links})) }}", "o", nodes)
    return {str(r["s"]) for r in rows} | {t.subject.value for t in removed if t.predicate.value in _READING}


def _relying(store: Store, units: set[str]) -> set[str]:
    """The items relying on ``units`` (citing them, or an article or paragraph above or below)."""
    from quanze.devolution import query_text

    return {str(r["item"]) for r in _select_values(store, query_text("relying_items"), "provision", units)}


def _chains(store: Store, changed: set[ox.Triple]) -> set[str]:
    """The items the changed actions are on, and their related items either way."""
    items = {t.object.value for t in changed if t.predicate.value == _QZ + "onItem" and isinstance(t.object, ox.NamedNode)}
    related = _QZ + "relatedItem"
    rows = _select_values(store, f"SELECT DISTINCT ?other WHERE {{ VALUES ?item {{ UNDEF }} "
                                 f"{{ ?item <{related}> ?other }} UNION {{ ?other <{related}> ?item }} }}", "item", items)
    return items | {str(r["other"]) for r in rows}


def _pointing_at(store: Store, gone: set[str], targeted: frozenset[str]) -> set[str]:
    """The targeted nodes pointing at one of ``gone`` (nodes the write took out of the store)."""
    rows = _select_values(store, "SELECT DISTINCT ?s WHERE { VALUES ?o { UNDEF } ?s ?p ?o FILTER(isIRI(?s)) }",
                          "o", gone)
    pointing = {str(r["s"]) for r in rows}
    return {n for n, ts in _types(store, pointing).items() if ts & targeted}


def _violation_key(finding: Finding) -> tuple[str | None, ...]:
    """What makes two findings the same violation, whatever the labels and messages say (a write
    that renames an item keeps its old violations)."""
    return (finding.focus, finding.shape, finding.path, finding.value, finding.component, finding.constraint)
