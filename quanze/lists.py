"""Lists into the graph: 权责清单 (items), 调整事项目录 (adjustments) and 层级校核表 (level
reviews, see ``quanze.review``).

``load_list`` reads a CSV/XLSX file, checks every row, turns it into triples (the form is in
docs/vocabulary.md) and writes them as the file's own named graph, with its catalog record,
in one transaction. Problems name file, row and column, in Chinese and English. By default
one bad row rejects the whole file and the store is untouched; ``skip_bad_rows`` stores the
good rows and writes the rejects, with reasons, to ``<file>.rejects.csv``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from quanze import __version__, review
from quanze.catalog import record_ops
from quanze.citation import Resolution, Resolver, book_title
from quanze.devolution import query_text
from quanze.level import LEVELS, LIST_LEVEL_WORDS, LIST_SEPARATOR, RANK
from quanze.namespaces import ID, LEVEL, XSD, graph_iri, item_iri, segment
from quanze.namespaces import QZ as _QZ
from quanze.namespaces import RDF as _RDF
from quanze.namespaces import SKOS as _SKOS
from quanze.reference import departments, level_body_iri, org_iri
from quanze.store import Iri, Store
from quanze.tables import HEADER_SEARCH, HeaderNotFound, Table, TableError, is_date, read_table, write_table


class _Terms:
    """Namespace terms as plain strings, cached on first use: rdflib builds a new URIRef on
    every attribute access, which costs a second per 20,000 rows in the loader's loop."""

    def __init__(self, ns: object):
        self._ns = ns

    def __getattr__(self, name: str) -> str:
        value = str(self._ns[name])  # type: ignore[index]
        setattr(self, name, value)
        return value


QZ, RDF, SKOS = _Terms(_QZ), _Terms(_RDF), _Terms(_SKOS)

# Canonical column → accepted headers (Chinese first, then English aliases).
ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "code", "item_code"),
    "name": ("事项名称", "name", "item_name"),
    "sub_name": ("子项名称", "sub_item", "sub_item_name"),
    "type": ("事项类型", "type", "item_type"),
    "body": ("实施主体", "implementing_body", "body", "department"),
    "levels": ("行使层级", "levels", "level", "exercise_level"),
    "basis": ("设定依据", "legal_basis", "basis"),
    "impl_basis": ("实施依据", "implementation_basis"),
    "related": ("关联事项", "related_items", "related"),
    "security": ("安全类别", "security_category", "security"),
    "handling": ("办理方式", "handling", "handling_mode"),
    "note": ("备注", "note", "notes", "remarks"),
    "accepted_at": ("受理层级", "accepting_level", "accepted_at"),
    "approved_at": ("审批层级", "approving_level", "approved_at"),
}
ACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "code", "item_code"),
    "action": ("调整方式", "action", "adjustment"),
    "to_level": ("承接层级", "to_level", "receiving_level"),
    "to_body": ("承接单位", "to_body", "receiving_body"),
    "entrusting": ("委托机关", "entrusting_body"),
    "deadline": ("完成时限", "deadline"),
    "basis_document": ("依据文件", "basis_document"),
    "note": ("备注", "note", "notes", "remarks"),
}
REQUIRED_ITEM = ("code", "name", "type", "body", "levels", "basis")
REQUIRED_ACTION = ("code", "action")

#: 事项类型 as a list writes it → the item's class (IRI): the one table of item types, which the
#: loader types items by and quanze.lookup searches and labels them by.
ITEM_TYPES: dict[str, str] = {
    "行政许可": QZ.AdministrativeLicence, "行政处罚": QZ.AdministrativePenalty, "行政强制": QZ.AdministrativeCoercion,
    "行政征收": QZ.AdministrativeLevy, "行政给付": QZ.AdministrativeBenefit, "行政检查": QZ.AdministrativeInspection,
    "行政确认": QZ.AdministrativeConfirmation, "行政奖励": QZ.AdministrativeReward,
    "行政裁决": QZ.AdministrativeAdjudication, "其他行政权力": QZ.OtherAdministrativePower,
    "公共服务": QZ.PublicServiceItem, "行政事业性收费": QZ.FeeItem,
}
LEVEL_WORDS = LIST_LEVEL_WORDS  # 国家 is a review list's word only: see quanze.level
SECURITY = {"国家安全": "national", "公共安全": "public", "生态安全": "ecological", "意识形态安全": "ideological"}
HANDLING = {"依申请": "on-application", "依职权": "ex-officio"}
ACTIONS = {"取消": "cancel", "下放": "devolve", "委托": "entrust", "窗口前移": "window-forward",
           "审核转报": "review-forward", "赋权": "empower", "收回": "recall", "转变管理方式": "change-management"}
ZONE_WORDS = ("功能区", "zone")
SPLIT = LIST_SEPARATOR
CITY_PREFIX = re.compile(r"^(\w{2,3}市)")


@dataclass
class Problem:
    file: str
    row: int | None
    column: str | None
    reason_zh: str
    reason_en: str
    severity: str = "error"  # error rejects the row; violation: a validation rule the load breaks; warning: reported only

    def __str__(self) -> str:
        where = self.file + (f" 第{self.row}行/row {self.row}" if self.row else "") + (f" [{self.column}]" if self.column else "")
        return f"{where}: {self.reason_zh} / {self.reason_en}"


class LoadRejected(Exception):
    """The load was refused; nothing was written. ``problems`` say why."""

    def __init__(self, problems: list[Problem], report: object | None = None):
        self.problems, self.report = problems, report
        errors = len([p for p in problems if p.severity == "error"])
        violations = getattr(report, "violations", 0)
        if violations:
            super().__init__(f"载入被拒绝：违反校验规则 {violations} 处（可用 --accept-violations 强制载入并记录） / "
                             f"load rejected: {violations} shape violation(s) (--accept-violations commits and records it)")
        else:
            super().__init__(f"载入被拒绝：{errors} 个错误 / load rejected: {errors} error(s)")


