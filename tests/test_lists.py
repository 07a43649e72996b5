"""The list loader: formats, errors with file/row/column in zh and en, atomic rejection."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from quanze import review
from quanze.catalog import loads
from quanze.lists import (
    ACTION_COLUMNS,
    ACTIONS,
    HANDLING,
    ITEM_COLUMNS,
    ITEM_TYPES,
    LEVEL_WORDS,
    REJECTS_ROW,
    REQUIRED_ACTION,
    REQUIRED_ITEM,
    SECURITY,
    LoadRejected,
    load_list,
    unload,
)
from quanze.namespaces import graph_iri
from quanze.settings import ROOT
from quanze.store import EmbeddedStore
from quanze.tables import TableError, read_table, write_table

SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"
ADJUSTMENTS = ROOT / "data" / "samples" / "shandong-adjustments.csv"
LAYOUTS = {SAMPLE: ITEM_COLUMNS, ADJUSTMENTS: ACTION_COLUMNS}


@pytest.fixture()
def store(corpus_store):
    """The session store, with the loads, their reports and the catalog restored after each test
    (a test loading a sample under its own name rewrites its record)."""
    def kept(g: str) -> bool:
        return "/load/" in g or "/report/" in g or g.endswith("/catalog")

    before = {g: corpus_store.graph_triples(g) for g in corpus_store.graph_names() if kept(g)}
    yield corpus_store
    corpus_store.write(before, drops=[g for g in corpus_store.graph_names() if kept(g) and g not in before])


def _rows(path: Path):
    t = read_table(path)
    return t.header, [[r[h] for h in t.header] for _, r in t.rows]


def _renumbered(header: list[str], rows: list[list[str]], prefix: str) -> list[list[str]]:
    """Sample rows under codes of their own: the sample's codes belong to its load."""
    code = header.index("事项编码")
    return [[f"{prefix}-{n}" if i == code and v else v for i, v in enumerate(r)] for n, r in enumerate(rows)]


def test_sample_loaded_with_provenance(store):
    rec = {r.name: r for r in loads(store)}
    sample = rec["shandong-provincial"]
    assert sample.rows == len(read_table(SAMPLE).rows) > 0  # every row of the sample, none rejected
    assert sample.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert store.count("https://w3id.org/quanze/id/graph/load/shandong-provincial") > 2000


def test_reload_same_file_changes_nothing(store):
    result = load_list(store, SAMPLE)
    assert (result.inserted, result.deleted) == (0, 0)


@pytest.mark.parametrize("suffix, encoding", [(".csv", "gb18030"), (".csv", "utf-8-sig"), (".xlsx", None)])
def test_other_encodings_and_xlsx_give_the_same_graph(store, tmp_path, suffix, encoding):
    header, rows = _rows(SAMPLE)
    target = tmp_path / f"shandong-provincial{suffix}"
    if encoding:
        target.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
    else:
        write_table(target, header, rows)
    assert read_table(target).encoding == (encoding if encoding != "gb18030" else "gb18030") or suffix == ".xlsx"
    result = load_list(store, target)
    assert (result.inserted, result.deleted) == (0, 0)  # same graph name, same content


def test_bad_rows_reject_the_whole_file(store, tmp_path):
    header, rows = _rows(SAMPLE)
    bad = [r[:] for r in rows[:5]]
    bad[1][header.index("事项类型")] = "行政许诺"
    bad[2][header.index("设定依据")] = "《药品管理法》第九百条"
    bad[3][header.index("事项编码")] = bad[0][header.index("事项编码")]
    bad[4][header.index("关联事项")] = "NO-SUCH-CODE"
    refused = _refused(store, tmp_path / "bad.csv", header, bad)
    problems = {(p.row, p.column) for p in refused.problems if p.severity == "error"}
    assert {(3, "事项类型"), (4, "设定依据"), (5, "事项编码"), (6, "关联事项")} <= problems
    assert all(p.reason_zh and p.reason_en and p.file == "bad.csv" for p in refused.problems)


def _refused(store, path: Path, header: list[str], rows: list[list[str]]) -> LoadRejected:
    """The refusal of ``rows`` written to ``path`` and loaded; the store's graphs are as before."""
    write_table(path, header, rows)
    before = set(store.graph_names())
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    assert set(store.graph_names()) == before
    return err.value


def test_an_impossible_deadline_is_a_bad_row(store, tmp_path):
    """2020-02-30 has the form of a date but is none: refused at its row and column, like
    明年年底, before anything is stored (a store would keep it as xsd:date, and every reader fail)."""
    header, rows = _rows(ADJUSTMENTS)
    bad = [r[:] for r in rows[:3]]
    bad[1][header.index("完成时限")] = "2020-02-30"
    bad[2][header.index("完成时限")] = "明年年底"
    refused = _refused(store, tmp_path / "dates.csv", header, bad)
    assert {(p.row, p.column) for p in refused.problems if p.severity == "error"} == {(3, "完成时限"), (4, "完成时限")}
    assert any("2020-02-30" in p.reason_zh and "real" in p.reason_en for p in refused.problems)


