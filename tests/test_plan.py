"""The plan 《打造精简高效政务生态实施方案》 as data (data/plan.ttl, graph qzid:graph/plan, read
through the store with SPARQL) and ``quanze plan status`` (quanze/plan.py) on dates either side
of its deadlines."""

import json
from datetime import date

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
    """An on-disk store with the reference data, a one-article law and a small list (two city
    licences, one of them devolved to 县级; a provincial item; a provincial item of 公共安全)."""
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
    before = status(plan_store, date(2020, 6, 30))   # the day of 市县同权's deadline: not late yet
    between = status(plan_store, date(2020, 7, 1))
    after = status(plan_store, date(2021, 1, 1))
    equal, extend = "city-county-equal", "extend-to-other-cities"
    # what is due and done does not depend on the date
    for s in (before, between, after):
        assert (s[equal]["due"], s[equal]["done"]) == (2, 1)
        assert (s[extend]["due"], s[extend]["done"]) == (1, 0)  # the 公共安全 item is kept back
        assert s[equal]["deadline"] == "2020-06-30" and s[extend]["deadline"] == "2020-12-31"
    assert all(r["overdue"] == 0 for r in before.values())
    assert (between[equal]["overdue"], between[equal]["overdue_items"]) == (1, ["PLAN-C1"])
    assert between[extend]["overdue"] == 0
    assert (after[extend]["overdue"], after[extend]["overdue_items"]) == (1, ["PLAN-P1"])
    assert after[equal]["overdue"] == 1
    # the zone measure's deadline is a rule: never overdue by date
    assert "1个月内" in after["zone-empowerment"]["deadline"] and after["zone-empowerment"]["overdue"] == 0



def test_bad_as_of_date_is_a_clear_error(plan_store):
    result = run("--store", plan_store, "plan", "status", "--as-of", "2020-13-01")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output and "2020-13-01" in result.output and "Traceback" not in result.output
