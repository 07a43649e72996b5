"""The core question on real data: the sample list against the real corpus."""

import json
import re

import jsonschema
import pytest

from quanze.devolution import STATUSES, WholeInstrument, blockers, chain, cited_as, impact
from quanze.settings import ROOT
from quanze.store import RemoteStore

from .conftest import loaded_oxigraph


@pytest.fixture(scope="module")
def county(corpus_store):
    return {a["code"]: a for a in blockers(corpus_store, "县级", all_items=True)}


def test_json_contract_matches_the_schema(corpus_store):
    schema = json.loads((ROOT / "docs" / "blockers.schema.json").read_text(encoding="utf-8"))
    for to in ("市级", "county", "zone"):
        jsonschema.validate(blockers(corpus_store, to, all_items=True), schema)


def test_only_items_exercised_above_the_target_are_assessed(corpus_store, county):
    # The sample has items exercised only at 县级, some of them sensitive or citing a paragraph
    # that names a higher level: none has anything to move, so each is at or below the target
    # (unless to be cancelled), and none is reported for 县级 unless --all asks for every item;
    # all the others are, unless at or below.
    above = {c for c, a in county.items() if set(a["levels"]) - {"县级", "乡镇级"}}
    below = set(county) - above
    assert any(county[c]["sensitive"] for c in below)
    assert any(set(r["levels"]) & {"国家级", "省级", "市级"} for c in below for r in county[c]["bases_read"])
    assert {county[c]["status"] for c in below} <= {"at_or_below_target", "cancel"}
    # what a basis fixes above blocks nothing that is already at the target (a legal review)
    assert not any(county[c]["needs_legal_change"] or county[c]["blocking"] for c in below
                   if county[c]["status"] == "at_or_below_target")
    reported = {a["code"] for a in blockers(corpus_store, "县级")}
    assert reported == {c for c in above if county[c]["status"] != "at_or_below_target"}
    # the scope changes which items are reported, never an item's assessment
    for a in blockers(corpus_store, "县级"):
        assert a == county[a["code"]]


def test_every_blocking_entry_quotes_its_paragraph(county):
    entries = [b for a in county.values() for b in a["blocking"]]
    assert entries
    for b in entries:
        assert b["evidence"] in b["text"]  # the evidence phrase is the paragraph's own words


def test_statuses_follow_the_order(county):
    for a in county.values():
        assert a["status"] in STATUSES
        cancelled = a["city_set_licence"] or any(x["type"] == "cancel" for x in a["actions"])
        if not set(a["levels"]) - {"县级", "乡镇级"} and not cancelled:
            assert a["status"] == "at_or_below_target"  # nothing to move
        elif a["sensitive"]:
            assert a["status"] == "excluded"
        elif a["city_set_licence"]:
            assert a["status"] == "cancel"
        elif a["needs_legal_change"]:
            assert a["status"] == "needs_legal_change"


def test_provincial_basis_blocks_county_but_county_and_above_does_not(county):
    # An item citing 药品管理法 第四十一条第一款 (省…药品监督管理部门批准) is blocked for 县级,
    # with the central route; an item whose bases all say 县级以上 is not blocked.
    drug = [a for a in county.values() if any(b["instrument"] == "中华人民共和国药品管理法" and b["article"] == "第四十一条"
                                             for b in a["blocking"])]
    assert drug and all(b["authority"] == "central" for a in drug for b in a["blocking"]
                        if b["instrument"] == "中华人民共和国药品管理法")
    free = [a for a in county.values() if not a["blocking"]]
    assert free and all(not a["needs_legal_change"] for a in free)


def test_shandong_regulation_is_provincial_route(county):
    prov = [b for a in county.values() for b in a["blocking"] if b["instrument"].startswith("山东省")]
    # but a national body named in it is the centre's (test_a_national_competence_restated_locally…)
    assert prov and {b["authority"] for b in prov if b["level"] != "national"} == {"provincial"}


