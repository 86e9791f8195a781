"""A clerk's small frictions: new-report defaults, toolbar and status bar, the prompts, 关于 (F1),
narrative findings that select their number, file permissions from the umask."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from ui_helpers import wait_done

from importers.text import import_text
from models import storage
from models.agency import level_from_name
from models.report import Report
from models.resources import is_shipped, resource_path
from models.template import load_template
from models.values import CellRef
from ui import document_controller, theme
from ui.dialogs import show_about as real_show_about  # imported before the fixture replaces it
from ui.main_window import MainWindow, TableSectionPage, plain_text
from ui.text_edit import locate
from ui.text_section import TextSectionEditor

SAMPLE = resource_path("samples", "wulong-hrss-2021.json")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NEW_NATURAL = CellRef("requests", "new", "natural")


def type_into(window: MainWindow, ref: CellRef, text: str) -> None:
    page = window.pages[ref.section]
    assert isinstance(page, TableSectionPage)
    window.tabs.setCurrentWidget(page)
    page.view.select_ref(ref)
    page.view.table_model.setData(page.view.currentIndex(), text)


# ---------------------------------------------------------------------- new-report defaults


def test_new_report_does_not_prefill_the_open_reports_agency(window: MainWindow, dialogs_log: Any) -> None:
    from ui.dialogs import NewReportChoice

    assert window.session is not None and window.session.report.meta.agency  # a report with an agency is open
    dialogs_log.answers["ask_new_report"] = NewReportChoice("", 2024, None)
    window.documents.new_report()
    ((_, args),) = [c for c in dialogs_log.calls if c[0] == "ask_new_report"]
    assert args == ()  # nothing carried over from the report that was open


def test_a_new_report_is_first_saved_in_the_documents_folder(window: MainWindow, dialogs_log: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import NewReportChoice

    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(document_controller, "documents_folder", lambda: str(documents))
    offered: list[str] = []
    dialogs_log.answers["get_save_path"] = lambda title, suggested, filt: offered.append(suggested) or None
    window.documents.save_as()
    assert Path(offered[-1]).parent == documents
    # Once the user kept a report somewhere, that folder comes first.
    mine = tmp_path / "科室" / "年报"
    mine.mkdir(parents=True)
    dialogs_log.answers["get_save_path"] = str(mine / "本局年报.json")
    assert window.documents.save_as()
    dialogs_log.answers["ask_new_report"] = NewReportChoice("某局", 2025, None)
    window.documents.new_report()
    dialogs_log.answers["get_save_path"] = lambda title, suggested, filt: offered.append(suggested) or None
    window.documents.save_as()
    assert Path(offered[-1]).parent == mine


def test_the_bundled_sample_is_never_saved_over_nor_its_folder_offered(make_window: Any, dialogs_log: Any,
                                                                     tmp_path: Path, settings: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(document_controller, "documents_folder", lambda: str(documents))
    sample = tmp_path / "program" / "resources" / "samples" / SAMPLE.name
    sample.parent.mkdir(parents=True)
    shutil.copy(SAMPLE, sample)
    monkeypatch.setattr("models.resources.resources_root", lambda: tmp_path / "program" / "resources")
    assert is_shipped(sample) and not is_shipped(documents)
    window = make_window(None)
    assert window.documents.open_file(str(sample))
    assert settings.last_dir != str(sample.parent)  # the program's folder is no folder of the user's
    assert not list(sample.parent.glob(".~lock.*"))  # nor is an owner file written into it
    before = sample.read_bytes()
    type_into(window, NEW_NATURAL, "3")
    offered: list[str] = []
    dialogs_log.answers["get_save_path"] = lambda title, suggested, filt: offered.append(suggested) or None
    assert not window.documents.save()  # Ctrl+S on the sample asks where to keep the user's copy
    assert Path(offered[-1]).parent == documents
    assert sample.read_bytes() == before


def test_the_level_is_kept_when_the_title_names_a_government() -> None:
    assert level_from_name("淮安市人民政府") == "municipal"
    assert level_from_name("重庆市武隆区人民政府") == "county"
    assert level_from_name("某某县人民政府") == "county"
    assert level_from_name("上海市人民政府") == "provincial"
    assert level_from_name("江苏省人民政府") == "provincial"
    assert level_from_name("某某镇人民政府") == "township"
    assert level_from_name("某某街道办事处") == "township"
    assert level_from_name("重庆市武隆区人力资源和社会保障局") is None  # a department: not clear
    assert level_from_name("淮安市人民政府办公室") is None
    huaian = import_text((FIXTURES / "huaian-city-2024.txt").read_text(encoding="utf-8"))
    assert huaian.report.meta.level == "municipal"
    wulong = import_text((FIXTURES / "wulong-hrss-2021.txt").read_text(encoding="utf-8"))
    assert wulong.report.meta.level is None


# ---------------------------------------------------------------------- toolbar and status bar


def test_toolbar_buttons_carry_no_mnemonic_and_tooltips_name_the_shortcut(window: MainWindow) -> None:
    for action in window.toolbar.actions():
        if action.isSeparator():
            continue
        button = window.toolbar.widgetForAction(action)
        assert button is not None
        assert "(" not in button.text() and "&" not in button.text() and "…" not in button.text(), button.text()
    assert window.toolbar.widgetForAction(window.act_fill).text() == "填写合计"
    assert window.act_fill.toolTip().startswith("填写合计（F9）")
    assert "Ctrl+S" in window.act_save.toolTip()
    assert plain_text("清除内容(&D)\tDel") == "清除内容" and plain_text("打开(&O)…") == "打开"


def test_undo_redo_and_import_have_their_own_icons(window: MainWindow) -> None:
    assert window.act_undo.icon().cacheKey() == theme.action_icon("undo").cacheKey()
    assert window.act_redo.icon().cacheKey() == theme.action_icon("redo").cacheKey()
    assert window.act_import.icon().cacheKey() == theme.action_icon("import").cacheKey()
    assert window.act_import.icon().cacheKey() != window.act_next.icon().cacheKey()
    assert window.act_import in window.toolbar.actions()
    assert not window.act_undo.icon().pixmap(20, 20).toImage().isNull()


def test_status_messages_go_when_undone_or_put_right(qtbot: Any, window: MainWindow) -> None:
    zeros = window.session.report  # type: ignore[union-attr]
    zeros.values[NEW_NATURAL] = 5
    window.tabs.setCurrentWidget(window.pages["requests"])
    window.fill_totals()
    assert window.statusBar().currentMessage().startswith("已填写")
    window.act_undo.trigger()
    assert window.statusBar().currentMessage() == ""  # the message of what was undone goes
    view = window.current_view()
    assert view is not None
    view.select_ref(NEW_NATURAL)
    messages: list[str] = []
    view.statusMessage.connect(window.show_message)
    view.table_model.editRejected.connect(messages.append)
    view.table_model.setData(view.currentIndex(), "2.5")
    assert "不是整数" in window.statusBar().currentMessage()
    view.table_model.setData(view.currentIndex(), "2")
    assert window.statusBar().currentMessage() == ""  # a valid entry replaces the old complaint
    # One message at a time: the cell's own line gives way while a message shows.
    window.show_message("甲")
    window.show_message("乙")
    assert window.statusBar().currentMessage() == "乙"
    assert not window.cell_label.isVisible()
    window.statusBar().clearMessage()
    assert window.cell_label.isVisible()


def test_the_save_prompt_names_what_is_about_to_happen(qtbot: Any, window: MainWindow, dialogs_log: Any, tmp_path: Path) -> None:
    type_into(window, NEW_NATURAL, "3")
    dialogs_log.answers["ask_save_changes"] = "cancel"
    other = tmp_path / "other.json"
    storage.save(Report.blank(load_template("2021"), agency="某局", year=2024), other)
    window.documents.open_file(str(other))
    wait_done(qtbot, window.documents.import_path(str(FIXTURES / "wulong-hrss-2021.txt")))
    assert not window.documents.close_requested()
    befores = [args[1] for name, args in dialogs_log.calls if name == "ask_save_changes"]
    assert befores == ["打开其他文件前", "导入前", "关闭前"]


def test_the_published_title_shows_whole(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    session.set_meta("title", "重庆市武隆区人力资源和社会保障局关于2021年政府信息公开工作年度报告（含区属各事业单位、"
                              "各街道人力资源和社会保障所）的公告")
    meta = window.pages[""]
    window.tabs.setCurrentWidget(meta)
    QApplication.processEvents()
    label = meta.published  # type: ignore[attr-defined]
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()  # two lines, whole


def test_the_note_placeholder_says_注_once(window: MainWindow) -> None:
    page = window.pages["appeals"]
    assert isinstance(page, TableSectionPage) and page.note is not None
    assert page.note.placeholderText().count("注") == 1


def test_f1_opens_about_with_the_version_and_the_shortcut_list(qtbot: Any, window: MainWindow,
                                                              dialogs_log: Any) -> None:
    from models.version import VERSION

    assert any(k.toString() == "F1" for k in window.act_about.shortcuts())
    window.act_about.trigger()
    ((_, args),) = [c for c in dialogs_log.calls if c[0] == "show_about"]
    version, template, keys = args
    assert version == VERSION and "国办公开办函〔2021〕30号" in template
    listed = dict((what, key) for key, what in keys)
    assert listed["填写合计"] == "F9" and listed["下一个问题"] == "F8" and "Ctrl+S" in listed["保存"]
    assert any("Enter" in key for key, _ in keys)


def test_about_dialog_lists_the_keys(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget

    shown: list[QDialog] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: shown.append(self) or 0)
    real_show_about(None, "9.9", "某格式", [("F9", "填写合计")])
    table = shown[0].findChild(QTableWidget, "shortcuts")
    assert table is not None and table.item(0, 0).text() == "F9" and table.item(0, 1).text() == "填写合计"


# ---------------------------------------------------------------------- narrative findings


def test_clicking_a_narrative_finding_selects_the_number_in_the_text(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    session.set_text("overview", "2024年，本机关共收到政府信息公开申请 １２ 件，均已按时答复。")
    finding = next(f for f in session.result.for_section("overview") if f.rule == "narrative.numbers")
    window.problems.select_finding(finding.key)
    window.show_finding(finding)
    page = window.pages["overview"]
    assert isinstance(page, TextSectionEditor) and window.tabs.currentWidget() is page
    assert page.editor.textCursor().selectedText() == "１２"
    assert page.editor.hasFocus()


def test_locate_compares_as_the_checker_reads() -> None:
    text = "第一段。\n共收到申请 １２ 件。"
    start, end = locate(text, "收到申请12件")  # type: ignore[misc]
    assert text[start:end] == "收到申请 １２ 件"
    assert locate(text, "没有的话") is None


# ---------------------------------------------------------------------- files and the umask


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_files_the_editor_writes_get_the_users_umask(window: MainWindow, dialogs_log: Any, tmp_path: Path,
                                                    qtbot: Any) -> None:
    target = tmp_path / "报告.json"
    dialogs_log.answers["get_save_path"] = str(target)
    assert window.documents.save_as()
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~storage._umask()
    pdf = tmp_path / "报告.pdf"
    dialogs_log.answers["get_save_path"] = str(pdf)
    task = window.documents.export(".pdf")
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o666 & ~storage._umask()