def test_a_column_no_loader_reads_is_named_with_the_closest_one(store, tmp_path):
    """A misspelled optional column (安全分类 for 安全类别) is not read: the load says so, and
    which column it may have meant, rather than dropping what it held without a word. A serial
    number column is expected, and passes silently."""
    header, rows = _rows(SAMPLE)
    renamed = ["安全分类" if h == "安全类别" else h for h in header] + ["序号"]
    rows = _renumbered(header, [r + [str(n)] for n, r in enumerate(rows) if not r[header.index("关联事项")]][:2], "COLS")
    path = tmp_path / "renamed.csv"
    write_table(path, renamed, rows)
    result = load_list(store, path)
    warned = [p for p in result.problems if p.severity == "warning" and p.column == "安全分类"]
    assert len(warned) == 1 and "安全类别" in warned[0].reason_zh and "安全类别" in warned[0].reason_en
    assert warned[0].row == 1
    assert not [p for p in result.problems if p.column == "序号"]


def test_skip_bad_rows_refuses_a_file_whose_every_row_is_bad(store, tmp_path):
    """Skipping every row is no load: refused, under a new name as under a stored one."""
    header, rows = _rows(SAMPLE)
    rows = _renumbered(header, rows[:2], "ALLBAD")
    for r in rows:
        r[header.index("行使层级")] = "部级"
    path = tmp_path / "allbad.csv"
    write_table(path, header, rows)
    before = set(store.graph_names())
    with pytest.raises(LoadRejected) as err:
        load_list(store, path, name="brand-new", skip_bad_rows=True)
    assert any("every row" in p.reason_en for p in err.value.problems)
    assert set(store.graph_names()) == before and "brand-new" not in {r.name for r in loads(store)}


def test_skip_bad_rows_stores_the_good_and_writes_rejects(store, tmp_path):
    header, rows = _rows(SAMPLE)
    rows = _renumbered(header, [r for r in rows if not r[header.index("关联事项")]][:4], "PARTLY")
    rows[1][header.index("行使层级")] = "部级"
    path = tmp_path / "partly.csv"
    write_table(path, header, rows)
    result = load_list(store, path, skip_bad_rows=True)
    assert result.stored_rows == 3 and result.rejects_file.exists()
    rejects = read_table(result.rejects_file)
    assert len(rejects.rows) == 1 and "行使层级" in rejects.rows[0][1]["原因/reason"]
    assert unload(store, "partly") and "partly" not in {r.name for r in loads(store)}


def test_unload_forgets_the_agent_once_no_load_names_it(store, tmp_path):
    header, rows = _rows(SAMPLE)
    rows = [r for r in rows if not r[header.index("关联事项")]][:2]
    code = header.index("事项编码")
    for n, row in enumerate(rows):
        row[code] = f"AGENT-{n}"
        write_table(tmp_path / f"by-agent-{n}.csv", header, [row])
        load_list(store, tmp_path / f"by-agent-{n}.csv", by="测试员甲")
    agent = "SELECT ?a WHERE { ?a a <http://www.w3.org/ns/prov#Agent> ; <http://www.w3.org/2000/01/rdf-schema#label> \"测试员甲\" }"
    assert len(store.select(agent)) == 1
    assert unload(store, "by-agent-0") and len(store.select(agent)) == 1  # still named by the other load
    assert unload(store, "by-agent-1") and not store.select(agent)