def test_city_set_licences_are_cancelled(county):
    city = [a for a in county.values() if a["city_set_licence"]]
    assert city and all(a["type"] == "行政许可" and a["status"] == "cancel" for a in city)


def test_a_city_set_licence_names_what_the_city_must_amend_and_who(county):
    """Found by a second legal review: the report said 由该市修改或废止 and named no article. Each
    city-set licence now names its provisions (as cited, resolving to the store's), their
    instrument's type and issuer, and the Markdown says who amends them and, for a city's
    地方性法规, that the province's standing committee approves (立法法第八十一条)."""
    from quanze.reports import to_markdown

    city_set = [a for a in county.values() if a["city_set_licence"]]
    assert city_set and all(a.get("city_set_bases") for a in city_set)
    assert not any("city_set_bases" in a for a in county.values() if not a["city_set_licence"])
    for a in city_set:
        for c in a["city_set_bases"]:
            assert c["citation"].startswith("《") and c["issuer"] and c["provision"].startswith("https://w3id.org/quanze/id/law/")
            assert "市" in c["issuer"]
    md = to_markdown(list(county.values()), "县级")
    first = city_set[0]["city_set_bases"][0]
    assert f"设定依据：{first['citation']}（{first['instrument_type']}，{first['issuer']}）：由{first['issuer']}修改或废止" in md
    assert "《中华人民共和国立法法》第八十一条" in md


def test_chain_blocked_names_its_blocker(county):
    blocked = [a for a in county.values() if a["status"] == "chain_blocked"]
    assert blocked
    for a in blocked:
        assert a["chain_blocked_by"] and not a["needs_legal_change"]
        assert all(county[c]["status"] in ("needs_legal_change", "excluded") for c in a["chain_blocked_by"])


def test_an_item_that_is_a_filing_notice_publication_or_reappraisal_is_held_where_the_law_puts_that_body(corpus_store, county):
    """A legal review: 11 of 17 items called devolvable were filings, notices and publications the law
    gives a higher body. The level of the body that receives the filing (notice…) blocks such an item,
    quoted and marked ``by_role``; the rulebook's assignments stay as they were for every other item."""
    city = {a["code"]: a for a in blockers(corpus_store, "市级", all_items=True)}
    expected = {  # code → (instrument, article, level) of its role blocker, from the law texts
        "37NY-QT-0001": ("兽药管理条例", "第八条", "provincial"),  # 新兽药临床试验备案: 向…省…部门备案
        "37SJ-FW-0001": ("中华人民共和国特种设备安全法", "第六十八条", "provincial"),  # 总体状况公布
        "37ST-FW-0001": ("山东省大气污染防治条例", "第二十二条", "provincial"),  # 由省…部门定期向社会公布
        "37WJ-QR-0003": ("中华人民共和国职业病防治法", "第五十二条", "provincial"),  # 向省…申请再鉴定
        "37RS-QR-0003": ("工伤保险条例", "第二十六条", "provincial"),  # 向省…提出再次鉴定申请
    }
    for code, (instrument, article, level) in expected.items():
        a = city[code]
        assert a["status"] == "needs_legal_change", (code, a["status"])
        roles = [(b["instrument"], b["article"], b["level"]) for b in a["blocking"] if b.get("by_role")]
        assert (instrument, article, level) in roles, (code, roles)
        for b in a["blocking"]:
            if b.get("by_role"):
                assert b["evidence"] in b["text"] and b["act"] in ("备案", "告知", "公布", "再鉴定")
    # 一级、二级病原微生物实验室备案 goes to 设区的市级 (病原微生物实验室生物安全管理条例第二十五条): not to the county
    assert county["37WJ-QT-0001"]["status"] == "needs_legal_change" and city["37WJ-QT-0001"]["status"] != "needs_legal_change"
    # no item that is none of these acts gets a role blocker
    for a in (*county.values(), *city.values()):
        if any(b.get("by_role") for b in a["blocking"]):
            assert re.search(r"(备案|告知|公布|公告|再次鉴定|再鉴定|重新鉴定)(（[^）]*）)?$", a["name"]), a["name"]


