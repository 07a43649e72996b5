"""``quanze plan status``: per measure of the plan, what is due, what recorded actions have
done, what waits for a change of the law, and what is overdue on a given date.

The measures, their deadlines, the actions they prescribe (``qz:prescribes``) and the cities
they name (``qz:targetRegion``, ``qz:pilotRegion``) are data (``data/plan.ttl``, graph
``qzid:graph/plan``); which items a measure concerns is decided here, from the same facts and
the same assessments as ``quanze blockers`` (:mod:`quanze.devolution`):

* 取消市级层面设定的行政许可 (``cancel-city-licences``): licences set only by a city's
  instrument; done when a 取消 action is recorded;
* 市县同权 (``city-county-equal``): licences exercised at city but not county level, less those
  to be cancelled (a recorded 取消, or a licence only a city's instrument sets: the plan orders it
  cancelled, not moved); done by 下放, 窗口前移 or 审核转报 to the county — the three ways the
  plan names (二（三）) — or by a lawful 委托;
* 全面下放省级权力 / 试点 / 扩展 (``devolve-provincial-powers``, ``pilot-cities``,
  ``extend-to-other-cities``): provincial items that are not sensitive, not exercised by cities
  and not to be cancelled; done by a 下放 or a lawful 委托 to the city level that reaches every
  city the measure names (the 3 pilot cities, the other 13, all 16). 窗口前移 and 审核转报 leave
  the decision with the province: interim arrangements, not the devolution 二（二） orders;
* 赋权功能区 (``zone-empowerment``): done by 赋权 actions to a zone on the economic management
  powers of the province or a city (省市两级各项经济管理权限, 二（四）) that are not sensitive —
  the items ``blockers --to 功能区`` does not call outside the zones' scope
  (:func:`quanze.devolution.zone_scope`); what is due is not known (the zones' needs decide it) and its deadline is a rule, one month after a zone's body is set up, not a date:
  whether anything is overdue cannot be judged (``overdue`` null, 无法判定);
* the other measures concern no items here: their figures are null (blank in the table).

委托 counts where a measure prescribes 下放: the plan treats 委托下放 as a way of 下放 (三（三）：
“对委托下放事项，委托主体要承担法律责任”) and sets 委托 beside 下放 (二（三）：“对法律法规规定不能
下放和委托的事项…”). An entrustment needs a provision allowing it (行政许可法第二十四条): where the
law fixes the level above the target, only one the blocking provisions allow counts.

An action is not done when it conflicts with its legal basis (调整与法定依据冲突: a 下放 or 赋权
below the level a blocking provision fixes), or when nothing the item cites shows its basis (a 委托
no blocking provision allows: 未见委托的法定依据, to be verified; :meth:`Analysis.conflict`). It is listed
apart (``conflict_actions``), and its item stays due. An action of a kind the measure accepts,
towards its target, on an item the measure does not concern (sensitive, already exercised at
the target, outside the zones' scope…) counts for nothing: it is listed apart
(``outside_scope_actions``), with its conflict if it has one, so that no recorded action goes unread. An item that is due, not done, and that the
law keeps above the target with no way the measure accepts left open is 待修法 (awaiting legal
change), apart from 逾期 (overdue): the plan routes it to the legal-change measures (二（一）).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from quanze.devolution import TARGET_ZH, Analysis, Facts, gather, zone_scope
from quanze.level import LEVEL_EN, LEVEL_ZH
from quanze.namespaces import LEVEL, QZ, SKOS
from quanze.store import Store

_MEASURES = f"""
SELECT ?m ?label ?deadline ?rule WHERE {{
  ?m a <{QZ.Measure}> ; <{SKOS.prefLabel}> ?label . FILTER(lang(?label) = "zh")
  OPTIONAL {{ ?m <{QZ.deadline}> ?deadline }}
  OPTIONAL {{ ?m <{QZ.deadlineRule}> ?rule . FILTER(lang(?rule) = "zh") }}
}} ORDER BY ?deadline ?m
"""
_PRESCRIBES = f"SELECT ?m ?type WHERE {{ ?m a <{QZ.Measure}> ; <{QZ.prescribes}> ?type }}"
_REGIONS = f"""
SELECT ?m ?region WHERE {{
  ?m a <{QZ.Measure}> . {{ ?m <{QZ.targetRegion}> ?region }} UNION {{ ?m <{QZ.pilotRegion}> ?region }}
}}"""
_CITIES = f"""
SELECT ?region ?name WHERE {{
  ?region a <{QZ.Region}> ; <{QZ.level}> <{LEVEL.municipal}> ; <{SKOS.prefLabel}> ?name .
  FILTER(lang(?name) = "zh")
}}"""

#: What the table prints for a measure whose deadline is a rule, not a date.
CANNOT_JUDGE = "无法判定 / cannot be judged"

#: The interim paths of the devolution analysis (``alternatives``), by the action type that takes them.
_PATH_ACTION = {"entrust": "entrust", "window_forward": "window-forward", "review_forward": "review-forward"}
#: A body of every city: 各设区的市…, 全省各市…, 市…局 (the list's generic city body).
_EVERY_CITY = re.compile(r"^(?:全省)?各?(?:设区的)?市")


@dataclass(frozen=True)
class Measure:
    """A measure as ``data/plan.ttl`` states it."""

    slug: str
    label: str
    deadline: date | None
    rule: str | None
    prescribes: frozenset[str]  # action-type slugs
    regions: frozenset[str]  # region IRIs every action must reach; empty: the measure names none

    def accepts(self) -> frozenset[str]:
        """The action types that do the measure: those it prescribes, and 委托 where it prescribes
        下放 (the plan's 委托下放, 三（三））."""
        return self.prescribes | ({"entrust"} if "devolve" in self.prescribes else frozenset())


@dataclass(frozen=True)
class Scope:
    """Which items a measure concerns and where its actions go."""

    target: str | None  # the devolution target (市级, 县级, 功能区); None: the action moves nothing
    concerns: Callable[[dict[str, Any], dict[str, Any]], bool]  # (item facts, own assessment) → concerned
    due_known: bool  # False: the items concerned are only those with actions, not what is due
    detail: str


def _to_cancel(own: dict[str, Any]) -> bool:
    """To be cancelled: a recorded 取消, or a licence only a city's instrument sets (the plan
    orders those cancelled, 二（一））. Such an item leaves what is due for devolution."""
    return own["city_set_licence"] or any(a["type"] == "cancel" for a in own["actions"])


def _city_licence(it: dict[str, Any], own: dict[str, Any]) -> bool:
    return (it["type"] == "行政许可" and "municipal" in it["levels"] and "county" not in it["levels"]
            and not it["security"] and not _to_cancel(own))


def _provincial_only(it: dict[str, Any], own: dict[str, Any]) -> bool:
    return it["levels"] == {"provincial"} and not it["security"] and not _to_cancel(own)


def _zone_power(it: dict[str, Any], own: dict[str, Any]) -> bool:
    # 二（四）: “将省市两级各项经济管理权限放足放到位”; the same reading as blockers --to 功能区
    return zone_scope(it["department"], frozenset(it["levels"]))["within"] and not it["security"]


_PROVINCIAL = Scope("市级", _provincial_only, True, "仅省级行使、不涉及安全的事项（应予取消的除外）")
SCOPES: dict[str, Scope] = {
    "cancel-city-licences": Scope(None, lambda it, own: own["city_set_licence"], True,
                                  "仅由设区的市地方性法规设定的行政许可"),
    "city-county-equal": Scope("县级", _city_licence, True, "市级行使、县级尚未行使的行政许可（应予取消的除外）"),
    "devolve-provincial-powers": _PROVINCIAL,
    "pilot-cities": _PROVINCIAL,
    "extend-to-other-cities": _PROVINCIAL,
    "zone-empowerment": Scope("功能区", _zone_power, False, "已记录的赋权功能区事项（省市两级经济管理权限）"),
}


def measures(store: Store) -> list[Measure]:
    """The plan's measures, in deadline order (those without a date first)."""
    prescribes: dict[str, set[str]] = {}
    for r in store.select(_PRESCRIBES):
        prescribes.setdefault(str(r["m"]), set()).add(_tail(str(r["type"])))
    regions: dict[str, set[str]] = {}
    for r in store.select(_REGIONS):
        regions.setdefault(str(r["m"]), set()).add(str(r["region"]))
    return [Measure(_tail(str(r["m"])), r["label"], date.fromisoformat(str(r["deadline"])) if r["deadline"] else None,
                    r["rule"], frozenset(prescribes.get(str(r["m"]), ())), frozenset(regions.get(str(r["m"]), ())))
            for r in store.select(_MEASURES)]


def cities(store: Store) -> dict[str, str]:
    """Region IRI → name (济南市) of every city (设区的市)."""
    return {str(r["region"]): str(r["name"]) for r in store.select(_CITIES)}


def reached_cities(action: dict[str, Any], city_names: dict[str, str]) -> frozenset[str] | None:
    """The cities (region IRIs) an action to the city level reaches, read from its receiving body
    (承接单位): the cities it names (济南市、青岛市、烟台市市场监督管理局); every city for a body of
    the level as a whole (各设区的市…, 市…局) or for none named; None when the name does not say
    which (各沿海设区的市…: some cities)."""
    body = action["to_body"] or ""
    named = frozenset(iri for iri, name in city_names.items() if name.removesuffix("市") in body)
    if named:
        return named
    return frozenset(city_names) if not body or _EVERY_CITY.match(body) else None


def status(store: Store, as_of: date) -> list[dict[str, Any]]:
    facts = gather(store)
    check = Checker(facts, cities(store))
    return [_row(m, check, as_of) for m in measures(store)]


class Checker:
    """The assessments a measure's figures rest on, one :class:`Analysis` per target."""

    def __init__(self, facts: Facts, city_names: dict[str, str]):
        self.f = facts
        self.cities = city_names
        self._analyses: dict[str, Analysis] = {}

    def analysis(self, target: str) -> Analysis:
        if target not in self._analyses:
            self._analyses[target] = Analysis(self.f, target)
        return self._analyses[target]

    def own(self, item: str) -> dict[str, Any]:
        """The item's own assessment; what is read of it here (whether a city sets it, its
        actions) does not depend on the target."""
        return self.analysis("市级").own(item)

    def concerned(self, scope: Scope) -> list[str]:
        """The items (IRIs) the measure concerns, in code order."""
        items = self.f.items
        return sorted((i for i in items if scope.concerns(items[i], self.own(i))), key=lambda i: items[i]["code"])

    def unconcerned_actions(self, m: Measure, scope: Scope) -> list[tuple[str, dict[str, Any]]]:
        """(item IRI, action) for each action the measure would accept towards its target on an item
        it does not concern, in code order."""
        items = self.f.items
        return [(i, a) for i in sorted(items, key=lambda i: items[i]["code"]) if not scope.concerns(items[i], self.own(i))
                for a in self.own(i)["actions"] if a["type"] in m.accepts() and _goes_to(scope.target, a)]

    def open_paths(self, target: str, item: str) -> set[str]:
        """The action types the law leaves open for an item the law keeps above the target: the
        interim paths of the devolution analysis that are available."""
        return {_PATH_ACTION[x["path"]] for x in self.analysis(target).own(item)["alternatives"]
                if x["path"] in _PATH_ACTION and x.get("available", True)}

    def conflict(self, target: str, item: str, action: dict[str, Any]) -> dict[str, Any] | None:
        """How an action towards ``target`` conflicts with the item's legal basis (None: it does
        not), as the devolution analysis marks it (:meth:`Analysis.conflict`)."""
        return self.analysis(target).conflict(item, action)

    def awaiting_legal_change(self, target: str, accepted: frozenset[str], item: str) -> bool:
        """待修法: the law keeps the item above the target and leaves none of the measure's ways open."""
        return self.analysis(target).own(item)["needs_legal_change"] and not self.open_paths(target, item) & accepted


def _goes_to(target: str | None, action: dict[str, Any]) -> bool:
    if target is None:
        return True
    if target == "功能区":
        return bool(action["to_zone"])
    return TARGET_ZH.get(action["to_level"] or "") == target


def _reach(m: Measure, action: dict[str, Any], check: Checker) -> frozenset[str] | None:
    """The measure's cities an action reaches (None: cannot be told); none asked when it names none."""
    if not m.regions:
        return m.regions
    reached = reached_cities(action, check.cities)
    return None if reached is None else reached & m.regions


def _assess(m: Measure, scope: Scope, item: str, check: Checker) -> tuple[bool, list[dict[str, Any]]]:
    """(done, conflicting actions) for one item: done when the lawful actions of the kinds the
    measure accepts, towards its target, together reach every city it names."""
    lawful = False
    reached: set[str] = set()
    conflicts = []
    for a in check.own(item)["actions"]:
        if a["type"] not in m.accepts() or not _goes_to(scope.target, a):
            continue
        cities = _reach(m, a, check)
        if cities is not None and m.regions and not cities:
            continue  # none of this measure's cities (a pilot's action, for the other 13): not its concern
        conflict = check.conflict(scope.target, item, a) if scope.target else None
        if conflict:
            conflicts.append(_conflict_entry(check, item, a, conflict))
        elif cities is not None:
            lawful = True
            reached |= cities
    return lawful and reached >= m.regions, conflicts


def _conflict_entry(check: Checker, item: str, action: dict[str, Any], conflict: dict[str, Any]) -> dict[str, Any]:
    """A conflicting action as legal staff read it: 调整与法定依据冲突, which provisions, why."""
    it = check.f.items[item]
    to = action["to_zone"] or LEVEL_ZH.get(action["to_level"] or "", "")
    to_en = action["to_zone"] or f"{LEVEL_EN.get(action['to_level'] or '', '')} level"
    return {"code": it["code"], "name": it["name"], "action": action["type"], "action_label": action["label"],
            "to": to, "to_body": action["to_body"], "provisions": conflict["provisions"],
            "note": f"{action['label']}至{to}{conflict['said']}：{conflict['note']}",
            "note_en": f"{action['type']} to {to_en}: {conflict['said_en']}: {conflict['note_en']}"}


def _outside_entry(check: Checker, item: str, action: dict[str, Any], scope: Scope,
                   conflict: dict[str, Any] | None) -> dict[str, Any]:
    """An action the measure does not count, as legal staff read it: which item, why not, and its
    conflict with the legal basis if it has one."""
    it = check.f.items[item]
    entry = {"code": it["code"], "name": it["name"], "action": action["type"], "action_label": action["label"],
             "to": action["to_zone"] or LEVEL_ZH.get(action["to_level"] or "", ""), "to_body": action["to_body"],
             "note": f"{action['label']}不计入本措施：本措施统计{scope.detail}",
             "note_en": f"{action['type']} not counted: the measure counts only the items its detail names",
             "conflict": None}
    if conflict:
        entry["conflict"] = _conflict_entry(check, item, action, conflict)
    return entry


def _row(m: Measure, check: Checker, as_of: date) -> dict[str, Any]:
    row: dict[str, Any] = {
        "measure": m.label, "slug": m.slug, "deadline": m.deadline.isoformat() if m.deadline else m.rule or "",
        "deadline_kind": "date" if m.deadline else "rule" if m.rule else "none",
        "due": None, "done": None, "overdue": None, "overdue_items": [], "detail": "",
        "done_items": [], "awaiting_legal_change": None, "awaiting_legal_change_items": [],
        "conflicts": None, "conflict_actions": [], "outside_scope_actions": [],
    }
    scope = SCOPES.get(m.slug)
    if scope is not None:  # else a measure on no items: nothing to count, nothing to judge
        row.update(_figures(m, scope, check, as_of))
    return row


def _figures(m: Measure, scope: Scope, check: Checker, as_of: date) -> dict[str, Any]:
    """Due = done + awaiting legal change + the rest, which is overdue once the date has passed."""
    concerned = check.concerned(scope)
    done, conflicts = [], []
    for item in concerned:
        ok, bad = _assess(m, scope, item, check)
        conflicts += bad
        if ok:
            done.append(item)
    outside = []
    if scope.target:  # a measure that moves nothing (取消) has no target to stray from
        for item, a in check.unconcerned_actions(m, scope):
            # an item already exercised at the target (a mixed 省市县 item) has no blocker reading
            # for it: a conflict would be claimed on a share the action does not move
            known = not check.analysis(scope.target).own(item)["_at_or_below"]
            conflict = check.conflict(scope.target, item, a) if known else None
            outside.append(_outside_entry(check, item, a, scope, conflict))
    out: dict[str, Any] = {"detail": scope.detail, "done": len(done), "done_items": _codes(check, done),
                           "conflicts": len(conflicts), "conflict_actions": conflicts, "outside_scope_actions": outside}
    if not scope.due_known:
        return out
    rest = [i for i in concerned if i not in set(done)]
    waiting = [i for i in rest if scope.target and check.awaiting_legal_change(scope.target, m.accepts(), i)]
    late = [i for i in rest if i not in set(waiting)] if m.deadline and as_of > m.deadline else []
    out.update(due=len(concerned), awaiting_legal_change=len(waiting), awaiting_legal_change_items=_codes(check, waiting),
               overdue_items=_codes(check, late),
               # a date says what is late; with a rule it cannot be judged, with no deadline nothing is
               overdue=len(late) if m.deadline else None if m.rule else 0)
    return out


def _codes(check: Checker, items: list[str]) -> list[str]:
    return [check.f.items[i]["code"] for i in items]


def overdue_cell(row: dict[str, Any]) -> str:
    """The 逾期 cell of the table: the count, 无法判定 for a deadline that is a rule, blank where
    the measure's items are not tracked."""
    if row["overdue"] is not None:
        return str(row["overdue"])
    return CANNOT_JUDGE if row["deadline_kind"] == "rule" else ""


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
