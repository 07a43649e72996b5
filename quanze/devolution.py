"""The core question: which items need legal change before devolution, because of which
article, and who must change it — plus what may be done meanwhile and what must move along.

Every fact comes from the ``.rq`` queries in ``quanze/queries`` (run unchanged on every
backend); this module only combines them. For an item and a target level:

* a cited provision **blocks** when a level assignment bearing on it (its own, those of the
  paragraphs/items inside a cited article, the lead-in of a cited item) names a level above
  the target: the text fixes the power higher than where it is to go. 县级以上 names the
  county, so it blocks nothing at county level or above;
* ``authority`` — who must change the blocking text: ``central`` (法律, 行政法规, 部门规章,
  宪法: 提出建议按程序上报), ``provincial`` (Shandong's 地方性法规 and 省政府规章: 提出立改废意见)
  or ``municipal`` (a city's own regulation);
* ``sensitive`` — a 安全类别 excludes the item whatever its law says;
* ``city_set_licence`` — a 行政许可 whose every 设定依据 is a city's instrument: to be cancelled;
* ``chain`` — the items that must move with it (一链办理, transitively, in both directions);
* ``status`` — at_or_below_target for an item exercised nowhere above the target (nothing is
  to move: a level its legal bases do not allow is the validation's concern, 层级与法定依据不符,
  and it blocks no chain), unless it is to be cancelled; otherwise the first that applies of
  excluded, cancel, outside_zone_scope (the zone target only), needs_legal_change,
  chain_blocked, at_or_below_target (exercised at the target as well as above it), devolvable.

Targets: 市级 (city), 县级 (county), 功能区 (zone). A zone's administration exercises city
powers (赋权 from province and city), so the law is read as for the city level. But a zone
receives only what the plan gives it (二（四）, 实施精准定向赋权): “省市两级各项经济管理权限”. An item
of a department classified as social management or public services (data/reference/departments.csv,
column ``economic``), or exercised neither by the province nor by a city, is outside_zone_scope,
with its reasons (``zone_scope``); an item whose department cannot be classified is assessed, and
says so. And since a zone receives powers by the government's decision (“按程序提请同级政府研究后
予以公布”), not by devolution, its devolvable reads 可赋权（按程序）.
"""

from __future__ import annotations

import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox

from quanze.citation import book_title
from quanze.closure import reachable
from quanze.level import LEVEL_EN, LEVEL_ZH, LEVELS, RANK, ROLE_OF_ITEM, ROLES
from quanze.namespaces import LEVEL, QZ, item_iri
from quanze.numerals import article_label, paragraph_label, point_label
from quanze.reference import Department, department_of
from quanze.review import effective, review_rows
from quanze.store import Iri, Store

TARGETS = {"市级": "municipal", "city": "municipal", "municipal": "municipal",
           "县级": "county", "county": "county",
           "功能区": "zone", "zone": "zone"}
TARGET_ZH = {"municipal": "市级", "county": "县级", "zone": "功能区"}
TARGET_EN = {"municipal": "city level", "county": "county level", "zone": "the functional zone"}
STATUSES = ("excluded", "cancel", "outside_zone_scope", "needs_legal_change", "chain_blocked", "devolvable",
            "at_or_below_target")
STATUS_ZH = {"excluded": "不予下放（涉及安全）", "cancel": "应予取消", "outside_zone_scope": "不属于功能区赋权范围",
             "needs_legal_change": "需修改法律依据", "chain_blocked": "关联事项受阻", "devolvable": "可直接下放",
             "at_or_below_target": "已在目标层级或以下"}
#: A zone receives a power by 赋权 the government decides (二（四）: “按程序提请同级政府研究后予以公布”),
#: not by devolution: 可直接下放 would misread the plan.
ZONE_STATUS_ZH = {**STATUS_ZH, "devolvable": "可赋权（按程序）"}
AUTHORITY_ZH = {"central": "中央层面：提出建议按程序上报", "provincial": "省级层面：提出立改废意见",
                "municipal": "市级层面：由设区的市修改或废止"}
CENTRAL_TYPES = {"constitution", "law", "administrative-regulation", "departmental-rule"}
SECURITY_ZH = {"national": "国家安全", "public": "公共安全", "ecological": "生态安全", "ideological": "意识形态安全"}


@cache
def query_text(name: str) -> str:
    """A query of ``quanze/queries`` by name (without ``.rq``)."""
    return resources.files("quanze.queries").joinpath(f"{name}.rq").read_text(encoding="utf-8")


def status_label(status: str, target: str) -> str:
    """A status in Chinese as the target reads it (the zone's devolvable is 可赋权（按程序）)."""
    return (ZONE_STATUS_ZH if target_level(target) == "zone" else STATUS_ZH)[status]


def target_level(text: str) -> str:
    try:
        return TARGETS[text]
    except KeyError:
        raise ValueError(f"未知的目标层级 {text!r}（可用：市级、县级、功能区）/ unknown target {text!r} "
                         f"(use 市级|县级|功能区 or city|county|zone)") from None


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@cache
def provision_parts(iri: str) -> tuple[str, str | None, str | None, str | None]:
    """(version IRI, 第X条, 第X款, 第X项) from a provision IRI of Quanze's stable scheme."""
    version, _, rest = iri.partition("/art_")
    if not rest:
        return iri, None, None, None
    parts = rest.split("/")
    num, _, ins = parts[0].partition("-")
    article = article_label(int(num), int(ins) if ins else None)
    par = next((paragraph_label(int(p[4:])) for p in parts[1:] if p.startswith("par_")), None)
    pt = next((point_label(int(p[3:])) for p in parts[1:] if p.startswith("pt_")), None)
    return version, article, par, pt