def test_a_body_named_only_as_the_holders_delegate_does_not_hold_the_power(corpus_store):
    """旅行社条例第七条第一款: 向…省…旅游行政管理部门或者其委托的设区的市级旅游行政管理部门提出申请. The city's
    department acts only as the province entrusts it (a legal review): for the city the licence needs
    the law changed before a 下放, and the 委托 path is open to it; the blocker quotes the entrustment."""
    city = {a["code"]: a for a in blockers(corpus_store, "市级", all_items=True)}
    travel = city["37WL-XK-0001"]
    assert travel["status"] == "needs_legal_change"
    [b] = [b for b in travel["blocking"] if b["instrument"] == "旅行社条例"]
    assert (b["level"], b["entrusted_to"]) == ("provincial", "市级") and "或者其委托的设区的市级" in b["evidence"]
    assert b["evidence"] in b["text"]
    entrust = _entrust(travel)
    assert entrust["available"] and entrust["basis"] == ["《旅行社条例》第七条第一款"]


def test_a_reappraisal_does_not_hold_back_the_first_appraisal(corpus_store):
    """The law puts a re-appraisal (再鉴定) above the first appraisal on purpose; the chain that links them
    does not keep the first one at the province (职业病诊断鉴定 stays with the city)."""
    city = {a["code"]: a for a in blockers(corpus_store, "市级", all_items=True)}
    first, again = city["37WJ-QR-0005"], city["37WJ-QR-0003"]
    assert again["status"] == "needs_legal_change"
    assert again["code"] in {m["code"] for m in first["chain"]}
    assert again["code"] not in first["chain_blocked_by"] and first["status"] != "chain_blocked"


def test_city_target_blocks_less_than_county(corpus_store, county):
    city = {a["code"]: a for a in blockers(corpus_store, "市级", all_items=True)}
    assert sum(a["needs_legal_change"] for a in city.values()) < sum(a["needs_legal_change"] for a in county.values())


def _entrust(assessment: dict) -> dict:
    return next(x for x in assessment["alternatives"] if x["path"] == "entrust")


def _offered(assessment: dict) -> bool:
    """Whether the analysis offers interim paths down: a blocked item neither to be cancelled nor
    excluded."""
    return bool(assessment["blocking"]) and assessment["status"] not in ("cancel", "excluded")


def test_interim_paths_follow_the_plan(county):
    """Found by a legal review of the sample's answers: the plan offers 窗口前移 and 审核转报 for
    行政许可 (“将市级行政许可事项调整由县级实施…办理市级许可事项”), not for a 备案 or a 再鉴定; an
    item to be cancelled or kept up (a security category) is offered no path down; and a recorded
    窗口前移 is told from the generic one (it read 窗口前移、审核转报、窗口前移)."""
    paths = {x["path"] for a in county.values() for x in a["alternatives"]}
    assert {"window_forward", "review_forward", "recorded", "entrust"} <= paths
    licences = [a for a in county.values() if _offered(a) and a["type"] == "行政许可"]
    others = [a for a in county.values() if _offered(a) and a["type"] != "行政许可"]
    assert licences and others
    for a in county.values():
        offered = {x["path"] for x in a["alternatives"]}
        if a["type"] != "行政许可" or not _offered(a):
            assert not offered & {"window_forward", "review_forward"}, a["code"]
        if not _offered(a):
            assert offered <= {"recorded"}, a["code"]
        labels = [x["label"] for x in a["alternatives"]]
        assert len(labels) == len(set(labels)), (a["code"], labels)
        assert all(x["label"].startswith("已记录：") for x in a["alternatives"] if x["path"] == "recorded")
    assert any(a["status"] == "cancel" and a["blocking"] for a in county.values())  # the rule is exercised


