"""Level reviews (层级校核, quanze.review): a person's reading replaces the extractor's for a unit.

On the real corpus with the shipped sample review list (data/samples/shandong-level-reviews.csv,
the adjudicated readings of tests/fixtures/level_labels_cited.csv where the extractor differs),
and on a small synthetic law whose text a test changes, to see a review go stale.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest

from quanze.devolution import blockers, chain
from quanze.evaluation import unit_texts
from quanze.laws import import_corpus
from quanze.level import LEVEL_ZH, LEVELS
from quanze.lists import LoadRejected, TableError, load_list, read_list, unload
from quanze.lookup import forget_cached, item_detail, provision_detail
from quanze.reference import init
from quanze.reports import SHEET_HEADER, flat_rows, review_sheet
from quanze.store import EmbeddedStore
from quanze.tables import write_table
from quanze.validation import validate, validate_pending

from .conftest import write_mini_corpus

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "shandong-level-reviews.csv"
LABELS = ROOT / "tests" / "fixtures" / "level_labels_cited.csv"
LAW = "https://w3id.org/quanze/id/law/"
LEVEL_SHAPE = "https://w3id.org/quanze/shapes#LevelBasisShape"
STALE_SHAPE = "https://w3id.org/quanze/shapes#StaleReviewShape"


# --- the sample review list on the real corpus --------------------------------------------------

@pytest.fixture(scope="module")
def reviewed(corpus_store):
    """The corpus store before and after loading the sample review list (unloaded afterwards)."""
    before = {a["code"]: a for a in blockers(corpus_store, "县级")}
    result = load_list(corpus_store, SAMPLE)
    forget_cached(corpus_store)
    after = {a["code"]: a for a in blockers(corpus_store, "县级")}
    yield result, before, after
    unload(corpus_store, result.graph.rsplit("/", 1)[-1])
    forget_cached(corpus_store)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_sample_review_resolves_and_is_stored(reviewed):
    result, _, _ = reviewed
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.rows == result.stored_rows == len(_rows(SAMPLE)) == 30


def test_sample_reviews_are_the_adjudicated_labels(reviewed, corpus_store, laws_dir):
    """Each review says what the adjudicated label of its unit says: the same unit (its citation
    resolved), the same levels (none for 无), evidence taken from the label's, on the unit's text."""
    labels = {}
    for row, text, _level, _title in unit_texts(laws_dir, _rows(LABELS)):
        labels[text] = (sorted(filter(None, row["expected"].split(";")), key=LEVELS.index), row["evidence"])
    stored = corpus_store.select("""PREFIX qz: <https://w3id.org/quanze/ns#>
        SELECT ?unit ?text ?reviewed (GROUP_CONCAT(STR(?level); separator=" ") AS ?levels) ?evidence WHERE {
          ?unit qz:levelReview ?r . ?r qz:reviewedText ?reviewed . ?unit qz:text ?text .
          OPTIONAL { ?r qz:level ?level } OPTIONAL { ?r qz:evidence ?evidence } } GROUP BY ?unit ?text ?reviewed ?evidence""")
    assert len(stored) == 30
    for r in stored:
        assert r["reviewed"] == r["text"]
        levels, evidence = labels[str(r["text"])]
        assert sorted((lv.rsplit("/", 1)[-1] for lv in str(r["levels"] or "").split()), key=LEVELS.index) == levels
        assert (r["evidence"] or "") in evidence
        assert (r["evidence"] or "") in str(r["text"])
        assert bool(r["evidence"]) == (len(levels) == 1)  # several levels: each phrase is in the note


def test_sample_reviews_are_where_the_extractor_is_wrong(reviewed, corpus_store):
    """Each review differs from what the import's extractor reads in its unit, and its note says
    what that is."""
    rows = corpus_store.select("""PREFIX qz: <https://w3id.org/quanze/ns#>
        SELECT ?r (GROUP_CONCAT(DISTINCT STR(?reviewed); separator=" ") AS ?levels)
               (GROUP_CONCAT(DISTINCT STR(?extracted); separator=" ") AS ?read) ?note WHERE {
          ?unit qz:levelReview ?r . ?r <http://www.w3.org/2004/02/skos/core#note> ?note .
          OPTIONAL { ?r qz:level ?reviewed } OPTIONAL { ?unit qz:assigns/qz:level ?extracted } } GROUP BY ?r ?note""")
    assert len(rows) == 30

    def slugs(cell: object) -> list[str]:
        return sorted((iri.rsplit("/", 1)[-1] for iri in str(cell or "").split()), key=LEVELS.index)

    for r in rows:
        assert slugs(r["levels"]) != slugs(r["read"])
        assert str(r["note"]).split("；")[0] == "自动识别为" + ("、".join(LEVEL_ZH[lv] for lv in slugs(r["read"])) or "无")


def test_a_reviewed_level_replaces_the_extracted_one(reviewed):
    """工伤保险条例第十七条第三款 gives 工伤认定 to the 设区的市 (the extractor read the province named
    in the condition): 工伤认定 still needs legal change for the county, now because of a 市级 reading."""
    _, before, after = reviewed
    unit = "工伤保险条例/2010-12-20/art_17/par_3"
    old = [b for b in before["37RS-QR-0001"]["blocking"] if b["provision"].endswith(unit)]
    new = [b for b in after["37RS-QR-0001"]["blocking"] if b["provision"].endswith(unit)]
    assert [(b["level"], b["act"], b["review"]) for b in old] == [("provincial", old[0]["act"], None)]
    assert [(b["level"], b["act"]) for b in new] == [("municipal", "校核")]
    assert new[0]["review"]["by"] and new[0]["review"]["date"] == "2026-11-30"
    assert new[0]["evidence"] in new[0]["text"]
    # Exports tell a person's reading from the extractor's.
    row = next(r for r in flat_rows([after["37RS-QR-0001"]]) if r[11] == "第十七条")
    assert row[16] == f"{new[0]['evidence']}（校核：{new[0]['review']['by']}，2026-11-30）"


def test_a_paragraph_reviewed_as_two_levels_is_two_rows_told_apart(reviewed):
    """A review giving one paragraph two levels (注册建筑师条例第十二条第一款: 国家级、省级) blocks
    with each; the export's 规定层级 tells its two rows apart, and no two rows are the same."""
    from quanze.reports import FLAT_HEADER

    _, _, after = reviewed
    two = [a for a in after.values()
           if len({b["level"] for b in a["blocking"] if b["provision"].endswith("art_12/par_1")}) == 2]
    assert two
    rows = flat_rows(two)
    assert len({tuple(r) for r in rows}) == len(rows)
    level = FLAT_HEADER.index("规定层级")
    assert {"国家级", "省级"} <= {r[level] for r in rows}


