"""The Excel workbook: the official tables a colleague can keep filling in, checks included.

One sheet per table section laid out from :func:`models.grid.grid_for` (the single layout
description: the merges here are the grid's spans), a 基本情况 sheet with the metadata and the
three narratives, and a very hidden sheet that maps every cell back to the report so that
:mod:`importers.xlsx` can read an edited copy without guessing.

The checks travel with the workbook: every total of an equation rule turns red by conditional
formatting when it differs from the sum of its parts (built from the checker's equations), every
value cell carries data validation, and cells with findings carry the checker's message.
"""

from __future__ import annotations

import copy
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from exporters.linebreak import label_glue, label_lines, widest_unit
from models.checker import checker_for
from models.findings import SEVERITY_LABEL, CheckResult, Finding
from models.grid import Grid, GridCell, grid_for
from models.numbers import NumberSpec
from models.progress import checkpoint
from models.report import LEVELS, PREFACE, Report
from models.storage import previous_to_dict
from models.template import ReportTemplate, SectionSpec
from models.values import CellRef, Quantity, Value
from models.workbook_map import (
    AUTHOR,
    BASIC_SHEET,
    FORMAT_LABEL,
    META_FIELDS,
    META_SHEET,
    REC_ACCEPTANCE,
    REC_CELL,
    REC_HEADER,
    REC_META,
    REC_NOTE,
    REC_PREVIOUS,
    REC_SHEET,
    REC_TEXT,
    TABLE_ORIGIN,
    WORKBOOK_FORMAT,
    WORKBOOK_SCHEMA,
    escape_text,
    sheet_name,
    strip_xml_illegal,
)

MAX_CELL_CHARS = 32_767  # Excel's limit per cell
EXACT_DIGITS = 15  # Excel shows (and keeps through edits) 15 significant digits