def test_window_and_review_forward_are_for_the_county_only(corpus_store, county):
    """Found by a second legal review: the plan offers 窗口前移 and 审核转报 in 市县同权 (二（三）),
    for 市级 licences going to the county (“办理市级许可事项”) — not for a provincial licence; devolving
    provincial powers to the cities (二（二）) and empowering zones (二（四）) name neither."""
    offered = [a for a in county.values() if any(x["path"] == "window_forward" for x in a["alternatives"])]
    assert offered and all("市级" in a["levels"] for a in offered)
    assert any(a["levels"] == ["省级"] and a["type"] == "行政许可" and a["status"] == "needs_legal_change"
               for a in county.values())  # a provincial licence the rule now leaves out
    for to in ("市级", "功能区"):
        for a in blockers(corpus_store, to, all_items=True):
            assert not {x["path"] for x in a["alternatives"]} & {"window_forward", "review_forward"}, (to, a["code"])


def _conflicts(assessments) -> dict[str, list[dict]]:
    return {a["code"]: [x for x in a["alternatives"] if x.get("conflict")] for a in assessments
            if any(x.get("conflict") for x in a["alternatives"])}


def test_a_recorded_adjustment_the_law_does_not_allow_is_a_conflict_not_a_path(corpus_store, county):
    """Found by a second legal review: a recorded 下放 of 37SJ-XK-0001 (工业产品生产许可证管理条例
    第十一条 fixes the provincial level), 赋权 against a provision fixing 省级, and a 委托 no
    provision provides for were listed as 过渡办法. Each is a conflict naming its provisions, and
    the Markdown report says so instead of offering it."""
    from quanze.reports import to_markdown

    city = blockers(corpus_store, "市级", all_items=True)
    found = _conflicts(city)
    kinds = {x["type"] for xs in found.values() for x in xs}
    assert {"devolve", "empower", "entrust"} <= kinds
    # a 委托 none of the cited provisions allows is not proven unlawful (a law the list does not
    # cite may allow it: 山东省测绘地理信息条例第二十条第二款 for 37ZR-XK-0006): said as unverified
    for xs in found.values():
        for x in xs:
            said = "未见委托的法定依据，须核实" if x["type"] == "entrust" else "与法定依据冲突"
            assert x["note"].startswith(said), x
    by_code = {a["code"]: a for a in city}
    for code, xs in found.items():
        a = by_code[code]
        assert a["blocking"], code
        for x in xs:
            assert x["path"] == "recorded" and x["note_en"]
            if x["type"] in ("devolve", "empower"):
                # every provision the note names is one that blocks, fixing a level above the action's
                named = re.findall(r"《[^》]+》第[^、《]+?(?=、|规定由)", x["note"])
                assert named and set(named) <= {cited_as(b) for b in a["blocking"]}
    assert any(x["type"] == "devolve" for x in found.get("37SJ-XK-0001", [])), sorted(found)
    # a recorded 窗口前移 or 审核转报 leaves the decision where the law puts it: never a conflict
    assert not kinds & {"window-forward", "review-forward", "cancel"}
    md = to_markdown(city, "市级")
    block = re.split(r"\n(?:- \*\*|#)", md.split("**37SJ-XK-0001", 1)[1], maxsplit=1)[0]
    assert "（已记录）与法定依据冲突：" in block
    assert not re.search(r"过渡办法：[^\n]*已记录：下放", block)


def test_a_national_competence_restated_locally_is_for_the_centre_to_change(county):
    """Found by a second legal review: 山东省实施《渔业法》办法第二十条第二款第四项 (须经国务院渔业行政主管
    部门批准) was filed under 省级层面：提出立改废意见, though amending the provincial regulation cannot
    move a national competence. A local unit that fixes the national level alone is the centre's;
    one that also fixes the province's own level (山东省文物保护条例第三十七条第二款: 一级文物 to the state,
    the rest to the province) stays the instrument's to amend (a review of that change)."""
    local = {(code, b["provision"]): b for code, a in county.items() for b in a["blocking"]
             if b["instrument_type"] in ("地方性法规", "地方政府规章")}
    levels: dict[str, set[str]] = {}
    for _, b in local.items():
        levels.setdefault(b["provision"], set()).add(b["level"])
    national = {key: b for key, b in local.items() if b["level"] == "national"}
    alone = {key for key, b in national.items() if levels[b["provision"]] == {"national"}}
    assert alone
    for key, b in national.items():
        assert b["authority"] == ("central" if key in alone else authority_of_instrument(b)), key
    assert any(code == "37NY-XK-0015" and b["authority"] == "central" for (code, _), b in national.items())