def test_a_review_of_no_level_unblocks(reviewed):
    """山东省动物防疫条例第二十四条第二款 (the province 统一管理 epidemic information) assigns no
    power by the rulebook; 动物疫情信息公布 is no longer blocked by it."""
    _, before, after = reviewed
    unit = "山东省动物防疫条例/2021-12-03/art_24/par_2"
    assert any(b["provision"].endswith(unit) for b in before["37NY-FW-0001"]["blocking"])
    assert not any(b["provision"].endswith(unit) for b in after["37NY-FW-0001"]["blocking"])
    assert after["37NY-FW-0001"]["status"] != "needs_legal_change"


def test_pages_show_the_review_beside_the_extracted_reading(reviewed, corpus_store):
    detail = item_detail(corpus_store, "37RS-QR-0001")
    basis = next(b for b in detail["bases"] if b["citation"] == "《工伤保险条例》第十七条第三款")
    assert [(a["level"], a["act"]) for a in basis["level_assignments"]] == [("市级", "校核")]
    [review] = basis["level_reviews"]
    assert review["current"] and review["level_labels"] == ["市级"] and review["extracted"] == ["省级"]
    page = provision_detail(corpus_store, LAW + "工伤保险条例/2010-12-20/art_17/par_3")
    assert page["level_reviews"] == [review]


