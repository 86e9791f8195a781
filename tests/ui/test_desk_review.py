"""What a demanding user at an agency desk runs into: safe defaults, the keyboard, the clipboard
of Excel/WPS, Qt's own dialogs in Chinese, and no traceback ever reaching the user."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from ui_helpers import make_view

from models import storage
from models.report import Report
from models.template import load_template
from models.values import CellRef
from ui import errors
from ui.clipboard import parse_tsv
from ui.dialogs import ask_restore as real_ask_restore  # imported before the fixture replaces it
from ui.main_window import MainWindow, TableSectionPage
from ui.session import DocumentSession

NEW_NATURAL = CellRef("requests", "new", "natural")


def table(window: MainWindow, section: str) -> TableSectionPage:
    page = window.pages[section]
    assert isinstance(page, TableSectionPage)
    return page




# ---------------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_a_reflexive_enter_or_escape_on_the_restore_question_keeps_the_work(qtbot: Any, key: Qt.Key) -> None:
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.defaultButton().text())
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, answer)
    assert real_ask_restore(None, "某局2024年报告") is True
    assert asked == ["恢复"]


def test_a_report_opened_by_a_relative_path_is_remembered_absolutely(qtbot: Any, window: MainWindow, zeros: Report,
                                                                     tmp_path: Path, monkeypatch: Any) -> None:
    storage.save(zeros, tmp_path / "本局.json")
    monkeypatch.chdir(tmp_path)
    assert window.documents.open_file("本局.json")
    assert window.session.path == tmp_path / "本局.json"
    window.session.set_cells({NEW_NATURAL: 4}, "编辑")
    window.documents.flush_recovery()
    leftover = window.recovery.store.leftover()
    assert leftover is not None and leftover.original_path == str(tmp_path / "本局.json")


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_saves_the_work_and_shows_one_chinese_message(qtbot: Any, dialogs_log: Any,
                                                                         monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    flushed: list[int] = []
    log = tmp_path / "errors.log"
    errors.install_excepthook(lambda: None, lambda: flushed.append(1), log)

    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    emitter.fired.connect(lambda: 1 / 0)  # a bug in a slot reaches sys.excepthook through PySide6
    for _ in range(5):  # e.g. the same failure on every repaint
        emitter.fired.emit()
    qtbot.waitUntil(lambda: bool(dialogs_log.errors))
    QCoreApplication.processEvents()
    assert len(dialogs_log.errors) == 1  # one message, not a storm
    title, message = dialogs_log.errors[0]
    assert title == "内部错误"
    assert "恢复文件" in message and "Ctrl+S" in message and str(log) in message
    assert "Traceback" not in message
    assert flushed == [1]  # the work was written at once (and not rewritten on every repeat)
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)  # Ctrl+C in the console: no dialog
    QCoreApplication.processEvents()
    assert len(dialogs_log.errors) == 1


def test_a_failed_recovery_write_is_admitted_in_the_message() -> None:
    assert "另存为" in errors.crash_message(RuntimeError, False, None)
    assert "不会丢失" in errors.crash_message(RuntimeError, True, None)


# ---------------------------------------------------------------------- Qt's own dialogs in Chinese


def test_qt_file_dialog_labels_are_chinese_despite_qt_renaming_them(qapp: Any) -> None:
    from ui.app import install_translations

    installed = install_translations(qapp)
    try:
        tr = QCoreApplication.translate
        assert installed, "qtbase_zh_CN.qm ships with PySide6"
        assert tr("QFileDialog", "&Look in:") == "查找范围(&L)："
        assert tr("QFileDialog", "Files of &type:") == "文件类型(&T)："
        assert tr("QAbstractFileIconProvider", "Folder") == "文件夹"
        assert tr("QFileDialog", "File &name:") == "文件名称(&N)："  # Qt's own, untouched
        assert tr("某上下文", "不需要翻译的文字") == "不需要翻译的文字"  # misses are not blanked out
    finally:
        for t in installed:
            qapp.removeTranslator(t)


# ---------------------------------------------------------------------- typing


def test_a_refused_entry_keeps_the_cursor_on_the_cell_and_says_why_beside_it(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    cell = CellRef("requests", "new", "legal")
    view.select_ref(cell)
    view.edit(view.currentIndex())
    qtbot.waitUntil(lambda: view.viewport().findChild(QLineEdit) is not None)
    editor = view.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "-3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.notice.isVisible())
    assert "负数" in view.notice.text() and "已保留原值" in view.notice.text()
    cell_rect = view.visualRect(view.currentIndex())
    assert abs(view.notice.geometry().top() - cell_rect.bottom()) <= 4  # right under the cell
    assert view.current_ref() == cell  # not moved on: this is the cell to put right
    assert zeros.values[cell] == 0
    qtbot.keyClick(view, Qt.Key.Key_Down)  # moving on dismisses the note
    assert not view.notice.isVisible()


def test_tab_past_the_last_cell_leaves_the_table_for_the_note(qtbot: Any, window: MainWindow) -> None:
    page = table(window, "appeals")
    window.tabs.setCurrentWidget(page)
    last = page.model.grid.value_cells[-1].ref
    assert last is not None and page.view.select_ref(last)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert page.note is not None
    qtbot.waitUntil(page.note.hasFocus)


def test_ctrl_tab_switches_tabs_even_from_inside_a_table(qtbot: Any, window: MainWindow) -> None:
    page = table(window, "requests")
    window.tabs.setCurrentWidget(page)
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus)
    before = page.view.current_ref()
    qtbot.keyClick(page.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "appeals"
    assert page.view.current_ref() == before  # the table's cursor did not move instead
    window.act_prev_tab.trigger()
    assert window.current_section() == "requests"
    assert "Ctrl+PgDown" in window.act_next_tab.shortcut().toString()  # shown in the 视图 menu


# ---------------------------------------------------------------------- problems by keyboard


def test_accept_and_withdraw_from_the_check_menu_for_the_current_cell(window: MainWindow, dialogs_log: Any) -> None:
    cell = CellRef("appeals", "data", "review.upheld")
    page = table(window, "appeals")
    page.model.setData(page.model.index_of(cell), "")
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(cell)
    window.problems.view.clearSelection()
    dialogs_log.answers["ask_explanation"] = "本年未统计该项"
    window.act_accept.trigger()
    f = next(f for f in window.session.result.for_cell(cell) if f.severity == "warning")
    assert f.accepted and f.explanation == "本年未统计该项"
    window.act_withdraw.trigger()
    assert window.session.result.get(f.key).is_open  # type: ignore[union-attr]


def test_an_error_cannot_be_accepted_from_the_menu(window: MainWindow, dialogs_log: Any) -> None:
    page = table(window, "requests")
    page.model.setData(page.model.index_of(NEW_NATURAL), "5")
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(CellRef("requests", "new", "total"))
    window.problems.view.clearSelection()
    window.act_accept.trigger()
    assert "ask_explanation" not in dialogs_log.names()
    assert "错误不能接受" in window.statusBar().currentMessage()


def test_f6_goes_to_the_problems_and_paste_there_never_reaches_the_table(qtbot: Any, window: MainWindow) -> None:
    page = table(window, "requests")
    page.model.setData(page.model.index_of(NEW_NATURAL), "5")
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(CellRef("requests", "granted", "natural"))
    window.act_focus_problems.trigger()
    qtbot.waitUntil(window.problems.view.hasFocus)
    assert window.problems.selected_finding() is not None
    QGuiApplication.clipboard().setText("9")
    window.act_paste.trigger()
    assert window.session.report.values[CellRef("requests", "granted", "natural")] == 0
    window.act_copy.trigger()
    assert "错误" in QGuiApplication.clipboard().text()  # the problem's own line was copied


# ---------------------------------------------------------------------- the spreadsheet clipboard


def test_a_block_copied_with_its_header_row_and_labels_lands_where_aimed(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    view.select_ref(CellRef("requests", "granted", "natural"))
    n, refused = view.paste_text("\t自然人\t商业企业\n（一）予以公开\t3\t4\n（二）部分公开\t5\t\n")
    assert refused == []
    v = zeros.values
    assert (v[CellRef("requests", "granted", "natural")], v[CellRef("requests", "granted", "commercial")]) == (3, 4)
    assert v[CellRef("requests", "partial", "natural")] == 5
    assert v[CellRef("requests", "partial", "commercial")] is None  # a blank cell pastes as blank
    assert "跳过 1 行表头" in messages[-1] and "1 列行标签" in messages[-1]


def test_a_text_only_block_is_still_refused_cell_by_cell(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    view.select_ref(CellRef("requests", "granted", "natural"))
    n, refused = view.paste_text("甲\t乙\n丙\t丁")
    assert n == 0 and len(refused) == 4


def test_copy_gives_one_field_per_column_like_a_spreadsheet_and_pastes_back(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    model = view.table_model
    grid = model.grid
    zeros.values[CellRef("requests", "new", "natural")] = 7
    zeros.values[CellRef("requests", "granted", "natural")] = 2
    sm = view.selectionModel()
    sm.clearSelection()
    new_row = grid.position(CellRef("requests", "new", "natural"))[0]  # type: ignore[index]
    granted_row = grid.position(CellRef("requests", "granted", "natural"))[0]  # type: ignore[index]
    for r in (new_row, granted_row):
        for c in range(grid.n_cols):
            sm.select(model.index(r, c), sm.SelectionFlag.Select)
    rows = parse_tsv(view.copy_selection())
    assert [len(r) for r in rows] == [grid.n_cols] * (granted_row - new_row + 1)  # columns line up
    assert rows[0][0].startswith("一、本年新收") and rows[0][1] == rows[0][2] == ""  # a merged label
    assert rows[0][grid.label_cols] == "7"
    assert rows[-1][grid.label_cols] == "2"
    # Pasted back onto the label cell of the first row (labels match, merged rests empty).
    for r in (new_row, granted_row):
        for c in range(grid.label_cols, grid.n_cols):
            zeros.values[model.ref_at(model.index(r, c)) or NEW_NATURAL] = 0
    view.setCurrentIndex(model.index(new_row, 0))
    sm.select(model.index(new_row, 0), sm.SelectionFlag.ClearAndSelect)
    n, refused = view.paste_text("\n".join("\t".join(r) for r in rows))
    assert refused == []
    assert zeros.values[CellRef("requests", "new", "natural")] == 7
    assert zeros.values[CellRef("requests", "granted", "natural")] == 2


def test_a_row_from_excel_with_a_merged_label_pastes_in_line(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    grid = view.table_model.grid
    view.select_ref(CellRef("requests", "new", "natural"))
    fields = ["一、本年新收政府信息公开申请数量"] + [""] * (grid.label_cols - 1) + ["1", "2", "3", "4", "5", "6", "21"]
    n, refused = view.paste_text("\t".join(fields))
    assert refused == []
    assert zeros.values[CellRef("requests", "new", "natural")] == 1
    assert zeros.values[CellRef("requests", "new", "total")] == 21


# ---------------------------------------------------------------------- files and fields


def test_open_offers_the_importable_files_too(window: MainWindow, dialogs_log: Any) -> None:
    dialogs_log.answers["get_open_path"] = None
    window.documents.open_file()
    name, args = dialogs_log.calls[-1]
    first_filter = args[2].split(";;")[0]
    assert name == "get_open_path"
    assert all(ext in first_filter for ext in ("*.json", "*.txt", "*.html", "*.xlsx"))


def test_the_date_calendar_opens_on_the_reports_january_when_no_date_is_set(window: MainWindow) -> None:
    meta = window.pages[""]
    calendar = meta.date.calendarWidget()  # type: ignore[attr-defined]
    assert window.session is not None and window.session.report.meta.year == 2024
    QCoreApplication.sendEvent(calendar, QShowEvent())  # what the popup does when it opens
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 1)  # a 2024 report is signed in January 2025
    window.session.set_meta("year", None)
    QCoreApplication.sendEvent(calendar, QShowEvent())
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())


def test_the_users_own_problems_list_height_comes_back(qtbot: Any, settings: Any, tmp_path: Path) -> None:
    first = MainWindow(settings, tmp_path / "rec1")
    qtbot.addWidget(first)
    first.set_session(DocumentSession(Report.blank(load_template("2021"), agency="某局", year=2024)))
    first.resize(1300, 900)
    first.show()
    qtbot.waitExposed(first)
    first.resizeDocks([first.problems], [330], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: first.problems.height() > 300)
    settings.window_state = first.saveState()
    settings.geometry = first.saveGeometry()
    first.session.undo_stack.setClean()
    first.recovery.store.release()
    second = MainWindow(settings, tmp_path / "rec2")
    qtbot.addWidget(second)
    second.set_session(DocumentSession(Report.blank(load_template("2021"), agency="某局", year=2024)))
    second.show()
    qtbot.waitExposed(second)
    qtbot.waitUntil(lambda: second.problems.height() > 300)  # not squeezed back to the default
    second.recovery.store.release()


def test_clicking_another_row_while_typing_commits_and_goes_exactly_there(qtbot: Any, zeros: Report) -> None:
    view = make_view(qtbot, zeros)
    typed, clicked = CellRef("requests", "new", "legal"), CellRef("requests", "granted", "natural")
    view.select_ref(typed)
    qtbot.keyClick(view, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: view.viewport().findChild(QLineEdit) is not None)
    rect = view.visualRect(view.table_model.index_of(clicked))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: zeros.values[typed] == 4)
    assert view.current_ref() == clicked  # not the cell below it
    qtbot.keyClick(view, Qt.Key.Key_7)  # the next figure goes where the user clicked

    def new_editor() -> QLineEdit | None:
        return next((e for e in view.viewport().findChildren(QLineEdit) if e.text() == "7"), None)

    qtbot.waitUntil(lambda: new_editor() is not None)
    qtbot.keyClick(new_editor(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: zeros.values[clicked] == 7)


def test_ctrl_s_while_still_typing_in_a_cell_saves_that_figure(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                                tmp_path: Path) -> None:
    page = table(window, "requests")
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(NEW_NATURAL)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_5)  # typing, no Enter yet
    qtbot.waitUntil(lambda: page.view.viewport().findChild(QLineEdit) is not None)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "r.json")
    window.act_save.trigger()
    assert storage.load(tmp_path / "r.json").values[NEW_NATURAL] == 5
    assert not window.session.modified


def test_closing_while_still_typing_asks_to_save(qtbot: Any, window: MainWindow, dialogs_log: Any) -> None:
    page = table(window, "requests")
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(NEW_NATURAL)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: page.view.viewport().findChild(QLineEdit) is not None)
    dialogs_log.answers["ask_save_changes"] = "cancel"
    assert not window.close()
    assert "ask_save_changes" in dialogs_log.names()
    assert window.session.report.values[NEW_NATURAL] == 5
