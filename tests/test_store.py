"""The store contract, run unchanged against memory, on-disk Oxigraph and a remote Oxigraph server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from quanze.store import EmbeddedStore, Iri, QuerySyntaxError, StoreError, StoreLocked, bind
from quanze.store.embedded import CATALOG, PENDING

from .conftest import remote_store

G1 = "https://w3id.org/quanze/id/graph/test/one"
G2 = "https://w3id.org/quanze/id/graph/test/two"
EX = "https://example.org/"


def t(s: str, p: str, o) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal | ox.NamedNode) else ox.Literal(o)
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj)


def test_write_then_query_union_default_graph(any_store):
    any_store.write({G1: {t("a", "name", "药品生产许可"), t("a", "code", "37YJ-XK-0001")}, G2: {t("b", "name", "乙")}})
    assert set(any_store.graph_names()) >= {G1, G2}
    rows = any_store.select(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?n")
    assert [r["n"] for r in rows] == ["乙", "药品生产许可"]
    assert any_store.count(G1) == 2


def test_rewrite_applies_only_the_difference(any_store):
    any_store.write({G1: {t("a", "p", "1"), t("b", "p", "2")}})
    stats = any_store.write({G1: {t("a", "p", "1"), t("c", "p", "3")}})
    assert (stats.inserted, stats.deleted) == (1, 1)
    assert any_store.graph_triples(G1) == {t("a", "p", "1"), t("c", "p", "3")}
    again = any_store.write({G1: {t("a", "p", "1"), t("c", "p", "3")}})
    assert (again.inserted, again.deleted) == (0, 0)


def _list_graph(*members: str) -> set[ox.Triple]:
    """An OWL-style RDF list (owl:unionOf) as the ontology has them: blank nodes, freshly minted."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    nodes = [ox.BlankNode() for _ in members]
    out = {ox.Triple(ox.NamedNode(EX + "Item"), ox.NamedNode(EX + "unionOf"), nodes[0])}
    for i, m in enumerate(members):
        rest = nodes[i + 1] if i + 1 < len(nodes) else ox.NamedNode(rdf + "nil")
        out |= {ox.Triple(nodes[i], ox.NamedNode(rdf + "first"), ox.NamedNode(EX + m)),
                ox.Triple(nodes[i], ox.NamedNode(rdf + "rest"), rest)}
    return out


def test_graph_with_blank_nodes_is_rewritten_only_when_it_changed(any_store):
    # regression: `quanze init` a second time put the ontology's blank nodes into DELETE DATA
    any_store.write({G1: _list_graph("A", "B")})
    again = any_store.write({G1: _list_graph("A", "B")})
    assert (again.inserted, again.deleted) == (0, 0)
    changed = any_store.write({G1: _list_graph("A", "C")})
    assert (changed.inserted, changed.deleted) == (5, 5)
    members = any_store.select("SELECT ?m WHERE { ?l <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?m }")
    assert sorted(r["m"] for r in members) == [EX + "A", EX + "C"]
    assert any_store.count(G1) == 5


def test_result_values_are_the_same_python_on_every_backend(any_store):
    # the embedded store reads TSV results, the remote one JSON: both give these values
    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = {
        "tabs": (ox.Literal('a\tb\nc"d\\e \u00e9 \U0001F600'), 'a\tb\nc"d\\e \u00e9 \U0001F600'),
        "zh": (ox.Literal("第四十一条", language="zh"), "第四十一条"),
        "int": (ox.Literal("42", datatype=ox.NamedNode(xsd + "integer")), 42),
        "neg": (ox.Literal("-7", datatype=ox.NamedNode(xsd + "integer")), -7),
        "bool": (ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")), True),
        "dec": (ox.Literal("1.5", datatype=ox.NamedNode(xsd + "decimal")), 1.5),
        "dbl": (ox.Literal("2.5E0", datatype=ox.NamedNode(xsd + "double")), 2.5),
        "date": (ox.Literal("2020-12-31", datatype=ox.NamedNode(xsd + "date")), "2020-12-31"),
        "iri": (ox.NamedNode("https://w3id.org/quanze/id/law/药品管理法/2019-08-26/art_41"),
                "https://w3id.org/quanze/id/law/药品管理法/2019-08-26/art_41"),
    }
    any_store.write({G1: {ox.Triple(ox.NamedNode(EX + k), ox.NamedNode(EX + "v"), v) for k, (v, _) in values.items()}})
    rows = any_store.select(f"SELECT ?s ?v ?none WHERE {{ ?s <{EX}v> ?v OPTIONAL {{ ?s <{EX}nothing> ?none }} }}")
    got = {str(r["s"]).removeprefix(EX): r["v"] for r in rows}
    assert got == {k: want for k, (_, want) in values.items()}
    assert all(r["none"] is None for r in rows)


def test_write_with_drop_is_one_step(any_store):
    any_store.write({G1: {t("a", "p", "1")}, G2: {t("b", "p", "2")}})
    any_store.write({G1: {t("a", "p", "9")}}, drops=[G2])
    assert G2 not in any_store.graph_names()
    assert any_store.graph_triples(G1) == {t("a", "p", "9")}


def test_failed_write_leaves_store_unchanged(any_store):
    any_store.write({G1: {t("a", "p", "1")}})
    before = any_store.graph_triples(G1)
    with pytest.raises((QuerySyntaxError, StoreError)):
        # the second statement of the update is malformed: the first must not stick
        any_store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}p> \"2\" }} }} ; INSERT DATA {{ oops }}")
    assert any_store.graph_triples(G1) == before


