"""The list loader: formats, errors with file/row/column in zh and en, atomic rejection."""

import shutil
from pathlib import Path

import pytest

from quanze.catalog import loads
from quanze.lists import LoadRejected, load_list, unload
from quanze.settings import ROOT
from quanze.store import EmbeddedStore
from quanze.tables import TableError, read_table, write_table

SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"


@pytest.fixture()
def store(corpus_store):
    """The session store, with the sample's graphs restored after each test."""
    before = {g: corpus_store.graph_triples(g) for g in corpus_store.graph_names() if "/load/" in g}
    yield corpus_store
    corpus_store.write(before, drops=[g for g in corpus_store.graph_names() if "/load/" in g and g not in before])


def _rows(path: Path):
    t = read_table(path)
    return t.header, [[r[h] for h in t.header] for _, r in t.rows]


def test_sample_loaded_with_provenance(store):
    rec = {r.name: r for r in loads(store)}
    assert rec["shandong-provincial"].rows == 277 and rec["shandong-provincial"].sha256
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
    path = tmp_path / "bad.csv"
    write_table(path, header, bad)
    before = set(store.graph_names())
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    problems = {(p.row, p.column) for p in err.value.problems if p.severity == "error"}
    assert {(3, "事项类型"), (4, "设定依据"), (5, "事项编码"), (6, "关联事项")} <= problems
    assert all(p.reason_zh and p.reason_en and p.file == "bad.csv" for p in err.value.problems)
    assert set(store.graph_names()) == before


def test_skip_bad_rows_stores_the_good_and_writes_rejects(store, tmp_path):
    header, rows = _rows(SAMPLE)
    rows = [r for r in rows if not r[header.index("关联事项")]][:4]
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
    row = next(r for r in rows if not r[header.index("关联事项")])
    row[header.index("实施主体")] = "某某管理协会"
    path = tmp_path / "odd-body.csv"
    write_table(path, header, [row])
    result = load_list(store, path)
    warn = [p for p in result.problems if p.severity == "warning" and p.column == "实施主体"]
    assert warn and "某某管理协会" in warn[0].reason_zh and warn[0].reason_en
    names = store.select("""SELECT ?n WHERE { GRAPH <https://w3id.org/quanze/id/graph/load/odd-body> {
        ?i <https://w3id.org/quanze/ns#implementingBodyName> ?n } }""")
    assert names == [{"n": "某某管理协会"}]
