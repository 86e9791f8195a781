"""The 政务公开办's desk in the editor: 文件 → 审核文件夹… and 文件 → 汇总多个报告….

Opens the review window and the roll-up dialog, and opens a report they point at in the editor
(a member of a .zip as an unsaved import), at its first problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from models.findings import SEVERITY_ORDER, Finding
from ui import dialogs, errors
from ui.session import DocumentSession
from ui.tasks import run_in_background

if TYPE_CHECKING:  # imported when first used: the editor starts without the batch machinery
    from batch.sources import Source
    from ui.main_window import MainWindow
    from ui.review_window import ReviewWindow
    from ui.rollup_dialog import RollupDialog


class Desk(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reviews: list[ReviewWindow] = []

    # ------------------------------------------------------------------ review

    def review_folder(self) -> ReviewWindow | None:
        folder = dialogs.get_folder(self.window, "审核文件夹：选择各单位报告所在的文件夹", self.window.settings.last_dir)
        if not folder:
            return None
        return self.open_review([folder])

    def open_review(self, folders: list[str], previous: list[str] | None = None, *,
                    workers: int | None = None) -> ReviewWindow:
        from ui.review_window import ReviewWindow

        review = ReviewWindow(folders, previous or (), open_report=self.open_source, workers=workers,
                              parent=self.window)
        review.destroyed.connect(lambda _o=None, r=review: self.reviews.remove(r) if r in self.reviews else None)
        self.reviews.append(review)
        review.show()
        review.start()
        return review

    def close_all(self) -> None:
        for review in list(self.reviews):
            review.close()

    # ------------------------------------------------------------------ roll-up

    def rollup(self) -> RollupDialog:
        from batch.sources import Source
        from ui.rollup_dialog import RollupDialog

        dialog = RollupDialog(self.window, start_dir=self.window.settings.last_dir,
                              open_report=lambda path: self.open_source(Source(path)))
        dialog.show()
        return dialog

    # ------------------------------------------------------------------ opening a report

    def open_source(self, source: Source) -> bool:
        """Open ``source`` in the editor and go to its first problem (errors before warnings).

        A report file opens at once; any other document is imported in the background (取消
        stops it) and a member of a .zip read in the background: the jump follows when it is in.
        """
        docs = self.window.documents
        if not source.in_archive:
            if source.suffix == ".json":
                if not docs.open_file(source.path):
                    return False
                self.show_first_problem()
                return True
            before = self.window.session
            task = docs.import_path(source.path)
            if task is None:
                return False
            # Only once the import replaced the report (not when the user kept the one open).
            task.finished.connect(lambda _r: self.show_first_problem() if self.window.session is not before else None)
            return True

        if docs.busy():
            self.window.show_message("正在处理上一项任务，请稍候或先取消")
            return False

        def op() -> Any:
            from batch.sources import Reader

            with Reader() as reader:
                return reader.read(source)

        def done(imported: Any) -> None:
            if not docs.maybe_save("打开其他文件前"):
                return
            docs.adopt(DocumentSession(imported.report, None, dirty=True))
            self.window.show_message(f"已从压缩包打开 {source.leaf}，修改后请另存为报告文件")
            self.show_first_problem()

        run_in_background(self, op, done, lambda exc: errors.show_error(self.window, "无法打开", str(exc)))
        return True

    def show_first_problem(self) -> None:
        self.window.raise_()
        self.window.activateWindow()
        session = self.window.session
        first = first_problem(session.result.sorted() if session is not None else [])
        if first is not None:
            self.window.problems.select_finding(first.key)
            self.window.show_finding(first)


def first_problem(findings: list[Finding]) -> Finding | None:
    """The problem to show first: the first open error, else warning, else remark."""
    open_ = [f for f in findings if f.is_open]
    return min(open_, key=lambda f: (SEVERITY_ORDER[f.severity], f.order), default=None)

