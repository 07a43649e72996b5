"""The shipped sample list covers what a real provincial 权责清单 holds, computed from the CSV:
enough items, departments and item types, items linked to the fees and public services of their
procedure, security categories, and a licence created by a city's own local regulation."""

from __future__ import annotations

import pytest

from quanze.citation import parse, title_key
from quanze.laws import read_manifest
from quanze.lists import ITEM_TYPES, SECURITY, SPLIT, OrganisationMatcher
from quanze.settings import ROOT
from quanze.tables import read_table

SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"
FEE_OR_SERVICE = ("行政事业性收费", "公共服务")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return [r for _, r in read_table(SAMPLE).rows]


def test_enough_items(rows):
    assert len(rows) >= 150
    assert len({r["事项编码"] for r in rows}) == len(rows)


def test_enough_provincial_departments(rows):
    orgs = OrganisationMatcher()
    provincial = set()
    for r in rows:
        iri, level, _city = orgs.match(r["实施主体"])
        if level == "provincial":
            provincial.add(iri)
    assert len(provincial) >= 10, sorted(provincial)


@pytest.mark.parametrize("kind", ["行政许可", "行政确认", "行政检查", "行政处罚", "公共服务", "行政事业性收费"])
def test_item_type_present(rows, kind):
    assert kind in ITEM_TYPES
    assert any(r["事项类型"] == kind for r in rows)


def test_items_linked_to_fees_and_public_services(rows):
    """关联事项 names a fee or public-service item of this same file."""
    kind = {r["事项编码"]: r["事项类型"] for r in rows}
    linked = [r["事项编码"] for r in rows
              if any(kind.get(code) in FEE_OR_SERVICE for code in SPLIT.split(r["关联事项"]) if code)]
    assert len(linked) >= 30, linked
    # each fee or public service that is named is linked back to something of its procedure
    named = {code for r in rows for code in SPLIT.split(r["关联事项"]) if kind.get(code) in FEE_OR_SERVICE}
    unlinked = [r["事项编码"] for r in rows if r["事项编码"] in named and not r["关联事项"]]
    assert unlinked == []


def test_items_with_security_category(rows):
    categories = [r["安全类别"] for r in rows if r["安全类别"]]
    assert categories
    assert set(categories) <= set(SECURITY)


def test_a_licence_created_by_city_regulations_only(rows, laws_dir):
    """At least one licence whose every 设定依据 is a local regulation of a city with districts
    (设区的市), as the corpus manifest classes it."""
    level = {}
    for m in read_manifest(laws_dir):
        if m.is_latest:
            level[title_key(m.title)] = (m.instrument_type, m.issuing_level)
    city_only = []
    for r in rows:
        if r["事项类型"] != "行政许可" or not r["设定依据"]:
            continue
        kinds = {level.get(title_key(ref.title)) for ref in parse(r["设定依据"])}
        if kinds == {("地方性法规", "municipal")}:
            city_only.append(r["事项编码"])
    assert city_only
