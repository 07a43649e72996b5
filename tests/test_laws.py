"""The corpus as a graph, on the real corpus and on small synthetic texts."""

from pathlib import Path

import pytest

from quanze.laws import LAWS_GRAPH, WARNING_KINDS, build_graph, import_corpus
from quanze.provision import ParseError, parse
from quanze.store import EmbeddedStore

Q = "PREFIX qz: <https://w3id.org/quanze/ns#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "


def test_whole_corpus_is_in_the_graph(corpus_store, laws_dir):
    n = corpus_store.select(Q + "SELECT (COUNT(?a) AS ?n) WHERE { ?a a qz:Article }")[0]["n"]
    assert n > 70_000
    # 药品管理法 第四十一条第一款: the exact text, in the right place.
    rows = corpus_store.select(Q + """SELECT ?text ?current WHERE {
        ?v eli:title "中华人民共和国药品管理法" ; qz:current ?current .
        ?p eli:is_part_of ?a ; qz:ordinal 1 ; qz:text ?text . ?a qz:instrument ?v ; qz:ordinal 41 .
        FILTER(?current) }""")
    raw = (laws_dir / "行政法" / "药品管理法(2019-08-26).md").read_text(encoding="utf-8")
    line = next(ln for ln in raw.splitlines() if ln.startswith("第四十一条 "))
    assert rows and rows[0]["text"] == line.removeprefix("第四十一条 ").strip()


def test_each_part_of_the_civil_code_names_its_own_file(corpus_store, laws_dir):
    """民法典 is one instrument filed as eight parts: each 编 records the file it was read from."""
    rows = corpus_store.select(Q + """SELECT ?title ?path WHERE {
        ?part a qz:Part ; eli:is_part_of ?v ; eli:title ?title ; qz:sourcePath ?path .
        ?v eli:title "中华人民共和国民法典" }""")
    manifest = [line.split(",")[0] for line in (laws_dir / "manifest.csv").read_text(encoding="utf-8").splitlines()]
    assert sorted(str(r["path"]) for r in rows) == sorted(p for p in manifest if p.startswith("民法典/"))
    assert all(str(r["path"]).removeprefix("民法典/").removesuffix(".md") in str(r["title"]) for r in rows)


def test_exactly_one_current_version_per_instrument(corpus_store):
    rows = corpus_store.select(Q + """SELECT ?w (SUM(IF(?c, 1, 0)) AS ?n) WHERE {
        ?v qz:versionOf ?w ; qz:current ?c } GROUP BY ?w HAVING (SUM(IF(?c, 1, 0)) != 1)""")
    assert rows == []
    several = corpus_store.select(Q + """SELECT ?w WHERE { ?v qz:versionOf ?w ; qz:previousVersion ?p } LIMIT 1""")
    assert several  # some instruments have several versions, linked


def test_level_assignment_recorded_with_evidence(corpus_store):
    rows = corpus_store.select(Q + """SELECT ?level ?evidence WHERE {
        ?v eli:title "中华人民共和国药品管理法" ; qz:current true .
        ?a qz:instrument ?v ; qz:ordinal 41 . ?p eli:is_part_of ?a ; qz:ordinal 1 ; qz:assigns ?x .
        ?x qz:level ?level ; qz:evidence ?evidence }""")
    assert any(r["level"].endswith("/provincial") and "省、自治区、直辖市人民政府药品监督管理部门" in r["evidence"] for r in rows)


def _corpus(tmp_path: Path, files: dict[str, bytes]) -> Path:
    lines = ["path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256"]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        lines.append(f"{name},示例条例,行政法规,national,国务院,2020-01-01,true,有效,x")
    (tmp_path / "manifest.csv").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path


GOOD = "# 示例条例\n\n2020年1月1日 国务院公布\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了示例，制定本条例。\n\n第二条 设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。\n\n县级以上地方人民政府示例主管部门负责本行政区域内的监督检查。\n\n（一）第一项；\n\n（二）第二项。"


def test_entrustment_recorded_with_its_levels(corpus_store):
    # 山东省测绘地理信息条例: 第十一条第一款 (省自然资源主管部门或者其委托的部门) names no level for
    # the entrusted body; 第二十六条第一款 names the city's and the county's departments.
    rows = corpus_store.select(Q + """SELECT ?art ?from ?evidence (GROUP_CONCAT(STR(?to); separator=" ") AS ?tos) WHERE {
        ?v eli:title "山东省测绘地理信息条例" . ?a qz:instrument ?v ; qz:ordinal ?art . FILTER(?art IN (11, 26))
        ?p eli:is_part_of ?a ; qz:ordinal 1 ; qz:providesEntrustment ?e .
        ?e a qz:Entrustment ; qz:entrustingLevel ?from ; qz:evidence ?evidence . OPTIONAL { ?e qz:entrustedLevel ?to }
    } GROUP BY ?art ?from ?evidence ORDER BY ?art""")
    assert [(r["art"], r["from"].rsplit("/", 1)[-1], sorted(t.rsplit("/", 1)[-1] for t in (r["tos"] or "").split())) for r in rows] == [
        (11, "provincial", []), (26, "provincial", ["county", "municipal"])]
    assert rows[0]["evidence"] == "省自然资源主管部门或者其委托的部门"


