"""The comparison of two years as an Excel workbook: what a reviewer keeps and sorts.

A 对比概况 sheet (the two reports, the cells that moved most, the carry-over findings, how
many cells of each table changed), then one sheet per table in the official layout, laid out
from the same :func:`models.grid.grid_for` as the report's own workbook, with every value cell
split into four: 上年, 本年, 增减 and 增减率. Values are written as numbers (the 增减率 as a
percentage), so the reviewer can sort and sum them; cells with a carry-over finding are red
with the finding as a comment, the cells that moved most are tinted.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exporters.xlsx import (
    A_CENTER,
    A_LEFT,
    AUTHOR,
    BORDER,
    F_BODY,
    F_BOLD,
    F_TITLE,
    FILL_BAD,
    FILL_HEADER,
    FILL_LABEL,
    FILL_TITLE,
    _column_widths,
    _print_setup,
    _printed_label,
    _put_value,
    _row_heights,
    _set_text,
    _text_height,
    escape_text,
    sheet_name,
)
from models.compare import CellChange, Comparison, TableComparison
from models.findings import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from models.grid import Grid, grid_for

SUMMARY_SHEET = "对比概况"
PARTS = ("上年", "本年", "增减", "增减率")
PART_WIDTH = 9.5  # column units of each of the four columns under a value column
FILL_MOVED = PatternFill("solid", fgColor="E2EFDA")
#: A cell with a carry-over finding, by the finding's severity.
FILL_FOUND = {"error": FILL_BAD, "warning": PatternFill("solid", fgColor="FFEB9C"),
              "info": PatternFill("solid", fgColor="DDEBF7")}
FONT_LAST = Font(name=F_BODY.name, size=F_BODY.size, color="595959")
PERCENT = "+0.0%;-0.0%;0.0%"
CHANGE = "+#,##0;-#,##0;0"


def export_comparison_xlsx(comparison: Comparison, stream: BinaryIO) -> None:
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.title = escape_text(comparison.title)[:255]
    summary = wb.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    _summary(summary, comparison)
    moved = {c.ref for c in comparison.movers}
    flagged: dict[Any, list[Finding]] = {}
    for f in comparison.findings:
        if f.anchor is not None and f.anchor.section == f.section:  # a narrative's finding marks no cell
            flagged.setdefault(f.anchor, []).append(f)
    for table in comparison.tables:
        ws = wb.create_sheet(sheet_name(table.section))
        _table(ws, comparison, table, moved, flagged)
    wb.save(stream)


# ---------------------------------------------------------------------- 对比概况


def _summary(ws: Worksheet, c: Comparison) -> None:
    widths = [30, 14, 14, 12, 12]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    span = len(widths)
    row = _merged(ws, 1, span, c.title, F_TITLE, A_CENTER, height=30)
    facts = [
        ("本年报告", c.this_title + (f"（{c.this_source}）" if c.this_source else "")),
        ("上年报告", c.last_title + (f"（{c.last_source}）" if c.last_source else "")),
        ("格式", f"{c.template.name}（{c.template.source}）" if c.template.source else c.template.name),
        ("有变化的单元格", "；".join(f"{t.section.number}、{t.section.short} {t.changed} 个" for t in c.tables)),
    ]
    facts += [("注意", note) for note in c.notes]
    for label, text in facts:
        _label(ws.cell(row, 1), label)
        cell = ws.cell(row, 2)
        _set_text(cell, text)
        cell.font, cell.alignment, cell.border = F_BODY, A_LEFT, BORDER
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span)
        ws.row_dimensions[row].height = _text_height(text, sum(widths[1:]))
        row += 1
    row += 1
    row = _merged(ws, row, span, f"变化最大的 {len(c.movers)} 个单元格（不含合计）", F_BOLD, A_LEFT, fill=FILL_TITLE)
    for i, head in enumerate(("位置", *PARTS), 1):
        _header(ws.cell(row, i), head)
    row += 1
    for m in c.movers:
        _set_text(ws.cell(row, 1), m.where)
        ws.cell(row, 1).alignment, ws.cell(row, 1).font = A_LEFT, F_BODY
        _parts(ws, row, 2, m, c)
        for i in range(1, span + 1):
            ws.cell(row, i).border = BORDER
        ws.row_dimensions[row].height = max(30, _text_height(m.where, widths[0]))  # a long label wraps to 3 lines
        row += 1
    if not c.movers:
        row = _merged(ws, row, span, "两年的数字没有变化。", F_BODY, A_LEFT)
    row += 1
    row = _merged(ws, row, span, f"与上年核对（{len(c.findings)} 条）", F_BOLD, A_LEFT, fill=FILL_TITLE)
    for f in c.findings:
        _label(ws.cell(row, 1), SEVERITY_LABEL[f.severity])
        cell = ws.cell(row, 2)
        _set_text(cell, f.message)
        cell.font, cell.alignment, cell.border = F_BODY, A_LEFT, BORDER
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span)
        ws.row_dimensions[row].height = _text_height(f.message, sum(widths[1:]))
        cell.fill = FILL_FOUND[f.severity]
        row += 1
    if not c.findings:
        _merged(ws, row, span, "上年结转、现行有效件数等与上年报告一致，未发现问题。", F_BODY, A_LEFT)
    ws.freeze_panes = "A2"
    _print_setup(ws, landscape=False)


def _merged(ws: Worksheet, row: int, span: int, text: str, font: Font, align: Alignment,
            fill: PatternFill | None = None, height: float | None = None) -> int:
    cell = ws.cell(row, 1)
    _set_text(cell, text)
    cell.font, cell.alignment = font, align
    if fill is not None:
        cell.fill = fill
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
    if height:
        ws.row_dimensions[row].height = height
    return row + 1


def _label(cell: Any, text: str) -> None:
    _set_text(cell, text)
    cell.font, cell.fill, cell.alignment, cell.border = F_BOLD, FILL_LABEL, A_LEFT, BORDER


def _header(cell: Any, text: str) -> None:
    _set_text(cell, text)
    cell.font, cell.fill, cell.alignment, cell.border = F_BOLD, FILL_HEADER, A_CENTER, BORDER


def _parts(ws: Worksheet, row: int, col: int, cc: CellChange, c: Comparison, width: int = 1) -> list[Any]:
    """The four cells of one value: 上年, 本年, 增减, 增减率 (each ``width`` columns)."""
    spec = c.template.cell(*cc.ref)
    assert spec is not None
    cells = [ws.cell(row, col + i * width) for i in range(len(PARTS))]
    last, this, change, ratio = cells
    if cc.comparable:
        _put_value(last, cc.last, spec.number)
    else:
        _set_text(last, "不可比")
    _put_value(this, cc.this, spec.number)
    delta = cc.change
    if delta is not None:
        change.value = float(delta) if isinstance(delta, Decimal) else delta
        change.number_format = CHANGE if spec.number.whole else "+0.######;-0.######;0"
    share = cc.ratio
    if share is not None:
        ratio.value = float(share)
        ratio.number_format = PERCENT
    elif cc.ratio_text():
        _set_text(ratio, cc.ratio_text())
    for cell in cells:
        cell.font, cell.alignment = F_BODY, A_CENTER
    last.font = FONT_LAST
    this.font = F_BOLD
    return cells


# ---------------------------------------------------------------------- one sheet per table


class _Layout:
    """Where the grid lands on the sheet: every value column becomes four, and a row naming
    the four comes above each run of value rows."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.k = len(PARTS)
        self.row_of: dict[int, int] = {}
        self.part_rows: list[int] = []  # sheet rows of the 上年/本年/增减/增减率 headings (0-based)
        value_rows = {c.row for c in grid.cells if c.is_value}
        at = 0
        for r in range(grid.n_rows):
            if r in value_rows and (r - 1) not in value_rows:
                self.part_rows.append(at)
                at += 1
            self.row_of[r] = at
            at += 1
        self.n_rows = at

    def col(self, c: int) -> int:
        g = self.grid
        return c if c < g.label_cols else g.label_cols + (c - g.label_cols) * self.k

    @property
    def n_cols(self) -> int:
        return self.col(self.grid.n_cols)


