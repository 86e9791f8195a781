"""The year's cycle in the window, as a clerk uses it: 从上年报告新建, 关联上年报告, both years in
view (tooltips, 显示上年数据, the 上年正文 panel, live carry-over checks, marked figures in copied
text) and 与上年对比."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from models import storage
from models.previous import kept_of
from models.report import Report
from models.values import CellRef
from models.year_cycle import new_from_last
from ui import theme
from ui.main_window import MainWindow
from ui.section_model import LastYearRole
from ui.year_dialogs import NewFromLastChoice, NewFromLastDialog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HUAIAN_TXT = FIXTURES / "huaian-city-2024.txt"


def req(row: str, column: str) -> CellRef:
    return CellRef("requests", row, column)


@pytest.fixture
def last_year() -> Report:
    from sample_reports import make_huaian

    return make_huaian()


@pytest.fixture
def linked(last_year: Report) -> Report:
    """2025's report just started from 淮安 2024 (texts copied), last year kept in it."""
    return new_from_last(last_year, copy_texts=True).report


# ---------------------------------------------------------------------- the dialog


def test_the_dialog_shows_what_was_read_and_defaults_to_the_next_year(qtbot: Any) -> None:
    dialog = NewFromLastDialog(None, str(FIXTURES))
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled() and not dialog.copy_texts.isChecked()
    with qtbot.waitSignal(dialog.load(str(HUAIAN_TXT)).finished, timeout=30_000):
        pass
    assert dialog.agency.text() == "淮安市人民政府"
    assert dialog.last_year.text().startswith("2024 年度")
    assert dialog.year.value() == 2025 and dialog.year.isEnabled()
    assert "自然人 103" in dialog.carried.text() and "总计 103" in dialog.carried.text()
    assert "2021年版" in dialog.format.text()
    assert dialog.ok.isEnabled() and dialog.copy_texts.isEnabled() and not dialog.copy_texts.isChecked()
    dialog.year.setValue(2027)  # editable; not the year after: said so
    assert "2024" in dialog.notes.text()
    dialog.year.setValue(2025)
    dialog.copy_texts.setChecked(True)
    choice = dialog.choice()
    assert isinstance(choice, NewFromLastChoice)
    assert (choice.year, choice.copy_texts, choice.last.meta.agency) == (2025, True, "淮安市人民政府")
    assert choice.source is not None and choice.source.name == HUAIAN_TXT.name


def test_the_dialog_refuses_a_year_not_after_last_years_and_asks_about_a_future_one(
        qtbot: Any, dialogs_log: Any, tmp_path: Path) -> None:
    """Last year's report picked is this year's own (its year is the current one): the year after
    has not begun, 新建 asks first; a year not after last year's cannot be chosen at all."""
    from datetime import date

    from sample_reports import make_huaian

    own = make_huaian()
    own.meta.year = date.today().year
    path = tmp_path / "本年.json"
    storage.save(own, path)
    dialog = NewFromLastDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.load(str(path)).finished, timeout=30_000):
        pass
    assert dialog.year.value() == date.today().year + 1 and "还没有到" in dialog.notes.text()
    dialog.year.setValue(date.today().year)  # the same year as the report picked
    assert not dialog.ok.isEnabled() and "应晚于它" in dialog.status.text()
    dialog.year.setValue(date.today().year + 1)
    assert dialog.ok.isEnabled() and dialog.status.text().startswith("已读取")
    dialogs_log.answers["ask_yes_no"] = False  # 返回修改
    dialog.ok.click()
    assert dialog.result() != dialog.DialogCode.Accepted
    [(name, (title, question))] = [(n, a[:2]) for n, a in dialogs_log.calls]
    assert name == "ask_yes_no" and "还没有到" in question and "改选上一年度" in question
    dialogs_log.answers["ask_yes_no"] = True  # 仍要新建
    dialog.ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_the_dialog_says_why_a_file_cannot_be_read(qtbot: Any, tmp_path: Path) -> None:
    bad = tmp_path / "上年.json"
    bad.write_text("{不是报告", encoding="utf-8")
    dialog = NewFromLastDialog(None)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.load(str(bad)).failed, timeout=30_000):
        pass
    assert dialog.status.text().startswith("无法读取") and "JSON" in dialog.status.text()
    assert not dialog.ok.isEnabled() and dialog.choice() is None


