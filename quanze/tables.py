"""Reading and writing tables: CSV (UTF-8, UTF-8 with BOM, GB18030 — detected) and XLSX.

Loaders and dumpers mirror each other: what ``read_table`` reads, ``write_table`` writes.

Exports are opened in spreadsheet programs, which run a cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula (CSV injection). ``write_table`` writes such a CSV cell behind an apostrophe,
the mark spreadsheet programs take for text, and ``read_table`` takes the apostrophe off again,
so a list exported and loaded back is unchanged.

Real lists are laid out for people: a title row (often merged across the columns), a blank or
note row above the header, values merged down the rows they share, a cover or instructions sheet
before the list, a header of two rows (a group name merged over its columns). ``read_table``
reads a merged value into every cell of its range, and given a ``header`` recogniser takes as
header the first row it recognises — within the first :data:`HEADER_SEARCH` non-empty rows of each
sheet, on the first sheet that has one — and the row below it too when that is recognised as well.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import xml.etree.ElementTree as ET  # noqa: N817 — the usual name
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


class TableError(ValueError):
    """A file that cannot be read as a table at all; names the file and why."""

    def __init__(self, path: Path, reason_zh: str, reason_en: str):
        self.path, self.reason_zh, self.reason_en = path, reason_zh, reason_en
        super().__init__(f"{path.name}: {reason_zh} / {reason_en}")


#: How many non-empty rows of a sheet are searched for the header.
HEADER_SEARCH = 10

#: A header recogniser: the cells of a row (trimmed) → whether they are the header.
HeaderTest = Callable[[list[str]], object]


class HeaderNotFound(TableError):
    """No row of any sheet is one the caller recognises as a header. ``sheets``: the sheets
    tried (XLSX; empty for CSV); ``candidates``: the rows looked at, as (sheet or None, row
    number as the spreadsheet shows it, trimmed cells)."""

    def __init__(self, path: Path, sheets: list[str], candidates: list[tuple[str | None, int, list[str]]]):
        self.sheets, self.candidates = sheets, candidates
        zh = f"前 {HEADER_SEARCH} 个非空行中没有可识别的表头"
        en = f"no recognisable header in the first {HEADER_SEARCH} non-empty rows"
        if sheets:
            zh += f"（已查看工作表：{'、'.join(f'“{s}”' for s in sheets)}）"
            en += f" (sheets tried: {', '.join(repr(s) for s in sheets)})"
        super().__init__(path, zh, en)


@dataclass
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, row dict)
    encoding: str
    sheet: str | None = None  # the XLSX sheet the table is on
    header_row: int = 1  # the header's row number as the spreadsheet shows it


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        return raw[3 if bom else 0:].decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        at = exc.start + (3 if bom else 0)
    if not bom:  # a file with a UTF-8 mark is UTF-8, or broken
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            # the encoding that read further is the file's: its failure is the place to look at
            at = max(at, exc.start)
    line = raw.count(b"\n", 0, at) + 1
    raise TableError(path, f"无法识别文件编码（不是 UTF-8 或 GB18030，第 {line} 行，第 {at} 字节）",
                     f"unknown encoding (neither UTF-8 nor GB18030, line {line}, byte {at})")


def read_table(path: Path, header: HeaderTest | None = None) -> Table:
    """The whole file (CSV) or a sheet (XLSX), a merged cell's value in every cell of its range.

    Without ``header``: the first sheet, and its first non-empty row is the header. With it: the
    header is the first of the first :data:`HEADER_SEARCH` non-empty rows that ``header(cells)``
    recognises, on the first sheet that has one; rows above it are not read. Raises
    :class:`HeaderNotFound` when no sheet has one."""
    if not path.exists():
        raise TableError(path, "文件不存在", "file not found")
    if not path.is_file():
        raise TableError(path, "不是文件（是文件夹？）", "not a file (a folder?)")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, header)
    text, encoding = _decode(path.read_bytes(), path)
    try:
        records = [[_unquote(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise TableError(path, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None
    return _pick(path, iter([(None, records)]), encoding, header)


def _read_xlsx(path: Path, header: HeaderTest | None) -> Table:
    from openpyxl import load_workbook

    try:
        merged = _merged_ranges(path)
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ET.ParseError) as exc:
        raise TableError(path, f"不是有效的 XLSX 文件：{exc}", f"not a valid XLSX file: {exc}") from None
    try:
        sheets = wb.worksheets if header else wb.worksheets[:1]
        return _pick(path, ((ws.title, _sheet_records(ws, merged.get(ws.title, ()))) for ws in sheets), "xlsx", header)
    finally:
        wb.close()


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(path: Path) -> dict[str, set[tuple[int, int, int, int]]]:
    """Sheet title → its merged ranges (min column, min row, max column, max row).

    openpyxl's read-only sheets, which stream a large list in little memory, do not tell their
    merged ranges, and reading a workbook whole takes three times the memory; so the ranges are
    found by streaming each sheet's XML for its ``<mergeCell ref="A1:N1"/>`` elements."""
    from openpyxl.utils.cell import range_boundaries

    out: dict[str, set[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        targets = {r.get("Id"): r.get("Target", "") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            ranges: set[tuple[int, int, int, int]] = set()
            with z.open(part) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    text = tail + chunk
                    # a ref split by the chunk's end is found whole in the next round (the set
                    # takes a range seen twice once)
                    ranges |= {range_boundaries(m.decode()) for m in _MERGE_CELL.findall(text)}  # type: ignore[misc]
                    tail = text[-256:]
            out[sheet.get("name", "")] = ranges
    return out


def _sheet_records(ws: object, merged: Iterable[tuple[int, int, int, int]] = ()) -> list[list[str]]:
    """A sheet's rows from row 1 as text, the value of a merged range in each of its cells."""
    records = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    for min_col, min_row, max_col, max_row in sorted(merged, key=lambda r: (r[1], r[0])):
        while len(records) < max_row:
            records.append([])
        top = records[min_row - 1]
        value = top[min_col - 1] if min_col <= len(top) else ""
        for rec in records[min_row - 1:max_row]:
            rec.extend([""] * (max_col - len(rec)))
            rec[min_col - 1:max_col] = [value] * (max_col - min_col + 1)
    return records


def _pick(path: Path, sheets: Iterator[tuple[str | None, list[list[str]]]], encoding: str,
          header: HeaderTest | None) -> Table:
    """The table of the first sheet with a header (see :func:`read_table`)."""
    tried: list[str] = []
    candidates: list[tuple[str | None, int, list[str]]] = []
    for name, records in sheets:
        nonempty = (i for i, r in enumerate(records) if any(c.strip() for c in r))
        for i in itertools.islice(nonempty, HEADER_SEARCH if header else 1):
            cells = _header_cells(records[i])
            if header is None:
                return _table(path, records, encoding, i, name)
            if header(cells):
                below = _header_cells(records[i + 1]) if i + 1 < len(records) else []
                if below and below != cells and header(below):
                    # a header of two rows (办理层级 merged over 受理层级 | 审批层级, the other
                    # names merged down both): each column is named by its lower cell
                    width = max(len(cells), len(below))
                    upper, lower = cells + [""] * (width - len(cells)), below + [""] * (width - len(below))
                    named = [b if b and b != a else a for a, b in zip(upper, lower, strict=True)]
                    return _table(path, [*records[:i + 1], named, *records[i + 2:]], encoding, i + 1, name)
                return _table(path, records, encoding, i, name)
            candidates.append((name, i + 1, cells))
        if name is not None:
            tried.append(name)
    if not candidates:
        raise TableError(path, "文件为空", "the file is empty")
    raise HeaderNotFound(path, tried, candidates)


#: XLSX holds at most this many characters in a cell.
XLSX_CELL_MAX = 32_767


def _xlsx_value(value: object, illegal: re.Pattern[str]) -> object:
    """A value as an XLSX cell may hold it: no control characters (``illegal``: openpyxl refuses
    them), at most :data:`XLSX_CELL_MAX` characters (a longer one ends in …)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):  # '…=: one more apostrophe, which the reader takes off (see _cell)
        value = str(_csv_value(value))
    text = illegal.sub(" ", value)
    return text if len(text) <= XLSX_CELL_MAX else text[:XLSX_CELL_MAX - 1] + "…"


def _cell(value: object) -> str:
    """An XLSX cell as the text a CSV would hold: a date typed into a sheet is YYYY-MM-DD, not
    Python's ``2026-11-30 00:00:00``; an exported CSV cell kept behind its apostrophe by the
    spreadsheet program that saved the sheet reads as it was exported."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _unquote(value) if isinstance(value, str) else str(value)


#: What a spreadsheet program reads as the start of a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    """A CSV cell a spreadsheet program shows as text: one that would start a formula is written
    behind an apostrophe (``'=1+1``), which makes it text; :func:`_unquote` removes it."""
    # Text that already starts with apostrophes before a formula character gains one more, so
    # that reading it back gives exactly what was written.
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def _unquote(cell: str) -> str:
    """The text behind :func:`_csv_value`'s apostrophe; any other cell as it is."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell


def _header_cells(record: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff") for h in record]


def _table(path: Path, records: list[list[str]], encoding: str, start: int, sheet: str | None) -> Table:
    """The table whose header is ``records[start]``; rows numbered as the spreadsheet shows them."""
    cells = _header_cells(records[start])
    header = cells[:max((k + 1 for k, h in enumerate(cells) if h), default=0)]  # unnamed columns name nothing
    rows = []
    for i, rec in enumerate(records[start + 1:], start=start + 2):
        if not any(c.strip() for c in rec):
            continue
        beyond = [c for c in rec[len(cells):] if c.strip()]
        # a value merged across the last column and past it (a footer note) spills; anything else
        # beyond the header's cells is a row the header does not describe
        if beyond and not (header and all(c == rec[len(header) - 1] for c in beyond)):
            raise TableError(path, f"第 {i} 行的列数（{len(rec)}）多于表头（{len(header)}）",
                             f"row {i} has {len(rec)} cells, more than the header's {len(header)}")
        rows.append((i, {h: (rec[k].strip() if k < len(rec) else "") for k, h in enumerate(header)}))
    return Table(path, header, rows, encoding, sheet, start + 1)


def is_date(text: str) -> bool:
    """YYYY-MM-DD and a real day: a list's dates (完成时限, 校核日期) are stored as xsd:date, and
    2020-02-30 is none (a store would keep it, and every reader of it would fail)."""
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and datetime.date.fromisoformat(text) is not None
    except ValueError:
        return False


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) or XLSX by suffix."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        wb = Workbook()
        ws = wb.active
        ws.append(list(header))
        for r in rows:
            ws.append([_xlsx_value(v, ILLEGAL_CHARACTERS_RE) for v in r])
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":  # text that starts with = is text here, never a formula
                    cell.data_type = "s"
        wb.save(path)
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        write_csv(fh, header, rows)


def write_csv(stream: TextIO, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """CSV to an open text stream (a file, stdout), cells that would start a formula behind an
    apostrophe as in every CSV Quanze writes."""
    w = csv.writer(stream)
    w.writerow(header)
    w.writerows([_csv_value(v) for v in r] for r in rows)
