"""The 导语 field on 一's tab: typing goes into the report and the undo stack, undo from another
tab brings the field back into view, and the saved file holds it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from models.report import PREFACE
from ui.main_window import MainWindow
from ui.text_section import TextSectionEditor


def test_the_preface_field_sits_on_the_first_tab_above_the_overview(qtbot: Any, window: MainWindow) -> None:
    page = window.pages["overview"]
    assert isinstance(page, TextSectionEditor) and page.preface is not None
    others = [p for k, p in window.pages.items() if isinstance(p, TextSectionEditor) and k != "overview"]
    assert others and all(p.preface is None for p in others)
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(page.preface.isVisible)
    assert page.preface.geometry().bottom() < page.editor.geometry().top()  # above 一's own text
    lines = page.preface.editor.height() / page.preface.editor.fontMetrics().lineSpacing()
    assert 3 <= lines < 5  # compact: the overview keeps the room


def test_typing_a_preface_is_one_undo_step_and_is_saved(qtbot: Any, window: MainWindow, tmp_path: Path,
                                                        dialogs_log: Any) -> None:
    page = window.pages["overview"]
    assert isinstance(page, TextSectionEditor) and page.preface is not None
    field = page.preface.editor
    window.tabs.setCurrentWidget(page)
    field.setFocus()
    field.insertPlainText("本报告根据条例编制。")  # what a Chinese input method commits
    session = window.session
    assert session is not None
    assert session.report.preface == "本报告根据条例编制。"
    assert session.report.text("overview") == "本年共收到政府信息公开申请0件。"  # untouched
    assert session.undo_stack.count() == 1
    target = tmp_path / "带导语.json"
    dialogs_log.answers["get_save_path"] = str(target)
    assert window.documents.save()
    assert json.loads(target.read_text(encoding="utf-8"))["sections"][PREFACE] == {"text": "本报告根据条例编制。"}
    window.tabs.setCurrentIndex(3)  # elsewhere
    window.act_undo.trigger()
    assert session.report.preface == "" and field.toPlainText() == ""
    assert window.tabs.currentWidget() is page  # undo shows where the change was
    window.act_redo.trigger()
    assert field.toPlainText() == "本报告根据条例编制。"
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the window's undo, from the field
    assert session.report.preface == ""
