"""An empty 一、总体情况 is a warning, like 五 and 六: the template says which sections are
required (``required``), and the editor shows it as the clerk empties or fills the text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ui.main_window import MainWindow
from ui.text_section import TextSectionEditor


def open_problems(window: MainWindow, section: str) -> list[Any]:
    assert window.session is not None
    return [f for f in window.session.result.for_section(section) if f.is_open and f.severity == "warning"]


def test_emptying_the_overview_is_a_warning_and_filling_it_clears_it(qtbot: Any, window: MainWindow) -> None:
    assert window.session is not None
    template = window.session.report.template
    assert [s.key for s in template.sections if s.required] == ["overview", "problems", "other"]
    page = window.pages["overview"]
    assert isinstance(page, TextSectionEditor)
    index = window.tabs.indexOf(page)
    window.tabs.setCurrentWidget(page)
    assert not open_problems(window, "overview") and window.tabs.tabText(index) == "一、总体情况"
    page.editor.setFocus()
    page.editor.selectAll()
    qtbot.keyClick(page.editor, Qt.Key.Key_Delete)  # the clerk clears 一
    (warning,) = open_problems(window, "overview")
    assert warning.rule == "sections.empty" and "总体情况" in warning.message
    assert window.tabs.tabText(index) == "一、总体情况（1）"
    listed = [window.problems.model.finding(r) for r in range(window.problems.model.rowCount())]
    assert warning.key in [f.key for f in listed if f is not None]
    page.editor.insertPlainText("本年度共主动公开政府信息120条。")
    assert not open_problems(window, "overview") and window.tabs.tabText(index) == "一、总体情况"


def test_a_template_that_does_not_require_the_overview_gives_no_warning(window: MainWindow) -> None:
    from dataclasses import replace

    from models.checker import Checker

    assert window.session is not None
    report = window.session.report
    template = report.template
    lenient = [replace(s, required=False) if s.key == "overview" else s for s in template.sections]
    relaxed = replace(template, sections=tuple(lenient), _sections={s.key: s for s in lenient})
    report.texts["overview"] = ""
    assert any(f.rule == "sections.empty" for f in Checker(template).check(report).for_section("overview"))
    assert not any(f.rule == "sections.empty" for f in Checker(relaxed).check(report).for_section("overview"))