def coordinate(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def display_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ---------------------------------------------------------------------- styles

_FONT = "宋体"
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
F_BODY = Font(name=_FONT, size=11)
F_BOLD = Font(name=_FONT, size=11, bold=True)
F_TITLE = Font(name=_FONT, size=14, bold=True)
FILL_HEADER = PatternFill("solid", fgColor="D9E1F2")
FILL_LABEL = PatternFill("solid", fgColor="F2F2F2")
FILL_TITLE = PatternFill("solid", fgColor="E7E6E6")
FILL_BAD = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
FILL_TOTAL = PatternFill("solid", fgColor="E2E9F3")  # a total or balance: shaded and bold, as in the editor
FONT_BAD = Font(color="9C0006", bold=True)
A_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
A_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
A_TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_KIND_STYLE: dict[str, tuple[Font, PatternFill | None, Alignment]] = {
    "title": (F_BOLD, FILL_TITLE, A_LEFT),
    "corner": (F_BODY, FILL_HEADER, A_CENTER),
    "header": (F_BOLD, FILL_HEADER, A_CENTER),
    "label": (F_BODY, FILL_LABEL, A_LEFT),
    "value": (F_BODY, None, A_CENTER),
}
PAGE_WIDTH = 90  # column units across A4 portrait at 100 %
LANDSCAPE_WIDTH = 120  # wider tables (四) print across A4 landscape
LINE_PT = 14.5  # height of one wrapped line of 11 pt 宋体
# A column unit is the width of Calibri's "0" (7 px); a CJK character of 11 pt 宋体 is 14.7 px,
# two display units of 7.33 px. Labels are broken by hand at what Excel surely fits in a column.
UNIT_PX = 7.0
DISPLAY_UNIT_PX = 7.34
CELL_PAD_PX = 6.0
MAX_ROW_PT = 409  # Excel's limit


# ---------------------------------------------------------------------- entry point


def export_xlsx(report: Report, stream: BinaryIO) -> None:
    """Write ``report`` as an .xlsx workbook to ``stream``."""
    build_workbook(report).save(stream)


def build_workbook(report: Report) -> Workbook:
    """The workbook of ``report`` (another exporter may add sheets before the hidden map sheet)."""
    t = report.template
    result = checker_for(t).check(report)
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.title = strip_xml_illegal(report.title)[:255]  # a property, not a cell: no escapes
    records: list[list[Any]] = [[REC_HEADER, WORKBOOK_FORMAT, WORKBOOK_SCHEMA, t.id, AUTHOR]]
    basic = wb.active
    assert basic is not None
    basic.title = BASIC_SHEET
    _basic_sheet(basic, report, result, records)
    for section in t.table_sections:
        checkpoint(f"正在生成工作表“{sheet_name(section)}”……")
        ws = wb.create_sheet(sheet_name(section))
        records.append([REC_SHEET, section.key, ws.title])
        _table_sheet(ws, report, section, result, records)
    for a in report.acceptances:
        cells = json.dumps([list(c) for c in a.cells], ensure_ascii=False)
        records.append([REC_ACCEPTANCE, a.rule, a.accepted_at, cells, *_chunks(a.explanation)])
    if report.previous is not None:  # last year's figures travel with the workbook as with the file
        records.append([REC_PREVIOUS, *_chunks(json.dumps(previous_to_dict(report.previous), ensure_ascii=False))])
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    for r, row in enumerate(records, start=1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, str):
                _set_text(meta.cell(r, c), v)
            else:
                meta.cell(r, c, v)
    return wb


# ---------------------------------------------------------------------- 基本情况


def _basic_sheet(ws: Worksheet, report: Report, result: CheckResult, records: list[list[Any]]) -> None:
    t = report.template
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 78
    text_width = 18 + 78
    _merged_text(ws, 1, report.title, F_TITLE, Alignment(horizontal="center", vertical="center", wrap_text=True))
    ws.row_dimensions[1].height = 30
    row = 2
    values: dict[str, Any] = {
        "agency": report.meta.agency,
        "year": report.meta.year,
        "level": LEVELS.get(report.meta.level or "", report.meta.level),
        "date": report.meta.date,
        "title": report.meta.title,
    }
    for field, label in META_FIELDS:
        _label(ws.cell(row, 1), label)
        cell = ws.cell(row, 2)
        cell.border, cell.font, cell.alignment = BORDER, F_BODY, A_LEFT
        value = values[field]
        if isinstance(value, str):
            _set_text(cell, value)
        elif value is not None:
            cell.value = value
        records.append([REC_META, field, ws.title, cell.coordinate])
        row += 1
    _meta_validations(ws, row - len(META_FIELDS))
    _label(ws.cell(row, 1), FORMAT_LABEL)
    fmt = ws.cell(row, 2, f"{t.name}（{t.source}）" if t.source else t.name)
    fmt.border, fmt.font, fmt.alignment = BORDER, F_BODY, A_LEFT
    row += 2
    # The preface (导语) first, as printed; always there, so a colleague can write one in.
    for key in (PREFACE, *(s.key for s in t.narrative_sections)):
        heading = _merged_text(ws, row, report.text_title(key), F_BOLD, A_LEFT, fill=FILL_TITLE)
        ws.row_dimensions[row].height = 22
        notes = [f for f in result.for_section(key) if not f.cells]
        if notes:
            heading.comment = _comment(notes)
        lines, continued = _text_lines(report.text(key))
        records.append([REC_TEXT, key, ws.title, heading.coordinate, row + 1, len(lines),
                        ",".join(str(i) for i in continued)])
        first = None
        for i, line in enumerate(lines):
            row += 1
            cell = _merged_text(ws, row, line, F_BODY, A_TEXT, like=first)
            first = first or cell
            ws.row_dimensions[row].height = _text_height(line, text_width)
            if i % 2000 == 1999:
                checkpoint()
        row += 1
    _print_setup(ws, landscape=False)


def _meta_validations(ws: Worksheet, first_row: int) -> None:
    rows = {field: first_row + i for i, (field, _) in enumerate(META_FIELDS)}
    year = DataValidation(type="whole", operator="between", formula1="1900", formula2="2999", allow_blank=True,
                          showErrorMessage=True, errorTitle="年度无效", error="请填写四位数字的年度，如 2024",
                          showInputMessage=True, promptTitle="年度", prompt="报告所属年度，如 2024")
    year.add(f"B{rows['year']}")
    levels = ",".join(LEVELS.values())
    level = DataValidation(type="list", formula1=f'"{levels}"', allow_blank=True, showErrorMessage=True,
                           errorTitle="机关层级无效", error="请从下拉列表中选择机关层级",
                           showInputMessage=True, promptTitle="机关层级", prompt="从下拉列表中选择")
    level.add(f"B{rows['level']}")
    ws.add_data_validation(year)
    ws.add_data_validation(level)


def _text_lines(text: str) -> tuple[list[str], list[int]]:
    """One row per line; a line longer than a cell holds continues on the next row(s)."""
    lines: list[str] = []
    continued: list[int] = []
    for line in text.split("\n"):
        chunks = _chunks(line)
        for i, chunk in enumerate(chunks):
            if i:
                continued.append(len(lines))
            lines.append(chunk)
    return lines, continued


def _chunks(text: str) -> list[str]:
    """Split so that every piece, once escaped, fits in one cell (longest prefixes first)."""
    out: list[str] = []
    while len(escape_text(text)) > MAX_CELL_CHARS:
        lo, hi = 1, min(len(text), MAX_CELL_CHARS)
        while lo < hi:  # escaping a longer prefix never gives a shorter result
            mid = (lo + hi + 1) // 2
            if len(escape_text(text[:mid])) <= MAX_CELL_CHARS:
                lo = mid
            else:
                hi = mid - 1
        out.append(text[:lo])
        text = text[lo:]
    out.append(text)
    return out


def _text_height(line: str, width: float) -> float:
    lines = max(1, math.ceil(display_width(line) / max(1, width - 2)))
    return min(MAX_ROW_PT, lines * LINE_PT + 6)


def merge(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``ws.merge_cells`` without its costs: openpyxl compares every new range with every earlier
    one and restyles each covered cell (a 10,000-line narrative took 40 s). The ranges we merge
    never overlap, so the range goes straight into the sheet's set; the covered cells become
    merged cells, and only a bordered range has its borders copied to them."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    ranges = getattr(ws.merged_cells, "ranges", None)
    cells = getattr(ws, "_cells", None)
    if not isinstance(ranges, set) or not isinstance(cells, dict):  # another openpyxl: the public way
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        return
    start = cells.get((start_row, start_column))
    bordered = start is not None and start.has_style and start._style.borderId != 0  # 0: no border
    if bordered:  # rare (a table's merged header): openpyxl's own range copies the borders
        mcr = MergedCellRange(ws, CellRange(min_col=start_column, min_row=start_row, max_col=end_column,
                                            max_row=end_row).coord)
        ranges.add(mcr)
        mcr.format()
        return
    ranges.add(CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row))
    for row in range(start_row, end_row + 1):
        for col in range(start_column, end_column + 1):
            if (row, col) != (start_row, start_column):
                cells[(row, col)] = MergedCell(ws, row, col)


def _merged_text(ws: Worksheet, row: int, text: str, font: Font, align: Alignment,
                 fill: PatternFill | None = None, like: Any = None) -> Any:
    """Text in A, merged over A:B. ``like``: a cell already styled so (the text's first line),
    whose style is copied instead of looked up again for each of thousands of lines."""
    cell = ws.cell(row, 1)
    _set_text(cell, text)
    if like is not None:
        cell._style = copy.copy(like._style)
    else:
        cell.font, cell.alignment = font, align
        if fill:
            cell.fill = fill
    merge(ws, row, 1, row, 2)
    return cell


def _label(cell: Any, text: str) -> None:
    _set_text(cell, text)
    cell.font, cell.fill, cell.alignment, cell.border = F_BOLD, FILL_LABEL, A_LEFT, BORDER


# ---------------------------------------------------------------------- table sheets


def _table_sheet(ws: Worksheet, report: Report, section: SectionSpec, result: CheckResult,
                 records: list[list[Any]]) -> None:
    t = report.template
    grid = grid_for(t, section.key)
    r0, c0 = TABLE_ORIGIN
    widths = _column_widths(grid, t)
    table_width = sum(widths)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(c0 + i)].width = w
    title = ws.cell(r0 - 1, c0)
    _set_text(title, section.title)
    title.font, title.alignment = F_TITLE, Alignment(horizontal="center", vertical="center")
    merge(ws, r0 - 1, c0, r0 - 1, c0 + grid.n_cols - 1)
    ws.row_dimensions[r0 - 1].height = 30
    printed: dict[GridCell, str] = {}
    totals = checker_for(t).totals()  # the cells the template's sum rules compute
    for gc in grid.cells:
        cell = ws.cell(r0 + gc.row, c0 + gc.col)
        font, fill, align = _KIND_STYLE[gc.kind]
        if gc.kind == "label" and gc.rowspan > 1:
            align = A_CENTER  # a group label spanning rows, as printed
        cell.font, cell.alignment, cell.border = font, align, BORDER
        if fill:
            cell.fill = fill
        if gc.ref is not None:
            if gc.ref in totals:  # the figure as typed (a wrong total is data to flag); the rule turns it red
                cell.font, cell.fill = F_BOLD, FILL_TOTAL
            spec = t.cell(*gc.ref)
            assert spec is not None
            value = report.values.get(gc.ref)
            _put_value(cell, value, spec.number)
            findings = _cell_findings(result, gc.ref)
            if findings:
                cell.comment = _comment(findings)
            records.append([REC_CELL, *gc.ref, ws.title, cell.coordinate, 0 if value is None else 1])
        else:
            printed[gc] = _printed_label(t, gc, widths)
            _set_text(cell, printed[gc])
        if gc.is_merged:
            ws.merge_cells(start_row=cell.row, start_column=cell.column,
                           end_row=cell.row + gc.rowspan - 1, end_column=cell.column + gc.colspan - 1)
    for r, h in _row_heights(grid, widths, printed).items():
        ws.row_dimensions[r0 + r].height = h
    note_row = r0 + grid.n_rows
    if section.has_note or report.notes.get(section.key):
        note = ws.cell(note_row, c0)
        _set_text(note, report.notes.get(section.key, ""))
        note.font, note.alignment = F_BODY, A_TEXT
        merge(ws, note_row, c0, note_row, c0 + grid.n_cols - 1)
        ws.row_dimensions[note_row].height = _text_height(report.notes.get(section.key, ""), table_width)
        records.append([REC_NOTE, section.key, ws.title, note.coordinate])
    _validations(ws, t, grid)
    _sum_rules(ws, t, section, grid)
    ws.freeze_panes = coordinate(r0 + grid.header_rows, c0 + grid.label_cols)
    if grid.header_rows:
        ws.print_title_rows = f"{r0}:{r0 + grid.header_rows - 1}"
    _print_setup(ws, landscape=table_width > LANDSCAPE_WIDTH)


