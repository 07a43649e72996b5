"""Reading and writing tables: CSV (UTF-8, UTF-8 with BOM, GB18030 — detected) and XLSX.

Loaders and dumpers mirror each other: what ``read_table`` reads, ``write_table`` writes.

Exports are opened in spreadsheet programs, which run a cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula (CSV injection). ``write_table`` writes such a CSV cell behind an apostrophe,
the mark spreadsheet programs take for text, and ``read_table`` takes the apostrophe off again,
so a list exported and loaded back is unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class TableError(ValueError):
    """A file that cannot be read as a table at all; names the file and why."""

    def __init__(self, path: Path, reason_zh: str, reason_en: str):
        self.path, self.reason_zh, self.reason_en = path, reason_zh, reason_en
        super().__init__(f"{path.name}: {reason_zh} / {reason_en}")


@dataclass
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as users see it: header = 1, row dict)
    encoding: str


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise TableError(path, f"无法识别文件编码（不是 UTF-8 或 GB18030，第 {exc.start} 字节）",
                         f"unknown encoding (neither UTF-8 nor GB18030, at byte {exc.start})") from None


def read_table(path: Path) -> Table:
    """The first sheet (XLSX) or the whole file (CSV); the first non-empty row is the header."""
    if not path.exists():
        raise TableError(path, "文件不存在", "file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    text, encoding = _decode(path.read_bytes(), path)
    try:
        records = [[_unquote(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise TableError(path, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None
    return _table(path, records, encoding)


def _read_xlsx(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(path, f"不是有效的 XLSX 文件：{exc}", f"not a valid XLSX file: {exc}") from None
    ws = wb.worksheets[0]
    records = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return _table(path, records, "xlsx")


#: XLSX holds at most this many characters in a cell.
XLSX_CELL_MAX = 32_767


def _xlsx_value(value: object, illegal: re.Pattern[str]) -> object:
    """A value as an XLSX cell may hold it: no control characters (``illegal``: openpyxl refuses
    them), at most :data:`XLSX_CELL_MAX` characters (a longer one ends in …)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = illegal.sub(" ", value)
    return text if len(text) <= XLSX_CELL_MAX else text[:XLSX_CELL_MAX - 1] + "…"


def _cell(value: object) -> str:
    """An XLSX cell as the text a CSV would hold: a date typed into a sheet is YYYY-MM-DD, not
    Python's ``2026-11-30 00:00:00``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


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


def _table(path: Path, records: list[list[str]], encoding: str) -> Table:
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise TableError(path, "文件为空", "the file is empty")
    header = [h.strip().lstrip("\ufeff") for h in records[start]]
    rows = []
    for i, rec in enumerate(records[start + 1:], start=start + 2):
        if not any(c.strip() for c in rec):
            continue
        if len(rec) > len(header) and any(c.strip() for c in rec[len(header):]):
            raise TableError(path, f"第 {i} 行的列数（{len(rec)}）多于表头（{len(header)}）",
                             f"row {i} has {len(rec)} cells, more than the header's {len(header)}")
        rows.append((i, {h: (rec[k].strip() if k < len(rec) else "") for k, h in enumerate(header)}))
    return Table(path, header, rows, encoding)


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
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([_csv_value(v) for v in r] for r in rows)