def test_chain_uses_reviews_too(reviewed, corpus_store):
    assessment = chain(corpus_store, "37RS-QR-0001", "县级")
    assert ("municipal", "校核") in {(b["level"], b["act"]) for b in assessment["blocking"]}


# --- a synthetic law: loader errors, conflicts, validation, staleness ---------------------------

MINI = ("# 校核示例条例\n\n2020年1月1日 国务院公布\n\n<!-- INFO END -->\n\n第一条 为了示例，制定本条例。\n\n"
        "第二条 设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。\n\n"
        "第三条 示例证书由县级人民政府示例主管部门颁发。\n\n示例证书有效期为五年。\n")
ITEMS = ("事项编码,事项名称,事项类型,实施主体,行使层级,设定依据\n"
         "37SL-XK-9001,示例机构设立审批,行政许可,省示例局,省级,《校核示例条例》第二条\n"
         "37SL-XK-9002,示例机构设立审批（县）,行政许可,县示例局,县级,《校核示例条例》第二条\n")
HEADER = "条文,层级,依据短语,校核人,校核日期,说明\n"


def _law(folder: Path, text: str) -> Path:
    return write_mini_corpus(folder, text, "校核示例条例")


@pytest.fixture()
def mini(tmp_path):
    store = EmbeddedStore(None)
    init(store)
    import_corpus(store, _law(tmp_path / "laws", MINI))
    (tmp_path / "items.csv").write_text(ITEMS, encoding="utf-8")
    load_list(store, tmp_path / "items.csv")
    yield store, tmp_path
    store.close()


def _write(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _quads(store: EmbeddedStore) -> int:
    return int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])


@pytest.mark.parametrize(("row", "column", "says"), [
    ("《无此条例》第二条,县级,,甲,,", "条文", "未知的法规名称"),
    ("《校核示例条例》第九条,县级,,甲,,", "条文", "没有第九条"),
    ("《校核示例条例》第三条,县级,,甲,,", "条文", "有 2 款"),
    ("《校核示例条例》第二条、第三条第一款,县级,,甲,,", "条文", "只引一个"),
    ("《校核示例条例》第二条,区级,,甲,,", "层级", "未知的层级"),
    ("《校核示例条例》第二条,县级,县级人民政府,甲,,", "依据短语", "不在该款项原文中"),
    ("《校核示例条例》第二条,无,示例机构,甲,,", "依据短语", "不应有依据短语"),
    ("《校核示例条例》第二条,县级,,,,", "校核人", "缺少校核人"),
    ("《校核示例条例》第二条,县级,,甲,2020/1/1,", "校核日期", "不是 YYYY-MM-DD"),
])
def test_a_bad_row_names_its_column_and_nothing_is_stored(mini, row, column, says):
    store, folder = mini
    quads = _quads(store)
    path = _write(folder, "bad.csv", "《校核示例条例》第三条第二款,无,,甲,,\n" + row + "\n")
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("bad.csv", 3, column)
    assert says in problem.reason_zh and problem.reason_en
    assert _quads(store) == quads


def test_the_same_unit_twice_in_one_list(mini):
    store, folder = mini
    path = _write(folder, "twice.csv", "《校核示例条例》第二条,县级,,甲,,\n《校核示例条例》第二条第一款,县级,,乙,,\n")
    with pytest.raises(LoadRejected) as err:
        load_list(store, path)
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "条文")]


def test_an_unknown_header_is_refused(mini):
    store, folder = mini
    path = folder / "odd.csv"
    path.write_text("条文,层级\n《校核示例条例》第二条,县级\n", encoding="utf-8")
    with pytest.raises(TableError):
        load_list(store, path)


