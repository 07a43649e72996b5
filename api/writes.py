"""The one way the API writes: :func:`commit_write`, so validation cannot be skipped.

Every SPARQL update and Graph Store write goes through :func:`commit_write`. It serialises
API writes (one lock per process), keeps a copy of the graphs the write may change, applies
the write, asks :func:`api.deps.after_write_validation`, and when that returns a report puts
the graphs back as they were and raises :class:`WriteRejected` (422).

A protocol write (SPARQL Update, Graph Store) may not change a graph Quanze's loaders keep —
the catalog of loads, a recorded load or its report, the corpus, the reference data — (409,
:class:`ManagedGraph`): its record would no longer say what it holds. ``POST``/``DELETE /loads``
change them as the CLI does.

The store's own default graph is no place for data (the store contract: every load is a named
graph with its record; queries read the default graph as the union of the named graphs). A
protocol write that adds to it — an update's ``INSERT`` without ``GRAPH`` — is put back and
refused (400, :class:`DefaultGraphWrite`): nothing would list, validate or remove what it wrote.
One that only removes from it (``CLEAR DEFAULT``, a ``DELETE`` without ``GRAPH``) is let through:
it clears what a write before this check left there, and is the only way to. The Graph Store
Protocol's ``?default`` is refused before anything is written (405, :mod:`api.graph_store`).
This is checked where the store lets the service read its default graph (the embedded stores);
a remote endpoint decides for itself what an update's default graph is.

The rollback is a compensating update, not a transaction held open: between the write and
the rollback, readers can see the rejected data, and a writer outside this process (another
client of a remote endpoint) changing the same graphs meanwhile would be overwritten.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pyoxigraph as ox

from api import deps
from api.errors import ApiError
from quanze.lookup import forget_cached
from quanze.store import Store, WriteStats
from quanze.store.base import diff_update

R = TypeVar("R")

#: The content, before the write, of the graphs it may change that existed then.
Snapshot = dict[str, set[ox.Triple]]

_lock = threading.Lock()
_written = 0  # writes this process committed: part of /health's data token


def written() -> int:
    """How many API writes this process has committed (rejected ones not counted)."""
    return _written


class ManagedGraph(ApiError):
    """409: a protocol write named a graph Quanze's loaders keep; nothing was changed."""

    def __init__(self, graphs: list[str]):
        named = "、".join(f"<{g}>" for g in graphs)
        super().__init__(409, f"{named} 由 Quanze 的载入维护（语料、参考数据、清单、校验报告或载入记录），不能通过协议直接写入；请用 "
                              f"quanze load/unload/laws import/init，或 POST、DELETE /loads / {named.replace('、', ', ')} "
                              "is kept by Quanze's loaders (the corpus, reference data, a list, a validation report "
                              "or the catalog of loads) and cannot be written through the protocols; use quanze "
                              "load/unload/laws import/init, or POST and DELETE /loads",
                         details={"graphs": graphs}, force_json=True)


def managed_graphs(store: Store) -> set[str]:
    """The graphs a Quanze loader wrote and records (the catalog, each recorded load and its
    report): a protocol write to one would leave its record saying what it no longer holds, and
    a deleted corpus would leave every list citing nothing. Graphs without a record stay open."""
    from quanze.catalog import CATALOG_GRAPH, loads

    records = loads(store)
    return {CATALOG_GRAPH} | {r.graph for r in records} | {r.report for r in records if r.report}


class DefaultGraphWrite(ApiError):
    """400: a protocol write added to the store's own default graph; it was undone."""

    def __init__(self) -> None:
        super().__init__(400, "默认图是全部命名图的只读并集，不能写入：本次更新向默认图写入了三元组（没有 GRAPH 的 INSERT），"
                              "已撤销；数据须写入命名图：请用 GRAPH <…>（Graph Store 用 ?graph=IRI）/ the default graph is "
                              "the read-only union of the named graphs and cannot be written: this update wrote triples "
                              "into the default graph (an INSERT without GRAPH) and was undone; data goes into a named "
                              "graph: use GRAPH <…> (in the Graph Store Protocol, ?graph=IRI)")


class WriteRejected(ApiError):
    """422: the write did not pass validation and was rolled back."""

    def __init__(self, report: Any, graphs: list[str]):
        details: dict[str, Any] = {"graphs": graphs, "report": report}
        super().__init__(422, "写入未通过校验，已撤销 / the write failed validation and was rolled back",
                         details=details, force_json=True)


#: The graphs a write may change: named, unknown (None), or found under the write lock (an
#: update's ``GRAPH ?g`` is read against the store as it is when the update runs).
Scope = Iterable[str] | Callable[[], Iterable[str] | None] | None


