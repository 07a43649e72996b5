"""The `quanze` command on a real on-disk store: errors users see, and the foundation commands."""

import itertools
import json
import re

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.store import EmbeddedStore

from .conftest import ROOT, quanze_cli, write_cancellation, write_mini_corpus

run = quanze_cli


def test_init_query_graphs_export(tmp_path):
    store = str(tmp_path / "store")
    assert run("--store", store, "init").exit_code == 0
    result = run("--store", store, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/quanze/ns#Region> }",
                 "--format", "json")
    assert result.exit_code == 0 and '"n": 153' in result.stdout
    graphs = run("--store", store, "graphs")
    assert graphs.exit_code == 0 and "plan" in graphs.stdout
    assert "未校验" not in graphs.stdout  # reference data is no list: nothing to validate
    # nor anything to unload: its own command keeps it
    kept = run("--store", store, "unload", "plan")
    assert kept.exit_code == 1 and "quanze init keeps it" in kept.output and "由 quanze init 维护" in kept.output
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
    result = run("--store", ":memory:", "query", "SELECT ?x WHERE {\n ?x ?y }")
    assert result.exit_code == 2 and "2:" in result.output
    # a format query does not write is refused, as validate and export refuse theirs (it printed a table)
    xml = run("--store", ":memory:", "query", "ASK {}", "--format", "xml")
    assert xml.exit_code == 2 and "table|json|csv" in xml.output


@pytest.mark.parametrize("text, expected", [
    # Regression: a '#' inside the PREFIX IRI was taken for a comment, the ASK for a SELECT (exit 2)
    ("PREFIX qz: <https://w3id.org/quanze/ns#>\nASK { ?s qz:code ?o }", "false"),
    ("PREFIX qz: <https://w3id.org/quanze/ns#> ASK {}", "true"),
    ("# SELECT, says the comment\nask{}", "true"),
    ('VERSION "1.2" ASK {}', "true"),
    ("PREFIX qz: <https://w3id.org/quanze/ns#>\nCONSTRUCT { <urn:a> qz:code \"x\" } WHERE {}", "https://w3id.org/quanze/ns#code"),
    ("PREFIX qz: <https://w3id.org/quanze/ns#>\nSELECT (1 AS ?one) WHERE {}", "one"),
])
def test_query_reads_the_form_past_the_prologue(text, expected):
    result = run("--store", ":memory:", "query", text)
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_a_list_loaded_before_the_corpus_says_to_import_it(tmp_path):
    """Every citation of a list is an unknown title in a store with no corpus: the refusal says why."""
    result = run("--store", ":memory:", "load", str(ROOT / "data" / "samples" / "shandong-provincial.csv"))
    assert result.exit_code == 1 and "quanze laws import" in " ".join(result.output.split())


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
    # graphs says so: the count the load was accepted with, as the record holds it
    shown = " ".join(run("--store", store, "graphs").output.split())
    assert f"{rec.accepted_violations} violations accepted" in shown.replace("\n", "")
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


# --- on the real corpus and the sample lists (the session's corpus_store) ----------------------

@pytest.fixture
def on_corpus(corpus_store):
    """``quanze ARGS`` on the session's store with the whole corpus and the sample lists, which
    stays open for the tests after it."""
    from quanze.cli import state

    def invoke(*args: str):
        state.store = corpus_store
        try:
            return CliRunner().invoke(app, list(args))
        finally:
            state.store = None

    return invoke


