"""The ``quanze`` command. Every command works on any backend: ``--store`` (on-disk, default
``./var/store``; ``:memory:`` for a throwaway one) or ``--endpoint`` / ``--update-endpoint``.

Exit codes: 0 done, 1 the answer is "no" (violations, a rejected load), 2 could not run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from typer.core import TyperGroup

from quanze.settings import ConflictingOptions, Settings
from quanze.store import Iri, QuerySyntaxError, Store, StoreError


class _Guarded(TyperGroup):
    """Every command's store failure (endpoint unreachable or refusing a request, store locked,
    bad SPARQL) becomes a clear message and exit 2, not a traceback — whichever command it is."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            fail(str(exc))


app = typer.Typer(help="Quanze 权责: administrative power items, their legal bases and devolution blockers.",
                  no_args_is_help=True, pretty_exceptions_enable=False, cls=_Guarded)
laws_app = typer.Typer(help="The legal corpus / 法律法规库", no_args_is_help=True)
app.add_typer(laws_app, name="laws")
console = Console()
err = Console(stderr=True)

StoreOpt = Annotated[str | None, typer.Option("--store", help="on-disk store folder (QUANZE_STORE; default ./var/store)")]
EndpointOpt = Annotated[str | None, typer.Option("--endpoint", help="remote SPARQL query URL (QUANZE_ENDPOINT)")]
UpdateOpt = Annotated[str | None, typer.Option("--update-endpoint", help="remote SPARQL update URL")]
GspOpt = Annotated[str | None, typer.Option("--gsp-endpoint", help="remote Graph Store Protocol URL")]


class State:
    settings: Settings
    store: Store | None = None


state = State()


@app.callback()
def main(store: StoreOpt = None, endpoint: EndpointOpt = None, update_endpoint: UpdateOpt = None,
         gsp_endpoint: GspOpt = None) -> None:
    """The global options; each given here wins over its QUANZE_* variable (Settings.from_command_line)."""
    try:
        state.settings = Settings.from_command_line(store, endpoint, update_endpoint, gsp_endpoint)
    except ConflictingOptions as exc:
        fail(str(exc))
    except ValidationError as exc:  # a QUANZE_* variable of the wrong type: exit 2, not a traceback
        fail(f"设置无效 / invalid setting: {exc}")


def open_store(*, create: bool = False) -> Store:
    """The store the global options name. An on-disk store that does not exist yet is made only
    by the commands that fill one (``create``: init, laws import, load); any other command there
    would answer from an empty store made on the spot — the default ``./var/store`` is relative
    to the current folder, so a command run elsewhere said "nothing blocks" and exited 0."""
    if state.store is None:
        missing_store(create)
        try:
            state.store = state.settings.open_store()
        except StoreError as exc:
            fail(str(exc))
    return state.store  # type: ignore[return-value]


def missing_store(create: bool) -> None:
    """Refuse (exit 2) to read an on-disk store that does not exist, unless ``create``."""
    settings = state.settings
    if create or settings.endpoint or settings.store == ":memory:" or Path(settings.store).exists():
        return
    where = "" if Path(settings.store).is_absolute() else " (relative to the current folder)"
    fail(f"{settings.store} 处没有存储：请先运行 quanze init（及 laws import、load），或用 --store / QUANZE_STORE 指定已有的存储 / "
         f"no store at {settings.store}{where}: run quanze init (then laws import, load) "
         f"first, or name an existing one with --store or QUANZE_STORE")


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _target(to: str) -> str:
    """``--to`` as the analysis names it; anything else is a clear error naming the accepted
    targets (exit 2), before any store is opened."""
    from quanze.devolution import target_level

    try:
        return target_level(to)
    except ValueError as exc:
        fail(str(exc))


