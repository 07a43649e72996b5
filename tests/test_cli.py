"""The `quanze` command on a real on-disk store: errors users see, and the foundation commands."""

import json

from typer.testing import CliRunner

from quanze.cli import app
from quanze.store import EmbeddedStore

from .conftest import quanze_cli, write_mini_corpus

run = quanze_cli


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
    # init again (a new release's ontology, or just twice): the ontology's blank nodes are no obstacle
    again = run("--store", store, "init")
    assert again.exit_code == 0, again.output
    out2 = tmp_path / "dump2.nq"
    run("--store", store, "export", "--format", "nquads", "-o", str(out2))
    assert len(out2.read_text(encoding="utf-8").splitlines()) == len(out.read_text(encoding="utf-8").splitlines())


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


HEADER = "事项编码,事项名称,事项类型,实施主体,行使层级,设定依据,关联事项,安全类别,办理方式,备注\n"


def _store_with_law(tmp_path):
    laws = write_mini_corpus(tmp_path / "laws")
    store = str(tmp_path / "store")
    assert run("--store", store, "init").exit_code == 0
    assert run("--store", store, "laws", "import", str(laws)).exit_code == 0
    return store


def test_load_with_violations_is_rejected_then_accepted_and_recorded(tmp_path):
    import json
    import xml.etree.ElementTree as ET

    store = _store_with_law(tmp_path)
    bad = tmp_path / "chain.csv"
    # A is exercised at 市级 but its related item B only at 省级: 一链办理 is broken.
    bad.write_text(HEADER + "A-1,示例机构设立审批,行政许可,省市场监督管理局,省级、市级,《示例条例》第二条,B-1,,依申请,\n"
                            "B-1,示例机构变更审批,行政许可,省市场监督管理局,省级,《示例条例》第二条,,,依申请,\n",
                   encoding="utf-8")
    before = EmbeddedStore(tmp_path / "store")
    graphs_before = before.graph_names()
    before.close()
    rejected = run("--store", store, "load", str(bad))
    assert rejected.exit_code == 1 and "一链办理" in rejected.output
    after = EmbeddedStore(tmp_path / "store")
    assert after.graph_names() == graphs_before
    after.close()
    accepted = run("--store", store, "load", str(bad), "--accept-violations", "--by", "测试员")
    assert accepted.exit_code == 0
    s = EmbeddedStore(tmp_path / "store")
    from quanze.catalog import loads

    rec = next(r for r in loads(s) if r.name == "chain")
    assert rec.accepted_violations and rec.report and rec.report in s.graph_names() and rec.by == "测试员"
    s.close()
    report = run("--store", store, "validate", "--format", "json")
    assert report.exit_code == 1 and json.loads(report.stdout)["violations"] >= 1
    junit = run("--store", store, "validate", "--format", "junit", "--lang", "en")
    assert junit.exit_code == 1 and ET.fromstring(junit.stdout).tag == "testsuites"


def test_several_files_load_in_order_each_as_its_own_graph(tmp_path):
    from quanze.catalog import loads

    store = _store_with_law(tmp_path)
    province = tmp_path / "province.csv"
    province.write_text(HEADER + "P-1,示例机构设立审批,行政许可,省市场监督管理局,省级,《示例条例》第二条,,,依申请,\n",
                        encoding="utf-8")
    city = tmp_path / "city.csv"  # names P-1 from the file before it
    city.write_text(HEADER + "C-1,示例机构设立审批（市）,行政许可,市市场监督管理局,市级,《示例条例》第二条,,,依申请,\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X-1,示例,不存在的类型,省市场监督管理局,省级,《示例条例》第二条,,,依申请,\n", encoding="utf-8")
    result = run("--store", store, "load", str(province), str(bad), str(city), "--no-validate")
    # the bad file is rejected and named; the files around it are loaded, each as its own graph
    assert result.exit_code == 1 and "bad.csv" in result.output
    s = EmbeddedStore(tmp_path / "store")
    assert {r.name for r in loads(s) if r.kind == "items"} == {"province", "city"}
    s.close()
    assert run("--store", store, "load", str(province), str(city), "--name", "both").exit_code == 2


def test_a_store_failure_in_any_command_is_a_message_not_a_traceback(tmp_path):
    """Regression: `laws import` against a server refusing the request printed a traceback."""


    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "manifest.csv").write_text("path,title,type,level,issuer,date,current,status,sha256\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--endpoint", "http://127.0.0.1:9/query", "--update-endpoint",
                                      "http://127.0.0.1:9/update", "laws", "import", str(laws)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "unreachable" in result.output and "Traceback" not in result.output


def test_review_worksheet_out_edited_and_back_in(tmp_path):
    """`quanze laws reviews` writes the paragraphs blocking devolution, pre-filled; a legal officer
    corrects the level and signs; `quanze load` takes it back and the blocker is gone."""
    from quanze.tables import read_table, write_table

    store = _store_with_law(tmp_path)
    items = tmp_path / "items.csv"
    items.write_text(HEADER + "A-1,示例机构设立审批,行政许可,省市场监督管理局,省级,《示例条例》第二条,,,依申请,\n",
                     encoding="utf-8")
    assert run("--store", store, "load", str(items)).exit_code == 0

    def blocked() -> set[str]:
        answer = run("--store", store, "blockers", "--to", "县级", "--format", "json")
        return {a["code"] for a in json.loads(answer.stdout) if a["blocking"]}

    assert blocked() == {"A-1"}
    sheet = tmp_path / "sheet.xlsx"
    written = run("--store", store, "laws", "reviews", "--to", "县级", "-o", str(sheet))
    assert written.exit_code == 0 and "1 个款项" in " ".join(written.stdout.split())
    table = read_table(sheet)
    [(_, row)] = table.rows
    assert (row["条文"], row["层级"], row["校核人"], row["涉及事项"], row["状态"]) == (
        "《示例条例》第二条第一款", "省级", "", "A-1", "自动识别")
    row.update({"层级": "县级", "依据短语": "", "校核人": "法规处", "说明": "（示例）"})
    write_table(sheet, table.header, [[row[h] for h in table.header]])
    assert run("--store", store, "load", str(sheet)).exit_code == 0
    assert blocked() == set()
    again = run("--store", store, "laws", "reviews", "--to", "市级", "-o", str(sheet))
    assert again.exit_code == 0 and "0 个款项" in " ".join(again.stdout.split())
