"""The REST API for legal staff, against a live uvicorn server on 127.0.0.1 over the real corpus
and the sample lists (the session's ``corpus_store``), with httpx.

Covers every endpoint on real sample items, pagination and filters, 404s, ``/devolution``
equal to :func:`quanze.devolution.blockers` and valid against ``docs/blockers.schema.json``,
uploads (token, bad rows, failed validation, a good list), injection attempts, schemathesis
over the OpenAPI description, a subset over a RemoteStore on a real Oxigraph server, and
``quanze serve``.
"""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import jsonschema
import pyoxigraph as ox
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, reject
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from quanze import reports
from quanze.devolution import blockers, chain, impact
from quanze.lists import unload
from quanze.settings import ROOT
from quanze.store import EmbeddedStore, RemoteStore, Store
from tests.api_live import TOKEN, live_server, settings
from tests.conftest import cancellation, loaded_oxigraph, write_cancellation

SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"
ADJUSTMENTS = ROOT / "data" / "samples" / "shandong-adjustments.csv"
LAW = "https://w3id.org/quanze/id/law/"
PAR = "中华人民共和国药品管理法/2019-08-26/art_41/par_1"
CITE = "《药品管理法》第四十一条第一款"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEADER = "事项编码,事项名称,子项名称,事项类型,实施主体,行使层级,设定依据,实施依据,关联事项,安全类别,办理方式,受理层级,审批层级,备注"
INJECTIONS = ['") } ; DROP ALL ; #', "<http://x>", "\\u0022", '"', "'", "} UNION { ?s ?p ?o }",
              "'; DELETE WHERE { ?s ?p ?o } ; #", "\x00", "%", "\n", "药品\" || true || \"",
              f"{LAW}x> }} ; DROP ALL ; #", "${jndi:ldap://127.0.0.1/x}"]


def rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def store_state(store: Store) -> list[tuple[str, int]]:
    """Every named graph with its triple count: what "unchanged" is checked against."""
    found = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return sorted((str(r["g"]), int(r["n"] or 0)) for r in found)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def base(corpus_store) -> Iterator[str]:
    """A live server with the write token over the corpus store."""
    with live_server(corpus_store, settings(token=TOKEN, query_timeout=120.0)) as url:
        yield url


@pytest.fixture(scope="module")
def api(base) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=300, headers={"Accept": "application/json"}) as client:
        yield client


# --- health and lists of items -----------------------------------------------------------------

def test_health(api):
    r = api.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["store"] == "ok" and body["backend"] == "memory"
    assert body["graphs"] >= 5 and body["triples"] is None
    assert api.get("/health", params={"triples": "true"}).json()["triples"] > 1_000_000
    # whether writes are open, so a page can say so before anyone tries (the api fixture has a token)
    assert body["writable"] is True
    with live_server(EmbeddedStore(None), settings()) as base:
        assert httpx.get(base + "/health").json()["writable"] is False


def test_health_answers_while_every_query_slot_is_taken(corpus_store):
    """Slow SPARQL queries holding every slot made /health answer 503 busy, and a load balancer
    would call the service dead. /health asks the store itself; what needs a slot still waits."""
    from api.security import Busy

    class Taken:
        async def run(self, fn, timeout=None):
            raise Busy()

    with live_server(corpus_store, settings(), runner=Taken()) as base:
        assert httpx.get(base + "/health").status_code == 200
        assert httpx.get(base + "/items", params={"size": 1}).status_code == 503
        assert httpx.get(base + "/health", params={"triples": "true"}).status_code == 503  # counting is a query


def test_health_data_token_follows_the_data(api, corpus_store, tmp_path):
    """``data`` stays while nothing changes, changes with a load made outside the service (the
    CLI into the same store), is back once it is unloaded, and changes with a write through the
    API, which the pages cannot tell from a load."""
    from quanze.lists import load_list

    token = api.get("/health").json()["data"]
    assert api.get("/health").json()["data"] == token
    actions = write_cancellation(tmp_path / "health-actions.csv", rows()[0]["事项编码"])
    load_list(corpus_store, actions)
    try:
        assert api.get("/health").json()["data"] != token
    finally:
        unload(corpus_store, "health-actions")
    assert api.get("/health").json()["data"] == token
    graph = "https://w3id.org/quanze/id/graph/health-probe"
    put = api.put("/rdf-graphs", params={"graph": graph}, content=b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                  headers={**AUTH, "Content-Type": "application/n-triples"})
    try:
        assert put.status_code in (200, 201, 204), put.text
        assert api.get("/health").json()["data"] != token
    finally:
        corpus_store.write({}, drops=[graph])


@pytest.mark.parametrize("path, params", [("/items", {"size": 3}), ("/health", {}), ("/items/37YJ-XK-0001", {}),
                                          ("/devolution", {"to": "县级", "limit": 2}), ("/sparql", {"query": "ASK {}"})])
