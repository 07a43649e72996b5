"""The one store interface every part of Quanze talks to.

Three backends implement it: the embedded on-disk pyoxigraph store (the default), the same
in memory (tests), and any SPARQL 1.1 endpoint (``remote``). They share this module's
contract:

* **Named graphs only.** Every load writes its own named graph; the default graph is the
  union of them for queries (``.rq`` files never name a graph unless they mean one).
* **Writes are diffs in one transaction.** :meth:`Store.write` takes the full new content
  of some graphs (and graphs to drop), compares it with what is stored, and applies only the
  difference as a single SPARQL update (``DELETE DATA …; INSERT DATA …``). Oxigraph, Fuseki
  and GraphDB run one update request atomically, so a failing or killed write leaves the store
  as it was, and reloading identical data changes nothing. Blank nodes cannot be diffed
  (``DELETE DATA`` may not name them): loaders mint IRIs for everything, and a graph that has
  blank nodes (the OWL ontology's lists) is compared in canonical form and, when it differs,
  dropped and rewritten whole in the same update.
* **Parameters are bound, never concatenated.** Queries declare ``VALUES ?x { UNDEF }``;
  :func:`bind` replaces that block with escaped terms, so user input cannot change a query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from quanze.store.formats import results_as

XSD = "http://www.w3.org/2001/XMLSchema#"
CATALOG = "https://w3id.org/quanze/id/graph/catalog"
PENDING = "https://w3id.org/quanze/ns#loadPending"

Value = str | int | float | bool | None
Row = dict[str, Value]


class StoreError(RuntimeError):
    """A store could not do what was asked; the message is meant for users (zh / en)."""


class QuerySyntaxError(StoreError):
    """The SPARQL text does not parse; ``message`` carries the parser's line and column."""


class StoreLocked(StoreError):
    pass


class EndpointUnreachable(StoreError):
    pass


@dataclass
class WriteStats:
    inserted: int = 0
    deleted: int = 0
    graphs: list[str] = field(default_factory=list)
    #: graph → (inserted, deleted), for each graph given: a load reports its own list's change,
    #: not its validation report's
    by_graph: dict[str, tuple[int, int]] = field(default_factory=dict)


# --- terms -----------------------------------------------------------------------------------

class Iri(str):
    """Marks a Python string as an IRI when binding query parameters."""


def term(value: Any) -> ox.NamedNode | ox.Literal:
    """A Python value as an RDF term: Iri → IRI, bool/int/float/Decimal/date → typed literal."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, Iri):
        return ox.NamedNode(value)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}


def python_value(t: Any) -> Value:
    """A result term as plain JSON-able Python: IRIs and strings as str, numbers, booleans."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        if dt in _NUMERIC:
            return int(t.value)
        if dt == XSD + "boolean":
            return t.value in ("true", "1")
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(t.value)
        return t.value
    return str(t)


_VALUES_RE = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}", re.IGNORECASE)


def bind(query: str, bindings: Mapping[str, Any] | None) -> str:
    """Fill the query's ``VALUES ?x { UNDEF }`` blocks with escaped terms.

    A list binds several values; ``None`` leaves the variable unbound. Only declared
    variables can be bound, so a typo is an error, not a silently unfiltered query.
    """
    if not bindings:
        return query
    declared = set(_VALUES_RE.findall(query))
    unknown = set(bindings) - declared
    if unknown:
        raise ValueError(f"query declares no VALUES block for {sorted(unknown)}")

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        value = bindings.get(name)
        if value is None:
            return m.group(0)
        values = value if isinstance(value, list | tuple | set) else [value]
        return f"VALUES ?{name} {{ {' '.join(str(term(v)) for v in values)} }}"

    return _VALUES_RE.sub(fill, query)


def parse_triples(data: bytes | str, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[ox.Triple]:
    """Parse serialised triples into a set, the canonical form diffs compare."""
    return {q.triple for q in ox.parse(data, format=fmt)}


def has_blank_nodes(triples: Iterable[ox.Triple]) -> bool:
    return any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)


