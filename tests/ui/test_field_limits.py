"""The GUI's fields stop at the limits a report file can hold and show a counter near them
(issue 7, item 2): nobody can type a report that saves but does not open again."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from models import limits, storage
from ui.main_window import MainWindow
from ui.meta_tab import MetaTab
from ui.text_section import TextSectionEditor


def test_the_agency_field_stops_at_its_limit_with_a_counter(qtbot: Any, window: MainWindow) -> None:
    meta = window.pages[""]
    assert isinstance(meta, MetaTab)
    window.tabs.setCurrentWidget(meta)
    assert meta.agency.maxLength() == limits.MAX_AGENCY_CHARS
    assert not meta.agency_counter.isVisible()
    meta.agency.selectAll()
    QApplication.clipboard().setText("某" * (limits.MAX_AGENCY_CHARS + 40))
    meta.agency.paste()
    assert len(window.session.report.meta.agency) == limits.MAX_AGENCY_CHARS
    assert meta.agency_counter.isVisible() and "已达上限 200 字" in meta.agency_counter.text()
    meta.agency.backspace()
    meta.agency.backspace()
    assert "还可输入 2 字" in meta.agency_counter.text()


def test_a_narrative_takes_only_what_fits_at_the_cursor(qtbot: Any, window: MainWindow, tmp_path: Any) -> None:
    page = window.pages["problems"]
    assert isinstance(page, TextSectionEditor)
    window.tabs.setCurrentWidget(page)
    start = "首" + "文" * (limits.MAX_TEXT_CHARS - 10) + "尾"  # 8 characters of room left
    window.session.set_text("problems", start)
    editor = page.editor
    assert editor.toPlainText() == start
    assert page.counter.isVisible() and "还可输入 8 字" in page.counter.text()
    cursor = editor.textCursor()
    cursor.setPosition(1)
    editor.setTextCursor(cursor)
    QApplication.clipboard().setText("一二三四五六七八九十")
    editor.paste()
    text = window.session.report.text("problems")
    assert len(text) == limits.MAX_TEXT_CHARS
    assert text.startswith("首一二三四五六七八文") and text.endswith("文尾")
    assert "已达上限" in page.counter.text() and "九十" not in text
    assert "上限" in window.statusBar().currentMessage()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText("再多一字")  # typing (an input method's commit) at a full field: nothing
    assert window.session.report.text("problems") == text
    # and what the field let in is a report that saves and opens again
    dialogs_path = tmp_path / "满.json"
    storage.save(window.session.report, dialogs_path)
    assert storage.load(dialogs_path).text("problems") == text


def test_the_counter_stays_hidden_far_from_the_limit(qtbot: Any, window: MainWindow) -> None:
    page = window.pages["overview"]
    assert isinstance(page, TextSectionEditor)
    window.tabs.setCurrentWidget(page)
    assert not page.counter.isVisible()
    assert page.preface is not None and not page.preface.counter.isVisible()


def test_a_table_note_stops_at_its_limit(qtbot: Any, window: MainWindow) -> None:
    page = window.pages["appeals"]
    assert page.note is not None  # type: ignore[attr-defined]
    assert page.note.maxLength() == limits.MAX_TEXT_CHARS  # type: ignore[attr-defined]