def _clean_error(result, code: int) -> None:
    """A message and an exit code, not a traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def test_an_unknown_target_of_impact_and_chain_is_a_message(on_corpus):
    """Regression: `impact … --to 省级` and `chain … --to 省级` ended in a ValueError traceback."""
    for args in (["impact", "《药品管理法》第四十一条第一款", "--to", "省级"], ["chain", "37YJ-XK-0001", "--to", "省级"]):
        result = on_corpus(*args)
        _clean_error(result, 2)
        assert "省级" in result.stderr and "市级|县级|功能区" in " ".join(result.stderr.split())
    # the targets blockers --to accepts still work
    assert on_corpus("chain", "37YJ-XK-0001", "--to", "county", "--format", "json").exit_code == 0


def test_impact_of_a_whole_instrument_is_refused(on_corpus):
    """As /impact answers 400: an amendment changes an article, paragraph or item (the command
    answered rows for 《药品管理法》 while the API refused it)."""
    result = on_corpus("impact", "《药品管理法》")
    _clean_error(result, 2)
    assert "整部法律文件" in result.stderr and "whole instrument" in " ".join(result.stderr.split())


@pytest.mark.parametrize("variable", ["QUANZE_SHAPES", "QUANZE_ONTOLOGY"])
def test_validation_rules_that_are_not_there_stop_it_naming_the_path(on_corpus, monkeypatch, tmp_path, variable):
    """validate and load read the shapes and ontology the settings name; a missing one is "could
    not run" (exit 2) naming it, not a traceback — and a load stores nothing."""
    missing = tmp_path / "nowhere"
    monkeypatch.setenv(variable, str(missing))
    result = on_corpus("validate")
    _clean_error(result, 2)
    assert str(missing) in result.stderr.replace("\n", "")
    before = on_corpus("graphs").output
    # a reload of the sample list under its own name: validated before the write
    result = on_corpus("load", str(ROOT / "data" / "samples" / "shandong-provincial.csv"), "--accept-violations")
    _clean_error(result, 2)
    assert "库未改变" in result.stderr and on_corpus("graphs").output == before


def test_an_unknown_provision_or_item_is_a_no(on_corpus):
    """Exit 1, as the README's exit codes say for an unknown item: a citation resolving to no
    provision is the same kind of answer (it exited 2, as if the command could not run)."""
    for args, said in ((["impact", "《不存在法》第一条"], "不存在法"), (["chain", "NOPE-0001"], "NOPE-0001")):
        result = on_corpus(*args)
        _clean_error(result, 1)
        assert said in result.stderr


def test_a_missing_query_file_is_named(on_corpus, tmp_path):
    """Regression: `query @nofile.rq` ended in a FileNotFoundError traceback."""
    missing = tmp_path / "nofile.rq"
    result = on_corpus("query", f"@{missing}")
    _clean_error(result, 2)
    assert "nofile.rq" in "".join(result.stderr.split())
    found = tmp_path / "regions.rq"
    found.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/quanze/ns#Region> }", encoding="utf-8")
    assert '"n": 153' in on_corpus("query", f"@{found}", "--format", "json").stdout


def test_review_worksheet_counts_the_reviewed_units(on_corpus, corpus_store, tmp_path):
    """Regression: with the sample level reviews loaded, the summary said 0 reviewed while the
    file's rows read 已校核（shandong-level-reviews）."""
    from quanze.lists import load_list, unload
    from quanze.tables import read_table

    load_list(corpus_store, ROOT / "data" / "samples" / "shandong-level-reviews.csv")
    try:
        sheet = tmp_path / "sheet.csv"
        result = on_corpus("laws", "reviews", "--to", "县级", "-o", str(sheet))
    finally:
        unload(corpus_store, "shandong-level-reviews")
    assert result.exit_code == 0, result.output
    states = [row["状态"] for _, row in read_table(sheet).rows]
    reviewed = sum(s.startswith("已校核") for s in states)
    assert reviewed > 0 and "已校核（shandong-level-reviews）" in states
    summary = " ".join(result.stdout.split())
    assert f"({reviewed} 已校核 reviewed, {len(states) - reviewed} 待校核 to review)" in summary


def test_validate_an_unknown_item_is_an_error(on_corpus):
    """Regression: `validate --item NOPE` said 校验通过：0 个节点 and exited 0."""
    result = on_corpus("validate", "--item", "NOPE")
    _clean_error(result, 1)
    assert "NOPE" in result.stderr and "0 个节点" not in result.output
    # one unknown among known ones is named too; known ones alone validate
    mixed = on_corpus("validate", "--item", "37YJ-XK-0001", "--item", "NOPE")
    _clean_error(mixed, 1)
    assert "NOPE" in mixed.stderr and "37YJ-XK-0001" not in mixed.stderr
    known = on_corpus("validate", "--item", "37YJ-XK-0001", "--item", "37YJ-XK-0002")
    assert known.exit_code in (0, 1) and "个节点" in known.stdout and "0 个节点" not in known.stdout