def test_lists_may_agree_but_not_disagree(mini):
    store, folder = mini
    load_list(store, _write(folder, "first.csv", "《校核示例条例》第二条,市级,,甲,2026-11-01,\n"))
    load_list(store, _write(folder, "same.csv", "《校核示例条例》第二条,市级,,乙,2026-11-02,\n"))
    load_list(store, _write(folder, "third.csv", "《校核示例条例》第二条,市级,,丙,2026-11-03,\n"))
    with pytest.raises(LoadRejected) as err:
        load_list(store, _write(folder, "other.csv", "《校核示例条例》第二条,县级,,丁,,\n"))
    [problem] = err.value.problems
    assert "市级" in problem.reason_zh and "municipal" in problem.reason_en
    # Three agreeing reviews: one blocking entry, every reviewer named, the latest date.
    [entry] = [b for a in blockers(store, "县级") if a["code"] == "37SL-XK-9001" for b in a["blocking"]]
    assert (entry["level"], entry["act"], entry["review"]["by"], entry["review"]["date"]) == (
        "municipal", "校核", "甲、乙、丙", "2026-11-03")
    # Reloading a list replaces its own reviews: no conflict with itself.
    load_list(store, _write(folder, "first.csv", "《校核示例条例》第二条,市级,,甲,2026-11-30,\n"))


def test_a_load_name_is_encoded_once(mini):
    store, folder = mini
    result = load_list(store, _write(folder, "x.csv", "《校核示例条例》第二条,县级,,甲,,\n"), name="校核 表")
    node = store.select("SELECT ?r WHERE { ?u <https://w3id.org/quanze/ns#levelReview> ?r }")[0]["r"]
    assert str(node).endswith("/review_校核%20表") and result.graph.endswith("/load/校核%20表")
    assert unload(store, "校核 表")


def test_a_real_date_is_required_and_a_spreadsheet_date_is_one(mini):
    store, folder = mini
    with pytest.raises(LoadRejected):
        load_list(store, _write(folder, "d.csv", "《校核示例条例》第二条,县级,,甲,2026-13-45,\n"))
    sheet = folder / "d.xlsx"
    write_table(sheet, HEADER.strip().split(","), [["《校核示例条例》第二条", "县级", "", "甲", datetime.date(2026, 11, 30), ""]])
    load_list(store, sheet)
    [row] = store.select("SELECT ?d WHERE { ?r <http://purl.org/dc/terms/date> ?d }")
    assert str(row["d"]) == "2026-11-30"


def test_a_list_with_a_reviewer_column_but_no_provision_is_not_a_review_list(mini):
    store, folder = mini
    path = folder / "items2.csv"
    path.write_text(ITEMS.replace("设定依据\n", "设定依据,Reviewer\n", 1), encoding="utf-8")
    assert read_list(path)[1] == "items"
    # loaded, it is read as an item list: its rows are refused as items are (the mini store's
    # list holds their codes), and with none left, so is the file
    with pytest.raises(LoadRejected) as err:
        load_list(store, path, skip_bad_rows=True)
    assert {p.column for p in err.value.problems if p.severity == "error" and p.row} == {"事项编码"}
    assert any("every row" in p.reason_en for p in err.value.problems)


def test_a_review_list_answers_only_for_the_violations_it_causes(mini):
    """37SL-XK-9002 (县级) already breaks 层级与法定依据不符 on 第二条 (read 省级). A review that
    corrects the reading to 市级 leaves it breaking the rule in other words — not a finding the list
    causes, so the list loads; one reading 国家级 makes 37SL-XK-9001 (省级) break it too, so that list
    is refused."""
    store, folder = mini
    fine = load_list(store, _write(folder, "fine.csv", "《校核示例条例》第二条,市级,,甲,,\n"), validator=validate_pending)
    assert fine.report.violations == 0
    unload(store, "fine")
    with pytest.raises(LoadRejected) as err:
        load_list(store, _write(folder, "worse.csv", "《校核示例条例》第二条,国家级,,甲,,\n"), validator=validate_pending)
    assert {f.focus_code for f in err.value.report.results} == {"37SL-XK-9001"}