def authority_of_instrument(b: dict) -> str:
    return "provincial" if b["instrument"].startswith("山东省") else "municipal"


def test_an_entrustment_to_a_kind_of_body_says_which(county):
    """《山东省港口条例》第二十一条第二款 lets the province's department entrust 其委托的质量监督机构:
    a county may take the work only through such a body, not its government or departments, and
    the note says so (a legal review read "允许委托至县级" as any county body)."""
    port = [a for a in county.values() if _offered(a) and any(
        b["instrument"] == "山东省港口条例" and b["article"] == "第二十一条" for b in a["blocking"])]
    assert port
    for a in port:
        path = _entrust(a)
        if path["available"]:
            assert "质量监督机构" in path["note"] and "kind the provision names" in path["note_en"], path


def test_entrust_path_is_open_only_where_a_blocking_provision_provides_for_it(corpus_store, county):
    # 行政许可法第二十四条: entrustment needs a provision that provides for it. Every open 委托
    # path names such provisions, and every entrustment shown quotes its own paragraph.
    from quanze.devolution import query_text
    from quanze.store.base import Iri

    shown = [e for a in county.values() if _offered(a) for e in _entrust(a)["entrustments"]]
    assert shown
    texts = {str(r["unit"]): r["text"] for r in corpus_store.select(
        query_text("provision_text"), {"unit": [Iri(e["provision"]) for e in shown]})}
    for e in shown:
        assert "委托" in e["evidence"] and e["evidence"] in texts[e["provision"]]
    for a in county.values():
        path = _entrust(a) if _offered(a) else None
        if path and path["available"]:
            assert path["basis"] and any(e["reaches_target"] for e in path["entrustments"])


def test_entrust_path_reads_whom_the_provision_lets_be_entrusted(corpus_store, county):
    city = {a["code"]: a for a in blockers(corpus_store, "市级", all_items=True)}
    zone = {a["code"]: a for a in blockers(corpus_store, "功能区", all_items=True)}
    # 测绘地理信息条例 第十一条第一款: 省自然资源主管部门或者其委托的部门 names no level, so any.
    survey = [c for c, a in county.items() if any(b["instrument"] == "山东省测绘地理信息条例" and b["article"] == "第十一条"
                                                  for b in a["blocking"])]
    assert survey
    for code in survey:
        assert _entrust(county[code])["available"] and _entrust(city[code])["available"]
    # 种子法 第三十一条第一款: the State Council department may entrust the province only.
    seeds = next(c for c, a in county.items() if any(b["instrument"] == "中华人民共和国种子法" and b["article"] == "第三十一条"
                                                    and b["paragraph"] == "第一款" for b in a["blocking"]))
    for target in (county, city, zone):
        path = _entrust(target[seeds])
        assert not path["available"] and "省级" in path["note"]
        assert [(e["from_level"], e["to_levels"]) for e in path["entrustments"]] == [("国家级", ["省级"])]
    # 旅行社条例 第七条第一款: the province may entrust a city's department, so not the county.
    travel = next(c for c, a in county.items() if any(b["instrument"] == "旅行社条例" and b["article"] == "第七条"
                                                     for b in a["blocking"]))
    assert not _entrust(county[travel])["available"] and "市级" in _entrust(county[travel])["note"]
    # The same said in English, for integrators and the English pages.
    assert "provincial level, not to county level" in _entrust(county[seeds])["note_en"]
    assert "city level, not to county level" in _entrust(county[travel])["note_en"]


