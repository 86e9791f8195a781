"""DocumentController: what happens to the window's report file.

New, open, save, save as, recent files, import, export and print live here; the window keeps
the menus, tabs and status bar and asks the controller to act. The controller never builds
widgets of its own: questions go through ``ui.dialogs`` / ``ui.errors`` (seams for tests) and
the window shows the result (``set_session``, ``show_message``).

Two desks on one file: while a report is open its owner file (``models.owner_file``) says who
has it; a second desk is asked 只读打开/仍然打开/取消. The file's fingerprint, kept at load and
save, is compared with the disk at save, at autosave and when the window is activated: another
desk's save is reloaded quietly when this desk has no unsaved changes, else the user chooses
重新载入/另存为/覆盖/取消.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMenu

from models import fingerprint, owner_file, storage
from models.file_names import safe_file_name
from models.owner_file import OwnerFile
from models.report import Report
from models.resources import is_shipped
from models.template import newest_template, template_for_year
from ui import errors
from ui.lazy import lazy_module
from ui.recovery import RecoveryManager
from ui.session import DocumentSession
from ui.settings import AppSettings
from ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.year_cycle import YearCycle

dialogs = lazy_module("ui.dialogs")  # set up at the first dialog, not at start-up


REPORT_FILTER = "年报编辑器报告 (*.json)"
TEXT_IMPORT_FILTER = "已发布的年报：文本、网页、Word、PDF (*.txt *.html *.htm *.docx *.pdf)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
OPEN_FILTER = "报告及可导入的文件 (*.json *.txt *.html *.htm *.docx *.pdf *.xlsx)"
EXPORT_FILTERS = {".pdf": "PDF 文件 (*.pdf)", ".xlsx": XLSX_FILTER, ".docx": "Word 文档 (*.docx)",
                  ".html": "网页 (*.html)"}
EXPORT_NAMES = {".pdf": "PDF", ".xlsx": "Excel", ".docx": "Word", ".html": "网页"}
UNTITLED = "政府信息公开工作年度报告"


def documents_folder() -> str:
    """The user's documents folder (文档, My Documents), else the home folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