def test_syntax_error_names_line_and_column(any_store):
    with pytest.raises(QuerySyntaxError) as err:
        any_store.select("SELECT ?x WHERE {\n  ?x ?y \n")
    message = str(err.value)
    assert "2" in message or "3" in message  # the parser's position is passed on


def test_bound_parameters_cannot_inject(any_store):
    any_store.write({G1: {t("a", "name", "甲"), t("b", "name", "乙")}})
    q = f"SELECT ?s WHERE {{ VALUES ?n {{ UNDEF }} ?s <{EX}name> ?n }}"
    assert len(any_store.select(q, {"n": "甲"})) == 1
    evil = '甲" } ?s ?p ?o . { "'
    assert any_store.select(q, {"n": evil}) == []
    assert len(any_store.select(q, {"n": ["甲", "乙"]})) == 2
    assert any_store.select(q, {"n": Iri(EX + "a")}) == []


def test_bind_rejects_undeclared_variables():
    with pytest.raises(ValueError):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s": "x"})


def test_drop_and_export(any_store):
    any_store.write({G1: {t("a", "p", "1")}, G2: {t("b", "p", "2")}})
    assert any_store.drop(G2) is True
    assert any_store.drop(G2) is False
    dump = any_store.export("nquads").decode()
    assert f"<{G1}>" in dump and f"<{G2}>" not in dump
    trig = any_store.export("trig").decode()
    assert G1 in trig


def test_large_new_graph_then_diff(any_store):
    """Large new graphs take the embedded bulk path; the contract is the same."""
    from quanze.store.embedded import BULK_THRESHOLD

    any_store.write({CATALOG: {t("load", "p", "1")}})  # a store with loads recorded
    triples = {t(f"s{i}", "p", str(i)) for i in range(BULK_THRESHOLD + 10)}
    stats = any_store.write({G1: triples, G2: {t("x", "p", "1")}})
    assert any_store.count(G1) == len(triples) and stats.inserted == len(triples) + 1
    again = any_store.write({G1: triples})
    assert (again.inserted, again.deleted) == (0, 0)
    assert not any_store.select(f"SELECT ?g WHERE {{ GRAPH ?c {{ ?g <{PENDING}> ?v }} }}")


@pytest.mark.parametrize("size", [10, 5_000])
def test_failed_direct_write_leaves_nothing(any_store, size):
    """New graphs are put whole (embedded: one transaction, or the bulk loader from
    BULK_THRESHOLD; remote: a Graph Store PUT from GSP_THRESHOLD); a failure in the last
    step removes them again."""
    from quanze.store.embedded import BULK_THRESHOLD
    from quanze.store.remote import GSP_THRESHOLD

    assert size in (10, BULK_THRESHOLD, GSP_THRESHOLD)
    any_store.write({G2: {t("keep", "p", "1")}, CATALOG: {t("load", "p", "1")}})
    new = {t(f"s{i}", "p", str(i)) for i in range(size)}
    with pytest.raises(QuerySyntaxError):
        any_store.write({G1: new}, also=["INSERT DATA { oops }"])  # the last step fails
    assert G1 not in any_store.graph_names() and any_store.count(G2) == 1 and any_store.count(CATALOG) == 1


