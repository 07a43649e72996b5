"""What the routes are given: the settings, the one store, the query runner — and the hook
every write through the API passes.

The app holds **one** store, opened at startup from the settings (or handed to
:func:`api.app.create_app`, as the tests do): the embedded on-disk store allows one process,
and one store object per process keeps every request on the same data. Routes get it with
``Depends(get_store)``; tests can swap any of these with ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
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

    The same SHACL validation as ``quanze load``: the items and adjustments the changed graphs
    hold, with their neighbours, and those that point at a node the write removed (a Graph
    Store DELETE of an item list leaves an adjustments list's actions on no item). A write is
    rejected for the violations **it brings**: one found
    after the write that the same nodes also had before it (a graph loaded with
    ``--accept-violations``) does not block a harmless edit. The report lists the new
    violations only, and counts the ones that were there already (``pre_existing``).
    """
    from quanze.namespaces import ID
    from quanze.validation import validate

    prefixes = (str(ID["item/"]), str(ID["action/"]))
    present = set(store.graph_names())
    focus = sorted({t.subject.value for g in graph_iris if g in present for t in store.graph_triples(g)
                    if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefixes)}
                   | _pointing_at_removed(store, graph_iris, before or {}, prefixes))
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


def _pointing_at_removed(store: Store, graph_iris: Sequence[str], before: Mapping[str, set[ox.Triple]],
                         prefixes: tuple[str, ...]) -> set[str]:
    """Items and actions that point at an item or action the write took out of the store."""
    from quanze.store import Iri

    had = sorted({t.subject.value for g in graph_iris for t in before.get(g, ())
                  if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefixes)})
    out: set[str] = set()
    for i in range(0, len(had), 1000):  # bounded queries, for a remote endpoint's request size
        nodes = {"o": [Iri(n) for n in had[i:i + 1000]]}
        still = {str(r["o"]) for r in store.select("SELECT DISTINCT ?o WHERE { VALUES ?o { UNDEF } ?o a ?t }", nodes)}
        removed = [n for n in nodes["o"] if n not in still]
        if removed:
            rows = store.select("SELECT DISTINCT ?s WHERE { VALUES ?o { UNDEF } ?s ?p ?o FILTER(isIRI(?s)) }",
                                {"o": removed})
            out |= {str(r["s"]) for r in rows if str(r["s"]).startswith(prefixes)}
    return out


def _violation_key(finding: Finding) -> tuple[str | None, ...]:
    """What makes two findings the same violation, whatever the labels and messages say (a write
    that renames an item keeps its old violations)."""
    return (finding.focus, finding.shape, finding.path, finding.value, finding.component, finding.constraint)