class UnloadRefused(Exception):
    """The unload was refused because other loads point at items only this load defines;
    nothing was removed. ``dependents``: load name → how many of its nodes would point at nothing."""

    def __init__(self, name: str, dependents: dict[str, int]):
        self.name, self.dependents = name, dependents
        zh = "、".join(f"{other}（{n} 处）" for other, n in sorted(dependents.items()))
        en = ", ".join(f"{other} ({n})" for other, n in sorted(dependents.items()))
        super().__init__(f"未删除 {name}：载入 {zh} 指向只有它定义的事项，删除后将无所指；请先删除或重新载入这些清单，"
                         f"或强制删除（--force）/ {name} was not removed: loads {en} point at items only it "
                         f"defines and would point at nothing; unload or reload them first, or force it (--force)")


@dataclass
class LoadResult:
    graph: str
    kind: str
    rows: int
    stored_rows: int
    triples: int
    inserted: int = 0
    deleted: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejects_file: Path | None = None
    focus: list[str] = field(default_factory=list)
    report: object | None = None


def _header_key(cell: str) -> str:
    """A header cell as columns are matched: case and every space ignored (Excel headers wrap a
    long name, 事项\n编码, or space it out, 行 使 层 级)."""
    return re.sub(r"\s+", "", cell).lower()


def _map_header(table: Table, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> dict[str, str]:
    lower = {_header_key(h): h for h in table.header}
    mapping = {}
    for key, names in columns.items():
        for n in names:
            if _header_key(n) in lower:
                mapping[key] = lower[_header_key(n)]
                break
    missing = [columns[k][0] for k in required if k not in mapping]
    if missing:
        raise TableError(table.path, f"缺少必需的列：{'、'.join(missing)}", f"missing required column(s): {', '.join(missing)}")
    return mapping


#: Each kind of list, in the order headers are tried: its columns, its required columns, the
#: columns that tell it apart, its names (zh, en).
_KINDS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], str, str]] = {
    "adjustments": (ACTION_COLUMNS, REQUIRED_ACTION, ("action",), "调整事项目录", "an adjustment list"),
    "reviews": (review.COLUMNS, review.REQUIRED, ("provision", "reviewer"), "层级校核表", "a level review list"),
    "items": (ITEM_COLUMNS, REQUIRED_ITEM, ("name",), "权责清单", "an item list"),
}


#: The columns a rejects file (``<file>.rejects.csv``) puts around the rows it gives back.
REJECTS_ROW, REJECTS_REASON = "行号/row", "原因/reason"

#: Columns a list may carry that no loader reads: a serial number, the context a review
#: worksheet adds after its six columns, the row and reason a rejects file adds.
IGNORED_COLUMNS = ("序号", *review.SHEET_CONTEXT, REJECTS_ROW, REJECTS_REASON)


def _unread_columns(table: Table, columns: dict[str, tuple[str, ...]]) -> list[Problem]:
    """A warning for each header cell no column of the list's kind is written as: a misspelled
    optional column (安全分类 for 安全类别) would otherwise be dropped without a word, and with it
    what the analysis reads (a security category excludes an item). Names the closest column."""
    import difflib

    known = {_header_key(n): names[0] for names in columns.values() for n in names}
    ignored = {_header_key(c) for c in IGNORED_COLUMNS}
    out = []
    for cell in table.header:
        key = _header_key(cell)
        if not key or key in known or key in ignored:
            continue
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
        out.append(Problem(
            table.path.name, table.header_row, cell,
            f"未识别的列“{cell}”，其内容未载入" + (f"；是否应为“{known[close[0]]}”？" if close else ""),
            f"column {cell!r} is not one Quanze reads; its cells were not loaded"
            + (f"; did you mean {known[close[0]]!r}?" if close else ""), "warning"))
    return out


def _columns_in(cells: list[str], columns: dict[str, tuple[str, ...]]) -> set[str]:
    """The canonical columns whose header is among ``cells``."""
    headers = {_header_key(c) for c in cells}
    return {key for key, names in columns.items() if any(_header_key(n) in headers for n in names)}


def header_kind(cells: list[str]) -> str | None:
    """The kind of list whose header row ``cells`` are — 'adjustments' (调整方式), 'reviews'
    (条文 and 校核人) or 'items' (事项名称) — or None. The row holds one more of the kind's
    columns too: a title, a note or an instructions sheet's "事项名称 | 填写…" is no header."""
    for kind, (columns, _, telling, _, _) in _KINDS.items():
        found = _columns_in(cells, columns)
        if set(telling) <= found and len(found) >= 2:
            return kind
    return None


def _unrecognised(path: Path, candidates: list[tuple[str | None, int, list[str]]], sheets: list[str],
                  searched: bool) -> TableError:
    """Why no row is a header: the required columns missing from the row closest to a kind's
    header (one with two of its columns, one of them required), else that no kind is
    recognised and where the loader looked."""
    near = []
    for sheet, row, cells in candidates:
        for kind, (columns, required, _, _, _) in _KINDS.items():
            found = _columns_in(cells, columns)
            have = [k for k in required if k in found]
            if have and len(found) >= 2:
                near.append((len(have) / len(required), len(found), -row, sheet, row, kind, found))
    if near:  # the most of a kind's required columns, then of its columns, then the first row
        *_, sheet, row, kind, found = max(near, key=lambda n: n[:3])
        columns, required, _, kind_zh, kind_en = _KINDS[kind]
        missing = [columns[k] for k in required if k not in found]
        where_zh = (f"工作表“{sheet}”" if sheet else "") + f"第 {row} 行"
        where_en = (f"sheet {sheet!r} " if sheet else "") + f"row {row}"
        return TableError(path, f"缺少必需的列：{'、'.join(m[0] for m in missing)}（{where_zh}像是{kind_zh}的表头）",
                          f"missing required column(s): {', '.join(f'{m[0]} ({m[1]})' for m in missing)} "
                          f"({where_en} looks like the header of {kind_en})")
    zh = "无法识别的表头：既不是权责清单、调整事项目录，也不是层级校核表"
    en = "unrecognised header: not an item list, an adjustment list or a level review list"
    if searched and sheets:
        zh += f"（已查看工作表{'、'.join(f'“{s}”' for s in sheets)}，各前 {HEADER_SEARCH} 个非空行）"
        en += f" (looked at the first {HEADER_SEARCH} non-empty rows of sheet(s) {', '.join(repr(s) for s in sheets)})"
    elif searched:
        zh += f"（已查看前 {HEADER_SEARCH} 个非空行）"
        en += f" (looked at the first {HEADER_SEARCH} non-empty rows)"
    return TableError(path, zh, en)