def test_blockers_csv_goes_to_stdout_and_xlsx_needs_a_file(on_corpus, tmp_path, monkeypatch):
    """Regression: `--format csv|xlsx` without -o wrote ./blockers.csv|xlsx, overwriting it, and
    `-o FILE.xlsx --format csv` quietly wrote XLSX."""
    import csv
    import io

    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    printed = on_corpus("blockers", "--to", "县级", "--format", "csv")
    assert printed.exit_code == 0, printed.output
    assert list(tmp_path.iterdir()) == []
    rows = list(csv.reader(io.StringIO(printed.stdout)))
    assert rows[0][:2] == ["事项编码", "事项名称"] and len(rows) > 1
    # the same rows as a file (whose suffix names the format when --format is not given)
    to_file = on_corpus("blockers", "--to", "县级", "-o", "out.csv")
    assert to_file.exit_code == 0, to_file.output
    assert list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig")))) == rows
    no_file = on_corpus("blockers", "--to", "县级", "--format", "xlsx")
    _clean_error(no_file, 2)
    assert "-o FILE.xlsx" in no_file.stderr and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    contradicts = on_corpus("blockers", "--to", "县级", "-o", "out.xlsx", "--format", "csv")
    _clean_error(contradicts, 2)
    assert "out.xlsx" in contradicts.stderr and not (tmp_path / "out.xlsx").exists()
    by_suffix = on_corpus("blockers", "--to", "县级", "-o", "out.xlsx")
    assert by_suffix.exit_code == 0, by_suffix.output
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet.max_row == len(rows) and [c.value for c in sheet[1]] == rows[0]
    _clean_error(on_corpus("blockers", "--to", "县级", "-o", "out.txt"), 2)  # which format? say so


def test_blockers_of_an_unknown_department_say_so_with_close_names(on_corpus, tmp_path):
    """Regression: `blockers --department 不存在` printed nothing (or only a heading) and exited 0."""
    nothing = on_corpus("blockers", "--to", "县级", "--department", "不存在", "--format", "md")
    _clean_error(nothing, 1)
    assert "不存在" in nothing.stderr and nothing.stdout == ""
    # the lists write 省药品监督管理局 where a user may type 山东省药品监督管理局
    close = on_corpus("blockers", "--to", "县级", "--department", "山东省药品监督管理局")
    _clean_error(close, 1)
    assert "省药品监督管理局 / close names" in " ".join(close.stderr.split())
    named = on_corpus("blockers", "--to", "县级", "--department", "省药品监督管理局", "--format", "json")
    assert named.exit_code == 0 and {a["department"] for a in json.loads(named.stdout)} == {"省药品监督管理局"}
    # the review worksheet takes --department the same way, and writes no empty sheet
    sheet = tmp_path / "sheet.xlsx"
    _clean_error(on_corpus("laws", "reviews", "--to", "县级", "--department", "不存在", "-o", str(sheet)), 1)
    assert not sheet.exists()


def test_unload_refuses_to_leave_lists_pointing_at_nothing_unless_forced(on_corpus, corpus_store, tmp_path):
    """Unloading an item list that an adjustments list acts on is refused (exit 1, nothing
    removed), naming that load; with --force it is removed, and the warning says which load now
    points at nothing and how often."""
    from quanze.catalog import loads
    from quanze.lists import load_list
    from quanze.namespaces import graph_iri
    from quanze.tables import read_table, write_table
    from quanze.validation import validate_pending

    items = read_table(ROOT / "data" / "samples" / "shandong-provincial.csv")
    row = next(r for _, r in items.rows if not r["关联事项"])
    write_table(tmp_path / "few-items.csv", items.header,
                [[("UNLOAD-1" if h == "事项编码" else row[h]) for h in items.header]])
    actions = read_table(ROOT / "data" / "samples" / "shandong-adjustments.csv")
    act = next(r for _, r in actions.rows if r["调整方式"] == "取消")
    write_table(tmp_path / "few-actions.csv", actions.header,
                [[("UNLOAD-1" if h == "事项编码" else act[h]) for h in actions.header]])
    load_list(corpus_store, tmp_path / "few-items.csv")
    load_list(corpus_store, tmp_path / "few-actions.csv", validator=validate_pending)
    report = str(graph_iri("report", "few-actions"))
    # "an action adjusts exactly one item present in the store" (qzs:ActionItemShape, on qz:onItem)
    on_no_item = (f"ASK {{ GRAPH <{report}> {{ ?r <http://www.w3.org/ns/shacl#resultPath> "
                  "<https://w3id.org/quanze/ns#onItem> } }")
    try:
        assert not corpus_store.ask(on_no_item)
        refused = on_corpus("unload", "few-items")
        assert refused.exit_code == 1, refused.output
        assert "未删除 few-items" in refused.output and "few-actions（1 处）" in refused.output
        assert "few-actions (1)" in refused.output and "--force" in refused.output
        assert "few-items" in {r.name for r in loads(corpus_store)}
        assert corpus_store.has_graph(str(graph_iri("load", "few-items")))
        result = on_corpus("unload", "few-items", "--force")
        assert result.exit_code == 0, result.output
        assert "few-items" not in {r.name for r in loads(corpus_store)}
        said = result.output.replace("\n", "")  # as rich folded it
        assert "few-actions" in said and "1 处" in said and "1 nodes" in said
        assert "其校验报告已按删除后的存储重新生成" in said and "its validation report was made again" in said
        assert corpus_store.ask(on_no_item)  # the action left on no item, in the report /validation reads
    finally:
        on_corpus("unload", "few-actions")
        on_corpus("unload", "few-items", "--force")