def _table(ws: Worksheet, c: Comparison, table: TableComparison, moved: set[Any],
           flagged: dict[Any, list[Finding]]) -> None:
    t = c.template
    grid = grid_for(t, table.section.key)
    lay = _Layout(grid)
    r0, c0 = 3, 1  # row 1: title; row 2: what the four columns are
    widths = _column_widths(grid, t)
    label_widths = widths[: grid.label_cols]
    virtual = label_widths + [PART_WIDTH * lay.k] * (grid.n_cols - grid.label_cols)
    for i, w in enumerate(label_widths):
        ws.column_dimensions[get_column_letter(c0 + i)].width = w
    for i in range(grid.label_cols, lay.n_cols):
        ws.column_dimensions[get_column_letter(c0 + i)].width = PART_WIDTH
    years = f"{c.last_year or '上'}年与{c.this_year or '本'}年对比"
    _merged_at(ws, r0 - 2, c0, lay.n_cols, f"{table.section.title}（{years}）", F_TITLE, A_CENTER, 30)
    _merged_at(ws, r0 - 1, c0, lay.n_cols,
               f"每个数字分四栏：上年 {c.last_year or ''}、本年 {c.this_year or ''}、增减、增减率；"
               "与上年核对有问题的“本年”数字标红（错误）、橙（警告）、蓝（提示），批注中有说明；绿色为变化最大的单元格", F_BODY, A_LEFT, 20)
    printed = {}
    for gc in grid.cells:
        row = r0 + lay.row_of[gc.row]
        col = c0 + lay.col(gc.col)
        if gc.ref is not None:
            cc = table.cells[gc.ref]
            cells = _parts(ws, row, col, cc, c, width=gc.colspan)
            for i, cell in enumerate(cells):
                cell.border = BORDER
                if gc.colspan > 1:
                    ws.merge_cells(start_row=row, start_column=cell.column, end_row=row,
                                   end_column=cell.column + gc.colspan - 1)
                if i == 2 and gc.ref in moved:
                    cell.fill = FILL_MOVED
            found = flagged.get(gc.ref)
            if found:
                worst = min(found, key=lambda f: SEVERITY_ORDER[f.severity])
                cells[1].fill = FILL_FOUND[worst.severity]
                text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in found)
                cells[1].comment = Comment(escape_text(text), AUTHOR, width=320, height=40 + 16 * len(text) // 22)
            continue
        cell = ws.cell(row, col)
        printed[gc] = _printed_label(t, gc, virtual)
        _set_text(cell, printed[gc])
        kind_fill = {"title": FILL_TITLE, "corner": FILL_HEADER, "header": FILL_HEADER}.get(gc.kind, FILL_LABEL)
        cell.fill, cell.border = kind_fill, BORDER
        cell.font = F_BOLD if gc.kind in ("title", "header") else F_BODY
        cell.alignment = A_LEFT if gc.kind == "title" or (gc.kind == "label" and gc.rowspan == 1) else A_CENTER
        end_row = r0 + lay.row_of[gc.row + gc.rowspan - 1]
        end_col = c0 + lay.col(gc.col + gc.colspan) - 1
        if end_row > row or end_col > col:
            ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)
            for rr in range(row, end_row + 1):
                for cc_ in range(col, end_col + 1):
                    ws.cell(rr, cc_).border = BORDER
    _part_headings(ws, grid, lay, r0, c0)
    for r, h in _row_heights(grid, virtual, printed).items():
        ws.row_dimensions[r0 + lay.row_of[r]].height = h
    first_values = r0 + (lay.part_rows[0] + 1 if lay.part_rows else 0)
    ws.freeze_panes = f"{get_column_letter(c0 + grid.label_cols)}{first_values if grid.header_rows else r0}"
    _print_setup(ws, landscape=True)