def test_bulk_path_in_a_store_with_no_catalog_yet(any_store, monkeypatch):
    """Regression: `quanze laws import` into a fresh store (no load recorded yet) sent the
    whole corpus as one SPARQL update — 2 min 30 s and 5 GB instead of ~30 s. New graphs are
    put whole there too, and a catalog created only for the marks does not outlive them."""
    from quanze.store.embedded import BULK_THRESHOLD
    from quanze.store.remote import GSP_THRESHOLD

    size = max(BULK_THRESHOLD, GSP_THRESHOLD)
    puts: list[str] = []
    real_put = any_store._put
    monkeypatch.setattr(any_store, "_put", lambda g, triples: (puts.append(g), real_put(g, triples)))
    big = {t(f"s{i}", "p", str(i)) for i in range(size)}
    any_store.write({G1: big}, also=[f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <urn:load> <urn:p> 1 }} }}"])
    assert puts == [G1] and any_store.count(G1) == size
    assert any_store.count(CATALOG) == 1 and not any_store.pending()

    any_store.drop(G1), any_store.drop(CATALOG)
    any_store.write({G2: big})  # nothing recorded: no catalog left behind
    assert puts == [G1, G2] and not any_store.count(CATALOG) and not any_store.pending()
    with pytest.raises(QuerySyntaxError) as failed:
        any_store.write({G1: big}, also=["INSERT DATA { oops }"])
    assert not getattr(failed.value, "__notes__", None)  # the cleanup itself went through
    assert G1 not in any_store.graph_names() and not any_store.count(CATALOG)
    if isinstance(any_store, EmbeddedStore):
        # Oxigraph keeps empty named graphs; a SPARQL endpoint shows none (RemoteStore lists
        # graphs by their triples), so only here can an empty catalog be left behind.
        assert CATALOG not in any_store.graph_names()


def test_remote_bulk_load_goes_through_the_graph_store(oxigraph_server, monkeypatch):
    from quanze.store.remote import GSP_THRESHOLD

    store = remote_store(oxigraph_server)
    store.write({CATALOG: {t("load", "p", "1")}})
    puts: list[str] = []
    real_put = store._put
    monkeypatch.setattr(store, "_put", lambda g, triples: (puts.append(g), real_put(g, triples)))
    big = {t(f"s{i}", "p", str(i)) for i in range(GSP_THRESHOLD)}
    store.write({G1: big, G2: {t("small", "p", "1")}})
    assert puts == [G1]  # the small graph rides in the update
    assert store.graph_triples(G1) == big and store.count(G2) == 1 and not store.pending()


def test_remote_graph_store_refusing_put_falls_back_to_the_update(oxigraph_server):
    from quanze.store.remote import GSP_THRESHOLD, RemoteStore

    # Oxigraph's query URL answers a PUT with 405, as a read-only Graph Store would.
    store = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", oxigraph_server + "/query")
    store.update("DROP ALL")
    store.write({CATALOG: {t("load", "p", "1")}})
    big = {t(f"s{i}", "p", str(i)) for i in range(GSP_THRESHOLD)}
    store.write({G1: big})
    assert store.count(G1) == len(big) and not store.pending()
    store.close()


def test_remote_recover_removes_what_a_killed_bulk_load_left(oxigraph_server, tmp_path):
    """A client killed between its Graph Store PUT and the final update leaves the graph and
    its mark; `quanze recover` removes both and nothing else."""
    from typer.testing import CliRunner

    from quanze.cli import app

    store = remote_store(oxigraph_server)
    store.write({G2: {t("keep", "p", "1")}, CATALOG: {t("load", "p", "1")}})
    store._mark([G1])
    store._put(G1, {t("half", "p", "1")})
    assert store.pending() == [G1]
    result = CliRunner().invoke(app, ["--endpoint", oxigraph_server + "/query", "--update-endpoint",
                                      oxigraph_server + "/update", "recover"])
    assert result.exit_code == 0 and G1 in result.output
    assert G1 not in store.graph_names() and store.count(G2) == 1 and store.count(CATALOG) == 1
    assert not store.pending()