def test_every_alternative_is_labelled_and_explained_in_english(county):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    seen = set()
    for a in county.values():
        for x in a["alternatives"]:
            assert x["label_en"] and (x["path"] == "recorded" or not cjk.search(x["label_en"])), x
            if "note" in x:
                assert x["note_en"] and not cjk.search(x["note_en"]), x
                seen.add(x["note_en"].split(";")[0].split(",")[0])
    assert len(seen) >= 4  # window, review-forward and several 委托 cases


def test_the_word_alone_does_not_open_the_entrust_path(county):
    # Regression: any blocking text containing 委托 opened the path — 工伤保险条例 第二十五条
    # (委托…医疗机构协助进行有关的诊断) and 教师资格条例 第十三条 (未受…委托的高等学校) among them.
    worded = [a for a in county.values() if any("委托" in b["text"] for b in a["blocking"])
              and any(b["instrument"] in ("工伤保险条例", "教师资格条例") for b in a["blocking"])]
    assert worded
    for a in worded:
        if _offered(a) and all(b["instrument"] in ("工伤保险条例", "教师资格条例") for b in a["blocking"]):
            assert not _entrust(a)["available"] and not _entrust(a)["entrustments"]


def test_impact_of_amending_a_provision(corpus_store, county):
    code, a = next((c, a) for c, a in county.items() if a["status"] == "needs_legal_change" and len(
        {b["provision"] for b in a["blocking"]}) == 1)
    rows = impact(corpus_store, a["blocking"][0]["provision"], "县级")
    row = next(r for r in rows if r["code"] == code)
    assert row["status"] == "needs_legal_change" and row["status_if_amended"] != "needs_legal_change"


def test_impact_of_a_whole_instrument_is_refused(corpus_store):
    """An amendment changes an article, paragraph or item: a whole instrument is refused, by the
    library the CLI and /impact both call (they disagreed before)."""
    with pytest.raises(WholeInstrument):
        impact(corpus_store, "https://w3id.org/quanze/id/law/中华人民共和国药品管理法/2019-08-26")
    assert impact(corpus_store, "https://w3id.org/quanze/id/law/中华人民共和国药品管理法/2019-08-26/art_41/par_1")


def test_chain_command_gives_members_assessments(corpus_store, county):
    code = next(c for c, a in county.items() if a["chain"])
    result = chain(corpus_store, code, "县级")
    assert {m["code"] for m in result["chain"]} == {m["code"] for m in county[code]["chain"]}


def test_same_json_on_embedded_and_remote(corpus_store, tmp_path):
    """The .rq queries run unchanged on a real Oxigraph server and give identical answers. (The
    whole store, on a server of its own: see :func:`tests.conftest.loaded_oxigraph`.)"""
    with loaded_oxigraph(tmp_path / "oxigraph", corpus_store.export("nquads")) as base:
        remote = RemoteStore(base + "/query", base + "/update", base + "/store")
        local = blockers(corpus_store, "县级", all_items=True)
        assert json.dumps(blockers(remote, "县级", all_items=True), sort_keys=True, ensure_ascii=False) == \
            json.dumps(local, sort_keys=True, ensure_ascii=False)
        remote.close()


def test_chain_of_an_odd_code_is_not_found_not_an_error(corpus_store):
    """Regression: a code with characters an IRI cannot hold raised ValueError."""
    with pytest.raises(KeyError):
        chain(corpus_store, 'X "<> Y', "县级")


def test_a_chain_member_exercised_nowhere_above_the_target_blocks_no_chain(county):
    """一链办理 moves related powers together: a member already at the county has nothing to move,
    so its security category or its bases block none of its partners — the sample has such members."""
    def above(code: str) -> bool:
        return bool(set(county[code]["levels"]) - {"县级", "乡镇级"})

    quiet = [m for a in county.values() if above(a["code"]) for m in a["chain"]
             if not above(m["code"]) and (m["sensitive"] or m["needs_legal_change"])]
    assert quiet
    for a in county.values():
        assert all(above(code) for code in a["chain_blocked_by"]), a["code"]