@dataclass
class Facts:
    """What the queries returned, indexed for assembly."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    bases: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    assignments: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))  # cited → role readings
    entrustments: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))  # cited → 委托规定
    reviews: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))  # cited → 层级校核
    texts: dict[str, str] = field(default_factory=dict)
    instruments: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    chains: dict[str, frozenset[str]] = field(default_factory=dict)  # item → its 一链办理 chain


SCOPE = "{ SELECT DISTINCT ?item WHERE { VALUES ?scope { UNDEF } ?item qz:exercisedAt ?scope } }"


def scoped(query: str) -> str:
    """``query`` (items.rq or item_facets.rq) restricted to the items exercised at the levels
    bound to ``?scope``: a subquery the engine hash-joins with the query's own (see items.rq).
    Added only when a scope is asked for, so that an unscoped report also sees items that
    name no level."""
    head = "WHERE {\n"
    at = query.index(head, query.index("SELECT")) + len(head)
    return f"{query[:at]}  {SCOPE}\n{query[at:]}"


def _select(store: Store, name: str, scope: list[str] | None) -> list[dict[str, Any]]:
    if scope is None:
        return store.select(query_text(name))
    return store.select(scoped(query_text(name)), {"scope": [Iri(str(LEVEL[lv])) for lv in scope]})


Items = dict[str, dict[str, Any]]
FACT_SEPARATOR = "\x1f"  # item_facets.rq joins an item's facts with U+001F
Bases = dict[str, set[tuple[str, str]]]


def _entry(out: Items, r: dict[str, Any]) -> dict[str, Any]:
    return out.setdefault(str(r["item"]), {"code": r["code"], "name": r["name"], "type": r["type"],
                                           "department": None, "levels": set(), "security": None,
                                           "handling": None})


def _base(role: str) -> str:
    return _tail(role.replace("#", "/"))


def _bound_items(store: Store, items: list[str]) -> tuple[Items, Bases]:
    """A few items by IRI, with their bases: item_summary.rq and item_bases.rq, which start
    from the bound items (Oxigraph joins a bound ``VALUES ?item`` with items.rq's subqueries
    by scanning the whole store)."""
    out: Items = {}
    bases: Bases = defaultdict(set)
    ids = [Iri(i) for i in items]
    for r in store.select(query_text("item_summary"), {"item": ids}):
        it = _entry(out, r)
        it["department"], it["security"], it["handling"] = r["department"], r["security"], r["handling"]
        if r["level"]:
            it["levels"].add(_tail(str(r["level"])))
    for r in store.select(query_text("item_bases"), {"item": ids}):
        bases[str(r["item"])].add((_base(str(r["role"])), str(r["cited"])))
    return out, bases


def _scanned_items(rows: list[dict[str, Any]], facets: list[dict[str, Any]]) -> tuple[Items, Bases]:
    """Items and their bases from the scans of items.rq and item_facets.rq."""
    out: Items = {}
    bases: Bases = defaultdict(set)
    for r in rows:
        _entry(out, r)
    for r in facets:
        item = str(r["item"])
        it = out.get(item)
        if it is None:
            continue
        for fact in str(r["facts"]).split(FACT_SEPARATOR):
            facet, _, value = fact.partition("=")
            if facet == "level":
                it["levels"].add(_tail(value))
            elif facet in ("legalBasis", "implementationBasis"):
                bases[item].add((facet, value))
            elif facet:
                it[facet] = value
    return out, bases


def gather(store: Store, items: list[str] | None = None, department: str | None = None,
           scope: list[str] | None = None) -> Facts:
    """Run the queries once for a set of items (None = all; ``scope``: only those exercised at
    one of these levels) and index the answers. Items related to them (一链办理) are gathered too,
    so every chain member has its own assessment."""
    f = Facts()
    if items is None:
        # Three whole-store scans; the engine serialises results outside the GIL, so they
        # overlap on two cores (a remote endpoint answers them side by side).
        with ThreadPoolExecutor(3) as pool:
            jobs = [pool.submit(_select, store, "items", scope), pool.submit(_select, store, "item_facets", scope),
                    pool.submit(store.select, query_text("related"))]
            rows, facets, related = (j.result() for j in jobs)
        f.items, bases = _scanned_items(rows, facets)
    else:
        related = store.select(query_text("related"))
        f.items, bases = _bound_items(store, items)
    if department is not None:
        f.items = {i: it for i, it in f.items.items() if it["department"] == department}
    if not f.items:
        return f
    edges: dict[str, set[str]] = defaultdict(set)
    for r in related:
        a, b = str(r["item"]), str(r["related"])
        edges[a].add(b)
        edges[b].add(a)  # moving together is mutual
    f.chains = components(edges)
    if items is not None or department is not None or scope is not None:
        wanted = set(f.items).union(*(f.chains.get(i, ()) for i in f.items))
        missing = sorted(wanted - set(f.items))
        if missing:
            more, more_bases = _bound_items(store, missing)
            f.items.update(more)
            bases.update(more_bases)
    f.bases.update({i: sorted(b) for i, b in bases.items() if i in f.items})
    cited = sorted({c for bs in f.bases.values() for _, c in bs})
    if cited:
        held, reviews, roles = readings(store, cited)
        f.assignments.update(held)
        f.roles.update(roles)
        f.reviews.update(reviews)
        f.entrustments.update(entrustments_bearing(store, cited))
        units = sorted({a["unit"] for al in (*f.assignments.values(), *f.roles.values()) for a in al})
        if units:
            f.texts = {str(r["unit"]): str(r["text"]) for r in store.select(query_text("provision_text"),
                                                                           {"unit": [Iri(u) for u in units]})}
        versions = sorted({provision_parts(c)[0] for c in cited})
        for r in store.select(query_text("instruments"), {"version": [Iri(v) for v in versions]}):
            inst = f.instruments.setdefault(str(r["version"]), {
                "title": r["title"], "type": _tail(str(r["type"])), "type_label": r["typeLabel"], "issuers": [],
                "issuing_level": _tail(str(r["issuingLevel"])), "current": r["current"], "status": r["status"]})
            if r["issuer"] and r["issuer"] not in inst["issuers"]:
                inst["issuers"].append(r["issuer"])
    # Actions are few (an adjustment list names hundreds of items): one scan of them all.
    for r in store.select(query_text("actions")):
        if str(r["item"]) not in f.items:
            continue
        f.actions[str(r["item"])].append({
            "type": _tail(str(r["type"])), "label": r["typeLabel"],
            "to_level": _tail(str(r["toLevel"])) if r["toLevel"] else None,
            "to_zone": r["toZoneLabel"], "to_body": r["toBody"], "entrusting_body": r["entrusting"],
            "deadline": r["deadline"]})
    return f


def item_role(name: str) -> str | None:
    """The role an item is, by its name (…备案 → 备案, …告知, …公布/公告 → 公布, …再次鉴定 → 再鉴定), or
    None: the item is exercised by the body a paragraph names in that role (level.py §7)."""
    m = ROLE_OF_ITEM.search(name or "")
    return ROLES[m.lastgroup] if m and m.lastgroup else None


Readings = dict[str, list[dict[str, Any]]]


def entrustments_bearing(store: Store, cited: list[str]) -> Readings:
    """For each cited provision, the entrustments (委托规定) of the units bearing on it: unit, the
    entrusting level (``from``), the levels it may entrust to (``to``, empty where the text names
    none) and the words."""
    entrusted: dict[tuple[str, str, str, str], list[str]] = {}
    for r in store.select(query_text("basis_entrustments"), {"cited": [Iri(c) for c in cited]}):
        levels = entrusted.setdefault((str(r["cited"]), str(r["unit"]), _tail(str(r["from"])), r["evidence"]), [])
        if r["to"]:  # one row per entrusted level; none where the text names no level
            levels.append(_tail(str(r["to"])))
    out: Readings = defaultdict(list)
    for (c, unit, by, evidence), to in entrusted.items():
        out[c].append({"unit": unit, "from": by, "to": to, "evidence": evidence})
    return dict(out)


def principal(a: dict[str, Any], entrustments: list[dict[str, Any]]) -> dict[str, Any]:
    """An assignment read at the level of the body that holds the power. In 甲或者其委托的乙 the
    rulebook gives the act the delegate's level (乙 acts); but 乙 acts only as 甲 entrusts it, so the
    power is 甲's to give up: read at 甲's level (``holder``, recorded at import where the assignment
    starts inside the entrustment's words), quoted from the entrustment (one of ``entrustments``,
    its unit's), its 委托 path open to 乙's (旅行社条例第七条: a city's department only as the
    province entrusts it; a legal review). A person's level review is taken as it stands."""
    if not a.get("holder") or a.get("review"):
        return a
    quote = next((e["evidence"] for e in entrustments
                  if e["unit"] == a["unit"] and e["from"] == a["holder"] and a["level"] in e["to"]), a["evidence"])
    return {**a, "level": a["holder"], "evidence": quote, "entrusted_to": a["level"]}


def readings(store: Store, cited: list[str]) -> tuple[Readings, Readings, Readings]:
    """For each cited provision, the level assignments that hold on the units bearing on it — the
    extracted ones (basis_assignments.rq), and a current level review's (层级校核) instead in a unit
    that has one (quanze.review.effective) —, the reviews bearing on it, current or stale, and the
    role readings of those units (level.py §7; a review, which reads what the rulebook counts,
    leaves them as they are)."""
    bound = {"cited": [Iri(c) for c in cited]}
    held: Readings = defaultdict(list)
    roles: Readings = defaultdict(list)
    for r in store.select(query_text("basis_assignments"), bound):
        into = roles if str(r["kind"]) == str(QZ.RoleReading) else held
        into[str(r["cited"])].append({"unit": str(r["unit"]), "level": _tail(str(r["level"])),
                                      "evidence": r["evidence"], "act": r["act"],
                                      **({"holder": _tail(str(r["holder"]))} if r["holder"] else {})})
    by_cited: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.select(query_text("basis_reviews"), bound):
        by_cited[str(r["cited"])].append(r)
    reviews = {c: list(review_rows(rows).values()) for c, rows in by_cited.items()}
    for c, rvs in reviews.items():
        held[c] = effective(held.get(c, []), rvs)
    return dict(held), reviews, dict(roles)


def components(graph: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Each item's 一链办理 chain: the items reachable from it through 关联事项 (itself
    included), computed once for all — an item shares its chain with every member."""
    out: dict[str, frozenset[str]] = {}
    for start in graph:
        if start in out:
            continue
        chain = frozenset(reachable(start, graph))
        out.update(dict.fromkeys(chain, chain))
    return out


def _recorded(action: dict[str, Any]) -> dict[str, Any]:
    """A devolution action already recorded for the item, as an alternative."""
    # the action's own label (窗口前移) must not replace the alternative's: a recorded 窗口前移 beside
    # the generic path read 窗口前移、审核转报、窗口前移
    return {**action, "path": "recorded", "label": f"已记录：{action['label']}", "label_en": f"recorded: {action['type']}"}


#: An entrusted body the text names by its kind (质量监督机构, 检验所), not as a government or one of
#: its departments: "委托至县级" then means such a body, not the county's 人民政府 or 部门.
_INSTITUTION = re.compile(r"委托(?:的|给)?((?:[^，。；、的]{0,12}?)(?:机构|中心|所|站|单位|组织))$")


def entrusted_kind(evidence: str) -> str | None:
    """The kind of body an entrustment names when it is no government body (其委托的质量监督机构 →
    质量监督机构), else None (其委托的部门, 设区的市人民政府)."""
    m = _INSTITUTION.search(evidence)
    return m.group(1) if m and m.group(1) != "机构" and not m.group(1).endswith(("行政机构", "管理机构")) else None


def cited_as(e: dict[str, Any]) -> str:
    """《title》第X条第X款第X项, as legal staff write a provision."""
    return f"{book_title(e['instrument'])}{e['article'] or ''}{e['paragraph'] or ''}{e['item'] or ''}"


def authority(inst: dict[str, Any]) -> str:
    if inst["type"] in CENTRAL_TYPES or inst["issuing_level"] == "national":
        return "central"
    return "provincial" if inst["issuing_level"] == "provincial" else "municipal"


#: The levels whose powers the plan gives zones: “将省市两级各项经济管理权限放足放到位” (二（四）).
ZONE_LEVELS = frozenset({"provincial", "municipal"})
#: Why a social matter is not the zone's: the plan's words, and the zone laws' (each verified in the corpus).
_ZONE_SOCIAL = ("方案二（四）赋予功能区的是“省市两级各项经济管理权限”；自贸试验区片区、青岛西海岸新区的社会管理、公共服务等事务"
                "由所在地人民政府负责（《中国（山东）自由贸易试验区条例》第十条、《山东省青岛西海岸新区条例》第七条第三款），"
                "经济开发区所在地人民政府依法承担社会管理职能（《山东省经济开发区条例》第二十六条第二款）")
_ZONE_SOCIAL_EN = ("the plan (section 2(4)) gives zones the province's and the cities' economic management powers, and the "
                   "zone laws leave social management and public services to the local government (Regulations on the "
                   "China (Shandong) Pilot Free Trade Zone, art. 10; Regulations on the Qingdao West Coast New Area, art. 7(3); "
                   "Regulations on Economic Development Zones, art. 26(2))")
_STILL_ASSESSED = "；仍按功能区评估，请核实"
_STILL_ASSESSED_EN = "; assessed for the zone all the same: to be checked"


def _economic_finding(department: str | None) -> tuple[Department | None, list[str], list[str], list[str], list[str]]:
    """(department, reasons, reasons_en, notes, notes_en) from the classification of the item's
    实施主体: a reason when it is not economic management; a note, and the item kept assessed, when
    it cannot be told (no such department, not yet classified, or a department holding both)."""
    d = department_of(department) if department else None
    if d is None:
        said = f"实施主体“{department}”未能对应到参考数据中的部门" if department else "未注明实施主体"
        said_en = "the implementing body matches no department of the reference data" if department else "no implementing body is given"
        return None, [], [], [f"{said}，无法判断是否属于经济管理权限{_STILL_ASSESSED}"], [
            f"{said_en}, so whether this is an economic management power cannot be told{_STILL_ASSESSED_EN}"]
    if d.economic == "no":
        return d, [f"不属于经济管理权限：实施主体{department}（{d.function_key}），参考数据（departments.csv）将其职能归为"
                   f"非经济管理（社会管理、公共服务等）；{_ZONE_SOCIAL}"], [
            f"not an economic management power: the implementing body does the work of the {d.en_name}, which the "
            f"reference data (departments.csv) classifies as not economic management (social management, public "
            f"services and the like); {_ZONE_SOCIAL_EN}"], [], []
    if d.economic == "mixed":
        return d, [], [], [f"实施主体{department}（{d.function_key}）兼有经济管理与社会管理、公共服务职能，本事项是否属于"
                           f"经济管理权限须逐项核定{_STILL_ASSESSED}"], [
            f"the implementing body does the work of the {d.en_name}, which holds both economic management and social "
            f"management or public-service powers: whether this item is an economic management power is to be decided "
            f"item by item{_STILL_ASSESSED_EN}"]
    if d.economic is None:
        return d, [], [], [f"{d.function_key}部门在参考数据（departments.csv）中尚未归类，无法判断是否属于经济管理权限{_STILL_ASSESSED}"], [
            f"the {d.en_name}'s work is not classified yet (reference data, departments.csv), so whether this is an "
            f"economic management power cannot be told{_STILL_ASSESSED_EN}"]
    return d, [], [], [], []


@cache
def zone_scope(department: str | None, levels: frozenset[str]) -> dict[str, Any]:
    """Whether an item is among the powers the plan gives zones (二（四）): an economic management
    power of the province or of a city. ``within`` is False with ``reasons`` for an item outside
    (its department is classified as social management or public services; or it is exercised
    neither by the province nor by a city); ``notes`` say what could not be told, the item then
    being assessed. Computed once per (实施主体, levels): lists repeat them across thousands of items."""
    d, reasons, reasons_en, notes, notes_en = _economic_finding(department)
    ours = bool(levels & ZONE_LEVELS) if levels else None
    if ours is False:
        named = sorted(levels, key=lambda lv: RANK.get(lv, 9))
        reasons.append(f"不是省市两级的权限：仅由{'、'.join(LEVEL_ZH[lv] for lv in named)}行使，方案二（四）赋予功能区的是"
                       "省市两级权限")
        reasons_en.append(f"not a power of the province or of a city: exercised only at {', '.join(LEVEL_EN[lv] for lv in named)} "
                          "level, and the plan (section 2(4)) gives zones the province's and the cities' powers")
    elif ours is None:
        notes.append(f"未注明行使层级，无法判断是否属于省市两级权限{_STILL_ASSESSED}")
        notes_en.append(f"no level is given, so whether this is a power of the province or of a city cannot be told"
                        f"{_STILL_ASSESSED_EN}")
    return {"within": not reasons, "department_function": d.function_key if d else None,
            "economic": d.economic if d else None, "provincial_or_city": ours,
            "reasons": reasons, "reasons_en": reasons_en, "notes": notes, "notes_en": notes_en}


class Analysis:
    """Assessments of items for one target, computed from one :class:`Facts`."""

    def __init__(self, facts: Facts, target: str, ignore: frozenset[str] = frozenset()):
        self.f = facts
        self.target = target_level(target)
        # A zone exercises city powers: read the law as for the city level.
        self.rank = RANK["municipal" if self.target == "zone" else self.target]
        self.ignore = ignore  # provisions treated as if amended (impact analysis)
        self._own: dict[str, dict[str, Any]] = {}
        self._blocking: dict[tuple[Any, ...], list[dict[str, Any]]] = {}  # (item's role, *its bases) → blocking
        self._read: dict[tuple[Any, ...], list[dict[str, Any]]] = {}  # the same key → bases_read
        self._members: dict[frozenset[str], list[tuple[str, dict[str, Any], bool]]] = {}
        self._entrust: dict[int, dict[str, Any]] = {}  # id of a cached blocking list → its 委托 path

    def blocking(self, item: str) -> list[dict[str, Any]]:
        """The blocking provisions of an item. Lists repeat the same bases across thousands of
        items (every city's and county's copy of a provincial item), so the answer is computed
        once per set of bases."""
        return [dict(b) for b in self._cached_blocking(item)]

    def _cached_blocking(self, item: str) -> list[dict[str, Any]]:
        act = item_role(self.f.items[item]["name"]) if item in self.f.items else None
        key = (act, *sorted(self.f.bases.get(item, [])))
        hit = self._blocking.get(key)
        if hit is None:
            hit = self._blocking[key] = self._blocking_for(key[1:], act)
        return hit

    def _blocking_for(self, bases: tuple[tuple[str, str], ...], act: str | None = None) -> list[dict[str, Any]]:
        """``act``: the role the item is (备案, 告知, 公布, 再鉴定; :func:`item_role`), whose bodies'
        levels block it too."""
        out = []
        for role, cited in bases:
            held = self._held(cited)
            if act:
                held = held + [{**r, "by_role": True} for r in self.f.roles.get(cited, []) if r["act"] == act]
            # the levels each unit fixes: a national one alone in its unit is a central competence
            fixes: dict[str, set[str]] = defaultdict(set)
            for a in held:
                fixes[a["unit"]].add(a["level"])
            for a in sorted(held, key=lambda a: (a["unit"], a["evidence"])):
                if RANK.get(a["level"], 9) >= self.rank or a["unit"] in self.ignore or cited in self.ignore:
                    continue
                version, art, par, pt = provision_parts(a["unit"])
                inst = self.f.instruments.get(version, {})
                # a local instrument's unit fixing the national level alone restates a central competence
                # (国务院…主管部门批准 in a provincial regulation): only a central change can move it. Beside
                # the province's own level in the same unit (一级文物 to the state, the rest to the province)
                # it is the same instrument's to amend (two legal reviews)
                alone = a["level"] == "national" and fixes[a["unit"]] == {"national"}
                auth = "central" if alone or not inst else authority(inst)
                entry = {
                    "instrument": inst.get("title"), "article": art, "paragraph": par, "item": pt,
                    "instrument_type": inst.get("type_label"), "issuer": "、".join(inst.get("issuers", [])) or None,
                    "evidence": a["evidence"], "text": self.f.texts.get(a["unit"], ""), "authority": auth,
                    "authority_label": AUTHORITY_ZH[auth], "level": a["level"], "level_label": LEVEL_ZH[a["level"]],
                    "act": a["act"], "role": "设定依据" if role == "legalBasis" else "实施依据",
                    "provision": a["unit"], "cited": cited, "review": a.get("review"),
                    # the body receives the filing (notice, …) the item is: read for this item only
                    **({"by_role": True} if a.get("by_role") else {}),
                    # the level the text lets act only as the holder entrusts it
                    **({"entrusted_to": LEVEL_ZH[a["entrusted_to"]]} if a.get("entrusted_to") else {}),
                }
                if entry not in out:
                    out.append(entry)
        return out

    def _held(self, cited: str) -> list[dict[str, Any]]:
        """The assignments that hold on a cited provision, each read at the holder's level (:func:`principal`)."""
        return [principal(a, self.f.entrustments.get(cited, [])) for a in self.f.assignments.get(cited, [])]

    def _bases_read(self, item: str) -> list[dict[str, Any]]:
        """Each provision the item cites, with the levels read in it (the rulebook's, a review's, and for
        an item that is a filing, notice, publication or re-appraisal the role readings; highest first).
        Like the blocking list, computed once per (role, bases): lists repeat them across thousands of items."""
        act = item_role(self.f.items[item]["name"])
        key = (act, *self.f.bases.get(item, []))
        if key not in self._read:
            self._read[key] = self._bases_read_for(key[1:], act)
        return [dict(r) for r in self._read[key]]

    def _bases_read_for(self, bases: tuple[tuple[str, str], ...], act: str | None) -> list[dict[str, Any]]:
        out = []
        for role, cited in bases:
            version, art, par, pt = provision_parts(cited)
            title = self.f.instruments.get(version, {}).get("title") or version.rsplit("/", 2)[-2]
            read = [*self._held(cited),
                    *(r for r in self.f.roles.get(cited, []) if act and r["act"] == act)]
            levels = sorted({a["level"] for a in read if a["level"] in RANK}, key=RANK.__getitem__)
            out.append({"role": "设定依据" if role == "legalBasis" else "实施依据", "provision": cited,
                        "citation": cited_as({"instrument": title, "article": art, "paragraph": par, "item": pt}),
                        "levels": [LEVEL_ZH[lv] for lv in levels],
                        # a whole instrument cited is not read article by article (impact refuses it too)
                        "read": art is not None})
        return out

    def own(self, item: str) -> dict[str, Any]:
        """The item's assessment without its chain."""
        if item in self._own:
            return self._own[item]
        it = self.f.items[item]
        levels = sorted(it["levels"], key=lambda lv: RANK.get(lv, 9))
        blocking = self.blocking(item)
        bases = [c for role, c in self.f.bases.get(item, []) if role == "legalBasis"]
        insts = [self.f.instruments.get(provision_parts(c)[0]) for c in bases]
        city_set = (it["type"] == "行政许可" and bool(insts)
                    and all(i is not None and i["issuing_level"] == "municipal" for i in insts))
        actions = sorted(self.f.actions.get(item, []), key=lambda a: (a["type"], a["to_level"] or "", a["to_zone"] or ""))
        lowest = RANK.get(levels[-1], -1) if levels else -1
        target_rank = RANK["county"] if self.target == "zone" else self.rank
        result = {
            "code": it["code"], "name": it["name"], "type": it["type"], "department": it["department"],
            "levels": [LEVEL_ZH[lv] for lv in levels], "target": TARGET_ZH[self.target],
            "sensitive": bool(it["security"]),
            "security_category": SECURITY_ZH.get(_tail(str(it["security"]))) if it["security"] else None,
            "city_set_licence": city_set,
            # what the city must amend or repeal, and who does it (a reader asked for the article)
            **({"city_set_bases": [_city_basis(c, i) for c, i in zip(bases, insts, strict=True)]} if city_set else {}),
            "needs_legal_change": bool(blocking), "blocking": blocking,
            # what was read: a legal reader checks a 可直接下放 against these, not against silence
            "bases_read": self._bases_read(item),
            "actions": [{k: v for k, v in a.items()} for a in actions],
            "_at_or_below": self.target != "zone" and lowest >= target_rank,
            "_not_above": self.target != "zone" and bool(levels) and RANK.get(levels[0], -1) >= target_rank,
            "_cancelled": any(a["type"] == "cancel" for a in actions),
        }
        if self.target == "zone":  # copied: the cached answer is shared by every item alike
            result["zone_scope"] = _copy_scope(zone_scope(it["department"], frozenset(it["levels"])))
        result["alternatives"] = self.alternatives(it, self._cached_blocking(item), actions)
        self._own[item] = result
        return result

    def alternatives(self, it: dict[str, Any], blocking: list[dict[str, Any]], actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The interim paths the plan allows while the law fixes the level. ``blocking`` is a list
        cached by :meth:`_cached_blocking` (its identity keys the 委托 path, shared by all items
        with those provisions)."""
        if not blocking:
            return [_recorded(a) for a in actions]
        entrust = self._entrust_path(blocking)
        out: list[dict[str, Any]] = [dict(entrust, basis=list(entrust["basis"]),
                                          entrustments=[dict(e) for e in entrust["entrustments"]])]
        # The plan offers these two in 市县同权 only (二（三）: “将市级行政许可事项调整由县级实施…前移服务
        # 窗口…办理市级许可事项…完善‘审核转报件’”): for a 市级 行政许可 handled on application, going to
        # the county — not a provincial licence (a review found 50 of 67 offers on those).
        if (self.target == "county" and it["type"] == "行政许可" and "municipal" in it["levels"] and it["handling"]
                and _tail(str(it["handling"])) == "on-application"):
            out.append({"path": "window_forward", "label": "窗口前移", "label_en": "service window moved forward",
                        "available": True, "note": "在下级设立服务窗口受理，审批仍由法定层级作出",
                        "note_en": "a window at the lower level accepts applications; the level the law fixes still decides"})
            out.append({"path": "review_forward", "label": "审核转报", "label_en": "review and forward",
                        "available": True, "note": "下级受理并审核，报法定层级批准（审核转报件）",
                        "note_en": "the lower level accepts and reviews, and forwards to the level the law fixes for approval"})
        for a in actions:
            clash = self._conflict(a, blocking)
            out.append(_recorded(a) if clash is None else {
                **_recorded(a), "conflict": True, "note": f"{clash['said']}：{clash['note']}",
                "note_en": f"{clash['said_en']}: {clash['note_en']}"})
        return out

    def _entrust_path(self, blocking: list[dict[str, Any]]) -> dict[str, Any]:
        entrust = self._entrust.get(id(blocking))
        if entrust is None:  # the same for every item with these blocking provisions
            entrust = self._entrust[id(blocking)] = self.entrust_path(blocking)
        return entrust

    def conflict(self, item: str, action: dict[str, Any]) -> dict[str, Any] | None:
        """How a recorded action conflicts with the item's legal basis (调整与法定依据冲突), or None:
        ``provisions`` (as cited), ``note`` and ``note_en`` (:mod:`quanze.plan` counts such an
        action as not done; the item's alternatives mark it)."""
        blocking = self._cached_blocking(item)
        return self._conflict(action, blocking) if blocking else None

    def _conflict(self, action: dict[str, Any], blocking: list[dict[str, Any]]) -> dict[str, Any] | None:
        """A 下放 or 赋权 to a level below one a blocking provision fixes conflicts with the legal
        basis (``said`` 与法定依据冲突). A 委托 none of the blocking provisions allows is not proven
        unlawful — a law the list does not cite may allow it (山东省测绘地理信息条例第二十条第二款 for
        测绘资质) — but nothing cited shows its basis either (行政许可法第二十四条): ``said``
        未见委托的法定依据, to be verified, and not counted as done. A 窗口前移 or 审核转报 leaves the
        decision where the law puts it, and a 取消 or 收回 moves nothing down."""
        kind = action["type"]
        if kind in ("devolve", "empower"):
            # the level the action hands the power to; a zone's administration counts as the city's
            to = action["to_level"] or ("municipal" if action["to_zone"] else None)
            fixed = [b for b in blocking if to is not None and RANK.get(b["level"], 9) < RANK.get(to, -1)]
            if not fixed:
                return None
            cites = list(dict.fromkeys(cited_as(b) for b in fixed))
            # the lowest level fixed above the destination: a paragraph giving class II to the province
            # and class III to the state is, for a provincial item, the province's (a review found 国家级)
            level = max((b["level"] for b in fixed), key=lambda lv: RANK.get(lv, -1))
            return {"provisions": cites, "said": "与法定依据冲突", "said_en": "conflicts with the legal basis",
                    "note": f"{'、'.join(cites)}规定由{LEVEL_ZH[level]}{'或更高层级' if len({b['level'] for b in fixed}) > 1 else ''}行使，须先修改",
                    # the provisions are named in Chinese only, as the blocking entries list them
                    "note_en": f"{len(cites)} blocking provision(s) fix the {LEVEL_EN[level]} level or above, and must "
                               "be amended first"}
        entrust = self._entrust_path(blocking)
        if kind == "entrust" and (not entrust["entrustments"] or not entrust["available"] and self._reaches(action)):
            # no cited provision allows any entrustment, or none allows this one, to the target
            cites = list(dict.fromkeys(cited_as(b) for b in blocking))
            return {"provisions": cites, "said": "未见委托的法定依据，须核实",
                    "said_en": "no legal basis for the entrustment found, to be verified",
                    "note": entrust["note"], "note_en": entrust["note_en"]}
        return None

    def _reaches(self, action: dict[str, Any]) -> bool:
        """Whether an action's destination is the target: its level, or for a zone any zone."""
        return bool(action["to_zone"]) if self.target == "zone" else action["to_level"] == self.target

    def entrust_path(self, blocking: list[dict[str, Any]]) -> dict[str, Any]:
        """The 委托 path: open only where each blocking provision itself provides that a body may
        entrust another (a 委托规定 of the cited provision, from the blocking level or above:
        省…部门或者其委托的设区的市级…部门 is blocking at the city's level), and names the target
        level among the entrusted body's, or names no level (其委托的部门; for a functional
        zone, whose bodies no text names by level, only this). An entrustment needs such a
        provision (行政许可法第二十四条, 行政处罚法第二十条), and the entrusting body keeps the legal
        responsibility."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        named: dict[tuple[str, str], list[str]] = {}  # the levels (slugs) each entrustment names
        covered = []
        for b in blocking:
            reach = False
            for e in self.f.entrustments.get(b["cited"], []):
                if RANK.get(e["from"], 9) > RANK.get(b["level"], 9):
                    continue
                reaches = not e["to"] or self.target != "zone" and any(RANK.get(lv) == self.rank for lv in e["to"])
                reach = reach or reaches
                version, art, par, pt = provision_parts(e["unit"])
                title = self.f.instruments.get(version, {}).get("title")
                to = sorted(e["to"], key=lambda lv: RANK.get(lv, 9))
                named.setdefault((e["unit"], e["evidence"]), to)
                found.setdefault((e["unit"], e["evidence"]), {
                    "provision": e["unit"], "instrument": title, "article": art, "paragraph": par, "item": pt,
                    "from_level": LEVEL_ZH.get(e["from"], e["from"]), "to_levels": [LEVEL_ZH.get(lv, lv) for lv in to],
                    "evidence": e["evidence"], "reaches_target": reaches})
            covered.append(reach)
        entrustments = sorted(found.values(), key=lambda e: (e["provision"], e["evidence"]))
        reaching = [e for e in entrustments if e["reaches_target"]]
        target, target_en = TARGET_ZH[self.target], TARGET_EN[self.target]
        if entrustments and all(covered):
            # 其委托的质量监督机构: the text names what kind of body, not its level; only such a body
            # at the target level may be entrusted, not the target level's government or departments
            kinds = list(dict.fromkeys(k for e in reaching if not named[(e["provision"], e["evidence"])]
                                       and (k := entrusted_kind(e["evidence"]))))
            note = (f"法定依据允许委托至{target}" + (f"（受委托的须为条文所称的{'、'.join(kinds)}）" if kinds else "")
                    + "：委托机关对委托行为的后果承担法律责任")
            note_en = (f"the legal basis allows entrustment to {target_en}"
                       + (" (only to a body of the kind the provision names, not to that level's government or "
                          "its departments)" if kinds else "")
                       + "; the entrusting body keeps the legal responsibility for what is done on its behalf")
        elif reaching:
            note = f"只有部分阻碍条文允许委托至{target}，其余条文仍须修改后才能下放"
            note_en = (f"only some blocking provisions allow entrustment to {target_en}; the others must still be "
                       "amended before devolution")
        elif entrustments:
            levels = list(dict.fromkeys(lv for e in entrustments for lv in named[(e["provision"], e["evidence"])]))
            note = f"法定依据只允许委托至{'、'.join(LEVEL_ZH[lv] for lv in levels)}，未及{target}"
            note_en = f"the legal basis allows entrustment only to {', '.join(LEVEL_EN[lv] for lv in levels)} level, not to {target_en}"
        else:
            note = "依据条文未规定可以委托；委托须有法律、法规、规章的规定（行政许可法第二十四条）"
            note_en = ("no blocking provision provides for entrustment, and an entrustment needs a law, regulation or "
                       "rule that does (Administrative Licensing Law, art. 24)")
        return {"path": "entrust", "label": "委托", "label_en": "entrust", "available": bool(entrustments) and all(covered),
                "basis": sorted({cited_as(e) for e in reaching}), "note": note, "note_en": note_en,
                "entrustments": entrustments}

    def assess(self, item: str) -> dict[str, Any]:
        """The full assessment: own findings, the chain with each member's, and the status."""
        own = dict(self.own(item))
        members = self.members(self.f.chains.get(item, frozenset()))
        chain = [entry for m, entry, _ in members if m != item]
        blockers = [entry["code"] for m, entry, blocks in members if blocks and m != item]
        own["chain"] = chain
        own["chain_blocked_by"] = blockers
        own["status"] = self._status(own, blockers)
        own["status_label"] = status_label(own["status"], self.target)
        # exercised at the target already: nothing moves, so what its bases fix above blocks nothing (a
        # legal review found such items filed under 中央层面 with 需修改法律依据 in the exports)
        if own["status"] == "at_or_below_target":
            own["blocking"], own["needs_legal_change"] = [], False
            # nor does a recorded action conflict with what blocks nothing; no interim path is needed
            own["alternatives"] = [{k: v for k, v in x.items() if k not in ("conflict", "note", "note_en")}
                                   for x in own["alternatives"] if x["path"] == "recorded"]
        # to be cancelled, kept up, or not the zone's to receive: no path down is offered
        if own["status"] in ("cancel", "excluded", "outside_zone_scope"):
            own["alternatives"] = [x for x in own["alternatives"] if x["path"] == "recorded"]
        own.pop("_at_or_below")
        own.pop("_not_above")
        own.pop("_cancelled")
        return own

    def members(self, chain: frozenset[str]) -> list[tuple[str, dict[str, Any], bool]]:
        """The members of a 一链办理 chain in code order, each with its entry in a chain list
        and whether it blocks the chain; computed once per chain, which all its members share."""
        hit = self._members.get(chain)
        if hit is None:
            hit = self._members[chain] = []
            for m in sorted((m for m in chain if m in self.f.items), key=lambda i: self.f.items[i]["code"] or i):
                o = self.own(m)
                status = self._status(o, [])
                hit.append((m, {"code": o["code"], "name": o["name"], "type": o["type"], "levels": o["levels"],
                                "status": status, "needs_legal_change": o["needs_legal_change"],
                                "sensitive": o["sensitive"], "blocking": o["blocking"]},
                            # a member the zone is not to receive cannot move with the chain; a re-appraisal
                            # (再鉴定) stays above its first appraisal on purpose, the appeal the law provides:
                            # it is no link that must move with the chain (a legal review, 工伤保险条例第二十六条)
                            status in ("excluded", "needs_legal_change", "outside_zone_scope")
                            and item_role(o["name"]) != "再鉴定"))
        return hit

    @staticmethod
    def _status(a: dict[str, Any], chain_blockers: list[str]) -> str:
        if a["_not_above"] and not (a["city_set_licence"] or a["_cancelled"]):
            return "at_or_below_target"
        if a["sensitive"]:
            return "excluded"
        if a["city_set_licence"] or a["_cancelled"]:
            return "cancel"
        if "zone_scope" in a and not a["zone_scope"]["within"]:  # the plan does not give it to zones at all
            return "outside_zone_scope"
        if a["needs_legal_change"]:
            return "needs_legal_change"
        if chain_blockers:
            return "chain_blocked"
        if a["_at_or_below"]:
            return "at_or_below_target"
        return "devolvable"


def _city_basis(cited: str, inst: dict[str, Any]) -> dict[str, Any]:
    """A city instrument's provision setting a licence, as legal staff cite it, with its issuer:
    the body that amends or repeals it (a city's 地方性法规 then goes to the province's standing
    committee for approval, 立法法第八十一条)."""
    _, art, par, pt = provision_parts(cited)
    return {"provision": cited, "citation": cited_as({"instrument": inst["title"], "article": art, "paragraph": par,
                                                      "item": pt}),
            "instrument_type": inst["type_label"], "issuer": "、".join(inst["issuers"]) or None}


def _copy_scope(scope: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in scope.items()}


def as_listed(department: str) -> str:
    """A department as the lists write a provincial body: 山东省药品监督管理局 → 省药品监督管理局."""
    return re.sub(r"^山东省?", "省", department)


def close_departments(store: Store, department: str) -> list[str] | None:
    """None when some item has the 实施主体 ``department``; else the stored names close to it:
    those containing it or contained in it, also once a leading 山东省 or 山东 is read as 省 (the
    lists write 省药品监督管理局, not 山东省药品监督管理局). An answer for a name no item has would
    be an empty list that looks like "nothing blocks"."""
    names = sorted({str(r["d"]) for r in store.select(f"SELECT DISTINCT ?d WHERE {{ ?i <{QZ.implementingBodyName}> ?d }}")})
    if department in names:
        return None
    given = {g for g in (department.strip(), as_listed(department.strip())) if g}
    return [n for n in names if any(g in n or n in g for g in given)]


def blockers(store: Store, to: str, department: str | None = None, all_items: bool = False) -> list[dict[str, Any]]:
    """Assessments for the items exercised above the target (``all_items``: every item)."""
    target = target_level(to)
    # Only items exercised above the target need an assessment (and their chains); a zone sits
    # beside the hierarchy, so every item is read for it.
    above = None if all_items or target == "zone" else [lv for lv in LEVELS if RANK[lv] < RANK[target]]
    analysis = Analysis(gather(store, department=department, scope=above), to)
    out = []
    for item, it in analysis.f.items.items():
        if department and it["department"] != department:
            continue
        if above is not None and not it["levels"] & set(above):
            continue  # a chain member at or below the target: assessed inside its chain only
        a = analysis.assess(item)
        if all_items or a["status"] != "at_or_below_target":
            out.append(a)
    out.sort(key=lambda a: (a["department"] or "", a["code"]))
    return out


def chain(store: Store, code: str, to: str = "县级") -> dict[str, Any]:
    item = str(item_iri(code))
    try:
        ox.NamedNode(item)
    except ValueError:  # a character no IRI may carry: no item can have this code
        raise KeyError(code) from None
    analysis = Analysis(gather(store, items=[item]), to)
    if item not in analysis.f.items:
        raise KeyError(code)
    return analysis.assess(item)


class WholeInstrument(ValueError):
    """An impact asked of a whole instrument: an amendment changes an article, paragraph or item."""

    def __init__(self, iri: str):
        self.zh = "所给的是整部法律文件，请给出条、款或项"
        self.en = "that names a whole instrument: cite an article, paragraph or item"
        super().__init__(f"{self.zh} / {self.en}: {iri}")


def impact(store: Store, provision: str, to: str = "县级") -> list[dict[str, Any]]:
    """Items relying on ``provision`` (an IRI), each with its status now and its status if
    that provision allowed the target level — the drafting office's list for an amendment.
    A whole instrument is no provision to amend: :class:`WholeInstrument`."""
    if provision_parts(provision)[1] is None:
        raise WholeInstrument(provision)
    items = [str(r["item"]) for r in store.select(query_text("provision_items"), {"provision": Iri(provision)})]
    if not items:
        return []
    facts = gather(store, items=items)
    now = Analysis(facts, to)
    contained = {provision}
    amended = Analysis(facts, to, ignore=frozenset(contained | {a["unit"] for al in (*facts.assignments.values(), *facts.roles.values())
                                                               for a in al if a["unit"].startswith(provision + "/")}))
    out = []
    for item in sorted(items, key=lambda i: facts.items[i]["code"]):
        a, b = now.assess(item), amended.assess(item)
        out.append({"code": a["code"], "name": a["name"], "department": a["department"], "levels": a["levels"],
                    "status": a["status"], "status_if_amended": b["status"],
                    "blocking": [x for x in a["blocking"] if x["provision"] == provision
                                 or x["provision"].startswith(provision + "/") or x["cited"] == provision]})
    return out


__all__ = ["Analysis", "WholeInstrument", "blockers", "chain", "impact", "gather", "target_level", "status_label",
           "zone_scope", "STATUSES", "LEVEL", "QZ"]