class DocumentController(QObject):
    """File handling for one window.

    Signals:
        busyChanged(bool, str): background work (import, export, print rendering) started/ended,
            with the message to show meanwhile (the window shows a progress bar and 取消).
        stageChanged(str): the stage the background work has reached.
    """

    busyChanged = Signal(bool, str)
    stageChanged = Signal(str)  # what the background work is doing now (beside the progress bar)

    def __init__(self, window: MainWindow, settings: AppSettings, recovery: RecoveryManager | None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.recovery = recovery
        self._task: Task | None = None  # the import/export/print running in the background
        self._importing = False
        self.include_check_page = False  # 文件 → PDF 附校验说明页
        self.owner: OwnerFile | None = None  # our owner file beside the open report
        self._checking = False  # a disk check is asking the user: no second one meanwhile
        self._declined: fingerprint.Fingerprint | None = None  # the disk version the user said 取消 to
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(int(owner_file.HEARTBEAT.total_seconds() * 1000))
        self.heartbeat.timeout.connect(self._heartbeat)
        self.heartbeat.start()
        if recovery is not None:
            recovery.autosaved.connect(lambda: QTimer.singleShot(0, self.check_disk))
        self._year: YearCycle | None = None

    @property
    def year(self) -> YearCycle:
        """从上年报告新建, 关联上年报告, 与上年对比 (set up at its first use, not at start-up)."""
        if self._year is None:
            from ui.year_cycle import YearCycle

            self._year = YearCycle(self)
        return self._year

    # ------------------------------------------------------------------ background work

    @property
    def export_task(self) -> Task | None:
        """The background task (import, export, print; the name is kept for older callers)."""
        return self._task

    @export_task.setter
    def export_task(self, task: Task | None) -> None:
        self._task = task
        if task is not None:  # however it was started, 取消 ends its busy state
            task.stage.connect(self.stageChanged)
            task.cancelled.connect(lambda: self.busyChanged.emit(False, ""))

    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def cancel_work(self) -> None:
        """取消: the running work stops at its next checkpoint."""
        if self.busy():
            assert self._task is not None
            self._task.cancel()
            self.stageChanged.emit("正在取消……")

    def _start(self, message: str, op: Callable[[], Any], done: Callable[[Any], None],
               failed: Callable[[BaseException], None], cancelled: str) -> Task:
        """Run ``op`` off the GUI thread with the progress bar and 取消 shown meanwhile."""
        def finish() -> None:
            self.busyChanged.emit(False, "")

        def on_done(result: Any) -> None:
            finish()
            done(result)

        def on_failed(exc: BaseException) -> None:
            finish()
            failed(exc)

        def on_cancelled() -> None:
            finish()
            self.window.show_message(cancelled)

        self.busyChanged.emit(True, message)
        task = run_in_background(self, op, on_done, on_failed, on_cancelled)
        task.stage.connect(self.stageChanged)
        self._task = task
        return task

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
                    path = Path(original) if original and original.endswith(".json") else None
                    restored = DocumentSession(leftover.report, path, dirty=True)
                    restored.fingerprint = leftover.fingerprint  # a save now still notices another desk's
                    owner = None
                    if path is not None:
                        owner = OwnerFile(path)
                        owner.claim()  # not over a live desk's: that one stays announced
                    self.adopt(restored, owner)
                    self.window.show_message("已恢复上次未保存的修改；请检查后保存")
                    return
                self.recovery.store.remove()
        if path:
            if self._open_path(path, ask=False):
                if self.session is None:  # a document being imported in the background: blank meanwhile
                    self.adopt(DocumentSession(Report.blank(newest_template())))
                return
        elif (self.settings.last_file and Path(self.settings.last_file).is_file()
              and self._open_path(self.settings.last_file, ask=False, quiet=True)):
            if self.session is None:  # a document being imported in the background: blank meanwhile
                self.adopt(DocumentSession(Report.blank(newest_template())))
            return
        self.adopt(DocumentSession(Report.blank(newest_template())))

    def adopt(self, session: DocumentSession, owner: OwnerFile | None = None) -> None:
        """Show ``session``; ``owner`` is our claim on its file (the previous one is released)."""
        if self.owner is not None and self.owner is not owner:
            self.owner.release()
        self.owner = owner
        self._declined = None
        self.window.set_warning("disk", None)
        self.window.set_session(session)

    def maybe_save(self, before: str = "关闭前") -> bool:
        """Ask 保存/不保存/取消 when there are unsaved changes; True when it is fine to go on.
        ``before`` names what is about to happen (打开其他文件前, 导入前…)."""
        self.window.commit_edits()
        session = self.session
        if session is None or not session.modified:
            return True
        choice = dialogs.ask_save_changes(self.window, session.display_name, before)
        if choice == "save":
            return self.save()
        return choice == "discard"

    def close_requested(self) -> bool:
        """The window is about to close: False when the user cancelled."""
        if not self.maybe_save("关闭前"):
            return False
        if self.busy() and self._importing:
            self.cancel_work()  # an import would only replace the report being closed
        if self.busy():
            # The user asked for that file: let the export finish rather than cut it off.
            self.window.statusBar().showMessage("正在完成导出，请稍候……")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                QThreadPool.globalInstance().waitForDone(60_000)
            finally:
                QApplication.restoreOverrideCursor()
        return True

    def closed(self) -> None:
        """The window closes: remember the file, drop the recovery file and the owner file."""
        if self.session is not None:
            self.settings.last_file = str(self.session.path.resolve()) if self.session.path else ""
        self.settings.sync()
        self.heartbeat.stop()
        if self.owner is not None:
            self.owner.release()
            self.owner = None
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
        # A blank form: the open report (often the bundled sample) is not the user's agency.
        choice = dialogs.ask_new_report(self.window)
        if choice is None:
            return
        template = template_for_year(choice.year)
        if template is None:
            errors.show_error(self.window, "新建报告", f"没有适用于 {choice.year} 年的报告格式"
                              f"（本程序支持 {dialogs.earliest_year()} 年及以后的报告），请另选年度")
            return
        if not self.maybe_save("新建报告前"):
            return
        report = Report.blank(template, agency=choice.agency, year=choice.year)
        report.meta.level = choice.level
        self.adopt(DocumentSession(report))
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
        """Load first (a damaged file leaves the current report untouched), then replace.

        Another desk's owner file is asked about before anything is read, as Office does.
        """
        p = Path(path)
        if p.suffix.lower() != ".json":
            return self.import_path(str(p)) is not None
        same = self.session is not None and self.session.path == p.absolute()
        other = owner_file.other_owner(p, self.owner.token if same and self.owner else None)
        choice = "edit"
        if other is not None:
            choice = dialogs.ask_owner(self.window, p.name, other.describe())
            if choice == "cancel":
                return False
        try:
            loaded = storage.read(p)
        except storage.ReportFileError as exc:
            if not quiet:
                errors.show_error(self.window, "无法打开报告", str(exc))
            if not p.exists():
                self.settings.remove_recent(p)
            return False
        if ask and not self.maybe_save("打开其他文件前"):
            return False
        read_only = choice == "readonly" or self._read_only_on_disk(p)
        owner = None
        if not read_only and not is_shipped(p):  # the program's own sample: saved elsewhere, no owner file
            owner = self.owner if same and self.owner is not None else OwnerFile(p)
            if not owner.held:
                owner.claim()  # "仍然打开": the first desk stays announced; we claim once it leaves
        session = DocumentSession(loaded.report, p, dirty=bool(loaded.findings))
        session.fingerprint = loaded.fingerprint
        session.read_only = read_only
        self.adopt(session, owner)
        self._remember(p)
        if loaded.findings:
            dialogs.show_import_summary(self.window, p.name, loaded.findings)
        if read_only and choice != "readonly":
            self.window.show_message(f"“{p.name}”文件为只读，已以只读方式打开；修改后请用“另存为”保存")
        else:
            self.window.show_message(f"已打开 {p.name}" + ("（只读）" if read_only else ""))
        return True

    @staticmethod
    def _read_only_on_disk(p: Path) -> bool:
        try:
            return storage.is_read_only(storage.target_of(p).stat())
        except OSError:
            return False

    def _remember(self, p: Path) -> None:
        self.settings.add_recent(p)
        if not is_shipped(p):  # the sample's folder is no folder of the user's reports
            self.settings.last_dir = str(p.resolve().parent)
        self.settings.last_file = str(p.resolve())

    def report_folder(self, path: Path | None = None) -> str:
        """Where to save a report first: beside its own file, else the last folder the user kept
        a report in, else the documents folder — never inside the program's own resources/."""
        if path is not None and not is_shipped(path):
            return str(path.parent)
        last = self.settings.last_dir
        if last and Path(last).is_dir() and not is_shipped(last):
            return last
        return documents_folder()

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
        if session.path is None or session.path.suffix.lower() != ".json" or is_shipped(session.path):
            return self.save_as()  # never over the program's own sample
        return self._write(session.path)

    def save_as(self) -> bool:
        self.window.commit_edits()
        session = self.session
        if session is None:
            return False
        base = session.path.stem if session.path else safe_file_name(
            session.report.title if session.report.meta.agency else "", UNTITLED)
        folder = self.report_folder(session.path)
        path = dialogs.get_save_path(self.window, "保存报告", str(Path(folder) / f"{base}.json"), REPORT_FILTER)
        if not path:
            return False
        p = Path(path)
        if p.suffix.lower() != ".json":
            p = p.with_name(p.name + ".json")
        return self._write(p)

    def _write(self, p: Path, *, checked: bool = False) -> bool:
        """Save to ``p``. Over the report's own file: refused when read-only, asked about when
        another desk saved it meanwhile (unless ``checked``: the user already chose 覆盖)."""
        session = self.session
        assert session is not None
        p = p.absolute()
        own_file = p == session.path
        if own_file and session.read_only:
            if self._read_only_on_disk(p):
                return self._offer_save_as(f"“{p.name}”文件为只读，不能保存到原文件。")
            return self._offer_save_as(f"此报告以只读方式打开，不能保存到原文件“{p.name}”（以免覆盖他人的修改）。")
        take_over = False
        if own_file and not checked:
            changed, now = fingerprint.changed(session.fingerprint, p)
            if changed and now is not None:
                choice = dialogs.ask_disk_conflict(self.window, p.name, self._who_changed(p, now))
                if choice == "reload":
                    self._reload()
                    return False
                if choice == "save_as":
                    return self.save_as()
                if choice == "cancel":
                    return False
        elif not own_file:
            other = owner_file.other_owner(p)
            if other is not None:
                if not dialogs.ask_yes_no(self.window, "文件正在使用", f"“{p.name}”正在被使用：{other.describe()}。\n"
                                          "覆盖它，对方的修改可能会丢失。仍要覆盖吗？", yes="覆盖", no="取消"):
                    return False
                take_over = True
        try:
            written = storage.save(session.report, p, live_keys=session.live_acceptance_keys())
        except storage.ReadOnlyFileError as exc:
            return self._offer_save_as(str(exc))
        except storage.ReportFileError as exc:
            errors.show_error(self.window, "保存失败", f"{exc}\n\n修改仍在编辑器中，请换一个位置保存。")
            return False
        session.fingerprint = written
        self._declined = None
        self.window.set_warning("disk", None)
        if not own_file:
            owner = OwnerFile(p)
            owner.claim(take_over=take_over)
            if self.owner is not None:
                self.owner.release()
            self.owner = owner
            session.read_only = False
        session.mark_saved(p)
        self._remember(p)
        self.window.show_message(f"已保存到 {p}")
        return True

    def _offer_save_as(self, why: str) -> bool:
        if dialogs.ask_yes_no(self.window, "不能保存", f"{why}\n\n要把修改另存为新文件吗？", yes="另存为…", no="取消"):
            return self.save_as()
        return False

    # ------------------------------------------------------------------ another desk's changes

    def _who_changed(self, p: Path, now: fingerprint.Fingerprint) -> str:
        """"张三（PC-01）于 10:42" when the owner file tells, else "其他用户或程序（10:42）"."""
        other = owner_file.other_owner(p, self.owner.token if self.owner else None)
        when = now.describe_time()
        if other is not None:
            return f" {other.user}（{other.host}）于 {when} "
        return f"其他用户或程序（{when}）"

    def check_disk(self) -> None:
        """Compare the open report's file with the disk (window activated, autosave).

        Unchanged: nothing. Changed and no unsaved changes here: reload quietly and say so.
        Changed and unsaved changes: ask once per version on disk (the save asks again).
        Gone: a warning in the status bar until the file is saved again.
        """
        session = self.session
        if session is None or session.path is None or self._checking:
            return
        if self.owner is not None and not self.owner.held and not session.read_only:
            self.owner.claim()  # opened "anyway": announce us once the first desk has left
        changed, now = fingerprint.changed(session.fingerprint, session.path)
        if not changed:
            if now is not None and session.fingerprint is not None and now != session.fingerprint:
                session.fingerprint = now  # touched only (a backup tool): same bytes
            self.window.set_warning("disk", None)
            return
        if now is None:
            self.window.set_warning("disk", f"磁盘上的“{session.path.name}”已被移动或删除；保存将重新创建它")
            return
        if not session.modified:
            name = session.path.name
            if self._reload():
                self.window.show_message(f"“{name}”已被{self._who_changed(session.path, now).strip()}修改，"
                                         "已重新载入")
            return
        if now == self._declined:
            return  # asked already: the warning stays up until the save asks again
        self.window.set_warning("disk", None)
        self._checking = True
        try:
            choice = dialogs.ask_disk_conflict(self.window, session.path.name, self._who_changed(session.path, now))
        finally:
            self._checking = False
        if choice == "reload":
            self._reload()
        elif choice == "save_as":
            self.save_as()
        elif choice == "overwrite":
            self._write(session.path, checked=True)
        else:
            self._declined = now
            self.window.set_warning("disk", f"磁盘上的“{session.path.name}”已被他人修改；保存时将再次询问")

    def _reload(self) -> bool:
        """Show the file as it is on disk now (the user gave up this desk's changes)."""
        session = self.session
        assert session is not None and session.path is not None
        try:
            loaded = storage.read(session.path)
        except storage.ReportFileError as exc:
            errors.show_error(self.window, "无法重新载入", f"{exc}\n\n当前内容保持不变。")
            return False
        fresh = DocumentSession(loaded.report, session.path, dirty=bool(loaded.findings))
        fresh.fingerprint = loaded.fingerprint
        fresh.read_only = session.read_only
        self.adopt(fresh, self.owner)
        return True

    def _heartbeat(self) -> None:
        if self.owner is not None:
            self.owner.heartbeat()

    # ------------------------------------------------------------------ import

    def import_text(self) -> Task | None:
        path = dialogs.get_open_path(self.window, "导入已发布的年报", self.settings.last_dir, TEXT_IMPORT_FILTER)
        return self.import_path(path) if path else None

    def import_xlsx(self) -> Task | None:
        path = dialogs.get_open_path(self.window, "从 Excel 导入", self.settings.export_dir, XLSX_FILTER)
        return self.import_path(path) if path else None

    def import_path(self, path: str) -> Task | None:
        """Read a document into a new unsaved report, in the background (取消 stops it); once
        read, ask about unsaved changes, show the report and what the importer said."""
        p = Path(path)
        if self.busy():
            self.window.show_message("正在处理上一项任务，请稍候或先取消")
            return None

        def op() -> Any:
            from importers import read_report

            return read_report(p)

        def done(imported: Any) -> None:
            self._importing = False
            if not self.maybe_save("导入前"):
                return
            self.adopt(DocumentSession(imported.report, None, dirty=True))
            self.settings.last_dir = str(p.resolve().parent)
            if imported.findings:
                dialogs.show_import_summary(self.window, p.name, imported.findings)
            self.window.show_message(f"已导入 {p.name}，请核对后保存为报告文件")

        def failed(exc: BaseException) -> None:
            self._importing = False
            errors.show_error(self.window, "无法导入", import_failure_message(exc, p))

        def cancelled() -> None:
            self._importing = False

        self._importing = True
        task = self._start(f"正在导入“{p.name}”……", op, done, failed, f"已取消导入“{p.name}”，当前报告未改动")
        task.cancelled.connect(cancelled)
        return task

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
        if self.busy():
            self.window.show_message("正在处理上一项任务，请稍候或先取消")
            return None
        if not self._confirm_errors(verb):
            return None
        return session

    def export(self, suffix: str) -> Task | None:
        """Export in the background; the window stays responsive."""
        session = self._ready_for_output("导出")
        if session is None:
            return None
        # the agency comes from the file: a name, never a path (../, C:\, CON)
        base = safe_file_name(session.report.title if session.report.meta.agency else "", UNTITLED)
        export_dir = self.settings.export_dir
        folder = export_dir if export_dir and not is_shipped(export_dir) else self.report_folder(session.path)
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
            self.settings.export_dir = str(p.parent)
            self.window.show_message(f"已导出到 {p}")

        def failed(exc: BaseException) -> None:
            errors.show_error(self.window, f"导出 {EXPORT_NAMES[suffix]} 失败", export_failure_message(exc, suffix))

        return self._start(f"正在导出 {EXPORT_NAMES[suffix]}……", op, done, failed,
                           f"已取消导出 {EXPORT_NAMES[suffix]}，没有写出文件")

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
            from ui.printing import show_print_preview

            show_print_preview(self.window, pages)

        def failed(exc: BaseException) -> None:
            from ui.printing import PrintUnavailable

            message = str(exc) if isinstance(exc, PrintUnavailable) else export_failure_message(exc, ".pdf")
            errors.show_error(self.window, "无法打印", message)

        return self._start("正在排版，准备打印预览……", op, done, failed, "已取消打印")


def import_failure_message(exc: BaseException, p: Path) -> str:
    """A Chinese message for a failed import; anything unexpected is named as it is."""
    from importers import ImportFailed

    if isinstance(exc, (ImportFailed, storage.ReportFileError)):
        return str(exc)
    if isinstance(exc, MemoryError):
        return f"“{p.name}”太大或太复杂，内存不足，无法导入"
    if isinstance(exc, OSError):
        return f"无法读取“{p.name}”：{storage.os_error_text(exc)}"
    return f"导入“{p.name}”时出错（{type(exc).__name__}: {exc}）；当前报告未改动"


def export_failure_message(exc: BaseException, suffix: str) -> str:
    """A Chinese message for a failed export. Every exporter ships with the editor: an error of
    any kind (an ImportError too) is reported as what it is, never as a part "not installed"."""
    name = EXPORT_NAMES.get(suffix, suffix)
    text = str(exc)
    if type(exc).__name__ in ("ExportFailed", "ReportFileError") and text:
        return text
    return f"导出 {name} 时出错：{type(exc).__name__}: {text}\n报告本身不受影响，可以照常保存。"