# --- the zone target: what the plan gives zones (二（四）) ----------------------------------------------

@pytest.fixture(scope="module")
def zone(corpus_store):
    return {a["code"]: a for a in blockers(corpus_store, "功能区", all_items=True)}


@pytest.fixture
def fresh_zone_scope():
    """:func:`quanze.devolution.zone_scope` caches its answers: a test that changes what it reads
    starts and ends with an empty cache."""
    from quanze.devolution import zone_scope

    zone_scope.cache_clear()
    yield
    zone_scope.cache_clear()


def test_social_matters_and_county_powers_are_outside_the_zone_scope(zone):
    """Found by a legal review of the 功能区 answers: 失业保险金给付, 工伤认定, 医师执业注册 and 校车使用许可
    read 可直接下放, but the plan gives zones “省市两级各项经济管理权限” (二（四）) and the zone laws leave
    social management and public services to the local government; 非机动车登记 is exercised at county
    level only, not a power of the province or a city."""
    for code in ("37RS-JF-0001", "37RS-QR-0001", "37WJ-XK-0003", "37JY-XK-0004", "37GA-QR-0001"):
        a = zone[code]
        assert a["status"] == "outside_zone_scope" and a["status_label"] == "不属于功能区赋权范围", code
        scope = a["zone_scope"]
        assert not scope["within"] and scope["economic"] == "no" and scope["reasons"], code
        assert len(scope["reasons_en"]) == len(scope["reasons"])
        # the reason names the department's classification, the plan and the zone laws
        reason = scope["reasons"][0]
        assert reason.startswith("不属于经济管理权限") and a["department"] in reason and scope["department_function"] in reason
        assert "二（四）" in reason and "《中国（山东）自由贸易试验区条例》第十条" in reason
        assert "economic management" in scope["reasons_en"][0]
        # nothing the zone is not to receive is offered a path down
        assert {x["path"] for x in a["alternatives"]} <= {"recorded"}, code
    county_only = zone["37GA-QR-0001"]["zone_scope"]
    assert county_only["provincial_or_city"] is False
    assert any(r.startswith("不是省市两级的权限：仅由县级行使") for r in county_only["reasons"])
    assert any("not a power of the province or of a city" in r for r in county_only["reasons_en"])
    # an economic item exercised at county level only is outside too, for that reason alone
    county_economic = [a for a in zone.values() if a["zone_scope"]["economic"] == "yes" and a["levels"] == ["县级"]
                       and a["status"] not in ("excluded", "cancel")]
    assert county_economic
    for a in county_economic:
        assert a["status"] == "outside_zone_scope" and len(a["zone_scope"]["reasons"]) == 1, a["code"]


def test_economic_items_are_still_assessed_for_the_zone(zone):
    """Within the scope the law is read as before: some items can be empowered, some wait for the law —
    and can be empowered reads 可赋权（按程序）: a zone receives a power by the government's decision
    (二（四）: “按程序提请同级政府研究后予以公布”), not by devolution."""
    economic = [a for a in zone.values() if a["zone_scope"]["within"] and a["zone_scope"]["economic"] == "yes"]
    statuses = {a["status"] for a in economic}
    assert {"devolvable", "needs_legal_change"} <= statuses and "outside_zone_scope" not in statuses
    assert all(a["status_label"] == "可赋权（按程序）" for a in zone.values() if a["status"] == "devolvable")
    assert zone["37YJ-XK-0001"]["status"] == "needs_legal_change"  # 药品管理法第四十一条 fixes the province
    assert all(a["blocking"] for a in economic if a["status"] == "needs_legal_change")


