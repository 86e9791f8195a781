"""Tabs not shown at start-up are built when first visited (start-up speed, issue 8), and then
behave exactly as if they had been there from the start: the report's current text, undo and redo,
the problems list, the window's undo keys, messages of the text limit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from models.limits import MAX_TEXT_CHARS
from models.values import CellRef
from ui.main_window import MainWindow, TableSectionPage
from ui.text_section import TextSectionEditor

TEXT = "本年度共收到政府信息公开申请3件。"


def _page(window: MainWindow, key: str) -> Any:
    page = window.pages[key]
    assert isinstance(page, TableSectionPage | TextSectionEditor)
    return page


def test_only_the_tab_shown_is_built_at_start(window: MainWindow) -> None:
    shown = window.tabs.currentWidget()
    for key, page in window.pages.items():
        if isinstance(page, TableSectionPage | TextSectionEditor):
            assert page.built == (page is shown), key
    assert not any(isinstance(w, TextSectionEditor) and w.built for w in window.pages.values() if w is not shown)


def test_a_text_changed_before_its_tab_is_built_shows_when_visited_and_undoes(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    page = _page(window, "problems")
    assert not page.built
    before = session.report.text("problems")
    session.set_text("problems", TEXT + "\n" + before)  # as an import or a restored recovery file would
    assert not page.built  # nothing built for a tab nobody looks at
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.editor.isVisible())
    assert page.built and page.editor.toPlainText() == TEXT + "\n" + before
    assert page.count.text().startswith("2 段")
    window.tabs.setCurrentIndex(0)
    window.act_undo.trigger()
    assert session.report.text("problems") == before and page.editor.toPlainText() == before
    assert window.tabs.currentWidget() is page  # undo shows where the change was
    window.act_redo.trigger()
    assert page.editor.toPlainText() == TEXT + "\n" + before


def test_undo_of_a_change_made_while_its_tab_was_never_built_builds_and_shows_it(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    page = _page(window, "other")
    before = session.report.text("other")
    session.set_text("other", TEXT)
    assert not page.built
    window.act_undo.trigger()
    assert window.tabs.currentWidget() is page
    assert page.built and page.editor.toPlainText() == before == session.report.text("other")


def test_typing_in_a_tab_built_late_is_one_undo_step_through_the_window(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    page = _page(window, "other")
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.editor.isVisible())
    before = session.report.text("other")
    page.editor.setFocus()
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    page.editor.insertPlainText("另有说明。")  # what a Chinese input method commits
    assert session.report.text("other") == before + "另有说明。"
    assert session.undo_stack.count() == 1
    qtbot.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the window's undo
    assert session.report.text("other") == before == page.editor.toPlainText()


def test_a_finding_on_an_unbuilt_tab_is_reached_from_the_problems_list(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    table, text = _page(window, "requests"), _page(window, "problems")
    session.set_cells({CellRef("requests", "new", "natural"): 5}, "输入")  # its total (still 0) is now wrong
    session.set_text("problems", "")  # an empty 五 is a warning
    assert not table.built and not text.built
    in_table = next(f for f in session.result.open() if f.section == "requests" and f.anchor is not None)
    window.show_finding(in_table)
    assert window.tabs.currentWidget() is table and table.built
    assert table.view.currentIndex().isValid()  # the cell is selected
    in_text = next(f for f in session.result.open() if f.section == "problems")
    window.show_finding(in_text)
    assert window.tabs.currentWidget() is text and text.built
    qtbot.waitUntil(text.editor.hasFocus)


def test_the_limit_message_reaches_the_status_bar_from_a_tab_built_late(qtbot: Any, window: MainWindow) -> None:
    page = _page(window, "problems")
    window.session.set_text("problems", "文" * (MAX_TEXT_CHARS - 2))  # before the tab is built
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.editor.isVisible())
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    QApplication.clipboard().setText("一二三四五")
    page.editor.paste()
    assert window.session.report.text("problems").endswith("文一二")
    assert "上限" in window.statusBar().currentMessage()