def test_malformed_files_name_the_file(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(TableError, match="empty.csv"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(TableError, match="XLSX"):
        read_table(tmp_path / "x.xlsx")
    (tmp_path / "h.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(TableError, match="header"):
        load_list(EmbeddedStore(None), tmp_path / "h.csv")


def test_adjustments_need_stored_items(tmp_path):
    src = ROOT / "data" / "samples" / "shandong-adjustments.csv"
    shutil.copy(src, tmp_path / "adj.csv")
    with pytest.raises(LoadRejected) as err:
        load_list(EmbeddedStore(None), tmp_path / "adj.csv")
    assert all("not in the store" in p.reason_en for p in err.value.problems if p.severity == "error")


def test_implementing_body_matched_to_reference_organisations(store):
    """省药品监督管理局 → the provincial body; 市…局 / 县…局 → the body of that function at that level;
    a named city body is described; an unknown one is kept as written, with a warning."""
    from quanze.lists import OrganisationMatcher

    m = OrganisationMatcher()
    assert m.match("省药品监督管理局")[:2] == ("https://w3id.org/quanze/id/org/山东省药品监督管理局", "provincial")
    assert m.match("市市场监督管理局")[:2] == ("https://w3id.org/quanze/id/org/level/municipal/市场监督管理", "municipal")
    assert m.match("县公安局")[:2] == ("https://w3id.org/quanze/id/org/level/county/公安", "county")
    assert m.match("济南市城市管理局") == ("https://w3id.org/quanze/id/org/济南市城市管理局", "municipal", "济南市")
    assert m.match("某某协会") == (None, None, None)
    rows = store.select("""SELECT ?body WHERE { ?i <https://w3id.org/quanze/ns#code> "37YJ-XK-0001" ;
        <https://w3id.org/quanze/ns#implementingBody> ?body }""")
    assert rows == [{"body": "https://w3id.org/quanze/id/org/山东省药品监督管理局"}]


def test_unknown_body_is_recorded_as_written_with_a_warning(store, tmp_path):
    header, rows = _rows(SAMPLE)
    [row] = _renumbered(header, [next(r for r in rows if not r[header.index("关联事项")])], "ODD-BODY")
    row[header.index("实施主体")] = "某某管理协会"
    path = tmp_path / "odd-body.csv"
    write_table(path, header, [row])
    result = load_list(store, path)
    warn = [p for p in result.problems if p.severity == "warning" and p.column == "实施主体"]
    assert warn and "某某管理协会" in warn[0].reason_zh and warn[0].reason_en
    names = store.select("""SELECT ?n WHERE { GRAPH <https://w3id.org/quanze/id/graph/load/odd-body> {
        ?i <https://w3id.org/quanze/ns#implementingBodyName> ?n } }""")
    assert names == [{"n": "某某管理协会"}]


def _english(header: list[str], columns: dict[str, tuple[str, ...]], style: str) -> list[str]:
    """The header with each Chinese header replaced by an English alias of the loader's."""
    alias = {names[0]: names[-1 if style == "last" else 1] for names in columns.values()}
    out = [alias[h] for h in header]
    return [h.upper() for h in out] if style == "upper" else out


@pytest.mark.parametrize("source", [SAMPLE, ADJUSTMENTS], ids=["items", "adjustments"])
@pytest.mark.parametrize("style", ["first", "last", "upper"])
def test_english_headers_load_the_same_graph(store, tmp_path, source, style):
    """The sample with English headers (first alias, last alias, upper case) under the same name
    gives exactly the graph its Chinese headers gave: nothing inserted, nothing deleted."""
    header, rows = _rows(source)
    english = _english(header, LAYOUTS[source], style)
    assert not any(re.search("[\u4e00-\u9fff]", h) for h in english)
    target = tmp_path / source.name
    write_table(target, english, rows)
    graph = str(graph_iri("load", source.stem))
    before = store.graph_triples(graph)
    assert before
    result = load_list(store, target)
    assert result.kind == ("items" if source == SAMPLE else "adjustments")
    assert (result.inserted, result.deleted, result.stored_rows) == (0, 0, len(rows))
    assert store.graph_triples(graph) == before


@pytest.mark.parametrize("source", [SAMPLE, ADJUSTMENTS], ids=["items", "adjustments"])
@pytest.mark.parametrize("english", [False, True], ids=["zh-header", "en-header"])
def test_row_without_code_is_rejected_naming_file_row_and_column(store, tmp_path, source, english):
    header, rows = _rows(source)
    if "关联事项" in header:  # rows that name no other item, so the missing code is the only fault
        rows = _renumbered(header, [r for r in rows if not r[header.index("关联事项")]], "NO-CODE")
    rows = rows[:3]
    rows[1][header.index("事项编码")] = ""
    if english:
        header = _english(header, LAYOUTS[source], "first")
    path = tmp_path / "no-code.csv"
    write_table(path, header, rows)
    before = {g: store.count(g) for g in store.graph_names()}
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    errors = [p for p in err.value.problems if p.severity == "error"]
    column = "code" if english else "事项编码"  # the header as the user wrote it
    assert [(p.file, p.row, p.column) for p in errors] == [("no-code.csv", 3, column)]  # header = row 1
    assert "事项编码" in errors[0].reason_zh and "code" in errors[0].reason_en
    assert str(errors[0]).startswith(f"no-code.csv 第3行/row 3 [{column}]: ")
    assert {g: store.count(g) for g in store.graph_names()} == before


def _documented_columns() -> dict[str, list[list[str]]]:
    """docs/vocabulary.md's list-column tables: heading → rows of cells."""
    text = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    section = text.split("\n## List columns", 1)[1].split("\n## ", 1)[0]
    tables = {}
    for part in section.split("\n### ")[1:]:
        title, _, body = part.partition("\n")
        tables[title] = [[c.strip() for c in line.strip().strip("|").split("|")]
                         for line in body.splitlines() if line.startswith("| `")]
    return tables


@pytest.mark.parametrize("layout, columns, required", [("权责清单", ITEM_COLUMNS, REQUIRED_ITEM),
                                                       ("调整事项目录", ACTION_COLUMNS, REQUIRED_ACTION),
                                                       ("层级校核表", review.COLUMNS, review.REQUIRED)])
def test_vocabulary_doc_lists_every_accepted_header(layout, columns, required):
    """Every header the loader accepts, with its aliases in order and its required flag, is in
    the doc's table, and the table names nothing else; enumerated values match the loader's."""
    rows = next(r for title, r in _documented_columns().items() if title.startswith(layout))
    documented = {tuple(re.findall(r"`([^`]+)`", f"{c[0]} {c[1]}")): c[2].startswith("yes") for c in rows}
    assert documented == {names: key in required for key, names in columns.items()}
    values = {"事项类型": ITEM_TYPES, "行使层级": LEVEL_WORDS, "安全类别": SECURITY, "办理方式": HANDLING, "调整方式": ACTIONS,
              "层级": {**review.LEVEL_NAMES, "无": None}}
    cells = {c[0].strip("`"): c[4] for c in rows}
    for header in set(values) & set(cells):
        assert re.findall(r"[\u4e00-\u9fff]+", cells[header]) == list(values[header]), header


def test_a_list_loaded_again_answers_for_what_its_new_version_drops(store, tmp_path):
    """Loaded again under its name, an adjustments list that no longer holds a 取消 action leaves
    a city-level licence uncancelled: that is a violation of the new version, and the load is
    refused — as it would be for a first load — with the store as it was."""
    from quanze.validation import validate_pending

    header, rows = _rows(ADJUSTMENTS)
    kept = [r for r in rows if r[header.index("调整方式")] != "取消"]
    cancelled = {r[0] for r in rows if r[header.index("调整方式")] == "取消"}
    assert cancelled and kept
    smaller = tmp_path / ADJUSTMENTS.name
    write_table(smaller, header, kept)
    before = store.graph_triples(str(graph_iri("load", ADJUSTMENTS.stem)))
    with pytest.raises(LoadRejected) as caught:
        load_list(store, smaller, validator=validate_pending)
    flagged = {f.focus_code for f in caught.value.report.results if "取消" in f.message}
    assert flagged and flagged <= cancelled
    assert store.graph_triples(str(graph_iri("load", ADJUSTMENTS.stem))) == before


def test_an_item_code_another_list_holds_is_refused(store, tmp_path):
    """Two lists with the same 事项编码 would make one item of both (the levels of each, two
    names). The row is refused, naming the load that has the code; nothing is stored."""
    header, rows = _rows(SAMPLE)
    clash = tmp_path / "city-list.csv"
    write_table(clash, header, [rows[0]])
    with pytest.raises(LoadRejected) as caught:
        load_list(store, clash)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "事项编码")
    assert rows[0][0] in problem.reason_zh and "shandong-provincial" in problem.reason_zh
    assert "shandong-provincial" in problem.reason_en
    assert not store.has_graph(str(graph_iri("load", "city-list")))


def test_a_load_that_stored_nothing_can_be_unloaded(store, tmp_path):
    """A list of only its header is recorded (with its report) though its graph is empty; unload
    removes the record, and a second unload finds nothing."""
    header, _ = _rows(SAMPLE)
    empty = tmp_path / "header-only.csv"
    write_table(empty, header, [])
    assert load_list(store, empty).stored_rows == 0
    assert "header-only" in {r.name for r in loads(store)}
    assert unload(store, "header-only") and "header-only" not in {r.name for r in loads(store)}
    assert not unload(store, "header-only")


def test_dependents_name_the_lists_an_unload_would_leave_pointing_at_nothing(store):
    """The adjustments list acts on the sample's items: unloading the sample would leave each of
    its actions on no item; nothing points at the adjustments' own nodes."""
    from quanze.lists import dependents

    header, rows = _rows(ADJUSTMENTS)
    assert dependents(store, "shandong-provincial") == {"shandong-adjustments": len(rows)}
    assert dependents(store, "shandong-adjustments") == {}


def test_unload_takes_a_lists_iri_and_no_other_graphs(store):
    """A load may be named by its graph's IRI; the IRI of the corpus or of reference data names
    no load, and unloading it removes nothing."""
    from quanze.catalog import CATALOG_GRAPH

    plan = str(graph_iri("plan"))
    before = {g: len(store.graph_triples(g)) for g in (plan, CATALOG_GRAPH)}
    assert not unload(store, plan)
    assert {g: len(store.graph_triples(g)) for g in (plan, CATALOG_GRAPH)} == before
    assert unload(store, str(graph_iri("load", ADJUSTMENTS.stem)))
    assert ADJUSTMENTS.stem not in {r.name for r in loads(store)}


def test_an_unload_that_would_leave_loads_pointing_at_nothing_is_refused(store):
    """Unloading the sample while the adjustments act on its items removes nothing and names the
    adjustments list and how many of its actions would be left; ``force`` removes it."""
    from quanze.lists import UnloadRefused

    header, rows = _rows(ADJUSTMENTS)
    before = store.graph_triples(str(graph_iri("load", "shandong-provincial")))
    with pytest.raises(UnloadRefused) as refused:
        unload(store, "shandong-provincial")
    assert refused.value.dependents == {"shandong-adjustments": len(rows)}
    assert f"shandong-adjustments（{len(rows)} 处）" in str(refused.value)
    assert f"shandong-adjustments ({len(rows)})" in str(refused.value)
    assert store.graph_triples(str(graph_iri("load", "shandong-provincial"))) == before
    assert "shandong-provincial" in {r.name for r in loads(store)}
    assert unload(store, "shandong-adjustments") and unload(store, "shandong-provincial")


def _sheet(ws, header: list[str], rows: list[list[str]], merge: tuple[str, ...] = ()) -> None:
    """``header`` and ``rows`` appended to ``ws``; each column in ``merge`` written once per run
    of equal values and merged down the run, as government lists are laid out."""
    for r in [header, *rows]:
        ws.append(r)
    top = ws.max_row - len(rows)  # the header's row
    for name in merge:
        col = header.index(name)
        start = 0
        for n in range(1, len(rows) + 1):
            if n == len(rows) or rows[n][col] != rows[start][col]:
                if n - start > 1:
                    ws.merge_cells(start_row=top + 1 + start, start_column=col + 1,
                                   end_row=top + n, end_column=col + 1)
                start = n


def test_merged_implementing_body_loads_like_the_csv(store, tmp_path):
    """实施主体 and 事项类型 merged down the rows of a department, as the lists are published:
    every row has them, and the graph is the CSV's."""
    from openpyxl import Workbook, load_workbook

    header, rows = _rows(SAMPLE)
    path = tmp_path / "shandong-provincial.xlsx"
    wb = Workbook()
    _sheet(wb.active, header, rows, merge=("实施主体", "事项类型"))
    wb.save(path)
    merged = load_workbook(path).active.merged_cells.ranges
    assert {r.min_col for r in merged} == {header.index("实施主体") + 1, header.index("事项类型") + 1}
    result = load_list(store, path)
    assert (result.kind, result.inserted, result.deleted, result.stored_rows) == ("items", 0, 0, len(rows))


def _titled(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A title merged across the columns, a blank row and a note above the header (row 4)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["山东省省级权责清单（2020年版）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([])
    ws.append(["注：事项编码按《山东省权责清单编码规则》编制。"])
    _sheet(ws, header, rows)
    wb.save(path)


def test_a_title_and_note_above_the_header_are_passed_over(store, tmp_path):
    """The header is the first row the loader recognises; rows keep the spreadsheet's numbers."""
    header, rows = _rows(SAMPLE)
    path = tmp_path / "shandong-provincial.xlsx"
    _titled(path, header, rows)
    result = load_list(store, path)
    assert (result.inserted, result.deleted, result.stored_rows) == (0, 0, len(rows))
    bad = [r[:] for r in rows]
    bad[1][header.index("事项类型")] = "行政许诺"
    _titled(path, header, bad)
    before = store.graph_triples(str(graph_iri("load", SAMPLE.stem)))
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    errors = [(p.file, p.row, p.column) for p in err.value.problems if p.severity == "error"]
    assert errors == [("shandong-provincial.xlsx", 6, "事项类型")]  # title 1, blank 2, note 3, header 4
    assert store.graph_triples(str(graph_iri("load", SAMPLE.stem))) == before


def test_the_list_on_a_later_sheet_is_loaded(store, tmp_path):
    """A cover and an instructions sheet (whose rows name one column each) come before the list:
    the list's sheet is loaded. A workbook with no list names the sheets it tried."""
    from openpyxl import Workbook

    header, rows = _rows(SAMPLE)
    path = tmp_path / "shandong-provincial.xlsx"
    wb = Workbook()
    wb.active.title = "封面"
    wb.active.append(["山东省省级权责清单"])
    notes = wb.create_sheet("填写说明")
    for r in (["列", "说明"], ["事项名称", "填写事项的名称"], ["实施主体", "填写实施部门的全称"]):
        notes.append(r)
    _sheet(wb.create_sheet("清单"), header, rows)
    wb.save(path)
    result = load_list(store, path)
    assert (result.inserted, result.deleted, result.stored_rows) == (0, 0, len(rows))
    del wb["清单"]
    wb.save(path)
    with pytest.raises(TableError) as err:
        load_list(store, path)
    assert "无法识别的表头" in err.value.reason_zh and "“封面”、“填写说明”" in err.value.reason_zh
    assert "unrecognised header" in err.value.reason_en and "'封面', '填写说明'" in err.value.reason_en


@pytest.mark.parametrize("source, missing, english", [(SAMPLE, "事项名称", "name"), (ADJUSTMENTS, "调整方式", "action")],
                         ids=["items", "adjustments"])
def test_a_header_without_the_column_that_tells_its_kind_names_it(tmp_path, source, missing, english):
    """Without 事项名称 (or 调整方式) the header is still close to its kind's: the error names the
    missing column, the kind and the header's row, in both languages."""
    header, rows = _rows(source)
    keep = [i for i, h in enumerate(header) if h != missing]
    path = tmp_path / "no-name.csv"
    write_table(path, [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    with pytest.raises(TableError) as err:
        load_list(EmbeddedStore(None), path)
    kind_zh, kind_en = ("权责清单", "an item list") if source == SAMPLE else ("调整事项目录", "an adjustment list")
    assert err.value.reason_zh == f"缺少必需的列：{missing}（第 1 行像是{kind_zh}的表头）"
    assert err.value.reason_en == f"missing required column(s): {missing} ({english}) (row 1 looks like the header of {kind_en})"
    assert str(err.value).startswith("no-name.csv: ")


def test_an_unresolved_citation_is_quoted_in_both_languages(store, tmp_path):
    """Regression: the English half named only the title, so with several citations in a cell it
    did not say which one failed."""
    header, rows = _rows(SAMPLE)
    [row] = _renumbered(header, [next(r for r in rows if not r[header.index("关联事项")])], "CITE")
    row[header.index("设定依据")] = "《中华人民共和国药品管理法》第四十一条；《中华人民共和国药品管理法》第九百条"
    write_table(tmp_path / "cite.csv", header, [row])
    with pytest.raises(LoadRejected) as err:
        load_list(store, tmp_path / "cite.csv")
    [problem] = [p for p in err.value.problems if p.severity == "error"]
    assert "第九百条" in problem.reason_zh and "第九百条" in problem.reason_en


def test_unload_removes_the_report_of_a_name_with_spaces(store, tmp_path):
    """Regression: the report's name was percent-encoded twice (my%2520list), so it stayed."""
    from quanze.validation import validate_pending

    header, rows = _rows(SAMPLE)
    [row] = _renumbered(header, [next(r for r in rows if not r[header.index("关联事项")])], "SPACE")
    write_table(tmp_path / "my list (2020).csv", header, [row])
    load_list(store, tmp_path / "my list (2020).csv", validator=validate_pending, accept_violations=True)
    assert [g for g in store.graph_names() if "my%20list" in g and "/report/" in g]
    assert "my list (2020)" in {r.name for r in loads(store)}  # the name as given, not as the IRI writes it
    assert unload(store, "my%20list%20(2020)")  # either form unloads it
    assert not [g for g in store.graph_names() if "my%20list" in g or "my%2520list" in g]


def test_an_unvalidated_reload_drops_the_report_of_the_earlier_version(store, tmp_path):
    """The report spoke for the earlier content; kept, it would stay the latest word on its nodes."""
    from quanze.validation import validate_pending

    header, rows = _rows(SAMPLE)
    [row] = _renumbered(header, [next(r for r in rows if not r[header.index("关联事项")])], "NOVAL")
    write_table(tmp_path / "noval.csv", header, [row])
    load_list(store, tmp_path / "noval.csv", validator=validate_pending, accept_violations=True)
    report = str(graph_iri("report", "noval"))
    assert store.has_graph(report)
    load_list(store, tmp_path / "noval.csv")
    assert not store.has_graph(report)


def test_a_list_cannot_be_replaced_by_another_kind_or_by_nothing(store, tmp_path):
    """Loaded under the adjustments list's name, a level review list would delete every action,
    and a header-only file would empty it: both are refused, naming the load; nothing changes."""
    graph = str(graph_iri("load", ADJUSTMENTS.stem))
    before = store.graph_triples(graph)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("条文,层级,依据短语,校核人,校核日期,说明\n《工伤保险条例》第十七条第三款,市级,,甲,,\n", encoding="utf-8")
    with pytest.raises(LoadRejected) as other_kind:
        load_list(store, reviews, name=ADJUSTMENTS.stem)
    [problem] = other_kind.value.problems
    assert "调整事项目录" in problem.reason_zh and "层级校核表" in problem.reason_zh and ADJUSTMENTS.stem in problem.reason_en
    # an item list under that name is told so too, before its rows (all held by another load) are judged
    with pytest.raises(LoadRejected) as items_too:
        load_list(store, SAMPLE, name=ADJUSTMENTS.stem)
    [problem] = items_too.value.problems
    assert "权责清单" in problem.reason_zh and "调整事项目录" in problem.reason_zh
    header, _ = _rows(ADJUSTMENTS)
    empty = tmp_path / ADJUSTMENTS.name
    write_table(empty, header, [])
    with pytest.raises(LoadRejected) as nothing:
        load_list(store, empty)
    assert "unload" in nothing.value.problems[0].reason_en
    assert store.graph_triples(graph) == before


def test_headers_wrapped_or_spaced_out_in_excel_are_read(store, tmp_path):
    """事项\\n编码 (a line break typed into the cell) and 行 使 层 级 name the same columns."""
    header, rows = _rows(SAMPLE)
    odd = [("\n".join([h[:2], h[2:]]) if h == "事项编码" else " ".join(h) if h == "行使层级" else h) for h in header]
    path = tmp_path / SAMPLE.name
    write_table(path, odd, rows)
    result = load_list(store, path)
    assert (result.inserted, result.deleted, result.stored_rows) == (0, 0, len(rows))


def test_a_header_of_two_rows_is_read(store, tmp_path):
    """办理层级 merged over 受理层级 | 审批层级, every other name merged down both rows: the columns
    take their lower names, and the list loads as the CSV does (its rows keep their numbers)."""
    from openpyxl import Workbook

    header, rows = _rows(SAMPLE)
    first, last = header.index("受理层级"), header.index("审批层级")
    assert last == first + 1
    wb = Workbook()
    ws = wb.active
    ws.append([("办理层级" if k in (first, last) else h) for k, h in enumerate(header)])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for k in range(len(header)):
        if k not in (first, last):
            ws.merge_cells(start_row=1, start_column=k + 1, end_row=2, end_column=k + 1)
    ws.merge_cells(start_row=1, start_column=first + 1, end_row=1, end_column=last + 1)
    path = tmp_path / "shandong-provincial.xlsx"
    wb.save(path)
    result = load_list(store, path)
    assert (result.inserted, result.deleted, result.stored_rows) == (0, 0, len(rows))


def test_a_violation_is_named_at_its_row_and_column(store, tmp_path):
    """Refused for a validation rule, a load names the file's row of the item and the column of
    the property the rule is about, in both languages — as it does for a bad cell."""
    from quanze.validation import validate_pending

    header, rows = _rows(SAMPLE)
    [row] = _renumbered(header, [next(r for r in rows if not r[header.index("关联事项")]
                                      and r[header.index("事项类型")] == "行政许可")], "VIOL")
    row[header.index("设定依据")] = ""  # a licence must have a legal basis
    write_table(tmp_path / "viol.csv", header, [row])
    with pytest.raises(LoadRejected) as err:
        load_list(store, tmp_path / "viol.csv", validator=validate_pending)
    found = [p for p in err.value.problems if p.severity == "violation"]
    assert found and {(p.file, p.row) for p in found} == {("viol.csv", 2)}
    assert "设定依据" in {p.column for p in found}
    assert all("VIOL-0" in p.reason_zh and "VIOL-0" in p.reason_en for p in found)


def test_two_values_failing_one_rule_are_two_distinct_lines(store):
    """The sample has items whose two legal bases fail the same rule: each line of the refusal
    names its value, so no two lines read the same (they did: the message has no value)."""
    from quanze.validation import validate_pending

    with pytest.raises(LoadRejected) as err:
        load_list(store, SAMPLE, validator=validate_pending)
    found = [(p.row, p.column, p.reason_zh, p.reason_en) for p in err.value.problems if p.severity == "violation"]
    assert found and len(set(found)) == len(found)
    report = err.value.report
    assert len({(f.focus, f.shape, f.message) for f in report.results}) < len(report.results)  # the case at hand


def test_a_reload_counts_the_lists_own_change_not_its_reports(store, tmp_path):
    """Loaded again unchanged with validation, a list reports +0 −0: its report is written anew
    (with new result nodes), but that is not a change of the list. One row dropped is its triples."""
    from quanze.validation import validate_pending

    header, rows = _rows(SAMPLE)
    rows = _renumbered(header, [r for r in rows if not r[header.index("关联事项")]][:3], "RECOUNT")
    path = tmp_path / "recount.csv"
    write_table(path, header, rows)
    first = load_list(store, path, validator=validate_pending, accept_violations=True)
    again = load_list(store, path, validator=validate_pending, accept_violations=True)
    assert first.inserted == first.triples and (again.inserted, again.deleted) == (0, 0)
    assert store.has_graph(str(graph_iri("report", "recount")))
    write_table(path, header, rows[:2])
    fewer = load_list(store, path, validator=validate_pending, accept_violations=True)
    assert (fewer.inserted, fewer.deleted) == (0, first.triples - fewer.triples)


def test_the_reserved_names_are_those_of_the_graphs_quanze_keeps():
    """Every graph `quanze init` and `quanze laws import` write, and the catalog, by the name
    `quanze graphs` shows (its IRI's last segment): none more, none missing."""
    from quanze.catalog import CATALOG_GRAPH, RESERVED_NAMES
    from quanze.laws import LAWS_GRAPH
    from quanze.reference import reference_graphs

    kept = [*reference_graphs(), LAWS_GRAPH, CATALOG_GRAPH]
    assert sorted(RESERVED_NAMES) == sorted(g.rsplit("/", 1)[-1] for g in kept)


@pytest.mark.parametrize(("name", "shown"), [
    ("laws", "laws"), ("plan", "plan"), ("ontology", "ontology"), ("reference", "reference"), ("catalog", "catalog"),
    ("Laws", "laws"), (" plan ", "plan"), ("ＰＬＡＮ", "plan"), ("REFERENCE\u3000", "reference")])
def test_a_load_may_not_take_the_name_of_a_graph_quanze_keeps(reference_store, tmp_path, name, shown):
    """Regression: `load x.csv --name laws` was accepted, and the catalog then held two loads
    named laws (graph/laws and graph/load/laws). Refused before the file is read, in zh and en,
    naming the file and the name; nothing is written."""
    path = tmp_path / "actions.csv"
    shutil.copy(ADJUSTMENTS, path)
    before = {g: len(reference_store.graph_triples(g)) for g in reference_store.graph_names()}
    with pytest.raises(LoadRejected) as refused:
        load_list(reference_store, path, name=name)
    [problem] = refused.value.problems
    assert problem.file == "actions.csv" and f"载入名称“{name}”" in problem.reason_zh and "同名" in problem.reason_zh
    assert f"the load name {name!r} reads as {shown!r}" in problem.reason_en
    assert "graphs named alike" in problem.reason_en and "--name" in problem.reason_en
    assert {g: len(reference_store.graph_triples(g)) for g in reference_store.graph_names()} == before


def test_a_file_whose_name_is_reserved_or_a_blank_name_is_refused(reference_store, tmp_path):
    """Without a name the file's stem names the load: plan.csv would be a load named plan, so it is
    refused too, saying where the name came from; a blank name names nothing. Names merely like
    a reserved one are fine."""
    from quanze.lists import check_name

    plan = tmp_path / "plan.csv"
    shutil.copy(ADJUSTMENTS, plan)
    with pytest.raises(LoadRejected) as from_file:
        load_list(reference_store, plan)
    [problem] = from_file.value.problems
    assert "取自文件名 plan.csv" in problem.reason_zh and "(from the file name plan.csv)" in problem.reason_en
    with pytest.raises(LoadRejected) as blank:
        load_list(reference_store, plan, name="  ")
    assert "blank" in blank.value.problems[0].reason_en and "空白" in blank.value.problems[0].reason_zh
    for fine in ("laws-2024", "plans", "山东 plan", "reference list", "法规"):
        check_name(fine, plan)
    check_name(None, tmp_path / "laws-2024.csv")


# --- on a small store: the reference data and one synthetic law -----------------------------------

#: An item list citing the synthetic law's 第二条 (which fixes the province): MINI-1 is exercised
#: at county level (a violation of 层级与法定依据不符), MINI-2 at a level that does not exist.
MINI_ITEMS = ("事项编码,事项名称,事项类型,实施主体,行使层级,设定依据\n"
              "MINI-1,示例机构设立审批,行政许可,省示例厅,县级,《示例条例》第二条\n"
              "MINI-2,示例机构变更审批,行政许可,省示例厅,部级,《示例条例》第二条\n")


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory):
    from quanze.laws import import_corpus
    from quanze.reference import init

    from .conftest import write_mini_corpus

    s = EmbeddedStore(None)
    init(s)
    import_corpus(s, write_mini_corpus(tmp_path_factory.mktemp("laws")))
    yield s
    s.close()


def test_a_load_refused_by_validation_writes_no_rejects_file(mini_store, tmp_path):
    """Regression: with --skip-bad-rows the rejects file was written before validation, so a load
    that validation then refused ("the store is unchanged") left a rejects file nobody was told
    of, in place of the one an earlier load had written. It is written once the load is stored."""
    from quanze.validation import validate_pending

    path = tmp_path / "mini.csv"
    path.write_text(MINI_ITEMS, encoding="utf-8")
    earlier = tmp_path / "mini.rejects.csv"
    earlier.write_text("an earlier load's rejects\n", encoding="utf-8")
    with pytest.raises(LoadRejected) as refused:
        load_list(mini_store, path, skip_bad_rows=True, validator=validate_pending)
    assert refused.value.report.violations and "mini" not in {r.name for r in loads(mini_store)}
    assert earlier.read_text(encoding="utf-8") == "an earlier load's rejects\n"
    result = load_list(mini_store, path, skip_bad_rows=True)  # unvalidated: stored, and the file written
    assert result.rejects_file == earlier and result.stored_rows == 1
    assert [r[REJECTS_ROW] for _, r in read_table(earlier).rows] == ["3"]
    assert unload(mini_store, "mini")


def test_level_words_are_one_table_and_guojia_is_a_review_word_only(mini_store, tmp_path):
    """The level words of the item and adjustment lists and of the review lists are one table
    (quanze.level), where they had drifted apart as two: 国家 is a review list's word for the
    national level (a review reads a law, and laws say 国家), not an item list's 行使层级."""
    from quanze import level, lists

    assert LEVEL_WORDS is level.LIST_LEVEL_WORDS and review.LEVEL_NAMES is level.REVIEW_LEVEL_WORDS
    assert lists.SPLIT is level.LIST_SEPARATOR
    assert dict(review.LEVEL_NAMES.items() - LEVEL_WORDS.items()) == {"国家": "national"}
    assert LEVEL_WORDS.items() <= review.LEVEL_NAMES.items()
    assert all(LEVEL_WORDS[level.LEVEL_ZH[lv]] == lv for lv in level.LEVELS)  # every 级 form, in both
    assert review.parse_levels("国家、省级") == (["national", "provincial"], [])
    path = tmp_path / "guojia.csv"
    path.write_text(MINI_ITEMS.replace("县级", "国家").replace("部级", "国家级"), encoding="utf-8")
    refused = {(p.row, p.column) for p in _load_refused(mini_store, path).problems if p.severity == "error"}
    assert refused == {(2, "行使层级")}


def _load_refused(store, path: Path) -> LoadRejected:
    with pytest.raises(LoadRejected) as refused:
        load_list(store, path)
    return refused.value
