"""The reference data ``quanze init`` loads (quanze/reference.py): regions, functional zones and
organisations, asserted from the store against their sources (the GB/T 2260 list in
shared/regions, the sample list's 实施主体), not against copies of the Turtle."""

import csv
import hashlib

import pytest

from quanze.catalog import loads
from quanze.reference import ONTOLOGY_GRAPH, PROVINCE, REFERENCE_GRAPH, reference_graphs
from quanze.settings import ROOT
from quanze.store import EmbeddedStore, Iri

from .conftest import quanze_cli

PREFIXES = """PREFIX qz: <https://w3id.org/quanze/ns#>
PREFIX region: <https://w3id.org/quanze/id/region/>
PREFIX level: <https://w3id.org/quanze/id/level/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"
LEVELS = {"province": "provincial", "city": "municipal", "county": "county"}


@pytest.fixture(scope="module")
def store(reference_store):
    return reference_store


@pytest.fixture(scope="module")
def divisions() -> list[dict[str, str]]:
    """shared/regions/shandong.csv (code,name,level,parent_code), the source of regions.ttl."""
    path = ROOT.parent / "shared" / "regions" / "shandong.csv"
    if not path.exists():
        pytest.skip(f"the division list is not available: {path}")
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def select(store, body: str, **bound):
    return store.select(PREFIXES + body, bound or None)


def zones(store, cls: str | None = None) -> dict[str, dict]:
    """Zones of the reference graph: IRI → type (the most specific qz: class), zh label, altLabels,
    whole zone it is part of, region it lies in (with that region's code and parent)."""
    rows = select(store, f"""SELECT ?z ?type ?label ?alt ?whole ?region ?code ?parent WHERE {{
        GRAPH <{REFERENCE_GRAPH}> {{ ?z a ?type ; skos:prefLabel ?label . FILTER(lang(?label) = "zh")
            OPTIONAL {{ ?z skos:altLabel ?alt }} OPTIONAL {{ ?z qz:partOf ?whole }}
            OPTIONAL {{ ?z qz:locatedIn ?region . ?region qz:divisionCode ?code OPTIONAL {{ ?region qz:partOf ?parent }} }} }}
        GRAPH <{ONTOLOGY_GRAPH}> {{ ?type rdfs:subClassOf qz:FunctionalZone }}
        {"VALUES ?type { UNDEF }" if cls else ""} }}""", **({"type": Iri("https://w3id.org/quanze/ns#" + cls)} if cls else {}))
    out: dict[str, dict] = {}
    for r in rows:
        z = out.setdefault(r["z"], {"type": r["type"].rsplit("#", 1)[-1], "label": r["label"], "alt": set(),
                                    "whole": r["whole"], "region": r["region"], "code": r["code"], "parent": r["parent"]})
        if r["alt"]:
            z["alt"].add(r["alt"])
    return out


def named(zs: dict[str, dict], name: str) -> tuple[str, dict]:
    """The one zone called ``name`` (its prefLabel or an altLabel)."""
    hits = [(iri, z) for iri, z in zs.items() if name == z["label"] or name in z["alt"]]
    assert len(hits) == 1, f"{name}: {hits}"
    return hits[0]


# --- functional zones (the plan's 精准定向赋权 targets) ----------------------------------------------

def test_pilot_free_trade_zone_and_its_three_areas(store):
    zs = zones(store)
    ftz, whole = named(zs, "中国（山东）自由贸易试验区")
    assert whole["type"] == "PilotFreeTradeZone" and whole["code"] == PROVINCE
    areas = {iri: z for iri, z in zs.items() if z["whole"] == ftz}
    assert all(z["type"] == "FreeTradeZoneArea" for z in areas.values())
    cities = {r["name"]: r["code"] for r in select(store, """SELECT ?name ?code WHERE {
        ?r a qz:Region ; qz:level level:municipal ; skos:prefLabel ?name ; qz:divisionCode ?code }""")}
    # 济南、青岛、烟台片区, each part of the zone and lying in its city
    assert {z["label"]: z["code"] for z in areas.values()} == {
        f"中国（山东）自由贸易试验区{c}片区": cities[f"{c}市"] for c in ("济南", "青岛", "烟台")}
    for c in ("济南", "青岛", "烟台"):
        assert named(zs, f"{c}片区")[0] in areas


def test_sco_demonstration_zone_and_west_coast_new_area(store, divisions):
    code = {d["name"]: d["code"] for d in divisions}
    zs = zones(store)
    _, sco = named(zs, "中国—上合组织地方经贸合作示范区")  # the plan's short name is an altLabel
    assert sco["type"] == "SCODemonstrationZone" and sco["code"] == code["青岛市"]
    _, west = named(zs, "青岛西海岸新区")
    assert west["type"] == "NationalNewArea"
    # it lies in 黄岛区, a county-level division of 青岛市
    assert west["code"] == code["黄岛区"] and west["parent"].rsplit("/", 1)[-1] == code["青岛市"]


def test_national_development_zones_lie_in_shandong_cities(store, divisions):
    dev = zones(store, "NationalDevelopmentZone")
    assert len(dev) >= 10
    kinds = {r["z"]: r["kind"] for r in select(store, "SELECT ?z ?kind WHERE { ?z a qz:NationalDevelopmentZone ; qz:zoneKind ?kind }")}
    assert set(kinds) == set(dev)
    assert set(kinds.values()) == {"经济技术开发区", "高新技术产业开发区"}
    cities = {d["code"] for d in divisions if d["level"] == "city"}
    for z in dev.values():
        assert z["code"] in cities, f"{z['label']} lies in {z['code']}, not a Shandong city"
        assert z["label"].endswith("开发区"), z["label"]
    # the zones are of the five functional-zone classes, and of no other
    assert {z["type"] for z in zones(store).values()} == {
        "PilotFreeTradeZone", "FreeTradeZoneArea", "SCODemonstrationZone", "NationalNewArea", "NationalDevelopmentZone"}


# --- organisations ------------------------------------------------------------------------------

def test_sample_list_departments_are_provincial_organisations(store):
    with open(SAMPLE, encoding="utf-8-sig") as fh:
        bodies = {r["实施主体"].strip() for r in csv.DictReader(fh)}
    provincial = {b for b in bodies if b.startswith("省")}
    assert provincial, "the sample names no provincial department"
    rows = select(store, f"""SELECT ?name ?org ?level ?region WHERE {{ VALUES ?name {{ UNDEF }}
        GRAPH <{REFERENCE_GRAPH}> {{ ?org a qz:PublicAuthority ; skos:altLabel|skos:prefLabel ?label ;
             qz:level ?level . OPTIONAL {{ ?org qz:region ?region }} }} FILTER(str(?label) = ?name) }}""",
                  name=sorted(provincial))
    found: dict[str, set] = {}
    for r in rows:
        found.setdefault(r["name"], set()).add((r["org"], r["level"], r["region"]))
    assert set(found) == provincial, f"not in the reference data: {sorted(provincial - set(found))}"
    for name, orgs in found.items():
        assert len(orgs) == 1, f"{name} names {orgs}"
        (_org, lvl, region), = orgs
        assert lvl.endswith("/level/provincial") and region.endswith(f"/region/{PROVINCE}"), name
    # the named city bodies of the sample (济南市城市管理局, …) are not provincial organisations
    others = sorted(bodies - provincial)
    if others:
        assert not select(store, """SELECT ?org WHERE { VALUES ?name { UNDEF }
            ?org qz:level level:provincial ; skos:altLabel|skos:prefLabel ?label . FILTER(str(?label) = ?name) }""",
                          name=others)


def test_each_provincial_department_has_its_city_and_county_body(store):
    rows = select(store, """SELECT ?key (COUNT(DISTINCT ?level) AS ?n) WHERE {
        ?org a qz:PublicAuthority ; qz:functionKey ?key ; qz:level ?level } GROUP BY ?key""")
    keys = {r["key"]: r["n"] for r in rows}
    with open(ROOT / "data" / "reference" / "departments.csv", encoding="utf-8") as fh:
        assert set(keys) == {d["function_key"] for d in csv.DictReader(fh)}
    assert set(keys.values()) == {3}  # provincial, municipal, county


def test_every_department_is_classified_for_the_zone_scope():
    """The ``economic`` column decides which items the plan lets zones receive (二（四）: 经济管理权限):
    every department is classified, and the sample list's 实施主体 are found at every level."""
    from quanze.reference import ECONOMIC, department_of, departments

    deps = departments()
    assert deps and all(d.economic in ECONOMIC for d in deps)
    by_key = {d.function_key: d.economic for d in deps}
    # the legal review's examples: social management and public services, economic management
    assert {k: by_key[k] for k in ("人力资源和社会保障", "卫生健康", "教育", "公安", "民政")} == dict.fromkeys(
        ("人力资源和社会保障", "卫生健康", "教育", "公安", "民政"), "no")
    assert {by_key[k] for k in ("发展和改革", "工业和信息化", "自然资源", "住房和城乡建设", "交通运输", "水利", "农业农村",
                                "商务", "市场监督管理", "地方金融监督管理", "能源")} == {"yes"}
    with open(SAMPLE, encoding="utf-8-sig") as fh:
        bodies = {r["实施主体"].strip() for r in csv.DictReader(fh)}
    found = {b: department_of(b) for b in bodies}
    # Shandong has no provincial 城市管理 department: the one body the reference data cannot place
    assert {b for b, d in found.items() if d is None} == {"济南市城市管理局"}
    for b, d in found.items():
        if b.startswith("省") and d is not None:
            assert d.short_name == b, b


@pytest.mark.parametrize("written, key", [
    ("省药品监督管理局", "药品监督管理"), ("山东省药品监督管理局", "药品监督管理"), ("市市场监督管理局", "市场监督管理"),
    ("济南市工业和信息化局", "工业和信息化"), ("青岛市公安局", "公安"), ("历城区卫生健康局", "卫生健康"),
    ("济南市人民政府外事办公室", "外事"), ("青岛西海岸新区市场监督管理局", "市场监督管理"),
    ("济南市城市管理局", None), ("济南市市场监督管理局历城分局", None), ("省", None), ("", None),
])
def test_a_body_as_lists_write_it_belongs_to_its_department(written, key):
    from quanze.reference import department_of

    d = department_of(written)
    assert (d.function_key if d else None) == key


def test_an_unknown_classification_is_refused(tmp_path):
    from quanze.reference import departments

    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "departments.csv").write_text(
        "name,short_name,en_name,function_key,economic\n山东省某厅,省某厅,Some Department,某,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="yes、no 或 mixed"):
        departments(tmp_path)
    (tmp_path / "reference" / "departments.csv").write_text(
        "name,short_name,en_name,function_key\n山东省某厅,省某厅,Some Department,某\n", encoding="utf-8")
    assert departments(tmp_path)[0].economic is None  # a file without the column: not classified, never guessed


# --- regions ------------------------------------------------------------------------------------

def test_sixteen_cities_part_of_shandong_with_their_codes(store, divisions):
    rows = select(store, f"""SELECT ?code ?name WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{
        ?r a qz:Region ; qz:level level:municipal ; qz:divisionCode ?code ; skos:prefLabel ?name ;
           qz:partOf ?p . ?p skos:prefLabel "山东省"@zh ; qz:divisionCode "{PROVINCE}" }} }}""")
    cities = {(d["code"], d["name"]) for d in divisions if d["level"] == "city" and d["parent_code"] == PROVINCE}
    assert len(cities) == 16
    assert {(r["code"], r["name"]) for r in rows} == cities
    # and each region's IRI is qzid:region/{its code}
    for r in select(store, "SELECT ?r ?code WHERE { ?r a qz:Region ; qz:divisionCode ?code }"):
        assert r["r"] == f"https://w3id.org/quanze/id/region/{r['code']}"


def test_every_division_matches_the_gb_t_2260_list(store, divisions):
    rows = select(store, f"""SELECT ?code ?name ?level ?parent WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{
        ?r a qz:Region ; qz:divisionCode ?code ; skos:prefLabel ?name ; qz:level ?level .
        OPTIONAL {{ ?r qz:partOf/qz:divisionCode ?parent }} }} }}""")
    stored = {(r["code"], r["name"], r["level"].rsplit("/", 1)[-1], r["parent"] or "") for r in rows}
    assert stored == {(d["code"], d["name"], LEVELS[d["level"]], d["parent_code"]) for d in divisions}


# --- provenance ---------------------------------------------------------------------------------

def test_init_records_each_graphs_sources_and_graphs_shows_their_digest(tmp_path, monkeypatch):
    """Each graph's catalog record names its source files and the sha256 of their bytes;
    ``quanze graphs`` shows that digest (its first 12 hex digits)."""
    from rich.console import Console

    from quanze import cli

    monkeypatch.setattr(cli, "console", Console(width=200))  # wide enough that no cell folds
    path = str(tmp_path / "store")
    assert quanze_cli("--store", path, "init").exit_code == 0
    shown = quanze_cli("--store", path, "graphs")
    assert shown.exit_code == 0 and "sha256" in shown.stdout
    store = EmbeddedStore(tmp_path / "store")
    records = {r.graph: r for r in loads(store)}
    store.close()
    for graph, (_triples, files) in reference_graphs().items():
        digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
        assert records[graph].sha256 == digest and records[graph].file_name == ", ".join(f.name for f in files)
        assert digest[:12] in shown.stdout
