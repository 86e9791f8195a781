"""The review workbook: 汇总 (one row per report), 问题清单 (one row per finding) and 提交情况
(units × years, 未提交 where a unit has no report).

Written as the review runs, in openpyxl's write-only mode (rows go to temporary files, not
memory), so a review of ten thousand reports holds no more than one row at a time. Every sheet
has its header frozen, an autofilter over its rows, and prints on A4 landscape, fitted to the
page width, with the header repeated on every page.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exporters.xlsx import display_width
from models.findings import SEVERITY_LABEL
from models.review import ERRORS, MISSING, PASSED, STATUS_LABEL, TO_CONFIRM, UNREADABLE
from models.storage import write_atomic
from models.workbook_map import AUTHOR, escape_text

SUMMARY_SHEET = "汇总"
PROBLEMS_SHEET = "问题清单"
SUBMISSIONS_SHEET = "提交情况"
SUMMARY_HEADER = ("单位", "年度", "格式", "错误", "警告", "提示", "已接受", "状态", "上年报告", "文件", "说明")
PROBLEMS_HEADER = ("单位", "年度", "严重程度", "表/栏目", "行", "列", "问题", "已接受的说明", "规则", "文件")
MAX_ROWS = 1_048_576  # Excel's limit per sheet

_FONT = "宋体"


def _style(name: str, *, bold: bool = False, color: str | None = None, fill: str | None = None,
           alignment: Alignment | None = None) -> NamedStyle:
    return NamedStyle(name=name, font=Font(name=_FONT, size=10.5, bold=bold, color=color),
                      fill=PatternFill("solid", fgColor=fill) if fill else PatternFill(),
                      alignment=alignment or Alignment())


_CENTER = Alignment(horizontal="center", vertical="bottom")
# Named styles: a cell takes one by name, without openpyxl hashing a font and a fill per cell
# (a review of ten thousand reports writes hundreds of thousands of styled cells).
# Colours: Excel's own 好/差/适中 palette, and a strong one for 未提交 and 无法读取.
_STYLES = {
    "head": _style("审核-表头", bold=True, fill="D9E1F2",
                   alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)),
    "wrap": _style("审核-换行", alignment=Alignment(vertical="bottom", wrap_text=True)),  # as unstyled cells
    ERRORS: _style("审核-有错误", bold=True, color="9C0006", fill="FFC7CE", alignment=_CENTER),
    "error": _style("审核-错误", bold=True, color="9C0006", fill="FFC7CE", alignment=_CENTER),
    TO_CONFIRM: _style("审核-待确认", bold=True, color="9C5700", fill="FFEB9C", alignment=_CENTER),
    "warning": _style("审核-警告", bold=True, color="9C5700", fill="FFEB9C", alignment=_CENTER),
    "info": _style("审核-提示", color="1F4E79", fill="DDEBF7", alignment=_CENTER),
    "accepted": _style("审核-已接受", color="6B7785", alignment=_CENTER),
    PASSED: _style("审核-通过", color="006100", fill="C6EFCE", alignment=_CENTER),
    MISSING: _style("审核-未提交", bold=True, color="FFFFFF", fill="C00000", alignment=_CENTER),
    UNREADABLE: _style("审核-无法读取", bold=True, color="FFFFFF", fill="7F7F7F", alignment=_CENTER),
}
_SUMMARY_WIDTHS = (26, 6, 7, 5, 5, 5, 6, 8, 30, 44, 36)
_PROBLEM_WIDTHS = (22, 6, 8, 9, 22, 14, 56, 16, 22, 30)
LINE_PT = 14  # one line of 10.5 pt 宋体


def _width(text: str) -> int:
    """Columns a text needs: 2 for a Chinese character, 1 for a Latin one (its GBK length: one C call)."""
    return len(text.encode("gbk", "replace"))


class ReviewWorkbook:
    """Build the workbook row by row: :meth:`add_report`, :meth:`add_problem`, then :meth:`save`."""

    def __init__(self, title: str = "年报审核") -> None:
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = AUTHOR
        self.wb.properties.title = title
        for style in _STYLES.values():
            self.wb.add_named_style(style)
        self.summary = self._sheet(SUMMARY_SHEET, SUMMARY_HEADER, _SUMMARY_WIDTHS)
        self.problems = self._sheet(PROBLEMS_SHEET, PROBLEMS_HEADER, _PROBLEM_WIDTHS)
        self.submissions: Any = None
        self._rows = {SUMMARY_SHEET: 1, PROBLEMS_SHEET: 1}
        self._dropped = 0

    def _sheet(self, name: str, header: Sequence[str], widths: Sequence[float], *, freeze: str = "A2") -> Any:
        ws = self.wb.create_sheet(name)
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = freeze
        self._print_setup(ws)  # before the first row: write-only sheets write their properties first
        ws.append([self._cell(ws, h, "head") for h in header])
        return ws

    @staticmethod
    def _cell(ws: Any, value: Any, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=escape_text(value) if isinstance(value, str) else value)
        cell.style = _STYLES[style].name
        return cell

    def _append(self, sheet: str, cells: list[Any], wrapped: dict[int, str | None]) -> None:
        """Append a row, tall enough for its wrapped texts (neither Excel nor LibreOffice sizes the
        rows of a streamed sheet by itself; the height is set only while the row is written)."""
        ws = self.summary if sheet == SUMMARY_SHEET else self.problems
        widths = _SUMMARY_WIDTHS if sheet == SUMMARY_SHEET else _PROBLEM_WIDTHS
        row = self._rows[sheet] + 1
        # a column of width w holds about 1.2·w half-width characters of 10.5 pt 宋体 (CJK count 2)
        lines = max((math.ceil(_width(text) / (widths[col] * 1.2)) for col, text in wrapped.items() if text),
                    default=1)
        if lines > 1:
            ws.row_dimensions[row].height = LINE_PT * min(lines, 20)
        ws.append(cells)
        if lines > 1:
            del ws.row_dimensions[row]  # written: keep nothing per row (bounded memory)
        self._rows[sheet] = row

    def _wrapped(self, ws: Any, text: str | None) -> WriteOnlyCell | None:
        """Long text wraps in its column (prints whole) instead of running over the next one."""
        return self._cell(ws, text, "wrap") if text else None

    def _status(self, ws: Any, status: str, text: str | None = None) -> WriteOnlyCell:
        return self._cell(ws, text if text is not None else STATUS_LABEL.get(status, status), status)

    # ------------------------------------------------------------------ rows

    def add_report(self, *, agency: str, year: int | None, template: str, errors: int, warnings: int,
                   infos: int, accepted: int, status: str, previous: str | None, file: str,
                   reason: str | None = None) -> None:
        """One row of 汇总: a report, a year a unit has not submitted, or a file not read."""
        ws = self.summary
        counted = status not in (MISSING, UNREADABLE)
        self._append(SUMMARY_SHEET, [
            agency, year, f"{template}版" if template else None,
            errors if counted else None, warnings if counted else None, infos if counted else None,
            accepted if counted else None,
            self._status(ws, status), self._wrapped(ws, previous), self._wrapped(ws, file), self._wrapped(ws, reason),
        ], {8: previous, 9: file, 10: reason})

    def add_problem(self, *, agency: str, year: int | None, severity: str, table: str, row: str, column: str,
                    message: str, accepted: str | None, rule: str, file: str) -> None:
        """One row of 问题清单."""
        if self._rows[PROBLEMS_SHEET] >= MAX_ROWS - 1:
            self._dropped += 1
            return
        ws = self.problems
        shown = SEVERITY_LABEL.get(severity, severity) + ("（已接受）" if accepted is not None else "")
        self._append(PROBLEMS_SHEET, [
            agency, year, self._status(ws, "accepted" if accepted is not None else severity, shown),
            table, self._wrapped(ws, row), column or None, self._wrapped(ws, message), accepted, rule, file,
        ], {4: row, 6: message})

    def set_submissions(self, years: Sequence[int], units: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> None:
        """提交情况: ``units`` = (name, [(status, number of reports) per year]), in ``years`` order."""
        widths = [max(12, min(40, max((display_width(n) for n, _ in units), default=10) + 2))]
        widths += [9] * len(years) + [10]
        ws = self.submissions = self._sheet(SUBMISSIONS_SHEET, ["单位", *(f"{y}年" for y in years), "未提交年数"],
                                            widths, freeze="B2")
        for name, cells in units:
            row: list[Any] = [name]
            for status, n in cells:
                text = STATUS_LABEL.get(status, status) + (f"（{n} 份）" if n > 1 else "")
                row.append(self._status(ws, status, text))
            row.append(sum(1 for status, _ in cells if status == MISSING))
            ws.append(row)
        self._finish(ws, len(units) + 1, 2 + len(years))

    # ------------------------------------------------------------------ the file

    def _print_setup(self, ws: Any) -> None:
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddHeader.center.text = f"&A — {self.wb.properties.title}"
        ws.oddHeader.center.size = 9
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9

    @staticmethod
    def _finish(ws: Any, rows: int, cols: int) -> None:
        ws.auto_filter.ref = f"A1:{get_column_letter(cols)}{max(rows, 2)}"
        ws.print_title_rows = "1:1"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the file atomically. Raises ``ReportFileError`` (a Chinese message) on failure."""
        if self._dropped:
            self.problems.append([self._cell(self.problems, f"另有 {self._dropped} 条问题超出 Excel 的行数上限，未列出；"
                                                            "请用 review --json 查看全部", "wrap")])
            self._rows[PROBLEMS_SHEET] += 1
        if self.submissions is None:
            self.set_submissions([], [])
        self._finish(self.summary, self._rows[SUMMARY_SHEET], len(SUMMARY_HEADER))
        self._finish(self.problems, self._rows[PROBLEMS_SHEET], len(PROBLEMS_HEADER))
        buf = io.BytesIO()
        self.wb.save(buf)
        write_atomic(Path(path), buf.getvalue())
