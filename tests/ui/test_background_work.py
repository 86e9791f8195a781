"""Every import and export in the GUI runs off the GUI thread, shows its progress and can be
cancelled; cancelling really stops the work (issue 7, item 5)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from models import storage
from models.progress import Cancelled, Progress, checkpoint, running
from models.report import Report
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


class Endless:
    """Work that runs until cancelled, counting its steps and noting its thread."""

    def __init__(self) -> None:
        self.steps = 0
        self.on_gui_thread: bool | None = None
        self.stopped = threading.Event()

    def __call__(self, *_: Any, **__: Any) -> Any:
        self.on_gui_thread = threading.current_thread() is threading.main_thread()
        try:
            while self.steps < 2500:  # a few seconds: never a hang, even where nothing cancels
                checkpoint("正在读取……")
                self.steps += 1
                time.sleep(0.002)
            raise RuntimeError("not cancelled")
        finally:
            self.stopped.set()


def _cancel_and_wait(qtbot: Any, window: MainWindow, work: Endless) -> None:
    qtbot.waitUntil(lambda: work.steps > 5, timeout=5000)
    assert window.busy.isVisible() and window.cancel_button.isVisible() and window.cancel_button.isEnabled()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(work.stopped.is_set, timeout=5000)
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=5000)
    steps = work.steps
    qtbot.wait(100)
    assert work.steps == steps  # stopped, not running on unseen


def test_an_import_runs_off_the_gui_thread_and_cancel_stops_it(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importers

    work = Endless()
    monkeypatch.setattr(importers, "read_report", work)
    src = tmp_path / "大.html"
    src.write_text("<html></html>", encoding="utf-8")
    session = window.session
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    task = window.documents.import_path(str(src))
    assert task is not None
    _cancel_and_wait(qtbot, window, work)
    timer.stop()
    assert work.on_gui_thread is False and len(ticks) > 3  # the window kept processing events
    assert window.session is session and not dialogs_log.errors
    assert "已取消" in window.statusBar().currentMessage()


def test_an_export_can_be_cancelled_and_writes_nothing(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import exporters

    work = Endless()
    monkeypatch.setattr(exporters, "render", work)
    dialogs_log.answers["get_save_path"] = str(tmp_path / "out.xlsx")
    task = window.documents.export(".xlsx")
    assert task is not None
    _cancel_and_wait(qtbot, window, work)
    assert not (tmp_path / "out.xlsx").exists() and not dialogs_log.errors
    assert window.act_export_pdf.isEnabled()
    assert "已取消" in window.statusBar().currentMessage()


def test_the_progress_shows_the_stage(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path, dialogs_log: Any) -> None:
    import importers

    work = Endless()
    monkeypatch.setattr(importers, "read_report", work)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    window.documents.import_path(str(tmp_path / "a.txt"))
    qtbot.waitUntil(lambda: "正在读取" in window.busy_label.text(), timeout=5000)
    _cancel_and_wait(qtbot, window, work)


def test_closing_the_window_cancels_an_import(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path, dialogs_log: Any) -> None:
    import importers

    work = Endless()
    monkeypatch.setattr(importers, "read_report", work)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    window.documents.import_path(str(tmp_path / "a.txt"))
    qtbot.waitUntil(lambda: work.steps > 2, timeout=5000)
    assert window.close()
    assert work.stopped.wait(5)


# ---------------------------------------------------------------------- the real importers and exporters


@pytest.mark.parametrize("name", ["pingtan-2023.html", "wulong-hrss-2021.txt"])
def test_the_importers_stop_at_a_checkpoint_once_cancelled(name: str) -> None:
    from importers import read_report

    progress = Progress()
    progress.cancel()
    with running(progress), pytest.raises(Cancelled):
        read_report(FIXTURES / name)


def test_the_workbook_importer_stops_once_cancelled(tmp_path: Path) -> None:
    from exporters import write_report
    from importers import read_report

    path = tmp_path / "r.xlsx"
    write_report(storage.load(SAMPLE), path)
    progress = Progress()
    progress.cancel()
    with running(progress), pytest.raises(Cancelled):
        read_report(path)


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_the_exporters_stop_once_cancelled_and_write_nothing(tmp_path: Path, suffix: str) -> None:
    from exporters import write_report

    report: Report = storage.load(SAMPLE)
    progress = Progress()
    progress.cancel()
    target = tmp_path / f"out{suffix}"
    with running(progress), pytest.raises(Cancelled):
        write_report(report, target)
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_the_comparison_with_last_year_stops_once_cancelled_and_writes_nothing(tmp_path: Path, suffix: str) -> None:
    from exporters.compare import write_comparison
    from models.compare import compare

    report: Report = storage.load(SAMPLE)
    progress = Progress()
    progress.cancel()
    target = tmp_path / f"out{suffix}"
    with running(progress), pytest.raises(Cancelled):
        write_comparison(compare(report, report), target)
    assert list(tmp_path.iterdir()) == []


def test_reading_last_years_report_to_link_it_can_be_cancelled(qtbot: Any, window: MainWindow, dialogs_log: Any,
                                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """检查 → 关联上年报告… reads a file of any form in the background: 取消 stops it like an import."""
    import importers

    work = Endless()
    monkeypatch.setattr(importers, "read_report", work)
    (tmp_path / "上年.pdf").write_bytes(b"%PDF-1.4")
    dialogs_log.answers["get_open_path"] = str(tmp_path / "上年.pdf")
    before = window.session.report.previous if window.session else None
    assert window.documents.year.link() is not None
    _cancel_and_wait(qtbot, window, work)
    assert window.session is not None and window.session.report.previous is before and not dialogs_log.errors
    assert window.act_export_pdf.isEnabled()
    assert "已取消" in window.statusBar().currentMessage()


def test_closing_the_new_from_last_year_dialog_stops_its_read(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    """文件 → 从上年报告新建… reads the file in the background; its 取消 stops that read too."""
    import importers
    from ui.year_dialogs import NewFromLastDialog

    work = Endless()
    monkeypatch.setattr(importers, "read_report", work)
    (tmp_path / "上年.html").write_text("<html></html>", encoding="utf-8")
    dialog = NewFromLastDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    task = dialog.load(str(tmp_path / "上年.html"))
    qtbot.waitUntil(lambda: work.steps > 5, timeout=5000)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        dialog.reject()
    assert work.stopped.wait(5)


def test_a_task_whose_parent_is_destroyed_stops_and_is_let_go(qtbot: Any) -> None:
    import gc
    import weakref

    from PySide6.QtCore import QObject

    from ui import tasks

    parent = QObject()
    work = Endless()
    reached: list[str] = []
    task = tasks.run_in_background(parent, work, lambda _: reached.append("done"), lambda _: reached.append("failed"))
    qtbot.waitUntil(lambda: work.steps > 5, timeout=5000)
    alive = weakref.ref(task)
    del task
    parent.deleteLater()
    qtbot.waitUntil(work.stopped.is_set, timeout=5000)  # told to stop: not running on unseen
    qtbot.wait(50)
    gc.collect()
    assert alive() is None and not tasks._running  # nothing kept until the program exits
    assert reached == []  # and nothing reached a parent that is gone


def test_a_parentless_task_is_let_go_once_done(qtbot: Any) -> None:
    import gc
    import weakref

    from ui import tasks

    results: list[int] = []
    task = tasks.run_in_background(None, lambda: 42, results.append)
    alive = weakref.ref(task)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    del task
    gc.collect()
    assert alive() is None and not tasks._running


def test_a_finished_task_destroyed_later_leaves_a_running_task_with_its_id_alone(qtbot: Any) -> None:
    from functools import partial

    from ui import tasks

    work = Endless()
    task = tasks.run_in_background(None, work)
    qtbot.waitUntil(lambda: work.steps > 5, timeout=5000)
    # What the destroyed handler of an older task holds, should its id now be this task's:
    partial(tasks._forget, id(task), Progress())()
    assert tasks._running.get(id(task)) is task and not task.progress.cancelled
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert work.stopped.is_set() and id(task) not in tasks._running
