"""The legal corpus as a graph: instruments, versions, 编/章/节, 条, 款, 项 and level assignments.

``import_corpus`` reads a folder in the format of ``shared/laws`` (Markdown + manifest.csv),
builds the graph in memory as pyoxigraph triples, and hands it to the store as one graph
(``qzid:graph/laws``). The content is a pure function of the corpus and the extractor, so
importing twice gives the same triples, and a re-import only writes what changed. Timestamps
and who-did-it live in the catalog graph (see :mod:`quanze.catalog`).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from quanze import __version__
from quanze.catalog import record_ops
from quanze.entrustment import entrusting_level, find_entrustments
from quanze.level import ROLES, assign_levels, role_readings
from quanze.namespaces import ELI, ID, LEVEL, QZ, RDF, XSD, graph_iri, law_version, law_work, segment
from quanze.provision import Article, ParsedText, ParseError, read_text
from quanze.reference import org_iri
from quanze.store import Store

LAWS_GRAPH = str(graph_iri("laws"))

INSTRUMENT_TYPES = {
    "宪法": "constitution",
    "法律": "law",
    "行政法规": "administrative-regulation",
    "部门规章": "departmental-rule",
    "地方性法规": "local-regulation",
    "地方政府规章": "local-government-rule",
    "规范性文件": "normative-document",
}
ISSUING_LEVELS = {"national": "national", "provincial": "provincial", "municipal": "municipal"}


@dataclass
class Skipped:
    """A file skipped, or a warning about one (``kind``: a key of :data:`WARNING_KINDS`)."""

    path: str
    line: int
    reason_zh: str
    reason_en: str
    kind: str = ""


#: The kinds of warning an import gives (a file kept all the same), as the summary counts them.
WARNING_KINDS = {
    "numbering-skips": ("条文序号跳过", "article numbering skips"),
    "no-articles": ("没有“第X条”条文", "no 第X条 articles"),
}


@dataclass
class ImportSummary:
    instruments: int = 0
    versions: int = 0
    articles: int = 0
    paragraphs: int = 0
    points: int = 0
    assignments: int = 0
    entrustments: int = 0
    role_readings: int = 0
    triples: int = 0
    inserted: int = 0
    deleted: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)


@dataclass
class ManifestRow:
    path: str
    title: str
    instrument_type: str
    issuing_level: str
    issuer: str
    version_date: str
    is_latest: bool
    status: str
    sha256: str


def read_manifest(laws: Path) -> list[ManifestRow]:
    with open(laws / "manifest.csv", encoding="utf-8") as fh:
        return [
            ManifestRow(r["path"], r["title"], r["instrument_type"], r["issuing_level"], r["issuer"],
                        r["version_date"], r["is_latest"] == "true", r["status"], r["sha256"])
            for r in csv.DictReader(fh)
        ]


class _Builder:
    """Accumulates triples; terms are cached because the same IRIs recur thousands of times."""

    def __init__(self) -> None:
        self.triples: set[ox.Triple] = set()
        self._nodes: dict[str, ox.NamedNode] = {}

    def n(self, iri: str) -> ox.NamedNode:
        node = self._nodes.get(iri)
        if node is None:
            node = self._nodes[iri] = ox.NamedNode(iri)
        return node

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = o if isinstance(o, ox.NamedNode | ox.Literal) else self.n(o)
        self.triples.add(ox.Triple(self.n(s), self.n(p), obj))


def lit(value: str | int | bool, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def article_iri(version: str, art: Article) -> str:
    return f"{version}/art_{art.key}"


_T = {k: str(v) for k, v in {
    "type": RDF.type, "part_of": ELI.is_part_of, "number": ELI.number, "ordinal": QZ.ordinal,
    "text": QZ.text, "instrument": QZ.instrument, "assigns": QZ.assigns, "level": QZ.level,
    "evidence": QZ.evidence, "act": QZ.act, "insert": QZ.insertNumber, "position": QZ.position,
    "provides": QZ.providesEntrustment, "from": QZ.entrustingLevel, "to": QZ.entrustedLevel,
    "names_in_role": QZ.namesInRole,
}.items()}


def _add_text(b: _Builder, version: str, parsed: ParsedText, issuing_level: str, summary: ImportSummary) -> None:
    """The subdivisions of one parsed text, and the level each 款 and 项 assigns."""
    # Containers (编 > 章 > 节) in document order; an article belongs to the innermost open one.
    prefix = f"{version}/{segment(parsed.part)}" if parsed.part else version
    containers: list[tuple[int, str]] = []  # (line, iri)
    part = chapter = None
    for pos, ch in enumerate(parsed.chapters):
        if ch.kind == "编":
            iri, cls, parent = f"{prefix}/part_{ch.number}", QZ.Part, prefix if parsed.part else version
            part, chapter = iri, None
        elif ch.kind == "章":
            iri, cls, parent = f"{part or prefix}/chp_{ch.number}", QZ.Chapter, part or version
            chapter = iri
        else:
            iri, cls, parent = f"{chapter or part or prefix}/sec_{ch.number}", QZ.Section, chapter or part or version
        b.add(iri, _T["type"], str(cls))
        b.add(iri, _T["part_of"], parent)
        b.add(iri, _T["instrument"], version)
        b.add(iri, _T["number"], lit(ch.label))
        b.add(iri, _T["ordinal"], lit(ch.number))
        b.add(iri, _T["position"], lit(pos))
        if ch.title:
            b.add(iri, str(ELI.title), lit(ch.title))
        containers.append((ch.line, iri))
    ci = -1
    for art in parsed.articles:
        while ci + 1 < len(containers) and containers[ci + 1][0] < art.line:
            ci += 1
        a = article_iri(version, art)
        b.add(a, _T["type"], str(QZ.Article))
        b.add(a, _T["part_of"], containers[ci][1] if ci >= 0 else version)
        b.add(a, _T["instrument"], version)
        b.add(a, _T["number"], lit(art.label))
        b.add(a, _T["ordinal"], lit(art.number))
        if art.insert:
            b.add(a, _T["insert"], lit(art.insert))
        summary.articles += 1
        for par in art.paragraphs:
            p = f"{a}/par_{par.number}"
            b.add(p, _T["type"], str(QZ.Paragraph))
            b.add(p, _T["part_of"], a)
            b.add(p, _T["ordinal"], lit(par.number))
            b.add(p, _T["text"], lit(par.text))
            summary.paragraphs += 1
            _add_assignments(b, p, par.text, issuing_level, parsed.title, summary)
            for pt in par.points:
                q = f"{p}/pt_{pt.number}"
                b.add(q, _T["type"], str(QZ.Point))
                b.add(q, _T["part_of"], p)
                b.add(q, _T["ordinal"], lit(pt.number))
                b.add(q, _T["text"], lit(pt.text))
                summary.points += 1
                _add_assignments(b, q, pt.text, issuing_level, parsed.title, summary)


def _reading(b: _Builder, provision: str, tail: str, link: str, cls: str, level: str, evidence: str, act: str) -> str:
    """A qualified node of ``provision``: a level read in it, the exact phrase and the act."""
    node = f"{provision}/{tail}"
    b.add(provision, _T[link], node)
    b.add(node, _T["type"], str(cls))
    b.add(node, _T["level"], str(LEVEL[level]))
    b.add(node, _T["evidence"], lit(evidence))
    b.add(node, _T["act"], lit(act))
    return node


def _add_assignments(b: _Builder, provision: str, text: str, issuing_level: str, title: str,
                     summary: ImportSummary) -> None:
    entrustments = find_entrustments(text, issuing_level=issuing_level, title=title)
    for k, found in enumerate(assign_levels(text, issuing_level=issuing_level, title=title), start=1):
        node = _reading(b, provision, f"level_{k}", "assigns", QZ.LevelAssignment, found.level, found.evidence, found.act)
        holder = entrusting_level(found, entrustments)
        if holder:  # 甲或者其委托的乙…批准: the body acts only as 甲 entrusts it
            b.add(node, _T["from"], str(LEVEL[holder]))
        summary.assignments += 1
    # bodies named as receiving a filing or a notice, publishing, hearing a re-appraisal (level.py §7):
    # the level of an item that is that act, kept apart from what the rulebook counts
    for k, r in enumerate(role_readings(text, issuing_level=issuing_level, title=title), start=1):
        _reading(b, provision, f"role_{k}", "names_in_role", QZ.RoleReading, r.level, r.evidence, ROLES[r.role])
        summary.role_readings += 1
    for k, e in enumerate(entrustments, start=1):
        node = f"{provision}/entrust_{k}"
        b.add(provision, _T["provides"], node)
        b.add(node, _T["type"], str(QZ.Entrustment))
        b.add(node, _T["from"], str(LEVEL[e.level]))
        for level in e.delegate_levels:
            b.add(node, _T["to"], str(LEVEL[level]))
        b.add(node, _T["evidence"], lit(e.evidence))
        summary.entrustments += 1


def _admitted(row: ManifestRow, parsed: ParsedText, version: str, seen_versions: dict[str, str],
              summary: ImportSummary) -> str | None:
    """The instrument type (slug) of a parsed file the corpus keeps, or None when it is skipped
    (the reason added to ``summary.skipped``); its warnings go to ``summary.warnings``.

    The order matters: a file refused for its type must not count as the version's copy (nor
    warn), or a good copy of the same law filed after it is skipped as a duplicate of it and the
    law is missing from the graph."""
    itype = INSTRUMENT_TYPES.get(row.instrument_type)
    if itype is None:
        summary.skipped.append(Skipped(row.path, 0, f"未知的文件类型 {row.instrument_type}",
                                       f"unknown instrument type {row.instrument_type}"))
        return None
    key = version + ("/" + parsed.part if parsed.part else "")
    if key in seen_versions:
        # The same law filed in two folders: one copy is enough.
        summary.skipped.append(Skipped(row.path, 1, f"与 {seen_versions[key]} 重复", f"duplicate of {seen_versions[key]}"))
        return None
    seen_versions[key] = row.path
    # the parser's only warning: an article number skipped (real published texts have them)
    summary.warnings.extend(Skipped(w.path, w.line, w.reason_zh, w.reason_en, "numbering-skips")
                            for w in parsed.warnings)
    if not parsed.articles:
        summary.warnings.append(Skipped(row.path, 1, "没有按“第X条”编号的条文，仅收录文件信息",
                                        "no '第X条' articles; only the instrument is recorded", "no-articles"))
    return itype


def build_graph(laws: Path, progress: Callable[[int, int, str], None] | None = None) -> tuple[set[ox.Triple], ImportSummary]:
    """Parse the corpus into triples. ``progress(done, total, path)`` is called per file."""
    rows = read_manifest(laws)
    summary = ImportSummary()
    b = _Builder()
    # Versions per title, to link them and mark exactly one current (the latest).
    versions: dict[str, list[tuple[str, ManifestRow]]] = {}
    seen_versions: dict[str, str] = {}
    for i, row in enumerate(rows):
        if progress:
            progress(i, len(rows), row.path)
        path = laws / row.path
        try:
            parsed = read_text(path, row.path)
        except FileNotFoundError:
            summary.skipped.append(Skipped(row.path, 0, "清单中的文件不存在", "file listed in manifest.csv is missing"))
            continue
        except ParseError as exc:
            summary.skipped.append(Skipped(exc.path, exc.line, exc.reason_zh, exc.reason_en))
            continue
        title = parsed.title
        version = str(law_version(title, row.version_date or None))
        itype = _admitted(row, parsed, version, seen_versions, summary)
        if itype is None:
            continue
        work = str(law_work(title))
        if version not in {v for v, _ in versions.get(title, [])}:
            versions.setdefault(title, []).append((version, row))
            b.add(version, _T["type"], str(QZ.InstrumentVersion))
            b.add(version, str(ELI.title), lit(title))
            if row.version_date:
                b.add(version, str(ELI.version_date), lit(row.version_date, str(XSD.date)))
            b.add(version, str(ELI.type_document), str(ID[f"instrument-type/{itype}"]))
            b.add(version, str(QZ.issuingLevel), str(LEVEL[ISSUING_LEVELS.get(row.issuing_level, "national")]))
            b.add(version, str(QZ.status), lit(row.status))
            b.add(version, str(QZ.versionOf), work)
            b.add(version, str(QZ.sourcePath), lit(row.path))
            b.add(version, str(QZ.sha256), lit(row.sha256))
            if row.issuer:
                for issuer in row.issuer.split("、") if row.issuer.startswith("国务院、") else [row.issuer]:
                    b.add(version, str(ELI.passed_by), org_iri(issuer))
                    b.add(org_iri(issuer), _T["type"], "http://www.w3.org/ns/org#Organization")
                    b.add(org_iri(issuer), "http://www.w3.org/2004/02/skos/core#prefLabel", lit(issuer, lang="zh"))
            b.add(work, _T["type"], str(QZ.Instrument))
            b.add(work, str(ELI.title), lit(title))
            b.add(work, str(ELI.title_short), lit(path.stem.split("(")[0]))
            b.add(work, str(ELI.type_document), str(ID[f"instrument-type/{itype}"]))
            summary.versions += 1
        if parsed.part:
            part_iri = f"{version}/{segment(parsed.part)}"
            b.add(part_iri, _T["type"], str(QZ.Part))
            b.add(part_iri, _T["part_of"], version)
            b.add(part_iri, _T["instrument"], version)
            b.add(part_iri, str(ELI.title), lit(parsed.part))
            # The version names the first part's file; each part (编) names its own.
            b.add(part_iri, str(QZ.sourcePath), lit(row.path))
            b.add(part_iri, str(QZ.sha256), lit(row.sha256))
        _add_text(b, version, parsed, ISSUING_LEVELS.get(row.issuing_level, "national"), summary)
    for _title, vs in versions.items():
        vs.sort(key=lambda v: v[1].version_date or "")
        for k, (version, _row) in enumerate(vs):
            b.add(version, str(QZ.current), lit(k == len(vs) - 1))
            if k:
                b.add(version, str(QZ.previousVersion), vs[k - 1][0])
    summary.instruments = len(versions)
    summary.triples = len(b.triples)
    if progress:
        progress(len(rows), len(rows), "")
    return b.triples, summary


def corpus_digest(laws: Path) -> str:
    """sha256 of manifest.csv: identifies the corpus snapshot an import came from."""
    return hashlib.sha256((laws / "manifest.csv").read_bytes()).hexdigest()


def import_corpus(store: Store, laws: Path, by: str | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
    """Import the corpus into ``qzid:graph/laws``, replacing what was there (by diff)."""
    triples, summary = build_graph(laws, progress)
    record = record_ops(LAWS_GRAPH, kind="laws", file_name=str(laws), sha256=corpus_digest(laws),
                        rows=summary.versions, triples=summary.triples, by=by, loader=f"quanze {__version__}")
    stats = store.write({LAWS_GRAPH: triples}, also=record)
    summary.inserted, summary.deleted = stats.inserted, stats.deleted
    return summary