def test_killed_bulk_write_is_undone_on_open(tmp_path):
    """What a process killed during the bulk step leaves behind: the mark and part of the
    graph. Opening the store removes both."""
    store = EmbeddedStore(tmp_path / "s")
    store.write({G2: {t("keep", "p", "1")}})
    g = ox.NamedNode(G1)
    store._store.extend([ox.Quad(g, ox.NamedNode(PENDING), ox.Literal("true"), ox.NamedNode(CATALOG))])
    store._store.bulk_extend([ox.Quad(ox.NamedNode(EX + "half"), ox.NamedNode(EX + "p"), ox.Literal("1"), g)])
    store.close()
    reopened = EmbeddedStore(tmp_path / "s")
    assert reopened.recovered == [G1]
    assert G1 not in reopened.graph_names() and reopened.count(G2) == 1
    reopened.close()


def test_on_disk_store_persists_and_locks(tmp_path):
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.write({G1: {t("a", "p", "1")}})
    with pytest.raises(StoreLocked):
        EmbeddedStore(path)
    store.close()
    reopened = EmbeddedStore(path)
    assert reopened.count(G1) == 1
    reopened.close()


def test_a_read_only_opening_reads_beside_the_writer_and_closes(tmp_path):
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.write({G1: {t("a", "p", "1")}})
    reader = EmbeddedStore(path, read_only=True)
    assert reader.count(G1) == 1
    reader.close()  # regression: it used to flush, which a read-only opening refuses
    store.close()


def test_a_read_only_opening_of_no_store_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the store"):
        EmbeddedStore(tmp_path / "none", read_only=True)


def test_a_read_only_opening_retries_when_compaction_removed_a_file(tmp_path, monkeypatch):
    # The writer's background compaction can delete a table file that a read-only opening has
    # just read of in the manifest; RocksDB then says "Corruption: … No such file". The race
    # did not reproduce here on demand, so the opening is made to lose it: twice, then never.
    import types

    from quanze.store import embedded

    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.write({G1: {t("a", "p", "1")}})
    calls: list[str] = []

    def racing(lost: int, error: str = "Corruption: IO error: No such file or directory: 000042.sst"):
        def read_only(where: str) -> ox.Store:
            calls.append(where)
            if len(calls) <= lost:
                raise RuntimeError(error)
            return ox.Store.read_only(where)
        return types.SimpleNamespace(Store=types.SimpleNamespace(read_only=read_only))

    monkeypatch.setattr(embedded, "ox", racing(2))
    reader = embedded._open_read_only(str(path))
    assert len(calls) == 3 and len(list(reader.quads_for_pattern(None, None, None, ox.NamedNode(G1)))) == 1
    del reader
    calls.clear()
    monkeypatch.setattr(embedded, "ox", racing(99))
    with pytest.raises(OSError, match="No such file"):  # a race lost every time is reported, not looped on
        embedded._open_read_only(str(path), attempts=4)
    assert len(calls) == 4
    calls.clear()
    monkeypatch.setattr(embedded, "ox", racing(99, "Invalid argument: not a store"))
    with pytest.raises(OSError, match="not a store"):  # any other failure is not retried
        embedded._open_read_only(str(path))
    assert len(calls) == 1
    store.close()


def test_the_revision_moves_again_once_a_write_is_done(tmp_path):
    """A reader that opens the store while a write runs (a /sparql worker) records the revision
    it saw; the write moves it again when it ends, so that reader reopens and never keeps what it
    saw half done (or a load later rolled back)."""
    store = EmbeddedStore(tmp_path / "s")
    seen = []
    real = store._store

    class Watching:
        def __getattr__(self, name):
            attr = getattr(real, name)
            if name in ("update", "extend", "bulk_extend", "remove_graph"):
                def watched(*args, **kw):
                    seen.append(store.revision)
                    return attr(*args, **kw)
                return watched
            return attr

    store._store = Watching()
    try:
        store.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/b> 1 } }")
        store.write({"https://example.org/h": {ox.Triple(ox.NamedNode("https://example.org/a"),
                                                          ox.NamedNode("https://example.org/b"), ox.Literal("x"))}})
        store.drop("https://example.org/g")
    finally:
        store._store = real
    assert seen and all(during < store.revision for during in seen)
    assert len(set(seen)) == len(seen)  # every write step seen under a revision of its own
    store.close()