def _merged_at(ws: Worksheet, row: int, col: int, span: int, text: str, font: Font, align: Alignment,
               height: float) -> None:
    cell = ws.cell(row, col)
    _set_text(cell, text)
    cell.font, cell.alignment = font, align
    ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
    ws.row_dimensions[row].height = height


def _part_headings(ws: Worksheet, grid: Grid, lay: _Layout, r0: int, c0: int) -> None:
    """上年 本年 增减 增减率 above each run of value rows, under the columns of its first row."""
    for part_row in lay.part_rows:
        grid_row = next(r for r, at in lay.row_of.items() if at == part_row + 1)
        row = r0 + part_row
        if grid.label_cols:
            corner = ws.cell(row, c0)
            corner.fill, corner.border = FILL_HEADER, BORDER
            if grid.label_cols > 1:
                ws.merge_cells(start_row=row, start_column=c0, end_row=row, end_column=c0 + grid.label_cols - 1)
        for gc in _value_cells(grid, grid_row):
            col = c0 + lay.col(gc.col)
            for i, part in enumerate(PARTS):
                cell = ws.cell(row, col + i * gc.colspan)
                _header(cell, part)
                if gc.colspan > 1:
                    ws.merge_cells(start_row=row, start_column=cell.column, end_row=row,
                                   end_column=cell.column + gc.colspan - 1)
        ws.row_dimensions[row].height = 18


def _value_cells(grid: Grid, row: int) -> Sequence[Any]:
    return sorted((c for c in grid.cells if c.row == row and c.is_value), key=lambda c: c.col)
