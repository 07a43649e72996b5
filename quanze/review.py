"""层级校核 (level reviews): a person's reading of the levels a paragraph (款) or item (项) assigns.

The level extractor is a documented rulebook, and on fresh samples about one blocking reading
in six is wrong (docs/level-extractor.md, "What it means for the blockers"). Legal staff check each blocking
paragraph against its words; a review list records what they found, so that it holds:

* a review **replaces** the extractor's level assignments for its unit — in the devolution
  analysis, in validation (层级与法定依据不符) and on the provision and item pages — while the
  unit's text is the text the reviewer read (``qz:reviewedText``);
* a review of a text that has since changed (a corrected import) is **stale**: it is kept,
  shown as stale and flagged by a warning shape, and the extractor's reading applies again;
* a review may say the unit assigns **no** level (层级 ``无``): the extractor's reading is then
  set aside and the unit blocks nothing.

A review list is a CSV/XLSX file loaded with ``quanze load`` like the item lists (its own named
graph, PROV record, one transaction, validation before commit). Columns, Chinese first::

    条文        《…》第X条第X款[第X项] — one 款 or 项 of the current version (an article of one
                paragraph stands for it); or the unit's IRI, for a version no longer current
    层级        国家级、省级、市级、县级、乡镇级 (several with 、), or 无
    依据短语    optional: the exact phrase that fixes the level; must occur in the text
    校核人      who read it
    校核日期    optional, YYYY-MM-DD
    说明        optional: why the extractor's reading was wrong, or anything else

The form in the graph (docs/vocabulary.md)::

    <unit> qz:levelReview <unit/review_{load}> .
    <unit/review_{load}> a qz:LevelReview ; qz:level <level/county> ; qz:evidence "…" ;
        qz:reviewedText "<the unit's text>" ; dcterms:creator "…" ; dcterms:date "…"^^xsd:date ;
        skos:note "…" .
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from quanze.level import LEVEL_ZH, LEVELS, LIST_SEPARATOR, REVIEW_LEVEL_WORDS
from quanze.namespaces import DCTERMS, ID, LEVEL, QZ, RDF, SKOS, XSD, segment
from quanze.store import Iri, Store
from quanze.tables import is_date

COLUMNS: dict[str, tuple[str, ...]] = {
    "provision": ("条文", "provision", "citation"),
    "levels": ("层级", "levels", "level"),
    "evidence": ("依据短语", "evidence"),
    "reviewer": ("校核人", "reviewer"),
    "date": ("校核日期", "date", "reviewed_on"),
    "note": ("说明", "note", "notes", "remarks"),
}

#: What a review worksheet (``quanze laws reviews``) adds after the columns: context for the
#: reviewer, which the loader passes over.
SHEET_CONTEXT = ("原文", "涉及事项", "状态")

REQUIRED = ("provision", "levels", "reviewer")
NO_LEVEL = {"无", "none", "—", "-"}
LEVEL_NAMES = REVIEW_LEVEL_WORDS  # the list words and 国家: see quanze.level
_UNIT = re.compile(r"/par_\d+(/pt_\d+)?$")

# A review is current while its unit's qz:text is its qz:reviewedText: the test the loader makes
# here, and basis_reviews.rq, the SHACL rule (shapes/plan.ttl) and quanze.lookup make in their own terms.
CURRENT = "?unit qz:levelReview ?review . ?review qz:reviewedText ?reviewed . ?unit qz:text ?reviewed ."


@dataclass(frozen=True)
class Reading:
    """One row of a review list, resolved: the unit, what it says, and who said so."""

    unit: str
    text: str
    levels: tuple[str, ...]  # level slugs (national …); empty = the unit assigns none
    evidence: str | None
    reviewer: str
    date: str | None
    note: str | None


def review_iri(unit: str, load: str) -> str:
    """Stable: the unit's IRI and the load's name (one review of a unit per review list)."""
    return f"{unit}/review_{segment(load)}"


def parse_levels(text: str) -> tuple[list[str], list[str]]:
    """(level slugs, unknown words) of a 层级 cell; 无 gives no level."""
    words = [w for w in LIST_SEPARATOR.split(text.strip()) if w]
    if len(words) == 1 and words[0].lower() in NO_LEVEL:
        return [], []
    known = [LEVEL_NAMES[w] for w in words if w in LEVEL_NAMES]
    return sorted(set(known), key=LEVELS.index), [w for w in words if w not in LEVEL_NAMES]


def units_of(store: Store, provisions: list[str]) -> dict[str, tuple[str, str, dict[str, str]]]:
    """provision → (its class's local name, its text or "", its paragraphs with their texts when
    an article)."""
    if not provisions:
        return {}
    rows = store.select(f"""SELECT ?p ?kind ?text ?par ?parText WHERE {{ VALUES ?p {{ UNDEF }}
        ?p a ?kind . FILTER(?kind IN (<{QZ.Article}>, <{QZ.Paragraph}>, <{QZ.Point}>))
        OPTIONAL {{ ?p <{QZ.text}> ?text }}
        OPTIONAL {{ ?par <http://data.europa.eu/eli/ontology#is_part_of> ?p ; a <{QZ.Paragraph}> ;
                         <{QZ.text}> ?parText }} }}""", {"p": [Iri(p) for p in provisions]})
    out: dict[str, tuple[str, str, dict[str, str]]] = {}
    for r in rows:
        p = str(r["p"])
        kind, text, pars = out.setdefault(p, (str(r["kind"]).rsplit("#", 1)[-1], str(r["text"] or ""), {}))
        if r["par"]:
            pars[str(r["par"])] = str(r["parText"])
    return out


def current_reviews(store: Store, units: list[str], other_than: str) -> dict[str, dict[str, set[str]]]:
    """unit → {graph → level slugs} of the current reviews of ``units`` that graphs other than
    ``other_than`` hold (a review of no level has an empty set)."""
    if not units:
        return {}
    rows = store.select(f"""PREFIX qz: <{QZ}>
        SELECT ?unit ?g ?level WHERE {{ VALUES ?unit {{ UNDEF }}
        GRAPH ?g {{ ?unit qz:levelReview ?review }} FILTER(?g != <{other_than}>)
        {CURRENT} OPTIONAL {{ ?review qz:level ?level }} }}""", {"unit": [Iri(u) for u in units]})
    out: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        levels = out.setdefault(str(r["unit"]), {}).setdefault(str(r["g"]), set())
        if r["level"]:
            levels.add(str(r["level"]).rsplit("/", 1)[-1])
    return out


def review_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """basis_reviews.rq rows (one per level) → review IRI → {unit, list (the load's name), levels,
    evidence, by, date, note, current} (levels as slugs, highest first)."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        rv = out.setdefault(str(r["review"]), {
            "unit": str(r["unit"]), "list": unquote(str(r["review"]).rsplit("/review_", 1)[-1]), "levels": [], "evidence": r["evidence"] or None, "by": str(r["reviewer"] or ""),
            "date": str(r["date"]) if r["date"] else None, "note": r["note"] or None, "current": bool(r["current"])})
        if r["level"]:
            level = str(r["level"]).rsplit("/", 1)[-1]
            if level not in rv["levels"]:
                rv["levels"].append(level)
    for rv in out.values():
        rv["levels"].sort(key=lambda lv: LEVELS.index(lv) if lv in LEVELS else 9)
    return out


