"""The remote backend's configuration, checked before it can give silent wrong answers: a wrong
Graph Store URL, a server whose default graph is not the union, a malformed URL, the HTTP
timeout, and which of --store / --endpoint / QUANZE_* picks the store. Real ``oxigraph serve``
processes on 127.0.0.1 (the union one shared with tests/test_store.py, and one without union)."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from quanze.settings import ConflictingOptions, Settings
from quanze.store import RemoteStore
from quanze.store.base import CATALOG
from quanze.store.remote import MisconfiguredEndpoint

from .conftest import MINI_LAW, oxigraph_serve, remote_store, write_mini_corpus

G1 = "https://w3id.org/quanze/id/graph/test/one"
G2 = "https://w3id.org/quanze/id/graph/test/two"
LAWS = "https://w3id.org/quanze/id/graph/laws"
EX = "https://example.org/"


def t(s: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o))


def cli(*args: str, **env: str):
    """``quanze ARGS`` through typer's runner with exactly the QUANZE_* variables given (a
    developer's own QUANZE_STORE or QUANZE_ENDPOINT must not pick the backend)."""
    from typer.testing import CliRunner

    from quanze.cli import app, state

    variables: dict[str, str | None] = {k: None for k in os.environ if k.startswith("QUANZE_")}
    variables.update(env)
    state.store = None
    try:
        return CliRunner().invoke(app, list(args), env=variables)
    finally:
        if state.store is not None:
            state.store.close()
            state.store = None


def remote_env(base: str, gsp: str = "/store") -> dict[str, str]:
    return {"QUANZE_ENDPOINT": base + "/query", "QUANZE_UPDATE_ENDPOINT": base + "/update",
            "QUANZE_GSP_ENDPOINT": base + gsp}


def said(result) -> str:
    """What the command printed, without rich's line wrapping."""
    return "".join(result.output.split())


