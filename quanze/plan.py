"""``quanze plan status``: per measure of the plan, what is due, what recorded actions have
done, and what is overdue on a given date.

The measures and their deadlines are data (``data/plan.ttl``, graph ``qzid:graph/plan``);
which items a measure concerns is decided here, from the same facts as ``quanze blockers``:

* 取消市级层面设定的行政许可 (``cancel-city-licences``): licences set only by a city's
  instrument; done when a 取消 action is recorded;
* 市县同权 (``city-county-equal``): licences exercised at city but not county level; done
  when an action (下放, 委托, 窗口前移, 审核转报) takes them to the county;
* 全面下放省级权力 / 试点 / 扩展 (``devolve-provincial-powers``, ``pilot-cities``,
  ``extend-to-other-cities``): provincial items that are not sensitive and not exercised by
  cities; done by an action towards the city level;
* 赋权功能区 (``zone-empowerment``): done by 赋权 actions to a zone (its deadline is a rule,
  one month after a zone's body is set up, not a date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from quanze.devolution import Analysis, gather
from quanze.namespaces import QZ, SKOS
from quanze.store import Store

_MEASURES = f"""
SELECT ?m ?label ?deadline ?rule WHERE {{
  ?m a <{QZ.Measure}> ; <{SKOS.prefLabel}> ?label . FILTER(lang(?label) = "zh")
  OPTIONAL {{ ?m <{QZ.deadline}> ?deadline }}
  OPTIONAL {{ ?m <{QZ.deadlineRule}> ?rule . FILTER(lang(?rule) = "zh") }}
}} ORDER BY ?deadline ?m
"""
TO_COUNTY = {"devolve", "entrust", "window-forward", "review-forward"}
TO_CITY = TO_COUNTY | {"empower"}


def status(store: Store, as_of: date) -> list[dict[str, Any]]:
    facts = gather(store)
    city = Analysis(facts, "市级")
    rows: list[dict[str, Any]] = []
    for r in store.select(_MEASURES):
        slug = str(r["m"]).rsplit("/", 1)[-1]
        due, done, detail = _concern(slug, facts, city)
        deadline = r["deadline"]
        late = bool(deadline) and as_of > date.fromisoformat(str(deadline))
        rows.append({
            "measure": r["label"], "slug": slug, "deadline": deadline or r["rule"] or "",
            "due": len(due) if due is not None else None, "done": len(done) if done is not None else None,
            "overdue": len(set(due) - set(done)) if late and due is not None and done is not None else 0,
            "overdue_items": sorted(set(due) - set(done)) if late and due is not None and done is not None else [],
            "detail": detail,
        })
    return rows


def _concern(slug: str, facts: Any, city: Analysis) -> tuple[list[str] | None, list[str] | None, str]:
    items = facts.items
    acts = facts.actions

    def with_action(codes: list[str], kinds: set[str], level: str | None = None, zone: bool = False) -> list[str]:
        by_code = {items[i]["code"]: i for i in items}
        return [c for c in codes if any(a["type"] in kinds and (level is None or a["to_level"] == level)
                                        and (not zone or a["to_zone"]) for a in acts.get(by_code[c], []))]

    if slug == "cancel-city-licences":
        due = sorted(city.own(i)["code"] for i in items if city.own(i)["city_set_licence"])
        return due, with_action(due, {"cancel"}), "仅由设区的市地方性法规设定的行政许可"
    if slug == "city-county-equal":
        due = sorted(items[i]["code"] for i in items if items[i]["type"] == "行政许可"
                     and "municipal" in items[i]["levels"] and "county" not in items[i]["levels"]
                     and not items[i]["security"])
        return due, with_action(due, TO_COUNTY, "county"), "市级行使、县级尚未行使的行政许可"
    if slug in ("devolve-provincial-powers", "pilot-cities", "extend-to-other-cities"):
        due = sorted(items[i]["code"] for i in items if items[i]["levels"] == {"provincial"} and not items[i]["security"])
        return due, with_action(due, TO_CITY, "municipal"), "仅省级行使、不涉及安全的事项"
    if slug == "zone-empowerment":
        due = sorted(items[i]["code"] for i in items if "provincial" in items[i]["levels"] and not items[i]["security"])
        return None, with_action(due, {"empower"}, zone=True), "已记录的赋权功能区事项"
    return None, None, ""
