"""DocumentController: what happens to the window's report file.

New, open, save, save as, recent files, import, export and print live here; the window keeps
the menus, tabs and status bar and asks the controller to act. The controller never builds
widgets of its own: questions go through ``ui.dialogs`` / ``ui.errors`` (seams for tests) and
the window shows the result (``set_session``, ``show_message``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMenu

import ui.qtfix  # noqa: F401  (before any signal is emitted)
from models import storage
from models.report import Report
from models.template import template_for_year
from ui import dialogs, errors
from ui.recovery import RecoveryManager
from ui.session import DocumentSession
from ui.settings import AppSettings
from ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

REPORT_FILTER = "年报编辑器报告 (*.json)"
TEXT_IMPORT_FILTER = "已发布的年报文本或网页 (*.txt *.html *.htm)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
OPEN_FILTER = "报告及可导入的文件 (*.json *.txt *.html *.htm *.xlsx)"
EXPORT_FILTERS = {".pdf": "PDF 文件 (*.pdf)", ".xlsx": XLSX_FILTER}
EXPORT_NAMES = {".pdf": "PDF", ".xlsx": "Excel"}
UNTITLED = "政府信息公开工作年度报告"


class DocumentController(QObject):
    """File handling for one window.

    Signals:
        busyChanged(bool, str): background work (export, print rendering) started/ended,
            with the message to show meanwhile.
    """

    busyChanged = Signal(bool, str)

    def __init__(self, window: MainWindow, settings: AppSettings, recovery: RecoveryManager | None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.recovery = recovery
        self.export_task: Task | None = None
        self.include_check_page = False  # 文件 → PDF 附校验说明页

    @property
    def session(self) -> DocumentSession | None:
        return self.window.session

    # ------------------------------------------------------------------ start / close

    def start(self, path: str | None) -> None:
        """Start-up: offer leftover unsaved work, else open ``path``, the last file or a blank report."""
        if self.recovery is not None:
            leftover = self.recovery.store.leftover()
            if leftover is not None:
                if dialogs.ask_restore(self.window, leftover.describe()):
                    original = leftover.original_path
                    restored = DocumentSession(leftover.report, original if original and original.endswith(".json")
                                               else None, dirty=True)
                    self.window.set_session(restored)
                    self.window.show_message("已恢复上次未保存的修改；请检查后保存")
                    return
                self.recovery.store.remove()
        if path:
            if self._open_path(path, ask=False):
                return
        elif (self.settings.last_file and Path(self.settings.last_file).is_file()
              and self._open_path(self.settings.last_file, ask=False, quiet=True)):
            return
        self.window.set_session(DocumentSession(Report.blank()))

    def maybe_save(self) -> bool:
        """Ask 保存/不保存/取消 when there are unsaved changes; True when it is fine to go on."""
        self.window.commit_edits()
        session = self.session
        if session is None or not session.modified:
            return True
        choice = dialogs.ask_save_changes(self.window, session.display_name)
        if choice == "save":
            return self.save()
        return choice == "discard"

    def close_requested(self) -> bool:
        """The window is about to close: False when the user cancelled."""
        if not self.maybe_save():
            return False
        if self.export_task is not None and self.export_task.running:
            # The user asked for that file: let the export finish rather than cut it off.
            self.window.statusBar().showMessage("正在完成导出，请稍候……")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                QThreadPool.globalInstance().waitForDone(60_000)
            finally:
                QApplication.restoreOverrideCursor()
        return True

    def closed(self) -> None:
        """The window closes: remember the file, drop the recovery file."""
        if self.session is not None:
            self.settings.last_file = str(self.session.path.resolve()) if self.session.path else ""
        self.settings.sync()
        if self.recovery is not None:
            self.recovery.discard()
            self.recovery.store.release()

    def flush_recovery(self) -> bool | None:
        """Write the recovery file now; False when that failed (None: no recovery file kept)."""
        if self.recovery is None:
            return None
        self.recovery.flush()
        return self.recovery.last_error is None

    # ------------------------------------------------------------------ new / open

    def new_report(self) -> None:
        meta = self.session.report.meta if self.session else None
        choice = dialogs.ask_new_report(self.window, meta.agency if meta else "", meta.level if meta else None)
        if choice is None:
            return
        template = template_for_year(choice.year)
        if template is None:
            errors.show_error(self.window, "新建报告", f"没有适用于 {choice.year} 年的报告格式"
                              f"（本程序支持 {dialogs.earliest_year()} 年及以后的报告），请另选年度")
            return
        if not self.maybe_save():
            return
        report = Report.blank(template, agency=choice.agency, year=choice.year)
        report.meta.level = choice.level
        self.window.set_session(DocumentSession(report))
        self.window.tabs.setCurrentIndex(0)
        self.window.show_message(f"已新建 {choice.year} 年度报告")

    def open_file(self, path: str | None = None) -> bool:
        if path is None:
            path = dialogs.get_open_path(self.window, "打开报告", self.settings.last_dir,
                                         f"{OPEN_FILTER};;{REPORT_FILTER};;{TEXT_IMPORT_FILTER};;{XLSX_FILTER};;所有文件 (*)")
            if not path:
                return False
        return self._open_path(path, ask=True)

    def _open_path(self, path: str, *, ask: bool, quiet: bool = False) -> bool:
        """Load first (a damaged file leaves the current report untouched), then replace."""
        p = Path(path)
        if p.suffix.lower() != ".json":
            return self.import_path(str(p))
        try:
            report = storage.load(p)
        except storage.ReportFileError as exc:
            if not quiet:
                errors.show_error(self.window, "无法打开报告", str(exc))
            if not p.exists():
                self.settings.remove_recent(p)
            return False
        if ask and not self.maybe_save():
            return False
        self.window.set_session(DocumentSession(report, p))
        self._remember(p)
        self.window.show_message(f"已打开 {p.name}")
        return True

    def _remember(self, p: Path) -> None:
        self.settings.add_recent(p)
        self.settings.last_dir = str(p.resolve().parent)
        self.settings.last_file = str(p.resolve())

    def fill_recent_menu(self, menu: QMenu) -> None:
        """最近打开: one entry per recent file, then 清除列表."""
        menu.clear()
        recent = self.settings.recent_files
        if not recent:
            a = menu.addAction("（无）")
            a.setEnabled(False)
            return
        for i, path in enumerate(recent, 1):
            a = menu.addAction(f"&{i}  {Path(path).name}    {Path(path).parent}")
            a.setToolTip(path)
            a.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        menu.addSeparator()
        clear = menu.addAction("清除列表")
        clear.triggered.connect(lambda: setattr(self.settings, "recent_files", []))

    # ------------------------------------------------------------------ save

    def save(self) -> bool:
        self.window.commit_edits()
        session = self.session
        if session is None:
            return False
        if session.path is None or session.path.suffix.lower() != ".json":
            return self.save_as()
        return self._write(session.path)

    def save_as(self) -> bool:
        self.window.commit_edits()
        session = self.session
        if session is None:
            return False
        base = session.path.stem if session.path else (session.report.title if session.report.meta.agency
                                                         else UNTITLED)
        folder = str(session.path.parent) if session.path else (self.settings.last_dir or str(Path.home()))
        path = dialogs.get_save_path(self.window, "保存报告", str(Path(folder) / f"{base}.json"), REPORT_FILTER)
        if not path:
            return False
        p = Path(path)
        if p.suffix.lower() != ".json":
            p = p.with_name(p.name + ".json")
        return self._write(p)

    def _write(self, p: Path) -> bool:
        session = self.session
        assert session is not None
        try:
            storage.save(session.report, p, live_keys=session.live_acceptance_keys())
        except storage.ReportFileError as exc:
            errors.show_error(self.window, "保存失败", f"{exc}\n\n修改仍在编辑器中，请换一个位置保存。")
            return False
        session.mark_saved(p)
        self._remember(p)
        self.window.show_message(f"已保存到 {p}")
        return True

    # ------------------------------------------------------------------ import

    def import_text(self) -> None:
        path = dialogs.get_open_path(self.window, "导入已发布的年报", self.settings.last_dir, TEXT_IMPORT_FILTER)
        if path:
            self.import_path(path)

    def import_xlsx(self) -> None:
        path = dialogs.get_open_path(self.window, "从 Excel 导入", self.settings.export_dir, XLSX_FILTER)
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> bool:
        """Read a .txt/.html/.xlsx into a new unsaved report and show what the importer said."""
        p = Path(path)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from importers import ImportFailed, read_report

            try:
                imported = read_report(p)
            except (ImportFailed, storage.ReportFileError) as exc:
                message: str | None = str(exc)
            else:
                message = None
        except ImportError as exc:  # an importer module not installed yet
            imported, message = None, f"暂不能读取“{p.suffix}”文件：导入组件（{exc.name or exc}）尚未安装"
        finally:
            QApplication.restoreOverrideCursor()
        if message is not None or imported is None:
            errors.show_error(self.window, "无法导入", message or "导入失败")
            return False
        if not self.maybe_save():
            return False
        self.window.set_session(DocumentSession(imported.report, None, dirty=True))
        self.settings.last_dir = str(p.resolve().parent)
        if imported.findings:
            dialogs.show_import_summary(self.window, p.name, imported.findings)
        self.window.show_message(f"已导入 {p.name}，请核对后保存为报告文件")
        return True

    # ------------------------------------------------------------------ export / print

    def _confirm_errors(self, verb: str) -> bool:
        assert self.session is not None
        n = len(self.session.result.errors)
        if not n:
            return True
        return dialogs.ask_yes_no(self.window, verb, f"还有 {n} 个错误，仍要{verb}吗？", yes=f"仍要{verb}", no="取消")

    def _ready_for_output(self, verb: str) -> DocumentSession | None:
        """The session to export or print, once typing is committed, no export is running and
        the user agreed to go on despite errors; else None."""
        self.window.commit_edits()
        session = self.session
        if session is None:
            return None
        if self.export_task is not None and self.export_task.running:
            self.window.show_message("正在导出，请稍候……")
            return None
        if not self._confirm_errors(verb):
            return None
        return session

    def export(self, suffix: str) -> Task | None:
        """Export in the background; the window stays responsive."""
        session = self._ready_for_output("导出")
        if session is None:
            return None
        base = session.report.title if session.report.meta.agency else UNTITLED
        folder = self.settings.export_dir or (str(session.path.parent) if session.path else str(Path.home()))
        path = dialogs.get_save_path(self.window, f"导出 {EXPORT_NAMES[suffix]}",
                                     str(Path(folder) / f"{base}{suffix}"), EXPORT_FILTERS[suffix])
        if not path:
            return None
        target = Path(path) if Path(path).suffix.lower() == suffix else Path(path + suffix)
        snapshot = session.report.copy()
        check_page = self.include_check_page

        def op() -> Path:
            from exporters import write_report

            write_report(snapshot, target, include_check_page=check_page)
            return target

        def done(p: Path) -> None:
            self.busyChanged.emit(False, "")
            self.settings.export_dir = str(p.parent)
            self.window.show_message(f"已导出到 {p}")

        def failed(exc: BaseException) -> None:
            self.busyChanged.emit(False, "")
            errors.show_error(self.window, f"导出 {EXPORT_NAMES[suffix]} 失败", export_failure_message(exc, suffix))

        self.busyChanged.emit(True, f"正在导出 {EXPORT_NAMES[suffix]}……")
        self.export_task = run_in_background(self, op, done, failed)
        return self.export_task

    def print_report(self) -> Task | None:
        session = self._ready_for_output("打印")
        if session is None:
            return None
        snapshot = session.report.copy()
        check_page = self.include_check_page

        def op() -> list:  # type: ignore[type-arg]
            from exporters import render
            from ui.printing import render_pages

            return render_pages(render(snapshot, ".pdf", include_check_page=check_page))

        def done(pages: list) -> None:  # type: ignore[type-arg]
            self.busyChanged.emit(False, "")
            from ui.printing import show_print_preview

            show_print_preview(self.window, pages)

        def failed(exc: BaseException) -> None:
            self.busyChanged.emit(False, "")
            from ui.printing import PrintUnavailable

            message = str(exc) if isinstance(exc, PrintUnavailable) else export_failure_message(exc, ".pdf")
            errors.show_error(self.window, "无法打印", message)

        self.busyChanged.emit(True, "正在排版，准备打印预览……")
        self.export_task = run_in_background(self, op, done, failed)
        return self.export_task


def export_failure_message(exc: BaseException, suffix: str) -> str:
    """A Chinese message for a failed export, including an exporter that is not installed yet."""
    name = EXPORT_NAMES.get(suffix, suffix)
    if isinstance(exc, ImportError):
        return (f"{name} 导出组件尚未安装（{exc.name or exc}），暂时无法导出 {name}。\n"
                "请更新年报编辑器后重试；报告本身不受影响，可以照常保存。")
    text = str(exc)
    if type(exc).__name__ in ("ExportFailed", "ReportFileError") and text:
        return text
    return f"导出 {name} 时出错：{type(exc).__name__}: {text}\n报告本身不受影响，可以照常保存。"