def drop_all(base: str) -> None:
    """Empty the server, past Quanze (which refuses to write to a server without union)."""
    httpx.post(base + "/update", content="DROP ALL", headers={"Content-Type": "application/sparql-update"},
               timeout=30).raise_for_status()


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory) -> Iterator[str]:
    """An Oxigraph server started without --union-default-graph."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-plain")) as base:
        yield base


# --- 1. a wrong Graph Store URL -------------------------------------------------------------------

def test_a_graph_store_404_is_an_empty_graph_only_when_sparql_agrees(oxigraph_server):
    """Regression: a 404 from a wrong Graph Store path read as "empty graph", so the diff of a
    rewrite inserted the new triples and deleted none of the old."""
    right = remote_store(oxigraph_server)
    right.write({G1: {t("a", "1"), t("b", "2")}})  # no catalog: the check on opening has nothing to compare
    wrong = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", oxigraph_server + "/storex")
    assert wrong.graph_triples(G2) == set()  # a graph that does not exist: 404, and SPARQL agrees
    with pytest.raises(MisconfiguredEndpoint, match="/storex"):
        wrong.graph_triples(G1)
    with pytest.raises(MisconfiguredEndpoint, match="QUANZE_GSP_ENDPOINT"):
        wrong.write({G1: {t("a", "1"), t("c", "3")}})
    assert right.graph_triples(G1) == {t("a", "1"), t("b", "2")}
    wrong.close()
    right.close()


def test_a_wrong_graph_store_url_is_refused_before_anything_is_read_or_written(oxigraph_server):
    right = remote_store(oxigraph_server)
    right.write({CATALOG: {t("load", "1")}})
    wrong = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", oxigraph_server + "/storex")
    with pytest.raises(MisconfiguredEndpoint, match="/storex"):
        wrong.graph_names()
    wrong.close()
    right.close()


def test_a_reload_through_a_wrong_graph_store_url_fails_and_changes_nothing(oxigraph_server, tmp_path):
    """The audit's case as a user meets it: QUANZE_GSP_ENDPOINT with a typo, a changed file loaded
    again. It was exit 0 with "+N −0", the old triples never deleted."""
    remote_store(oxigraph_server).close()
    first = cli("laws", "import", str(write_mini_corpus(tmp_path / "v1")), **remote_env(oxigraph_server))
    assert first.exit_code == 0, first.output
    right = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", oxigraph_server + "/store")
    before = right.graph_triples(LAWS)
    changed = write_mini_corpus(tmp_path / "v2", MINI_LAW.replace("示例主管部门", "示例行政主管部门"))
    again = cli("laws", "import", str(changed), **remote_env(oxigraph_server, "/storex"))
    assert again.exit_code == 2, again.output
    assert "/storex" in said(again) and "QUANZE_GSP_ENDPOINT" in said(again)
    assert right.graph_triples(LAWS) == before
    fixed = cli("laws", "import", str(changed), **remote_env(oxigraph_server))  # the right URL: old triples go
    assert fixed.exit_code == 0 and re.search(r"\(\+[1-9][\d,]*−[1-9]", said(fixed)), fixed.output
    assert len(right.graph_triples(LAWS)) == len(before)
    right.close()


# --- 3. a default graph that is not the union ---------------------------------------------------

def test_a_server_without_union_default_graph_is_refused_once_it_holds_loads(plain_server):
    drop_all(plain_server)
    store = RemoteStore(plain_server + "/query", plain_server + "/update", plain_server + "/store")
    assert store.select(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}") == []  # empty: nothing to compare, let through
    store.write({G1: {t("a", "1")}, CATALOG: {t("load", "1")}})
    # the same opened store (a long-running service started on an empty server) checks again
    with pytest.raises(MisconfiguredEndpoint, match="--union-default-graph"):
        store.select(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}")
    fresh = RemoteStore(plain_server + "/query", plain_server + "/update")
    with pytest.raises(MisconfiguredEndpoint, match="not the union"):
        fresh.ask("ASK { ?s ?p ?o }")
    with pytest.raises(MisconfiguredEndpoint):
        fresh.update("DROP ALL")  # nor is anything written
    fresh.close()
    union = RemoteStore(plain_server + "/query?union-default-graph", plain_server + "/update")
    assert union.select(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s") == [{"s": EX + "a"}, {"s": EX + "load"}]
    union.close()
    store.close()


def test_commands_on_a_server_without_union_say_so_instead_of_answering_nothing(plain_server):
    """Regression: `quanze validate` said 校验通过：0 个节点 (exit 0), `blockers` gave an empty CSV."""
    drop_all(plain_server)
    env = remote_env(plain_server)
    made = cli("init", **env)  # an empty store is not refused
    assert made.exit_code == 0, made.output
    for args in (("validate",), ("blockers", "--to", "县级", "--format", "csv"), ("chain", "37YJ-XK-0001", "--to", "县级")):
        result = cli(*args, **env)
        assert result.exit_code == 2, (args, result.output)
        assert "--union-default-graph" in said(result) and "默认图不是各命名图的并集" in said(result)
        assert isinstance(result.exception, SystemExit)


# --- 2. which store: the command line over the environment ---------------------------------------

def test_store_on_the_command_line_wins_over_quanze_endpoint(oxigraph_server, tmp_path):
    """Regression: with QUANZE_ENDPOINT set, `quanze --store DIR init` wrote to the server and
    `quanze --store /does-not-exist graphs` listed the server's loads."""
    server = remote_store(oxigraph_server)
    env = remote_env(oxigraph_server)
    made = cli("--store", str(tmp_path / "local"), "init", **env)
    assert made.exit_code == 0, made.output
    assert (tmp_path / "local").is_dir() and server.graph_names() == []
    missing = cli("--store", str(tmp_path / "nowhere"), "graphs", **env)
    assert missing.exit_code == 2 and "nostoreat" in said(missing) and "ontology" not in missing.stdout
    server.close()


def test_endpoint_on_the_command_line_wins_over_quanze_store(oxigraph_server, tmp_path):
    server = remote_store(oxigraph_server)
    server.write({G1: {t("a", "1")}})
    listed = cli("--endpoint", oxigraph_server + "/query", "graphs", QUANZE_STORE=str(tmp_path / "local"))
    assert listed.exit_code == 0 and "test/one" in said(listed), listed.output
    assert not (tmp_path / "local").exists()
    server.close()


