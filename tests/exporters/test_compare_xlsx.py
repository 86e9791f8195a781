"""The comparison workbook as a reviewer prints it: every row tall enough for its words."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "models"))
from sample_reports import make_huaian, make_previous  # noqa: E402

from exporters.compare_xlsx import SUMMARY_SHEET, export_comparison_xlsx  # noqa: E402
from exporters.xlsx import LINE_PT  # noqa: E402
from models.compare import compare  # noqa: E402
from models.values import CellRef  # noqa: E402


def test_a_mover_with_a_long_label_gets_a_row_for_all_its_lines() -> None:
    """（二）部分公开（区分处理的，只计这一情形，不计其他情形）”的“自然人” wraps to three lines in the
    30-character 位置 column: its row must hold three lines, not two (LibreOffice cut it off)."""
    this = make_huaian()
    last = make_previous(this)
    this.values[CellRef("requests", "partial", "natural")] = 900  # 447 last year: the top mover
    stream = io.BytesIO()
    export_comparison_xlsx(compare(last, this), stream)
    ws = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))[SUMMARY_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if "部分公开" in str(ws.cell(r, 1).value or ""))
    assert ws.row_dimensions[row].height >= 3 * LINE_PT