def _table(rows: list[dict], columns: list[str] | None = None, title: str | None = None) -> RichTable:
    columns = columns or (list(rows[0]) if rows else [])
    t = RichTable(title=title, show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
    return t


# --- foundation -------------------------------------------------------------------------------

@app.command()
def query(sparql: Annotated[str, typer.Argument(help="SPARQL query text, or @file.rq")],
          fmt: Annotated[str, typer.Option("--format", help="table|json|csv")] = "table") -> None:
    """Run a SPARQL SELECT (ASK, CONSTRUCT) query / 执行 SPARQL 查询."""
    import csv

    if fmt not in ("table", "json", "csv"):
        fail(f"不支持的格式 / unsupported format: {fmt} (table|json|csv)")
    text = _read_query_file(sparql[1:]) if sparql.startswith("@") else sparql
    store = open_store()
    try:
        form = _query_form(text)
        if form == "ask":
            answer = store.ask(text)
            console.print(json.dumps(answer) if fmt == "json" else str(answer).lower())
            return
        if form == "graph":  # CONSTRUCT, DESCRIBE
            body, _ = store.sparql(text, "text/turtle")
            sys.stdout.write(body.decode("utf-8"))
            return
        rows = store.select(text)
    except QuerySyntaxError as exc:
        fail(str(exc))
    except StoreError as exc:
        fail(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        cols = list(rows[0]) if rows else []
        w.writerow(cols)
        w.writerows([[r[c] for c in cols] for r in rows])
    else:
        console.print(_table(rows))


def _read_query_file(name: str) -> str:
    """The text of ``@file.rq``; a missing or unreadable file is a clear error (exit 2)."""
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"找不到查询文件 {name} / no such query file: {name}")
    except UnicodeDecodeError:
        fail(f"查询文件 {name} 不是 UTF-8 文本 / the query file {name} is not UTF-8 text")
    except OSError as exc:
        fail(f"无法读取查询文件 {name}：{exc.strerror} / cannot read the query file {name}: {exc.strerror}")


def _query_form(text: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT, DESCRIBE), read from the tokens as the API reads
    it (a ``#`` inside an IRI is no comment); a text of no form runs as a SELECT, whose parser
    then says what is wrong."""
    from quanze.store.tokens import query_form, tokenize

    return query_form(tokenize(text)) or "select"


@app.command()
def graphs() -> None:
    """List named graphs with their provenance / 列出命名图及其来源.

    A table, one row per load, when the terminal is wide enough for it; else each load in a few
    lines of its own (its name and kind, then the fields two by two), to be read at 80 columns."""
    from quanze.catalog import loads, unrecorded_graphs, unvalidated

    store = open_store()
    records = loads(store)
    unrecorded = unrecorded_graphs(store)
    unchecked = {r.graph for r in unvalidated(records)}
    # the file's sha256 in its first 12 hex digits, enough to tell files apart (the whole digest: qz:sha256)
    rows = [{"名称/name": r.name, "类型/kind": r.kind, "文件/file": r.file_name, "sha256": (r.sha256 or "")[:12], "行/rows": r.rows,
             "三元组/triples": r.triples, "时间/time": r.time, "载入人/by": r.by or "",
             "报告/report": "未校验" if r.graph in unchecked else (r.report or "").rsplit("/", 1)[-1]
             + (f"（接受 {r.accepted_violations} 个违规 / {r.accepted_violations} violations accepted）"
                if r.accepted_violations else "")}
            for r in records]
    title = "载入记录 / loads"
    table = _table(rows, title=title)
    if rows and _natural_width(table) > console.width:
        _print_by_load(rows, title)
    else:
        console.print(table)
    if unchecked:
        console.print("[yellow]未校验的清单（--no-validate）：其问题不在校验报告中；不带 --no-validate 重新载入即校验 / lists "
                      "loaded without validation (--no-validate): their problems are in no report; load them again "
                      "without it to validate them[/yellow]")
    for g in unrecorded:
        console.print(f"[yellow]无来源记录的图（中断的载入或手工写入）/ graph without a record (interrupted load or a manual write): {g}[/yellow]")


def _natural_width(renderable: Any) -> int:
    """The width ``renderable`` takes unwrapped (``console.measure`` caps it at the console's)."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update_width(1_000_000), renderable).maximum


#: The layout of a load in ``graphs`` on a narrow terminal: after its name and kind, these fields
#: two by two (a field alone on its line when the other is None), or one by one when even that
#: is too wide for the time and the sha256 to stay whole.
_BY_LOAD = (("文件/file", "sha256"), ("行/rows", "三元组/triples"), ("时间/time", "载入人/by"), ("报告/report", None))


def _print_by_load(rows: list[dict], title: str) -> None:
    """``graphs`` rows as blocks, one per load: the name and kind on a line, then :data:`_BY_LOAD`
    in a grid indented under it, its columns as wide for every load (a longer value folds)."""
    from rich.cells import cell_len
    from rich.markup import escape
    from rich.padding import Padding

    def text(value: object) -> str:
        return "" if value is None else str(value)

    def widest(keys: list[str]) -> int:
        return max((cell_len(text(r[k])) for r in rows for k in keys), default=1)

    indent, gap = 2, 2
    lefts, rights = [a for a, _ in _BY_LOAD], [b for _, b in _BY_LOAD if b]
    key_widths = [max(map(cell_len, lefts)), max(map(cell_len, rights))]
    room = console.width - indent - sum(key_widths) - 3 * gap  # for the two value columns
    if room - widest(rights) >= widest(["时间/time"]):
        columns = [(key_widths[0], min(widest(lefts), room - widest(rights))), (key_widths[1], widest(rights))]
        lines = [(a, b) for a, b in _BY_LOAD]
    else:  # one field a line
        every = [k for pair in _BY_LOAD for k in pair if k]
        width = max(map(cell_len, every))
        columns = [(width, max(console.width - indent - width - gap, 1))]
        lines = [(k, None) for k in every]
    console.print(title, justify="center")
    for r in rows:
        console.print(f"[bold]{escape(text(r['名称/name']))}[/bold]（{escape(text(r['类型/kind']))}）")
        grid = RichTable.grid(padding=(0, gap))
        for key_width, value_width in columns:
            grid.add_column(width=key_width, no_wrap=True, style="dim")
            grid.add_column(width=value_width, overflow="fold")
        for a, b in lines:
            cells = [a, text(r[a])]
            if len(columns) > 1:
                cells += [b, text(r[b])] if b else ["", ""]
            grid.add_row(*cells)
        console.print(Padding(grid, (0, 0, 0, indent)))


@app.command()
def export(fmt: Annotated[str | None, typer.Option(
               "--format", help="trig|nquads (default: -o FILE's suffix, else trig)")] = None,
           output: Annotated[Path | None, typer.Option(
               "--output", "-o", help="FILE (.trig .nq); without it, to stdout")] = None) -> None:
    """Export the whole store, each graph named / 导出全部数据（保留命名图）.

    Without --format, -o FILE's suffix names the format (.trig TriG, .nq N-Quads); a suffix
    naming another format, or one of a format without named graphs (.ttl .nt …), is refused."""
    fmt = _output_format(fmt, output, EXPORT_SUFFIX, default="trig", screen=(), binary=(), foreign=FOREIGN_RDF)
    data = open_store().export(fmt)
    if output:
        output.write_bytes(data)
        err.print(f"{len(data):,} bytes → {output}")
    else:
        sys.stdout.buffer.write(data)


@app.command()
def init(by: Annotated[str | None, typer.Option("--by")] = None) -> None:
    """Load the ontology, Shandong's regions, zones, departments and the plan / 载入参考数据."""
    from quanze.reference import init as do_init

    counts = do_init(open_store(create=True), state.settings.data, state.settings.ontology, by=by)
    for g, n in counts.items():
        console.print(f"{g.rsplit('/', 1)[-1]}: {n:,} triples")


#: ``laws import`` lists every warning on the terminal when there are at most this many; else, of
#: each kind, its first few (this many in all), and ``--warnings FILE`` writes them all.
WARNINGS_FEW, WARNINGS_LISTED = 20, 10
WARNINGS_HEADER = ["文件/path", "行/line", "类别/kind", "说明", "warning"]


@laws_app.command("import")
def laws_import(path: Annotated[Path | None, typer.Argument(help="folder like shared/laws (QUANZE_LAWS)")] = None,
                by: Annotated[str | None, typer.Option("--by")] = None,
                warnings: Annotated[Path | None, typer.Option(
                    "--warnings", help="write every warning (file, line, kind, message) to FILE.csv or FILE.xlsx")] = None) -> None:
    """Import the legal corpus: instruments, articles, paragraphs, items, level assignments.

    The summary names every file skipped, and lists the warnings (a file kept all the same: an
    article number skipped, no 第X条 articles) by kind with their counts: all of them when they
    are few, else the first of each kind; --warnings FILE writes them all."""
    from rich.markup import escape

    from quanze.laws import import_corpus

    if warnings is not None and warnings.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"--warnings 的文件名 {warnings.name} 应以 .csv 或 .xlsx 结尾 / "
             f"--warnings {warnings.name}: name a .csv or .xlsx file")
    if warnings is not None and not warnings.absolute().parent.is_dir():  # said now, not after the import
        fail(f"--warnings 的文件夹不存在：{warnings.parent} / --warnings: no such folder {warnings.parent}")
    laws = path or state.settings.laws
    if laws is None:
        fail("没有给出法规库：请给出 PATH 或设置 QUANZE_LAWS / no law corpus given: give PATH or set QUANZE_LAWS")
    if not (Path(laws) / "manifest.csv").exists():
        fail(f"找不到法规库（manifest.csv）/ no law corpus at {laws}: give PATH or set QUANZE_LAWS")
    store = open_store(create=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("解析 / parsing", total=None)

        def step(done: int, total: int, _path: str) -> None:
            progress.update(task, completed=done, total=total)

        summary = import_corpus(store, Path(laws), by=by, progress=step)
    console.print(f"法规 instruments: {summary.instruments:,}  版本 versions: {summary.versions:,}  "
                  f"条 articles: {summary.articles:,}  款 paragraphs: {summary.paragraphs:,}  项 items: {summary.points:,}")
    console.print(f"层级设定 level assignments: {summary.assignments:,}  委托规定 entrustments: {summary.entrustments:,}  "
                  f"职责角色 role readings: {summary.role_readings:,}  "
                  f"三元组 triples: {summary.triples:,} "
                  f"(+{summary.inserted:,} −{summary.deleted:,})")
    console.print(f"跳过 skipped: {len(summary.skipped)}  警告 warnings: {len(summary.warnings)}")
    for s in summary.skipped:
        console.print(f"  [yellow]{escape(f'{s.path}:{s.line}: {s.reason_zh} / {s.reason_en}')}[/yellow]")
    _list_warnings(summary.warnings, warnings)


def _kind_label(kind: str) -> str:
    from quanze.laws import WARNING_KINDS

    return " ".join(WARNING_KINDS.get(kind, ("其他", "other")))


def _list_warnings(found: list, output: Path | None) -> None:
    """``laws import``'s warnings by kind, most frequent first, each kind with its count: all of
    them when they are few (:data:`WARNINGS_FEW`), else the first of each kind; ``output`` (CSV or
    XLSX) gets them all, in the corpus's order, else the listing says how to have them."""
    from collections import defaultdict

    from rich.markup import escape

    from quanze.tables import write_table

    by_kind: dict[str, list] = defaultdict(list)
    for w in found:
        by_kind[w.kind].append(w)
    kinds = sorted(by_kind, key=lambda k: -len(by_kind[k]))
    shown = len(found) if len(found) <= WARNINGS_FEW else max(WARNINGS_LISTED // max(len(kinds), 1), 1)
    if found:
        pointer = ("" if len(found) <= WARNINGS_FEW else
                   f"（每类前 {shown} 条 / the first {shown} of each kind）" if output else
                   f"（每类前 {shown} 条；--warnings FILE.csv 写出全部 / the first {shown} of each kind; "
                   "--warnings FILE.csv writes them all）")
        console.print(f"警告 warnings{pointer}:")
    for kind in kinds:
        these = by_kind[kind]
        console.print(f"  {escape(_kind_label(kind))}: {len(these)}")
        for w in these[:shown]:
            console.print(f"    {escape(f'{w.path}:{w.line}: {w.reason_zh} / {w.reason_en}')}")
        if len(these) > shown:
            console.print(f"    … 另有 {len(these) - shown} 条 / {len(these) - shown} more")
    if output is None:
        return
    try:
        write_table(output, WARNINGS_HEADER, [[w.path, w.line, _kind_label(w.kind), w.reason_zh, w.reason_en] for w in found])
    except OSError as exc:
        fail(f"法规库已导入，但无法写入警告文件 {output}：{exc.strerror} / the corpus is imported, but the "
             f"warnings cannot be written to {output}: {exc.strerror}")
    console.print(f"全部 {len(found)} 条警告 → {escape(str(output))} / all {len(found)} warnings → {escape(str(output))}")


@laws_app.command("reviews")
def laws_reviews(to: Annotated[str, typer.Option("--to", help="市级|县级|功能区 (city|county|zone)")],
                 output: Annotated[Path, typer.Option("--output", "-o", help="FILE.xlsx or FILE.csv")],
                 department: Annotated[str | None, typer.Option("--department", help="实施主体 as written")] = None) -> None:
    """Write a level review worksheet (层级校核表) of the paragraphs blocking devolution to a level /
    导出层级校核表: one row per 款 or 项, pre-filled with the reading the analysis used (a review's, else
    the extractor's), with its text and the items it blocks. Confirm or correct 层级 and 依据短语,
    fill in 校核人, delete the rows not checked, and load the file with ``quanze load`` under a new
    name (loading it under an earlier list's name replaces that list and the readings it held)."""
    from quanze.devolution import blockers as find
    from quanze.reports import SHEET_HEADER, review_sheet
    from quanze.tables import write_table

    _target(to)
    # a worksheet is read back by quanze load: XLSX or CSV, as the suffix says (.json wrote CSV)
    _output_format(None, output, {"xlsx": ".xlsx", "csv": ".csv"})
    store = open_store()
    if department is not None:
        _known_department(store, department)
    rows = review_sheet(store, find(store, to, department=department, all_items=True))
    write_table(output, SHEET_HEADER, rows)
    # the state reads 已校核（the lists holding the reviews）, perhaps with a note after it
    reviewed = sum(r[-1].startswith("已校核") for r in rows)
    console.print(f"{output}: {len(rows)} 个款项 units ({reviewed} 已校核 reviewed, {len(rows) - reviewed} 待校核 to review)")


# --- lists ------------------------------------------------------------------------------------

@app.command()
def load(files: Annotated[list[Path], typer.Argument(
             help="权责清单, 调整事项目录 or 层级校核表 (level reviews), CSV or XLSX; several in order")],
         name: Annotated[str | None, typer.Option("--name", help="graph name (default: file stem; one file only)")] = None,
         by: Annotated[str | None, typer.Option("--by", help="who loads it (recorded in provenance)")] = None,
         skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows")] = False,
         accept_violations: Annotated[bool, typer.Option("--accept-violations")] = False,
         no_validate: Annotated[bool, typer.Option("--no-validate", help="skip the SHACL validation before the commit (no report is stored)")] = False) -> None:
    """Load lists, each as its own graph, each rejected as a whole on any bad row unless
    --skip-bad-rows / 载入清单. Several files load in the given order (item lists before the
    adjustment lists that name their items); a rejected file leaves the others loaded. A 层级校核表
    (columns 条文, 层级, 校核人 …) records people's readings of paragraphs, which replace the
    extracted levels while the text is unchanged."""
    from urllib.parse import unquote

    from rich.markup import escape

    from quanze.laws import LAWS_GRAPH
    from quanze.lists import CitationCache, LoadRejected, check_name, load_list
    from quanze.tables import TableError
    from quanze.validation import RulesMissing

    if name and len(files) > 1:
        fail("--name 只能用于单个文件 / --name needs exactly one file")
    named: list[LoadRejected] = []  # names no load may have: if every file has one, no store is made for them
    for file in files:
        try:
            check_name(name, file)
        except LoadRejected as exc:
            named.append(exc)
    if len(named) == len(files):
        for p in (p for exc in named for p in exc.problems):
            err.print(f"[red]{escape(str(p))}")
        fail(f"被拒绝的文件 / rejected: {', '.join(escape(f.name) for f in files)}", 1)
    store = open_store(create=True)
    validator = None if no_validate else _validator()
    citations = CitationCache(store)
    rejected = []
    for file in files:
        try:
            result = load_list(store, file, name=name, by=by, skip_bad_rows=skip_bad_rows, validator=validator,
                               accept_violations=accept_violations, citations=citations)
        except RulesMissing as exc:  # validation runs before the write: nothing was stored
            fail(f"{exc} — 库未改变 / the store is unchanged")
        except TableError as exc:  # a file that cannot be read as a list is refused like a bad row
            if len(files) == 1:
                fail(f"{exc} — 库未改变 / the store is unchanged", 1)
            err.print(f"[red]{exc}")
            rejected.append(file.name)
            continue
        except LoadRejected as exc:
            for p in exc.problems:
                err.print(("[red]" if p.severity in ("error", "violation") else "[yellow]") + str(p))
            # every citation was "unknown title" for that reason (a refused name is no row's problem)
            if any(p.row is not None for p in exc.problems) and not store.has_graph(LAWS_GRAPH):
                err.print("[yellow]库中尚无法律语料，设定依据无从解析：请先运行 quanze laws import PATH / the store holds no "
                          "law corpus to resolve citations against: run quanze laws import PATH first[/yellow]")
            if exc.report is not None:
                err.print(exc.report.to_text())  # type: ignore[attr-defined]
            if len(files) == 1:
                fail(f"{exc} — 库未改变 / the store is unchanged", 1)
            err.print(f"[red]{file.name}: {exc} — 此文件未载入 / this file was not loaded")
            rejected.append(file.name)
            continue
        for p in result.problems:
            err.print(("[red]" if p.severity in ("error", "violation") else "[yellow]") + str(p))
        console.print(f"{file.name} → {unquote(result.graph.rsplit('/', 1)[-1])} ({result.kind}): {result.stored_rows}/{result.rows} rows, "
                      f"{result.triples:,} triples (+{result.inserted:,} −{result.deleted:,})")
        if result.rejects_file:
            console.print(f"[yellow]被拒绝的行及原因 / rejected rows with reasons: {result.rejects_file}[/yellow]")
        if result.report is not None and getattr(result.report, "results", None):
            console.print(result.report.to_text())  # type: ignore[attr-defined]
    if rejected:
        fail(f"被拒绝的文件 / rejected: {', '.join(rejected)}", 1)


def _validator():
    """After-load validation. Imported plainly: pyshacl is a hard dependency, and an import error
    is a broken install to report, not a reason to store loads unchecked."""
    from quanze.validation import validate_pending

    return validate_pending


@app.command()
def validate(fmt: Annotated[str, typer.Option("--format", help="text|json|turtle|junit")] = "text",
             lang: Annotated[str, typer.Option("--lang", help="zh|en")] = "zh",
             strict: Annotated[bool, typer.Option("--strict", help="warnings fail too")] = False,
             all_nodes: Annotated[bool, typer.Option("--all", help="the whole store (the default)")] = True,
             item: Annotated[list[str] | None, typer.Option("--item", help="only these 事项编码")] = None,
             output: Annotated[Path | None, typer.Option("--output", "-o")] = None) -> None:
    """Validate against the SHACL shapes / 校验. Exit 0 conforms, 1 violations (warnings too with
    --strict) or an --item no item has, 2 could not run."""
    from quanze.namespaces import item_iri
    from quanze.validation import RulesMissing
    from quanze.validation import validate as run

    if fmt not in ("text", "json", "turtle", "junit") or lang not in ("zh", "en"):
        fail(f"不支持的格式或语言 / unsupported format or language: {fmt} {lang}")
    store = open_store()
    if item:
        known = {str(r["i"]) for r in store.select(
            "SELECT ?i WHERE { VALUES ?i { UNDEF } ?i <https://w3id.org/quanze/ns#code> ?code }",
            {"i": [Iri(str(item_iri(c))) for c in item]})}
        unknown = [c for c in dict.fromkeys(item) if str(item_iri(c)) not in known]
        if unknown:
            fail(f"没有事项编码为 {'、'.join(unknown)} 的事项 / no item has the code {', '.join(unknown)}", 1)
    try:
        report = run(store, [str(item_iri(c)) for c in item] if item else None, lang=lang)
    except RulesMissing as exc:  # QUANZE_SHAPES or QUANZE_ONTOLOGY names nothing: could not run
        fail(str(exc))
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle, "junit": report.to_junit}[fmt]()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    raise typer.Exit(report.exit_code(strict))


@app.command()
def unload(name: Annotated[str, typer.Argument(help="load name as shown by `quanze graphs`")],
           force: Annotated[bool, typer.Option("--force", help="remove it even if other loads point at its "
                                                                "items / 即使其他载入指向其事项也删除")] = False) -> None:
    """Remove a load (its graph, report and record) / 删除一次载入.

    Refused (exit 1) while other loads point at items only this load defines, unless --force."""
    from rich.markup import escape

    from quanze.lists import UnloadRefused, dependents, reports_of
    from quanze.lists import unload as do_unload

    store = open_store()
    left = dependents(store, name) if force else {}
    try:
        removed = do_unload(store, name, force=force, validator=_validator())
    except UnloadRefused as exc:
        fail(escape(str(exc)), 1)
    if not removed:
        from quanze.catalog import loads, not_a_list

        other = not_a_list(loads(store), name)
        keeper = f"quanze {'laws import' if other.kind == 'laws' else 'init'}" if other else ""
        fail(f"没有名为 {escape(name)} 的清单载入" + (f"；它不是清单，由 {keeper} 维护" if other else "")
             + f" / no list loaded as {escape(name)}" + (f"; it is no list: {keeper} keeps it" if other else ""), 1)
    console.print(f"已删除 removed: {escape(name)}")
    reported = reports_of(store, left)
    for other, n in sorted(left.items()):
        said = (("其校验报告已按删除后的存储重新生成（quanze graphs、/validation 可见）",
                 "its validation report was made again against the store without it (quanze graphs, /validation)")
                if other in reported else
                ("它未经校验载入，没有报告：请不带 --no-validate 重新载入", "it was loaded without validation and has no "
                 "report: load it again without --no-validate"))
        err.print(f"[yellow]注意：载入 {escape(other)} 中有 {n} 处指向本载入的事项，现已无所指；{said[0]} / "
                  f"note: {n} nodes of load {escape(other)} pointed at this load's items and now point at nothing; "
                  f"{said[1]}[/yellow]")


@app.command()
def recover() -> None:
    """Remove graphs a killed bulk load left behind / 清除中断的载入留下的图.

    The on-disk store does this itself whenever it is opened; on a remote server, whose bulk
    loads go through the Graph Store Protocol in several requests, run it once no load is
    running (it cannot tell a killed load from one still in progress)."""
    store = open_store()
    gone = getattr(store, "recovered", None) or store.recover()  # the on-disk store: done on opening
    for g in gone:
        console.print(f"已清除 removed: {g}")
    if not gone:
        console.print("没有中断的载入 / no interrupted load")


# --- the core question -----------------------------------------------------------------------

#: The formats ``blockers`` writes to a file, and the suffix of a file in each.
FORMAT_SUFFIX = {"json": ".json", "csv": ".csv", "md": ".md", "xlsx": ".xlsx"}

#: The formats ``export`` writes, and the suffix of a file in each: the two the store dumps whole,
#: each load in its own named graph.
EXPORT_SUFFIX = {"trig": ".trig", "nquads": ".nq"}

#: Suffixes of RDF formats ``export`` does not write, refused whatever ``--format`` says: those of
#: one graph (an export in one would merge every load into it, or fail) and those it cannot produce.
FOREIGN_RDF = {".ttl": ("Turtle", False), ".nt": ("N-Triples", False), ".n3": ("N3", False),
               ".rdf": ("RDF/XML", False), ".owl": ("RDF/XML", False), ".jsonld": ("JSON-LD", True),
               ".trix": ("TriX", True)}


def _output_format(fmt: str | None, output: Path | None, suffixes: dict[str, str] | None = None, *,
                   default: str = "table", screen: tuple[str, ...] = ("table",), binary: tuple[str, ...] = ("xlsx",),
                   foreign: dict[str, tuple[str, bool]] | None = None) -> str:
    """The format of a command writing to stdout or ``-o FILE``, with ``--format`` and ``-o FILE``
    agreeing (``blockers`` with its defaults, ``export`` with :data:`EXPORT_SUFFIX`). Without
    ``--format``: the suffix of ``-o FILE`` (one of ``suffixes``), else ``default`` on stdout.
    A suffix naming another format than ``--format`` is refused (so is a binary format to a file of
    another suffix), and so is one of ``foreign`` (a format the command does not write: its name,
    and whether it holds named graphs) whatever ``--format`` says; a binary format needs ``-o``;
    a ``screen`` format (the terminal table) cannot go to a file. Each refusal is exit 2."""
    suffixes = FORMAT_SUFFIX if suffixes is None else suffixes
    names = "|".join(suffixes)
    files = " ".join(suffixes.values())
    suffix = output.suffix.lower() if output else ""
    by_suffix = {v: k for k, v in suffixes.items()}.get(suffix) if output else None
    if output is not None and suffix in (foreign or {}):
        kind, graphs = (foreign or {})[suffix]
        fail(f"文件名 {output.name} 指的是 {kind} 格式，"
             + ("它不能保存命名图（每个载入各是一个命名图）" if not graphs else "本命令不写此格式")
             + f"；请用以 {' 或 '.join(suffixes.values())} 结尾的文件名（--format {names}）/ "
             f"the name {output.name} names a {kind} file, "
             + ("a format that cannot hold named graphs (each load is one)" if not graphs else "a format this command does not write")
             + f": name a {' or '.join(suffixes.values())} file (--format {names})")
    if fmt is None:
        if output is None:
            return default
        if by_suffix is None:
            fail(f"无法从文件名 {output.name} 判断格式（{files}），请给出 --format {names} / "
                 f"cannot tell the format from the name {output.name} ({files}): give --format {names}")
        return by_suffix
    if fmt not in screen and fmt not in suffixes:
        fail(f"不支持的格式 / unsupported format: {fmt} ({'|'.join([*screen, *suffixes])})")
    if output is None:
        if fmt in binary:
            fail(f"{fmt.upper()} 是二进制文件，不能写到终端，请用 -o FILE{suffixes[fmt]} 指定文件 / "
                 f"{fmt.upper()} is binary and cannot go to the terminal: give -o FILE{suffixes[fmt]}")
        return fmt
    if fmt in screen:
        fail(f"{fmt} 格式只显示在终端；写入文件请用 --format {names} / "
             f"the {fmt} format is for the terminal: to write a file use --format {names}")
    if by_suffix not in (None, fmt) or (fmt in binary and by_suffix != fmt):
        fail(f"文件名 {output.name} 与 --format {fmt} 不符，请用以 {suffixes[fmt]} 结尾的文件名 / "
             f"the name {output.name} contradicts --format {fmt}: name a {suffixes[fmt]} file")
    return fmt


def _emit(assessments: list[dict], fmt: str, output: Path | None, title: str) -> None:
    """``fmt`` as :func:`_output_format` settled it: to ``output``, else to stdout (UTF-8 text)."""
    from quanze import reports
    from quanze.devolution import cited_as
    from quanze.tables import write_csv

    if fmt == "json":
        text = reports.to_json(assessments)
    elif fmt == "md":
        text = reports.to_markdown(assessments, title)
    elif fmt in ("csv", "xlsx") and output is not None:
        reports.write_flat(output, assessments)
        err.print(f"{len(assessments)} 项 / items → {output}")
        return
    elif fmt == "csv":  # to stdout, like the other text formats
        write_csv(sys.stdout, reports.FLAT_HEADER, reports.flat_rows(assessments))
        return
    elif fmt == "table":
        rows = [{"事项编码": a["code"], "事项名称": a["name"], "实施主体": a["department"], "行使层级": "、".join(a["levels"]),
                 "结论": a["status_label"],
                 "障碍条文": "\n".join(f"{cited_as(b)}（{b['level_label']}：{reports.said(b)}）" for b in a["blocking"]),
                 "修改主体": "、".join(sorted({b["authority_label"] for b in a["blocking"]}))} for a in assessments]
        console.print(_table(rows, title=title))
        return
    else:
        fail(f"不支持的格式 / unsupported format: {fmt}")
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command()
def blockers(to: Annotated[str, typer.Option("--to", help="市级|县级|功能区 (city|county|zone)")],
             department: Annotated[str | None, typer.Option("--department", help="实施主体 as written")] = None,
             all_items: Annotated[bool, typer.Option("--all", help="every item, also those at or below the target")] = False,
             fmt: Annotated[str | None, typer.Option(
                 "--format", help="table|json|csv|md|xlsx (default: -o FILE's suffix, else table)")] = None,
             output: Annotated[Path | None, typer.Option(
                 "--output", "-o", help="FILE (.json .csv .md .xlsx); without it, to stdout (not xlsx)")] = None) -> None:
    """Which items need legal change before devolution, because of which article, and who must change it.

    Without -o the answer goes to stdout (XLSX needs -o FILE.xlsx); without --format, -o FILE's
    suffix names the format. A --department no item has is an error (exit 1) naming close names."""
    from quanze.devolution import blockers as find

    _target(to)
    fmt = _output_format(fmt, output)
    store = open_store()
    if department is not None:
        _known_department(store, department)
    result = find(store, to, department=department, all_items=all_items)
    _emit(result, fmt, output, f"下放至{to}的障碍 / what blocks devolution to {to}")


def _known_department(store: Store, department: str) -> None:
    """A ``--department`` no item has is an error (exit 1), naming the stored names close to it
    (:func:`quanze.devolution.close_departments`)."""
    from quanze.devolution import close_departments

    close = close_departments(store, department)
    if close is None:
        return
    hint = (f"；相近的名称：{'、'.join(close)} / close names: {', '.join(close)}" if close
            else "；没有相近的名称 / no close names")
    fail(f"没有实施主体为 {department} 的事项 / no item has the department {department}{hint}", 1)


@app.command()
def impact(provision: Annotated[str, typer.Argument(help="a citation, e.g. 《药品管理法》第四十一条第一款")],
           to: Annotated[str, typer.Option("--to", help="市级|县级|功能区 (city|county|zone)")] = "县级",
           fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table") -> None:
    """The items that rely on a provision, and their status if it allowed the target level."""
    from quanze.citation import Resolver
    from quanze.devolution import WholeInstrument, status_label
    from quanze.devolution import impact as find

    _target(to)
    store = open_store()
    resolved = Resolver(store).resolve_text(provision)
    unresolved = [f"{r.reason_zh} / {r.reason_en}" for r in resolved if not r.ok]
    if unresolved:  # no such provision: a "no", as an unknown item is (exit 1)
        fail("；".join(unresolved), 1)
    if len(resolved) != 1:
        fail("请给出一个条文 / give one provision")
    try:
        rows = find(store, resolved[0].iri, to)
    except WholeInstrument as exc:  # as /impact answers 400
        fail(f"“{provision}”{exc.zh} / {exc.en}")
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    console.print(_table([{"事项编码": r["code"], "事项名称": r["name"], "实施主体": r["department"],
                           "现状": status_label(r["status"], to), "修改后": status_label(r["status_if_amended"], to)}
                          for r in rows],
                         title=f"{provision} 的影响 / impact (→ {to})"))


@app.command()
def chain(code: Annotated[str, typer.Argument(help="事项编码")],
          to: Annotated[str, typer.Option("--to", help="市级|县级|功能区 (city|county|zone)")] = "县级",
          fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table") -> None:
    """The 一链办理 closure of an item, with each member's assessment."""
    from quanze.devolution import chain as find
    from quanze.devolution import status_label

    _target(to)
    try:
        a = find(open_store(), code, to)
    except KeyError:
        fail(f"没有事项 {code} / no item {code}", 1)
    if fmt == "json":
        sys.stdout.write(json.dumps(a, ensure_ascii=False, indent=2) + "\n")
        return
    rows = [{"事项编码": a["code"], "事项名称": a["name"], "结论": a["status_label"]}]
    rows += [{"事项编码": m["code"], "事项名称": m["name"], "结论": status_label(m["status"], to)} for m in a["chain"]]
    console.print(_table(rows, title=f"一链办理 / chain of {code} (→ {to})"))


@app.command()
def serve(host: Annotated[str, typer.Option("--host", help="address to listen on (default: loopback only)")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000) -> None:
    """Serve the HTTP API (REST, SPARQL 1.1 Protocol, Graph Store Protocol) / 启动 HTTP 服务.

    Runs uvicorn over ``api.app:create_app`` with this command's settings (store or endpoint,
    token and limits from ``QUANZE_*``); the store is opened once, before the server starts."""
    import uvicorn

    from api.app import create_app

    store = open_store()  # here, not at the server's startup: a locked store is exit 2, not a traceback
    try:
        uvicorn.run(create_app(state.settings, store), host=host, port=port, log_level="info")
    finally:
        store.close()


plan_app = typer.Typer(help="The plan 《打造精简高效政务生态实施方案》 / 实施方案", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("status")
def plan_status(as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")] = None,
                fmt: Annotated[str, typer.Option("--format", help="table|json")] = "table") -> None:
    """Per measure of the plan: what is due, done by recorded actions, and overdue."""
    from datetime import date

    from quanze.plan import overdue_cell, status

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        fail(f"--as-of 应为 YYYY-MM-DD 格式的日期：{as_of} / --as-of must be a date YYYY-MM-DD: {as_of}")
    rows = status(open_store(), day)
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = _table([{"措施": r["measure"], "期限": r["deadline"], "应办": r["due"], "已办": r["done"],
                     "逾期": overdue_cell(r), "待修法": r["awaiting_legal_change"], "冲突": r["conflicts"],
                     "说明": r["detail"]} for r in rows], title="方案落实情况 / plan status")
    table.caption = ("已办：依法完成的调整 / done by lawful actions；逾期：期限已过、应办未办且不待修法 / overdue；"
                     "待修法：法定依据规定的层级高于目标、须先修法 / awaiting legal change；"
                     "冲突：调整与法定依据冲突或未见其依据，不计为已办 / adjustments that conflict with the legal basis, "
                     "or whose basis nothing cited shows: not done")
    console.print(table)
    # each conflicting adjustment once, though several measures (全面下放, 试点, 扩展) may count it
    seen = {(c["code"], c["action"], c["to"]): c for r in rows for c in r["conflict_actions"]}
    if seen:
        console.print("调整与法定依据冲突或未见其依据 / adjustments that conflict with the legal basis, or whose basis "
                      "nothing cited shows:")
        for c in seen.values():
            console.print(f"  {c['code']} {c['name']}\n    {c['note']}", markup=False, highlight=False)
    # an action no measure counts is still read: said once per measure, with its conflict if any
    outside: dict[tuple[str, str, str], list[tuple[dict, dict]]] = {}
    for r in rows:
        for o in r["outside_scope_actions"]:
            outside.setdefault((o["code"], o["action"], o["to"]), []).append((r, o))
    if outside:
        console.print("已记录、但不计入措施的调整 / recorded adjustments a measure does not count:")
        for said in outside.values():
            o = said[0][1]
            counts: dict[str, list[str]] = {}  # the three devolution measures count the same items
            for r, _ in said:
                counts.setdefault(r["detail"], []).append(f"“{r['measure']}”")
            why = "；".join(f"{'、'.join(names)}统计的是{detail}" for detail, names in counts.items())
            clash = f"\n    {o['conflict']['note']}" if o["conflict"] else ""
            console.print(f"  {o['code']} {o['name']}：{o['action_label']}至{o['to']}\n    不计入：{why}{clash}",
                          markup=False, highlight=False)


if __name__ == "__main__":
    app()
