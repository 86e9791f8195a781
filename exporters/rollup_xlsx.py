"""A roll-up as a workbook: the summary report's own sheets, plus 分单位明细 — one row per unit
with its key figures (the template's ``key_figures``) and the 合计 row of the roll-up itself."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exporters.xlsx import build_workbook, display_width, exact_as_float
from models.cell_labels import cell_place
from models.report import Report
from models.rollup import Rollup, UnitRow
from models.values import CellRef, Value
from models.workbook_map import META_SHEET, escape_text

UNITS_SHEET = "分单位明细"
_thin = Side(style="thin", color="808080")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_HEAD = Font(name="宋体", size=10.5, bold=True)
_BODY = Font(name="宋体", size=10.5)
_FILL_HEAD = PatternFill("solid", fgColor="D9E1F2")
_FILL_SUM = PatternFill("solid", fgColor="E2EFDA")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def export_rollup_xlsx(rollup: Rollup, stream: BinaryIO) -> None:
    """The summary report's workbook with the sheet 分单位明细 before the hidden map sheet."""
    wb = build_workbook(rollup.report)
    ws = wb.create_sheet(UNITS_SHEET, index=wb.sheetnames.index(META_SHEET))
    units_sheet(ws, rollup.report, rollup.units)
    wb.save(stream)


def units_sheet(ws: Worksheet, rollup: Report, units: Sequence[UnitRow]) -> None:
    t = rollup.template
    refs = [CellRef(*c) for c in t.key_figures]
    places = [cell_place(t, r) for r in refs]
    first = 3  # 序号, 单位, 文件, then the figures
    # Three header rows: the table, the row label, the column label (merged where they repeat).
    ws.cell(1, 1, "序号")
    ws.cell(1, 2, "单位")
    ws.cell(1, 3, "文件")
    for c in range(1, first + 1):
        ws.merge_cells(start_row=1, start_column=c, end_row=3, end_column=c)
    col = first + 1
    for i, place in enumerate(places):
        ws.cell(1, col + i, place.table)
        if place.row:
            ws.cell(2, col + i, place.row)
            ws.cell(3, col + i, place.column)
        else:  # a table with one unlabelled row (四): the column label takes both rows
            ws.cell(2, col + i, place.column)
            ws.merge_cells(start_row=2, start_column=col + i, end_row=3, end_column=col + i)
    for level, same in ((1, lambda a, b: a.table == b.table),
                        (2, lambda a, b: bool(a.row) and (a.table, a.row) == (b.table, b.row))):
        start = 0
        for i in range(1, len(places) + 1):
            if i < len(places) and same(places[i], places[start]):
                continue
            if i - start > 1:
                ws.merge_cells(start_row=level, start_column=col + start, end_row=level, end_column=col + i - 1)
            start = i
    for r in range(1, 4):
        for c in range(1, first + len(refs) + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.alignment, cell.border = _HEAD, _FILL_HEAD, _CENTER, _BORDER
    row = 4
    for n, unit in enumerate(units, start=1):
        _row(ws, row, [n, unit.agency, unit.file], list(unit.figures), None)
        row += 1
    _row(ws, row, ["", "合计", f"{len(units)} 个单位"], [rollup.values.get(r) for r in refs], _FILL_SUM)
    widths = [5, max([display_width(u.agency) for u in units] + [8]) + 2, 28] + [12] * len(refs)
    ws.row_dimensions[2].height = 58  # the long row labels of 三 wrap over four lines
    ws.row_dimensions[3].height = 44
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w, 40)
    ws.freeze_panes = ws.cell(4, first + 1)
    ws.auto_filter.ref = f"A3:{get_column_letter(first + len(refs))}{row - 1}"
    ws.print_title_rows = "1:3"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _row(ws: Worksheet, row: int, head: list[Any], values: list[Value], fill: PatternFill | None) -> None:
    for c, v in enumerate(head, start=1):
        cell = ws.cell(row, c, escape_text(v) if isinstance(v, str) else v)
        cell.font, cell.border = (_HEAD if fill else _BODY), _BORDER
        if fill:
            cell.fill = fill
    for i, v in enumerate(values, start=len(head) + 1):
        cell = ws.cell(row, i)
        if isinstance(v, Decimal):
            if exact_as_float(v):
                cell.value = float(v)
                places = max(0, -int(v.as_tuple().exponent))
                cell.number_format = "0." + "0" * places if places else "0"
            else:
                cell.value = format(v, "f")
        elif v is not None:
            cell.value = v
        cell.font, cell.border = (_HEAD if fill else _BODY), _BORDER
        if fill:
            cell.fill = fill
