"""The main window driven as a user would: tabs, title, problems, files, recovery, menus."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from ui_helpers import wait_done

from models import storage
from models.findings import Finding
from models.report import Report
from models.template import load_template
from models.values import CellRef
from ui import theme
from ui.main_window import MainWindow, TableSectionPage
from ui.section_model import SectionTableModel
from ui.text_section import TextSectionEditor

ROOT = Path(__file__).resolve().parents[2]
NEW_NATURAL = CellRef("requests", "new", "natural")
NEW_TOTAL = CellRef("requests", "new", "total")


def model(window: MainWindow, section: str = "requests") -> SectionTableModel:
    page = window.pages[section]
    assert isinstance(page, TableSectionPage)
    return page.model


def type_value(window: MainWindow, ref: CellRef, text: str) -> bool:
    m = model(window, ref.section)
    return m.setData(m.index_of(ref), text)


def test_one_tab_per_section_and_basic_data(window: MainWindow) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["基本信息", "一、总体情况", "二、主动公开", "三、依申请公开", "四、复议诉讼", "五、问题与改进", "六、其他事项"]
    assert isinstance(window.pages["overview"], TextSectionEditor)
    assert isinstance(window.pages["requests"], TableSectionPage)


def test_title_shows_agency_year_and_modified_star(window: MainWindow) -> None:
    assert window.windowTitle() == "某某区某某局2024年政府信息公开工作年度报告[*] — 年报编辑器"
    assert not window.isWindowModified()
    type_value(window, NEW_NATURAL, "1")
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert not window.isWindowModified()


def test_tab_titles_count_problems_and_status_bar_summarises(window: MainWindow) -> None:
    assert window.summary_label.text() == "未发现问题"
    type_value(window, NEW_NATURAL, "5")
    requests_tab = window.tabs.indexOf(window.pages["requests"])
    n = len([f for f in window.session.result.for_section("requests") if f.severity in ("error", "warning")])
    assert n >= 2
    assert window.tabs.tabText(requests_tab) == f"三、依申请公开（{n}）"
    assert "个错误" in window.summary_label.text()
    type_value(window, NEW_NATURAL, "0")
    assert window.tabs.tabText(requests_tab) == "三、依申请公开"


def test_clicking_a_problem_switches_tab_and_selects_its_cell(qtbot: Any, window: MainWindow) -> None:
    type_value(window, NEW_NATURAL, "5")
    window.tabs.setCurrentIndex(0)
    panel = window.problems
    row = next(i for i in range(panel.model.rowCount())
               if panel.model.finding(i).rule == "requests.row_total")  # type: ignore[union-attr]
    rect = panel.view.visualRect(panel.model.index(row, 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_section() == "requests"
    assert window.current_view().current_ref() == NEW_TOTAL  # type: ignore[union-attr]


def test_fill_totals_action_and_undo_redo_switch_to_the_changed_tab(window: MainWindow) -> None:
    type_value(window, NEW_NATURAL, "5")
    window.tabs.setCurrentWidget(window.pages["requests"])
    window.act_fill.trigger()
    assert window.session.report.values[NEW_TOTAL] == 5
    assert window.session.equation_findings("requests") == []
    window.tabs.setCurrentIndex(0)
    window.act_undo.trigger()
    assert window.current_section() == "requests"
    assert window.session.report.values[NEW_TOTAL] == 0
    window.act_redo.trigger()
    assert window.session.report.values[NEW_TOTAL] == 5


def test_narrative_typing_goes_into_undo_and_counts_characters(qtbot: Any, window: MainWindow) -> None:
    page = window.pages["problems"]
    assert isinstance(page, TextSectionEditor)
    window.tabs.setCurrentWidget(page)
    page.editor.setFocus()
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    before = window.session.report.text("problems")
    qtbot.keyClicks(page.editor, "abc")
    assert window.session.report.text("problems") == before + "abc"
    assert str(len(before.replace(" ", "")) + 3) in page.count.text()
    assert window.session.undo_stack.count() == 1  # one step for the burst of typing
    qtbot.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the window's undo
    assert window.session.report.text("problems") == before
    assert page.editor.toPlainText() == before


def test_meta_tab_edits_change_the_title_and_undo(qtbot: Any, window: MainWindow) -> None:
    meta = window.pages[""]
    window.tabs.setCurrentWidget(meta)
    meta.agency.setFocus()  # type: ignore[attr-defined]
    meta.agency.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(meta.agency, "XY")  # type: ignore[attr-defined]
    assert window.session.report.meta.agency == "XY"
    assert window.windowTitle().startswith("XY2024年")
    meta.year.setValue(2025)  # type: ignore[attr-defined]
    assert window.session.report.meta.year == 2025
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert window.session.report.meta.agency == "某某区某某局"
    assert meta.agency.text() == "某某区某某局"  # type: ignore[attr-defined]


def test_save_then_reopen_gives_the_same_report(window: MainWindow, dialogs_log: Any, tmp_path: Path) -> None:
    type_value(window, NEW_NATURAL, "5")
    window.session.set_text("problems", "改进措施：加强培训。")
    target = tmp_path / "报告.json"
    dialogs_log.answers["get_save_path"] = str(tmp_path / "报告")  # suffix added
    assert window.documents.save()
    assert target.exists() and not window.isWindowModified()
    saved = window.session.report.copy()
    assert window.settings.recent_files[0] == str(target.resolve())
    window.session.set_cells({NEW_NATURAL: 9}, "编辑")
    dialogs_log.answers["ask_save_changes"] = "discard"
    assert window.documents.open_file(str(target))
    assert window.session.report.same_content(saved)
    assert window.session.path == target and not window.session.modified


def test_damaged_file_shows_the_loader_message_and_keeps_the_report(window: MainWindow, dialogs_log: Any,
                                                                    tmp_path: Path) -> None:
    bad = tmp_path / "坏.json"
    bad.write_text("{not json", encoding="utf-8")
    type_value(window, NEW_NATURAL, "3")
    session = window.session
    assert not window.documents.open_file(str(bad))
    assert window.session is session and session.report.values[NEW_NATURAL] == 3
    assert dialogs_log.errors and "已损坏" in dialogs_log.errors[0][1]
    assert "ask_save_changes" not in dialogs_log.names()  # nothing asked for a file that cannot open


def test_close_prompt_with_unsaved_changes(window: MainWindow, dialogs_log: Any) -> None:
    type_value(window, NEW_NATURAL, "3")
    dialogs_log.answers["ask_save_changes"] = "cancel"
    assert not window.close()
    assert window.isVisible()
    assert dialogs_log.calls[-1][0] == "ask_save_changes"
    dialogs_log.answers["ask_save_changes"] = "discard"
    assert window.close()


def test_new_report_asks_year_and_agency(window: MainWindow, dialogs_log: Any) -> None:
    from ui.dialogs import NewReportChoice

    dialogs_log.answers["ask_new_report"] = NewReportChoice("某县人民政府", 2025, "county")
    window.documents.new_report()
    meta = window.session.report.meta
    assert (meta.agency, meta.year, meta.level) == ("某县人民政府", 2025, "county")
    assert all(v is None for v in window.session.report.values.values())


def test_recovery_file_is_written_and_restored_after_a_crash(qtbot: Any, make_window: Any, zeros: Report,
                                                             dialogs_log: Any, tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    first = make_window(zeros, rec)
    type_value(first, NEW_NATURAL, "8")
    path = first.recovery.store.path
    qtbot.waitUntil(path.exists, timeout=3000)  # within about a second of the change
    # Simulate a crash: the process dies holding nothing; its lock goes, the file stays.
    first.recovery.attach(None)
    first.recovery.store.release()
    dialogs_log.answers["ask_restore"] = True
    second = make_window(None, rec)
    second.documents.start(None)
    assert "ask_restore" in dialogs_log.names()
    assert second.session.report.values[NEW_NATURAL] == 8
    assert second.session.modified and second.isWindowModified()
    # Saving cleanly removes the recovery file.
    dialogs_log.answers["get_save_path"] = str(tmp_path / "r.json")
    assert second.documents.save()
    assert not second.recovery.store.path.exists()


def test_recovery_file_removed_when_changes_are_undone(qtbot: Any, window: MainWindow) -> None:
    type_value(window, NEW_NATURAL, "8")
    path = window.recovery.store.path
    qtbot.waitUntil(path.exists, timeout=3000)
    window.act_undo.trigger()
    assert not path.exists()


def test_start_opens_the_last_file(make_window: Any, settings: Any, zeros: Report, tmp_path: Path) -> None:
    target = tmp_path / "last.json"
    storage.save(zeros, target)
    settings.last_file = str(target)
    w = make_window(None)
    w.documents.start(None)
    assert w.session.path == target and w.session.report.same_content(zeros)


def test_accept_a_warning_from_the_panel_saves_the_explanation(window: MainWindow, dialogs_log: Any,
                                                               tmp_path: Path) -> None:
    cell = CellRef("appeals", "data", "review.upheld")
    type_value(window, cell, "")
    panel = window.problems
    row = next(i for i in range(panel.model.rowCount()) if panel.model.finding(i).rule == "value.missing")  # type: ignore[union-attr]
    panel.view.selectRow(row)
    dialogs_log.answers["ask_explanation"] = "本年未统计该项"
    panel.accept_button.click()
    f = next(f for f in window.session.result.sorted() if f.rule == "value.missing")
    assert f.accepted and f.explanation == "本年未统计该项"
    assert panel.model.data(panel.model.index(panel.model.row_of(f.key), 0)) == "已接受"
    m = model(window, "appeals")
    assert m.data(m.index_of(cell), Qt.ItemDataRole.BackgroundRole) is None  # accepted: no longer tinted
    dialogs_log.answers["get_save_path"] = str(tmp_path / "a.json")
    window.documents.save()
    assert storage.load(tmp_path / "a.json").acceptances[0].explanation == "本年未统计该项"
    panel.select_finding(f.key)
    panel.withdraw_button.click()
    assert window.session.result.get(f.key).is_open  # type: ignore[union-attr]


def test_import_shows_a_summary_and_leaves_the_report_unsaved(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                              monkeypatch: Any, tmp_path: Path) -> None:
    import importers

    src = tmp_path / "年报.txt"
    src.write_text("x", encoding="utf-8")
    imported = Report.blank(load_template("2021"), agency="某某局", year=2022)
    note = Finding("value.unit_text", "info", "proactive", (), None, None, "68.64万元", "读到了单位", key="k")
    monkeypatch.setattr(importers, "read_report", lambda p: importers.ImportResult(imported, [note]))
    dialogs_log.answers["get_open_path"] = str(src)
    dialogs_log.answers["ask_save_changes"] = "discard"
    wait_done(qtbot, window.documents.import_text())
    assert window.session.report is imported
    assert window.session.modified and window.session.path is None
    summary = [args for name, args in dialogs_log.calls if name == "show_import_summary"]
    assert summary == [("年报.txt", [note])]


def test_import_failure_keeps_the_current_report(qtbot: Any, window: MainWindow, dialogs_log: Any, monkeypatch: Any) -> None:
    import importers

    def fail(p: Any) -> Any:
        raise importers.ImportFailed("“x.txt”不像一份年度报告")

    monkeypatch.setattr(importers, "read_report", fail)
    session = window.session
    dialogs_log.answers["get_open_path"] = "x.txt"
    wait_done(qtbot, window.documents.import_text())
    assert window.session is session
    assert dialogs_log.errors[-1] == ("无法导入", "“x.txt”不像一份年度报告")


def test_export_asks_before_exporting_a_report_with_errors(window: MainWindow, dialogs_log: Any) -> None:
    type_value(window, NEW_NATURAL, "5")
    n = len(window.session.result.errors)
    dialogs_log.answers["ask_yes_no"] = False
    assert window.documents.export(".pdf") is None
    name, args = dialogs_log.calls[-1]
    assert name == "ask_yes_no" and args[1] == f"还有 {n} 个错误，仍要导出吗？"


def test_export_runs_in_the_background_on_a_snapshot(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                     monkeypatch: Any, tmp_path: Path) -> None:
    import threading

    import exporters

    seen: dict[str, Any] = {}

    def fake_write(report: Report, path: Any, **options: Any) -> None:
        seen["thread"] = threading.current_thread() is threading.main_thread()
        seen["copy"] = report is not window.session.report
        Path(path).write_bytes(b"PK fake")

    monkeypatch.setattr(exporters, "write_report", fake_write)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "out")
    task = window.documents.export(".xlsx")
    assert task is not None
    assert not window.act_export_pdf.isEnabled()  # no second export while one runs
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert (tmp_path / "out.xlsx").exists()
    assert seen == {"thread": False, "copy": True}
    assert window.act_export_pdf.isEnabled()
    assert not dialogs_log.errors


def test_real_pdf_export_with_check_page(qtbot: Any, window: MainWindow, dialogs_log: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    type_value(window, NEW_NATURAL, "5")
    dialogs_log.answers["ask_yes_no"] = True  # export despite the errors
    dialogs_log.answers["get_save_path"] = str(tmp_path / "report.pdf")
    window.act_check_page.setChecked(True)
    task = window.documents.export(".pdf")
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "校验说明" in text
    first_error = window.session.result.errors[0].message
    assert first_error[:12] in text.replace("\n", "")


@pytest.mark.parametrize("action", ["export", "print"])
def test_a_failing_exporter_is_named_as_it_is(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                               monkeypatch: Any, tmp_path: Path, action: str) -> None:
    import exporters

    def missing(*args: Any, **options: Any) -> Any:
        raise ModuleNotFoundError("No module named 'exporters.pdf'", name="exporters.pdf")

    monkeypatch.setattr(exporters, "write_report", missing)
    monkeypatch.setattr(exporters, "render", missing)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "out.pdf")
    task = window.documents.export(".pdf") if action == "export" else window.documents.print_report()
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=10_000):
        pass
    title, message = dialogs_log.errors[-1]
    # every exporter ships with the editor: the error is named as it is, not as "not installed"
    assert "尚未安装" not in message and "ModuleNotFoundError" in message and "exporters.pdf" in message
    assert "报告本身不受影响" in message


def test_print_preview_failure_is_explained(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                            monkeypatch: Any) -> None:
    import exporters
    from ui import printing

    monkeypatch.setattr(exporters, "render", lambda report, suffix, **options: b"%PDF-1.4 fake")

    def unavailable(pdf: bytes) -> None:
        raise printing.PrintUnavailable("打印预览需要 PDF 页面渲染组件")

    monkeypatch.setattr(printing, "render_pages", unavailable)
    task = window.documents.print_report()
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=10_000):
        pass
    assert dialogs_log.errors[-1] == ("无法打印", "打印预览需要 PDF 页面渲染组件")


def test_print_shows_the_rendered_pages_in_a_preview(qtbot: Any, window: MainWindow, monkeypatch: Any) -> None:
    from PySide6.QtGui import QImage

    import exporters
    from ui import printing

    rendered: list[bytes] = []
    monkeypatch.setattr(exporters, "render", lambda report, suffix, **options: b"%PDF-1.4 pages")

    def pages(pdf: bytes) -> list[QImage]:
        rendered.append(pdf)
        return [QImage(10, 14, QImage.Format.Format_RGB888)] * 2

    shown: list[int] = []
    monkeypatch.setattr(printing, "render_pages", pages)
    monkeypatch.setattr(printing, "show_print_preview", lambda parent, images: shown.append(len(images)))
    task = window.documents.print_report()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert rendered == [b"%PDF-1.4 pages"] and shown == [2]


def test_error_cells_keep_their_colour_in_the_window(window: MainWindow) -> None:
    type_value(window, NEW_NATURAL, "5")
    m = model(window)
    assert m.data(m.index_of(NEW_TOTAL), Qt.ItemDataRole.BackgroundRole).color() == theme.ERROR_BG


def test_run_gui_is_importable_without_qt() -> None:
    code = "import sys, ui.app; print('PySide6' in sys.modules, callable(ui.app.run_gui))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_plain_text_editor_has_no_undo_of_its_own(window: MainWindow) -> None:
    editor = window.pages["overview"].editor  # type: ignore[attr-defined]
    assert isinstance(editor, QPlainTextEdit) and not editor.isUndoRedoEnabled()


def test_closing_during_an_export_lets_the_file_be_written(window: MainWindow, dialogs_log: Any,
                                                           monkeypatch: Any, tmp_path: Path) -> None:
    import threading

    import exporters

    release = threading.Event()

    def slow_write(report: Report, path: Any, **options: Any) -> None:
        release.wait(5)  # still running when the window is closed
        Path(path).write_bytes(b"PK done")

    monkeypatch.setattr(exporters, "write_report", slow_write)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "out.xlsx")
    task = window.documents.export(".xlsx")
    assert task is not None and task.running
    threading.Timer(0.2, release.set).start()
    window.close()
    assert (tmp_path / "out.xlsx").read_bytes() == b"PK done"


def test_problems_list_shows_errors_before_warnings(window: MainWindow) -> None:
    type_value(window, CellRef("proactive", "licensing", "decisions"), "")  # a warning in 二, early in the report
    type_value(window, NEW_NATURAL, "5")  # errors in 三, later in the report
    model = window.problems.model
    severities = [model.finding(r).severity for r in range(model.rowCount())]
    assert severities[0] == "error" and "warning" in severities
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
