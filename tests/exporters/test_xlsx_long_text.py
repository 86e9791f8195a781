"""The workbook of a report with a very long narrative is written without per-cell merge
look-ups (issue 7, item 7: 10,000 lines took 40 s in openpyxl's merge_cells), and reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl.worksheet.cell_range import CellRange

from exporters.xlsx import export_xlsx
from importers.xlsx import import_workbook
from models import storage

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "wulong-hrss-2021.json"


def test_merging_the_rows_of_a_long_text_costs_no_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    report = storage.load(SAMPLE)
    report.texts["other"] = "\n".join(f"第{i}行：本机关未收取信息处理费。" for i in range(2_000))
    comparisons = 0
    real = CellRange.issubset

    def counted(self: CellRange, other: CellRange) -> bool:
        nonlocal comparisons
        comparisons += 1
        return real(self, other)

    monkeypatch.setattr(CellRange, "issubset", counted)
    monkeypatch.setattr(CellRange, "__le__", counted)
    buf = io.BytesIO()
    export_xlsx(report, buf)
    assert comparisons < 1_000  # merge_cells compares each new range with every earlier one: ~2,000,000
    monkeypatch.undo()
    result = import_workbook(io.BytesIO(buf.getvalue()))
    assert result.report.texts["other"] == report.texts["other"]
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(buf.getvalue()))["基本情况"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert all(f"A{r}:B{r}" in merged for r in range(ws.max_row - 5, ws.max_row + 1))  # still merged A:B
