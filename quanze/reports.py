"""Assessments for people and machines: JSON (the integrators' contract, docs/blockers.schema.json),
CSV and XLSX (one row per blocking provision), and Markdown / a terminal table for legal staff —
Chinese headings, grouped by department and amendment authority, article text shown."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from quanze.devolution import AUTHORITY_ZH, cited_as
from quanze.tables import write_table

FLAT_HEADER = ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "目标层级", "结论", "涉及安全", "市级设定许可",
               "需修改依据", "法律文件", "条", "款", "项", "文件类型", "制定机关", "依据原文（证据）", "修改主体", "条文", "关联受阻",
               "委托"]


def _alternatives(alternatives: list[dict[str, Any]]) -> list[str]:
    """The interim paths of a blocked item, for the Markdown report: those open, the 委托 path with
    the provisions that allow it; where the law allows entrustment only above the target, why not."""
    lines = []
    open_paths = [x["label"] + (f"（{'、'.join(x['basis'])}）" if x["path"] == "entrust" and x.get("basis") else "")
                  for x in alternatives if x.get("available", True)]
    if open_paths:
        lines.append(f"  - 过渡办法：{'、'.join(open_paths)}")
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


def flat_rows(assessments: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for a in assessments:
        head = [a["code"], a["name"], a["type"], a["department"], "、".join(a["levels"]), a["target"], a["status_label"],
                "是" if a["sensitive"] else "", "是" if a["city_set_licence"] else "", "是" if a["needs_legal_change"] else ""]
        tail = ["；".join(a.get("chain_blocked_by", [])), entrust_cell(a)]
        if not a["blocking"]:
            rows.append(head + [""] * 9 + tail)
        for b in a["blocking"]:
            rows.append(head + [b["instrument"], b["article"], b["paragraph"] or "", b["item"] or "", b["instrument_type"],
                                b["issuer"] or "", said(b), AUTHORITY_ZH[b["authority"]], b["text"], *tail])
    return rows


def entrust_cell(a: dict[str, Any]) -> str:
    """The 委托 path of a blocked item, for the flat exports: 可 with the provisions that allow it, or
    否 with why not (the law stops above the target, or provides for no entrustment)."""
    path = next((x for x in a["alternatives"] if x["path"] == "entrust"), None) if a["blocking"] else None
    if path is None:
        return ""
    return f"可：{'、'.join(path['basis'])}" if path["available"] else f"否：{path['note']}"


def write_flat(path: Path, assessments: list[dict[str, Any]]) -> None:
    write_table(path, FLAT_HEADER, flat_rows(assessments))


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
            auths = sorted({b["authority"] for b in a["blocking"]}) or ["—"]
            for auth in auths:
                groups[auth].append(a)
        for auth in sorted(groups, key=lambda k: ("central", "provincial", "municipal", "—").index(k)):
            out += [f"### {AUTHORITY_ZH.get(auth, '无需修改法律依据')}", ""]
            for a in groups[auth]:
                out.append(f"- **{a['code']} {a['name']}**（{a['type']}；行使层级：{'、'.join(a['levels'])}）"
                           f" → {a['target']}：**{a['status_label']}**")
                for b in a["blocking"]:
                    if auth != "—" and b["authority"] != auth:
                        continue
                    out.append(f"  - {cited_as(b)}（{b['instrument_type']}，{b['issuer'] or ''}）"
                               f"规定由{b['level_label']}：“{said(b)}”")
                    out.append(f"    > {b['text']}")
                if a.get("chain_blocked_by"):
                    out.append(f"  - 一链办理受阻于：{'、'.join(a['chain_blocked_by'])}")
                if a["blocking"]:
                    out += _alternatives(a["alternatives"])
            out.append("")
    return "\n".join(out)