def list_kind(table: Table) -> str:
    """The kind of list ``table`` is, by its header (see :func:`header_kind`)."""
    kind = header_kind(table.header)
    if kind is None:
        raise _unrecognised(table.path, [(table.sheet, table.header_row, table.header)], [], False)
    return kind


def read_list(path: Path) -> tuple[Table, str]:
    """A list file's table and kind: the header is the first row :func:`header_kind` recognises
    (below a title or note rows), on the first sheet that has one."""
    try:
        table = read_table(path, header=lambda cells: header_kind(cells) is not None)
    except HeaderNotFound as exc:
        raise _unrecognised(path, exc.candidates, exc.sheets, True) from None
    return table, list_kind(table)


def _getter(row: dict[str, str], cols: dict[str, str]) -> Callable[[str], str]:
    """The cell of a canonical column in one row ('' when the column is absent)."""
    return lambda key: row.get(cols[key], "") if key in cols else ""


class _Triples:
    def __init__(self) -> None:
        self.rows: dict[int, set[ox.Triple]] = {}
        self._nodes: dict[str, ox.NamedNode] = {}

    def n(self, iri: object) -> ox.NamedNode:
        key = str(iri)
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = ox.NamedNode(key)
        return node

    def add(self, row: int, s: object, p: object, o: object) -> None:
        obj = o if isinstance(o, ox.Literal) else self.n(o)
        self.rows.setdefault(row, set()).add(ox.Triple(self.n(s), self.n(p), obj))