def test_new_from_last_in_the_window(window: MainWindow, dialogs_log: Any, last_year: Report) -> None:
    dialogs_log.answers["ask_new_from_last"] = NewFromLastChoice(str(HUAIAN_TXT), last_year, None, 2025, False)
    assert window.act_new_from_last.text().startswith("从上年报告新建")
    window.act_new_from_last.trigger()
    report = window.session.report
    assert (report.meta.agency, report.meta.year, report.meta.level) == ("淮安市人民政府", 2025, "municipal")
    assert report.values[req("carried_over", "total")] == 103 and report.values[req("new", "total")] is None
    assert report.previous is not None and report.previous.year == 2024
    assert window.session.modified and window.session.path is None  # a new, unsaved report
    assert window.act_unlink_previous.isEnabled()


# ---------------------------------------------------------------------- both years in view


def test_every_cell_tooltip_shows_last_year_and_the_change(make_window: Any, linked: Report) -> None:
    linked.values[req("new", "natural")] = 3100
    window = make_window(linked)
    model = window.view_of("requests").table_model
    tip = model.data(model.index_of(req("new", "natural")), Qt.ItemDataRole.ToolTipRole)
    assert "上年 3001，本年 3100，增加 99（+3.3%）" in tip
    tip = model.data(model.index_of(req("granted", "natural")), Qt.ItemDataRole.ToolTipRole)
    assert "上年 1288，本年 未填" in tip


def test_a_carried_cell_tooltip_says_what_it_must_equal(make_window: Any, linked: Report) -> None:
    """上年结转 beside last year's 上年结转 (34) reads like a change; its tooltip also says the
    figure it is carried from (last year's 结转下年度, 103), and a cell this year fills in does not."""
    window = make_window(linked)
    model = window.view_of("requests").table_model
    tip = model.data(model.index_of(req("carried_over", "natural")), Qt.ItemDataRole.ToolTipRole)
    assert "上年 34，本年 103" in tip
    assert "本格由上年结转：应等于上年报告中三、“四、结转下年度继续办理”的“自然人”（103）" in tip
    tip = model.data(model.index_of(req("new", "natural")), Qt.ItemDataRole.ToolTipRole)
    assert "由上年结转" not in tip


def test_show_last_year_puts_it_in_every_cell_in_a_quieter_type(qtbot: Any, make_window: Any, linked: Report) -> None:
    window = make_window(linked)
    view = window.view_of("requests")
    model = view.table_model
    idx = model.index_of(req("new", "total"))
    assert model.data(idx, LastYearRole) is None
    view.relayout(force=True)
    height = view.rowHeight(idx.row())
    window.act_show_last_year.trigger()  # 视图 → 显示上年数据
    assert window.act_show_last_year.isChecked()
    assert model.data(idx, LastYearRole) == "上年 3119"
    assert view.rowHeight(idx.row()) > height  # room for the second line
    for section in ("proactive", "appeals"):
        other = window.view_of(section).table_model
        assert other.show_last_year
    # it is painted: the cell's bottom part now holds grey text
    window.tabs.setCurrentWidget(window.pages["requests"])
    qtbot.waitExposed(view)
    rect = view.visualRect(idx)
    image = view.viewport().grab(rect).toImage()
    greys = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height() * 2 // 3,
                                                                                           image.height())}
    assert any(c not in ("#ffffff", theme.TOTAL_BG.name()) for c in greys)
    window.act_show_last_year.trigger()
    view.relayout(force=True)
    assert model.data(idx, LastYearRole) is None and view.rowHeight(idx.row()) == height