def test_head_is_get_without_the_body(api, path, params):
    """RFC 9110: every route taking GET takes HEAD, with the GET's status, type and length."""
    head, get = api.head(path, params=params), api.get(path, params=params)
    assert (head.status_code, head.content) == (get.status_code, b"")
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_a_method_no_route_takes_names_every_method_the_path_takes(api):
    """PUT /loads said Allow: GET, though POST /loads exists: Starlette names the first route's."""
    r = api.put("/loads", headers=AUTH)
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    assert set(api.post("/items").headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_items_are_paginated_in_code_order(api):
    sample = rows()
    first = api.get("/items", params={"size": 200}).json()
    assert first["total"] == len(sample) and first["pages"] == 2 and len(first["items"]) == 200
    second = api.get("/items", params={"size": 200, "page": 2}).json()
    codes = [i["code"] for i in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == len(codes) == len(sample)
    assert set(codes) == {row["事项编码"] for row in sample}
    small = api.get("/items", params={"size": 7, "page": 3}).json()
    assert [i["code"] for i in small["items"]] == codes[14:21]
    beyond = api.get("/items", params={"size": 50, "page": 99}).json()
    assert beyond["items"] == [] and beyond["total"] == len(sample)


def test_item_summaries_say_what_the_list_says(api):
    by_code = {row["事项编码"]: row for row in rows()}
    for item in api.get("/items", params={"size": 200}).json()["items"]:
        row = by_code[item["code"]]
        assert item["name"] == row["事项名称"]
        assert item["type"] == row["事项类型"]
        assert item["department"] == row["实施主体"]
        assert item["sensitive"] == bool(row["安全类别"].strip())
        assert (item["security_category"] or "") == row["安全类别"].strip()


@pytest.mark.parametrize("params, keep", [
    ({"type": "行政许可"}, lambda r: r["事项类型"] == "行政许可"),
    ({"department": "省药品监督管理局"}, lambda r: r["实施主体"] == "省药品监督管理局"),
    ({"sensitive": "true"}, lambda r: bool(r["安全类别"].strip())),
    ({"sensitive": "false"}, lambda r: not r["安全类别"].strip()),
    ({"department": "药品监督管理局"}, lambda r: "药品监督管理局" in r["实施主体"]),
    ({"department": "", "q": ""}, lambda r: True),  # a search form left blank filters nothing
    ({"department": "山东省药品监督管理局"}, lambda r: r["实施主体"] == "省药品监督管理局"),
    ({"q": "药品"}, lambda r: "药品" in r["事项名称"] or "药品" in r["子项名称"] or "药品" in r["事项编码"]),
    ({"q": rows()[0]["事项编码"]}, lambda r: rows()[0]["事项编码"] in r["事项编码"]),
    ({"q": "37yj"}, lambda r: "37YJ" in r["事项编码"] or "37yj" in r["事项名称"] + r["子项名称"]),
    ({"type": "行政许可", "q": "许可", "sensitive": "false"},
     lambda r: r["事项类型"] == "行政许可" and ("许可" in r["事项名称"] or "许可" in r["子项名称"])
     and not r["安全类别"].strip()),
])
def test_item_filters_match_the_list(api, params, keep):
    expected = sorted(r["事项编码"] for r in rows() if keep(r))
    assert expected, "the filter should match some sample items"
    body = api.get("/items", params={**params, "size": 200}).json()
    assert body["total"] == len(expected)
    codes = [i["code"] for i in body["items"]]
    for page in range(2, body["pages"] + 1):
        codes += [i["code"] for i in api.get("/items", params={**params, "size": 200, "page": page}).json()["items"]]
    assert codes == expected


def test_level_filter_in_chinese_and_english(api):
    for zh, en in (("省级", "provincial"), ("市级", "municipal"), ("县级", "county")):
        a = api.get("/items", params={"level": zh, "size": 200}).json()
        b = api.get("/items", params={"level": en, "size": 200}).json()
        assert a == b
        assert a["items"] and all(zh in i["levels"] for i in a["items"])


@pytest.mark.parametrize("params", [{"size": 201}, {"size": 0}, {"page": 0}, {"level": "省"},
                                    {"type": "许可"}, {"sensitive": "maybe"}])
def test_invalid_list_parameters_are_400(api, params):
    r = api.get("/items", params=params)
    assert r.status_code == 400
    assert r.json()["error"] == "bad_request"


# --- one item -------------------------------------------------------------------------------------

def test_item_with_the_text_of_its_bases(api):
    r = api.get("/items/37YJ-XK-0001")
    assert r.status_code == 200
    item = r.json()
    assert (item["code"], item["name"], item["type"], item["department"]) == \
        ("37YJ-XK-0001", "药品生产许可", "行政许可", "省药品监督管理局")
    assert item["levels"] == ["省级"] and item["handling"] == "依申请" and item["loads"] == ["shandong-provincial"]
    setting, implementing = item["bases"]
    assert setting["role"] == "设定依据" and setting["citation"] == "《中华人民共和国药品管理法》第四十一条第一款"
    assert (setting["article"], setting["paragraph"], setting["item"]) == ("第四十一条", "第一款", None)
    assert setting["instrument_type"] == "法律" and setting["issuer"] == "全国人民代表大会常务委员会"
    assert setting["text"].startswith("从事药品生产活动，应当经所在地省、自治区、直辖市人民政府药品监督管理部门批准")
    assert setting["provision_id"] == PAR and setting["authority"] == "central"
    [assignment] = setting["level_assignments"]
    assert assignment["level"] == "省级" and assignment["evidence"] in setting["text"]
    # 实施依据 cites a whole article: its text is every paragraph and item, one per line.
    assert implementing["role"] == "实施依据" and implementing["paragraph"] is None
    assert "\n（一）" in implementing["text"] and implementing["text"].count("\n") >= 4
    related = {r["code"]: r for r in item["related"]}
    assert {"37YJ-XK-0002", "37YJ-CF-0001"} <= set(related)
    assert related["37YJ-XK-0002"]["name"] == "药品生产许可" and related["37YJ-XK-0002"]["exists"]
    assert item["actions"] == [] and item["findings"] == [] and item["validation_report"] is None


def test_items_listed_as_related_by_others_show_it(api, corpus_store):
    listed = {(str(r["a"]), str(r["b"])) for r in corpus_store.select(
        "SELECT ?a ?b WHERE { ?a <https://w3id.org/quanze/ns#relatedItem> ?b }")}
    one_way = sorted((a, b) for a, b in listed if (b, a) not in listed)
    assert one_way
    a, b = one_way[0]
    code_a, code_b = a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1]
    related = {r["code"]: r for r in api.get(f"/items/{code_b}").json()["related"]}
    assert related[code_a]["direction"] == "listed_by" and related[code_a]["direction_label"] == "被列为关联事项"


def test_every_sample_item_answers_with_its_list_row(api):
    for row in rows()[::9]:
        item = api.get(f"/items/{quote(row['事项编码'], safe='')}").json()
        assert item["name"] == row["事项名称"] and item["basis_text"] == row["设定依据"]
        assert item["bases"], row["事项编码"]
        for b in item["bases"]:
            if b["found"] and b["article"]:
                assert b["text"] and b["citation"].startswith("《")
                for a in b["level_assignments"]:
                    assert a["evidence"]


def test_item_with_recorded_actions(api):
    with ADJUSTMENTS.open(encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f))
    actions = api.get(f"/items/{row['事项编码']}").json()["actions"]
    assert any(a["type"] == row["调整方式"] and (a["to_level"] or "") == row["承接层级"] for a in actions)
    assert all(a["iri"].startswith("https://w3id.org/quanze/id/action/") for a in actions)


def test_unknown_item_is_404_in_both_languages(api):
    r = api.get("/items/37XX-XK-9999")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["message"] == "没有事项 37XX-XK-9999 / no item 37XX-XK-9999"
    assert api.get("/items/37XX-XK-9999/chain").status_code == 404


def test_chain_is_quanze_devolution_chain(api, corpus_store):
    for to in ("县级", "市级", "zone"):
        r = api.get("/items/37YJ-XK-0001/chain", params={"to": to})
        assert r.status_code == 200
        assert r.json() == json.loads(json.dumps(chain(corpus_store, "37YJ-XK-0001", to), ensure_ascii=False))
    assert api.get("/items/37YJ-XK-0001/chain", params={"to": "省级"}).status_code == 400


# --- provisions -----------------------------------------------------------------------------------

