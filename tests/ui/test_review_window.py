"""文件 → 审核文件夹… and 文件 → 汇总多个报告…, driven as the 政务公开办 would."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "batch"))

from review_tree import EDU, HUAIAN, WRONG, build, unit_report  # noqa: E402

from models import storage  # noqa: E402
from models.review import ERRORS, MISSING, PASSED, UNREADABLE  # noqa: E402
from ui.review_models import ReviewTableModel  # noqa: E402
from ui.review_window import ReviewWindow  # noqa: E402

pytestmark = pytest.mark.gui
AGENCY = "某某市某某区人民政府"
WRONG_PLACE = "表三 “（七）总计”×“自然人”"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("review-ui"))


def finished(qtbot: Any, review: ReviewWindow, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not review.running and review.model.rowCount() > 0, timeout=timeout)


def shown_rows(review: ReviewWindow) -> list[tuple[str, str, str]]:
    """(status, unit, year) of the rows the filters let through, as displayed."""
    out = []
    for r in range(review.proxy.rowCount()):
        cells = [review.proxy.index(r, c).data() for c in (0, 1, 2)]
        out.append(tuple(cells))
    return out  # type: ignore[return-value]


def type_text(line: Any, text: str) -> None:
    """Type CJK text one character at a time (QTest.keyClicks takes Latin-1 only)."""
    for ch in text:
        line.insert(ch)


def select(review: ReviewWindow, agency: str, year: int) -> None:
    for r in range(review.proxy.rowCount()):
        row = review.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2)
        if row.agency == agency and row.year == year:
            review.table.setCurrentIndex(review.proxy.index(r, 0))
            return
    raise AssertionError(f"{agency} {year} not listed")


@pytest.fixture
def review(qtbot: Any, window: Any, tree: Path) -> ReviewWindow:
    rw = window.desk.open_review([str(tree)], workers=1)
    qtbot.addWidget(rw)
    finished(qtbot, rw)
    return rw


def test_menu_has_the_desk_entries(window: Any) -> None:
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "审核文件夹(&V)…" in texts and "汇总多个报告(&U)…" in texts


def test_review_window_lists_every_report_the_missing_year_and_unreadable_files(review: ReviewWindow) -> None:
    rows = review.model.rows
    assert len(rows) == 8 + 1 + 2
    assert [(r.agency, r.year) for r in rows if r.status == MISSING] == [(HUAIAN, 2023)]
    assert [(r.agency, r.year) for r in rows if r.status == ERRORS] == [(EDU, 2024)]
    assert sum(1 for r in rows if r.status == PASSED) == 7
    unreadable = [r for r in rows if r.status == UNREADABLE]
    assert {Path(r.shown).name for r in unreadable} == {"损坏的报告.json", "说明.doc"}
    assert all(r.reason for r in unreadable)
    # statuses carry an icon, a colour and a mark: never colour alone
    index = review.model.index(next(i for i, r in enumerate(rows) if r.status == MISSING), ReviewTableModel.STATUS)
    assert index.data() == "未提交"
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#c00000"
    assert "未提交" in review.summary.text() and "有错误" in review.summary.text()


def test_matrix_marks_the_years_not_submitted(review: ReviewWindow) -> None:
    m = review.matrix
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())] == [
        "单位", "2022年", "2023年", "2024年", "未提交年数"]
    units = {m.index(r, 0).data(): [m.index(r, c).data() for c in range(1, 5)] for r in range(m.rowCount())}
    assert units[HUAIAN] == ["通过", "未提交", "通过", "1"]
    assert units[EDU] == ["通过", "通过", "有错误", "0"]
    review.only_missing.setChecked(True)
    assert review.matrix_proxy.rowCount() == 1 and review.tabs.currentIndex() == 1


def test_filters_by_unit_as_you_type_status_and_year(qtbot: Any, review: ReviewWindow) -> None:
    type_text(review.unit_filter, "教")
    assert {row[1] for row in shown_rows(review)} == {EDU}  # filtered from the first character
    type_text(review.unit_filter, "育")
    assert {row[1] for row in shown_rows(review)} == {EDU}
    assert len(shown_rows(review)) == 3
    assert review.matrix_proxy.rowCount() == 1  # the matrix follows the same filter
    assert "显示 3 / 共 11 行" in review.shown_label.text()
    review.unit_filter.clear()
    type_text(review.unit_filter, "淮安")
    review.year_filter.setCurrentIndex(review.year_filter.findData(2023))
    assert shown_rows(review) == [("未提交", HUAIAN, "2023")]
    review.unit_filter.clear()
    review.year_filter.setCurrentIndex(0)
    review.status_filter.setCurrentIndex(review.status_filter.findData(ERRORS))
    assert shown_rows(review) == [("有错误", EDU, "2024")]


def test_sorting_by_errors(review: ReviewWindow) -> None:
    review.table.sortByColumn(ReviewTableModel.ERRS, Qt.SortOrder.DescendingOrder)
    assert shown_rows(review)[0] == ("有错误", EDU, "2024")


def test_problems_of_the_selected_report_by_table_and_cell(qtbot: Any, review: ReviewWindow) -> None:
    select(review, EDU, 2024)
    qtbot.waitUntil(lambda: review.problems.rowCount() > 0, timeout=10_000)
    rows = review.problem_rows()
    assert any(r.startswith(f"{WRONG_PLACE}：") for r in rows)
    first = review.problems.index(0, 0)
    assert first.data() == "错误" and first.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "错误 3" in review.problems_title.text()


def test_double_click_opens_the_report_at_its_first_problem(qtbot: Any, review: ReviewWindow, window: Any) -> None:
    select(review, EDU, 2024)
    review.open_selected()
    assert window.session.report.meta.agency == EDU and window.session.report.meta.year == 2024
    view = window.current_view()
    assert view is not None and window.current_section() == "requests"
    assert view.current_ref() == WRONG


def test_a_report_in_a_zip_opens_as_an_unsaved_import(qtbot: Any, review: ReviewWindow, window: Any) -> None:
    select(review, EDU, 2022)
    review.open_selected()  # read from the archive in the background
    qtbot.waitUntil(lambda: window.session.report.meta.year == 2022, timeout=30_000)
    session = window.session
    assert session.report.meta.agency == EDU and session.path is None and session.modified


def test_export_writes_the_review_workbook(qtbot: Any, review: ReviewWindow, tmp_path: Path,
                                           dialogs_log: Any) -> None:
    target = tmp_path / "审核结果.xlsx"
    dialogs_log.answers["get_save_path"] = str(target)
    review.export()
    qtbot.waitUntil(lambda: not review.running, timeout=60_000)
    assert load_workbook(target).sheetnames == ["汇总", "问题清单", "提交情况"]


def test_cancel_stops_the_review_and_keeps_what_was_listed(qtbot: Any, window: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from batch import engine

    monkeypatch.setattr(engine, "MAX_CHUNK", 8)
    check_job = engine.check_job

    def slow_check(reader: Any, job: Any, options: Any, *args: Any) -> Any:
        if not options.identify:  # a check of 400 reports takes longer than the 取消 takes to arrive
            time.sleep(0.01)
        return check_job(reader, job, options, *args)

    monkeypatch.setattr(engine, "check_job", slow_check)
    folder = tmp_path / "many"
    folder.mkdir()
    text = storage.dumps(unit_report(EDU, 2024, 2))
    for i in range(400):
        (folder / f"r{i:03d}.json").write_text(text.replace(EDU, f"{EDU}{i:03d}"), encoding="utf-8")
    rw = window.desk.open_review([str(folder)], workers=1)
    qtbot.addWidget(rw)
    assert rw.running_row.isVisible() and rw.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: rw.model.rowCount() > 0, timeout=30_000)
    rw.cancel()
    qtbot.waitUntil(lambda: not rw.running, timeout=30_000)
    assert 0 < rw.model.rowCount() < 400
    assert "已取消" in rw.summary.text()
    assert not rw.running_row.isVisible()


def test_cancel_while_a_worker_is_stuck_returns_the_window_to_idle(qtbot: Any, window: Any, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """取消 works while a chunk is in flight on the pool, even when its worker never returns."""
    import time

    import pool_faults

    from batch import engine

    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "MAX_CHUNK", 8)
    monkeypatch.setattr(engine, "run_chunk", pool_faults.stall_on_marked)
    folder = tmp_path / "stuck"
    folder.mkdir()
    text = storage.dumps(unit_report(EDU, 2024, 2))
    for i in range(40):
        name = f"r{i:03d}-stall.json" if i == 20 else f"r{i:03d}.json"  # its chunk never ends
        (folder / name).write_text(text.replace(EDU, f"{EDU}{i:03d}"), encoding="utf-8")
    rw = window.desk.open_review([str(folder)], workers=2)
    qtbot.addWidget(rw)
    qtbot.waitUntil(lambda: rw.model.rowCount() > 0, timeout=60_000)  # the chunks before the stuck one
    qtbot.wait(500)
    asked = time.monotonic()
    rw.cancel()
    qtbot.waitUntil(lambda: not rw.running, timeout=15_000)
    assert time.monotonic() - asked < 10
    assert "已取消" in rw.summary.text() and not rw.running_row.isVisible()
    assert 0 < rw.model.rowCount() <= 20
    assert pool_faults.no_pool_left(timeout=5.0)  # the stuck worker was killed: the editor can exit


def run_to_end(qtbot: Any, task: Any, ends: str = "finished", timeout: int = 60_000) -> None:
    """Wait for a background task to end with its signal ``ends`` (finished, failed, cancelled):
    the signal itself, not a flag polled or a sleep."""
    assert task is not None
    with qtbot.waitSignal(getattr(task, ends), timeout=timeout):
        pass
    assert not task.running


def test_rollup_dialog_sums_a_folder_and_refuses_mixed_years(qtbot: Any, window: Any, tmp_path: Path,
                                                             dialogs_log: Any) -> None:
    folder = tmp_path / "2024"
    folder.mkdir()
    for i, name in enumerate((EDU, HUAIAN), start=1):
        storage.save(unit_report(name, 2024, i), folder / f"{i}.json")
    dialog = window.desk.rollup()
    qtbot.addWidget(dialog)
    dialogs_log.answers["get_folder"] = str(folder)
    dialog.add_folder()
    type_text(dialog.agency, "某某县人民政府")
    out = tmp_path / "汇总.xlsx"
    dialog.output.setText(str(out))
    run_to_end(qtbot, dialog.run())
    assert out.exists() and "分单位明细" in load_workbook(out).sheetnames
    assert "已把 2 个单位" in dialog.messages.toPlainText() and dialog.open_button.isEnabled()
    dialog.open_button.click()  # a workbook: imported in the background
    run_to_end(qtbot, window.documents._task)
    assert window.session.report.meta.agency == "某某县人民政府" and window.session.path is None
    # another year in the folder: refused, nothing written
    storage.save(unit_report("某某镇人民政府", 2023), folder / "old.json")
    out2 = tmp_path / "汇总2.json"
    dialog.output.setText(str(out2))
    run_to_end(qtbot, dialog.run(), "failed")
    assert "年度不一致" in dialog.messages.toPlainText() and not out2.exists()


def test_rollup_dialog_adds_several_reports_at_once(qtbot: Any, window: Any, tmp_path: Path,
                                                   dialogs_log: Any) -> None:
    paths = []
    for i, name in enumerate((EDU, HUAIAN, AGENCY), start=1):
        storage.save(unit_report(name, 2024, i), tmp_path / f"{i}.json")
        paths.append(str(tmp_path / f"{i}.json"))
    dialog = window.desk.rollup()
    qtbot.addWidget(dialog)
    dialogs_log.answers["get_open_paths"] = paths[:2]
    dialog.add_files()
    dialogs_log.answers["get_open_paths"] = paths[1:]  # one of them again: listed once
    dialog.add_files()
    assert dialog.paths() == paths and dialog.start_dir == str(tmp_path)
    dialogs_log.answers["get_open_paths"] = []  # the file dialog cancelled
    dialog.add_files()
    assert dialog.paths() == paths


def test_closing_the_window_while_it_runs_stops_the_work(qtbot: Any, window: Any, tree: Path,
                                                          dialogs_log: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QThreadPool

    rw = window.desk.open_review([str(tree)], workers=1)
    task = rw.runner
    assert task is not None and task.running
    rw.close()  # deleted on close, the work still running in its thread
    assert task.progress.cancelled
    qtbot.waitUntil(lambda: window.desk.reviews == [], timeout=10_000)  # the window is gone
    assert QThreadPool.globalInstance().waitForDone(30_000)  # and the work stopped
    QCoreApplication.processEvents()  # its end, queued to the window that is gone: dropped
    assert not dialogs_log.errors


def test_a_workbook_opens_in_the_background_at_its_first_problem(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from exporters import render

    report = unit_report(EDU, 2024, 2)
    report.values[WRONG] = 9
    (tmp_path / "edu.xlsx").write_bytes(render(report, ".xlsx"))
    rw = window.desk.open_review([str(tmp_path)], workers=1)
    qtbot.addWidget(rw)
    finished(qtbot, rw)
    select(rw, EDU, 2024)
    rw.open_selected()
    run_to_end(qtbot, window.documents._task)
    assert window.session.report.meta.agency == EDU and window.session.path is None
    view = window.current_view()
    assert view is not None and view.current_ref() == WRONG


def test_a_workbook_kept_out_by_the_user_moves_nothing(qtbot: Any, window: Any, tmp_path: Path,
                                                       dialogs_log: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unsaved changes and 取消 at the question: the report stays, and no jump follows the import."""
    from exporters import render

    (tmp_path / "edu.xlsx").write_bytes(render(unit_report(EDU, 2024, 2), ".xlsx"))
    rw = window.desk.open_review([str(tmp_path)], workers=1)
    qtbot.addWidget(rw)
    finished(qtbot, rw)
    before = window.session
    before._dirty = True  # unsaved work (as after an import)
    jumps: list[int] = []
    monkeypatch.setattr(window.desk, "show_first_problem", lambda: jumps.append(1))
    dialogs_log.answers["ask_save_changes"] = "cancel"
    select(rw, EDU, 2024)
    rw.open_selected()
    run_to_end(qtbot, window.documents._task)
    assert "ask_save_changes" in dialogs_log.names()
    assert window.session is before and jumps == []


def test_last_years_folder_chosen_in_the_window(qtbot: Any, window: Any, tmp_path: Path, dialogs_log: Any) -> None:
    from models.values import CellRef

    this, earlier = tmp_path / "2024", tmp_path / "2023"
    this.mkdir()
    earlier.mkdir()
    last = unit_report(EDU, 2023, 2)
    last.values[CellRef("requests", "carried_forward", "natural")] = 1  # this year's 上年结转 says 0
    storage.save(last, earlier / "edu-2023.json")
    storage.save(unit_report(EDU, 2024, 2), this / "edu-2024.json")
    rw = window.desk.open_review([str(this)], workers=1)
    qtbot.addWidget(rw)
    finished(qtbot, rw)
    assert [r.status for r in rw.model.rows] == [PASSED]
    dialogs_log.answers["get_folder"] = str(earlier)
    rw.choose_previous()
    qtbot.waitUntil(lambda: not rw.running and rw.model.rowCount() == 1, timeout=30_000)
    assert [r.status for r in rw.model.rows] == [ERRORS] and rw.model.rows[0].previous is not None
