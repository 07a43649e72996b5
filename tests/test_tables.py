"""quanze.tables: what ``write_table`` writes, ``read_table`` reads back — and a spreadsheet
program opening an export never runs a cell as a formula."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from quanze.tables import XLSX_CELL_MAX, HeaderNotFound, TableError, read_table, write_table

HOSTILE = ["=HYPERLINK(\"http://127.0.0.1/\",\"点此\")", "+1+1", "-2+3", "@SUM(A1:A2)", "'=1+1", "''+x"]
HARMLESS = ["37JT-XK-0006", "《中华人民共和国药品管理法》第五十一条", "省级", "a=b", "2026-11-30", "'引号'"]


def _read(path: Path) -> list[list[str]]:
    t = read_table(path)
    return [[r[h] for h in t.header] for _, r in t.rows]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_written_reads_back_the_same(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    rows = [[f"行{i}", v] for i, v in enumerate(HOSTILE + HARMLESS)]
    write_table(path, ["编号", "内容"], rows)
    assert _read(path) == rows


def test_csv_cells_that_would_start_a_formula_are_written_as_text(tmp_path):
    """OWASP's CSV injection: =, +, -, @ (and tab, CR) start a formula in a spreadsheet program;
    an apostrophe before them makes the cell text. Other cells are written as they are."""
    path = tmp_path / "t.csv"
    write_table(path, ["内容"], [[v] for v in HOSTILE + HARMLESS])
    written = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    cells = [line.strip('"').replace('""', '"') for line in written]
    assert cells == ["'" + v for v in HOSTILE] + HARMLESS


def test_xlsx_text_starting_with_equals_is_never_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    write_table(path, ["内容"], [["=1+1"], ["x" * (XLSX_CELL_MAX + 10)], ["控制\x07字符"]])
    ws = load_workbook(path).active
    formula, long, control = (ws.cell(row=r, column=1) for r in (2, 3, 4))
    assert (formula.data_type, formula.value) == ("s", "=1+1")
    assert len(long.value) == XLSX_CELL_MAX and long.value.endswith("…")
    assert control.value == "控制 字符"


def test_a_date_typed_into_a_sheet_reads_as_a_day(tmp_path):
    path = tmp_path / "d.xlsx"
    wb = Workbook()
    wb.active.append(["校核日期", "时刻"])
    wb.active.append([datetime.datetime(2026, 11, 30), datetime.datetime(2026, 11, 30, 9, 15)])
    wb.save(path)
    assert _read(path) == [["2026-11-30", "2026-11-30T09:15:00"]]


def test_bad_files_are_named(tmp_path):
    with pytest.raises(TableError, match="文件不存在"):
        read_table(tmp_path / "none.csv")
    (tmp_path / "bad.csv").write_bytes("编号,名称\n1,甲\n".encode() + b"2,\xff\xfe\x00\x81\x30\n")
    with pytest.raises(TableError, match="bad.csv.*第 3 行.*encoding.*line 3"):
        read_table(tmp_path / "bad.csv")
    # a UTF-8 mark and broken bytes after it: refused the same way (it was a traceback)
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + "编号\n".encode() + b"\xff\n")
    with pytest.raises(TableError, match="bom.csv.*第 2 行"):
        read_table(tmp_path / "bom.csv")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_any_csv_cell_reads_back_as_written(tmp_path_factory, text):
    """Whatever a cell holds — apostrophes, formula characters, quotes, line breaks — reads back
    as written (trimmed, as every cell is read)."""
    path = tmp_path_factory.mktemp("t") / "t.csv"
    write_table(path, ["编号", "内容"], [["1", text]])
    assert _read(path) == [["1", text.strip()]]


SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "shandong-provincial.csv"


def _sample() -> tuple[list[str], list[list[str]]]:
    t = read_table(SAMPLE)
    return t.header, [[r[h] for h in t.header] for _, r in t.rows]


def _has_code(cells: list[str]) -> bool:
    return "事项编码" in cells


def test_a_value_merged_over_cells_is_read_in_each_of_them(tmp_path):
    """实施主体 written once and merged down the rows of its department reads in every row."""
    header, rows = _sample()
    body = header.index("实施主体") + 1
    path = tmp_path / "merged.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    first = 2
    for n in range(len(rows) + 1):  # each run of one department's rows becomes one merged cell
        if n == len(rows) or rows[n][body - 1] != rows[first - 2][body - 1]:
            if n + 1 > first:
                ws.merge_cells(start_row=first, start_column=body, end_row=n + 1, end_column=body)
            first = n + 2
    wb.save(path)
    assert len(load_workbook(path).active.merged_cells.ranges) > 10
    assert _read(path) == rows


def test_the_header_is_the_first_row_the_caller_recognises(tmp_path):
    """A title merged across the columns, a blank row and a note above the header are passed
    over; rows keep the numbers the spreadsheet shows."""
    header, rows = _sample()
    path = tmp_path / "titled.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["山东省省级权责清单（2020年版）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([])
    ws.append(["注：本清单按部门排列。"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    t = read_table(path, header=_has_code)
    assert t.header == header and t.header_row == 4
    assert [[r[h] for h in header] for _, r in t.rows] == rows
    assert [n for n, _ in t.rows] == list(range(5, 5 + len(rows)))
    csv_path = tmp_path / "titled.csv"
    write_table(csv_path, ["山东省省级权责清单（2020年版）"], [[], ["注：本清单按部门排列。"], header, *rows])
    t = read_table(csv_path, header=_has_code)
    assert (t.header, t.header_row, t.rows[0][0]) == (header, 4, 5)


def test_the_list_may_be_on_a_later_sheet(tmp_path):
    header, rows = _sample()
    path = tmp_path / "sheets.xlsx"
    wb = Workbook()
    wb.active.title = "封面"
    wb.active.append(["山东省省级权责清单"])
    wb.create_sheet("说明").append(["事项编码按《山东省权责清单编码规则》编制。"])
    data = wb.create_sheet("清单")
    for r in [header, *rows]:
        data.append(r)
    wb.save(path)
    t = read_table(path, header=_has_code)
    assert (t.sheet, t.header, len(t.rows), t.rows[0][0]) == ("清单", header, len(rows), 2)
    del wb["清单"]
    wb.save(path)
    with pytest.raises(HeaderNotFound) as err:
        read_table(path, header=_has_code)
    assert err.value.sheets == ["封面", "说明"]
    assert "“封面”" in str(err.value) and "'说明'" in str(err.value)
    assert [c[:2] for c in err.value.candidates] == [("封面", 1), ("说明", 1)]


def test_a_footer_merged_past_the_header_and_an_apostrophe_kept_in_a_sheet(tmp_path):
    """A note merged across more columns than the header spills past it: not a fatal 'more cells
    than the header'. A cell a spreadsheet program kept as '=… reads as exported."""
    path = tmp_path / "footer.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "内容"])
    ws.append(["1", "'=1+1"])
    ws.append(["注：本表仅供示例"])
    ws.merge_cells("A3:D3")
    wb.save(path)
    assert _read(path) == [["1", "=1+1"], ["注：本表仅供示例", "注：本表仅供示例"]]
    (tmp_path / "wide.csv").write_text("编号,内容\n1,甲,多余\n", encoding="utf-8")  # CSV rows can be wider
    with pytest.raises(TableError, match="第 2 行"):
        read_table(tmp_path / "wide.csv")


def test_a_broken_gb18030_file_is_named_where_it_breaks(tmp_path):
    """A GB18030 list with one bad byte on its third line: the error names that line, not the
    first (where reading it as UTF-8 failed)."""
    path = tmp_path / "gb.csv"
    path.write_bytes("编号,名称\n1,甲\n".encode("gb18030") + b"2,\x81\x20\n")
    with pytest.raises(TableError, match="第 3 行"):
        read_table(path)