def test_validation_reads_the_reviewed_level(mini):
    """The item is exercised at 县级 on a paragraph the extractor reads as 省级: 层级与法定依据不符.
    Reviewed as 县级, the violation is gone, and pyshacl agrees with the fast path."""
    store, folder = mini
    item = "https://w3id.org/quanze/id/item/37SL-XK-9002"
    assert LEVEL_SHAPE in {f.shape for f in validate(store, [item]).results}
    load_list(store, _write(folder, "ok.csv", "《校核示例条例》第二条,县级,,甲,,\n"))
    for engine in ("fast", "pyshacl"):
        assert LEVEL_SHAPE not in {f.shape for f in validate(store, [item], engine=engine).results}


def test_a_review_list_is_validated_before_it_is_stored(mini):
    """Its focus is the reviews and the items relying on the reviewed units."""
    store, folder = mini
    result = load_list(store, _write(folder, "check.csv", "《校核示例条例》第二条,县级,,甲,,\n"),
                       validator=validate_pending)
    assert {"https://w3id.org/quanze/id/item/37SL-XK-9001", "https://w3id.org/quanze/id/item/37SL-XK-9002"} <= set(
        result.focus)
    assert any("/review_" in f for f in result.focus)
    assert result.report.violations == 0


def test_a_review_goes_stale_when_the_text_changes(mini):
    store, folder = mini
    assert {b["level"] for a in blockers(store, "县级") for b in a["blocking"]} == {"provincial"}
    load_list(store, _write(folder, "r.csv", "《校核示例条例》第二条,县级,,甲,,\n"))
    assert [b for a in blockers(store, "县级") for b in a["blocking"]] == []
    # A corrected text of the same version is imported: the review no longer holds.
    import_corpus(store, _law(folder / "laws", MINI.replace("应当经省、自治区", "应当经国务院或者省、自治区")))
    forget_cached(store)
    assert {b["level"] for a in blockers(store, "县级") for b in a["blocking"]} == {"provincial"}
    findings = validate(store, None).results
    stale = [f for f in findings if f.shape == STALE_SHAPE]
    assert len(stale) == 1 and stale[0].severity == "Warning"
    assert stale[0].focus_name == "《校核示例条例》第二条第一款 层级校核（r）"
    page = provision_detail(store, LAW + "校核示例条例/2020-01-01/art_2/par_1")
    assert [(r["current"], r["level_labels"]) for r in page["level_reviews"]] == [(False, ["县级"])]
    assert [a["act"] for a in page["level_assignments"]] != ["校核"]


def test_a_worksheet_round_trips_and_changes_nothing_unedited(reviewed, corpus_store, tmp_path):
    """`quanze laws reviews` writes the blocking paragraphs as a review list pre-filled with the
    readings in force; signed and loaded back unedited, it restates them: the blockers stay the
    same, and the units already reviewed agree with their reviews (no conflict)."""
    _, _, after = reviewed
    rows = review_sheet(corpus_store, list(after.values()))
    units = {(b["instrument"], b["article"], b["paragraph"], b["item"]) for a in after.values() for b in a["blocking"]}
    assert len(rows) == len(units) and {r[-1] for r in rows} == {"已校核（shandong-level-reviews）", "自动识别"}
    assert next(r for r in rows if r[0] == "《工伤保险条例》第十七条第三款")[1:4] == [
        "市级", "由用人单位所在地的设区的市级社会保险行政部门办理", "样例：双人背对背标注、第三人裁决"]
    sheet = tmp_path / "sheet.xlsx"
    write_table(sheet, SHEET_HEADER, [[*r[:3], r[3] or "法规处 审核", *r[4:]] for r in rows])
    result = load_list(corpus_store, sheet)
    forget_cached(corpus_store)
    try:
        assert result.stored_rows == len(rows)
        again = {a["code"]: a for a in blockers(corpus_store, "县级")}
        # (a unit read at one level by two phrases becomes one reviewed level: compare levels, not entries)
        assert {c: (a["status"], {(b["provision"], b["level"]) for b in a["blocking"]}) for c, a in again.items()} == {
            c: (a["status"], {(b["provision"], b["level"]) for b in a["blocking"]}) for c, a in after.items()}
        # and no reading loses its words: the worksheet leaves 依据短语 empty for a unit of several
        # levels, and a level the reviewer confirmed keeps the extractor's phrase (13 → 59 empty before)
        worded = {(b["provision"], b["level"]) for a in after.values() for b in a["blocking"] if b["evidence"]}
        assert worded and worded <= {(b["provision"], b["level"]) for a in again.values() for b in a["blocking"]
                                     if b["evidence"]}
    finally:
        unload(corpus_store, "sheet")
        forget_cached(corpus_store)


