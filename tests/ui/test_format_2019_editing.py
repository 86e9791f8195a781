"""Editing a 2019-format report in the editor: no code path of its own, the template's number
kinds decide what a cell takes (a signed 本年增/减 typed ``减4``, an amount typed with its unit)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import make_view

from models import storage
from models.grid import grid_for
from models.report import Report
from models.template import load_template
from models.values import CellRef, Quantity
from ui.section_model import NumberSpecRole, SectionTableModel
from ui.session import DocumentSession

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "district-market-2020.json"
CHANGE = CellRef("proactive", "licensing", "items_change")
AMOUNT = CellRef("proactive", "procurement", "procurement_amount")


@pytest.fixture
def report() -> Report:
    return storage.load(SAMPLE)


@pytest.mark.parametrize("section", ["proactive", "requests", "appeals"])
def test_2019_models_pass_the_qt_model_tester(qtmodeltester: Any, report: Report, section: str) -> None:
    model = SectionTableModel(DocumentSession(report), section)
    qtmodeltester.check(model)
    assert model.rowCount() == grid_for(report.template, section).n_rows


def test_typing_in_a_2019_table(qtbot: Any, report: Report) -> None:
    view = make_view(qtbot, report, "proactive")
    model = view.model()
    rejected: list[str] = []
    model.editRejected.connect(rejected.append)
    assert model.setData(model.index_of(CHANGE), "减12")
    assert report.values[CHANGE] == -12
    assert model.data(model.index_of(CHANGE)) == "-12"
    assert model.setData(model.index_of(AMOUNT), "3.2万元")
    assert report.values[AMOUNT] == Quantity(Decimal("3.2"), "万元")
    assert model.data(model.index_of(AMOUNT)) == "3.2万元"
    # a count keeps refusing a sign, with the reason, the old value kept
    decisions = CellRef("proactive", "licensing", "decisions")
    assert not model.setData(model.index_of(decisions), "减1")
    assert report.values[decisions] == 3261 and rejected and "不是数字" in rejected[-1]
    assert model.data(model.index_of(CHANGE), NumberSpecRole).signed
    # undo puts back the printed sign and the unit
    session: DocumentSession = model.session
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert report.values[CHANGE] == -4 and report.values[AMOUNT] == Quantity(Decimal(251000), "元")


def test_a_2019_rule_highlights_its_cell(qtbot: Any, report: Report) -> None:
    view = make_view(qtbot, report, "proactive")
    model = view.model()
    model.setData(model.index_of(CHANGE), "减200")  # 156 − 200 < 0
    worst = model.session.result.worst_for_cell(CHANGE)
    assert worst is not None and worst.rule == "proactive.items_nonnegative"
    assert model.data(model.index_of(CHANGE), Qt.ItemDataRole.BackgroundRole) is not None
    assert "项目数量不能为负" in model.data(model.index_of(CHANGE), Qt.ItemDataRole.ToolTipRole)


def test_the_editor_opens_a_2019_report(qtbot: Any, tmp_path: Path, report: Report) -> None:
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    window = MainWindow(AppSettings(tmp_path / "s.ini"), tmp_path / "recovery")
    qtbot.addWidget(window)
    window.set_session(DocumentSession(report, SAMPLE))
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert any("主动公开" in t for t in titles)
    assert window.session is not None and window.session.report.template is load_template("2019")
    assert not window.session.result.mapping