def _put_value(cell: Any, value: Value, spec: NumberSpec) -> None:
    """Write a value so that reading it back yields exactly the same value."""
    if value is None:
        return
    if isinstance(value, Quantity):  # 251000元: the amount with the unit the report printed
        _set_text(cell, str(value))
        return
    if isinstance(value, Decimal):
        if exact_as_float(value):
            places = max(0, -int(value.as_tuple().exponent))
            cell.value = float(value)
            cell.number_format = "0." + "0" * places if places else "0"
        else:  # more digits than a spreadsheet number keeps: text keeps them all
            _set_text(cell, format(value, "f") if value.is_finite() else str(value))
        return
    if not isinstance(value, bool) and abs(value) >= 10**EXACT_DIGITS:
        _set_text(cell, str(value))
        return
    cell.value = value
    if spec.whole:
        cell.number_format = "0"


def exact_as_float(value: Decimal) -> bool:
    """True when a spreadsheet number (a double shown to 15 digits) holds ``value`` exactly."""
    if not value.is_finite():
        return False
    digits = len(value.normalize().as_tuple().digits)
    return digits <= EXACT_DIGITS and Decimal(repr(float(value))) == value


def capacity(width: float) -> int:
    """Display units (a CJK character is 2) that surely fit on one line of a column this wide,
    in Excel and in LibreOffice alike."""
    return max(1, int((width * UNIT_PX + 5 - CELL_PAD_PX) / DISPLAY_UNIT_PX))


