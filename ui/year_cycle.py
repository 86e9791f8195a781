"""The year's cycle in the window: new from last year, link last year, compare the two years.

Part of the document controller (``window.documents.year``): it asks through ``ui.dialogs`` /
``ui.errors`` (seams for tests), reads and writes files off the GUI thread (``ui.tasks``), and
leaves every decision to the models (:mod:`models.year_cycle`, :mod:`models.previous`,
:mod:`models.compare`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from models.file_names import safe_file_name
from models.last_year import LastYear
from ui import dialogs, errors
from ui.session import DocumentSession
from ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from ui.document_controller import DocumentController

COMPARE_FILTERS = {".xlsx": "Excel 工作簿 (*.xlsx)", ".pdf": "PDF 文件 (*.pdf)", ".html": "网页 (*.html)"}


class YearCycle(QObject):
    def __init__(self, documents: DocumentController) -> None:
        super().__init__(documents)
        self.documents = documents
        self.task: Task | None = None

    @property
    def window(self):  # type: ignore[no-untyped-def]
        return self.documents.window

    @property
    def session(self) -> DocumentSession | None:
        return self.documents.session

    # ------------------------------------------------------------------ 从上年报告新建

    def new_from_last(self) -> bool:
        from models.year_cycle import YearCycleError, new_from_last

        settings = self.documents.settings
        choice = dialogs.ask_new_from_last(self.window, settings.last_dir)
        if choice is None:
            return False
        try:
            made = new_from_last(choice.last, year=choice.year, source=choice.source, copy_texts=choice.copy_texts)
        except YearCycleError as exc:
            errors.show_error(self.window, "从上年报告新建", str(exc))
            return False
        if not self.documents.maybe_save():
            return False
        self.documents.adopt(DocumentSession(made.report, None, dirty=True))
        settings.last_dir = str(Path(choice.path).resolve().parent)
        window = self.window
        window.tabs.setCurrentIndex(0)
        if made.copied_texts:
            window.last_year_panel.show()  # this year's text is written from last year's
        carried = "，“上年结转”已取自上年报告" if made.carried else ""
        window.show_message(f"已从上年报告新建 {made.report.meta.year} 年度报告{carried}；请填写本年数字后保存")
        return True

    # ------------------------------------------------------------------ 关联上年报告

    def link(self, then: object = None) -> Task | None:
        """Pick last year's report and link it (one undo step); ``then()`` runs once it is linked."""
        from ui.year_dialogs import open_filter, read_last_year

        session = self.session
        if session is None:
            return None
        path = dialogs.get_open_path(self.window, "关联上年报告", self.documents.settings.last_dir, open_filter())
        if not path:
            return None

        def done(read) -> None:  # type: ignore[no-untyped-def]
            self.documents.busyChanged.emit(False, "")
            if self.session is not session:
                return  # another report was opened meanwhile
            if self.adopt_previous(read.report, read.source) and callable(then):
                then()

        def failed(exc: BaseException) -> None:
            self.documents.busyChanged.emit(False, "")
            message = str(exc) if type(exc).__name__ in ("ImportFailed", "ReportFileError") else (
                f"读取时出错（{type(exc).__name__}）：{exc}")
            errors.show_error(self.window, "无法关联上年报告", message)

        if self.documents.busy():
            self.window.show_message("正在处理上一项任务，请稍候或先取消")
            return None
        self.documents.busyChanged.emit(True, f"正在读取上年报告“{Path(path).name}”……")
        self.task = run_in_background(self, lambda: read_last_year(path), done, failed,
                                      lambda: self.window.show_message("已取消关联上年报告，本报告未改动"))
        self.documents.export_task = self.task  # the status bar's 取消 stops it, like an import
        return self.task

    def adopt_previous(self, last_report, source) -> bool:  # type: ignore[no-untyped-def]
        """Link ``last_report`` once the user agreed to anything odd about it (not the year before,
        another agency); True when linked."""
        from models.normalise import squash
        from models.previous import kept_of

        session = self.session
        assert session is not None
        this = session.report.meta
        kept: LastYear = kept_of(last_report, source)
        odd = []
        if kept.year is not None and this.year is not None and kept.year != this.year - 1:
            odd.append(f"所选报告是 {kept.year} 年度的，本报告是 {this.year} 年度的（上一年度应为 {this.year - 1} 年）")
        if kept.agency and this.agency and squash(kept.agency) != squash(this.agency):
            odd.append(f"所选报告的机关是“{kept.agency}”，本报告是“{this.agency}”")
        if odd and not dialogs.ask_yes_no(self.window, "关联上年报告", "；\n".join(odd) + "。\n\n仍要把它作为上年报告吗？",
                                          yes="仍要关联", no="取消"):
            return False
        session.set_previous(kept)
        self.window.show_message(f"已关联上年报告：{kept.describe()}；结转数等将与它核对")
        return True

    def unlink(self) -> None:
        session = self.session
        if session is None or session.report.previous is None:
            self.window.show_message("本报告没有关联上年报告")
            return
        session.set_previous(None)
        self.window.show_message("已取消关联上年报告（可撤销）")

    # ------------------------------------------------------------------ 与上年对比

    def compare(self) -> Task | None:
        """Write the comparison with the linked last year (asks for one when none is linked)."""
        session = self.session
        if session is None:
            return None
        self.window.commit_edits()
        if session.report.previous is None:
            if dialogs.ask_yes_no(self.window, "与上年对比", "本报告尚未关联上年报告。要先选择上年的报告吗？",
                                  yes="选择上年报告…", no="取消"):
                self.link(then=self.compare)
            return None
        if self.documents.export_task is not None and self.documents.export_task.running:
            self.window.show_message("正在导出，请稍候……")
            return None
        report = session.report
        folder = self.documents.settings.export_dir or (str(session.path.parent) if session.path else str(Path.home()))
        base = safe_file_name(f"{report.title if report.meta.agency else '年度报告'}与上年对比", "与上年对比")
        path = dialogs.get_save_path(self.window, "与上年对比", str(Path(folder) / f"{base}.xlsx"),
                                     ";;".join(COMPARE_FILTERS.values()))
        if not path:
            return None
        target = Path(path) if Path(path).suffix.lower() in COMPARE_FILTERS else Path(path + ".xlsx")
        snapshot = report.copy()
        this_name = session.path.name if session.path else None

        def op() -> Path:
            from dataclasses import replace

            from exporters.compare import write_comparison
            from models.compare import compare

            assert snapshot.previous is not None
            write_comparison(replace(compare(snapshot.previous, snapshot), this_source=this_name), target)
            return target

        def done(p: Path) -> None:
            self.documents.busyChanged.emit(False, "")
            self.documents.settings.export_dir = str(p.parent)
            self.window.show_message(f"已写出与上年的对比：{p}")

        def failed(exc: BaseException) -> None:
            from ui.document_controller import export_failure_message

            self.documents.busyChanged.emit(False, "")
            errors.show_error(self.window, "与上年对比失败", export_failure_message(exc, target.suffix))

        self.documents.busyChanged.emit(True, "正在写出与上年的对比……")
        self.documents.export_task = run_in_background(
            self, op, done, failed, lambda: self.window.show_message("已取消与上年对比，没有写出文件"))
        return self.documents.export_task
