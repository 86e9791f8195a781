"""The table models: the printed layout, roles from the checker, parsing of typed text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from models.grid import grid_for
from models.report import Report
from models.template import load_template
from models.values import CellRef
from ui import theme
from ui.section_model import CellRefRole, SectionTableModel
from ui.section_view import SectionView
from ui.session import DocumentSession

R = Qt.ItemDataRole
TABLES = ("proactive", "requests", "appeals")


def model_for(report: Report, section: str) -> SectionTableModel:
    return SectionTableModel(DocumentSession(report), section)


def bg(model: SectionTableModel, ref: CellRef) -> Any:
    brush = model.data(model.index_of(ref), R.BackgroundRole)
    return None if brush is None else brush.color()


@pytest.mark.parametrize("section", TABLES)
def test_every_table_model_passes_qt_model_tester(qtmodeltester: Any, zeros: Report, section: str) -> None:
    qtmodeltester.check(model_for(zeros, section))


@pytest.mark.parametrize("section", TABLES)
def test_blank_report_models_pass_the_tester_too(qtmodeltester: Any, section: str) -> None:
    qtmodeltester.check(model_for(Report.blank(load_template("2021")), section))


@pytest.mark.parametrize("section", TABLES)
def test_view_spans_every_merged_grid_cell_and_hides_qt_headers(qtbot: Any, zeros: Report, section: str) -> None:
    model = model_for(zeros, section)
    view = SectionView(model)
    qtbot.addWidget(view)
    grid = grid_for(zeros.template, section)
    assert model.rowCount() == grid.n_rows and model.columnCount() == grid.n_cols
    for cell in grid.merged:
        assert (view.rowSpan(cell.row, cell.col), view.columnSpan(cell.row, cell.col)) == (cell.rowspan, cell.colspan)
    assert view.horizontalHeader().isHidden() and view.verticalHeader().isHidden()


def test_labels_are_read_only_and_distinct_values_editable(zeros: Report) -> None:
    model = model_for(zeros, "requests")
    grid = model.grid
    for cell in grid.cells:
        idx = model.index(cell.row, cell.col)
        flags = model.flags(idx)
        if cell.kind == "value":
            assert flags & Qt.ItemFlag.ItemIsEditable
            assert model.data(idx, CellRefRole) == cell.ref
        else:
            assert not flags & Qt.ItemFlag.ItemIsEditable
            assert model.data(idx) == cell.text
            assert model.data(idx, R.BackgroundRole) is not None  # labels are tinted
            assert not model.setData(idx, "9")
    # The three levels of 三's row labels are all there, as in the printed form.
    texts = {c.text for c in grid.cells if c.kind == "label"}
    assert {"三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"} <= texts


def test_typing_a_part_turns_the_total_red_with_expected_value_and_fixing_clears_it(qtbot: Any, zeros: Report) -> None:
    model = model_for(zeros, "requests")
    natural, total = CellRef("requests", "new", "natural"), CellRef("requests", "new", "total")
    assert zeros.values[total] == 0
    with qtbot.waitSignal(model.dataChanged, check_params_cb=lambda tl, br, roles: R.BackgroundRole in roles):
        assert model.setData(model.index_of(natural), "5")
    assert zeros.values[natural] == 5
    assert bg(model, total) == theme.ERROR_BG
    assert model.data(model.index_of(total), R.DecorationRole) is not None  # an icon, not colour alone
    tip = model.data(model.index_of(total), R.ToolTipRole)
    assert "应为 5" in tip and "现为 0" in tip
    assert model.setData(model.index_of(total), "5")
    assert bg(model, total) != theme.ERROR_BG
    assert "应为" not in model.data(model.index_of(total), R.ToolTipRole)


def test_letters_negatives_and_fractions_are_refused_and_the_old_value_kept(qtbot: Any, zeros: Report) -> None:
    session = DocumentSession(zeros)
    model = SectionTableModel(session, "requests")
    idx = model.index_of(CellRef("requests", "new", "natural"))
    assert model.setData(idx, "3")
    steps = session.undo_stack.count()
    for text, words in (("abc", "不是数字"), ("-2", "负数"), ("1.5", "整数")):
        with qtbot.waitSignal(model.editRejected) as blocker, qtbot.assertNotEmitted(model.dataChanged):
            assert not model.setData(idx, text)
        assert words in blocker.args[0] and "已保留原值" in blocker.args[0]
        assert model.data(idx) == "3"
    assert session.undo_stack.count() == steps


def test_full_width_digits_and_six_place_amounts(zeros: Report) -> None:
    counts = model_for(zeros, "requests")
    assert counts.setData(counts.index_of(CellRef("requests", "new", "natural")), "１２")
    assert zeros.values[CellRef("requests", "new", "natural")] == 12
    proactive = model_for(zeros, "proactive")
    fee = CellRef("proactive", "fees", "amount")
    assert proactive.setData(proactive.index_of(fee), "5949.088667")
    assert zeros.values[fee] == Decimal("5949.088667")
    assert proactive.data(proactive.index_of(fee)) == "5949.088667"


def test_blank_cells_show_the_quieter_warning_colour(zeros: Report) -> None:
    model = model_for(zeros, "appeals")
    cell = CellRef("appeals", "data", "review.upheld")
    assert model.setData(model.index_of(cell), "")
    assert zeros.values[cell] is None
    assert bg(model, cell) == theme.WARNING_BG
    assert "未填写" in model.data(model.index_of(cell), R.ToolTipRole)


def test_selecting_a_broken_total_tints_the_cells_it_sums(qtbot: Any, zeros: Report) -> None:
    session = DocumentSession(zeros)
    model = SectionTableModel(session, "requests")
    view = SectionView(model)
    qtbot.addWidget(view)
    natural, total = CellRef("requests", "new", "natural"), CellRef("requests", "new", "total")
    model.setData(model.index_of(natural), "5")
    view.select_ref(total)
    finding = session.result.total_findings(total)[0]
    for part in finding.cells:
        if part != total and session.result.worst_for_cell(part) is None:
            assert bg(model, part) == theme.RELATED_BG
    view.select_ref(CellRef("requests", "granted", "natural"))
    assert bg(model, CellRef("requests", "new", "commercial")) is None


def test_problems_model_passes_qt_model_tester(qtmodeltester: Any) -> None:
    from ui.problems_panel import ProblemsModel

    model = ProblemsModel()
    model.set_session(DocumentSession(Report.blank(load_template("2021"))))  # many warnings: every cell blank
    assert model.rowCount() > 10
    qtmodeltester.check(model)
