"""Assessments for people and machines: JSON (the integrators' contract, docs/blockers.schema.json),
CSV and XLSX (one row per blocking provision), and Markdown / a terminal table for legal staff —
Chinese headings, grouped by department and amendment authority, article text shown."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from quanze.devolution import AUTHORITY_ZH, cited_as, entrustments_bearing, principal, readings
from quanze.level import LEVEL_ZH, LEVELS
from quanze.review import COLUMNS as REVIEW_COLUMNS
from quanze.review import SHEET_CONTEXT
from quanze.store import Iri, Store
from quanze.tables import write_table

FLAT_HEADER = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "目标层级", "结论", "涉及安全", "市级设定许可",
               "需修改依据", "法律文件", "条", "款", "项", "文件类型", "制定机关", "依据原文（证据）", "规定层级", "修改主体", "条文",
               "关联受阻", "委托"]


def _alternatives(alternatives: list[dict[str, Any]]) -> list[str]:
    """The interim paths of a blocked item, for the Markdown report: those open, the 委托 path with
    the provisions that allow it; where the law allows entrustment only above the target, why not."""
    lines = []
    open_paths = [x["label"] + (f"（{'、'.join(x['basis'])}）" if x["path"] == "entrust" and x.get("basis") else "")
                  for x in alternatives if x.get("available", True) and not x.get("conflict")]
    if open_paths:
        lines.append(f"  - 过渡办法：{'、'.join(open_paths)}")
    # a recorded 下放/赋权/委托 the blocking provisions do not allow is no interim path: said as such
    lines += [f"  - {x['label'].removeprefix('已记录：')}（已记录）{x['note']}" for x in alternatives if x.get("conflict")]
    for x in alternatives:
        if x["path"] == "entrust" and not x.get("available") and x.get("entrustments"):
            lines.append(f"  - 委托：{x['note']}")
            lines += [f"    > {cited_as(e)}：“{e['evidence']}”" for e in x["entrustments"]]
    return lines


def to_json(assessments: list[dict[str, Any]]) -> str:
    """The JSON contract (docs/blockers.schema.json), compact: with ``indent`` Python's json
    module leaves its C encoder, and 33,000 assessments took 4.2 s instead of 1.1 s."""
    return json.dumps(assessments, ensure_ascii=False, sort_keys=True)


def said(b: dict[str, Any]) -> str:
    """A blocking entry's evidence, and who reviewed the level when it comes from a level review
    (层级校核), so that a reader of an export can tell a person's reading from the extractor's."""
    review = b.get("review")
    if not review:
        return b["evidence"]
    who = "，".join(filter(None, [review.get("by"), review.get("date")]))
    return f"{b['evidence']}（校核：{who}）" if b["evidence"] else f"（校核：{who}）"


def _to(b: dict[str, Any]) -> str:
    """向, when the text says it just before the evidence: a quote beginning at the body would read as if
    the body applied (规定由省级：“省…部门提出申请”), where the text has it receive the application."""
    at = b["text"].find(b["evidence"]) if b["evidence"] else -1
    return "向" if at > 0 and b["text"][at - 1] == "向" else ""


def flat_rows(assessments: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for a in assessments:
        head = [a["code"], a["name"], a["type"], a["department"], "、".join(a["levels"]), a["target"], a["status_label"],
                "是" if a["sensitive"] else "", "是" if a["city_set_licence"] else "", "是" if a["needs_legal_change"] else ""]
        tail = ["；".join(a.get("chain_blocked_by", [])), entrust_cell(a)]
        if not a["blocking"]:  # a licence a city set is cancelled by the city: it says who changes what
            amend = AUTHORITY_ZH["municipal"] if a["city_set_licence"] else ""
            rows.append(head + [""] * 8 + [amend, ""] + tail)
        for b in a["blocking"]:  # a paragraph fixing two levels (国家级、省级) is two rows, told apart by 规定层级
            rows.append(head + [b["instrument"], b["article"], b["paragraph"] or "", b["item"] or "", b["instrument_type"],
                                b["issuer"] or "", said(b), b["level_label"], AUTHORITY_ZH[b["authority"]], b["text"], *tail])
    return rows


#: Why a licence only a city's instrument sets is cancelled, and by whom: the plan's own words. (Not
#: 行政许可法第十四至十七条 alone: a 设区的市's 地方性法规 may set a licence under its 第十五条; a city's
#: 政府规章 or normative document may not.)
CITY_SET_ZH = ("设定该许可的只有设区的市的规定；方案要求“2020年12月底前，全面取消市级层面设定的行政许可”："
               "应予取消，由该市修改或废止设定它的条文")


def city_set_basis(c: dict[str, Any]) -> str:
    """One provision of a city instrument that sets a licence, and who amends or repeals it."""
    who = c["issuer"] or "制定机关"
    line = f"设定依据：{c['citation']}（{c['instrument_type']}，{who}）：由{who}修改或废止"
    if c["instrument_type"] == "地方性法规":
        line += "，报省人民代表大会常务委员会批准后施行（《中华人民共和国立法法》第八十一条）"
    return line


def entrust_cell(a: dict[str, Any]) -> str:
    """The 委托 path of a blocked item, for the flat exports: 可 with the provisions that allow it, or
    否 with why not (the law stops above the target, or provides for no entrustment)."""
    path = next((x for x in a["alternatives"] if x["path"] == "entrust"), None) if a["blocking"] else None
    if path is None:
        return ""
    return f"可：{'、'.join(path['basis'])}" if path["available"] else f"否：{path['note']}"


def write_flat(path: Path, assessments: list[dict[str, Any]]) -> None:
    write_table(path, FLAT_HEADER, flat_rows(assessments))


_UNIT = re.compile(r"/art_(\d+)(?:-(\d+))?(?:/par_(\d+))?(?:/pt_(\d+))?$")


def _order(unit: str) -> tuple[int, int, int, int]:
    """(条, 之X, 款, 项) of a unit IRI (…/art_12-1/par_2/pt_3), for sorting: 第十二条之一 after all of
    第十二条."""
    m = _UNIT.search(unit)
    return tuple(int(g or 0) for g in m.groups()) if m else (0, 0, 0, 0)  # type: ignore[return-value]


#: A 层级校核表 the loader reads back (its six columns), then context it ignores.
SHEET_HEADER = [names[0] for names in REVIEW_COLUMNS.values()] + list(SHEET_CONTEXT)


def review_sheet(store: Store, assessments: list[dict[str, Any]]) -> list[list[str]]:
    """A level review worksheet (层级校核表) of the paragraphs that block the assessed items: one row
    per 款 or 项, pre-filled with the reading the analysis uses — the current reviews' (with their
    reviewers, dates and notes), else the extractor's (all the levels the unit assigns, not only
    those that block) — with its text, the items it blocks and where the reading comes from. Legal
    staff confirm or correct 层级 and 依据短语, sign 校核人, and load the file back with ``quanze
    load`` under a name of its own (loading it under an earlier list's name replaces that list);
    unchanged rows restate what was read, and change nothing. A paragraph of a version that is no
    longer current is named by its IRI: a citation always names the current version."""
    units: dict[str, dict[str, Any]] = {}
    for a in assessments:
        for b in a["blocking"]:
            u = units.setdefault(b["provision"], {"citation": cited_as(b), "text": b["text"], "items": []})
            if a["code"] not in u["items"]:
                u["items"].append(a["code"])
    if not units:
        return []
    # Each unit as if cited: what holds on it and the reviews of it (its items' are dropped below).
    held, reviews, _ = readings(store, sorted(units))
    entrusted = entrustments_bearing(store, sorted(units))
    versions = {u.split("/art_", 1)[0] for u in units}
    current = {str(r["v"]) for r in store.select(
        "SELECT ?v WHERE { VALUES ?v { UNDEF } ?v <https://w3id.org/quanze/ns#current> true }",
        {"v": [Iri(v) for v in sorted(versions)]})}
    rows = []
    for unit, u in sorted(units.items(), key=lambda kv: (kv[1]["citation"].split("》")[0], _order(kv[0]))):
        # the reading in force, as the analysis reads it: 甲或者其委托的乙 at 甲's level, in the
        # entrustment's words (a signed sheet restating it then changes no answer and loses no phrase)
        lifted = [principal(a, entrusted.get(unit, [])) for a in held.get(unit, []) if a["unit"] == unit]
        lifted = [{**a, "note": f"{LEVEL_ZH[a['entrusted_to']]}机关仅作为受委托机关"} if a.get("entrusted_to") else a
                  for a in lifted]
        reading = sorted({a["level"]: a for a in lifted}.values(), key=lambda a: LEVELS.index(a["level"]))
        own = [rv for rv in reviews.get(unit, []) if rv["unit"] == unit]
        lists = sorted(rv["list"] for rv in own if rv["current"])
        stale = any(not rv["current"] for rv in own)
        review = reading[0].get("review") if reading else None
        said = [a["evidence"] for a in reading if a["evidence"]]
        evidence = said[0] if len(set(said)) == 1 and (review or len(reading) == 1) else ""
        if review:
            note = review["note"] or ""
        else:
            note = "；".join(f"{LEVEL_ZH[a['level']]}：{a['evidence'] or a.get('note', '')}" for a in reading) \
                if len(reading) > 1 else reading[0].get("note", "") if reading else ""
        state = (f"已校核（{'、'.join(lists)}）" if lists else "校核已失效，现为自动识别" if stale else "自动识别")
        if unit.split("/art_", 1)[0] not in current:
            state += "；非现行版本，条文以标识给出"
        rows.append([u["citation"] if unit.split("/art_", 1)[0] in current else unit,
                     "、".join(LEVEL_ZH[a["level"]] for a in reading) or "无", evidence,
                     (review or {}).get("by") or "", (review or {}).get("date") or "", note, u["text"],
                     "、".join(sorted(u["items"])), state])
    return rows


def to_markdown(assessments: list[dict[str, Any]], title: str = "下放障碍清单") -> str:
    """Grouped by department (实施主体), then by who must change the law."""
    out = [f"# {title}", ""]
    by_dept: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in assessments:
        by_dept[a["department"] or "（未注明实施主体）"].append(a)
    for dept in sorted(by_dept):
        out += [f"## {dept}", ""]
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in by_dept[dept]:
            # a licence only a city's instrument sets is cancelled by that city amending or repealing it
            auths = sorted({b["authority"] for b in a["blocking"]} | ({"municipal"} if a["city_set_licence"] else set())
                           ) or ["—"]
            for auth in auths:
                groups[auth].append(a)
        for auth in sorted(groups, key=lambda k: ("central", "provincial", "municipal", "—").index(k)):
            out += [f"### {AUTHORITY_ZH.get(auth, '无需修改法律依据')}", ""]
            for a in groups[auth]:
                out.append(f"- **{a['code']} {a['name']}**（{a['type']}；行使层级：{'、'.join(a['levels'])}）"
                           f" → {a['target']}：**{a['status_label']}**")
                if scope := a.get("zone_scope"):  # 功能区: why it is not the zone's, or what could not be told
                    out += [f"  - {r}" for r in scope["reasons"] + scope["notes"]]
                for b in a["blocking"]:
                    if auth != "—" and b["authority"] != auth:
                        continue
                    # a review may name no phrase: its reading is then not put in quotation marks
                    words = f"：“{_to(b)}{said(b)}”" if b["evidence"] else f"{said(b)[:-1]}，未注明依据短语）"
                    out.append(f"  - {cited_as(b)}（{b['instrument_type']}，{b['issuer'] or ''}）"
                               f"规定由{b['level_label']}{words}")
                    out.append(f"    > {b['text']}")
                if a["city_set_licence"] and auth == "municipal":
                    out.append(f"  - {CITY_SET_ZH}")
                    out += [f"  - {city_set_basis(c)}" for c in a.get("city_set_bases", [])]
                # what a 可直接下放 (or a chain's hold) rests on: what was read, and that it fixes nothing above
                read = [r for r in a.get("bases_read", []) if r["read"]]
                if not a["blocking"] and a["status"] in ("devolvable", "chain_blocked") and read:
                    out.append(f"  - 所读依据条文未规定高于{a['target']}的实施层级：" + "；".join(
                        f"{r['citation']}（{r['role']}，{'规定' + '、'.join(r['levels']) if r['levels'] else '未规定层级'}）"
                        for r in read))
                unread = [r["citation"] for r in a.get("bases_read", []) if not r["read"]]
                if unread:
                    out.append(f"  - 整部文件被引用，未逐条判读：{'；'.join(unread)}")
                if a.get("chain_blocked_by"):
                    out.append(f"  - 一链办理受阻于：{'、'.join(a['chain_blocked_by'])}")
                if a["blocking"]:
                    out += _alternatives(a["alternatives"])
            out.append("")
    return "\n".join(out)