def test_provision_by_iri_in_its_article(api):
    r = api.get(f"/provisions/{PAR}")
    assert r.status_code == 200
    p = r.json()
    assert p["iri"] == LAW + PAR and p["kind"] == "款" and p["citation"] == "《中华人民共和国药品管理法》第四十一条第一款"
    assert p["text"].startswith("从事药品生产活动") and p["instrument"]["title"] == "中华人民共和国药品管理法"
    assert p["instrument"]["type"] == "法律" and p["instrument"]["version_date"] == "2019-08-26"
    assert p["instrument"]["current"] is True and p["instrument"]["status"] == "有效"
    context = p["context"]
    assert context["number"] == "第四十一条" and [d["number"] for d in context["divisions"]] == ["第四章"]
    assert [(u["number"], u["selected"]) for u in context["paragraphs"]] == [("第一款", True), ("第二款", False)]
    assert [a["level"] for a in p["level_assignments"]] == ["省级"]
    assert "37YJ-XK-0001" in {i["code"] for i in p["items"]}
    item = next(i for i in p["items"] if i["code"] == "37YJ-XK-0001")
    assert item["cites"] == [{"role": "设定依据", "cited": LAW + PAR, "citation": "《中华人民共和国药品管理法》第四十一条第一款"}]


def test_provision_with_its_entrustments(api):
    # 山东省测绘地理信息条例 第二十六条: the province may entrust the city's and the county's departments.
    r = api.get("/provisions", params={"cite": "《山东省测绘地理信息条例》第二十六条"})
    assert r.status_code == 200
    p = r.json()
    assert [(e["unit_label"], e["from_level"], e["to_levels"]) for e in p["entrustments"]] == [
        ("第二十六条第一款", "省级", ["市级", "县级"])]
    assert p["entrustments"][0]["evidence"] in p["text"]
    assert api.get(f"/provisions/{PAR}").json()["entrustments"] == []  # 药品管理法 第四十一条第一款 provides none
    # an item's bases carry them too (37ZR-XK-0009 cites 第十一条第一款: 省…或者其委托的部门)
    basis = next(b for b in api.get("/items/37ZR-XK-0009").json()["bases"] if b["article"] == "第十一条")
    assert [(e["from_level"], e["to_levels"]) for e in basis["entrustments"]] == [("省级", [])]


def test_provision_by_citation_is_the_same(api):
    by_cite = api.get("/provisions", params={"cite": CITE})
    assert by_cite.status_code == 200
    assert by_cite.json() == api.get(f"/provisions/{PAR}").json()
    full_iri = api.get("/provisions/" + LAW + PAR)
    assert full_iri.json()["iri"] == LAW + PAR


def test_an_article_in_full_and_an_item_in_its_paragraph(api):
    article = api.get("/provisions/中华人民共和国药品管理法/2019-08-26/art_42").json()
    assert article["kind"] == "条" and article["paragraph"] is None
    first = article["context"]["paragraphs"][0]
    assert len(first["items"]) == 4 and all(i["kind"] == "项" for i in first["items"])
    assert article["text"].count("\n") == 4
    point = api.get("/provisions/中华人民共和国药品管理法/2019-08-26/art_42/par_1/pt_2").json()
    assert point["kind"] == "项" and point["item"] == "第二项" and point["text"].startswith("（二）")
    selected = [i["selected"] for i in point["context"]["paragraphs"][0]["items"]]
    assert selected == [False, True, False, False]


@pytest.mark.parametrize("path", ["/provisions/中华人民共和国药品管理法/2019-08-26/art_999",
                                  "/provisions/中华人民共和国药品管理法/2019-08-26/art_41/par_9",
                                  "/provisions/没有这部法/2019-01-01/art_1",
                                  "/provisions/中华人民共和国药品管理法/2019-08-26"])
def test_unknown_provision_is_404(api, path):
    r = api.get(path)
    assert r.status_code == 404
    assert " / no provision " in r.json()["message"]


def test_citations_that_do_not_name_one_provision(api):
    unknown = api.get("/provisions", params={"cite": "《没有这部法》第一条"})
    assert unknown.status_code == 404 and "未知的法规名称" in unknown.json()["message"]
    two = api.get("/provisions", params={"cite": "《药品管理法》第四十一条、第四十二条"})
    assert two.status_code == 400
    whole = api.get("/provisions", params={"cite": "《药品管理法》"})
    assert whole.status_code == 400


# --- the core question ----------------------------------------------------------------------------

def test_devolution_is_the_cli_json_and_valid(api, corpus_store):
    schema = json.loads((ROOT / "docs" / "blockers.schema.json").read_text(encoding="utf-8"))
    for params, kwargs in (({"to": "县级"}, {}), ({"to": "市级", "all": "true"}, {"all_items": True}),
                           ({"to": "功能区", "department": "省药品监督管理局"}, {"department": "省药品监督管理局"})):
        r = api.get("/devolution", params=params)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        expected = blockers(corpus_store, params["to"], **kwargs)
        assert r.text == reports.to_json(expected)  # byte for byte what `quanze blockers --format json` prints
        jsonschema.validate(r.json(), schema)
        assert r.json()