def _units(text: str) -> list[float]:
    return [float(display_width(ch)) for ch in text]


def _printed_label(t: ReportTemplate, gc: GridCell, widths: Sequence[float]) -> str:
    """A label with its line breaks set by hand between the template's words (商业企业 / 社会公益
    \n组织), so that neither Excel nor LibreOffice breaks a word (社会公益组/织) when it wraps.
    A label that fits its column, or that may break anywhere, is left as it is."""
    glued = label_glue(t, gc)
    room = capacity(sum(widths[gc.col:gc.col + gc.colspan]))
    if not glued or display_width(gc.text) <= room:
        return gc.text
    return "\n".join(label_lines(gc.text, _units(gc.text), room, glued))


def _column_widths(grid: Grid, template: ReportTemplate | None = None) -> list[float]:
    """Widths from the texts the grid puts in each column: leaf labels get room for one or two
    lines, labels of groups spanning rows wrap narrowly, value columns fit their headers, and no
    column is narrower than the widest word of its labels."""
    widths: list[float] = []
    for col in range(grid.n_cols):
        own = [c for c in grid.cells if c.col == col and c.colspan == 1 and c.kind != "value"]
        if col < grid.label_cols:
            leaves = [display_width(c.text) for c in own if c.rowspan == 1]
            groups = [display_width(c.text) for c in own if c.rowspan > 1]
            if leaves:
                w = min(max(max(leaves) / 2 + 2, 12), 34) if max(leaves) > 34 else max(leaves) + 2
                widths.append(max(w, 10))
            else:
                widths.append(min(max([8, *(g / 3 + 1 for g in groups)]), 10))
        else:
            heads = [display_width(c.text) for c in own]
            widths.append(min(max([9, *(h / 2 + 2 for h in heads)]), 14))
        if template is not None:
            words = [widest_unit(c.text, _units(c.text), label_glue(template, c)) for c in own]
            need = max(words, default=0.0)
            while capacity(widths[-1]) < need:
                widths[-1] += 0.5
    if sum(widths) < PAGE_WIDTH:  # a narrow table (二) spreads over the page like the printed form
        widths = [round(w * PAGE_WIDTH / sum(widths), 1) for w in widths]
    return widths