def test_carry_over_is_checked_live_while_typing(qtbot: Any, make_window: Any, linked: Report) -> None:
    window = make_window(linked)
    window.tabs.setCurrentWidget(window.pages["requests"])
    view = window.view_of("requests")
    model = view.table_model
    ref = req("carried_over", "natural")
    view.setFocus()
    view.select_ref(ref)
    qtbot.keyClicks(view, "9")  # typing starts editing, as in a spreadsheet
    editor = view.viewport().focusWidget() or view
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: linked.values[ref] == 90)
    idx = model.index_of(ref)
    assert model.data(idx, Qt.ItemDataRole.BackgroundRole).color() == theme.ERROR_BG
    tip = model.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert "应为 103（上年报告“四、结转下年度继续办理”），现为 90" in tip and "上年 34，本年 90" in tip
    assert "总体情况" not in tip  # a figure of the text that came from this cell is the text's business
    window.act_undo.trigger()
    assert linked.values[ref] == 103
    background = model.data(idx, Qt.ItemDataRole.BackgroundRole)
    assert background is None or background.color() != theme.ERROR_BG


def test_the_last_year_panel_follows_the_tab_and_copies(qtbot: Any, make_window: Any, linked: Report,
                                                       last_year: Report) -> None:
    window = make_window(linked)
    panel = window.last_year_panel
    window.act_last_year_panel.trigger()
    assert panel.isVisible()
    window.tabs.setCurrentWidget(window.pages["problems"])
    assert panel.text.toPlainText() == last_year.text("problems")
    assert panel.text.isReadOnly() and "2024 年" in panel.heading.text()
    panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == last_year.text("problems")
    window.tabs.setCurrentWidget(window.pages["requests"])
    assert "上年数据" in panel.text.toPlainText() and not panel.copy_button.isEnabled()
    window.session.set_previous(None)  # unlinked: says how to link
    assert "关联上年报告" in panel.text.toPlainText()


def test_figures_left_from_last_year_are_marked_in_the_text(qtbot: Any, make_window: Any, linked: Report) -> None:
    window = make_window(linked)
    window.tabs.setCurrentWidget(window.pages["overview"])
    editor = window.text_editor_of("overview").editor
    text = editor.toPlainText()
    marked = {text[a:b] for a, b, _ in editor.marked}
    assert {"3119", "3050", "351"} <= marked
    assert len(editor.extraSelections()) == len(editor.marked)
    start = text.index("3119")
    # the tooltip over the mark says why
    cursor = editor.textCursor()
    cursor.setPosition(start + 1)
    point = editor.cursorRect(cursor).center()
    qtbot.mouseMove(editor.viewport(), point)
    assert any(a <= start + 1 <= b and "上年" in m for a, b, m in editor.marked)
    # edited like a user: select the number and type this year's
    cursor.setPosition(start)
    cursor.setPosition(start + 4, cursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "3300")
    assert "3300" in linked.text("overview")
    assert "3119" not in {editor.toPlainText()[a:b] for a, b, _ in editor.marked}
    # the problems list leads to the figure: the span is selected
    finding = next(f for f in window.session.result if f.rule == "narrative.stale_number")
    window.show_finding(finding)
    assert editor.textCursor().selectedText() == linked.text("overview")[finding.span[0]:finding.span[1]]
    assert editor.mapToGlobal(QPoint(0, 0)) is not None


# ---------------------------------------------------------------------- link last year later