@pytest.mark.parametrize("path, params, zh, en", [
    ("/items", {"size": 500}, "参数 size 应不大于 200", "parameter size must be at most 200"),
    ("/items", {"page": 0}, "参数 page 应不小于 1", "parameter page must be at least 1"),
    ("/items", {"size": "many"}, "参数 size 应为整数", "parameter size must be a whole number"),
    ("/items", {"sensitive": "maybe"}, "参数 sensitive 应为 true 或 false", "parameter sensitive must be true or false"),
    ("/items", {"level": "省"}, "参数 level 应为以下之一：国家级、省级", "parameter level must be one of: 国家级, 省级"),
    ("/items", {"q": "药" * 201}, "参数 q 最多 200 个字符", "parameter q must be at most 200 characters long"),
    ("/devolution", {}, "缺少参数 to", "parameter to is missing"),
    ("/devolution", {"to": "省级"}, "参数 to 应为以下之一：市级、县级、功能区", "parameter to must be one of: 市级"),
    ("/provisions", {}, "缺少参数 cite", "parameter cite is missing"),
    ("/impact", {}, "缺少参数 provision", "parameter provision is missing"),
])
@pytest.mark.parametrize("accept", [None, "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_parameter_errors_are_the_json_error_model(base, path, params, zh, en, accept):
    """Whatever the client accepts (a browser, curl), a bad parameter on a REST route is the same
    JSON error model as a 404, with a sentence naming the parameter, not a Python repr."""
    r = httpx.get(base + path, params=params, headers={"Accept": accept} if accept else {})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"status", "error", "message"}
    assert body["status"] == 400 and body["error"] == "bad_request"
    message = body["message"]
    assert zh in message and en in message, message
    assert message.index(zh) < message.index(" / ") < message.index(en)
    assert "{'" not in message and "loc" not in message and "Field required" not in message


def test_several_bad_parameters_are_each_named(base):
    message = httpx.get(base + "/items", params={"page": 0, "size": 0}).json()["message"]
    zh, en = message.split(" / ")
    assert "参数 page 应不小于 1" in zh and "参数 size 应不小于 1" in zh
    assert "parameter page must be at least 1" in en and "parameter size must be at least 1" in en


def test_a_department_no_item_has_is_404_naming_the_close_ones(api):
    """As ``quanze blockers --department`` exits 1: an empty answer would read as "nothing
    blocks". 山东省药品监督管理局 and 药品 name 省药品监督管理局 as close."""
    for path in ("/devolution", "/review-sheet"):
        for written in ("山东省药品监督管理局", "药品监督"):
            r = api.get(path, params={"to": "县级", "department": written})
            assert r.status_code == 404 and "省药品监督管理局" in r.json()["message"], (path, written, r.text)
    assert api.get("/devolution", params={"to": "县级", "department": "省药品监督管理局"}).status_code == 200


def test_devolution_pages_are_slices_of_the_whole_answer(api):
    whole = api.get("/devolution", params={"to": "市级", "all": "true"})
    total = len(whole.json())
    assert whole.headers["x-total-count"] == str(total) and total > 20
    pages = [api.get("/devolution", params={"to": "市级", "all": "true", "offset": o, "limit": 10})
             for o in range(0, total, 10)]
    assert all(p.status_code == 200 and p.headers["x-total-count"] == str(total) for p in pages)
    assert [a for p in pages for a in p.json()] == whole.json()
    assert api.get("/devolution", params={"to": "市级", "offset": total + 5}).json() == []
    assert api.get("/devolution", params={"to": "市级", "limit": 0}).status_code in (400, 422)


def test_devolution_follows_a_load_made_outside_the_api(api, corpus_store, tmp_path):
    """An answer kept for paging is dropped when a load is recorded or forgotten, also by
    another client of the store (here: quanze.lists directly, as the CLI would)."""
    from quanze.lists import load_list

    params = {"to": "县级", "department": "省药品监督管理局"}
    before = api.get("/devolution", params=params).json()
    assert before and "37CACHE-XK-0001" not in {a["code"] for a in before}
    (tmp_path / "rest-cache-test.csv").write_text(
        f"{HEADER}\n37CACHE-XK-0001,测试药品生产许可,,行政许可,省药品监督管理局,省级,{CITE},,,,依申请,,,\n",
        encoding="utf-8")
    load_list(corpus_store, tmp_path / "rest-cache-test.csv")
    try:
        during = api.get("/devolution", params=params).json()
        assert during == json.loads(reports.to_json(blockers(corpus_store, "县级", department="省药品监督管理局")))
        assert "37CACHE-XK-0001" in {a["code"] for a in during}
    finally:
        unload(corpus_store, "rest-cache-test")
    assert api.get("/devolution", params=params).json() == before


def test_assessments_are_computed_once_while_the_store_is_unchanged(corpus_store, tmp_path):
    from api.routes.devolution import AssessmentCache
    from quanze.lists import load_list
    from quanze.lookup import forget_cached

    cache = AssessmentCache()
    first = cache.blockers(corpus_store, "市级", None, True)
    assert cache.blockers(corpus_store, "市级", None, True) is first and cache.computed == 1
    (tmp_path / "cache-test.csv").write_text(
        f"{HEADER}\n37CACHE-XK-0002,测试药品生产许可,,行政许可,省药品监督管理局,省级,{CITE},,,,依申请,,,\n",
        encoding="utf-8")
    load_list(corpus_store, tmp_path / "cache-test.csv")
    try:
        assert "37CACHE-XK-0002" in {a["code"] for a in cache.blockers(corpus_store, "市级", None, True)}
        assert cache.computed == 2
    finally:
        unload(corpus_store, "cache-test")
    assert cache.blockers(corpus_store, "市级", None, True) == first and cache.computed == 3
    forget_cached(corpus_store)  # what every write through the API does
    cache.blockers(corpus_store, "市级", None, True)
    assert cache.computed == 4
    expired = AssessmentCache(ttl=0.0)
    expired.blockers(corpus_store, "县级", "省药品监督管理局", False)
    time.sleep(0.01)
    expired.blockers(corpus_store, "县级", "省药品监督管理局", False)
    assert expired.computed == 2


def test_impact_is_quanze_devolution_impact(api, corpus_store):
    r = api.get("/impact", params={"provision": CITE, "to": "县级"})
    assert r.status_code == 200
    expected = impact(corpus_store, LAW + PAR, "县级")
    assert expected and r.json() == json.loads(json.dumps(expected, ensure_ascii=False))
    assert api.get("/impact", params={"provision": LAW + PAR}).json() == r.json()
    assert api.get("/impact", params={"provision": "《没有这部法》第一条"}).status_code == 404
    # an IRI written %-encoded is the same provision; a well-formed IRI of none is 404, as a citation is
    assert api.get("/impact", params={"provision": LAW + quote(PAR)}).json() == r.json()
    for none in (LAW + PAR.replace("art_41/par_1", "art_999"), LAW + "中华人民共和国药品管理法/1984-09-20/art_41"):
        assert api.get("/impact", params={"provision": none}).status_code == 404, none


def test_impact_of_a_whole_instrument_is_refused_as_by_the_cli(api):
    """Found by a code review: /impact refused 《药品管理法》 as a whole instrument while `quanze impact
    '《药品管理法》'` answered rows; the check is now the library's, which both call. A version's
    IRI names no provision: 404, as any IRI of none is."""
    r = api.get("/impact", params={"provision": "《药品管理法》"})
    assert r.status_code == 400, r.text
    assert "整部法律文件" in r.text and "whole instrument" in r.text
    assert api.get("/impact", params={"provision": LAW + PAR.split("/art_")[0]}).status_code == 404


def test_cached_law_texts_are_read_again_after_an_api_write(api, corpus_store):
    """Item lookups cache the law texts they cite; every API write drops that cache."""
    from api.writes import commit_write
    from quanze import lookup

    par, graph = LAW + PAR, "https://w3id.org/quanze/id/graph/laws"
    old = api.get("/items/37YJ-XK-0001").json()["bases"][0]["text"]
    text, changed = str(ox.Literal(old)), str(ox.Literal("改写的条文"))

    def swap(a: str, b: str) -> None:
        corpus_store.update(f"DELETE DATA {{ GRAPH <{graph}> {{ <{par}> <https://w3id.org/quanze/ns#text> {a} }} }} ; "
                            f"INSERT DATA {{ GRAPH <{graph}> {{ <{par}> <https://w3id.org/quanze/ns#text> {b} }} }}")

    swap(text, changed)  # behind the API's back: the cached text is still served
    try:
        assert api.get("/items/37YJ-XK-0001").json()["bases"][0]["text"] == old
        before = lookup.generation()
        test_graph = "https://w3id.org/quanze/id/graph/test/rest-cache"
        commit_write(corpus_store, [test_graph], lambda _snapshot: corpus_store.update(
            f"INSERT DATA {{ GRAPH <{test_graph}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"))
        corpus_store.update(f"DROP GRAPH <{test_graph}>")
        assert lookup.generation() == before + 1
        assert api.get("/items/37YJ-XK-0001").json()["bases"][0]["text"] == "改写的条文"
    finally:
        swap(changed, text)
        lookup.forget_cached()
    assert api.get("/items/37YJ-XK-0001").json()["bases"][0]["text"] == old


# --- validation and loads -------------------------------------------------------------------------

def test_validation_without_reports_is_empty(api, corpus_store):
    """The session store's samples were loaded without validation: no report, and /validation
    names them as unvalidated, as the catalog records them."""
    from quanze.catalog import LIST_KINDS, loads

    body = api.get("/validation").json()
    unchecked = body.pop("unvalidated")
    assert body == {"available": False, "latest": None, "reports": [], "conforms": True, "violations": 0,
                    "warnings": 0, "superseded": 0, "results": []}
    assert {"shandong-provincial", "shandong-adjustments"} <= set(unchecked)
    assert set(unchecked) == {r.name for r in loads(corpus_store) if r.kind in LIST_KINDS and r.report is None}
    assert api.get("/validation", params={"report": "no-such-load"}).status_code == 404


def test_loads_are_the_catalog(api):
    body = api.get("/loads").json()
    loads = {r["name"]: r for r in body["loads"]}
    assert loads["shandong-provincial"]["rows"] == len(rows()) and loads["shandong-provincial"]["kind"] == "items"
    assert loads["shandong-provincial"]["file_name"] == "shandong-provincial.csv"
    assert {"laws", "reference", "shandong-adjustments"} <= set(loads)


def upload(client: httpx.Client, name: str, text: str, headers: dict[str, str] | None = None,
           **fields: str) -> httpx.Response:
    return client.post("/loads", files={"file": (name, text.encode("utf-8"), "text/csv")}, data=fields,
                       headers=headers or {})


def test_uploads_need_the_token(api, base, corpus_store):
    before = store_state(corpus_store)
    text = f"{HEADER}\n37TEST-XK-0001,测试许可,,行政许可,省药品监督管理局,省级,{CITE},,,,依申请,,,\n"
    missing = upload(api, "t.csv", text)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = upload(api, "t.csv", text, {"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    with live_server(corpus_store, settings(token=None)) as read_only:
        r = httpx.post(read_only + "/loads", files={"file": ("t.csv", text.encode(), "text/csv")}, headers=AUTH)
        assert r.status_code == 403
    assert store_state(corpus_store) == before


def test_a_bad_row_rejects_the_upload_and_stores_nothing(api, corpus_store):
    before = store_state(corpus_store)
    text = (f"{HEADER}\n37TEST-XK-0001,测试许可,,行政许可,省药品监督管理局,省级,{CITE},,,,依申请,,,\n"
            "37TEST-XK-0002,测试许可二,,行政许可,省药品监督管理局,省级,《没有这部法》第一条,,,,依申请,,,\n")
    r = upload(api, "rest-bad.csv", text, AUTH)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_failed" and "the store is unchanged" in body["message"]
    # each half of the message says it in its own language, so a page can show one of them
    zh, en = body["message"].split(" / ")
    assert zh.endswith("；库未改变") and en.endswith("; the store is unchanged") and "load rejected" in en
    [problem] = [p for p in body["problems"] if p["severity"] == "error"]
    assert (problem["file"], problem["row"], problem["column"]) == ("rest-bad.csv", 3, "设定依据")
    assert "未知的法规名称" in problem["zh"] and "unknown title" in problem["en"]
    assert body["validation"] is None
    assert store_state(corpus_store) == before
    assert api.get("/items/37TEST-XK-0001").status_code == 404


def test_an_unreadable_or_foreign_file_is_refused(api, corpus_store):
    before = store_state(corpus_store)
    no_header = upload(api, "rest-empty.csv", "\n\n", AUTH)
    assert no_header.status_code == 422 and no_header.json()["problems"][0]["file"] == "rest-empty.csv"
    not_a_table = api.post("/loads", files={"file": ("notes.txt", b"hello", "text/plain")}, headers=AUTH)
    assert not_a_table.status_code == 415
    no_file = api.post("/loads", files={"other": ("x.csv", b"a", "text/csv")}, data={"name": "x"}, headers=AUTH)
    assert no_file.status_code == 400
    for not_multipart in ({"data": {"name": "x"}}, {"json": {"file": "x.csv"}}):
        r = api.post("/loads", headers=AUTH, **not_multipart)
        assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type", r.text
    with live_server(corpus_store, settings(token=TOKEN, max_body=1000)) as small:  # REST routes: the JSON model
        too_big = httpx.post(small + "/loads", files={"file": ("big.csv", b"x" * 5000, "text/csv")}, headers=AUTH)
        assert too_big.status_code == 413 and too_big.json()["error"] == "payload_too_large", too_big.text
    assert store_state(corpus_store) == before


def test_failed_validation_rejects_the_upload_with_the_report(api, corpus_store):
    pytest.importorskip("quanze.validation")
    before = store_state(corpus_store)
    text = (f"{HEADER}\n3701TEST-XK-0001,测试户外广告设置许可,,行政许可,济南市城市管理局,市级,"
            "《济南市户外广告和牌匾标识管理条例》第十八条第一款,,,,依申请,,,\n")
    r = upload(api, "rest-city.csv", text, AUTH)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["validation"]["violations"] >= 1 and body["validation"]["conforms"] is False
    assert any(f["focus_code"] == "3701TEST-XK-0001" for f in body["validation"]["results"])
    assert store_state(corpus_store) == before


@pytest.fixture
def uploaded(api, corpus_store) -> Iterator[dict]:
    """A small good list uploaded through the API, removed again afterwards."""
    before = store_state(corpus_store)
    text = (f"{HEADER}\n37TEST-XK-0001,测试药品生产许可,,行政许可,省药品监督管理局,省级,{CITE},,37TEST-QR-0002,,依申请,,,\n"
            f"37TEST-QR-0002,测试药品登记,,行政确认,省药品监督管理局,省级,"
            "《药品管理法》第四十一条第二款,,37TEST-XK-0001,,依申请,,,\n")
    r = upload(api, "rest-upload-test.csv", text, AUTH)
    try:
        yield {"response": r}
    finally:
        unload(corpus_store, "rest-upload-test")
        assert store_state(corpus_store) == before


def test_an_xlsx_upload_loads_as_its_csv_would(api, corpus_store, tmp_path):
    """XLSX through POST /loads: the same rows, the same graph as the CSV form."""
    import csv
    import io

    from quanze.tables import write_table

    text = (f"{HEADER}\n37TESTX-XK-0001,测试药品生产许可,,行政许可,省药品监督管理局,省级,{CITE},,,,依申请,,,\n")
    rows = list(csv.reader(io.StringIO(text)))
    write_table(tmp_path / "rest-xlsx-test.xlsx", rows[0], rows[1:])
    before = store_state(corpus_store)
    data = (tmp_path / "rest-xlsx-test.xlsx").read_bytes()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = api.post("/loads", files={"file": ("rest-xlsx-test.xlsx", data, mime)}, headers=AUTH)
    try:
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["file_name"], body["rows"], body["stored_rows"]) == ("rest-xlsx-test.xlsx", 1, 1)
        item = api.get("/items/37TESTX-XK-0001").json()
        assert item["loads"] == ["rest-xlsx-test"] and item["bases"][0]["citation"].endswith("第四十一条第一款")
        from_xlsx = corpus_store.graph_triples(body["graph"])
    finally:
        unload(corpus_store, "rest-xlsx-test")
    assert store_state(corpus_store) == before
    r = upload(api, "rest-xlsx-test.csv", text, AUTH)
    try:
        assert r.status_code == 201, r.text
        assert corpus_store.graph_triples(r.json()["graph"]) == from_xlsx
    finally:
        unload(corpus_store, "rest-xlsx-test")


def test_a_good_upload_is_stored_and_visible(api, uploaded):
    r = uploaded["response"]
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["name"], body["kind"], body["file_name"], body["rows"], body["stored_rows"]) == \
        ("rest-upload-test", "items", "rest-upload-test.csv", 2, 2)
    assert body["graph"].endswith("/graph/load/rest-upload-test") and body["inserted"] >= body["triples"] > 0
    item = api.get("/items/37TEST-XK-0001").json()
    assert item["loads"] == ["rest-upload-test"] and item["bases"][0]["citation"].endswith("第四十一条第一款")
    assert api.get("/items", params={"q": "测试药品"}).json()["total"] == 2
    record = {r["name"]: r for r in api.get("/loads").json()["loads"]}["rest-upload-test"]
    assert record["rows"] == 2 and record["file_name"] == "rest-upload-test.csv"
    if body["validation"] is not None:  # with the SHACL validator: the report is stored and readable
        validation = api.get("/validation").json()
        assert validation["available"] and validation["latest"]["name"] == "rest-upload-test"
        mine = api.get("/validation", params={"report": "rest-upload-test"}).json()
        assert len(mine["results"]) == len(body["validation"]["results"])
        flagged = {f["focus_code"] for f in mine["results"]}
        for code in flagged:
            detail = api.get(f"/items/{code}").json()
            assert detail["validation_report"] == "rest-upload-test" and detail["findings"]
            assert all(f["message"] and f["message_en"] for f in detail["findings"])


# --- injection attempts ---------------------------------------------------------------------------

def test_injection_strings_are_just_values(api, corpus_store):
    before = store_state(corpus_store)
    for bad in INJECTIONS:
        for params in ({"q": bad}, {"department": bad}):
            r = api.get("/items", params=params)
            assert r.status_code == 200, (params, r.text)
            assert r.json()["total"] == 0
        assert api.get("/items/" + quote(bad, safe="")).status_code == 404
        assert api.get("/items/" + quote(bad, safe="") + "/chain").status_code == 404
        assert api.get("/provisions/" + quote(bad, safe="")).status_code == 404
        assert api.get("/provisions", params={"cite": bad}).status_code in (404, 400)
        assert api.get("/impact", params={"provision": bad}).status_code in (404, 400)
        assert api.get("/validation", params={"report": bad}).status_code == 404
        r = api.get("/devolution", params={"to": "县级", "department": bad})
        assert r.status_code == 404 and r.json()["error"] == "not_found"  # no item has it
    assert store_state(corpus_store) == before
    assert api.get("/items", params={"size": 1}).json()["total"] == len(rows())


# --- schemathesis over the OpenAPI description --------------------------------------------------

def test_openapi_describes_parameter_errors_as_they_are_answered(api):
    """Bad parameters are 400 with the error model, never FastAPI's 422: the description says so,
    and says X-Total-Count comes with /devolution."""
    spec = api.get("/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if operation.get("parameters"):
                assert "400" in operation["responses"], (path, method)
    assert "X-Total-Count" in spec["paths"]["/devolution"]["get"]["responses"]["200"]["headers"]
    assert api.get("/items", params={"size": "many"}).status_code == 400


FUZZED: dict[str, list[tuple[str, int]]] = {}


@pytest.fixture(scope="module")
def read_only_base(corpus_store) -> Iterator[str]:
    """A read-only server (no token: writes are 403) for the fuzzer; notes the store's state first."""
    FUZZED["before"] = store_state(corpus_store)
    with live_server(corpus_store, settings(token=None, query_timeout=120.0)) as url:
        yield url


@pytest.fixture(scope="module")
def api_schema(read_only_base):
    return schemathesis.openapi.from_url(read_only_base + "/openapi.json")


def union_read(case) -> tuple[str, str] | None:
    """(method, Accept) of a case that reads the union of every graph (GET or HEAD
    ``/rdf-graphs?default``), as the request goes out; else None. Its answer depends on nothing
    else: the value of ``default`` and any unknown parameter are ignored (api.graph_store)."""
    if case.path != "/rdf-graphs" or case.method.upper() not in ("GET", "HEAD"):
        return None
    kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1")
    sent = requests.Request(kwargs["method"], kwargs["url"], params=kwargs.get("params")).prepare()
    query = parse_qs(urlsplit(sent.url).query, keep_blank_values=True)
    if "default" not in query or "graph" in query:
        return None
    accept = {k.lower(): v for k, v in (kwargs.get("headers") or {}).items()}.get("accept", "")
    return case.method.upper(), accept


def test_openapi_operations_never_answer_5xx(api_schema):
    """Every operation, with valid and invalid generated requests (20 examples each, no deadline):
    never a 5xx. (schemathesis' pytest plugin reads a private pytest attribute that pytest 9 no
    longer has, so Hypothesis is driven directly, one operation and generation mode at a time.)

    A read of the union of every graph is the whole corpus as Turtle, ~9 s each, and the same
    answer for the same method and Accept whatever else the case holds (:func:`union_read`): it
    is sent once for each, and a case repeating it is rejected, so Hypothesis draws another
    request in its place (repeated, they took ~185 s of the test's ~200 s)."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    union_reads: set[tuple[str, str]] = set()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @hsettings(max_examples=20, deadline=None, derandomize=True, database=None,
                       phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case):
                union = union_read(case)
                if union in union_reads:
                    reject()
                case.call_and_validate(checks=[not_a_server_error], timeout=300)
                if union is not None:  # only once answered: a failing case is replayed as it was
                    union_reads.add(union)

            try:
                check()
            except Unsatisfiable:
                continue  # no invalid request can be made for it (no parameters to break)
            except Exception as exc:  # noqa: BLE001 — collected, reported together
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_fuzzer_left_the_store_alone(corpus_store, read_only_base):
    assert store_state(corpus_store) == FUZZED["before"]


def test_openapi_describes_every_rest_operation(api):
    spec = api.get("/openapi.json").json()
    for path in ("/items", "/items/{code}", "/items/{code}/chain", "/provisions", "/provisions/{id}",
                 "/devolution", "/impact", "/validation", "/loads", "/health"):
        assert path in spec["paths"], path
    detail = spec["components"]["schemas"]["ItemDetail"]["properties"]
    assert detail["bases"]["description"] and detail["code"]["examples"] == ["37YJ-XK-0001"]
    assert "multipart/form-data" in spec["paths"]["/loads"]["post"]["requestBody"]["content"]
    devolution = spec["paths"]["/devolution"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert devolution["type"] == "array" and "blocking" in devolution["items"]["properties"]


def test_no_page_that_needs_a_cdn(api):
    """FastAPI's /docs and /redoc would load their scripts from a CDN: not served."""
    assert api.get("/docs").status_code == 404 and api.get("/redoc").status_code == 404
    assert api.get("/openapi.json").status_code == 200


# --- the same over a remote SPARQL store ----------------------------------------------------------

def needed_nquads(store: Store) -> bytes:
    """The store's N-Quads without the instruments no item cites: the reference data, the lists,
    and every cited instrument (all its versions' articles, paragraphs, items, level assignments).
    The whole corpus would take minutes to upload; the answers compared need only these."""
    cited = {str(r["c"]) for r in store.select(
        "SELECT DISTINCT ?c WHERE { ?i <https://w3id.org/quanze/ns#legalBasis>|"
        "<https://w3id.org/quanze/ns#implementationBasis> ?c }")}
    works = {c.removeprefix(LAW).split("/")[0] for c in cited if c.startswith(LAW)}
    laws_graph = "<https://w3id.org/quanze/id/graph/laws> ."
    kept = []
    for line in store.export("nquads").decode("utf-8").splitlines():
        if not line.endswith(laws_graph):
            kept.append(line)
            continue
        subject = line.split(" ", 1)[0][1:-1]
        if not subject.startswith(LAW) or subject.removeprefix(LAW).split("/")[0] in works:
            kept.append(line)  # issuers and other non-instrument nodes stay
    return ("\n".join(kept) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def remote_base(corpus_store, tmp_path_factory) -> Iterator[str]:
    """A server over a RemoteStore on a real Oxigraph server of its own, loaded (through its /store
    endpoint) with the N-Quads export of the corpus store, less the instruments no item cites
    (:func:`tests.conftest.loaded_oxigraph`)."""
    with loaded_oxigraph(tmp_path_factory.mktemp("oxigraph-rest"), needed_nquads(corpus_store)) as oxigraph:
        remote = RemoteStore(oxigraph + "/query", oxigraph + "/update", oxigraph + "/store")
        with live_server(remote, settings(query_timeout=300.0)) as url:
            yield url
        remote.close()


@pytest.mark.parametrize("path", ["/items?size=60&page=2", "/items?type=行政许可&q=许可&size=200",
                                  "/items/37YJ-XK-0001", "/items/37YJ-XK-0003/chain?to=市级",
                                  f"/provisions/{PAR}", f"/provisions?cite={CITE}",
                                  "/devolution?to=县级", f"/impact?provision={CITE}", "/validation"])
def test_remote_store_answers_the_same(api, remote_base, path):
    here = api.get(path)
    there = httpx.get(remote_base + path, timeout=300, headers={"Accept": "application/json"})
    assert here.status_code == there.status_code == 200
    assert there.json() == here.json()


def test_remote_store_health_and_404(remote_base):
    health = httpx.get(remote_base + "/health", timeout=60).json()
    assert health["backend"] == "remote" and health["store"] == "ok"
    r = httpx.get(remote_base + "/items/37XX-XK-9999", timeout=60)
    assert r.status_code == 404 and r.json()["message"].endswith("no item 37XX-XK-9999")


# --- quanze serve ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_quanze_serve_listens_on_loopback(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "quanze.cli", "--store", ":memory:", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "quanze serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["backend"] == "memory"
        assert httpx.get(f"http://127.0.0.1:{port}/items", timeout=10).json()["total"] == 0
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_level_review_list_uploads_and_the_answers_follow_it(api, corpus_store):
    """A 层级校核表 goes through POST /loads like any list; the provision and the item then carry the
    review beside the extractor's reading, and /devolution reads the reviewed level."""
    from quanze.lookup import forget_cached

    before = store_state(corpus_store)
    text = ("条文,层级,依据短语,校核人,校核日期,说明\n"
            "《工伤保险条例》第十七条第三款,市级,设区的市级社会保险行政部门办理,法规处,2026-11-30,属地办理\n")
    r = upload(api, "rest-review-test.csv", text, AUTH, accept_violations="true")
    try:
        assert r.status_code == 201, r.text
        assert r.json()["kind"] == "reviews"
        provision = api.get("/provisions/工伤保险条例/2010-12-20/art_17/par_3").json()
        [review] = provision["level_reviews"]
        assert (review["level_labels"], review["extracted"], review["by"], review["current"]) == (["市级"], ["省级"], "法规处", True)
        assert [(a["level"], a["act"], a["review"]["by"]) for a in provision["level_assignments"]] == [("市级", "校核", "法规处")]
        item = next(a for a in api.get("/devolution", params={"to": "县级"}).json() if a["code"] == "37RS-QR-0001")
        assert ("municipal", "校核") in {(b["level"], b["act"]) for b in item["blocking"]}
    finally:
        unload(corpus_store, "rest-review-test")
        forget_cached(corpus_store)
    assert store_state(corpus_store) == before


def test_the_review_sheet_is_the_cli_worksheet(api, corpus_store, tmp_path):
    """GET /review-sheet gives the paragraphs blocking devolution in a 层级校核表's columns, as
    `quanze laws reviews` writes them, as XLSX or CSV."""
    from quanze.reports import SHEET_HEADER, review_sheet
    from quanze.tables import read_table

    expected = review_sheet(corpus_store, blockers(corpus_store, "县级", all_items=True))
    assert expected
    for fmt in ("xlsx", "csv"):
        r = api.get("/review-sheet", params={"to": "县级", "format": fmt})
        assert r.status_code == 200, r.text
        # a name of its own each time (loading it under an earlier list's name would replace that list)
        assert re.search(rf"attachment; filename=review-sheet-\d{{8}}-\d{{4}}\.{fmt}; filename\*=UTF-8''",
                         r.headers["content-disposition"])
        path = tmp_path / f"sheet.{fmt}"
        path.write_bytes(r.content)
        table = read_table(path)
        assert table.header == SHEET_HEADER
        assert [[row[h] for h in table.header] for _, row in table.rows] == expected
    assert api.get("/review-sheet", params={"to": "省级"}).status_code in (400, 422)


def test_accept_violations_keeps_an_upload_that_brings_violations(api, corpus_store):
    """Regression: POST /loads with accept_violations refused a list bringing new violations (a
    second validation after the write judged it again, without the flag, and rolled it back).
    Without the flag it is refused, naming the API's field, and nothing is stored."""
    from quanze.lookup import forget_cached

    before = store_state(corpus_store)
    # a 一链办理 pair exercised at different levels: a violation of the list's own
    text = (f"{HEADER}\n37TEST-XK-0101,测试许可,,行政许可,省药品监督管理局,县级,{CITE},,37TEST-QR-0102,,依申请,,,\n"
            f"37TEST-QR-0102,测试登记,,行政确认,省药品监督管理局,省级,{CITE},,37TEST-XK-0101,,依申请,,,\n")
    refused = upload(api, "rest-accept-test.csv", text, AUTH)
    assert refused.status_code == 422 and "accept_violations=true" in refused.json()["message"], refused.text
    assert store_state(corpus_store) == before
    kept = upload(api, "rest-accept-test.csv", text, AUTH, accept_violations="true")
    try:
        assert kept.status_code == 201, kept.text
        assert api.get("/items/37TEST-XK-0101").status_code == 200
    finally:
        unload(corpus_store, "rest-accept-test")
        forget_cached(corpus_store)
    assert store_state(corpus_store) == before


def test_delete_loads_of_a_graph_quanze_keeps_is_409_saying_which_command_keeps_it(api):
    """An integrator's audit: GET /loads lists the corpus as `laws`, and DELETE /loads/laws
    answered 404 "no load named laws". It is 409, naming the command that rewrites it, as
    `quanze unload laws` says."""
    listed = {r["name"] for r in api.get("/loads").json()["loads"]}
    assert {"laws", "reference"} <= listed
    for name, keeper in (("laws", "quanze laws import"), ("reference", "quanze init")):
        r = api.delete(f"/loads/{name}", headers=AUTH)
        assert r.status_code == 409 and keeper in r.text and r.json()["dependents"] == {}, r.text
    assert {r["name"] for r in api.get("/loads").json()["loads"]} == listed
    assert api.delete("/loads/no-such-load", headers=AUTH).status_code == 404


def test_delete_loads_refuses_to_leave_lists_pointing_at_nothing(api, corpus_store):
    """DELETE /loads/{name} is the API's ``quanze unload``: it needs the token, answers 409 naming
    the adjustments list that acts on the items (nothing removed) unless ``force=true``, and 404
    for a name no load has. A Graph Store DELETE of the same graph, which would bypass the
    catalog, is refused: the loaders keep it."""
    before = store_state(corpus_store)
    items = f"{HEADER}\n37TEST-QR-0301,测试药品登记,,行政确认,省药品监督管理局,省级,{CITE},,,,依申请,,,\n"
    actions = cancellation("37TEST-QR-0301")
    assert upload(api, "rest-del-items.csv", items, AUTH).status_code == 201
    assert upload(api, "rest-del-actions.csv", actions, AUTH).status_code == 201
    graph = "https://w3id.org/quanze/id/graph/load/rest-del-items"
    try:
        loaded = store_state(corpus_store)
        assert api.delete("/loads/rest-del-items").status_code == 401
        refused = api.delete("/loads/rest-del-items", headers=AUTH)
        assert refused.status_code == 409, refused.text
        assert refused.json()["dependents"] == {"rest-del-actions": 1} and refused.json()["error"] == "conflict"
        assert "rest-del-actions" in refused.json()["message"] and "force=true" in refused.json()["message"]
        gsp = api.delete("/rdf-graphs", params={"graph": graph}, headers=AUTH)
        assert gsp.status_code == 409 and gsp.json()["graphs"] == [graph], gsp.text  # a recorded load's graph
        assert store_state(corpus_store) == loaded
        mine = api.get("/validation", params={"report": "rest-del-actions"}).json()
        assert mine["violations"] == 0, mine
        forced = api.delete("/loads/rest-del-items", params={"force": "true"}, headers=AUTH)
        assert forced.status_code == 200, forced.text
        assert forced.json() == {"name": "rest-del-items", "graph": graph, "left_pointing": {"rest-del-actions": 1},
                                 "renewed_reports": ["rest-del-actions"]}
        # the action left on no item is a finding of its load's report, renewed in the same write
        mine = api.get("/validation", params={"report": "rest-del-actions"}).json()
        assert mine["violations"] >= 1 and all("37TEST-QR-0301" in f["focus"] or "37TEST-QR-0301" in str(f.get("value"))
                                               for f in mine["results"]), mine
        assert "rest-del-items" not in {r["name"] for r in api.get("/loads").json()["loads"]}
        assert api.delete("/loads/rest-del-actions", headers=AUTH).status_code == 200
        token = api.get("/health").json()["data"]
        missing = api.delete("/loads/rest-del-actions", headers=AUTH)
        assert missing.status_code == 404 and "rest-del-actions" in missing.json()["message"]
        assert api.get("/health").json()["data"] == token  # nothing was written
        # the IRI of a graph that is no list names no load
        assert api.delete("/loads/https://w3id.org/quanze/id/graph/plan", headers=AUTH).status_code == 404
        assert store_state(corpus_store) == before
    finally:
        unload(corpus_store, "rest-del-actions")
        unload(corpus_store, "rest-del-items")


@pytest.mark.parametrize("path", ["/loads/rest%20del%2Fslash", "/loads/rest del/slash"])
def test_delete_loads_takes_a_name_with_a_slash(api, corpus_store, path):
    """A load may be named with a / (POST /loads and --name accept it): DELETE /loads finds it
    whether the client writes the / as is or as %2F."""
    before = store_state(corpus_store)
    actions = cancellation(rows()[0]["事项编码"])
    posted = api.post("/loads", files={"file": ("slash.csv", actions.encode("utf-8"), "text/csv")},
                      data={"name": "rest del/slash"}, headers=AUTH)
    assert posted.status_code == 201, posted.text
    try:
        r = api.delete(path, headers=AUTH)
        assert r.status_code == 200 and r.json()["name"] == "rest del/slash", r.text
    finally:
        unload(corpus_store, "rest del/slash")
    assert store_state(corpus_store) == before


def test_an_upload_may_not_take_the_name_of_a_graph_quanze_keeps(api, corpus_store):
    """Regression: POST /loads with name=laws stored a second load named laws beside the corpus.
    Refused as any rejected upload is (422, the problem in zh and en, the store unchanged) — also
    when the file's own name gives the name."""
    before = store_state(corpus_store)
    actions = cancellation(rows()[0]["事项编码"])
    for file, fields, said in (("rest-reserved.csv", {"name": "laws"}, "the load name 'laws' reads as 'laws'"),
                               ("rest-reserved.csv", {"name": "Plan"}, "the load name 'Plan' reads as 'plan'"),
                               ("reference.csv", {}, "(from the file name reference.csv)")):
        r = api.post("/loads", files={"file": (file, actions.encode("utf-8"), "text/csv")}, data=fields, headers=AUTH)
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"] == "validation_failed" and "the store is unchanged" in body["message"]
        [problem] = body["problems"]
        assert problem["file"] == file and problem["severity"] == "error"
        assert said in problem["en"] and "graphs named alike" in problem["en"] and "同名" in problem["zh"]
    assert store_state(corpus_store) == before
    assert [r["name"] for r in api.get("/loads").json()["loads"]].count("laws") == 1