def test_the_worksheet_restates_the_reviews_it_finds(mini):
    """A reviewed paragraph's row gives the reviewed reading with every reviewer and the lists that
    hold it; a paragraph no one reviewed gives the extractor's."""
    store, folder = mini
    load_list(store, _write(folder, "一.csv", "《校核示例条例》第二条,市级,设立示例机构,甲,2026-11-01,先读\n"))
    load_list(store, _write(folder, "二.csv", "《校核示例条例》第二条,市级,,乙,2026-11-02,再读\n"))
    [row] = review_sheet(store, blockers(store, "县级", all_items=True))
    assert row[:6] == ["《校核示例条例》第二条第一款", "市级", "设立示例机构", "甲、乙", "2026-11-02", "先读；再读"]
    # 37SL-XK-9002 is exercised at the county: the paragraph blocks nothing of it
    assert row[-1] == "已校核（一、二）" and row[-2] == "37SL-XK-9001"
    unload(store, "一")
    unload(store, "二")
    [row] = review_sheet(store, blockers(store, "县级", all_items=True))
    assert row[1:5] == ["省级", "省、自治区、直辖市人民政府示例主管部门批准", "", ""] and row[-1] == "自动识别"


def test_a_unit_may_be_named_by_its_iri(mini):
    """The worksheet names a paragraph of a version no longer current by its IRI (a citation always
    names the current version); the loader takes it, and refuses one that is not a stored unit."""
    store, folder = mini
    unit = LAW + "校核示例条例/2020-01-01/art_2/par_1"
    load_list(store, _write(folder, "iri.csv", f"{unit},县级,,甲,,\n"))
    assert [b for a in blockers(store, "县级") for b in a["blocking"]] == []
    with pytest.raises(LoadRejected) as err:
        load_list(store, _write(folder, "iri2.csv", f"{LAW}校核示例条例/2020-01-01/art_9/par_1,县级,,甲,,\n"))
    assert err.value.problems[0].column == "条文"


def test_worksheet_rows_follow_the_articles_order():
    from quanze.reports import _order

    units = [f"{LAW}x/2020-01-01/{tail}" for tail in ("art_12-1/par_1", "art_12/par_2", "art_2/par_1", "art_12/par_1/pt_3",
                                                       "art_12/par_1")]
    assert [u.rsplit("/2020-01-01/", 1)[1] for u in sorted(units, key=_order)] == [
        "art_2/par_1", "art_12/par_1", "art_12/par_1/pt_3", "art_12/par_2", "art_12-1/par_1"]


def test_reloading_a_list_says_which_readings_it_drops(mini):
    """Loaded again under its name, a list replaces what it held: the readings it no longer has are
    named in a warning (a worksheet saved over the last round's file would lose them silently)."""
    store, folder = mini
    load_list(store, _write(folder, "round.csv", "《校核示例条例》第二条,县级,,甲,,\n《校核示例条例》第三条第二款,无,,甲,,\n"))
    again = load_list(store, _write(folder, "round.csv", "《校核示例条例》第二条,县级,,甲,,\n"))
    [warning] = [p for p in again.problems if p.severity == "warning"]
    assert "《校核示例条例》第三条第二款" in warning.reason_zh and "no longer reviews" in warning.reason_en
    assert warning.file == "round.csv" and warning.row is None