def test_graphs_flags_the_lists_loaded_without_validation(on_corpus, corpus_store, tmp_path):
    """The session's samples were loaded without validation: `graphs` says so for each, in the
    report column, and says how to validate them."""
    from quanze.catalog import loads, unvalidated
    from quanze.tables import read_table

    acted = {r["事项编码"] for _, r in read_table(ROOT / "data" / "samples" / "shandong-adjustments.csv").rows}
    code = next(r["事项编码"] for _, r in read_table(ROOT / "data" / "samples" / "shandong-provincial.csv").rows
                if r["事项编码"] not in acted)
    actions = write_cancellation(tmp_path / "flagged-actions.csv", code)
    try:
        assert on_corpus("load", str(actions), "--no-validate").exit_code == 0
        shown = on_corpus("graphs")
        assert shown.exit_code == 0
        flagged = {r.name for r in unvalidated(loads(corpus_store))}
        assert {"shandong-provincial", "flagged-actions"} <= flagged
        assert shown.stdout.count("未校验") == len(flagged) + 1  # each in its row, and the note below
        assert "不带--no-validate重新载入即校验" in "".join(shown.stdout.split())  # however the console wraps it
    finally:
        on_corpus("unload", "flagged-actions")


def test_a_file_that_is_no_list_is_a_rejected_load(tmp_path):
    """Exit 1, like any rejected load (the README's exit codes), naming the file and the line."""
    bad = tmp_path / "gbk-broken.csv"
    bad.write_bytes("事项编码,事项名称\n".encode() + b"X-1,\xff\xfe\x00\x81\x30\n")
    result = CliRunner().invoke(app, ["--store", ":memory:", "load", str(bad)])
    assert result.exit_code == 1, result.output
    assert "gbk-broken.csv" in result.output and "第 2 行" in result.output and "unchanged" in result.output
    # a folder given for a file is named as such, not a traceback
    folder = CliRunner().invoke(app, ["--store", ":memory:", "load", str(tmp_path)])
    assert folder.exit_code == 1 and "not a file" in folder.output and "Traceback" not in folder.output


# --- export: the format from the file's name ---------------------------------------------------

def _quads(path, fmt):
    import pyoxigraph as ox

    return list(ox.parse(path=str(path), format=fmt))