def _row_heights(grid: Grid, widths: Sequence[float], texts: Mapping[GridCell, str]) -> dict[int, float]:
    """Enough height for the wrapped text of each row (Excel does not fit merged cells itself);
    ``texts``: labels as printed, with their line breaks."""
    need: dict[int, float] = {r: 1.0 for r in range(grid.n_rows)}
    for c in grid.cells:
        if not c.text:
            continue
        width = sum(widths[c.col: c.col + c.colspan]) - 1.5
        lines = sum(math.ceil(display_width(line) / max(width, 1)) or 1 for line in texts.get(c, c.text).split("\n"))
        per_row = lines / c.rowspan
        for r in range(c.row, c.row + c.rowspan):
            need[r] = max(need[r], per_row)
    return {r: max(20.0, math.ceil(n) * LINE_PT + 6) for r, n in need.items()}


def _validations(ws: Worksheet, t: ReportTemplate, grid: Grid) -> None:
    """Data validation from each column's NumberSpec: whole or decimal, its bounds, its words."""
    r0, c0 = TABLE_ORIGIN
    by_spec: dict[str, tuple[NumberSpec, list[tuple[int, int]]]] = {}
    for gc in grid.value_cells:
        assert gc.ref is not None
        cell = t.cell(*gc.ref)
        assert cell is not None
        by_spec.setdefault(cell.number.name, (cell.number, []))[1].append((r0 + gc.row, c0 + gc.col))
    for number, cells in by_spec.values():
        dv = _validation(number)
        dv.sqref = MultiCellRange(" ".join(r.replace("$", "") for r in cell_ranges(cells)))
        ws.add_data_validation(dv)


def _validation(spec: NumberSpec) -> DataValidation:
    words = dict(showErrorMessage=True, errorTitle=f"{spec.noun}无效", error=f"请填写{spec.describe}",
                 showInputMessage=True, promptTitle=spec.noun, prompt=spec.prompt or spec.describe, allow_blank=True)
    if spec.kept_units:  # an amount with its unit is text (251000元): bound only its length
        return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(spec.max_length()),
                              **words)
    largest = format(spec.largest, "f")
    smallest = str(spec.minimum) if spec.minimum is not None else "-" + largest
    return DataValidation(type="whole" if spec.whole else "decimal", operator="between",
                          formula1=smallest, formula2=largest, **words)


