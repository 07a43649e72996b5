"""The plan 《打造精简高效政务生态实施方案》 as data (data/plan.ttl, graph qzid:graph/plan, read
through the store with SPARQL) and ``quanze plan status`` (quanze/plan.py) on dates either side
of its deadlines."""

import json
from datetime import date
from pathlib import Path

import pytest

from quanze.reference import PLAN_GRAPH
from quanze.settings import ROOT

from .conftest import quanze_cli, write_mini_corpus

PREFIXES = """PREFIX qz: <https://w3id.org/quanze/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
FIXTURES = ROOT / "tests" / "fixtures" / "plan"


@pytest.fixture(scope="module")
def store(reference_store):
    return reference_store


def measures(store) -> dict[str, dict]:
    """Every measure of the plan graph: zh label → {slug, description, deadline, rule, parent (its
    zh label), and per property the zh labels (or values) of its objects}."""
    rows = store.select(PREFIXES + f"""SELECT ?m ?label ?p ?o ?olabel WHERE {{
        GRAPH <{PLAN_GRAPH}> {{ ?m a qz:Measure ; skos:prefLabel ?label ; ?p ?o . FILTER(lang(?label) = "zh") }}
        OPTIONAL {{ ?o skos:prefLabel ?olabel . FILTER(lang(?olabel) = "zh") }} }}""")
    out: dict[str, dict] = {}
    for r in rows:
        m = out.setdefault(r["label"], {"slug": r["m"].rsplit("/", 1)[-1], "label": r["label"]})
        prop = r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        m.setdefault(prop, set()).add(r["olabel"] or r["o"])
    return out


def one(store, needle: str) -> dict:
    """The one measure whose zh label contains ``needle``."""
    hits = [m for label, m in measures(store).items() if needle in label]
    assert len(hits) == 1, f"{needle}: {[m['slug'] for m in hits]}"
    return hits[0]


def deadline(store, slug: str) -> str | None:
    rows = store.select(PREFIXES + f"""SELECT ?d WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?m qz:deadline ?d
        FILTER(datatype(?d) = xsd:date && STRENDS(STR(?m), "/{slug}")) }} }}""")
    assert len(rows) <= 1
    return rows[0]["d"] if rows else None


def sub_measures(store, parent: dict) -> dict[str, dict]:
    """zh label → measure, for the measures ``qz:subMeasureOf`` the parent."""
    return {label: m for label, m in measures(store).items() if parent["label"] in m.get("subMeasureOf", ())}


def cities(store) -> dict[str, str]:
    """zh name → code of the cities of Shandong, from the reference graph."""
    rows = store.select(PREFIXES + """SELECT ?name ?code WHERE { ?r a qz:Region ; skos:prefLabel ?name ;
        qz:divisionCode ?code ; qz:level <https://w3id.org/quanze/id/level/municipal> }""")
    return {r["name"]: r["code"] for r in rows}


# --- measures and deadlines ----------------------------------------------------------------------

def test_every_measure_belongs_to_the_plan_and_is_listed(store):
    rows = store.select(PREFIXES + f"""SELECT ?m ?listed WHERE {{ GRAPH <{PLAN_GRAPH}> {{
        ?m a qz:Measure ; dcterms:isPartOf ?plan . ?plan a qz:Plan .
        BIND(EXISTS {{ ?plan qz:measure ?m }} AS ?listed) }} }}""")
    assert len(rows) == len(measures(store)) >= 20
    assert all(r["listed"] for r in rows)


def test_city_licences_cancelled_by_end_of_2020(store):
    m = one(store, "取消市级层面设定的行政许可")
    assert deadline(store, m["slug"]) == "2020-12-31"
    assert m["prescribes"] == {"取消"} and m["scopeSettingLevel"] == {"市级"}
    assert m["scopeItemType"] == {"https://w3id.org/quanze/ns#AdministrativeLicence"}
    assert "2020年12月底前" in next(iter(m["description"]))


def test_city_county_equal_by_end_of_june_2020_in_its_ways(store):
    m = one(store, "市县同权")
    assert deadline(store, m["slug"]) == "2020-06-30"
    assert "2020年6月底前" in next(iter(m["description"]))
    assert (m["sourceLevel"], m["targetLevel"]) == ({"市级"}, {"县级"})
    # 直接下放、服务窗口前移、下放实质性审核权: each way is a sub-measure with its action and the deadline
    ways = sub_measures(store, m)
    assert {"直接下放", "服务窗口前移", "下放实质性审核权"} <= set(ways)
    assert {label: w["prescribes"] for label, w in ways.items() if label in ("直接下放", "服务窗口前移", "下放实质性审核权")} == {
        "直接下放": {"下放"}, "服务窗口前移": {"窗口前移"}, "下放实质性审核权": {"审核转报"}}
    assert m["prescribes"] == {"下放", "窗口前移", "审核转报"}
    for label in ("直接下放", "服务窗口前移", "下放实质性审核权"):
        assert deadline(store, ways[label]["slug"]) == "2020-06-30"
        assert label in next(iter(m["description"]))
    # and related items go with them (一链办理)
    assert any("一链办理" in label for label in ways)


def test_pilot_cities_then_the_other_thirteen_by_end_of_2020(store):
    code = cities(store)
    assert len(code) == 16
    whole = one(store, "全面下放省级权力")
    pilot = one(store, "试点")
    extend = one(store, "其他13个设区的市")
    assert pilot["pilotRegion"] == {"济南市", "青岛市", "烟台市"}
    assert extend["targetRegion"] == set(code) - pilot["pilotRegion"] and len(extend["targetRegion"]) == 13
    assert deadline(store, extend["slug"]) == "2020-12-31" and deadline(store, pilot["slug"]) is None
    assert whole["targetRegion"] == set(code)
    assert {pilot["slug"], extend["slug"]} <= {m["slug"] for m in sub_measures(store, whole).values()}


def test_zone_empowerment_within_a_month_of_the_zone_body(store):
    m = one(store, "精准定向赋权")
    assert deadline(store, m["slug"]) is None  # a rule, not a date
    rule_zh = [r for r in m["deadlineRule"] if "1个月内" in r]
    assert rule_zh and "工作机构设立后" in rule_zh[0]
    assert "中国（山东）自由贸易试验区" in rule_zh[0] and "中国—上合组织地方经贸合作示范区" in rule_zh[0]
    assert any("within one month" in r for r in m["deadlineRule"])  # and in English
    assert {"中国（山东）自由贸易试验区", "青岛西海岸新区"} <= m["targetZone"]
    assert any("上海合作组织" in z for z in m["targetZone"])
    assert m["targetZoneType"] == {"https://w3id.org/quanze/ns#NationalDevelopmentZone"}
    assert m["prescribes"] == {"赋权"}


# --- what the plan keeps back, forbids and requires ------------------------------------------------

def test_four_security_categories_are_excluded(store):
    m = one(store, "全面下放省级权力")
    assert m["excludes"] == {"国家安全", "公共安全", "生态安全", "意识形态安全"}
    text = next(iter(m["description"]))
    assert "除涉及国家安全、公共安全、生态安全和意识形态安全等重大敏感事项外" in text
    every = store.select(PREFIXES + "SELECT ?c WHERE { ?c a qz:SecurityCategory }")
    assert len(every) == len(m["excludes"])  # the plan keeps back every category the lists may name


def test_nine_disguised_approval_forms(store):
    m = one(store, "清理整治变相审批许可")
    forms = ["备案", "登记", "注册", "目录", "年检", "监制", "认定", "认证", "专项计划"]
    assert m["form"] == set(forms)
    assert "以" + "、".join(forms) + "等形式" in next(iter(m["description"]))
    keywords = store.select(PREFIXES + f"""SELECT ?k WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?m qz:form ?f }}
        ?f qz:keyword ?k }}""")
    assert sorted(r["k"] for r in keywords) == sorted(forms)  # each form flags items by its own word
    assert m["scopeHandling"] == {"依申请"}


def test_two_amendment_routes(store):
    m = one(store, "按权限修改或调整适用相关法律文件")
    assert m["routeAuthority"] == {"中央层面", "省级层面"}
    routes = {next(iter(r["routeAuthority"])): label for label, r in sub_measures(store, m).items()}
    assert set(routes) == {"中央层面", "省级层面"}
    assert "提出建议按程序上报" in routes["中央层面"] and "立改废意见" in routes["省级层面"]


def test_entrusting_body_keeps_legal_responsibility(store):
    m = one(store, "委托主体承担法律责任")
    assert m["scopeActionType"] == {"委托"}
    assert "委托主体要承担法律责任" in next(iter(m["description"]))


# --- quanze plan status ----------------------------------------------------------------------------

run = quanze_cli


@pytest.fixture(scope="module")
def plan_store(tmp_path_factory):
    """An on-disk store with the reference data, a one-article law fixing the province and a small
    list (two city licences, one of them devolved to 县级 against that law; a provincial item; a
    provincial item of 公共安全)."""
    tmp = tmp_path_factory.mktemp("plan")
    store = str(tmp / "store")
    assert run("--store", store, "init").exit_code == 0
    assert run("--store", store, "laws", "import", str(write_mini_corpus(tmp / "laws"))).exit_code == 0
    loaded = run("--store", store, "load", str(FIXTURES / "items.csv"), str(FIXTURES / "adjustments.csv"), "--no-validate")
    assert loaded.exit_code == 0, loaded.output
    return store


def status(store: str, as_of: date) -> dict[str, dict]:
    result = run("--store", store, "plan", "status", "--as-of", as_of.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.output
    return {r["slug"]: r for r in json.loads(result.stdout)}


def test_status_turns_overdue_after_each_deadline(plan_store):
    """The fixture's law (示例条例第二条) fixes the province: PLAN-C2's 下放 to 县级 conflicts with it
    and is not done; PLAN-P1 waits for a change of the law rather than being overdue."""
    before = status(plan_store, date(2020, 6, 30))   # the day of 市县同权's deadline: not late yet
    between = status(plan_store, date(2020, 7, 1))
    after = status(plan_store, date(2021, 1, 1))
    equal, extend = "city-county-equal", "extend-to-other-cities"
    # what is due and done does not depend on the date
    for s in (before, between, after):
        assert (s[equal]["due"], s[equal]["done"]) == (2, 0)
        assert [c["code"] for c in s[equal]["conflict_actions"]] == ["PLAN-C2"]
        assert (s[extend]["due"], s[extend]["done"]) == (1, 0)  # the 公共安全 item is kept back
        assert s[extend]["awaiting_legal_change_items"] == ["PLAN-P1"]
        assert s[equal]["deadline"] == "2020-06-30" and s[extend]["deadline"] == "2020-12-31"
    assert all(not r["overdue"] for r in before.values())
    # 市县同权 leaves 窗口前移 and 审核转报 open where the law fixes the level: overdue, not 待修法
    assert (between[equal]["overdue"], between[equal]["overdue_items"]) == (2, ["PLAN-C1", "PLAN-C2"])
    assert between[equal]["awaiting_legal_change"] == 0
    assert between[extend]["overdue"] == 0
    assert (after[extend]["overdue"], after[extend]["awaiting_legal_change"]) == (0, 1)
    # the zone measure's deadline is a rule: whether it is overdue cannot be judged
    assert "1个月内" in after["zone-empowerment"]["deadline"] and after["zone-empowerment"]["overdue"] is None


def test_bad_as_of_date_is_a_clear_error(plan_store):
    result = run("--store", plan_store, "plan", "status", "--as-of", "2020-13-01")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output and "2020-13-01" in result.output and "Traceback" not in result.output


# --- the reviewer's rules, on a synthetic corpus and list ------------------------------------------
# 示例条例 (a 行政法规): 第二条 fixes the province; 第三条 too, but lets it entrust any body (或者其委托的
# 部门); 第四条 names no level. 济南市示例条例 (a city's 地方性法规) sets a licence: to be cancelled.

SYNTHETIC_LAWS = {
    "state.md": ("示例条例", "行政法规", "national", "国务院",
                 "第一条 为了示例，制定本条例。\n\n"
                 "第二条 设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。\n\n"
                 "第三条 设立示例中心，应当向省、自治区、直辖市人民政府示例主管部门或者其委托的部门提出申请。\n\n"
                 "第四条 设立示例场所，应当经示例主管部门批准。\n"),
    "city.md": ("济南市示例条例", "地方性法规", "municipal", "济南市人民代表大会常务委员会",
                "第一条 为了示例，制定本条例。\n\n第二条 设置示例摊点，应当经市示例主管部门批准。\n"),
}
FREE, FIXED, ENTRUSTABLE, CITY_SET = "《示例条例》第四条", "《示例条例》第二条", "《示例条例》第三条", "《济南市示例条例》第二条"
#: code → (行使层级, 设定依据, 安全类别, the adjustment recorded: 调整方式, 承接层级, 承接单位)
SYNTHETIC = {
    "S-C1": ("市级", FREE, "", None),
    "S-C2": ("市级", FREE, "", ("下放", "县级", "县市场监督管理局")),
    "S-C3": ("市级", CITY_SET, "", ("取消", "", "")),
    "S-C4": ("市级", CITY_SET, "", None),
    "S-C5": ("市级", FIXED, "", ("窗口前移", "县级", "县市场监督管理局")),
    "S-C6": ("市级", FIXED, "", ("下放", "县级", "县市场监督管理局")),
    "S-C7": ("市级", FREE, "", ("取消", "", "")),
    "S-P1": ("省级", FREE, "", ("下放", "市级", "各设区的市市场监督管理局")),
    "S-P2": ("省级", FREE, "", ("委托", "市级", "济南市、青岛市、烟台市市场监督管理局")),
    "S-P3": ("省级", FREE, "", ("窗口前移", "市级", "各设区的市市场监督管理局")),
    "S-P4": ("省级", FIXED, "", ("下放", "市级", "各设区的市市场监督管理局")),
    "S-P5": ("省级", FIXED, "", None),
    "S-P6": ("省级", FREE, "公共安全", None),
    "S-P7": ("省级", ENTRUSTABLE, "", ("委托", "市级", "各设区的市市场监督管理局")),
    "S-P8": ("省级", FIXED, "", ("审核转报", "市级", "各设区的市市场监督管理局")),
    "S-Z1": ("省级", FREE, "", ("赋权", "功能区", "中国（山东）自由贸易试验区济南片区管理委员会")),
    "S-Z2": ("省级", FIXED, "", ("赋权", "功能区", "中国（山东）自由贸易试验区青岛片区管理委员会")),
    # exercised at every level already: no measure counts its 下放, which is still said
    "S-M1": ("省级、市级、县级", FIXED, "", ("下放", "市级", "各设区的市市场监督管理局")),
}


def write_synthetic(folder: Path) -> tuple[Path, Path, Path]:
    """The corpus folder, the 权责清单 and the 调整事项目录 of :data:`SYNTHETIC`."""
    laws = folder / "laws"
    laws.mkdir(parents=True)
    manifest = ["path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256"]
    for name, (title, kind, level, issuer, body) in SYNTHETIC_LAWS.items():
        (laws / name).write_text(f"# {title}\n\n2020年1月1日 {issuer}公布\n\n<!-- INFO END -->\n\n{body}", encoding="utf-8")
        manifest.append(f"{name},{title},{kind},{level},{issuer},2020-01-01,true,有效,x")
    (laws / "manifest.csv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    items = folder / "items.csv"
    items.write_text("事项编码,事项名称,事项类型,实施主体,行使层级,设定依据,关联事项,安全类别,办理方式\n" + "".join(
        f"{code},示例审批{code},行政许可,省市场监督管理局,{lv},{basis},,{sec},依申请\n"
        for code, (lv, basis, sec, _) in SYNTHETIC.items()), encoding="utf-8")
    actions = folder / "actions.csv"
    actions.write_text("事项编码,调整方式,承接层级,承接单位,委托机关,完成时限\n" + "".join(
        f"{code},{kind},{to},{body},{'省市场监督管理局' if kind == '委托' else ''},2020-06-30\n"
        for code, (*_, act) in SYNTHETIC.items() if act for kind, to, body in [act]), encoding="utf-8")
    return laws, items, actions


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan-rules")
    store = str(tmp / "store")
    laws, items, actions = write_synthetic(tmp)
    assert run("--store", store, "init").exit_code == 0
    assert run("--store", store, "laws", "import", str(laws)).exit_code == 0
    loaded = run("--store", store, "load", str(items), str(actions), "--no-validate")
    assert loaded.exit_code == 0, loaded.output
    return store


@pytest.fixture(scope="module")
def synthetic(synthetic_store) -> dict[str, dict]:
    return status(synthetic_store, date(2021, 1, 1))


def conflicts(row: dict) -> dict[str, list[str]]:
    """code → the provisions its conflicting action conflicts with."""
    return {c["code"]: c["provisions"] for c in row["conflict_actions"]}


def test_items_to_be_cancelled_leave_what_is_due_for_devolution(synthetic):
    """e1: a recorded 取消 (S-C3, S-C7) or a licence only a city's regulation sets (S-C4, which the plan
    orders cancelled) is not due for 市县同权, and not overdue for it; it is 取消市级层面设定的行政许可's."""
    equal, cancel = synthetic["city-county-equal"], synthetic["cancel-city-licences"]
    assert equal["due"] == 4  # S-C1, S-C2, S-C5, S-C6
    assert not {"S-C3", "S-C4", "S-C7"} & set(equal["overdue_items"] + equal["done_items"])
    assert (cancel["due"], cancel["done_items"], cancel["overdue_items"]) == (2, ["S-C3"], ["S-C4"])


def test_city_county_equal_is_done_in_the_ways_the_plan_names(synthetic):
    """二（三） names 直接下放、服务窗口前移、下放实质性审核权: a 窗口前移 to the county does 市县同权 (S-C5),
    a 下放 below the level the law fixes does not (S-C6) — and the window stays open, so S-C6 is
    overdue, not waiting for the law."""
    equal = synthetic["city-county-equal"]
    assert equal["done"] == 2 and equal["done_items"] == ["S-C2", "S-C5"]
    assert conflicts(equal) == {"S-C6": [FIXED + "第一款"]}
    assert equal["overdue_items"] == ["S-C1", "S-C6"] and equal["awaiting_legal_change"] == 0


def test_devolution_to_the_cities_is_done_only_by_devolution_reaching_them(synthetic):
    """e2: a 委托 to the 3 pilot cities (S-P2) does the pilot but not the other 13; 窗口前移 (S-P3) and
    审核转报 (S-P8) leave the decision with the province and do neither; a 下放 to every city (S-P1) and
    a 委托 the blocking provision allows (S-P7, 或者其委托的部门) do all three measures."""
    whole, pilot, extend = (synthetic[s] for s in ("devolve-provincial-powers", "pilot-cities", "extend-to-other-cities"))
    assert extend["done"] == whole["done"] == 2 and pilot["done"] == 3
    assert extend["done_items"] == whole["done_items"] == ["S-P1", "S-P7"]
    assert pilot["done_items"] == ["S-P1", "S-P2", "S-P7"]
    assert {"S-P2", "S-P3"} <= set(extend["overdue_items"])
    assert "S-P8" in extend["awaiting_legal_change_items"]


def test_an_action_against_a_blocking_provision_is_a_conflict_not_done(synthetic):
    """e2, e4: a 下放 (S-P4) or a 赋权 (S-Z2) below the level 示例条例第二条 fixes is 调整与法定依据冲突."""
    extend, zone = synthetic["extend-to-other-cities"], synthetic["zone-empowerment"]
    assert zone["done"] == 1
    assert conflicts(extend) == {"S-P4": [FIXED + "第一款"]} and extend["conflicts"] == 1
    assert "S-P4" not in extend["done_items"]
    note = extend["conflict_actions"][0]["note"]
    assert note.startswith("下放至市级与法定依据冲突") and "规定由省级行使" in note
    assert conflicts(zone) == {"S-Z2": [FIXED + "第一款"]}
    assert zone["done_items"] == ["S-Z1"]


def test_an_action_no_measure_counts_is_listed_apart(synthetic_store, synthetic):
    """A 下放 of an item the cities and counties exercise already is not done, due or overdue for any measure,
    and is listed with the measures that do not count it; no conflict is claimed for a share of
    the power the action does not move."""
    for slug in ("devolve-provincial-powers", "pilot-cities", "extend-to-other-cities"):
        row = synthetic[slug]
        assert "S-M1" not in row["done_items"] + row["overdue_items"] + row["awaiting_legal_change_items"]
        assert [(o["code"], o["action"], o["conflict"]) for o in row["outside_scope_actions"]] == [("S-M1", "devolve", None)]
    assert not synthetic["city-county-equal"]["outside_scope_actions"]
    table = run("--store", synthetic_store, "plan", "status", "--as-of", "2021-01-01")
    listed = table.stdout[table.stdout.index("不计入措施"):]
    assert listed.count("示例审批S-M1") == 1 and "全面下放省级权力" in listed


def test_awaiting_legal_change_is_reported_apart_from_overdue(synthetic_store, synthetic):
    """e2: what the law keeps at the province, with no lawful 委托, is 待修法, not 逾期."""
    extend = synthetic["extend-to-other-cities"]
    assert extend["overdue_items"] == ["S-P2", "S-P3", "S-Z1"]
    assert extend["awaiting_legal_change_items"] == ["S-P4", "S-P5", "S-P8", "S-Z2"]
    assert extend["due"] == extend["done"] + extend["awaiting_legal_change"] + extend["overdue"] == 9
    # before the deadline nothing is overdue, and what waits for the law waits all the same
    early = status(synthetic_store, date(2020, 12, 31))["extend-to-other-cities"]
    assert early["overdue"] == 0 and early["awaiting_legal_change"] == 4


def test_a_deadline_that_is_a_rule_cannot_be_judged(synthetic_store, synthetic):
    """e4: 精准定向赋权's deadline is 工作机构设立后1个月内: its 逾期 is 无法判定, not 0."""
    from quanze.plan import overdue_cell

    zone = synthetic["zone-empowerment"]
    assert zone["overdue"] is None and zone["due"] is None and zone["deadline_kind"] == "rule"
    table = run("--store", synthetic_store, "plan", "status", "--as-of", "2021-01-01")
    assert table.exit_code == 0, table.output
    assert overdue_cell(zone) == "无法判定 / cannot be judged"
    assert table.stdout.count("无法判定") == 1  # the one measure whose deadline is a rule
    assert "调整与法定依据冲突" in table.stdout and table.stdout.count("S-P4 ") == 1  # once, for three measures


def test_the_cities_a_receiving_body_covers():
    from quanze.plan import reached_cities

    names = {"r/370100": "济南市", "r/370200": "青岛市", "r/370600": "烟台市", "r/370300": "淄博市"}
    assert reached_cities({"to_body": "济南市、青岛市、烟台市市场监督管理局"}, names) == {"r/370100", "r/370200", "r/370600"}
    assert reached_cities({"to_body": "各设区的市水利局"}, names) == set(names)
    assert reached_cities({"to_body": "市市场监督管理局"}, names) == set(names)
    assert reached_cities({"to_body": None}, names) == set(names)
    assert reached_cities({"to_body": "各沿海设区的市自然资源和规划局"}, names) is None  # which cities: not said


# --- the reviewer's figures, on the sample lists ----------------------------------------------------

@pytest.fixture(scope="module")
def sample(corpus_store) -> dict[str, dict]:
    from quanze.plan import status as plan_status

    return {r["slug"]: r for r in plan_status(corpus_store, date(2021, 1, 1))}


CANCELLED = ["3701CG-XK-0001", "3701CG-XK-0002", "3701CG-XK-0003", "3701GX-XK-0001", "3701ST-XK-0001", "3703SL-XK-0001"]


def test_sample_cancelled_city_licences_are_not_overdue_for_counties(sample):
    equal, cancel = sample["city-county-equal"], sample["cancel-city-licences"]
    assert not set(CANCELLED) & set(equal["overdue_items"])
    assert equal["due"] == 12 and cancel["done_items"] == CANCELLED


def test_sample_devolution_to_the_other_cities(sample):
    extend, pilot = sample["extend-to-other-cities"], sample["pilot-cities"]
    # the 委托 of 37YJ-XK-0011 reaches only the pilot cities; 窗口前移 and 审核转报 are no devolution
    interim = {"37JT-XK-0010", "37MZ-XK-0001", "37ZR-XK-0008", "37ZR-XK-0011"}
    assert extend["done"] == 2  # of the 10 it used to count
    assert not ({"37YJ-XK-0011"} | interim) & set(extend["done_items"])
    assert extend["done_items"] == ["37WL-XK-0001", "37ZR-XK-0009"]
    assert "37YJ-XK-0011" not in conflicts(extend) and "37YJ-XK-0011" in conflicts(pilot)
    # 工业产品生产许可证管理条例第十一条 fixes the province: the 下放 conflicts with it
    assert "《中华人民共和国工业产品生产许可证管理条例》第十一条第一款" in conflicts(extend)["37SJ-XK-0001"]
    waiting, late = set(extend["awaiting_legal_change_items"]), set(extend["overdue_items"])
    assert "37SJ-XK-0001" in waiting and interim <= waiting and not waiting & late
    assert extend["due"] == extend["done"] + len(waiting) + len(late)


def test_sample_zone_empowerment(sample, corpus_store):
    zone = sample["zone-empowerment"]
    assert zone["overdue"] is None and zone["deadline_kind"] == "rule"
    # five 赋权 are recorded; 37RS-XK-0004 (人社) is no economic management power: not the measure's
    assert zone["done"] == 4 - zone["conflicts"] < 3
    against = conflicts(zone)
    assert any("医疗器械监督管理条例" in p for p in against["37YJ-XK-0008"])  # 行政法规
    outside = {o["code"]: o for o in zone["outside_scope_actions"]}
    assert list(outside) == ["37RS-XK-0004"] and "37RS-XK-0004" not in against
    # its conflict with 中外合作办学条例 (行政法规) is still said
    assert any("中外合作办学条例" in p for p in outside["37RS-XK-0004"]["conflict"]["provisions"])
    # the same reading as blockers --to 功能区
    from quanze.devolution import Analysis, gather

    facts = gather(corpus_store)
    zone_analysis = Analysis(facts, "功能区")
    status = {it["code"]: zone_analysis.assess(i)["status"] for i, it in facts.items.items()}
    recorded = set(zone["done_items"]) | set(against) | set(outside)
    assert {c for c in recorded if status[c] == "outside_zone_scope"} == set(outside)