def test_export_takes_the_format_from_the_file_name(tmp_path):
    """Regression: `export -o x.nq` wrote TriG. The suffix names the format (.trig, .nq) as in
    `blockers`; a suffix naming another format than --format, or a format that cannot hold named
    graphs (.ttl, .nt), is refused (exit 2) and nothing is written."""
    import pyoxigraph as ox

    store = str(tmp_path / "store")
    assert run("--store", store, "init").exit_code == 0
    nq, trig = tmp_path / "x.nq", tmp_path / "x.trig"
    assert run("--store", store, "export", "-o", str(nq)).exit_code == 0
    assert run("--store", store, "export", "-o", str(trig)).exit_code == 0
    quads = _quads(nq, ox.RdfFormat.N_QUADS)  # N-Quads: a TriG file does not parse as such
    assert "{" not in nq.read_text(encoding="utf-8").split("\n", 1)[0]
    graphs = {str(q.graph_name.value) for q in quads}
    assert {"https://w3id.org/quanze/id/graph/plan", "https://w3id.org/quanze/id/graph/reference"} <= graphs
    assert len(_quads(trig, ox.RdfFormat.TRIG)) == len(quads)  # the same dataset, each graph named
    assert "<https://w3id.org/quanze/id/graph/plan> {" in trig.read_text(encoding="utf-8")
    # --format still decides when the name says nothing, and stdout is TriG by default
    other = tmp_path / "dump.txt"
    assert run("--store", store, "export", "--format", "nquads", "-o", str(other)).exit_code == 0
    assert len(_quads(other, ox.RdfFormat.N_QUADS)) == len(quads)
    assert "<https://w3id.org/quanze/id/graph/plan> {" in run("--store", store, "export").stdout
    for args, said in ((["-o", "y.nq", "--format", "trig"], "y.nq contradicts --format trig"),
                       (["-o", "y.ttl"], "y.ttl names a Turtle file, a format that cannot hold named graphs"),
                       (["-o", "y.ttl", "--format", "trig"], "cannot hold named graphs"),
                       (["-o", "y.nt", "--format", "nquads"], "N-Triples"),
                       (["-o", "y.txt"], "cannot tell the format from the name y.txt")):
        result = run("--store", store, "export", *[str(tmp_path / a) if a.startswith("y.") else a for a in args])
        _clean_error(result, 2)
        message = " ".join(result.stderr.split())
        assert said in message, message
        assert ".trig" in message and ".nq" in message and "文件名" in message  # what to write instead, in zh and en
    assert not list(tmp_path.glob("y.*"))


# --- laws import: the warnings listed ----------------------------------------------------------

