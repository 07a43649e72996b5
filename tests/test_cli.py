"""The `quanze` command on a real on-disk store: errors users see, and the foundation commands."""

from typer.testing import CliRunner

from quanze.cli import app, state
from quanze.store import EmbeddedStore

runner = CliRunner()


def run(*args):
    state.store = None  # each invocation opens its own store, as a fresh process would
    return runner.invoke(app, list(args))


def test_init_query_graphs_export(tmp_path):
    store = str(tmp_path / "store")
    assert run("--store", store, "init").exit_code == 0
    result = run("--store", store, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/quanze/ns#Region> }",
                 "--format", "json")
    assert result.exit_code == 0 and '"n": 153' in result.stdout
    graphs = run("--store", store, "graphs")
    assert graphs.exit_code == 0 and "plan" in graphs.stdout
    out = tmp_path / "dump.nq"
    assert run("--store", store, "export", "--format", "nquads", "-o", str(out)).exit_code == 0
    assert "<https://w3id.org/quanze/id/region/370100>" in out.read_text(encoding="utf-8")


def test_bad_sparql_names_line_and_column(tmp_path):
    result = run("--store", str(tmp_path / "s"), "query", "SELECT ?x WHERE {\n ?x ?y }")
    assert result.exit_code == 2 and "2:" in result.output


def test_locked_store_is_a_clear_error(tmp_path):
    held = EmbeddedStore(tmp_path / "s")
    result = run("--store", str(tmp_path / "s"), "graphs")
    held.close()
    assert result.exit_code == 2 and "locked" in result.output


def test_unreachable_endpoint(tmp_path):
    result = run("--endpoint", "http://127.0.0.1:9/query", "graphs")
    assert result.exit_code == 2 and "unreachable" in result.output