class OrganisationMatcher:
    """实施主体 as written → an organisation of the reference data (or None, with a warning)."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}
        self.by_function: list[tuple[str, str]] = []  # (suffix like 药品监督管理局, function key)
        for d in departments():
            self.by_name[d.name] = org_iri(d.name)
            self.by_name[d.short_name] = org_iri(d.name)
            suffix = d.short_name.removeprefix("省")
            self.by_function.append((suffix, d.function_key))
            if suffix.endswith("厅"):  # 省公安厅 has 市公安局 and 县公安局 below it
                self.by_function.append((suffix[:-1] + "局", d.function_key))
        self.by_function.sort(key=lambda x: -len(x[0]))

    def match(self, written: str) -> tuple[str | None, str | None, str | None]:
        """(organisation IRI, its level, the city of a named city body not in the reference
        data) or (None, None, None)."""
        name = written.strip()
        if name in self.by_name:
            return self.by_name[name], "provincial", None
        for prefix, level in (("市", "municipal"), ("县", "county"), ("县级", "county"), ("市级", "municipal")):
            rest = name.removeprefix(prefix)
            if rest != name:
                for suffix, key in self.by_function:
                    if rest == suffix:
                        return level_body_iri(level, key), level, None
        m = CITY_PREFIX.match(name)
        if m and name != m.group(1):
            return org_iri(name), "municipal", m.group(1)
        return None, None, None


def _levels(text: str) -> tuple[list[str], list[str]]:
    good, bad = [], []
    for part in filter(None, SPLIT.split(text)):
        (good if part in LEVEL_WORDS else bad).append(part)
    return [LEVEL_WORDS[p] for p in good], bad


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


class CitationCache:
    """Real lists repeat the same 设定依据 thousands of times; resolve each text once. One cache
    may serve several loads (a province's 153 lists) while the laws graph does not change: the
    resolver's title index alone takes 0.2 s to read."""

    def __init__(self, store: Store):
        self.resolver = Resolver(store)
        self.cache: dict[str, list[Resolution]] = {}

    def __call__(self, text: str) -> list[Resolution]:
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = self.resolver.resolve_text(text)
        return hit


def _existing_items(store: Store, codes: set[str]) -> dict[str, list[str]]:
    """code → levels, for items already stored (in any graph)."""
    if not codes:
        return {}
    rows = store.select(f"""SELECT ?code ?level WHERE {{ VALUES ?code {{ UNDEF }}
        ?i <{QZ.code}> ?code . OPTIONAL {{ ?i <{QZ.exercisedAt}> ?level }} }}""", {"code": sorted(codes)})
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(str(r["code"]), [])
        if r["level"]:
            out[str(r["code"])].append(str(r["level"]).rsplit("/", 1)[-1])
    return out


def _item_rows(table: Table, store: Store, resolve: CitationCache, problems: list[Problem],
               own_graph: str) -> tuple[_Triples, dict[int, str]]:
    cols = _map_header(table, ITEM_COLUMNS, REQUIRED_ITEM)
    f = table.path.name
    out = _Triples()
    codes: dict[str, int] = {}
    row_code: dict[int, str] = {}
    related: list[tuple[int, str, str]] = []
    orgs = OrganisationMatcher()

    def bad(row: int, col: str, zh: str, en: str, severity: str = "error") -> None:
        problems.append(Problem(f, row, cols.get(col, ITEM_COLUMNS[col][0]), zh, en, severity))

    for n, r in table.rows:
        get = _getter(r, cols)
        code = get("code")
        if not code:
            bad(n, "code", "缺少事项编码", "missing item code")
            continue
        if code in codes:
            bad(n, "code", f"事项编码 {code} 重复（第 {codes[code]} 行已有）", f"duplicate item code {code} (already on row {codes[code]})")
            continue
        codes[code] = n
        row_code[n] = code
        item = item_iri(code)
        if not get("name"):
            bad(n, "name", "缺少事项名称", "missing item name")
        cls = ITEM_TYPES.get(get("type"))
        if cls is None:
            bad(n, "type", f"未知的事项类型“{get('type')}”", f"unknown item type {get('type')!r}")
        levels, unknown = _levels(get("levels"))
        if unknown or not levels:
            bad(n, "levels", f"未知或缺少行使层级“{get('levels')}”（应为 国家级/省级/市级/县级/乡镇级，可用顿号列出多个）",
                f"unknown or missing exercise level {get('levels')!r} (expected 国家级/省级/市级/县级/乡镇级, several "
                "separated by 、)")
        out.add(n, item, RDF.type, cls or QZ.Item)
        out.add(n, item, QZ.code, _lit(code))
        if get("name"):
            out.add(n, item, QZ.name, _lit(get("name")))
        if get("sub_name"):
            out.add(n, item, QZ.subItemName, _lit(get("sub_name")))
        for lv in levels:
            out.add(n, item, QZ.exercisedAt, LEVEL[lv])
        for key, prop in (("accepted_at", QZ.acceptedAt), ("approved_at", QZ.approvedAt)):
            if get(key):
                lvls, unk = _levels(get(key))
                if unk:
                    bad(n, key, f"未知的层级“{get(key)}”", f"unknown level {get(key)!r}")
                for lv in lvls:
                    out.add(n, item, prop, LEVEL[lv])
        body = get("body")
        if body:
            out.add(n, item, QZ.implementingBodyName, _lit(body))
            iri, _level, city = orgs.match(body)
            if iri:
                out.add(n, item, QZ.implementingBody, iri)
                if city:  # a named city body not in the reference data: describe it here
                    out.add(n, iri, RDF.type, QZ.PublicAuthority)
                    out.add(n, iri, SKOS.prefLabel, _lit(body, "zh"))
                    out.add(n, iri, QZ.level, LEVEL.municipal)
            else:
                bad(n, "body", f"实施主体“{body}”未能对应到参考数据中的机关，按原文记录",
                    f"implementing body {body!r} matches no organisation of the reference data; recorded as written",
                    "warning")
        for key, prop, text_prop in (("basis", QZ.legalBasis, QZ.basisText),
                                     ("impl_basis", QZ.implementationBasis, QZ.implementationBasisText)):
            text = get(key)
            if not text:
                continue
            out.add(n, item, text_prop, _lit(text))
            for res in resolve(text):
                if res.ok:
                    out.add(n, item, prop, res.iri)
                else:
                    cited = res.reference.label() if res.reference.article else res.reference.title
                    bad(n, key, f"{cited}：{res.reason_zh}", f"{cited}: {res.reason_en}")
        for other in filter(None, SPLIT.split(get("related"))):
            related.append((n, code, other))
            out.add(n, item, QZ.relatedItem, item_iri(other))
        if get("security"):
            cat = SECURITY.get(get("security"))
            if cat is None:
                bad(n, "security", f"未知的安全类别“{get('security')}”", f"unknown security category {get('security')!r}")
            else:
                out.add(n, item, QZ.securityCategory, ID[f"security/{cat}"])
        if get("handling"):
            mode = HANDLING.get(get("handling"))
            if mode is None:
                bad(n, "handling", f"未知的办理方式“{get('handling')}”", f"unknown handling mode {get('handling')!r}")
            else:
                out.add(n, item, QZ.handling, ID[f"handling/{mode}"])
        if get("note"):
            out.add(n, item, SKOS.note, _lit(get("note")))
    # An item is one list's: the same code in another load would merge two lists' facts into one
    # item (the levels of both, two names) with no one the wiser.
    for code, other in _codes_in_other_loads(store, own_graph, set(codes)).items():
        bad(codes[code], "code", f"事项编码 {code} 已在载入“{other}”中；新版本请以同名载入替换，或先卸载该载入",
            f"item code {code} is already in load {other!r}: load a new version under that name, or unload it first")
    # 关联事项 must name an item of this file or one already stored elsewhere.
    missing = {o for _, _, o in related if o not in codes}
    stored = _existing_items(store, missing)
    stored_elsewhere = set(stored) - _codes_in_graph(store, own_graph, set(stored))
    for n, _code, other in related:
        if other not in codes and other not in stored_elsewhere:
            bad(n, "related", f"关联事项 {other} 在本文件和库中都不存在", f"related item {other} exists nowhere")
    return out, row_code


def _codes_in_other_loads(store: Store, graph: str, codes: set[str]) -> dict[str, str]:
    """code → the name of another load that holds an item with it."""
    if not codes:
        return {}
    rows = store.select(f"""SELECT ?code ?g WHERE {{ VALUES ?code {{ UNDEF }}
        GRAPH ?g {{ ?i <{QZ.code}> ?code ; a ?type }} FILTER(?g != <{graph}>) }}""", {"code": sorted(codes)})
    return {str(r["code"]): unquote(str(r["g"]).rsplit("/", 1)[-1]) for r in rows}


def _codes_in_graph(store: Store, graph: str, codes: set[str]) -> set[str]:
    """Codes that are stored only because an earlier version of this same file put them there."""
    if not codes:
        return set()
    rows = store.select(f"""SELECT ?code WHERE {{ VALUES ?code {{ UNDEF }}
        GRAPH <{graph}> {{ ?i <{QZ.code}> ?code }} }}""", {"code": sorted(codes)})
    return {str(r["code"]) for r in rows}


def _zones(store: Store) -> list[tuple[str, str]]:
    rows = store.select(f"""SELECT ?z ?label WHERE {{ ?z a ?c ; <{SKOS.prefLabel}> ?label .
        VALUES ?c {{ <{QZ.PilotFreeTradeZone}> <{QZ.FreeTradeZoneArea}> <{QZ.SCODemonstrationZone}>
                     <{QZ.NationalNewArea}> <{QZ.NationalDevelopmentZone}> }} FILTER(lang(?label) = "zh") }}""")
    return sorted(((str(r["z"]), str(r["label"])) for r in rows), key=lambda z: -len(z[1]))


def _action_rows(table: Table, store: Store, problems: list[Problem]) -> tuple[_Triples, dict[int, str]]:
    cols = _map_header(table, ACTION_COLUMNS, REQUIRED_ACTION)
    f = table.path.name
    out = _Triples()
    orgs = OrganisationMatcher()
    zones = _zones(store)
    codes = {r.get(cols["code"], "") for _, r in table.rows} - {""}
    stored = _existing_items(store, codes)
    row_code: dict[int, str] = {}
    seen: dict[str, int] = {}

    def bad(row: int, col: str, zh: str, en: str, severity: str = "error") -> None:
        problems.append(Problem(f, row, cols.get(col, ACTION_COLUMNS[col][0]), zh, en, severity))

    for n, r in table.rows:
        get = _getter(r, cols)
        code = get("code")
        row_code[n] = code
        if not code:
            bad(n, "code", "缺少事项编码", "missing item code")
            continue
        if code not in stored:
            bad(n, "code", f"事项 {code} 不在库中（请先载入权责清单）", f"item {code} is not in the store (load its list first)")
            continue
        kind = ACTIONS.get(get("action"))
        if kind is None:
            bad(n, "action", f"未知的调整方式“{get('action')}”", f"unknown adjustment {get('action')!r}")
            continue
        to_level = None
        zone = None
        target = get("to_level")
        if target in ZONE_WORDS or target.endswith("区"):
            zone = next((z for z, label in zones if label in get("to_body") or label in target), None)
            if zone is None:
                bad(n, "to_body", f"承接单位“{get('to_body')}”未能对应到功能区", f"receiving body {get('to_body')!r} matches no functional zone", "warning")
        elif target:
            lv, unknown = _levels(target)
            if unknown or len(lv) != 1:
                bad(n, "to_level", f"未知的承接层级“{target}”", f"unknown receiving level {target!r}")
                continue
            to_level = lv[0]
        slug = to_level or (zone.rsplit("/", 1)[-1] if zone else segment(get("to_body") or "none"))
        action = ID[f"action/{segment(code)}/{kind}/{slug}"]
        key = str(action)
        if key in seen:
            bad(n, "code", f"与第 {seen[key]} 行重复的调整", f"same adjustment as row {seen[key]}")
            continue
        seen[key] = n
        out.add(n, action, RDF.type, QZ.DevolutionAction)
        out.add(n, action, QZ.onItem, item_iri(code))
        out.add(n, action, QZ.actionType, ID[f"action-type/{kind}"])
        levels = sorted(stored[code], key=lambda lv: RANK.get(lv, len(LEVELS)))
        if levels:
            out.add(n, action, QZ.fromLevel, LEVEL[levels[0]])
        if to_level:
            out.add(n, action, QZ.toLevel, LEVEL[to_level])
        if zone:
            out.add(n, action, QZ.toZone, zone)
        if get("to_body"):
            out.add(n, action, QZ.toBodyName, _lit(get("to_body")))
            iri, _lv, _city = orgs.match(get("to_body"))
            if iri and not _city:
                out.add(n, action, QZ.toBody, iri)
        if get("entrusting"):
            out.add(n, action, QZ.entrustingBodyName, _lit(get("entrusting")))
            iri, _lv, _city = orgs.match(get("entrusting"))
            if iri and not _city:
                out.add(n, action, QZ.entrustingBody, iri)
            else:
                bad(n, "entrusting", f"委托机关“{get('entrusting')}”未能对应到参考数据中的机关",
                    f"entrusting body {get('entrusting')!r} matches no organisation", "warning")
        elif kind == "entrust":
            bad(n, "entrusting", "委托必须写明委托机关（委托机关承担法律责任）",
                "an entrustment must name its entrusting body (it keeps legal responsibility)")
        if get("deadline"):
            if is_date(get("deadline")):
                out.add(n, action, QZ.deadline, ox.Literal(get("deadline"), datatype=ox.NamedNode(str(XSD.date))))
            else:
                bad(n, "deadline", f"完成时限“{get('deadline')}”不是 YYYY-MM-DD 格式的真实日期",
                    f"deadline {get('deadline')!r} is not a real YYYY-MM-DD date")
        if get("basis_document"):
            out.add(n, action, QZ.basisDocument, _lit(get("basis_document")))
        if get("note"):
            out.add(n, action, SKOS.note, _lit(get("note")))
    return out, row_code


def _review_rows(table: Table, store: Store, resolve: CitationCache, problems: list[Problem],
                 own_graph: str, load: str) -> tuple[_Triples, list[str]]:
    """A 层级校核表: triples per row, and the validation focus — the reviews and the items whose
    legal bases they bear on (their 层级与法定依据不符 results may change)."""
    cols = _map_header(table, review.COLUMNS, review.REQUIRED)
    f = table.path.name

    def bad(row: int, col: str, zh: str, en: str) -> None:
        problems.append(Problem(f, row, cols.get(col, review.COLUMNS[col][0]), zh, en))

    readings = review.read_rows([(n, _getter(r, cols)) for n, r in table.rows], store, resolve, own_graph, bad)
    out = _Triples()
    for n, reading in readings.items():
        node = review.review_iri(reading.unit, load)
        for s, p, o in review.triples(reading, node):
            out.add(n, s, p, o)
    units = sorted({r.unit for r in readings.values()})
    # Loaded again under its name, a list replaces what it held: say which readings go with it.
    held = {str(r["unit"]) for r in store.select(
        f"SELECT DISTINCT ?unit WHERE {{ GRAPH <{own_graph}> {{ ?unit <{QZ.levelReview}> ?r }} }}")}
    for unit in sorted(held - set(units)):
        problems.append(Problem(f, None, None, f"重新载入后，{unit_citation(store, unit)}的校核将被删除（本文件没有这一款项）",
                                f"reloaded, this list no longer reviews {unit_citation(store, unit)} (not in the file)",
                                "warning"))
    # The items relying on a paragraph whose review goes are validated too: its reading changes back.
    bearing = sorted(set(units) | held)
    relying = store.select(query_text("relying_items"), {"provision": [Iri(u) for u in bearing]}) if bearing else []
    focus = sorted({str(r["item"]) for r in relying})
    return out, focus


def _chains_of(store: Store, kind: str, triples: set[ox.Triple]) -> set[str]:
    """An adjustments list moves items, and with them the 一链办理 of the items related to them
    either way: those are validated with it (a 窗口前移 of one item settles its partner's chain)."""
    if kind != "adjustments":
        return set()
    items = sorted({t.object.value for t in triples if t.predicate.value == str(QZ.onItem)})
    if not items:
        return set()
    rows = store.select(f"""SELECT DISTINCT ?other WHERE {{ VALUES ?item {{ UNDEF }}
        {{ ?item <{QZ.relatedItem}> ?other }} UNION {{ ?other <{QZ.relatedItem}> ?item }} }}""",
                        {"item": [Iri(i) for i in items]})
    return set(items) | {str(r["other"]) for r in rows}


#: Each kind of list's names (zh, en), as :data:`_KINDS` gives them.
KIND_NAMES = {kind: (spec[3], spec[4]) for kind, spec in _KINDS.items()}


#: The item list's column of a property a finding names (its sh:resultPath).
_PATH_COLUMN = {
    str(QZ.code): "code", str(QZ.name): "name", str(QZ.subItemName): "sub_name", str(RDF.type): "type",
    str(QZ.implementingBody): "body", str(QZ.implementingBodyName): "body", str(QZ.exercisedAt): "levels",
    str(QZ.legalBasis): "basis", str(QZ.basisText): "basis", str(QZ.implementationBasis): "impl_basis",
    str(QZ.relatedItem): "related", str(QZ.securityCategory): "security", str(QZ.handling): "handling",
    str(QZ.acceptedAt): "accepted_at", str(QZ.approvedAt): "approved_at",
}


def _violations_by_row(report: object, table: Table, kind: str, row_code: dict[int, str]) -> list[Problem]:
    """The violations a load is refused for, as problems of the file: the row of the item (or of
    the first action on it) and, in an item list, the column of the property the rule names."""
    rows: dict[str, int] = {}
    for n, code in sorted(row_code.items()):
        rows.setdefault(code, n)
    cols = _map_header(table, ITEM_COLUMNS, REQUIRED_ITEM) if kind == "items" else {}
    out = []
    for f in getattr(report, "results", []):
        if f.severity != "Violation":
            continue
        code = f.focus_code or (unquote(f.focus.split("/action/", 1)[1].split("/", 1)[0]) if "/action/" in f.focus else None)
        column = cols.get(_PATH_COLUMN.get(f.path or "", ""))
        zh, en = f.messages.get("zh") or f.message, f.messages.get("en") or f.message
        name_zh, name_en = f.shape_names.get("zh") or f.shape_name, f.shape_names.get("en") or f.shape_name
        # the offending value, when the message does not give it: two bases failing one rule are two lines
        value = f.value_label or f.value
        said = f"（{value}）" if value and value not in zh else ""
        said_en = f" ({value})" if value and value not in en else ""
        out.append(Problem(table.path.name, rows.get(code or ""), column, f"{code or f.focus}［{name_zh}］{zh}{said}",
                           f"{code or f.focus} [{name_en}] {en}{said_en}", "violation"))
    return out


def _replaceable(store: Store, graph: str, kind: str, file: str, *, stores_nothing: bool) -> None:
    """Loaded under the name of a stored list, a file replaces it — if it is the same kind of
    list, and brings rows: an item list named like a review list would delete its reviews, and a
    file of only a header would empty the list. Neither is how a list is corrected; ``quanze
    unload`` removes one."""
    from quanze.catalog import loads

    records = loads(store, graph)
    if not records:
        return
    record = records[0]
    name = unquote(graph.rsplit("/", 1)[-1])
    if record.kind and record.kind != kind:
        (was_zh, was_en), (new_zh, new_en) = KIND_NAMES.get(record.kind, (record.kind,) * 2), KIND_NAMES[kind]
        raise LoadRejected([Problem(file, None, None, f"载入“{name}”是{was_zh}，不能以{new_zh}替换；请换一个载入名称",
                                    f"load {name!r} is {was_en}: {new_en} cannot replace it; choose another name")])
    if stores_nothing and store.has_graph(graph):
        raise LoadRejected([Problem(file, None, None, f"本文件没有可载入的行，载入将清空“{name}”；如确要删除它，请卸载（quanze unload）",
                                    f"the file has no row to load and would empty {name!r}; to remove it, unload it")])


def _touched_by_reload(store: Store, graph: str, defined: set[str]) -> set[str]:
    """Loaded again under its name, a list replaces what its graph held. The nodes besides its own
    whose findings may change: the items its earlier version pointed to (an action's 事项, a
    related item: a 取消 action dropped leaves a city licence uncancelled), and the items and
    actions elsewhere pointing to an item or action it no longer defines."""
    items, actions = str(ID["item/"]), str(ID["action/"])
    pointed = store.select(f"""SELECT DISTINCT ?o WHERE {{ GRAPH <{graph}> {{ ?s <{QZ.onItem}>|<{QZ.relatedItem}> ?o }} }}""")
    held = store.select(f"""SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s a ?type }}
        FILTER(STRSTARTS(STR(?s), "{items}") || STRSTARTS(STR(?s), "{actions}")) }}""")
    touched = {str(r["o"]) for r in pointed}
    dropped = sorted({str(r["s"]) for r in held} - defined)
    if dropped:
        pointing = store.select(f"""SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ UNDEF }} ?s ?p ?o
            FILTER(STRSTARTS(STR(?s), "{items}") || STRSTARTS(STR(?s), "{actions}")) }}""",
                                {"o": [Iri(d) for d in dropped]})
        touched |= {str(r["s"]) for r in pointing} | set(dropped)
    return touched - defined


def unit_citation(store: Store, unit: str) -> str:
    """《title》第X条第X款 of a stored unit, for a message (its IRI when it has no title)."""
    from quanze.lookup import unit_label

    rows = store.select(f"SELECT ?t WHERE {{ <{unit.split('/art_', 1)[0]}> <http://data.europa.eu/eli/ontology#title> ?t }}")
    return f"{book_title(str(rows[0]['t']))}{unit_label(unit)}" if rows else unit


Validator = Callable[[Store, str, set[ox.Triple], list[str]], object]


def load_list(store: Store, path: Path, *, name: str | None = None, by: str | None = None,
              skip_bad_rows: bool = False, validator: Validator | None = None,
              accept_violations: bool = False, citations: CitationCache | None = None) -> LoadResult:
    """Load one list file as graph ``qzid:graph/load/{name or file stem}``.

    ``validator(store, graph, triples, focus)`` runs before the commit and returns a report
    with ``conforms`` / ``violations``; a non-conforming load is rejected unless
    ``accept_violations``. ``citations`` shares resolved 设定依据 between loads of one session.
    Raises :class:`LoadRejected` (nothing written) or
    :class:`~quanze.tables.TableError` (file unreadable); a name a load may not have
    (:func:`check_name`) is refused before the file is read."""
    path = Path(path)
    check_name(name, path)
    table, kind = read_list(path)
    graph = str(graph_iri("load", name or path.stem))
    problems: list[Problem] = []
    relying: list[str] = []
    row_code: dict[int, str] = {}
    if kind == "items":
        built, row_code = _item_rows(table, store, citations or CitationCache(store), problems, graph)
    elif kind == "reviews":
        built, relying = _review_rows(table, store, citations or CitationCache(store), problems, graph,
                                      name or path.stem)
    else:
        built, row_code = _action_rows(table, store, problems)
    problems[:0] = _unread_columns(table, _KINDS[kind][0])
    # a list of another kind under a stored list's name, or a file of no rows, is told so first,
    # whatever its rows say (a file whose every row is bad is refused below)
    _replaceable(store, graph, kind, path.name, stores_nothing=not table.rows)
    bad_rows = {p.row for p in problems if p.severity == "error" and p.row}
    if bad_rows and not skip_bad_rows:
        raise LoadRejected(problems)
    if bad_rows and len(bad_rows) == len(table.rows):  # skipping every row is no load of the list
        raise LoadRejected(problems + [Problem(path.name, None, None, "本文件的行全部被拒绝，未载入",
                                               "every row of the file was rejected; nothing was loaded")])
    triples: set[ox.Triple] = set()
    for n, ts in built.rows.items():
        if n not in bad_rows:
            triples |= ts
    result = LoadResult(graph, kind, len(table.rows), len(table.rows) - len(bad_rows), len(triples), problems=problems)
    if kind == "reviews":
        result.focus = sorted({t.subject.value for t in triples if t.object.value == QZ.LevelReview} | set(relying))
    else:
        prefix = str(ID["item/"]) if kind == "items" else str(ID["action/"])
        defined = {t.subject.value for t in triples if t.subject.value.startswith(prefix)}
        result.focus = sorted(defined | _touched_by_reload(store, graph, defined) | _chains_of(store, kind, triples))
    report_graph = None
    accepted = None
    if validator is not None:
        report = validator(store, graph, triples, result.focus)
        result.report = report
        violations = getattr(report, "violations", 0)
        if violations and not accept_violations:
            raise LoadRejected(problems + _violations_by_row(report, table, kind, row_code), report)
        report_graph = str(graph_iri("report", name or path.stem))
        accepted = violations if violations else None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    also = record_ops(graph, kind=kind, file_name=path.name, sha256=digest, rows=result.stored_rows,
                      triples=len(triples), by=by, loader=f"quanze {__version__}", report=report_graph,
                      accepted_violations=accepted)
    graphs = {graph: triples}
    drops: list[str] = []
    if report_graph is not None and hasattr(result.report, "to_triples"):
        graphs[report_graph] = result.report.to_triples(report_graph)  # type: ignore[union-attr]
    else:  # unvalidated: a report of the list's earlier version would speak for content it no longer has
        drops.append(str(graph_iri("report", name or path.stem)))
    stats = store.write(graphs, drops=drops, also=also)
    result.inserted, result.deleted = stats.by_graph.get(graph, (0, 0))  # the list's own, not its report's
    if bad_rows:  # only now: a load refused above leaves no rejects file, nor replaces an earlier one
        result.rejects_file = _write_rejects(path, table, problems, bad_rows)
    return result


def _write_rejects(path: Path, table: Table, problems: list[Problem], bad_rows: set[int]) -> Path:
    """``<file>.rejects.csv`` beside ``path``: the rows skipped, each with its reasons."""
    reasons: dict[int, list[str]] = {}
    for p in problems:
        if p.row in bad_rows and p.severity == "error":
            reasons.setdefault(p.row, []).append(f"[{p.column}] {p.reason_zh} / {p.reason_en}")
    rejects = path.with_name(path.stem + ".rejects.csv")
    write_table(rejects, [REJECTS_ROW, *table.header, REJECTS_REASON],
                [[n, *[r.get(h, "") for h in table.header], "；".join(reasons[n])] for n, r in table.rows if n in bad_rows])
    return rejects


def check_name(name: str | None, path: Path) -> None:
    """Refuse (:class:`LoadRejected`, nothing read or written) the load name ``name`` — else the
    file's stem, which names the load without it — when it is blank or reads as the name of a graph
    Quanze keeps besides the lists (:data:`quanze.catalog.RESERVED_NAMES`: laws, plan …): its graph
    would be another IRI, but ``quanze graphs``, ``GET /loads`` and the web pages would show two
    graphs named alike."""
    from quanze.catalog import RESERVED_NAMES, reserved_name

    path = Path(path)
    given = name or path.stem
    whence_zh, whence_en = ("", "") if name else (f"（取自文件名 {path.name}）", f" (from the file name {path.name})")
    if not given.strip():
        raise LoadRejected([Problem(path.name, None, None, f"载入名称“{given}”{whence_zh}是空白的；请另取一个载入名称",
                                    f"the load name {given!r}{whence_en} is blank: choose another load name")])
    reserved = reserved_name(given)
    if reserved is None:
        return
    zh_graph = {"laws": "法规库（quanze laws import 写入）", "catalog": "载入记录"}.get(reserved, "参考数据（quanze init 写入）")
    en_graph = {"laws": "the law corpus (written by quanze laws import)", "catalog": "the catalog of loads"}.get(
        reserved, "reference data (written by quanze init)")
    raise LoadRejected([Problem(
        path.name, None, None,
        f"载入名称“{given}”{whence_zh}与{zh_graph}的图名 {reserved} 相同，quanze graphs 和网页上将出现两个同名的图；"
        f"请另取一个载入名称（quanze load --name，POST /loads 的 name 字段）。保留名称（不区分大小写）：{'、'.join(RESERVED_NAMES)}",
        f"the load name {given!r}{whence_en} reads as {reserved!r}, the name of the graph of {en_graph}: quanze graphs "
        f"and the web pages would show two graphs named alike. Choose another load name (quanze load --name; "
        f"POST /loads: the name field). Reserved, in any case: {', '.join(RESERVED_NAMES)}")])


def load_graph(name: str) -> str:
    """A load's graph from its name as given, as its IRI writes it (空格 清单 or 空格%20清单), or its
    whole IRI — a list's only: any other graph's IRI names no load (the corpus and the reference
    data are kept by their own commands)."""
    lists = str(graph_iri("load", "x"))[:-1]
    return name if name.startswith(lists) else str(graph_iri("load", unquote(name)))


def is_loaded(store: Store, name: str) -> bool:
    """Whether a load of that name (or graph IRI) exists: its graph, or its record alone (a list
    of only a header stores nothing but is recorded)."""
    from quanze.catalog import loads

    graph = load_graph(name)
    return store.has_graph(graph) or bool(loads(store, graph))


def unload(store: Store, name: str, *, force: bool = False, validator: Validator | None = None) -> bool:
    """Remove a load's graph, its validation report and its catalog record (a load that stored
    nothing, such as a list of only a header, has a record and a report to remove).

    An unload that would leave other loads pointing at nothing (an adjustments list acting on
    this list's items) is refused with :class:`UnloadRefused` unless ``force``: the store is
    kept whole, as a load is, and the data team decides. Forced, with a ``validator``, each such
    load that has a report is validated again on the store as it will be, and its report is
    replaced in the same write (:func:`renewed_reports`): the actions left on no item are then
    findings that ``/validation`` and the item pages show, not a silence. False when there is
    no such load."""
    from quanze.catalog import forget_ops

    graph = load_graph(name)
    report = str(graph_iri("report", unquote(graph.rsplit("/", 1)[-1])))  # the segment is encoded once
    if not is_loaded(store, name):
        return False
    left = dependents(store, name)
    if left and not force:
        raise UnloadRefused(unquote(graph.rsplit("/", 1)[-1]), left)
    renewed = renewed_reports(store, graph, left, validator) if left and validator else {}
    store.write(renewed, drops=[graph, report], also=forget_ops(graph))
    return True


def renewed_reports(store: Store, graph: str, loads_left: Iterable[str],
                    validator: Validator) -> dict[str, set[ox.Triple]]:
    """The reports of ``loads_left`` (loads pointing at ``graph``'s items) validated again as if
    ``graph`` were gone: report graph → its triples, for those that have a report (one loaded
    with ``--no-validate`` stays unvalidated). Each holds every finding on the nodes its load
    defines (its actions) and their neighbours; a reload would also validate the items it bears
    on, which are ``graph``'s and gone."""
    out: dict[str, set[ox.Triple]] = {}
    for name, report in reports_of(store, loads_left).items():
        focus = sorted({t.subject.value for t in store.graph_triples(load_graph(name))
                        if isinstance(t.subject, ox.NamedNode)})
        out[report] = validator(store, graph, set(), focus).to_triples(report)  # type: ignore[attr-defined]
    return out


def reports_of(store: Store, names: Iterable[str]) -> dict[str, str]:
    """The validation report of each of these loads that has one (one loaded with
    ``--no-validate`` has none): load name → report graph, in name order."""
    from quanze.catalog import loads

    reports = {r.graph: r.report for r in loads(store) if r.report}
    return {name: reports[load_graph(name)] for name in sorted(names) if load_graph(name) in reports}


def dependents(store: Store, name: str) -> dict[str, int]:
    """Other loads pointing at items only this load defines: load name → how many of their
    nodes would point at nothing once it is unloaded (an adjustments list's actions, say)."""
    graph, items, loads_prefix = load_graph(name), str(ID["item/"]), str(graph_iri("load", "x"))[:-1]
    rows = store.select(f"""SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        GRAPH <{graph}> {{ ?x a ?type }} FILTER(STRSTARTS(STR(?x), "{items}"))
        FILTER NOT EXISTS {{ GRAPH ?elsewhere {{ ?x a ?other }} FILTER(?elsewhere != <{graph}>) }}
        GRAPH ?g {{ ?s ?p ?x }} FILTER(?g != <{graph}> && STRSTARTS(STR(?g), "{loads_prefix}"))
    }} GROUP BY ?g""")
    return {unquote(str(r["g"]).rsplit("/", 1)[-1]): int(str(r["n"])) for r in rows}


__all__ = ["LoadRejected", "LoadResult", "Problem", "TableError", "UnloadRefused", "check_name", "dependents", "is_loaded",
           "load_graph", "load_list", "renewed_reports", "reports_of", "unload", "Iri"]