def _corpus_with_warnings(folder, *, skips: int = 1, without_articles: int = 1):
    """A corpus folder whose laws give warnings: ``skips`` skipping an article number (第三条 at
    line 5 after 第一条), ``without_articles`` without any 第X条 (at line 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256"]
    for i in range(skips):
        (folder / f"skip{i}.md").write_text(f"# 跳号条例{i}\n\n第一条 甲。\n\n第三条 乙。\n", encoding="utf-8")
        lines.append(f"skip{i}.md,跳号条例{i},行政法规,national,国务院,2020-01-01,true,有效,x")
    for i in range(without_articles):
        (folder / f"none{i}.md").write_text(f"# 无条文规定{i}\n\n一、没有按条编号的规定。\n", encoding="utf-8")
        lines.append(f"none{i}.md,无条文规定{i},行政法规,national,国务院,2020-01-01,true,有效,x")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_laws_import_lists_its_warnings(tmp_path):
    """Regression: the summary counted the warnings but named none. A few are all listed, with
    path, line and message, under their kind and its count."""
    laws = _corpus_with_warnings(tmp_path / "laws")
    result = run("--store", ":memory:", "laws", "import", str(laws))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "警告 warnings: 2" in out
    assert "条文序号跳过 article numbering skips: 1" in out and "没有“第X条”条文 no 第X条 articles: 1" in out
    assert "skip0.md:5: 条文序号跳过：第一条 之后是 第三条 / article numbering skips: 1 followed by 3" in out
    assert "none0.md:1: 没有按“第X条”编号的条文，仅收录文件信息 / no '第X条' articles" in out
    assert "more" not in out and "--warnings" not in out  # nothing left to point at


def test_laws_import_lists_the_first_warnings_of_each_kind_and_writes_them_all(tmp_path):
    """Many warnings (a real corpus has dozens): the first of each kind on the terminal, how many
    more, and --warnings FILE writes every one with its path, line and kind."""
    from quanze.cli import WARNINGS_FEW, WARNINGS_LISTED
    from quanze.tables import read_table

    laws = _corpus_with_warnings(tmp_path / "laws", skips=3, without_articles=WARNINGS_FEW)
    total, shown = 3 + WARNINGS_FEW, WARNINGS_LISTED // 2
    result = run("--store", ":memory:", "laws", "import", str(laws))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert f"警告 warnings: {total}" in out and f"the first {shown} of each kind" in out
    assert "--warnings FILE.csv writes them all" in out
    listed = re.findall(r"(none\d+|skip\d+)\.md:(\d+):", result.stdout)
    assert listed == [(f"none{i}", "1") for i in range(shown)] + [(f"skip{i}", "5") for i in range(3)]
    assert f"另有 {WARNINGS_FEW - shown} 条 / {WARNINGS_FEW - shown} more" in out
    written = tmp_path / "warnings.csv"
    again = run("--store", ":memory:", "laws", "import", str(laws), "--warnings", str(written))
    assert again.exit_code == 0, again.output
    assert f"all{total}warnings→{written}" in "".join(again.stdout.split())  # however the console wraps it
    table = read_table(written)
    assert [(r["文件/path"], r["行/line"], r["类别/kind"]) for _, r in table.rows] == (
        [(f"skip{i}.md", "5", "条文序号跳过 article numbering skips") for i in range(3)]
        + [(f"none{i}.md", "1", "没有“第X条”条文 no 第X条 articles") for i in range(WARNINGS_FEW)])
    assert all(r["说明"] and r["warning"] for _, r in table.rows)


def test_laws_import_refuses_a_warnings_file_it_cannot_write_before_importing(tmp_path):
    laws = _corpus_with_warnings(tmp_path / "laws")
    store = str(tmp_path / "store")
    for target, said in ((tmp_path / "w.txt", "w.txt"), (tmp_path / "no" / "w.csv", "no such folder")):
        result = run("--store", store, "laws", "import", str(laws), "--warnings", str(target))
        _clean_error(result, 2)
        assert said in " ".join(result.stderr.split())
    s = EmbeddedStore(tmp_path / "store")
    assert s.graph_names() == []  # refused before the corpus was read
    s.close()


# --- load: names of Quanze's own graphs ---------------------------------------------------------

def test_a_load_may_not_take_the_name_of_a_reference_graph(tmp_path):
    """Regression: `load x.csv --name laws` was accepted; `graphs` then showed two loads named
    laws. Refused like any rejected load (exit 1), in both languages, and the store is unchanged;
    so is a file whose own name gives such a name."""
    store = _store_with_law(tmp_path)
    items = tmp_path / "items.csv"
    items.write_text(HEADER + "R-1,示例机构设立审批,行政许可,省市场监督管理局,省级,《示例条例》第二条,,,依申请,\n",
                     encoding="utf-8")
    plan = tmp_path / "Plan.csv"
    plan.write_text(items.read_text(encoding="utf-8"), encoding="utf-8")
    s = EmbeddedStore(tmp_path / "store")
    before = {g: len(s.graph_triples(g)) for g in s.graph_names()}
    s.close()
    for args, said in ((["--name", "laws"], "'laws'"), (["--name", "Reference"], "'Reference' reads as 'reference'"),
                       ([], "from the file name Plan.csv")):
        result = run("--store", store, "load", str(plan if not args else items), *args)
        _clean_error(result, 1)
        message = " ".join(result.stderr.split())
        assert said in message and "graphs named alike" in message and "同名" in message, message
        assert "quanze laws import PATH first" not in message  # the corpus is there, and no citation was read
    s = EmbeddedStore(tmp_path / "store")
    assert {g: len(s.graph_triples(g)) for g in s.graph_names()} == before
    s.close()
    assert run("--store", store, "load", str(items), "--name", "laws-2024").exit_code == 0  # a name like it is fine


# --- graphs at 80 columns -----------------------------------------------------------------------

def _graph_cells(records, unchecked):
    """What `quanze graphs` shows of each load: {name: [kind, file, sha256, rows, triples, time, by, report]}."""
    return {r.name: [r.kind, r.file_name, (r.sha256 or "")[:12], r.rows, r.triples, r.time, r.by,
                     "未校验" if r.graph in unchecked else (r.report or "").rsplit("/", 1)[-1]] for r in records}


def test_graphs_is_readable_at_80_columns(on_corpus, corpus_store, tmp_path, monkeypatch):
    """Regression: at 80 columns the nine-column table broke every cell over several lines. Each
    load is shown on its own lines then, with every field, and no line is wider than 80 columns."""
    from rich.cells import cell_len

    from quanze.catalog import loads, unvalidated
    from quanze.tables import read_table

    acted = {r["事项编码"] for _, r in read_table(ROOT / "data" / "samples" / "shandong-adjustments.csv").rows}
    code = next(r["事项编码"] for _, r in read_table(ROOT / "data" / "samples" / "shandong-provincial.csv").rows
                if r["事项编码"] not in acted)
    actions = write_cancellation(tmp_path / "narrow-actions.csv", code)
    try:
        assert on_corpus("load", str(actions), "--by", "测试员").exit_code == 0  # validated: it has a report
        monkeypatch.setenv("COLUMNS", "80")
        shown = on_corpus("graphs")
        assert shown.exit_code == 0, shown.output
        records = loads(corpus_store)
        cells = _graph_cells(records, {r.graph for r in unvalidated(records)})
    finally:
        on_corpus("unload", "narrow-actions")
    lines = shown.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert cells["narrow-actions"][6] == "测试员" and cells["narrow-actions"][7] == "narrow-actions"
    assert cells["shandong-provincial"][7] == "未校验" and cells["laws"][0] == "laws"
    # each load: a line with its name and kind, then its fields indented under it
    starts = {line: i for i, line in enumerate(lines) if line in {f"{n}（{v[0]}）" for n, v in cells.items()}}
    assert len(starts) == len(records)
    for name, values in cells.items():
        i = starts[f"{name}（{values[0]}）"]
        block = list(itertools.takewhile(lambda line: line.startswith("  "), lines[i + 1:]))
        assert len(block) >= 4
        words = " ".join(block).split()
        for value in values[1:]:
            for word in str(value or "").split():
                assert word in words, (name, value, block)
        for label in ("文件/file", "sha256", "行/rows", "三元组/triples", "时间/time", "载入人/by", "报告/report"):
            assert label in words


def test_graphs_is_one_table_row_a_load_when_it_fits(on_corpus, corpus_store, monkeypatch):
    from rich.cells import cell_len

    from quanze.catalog import loads, unvalidated

    monkeypatch.setenv("COLUMNS", "300")
    shown = on_corpus("graphs")
    assert shown.exit_code == 0
    records = loads(corpus_store)
    lines = shown.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 300
    for name, values in _graph_cells(records, {r.graph for r in unvalidated(records)}).items():
        [row] = [line for line in lines if line.startswith(f"│ {name} ")]
        assert all(str(v) in row for v in values if v)


def test_a_store_that_does_not_exist_is_made_only_by_the_commands_that_fill_one(tmp_path, monkeypatch):
    """A new user ran `quanze blockers` outside the project folder: the default ./var/store is
    relative to it, so an empty store was made on the spot and the answer was an empty list,
    exit 0. Commands that read a store refuse a missing one (exit 2, naming the path) and make
    nothing; init (and laws import, load) make it."""
    monkeypatch.chdir(tmp_path)
    for args in (["blockers", "--to", "县级"], ["graphs"], ["query", "ASK {}"], ["validate"], ["serve"]):
        result = CliRunner().invoke(app, ["--store", "var/store", *args])
        assert result.exit_code == 2, (args, result.output)
        assert "no store at var/store" in " ".join(result.output.split()) and "quanze init" in result.output
        assert not (tmp_path / "var").exists()
    (tmp_path / "plan.csv").write_text("事项编码\n", encoding="utf-8")  # a name no load may have: no store made for it
    refused = CliRunner().invoke(app, ["--store", "var/store", "load", "plan.csv"])
    assert refused.exit_code == 1 and not (tmp_path / "var").exists(), refused.output
    made = CliRunner().invoke(app, ["--store", "var/store", "init"])
    assert made.exit_code == 0, made.output
    assert CliRunner().invoke(app, ["--store", "var/store", "graphs"]).exit_code == 0


def test_a_worksheet_must_be_named_as_a_list_quanze_load_reads(tmp_path):
    """`laws reviews -o ws.json` wrote CSV into ws.json, exit 0; the worksheet goes back in through
    `quanze load`, which reads .xlsx and .csv only: another suffix is refused before anything is
    read or written (exit 2), as blockers -o refuses a suffix it cannot write."""
    for name in ("ws.json", "ws.txt"):
        result = run("--store", ":memory:", "laws", "reviews", "--to", "县级", "-o", str(tmp_path / name))
        assert result.exit_code == 2, result.output
        assert ".xlsx" in result.output and ".csv" in result.output and not (tmp_path / name).exists()
