"""Totals look like totals: shaded and bold through the model's roles (every view and the
workbook show them so), a tooltip that says how they are computed and that F9 fills them, a
blank total told apart from a blank input, and still editable like any cell."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from ui_helpers import make_view

from exporters import render
from exporters.xlsx import TABLE_ORIGIN, sheet_name
from models.checker import checker_for
from models.grid import grid_for
from models.report import Report
from models.values import CellRef
from ui import theme
from ui.section_model import BLANK_TOTAL

R = Qt.ItemDataRole
ROW_TOTAL = CellRef("requests", "new", "total")
RESULTS_TOTAL = CellRef("requests", "results_total", "natural")
BALANCE = CellRef("requests", "carried_forward", "commercial")
REVIEW_TOTAL = CellRef("appeals", "data", "review.total")
INPUT = CellRef("requests", "new", "natural")


def test_the_template_rules_say_which_cells_are_totals(zeros: Report) -> None:
    totals = checker_for(zeros.template).totals()
    assert {ROW_TOTAL, RESULTS_TOTAL, BALANCE, REVIEW_TOTAL} <= set(totals)
    assert INPUT not in totals and not any(r.section == "proactive" for r in totals)
    assert sum(r.section == "requests" for r in totals) == 25 + 6 + 6  # 总计 column, （七）总计 row, 结转 row
    assert [r.id for r in totals[CellRef("requests", "carried_forward", "total")]] == [
        "requests.row_total", "requests.balance"]


def test_totals_are_shaded_and_bold_inputs_are_not(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    model = view.table_model
    for ref in (ROW_TOTAL, RESULTS_TOTAL, BALANCE):
        idx = model.index_of(ref)
        brush = model.data(idx, R.BackgroundRole)
        assert isinstance(brush, QBrush) and brush.color() == theme.TOTAL_BG, ref
        font = model.data(idx, R.FontRole)
        assert isinstance(font, QFont) and font.bold()
        assert model.flags(idx) & Qt.ItemFlag.ItemIsEditable  # still editable
    idx = model.index_of(INPUT)
    assert model.data(idx, R.BackgroundRole) is None and model.data(idx, R.FontRole) is None
    four = make_view(qtbot, zeros, "appeals").table_model
    assert four.data(four.index_of(REVIEW_TOTAL), R.BackgroundRole).color() == theme.TOTAL_BG
    assert four.data(four.index_of(CellRef("appeals", "data", "review.upheld")), R.BackgroundRole) is None


def test_a_wrong_total_turns_red_but_stays_bold(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    model = view.table_model
    view.select_ref(INPUT)
    qtbot.keyClicks(view, "5")
    qtbot.keyClick(view.viewport().focusWidget() or view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: zeros.values[INPUT] == 5)
    idx = model.index_of(ROW_TOTAL)
    assert model.data(idx, R.BackgroundRole).color() == theme.ERROR_BG
    assert model.data(idx, R.FontRole).bold()
    assert "应为 5" in model.data(idx, R.ToolTipRole)


def test_the_tooltip_says_how_a_total_is_computed_and_that_f9_fills_it(qtbot: Any, zeros: Report) -> None:
    model = make_view(qtbot, zeros).table_model
    tip = model.data(model.index_of(ROW_TOTAL), R.ToolTipRole)
    assert "自然人与各类法人或其他组织之和" in tip and "F9" in tip
    balance = model.data(model.index_of(BALANCE), R.ToolTipRole)
    assert "第一项加第二项之和，等于第三项加第四项之和" in balance
    assert "F9" not in model.data(model.index_of(INPUT), R.ToolTipRole)


def test_a_blank_total_is_not_told_to_be_filled_with_0_like_a_blank_input(qtbot: Any, zeros: Report) -> None:
    zeros.values[ROW_TOTAL] = None
    zeros.values[CellRef("requests", "carried_over", "natural")] = None
    view = make_view(qtbot, zeros)
    model = view.table_model
    total_tip = model.data(model.index_of(ROW_TOTAL), R.ToolTipRole)
    assert BLANK_TOTAL in total_tip and "请填 0" not in total_tip
    input_tip = model.data(model.index_of(CellRef("requests", "carried_over", "natural")), R.ToolTipRole)
    assert "未填写" in input_tip and "请填 0" in input_tip and "F9" not in input_tip
    status = model.status_text(ROW_TOTAL)  # its parts are there: the sum rule says what it should be
    assert "应为 0" in status and "现为空" in status and status.endswith("（可按 F9 自动填写）")
    zeros.values.update({ref: None for ref in zeros.cell_refs() if ref.row == "carried_over"})
    model.session.result = model.session.checker.check(zeros)
    assert model.status_text(CellRef("requests", "carried_over", "total")).endswith(BLANK_TOTAL)
    view.select_ref(ROW_TOTAL)
    qtbot.keyClicks(view, "0")  # a total can still be typed over
    qtbot.keyClick(view.viewport().focusWidget() or view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: zeros.values[ROW_TOTAL] == 0)


def test_the_window_status_bar_names_a_total(window: Any) -> None:
    window.tabs.setCurrentWidget(window.pages["requests"])
    view = window.current_view()
    view.select_ref(ROW_TOTAL)
    assert "合计（F9" in window.cell_label.toolTip()


def test_the_workbook_shades_totals_and_keeps_their_figures_as_typed(zeros: Report) -> None:
    zeros.values[INPUT] = 5  # the row's total (0) is now wrong: kept as typed, flagged by the rule
    ws = openpyxl.load_workbook(io.BytesIO(render(zeros, ".xlsx")))[sheet_name(zeros.template.section("requests"))]
    grid = grid_for(zeros.template, "requests")
    r0, c0 = TABLE_ORIGIN

    def cell(ref: CellRef) -> Any:
        pos = grid.position(ref)
        assert pos is not None
        return ws.cell(r0 + pos[0], c0 + pos[1])

    for ref in (ROW_TOTAL, RESULTS_TOTAL, BALANCE):
        assert cell(ref).font.bold and cell(ref).fill.fgColor.rgb.endswith("E2E9F3"), ref
    assert cell(ROW_TOTAL).value == 0  # not a formula, not overwritten
    assert not cell(INPUT).font.bold and cell(INPUT).fill.fill_type is None
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(cell(ROW_TOTAL).coordinate in str(cf.sqref) for cf in ws.conditional_formatting) and rules