def _canonical(triples: set[ox.Triple]) -> set[ox.Quad]:
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # same process, same version: comparable
    return set(ds)


def _data_block(graph: str, triples: Iterable[ox.Triple]) -> str:
    body = " .\n".join(str(t) for t in triples)
    return f"GRAPH <{graph}> {{\n{body} .\n}}" if body else ""


def diff_update(changes: Mapping[str, tuple[set[ox.Triple], set[ox.Triple]]], drops: Sequence[str] = (),
                also: Sequence[str] = ()) -> str:
    """One SPARQL update applying ``{graph: (delete, insert)}``, dropping ``drops`` and then
    running the ``also`` operations (catalog records) in the same request."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in drops]
    deletes = "\n".join(b for g, (d, _) in changes.items() if (b := _data_block(g, d)))
    inserts = "\n".join(b for g, (_, i) in changes.items() if (b := _data_block(g, i)))
    if deletes:
        ops.append(f"DELETE DATA {{\n{deletes}\n}}")
    if inserts:
        ops.append(f"INSERT DATA {{\n{inserts}\n}}")
    ops.extend(also)
    return " ;\n".join(ops)


def unmark(graphs: Iterable[str]) -> list[str]:
    """Update operations removing the pending marks of ``graphs``."""
    return [f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{g}> <{PENDING}> ?v }} }}" for g in graphs]


class Store:
    """Abstract store; see the module docstring for the contract."""

    backend = "abstract"
    #: Whether a named graph can exist empty (:meth:`create_graph`): Oxigraph keeps one until it is
    #: dropped; a SPARQL endpoint shows only graphs with triples (``GRAPH ?g { ?s ?p ?o }``), so
    #: there a graph that loses its last triple is gone.
    keeps_empty_graphs = False

    # -- reading --
    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        raise NotImplementedError

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        raise NotImplementedError

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> set[ox.Triple]:
        raise NotImplementedError

    def sparql(self, query: str, accept: str, default_graphs: Sequence[str] = (),
               named_graphs: Sequence[str] = ()) -> tuple[bytes, str]:
        """Run a query for the HTTP endpoint; returns the body and its media type."""
        raise NotImplementedError

    def capped_select(self, query: str, accept: str, default_graphs: Sequence[str] = (),
                      named_graphs: Sequence[str] = (), max_rows: int = 0) -> tuple[bytes, bool]:
        """A SELECT for the HTTP endpoint, cut at ``max_rows`` rows (``<= 0``: no cap): the
        body as ``accept`` and whether it was cut. Cut as SPARQL JSON, then re-serialised, so
        every format is capped the same way and stays a valid results document."""
        body, _ = self.sparql(query, "application/sparql-results+json", default_graphs, named_graphs)
        truncated = False
        if max_rows > 0:
            data = json.loads(body)
            rows = data.get("results", {}).get("bindings", [])
            if len(rows) > max_rows:
                truncated = True
                data["results"]["bindings"] = rows[:max_rows]
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return results_as(body, accept), truncated

    def bound_graphs(self, query: str, default: Sequence[str] | None = None,
                     named: Sequence[str] | None = None) -> set[str] | None:
        """The IRIs a SELECT binds, in any variable, matched against the dataset an update's
        ``WHERE`` sees (:func:`api.lexer.graph_query`): ``default`` graphs (None: the store's own
        default graph, not the union other reads use) and ``named`` graphs (None: all of them).
        None where the backend cannot promise that dataset: a remote server decides for itself
        what an update's default graph is."""
        return None

    def default_graph_triples(self) -> set[ox.Triple] | None:
        """The triples of the store's own default graph — not the union of the named graphs that
        queries read, and no place for data (every load is a named graph with its record) — or
        None where the backend cannot say (a remote server decides what its default graph is)."""
        return None

    def discard_blank_graphs(self) -> int:
        """Remove every graph named by a blank node, and say how many there were. A SPARQL
        update can make one (``GRAPH ?g`` with ``?g`` bound by ``BNODE()``): no load records it,
        no validation sees it, and queries over the union read it. A remote endpoint keeps its own
        rules (0)."""
        return 0

    def graph_names(self) -> list[str]:
        raise NotImplementedError

    def graph_triples(self, graph: str) -> set[ox.Triple]:
        raise NotImplementedError

    def has_graph(self, graph: str) -> bool:
        return graph in self.graph_names()

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"] or 0)

    def export(self, fmt: str = "nquads") -> bytes:
        raise NotImplementedError

    # -- writing --
    def update(self, update: str) -> None:
        raise NotImplementedError

    def write(self, graphs: Mapping[str, set[ox.Triple]], drops: Sequence[str] = (),
              also: Sequence[str] = ()) -> WriteStats:
        """Make each graph in ``graphs`` hold exactly the given triples, drop ``drops``, run
        the ``also`` update operations: all or nothing, touching only what differs.

        Normally that is one SPARQL update (:meth:`write_diff`). *New* graphs a backend can put
        whole faster than an update carries them (:meth:`_puts`: the embedded store always,
        a remote one through the Graph Store Protocol) go in beside it, under the
        pending-mark protocol (the catalog graph holds the marks; a catalog created only for
        them is discarded again, see :meth:`_discard_empty_catalog`):

        1. the catalog marks each such graph ``qz:loadPending``;
        2. their triples are put, graph by graph;
        3. one update writes everything else, runs ``also`` and removes the marks.

        A failure in 2 or 3 removes the new graphs and their marks here (:meth:`recover`); a
        process killed in 2 or 3 leaves the marks behind, for :meth:`recover` to act on."""
        new = [g for g, t in graphs.items()
               if t and self._puts(len(t)) and not has_blank_nodes(t) and not self.has_graph(g)]
        if not new:
            return self.write_diff(graphs, drops, also)
        # Marking in a store with no catalog yet (no load recorded — `quanze laws import` into a
        # fresh store) creates one. (Sending such graphs in the update instead took five times as
        # long for the corpus, and 5 GB.)
        fresh = not self.has_graph(CATALOG)
        self._mark(new)
        try:
            for g in new:
                self._put(g, graphs[g])
            stats = self.write_diff({g: t for g, t in graphs.items() if g not in new}, drops, [*also, *unmark(new)])
        except BaseException as exc:
            try:
                self.recover(new)
                if fresh:
                    self._discard_empty_catalog()
            except Exception as cleanup:  # the write's own error is the one to report
                exc.add_note(f"cleanup after the failed write also failed: {cleanup!r}")
            raise
        if fresh:
            self._discard_empty_catalog()
        stats.graphs = list(graphs)
        stats.inserted += sum(len(graphs[g]) for g in new)
        stats.by_graph.update({g: (len(graphs[g]), 0) for g in new})
        return stats

    def write_diff(self, graphs: Mapping[str, set[ox.Triple]], drops: Sequence[str] = (),
                   also: Sequence[str] = ()) -> WriteStats:
        """:meth:`write` as one SPARQL update holding the difference."""
        changes: dict[str, tuple[set[ox.Triple], set[ox.Triple]]] = {}
        stats = WriteStats(graphs=list(graphs))
        names = {g for g in [*graphs, *drops] if self.has_graph(g)}
        rewrite: list[str] = []
        for g, new in graphs.items():
            old = self.graph_triples(g) if g in names else set()
            delete, insert = old - new, new - old
            if (delete or insert) and has_blank_nodes(delete | insert):
                if _canonical(old) == _canonical(new):
                    continue
                rewrite.append(g)  # dropped, then written whole
                changes[g] = (set(), new)
                stats.by_graph[g] = (len(new), len(old))
                stats.deleted += len(old)
                stats.inserted += len(new)
                continue
            if delete or insert:
                changes[g] = (delete, insert)
            stats.by_graph[g] = (len(insert), len(delete))
            stats.deleted += len(delete)
            stats.inserted += len(insert)
        live_drops = [g for g in drops if g in names] + [g for g in rewrite if g in names]
        if changes or live_drops or also:
            self.update(diff_update(changes, live_drops, also))
        return stats

    # The pending-mark protocol; a backend that puts graphs whole overrides the first three.
    def _puts(self, size: int) -> bool:
        """Whether a new graph of ``size`` triples is put whole rather than sent in the update."""
        return False

    def _mark(self, graphs: Sequence[str]) -> None:
        marks = " ".join(f'<{g}> <{PENDING}> "true" .' for g in graphs)
        self.update(f"INSERT DATA {{ GRAPH <{CATALOG}> {{ {marks} }} }}")

    def _put(self, graph: str, triples: set[ox.Triple]) -> None:
        raise NotImplementedError

    def _discard_empty_catalog(self) -> None:
        """Drop a catalog graph the marks created if nothing else is in it. A SPARQL endpoint
        shows no empty graph (and dropping one there would race other clients' loads), so only
        the embedded store, which keeps empty named graphs, overrides this."""

    def pending(self) -> list[str]:
        """Graphs marked pending: a write is putting them, or was killed while it did."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH <{CATALOG}> {{ ?g <{PENDING}> ?v }} }}")
        return sorted(str(r["g"]) for r in rows)

    def recover(self, graphs: Sequence[str] | None = None) -> list[str]:
        """Remove the graphs marked pending (only those of ``graphs`` when given) and their
        marks, so the store is as it was before the write that put them."""
        marked = [g for g in self.pending() if graphs is None or g in graphs]
        if marked:
            self.update(" ;\n".join([*(f"DROP SILENT GRAPH <{g}>" for g in marked), *unmark(marked)]))
        return marked

    def drop(self, graph: str) -> bool:
        if not self.has_graph(graph):
            return False
        self.update(f"DROP SILENT GRAPH <{graph}>")
        return True

    def creating(self, graphs: Iterable[str]) -> list[str]:
        """The SPARQL operations that make ``graphs`` exist, empty if they are new, to run in an
        update of one's own; none on a backend that keeps no empty graphs (:attr:`keeps_empty_graphs`)."""
        if not self.keeps_empty_graphs:
            return []
        return [f"CREATE SILENT GRAPH <{ox.NamedNode(g).value}>" for g in graphs]

    def create_graph(self, graph: str) -> bool:
        """Make ``graph`` exist, empty if it is new; False (nothing done) on a backend that keeps no
        empty graphs (:attr:`keeps_empty_graphs`)."""
        for op in self.creating([graph]):
            self.update(op)
        return self.keeps_empty_graphs

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHARS = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\", "'": "'", "b": "\b", "f": "\f"}
_FLOATS = {XSD + "decimal", XSD + "double", XSD + "float"}