def effective(assignments: list[dict[str, Any]], reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The level assignments that hold: the extracted ones (``unit``, ``level``, ``evidence``,
    ``act``) of units with no current review, and one per reviewed level (act 校核, with the
    review under ``review``) of units with one. Several current reviews of a unit (lists that
    agree, as the loader allows) give each level once, naming every reviewer. A review that names
    no phrase for a level the extractor also read keeps the extractor's words for it: the reviewer
    confirmed the level, and a signed worksheet (one 依据短语 a row, left empty for a unit of
    several levels) would otherwise lose the evidence every blocking entry carries."""
    current = [rv for rv in reviews if rv["current"]]
    reviewed = {rv["unit"] for rv in current}
    out = [a for a in assignments if a["unit"] not in reviewed]
    extracted: dict[tuple[str, str], str] = {}
    for a in assignments:
        if a["unit"] in reviewed and a["evidence"]:
            extracted.setdefault((a["unit"], a["level"]), a["evidence"])
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for rv in sorted(current, key=lambda rv: (rv["date"] or "", rv["by"])):
        for lv in rv["levels"]:
            entry = merged.get((rv["unit"], lv))
            if entry is None:
                merged[(rv["unit"], lv)] = {"unit": rv["unit"], "level": lv, "act": "校核",
                                            "evidence": rv["evidence"] or extracted.get((rv["unit"], lv), ""),
                                            "review": {k: rv[k] for k in ("by", "date", "note")}}
                continue
            summary = entry["review"]
            summary["by"] = "、".join(dict.fromkeys([*summary["by"].split("、"), rv["by"]]))
            summary["date"] = rv["date"] or summary["date"]  # the latest
            summary["note"] = "；".join(filter(None, dict.fromkeys([summary["note"], rv["note"]]))) or None
            entry["evidence"] = entry["evidence"] or rv["evidence"] or ""
    return out + list(merged.values())


def triples(reading: Reading, review: str) -> list[tuple[str, str, str | ox.Literal]]:
    """The triples of one review (subject, predicate, object IRI or literal)."""
    out: list[tuple[str, str, str | ox.Literal]] = [
        (reading.unit, str(QZ.levelReview), review),
        (review, str(RDF.type), str(QZ.LevelReview)),
        (review, str(QZ.reviewedText), ox.Literal(reading.text)),
        (review, str(DCTERMS.creator), ox.Literal(reading.reviewer)),
    ]
    out += [(review, str(QZ.level), str(LEVEL[lv])) for lv in reading.levels]
    if reading.evidence:
        out.append((review, str(QZ.evidence), ox.Literal(reading.evidence)))
    if reading.date:
        out.append((review, str(DCTERMS.date), ox.Literal(reading.date, datatype=ox.NamedNode(str(XSD.date)))))
    if reading.note:
        out.append((review, str(SKOS.note), ox.Literal(reading.note)))
    return out


Complain = Callable[[int, str, str, str], None]


def read_rows(rows: list[tuple[int, Callable[[str], str]]], store: Store,
              resolve: Callable[[str], list], graph: str, bad: Complain) -> dict[int, Reading]:
    """Check every row of a review list and resolve it to a :class:`Reading`; problems go to
    ``bad(row, column, zh, en)`` and leave the row out."""
    cited: dict[int, str] = {}
    for n, get in rows:
        text = get("provision").strip()
        if text.startswith(str(ID["law/"])):  # a unit's IRI: how the worksheet names one of an earlier version
            try:
                cited[n] = ox.NamedNode(text).value
            except ValueError:
                bad(n, "provision", f"“{text}”不是有效的标识", f"{text!r} is not a valid IRI")
            continue
        found = resolve(text) if text else []
        if not text:
            bad(n, "provision", "缺少条文", "missing provision")
        elif len(found) != 1:
            bad(n, "provision", f"“{text}”应只引一个款或项", f"{text!r} must cite exactly one paragraph or item")
        elif not found[0].ok:
            bad(n, "provision", f"“{text}”无法解析：{found[0].reason_zh}", f"cannot resolve {text!r}: {found[0].reason_en}")
        else:
            cited[n] = found[0].iri
    known = units_of(store, sorted(set(cited.values())))
    seen: dict[str, int] = {}
    readings: dict[int, Reading] = {}
    for n, get in rows:
        if n not in cited:
            continue
        unit = cited[n]
        kind, text, pars = known.get(unit, ("", "", {}))
        if kind == "Article" and len(pars) == 1:
            [(unit, text)] = pars.items()
        elif kind == "Article":
            bad(n, "provision", f"“{get('provision')}”有 {len(pars)} 款，请引到款或项",
                f"{get('provision')!r} has {len(pars)} paragraphs: cite a paragraph or item")
            continue
        if not _UNIT.search(unit) or not text:
            bad(n, "provision", f"“{get('provision')}”不是库中有原文的款或项",
                f"{get('provision')!r} is not a stored paragraph or item with a text")
            continue
        if unit in seen:
            bad(n, "provision", f"与第 {seen[unit]} 行校核同一款项", f"reviews the same unit as row {seen[unit]}")
            continue
        seen[unit] = n
        levels, unknown = parse_levels(get("levels"))
        if unknown or (not levels and get("levels").strip().lower() not in NO_LEVEL):
            bad(n, "levels", f"未知的层级“{get('levels')}”（应为 国家级、省级、市级、县级、乡镇级，或 无）",
                f"unknown level {get('levels')!r} (expected 国家级/省级/市级/县级/乡镇级, or 无 for none)")
            continue
        evidence = get("evidence").strip() or None
        if evidence and evidence not in text:
            bad(n, "evidence", f"依据短语“{evidence}”不在该款项原文中", f"evidence {evidence!r} is not in the unit's text")
            continue
        if evidence and not levels:
            bad(n, "evidence", "层级为“无”时不应有依据短语", "a review of no level takes no evidence")
            continue
        reviewer = get("reviewer").strip()
        if not reviewer:
            bad(n, "reviewer", "缺少校核人", "missing reviewer")
            continue
        date = get("date").strip() or None
        if date and not is_date(date):
            bad(n, "date", f"校核日期“{date}”不是 YYYY-MM-DD 日期", f"review date {date!r} is not a YYYY-MM-DD date")
            continue
        readings[n] = Reading(unit, text, tuple(levels), evidence, reviewer, date, get("note").strip() or None)
    others = current_reviews(store, sorted(seen), graph)
    for n, r in list(readings.items()):
        differing = {g: lv for g, lv in others.get(r.unit, {}).items() if lv != set(r.levels)}
        if differing:
            other, levels = min(differing.items())
            name = unquote(other.rsplit("/", 1)[-1])
            ordered = sorted(levels, key=LEVELS.index)
            bad(n, "levels", f"该款项已由另一校核表（{name}）校核为“{_zh(ordered)}”，与本行不同；请先删除其一",
                f"another review list ({name}) reads this unit as {', '.join(ordered) or 'no level'}; unload one of them first")
            del readings[n]
    return readings


def _zh(levels: list[str]) -> str:
    return "、".join(LEVEL_ZH.get(lv, lv) for lv in levels) or "无"


__all__ = ["COLUMNS", "CURRENT", "REQUIRED", "SHEET_CONTEXT", "Reading", "current_reviews", "effective", "parse_levels", "read_rows",
           "review_iri", "review_rows", "triples", "units_of"]