def test_bad_files_are_reported_and_skipped(tmp_path):
    laws = _corpus(tmp_path, {
        "good.md": GOOD.encode(),
        "notitle.md": "没有标题\n\n第一条 内容。".encode(),
        "dup.md": "# 重复\n\n第一条 甲。\n\n第一条 乙。".encode(),
        "latin1.md": "# 标题\n\n第一条 ".encode() + b"\xff\xfe",
    })
    triples, summary = build_graph(laws)
    reasons = {s.path: s for s in summary.skipped}
    assert set(reasons) == {"notitle.md", "dup.md", "latin1.md"}
    assert reasons["dup.md"].line == 5 and "duplicate article" in reasons["dup.md"].reason_en
    assert "UTF-8" in reasons["latin1.md"].reason_en
    assert summary.articles == 2 and summary.paragraphs == 3 and summary.points == 2


def test_import_twice_gives_the_same_triples(tmp_path):
    laws = _corpus(tmp_path, {"good.md": GOOD.encode()})
    store = EmbeddedStore(None)
    first = import_corpus(store, laws)
    before = store.graph_triples(LAWS_GRAPH)
    second = import_corpus(store, laws)
    assert first.inserted == len(before) and (second.inserted, second.deleted) == (0, 0)
    assert store.graph_triples(LAWS_GRAPH) == before


def test_paragraph_and_item_numbering():
    text = parse(GOOD)
    art = text.articles[1]
    assert [p.number for p in art.paragraphs] == [1, 2]
    assert [pt.number for pt in art.paragraphs[1].points] == [1, 2]
    with pytest.raises(ParseError):
        parse("# t\n\n第二条 甲。\n\n第一条 乙。")


def test_warnings_name_the_file_the_line_and_their_kind(tmp_path):
    """A file kept with a warning is named with the line the warning is about, and the kind of
    warning (which ``quanze laws import`` counts and lists by)."""
    laws = _corpus(tmp_path, {
        "good.md": GOOD.encode(),
        "skips.md": "# 跳号条例\n\n第一条 甲。\n\n第二条 乙。\n\n第四条 丙。\n".encode(),
        "none.md": "# 无条文规定\n\n一、没有按条编号的规定。\n".encode(),
    })
    _, summary = build_graph(laws)
    assert summary.skipped == []
    assert [(w.path, w.line, w.kind) for w in summary.warnings] == [("skips.md", 7, "numbering-skips"),
                                                                    ("none.md", 1, "no-articles")]
    skip = summary.warnings[0]
    assert "第二条 之后是 第四条" in skip.reason_zh and "2 followed by 4" in skip.reason_en
    assert set(WARNING_KINDS) == {w.kind for w in summary.warnings}  # every kind has its label


def test_a_copy_refused_for_its_type_does_not_hide_the_good_copy(tmp_path):
    """Regression: a file refused for an unknown instrument type was recorded as its version's
    copy (and warned about) first, so the good copy of the same law filed after it was skipped as
    its duplicate, and the law was missing from the graph."""
    no_articles = "# 示例决定\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n一、没有按条编号的规定。\n"
    files = {"a/law.md": ("示例条例", "行政法规（误填）", GOOD), "b/law.md": ("示例条例", "行政法规", GOOD),
             "a/decision.md": ("示例决定", "法律（误填）", no_articles), "b/decision.md": ("示例决定", "法律", no_articles)}
    lines = ["path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256"]
    for name, (title, kind, text) in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
        lines.append(f"{name},{title},{kind},national,国务院,2020-01-01,true,有效,x")
    (tmp_path / "manifest.csv").write_text("\n".join(lines), encoding="utf-8")
    _, summary = build_graph(tmp_path)
    assert summary.versions == 2 and summary.articles == 2
    assert [(s.path, s.reason_en) for s in summary.skipped] == [
        ("a/law.md", "unknown instrument type 行政法规（误填）"), ("a/decision.md", "unknown instrument type 法律（误填）")]
    assert [(w.path, w.kind) for w in summary.warnings] == [("b/decision.md", "no-articles")]