def _unescape(text: str) -> str:
    return _ECHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(1) or m.group(2)
                      else _ECHARS[m.group(3)], text)


def tsv_value(cell: str) -> Value:
    """One cell of SPARQL TSV results (terms in N-Triples syntax, numbers and booleans possibly
    bare) as :func:`python_value` gives it."""
    if not cell:
        return None
    head = cell[0]
    if head == "<":
        return cell[1:-1]
    if head == '"':
        end = cell.rindex('"')
        value = cell[1:end]
        if "\\" in value:
            value = _unescape(value)
        if cell.startswith("^^", end + 1):
            dt = cell[end + 4:-1]
            if dt in _NUMERIC:
                return int(value)
            if dt == XSD + "boolean":
                return value in ("true", "1")
            if dt in _FLOATS:
                return float(value)
        return value
    if head == "_":
        return cell
    if cell in ("true", "false"):
        return cell == "true"
    try:
        return int(cell)
    except ValueError:
        return float(cell)


def rows_from_tsv(data: bytes) -> list[Row]:
    """SPARQL TSV results as rows: serialised by the engine and split by Python's C string
    methods, ~25 % faster than walking the solutions term by term (100,000-row scans)."""
    lines = data.decode("utf-8").split("\n")
    names = [v[1:] for v in lines[0].split("\t")]
    return [dict(zip(names, map(tsv_value, line.split("\t")), strict=True)) for line in lines[1:] if line]
