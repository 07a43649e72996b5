"""The embedded backend: pyoxigraph on disk (the default) or in memory (tests)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from quanze.store.base import (
    CATALOG,
    PENDING,
    QuerySyntaxError,
    Row,
    Store,
    StoreError,
    StoreLocked,
    bind,
    rows_from_tsv,
)
from quanze.store.formats import RDF_FORMATS, RESULT_FORMATS, results_as

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# New graphs are written outside the SPARQL update (which must serialise and parse every
# triple), made all-or-nothing by the pending-marker protocol of ``write``: from this size
# through RocksDB's bulk loader (a county list of 5,500 triples: 58 ms, against 98 ms in one
# ``extend`` transaction and ~3x that as a SPARQL update), smaller ones with ``extend``.
BULK_THRESHOLD = 5_000


def _syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    return QuerySyntaxError(f"SPARQL 语法错误 / SPARQL syntax error: {exc}")


def _dataset(default_graphs: Sequence[str], named_graphs: Sequence[str]) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if default_graphs:
        kw["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return kw


def _json_term(t: Any) -> dict[str, Any]:
    """A term as SPARQL 1.1 Query Results JSON (with RDF 1.2's triple terms)."""
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    out: dict[str, Any] = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


def _open_read_only(path: str, attempts: int = 20) -> ox.Store:
    """A read-only opening of ``path``. It can lose a race with the writer's background
    compaction, which deletes a table file the opening just read about in the manifest (a
    RuntimeError, "Corruption: … No such file"); the next attempt reads the new manifest. A
    missing store is an OSError, raised at once."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except RuntimeError as exc:
            error = str(exc)
            if "No such file" not in error:
                break
            time.sleep(0.01 * (attempt + 1))
    raise OSError(error)  # reported by the caller as StoreError


class EmbeddedStore(Store):
    keeps_empty_graphs = True  # Oxigraph keeps a named graph until it is dropped, triples or none

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        """The on-disk store at ``path`` (None: in memory). ``read_only`` opens it beside the
        process that holds it (RocksDB allows any number of read-only openings, ~10 ms each):
        they see the store as it was when opened, and cannot write."""
        self.path = str(path) if path else None
        self.backend = "oxigraph" if path else "memory"
        self.revision = 0  # counts the writes through this object, so readers elsewhere know to reopen
        self.read_only = bool(path and read_only)
        try:
            if path and read_only:
                self._store = _open_read_only(self.path)
                self.recovered: list[str] = []
                return
            if path:
                Path(path).mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(self.path) if path else ox.Store()
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"存储 {path} 已被另一个进程占用（例如正在运行的 quanze serve）/ "
                    f"the store at {path} is locked by another process (a running `quanze serve`?)"
                ) from None
            raise StoreError(f"无法打开存储 {path} / cannot open the store at {path}: {exc}") from None
        self.recovered = self.recover()

    def recover(self, graphs: Sequence[str] | None = None) -> list[str]:
        """As :meth:`Store.recover`, without SPARQL. Runs whenever the store is opened, before
        anything reads it (the on-disk store admits one process at a time), so a write killed
        midway is undone."""
        marks = [q for q in self._store.quads_for_pattern(None, ox.NamedNode(PENDING), None, ox.NamedNode(CATALOG))
                 if graphs is None or q.subject.value in graphs]
        if marks:
            with self._writing():
                for q in marks:
                    self._store.remove_graph(q.subject)  # type: ignore[arg-type]
                    self._store.remove(q)
        return [q.subject.value for q in marks]

    # -- reading --
    def _run(self, query: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        text = bind(query, bindings)
        try:
            return self._store.query(text, use_default_graph_as_union=not kw.get("default_graph"), **kw)
        except SyntaxError as exc:
            raise _syntax_error(exc) from None

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        res = self._run(query, bindings)
        if not isinstance(res, ox.QuerySolutions):
            raise StoreError("not a SELECT query")
        return rows_from_tsv(res.serialize(format=ox.QueryResultsFormat.TSV))

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> set[ox.Triple]:
        return set(self._run(query, bindings))

    def sparql(self, query: str, accept: str, default_graphs: Sequence[str] = (),
               named_graphs: Sequence[str] = ()) -> tuple[bytes, str]:
        res = self._run(query, **_dataset(default_graphs, named_graphs))
        if isinstance(res, ox.QueryTriples):
            fmt = RDF_FORMATS[accept]
            return ox.serialize(res, format=fmt) or b"", accept
        return res.serialize(format=RESULT_FORMATS[accept]), accept

    def capped_select(self, query: str, accept: str, default_graphs: Sequence[str] = (),
                      named_graphs: Sequence[str] = (), max_rows: int = 0) -> tuple[bytes, bool]:
        """As :meth:`Store.capped_select`, reading rows one by one and stopping at the cap: a
        large result is never held whole (Oxigraph computes solutions as they are read, except
        behind ORDER BY, GROUP BY and the like)."""
        if max_rows <= 0:
            return self.sparql(query, accept, default_graphs, named_graphs)[0], False
        res = self._run(query, **_dataset(default_graphs, named_graphs))
        if not isinstance(res, ox.QuerySolutions):
            raise StoreError("not a SELECT query")
        names = [v.value for v in res.variables]
        rows = list(islice(res, max_rows + 1))
        data = {"head": {"vars": names},
                "results": {"bindings": [{n: _json_term(r[n]) for n in names if r[n] is not None}
                                         for r in rows[:max_rows]]}}
        return results_as(json.dumps(data, ensure_ascii=False).encode("utf-8"), accept), len(rows) > max_rows

    def default_graph_triples(self) -> set[ox.Triple]:
        return {q.triple for q in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())}

    def bound_graphs(self, query: str, default: Sequence[str] | None = None,
                     named: Sequence[str] | None = None) -> set[str] | None:
        kw: dict[str, Any] = {"default_graph": ox.DefaultGraph() if default is None
                              else [ox.NamedNode(g) for g in default]}
        if named is not None:
            kw["named_graphs"] = [ox.NamedNode(g) for g in named]
        try:
            res = self._store.query(query, **kw)
        except SyntaxError:
            return None  # a WHERE that parses in the update but not on its own: cannot tell
        return {t.value for row in res for t in row if isinstance(t, ox.NamedNode)}

    def discard_blank_graphs(self) -> int:
        blank = [g for g in self._store.named_graphs() if isinstance(g, ox.BlankNode)]
        if blank:
            with self._writing():
                for g in blank:
                    self._store.remove_graph(g)
        return len(blank)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def graph_triples(self, graph: str) -> set[ox.Triple]:
        return {q.triple for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}

    def export(self, fmt: str = "nquads") -> bytes:
        out = self._store.dump(format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS)
        return out or b""

    # -- writing --
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Count a write before and after it: a reader elsewhere that opened the store while it ran
        (and saw it half done) sees the revision change again, and reopens."""
        self.revision += 1
        try:
            yield
        finally:
            self.revision += 1

    def update(self, update: str) -> None:
        with self._writing():
            try:
                self._store.update(update)
            except SyntaxError as exc:
                raise _syntax_error(exc) from None

    # The pending-mark protocol of Store.write, without SPARQL: new graphs go straight in.
    def _puts(self, size: int) -> bool:
        return True

    def _mark(self, graphs: Sequence[str]) -> None:
        with self._writing():
            self._store.extend(ox.Quad(ox.NamedNode(g), ox.NamedNode(PENDING), ox.Literal("true"), ox.NamedNode(CATALOG))
                               for g in graphs)

    def _discard_empty_catalog(self) -> None:
        catalog = ox.NamedNode(CATALOG)
        if self._store.contains_named_graph(catalog) and not next(
            iter(self._store.quads_for_pattern(None, None, None, catalog)), None
        ):
            with self._writing():
                self._store.remove_graph(catalog)

    def _put(self, graph: str, triples: set[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        quads = (ox.Quad(t.subject, t.predicate, t.object, node) for t in triples)
        with self._writing():
            if len(triples) >= BULK_THRESHOLD:
                self._store.bulk_extend(quads)  # not transactional: the pending mark covers it
            else:
                self._store.extend(quads)

    def drop(self, graph: str) -> bool:
        if not self.has_graph(graph):
            return False
        with self._writing():
            self._store.remove_graph(ox.NamedNode(graph))
        return True

    def close(self) -> None:
        if self.path and not self.read_only:  # a read-only opening has nothing to flush, and refuses to
            self._store.flush()
        del self._store
