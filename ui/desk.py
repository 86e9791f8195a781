"""The 政务公开办's desk in the editor: 文件 → 审核文件夹… and 文件 → 汇总多个报告….

Opens the review window and the roll-up dialog, and opens a report they point at in the editor
(a member of a .zip as an unsaved import), at its first problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from models.findings import SEVERITY_ORDER, Finding
from ui import dialogs, errors
from ui.session import DocumentSession

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
        """Open ``source`` in the editor and go to its first problem (errors before warnings)."""
        docs = self.window.documents
        if not source.in_archive:
            opened = docs.open_file(source.path)
        else:
            from batch.sources import Reader
            from importers import ImportFailed
            from models.storage import ReportFileError

            try:
                with Reader() as reader:
                    imported = reader.read(source)
            except (ImportFailed, ReportFileError) as exc:
                errors.show_error(self.window, "无法打开", str(exc))
                return False
            opened = docs.maybe_save()
            if opened:
                docs.adopt(DocumentSession(imported.report, None, dirty=True))
                self.window.show_message(f"已从压缩包打开 {source.leaf}，修改后请另存为报告文件")
        if not opened:
            return False
        self.window.raise_()
        self.window.activateWindow()
        first = first_problem(self.window.session.result.sorted() if self.window.session else [])
        if first is not None:
            self.window.problems.select_finding(first.key)
            self.window.show_finding(first)
        return True


def first_problem(findings: list[Finding]) -> Finding | None:
    """The problem to show first: the first open error, else warning, else remark."""
    open_ = [f for f in findings if f.is_open]
    return min(open_, key=lambda f: (SEVERITY_ORDER[f.severity], f.order), default=None)