def test_endpoint_on_the_command_line_takes_no_urls_from_the_environment(oxigraph_server):
    """The update URL left in the environment could be another server's: a write there would
    apply a diff computed against this one. Without --update-endpoint the store is read-only."""
    remote_store(oxigraph_server).close()
    result = cli("--endpoint", oxigraph_server + "/query", "init",
                 QUANZE_UPDATE_ENDPOINT="http://127.0.0.1:9/update", QUANZE_GSP_ENDPOINT="http://127.0.0.1:9/store")
    assert result.exit_code == 2 and "noupdateendpointconfigured" in said(result), result.output


@pytest.mark.parametrize("args", [
    ("--store", "x", "--endpoint", "http://127.0.0.1:9/query"),
    ("--store", "x", "--gsp-endpoint", "http://127.0.0.1:9/store"),
    ("--update-endpoint", "http://127.0.0.1:9/update"),
])
def test_global_options_naming_no_one_store_are_refused(args, monkeypatch):
    monkeypatch.delenv("QUANZE_ENDPOINT", raising=False)
    result = cli(*args, "graphs")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    with pytest.raises(ConflictingOptions):
        Settings.from_command_line(**dict(zip([a.removeprefix("--").replace("-", "_") for a in args[::2]],
                                              args[1::2], strict=True)))


def test_settings_from_the_command_line(monkeypatch):
    monkeypatch.setenv("QUANZE_ENDPOINT", "http://a/query")
    monkeypatch.setenv("QUANZE_UPDATE_ENDPOINT", "http://a/update")
    monkeypatch.setenv("QUANZE_STORE", "env-store")
    assert Settings.from_command_line().endpoint == "http://a/query"  # nothing given: the environment
    local = Settings.from_command_line(store="flag-store")
    assert (local.store, local.endpoint, local.update_endpoint) == ("flag-store", None, None)
    remote = Settings.from_command_line(endpoint="http://b/query")
    assert (remote.endpoint, remote.update_endpoint) == ("http://b/query", None)
    updated = Settings.from_command_line(update_endpoint="http://a/update2")  # the environment's server
    assert (updated.endpoint, updated.update_endpoint) == ("http://a/query", "http://a/update2")


# --- 4. malformed URLs --------------------------------------------------------------------------

@pytest.mark.parametrize("option, url", [
    ("--endpoint", "http://127.0.0.1:8721query"),
    ("--endpoint", "127.0.0.1:8721/query"),
    ("--gsp-endpoint", "http://[::1/store"),
])
def test_a_malformed_url_is_an_error_naming_it(option, url):
    """Regression: `--endpoint http://127.0.0.1:8721query` ended in httpx.InvalidURL's traceback, exit 1."""
    args = [option, url] if option == "--endpoint" else ["--endpoint", "http://127.0.0.1:9/query", option, url]
    result = cli(*args, "graphs")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert url in said(result) and option in said(result)


# --- 5. the HTTP timeout ------------------------------------------------------------------------

def test_the_http_timeout_is_a_setting(monkeypatch):
    def timeout(value: str | None) -> float | None:
        if value is None:
            monkeypatch.delenv("QUANZE_HTTP_TIMEOUT", raising=False)
        else:
            monkeypatch.setenv("QUANZE_HTTP_TIMEOUT", value)
        with Settings(endpoint="http://127.0.0.1:9/query").open_store() as store:
            return store._http.timeout.read  # type: ignore[attr-defined]

    assert timeout(None) == 120 and timeout("900") == 900
    assert timeout("0") is None  # no limit
    refused = cli("--endpoint", "http://127.0.0.1:9/query", "graphs", QUANZE_HTTP_TIMEOUT="-1")
    assert refused.exit_code == 2 and "QUANZE_HTTP_TIMEOUT" in said(refused)


def test_a_server_that_does_not_answer_in_time_is_named_with_the_setting():
    """A socket that accepts and never answers: the request times out after QUANZE_HTTP_TIMEOUT
    seconds, and the message says which setting to raise and that the server may still finish."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        result = cli("--endpoint", url, "graphs", QUANZE_HTTP_TIMEOUT="0.5")
    assert result.exit_code == 2, result.output
    assert "QUANZE_HTTP_TIMEOUT" in said(result) and "within0.5s" in said(result) and url in said(result)