def test_an_item_whose_department_cannot_be_classified_is_assessed_and_says_so(zone):
    """济南市城市管理局 has no department in the reference data (Shandong has no provincial 城市管理
    department): its items are not dropped from the zone's answer but assessed, with a note; so are the
    items of a department holding both kinds of powers (文化和旅游: tourism and culture)."""
    unknown = [a for a in zone.values() if a["department"] == "济南市城市管理局"]
    assert unknown
    for a in unknown:
        scope = a["zone_scope"]
        assert scope["within"] and scope["economic"] is None and scope["department_function"] is None
        assert "未能对应到参考数据中的部门" in scope["notes"][0] and "仍按功能区评估" in scope["notes"][0]
        assert a["status"] != "outside_zone_scope"
    mixed = [a for a in zone.values() if a["zone_scope"]["economic"] == "mixed"]
    assert any(a["department"] == "省文化和旅游厅" for a in mixed)
    for a in mixed:
        assert any("逐项核定" in n for n in a["zone_scope"]["notes"]), a["code"]
        assert a["zone_scope"]["within"] or a["zone_scope"]["provincial_or_city"] is False, a["code"]


def test_a_chain_member_outside_the_zone_scope_blocks_its_chain(zone):
    """一链办理: a member the zone is not to receive cannot move with the others."""
    blocked = [a for a in zone.values() if a["status"] == "chain_blocked"
               and any(zone[c]["status"] == "outside_zone_scope" for c in a["chain_blocked_by"])]
    assert blocked
    for a in zone.values():
        if a["status"] == "chain_blocked":
            assert all(zone[c]["status"] in ("needs_legal_change", "excluded", "outside_zone_scope")
                       for c in a["chain_blocked_by"]), a["code"]


def test_the_zone_scope_changes_the_zone_answers_only(corpus_store, county, zone, monkeypatch, fresh_zone_scope):
    """Before and after, item by item: the city and county answers do not depend on the zone scope at
    all (the same, byte for byte, with every department read as social management); the zone's differ
    from what it answered before (every item within the scope) only where an item is now outside the
    scope, or its chain is blocked by one that is."""
    from quanze import devolution
    from quanze.reference import Department

    city = blockers(corpus_store, "市级", all_items=True)
    assert not any("zone_scope" in a for a in city + list(county.values()))
    assert {a["status_label"] for a in city + list(county.values()) if a["status"] == "devolvable"} == {"可直接下放"}
    social = Department("某部门", "某部门", "Some department", "某", "no")
    monkeypatch.setattr(devolution, "department_of", lambda written: social)
    devolution.zone_scope.cache_clear()
    assert blockers(corpus_store, "市级", all_items=True) == city
    assert {a["code"]: a for a in blockers(corpus_store, "县级", all_items=True)} == county
    everything = {**devolution.zone_scope("x", frozenset({"municipal"})), "within": True, "reasons": [], "reasons_en": []}
    monkeypatch.setattr(devolution, "zone_scope", lambda department, levels: everything)
    before = {a["code"]: a for a in blockers(corpus_store, "功能区", all_items=True)}
    assert set(before) == set(zone) and "outside_zone_scope" not in {a["status"] for a in before.values()}
    for code, a in zone.items():
        if a["status"] == before[code]["status"]:
            continue
        assert a["status"] == "outside_zone_scope" or (
            a["status"] == "chain_blocked" and any(zone[c]["status"] == "outside_zone_scope" for c in a["chain_blocked_by"])), code
    assert sum(a["status"] != before[c]["status"] for c, a in zone.items()) >= 5


def test_exports_label_the_zone_statuses(zone):
    from quanze.reports import FLAT_HEADER, flat_rows, to_markdown

    assessments = list(zone.values())
    md = to_markdown(assessments, "功能区")
    assert "**可赋权（按程序）**" in md and "**不属于功能区赋权范围**" in md and "可直接下放" not in md
    column = FLAT_HEADER.index("结论")
    labels = {row[column] for row in flat_rows(assessments)}
    assert {"可赋权（按程序）", "不属于功能区赋权范围"} <= labels and "可直接下放" not in labels
