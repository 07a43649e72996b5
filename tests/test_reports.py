"""The assessments as legal staff read them (quanze.reports): the Markdown report on the real
corpus and sample list, and the flat rows the CSV and XLSX exports hold."""

import pytest

from quanze.devolution import blockers, cited_as
from quanze.reports import CITY_SET_ZH, FLAT_HEADER, flat_rows, to_markdown


@pytest.fixture(scope="module")
def county(corpus_store):
    return blockers(corpus_store, "县级")


def test_markdown_quotes_every_blocking_provision_under_its_department(county):
    text = to_markdown(county, "下放障碍清单（县级）")
    assert text.startswith("# 下放障碍清单（县级）")
    for a in county:
        assert f"## {a['department'] or '（未注明实施主体）'}" in text
        assert f"**{a['code']} {a['name']}**" in text
        for b in a["blocking"]:
            to = "向" if ("向" + b["evidence"]) in b["text"] else ""  # 向…提出申请: the body receives it
            assert f"  - {cited_as(b)}（{b['instrument_type']}，{b['issuer'] or ''}）规定由{b['level_label']}：“{to}{b['evidence']}”" in text
            assert f"    > {b['text']}" in text


def test_markdown_lists_no_blocker_under_an_item_already_at_the_target(corpus_store):
    """An item exercised at the target moves nothing: a provision fixing a level above is no blocker to
    it, and it is not filed under who must amend one (a legal review: 37YG-XK-0007 under 中央层面)."""
    every = blockers(corpus_store, "县级", all_items=True)
    text = to_markdown(every)
    above = {"国家级", "省级", "市级"}
    # exercised at the county too, citing a provision that fixes a level above it (37YG-XK-0007)
    there = [a for a in every if a["status"] == "at_or_below_target"
             and any(set(r["levels"]) & above for r in a["bases_read"])]
    assert there
    for a in there:
        assert a["blocking"] == [] and not a["needs_legal_change"], a["code"]
        heading = text[:text.index(f"**{a['code']} {a['name']}**")].rsplit("### ", 1)[1].split("\n")[0]
        assert heading == "无需修改法律依据", (a["code"], heading)
    rows = {r[0] for r in flat_rows(there)}
    assert rows == {a["code"] for a in there}


def test_markdown_says_what_a_devolvable_answer_rests_on(county):
    """A legal reader checks 可直接下放 against the provisions read, not against silence (a legal review)."""
    text = to_markdown(county)
    free = [a for a in county if a["status"] == "devolvable"]
    assert free
    for a in free:
        entry = text[text.index(f"**{a['code']} {a['name']}**"):]
        line = entry.split("\n")[1]
        assert line.startswith("  - 所读依据条文未规定高于县级的实施层级："), line
        assert [r["citation"] for r in a["bases_read"]] and all(r["citation"] in line for r in a["bases_read"])
        # what it read fixes nothing above the county
        assert not {lv for r in a["bases_read"] for lv in r["levels"]} & {"国家级", "省级", "市级"}, a["code"]


def test_markdown_names_the_provisions_that_allow_entrustment_and_why_not(county):
    text = to_markdown(county)
    shown = 0
    for a in county:
        if not a["blocking"] or a["status"] in ("cancel", "excluded"):  # no path down is offered
            continue
        path = next(x for x in a["alternatives"] if x["path"] == "entrust")
        if path["available"]:
            assert f"委托（{'、'.join(path['basis'])}）" in text
            shown += 1
        elif path["entrustments"]:  # allowed only above the target: the note says so, with the words
            assert f"  - 委托：{path['note']}" in text
            for e in path["entrustments"]:
                assert f"    > {cited_as(e)}：“{e['evidence']}”" in text
            shown += 1
    assert shown  # the sample has both kinds (测绘地理信息条例; 种子法 第三十一条)


def test_flat_rows_one_per_blocking_provision(county):
    rows = flat_rows(county)
    assert len(rows) == sum(max(1, len(a["blocking"])) for a in county)
    assert {len(r) for r in rows} == {len(FLAT_HEADER)}
    evidence = {r[FLAT_HEADER.index("依据原文（证据）")] for r in rows}
    assert {b["evidence"] for a in county for b in a["blocking"]} <= evidence
    # a paragraph fixing two levels is two rows, told apart by the level: no two rows are the same
    assert len({tuple(r) for r in rows}) == len(rows)
    level = FLAT_HEADER.index("规定层级")
    assert [r[level] for r in rows if r[FLAT_HEADER.index("法律文件")]] == [
        b["level_label"] for a in county for b in a["blocking"]]


def test_flat_rows_say_whether_the_law_allows_entrustment(county):
    # 委托: 可 with the provisions that allow it, 否 with why not, empty for an item with nothing blocking
    # or nothing to move down (to be cancelled, or excluded).
    column = FLAT_HEADER.index("委托")
    by_code: dict[str, set[str]] = {}
    for row in flat_rows(county):
        by_code.setdefault(row[0], set()).add(row[column])
    cells = {code: cell.pop() for code, cell in by_code.items() if len(cell) == 1}
    assert len(cells) == len(by_code)  # one answer per item, on each of its rows
    for a in county:
        path = next((x for x in a["alternatives"] if x["path"] == "entrust"), None)
        if not a["blocking"] or a["status"] in ("cancel", "excluded"):  # nothing to move down
            assert cells[a["code"]] == "" and (path is None or not a["blocking"])
        elif path["available"]:
            assert cells[a["code"]] == "可：" + "、".join(path["basis"]) and path["basis"]
        else:
            assert cells[a["code"]] == "否：" + path["note"]
    assert any(c.startswith("可：") for c in cells.values()) and any(c.startswith("否：") for c in cells.values())


def test_a_licence_a_city_set_is_filed_under_the_city_that_must_repeal_it(county):
    """A legal review found the 济南 licences set only by the city's own regulation filed under
    “无需修改法律依据”: cancelling them takes the city amending or repealing the provision that set
    them. The Markdown files them under the city's heading and says why; the flat export names the
    city in 修改主体."""
    city_set = [a for a in county if a["city_set_licence"]]
    assert city_set
    text = to_markdown(county)
    for a in city_set:
        entry = text.index(f"**{a['code']} {a['name']}**")
        heading = text.rindex("### ", 0, entry)
        assert text.startswith("### 市级层面：由设区的市修改或废止", heading), a["code"]
        assert f"  - {CITY_SET_ZH}" in text[entry:text.find("\n- **", entry + 1)], a["code"]
        assert "窗口前移" not in text[entry:text.find("\n- **", entry + 1)]  # to be cancelled, not moved down
    amend, code = FLAT_HEADER.index("修改主体"), FLAT_HEADER.index("事项编码")
    rows = flat_rows(city_set)
    assert {r[code] for r in rows} == {a["code"] for a in city_set}
    assert all(r[amend] == "市级层面：由设区的市修改或废止" for r in rows)


def test_a_review_without_a_phrase_is_not_quoted(county):
    """A level review may name no 依据短语: the Markdown printed its reading as an empty quotation
    (规定由省级：“（校核：…）”). It now says who reviewed it and that no phrase was given."""
    a = next(a for a in county if a["status"] == "needs_legal_change")
    b = dict(a["blocking"][0], evidence="", review={"by": "张三", "date": "2026-11-30"})
    text = to_markdown([dict(a, blocking=[b])])
    assert f"规定由{b['level_label']}（校核：张三，2026-11-30，未注明依据短语）" in text
    assert "：“" not in text.split(cited_as(b), 1)[1].split("\n", 1)[0]