def _sum_rules(ws: Worksheet, t: ReportTemplate, section: SectionSpec, grid: Grid) -> None:
    """Red total when SUM(left) ≠ SUM(right), for every equation of the checker in this section.

    Same conditions as the checker: a sum with nothing entered but the total is not red; a
    blank total whose parts are not all blank is (应为 272，现为空).
    """
    r0, c0 = TABLE_ORIGIN

    def where(ref: CellRef) -> tuple[int, int]:
        pos = grid.position(ref)
        assert pos is not None
        return r0 + pos[0], c0 + pos[1]

    for eq in checker_for(t).equations:
        if eq.total.section != section.key:
            continue
        total = _absolute(*where(eq.total))
        parts = [where(r) for r in eq.left + eq.right if r != eq.total]
        left = ",".join(cell_ranges(where(r) for r in eq.left))
        right = ",".join(cell_ranges(where(r) for r in eq.right))
        formula = (f"AND(COUNT({','.join(cell_ranges(parts))})>0,"
                   f"OR(ISBLANK({total}),AND(ISNUMBER({total}),SUM({left})<>SUM({right}))))")
        ws.conditional_formatting.add(total.replace("$", ""),
                                      FormulaRule(formula=[formula], fill=FILL_BAD, font=FONT_BAD))


def _absolute(row: int, col: int) -> str:
    return f"${get_column_letter(col)}${row}"


def cell_ranges(cells: Iterable[tuple[int, int]]) -> list[str]:
    """Absolute references, runs of adjacent cells in a row or column joined as ranges."""
    pts = list(dict.fromkeys(cells))
    out: list[str] = []
    i = 0
    while i < len(pts):
        j = i
        if i + 1 < len(pts):
            dr, dc = pts[i + 1][0] - pts[i][0], pts[i + 1][1] - pts[i][1]
            if (dr, dc) in ((1, 0), (0, 1)):
                while j + 1 < len(pts) and (pts[j + 1][0] - pts[j][0], pts[j + 1][1] - pts[j][1]) == (dr, dc):
                    j += 1
        first, last = _absolute(*pts[i]), _absolute(*pts[j])
        out.append(first if i == j else f"{first}:{last}")
        i = j + 1
    return out


# ---------------------------------------------------------------------- findings as comments


def _cell_findings(result: CheckResult, ref: CellRef) -> list[Finding]:
    """Findings to show on this cell: those it breaks, and those naming it without a total
    (a blank cell, a narrative number); the addends of a broken sum are not marked."""
    return [f for f in result.for_cell(ref) if f.total_cell == ref or f.total_cell is None]


def _comment(findings: Sequence[Finding]) -> Comment:
    lines = []
    for f in findings:
        head = SEVERITY_LABEL[f.severity] + ("·已说明" if f.accepted else "")
        lines.append(f"【{head}】{f.message}" + (f"\n说明：{f.explanation}" if f.accepted and f.explanation else ""))
    text = escape_text("\n".join(lines))[:MAX_CELL_CHARS]
    rows = sum(math.ceil(display_width(line) / 44) or 1 for line in text.split("\n"))
    return Comment(text, AUTHOR, height=min(400, 20 + rows * 16), width=320)


# ---------------------------------------------------------------------- helpers


def _set_text(cell: Any, text: str) -> None:
    """A string stays a string (openpyxl would take ``=…`` for a formula)."""
    value = escape_text(text)
    if len(value) > MAX_CELL_CHARS:  # long narratives are split by row before they get here
        from exporters import ExportFailed

        raise ExportFailed(f"“{text[:20]}…”有 {len(text)} 个字符，超过 Excel 单元格的上限（{MAX_CELL_CHARS}），"
                           "无法导出为工作簿；请缩短后再试")
    cell.value = value
    cell.data_type = "s"


def _print_setup(ws: Worksheet, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