def commit_write(store: Store, graphs: Scope, action: Callable[[Snapshot], R], *,
                 validated: bool = False, protocol: bool = False, exact: bool = True) -> R:
    """Run ``action(snapshot)`` — the write — under validation; see the module docstring.

    ``protocol``: a SPARQL Update or Graph Store write, which may not change a graph the loaders
    keep (:func:`managed_graphs`): refused with :class:`ManagedGraph` (409) before the write when
    ``graphs`` are ``exact`` (a Graph Store request names its graph), rolled back after it when
    they are a guess (an update's targets, which count a graph it only reads) or unknown (``DROP ALL``).

    ``validated``: the action validates what it writes before it writes it, and writes nothing
    it rejects (:func:`quanze.lists.load_list` with a validator — a list upload). The check
    after the write is then skipped: it would judge the load again, without the load's
    ``accept_violations``, and readers would see a rejected load until it was rolled back.

    Afterwards (written, rolled back or failed) the lookups' caches of reference data are
    dropped (:func:`quanze.lookup.forget_cached`)."""
    global _written
    try:
        result = _commit_write(store, graphs, action, validated, protocol, exact)
        with _lock:
            _written += 1
        return result
    finally:
        forget_cached(store)


def _commit_write(store: Store, graphs: Scope, action: Callable[[Snapshot], R],
                  validated: bool = False, protocol: bool = False, exact: bool = True) -> R:
    """:func:`commit_write` without the cache reset.

    ``graphs`` are the named graphs the write may change, or None when that is unknown (a
    SPARQL update with ``GRAPH ?g`` the service cannot resolve, or ``DROP ALL``): then every
    graph is copied first and the validator is given those whose content changed."""
    with _lock:
        if callable(graphs):
            graphs = graphs()
        before = set(store.graph_names())
        scope = set(before) if graphs is None else set(graphs)
        kept = managed_graphs(store) if protocol else set()
        if graphs is not None and exact and scope & kept:
            raise ManagedGraph(sorted(scope & kept))
        snapshot: Snapshot = {g: store.graph_triples(g) for g in sorted(scope & before)}
        default = store.default_graph_triples() if protocol else None
        result = action(snapshot)
        if protocol and store.discard_blank_graphs():
            _restore(store, sorted(scope & before | (set(store.graph_names()) - before)), snapshot)
            raise ApiError(400, "图须以 IRI 命名：本次写入会产生以空白节点命名的图，已撤销 / a graph must be named by an "
                                "IRI: the write would have made graphs named by blank nodes, and was undone")
        after = set(store.graph_names())
        if graphs is None:
            changed = {g for g in before if g not in after or store.graph_triples(g) != snapshot[g]}
            touched = sorted(changed | (after - before))
        else:
            touched = sorted(scope | (after - before))
            # an update's targets are a guess (a GRAPH only read in WHERE counts): what it changed decides
            changed = {g for g in scope & kept if store.graph_triples(g) != snapshot.get(g, set())}
        if default is not None and (store.default_graph_triples() or set()) - default:  # removing strays is cleaning up
            _restore(store, touched, snapshot, default=default)
            raise DefaultGraphWrite()
        if set(changed) & kept:
            _restore(store, touched, snapshot)
            raise ManagedGraph(sorted(set(changed) & kept))
        if not touched or validated:
            return result
        try:
            report = deps.after_write_validation(store, touched, snapshot)
        except Exception:
            _restore(store, touched, snapshot)
            raise
        if report is not None:
            _restore(store, touched, snapshot)
            raise WriteRejected(report, touched)
        return result


def _restore(store: Store, graphs: list[str], snapshot: Snapshot, default: set[ox.Triple] | None = None) -> None:
    """Put ``graphs`` back as in ``snapshot`` (absent ones dropped, empty ones kept empty where the
    store keeps empty graphs) and, when given, the store's own default graph as ``default`` —
    in one update."""
    inserts = {g: (set(), snapshot[g]) for g in graphs if snapshot.get(g)}
    also = store.creating(g for g in graphs if g in snapshot and not snapshot[g])
    if default is not None:
        also += ["CLEAR DEFAULT"] + (["INSERT DATA {\n" + " .\n".join(str(t) for t in default) + " .\n}"] if default else [])
    store.update(diff_update(inserts, drops=graphs, also=also))


def _has_blank_node(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def replace_graph(store: Store, graph: str, triples: set[ox.Triple], old: set[ox.Triple] | None) -> WriteStats:
    """Make ``graph`` hold exactly ``triples``, in one transaction.

    Uses :meth:`Store.write` (only the difference is written) unless triples with blank nodes
    would have to be deleted — ``DELETE DATA`` cannot name blank nodes — then the graph is
    dropped and written again, still in one update."""
    old = old or set()
    if any(_has_blank_node(t) for t in old - triples):
        store.update(diff_update({graph: (set(), triples)} if triples else {}, drops=[graph]))
        return WriteStats(inserted=len(triples), deleted=len(old), graphs=[graph])
    return store.write({graph: triples})