def test_link_replace_and_unlink_are_undoable(qtbot: Any, window: MainWindow, dialogs_log: Any, tmp_path: Path,
                                             last_year: Report) -> None:
    path = tmp_path / "淮安2024.json"
    storage.save(last_year, path)
    report = window.session.report  # 某某区某某局 2024, every cell 0
    report.meta.year = 2025
    report.meta.agency = "淮安市人民政府"
    dialogs_log.answers["get_open_path"] = str(path)
    with qtbot.waitSignal(window.documents.year.link().finished, timeout=30_000):
        pass
    assert report.previous is not None and report.previous.source is not None
    assert report.previous.source.name == path.name and len(report.previous.source.sha256) == 64
    rules = {f.rule for f in window.session.result}
    assert "carryover.requests" in rules  # 0 carried over, last year left 103: live at once
    assert window.act_link_previous.text().startswith("更换上年报告")
    window.act_undo.trigger()
    assert report.previous is None and "carryover.requests" not in {f.rule for f in window.session.result}
    window.act_redo.trigger()
    assert report.previous is not None
    window.act_unlink_previous.trigger()
    assert report.previous is None
    window.act_undo.trigger()
    assert report.previous is not None


def test_linking_a_report_that_is_not_last_years_asks(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                      tmp_path: Path, last_year: Report) -> None:
    path = tmp_path / "淮安2024.json"
    storage.save(last_year, path)
    dialogs_log.answers["get_open_path"] = str(path)
    dialogs_log.answers["ask_yes_no"] = False  # 2024 for a 2024 report, another agency: declined
    with qtbot.waitSignal(window.documents.year.link().finished, timeout=30_000):
        pass
    [(name, args)] = [c for c in dialogs_log.calls if c[0] == "ask_yes_no"]
    assert "2024 年度" in args[1] and "淮安市人民政府" in args[1]
    assert window.session.report.previous is None


# ---------------------------------------------------------------------- compare


def test_compare_with_last_year_writes_the_workbook(qtbot: Any, make_window: Any, dialogs_log: Any, tmp_path: Path,
                                                    linked: Report, last_year: Report) -> None:
    for ref, value in last_year.values.items():
        if linked.values[ref] is None:
            linked.values[ref] = value
    linked.values[req("new", "natural")] = 3100
    window = make_window(linked)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "对比")  # no suffix: a workbook
    task = window.documents.year.compare()
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    out = tmp_path / "对比.xlsx"
    assert out.exists() and not dialogs_log.errors
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    rows = [[c.value for c in row] for row in wb.worksheets[2].iter_rows()]
    [row] = [r for r in rows if r and r[0] == "一、本年新收政府信息公开申请数量"]
    assert row[3:6] == [3001, 3100, 99]
    assert "与上年对比" in window.act_compare.text()


def test_compare_with_last_year_can_be_cancelled(qtbot: Any, make_window: Any, dialogs_log: Any, tmp_path: Path,
                                                 linked: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """取消 in the status bar stops the comparison like any export, and says so."""
    import time

    import exporters.compare
    from models.progress import checkpoint

    def endless(*_: Any) -> None:
        for _ in range(2500):  # a few seconds at most, never a hang
            checkpoint("正在写出……")
            time.sleep(0.002)

    monkeypatch.setattr(exporters.compare, "write_comparison", endless)
    window = make_window(linked)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "对比.xlsx")
    task = window.documents.year.compare()
    assert task is not None
    qtbot.waitUntil(window.cancel_button.isVisible, timeout=5000)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=5000)
    assert "已取消" in window.statusBar().currentMessage() and not (tmp_path / "对比.xlsx").exists()


def test_compare_without_last_year_offers_to_link_it(window: MainWindow, dialogs_log: Any) -> None:
    dialogs_log.answers["ask_yes_no"] = False
    assert window.documents.year.compare() is None
    assert dialogs_log.calls[-1][0] == "ask_yes_no" and "尚未关联上年报告" in dialogs_log.calls[-1][1][1]


def test_kept_of_is_what_the_window_links(last_year: Report) -> None:
    kept = kept_of(last_year)
    assert kept.values[req("carried_forward", "total")] == 103 and kept.texts["overview"]
